//! The C ABI seen from a host: every entry point with NULL pointers, invalid UTF-8,
//! malformed JSON and each documented error, table-driven. Nothing may crash, out
//! parameters are written only on success, and a rejected call changes nothing.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use ciclo::ffi::engine::*;
use ciclo::ffi::event::*;
use ciclo::ffi::memory::*;
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

impl Engine {
    fn new(config: Option<&str>) -> Engine {
        let config = config.map(c);
        let mut out = ptr::null_mut();
        let status = unsafe {
            ciclo_engine_new(
                config.as_ref().map_or(ptr::null(), |c| c.as_ptr()),
                &mut out,
            )
        };
        assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
        Engine(out)
    }

    fn apply(&self, json: &str) -> (ciclo_status, Option<String>) {
        let json = c(json);
        let mut out = ptr::null_mut();
        let status = unsafe { ciclo_engine_apply_json(self.0, json.as_ptr(), &mut out) };
        (status, (!out.is_null()).then(|| take(out)))
    }

    fn snapshot(&self) -> Vec<u8> {
        let (mut bytes, mut len) = (ptr::null_mut(), 0usize);
        assert_eq!(
            unsafe { ciclo_engine_snapshot(self.0, &mut bytes, &mut len) },
            CICLO_STATUS_OK
        );
        let v = unsafe { std::slice::from_raw_parts(bytes, len) }.to_vec();
        unsafe { ciclo_bytes_free(bytes, len) };
        v
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        unsafe { ciclo_engine_free(self.0) };
    }
}

const BUY: &str = r#"{"id":"e1","customer":"ana","at":"2026-03-01T10:00:00Z","kind":"purchase","amount":1000,"currency":"ARS"}"#;

#[test]
fn bad_events_get_their_own_status_and_change_nothing() {
    let engine = Engine::new(None);
    assert_eq!(engine.apply(BUY).0, CICLO_STATUS_OK);
    let before = engine.snapshot();
    let rows: &[(&str, &str, ciclo_status, &str)] = &[
        (
            "malformed JSON",
            r#"{"customer":"ana""#,
            CICLO_STATUS_INVALID_JSON,
            "event",
        ),
        ("not an object", "[1,2]", CICLO_STATUS_INVALID_JSON, "event"),
        (
            "missing field",
            r#"{"customer":"ana","kind":"visit"}"#,
            CICLO_STATUS_INVALID_JSON,
            "at",
        ),
        (
            "unknown field",
            r#"{"customer":"ana","at":"2026-03-02T00:00:00Z","kind":"visit","colour":"red"}"#,
            CICLO_STATUS_UNKNOWN_FIELD,
            "colour",
        ),
        (
            "unknown kind",
            r#"{"customer":"ana","at":"2026-03-02T00:00:00Z","kind":"teleport"}"#,
            CICLO_STATUS_UNKNOWN_EVENT_KIND,
            "event.kind",
        ),
        (
            "bad timestamp",
            r#"{"customer":"ana","at":"2026-02-30T00:00:00Z","kind":"visit"}"#,
            CICLO_STATUS_INVALID_TIMESTAMP,
            "event.at",
        ),
        (
            "year out of range",
            r#"{"customer":"ana","at":"10000-01-01T00:00:00Z","kind":"visit"}"#,
            CICLO_STATUS_INVALID_TIMESTAMP,
            "event.at",
        ),
        (
            "negative amount",
            r#"{"customer":"ana","at":"2026-03-02T00:00:00Z","kind":"purchase","amount":-1,"currency":"ARS"}"#,
            CICLO_STATUS_INVALID_AMOUNT,
            "event.amount",
        ),
        (
            "amount without currency",
            r#"{"customer":"ana","at":"2026-03-02T00:00:00Z","kind":"purchase","amount":1}"#,
            CICLO_STATUS_INVALID_AMOUNT,
            "event.currency",
        ),
        (
            "bad currency",
            r#"{"customer":"ana","at":"2026-03-02T00:00:00Z","kind":"purchase","amount":1,"currency":"PESOS"}"#,
            CICLO_STATUS_INVALID_AMOUNT,
            "event.currency",
        ),
        (
            "revenue overflow",
            r#"{"customer":"ana","at":"2026-03-02T00:00:00Z","kind":"purchase","amount":9223372036854775807,"currency":"ARS"}"#,
            CICLO_STATUS_INVALID_AMOUNT,
            "revenue in ARS would overflow",
        ),
        (
            "empty customer",
            r#"{"customer":"","at":"2026-03-02T00:00:00Z","kind":"visit"}"#,
            CICLO_STATUS_INVALID_ARGUMENT,
            "event.customer",
        ),
        (
            "score on a visit",
            r#"{"customer":"ana","at":"2026-03-02T00:00:00Z","kind":"visit","score":3}"#,
            CICLO_STATUS_INVALID_ARGUMENT,
            "event.score",
        ),
        (
            "late event",
            r#"{"customer":"ana","at":"2026-02-01T00:00:00Z","kind":"visit"}"#,
            CICLO_STATUS_OUT_OF_ORDER,
            "event.at",
        ),
    ];
    for (what, json, expected, field) in rows {
        let (status, out) = engine.apply(json);
        assert_eq!(status, *expected, "{what}: {}", last_error());
        assert!(out.is_none(), "{what}: out-parameter written on failure");
        assert!(
            last_error().contains(field),
            "{what}: message `{}` does not name `{field}`",
            last_error()
        );
        assert_eq!(
            engine.snapshot(),
            before,
            "{what}: a rejected event changed the engine"
        );
    }
    // A success clears the message.
    assert_eq!(engine.apply(BUY).0, CICLO_STATUS_OK);
    assert_eq!(last_error(), "");
}

