//! Product affinity and next best offer through the C ABI, as a host calls
//! them: learning, offers with their reasons, and every bad input (null
//! pointers, invalid UTF-8, malformed JSON, bad options, an unknown customer,
//! an empty base) refused with its status and a message naming the field,
//! the out pointer left untouched.

use std::ffi::c_char;
use std::ptr;

use ciclo::ffi::engine::*;
use ciclo::ffi::offers::*;
use ciclo::ffi::status::*;
use serde_json::Value;

#[path = "common/c_host.rs"]
mod c_host;
use c_host::{apply_ok as apply, c, engine, last_error, take, Engine};

fn shop() -> Engine {
    let e = engine();
    for i in 0..8 {
        for (day, product) in [(1, "mate"), (1, "bombilla"), (9, "yerba")] {
            apply(
                &e,
                &format!(
                    r#"{{"customer": "c{i}", "at": "2026-01-{day:02}T10:00:00Z", "kind": "purchase",
                        "amount": 1500, "currency": "ARS",
                        "attributes": {{"product": "{product}", "order": "c{i}-{day}"}}}}"#
                ),
            );
        }
    }
    apply(
        &e,
        r#"{"customer": "ana", "at": "2026-01-03T10:00:00Z", "kind": "purchase",
            "amount": 1500, "currency": "ARS", "attributes": {"product": "mate"}}"#,
    );
    e
}

fn learn(e: *const ciclo_engine, options: *const c_char) -> Result<Value, (ciclo_status, String)> {
    let mut out = ptr::null_mut();
    let status = unsafe { ciclo_engine_learn_affinities_json(e, options, &mut out) };
    if status == CICLO_STATUS_OK {
        Ok(serde_json::from_str(&take(out)).unwrap())
    } else {
        assert!(out.is_null(), "out written on error");
        Err((status, last_error()))
    }
}

fn offers(
    e: *const ciclo_engine,
    customer: *const c_char,
    max: u32,
) -> Result<Value, (ciclo_status, String)> {
    let mut out = ptr::null_mut();
    let status = unsafe { ciclo_engine_next_best_offers_json(e, customer, max, &mut out) };
    if status == CICLO_STATUS_OK {
        Ok(serde_json::from_str(&take(out)).unwrap())
    } else {
        assert!(out.is_null(), "out written on error");
        Err((status, last_error()))
    }
}

