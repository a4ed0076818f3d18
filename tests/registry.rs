//! Matching at the point of entry, golden records, merge and unmerge: the
//! registry's behaviour, its errors, its invariants (proptests) and its accuracy
//! on dupes_es when the records arrive one by one.

use std::collections::{HashMap, HashSet};
use std::fs::File;

use ciclo::consolidation::golden::{
    survive, Criterion, Decided, GoldenField, Member, SourceKey, Survivorship,
};
use ciclo::consolidation::registry::{GoldenId, IngestDecision, Registry, RegistryConfig};
use ciclo::error::ErrorKind;
use ciclo::import::read_csv;
use ciclo::model::{Record, Timestamp};
use ciclo::standardize::{standardize, Country, Options};
use proptest::prelude::*;

fn key(system: &str, id: &str) -> SourceKey {
    SourceKey::new(system, id).unwrap()
}

fn at(day: u32) -> Timestamp {
    Timestamp::from_millis(1_767_225_600_000 + i64::from(day) * 86_400_000, "at").unwrap()
}

fn person(given: &str, surname: &str, email: &str, phone: &str, id: &str) -> Record {
    let some = |t: &str| (!t.is_empty()).then(|| t.to_string());
    Record {
        given_name: some(given),
        surname: some(surname),
        email: some(email),
        phone: some(phone),
        national_id: some(id),
        country: Some("AR".into()),
        ..Record::default()
    }
}

fn registry() -> Registry {
    Registry::new(RegistryConfig {
        default_country: Some(Country::AR),
        ..RegistryConfig::default()
    })
    .unwrap()
}

fn jose() -> Record {
    person(
        "José Luis",
        "García Pérez",
        "jose.garcia@gmail.com",
        "011 15-2345-6789",
        "20-12345678-6",
    )
}

#[test]
fn the_same_person_from_two_systems_is_one_customer() {
    let mut r = registry();
    let first = r.ingest(key("crm", "C-1"), at(1), jose()).unwrap();
    assert_eq!(first.decision, IngestDecision::New);
    let mut typed = person(
        "Pepe",
        "GARCIA",
        "josegarcia@gmail.com",
        "+54 9 11 2345-6789",
        "12.345.678",
    );
    typed.street = Some("Av. Corrientes 1234".into());
    let second = r.ingest(key("erp", "000233"), at(5), typed).unwrap();
    assert_eq!(second.decision, IngestDecision::Merged, "{second:?}");
    assert_eq!(second.golden, first.golden);
    assert_eq!(second.candidates[0].source, key("crm", "C-1"));
    assert!(!second.candidates[0].score.contributions.is_empty());
    // The cross-reference.
    assert_eq!(r.golden_of(&key("erp", "000233")), Some(first.golden));
    assert_eq!(r.golden_count(), 1);
    let golden = r.golden(first.golden).unwrap();
    assert_eq!(golden.sources.len(), 2);
    // Both emails kept; the address came from the only source that has one.
    assert_eq!(golden.emails.len(), 2);
    let address = golden.lineage_of(GoldenField::Address).unwrap();
    assert_eq!(address.source, key("erp", "000233"));
    assert_eq!(address.decided, Decided::OnlySource);
    // The record as typed is kept beside its standard form.
    let (original, member) = r.source(&key("erp", "000233")).unwrap();
    assert_eq!(original.given_name.as_deref(), Some("Pepe"));
    assert_eq!(member.record.phone.as_deref(), Some("+5491123456789"));
}

