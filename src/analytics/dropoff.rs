//! Drop-off: the customers who reached a stage and did not move on within a
//! horizon, what they did last, their signals, and why they did not convert,
//! as a table of reasons.
//!
//! # Definitions
//!
//! For a stage S, a period `[from, to)`, a horizon of H days and a moment
//! `now`:
//!
//! - a customer **reached** S when they entered it in the period (their first
//!   entry into S in the period counts);
//! - they **moved on** when their history enters one of the `next` stages
//!   after that entry and at most H days after it. `next` defaults to the
//!   stages after S in the model's order that are not *recovery* stages (a
//!   stage some rule leads customers backward out of, as `reactivation` and
//!   its `win_back`: entering it is leaving, not progress); for a stage with
//!   none after it, every other stage;
//! - those who did not move on are **pending** while `now` is within H days
//!   of their entry, and **dropped** after.
//!
//! Each dropped customer gets one reason, the first that holds in this order
//! ([`DropReason`]): a cancellation after reaching S (`cancelled`, with the
//! customer's cancellation reason), an unsubscription, payment failures,
//! complaints, open tickets, a satisfaction drop, declined offers, and
//! otherwise `inactive` (no event for H days at `now`) or
//! `active_without_moving`. Window counts (complaints, payment failures) are
//! read at the customer's last known moment (their state's watermark: what
//! was going on when they went quiet), inactivity at `now`.
//!
//! A lifecycle state keeps no log of events, only metrics and the history of
//! moves: "what they did last" is the last activity's moment and the last
//! move (its stage, cause and moment).
//!
//! ```
//! use ciclo::analytics::{DropOffOptions, DropReason, Period};
//! use ciclo::model::Timestamp;
//! use ciclo::{json, Engine, StageModel};
//!
//! let engine = Engine::new(StageModel::six_stage());
//! for line in [
//!     r#"{"customer": "ana", "at": "2026-03-01T10:00:00Z", "kind": "purchase", "amount": 5000, "currency": "ARS"}"#,
//!     r#"{"customer": "ana", "at": "2026-03-09T10:00:00Z", "kind": "cancellation", "reason": "precio"}"#,
//!     r#"{"customer": "eva", "at": "2026-03-02T10:00:00Z", "kind": "purchase", "amount": 5000, "currency": "ARS"}"#,
//!     r#"{"customer": "eva", "at": "2026-03-20T10:00:00Z", "kind": "purchase", "amount": 7000, "currency": "ARS"}"#,
//! ] {
//!     engine.apply(&json::event_from_json(line)?)?;
//! }
//! let t = |s| Timestamp::parse(s, "t");
//! let conversion = engine.model().stage_id("conversion").unwrap();
//! let period = Period::new(t("2026-03-01T00:00:00Z")?, t("2026-04-01T00:00:00Z")?)?;
//! let options = DropOffOptions::new(period, conversion, 30.0, t("2026-06-01T00:00:00Z")?)?;
//! let d = engine.drop_off(&options, None)?;
//! assert_eq!((d.reached, d.moved_on, d.dropped), (2, 1, 1));
//! assert_eq!(d.reasons[0].reason, DropReason::Cancelled);
//! assert_eq!(d.reasons[0].detail.as_deref(), Some("precio"));
//! assert_eq!(d.reasons[0].examples[0].customer, "ana");
//! # Ok::<(), ciclo::Error>(())
//! ```

use std::collections::BTreeMap;

use crate::analytics::period::Period;
use crate::analytics::segment_scope::{check_segment, counts, segment_named};
use crate::error::{Error, Result};
use crate::lifecycle::{Cause, CustomerState, Metric, SegmentId, StageId, StageModel};
use crate::model::time::{Timestamp, MS_PER_DAY};
use crate::retention::{Signal, SignalContext, Signals};

/// Most example customers a reason may list.
pub const MAX_EXAMPLES: usize = 100;
/// Longest horizon, in days (about a century).
pub const MAX_HORIZON_DAYS: f64 = 36_525.0;

