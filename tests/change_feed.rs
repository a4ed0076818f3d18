//! The change feed through the Rust API: numbering, whole calls, retention,
//! snapshots, the callback, and erasure.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ciclo::engine::{Change, ChangeEntry, FeedRetention};
use ciclo::json::changes as fjson;
use ciclo::lifecycle::StageModel;
use ciclo::model::{BuiltinKind, Event};
use ciclo::{Engine, Error, ErrorKind};

#[path = "common/rust_host.rs"]
mod host;
use host::*;

fn all(engine: &Engine) -> Vec<ChangeEntry> {
    engine.changes(0, usize::MAX).unwrap().changes
}

fn types(entries: &[ChangeEntry]) -> Vec<&'static str> {
    entries.iter().map(|e| e.change.type_name()).collect()
}

#[test]
fn events_record_creation_and_moves_numbered_from_one() {
    let engine = Engine::new(StageModel::six_stage());
    assert_eq!(engine.changes(0, 10).unwrap().head_seq, 0);
    engine.apply(&buy("ana", 0, 1_000)).unwrap();
    // A visit that moves nobody records nothing.
    engine
        .apply(&Event::new("ana", day(1), BuiltinKind::Visit))
        .unwrap();
    engine.apply(&buy("ana", 2, 1_000)).unwrap();
    let changes = all(&engine);
    assert_eq!(
        types(&changes),
        ["customer_created", "stage_moved", "stage_moved"]
    );
    assert_eq!(changes.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
    let model = engine.model();
    let Change::StageMoved {
        customer,
        change,
        evidence,
        ..
    } = &changes[2].change
    else {
        panic!("{changes:?}")
    };
    assert_eq!(customer, "ana");
    assert_eq!(model.stage_name(change.to), "growth");
    assert_eq!(model.rule(change.rule).name, "repeat_purchase");
    assert!(!evidence.is_empty(), "the rule's comparisons are kept");
    // A duplicate and a refused event change nothing, so record nothing.
    let dup = buy("ana", 3, 5).with_id("e-1");
    engine.apply(&dup).unwrap();
    let before = engine.changes(0, 100).unwrap().head_seq;
    engine.apply(&dup).unwrap();
    assert!(engine.apply(&buy("ana", 1, 5)).is_err());
    assert_eq!(engine.changes(0, 100).unwrap().head_seq, before);
}

#[test]
fn pages_hold_whole_calls_and_page_on() {
    let engine = Engine::new(StageModel::six_stage());
    for c in 0..40 {
        engine.apply(&buy(&format!("c{c}"), 0, 100)).unwrap();
    }
    // Each first purchase is one call of two changes: a page of 3 holds 4.
    let page = engine.changes(0, 3).unwrap();
    assert_eq!(page.changes.len(), 4);
    assert_eq!(page.last_seq, 4);
    assert!(page.more());
    // One tick moving every customer is one call: a page of 1 holds it all.
    engine.tick(day(400));
    let head = engine.changes(0, 0).unwrap();
    assert!(head.changes.is_empty());
    assert_eq!(head.head_seq, 120);
    let page = engine.changes(80, 1).unwrap();
    assert_eq!(page.changes.len(), 40, "a tick's moves come together");
    assert!(page
        .changes
        .iter()
        .all(|e| matches!(&e.change, Change::StageMoved { change, .. } if change.cause == ciclo::lifecycle::Cause::TICK)));
    assert!(!page.more());
    // After the head: nothing; past it: an error naming `after_seq`.
    assert!(engine.changes(120, 10).unwrap().changes.is_empty());
    let err = engine.changes(121, 10).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument { field, .. } if field == "after_seq"),
        "{err}"
    );
}

