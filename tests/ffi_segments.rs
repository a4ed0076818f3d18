//! Host attributes and segments through the C ABI: configuration in the
//! engine's JSON, attributes set by events and by
//! `ciclo_engine_set_attributes_json`, a customer's segments, counts, member
//! pages and refreshes; null pointers, invalid UTF-8, malformed JSON and
//! every documented error, with nothing written or changed on one.

use std::ffi::c_char;
use std::ptr;

use ciclo::ffi::engine::*;
use ciclo::ffi::segments::*;
use ciclo::ffi::status::*;

#[path = "common/c_host.rs"]
mod c_host;
use c_host::{c, last_error, take, Engine};

const CONFIG: &str = r#"{
  "name": "b2b", "stages": [{"name": "lead"}, {"name": "customer"}],
  "rules": [
    {"name": "buys", "to": "customer", "on": "purchase"},
    {"name": "big_firm", "from": ["lead"], "to": "customer", "on": "visit",
     "when": {"attribute": "employees", "op": ">=", "value": 1000}}
  ],
  "attributes": {
    "province": {"type": "category", "values": ["Córdoba", "Mendoza"]},
    "credit_situation": {"type": "category", "values": ["1", "2", "3", "4", "5", "6"],
                         "description": "BCRA debtor situation"},
    "employees": {"type": "number", "min": 0},
    "industry": {"type": "text"},
    "founded": {"type": "date"}
  },
  "segments": [
    {"name": "cordoba", "when": {"attribute": "province", "op": "==", "value": "Córdoba"}},
    {"name": "non_performing", "when": {"attribute": "credit_situation", "in": ["3", "4", "5", "6"]}},
    {"name": "old_firms", "stages": ["customer"],
     "when": {"attribute": "founded", "op": "<", "value": "2000-01-01"}},
    {"name": "active", "when": {"metric": "days_since_last_activity", "op": "<", "value": 30}}
  ]
}"#;

/// 2026-03-01T10:00:00Z.
const T0: i64 = 1_772_359_200_000;
const DAY_MS: i64 = 86_400_000;

fn new_engine(config: &str) -> Result<Engine, (ciclo_status, String)> {
    let mut out = ptr::null_mut();
    let config = c(config);
    match unsafe { ciclo_engine_new(config.as_ptr(), &mut out) } {
        CICLO_STATUS_OK => Ok(Engine(out)),
        st => Err((st, last_error())),
    }
}

fn apply(e: &Engine, line: &str) -> ciclo_status {
    let line = c(line);
    unsafe { ciclo_engine_apply_json(e.0, line.as_ptr(), ptr::null_mut()) }
}

fn set(e: &Engine, customer: &str, attributes: &str) -> ciclo_status {
    let (customer, attributes) = (c(customer), c(attributes));
    unsafe { ciclo_engine_set_attributes_json(e.0, customer.as_ptr(), attributes.as_ptr()) }
}

fn segments(e: &Engine, customer: &str) -> String {
    let id = c(customer);
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_segments_json(e.0, id.as_ptr(), &mut out) },
        CICLO_STATUS_OK,
        "{}",
        last_error()
    );
    take(out)
}

fn counts(e: &Engine) -> String {
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_segment_counts_json(e.0, &mut out) },
        CICLO_STATUS_OK
    );
    take(out)
}

fn state(e: &Engine, customer: &str) -> String {
    let id = c(customer);
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_customer_state_json(e.0, id.as_ptr(), &mut out) },
        CICLO_STATUS_OK
    );
    take(out)
}

fn engine_with_customers() -> Engine {
    let e = new_engine(CONFIG).unwrap();
    let lines = [
        r#"{"customer": "acme", "at": "2026-03-01T10:00:00Z", "kind": "visit", "attributes": {"province": "Córdoba", "employees": 40, "utm": "mail"}}"#,
        r#"{"customer": "globex", "at": "2026-03-02T10:00:00Z", "kind": "visit", "attributes": {"employees": 5000, "founded": "1989-06-01"}}"#,
        r#"{"customer": "initech", "at": "2026-03-03T10:00:00Z", "kind": "visit"}"#,
    ];
    for line in lines {
        assert_eq!(apply(&e, line), CICLO_STATUS_OK, "{}", last_error());
    }
    e
}

