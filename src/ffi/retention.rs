//! The customer-base models, JSON in and out, without an engine: fitting
//! BG/NBD and Gamma-Gamma on a population, and predicting each customer's
//! P(alive), expected purchases and lifetime value.

use std::ffi::c_char;

use super::boundary::{into_c_string, optional_str, required_out, required_str, run};
use super::status::ciclo_status;
use crate::error::{Error, Result};
use crate::json::retention as rjson;
use crate::retention::{lifetime_value, BgNbd, CustomerSummary, GammaGamma};

/// Fits the customer-base models to a population, by maximum likelihood: the
/// BG/NBD model (purchases and dropout) on every customer and the Gamma-Gamma
/// model (spend per purchase) on the customers with a repeat purchase and a
/// positive `monetary_value` (the others are counted in `skipped`).
///
/// `population_json` is `{"customers": [{"id": "c1", "frequency": 2,
/// "recency": 30.43, "T": 38.86, "monetary_value": 22.35}, ...]}` in the
/// `lifetimes` summary format: repeat purchases (after the first), time from
/// the first purchase to the last, time from the first purchase to the end of
/// the observation, and the average value of the repeat purchases, all times
/// in one unit of the caller's choice (days, weeks); `id` is optional.
/// `options_json` is NULL, `""` or `{"penalizer": 0.0}`: an L2 penalty on the
/// parameters (as `lifetimes`' `penalizer_coef`) that keeps a fit on a small
/// population finite.
///
/// `*out_json` receives the parameters: `{"bgnbd": {"r", "alpha", "a", "b",
/// "log_likelihood", "customers"}, "gamma_gamma": {"p", "q", "v",
/// "log_likelihood", "customers", "skipped"}}`, which
/// `ciclo_models_predict_json` reads. Release it with `ciclo_string_free`.
/// Deterministic; a few milliseconds for thousands of customers.
///
/// Errors: `CICLO_STATUS_INVALID_ARGUMENT` naming the field:
/// `customers[2].recency` for a bad summary (a negative number, a recency after
/// `T`, a fractional frequency, a recency without repeat purchases),
/// `customers` for an empty population, one without a repeat purchase or
/// without spend to fit on, a fit that does not converge (try a penalizer) or
/// a Gamma-Gamma `q` not above 1, `options.penalizer` when negative;
/// `CICLO_STATUS_INVALID_JSON` and `CICLO_STATUS_UNKNOWN_FIELD` naming the
/// path (`customers[3].foo`), `CICLO_STATUS_NULL_ARGUMENT`,
/// `CICLO_STATUS_INVALID_UTF8`. Thread-safe.
///
/// # Safety
/// `population_json` is a NUL-terminated string, `options_json` NULL or one;
/// `out_json` is valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_models_fit_json(
    population_json: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_models_fit_json", || {
        required_out(out_json, "out_json")?;
        let population =
            rjson::population_from_json(required_str(population_json, "population_json")?)?;
        let penalizer = rjson::fit_options_from_json(
            optional_str(options_json, "options_json")?.unwrap_or(""),
        )?;
        let bgnbd = BgNbd::fit_penalized(&population.customers, penalizer)?;
        let spend = GammaGamma::fit_penalized(&population.customers, penalizer)?;
        *out_json = into_c_string(rjson::fits_to_json(&bgnbd, &spend));
        Ok(())
    })
}

