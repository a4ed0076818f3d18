//! People's and companies' names: a display form that keeps accents, and folded
//! comparison keys.
//!
//! A person's name is read from two fields ([`parse_person`]) or from one
//! ([`parse_full_name`]). Either way the result is a [`PersonName`]: given names and
//! surnames in title case with their accents, the title (`Dr.`, `Sra.`) taken out,
//! one entry per surname with its particles (`de la Fuente`, `del Valle`,
//! `San Martín`). Its keys are for comparing records: [`PersonName::given_key`] and
//! [`PersonName::surname_keys`] fold case and accents and drop particles, and
//! [`PersonName::given_canonical_keys`] also resolves nicknames (`Pepe` is `José`).
//!
//! A company's name is read by [`parse_company`]: the legal form at its end, however
//! it is written (`SRL`, `S. R. L.`, `Sociedad de Responsabilidad Limitada`), becomes
//! one [`LegalForm`].
//!
//! Standardising is idempotent: feeding a display form back in gives the same value
//! and no new problem.
//!
//! # Example
//!
//! ```
//! use ciclo::standardize::names::parse_person;
//!
//! let (name, problems) = parse_person("DRA. MARIA JOSE", "DE LA FUENTE GARCIA")?;
//! assert_eq!(name.display(), "Maria Jose de la Fuente Garcia");
//! assert_eq!(name.title.as_deref(), Some("Dra."));
//! assert_eq!(name.surname_keys(), ["fuente", "garcia"]);
//! assert_eq!(problems[0].code, "name.title_removed");
//! # Ok::<(), ciclo::standardize::Problem>(())
//! ```

mod given_names;
mod nicknames;
mod surnames;
mod variants;

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use compact_str::CompactString;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use smallvec::SmallVec;

use super::text::{ascii_str, fold, packed_key, tidy, ShortText, MAX_PACKED};
use super::Problem;

/// The longest given-name or surname field accepted, in characters.
const MAX_PART: usize = 100;
/// The longest full name or company name accepted, in characters.
const MAX_FULL: usize = 200;
/// The most alternatives [`PersonName::given_canonical_keys`] returns.
const MAX_CANONICAL: usize = 16;

// ---------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------

/// A person's name in standard form.
///
/// The fields are the display form: NFC, title case with accents kept, particles in
/// lower case (`María del Carmen`, `de la Fuente`), initials with a dot (`J.`).
/// Mixed-case words that look deliberate (`McDonald`, `DiMaría`) keep their case.
///
/// The texts are [`CompactString`]s, held inline up to 24 bytes, and the two
/// surnames most names have fit in [`Surnames`] without an allocation: a usual
/// name costs none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PersonName {
    /// Given names, space separated (`María José`); empty when only surnames were
    /// given.
    pub given: CompactString,
    /// One entry per surname, each with its particles (`de la Fuente`, `García`,
    /// `y Gasset`). A hyphenated double surname (`Sánchez-Vicario`) is one entry.
    pub surnames: Surnames,
    /// The canonical title taken out of the input (`Dr.`, `Sra.`), if any.
    pub title: Option<CompactString>,
}

/// The surnames of a [`PersonName`]: a vector that holds two entries without
/// allocating (a [`SmallVec`]; it dereferences to a slice).
pub type Surnames = SmallVec<[CompactString; 2]>;

impl PersonName {
    /// Given names then surnames, without the title:
    /// `María José de la Fuente García`.
    pub fn display(&self) -> String {
        let len = self.given.len() + self.surnames.iter().map(|s| s.len() + 1).sum::<usize>();
        let mut out = String::with_capacity(len);
        out.push_str(&self.given);
        for s in &self.surnames {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(s);
        }
        out
    }

    /// The given names folded for comparison: lower case, no accents, apostrophes
    /// removed, other punctuation as spaces (`María-José` gives `maria jose`).
    pub fn given_key(&self) -> String {
        key_fold(&self.given).into_string()
    }

    /// The folded given names with nicknames and other languages' forms
    /// resolved, one entry per reading.
    ///
    /// Each word is replaced by the name it is a nickname of (`pepe` by `jose`,
    /// `juanjo` by `juan jose`, `bill` by `guillermo`), a form of a name in
    /// another language by its Spanish form (`jordi` by `jorge`, `william` by
    /// `guillermo`), particles are dropped (`María del Carmen` gives `maria
    /// carmen`), and any other word stands for itself. A nickname of two names
    /// gives both readings (`Ale` gives `alejandro` and `alejandra`), and a
    /// nickname that is a name of its own keeps its own reading too (`jack`
    /// gives `jack` and `juan`), at most sixteen in all. Empty when there are no
    /// given names. The tables are described in the module `variants` (English
    /// nicknames from the curated `nicknames` dataset, Apache 2.0).
    ///
    /// ```
    /// use ciclo::standardize::names::parse_person;
    ///
    /// let (name, _) = parse_person("Ale Pepe", "Sosa")?;
    /// assert_eq!(name.given_canonical_keys(), ["alejandro jose", "alejandra jose"]);
    /// # Ok::<(), ciclo::standardize::Problem>(())
    /// ```
    pub fn given_canonical_keys(&self) -> Vec<String> {
        let mut out = GivenReadings::new();
        given_readings_of_key(&self.given_key(), &mut out);
        out.into_iter().map(CompactString::into_string).collect()
    }

    /// The given names folded ([`PersonName::given_key`]) as a
    /// [`CompactString`], for callers that keep it.
    pub(crate) fn given_key_compact(&self) -> CompactString {
        key_fold(&self.given)
    }

    /// One folded key per surname, for comparison.
    ///
    /// The particles `de`, `del`, `de la`, `de las`, `de los`, `y` (and `da`, `do`,
    /// `dos`, `das`, `e`, `i`) are dropped; `San`, `Santa`, `Di`, `Lo` and a `La`
    /// that does not follow `de` are glued to the word after them, so that
    /// `San Martín` and `Sanmartín` agree (`sanmartin`) without matching `Martín`.
    /// A hyphenated double surname gives one key per part.
    ///
    /// ```
    /// use ciclo::standardize::names::parse_person;
    ///
    /// let (name, _) = parse_person("José", "de la Fuente San Martín")?;
    /// assert_eq!(name.surname_keys(), ["fuente", "sanmartin"]);
    /// # Ok::<(), ciclo::standardize::Problem>(())
    /// ```
    pub fn surname_keys(&self) -> Vec<String> {
        let mut keys = Vec::with_capacity(self.surnames.len());
        for s in &self.surnames {
            push_surname_keys(s, &mut keys);
        }
        keys
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// Reads a person's name from a given-name field and a surname field.
///
/// Either field may be empty, but not both. Titles at the start of a field (`Sr.`,
/// `sra`, `DR`, `Lic.`, `Doctor`) are taken out (with an Info `name.title_removed`)
/// and kept in [`PersonName::title`]; a title alone in its field only when written
/// with its dot (`Dr.`), since `Dra` alone may be a mistyped Dora. When the
/// given-name field clearly holds surnames (no known given name, and either a known
/// surname, a `-ez` ending or a particle, or no word one typo away from a known
/// given name) and the surname field holds only known given names that are not also
/// common surnames, the two are swapped (Info `name.swapped`); the tables are a
/// thousand common given names of Spain and Latin America and a few hundred common
/// surnames, so an unusual or misspelt name is left where it was typed. When one
/// field is empty
/// and the other starts with known given names followed by other words, it is split
/// into given names and surnames (Info `name.split`). `Mª`, `Ma.` and `Fco.` among
/// given names are written out (Info `name.abbreviation_expanded`).
///
/// # Errors
///
/// - `name.empty`: nothing but spaces, punctuation or titles in both fields.
/// - `name.too_long`: a field longer than 100 characters.
/// - `name.invalid_characters`: digits, symbols or control characters. Letters of
///   any script, apostrophes, hyphens and dots (of initials) are fine.
///
/// # Example
///
/// ```
/// use ciclo::standardize::names::parse_person;
///
/// let (name, problems) = parse_person("García Márquez", "josé luis")?;
/// assert_eq!(name.given, "José Luis");
/// assert_eq!(name.surnames.as_slice(), ["García", "Márquez"]);
/// assert_eq!(problems[0].code, "name.swapped");
///
/// assert_eq!(parse_person("R2D2", "").unwrap_err().code, "name.invalid_characters");
/// # Ok::<(), ciclo::standardize::Problem>(())
/// ```
pub fn parse_person(given: &str, surname: &str) -> Result<(PersonName, Vec<Problem>), Problem> {
    check_len(given, MAX_PART, "name.too_long", "given name")?;
    check_len(surname, MAX_PART, "name.too_long", "surname")?;
    // The usual fields, ASCII letters and single spaces, are read in one pass.
    let mut toks = TokBuf::default();
    if push_plain_tokens(given, &mut toks) {
        let mid = toks.len();
        if push_plain_tokens(surname, &mut toks) {
            let end = toks.len();
            return settle(&toks, 0..mid, mid..end, None, Vec::new());
        }
    }
    parse_person_cleaned(given, surname)
}

/// [`parse_person`] through [`clean`] and [`push_tokens`], for any text.
fn parse_person_cleaned(given: &str, surname: &str) -> Result<(PersonName, Vec<Problem>), Problem> {
    let given_clean = clean(given)?;
    let surname_clean = clean(surname)?;
    let mut toks = TokBuf::default();
    push_tokens(&given_clean, &mut toks);
    let mid = toks.len();
    push_tokens(&surname_clean, &mut toks);
    let end = toks.len();
    settle(&toks, 0..mid, mid..end, None, Vec::new())
}

/// Brings a given-name part and a surname part (ranges of `toks`) to the state
/// [`parse_person`] leaves alone: titles off the start of each part, the parts
/// swapped when they are clearly the wrong way round (Info `name.swapped`), a lone
/// part split when that is clear (Info `name.split`). Each round takes a word off
/// or moves words, so a few rounds suffice.
fn settle(
    toks: &[Tok<'_>],
    mut g: Range<usize>,
    mut s: Range<usize>,
    mut title: Option<CompactString>,
    mut problems: Vec<Problem>,
) -> Result<(PersonName, Vec<Problem>), Problem> {
    for _ in 0..toks.len() + 2 {
        strip_titles(toks, &mut g, &mut title, &mut problems);
        strip_titles(toks, &mut s, &mut title, &mut problems);
        match (g.is_empty(), s.is_empty()) {
            (true, true) => return Err(empty_name()),
            (false, false) => {
                if !should_swap(part(toks, &g), part(toks, &s)) {
                    break;
                }
                std::mem::swap(&mut g, &mut s);
                problems.push(Problem::info(
                    "name.swapped",
                    "the given name and the surname were in each other's field; swapped them",
                ));
            }
            (_, from_given) => {
                let field = if from_given { g.clone() } else { s.clone() };
                let Some(split) = split_strict(part(toks, &field)) else {
                    break;
                };
                problems.push(Problem::info(
                    "name.split",
                    if from_given {
                        "the given-name field also held surnames; moved them to the surnames"
                    } else {
                        "the surname field also held given names; moved them to the given names"
                    },
                ));
                (g, s) = apply_split(field, split);
            }
        }
    }
    Ok(build(part(toks, &g), part(toks, &s), title, problems))
}

/// The words of `toks` in `range` (empty when out of bounds).
fn part<'t, 'a>(toks: &'t [Tok<'a>], range: &Range<usize>) -> &'t [Tok<'a>] {
    toks.get(range.clone()).unwrap_or(&[])
}

/// Reads a person's name written in one field.
///
/// `"Sr. José Luis García Márquez"` is read given names first; with a comma,
/// `"GARCIA MARQUEZ, JOSE LUIS"`, the part before it holds the surnames. Without a
/// comma the given names are told from the surnames with a table of common given
/// names: the known given names at the start are the given names, keeping two
/// surnames when a word could be either (`Pedro Martín García` is Pedro, Martín
/// García; but `Juan Martín García` is Juan Martín, García, as `Juan`, `José` and
/// `María` so often open a compound name) and at most two surnames when the words
/// are unknown. A name written
/// surnames first without a comma (`GARCIA MARQUEZ JOSE LUIS`) is recognised when
/// it starts with a clear surname and ends with known given names (Info
/// `name.swapped`). Titles are taken out as in [`parse_person`].
///
/// # Errors
///
/// As [`parse_person`], with a limit of 200 characters; a second comma is an
/// invalid character.
///
/// # Example
///
/// ```
/// use ciclo::standardize::names::parse_full_name;
///
/// let (a, _) = parse_full_name("Sr. José Luis García Márquez")?;
/// let (b, _) = parse_full_name("GARCIA MARQUEZ, JOSE LUIS")?;
/// assert_eq!(a.given, "José Luis");
/// assert_eq!(a.title.as_deref(), Some("Sr."));
/// assert_eq!(b.display(), "Jose Luis Garcia Marquez");
/// assert_eq!(a.surname_keys(), b.surname_keys());
/// # Ok::<(), ciclo::standardize::Problem>(())
/// ```
pub fn parse_full_name(full: &str) -> Result<(PersonName, Vec<Problem>), Problem> {
    check_len(full, MAX_FULL, "name.too_long", "name")?;
    if let Some(comma) = full.find(',') {
        let surname_clean = clean(full.get(..comma).unwrap_or(""))?;
        let given_clean = clean(full.get(comma + 1..).unwrap_or(""))?;
        let mut toks = TokBuf::default();
        push_tokens(&surname_clean, &mut toks);
        let mid = toks.len();
        push_tokens(&given_clean, &mut toks);
        let end = toks.len();
        let (mut s, mut g) = (0..mid, mid..end);
        let (mut title, mut problems) = (None, Vec::new());
        strip_titles(&toks, &mut s, &mut title, &mut problems);
        strip_titles(&toks, &mut g, &mut title, &mut problems);
        if !g.is_empty() || s.is_empty() {
            // Read as the two fields of `parse_person`.
            return settle(&toks, g, s, title, problems);
        }
        // "José García," : nothing after the comma, read the rest without it.
        return from_one_field(&toks, s, title, problems);
    }
    let cleaned = clean(full)?;
    let mut toks = TokBuf::default();
    push_tokens(&cleaned, &mut toks);
    let mut all = 0..toks.len();
    let (mut title, mut problems) = (None, Vec::new());
    strip_titles(&toks, &mut all, &mut title, &mut problems);
    if all.is_empty() {
        return Err(empty_name());
    }
    from_one_field(&toks, all, title, problems)
}

/// The given names a folded Spanish nickname stands for, folded: `"pepe"`
/// gives `["jose"]`, `"ale"` gives `["alejandro", "alejandra"]`, `"juanjo"`
/// gives `["juan jose"]`; `None` for a word that is not a nickname of the
/// Spanish table (`"rocio"`, and English ones such as `"bill"`: matching reads
/// those, and other languages' forms, through
/// [`PersonName::given_canonical_keys`]).
///
/// The key must already be folded (lower case, no accents): `Toño` is `"tono"`.
///
/// ```
/// use ciclo::standardize::names::nickname_of;
///
/// assert_eq!(nickname_of("paco"), Some(&["francisco"][..]));
/// assert_eq!(nickname_of("beto"), Some(&["roberto", "alberto"][..]));
/// assert_eq!(nickname_of("francisco"), None);
/// ```
pub fn nickname_of(word_key: &str) -> Option<&'static [&'static str]> {
    lexicon(word_key.as_bytes()).nickname
}

