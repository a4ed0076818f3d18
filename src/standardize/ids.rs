//! National identifiers: Argentine CUIT/CUIL and DNI; Spanish DNI, NIE, NIF and
//! CIF. Validation (length, check digit or letter, prefix), the canonical form, who
//! holds the number (a person or a company) and the person's number inside it, so
//! that a CUIT and a DNI of the same person compare equal.
//!
//! ```
//! use ciclo::standardize::ids::{self, Holder, IdKind};
//!
//! let cuit = ids::normalize(IdKind::ArCuit, " 20 12345678 6 ").unwrap();
//! assert_eq!(cuit.canonical(), "20-12345678-6");
//! assert_eq!(cuit.holder(), Holder::Person);
//! assert_eq!(cuit.person_number(), Some("12345678"));
//!
//! let dni = ids::normalize(IdKind::ArDni, "12345678").unwrap();
//! assert_eq!(dni.canonical(), "12.345.678");
//! assert!(ids::same_person(&cuit, &dni));
//!
//! let wrong = ids::normalize(IdKind::EsDni, "12345678A").unwrap_err();
//! assert_eq!(wrong.code, "id.check_digit");
//! assert_eq!(wrong.suggestion.as_deref(), Some("12345678Z"));
//! ```
//!
//! # What is valid
//!
//! The rules are python-stdnum 2.2's (`stdnum.ar.cuit`, `ar.dni`, `es.dni`,
//! `es.nie`, `es.nif`, `es.cif`), and the tests check full agreement with it on
//! 2,900 cases:
//!
//! | kind | separators removed | valid | canonical |
//! |---|---|---|---|
//! | [`IdKind::ArCuit`] (CUIT and CUIL) | spaces, hyphens | 11 digits, a known prefix, the mod-11 check digit | `20-12345678-6` |
//! | [`IdKind::ArDni`] | spaces, dots | 7 or 8 digits | `12.345.678`, `1.234.567` |
//! | [`IdKind::EsDni`] | spaces, hyphens | 8 digits and the letter `TRWAGMYFPDXBNJZSQVHLCKE`\[n mod 23\] | `12345678Z` |
//! | [`IdKind::EsNie`] | spaces, hyphens | `X`, `Y` or `Z` (read as 0, 1, 2), 7 digits, the DNI letter | `X1234567L` |
//! | [`IdKind::EsCif`] | spaces, hyphens | an entity letter (`ABCDEFGHJNPQRSUVW`), 7 digits, a Luhn check digit or its letter (`JABCDEFGHI`) | `B58378431` |
//! | [`IdKind::EsNif`] | spaces, hyphens, an `ES` prefix | a DNI, a NIE, a CIF, or `K`/`L`/`M` + 7 digits + the DNI letter of those 7 digits | as above |
//!
//! Letters are upper-cased; surrounding whitespace is removed; Unicode dashes,
//! spaces, dots and full-width digits count as their ASCII forms. Anything else
//! (a dot in a CUIT, a hyphen in an Argentine DNI, a dot in a Spanish DNI) makes
//! the value invalid, as in stdnum; the problem then suggests the canonical form
//! when dropping every punctuation mark gives a valid identifier.
//!
//! One deliberate difference with stdnum: CUIT/CUIL prefixes 25 and 26 (people)
//! are accepted; stdnum 2.2 knows 20, 23, 24, 27, 30, 33, 34, 50, 51 and 55.
//!
//! # Problem codes
//!
//! Every problem is an [`Severity::Error`](super::Severity::Error):
//!
//! - `id.empty`: nothing but whitespace and separators;
//! - `id.invalid_characters`: a character that has no place in this kind of
//!   identifier (a letter in a CUIT, a dot in a Spanish DNI);
//! - `id.length`: the wrong number of digits (suggests the full identifier when
//!   only the check digit or letter is missing);
//! - `id.prefix`: an unknown CUIT/CUIL prefix, NIE letter or CIF entity letter;
//! - `id.check_digit`: the check digit or letter does not match (suggests the
//!   identifier with the right one);
//! - `id.unknown_kind`: an unknown kind name, or [`detect`] cannot tell the kind.

use std::fmt;

use compact_str::CompactString;

use super::{Country, Problem};

/// The kinds of national identifier this module knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IdKind {
    /// Argentina's CUIT (taxpayers) and CUIL (employees): one format, `20-12345678-6`.
    ArCuit,
    /// Argentina's DNI: 7 or 8 digits, `12.345.678`.
    ArDni,
    /// Spain's DNI (the NIF of Spanish citizens): 8 digits and a letter.
    EsDni,
    /// Spain's NIE (foreign residents): `X`, `Y` or `Z`, 7 digits and a letter.
    EsNie,
    /// Spain's NIF (tax number): any of a DNI, a NIE, a CIF, or a `K`/`L`/`M` number.
    EsNif,
    /// Spain's CIF (legal entities): an entity letter, 7 digits, a check digit or letter.
    EsCif,
}

impl IdKind {
    /// Every kind, in declaration order.
    pub const ALL: [IdKind; 6] = [
        IdKind::ArCuit,
        IdKind::ArDni,
        IdKind::EsDni,
        IdKind::EsNie,
        IdKind::EsNif,
        IdKind::EsCif,
    ];

    /// Parses a kind name: `ar_cuit` (or `ar_cuil`), `ar_dni`, `es_dni`, `es_nie`,
    /// `es_nif`, `es_cif`, in any case, surrounding whitespace ignored.
    ///
    /// ```
    /// use ciclo::standardize::ids::IdKind;
    ///
    /// assert_eq!(IdKind::parse("AR_CUIL"), Some(IdKind::ArCuit));
    /// assert_eq!(IdKind::parse("es_nie"), Some(IdKind::EsNie));
    /// assert_eq!(IdKind::parse("passport"), None);
    /// ```
    pub fn parse(name: &str) -> Option<IdKind> {
        let name = name.trim();
        if name.eq_ignore_ascii_case("ar_cuil") {
            return Some(IdKind::ArCuit);
        }
        IdKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(name))
    }

    /// The kind's name, as [`IdKind::parse`] reads it: `ar_cuit`, `ar_dni`,
    /// `es_dni`, `es_nie`, `es_nif` or `es_cif`.
    pub fn as_str(&self) -> &'static str {
        match self {
            IdKind::ArCuit => "ar_cuit",
            IdKind::ArDni => "ar_dni",
            IdKind::EsDni => "es_dni",
            IdKind::EsNie => "es_nie",
            IdKind::EsNif => "es_nif",
            IdKind::EsCif => "es_cif",
        }
    }

    /// The country that issues identifiers of this kind.
    pub fn country(&self) -> Country {
        match self {
            IdKind::ArCuit | IdKind::ArDni => Country::AR,
            IdKind::EsDni | IdKind::EsNie | IdKind::EsNif | IdKind::EsCif => Country::ES,
        }
    }

    /// The kind's name in the country's own words, for messages.
    fn label(&self) -> &'static str {
        match self {
            IdKind::ArCuit => "CUIT/CUIL",
            IdKind::ArDni => "Argentine DNI",
            IdKind::EsDni => "Spanish DNI",
            IdKind::EsNie => "NIE",
            IdKind::EsNif => "NIF",
            IdKind::EsCif => "CIF",
        }
    }
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who holds an identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Holder {
    /// A natural person: a DNI, a NIE, a person's CUIT/CUIL (prefixes 20, 23, 24,
    /// 25, 26, 27), a Spanish `K`/`L`/`M` NIF.
    Person,
    /// A company or other legal entity: a CUIT with prefix 30, 33 or 34, a CIF.
    Company,
    /// The number does not tell (CUIT prefixes 50, 51 and 55, issued for
    /// international purposes).
    Unknown,
}

