//! JSON shapes of retention: the customer-base models (a population of
//! customer summaries, the fitted parameters, the predictions) and, in the
//! engine, the trigger configuration, firings, signals, churn risk, models
//! fitted on the engine's customers, win-back candidates and outcomes.
//!
//! A population (the `lifetimes` summary format, one time unit of the host's
//! choice; `id` is optional and only echoed back):
//!
//! ```json
//! {"customers": [{"id": "c1", "frequency": 2, "recency": 30.43, "T": 38.86, "monetary_value": 22.35},
//!                {"id": "c2", "frequency": 0, "recency": 0, "T": 38.86, "monetary_value": 0}]}
//! ```
//!
//! Fitted parameters (as the `clv` example prints them; on input
//! `log_likelihood`, `customers` and `skipped` are optional and ignored):
//!
//! ```json
//! {"bgnbd": {"r": 0.2426, "alpha": 4.4135, "a": 0.7929, "b": 2.4258,
//!            "log_likelihood": -9582.43, "customers": 2357},
//!  "gamma_gamma": {"p": 6.2488, "q": 3.7446, "v": 15.4477,
//!                  "log_likelihood": -4063.8, "customers": 946, "skipped": 1411}}
//! ```
//!
//! Prediction options, every key optional (the defaults shown; months of
//! 4.345 weeks, for summaries in weeks):
//!
//! ```json
//! {"horizons": [30, 90],
//!  "clv": {"months": 12, "monthly_discount": 0.01, "periods_per_month": 4.345}}
//! ```
//!
//! Predictions, one per customer in input order (`id` is `null` for a
//! customer without one; `expected_purchases` has one number per horizon):
//!
//! ```json
//! {"customers": [{"id": "c1", "p_alive": 0.7266, "expected_purchases": [0.9775, 2.3978],
//!                 "expected_average_value": 24.65, "clv": 36.28}]}
//! ```
//!
//! Input is strict: an unknown field is [`Error::UnknownField`] naming its
//! path (`customers[3].foo`, `bgnbd.beta`), and every summary is checked by
//! [`CustomerSummary::check`] under its path (`customers[2].recency`).
//!
//! # Retention in the engine
//!
//! The retention configuration is [`TriggerConfig`] as serde reads it (empty
//! text: [`TriggerConfig::default`]; `rules` required, every other key with
//! its default):
//!
//! ```json
//! {"rules": [{"name": "vip_at_risk", "stages": ["growth", "retention"], "action": "call_from_manager",
//!             "priority": 95, "cooldown_days": 14, "cap": {"count": 2, "period_days": 90},
//!             "when": {"all": [{"signal": "revenue", "op": ">=", "value": 500000},
//!                              {"signal": "churn_risk", "op": ">=", "value": 0.4}]}}],
//!  "contract_term_days": 365,
//!  "contact_cap": {"count": 2, "period_days": 30},
//!  "max_per_evaluation": 1,
//!  "win_back": {"lapse_recency_ratio": 4, "prior_rate": 0.1, "prior_weight": 10},
//!  "churn": [{"signal": "recency_ratio", "low": 1, "high": 3, "weight": 3}]}
//! ```
//!
//! Firings (one customer's, or every customer's sorted by customer; each
//! customer's highest priority first):
//!
//! ```json
//! {"firings": [{"customer": "c1", "rule": "discontent", "action": "personal_outreach",
//!               "priority": 90, "at": "2026-04-03T12:00:00Z", "churn_risk": 0.36,
//!               "evidence": [{"signal": "cancelled", "op": "==", "threshold": 0.0, "actual": 0.0},
//!                            {"signal": "complaints_in_window", "op": ">=", "threshold": 2.0, "actual": 2.0}]}]}
//! ```
//!
//! A customer's signals (those with a value) and every signal's unit, both
//! in [`Signal::ALL`] order:
//!
//! ```json
//! {"customer": "c1",
//!  "signals": {"recency_ratio": 2.5, "days_since_last_purchase": 40.0, "complaints_in_window": 2.0, ...},
//!  "units": {"recency_ratio": "intervals", "days_since_last_purchase": "days", ...}}
//! ```
//!
//! A churn risk with each component's part (`value`, `risk` null and
//! `contribution` 0 for a signal without a value; `score` null when none has
//! one):
//!
//! ```json
//! {"customer": "c1", "score": 0.36,
//!  "parts": [{"signal": "recency_ratio", "value": 2.5, "risk": 0.75, "weight": 3.0, "contribution": 0.18}, ...]}
//! ```
//!
//! Fitting on the engine's customers: options `{"unit_days": 7, "penalizer":
//! 0, "clv": {"months": 12, "monthly_discount": 0.01, "periods_per_month":
//! 4.345}}`, every key optional; the result is the fit above plus the
//! options in force (`"unit_days"`, `"penalizer"`, `"clv"`).
//!
//! Win-back candidates, most valuable first, and outcomes by exit reason:
//!
//! ```json
//! {"candidates": [{"customer": "c7", "exit_reason": "price", "lapsed_at": "2026-04-01T10:00:00Z",
//!                  "last_signals": {"complaints_in_window": 1.0, "open_tickets": 0.0},
//!                  "annual_value": 1250000.0, "currency": "ARS", "win_back_probability": 0.1,
//!                  "expected_value": 125000.0}]}
//! {"by_reason": {"price": {"attempts": 2, "won": 1, "rate": 0.5}}, "attempts": 2, "won": 1, "rate": 0.5}
//! ```

use serde::{Deserialize, Serialize};

use super::read;
use crate::error::{Error, Result};
use crate::model::money::Currency;
use crate::model::time::Timestamp;
use crate::retention::{
    BgNbd, BgNbdFit, ChurnRisk, ClvOptions, CustomerSummary, Firing, GammaGamma, GammaGammaFit,
    ModelFitOptions, Prediction, Signal, SignalEvidence, Signals, TriggerConfig, WinBackCandidate,
    WinBackCount, WinBackStats,
};

/// A population read from JSON: each customer's summary and optional id, in
/// input order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Population {
    /// The customers' ids, `None` where the input gave none.
    pub ids: Vec<Option<String>>,
    /// The customers' summaries, each checked.
    pub customers: Vec<CustomerSummary>,
}

