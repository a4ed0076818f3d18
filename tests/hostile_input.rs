//! Classes of hostile input the fuzz targets (`fuzz/`) generate, pinned here with the
//! status each gets through the C ABI (RELIABILITY.md's table points at these
//! tests): deep nesting, huge and non-finite numbers, duplicate keys, wrong types,
//! escaped NULs, oversized values, extreme times, struct fields out of range,
//! resealed snapshots, and concurrent use of one engine. Nothing may crash or
//! return `CICLO_STATUS_PANIC`, and the out-parameter stays untouched on failure.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use ciclo::ffi::ciclo_engine;
use ciclo::ffi::consolidation::*;
use ciclo::ffi::engine::*;
use ciclo::ffi::event::*;
use ciclo::ffi::memory::*;
use ciclo::ffi::retention::*;
use ciclo::ffi::standardize::*;
use ciclo::ffi::status::*;
use ciclo::ffi::step::*;
use ciclo::ffi::version::*;

fn dangling() -> *mut c_char {
    ptr::NonNull::<c_char>::dangling().as_ptr()
}

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn last_error() -> String {
    unsafe { CStr::from_ptr(ciclo_last_error_message()) }
        .to_str()
        .unwrap()
        .to_owned()
}

fn name(status: ciclo_status) -> String {
    unsafe { CStr::from_ptr(ciclo_status_name(status)) }
        .to_str()
        .unwrap()
        .to_owned()
}

struct Engine(*mut ciclo_engine);

impl Drop for Engine {
    fn drop(&mut self) {
        unsafe { ciclo_engine_free(self.0) }
    }
}

fn engine() -> Engine {
    let mut e = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_new(ptr::null(), &mut e) },
        CICLO_STATUS_OK
    );
    Engine(e)
}

fn snapshot(e: &Engine) -> Vec<u8> {
    let mut bytes = ptr::null_mut();
    let mut len = 0usize;
    assert_eq!(
        unsafe { ciclo_engine_snapshot(e.0, &mut bytes, &mut len) },
        CICLO_STATUS_OK
    );
    let v = unsafe { std::slice::from_raw_parts(bytes, len) }.to_vec();
    unsafe { ciclo_bytes_free(bytes, len) };
    v
}

/// Calls `f` with a fresh out-pointer; checks the out-parameter convention and
/// frees what was returned. Returns the status.
fn call(f: impl FnOnce(*mut *mut c_char) -> ciclo_status) -> ciclo_status {
    let sentinel = dangling();
    let mut out = sentinel;
    let st = f(&mut out);
    assert_ne!(st, CICLO_STATUS_PANIC, "{}", last_error());
    if st == CICLO_STATUS_OK {
        assert!(out != sentinel && !out.is_null());
        unsafe { ciclo_string_free(out) };
    } else {
        assert_eq!(out, sentinel, "out-parameter written on failure");
    }
    st
}

fn apply(e: &Engine, json: &str) -> ciclo_status {
    let j = c(json);
    call(|o| unsafe { ciclo_engine_apply_json(e.0, j.as_ptr(), o) })
}

fn new_engine_status(config: &str) -> ciclo_status {
    let j = c(config);
    let mut e = ptr::null_mut();
    let st = unsafe { ciclo_engine_new(j.as_ptr(), &mut e) };
    unsafe { ciclo_engine_free(e) };
    st
}

