//! The customer-base models through the C ABI, as a host calls them: fitted
//! on CDNOW (`tests/data/cdnow_summary.csv` turned into the population JSON)
//! against the `lifetimes` reference (`tests/data/lifetimes_reference.json`),
//! predictions for the reference's customers, and every bad input refused with
//! its status and a message naming the field, the out pointer left untouched.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use ciclo::ffi::memory::*;
use ciclo::ffi::retention::*;
use ciclo::ffi::status::*;
use ciclo::ffi::version::*;
use serde_json::{json, Value};

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn take(s: *mut c_char) -> String {
    assert!(!s.is_null());
    let text = unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned();
    unsafe { ciclo_string_free(s) };
    text
}

fn last_error() -> String {
    unsafe { CStr::from_ptr(ciclo_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

fn ptr_of(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |s| s.as_ptr())
}

/// `ciclo_models_fit_json`, its output parsed, or the status and message.
fn fit(population: &str, options: Option<&str>) -> Result<Value, (ciclo_status, String)> {
    let (population, options) = (c(population), options.map(c));
    let mut out = ptr::null_mut();
    let status = unsafe { ciclo_models_fit_json(population.as_ptr(), ptr_of(&options), &mut out) };
    if status == CICLO_STATUS_OK {
        Ok(serde_json::from_str(&take(out)).expect("the fit is JSON"))
    } else {
        assert!(out.is_null(), "out written on error");
        Err((status, last_error()))
    }
}

/// `ciclo_models_predict_json`, its output parsed, or the status and message.
fn predict(
    models: &str,
    population: &str,
    options: Option<&str>,
) -> Result<Value, (ciclo_status, String)> {
    let (models, population, options) = (c(models), c(population), options.map(c));
    let mut out = ptr::null_mut();
    let status = unsafe {
        ciclo_models_predict_json(
            models.as_ptr(),
            population.as_ptr(),
            ptr_of(&options),
            &mut out,
        )
    };
    if status == CICLO_STATUS_OK {
        Ok(serde_json::from_str(&take(out)).expect("the predictions are JSON"))
    } else {
        assert!(out.is_null(), "out written on error");
        Err((status, last_error()))
    }
}

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// CDNOW's summary CSV as the population JSON a host would send, the numbers
/// copied as written.
fn cdnow_population() -> String {
    let csv = data("cdnow_summary.csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("customer_id,frequency,recency,T,monetary_value")
    );
    let customers: Vec<String> = lines
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 5, "{line}");
            format!(
                r#"{{"id": "{}", "frequency": {}, "recency": {}, "T": {}, "monetary_value": {}}}"#,
                f[0], f[1], f[2], f[3], f[4]
            )
        })
        .collect();
    format!("{{\"customers\": [\n{}\n]}}", customers.join(",\n"))
}

fn reference() -> Value {
    serde_json::from_str(&data("lifetimes_reference.json")).unwrap()
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"))
}

#[track_caller]
fn relative(ours: &Value, theirs: &Value, bar: f64, what: &str) {
    let (ours, theirs) = (number(ours), number(theirs));
    let error = ((ours - theirs) / theirs).abs();
    assert!(
        error <= bar,
        "{what}: {ours} against {theirs} (relative error {error:e})"
    );
}

#[track_caller]
fn absolute(ours: &Value, theirs: &Value, bar: f64, what: &str) {
    let (ours, theirs) = (number(ours), number(theirs));
    let error = (ours - theirs).abs();
    assert!(
        error <= bar,
        "{what}: {ours} against {theirs} (error {error:e})"
    );
}

