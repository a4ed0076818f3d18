//! Synthetic customer records with known duplicates, for testing, tuning and
//! benchmarking record consolidation at any size: Spanish and Argentine people
//! (the default), British and American people, or both
//! ([`SyntheticOptions::population`]).
//!
//! [`generate`] invents people and writes each one as a [`Record`], the way a
//! CRM holds it. Then, for a share of the people, it writes one to three more
//! records of the same person, corrupted the way real duplicates are.
//!
//! **Spanish and Argentine people** ([`Population::Hispanic`]) have names with
//! compound given names, accents and particles; two surnames in Spain, one or
//! two in Argentina; an email made from the name; a mobile and sometimes a
//! landline; a street address with its locality, province and postal code; a
//! birth date; a DNI, CUIT/CUIL, Spanish DNI or NIE with valid check digits.
//! Their copies carry:
//!
//! - a typo (one edit) in a name, accents lost, everything in upper case;
//! - a nickname for the given name (`Pepe` for `José`, `Paco` for `Francisco`,
//!   `Maite` for `María Teresa`), the second surname dropped or the surnames
//!   swapped, given name and surname typed in each other's field;
//! - the phone in another written form (`+54 9 11 4567-8901`,
//!   `011 15-4567-8901`), or another phone; the email with other case or dots,
//!   a misspelt provider, or another email;
//! - a digit wrong in the identifier, day and month swapped in the birth date;
//! - fields missing; the person moved house.
//!
//! Every record is also written in its own way, whether original or copy: dates as
//! `1986-01-09`, `09/01/1986` or `9 de enero de 1986`; identifiers with or
//! without dots and dashes, a CUIT where another record has the DNI; street
//! types spelt out or abbreviated (`Avenida`, `Av.`, `Avda.`; `Calle`, `C/`);
//! floors as `5º B` or `Piso 5 Dpto. B`; provinces by another name (`CABA`,
//! `Capital Federal`); Argentine postal codes as CPA (`C1425ABC`) or four digits.
//!
//! **British and American people** ([`Population::English`],
//! [`SyntheticOptions::english`]) have given names and surnames of both
//! countries, English, Welsh, Scottish and Irish (`Gwilym`, `Iain`, `Seán`,
//! `Siobhán`), most with a middle name; an American address (`1234 N Main St
//! Apt 4B`, city, state by code or name, ZIP or ZIP+4) or a British one (`Flat
//! 3, 12 High Street`, town, sometimes the county, postcode `SW1 2AB`); a phone
//! with or without `+1` or `+44`; an email from the name; a birth date, written
//! month first in the United States (`03/04/1986`) and day first in the
//! United Kingdom; a Social Security number for most Americans (nine digits,
//! area 001 to 899 but 666, group and serial not zero: no check digit) and a
//! National Insurance number (`AB123456C`) for some Britons. Their copies
//! carry nicknames and other forms of the given name from a hand-written
//! table of English hypocoristics and Celtic forms (`Bill`, `Liam` and
//! `Gwilym` for `William`; `Harry` for `Henry`; `Jack` and `Ian` for `John`;
//! `Peggy` for `Margaret`); scanning errors (`rn` for `m`, `1` for `l`);
//! typos; names spelt as they sound (`Smyth`, `Thomson`, `Philips`); the
//! surname or the whole name in the given-name field, a name left out;
//! placeholders (`Resident`, `Baby`, `Girl`, `Sir`, `Mr`), titles and
//! initials for the given name; the middle name shown; a birth date off by a
//! digit, a year, or the order of day and month; a married name; a move; a
//! wrong digit in the phone or the Social Security number; fields missing.
//!
//! Every record lists what it carries, as [`Corruptions`] (a set of
//! [`Corruption`] labels, originals too: the fields they leave out, a date
//! written month first that reads as another date day first), so that an
//! evaluation can break missed pairs down by kind (`examples/match_eval.rs`).
//!
//! It also writes people who must *not* be merged, with their [`Relation`] to
//! someone written before: members of one household (a spouse, a child, a
//! sibling) who share the address, the landline and sometimes the email; a
//! parent and child with the same name at one address (`Jr.`); and namesakes,
//! people with the same given name and surnames as someone else. Among the
//! English-speaking, also twins (same birth date, surname and address) and
//! household members whose form carries another member's Social Security
//! number. Names follow Zipf-like frequencies, so common names are common.
//!
//! The truth comes with the records: [`Synthetic::cluster`] names the person
//! behind each record, [`Synthetic::corruptions`] and [`Synthetic::relation`]
//! say how, and [`pair_counts`] scores a deduplication against it.
//!
//! ```
//! use ciclo::synthetic::{generate, SyntheticOptions};
//!
//! let data = generate(&SyntheticOptions::new(1_000, 7));
//! assert_eq!(data.records.len(), 1_000);
//! // 15% of the records are duplicates: 850 people.
//! assert_eq!(data.persons(), 850);
//! // Deduplicating perfectly means finding every pair of records of one person.
//! let perfect = ciclo::synthetic::pair_counts(&data.cluster, &data.cluster);
//! assert_eq!(perfect.f1(), 1.0);
//! ```
//!
//! British and American people, and what their copies carry:
//!
//! ```
//! use ciclo::synthetic::{generate, Corruption, Origin, Relation, SyntheticOptions};
//!
//! let data = generate(&SyntheticOptions::english(5_000, 7));
//! let nicknamed = (0..data.len())
//!     .filter(|&i| data.corruptions[i].contains(Corruption::Nickname))
//!     .count();
//! assert!(nicknamed > 50);
//! // Every copy carries at least one corruption (or nearly: a typo may fall
//! // on a field left out).
//! let copies = (0..data.len()).filter(|&i| data.origin[i] == Origin::Duplicate);
//! assert!(copies.filter(|&i| data.corruptions[i].is_empty()).count() < 20);
//! // Twins, among the hard negatives.
//! assert!(data.relation.iter().any(|r| matches!(r, Some((Relation::Twin, _)))));
//! ```
//!
//! The same options always give the same records, on every platform: the
//! generator uses its own small PRNG (splitmix64). It is a streaming
//! [`Generator`] underneath, so that a million records can be written to a
//! file ([`write_csv`]) without holding them in memory: about three seconds
//! and 50 MB for a million records, most of the memory in the set that keeps
//! identifiers, emails and phones unique. Adding the English-speaking
//! population changed nothing in the default's records: the same options give
//! the same Spanish and Argentine records as before.