/// Why a customer did not move on, in the order reasons are tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DropReason {
    /// They cancelled after reaching the stage (the detail is their
    /// cancellation reason, when the event gave one).
    Cancelled,
    /// They unsubscribed.
    Unsubscribed,
    /// Payment failures within the metrics' window at their last moment.
    PaymentFailures,
    /// Complaints within the metrics' window at their last moment.
    Complaints,
    /// Support tickets still open.
    OpenTickets,
    /// Their latest survey score is below the one before.
    SatisfactionDropped,
    /// They declined offers.
    DeclinedOffers,
    /// No event for the horizon's length at `now`, and none of the above.
    Inactive,
    /// Still active, none of the above, and yet they did not move on.
    ActiveWithoutMoving,
}

impl DropReason {
    /// Every reason, in the order they are tried.
    pub const ALL: [DropReason; 9] = [
        DropReason::Cancelled,
        DropReason::Unsubscribed,
        DropReason::PaymentFailures,
        DropReason::Complaints,
        DropReason::OpenTickets,
        DropReason::SatisfactionDropped,
        DropReason::DeclinedOffers,
        DropReason::Inactive,
        DropReason::ActiveWithoutMoving,
    ];

    /// The reason's name in JSON.
    pub fn name(self) -> &'static str {
        match self {
            DropReason::Cancelled => "cancelled",
            DropReason::Unsubscribed => "unsubscribed",
            DropReason::PaymentFailures => "payment_failures",
            DropReason::Complaints => "complaints",
            DropReason::OpenTickets => "open_tickets",
            DropReason::SatisfactionDropped => "satisfaction_dropped",
            DropReason::DeclinedOffers => "declined_offers",
            DropReason::Inactive => "inactive",
            DropReason::ActiveWithoutMoving => "active_without_moving",
        }
    }
}

/// What to analyse.
#[derive(Clone, Debug, PartialEq)]
pub struct DropOffOptions {
    /// Customers who reached `stage` in this period.
    pub period: Period,
    /// The stage.
    pub stage: StageId,
    /// Days a customer has to move on.
    pub horizon_days: f64,
    /// The stages that count as moving on; `None`: the default (see the
    /// [module](self)).
    pub next: Option<Vec<StageId>>,
    /// The moment of the analysis: who is still within the horizon, and
    /// inactivity, are judged at it.
    pub now: Timestamp,
    /// Example customers per reason (the first by id), 0 to [`MAX_EXAMPLES`].
    pub max_examples: usize,
    /// Count only the customers who are in this segment now (as of their
    /// last evaluation; see [`segment_scope`](crate::analytics::segment_scope));
    /// every customer when `None`.
    pub segment: Option<SegmentId>,
}

impl DropOffOptions {
    /// Options with the default `next` stages and 5 examples per reason.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `horizon_days` unless it is a finite
    /// number above 0 and at most [`MAX_HORIZON_DAYS`], or `to` for a period
    /// that ends before it starts.
    pub fn new(
        period: Period,
        stage: StageId,
        horizon_days: f64,
        now: Timestamp,
    ) -> Result<DropOffOptions> {
        let options = DropOffOptions {
            period,
            stage,
            horizon_days,
            next: None,
            now,
            max_examples: 5,
            segment: None,
        };
        options.check_numbers()?;
        Ok(options)
    }

    /// The same options for the members of the segment of `model` named
    /// `name`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `segment` when the model has no
    /// segment of that name.
    pub fn with_segment(self, model: &StageModel, name: &str) -> Result<DropOffOptions> {
        Ok(DropOffOptions {
            segment: Some(segment_named(model, name)?),
            ..self
        })
    }

