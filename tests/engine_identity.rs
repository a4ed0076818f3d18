//! The engine with consolidation: ingest at entry, lifecycle state following the
//! identity through merge and unmerge, hierarchies with revenue roll-up.

use ciclo::consolidation::hierarchy::HierarchyKind;
use ciclo::consolidation::registry::IngestDecision;
use ciclo::model::Record;
use ciclo::{Engine, ErrorKind};

#[path = "common/rust_host.rs"]
mod host;
use host::*;

fn purchases(engine: &Engine, customer: &str) -> Option<u32> {
    engine
        .with_customer(customer, |s| s.metrics().purchase_count())
        .ok()
}

#[test]
fn lifecycle_state_follows_merge_and_unmerge() {
    let engine = Engine::new(ciclo::lifecycle::StageModel::six_stage());
    let a = engine
        .ingest(
            key("crm", "1"),
            day(0),
            person("Ana", "Ruiz", "ana@ruiz.es"),
        )
        .unwrap();
    let b = engine
        .ingest(
            key("erp", "7"),
            day(0),
            person("Luis", "Paz", "luis@paz.com.ar"),
        )
        .unwrap();
    assert_eq!(a.decision, IngestDecision::New);
    assert_ne!(a.golden, b.golden);
    let (ga, gb) = (a.golden.to_string(), b.golden.to_string());
    engine.apply(&buy(&ga, 1, 1_000)).unwrap();
    engine.apply(&buy(&ga, 3, 1_000)).unwrap();
    engine.apply(&buy(&gb, 2, 5_000)).unwrap();
    let stage_a = engine.customer(&ga).unwrap().stage();

    // A steward merges them: events combine, the state is recomputed.
    let merged = engine.merge(b.golden, a.golden).unwrap();
    assert_eq!(merged.survivor, a.golden);
    assert_eq!(purchases(&engine, &ga), Some(3));
    assert_eq!(engine.customer(&ga).unwrap().metrics().revenue(), 7_000);
    assert!(
        !engine.customer_ids().contains(&gb),
        "the retired id has no state of its own"
    );
    assert_eq!(
        purchases(&engine, &gb),
        Some(3),
        "the retired id answers for the survivor"
    );
    // An event for the retired id goes to the survivor.
    engine.apply(&buy(&gb, 4, 100)).unwrap();
    assert_eq!(purchases(&engine, &ga), Some(4));
    assert_eq!(engine.golden(b.golden).unwrap().0, a.golden);

    // Unmerged, each gets its own back: `erp/7` gets its golden id and the
    // events sent for it (also the one sent after the merge for its old id).
    let back = engine.unmerge(&key("erp", "7")).unwrap();
    assert_eq!(back, b.golden);
    assert_eq!(purchases(&engine, &ga), Some(2));
    assert_eq!(engine.customer(&ga).unwrap().stage(), stage_a);
    assert_eq!(purchases(&engine, &gb), Some(2));
    assert_eq!(engine.customer(&gb).unwrap().metrics().revenue(), 5_100);
    assert_eq!(engine.golden_of(&key("erp", "7")).unwrap(), b.golden);
}

#[test]
fn hierarchies_link_known_customers_and_roll_up_revenue() {
    let engine = Engine::new(ciclo::lifecycle::StageModel::six_stage());
    let corp = HierarchyKind::Corporate;
    let mut ids = Vec::new();
    for (i, name) in ["Holding", "Filial Norte", "Filial Sur"].iter().enumerate() {
        let record = Record {
            company: Some(format!("{name} SA")),
            country: Some("AR".into()),
            ..Record::default()
        };
        let g = engine
            .ingest(key("erp", &i.to_string()), day(0), record)
            .unwrap()
            .golden
            .to_string();
        engine.apply(&buy(&g, 1, 1_000 * (i as i64 + 1))).unwrap();
        ids.push(g);
    }
    engine.link(&corp, &ids[0], &ids[1]).unwrap();
    engine.link(&corp, &ids[1], &ids[2]).unwrap();
    // A cycle and an unknown id are refused.
    let err = engine.link(&corp, &ids[2], &ids[0]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    let err = engine.link(&corp, &ids[0], "G999").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains("G999"), "{err}");
    let group = engine.revenue_roll_up(&corp, &ids[0]).unwrap();
    assert_eq!(group.total, 6_000);
    let ancestors = engine.with_hierarchies(|h| {
        h.ancestors(&corp, &ids[2])
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>()
    });
    assert_eq!(ancestors, [ids[1].clone(), ids[0].clone()]);
    engine.unlink(&corp, &ids[1], &ids[2]).unwrap();
    assert_eq!(engine.revenue_roll_up(&corp, &ids[0]).unwrap().total, 3_000);
}

