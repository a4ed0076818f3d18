//! Analytics over the engine's customers: the funnel, drop-off and cohorts of
//! [`crate::analytics`], run shard by shard without collecting the states.
//!
//! Each shard is read under its own lock, one after another (each state
//! fetched from memory ahead of its turn: see `Engine::walk`); with writers
//! at work, the result is of moments microseconds apart, not of one (as
//! [`Engine::stage_counts`]). The options may name a rule segment (its
//! current members count: see
//! [`analytics::segment_scope`](crate::analytics::segment_scope)); a set of
//! customer ids restricts any of them further; the `_where` variants take any
//! test of id and state instead.

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use super::{Ahead, Engine};
use crate::analytics::dropoff::DropOffBuilder;
use crate::analytics::funnel::FunnelBuilder;
use crate::analytics::lifecycle_cohorts::CohortsBuilder;
use crate::analytics::{
    CohortOptions, Cohorts, DropOff, DropOffOptions, Funnel, FunnelOptions, Period,
};
use crate::error::Result;
use crate::lifecycle::CustomerState;
use crate::model::time::Timestamp;

/// What the funnel and the drop-off read of every state: its history, and
/// its memberships when counting a segment's (the drop-off reads the rest
/// only for the customers who dropped off).
fn history_reads(segment: bool) -> Ahead {
    Ahead {
        history: true,
        profile: segment,
        ..Ahead::default()
    }
}

/// What the cohorts read of every state: history, purchases, renewals, and
/// memberships when counting or splitting by segment.
fn cohort_reads(options: &CohortOptions) -> Ahead {
    Ahead {
        history: true,
        purchases: true,
        relationship: true,
        profile: options.segment.is_some() || options.by_segment,
    }
}

/// Whether `id` is in the optional set (every id without one).
fn wanted(customers: Option<&HashSet<String>>, id: &str) -> bool {
    customers.is_none_or(|set| set.contains(id))
}

impl Engine {
    /// The funnel of `period` over the engine's customers, or over those in
    /// `customers` (ids the set names that the engine does not track are
    /// ignored): customers entering each stage, conversion rates, time to
    /// convert and time in stage (definitions in
    /// [`analytics::funnel`](crate::analytics::funnel)). Thread-safe.
    ///
    /// ```
    /// use ciclo::analytics::Period;
    /// use ciclo::model::Timestamp;
    /// use ciclo::{sample, Engine, StageModel};
    ///
    /// let engine = Engine::new(StageModel::six_stage());
    /// for event in sample::events(300, 7) {
    ///     engine.apply(&event)?;
    /// }
    /// let year = Period::new(sample::start(), sample::end())?;
    /// let funnel = engine.funnel(year, None);
    /// let awareness = &funnel.stages[0];
    /// assert_eq!(funnel.customers, 300);
    /// assert!(awareness.entered > 0 && funnel.conversions[0].rate.is_some());
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn funnel(&self, period: Period, customers: Option<&HashSet<String>>) -> Funnel {
        self.funnel_where(period, |id, _| wanted(customers, id))
    }

    /// [`Engine::funnel`] with options: over the members of a rule segment
    /// when `options.segment` names one (those in it now, as of their last
    /// evaluation), and of those, the ones in `customers` when given.
    /// Thread-safe.
    ///
    /// # Errors
    ///
    /// As [`FunnelOptions::check`]: a period that ends before it starts, a
    /// segment of another model.
    ///
    /// ```
    /// use ciclo::analytics::{FunnelOptions, Period};
    /// use ciclo::lifecycle::{presets, ConditionConfig, SegmentConfig, StageModel};
    /// use ciclo::{sample, Engine};
    ///
    /// let mut config = presets::six_stage();
    /// config.segments.push(SegmentConfig {
    ///     name: "buyers".into(),
    ///     description: String::new(),
    ///     stages: Vec::new(),
    ///     when: Some(ConditionConfig::cmp("purchase_count", ">=", 1.0)),
    /// });
    /// let engine = Engine::new(StageModel::compile(config)?);
    /// for event in sample::events(300, 7) {
    ///     engine.apply(&event)?;
    /// }
    /// let year = Period::new(sample::start(), sample::end())?;
    /// let buyers = FunnelOptions::new(year).with_segment(engine.model(), "buyers")?;
    /// let funnel = engine.funnel_with(&buyers, None)?;
    /// let counts = engine.segment_counts();
    /// assert_eq!(funnel.customers, counts[0].1);
    /// assert!(FunnelOptions::new(year).with_segment(engine.model(), "vip").is_err());
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn funnel_with(
        &self,
        options: &FunnelOptions,
        customers: Option<&HashSet<String>>,
    ) -> Result<Funnel> {
        let mut builder = FunnelBuilder::with_options(&self.model, options)?;
        self.walk(history_reads(options.segment.is_some()), |id, state| {
            if wanted(customers, id) {
                builder.add(state);
            }
        });
        Ok(builder.finish())
    }