/// Words typed in a given-name field when the name is not known: a
/// placeholder (`Resident`, `Occupant`, `Unknown`, `N.N.`, `Desconocido`), a
/// newborn's (`Baby`, `Girl`, `Boy`, `Bebé`, `Nena`), or a form of address
/// (`Sir`, `Mr`, `Mrs`, `Señor`). Folded, sorted.
static PLACEHOLDERS: &[&str] = &[
    "baby",
    "bebe",
    "boy",
    "child",
    "daughter",
    "desconocida",
    "desconocido",
    "girl",
    "hija",
    "hijo",
    "infant",
    "madam",
    "miss",
    "mr",
    "mrs",
    "ms",
    "newborn",
    "nn",
    "occupant",
    "ocupante",
    "resident",
    "senor",
    "senora",
    "sin",
    "sir",
    "titular",
    "unknown",
    "varon",
];

/// Whether a folded given-name word says nothing about who the person is: a
/// placeholder (`resident`, `unknown`, `nn`), a newborn's (`baby`, `girl`),
/// or a form of address typed as a name (`sir`, `mrs`). Matching reads a given
/// name made only of such words as missing rather than as a name that
/// differs.
///
/// ```
/// use ciclo::standardize::names::is_placeholder_given;
///
/// assert!(is_placeholder_given("resident"));
/// assert!(is_placeholder_given("sir"));
/// assert!(!is_placeholder_given("harry"));
/// ```
pub fn is_placeholder_given(word_key: &str) -> bool {
    PLACEHOLDERS.binary_search(&word_key).is_ok()
}

/// Whether folded given-name words say nothing about who the person is: all
/// placeholders ([`is_placeholder_given`]), or `N. N.` (*nomen nescio*, name
/// unknown).
pub fn is_placeholder_given_name<'w>(words: impl IntoIterator<Item = &'w str>) -> bool {
    let mut words = words.into_iter().peekable();
    if words.peek().is_none() {
        return false;
    }
    let words: Vec<&str> = words.collect();
    words == ["n", "n"] || words.iter().all(|w| is_placeholder_given(w))
}

/// Whether a folded word that the name tables do not know is one typo (a
/// letter replaced, inserted, dropped, or two swapped) from a nickname of the
/// folded given name `given`: a misspelt nickname, such as `tooo` (`toño`) for
/// `antonio` or `cuhcho` (`chucho`) for `jesus`. Words of fewer than four
/// letters, and words the tables know as names, are never taken for typos.
///
/// ```
/// use ciclo::standardize::names::is_misspelt_nickname;
///
/// assert!(is_misspelt_nickname("tooo", "antonio"));
/// assert!(is_misspelt_nickname("bcky", "rebeca")); // `becky`, of Rebecca
/// assert!(is_misspelt_nickname("dnny", "daniel"));
/// assert!(is_misspelt_nickname("cuhcho", "jesus"));
/// assert!(!is_misspelt_nickname("tono", "antonio")); // the nickname itself
/// assert!(!is_misspelt_nickname("pepa", "jose")); // a name of its own
/// assert!(!is_misspelt_nickname("tooo", "jesus"));
/// ```
pub fn is_misspelt_nickname(word_key: &str, given: &str) -> bool {
    if word_key.len() < 4 {
        return false;
    }
    let spanish = nicknames_by_name().get(given).into_iter().flatten();
    let near = spanish
        .chain(variants::nicknames_of(given))
        .any(|nick| nick.len() >= 4 && one_edit(word_key.as_bytes(), nick.as_bytes()));
    if !near {
        return false;
    }
    let entry = lexicon(word_key.as_bytes());
    !(entry.given || entry.surname || entry.nickname.is_some() || variants::is_known(word_key))
}

/// Whether two words are exactly one edit apart: a letter replaced, inserted
/// or dropped, or two neighbours swapped (the optimal string alignment
/// distance is 1), without allocating.
fn one_edit(a: &[u8], b: &[u8]) -> bool {
    if a.len().abs_diff(b.len()) > 1 || a == b {
        return false;
    }
    let i = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    match a.len().cmp(&b.len()) {
        std::cmp::Ordering::Equal => {
            a[i + 1..] == b[i + 1..]
                || i + 1 < a.len()
                    && a[i] == b[i + 1]
                    && a[i + 1] == b[i]
                    && a[i + 2..] == b[i + 2..]
        }
        std::cmp::Ordering::Less => a[i..] == b[i + 1..],
        std::cmp::Ordering::Greater => a[i + 1..] == b[i..],
    }
}

/// Whether a folded given-name word is a nickname only (`ned`, `pepe`;
/// `harry` is not: it is a name of its own as well), read as the names it
/// stands for (see [`PersonName::given_canonical_keys`]).
///
/// ```
/// use ciclo::standardize::names::is_nickname_only;
///
/// assert!(is_nickname_only("pepe"));
/// assert!(is_nickname_only("ned"));
/// assert!(!is_nickname_only("william"));
/// assert!(!is_nickname_only("rocio"));
/// ```
pub fn is_nickname_only(word_key: &str) -> bool {
    variants::is_nickname_only(word_key)
}

/// Given names to their nicknames.
type NicknamesByName =
    hashbrown::HashMap<&'static str, Vec<&'static str>, foldhash::fast::FixedState>;

/// The nicknames of each given name (`antonio`: `tono`, `toni`, ...), built on
/// first use from the nickname table.
fn nicknames_by_name() -> &'static NicknamesByName {
    static MAP: std::sync::OnceLock<NicknamesByName> = std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let mut map = NicknamesByName::default();
        for (nick, names) in nicknames::NICKNAMES {
            for name in *names {
                map.entry(name).or_default().push(nick);
            }
        }
        map
    })
}

// ---------------------------------------------------------------------------
// Companies
// ---------------------------------------------------------------------------

/// The legal form of a company, as written at the end of its name.
#[allow(clippy::upper_case_acronyms)] // the forms are written this way
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LegalForm {
    /// Sociedad Anónima (Argentina, Spain): `S.A.`.
    SA,
    /// Sociedad de Responsabilidad Limitada (Argentina): `S.R.L.`.
    SRL,
    /// Sociedad por Acciones Simplificada (Argentina): `S.A.S.`.
    SAS,
    /// Sociedad en Comandita por Acciones (Argentina): `S.C.A.`.
    SCA,
    /// Sociedad de Hecho (Argentina): `S.H.`.
    SH,
    /// Cooperativa Limitada (Argentina): `Coop. Ltda.`.
    CoopLtda,
    /// Sociedad Limitada (Spain): `S.L.`.
    SL,
    /// Sociedad Limitada Unipersonal (Spain): `S.L.U.`.
    SLU,
    /// Sociedad Anónima Unipersonal (Spain): `S.A.U.`.
    SAU,
    /// Sociedad Cooperativa (Spain): `S.Coop.`.
    SCoop,
    /// Sociedad Civil (Spain): `S.C.`.
    SC,
    /// Incorporated: `Inc.`.
    Inc,
    /// Limited liability company: `LLC`.
    LLC,
    /// Limited: `Ltd.`.
    Ltd,
    /// Gesellschaft mit beschränkter Haftung: `GmbH`.
    GmbH,
}

impl LegalForm {
    /// The canonical abbreviation: `S.A.`, `S.R.L.`, `Coop. Ltda.`, `GmbH`.
    pub fn as_str(&self) -> &'static str {
        match self {
            LegalForm::SA => "S.A.",
            LegalForm::SRL => "S.R.L.",
            LegalForm::SAS => "S.A.S.",
            LegalForm::SCA => "S.C.A.",
            LegalForm::SH => "S.H.",
            LegalForm::CoopLtda => "Coop. Ltda.",
            LegalForm::SL => "S.L.",
            LegalForm::SLU => "S.L.U.",
            LegalForm::SAU => "S.A.U.",
            LegalForm::SCoop => "S.Coop.",
            LegalForm::SC => "S.C.",
            LegalForm::Inc => "Inc.",
            LegalForm::LLC => "LLC",
            LegalForm::Ltd => "Ltd.",
            LegalForm::GmbH => "GmbH",
        }
    }
}

impl fmt::Display for LegalForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A company's name in standard form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CompanyName {
    /// The name without its legal form, as typed (case kept: `YPF`, `eBay`),
    /// whitespace collapsed, NFC.
    pub name: String,
    /// The legal form found at the end of the name, if any.
    pub legal_form: Option<LegalForm>,
}

impl CompanyName {
    /// The name with its canonical legal form: `Acme S.A.`. A cooperative whose name
    /// starts with `Cooperativa` ends in `Ltda.` rather than `Coop. Ltda.`.
    pub fn display(&self) -> String {
        match self.legal_form {
            None => self.name.clone(),
            Some(form) => {
                let suffix = form_suffix(&self.name, form);
                let mut out = String::with_capacity(self.name.len() + suffix.len() + 1);
                out.push_str(&self.name);
                out.push(' ');
                out.push_str(suffix);
                out
            }
        }
    }

    /// The name folded for matching, legal form left out: lower case, no accents,
    /// punctuation as spaces, the words `y`, `e`, `and`, `the`, `de`, `del`, `la`,
    /// `las`, `los`, `el` dropped, `Hnos.` and `Cía.` written out (`hermanos`,
    /// `compania`). `Pérez & Hnos. S.A.` gives `perez hermanos`.
    pub fn key(&self) -> String {
        let folded = fold(&self.name);
        let mut out = String::with_capacity(folded.len());
        for word in folded.split(' ').filter(|w| !w.is_empty()) {
            let word = match word {
                "y" | "e" | "and" | "the" | "de" | "del" | "la" | "las" | "los" | "el" => continue,
                "hnos" => "hermanos",
                "hno" => "hermano",
                "cia" => "compania",
                other => other,
            };
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        if out.is_empty() {
            folded
        } else {
            out
        }
    }
}

impl fmt::Display for CompanyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// Punctuation that ends neither a company's name nor its legal form.
const TRAILING: [char; 7] = [',', ';', ':', '-', '–', '—', ' '];

/// Reads a company's name and the legal form at its end.
///
/// The legal form may be written with or without dots and spaces and in any case
/// (`SA`, `S.A`, `S. A.`, `s.a.`), or in full (`Sociedad Anónima`, `Sociedad de
/// Responsabilidad Limitada`, `Limited Liability Company`); `S. de H.` and
/// `S. de R.L.` are read too. A name starting with `Cooperativa` and ending in
/// `Ltda.` or `Limitada` is a [`LegalForm::CoopLtda`]. When the form was not written
/// canonically, an Info `company.legal_form_normalized` suggests the display form.
/// The name keeps its case; a comma or dash before the form is dropped.
///
/// # Errors
///
/// - `company.empty`: nothing but spaces, or only a legal form.
/// - `company.too_long`: longer than 200 characters.
/// - `company.invalid_characters`: control characters.
///
/// # Example
///
/// ```
/// use ciclo::standardize::names::{parse_company, LegalForm};
///
/// let (c, problems) = parse_company("Acme, Sociedad de Responsabilidad Limitada")?;
/// assert_eq!(c.legal_form, Some(LegalForm::SRL));
/// assert_eq!(c.display(), "Acme S.R.L.");
/// assert_eq!(problems[0].code, "company.legal_form_normalized");
/// assert_eq!(parse_company("ACME S. R. L.")?.0.key(), c.key());
/// # Ok::<(), ciclo::standardize::Problem>(())
/// ```
pub fn parse_company(text: &str) -> Result<(CompanyName, Vec<Problem>), Problem> {
    check_len(text, MAX_FULL, "company.too_long", "company name")?;
    if let Some(c) = text.chars().find(|c| c.is_control() && !c.is_whitespace()) {
        return Err(Problem::error(
            "company.invalid_characters",
            format!("`{}` is not allowed in a company name", c.escape_debug()),
        ));
    }
    // A comma always ends a word: "Acme,S.A." is "Acme, S.A.".
    let spaced;
    let text = if text.contains(',') {
        spaced = text.replace(',', ", ");
        spaced.as_str()
    } else {
        text
    };
    let tidied = tidy(text);
    // Trailing punctuation goes before the legal form is looked for, as it goes
    // from the name after: otherwise `Acme S. .A;` keeps `S. .A` as part of its
    // name and only the second pass reads it as `S.A.` (found by fuzzing).
    let tidied = tidied.trim_end_matches(TRAILING);
    let toks: Vec<&str> = tidied.split(' ').filter(|t| !t.is_empty()).collect();
    if toks.is_empty() {
        return Err(Problem::error("company.empty", "the company name is empty"));
    }
    let found = find_legal_form(&toks);
    let name_len = toks.len() - found.map_or(0, |(_, j)| j);
    let mut name = toks.get(..name_len).unwrap_or(&[]).join(" ");
    let trimmed_len = name.trim_end_matches(TRAILING).len();
    name.truncate(trimmed_len);
    if !name.chars().any(char::is_alphanumeric) {
        return Err(Problem::error(
            "company.empty",
            "the company name is empty or holds only a legal form",
        ));
    }
    let mut problems = Vec::new();
    let legal_form = found.map(|(form, j)| {
        let written = toks.get(toks.len() - j..).unwrap_or(&[]).join(" ");
        if written != form_suffix(&name, form) {
            let company = CompanyName {
                name: name.clone(),
                legal_form: Some(form),
            };
            problems.push(
                Problem::info(
                    "company.legal_form_normalized",
                    format!("wrote the legal form `{written}` as `{}`", form.as_str()),
                )
                .suggest(company.display()),
            );
        }
        form
    });
    Ok((CompanyName { name, legal_form }, problems))
}

/// The text written after the name for `form`.
fn form_suffix(name: &str, form: LegalForm) -> &'static str {
    if form == LegalForm::CoopLtda && starts_with_cooperativa(name) {
        "Ltda."
    } else {
        form.as_str()
    }
}