#[test]
fn different_people_stay_apart_and_doubtful_ones_go_to_review() {
    let mut r = registry();
    let a = r.ingest(key("crm", "1"), at(1), jose()).unwrap();
    // A namesake with another identifier and another birth date.
    let mut other = person("José Luis", "García Pérez", "", "", "20-34567890-6");
    other.birth_date = Some("1990-03-04".into());
    let b = r.ingest(key("crm", "2"), at(2), other).unwrap();
    assert_ne!(a.golden, b.golden);
    assert_ne!(b.decision, IngestDecision::Merged);
    // Same name and phone, nothing else: maybe the same person.
    let c = r
        .ingest(
            key("web", "9"),
            at(3),
            person("José", "García", "", "+54 9 11 2345-6789", ""),
        )
        .unwrap();
    assert_eq!(c.decision, IngestDecision::Review, "{c:?}");
    let review = r.reviews().find(|v| v.record == &key("web", "9")).unwrap();
    assert_eq!(review.golden, c.golden);
    assert!(review.candidates.iter().any(|x| x.golden == a.golden));
    r.dismiss_review(&key("web", "9")).unwrap();
    assert!(r.reviews().all(|v| v.record != &key("web", "9")));
    let unrelated = r
        .ingest(
            key("crm", "3"),
            at(4),
            person("María", "Fernández", "mf@hotmail.com", "", ""),
        )
        .unwrap();
    assert_eq!(unrelated.decision, IngestDecision::New);
    assert!(unrelated.candidates.is_empty());
}

#[test]
fn updates_replace_the_stored_version_in_place() {
    let mut r = registry();
    let a = r.ingest(key("crm", "1"), at(1), jose()).unwrap();
    let mut moved = jose();
    moved.email = Some("jlgarcia@yahoo.com.ar".into());
    let u = r.ingest(key("crm", "1"), at(9), moved).unwrap();
    assert_eq!(u.decision, IngestDecision::Updated);
    assert_eq!(u.golden, a.golden);
    assert_eq!(r.source_count(), 1);
    let golden = r.golden(a.golden).unwrap();
    assert_eq!(
        golden.record.email.as_deref(),
        Some("jlgarcia@yahoo.com.ar")
    );
    // The new email is in the index: a record with it finds the customer.
    let mut same = person("José Luis", "García", "jlgarcia@yahoo.com.ar", "", "");
    same.birth_date = None;
    let found = r.ingest(key("web", "7"), at(10), same).unwrap();
    assert!(found.candidates.iter().any(|c| c.golden == a.golden));
    // An older version arriving late is refused and changes nothing.
    let before = r.golden(a.golden).unwrap();
    let err = r.ingest(key("crm", "1"), at(2), jose()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains("updated"), "{err}");
    assert_eq!(r.golden(a.golden).unwrap(), before);
}

#[test]
fn bad_input_gets_errors_and_changes_nothing() {
    let mut r = registry();
    let a = r.ingest(key("crm", "1"), at(1), jose()).unwrap().golden;
    let b = r
        .ingest(
            key("crm", "2"),
            at(1),
            person("Ana", "Ruiz", "ana@ruiz.es", "", ""),
        )
        .unwrap()
        .golden;
    let snapshot = |r: &Registry| {
        (
            r.golden_ids().collect::<Vec<_>>(),
            r.golden_ids().map(|g| r.golden(g)).collect::<Vec<_>>(),
            r.source_count(),
            r.key_count(),
        )
    };
    let before = snapshot(&r);
    let blank = Record {
        given_name: Some("  ".into()),
        ..Record::default()
    };
    let cases = [
        (
            r.ingest(key("crm", "3"), at(1), blank).unwrap_err(),
            ErrorKind::InvalidArgument,
            "record",
        ),
        (
            r.ingest(
                SourceKey {
                    system: "".into(),
                    id: "x".into(),
                },
                at(1),
                jose(),
            )
            .unwrap_err(),
            ErrorKind::InvalidArgument,
            "source.system",
        ),
        (
            r.merge(a, a).unwrap_err(),
            ErrorKind::InvalidArgument,
            "itself",
        ),
        (
            r.merge(a, "G99".parse::<GoldenId>().unwrap()).unwrap_err(),
            ErrorKind::NotFound,
            "G99",
        ),
        (
            r.unmerge(&key("crm", "1")).unwrap_err(),
            ErrorKind::Conflict,
            "nothing to unmerge",
        ),
        (
            r.unmerge(&key("crm", "404")).unwrap_err(),
            ErrorKind::NotFound,
            "crm/404",
        ),
        (
            r.dismiss_review(&key("crm", "1")).unwrap_err(),
            ErrorKind::NotFound,
            "review",
        ),
        (
            r.remove(&key("crm", "404")).unwrap_err(),
            ErrorKind::NotFound,
            "crm/404",
        ),
    ];
    for (err, kind, says) in cases {
        assert_eq!(err.kind(), kind, "{err}");
        assert!(err.to_string().contains(says), "{err} should say {says}");
    }
    assert_eq!(snapshot(&r), before);
    // A retired id's error names where it went.
    let merged = r.merge(b, a).unwrap();
    assert_eq!((merged.survivor, merged.retired), (a, b));
    let err = r.merge(b, a).unwrap_err();
    assert!(
        err.to_string().contains(&format!("merged into {a}")),
        "{err}"
    );
    assert_eq!(r.resolve(b), Some(a));
}

