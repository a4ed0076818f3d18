//! N threads (2, 8, 64) of applies, ingests, merges, unmerges, erasures,
//! source removals and snapshots on one engine; every snapshot must restore to
//! a state that some sequential order of the same calls produces.
//!
//! Each thread works on its own customers (its own source system and plain
//! customer ids), so calls of different threads commute, and a state some
//! sequential order produces is exactly one where every thread's customers
//! are as after some prefix of that thread's calls. An oracle runs each
//! thread's calls alone on a fresh engine and records its customers after
//! every call; every snapshot taken during the concurrent run must show, for
//! every thread, one of those states. A merge, an erasure or an event seen
//! half done fails it.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use ciclo::consolidation::golden::SourceKey;
use ciclo::consolidation::matching::MatchModel;
use ciclo::consolidation::registry::{GoldenId, RegistryConfig};
use ciclo::lifecycle::StageModel;
use ciclo::model::{BuiltinKind as K, Currency, Event, Money, Record, Timestamp};
use ciclo::Engine;

const T0: i64 = 1_767_225_600_000;
const RECORDS: u64 = 6;
const CALLS: usize = 40;

#[derive(Clone, Copy, Debug)]
enum Call {
    Ingest(u64),
    Buy(u64, i64),
    BuyPlain(u64, i64),
    Merge(u64, u64),
    Unmerge(u64),
    Erase(u64),
    RemoveSource(u64),
    Snapshot,
}

/// A thread's calls, from its own seed.
fn script(thread: u64) -> Vec<Call> {
    let mut x = thread.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    let mut calls: Vec<Call> = (0..RECORDS).map(Call::Ingest).collect();
    while calls.len() < CALLS {
        let r = next(RECORDS);
        calls.push(match next(16) {
            0..=4 => Call::Buy(r, 100 + next(900) as i64),
            5..=6 => Call::BuyPlain(next(3), 10 + next(90) as i64),
            7..=9 => Call::Merge(r, next(RECORDS)),
            10..=11 => Call::Unmerge(r),
            12 => Call::Erase(r),
            13 => Call::RemoveSource(r),
            14 => Call::Ingest(r),
            _ => Call::Snapshot,
        });
    }
    calls
}

