//! The comparators: how alike two profiles are, field by field, as a level.
//!
//! Each comparator gives the index of the first level that holds, from the most
//! alike to [`Field::levels`]' last (`different`), or `None` when either side has
//! no value (a missing value is no evidence either way). The string measures are
//! those of `strsim`: Jaro-Winkler for names, optimal string alignment (Damerau-
//! Levenshtein without repeated edits of one substring) for digits and typos.

use strsim::{jaro_winkler, osa_distance};

use super::phonetic;
use super::profile::Profile;

/// A field compared between two records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// Given names: accent-folded, nickname-aware.
    GivenName,
    /// Surnames: order-insensitive, one surname dropped, typos, sounds.
    Surname,
    /// Birth date: day and month swapped, one or two digits mistyped.
    BirthDate,
    /// National identifier: a CUIT and the DNI inside it are equal.
    NationalId,
    /// Email, by its provider-aware key.
    Email,
    /// Any phone of one record against any phone of the other.
    Phone,
    /// Street and house number.
    Street,
    /// Postal code and locality.
    Area,
    /// Company name.
    Company,
}

/// Every field, in the order scores list them.
pub const FIELDS: [Field; 9] = [
    Field::GivenName,
    Field::Surname,
    Field::BirthDate,
    Field::NationalId,
    Field::Email,
    Field::Phone,
    Field::Street,
    Field::Area,
    Field::Company,
];

impl Field {
    /// The field's name in configuration and explanations (`given_name`).
    pub fn name(self) -> &'static str {
        match self {
            Field::GivenName => "given_name",
            Field::Surname => "surname",
            Field::BirthDate => "birth_date",
            Field::NationalId => "national_id",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Street => "street",
            Field::Area => "area",
            Field::Company => "company",
        }
    }

    /// The field named `name`.
    pub fn from_name(name: &str) -> Option<Field> {
        FIELDS.into_iter().find(|f| f.name() == name)
    }

    /// The comparison levels, most alike first; the last is always `different`.
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Field::GivenName => &["exact", "nickname", "fuzzy", "initial", "different"],
            Field::Surname => &[
                "exact",
                "swapped",
                "one_in_common",
                "fuzzy",
                "phonetic",
                "different",
            ],
            Field::BirthDate => &[
                "exact",
                "day_month_swapped",
                "one_typo",
                "two_typos",
                "different",
            ],
            Field::NationalId => &["exact", "one_typo", "two_typos", "unverified", "different"],
            Field::Email => &["exact", "same_user", "fuzzy", "different"],
            Field::Phone => &["exact", "last_digits", "different"],
            Field::Street => &["exact", "fuzzy", "same_street", "different"],
            Field::Area => &[
                "both",
                "postal_code",
                "locality",
                "postal_typo",
                "different",
            ],
            Field::Company => &["exact", "fuzzy", "different"],
        }
    }

    /// The index of the level named `name`.
    pub fn level_index(self, name: &str) -> Option<u8> {
        self.levels()
            .iter()
            .position(|l| *l == name)
            .map(|i| i as u8)
    }

    /// Compares the field of two profiles.
    pub fn compare(self, a: &Profile, b: &Profile) -> Option<u8> {
        match self {
            Field::GivenName => {
                given_names(&a.given, &a.given_readings, &b.given, &b.given_readings)
            }
            Field::Surname => surnames(&a.surnames, &b.surnames),
            Field::BirthDate => birth_dates(a.birth.as_deref()?, b.birth.as_deref()?),
            Field::NationalId => national_ids(a, b),
            Field::Email => emails(a.email.as_deref()?, b.email.as_deref()?),
            Field::Phone => phones(&a.phones, &b.phones),
            Field::Street => streets(a, b),
            Field::Area => areas(a, b),
            Field::Company => companies(a.company.as_deref()?, b.company.as_deref()?),
        }
    }
}

