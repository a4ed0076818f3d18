//! A host keeps a real SQLite database in sync with an engine by applying
//! only its change feed (the JSON a C host reads), one page per transaction;
//! a second database follows through the change callback. After several
//! hundred seeded random operations through the public API (events, ticks,
//! trigger evaluations, ingests with merges and reviews, steward merges and
//! unmerges, record removals, erasures, hierarchy links, review dismissals,
//! and a snapshot restored midway), both databases hold exactly the engine's
//! golden records, cross-reference, lifecycle stages, reviews and hierarchy
//! links, and as many firings as the calls returned.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use ciclo::consolidation::golden::SourceKey;
use ciclo::consolidation::hierarchy::HierarchyKind;
use ciclo::consolidation::registry::GoldenId;
use ciclo::json::changes as fjson;
use ciclo::json::consolidation as cjson;
use ciclo::lifecycle::StageModel;
use ciclo::model::{BuiltinKind, Currency, Event, Money, Timestamp};
use ciclo::synthetic::{generate, SyntheticOptions};
use ciclo::Engine;
use rusqlite::{params, Connection};
use serde_json::Value;

const DAY: i64 = 86_400_000;
const T0: i64 = 1_767_225_600_000;

/// A small seeded generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
}

/// The host's database.
struct Db {
    conn: Connection,
    /// The last change applied.
    after: u64,
}

