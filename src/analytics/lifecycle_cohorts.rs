//! Cohorts of an engine's customers by acquisition month: retention month by
//! month, churn and reactivation per month, revenue and expected lifetime
//! value, from what the lifecycle states keep.
//!
//! # What the states keep, and what that allows
//!
//! A lifecycle state keeps the customer's purchase *aggregates* (count,
//! revenue per currency, first and latest purchase, latest renewal) and the
//! history of stage moves, each with the event kind that caused it; not every
//! purchase's date. So:
//!
//! - a customer's **cohort** is the calendar month (UTC) of their first
//!   purchase; customers without a purchase are in none (`without_purchase`);
//! - **active** in month k of a cohort: the customer bought or renewed in
//!   month cohort + k *or later* (their latest purchase or renewal is in it or
//!   after it): exact from the aggregates, and it never grows with k;
//! - **purchased** in month k: a purchase or renewal the state records in that
//!   month: the first purchase, the latest purchase, the latest renewal, and
//!   every stage move a purchase or renewal caused. A lower bound of the
//!   customers who bought that month (a purchase that moved no stage, between
//!   the first and the latest, leaves no date);
//! - **churn** in a month: customers moving into a churn stage (by default
//!   the model's recovery stages, those a rule leads backward out of, as
//!   `reactivation`); **reactivated**: customers moving out of one; the rate
//!   is over the customers *active at the month's start*: bought before it and
//!   not in a churn stage just before it;
//! - **revenue** per cohort and currency (amounts of different currencies are
//!   never added): purchases and renewals, over the customer's whole life;
//! - **expected value**, with fitted customer-base models
//!   ([`CustomerModels`]): the sum over the cohort of each customer's
//!   discounted value over the models' horizon at `now`, in the currency the
//!   spend model was fitted in (the `expected_value` signal).
//!
//! Months run from the period's first to its last; a cohort's months k run
//! from its own month to the period's last.
//!
//! # For a segment, and by segment
//!
//! [`CohortOptions::segment`] counts only the members of a rule segment;
//! [`CohortOptions::by_segment`] also splits each cohort's rows (customers,
//! retention, revenue, expected value) by segment ([`Cohort::segments`]).
//! Both read the customers' **current** membership (as of their last
//! evaluation: a state keeps the segments a customer is in, not those they
//! left; see [`segment_scope`](crate::analytics::segment_scope)). A customer
//! in two segments counts in both, so one cohort's segment rows need not add
//! up to the cohort, and a customer in none is in no segment row. Churn per
//! month is not split.
//!
//! ```
//! use ciclo::analytics::{CohortOptions, Period};
//! use ciclo::model::Timestamp;
//! use ciclo::{json, Engine, StageModel};
//!
//! let engine = Engine::new(StageModel::six_stage());
//! for (customer, at) in [("ana", "2026-01-10"), ("ana", "2026-03-02"), ("eva", "2026-01-20")] {
//!     let line = format!(r#"{{"customer": "{customer}", "at": "{at}T10:00:00Z",
//!         "kind": "purchase", "amount": 5000, "currency": "ARS"}}"#);
//!     engine.apply(&json::event_from_json(&line)?)?;
//! }
//! let t = |s| Timestamp::parse(s, "t");
//! let period = Period::new(t("2026-01-01T00:00:00Z")?, t("2026-04-01T00:00:00Z")?)?;
//! let cohorts = engine.cohorts(&CohortOptions::new(period, t("2026-04-01T00:00:00Z")?), None)?;
//! let january = &cohorts.cohorts[0];
//! assert_eq!((january.month.to_string().as_str(), january.customers), ("2026-01", 2));
//! let active: Vec<usize> = january.retention.iter().map(|m| m.active).collect();
//! assert_eq!(active, [2, 1, 1]); // eva bought only in January
//! let purchased: Vec<usize> = january.retention.iter().map(|m| m.purchased).collect();
//! assert_eq!(purchased, [2, 0, 1]);
//! assert_eq!(january.revenue[0].revenue, 15000);
//! # Ok::<(), ciclo::Error>(())
//! ```

