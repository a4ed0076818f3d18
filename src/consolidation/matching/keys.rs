//! Blocking keys: which records are worth comparing.
//!
//! Comparing every record with every other is quadratic; records that share no
//! blocking key are never compared. Each record gets several keys, each enough
//! to catch duplicates that kept that part intact: the identifier, the email, a
//! phone, the sounds of the first surname and given name, the postal
//! code with the initials, the birth date, the street with its number, and
//! each half of the identifier (which survives a typo in the other half).
//!
//! The keys are public so that a host with its own database can store them in an
//! indexed column, fetch the candidates of a new record itself, and ask the
//! library only to score ([`MatchModel::score`](super::MatchModel::score)).

use std::fmt;
use std::hash::BuildHasher;

use super::phonetic;
use super::profile::{Key, Profile};

/// What a blocking key is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyKind {
    /// The national identifier's person number.
    NationalId,
    /// The first five characters of the identifier (with [`KeyKind::IdTail`],
    /// an identifier with one typo meets the right one through the half it kept).
    IdHead,
    /// The last five characters of the identifier.
    IdTail,
    /// The identifier's characters in sorted order: an identifier typed with
    /// two characters swapped anywhere (`6646273` for `6646723`, which breaks
    /// both halves) still meets the right one. Many identifiers share their
    /// sorted digits (an eight-digit number has 24,310 possible sets): among a
    /// million records, a block of this key is often refined by initials, and
    /// one over the `max_block` limit is not used, so the guarantee holds for
    /// batches and registries of up to some hundred thousand records.
    IdDigits,
    /// The email's comparison key.
    Email,
    /// A phone in E.164.
    Phone,
    /// The sounds of the first surname and the first given name (or its
    /// nickname's name), in alphabetical order: a record typed with given name
    /// and surname swapped meets the other.
    NameSound,
    /// The postal code and the initials of given name and surname (in
    /// alphabetical order, whatever the field they came from).
    PostalInitials,
    /// The birth date.
    BirthDate,
    /// The street and its number.
    StreetNumber,
    /// The company's key.
    Company,
}

impl KeyKind {
    /// The kind's name, the prefix of [`BlockingKey`]'s text form (`id`, `email`).
    pub fn name(self) -> &'static str {
        match self {
            KeyKind::NationalId => "id",
            KeyKind::IdHead => "id_head",
            KeyKind::IdTail => "id_tail",
            KeyKind::IdDigits => "id_digits",
            KeyKind::Email => "email",
            KeyKind::Phone => "phone",
            KeyKind::NameSound => "name",
            KeyKind::PostalInitials => "postal",
            KeyKind::BirthDate => "birth",
            KeyKind::StreetNumber => "street",
            KeyKind::Company => "company",
        }
    }
}

/// One blocking key of a record. Its text form (`Display`), `kind:value`, is what a
/// host stores.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlockingKey {
    /// What the key is made of.
    pub kind: KeyKind,
    /// Its value.
    pub value: String,
}

impl fmt::Display for BlockingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.name(), self.value)
    }
}