impl Db {
    fn new() -> Db {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE golden (id TEXT PRIMARY KEY, record TEXT NOT NULL);
             CREATE TABLE source (system TEXT, id TEXT, golden TEXT NOT NULL,
                                  PRIMARY KEY (system, id));
             CREATE TABLE stage (customer TEXT PRIMARY KEY, stage TEXT NOT NULL);
             CREATE TABLE review (system TEXT, id TEXT, candidates TEXT NOT NULL,
                                  PRIMARY KEY (system, id));
             CREATE TABLE link (kind TEXT, parent TEXT, child TEXT,
                                PRIMARY KEY (kind, parent, child));
             CREATE TABLE firing (seq INTEGER PRIMARY KEY, customer TEXT NOT NULL,
                                  rule TEXT NOT NULL);",
        )
        .unwrap();
        Db { conn, after: 0 }
    }

    /// Applies a JSON list of changes in one transaction.
    fn apply(&mut self, changes: &[Value]) {
        let tx = self.conn.transaction().unwrap();
        for c in changes {
            let seq = c["seq"].as_u64().unwrap();
            assert_eq!(seq, self.after + 1, "changes come in order, none missing");
            self.after = seq;
            let s = |k: &str| {
                c[k].as_str()
                    .unwrap_or_else(|| panic!("{k} in {c}"))
                    .to_string()
            };
            let key = |v: &Value| {
                (
                    v["system"].as_str().unwrap().to_string(),
                    v["id"].as_str().unwrap().to_string(),
                )
            };
            match c["type"].as_str().unwrap() {
                "customer_created" | "customer_recomputed" => {
                    tx.execute(
                        "INSERT OR REPLACE INTO stage VALUES (?1, ?2)",
                        params![s("customer"), s("stage")],
                    )
                    .unwrap();
                }
                "stage_moved" => {
                    let n = tx
                        .execute(
                            "UPDATE stage SET stage = ?2 WHERE customer = ?1 AND stage = ?3",
                            params![s("customer"), s("to"), s("from")],
                        )
                        .unwrap();
                    assert_eq!(n, 1, "a move starts where the customer is: {c}");
                }
                "customer_removed" => {
                    tx.execute(
                        "DELETE FROM stage WHERE customer = ?1",
                        params![s("customer")],
                    )
                    .unwrap();
                }
                "trigger_fired" => {
                    tx.execute(
                        "INSERT INTO firing VALUES (?1, ?2, ?3)",
                        params![seq as i64, s("customer"), s("rule")],
                    )
                    .unwrap();
                }
                "golden_created" | "golden_updated" => {
                    // The record as it is when read; none when the customer
                    // is gone since (a later change says so).
                    if !c["record"].is_null() {
                        tx.execute(
                            "INSERT OR REPLACE INTO golden VALUES (?1, ?2)",
                            params![s("golden_id"), c["record"].to_string()],
                        )
                        .unwrap();
                    }
                }
                "golden_merged" => {
                    tx.execute(
                        "UPDATE source SET golden = ?1 WHERE golden = ?2",
                        params![s("survivor"), s("retired")],
                    )
                    .unwrap();
                    tx.execute("DELETE FROM golden WHERE id = ?1", params![s("retired")])
                        .unwrap();
                }
                "golden_unmerged" => {
                    let (system, id) = key(&c["source"]);
                    let n = tx
                        .execute(
                            "UPDATE source SET golden = ?3 WHERE system = ?1 AND id = ?2 AND golden = ?4",
                            params![system, id, s("to"), s("from")],
                        )
                        .unwrap();
                    assert_eq!(n, 1, "{c}");
                }
                "erased" => {
                    for customer in c["customers"].as_array().unwrap() {
                        let customer = customer.as_str().unwrap();
                        tx.execute("DELETE FROM golden WHERE id = ?1", params![customer])
                            .unwrap();
                        tx.execute("DELETE FROM stage WHERE customer = ?1", params![customer])
                            .unwrap();
                    }
                    for source in c["sources"].as_array().unwrap() {
                        let (system, id) = key(source);
                        let n = tx
                            .execute(
                                "DELETE FROM source WHERE system = ?1 AND id = ?2",
                                params![system, id],
                            )
                            .unwrap();
                        assert_eq!(n, 1, "{c}");
                    }
                    assert!(c.get("record").is_none(), "ids only: {c}");
                }
                "source_added" => {
                    let (system, id) = key(&c["source"]);
                    tx.execute(
                        "INSERT INTO source VALUES (?1, ?2, ?3)",
                        params![system, id, s("golden_id")],
                    )
                    .unwrap();
                }
                "source_removed" => {
                    let (system, id) = key(&c["source"]);
                    let n = tx
                        .execute(
                            "DELETE FROM source WHERE system = ?1 AND id = ?2 AND golden = ?3",
                            params![system, id, s("golden_id")],
                        )
                        .unwrap();
                    assert_eq!(n, 1, "{c}");
                }
                "link_added" => {
                    tx.execute(
                        "INSERT INTO link VALUES (?1, ?2, ?3)",
                        params![s("kind"), s("parent"), s("child")],
                    )
                    .unwrap();
                }
                "link_removed" => {
                    let n = tx
                        .execute(
                            "DELETE FROM link WHERE kind = ?1 AND parent = ?2 AND child = ?3",
                            params![s("kind"), s("parent"), s("child")],
                        )
                        .unwrap();
                    assert_eq!(n, 1, "{c}");
                }
                "review_opened" => {
                    let (system, id) = key(&c["source"]);
                    tx.execute(
                        "INSERT OR REPLACE INTO review VALUES (?1, ?2, ?3)",
                        params![system, id, c["candidates"].to_string()],
                    )
                    .unwrap();
                }
                "review_closed" => {
                    let (system, id) = key(&c["source"]);
                    tx.execute(
                        "DELETE FROM review WHERE system = ?1 AND id = ?2",
                        params![system, id],
                    )
                    .unwrap();
                }
                other => panic!("unknown change type {other}"),
            }
        }
        tx.commit().unwrap();
    }

    /// Polls the engine's feed until caught up, `max` changes a page.
    fn poll(&mut self, engine: &Engine, max: usize) {
        loop {
            let page = engine.changes(self.after, max).unwrap();
            let json: Value =
                serde_json::from_str(&fjson::page_to_json(engine.model(), &page)).unwrap();
            self.apply(json["changes"].as_array().unwrap());
            assert_eq!(self.after, json["last_seq"].as_u64().unwrap());
            if !json["more"].as_bool().unwrap() {
                return;
            }
        }
    }

    fn rows(&self, sql: &str) -> BTreeSet<Vec<String>> {
        let mut stmt = self.conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |row| (0..n).map(|i| row.get::<_, String>(i)).collect())
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    /// Checks that the tables hold exactly what the engine holds.
    fn check(&self, engine: &Engine, firings: usize, what: &str) {
        let live: Vec<GoldenId> = engine.with_registry(|r| r.golden_ids().collect());
        let mut golden = BTreeSet::new();
        let mut sources = BTreeSet::new();
        for id in &live {
            let (_, record) = engine.golden(*id).unwrap();
            let v: Value = serde_json::from_str(&cjson::golden_to_json(*id, &record)).unwrap();
            golden.insert(vec![id.to_string(), v.to_string()]);
            for key in &record.sources {
                sources.insert(vec![
                    key.system.to_string(),
                    key.id.to_string(),
                    id.to_string(),
                ]);
            }
        }
        let db_golden: BTreeSet<Vec<String>> = self
            .rows("SELECT id, record FROM golden")
            .into_iter()
            .map(|r| {
                let v: Value = serde_json::from_str(&r[1]).unwrap();
                vec![r[0].clone(), v.to_string()]
            })
            .collect();
        assert_eq!(db_golden, golden, "{what}: golden records");
        assert_eq!(
            self.rows("SELECT system, id, golden FROM source"),
            sources,
            "{what}: sources"
        );
        let mut stages = BTreeSet::new();
        engine.for_each(|id, s| {
            stages.insert(vec![
                id.to_string(),
                engine.model().stage_name(s.stage()).to_string(),
            ]);
        });
        assert_eq!(
            self.rows("SELECT customer, stage FROM stage"),
            stages,
            "{what}: stages"
        );
        let reviews: BTreeSet<Vec<String>> = engine
            .reviews()
            .iter()
            .map(|r| {
                let candidates: Vec<Value> = r
                    .candidates
                    .iter()
                    .map(|(g, p, s)| serde_json::json!({"golden_id": g.to_string(), "probability": p, "source": {"system": s.system, "id": s.id}}))
                    .collect();
                vec![r.record.system.to_string(), r.record.id.to_string(), Value::Array(candidates).to_string()]
            })
            .collect();
        assert_eq!(
            self.rows("SELECT system, id, candidates FROM review"),
            reviews,
            "{what}: reviews"
        );
        let links: BTreeSet<Vec<String>> = engine.with_hierarchies(|h| {
            h.kinds()
                .flat_map(|k| {
                    h.links(k)
                        .map(|(p, c)| vec![k.as_str().to_string(), p.to_string(), c.to_string()])
                        .collect::<Vec<_>>()
                })
                .collect()
        });
        assert_eq!(
            self.rows("SELECT kind, parent, child FROM link"),
            links,
            "{what}: links"
        );
        let count: i64 = self
            .conn
            .query_row("SELECT count(*) FROM firing", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count as usize, firings, "{what}: firings");
    }
}