/// A population of customer summaries (the `lifetimes` summary format, all
/// times in one unit of the host's choice).
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, expecting = "an object with `customers`")]
pub(crate) struct PopulationJson {
    /// The customers, each summarised.
    customers: Vec<CustomerJson>,
}

/// One customer's summary.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(
    deny_unknown_fields,
    expecting = "a customer, an object with `frequency`, `recency`, `T` and `monetary_value`"
)]
pub(crate) struct CustomerJson {
    /// The customer's id, only echoed back.
    #[serde(default)]
    id: Option<String>,
    /// Repeat purchases (after the first): a whole number, at least 0.
    frequency: f64,
    /// Time from the first purchase to the last, at least 0 and at most `T`
    /// (0 without repeat purchases).
    recency: f64,
    /// Time from the first purchase to the end of the observation.
    #[serde(rename = "T")]
    t: f64,
    /// The average value of the repeat purchases.
    monetary_value: f64,
}

/// Reads a population: `{"customers": [{"id", "frequency", "recency", "T",
/// "monetary_value"}, ...]}` with `id` optional. An empty list is read (the
/// fits refuse it, naming `customers`).
///
/// # Errors
///
/// [`Error::Json`] for malformed JSON or a missing or mistyped field (naming
/// its path), [`Error::UnknownField`] naming the path of an unknown field,
/// [`Error::InvalidArgument`] naming `customers[i].field` for a summary that
/// [`CustomerSummary::check`] rejects (a negative time, a recency after `T`,
/// a fractional frequency, a recency without repeat purchases).
pub fn population_from_json(text: &str) -> Result<Population> {
    let raw: PopulationJson = read(text, "population")?;
    let mut population = Population {
        ids: Vec::with_capacity(raw.customers.len()),
        customers: Vec::with_capacity(raw.customers.len()),
    };
    for (i, c) in raw.customers.into_iter().enumerate() {
        let summary = CustomerSummary::new(c.frequency, c.recency, c.t, c.monetary_value);
        summary.check(&format!("customers[{i}]"))?;
        population.ids.push(c.id);
        population.customers.push(summary);
    }
    Ok(population)
}

/// The options of fitting the customer-base models (`ciclo_models_fit_json`).
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, expecting = "an object with `penalizer`")]
pub(crate) struct FitOptionsJson {
    /// The L2 penalty on the parameters (0), at least 0.
    #[serde(default)]
    penalizer: f64,
}

/// Reads the options of a fit: empty (or only whitespace) for none, or
/// `{"penalizer": 0.0}`, the L2 penalty of
/// [`BgNbd::fit_penalized`] and [`GammaGamma::fit_penalized`] (default 0).
///
/// # Errors
///
/// [`Error::Json`], [`Error::UnknownField`], [`Error::InvalidArgument`]
/// naming `options.penalizer` when it is negative.
pub fn fit_options_from_json(text: &str) -> Result<f64> {
    if text.trim().is_empty() {
        return Ok(0.0);
    }
    let raw: FitOptionsJson = read(text, "options")?;
    if !(raw.penalizer.is_finite() && raw.penalizer >= 0.0) {
        return Err(Error::invalid(
            "options.penalizer",
            format!("{} is not a finite number of at least 0", raw.penalizer),
        ));
    }
    Ok(raw.penalizer)
}

/// The BG/NBD model's parameters (purchases and dropout), each positive.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct BgNbdJson {
    /// Shape of the purchase rate's gamma.
    r: f64,
    /// Scale of the purchase rate's gamma.
    alpha: f64,
    /// Dropout beta's `a`.
    a: f64,
    /// Dropout beta's `b`.
    b: f64,
    /// The fit's log-likelihood (written by a fit; ignored on input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    log_likelihood: Option<f64>,
    /// Customers fitted on (written by a fit; ignored on input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customers: Option<usize>,
}

/// The Gamma-Gamma model's parameters (spend per purchase), each positive,
/// `q` above 1.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct GammaGammaJson {
    /// Shape of the spend's gamma.
    p: f64,
    /// Shape of the spend scale's gamma; above 1.
    q: f64,
    /// Scale of the spend scale's gamma.
    v: f64,
    /// The fit's log-likelihood (written by a fit; ignored on input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    log_likelihood: Option<f64>,
    /// Customers fitted on (written by a fit; ignored on input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customers: Option<usize>,
    /// Customers left out: no repeat purchase or no spend (written by a fit;
    /// ignored on input).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    skipped: Option<usize>,
}

/// The two customer-base models' parameters.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(
    deny_unknown_fields,
    expecting = "an object with `bgnbd` and `gamma_gamma`"
)]
pub(crate) struct ModelsJson {
    /// Purchases and dropout.
    bgnbd: BgNbdJson,
    /// Spend per purchase.
    gamma_gamma: GammaGammaJson,
}

/// The two fitted models, as JSON: `{"bgnbd": {"r", "alpha", "a", "b",
/// "log_likelihood", "customers"}, "gamma_gamma": {"p", "q", "v",
/// "log_likelihood", "customers", "skipped"}}` (the shape of the `clv`
/// example's output; [`models_from_json`] reads it back).
pub fn fits_to_json(bgnbd: &BgNbdFit, gamma_gamma: &GammaGammaFit) -> String {
    serde_json::to_string(&models_json(bgnbd, gamma_gamma)).expect("fits always serialise")
}

fn models_json(bgnbd: &BgNbdFit, gamma_gamma: &GammaGammaFit) -> ModelsJson {
    ModelsJson {
        bgnbd: BgNbdJson {
            r: bgnbd.model.r,
            alpha: bgnbd.model.alpha,
            a: bgnbd.model.a,
            b: bgnbd.model.b,
            log_likelihood: Some(bgnbd.log_likelihood),
            customers: Some(bgnbd.customers),
        },
        gamma_gamma: GammaGammaJson {
            p: gamma_gamma.model.p,
            q: gamma_gamma.model.q,
            v: gamma_gamma.model.v,
            log_likelihood: Some(gamma_gamma.log_likelihood),
            customers: Some(gamma_gamma.customers),
            skipped: Some(gamma_gamma.skipped),
        },
    }
}

