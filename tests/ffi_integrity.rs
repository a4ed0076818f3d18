//! Integrity of the single customer view through the C ABI: erasure that
//! erases, retired golden ids with one rule in every call, and restores that
//! check the content of a snapshot whose checksum is valid.

use std::ffi::c_char;
use std::ptr;

use ciclo::ffi::ciclo_engine;
use ciclo::ffi::consolidation::*;
use ciclo::ffi::engine::*;
use ciclo::ffi::retention::*;
use ciclo::ffi::status::*;
use ciclo::lifecycle::StateRecord;
use serde::{Deserialize, Serialize};

#[path = "common/c_host.rs"]
mod host;
use host::*;

fn restore(bytes: &[u8]) -> Result<Engine, (ciclo_status, String)> {
    let mut out = ptr::null_mut();
    let status = unsafe { ciclo_engine_restore(bytes.as_ptr(), bytes.len(), &mut out) };
    if status == CICLO_STATUS_OK {
        Ok(Engine(out))
    } else {
        assert!(out.is_null());
        Err((status, last_error()))
    }
}

fn ingest(e: &Engine, json: &str) -> String {
    let request = c(json);
    let mut out = ptr::null_mut();
    let status = unsafe { ciclo_engine_ingest_json(e.0, request.as_ptr(), &mut out) };
    assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
    let v: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
    v["golden_id"].as_str().unwrap().to_string()
}

fn apply(e: &Engine, json: &str) -> Result<serde_json::Value, ciclo_status> {
    let event = c(json);
    let mut out = ptr::null_mut();
    let status = unsafe { ciclo_engine_apply_json(e.0, event.as_ptr(), &mut out) };
    if status == CICLO_STATUS_OK {
        Ok(serde_json::from_str(&take(out)).unwrap())
    } else {
        Err(status)
    }
}

fn buy(customer: &str, day: u32, minor: i64) -> String {
    format!(
        r#"{{"customer": "{customer}", "at": "2026-03-{day:02}T10:00:00Z", "kind": "purchase",
            "amount": {minor}, "currency": "ARS", "attributes": {{"nota": "nota-secreta-{customer}"}}}}"#
    )
}

/// A customer's JSON through `call`, or its status.
fn customer_call(
    e: &Engine,
    id: &str,
    call: unsafe extern "C" fn(
        *const ciclo_engine,
        *const c_char,
        *mut *mut c_char,
    ) -> ciclo_status,
) -> Result<serde_json::Value, ciclo_status> {
    let id = c(id);
    let mut out = ptr::null_mut();
    let status = unsafe { call(e.0, id.as_ptr(), &mut out) };
    if status == CICLO_STATUS_OK {
        Ok(serde_json::from_str(&take(out)).unwrap())
    } else {
        assert!(out.is_null(), "out written on error");
        Err(status)
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

const ANA: &str = r#"{"system": "crm", "id": "ANA-1", "updated": "2026-01-01T00:00:00Z",
    "record": {"given_name": "Ana", "surname": "Borrable", "email": "ana.borrable@ruiz.es",
               "national_id": "20-12345678-6", "country": "AR"}}"#;
const ANA_WEB: &str = r#"{"system": "web", "id": "ANA-2", "updated": "2026-01-01T00:00:00Z",
    "record": {"given_name": "Ana", "surname": "Borrable", "email": "ana.borrable@ruiz.es",
               "phone": "+54 11 4777-6655", "country": "AR"}}"#;
const LUIS: &str = r#"{"system": "erp", "id": "LUIS-7", "updated": "2026-01-01T00:00:00Z",
    "record": {"given_name": "Luis", "surname": "Paz", "email": "luis@paz.com.ar", "country": "AR"}}"#;

