//! The comparators: how alike two profiles are, field by field, as a level.
//!
//! Each comparator gives the index of the first level that holds, from the most
//! alike to [`Field::levels`]' last (`different`), or `None` when either side has
//! no value (a missing value is no evidence either way). The string measures are
//! those of `strsim`: Jaro-Winkler for names, optimal string alignment (Damerau-
//! Levenshtein without repeated edits of one substring) for digits and typos.

use super::profile::{Key, Profile};
use crate::standardize::names::is_misspelt_nickname;

/// A field compared between two records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// Given names: accent-folded, nickname-aware (`fuzzy` takes typos, and
    /// misspelt nicknames such as `Tooo` for `Antonio` between records with
    /// the same birth date).
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

    /// The field's position in [`FIELDS`].
    pub fn index(self) -> usize {
        self as usize
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
            Field::GivenName => given_names(&Names::straight(a), &Names::straight(b)),
            Field::Surname => surnames(&Names::straight(a), &Names::straight(b)),
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

/// A record's names as the name comparators read them, straight or crosswise
/// (surnames read as given names and the other way round), borrowed from a
/// [`Profile`] that computed every part once.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Names<'a> {
    pub given: &'a [Key],
    /// `given` joined with spaces.
    pub given_joined: &'a str,
    pub readings: &'a [Key],
    pub surnames: &'a [Key],
    /// `surnames` joined without spaces.
    pub surnames_concat: &'a str,
    /// The phonetic code of each surname.
    pub sounds: &'a [Key],
    /// The record's birth date, if any.
    pub birth: Option<&'a str>,
    /// Whether the given names hold a nickname only (no reading of their
    /// own).
    pub nickname: bool,
    /// The first word of each reading, without repeats.
    pub firsts: &'a [Key],
    /// Whether [`Names::firsts`] are the readings themselves (one-word
    /// readings, no repeats), so that reading the first words again would
    /// answer as the readings did.
    pub firsts_are_readings: bool,
}

