//! The consolidation part of the C ABI seen from a host: each entry point with
//! NULL pointers, invalid UTF-8, malformed JSON and each documented error,
//! table-driven. Nothing crashes, out parameters are written only on success,
//! and a rejected call changes nothing (the engine's snapshot is unchanged).

use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr;

use ciclo::ffi::consolidation::*;
use ciclo::ffi::engine::*;
use ciclo::ffi::status::*;

#[path = "common/c_host.rs"]
mod host;
use host::*;

fn ingest(e: &Engine, json: &str) -> Result<String, ciclo_status> {
    let request = c(json);
    let mut out = ptr::null_mut();
    let status = unsafe { ciclo_engine_ingest_json(e.0, request.as_ptr(), &mut out) };
    if status == CICLO_STATUS_OK {
        Ok(take(out))
    } else {
        assert!(out.is_null(), "out written on error");
        Err(status)
    }
}

const ANA: &str = r#"{"system": "crm", "id": "1", "updated": "2026-01-01T00:00:00Z",
    "record": {"given_name": "Ana", "surname": "Ruiz", "email": "ana@ruiz.es", "country": "ES"}}"#;
const LUIS: &str = r#"{"system": "erp", "id": "7",
    "record": {"given_name": "Luis", "surname": "Paz", "email": "luis@paz.com.ar"}}"#;

