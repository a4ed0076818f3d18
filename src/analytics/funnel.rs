//! The funnel of a period: customers entering each stage, stage-to-stage
//! conversion rates, and how long converting and staying take, from the
//! stage histories the lifecycle keeps ([`CustomerState::history`]).
//!
//! # Definitions
//!
//! For a period `[from, to)` and a set of customers (every customer, the
//! members of a rule segment ([`FunnelOptions::segment`]; current members,
//! see [`segment_scope`](crate::analytics::segment_scope)), or any set: the
//! caller passes the states it wants counted):
//!
//! - a customer **enters** stage A in the period when their history has a
//!   move into A (the entry into the initial stage included) at a moment in
//!   the period; each customer counts once per stage, at their *first* entry
//!   into A in the period;
//! - **time in stage** A: from that entry to the move that followed it, for
//!   the customers who have left A since (those still in that stay are
//!   counted in `still_in`, not in the durations);
//! - the **conversion** from A to B: of the customers who entered A in the
//!   period, those whose history enters B at any later point (directly or
//!   through other stages, within the period or after it); the **time to
//!   convert** runs from that entry into A to the first entry into B after it.
//!
//! Conversions are given for every pair of stages the model's rules connect
//! (a rule applying to A that leads to B, forward or, where allowed, backward),
//! with the names of those rules, and for every pair of stages consecutive in
//! the model's order (the funnel's steps, even where no rule joins them).
//!
//! Durations are in days; the median and the 90th percentile interpolate
//! linearly between the closest ranks (as numpy's default `percentile`).
//!
//! ```
//! use ciclo::analytics::{funnel, Period};
//! use ciclo::{json, Engine, StageModel};
//!
//! let engine = Engine::new(StageModel::six_stage());
//! for line in [
//!     r#"{"customer": "ana", "at": "2026-03-01T10:00:00Z", "kind": "visit"}"#,
//!     r#"{"customer": "ana", "at": "2026-03-03T10:00:00Z", "kind": "purchase", "amount": 5000, "currency": "ARS"}"#,
//!     r#"{"customer": "beto", "at": "2026-03-02T10:00:00Z", "kind": "visit"}"#,
//! ] {
//!     engine.apply(&json::event_from_json(line)?)?;
//! }
//! let march = Period::new(
//!     ciclo::model::Timestamp::parse("2026-03-01T00:00:00Z", "from")?,
//!     ciclo::model::Timestamp::parse("2026-04-01T00:00:00Z", "to")?,
//! )?;
//! let f = engine.funnel(march, None);
//! let model = engine.model();
//! let awareness = model.stage_id("awareness").unwrap();
//! let conversion = model.stage_id("conversion").unwrap();
//! assert_eq!(f.stage(awareness).entered, 2);
//! let step = f.conversion(awareness, conversion).unwrap();
//! assert_eq!((step.entered, step.converted, step.rate), (2, 1, Some(0.5)));
//! assert_eq!(step.time_to_convert.median_days, Some(2.0));
//! # Ok::<(), ciclo::Error>(())
//! ```

use crate::analytics::period::Period;
use crate::analytics::segment_scope::{check_segment, counts, segment_named};
use crate::error::Result;
use crate::lifecycle::{CustomerState, RuleId, SegmentId, StageId, StageModel};
use crate::model::time::MS_PER_DAY;

/// What a funnel counts: a period and, optionally, a rule segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FunnelOptions {
    /// The period.
    pub period: Period,
    /// Count only the customers who are in this segment now (as of their
    /// last evaluation; see [`segment_scope`](crate::analytics::segment_scope));
    /// every customer when `None`.
    pub segment: Option<SegmentId>,
}

impl FunnelOptions {
    /// Every customer, over `period`.
    pub fn new(period: Period) -> FunnelOptions {
        FunnelOptions {
            period,
            segment: None,
        }
    }

    /// The same options for the members of the segment of `model` named
    /// `name`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming
    /// `segment` when the model has no segment of that name.
    pub fn with_segment(self, model: &StageModel, name: &str) -> Result<FunnelOptions> {
        Ok(FunnelOptions {
            segment: Some(segment_named(model, name)?),
            ..self
        })
    }