fn starts_with_cooperativa(name: &str) -> bool {
    name.split(' ')
        .next()
        .is_some_and(|w| w.len() == "cooperativa".len() && w.eq_ignore_ascii_case("cooperativa"))
}

/// The legal form at the end of `toks` and how many tokens it takes, longest first.
fn find_legal_form(toks: &[&str]) -> Option<(LegalForm, usize)> {
    const LONGEST: usize = 6;
    let n = toks.len();
    let m = n.min(LONGEST);
    let tail = toks.get(n - m..).unwrap_or(&[]);
    // The last words folded once, and where each starts.
    let mut folded = String::with_capacity(64);
    let mut starts = [0usize; LONGEST];
    for (i, t) in tail.iter().enumerate() {
        let f = key_fold(t);
        if !f.is_empty() && !folded.is_empty() {
            folded.push(' ');
        }
        if let Some(start) = starts.get_mut(i) {
            *start = folded.len();
        }
        folded.push_str(&f);
    }
    for j in (1..=m).rev() {
        let first = m - j;
        let suffix = starts
            .get(first)
            .and_then(|&at| folded.get(at..))
            .unwrap_or("")
            .trim_start();
        if let Some(form) = long_form(suffix) {
            return Some((form, j));
        }
        if tail
            .get(first..)
            .is_some_and(|ts| ts.iter().all(|t| is_abbreviation_token(t)))
        {
            let mut compact = [0u8; 16];
            let mut len = 0;
            for b in suffix.bytes().filter(|&b| b != b' ') {
                match compact.get_mut(len) {
                    Some(slot) => *slot = b,
                    // Longer than any abbreviation.
                    None => {
                        len = 0;
                        break;
                    }
                }
                len += 1;
            }
            let form = std::str::from_utf8(compact.get(..len).unwrap_or(&[]))
                .ok()
                .and_then(abbreviated_form);
            if let Some(form) = form {
                return Some((form, j));
            }
        }
    }
    // "Cooperativa de Trabajo El Progreso Ltda."
    if n >= 3 && toks.first().is_some_and(|t| starts_with_cooperativa(t)) {
        let last = toks.last().map(|t| key_fold(t)).unwrap_or_default();
        if last == "ltda" || last == "limitada" {
            return Some((LegalForm::CoopLtda, 1));
        }
    }
    None
}

/// A short run of letters with dots or slashes (`S.A.`, `SRL`, `Coop.`, `GmbH`).
fn is_abbreviation_token(t: &str) -> bool {
    let mut letters = 0;
    for c in t.chars() {
        if c.is_alphabetic() {
            letters += 1;
        } else if c != '.' && c != '/' {
            return false;
        }
    }
    (1..=5).contains(&letters)
}

fn abbreviated_form(compact: &str) -> Option<LegalForm> {
    Some(match compact {
        "sa" => LegalForm::SA,
        "srl" | "sderl" => LegalForm::SRL,
        "sas" => LegalForm::SAS,
        "sca" => LegalForm::SCA,
        "sh" | "sdeh" => LegalForm::SH,
        "coopltda" => LegalForm::CoopLtda,
        "sl" => LegalForm::SL,
        "slu" => LegalForm::SLU,
        "sau" => LegalForm::SAU,
        "scoop" | "soccoop" => LegalForm::SCoop,
        "sc" => LegalForm::SC,
        "inc" => LegalForm::Inc,
        "llc" => LegalForm::LLC,
        "ltd" => LegalForm::Ltd,
        "gmbh" => LegalForm::GmbH,
        _ => return None,
    })
}

fn long_form(folded: &str) -> Option<LegalForm> {
    Some(match folded {
        "sociedad anonima" => LegalForm::SA,
        "sociedad de responsabilidad limitada" => LegalForm::SRL,
        "sociedad por acciones simplificada" => LegalForm::SAS,
        "sociedad en comandita por acciones" => LegalForm::SCA,
        "sociedad de hecho" => LegalForm::SH,
        "cooperativa limitada" | "cooperativa ltda" | "coop limitada" => LegalForm::CoopLtda,
        "sociedad limitada" => LegalForm::SL,
        "sociedad limitada unipersonal" | "s l unipersonal" | "sl unipersonal" => LegalForm::SLU,
        "sociedad anonima unipersonal" | "s a unipersonal" | "sa unipersonal" => LegalForm::SAU,
        "sociedad cooperativa" => LegalForm::SCoop,
        "sociedad civil" => LegalForm::SC,
        "incorporated" => LegalForm::Inc,
        "limited liability company" => LegalForm::LLC,
        "limited" => LegalForm::Ltd,
        "gesellschaft mit beschrankter haftung" => LegalForm::GmbH,
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// Person-name internals
// ---------------------------------------------------------------------------

/// How many words a name holds without [`TokBuf`] allocating.
const INLINE_TOKS: usize = 8;

/// The words of a name: up to [`INLINE_TOKS`] on the stack, more on the heap, so
/// that a typical name costs no allocation for its words.
type TokBuf<'a> = SmallVec<[Tok<'a>; INLINE_TOKS]>;

/// One word of a name: its text as typed (trimmed of stray punctuation) and what
/// its folded form tells, worked out once.
#[derive(Clone, Copy, Debug, Default)]
struct Tok<'a> {
    raw: &'a str,
    /// Only ASCII letters (`Garcia`): displayed by the quick path of
    /// [`push_word`].
    plain: bool,
    /// Only letters of ASCII and Latin-1 that fold to an ASCII letter
    /// (`García`, `Muñoz`), read by [`push_plain_tokens`].
    latin: bool,
    /// With `latin`: an upper-case letter, then lower case only (`García`).
    title_case: bool,
    /// The word in lower case if it is a particle (`de`, `la`, `y`, `san`), else
    /// `""`.
    particle: &'static str,
    /// Every part is a known given name or nickname.
    given: bool,
    /// Some part is a listed surname.
    listed_surname: bool,
    /// Some part is a listed surname or ends in `-ez` without being a given name.
    surname_like: bool,
    /// A single ASCII letter (`J`, `J.`).
    initial: bool,
    /// The word's entry in [`TITLES`], if it is a title.
    title: Option<u8>,
    /// The given name an abbreviation stands for (`Mª`, `Fco.`), as an
    /// [`Expansion`].
    expansion: Option<Expansion>,
    /// `Juan`, `José` or `María`, which often open a compound given name (`Juan
    /// Cruz`, `María Paz`) whose second word is also a surname.
    compound_head: bool,
}

impl<'a> Tok<'a> {
    fn new(raw: &'a str) -> Tok<'a> {
        let bytes = raw.as_bytes();
        if bytes.len() <= MAX_PACKED && bytes.iter().all(u8::is_ascii_alphabetic) {
            return Tok::plain(raw);
        }
        let mut buf = [0u8; 48];
        let slow;
        let plain = buf
            .get_mut(..raw.len())
            .filter(|_| raw.bytes().all(|b| b.is_ascii_alphabetic()));
        let key: &[u8] = if let Some(dst) = plain {
            // The common case, a word of ASCII letters: its key is its lower case.
            dst.copy_from_slice(raw.as_bytes());
            dst.make_ascii_lowercase();
            dst
        } else {
            match fold_into(raw, &mut buf) {
                Some(len) => buf.get(..len).unwrap_or(&[]),
                None => {
                    slow = slow_key_fold(raw);
                    slow.as_bytes()
                }
            }
        };
        let mut given = true;
        let mut listed_surname = false;
        let mut surname_like = false;
        let mut parts = 0;
        let mut title = None;
        // Words of several parts (`Jean-Pierre`, `D'Angelo`) are rare.
        for part in key.split(|&b| b == b' ').filter(|p| !p.is_empty()) {
            parts += 1;
            let entry = lexicon(part);
            given &= entry.given || entry.nickname.is_some();
            listed_surname |= entry.surname;
            surname_like |=
                entry.surname || (part.len() >= 5 && part.ends_with(b"ez") && !entry.given);
            title = entry.title;
        }
        Tok {
            raw,
            plain: false,
            latin: false,
            title_case: false,
            particle: if key.len() <= 5 {
                particle_of(key).unwrap_or("")
            } else {
                ""
            },
            given: given && parts > 0,
            listed_surname,
            surname_like,
            initial: matches!(key, [b] if b.is_ascii_alphabetic()),
            title: if parts == 1 { title } else { None },
            expansion: expansion_of(raw),
            compound_head: matches!(key, b"juan" | b"jose" | b"maria"),
        }
    }

    /// [`Tok::new`] for a word of ASCII letters that fits a packed key, the
    /// usual case: its key is its lower case, packed at once, and the one table
    /// look-up tells everything (particles and compound heads are in it too).
    fn plain(raw: &'a str) -> Tok<'a> {
        let mut packed = [0u8; MAX_PACKED];
        for (slot, &b) in packed.iter_mut().zip(raw.as_bytes()) {
            *slot = b | 0x20;
        }
        let bytes = raw.as_bytes();
        let title_case = bytes.first().is_some_and(u8::is_ascii_uppercase)
            && !bytes.iter().skip(1).any(u8::is_ascii_uppercase);
        Tok::packed(raw, packed, raw.len(), true, title_case)
    }

    /// [`Tok::new`] for a word of letters whose key (`len` bytes, at most
    /// [`MAX_PACKED`]) is already packed: ASCII letters (`ascii`), or ASCII and
    /// Latin-1 letters that fold to one ASCII letter each. The one table
    /// look-up tells everything, particles and compound heads included.
    fn packed(
        raw: &'a str,
        packed: [u8; MAX_PACKED],
        len: usize,
        ascii: bool,
        title_case: bool,
    ) -> Tok<'a> {
        let entry = lexicon_packed(u128::from_le_bytes(packed));
        let ez = len >= 5 && packed.get(len - 2..len) == Some(b"ez".as_slice());
        Tok {
            raw,
            plain: ascii,
            latin: true,
            title_case,
            particle: entry.particle,
            given: entry.given || entry.nickname.is_some(),
            listed_surname: entry.surname,
            surname_like: entry.surname || (ez && !entry.given),
            initial: len == 1,
            title: entry.title,
            expansion: expansion_of(raw),
            compound_head: entry.compound_head,
        }
    }

    /// The particle in lower case, or `""`.
    fn particle(&self) -> &'static str {
        self.particle
    }

    /// The canonical title and whether it is a whole word (`doctor`), if the
    /// word is a title.
    fn title(&self) -> Option<(&'static str, bool)> {
        let (_, canonical, whole_word) = TITLES.get(usize::from(self.title?))?;
        Some((canonical, *whole_word))
    }

    /// The given name an abbreviation stands for (`Mª`, `Fco.`).
    fn expansion(&self) -> Option<&'static str> {
        self.expansion.map(Expansion::full)
    }
}

/// A given name written abbreviated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expansion {
    /// `Mª`, `Ma.`.
    Maria,
    /// `Fco.`.
    Francisco,
}

impl Expansion {
    /// The name written out.
    fn full(self) -> &'static str {
        match self {
            Expansion::Maria => "María",
            Expansion::Francisco => "Francisco",
        }
    }
}

/// Every particle [`particle_of`] knows.
const PARTICLES: [&str; 16] = [
    "de", "del", "da", "do", "dos", "das", "la", "las", "los", "lo", "di", "san", "santa", "y",
    "e", "i",
];

/// The lower-case text of a folded particle.
fn particle_of(key: &[u8]) -> Option<&'static str> {
    Some(match key {
        b"de" => "de",
        b"del" => "del",
        b"da" => "da",
        b"do" => "do",
        b"dos" => "dos",
        b"das" => "das",
        b"la" => "la",
        b"las" => "las",
        b"los" => "los",
        b"lo" => "lo",
        b"di" => "di",
        b"san" => "san",
        b"santa" => "santa",
        b"y" => "y",
        b"e" => "e",
        b"i" => "i",
        _ => return None,
    })
}

/// What the tables say about one folded word.
#[derive(Clone, Copy, Debug, Default)]
struct Entry {
    given: bool,
    surname: bool,
    nickname: Option<&'static [&'static str]>,
    /// The word's entry in [`TITLES`].
    title: Option<u8>,
    /// The word is a particle (see [`particle_of`]), else `""`.
    particle: &'static str,
    /// `juan`, `jose` or `maria` (see [`Tok::compound_head`]).
    compound_head: bool,
}

/// The tables by packed key (see [`packed_key`]).
type Lexicon = hashbrown::HashMap<u128, Entry, foldhash::fast::FixedState>;

/// The given-name, surname, nickname, title and particle tables in one hash
/// map, built on first use: one lookup per word instead of five searches.
fn lexicon_map() -> &'static Lexicon {
    static LEXICON: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    LEXICON.get_or_init(|| {
        // Every word fits a packed key (a unit test checks); one that did not
        // would be filed under 0, which no key packs to, and is taken out.
        fn entry<'m>(map: &'m mut Lexicon, word: &str) -> &'m mut Entry {
            map.entry(packed_key(word.as_bytes()).unwrap_or(0))
                .or_default()
        }
        let mut map = Lexicon::with_capacity_and_hasher(
            given_names::GIVEN_NAMES.len() + surnames::SURNAMES.len() + 200,
            foldhash::fast::FixedState::default(),
        );
        for name in given_names::GIVEN_NAMES {
            entry(&mut map, name).given = true;
        }
        for name in surnames::SURNAMES {
            entry(&mut map, name).surname = true;
        }
        for (nick, names) in nicknames::NICKNAMES {
            entry(&mut map, nick).nickname = Some(names);
        }
        for (i, (key, _, _)) in TITLES.iter().enumerate() {
            entry(&mut map, key).title = u8::try_from(i).ok();
        }
        for particle in PARTICLES {
            entry(&mut map, particle).particle = particle_of(particle.as_bytes()).unwrap_or("");
        }
        for head in ["juan", "jose", "maria"] {
            entry(&mut map, head).compound_head = true;
        }
        map.remove(&0);
        map
    })
}

/// What the tables say about a folded word.
fn lexicon(word: &[u8]) -> Entry {
    // No word of the tables is longer than a packed key.
    packed_key(word).map_or_else(Entry::default, lexicon_packed)
}