/// Predicts each customer's future from the fitted models: the probability
/// of being alive, the purchases to expect over each horizon, the spend per
/// purchase to expect and the discounted lifetime value.
///
/// `models_json` is the output of `ciclo_models_fit_json`, or parameters
/// written by hand: `{"bgnbd": {"r", "alpha", "a", "b"}, "gamma_gamma": {"p",
/// "q", "v"}}` (`log_likelihood`, `customers` and `skipped` are optional and
/// ignored). `population_json` is a population as `ciclo_models_fit_json`
/// reads it, in the time unit the models were fitted in (an empty one gives
/// no predictions). `options_json` is NULL, `""` or `{"horizons": [30, 90],
/// "clv": {"months": 12, "monthly_discount": 0.01, "periods_per_month":
/// 4.345}}`, every key optional with those defaults: horizons in the
/// summaries' time unit, and the value of the next `months` months
/// discounted by `monthly_discount` a month, with `periods_per_month` time
/// units in a month (4.345 for weeks, 30 for days, 1 for months).
///
/// `*out_json` receives `{"customers": [{"id": "c1", "p_alive": 0.73,
/// "expected_purchases": [0.98, 2.40], "expected_average_value": 24.65,
/// "clv": 36.28}, ...]}`, one entry per customer in input order
/// (`expected_purchases` has one number per horizon; `id` is null for a
/// customer without one). Release it with `ciclo_string_free`.
/// Deterministic.
///
/// Errors: `CICLO_STATUS_INVALID_ARGUMENT` naming the field: `bgnbd.a`,
/// `gamma_gamma.q` for a parameter that is not positive or a `q` not above 1,
/// `customers[2].recency` for a bad summary (as in `ciclo_models_fit_json`),
/// `options.horizons[1]`, `options.clv.monthly_discount` or
/// `options.clv.periods_per_month` for a bad option (and a horizon, or
/// `options.clv.months`, too far for the model's series, with the customer
/// in the message), `models` for parameters at a numerical edge where a
/// prediction is not a finite number (a BG/NBD `a` of exactly 1);
/// `CICLO_STATUS_INVALID_JSON` and `CICLO_STATUS_UNKNOWN_FIELD` naming the
/// path, `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`.
/// Thread-safe.
///
/// # Safety
/// `models_json` and `population_json` are NUL-terminated strings,
/// `options_json` NULL or one; `out_json` is valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_models_predict_json(
    models_json: *const c_char,
    population_json: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_models_predict_json", || {
        required_out(out_json, "out_json")?;
        let (bgnbd, spend) = rjson::models_from_json(required_str(models_json, "models_json")?)?;
        let population =
            rjson::population_from_json(required_str(population_json, "population_json")?)?;
        let options = rjson::predict_options_from_json(
            optional_str(options_json, "options_json")?.unwrap_or(""),
        )?;
        let predictions = population
            .customers
            .iter()
            .enumerate()
            .map(|(i, c)| predict(&bgnbd, &spend, c, &options).map_err(|e| at_customer(e, i)))
            .collect::<Result<Vec<_>>>()?;
        *out_json = into_c_string(rjson::predictions_to_json(&population.ids, &predictions));
        Ok(())
    })
}

/// One customer's predictions.
fn predict(
    bgnbd: &BgNbd,
    spend: &GammaGamma,
    c: &CustomerSummary,
    options: &rjson::PredictOptions,
) -> Result<rjson::Prediction> {
    let expected_purchases = options
        .horizons
        .iter()
        .enumerate()
        .map(|(j, &h)| {
            bgnbd.expected_purchases(c, h).map_err(|e| match e {
                Error::InvalidArgument { field, message } if field == "horizon" => {
                    Error::invalid(format!("options.horizons[{j}]"), message)
                }
                other => other,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let prediction = rjson::Prediction {
        p_alive: bgnbd.p_alive(c)?,
        expected_purchases,
        expected_average_value: spend.expected_average_value(c)?,
        clv: lifetime_value(bgnbd, spend, c, &options.clv).map_err(|e| match e {
            Error::InvalidArgument { field, message } if field == "horizon" => {
                Error::invalid("options.clv.months", message)
            }
            other => other,
        })?,
    };
    // JSON has no infinity or NaN (serde_json would write null): refuse
    // rather than hand the host a null it did not expect.
    let mut values = std::iter::once(("p_alive", prediction.p_alive))
        .chain(
            prediction
                .expected_purchases
                .iter()
                .map(|&e| ("expected_purchases", e)),
        )
        .chain([
            ("expected_average_value", prediction.expected_average_value),
            ("clv", prediction.clv),
        ]);
    if let Some((name, value)) = values.find(|(_, v)| !v.is_finite()) {
        return Err(Error::invalid(
            "models",
            format!(
                "the predicted {name} is {value}: these parameters are at a numerical edge of \
                 the model (a BG/NBD `a` of exactly 1?)"
            ),
        ));
    }
    Ok(prediction)
}

/// An error predicting customer `i`, which the checks before could not see
/// (a horizon too far for the series), says which customer it was.
fn at_customer(e: Error, i: usize) -> Error {
    match e {
        Error::InvalidArgument { field, message } => {
            Error::invalid(field, format!("{message} (customers[{i}])"))
        }
        other => other,
    }
}