#[test]
fn learns_and_offers_with_reasons() {
    let e = shop();
    let summary = learn(e.0, ptr::null()).unwrap();
    assert_eq!(summary["products"], 3);
    assert_eq!(summary["customers"], 9);
    assert!(summary["top"].as_array().unwrap().len() > 1);
    let empty = c("");
    assert_eq!(learn(e.0, empty.as_ptr()).unwrap(), summary);

    let ana = c("ana");
    let got = offers(e.0, ana.as_ptr(), 3).unwrap();
    assert_eq!(got["customer"], "ana");
    assert_eq!(got["affinities_learned"], true);
    assert_eq!(got["suppressed"], Value::Null);
    let list = got["offers"].as_array().unwrap();
    assert!(!list.is_empty() && list.len() <= 3);
    assert_eq!(list[0]["rank"], 1);
    assert_eq!(list[0]["kind"], "cross_sell");
    assert_eq!(list[0]["product"], "bombilla");
    assert_eq!(list[0]["affinity"]["from"], "mate");
    assert_eq!(list[0]["affinity"]["kind"], "together");
    assert_eq!(list[0]["affinity"]["support"], 8);
    assert!(list[0]["reason"].as_str().unwrap().contains("lift"));
    assert!(list.iter().all(|o| o["product"] != "mate"));
    // Deterministic.
    assert_eq!(offers(e.0, ana.as_ptr(), 3).unwrap(), got);

    // Options are read and checked.
    let options = c(r#"{"min_support": 8, "later": 0, "top_k": 1}"#);
    let strict = learn(e.0, options.as_ptr()).unwrap();
    assert_eq!(strict["affinities"], 2, "{strict}");
}

#[test]
fn bad_input_is_refused_naming_the_field() {
    let e = shop();
    let ana = c("ana");
    let bad_utf8: &[u8] = b"an\xffa\0";
    let bad_ptr = bad_utf8.as_ptr().cast::<c_char>();

    let (status, message) = learn(ptr::null(), ptr::null()).unwrap_err();
    assert_eq!(status, CICLO_STATUS_NULL_ARGUMENT);
    assert!(message.contains("engine"), "{message}");
    let status = unsafe { ciclo_engine_learn_affinities_json(e.0, ptr::null(), ptr::null_mut()) };
    assert_eq!(status, CICLO_STATUS_NULL_ARGUMENT);
    assert!(last_error().contains("out_json"));
    let (status, message) = learn(e.0, bad_ptr).unwrap_err();
    assert_eq!(status, CICLO_STATUS_INVALID_UTF8);
    assert!(message.contains("options_json"), "{message}");
    for (json, want, field) in [
        ("{", CICLO_STATUS_INVALID_JSON, ""),
        (
            r#"{"top_k": 5, "colour": 1}"#,
            CICLO_STATUS_UNKNOWN_FIELD,
            "colour",
        ),
        (
            r#"{"top_k": 0}"#,
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.top_k",
        ),
        (
            r#"{"min_support": 0}"#,
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.min_support",
        ),
        (
            r#"{"shrinkage": -1}"#,
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.shrinkage",
        ),
        (r#"{"level": "brand"}"#, CICLO_STATUS_INVALID_JSON, "level"),
        (
            r#"{"as_of": "yesterday"}"#,
            CICLO_STATUS_INVALID_JSON,
            "as_of",
        ),
        (r#"{"top_k": -3}"#, CICLO_STATUS_INVALID_JSON, "top_k"),
    ] {
        let text = c(json);
        let (status, message) = learn(e.0, text.as_ptr()).unwrap_err();
        assert_eq!(status, want, "{json}: {message}");
        assert!(message.contains(field), "{json}: {message}");
    }

    let (status, message) = offers(ptr::null(), ana.as_ptr(), 3).unwrap_err();
    assert_eq!(status, CICLO_STATUS_NULL_ARGUMENT);
    assert!(message.contains("engine"), "{message}");
    let (status, message) = offers(e.0, ptr::null(), 3).unwrap_err();
    assert_eq!(status, CICLO_STATUS_NULL_ARGUMENT);
    assert!(message.contains("customer_id"), "{message}");
    let status =
        unsafe { ciclo_engine_next_best_offers_json(e.0, ana.as_ptr(), 3, ptr::null_mut()) };
    assert_eq!(status, CICLO_STATUS_NULL_ARGUMENT);
    assert!(last_error().contains("out_json"));
    let (status, message) = offers(e.0, bad_ptr, 3).unwrap_err();
    assert_eq!(status, CICLO_STATUS_INVALID_UTF8);
    assert!(message.contains("customer_id"), "{message}");
    for max in [0, CICLO_MAX_OFFERS + 1, u32::MAX] {
        let (status, message) = offers(e.0, ana.as_ptr(), max).unwrap_err();
        assert_eq!(status, CICLO_STATUS_INVALID_ARGUMENT);
        assert!(message.contains("max"), "{message}");
    }
    let nadie = c("nadie");
    let (status, message) = offers(e.0, nadie.as_ptr(), 3).unwrap_err();
    assert_eq!(status, CICLO_STATUS_NOT_FOUND);
    assert!(message.contains("nadie"), "{message}");
    assert!(offers(e.0, ana.as_ptr(), CICLO_MAX_OFFERS).is_ok());
}

#[test]
fn an_empty_base_learns_nothing_and_offers_stay_empty_without_learning() {
    let e = engine();
    let summary = learn(e.0, ptr::null()).unwrap();
    assert_eq!(summary["products"], 0);
    assert_eq!(summary["affinities"], 0);
    assert_eq!(summary["top"], Value::Array(Vec::new()));
    let ana = c("ana");
    assert_eq!(
        offers(e.0, ana.as_ptr(), 3).unwrap_err().0,
        CICLO_STATUS_NOT_FOUND
    );
    // A customer without purchases, before any learning: nothing to offer.
    apply(
        &e,
        r#"{"customer": "ana", "at": "2026-01-03T10:00:00Z", "kind": "visit"}"#,
    );
    let fresh = engine();
    apply(
        &fresh,
        r#"{"customer": "ana", "at": "2026-01-03T10:00:00Z", "kind": "visit"}"#,
    );
    let got = offers(fresh.0, ana.as_ptr(), 3).unwrap();
    assert_eq!(got["affinities_learned"], false);
    assert_eq!(got["offers"], Value::Array(Vec::new()));
}

/// `{"level": "category"}` learns over the purchases' categories and offers
/// a category not bought from.
#[test]
fn category_level_through_c() {
    let e = engine();
    for i in 0..6 {
        for (product, category) in [("mate", "mates"), ("yerba", "yerbas")] {
            apply(
                &e,
                &format!(
                    r#"{{"customer": "c{i}", "at": "2026-01-02T10:00:00Z", "kind": "purchase",
                        "amount": 1500, "currency": "ARS", "category": "{category}",
                        "attributes": {{"product": "{product}-{i}", "order": "o{i}"}}}}"#
                ),
            );
        }
    }
    apply(
        &e,
        r#"{"customer": "ana", "at": "2026-01-03T10:00:00Z", "kind": "purchase",
            "amount": 1500, "currency": "ARS", "category": "mates",
            "attributes": {"product": "mate-ana"}}"#,
    );
    let products = learn(e.0, ptr::null()).unwrap();
    assert_eq!(products["affinities"], 0, "{products}");
    let options = c(r#"{"level": "category"}"#);
    let summary = learn(e.0, options.as_ptr()).unwrap();
    assert_eq!(summary["products"], 2, "{summary}");
    assert_eq!(summary["top"][0]["support"], 6, "{summary}");
    let ana = c("ana");
    let got = offers(e.0, ana.as_ptr(), 3).unwrap();
    let cross: Vec<&Value> = got["offers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "cross_sell")
        .collect();
    assert_eq!(cross.len(), 1, "{got}");
    assert_eq!(cross[0]["product"], "yerbas");
    assert_eq!(cross[0]["action"], "offer_category");
    assert_eq!(cross[0]["affinity"]["from"], "mates");
}