#[test]
fn a_poller_never_sees_part_of_a_call() {
    // Ticks move customers shard by shard while another thread applies
    // events and a third polls one change at a time: every page that holds a
    // change of a tick holds all of that tick's moves.
    let engine = Arc::new(Engine::new(StageModel::six_stage()));
    for c in 0..400 {
        engine.apply(&buy(&format!("c{c}"), 0, 100)).unwrap();
    }
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let poller = {
        let (engine, done) = (Arc::clone(&engine), Arc::clone(&done));
        std::thread::spawn(move || {
            let mut after = 0;
            let mut pages = Vec::new();
            loop {
                let finished = done.load(std::sync::atomic::Ordering::Acquire);
                let page = engine.changes(after, 1).unwrap();
                after = page.last_seq;
                if !page.changes.is_empty() {
                    pages.push(page.changes);
                } else if finished {
                    return pages;
                }
            }
        })
    };
    let writer = {
        let engine = Arc::clone(&engine);
        std::thread::spawn(move || {
            for c in 400..800 {
                engine.apply(&buy(&format!("c{c}"), 500, 100)).unwrap();
            }
        })
    };
    let mut ticks = Vec::new();
    for (i, d) in [300, 330, 360].into_iter().enumerate() {
        let report = engine.tick(day(d));
        ticks.push((day(d), report.moves.len()));
        let _ = i;
    }
    writer.join().unwrap();
    done.store(true, std::sync::atomic::Ordering::Release);
    let pages = poller.join().unwrap();
    assert!(
        ticks.iter().any(|&(_, moved)| moved > 0),
        "a tick moved customers"
    );
    let seen: usize = pages.iter().map(Vec::len).sum();
    assert_eq!(seen as u64, engine.changes(0, 0).unwrap().head_seq);
    for (at, moved) in ticks {
        let tick_moves = |page: &Vec<ChangeEntry>| {
            page.iter()
                .filter(|e| matches!(&e.change, Change::StageMoved { change, .. } if change.at == at && change.cause == ciclo::lifecycle::Cause::TICK))
                .count()
        };
        let with: Vec<usize> = pages.iter().map(tick_moves).filter(|&n| n > 0).collect();
        if moved > 0 {
            assert_eq!(with, [moved], "the tick at {at} was split: {with:?}");
        }
    }
}

#[test]
fn retention_by_count_drops_the_oldest_with_a_clear_error() {
    let engine = Engine::new(StageModel::six_stage());
    engine
        .set_change_retention(FeedRetention {
            max_changes: 10,
            max_age: None,
        })
        .unwrap();
    for c in 0..20 {
        engine
            .apply(&Event::new(format!("c{c}"), day(0), BuiltinKind::Visit))
            .unwrap();
    }
    let stats = engine.feed_stats();
    assert_eq!(
        (stats.oldest_seq, stats.head_seq, stats.retained),
        (11, 20, 10)
    );
    assert!(stats.memory_bytes > 0);
    let err = engine.changes(3, 5).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ChangesDropped);
    assert_eq!(
        err,
        Error::ChangesDropped {
            after: 3,
            oldest: 11
        }
    );
    let message = err.to_string();
    assert!(
        message.contains("oldest change the feed keeps is 11") && message.contains("after 10"),
        "{message}"
    );
    // Reading from just before the oldest is fine.
    assert_eq!(engine.changes(10, 100).unwrap().changes.len(), 10);
    // Bounds are checked.
    let err = engine
        .set_change_retention(FeedRetention {
            max_changes: FeedRetention::MAX_CHANGES + 1,
            max_age: None,
        })
        .unwrap_err();
    assert!(matches!(err, Error::Config { field, .. } if field == "max_changes"));
    assert_eq!(engine.change_retention().max_changes, 10);
}