#[test]
fn ingest_merge_unmerge_and_query_through_the_c_abi() {
    let e = engine();
    let a = ingest(&e, ANA).unwrap();
    assert!(
        a.contains(r#""golden_id":"G1""#) && a.contains(r#""decision":"new""#),
        "{a}"
    );
    let again = ingest(
        &e,
        r#"{"system": "web", "id": "x", "updated": "2026-02-01T00:00:00Z",
            "record": {"given_name": "ANA", "surname": "RUIZ", "email": "Ana@Ruiz.es", "country": "ES"}}"#,
    )
    .unwrap();
    assert!(again.contains(r#""decision":"merged""#), "{again}");
    assert!(again.contains(r#""contributions":[{"#), "{again}");
    ingest(&e, LUIS).unwrap();
    let mut out = ptr::null_mut();
    let (web, x) = (c("web"), c("x"));
    assert_eq!(
        unsafe { ciclo_engine_golden_of(e.0, web.as_ptr(), x.as_ptr(), &mut out) },
        CICLO_STATUS_OK
    );
    assert_eq!(take(out), "G1");
    let g1 = c("G1");
    assert_eq!(
        unsafe { ciclo_engine_golden_json(e.0, g1.as_ptr(), &mut out) },
        CICLO_STATUS_OK
    );
    let golden = take(out);
    assert!(
        golden.contains(r#""sources":[{"id":"1","system":"crm"},{"id":"x","system":"web"}]"#),
        "{golden}"
    );
    let g2 = c("G2");
    assert_eq!(
        unsafe { ciclo_engine_merge(e.0, g2.as_ptr(), g1.as_ptr(), &mut out) },
        CICLO_STATUS_OK
    );
    assert_eq!(take(out), "G1");
    let (erp, seven) = (c("erp"), c("7"));
    assert_eq!(
        unsafe { ciclo_engine_unmerge(e.0, erp.as_ptr(), seven.as_ptr(), &mut out) },
        CICLO_STATUS_OK
    );
    assert_eq!(take(out), "G2");
    let corp = c("corporate");
    assert_eq!(
        unsafe { ciclo_engine_link(e.0, corp.as_ptr(), g1.as_ptr(), g2.as_ptr()) },
        CICLO_STATUS_OK
    );
    assert_eq!(
        unsafe { ciclo_engine_hierarchy_json(e.0, corp.as_ptr(), g2.as_ptr(), &mut out) },
        CICLO_STATUS_OK
    );
    assert!(take(out).contains(r#""parent":"G1""#));
    assert_eq!(
        unsafe { ciclo_engine_roll_up_json(e.0, corp.as_ptr(), g1.as_ptr(), &mut out) },
        CICLO_STATUS_OK
    );
    assert!(take(out).contains(r#""missing":2"#));
    assert_eq!(
        unsafe { ciclo_engine_reviews_json(e.0, &mut out) },
        CICLO_STATUS_OK
    );
    assert_eq!(take(out), "[]");
    // Everything survives a snapshot.
    let bytes = snapshot(&e);
    let mut restored = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_restore(bytes.as_ptr(), bytes.len(), &mut restored) },
        CICLO_STATUS_OK
    );
    let restored = Engine(restored);
    assert_eq!(snapshot(&restored), bytes);
}

#[test]
fn every_consolidation_entry_point_refuses_bad_input_and_changes_nothing() {
    let e = engine();
    ingest(&e, ANA).unwrap();
    ingest(&e, LUIS).unwrap();
    let before = snapshot(&e);
    let bad_utf8: &[u8] = b"G\xff1\0";
    let bad = bad_utf8.as_ptr() as *const c_char;
    let s = |t: &str| c(t);
    let (crm, one, g1, g2, g9, corp) =
        (s("crm"), s("1"), s("G1"), s("G2"), s("G9"), s("corporate"));
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
            "ingest NULL engine",
            Box::new(|| unsafe { ciclo_engine_ingest_json(ptr::null(), crm.as_ptr(), o) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "engine",
        ),
        (
            "ingest NULL json",
            Box::new(|| unsafe { ciclo_engine_ingest_json(e.0, ptr::null(), o) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "request_json",
        ),
        (
            "ingest NULL out",
            Box::new(|| unsafe { ciclo_engine_ingest_json(e.0, crm.as_ptr(), ptr::null_mut()) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "out_json",
        ),
        (
            "ingest bad UTF-8",
            Box::new(|| unsafe { ciclo_engine_ingest_json(e.0, bad, o) }),
            CICLO_STATUS_INVALID_UTF8,
            "request_json",
        ),
        (
            "ingest malformed",
            Box::new(|| {
                let j = s("{\"system\":");
                unsafe { ciclo_engine_ingest_json(e.0, j.as_ptr(), o) }
            }),
            CICLO_STATUS_INVALID_JSON,
            "ingest request",
        ),
        (
            "ingest unknown field",
            Box::new(|| {
                let j = s(r#"{"system":"a","id":"b","record":{},"extra":1}"#);
                unsafe { ciclo_engine_ingest_json(e.0, j.as_ptr(), o) }
            }),
            CICLO_STATUS_UNKNOWN_FIELD,
            "extra",
        ),
        (
            "ingest unknown record field",
            Box::new(|| {
                let j = s(r#"{"system":"a","id":"b","record":{"nombre":"x"}}"#);
                unsafe { ciclo_engine_ingest_json(e.0, j.as_ptr(), o) }
            }),
            CICLO_STATUS_UNKNOWN_FIELD,
            "nombre",
        ),
        (
            "ingest empty record",
            Box::new(|| {
                let j = s(r#"{"system":"a","id":"b","record":{"email":""}}"#);
                unsafe { ciclo_engine_ingest_json(e.0, j.as_ptr(), o) }
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "record",
        ),
        (
            "ingest empty system",
            Box::new(|| {
                let j = s(r#"{"system":" ","id":"b","record":{"email":"a@b.es"}}"#);
                unsafe { ciclo_engine_ingest_json(e.0, j.as_ptr(), o) }
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "source.system",
        ),
        (
            "ingest bad time",
            Box::new(|| {
                let j =
                    s(r#"{"system":"a","id":"b","updated":"ayer","record":{"email":"a@b.es"}}"#);
                unsafe { ciclo_engine_ingest_json(e.0, j.as_ptr(), o) }
            }),
            CICLO_STATUS_INVALID_TIMESTAMP,
            "updated",
        ),
        (
            "ingest older update",
            Box::new(|| {
                let j = s(
                    r#"{"system":"crm","id":"1","updated":"2025-01-01T00:00:00Z","record":{"email":"a@b.es"}}"#,
                );
                unsafe { ciclo_engine_ingest_json(e.0, j.as_ptr(), o) }
            }),
            CICLO_STATUS_CONFLICT,
            "updated",
        ),
        (
            "golden not an id",
            Box::new(|| {
                let j = s("cliente");
                unsafe { ciclo_engine_golden_json(e.0, j.as_ptr(), o) }
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "golden_id",
        ),
        (
            "golden bad UTF-8",
            Box::new(|| unsafe { ciclo_engine_golden_json(e.0, bad, o) }),
            CICLO_STATUS_INVALID_UTF8,
            "golden_id",
        ),
        (
            "golden unknown",
            Box::new(|| unsafe { ciclo_engine_golden_json(e.0, g9.as_ptr(), o) }),
            CICLO_STATUS_NOT_FOUND,
            "G9",
        ),
        (
            "golden_of unknown",
            Box::new(|| unsafe { ciclo_engine_golden_of(e.0, crm.as_ptr(), g9.as_ptr(), o) }),
            CICLO_STATUS_NOT_FOUND,
            "crm/G9",
        ),
        (
            "golden_of NULL id",
            Box::new(|| unsafe { ciclo_engine_golden_of(e.0, crm.as_ptr(), ptr::null(), o) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "id",
        ),
        (
            "merge with itself",
            Box::new(|| unsafe { ciclo_engine_merge(e.0, g1.as_ptr(), g1.as_ptr(), o) }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "itself",
        ),
        (
            "merge unknown",
            Box::new(|| unsafe { ciclo_engine_merge(e.0, g1.as_ptr(), g9.as_ptr(), o) }),
            CICLO_STATUS_NOT_FOUND,
            "G9",
        ),
        (
            "merge NULL",
            Box::new(|| unsafe { ciclo_engine_merge(e.0, ptr::null(), g1.as_ptr(), o) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "a",
        ),
        (
            "unmerge never merged",
            Box::new(|| unsafe { ciclo_engine_unmerge(e.0, crm.as_ptr(), one.as_ptr(), o) }),
            CICLO_STATUS_CONFLICT,
            "nothing to unmerge",
        ),
        (
            "unmerge unknown",
            Box::new(|| unsafe { ciclo_engine_unmerge(e.0, crm.as_ptr(), g9.as_ptr(), o) }),
            CICLO_STATUS_NOT_FOUND,
            "crm/G9",
        ),
        (
            "dismiss no review",
            Box::new(|| unsafe { ciclo_engine_dismiss_review(e.0, crm.as_ptr(), one.as_ptr()) }),
            CICLO_STATUS_NOT_FOUND,
            "review",
        ),
        (
            "link unknown",
            Box::new(|| unsafe { ciclo_engine_link(e.0, corp.as_ptr(), g1.as_ptr(), g9.as_ptr()) }),
            CICLO_STATUS_NOT_FOUND,
            "G9",
        ),
        (
            "link itself",
            Box::new(|| unsafe { ciclo_engine_link(e.0, corp.as_ptr(), g1.as_ptr(), g1.as_ptr()) }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "G1",
        ),
        (
            "link bad kind",
            Box::new(|| {
                let k = s(" ");
                unsafe { ciclo_engine_link(e.0, k.as_ptr(), g1.as_ptr(), g2.as_ptr()) }
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "kind",
        ),
        (
            "unlink missing",
            Box::new(|| unsafe {
                ciclo_engine_unlink(e.0, corp.as_ptr(), g1.as_ptr(), g2.as_ptr())
            }),
            CICLO_STATUS_NOT_FOUND,
            "G1",
        ),
        (
            "configure after ingest",
            Box::new(|| {
                let j = s("{}");
                unsafe { ciclo_engine_configure_consolidation(e.0, j.as_ptr()) }
            }),
            CICLO_STATUS_CONFLICT,
            "consolidation",
        ),
        (
            "configure bad chain",
            Box::new(|| {
                let j = s(r#"{"survivorship": {"default": []}}"#);
                unsafe { ciclo_engine_configure_consolidation(e.0, j.as_ptr()) }
            }),
            CICLO_STATUS_INVALID_CONFIG,
            "survivorship.default",
        ),
        (
            "configure bad country",
            Box::new(|| {
                let j = s(r#"{"default_country": "Narnia"}"#);
                unsafe { ciclo_engine_configure_consolidation(e.0, j.as_ptr()) }
            }),
            CICLO_STATUS_INVALID_CONFIG,
            "default_country",
        ),
        (
            "configure bad date_order",
            Box::new(|| {
                let j = s(r#"{"date_order": "ymd"}"#);
                unsafe { ciclo_engine_configure_consolidation(e.0, j.as_ptr()) }
            }),
            CICLO_STATUS_INVALID_CONFIG,
            "date_order",
        ),
        (
            "reviews NULL out",
            Box::new(|| unsafe { ciclo_engine_reviews_json(e.0, ptr::null_mut()) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "out_json",
        ),
        (
            "dedup malformed line",
            Box::new(|| {
                let j = s("{\"id\": \"r1\"}\n{\"id\":");
                unsafe { ciclo_dedup_json(j.as_ptr(), ptr::null(), None, ptr::null_mut(), o) }
            }),
            CICLO_STATUS_INVALID_JSON,
            "line 2",
        ),
        (
            "dedup unknown field",
            Box::new(|| {
                let j = s("{\"id\": \"r1\", \"nombre\": \"x\"}");
                unsafe { ciclo_dedup_json(j.as_ptr(), ptr::null(), None, ptr::null_mut(), o) }
            }),
            CICLO_STATUS_UNKNOWN_FIELD,
            "nombre",
        ),
        (
            "dedup repeated id",
            Box::new(|| {
                let j = s("{\"id\": \"r1\"}\n{\"id\": \"r1\"}");
                unsafe { ciclo_dedup_json(j.as_ptr(), ptr::null(), None, ptr::null_mut(), o) }
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "repeated",
        ),
        (
            "dedup NULL records",
            Box::new(|| unsafe {
                ciclo_dedup_json(ptr::null(), ptr::null(), None, ptr::null_mut(), o)
            }),
            CICLO_STATUS_NULL_ARGUMENT,
            "records_jsonl",
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
}

unsafe extern "C" fn count(user: *mut c_void, step: *const c_char, done: usize, total: usize) {
    let steps = &mut *(user as *mut Vec<(String, usize, usize)>);
    steps.push((
        CStr::from_ptr(step).to_string_lossy().into_owned(),
        done,
        total,
    ));
}

/// Three records as JSON lines: José García twice (the second typed as Pepe
/// Garcia, with `second_email`), and Ana Ruiz.
fn batch_records(second_email: &str) -> CString {
    let lines = [
        r#"{"id": "a", "given_name": "José", "surname": "García", "email": "jose.garcia@gmail.com", "birth_date": "1986-01-09", "phone": "+54 9 11 2345-6789"}"#.to_string(),
        format!(r#"{{"id": "b", "given_name": "Pepe", "surname": "Garcia", "email": "{second_email}", "birth_date": "09/01/1986", "phone": "011 15-2345-6789"}}"#),
        r#"{"id": "c", "given_name": "Ana", "surname": "Ruiz", "email": "ana@ruiz.es"}"#.to_string(),
    ];
    c(&(lines.join("\n") + "\n"))
}

#[test]
fn batch_dedup_through_the_c_abi_reports_progress() {
    let records = batch_records("josegarcia@gmail.com");
    let options = c(r#"{"default_country": "AR", "today": "2026-11-23"}"#);
    let mut steps: Vec<(String, usize, usize)> = Vec::new();
    let mut out = ptr::null_mut();
    let status = unsafe {
        ciclo_dedup_json(
            records.as_ptr(),
            options.as_ptr(),
            Some(count),
            &mut steps as *mut _ as *mut c_void,
            &mut out,
        )
    };
    assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
    let text = take(out);
    assert!(text.contains(r#""golden":["a","a","c"]"#), "{text}");
    assert!(text.contains(r#""customers":2"#), "{text}");
    assert!(
        steps.iter().any(|(s, d, t)| s == "cluster" && d == t),
        "{steps:?}"
    );
}

#[test]
fn batch_dedup_through_the_c_abi_builds_golden_records_on_request() {
    let records = batch_records("josegarcia@hotmail.com");
    let dedup = |options: &str| {
        let options = c(options);
        let mut out = ptr::null_mut();
        let status = unsafe {
            ciclo_dedup_json(
                records.as_ptr(),
                options.as_ptr(),
                None,
                ptr::null_mut(),
                &mut out,
            )
        };
        (status, out)
    };
    let (status, out) = dedup(r#"{"default_country": "AR", "golden_records": true}"#);
    assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
    let v: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
    let golden = v["golden_records"].as_array().unwrap();
    assert_eq!(golden.len(), 2, "{v}");
    assert_eq!(golden[0]["golden_id"], "a");
    assert_eq!(golden[0]["sources"].as_array().unwrap().len(), 2);
    assert_eq!(golden[0]["sources"][1]["system"], "batch");
    // Both emails kept, one surviving; the name from the records.
    assert_eq!(golden[0]["emails"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(golden[0]["record"]["surname"], "García");
    assert_eq!(golden[1]["golden_id"], "c");

    // Not asked for: not built.
    let (status, out) = dedup(r#"{"default_country": "AR"}"#);
    assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
    assert!(!take(out).contains("golden_records"));

    // A bad value names the option; nothing is written.
    let (status, out) = dedup(r#"{"golden_records": "yes"}"#);
    assert_eq!(status, CICLO_STATUS_INVALID_ARGUMENT);
    assert!(out.is_null());
    assert!(last_error().contains("golden_records"), "{}", last_error());
    let (status, _) = dedup(r#"{"golden_record": true}"#);
    assert_eq!(status, CICLO_STATUS_UNKNOWN_FIELD, "{}", last_error());

    // An id that cannot be a source key (a control character) is refused,
    // naming the record, before any work; without golden records it is fine.
    let bad = c(concat!(
        r#"{"id": "a", "given_name": "Ana", "surname": "Ruiz"}"#,
        "\n",
        r#"{"id": "b\tc", "given_name": "Eva", "surname": "Sanz"}"#,
        "\n",
    ));
    for (golden, expected) in [
        (true, CICLO_STATUS_INVALID_ARGUMENT),
        (false, CICLO_STATUS_OK),
    ] {
        let options = c(&format!(r#"{{"golden_records": {golden}}}"#));
        let mut out = ptr::null_mut();
        let status = unsafe {
            ciclo_dedup_json(
                bad.as_ptr(),
                options.as_ptr(),
                None,
                ptr::null_mut(),
                &mut out,
            )
        };
        assert_eq!(status, expected, "{}", last_error());
        if golden {
            assert!(out.is_null());
            assert!(last_error().contains("record 2"), "{}", last_error());
        } else {
            take(out);
        }
    }
}

fn configure(e: &Engine, json: &str) -> ciclo_status {
    let j = c(json);
    unsafe { ciclo_engine_configure_consolidation(e.0, j.as_ptr()) }
}

fn match_model(e: &Engine) -> serde_json::Value {
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_match_model_json(e.0, &mut out) },
        CICLO_STATUS_OK
    );
    serde_json::from_str(&take(out)).unwrap()
}

/// `"date_order": "mdy"` reads `01/02/1990` as 2 January; snapshots keep it.
#[test]
fn configuring_month_first_dates_through_the_c_abi() {
    let e = engine();
    assert_eq!(configure(&e, r#"{"date_order": "mdy"}"#), CICLO_STATUS_OK);
    let out = ingest(
        &e,
        r#"{"system": "crm", "id": "1", "updated": "2026-01-01T00:00:00Z",
            "record": {"given_name": "Ann", "surname": "Lee", "birth_date": "01/02/1990"}}"#,
    )
    .unwrap();
    assert!(out.contains(r#""golden_id":"G1""#), "{out}");
    let golden = |e: &Engine| {
        let mut out = ptr::null_mut();
        let g1 = c("G1");
        assert_eq!(
            unsafe { ciclo_engine_golden_json(e.0, g1.as_ptr(), &mut out) },
            CICLO_STATUS_OK
        );
        let v: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
        v["record"]["birth_date"].clone()
    };
    assert_eq!(golden(&e), "1990-01-02");
    let bytes = snapshot(&e);
    let mut restored = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_restore(bytes.as_ptr(), bytes.len(), &mut restored) },
        CICLO_STATUS_OK
    );
    let restored = Engine(restored);
    assert_eq!(golden(&restored), "1990-01-02");
    assert_eq!(snapshot(&restored), bytes);

    let other = engine();
    assert_eq!(
        configure(&other, r#"{"date_order": "dmy/mdy"}"#),
        CICLO_STATUS_INVALID_CONFIG
    );
    assert!(last_error().contains("date_order"), "{}", last_error());
}

/// A match model installed before the consolidation settings is kept when
/// they have no `"model"` (their thresholds, when given, override its own);
/// a `"model"` in them replaces it.
#[test]
fn configuring_consolidation_through_the_c_abi_keeps_an_installed_model() {
    let e = engine();
    let mut model = match_model(&e);
    model["prior"] = serde_json::json!(3.25e-5);
    let text = c(&model.to_string());
    assert_eq!(
        unsafe { ciclo_engine_set_match_model_json(e.0, text.as_ptr()) },
        CICLO_STATUS_OK
    );
    assert_eq!(configure(&e, r#"{"max_block": 300}"#), CICLO_STATUS_OK);
    assert_eq!(match_model(&e), model, "the installed model was replaced");

    assert_eq!(
        configure(&e, r#"{"merge_threshold": 0.995}"#),
        CICLO_STATUS_OK
    );
    let kept = match_model(&e);
    assert_eq!(kept["prior"], model["prior"]);
    assert_eq!(kept["merge_threshold"], 0.995);

    let builtin = match_model(&engine());
    let with_model = serde_json::json!({ "model": builtin }).to_string();
    assert_eq!(configure(&e, &with_model), CICLO_STATUS_OK);
    assert_eq!(match_model(&e), builtin);
}