#[test]
fn fit_reproduces_lifetimes_on_cdnow() {
    let reference = reference();
    let fitted = fit(&cdnow_population(), None).unwrap();
    for name in ["r", "alpha", "a", "b"] {
        relative(
            &fitted["bgnbd"][name],
            &reference["bgnbd"][name],
            1e-3,
            name,
        );
    }
    for name in ["p", "q", "v"] {
        relative(
            &fitted["gamma_gamma"][name],
            &reference["gamma_gamma"][name],
            1e-3,
            name,
        );
    }
    relative(
        &fitted["bgnbd"]["log_likelihood"],
        &reference["bgnbd_loglik_total"],
        1e-6,
        "log-likelihood",
    );
    assert_eq!(fitted["bgnbd"]["customers"], reference["n_customers"]);
    assert_eq!(fitted["gamma_gamma"]["customers"], 946);
    assert_eq!(fitted["gamma_gamma"]["skipped"], 2357 - 946);
    assert!(fitted["gamma_gamma"]["log_likelihood"].is_f64());
    // The shape of the `clv` example's output, nothing more.
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&fitted), ["bgnbd", "gamma_gamma"]);
    assert_eq!(
        keys(&fitted["bgnbd"]),
        ["a", "alpha", "b", "customers", "log_likelihood", "r"]
    );
    assert_eq!(
        keys(&fitted["gamma_gamma"]),
        ["customers", "log_likelihood", "p", "q", "skipped", "v"]
    );
    // `{}` and `""` are no options; a zero penalty is no penalty.
    for options in ["", "{}", r#"{"penalizer": 0.0}"#] {
        assert_eq!(
            fit(&cdnow_population(), Some(options)).unwrap(),
            fitted,
            "{options}"
        );
    }
}

#[track_caller]
fn check_against_reference(predictions: &Value, reference: &Value) {
    let rows = predictions["customers"].as_array().unwrap();
    assert_eq!(rows.len(), 2357);
    let theirs = reference["customers"].as_array().unwrap();
    assert_eq!(theirs.len(), 20);
    for (ours, theirs) in rows.iter().zip(theirs) {
        assert_eq!(ours["id"], theirs["customer_id"]);
        let what = |name: &str| format!("customer {} {name}", theirs["customer_id"]);
        absolute(
            &ours["p_alive"],
            &theirs["p_alive"],
            1e-4,
            &what("P(alive)"),
        );
        let purchases = ours["expected_purchases"].as_array().unwrap();
        assert_eq!(purchases.len(), 2);
        absolute(
            &purchases[0],
            &theirs["expected_purchases_30"],
            1e-4,
            &what("expected purchases in 30"),
        );
        absolute(
            &purchases[1],
            &theirs["expected_purchases_90"],
            1e-4,
            &what("expected purchases in 90"),
        );
        relative(
            &ours["clv"],
            &theirs["clv_12_months_monthly_discount_0.01_weeks"],
            1e-4,
            &what("12-month CLV"),
        );
        assert!(number(&ours["expected_average_value"]) > 0.0);
    }
}

#[test]
fn predictions_reproduce_lifetimes_on_cdnow() {
    let reference = reference();
    let population = cdnow_population();
    let fitted = fit(&population, None).unwrap().to_string();
    // The defaults are CDNOW's: horizons 30 and 90 weeks, 12 months at 1%.
    let predictions = predict(&fitted, &population, None).unwrap();
    check_against_reference(&predictions, &reference);
    let explicit = predict(
        &fitted,
        &population,
        Some(
            r#"{"horizons": [30, 90],
                "clv": {"months": 12, "monthly_discount": 0.01, "periods_per_month": 4.345}}"#,
        ),
    )
    .unwrap();
    assert_eq!(explicit, predictions);
    assert_eq!(
        predict(&fitted, &population, Some("")).unwrap(),
        predictions
    );

    // lifetimes' own parameters, written by hand (no log-likelihood, no
    // counts), predict the same.
    let theirs = json!({"bgnbd": reference["bgnbd"], "gamma_gamma": reference["gamma_gamma"]});
    let by_hand = predict(&theirs.to_string(), &population, None).unwrap();
    check_against_reference(&by_hand, &reference);
}

