//! The JSON of the funnel, drop-off and cohort analyses
//! (`ciclo_engine_funnel_json`, `ciclo_engine_drop_off_json`,
//! `ciclo_engine_cohorts_json`): their options and their results.
//!
//! Options name a period by RFC 3339 moments, `from` included and `to`
//! excluded, and optionally a rule segment of the model (its members now
//! count: see [`segment_scope`](crate::analytics::segment_scope)) and the
//! customers to count (ids; with a segment, its members among them):
//!
//! ```json
//! {"from": "2025-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z",
//!  "segment": "smes", "customers": ["AR-000001", "ES-000002"]}
//! ```
//!
//! Drop-off adds the stage, the horizon and optionally the stages that count
//! as moving on, the moment of the analysis and the examples per reason:
//! `{"from": ..., "to": ..., "stage": "conversion", "horizon_days": 60,
//! "next": ["growth"], "now": "2026-01-01T00:00:00Z", "max_examples": 5}`.
//! Cohorts add optionally the churn stages, the moment of the expected
//! values and the split by segment: `{"from": ..., "to": ..., "churn_stages":
//! ["reactivation"], "now": ..., "by_segment": true}`. `now` defaults to the engine's latest moment (its latest tick or
//! event; `to` for an empty engine).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::retention::SignalMap;
use crate::analytics::segment_scope::segment_named;
use crate::analytics::{
    CohortMonth, CohortOptions, CohortRevenue, CohortSegment, CohortValue, Cohorts, DropOff,
    DropOffOptions, Durations, Funnel, FunnelOptions, Period,
};
use crate::error::{Error, Result};
use crate::lifecycle::{SegmentId, StageId, StageModel};
use crate::model::money::Currency;
use crate::model::time::Timestamp;

/// The options every analysis takes: a period and, optionally, customers.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct FunnelOptionsJson {
    /// The period's first moment (included).
    from: Timestamp,
    /// The moment the period ends (excluded); after `from`.
    to: Timestamp,
    /// A rule segment of the model: only the customers in it now (as of
    /// their last evaluation) count; every customer when absent.
    #[serde(default)]
    segment: Option<String>,
    /// The ids of the customers to count; every customer when absent (with
    /// `segment`, its members among them). Ids the engine does not track are
    /// ignored.
    #[serde(default)]
    customers: Option<Vec<String>>,
}

/// Drop-off options.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct DropOffOptionsJson {
    /// The period's first moment (included).
    from: Timestamp,
    /// The moment the period ends (excluded); after `from`.
    to: Timestamp,
    /// The stage customers reached.
    stage: String,
    /// Days they had to move on: above 0, at most 36525.
    #[cfg_attr(
        feature = "schema",
        schemars(extend("exclusiveMinimum" = 0, "maximum" = 36525))
    )]
    horizon_days: f64,
    /// The stages that count as moving on; by default the stages after
    /// `stage` in the model's order that customers are not won back from.
    #[serde(default)]
    next: Option<Vec<String>>,
    /// The moment of the analysis; the engine's latest moment by default.
    #[serde(default)]
    now: Option<Timestamp>,
    /// Example customers per reason, 0 to 100 (5).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(range(max = 100)))]
    max_examples: Option<u32>,
    /// A rule segment of the model: only the customers in it now (as of
    /// their last evaluation) count; every customer when absent.
    #[serde(default)]
    segment: Option<String>,
    /// The ids of the customers to count; every customer when absent.
    #[serde(default)]
    customers: Option<Vec<String>>,
}

/// Cohort options.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct CohortOptionsJson {
    /// The period's first moment (included).
    from: Timestamp,
    /// The moment the period ends (excluded); after `from`, at most 1200
    /// months later.
    to: Timestamp,
    /// The stages that count as churned; by default the stages customers are
    /// won back from (`reactivation` in `six_stage`).
    #[serde(default)]
    churn_stages: Option<Vec<String>>,
    /// The moment expected values are computed at; the engine's latest
    /// moment by default.
    #[serde(default)]
    now: Option<Timestamp>,
    /// Also split each cohort by the segments its customers are in now (a
    /// customer in two counts in both); `false` by default. At most
    /// 1,000,000 rows: segments times n(n+1)/2 for a period of n months.
    #[serde(default)]
    by_segment: bool,
    /// A rule segment of the model: only the customers in it now (as of
    /// their last evaluation) count; every customer when absent.
    #[serde(default)]
    segment: Option<String>,
    /// The ids of the customers to count; every customer when absent.
    #[serde(default)]
    customers: Option<Vec<String>>,
}