/// Reads the two models' parameters, in the shape [`fits_to_json`] writes
/// (`log_likelihood`, `customers` and `skipped` optional and ignored), and
/// checks them.
///
/// # Errors
///
/// [`Error::Json`] for malformed JSON or a missing or mistyped parameter,
/// [`Error::UnknownField`] naming its path (`bgnbd.beta`),
/// [`Error::InvalidArgument`] naming the parameter (`bgnbd.a`,
/// `gamma_gamma.q`) when [`BgNbd::check`] or [`GammaGamma::check`] rejects
/// it: not positive, or `q` not above 1.
pub fn models_from_json(text: &str) -> Result<(BgNbd, GammaGamma)> {
    let raw: ModelsJson = read(text, "models")?;
    let bgnbd = BgNbd {
        r: raw.bgnbd.r,
        alpha: raw.bgnbd.alpha,
        a: raw.bgnbd.a,
        b: raw.bgnbd.b,
    };
    bgnbd.check()?;
    let gamma_gamma = GammaGamma {
        p: raw.gamma_gamma.p,
        q: raw.gamma_gamma.q,
        v: raw.gamma_gamma.v,
    };
    gamma_gamma.check()?;
    Ok((bgnbd, gamma_gamma))
}

/// What to predict: the horizons of the expected purchases and the lifetime
/// value's months and discount.
#[derive(Clone, Debug, PartialEq)]
pub struct PredictOptions {
    /// Horizons (in the summaries' time unit) of the expected purchases, in
    /// the order they are reported.
    pub horizons: Vec<f64>,
    /// The lifetime value's months, discount and time units per month.
    pub clv: ClvOptions,
}

impl Default for PredictOptions {
    /// Horizons 30 and 90; twelve months at 1% a month, in weeks.
    fn default() -> Self {
        PredictOptions {
            horizons: vec![30.0, 90.0],
            clv: ClvOptions::new(0.01, ClvOptions::WEEKS),
        }
    }
}

/// The options of a prediction (`ciclo_models_predict_json`); every key
/// optional.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, expecting = "an object with `horizons` and `clv`")]
pub(crate) struct PredictOptionsJson {
    /// Horizons of the expected purchases, in the summaries' time unit, each
    /// at least 0 (`[30, 90]`).
    #[serde(default)]
    horizons: Option<Vec<f64>>,
    /// The lifetime value's months and discount.
    #[serde(default)]
    clv: Option<ClvOptionsJson>,
}

/// The lifetime value's months, discount and time units per month; every
/// key optional.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct ClvOptionsJson {
    /// Months of value counted (12).
    #[serde(default)]
    months: Option<u32>,
    /// Discount rate per month, at least 0 (0.01).
    #[serde(default)]
    monthly_discount: Option<f64>,
    /// Time units in a month, positive (4.345: weeks).
    #[serde(default)]
    periods_per_month: Option<f64>,
}

/// Reads the options of a prediction: empty (or only whitespace) for the
/// [defaults](PredictOptions::default), or `{"horizons": [30, 90], "clv":
/// {"months": 12, "monthly_discount": 0.01, "periods_per_month": 4.345}}`,
/// every key optional.
///
/// # Errors
///
/// [`Error::Json`], [`Error::UnknownField`], [`Error::InvalidArgument`]
/// naming the option: `options.horizons[i]` when negative,
/// `options.clv.monthly_discount` when below 0,
/// `options.clv.periods_per_month` when not positive.
pub fn predict_options_from_json(text: &str) -> Result<PredictOptions> {
    let mut options = PredictOptions::default();
    if text.trim().is_empty() {
        return Ok(options);
    }
    let raw: PredictOptionsJson = read(text, "options")?;
    if let Some(horizons) = raw.horizons {
        for (i, &h) in horizons.iter().enumerate() {
            if !(h.is_finite() && h >= 0.0) {
                return Err(Error::invalid(
                    format!("options.horizons[{i}]"),
                    format!("{h} is not a time from now (finite, at least 0)"),
                ));
            }
        }
        options.horizons = horizons;
    }
    if let Some(clv) = raw.clv {
        apply_clv_options(clv, &mut options.clv)?;
    }
    Ok(options)
}

/// Overrides `options` with the keys given, checking each (`options.clv.…`).
fn apply_clv_options(raw: ClvOptionsJson, options: &mut ClvOptions) -> Result<()> {
    if let Some(months) = raw.months {
        options.months = months;
    }
    if let Some(d) = raw.monthly_discount {
        if !(d.is_finite() && d >= 0.0) {
            return Err(Error::invalid(
                "options.clv.monthly_discount",
                format!("{d} is not a discount rate of at least 0"),
            ));
        }
        options.monthly_discount = d;
    }
    if let Some(p) = raw.periods_per_month {
        if !(p.is_finite() && p > 0.0) {
            return Err(Error::invalid(
                "options.clv.periods_per_month",
                format!("{p} is not a positive finite number"),
            ));
        }
        options.periods_per_month = p;
    }
    Ok(())
}

/// One customer's predictions.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct PredictionJson<'a> {
    /// The customer's id as given, `null` without one.
    id: Option<&'a str>,
    /// The probability that the customer is still alive.
    p_alive: f64,
    /// Purchases to expect over each horizon, in the horizons' order.
    expected_purchases: &'a [f64],
    /// Spend per purchase to expect.
    expected_average_value: f64,
    /// The discounted lifetime value.
    clv: f64,
}

/// Predictions, one per customer in input order.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct PredictionsJson<'a> {
    /// The customers' predictions.
    customers: Vec<PredictionJson<'a>>,
}

/// The predictions, as JSON: `{"customers": [{"id", "p_alive",
/// "expected_purchases": [one per horizon], "expected_average_value",
/// "clv"}]}`, in the order given; `id` is `null` where `ids` has `None`.
pub fn predictions_to_json(ids: &[Option<String>], predictions: &[Prediction]) -> String {
    let out = PredictionsJson {
        customers: ids
            .iter()
            .zip(predictions)
            .map(|(id, p)| PredictionJson {
                id: id.as_deref(),
                p_alive: p.p_alive,
                expected_purchases: &p.expected_purchases,
                expected_average_value: p.expected_average_value,
                clv: p.clv,
            })
            .collect(),
    };
    serde_json::to_string(&out).expect("predictions always serialise")
}