/// What the tables say about a folded word, by its packed key.
fn lexicon_packed(key: u128) -> Entry {
    lexicon_map().get(&key).copied().unwrap_or_default()
}

fn empty_name() -> Problem {
    Problem::error("name.empty", "the name is empty")
}

fn check_len(text: &str, max: usize, code: &'static str, what: &str) -> Result<(), Problem> {
    // Four bytes per character at most: a longer text is too long without counting.
    if text.len() > max * 4 || (text.len() > max && text.chars().count() > max) {
        return Err(Problem::error(
            code,
            format!("the {what} is longer than {max} characters"),
        ));
    }
    Ok(())
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | '´' | '`' | 'ʼ' | 'ʻ')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '\u{2212}')
}

/// NFC, whitespace collapsed, apostrophes and hyphens unified, a space after a dot
/// that runs into a letter (`J.L.` is `J. L.`), `M.ª` written `Mª`; anything that
/// is not a letter, mark, apostrophe, hyphen or dot is an error.
fn clean(text: &str) -> Result<Cow<'_, str>, Problem> {
    if is_clean(text) {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len() + 4);
    // Below U+0300 there are no combining marks and nothing that NFC changes.
    let result = if text.chars().all(|c| c < '\u{300}') {
        clean_chars(text.chars(), &mut out)
    } else {
        clean_chars(text.nfc(), &mut out)
    };
    match result {
        Ok(()) => Ok(Cow::Owned(out)),
        Err(c) => Err(Problem::error(
            "name.invalid_characters",
            format!(
                "`{}` is not allowed in a person's name (letters, apostrophes, hyphens and dots only)",
                c.escape_debug()
            ),
        )),
    }
}

/// Text that [`clean`] would leave as it is, in the common case: letters below
/// U+0300 (no combining marks, nothing NFC changes) and single spaces between
/// words.
fn is_clean(text: &str) -> bool {
    if text.is_ascii() {
        // The same test on bytes, without decoding characters.
        let mut after_space = true;
        for &b in text.as_bytes() {
            if b == b' ' {
                if after_space {
                    return false;
                }
                after_space = true;
            } else if b.is_ascii_alphabetic() {
                after_space = false;
            } else {
                return false;
            }
        }
        return !after_space || text.is_empty();
    }
    let mut after_space = true;
    for c in text.chars() {
        if c == ' ' {
            if after_space {
                return false;
            }
            after_space = true;
        } else if c < '\u{300}' && is_letter(c) {
            after_space = false;
        } else {
            return false;
        }
    }
    !after_space || text.is_empty()
}

/// `char::is_alphabetic`, quicker for ASCII and Latin-1.
fn is_letter(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' => true,
        '\0'..='\u{7f}' | '×' | '÷' => false,
        'À'..='ÿ' => true,
        _ => c.is_alphabetic(),
    }
}

fn clean_chars(chars: impl Iterator<Item = char>, out: &mut String) -> Result<(), char> {
    let mut chars = chars.peekable();
    let mut after_hyphen = false;
    while let Some(c) = chars.next() {
        if is_letter(c) || (c >= '\u{300}' && is_combining_mark(c)) {
            out.push(c);
            after_hyphen = false;
        } else if c.is_whitespace() {
            if !after_hyphen && !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else if is_apostrophe(c) {
            out.push('\'');
            after_hyphen = false;
        } else if is_hyphen(c) {
            if out.ends_with(' ') {
                out.pop();
            }
            out.push('-');
            after_hyphen = true;
        } else if c == '.' {
            match chars.peek() {
                Some('ª' | 'º') => {}
                Some(&n) if is_letter(n) => out.push_str(". "),
                _ => out.push('.'),
            }
            after_hyphen = false;
        } else {
            return Err(c);
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    Ok(())
}

/// Appends the words of a cleaned text to `out`; words without a letter are
/// dropped.
fn push_tokens<'a>(cleaned: &'a str, out: &mut TokBuf<'a>) {
    let bytes = cleaned.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b' ' {
            i += 1;
            continue;
        }
        // The word read once: whether it is only ASCII letters, and its packed
        // key as it goes (lower case, zero-padded), for the usual short word.
        let start = i;
        let mut packed = [0u8; MAX_PACKED];
        let mut plain = true;
        while let Some(&b) = bytes.get(i).filter(|&&b| b != b' ') {
            plain &= b.is_ascii_alphabetic();
            if let Some(slot) = packed.get_mut(i - start) {
                *slot = b | 0x20;
            }
            i += 1;
        }
        // Spaces are ASCII: the word starts and ends on character boundaries.
        let Some(t) = cleaned.get(start..i) else {
            continue;
        };
        if plain {
            out.push(if t.len() <= MAX_PACKED {
                Tok::plain(t)
            } else {
                Tok::new(t)
            });
            continue;
        }
        let t = t.trim_start_matches(['.', '-', '\'']);
        // Keep one dot right after the last letter (`J.`, `Ma.`), no other trailing
        // punctuation.
        let core = t.trim_end_matches(['-', '\'', '.']);
        let t = match t.get(core.len()..) {
            Some(rest) if rest.starts_with('.') => t.get(..core.len() + 1).unwrap_or(core),
            _ => core,
        };
        let has_letter = if t.is_ascii() {
            t.bytes().any(|b| b.is_ascii_alphabetic())
        } else {
            t.chars().any(char::is_alphabetic)
        };
        if has_letter {
            out.push(Tok::new(t));
        }
    }
}

/// [`clean`] and [`push_tokens`] at once for the usual text, letters with single
/// spaces between words (which `clean` leaves as it is), the letters ASCII or
/// Latin-1 ones that fold to an ASCII letter (`á`, `Ñ`, `ü`): `false`, with
/// `out` as it was, for any other text.
fn push_plain_tokens<'a>(text: &'a str, out: &mut TokBuf<'a>) -> bool {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return true;
    }
    let kept = out.len();
    let mut i = 0;
    loop {
        let start = i;
        // The key, folded and packed as the word is read.
        let mut packed = [0u8; MAX_PACKED];
        let mut len = 0;
        let mut ascii = true;
        let mut letters = true;
        // Capitals: ASCII letters and the second byte of a Latin-1 one are
        // upper case when bit 5 is clear (`A` 41, `a` 61; `Á` C3 81, `á` C3 A1).
        let mut capitals = 0usize;
        while let Some(&b) = bytes.get(i).filter(|&&b| b != b' ') {
            let folded = if b.is_ascii_alphabetic() {
                i += 1;
                capitals += usize::from(b & 0x20 == 0);
                b | 0x20
            } else {
                // `À` to `ÿ` are C3 80 to C3 BF.
                let base = match (b, bytes.get(i + 1)) {
                    (0xC3, Some(&next)) => LATIN1_BASE
                        .get(usize::from(next.wrapping_sub(0x80)))
                        .copied()
                        .unwrap_or(0),
                    _ => 0,
                };
                ascii = false;
                letters &= base != 0;
                capitals += usize::from(bytes.get(i + 1).is_some_and(|&next| next & 0x20 == 0));
                i += 2;
                base
            };
            if let Some(slot) = packed.get_mut(len) {
                *slot = folded;
            }
            len += 1;
        }
        // No word (a space at the start, after a space or at the end), or a
        // character that is not such a letter: not plain.
        let word = text.get(start..i).filter(|_| letters && i > start);
        let Some(t) = word else {
            out.truncate(kept);
            return false;
        };
        // One capital, the first letter.
        let first_capital = match t.as_bytes() {
            [0xC3, second, ..] => second & 0x20 == 0,
            [first, ..] => first & 0x20 == 0,
            [] => false,
        };
        let title_case = first_capital && capitals == 1;
        out.push(if len <= MAX_PACKED {
            Tok::packed(t, packed, len, ascii, title_case)
        } else {
            Tok::new(t)
        });
        if i >= bytes.len() {
            return true;
        }
        // Past the space.
        i += 1;
    }
}

/// The ASCII letter each Latin-1 letter from `À` (U+00C0) to `ÿ` (U+00FF)
/// folds to, by its second UTF-8 byte less 0x80, as [`latin1_base`] folds it;
/// 0 for the others (`Æ`, `×`, `ß`, `ø`...).
const LATIN1_BASE: [u8; 64] = {
    let mut table = [0u8; 64];
    let mut i = 0;
    while i < 64 {
        let c = 0xC0 + i as u32;
        table[i] = match c {
            0xC0..=0xC5 | 0xE0..=0xE5 => b'a',
            0xC7 | 0xE7 => b'c',
            0xC8..=0xCB | 0xE8..=0xEB => b'e',
            0xCC..=0xCF | 0xEC..=0xEF => b'i',
            0xD1 | 0xF1 => b'n',
            0xD2..=0xD6 | 0xF2..=0xF6 => b'o',
            0xD9..=0xDC | 0xF9..=0xFC => b'u',
            0xDD | 0xFD | 0xFF => b'y',
            _ => 0,
        };
        i += 1;
    }
    table
};

/// [`fold`] with apostrophes removed rather than turned into spaces
/// (`D'Angelo` is `dangelo`). Text in ASCII and the accented letters of Latin-1 is
/// folded here directly; anything else goes through [`fold`].
fn key_fold(text: &str) -> CompactString {
    let mut buf = [0u8; 48];
    match fold_into(text, &mut buf).and_then(|len| ascii_str(buf.get(..len).unwrap_or(&[]))) {
        Some(key) => CompactString::new(key),
        None => slow_key_fold(text),
    }
}

/// [`key_fold`] into `buf` for text in ASCII and the accented letters of Latin-1
/// that fits: the length written, or `None` to take the slow path. What is written
/// is ASCII.
fn fold_into(text: &str, buf: &mut [u8]) -> Option<usize> {
    let mut len = 0;
    if text.is_ascii() {
        for &b in text.as_bytes() {
            let folded = if b.is_ascii_alphanumeric() {
                b.to_ascii_lowercase()
            } else if b != b'\'' && len > 0 && buf.get(len - 1) != Some(&b' ') {
                b' '
            } else {
                continue;
            };
            *buf.get_mut(len)? = folded;
            len += 1;
        }
        if len > 0 && buf.get(len - 1) == Some(&b' ') {
            len -= 1;
        }
        return Some(len);
    }
    for c in text.chars() {
        let folded = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else if c.is_ascii() {
            if c != '\'' && len > 0 && buf.get(len - 1) != Some(&b' ') {
                ' '
            } else {
                continue;
            }
        } else if is_apostrophe(c) {
            continue;
        } else {
            latin1_base(c)?
        };
        *buf.get_mut(len)? = folded as u8;
        len += 1;
    }
    if len > 0 && buf.get(len - 1) == Some(&b' ') {
        len -= 1;
    }
    Some(len)
}

fn slow_key_fold(text: &str) -> CompactString {
    let folded = if text.contains(is_apostrophe) {
        let joined: String = text.chars().filter(|c| !is_apostrophe(*c)).collect();
        fold(&joined)
    } else {
        fold(text)
    };
    CompactString::from(folded)
}

/// The readings of given names, as [`PersonName::given_canonical_keys`] gives
/// them; two held without allocating.
pub(crate) type GivenReadings = SmallVec<[CompactString; 2]>;

/// A given-name word and its readings from the tables (`None`: itself only).
type WordReadings<'a> = (&'a str, Option<&'static [&'static str]>);

/// [`PersonName::given_canonical_keys`] of given names already folded
/// ([`PersonName::given_key`]), into `out` (cleared first), without building
/// a `String` per reading. Returns whether a word is a nickname only
/// ([`is_nickname_only`]), found by the same table lookup.
pub(crate) fn given_readings_of_key(key: &str, out: &mut GivenReadings) -> bool {
    out.clear();
    if key.is_empty() {
        return false;
    }
    let mut nickname = false;
    let mut particles = false;
    // The words (particles dropped) with their alternatives, looked up once.
    let mut parts: SmallVec<[WordReadings<'_>; 4]> = SmallVec::new();
    for word in words(key) {
        if is_given_particle(word) {
            particles = true;
            continue;
        }
        let readings = variants::readings(word);
        nickname |= readings.is_some_and(|r| !r.contains(&word)) && !variants::is_form(word);
        parts.push((word, readings));
    }
    if parts.is_empty() || !particles && parts.iter().all(|(_, r)| r.is_none()) {
        // Particles only, or no word with another reading and nothing to
        // drop: the key is its own.
        out.push(CompactString::from(key));
        return nickname;
    }
    if let [(_, Some(alternatives))] = parts.as_slice() {
        // One word with readings, the usual case: its readings as they are.
        for alt in alternatives.iter().take(MAX_CANONICAL) {
            if !out.iter().any(|o| o == alt) {
                out.push(CompactString::const_new(alt));
            }
        }
        return nickname;
    }
    out.push(CompactString::default());
    let mut next = GivenReadings::new();
    for (word, readings) in &parts {
        let own = [*word];
        let alternatives: &[&str] = match readings {
            Some(names) => names,
            None => &own,
        };
        next.clear();
        'outer: for prefix in out.iter() {
            for alt in alternatives {
                if next.len() == MAX_CANONICAL {
                    break 'outer;
                }
                let mut s = CompactString::with_capacity(prefix.len() + alt.len() + 1);
                s.push_str(prefix);
                if !s.is_empty() {
                    s.push(' ');
                }
                s.push_str(alt);
                next.push(s);
            }
        }
        std::mem::swap(out, &mut next);
    }
    let mut i = 0;
    while i < out.len() {
        if out[..i].contains(&out[i]) {
            out.remove(i);
        } else {
            i += 1;
        }
    }
    nickname
}

/// The words of `text` between ASCII spaces, empty ones skipped: `split(' ')`
/// without the searcher set-up, for short text.
fn words(text: &str) -> Words<'_> {
    Words { rest: text }
}

struct Words<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.rest.as_bytes();
        let start = bytes.iter().position(|&b| b != b' ')?;
        let len = bytes
            .get(start..)?
            .iter()
            .position(|&b| b == b' ')
            .unwrap_or(bytes.len() - start);
        let word = self.rest.get(start..start + len)?;
        self.rest = self.rest.get(start + len..).unwrap_or("");
        Some(word)
    }
}

/// The folded letter of an accented Latin-1 letter, as [`fold`] gives it.
fn latin1_base(c: char) -> Option<char> {
    Some(match c {
        'À'..='Å' | 'à'..='å' => 'a',
        'Ç' | 'ç' => 'c',
        'È'..='Ë' | 'è'..='ë' => 'e',
        'Ì'..='Ï' | 'ì'..='ï' => 'i',
        'Ñ' | 'ñ' => 'n',
        'Ò'..='Ö' | 'ò'..='ö' => 'o',
        'Ù'..='Ü' | 'ù'..='ü' => 'u',
        'Ý' | 'ý' | 'ÿ' => 'y',
        _ => return None,
    })
}

