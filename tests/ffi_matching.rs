//! The match model and the stateless path through the C ABI: blocking keys
//! and pair scores without an engine, the model a batch estimated installed in
//! an engine, and the engine's own estimate; every entry point with NULL
//! pointers, invalid UTF-8, malformed JSON and each documented error. Out
//! parameters are written only on success; a rejected call changes nothing.

use std::ffi::{c_char, CStr};
use std::ptr;

use ciclo::ffi::consolidation::*;
use ciclo::ffi::matching::*;
use ciclo::ffi::status::*;
use serde_json::{json, Value};

#[path = "common/c_host.rs"]
mod host;
use host::*;

/// Calls `f` with an out string; the text on success, the status (the out
/// parameter untouched) on failure.
fn call(f: impl FnOnce(*mut *mut c_char) -> ciclo_status) -> Result<String, ciclo_status> {
    let mut out = ptr::null_mut();
    let status = f(&mut out);
    if status == CICLO_STATUS_OK {
        Ok(take(out))
    } else {
        assert!(out.is_null(), "out written on error");
        Err(status)
    }
}

fn keys(record: &str, options: Option<&str>) -> Value {
    let r = c(record);
    let o = options.map(c);
    let text = call(|out| unsafe {
        ciclo_record_blocking_keys_json(
            r.as_ptr(),
            o.as_ref().map_or(ptr::null(), |o| o.as_ptr()),
            out,
        )
    })
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn score(a: &str, b: &str, options: &str) -> Result<Value, ciclo_status> {
    let (a, b, o) = (c(a), c(b), c(options));
    call(|out| unsafe { ciclo_records_score_json(a.as_ptr(), b.as_ptr(), o.as_ptr(), out) })
        .map(|t| serde_json::from_str(&t).unwrap())
}

const PEPE: &str = r#"{"given_name": "Pepe", "surname": "González Pérez",
    "email": "Pepe.Gonzalez@gmail.com", "birth_date": "03/04/1980",
    "national_id": "20-12345678-6", "country": "AR"}"#;
const JOSE: &str = r#"{"given_name": "José", "surname": "Gonzalez",
    "email": "pepegonzalez@gmail.com", "birth_date": "1980-04-03",
    "national_id": "12.345.678", "country": "AR"}"#;
const LUIS: &str = r#"{"given_name": "Luis", "surname": "Paz",
    "birth_date": "1975-06-30", "phone": "+54 11 4567-8901", "country": "AR"}"#;

#[test]
fn a_host_with_its_own_database_indexes_keys_and_scores_pairs() {
    let a = keys(PEPE, None);
    let b = keys(
        JOSE,
        Some(r#"{"default_country": "AR", "today": "2026-11-23"}"#),
    );
    let texts = |v: &Value| -> Vec<String> {
        v["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| {
                let key = k["key"].as_str().unwrap().to_string();
                assert_eq!(
                    key,
                    format!(
                        "{}:{}",
                        k["kind"].as_str().unwrap(),
                        k["value"].as_str().unwrap()
                    )
                );
                key
            })
            .collect()
    };
    let (ka, kb) = (texts(&a), texts(&b));
    assert!(
        ka.contains(&"email:pepegonzalez@gmail.com".to_string()),
        "{ka:?}"
    );
    assert!(
        ka.iter().any(|k| kb.contains(k)),
        "they meet: {ka:?} {kb:?}"
    );
    assert!(a["findings"].is_array());
    // An unparsable email: a finding.
    let odd = keys(r#"{"email": "pepe@", "surname": "Paz"}"#, None);
    assert!(odd["findings"].to_string().contains("email"), "{odd}");
    // Nothing to key on: no keys.
    assert_eq!(keys(r#"{"country": "AR"}"#, None)["keys"], json!([]));

    let s = score(PEPE, JOSE, "").unwrap();
    assert_eq!(s["decision"], "merge", "{s}");
    assert_eq!(s["vetoed"], false);
    assert!(s["probability"].as_f64().unwrap() > 0.99);
    assert_eq!(
        s["veto_lifted_by"],
        json!({"field": "national_id", "level": "exact"})
    );
    let fields: Vec<&str> = s["contributions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "given_name",
            "surname",
            "birth_date",
            "national_id",
            "email"
        ]
    );
    for key in ["weight", "prior_weight", "names_swapped"] {
        assert!(!s[key].is_null(), "{key}: {s}");
    }
    let d = score(PEPE, LUIS, "").unwrap();
    assert_eq!(d["decision"], "distinct");
    assert_eq!(
        d["vetoed"], true,
        "a different given name and birth date veto"
    );

    // With a model: thresholds that send the pair to review.
    let model = model_json(|m| {
        m["merge_threshold"] = json!(1.0);
        m["review_threshold"] = json!(0.9);
    });
    let r = score(PEPE, JOSE, &json!({ "model": model }).to_string()).unwrap();
    assert_eq!(r["decision"], "review", "{r}");
    assert_eq!(r["probability"], s["probability"]);
    // A model that does not compare emails scores without them.
    let model = model_json(|m| {
        m["fields"].as_object_mut().unwrap().remove("email");
    });
    let r = score(PEPE, JOSE, &json!({ "model": model }).to_string()).unwrap();
    assert!(!r["contributions"].to_string().contains("email"), "{r}");
}

/// The built-in model as JSON, edited.
fn model_json(edit: impl FnOnce(&mut Value)) -> Value {
    let engine = engine();
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_match_model_json(engine.0, &mut out) },
        CICLO_STATUS_OK
    );
    let mut v: Value = serde_json::from_str(&take(out)).unwrap();
    edit(&mut v);
    v
}

