//! The streaming generator: the people it invents, the order it writes their
//! records and copies in, and the values no two people share.

mod corrupt;
mod english;
mod english_corrupt;
mod english_render;
mod people;
mod render;

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt::Write as _;
use std::sync::Arc;

use hashbrown::HashSet;

use super::rng::{Rng, Weights};
use super::tables;
use super::{
    Corruption, Corruptions, Origin, Population, Relation, SyntheticOptions, SyntheticRecord,
};
use crate::model::record::Record;
use crate::splitmix::SplitMix64;
use english::EnPerson;
#[cfg(test)]
pub(super) use english_corrupt::en_nickname;

/// A national identifier's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Id {
    /// An Argentine DNI and the CUIT/CUIL built on it.
    Ar { dni: u32, prefix: u8, check: u8 },
    /// A Spanish DNI number (the letter follows from it).
    EsDni(u32),
    /// A Spanish NIE: the letter (0 X, 1 Y, 2 Z) and seven digits.
    EsNie(u8, u32),
}

/// A phone number: the area code (Argentina) and the subscriber number, or a
/// Spanish nine-digit number with an empty area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Phone {
    area: &'static str,
    number: u32,
    mobile: bool,
}

/// Where a person lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Home {
    locality: u16,
    street_type: u8,
    street: u16,
    number: u16,
    /// Floor and flat: `(5, b'B')`, or a Spanish door number `(3, b'2')`.
    flat: Option<(u8, u8)>,
    postal: u32,
    cpa: [u8; 3],
}

/// A person as they are: the truth that records are written from.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Person {
    spain: bool,
    female: bool,
    given: &'static str,
    surname1: &'static str,
    surname2: Option<&'static str>,
    birth: (u16, u8, u8),
    id: Id,
    email: Box<str>,
    mobile: Phone,
    landline: Option<Phone>,
    home: Home,
}

/// A person of either population.
#[derive(Clone, Debug)]
enum Who {
    /// Spanish or Argentine.
    Es(Arc<Person>),
    /// British or American.
    En(Arc<EnPerson>),
}

/// A copy waiting for its turn.
#[derive(Debug)]
struct Pending {
    due: u64,
    seq: u64,
    cluster: u32,
    person: Who,
    relation: Option<(Relation, u32)>,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Pending) -> bool {
        (self.due, self.seq) == (other.due, other.seq)
    }
}

impl Eq for Pending {}

impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Pending) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pending {
    fn cmp(&self, other: &Pending) -> std::cmp::Ordering {
        (self.due, self.seq).cmp(&(other.due, other.seq))
    }
}

/// How many earlier people are kept as candidates for households and
/// namesakes (a uniform sample of everyone written so far).
const RESERVOIR: usize = 4096;

/// The latest birth year (people of 18 and more in 2025).
const LAST_YEAR: u32 = 2007;
/// The earliest birth year.
const FIRST_YEAR: u32 = 1940;

/// A streaming generator of synthetic records: an iterator of exactly
/// [`SyntheticOptions::records`] records with their truth, in a fixed order
/// for the options.
///
/// A person's copies come after their first record, at a random distance of
/// up to half the batch, so duplicates are spread through the stream as in
/// a real import. The generator holds only the copies still to write, a
/// sample of earlier people (for households and namesakes) and the
/// fingerprints of the identifiers, emails and phones given, not the records
/// written.
///
/// ```
/// use ciclo::synthetic::{Generator, Origin, SyntheticOptions};
///
/// let mut people = std::collections::HashSet::new();
/// for r in Generator::new(&SyntheticOptions::new(500, 1)) {
///     // A duplicate always comes after its person's first record.
///     assert_eq!(r.origin == Origin::Duplicate, !people.insert(r.cluster));
/// }
/// ```
#[derive(Debug)]
pub struct Generator {
    options: SyntheticOptions,
    rng: Rng,
    weights: Weights,
    emitted: u64,
    persons_left: usize,
    copies_left: usize,
    window: u64,
    next_cluster: u32,
    pending: BinaryHeap<Reverse<Pending>>,
    seq: u64,
    reservoir: Vec<(u32, Who)>,
    seen: u64,
    /// Identifiers, emails and phones already given, hashed, so that two
    /// people never share one by chance.
    used: HashSet<u64, foldhash::fast::FixedState>,
}