/// `(folded title, canonical, whole word)`, sorted by the folded form. Whole words
/// (`doctor`, `don`) and abbreviations without their dot (`Dra`) are only taken out
/// when a name follows them in the same part.
static TITLES: &[(&str, &str, bool)] = &[
    ("arq", "Arq.", false),
    ("arquitecta", "Arq.", true),
    ("arquitecto", "Arq.", true),
    ("contador", "Cr.", true),
    ("contadora", "Cra.", true),
    ("cr", "Cr.", false),
    ("cra", "Cra.", false),
    ("dame", "Dame", true),
    ("dna", "Dña.", false),
    ("doctor", "Dr.", true),
    ("doctora", "Dra.", true),
    ("don", "D.", true),
    ("dona", "Dña.", true),
    ("dr", "Dr.", false),
    ("dra", "Dra.", false),
    ("ing", "Ing.", false),
    ("ingeniera", "Ing.", true),
    ("ingeniero", "Ing.", true),
    ("lady", "Lady", true),
    ("lcda", "Lic.", false),
    ("lcdo", "Lic.", false),
    ("lic", "Lic.", false),
    ("licda", "Lic.", false),
    ("licenciada", "Lic.", true),
    ("licenciado", "Lic.", true),
    ("lord", "Lord", true),
    ("miss", "Miss", true),
    ("mr", "Mr.", false),
    ("mrs", "Mrs.", false),
    ("ms", "Ms.", false),
    ("mx", "Mx.", false),
    ("prof", "Prof.", false),
    ("profa", "Prof.", false),
    ("profesor", "Prof.", true),
    ("profesora", "Prof.", true),
    ("rev", "Rev.", false),
    ("reverend", "Rev.", true),
    ("senor", "Sr.", true),
    ("senora", "Sra.", true),
    ("senorita", "Srta.", true),
    ("sir", "Sir", true),
    ("sr", "Sr.", false),
    ("sra", "Sra.", false),
    ("srta", "Srta.", false),
];