/// Records of `tests/data/febrl2.csv` as JSON lines (`id` first), and as
/// ingest requests.
fn febrl2(n: usize) -> (String, Vec<String>) {
    let path = format!("{}/tests/data/febrl2.csv", env!("CARGO_MANIFEST_DIR"));
    let export = ciclo::import::read_csv(std::fs::File::open(path).unwrap(), &[]).unwrap();
    let mut lines = String::new();
    let mut requests = Vec::new();
    for (id, record) in export.ids.iter().zip(&export.records).take(n) {
        let record: Value = serde_json::from_str(&ciclo::json::record_to_json(record)).unwrap();
        let mut line = record.clone();
        line["id"] = json!(id);
        lines.push_str(&line.to_string());
        lines.push('\n');
        requests.push(
            json!({"system": "febrl", "id": id, "updated": "2026-11-23T00:00:00Z",
                   "record": record})
            .to_string(),
        );
    }
    (lines, requests)
}

#[test]
fn a_batch_model_installed_and_the_engine_own_estimate() {
    let (lines, requests) = febrl2(1500);
    let (jsonl, options) = (c(&lines), c(r#"{"today": "2026-11-23"}"#));
    let out = call(|o| unsafe {
        ciclo_dedup_json(jsonl.as_ptr(), options.as_ptr(), None, ptr::null_mut(), o)
    })
    .unwrap();
    let batch: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        batch["estimate"]["estimated"], true,
        "{}",
        batch["estimate"]
    );
    assert!(batch["estimate"]["m"]["converged"].as_bool().unwrap());
    let model = batch["model"].clone();

    // Installed through the configuration: the engine answers with it.
    let configured = engine();
    let config = c(&json!({ "model": model }).to_string());
    assert_eq!(
        unsafe { ciclo_engine_configure_consolidation(configured.0, config.as_ptr()) },
        CICLO_STATUS_OK,
        "{}",
        last_error()
    );
    let installed = call(|o| unsafe { ciclo_engine_match_model_json(configured.0, o) }).unwrap();
    assert_eq!(installed, model.to_string(), "the same text back");

    // An engine that ingested the same records with the built-in model
    // estimates the same model, installs it, and snapshots keep it.
    let own = engine();
    for request in &requests {
        let r = c(request);
        call(|o| unsafe { ciclo_engine_ingest_json(own.0, r.as_ptr(), o) }).unwrap();
    }
    let estimate: Value = serde_json::from_str(
        &call(|o| unsafe { ciclo_engine_estimate_model_json(own.0, ptr::null(), o) }).unwrap(),
    )
    .unwrap();
    assert_eq!(estimate["model"], model);
    assert_eq!(estimate["estimate"], batch["estimate"]);
    let now = call(|o| unsafe { ciclo_engine_match_model_json(own.0, o) }).unwrap();
    assert_eq!(now, model.to_string());
    let restored = restore(&snapshot(&own));
    assert_eq!(
        call(|o| unsafe { ciclo_engine_match_model_json(restored.0, o) }).unwrap(),
        now
    );
    // Other options: another sample, another model.
    let seed = c(r#"{"seed": 7, "u_sample": 5000}"#);
    let other: Value = serde_json::from_str(
        &call(|o| unsafe { ciclo_engine_estimate_model_json(own.0, seed.as_ptr(), o) }).unwrap(),
    )
    .unwrap();
    assert_eq!(other["estimate"]["u"]["sampled_pairs"], 5000);
    assert_ne!(other["model"], model);

    // Set directly, on an engine holding records.
    let text = c(&model.to_string());
    assert_eq!(
        unsafe { ciclo_engine_set_match_model_json(own.0, text.as_ptr()) },
        CICLO_STATUS_OK
    );
    assert_eq!(
        call(|o| unsafe { ciclo_engine_match_model_json(own.0, o) }).unwrap(),
        model.to_string()
    );
}

fn restore(bytes: &[u8]) -> Engine {
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo::ffi::engine::ciclo_engine_restore(bytes.as_ptr(), bytes.len(), &mut out) },
        CICLO_STATUS_OK
    );
    Engine(out)
}

