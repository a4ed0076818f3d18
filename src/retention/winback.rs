//! Reactivation: which lapsed customers are worth winning back, and how often
//! winning back works.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::signals::{CustomerModels, Signal, SignalContext, SignalSet, Signals};
use crate::error::{Error, Result};
use crate::lifecycle::state::CustomerState;
use crate::lifecycle::StageModel;
use crate::model::money::Currency;
use crate::model::time::Timestamp;

/// When a customer counts as lapsed, and what winning one back is believed
/// to be worth before outcomes are recorded.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WinBackConfig {
    /// A customer with two purchases or more who has gone this many of their
    /// usual purchase intervals without buying has lapsed (a cancelled
    /// customer always has). Default 4.
    #[serde(default = "default_lapse")]
    pub lapse_recency_ratio: f64,
    /// The reactivation rate assumed before any outcome is recorded. Default
    /// 0.1.
    #[serde(default = "default_prior_rate")]
    pub prior_rate: f64,
    /// How many recorded attempts the assumed rate weighs as. Default 10: the
    /// measured rate takes over as attempts accumulate.
    #[serde(default = "default_prior_weight")]
    pub prior_weight: f64,
}

fn default_lapse() -> f64 {
    4.0
}
fn default_prior_rate() -> f64 {
    0.1
}
fn default_prior_weight() -> f64 {
    10.0
}

impl Default for WinBackConfig {
    fn default() -> Self {
        WinBackConfig {
            lapse_recency_ratio: default_lapse(),
            prior_rate: default_prior_rate(),
            prior_weight: default_prior_weight(),
        }
    }
}

impl WinBackConfig {
    /// Checks the numbers.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming `win_back.…` for a ratio that is not above 0,
    /// a rate outside [0, 1] or a weight that is not positive.
    pub fn check(&self) -> Result<()> {
        if !(self.lapse_recency_ratio.is_finite() && self.lapse_recency_ratio > 0.0) {
            return Err(Error::config(
                "win_back.lapse_recency_ratio",
                format!(
                    "{} is not a positive number of intervals",
                    self.lapse_recency_ratio
                ),
            ));
        }
        if !(0.0..=1.0).contains(&self.prior_rate) {
            return Err(Error::config(
                "win_back.prior_rate",
                format!("{} is not a rate within 0 to 1", self.prior_rate),
            ));
        }
        if !(self.prior_weight.is_finite() && self.prior_weight > 0.0) {
            return Err(Error::config(
                "win_back.prior_weight",
                format!("{} is not a positive number of attempts", self.prior_weight),
            ));
        }
        Ok(())
    }
}

/// Win-back attempts and their outcomes, by exit reason: what measures the
/// reactivation rate.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WinBackStats {
    /// Per exit reason: attempts made and customers won back.
    pub by_reason: BTreeMap<String, WinBackCount>,
}

/// Attempts and successes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WinBackCount {
    /// Win-back attempts recorded.
    pub attempts: u64,
    /// Of them, customers who came back.
    pub won: u64,
}

impl WinBackStats {
    /// Records an attempt on a customer who left for `reason`, and whether
    /// they came back.
    pub fn record(&mut self, reason: &str, won: bool) {
        let count = self.by_reason.entry(reason.to_string()).or_default();
        count.attempts = count.attempts.saturating_add(1);
        count.won = count.won.saturating_add(u64::from(won));
    }

    /// The reactivation rate measured over every reason: customers won back
    /// over attempts; `None` before any attempt.
    pub fn rate(&self) -> Option<f64> {
        let (attempts, won) = self
            .by_reason
            .values()
            .fold((0u64, 0u64), |(a, w), c| (a + c.attempts, w + c.won));
        (attempts > 0).then(|| won as f64 / attempts as f64)
    }

    /// The probability of winning back a customer who left for `reason`: the
    /// reason's measured rate blended with the assumed one,
    /// `(won + prior_rate · prior_weight) / (attempts + prior_weight)`.
    pub fn probability(&self, reason: &str, config: &WinBackConfig) -> f64 {
        let count = self.by_reason.get(reason).copied().unwrap_or_default();
        (count.won as f64 + config.prior_rate * config.prior_weight)
            / (count.attempts as f64 + config.prior_weight)
    }
}