mod generator;
mod labels;
mod rng;
mod score;
mod tables;
mod tables_en;

pub use generator::Generator;
pub use labels::{Corruption, Corruptions, Relation};
pub use score::{pair_counts, PairCounts};

use std::fmt::Write as _;

use crate::model::record::Record;

/// What to generate: how many records, how many of them duplicates, and the
/// mix of people.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntheticOptions {
    /// How many records to write in all.
    pub records: usize,
    /// The share of the records that are corrupted copies of an earlier record
    /// of the same person, from 0 to 0.75 (each duplicated person has one to
    /// three copies, 1.5 on average). The records make
    /// `records - round(records * duplicate_share)` people exactly.
    pub duplicate_share: f64,
    /// The share of people who live with someone written earlier (a spouse, a
    /// child, a sibling, or a child with the parent's name), sharing the
    /// address and often the landline: people a CRM must keep apart.
    pub household_share: f64,
    /// The share of people who have the given name and surnames of someone
    /// written earlier, and nothing else in common.
    pub namesake_share: f64,
    /// The share of people from Spain; the others are from Argentina (the
    /// Spanish-speaking people of [`Population::Hispanic`] and
    /// [`Population::Mixed`]).
    pub spain_share: f64,
    /// Which people: Spanish and Argentine (the default), English-speaking
    /// (British and American), or both.
    pub population: Population,
    /// The share of people from the United States; the others are from the
    /// United Kingdom (the English-speaking people of [`Population::English`]
    /// and [`Population::Mixed`]).
    pub us_share: f64,
    /// The seed: the same options give the same records.
    pub seed: u64,
}

/// The people a batch is made of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Population {
    /// Spanish and Argentine people ([`SyntheticOptions::spain_share`]): the
    /// default, and the only population before there were others (the same
    /// options give the same records as then).
    #[default]
    Hispanic,
    /// British and American people ([`SyntheticOptions::us_share`]).
    English,
    /// Half Hispanic, half English, person by person; a household or a
    /// namesake is of the population of the person it is related to.
    Mixed,
}