#[test]
fn unmerge_gives_each_customer_its_own_back() {
    let mut r = registry();
    let a = r.ingest(key("crm", "1"), at(1), jose()).unwrap().golden;
    let b = r
        .ingest(
            key("erp", "1"),
            at(2),
            person("Ana", "Ruiz", "ana@ruiz.es", "", ""),
        )
        .unwrap()
        .golden;
    let alone = r.golden(a).unwrap();
    r.merge(a, b).unwrap();
    assert_eq!(r.golden_count(), 1);
    assert_eq!(r.golden(a).unwrap().sources.len(), 2);
    let back = r.unmerge(&key("erp", "1")).unwrap();
    assert_eq!(back, b, "the retired id comes back");
    assert_eq!(r.golden(a).unwrap(), alone);
    assert_eq!(r.resolve(b), Some(b));
    assert_eq!(r.golden_of(&key("erp", "1")), Some(b));
    // Removing the last record of a customer ends it.
    assert_eq!(r.remove(&key("erp", "1")).unwrap(), (b, true));
    assert_eq!(r.resolve(b), None);
    assert_eq!(r.golden_count(), 1);
}

#[test]
fn survivorship_follows_its_configuration() {
    let options = Options::new(Some(Country::AR), time::macros::date!(2026 - 11 - 23));
    let member = |system: &str, day: u32, record: Record| {
        Member::new(key(system, "1"), at(day), &standardize(&record, &options))
    };
    let mut typo = jose();
    typo.national_id = Some("20-12345678-7".into()); // wrong check digit
    typo.email = Some("jose@empresa.com.ar".into());
    let a = member("crm", 1, jose());
    let b = member("web", 9, typo.clone());
    let c = member("erp", 5, jose());
    let golden = survive([&a, &b, &c], &Survivorship::default());
    // Validated beats the newer typo; most recent email.
    assert_eq!(golden.record.national_id.as_deref(), Some("20-12345678-6"));
    assert_eq!(
        golden.lineage_of(GoldenField::NationalId).unwrap().decided,
        Decided::Criterion(Criterion::Validated)
    );
    assert_eq!(golden.record.email.as_deref(), Some("jose@empresa.com.ar"));
    assert_eq!(golden.emails.len(), 2);
    let shared = golden
        .emails
        .iter()
        .find(|e| e.value == "jose.garcia@gmail.com")
        .unwrap();
    assert_eq!(shared.sources, vec![key("crm", "1"), key("erp", "1")]);
    // Trusted source first.
    let config: Survivorship = serde_json::from_str(
        r#"{"source_priority": ["erp", "crm"], "default": ["source_priority", "most_recent"]}"#,
    )
    .unwrap();
    config.validate().unwrap();
    let golden = survive([&b, &a, &c], &config);
    assert_eq!(
        golden.lineage_of(GoldenField::Email).unwrap().source,
        key("erp", "1")
    );
    // Conflicting configurations are refused, naming the chain.
    for (json, says) in [
        (r#"{"default": []}"#, "survivorship.default"),
        (
            r#"{"fields": {"email": ["most_recent", "most_recent"]}}"#,
            "survivorship.fields.email",
        ),
        (r#"{"default": ["source_priority"]}"#, "source_priority"),
        (
            r#"{"source_priority": ["crm", "crm"], "default": ["source_priority"]}"#,
            "listed twice",
        ),
    ] {
        let config: Survivorship = serde_json::from_str(json).unwrap();
        let err = config.validate().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains(says), "{err}");
    }
    assert!(serde_json::from_str::<Survivorship>(r#"{"fields": {"shoe_size": []}}"#).is_err());
    assert!(serde_json::from_str::<Survivorship>(r#"{"default": ["newest"]}"#).is_err());
}

fn arb_record() -> impl Strategy<Value = Record> {
    let given = prop::sample::select(vec!["José", "Pepe", "Ana", "María José", ""]);
    let surname = prop::sample::select(vec!["García", "García Pérez", "Ruiz", ""]);
    let email = prop::sample::select(vec![
        "jose@gmail.com",
        "j.garcia@gmail.com",
        "ana@ruiz.es",
        "bad@@mail",
        "",
    ]);
    let phone = prop::sample::select(vec!["011 15-2345-6789", "+34 612 345 678", "12", ""]);
    let id = prop::sample::select(vec!["20-12345678-6", "20-12345678-7", "12345678Z", ""]);
    let street = prop::sample::select(vec!["Av. Corrientes 1234", "C/ Mayor 5, 2º B", ""]);
    (given, surname, email, phone, id, street).prop_map(|(g, s, e, p, i, st)| {
        let mut r = person(g, s, e, p, i);
        r.street = (!st.is_empty()).then(|| st.to_string());
        r
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Merge order never changes the golden record, and taking a member out
    /// gives what the others make alone.
    #[test]
    fn golden_records_do_not_depend_on_order(
        records in prop::collection::vec((arb_record(), 0u32..5), 1..6),
        seed in any::<u64>(),
    ) {
        let options = Options::new(Some(Country::AR), time::macros::date!(2026 - 11 - 23));
        let members: Vec<Member> = records
            .iter()
            .enumerate()
            .map(|(i, (r, day))| {
                Member::new(key(["crm", "erp"][i % 2], &i.to_string()), at(*day), &standardize(r, &options))
            })
            .collect();
        let config = Survivorship::default();
        let golden = survive(&members, &config);
        let mut shuffled: Vec<&Member> = members.iter().collect();
        let n = shuffled.len();
        for i in 0..n {
            shuffled.swap(i, (seed as usize).wrapping_add(i * 7) % n);
        }
        prop_assert_eq!(&survive(shuffled.iter().copied(), &config), &golden);
        // Every distinct email of any member is kept.
        let emails: HashSet<&str> = members.iter().filter_map(|m| m.record.email.as_deref()).collect();
        prop_assert_eq!(golden.emails.len(), emails.len());
    }

    /// Through the registry: customers merged in any order make the same golden
    /// record, and unmerging one record restores what the others make without it.
    #[test]
    fn merge_order_and_unmerge(
        records in prop::collection::vec((arb_record(), 0u32..5), 2..6),
        order in prop::collection::vec(any::<prop::sample::Index>(), 8),
        out in any::<prop::sample::Index>(),
    ) {
        let build = |merge_order: &[usize]| {
            let mut r = registry();
            let ids: Vec<GoldenId> = records
                .iter()
                .enumerate()
                .map(|(i, (rec, day))| {
                    // Distinct names: each record its own customer at first.
                    let mut rec = rec.clone();
                    rec.company = Some(format!("Empresa {i}"));
                    r.ingest(key("crm", &i.to_string()), at(*day), rec).unwrap().golden
                })
                .collect();
            for &i in merge_order {
                let (a, b) = (r.resolve(ids[0]).unwrap(), r.resolve(ids[i]).unwrap());
                if a != b {
                    r.merge(a, b).unwrap();
                }
            }
            (r, ids)
        };
        let n = records.len();
        let forward: Vec<usize> = (1..n).collect();
        let mut shuffled: Vec<usize> = order.iter().map(|ix| ix.index(n)).filter(|&i| i > 0).collect();
        shuffled.extend(1..n);
        let (mut one, ids) = build(&forward);
        let (two, _) = build(&shuffled);
        let g1 = one.resolve(ids[0]).unwrap();
        let g2 = two.resolve(ids[0]).unwrap();
        prop_assert_eq!(one.golden_count(), 1);
        prop_assert_eq!(one.golden(g1), two.golden(g2));
        // Unmerge one record: the rest is what they make alone.
        let leaving = key("crm", &out.index(n).to_string());
        let back = one.unmerge(&leaving).unwrap();
        let rest = one.golden_ids().find(|&g| g != back).unwrap();
        let others: Vec<Member> = (0..n)
            .filter(|&i| i != out.index(n))
            .map(|i| one.source(&key("crm", &i.to_string())).unwrap().1.clone())
            .collect();
        prop_assert_eq!(one.golden(rest).unwrap(), survive(&others, &Survivorship::default()));
        let alone = one.source(&leaving).unwrap().1.clone();
        prop_assert_eq!(one.golden(back).unwrap(), survive([&alone], &Survivorship::default()));
    }
}

/// dupes_es arriving one record at a time through `ingest`: pairwise accuracy
/// against the truth, the same bars as batch deduplication.
#[test]
fn dupes_es_at_the_point_of_entry() {
    let path = format!("{}/tests/data/dupes_es.csv", env!("CARGO_MANIFEST_DIR"));
    let export = read_csv(File::open(&path).unwrap(), &[]).unwrap();
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let cluster_col = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "cluster_id")
        .unwrap();
    let truth_cluster: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[cluster_col].to_string())
        .collect();
    let mut r = Registry::new(RegistryConfig::default()).unwrap();
    let mut reviews = 0;
    for (i, (id, record)) in export.ids.iter().zip(&export.records).enumerate() {
        let out = r
            .ingest(key("dupes", id), at(i as u32 / 100), record.clone())
            .unwrap();
        reviews += usize::from(out.decision == IngestDecision::Review);
    }
    let pairs = |label: &dyn Fn(usize) -> String| {
        let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
        for i in 0..export.ids.len() {
            groups.entry(label(i)).or_default().push(i);
        }
        let mut out = HashSet::new();
        for g in groups.values() {
            for (k, &a) in g.iter().enumerate() {
                for &b in &g[k + 1..] {
                    out.insert((a, b));
                }
            }
        }
        out
    };
    let truth = pairs(&|i| truth_cluster[i].clone());
    let found = pairs(&|i| {
        r.golden_of(&key("dupes", &export.ids[i]))
            .unwrap()
            .to_string()
    });
    let tp = found.intersection(&truth).count() as f64;
    let precision = tp / found.len().max(1) as f64;
    let recall = tp / truth.len() as f64;
    let f1 = 2.0 * precision * recall / (precision + recall);
    println!(
        "dupes_es by ingest: {} golden, {reviews} reviews, precision {precision:.4}, recall {recall:.4}, F1 {f1:.4}",
        r.golden_count()
    );
    assert!(precision >= 0.99, "precision {precision:.4}");
    assert!(f1 >= 0.97, "F1 {f1:.4}");
}

/// The blocking limits: each at least 2, refused by name otherwise; read from
/// and written to the JSON configuration.
#[test]
fn blocking_limits_are_checked_and_round_trip() {
    use ciclo::json::consolidation::{
        consolidation_config_from_json, consolidation_config_to_json,
    };
    for (max_block, refine_block, field) in [
        (1, 24, "matching.max_block"),
        (200, 1, "matching.refine_block"),
    ] {
        let config = RegistryConfig {
            max_block,
            refine_block,
            ..RegistryConfig::default()
        };
        let err = Registry::new(config).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{err}");
        assert!(err.to_string().contains(field), "{err}");
    }
    let config =
        consolidation_config_from_json(r#"{"max_block": 100, "refine_block": 12}"#).unwrap();
    assert_eq!((config.max_block, config.refine_block), (100, 12));
    let again = consolidation_config_from_json(&consolidation_config_to_json(&config)).unwrap();
    assert_eq!(again, config);
}