#[test]
fn remove_customer_erases_every_trace() {
    let e = engine();
    let ana = ingest(&e, ANA);
    let also = ingest(&e, ANA_WEB);
    assert_eq!(also, ana, "the second record merges");
    let luis = ingest(&e, LUIS);
    apply(&e, &buy(&ana, 1, 1_000)).unwrap();
    apply(&e, &buy(&luis, 2, 500)).unwrap();
    let (kind, parent, child) = (c("household"), c(&luis), c(&ana));
    assert_eq!(
        unsafe { ciclo_engine_link(e.0, kind.as_ptr(), parent.as_ptr(), child.as_ptr()) },
        CICLO_STATUS_OK
    );
    let mut fired = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_evaluate_json(e.0, ptr::null(), 1_800_000_000_000, &mut fired) },
        CICLO_STATUS_OK
    );
    take(fired);
    let before = snapshot(&e);
    assert!(contains(&before, "ana.borrable"));

    let id = c(&ana);
    assert_eq!(
        unsafe { ciclo_engine_remove_customer(e.0, id.as_ptr()) },
        CICLO_STATUS_OK,
        "{}",
        last_error()
    );
    assert_eq!(
        customer_call(&e, &ana, ciclo_engine_golden_json),
        Err(CICLO_STATUS_NOT_FOUND)
    );
    assert_eq!(
        customer_call(&e, &ana, ciclo_engine_customer_json),
        Err(CICLO_STATUS_NOT_FOUND)
    );
    for (system, record) in [("crm", "ANA-1"), ("web", "ANA-2")] {
        let (system, record) = (c(system), c(record));
        let mut out = ptr::null_mut();
        assert_eq!(
            unsafe { ciclo_engine_golden_of(e.0, system.as_ptr(), record.as_ptr(), &mut out) },
            CICLO_STATUS_NOT_FOUND
        );
    }
    assert_eq!(apply(&e, &buy(&ana, 3, 1)), Err(CICLO_STATUS_NOT_FOUND));
    let after = snapshot(&e);
    for value in [
        "ana.borrable",
        "Borrable",
        "12345678",
        "4777",
        "ANA-1",
        "ANA-2",
        &format!("nota-secreta-{ana}"),
    ] {
        assert!(contains(&before, value), "{value} was there");
        assert!(!contains(&after, value), "{value} survived the erasure");
    }
    assert!(contains(&after, &format!("nota-secreta-{luis}")));
    let restored = restore(&after).unwrap();
    assert_eq!(snapshot(&restored), after);
}

#[test]
fn remove_source_through_the_c_abi() {
    let e = engine();
    let ana = ingest(&e, ANA);
    assert_eq!(ingest(&e, ANA_WEB), ana);
    let (system, id) = (c("web"), c("ANA-2"));
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_remove_source(e.0, system.as_ptr(), id.as_ptr(), &mut out) },
        CICLO_STATUS_OK
    );
    let removed: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
    assert_eq!(
        removed,
        serde_json::json!({"golden_id": ana, "erased": false})
    );
    assert!(!contains(&snapshot(&e), "4777"));
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_remove_source(e.0, system.as_ptr(), id.as_ptr(), &mut out) },
        CICLO_STATUS_NOT_FOUND
    );
    assert!(out.is_null());
    assert_eq!(
        unsafe { ciclo_engine_remove_source(e.0, ptr::null(), id.as_ptr(), ptr::null_mut()) },
        CICLO_STATUS_NULL_ARGUMENT
    );
    let (system, id) = (c("crm"), c("ANA-1"));
    assert_eq!(
        unsafe { ciclo_engine_remove_source(e.0, system.as_ptr(), id.as_ptr(), ptr::null_mut()) },
        CICLO_STATUS_OK
    );
    assert_eq!(
        customer_call(&e, &ana, ciclo_engine_golden_json),
        Err(CICLO_STATUS_NOT_FOUND)
    );
}