#[test]
fn every_matching_entry_point_refuses_bad_input_and_changes_nothing() {
    let e = engine();
    for (i, request) in febrl2(40).1.iter().enumerate() {
        let r = c(request);
        call(|o| unsafe { ciclo_engine_ingest_json(e.0, r.as_ptr(), o) })
            .unwrap_or_else(|s| panic!("record {i}: {s} {}", last_error()));
    }
    let before = snapshot(&e);
    let bad_utf8: &[u8] = b"{\"email\": \"\xff\"}\0";
    let bad = bad_utf8.as_ptr() as *const c_char;
    let (pepe, jose) = (c(PEPE), c(JOSE));
    let bad_model = |edit: fn(&mut Value)| {
        let mut v = model_json(|_| {});
        edit(&mut v);
        v
    };
    let with_model = |edit: fn(&mut Value)| c(&json!({ "model": bad_model(edit) }).to_string());
    let zero_m = with_model(|m| m["fields"]["birth_date"]["levels"]["exact"]["m"] = json!(0));
    let no_level = with_model(|m| {
        m["fields"]["birth_date"]["levels"]
            .as_object_mut()
            .unwrap()
            .remove("two_typos");
    });
    let unknown_level =
        with_model(|m| m["fields"]["email"]["levels"]["casi"] = json!({"m": 0.1, "u": 0.1}));
    let raw_model = c(&bad_model(|m| m["prior"] = json!(1.5)).to_string());
    let config_model = c(&json!({
        "model": bad_model(|m| m["fields"]["phone"]["vetoes"] = json!(["distinto"]))
    })
    .to_string());
    let s = |t: &str| c(t);
    let mut out: *mut c_char = ptr::null_mut();
    let o = &mut out as *mut *mut c_char;
    type Case<'a> = (
        &'a str,
        Box<dyn Fn() -> ciclo_status + 'a>,
        ciclo_status,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            "keys NULL record",
            Box::new(|| unsafe { ciclo_record_blocking_keys_json(ptr::null(), ptr::null(), o) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "record_json",
        ),
        (
            "keys NULL out",
            Box::new(|| unsafe {
                ciclo_record_blocking_keys_json(pepe.as_ptr(), ptr::null(), ptr::null_mut())
            }),
            CICLO_STATUS_NULL_ARGUMENT,
            "out_json",
        ),
        (
            "keys bad UTF-8",
            Box::new(|| unsafe { ciclo_record_blocking_keys_json(bad, ptr::null(), o) }),
            CICLO_STATUS_INVALID_UTF8,
            "record_json",
        ),
        (
            "keys malformed",
            Box::new(|| {
                let j = s("{\"email\":");
                unsafe { ciclo_record_blocking_keys_json(j.as_ptr(), ptr::null(), o) }
            }),
            CICLO_STATUS_INVALID_JSON,
            "record",
        ),
        (
            "keys unknown field",
            Box::new(|| {
                let j = s(r#"{"nombre": "Ana"}"#);
                unsafe { ciclo_record_blocking_keys_json(j.as_ptr(), ptr::null(), o) }
            }),
            CICLO_STATUS_UNKNOWN_FIELD,
            "nombre",
        ),
        (
            "keys bad options",
            Box::new(|| {
                let j = s(r#"{"default_country": "Narnia"}"#);
                unsafe { ciclo_record_blocking_keys_json(pepe.as_ptr(), j.as_ptr(), o) }
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.default_country",
        ),
        (
            "score NULL a",
            Box::new(|| unsafe {
                ciclo_records_score_json(ptr::null(), jose.as_ptr(), ptr::null(), o)
            }),
            CICLO_STATUS_NULL_ARGUMENT,
            "a_json",
        ),
        (
            "score NULL b",
            Box::new(|| unsafe {
                ciclo_records_score_json(pepe.as_ptr(), ptr::null(), ptr::null(), o)
            }),
            CICLO_STATUS_NULL_ARGUMENT,
            "b_json",
        ),
        (
            "score NULL out",
            Box::new(|| unsafe {
                ciclo_records_score_json(pepe.as_ptr(), jose.as_ptr(), ptr::null(), ptr::null_mut())
            }),
            CICLO_STATUS_NULL_ARGUMENT,
            "out_json",
        ),
        (
            "score bad UTF-8",
            Box::new(|| unsafe { ciclo_records_score_json(pepe.as_ptr(), bad, ptr::null(), o) }),
            CICLO_STATUS_INVALID_UTF8,
            "b_json",
        ),
        (
            "score malformed b",
            Box::new(|| {
                let j = s("{\"email\":");
                unsafe { ciclo_records_score_json(pepe.as_ptr(), j.as_ptr(), ptr::null(), o) }
            }),
            CICLO_STATUS_INVALID_JSON,
            "record b",
        ),
        (
            "score unknown field in a",
            Box::new(|| {
                let j = s(r#"{"apellido": "Paz"}"#);
                unsafe { ciclo_records_score_json(j.as_ptr(), jose.as_ptr(), ptr::null(), o) }
            }),
            CICLO_STATUS_UNKNOWN_FIELD,
            "apellido",
        ),
        (
            "score empty a",
            Box::new(|| {
                let j = s(r#"{"email": "  "}"#);
                unsafe { ciclo_records_score_json(j.as_ptr(), jose.as_ptr(), ptr::null(), o) }
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "a: no field to compare",
        ),
        (
            "score nothing compared in b",
            Box::new(|| {
                let j = s(r#"{"country": "AR", "province": "Salta"}"#);
                unsafe { ciclo_records_score_json(pepe.as_ptr(), j.as_ptr(), ptr::null(), o) }
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "b: no field to compare",
        ),
        (
            "score nothing in common",
            Box::new(|| {
                let (a, b) = (
                    s(r#"{"email": "ana@ruiz.es"}"#),
                    s(r#"{"phone": "+34 612 345 678"}"#),
                );
                unsafe { ciclo_records_score_json(a.as_ptr(), b.as_ptr(), ptr::null(), o) }
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "b: no field to compare with a",
        ),
        (
            "score field too long",
            Box::new(|| {
                let j = s(&json!({ "surname": "x".repeat(5000) }).to_string());
                unsafe { ciclo_records_score_json(pepe.as_ptr(), j.as_ptr(), ptr::null(), o) }
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "b.surname",
        ),
        (
            "score model m of 0",
            Box::new(|| unsafe {
                ciclo_records_score_json(pepe.as_ptr(), jose.as_ptr(), zero_m.as_ptr(), o)
            }),
            CICLO_STATUS_INVALID_CONFIG,
            "options.model.fields.birth_date.levels.exact.m",
        ),
        (
            "score model missing a level",
            Box::new(|| unsafe {
                ciclo_records_score_json(pepe.as_ptr(), jose.as_ptr(), no_level.as_ptr(), o)
            }),
            CICLO_STATUS_INVALID_CONFIG,
            "options.model.fields.birth_date.levels.two_typos",
        ),
        (
            "score model unknown level",
            Box::new(|| unsafe {
                ciclo_records_score_json(pepe.as_ptr(), jose.as_ptr(), unknown_level.as_ptr(), o)
            }),
            CICLO_STATUS_INVALID_CONFIG,
            "options.model.fields.email.levels.casi",
        ),
        (
            "score unknown option",
            Box::new(|| {
                let j = s(r#"{"modelo": {}}"#);
                unsafe { ciclo_records_score_json(pepe.as_ptr(), jose.as_ptr(), j.as_ptr(), o) }
            }),
            CICLO_STATUS_UNKNOWN_FIELD,
            "modelo",
        ),
        (
            "estimate NULL engine",
            Box::new(|| unsafe { ciclo_engine_estimate_model_json(ptr::null(), ptr::null(), o) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "engine",
        ),
        (
            "estimate NULL out",
            Box::new(|| unsafe {
                ciclo_engine_estimate_model_json(e.0, ptr::null(), ptr::null_mut())
            }),
            CICLO_STATUS_NULL_ARGUMENT,
            "out_json",
        ),
        (
            "estimate bad UTF-8",
            Box::new(|| unsafe { ciclo_engine_estimate_model_json(e.0, bad, o) }),
            CICLO_STATUS_INVALID_UTF8,
            "options_json",
        ),
        (
            "estimate malformed",
            Box::new(|| {
                let j = s("{\"seed\":");
                unsafe { ciclo_engine_estimate_model_json(e.0, j.as_ptr(), o) }
            }),
            CICLO_STATUS_INVALID_JSON,
            "estimate options",
        ),
        (
            "estimate unknown option",
            Box::new(|| {
                let j = s(r#"{"semilla": 3}"#);
                unsafe { ciclo_engine_estimate_model_json(e.0, j.as_ptr(), o) }
            }),
            CICLO_STATUS_UNKNOWN_FIELD,
            "semilla",
        ),
        (
            "estimate sample too large",
            Box::new(|| {
                let j = s(r#"{"u_sample": 100000000000}"#);
                unsafe { ciclo_engine_estimate_model_json(e.0, j.as_ptr(), o) }
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "u_sample",
        ),
        (
            "estimate negative floor",
            Box::new(|| {
                let j = s(r#"{"floor": -0.1}"#);
                unsafe { ciclo_engine_estimate_model_json(e.0, j.as_ptr(), o) }
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "floor",
        ),
        (
            "set model NULL",
            Box::new(|| unsafe { ciclo_engine_set_match_model_json(e.0, ptr::null()) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "model_json",
        ),
        (
            "set model bad UTF-8",
            Box::new(|| unsafe { ciclo_engine_set_match_model_json(e.0, bad) }),
            CICLO_STATUS_INVALID_UTF8,
            "model_json",
        ),
        (
            "set model prior",
            Box::new(|| unsafe { ciclo_engine_set_match_model_json(e.0, raw_model.as_ptr()) }),
            CICLO_STATUS_INVALID_CONFIG,
            "prior",
        ),
        (
            "set model empty object",
            Box::new(|| {
                let j = s("{}");
                unsafe { ciclo_engine_set_match_model_json(e.0, j.as_ptr()) }
            }),
            CICLO_STATUS_INVALID_CONFIG,
            "prior",
        ),
        (
            "configure with a bad model (records held: the model is read first)",
            Box::new(|| unsafe {
                ciclo_engine_configure_consolidation(e.0, config_model.as_ptr())
            }),
            CICLO_STATUS_INVALID_CONFIG,
            "model.fields.phone.vetoes[0]",
        ),
        (
            "model NULL out",
            Box::new(|| unsafe { ciclo_engine_match_model_json(e.0, ptr::null_mut()) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "out_json",
        ),
    ];
    for (what, call, expected, says) in &cases {
        let status = call();
        assert_eq!(status, *expected, "{what}: {}", last_error());
        assert!(out.is_null(), "{what}: out written on error");
        let message = last_error();
        assert!(
            message.contains(says),
            "{what}: `{message}` should name `{says}`"
        );
        assert_eq!(snapshot(&e), before, "{what} changed the engine");
    }
    // The status names are the documented ones.
    let name = |s| {
        unsafe { CStr::from_ptr(ciclo_status_name(s)) }
            .to_str()
            .unwrap()
    };
    assert_eq!(
        name(CICLO_STATUS_INVALID_CONFIG),
        "CICLO_STATUS_INVALID_CONFIG"
    );
}