// ---------------------------------------------------------------------------
// Retention in the engine: triggers, firings, signals, churn, models fitted on
// the engine's customers, win-back.

/// Reads a retention configuration ([`TriggerConfig`]): empty (or only
/// whitespace) for [`TriggerConfig::default`], what an engine starts with;
/// otherwise an object whose `rules` is required and whose other keys take
/// their defaults when absent (`{"rules": []}` is no rule at all, with the
/// default churn score, contact cap and win-back settings). The rules are
/// validated against the stage model later, by
/// [`Triggers::compile`](crate::retention::Triggers::compile) (in
/// [`Engine::set_retention`](crate::Engine::set_retention)).
///
/// # Errors
///
/// [`Error::Json`] for malformed JSON, a missing `rules`, or a mistyped value
/// (naming its path: `rules[0].cooldown_days`), [`Error::UnknownField`]
/// naming the path of an unknown key (`rules[2].when.all[0].foo`).
pub fn trigger_config_from_json(text: &str) -> Result<TriggerConfig> {
    if text.trim().is_empty() {
        return Ok(TriggerConfig::default());
    }
    read(text, "retention")
}

/// A retention configuration as pretty JSON, exactly as it was set:
/// [`trigger_config_from_json`] reads it back to the same configuration.
/// `churn` is absent while the default churn score is in force.
pub fn trigger_config_to_json(config: &TriggerConfig) -> String {
    serde_json::to_string_pretty(config).expect("configurations always serialise")
}

/// A retention rule that fired for a customer.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct FiringJson<'a> {
    /// The customer.
    customer: &'a str,
    /// The rule.
    rule: &'a str,
    /// The rule's action.
    #[cfg_attr(feature = "schema", schemars(with = "crate::retention::Action"))]
    action: &'a str,
    /// The rule's priority.
    priority: i32,
    /// When it fired.
    at: Timestamp,
    /// The customer's churn risk, `null` when no signal it weighs has a value.
    churn_risk: Option<f64>,
    /// The comparisons that made the rule hold, with the customer's values.
    evidence: &'a [SignalEvidence],
}

/// Retention rules that fired.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct FiringsJson<'a> {
    /// Each customer's highest priority first, customers sorted by id.
    firings: Vec<FiringJson<'a>>,
}

/// Firings as JSON, in the order given: `{"firings": [{"customer", "rule",
/// "action", "priority", "at", "churn_risk", "evidence": [{"signal", "op",
/// "threshold", "actual"}]}]}`; `churn_risk` and an evidence's `actual` are
/// `null` without a value.
pub fn firings_to_json<'a>(firings: impl IntoIterator<Item = (&'a str, &'a Firing)>) -> String {
    let out = FiringsJson {
        firings: firings
            .into_iter()
            .map(|(customer, f)| FiringJson {
                customer,
                rule: &f.rule,
                action: f.action.name(),
                priority: f.priority,
                at: f.at,
                churn_risk: f.churn_risk,
                evidence: &f.evidence,
            })
            .collect(),
    };
    serde_json::to_string(&out).expect("firings always serialise")
}

/// Signal names to values, as an object in the order given.
pub(crate) struct SignalMap<'a>(pub(crate) &'a [(Signal, f64)]);

#[cfg(feature = "schema")]
impl schemars::JsonSchema for SignalMap<'_> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SignalValues".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "description": "Signal values by signal name.",
            "propertyNames": generator.subschema_for::<Signal>(),
            "additionalProperties": {"type": "number"}
        })
    }
}

impl Serialize for SignalMap<'_> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (signal, value) in self.0 {
            map.serialize_entry(signal.name(), value)?;
        }
        map.end()
    }
}

/// Every signal's unit, in [`Signal::ALL`] order.
pub(crate) struct Units;

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Units {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SignalUnits".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Signal::ALL.iter().map(|s| s.name()).collect();
        schemars::json_schema!({
            "type": "object",
            "description": "Every signal's unit (`days`, `intervals`, `minor_units`...) by signal name.",
            "propertyNames": generator.subschema_for::<Signal>(),
            "required": names,
            "additionalProperties": {"type": "string"}
        })
    }
}

impl Serialize for Units {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(Signal::ALL.len()))?;
        for signal in Signal::ALL {
            map.serialize_entry(signal.name(), signal.unit())?;
        }
        map.end()
    }
}

/// A customer's retention signals.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct SignalsJson<'a> {
    /// The customer.
    customer: &'a str,
    /// The signals with a value (a signal missing has none for this
    /// customer).
    signals: SignalMap<'a>,
    /// Every signal's unit.
    units: Units,
}

/// A customer's signals as JSON: `{"customer": "c1", "signals":
/// {"days_since_last_activity": 3.5, "complaints_in_window": 2.0, ...},
/// "units": {"recency_ratio": "intervals", ...}}`. `signals` holds the
/// signals with a value (a signal missing from it has none for this
/// customer); `units` holds every signal's unit, both in [`Signal::ALL`]
/// order.
pub fn signals_to_json(customer: &str, signals: &Signals) -> String {
    let values: Vec<(Signal, f64)> = signals.iter().collect();
    let out = SignalsJson {
        customer,
        signals: SignalMap(&values),
        units: Units,
    };
    serde_json::to_string(&out).expect("signals always serialise")
}

/// A customer's churn risk as JSON: `{"customer": "c1", "score": 0.36,
/// "parts": [{"signal", "value", "risk", "weight", "contribution"}]}`, one
/// part per component of the churn score in its order; `score` is `null`
/// when no component's signal has a value, and a part's `value` and `risk`
/// are `null` (its `contribution` 0) when its signal has none.
pub fn churn_to_json(customer: &str, risk: &ChurnRisk) -> String {
    serde_json::to_string(&ChurnJson { customer, risk }).expect("churn risks always serialise")
}

/// A customer's churn risk, explained.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct ChurnJson<'a> {
    /// The customer.
    customer: &'a str,
    #[serde(flatten)]
    risk: &'a ChurnRisk,
}