impl Generator {
    /// A generator for `options`.
    ///
    /// # Panics
    ///
    /// When a share is not a number between 0 and 1, or `duplicate_share` is
    /// above 0.75 (a person has at most three copies).
    pub fn new(options: &SyntheticOptions) -> Generator {
        for (name, share) in [
            ("duplicate_share", options.duplicate_share),
            ("household_share", options.household_share),
            ("namesake_share", options.namesake_share),
            ("spain_share", options.spain_share),
            ("us_share", options.us_share),
        ] {
            assert!(
                (0.0..=1.0).contains(&share),
                "{name} must lie in 0..=1, not {share}"
            );
        }
        assert!(
            options.duplicate_share <= 0.75,
            "duplicate_share must be at most 0.75, not {}",
            options.duplicate_share
        );
        let copies = (options.records as f64 * options.duplicate_share).round() as usize;
        let copies = copies.min(options.records);
        Generator {
            options: options.clone(),
            rng: Rng(SplitMix64(options.seed ^ 0x5EED_C1C1_0000_0000)),
            weights: Weights::new(),
            emitted: 0,
            persons_left: options.records - copies,
            copies_left: copies,
            window: (options.records as u64 / 2).max(8),
            next_cluster: 0,
            pending: BinaryHeap::new(),
            seq: 0,
            reservoir: Vec::new(),
            seen: 0,
            used: HashSet::with_capacity_and_hasher(
                options.records.min(1 << 24) * 3,
                foldhash::fast::FixedState::with_seed(0),
            ),
        }
    }

    /// Marks a value (with a tag for its kind) as used; `false` if it was.
    fn claim(&mut self, tag: u8, value: u64) -> bool {
        self.used.insert(value ^ (u64::from(tag) << 56))
    }

    fn emit_person(&mut self) -> SyntheticRecord {
        self.persons_left -= 1;
        let (person, origin, relation) = self.new_person();
        let cluster = self.next_cluster;
        self.next_cluster += 1;
        // How many copies: on average what is left over what is left to
        // share it, never more than the remaining people can take.
        let mean = self.copies_left as f64 / (1.5 * (self.persons_left + 1) as f64);
        let mut k = if self.rng.chance(mean) {
            1 + self.rng.choose(&[60, 30, 10])
        } else {
            0
        };
        k = k
            .max(self.copies_left.saturating_sub(3 * self.persons_left))
            .min(self.copies_left)
            .min(3);
        self.copies_left -= k;
        for _ in 0..k {
            let due = self.emitted + 1 + self.rng.below(self.window);
            self.seq += 1;
            self.pending.push(Reverse(Pending {
                due,
                seq: self.seq,
                cluster,
                person: person.clone(),
                relation,
            }));
        }
        let (record, corruptions) = match &person {
            Who::Es(p) => {
                let mut record = self.render(p);
                let corruptions = self.drop_fields(&mut record, 0);
                (record, corruptions)
            }
            Who::En(p) => self.en_original(p),
        };
        self.remember(cluster, person);
        SyntheticRecord {
            cluster,
            origin,
            record,
            corruptions,
            relation,
        }
    }

    /// Keeps a uniform sample of the people written so far.
    fn remember(&mut self, cluster: u32, person: Who) {
        self.seen += 1;
        if self.reservoir.len() < RESERVOIR {
            self.reservoir.push((cluster, person));
        } else {
            let slot = self.rng.below(self.seen) as usize;
            if slot < RESERVOIR {
                self.reservoir[slot] = (cluster, person);
            }
        }
    }
}

impl Iterator for Generator {
    type Item = SyntheticRecord;

