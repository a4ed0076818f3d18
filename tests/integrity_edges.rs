//! The edges of the identity rules: customers tracked before consolidation
//! was configured, snapshots written by earlier versions (a real version 3
//! snapshot among them), callbacks that read the registry while a writer
//! waits, tampered registry images behind a valid checksum, and redelivered
//! events.

use std::sync::{mpsc, Arc};
use std::time::Duration;

use ciclo::consolidation::registry::RegistryConfig;
use ciclo::lifecycle::{StageModel, StateRecord};
use ciclo::standardize::dates::DateOrder;
use ciclo::{Engine, ErrorKind};
use serde::{Deserialize, Serialize};

#[path = "common/rust_host.rs"]
mod host;
use host::*;

#[derive(Serialize, Deserialize)]
struct Payload {
    config_json: String,
    customers: Vec<(String, StateRecord)>,
    identity_json: String,
    retention_json: String,
}

fn decode(bytes: &[u8]) -> Payload {
    postcard::from_bytes(&bytes[24..]).unwrap()
}

/// A state as snapshots before version 6 encode it: without attributes and
/// segments.
#[derive(serde::Serialize)]
struct RecordV5<'a> {
    stage: &'a str,
    stage_entered: ciclo::model::Timestamp,
    watermark: ciclo::model::Timestamp,
    history: &'a [ciclo::lifecycle::TransitionRecord],
    metrics: &'a ciclo::lifecycle::Metrics,
    recent_event_ids: &'a [u64],
    ids_at_watermark: u32,
}

/// A payload of versions 3 and 4.
#[derive(serde::Serialize)]
struct PayloadV4<'a> {
    config_json: &'a str,
    customers: Vec<(&'a str, RecordV5<'a>)>,
    identity_json: &'a str,
    retention_json: &'a str,
}

