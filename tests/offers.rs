//! Next best offer in the engine: purchase histories kept (bounded, in
//! snapshots, erased with the customer), affinities learned from them, and
//! a customer's ranked actions with their reasons, filtered by consent and
//! the contact cap.

use ciclo::analytics::affinity::{AffinityKind, AffinityOptions};
use ciclo::engine::{OfferKind, MAX_HISTORY};
use ciclo::model::time::Timestamp;
use ciclo::retention::config::CapConfig;
use ciclo::retention::TriggerConfig;
use ciclo::{Engine, Error, StageModel};

fn t(day: u32) -> String {
    let ts = Timestamp::parse("2026-01-01T10:00:00Z", "t")
        .unwrap()
        .plus_days(day as f64);
    ts.to_rfc3339()
}

fn buy(engine: &Engine, customer: &str, day: u32, order: &str, products: &[&str]) {
    for p in products {
        let json = format!(
            r#"{{"customer": "{customer}", "at": "{}", "kind": "purchase", "amount": 1000,
                "currency": "ARS", "attributes": {{"product": "{p}", "order": "{order}"}}}}"#,
            t(day)
        );
        engine
            .apply(&ciclo::json::event_from_json(&json).unwrap())
            .unwrap();
    }
}

fn event(engine: &Engine, json: &str) {
    engine
        .apply(&ciclo::json::event_from_json(json).unwrap())
        .unwrap();
}

/// Ten customers buy a mate with a bombilla; six of them buy yerba a week
/// later; `ana` bought only a mate; `beto` spends ten times as much per
/// purchase.
fn shop() -> Engine {
    let engine = Engine::new(StageModel::six_stage());
    for i in 0..10 {
        let c = format!("c{i}");
        buy(&engine, &c, 1, &format!("{c}-1"), &["mate", "bombilla"]);
        if i < 6 {
            buy(&engine, &c, 8, &format!("{c}-2"), &["yerba"]);
        }
    }
    buy(&engine, "ana", 3, "ana-1", &["mate"]);
    event(
        &engine,
        &format!(
            r#"{{"customer": "beto", "at": "{}", "kind": "purchase", "amount": 50000,
                "currency": "ARS", "category": "termos"}}"#,
            t(2)
        ),
    );
    engine
}

#[test]
fn cross_sell_names_the_affinity_and_never_a_product_bought() {
    let engine = shop();
    let history = engine.purchase_history("ana").unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].product, "mate");
    // A category stands for the product when no `product` attribute is sent.
    assert_eq!(
        engine.purchase_history("beto").unwrap()[0].product,
        "termos"
    );

    // Before learning: no cross-sell, and it says so.
    let before = engine.next_best_offers("ana", 5).unwrap();
    assert!(!before.affinities_learned);
    assert!(before
        .offers
        .iter()
        .all(|o| o.kind != OfferKind::CrossSell && o.kind != OfferKind::UpSell));

    let summary = engine
        .learn_affinities(&AffinityOptions::default())
        .unwrap();
    assert_eq!(summary.products, 4);
    assert_eq!(summary.customers, 12);
    assert_eq!(summary.orders, 10 + 6 + 1 + 1);
    assert!(summary.affinities > 0);
    let mate_bombilla = engine
        .affinities_of("mate")
        .into_iter()
        .find(|a| a.to == "bombilla" && a.kind == AffinityKind::Together)
        .unwrap();
    // 10 of the 11 orders with a mate hold a bombilla; 10 of 18 orders do.
    assert_eq!(mate_bombilla.support, 10);
    assert!((mate_bombilla.confidence - 10.0 / 11.0).abs() < 1e-12);
    assert!((mate_bombilla.lift - (10.0 / 11.0) / (10.0 / 18.0)).abs() < 1e-12);

    let offers = engine.next_best_offers("ana", 5).unwrap();
    assert!(offers.affinities_learned);
    assert_eq!(offers.suppressed, None);
    let cross: Vec<_> = offers
        .offers
        .iter()
        .filter(|o| o.kind == OfferKind::CrossSell)
        .collect();
    assert_eq!(cross[0].product.as_deref(), Some("bombilla"));
    let affinity = cross[0].affinity.as_ref().unwrap();
    assert_eq!(
        (affinity.from.as_str(), affinity.to.as_str()),
        ("mate", "bombilla")
    );
    assert!(cross[0].reason.contains("mate") && cross[0].reason.contains("confidence"));
    assert!(cross[0].value > 0.0);
    assert!(cross.iter().all(|o| o.product.as_deref() != Some("mate")));
    // Ranked by value, and the same answer twice.
    assert!(offers.offers.windows(2).all(|w| w[0].value >= w[1].value));
    assert_eq!(offers, engine.next_best_offers("ana", 5).unwrap());
    assert!(engine.next_best_offers("ana", 1).unwrap().offers.len() <= 1);

    // Ana spends 1000 a purchase against a base median of 1000: no up-sell.
    // A cheaper buyer gets one, valued at the difference.
    buy(&engine, "cata", 4, "cata-1", &["mate"]);
    let cata = engine.customer("cata").unwrap();
    assert_eq!(cata.metrics().purchase_count(), 1);
    event(
        &engine,
        &format!(
            r#"{{"customer": "dani", "at": "{}", "kind": "purchase", "amount": 100,
                "currency": "ARS", "attributes": {{"product": "mate"}}}}"#,
            t(4)
        ),
    );
    engine
        .learn_affinities(&AffinityOptions::default())
        .unwrap();
    let dani = engine.next_best_offers("dani", 10).unwrap();
    let up = dani
        .offers
        .iter()
        .find(|o| o.kind == OfferKind::UpSell)
        .expect("an up-sell for a customer below the median");
    assert_eq!(up.value, 900.0);
    assert!(up.reason.contains("median"));
    assert!(!engine
        .next_best_offers("ana", 10)
        .unwrap()
        .offers
        .iter()
        .any(|o| o.kind == OfferKind::UpSell));
}

