use std::collections::{BTreeMap, HashSet};

use super::generator::{
    cuit, days_in_month, dni_millions, drop_accents, fold_word, group_thousands, nickname,
    strip_particles, DNI_LETTERS,
};
use super::*;
use crate::standardize::{ids, phone, standardize, Country, Options, Severity};

fn today() -> time::Date {
    time::macros::date!(2026 - 01 - 01)
}

#[test]
fn same_seed_same_records() {
    let options = SyntheticOptions::new(3_000, 42);
    let a = generate(&options);
    let b = generate(&options);
    assert_eq!(a, b);
    let c = generate(&SyntheticOptions::new(3_000, 43));
    assert_ne!(a.records, c.records);
}

#[test]
fn streaming_and_collecting_agree() {
    let options = SyntheticOptions::new(1_000, 5);
    let data = generate(&options);
    let mut generator = Generator::new(&options);
    assert_eq!(generator.len(), 1_000);
    let first = generator.next().unwrap();
    assert_eq!(generator.len(), 999);
    assert_eq!(first.record, data.records[0]);
    let rest: Vec<SyntheticRecord> = generator.collect();
    assert_eq!(rest.len(), 999);
    assert_eq!(rest[998].record, data.records[999]);
    assert_eq!(rest[998].cluster, data.cluster[999]);
}

#[test]
fn truth_sizes_follow_the_duplicate_share() {
    for (records, share) in [
        (0, 0.15),
        (1, 0.15),
        (10, 0.5),
        (1_000, 0.0),
        (1_000, 0.15),
        (2_345, 0.3),
        (5_000, 0.75),
        (20_000, 0.15),
    ] {
        let mut options = SyntheticOptions::new(records, 9);
        options.duplicate_share = share;
        let data = generate(&options);
        let copies = (records as f64 * share).round() as usize;
        assert_eq!(data.len(), records);
        assert_eq!(data.duplicates(), copies, "{records} at {share}");
        assert_eq!(data.persons(), records - copies, "{records} at {share}");
        // People are numbered in the order of their first record, and every
        // duplicate follows its person's first record.
        let mut next = 0;
        for (&c, &o) in data.cluster.iter().zip(&data.origin) {
            if o == Origin::Duplicate {
                assert!(c < next);
            } else {
                assert_eq!(c, next);
                next += 1;
            }
        }
        // One to three copies per duplicated person.
        let mut sizes: BTreeMap<u32, usize> = BTreeMap::new();
        for &c in &data.cluster {
            *sizes.entry(c).or_default() += 1;
        }
        assert!(sizes.values().all(|&n| (1..=4).contains(&n)));
    }
}

#[test]
fn mix_of_people() {
    let data = generate(&SyntheticOptions::new(20_000, 3));
    let count = |o: Origin| data.origin.iter().filter(|&&x| x == o).count() as f64;
    let persons = data.persons() as f64;
    let household = count(Origin::Household) / persons;
    let namesakes = count(Origin::Namesake) / persons;
    assert!((0.06..0.10).contains(&household), "{household}");
    assert!((0.01..0.03).contains(&namesakes), "{namesakes}");
    let spanish = data
        .records
        .iter()
        .filter(|r| matches!(r.country.as_deref(), Some("ES" | "España" | "Spain")))
        .count() as f64;
    let with_country = data.records.iter().filter(|r| r.country.is_some()).count() as f64;
    assert!((0.47..0.53).contains(&(spanish / with_country)));
}

#[test]
fn originals_have_valid_identifiers_and_phones() {
    let data = generate(&SyntheticOptions::new(20_000, 11));
    let mut checked = (0, 0);
    for (r, &o) in data.records.iter().zip(&data.origin) {
        if o == Origin::Duplicate {
            continue;
        }
        let country = match r.country.as_deref() {
            Some("AR" | "Argentina") => Country::AR,
            Some(_) => Country::ES,
            None => continue,
        };
        if let Some(id) = &r.national_id {
            let parsed = ids::detect(id, Some(country));
            assert!(parsed.is_ok(), "{id}: {parsed:?}");
            checked.0 += 1;
        }
        if let Some(p) = &r.phone {
            let parsed = phone::parse(p, country);
            assert!(parsed.is_ok(), "{p}: {parsed:?}");
            checked.1 += 1;
        }
    }
    assert!(checked.0 > 10_000 && checked.1 > 10_000, "{checked:?}");
}

#[test]
fn check_digits() {
    // The example of the ids module: 20-12345678-6.
    assert_eq!(cuit(20, 12_345_678), (20, 6));
    for dni in (1_000_000..50_000_000).step_by(999_983) {
        for prefix in [20, 27] {
            let (p, c) = cuit(prefix, dni);
            let text = format!("{p}{dni:08}{c}");
            let id = ids::normalize(ids::IdKind::ArCuit, &text).unwrap();
            assert_eq!(id.person_number(), Some(dni.to_string().as_str()));
        }
    }
    for n in (0..99_999_999).step_by(1_234_567) {
        let letter = char::from(DNI_LETTERS[(n % 23) as usize]);
        assert!(ids::normalize(ids::IdKind::EsDni, &format!("{n:08}{letter}")).is_ok());
    }
}

#[test]
fn a_wrong_digit_breaks_the_check() {
    let mut g = Generator::new(&SyntheticOptions::new(10, 1));
    let mut broken = 0;
    for n in 0..1_000u32 {
        let id = format!(
            "{:08}{}",
            n * 7919,
            char::from(DNI_LETTERS[(n * 7919 % 23) as usize])
        );
        let wrong = g.wrong_digit(&id);
        assert_ne!(wrong, id);
        assert_eq!(wrong.len(), id.len());
        broken += usize::from(ids::normalize(ids::IdKind::EsDni, &wrong).is_err());
    }
    // A DNI letter catches every single wrong digit.
    assert_eq!(broken, 1_000);
}

