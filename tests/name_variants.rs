//! Given names across languages and nicknames, as matching reads them: one
//! person's name in another form or a nickname is one name; two people's
//! distinct names are not, even when a nickname table links them through a
//! third name (issue 15's review: spouses and siblings at one address).

use ciclo::consolidation::matching::{Decision, Field, MatchModel};
use ciclo::model::Record;
use ciclo::standardize::Options;

/// A record of a household: everything shared but the given name, no birth
/// date or identifier to tell its members apart.
fn household(given: &str) -> Record {
    Record {
        given_name: Some(given.into()),
        surname: Some("Nguyen".into()),
        email: Some("nguyen.family@gmail.com".into()),
        phone: Some("+1 415 555 0134".into()),
        street: Some("1200 Irving St".into()),
        locality: Some("San Francisco".into()),
        postal_code: Some("94122".into()),
        country: Some("US".into()),
        ..Record::default()
    }
}

fn given_level(a: &str, b: &str) -> (Option<&'static str>, Decision) {
    let model = MatchModel::default();
    let options = Options::new(None, time::macros::date!(2026 - 11 - 23));
    let s = model
        .score_records(&household(a), &household(b), &options)
        .unwrap();
    (s.level(Field::GivenName), model.decide(&s))
}

#[test]
fn one_name_in_other_forms_and_nicknames() {
    for (a, b) in [
        ("Harry", "Henry"),
        ("Jack", "John"),
        ("Jim", "James"),
        ("Bill", "William"),
        ("Bill", "Will"),
        ("Ned", "Edward"),
        ("Bob", "Robert"),
        ("Gwilym", "William"),
        ("Ian", "John"),
        ("Guillem", "Guillermo"),
        ("Jordi", "Jorge"),
        ("Iñaki", "Ignacio"),
        ("Pep", "José"),
        ("Pepe", "Joseph"),
        ("Peggy", "Margarita"),
        ("Seán", "John"),
        ("Eoin", "Juan"),
        ("Séamus", "James"),
        ("Hamish", "Jaime"),
        ("Liam", "William"),
        ("Dafydd", "David"),
        ("Topher", "Christopher"),
    ] {
        assert_eq!(given_level(a, b).0, Some("nickname"), "{a} {b}");
    }
}

/// (Names a letter or two apart, `Joan` and `John`, `Louise` and `Louis`, are
/// still read as typos of each other: the comparison knows no genders.)
#[test]
fn distinct_names_stay_apart() {
    for (a, b) in [
        ("Jane", "John"),
        ("Peter", "Patrick"),
        ("Hannah", "Susan"),
        ("Ellen", "Eleanor"),
        ("Sean", "Ian"),
        ("Evan", "Sean"),
        ("Jack", "Ian"),
        ("Seán", "Iain"),
        ("Seán", "Eoin"),
        ("Siobhán", "Sinéad"),
        ("Sinéad", "Siân"),
        ("Séamus", "Hamish"),
        ("Liam", "Hamish"),
        ("Tam", "Thomas"),
        ("Tuan", "Minh"),
        ("Son", "Minh"),
        ("N.", "Minh"),
        ("Nena", "Minh"),
    ] {
        let (level, decision) = given_level(a, b);
        assert_eq!(level, Some("different"), "{a} {b}");
        assert_ne!(decision, Decision::Merge, "{a} {b}");
    }
}

#[test]
fn placeholders_are_no_given_name() {
    for placeholder in ["Resident", "Baby", "Girl", "Unknown", "N.N.", "Sir"] {
        assert_eq!(given_level(placeholder, "Minh").0, None, "{placeholder}");
    }
}