use crate::analytics::cohorts::days_from_civil;
use crate::analytics::dropoff::is_recovery_stage;
use crate::analytics::period::{Month, Period};
use crate::analytics::segment_scope::{check_segment, counts, segment_named};
use crate::error::{Error, Result};
use crate::lifecycle::currencies::CurrencyTotals;
use crate::lifecycle::{Cause, CustomerState, SegmentId, StageId, StageModel};
use crate::model::event::{BuiltinKind, EventKind};
use crate::model::money::Currency;
use crate::model::time::{Timestamp, MS_PER_DAY};
use crate::retention::{CustomerModels, Signal, SignalContext, SignalSet, Signals};

/// Most months a cohort analysis may span (a century).
pub const MAX_MONTHS: usize = 1200;

/// Most retention rows a split by segment may hold: the model's segments
/// times the rows of every cohort (a period of n months has n(n+1)/2), so
/// that the split stays a table a host can hold and read (64 segments over
/// ten years is 464,640).
pub const MAX_SEGMENT_CELLS: usize = 1_000_000;

/// What to analyse.
#[derive(Clone, Debug, PartialEq)]
pub struct CohortOptions {
    /// Cohorts acquired in this period, observed until its end.
    pub period: Period,
    /// The stages that count as churned; `None`: the model's recovery stages.
    pub churn_stages: Option<Vec<StageId>>,
    /// The moment expected values are computed at.
    pub now: Timestamp,
    /// Count only the customers who are in this segment now (see the
    /// [module](self)); every customer when `None`.
    pub segment: Option<SegmentId>,
    /// Also split each cohort by the segments its customers are in now
    /// ([`Cohort::segments`]; a customer in two counts in both).
    pub by_segment: bool,
}

impl CohortOptions {
    /// Options with the default churn stages, every customer, no split.
    pub fn new(period: Period, now: Timestamp) -> CohortOptions {
        CohortOptions {
            period,
            churn_stages: None,
            now,
            segment: None,
            by_segment: false,
        }
    }

    /// The same options for the members of the segment of `model` named
    /// `name`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `segment` when the model has no
    /// segment of that name.
    pub fn with_segment(self, model: &StageModel, name: &str) -> Result<CohortOptions> {
        Ok(CohortOptions {
            segment: Some(segment_named(model, name)?),
            ..self
        })
    }

    /// Checks the options against `model`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `churn_stages[i]` for a stage of
    /// another model, `segment` for a segment of another model, `to` for a
    /// period that ends before it starts or spans more than [`MAX_MONTHS`]
    /// months, or `by_segment` for a split of more than
    /// [`MAX_SEGMENT_CELLS`] rows.
    pub fn check(&self, model: &StageModel) -> Result<()> {
        self.period.check()?;
        check_segment(model, self.segment)?;
        for (i, s) in self.churn_stages.iter().flatten().enumerate() {
            if s.index() >= model.stages().len() {
                return Err(Error::invalid(
                    format!("churn_stages[{i}]"),
                    "not a stage of the model",
                ));
            }
        }
        let months = self.period.last_month().since(Month::of(self.period.from)) + 1;
        if months as usize > MAX_MONTHS {
            return Err(Error::invalid(
                "to",
                format!("the period spans {months} months; at most {MAX_MONTHS}"),
            ));
        }
        let months = months as usize;
        let cells = model.segments().len() * (months * (months + 1) / 2);
        if self.by_segment && cells > MAX_SEGMENT_CELLS {
            return Err(Error::invalid(
                "by_segment",
                format!(
                    "{} segments over {months} months make {cells} rows; at most \
                     {MAX_SEGMENT_CELLS}: ask for a shorter period",
                    model.segments().len()
                ),
            ));
        }
        Ok(())
    }
}

/// One month of a cohort.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CohortMonth {
    /// Months since the cohort's month (0: the month of acquisition).
    pub month: u32,
    /// Customers who bought or renewed in this month or later.
    pub active: usize,
    /// Customers with a purchase or renewal recorded in this month (a lower
    /// bound: see the [module](self)).
    pub purchased: usize,
}

