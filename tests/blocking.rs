//! Postal codes as matching compares them and as the blocking keys carry
//! them: a code is one value whether typed with or without its space, in any
//! case, or as a ZIP+4.

use ciclo::consolidation::matching::{blocking_keys, Field, MatchModel, Profile};
use ciclo::model::Record;
use ciclo::standardize::{standardize, Options};

fn options() -> Options {
    Options::new(None, time::macros::date!(2026 - 11 - 23))
}

fn person(given: Option<&str>, postal_code: &str) -> Record {
    Record {
        given_name: given.map(Into::into),
        surname: Some("Thompson".into()),
        locality: Some("Bradford".into()),
        postal_code: Some(postal_code.into()),
        ..Record::default()
    }
}

fn keys(record: &Record) -> Vec<String> {
    let profile = Profile::new(&standardize(record, &options()));
    blocking_keys(&profile)
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn shared(a: &Record, b: &Record) -> Vec<String> {
    let kb = keys(b);
    keys(a).into_iter().filter(|k| kb.contains(k)).collect()
}

fn area_level(a: &Record, b: &Record) -> Option<&'static str> {
    MatchModel::default()
        .score_records(a, b, &options())
        .unwrap()
        .level(Field::Area)
}

#[test]
fn a_postal_code_is_one_value_with_or_without_its_space() {
    for (x, y) in [
        ("BD12 8NR", "BD128NR"),
        ("bd12 8nr", "BD12 8NR"),
        ("SW1A 1AA", "sw1a1aa"),
        ("K1A 0B1", "K1A0B1"),
        ("19138-7395", "19138"),
        ("191387395", "19138"),
    ] {
        let (a, b) = (person(Some("Julie"), x), person(Some("Julie"), y));
        assert_eq!(area_level(&a, &b), Some("both"), "{x} {y}");
        assert!(
            shared(&a, &b).iter().any(|k| k.starts_with("postal:")),
            "{x} {y}: {:?}",
            shared(&a, &b)
        );
    }
    // A code in other digits (full-width, as Japanese input types them) is
    // still a code.
    let (a, b) = (
        person(Some("Julie"), "１００−０００１"),
        person(Some("Julie"), "１００ ０００１"),
    );
    assert_eq!(area_level(&a, &b), Some("both"));
    // Other codes stay other codes.
    let (a, b) = (
        person(Some("Julie"), "BD12 8NR"),
        person(Some("Julie"), "BD12 8NS"),
    );
    assert_ne!(area_level(&a, &b), Some("both"));
}

#[test]
fn a_code_without_letters_or_digits_is_no_code() {
    let (a, b) = (person(Some("Julie"), "-"), person(Some("Julie"), " - "));
    assert!(
        keys(&a).iter().all(|k| !k.starts_with("postal")),
        "{:?}",
        keys(&a)
    );
    // The localities alone are compared.
    assert_eq!(area_level(&a, &b), Some("locality"));
}