fn syllables(mut n: u64) -> String {
    const S: [&str; 10] = ["ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu"];
    let mut out = String::new();
    loop {
        out.push_str(S[(n % 10) as usize]);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out
}

fn key(thread: u64, record: u64) -> SourceKey {
    SourceKey::new(&format!("t{thread}"), &format!("r{record}")).unwrap()
}

fn record(thread: u64, record: u64) -> Record {
    let name = syllables(thread * 100 + record);
    Record {
        given_name: Some(format!("X{name}")),
        surname: Some(format!("Z{}", syllables(thread * 7919 + record * 31))),
        email: Some(format!("{name}.{thread}.{record}@t{thread}.example")),
        ..Record::default()
    }
}

fn money(minor: i64) -> Money {
    Money {
        minor,
        currency: Currency::parse("ARS", "currency").unwrap(),
    }
}

/// Runs one call of `thread`; the `step`th call gives the event's moment, so
/// each thread's events are in time order. Returns a snapshot for `Snapshot`.
fn run(engine: &Engine, thread: u64, step: usize, call: Call) -> Option<Vec<u8>> {
    let at = Timestamp::from_millis(T0 + step as i64 * 60_000, "t").unwrap();
    let golden = |r: u64| engine.golden_of(&key(thread, r)).ok();
    match call {
        Call::Ingest(r) => {
            let updated = Timestamp::from_millis(T0 + step as i64, "t").unwrap();
            let _ = engine.ingest(key(thread, r), updated, record(thread, r));
        }
        Call::Buy(r, minor) => {
            if let Some(g) = golden(r) {
                let event = Event::new(g.to_string(), at, K::Purchase).with_amount(money(minor));
                engine.apply(&event).unwrap();
            }
        }
        Call::BuyPlain(c, minor) => {
            let event =
                Event::new(format!("t{thread}-c{c}"), at, K::Purchase).with_amount(money(minor));
            engine.apply(&event).unwrap();
        }
        Call::Merge(a, b) => {
            if let (Some(a), Some(b)) = (golden(a), golden(b)) {
                if a != b {
                    engine.merge(a, b).unwrap();
                }
            }
        }
        Call::Unmerge(r) => {
            let _ = engine.unmerge(&key(thread, r));
        }
        Call::Erase(r) => {
            if let Some(g) = golden(r) {
                engine.erase(&g.to_string()).unwrap();
            }
        }
        Call::RemoveSource(r) => {
            let _ = engine.remove_source(&key(thread, r));
        }
        Call::Snapshot => return Some(engine.snapshot()),
    }
    None
}

/// What a thread's customers look like, without golden ids (which depend on
/// how threads interleave): each golden customer as its records with its
/// purchases and revenue, each plain customer by id.
type Summary = BTreeSet<(Vec<String>, u32, i64)>;

fn summary(engine: &Engine, thread: u64) -> Summary {
    let system = format!("t{thread}");
    let plain = format!("t{thread}-");
    let goldens: Vec<(GoldenId, Vec<String>)> = engine.with_registry(|r| {
        r.golden_ids()
            .filter_map(|g| {
                let members = r.members(g)?;
                if members[0].system != system {
                    return None;
                }
                Some((g, members.iter().map(|k| k.id.to_string()).collect()))
            })
            .collect()
    });
    let facts = |id: &str| {
        engine
            .with_customer(id, |s| {
                (s.metrics().purchase_count(), s.metrics().revenue())
            })
            .unwrap_or((0, 0))
    };
    let mut out: Summary = goldens
        .into_iter()
        .map(|(g, members)| {
            let (n, revenue) = facts(&g.to_string());
            (members, n, revenue)
        })
        .collect();
    for id in engine.customer_ids() {
        if id.starts_with(&plain) {
            let (n, revenue) = facts(&id);
            out.insert((vec![id], n, revenue));
        }
    }
    out
}

fn new_engine() -> Engine {
    let engine = Engine::new(StageModel::six_stage());
    engine
        .configure_consolidation(RegistryConfig {
            // Records are only merged by the threads' calls.
            model: MatchModel {
                merge_threshold: 1.0,
                review_threshold: 1.0,
                ..MatchModel::default()
            },
            customers_from_events: true,
            ..RegistryConfig::default()
        })
        .unwrap();
    engine
}

fn hammer(threads: u64) {
    // The oracle: each thread's calls alone, its customers after each.
    let oracle: Vec<Vec<Summary>> = (0..threads)
        .map(|t| {
            let engine = new_engine();
            let mut states = vec![summary(&engine, t)];
            for (step, call) in script(t).into_iter().enumerate() {
                run(&engine, t, step, call);
                states.push(summary(&engine, t));
            }
            states
        })
        .collect();

    let engine = Arc::new(new_engine());
    let snapshots = Arc::new(Mutex::new(Vec::new()));
    let done = Arc::new(AtomicBool::new(false));
    let observer = {
        let (engine, snapshots, done) = (engine.clone(), snapshots.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Acquire) {
                let snap = engine.snapshot();
                snapshots.lock().unwrap().push(snap);
            }
        })
    };
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let (engine, snapshots) = (engine.clone(), snapshots.clone());
            std::thread::spawn(move || {
                for (step, call) in script(t).into_iter().enumerate() {
                    if let Some(snap) = run(&engine, t, step, call) {
                        snapshots.lock().unwrap().push(snap);
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    done.store(true, Ordering::Release);
    observer.join().unwrap();
    let mut snapshots = std::mem::take(&mut *snapshots.lock().unwrap());
    snapshots.push(engine.snapshot());
    assert!(snapshots.len() > 1);

    for (i, snap) in snapshots.iter().enumerate() {
        let restored = Engine::restore(snap)
            .unwrap_or_else(|e| panic!("{threads} threads: snapshot {i} does not restore: {e}"));
        for t in 0..threads {
            let seen = summary(&restored, t);
            assert!(
                oracle[t as usize].contains(&seen),
                "{threads} threads: snapshot {i}, thread {t}: {seen:?} is no prefix of its calls"
            );
        }
    }
    // After every call, the engine is where every thread's calls lead.
    for t in 0..threads {
        assert_eq!(
            &summary(&engine, t),
            oracle[t as usize].last().unwrap(),
            "thread {t} at the end"
        );
    }
}

#[test]
fn two_threads() {
    hammer(2);
}

#[test]
fn eight_threads() {
    hammer(8);
}

#[test]
fn sixty_four_threads() {
    hammer(64);
}
