//! The change feed through the C ABI, as a host calls it: polling with
//! `ciclo_engine_changes_json`, the retention as JSON, a C callback with its
//! `user_data` (re-entering the engine from inside), snapshots keeping the
//! numbers, and every bad input refused with its status and a message naming
//! the argument, the out pointer untouched and the engine unchanged.

use std::ffi::{c_char, c_void, CStr};
use std::ptr;

use ciclo::ffi::changes::*;
use ciclo::ffi::engine::*;
use ciclo::ffi::status::*;
use serde_json::Value;

#[path = "common/c_host.rs"]
mod host;
use host::*;

fn status_name(status: ciclo_status) -> String {
    unsafe { CStr::from_ptr(ciclo_status_name(status)) }
        .to_string_lossy()
        .into_owned()
}

/// Applies a JSON event.
fn send(e: &Engine, customer: &str, day: u32, kind: &str) {
    let amount = if kind == "purchase" {
        r#", "amount": 1000, "currency": "ARS""#
    } else {
        ""
    };
    let event = c(&format!(
        r#"{{"customer": "{customer}", "at": "2026-03-{day:02}T10:00:00Z", "kind": "{kind}"{amount}}}"#
    ));
    let status = unsafe { ciclo_engine_apply_json(e.0, event.as_ptr(), ptr::null_mut()) };
    assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
}

/// Reads the changes after `after`, at most `max`, as JSON.
fn changes(e: &Engine, after: u64, max: usize) -> Value {
    let mut out = ptr::null_mut();
    let status = unsafe { ciclo_engine_changes_json(e.0, after, max, &mut out) };
    assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
    serde_json::from_str(&take(out)).unwrap()
}

/// A call expected to fail: its status and message, the out pointer checked
/// untouched.
fn changes_fail(
    e: *const ciclo::ffi::ciclo_engine,
    after: u64,
    max: usize,
) -> (ciclo_status, String) {
    let sentinel = 0x5a5a as *mut c_char;
    let mut out = sentinel;
    let status = unsafe { ciclo_engine_changes_json(e, after, max, &mut out) };
    assert_ne!(status, CICLO_STATUS_OK);
    assert_eq!(out, sentinel, "out written on failure");
    (status, last_error())
}

fn set_retention(e: &Engine, json: &str) -> ciclo_status {
    let text = c(json);
    unsafe { ciclo_engine_set_change_retention_json(e.0, text.as_ptr()) }
}

#[test]
fn polling_reads_numbered_whole_calls() {
    let e = engine();
    let first = changes(&e, 0, 10);
    assert_eq!(first["changes"], serde_json::json!([]));
    assert_eq!(
        (first["head_seq"].as_u64(), first["more"].as_bool()),
        (Some(0), Some(false))
    );
    send(&e, "ana", 1, "purchase");
    send(&e, "ana", 2, "visit");
    send(&e, "beto", 3, "purchase");
    // Each first purchase is one call of two changes: a page of 1 holds 2.
    let page = changes(&e, 0, 1);
    let list = page["changes"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["seq"], 1);
    assert_eq!(list[0]["type"], "customer_created");
    assert_eq!(list[0]["customer"], "ana");
    assert_eq!(list[0]["stage"], "awareness");
    assert_eq!(list[1]["type"], "stage_moved");
    assert_eq!(list[1]["from"], "awareness");
    assert_eq!(list[1]["to"], "conversion");
    assert_eq!(list[1]["rule"], "first_purchase");
    assert_eq!(list[1]["cause"], "purchase");
    assert!(list[1]["evidence"].is_array());
    assert_eq!(
        (page["last_seq"].as_u64(), page["more"].as_bool()),
        (Some(2), Some(true))
    );
    let rest = changes(&e, 2, 100);
    assert_eq!(rest["changes"].as_array().unwrap().len(), 2);
    assert_eq!(
        (rest["oldest_seq"].as_u64(), rest["head_seq"].as_u64()),
        (Some(1), Some(4))
    );
    // Snapshots keep the changes and their numbers.
    let restored = {
        let bytes = snapshot(&e);
        let mut out = ptr::null_mut();
        assert_eq!(
            unsafe { ciclo_engine_restore(bytes.as_ptr(), bytes.len(), &mut out) },
            CICLO_STATUS_OK
        );
        Engine(out)
    };
    assert_eq!(changes(&restored, 0, 100), changes(&e, 0, 100));
    send(&restored, "caro", 4, "visit");
    assert_eq!(changes(&restored, 4, 10)["changes"][0]["seq"], 5);
}