#[test]
fn retention_win_back_consent_and_contact_cap() {
    let engine = shop();
    engine
        .learn_affinities(&AffinityOptions::default())
        .unwrap();
    // Two complaints: the `discontent` trigger would fire; nothing recorded.
    for d in [4, 5] {
        event(
            &engine,
            &format!(
                r#"{{"customer": "ana", "at": "{}", "kind": "complaint"}}"#,
                t(d)
            ),
        );
    }
    let offers = engine.next_best_offers("ana", 10).unwrap();
    let retention = offers
        .offers
        .iter()
        .find(|o| o.kind == OfferKind::Retention)
        .expect("the discontent trigger");
    assert_eq!(retention.rule.as_deref(), Some("discontent"));
    assert_eq!(retention.action, "personal_outreach");
    assert!(retention.reason.contains("complaints_in_window"));
    assert!(retention
        .signals
        .iter()
        .any(|(s, v)| s == "complaints_in_window" && *v == 2.0));
    // A query records nothing: the trigger still fires when evaluated.
    assert_eq!(offers, engine.next_best_offers("ana", 10).unwrap());
    let at = Timestamp::parse(&t(5), "t").unwrap();
    assert!(!engine.evaluate("ana", at).unwrap().is_empty());

    // A contact cap of one a month, reached by that firing: no offer at all.
    engine
        .set_retention(TriggerConfig {
            contact_cap: CapConfig {
                count: 1,
                period_days: 30.0,
            },
            ..TriggerConfig::default()
        })
        .unwrap();
    let capped = engine.next_best_offers("ana", 10).unwrap();
    assert_eq!(capped.suppressed.as_deref(), Some("contact_cap"));
    assert!(capped.offers.is_empty());

    // A customer who unsubscribed is not contacted.
    event(
        &engine,
        &format!(
            r#"{{"customer": "c1", "at": "{}", "kind": "unsubscribe"}}"#,
            t(9)
        ),
    );
    let quiet = engine.next_best_offers("c1", 10).unwrap();
    assert_eq!(quiet.suppressed.as_deref(), Some("unsubscribed"));
    assert!(quiet.offers.is_empty());

    // Win-back: a customer who cancelled long ago.
    event(
        &engine,
        &format!(
            r#"{{"customer": "c2", "at": "{}", "kind": "cancellation", "reason": "price"}}"#,
            t(10)
        ),
    );
    let later = Timestamp::parse(&t(80), "t").unwrap();
    let back = engine.next_best_offers_at("c2", later, 10).unwrap();
    let win = back
        .offers
        .iter()
        .find(|o| o.kind == OfferKind::WinBack)
        .expect("a win-back offer");
    assert_eq!(win.action, "win_back_offer");
    assert!(win.reason.contains("price"));
}