    /// Checks the options against `model`: the period, the segment.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming `to`
    /// for a period that ends before it starts, or `segment` for a segment
    /// of another model.
    pub fn check(&self, model: &StageModel) -> Result<()> {
        self.period.check()?;
        check_segment(model, self.segment)
    }
}

/// How many durations were measured, and their median and 90th percentile.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Durations {
    /// Durations measured.
    pub count: usize,
    /// Their median, in days; `None` when none was measured.
    pub median_days: Option<f64>,
    /// Their 90th percentile, in days; `None` when none was measured.
    pub p90_days: Option<f64>,
}

impl Durations {
    /// The summary of durations in milliseconds (reordered in place).
    pub fn of_millis(ms: &mut [i64]) -> Durations {
        Durations {
            count: ms.len(),
            median_days: quantile(ms, 0.5).map(|v| v / MS_PER_DAY as f64),
            p90_days: quantile(ms, 0.9).map(|v| v / MS_PER_DAY as f64),
        }
    }
}

/// The `p`-quantile of `values` interpolated linearly between the closest
/// ranks (numpy's default), in linear time (the slice is reordered).
pub(crate) fn quantile(values: &mut [i64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let pos = p * (values.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let frac = pos - lo as f64;
    let (_, &mut low, above) = values.select_nth_unstable(lo);
    let low = low as f64;
    if frac == 0.0 || above.is_empty() {
        return Some(low);
    }
    let high = *above.iter().min().expect("not empty") as f64;
    Some(low + (high - low) * frac)
}

/// One stage of the funnel.
#[derive(Clone, Debug, PartialEq)]
pub struct StageEntries {
    /// The stage.
    pub stage: StageId,
    /// Customers who entered it in the period.
    pub entered: usize,
    /// Of those, the customers still in the stay that began then.
    pub still_in: usize,
    /// Time in the stage of those who left it since.
    pub time_in_stage: Durations,
}

/// The conversion from one stage to another.
#[derive(Clone, Debug, PartialEq)]
pub struct Conversion {
    /// The stage converted from.
    pub from: StageId,
    /// The stage converted to.
    pub to: StageId,
    /// The model's rules that move customers from `from` to `to` directly,
    /// in declaration order (empty for consecutive stages no rule joins).
    pub rules: Vec<RuleId>,
    /// Customers who entered `from` in the period.
    pub entered: usize,
    /// Of those, the customers who entered `to` after that.
    pub converted: usize,
    /// `converted / entered`; `None` when no customer entered `from`.
    pub rate: Option<f64>,
    /// Time from the entry into `from` to the entry into `to`.
    pub time_to_convert: Durations,
}

/// The funnel of a period (see the [module](self) for the definitions).
#[derive(Clone, Debug, PartialEq)]
pub struct Funnel {
    /// The period.
    pub period: Period,
    /// Customers counted (every one passed, in the period or not; with a
    /// segment, its members).
    pub customers: usize,
    /// Every stage, in the model's order.
    pub stages: Vec<StageEntries>,
    /// The conversions between the stages the model's rules connect and
    /// between consecutive stages, by `from` then `to`.
    pub conversions: Vec<Conversion>,
}

impl Funnel {
    /// The entries of `stage`.
    ///
    /// # Panics
    ///
    /// For a stage of another model.
    pub fn stage(&self, stage: StageId) -> &StageEntries {
        &self.stages[stage.index()]
    }

    /// The conversion from `from` to `to`, when the funnel has it.
    pub fn conversion(&self, from: StageId, to: StageId) -> Option<&Conversion> {
        self.conversions
            .iter()
            .find(|c| c.from == from && c.to == to)
    }
}

/// The pairs of stages a funnel reports: those the model's rules connect,
/// with the rules, and the consecutive ones; sorted by `from` then `to`.
pub fn stage_pairs(model: &StageModel) -> Vec<(StageId, StageId, Vec<RuleId>)> {
    let n = model.stages().len();
    let mut pairs: Vec<(StageId, StageId, Vec<RuleId>)> = Vec::new();
    let mut add = |from: StageId, to: StageId, rule: Option<RuleId>| {
        let entry = match pairs.iter_mut().find(|p| p.0 == from && p.1 == to) {
            Some(entry) => entry,
            None => {
                pairs.push((from, to, Vec::new()));
                pairs.last_mut().expect("just pushed")
            }
        };
        if let Some(rule) = rule {
            entry.2.push(rule);
        }
    };
    for (r, rule) in model.rules().iter().enumerate() {
        for a in 0..n {
            let from = StageId(a as u16);
            let allowed = rule.to > from || rule.allow_backward || !model.forward_only();
            if from != rule.to && rule.applies_to(from) && allowed {
                add(from, rule.to, Some(RuleId(r as u16)));
            }
        }
    }
    for a in 1..n {
        add(StageId(a as u16 - 1), StageId(a as u16), None);
    }
    pairs.sort_by_key(|p| (p.0, p.1));
    pairs
}

/// Accumulates a funnel one customer at a time, so that a caller walking
/// its customers (an engine's shards) never collects them.
#[derive(Debug)]
pub struct FunnelBuilder {
    period: Period,
    segment: Option<SegmentId>,
    stages: usize,
    pairs: Vec<(StageId, StageId, Vec<RuleId>)>,
    /// `pair_at[a * stages + b]`: index in `pairs`, or `u32::MAX`.
    pair_at: Vec<u32>,
    /// Bit `b` of `targets[a]`: `(a, b)` is a pair.
    targets: Vec<u64>,
    customers: usize,
    entered: Vec<usize>,
    still_in: Vec<usize>,
    stays: Vec<Vec<i64>>,
    converted: Vec<usize>,
    to_convert: Vec<Vec<i64>>,
}

impl FunnelBuilder {
    /// An empty funnel of `period` under `model`.
    pub fn new(model: &StageModel, period: Period) -> FunnelBuilder {
        let stages = model.stages().len();
        let pairs = stage_pairs(model);
        let mut pair_at = vec![u32::MAX; stages * stages];
        let mut targets = vec![0u64; stages];
        for (i, (a, b, _)) in pairs.iter().enumerate() {
            pair_at[a.index() * stages + b.index()] = i as u32;
            targets[a.index()] |= 1 << b.index();
        }
        FunnelBuilder {
            period,
            segment: None,
            stages,
            pair_at,
            targets,
            customers: 0,
            entered: vec![0; stages],
            still_in: vec![0; stages],
            stays: vec![Vec::new(); stages],
            converted: vec![0; pairs.len()],
            to_convert: vec![Vec::new(); pairs.len()],
            pairs,
        }
    }

    /// An empty funnel of `options` under `model`: with a segment, the
    /// builder counts only the customers in it ([`FunnelBuilder::add`]
    /// passes over the others).
    ///
    /// # Errors
    ///
    /// As [`FunnelOptions::check`].
    pub fn with_options(model: &StageModel, options: &FunnelOptions) -> Result<FunnelBuilder> {
        options.check(model)?;
        let mut builder = FunnelBuilder::new(model, options.period);
        builder.segment = options.segment;
        Ok(builder)
    }

    /// Counts one customer (of the model the builder was made for); passes
    /// over a customer outside the builder's segment.
    pub fn add(&mut self, state: &CustomerState) {
        if !counts(state, self.segment) {
            return;
        }
        self.customers += 1;
        let history = state.history();
        let mut seen = 0u64;
        for (i, t) in history.iter().enumerate() {
            let a = t.to.index();
            if a >= self.stages || !self.period.contains(t.at) || seen & (1 << a) != 0 {
                continue;
            }
            seen |= 1 << a;
            self.entered[a] += 1;
            match history.get(i + 1) {
                Some(next) => self.stays[a].push(next.at.as_millis() - t.at.as_millis()),
                None => self.still_in[a] += 1,
            }
            let wanted = self.targets[a];
            if wanted == 0 {
                continue;
            }
            let mut reached = 0u64;
            for later in &history[i + 1..] {
                let b = later.to.index();
                if b >= self.stages {
                    continue;
                }
                let bit = 1u64 << b;
                if wanted & bit != 0 && reached & bit == 0 {
                    reached |= bit;
                    let p = self.pair_at[a * self.stages + b] as usize;
                    self.converted[p] += 1;
                    self.to_convert[p].push(later.at.as_millis() - t.at.as_millis());
                    if reached == wanted {
                        break;
                    }
                }
            }
        }
    }

    /// Adds the counts of another builder of the same model and period (for
    /// callers that count in parallel).
    pub fn merge(&mut self, other: FunnelBuilder) {
        self.customers += other.customers;
        for (a, b) in self.entered.iter_mut().zip(other.entered) {
            *a += b;
        }
        for (a, b) in self.still_in.iter_mut().zip(other.still_in) {
            *a += b;
        }
        for (a, b) in self.stays.iter_mut().zip(other.stays) {
            a.extend(b);
        }
        for (a, b) in self.converted.iter_mut().zip(other.converted) {
            *a += b;
        }
        for (a, b) in self.to_convert.iter_mut().zip(other.to_convert) {
            a.extend(b);
        }
    }

    /// The funnel.
    pub fn finish(mut self) -> Funnel {
        let stages = (0..self.stages)
            .map(|s| StageEntries {
                stage: StageId(s as u16),
                entered: self.entered[s],
                still_in: self.still_in[s],
                time_in_stage: Durations::of_millis(&mut self.stays[s]),
            })
            .collect();
        let conversions = self
            .pairs
            .into_iter()
            .enumerate()
            .map(|(p, (from, to, rules))| {
                let entered = self.entered[from.index()];
                let converted = self.converted[p];
                Conversion {
                    from,
                    to,
                    rules,
                    entered,
                    converted,
                    rate: (entered > 0).then(|| converted as f64 / entered as f64),
                    time_to_convert: Durations::of_millis(&mut self.to_convert[p]),
                }
            })
            .collect();
        Funnel {
            period: self.period,
            customers: self.customers,
            stages,
            conversions,
        }
    }
}

/// The funnel of `states` (customers of `model`) over `period`.
pub fn funnel<'a>(
    model: &StageModel,
    period: Period,
    states: impl IntoIterator<Item = &'a CustomerState>,
) -> Funnel {
    let mut builder = FunnelBuilder::new(model, period);
    for state in states {
        builder.add(state);
    }
    builder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_between_ranks() {
        assert_eq!(quantile(&mut [], 0.5), None);
        assert_eq!(quantile(&mut [7], 0.9), Some(7.0));
        assert_eq!(quantile(&mut [4, 1, 3, 2], 0.5), Some(2.5));
        // numpy.percentile([1..10], 90) = 9.1
        let mut v: Vec<i64> = (1..=10).rev().collect();
        assert!((quantile(&mut v, 0.9).unwrap() - 9.1).abs() < 1e-12);
    }

    #[test]
    fn the_six_stage_pairs_name_their_rules() {
        let model = StageModel::six_stage();
        let pairs = stage_pairs(&model);
        let name = |s: StageId| model.stage_name(s).to_string();
        let find = |a: &str, b: &str| {
            pairs
                .iter()
                .find(|p| name(p.0) == a && name(p.1) == b)
                .map(|p| {
                    p.2.iter()
                        .map(|r| model.rule(*r).name.clone())
                        .collect::<Vec<_>>()
                })
        };
        assert_eq!(
            find("conversion", "growth").unwrap(),
            ["cross_sell", "repeat_purchase"]
        );
        assert_eq!(find("reactivation", "conversion").unwrap(), ["win_back"]);
        assert_eq!(find("awareness", "conversion").unwrap(), ["first_purchase"]);
        // No rule moves a customer from growth back to conversion.
        assert!(find("growth", "conversion").is_none());
        assert!(pairs
            .windows(2)
            .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
    }
}