impl Population {
    /// `hispanic`, `english` or `mixed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Population::Hispanic => "hispanic",
            Population::English => "english",
            Population::Mixed => "mixed",
        }
    }

    /// A population by name: `hispanic` (or `es`), `english` (or `en`),
    /// `mixed`, in any case.
    ///
    /// ```
    /// use ciclo::synthetic::Population;
    ///
    /// assert_eq!(Population::parse("EN"), Some(Population::English));
    /// assert_eq!(Population::parse("es"), Some(Population::Hispanic));
    /// assert_eq!(Population::parse("fr"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Population> {
        match name.trim().to_ascii_lowercase().as_str() {
            "hispanic" | "es" | "spanish" => Some(Population::Hispanic),
            "english" | "en" => Some(Population::English),
            "mixed" | "mix" => Some(Population::Mixed),
            _ => None,
        }
    }
}

impl SyntheticOptions {
    /// `records` records from `seed`, with the default mix: 15% duplicates,
    /// 8% of people in a household with someone else, 2% namesakes, half
    /// Spanish and half Argentine ([`Population::Hispanic`]).
    pub fn new(records: usize, seed: u64) -> SyntheticOptions {
        SyntheticOptions {
            records,
            duplicate_share: 0.15,
            household_share: 0.08,
            namesake_share: 0.02,
            spain_share: 0.5,
            population: Population::Hispanic,
            us_share: 0.5,
            seed,
        }
    }

    /// [`SyntheticOptions::new`] for British and American people
    /// ([`Population::English`]), half and half, with more households (12%
    /// of people: the twins, the juniors and the copied identifiers of an
    /// English-speaking population come on top of spouses, children and
    /// siblings).
    ///
    /// ```
    /// use ciclo::synthetic::{generate, Population, SyntheticOptions};
    ///
    /// let options = SyntheticOptions::english(1_000, 7);
    /// assert_eq!(options.population, Population::English);
    /// let data = generate(&options);
    /// assert_eq!(data.persons(), 850);
    /// ```
    pub fn english(records: usize, seed: u64) -> SyntheticOptions {
        SyntheticOptions {
            population: Population::English,
            household_share: 0.12,
            ..SyntheticOptions::new(records, seed)
        }
    }
}

impl Default for SyntheticOptions {
    /// 10,000 records from seed 0, with the mix of [`SyntheticOptions::new`].
    fn default() -> SyntheticOptions {
        SyntheticOptions::new(10_000, 0)
    }
}

/// Why a record is there: the truth beyond the person it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The first record of a person unrelated to anyone written before.
    Person,
    /// A corrupted copy of an earlier record of the same person.
    Duplicate,
    /// The first record of a person living with someone written before:
    /// same address, often the same landline, sometimes the same email or
    /// even the same name (a parent and child).
    Household,
    /// The first record of a person with the given name and surnames of
    /// someone written before.
    Namesake,
}

impl Origin {
    /// `person`, `duplicate`, `household` or `namesake`.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Person => "person",
            Origin::Duplicate => "duplicate",
            Origin::Household => "household",
            Origin::Namesake => "namesake",
        }
    }
}

/// One generated record with its truth.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntheticRecord {
    /// The person behind the record: people are numbered from 0 in the order
    /// of their first record.
    pub cluster: u32,
    /// Why the record is there.
    pub origin: Origin,
    /// The record, as a host would send it.
    pub record: Record,
    /// How the record departs from the person: the corruptions of a copy,
    /// and the fields any record leaves out.
    pub corruptions: Corruptions,
    /// For a person related to someone written before (a household member or
    /// a namesake), how, and that someone's cluster; on every record of the
    /// person, copies too. `None` for people unrelated to anyone.
    pub relation: Option<(Relation, u32)>,
}

/// A generated batch: records, their ids and the truth.
///
/// The vectors are parallel: record `i` has id `ids[i]` (`r0`, `r1`, ...),
/// belongs to person `cluster[i]`, is there because of `origin[i]`, carries
/// `corruptions[i]`, and its person is related as `relation[i]` says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Synthetic {
    /// The record ids: `r` and the index.
    pub ids: Vec<String>,
    /// The records.
    pub records: Vec<Record>,
    /// The person behind each record (the truth), numbered from 0 in the
    /// order of their first record.
    pub cluster: Vec<u32>,
    /// Why each record is there.
    pub origin: Vec<Origin>,
    /// The corruptions each record carries
    /// ([`SyntheticRecord::corruptions`]).
    pub corruptions: Vec<Corruptions>,
    /// How each record's person is related to someone written before
    /// ([`SyntheticRecord::relation`]).
    pub relation: Vec<Option<(Relation, u32)>>,
}