#[test]
fn retention_drops_old_changes_with_a_clear_status() {
    let e = engine();
    assert_eq!(set_retention(&e, r#"{"max_changes": 3}"#), CICLO_STATUS_OK);
    for (i, who) in ["a", "b", "c", "d", "f"].iter().enumerate() {
        send(&e, who, i as u32 + 1, "visit");
    }
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_change_retention_json(e.0, &mut out) },
        CICLO_STATUS_OK
    );
    assert_eq!(take(out), r#"{"max_age_ms":null,"max_changes":3}"#);
    let (status, message) = changes_fail(e.0, 0, 10);
    assert_eq!(status, CICLO_STATUS_CHANGES_DROPPED);
    assert_eq!(status_name(status), "CICLO_STATUS_CHANGES_DROPPED");
    assert!(
        message.contains("the oldest change the feed keeps is 3"),
        "{message}"
    );
    assert_eq!(changes(&e, 2, 10)["changes"].as_array().unwrap().len(), 3);
    // `{}` restores the default; an age limit is accepted.
    assert_eq!(set_retention(&e, "{}"), CICLO_STATUS_OK);
    assert_eq!(
        set_retention(&e, r#"{"max_age_ms": 86400000}"#),
        CICLO_STATUS_OK
    );
    // Past the newest change: the argument is named.
    let (status, message) = changes_fail(e.0, 99, 10);
    assert_eq!(status, CICLO_STATUS_INVALID_ARGUMENT);
    assert!(message.contains("after_seq"), "{message}");
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let e = engine();
    send(&e, "ana", 1, "purchase");
    let before = snapshot(&e);
    // NULL engine and out pointer.
    let (status, message) = changes_fail(ptr::null(), 0, 10);
    assert_eq!(status, CICLO_STATUS_NULL_ARGUMENT);
    assert!(message.contains("engine"), "{message}");
    let status = unsafe { ciclo_engine_changes_json(e.0, 0, 10, ptr::null_mut()) };
    assert_eq!(status, CICLO_STATUS_NULL_ARGUMENT);
    assert!(last_error().contains("out_json"));
    let status = unsafe { ciclo_engine_change_retention_json(e.0, ptr::null_mut()) };
    assert_eq!(status, CICLO_STATUS_NULL_ARGUMENT);
    let status = unsafe { ciclo_engine_change_retention_json(ptr::null(), ptr::null_mut()) };
    assert_eq!(status, CICLO_STATUS_NULL_ARGUMENT);
    // The retention: NULL, invalid UTF-8, malformed JSON, unknown fields and
    // values out of bounds.
    let status = unsafe { ciclo_engine_set_change_retention_json(e.0, ptr::null()) };
    assert_eq!(status, CICLO_STATUS_NULL_ARGUMENT);
    assert!(last_error().contains("retention_json"));
    let bad_utf8 = b"{\"max_changes\": \xff}\0";
    let status = unsafe { ciclo_engine_set_change_retention_json(e.0, bad_utf8.as_ptr().cast()) };
    assert_eq!(status, CICLO_STATUS_INVALID_UTF8);
    for (json, expected, says) in [
        ("{", CICLO_STATUS_INVALID_JSON, "retention"),
        (
            r#"{"max_changes": -1}"#,
            CICLO_STATUS_INVALID_JSON,
            "max_changes",
        ),
        (r#"{"keep": 5}"#, CICLO_STATUS_UNKNOWN_FIELD, "keep"),
        (
            r#"{"max_changes": 100000001}"#,
            CICLO_STATUS_INVALID_CONFIG,
            "max_changes",
        ),
        (
            r#"{"max_age_ms": 0}"#,
            CICLO_STATUS_INVALID_CONFIG,
            "max_age",
        ),
    ] {
        assert_eq!(
            set_retention(&e, json),
            expected,
            "{json}: {}",
            last_error()
        );
        assert!(last_error().contains(says), "{json}: {}", last_error());
    }
    let mut out = ptr::null_mut();
    unsafe { ciclo_engine_change_retention_json(e.0, &mut out) };
    assert_eq!(take(out), r#"{"max_age_ms":null,"max_changes":100000}"#);
    // The callback: NULL engine, and a start that is not kept.
    let status =
        unsafe { ciclo_engine_set_change_callback(ptr::null(), 0, Some(count), ptr::null_mut()) };
    assert_eq!(status, CICLO_STATUS_NULL_ARGUMENT);
    let status = unsafe { ciclo_engine_set_change_callback(e.0, 77, Some(count), ptr::null_mut()) };
    assert_eq!(status, CICLO_STATUS_INVALID_ARGUMENT);
    assert!(last_error().contains("after_seq"));
    assert_eq!(snapshot(&e), before, "a failed call changes nothing");
}

/// Counts deliveries into the `usize` behind `user_data`.
unsafe extern "C" fn count(user_data: *mut c_void, _first: u64, _last: u64, _json: *const c_char) {
    if !user_data.is_null() {
        *(user_data as *mut usize) += 1;
    }
}

/// What a host's callback keeps: the engine, the changes seen.
struct Seen {
    engine: *const ciclo::ffi::ciclo_engine,
    json: Vec<Value>,
    ranges: Vec<(u64, u64)>,
}

unsafe extern "C" fn keep(user_data: *mut c_void, first: u64, last: u64, json: *const c_char) {
    let seen = &mut *(user_data as *mut Seen);
    let text = CStr::from_ptr(json).to_str().unwrap();
    let value: Value = serde_json::from_str(text).unwrap();
    for c in value["changes"].as_array().unwrap() {
        seen.json.push(c.clone());
    }
    seen.ranges.push((first, last));
    // From inside: read the feed and apply an event (given after this
    // delivery returns, not from inside it).
    let mut out = ptr::null_mut();
    assert_eq!(
        ciclo_engine_changes_json(seen.engine, 0, 1, &mut out),
        CICLO_STATUS_OK
    );
    ciclo::ffi::memory::ciclo_string_free(out);
    if value["changes"][0]["customer"] == "ping" {
        let event = c(r#"{"customer": "pong", "at": "2026-03-09T10:00:00Z", "kind": "visit"}"#);
        assert_eq!(
            ciclo_engine_apply_json(seen.engine, event.as_ptr(), ptr::null_mut()),
            CICLO_STATUS_OK
        );
    }
}

#[test]
fn a_c_callback_gets_every_change_and_may_call_the_engine() {
    let e = engine();
    send(&e, "ana", 1, "purchase");
    let mut seen = Box::new(Seen {
        engine: e.0,
        json: Vec::new(),
        ranges: Vec::new(),
    });
    let user = (&mut *seen as *mut Seen).cast::<c_void>();
    let status = unsafe { ciclo_engine_set_change_callback(e.0, 0, Some(keep), user) };
    assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
    // The changes kept were given from inside the call.
    assert_eq!(seen.ranges, [(1, 2)]);
    send(&e, "ping", 8, "visit");
    assert_eq!(seen.ranges, [(1, 2), (3, 3), (4, 4)]);
    assert_eq!(seen.json[3]["customer"], "pong");
    assert_eq!(
        seen.json
            .iter()
            .map(|c| c["seq"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    // The same JSON as polling gives.
    assert_eq!(
        &Value::Array(seen.json.clone()),
        &changes(&e, 0, 100)["changes"]
    );
    // Removed: not called again, so `user_data` may go.
    let status = unsafe { ciclo_engine_set_change_callback(e.0, 0, None, ptr::null_mut()) };
    assert_eq!(status, CICLO_STATUS_OK);
    drop(seen);
    send(&e, "after", 9, "visit");
    // Replaced: the new one starts where it says.
    let mut calls = 0usize;
    let status = unsafe {
        ciclo_engine_set_change_callback(e.0, 4, Some(count), (&mut calls as *mut usize).cast())
    };
    assert_eq!(status, CICLO_STATUS_OK);
    assert_eq!(calls, 1, "change 5 was given at once");
    send(&e, "later", 10, "visit");
    assert_eq!(calls, 2);
    let status = unsafe { ciclo_engine_set_change_callback(e.0, 0, None, ptr::null_mut()) };
    assert_eq!(status, CICLO_STATUS_OK);
}