fn standardize(record: &str) -> ciclo_status {
    let j = c(record);
    let o = c(r#"{"today": "2026-11-23"}"#);
    call(|out| unsafe { ciclo_record_standardize_json(j.as_ptr(), o.as_ptr(), out) })
}

fn ingest(e: &Engine, json: &str) -> ciclo_status {
    let j = c(json);
    call(|o| unsafe { ciclo_engine_ingest_json(e.0, j.as_ptr(), o) })
}

fn dedup(jsonl: &str) -> ciclo_status {
    let j = c(jsonl);
    call(|o| unsafe { ciclo_dedup_json(j.as_ptr(), ptr::null(), None, ptr::null_mut(), o) })
}

fn set_retention(e: &Engine, json: &str) -> ciclo_status {
    let j = c(json);
    unsafe { ciclo_engine_set_retention_json(e.0, j.as_ptr()) }
}

fn configure(e: &Engine, json: &str) -> ciclo_status {
    let j = c(json);
    unsafe { ciclo_engine_configure_consolidation(e.0, j.as_ptr()) }
}

const AT: &str = "2026-03-01T10:00:00Z";

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn deep_nesting_is_invalid_json_not_a_stack_overflow() {
    let e = engine();
    for depth in [200, 100_000] {
        let deep = nested(depth);
        assert_eq!(apply(&e, &deep), CICLO_STATUS_INVALID_JSON);
        let ev = format!(
            r#"{{"customer": "c", "at": "{AT}", "kind": "visit", "attributes": {{"x": {deep}}}}}"#
        );
        assert_eq!(
            apply(&e, &ev),
            CICLO_STATUS_INVALID_JSON,
            "{}",
            last_error()
        );
        assert_eq!(new_engine_status(&deep), CICLO_STATUS_INVALID_JSON);
        let rules = format!(r#"{{"rules": {deep}}}"#);
        assert_eq!(set_retention(&e, &rules), CICLO_STATUS_INVALID_JSON);
        let survivorship = format!(r#"{{"survivorship": {deep}}}"#);
        assert_eq!(configure(&e, &survivorship), CICLO_STATUS_INVALID_JSON);
        assert_eq!(standardize(&deep), CICLO_STATUS_INVALID_JSON);
        assert_eq!(ingest(&e, &deep), CICLO_STATUS_INVALID_JSON);
        assert_eq!(dedup(&deep), CICLO_STATUS_INVALID_JSON);
        let n = depth.min(5000);
        let when = format!(
            r#"{{"rules": [{{"name": "r", "action": "discount", "when": {}{{"signal": "revenue", "op": ">", "value": 1}}{}}}]}}"#,
            r#"{"not": "#.repeat(n),
            "}".repeat(n)
        );
        assert_eq!(
            set_retention(&e, &when),
            CICLO_STATUS_INVALID_JSON,
            "{}",
            last_error()
        );
    }
}

#[test]
fn huge_and_non_finite_numbers() {
    let e = engine();
    for amount in [
        "1e400",
        "9223372036854775808",
        "-9223372036854775809",
        "1.5",
        "\"12\"",
    ] {
        let ev = format!(
            r#"{{"customer": "c", "at": "{AT}", "kind": "purchase", "amount": {amount}, "currency": "ARS"}}"#
        );
        assert_eq!(
            apply(&e, &ev),
            CICLO_STATUS_INVALID_JSON,
            "amount {amount}: {}",
            last_error()
        );
    }
    // The largest amount is accepted; revenue that would overflow is refused.
    let max = format!(
        r#"{{"customer": "c", "at": "{AT}", "kind": "purchase", "amount": 9223372036854775807, "currency": "ARS"}}"#
    );
    assert_eq!(apply(&e, &max), CICLO_STATUS_OK, "{}", last_error());
    let again = max.replace("10:00:00Z", "11:00:00Z");
    let st = apply(&e, &again);
    assert_eq!(
        st,
        CICLO_STATUS_INVALID_AMOUNT,
        "{} {}",
        name(st),
        last_error()
    );
    // A score or quantity beyond f64 is malformed JSON.
    let score = format!(r#"{{"customer": "d", "at": "{AT}", "kind": "survey", "score": 1e999}}"#);
    assert_eq!(apply(&e, &score), CICLO_STATUS_INVALID_JSON);
    assert_eq!(
        set_retention(
            &e,
            r#"{"rules": [{"name": "r", "action": "discount", "when": {"signal": "revenue", "op": ">", "value": 1e400}}]}"#
        ),
        CICLO_STATUS_INVALID_JSON
    );
}

#[test]
fn duplicate_keys_and_wrong_types() {
    let e = engine();
    let dup = format!(r#"{{"customer": "c", "customer": "d", "at": "{AT}", "kind": "visit"}}"#);
    assert_eq!(
        apply(&e, &dup),
        CICLO_STATUS_INVALID_JSON,
        "{}",
        last_error()
    );
    // Every strict shape refuses a repeated key...
    let config = r#"{"name": "m", "name": "n", "stages": [{"name": "a"}, {"name": "b"}], "rules": [{"name": "r", "to": "b", "on": "purchase"}]}"#;
    assert_eq!(new_engine_status(config), CICLO_STATUS_INVALID_JSON);
    assert_eq!(
        set_retention(&e, r#"{"rules": [], "rules": []}"#),
        CICLO_STATUS_INVALID_JSON
    );
    assert_eq!(
        configure(&e, r#"{"max_block": 5, "max_block": 6}"#),
        CICLO_STATUS_INVALID_JSON
    );
    let request = r#"{"system": "a", "system": "b", "id": "x", "record": {"given_name": "Ana"}}"#;
    assert_eq!(ingest(&e, request), CICLO_STATUS_INVALID_JSON);
    // The `{"preset": NAME}` form too.
    let preset = r#"{"preset": "five_stage", "preset": "six_stage"}"#;
    assert_eq!(new_engine_status(preset), CICLO_STATUS_INVALID_JSON);
    assert_eq!(
        standardize(r#"{"email": "a@b.c", "email": "d@e.f"}"#),
        CICLO_STATUS_INVALID_JSON
    );
    for wrong in [
        format!(r#"{{"customer": 5, "at": "{AT}", "kind": "visit"}}"#),
        r#"{"customer": "c", "at": 1772359200000, "kind": "visit"}"#.to_owned(),
        format!(r#"{{"customer": "c", "at": "{AT}", "kind": ["visit"]}}"#),
        "[]".to_owned(),
        "null".to_owned(),
        "\"event\"".to_owned(),
    ] {
        assert_eq!(apply(&e, &wrong), CICLO_STATUS_INVALID_JSON, "{wrong}");
    }
    assert_eq!(standardize(r#"{"email": 5}"#), CICLO_STATUS_INVALID_JSON);
    assert_eq!(
        ingest(&e, r#"{"system": 1, "id": "x", "record": {}}"#),
        CICLO_STATUS_INVALID_JSON
    );
    assert_eq!(
        set_retention(&e, r#"{"rules": {}}"#),
        CICLO_STATUS_INVALID_JSON
    );
    assert_eq!(
        configure(&e, r#"{"max_block": "200"}"#),
        CICLO_STATUS_INVALID_JSON
    );
}

#[test]
fn oversized_values() {
    let e = engine();
    let long = "x".repeat(1025);
    let ev = format!(r#"{{"customer": "{long}", "at": "{AT}", "kind": "visit"}}"#);
    assert_eq!(apply(&e, &ev), CICLO_STATUS_INVALID_ARGUMENT);
    // A megabyte in a record field is over the record limits: refused, naming
    // the limit, not a crash.
    let big = "a".repeat(1 << 20);
    let st = standardize(&format!(r#"{{"given_name": "{big}"}}"#));
    assert_eq!(st, CICLO_STATUS_INVALID_ARGUMENT, "{}", name(st));
    let st = call(|o| {
        let p = c(&format!("+{}", "9".repeat(1 << 16)));
        unsafe { ciclo_phone_normalize(p.as_ptr(), ptr::null(), o) }
    });
    assert_eq!(st, CICLO_STATUS_INVALID_VALUE, "{}", last_error());
    let st = call(|o| {
        let p = c(&"1".repeat(1 << 16));
        unsafe { ciclo_id_normalize(c"ar_cuit".as_ptr(), p.as_ptr(), o) }
    });
    assert_eq!(st, CICLO_STATUS_INVALID_VALUE, "{}", last_error());
}

#[test]
fn extreme_times() {
    let e = engine();
    assert_eq!(
        apply(
            &e,
            &format!(r#"{{"customer": "c", "at": "{AT}", "kind": "visit"}}"#)
        ),
        CICLO_STATUS_OK
    );
    for now in [i64::MIN, i64::MAX, -62_135_596_801_000, 253_402_300_800_000] {
        let mut n = usize::MAX;
        let st = unsafe { ciclo_engine_tick(e.0, now, &mut n, ptr::null_mut()) };
        assert_eq!(st, CICLO_STATUS_INVALID_TIMESTAMP, "{now}");
        assert_eq!(n, usize::MAX);
        let st = call(|o| unsafe { ciclo_engine_evaluate_json(e.0, ptr::null(), now, o) });
        assert_eq!(st, CICLO_STATUS_INVALID_TIMESTAMP, "{now}");
    }
    let mut ev = struct_event(c"c".as_ptr(), CICLO_EVENT_KIND_VISIT);
    for at in [i64::MIN, i64::MAX] {
        ev.at_ms = at;
        let st = unsafe { ciclo_engine_apply(e.0, &ev, ptr::null_mut()) };
        assert_eq!(st, CICLO_STATUS_INVALID_TIMESTAMP);
    }
    // Older than the customer's watermark: out of order; equal: fine.
    let older = r#"{"customer": "c", "at": "2026-02-01T00:00:00Z", "kind": "visit"}"#;
    assert_eq!(apply(&e, older), CICLO_STATUS_OUT_OF_ORDER);
}

fn struct_event(customer: *const c_char, kind: u32) -> ciclo_event {
    ciclo_event {
        customer_id: customer,
        event_id: ptr::null(),
        at_ms: 1_772_359_200_000,
        kind,
        custom_kind: ptr::null(),
        amount_minor: 0,
        currency: ptr::null(),
        category: ptr::null(),
        reason: ptr::null(),
        score: 0.0,
        has_score: 0,
        quantity: 0.0,
        has_quantity: 0,
        attributes: ptr::null(),
        attribute_count: 0,
    }
}

#[test]
fn struct_fields_out_of_range() {
    let e = engine();
    let cust = c"c".as_ptr();
    let st_of = |ev: &ciclo_event| {
        let mut out = ciclo_outcome {
            applied: 77,
            created: 77,
            transitioned: 77,
            from_stage: 77,
            stage: 77,
            rule: 77,
            at_ms: 77,
        };
        let st = unsafe { ciclo_engine_apply(e.0, ev, &mut out) };
        assert_ne!(st, CICLO_STATUS_PANIC);
        if st != CICLO_STATUS_OK {
            assert_eq!((out.applied, out.stage, out.at_ms), (77, 77, 77));
        }
        st
    };
    for kind in [0, 19, 999, 1001, u32::MAX] {
        assert_eq!(
            st_of(&struct_event(cust, kind)),
            CICLO_STATUS_UNKNOWN_EVENT_KIND,
            "{kind}"
        );
    }
    // CUSTOM without a name, or a name the model does not declare.
    assert_ne!(
        st_of(&struct_event(cust, CICLO_EVENT_KIND_CUSTOM)),
        CICLO_STATUS_OK
    );
    let mut ev = struct_event(cust, CICLO_EVENT_KIND_CUSTOM);
    ev.custom_kind = c"webinar".as_ptr();
    assert_eq!(st_of(&ev), CICLO_STATUS_UNKNOWN_EVENT_KIND);
    // Non-finite and out-of-range scores and quantities.
    for score in [f64::NAN, f64::INFINITY, -1.0, 101.0] {
        let mut ev = struct_event(cust, CICLO_EVENT_KIND_SURVEY);
        ev.score = score;
        ev.has_score = 1;
        assert_eq!(st_of(&ev), CICLO_STATUS_INVALID_ARGUMENT, "{score}");
    }
    for q in [f64::NAN, f64::NEG_INFINITY, -1.0] {
        let mut ev = struct_event(cust, CICLO_EVENT_KIND_USAGE);
        ev.quantity = q;
        ev.has_quantity = 1;
        assert_eq!(st_of(&ev), CICLO_STATUS_INVALID_ARGUMENT, "{q}");
    }
    // A negative amount and a bad currency.
    let mut ev = struct_event(cust, CICLO_EVENT_KIND_PURCHASE);
    ev.amount_minor = -1;
    ev.currency = c"ARS".as_ptr();
    assert_eq!(st_of(&ev), CICLO_STATUS_INVALID_AMOUNT);
    ev.amount_minor = 1;
    ev.currency = c"A\xffS".as_ptr();
    assert_eq!(st_of(&ev), CICLO_STATUS_INVALID_UTF8);
    // A NULL customer.
    assert_eq!(
        st_of(&struct_event(ptr::null(), CICLO_EVENT_KIND_VISIT)),
        CICLO_STATUS_NULL_ARGUMENT
    );
}

#[test]
fn escaped_nul_and_control_characters() {
    let e = engine();
    // A customer id with an escaped NUL could not be named through a C string
    // afterwards: refused, as every control character.
    let st = apply(
        &e,
        &format!(r#"{{"customer": "a\u0000b", "at": "{AT}", "kind": "visit"}}"#),
    );
    assert_eq!(st, CICLO_STATUS_INVALID_ARGUMENT, "{}", name(st));
    let st = apply(
        &e,
        &format!(r#"{{"customer": "c", "at": "{AT}", "kind": "visit", "id": "\ud800"}}"#),
    );
    assert_eq!(
        st,
        CICLO_STATUS_INVALID_JSON,
        "lone surrogate: {}",
        last_error()
    );
    assert_eq!(
        standardize(r#"{"given_name": "Jos\u0000é"}"#),
        CICLO_STATUS_OK
    );
    let st = call(|o| unsafe {
        ciclo_phone_normalize(c"+54 9 11 2345\u{7}6789".as_ptr(), ptr::null(), o)
    });
    assert_ne!(st, CICLO_STATUS_PANIC);
}

fn reseal(payload: &[u8], version: u32) -> Vec<u8> {
    let mut out = b"CICLOSNP".to_vec();
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

fn restore(bytes: &[u8]) -> ciclo_status {
    let sentinel = ptr::NonNull::<ciclo_engine>::dangling().as_ptr();
    let mut out = sentinel;
    let st = unsafe { ciclo_engine_restore(bytes.as_ptr(), bytes.len(), &mut out) };
    if st == CICLO_STATUS_OK {
        unsafe { ciclo_engine_free(out) };
    } else {
        assert_eq!(out, sentinel);
    }
    st
}

#[test]
fn resealed_snapshots_reach_the_content_checks() {
    let e = engine();
    assert_eq!(
        apply(
            &e,
            &format!(r#"{{"customer": "c", "at": "{AT}", "kind": "visit"}}"#)
        ),
        CICLO_STATUS_OK
    );
    let snap = snapshot(&e);
    let payload = &snap[24..];
    assert_eq!(restore(&reseal(payload, 8)), CICLO_STATUS_OK);
    // Mislabelled versions, garbage, truncations and trailing bytes behind a valid
    // checksum.
    for (what, bytes) in [
        ("as version 1", reseal(payload, 1)),
        ("as version 2", reseal(payload, 2)),
        ("as version 4", reseal(payload, 4)),
        ("as version 5", reseal(payload, 5)),
        ("as version 6", reseal(payload, 6)),
        ("as version 9", reseal(payload, 9)),
        ("empty payload", reseal(&[], 3)),
        ("garbage", reseal(&[0xff; 64], 3)),
        ("half", reseal(&payload[..payload.len() / 2], 3)),
        ("trailing byte", reseal(&[payload, &[0]].concat(), 3)),
    ] {
        assert_eq!(restore(&bytes), CICLO_STATUS_CORRUPT_SNAPSHOT, "{what}");
    }
    // NULL bytes: with length 0 corrupt, with a length a NULL argument.
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_restore(ptr::null(), 0, &mut out) },
        CICLO_STATUS_CORRUPT_SNAPSHOT
    );
    assert_eq!(
        unsafe { ciclo_engine_restore(ptr::null(), 10, &mut out) },
        CICLO_STATUS_NULL_ARGUMENT
    );
}

#[test]
fn concurrent_mixed_use_of_one_engine() {
    let e = engine();
    // Plain customers beside consolidated ones.
    let config = c(r#"{"customers_from_events": true}"#);
    assert_eq!(
        unsafe { ciclo_engine_configure_consolidation(e.0, config.as_ptr()) },
        CICLO_STATUS_OK
    );
    let p = e.0 as usize;
    std::thread::scope(|s| {
        for t in 0..4 {
            s.spawn(move || {
                let e = p as *const ciclo_engine;
                for i in 0..50 {
                    let ev = c(&format!(
                        r#"{{"customer": "c{}", "at": "2026-01-01T00:{:02}:{:02}Z", "kind": "purchase", "amount": 100, "currency": "ARS"}}"#,
                        i % 5, t, i
                    ));
                    let st = unsafe { ciclo_engine_apply_json(e, ev.as_ptr(), ptr::null_mut()) };
                    assert!(st == CICLO_STATUS_OK || st == CICLO_STATUS_OUT_OF_ORDER, "{}", last_error());
                    let rec = c(&format!(
                        r#"{{"system": "s{t}", "id": "{i}", "updated": "2026-01-01T00:00:00Z", "record": {{"given_name": "Ana{i}", "surname": "López"}}}}"#
                    ));
                    let st = call(|o| unsafe { ciclo_engine_ingest_json(e, rec.as_ptr(), o) });
                    assert_eq!(st, CICLO_STATUS_OK, "{}", last_error());
                    let mut bytes = ptr::null_mut();
                    let mut len = 0usize;
                    assert_eq!(unsafe { ciclo_engine_snapshot(e, &mut bytes, &mut len) }, CICLO_STATUS_OK);
                    assert_eq!(restore(unsafe { std::slice::from_raw_parts(bytes, len) }), CICLO_STATUS_OK);
                    unsafe { ciclo_bytes_free(bytes, len) };
                    let st = call(|o| unsafe { ciclo_engine_evaluate_json(e, ptr::null(), 1_767_225_600_000 + 86_400_000, o) });
                    assert_eq!(st, CICLO_STATUS_OK, "{}", last_error());
                    let mut n = 0usize;
                    unsafe { ciclo_engine_tick(e, 1_767_225_600_000 + 86_400_000, &mut n, ptr::null_mut()) };
                }
            });
        }
    });
}

#[test]
fn model_step_with_hostile_state() {
    let mut m = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_model_new(ptr::null(), &mut m) },
        CICLO_STATUS_OK
    );
    let ev = c(&format!(
        r#"{{"customer": "c", "at": "{AT}", "kind": "visit"}}"#
    ));
    for state in [
        nested(100_000),
        "{}".to_owned(),
        r#"{"stage": "nowhere"}"#.to_owned(),
        "null".to_owned(),
    ] {
        let s = c(&state);
        let mut out_state = dangling();
        let st = unsafe {
            ciclo_model_step_json(m, s.as_ptr(), ev.as_ptr(), &mut out_state, ptr::null_mut())
        };
        assert_ne!(st, CICLO_STATUS_OK, "{state:.40}");
        assert_ne!(st, CICLO_STATUS_PANIC);
        assert_eq!(out_state, dangling());
    }
    unsafe { ciclo_model_free(m) };
}