impl Synthetic {
    /// How many records there are.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// How many people the records belong to.
    pub fn persons(&self) -> usize {
        self.cluster.iter().max().map_or(0, |&c| c as usize + 1)
    }

    /// How many records are duplicates of an earlier one.
    pub fn duplicates(&self) -> usize {
        self.origin
            .iter()
            .filter(|&&o| o == Origin::Duplicate)
            .count()
    }

    /// Scores a grouping of the records (any label per record, such as the
    /// index of the customer's first record) against the truth.
    ///
    /// # Panics
    ///
    /// When `found` does not have one label per record.
    pub fn score(&self, found: &[u32]) -> PairCounts {
        pair_counts(&self.cluster, found)
    }
}

/// Generates the records `options` asks for, with their truth.
///
/// This collects a [`Generator`]; use the generator itself to stream records
/// without holding them all.
///
/// # Panics
///
/// As [`Generator::new`].
pub fn generate(options: &SyntheticOptions) -> Synthetic {
    let n = options.records;
    let mut data = Synthetic {
        ids: Vec::with_capacity(n),
        records: Vec::with_capacity(n),
        cluster: Vec::with_capacity(n),
        origin: Vec::with_capacity(n),
        corruptions: Vec::with_capacity(n),
        relation: Vec::with_capacity(n),
    };
    for (i, r) in Generator::new(options).enumerate() {
        data.ids.push(format!("r{i}"));
        data.records.push(r.record);
        data.cluster.push(r.cluster);
        data.origin.push(r.origin);
        data.corruptions.push(r.corruptions);
        data.relation.push(r.relation);
    }
    data
}

/// The columns [`write_csv`] writes: the layout of `tests/data/dupes_es.csv`.
pub const CSV_COLUMNS: [&str; 13] = [
    "rec_id",
    "cluster_id",
    "given_name",
    "surname",
    "email",
    "phone",
    "street",
    "city",
    "province",
    "postal_code",
    "country",
    "birth_date",
    "national_id",
];

/// Writes records as CSV with a header row, in the layout of
/// `tests/data/dupes_es.csv` ([`CSV_COLUMNS`]): the record id (`r0`, `r1`,
/// ...), the truth as `cluster_id`, then the fields (a missing field is
/// empty). Returns how many records were written.
///
/// [`crate::import::read_csv`] reads the file back into the same records
/// (it ignores `cluster_id`). Records are streamed: pass a [`Generator`] to
/// write any number with little memory.
///
/// ```
/// use ciclo::synthetic::{generate, write_csv, Generator, SyntheticOptions};
///
/// let options = SyntheticOptions::new(100, 3);
/// let mut csv = Vec::new();
/// assert_eq!(write_csv(Generator::new(&options), &mut csv)?, 100);
/// let export = ciclo::import::read_csv(csv.as_slice(), &[])?;
/// assert_eq!(export.records, generate(&options).records);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// The writer's I/O errors.
pub fn write_csv<W: std::io::Write>(
    records: impl IntoIterator<Item = SyntheticRecord>,
    out: W,
) -> std::io::Result<usize> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(CSV_COLUMNS)?;
    let (mut id, mut cluster) = (String::new(), String::new());
    let mut written = 0;
    for (i, s) in records.into_iter().enumerate() {
        id.clear();
        cluster.clear();
        write!(id, "r{i}").expect("writing to a String");
        write!(cluster, "{}", s.cluster).expect("writing to a String");
        let r = &s.record;
        writer.write_record([
            id.as_str(),
            cluster.as_str(),
            field_text(&r.given_name),
            field_text(&r.surname),
            field_text(&r.email),
            field_text(&r.phone),
            field_text(&r.street),
            field_text(&r.locality),
            field_text(&r.province),
            field_text(&r.postal_code),
            field_text(&r.country),
            field_text(&r.birth_date),
            field_text(&r.national_id),
        ])?;
        written += 1;
    }
    writer.flush()?;
    Ok(written)
}

/// A field's text, empty when missing.
fn field_text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

#[cfg(test)]
mod tests;