#[test]
fn unknown_customers_bad_options_and_an_empty_base() {
    let empty = Engine::new(StageModel::six_stage());
    assert!(matches!(
        empty.next_best_offers("nadie", 3),
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        empty.purchase_history("nadie"),
        Err(Error::NotFound { .. })
    ));
    // An empty base learns nothing, without error.
    let summary = empty.learn_affinities(&AffinityOptions::default()).unwrap();
    assert_eq!(
        (summary.products, summary.affinities, summary.customers),
        (0, 0, 0)
    );
    assert!(summary.top.is_empty());
    assert!(empty.affinities_of("mate").is_empty());

    let engine = shop();
    engine
        .learn_affinities(&AffinityOptions::default())
        .unwrap();
    let before = engine.next_best_offers("ana", 5).unwrap();
    let err = engine
        .learn_affinities(&AffinityOptions {
            top_k: 0,
            ..AffinityOptions::default()
        })
        .unwrap_err();
    assert!(err.to_string().contains("top_k"), "{err}");
    // The affinities in force stay.
    assert_eq!(before, engine.next_best_offers("ana", 5).unwrap());
}

#[test]
fn histories_are_bounded_in_snapshots_and_erased_with_the_customer() {
    let engine = shop();
    for day in 0..(MAX_HISTORY as u32 + 20) {
        buy(
            &engine,
            "eva",
            10 + day,
            &format!("eva-{day}"),
            &[&format!("p{day}")],
        );
    }
    let history = engine.purchase_history("eva").unwrap();
    assert_eq!(history.len(), MAX_HISTORY);
    // The latest are kept.
    assert_eq!(history[0].product, "p20");
    assert_eq!(
        history.last().unwrap().product,
        format!("p{}", MAX_HISTORY + 19)
    );

    // Snapshots keep the histories and the sets of items bought (version 8)
    // and restore them exactly.
    let bytes = engine.snapshot();
    assert_eq!(u32::from_le_bytes(bytes[8..12].try_into().unwrap()), 8);
    let restored = Engine::restore(&bytes).unwrap();
    assert_eq!(restored.purchase_history("eva").unwrap(), history);
    assert_eq!(restored.snapshot(), bytes);
    // An engine without histories writes the same version, with empty
    // histories.
    let plain = Engine::new(StageModel::six_stage());
    event(
        &plain,
        &format!(r#"{{"customer": "x", "at": "{}", "kind": "visit"}}"#, t(1)),
    );
    let v7 = plain.snapshot();
    assert_eq!(u32::from_le_bytes(v7[8..12].try_into().unwrap()), 8);
    assert_eq!(v7.last(), Some(&0), "the empty histories end the payload");
    assert_eq!(Engine::restore(&v7).unwrap().snapshot(), v7);

    // Erasure takes the history with the customer, in the engine and in
    // the next snapshot.
    engine.erase("eva").unwrap();
    assert!(matches!(
        engine.purchase_history("eva"),
        Err(Error::NotFound { .. })
    ));
    let after = engine.snapshot();
    let needle = b"\"p147\"";
    assert!(bytes.windows(needle.len()).any(|w| w == needle));
    assert!(!after.windows(needle.len()).any(|w| w == needle));
    let restored = Engine::restore(&after).unwrap();
    assert!(restored.purchase_history("eva").is_err());
    assert_eq!(restored.purchase_history("ana").unwrap().len(), 1);
}

#[test]
fn erasing_a_customer_drops_the_learned_affinities() {
    let engine = shop();
    engine
        .learn_affinities(&AffinityOptions::default())
        .unwrap();
    assert!(!engine.affinities_of("mate").is_empty());
    // c0 bought mate and bombilla together: its orders are counted in the
    // affinities, so they go with it until the host learns again.
    engine.erase("c0").unwrap();
    assert!(engine.affinities_of("mate").is_empty());
    let offers = engine.next_best_offers("ana", 5).unwrap();
    assert!(
        !format!("{offers:?}").contains("bombilla"),
        "no cross-sell from affinities learned before the erasure: {offers:?}"
    );
    // Learning again reads only what the engine still holds.
    engine
        .learn_affinities(&AffinityOptions::default())
        .unwrap();
    assert!(!engine.affinities_of("mate").is_empty());
    // An unknown customer erases nothing and keeps them.
    assert!(engine.erase("nobody").is_err());
    assert!(!engine.affinities_of("mate").is_empty());
}

fn buy_in(engine: &Engine, customer: &str, day: u32, order: &str, lines: &[(&str, &str)]) {
    for (product, category) in lines {
        event(
            engine,
            &format!(
                r#"{{"customer": "{customer}", "at": "{}", "kind": "purchase", "amount": 1000,
                    "currency": "ARS", "category": "{category}",
                    "attributes": {{"product": "{product}", "order": "{order}"}}}}"#,
                t(day)
            ),
        );
    }
}