fn period(from: Timestamp, to: Timestamp) -> Result<Period> {
    Period::new(from, to).map_err(|e| e.within("options."))
}

fn stage(model: &StageModel, name: &str, field: String) -> Result<StageId> {
    model.stage_id(name).ok_or_else(|| Error::UnknownStage {
        field,
        stage: crate::model::time::clip(name),
    })
}

fn stages(
    model: &StageModel,
    names: Option<Vec<String>>,
    field: &str,
) -> Result<Option<Vec<StageId>>> {
    names
        .map(|names| {
            names
                .iter()
                .enumerate()
                .map(|(i, n)| stage(model, n, format!("options.{field}[{i}]")))
                .collect()
        })
        .transpose()
}

fn customer_set(customers: Option<Vec<String>>) -> Option<HashSet<String>> {
    customers.map(|c| c.into_iter().collect())
}

fn segment(model: &StageModel, name: Option<String>) -> Result<Option<SegmentId>> {
    name.map(|n| segment_named(model, &n).map_err(|e| e.within("options.")))
        .transpose()
}

/// Funnel options read: the period and segment, and the customers to count.
pub type FunnelRequest = (FunnelOptions, Option<HashSet<String>>);

/// Reads funnel options against `model`: `{"from": ..., "to": ...,
/// "segment": "smes", "customers": [...]}`.
///
/// # Errors
///
/// [`Error::Json`] (a timestamp that is not RFC 3339 among them),
/// [`Error::UnknownField`] naming the path; [`Error::InvalidArgument`]
/// naming `options.to` for a period that ends before it starts (or when it
/// starts), or `options.segment` for a name that is not one of the model's
/// segments.
pub fn funnel_options_from_json(model: &StageModel, text: &str) -> Result<FunnelRequest> {
    let raw: FunnelOptionsJson = super::read(text, "options")?;
    let options = FunnelOptions {
        period: period(raw.from, raw.to)?,
        segment: segment(model, raw.segment)?,
    };
    Ok((options, customer_set(raw.customers)))
}

/// Reads drop-off options against `model`; `latest` gives the default `now`
/// (called only when the options name none).
///
/// # Errors
///
/// As [`funnel_options_from_json`]; [`Error::UnknownStage`] naming
/// `options.stage` or `options.next[i]`; [`Error::InvalidArgument`] naming
/// `options.horizon_days` or `options.max_examples` out of range, or
/// `options.segment`.
pub fn drop_off_options_from_json(
    model: &StageModel,
    text: &str,
    latest: impl FnOnce() -> Option<Timestamp>,
) -> Result<(DropOffOptions, Option<HashSet<String>>)> {
    let raw: DropOffOptionsJson = super::read(text, "options")?;
    let period = period(raw.from, raw.to)?;
    let stage = stage(model, &raw.stage, "options.stage".into())?;
    let next = stages(model, raw.next, "next")?;
    let now = raw.now.or_else(latest).unwrap_or(period.to);
    let mut options = DropOffOptions::new(period, stage, raw.horizon_days, now)
        .map_err(|e| e.within("options."))?;
    options.next = next;
    options.segment = segment(model, raw.segment)?;
    if let Some(max) = raw.max_examples {
        options.max_examples = max as usize;
    }
    options.check(model).map_err(|e| e.within("options."))?;
    Ok((options, customer_set(raw.customers)))
}

/// Reads cohort options against `model`; `latest` gives the default `now`.
///
/// # Errors
///
/// As [`funnel_options_from_json`]; [`Error::UnknownStage`] naming
/// `options.churn_stages[i]`; [`Error::InvalidArgument`] naming `options.to`
/// for a period of more than 1200 months, `options.segment`, or
/// `options.by_segment` for a split of more than 1,000,000 rows.
pub fn cohort_options_from_json(
    model: &StageModel,
    text: &str,
    latest: impl FnOnce() -> Option<Timestamp>,
) -> Result<(CohortOptions, Option<HashSet<String>>)> {
    let raw: CohortOptionsJson = super::read(text, "options")?;
    let period = period(raw.from, raw.to)?;
    let churn_stages = stages(model, raw.churn_stages, "churn_stages")?;
    let now = raw.now.or_else(latest).unwrap_or(period.to);
    let options = CohortOptions {
        period,
        churn_stages,
        now,
        segment: segment(model, raw.segment)?,
        by_segment: raw.by_segment,
    };
    options.check(model).map_err(|e| e.within("options."))?;
    Ok((options, customer_set(raw.customers)))
}

/// How many durations were measured, their median and 90th percentile.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct DurationsJson {
    /// Durations measured.
    count: usize,
    /// Their median, days; `null` when none was measured.
    median_days: Option<f64>,
    /// Their 90th percentile, days (linear interpolation between ranks);
    /// `null` when none was measured.
    p90_days: Option<f64>,
}

