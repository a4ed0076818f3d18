//! Integrity of the single customer view through the Rust API: erasure that
//! erases, retired ids that resolve everywhere, merges that keep every state,
//! reconfiguration that keeps links, snapshots that are one moment and restores
//! that check content.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use ciclo::consolidation::hierarchy::HierarchyKind;
use ciclo::consolidation::registry::{GoldenId, RegistryConfig};
use ciclo::lifecycle::StageModel;
use ciclo::model::{BuiltinKind as K, Event};
use ciclo::{Engine, ErrorKind};

#[path = "common/rust_host.rs"]
mod host;
use host::*;

fn revenue(engine: &Engine, customer: &str) -> Option<i64> {
    engine
        .with_customer(customer, |s| s.metrics().revenue())
        .ok()
}

/// An engine with Ana (two records, merged), Luis, and a review.
fn ana_and_luis() -> (Engine, GoldenId, GoldenId) {
    let engine = Engine::new(StageModel::six_stage());
    let mut ana = person("Ana", "Secretaria", "ana.borrar@ejemplo.com.ar");
    ana.national_id = Some("20-12345678-6".into());
    ana.phone = Some("+54 11 4999-8877".into());
    let a = engine
        .ingest(key("crm", "ANA-ERASE-1"), day(0), ana.clone())
        .unwrap()
        .golden;
    let mut other = person("Ana", "Secretaria", "ana.otra@ejemplo.com.ar");
    other.national_id = Some("27-87654321-0".into());
    let b = engine
        .ingest(key("web", "ANA-ERASE-2"), day(0), other)
        .unwrap()
        .golden;
    let luis = engine
        .ingest(
            key("erp", "LUIS-7"),
            day(0),
            person("Luis", "Paz", "luis@paz.com.ar"),
        )
        .unwrap()
        .golden;
    let (ga, gb, gl) = (a.to_string(), b.to_string(), luis.to_string());
    engine
        .apply(&buy(&ga, 1, 1_000).with_category("categoria-secreta"))
        .unwrap();
    engine.apply(&buy(&gb, 2, 2_000)).unwrap();
    engine
        .apply(&Event::new(&*gb, day(3), K::Complaint).with_reason("motivo-secreto-de-queja"))
        .unwrap();
    engine.apply(&buy(&gl, 1, 500)).unwrap();
    let merged = engine.merge(a, b).unwrap();
    let survivor = merged.survivor;
    let corp = HierarchyKind::Household;
    engine.link(&corp, &gl, &survivor.to_string()).unwrap();
    engine.evaluate_all(day(400));
    (engine, survivor, luis)
}

#[test]
fn erasing_a_golden_customer_leaves_nothing() {
    let (engine, ana, luis) = ana_and_luis();
    let before = engine.snapshot();
    for value in [
        "ana.borrar",
        "12345678",
        "ANA-ERASE-2",
        "motivo-secreto",
        "categoria-secreta",
    ] {
        assert!(contains(&before, value), "{value} is there before");
    }
    let erased = engine.erase(&ana.to_string()).unwrap();
    assert!(erased.contains(&ana.to_string()));

    let retired = erased[1].clone();
    for id in [ana.to_string(), retired.clone()] {
        let g: GoldenId = id.parse().unwrap();
        assert_eq!(engine.golden(g).unwrap_err().kind(), ErrorKind::NotFound);
        assert_eq!(
            engine.customer(&id).unwrap_err().kind(),
            ErrorKind::NotFound
        );
        assert_eq!(
            engine.apply(&buy(&id, 9, 1)).unwrap_err().kind(),
            ErrorKind::NotFound,
            "an event does not bring {id} back"
        );
    }
    for k in [key("crm", "ANA-ERASE-1"), key("web", "ANA-ERASE-2")] {
        assert_eq!(
            engine.golden_of(&k).unwrap_err().kind(),
            ErrorKind::NotFound
        );
    }
    assert!(engine.reviews().is_empty());
    assert!(engine.with_hierarchies(|h| h.links_of(&luis.to_string()).is_empty()));
    let after = engine.snapshot();
    for value in [
        "ana.borrar",
        "ana.otra",
        "12345678",
        "87654321",
        "4999",
        "ANA-ERASE-1",
        "ANA-ERASE-2",
        "Secretaria",
        "motivo-secreto",
        "categoria-secreta",
    ] {
        assert!(!contains(&after, value), "{value} survived the erasure");
    }
    let restored = Engine::restore(&after).unwrap();
    assert_eq!(restored.snapshot(), after);
    // Ids are never issued again.
    let next = engine
        .ingest(
            key("crm", "NEW"),
            day(5),
            person("Eva", "Sol", "eva@sol.ar"),
        )
        .unwrap()
        .golden;
    assert!(next.number() > ana.number());
    // Luis is untouched, and a later merge brings nothing of Ana back.
    assert_eq!(revenue(&engine, &luis.to_string()), Some(500));
    engine.merge(luis, next).unwrap();
    assert_eq!(revenue(&engine, &luis.to_string()), Some(500));
}

