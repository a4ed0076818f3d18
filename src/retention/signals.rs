//! Signals of (dis)content: what the retention triggers and the churn score
//! read, computed per customer from the lifecycle metrics.

use crate::lifecycle::metrics::Metric;
use crate::lifecycle::state::CustomerState;
use crate::lifecycle::StageModel;
use crate::model::money::Currency;
use crate::model::time::Timestamp;

use super::bgnbd::BgNbd;
use super::clv::{lifetime_value, ClvOptions};
use super::gamma_gamma::GammaGamma;
use super::summary::CustomerSummary;

macro_rules! signals {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal, $unit:literal; )*) => {
        /// A signal a trigger condition or the churn score can read. Each has a
        /// name (what the JSON uses), a unit and a definition (below); a signal
        /// without a value for a customer (a ratio of purchase intervals before
        /// the second purchase) makes every comparison with it false.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Signal {
            $( $(#[$doc])* $variant, )*
        }

        impl Signal {
            /// Every signal, in order.
            pub const ALL: &'static [Signal] = &[$(Signal::$variant),*];

            /// The signal's name in JSON.
            pub fn name(self) -> &'static str {
                match self { $(Signal::$variant => $name,)* }
            }

            /// The signal's unit.
            pub fn unit(self) -> &'static str {
                match self { $(Signal::$variant => $unit,)* }
            }

            /// The signal with this name.
            pub fn from_name(name: &str) -> Option<Signal> {
                match name { $($name => Some(Signal::$variant),)* _ => None }
            }
        }
    };
}

signals! {
    /// Days since the latest purchase divided by the customer's own mean
    /// interval between purchases: how many usual intervals they have gone
    /// without buying (1 is on time, 3 is very late). Needs two purchases.
    RecencyRatio => "recency_ratio", "intervals";
    /// Days since the latest purchase. Needs a purchase.
    DaysSinceLastPurchase => "days_since_last_purchase", "days";
    /// Days since the latest event of any kind.
    DaysSinceLastActivity => "days_since_last_activity", "days";
    /// The latest survey score. Needs a survey.
    Satisfaction => "satisfaction", "score 0-100";
    /// The survey score before the latest minus the latest: positive when
    /// satisfaction dropped. Needs two surveys.
    SatisfactionDrop => "satisfaction_drop", "points";
    /// Complaints within the lifecycle's window (`metrics.window_days`, 90 by
    /// default) ending now.
    ComplaintsInWindow => "complaints_in_window", "complaints";
    /// Support tickets opened and not resolved.
    OpenTickets => "open_tickets", "tickets";
    /// Support tickets opened within the window.
    TicketsInWindow => "tickets_in_window", "tickets";
    /// Payment failures within the window.
    PaymentFailuresInWindow => "payment_failures_in_window", "failures";
    /// How far recent usage fell below the trailing usage: `1 − recent rate /
    /// trailing rate` (0.5: usage halved; negative: usage grew). Needs usage.
    UsageDecline => "usage_decline", "fraction";
    /// Days until the contract comes up for renewal: the latest renewal (or the
    /// first purchase) plus the configured contract term, minus now; negative
    /// once overdue. Needs a contract term in the configuration and a purchase
    /// or renewal.
    DaysToRenewal => "days_to_renewal", "days";
    /// Days since the first purchase. Needs a purchase.
    TenureDays => "tenure_days", "days";
    /// Purchases made (in a condition's currency, when it names one).
    PurchaseCount => "purchase_count", "purchases";
    /// Purchase and renewal revenue, in minor units of one currency: a
    /// condition's, else the trigger configuration's, else the stage
    /// model's, else the customer's first.
    Revenue => "revenue", "minor units";
    /// 1 when the latest cancellation is after the latest purchase and
    /// renewal, else 0.
    Cancelled => "cancelled", "flag";
    /// Days since the latest cancellation. Needs a cancellation.
    DaysSinceCancellation => "days_since_cancellation", "days";
    /// Offers the customer declined.
    OffersDeclined => "offers_declined", "offers";
    /// The probability that the customer is still alive under the BG/NBD
    /// model. Needs customer-base models and a purchase.
    PAlive => "p_alive", "probability";
    /// The customer's discounted value over the models' horizon
    /// ([`lifetime_value`]), in minor units of the currency the spend model
    /// was fitted in: for a customer paying in several, the value of their
    /// purchases in it. Needs customer-base models and a purchase in that
    /// currency.
    ExpectedValue => "expected_value", "minor units";
    /// The churn-risk score ([`ChurnScore`](super::ChurnScore)), from the
    /// other signals. Needs one of the signals it weighs.
    ChurnRisk => "churn_risk", "score 0-1";
}

