//! Retention, JSON in and out: the customer-base models without an engine
//! (fitting BG/NBD and Gamma-Gamma on a population, predicting each
//! customer's P(alive), expected purchases and lifetime value), and the
//! retention triggers of an engine (configuration, evaluation with firing
//! logs, signals, churn risk, models fitted on the engine's customers,
//! win-back candidates and outcomes).

use std::ffi::c_char;

use super::boundary::{into_c_string, optional_str, required_out, required_str, run, Failure};
use super::engine::{ciclo_engine, handle};
use super::status::ciclo_status;
use crate::error::{Error, Result};
use crate::json::retention as rjson;
use crate::model::time::Timestamp;
use crate::retention::{self, BgNbd, CustomerSummary, GammaGamma, Prediction};

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
/// population finite (0.001 is usually enough). It weighs the parameters of
/// the models fitted on times and amounts in units of their means, so the
/// fit does not depend on the unit of time or money (`lifetimes` weighs them
/// as given).
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
/// JSON Schemas in `include/schema/`: `options_json`: `fit_options.schema.json`;
/// `population_json`: `population.schema.json`; `*out_json`: `models.schema.json`.
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
/// JSON Schemas in `include/schema/`: `models_json`: `models.schema.json`;
/// `options_json`: `predict_options.schema.json`; `population_json`:
/// `population.schema.json`; `*out_json`: `predictions.schema.json`.
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

/// One customer's predictions, errors named as the options name them
/// (`options.horizons[1]`, `options.clv.months`).
fn predict(
    bgnbd: &BgNbd,
    spend: &GammaGamma,
    c: &CustomerSummary,
    options: &rjson::PredictOptions,
) -> Result<Prediction> {
    retention::predict(bgnbd, spend, c, &options.horizons, &options.clv).map_err(|e| match e {
        Error::InvalidArgument { field, message } if field != "models" => {
            Error::invalid(format!("options.{field}"), message)
        }
        other => other,
    })
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

/// Sets the engine's retention configuration: the trigger rules, the churn
/// score, the contact cap and the win-back settings. Firing logs (cooldowns),
/// fitted models and win-back outcomes are kept.
///
/// `config_json` is NULL or `""` for the defaults (what an engine starts
/// with: eight rules, among them `discontent`, `churn_risk_high`,
/// `slipping_away` and `win_back`), or an object with `rules` (required) and
/// any of `churn`, `contract_term_days`, `contact_cap`, `max_per_evaluation`
/// and `win_back` (their defaults when absent):
/// `{"rules": [{"name": "vip_at_risk", "stages": ["growth", "retention"],
/// "action": "call_from_manager", "priority": 95, "cooldown_days": 14,
/// "cap": {"count": 2, "period_days": 90}, "when": {"all": [{"signal":
/// "revenue", "op": ">=", "value": 500000}, {"signal": "churn_risk", "op":
/// ">=", "value": 0.4}]}}], "contract_term_days": 365}`. Conditions are `{"all":
/// [...]}`, `{"any": [...]}`, `{"not": {...}}`, `{"signal", "op",
/// "value"}`, or a test of a host attribute the engine's model declares, as
/// in stage rules and segments: `{"attribute": "credit_situation", "in":
/// ["3", "4", "5", "6"]}` or `{"attribute": "employees", "op": ">=",
/// "value": 250}` (text and category attributes with `==`, `!=` or `in`,
/// numbers with any operator, dates with a `"YYYY-MM-DD"` string; false for
/// a customer without the attribute; attribute tests decide a firing but its
/// `evidence` lists only signal comparisons); actions are `loyalty_program`, `exclusive_benefit`,
/// `discount`, `personal_outreach`, `win_back_offer` or a custom name
/// (lowercase letters, digits, `_`, `-`, `.`). To add a rule to the
/// defaults, read them with `ciclo_engine_retention_json` and append it.
///
/// Errors, naming the field: `CICLO_STATUS_INVALID_CONFIG`
/// (`rules[0].when.signal` for an unknown signal,
/// `rules[0].when.all[1].attribute` for an attribute the model does not
/// declare, `rules[0].when.in[2]` for a value outside a category,
/// `rules[0].when.op` for an operator that does not fit the attribute's
/// type, `rules[1].cooldown_days` for a negative one, `rules[2].action`,
/// `rules[0].name` for an empty or repeated name, `contact_cap.count`, ...), `CICLO_STATUS_UNKNOWN_STAGE`
/// (`rules[0].stages[1]`), `CICLO_STATUS_INVALID_JSON` (malformed, missing
/// `rules`, a mistyped value with its path), `CICLO_STATUS_UNKNOWN_FIELD`
/// (`rules[2].when.all[0].foo`), `CICLO_STATUS_NULL_ARGUMENT` (`engine`),
/// `CICLO_STATUS_INVALID_UTF8`. Nothing changes on an error. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `config_json`: `retention_config.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `config_json` NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_set_retention_json(
    engine: *const ciclo_engine,
    config_json: *const c_char,
) -> ciclo_status {
    run("ciclo_engine_set_retention_json", || {
        let h = handle(engine)?;
        let config = rjson::trigger_config_from_json(
            optional_str(config_json, "config_json")?.unwrap_or(""),
        )?;
        h.engine.set_retention(config)?;
        Ok(())
    })
}