impl From<&Durations> for DurationsJson {
    fn from(d: &Durations) -> Self {
        DurationsJson {
            count: d.count,
            median_days: d.median_days,
            p90_days: d.p90_days,
        }
    }
}

/// One stage of a funnel.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct StageEntriesJson<'a> {
    /// The stage.
    stage: &'a str,
    /// Customers who entered it in the period (once each, at their first
    /// entry in the period).
    entered: usize,
    /// Of those, the customers still in the stay that began then.
    still_in: usize,
    /// Time in the stage of those who left it since.
    time_in_stage: DurationsJson,
}

/// A conversion between two stages.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct ConversionJson<'a> {
    /// The stage converted from.
    from: &'a str,
    /// The stage converted to.
    to: &'a str,
    /// The rules that move customers from `from` to `to` directly (empty for
    /// consecutive stages no rule joins).
    rules: Vec<&'a str>,
    /// Customers who entered `from` in the period.
    entered: usize,
    /// Of those, the customers who entered `to` after that.
    converted: usize,
    /// `converted / entered`; `null` when no customer entered `from`.
    rate: Option<f64>,
    /// Time from the entry into `from` to the entry into `to`.
    time_to_convert: DurationsJson,
}

/// A funnel.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct FunnelJson<'a> {
    /// The period's first moment.
    from: Timestamp,
    /// The moment the period ends (excluded).
    to: Timestamp,
    /// Customers counted.
    customers: usize,
    /// Every stage, in the model's order.
    stages: Vec<StageEntriesJson<'a>>,
    /// Conversions between the stages the model's rules connect and between
    /// consecutive stages, by `from` then `to` in the model's order.
    conversions: Vec<ConversionJson<'a>>,
}

/// A funnel as JSON: `{"from", "to", "customers", "stages": [{"stage",
/// "entered", "still_in", "time_in_stage": {"count", "median_days",
/// "p90_days"}}], "conversions": [{"from", "to", "rules", "entered",
/// "converted", "rate", "time_to_convert"}]}`.
pub fn funnel_to_json(model: &StageModel, funnel: &Funnel) -> String {
    let out = FunnelJson {
        from: funnel.period.from,
        to: funnel.period.to,
        customers: funnel.customers,
        stages: funnel
            .stages
            .iter()
            .map(|s| StageEntriesJson {
                stage: model.stage_name(s.stage),
                entered: s.entered,
                still_in: s.still_in,
                time_in_stage: (&s.time_in_stage).into(),
            })
            .collect(),
        conversions: funnel
            .conversions
            .iter()
            .map(|c| ConversionJson {
                from: model.stage_name(c.from),
                to: model.stage_name(c.to),
                rules: c
                    .rules
                    .iter()
                    .map(|r| model.rule(*r).name.as_str())
                    .collect(),
                entered: c.entered,
                converted: c.converted,
                rate: c.rate,
                time_to_convert: (&c.time_to_convert).into(),
            })
            .collect(),
    };
    serde_json::to_string(&out).expect("a funnel serialises")
}

/// A customer's last move.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct LastMoveJson<'a> {
    /// The stage it led to (the customer's current stage).
    stage: &'a str,
    /// The event kind behind it, or `tick`.
    cause: &'a str,
    /// When.
    at: Timestamp,
}

/// A customer who dropped off.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct DroppedJson<'a> {
    /// The customer.
    customer: &'a str,
    /// When they reached the stage.
    entered: Timestamp,
    /// Their last event.
    last_activity: Timestamp,
    /// Their last move.
    last_move: LastMoveJson<'a>,
    /// Days without an event at `now`.
    days_inactive: f64,
    /// Their signals at their last known moment, those with a value.
    signals: SignalMap<'a>,
}

/// One reason of a drop-off.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct ReasonJson<'a> {
    /// `cancelled`, `unsubscribed`, `payment_failures`, `complaints`,
    /// `open_tickets`, `satisfaction_dropped`, `declined_offers`, `inactive`
    /// or `active_without_moving`.
    #[cfg_attr(
        feature = "schema",
        schemars(extend("enum" = ["cancelled", "unsubscribed", "payment_failures", "complaints",
            "open_tickets", "satisfaction_dropped", "declined_offers", "inactive",
            "active_without_moving"]))
    )]
    reason: &'a str,
    /// The cancellation reason for `cancelled` (`null` when none was given,
    /// and for the other reasons).
    detail: Option<&'a str>,
    /// Customers who dropped for it.
    customers: usize,
    /// Their share of every customer who dropped.
    share: f64,
    /// The first customers by id.
    examples: Vec<DroppedJson<'a>>,
}