#[test]
fn predictions_follow_the_input_and_the_options() {
    let models = r#"{"bgnbd": {"r": 0.242593, "alpha": 4.413532, "a": 0.792886, "b": 2.425752},
                     "gamma_gamma": {"p": 6.248802, "q": 3.744588, "v": 15.447748}}"#;
    let population = r#"{"customers": [
        {"frequency": 0, "recency": 0, "T": 38.86, "monetary_value": 0},
        {"id": "c1", "frequency": 2, "recency": 30.43, "T": 38.86, "monetary_value": 22.35},
        {"id": null, "frequency": 7, "recency": 29.43, "T": 38.86, "monetary_value": 73.74}]}"#;
    let out = predict(models, population, Some(r#"{"horizons": [0, 10, 30, 52]}"#)).unwrap();
    let rows = out["customers"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows.iter().map(|r| r["id"].clone()).collect::<Vec<_>>(),
        [Value::Null, json!("c1"), Value::Null]
    );
    let keys: Vec<&String> = rows[1].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "clv",
            "expected_average_value",
            "expected_purchases",
            "id",
            "p_alive"
        ]
    );
    // Without repeat purchases: alive (the model's customers drop out only
    // after a purchase), worth the population's mean per purchase.
    assert_eq!(rows[0]["p_alive"], 1.0);
    absolute(
        &rows[0]["expected_average_value"],
        &json!(6.248802 * 15.447748 / (3.744588 - 1.0)),
        1e-9,
        "population mean",
    );
    for row in rows {
        let e: Vec<f64> = row["expected_purchases"]
            .as_array()
            .unwrap()
            .iter()
            .map(number)
            .collect();
        assert_eq!(e.len(), 4);
        assert_eq!(e[0], 0.0);
        assert!(e.windows(2).all(|w| w[0] <= w[1]), "{e:?}");
    }
    absolute(
        &rows[1]["p_alive"],
        &json!(0.7266091367990596),
        1e-4,
        "c1 P(alive)",
    );
    // No horizons: no expected purchases, the rest as before.
    let none = predict(models, population, Some(r#"{"horizons": []}"#)).unwrap();
    assert_eq!(none["customers"][1]["expected_purchases"], json!([]));
    assert_eq!(none["customers"][1]["clv"], rows[1]["clv"]);
    // Value in days: a month is 30 of them, so more purchases in 12 months.
    let days = predict(
        models,
        population,
        Some(r#"{"clv": {"periods_per_month": 30, "months": 6, "monthly_discount": 0}}"#),
    )
    .unwrap();
    assert!(number(&days["customers"][1]["clv"]) > number(&rows[1]["clv"]));
    // Nobody to predict for: no predictions.
    assert_eq!(
        predict(models, r#"{"customers": []}"#, None).unwrap(),
        json!({"customers": []})
    );
}

#[test]
fn a_small_population_fits_with_a_penalizer() {
    let population = r#"{"customers": [
        {"id": "c01", "frequency": 2, "recency": 30.43, "T": 38.86, "monetary_value": 22.35},
        {"id": "c02", "frequency": 1, "recency": 1.71, "T": 38.86, "monetary_value": 11.77},
        {"id": "c03", "frequency": 0, "recency": 0, "T": 38.86, "monetary_value": 0},
        {"id": "c04", "frequency": 7, "recency": 29.43, "T": 38.86, "monetary_value": 73.74},
        {"id": "c05", "frequency": 1, "recency": 5, "T": 38.86, "monetary_value": 11.77},
        {"id": "c06", "frequency": 0, "recency": 0, "T": 38.29, "monetary_value": 0},
        {"id": "c07", "frequency": 2, "recency": 35.71, "T": 38.86, "monetary_value": 25.55},
        {"id": "c08", "frequency": 5, "recency": 24.29, "T": 38.29, "monetary_value": 30.01},
        {"id": "c09", "frequency": 0, "recency": 0, "T": 38.29, "monetary_value": 0},
        {"id": "c10", "frequency": 3, "recency": 12, "T": 38, "monetary_value": 18.5},
        {"id": "c11", "frequency": 1, "recency": 2, "T": 37.5, "monetary_value": 40},
        {"id": "c12", "frequency": 4, "recency": 36, "T": 37, "monetary_value": 15.2},
        {"id": "c13", "frequency": 0, "recency": 0, "T": 37, "monetary_value": 0},
        {"id": "c14", "frequency": 6, "recency": 20, "T": 36.5, "monetary_value": 55}]}"#;
    let fitted = fit(population, Some(r#"{"penalizer": 0.001}"#)).unwrap();
    assert_eq!(fitted["bgnbd"]["customers"], 14);
    assert_eq!(fitted["gamma_gamma"]["customers"], 10);
    assert_eq!(fitted["gamma_gamma"]["skipped"], 4);
    let out = predict(&fitted.to_string(), population, None).unwrap();
    for row in out["customers"].as_array().unwrap() {
        let alive = number(&row["p_alive"]);
        assert!((0.0..=1.0).contains(&alive), "{row}");
        assert!(number(&row["clv"]) >= 0.0, "{row}");
    }
    // c12 bought a week ago, c02 not since week 2: c12 is likelier alive.
    let row = |i: usize| &out["customers"][i];
    assert_eq!(row(11)["id"], "c12");
    assert!(number(&row(11)["p_alive"]) > number(&row(1)["p_alive"]));
}

const MODELS: &str = r#"{"bgnbd": {"r": 0.242593, "alpha": 4.413532, "a": 0.792886, "b": 2.425752},
    "gamma_gamma": {"p": 6.248802, "q": 3.744588, "v": 15.447748}}"#;

/// A population whose customer 2 has `customer`'s fields.
fn population_with(customer: &str) -> String {
    format!(
        r#"{{"customers": [
            {{"id": "a", "frequency": 2, "recency": 30.43, "T": 38.86, "monetary_value": 22.35}},
            {{"id": "b", "frequency": 0, "recency": 0, "T": 38.86, "monetary_value": 0}},
            {customer},
            {{"id": "d", "frequency": 7, "recency": 29.43, "T": 38.86, "monetary_value": 73.74}}]}}"#
    )
}

