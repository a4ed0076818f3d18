//! [`Profile`]: a standardised record reduced to the keys that matching compares.

use compact_str::CompactString;
use smallvec::SmallVec;

use super::phonetic;
use crate::standardize::names::{self, is_placeholder_given_name, PersonName};
use crate::standardize::{Country, Standardized};

/// A comparison key: inline up to 24 bytes, as nearly all are, so that a
/// million profiles are not twenty million small allocations.
pub type Key = CompactString;

/// A few keys (given names, surnames, phones), inline up to two.
pub type Keys = SmallVec<[Key; 2]>;

/// The comparison keys of one record: folded (lower case, no accents), nicknames
/// resolved, phones in E.164, identifiers reduced to the person's number. Built
/// once per record by [`Profile::new`]; the comparators and the blocking keys read
/// only this.
///
/// A value that did not validate is still compared, by a looser key: the digits of
/// a phone, date or identifier that failed its checks (a wrong check digit is one
/// of the typos a duplicate carries).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// Folded given names, one entry per word, particles included (`maria`,
    /// `del`, `carmen`).
    pub given: Keys,
    /// The given names with nicknames resolved, one entry per reading
    /// ([`PersonName::given_canonical_keys`](crate::standardize::names::PersonName::given_canonical_keys)).
    pub given_readings: Keys,
    /// One folded key per surname, particles dropped.
    pub surnames: Keys,
    /// The company's folded key.
    pub company: Option<Key>,
    /// The email's comparison key (provider rules applied).
    pub email: Option<Key>,
    /// Phones in E.164 (`+5491123456789`), or the last eight digits of a number
    /// that did not validate.
    pub phones: Keys,
    /// The folded street name, without its type.
    pub street: Option<Key>,
    /// The house number.
    pub number: Option<Key>,
    /// The folded locality.
    pub locality: Option<Key>,
    /// The postal code as compared: its letters and digits in upper case
    /// (`BD128NR` for `BD12 8NR`), a US ZIP+4 as its ZIP.
    pub postal_code: Option<Key>,
    /// The birth date as `yyyymmdd`, or the eight digits of a date that did not
    /// validate.
    pub birth: Option<Key>,
    /// The national identifier reduced to what names the person: the DNI inside
    /// a CUIT/CUIL, the canonical NIF or NIE, the company's CUIT or CIF; for an
    /// identifier that did not validate, its letters and digits.
    pub national_id: Option<Key>,
    /// Whether [`Profile::national_id`] validated (a check digit, a known shape).
    pub national_id_valid: bool,
    /// The record's country.
    pub country: Option<Country>,
    /// Forms of the names the comparators need for every pair, computed once.
    pub(crate) derived: Derived,
}

/// Forms of a profile's names computed once for all its comparisons.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Derived {
    /// Given names joined with spaces (`maria jose`).
    pub given_joined: Key,
    /// Given names joined without spaces, as one surname when names are read
    /// crosswise.
    pub given_concat: Key,
    /// The phonetic code of `given_concat`.
    pub given_concat_sound: Key,
    /// Surnames joined with spaces, as given names when read crosswise.
    pub surnames_joined: Key,
    /// Surnames joined without spaces.
    pub surnames_concat: Key,
    /// The phonetic code of each surname.
    pub surname_sounds: Keys,
    /// Whether a given name is a nickname only, not a name of its own
    /// (`bill`, `pepe`): its readings are the names it stands for, none of
    /// them its own.
    pub given_nickname: bool,
    /// The first word of each reading of the given names, without repeats.
    pub given_firsts: Keys,
    /// Whether `given_firsts` are the readings themselves.
    pub given_firsts_are_readings: bool,
}