/// Takes titles off the start of a part.
fn strip_titles(
    toks: &[Tok<'_>],
    range: &mut Range<usize>,
    title: &mut Option<CompactString>,
    problems: &mut Vec<Problem>,
) {
    while let Some(t) = toks.get(range.start).filter(|_| range.start < range.end) {
        let Some((canonical, whole_word)) = t.title() else {
            break;
        };
        // Alone in its part, only a dotted abbreviation is surely a title: `Dra`
        // alone may be Dora mistyped, `Don` a name.
        if (whole_word || !t.raw.ends_with('.')) && range.start + 1 >= range.end {
            break;
        }
        if title.is_none() {
            *title = Some(CompactString::const_new(canonical));
        }
        problems.push(Problem::info(
            "name.title_removed",
            format!("took the title `{canonical}` out of the name"),
        ));
        range.start += 1;
    }
}

#[cfg(test)]
fn in_table(table: &[&str], key: &str) -> bool {
    table.binary_search(&key).is_ok()
}

fn is_initial(t: &Tok<'_>) -> bool {
    t.initial
}

/// `Mª`, `Ma.` and `Fco.` written out.
fn expansion_of(raw: &str) -> Option<Expansion> {
    if raw.len() > 5 || !matches!(raw.as_bytes().first(), Some(b'M' | b'm' | b'F' | b'f')) {
        return None;
    }
    let base = raw.trim_end_matches('.');
    let dotted = base.len() < raw.len();
    let mut chars = base.chars();
    match (chars.next(), chars.next(), chars.next(), chars.next()) {
        (Some('M' | 'm'), Some('ª'), None, _) => Some(Expansion::Maria),
        (Some('M' | 'm'), Some('a' | 'A'), None, _) if dotted => Some(Expansion::Maria),
        (Some('F' | 'f'), Some('c' | 'C'), Some('o' | 'O'), None) => Some(Expansion::Francisco),
        _ => None,
    }
}

/// Particles inside compound given names (`María del Carmen`).
fn is_given_particle(key: &str) -> bool {
    matches!(key, "de" | "del" | "la" | "las" | "los" | "y")
}

/// Particles dropped from surname keys and written in lower case.
fn is_dropped_particle(key: &str) -> bool {
    matches!(key, "de" | "del" | "da" | "do" | "dos" | "das")
}

/// Particles glued to the next word in surname keys and written capitalised.
fn is_glued_particle(key: &str) -> bool {
    matches!(key, "san" | "santa" | "la" | "las" | "los" | "lo" | "di")
}

/// Conjunctions between two surnames (`Ortega y Gasset`, `Puig i Cadafalch`).
fn is_conjunction(key: &str) -> bool {
    matches!(key, "y" | "e" | "i")
}

/// A word that opens a surname unit rather than closing it, at position `i` of
/// `toks`, with `has_previous` units before it.
fn is_surname_prefix(toks: &[Tok<'_>], i: usize, at_unit_start: bool, has_previous: bool) -> bool {
    let Some(t) = toks.get(i) else { return false };
    if i + 1 >= toks.len() {
        return false;
    }
    is_dropped_particle(t.particle())
        || is_glued_particle(t.particle())
        || (is_conjunction(t.particle()) && at_unit_start && has_previous)
}

/// The end of the surname unit of `toks` starting at `start`: its particles and one
/// word. Particles left at the very end (`García de`) stay with the unit before.
fn unit_end(toks: &[Tok<'_>], start: usize) -> usize {
    let n = toks.len();
    let mut i = start;
    while is_surname_prefix(toks, i, i == start, start > 0) {
        i += 1;
    }
    let end = (i + 1).min(n);
    let dangling = end < n
        && toks.get(end..).is_some_and(|rest| {
            rest.iter()
                .all(|t| is_dropped_particle(t.particle()) || is_glued_particle(t.particle()))
        });
    if dangling {
        n
    } else {
        end
    }
}

fn unit_count(toks: &[Tok<'_>]) -> usize {
    let mut count = 0;
    let mut start = 0;
    while start < toks.len() {
        start = unit_end(toks, start);
        count += 1;
    }
    count
}

/// A known given name (or an initial or abbreviation); with `strict`, not also a
/// listed surname.
fn is_given_tok(t: &Tok<'_>, strict: bool) -> bool {
    is_initial(t) || t.expansion.is_some() || (t.given && !(strict && t.listed_surname))
}

/// A word that is clearly a surname: no given name, and a listed surname or `-ez`.
fn is_clear_surname(t: &Tok<'_>) -> bool {
    !t.initial && !t.given && t.surname_like
}

/// How many words at the start are given names (`María del Carmen` is three).
fn given_run(toks: &[Tok<'_>], strict: bool) -> usize {
    let mut k = 0;
    while let Some(t) = toks.get(k) {
        if is_given_tok(t, strict) {
            k += 1;
            continue;
        }
        if k > 0 && is_given_particle(t.particle()) {
            let mut j = k;
            while toks.get(j).is_some_and(|t| is_given_particle(t.particle())) {
                j += 1;
            }
            if toks.get(j).is_some_and(|t| !t.initial && t.given) {
                k = j + 1;
                continue;
            }
        }
        break;
    }
    k
}

/// How many words at the end are unambiguous given names.
fn trailing_given_run(toks: &[Tok<'_>]) -> usize {
    toks.iter()
        .rev()
        .take_while(|t| is_given_tok(t, true))
        .count()
}

/// The field starts with a clear surname or a surname particle.
fn starts_with_surname(toks: &[Tok<'_>]) -> bool {
    toks.first().is_some_and(|t| {
        is_clear_surname(t)
            || is_dropped_particle(t.particle())
            || matches!(t.particle(), "san" | "santa")
    })
}

/// The first `k` words are surnames and the rest known given names: the run of
/// given names at the end is `n - k` words long, and the words before it start with
/// a clear surname or are [`surnames_clear`].
fn surnames_before(toks: &[Tok<'_>], k: usize) -> bool {
    k > 0
        && k < toks.len()
        && (starts_with_surname(toks) || surnames_clear(toks.get(..k).unwrap_or(&[])))
}

/// Where one field holding a whole name divides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Split {
    /// Given names are the first `k` words.
    GivenFirst(usize),
    /// Surnames are the first `k` words.
    SurnameFirst(usize),
}

/// Moves the given-name start forward while more than two surnames remain and the
/// next word is not clearly a surname.
fn keep_two_surnames(toks: &[Tok<'_>], mut k: usize) -> usize {
    while let Some(t) = toks.get(k) {
        let rest = toks.get(k..).unwrap_or(&[]);
        if k + 1 >= toks.len()
            || unit_count(rest) <= 2
            || t.surname_like
            || is_dropped_particle(t.particle())
            || is_glued_particle(t.particle())
        {
            break;
        }
        k += 1;
    }
    k
}

/// Splits a one-field name when the split is clear (used for a lone field in
/// [`parse_person`]); `None` leaves the field as it is.
fn split_strict(toks: &[Tok<'_>]) -> Option<Split> {
    let n = toks.len();
    if n < 2 {
        return None;
    }
    let k = given_run(toks, true);
    if k == 0 {
        let t = trailing_given_run(toks);
        let k = n.saturating_sub(t);
        return surnames_before(toks, k).then_some(Split::SurnameFirst(k));
    }
    if k >= n {
        return None;
    }
    Some(Split::GivenFirst(keep_two_surnames(toks, k)))
}

/// Splits a full name; always divides when there are two words or more.
fn split_full(toks: &[Tok<'_>]) -> Split {
    let n = toks.len();
    let mut k = given_run(toks, false);
    if k == 0 {
        let t = trailing_given_run(toks);
        if surnames_before(toks, n.saturating_sub(t)) {
            return Split::SurnameFirst(n.saturating_sub(t));
        }
        k = 1;
    }
    if k >= n {
        k = n.saturating_sub(1).max(1);
    }
    // Prefer two surnames when the word before them could be either, unless it
    // completes a compound given name (`Juan Cruz`, `María Paz`).
    while k > 1
        && unit_count(toks.get(k..).unwrap_or(&[])) < 2
        && toks
            .get(k - 1)
            .is_some_and(|t| !t.initial && t.listed_surname)
        && !(k == 2 && toks.first().is_some_and(|t| t.compound_head))
    {
        k -= 1;
    }
    Split::GivenFirst(keep_two_surnames(toks, k))
}

/// The given-name and surname ranges of `field` divided at `split`.
fn apply_split(field: Range<usize>, split: Split) -> (Range<usize>, Range<usize>) {
    let at = |k: usize| field.start + k.min(field.len());
    match split {
        Split::GivenFirst(k) => (field.start..at(k), at(k)..field.end),
        Split::SurnameFirst(k) => (at(k)..field.end, field.start..at(k)),
    }
}

/// A whole name in one field (`range` of `toks`), titles already taken out, at
/// least one word.
fn from_one_field(
    toks: &[Tok<'_>],
    range: Range<usize>,
    title: Option<CompactString>,
    mut problems: Vec<Problem>,
) -> Result<(PersonName, Vec<Problem>), Problem> {
    let field = part(toks, &range);
    let none = range.end..range.end;
    if field.len() == 1 {
        return if field.first().is_some_and(is_clear_surname) {
            settle(toks, none, range, title, problems)
        } else {
            settle(toks, range, none, title, problems)
        };
    }
    let split = split_full(field);
    if matches!(split, Split::SurnameFirst(_)) {
        problems.push(Problem::info(
            "name.swapped",
            "the name was written surnames first; put the given names first",
        ));
    }
    let (g, s) = apply_split(range, split);
    settle(toks, g, s, title, problems)
}

/// The display form from the words of each part.
fn build(
    given: &[Tok<'_>],
    surnames: &[Tok<'_>],
    title: Option<CompactString>,
    mut problems: Vec<Problem>,
) -> (PersonName, Vec<Problem>) {
    let mut given_out = ShortText::new();
    let mut expanded = false;
    let n = given.len();
    let given_as_typed = match given {
        [only] => as_typed(only),
        _ => None,
    };
    for (i, t) in given
        .iter()
        .enumerate()
        .filter(|_| given_as_typed.is_none())
    {
        if i > 0 {
            given_out.push_str(" ");
        }
        if let Some(full) = t.expansion() {
            given_out.push_str(full);
            expanded = true;
        } else if i > 0 && i + 1 < n && is_given_particle(t.particle()) {
            given_out.push_str(t.particle());
        } else {
            push_word(t, &mut given_out);
        }
    }
    if expanded {
        problems.push(Problem::info(
            "name.abbreviation_expanded",
            "wrote out an abbreviated given name",
        ));
    }
    let mut surnames_out = Surnames::new();
    let mut start = 0;
    while start < surnames.len() {
        let end = unit_end(surnames, start);
        let unit = surnames.get(start..end).unwrap_or(&[]);
        start = end;
        if let Some(word) = match unit {
            [only] => as_typed(only),
            _ => None,
        } {
            surnames_out.push(word);
            continue;
        }
        let mut s = ShortText::new();
        let mut after_de = false;
        for (i, t) in unit.iter().enumerate() {
            if i > 0 {
                s.push_str(" ");
            }
            let prefix = i + 1 < unit.len();
            let lower = (is_dropped_particle(t.particle()) && unit.len() > 1)
                || (prefix && is_conjunction(t.particle()))
                || (prefix && after_de && matches!(t.particle(), "la" | "las" | "los"));
            after_de = is_dropped_particle(t.particle());
            if lower {
                s.push_str(t.particle());
            } else {
                push_word(t, &mut s);
            }
        }
        surnames_out.push(s.finish());
    }
    let name = PersonName {
        given: given_as_typed.unwrap_or_else(|| given_out.finish()),
        surnames: surnames_out,
        title,
    };
    (name, problems)
}

/// A word whose display form is the word as typed, the usual case: ASCII
/// letters in title case (`Garcia`), neither an initial nor an abbreviation.
/// [`push_word`] would copy it unchanged.
fn as_typed(t: &Tok<'_>) -> Option<CompactString> {
    (t.latin && t.title_case && !t.initial && t.expansion.is_none())
        .then(|| CompactString::new(t.raw))
}

/// One word in display form: [`case_word`] without trailing dots, but an initial
/// with one (`J.`).
fn push_word(t: &Tok<'_>, out: &mut ShortText) {
    if t.plain {
        case_plain(t.raw, out);
        if t.initial {
            out.push_str(".");
        }
        return;
    }
    let word = if t.raw.ends_with('.') {
        t.raw.trim_end_matches('.')
    } else {
        t.raw
    };
    case_word(word, out);
    // An initial, or an abbreviation left as it is among surnames (`Ma.`).
    if is_initial(t) || (t.raw.ends_with('.') && t.expansion.is_some()) {
        out.push('.');
    }
}

/// The upper case of `c` when it is one character, else `c`.
fn upper1(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    if ('à'..='þ').contains(&c) && c != '÷' {
        return char::from_u32(u32::from(c) - 0x20).unwrap_or(c);
    }
    if ('À'..='Þ').contains(&c) {
        return c;
    }
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// The lower case of `c` when it is one character, else `c`.
fn lower1(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if ('À'..='Þ').contains(&c) && c != '×' {
        return char::from_u32(u32::from(c) + 0x20).unwrap_or(c);
    }
    if ('ß'..='ÿ').contains(&c) {
        return c;
    }
    let mut low = c.to_lowercase();
    match (low.next(), low.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// [`case_word`] for a word of ASCII letters only.
fn case_plain(word: &str, out: &mut ShortText) {
    let bytes = word.as_bytes();
    let Some((first, rest)) = bytes.split_first() else {
        return;
    };
    if first.is_ascii_uppercase() {
        let upper = rest.iter().filter(|b| b.is_ascii_uppercase()).count();
        // Already in title case, as most names are typed; or mixed case that
        // looks deliberate (`McDonald`): kept.
        if upper == 0 || (upper + 1 >= 2 && rest.len() - upper > upper + 1) {
            out.push_str(word);
            return;
        }
    }
    let from = out.len();
    out.push_str(word);
    out.make_ascii_lowercase_from(from);
    out.make_ascii_uppercase_at(from);
}

/// Title case for one word (`GARCÍA` is `García`, `o'brien` is `O'Brien`,
/// `maría-josé` is `María-José`), except that a word typed with a capital first and
/// more lower case than upper case letters after it, and more than one capital,
/// keeps its case (`McDonald`, `DiMaría`). Case is changed one character for one
/// character, so the result is stable and stays NFC.
fn case_word(word: &str, out: &mut ShortText) {
    if word.is_ascii() {
        let bytes = word.as_bytes();
        // Two capitals are needed to keep the case: count only when there is
        // a capital after the first letter, which most words lack.
        let later_upper = bytes
            .get(1..)
            .is_some_and(|b| b.iter().any(u8::is_ascii_uppercase));
        if later_upper && bytes.first().is_some_and(u8::is_ascii_uppercase) {
            let upper = bytes.iter().filter(|b| b.is_ascii_uppercase()).count();
            let lower = bytes.iter().filter(|b| b.is_ascii_lowercase()).count();
            if upper >= 2 && lower > upper {
                out.push_str(word);
                return;
            }
        }
        // Lower case all, then upper case the first letter and each one after a
        // hyphen, apostrophe or dot, in place.
        let from = out.len();
        out.push_str(word);
        out.make_ascii_lowercase_from(from);
        out.make_ascii_uppercase_at(from);
        let separator = |b: &u8| matches!(b, b'-' | b'\'' | b'.');
        if bytes.iter().any(separator) {
            for (i, _) in bytes.iter().enumerate().filter(|(_, b)| separator(b)) {
                out.make_ascii_uppercase_at(from + i + 1);
            }
        }
        return;
    }
    let mut upper = 0usize;
    let mut lower = 0usize;
    for c in word.chars() {
        let (is_upper, is_lower) = match c {
            'A'..='Z' | 'À'..='Ö' | 'Ø'..='Þ' => (true, false),
            'a'..='z' | 'ß'..='ö' | 'ø'..='ÿ' => (false, true),
            '\0'..='\u{7f}' => (false, false),
            _ => (c.is_uppercase(), c.is_lowercase()),
        };
        upper += usize::from(is_upper);
        lower += usize::from(is_lower);
    }
    let first_upper = word.chars().next().is_some_and(char::is_uppercase);
    if first_upper && upper >= 2 && lower > upper {
        out.push_str(word);
        return;
    }
    let mut start = true;
    for c in word.chars() {
        out.push(if start { upper1(c) } else { lower1(c) });
        start = matches!(c, '-' | '\'' | '.');
    }
}

/// Pushes the keys of one surname unit.
fn push_surname_keys(unit: &str, keys: &mut Vec<String>) {
    let folded = key_fold(unit);
    let start = keys.len();
    let mut glue = String::new();
    let mut after_de = false;
    let mut parts = words(&folded).peekable();
    while let Some(w) = parts.next() {
        let last = parts.peek().is_none();
        if is_dropped_particle(w) || is_conjunction(w) {
            after_de = is_dropped_particle(w);
            continue;
        }
        if after_de && matches!(w, "la" | "las" | "los") {
            after_de = false;
            continue;
        }
        after_de = false;
        glue.push_str(w);
        if last || !is_glued_particle(w) {
            keys.push(std::mem::take(&mut glue));
        }
    }
    if !glue.is_empty() {
        keys.push(glue);
    }
    if keys.len() == start && !folded.is_empty() {
        keys.push(folded.replace(' ', ""));
    }
}

/// Every word is a given name that is not also a listed surname, with particles
/// only inside (`María del Carmen`): the field holds given names.
fn looks_given(toks: &[Tok<'_>]) -> bool {
    let n = toks.len();
    n > 0
        && toks.iter().enumerate().all(|(i, t)| {
            if is_given_particle(t.particle()) {
                i > 0 && i + 1 < n
            } else {
                !t.initial && t.given && !t.listed_surname
            }
        })
}

/// The given-name part `g` holds surnames and the surname part `s` given names:
/// `s` is only known given names that are not also surnames, and `g` is
/// [`surnames_clear`].
fn should_swap(g: &[Tok<'_>], s: &[Tok<'_>]) -> bool {
    looks_given(s) && surnames_clear(g)
}

/// No word is a known given name, and there is a clear sign of a surname (a listed
/// surname, a `-ez` ending, a particle: `de la Fuente`) or no word is one typo away
/// from a known given name (`Gervaso` is a mistyped Gervasio, not a surname).
fn surnames_clear(toks: &[Tok<'_>]) -> bool {
    !toks.is_empty()
        && !toks.iter().any(|t| t.initial || t.given)
        && (toks
            .iter()
            .any(|t| t.surname_like || is_dropped_particle(t.particle()))
            || !toks.iter().any(near_given_name))
}

/// Within one typo (a letter added, dropped, changed, or two neighbours swapped)
/// of a known given name. Scans the table: only asked in the rare case where a
/// swap is otherwise in view.
fn near_given_name(t: &Tok<'_>) -> bool {
    let key = key_fold(t.raw);
    words(&key).any(|part| {
        given_names::GIVEN_NAMES
            .iter()
            .chain(nicknames::NICKNAMES.iter().map(|(nick, _)| nick))
            .any(|name| within_one_edit(part.as_bytes(), name.as_bytes()))
    })
}

/// Whether `a` and `b` differ by at most one insertion, deletion, substitution or
/// transposition of neighbours.
fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (a.get(p..).unwrap_or(&[]), b.get(p..).unwrap_or(&[]));
    match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Greater => ra.get(1..) == Some(rb),
        std::cmp::Ordering::Less => rb.get(1..) == Some(ra),
        std::cmp::Ordering::Equal => {
            ra.is_empty()
                || ra.get(1..) == rb.get(1..)
                || (ra
                    .get(..2)
                    .zip(rb.get(..2))
                    .is_some_and(|(x, y)| x.first() == y.get(1) && x.get(1) == y.first())
                    && ra.get(2..) == rb.get(2..))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::standardize::Severity;
    use proptest::prelude::*;

    fn person(g: &str, s: &str) -> PersonName {
        parse_person(g, s).unwrap().0
    }

    fn codes(problems: &[Problem]) -> Vec<&'static str> {
        problems.iter().map(|p| p.code).collect()
    }

    #[test]
    fn plain_tokens_agree_with_the_general_path() {
        let mut words: Vec<String> = [
            "García",
            "Muñoz",
            "JOSÉ",
            "José",
            "María",
            "Ñandú",
            "Álvarez",
            "ÁNGEL",
            "Ángel",
            "de",
            "Dé",
            "Á",
            "á",
            "Fco",
            "fco",
            "Güemes",
            "Sánchez",
            "Peña",
            "Ruíz",
            "Martínez",
            "Yáñez",
            "Çelik",
            "Zoë",
            "Ýves",
            "ÿ",
            "y",
            "Y",
            "maría",
            "mARÍA",
            "DiMaría",
            "McDonald",
            "LÓPEZ",
            "lópez",
            "Abcdefghijklmnopqrstuvwxyz",
            "Ábcdefghijklmnopqr",
        ]
        .map(String::from)
        .to_vec();
        for table in [given_names::GIVEN_NAMES, surnames::SURNAMES] {
            for w in table {
                words.push(w.to_string());
                let mut chars = w.chars();
                let capital: String = chars
                    .next()
                    .map(|c| c.to_ascii_uppercase())
                    .into_iter()
                    .chain(chars)
                    .collect();
                words.push(capital);
                words.push(w.to_uppercase());
            }
        }
        for (_, canonical, _) in TITLES {
            words.push(canonical.trim_end_matches('.').to_string());
        }
        for w in &words {
            let mut fast = TokBuf::default();
            assert!(push_plain_tokens(w, &mut fast), "{w}");
            let cleaned = clean(w).unwrap();
            let mut general = TokBuf::default();
            push_tokens(&cleaned, &mut general);
            assert_eq!(fast.len(), 1, "{w}");
            // Only the marks of the quick path may differ.
            let (mut tok, mut other) = (fast[0], general[0]);
            (tok.latin, other.latin) = (false, false);
            (tok.title_case, other.title_case) = (false, false);
            assert_eq!(format!("{tok:?}"), format!("{other:?}"), "{w}");
            let mut shown = ShortText::new();
            push_word(&fast[0], &mut shown);
            if let Some(typed) = as_typed(&fast[0]) {
                assert_eq!(typed, shown.as_str(), "{w}");
            }
        }
        let texts = [
            "García Márquez",
            "Ana",
            "",
            " Ana",
            "Ana ",
            "Ana  María",
            "Æon",
            "Jo-Ann",
            "ā",
            "a\u{301}",
            "Müller €",
        ];
        for text in texts {
            let mut fast = TokBuf::default();
            let plain = push_plain_tokens(text, &mut fast);
            let general = clean(text).map(|c| {
                let mut toks = TokBuf::default();
                push_tokens(&c, &mut toks);
                toks.iter()
                    .map(|t| {
                        let mut t = *t;
                        (t.latin, t.title_case) = (false, false);
                        format!("{t:?}")
                    })
                    .collect::<Vec<_>>()
            });
            if plain {
                let fast: Vec<String> = fast
                    .iter()
                    .map(|t| {
                        let mut t = *t;
                        (t.latin, t.title_case) = (false, false);
                        format!("{t:?}")
                    })
                    .collect();
                assert_eq!(Ok(fast), general.map_err(|_| ()), "{text:?}");
            } else {
                assert!(fast.is_empty(), "{text:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn the_plain_path_agrees_with_the_general_one(
            given in "[A-Za-zÀ-ÿ]{1,8}( [A-Za-zÀ-ÿ]{1,8}){0,2}",
            surname in "[A-Za-zÀ-ÿ]{0,8}( [A-Za-zÀ-ÿ]{1,8}){0,2}",
        ) {
            prop_assert_eq!(parse_person(&given, &surname), parse_person_cleaned(&given, &surname));
        }
    }

    #[test]
    fn tables_are_sorted_and_folded() {
        for table in [given_names::GIVEN_NAMES, surnames::SURNAMES] {
            assert!(table.windows(2).all(|w| w[0] < w[1]), "not sorted");
            assert!(table.iter().all(|w| fold(w) == *w && !w.contains(' ')));
        }
        assert!(given_names::GIVEN_NAMES.len() >= 500);
        assert!(nicknames::NICKNAMES.windows(2).all(|w| w[0].0 < w[1].0));
        for (nick, names) in nicknames::NICKNAMES {
            assert_eq!(fold(nick), *nick);
            assert!(
                !in_table(given_names::GIVEN_NAMES, nick),
                "{nick} is a nickname and a name"
            );
            for name in *names {
                assert_eq!(fold(name), *name);
                for part in name.split(' ') {
                    assert!(in_table(given_names::GIVEN_NAMES, part), "{part} missing");
                }
            }
        }
        assert!(TITLES.windows(2).all(|w| w[0].0 < w[1].0));
        // Every word is in the lexicon under its packed key.
        let words = given_names::GIVEN_NAMES
            .iter()
            .chain(surnames::SURNAMES)
            .chain(nicknames::NICKNAMES.iter().map(|(nick, _)| nick))
            .chain(TITLES.iter().map(|(key, _, _)| key));
        for word in words {
            let e = lexicon(word.as_bytes());
            assert!(
                e.given || e.surname || e.nickname.is_some() || e.title.is_some(),
                "{word}"
            );
        }
    }

    #[test]
    fn every_nickname_of_names_md() {
        let table: &[(&str, &[&str])] = &[
            ("pepe", &["jose"]),
            ("pepa", &["josefa"]),
            ("paco", &["francisco"]),
            ("pancho", &["francisco"]),
            ("curro", &["francisco"]),
            ("nacho", &["ignacio"]),
            ("lola", &["dolores"]),
            ("quique", &["enrique"]),
            ("guille", &["guillermo"]),
            ("ale", &["alejandro", "alejandra"]),
            ("beto", &["roberto", "alberto"]),
            ("chucho", &["jesus"]),
            ("chuy", &["jesus"]),
            ("concha", &["concepcion"]),
            ("conchita", &["concepcion"]),
            ("manolo", &["manuel"]),
            ("manu", &["manuel"]),
            ("charo", &["rosario"]),
            ("meche", &["mercedes"]),
            ("tono", &["antonio"]),
            ("toni", &["antonio"]),
            ("lalo", &["eduardo"]),
            ("nando", &["fernando"]),
            ("moncho", &["ramon"]),
            ("santi", &["santiago"]),
            ("fede", &["federico"]),
            ("nico", &["nicolas"]),
            ("seba", &["sebastian"]),
            ("tomi", &["tomas"]),
            ("rafa", &["rafael"]),
            ("juanjo", &["juan jose"]),
            ("chema", &["jose maria"]),
            ("maite", &["maria teresa"]),
            ("marisa", &["maria luisa"]),
            ("mari", &["maria"]),
            ("maru", &["maria"]),
            ("lupe", &["guadalupe"]),
            ("chelo", &["consuelo"]),
            ("pili", &["pilar"]),
            ("fito", &["adolfo", "rodolfo"]),
            ("gonza", &["gonzalo"]),
            ("lucho", &["luis"]),
            ("tere", &["teresa"]),
            ("cata", &["catalina"]),
            ("flor", &["florencia"]),
            ("vicky", &["victoria"]),
            ("mercho", &["mercedes"]),
        ];
        for (nick, names) in table {
            assert_eq!(nickname_of(nick), Some(*names), "{nick}");
        }
        assert_eq!(nickname_of("rocio"), None);
        assert_eq!(nickname_of(""), None);
        assert_eq!(nickname_of("Pepe"), None, "keys are folded");
    }

    proptest::proptest! {
        #[test]
        fn one_edit_is_an_edit_distance_of_one(a in "[abc]{0,6}", b in "[abc]{0,6}") {
            proptest::prop_assert_eq!(
                super::one_edit(a.as_bytes(), b.as_bytes()),
                strsim::osa_distance(&a, &b) == 1
            );
        }
    }

    #[test]
    fn placeholders_are_sorted() {
        assert!(PLACEHOLDERS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn canonical_keys_resolve_nicknames() {
        assert_eq!(person("Pepe", "Pérez").given_canonical_keys(), ["jose"]);
        assert_eq!(person("TOÑO", "Pérez").given_canonical_keys(), ["antonio"]);
        assert_eq!(
            person("Ale", "Sosa").given_canonical_keys(),
            ["alejandro", "alejandra"]
        );
        assert_eq!(
            person("Fito", "Páez").given_canonical_keys(),
            ["adolfo", "rodolfo"]
        );
        assert_eq!(
            person("Juanjo", "Sosa").given_canonical_keys(),
            ["juan jose"]
        );
        assert_eq!(
            person("Juan José", "Sosa").given_canonical_keys(),
            person("Juanjo", "Sosa").given_canonical_keys()
        );
        assert_eq!(
            person("Chema", "Sosa").given_canonical_keys(),
            ["jose maria"]
        );
        assert_eq!(person("Rocío", "Sosa").given_canonical_keys(), ["rocio"]);
        assert_eq!(
            person("Mari Carmen", "Sosa").given_canonical_keys(),
            person("María del Carmen", "Sosa").given_canonical_keys()
        );
        assert_eq!(
            person("Mª José", "Sosa").given_canonical_keys(),
            ["maria jose"]
        );
        assert!(person("", "Sosa").given_canonical_keys().is_empty());
        // Many ambiguous words: capped, no duplicates.
        let keys = person("Ale Beto Fito Ale", "Sosa").given_canonical_keys();
        assert_eq!(keys.len(), MAX_CANONICAL);
        assert_eq!(keys[0], "alejandro roberto adolfo alejandro");
    }

    #[test]
    fn accents_kept_in_display_folded_in_keys() {
        let p = person("  maría   JOSÉ ", "MUÑOZ  güemes");
        assert_eq!(p.given, "María José");
        assert_eq!(p.surnames[..], ["Muñoz", "Güemes"]);
        assert_eq!(p.given_key(), "maria jose");
        assert_eq!(p.surname_keys(), ["munoz", "guemes"]);
        // Decomposed input is composed.
        let q = person("Jose\u{301}", "Mun\u{303}oz");
        assert_eq!(q.given, "José");
        assert_eq!(q.surnames[..], ["Muñoz"]);
        assert_eq!(q.display(), "José Muñoz");
    }

    #[test]
    fn titles_are_removed() {
        for (input, title) in [
            ("Sr. José", "Sr."),
            ("sra josé", "Sra."),
            ("SRTA. José", "Srta."),
            ("Dr José", "Dr."),
            ("dra. José", "Dra."),
            ("LIC. José", "Lic."),
            ("Ing José", "Ing."),
            ("arq. José", "Arq."),
            ("Prof. José", "Prof."),
            ("CR. José", "Cr."),
            ("Doctor José", "Dr."),
            ("Don José", "D."),
        ] {
            let (p, problems) = parse_person(input, "García").unwrap();
            assert_eq!(p.given, "José", "{input}");
            assert_eq!(p.title.as_deref(), Some(title), "{input}");
            assert_eq!(codes(&problems), ["name.title_removed"], "{input}");
            assert_eq!(problems[0].severity, Severity::Info);
        }
        let (p, problems) = parse_person("Sr. Dr. José", "García").unwrap();
        assert_eq!(
            (p.given.as_str(), p.title.as_deref()),
            ("José", Some("Sr."))
        );
        assert_eq!(problems.len(), 2);
        // A title alone in the given field leaves only the surname.
        let (p, _) = parse_person("Dr.", "García").unwrap();
        assert_eq!((p.given.as_str(), p.display().as_str()), ("", "García"));
        // A whole word, or an abbreviation without its dot, needs a name after it:
        // `Dra` alone may be Dora mistyped.
        assert_eq!(person("Don", "García").given, "Don");
        assert_eq!(person("Dra", "Cruz Calderón").given, "Dra");
        assert_eq!(person("SRA", "Cabrera").given, "Sra");
        assert_eq!(parse_person("Dr.", "").unwrap_err().code, "name.empty");
        // Titles inside the name are names.
        assert_eq!(person("José", "Doctor").surnames[..], ["Doctor"]);
    }

    #[test]
    fn particles_stay_with_their_surname() {
        let p = person("maría josé", "DE LA FUENTE GARCÍA");
        assert_eq!(p.surnames[..], ["de la Fuente", "García"]);
        assert_eq!(p.surname_keys(), ["fuente", "garcia"]);
        assert_eq!(p.display(), "María José de la Fuente García");

        let p = person("Lucía", "del valle");
        assert_eq!(p.surnames[..], ["del Valle"]);
        assert_eq!(p.surname_keys(), ["valle"]);

        let p = person("José", "SAN MARTÍN");
        assert_eq!(p.surnames[..], ["San Martín"]);
        assert_eq!(p.surname_keys(), ["sanmartin"]);
        assert_eq!(person("José", "Sanmartín").surname_keys(), ["sanmartin"]);

        let p = person("José", "Ortega y Gasset");
        assert_eq!(p.surnames[..], ["Ortega", "y Gasset"]);
        assert_eq!(p.surname_keys(), ["ortega", "gasset"]);
        assert_eq!(p.display(), "José Ortega y Gasset");

        let p = person("Ana", "de los Ríos de las Heras");
        assert_eq!(p.surnames[..], ["de los Ríos", "de las Heras"]);
        assert_eq!(p.surname_keys(), ["rios", "heras"]);

        let p = person("Ana", "Las Heras");
        assert_eq!(p.surnames[..], ["Las Heras"]);
        assert_eq!(p.surname_keys(), ["lasheras"]);

        let p = person("Ángel", "di maría");
        assert_eq!(p.surnames[..], ["Di María"]);
        assert_eq!(person("Ángel", "DiMaría").surnames[..], ["DiMaría"]);
        assert_eq!(p.surname_keys(), person("Ángel", "DiMaría").surname_keys());

        let p = person("Arantxa", "Sánchez - Vicario");
        assert_eq!(p.surnames[..], ["Sánchez-Vicario"]);
        assert_eq!(p.surname_keys(), ["sanchez", "vicario"]);

        let p = person("Josep", "Puig i Cadafalch");
        assert_eq!(p.surnames[..], ["Puig", "i Cadafalch"]);
        assert_eq!(p.surname_keys(), ["puig", "cadafalch"]);

        // A particle left at the end stays with the surname before it.
        let p = person("José", "García de");
        assert_eq!(p.surnames[..], ["García de"]);
        assert_eq!(p.surname_keys(), ["garcia"]);
        // Only particles: still one key.
        assert_eq!(person("José", "de la").surname_keys(), ["dela"]);

        // Given names keep their particles in display and drop them in keys.
        let p = person("MARÍA DE LOS ÁNGELES", "López");
        assert_eq!(p.given, "María de los Ángeles");
        assert_eq!(p.given_key(), "maria de los angeles");
        assert_eq!(p.given_canonical_keys(), ["maria angeles"]);
    }

    #[test]
    fn apostrophes_hyphens_initials_and_case() {
        let p = person("j.l.", "o’brien");
        assert_eq!(p.given, "J. L.");
        assert_eq!(p.surnames[..], ["O'Brien"]);
        assert_eq!(p.surname_keys(), ["obrien"]);
        assert_eq!(person("juan j", "D´Angelo").display(), "Juan J. D'Angelo");
        assert_eq!(
            person("maría-josé", "McDonald").display(),
            "María-José McDonald"
        );
        assert_eq!(
            person("MARIA-JOSE", "MCDONALD").display(),
            "Maria-Jose Mcdonald"
        );
        assert_eq!(person("Mª Luisa", "Pérez").given, "María Luisa");
        assert_eq!(person("M.ª Luisa", "Pérez").given, "María Luisa");
        assert_eq!(person("Ma. Luisa", "Pérez").given, "María Luisa");
        assert_eq!(person("Fco. Javier", "Pérez").given, "Francisco Javier");
        assert_eq!(person("Ma", "Pérez").given, "Ma");
        let (_, problems) = parse_person("Mª Luisa", "Pérez").unwrap();
        assert_eq!(codes(&problems), ["name.abbreviation_expanded"]);
        assert_eq!(person("García.", "López").given, "García");
        // Other scripts are letters.
        assert_eq!(person("李", "王").display(), "李 王");
        assert_eq!(person("ßa", "İstanbul").display(), "ßa İstanbul");
    }

    #[test]
    fn invalid_characters_and_limits() {
        for bad in [
            "Juan2",
            "Juan!",
            "Ana@",
            "Jo\u{0}sé",
            "😀",
            "Ana & Luis",
            "A_B",
            "Ana, Luis",
        ] {
            let err = parse_person(bad, "García").unwrap_err();
            assert_eq!(err.code, "name.invalid_characters", "{bad:?}");
            assert_eq!(err.severity, Severity::Error);
        }
        assert_eq!(parse_person("", "").unwrap_err().code, "name.empty");
        assert_eq!(parse_person(" - ", " . ' ").unwrap_err().code, "name.empty");
        let long = "a".repeat(101);
        assert_eq!(parse_person(&long, "").unwrap_err().code, "name.too_long");
        assert!(parse_person(&"á".repeat(100), "").is_ok());
        assert_eq!(
            parse_full_name(&"a ".repeat(101)).unwrap_err().code,
            "name.too_long"
        );
        // Tabs and new lines are spaces.
        assert_eq!(
            person("José\tLuis", "García\n").display(),
            "José Luis García"
        );
    }

    #[test]
    fn swapped_fields() {
        let (p, problems) = parse_person("García Márquez", "José Luis").unwrap();
        assert_eq!(p.given, "José Luis");
        assert_eq!(p.surnames[..], ["García", "Márquez"]);
        assert_eq!(codes(&problems), ["name.swapped"]);
        let (p, problems) = parse_person("FERNANDEZ", "ANA").unwrap();
        assert_eq!(p.display(), "Ana Fernandez");
        assert_eq!(codes(&problems), ["name.swapped"]);
        let (p, _) = parse_person("de la Fuente", "María del Carmen").unwrap();
        assert_eq!(p.display(), "María del Carmen de la Fuente");
        // Not swapped: a given name in the given field, an ambiguous surname field,
        // or nothing that says "surname" in the given field.
        for (g, s) in [
            ("Martín", "García"),
            ("García", "Martín"),
            ("Custodio", "Ramón"),
            ("Gervaso", "José"),
            ("García", "J."),
        ] {
            let (p, problems) = parse_person(g, s).unwrap();
            assert!(problems.is_empty(), "{g} / {s}");
            assert_eq!(fold(&p.given), fold(g));
        }
        // A mistyped given name is not a surname; an unknown word far from any
        // given name is.
        assert!(parse_person("Gervaso", "Juan").unwrap().1.is_empty());
        assert!(parse_person("Hoarcio", "Gonzalo").unwrap().1.is_empty());
        assert_eq!(person("Olivera", "Francisco").given, "Francisco");
        assert_eq!(person("Aroca Prat", "Ana").display(), "Ana Aroca Prat");
        // The output does not swap back.
        let (p, _) = parse_person("García", "José").unwrap();
        let (q, problems) = parse_person(&p.given, &p.surnames.join(" ")).unwrap();
        assert_eq!(p, q);
        assert!(problems.is_empty());
    }

    #[test]
    fn one_edit() {
        for (a, b) in [
            ("gervasio", "gervaso"),
            ("horacio", "hoarcio"),
            ("lara", "laara"),
            ("ana", "ana"),
            ("ana", "ena"),
            ("", "a"),
        ] {
            assert!(within_one_edit(a.as_bytes(), b.as_bytes()), "{a} {b}");
            assert!(within_one_edit(b.as_bytes(), a.as_bytes()), "{b} {a}");
        }
        for (a, b) in [
            ("olivera", "oliva"),
            ("ana", "nna a"),
            ("abc", "cab"),
            ("", "ab"),
        ] {
            assert!(!within_one_edit(a.as_bytes(), b.as_bytes()), "{a} {b}");
        }
    }

    #[test]
    fn lone_field_is_split_when_clear() {
        let (p, problems) = parse_person("Juan Pablo Cruz", "").unwrap();
        assert_eq!(
            (p.given.as_str(), p.surnames.as_slice()),
            ("Juan Pablo", &[CompactString::const_new("Cruz")][..])
        );
        assert_eq!(codes(&problems), ["name.split"]);
        let (p, _) = parse_person("", "José García López").unwrap();
        assert_eq!(p.given, "José");
        assert_eq!(p.surnames[..], ["García", "López"]);
        let (p, _) = parse_person("", "GARCIA LOPEZ JOSE").unwrap();
        assert_eq!(p.display(), "Jose Garcia Lopez");
        // Not split: all given names, only surnames, or an ambiguous start.
        for (g, s) in [
            ("María José", ""),
            ("", "García López"),
            ("", "Martín García"),
            ("José", ""),
        ] {
            let (p, problems) = parse_person(g, s).unwrap();
            assert!(problems.is_empty(), "{g} / {s}");
            assert_eq!(p.given.is_empty(), g.is_empty());
        }
    }

    #[test]
    fn full_names_both_orders() {
        let (p, problems) = parse_full_name("Sr. José Luis García Márquez").unwrap();
        assert_eq!(p.given, "José Luis");
        assert_eq!(p.surnames[..], ["García", "Márquez"]);
        assert_eq!(p.title.as_deref(), Some("Sr."));
        assert_eq!(codes(&problems), ["name.title_removed"]);

        let (p, problems) = parse_full_name("GARCIA MARQUEZ, JOSE LUIS").unwrap();
        assert_eq!(p.display(), "Jose Luis Garcia Marquez");
        assert!(problems.is_empty());
        let (p, _) = parse_full_name("AROCA PRAT ANA").unwrap();
        assert_eq!(p.display(), "Ana Aroca Prat");
        let (p, _) = parse_full_name("Gervaso Juan").unwrap();
        assert_eq!(
            (p.given.as_str(), p.surnames.join(" ")),
            ("Gervaso", "Juan".into())
        );
        let (p, _) = parse_full_name("García, Dra. María").unwrap();
        assert_eq!(
            (p.display().as_str(), p.title.as_deref()),
            ("María García", Some("Dra."))
        );

        let (p, problems) = parse_full_name("GARCIA MARQUEZ JOSE LUIS").unwrap();
        assert_eq!(p.display(), "Jose Luis Garcia Marquez");
        assert_eq!(codes(&problems), ["name.swapped"]);

        let cases = [
            (
                "María del Carmen Rodríguez",
                "María del Carmen",
                "Rodríguez",
            ),
            ("María de la Fuente", "María", "de la Fuente"),
            ("José Ortega y Gasset", "José", "Ortega y Gasset"),
            ("Juan Martín García", "Juan Martín", "García"),
            ("Pedro Martín García", "Pedro", "Martín García"),
            ("María Paz Luna", "María Paz", "Luna"),
            ("Mia Jazmín Medina Quiroga", "Mia Jazmín", "Medina Quiroga"),
            ("Xqz Wyk Medina Quiroga", "Xqz Wyk", "Medina Quiroga"),
            ("Ana López", "Ana", "López"),
            ("J. L. Borges", "J. L.", "Borges"),
            ("José Luis", "José", "Luis"),
            ("Pepe", "Pepe", ""),
            ("González", "", "González"),
            ("José García,", "José", "García"),
            (", José", "José", ""),
        ];
        for (full, given, surnames) in cases {
            let (p, _) = parse_full_name(full).unwrap();
            assert_eq!(p.given, given, "{full}");
            assert_eq!(p.surnames.join(" "), surnames, "{full}");
        }
        assert_eq!(
            parse_full_name("García, José, Luis").unwrap_err().code,
            "name.invalid_characters"
        );
        assert_eq!(parse_full_name(" , ").unwrap_err().code, "name.empty");
        assert_eq!(parse_full_name("Dr.").unwrap_err().code, "name.empty");
    }

    #[test]
    fn companies_every_legal_form_spelling() {
        let cases: &[(&str, LegalForm)] = &[
            ("Acme S.A.", LegalForm::SA),
            ("Acme SA", LegalForm::SA),
            ("Acme S. A.", LegalForm::SA),
            ("Acme s.a", LegalForm::SA),
            ("Acme, S.A.", LegalForm::SA),
            ("Acme Sociedad Anónima", LegalForm::SA),
            ("ACME SOCIEDAD ANONIMA", LegalForm::SA),
            ("Acme S/A", LegalForm::SA),
            ("Acme S.R.L.", LegalForm::SRL),
            ("Acme SRL", LegalForm::SRL),
            ("Acme S. R. L.", LegalForm::SRL),
            ("Acme S.R.L", LegalForm::SRL),
            ("Acme srl", LegalForm::SRL),
            ("Acme S. de R.L.", LegalForm::SRL),
            ("Acme Sociedad de Responsabilidad Limitada", LegalForm::SRL),
            ("Acme S.A.S.", LegalForm::SAS),
            ("Acme SAS", LegalForm::SAS),
            ("Acme Sociedad por Acciones Simplificada", LegalForm::SAS),
            ("Acme S.C.A.", LegalForm::SCA),
            ("Acme SCA", LegalForm::SCA),
            ("Acme Sociedad en Comandita por Acciones", LegalForm::SCA),
            ("Acme S.H.", LegalForm::SH),
            ("Acme SH", LegalForm::SH),
            ("Acme S. de H.", LegalForm::SH),
            ("Acme Sociedad de Hecho", LegalForm::SH),
            ("Acme Coop. Ltda.", LegalForm::CoopLtda),
            ("Acme Coop Ltda", LegalForm::CoopLtda),
            ("Acme Cooperativa Limitada", LegalForm::CoopLtda),
            ("Cooperativa Eléctrica de Zárate Ltda.", LegalForm::CoopLtda),
            ("Cooperativa de Trabajo Limitada", LegalForm::CoopLtda),
            ("Acme S.L.", LegalForm::SL),
            ("Acme SL", LegalForm::SL),
            ("Acme Sociedad Limitada", LegalForm::SL),
            ("Acme S.L.U.", LegalForm::SLU),
            ("Acme SLU", LegalForm::SLU),
            ("Acme S.L. Unipersonal", LegalForm::SLU),
            ("Acme Sociedad Limitada Unipersonal", LegalForm::SLU),
            ("Acme S.A.U.", LegalForm::SAU),
            ("Acme SAU", LegalForm::SAU),
            ("Acme Sociedad Anónima Unipersonal", LegalForm::SAU),
            ("Acme S.Coop.", LegalForm::SCoop),
            ("Acme S. Coop.", LegalForm::SCoop),
            ("Acme SCOOP", LegalForm::SCoop),
            ("Acme Sociedad Cooperativa", LegalForm::SCoop),
            ("Acme S.C.", LegalForm::SC),
            ("Acme SC", LegalForm::SC),
            ("Acme Sociedad Civil", LegalForm::SC),
            ("Acme Inc.", LegalForm::Inc),
            ("Acme, Inc", LegalForm::Inc),
            ("Acme Incorporated", LegalForm::Inc),
            ("Acme LLC", LegalForm::LLC),
            ("Acme L.L.C.", LegalForm::LLC),
            ("Acme Limited Liability Company", LegalForm::LLC),
            ("Acme Ltd.", LegalForm::Ltd),
            ("Acme Ltd", LegalForm::Ltd),
            ("Acme Limited", LegalForm::Ltd),
            ("Acme GmbH", LegalForm::GmbH),
            ("Acme GMBH", LegalForm::GmbH),
            ("Acme G.m.b.H.", LegalForm::GmbH),
        ];
        for (text, form) in cases {
            let (c, problems) = parse_company(text).unwrap();
            assert_eq!(c.legal_form, Some(*form), "{text}");
            let display = c.display();
            let canonical = text.ends_with(&format!(" {}", form_suffix(&c.name, *form)));
            assert_eq!(problems.is_empty(), canonical, "{text}: {problems:?}");
            if !canonical {
                assert_eq!(problems[0].code, "company.legal_form_normalized");
                assert_eq!(problems[0].suggestion.as_deref(), Some(display.as_str()));
            }
            let (again, problems) = parse_company(&display).unwrap();
            assert_eq!(again, c, "{text}");
            assert!(problems.is_empty());
            if !text.starts_with("Coop") {
                assert_eq!(c.key(), "acme", "{text}");
            }
        }
        let (c, _) = parse_company("Cooperativa Eléctrica de Zárate Ltda.").unwrap();
        assert_eq!(c.name, "Cooperativa Eléctrica de Zárate");
        assert_eq!(c.display(), "Cooperativa Eléctrica de Zárate Ltda.");
        assert_eq!(c.key(), "cooperativa electrica zarate");
        assert_eq!(LegalForm::CoopLtda.to_string(), "Coop. Ltda.");
    }

    #[test]
    fn companies_other_cases() {
        let (c, problems) = parse_company("YPF").unwrap();
        assert_eq!((c.name.as_str(), c.legal_form), ("YPF", None));
        assert!(problems.is_empty());
        assert_eq!(
            parse_company("Pérez & Hnos. S.A.").unwrap().0.key(),
            "perez hermanos"
        );
        assert_eq!(
            parse_company("Pérez y Hermanos SA").unwrap().0.key(),
            parse_company("PEREZ & HNOS. S.A.").unwrap().0.key()
        );
        assert_eq!(parse_company("Acme SA SA").unwrap().0.name, "Acme SA");
        assert_eq!(parse_company("Acme,S.A.").unwrap().0.display(), "Acme S.A.");
        assert_eq!(
            parse_company("El Corte Inglés, S.A.").unwrap().0.key(),
            "corte ingles"
        );
        assert_eq!(parse_company("").unwrap_err().code, "company.empty");
        assert_eq!(parse_company("  S.A. ").unwrap_err().code, "company.empty");
        assert_eq!(
            parse_company("- , S.R.L.").unwrap_err().code,
            "company.empty"
        );
        assert_eq!(
            parse_company("Ac\u{7}me").unwrap_err().code,
            "company.invalid_characters"
        );
        assert_eq!(
            parse_company(&"x".repeat(201)).unwrap_err().code,
            "company.too_long"
        );
        // Digits and symbols are fine in a company name.
        assert_eq!(
            parse_company("3M Argentina S.A.C.I.F.I.A.")
                .unwrap()
                .0
                .legal_form,
            None
        );
        assert_eq!(
            parse_company("24/7 Servicios SRL").unwrap().0.name,
            "24/7 Servicios"
        );
    }

    #[test]
    fn garbage_never_panics() {
        let big = "José ".repeat(200_000);
        let inputs: Vec<String> = vec![
            String::new(),
            big,
            "\u{0}\u{1}\u{7f}".into(),
            "😀👍🏽".into(),
            "\u{301}\u{301}".into(),
            "ª".into(),
            ".ª".into(),
            "M.ª".into(),
            "-'.".into(),
            "a-".into(),
            "de".into(),
            "de la de las".into(),
            "San".into(),
            "y y y".into(),
            "i e y".into(),
            "\u{200b}".into(),
            "\u{feff}Ana".into(),
            "ﬀ".into(),
            "ǅemal".into(),
            "Ⅻ".into(),
            "ß".repeat(50),
            "İ".repeat(60),
            ",,,,".into(),
            ", , S.A.".into(),
            "Cooperativa".into(),
            "Cooperativa Ltda.".into(),
            "مرحبا".into(),
            "Москва".into(),
            "\u{1F600}S.A.".into(),
            "a\u{0301}\u{0302}\u{0303}".into(),
        ];
        for a in &inputs {
            for b in &inputs {
                if let Ok((p, _)) = parse_person(a, b) {
                    let _ = (
                        p.display(),
                        p.given_key(),
                        p.given_canonical_keys(),
                        p.surname_keys(),
                    );
                }
            }
            if let Ok((p, _)) = parse_full_name(a) {
                let _ = (p.display(), p.given_canonical_keys(), p.surname_keys());
            }
            if let Ok((c, _)) = parse_company(a) {
                let _ = (c.display(), c.key());
            }
        }
    }

    /// Name-like text: real words, particles, titles and awkward characters.
    fn namish() -> impl Strategy<Value = String> {
        let words = prop::sample::select(vec![
            "José",
            "JOSÉ",
            "jose",
            "María",
            "maria",
            "del",
            "de",
            "la",
            "las",
            "Los",
            "y",
            "e",
            "i",
            "San",
            "santa",
            "Di",
            "Lo",
            "Carmen",
            "Fuente",
            "García",
            "MUÑOZ",
            "Martín",
            "Cruz",
            "Luna",
            "González",
            "Pepe",
            "Ale",
            "Juanjo",
            "Dr.",
            "sra",
            "Don",
            "doctor",
            "Mª",
            "M.ª",
            "Ma.",
            "Fco",
            "J.",
            "j",
            "L",
            "O'Brien",
            "d´angelo",
            "McDonald",
            "DiMaría",
            "-",
            "'",
            ".",
            "..",
            "María-José",
            "Sánchez-",
            "ß",
            "İ",
            "ǅ",
            "Ⅻ",
            "\u{301}",
            "e\u{301}",
            "李",
            "Ñ",
            "CaAPARRO",
            "aJazmin",
            "Ltda.",
            "Zxqw",
        ]);
        prop::collection::vec(words, 0..6).prop_map(|w| w.join(" "))
    }

    fn assert_person_idempotent(first: &PersonName) -> Result<(), TestCaseError> {
        let (again, problems) = parse_person(&first.given, &first.surnames.join(" "))
            .map_err(|e| TestCaseError::fail(format!("{first:?}: {e}")))?;
        let expected = PersonName {
            title: None,
            ..first.clone()
        };
        prop_assert_eq!(&again, &expected);
        prop_assert!(problems.is_empty(), "{:?} gave {:?}", first, problems);
        Ok(())
    }

    proptest! {
        #[test]
        fn person_is_idempotent(g in namish(), s in namish()) {
            if let Ok((p, _)) = parse_person(&g, &s) {
                assert_person_idempotent(&p)?;
            }
        }

        #[test]
        fn full_name_output_is_idempotent_as_fields(full in namish(), comma in any::<bool>()) {
            let text = if comma { full.replacen(' ', ", ", 1) } else { full };
            if let Ok((p, _)) = parse_full_name(&text) {
                assert_person_idempotent(&p)?;
            }
        }

        #[test]
        fn any_text_never_panics(g in "\\PC{0,30}", s in ".{0,30}") {
            if let Ok((p, _)) = parse_person(&g, &s) {
                assert_person_idempotent(&p)?;
            }
            let _ = parse_full_name(&g);
            if let Ok((c, _)) = parse_company(&s) {
                let (again, problems) = parse_company(&c.display()).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(again, c);
                prop_assert!(problems.is_empty());
            }
        }

        #[test]
        fn company_is_idempotent(name in namish(), form in prop::sample::select(vec![
            "", "SA", "S. A.", "s.r.l", "S.A.S", "SCA", "S. de H.", "Coop Ltda", "SL", "S.L.U",
            "sau", "S Coop", "SC", "inc", "L.L.C", "ltd", "gmbh", "Sociedad Anónima", "Limitada",
        ])) {
            if let Ok((c, _)) = parse_company(&format!("{name} {form}")) {
                let (again, problems) = parse_company(&c.display()).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(again, c);
                prop_assert!(problems.is_empty());
            }
        }
    }
}