/// The retention configuration in force, as (pretty) JSON in the shape
/// `ciclo_engine_set_retention_json` reads: setting it again changes
/// nothing. `churn` is absent while the default churn score is in force.
/// `*out_json` is released with `ciclo_string_free`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `retention_config.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_retention_json(
    engine: *const ciclo_engine,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_retention_json", || {
        let h = handle(engine)?;
        required_out(out_json, "out_json")?;
        *out_json = into_c_string(rjson::trigger_config_to_json(&h.engine.retention_config()));
        Ok(())
    })
}

/// Evaluates the retention triggers at `now_ms` (milliseconds since the Unix
/// epoch, UTC) for the customer `customer_id`, or for every customer when it
/// is NULL, and records what fires in each customer's firing log: a rule
/// stays silent for a customer during its cooldown and beyond its cap, and
/// no customer is contacted more than the contact cap allows. Call it after
/// applying a customer's events, or on a schedule for everyone.
///
/// `*out_json` receives `{"firings": [{"customer": "c1", "rule":
/// "discontent", "action": "personal_outreach", "priority": 90, "at":
/// "2026-04-03T12:00:00Z", "churn_risk": 0.36, "evidence": [{"signal":
/// "complaints_in_window", "op": ">=", "threshold": 2.0, "actual": 2.0}]}]}`:
/// the rules that fired, each customer's highest priority first, customers
/// sorted by id; `evidence` lists the comparisons that made the rule hold
/// with the customer's values; `at` is `now_ms`, or the customer's latest
/// event when that is later; `churn_risk` is null when no signal it weighs
/// has a value. Release it with `ciclo_string_free`.
///
/// Errors: `CICLO_STATUS_NOT_FOUND` for an unknown customer,
/// `CICLO_STATUS_INVALID_TIMESTAMP` (`now_ms` outside years 0001-9999),
/// `CICLO_STATUS_NULL_ARGUMENT` (`engine`, `out_json`),
/// `CICLO_STATUS_INVALID_UTF8`. Nothing changes on an error (no firing is
/// recorded). Thread-safe; evaluating everyone visits the customers shard by
/// shard.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `firings.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `customer_id` NULL or a NUL-terminated string;
/// `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_evaluate_json(
    engine: *const ciclo_engine,
    customer_id: *const c_char,
    now_ms: i64,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_evaluate_json", || {
        let h = handle(engine)?;
        let customer = optional_str(customer_id, "customer_id")?;
        let now = Timestamp::from_millis(now_ms, "now_ms")?;
        required_out(out_json, "out_json")?;
        let text = match customer {
            Some(id) => {
                let (id, firings) = h.engine.evaluate_named(id, now)?;
                rjson::firings_to_json(firings.iter().map(|f| (id.as_str(), f)))
            }
            None => {
                let firings = h.engine.evaluate_all(now);
                rjson::firings_to_json(firings.iter().map(|(id, f)| (id.as_str(), f)))
            }
        };
        *out_json = into_c_string(text);
        Ok(())
    })
}

/// A customer's retention signals at `now_ms` (milliseconds since the Unix
/// epoch, UTC), the churn risk included, as JSON: `{"customer": "c1",
/// "signals": {"days_since_last_purchase": 40.0, "complaints_in_window":
/// 2.0, ...}, "units": {"recency_ratio": "intervals", ...}}`. `signals`
/// holds the signals with a value (`recency_ratio` needs two purchases,
/// `p_alive` and `expected_value` fitted models, `days_to_renewal` a
/// contract term); `units` every signal's unit. Nothing is recorded.
/// Release `*out_json` with `ciclo_string_free`.
///
/// Errors: `CICLO_STATUS_NOT_FOUND`, `CICLO_STATUS_INVALID_TIMESTAMP`,
/// `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `signals.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `customer_id` a NUL-terminated string;
/// `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_signals_json(
    engine: *const ciclo_engine,
    customer_id: *const c_char,
    now_ms: i64,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_signals_json", || {
        let h = handle(engine)?;
        let id = required_str(customer_id, "customer_id")?;
        let now = Timestamp::from_millis(now_ms, "now_ms")?;
        required_out(out_json, "out_json")?;
        let (id, signals) = h.engine.signals_named(id, now)?;
        *out_json = into_c_string(rjson::signals_to_json(&id, &signals));
        Ok(())
    })
}