#[test]
fn segments_and_counts_through_json() {
    let e = engine_with_customers();
    assert_eq!(
        segments(&e, "acme"),
        r#"{"customer":"acme","segments":[{"entered":"2026-03-01T10:00:00Z","segment":"cordoba"},{"entered":"2026-03-01T10:00:00Z","segment":"active"}]}"#
    );
    // The attribute rule moved the big firm, which entered `old_firms` then.
    assert_eq!(
        segments(&e, "globex"),
        r#"{"customer":"globex","segments":[{"entered":"2026-03-02T10:00:00Z","segment":"old_firms"},{"entered":"2026-03-02T10:00:00Z","segment":"active"}]}"#
    );
    assert_eq!(
        set(
            &e,
            "initech",
            r#"{"credit_situation": 4, "industry": "software"}"#
        ),
        CICLO_STATUS_OK,
        "{}",
        last_error()
    );
    assert!(segments(&e, "initech")
        .contains(r#"{"entered":"2026-03-03T10:00:00Z","segment":"non_performing"}"#));
    assert!(state(&e, "initech")
        .contains(r#""attributes":{"credit_situation":"4","industry":"software"}"#));
    assert_eq!(
        counts(&e),
        r#"{"segments":[{"customers":1,"segment":"cordoba"},{"customers":1,"segment":"non_performing"},{"customers":1,"segment":"old_firms"},{"customers":3,"segment":"active"}]}"#
    );
    // `null` removes.
    assert_eq!(
        set(&e, "initech", r#"{"credit_situation": null}"#),
        CICLO_STATUS_OK
    );
    assert!(!segments(&e, "initech").contains("non_performing"));

    // Members, a page at a time.
    let (segment, mut out) = (c("active"), ptr::null_mut());
    assert_eq!(
        unsafe {
            ciclo_engine_list_segment_members_json(e.0, segment.as_ptr(), ptr::null(), 2, &mut out)
        },
        CICLO_STATUS_OK
    );
    assert_eq!(
        take(out),
        r#"{"items":["acme","globex"],"next_cursor":"globex"}"#
    );
    let cursor = c("globex");
    assert_eq!(
        unsafe {
            ciclo_engine_list_segment_members_json(
                e.0,
                segment.as_ptr(),
                cursor.as_ptr(),
                2,
                &mut out,
            )
        },
        CICLO_STATUS_OK
    );
    assert_eq!(take(out), r#"{"items":["initech"],"next_cursor":null}"#);

    // Forty days on, nobody is active.
    let (mut entered, mut left) = (9u64, 9u64);
    assert_eq!(
        unsafe { ciclo_engine_refresh_segments(e.0, T0 + 40 * DAY_MS, &mut entered, &mut left) },
        CICLO_STATUS_OK
    );
    assert_eq!((entered, left), (0, 3));
    assert!(counts(&e).contains(r#"{"customers":0,"segment":"active"}"#));
    assert_eq!(
        unsafe {
            ciclo_engine_refresh_segments(e.0, T0 + 41 * DAY_MS, ptr::null_mut(), ptr::null_mut())
        },
        CICLO_STATUS_OK
    );
}

#[test]
fn a_model_without_segments_counts_none() {
    let e = c_host::engine();
    assert_eq!(counts(&e), r#"{"segments":[]}"#);
}

#[test]
fn configuration_errors_name_the_attribute() {
    let unknown = CONFIG.replace(r#""in": ["3""#, r#""in": ["9""#);
    let (st, message) = new_engine(&unknown).err().unwrap();
    assert_eq!(st, CICLO_STATUS_INVALID_CONFIG);
    assert!(message.contains("segments[1].when.in[0]"), "{message}");
    let undeclared = CONFIG.replace(
        r#"{"attribute": "province", "op""#,
        r#"{"attribute": "provincia", "op""#,
    );
    let (st, message) = new_engine(&undeclared).err().unwrap();
    assert_eq!(st, CICLO_STATUS_INVALID_CONFIG);
    assert!(
        message.contains("segments[0].when.attribute") && message.contains("`provincia`"),
        "{message}"
    );
    let bad_type = CONFIG.replace(r#""type": "text""#, r#""type": "texto""#);
    let (st, message) = new_engine(&bad_type).err().unwrap();
    assert_eq!(st, CICLO_STATUS_INVALID_JSON, "{message}");
}

#[test]
fn refused_attributes_change_nothing() {
    let e = engine_with_customers();
    let before = state(&e, "acme");
    let cases: [(&str, ciclo_status, &str); 8] = [
        (
            r#"{"employees": "many"}"#,
            CICLO_STATUS_INVALID_ARGUMENT,
            "attributes.employees",
        ),
        (
            r#"{"employees": -3}"#,
            CICLO_STATUS_INVALID_ARGUMENT,
            "attributes.employees",
        ),
        (
            r#"{"province": "Salta"}"#,
            CICLO_STATUS_INVALID_ARGUMENT,
            "attributes.province",
        ),
        (
            r#"{"founded": "1989"}"#,
            CICLO_STATUS_INVALID_ARGUMENT,
            "attributes.founded",
        ),
        (
            r#"{"industry": "x", "size": 3}"#,
            CICLO_STATUS_INVALID_ARGUMENT,
            "attributes.size",
        ),
        (
            r#"{"industry": ["x"]}"#,
            CICLO_STATUS_INVALID_JSON,
            "industry",
        ),
        (
            r#"{"industry": "x", "industry": "y"}"#,
            CICLO_STATUS_INVALID_JSON,
            "duplicate",
        ),
        (r#"["industry"]"#, CICLO_STATUS_INVALID_JSON, "attributes"),
    ];
    for (json, status, field) in cases {
        assert_eq!(set(&e, "acme", json), status, "{json}");
        let message = last_error();
        assert!(message.contains(field), "{json}: {message}");
        assert_eq!(state(&e, "acme"), before, "{json}");
    }
    for malformed in ["", "{", r#"{"industry": }"#, "nul"] {
        assert_eq!(
            set(&e, "acme", malformed),
            CICLO_STATUS_INVALID_JSON,
            "{malformed}"
        );
    }
    // An event with a declared attribute of the wrong type is refused whole.
    let line = r#"{"customer": "acme", "at": "2026-03-05T10:00:00Z", "kind": "visit", "attributes": {"employees": true}}"#;
    assert_eq!(apply(&e, line), CICLO_STATUS_INVALID_ARGUMENT);
    assert!(
        last_error().contains("event.attributes.employees"),
        "{}",
        last_error()
    );
    assert_eq!(state(&e, "acme"), before);
    // Unknown customer.
    assert_eq!(
        set(&e, "nadie", r#"{"industry": "x"}"#),
        CICLO_STATUS_NOT_FOUND
    );
}

#[test]
fn null_pointers_and_invalid_utf8() {
    let e = engine_with_customers();
    let (id, attrs) = (c("acme"), c(r#"{"industry": "x"}"#));
    let bad = [0xffu8, 0xfe, 0];
    let bad = bad.as_ptr() as *const c_char;
    let sentinel = ptr::dangling_mut::<c_char>();
    unsafe {
        assert_eq!(
            ciclo_engine_set_attributes_json(ptr::null(), id.as_ptr(), attrs.as_ptr()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_set_attributes_json(e.0, ptr::null(), attrs.as_ptr()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_set_attributes_json(e.0, id.as_ptr(), ptr::null()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_set_attributes_json(e.0, bad, attrs.as_ptr()),
            CICLO_STATUS_INVALID_UTF8
        );
        assert_eq!(
            ciclo_engine_set_attributes_json(e.0, id.as_ptr(), bad),
            CICLO_STATUS_INVALID_UTF8
        );

        let mut out = sentinel;
        assert_eq!(
            ciclo_engine_segments_json(ptr::null(), id.as_ptr(), &mut out),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_segments_json(e.0, ptr::null(), &mut out),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_segments_json(e.0, id.as_ptr(), ptr::null_mut()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_segments_json(e.0, bad, &mut out),
            CICLO_STATUS_INVALID_UTF8
        );
        let nobody = c("nadie");
        assert_eq!(
            ciclo_engine_segments_json(e.0, nobody.as_ptr(), &mut out),
            CICLO_STATUS_NOT_FOUND
        );
        assert_eq!(out, sentinel, "nothing written on an error");

        assert_eq!(
            ciclo_engine_segment_counts_json(ptr::null(), &mut out),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_segment_counts_json(e.0, ptr::null_mut()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(out, sentinel);

        let seg = c("active");
        assert_eq!(
            ciclo_engine_list_segment_members_json(
                ptr::null(),
                seg.as_ptr(),
                ptr::null(),
                5,
                &mut out
            ),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_list_segment_members_json(e.0, ptr::null(), ptr::null(), 5, &mut out),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_list_segment_members_json(
                e.0,
                seg.as_ptr(),
                ptr::null(),
                5,
                ptr::null_mut()
            ),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_list_segment_members_json(e.0, bad, ptr::null(), 5, &mut out),
            CICLO_STATUS_INVALID_UTF8
        );
        assert_eq!(
            ciclo_engine_list_segment_members_json(e.0, seg.as_ptr(), bad, 5, &mut out),
            CICLO_STATUS_INVALID_UTF8
        );
        assert_eq!(
            ciclo_engine_list_segment_members_json(e.0, seg.as_ptr(), ptr::null(), 0, &mut out),
            CICLO_STATUS_INVALID_ARGUMENT
        );
        assert!(last_error().contains("max"));
        let unknown = c("vip");
        assert_eq!(
            ciclo_engine_list_segment_members_json(e.0, unknown.as_ptr(), ptr::null(), 5, &mut out),
            CICLO_STATUS_NOT_FOUND
        );
        assert_eq!(out, sentinel);

        let mut n = 7u64;
        assert_eq!(
            ciclo_engine_refresh_segments(ptr::null(), T0, &mut n, &mut n),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert_eq!(
            ciclo_engine_refresh_segments(e.0, i64::MAX, &mut n, &mut n),
            CICLO_STATUS_INVALID_TIMESTAMP
        );
        assert_eq!(n, 7);
    }
}