#[test]
fn customers_without_golden_ids_need_the_configuration() {
    let engine = Engine::new(ciclo::lifecycle::StageModel::six_stage());
    // Before consolidation, any id is a customer.
    engine.apply(&buy("antes-1", 1, 10)).unwrap();
    engine
        .ingest(
            key("crm", "1"),
            day(0),
            person("Ana", "Ruiz", "ana@ruiz.es"),
        )
        .unwrap();
    // Consolidating: customers are golden ids.
    let err = engine.apply(&buy("cliente-1", 1, 10)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains("customers_from_events"), "{err}");
    let err = engine.apply(&buy("G77", 1, 10)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "G77 was never issued");
    assert_eq!(purchases(&engine, "cliente-1"), None);
    // Configuring consolidation after records are in is refused.
    let err = engine
        .configure_consolidation(Default::default())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);

    // Allowed by the configuration: plain ids work as before; golden-shaped
    // ids stay reserved.
    let engine = Engine::new(ciclo::lifecycle::StageModel::six_stage());
    let config = ciclo::consolidation::registry::RegistryConfig {
        customers_from_events: true,
        ..Default::default()
    };
    engine.configure_consolidation(config).unwrap();
    engine.apply(&buy("cliente-1", 1, 10)).unwrap();
    assert_eq!(purchases(&engine, "cliente-1"), Some(1));
    let err = engine.apply(&buy("G77", 1, 10)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[test]
fn snapshots_keep_identity_events_and_hierarchies() {
    let engine = Engine::new(ciclo::lifecycle::StageModel::six_stage());
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
            day(1),
            person("Luis", "Paz", "luis@paz.com.ar"),
        )
        .unwrap()
        .golden;
    // A doubtful one, for a review.
    engine
        .ingest(
            key("web", "3"),
            day(2),
            Record {
                given_name: Some("Ana".into()),
                surname: Some("Ruiz".into()),
                country: Some("AR".into()),
                ..Record::default()
            },
        )
        .unwrap();
    engine.apply(&buy(&a.to_string(), 1, 1_000)).unwrap();
    engine.apply(&buy(&b.to_string(), 2, 2_000)).unwrap();
    engine.tick(day(30));
    engine
        .link(&HierarchyKind::Household, &a.to_string(), &b.to_string())
        .unwrap();
    engine.merge(a, b).unwrap();
    let bytes = engine.snapshot();
    let restored = Engine::restore(&bytes).unwrap();
    assert_eq!(
        restored.snapshot(),
        bytes,
        "a restored engine saves the same bytes"
    );
    assert_eq!(restored.golden(a).unwrap(), engine.golden(a).unwrap());
    assert_eq!(restored.reviews(), engine.reviews());
    assert_eq!(
        restored.customer(&a.to_string()).unwrap(),
        engine.customer(&a.to_string()).unwrap()
    );
    // The restored engine unmerges exactly as the original does.
    assert_eq!(
        restored.unmerge(&key("erp", "2")).unwrap(),
        engine.unmerge(&key("erp", "2")).unwrap()
    );
    assert_eq!(restored.snapshot(), engine.snapshot());
    assert_eq!(purchases(&restored, &b.to_string()), Some(1));
}