/// The options of fitting the models on an engine's customers
/// (`ciclo_engine_fit_models_json`); every key optional.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(
    deny_unknown_fields,
    expecting = "an object with `unit_days`, `penalizer`, `clv` and `currency`"
)]
pub(crate) struct EngineFitOptionsJson {
    /// The models' time unit in days, positive (7: weeks).
    #[serde(default)]
    unit_days: Option<f64>,
    /// The currency whose customers the spend model is fitted on; needed
    /// when customers pay in several.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Currency>"))]
    currency: Option<String>,
    /// The fits' L2 penalty, at least 0 (0).
    #[serde(default)]
    penalizer: Option<f64>,
    /// How `expected_value` discounts and over how long.
    #[serde(default)]
    clv: Option<ClvOptionsJson>,
}

/// Reads the options of fitting the models on an engine's customers: empty
/// (or only whitespace) for the [defaults](ModelFitOptions::default), or
/// `{"unit_days": 7, "penalizer": 0, "currency": "ARS", "clv": {"months": 12,
/// "monthly_discount": 0.01, "periods_per_month": 4.345}}`, every key
/// optional (`currency`: the one whose customers the spend model is fitted
/// on, needed when customers pay in several). `periods_per_month` defaults to the time units of `unit_days`
/// days in a month: 4.345 for weeks (7), otherwise `30 / unit_days` (30 for
/// days).
///
/// # Errors
///
/// [`Error::Json`], [`Error::UnknownField`] naming the path,
/// [`Error::InvalidArgument`] naming the option: `options.unit_days` when
/// not positive, `options.penalizer` when negative,
/// `options.clv.months` above [`ClvOptions::MAX_MONTHS`],
/// `options.clv.monthly_discount` when below 0,
/// `options.clv.periods_per_month` when not positive, `options.currency`
/// when not a currency code.
pub fn engine_fit_options_from_json(text: &str) -> Result<ModelFitOptions> {
    if text.trim().is_empty() {
        return Ok(ModelFitOptions::default());
    }
    let raw: EngineFitOptionsJson = read(text, "options")?;
    let unit_days = raw.unit_days.unwrap_or(7.0);
    if !(unit_days.is_finite() && unit_days > 0.0) {
        return Err(Error::invalid(
            "options.unit_days",
            format!("{unit_days} is not a positive number of days"),
        ));
    }
    let mut options = ModelFitOptions::new(unit_days);
    if let Some(code) = &raw.currency {
        options.currency = Some(Currency::parse(code, "options.currency")?);
    }
    if let Some(penalizer) = raw.penalizer {
        if !(penalizer.is_finite() && penalizer >= 0.0) {
            return Err(Error::invalid(
                "options.penalizer",
                format!("{penalizer} is not a finite number of at least 0"),
            ));
        }
        options.penalizer = penalizer;
    }
    if let Some(clv) = raw.clv {
        apply_clv_options(clv, &mut options.clv)?;
    }
    if options.clv.months > ClvOptions::MAX_MONTHS {
        return Err(Error::invalid(
            "options.clv.months",
            format!(
                "{} is more than {} months",
                options.clv.months,
                ClvOptions::MAX_MONTHS
            ),
        ));
    }
    Ok(options)
}

/// The models fitted on an engine's customers and the options in force.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct EngineFitsJson<'a> {
    #[serde(flatten)]
    models: ModelsJson,
    /// The models' time unit in days.
    unit_days: f64,
    /// The fits' L2 penalty.
    penalizer: f64,
    /// How `expected_value` discounts and over how long.
    clv: &'a ClvOptions,
    /// The currency the spend model was fitted on, when one was named.
    #[serde(skip_serializing_if = "Option::is_none")]
    currency: Option<Currency>,
}

/// The models fitted on an engine's customers, as JSON: the shape of
/// [`fits_to_json`] with the options the `p_alive` and `expected_value`
/// signals use: `{"bgnbd": {...}, "gamma_gamma": {...}, "unit_days": 7.0,
/// "penalizer": 0.0, "clv": {"months": 12, "monthly_discount": 0.01,
/// "periods_per_month": 4.345}}`. (Its `bgnbd` and `gamma_gamma` objects
/// are what [`models_from_json`] reads.)
pub fn engine_fits_to_json(
    bgnbd: &BgNbdFit,
    gamma_gamma: &GammaGammaFit,
    options: &ModelFitOptions,
) -> String {
    let out = EngineFitsJson {
        models: models_json(bgnbd, gamma_gamma),
        unit_days: options.unit_days,
        penalizer: options.penalizer,
        clv: &options.clv,
        currency: options.currency,
    };
    serde_json::to_string(&out).expect("fits always serialise")
}

/// A lapsed customer worth winning back.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct WinBackCandidateJson<'a> {
    /// The customer.
    customer: &'a str,
    /// Why they left: the cancellation's reason, `cancelled` without one,
    /// `inactive` for who stopped buying.
    exit_reason: &'a str,
    /// When they lapsed.
    lapsed_at: Timestamp,
    /// The signals of discontent with a value at their last event.
    last_signals: SignalMap<'a>,
    /// What they brought in a year, minor units of `currency`.
    annual_value: f64,
    /// The currency of `annual_value` and `expected_value`; `null` for a
    /// customer who never paid.
    currency: Option<Currency>,
    /// The chance of winning them back.
    win_back_probability: f64,
    /// `annual_value` times `win_back_probability`, by which they are ranked.
    expected_value: f64,
}

/// Win-back candidates, most valuable first.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct WinBackCandidatesJson<'a> {
    /// The candidates.
    candidates: Vec<WinBackCandidateJson<'a>>,
}