/// Revenue of a cohort in one currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CohortRevenue {
    /// The currency.
    pub currency: Currency,
    /// Customers of the cohort who paid in it.
    pub customers: usize,
    /// Their purchase and renewal revenue in it, minor units.
    pub revenue: i64,
}

/// The expected value of a cohort.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CohortValue {
    /// The currency of the values (the spend model's; `None` when it was
    /// fitted on every customer whatever their currency).
    pub currency: Option<Currency>,
    /// Customers valued (those with a purchase in that currency).
    pub customers: usize,
    /// The sum of their expected values, minor units.
    pub total: f64,
    /// `total / customers`.
    pub mean: f64,
}

/// One acquisition cohort.
#[derive(Clone, Debug, PartialEq)]
pub struct Cohort {
    /// The month of the cohort's first purchases.
    pub month: Month,
    /// Customers acquired that month.
    pub customers: usize,
    /// Month 0 (acquisition) to the period's last month.
    pub retention: Vec<CohortMonth>,
    /// Revenue per currency, by currency code.
    pub revenue: Vec<CohortRevenue>,
    /// Expected value, with fitted models.
    pub expected_value: Option<CohortValue>,
    /// With [`CohortOptions::by_segment`], the same rows for the cohort's
    /// customers in each segment of the model, in the model's order (empty
    /// segments too); `None` without it.
    pub segments: Option<Vec<CohortSegment>>,
}

/// The customers of one acquisition cohort who are in one segment now.
#[derive(Clone, Debug, PartialEq)]
pub struct CohortSegment {
    /// The segment.
    pub segment: SegmentId,
    /// The cohort's customers in it.
    pub customers: usize,
    /// Month 0 (acquisition) to the period's last month, of those customers.
    pub retention: Vec<CohortMonth>,
    /// Their revenue per currency, by currency code.
    pub revenue: Vec<CohortRevenue>,
    /// Their expected value, with fitted models.
    pub expected_value: Option<CohortValue>,
}

/// Churn and reactivation in one month.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MonthChurn {
    /// The month.
    pub month: Month,
    /// Customers who had bought before the month and were not in a churn
    /// stage just before it began.
    pub active_at_start: usize,
    /// Customers whose first purchase was in the month.
    pub new_customers: usize,
    /// Customers who moved into a churn stage in the month.
    pub churned: usize,
    /// Customers who moved out of a churn stage in the month.
    pub reactivated: usize,
    /// `churned / active_at_start`; `None` when no customer was active.
    pub churn_rate: Option<f64>,
}

/// Cohorts, churn and value of a period (see the [module](self)).
#[derive(Clone, Debug, PartialEq)]
pub struct Cohorts {
    /// The period.
    pub period: Period,
    /// The stages counted as churned.
    pub churn_stages: Vec<StageId>,
    /// Customers counted (every one passed; with a segment, its members).
    pub customers: usize,
    /// Of those, the customers who never bought.
    pub without_purchase: usize,
    /// One cohort per month of the period, first to last (empty ones too).
    pub cohorts: Vec<Cohort>,
    /// Churn and reactivation per month of the period.
    pub months: Vec<MonthChurn>,
}

#[derive(Debug, Clone)]
struct CohortAcc {
    customers: usize,
    /// Difference array: +1 at k = 0, -1 after the last active month.
    active_diff: Vec<i64>,
    purchased: Vec<usize>,
    revenue: Vec<CohortRevenue>,
    valued: usize,
    value: f64,
}

impl CohortAcc {
    /// An empty cohort of `span` months.
    fn new(span: usize) -> CohortAcc {
        CohortAcc {
            customers: 0,
            active_diff: vec![0; span + 1],
            purchased: vec![0; span],
            revenue: Vec::new(),
            valued: 0,
            value: 0.0,
        }
    }