/// Customer-base models fitted on the host's customers, which give the
/// `p_alive` and `expected_value` signals.
///
/// The models must have been fitted on summaries built as
/// [`summary_of`] builds them, in the same time unit: amounts in minor units,
/// time in units of `unit_days` days.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerModels {
    /// Purchases and dropout.
    pub bgnbd: BgNbd,
    /// Spend per purchase, of customers paying in `currency`.
    pub spend: GammaGamma,
    /// The currency `spend` was fitted in: amounts of different currencies
    /// cannot be averaged, so `expected_value` is only given to the
    /// customers paying in it (`None`: every customer).
    #[serde(default)]
    pub currency: Option<Currency>,
    /// Days in the models' time unit (7 for weeks).
    pub unit_days: f64,
    /// How `expected_value` discounts and over how long.
    pub clv: ClvOptions,
}

/// How [`Engine::fit_models`](crate::Engine::fit_models) fits the
/// customer-base models on an engine's customers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ModelFitOptions {
    /// Days in the models' time unit (7: weeks).
    pub unit_days: f64,
    /// The L2 penalty of both fits ([`BgNbd::fit_penalized`],
    /// [`GammaGamma::fit_penalized`](super::GammaGamma::fit_penalized)),
    /// 0.001 for a small population: it weighs the parameters fitted on
    /// times and amounts in units of their means, so it does not depend on
    /// `unit_days` nor on amounts being in minor units.
    pub penalizer: f64,
    /// How the `expected_value` signal discounts and over how long.
    pub clv: ClvOptions,
    /// The currency whose customers the spend model is fitted on (BG/NBD,
    /// which counts purchases, is fitted on every customer who bought).
    /// `None` when every customer pays in one currency.
    pub currency: Option<Currency>,
}

impl ModelFitOptions {
    /// Time units of `unit_days` days, no penalty, twelve months at 1% a
    /// month (months of 4.345 weeks, or of 30 days), one currency.
    pub fn new(unit_days: f64) -> ModelFitOptions {
        let periods = if unit_days == 7.0 {
            ClvOptions::WEEKS
        } else {
            ClvOptions::DAYS / unit_days
        };
        ModelFitOptions {
            unit_days,
            penalizer: 0.0,
            clv: ClvOptions::new(0.01, periods),
            currency: None,
        }
    }
}

impl Default for ModelFitOptions {
    /// Weeks, no penalty, twelve months at 1% a month, one currency.
    fn default() -> Self {
        ModelFitOptions::new(7.0)
    }
}

/// A customer's purchase history as the customer-base models read it, at
/// `now`, in time units of `unit_days` days: repeat purchases (purchases after
/// the first), the time from the first purchase to the latest and to `now`, and
/// the average purchase value in minor units of the customer's first currency
/// (revenue, renewals included, over purchases: the metrics keep no separate
/// sum of repeat purchases; [`summary_in`] for another currency). `None`
/// before the first purchase.
pub fn summary_of(
    state: &CustomerState,
    now: Timestamp,
    unit_days: f64,
) -> Option<CustomerSummary> {
    let p = state.metrics().purchases.as_deref()?;
    let (first, last) = (p.first?, p.last?);
    let now = now.max(state.watermark());
    let frequency = f64::from(p.count.saturating_sub(1));
    Some(CustomerSummary {
        frequency,
        recency: if frequency > 0.0 {
            last.days_since(first) / unit_days
        } else {
            0.0
        },
        t: now.days_since(first) / unit_days,
        monetary_value: match p.totals(None) {
            (purchases, revenue) if frequency > 0.0 && purchases > 0 => {
                revenue as f64 / f64::from(purchases)
            }
            _ => 0.0,
        },
    })
}

/// [`summary_of`] with the spend per purchase in `currency` (`None`: the
/// customer's first currency), and the share of the customer's purchases
/// paid in it: what the customer's value in that currency is made of. The
/// purchase process (frequency, recency, age) counts every purchase, whatever
/// its currency. `None` before the first purchase, and for a customer with no
/// purchase in `currency`.
pub fn summary_in(
    state: &CustomerState,
    now: Timestamp,
    unit_days: f64,
    currency: Option<Currency>,
) -> Option<(CustomerSummary, f64)> {
    let mut summary = summary_of(state, now, unit_days)?;
    let p = state.metrics().purchases.as_deref()?;
    let (purchases, revenue) = p.totals(currency);
    if purchases == 0 {
        return None;
    }
    summary.monetary_value = if summary.frequency > 0.0 {
        revenue as f64 / f64::from(purchases)
    } else {
        0.0
    };
    Some((summary, f64::from(purchases) / f64::from(p.count)))
}