/// The blocking keys of a profile, without repeats. Two records that may be the
/// same customer almost always share one.
///
/// ```
/// use ciclo::consolidation::matching::{blocking_keys, Profile};
/// use ciclo::standardize::{standardize, Options};
/// use ciclo::model::record::Record;
///
/// let record = Record {
///     given_name: Some("Pepe".into()),
///     surname: Some("González Pérez".into()),
///     email: Some("Pepe.Gonzalez@gmail.com".into()),
///     country: Some("AR".into()),
///     ..Record::default()
/// };
/// let today = time::macros::date!(2026 - 11 - 23);
/// let profile = Profile::new(&standardize(&record, &Options::new(None, today)));
/// let keys: Vec<String> = blocking_keys(&profile).iter().map(|k| k.to_string()).collect();
/// assert!(keys.contains(&"email:pepegonzalez@gmail.com".to_string()));
/// assert!(keys.contains(&"name:GNSLS PP".to_string()));
/// assert!(keys.contains(&"name:GNSLS JS".to_string())); // pepe is jose
/// ```
pub fn blocking_keys(p: &Profile) -> Vec<BlockingKey> {
    let mut keys = Vec::with_capacity(10);
    let mut push = |kind: KeyKind, value: String| {
        if !value.is_empty()
            && !keys
                .iter()
                .any(|k: &BlockingKey| k.kind == kind && k.value == value)
        {
            keys.push(BlockingKey { kind, value });
        }
    };
    if let Some(id) = &p.national_id {
        push(KeyKind::NationalId, id.to_string());
        if id.len() >= 7 && id.is_ascii() {
            push(KeyKind::IdHead, id[..5].to_string());
            push(KeyKind::IdTail, id[id.len() - 5..].to_string());
            let mut sorted = id.as_bytes().to_vec();
            sorted.sort_unstable();
            push(KeyKind::IdDigits, String::from_utf8(sorted).expect("ASCII"));
        }
    }
    if let Some(email) = &p.email {
        push(KeyKind::Email, email.to_string());
    }
    for phone in &p.phones {
        push(KeyKind::Phone, phone.to_string());
    }
    let given_initial = initial(p.given.first());
    let surname_initial = initial(p.surnames.first());
    // The sounds of the first surname and the first given name, in alphabetical
    // order so that a record typed with the two swapped gives the same key; once
    // more for each reading of a nickname (`pepe` as `jose`).
    // The profile's own sound of its first surname, or (for a profile put
    // together by hand, without its derived forms) computed here.
    let surname_sound = p
        .derived
        .surname_sounds
        .first()
        .cloned()
        .or_else(|| p.surnames.first().map(|s| Key::from(phonetic::spanish(s))));
    if let Some(surname) = &surname_sound {
        // The first words of the readings, without repeats (the profile's
        // own, or for a profile put together by hand, taken here).
        let readings_firsts: &mut dyn Iterator<Item = &str> = if p.derived.given_firsts.is_empty() {
            &mut p.given_readings.iter().filter_map(|r| r.split(' ').next())
        } else {
            &mut p.derived.given_firsts.iter().map(Key::as_str)
        };
        let own_first = p.given.first().map(Key::as_str);
        let firsts = own_first
            .into_iter()
            .chain(readings_firsts.filter(|r| Some(*r) != own_first));
        for given in firsts {
            let given = phonetic::spanish(given);
            let (x, y) = if given.as_str() <= surname.as_str() {
                (given.as_str(), surname.as_str())
            } else {
                (surname.as_str(), given.as_str())
            };
            push(KeyKind::NameSound, joined(x, ' ', y));
        }
    }
    let mut initials: Vec<char> = given_initial.into_iter().chain(surname_initial).collect();
    initials.sort_unstable();
    if let (Some(postal), 2) = (&p.postal_code, initials.len()) {
        let mut key = joined(postal, ' ', "");
        key.push(initials[0]);
        key.push(initials[1]);
        push(KeyKind::PostalInitials, key);
    }
    if let Some(birth) = &p.birth {
        push(KeyKind::BirthDate, birth.to_string());
    }
    if let (Some(street), Some(number)) = (&p.street, &p.number) {
        push(KeyKind::StreetNumber, joined(street, ' ', number));
    }
    if let Some(company) = &p.company {
        push(KeyKind::Company, company.to_string());
    }
    keys
}

/// `a`, `separator` and `b` in one string, allocated once.
fn joined(a: &str, separator: char, b: &str) -> String {
    let mut out = String::with_capacity(a.len() + 1 + b.len() + 2);
    out.push_str(a);
    out.push(separator);
    out.push_str(b);
    out
}

fn initial(word: Option<&Key>) -> Option<char> {
    word.and_then(|w| w.chars().next())
}