/// Affinities between categories: every product differs from customer to
/// customer, so products share no order, but their categories do.
#[test]
fn category_level_learns_over_the_purchases_categories() {
    use ciclo::analytics::affinity::Level;
    let engine = Engine::new(StageModel::six_stage());
    for i in 0..8 {
        let c = format!("c{i}");
        buy_in(
            &engine,
            &c,
            1,
            &format!("{c}-1"),
            &[
                (&format!("mate-{i}"), "mates"),
                (&format!("yerba-{i}"), "yerbas"),
            ],
        );
    }
    buy_in(&engine, "ana", 3, "ana-1", &[("mate-ana", "mates")]);
    let history = engine.purchase_history("ana").unwrap();
    assert_eq!(history[0].category.as_deref(), Some("mates"));

    // Products: every pair seen once, below the minimum support.
    let products = engine
        .learn_affinities(&AffinityOptions::default())
        .unwrap();
    assert_eq!(products.affinities, 0);
    // Categories: mates and yerbas together in eight orders.
    let options = AffinityOptions {
        level: Level::Category,
        ..AffinityOptions::default()
    };
    let categories = engine.learn_affinities(&options).unwrap();
    assert_eq!(categories.products, 2, "{categories:?}");
    assert_eq!(categories.top[0].support, 8);
    let pair = [
        categories.top[0].from.as_str(),
        categories.top[0].to.as_str(),
    ];
    assert!(
        pair.contains(&"mates") && pair.contains(&"yerbas"),
        "{pair:?}"
    );

    let offers = engine.next_best_offers("ana", 3).unwrap();
    let cross: Vec<_> = offers
        .offers
        .iter()
        .filter(|o| o.kind == OfferKind::CrossSell)
        .collect();
    assert_eq!(cross.len(), 1, "{offers:?}");
    assert_eq!(cross[0].product.as_deref(), Some("yerbas"));
    assert_eq!(cross[0].action, "offer_category");
    assert_eq!(cross[0].affinity.as_ref().unwrap().from, "mates");

    // Categories survive a snapshot.
    let restored = Engine::restore(&engine.snapshot()).unwrap();
    assert_eq!(restored.purchase_history("ana").unwrap(), history);
}

/// A product bought long ago (before the latest lines kept) is never offered
/// again: the set of items ever bought keeps it, in snapshots too.
#[test]
fn a_product_bought_before_the_lines_kept_is_never_offered() {
    let engine = shop();
    // p0 is popular: five customers buy it.
    for i in 0..5 {
        buy(&engine, &format!("p0-fan{i}"), 2, &format!("f{i}"), &["p0"]);
    }
    for day in 0..(MAX_HISTORY as u32 + 20) {
        buy(
            &engine,
            "eva",
            10 + day,
            &format!("eva-{day}"),
            &[&format!("p{day}")],
        );
    }
    let history = engine.purchase_history("eva").unwrap();
    assert!(
        history.iter().all(|l| l.product != "p0"),
        "p0 is out of the lines"
    );
    engine
        .learn_affinities(&AffinityOptions::default())
        .unwrap();
    let offered = |e: &Engine| -> Vec<String> {
        e.next_best_offers("eva", 100)
            .unwrap()
            .offers
            .into_iter()
            .filter_map(|o| o.product)
            .collect()
    };
    let now = offered(&engine);
    assert!(now.iter().any(|p| p == "mate"), "{now:?}");
    assert!(!now.iter().any(|p| p == "p0"), "{now:?}");
    // Someone who never bought p0 is offered it.
    let ana: Vec<String> = engine
        .next_best_offers("ana", 100)
        .unwrap()
        .offers
        .into_iter()
        .filter_map(|o| o.product)
        .collect();
    assert!(ana.iter().any(|p| p == "p0"), "{ana:?}");

    let restored = Engine::restore(&engine.snapshot()).unwrap();
    restored
        .learn_affinities(&AffinityOptions::default())
        .unwrap();
    assert_eq!(offered(&restored), now);
}