    /// Checks the options against `model`: the stages and the segment exist,
    /// the numbers are in range.
    pub fn check(&self, model: &StageModel) -> Result<()> {
        check_segment(model, self.segment)?;
        let n = model.stages().len();
        if self.stage.index() >= n {
            return Err(Error::invalid("stage", "not a stage of the model"));
        }
        for (i, s) in self.next.iter().flatten().enumerate() {
            if s.index() >= n {
                return Err(Error::invalid(
                    format!("next[{i}]"),
                    "not a stage of the model",
                ));
            }
        }
        self.check_numbers()
    }

    fn check_numbers(&self) -> Result<()> {
        self.period.check()?;
        if !(self.horizon_days.is_finite()
            && self.horizon_days > 0.0
            && self.horizon_days <= MAX_HORIZON_DAYS)
        {
            return Err(Error::invalid(
                "horizon_days",
                format!(
                    "{} is not a number of days above 0 and at most {MAX_HORIZON_DAYS}",
                    self.horizon_days
                ),
            ));
        }
        if self.max_examples > MAX_EXAMPLES {
            return Err(Error::invalid(
                "max_examples",
                format!("{} examples; at most {MAX_EXAMPLES}", self.max_examples),
            ));
        }
        Ok(())
    }

    /// The stages that count as moving on from the options' stage.
    pub fn next_stages(&self, model: &StageModel) -> Vec<StageId> {
        match &self.next {
            Some(next) => {
                let mut next = next.clone();
                next.sort();
                next.dedup();
                next
            }
            None => default_next(model, self.stage),
        }
    }
}

/// Whether a rule moves customers backward out of `stage`: a stage customers
/// are won back from, not one they progress to.
pub fn is_recovery_stage(model: &StageModel, stage: StageId) -> bool {
    model
        .rules()
        .iter()
        .any(|r| r.to < stage && r.applies_to(stage) && (r.allow_backward || !model.forward_only()))
}

/// The stages after `stage` in the model's order that are not recovery
/// stages; every other stage when there is none.
pub fn default_next(model: &StageModel, stage: StageId) -> Vec<StageId> {
    let all = (0..model.stages().len()).map(|i| StageId(i as u16));
    let later: Vec<StageId> = all
        .clone()
        .filter(|&s| s > stage && !is_recovery_stage(model, s))
        .collect();
    if later.is_empty() {
        all.filter(|&s| s != stage).collect()
    } else {
        later
    }
}

/// A customer who dropped off, as an example of their reason.
#[derive(Clone, Debug, PartialEq)]
pub struct DroppedCustomer {
    /// The customer's id.
    pub customer: String,
    /// When they reached the stage.
    pub entered: Timestamp,
    /// Their last event.
    pub last_activity: Timestamp,
    /// Their current stage: where their last move took them.
    pub stage: StageId,
    /// What caused their last move (an event kind or `tick`).
    pub last_move_cause: Cause,
    /// When their last move happened.
    pub last_move_at: Timestamp,
    /// Days without any event, at `now`.
    pub days_inactive: f64,
    /// Their signals at their last known moment (those with a value).
    pub signals: Vec<(Signal, f64)>,
}

/// One row of the table: a reason, how many dropped for it, examples.
#[derive(Clone, Debug, PartialEq)]
pub struct ReasonCount {
    /// The reason.
    pub reason: DropReason,
    /// The cancellation reason, for `cancelled` (`None` when the event gave
    /// none, and for the other reasons).
    pub detail: Option<String>,
    /// Customers who dropped for it.
    pub customers: usize,
    /// `customers` over every customer who dropped.
    pub share: f64,
    /// The first customers by id, at most `max_examples`.
    pub examples: Vec<DroppedCustomer>,
}

/// The drop-off of a stage (see the [module](self) for the definitions).
#[derive(Clone, Debug, PartialEq)]
pub struct DropOff {
    /// The period.
    pub period: Period,
    /// The stage.
    pub stage: StageId,
    /// The stages counted as moving on.
    pub next: Vec<StageId>,
    /// The horizon, days.
    pub horizon_days: f64,
    /// The moment of the analysis.
    pub now: Timestamp,
    /// Customers counted (every one passed; with a segment, its members).
    pub customers: usize,
    /// Customers who reached the stage in the period.
    pub reached: usize,
    /// Of those, the ones who moved on within the horizon.
    pub moved_on: usize,
    /// The ones still within the horizon at `now`.
    pub pending: usize,
    /// The ones who did not move on.
    pub dropped: usize,
    /// Why, most customers first (ties in [`DropReason::ALL`] order, then
    /// by detail).
    pub reasons: Vec<ReasonCount>,
}