/// A lapsed customer, with why they left and what winning them back is
/// expected to be worth.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WinBackCandidate {
    /// The customer.
    pub customer: String,
    /// Why they left: the cancellation's reason (`cancelled` when it gave
    /// none), or `inactive` for a customer who stopped buying.
    pub exit_reason: String,
    /// When they lapsed: the cancellation, or the latest purchase.
    pub lapsed_at: Timestamp,
    /// The signals of discontent at their last event (complaints and tickets
    /// in the window, open tickets, payment failures, satisfaction and its
    /// drop, usage decline), those with a value.
    pub last_signals: Vec<(Signal, f64)>,
    /// What the customer brought in a year while active, in minor units of
    /// `currency`: revenue in it over the time from the first purchase to the
    /// lapse (at least a month), scaled to 365 days; with customer-base
    /// models whose spend model is in that currency, the spend per purchase
    /// the Gamma-Gamma model expects times the purchases a year of the
    /// customer's own rhythm paid in it.
    pub annual_value: f64,
    /// The currency of `annual_value` and `expected_value`: the one asked
    /// for, else the customer's first. Rank candidates of one currency
    /// against each other.
    pub currency: Option<Currency>,
    /// The probability of winning them back ([`WinBackStats::probability`]
    /// for their exit reason).
    pub win_back_probability: f64,
    /// `annual_value · win_back_probability`: what the candidates are ranked
    /// by.
    pub expected_value: f64,
}

/// The signals reported as a lapsed customer's last ones.
const EXIT_SIGNALS: [Signal; 7] = [
    Signal::ComplaintsInWindow,
    Signal::TicketsInWindow,
    Signal::OpenTickets,
    Signal::PaymentFailuresInWindow,
    Signal::Satisfaction,
    Signal::SatisfactionDrop,
    Signal::UsageDecline,
];

/// The customer as a win-back candidate at `now`, if they have lapsed (see
/// [`WinBackConfig::lapse_recency_ratio`]) after buying at least once, their
/// value in `currency` (`None`: their first currency).
#[allow(clippy::too_many_arguments)]
pub fn win_back_candidate(
    customer: &str,
    state: &CustomerState,
    model: &StageModel,
    now: Timestamp,
    config: &WinBackConfig,
    stats: &WinBackStats,
    models: Option<&CustomerModels>,
    currency: Option<Currency>,
) -> Option<WinBackCandidate> {
    let metrics = state.metrics();
    let purchases = metrics.purchases.as_deref()?;
    let (first, last) = (purchases.first?, purchases.last?);
    let now = now.max(state.watermark());
    let cancelled = metrics.is_cancelled();
    // Only the signals read here: the model's value would cost a dozen
    // series per customer.
    let context = SignalContext {
        contract_term_days: None,
        models,
        wanted: SignalSet::NONE.with(Signal::RecencyRatio),
        ..SignalContext::default()
    };
    let current = Signals::of(state, model, now, &context);
    let late = current
        .get(Signal::RecencyRatio)
        .is_some_and(|r| r >= config.lapse_recency_ratio);
    if !cancelled && !late {
        return None;
    }
    let (exit_reason, lapsed_at) = if cancelled {
        let relationship = metrics.relationship.as_deref()?;
        (
            metrics
                .cancellation_reason()
                .unwrap_or("cancelled")
                .to_string(),
            relationship.last_cancellation?,
        )
    } else {
        ("inactive".to_string(), last)
    };
    // The signals as of the customer's last event, the moment closest to the
    // lapse the metrics can be read at.
    let exit_context = SignalContext {
        wanted: EXIT_SIGNALS
            .iter()
            .fold(SignalSet::NONE, |set, &s| set.with(s)),
        ..context
    };
    let at_exit = Signals::of(state, model, state.watermark(), &exit_context);
    let last_signals = EXIT_SIGNALS
        .iter()
        .filter_map(|&s| at_exit.get(s).map(|v| (s, v)))
        .collect();
    let active_days = lapsed_at.days_since(first).max(30.0);
    let per_year_purchases = if purchases.count >= 2 {
        365.0 / purchases.interval_mean_days.max(1.0)
    } else {
        365.0 / active_days
    };
    let currency = currency.or(purchases.currency);
    let (_, revenue) = purchases.totals(currency);
    let by_revenue = revenue as f64 * 365.0 / active_days;
    // The spend model speaks its own currency only.
    let spend_model = models.filter(|m| m.currency.is_none_or(|c| currency == Some(c)));
    let annual_value = match spend_model {
        Some(m) => super::signals::summary_in(state, now, m.unit_days, currency)
            .and_then(|(s, share)| {
                m.spend
                    .expected_average_value(&s)
                    .ok()
                    .map(|v| v * per_year_purchases * share)
            })
            .unwrap_or(by_revenue),
        None => by_revenue,
    };
    let win_back_probability = stats.probability(&exit_reason, config);
    Some(WinBackCandidate {
        customer: customer.to_string(),
        exit_reason,
        lapsed_at,
        last_signals,
        annual_value,
        currency,
        win_back_probability,
        expected_value: annual_value * win_back_probability,
    })
}