/// The payload of version 7 and 8 snapshots, to write older versions.
#[derive(serde::Serialize, serde::Deserialize)]
struct PayloadV8 {
    config_json: String,
    customers: Vec<(String, ciclo::lifecycle::StateRecord)>,
    identity_json: String,
    retention_json: String,
    feed_json: String,
    histories_json: String,
}

fn seal(version: u32, body: &[u8]) -> Vec<u8> {
    let mut out = b"CICLOSNP".to_vec();
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// A snapshot without purchase histories (version 5, as every engine wrote
/// before them) gets them back from the events kept of golden customers; one
/// without sets of items bought (version 7) makes them from the lines.
#[test]
fn older_snapshots_rebuild_histories_from_the_events_kept() {
    use ciclo::model::Record;
    let engine = shop();
    let record = Record {
        given_name: Some("Eva".into()),
        surname: Some("Paz".into()),
        email: Some("eva@paz.com.ar".into()),
        ..Record::default()
    };
    let at = Timestamp::parse("2026-01-01T09:00:00Z", "t").unwrap();
    let g = engine
        .ingest(
            ciclo::consolidation::golden::SourceKey::new("crm", "EVA-1").unwrap(),
            at,
            record,
        )
        .unwrap()
        .golden
        .to_string();
    buy(&engine, &g, 2, "eva-1", &["mate", "bombilla"]);
    for day in 0..(MAX_HISTORY as u32 + 5) {
        buy(
            &engine,
            &g,
            10 + day,
            &format!("eva-x{day}"),
            &[&format!("p{day}")],
        );
    }
    let history = engine.purchase_history(&g).unwrap();
    assert_eq!(history.len(), MAX_HISTORY);
    engine
        .learn_affinities(&AffinityOptions::default())
        .unwrap();
    let offers = engine.next_best_offers(&g, 100).unwrap().offers;
    assert!(offers.iter().all(|o| o.product.as_deref() != Some("mate")));

    let bytes = engine.snapshot();
    let payload: PayloadV8 = postcard::from_bytes(&bytes[24..]).unwrap();
    assert!(!payload.histories_json.is_empty());

    // Version 7: lines without the sets of items bought.
    let mut histories: serde_json::Value = serde_json::from_str(&payload.histories_json).unwrap();
    histories.as_object_mut().unwrap().remove("bought").unwrap();
    let v7 = PayloadV8 {
        histories_json: histories.to_string(),
        ..postcard::from_bytes(&bytes[24..]).unwrap()
    };
    let restored = Engine::restore(&seal(7, &postcard::to_allocvec(&v7).unwrap())).unwrap();
    assert_eq!(restored.purchase_history(&g).unwrap(), history);
    assert_eq!(restored.purchase_history("ana").unwrap().len(), 1);

    // Version 5: no histories at all, and states without attributes and
    // segments (each record's last two fields, empty here: two zero bytes).
    let mut v5 = postcard::to_allocvec(&payload.config_json).unwrap();
    v5.extend(postcard::to_allocvec(&payload.customers.len()).unwrap());
    for customer in &payload.customers {
        let record = postcard::to_allocvec(customer).unwrap();
        assert!(record.ends_with(&[0, 0]));
        v5.extend_from_slice(&record[..record.len() - 2]);
    }
    for text in [
        &payload.identity_json,
        &payload.retention_json,
        &payload.feed_json,
    ] {
        v5.extend(postcard::to_allocvec(text).unwrap());
    }
    let restored = Engine::restore(&seal(5, &v5)).unwrap();
    // The golden customer's history and set of items bought come back from
    // its events: the mate bought before the lines kept is still not offered.
    assert_eq!(restored.purchase_history(&g).unwrap(), history);
    restored
        .learn_affinities(&AffinityOptions::default())
        .unwrap();
    let again = restored.next_best_offers(&g, 100).unwrap().offers;
    assert!(again.iter().all(|o| o.product.as_deref() != Some("mate")));
    assert!(again
        .iter()
        .all(|o| o.product.as_deref() != Some("bombilla")));
    // A plain customer's events are not kept: their history starts empty.
    assert!(restored.purchase_history("ana").unwrap().is_empty());
    // And the restored engine writes version 8 with the rebuilt histories.
    let resaved = restored.snapshot();
    assert_eq!(u32::from_le_bytes(resaved[8..12].try_into().unwrap()), 8);
    let r2 = Engine::restore(&resaved).unwrap();
    assert_eq!(r2.purchase_history(&g).unwrap(), history);
}

/// `n` is capped as in the C ABI, and a list of the most offers is filled
/// with distinct products never bought.
#[test]
fn n_is_capped_and_the_longest_list_is_distinct() {
    use ciclo::engine::MAX_OFFERS;
    let engine = shop();
    for i in 0..150 {
        buy(
            &engine,
            &format!("x{i}"),
            2,
            &format!("x{i}"),
            &[&format!("q{i}"), "mate"],
        );
    }
    engine
        .learn_affinities(&AffinityOptions::default())
        .unwrap();
    let err = engine.next_best_offers("ana", MAX_OFFERS + 1).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument { field, .. } if field == "n"),
        "{err:?}"
    );
    let now = Timestamp::parse("2026-03-01T00:00:00Z", "t").unwrap();
    let err = engine
        .next_best_offers_at("ana", now, usize::MAX)
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidArgument { field, .. } if field == "n"));
    let got = engine.next_best_offers("ana", MAX_OFFERS).unwrap().offers;
    let products: Vec<&str> = got.iter().filter_map(|o| o.product.as_deref()).collect();
    assert_eq!(got.len(), MAX_OFFERS, "{got:?}");
    let mut distinct = products.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), products.len());
    assert!(!products.contains(&"mate"));
}