/// The values of every signal for one customer at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Signals {
    /// NaN for a signal without a value (half the size of `Option<f64>`s:
    /// signals are computed for every customer evaluated).
    values: [f64; Signal::ALL.len()],
    /// Signals read in a currency a rule names, NaN for none (empty unless
    /// rules name currencies).
    in_currencies: Vec<(Signal, Currency, f64)>,
}

/// A set of signals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SignalSet(u32);

impl SignalSet {
    /// Every signal.
    pub const ALL: SignalSet = SignalSet((1 << Signal::ALL.len()) - 1);
    /// No signal.
    pub const NONE: SignalSet = SignalSet(0);

    /// Whether `signal` is in the set.
    pub fn contains(self, signal: Signal) -> bool {
        self.0 & (1 << signal as u32) != 0
    }

    /// The set with `signal` too.
    pub fn with(self, signal: Signal) -> SignalSet {
        SignalSet(self.0 | 1 << signal as u32)
    }
}

impl Default for SignalSet {
    fn default() -> Self {
        SignalSet::ALL
    }
}

/// What signals need besides the customer's state.
#[derive(Clone, Copy, Debug, Default)]
pub struct SignalContext<'a> {
    /// The currency `revenue` is read in (`None`: the stage model's, else
    /// the customer's first).
    pub currency: Option<Currency>,
    /// Signals to compute in other currencies too (`revenue` and
    /// `purchase_count` in the currencies the rules name): read with
    /// [`Signals::get_in`].
    pub in_currencies: &'a [(Signal, Currency)],
    /// The contract term, in days, for `days_to_renewal`.
    pub contract_term_days: Option<f64>,
    /// Customer-base models, for `p_alive` and `expected_value`.
    pub models: Option<&'a CustomerModels>,
    /// The signals to compute (the others are left without a value): every
    /// one by default. `expected_value` costs a dozen hypergeometric series;
    /// the triggers compute only what their rules and churn score read.
    pub wanted: SignalSet,
}

impl Signals {
    /// Every signal of `state` at `now` (at least the state's watermark)
    /// under `model`, except `churn_risk`, which
    /// [`ChurnScore::assess`](super::ChurnScore::assess) adds.
    pub fn of(
        state: &CustomerState,
        model: &StageModel,
        now: Timestamp,
        context: &SignalContext<'_>,
    ) -> Signals {
        let now = now.max(state.watermark());
        let metric = |m: Metric| state.metric(model, m, now);
        let mut values = [f64::NAN; Signal::ALL.len()];
        for &signal in Signal::ALL {
            if !context.wanted.contains(signal) {
                continue;
            }
            use Signal as S;
            let value = match signal {
                S::Revenue => state.metric_in(model, Metric::Revenue, now, context.currency),
                S::RecencyRatio => metric(Metric::PurchaseIntervalRatio),
                S::DaysSinceLastPurchase => metric(Metric::DaysSinceLastPurchase),
                S::DaysSinceLastActivity => metric(Metric::DaysSinceLastActivity),
                S::Satisfaction => metric(Metric::Satisfaction),
                S::SatisfactionDrop => metric(Metric::SatisfactionChange).map(|c| -c),
                S::ComplaintsInWindow => metric(Metric::ComplaintsInWindow),
                S::OpenTickets => metric(Metric::OpenTickets),
                S::TicketsInWindow => metric(Metric::TicketsInWindow),
                S::PaymentFailuresInWindow => metric(Metric::PaymentFailuresInWindow),
                S::UsageDecline => metric(Metric::UsageTrend).map(|t| -t),
                S::DaysToRenewal => context.contract_term_days.and_then(|term| {
                    let m = state.metrics();
                    let start = m
                        .relationship
                        .as_deref()
                        .and_then(|r| r.last_renewal)
                        .or_else(|| m.purchases.as_deref().and_then(|p| p.first))?;
                    Some(start.plus_days(term).days_since(now))
                }),
                S::TenureDays => metric(Metric::TenureDays),
                S::PurchaseCount => metric(Metric::PurchaseCount),
                S::Cancelled => metric(Metric::Cancelled),
                S::DaysSinceCancellation => metric(Metric::DaysSinceCancellation),
                S::OffersDeclined => metric(Metric::OffersDeclined),
                S::PAlive | S::ExpectedValue | S::ChurnRisk => None,
            };
            values[signal as usize] = value.filter(|v| v.is_finite()).unwrap_or(f64::NAN);
        }
        let wants = |s| context.wanted.contains(s);
        if let Some(models) = context.models {
            if wants(Signal::PAlive) || wants(Signal::ExpectedValue) {
                if let Some(summary) = summary_of(state, now, models.unit_days) {
                    if wants(Signal::PAlive) {
                        values[Signal::PAlive as usize] = models
                            .bgnbd
                            .p_alive(&summary)
                            .ok()
                            .filter(|v| v.is_finite())
                            .unwrap_or(f64::NAN);
                    }
                    // The spend model speaks its own currency: the value
                    // of the customer's purchases in it.
                    let spend = summary_in(state, now, models.unit_days, models.currency);
                    if let (true, Some((summary, share))) = (wants(Signal::ExpectedValue), spend) {
                        values[Signal::ExpectedValue as usize] =
                            lifetime_value(&models.bgnbd, &models.spend, &summary, &models.clv)
                                .ok()
                                .map(|v| v * share)
                                .filter(|v| v.is_finite())
                                .unwrap_or(f64::NAN);
                    }
                }
            }
        }
        let in_currencies = context
            .in_currencies
            .iter()
            .map(|&(signal, currency)| {
                let metric = match signal {
                    Signal::Revenue => Some(Metric::Revenue),
                    Signal::PurchaseCount => Some(Metric::PurchaseCount),
                    _ => None,
                };
                let value = metric
                    .and_then(|m| state.metric_in(model, m, now, Some(currency)))
                    .filter(|v| v.is_finite())
                    .unwrap_or(f64::NAN);
                (signal, currency, value)
            })
            .collect();
        Signals {
            values,
            in_currencies,
        }
    }