    /// Counts one customer: active to month `last_k`, purchases in the
    /// months `bought` (each once), revenue, and their expected value.
    fn count(
        &mut self,
        last_k: usize,
        bought: &[u32],
        revenue: impl Iterator<Item = CurrencyTotals>,
        value: Option<f64>,
    ) {
        self.customers += 1;
        self.active_diff[0] += 1;
        self.active_diff[last_k + 1] -= 1;
        for &k in bought {
            self.purchased[k as usize] += 1;
        }
        for t in revenue {
            match self.revenue.iter_mut().find(|r| r.currency == t.currency) {
                Some(r) => {
                    r.customers += 1;
                    r.revenue = r.revenue.saturating_add(t.revenue);
                }
                None => self.revenue.push(CohortRevenue {
                    currency: t.currency,
                    customers: 1,
                    revenue: t.revenue,
                }),
            }
        }
        if let Some(v) = value {
            self.valued += 1;
            self.value += v;
        }
    }

    /// The rows: retention month by month, revenue by currency, and the
    /// expected value (`with_models`, in `currency`).
    fn rows(
        mut self,
        with_models: bool,
        currency: Option<Currency>,
    ) -> (Vec<CohortMonth>, Vec<CohortRevenue>, Option<CohortValue>) {
        let mut active = 0i64;
        let retention = self
            .purchased
            .iter()
            .enumerate()
            .map(|(k, &purchased)| {
                active += self.active_diff[k];
                CohortMonth {
                    month: k as u32,
                    active: active as usize,
                    purchased,
                }
            })
            .collect();
        self.revenue.sort_by_key(|r| r.currency);
        let value = with_models.then(|| CohortValue {
            currency,
            customers: self.valued,
            total: self.value,
            mean: if self.valued > 0 {
                self.value / self.valued as f64
            } else {
                0.0
            },
        });
        (retention, self.revenue, value)
    }
}

/// Accumulates cohorts one customer at a time.
#[derive(Debug)]
pub struct CohortsBuilder<'m> {
    model: &'m StageModel,
    options: CohortOptions,
    models: Option<CustomerModels>,
    first: Month,
    months: usize,
    /// The first moment (ms) of each month of the period and of the month
    /// after it: a moment's month by a search of these instead of a
    /// calendar conversion.
    month_starts: Vec<i64>,
    churn_mask: u64,
    churn_stages: Vec<StageId>,
    purchase: Cause,
    renewal: Cause,
    customers: usize,
    without_purchase: usize,
    cohorts: Vec<CohortAcc>,
    /// With `by_segment`: `by_segment[c][s]`, cohort `c`'s customers in
    /// segment `s`; empty without.
    by_segment: Vec<Vec<CohortAcc>>,
    /// Difference array of the customers active at each month's start.
    active_diff: Vec<i64>,
    new_customers: Vec<usize>,
    churned: Vec<usize>,
    reactivated: Vec<usize>,
}