/// A population every check accepts.
fn good() -> String {
    population_with(r#"{"id": "c", "frequency": 1, "recency": 3, "T": 10, "monetary_value": 5}"#)
}

fn models_with(bgnbd: &str, gamma_gamma: &str) -> String {
    format!(r#"{{"bgnbd": {{{bgnbd}}}, "gamma_gamma": {{{gamma_gamma}}}}}"#)
}

#[test]
fn every_bad_input_is_refused_naming_the_field() {
    let bad_utf8: &[u8] = b"{\"customers\": [\xff]}\0";
    let bad = bad_utf8.as_ptr() as *const c_char;
    let population = c(&good());
    let models = c(MODELS);
    // The out pointer holds a sentinel that must survive every failure.
    let sentinel = c"untouched".as_ptr() as *mut c_char;
    let mut out: *mut c_char = sentinel;
    let o = &mut out as *mut *mut c_char;
    let fit_with = |population: String, options: Option<&'static str>| {
        let options = options.map(c);
        let population = c(&population);
        unsafe { ciclo_models_fit_json(population.as_ptr(), ptr_of(&options), o) }
    };
    let predict_with = |models: String, population: String, options: Option<&'static str>| {
        let (models, population, options) = (c(&models), c(&population), options.map(c));
        unsafe {
            ciclo_models_predict_json(models.as_ptr(), population.as_ptr(), ptr_of(&options), o)
        }
    };
    let customer = |fields: &str| population_with(&format!("{{{fields}}}"));
    type Case<'a> = (
        &'a str,
        Box<dyn Fn() -> ciclo_status + 'a>,
        ciclo_status,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        // Pointers and UTF-8.
        (
            "fit NULL population",
            Box::new(|| unsafe { ciclo_models_fit_json(ptr::null(), ptr::null(), o) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`population_json` is NULL",
        ),
        (
            "fit NULL out",
            Box::new(|| unsafe {
                ciclo_models_fit_json(population.as_ptr(), ptr::null(), ptr::null_mut())
            }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`out_json` is NULL",
        ),
        (
            "fit bad UTF-8 population",
            Box::new(|| unsafe { ciclo_models_fit_json(bad, ptr::null(), o) }),
            CICLO_STATUS_INVALID_UTF8,
            "population_json",
        ),
        (
            "fit bad UTF-8 options",
            Box::new(|| unsafe { ciclo_models_fit_json(population.as_ptr(), bad, o) }),
            CICLO_STATUS_INVALID_UTF8,
            "options_json",
        ),
        (
            "predict NULL models",
            Box::new(|| unsafe {
                ciclo_models_predict_json(ptr::null(), population.as_ptr(), ptr::null(), o)
            }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`models_json` is NULL",
        ),
        (
            "predict NULL population",
            Box::new(|| unsafe {
                ciclo_models_predict_json(models.as_ptr(), ptr::null(), ptr::null(), o)
            }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`population_json` is NULL",
        ),
        (
            "predict NULL out",
            Box::new(|| unsafe {
                ciclo_models_predict_json(
                    models.as_ptr(),
                    population.as_ptr(),
                    ptr::null(),
                    ptr::null_mut(),
                )
            }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`out_json` is NULL",
        ),
        (
            "predict bad UTF-8 models",
            Box::new(|| unsafe {
                ciclo_models_predict_json(bad, population.as_ptr(), ptr::null(), o)
            }),
            CICLO_STATUS_INVALID_UTF8,
            "models_json",
        ),
        (
            "predict bad UTF-8 population",
            Box::new(|| unsafe { ciclo_models_predict_json(models.as_ptr(), bad, ptr::null(), o) }),
            CICLO_STATUS_INVALID_UTF8,
            "population_json",
        ),
        (
            "predict bad UTF-8 options",
            Box::new(|| unsafe {
                ciclo_models_predict_json(models.as_ptr(), population.as_ptr(), bad, o)
            }),
            CICLO_STATUS_INVALID_UTF8,
            "options_json",
        ),
        // The population's JSON.
        (
            "fit malformed",
            Box::new(|| fit_with(r#"{"customers": [{"frequency": 1,"#.into(), None)),
            CICLO_STATUS_INVALID_JSON,
            "invalid JSON in population",
        ),
        (
            "fit not an object",
            Box::new(|| fit_with("[]".into(), None)),
            CICLO_STATUS_INVALID_JSON,
            "population",
        ),
        (
            "fit no customers",
            Box::new(|| fit_with("{}".into(), None)),
            CICLO_STATUS_INVALID_JSON,
            "`customers`",
        ),
        (
            "fit unknown field",
            Box::new(|| {
                let mut p = population_with(
                    r#"{"frequency": 1, "recency": 3, "T": 10, "monetary_value": 5}"#,
                );
                p = p.replacen(r#""id": "d","#, r#""id": "d", "foo": 1,"#, 1);
                fit_with(p, None)
            }),
            CICLO_STATUS_UNKNOWN_FIELD,
            "unknown field `customers[3].foo` in population",
        ),
        (
            "fit unknown top-level field",
            Box::new(|| fit_with(r#"{"customers": [], "unit": "weeks"}"#.into(), None)),
            CICLO_STATUS_UNKNOWN_FIELD,
            "`unit`",
        ),
        (
            "fit missing recency",
            Box::new(|| {
                fit_with(
                    customer(r#""frequency": 1, "T": 10, "monetary_value": 5"#),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_JSON,
            "customers[2]: missing field `recency`",
        ),
        (
            "fit recency a string",
            Box::new(|| {
                fit_with(
                    customer(r#""frequency": 1, "recency": "3", "T": 10, "monetary_value": 5"#),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_JSON,
            "customers[2].recency",
        ),
        (
            "fit id a number",
            Box::new(|| {
                fit_with(
                    customer(
                        r#""id": 3, "frequency": 1, "recency": 3, "T": 10, "monetary_value": 5"#,
                    ),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_JSON,
            "customers[2].id",
        ),
        (
            "fit number too large",
            Box::new(|| {
                fit_with(
                    customer(r#""frequency": 1, "recency": 3, "T": 1e400, "monetary_value": 5"#),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_JSON,
            "customers[2].T",
        ),
        // The population's values.
        (
            "fit negative T",
            Box::new(|| {
                fit_with(
                    customer(r#""frequency": 0, "recency": 0, "T": -1, "monetary_value": 0"#),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument customers[2].T: -1 is negative",
        ),
        (
            "fit negative recency",
            Box::new(|| {
                fit_with(
                    customer(r#""frequency": 1, "recency": -3, "T": 10, "monetary_value": 5"#),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "customers[2].recency: -3 is negative",
        ),
        (
            "fit negative spend",
            Box::new(|| {
                fit_with(
                    customer(r#""frequency": 1, "recency": 3, "T": 10, "monetary_value": -5"#),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "customers[2].monetary_value: -5 is negative",
        ),
        (
            "fit reversed times",
            Box::new(|| {
                fit_with(
                    customer(r#""frequency": 1, "recency": 12, "T": 10, "monetary_value": 5"#),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "customers[2].recency: 12 is after T (10)",
        ),
        (
            "fit fractional frequency",
            Box::new(|| {
                fit_with(
                    customer(r#""frequency": 1.5, "recency": 3, "T": 10, "monetary_value": 5"#),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "customers[2].frequency: 1.5 is not a whole number",
        ),
        (
            "fit recency without repeat purchases",
            Box::new(|| {
                fit_with(
                    customer(r#""frequency": 0, "recency": 3, "T": 10, "monetary_value": 0"#),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "customers[2].recency: 3 without repeat purchases",
        ),
        (
            "fit empty population",
            Box::new(|| fit_with(r#"{"customers": []}"#.into(), None)),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument customers: the population is empty",
        ),
        (
            "fit no repeat purchases",
            Box::new(|| {
                fit_with(
                    r#"{"customers": [
                        {"frequency": 0, "recency": 0, "T": 10, "monetary_value": 0},
                        {"frequency": 0, "recency": 0, "T": 12, "monetary_value": 0}]}"#
                        .into(),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument customers: no customer has a repeat purchase",
        ),
        (
            "fit no spend",
            Box::new(|| {
                fit_with(
                    r#"{"customers": [
                        {"frequency": 2, "recency": 8, "T": 10, "monetary_value": 0},
                        {"frequency": 1, "recency": 2, "T": 12, "monetary_value": 0},
                        {"frequency": 0, "recency": 0, "T": 12, "monetary_value": 0}]}"#
                        .into(),
                    Some(r#"{"penalizer": 0.01}"#),
                )
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "customers: no customer has a repeat purchase with a positive monetary value",
        ),
        (
            "fit q not above 1",
            Box::new(|| {
                // A strong penalty pulls q below 1.
                fit_with(
                    r#"{"customers": [
                        {"frequency": 2, "recency": 30.43, "T": 38.86, "monetary_value": 22.35},
                        {"frequency": 1, "recency": 1.71, "T": 38.86, "monetary_value": 11.77},
                        {"frequency": 0, "recency": 0, "T": 38.86, "monetary_value": 0}]}"#
                        .into(),
                    Some(r#"{"penalizer": 10}"#),
                )
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "not above 1: the Gamma-Gamma spend model has no finite mean for these 2 customers; \
             this penalizer (10) pulls q toward 0: lower it",
        ),
        // The fit's options.
        (
            "fit negative penalizer",
            Box::new(|| fit_with(good(), Some(r#"{"penalizer": -0.5}"#))),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument options.penalizer: -0.5",
        ),
        (
            "fit penalizer a string",
            Box::new(|| {
                fit_with(
                    r#"{"customers": []}"#.into(),
                    Some(r#"{"penalizer": "0.1"}"#),
                )
            }),
            CICLO_STATUS_INVALID_JSON,
            "invalid JSON in options: penalizer",
        ),
        (
            "fit unknown option",
            Box::new(|| fit_with(r#"{"customers": []}"#.into(), Some(r#"{"penaliser": 0.1}"#))),
            CICLO_STATUS_UNKNOWN_FIELD,
            "unknown field `penaliser` in options",
        ),
        (
            "fit malformed options",
            Box::new(|| fit_with(r#"{"customers": []}"#.into(), Some("{"))),
            CICLO_STATUS_INVALID_JSON,
            "options",
        ),
        // The models.
        (
            "predict malformed models",
            Box::new(|| predict_with(r#"{"bgnbd": "#.into(), good(), None)),
            CICLO_STATUS_INVALID_JSON,
            "invalid JSON in models",
        ),
        (
            "predict zero a",
            Box::new(|| {
                predict_with(
                    models_with(
                        r#""r": 0.24, "alpha": 4.41, "a": 0, "b": 2.43"#,
                        r#""p": 6.25, "q": 3.74, "v": 15.45"#,
                    ),
                    good(),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument bgnbd.a: 0 is not a positive finite number",
        ),
        (
            "predict negative alpha",
            Box::new(|| {
                predict_with(
                    models_with(
                        r#""r": 0.24, "alpha": -4.41, "a": 0.79, "b": 2.43"#,
                        r#""p": 6.25, "q": 3.74, "v": 15.45"#,
                    ),
                    good(),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "bgnbd.alpha: -4.41",
        ),
        (
            "predict q not above 1",
            Box::new(|| {
                predict_with(
                    models_with(
                        r#""r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43"#,
                        r#""p": 6.25, "q": 0.9, "v": 15.45"#,
                    ),
                    good(),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument gamma_gamma.q: 0.9 is not above 1",
        ),
        (
            "predict q of 1",
            Box::new(|| {
                predict_with(
                    models_with(
                        r#""r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43"#,
                        r#""p": 6.25, "q": 1, "v": 15.45"#,
                    ),
                    good(),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "gamma_gamma.q: 1 is not above 1",
        ),
        (
            "predict missing parameter",
            Box::new(|| {
                predict_with(
                    models_with(
                        r#""r": 0.24, "alpha": 4.41, "a": 0.79"#,
                        r#""p": 6.25, "q": 3.74, "v": 15.45"#,
                    ),
                    good(),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_JSON,
            "bgnbd: missing field `b`",
        ),
        (
            "predict unknown parameter",
            Box::new(|| {
                predict_with(
                    models_with(
                        r#""r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43"#,
                        r#""p": 6.25, "q": 3.74, "v": 15.45, "gamma": 2"#,
                    ),
                    good(),
                    None,
                )
            }),
            CICLO_STATUS_UNKNOWN_FIELD,
            "unknown field `gamma_gamma.gamma` in models",
        ),
        (
            "predict missing model",
            Box::new(|| {
                predict_with(
                    r#"{"bgnbd": {"r": 0.24, "alpha": 4.41, "a": 0.79, "b": 2.43}}"#.into(),
                    good(),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_JSON,
            "missing field `gamma_gamma`",
        ),
        // The population, when predicting.
        (
            "predict reversed times",
            Box::new(|| {
                predict_with(
                    MODELS.into(),
                    customer(r#""frequency": 1, "recency": 12, "T": 10, "monetary_value": 5"#),
                    None,
                )
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument customers[2].recency: 12 is after T (10)",
        ),
        (
            "predict unknown customer field",
            Box::new(|| {
                predict_with(
                    MODELS.into(),
                    customer(
                        r#""frequency": 1, "recency": 2, "T": 10, "monetary_value": 5, "churn": 1"#,
                    ),
                    None,
                )
            }),
            CICLO_STATUS_UNKNOWN_FIELD,
            "unknown field `customers[2].churn` in population",
        ),
        // The prediction's options.
        (
            "predict negative horizon",
            Box::new(|| predict_with(MODELS.into(), good(), Some(r#"{"horizons": [30, -90]}"#))),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument options.horizons[1]: -90",
        ),
        (
            "predict horizon too far",
            Box::new(|| predict_with(MODELS.into(), good(), Some(r#"{"horizons": [30, 1e12]}"#))),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument options.horizons[1]: the expected purchases over 1000000000000 cannot be computed",
        ),
        (
            "predict discount at -1",
            Box::new(|| {
                predict_with(
                    MODELS.into(),
                    good(),
                    Some(r#"{"clv": {"monthly_discount": -1}}"#),
                )
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument options.clv.monthly_discount: -1",
        ),
        (
            "predict zero periods per month",
            Box::new(|| {
                predict_with(
                    MODELS.into(),
                    good(),
                    Some(r#"{"clv": {"periods_per_month": 0}}"#),
                )
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument options.clv.periods_per_month: 0",
        ),
        (
            "predict negative months",
            Box::new(|| predict_with(MODELS.into(), good(), Some(r#"{"clv": {"months": -3}}"#))),
            CICLO_STATUS_INVALID_JSON,
            "invalid JSON in options: clv.months",
        ),
        (
            "predict unknown option",
            Box::new(|| predict_with(MODELS.into(), good(), Some(r#"{"horizon": [30]}"#))),
            CICLO_STATUS_UNKNOWN_FIELD,
            "unknown field `horizon` in options",
        ),
        (
            "predict unknown clv option",
            Box::new(|| {
                predict_with(
                    MODELS.into(),
                    good(),
                    Some(r#"{"clv": {"discount": 0.01}}"#),
                )
            }),
            CICLO_STATUS_UNKNOWN_FIELD,
            "unknown field `clv.discount` in options",
        ),
    ];
    for (what, call, expected, says) in &cases {
        let status = call();
        assert_eq!(
            status,
            *expected,
            "{what}: {} ({})",
            last_error(),
            unsafe { CStr::from_ptr(ciclo_status_name(status)) }.to_string_lossy()
        );
        assert_eq!(out, sentinel, "{what}: out written on error");
        let message = last_error();
        assert!(
            message.contains(says),
            "{what}: `{message}` should contain `{says}`"
        );
    }
    // And a good call after all of them writes its result and clears the error.
    let status =
        unsafe { ciclo_models_predict_json(models.as_ptr(), population.as_ptr(), ptr::null(), o) };
    assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
    assert_ne!(out, sentinel);
    assert_eq!(last_error(), "");
    assert!(take(out).starts_with(r#"{"customers":[{"id":"a","#));
}