#[derive(Debug, Default)]
struct Group {
    customers: usize,
    examples: Vec<DroppedCustomer>,
}

/// Accumulates a drop-off one customer at a time.
#[derive(Debug)]
pub struct DropOffBuilder<'m> {
    model: &'m StageModel,
    options: DropOffOptions,
    next: Vec<StageId>,
    next_mask: u64,
    horizon_ms: i64,
    customers: usize,
    reached: usize,
    moved_on: usize,
    pending: usize,
    dropped: usize,
    groups: BTreeMap<(DropReason, Option<String>), Group>,
}

impl<'m> DropOffBuilder<'m> {
    /// An empty drop-off.
    ///
    /// # Errors
    ///
    /// As [`DropOffOptions::check`].
    pub fn new(model: &'m StageModel, options: DropOffOptions) -> Result<DropOffBuilder<'m>> {
        options.check(model)?;
        let next = options.next_stages(model);
        let next_mask = next.iter().fold(0u64, |m, s| m | 1 << s.index());
        let horizon_ms = (options.horizon_days * MS_PER_DAY as f64).round() as i64;
        Ok(DropOffBuilder {
            model,
            next,
            next_mask,
            horizon_ms,
            options,
            customers: 0,
            reached: 0,
            moved_on: 0,
            pending: 0,
            dropped: 0,
            groups: BTreeMap::new(),
        })
    }

    /// Counts one customer; passes over a customer outside the options'
    /// segment.
    pub fn add(&mut self, customer: &str, state: &CustomerState) {
        if !counts(state, self.options.segment) {
            return;
        }
        self.customers += 1;
        let history = state.history();
        let stage = self.options.stage;
        let Some(i) = history
            .iter()
            .position(|t| t.to == stage && self.options.period.contains(t.at))
        else {
            return;
        };
        self.reached += 1;
        let entered = history[i].at;
        let deadline = entered.as_millis().saturating_add(self.horizon_ms);
        let moved = history[i + 1..].iter().any(|t| {
            t.at.as_millis() <= deadline
                && t.to.index() < 64
                && self.next_mask & (1 << t.to.index()) != 0
        });
        if moved {
            self.moved_on += 1;
            return;
        }
        if self.options.now.as_millis() < deadline {
            self.pending += 1;
            return;
        }
        self.dropped += 1;
        let (reason, detail) = self.reason(state, entered);
        let max = self.options.max_examples;
        let key = (reason, detail);
        let group = self.groups.entry(key.clone()).or_default();
        group.customers += 1;
        let full = group.examples.len() >= max;
        if max == 0
            || full
                && group
                    .examples
                    .last()
                    .is_some_and(|last| last.customer.as_str() <= customer)
        {
            return;
        }
        let example = self.example(customer, state, entered);
        let group = self.groups.get_mut(&key).expect("just added");
        let at = group
            .examples
            .partition_point(|e| e.customer.as_str() < customer);
        group.examples.insert(at, example);
        group.examples.truncate(max);
    }

    fn reason(&self, state: &CustomerState, entered: Timestamp) -> (DropReason, Option<String>) {
        let m = state.metrics();
        let at = state.watermark();
        let metric = |metric: Metric| state.metric(self.model, metric, at).unwrap_or(0.0);
        let r = m.relationship.as_deref();
        if let Some(r) = r.filter(|r| r.last_cancellation.is_some_and(|c| c >= entered)) {
            return (DropReason::Cancelled, r.cancellation_reason.clone());
        }
        let reason = if m.unsubscribed {
            DropReason::Unsubscribed
        } else if metric(Metric::PaymentFailuresInWindow) > 0.0 {
            DropReason::PaymentFailures
        } else if metric(Metric::ComplaintsInWindow) > 0.0 {
            DropReason::Complaints
        } else if metric(Metric::OpenTickets) > 0.0 {
            DropReason::OpenTickets
        } else if metric(Metric::SatisfactionChange) < 0.0 {
            DropReason::SatisfactionDropped
        } else if r.is_some_and(|r| r.offers_declined > 0) {
            DropReason::DeclinedOffers
        } else if self.options.now.days_since(m.last_activity) >= self.options.horizon_days {
            DropReason::Inactive
        } else {
            DropReason::ActiveWithoutMoving
        };
        (reason, None)
    }

    fn example(
        &self,
        customer: &str,
        state: &CustomerState,
        entered: Timestamp,
    ) -> DroppedCustomer {
        let last = state.history().last().expect("a state has a history");
        let signals = Signals::of(
            state,
            self.model,
            state.watermark(),
            &SignalContext::default(),
        );
        DroppedCustomer {
            customer: customer.to_string(),
            entered,
            last_activity: state.metrics().last_activity,
            stage: state.stage(),
            last_move_cause: last.cause,
            last_move_at: last.at,
            days_inactive: self
                .options
                .now
                .days_since(state.metrics().last_activity)
                .max(0.0),
            signals: signals.iter().collect(),
        }
    }

    /// Adds the counts of another builder of the same options (for callers
    /// that count in parallel).
    pub fn merge(&mut self, other: DropOffBuilder<'_>) {
        self.customers += other.customers;
        self.reached += other.reached;
        self.moved_on += other.moved_on;
        self.pending += other.pending;
        self.dropped += other.dropped;
        let max = self.options.max_examples;
        for (key, g) in other.groups {
            let mine = self.groups.entry(key).or_default();
            mine.customers += g.customers;
            mine.examples.extend(g.examples);
            mine.examples.sort_by(|a, b| a.customer.cmp(&b.customer));
            mine.examples.truncate(max);
        }
    }

    /// The drop-off.
    pub fn finish(self) -> DropOff {
        let dropped = self.dropped;
        let mut reasons: Vec<ReasonCount> = self
            .groups
            .into_iter()
            .map(|((reason, detail), g)| ReasonCount {
                reason,
                detail,
                customers: g.customers,
                share: g.customers as f64 / dropped.max(1) as f64,
                examples: g.examples,
            })
            .collect();
        // The map is in (reason, detail) order; a stable sort keeps it for ties.
        reasons.sort_by_key(|r| std::cmp::Reverse(r.customers));
        DropOff {
            period: self.options.period,
            stage: self.options.stage,
            next: self.next,
            horizon_days: self.options.horizon_days,
            now: self.options.now,
            customers: self.customers,
            reached: self.reached,
            moved_on: self.moved_on,
            pending: self.pending,
            dropped,
            reasons,
        }
    }
}

/// The drop-off of `customers` (id and state, of `model`).
///
/// # Errors
///
/// As [`DropOffOptions::check`].
pub fn drop_off<'a>(
    model: &StageModel,
    options: DropOffOptions,
    customers: impl IntoIterator<Item = (&'a str, &'a CustomerState)>,
) -> Result<DropOff> {
    let mut builder = DropOffBuilder::new(model, options)?;
    for (id, state) in customers {
        builder.add(id, state);
    }
    Ok(builder.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_stage_defaults_skip_the_recovery_stage() {
        let model = StageModel::six_stage();
        let id = |n: &str| model.stage_id(n).unwrap();
        assert!(is_recovery_stage(&model, id("reactivation")));
        assert!(!is_recovery_stage(&model, id("growth")));
        assert_eq!(
            default_next(&model, id("conversion")),
            [id("growth"), id("retention")]
        );
        // Nothing progresses beyond retention: any move counts.
        assert_eq!(default_next(&model, id("retention")).len(), 5);
    }
}