fn at(hour: i64) -> Timestamp {
    Timestamp::from_millis(T0 + hour * DAY / 24, "t").unwrap()
}

fn money(minor: i64) -> Money {
    Money {
        minor,
        currency: Currency::parse("ARS", "currency").unwrap(),
    }
}

/// Runs `ops` seeded random operations, polling and checking as it goes.
fn run(seed: u64, ops: usize) {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let data = generate(&SyntheticOptions {
        duplicate_share: 0.4,
        household_share: 0.15,
        ..SyntheticOptions::new(ops, seed)
    });
    let mut engine = Arc::new(Engine::new(StageModel::six_stage()));
    // A wide review band: many records wait for a steward, and merges,
    // removals and erasures change their candidates.
    let mut config = ciclo::consolidation::registry::RegistryConfig::default();
    config.model.review_threshold = 0.001;
    engine.configure_consolidation(config).unwrap();
    let mut polled = Db::new();
    let called = Arc::new(Mutex::new(Db::new()));
    let subscribe = |engine: &Engine, called: &Arc<Mutex<Db>>| {
        let after = called.lock().unwrap().after;
        let (db, model) = (Arc::clone(called), engine.model().clone());
        engine
            .subscribe_changes(after, move |entries| {
                let json: Value =
                    serde_json::from_str(&fjson::changes_to_json(&model, entries)).unwrap();
                db.lock()
                    .unwrap()
                    .apply(json["changes"].as_array().unwrap());
            })
            .unwrap();
    };
    subscribe(&engine, &called);
    let mut ingested: Vec<SourceKey> = Vec::new();
    let mut next_record = 0;
    let mut hour = 0i64;
    let mut firings = 0usize;
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    let kinds = [
        BuiltinKind::Visit,
        BuiltinKind::ContactCaptured,
        BuiltinKind::Complaint,
        BuiltinKind::SupportTicket,
        BuiltinKind::Cancellation,
    ];
    for op in 0..ops {
        hour += 1 + rng.below(30) as i64;
        let live: Vec<GoldenId> = engine.with_registry(|r| r.golden_ids().collect());
        let roll = rng.below(100);
        let name = match roll {
            // Ingest a new record (copies of earlier people merge or go to
            // review), or a new version of one already in.
            0..=29 => {
                let ambiguous = data.records[..next_record]
                    .iter()
                    .filter(|r| r.birth_date.is_some())
                    .count();
                if rng.below(5) == 0 && ambiguous > 0 {
                    // A copy of someone with another birth date: it may be
                    // them (a typo) or a twin, so it waits for a steward.
                    let mut twins = data.records[..next_record]
                        .iter()
                        .filter(|r| r.birth_date.is_some());
                    let mut copy = twins.nth(rng.below(ambiguous)).unwrap().clone();
                    copy.birth_date = Some(format!(
                        "19{:02}-0{}-1{}",
                        40 + rng.below(50),
                        1 + rng.below(9),
                        rng.below(10)
                    ));
                    let key = SourceKey::new("web", &format!("w{op}")).unwrap();
                    engine.ingest(key.clone(), at(hour), copy).unwrap();
                    ingested.push(key);
                    "ingest ambiguous"
                } else if next_record < data.records.len() && rng.below(6) != 0 {
                    let key = SourceKey::new("crm", &data.ids[next_record]).unwrap();
                    engine
                        .ingest(key.clone(), at(hour), data.records[next_record].clone())
                        .unwrap();
                    ingested.push(key);
                    next_record += 1;
                    "ingest"
                } else if let Some(key) = rng.pick(&ingested).cloned() {
                    // A new version: the record as its system has it now.
                    let i: usize = key.id.trim_start_matches('r').parse().unwrap_or(0);
                    let mut record = data.records[i.min(next_record.saturating_sub(1))].clone();
                    record.phone = Some(format!(
                        "+54 11 4{:03} {:04}",
                        rng.below(1000),
                        rng.below(10_000)
                    ));
                    engine.ingest(key, at(hour), record).unwrap();
                    "update"
                } else {
                    "nothing"
                }
            }
            // Events for golden customers (a retired id goes to its survivor).
            30..=59 => {
                let Some(g) = rng.pick(&live).copied() else {
                    continue;
                };
                let mut id = g.to_string();
                if rng.below(5) == 0 {
                    // Perhaps an id merged away.
                    let n = 1 + rng.below(next_record.max(1));
                    if engine.resolve(&format!("G{n}")).is_ok() {
                        id = format!("G{n}");
                    }
                }
                let event = if rng.below(3) == 0 {
                    Event::new(&id, at(hour), BuiltinKind::Purchase)
                        .with_amount(money(1_000 + rng.below(90_000) as i64))
                        .with_category(["hogar", "moda", "libros"][rng.below(3)])
                } else {
                    Event::new(&id, at(hour), kinds[rng.below(kinds.len())])
                };
                let event = event.with_id(format!("e{op}"));
                if rng.below(3) == 0 {
                    let (_, fired) = engine.apply_and_evaluate(&event).unwrap();
                    firings += fired.len();
                    "apply and evaluate"
                } else {
                    engine.apply(&event).unwrap();
                    "apply"
                }
            }
            60..=63 => {
                engine.tick(at(hour));
                "tick"
            }
            64..=66 => {
                firings += engine.evaluate_all(at(hour)).len();
                "evaluate all"
            }
            67..=74 => {
                let (Some(a), Some(b)) = (rng.pick(&live).copied(), rng.pick(&live).copied())
                else {
                    continue;
                };
                if a == b {
                    continue;
                }
                engine.merge(a, b).unwrap();
                "merge"
            }
            75..=81 => {
                let Some(key) = rng.pick(&ingested).cloned() else {
                    continue;
                };
                match engine.unmerge(&key) {
                    Ok(_) => "unmerge",
                    Err(_) => "unmerge refused",
                }
            }
            82..=85 => {
                let Some(g) = rng.pick(&live).copied() else {
                    continue;
                };
                engine.erase(&g.to_string()).unwrap();
                "erase"
            }
            86..=88 => {
                let Some(key) = rng.pick(&ingested).cloned() else {
                    continue;
                };
                match engine.remove_source(&key) {
                    Ok(_) => "remove source",
                    Err(_) => "remove source refused",
                }
            }
            89..=93 => {
                let (Some(a), Some(b)) = (rng.pick(&live).copied(), rng.pick(&live).copied())
                else {
                    continue;
                };
                let kind =
                    [HierarchyKind::Household, HierarchyKind::Corporate][rng.below(2)].clone();
                let (a, b) = (a.to_string(), b.to_string());
                let links: Vec<(HierarchyKind, String, String)> = engine.with_hierarchies(|h| {
                    h.kinds()
                        .flat_map(|k| {
                            h.links(k)
                                .map(|(p, c)| (k.clone(), p.to_string(), c.to_string()))
                                .collect::<Vec<_>>()
                        })
                        .collect()
                });
                if rng.below(3) == 0 && !links.is_empty() {
                    let (kind, parent, child) = rng.pick(&links).unwrap().clone();
                    engine.unlink(&kind, &parent, &child).unwrap();
                    "unlink"
                } else {
                    match engine.link(&kind, &a, &b) {
                        Ok(()) => "link",
                        Err(_) => "link refused",
                    }
                }
            }
            94..=96 => {
                let reviews = engine.reviews();
                let Some(r) = rng.pick(&reviews) else {
                    continue;
                };
                engine.dismiss_review(&r.record).unwrap();
                "dismiss review"
            }
            _ => {
                // A snapshot restored: the feed goes on from where it was.
                // (The host reads up to where the snapshot is taken: a
                // snapshot writes emptied the changes naming erased records,
                // which a host behind it would read so.)
                polled.poll(&engine, 50);
                let bytes = engine.snapshot();
                let restored = Engine::restore(&bytes).unwrap();
                assert_eq!(restored.snapshot(), bytes);
                engine = Arc::new(restored);
                subscribe(&engine, &called);
                "restore"
            }
        };
        *counts.entry(name).or_default() += 1;
        if rng.below(4) == 0 {
            polled.poll(&engine, 1 + rng.below(40));
        }
        if op % 97 == 96 {
            polled.poll(&engine, 1 + rng.below(40));
            polled.check(&engine, firings, &format!("seed {seed}, after op {op}"));
        }
    }
    polled.poll(&engine, 25);
    polled.check(&engine, firings, &format!("seed {seed}, polled"));
    called.lock().unwrap().check(
        &engine,
        firings,
        &format!("seed {seed}, through the callback"),
    );
    for (op, least) in [
        ("ingest", 20),
        ("apply", 20),
        ("merge", 5),
        ("unmerge", 3),
        ("erase", 3),
        ("tick", 3),
    ] {
        assert!(
            counts.get(op).copied().unwrap_or(0) >= least,
            "seed {seed}: too few {op}: {counts:?}"
        );
    }
    let all = engine.changes(0, usize::MAX).unwrap().changes;
    let mut types = std::collections::BTreeMap::<&str, usize>::new();
    for e in &all {
        *types.entry(e.change.type_name()).or_default() += 1;
    }
    for t in [
        "customer_created",
        "stage_moved",
        "customer_recomputed",
        "customer_removed",
        "trigger_fired",
        "golden_created",
        "golden_updated",
        "golden_merged",
        "golden_unmerged",
        "erased",
        "source_added",
        "source_removed",
        "link_added",
        "link_removed",
        "review_opened",
        "review_closed",
    ] {
        assert!(
            types.contains_key(t),
            "seed {seed}: no {t} change: {types:?}"
        );
    }
    assert!(all.iter().any(|e| e.redacted), "seed {seed}: no redaction");
    let head = engine.changes(0, 0).unwrap().head_seq;
    let count = |t: &str| -> i64 {
        polled
            .conn
            .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    };
    eprintln!("seed {seed}: {head} changes {types:?}, {counts:?}; rows: golden {}, source {}, stage {}, review {}, link {}, firing {}", count("golden"), count("source"), count("stage"), count("review"), count("link"), count("firing"));
    assert!(head > ops as u64, "seed {seed}: only {head} changes");
}

#[test]
fn a_database_kept_by_the_feed_equals_the_engine() {
    for seed in [1, 2, 3] {
        run(seed, 600);
    }
}