fn encode(version: u32, payload: &Payload) -> Vec<u8> {
    let old = PayloadV4 {
        config_json: &payload.config_json,
        customers: payload
            .customers
            .iter()
            .map(|(id, r)| {
                (
                    id.as_str(),
                    RecordV5 {
                        stage: &r.stage,
                        stage_entered: r.stage_entered,
                        watermark: r.watermark,
                        history: &r.history,
                        metrics: &r.metrics,
                        recent_event_ids: &r.recent_event_ids,
                        ids_at_watermark: r.ids_at_watermark,
                    },
                )
            })
            .collect(),
        identity_json: &payload.identity_json,
        retention_json: &payload.retention_json,
    };
    let body = postcard::to_allocvec(&old).unwrap();
    let mut out = Vec::new();
    out.extend_from_slice(b"CICLOSNP");
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

/// A version 3 snapshot as 448c269 wrote it: no `imported`/`configured` in
/// the consolidation text, no `customers_from_events` in its configuration.
fn as_v3(mut p: Payload) -> Vec<u8> {
    let mut id: serde_json::Value = serde_json::from_str(&p.identity_json).unwrap();
    let o = id.as_object_mut().unwrap();
    o.remove("imported");
    o.remove("configured");
    let mut cfg: serde_json::Value =
        serde_json::from_str(o["config_json"].as_str().unwrap()).unwrap();
    cfg.as_object_mut().unwrap().remove("customers_from_events");
    o.insert("config_json".into(), cfg.to_string().into());
    p.identity_json = id.to_string();
    encode(3, &p)
}

// ---- 1. Erasure: a tracked customer that erase cannot reach ----------------

#[test]
fn a_customer_tracked_before_consolidation_can_still_be_erased() {
    let engine = Engine::new(StageModel::six_stage());
    engine.apply(&buy("cliente-ana-secreta", 1, 500)).unwrap();
    engine
        .configure_consolidation(RegistryConfig::default())
        .unwrap();
    assert_eq!(engine.len(), 1, "the customer is still tracked");
    let erased = engine.erase("cliente-ana-secreta");
    assert!(erased.is_ok(), "GDPR erasure refused: {erased:?}");
    assert!(!contains(&engine.snapshot(), "cliente-ana-secreta"));
}

// ---- 7. Restore rejects a snapshot the engine itself wrote -----------------

#[test]
fn a_snapshot_with_a_golden_shaped_customer_from_before_consolidation_restores() {
    let engine = Engine::new(StageModel::six_stage());
    // A host whose own customer codes look like golden ids.
    engine.apply(&buy("G7", 1, 500)).unwrap();
    engine
        .configure_consolidation(RegistryConfig::default())
        .unwrap();
    let bytes = engine.snapshot();
    let restored = Engine::restore(&bytes);
    assert!(restored.is_ok(), "{:?}", restored.err());
}

// ---- 1/3. A state a golden id inherits from a plain customer is dropped ----

#[test]
fn the_registry_never_issues_the_id_of_a_customer_tracked_before() {
    let engine = Engine::new(StageModel::six_stage());
    engine.apply(&buy("G1", 1, 500)).unwrap();
    let g = engine
        .ingest(
            key("crm", "1"),
            day(0),
            person("Ana", "Ruiz", "ana@ruiz.es"),
        )
        .unwrap()
        .golden;
    assert_ne!(
        g.to_string(),
        "G1",
        "G1 is taken by a customer tracked before"
    );
    let other = engine
        .ingest(
            key("crm", "2"),
            day(0),
            person("Luis", "Paz", "luis@paz.ar"),
        )
        .unwrap()
        .golden;
    engine.apply(&buy(&g.to_string(), 2, 100)).unwrap();
    engine.merge(g, other).unwrap();
    // The plain customer `G1` keeps its state, reachable as before.
    assert_eq!(
        engine
            .with_customer("G1", |s| s.metrics().revenue())
            .unwrap(),
        500
    );
    engine.apply(&buy("G1", 3, 500)).unwrap();
    assert_eq!(
        engine
            .with_customer("G1", |s| s.metrics().revenue())
            .unwrap(),
        1_000
    );
    let restored = Engine::restore(&engine.snapshot()).unwrap();
    assert_eq!(restored.snapshot(), engine.snapshot());
    engine.erase("G1").unwrap();
    assert_eq!(
        engine.customer("G1").unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        engine.apply(&buy("G1", 4, 1)).unwrap_err().kind(),
        ErrorKind::NotFound,
        "G1 is a golden-shaped id the registry reserved: no event recreates it"
    );
}

// ---- 7. Version 3 snapshots written by 448c269 no longer restore ------------

/// 448c269's `apply` sent an event for a golden-shaped id the registry never
/// issued to `apply_plain` (`apply_golden` returned `None`), creating a
/// customer `G999`; its snapshots hold that state.
#[test]
fn a_v3_snapshot_with_a_state_for_an_unissued_golden_shaped_id_restores() {
    let engine = Engine::new(StageModel::six_stage());
    let g = engine
        .ingest(
            key("crm", "1"),
            day(0),
            person("Ana", "Ruiz", "ana@ruiz.es"),
        )
        .unwrap()
        .golden;
    engine.apply(&buy(&g.to_string(), 1, 500)).unwrap();
    let mut p = decode(&engine.snapshot());
    let state = p.customers[0].1.clone();
    p.customers.push(("G999".into(), state));
    p.customers.sort_by(|a, b| a.0.cmp(&b.0));
    let restored = Engine::restore(&as_v3(p));
    assert!(restored.is_ok(), "{:?}", restored.err());
}

/// 448c269 took events for any id in a consolidating engine; after an upgrade
/// those customers are still in `len()` and in snapshots, but no call reaches
/// them (not even erasure).
#[test]
fn a_v3_snapshot_keeps_its_plain_customers_reachable() {
    let engine = Engine::new(StageModel::six_stage());
    engine
        .configure_consolidation(RegistryConfig {
            customers_from_events: true,
            ..Default::default()
        })
        .unwrap();
    engine
        .ingest(
            key("crm", "1"),
            day(0),
            person("Ana", "Ruiz", "ana@ruiz.es"),
        )
        .unwrap();
    engine.apply(&buy("cliente-1", 1, 500)).unwrap();
    let restored = Engine::restore(&as_v3(decode(&engine.snapshot()))).unwrap();
    assert_eq!(restored.len(), 1);
    assert_eq!(
        restored
            .customer("cliente-1")
            .map(|_| ())
            .map_err(|e| e.kind()),
        Ok(()),
        "the customer restored but cannot be read"
    );
    assert_eq!(
        restored
            .erase("cliente-1")
            .map(|_| ())
            .map_err(|e| e.kind()),
        Ok(()),
        "the customer restored but cannot be erased"
    );
}

// ---- Deadlock: with_customer now runs its closure under the identity lock ---

#[test]
fn with_customer_callbacks_may_still_read_the_registry() {
    let engine = Arc::new(Engine::new(StageModel::six_stage()));
    let g = engine
        .ingest(
            key("crm", "1"),
            day(0),
            person("Ana", "Ruiz", "ana@ruiz.es"),
        )
        .unwrap()
        .golden;
    engine.apply(&buy(&g.to_string(), 1, 500)).unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = Arc::clone(&engine);
    std::thread::spawn(move || {
        let r = reader.with_customer(&g.to_string(), |_| {
            // A writer queues meanwhile...
            std::thread::sleep(Duration::from_millis(300));
            // ...and this read, which never touched the identity lock before
            // this change took it around the closure, waits behind it.
            reader.golden(g).is_ok()
        });
        let _ = tx.send(r.is_ok());
    });
    std::thread::sleep(Duration::from_millis(100));
    let writer = Arc::clone(&engine);
    std::thread::spawn(move || {
        let _ = writer.ingest(key("crm", "2"), day(0), person("Luis", "Paz", "l@p.ar"));
    });
    assert!(
        rx.recv_timeout(Duration::from_secs(5)).is_ok(),
        "deadlock: the closure's read waits for the writer, the writer for the closure"
    );
}

// ---- 7. Restore accepts review candidates naming ids that are not live ------

#[test]
fn restore_refuses_a_review_candidate_that_is_not_a_live_customer() {
    let engine = Engine::new(StageModel::six_stage());
    engine
        .configure_consolidation(RegistryConfig {
            model: ciclo::consolidation::matching::MatchModel {
                merge_threshold: 1.0,
                review_threshold: 0.01,
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap();
    engine
        .ingest(
            key("crm", "1"),
            day(0),
            person("Ana", "Ruiz", "ana@ruiz.es"),
        )
        .unwrap();
    engine
        .ingest(
            key("web", "2"),
            day(0),
            person("Ana", "Ruiz", "ana.r@ruiz.es"),
        )
        .unwrap();
    assert_eq!(engine.reviews().len(), 1, "a review to tamper with");
    let mut p = decode(&engine.snapshot());
    let mut id: serde_json::Value = serde_json::from_str(&p.identity_json).unwrap();
    id["registry"]["reviews"][0]["candidates"][0][0] = "G999".into();
    p.identity_json = id.to_string();
    let restored = Engine::restore(&encode(4, &p));
    assert_eq!(
        restored.as_ref().err().map(|e| e.kind()),
        Some(ErrorKind::CorruptSnapshot),
        "restored a review whose candidate is G999: {:?}",
        restored.map(|e| e.reviews())
    );
}

/// Written by 448c269 itself (tests/review_old.rs in a worktree at that
/// commit): G1 and G2 merged, an event for G1, one for `cliente-1` and one
/// for `G999` (both accepted by 448c269 as plain customers).
#[test]
fn a_real_v3_snapshot_from_448c269_restores() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/review/v3_448c269.snap"
    ))
    .unwrap();
    assert_eq!(&bytes[8..12], &3u32.to_le_bytes());
    let restored = Engine::restore(&bytes);
    assert!(restored.is_ok(), "{:?}", restored.err());
    // Written before `date_order`: dates are read day first, as then.
    assert_eq!(
        restored.unwrap().with_registry(|r| r.config().date_order),
        DateOrder::Dmy
    );
}

/// A snapshot whose consolidation configuration has no `date_order` (every
/// snapshot written before it existed) restores reading day first, and saves
/// the same bytes as the engine that wrote it.
#[test]
fn a_snapshot_without_date_order_restores_day_first() {
    let engine = Engine::new(StageModel::six_stage());
    let record = ciclo::model::Record {
        birth_date: Some("01/02/1990".into()),
        ..person("Ana", "Ruiz", "ana@ruiz.es")
    };
    let g = engine
        .ingest(key("crm", "1"), day(0), record)
        .unwrap()
        .golden;
    let bytes = engine.snapshot();
    let mut p = decode(&bytes);
    let mut id: serde_json::Value = serde_json::from_str(&p.identity_json).unwrap();
    let mut cfg: serde_json::Value =
        serde_json::from_str(id["config_json"].as_str().unwrap()).unwrap();
    assert_eq!(cfg["date_order"], "dmy");
    cfg.as_object_mut().unwrap().remove("date_order");
    id["config_json"] = cfg.to_string().into();
    p.identity_json = id.to_string();
    let restored = Engine::restore(&encode(4, &p)).unwrap();
    assert_eq!(
        restored.with_registry(|r| r.config().date_order),
        DateOrder::Dmy
    );
    assert_eq!(
        restored.golden(g).unwrap().1.record.birth_date.as_deref(),
        Some("1990-02-01")
    );
    // Written back as it was, but for the change feed (a version 4
    // snapshot has none).
    let (a, b) = (decode(&restored.snapshot()), decode(&bytes));
    assert_eq!(
        (
            a.config_json,
            a.customers,
            a.identity_json,
            a.retention_json
        ),
        (
            b.config_json,
            b.customers,
            b.identity_json,
            b.retention_json
        )
    );
}

// ---- 7. Lists given twice in the registry image are accepted ---------------

#[test]
fn restore_refuses_a_retired_id_given_twice() {
    let engine = Engine::new(StageModel::six_stage());
    let a = engine
        .ingest(
            key("crm", "1"),
            day(0),
            person("Ana", "Ruiz", "ana@ruiz.es"),
        )
        .unwrap()
        .golden;
    let b = engine
        .ingest(key("crm", "2"), day(0), person("Luis", "Paz", "l@p.ar"))
        .unwrap()
        .golden;
    let c = engine
        .ingest(key("crm", "3"), day(0), person("Eva", "Sol", "e@s.ar"))
        .unwrap()
        .golden;
    engine.merge(a, b).unwrap();
    let mut p = decode(&engine.snapshot());
    let mut id: serde_json::Value = serde_json::from_str(&p.identity_json).unwrap();
    // G2 -> G1, and again G2 -> G3: the later silently wins.
    let retired = id["registry"]["retired"].as_array_mut().unwrap();
    retired.push(serde_json::json!([b.to_string(), c.to_string()]));
    p.identity_json = id.to_string();
    let restored = Engine::restore(&encode(4, &p));
    assert_eq!(
        restored.as_ref().err().map(|e| e.kind()),
        Some(ErrorKind::CorruptSnapshot),
        "G2 now resolves to {:?}",
        restored.map(|e| e.resolve(&b.to_string()))
    );
}

// ---- Duplicates acknowledged as such still grow the golden's event log -----

#[test]
fn a_duplicate_event_is_not_kept_twice() {
    let engine = Engine::new(StageModel::six_stage());
    let g = engine
        .ingest(
            key("crm", "1"),
            day(0),
            person("Ana", "Ruiz", "ana@ruiz.es"),
        )
        .unwrap()
        .golden
        .to_string();
    let ev = buy(&g, 1, 500).with_id("pedido-unico-42");
    engine.apply(&ev).unwrap();
    let once = engine.snapshot().len();
    for _ in 0..100 {
        let out = engine.apply(&ev).unwrap();
        assert_eq!(out.applied, ciclo::lifecycle::Applied::Duplicate);
    }
    let after = engine.snapshot().len();
    assert_eq!(
        after,
        once,
        "100 acknowledged duplicates added {} bytes",
        after - once
    );
}
