//! JSON shapes of the customer-base models: a population of customer
//! summaries, the fitted parameters, and the predictions.
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

use serde::{Deserialize, Serialize};

use super::read;
use crate::error::{Error, Result};
use crate::retention::{BgNbd, BgNbdFit, ClvOptions, CustomerSummary, GammaGamma, GammaGammaFit};

/// A population read from JSON: each customer's summary and optional id, in
/// input order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Population {
    /// The customers' ids, `None` where the input gave none.
    pub ids: Vec<Option<String>>,
    /// The customers' summaries, each checked.
    pub customers: Vec<CustomerSummary>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "an object with `customers`")]
struct PopulationJson {
    customers: Vec<CustomerJson>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a customer, an object with `frequency`, `recency`, `T` and `monetary_value`"
)]
struct CustomerJson {
    #[serde(default)]
    id: Option<String>,
    frequency: f64,
    recency: f64,
    #[serde(rename = "T")]
    t: f64,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "an object with `penalizer`")]
struct FitOptionsJson {
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

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BgNbdJson {
    r: f64,
    alpha: f64,
    a: f64,
    b: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    log_likelihood: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customers: Option<usize>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct GammaGammaJson {
    p: f64,
    q: f64,
    v: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    log_likelihood: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    customers: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    skipped: Option<usize>,
}

#[derive(Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an object with `bgnbd` and `gamma_gamma`"
)]
struct ModelsJson {
    bgnbd: BgNbdJson,
    gamma_gamma: GammaGammaJson,
}

/// The two fitted models, as JSON: `{"bgnbd": {"r", "alpha", "a", "b",
/// "log_likelihood", "customers"}, "gamma_gamma": {"p", "q", "v",
/// "log_likelihood", "customers", "skipped"}}` (the shape of the `clv`
/// example's output; [`models_from_json`] reads it back).
pub fn fits_to_json(bgnbd: &BgNbdFit, gamma_gamma: &GammaGammaFit) -> String {
    let json = ModelsJson {
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
    };
    serde_json::to_string(&json).expect("fits always serialise")
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "an object with `horizons` and `clv`")]
struct PredictOptionsJson {
    #[serde(default)]
    horizons: Option<Vec<f64>>,
    #[serde(default)]
    clv: Option<ClvOptionsJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClvOptionsJson {
    #[serde(default)]
    months: Option<u32>,
    #[serde(default)]
    monthly_discount: Option<f64>,
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
/// `options.clv.monthly_discount` when not above -1,
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
        if let Some(months) = clv.months {
            options.clv.months = months;
        }
        if let Some(d) = clv.monthly_discount {
            if !(d.is_finite() && d > -1.0) {
                return Err(Error::invalid(
                    "options.clv.monthly_discount",
                    format!("{d} is not a rate above -1"),
                ));
            }
            options.clv.monthly_discount = d;
        }
        if let Some(p) = clv.periods_per_month {
            if !(p.is_finite() && p > 0.0) {
                return Err(Error::invalid(
                    "options.clv.periods_per_month",
                    format!("{p} is not a positive finite number"),
                ));
            }
            options.clv.periods_per_month = p;
        }
    }
    Ok(options)
}

/// One customer's predictions.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// [`BgNbd::p_alive`].
    pub p_alive: f64,
    /// [`BgNbd::expected_purchases`] over each of the options' horizons.
    pub expected_purchases: Vec<f64>,
    /// [`GammaGamma::expected_average_value`].
    pub expected_average_value: f64,
    /// [`lifetime_value`](crate::retention::lifetime_value).
    pub clv: f64,
}

/// The predictions, as JSON: `{"customers": [{"id", "p_alive",
/// "expected_purchases": [one per horizon], "expected_average_value",
/// "clv"}]}`, in the order given; `id` is `null` where `ids` has `None`.
pub fn predictions_to_json(ids: &[Option<String>], predictions: &[Prediction]) -> String {
    #[derive(Serialize)]
    struct Row<'a> {
        id: Option<&'a str>,
        p_alive: f64,
        expected_purchases: &'a [f64],
        expected_average_value: f64,
        clv: f64,
    }
    #[derive(Serialize)]
    struct Out<'a> {
        customers: Vec<Row<'a>>,
    }
    let out = Out {
        customers: ids
            .iter()
            .zip(predictions)
            .map(|(id, p)| Row {
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
}