/// A customer's churn risk at `now_ms` (milliseconds since the Unix epoch,
/// UTC), explained, as JSON: `{"customer": "c1", "score": 0.36, "parts":
/// [{"signal": "recency_ratio", "value": 2.5, "risk": 0.75, "weight": 3.0,
/// "contribution": 0.18}, ...]}`: every component of the churn score in
/// order, with the signal's value, the risk it maps to (0 to 1), its weight
/// and what it added to the score (the contributions sum to `score`); a
/// component whose signal has no value has `value` and `risk` null and adds
/// nothing, and `score` is null when none has a value. Release `*out_json`
/// with `ciclo_string_free`.
///
/// Errors: `CICLO_STATUS_NOT_FOUND`, `CICLO_STATUS_INVALID_TIMESTAMP`,
/// `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `churn.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `customer_id` a NUL-terminated string;
/// `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_churn_json(
    engine: *const ciclo_engine,
    customer_id: *const c_char,
    now_ms: i64,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_churn_json", || {
        let h = handle(engine)?;
        let id = required_str(customer_id, "customer_id")?;
        let now = Timestamp::from_millis(now_ms, "now_ms")?;
        required_out(out_json, "out_json")?;
        let (id, risk) = h.engine.churn_named(id, now)?;
        *out_json = into_c_string(rjson::churn_to_json(&id, &risk));
        Ok(())
    })
}

/// Fits the customer-base models (BG/NBD and Gamma-Gamma, as
/// `ciclo_models_fit_json`) on the engine's customers who bought, summarised
/// at `now_ms` (milliseconds since the Unix epoch, UTC), and keeps them for
/// the `p_alive` and `expected_value` signals (and the churn score, which
/// weighs `p_alive`). BG/NBD counts purchases and is fitted on every
/// customer who bought; the spend model, in minor units, on the customers
/// paying in `currency` (amounts of different currencies cannot be
/// averaged), who alone then get an `expected_value`. A customer paying in
/// several currencies counts every purchase in BG/NBD, their spend in
/// `currency` in the spend model, and gets the value of their purchases in
/// it.
///
/// `options_json` is NULL, `""` or `{"unit_days": 7, "penalizer": 0,
/// "currency": "ARS", "clv": {"months": 12, "monthly_discount": 0.01,
/// "periods_per_month": 4.345}}`, every key optional with those defaults:
/// the models' time unit in days, the fits' L2 penalty, the currency
/// (needed when customers pay in several), and how `expected_value`
/// discounts and over how long (`periods_per_month` defaults to 4.345 for
/// weeks, otherwise `30 / unit_days`).
///
/// `*out_json` receives the fits as `ciclo_models_fit_json` writes them
/// plus the options in force: `{"bgnbd": {...}, "gamma_gamma": {...},
/// "unit_days": 7.0, "penalizer": 0.0, "clv": {...}, "currency": "ARS"}`.
/// Release it with `ciclo_string_free`.
///
/// Errors: `CICLO_STATUS_INVALID_ARGUMENT` naming `options.unit_days`,
/// `options.penalizer`, `options.currency` or `options.clv.*` for a bad
/// option, `currency` when none is named and the customers pay in several,
/// or `customers`
/// when there is nothing to fit (no customer bought, none bought twice, a
/// fit that does not converge: try a penalizer); `CICLO_STATUS_INVALID_JSON`,
/// `CICLO_STATUS_UNKNOWN_FIELD`, `CICLO_STATUS_INVALID_TIMESTAMP`,
/// `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`. On an error
/// the models in force stay. Thread-safe; the fit takes milliseconds to a
/// second for many thousands of customers.
///
/// JSON Schemas in `include/schema/`: `options_json`: `engine_fit_options.schema.json`;
/// `*out_json`: `engine_fits.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `options_json` NULL or a NUL-terminated
/// string; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_fit_models_json(
    engine: *const ciclo_engine,
    now_ms: i64,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_fit_models_json", || {
        let h = handle(engine)?;
        let now = Timestamp::from_millis(now_ms, "now_ms")?;
        let options = rjson::engine_fit_options_from_json(
            optional_str(options_json, "options_json")?.unwrap_or(""),
        )?;
        required_out(out_json, "out_json")?;
        let (bgnbd, spend) = h.engine.fit_models(now, &options)?;
        *out_json = into_c_string(rjson::engine_fits_to_json(&bgnbd, &spend, &options));
        Ok(())
    })
}