/// Win-back candidates as JSON, in the order given (most valuable first
/// from the engine): `{"candidates": [{"customer", "exit_reason",
/// "lapsed_at", "last_signals": {"complaints_in_window": 2.0, ...},
/// "annual_value", "currency", "win_back_probability", "expected_value"}]}`
/// (`currency`: that of the two values); `last_signals` holds the signals of discontent with a value at the
/// customer's last event, by name.
pub fn win_back_candidates_to_json(candidates: &[WinBackCandidate]) -> String {
    let out = WinBackCandidatesJson {
        candidates: candidates
            .iter()
            .map(|c| WinBackCandidateJson {
                customer: &c.customer,
                exit_reason: &c.exit_reason,
                lapsed_at: c.lapsed_at,
                last_signals: SignalMap(&c.last_signals),
                annual_value: c.annual_value,
                currency: c.currency,
                win_back_probability: c.win_back_probability,
                expected_value: c.expected_value,
            })
            .collect(),
    };
    serde_json::to_string(&out).expect("candidates always serialise")
}

/// Win-back attempts and their outcome.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct WinBackRateJson {
    /// Attempts recorded.
    attempts: u64,
    /// Attempts that won the customer back.
    won: u64,
    /// `won` over `attempts`; `null` before any attempt.
    rate: Option<f64>,
}

/// The win-back outcomes recorded.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct WinBackStatsJson<'a> {
    /// Per exit reason, sorted by name.
    by_reason: std::collections::BTreeMap<&'a str, WinBackRateJson>,
    /// Attempts over every reason.
    attempts: u64,
    /// Won over every reason.
    won: u64,
    /// `won` over `attempts`; `null` before any attempt.
    rate: Option<f64>,
}