#[test]
fn bad_configs_get_their_own_status() {
    let rows: &[(&str, &str, ciclo_status, &str)] = &[
        ("malformed", "{", CICLO_STATUS_INVALID_JSON, "config"),
        (
            "unknown preset",
            r#"{"preset":"seven_stage"}"#,
            CICLO_STATUS_INVALID_CONFIG,
            "preset",
        ),
        (
            "unknown field",
            r#"{"name":"m","stages":[{"name":"a"}],"rules":[],"colour":1}"#,
            CICLO_STATUS_UNKNOWN_FIELD,
            "colour",
        ),
        (
            "unknown stage",
            r#"{"name":"m","stages":[{"name":"a"}],"rules":[{"name":"r","to":"b","on":"tick"}]}"#,
            CICLO_STATUS_UNKNOWN_STAGE,
            "rules[0].to",
        ),
        (
            "unknown metric",
            r#"{"name":"m","stages":[{"name":"a"},{"name":"b"}],"rules":[{"name":"r","to":"b","on":"tick","when":{"metric":"mood","op":">","value":1}}]}"#,
            CICLO_STATUS_UNKNOWN_METRIC,
            "rules[0].when.metric",
        ),
        (
            "unknown trigger",
            r#"{"name":"m","stages":[{"name":"a"},{"name":"b"}],"rules":[{"name":"r","to":"b","on":["webinar"]}]}"#,
            CICLO_STATUS_UNKNOWN_EVENT_KIND,
            "rules[0].on[0]",
        ),
        (
            "unreachable stage",
            r#"{"name":"m","stages":[{"name":"a"},{"name":"b"}],"rules":[]}"#,
            CICLO_STATUS_INVALID_CONFIG,
            "stages[1]",
        ),
        (
            "duplicate stage",
            r#"{"name":"m","stages":[{"name":"a"},{"name":"a"}],"rules":[]}"#,
            CICLO_STATUS_INVALID_CONFIG,
            "stages[1].name",
        ),
    ];
    for (what, json, expected, field) in rows {
        let json = c(json);
        let mut out: *mut ciclo_engine = ptr::null_mut();
        let status = unsafe { ciclo_engine_new(json.as_ptr(), &mut out) };
        assert_eq!(status, *expected, "{what}: {}", last_error());
        assert!(out.is_null(), "{what}: out-parameter written on failure");
        assert!(
            last_error().contains(field),
            "{what}: `{}` does not name `{field}`",
            last_error()
        );
        let mut model: *mut ciclo_model = ptr::null_mut();
        assert_eq!(
            unsafe { ciclo_model_new(json.as_ptr(), &mut model) },
            *expected,
            "{what}"
        );
        assert!(model.is_null());
    }
    for ok in ["", "   ", r#"{"preset":"five_stage"}"#] {
        let engine = Engine::new(Some(ok));
        let mut n = 0u32;
        assert_eq!(
            unsafe { ciclo_engine_stage_count(engine.0, &mut n) },
            CICLO_STATUS_OK
        );
        assert!(n == 5 || n == 6);
    }
}

