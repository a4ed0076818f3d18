//! RFM over an engine through the C ABI (`ciclo_engine_rfm_json`): the
//! answer's shape, paging, and every bad input (null pointers, invalid
//! UTF-8, malformed JSON, a bad `as_of`, limit and cursor) refused with its
//! status and a message naming the field, the out pointer left untouched;
//! an empty base is an empty answer.

use std::ffi::c_char;
use std::ptr;

use ciclo::ffi::engine::*;
use ciclo::ffi::rfm::*;
use ciclo::ffi::status::*;
use serde_json::Value;

#[path = "common/c_host.rs"]
mod c_host;
use c_host::{apply_ok as apply, c, engine, last_error, take, Engine};

fn rfm(e: *const ciclo_engine, options: *const c_char) -> Result<Value, (ciclo_status, String)> {
    let mut out = ptr::null_mut();
    let status = unsafe { ciclo_engine_rfm_json(e, options, &mut out) };
    if status == CICLO_STATUS_OK {
        Ok(serde_json::from_str(&take(out)).unwrap())
    } else {
        assert!(out.is_null(), "out written on error");
        Err((status, last_error()))
    }
}

/// Ten customers, customer `i` buying `i + 1` times up to day `i + 1`.
fn shop() -> Engine {
    let e = engine();
    for i in 0..10 {
        for j in 0..=i {
            apply(
                &e,
                &format!(
                    r#"{{"customer": "c{i}", "at": "2026-01-{:02}T10:00:00Z", "kind": "purchase",
                        "amount": {}, "currency": "ARS"}}"#,
                    1 + j,
                    1000 + 100 * i
                ),
            );
        }
    }
    e
}

#[test]
fn scores_counts_and_pages() {
    let e = shop();
    let all = rfm(e.0, ptr::null()).unwrap();
    assert_eq!(all["as_of"], "2026-01-11T00:00:00Z");
    assert_eq!(all["currencies"][0]["currency"], "ARS");
    assert_eq!(all["currencies"][0]["customers"], 10);
    let segments = all["currencies"][0]["segments"].as_array().unwrap();
    assert_eq!(segments.len(), 11);
    assert_eq!(
        segments
            .iter()
            .map(|s| s["customers"].as_u64().unwrap())
            .sum::<u64>(),
        10
    );
    let rows = all["customers"].as_array().unwrap();
    assert_eq!(rows.len(), 10);
    let c9 = rows.iter().find(|r| r["customer"] == "c9").unwrap();
    assert_eq!(
        (c9["r"].as_u64(), c9["f"].as_u64(), c9["m"].as_u64()),
        (Some(5), Some(5), Some(5))
    );
    assert_eq!(c9["segment"], "champions");
    assert_eq!(c9["recency_days"], 1);
    assert_eq!(c9["frequency"], 10);
    assert_eq!(c9["monetary"], 19000);
    let c0 = rows.iter().find(|r| r["customer"] == "c0").unwrap();
    assert_eq!(c0["segment"], "lost");
    assert_eq!(all["next_cursor"], Value::Null);
    assert_eq!(rfm(e.0, c("").as_ptr()).unwrap(), all);

    // Pages of 4: three pages, each with the counts, every row once.
    let mut seen = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let options =
            serde_json::json!({"as_of": "2026-01-11T00:00:00Z", "limit": 4, "cursor": cursor});
        let page = rfm(e.0, c(&options.to_string()).as_ptr()).unwrap();
        assert_eq!(page["currencies"], all["currencies"]);
        for r in page["customers"].as_array().unwrap() {
            seen.push(r.clone());
        }
        cursor = page["next_cursor"].clone();
        if cursor.is_null() {
            break;
        }
    }
    assert_eq!(&seen, rows);
}

#[test]
fn an_empty_base_is_an_empty_answer() {
    let e = engine();
    let got = rfm(e.0, ptr::null()).unwrap();
    assert_eq!(
        got,
        serde_json::json!({"as_of": null, "currencies": [], "customers": [], "next_cursor": null})
    );
    let options = c(r#"{"as_of": "2026-01-01T00:00:00Z"}"#);
    let got = rfm(e.0, options.as_ptr()).unwrap();
    assert_eq!(got["as_of"], "2026-01-01T00:00:00Z");
    assert_eq!(got["customers"], serde_json::json!([]));
}

#[test]
fn bad_input_is_refused_naming_the_field() {
    let e = shop();
    let (status, message) = rfm(ptr::null(), ptr::null()).unwrap_err();
    assert_eq!(status, CICLO_STATUS_NULL_ARGUMENT);
    assert!(message.contains("engine"), "{message}");
    let status = unsafe { ciclo_engine_rfm_json(e.0, ptr::null(), ptr::null_mut()) };
    assert_eq!(status, CICLO_STATUS_NULL_ARGUMENT);
    assert!(last_error().contains("out_json"));
    let bad_utf8: &[u8] = b"{\"as_of\": \"\xff\"}\0";
    let (status, message) = rfm(e.0, bad_utf8.as_ptr().cast()).unwrap_err();
    assert_eq!(status, CICLO_STATUS_INVALID_UTF8);
    assert!(message.contains("options_json"), "{message}");
    for (json, want, field) in [
        ("{", CICLO_STATUS_INVALID_JSON, ""),
        (r#""as_of""#, CICLO_STATUS_INVALID_JSON, ""),
        (r#"{"colour": 1}"#, CICLO_STATUS_UNKNOWN_FIELD, "colour"),
        (
            r#"{"as_of": "yesterday"}"#,
            CICLO_STATUS_INVALID_JSON,
            "as_of",
        ),
        (r#"{"as_of": 12}"#, CICLO_STATUS_INVALID_JSON, "as_of"),
        (
            r#"{"as_of": "2026-01-05T00:00:00Z"}"#,
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.as_of",
        ),
        (
            r#"{"limit": 0}"#,
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.limit",
        ),
        (
            r#"{"limit": 10001}"#,
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.limit",
        ),
        (r#"{"limit": -1}"#, CICLO_STATUS_INVALID_JSON, "limit"),
        (r#"{"cursor": 7}"#, CICLO_STATUS_INVALID_JSON, "cursor"),
    ] {
        let text = c(json);
        let (status, message) = rfm(e.0, text.as_ptr()).unwrap_err();
        assert_eq!(status, want, "{json}: {message}");
        assert!(message.contains(field), "{json}: {message}");
    }
}