/// An unsigned LEB128 varint: its value and the bytes it takes (0 when
/// there is none).
fn varint(bytes: &[u8]) -> (usize, usize) {
    let mut value = 0usize;
    for (i, b) in bytes.iter().take(9).enumerate() {
        value |= ((b & 0x7f) as usize) << (7 * i);
        if b & 0x80 == 0 {
            return (value, i + 1);
        }
    }
    (0, 0)
}

#[test]
fn a_version_6_snapshot_restores_its_purchase_histories() {
    let engine = Engine::new(StageModel::six_stage());
    buy(&engine, "eva", 1, "o1", &["mate", "yerba"]);
    let v7 = engine.snapshot();
    assert_eq!(u32::from_le_bytes(v7[8..12].try_into().unwrap()), 8);
    // Version 6 is version 7 without the customer's empty attributes and
    // segments (the two zero bytes before the empty consolidation and
    // retention texts); the change feed's and the histories' texts follow.
    let body = &v7[24..];
    let histories_at = (0..body.len())
        .rev()
        .find(|&p| {
            let (len, used) = varint(&body[p..]);
            used > 0 && p + used + len == body.len() && body.get(p + used) == Some(&b'{')
        })
        .expect("the histories' text ends the payload");
    let feed_at = (0..histories_at)
        .rev()
        .find(|&p| {
            let (len, used) = varint(&body[p..]);
            used > 0 && p + used + len == histories_at && body.get(p + used) == Some(&b'{')
        })
        .expect("the feed's text comes before");
    assert_eq!(&body[feed_at - 4..feed_at], &[0, 0, 0, 0]);
    let old = [&body[..feed_at - 4], &[0, 0], &body[feed_at..]].concat();
    let mut v6 = b"CICLOSNP".to_vec();
    v6.extend_from_slice(&6u32.to_le_bytes());
    v6.extend_from_slice(&(old.len() as u64).to_le_bytes());
    v6.extend_from_slice(&crc32fast::hash(&old).to_le_bytes());
    v6.extend_from_slice(&old);
    let restored = Engine::restore(&v6).unwrap();
    assert_eq!(
        restored.purchase_history("eva").unwrap(),
        engine.purchase_history("eva").unwrap()
    );
    assert_eq!(restored.purchase_history("eva").unwrap().len(), 2);
    assert_eq!(restored.snapshot(), v7);
}