#[test]
fn originals_standardise_cleanly() {
    let data = generate(&SyntheticOptions::new(5_000, 21));
    let options = Options::new(None, today());
    let mut problems: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut originals = 0;
    for (r, &o) in data.records.iter().zip(&data.origin) {
        if o == Origin::Duplicate {
            continue;
        }
        originals += 1;
        for f in standardize(r, &options).findings {
            if f.problem.severity != Severity::Info {
                *problems.entry(f.problem.code).or_default() += 1;
            }
        }
    }
    // Originals are clean but for what people really type: a mobile written
    // without its 9 is a landline to the parser, and a record without a
    // country has nothing to read a domestic phone by.
    let total: usize = problems.values().sum();
    assert!(
        total * 100 < originals,
        "{total} problems in {originals} originals: {problems:?}"
    );
}

#[test]
fn duplicates_are_corrupted() {
    let data = generate(&SyntheticOptions::new(20_000, 8));
    let mut first: BTreeMap<u32, &Record> = BTreeMap::new();
    let mut same = 0;
    let mut copies = 0;
    let mut nicknames = 0;
    let mut upper = 0;
    for (i, r) in data.records.iter().enumerate() {
        match first.get(&data.cluster[i]) {
            None => {
                first.insert(data.cluster[i], r);
            }
            Some(&orig) => {
                copies += 1;
                same += usize::from(orig == r);
                let given = r.given_name.as_deref().unwrap_or("");
                nicknames += usize::from(tables::NICKNAMES.iter().any(|(_, n)| n.contains(&given)));
                upper += usize::from(
                    given.chars().count() > 3 && given.chars().all(|c| !c.is_lowercase()),
                );
            }
        }
    }
    assert_eq!(copies, 3_000);
    assert_eq!(same, 0);
    assert!(nicknames > 50, "{nicknames}");
    assert!(upper > 100, "{upper}");
}

#[test]
fn households_share_an_address() {
    let data = generate(&SyntheticOptions::new(20_000, 8));
    let streets: HashSet<(&str, &str)> = data
        .records
        .iter()
        .zip(&data.origin)
        .filter(|(_, &o)| o == Origin::Person)
        .filter_map(|(r, _)| Some((r.postal_code.as_deref()?, r.street.as_deref()?)))
        .collect();
    let household: Vec<&Record> = data
        .records
        .iter()
        .zip(&data.origin)
        .filter(|(_, &o)| o == Origin::Household)
        .map(|(r, _)| r)
        .collect();
    assert!(household.len() > 500);
    // Written independently, the address often differs in form (`Av.` or
    // `Avenida`, CPA or four digits), but the same house number is there.
    let numbers: HashSet<String> = streets
        .iter()
        .filter_map(|(_, s)| s.split([' ', ',']).find(|w| w.parse::<u32>().is_ok()))
        .map(str::to_string)
        .collect();
    let shared = household
        .iter()
        .filter_map(|r| r.street.as_deref())
        .filter(|s| {
            s.split([' ', ','])
                .find(|w| w.parse::<u32>().is_ok())
                .is_some_and(|n| numbers.contains(n))
        })
        .count();
    assert!(
        shared * 10 > household.len() * 9,
        "{shared} of {}",
        household.len()
    );
}

#[test]
fn pair_counts_of_groupings() {
    let truth = [0, 0, 1, 1, 1, 2];
    let all_apart = [0, 1, 2, 3, 4, 5];
    let c = pair_counts(&truth, &all_apart);
    assert_eq!((c.true_pairs, c.found_pairs, c.correct_pairs), (4, 0, 0));
    assert_eq!((c.precision(), c.recall(), c.f1()), (1.0, 0.0, 0.0));
    let all_together = [7; 6];
    let c = pair_counts(&truth, &all_together);
    assert_eq!((c.true_pairs, c.found_pairs, c.correct_pairs), (4, 15, 4));
    assert_eq!(c.recall(), 1.0);
    let c = pair_counts(&[], &[]);
    assert_eq!(c.f1(), 1.0);
}

#[test]
#[should_panic(expected = "duplicate_share")]
fn too_many_duplicates() {
    let mut options = SyntheticOptions::new(10, 0);
    options.duplicate_share = 0.8;
    Generator::new(&options);
}

#[test]
fn helpers() {
    assert_eq!(group_thousands(30_123_456), "30.123.456");
    assert_eq!(group_thousands(7_123_456), "7.123.456");
    assert_eq!(strip_particles("de la Fuente"), "Fuente");
    assert_eq!(strip_particles("del Río"), "Río");
    assert_eq!(fold_word("Muñoz"), "munoz");
    assert_eq!(fold_word("D'Angelo"), "dangelo");
    assert_eq!(drop_accents("ÁLVAREZ Núñez"), "ALVAREZ Nunez");
    assert_eq!(
        nickname("Francisco Javier"),
        Some(&["Paco", "Pancho", "Curro", "Fran"][..])
    );
    assert_eq!(nickname("Juan José"), Some(&["Juanjo"][..]));
    assert_eq!(nickname("Zoe"), None);
    assert_eq!(days_in_month(2000, 2), 29);
    assert_eq!(days_in_month(1900, 2), 28);
    assert!((dni_millions(1985) - 31.0).abs() < 0.01);
}