impl Profile {
    /// The profile of a standardised record.
    pub fn new(s: &Standardized) -> Profile {
        let text = crate::standardize::text::fold;
        let mut p = Profile {
            country: s.country,
            ..Profile::default()
        };
        // A name refused for its characters may be a scan's (`Castr0`): read
        // with the digits OCR puts for letters.
        let scanned = match &s.name {
            Some(_) => None,
            None => scanned_name(&s.record),
        };
        let mut nickname = None;
        if let Some(name) = s.name.as_ref().or(scanned.as_ref()) {
            let key = name.given_key_compact();
            p.given = key
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(Key::from)
                .collect();
            // A given name of placeholders only (`Resident`, `Baby`, `Sir`)
            // is no given name.
            if is_placeholder_given_name(p.given.iter().map(Key::as_str)) {
                p.given.clear();
            } else {
                nickname = Some(names::given_readings_of_key(&key, &mut p.given_readings));
            }
            p.surnames = name.surname_keys().into_iter().map(Key::from).collect();
        }
        p.company = s
            .company
            .as_ref()
            .map(|c| Key::from(c.key()))
            .filter(|k| !k.is_empty());
        p.email = match &s.email {
            Some(e) => Some(Key::from(e.key())),
            None => s
                .record
                .email
                .as_deref()
                .map(|e| Key::from(e.trim().to_lowercase())),
        }
        .filter(|e| !e.is_empty());
        for (parsed, typed) in [(&s.phone, &s.record.phone), (&s.mobile, &s.record.mobile)] {
            let key = match parsed {
                Some(phone) => Some(phone.e164.clone()),
                None => typed
                    .as_deref()
                    .and_then(|t| last_digits(t, 8))
                    .map(Key::from),
            };
            if let Some(key) = key {
                if !p.phones.contains(&key) {
                    p.phones.push(key);
                }
            }
        }
        if let Some(a) = &s.address {
            p.street = Some(Key::from(street_name_key(&a.street_key()))).filter(|k| !k.is_empty());
            p.number = a.number.clone();
            p.locality = a
                .locality
                .as_deref()
                .map(|l| Key::from(locality_key(&text(l))))
                .filter(|k| !k.is_empty());
            p.postal_code = a.postal_code.as_deref().and_then(postal_key);
        }
        p.birth = match s.birth_date {
            Some(d) => Some(compact_str::format_compact!(
                "{:04}{:02}{:02}",
                d.year(),
                d.month() as u8,
                d.day()
            )),
            None => s
                .record
                .birth_date
                .as_deref()
                .map(digits)
                .filter(|d| d.len() == 8)
                .map(Key::from),
        };
        match &s.national_id {
            Some(id) => {
                p.national_id_valid = true;
                p.national_id = Some(match id.person_number() {
                    Some(n) => compact_str::format_compact!("{n}"),
                    None => Key::from(id.compact()),
                });
            }
            None => {
                p.national_id = s
                    .record
                    .national_id
                    .as_deref()
                    .map(loose_id)
                    .filter(|k| k.len() >= 5)
                    .map(Key::from);
            }
        }
        p.derive_with(nickname);
        p
    }

    /// Computes [`Profile::derived`] from the names (for profiles put
    /// together by hand in tests).
    #[cfg(test)]
    pub(crate) fn derive(&mut self) {
        self.derive_with(None);
    }

    /// [`Profile::derive`], with whether a given name is a nickname only when
    /// the readings' lookup already said so.
    fn derive_with(&mut self, nickname: Option<bool>) {
        let given_concat = self.given.concat();
        self.derived = Derived {
            given_joined: Key::from(self.given.join(" ")),
            given_concat_sound: Key::from(phonetic::spanish(&given_concat)),
            given_concat: Key::from(given_concat),
            surnames_joined: Key::from(self.surnames.join(" ")),
            surnames_concat: Key::from(self.surnames.concat()),
            surname_sounds: self
                .surnames
                .iter()
                .map(|s| Key::from(phonetic::spanish(s)))
                .collect(),
            given_nickname: nickname
                .unwrap_or_else(|| self.given.iter().any(|w| names::is_nickname_only(w))),
            given_firsts: {
                let mut firsts = Keys::new();
                for r in &self.given_readings {
                    let first = r.split(' ').next().unwrap_or(r);
                    if !firsts.iter().any(|f| f == first) {
                        firsts.push(Key::from(first));
                    }
                }
                firsts
            },
            given_firsts_are_readings: false,
        };
        self.derived.given_firsts_are_readings = self.derived.given_firsts == self.given_readings;
    }

    /// Whether the profile names a person (given names or surnames) rather than
    /// only a company or nothing.
    pub fn is_person(&self) -> bool {
        !self.given.is_empty() || !self.surnames.is_empty()
    }
}

/// The street key without its house number: [`Address::street_key`] ends with the
/// number and kilometre, which the profile keeps apart.
///
/// [`Address::street_key`]: crate::standardize::address::Address::street_key
fn street_name_key(key: &str) -> String {
    key.split(' ')
        .take_while(|w| !w.starts_with(|c: char| c.is_ascii_digit()) && *w != "sn")
        .collect::<Vec<_>>()
        .join(" ")
}