#[test]
fn null_pointers_and_invalid_utf8_never_crash() {
    let engine = Engine::new(None);
    let bad_utf8: &[u8] = b"{\"customer\":\"\xff\"}\0";
    let bad = bad_utf8.as_ptr().cast::<c_char>();
    let event = c(BUY);
    let id = c("ana");
    let mut s: *mut c_char = ptr::null_mut();
    let mut name: *const c_char = ptr::null();
    let mut n = 0usize;
    let mut n32 = 0u32;
    let mut e: *mut ciclo_engine = ptr::null_mut();
    let mut m: *mut ciclo_model = ptr::null_mut();
    unsafe {
        assert_eq!(
            ciclo_engine_new(ptr::null(), ptr::null_mut()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert!(last_error().contains("out"));
        assert_eq!(ciclo_engine_new(bad, &mut e), CICLO_STATUS_INVALID_UTF8);
        assert!(last_error().contains("config_json"));
        assert_eq!(
            ciclo_engine_apply_json(ptr::null(), event.as_ptr(), &mut s),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert!(last_error().contains("engine"));
        assert_eq!(
            ciclo_engine_apply_json(engine.0, ptr::null(), &mut s),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_apply_json(engine.0, bad, &mut s),
            CICLO_STATUS_INVALID_UTF8
        );
        assert_eq!(
            ciclo_engine_apply(engine.0, ptr::null(), ptr::null_mut()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_apply(ptr::null(), ptr::null(), ptr::null_mut()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_tick(ptr::null(), 0, ptr::null_mut(), ptr::null_mut()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_customer_json(engine.0, ptr::null(), &mut s),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_customer_json(engine.0, id.as_ptr(), ptr::null_mut()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_customer_json(engine.0, bad, &mut s),
            CICLO_STATUS_INVALID_UTF8
        );
        assert_eq!(
            ciclo_engine_customer_json(engine.0, id.as_ptr(), &mut s),
            CICLO_STATUS_NOT_FOUND
        );
        assert!(s.is_null());
        assert_eq!(
            ciclo_engine_customer_stage(engine.0, id.as_ptr(), ptr::null_mut(), ptr::null_mut()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_customer_count(engine.0, ptr::null_mut()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_customer_count(ptr::null(), &mut n),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_stage_count(engine.0, ptr::null_mut()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_stage_name(engine.0, 0, ptr::null_mut()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_stage_name(engine.0, 99, &mut name),
            CICLO_STATUS_OUT_OF_RANGE
        );
        assert!(name.is_null());
        assert_eq!(
            ciclo_engine_rule_name(engine.0, 4096, &mut name),
            CICLO_STATUS_OUT_OF_RANGE
        );
        assert_eq!(
            ciclo_engine_model_json(engine.0, ptr::null_mut()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_snapshot(engine.0, ptr::null_mut(), &mut n),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_restore(ptr::null(), 10, &mut e),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_restore(ptr::null(), 0, &mut e),
            CICLO_STATUS_CORRUPT_SNAPSHOT
        );
        assert!(e.is_null());
        assert_eq!(
            ciclo_model_new(ptr::null(), ptr::null_mut()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_model_step_json(
                ptr::null(),
                ptr::null(),
                event.as_ptr(),
                &mut s,
                ptr::null_mut()
            ),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(ciclo_model_new(ptr::null(), &mut m), CICLO_STATUS_OK);
        assert_eq!(
            ciclo_model_step_json(
                m,
                ptr::null(),
                event.as_ptr(),
                ptr::null_mut(),
                ptr::null_mut()
            ),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_model_step_json(m, bad, event.as_ptr(), &mut s, ptr::null_mut()),
            CICLO_STATUS_INVALID_UTF8
        );
        assert_eq!(
            ciclo_model_step_json(m, ptr::null(), bad, &mut s, ptr::null_mut()),
            CICLO_STATUS_INVALID_UTF8
        );
        let wrong_state = c(r#"{"stage":"nowhere"}"#);
        assert_eq!(
            ciclo_model_step_json(
                m,
                wrong_state.as_ptr(),
                event.as_ptr(),
                &mut s,
                ptr::null_mut()
            ),
            CICLO_STATUS_INVALID_JSON
        );
        assert!(s.is_null());
        ciclo_model_free(m);
        ciclo_model_free(ptr::null_mut());
        ciclo_engine_free(ptr::null_mut());
        ciclo_string_free(ptr::null_mut());
        ciclo_bytes_free(ptr::null_mut(), 0);
        assert_eq!(
            ciclo_engine_stage_count(engine.0, &mut n32),
            CICLO_STATUS_OK
        );
        assert_eq!(n32, 6);
    }
}

#[test]
fn struct_path_validates_like_json() {
    let engine = Engine::new(None);
    let customer = c("ana");
    let ars = c("ARS");
    let mut ev = ciclo_event {
        customer_id: customer.as_ptr(),
        event_id: ptr::null(),
        at_ms: 1_772_359_200_000,
        kind: CICLO_EVENT_KIND_PURCHASE,
        custom_kind: ptr::null(),
        amount_minor: 1000,
        currency: ars.as_ptr(),
        category: ptr::null(),
        reason: ptr::null(),
        score: 0.0,
        has_score: 0,
        quantity: 0.0,
        has_quantity: 0,
        attributes: ptr::null(),
        attribute_count: 0,
    };
    let mut out = ciclo_outcome::default();
    unsafe {
        assert_eq!(
            ciclo_engine_apply(engine.0, &ev, &mut out),
            CICLO_STATUS_OK,
            "{}",
            last_error()
        );
        assert!(out.created == 1 && out.transitioned == 1);
        let mut name: *const c_char = ptr::null();
        assert_eq!(
            ciclo_engine_stage_name(engine.0, out.stage as u32, &mut name),
            CICLO_STATUS_OK
        );
        assert_eq!(CStr::from_ptr(name).to_str().unwrap(), "conversion");
        let before = engine.snapshot();
        type Change = Box<dyn Fn(&mut ciclo_event)>;
        let rows: Vec<(&str, Change, ciclo_status, &str)> = vec![
            (
                "unknown kind",
                Box::new(|e| e.kind = 77),
                CICLO_STATUS_UNKNOWN_EVENT_KIND,
                "event->kind",
            ),
            (
                "kind zero",
                Box::new(|e| e.kind = 0),
                CICLO_STATUS_UNKNOWN_EVENT_KIND,
                "event->kind",
            ),
            (
                "custom without name",
                Box::new(|e| e.kind = CICLO_EVENT_KIND_CUSTOM),
                CICLO_STATUS_NULL_ARGUMENT,
                "custom_kind",
            ),
            (
                "at out of range",
                Box::new(|e| e.at_ms = i64::MAX),
                CICLO_STATUS_INVALID_TIMESTAMP,
                "event->at_ms",
            ),
            (
                "negative amount",
                Box::new(|e| e.amount_minor = -1),
                CICLO_STATUS_INVALID_AMOUNT,
                "event->amount_minor",
            ),
            (
                "NaN score",
                Box::new(|e| {
                    e.kind = CICLO_EVENT_KIND_SURVEY;
                    e.currency = ptr::null();
                    e.has_score = 1;
                    e.score = f64::NAN;
                }),
                CICLO_STATUS_INVALID_ARGUMENT,
                "event.score",
            ),
            (
                "late",
                Box::new(|e| e.at_ms -= 1),
                CICLO_STATUS_OUT_OF_ORDER,
                "event.at",
            ),
            (
                "null customer",
                Box::new(|e| e.customer_id = ptr::null()),
                CICLO_STATUS_NULL_ARGUMENT,
                "customer_id",
            ),
        ];
        for (what, change, expected, field) in rows {
            let mut bad = ciclo_event { ..ev };
            change(&mut bad);
            let mut o = ciclo_outcome {
                rule: 12345,
                ..Default::default()
            };
            assert_eq!(
                ciclo_engine_apply(engine.0, &bad, &mut o),
                expected,
                "{what}: {}",
                last_error()
            );
            assert_eq!(o.rule, 12345, "{what}: out written on failure");
            assert!(
                last_error().contains(field),
                "{what}: `{}` lacks `{field}`",
                last_error()
            );
            assert_eq!(engine.snapshot(), before, "{what}");
        }
        ev.at_ms += 86_400_000;
        assert_eq!(ciclo_engine_apply(engine.0, &ev, &mut out), CICLO_STATUS_OK);
        let mut rule: *const c_char = ptr::null();
        assert_eq!(
            ciclo_engine_rule_name(engine.0, out.rule as u32, &mut rule),
            CICLO_STATUS_OK
        );
        assert_eq!(CStr::from_ptr(rule).to_str().unwrap(), "repeat_purchase");
    }
}

#[test]
fn status_names_and_versions() {
    let name = |s| {
        unsafe { CStr::from_ptr(ciclo_status_name(s)) }
            .to_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(name(CICLO_STATUS_OK), "CICLO_STATUS_OK");
    assert_eq!(
        name(CICLO_STATUS_CORRUPT_SNAPSHOT),
        "CICLO_STATUS_CORRUPT_SNAPSHOT"
    );
    assert_eq!(name(CICLO_STATUS_PANIC), "CICLO_STATUS_PANIC");
    assert_eq!(name(-7), "CICLO_STATUS_UNKNOWN");
    let mut seen = std::collections::HashSet::new();
    for s in 0..=CICLO_STATUS_PANIC {
        let n = name(s);
        if n != "CICLO_STATUS_UNKNOWN" {
            assert!(seen.insert(n), "two codes share a name");
        }
    }
    assert_eq!(seen.len(), 20);
    assert_eq!(
        name(CICLO_STATUS_INVALID_VALUE),
        "CICLO_STATUS_INVALID_VALUE"
    );
    assert_eq!(
        name(CICLO_STATUS_CHANGES_DROPPED),
        "CICLO_STATUS_CHANGES_DROPPED"
    );
    let v = unsafe { CStr::from_ptr(ciclo_version()) }.to_str().unwrap();
    assert_eq!(v, env!("CARGO_PKG_VERSION"));
    assert_eq!(ciclo_abi_version(), CICLO_ABI_VERSION);
}

#[test]
fn snapshot_round_trips_and_corruption_is_rejected() {
    let engine = Engine::new(None);
    for (i, kind) in ["visit", "contact_captured", "demo_requested"]
        .iter()
        .enumerate()
    {
        let json = format!(
            r#"{{"customer":"c{i}","at":"2026-01-0{}T00:00:00Z","kind":"{kind}"}}"#,
            i + 1
        );
        assert_eq!(engine.apply(&json).0, CICLO_STATUS_OK);
    }
    let bytes = engine.snapshot();
    let mut restored: *mut ciclo_engine = ptr::null_mut();
    unsafe {
        assert_eq!(
            ciclo_engine_restore(bytes.as_ptr(), bytes.len(), &mut restored),
            CICLO_STATUS_OK
        );
    }
    let restored = Engine(restored);
    assert_eq!(restored.snapshot(), bytes);
    for cut in [0, 1, 23, 24, bytes.len() - 1] {
        let mut e: *mut ciclo_engine = ptr::null_mut();
        let status = unsafe { ciclo_engine_restore(bytes.as_ptr(), cut, &mut e) };
        assert_eq!(status, CICLO_STATUS_CORRUPT_SNAPSHOT, "truncated to {cut}");
        assert!(e.is_null());
    }
}

#[test]
fn engine_handle_is_shared_between_threads() {
    let engine = Engine::new(None);
    let ptr = engine.0 as usize;
    std::thread::scope(|s| {
        for t in 0..4 {
            s.spawn(move || {
                for i in 0..200 {
                    let json = c(&format!(
                        r#"{{"id":"{t}-{i}","customer":"t{t}-c{}","at":"2026-01-01T00:00:{:02}Z","kind":"visit"}}"#,
                        i % 10,
                        i / 10
                    ));
                    let status = unsafe { ciclo_engine_apply_json(ptr as *const ciclo_engine, json.as_ptr(), ptr::null_mut()) };
                    assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
                }
            });
        }
    });
    let mut n = 0usize;
    assert_eq!(
        unsafe { ciclo_engine_customer_count(engine.0, &mut n) },
        CICLO_STATUS_OK
    );
    assert_eq!(n, 40);
}

#[test]
fn remove_customer_and_stateless_tick() {
    let engine = Engine::new(None);
    assert_eq!(engine.apply(BUY).0, CICLO_STATUS_OK);
    let ana = c("ana");
    unsafe {
        assert_eq!(
            ciclo_engine_remove_customer(engine.0, ana.as_ptr()),
            CICLO_STATUS_OK
        );
        assert_eq!(
            ciclo_engine_remove_customer(engine.0, ana.as_ptr()),
            CICLO_STATUS_NOT_FOUND
        );
        assert_eq!(
            ciclo_engine_remove_customer(engine.0, ptr::null()),
            CICLO_STATUS_NULL_ARGUMENT
        );
    }
    let mut n = 1usize;
    assert_eq!(
        unsafe { ciclo_engine_customer_count(engine.0, &mut n) },
        CICLO_STATUS_OK
    );
    assert_eq!(n, 0);

    // A host-stored state: a one-time buyer lapses 180 days later on a tick.
    let mut model: *mut ciclo_model = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_model_new(ptr::null(), &mut model) },
        CICLO_STATUS_OK
    );
    let event = c(BUY);
    let (mut state, mut next, mut report) = (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
    unsafe {
        assert_eq!(
            ciclo_model_step_json(
                model,
                ptr::null(),
                event.as_ptr(),
                &mut state,
                ptr::null_mut()
            ),
            CICLO_STATUS_OK
        );
        let day = 86_400_000i64;
        let bought = 1_772_359_200_000i64; // 2026-03-01T10:00:00Z
        assert_eq!(
            ciclo_model_tick_json(model, state, bought + 179 * day, &mut next, &mut report),
            CICLO_STATUS_OK
        );
        let r = take(report);
        assert!(r.contains("\"transitions\":[]"), "{r}");
        ciclo_string_free(next);
        assert_eq!(
            ciclo_model_tick_json(model, state, bought + 180 * day, &mut next, &mut report),
            CICLO_STATUS_OK
        );
        let r = take(report);
        assert!(r.contains("\"rule\":\"lapsed\""), "{r}");
        let s = take(next);
        assert!(s.contains("\"stage\":\"reactivation\""), "{s}");
        let mut untouched: *mut c_char = ptr::null_mut();
        assert_eq!(
            ciclo_model_tick_json(model, state, i64::MAX, &mut untouched, ptr::null_mut()),
            CICLO_STATUS_INVALID_TIMESTAMP
        );
        assert!(untouched.is_null());
        ciclo_string_free(state);
        ciclo_model_free(model);
    }
}

#[test]
fn customers_move_between_engine_and_host_storage() {
    let engine = Engine::new(None);
    assert_eq!(engine.apply(BUY).0, CICLO_STATUS_OK);
    let ana = c("ana");
    let mut state: *mut c_char = ptr::null_mut();
    unsafe {
        assert_eq!(
            ciclo_engine_customer_state_json(engine.0, ana.as_ptr(), &mut state),
            CICLO_STATUS_OK
        );
        // Already tracked: a conflict, nothing changes.
        assert_eq!(
            ciclo_engine_import_customer(engine.0, ana.as_ptr(), state),
            CICLO_STATUS_CONFLICT
        );
        let other = Engine::new(None);
        assert_eq!(
            ciclo_engine_import_customer(other.0, ana.as_ptr(), state),
            CICLO_STATUS_OK
        );
        let bad = c(r#"{"stage":"nowhere"}"#);
        let bob = c("bob");
        assert_eq!(
            ciclo_engine_import_customer(other.0, bob.as_ptr(), bad.as_ptr()),
            CICLO_STATUS_INVALID_JSON
        );
        let (status, _) = other.apply(
            r#"{"customer":"ana","at":"2026-03-05T10:00:00Z","kind":"purchase","amount":500,"currency":"ARS"}"#,
        );
        assert_eq!(status, CICLO_STATUS_OK);
        let mut stage = 0u32;
        assert_eq!(
            ciclo_engine_customer_stage(other.0, ana.as_ptr(), &mut stage, ptr::null_mut()),
            CICLO_STATUS_OK
        );
        let mut name: *const c_char = ptr::null();
        assert_eq!(
            ciclo_engine_stage_name(other.0, stage, &mut name),
            CICLO_STATUS_OK
        );
        assert_eq!(CStr::from_ptr(name).to_str().unwrap(), "growth");
        ciclo_string_free(state);
    }
}