/// Given names, as folded words and nickname readings.
pub(crate) fn given_names(
    a: &[String],
    a_readings: &[String],
    b: &[String],
    b_readings: &[String],
) -> Option<u8> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if a == b {
        return Some(0);
    }
    let shared_reading = a_readings.iter().any(|r| b_readings.contains(r));
    // One given name dropped: `maria jose` and `maria`.
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let dropped = short.iter().all(|w| w.len() > 1 && long.contains(w));
    if shared_reading || dropped {
        return Some(1);
    }
    let a_joined = a.join(" ");
    let b_joined = b.join(" ");
    if jaro_winkler(&a_joined, &b_joined) >= 0.92 || jaro_winkler(&a[0], &b[0]) >= 0.94 {
        return Some(2);
    }
    let initial = |x: &[String], y: &[String]| x[0].len() == 1 && y[0].starts_with(&x[0]);
    if initial(a, b) || initial(b, a) || jaro_winkler(&a_joined, &b_joined) >= 0.85 {
        return Some(3);
    }
    Some(4)
}

/// Surname keys, in order.
pub(crate) fn surnames(a: &[String], b: &[String]) -> Option<u8> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if a == b {
        return Some(0);
    }
    if a.len() == b.len() && a.iter().all(|s| b.contains(s)) && b.iter().all(|s| a.contains(s)) {
        return Some(1);
    }
    if a.iter().any(|s| b.contains(s)) {
        return Some(2);
    }
    let joined = |x: &[String]| x.concat();
    if jaro_winkler(&joined(a), &joined(b)) >= 0.92
        || a.iter()
            .any(|x| b.iter().any(|y| jaro_winkler(x, y) >= 0.94))
    {
        return Some(3);
    }
    let sounds = |x: &[String]| x.iter().map(|s| phonetic::spanish(s)).collect::<Vec<_>>();
    let (sa, sb) = (sounds(a), sounds(b));
    if sa.iter().any(|s| !s.is_empty() && sb.contains(s)) {
        return Some(4);
    }
    Some(5)
}

/// Birth dates as eight digits, `yyyymmdd`.
pub(crate) fn birth_dates(a: &str, b: &str) -> Option<u8> {
    if a == b {
        return Some(0);
    }
    if a.len() == 8 && b.len() == 8 && a[..4] == b[..4] && a[4..6] == b[6..8] && a[6..8] == b[4..6]
    {
        return Some(1);
    }
    match osa_distance(a, b) {
        1 => Some(2),
        2 => Some(3),
        _ => Some(4),
    }
}

fn national_ids(a: &Profile, b: &Profile) -> Option<u8> {
    let (x, y) = (a.national_id.as_deref()?, b.national_id.as_deref()?);
    if x == y {
        return Some(0);
    }
    match osa_distance(x, y) {
        1 => return Some(1),
        // Two copies of one record, each with its own typo; Argentine DNIs have
        // no check digit to catch them.
        2 if x.len() == y.len() => return Some(2),
        _ => {}
    }
    // Two different identifiers that both validated name two different holders;
    // an identifier that failed its checks may just be badly typed.
    if a.national_id_valid && b.national_id_valid {
        Some(4)
    } else {
        Some(3)
    }
}

fn emails(a: &str, b: &str) -> Option<u8> {
    if a == b {
        return Some(0);
    }
    let local = |e: &str| e.split_once('@').map_or(e, |(l, _)| l).to_string();
    let (la, lb) = (local(a), local(b));
    if la == lb && la.len() >= 4 {
        return Some(1);
    }
    // The distance is at least the difference in length: most pairs are ruled
    // out without computing it.
    if a.len().abs_diff(b.len()) <= 2 && osa_distance(a, b) <= 2 {
        return Some(2);
    }
    Some(3)
}