impl Holder {
    /// `"person"`, `"company"` or `"unknown"`, as the JSON shapes write it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Holder::Person => "person",
            Holder::Company => "company",
            Holder::Unknown => "unknown",
        }
    }
}

/// A valid national identifier in canonical form.
///
/// Built by [`normalize`] or [`detect`]; two values are equal when they have the
/// same kind and canonical form. Use [`same_person`] to compare across kinds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NationalId {
    kind: IdKind,
    /// The display form, exactly python-stdnum's (`format()` for Argentina,
    /// `compact()` for Spain).
    canonical: CompactString,
    /// The minimal form: digits and letters only.
    compact: CompactString,
}

impl NationalId {
    /// The kind of identifier.
    pub fn kind(&self) -> IdKind {
        self.kind
    }

    /// The canonical form: `20-12345678-6` (CUIT/CUIL), `12.345.678` (Argentine
    /// DNI), `12345678Z`, `X1234567L`, `B58378431` (Spain, upper case, no
    /// separators, no `ES` prefix).
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The canonical form, owned.
    pub fn into_canonical(self) -> String {
        self.canonical.into_string()
    }

    /// The minimal form, digits and letters only: `20123456786`, `12345678`,
    /// `12345678Z`. The same as [`NationalId::canonical`] for Spanish kinds.
    pub fn compact(&self) -> &str {
        &self.compact
    }

    /// Who holds the identifier: see [`Holder`].
    ///
    /// ```
    /// use ciclo::standardize::ids::{normalize, Holder, IdKind};
    ///
    /// assert_eq!(normalize(IdKind::ArCuit, "30-50001091-2").unwrap().holder(), Holder::Company);
    /// assert_eq!(normalize(IdKind::EsNif, "B58378431").unwrap().holder(), Holder::Company);
    /// assert_eq!(Holder::Company.as_str(), "company");
    /// assert_eq!(normalize(IdKind::EsNif, "X5253868R").unwrap().holder(), Holder::Person);
    /// ```
    pub fn holder(&self) -> Holder {
        let b = self.compact.as_bytes();
        match self.kind {
            IdKind::ArCuit => match b.get(..2) {
                Some(b"20" | b"23" | b"24" | b"25" | b"26" | b"27") => Holder::Person,
                Some(b"30" | b"33" | b"34") => Holder::Company,
                _ => Holder::Unknown,
            },
            IdKind::ArDni | IdKind::EsDni | IdKind::EsNie => Holder::Person,
            IdKind::EsCif => Holder::Company,
            IdKind::EsNif => match b.first() {
                Some(c) if c.is_ascii_digit() || b"XYZKLM".contains(c) => Holder::Person,
                _ => Holder::Company,
            },
        }
    }

    /// The number that identifies the person within their country, if the holder
    /// is a person:
    ///
    /// - Argentina: the DNI digits without leading zeros, from a DNI or from the
    ///   middle of a person's CUIT/CUIL (`20-01234567-x` gives `1234567`);
    /// - Spain: the canonical DNI (`12345678Z`, whether given as a DNI or a NIF),
    ///   NIE or `K`/`L`/`M` NIF.
    ///
    /// `None` for companies and CUITs with prefixes 50, 51 and 55.
    pub fn person_number(&self) -> Option<&str> {
        if self.holder() != Holder::Person {
            return None;
        }
        let digits = match self.kind {
            IdKind::ArCuit => self.compact.get(2..10)?,
            IdKind::ArDni => self.compact.as_str(),
            _ => return Some(self.canonical.as_str()),
        };
        let trimmed = digits.trim_start_matches('0');
        if trimmed.is_empty() {
            // All zeros: keep one.
            digits.get(digits.len().saturating_sub(1)..)
        } else {
            Some(trimmed)
        }
    }
}

impl fmt::Display for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