impl<'a> Names<'a> {
    /// The names as typed.
    pub fn straight(p: &'a Profile) -> Names<'a> {
        Names {
            given: &p.given,
            given_joined: &p.derived.given_joined,
            readings: &p.given_readings,
            surnames: &p.surnames,
            surnames_concat: &p.derived.surnames_concat,
            sounds: &p.derived.surname_sounds,
            birth: p.birth.as_deref(),
            nickname: p.derived.given_nickname,
            firsts: &p.derived.given_firsts,
            firsts_are_readings: p.derived.given_firsts_are_readings,
        }
    }

    /// The names read crosswise: the surnames as given names, the given names
    /// as one surname.
    pub fn crossed(p: &'a Profile) -> Names<'a> {
        let d = &p.derived;
        Names {
            given: &p.surnames,
            given_joined: &d.surnames_joined,
            readings: std::slice::from_ref(&d.surnames_joined),
            surnames: std::slice::from_ref(&d.given_concat),
            surnames_concat: &d.given_concat,
            sounds: std::slice::from_ref(&d.given_concat_sound),
            birth: p.birth.as_deref(),
            nickname: false,
            firsts: &p.surnames[..p.surnames.len().min(1)],
            firsts_are_readings: p.surnames.len() == 1,
        }
    }
}

/// Given names, as folded words and nickname readings.
pub(crate) fn given_names(a: &Names<'_>, b: &Names<'_>) -> Option<u8> {
    let (x, y) = (a.given, b.given);
    if x.is_empty() || y.is_empty() {
        return None;
    }
    if x == y {
        return Some(0);
    }
    let shared_reading = one_name(a.readings, a.nickname, b.readings, b.nickname);
    // One given name dropped: `maria jose` and `maria`.
    let (short, long) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    let dropped = short.iter().all(|w| w.len() > 1 && long.contains(w));
    if shared_reading || dropped {
        return Some(1);
    }
    // The first names are one name read through nicknames or languages
    // (`harry james` and `henry`): one name dropped, or the second differs.
    // Read as one name only when the first is a name (not an initial) and
    // the shorter name's other words are all in the longer.
    // (When both sides' first words are their readings, the answer is the
    // readings', which was no.)
    let first_shared = x[0].len() > 1
        && y[0].len() > 1
        && !(a.firsts_are_readings && b.firsts_are_readings)
        && one_name(a.firsts, a.nickname, b.firsts, b.nickname);
    if first_shared && x.len() != y.len() && short[1..].iter().all(|w| long[1..].contains(w)) {
        return Some(1);
    }
    if first_shared && x.len() == y.len() {
        return Some(2);
    }
    let joined = jaro_winkler(a.given_joined, b.given_joined);
    // A one-word name that is a misspelt nickname of the other's name (`tooo`
    // for `antonio`) is as close as a typo, when the two were born the same
    // day: a name missing from the tables one letter from a nickname (`dana`
    // and `dani`) is otherwise as likely a sibling's.
    let same_birth = a.birth.is_some() && a.birth == b.birth;
    let misspelt = |p: &[Key], q: &Names<'_>| {
        same_birth && p.len() == 1 && q.readings.iter().any(|r| is_misspelt_nickname(&p[0], r))
    };
    if joined >= 0.92
        || (x.len() > 1 || y.len() > 1) && jaro_winkler(&x[0], &y[0]) >= 0.94
        || one_typo(a.given_joined, b.given_joined)
        || misspelt(x, b)
        || misspelt(y, a)
    {
        return Some(2);
    }
    let initial = |p: &[Key], q: &[Key]| p[0].len() == 1 && q[0].starts_with(p[0].as_str());
    if initial(x, y) || initial(y, x) || joined >= 0.85 {
        return Some(3);
    }
    Some(4)
}

/// Whether two given names read as one name, by their readings (whole, or
/// the first word of each).
///
/// A name of its own is read first as itself (`ian`, `william` as
/// `guillermo`); its other readings are names it may stand for (`ian` for
/// `juan`). Two names of their own are one name when one's own reading is among
/// the other's readings (`ian` and `john`), not when they merely stand for a
/// third (`ian` and `sean`, both forms of John, are brothers as often as one
/// man). A nickname only (`bill`, `pepe`) has no reading of its own: it is the
/// other's name when it stands for the other's own reading, and another
/// nickname's when the two stand for one name (`bill` and `will`).
fn one_name(a: &[Key], a_nickname: bool, b: &[Key], b_nickname: bool) -> bool {
    fn own(r: &[Key], nickname: bool) -> Option<&Key> {
        if nickname {
            None
        } else {
            r.first()
        }
    }
    match (own(a, a_nickname), own(b, b_nickname)) {
        (None, None) => a.iter().any(|r| b.contains(r)),
        (x, y) => x.is_some_and(|r| b.contains(r)) || y.is_some_and(|r| a.contains(r)),
    }
}

/// Jaro-Winkler similarity, exactly as [`strsim::jaro_winkler`] computes it,
/// without allocating for ASCII strings of up to 64 bytes (every folded name,
/// street and locality); other strings go to `strsim`.
///
/// Each character of `a` takes the first unmatched equal character of `b`
/// within the window, found in one step from a bit mask of where each byte
/// occurs in `b`.
pub(crate) fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !(a.is_ascii() && b.is_ascii() && x.len() <= 64 && y.len() <= 64) {
        return strsim::jaro_winkler(a, b);
    }
    let (la, lb) = (x.len(), y.len());
    if la == 0 || lb == 0 {
        return if la == lb { 1.0 } else { 0.0 };
    }
    let range = (la.max(lb) / 2).saturating_sub(1);
    let at = positions(y);
    let (mut fa, mut fb) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &c) in x.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = lb.min(i + range + 1);
        if lo >= hi {
            break;
        }
        let window = (u64::MAX >> (64 - (hi - lo))) << lo;
        let free = at[usize::from(c)] & window & !fb;
        if free != 0 {
            fa |= 1 << i;
            fb |= free & free.wrapping_neg();
            matches += 1;
        }
    }
    if matches == 0 {
        return 0.0;
    }
    // The matched characters of each side, in order: those out of place.
    let mut transpositions = 0usize;
    let (mut ra, mut rb) = (fa, fb);
    while ra != 0 {
        let (i, j) = (ra.trailing_zeros() as usize, rb.trailing_zeros() as usize);
        transpositions += usize::from(x[i] != y[j]);
        ra &= ra - 1;
        rb &= rb - 1;
    }
    let m = matches as f64;
    let sim = (m / la as f64 + m / lb as f64 + (matches - transpositions / 2) as f64 / m) / 3.0;
    if sim > 0.7 {
        let prefix = x.iter().zip(y).take(4).take_while(|(p, q)| p == q).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

/// For each ASCII byte, the bit mask of its positions in `text` (at most 64
/// ASCII bytes).
fn positions(text: &[u8]) -> [u64; 128] {
    let mut at = [0u64; 128];
    for (i, &c) in text.iter().enumerate() {
        at[usize::from(c & 0x7f)] |= 1 << i;
    }
    at
}

/// Optimal string alignment distance, exactly as [`strsim::osa_distance`]
/// computes it, without allocating for ASCII strings of up to 64 bytes (dates,
/// identifiers, postal codes, emails); other strings go to `strsim`.
pub(crate) fn osa_distance(a: &str, b: &str) -> usize {
    osa_within(a, b, usize::MAX)
}

/// [`osa_distance`], or any number above `k` when the distance is above `k`
/// (decided at once when the lengths are more than `k` apart).
///
/// ASCII strings of up to 64 bytes take Hyyrö's bit-parallel algorithm
/// (*A bit-vector algorithm for computing Levenshtein and Damerau edit
/// distances*, 2003), one column of the table per step in a few word
/// operations, as `rapidfuzz` computes it.
pub(crate) fn osa_within(a: &str, b: &str, k: usize) -> usize {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !(a.is_ascii() && b.is_ascii() && x.len() <= 64 && y.len() <= 64) {
        return strsim::osa_distance(a, b);
    }
    // The distance is at least the difference in length.
    if x.len().abs_diff(y.len()) > k {
        return k.saturating_add(1);
    }
    if x.is_empty() {
        return y.len();
    }
    let at = positions(x);
    let last = 1u64 << (x.len() - 1);
    // Vertical positive and negative differences, the diagonal zero mask and
    // the previous column's matches.
    let (mut vp, mut vn, mut d0, mut before) = (u64::MAX, 0u64, 0u64, 0u64);
    let mut distance = x.len();
    for &c in y {
        let here = at[usize::from(c)];
        let transposed = ((!d0 & here) << 1) & before;
        d0 = ((here & vp).wrapping_add(vp) ^ vp) | here | vn | transposed;
        let hp = vn | !(d0 | vp);
        let hn = d0 & vp;
        distance += usize::from(hp & last != 0);
        distance -= usize::from(hn & last != 0);
        let hp = (hp << 1) | 1;
        let hn = hn << 1;
        vp = hn | !(d0 | hp);
        vn = hp & d0;
        before = here;
    }
    distance
}

/// Whether two names of five letters or more are one typo apart (a letter
/// replaced, inserted, dropped, or two swapped): `vnlentina` and `valentina`,
/// which Jaro-Winkler scores low when the typo is near the start. Shorter
/// names are left out: one letter tells `ana` from `ada`.
fn one_typo(a: &str, b: &str) -> bool {
    if !(a.is_ascii() && b.is_ascii()) {
        let (la, lb) = (a.chars().count(), b.chars().count());
        return la.min(lb) >= 5 && la.abs_diff(lb) <= 1 && osa_distance(a, b) == 1;
    }
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if x.len().min(y.len()) < 5 || x.len().abs_diff(y.len()) > 1 || x == y {
        return false;
    }
    // Past the common prefix: one letter replaced, two swapped, or one
    // inserted in the longer.
    let i = x.iter().zip(y).take_while(|(p, q)| p == q).count();
    if x.len() == y.len() {
        x[i + 1..] == y[i + 1..]
            || i + 1 < x.len() && x[i] == y[i + 1] && x[i + 1] == y[i] && x[i + 2..] == y[i + 2..]
    } else {
        let (short, long) = if x.len() < y.len() { (x, y) } else { (y, x) };
        short[i..] == long[i + 1..]
    }
}

/// Surname keys, in order.
pub(crate) fn surnames(a: &Names<'_>, b: &Names<'_>) -> Option<u8> {
    let (x, y) = (a.surnames, b.surnames);
    if x.is_empty() || y.is_empty() {
        return None;
    }
    if x == y {
        return Some(0);
    }
    if x.len() == y.len() && x.iter().all(|s| y.contains(s)) && y.iter().all(|s| x.contains(s)) {
        return Some(1);
    }
    if x.iter().any(|s| y.contains(s)) {
        return Some(2);
    }
    let pairwise = || {
        (x.len() > 1 || y.len() > 1)
            && x.iter()
                .any(|p| y.iter().any(|q| jaro_winkler(p, q) >= 0.94))
    };
    if jaro_winkler(a.surnames_concat, b.surnames_concat) >= 0.92 || pairwise() {
        return Some(3);
    }
    if a.sounds
        .iter()
        .any(|s| !s.is_empty() && b.sounds.contains(s))
    {
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
    match osa_within(a, b, 2) {
        1 => Some(2),
        2 => Some(3),
        // A year off by one across a decade (`1999` for `2000`, `1979` for
        // `1980`), the day and month kept: as near as two typos.
        _ if a.len() == 8 && b.len() == 8 && a[4..] == b[4..] && year_apart(a, b) == Some(1) => {
            Some(3)
        }
        _ => Some(4),
    }
}

/// How many years apart two `yyyymmdd` dates are written.
fn year_apart(a: &str, b: &str) -> Option<u32> {
    let (x, y): (u32, u32) = (a.get(..4)?.parse().ok()?, b.get(..4)?.parse().ok()?);
    Some(x.abs_diff(y))
}

fn national_ids(a: &Profile, b: &Profile) -> Option<u8> {
    let (x, y) = (a.national_id.as_deref()?, b.national_id.as_deref()?);
    if x == y {
        return Some(0);
    }
    match osa_within(x, y, 2) {
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
    fn local(e: &str) -> &str {
        e.split_once('@').map_or(e, |(l, _)| l)
    }
    let (la, lb) = (local(a), local(b));
    if la == lb && la.len() >= 4 {
        return Some(1);
    }
    // The distance is at least the difference in length: most pairs are ruled
    // out without computing it.
    if osa_within(a, b, 2) <= 2 {
        return Some(2);
    }
    Some(3)
}

fn phones(a: &[Key], b: &[Key]) -> Option<u8> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if a.iter().any(|p| b.contains(p)) {
        return Some(0);
    }
    fn tail(p: &str) -> &str {
        p.get(p.len().saturating_sub(8)..).unwrap_or(p)
    }
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
        } else if osa_within(x, y, 1) == 1 {
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
    use crate::consolidation::matching::profile::Keys;

    fn words(s: &str) -> Keys {
        s.split(' ').map(Key::from).collect()
    }

    fn profile(given: &str, readings: &[Key], surnames: &str) -> Profile {
        let mut p = Profile {
            given: words(given),
            given_readings: readings.iter().cloned().collect(),
            surnames: words(surnames),
            ..Profile::default()
        };
        p.derive();
        p
    }

    impl Profile {
        fn view(&self) -> Names<'_> {
            Names::straight(self)
        }
    }

    #[test]
    fn every_field_ends_with_different() {
        for f in FIELDS {
            assert_eq!(FIELDS[f.index()], f);
            assert_eq!(f.levels().last(), Some(&"different"), "{f:?}");
            assert_eq!(Field::from_name(f.name()), Some(f));
        }
    }

    #[test]
    fn given_name_levels() {
        let g = |a: &str, ar: &[&str], b: &str, br: &[&str]| {
            let r = |x: &[&str]| x.iter().map(|&s| Key::from(s)).collect::<Vec<_>>();
            given_names(
                &profile(a, &r(ar), "x").view(),
                &profile(b, &r(br), "x").view(),
            )
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
        assert_eq!(
            g("vnlentina", &["vnlentina"], "valentina", &["valentina"]),
            Some(2)
        );
        assert_eq!(g("ganaro", &["ganaro"], "genaro", &["genaro"]), Some(2));
        assert_eq!(g("ana", &["ana"], "ada", &["ada"]), Some(4));
        assert_eq!(g("j", &["j"], "juan", &["juan"]), Some(3));
        assert_eq!(g("ana", &["ana"], "pedro", &["pedro"]), Some(4));
        // A misspelt nickname of the other's name (`toño`, `chucho`, `manolo`),
        // either way round; a real name of its own or a nickname of another
        // name is still different.
    }

    #[test]
    fn misspelt_nicknames_of_people_born_the_same_day() {
        // A misspelt nickname of the other's name (`toño`, `chucho`, `manolo`),
        // either way round, with the same birth date; a real name of its own,
        // a nickname of another name, or another birth date stays different.
        let g = |a: &str, b: &str, births: (&str, &str)| {
            let p = |given: &str, birth: &str| {
                let mut p = profile(given, &[Key::from(given)], "x");
                p.birth = (!birth.is_empty()).then(|| Key::from(birth));
                p
            };
            given_names(&p(a, births.0).view(), &p(b, births.1).view())
        };
        let same = ("19800101", "19800101");
        assert_eq!(g("tooo", "antonio", same), Some(2));
        assert_eq!(g("jesus", "cuhcho", same), Some(2));
        assert_eq!(g("manoo", "manuel", same), Some(2));
        assert_eq!(g("tooo", "jesus", same), Some(4));
        assert_eq!(g("pepa", "jose", same), Some(4));
        assert_eq!(g("tooo", "antonio", ("19800101", "19850101")), Some(4));
        assert_eq!(g("tooo", "antonio", ("", "")), Some(4));
        // Siblings whose names are missing from the tables (`dana`, `mike`).
        assert_eq!(g("dana", "daniel", ("19900101", "19930101")), Some(4));
        assert_eq!(g("mike", "enrique", ("19900101", "19930101")), Some(4));
    }

    #[test]
    fn surname_levels() {
        let s =
            |a: &str, b: &str| surnames(&profile("x", &[], a).view(), &profile("x", &[], b).view());
        assert_eq!(s("garcia lopez", "garcia lopez"), Some(0));
        assert_eq!(s("garcia lopez", "lopez garcia"), Some(1));
        assert_eq!(s("garcia lopez", "garcia"), Some(2));
        assert_eq!(s("fernandez", "fernandes"), Some(3));
        assert_eq!(s("vazquez", "basques"), Some(4));
        assert_eq!(s("sosa", "perez"), Some(5));
    }

    #[test]
    fn string_measures_are_strsims() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "vnlentina",
            "valentina",
            "martha",
            "marhta",
            "dwayne",
            "duane",
            "dixon",
            "dicksonx",
            "jellyfish",
            "smellyfish",
            "garcia lopez",
            "lopez garcia",
            "19860109",
            "19860901",
            "19680109",
            "20123456789",
            "2012345678",
            "muñoz",
            "munoz",
            "áéí",
            "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123",
            "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01",
        ];
        for a in words {
            for b in words {
                assert_eq!(jaro_winkler(a, b), strsim::jaro_winkler(a, b), "{a} {b}");
                assert_eq!(osa_distance(a, b), strsim::osa_distance(a, b), "{a} {b}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn string_measures_match_strsim(a in "[abcdeñ]{0,14}", b in "[abcdeñ]{0,14}") {
            proptest::prop_assert_eq!(jaro_winkler(&a, &b), strsim::jaro_winkler(&a, &b));
            proptest::prop_assert_eq!(osa_distance(&a, &b), strsim::osa_distance(&a, &b));
            let exact = strsim::osa_distance(&a, &b);
            for k in 0..10 {
                proptest::prop_assert_eq!(osa_within(&a, &b, k).min(k + 1), exact.min(k + 1));
            }
            proptest::prop_assert_eq!(
                one_typo(&a, &b),
                {
                    let (la, lb) = (a.chars().count(), b.chars().count());
                    la.min(lb) >= 5 && la.abs_diff(lb) <= 1 && exact == 1
                }
            );
            let (a, b) = (a.replace('ñ', "n"), b.replace('ñ', "n"));
            proptest::prop_assert_eq!(jaro_winkler(&a, &b), strsim::jaro_winkler(&a, &b));
            proptest::prop_assert_eq!(osa_distance(&a, &b), strsim::osa_distance(&a, &b));
            let exact = strsim::osa_distance(&a, &b);
            for k in 0..10 {
                proptest::prop_assert_eq!(osa_within(&a, &b, k).min(k + 1), exact.min(k + 1));
            }
        }
    }

    proptest::proptest! {
        // Up to the 64 bytes of the bit-parallel measures, and past them.
        #[test]
        fn long_string_measures_match_strsim(a in "[ab0-2]{0,70}", b in "[ab0-2]{0,70}") {
            proptest::prop_assert_eq!(jaro_winkler(&a, &b), strsim::jaro_winkler(&a, &b));
            proptest::prop_assert_eq!(osa_distance(&a, &b), strsim::osa_distance(&a, &b));
        }

        #[test]
        fn measures_of_a_string_and_its_typos_match_strsim(
            a in "[a-z0-9@. ]{0,64}",
            edits in proptest::collection::vec((0usize..64, 0u8..4, proptest::char::range('a', 'e')), 0..4),
        ) {
            // Copies a few edits away: the pairs a comparator mostly sees.
            let mut b: Vec<char> = a.chars().collect();
            for (at, kind, c) in edits {
                let at = at.min(b.len());
                match kind {
                    0 if at < b.len() => b[at] = c,
                    1 if b.len() < 64 => b.insert(at, c),
                    2 if at < b.len() => { b.remove(at); }
                    _ if at + 1 < b.len() => b.swap(at, at + 1),
                    _ => {}
                }
            }
            let b: String = b.into_iter().collect();
            proptest::prop_assert_eq!(jaro_winkler(&a, &b), strsim::jaro_winkler(&a, &b));
            proptest::prop_assert_eq!(osa_distance(&a, &b), strsim::osa_distance(&a, &b));
            let exact = strsim::osa_distance(&a, &b);
            for k in 0..4 {
                proptest::prop_assert_eq!(osa_within(&a, &b, k).min(k + 1), exact.min(k + 1));
            }
        }
    }

    #[test]
    fn birth_date_levels() {
        assert_eq!(birth_dates("19860109", "19860109"), Some(0));
        assert_eq!(birth_dates("19860109", "19860901"), Some(1));
        assert_eq!(birth_dates("19860109", "19860108"), Some(2));
        assert_eq!(birth_dates("19860109", "19680109"), Some(2));
        assert_eq!(birth_dates("19860109", "19870108"), Some(3));
        assert_eq!(birth_dates("19860109", "19520317"), Some(4));
        assert_eq!(birth_dates("20000808", "19990808"), Some(3));
        assert_eq!(birth_dates("20000808", "19980808"), Some(4));
    }
}