    /// Signals with no value at all, to fill with [`Signals::set`] (a host
    /// computing its own).
    pub fn empty() -> Signals {
        Signals {
            values: [f64::NAN; Signal::ALL.len()],
            in_currencies: Vec::new(),
        }
    }

    /// The value of a signal, `None` when the customer has none.
    pub fn get(&self, signal: Signal) -> Option<f64> {
        let value = self.values[signal as usize];
        (!value.is_nan()).then_some(value)
    }

    /// The value of a signal read in `currency` (as a rule naming it reads
    /// it; `None`: [`Signals::get`]), `None` when the customer has none or it
    /// was not computed in that currency.
    pub fn get_in(&self, signal: Signal, currency: Option<Currency>) -> Option<f64> {
        let Some(currency) = currency else {
            return self.get(signal);
        };
        self.in_currencies
            .iter()
            .find(|(s, c, _)| *s == signal && *c == currency)
            .map(|(_, _, v)| *v)
            .filter(|v| !v.is_nan())
    }

    /// Sets (or clears) the value of a signal read in `currency` (`None`:
    /// [`Signals::set`]), for a host computing its own.
    pub fn set_in(&mut self, signal: Signal, currency: Option<Currency>, value: Option<f64>) {
        let Some(currency) = currency else {
            return self.set(signal, value);
        };
        let value = value.filter(|v| v.is_finite()).unwrap_or(f64::NAN);
        match self
            .in_currencies
            .iter_mut()
            .find(|(s, c, _)| *s == signal && *c == currency)
        {
            Some(slot) => slot.2 = value,
            None => self.in_currencies.push((signal, currency, value)),
        }
    }

    /// Every value by `Signal as usize`, NaN for none.
    pub(crate) fn raw(&self) -> &[f64; Signal::ALL.len()] {
        &self.values
    }

    /// Sets (or clears) the value of a signal.
    pub fn set(&mut self, signal: Signal, value: Option<f64>) {
        self.values[signal as usize] = value.filter(|v| v.is_finite()).unwrap_or(f64::NAN);
    }

    /// Every signal with a value, in [`Signal::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Signal, f64)> + '_ {
        Signal::ALL
            .iter()
            .filter_map(|&s| self.get(s).map(|v| (s, v)))
    }
}

impl serde::Serialize for Signal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Signal {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Signal, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Signal::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown signal `{name}` (known: {})",
                Signal::ALL
                    .iter()
                    .map(|s| s.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }
}
