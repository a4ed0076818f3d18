//! RFM over the engine's customers (`Engine::rfm`): scores equal a naive
//! computation from the raw events written here, counts cover the base,
//! pages walk every buyer once, currencies are scored apart, and bad input
//! is refused naming the field.

use ciclo::analytics::rfm::{score, RfmInput, Segment};
use ciclo::engine::{RfmOptions, MAX_PAGE};
use ciclo::model::time::Timestamp;
use ciclo::{json, Engine, Error, StageModel};

fn t(day: i64) -> Timestamp {
    Timestamp::parse("2026-01-01T10:00:00Z", "t")
        .unwrap()
        .plus_days(day as f64)
}

fn apply(engine: &Engine, text: &str) {
    engine.apply(&json::event_from_json(text).unwrap()).unwrap();
}

fn buy(engine: &Engine, customer: &str, day: i64, minor: i64, currency: &str) {
    apply(
        engine,
        &format!(
            r#"{{"customer": "{customer}", "at": "{}", "kind": "purchase", "amount": {minor},
                "currency": "{currency}"}}"#,
            t(day).to_rfc3339()
        ),
    );
}

/// Twelve ARS customers: customer `k` buys `k + 1` times, the last on day
/// `10 + 3k`, spending `1000 (13 − k)` each time (so recency, frequency and
/// monetary rank differently); one also pays in EUR; one only visits.
fn base() -> (Engine, Vec<(String, i64, u64, i64)>) {
    let engine = Engine::new(StageModel::six_stage());
    let mut raw = Vec::new();
    for k in 0..12i64 {
        let id = format!("c{k:02}");
        let mut total = 0;
        for j in (0..=k).rev() {
            let day = 10 + 3 * k - j;
            let minor = 1000 * (13 - k) + j;
            total += minor;
            buy(&engine, &id, day, minor, "ARS");
        }
        raw.push((id, 10 + 3 * k, (k + 1) as u64, total));
    }
    buy(&engine, "c05", 41, 700, "EUR");
    buy(&engine, "e1", 5, 900, "EUR");
    apply(
        &engine,
        &format!(
            r#"{{"customer": "v1", "at": "{}", "kind": "visit"}}"#,
            t(3).to_rfc3339()
        ),
    );
    (engine, raw)
}

#[test]
fn scores_equal_a_naive_computation_and_pages_walk_every_buyer_once() {
    let (engine, raw) = base();
    let as_of = t(60);
    let options = RfmOptions {
        as_of: Some(as_of),
        limit: 5,
        ..RfmOptions::default()
    };
    // Walk every page.
    let mut rows = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = engine
            .rfm(&RfmOptions {
                cursor,
                ..options.clone()
            })
            .unwrap();
        assert_eq!(page.as_of, Some(as_of));
        assert!(page.customers.len() <= 2 * 5);
        rows.extend(page.customers);
        pages += 1;
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3, "15 customers in pages of 5");
    // ARS: the naive computation (recency in whole days, purchases, spend)
    // scored by `rfm::score` (every value distinct, so order is free).
    let as_of_day = as_of.as_millis().div_euclid(86_400_000);
    let inputs: Vec<RfmInput> = raw
        .iter()
        .map(|(id, last, n, total)| {
            // c05 also bought in EUR on day 41: recency counts from the
            // latest purchase in any currency.
            let last = if id == "c05" { 41 } else { *last };
            RfmInput {
                recency: as_of_day - t(last).as_millis().div_euclid(86_400_000),
                frequency: *n,
                monetary: *total,
            }
        })
        .collect();
    let expected = score(&inputs);
    let ars: Vec<_> = rows
        .iter()
        .filter(|r| r.currency.to_string() == "ARS")
        .collect();
    assert_eq!(ars.len(), 12);
    for (k, row) in ars.iter().enumerate() {
        assert_eq!(row.customer, raw[k].0);
        assert_eq!((row.frequency, row.monetary), (raw[k].2, raw[k].3));
        if row.customer == "c05" {
            assert_eq!(row.recency_days, 60 - 41);
        }
        assert_eq!(row.recency_days, inputs[k].recency, "{}", row.customer);
        assert_eq!(row.score, expected[k], "{}", row.customer);
    }
    // The most recent and most frequent is a champion; the oldest, least
    // frequent is lost.
    assert_eq!(ars[11].score.segment, Segment::Champions);
    assert_eq!(ars[0].score.segment, Segment::Lost);
    // EUR scored apart: c05 and e1.
    let eur: Vec<_> = rows
        .iter()
        .filter(|r| r.currency.to_string() == "EUR")
        .map(|r| r.customer.as_str())
        .collect();
    assert_eq!(eur, ["c05", "e1"]);

    // Counts of the whole base in every page.
    let page = engine.rfm(&options).unwrap();
    let currencies: Vec<String> = page
        .currencies
        .iter()
        .map(|c| c.currency.to_string())
        .collect();
    assert_eq!(currencies, ["ARS", "EUR"]);
    let ars = &page.currencies[0];
    assert_eq!(ars.customers, 12);
    assert_eq!(ars.segments.len(), Segment::ALL.len());
    assert_eq!(ars.segments.iter().map(|s| s.customers).sum::<u64>(), 12);
    assert_eq!(
        ars.segments.iter().map(|s| s.monetary).sum::<i64>(),
        raw.iter().map(|r| r.3).sum::<i64>()
    );
    assert_eq!(page.currencies[1].customers, 2);

    // Same base, same answer, after a restore too.
    let restored = Engine::restore(&engine.snapshot()).unwrap();
    assert_eq!(restored.rfm(&options).unwrap(), page);
}