/// The narrower keys that split a block too large to compare pair by pair
/// (see [`candidate_pairs`](crate::consolidation::dedup::candidate_pairs)): two
/// records of such a block are compared when they also share one of these.
///
/// - A block of a name sound or of a postal code with initials (which name the
///   person already) is split by the year of birth and by the sound of the
///   second surname: a duplicate that lost one of the two still meets the other
///   record through the one it kept. A record with only one of the two (no
///   birth date, or one surname) has no narrower keys, so that it meets a copy
///   that kept only the other.
/// - Any other block (a birth date, a street and number, half an identifier,
///   an email or phone many records share) is split by the initials of given
///   name and surname, in alphabetical order, once per reading of a nickname
///   (`pepe` as `jose`), so swapped fields and nicknames still meet. A record
///   without given name or surname has no narrower keys.
///
/// A record without narrower keys is compared with the whole block. A birth
/// date that did not validate (eight digits in any order) gives no year. The
/// values are 64-bit fingerprints, appended to `out`.
pub(crate) fn refinements(kind: KeyKind, p: &Profile, out: &mut Vec<u64>) {
    let hasher = foldhash::fast::FixedState::with_seed(0x6369_636c_6f00_0002);
    match kind {
        KeyKind::NameSound | KeyKind::PostalInitials => {
            // Both or none: a record with one of the two meets the whole block,
            // so that it still meets a copy that kept only the other.
            let year = p
                .birth
                .as_deref()
                .and_then(|b| b.get(..4))
                .filter(|y| y.parse::<u16>().is_ok_and(|y| (1850..=2100).contains(&y)));
            if let (Some(year), Some(second)) = (year, p.surnames.get(1)) {
                out.push(hasher.hash_one((1u8, year)));
                out.push(hasher.hash_one((2u8, phonetic::spanish(second))));
            }
        }
        _ => {
            let Some(surname) = initial(p.surnames.first()) else {
                return;
            };
            let givens = p
                .given
                .first()
                .into_iter()
                .chain(&p.given_readings)
                .filter_map(|g| g.chars().next());
            let start = out.len();
            for g in givens {
                let h = hasher.hash_one((3u8, g.min(surname), g.max(surname)));
                if !out[start..].contains(&h) {
                    out.push(h);
                }
            }
        }
    }
}

/// The key kinds by the index [`fingerprint`] keeps in its low four bits.
const KIND_ORDER: [KeyKind; 11] = [
    KeyKind::NationalId,
    KeyKind::IdHead,
    KeyKind::IdTail,
    KeyKind::IdDigits,
    KeyKind::Email,
    KeyKind::Phone,
    KeyKind::NameSound,
    KeyKind::PostalInitials,
    KeyKind::BirthDate,
    KeyKind::StreetNumber,
    KeyKind::Company,
];

/// A blocking key as 64 bits: a hash of the key with its kind in the low four
/// bits ([`fingerprint_kind`]). Fixed seed, so an index rebuilt from a snapshot
/// is the same index; a collision only adds a candidate that scoring rejects.
pub(crate) fn fingerprint(key: &BlockingKey) -> u64 {
    let kind = KIND_ORDER.iter().position(|&k| k == key.kind).unwrap_or(0) as u64;
    let hash = foldhash::fast::FixedState::with_seed(0x6369_636c_6f00_0001).hash_one(key);
    (hash & !0xF) | kind
}

/// The kind of the key behind a [`fingerprint`].
pub(crate) fn fingerprint_kind(fingerprint: u64) -> KeyKind {
    KIND_ORDER
        .get((fingerprint & 0xF) as usize)
        .copied()
        .unwrap_or(KeyKind::NationalId)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_keys(id: &str) -> Vec<BlockingKey> {
        let p = Profile {
            national_id: Some(id.into()),
            ..Profile::default()
        };
        blocking_keys(&p)
    }

    #[test]
    fn an_identifier_with_two_digits_swapped_meets_through_its_sorted_digits() {
        let (a, b) = (id_keys("6646723"), id_keys("6646273"));
        let shared: Vec<&BlockingKey> = a.iter().filter(|k| b.contains(k)).collect();
        assert_eq!(
            shared,
            [&BlockingKey {
                kind: KeyKind::IdDigits,
                value: "2346667".into()
            }]
        );
        assert_eq!(shared[0].to_string(), "id_digits:2346667");
        // Short identifiers have no halves nor sorted digits.
        assert_eq!(id_keys("12345").len(), 1);
    }

    #[test]
    fn fingerprints_keep_every_kind() {
        for kind in KIND_ORDER {
            let key = BlockingKey {
                kind,
                value: "x".into(),
            };
            assert_eq!(fingerprint_kind(fingerprint(&key)), kind);
        }
    }
}