#[test]
fn retention_by_age_drops_what_is_older() {
    let engine = Engine::new(StageModel::six_stage());
    engine.apply(&buy("old", 0, 100)).unwrap();
    engine
        .set_change_retention(FeedRetention {
            max_changes: 1000,
            max_age: Some(Duration::from_millis(30)),
        })
        .unwrap();
    std::thread::sleep(Duration::from_millis(80));
    engine.apply(&buy("new", 0, 100)).unwrap();
    let page = engine.changes(2, 100).unwrap();
    assert_eq!(
        page.oldest_seq, 3,
        "the changes recorded before are too old"
    );
    assert!(page
        .changes
        .iter()
        .all(|e| matches!(&e.change, Change::CustomerCreated { customer, .. } | Change::StageMoved { customer, .. } if customer == "new")));
    assert_eq!(
        engine.changes(0, 1).unwrap_err().kind(),
        ErrorKind::ChangesDropped
    );
}

#[test]
fn snapshots_keep_the_changes_and_their_numbers() {
    let engine = Engine::new(StageModel::six_stage());
    engine
        .set_change_retention(FeedRetention {
            max_changes: 5000,
            max_age: None,
        })
        .unwrap();
    for c in 0..30 {
        engine.apply(&buy(&format!("c{c}"), c, 100)).unwrap();
    }
    engine.tick(day(400));
    let bytes = engine.snapshot();
    let restored = Engine::restore(&bytes).unwrap();
    assert_eq!(restored.snapshot(), bytes);
    assert_eq!(all(&restored), all(&engine));
    assert_eq!(restored.change_retention(), engine.change_retention());
    // Both go on with the same numbers.
    restored.apply(&buy("late", 500, 1)).unwrap();
    engine.apply(&buy("late", 500, 1)).unwrap();
    assert_eq!(all(&restored), all(&engine));
    assert_eq!(restored.changes(0, 0).unwrap().head_seq, 92);
    // A page's JSON names stages and rules.
    let json = fjson::page_to_json(engine.model(), &engine.changes(90, 10).unwrap());
    assert!(
        json.contains(r#""type":"customer_created","customer":"late","stage":"awareness""#),
        "{json}"
    );
    assert!(json.contains(r#""rule":"first_purchase""#), "{json}");
    assert!(
        json.ends_with(r#""last_seq":92,"oldest_seq":1,"head_seq":92,"more":false}"#),
        "{json}"
    );
}

#[test]
fn the_callback_gets_every_call_in_order_and_may_call_the_engine() {
    let engine = Arc::new(Engine::new(StageModel::six_stage()));
    engine.apply(&buy("before", 0, 100)).unwrap();
    let got: Arc<Mutex<Vec<Vec<u64>>>> = Arc::default();
    let inside = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    {
        let (got, inside, weak) = (
            Arc::clone(&got),
            Arc::clone(&inside),
            Arc::downgrade(&engine),
        );
        engine
            .subscribe_changes(0, move |entries: &[ChangeEntry]| {
                got.lock()
                    .unwrap()
                    .push(entries.iter().map(|e| e.seq).collect());
                // From inside: read the feed and make a change of its own
                // (given after this delivery, not from inside it).
                let engine = weak.upgrade().unwrap();
                let depth = inside.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                assert_eq!(depth, 0, "deliveries never nest");
                engine.changes(0, 1).unwrap();
                if entries.iter().any(|e| matches!(&e.change, Change::CustomerCreated { customer, .. } if customer == "ping")) {
                    engine
                        .apply(&Event::new("pong", day(9), BuiltinKind::Visit))
                        .unwrap();
                }
                inside.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            })
            .unwrap();
    }
    // The changes kept were given at once.
    assert_eq!(*got.lock().unwrap(), [vec![1, 2]]);
    engine
        .apply(&Event::new("ping", day(9), BuiltinKind::Visit))
        .unwrap();
    assert_eq!(*got.lock().unwrap(), [vec![1, 2], vec![3], vec![4]]);
    // From several threads: every change once, in order.
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let engine = Arc::clone(&engine);
            std::thread::spawn(move || {
                for c in 0..50 {
                    engine.apply(&buy(&format!("t{t}-{c}"), 1, 100)).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let seqs: Vec<u64> = got.lock().unwrap().iter().flatten().copied().collect();
    assert_eq!(seqs, (1..=404).collect::<Vec<_>>());
    // Removed: not called again.
    assert!(engine.unsubscribe_changes());
    engine.apply(&buy("after", 2, 100)).unwrap();
    assert_eq!(got.lock().unwrap().iter().flatten().count(), 404);
    assert!(!engine.unsubscribe_changes());
    // Registering after a dropped change is refused.
    engine
        .set_change_retention(FeedRetention {
            max_changes: 3,
            max_age: None,
        })
        .unwrap();
    engine.apply(&buy("more", 2, 100)).unwrap();
    let err = engine
        .subscribe_changes(0, |_: &[ChangeEntry]| {})
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ChangesDropped);
}

#[test]
fn a_registered_callback_keeps_changes_until_given_them() {
    let engine = Arc::new(Engine::new(StageModel::six_stage()));
    engine
        .set_change_retention(FeedRetention {
            max_changes: 0,
            max_age: None,
        })
        .unwrap();
    engine.apply(&buy("gone", 0, 100)).unwrap();
    assert_eq!(engine.feed_stats().retained, 0, "no reader: none kept");
    let got: Arc<Mutex<Vec<u64>>> = Arc::default();
    {
        let got = Arc::clone(&got);
        engine
            .subscribe_changes(2, move |entries: &[ChangeEntry]| {
                got.lock().unwrap().extend(entries.iter().map(|e| e.seq))
            })
            .unwrap();
    }
    engine.apply(&buy("seen", 0, 100)).unwrap();
    assert_eq!(*got.lock().unwrap(), [3, 4]);
    assert_eq!(engine.feed_stats().retained, 0);
    // A panicking callback is dropped; the call still succeeds.
    engine
        .subscribe_changes(4, |_: &[ChangeEntry]| panic!("host bug"))
        .unwrap();
    engine.apply(&buy("boom", 0, 100)).unwrap();
    assert!(!engine.unsubscribe_changes());
}

#[test]
fn apply_and_evaluate_is_one_call_and_failed_calls_record_nothing() {
    let engine = Engine::new(StageModel::six_stage());
    let send = |d: i64, kind: BuiltinKind| Event::new("ana", day(d), kind);
    engine.apply(&buy("ana", 0, 100)).unwrap();
    engine
        .apply_and_evaluate(&send(1, BuiltinKind::Complaint))
        .unwrap();
    let (_, firings) = engine
        .apply_and_evaluate(&send(2, BuiltinKind::Complaint))
        .unwrap();
    assert!(!firings.is_empty());
    let page = engine.changes(2, 1).unwrap();
    assert!(
        page.changes.iter().any(
            |e| matches!(&e.change, Change::TriggerFired { customer, .. } if customer == "ana")
        ),
        "{page:?}"
    );
    let head = page.head_seq;
    assert!(engine.evaluate("nobody", day(3)).is_err());
    assert!(engine
        .merge("G1".parse().unwrap(), "G2".parse().unwrap())
        .is_err());
    assert!(engine.erase("nobody").is_err());
    assert_eq!(engine.changes(0, 0).unwrap().head_seq, head);
}

#[test]
fn erasure_leaves_ids_only_in_the_feed_its_json_and_snapshots() {
    let engine = Engine::new(StageModel::six_stage());
    let secret = person("Zenobia", "Quetzalcoatl", "zenobia.q@example.com");
    let a = engine
        .ingest(key("crm", "Z-1"), day(0), secret.clone())
        .unwrap();
    let mut copy = secret.clone();
    copy.email = Some("zq.secret@example.com".into());
    let b = engine.ingest(key("erp", "Z-2"), day(1), copy).unwrap();
    let other = engine
        .ingest(
            key("crm", "K-1"),
            day(0),
            person("Luis", "Paz", "luis@paz.com.ar"),
        )
        .unwrap();
    let ga = a.golden.to_string();
    engine.apply(&buy(&ga, 2, 7_777_777)).unwrap();
    engine.apply(&buy(&ga, 3, 100)).unwrap();
    engine
        .link(
            &ciclo::consolidation::hierarchy::HierarchyKind::Household,
            &ga,
            &other.golden.to_string(),
        )
        .unwrap();
    if a.golden != b.golden {
        engine.merge(a.golden, b.golden).unwrap();
    }
    let before = fjson::page_to_json(engine.model(), &engine.changes(0, usize::MAX).unwrap());
    for value in [
        "Zenobia",
        "Quetzalcoatl",
        "zenobia.q@example.com",
        "zq.secret",
    ] {
        assert!(
            before.contains(value),
            "{value} should be on the feed before"
        );
    }
    let erased = engine.erase(&ga).unwrap();
    let after = engine.changes(0, usize::MAX).unwrap();
    let json = fjson::page_to_json(engine.model(), &after);
    let snapshot = engine.snapshot();
    // The person's data: nowhere.
    for value in ["Zenobia", "Quetzalcoatl", "zenobia", "zq.secret", "7777777"] {
        assert!(
            !json.to_lowercase().contains(&value.to_lowercase()),
            "{value} in the feed: {json}"
        );
        assert!(!contains(&snapshot, value), "{value} in the snapshot");
    }
    // The erasure names golden ids and, for readers, the records' keys (the
    // host's ids, to delete its rows by); snapshots hold none of the keys.
    let erasure = after
        .changes
        .iter()
        .find(|e| matches!(e.change, Change::Erased { .. }))
        .unwrap();
    let Change::Erased { customers, sources } = &erasure.change else {
        unreachable!()
    };
    assert_eq!(customers, &erased);
    assert!(sources.contains(&key("crm", "Z-1")));
    for k in ["Z-1", "Z-2"] {
        assert!(json.contains(k), "{k} is an id readers need");
        assert!(!contains(&snapshot, k), "{k} in the snapshot");
    }
    // What was recorded about the customer before lost its data, ids kept.
    let redacted: Vec<&ChangeEntry> = after.changes.iter().filter(|e| e.redacted).collect();
    assert!(!redacted.is_empty());
    for e in &redacted {
        match &e.change {
            Change::StageMoved {
                evidence, event_id, ..
            } => {
                assert!(evidence.is_empty() && event_id.is_none())
            }
            other => panic!("unexpected redaction of {other:?}"),
        }
    }
    // Golden records are read with their changes: none for the erased.
    assert!(after.changes.iter().all(|e| !matches!(&e.change, Change::GoldenCreated { golden, record: Some(_) } if golden == &a.golden)));
    // The other customer's record is there.
    assert!(json.contains("Luis"));
    assert!(after
        .changes
        .iter()
        .any(|e| matches!(&e.change, Change::LinkRemoved(_))));
    // A restored engine has the changes naming the keys emptied, the
    // erasure with its golden ids; the rest as it was.
    let restored = Engine::restore(&snapshot)
        .unwrap()
        .changes(0, usize::MAX)
        .unwrap();
    assert_eq!(restored.changes.len(), after.changes.len());
    for (r, a) in restored.changes.iter().zip(&after.changes) {
        assert_eq!(r.seq, a.seq);
        let names_key = fjson::page_to_json(
            engine.model(),
            &ciclo::engine::ChangePage {
                changes: vec![a.clone()],
                last_seq: a.seq,
                oldest_seq: 1,
                head_seq: a.seq,
            },
        )
        .contains("Z-");
        match &a.change {
            Change::Erased { customers, .. } => assert_eq!(
                r.change,
                Change::Erased {
                    customers: customers.clone(),
                    sources: Vec::new()
                }
            ),
            _ if names_key => {
                assert_eq!(
                    r.change,
                    Change::Redacted {
                        was: a.change.type_name()
                    }
                );
                assert!(r.redacted);
            }
            _ => assert_eq!(r, a),
        }
    }
}

#[test]
fn erasing_a_customer_named_by_the_host_keeps_its_id_out_of_snapshots() {
    let engine = Engine::new(StageModel::six_stage());
    engine.apply(&buy("cliente-secreta", 0, 100)).unwrap();
    engine.apply(&buy("cliente-secreta", 5, 4_321_987)).unwrap();
    engine.apply(&buy("otro", 0, 100)).unwrap();
    engine.erase("cliente-secreta").unwrap();
    let page = engine.changes(0, usize::MAX).unwrap();
    // Readers get the erasure by the customer's id.
    assert!(page.changes.iter().any(|e| e.change
        == Change::Erased {
            customers: vec!["cliente-secreta".into()],
            sources: Vec::new()
        }));
    let json = fjson::page_to_json(engine.model(), &page);
    assert!(!json.contains("4321987"), "the evidence went: {json}");
    let snapshot = engine.snapshot();
    assert!(!contains(&snapshot, "cliente-secreta"));
    assert!(contains(&snapshot, "otro"));
    let restored = Engine::restore(&snapshot).unwrap();
    let types: Vec<&str> = restored
        .changes(0, usize::MAX)
        .unwrap()
        .changes
        .iter()
        .map(|e| e.change.type_name())
        .collect();
    assert_eq!(
        types,
        [
            "redacted",
            "redacted",
            "redacted",
            "customer_created",
            "stage_moved",
            "redacted"
        ]
    );
    assert_eq!(restored.snapshot(), snapshot);
}

#[test]
fn older_snapshots_restore_with_an_empty_feed() {
    let engine = Engine::new(StageModel::six_stage());
    engine.apply(&buy("a", 0, 100)).unwrap();
    let v7 = engine.snapshot();
    // Version 4 is version 8 without the empty purchase histories (the last
    // byte), the feed's text (the field before) and the customer's empty
    // attributes and segments (the two zero bytes before the empty
    // consolidation and retention texts).
    assert_eq!(v7.last(), Some(&0));
    let body = &v7[24..v7.len() - 1];
    let feed_at = (0..body.len())
        .rev()
        .find(|&p| {
            let (len, used) = varint(&body[p..]);
            p + used + len == body.len() && body.get(p + used) == Some(&b'{')
        })
        .expect("the feed's text ends the payload");
    let before_feed = &body[..feed_at];
    assert_eq!(&before_feed[before_feed.len() - 4..], &[0, 0, 0, 0]);
    let old = [&before_feed[..before_feed.len() - 4], &[0, 0]].concat();
    let old = old.as_slice();
    let mut v4 = Vec::new();
    v4.extend_from_slice(b"CICLOSNP");
    v4.extend_from_slice(&4u32.to_le_bytes());
    v4.extend_from_slice(&(old.len() as u64).to_le_bytes());
    v4.extend_from_slice(&crc32fast::hash(old).to_le_bytes());
    v4.extend_from_slice(old);
    let restored = Engine::restore(&v4).unwrap();
    assert_eq!(
        restored.customer("a").unwrap(),
        engine.customer("a").unwrap()
    );
    assert_eq!(restored.changes(0, 10).unwrap().head_seq, 0);
    restored.apply(&buy("b", 0, 100)).unwrap();
    assert_eq!(all(&restored)[0].seq, 1);
}

/// An unsigned LEB128 varint: value and bytes used (0 used when invalid).
fn varint(bytes: &[u8]) -> (usize, usize) {
    let mut value = 0usize;
    for (i, b) in bytes.iter().take(9).enumerate() {
        value |= ((b & 0x7f) as usize) << (7 * i);
        if b & 0x80 == 0 {
            return (value, i + 1);
        }
    }
    (usize::MAX / 2, 0)
}