#[test]
fn a_retired_id_gets_one_answer_from_every_call() {
    let e = engine();
    let ana = ingest(&e, ANA);
    let luis = ingest(&e, LUIS);
    let eva = ingest(
        &e,
        r#"{"system": "web", "id": "EVA", "record": {"given_name": "Eva", "surname": "Sol", "email": "eva@sol.ar"}}"#,
    );
    apply(&e, &buy(&ana, 1, 1_000)).unwrap();
    apply(&e, &buy(&luis, 2, 500)).unwrap();
    let (kind, parent, child) = (c("household"), c(&eva), c(&ana));
    assert_eq!(
        unsafe { ciclo_engine_link(e.0, kind.as_ptr(), parent.as_ptr(), child.as_ptr()) },
        CICLO_STATUS_OK
    );
    let (a, b) = (c(&ana), c(&luis));
    let mut survivor = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_merge(e.0, b.as_ptr(), a.as_ptr(), &mut survivor) },
        CICLO_STATUS_OK
    );
    let survivor = take(survivor);
    let retired = if survivor == ana { &luis } else { &ana };

    let outcome = apply(&e, &buy(retired, 3, 10)).unwrap();
    assert_eq!(outcome["customer"], survivor.as_str(), "{outcome}");
    let state = customer_call(&e, retired, ciclo_engine_customer_json).unwrap();
    assert_eq!(state["customer"], survivor.as_str(), "{state}");
    assert_eq!(
        customer_call(&e, retired, ciclo_engine_customer_state_json).unwrap(),
        customer_call(&e, &survivor, ciclo_engine_customer_state_json).unwrap()
    );
    let golden = customer_call(&e, retired, ciclo_engine_golden_json).unwrap();
    assert_eq!(golden["golden_id"], survivor.as_str());
    let id = c(retired);
    let (mut stage, mut since) = (u32::MAX, 0i64);
    assert_eq!(
        unsafe { ciclo_engine_customer_stage(e.0, id.as_ptr(), &mut stage, &mut since) },
        CICLO_STATUS_OK
    );
    for call in [ciclo_engine_signals_json, ciclo_engine_churn_json] {
        let mut out = ptr::null_mut();
        assert_eq!(
            unsafe { call(e.0, id.as_ptr(), 1_790_000_000_000, &mut out) },
            CICLO_STATUS_OK
        );
        let v: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
        assert_eq!(v["customer"], survivor.as_str());
    }
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_hierarchy_json(e.0, kind.as_ptr(), id.as_ptr(), &mut out) },
        CICLO_STATUS_OK
    );
    let h: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
    assert_eq!(h["id"], survivor.as_str());
    assert_eq!(h["parent"], eva.as_str(), "{h}");
    // Never issued: not found everywhere, hierarchies included.
    let never = c("G4242");
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_hierarchy_json(e.0, kind.as_ptr(), never.as_ptr(), &mut out) },
        CICLO_STATUS_NOT_FOUND
    );
    assert_eq!(apply(&e, &buy("G4242", 4, 1)), Err(CICLO_STATUS_NOT_FOUND));
    assert_eq!(
        apply(&e, &buy("cliente-suelto", 4, 1)),
        Err(CICLO_STATUS_NOT_FOUND)
    );
    // Import under the retired id is refused.
    let state = customer_call(&e, &survivor, ciclo_engine_customer_state_json).unwrap();
    let state = c(&state.to_string());
    assert_eq!(
        unsafe { ciclo_engine_import_customer(e.0, id.as_ptr(), state.as_ptr()) },
        CICLO_STATUS_CONFLICT
    );
}

#[test]
fn tick_without_a_report_counts_the_same_moves() {
    let make = || {
        let e = engine();
        for i in 0..50 {
            apply(&e, &buy(&format!("c{i}"), 1 + (i % 20), 100)).unwrap();
            apply(&e, &buy(&format!("c{i}"), 21, 100)).unwrap();
        }
        e
    };
    let (a, b) = (make(), make());
    let now = 1_800_000_000_000;
    let (mut counted, mut reported) = (usize::MAX, usize::MAX);
    let mut report = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_tick(a.0, now, &mut counted, ptr::null_mut()) },
        CICLO_STATUS_OK
    );
    assert_eq!(
        unsafe { ciclo_engine_tick(b.0, now, &mut reported, &mut report) },
        CICLO_STATUS_OK
    );
    let report: serde_json::Value = serde_json::from_str(&take(report)).unwrap();
    assert_eq!(counted, 50);
    assert_eq!(counted, reported);
    assert_eq!(report["transitions"].as_array().unwrap().len(), 50);
    assert_eq!(snapshot(&a), snapshot(&b), "the same moves were made");
}