#[test]
fn removing_a_source_record_is_never_having_ingested_it() {
    let first = person("Ana", "Ruiz", "ana@ruiz.es");
    let mut second = person("Ana", "Ruiz", "ana@ruiz.es");
    second.phone = Some("+54 9 11 5555-1234".into());
    second.street = Some("Calle Segunda".into());

    let alone = Engine::new(StageModel::six_stage());
    let g = alone
        .ingest(key("crm", "1"), day(0), first.clone())
        .unwrap()
        .golden;
    let expected = alone.golden(g).unwrap();

    let engine = Engine::new(StageModel::six_stage());
    let g = engine
        .ingest(key("crm", "1"), day(0), first)
        .unwrap()
        .golden;
    let both = engine.ingest(key("web", "9"), day(1), second).unwrap();
    assert_eq!(both.golden, g, "the second record merges");
    engine.apply(&buy(&g.to_string(), 2, 700)).unwrap();
    let removed = engine.remove_source(&key("web", "9")).unwrap();
    assert_eq!(removed.golden, g);
    assert!(!removed.erased);
    assert_eq!(engine.golden(g).unwrap(), expected);
    assert_eq!(
        engine.golden_of(&key("web", "9")).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(revenue(&engine, &g.to_string()), Some(700), "events stay");
    let snap = engine.snapshot();
    assert!(!contains(&snap, "Calle Segunda"));
    assert!(!contains(&snap, "5555"));

    // The last record of a customer takes the customer with it.
    let removed = engine.remove_source(&key("crm", "1")).unwrap();
    assert!(removed.erased);
    assert_eq!(engine.golden(g).unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(revenue(&engine, &g.to_string()), None);
    assert_eq!(
        engine.remove_source(&key("crm", "1")).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn removing_a_record_named_in_a_review_keeps_snapshots_restorable() {
    let engine = Engine::new(StageModel::six_stage());
    let config = RegistryConfig {
        model: ciclo::consolidation::matching::MatchModel {
            merge_threshold: 1.0,
            review_threshold: 0.01,
            ..Default::default()
        },
        ..Default::default()
    };
    engine.configure_consolidation(config).unwrap();
    engine
        .ingest(
            key("crm", "1"),
            day(0),
            person("Ana", "Ruiz", "ana@ruiz.es"),
        )
        .unwrap();
    let second = engine
        .ingest(
            key("crm", "2"),
            day(0),
            person("Ana", "Ruiz", "ana@ruiz.es"),
        )
        .unwrap();
    assert!(!engine.reviews().is_empty(), "{second:?}");
    engine.remove_source(&key("crm", "1")).unwrap();
    assert!(
        engine.reviews().is_empty(),
        "the review named the removed record"
    );
    Engine::restore(&engine.snapshot()).unwrap();
}

#[test]
fn a_retired_id_answers_for_its_survivor_everywhere() {
    let (engine, ana, luis) = ana_and_luis();
    let retired: GoldenId = engine
        .golden_of(&key("web", "ANA-ERASE-2"))
        .map(|_| ())
        .and_then(|_| {
            // The id `web/ANA-ERASE-2` was first given.
            (1..10)
                .map(|n| format!("G{n}").parse::<GoldenId>().unwrap())
                .find(|&g| g != ana && g != luis && engine.golden(g).is_ok())
                .ok_or_else(|| panic!("no retired id"))
        })
        .unwrap();
    let (r, s) = (retired.to_string(), ana.to_string());
    assert_eq!(engine.resolve(&r).unwrap(), s);
    let (customer, _) = engine.apply_resolved(&buy(&r, 10, 1)).unwrap();
    assert_eq!(customer, s, "the outcome names the survivor");
    assert_eq!(engine.customer(&r).unwrap(), engine.customer(&s).unwrap());
    engine.with_resolved(&r, |id, _| assert_eq!(id, s)).unwrap();
    assert!(engine.signals(&r, day(20)).is_ok());
    assert!(engine.churn_risk(&r, day(20)).is_ok());
    assert!(engine.evaluate(&r, day(20)).is_ok());
    let parent = engine
        .with_hierarchy_of(&r, |h, id| {
            assert_eq!(id, s);
            h.parent(&HierarchyKind::Household, id).map(str::to_string)
        })
        .unwrap();
    assert_eq!(parent, Some(luis.to_string()));
    // Merging through a retired id is merging its survivor.
    let err = engine.merge(retired, ana).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    // Ids never issued are not found anywhere.
    for call in [
        engine.customer("G999").map(|_| ()),
        engine.apply(&buy("G999", 1, 1)).map(|_| ()),
        engine.signals("G999", day(1)).map(|_| ()),
        engine.resolve("G999").map(|_| ()),
        engine.with_hierarchy_of("G999", |_, _| ()),
    ] {
        assert_eq!(call.unwrap_err().kind(), ErrorKind::NotFound);
    }
}

#[test]
fn imports_refuse_retired_ids_and_merges_keep_imported_states() {
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
        .ingest(
            key("erp", "2"),
            day(0),
            person("Luis", "Paz", "luis@paz.ar"),
        )
        .unwrap()
        .golden;
    let c = engine
        .ingest(key("web", "3"), day(0), person("Eva", "Sol", "eva@sol.ar"))
        .unwrap()
        .golden;
    // A state kept by the host: three purchases, 9,000 in all.
    let scratch = Engine::new(StageModel::six_stage());
    for (d, minor) in [(1, 2_000), (5, 3_000), (9, 4_000)] {
        scratch.apply(&buy("x", d, minor)).unwrap();
    }
    let kept = scratch.customer("x").unwrap();
    engine.import(&a.to_string(), kept.clone()).unwrap();
    engine.apply(&buy(&a.to_string(), 12, 100)).unwrap();
    engine.apply(&buy(&b.to_string(), 3, 500)).unwrap();
    engine.merge(a, b).unwrap();
    let merged = engine.customer(&a.to_string()).unwrap();
    assert_eq!(merged.metrics().purchase_count(), 5);
    assert_eq!(merged.metrics().revenue(), 9_600);
    // Both customers imported: combined.
    engine.import(&c.to_string(), kept).unwrap();
    engine.merge(a, c).unwrap();
    let merged = engine.customer(&a.to_string()).unwrap();
    assert_eq!(merged.metrics().purchase_count(), 8);
    assert_eq!(merged.metrics().revenue(), 18_600);
    // The survivor's imported states survive a snapshot, and an unmerge.
    let restored = Engine::restore(&engine.snapshot()).unwrap();
    assert_eq!(restored.customer(&a.to_string()).unwrap(), merged);
    let back = engine.unmerge(&key("web", "3")).unwrap();
    assert_eq!(back, c);
    assert_eq!(
        engine.customer(&c.to_string()).unwrap().metrics().revenue(),
        9_000
    );
    assert_eq!(
        engine.customer(&a.to_string()).unwrap().metrics().revenue(),
        9_600
    );
    // A retired id is refused: no event would ever reach it.
    engine.merge(a, c).unwrap();
    let err = engine
        .import(&c.to_string(), scratch.customer("x").unwrap())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains(&a.to_string()), "{err}");
    let err = engine
        .import("G99", scratch.customer("x").unwrap())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[test]
fn configuring_consolidation_keeps_hierarchy_links() {
    let engine = Engine::new(StageModel::six_stage());
    engine.apply(&buy("holding", 1, 1)).unwrap();
    engine.apply(&buy("filial", 1, 1)).unwrap();
    let corp = HierarchyKind::Corporate;
    engine.link(&corp, "holding", "filial").unwrap();
    let config = RegistryConfig {
        customers_from_events: true,
        ..Default::default()
    };
    engine.configure_consolidation(config).unwrap();
    assert_eq!(
        engine.with_hierarchies(|h| h.parent(&corp, "filial").map(str::to_string)),
        Some("holding".to_string())
    );
    let restored = Engine::restore(&engine.snapshot()).unwrap();
    assert_eq!(
        restored.with_hierarchies(|h| h.parent(&corp, "filial").map(str::to_string)),
        Some("holding".to_string())
    );
}

/// Every snapshot taken while another thread merges and unmerges restores, and
/// holds one moment: every live customer's purchases are exactly those of its
/// records' ids, and no retired id has a state.
#[test]
fn snapshots_during_merges_are_one_moment() {
    let engine = Arc::new(Engine::new(StageModel::six_stage()));
    // The steward's merges run as fast as they can: keep few of their
    // changes, or each of the 200 snapshots writes a longer feed.
    engine
        .set_change_retention(ciclo::engine::FeedRetention {
            max_changes: 100,
            max_age: None,
        })
        .unwrap();
    let people = [
        ("Ana", "Ruiz"),
        ("Luis", "Paz"),
        ("Eva", "Sol"),
        ("Juan", "Gil"),
    ];
    let mut ids = Vec::new();
    for (i, (given, surname)) in people.iter().enumerate() {
        let g = engine
            .ingest(
                key("crm", &i.to_string()),
                day(0),
                person(given, surname, &format!("{given}@{surname}.ar")),
            )
            .unwrap()
            .golden;
        for d in 0..=i as i64 {
            engine.apply(&buy(&g.to_string(), d + 1, 10)).unwrap();
        }
        ids.push(g);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let steward = {
        let (engine, stop, ids) = (Arc::clone(&engine), Arc::clone(&stop), ids.clone());
        std::thread::spawn(move || {
            let mut rounds = 0;
            while !stop.load(Ordering::Relaxed) || rounds < 50 {
                engine.merge(ids[0], ids[1]).unwrap();
                engine.merge(ids[2], ids[3]).unwrap();
                engine.unmerge(&key("crm", "1")).unwrap();
                engine.unmerge(&key("crm", "3")).unwrap();
                rounds += 1;
            }
        })
    };
    for _ in 0..200 {
        let snap = engine.snapshot();
        let restored = Engine::restore(&snap).expect("a snapshot restores");
        let live: Vec<GoldenId> = restored.with_registry(|r| r.golden_ids().collect());
        for g in &live {
            let members = restored.with_registry(|r| {
                r.members(*g)
                    .unwrap()
                    .iter()
                    .map(|k| k.id.parse::<u32>().unwrap())
                    .collect::<Vec<_>>()
            });
            let expected: u32 = members.iter().map(|i| i + 1).sum();
            let got = restored
                .with_customer(&g.to_string(), |s| s.metrics().purchase_count())
                .unwrap();
            assert_eq!(got, expected, "{g} with records {members:?}");
        }
        let states = restored.customer_ids();
        assert_eq!(states.len(), live.len(), "{states:?} against {live:?}");
    }
    stop.store(true, Ordering::Relaxed);
    steward.join().unwrap();
}