/// A drop-off.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct DropOffJson<'a> {
    /// The period's first moment.
    from: Timestamp,
    /// The moment the period ends (excluded).
    to: Timestamp,
    /// The stage.
    stage: &'a str,
    /// The stages counted as moving on.
    next: Vec<&'a str>,
    /// The horizon, days.
    horizon_days: f64,
    /// The moment of the analysis.
    now: Timestamp,
    /// Customers counted.
    customers: usize,
    /// Customers who reached the stage in the period.
    reached: usize,
    /// Of those, the ones who moved on within the horizon.
    moved_on: usize,
    /// The ones still within the horizon at `now`.
    pending: usize,
    /// The ones who did not move on.
    dropped: usize,
    /// Why, most customers first.
    reasons: Vec<ReasonJson<'a>>,
}

/// A drop-off as JSON: `{"from", "to", "stage", "next", "horizon_days",
/// "now", "customers", "reached", "moved_on", "pending", "dropped",
/// "reasons": [{"reason", "detail", "customers", "share", "examples":
/// [{"customer", "entered", "last_activity", "last_move": {"stage", "cause",
/// "at"}, "days_inactive", "signals"}]}]}`.
pub fn drop_off_to_json(model: &StageModel, d: &DropOff) -> String {
    let out = DropOffJson {
        from: d.period.from,
        to: d.period.to,
        stage: model.stage_name(d.stage),
        next: d.next.iter().map(|s| model.stage_name(*s)).collect(),
        horizon_days: d.horizon_days,
        now: d.now,
        customers: d.customers,
        reached: d.reached,
        moved_on: d.moved_on,
        pending: d.pending,
        dropped: d.dropped,
        reasons: d
            .reasons
            .iter()
            .map(|r| ReasonJson {
                reason: r.reason.name(),
                detail: r.detail.as_deref(),
                customers: r.customers,
                share: r.share,
                examples: r
                    .examples
                    .iter()
                    .map(|e| DroppedJson {
                        customer: &e.customer,
                        entered: e.entered,
                        last_activity: e.last_activity,
                        last_move: LastMoveJson {
                            stage: model.stage_name(e.stage),
                            cause: e.last_move_cause.name(model),
                            at: e.last_move_at,
                        },
                        days_inactive: e.days_inactive,
                        signals: SignalMap(&e.signals),
                    })
                    .collect(),
            })
            .collect(),
    };
    serde_json::to_string(&out).expect("a drop-off serialises")
}

/// One month of a cohort.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct CohortMonthJson {
    /// Months since the cohort's month (0: acquisition).
    month: u32,
    /// Customers who bought or renewed in this month or later.
    active: usize,
    /// `active / customers` of the cohort.
    active_share: f64,
    /// Customers with a purchase or renewal recorded in this month (a lower
    /// bound: the states keep the first and latest purchase, the latest
    /// renewal and the moves purchases caused, not every purchase's date).
    purchased: usize,
    /// `purchased / customers` of the cohort.
    purchased_share: f64,
}

/// A cohort's revenue in one currency.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct CohortRevenueJson {
    /// The currency.
    currency: Currency,
    /// Customers who paid in it.
    customers: usize,
    /// Purchase and renewal revenue in it, minor units.
    revenue: i64,
}

/// A cohort's expected value.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct CohortValueJson {
    /// The spend model's currency; `null` when it was fitted on every
    /// customer.
    currency: Option<Currency>,
    /// Customers valued.
    customers: usize,
    /// The sum of their expected values, minor units.
    total: f64,
    /// The mean, minor units.
    mean: f64,
}

/// One acquisition cohort.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct CohortJson<'a> {
    /// The month of the first purchases, `YYYY-MM`.
    month: String,
    /// Customers acquired that month.
    customers: usize,
    /// Month 0 to the period's last month.
    retention: Vec<CohortMonthJson>,
    /// Revenue per currency, by code.
    revenue: Vec<CohortRevenueJson>,
    /// Expected value; `null` without fitted customer-base models.
    expected_value: Option<CohortValueJson>,
    /// With `by_segment`: the same rows for the cohort's customers in each
    /// segment of the model, in the model's order (empty ones too; a
    /// customer in two segments counts in both); absent without.
    #[serde(skip_serializing_if = "Option::is_none")]
    segments: Option<Vec<CohortSegmentJson<'a>>>,
}