    fn next(&mut self) -> Option<SyntheticRecord> {
        let due = self
            .pending
            .peek()
            .is_some_and(|p| p.0.due <= self.emitted || self.persons_left == 0);
        let record = if due {
            let Reverse(p) = self.pending.pop().expect("a pending copy");
            let (record, corruptions) = match &p.person {
                Who::Es(person) => self.copy_of(person),
                Who::En(person) => self.en_copy_of(person),
            };
            SyntheticRecord {
                cluster: p.cluster,
                origin: Origin::Duplicate,
                record,
                corruptions,
                relation: p.relation,
            }
        } else if self.persons_left > 0 {
            self.emit_person()
        } else {
            return None;
        };
        self.emitted += 1;
        Some(record)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.persons_left + self.copies_left + self.pending.len();
        (left, Some(left))
    }
}

impl ExactSizeIterator for Generator {}

/// The Spanish DNI check letters, by the number modulo 23.
pub(super) const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// The CUIT/CUIL prefix and check digit of a person's DNI: `prefix` is 20
/// (male) or 27 (female), 23 when the check would be 10.
pub(super) fn cuit(prefix: u8, dni: u32) -> (u8, u8) {
    let check = |prefix: u8| {
        let digits = format!("{prefix:02}{dni:08}");
        let sum: u32 = digits
            .bytes()
            .zip([5, 4, 3, 2, 7, 6, 5, 4, 3, 2])
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        match 11 - sum % 11 {
            11 => 0,
            n => n as u8,
        }
    };
    match check(prefix) {
        10 => (23, check(23)),
        c => (prefix, c),
    }
}

/// Roughly the Argentine DNI numbers (in millions) given to people born in
/// `year`.
pub(super) fn dni_millions(year: u16) -> f64 {
    const POINTS: [(f64, f64); 8] = [
        (1930.0, 2.0),
        (1940.0, 4.5),
        (1950.0, 7.0),
        (1960.0, 12.5),
        (1970.0, 20.0),
        (1980.0, 27.5),
        (1990.0, 34.5),
        (2010.0, 50.0),
    ];
    let y = f64::from(year);
    for w in POINTS.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if y <= x1 {
            return y0 + (y.max(x0) - x0) * (y1 - y0) / (x1 - x0);
        }
    }
    POINTS[POINTS.len() - 1].1
}

pub(super) fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// `30.123.456`.
pub(super) fn group_thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A surname without its leading particles (`de la Fuente`: `Fuente`).
pub(super) fn strip_particles(name: &str) -> &str {
    let mut rest = name;
    loop {
        let before = rest;
        for particle in ["de ", "del ", "la ", "las ", "los ", "De "] {
            if let Some(r) = rest.strip_prefix(particle) {
                rest = r;
            }
        }
        if rest == before {
            return rest;
        }
    }
}

/// A name folded for an email: lower case ASCII letters only.
pub(super) fn fold_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    crate::standardize::text::fold_each(word, |c| {
        if c.is_ascii_alphabetic() {
            out.push(c);
        }
    });
    out
}

/// Text without accents or tildes, as legacy systems write it.
pub(super) fn drop_accents(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'á' | 'à' | 'ä' => 'a',
            'é' | 'è' | 'ë' => 'e',
            'í' | 'ì' | 'ï' => 'i',
            'ó' | 'ò' | 'ö' => 'o',
            'ú' | 'ù' | 'ü' => 'u',
            'ñ' => 'n',
            'Á' | 'À' | 'Ä' => 'A',
            'É' | 'È' | 'Ë' => 'E',
            'Í' | 'Ì' | 'Ï' => 'I',
            'Ó' | 'Ò' | 'Ö' => 'O',
            'Ú' | 'Ù' | 'Ü' => 'U',
            'Ñ' => 'N',
            'º' | '°' => 'o',
            'ª' => 'a',
            c => c,
        })
        .collect()
}

/// The nicknames of a given name, or of its first name.
pub(super) fn nickname(given: &str) -> Option<&'static [&'static str]> {
    let find = |name: &str| {
        tables::NICKNAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, nicks)| *nicks)
    };
    find(given).or_else(|| find(given.split(' ').next()?))
}

/// FNV-1a, for remembering strings as numbers.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