    /// [`Engine::funnel`] over the customers `keep` accepts (a segment).
    pub fn funnel_where(
        &self,
        period: Period,
        keep: impl Fn(&str, &CustomerState) -> bool,
    ) -> Funnel {
        let mut builder = FunnelBuilder::new(&self.model, period);
        self.walk(history_reads(false), |id, state| {
            if keep(id, state) {
                builder.add(state);
            }
        });
        builder.finish()
    }

    /// The drop-off of `options.stage` over the engine's customers (the
    /// members of `options.segment` when it names one), or over those in
    /// `customers`: who reached it in the period and did not move on
    /// within the horizon, grouped by reason (definitions in
    /// [`analytics::dropoff`](crate::analytics::dropoff)). Thread-safe.
    ///
    /// # Errors
    ///
    /// As [`DropOffOptions::check`]: a stage or segment of another model, a
    /// horizon out of range.
    pub fn drop_off(
        &self,
        options: &DropOffOptions,
        customers: Option<&HashSet<String>>,
    ) -> Result<DropOff> {
        self.drop_off_where(options, |id, _| wanted(customers, id))
    }

    /// [`Engine::drop_off`] over the customers `keep` accepts.
    pub fn drop_off_where(
        &self,
        options: &DropOffOptions,
        keep: impl Fn(&str, &CustomerState) -> bool,
    ) -> Result<DropOff> {
        let mut builder = DropOffBuilder::new(&self.model, options.clone())?;
        self.walk(history_reads(options.segment.is_some()), |id, state| {
            if keep(id, state) {
                builder.add(id, state);
            }
        });
        Ok(builder.finish())
    }

    /// Cohorts by acquisition month over the engine's customers (the members
    /// of `options.segment` when it names one), or over those in
    /// `customers`: retention, churn and reactivation per month, revenue, and
    /// expected value when customer-base models are set
    /// ([`Engine::fit_models`], [`Engine::set_models`]); with
    /// `options.by_segment`, each cohort split by the segments its customers
    /// are in now (a customer in two counts in both); definitions in
    /// [`analytics::lifecycle_cohorts`](crate::analytics::lifecycle_cohorts).
    /// Thread-safe.
    ///
    /// # Errors
    ///
    /// As [`CohortOptions::check`].
    pub fn cohorts(
        &self,
        options: &CohortOptions,
        customers: Option<&HashSet<String>>,
    ) -> Result<Cohorts> {
        self.cohorts_where(options, |id, _| wanted(customers, id))
    }

    /// [`Engine::cohorts`] over the customers `keep` accepts.
    pub fn cohorts_where(
        &self,
        options: &CohortOptions,
        keep: impl Fn(&str, &CustomerState) -> bool,
    ) -> Result<Cohorts> {
        let models = self.models();
        let mut builder = CohortsBuilder::new(&self.model, options.clone(), models)?;
        self.walk(cohort_reads(options), |id, state| {
            if keep(id, state) {
                builder.add(state);
            }
        });
        Ok(builder.finish())
    }

    /// The latest moment the engine knows of: its latest tick, or the latest
    /// watermark of a customer if later; `None` for an engine that has seen
    /// neither. What the analyses take as "now" when the caller names none.
    pub fn latest_moment(&self) -> Option<Timestamp> {
        let tick = self.last_tick.load(Ordering::Acquire);
        let mut latest = (tick != i64::MIN)
            .then(|| Timestamp::from_millis(tick, "now").ok())
            .flatten();
        self.for_each(|_, state| {
            latest = Some(latest.map_or(state.watermark(), |l| l.max(state.watermark())));
        });
        latest
    }
}