/// The customers of one cohort who are in one segment now.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct CohortSegmentJson<'a> {
    /// The segment.
    segment: &'a str,
    /// The cohort's customers in it.
    customers: usize,
    /// Month 0 to the period's last month, shares of `customers`.
    retention: Vec<CohortMonthJson>,
    /// Revenue per currency, by code.
    revenue: Vec<CohortRevenueJson>,
    /// Expected value; `null` without fitted customer-base models.
    expected_value: Option<CohortValueJson>,
}

/// Churn and reactivation in one month.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct MonthChurnJson {
    /// The month, `YYYY-MM`.
    month: String,
    /// Customers who had bought and were not in a churn stage just before
    /// the month began.
    active_at_start: usize,
    /// First purchases in the month.
    new_customers: usize,
    /// Customers who moved into a churn stage in the month.
    churned: usize,
    /// Customers who moved out of one in the month.
    reactivated: usize,
    /// `churned / active_at_start`; `null` when none was active.
    churn_rate: Option<f64>,
}

/// Cohorts.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct CohortsJson<'a> {
    /// The period's first moment.
    from: Timestamp,
    /// The moment the period ends (excluded).
    to: Timestamp,
    /// The stages counted as churned.
    churn_stages: Vec<&'a str>,
    /// Customers counted.
    customers: usize,
    /// Of those, the customers who never bought (in no cohort).
    without_purchase: usize,
    /// One cohort per month of the period.
    cohorts: Vec<CohortJson<'a>>,
    /// Churn and reactivation per month of the period.
    months: Vec<MonthChurnJson>,
}

fn retention_json(months: &[CohortMonth], customers: usize) -> Vec<CohortMonthJson> {
    months
        .iter()
        .map(|m| CohortMonthJson {
            month: m.month,
            active: m.active,
            active_share: share(m.active, customers),
            purchased: m.purchased,
            purchased_share: share(m.purchased, customers),
        })
        .collect()
}

fn revenue_json(revenue: &[CohortRevenue]) -> Vec<CohortRevenueJson> {
    revenue
        .iter()
        .map(|r| CohortRevenueJson {
            currency: r.currency,
            customers: r.customers,
            revenue: r.revenue,
        })
        .collect()
}

fn value_json(v: &CohortValue) -> CohortValueJson {
    CohortValueJson {
        currency: v.currency,
        customers: v.customers,
        total: v.total,
        mean: v.mean,
    }
}

fn segment_json<'a>(model: &'a StageModel, s: &CohortSegment) -> CohortSegmentJson<'a> {
    CohortSegmentJson {
        segment: &model.segments().get(s.segment).name,
        customers: s.customers,
        retention: retention_json(&s.retention, s.customers),
        revenue: revenue_json(&s.revenue),
        expected_value: s.expected_value.as_ref().map(value_json),
    }
}

fn share(n: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        n as f64 / of as f64
    }
}

/// Cohorts as JSON: `{"from", "to", "churn_stages", "customers",
/// "without_purchase", "cohorts": [{"month": "2025-01", "customers",
/// "retention": [{"month": 0, "active", "active_share", "purchased",
/// "purchased_share"}], "revenue": [{"currency", "customers", "revenue"}],
/// "expected_value": null | {"currency", "customers", "total", "mean"},
/// "segments" (with `by_segment` only): [{"segment", "customers",
/// "retention", "revenue", "expected_value"}]}],
/// "months": [{"month", "active_at_start", "new_customers", "churned",
/// "reactivated", "churn_rate"}]}`.
pub fn cohorts_to_json(model: &StageModel, c: &Cohorts) -> String {
    let out = CohortsJson {
        from: c.period.from,
        to: c.period.to,
        churn_stages: c
            .churn_stages
            .iter()
            .map(|s| model.stage_name(*s))
            .collect(),
        customers: c.customers,
        without_purchase: c.without_purchase,
        cohorts: c
            .cohorts
            .iter()
            .map(|k| CohortJson {
                month: k.month.to_string(),
                customers: k.customers,
                retention: retention_json(&k.retention, k.customers),
                revenue: revenue_json(&k.revenue),
                expected_value: k.expected_value.as_ref().map(value_json),
                segments: k
                    .segments
                    .as_ref()
                    .map(|segments| segments.iter().map(|s| segment_json(model, s)).collect()),
            })
            .collect(),
        months: c
            .months
            .iter()
            .map(|m| MonthChurnJson {
                month: m.month.to_string(),
                active_at_start: m.active_at_start,
                new_customers: m.new_customers,
                churned: m.churned,
                reactivated: m.reactivated,
                churn_rate: m.churn_rate,
            })
            .collect(),
    };
    serde_json::to_string(&out).expect("cohorts serialise")
}