/// The lapsed customers worth winning back at `now_ms` (milliseconds since
/// the Unix epoch, UTC): customers who bought and then cancelled, and
/// customers with two purchases or more who have gone 4 of their usual
/// intervals without buying (`win_back.lapse_recency_ratio`); at most
/// `limit` (`SIZE_MAX` for all), the most valuable first.
///
/// `*out_json` receives `{"candidates": [{"customer": "c7", "exit_reason":
/// "price", "lapsed_at": "2026-04-01T10:00:00Z", "last_signals":
/// {"complaints_in_window": 1.0, ...}, "annual_value": 1250000.0,
/// "currency": "ARS", "win_back_probability": 0.1, "expected_value":
/// 125000.0}]}`: why they left (the cancellation's reason, `cancelled`
/// without one, `inactive` for who stopped buying), when, the signals of
/// discontent at their last event, what they brought in a year (minor units
/// of `currency`: the retention configuration's `currency`, else the stage
/// model's, else the customer's first), the chance of winning them
/// back (measured by exit reason through `ciclo_engine_record_win_back`,
/// blended with the assumed `win_back.prior_rate`), and the product of the
/// two, by which they are ranked. Release it with `ciclo_string_free`.
///
/// Errors: `CICLO_STATUS_INVALID_TIMESTAMP`, `CICLO_STATUS_NULL_ARGUMENT`.
/// Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `win_back_candidates.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_win_back_json(
    engine: *const ciclo_engine,
    now_ms: i64,
    limit: usize,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_win_back_json", || {
        let h = handle(engine)?;
        let now = Timestamp::from_millis(now_ms, "now_ms")?;
        required_out(out_json, "out_json")?;
        let candidates = h.engine.win_back_candidates(now, limit);
        *out_json = into_c_string(rjson::win_back_candidates_to_json(&candidates));
        Ok(())
    })
}

/// Records the outcome of a win-back attempt on a customer at `now_ms`
/// (milliseconds since the Unix epoch, UTC): `won` is 1 if they came back,
/// 0 if not. The attempt counts under the customer's exit reason as
/// `ciclo_engine_win_back_json` gives it at `now_ms` (record it before
/// applying the purchase that brings them back), or `inactive` for a
/// customer who does not look lapsed; the measured rates then rank the
/// candidates.
///
/// Errors: `CICLO_STATUS_NOT_FOUND`, `CICLO_STATUS_INVALID_ARGUMENT` (`won`
/// neither 0 nor 1), `CICLO_STATUS_INVALID_TIMESTAMP`,
/// `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`. Nothing
/// changes on an error. Thread-safe.
///
/// # Safety
/// `engine` is a live engine; `customer_id` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_record_win_back(
    engine: *const ciclo_engine,
    customer_id: *const c_char,
    now_ms: i64,
    won: i32,
) -> ciclo_status {
    run("ciclo_engine_record_win_back", || {
        let h = handle(engine)?;
        let id = required_str(customer_id, "customer_id")?;
        let now = Timestamp::from_millis(now_ms, "now_ms")?;
        let won = match won {
            0 => false,
            1 => true,
            other => {
                return Err(Failure::Core(Error::invalid(
                    "won",
                    format!("{other} is neither 0 (not won back) nor 1 (won back)"),
                )))
            }
        };
        h.engine.record_win_back(id, now, won)?;
        Ok(())
    })
}

/// The win-back outcomes recorded, as JSON: `{"by_reason": {"price":
/// {"attempts": 2, "won": 1, "rate": 0.5}, ...}, "attempts": 2, "won": 1,
/// "rate": 0.5}`, per exit reason (sorted by name) and over all of them;
/// the overall `rate` is null before any attempt. Release `*out_json` with
/// `ciclo_string_free`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `win_back_stats.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_win_back_stats_json(
    engine: *const ciclo_engine,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_win_back_stats_json", || {
        let h = handle(engine)?;
        required_out(out_json, "out_json")?;
        *out_json = into_c_string(rjson::win_back_stats_to_json(&h.engine.win_back_stats()));
        Ok(())
    })
}