/// Win-back outcomes as JSON: `{"by_reason": {"price": {"attempts": 2,
/// "won": 1, "rate": 0.5}, ...}, "attempts": 2, "won": 1, "rate": 0.5}`:
/// per exit reason (sorted by name) and over every reason; `rate` is won
/// over attempts, `null` overall before any attempt.
pub fn win_back_stats_to_json(stats: &WinBackStats) -> String {
    let reason = |c: &WinBackCount| WinBackRateJson {
        attempts: c.attempts,
        won: c.won,
        rate: (c.attempts > 0).then(|| c.won as f64 / c.attempts as f64),
    };
    let (attempts, won) = stats.by_reason.values().fold((0u64, 0u64), |(a, w), c| {
        (a.saturating_add(c.attempts), w.saturating_add(c.won))
    });
    let out = WinBackStatsJson {
        by_reason: stats
            .by_reason
            .iter()
            .map(|(name, c)| (name.as_str(), reason(c)))
            .collect(),
        attempts,
        won,
        rate: stats.rate(),
    };
    serde_json::to_string(&out).expect("statistics always serialise")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const POPULATION: &str = r#"{"customers": [
        {"id": "c1", "frequency": 2, "recency": 30.43, "T": 38.86, "monetary_value": 22.35},
        {"frequency": 0, "recency": 0, "T": 38.86, "monetary_value": 0},
        {"id": "c3", "frequency": 7, "recency": 29.43, "T": 38.86, "monetary_value": 73.74}]}"#;

    #[test]
    fn a_population_reads_with_optional_ids() {
        let p = population_from_json(POPULATION).unwrap();
        assert_eq!(
            p.ids,
            [Some("c1".to_string()), None, Some("c3".to_string())]
        );
        assert_eq!(
            p.customers[2],
            CustomerSummary::new(7.0, 29.43, 38.86, 73.74)
        );
        assert_eq!(
            population_from_json(r#"{"customers": []}"#).unwrap(),
            Population::default()
        );
    }

    #[test]
    fn population_errors_name_the_path() {
        let err = population_from_json(
            r#"{"customers": [{"frequency": 0, "recency": 0, "T": 1, "monetary_value": 0},
                              {"frequency": 0, "recency": 0, "T": 1, "monetary_value": 0, "foo": 1}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            err,
            Error::UnknownField {
                what: "population",
                field: "customers[1].foo".into()
            }
        );
        let err = population_from_json(
            r#"{"customers": [{"frequency": 1, "recency": 40, "T": 38.86, "monetary_value": 5}]}"#,
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(
            err.to_string()
                .starts_with("invalid argument customers[0].recency: 40 is after T"),
            "{err}"
        );
        let err = population_from_json(
            r#"{"customers": [{"frequency": 1, "recency": 1, "T": 2, "monetary_value": 5},
                              {"frequency": 1, "T": 2, "monetary_value": 5}]}"#,
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Json);
        assert!(
            err.to_string().contains("customers[1]") && err.to_string().contains("recency"),
            "{err}"
        );
        let err = population_from_json(r#"{"clientes": []}"#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnknownField);
        let err = population_from_json(
            r#"{"customers": [{"id": 7, "frequency": 1, "recency": 1, "T": 2, "monetary_value": 5}]}"#,
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Json);
        assert!(err.to_string().contains("customers[0].id"), "{err}");
    }

    #[test]
    fn fitted_models_round_trip_and_hand_written_ones_read() {
        let bgnbd = BgNbdFit {
            model: BgNbd {
                r: 0.25,
                alpha: 4.5,
                a: 0.75,
                b: 2.5,
            },
            log_likelihood: -9582.5,
            customers: 2357,
            iterations: 17,
        };
        let spend = GammaGammaFit {
            model: GammaGamma {
                p: 6.25,
                q: 3.75,
                v: 15.5,
            },
            log_likelihood: -4000.25,
            customers: 946,
            skipped: 1411,
            iterations: 12,
        };
        let text = fits_to_json(&bgnbd, &spend);
        assert_eq!(
            text,
            r#"{"bgnbd":{"r":0.25,"alpha":4.5,"a":0.75,"b":2.5,"log_likelihood":-9582.5,"customers":2357},"gamma_gamma":{"p":6.25,"q":3.75,"v":15.5,"log_likelihood":-4000.25,"customers":946,"skipped":1411}}"#
        );
        assert_eq!(models_from_json(&text).unwrap(), (bgnbd.model, spend.model));
        let hand = r#"{"bgnbd": {"r": 0.25, "alpha": 4.5, "a": 0.75, "b": 2.5},
                       "gamma_gamma": {"p": 6.25, "q": 3.75, "v": 15.5}}"#;
        assert_eq!(models_from_json(hand).unwrap(), (bgnbd.model, spend.model));
    }

    #[test]
    fn bad_models_are_named() {
        let with = |bgnbd: &str, gg: &str| {
            models_from_json(&format!(
                r#"{{"bgnbd": {{{bgnbd}}}, "gamma_gamma": {{{gg}}}}}"#
            ))
            .unwrap_err()
        };
        let ok_b = r#""r": 0.25, "alpha": 4.5, "a": 0.75, "b": 2.5"#;
        let ok_g = r#""p": 6.25, "q": 3.75, "v": 15.5"#;
        let err = with(r#""r": 0.25, "alpha": 4.5, "a": 0, "b": 2.5"#, ok_g);
        assert_eq!(
            err.to_string(),
            "invalid argument bgnbd.a: 0 is not a positive finite number"
        );
        let err = with(ok_b, r#""p": 6.25, "q": 1, "v": 15.5"#);
        assert_eq!(
            err.to_string(),
            "invalid argument gamma_gamma.q: 1 is not above 1: spend would have no finite mean"
        );
        let err = with(&format!(r#"{ok_b}, "beta": 1"#), ok_g);
        assert_eq!(
            err,
            Error::UnknownField {
                what: "models",
                field: "bgnbd.beta".into()
            }
        );
        let err = with(r#""r": 0.25, "alpha": 4.5, "a": 0.75"#, ok_g);
        assert_eq!(err.kind(), ErrorKind::Json);
        assert!(err.to_string().contains("`b`"), "{err}");
    }

    #[test]
    fn options_have_defaults_and_named_errors() {
        assert_eq!(fit_options_from_json("").unwrap(), 0.0);
        assert_eq!(fit_options_from_json("{}").unwrap(), 0.0);
        assert_eq!(
            fit_options_from_json(r#"{"penalizer": 0.01}"#).unwrap(),
            0.01
        );
        let err = fit_options_from_json(r#"{"penalizer": -1}"#).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid argument options.penalizer"),
            "{err}"
        );
        assert_eq!(
            fit_options_from_json(r#"{"penaliser": 1}"#)
                .unwrap_err()
                .kind(),
            ErrorKind::UnknownField
        );

        assert_eq!(
            predict_options_from_json(" ").unwrap(),
            PredictOptions::default()
        );
        let o = predict_options_from_json(r#"{"horizons": [7], "clv": {"periods_per_month": 30}}"#)
            .unwrap();
        assert_eq!(o.horizons, [7.0]);
        assert_eq!(
            (
                o.clv.months,
                o.clv.monthly_discount,
                o.clv.periods_per_month
            ),
            (12, 0.01, 30.0)
        );
        for (text, field) in [
            (r#"{"horizons": [30, -1]}"#, "options.horizons[1]"),
            (
                r#"{"clv": {"monthly_discount": -1}}"#,
                "options.clv.monthly_discount",
            ),
            (
                r#"{"clv": {"periods_per_month": 0}}"#,
                "options.clv.periods_per_month",
            ),
        ] {
            let err = predict_options_from_json(text).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with(&format!("invalid argument {field}:")),
                "{err}"
            );
        }
        let err = predict_options_from_json(r#"{"clv": {"month": 3}}"#).unwrap_err();
        assert_eq!(
            err,
            Error::UnknownField {
                what: "options",
                field: "clv.month".into()
            }
        );
    }

    #[test]
    fn predictions_keep_input_order_and_null_ids() {
        let ids = [Some("c1".to_string()), None];
        let rows = [
            Prediction {
                p_alive: 0.5,
                expected_purchases: vec![1.0, 2.5],
                expected_average_value: 20.0,
                clv: 30.0,
            },
            Prediction {
                p_alive: 1.0,
                expected_purchases: vec![0.25, 0.5],
                expected_average_value: 35.0,
                clv: 8.0,
            },
        ];
        assert_eq!(
            predictions_to_json(&ids, &rows),
            r#"{"customers":[{"id":"c1","p_alive":0.5,"expected_purchases":[1.0,2.5],"expected_average_value":20.0,"clv":30.0},{"id":null,"p_alive":1.0,"expected_purchases":[0.25,0.5],"expected_average_value":35.0,"clv":8.0}]}"#
        );
    }

    fn t(text: &str) -> Timestamp {
        Timestamp::parse(text, "t").unwrap()
    }

    #[test]
    fn trigger_configs_read_with_defaults_and_named_errors() {
        assert_eq!(
            trigger_config_from_json(" ").unwrap(),
            TriggerConfig::default()
        );
        let none = trigger_config_from_json(r#"{"rules": []}"#).unwrap();
        assert_eq!(
            none,
            TriggerConfig {
                rules: Vec::new(),
                ..TriggerConfig::default()
            }
        );
        // What is written reads back to the same configuration.
        let default = TriggerConfig::default();
        assert_eq!(
            trigger_config_from_json(&trigger_config_to_json(&default)).unwrap(),
            default
        );
        let err = trigger_config_from_json(
            r#"{"rules": [{"name": "a", "action": "discount"}, {"name": "b", "action": "discount"},
                          {"name": "c", "action": "discount",
                           "when": {"all": [{"signal": "revenue", "op": ">", "value": 1, "foo": 2}]}}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            err,
            Error::UnknownField {
                what: "retention",
                field: "rules[2].when.all[0].foo".into()
            }
        );
        let err = trigger_config_from_json(
            r#"{"rules": [{"name": "a", "action": "discount", "cooldown_days": "3"}]}"#,
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Json);
        assert!(err.to_string().contains("rules[0].cooldown_days"), "{err}");
        let err = trigger_config_from_json("{}").unwrap_err();
        assert!(err.to_string().contains("missing field `rules`"), "{err}");
    }

    #[test]
    fn firings_name_the_customer_and_the_evidence() {
        let firing = Firing {
            rule: "discontent".into(),
            action: crate::retention::Action::PersonalOutreach,
            priority: 90,
            at: t("2026-04-03T12:00:00Z"),
            evidence: vec![
                SignalEvidence {
                    signal: Signal::ComplaintsInWindow,
                    op: ">=",
                    threshold: 2.0,
                    actual: Some(2.0),
                    currency: None,
                },
                SignalEvidence {
                    signal: Signal::SatisfactionDrop,
                    op: ">=",
                    threshold: 20.0,
                    actual: None,
                    currency: None,
                },
            ],
            churn_risk: Some(0.375),
        };
        assert_eq!(
            firings_to_json([("c1", &firing)]),
            r#"{"firings":[{"customer":"c1","rule":"discontent","action":"personal_outreach","priority":90,"at":"2026-04-03T12:00:00Z","churn_risk":0.375,"evidence":[{"signal":"complaints_in_window","op":">=","threshold":2.0,"actual":2.0},{"signal":"satisfaction_drop","op":">=","threshold":20.0,"actual":null}]}]}"#
        );
        assert_eq!(firings_to_json([]), r#"{"firings":[]}"#);
    }

    #[test]
    fn signals_keep_their_order_and_units() {
        let mut signals = Signals::empty();
        signals.set(Signal::Revenue, Some(150000.0));
        signals.set(Signal::RecencyRatio, Some(2.5));
        let text = signals_to_json("c1", &signals);
        assert!(
            text.starts_with(
                r#"{"customer":"c1","signals":{"recency_ratio":2.5,"revenue":150000.0},"units":{"recency_ratio":"intervals","days_since_last_purchase":"days","#
            ),
            "{text}"
        );
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["units"].as_object().unwrap().len(), Signal::ALL.len());
    }

    #[test]
    fn churn_win_back_and_stats_shapes() {
        let risk = crate::retention::ChurnScore::default().assess(&Signals::empty());
        let text = churn_to_json("c1", &risk);
        assert!(
            text.starts_with(
                r#"{"customer":"c1","score":null,"parts":[{"signal":"recency_ratio","value":null,"risk":null,"weight":3.0,"contribution":0.0},"#
            ),
            "{text}"
        );
        let candidate = WinBackCandidate {
            customer: "c7".into(),
            exit_reason: "price".into(),
            lapsed_at: t("2026-04-01T10:00:00Z"),
            last_signals: vec![
                (Signal::ComplaintsInWindow, 1.0),
                (Signal::OpenTickets, 0.0),
            ],
            annual_value: 1000.0,
            currency: Some(crate::model::money::Currency::parse("ARS", "c").unwrap()),
            win_back_probability: 0.25,
            expected_value: 250.0,
        };
        assert_eq!(
            win_back_candidates_to_json(&[candidate]),
            r#"{"candidates":[{"customer":"c7","exit_reason":"price","lapsed_at":"2026-04-01T10:00:00Z","last_signals":{"complaints_in_window":1.0,"open_tickets":0.0},"annual_value":1000.0,"currency":"ARS","win_back_probability":0.25,"expected_value":250.0}]}"#
        );
        let mut stats = WinBackStats::default();
        assert_eq!(
            win_back_stats_to_json(&stats),
            r#"{"by_reason":{},"attempts":0,"won":0,"rate":null}"#
        );
        stats.record("price", true);
        stats.record("price", false);
        stats.record("inactive", false);
        assert_eq!(
            win_back_stats_to_json(&stats),
            r#"{"by_reason":{"inactive":{"attempts":1,"won":0,"rate":0.0},"price":{"attempts":2,"won":1,"rate":0.5}},"attempts":3,"won":1,"rate":0.3333333333333333}"#
        );
    }

    #[test]
    fn engine_fit_options_have_defaults_and_named_errors() {
        let weeks = engine_fit_options_from_json("").unwrap();
        assert_eq!(weeks, ModelFitOptions::default());
        assert_eq!(
            (weeks.unit_days, weeks.penalizer, weeks.clv),
            (7.0, 0.0, ClvOptions::new(0.01, ClvOptions::WEEKS))
        );
        assert_eq!(engine_fit_options_from_json("{}").unwrap(), weeks);
        let days = engine_fit_options_from_json(r#"{"unit_days": 1}"#).unwrap();
        assert_eq!(days.clv.periods_per_month, 30.0);
        let months = engine_fit_options_from_json(
            r#"{"unit_days": 30, "penalizer": 0.5, "clv": {"months": 24}}"#,
        )
        .unwrap();
        assert_eq!(
            (
                months.penalizer,
                months.clv.months,
                months.clv.periods_per_month
            ),
            (0.5, 24, 1.0)
        );
        for (text, field) in [
            (r#"{"unit_days": 0}"#, "options.unit_days"),
            (r#"{"unit_days": -7}"#, "options.unit_days"),
            (r#"{"penalizer": -1}"#, "options.penalizer"),
            (r#"{"clv": {"months": 1201}}"#, "options.clv.months"),
            (
                r#"{"clv": {"monthly_discount": -2}}"#,
                "options.clv.monthly_discount",
            ),
            (
                r#"{"clv": {"periods_per_month": 0}}"#,
                "options.clv.periods_per_month",
            ),
        ] {
            let err = engine_fit_options_from_json(text).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with(&format!("invalid argument {field}:")),
                "{text}: {err}"
            );
        }
        assert_eq!(
            engine_fit_options_from_json(r#"{"clv": {"month": 3}}"#).unwrap_err(),
            Error::UnknownField {
                what: "options",
                field: "clv.month".into()
            }
        );
    }

    #[test]
    fn engine_fits_carry_their_options() {
        let bgnbd = BgNbdFit {
            model: BgNbd {
                r: 0.25,
                alpha: 4.5,
                a: 0.75,
                b: 2.5,
            },
            log_likelihood: -100.5,
            customers: 40,
            iterations: 9,
        };
        let spend = GammaGammaFit {
            model: GammaGamma {
                p: 6.25,
                q: 3.75,
                v: 15.5,
            },
            log_likelihood: -50.25,
            customers: 30,
            skipped: 10,
            iterations: 7,
        };
        let text = engine_fits_to_json(&bgnbd, &spend, &ModelFitOptions::default());
        assert_eq!(
            text,
            r#"{"bgnbd":{"r":0.25,"alpha":4.5,"a":0.75,"b":2.5,"log_likelihood":-100.5,"customers":40},"gamma_gamma":{"p":6.25,"q":3.75,"v":15.5,"log_likelihood":-50.25,"customers":30,"skipped":10},"unit_days":7.0,"penalizer":0.0,"clv":{"months":12,"monthly_discount":0.01,"periods_per_month":4.345}}"#
        );
    }
}
