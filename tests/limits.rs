//! Bounded inputs through the C ABI (issue 14): limits on event, attribute and
//! record sizes and hierarchy depth, settable per engine; repeated JSON keys
//! refused in every shape; error messages that quote at most a short prefix of a
//! bad value; and a last error that a call made inside a progress callback does
//! not leave behind.

use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr;

use ciclo::ffi::consolidation::*;
use ciclo::ffi::engine::*;
use ciclo::ffi::matching::*;
use ciclo::ffi::memory::*;
use ciclo::ffi::retention::*;
use ciclo::ffi::standardize::*;
use ciclo::ffi::status::*;
use ciclo::ffi::step::*;
use ciclo::ffi::version::*;
use ciclo::ffi::{ciclo_engine, ciclo_model};

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn last_error() -> String {
    unsafe { CStr::from_ptr(ciclo_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

fn take(s: *mut c_char) -> String {
    assert!(!s.is_null());
    let text = unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned();
    unsafe { ciclo_string_free(s) };
    text
}

struct Engine(*mut ciclo_engine);

impl Drop for Engine {
    fn drop(&mut self) {
        unsafe { ciclo_engine_free(self.0) };
    }
}

fn engine() -> Engine {
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_new(ptr::null(), &mut out) },
        CICLO_STATUS_OK
    );
    Engine(out)
}

impl Engine {
    fn apply(&self, json: &str) -> ciclo_status {
        let json = c(json);
        unsafe { ciclo_engine_apply_json(self.0, json.as_ptr(), ptr::null_mut()) }
    }

    fn set_limits(&self, json: &str) -> ciclo_status {
        let json = c(json);
        unsafe { ciclo_engine_set_limits_json(self.0, json.as_ptr()) }
    }

    fn limits(&self) -> serde_json::Value {
        let mut out = ptr::null_mut();
        assert_eq!(
            unsafe { ciclo_engine_limits_json(self.0, &mut out) },
            CICLO_STATUS_OK
        );
        serde_json::from_str(&take(out)).unwrap()
    }

    fn ingest(&self, json: &str) -> ciclo_status {
        let json = c(json);
        let mut out = ptr::null_mut();
        let status = unsafe { ciclo_engine_ingest_json(self.0, json.as_ptr(), &mut out) };
        if status == CICLO_STATUS_OK {
            take(out);
        }
        status
    }

    fn link(&self, parent: &str, child: &str) -> ciclo_status {
        let (k, p, ch) = (c("corporate"), c(parent), c(child));
        unsafe { ciclo_engine_link(self.0, k.as_ptr(), p.as_ptr(), ch.as_ptr()) }
    }

    fn snapshot_len(&self) -> usize {
        let (mut bytes, mut len) = (ptr::null_mut(), 0usize);
        assert_eq!(
            unsafe { ciclo_engine_snapshot(self.0, &mut bytes, &mut len) },
            CICLO_STATUS_OK
        );
        unsafe { ciclo_bytes_free(bytes, len) };
        len
    }
}

fn event_with_attributes(customer: &str, n: usize, value_len: usize) -> String {
    let value = "v".repeat(value_len);
    let attrs: Vec<String> = (0..n).map(|i| format!("\"a{i}\":\"{value}\"")).collect();
    format!(
        r#"{{"customer":"{customer}","at":"2026-03-01T10:00:00Z","kind":"visit","attributes":{{{}}}}}"#,
        attrs.join(",")
    )
}

// ---------------------------------------------------------------------------
// 8. Limits
// ---------------------------------------------------------------------------

#[test]
fn a_hundred_thousand_attributes_are_refused_before_parsing() {
    let e = engine();
    let before = e.snapshot_len();
    // 100,000 attributes of 1 KB: a 101 MB event that used to be kept whole.
    let huge = event_with_attributes("c-1", 100_000, 1000);
    assert_eq!(e.apply(&huge), CICLO_STATUS_INVALID_ARGUMENT);
    let message = last_error();
    assert!(
        message.contains("event") && message.contains("event_json_bytes"),
        "{message}"
    );
    assert_eq!(e.snapshot_len(), before);
}

#[test]
fn attribute_count_and_lengths_are_refused_while_reading() {
    let e = engine();
    // 300 short attributes fit in 1 MiB but exceed the 256 attributes.
    assert_eq!(
        e.apply(&event_with_attributes("c-1", 300, 4)),
        CICLO_STATUS_INVALID_JSON
    );
    let message = last_error();
    assert!(
        message.contains("attributes") && message.contains("limits.attributes"),
        "{message}"
    );
    assert_eq!(
        e.apply(&event_with_attributes("c-1", 256, 4)),
        CICLO_STATUS_OK,
        "{}",
        last_error()
    );
    // A 2 KiB value.
    assert_eq!(
        e.apply(&event_with_attributes("c-2", 1, 2048)),
        CICLO_STATUS_INVALID_JSON
    );
    assert!(
        last_error().contains("attribute_value_bytes"),
        "{}",
        last_error()
    );
    // A 2 KiB key.
    let key = "k".repeat(2048);
    let json = format!(
        r#"{{"customer":"c-3","at":"2026-03-01T10:00:00Z","kind":"visit","attributes":{{"{key}":1}}}}"#
    );
    assert_eq!(e.apply(&json), CICLO_STATUS_INVALID_JSON);
    let message = last_error();
    assert!(message.contains("attribute_key_bytes"), "{message}");
    assert!(message.len() < 1024, "{}", message.len());
}

#[test]
fn engine_limits_are_set_and_read_as_json() {
    let e = engine();
    let defaults = e.limits();
    assert_eq!(defaults["event_json_bytes"], 1 << 20);
    assert_eq!(defaults["attributes"], 256);
    assert_eq!(defaults["hierarchy_depth"], 64);
    // Raised: 300 attributes and 2 KiB values are accepted.
    assert_eq!(
        e.set_limits(r#"{"attributes": 400, "attribute_value_bytes": 4096}"#),
        CICLO_STATUS_OK,
        "{}",
        last_error()
    );
    assert_eq!(e.limits()["attributes"], 400);
    assert_eq!(e.limits()["record_field_bytes"], 1024);
    assert_eq!(
        e.apply(&event_with_attributes("c-1", 300, 2048)),
        CICLO_STATUS_OK,
        "{}",
        last_error()
    );
    // Lowered.
    assert_eq!(e.set_limits(r#"{"attributes": 2}"#), CICLO_STATUS_OK);
    assert_eq!(
        e.apply(&event_with_attributes("c-2", 3, 1)),
        CICLO_STATUS_INVALID_JSON
    );
    // Bad limits change nothing.
    for (bad, status, named) in [
        (
            r#"{"attributes": 0}"#,
            CICLO_STATUS_INVALID_CONFIG,
            "limits.attributes",
        ),
        (
            r#"{"atributes": 3}"#,
            CICLO_STATUS_UNKNOWN_FIELD,
            "atributes",
        ),
        (
            r#"{"attributes": -1}"#,
            CICLO_STATUS_INVALID_JSON,
            "attributes",
        ),
        (
            r#"{"attributes": 3, "attributes": 4}"#,
            CICLO_STATUS_INVALID_JSON,
            "duplicate key `attributes`",
        ),
    ] {
        assert_eq!(e.set_limits(bad), status, "{bad}: {}", last_error());
        assert!(last_error().contains(named), "{bad}: {}", last_error());
    }
    assert_eq!(e.limits()["attributes"], 2);
    // `{}` restores the defaults.
    assert_eq!(e.set_limits("{}"), CICLO_STATUS_OK);
    assert_eq!(e.limits(), defaults);
}

#[test]
fn long_record_fields_are_refused_with_the_field_named() {
    let e = engine();
    // 20 MB: refused before parsing.
    let big = "x".repeat(20 << 20);
    let request =
        format!(r#"{{"system":"crm","id":"1","record":{{"given_name":"Ana","surname":"{big}"}}}}"#);
    assert_eq!(e.ingest(&request), CICLO_STATUS_INVALID_ARGUMENT);
    assert!(
        last_error().contains("record_json_bytes"),
        "{}",
        last_error()
    );
    // 2 KiB: the field is named.
    let long = "x".repeat(2048);
    let request = format!(
        r#"{{"system":"crm","id":"1","record":{{"given_name":"Ana","surname":"{long}"}}}}"#
    );
    assert_eq!(e.ingest(&request), CICLO_STATUS_INVALID_ARGUMENT);
    let message = last_error();
    assert!(
        message.contains("record.surname") && message.contains("record_field_bytes"),
        "{message}"
    );
    assert!(message.len() < 1024);
    // Raised per engine, accepted.
    assert_eq!(
        e.set_limits(r#"{"record_field_bytes": 4096}"#),
        CICLO_STATUS_OK
    );
    assert_eq!(e.ingest(&request), CICLO_STATUS_OK, "{}", last_error());

    // Record standardisation and batch deduplication use the defaults.
    let record = c(&format!(r#"{{"surname":"{long}"}}"#));
    let mut out = ptr::null_mut();
    let status = unsafe { ciclo_record_standardize_json(record.as_ptr(), ptr::null(), &mut out) };
    assert_eq!(status, CICLO_STATUS_INVALID_ARGUMENT);
    assert!(last_error().contains("record.surname"), "{}", last_error());
    let lines = c(&format!(
        "{{\"id\":\"r1\",\"given_name\":\"Ana\"}}\n{{\"id\":\"r2\",\"street\":\"{long}\"}}\n"
    ));
    let status =
        unsafe { ciclo_dedup_json(lines.as_ptr(), ptr::null(), None, ptr::null_mut(), &mut out) };
    assert_eq!(status, CICLO_STATUS_INVALID_ARGUMENT);
    let message = last_error();
    assert!(
        message.contains("line 2") && message.contains("record.street"),
        "{message}"
    );
    // The stateless path: a record's keys, a pair's score.
    let record = c(&format!(r#"{{"given_name":"Ana","surname":"{long}"}}"#));
    let status = unsafe { ciclo_record_blocking_keys_json(record.as_ptr(), ptr::null(), &mut out) };
    assert_eq!(status, CICLO_STATUS_INVALID_ARGUMENT);
    assert!(last_error().contains("surname"), "{}", last_error());
    assert!(last_error().len() < 1024);
    let other = c(r#"{"given_name":"Ana","surname":"Sosa"}"#);
    for (a, b) in [(&record, &other), (&other, &record)] {
        let status =
            unsafe { ciclo_records_score_json(a.as_ptr(), b.as_ptr(), ptr::null(), &mut out) };
        assert_eq!(status, CICLO_STATUS_INVALID_ARGUMENT);
        assert!(last_error().contains("surname"), "{}", last_error());
        assert!(last_error().len() < 1024);
    }
    assert!(out.is_null(), "out untouched on every error");
}

/// Creates `n` customers `n0`, `n1`, ... with one visit each.
fn customers(e: &Engine, n: usize) {
    for i in 0..n {
        assert_eq!(
            e.apply(&format!(
                r#"{{"customer":"n{i}","at":"2026-03-01T10:00:00Z","kind":"visit"}}"#
            )),
            CICLO_STATUS_OK
        );
    }
}

#[test]
fn a_chain_deeper_than_the_limit_is_refused() {
    let e = engine();
    let n = 20_000;
    customers(&e, n);
    // A chain n0 -> n1 -> n2 ...: the 65th link would put n65 65 below n0, so
    // it is refused and n65 starts a chain of its own, and so on.
    let (mut refused, mut message) = (0, String::new());
    for i in 1..n {
        let status = e.link(&format!("n{}", i - 1), &format!("n{i}"));
        if i % 65 != 0 {
            assert_eq!(status, CICLO_STATUS_OK, "link {i}: {}", last_error());
        } else {
            assert_eq!(status, CICLO_STATUS_CONFLICT, "link {i}");
            refused += 1;
            message = last_error();
        }
    }
    assert_eq!(refused, (n - 1) / 65);
    assert!(
        message.contains("limits.hierarchy_depth") && message.contains("child"),
        "{message}"
    );
    // Linking a chain's top under another node counts what hangs below it:
    // n70 is 5 below n65, and n0 has 64 levels below it.
    assert_eq!(e.link("n70", "n0"), CICLO_STATUS_CONFLICT);
    assert!(last_error().contains("70 links"), "{}", last_error());
    // A cycle is still a cycle.
    assert_eq!(e.link("n5", "n0"), CICLO_STATUS_CONFLICT);
    assert!(last_error().contains("cycle"), "{}", last_error());
    // A raised limit lets the chain grow.
    assert_eq!(e.set_limits(r#"{"hierarchy_depth": 200}"#), CICLO_STATUS_OK);
    assert_eq!(e.link("n64", "n65"), CICLO_STATUS_OK, "{}", last_error());
}

// ---------------------------------------------------------------------------
// 9. Repeated keys
// ---------------------------------------------------------------------------

fn refused_with_key(status: ciclo_status, key: &str, what: &str) {
    assert_eq!(
        status,
        CICLO_STATUS_INVALID_JSON,
        "{what}: {}",
        last_error()
    );
    let message = last_error();
    assert!(
        message.contains(&format!("duplicate key `{key}`")),
        "{what}: {message}"
    );
}

#[test]
fn repeated_keys_are_refused_in_every_shape() {
    // The stage-model configuration: `preset`, and inside a whole config.
    for (config, key) in [
        (
            r#"{"preset": "five_stage", "preset": "six_stage"}"#,
            "preset",
        ),
        (
            r#"{"name": "x", "stages": [{"name": "a"}], "lead_scoring": {"points": {"visit": 1, "visit": 5}, "threshold": 3}}"#,
            "lead_scoring.points.visit",
        ),
    ] {
        let config = c(config);
        let mut out: *mut ciclo_engine = ptr::null_mut();
        refused_with_key(
            unsafe { ciclo_engine_new(config.as_ptr(), &mut out) },
            key,
            "engine config",
        );
        let mut model: *mut ciclo_model = ptr::null_mut();
        refused_with_key(
            unsafe { ciclo_model_new(config.as_ptr(), &mut model) },
            key,
            "model config",
        );
    }

    let e = engine();
    // Survivorship `fields`.
    let config =
        c(r#"{"survivorship": {"fields": {"email": ["most_recent"], "email": ["validated"]}}}"#);
    refused_with_key(
        unsafe { ciclo_engine_configure_consolidation(e.0, config.as_ptr()) },
        "survivorship.fields.email",
        "survivorship fields",
    );
    // Event `attributes`, through the engine and the pure step.
    let event = r#"{"customer": "c", "at": "2026-03-01T10:00:00Z", "kind": "visit", "attributes": {"canal": "web", "canal": "tienda"}}"#;
    refused_with_key(e.apply(event), "canal", "event attributes");
    let mut model: *mut ciclo_model = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_model_new(ptr::null(), &mut model) },
        CICLO_STATUS_OK
    );
    let (event_c, mut state) = (c(event), ptr::null_mut());
    refused_with_key(
        unsafe {
            ciclo_model_step_json(
                model,
                ptr::null(),
                event_c.as_ptr(),
                &mut state,
                ptr::null_mut(),
            )
        },
        "canal",
        "step event attributes",
    );
    // A state's attributes (the pure step takes host-stored states).
    let ok = c(
        r#"{"customer": "c", "at": "2026-03-01T10:00:00Z", "kind": "visit", "attributes": {"canal": "web"}}"#,
    );
    assert_eq!(
        unsafe {
            ciclo_model_step_json(model, ptr::null(), ok.as_ptr(), &mut state, ptr::null_mut())
        },
        CICLO_STATUS_OK
    );
    let state_json = take(state);
    assert!(state_json.contains(r#""attributes":{}"#), "{state_json}");
    let twice = c(&state_json.replace(
        r#""attributes":{}"#,
        r#""attributes":{"canal":"web","canal":"x"}"#,
    ));
    let mut next = ptr::null_mut();
    refused_with_key(
        unsafe { ciclo_model_tick_json(model, twice.as_ptr(), 0, &mut next, ptr::null_mut()) },
        "history[0].attributes.canal",
        "state attributes",
    );
    unsafe { ciclo_model_free(model) };

    // Dedup options, and a record line of a batch.
    let lines = c("{\"id\":\"r1\",\"given_name\":\"Ana\"}\n");
    let mut out = ptr::null_mut();
    let options = c(r#"{"golden_records": true, "golden_records": false}"#);
    refused_with_key(
        unsafe {
            ciclo_dedup_json(
                lines.as_ptr(),
                options.as_ptr(),
                None,
                ptr::null_mut(),
                &mut out,
            )
        },
        "golden_records",
        "dedup options",
    );
    let options = c(r#"{"default_country": "AR", "default_country": "ES"}"#);
    refused_with_key(
        unsafe {
            ciclo_dedup_json(
                lines.as_ptr(),
                options.as_ptr(),
                None,
                ptr::null_mut(),
                &mut out,
            )
        },
        "default_country",
        "dedup options",
    );
    let twice = c("{\"id\":\"r1\",\"given_name\":\"Ana\",\"given_name\":\"Eva\"}\n");
    assert_eq!(
        unsafe { ciclo_dedup_json(twice.as_ptr(), ptr::null(), None, ptr::null_mut(), &mut out) },
        CICLO_STATUS_INVALID_JSON
    );
    assert!(
        last_error().contains("line 1") && last_error().contains("duplicate key `given_name`"),
        "{}",
        last_error()
    );
    // A record and an ingest request (structs: serde's own refusal).
    let record = c(r#"{"surname": "García", "surname": "Pérez"}"#);
    assert_eq!(
        unsafe { ciclo_record_standardize_json(record.as_ptr(), ptr::null(), &mut out) },
        CICLO_STATUS_INVALID_JSON
    );
    assert!(last_error().contains("surname"), "{}", last_error());
    // Retention configuration.
    let retention = c(r#"{"triggers": [], "triggers": []}"#);
    refused_with_key(
        unsafe { ciclo_engine_set_retention_json(e.0, retention.as_ptr()) },
        "triggers",
        "retention config",
    );
}

// ---------------------------------------------------------------------------
// 10. Error messages quote a short prefix
// ---------------------------------------------------------------------------

/// Calls `f` with hostile values (a multi-megabyte string bare, as a JSON
/// string, as a JSON key, as the value of a known key) and checks that every
/// failure's message stays under 1 KiB.
fn short_messages(name: &str, f: &dyn Fn(&CStr) -> ciclo_status, failures: &mut Vec<String>) {
    let big = "x".repeat(4 << 20);
    let variants = [
        big.clone(),
        format!("\"{big}\""),
        format!("{{\"{big}\": 1}}"),
        format!("{{\"preset\": \"{big}\"}}"),
        format!("{{\"customer\": \"c\", \"at\": \"{big}\", \"kind\": \"visit\"}}"),
        format!("{{\"customer\": \"c\", \"at\": \"2026-03-01T10:00:00Z\", \"kind\": \"{big}\"}}"),
        format!("{{\"system\": \"crm\", \"id\": \"1\", \"updated\": \"{big}\", \"record\": {{\"given_name\": \"Ana\"}}}}"),
        format!("{{\"default_country\": \"{big}\"}}"),
        format!("{{\"today\": \"{big}\"}}"),
        format!("{{\"golden_records\": \"{big}\"}}"),
        format!("{{\"id\": \"r1\", \"{big}\": \"x\"}}"),
        format!("{{\"survivorship\": {{\"fields\": {{\"{big}\": []}}}}}}"),
        format!("{{\"survivorship\": {{\"default\": [\"{big}\"]}}}}"),
    ];
    for (i, v) in variants.iter().enumerate() {
        let value = c(v);
        let status = f(&value);
        let len = unsafe { CStr::from_ptr(ciclo_last_error_message()) }
            .to_bytes()
            .len();
        if status != CICLO_STATUS_OK && len >= 1024 {
            failures.push(format!("{name} (variant {i}): {len} bytes"));
        }
    }
}

#[test]
fn error_messages_quote_a_short_prefix_of_bad_values() {
    let e = engine();
    assert_eq!(
        e.apply(r#"{"customer":"c","at":"2026-03-01T10:00:00Z","kind":"visit"}"#),
        CICLO_STATUS_OK
    );
    let mut model: *mut ciclo_model = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_model_new(ptr::null(), &mut model) },
        CICLO_STATUS_OK
    );
    let (eng, ok) = (e.0, c("c"));
    let okp = ok.as_ptr();
    let event = c(r#"{"customer":"c","at":"2026-03-01T10:00:00Z","kind":"visit"}"#);
    let lines = c("{\"id\":\"r1\",\"given_name\":\"Ana\"}\n");
    let corp = c("corporate");
    let mut out = ptr::null_mut();
    let mut engine_out: *mut ciclo_engine = ptr::null_mut();
    let mut model_out: *mut ciclo_model = ptr::null_mut();
    let (mut stage, mut since) = (0u32, 0i64);
    let o = &mut out as *mut *mut c_char;
    let eo = &mut engine_out as *mut *mut ciclo_engine;
    let mo = &mut model_out as *mut *mut ciclo_model;
    let st = &mut stage as *mut u32;
    let si = &mut since as *mut i64;
    #[allow(clippy::type_complexity)]
    let calls: Vec<(&str, Box<dyn Fn(&CStr) -> ciclo_status>)> = unsafe {
        vec![
            (
                "ciclo_engine_new",
                Box::new(move |v: &CStr| ciclo_engine_new(v.as_ptr(), eo)),
            ),
            (
                "ciclo_model_new",
                Box::new(move |v: &CStr| ciclo_model_new(v.as_ptr(), mo)),
            ),
            (
                "ciclo_model_step_json(state)",
                Box::new(move |v: &CStr| {
                    ciclo_model_step_json(model, v.as_ptr(), event.as_ptr(), o, ptr::null_mut())
                }),
            ),
            (
                "ciclo_model_step_json(event)",
                Box::new(move |v: &CStr| {
                    ciclo_model_step_json(model, ptr::null(), v.as_ptr(), o, ptr::null_mut())
                }),
            ),
            (
                "ciclo_model_tick_json",
                Box::new(move |v: &CStr| {
                    ciclo_model_tick_json(model, v.as_ptr(), 0, o, ptr::null_mut())
                }),
            ),
            (
                "ciclo_engine_apply_json",
                Box::new(move |v: &CStr| ciclo_engine_apply_json(eng, v.as_ptr(), ptr::null_mut())),
            ),
            (
                "ciclo_engine_customer_json",
                Box::new(move |v: &CStr| ciclo_engine_customer_json(eng, v.as_ptr(), o)),
            ),
            (
                "ciclo_engine_customer_state_json",
                Box::new(move |v: &CStr| ciclo_engine_customer_state_json(eng, v.as_ptr(), o)),
            ),
            (
                "ciclo_engine_import_customer(id)",
                Box::new(move |v: &CStr| {
                    ciclo_engine_import_customer(eng, v.as_ptr(), c("{}").as_ptr())
                }),
            ),
            (
                "ciclo_engine_import_customer(state)",
                Box::new(move |v: &CStr| {
                    ciclo_engine_import_customer(eng, c("new").as_ptr(), v.as_ptr())
                }),
            ),
            (
                "ciclo_engine_remove_customer",
                Box::new(move |v: &CStr| ciclo_engine_remove_customer(eng, v.as_ptr())),
            ),
            (
                "ciclo_engine_customer_stage",
                Box::new(move |v: &CStr| ciclo_engine_customer_stage(eng, v.as_ptr(), st, si)),
            ),
            (
                "ciclo_engine_set_limits_json",
                Box::new(move |v: &CStr| ciclo_engine_set_limits_json(eng, v.as_ptr())),
            ),
            (
                "ciclo_engine_set_retention_json",
                Box::new(move |v: &CStr| ciclo_engine_set_retention_json(eng, v.as_ptr())),
            ),
            (
                "ciclo_engine_evaluate_json",
                Box::new(move |v: &CStr| ciclo_engine_evaluate_json(eng, v.as_ptr(), 0, o)),
            ),
            (
                "ciclo_engine_signals_json",
                Box::new(move |v: &CStr| ciclo_engine_signals_json(eng, v.as_ptr(), 0, o)),
            ),
            (
                "ciclo_engine_churn_json",
                Box::new(move |v: &CStr| ciclo_engine_churn_json(eng, v.as_ptr(), 0, o)),
            ),
            (
                "ciclo_engine_fit_models_json",
                Box::new(move |v: &CStr| ciclo_engine_fit_models_json(eng, 0, v.as_ptr(), o)),
            ),
            (
                "ciclo_engine_record_win_back",
                Box::new(move |v: &CStr| ciclo_engine_record_win_back(eng, v.as_ptr(), 0, 1)),
            ),
            (
                "ciclo_models_fit_json(population)",
                Box::new(move |v: &CStr| ciclo_models_fit_json(v.as_ptr(), ptr::null(), o)),
            ),
            (
                "ciclo_models_fit_json(options)",
                Box::new(move |v: &CStr| ciclo_models_fit_json(c("[]").as_ptr(), v.as_ptr(), o)),
            ),
            (
                "ciclo_models_predict_json(models)",
                Box::new(move |v: &CStr| {
                    ciclo_models_predict_json(v.as_ptr(), c("[]").as_ptr(), ptr::null(), o)
                }),
            ),
            (
                "ciclo_models_predict_json(options)",
                Box::new(move |v: &CStr| {
                    ciclo_models_predict_json(c("{}").as_ptr(), c("[]").as_ptr(), v.as_ptr(), o)
                }),
            ),
            (
                "ciclo_engine_ingest_json",
                Box::new(move |v: &CStr| ciclo_engine_ingest_json(eng, v.as_ptr(), o)),
            ),
            (
                "ciclo_engine_configure_consolidation",
                Box::new(move |v: &CStr| ciclo_engine_configure_consolidation(eng, v.as_ptr())),
            ),
            (
                "ciclo_engine_golden_json",
                Box::new(move |v: &CStr| ciclo_engine_golden_json(eng, v.as_ptr(), o)),
            ),
            (
                "ciclo_engine_golden_of(system)",
                Box::new(move |v: &CStr| ciclo_engine_golden_of(eng, v.as_ptr(), okp, o)),
            ),
            (
                "ciclo_engine_golden_of(id)",
                Box::new(move |v: &CStr| ciclo_engine_golden_of(eng, okp, v.as_ptr(), o)),
            ),
            (
                "ciclo_engine_merge",
                Box::new(move |v: &CStr| {
                    ciclo_engine_merge(eng, v.as_ptr(), c("G1").as_ptr(), ptr::null_mut())
                }),
            ),
            (
                "ciclo_engine_unmerge",
                Box::new(move |v: &CStr| {
                    ciclo_engine_unmerge(eng, okp, v.as_ptr(), ptr::null_mut())
                }),
            ),
            (
                "ciclo_engine_dismiss_review",
                Box::new(move |v: &CStr| ciclo_engine_dismiss_review(eng, v.as_ptr(), okp)),
            ),
            (
                "ciclo_engine_link(kind)",
                Box::new(move |v: &CStr| ciclo_engine_link(eng, v.as_ptr(), okp, c("d").as_ptr())),
            ),
            (
                "ciclo_engine_link(parent)",
                Box::new(move |v: &CStr| ciclo_engine_link(eng, corp.as_ptr(), v.as_ptr(), okp)),
            ),
            (
                "ciclo_engine_unlink",
                Box::new(move |v: &CStr| {
                    ciclo_engine_unlink(eng, c("corporate").as_ptr(), v.as_ptr(), okp)
                }),
            ),
            (
                "ciclo_engine_hierarchy_json",
                Box::new(move |v: &CStr| ciclo_engine_hierarchy_json(eng, v.as_ptr(), okp, o)),
            ),
            (
                "ciclo_engine_roll_up_json",
                Box::new(move |v: &CStr| {
                    ciclo_engine_roll_up_json(eng, c("corporate").as_ptr(), v.as_ptr(), o)
                }),
            ),
            (
                "ciclo_dedup_json(records)",
                Box::new(move |v: &CStr| {
                    ciclo_dedup_json(v.as_ptr(), ptr::null(), None, ptr::null_mut(), o)
                }),
            ),
            (
                "ciclo_dedup_json(options)",
                Box::new(move |v: &CStr| {
                    ciclo_dedup_json(lines.as_ptr(), v.as_ptr(), None, ptr::null_mut(), o)
                }),
            ),
            (
                "ciclo_phone_normalize(input)",
                Box::new(move |v: &CStr| ciclo_phone_normalize(v.as_ptr(), c("AR").as_ptr(), o)),
            ),
            (
                "ciclo_phone_normalize(region)",
                Box::new(move |v: &CStr| {
                    ciclo_phone_normalize(c("1123456789").as_ptr(), v.as_ptr(), o)
                }),
            ),
            (
                "ciclo_id_normalize(kind)",
                Box::new(move |v: &CStr| ciclo_id_normalize(v.as_ptr(), c("12345678").as_ptr(), o)),
            ),
            (
                "ciclo_id_normalize(input)",
                Box::new(move |v: &CStr| ciclo_id_normalize(c("ar_cuit").as_ptr(), v.as_ptr(), o)),
            ),
            (
                "ciclo_record_standardize_json(record)",
                Box::new(move |v: &CStr| ciclo_record_standardize_json(v.as_ptr(), ptr::null(), o)),
            ),
            (
                "ciclo_record_standardize_json(options)",
                Box::new(move |v: &CStr| {
                    ciclo_record_standardize_json(c("{}").as_ptr(), v.as_ptr(), o)
                }),
            ),
        ]
    };
    let mut failures = Vec::new();
    for (name, f) in &calls {
        short_messages(name, f.as_ref(), &mut failures);
    }
    drop(calls);
    unsafe { ciclo_model_free(model) };
    assert!(
        failures.is_empty(),
        "long messages:\n{}",
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------
// 11. The last error after a progress callback
// ---------------------------------------------------------------------------

unsafe extern "C" fn failing_call_inside(
    user: *mut c_void,
    _step: *const c_char,
    _done: usize,
    _total: usize,
) {
    // A host that asks for something that fails while it shows progress.
    let calls = &mut *(user as *mut usize);
    *calls += 1;
    let mut out = ptr::null_mut();
    let status = ciclo_phone_normalize(c"not a phone".as_ptr(), c"ZZ".as_ptr(), &mut out);
    assert_ne!(status, CICLO_STATUS_OK);
    assert!(!last_error().is_empty());
}

#[test]
fn a_failure_inside_a_progress_callback_does_not_outlive_the_outer_call() {
    let lines =
        c("{\"id\":\"r1\",\"given_name\":\"Ana\"}\n{\"id\":\"r2\",\"given_name\":\"Ana\"}\n");
    let mut calls = 0usize;
    let mut out = ptr::null_mut();
    let status = unsafe {
        ciclo_dedup_json(
            lines.as_ptr(),
            ptr::null(),
            Some(failing_call_inside),
            &mut calls as *mut usize as *mut c_void,
            &mut out,
        )
    };
    assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
    take(out);
    assert!(calls > 0);
    assert_eq!(last_error(), "", "the outer call succeeded");

    // A failing outer call leaves its own message.
    let bad = c("{\"id\":\"r1\",\"given_name\":\"Ana\"}\n{\"id\":\"r1\"}\n");
    let status = unsafe {
        ciclo_dedup_json(
            bad.as_ptr(),
            ptr::null(),
            Some(failing_call_inside),
            &mut calls as *mut usize as *mut c_void,
            &mut out,
        )
    };
    assert_eq!(status, CICLO_STATUS_INVALID_ARGUMENT);
    assert!(last_error().contains("repeated"), "{}", last_error());
}