#[test]
fn as_of_defaults_to_the_day_after_and_must_follow_every_purchase() {
    let (engine, _) = base();
    let page = engine.rfm(&RfmOptions::default()).unwrap();
    // The latest event is c11's last purchase on day 43 at 10:00.
    assert_eq!(
        page.as_of.unwrap().to_rfc3339(),
        Timestamp::parse("2026-02-14T00:00:00Z", "t")
            .unwrap()
            .to_rfc3339()
    );
    let err = engine
        .rfm(&RfmOptions {
            as_of: Some(t(20)),
            ..RfmOptions::default()
        })
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument { field, .. } if field == "as_of"),
        "{err:?}"
    );
    for limit in [0, MAX_PAGE + 1] {
        let err = engine
            .rfm(&RfmOptions {
                limit,
                ..RfmOptions::default()
            })
            .unwrap_err();
        assert!(matches!(&err, Error::InvalidArgument { field, .. } if field == "limit"));
    }
}

#[test]
fn an_empty_base_gives_an_empty_answer() {
    let engine = Engine::new(StageModel::six_stage());
    let page = engine.rfm(&RfmOptions::default()).unwrap();
    assert_eq!(page.as_of, None);
    assert!(page.currencies.is_empty() && page.customers.is_empty());
    assert_eq!(page.next_cursor, None);
    // Visits only: no buyer.
    apply(
        &engine,
        r#"{"customer": "v", "at": "2026-01-01T00:00:00Z", "kind": "visit"}"#,
    );
    let page = engine.rfm(&RfmOptions::default()).unwrap();
    assert!(page.as_of.is_some());
    assert!(page.currencies.is_empty() && page.customers.is_empty());
}

/// A record no other matches: a made-up email of its own.
fn lone_record(i: usize) -> ciclo::model::Record {
    ciclo::model::Record {
        email: Some(format!("rfm.{i}.{}@merge{i}.example", i * 7919)),
        ..ciclo::model::Record::default()
    }
}

#[test]
fn a_merge_during_the_call_leaves_no_listed_buyer_without_a_row() {
    // Pairs of customers: the first bought on day 50, the second on day 10.
    // Merging them moves the survivor's first purchase to day 10 (or
    // retires it): a page looked up again by first purchase after the
    // scores, as it once was, lost the survivor's row when a merge fell
    // between the two.
    const PAIRS: usize = 400;
    let engine = Engine::new(StageModel::six_stage());
    let mut pairs = Vec::new();
    for i in 0..PAIRS {
        let source = ciclo::consolidation::golden::SourceKey::new("rfm", &format!("r{i}")).unwrap();
        let at = t(0);
        let a = engine.ingest(source, at, lone_record(i)).unwrap().golden;
        let source = ciclo::consolidation::golden::SourceKey::new("rfm", &format!("s{i}")).unwrap();
        let b = engine
            .ingest(source, at, lone_record(PAIRS + i))
            .unwrap()
            .golden;
        buy(&engine, &a.to_string(), 50, 1000 + i as i64, "ARS");
        buy(&engine, &b.to_string(), 10, 2000 + i as i64, "ARS");
        pairs.push((a, b));
    }
    let options = RfmOptions {
        as_of: Some(t(60)),
        limit: MAX_PAGE,
        ..RfmOptions::default()
    };
    let (survivors, pages) = std::thread::scope(|scope| {
        let merger = scope.spawn(|| {
            pairs
                .iter()
                .map(|&(a, b)| engine.merge(a, b).unwrap().survivor.to_string())
                .collect::<Vec<String>>()
        });
        let mut pages = Vec::new();
        while !merger.is_finished() {
            let page = engine.rfm(&options).unwrap();
            pages.push(page);
        }
        (merger.join().unwrap(), pages)
    });
    let survivors: std::collections::HashSet<String> = survivors.into_iter().collect();
    // A page of MAX_PAGE lists every customer: each survivor (there all
    // along, and a buyer) has its row in every page, once.
    for page in &pages {
        for survivor in &survivors {
            let rows = page
                .customers
                .iter()
                .filter(|r| &r.customer == survivor)
                .count();
            assert_eq!(rows, 1, "{survivor} in a page of {}", page.customers.len());
        }
    }
    // The last state: every survivor has a row, once.
    let last = engine.rfm(&options).unwrap();
    assert_eq!(last.customers.len(), PAIRS);
    assert!(last
        .customers
        .iter()
        .all(|r| survivors.contains(&r.customer)));
}
