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

mod company;
mod given_names;
mod nicknames;
mod split;
mod surnames;
mod variants;

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use compact_str::CompactString;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use smallvec::SmallVec;

use super::text::{ascii_str, fold, packed_key, MAX_PACKED};
use super::Problem;

pub use company::{parse_company, CompanyName, LegalForm};
use split::{apply_split, build, from_one_field, push_surname_keys, should_swap, split_strict};

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
    /// [`push_word`](split::push_word).
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

#[cfg(test)]
mod tests;