/// Whether two identifiers belong to the same person: both held by people, issued
/// by the same country, with the same [`NationalId::person_number`].
///
/// ```
/// use ciclo::standardize::ids::{normalize, same_person, IdKind};
///
/// let cuil = normalize(IdKind::ArCuit, "20-01234567-5").unwrap();
/// let dni = normalize(IdKind::ArDni, "1.234.567").unwrap();
/// assert!(same_person(&cuil, &dni));
///
/// let nif = normalize(IdKind::EsNif, "ES 12345678-Z").unwrap();
/// let es_dni = normalize(IdKind::EsDni, "12345678z").unwrap();
/// assert!(same_person(&nif, &es_dni));
/// ```
pub fn same_person(a: &NationalId, b: &NationalId) -> bool {
    if a.kind.country() != b.kind.country() {
        return false;
    }
    match (a.person_number(), b.person_number()) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Validates `input` as an identifier of `kind` and returns it in canonical form.
///
/// # Errors
///
/// A [`Problem`] with one of the codes listed in the [module docs](self):
/// `id.empty`, `id.invalid_characters`, `id.length`, `id.prefix` or
/// `id.check_digit`, with a suggested value where one is known.
///
/// ```
/// use ciclo::standardize::ids::{normalize, IdKind};
///
/// assert_eq!(normalize(IdKind::EsNie, "x-2482300w").unwrap().canonical(), "X2482300W");
///
/// let p = normalize(IdKind::ArCuit, "20.12345678.6").unwrap_err();
/// assert_eq!(p.code, "id.invalid_characters");
/// assert_eq!(p.suggestion.as_deref(), Some("20-12345678-6"));
///
/// let p = normalize(IdKind::EsDni, "12345678").unwrap_err();
/// assert_eq!(p.code, "id.length");
/// assert_eq!(p.suggestion.as_deref(), Some("12345678Z"));
/// ```
pub fn normalize(kind: IdKind, input: &str) -> Result<NationalId, Problem> {
    let strict = Compact::new(input, |c| stdnum_separator(kind, c), kind.upper_cases());
    normalize_compact(kind, input, &strict)
}

/// [`normalize`] with the input already reduced the way stdnum's `compact()`
/// reduces it for `kind`.
fn normalize_compact(kind: IdKind, input: &str, strict: &Compact) -> Result<NationalId, Problem> {
    match validate(kind, strict) {
        Ok(id) => Ok(id),
        Err(mut problem) => {
            if problem.code == INVALID_CHARACTERS && problem.suggestion.is_none() {
                // Dropping every punctuation mark may reveal a valid identifier.
                let loose = Compact::new(input, |c| !c.is_alphanumeric(), true);
                if let Ok(id) = validate(kind, &loose) {
                    problem = problem.suggest(id.into_canonical());
                }
            }
            Err(problem)
        }
    }
}

/// [`normalize`] with the kind given by name, as [`IdKind::parse`] reads it.
///
/// # Errors
///
/// `id.unknown_kind` for a name [`IdKind::parse`] does not know, otherwise as
/// [`normalize`].
pub fn normalize_named(kind: &str, input: &str) -> Result<NationalId, Problem> {
    match IdKind::parse(kind) {
        Some(kind) => normalize(kind, input),
        None => Err(Problem::error(
            UNKNOWN_KIND,
            format!(
                "unknown identifier kind `{}`",
                crate::model::time::clip(kind.trim())
            ),
        )),
    }
}

/// Guesses the kind of an identifier from its shape and the record's country, then
/// [`normalize`]s it. For a record's national-id field that comes without a kind.
///
/// The shape is read after dropping punctuation and whitespace:
///
/// - Argentina: 11 digits are a CUIT/CUIL, 7 or 8 digits a DNI;
/// - Spain: 8 digits and a letter are a DNI; `X`/`Y`/`Z`, 7 digits and a letter a
///   NIE; `K`/`L`/`M`, 7 digits and a letter a NIF; an entity letter, 7 digits and
///   a check character a CIF; an `ES` prefix and 9 characters a NIF.
///
/// With `Some(Country::AR)` the Argentine shapes are tried first and also catch
/// near misses (9, 10 or 12 digits are a CUIT/CUIL with a wrong length, 1 to 6
/// digits a short DNI), so that the problem is specific; with `Some(Country::ES)`
/// the Spanish shapes come first and 8 digits alone are a DNI without its letter
/// (the problem suggests the letter). An identifier of the other country is still
/// recognised by its exact shape. Without a country, the exact shapes decide and
/// 7 or 8 bare digits are taken for an **Argentine DNI**. For any other country
/// the kind is unknown.
///
/// The kind only decides which rules apply: a dotted CUIT is still invalid, with
/// the canonical form as the suggestion, exactly as [`normalize`] says.
///
/// # Errors
///
/// `id.empty` when there is nothing to read, `id.unknown_kind` when no shape
/// fits, otherwise the problem [`normalize`] finds with the guessed kind.
///
/// ```
/// use ciclo::standardize::ids::{detect, IdKind};
/// use ciclo::standardize::Country;
///
/// assert_eq!(detect("20-12345678-6", None).unwrap().kind(), IdKind::ArCuit);
/// assert_eq!(detect("12.345.678", None).unwrap().kind(), IdKind::ArDni);
/// assert_eq!(detect("12345678-Z", Some(Country::ES)).unwrap().kind(), IdKind::EsDni);
/// assert_eq!(detect("B58378431", None).unwrap().kind(), IdKind::EsCif);
/// assert_eq!(detect("12345678", Some(Country::ES)).unwrap_err().code, "id.length");
/// ```
pub fn detect(input: &str, country: Option<Country>) -> Result<NationalId, Problem> {
    let shape = Compact::new(input, |c| !c.is_alphanumeric(), true);
    let kind = kind_of_shape(&shape, country)?;
    // A significant character for every byte: only letters and digits, the
    // usual case (a deleted separator or whitespace, or a character beyond
    // ASCII that counts once for several bytes, shortens the shape; `ß` counts
    // twice, as `SS`, in both readings). Nothing for any kind's separators to
    // delete, and the letters of a Spanish kind are upper-cased either way (an
    // Argentine shape is all digits): the shape is what `normalize` would read.
    if shape.len == input.len() {
        normalize_compact(kind, input, &shape)
    } else {
        normalize(kind, input)
    }
}

/// The kind [`detect`] guesses from the shape of an identifier (letters and
/// digits only, upper case) and the record's country.
fn kind_of_shape(shape: &Compact, country: Option<Country>) -> Result<IdKind, Problem> {
    if shape.len == 0 {
        return Err(empty());
    }
    if shape.bad {
        return Err(Problem::error(
            INVALID_CHARACTERS,
            "the identifier has characters that no known identifier uses",
        ));
    }
    let b = shape.bytes();
    let kind = match country {
        Some(Country::AR) => ar_shape(b, shape.len, true).or_else(|| es_shape(b, shape.len, false)),
        Some(Country::ES) => es_shape(b, shape.len, true).or_else(|| ar_shape(b, shape.len, false)),
        Some(other) => {
            return Err(Problem::error(
                UNKNOWN_KIND,
                format!("no national identifiers are known for {other}"),
            ))
        }
        None => ar_shape(b, shape.len, false).or_else(|| es_shape(b, shape.len, false)),
    };
    kind.ok_or_else(|| {
        Problem::error(
            UNKNOWN_KIND,
            "could not tell which kind of identifier this is",
        )
    })
}

/// The Argentine kind with this compact shape. `loose` also takes near misses.
fn ar_shape(b: &[u8], len: usize, loose: bool) -> Option<IdKind> {
    if len > b.len() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    match len {
        11 => Some(IdKind::ArCuit),
        7 | 8 => Some(IdKind::ArDni),
        9 | 10 | 12 if loose => Some(IdKind::ArCuit),
        1..=6 if loose => Some(IdKind::ArDni),
        _ => None,
    }
}

/// The Spanish kind with this compact shape. `loose` also takes near misses.
fn es_shape(b: &[u8], len: usize, loose: bool) -> Option<IdKind> {
    if len > b.len() {
        return None;
    }
    if len == 11 && b.starts_with(b"ES") {
        return Some(IdKind::EsNif);
    }
    let all_digits = b.iter().all(u8::is_ascii_digit);
    if loose && len == 8 && all_digits {
        return Some(IdKind::EsDni);
    }
    let lengths = if loose { 8..=10 } else { 9..=9 };
    if !lengths.contains(&len) || all_digits {
        return None;
    }
    let (&first, rest) = b.split_first()?;
    let (&last, middle) = rest.split_last()?;
    if !middle.iter().all(u8::is_ascii_digit) {
        return None;
    }
    match first {
        b'0'..=b'9' if last.is_ascii_alphabetic() => Some(IdKind::EsDni),
        b'X' | b'Y' | b'Z' => Some(IdKind::EsNie),
        b'K' | b'L' | b'M' => Some(IdKind::EsNif),
        c if CIF_LETTERS.contains(&c) => Some(IdKind::EsCif),
        _ => None,
    }
}

const EMPTY: &str = "id.empty";
const INVALID_CHARACTERS: &str = "id.invalid_characters";
const LENGTH: &str = "id.length";
const PREFIX: &str = "id.prefix";
const CHECK_DIGIT: &str = "id.check_digit";
const UNKNOWN_KIND: &str = "id.unknown_kind";

/// Spanish DNI/NIE/NIF check letters, indexed by the number modulo 23.
const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
/// First letters of a valid CIF (the entity type).
const CIF_LETTERS: &[u8] = b"ABCDEFGHJNPQRSUVW";
/// CIF check letters, indexed by the check digit.
const CIF_CHECK_LETTERS: &[u8; 10] = b"JABCDEFGHI";
/// Known CUIT/CUIL prefixes: stdnum's, plus 25 and 26.
const CUIT_PREFIXES: [&[u8; 2]; 12] = [
    b"20", b"23", b"24", b"25", b"26", b"27", b"30", b"33", b"34", b"50", b"51", b"55",
];

/// How many significant characters [`Compact`] keeps; every valid compact form
/// is shorter.
const CAP: usize = 16;

impl IdKind {
    /// Whether stdnum upper-cases the value before validating it.
    fn upper_cases(&self) -> bool {
        !matches!(self, IdKind::ArCuit | IdKind::ArDni)
    }
}

/// The separators stdnum's `compact()` deletes for `kind`, after mapping Unicode
/// look-alikes (see [`ascii_lookalike`]).
fn stdnum_separator(kind: IdKind, c: char) -> bool {
    match kind {
        IdKind::ArDni => c == ' ' || c == '.',
        _ => c == ' ' || c == '-',
    }
}

/// The ASCII character stdnum's `clean()` reads a Unicode space, dash, dot or
/// digit as; anything else unchanged.
fn ascii_lookalike(c: char) -> char {
    match c {
        '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => ' ',
        '\u{af}'
        | '\u{2d7}'
        | '\u{58a}'
        | '\u{5be}'
        | '\u{1680}'
        | '\u{180a}'
        | '\u{2010}'..='\u{2015}'
        | '\u{203e}'
        | '\u{2043}'
        | '\u{207b}'
        | '\u{208b}'
        | '\u{2212}'
        | '\u{23af}'
        | '\u{23ba}'..='\u{23bd}'
        | '\u{23e4}'
        | '\u{fe63}'
        | '\u{ff0d}'
        | '\u{ffe3}' => '-',
        '\u{b7}' | '\u{2d9}' | '\u{387}' | '\u{6d4}' | '\u{701}' | '\u{702}' | '\u{830}'
        | '\u{f0b}' | '\u{f0c}' | '\u{16eb}' | '\u{2022}' | '\u{2024}' | '\u{2027}'
        | '\u{2219}' | '\u{22c5}' | '\u{2e31}' | '\u{2e33}' | '\u{3002}' | '\u{30fb}'
        | '\u{fbb2}' | '\u{fbb3}' | '\u{fe52}' | '\u{ff0e}' | '\u{ff65}' | '\u{10101}'
        | '\u{1091f}' | '\u{10a50}' => '.',
        // Full-width digits and the five mathematical digit sets.
        '\u{ff10}'..='\u{ff19}' => digit((c as u32 - 0xff10) as u8),
        '\u{1d7ce}'..='\u{1d7ff}' => digit(((c as u32 - 0x1d7ce) % 10) as u8),
        _ => c,
    }
}

fn digit(n: u8) -> char {
    char::from(b'0' + n % 10)
}

/// Whitespace as Python's `str.strip()` sees it.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// An input reduced the way stdnum's `compact()` does: Unicode look-alikes read
/// as ASCII, separators deleted, optionally upper-cased, surrounding whitespace
/// trimmed. Only ASCII letters and digits are stored, at most [`CAP`] of them.
struct Compact {
    buf: [u8; CAP],
    /// Significant characters seen, stored or not.
    len: usize,
    /// Whether a character other than an ASCII letter or digit remains
    /// (whitespace inside, punctuation, other scripts).
    bad: bool,
    /// Whitespace seen after the first significant character and not yet
    /// followed by another (trimmed if nothing follows).
    pending_space: bool,
}

impl Compact {
    fn new(input: &str, delete: impl Fn(char) -> bool, upper: bool) -> Compact {
        let mut out = Compact {
            buf: [0; CAP],
            len: 0,
            bad: false,
            pending_space: false,
        };
        if input.is_ascii() {
            // Nothing to map and upper case is one byte: the common, fast path.
            for &byte in input.as_bytes() {
                // Letters and digits are never deleted: stored at once while
                // there is room and no whitespace is pending.
                if byte.is_ascii_alphanumeric() && !out.pending_space {
                    if let Some(slot) = out.buf.get_mut(out.len) {
                        *slot = if upper {
                            byte.to_ascii_uppercase()
                        } else {
                            byte
                        };
                        out.len += 1;
                        continue;
                    }
                }
                if delete(char::from(byte)) {
                    continue;
                }
                out.push_ascii(if upper {
                    byte.to_ascii_uppercase()
                } else {
                    byte
                });
            }
            return out;
        }
        for c in input.chars() {
            let c = ascii_lookalike(c);
            if delete(c) {
                continue;
            }
            if upper && !c.is_ascii() {
                for u in c.to_uppercase() {
                    out.push(u);
                }
            } else if upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    /// [`Compact::push`] for an ASCII byte: a letter or digit with no
    /// whitespace pending, the usual case, is stored at once.
    #[inline]
    fn push_ascii(&mut self, b: u8) {
        match self.buf.get_mut(self.len) {
            Some(slot) if b.is_ascii_alphanumeric() && !self.pending_space => {
                *slot = b;
                self.len += 1;
            }
            _ => self.push(char::from(b)),
        }
    }

    #[inline]
    fn push(&mut self, c: char) {
        if is_py_space(c) {
            // Leading whitespace is trimmed; inside, it is invalid; at the end,
            // trimmed too, so it only counts when something follows.
            self.pending_space |= self.len > 0;
            return;
        }
        if self.pending_space {
            self.bad = true;
            self.pending_space = false;
        }
        if c.is_ascii_alphanumeric() {
            if let Some(slot) = self.buf.get_mut(self.len) {
                *slot = c as u8;
            }
        } else {
            self.bad = true;
        }
        self.len = self.len.saturating_add(1);
    }

    /// The stored characters (all of them unless `len > CAP`).
    fn bytes(&self) -> &[u8] {
        self.buf.get(..self.len.min(CAP)).unwrap_or(&[])
    }
}

fn empty() -> Problem {
    Problem::error(EMPTY, "the identifier is empty")
}

fn invalid_characters(kind: IdKind, what: &str) -> Problem {
    Problem::error(INVALID_CHARACTERS, format!("a {} has {what}", kind.label()))
}

fn wrong_length(kind: IdKind, expected: &str, len: usize) -> Problem {
    Problem::error(
        LENGTH,
        format!("a {} has {expected}, not {len}", kind.label()),
    )
}

fn bad_check(kind: IdKind, suggestion: Option<String>) -> Problem {
    let p = Problem::error(
        CHECK_DIGIT,
        format!("the {}'s check digit or letter is wrong", kind.label()),
    );
    match suggestion {
        Some(s) => p.suggest(s),
        None => p,
    }
}

fn validate(kind: IdKind, c: &Compact) -> Result<NationalId, Problem> {
    if c.len == 0 {
        return Err(empty());
    }
    if c.bad {
        return Err(invalid_characters(
            kind,
            "only digits, letters and separators",
        ));
    }
    let b = c.bytes();
    match kind {
        IdKind::ArCuit => cuit(b, c.len),
        IdKind::ArDni => ar_dni(b, c.len),
        IdKind::EsDni => es_dni(kind, b, c.len),
        IdKind::EsNie => nie(kind, b, c.len),
        IdKind::EsCif => cif(kind, b, c.len),
        IdKind::EsNif => nif(b, c.len),
    }
}

fn id(kind: IdKind, canonical: CompactString, compact: &[u8]) -> NationalId {
    let compact = if kind.country() == Country::ES {
        // The canonical form is the compact one (inline, so cloning is a copy).
        canonical.clone()
    } else {
        ascii(compact)
    };
    NationalId {
        kind,
        canonical,
        compact,
    }
}

/// `bytes` (ASCII letters, digits and separators) as a string.
fn ascii(bytes: &[u8]) -> CompactString {
    CompactString::new(super::text::ascii_str(bytes).unwrap_or_default())
}

fn cuit_check(first10: &[u8]) -> u8 {
    const WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
    let sum: u32 = WEIGHTS
        .iter()
        .zip(first10)
        .map(|(w, d)| w * u32::from(d - b'0'))
        .sum();
    // stdnum: '012345678990'[11 - sum % 11]; a remainder of 1 gives 9.
    match sum % 11 {
        0 => b'0',
        1 => b'9',
        r => b'0' + (11 - r) as u8,
    }
}

/// `PP-NNNNNNNN-C` from 11 digits.
fn cuit_format(d: &[u8; 11]) -> CompactString {
    let mut s = [b'-'; 13];
    s[..2].copy_from_slice(&d[..2]);
    s[3..11].copy_from_slice(&d[2..10]);
    s[12] = d[10];
    ascii(&s)
}

fn cuit(b: &[u8], len: usize) -> Result<NationalId, Problem> {
    let kind = IdKind::ArCuit;
    if !b.iter().all(u8::is_ascii_digit) {
        return Err(invalid_characters(kind, "only digits"));
    }
    let known_prefix = |p: &[u8]| CUIT_PREFIXES.iter().any(|k| k.as_slice() == p);
    let Ok(d) = <[u8; 11]>::try_from(b) else {
        let mut p = wrong_length(kind, "11 digits", len);
        if len == 10 && known_prefix(b.get(..2).unwrap_or(&[])) {
            // Only the check digit is missing.
            let mut full = [0u8; 11];
            full[..10].copy_from_slice(b.get(..10).unwrap_or(&[0; 10]));
            full[10] = cuit_check(b);
            p = p.suggest(cuit_format(&full));
        }
        return Err(p);
    };
    if !known_prefix(&d[..2]) {
        return Err(Problem::error(
            PREFIX,
            format!(
                "`{}` is not a CUIT/CUIL prefix (20, 23, 24, 25, 26, 27 for people, 30, 33, 34 for companies)",
                ascii(&d[..2])
            ),
        ));
    }
    let check = cuit_check(&d[..10]);
    if check != d[10] {
        let mut fixed = d;
        fixed[10] = check;
        return Err(bad_check(kind, Some(cuit_format(&fixed).into_string())));
    }
    Ok(id(kind, cuit_format(&d), &d))
}

fn ar_dni(b: &[u8], len: usize) -> Result<NationalId, Problem> {
    let kind = IdKind::ArDni;
    if !b.iter().all(u8::is_ascii_digit) {
        return Err(invalid_characters(kind, "only digits"));
    }
    if !(7..=8).contains(&len) || b.len() != len {
        return Err(wrong_length(kind, "7 or 8 digits", len));
    }
    // stdnum: '.'.join((n[:-6], n[-6:-3], n[-3:])).
    let mut s = [b'.'; 10];
    let head = len - 6;
    for (i, &d) in b.iter().enumerate() {
        let at = if i < head {
            i
        } else if i < head + 3 {
            i + 1
        } else {
            i + 2
        };
        if let Some(slot) = s.get_mut(at) {
            *slot = d;
        }
    }
    let s = ascii(s.get(..len + 2).unwrap_or(&[]));
    Ok(id(kind, s, b))
}

/// The DNI letter of a run of ASCII digits.
fn dni_letter(digits: &[u8]) -> u8 {
    // Eight digits at most: the number fits, and one remainder suffices.
    let n = digits
        .iter()
        .fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
    DNI_LETTERS[(n % 23) as usize]
}

/// Checks the last of 9 characters `d` (the rest already checked) against
/// `check` or, if given, its alternative form `also`.
fn es_checked(
    kind: IdKind,
    d: [u8; 9],
    check: u8,
    also: Option<u8>,
) -> Result<NationalId, Problem> {
    if d[8] == check || also == Some(d[8]) {
        return Ok(id(kind, ascii(&d), &d));
    }
    // Suggest only when the check is a letter in the right place (a 9th digit is
    // more likely a typo in the number than in the check).
    let suggest = if d[8].is_ascii_alphabetic() || also.is_some() {
        let mut fixed = d;
        fixed[8] = check;
        Some(ascii(&fixed).into_string())
    } else {
        None
    };
    Err(bad_check(kind, suggest))
}

fn es_dni(kind: IdKind, b: &[u8], len: usize) -> Result<NationalId, Problem> {
    let Ok(d) = <[u8; 9]>::try_from(b) else {
        let mut p = wrong_length(kind, "8 digits and a letter", len);
        if len == 8 && b.iter().all(u8::is_ascii_digit) {
            let mut s = ascii(b);
            s.push(char::from(dni_letter(b)));
            p = p.suggest(s);
        }
        return Err(p);
    };
    if !d[..8].iter().all(u8::is_ascii_digit) {
        return Err(invalid_characters(kind, "8 digits before its letter"));
    }
    es_checked(kind, d, dni_letter(&d[..8]), None)
}

fn nie(kind: IdKind, b: &[u8], len: usize) -> Result<NationalId, Problem> {
    let first = b.first().copied().unwrap_or(0);
    let lead = match first {
        b'X' => b'0',
        b'Y' => b'1',
        b'Z' => b'2',
        _ => {
            return Err(Problem::error(
                PREFIX,
                format!("a {} starts with X, Y or Z", kind.label()),
            ))
        }
    };
    let Ok(d) = <[u8; 9]>::try_from(b) else {
        let mut p = wrong_length(kind, "9 characters", len);
        if len == 8 && b.iter().skip(1).all(u8::is_ascii_digit) {
            let mut digits = [0u8; 8];
            digits[0] = lead;
            digits[1..].copy_from_slice(b.get(1..8).unwrap_or(&[0; 7]));
            let mut s = ascii(b);
            s.push(char::from(dni_letter(&digits)));
            p = p.suggest(s);
        }
        return Err(p);
    };
    if !d[1..8].iter().all(u8::is_ascii_digit) {
        return Err(invalid_characters(kind, "7 digits between its letters"));
    }
    let mut digits = [lead; 8];
    digits[1..].copy_from_slice(&d[1..8]);
    es_checked(kind, d, dni_letter(&digits), None)
}

/// The Luhn check digit of seven digits.
fn luhn_check(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let v = u32::from(d - b'0');
            if i % 2 == 0 {
                let x = v * 2;
                x / 10 + x % 10
            } else {
                v
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

fn cif(kind: IdKind, b: &[u8], len: usize) -> Result<NationalId, Problem> {
    let Ok(d) = <[u8; 9]>::try_from(b) else {
        return Err(wrong_length(kind, "9 characters", len));
    };
    if !d[1..8].iter().all(u8::is_ascii_digit) {
        return Err(invalid_characters(
            kind,
            "7 digits between its first and last characters",
        ));
    }
    if !CIF_LETTERS.contains(&d[0]) {
        return Err(Problem::error(
            PREFIX,
            format!(
                "`{}` is not a CIF entity letter (A-H, J, N, P-S, U-W)",
                char::from(d[0])
            ),
        ));
    }
    let n = luhn_check(&d[1..8]);
    let as_digit = b'0' + n;
    let as_letter = CIF_CHECK_LETTERS[usize::from(n)];
    // Either form is valid; when suggesting, prefer the one the entity type uses.
    let (check, also) = match d[0] {
        b'N' | b'P' | b'Q' | b'R' | b'S' | b'W' => (as_letter, as_digit),
        _ if d[8].is_ascii_alphabetic() && !matches!(d[0], b'A' | b'B' | b'E' | b'H') => {
            (as_letter, as_digit)
        }
        _ => (as_digit, as_letter),
    };
    es_checked(kind, d, check, Some(also))
}

fn nif(b: &[u8], len: usize) -> Result<NationalId, Problem> {
    let kind = IdKind::EsNif;
    let (b, len) = if b.starts_with(b"ES") {
        (b.get(2..).unwrap_or(&[]), len - 2)
    } else {
        (b, len)
    };
    if len == 0 {
        return Err(empty());
    }
    let first = b.first().copied().unwrap_or(0);
    match first {
        b'0'..=b'9' => es_dni(kind, b, len),
        b'X' | b'Y' | b'Z' => nie(kind, b, len),
        b'K' | b'L' | b'M' => {
            let Ok(d) = <[u8; 9]>::try_from(b) else {
                return Err(wrong_length(kind, "9 characters", len));
            };
            if !d[1..8].iter().all(u8::is_ascii_digit) {
                return Err(invalid_characters(kind, "7 digits between its letters"));
            }
            es_checked(kind, d, dni_letter(&d[1..8]), None)
        }
        _ => cif(kind, b, len),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(kind: IdKind, input: &str) -> NationalId {
        match normalize(kind, input) {
            Ok(id) => id,
            Err(p) => panic!("{kind} {input:?}: {p}"),
        }
    }

    fn err(kind: IdKind, input: &str) -> Problem {
        match normalize(kind, input) {
            Ok(id) => panic!("{kind} {input:?} accepted as {id}"),
            Err(p) => p,
        }
    }

    #[test]
    fn kind_names_round_trip() {
        for k in IdKind::ALL {
            assert_eq!(IdKind::parse(k.as_str()), Some(k));
            assert_eq!(
                IdKind::parse(&format!(" {} ", k.as_str().to_uppercase())),
                Some(k)
            );
        }
        assert_eq!(IdKind::parse("ar_cuil"), Some(IdKind::ArCuit));
        assert_eq!(IdKind::parse(""), None);
        assert_eq!(IdKind::ArCuit.country(), Country::AR);
        assert_eq!(IdKind::EsCif.country(), Country::ES);
        assert_eq!(normalize_named("x", "1").unwrap_err().code, UNKNOWN_KIND);
        assert_eq!(
            normalize_named("ES_DNI", "12345678z").unwrap().canonical(),
            "12345678Z"
        );
    }

    #[test]
    fn cuit_good_and_bad() {
        // stdnum's doctests.
        assert_eq!(
            ok(IdKind::ArCuit, "20-05536168-2").canonical(),
            "20-05536168-2"
        );
        assert_eq!(
            ok(IdKind::ArCuit, "20267565393").canonical(),
            "20-26756539-3"
        );
        assert_eq!(
            ok(IdKind::ArCuit, " 23 - 90996030 - 4 ").compact(),
            "23909960304"
        );
        assert_eq!(
            ok(IdKind::ArCuit, "20\u{2013}26756539\u{2013}3").canonical(),
            "20-26756539-3"
        );
        assert_eq!(
            ok(IdKind::ArCuit, "\t20267565393\n").canonical(),
            "20-26756539-3"
        );
        assert_eq!(err(IdKind::ArCuit, "2026756539").code, LENGTH);
        assert_eq!(err(IdKind::ArCuit, "2026756A393").code, INVALID_CHARACTERS);
        let p = err(IdKind::ArCuit, "20267565392");
        assert_eq!(p.code, CHECK_DIGIT);
        assert_eq!(p.suggestion.as_deref(), Some("20-26756539-3"));
        assert_eq!(err(IdKind::ArCuit, "21267565393").code, PREFIX);
        let p = err(IdKind::ArCuit, "20.26756539.3");
        assert_eq!(p.code, INVALID_CHARACTERS);
        assert_eq!(p.suggestion.as_deref(), Some("20-26756539-3"));
        let p = err(IdKind::ArCuit, "2026756539");
        assert_eq!(p.suggestion.as_deref(), Some("20-26756539-3"));
        assert_eq!(
            err(IdKind::ArCuit, "20-2675\t6539-3").code,
            INVALID_CHARACTERS
        );
        // Prefixes 25 and 26 are people's (stdnum does not know them).
        assert_eq!(ok(IdKind::ArCuit, "25123456788").holder(), Holder::Person);
        assert_eq!(ok(IdKind::ArCuit, "50000000024").holder(), Holder::Unknown);
    }

    #[test]
    fn cuit_check_digits_match_stdnum() {
        // Vectors from stdnum.ar.cuit.calc_check_digit; the first has a weighted
        // sum of 1 mod 11, which stdnum maps to 9.
        assert_eq!(cuit_check(b"2000000080"), b'9');
        assert_eq!(cuit_check(b"2500000000"), b'3');
        assert_eq!(cuit_check(b"5000000002"), b'4');
        assert_eq!(cuit_check(b"2512345678"), b'8');
    }

    #[test]
    fn ar_dni_good_and_bad() {
        assert_eq!(ok(IdKind::ArDni, "20.123.456").canonical(), "20.123.456");
        assert_eq!(ok(IdKind::ArDni, " 1803706 ").canonical(), "1.803.706");
        assert_eq!(ok(IdKind::ArDni, "66 . 386.8 91").canonical(), "66.386.891");
        assert_eq!(
            ok(IdKind::ArDni, "20\u{b7}123\u{b7}456").compact(),
            "20123456"
        );
        assert_eq!(ok(IdKind::ArDni, "２０１２３４５６").compact(), "20123456");
        assert_eq!(err(IdKind::ArDni, "2012345699").code, LENGTH);
        assert_eq!(err(IdKind::ArDni, "123456").code, LENGTH);
        let p = err(IdKind::ArDni, "20-123-456");
        assert_eq!(p.code, INVALID_CHARACTERS);
        assert_eq!(p.suggestion.as_deref(), Some("20.123.456"));
        assert_eq!(err(IdKind::ArDni, "2O123456").code, INVALID_CHARACTERS);
        assert_eq!(err(IdKind::ArDni, " . ").code, EMPTY);
    }

    #[test]
    fn es_dni_good_and_bad() {
        assert_eq!(ok(IdKind::EsDni, "54362315-K").canonical(), "54362315K");
        assert_eq!(ok(IdKind::EsDni, "54362315k").canonical(), "54362315K");
        let p = err(IdKind::EsDni, "54362315Z");
        assert_eq!(p.code, CHECK_DIGIT);
        assert_eq!(p.suggestion.as_deref(), Some("54362315K"));
        let p = err(IdKind::EsDni, "54362315");
        assert_eq!(p.code, LENGTH);
        assert_eq!(p.suggestion.as_deref(), Some("54362315K"));
        let p = err(IdKind::EsDni, "54.362.315-K");
        assert_eq!(p.code, INVALID_CHARACTERS);
        assert_eq!(p.suggestion.as_deref(), Some("54362315K"));
        assert_eq!(err(IdKind::EsDni, "543623159").suggestion, None);
        assert_eq!(err(IdKind::EsDni, "X4362315K").code, INVALID_CHARACTERS);
        // A NIE is not a DNI.
        assert!(normalize(IdKind::EsDni, "X2482300W").is_err());
    }

    #[test]
    fn nie_good_and_bad() {
        assert_eq!(ok(IdKind::EsNie, "x-2482300w").canonical(), "X2482300W");
        let p = err(IdKind::EsNie, "x-2482300a");
        assert_eq!(p.code, CHECK_DIGIT);
        assert_eq!(p.suggestion.as_deref(), Some("X2482300W"));
        let p = err(IdKind::EsNie, "X2482300");
        assert_eq!(p.code, LENGTH);
        assert_eq!(p.suggestion.as_deref(), Some("X2482300W"));
        assert_eq!(err(IdKind::EsNie, "A2482300W").code, PREFIX);
        assert_eq!(ok(IdKind::EsNie, "Y0000000Z").holder(), Holder::Person);
    }

    #[test]
    fn cif_good_and_bad() {
        assert_eq!(ok(IdKind::EsCif, "J99216582").canonical(), "J99216582");
        assert_eq!(ok(IdKind::EsCif, "a13 585 625").canonical(), "A13585625");
        let p = err(IdKind::EsCif, "J99216583");
        assert_eq!(p.code, CHECK_DIGIT);
        assert_eq!(p.suggestion.as_deref(), Some("J99216582"));
        assert_eq!(err(IdKind::EsCif, "J992165831").code, LENGTH);
        assert_eq!(err(IdKind::EsCif, "M-1234567-L").code, PREFIX);
        assert_eq!(err(IdKind::EsCif, "O-1234567-L").code, PREFIX);
        // Both check forms: 2 and its letter B.
        assert_eq!(ok(IdKind::EsCif, "J9921658B").canonical(), "J9921658B");
        // A public body with a numeric check is told the letter.
        let q = ok(IdKind::EsCif, "P0646917E");
        assert_eq!(q.holder(), Holder::Company);
        assert_eq!(q.person_number(), None);
        let p = err(IdKind::EsCif, "P0646917X");
        assert_eq!(p.suggestion.as_deref(), Some("P0646917E"));
    }

    #[test]
    fn nif_accepts_every_spanish_form() {
        assert_eq!(ok(IdKind::EsNif, "ES B-58378431").canonical(), "B58378431");
        assert_eq!(ok(IdKind::EsNif, "B64717838").holder(), Holder::Company);
        assert_eq!(err(IdKind::EsNif, "B64717839").code, CHECK_DIGIT);
        assert_eq!(ok(IdKind::EsNif, "54362315K").holder(), Holder::Person);
        assert_eq!(ok(IdKind::EsNif, "X-5253868-R").canonical(), "X5253868R");
        // K, L and M use the DNI letter of their 7 digits.
        let letter = char::from(dni_letter(b"1234567"));
        let klm = format!("M1234567{letter}");
        let m = ok(IdKind::EsNif, &klm);
        assert_eq!(m.holder(), Holder::Person);
        assert_eq!(m.person_number(), Some(klm.as_str()));
        assert_eq!(err(IdKind::EsNif, "M1234567A").code, CHECK_DIGIT);
        assert_eq!(err(IdKind::EsNif, "ES").code, EMPTY);
        assert_eq!(err(IdKind::EsNif, "O1234567L").code, PREFIX);
    }

    #[test]
    fn holder_and_person_number() {
        let c = ok(IdKind::ArCuit, "20-05536168-2");
        assert_eq!(c.holder(), Holder::Person);
        assert_eq!(c.person_number(), Some("5536168"));
        let d = ok(IdKind::ArDni, "5.536.168");
        assert_eq!(d.person_number(), Some("5536168"));
        assert!(same_person(&c, &d));
        let co = ok(IdKind::ArCuit, "30-50001091-2");
        assert_eq!(co.holder(), Holder::Company);
        assert_eq!(co.person_number(), None);
        assert!(!same_person(&co, &co));
        let es = ok(IdKind::EsDni, "05536168E");
        assert_eq!(es.person_number(), Some(es.canonical()));
        // Different countries never match.
        let ar = ok(IdKind::ArDni, "12345678");
        let es = ok(IdKind::EsDni, "12345678Z");
        assert!(!same_person(&ar, &es));
        assert!(same_person(&es, &ok(IdKind::EsNif, "ES12345678Z")));
        // A different DNI does not match.
        assert!(!same_person(&c, &ar));
        assert_eq!(ok(IdKind::ArDni, "0000000").person_number(), Some("0"));
    }

    #[test]
    fn detect_guesses_from_shape_and_country() {
        let ar = Some(Country::AR);
        let es = Some(Country::ES);
        let kind = |input: &str, c: Option<Country>| detect(input, c).map(|id| id.kind());
        assert_eq!(kind("20-26756539-3", None), Ok(IdKind::ArCuit));
        assert_eq!(kind("20.123.456", None), Ok(IdKind::ArDni));
        assert_eq!(kind("1803706", ar), Ok(IdKind::ArDni));
        assert_eq!(kind("54362315-K", None), Ok(IdKind::EsDni));
        assert_eq!(kind("x-2482300w", es), Ok(IdKind::EsNie));
        assert_eq!(kind("B58378431", es), Ok(IdKind::EsCif));
        assert_eq!(kind("ES B58378431", None), Ok(IdKind::EsNif));
        assert_eq!(kind("54362315K", ar), Ok(IdKind::EsDni));
        assert_eq!(kind("20267565393", es), Ok(IdKind::ArCuit));
        // Near misses are specific with a country.
        assert_eq!(detect("2026756539", ar).unwrap_err().code, LENGTH);
        let p = detect("54362315", es).unwrap_err();
        assert_eq!(
            (p.code, p.suggestion.as_deref()),
            (LENGTH, Some("54362315K"))
        );
        assert_eq!(detect("54362315", None).unwrap().kind(), IdKind::ArDni);
        assert_eq!(detect("2026756539", None).unwrap_err().code, UNKNOWN_KIND);
        assert_eq!(
            detect("12345678", Some(Country::UY)).unwrap_err().code,
            UNKNOWN_KIND
        );
        assert_eq!(detect(" - ", None).unwrap_err().code, EMPTY);
        assert_eq!(
            detect("ñ1234567", None).unwrap_err().code,
            INVALID_CHARACTERS
        );
        // A dotted CUIT: the kind is known, the rules still apply.
        let p = detect("20.26756539.3", ar).unwrap_err();
        assert_eq!(p.code, INVALID_CHARACTERS);
        assert_eq!(p.suggestion.as_deref(), Some("20-26756539-3"));
    }

    #[test]
    fn canonical_is_idempotent() {
        let cases = [
            (IdKind::ArCuit, " 20 - 05536168 - 2 "),
            (IdKind::ArDni, "1803706"),
            (IdKind::ArDni, "20 123 456"),
            (IdKind::EsDni, "54362315-k"),
            (IdKind::EsNie, "x-2482300w"),
            (IdKind::EsCif, "a13 585 625"),
            (IdKind::EsNif, "ES B-58378431"),
        ];
        for (kind, input) in cases {
            let first = ok(kind, input);
            let again = ok(kind, first.canonical());
            assert_eq!(first, again);
            let detected = detect(first.canonical(), Some(kind.country())).unwrap();
            assert_eq!(detected.canonical(), first.canonical());
        }
    }

    #[test]
    fn suggestions_are_valid() {
        let cases = [
            (IdKind::ArCuit, "20267565392"),
            (IdKind::ArCuit, "2026756539"),
            (IdKind::ArCuit, "20.26756539.3"),
            (IdKind::EsDni, "54362315"),
            (IdKind::EsNie, "X2482300"),
            (IdKind::EsCif, "J99216583"),
            (IdKind::EsNif, "M1234567A"),
        ];
        for (kind, input) in cases {
            let p = err(kind, input);
            let s = p
                .suggestion
                .unwrap_or_else(|| panic!("{input}: no suggestion"));
            assert_eq!(ok(kind, &s).canonical(), s);
        }
    }

    #[test]
    fn garbage_never_panics() {
        let big = "9".repeat(1 << 20);
        let tabs = format!("{}20267565393", "\t".repeat(100_000));
        let inputs = [
            "",
            " ",
            "\0",
            "ES",
            "es",
            "E",
            "-",
            "ß",
            "ﬀ12345678",
            "ı",
            "\u{1d7ce}\u{1d7cf}",
            "😀😀😀",
            "12345678😀",
            "X😀",
            "\u{202e}12345678Z",
            "中文字符",
            "ＸＹＺ",
            "\u{1c}12345678Z\u{1f}",
            big.as_str(),
            tabs.as_str(),
        ];
        for input in inputs {
            for kind in IdKind::ALL {
                let _ = normalize(kind, input);
            }
            for country in [
                None,
                Some(Country::AR),
                Some(Country::ES),
                Some(Country::BR),
            ] {
                let _ = detect(input, country);
            }
        }
        assert!(normalize(IdKind::ArCuit, &tabs).is_ok());
    }

    proptest::proptest! {
        #[test]
        fn any_string_is_handled(s in "\\PC{0,24}") {
            for kind in IdKind::ALL {
                if let Ok(id) = normalize(kind, &s) {
                    let again = normalize(kind, id.canonical());
                    proptest::prop_assert_eq!(again.as_ref(), Ok(&id));
                }
            }
            let _ = detect(&s, None);
        }

        #[test]
        fn separators_do_not_matter(n in 0u32..100_000_000u32, sep in "[ -]{0,3}") {
            let digits = format!("{n:08}");
            let letter = char::from(dni_letter(digits.as_bytes()));
            let input = format!("{}{sep}{}{sep}{letter}", &digits[..4], &digits[4..]);
            let id = normalize(IdKind::EsDni, &input).unwrap();
            proptest::prop_assert_eq!(id.canonical(), format!("{digits}{letter}"));
            let nif = normalize(IdKind::EsNif, &input).unwrap();
            proptest::prop_assert!(same_person(&id, &nif));
        }

        #[test]
        fn cuit_and_dni_of_one_person_match(n in 1_000_000u32..100_000_000u32) {
            let body = format!("27{n:08}");
            let check = char::from(cuit_check(body.as_bytes()));
            let cuit = normalize(IdKind::ArCuit, &format!("{body}{check}")).unwrap();
            let dni = normalize(IdKind::ArDni, &n.to_string()).unwrap();
            proptest::prop_assert!(same_person(&cuit, &dni));
        }
    }

    proptest::proptest! {
        #[test]
        fn detect_reads_as_normalize_does(
            input in "[0-9A-Za-zß .-]{0,14}",
            country in proptest::sample::select(vec![None, Some(Country::AR), Some(Country::ES)]),
        ) {
            let shape = Compact::new(&input, |c| !c.is_alphanumeric(), true);
            if let Ok(kind) = kind_of_shape(&shape, country) {
                proptest::prop_assert_eq!(detect(&input, country), normalize(kind, &input));
            }
        }
    }
}