#[test]
fn older_snapshots_still_restore() {
    let engine = Engine::new(ciclo::lifecycle::StageModel::six_stage());
    engine.apply(&buy("cliente-1", 1, 500)).unwrap();
    let v7 = engine.snapshot();
    // A version 8 payload ends with the empty purchase histories (one zero
    // byte) after the change feed's text; without both, and
    // without the customer's empty attributes and segments (one zero byte
    // each, just before the empty consolidation and retention texts), it is
    // a version 3 or 4 payload, which ends with the empty consolidation and
    // retention texts (one zero byte each); without the last of them, a
    // version 2 payload, without both a version 1 payload.
    assert_eq!(v7.last(), Some(&0));
    let body = &v7[24..v7.len() - 1];
    let feed = (0..body.len())
        .rev()
        .find(|&p| {
            let (len, used) = varint(&body[p..]);
            used > 0 && p + used + len == body.len() && body.get(p + used) == Some(&b'{')
        })
        .expect("the change feed's text ends the payload");
    let before_feed = &body[..feed];
    assert_eq!(&before_feed[before_feed.len() - 4..], &[0, 0, 0, 0]);
    let v4 = [&before_feed[..before_feed.len() - 4], &[0, 0]].concat();
    let v4 = v4.as_slice();
    // What a restored engine writes: version 8, with an empty feed and no
    // purchase histories.
    let mut expected = v7[..8].to_vec();
    expected.extend_from_slice(&8u32.to_le_bytes());
    let mut body_v7 = before_feed.to_vec();
    body_v7.extend_from_slice(&[0, 0]);
    expected.extend_from_slice(&(body_v7.len() as u64).to_le_bytes());
    expected.extend_from_slice(&crc32fast::hash(&body_v7).to_le_bytes());
    expected.extend_from_slice(&body_v7);
    for (version, cut) in [(4u32, 0), (3, 0), (2, 1), (1, 2)] {
        let body = &v4[..v4.len() - cut];
        let mut old = Vec::new();
        old.extend_from_slice(b"CICLOSNP");
        old.extend_from_slice(&version.to_le_bytes());
        old.extend_from_slice(&(body.len() as u64).to_le_bytes());
        old.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
        old.extend_from_slice(body);
        let restored = Engine::restore(&old).unwrap();
        assert_eq!(restored.snapshot(), expected, "version {version}");
        assert_eq!(restored.changes(0, 10).unwrap().head_seq, 0);
    }
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

/// María José Fernández Ruiz with an email, a phone, or both.
fn maria(email: Option<&str>, phone: Option<&str>) -> Record {
    Record {
        given_name: Some("María José".into()),
        surname: Some("Fernández Ruiz".into()),
        email: email.map(Into::into),
        phone: phone.map(Into::into),
        country: Some("AR".into()),
        ..Record::default()
    }
}

/// A record that joins two customers ends in the survivor, and that is its
/// own id: unmerged, it does not take the id the join retired (the host
/// holds that one for the other customer's record, which stays in the
/// survivor), and it leaves with no events. The answer's candidates name live
/// ids only.
#[test]
fn unmerging_a_record_that_joined_customers_takes_no_retired_id() {
    let engine = Engine::new(ciclo::lifecycle::StageModel::six_stage());
    // The older customer has the phone, the newer one the email (which
    // weighs more: the joining record matches the newer one best).
    let a = engine
        .ingest(
            key("crm", "1"),
            day(0),
            maria(None, Some("+54 9 11 4567-8901")),
        )
        .unwrap();
    let b = engine
        .ingest(
            key("erp", "2"),
            day(0),
            maria(Some("mjfernandez@gmail.com"), None),
        )
        .unwrap();
    assert_ne!(a.golden, b.golden);
    assert!(a.golden < b.golden);
    let (ga, gb) = (a.golden.to_string(), b.golden.to_string());
    engine.apply(&buy(&gb, 1, 1_000)).unwrap();
    let c = engine
        .ingest(
            key("web", "3"),
            day(2),
            maria(Some("mjfernandez@gmail.com"), Some("+54 9 11 4567-8901")),
        )
        .unwrap();
    assert_eq!(c.decision, IngestDecision::Merged);
    assert_eq!(c.golden, a.golden, "{c:?}");
    assert_eq!(c.joined.len(), 1, "{c:?}");
    assert_eq!(c.joined[0].retired, b.golden);
    // The candidates name live ids, each once: both customers are the survivor.
    assert!(!c.candidates.is_empty());
    for (i, cand) in c.candidates.iter().enumerate() {
        assert!(
            engine.with_registry(|r| r.contains(cand.golden)),
            "candidate {} is not live: {c:?}",
            cand.golden
        );
        assert!(
            c.candidates[..i].iter().all(|o| o.golden != cand.golden),
            "{c:?}"
        );
    }
    assert_eq!(c.candidates[0].golden, c.golden);
    assert_eq!(purchases(&engine, &ga), Some(1));

    let snapshot = engine.snapshot();
    let back = engine.unmerge(&key("web", "3")).unwrap();
    assert_ne!(
        back, b.golden,
        "record 3 took the id of record 2's customer"
    );
    assert_ne!(back, a.golden);
    assert_eq!(engine.golden_of(&key("erp", "2")).unwrap(), a.golden);
    assert_eq!(
        engine.resolve(&gb).unwrap(),
        ga,
        "G2 still resolves to record 2's customer"
    );
    // The purchase sent for record 2's id stays with record 2's customer; the
    // record that never had an id of its own leaves with no events.
    assert_eq!(purchases(&engine, &ga), Some(1));
    assert_eq!(purchases(&engine, &back.to_string()), None);
    // A restored engine unmerges the same way.
    let restored = Engine::restore(&snapshot).unwrap();
    assert_eq!(restored.unmerge(&key("web", "3")).unwrap(), back);
    assert_eq!(restored.snapshot(), engine.snapshot());
}

/// `"date_order": "mdy"` makes the engine read a birth date of numbers only
/// month first, as batch deduplication does; snapshots keep the setting.
#[test]
fn the_engine_reads_dates_month_first_when_configured() {
    use ciclo::json::consolidation::{
        consolidation_config_from_json, consolidation_config_to_json,
    };
    use ciclo::standardize::dates::DateOrder;
    let born = |given: &str, email: &str| Record {
        birth_date: Some("01/02/1990".into()),
        ..person(given, "Ruiz", email)
    };
    let birth = |engine: &Engine, g| engine.golden(g).unwrap().1.record.birth_date;

    // By default, day first.
    let dmy = Engine::new(ciclo::lifecycle::StageModel::six_stage());
    let g = dmy
        .ingest(key("crm", "1"), day(0), born("Ana", "ana@ruiz.es"))
        .unwrap()
        .golden;
    assert_eq!(birth(&dmy, g).as_deref(), Some("1990-02-01"));
    assert_eq!(
        consolidation_config_from_json("{}").unwrap().date_order,
        DateOrder::Dmy
    );

    let config =
        consolidation_config_from_json(r#"{"default_country": "US", "date_order": "mdy"}"#)
            .unwrap();
    assert_eq!(config.date_order, DateOrder::Mdy);
    let engine = Engine::new(ciclo::lifecycle::StageModel::six_stage());
    engine.configure_consolidation(config.clone()).unwrap();
    let g = engine
        .ingest(key("crm", "1"), day(0), born("Ana", "ana@ruiz.es"))
        .unwrap()
        .golden;
    assert_eq!(birth(&engine, g).as_deref(), Some("1990-01-02"));

    // The configuration's JSON carries it.
    let json = consolidation_config_to_json(&config);
    assert!(json.contains(r#""date_order":"mdy""#), "{json}");
    assert_eq!(consolidation_config_from_json(&json).unwrap(), config);

    // A bad value is an error naming the key.
    for bad in [
        r#"{"date_order": "ymd"}"#,
        r#"{"date_order": ""}"#,
        r#"{"date_order": 1}"#,
    ] {
        let err = consolidation_config_from_json(bad).unwrap_err();
        assert!(err.to_string().contains("date_order"), "{bad}: {err}");
    }
    let err = consolidation_config_from_json(r#"{"date_order": "ymd"}"#).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");

    // Restored, the engine still reads month first.
    let restored = Engine::restore(&engine.snapshot()).unwrap();
    assert_eq!(
        restored.with_registry(|r| r.config().date_order),
        DateOrder::Mdy
    );
    assert_eq!(birth(&restored, g).as_deref(), Some("1990-01-02"));
    let h = restored
        .ingest(key("crm", "2"), day(0), born("Luis", "luis@paz.com.ar"))
        .unwrap()
        .golden;
    assert_ne!(h, g);
    assert_eq!(birth(&restored, h).as_deref(), Some("1990-01-02"));
}