impl<'m> CohortsBuilder<'m> {
    /// Empty cohorts; `models` adds the expected values.
    ///
    /// # Errors
    ///
    /// As [`CohortOptions::check`].
    pub fn new(
        model: &'m StageModel,
        options: CohortOptions,
        models: Option<CustomerModels>,
    ) -> Result<CohortsBuilder<'m>> {
        options.check(model)?;
        let first = Month::of(options.period.from);
        let months = options.period.last_month().since(first) as usize + 1;
        let churn_stages: Vec<StageId> = match &options.churn_stages {
            Some(stages) => {
                let mut s = stages.clone();
                s.sort();
                s.dedup();
                s
            }
            None => (0..model.stages().len())
                .map(|i| StageId(i as u16))
                .filter(|&s| is_recovery_stage(model, s))
                .collect(),
        };
        let churn_mask = churn_stages.iter().fold(0u64, |m, s| m | 1 << s.index());
        let cohorts = (0..months).map(|c| CohortAcc::new(months - c)).collect();
        // Bounded by MAX_SEGMENT_CELLS (checked above).
        let by_segment = if options.by_segment {
            (0..months)
                .map(|c| vec![CohortAcc::new(months - c); model.segments().len()])
                .collect()
        } else {
            Vec::new()
        };
        let month_starts = (0..=months as i32)
            .map(|k| {
                let m = first.plus(k);
                days_from_civil(i64::from(m.year()), m.number() as u8, 1) * MS_PER_DAY
            })
            .collect();
        Ok(CohortsBuilder {
            month_starts,
            purchase: Cause::of(model, &EventKind::Builtin(BuiltinKind::Purchase)),
            renewal: Cause::of(model, &EventKind::Builtin(BuiltinKind::Renewal)),
            model,
            options,
            models,
            first,
            months,
            churn_mask,
            churn_stages,
            customers: 0,
            without_purchase: 0,
            cohorts,
            by_segment,
            active_diff: vec![0; months + 1],
            new_customers: vec![0; months],
            churned: vec![0; months],
            reactivated: vec![0; months],
        })
    }

    /// The index of `at`'s month in the period, if it is in it.
    fn index(&self, at: Timestamp) -> Option<usize> {
        let k = self.month_since(at);
        (0..self.months as i32).contains(&k).then_some(k as usize)
    }

    /// `Month::of(at).since(self.first)` clamped to -1 and `self.months`:
    /// what every use below needs (each clamps to the period or tests
    /// membership), without a calendar conversion.
    #[inline]
    fn month_since(&self, at: Timestamp) -> i32 {
        self.month_starts.partition_point(|&s| s <= at.as_millis()) as i32 - 1
    }

    fn churn(&self, stage: StageId) -> bool {
        stage.index() < 64 && self.churn_mask & (1 << stage.index()) != 0
    }

    /// Counts one customer; passes over a customer outside the options'
    /// segment.
    pub fn add(&mut self, state: &CustomerState) {
        if !counts(state, self.options.segment) {
            return;
        }
        self.customers += 1;
        let Some(p) = state.metrics().purchases.as_deref() else {
            self.without_purchase += 1;
            return;
        };
        let Some(first_purchase) = p.first else {
            self.without_purchase += 1;
            return;
        };
        self.churn_and_activity(state, first_purchase);
        let Some(c) = self.index(first_purchase) else {
            return;
        };
        self.new_customers[c] += 1;
        let history = state.history();
        let renewal = state
            .metrics()
            .relationship
            .as_deref()
            .and_then(|r| r.last_renewal);
        let latest = p.last.max(renewal).unwrap_or(first_purchase);
        let span = self.months - c;
        let last_k = (self.month_since(latest) - c as i32).clamp(0, span as i32 - 1);
        // Months with a recorded purchase or renewal, relative to the cohort.
        let mut bought = [u32::MAX; 8];
        let mut extra: Vec<u32> = Vec::new();
        let mut n = 0usize;
        let mut note = |at: Timestamp| {
            if let Some(i) = self.index(at).filter(|&i| i >= c) {
                let k = (i - c) as u32;
                if bought[..n.min(8)].contains(&k) || extra.contains(&k) {
                    return;
                }
                if n < 8 {
                    bought[n] = k;
                } else {
                    extra.push(k);
                }
                n += 1;
            }
        };
        note(first_purchase);
        if let Some(last) = p.last {
            note(last);
        }
        if let Some(r) = renewal {
            note(r);
        }
        for t in history.iter().skip(1) {
            if t.cause == self.purchase || t.cause == self.renewal {
                note(t.at);
            }
        }
        let value = self.models.as_ref().and_then(|models| {
            let context = SignalContext {
                models: Some(models),
                wanted: SignalSet::NONE.with(Signal::ExpectedValue),
                ..SignalContext::default()
            };
            Signals::of(state, self.model, self.options.now, &context).get(Signal::ExpectedValue)
        });
        let last_k = last_k as usize;
        if extra.is_empty() {
            let bought = &bought[..n.min(8)];
            self.cohorts[c].count(last_k, bought, p.by_currency(), value);
            if let Some(split) = self.by_segment.get_mut(c) {
                for (s, _) in state.segments() {
                    split[s.index()].count(last_k, bought, p.by_currency(), value);
                }
            }
        } else {
            let bought: Vec<u32> = bought.iter().copied().chain(extra).collect();
            self.cohorts[c].count(last_k, &bought, p.by_currency(), value);
            if let Some(split) = self.by_segment.get_mut(c) {
                for (s, _) in state.segments() {
                    split[s.index()].count(last_k, &bought, p.by_currency(), value);
                }
            }
        }
    }

    /// Churn, reactivation and activity at each month's start.
    fn churn_and_activity(&mut self, state: &CustomerState, first_purchase: Timestamp) {
        let history = state.history();
        for (i, t) in history.iter().enumerate() {
            let churned = self.churn(t.to);
            if i > 0 {
                let was = history[i - 1].to;
                if let Some(m) = self.index(t.at) {
                    if churned && !self.churn(was) {
                        self.churned[m] += 1;
                    } else if !churned && self.churn(was) {
                        self.reactivated[m] += 1;
                    }
                }
            }
            if churned {
                continue;
            }
            // Active at the starts of months in (lo, hi].
            let lo = t.at.max(first_purchase);
            let hi = history.get(i + 1).map(|n| n.at);
            if hi.is_some_and(|hi| hi <= lo) {
                continue;
            }
            let start = (self.month_since(lo) + 1).max(0);
            let end = match hi {
                Some(hi) => self.month_since(hi).min(self.months as i32 - 1),
                None => self.months as i32 - 1,
            };
            if start <= end {
                self.active_diff[start as usize] += 1;
                self.active_diff[end as usize + 1] -= 1;
            }
        }
    }

    /// The cohorts.
    pub fn finish(self) -> Cohorts {
        let currency = self.models.as_ref().and_then(|m| m.currency);
        let with_models = self.models.is_some();
        let split = self.options.by_segment;
        let mut by_segment = self.by_segment.into_iter();
        let cohorts = self
            .cohorts
            .into_iter()
            .enumerate()
            .map(|(c, acc)| {
                let customers = acc.customers;
                let (retention, revenue, expected_value) = acc.rows(with_models, currency);
                let segments = split.then(|| {
                    by_segment
                        .next()
                        .unwrap_or_default()
                        .into_iter()
                        .enumerate()
                        .map(|(s, acc)| {
                            let customers = acc.customers;
                            let (retention, revenue, expected_value) =
                                acc.rows(with_models, currency);
                            CohortSegment {
                                segment: SegmentId(s as u16),
                                customers,
                                retention,
                                revenue,
                                expected_value,
                            }
                        })
                        .collect()
                });
                Cohort {
                    month: self.first.plus(c as i32),
                    customers,
                    retention,
                    revenue,
                    expected_value,
                    segments,
                }
            })
            .collect();
        let mut active = 0i64;
        let months = (0..self.months)
            .map(|m| {
                active += self.active_diff[m];
                let active_at_start = active as usize;
                MonthChurn {
                    month: self.first.plus(m as i32),
                    active_at_start,
                    new_customers: self.new_customers[m],
                    churned: self.churned[m],
                    reactivated: self.reactivated[m],
                    churn_rate: (active_at_start > 0)
                        .then(|| self.churned[m] as f64 / active_at_start as f64),
                }
            })
            .collect();
        Cohorts {
            period: self.options.period,
            churn_stages: self.churn_stages,
            customers: self.customers,
            without_purchase: self.without_purchase,
            cohorts,
            months,
        }
    }
}

/// The cohorts of `states` (customers of `model`); `models` adds expected
/// values.
///
/// # Errors
///
/// As [`CohortOptions::check`].
pub fn cohorts<'a>(
    model: &StageModel,
    options: CohortOptions,
    models: Option<CustomerModels>,
    states: impl IntoIterator<Item = &'a CustomerState>,
) -> Result<Cohorts> {
    let mut builder = CohortsBuilder::new(model, options, models)?;
    for state in states {
        builder.add(state);
    }
    Ok(builder.finish())
}