fn phones(a: &[String], b: &[String]) -> Option<u8> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if a.iter().any(|p| b.contains(p)) {
        return Some(0);
    }
    let tail = |p: &str| p[p.len().saturating_sub(8)..].to_string();
    if a.iter().any(|p| b.iter().any(|q| tail(p) == tail(q))) {
        return Some(1);
    }
    Some(2)
}

fn streets(a: &Profile, b: &Profile) -> Option<u8> {
    let (sa, sb) = (a.street.as_deref()?, b.street.as_deref()?);
    let same_number = match (&a.number, &b.number) {
        (Some(x), Some(y)) => Some(x == y),
        _ => None,
    };
    let same_name = sa == sb;
    let near_name = same_name || jaro_winkler(sa, sb) >= 0.9;
    Some(match (same_name, near_name, same_number) {
        (true, _, Some(true)) => 0,
        (_, true, Some(true)) => 1,
        (_, true, _) => 2,
        _ => 3,
    })
}

fn areas(a: &Profile, b: &Profile) -> Option<u8> {
    let postal = match (&a.postal_code, &b.postal_code) {
        (Some(x), Some(y)) => Some(if x == y {
            0
        } else if osa_distance(x, y) == 1 {
            1
        } else {
            2
        }),
        _ => None,
    };
    let locality = match (&a.locality, &b.locality) {
        (Some(x), Some(y)) => Some(x == y || jaro_winkler(x, y) >= 0.92),
        _ => None,
    };
    match (postal, locality) {
        (None, None) => None,
        (Some(0), Some(true)) => Some(0),
        (Some(0), _) => Some(1),
        (_, Some(true)) => Some(2),
        (Some(1), _) => Some(3),
        _ => Some(4),
    }
}

fn companies(a: &str, b: &str) -> Option<u8> {
    if a == b {
        return Some(0);
    }
    if jaro_winkler(a, b) >= 0.92 {
        return Some(1);
    }
    Some(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn every_field_ends_with_different() {
        for f in FIELDS {
            assert_eq!(f.levels().last(), Some(&"different"), "{f:?}");
            assert_eq!(Field::from_name(f.name()), Some(f));
        }
    }

    #[test]
    fn given_name_levels() {
        let g = |a: &str, ar: &[&str], b: &str, br: &[&str]| {
            let r = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            given_names(&words(a), &r(ar), &words(b), &r(br))
        };
        assert_eq!(g("jose", &["jose"], "jose", &["jose"]), Some(0));
        assert_eq!(g("pepe", &["jose"], "jose", &["jose"]), Some(1));
        assert_eq!(
            g("maria jose", &["maria jose"], "maria", &["maria"]),
            Some(1)
        );
        assert_eq!(
            g("mauricio", &["mauricio"], "maurico", &["maurico"]),
            Some(2)
        );
        assert_eq!(g("j", &["j"], "juan", &["juan"]), Some(3));
        assert_eq!(g("ana", &["ana"], "pedro", &["pedro"]), Some(4));
    }

    #[test]
    fn surname_levels() {
        let s = |a: &str, b: &str| surnames(&words(a), &words(b));
        assert_eq!(s("garcia lopez", "garcia lopez"), Some(0));
        assert_eq!(s("garcia lopez", "lopez garcia"), Some(1));
        assert_eq!(s("garcia lopez", "garcia"), Some(2));
        assert_eq!(s("fernandez", "fernandes"), Some(3));
        assert_eq!(s("vazquez", "basques"), Some(4));
        assert_eq!(s("sosa", "perez"), Some(5));
    }

    #[test]
    fn birth_date_levels() {
        assert_eq!(birth_dates("19860109", "19860109"), Some(0));
        assert_eq!(birth_dates("19860109", "19860901"), Some(1));
        assert_eq!(birth_dates("19860109", "19860108"), Some(2));
        assert_eq!(birth_dates("19860109", "19680109"), Some(2));
        assert_eq!(birth_dates("19860109", "19870108"), Some(3));
        assert_eq!(birth_dates("19860109", "19520317"), Some(4));
    }
}