/// The payload of a snapshot, to tamper with its content.
#[derive(Serialize, Deserialize)]
struct Payload {
    config_json: String,
    customers: Vec<(String, StateRecord)>,
    identity_json: String,
    retention_json: String,
    feed_json: String,
    histories_json: String,
}

const HEADER: usize = 24;

fn open(snap: &[u8]) -> Payload {
    postcard::from_bytes(&snap[HEADER..]).unwrap()
}

fn seal(snap: &[u8], payload: &Payload) -> Vec<u8> {
    let body = postcard::to_allocvec(payload).unwrap();
    let mut out = snap[..12].to_vec();
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

#[test]
fn restore_checks_content_behind_a_valid_checksum() {
    let e = engine();
    let ana = ingest(&e, ANA);
    let luis = ingest(&e, LUIS);
    apply(&e, &buy(&ana, 1, 1_000)).unwrap();
    apply(&e, &buy(&ana, 2, 1_000)).unwrap();
    apply(&e, &buy(&luis, 2, 500)).unwrap();
    let mut fired = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_evaluate_json(e.0, ptr::null(), 1_800_000_000_000, &mut fired) },
        CICLO_STATUS_OK
    );
    take(fired);
    let snap = snapshot(&e);
    assert_eq!(seal(&snap, &open(&snap)), snap, "open and seal round-trip");

    type Tamper = Box<dyn Fn(&mut Payload)>;
    let identity = |f: fn(&mut serde_json::Value)| -> Tamper {
        Box::new(move |p: &mut Payload| {
            let mut v: serde_json::Value = serde_json::from_str(&p.identity_json).unwrap();
            f(&mut v);
            p.identity_json = v.to_string();
        })
    };
    let cases: Vec<(&str, Tamper, &str)> = vec![
        (
            "events for a golden id never issued",
            identity(|v| {
                let events = v["logs"][0][1].clone();
                v["logs"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!(["G77", events]));
            }),
            "G77",
        ),
        (
            "a customer's events given twice",
            identity(|v| {
                let first = v["logs"][0].clone();
                v["logs"].as_array_mut().unwrap().push(first);
            }),
            "twice",
        ),
        (
            "events sent for an id that does not resolve to their customer",
            identity(|v| v["logs"][0][1][0][0] = serde_json::json!("G2")),
            "does not resolve",
        ),
        (
            "a bad consolidation configuration",
            identity(|v| {
                v["config_json"] =
                    serde_json::json!(r#"{"merge_threshold": 0.1, "review_threshold": 0.9}"#)
            }),
            "configuration",
        ),
        (
            "a lifecycle state for a golden id never issued",
            Box::new(|p: &mut Payload| {
                let mut extra = p.customers[0].clone();
                extra.0 = "G55".into();
                p.customers.push(extra);
            }),
            "G55",
        ),
        (
            "a firing log for a customer without a state",
            Box::new(|p: &mut Payload| {
                let mut v: serde_json::Value = serde_json::from_str(&p.retention_json).unwrap();
                let log = v["logs"][0][1].clone();
                assert!(!log.is_null(), "the engine has a firing log: {v}");
                v["logs"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!(["nadie", log]));
                p.retention_json = v.to_string();
            }),
            "nadie",
        ),
        (
            "a firing log given twice",
            Box::new(|p: &mut Payload| {
                let mut v: serde_json::Value = serde_json::from_str(&p.retention_json).unwrap();
                let first = v["logs"][0].clone();
                v["logs"].as_array_mut().unwrap().push(first);
                p.retention_json = v.to_string();
            }),
            "twice",
        ),
    ];
    for (desc, tamper, needle) in cases {
        let mut payload = open(&snap);
        tamper(&mut payload);
        match restore(&seal(&snap, &payload)) {
            Ok(_) => panic!("{desc}: accepted"),
            Err((status, message)) => {
                assert_eq!(status, CICLO_STATUS_CORRUPT_SNAPSHOT, "{desc}: {message}");
                assert!(
                    message.contains(needle),
                    "{desc}: `{message}` lacks `{needle}`"
                );
            }
        }
    }
}