/// A postal code as it is compared: its letters and digits only (of any
/// script), in upper case, so that a British or Canadian code typed with or
/// without its space (`BD12 8NR`, `bd128nr`) or a code with a dash
/// (`1425-ABC`) is one value; a US ZIP+4 (`90025-3912`) is its ZIP (`90025`):
/// the four digits are the delivery segment, often left out (written with an
/// ASCII dash or space in the sixth place, or as nine digits). A code without
/// letters or digits (`char::is_alphanumeric`) is no code.
fn postal_key(code: &str) -> Option<Key> {
    let mut key = Key::default();
    for c in code.chars().filter(|c| c.is_alphanumeric()) {
        key.extend(c.to_uppercase());
    }
    let zip4 = key.len() == 9 && key.bytes().all(|b| b.is_ascii_digit());
    let dashed = code.len() == 10 && matches!(code.as_bytes().get(5), Some(b'-' | b' '));
    if zip4 && (dashed || code.len() == 9) {
        key.truncate(5);
    }
    (!key.is_empty()).then_some(key)
}

/// A folded locality with its English abbreviations written out: `st louis`
/// is `saint louis`, `ft worth` is `fort worth`, `mt vernon` is `mount
/// vernon`.
fn locality_key(folded: &str) -> String {
    let mut words = folded.split(' ');
    let first = match words.next() {
        Some("st") => "saint",
        Some("ste") => "sainte",
        Some("ft") => "fort",
        Some("mt") => "mount",
        _ => return folded.to_string(),
    };
    std::iter::once(first)
        .chain(words)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The name of a record whose name fields were refused, read again with the
/// digits a scan puts for letters (`0` for `o`, `1` for `l`, `5` for `s`):
/// `None` when there are no such digits or it still does not read.
fn scanned_name(record: &crate::model::record::Record) -> Option<PersonName> {
    let fix = |t: &str| -> String {
        t.chars()
            .map(|c| match c {
                '0' => 'o',
                '1' => 'l',
                '3' => 'e',
                '4' => 'a',
                '5' => 's',
                '6' => 'g',
                '7' => 't',
                '8' => 'b',
                c => c,
            })
            .collect()
    };
    // Only a digit inside a word of letters (`Castr0`, `Mi1ler`) is a scan's:
    // a lone number is not a name.
    let has_digit = |t: &Option<String>| {
        t.as_deref().is_some_and(|t| {
            t.split_whitespace().any(|w| {
                w.contains(|c: char| c.is_ascii_digit())
                    && w.chars().filter(|c| c.is_alphabetic()).count() >= 2
            })
        })
    };
    if !(has_digit(&record.given_name)
        || has_digit(&record.surname)
        || has_digit(&record.full_name))
    {
        return None;
    }
    let (given, surname) = (record.given_name.as_deref(), record.surname.as_deref());
    let parsed = if given.is_none() && surname.is_none() {
        names::parse_full_name(&fix(record.full_name.as_deref()?))
    } else {
        names::parse_person(&fix(given.unwrap_or("")), &fix(surname.unwrap_or("")))
    };
    parsed.ok().map(|(name, _)| name)
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// The last `n` digits of a text with at least six digits.
fn last_digits(text: &str, n: usize) -> Option<String> {
    let d = digits(text);
    (d.len() >= 6).then(|| d[d.len().saturating_sub(n)..].to_string())
}

/// The key of an identifier that did not validate: upper-case letters and digits,
/// and for an 11-digit Argentine CUIT/CUIL of a person, the DNI inside it (so that
/// a CUIT with a wrong check digit still meets the DNI of its holder).
fn loose_id(text: &str) -> String {
    let key: String = text
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if key.len() == 11 && key.bytes().all(|b| b.is_ascii_digit()) {
        let person = matches!(&key[..2], "20" | "23" | "24" | "27");
        if person {
            return key[2..10].trim_start_matches('0').to_string();
        }
    }
    if key.bytes().all(|b| b.is_ascii_digit()) {
        return key.trim_start_matches('0').to_string();
    }
    key
}

#[cfg(test)]
mod postal_tests {
    use super::postal_key;

    #[test]
    fn postal_codes_compare_by_letters_and_digits() {
        let key = |c: &str| postal_key(c).map(|k| k.to_string());
        assert_eq!(key("BD12 8NR").as_deref(), Some("BD128NR"));
        assert_eq!(key("bd128nr").as_deref(), Some("BD128NR"));
        assert_eq!(key("1425-ABC").as_deref(), Some("1425ABC"));
        assert_eq!(key("90025-3912").as_deref(), Some("90025"));
        assert_eq!(key("90025 3912").as_deref(), Some("90025"));
        assert_eq!(key("900253912").as_deref(), Some("90025"));
        // Not the ZIP+4 shape: kept whole.
        assert_eq!(key("9002-53912").as_deref(), Some("900253912"));
        assert_eq!(key("-"), None);
        assert_eq!(key(""), None);
    }
}
