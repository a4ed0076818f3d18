//! The street line: words, qualifiers and the parser that reads them.

use super::tables::{self, Kw, Special, Word};
use super::{name_case, Detail, StreetType, NO_NUMBER};
use compact_str::CompactString;
use smallvec::SmallVec;

use crate::standardize::text::{join_compact, MAX_PACKED};
use crate::standardize::Problem;

/// A short lower-case, accentless, dotless form of a token for table lookups;
/// empty for long tokens and tokens with other characters. The buffer is zero
/// past the key.
pub(super) struct Key {
    buf: [u8; 24],
    len: usize,
}

/// In [`KEY_BYTES`]: the byte is left out of the key (`.`, `:`).
const KEY_SKIP: u8 = 0;
/// In [`KEY_BYTES`]: the byte makes the token keyless.
const KEY_REJECT: u8 = 0xFF;
/// In [`KEY_BYTES`]: a byte of a character beyond ASCII, read character by
/// character instead.
const KEY_WIDE: u8 = 0xFE;

/// The key byte of each byte: lower-case letters, digits, `/`, `#` and `-` as
/// they are, upper-case letters lowered, [`KEY_SKIP`] for `.` and `:`,
/// [`KEY_WIDE`] past ASCII, [`KEY_REJECT`] for the rest.
static KEY_BYTES: [u8; 256] = {
    let mut table = [KEY_REJECT; 256];
    let mut b = 0usize;
    while b < 256 {
        table[b] = match b as u8 {
            b'.' | b':' => KEY_SKIP,
            c @ (b'a'..=b'z' | b'0'..=b'9' | b'/' | b'#' | b'-') => c,
            c @ b'A'..=b'Z' => c | 0x20,
            0x80.. => KEY_WIDE,
            _ => KEY_REJECT,
        };
        b += 1;
    }
    table
};

impl Key {
    const NONE: Key = Key {
        buf: [0; 24],
        len: 0,
    };

    pub(super) fn of(token: &str) -> Key {
        let mut key = Key::NONE;
        // One table look-up a byte: the folded byte, a skip, a reject, or a
        // character past ASCII, which the slower path reads.
        for &b in token.as_bytes() {
            match KEY_BYTES.get(usize::from(b)).copied().unwrap_or(KEY_REJECT) {
                KEY_SKIP => {}
                KEY_REJECT => return Key::NONE,
                KEY_WIDE => return Key::of_chars(token),
                folded => match key.buf.get_mut(key.len) {
                    Some(slot) => {
                        *slot = folded;
                        key.len += 1;
                    }
                    None => return Key::NONE,
                },
            }
        }
        key
    }

    /// [`Key::of`] a character at a time, for tokens beyond ASCII.
    fn of_chars(token: &str) -> Key {
        let mut key = Key::NONE;
        for c in token.chars() {
            let b = match c {
                '.' | ':' => continue,
                'a'..='z' | '0'..='9' | '/' | '#' | '-' => c as u8,
                'A'..='Z' => c.to_ascii_lowercase() as u8,
                'º' | '°' => b'o',
                'ª' => b'a',
                _ => match fold_latin(c) {
                    Some(b) => b,
                    None => {
                        key.len = 0;
                        return key;
                    }
                },
            };
            match key.buf.get_mut(key.len) {
                Some(slot) => {
                    *slot = b;
                    key.len += 1;
                }
                None => {
                    key.len = 0;
                    return key;
                }
            }
        }
        key
    }

    pub(super) fn as_str(&self) -> &str {
        self.buf
            .get(..self.len)
            .and_then(crate::standardize::text::ascii_str)
            .unwrap_or("")
    }

    /// The meanings of a token's key ([`Key::of`]`(token).word()`), packed
    /// straight from the bytes: the key of a word of the tables fits a packed
    /// key, so a longer one is no word.
    fn word_of(token: &str) -> Option<&'static Word> {
        let mut packed = [0u8; MAX_PACKED];
        let mut len = 0;
        for &b in token.as_bytes() {
            let folded = KEY_BYTES.get(usize::from(b)).copied().unwrap_or(KEY_REJECT);
            // A key byte (neither skip, reject nor wide), the usual case, in
            // one test.
            if folded.wrapping_sub(1) < KEY_WIDE - 1 {
                *packed.get_mut(len)? = folded;
                len += 1;
            } else if folded == KEY_REJECT {
                return None;
            } else if folded == KEY_WIDE {
                return Key::of_chars(token).word();
            }
        }
        if len == 0 {
            return None;
        }
        tables::word_packed(u128::from_le_bytes(packed))
    }

    /// The meanings of the word.
    fn word(&self) -> Option<&'static Word> {
        if self.len == 0 || self.len > MAX_PACKED {
            return None;
        }
        // The buffer is zero past the key: its first bytes are the packed key.
        let mut packed = [0u8; MAX_PACKED];
        packed.copy_from_slice(self.buf.get(..MAX_PACKED)?);
        tables::word_packed(u128::from_le_bytes(packed))
    }
}

/// The ASCII letter of an accented Latin letter used in Spanish, Catalan,
/// Galician or Basque (`Á` → `a`, `ñ` → `n`).
pub(super) fn fold_latin(c: char) -> Option<u8> {
    Some(match c {
        'á' | 'à' | 'â' | 'ä' | 'Á' | 'À' | 'Â' | 'Ä' => b'a',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => b'e',
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => b'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'Ó' | 'Ò' | 'Ô' | 'Ö' => b'o',
        'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => b'u',
        'ñ' | 'Ñ' => b'n',
        'ç' | 'Ç' => b'c',
        _ => return None,
    })
}

/// A word of a street line, with its meanings looked up once.
#[derive(Clone, Copy, Default)]
struct Tok<'a> {
    text: &'a str,
    comma: bool,
    word: Option<&'static Word>,
    number: bool,
    ordinal: bool,
}

impl<'a> Tok<'a> {
    /// A comma, or a dash standing alone.
    fn comma() -> Tok<'a> {
        Tok {
            text: ",",
            comma: true,
            word: None,
            number: false,
            ordinal: false,
        }
    }

    fn new(text: &'a str) -> Tok<'a> {
        if text == "," {
            return Tok::comma();
        }
        let digit_first = text.starts_with(|c: char| c.is_ascii_digit() || c == '#');
        Tok {
            text,
            comma: false,
            // No word of the tables starts with a digit.
            word: if text.starts_with(|c: char| c.is_ascii_digit()) {
                None
            } else {
                Key::word_of(text)
            },
            number: digit_first && is_house_number(text),
            ordinal: digit_first && ordinal(text).is_some(),
        }
    }

    fn digitish(&self) -> bool {
        self.number || self.ordinal
    }

    fn keyword(&self) -> Option<Kw> {
        self.word.and_then(|w| w.keyword)
    }

    fn special(&self) -> Special {
        self.word.map_or(Special::None, |w| w.special)
    }
}

/// How many tokens a street line holds without [`Toks`] allocating.
const INLINE_TOKS: usize = 16;

/// The tokens of a street line: up to [`INLINE_TOKS`] on the stack, more on the
/// heap, so that a typical street costs no allocation for its words.
type Toks<'a> = SmallVec<[Tok<'a>; INLINE_TOKS]>;

/// The words of a street name, on the stack up to eight.
type Words<'a> = SmallVec<[&'a str; 8]>;

/// Whether a key is an abbreviation that may be glued to the next word
/// (`Av.Corrientes`, `R.N.40`).
fn is_abbreviation(key: &Key) -> bool {
    key.len >= 2
        && key
            .word()
            .is_some_and(|w| w.prefix.is_some() || w.keyword.is_some() || w.abbreviation.is_some())
}

/// In [`SPLIT_BYTES`]: a byte inside a word that never ends it.
const PLAIN: u8 = 0;
/// In [`SPLIT_BYTES`]: a space.
const SPACE: u8 = 1;
/// In [`SPLIT_BYTES`]: `,` or `;`.
const COMMA: u8 = 2;
/// In [`SPLIT_BYTES`]: a byte after which a word may be split: `/`, `.`, and
/// the second byte of `º`, `ª`, `°`.
const SPLIT: u8 = 3;

/// What each byte means to [`tokenize`]: most are [`PLAIN`], read a run at a
/// time.
static SPLIT_BYTES: [u8; 256] = {
    let mut table = [PLAIN; 256];
    table[b' ' as usize] = SPACE;
    table[b',' as usize] = COMMA;
    table[b';' as usize] = COMMA;
    table[b'/' as usize] = SPLIT;
    table[b'.' as usize] = SPLIT;
    table[0xBA] = SPLIT;
    table[0xAA] = SPLIT;
    table[0xB0] = SPLIT;
    table
};

/// Splits a cleaned street into words and commas (`","`). A comma between
/// digits stays (`25,5`); a dash standing alone is a comma; `C/Mayor`,
/// `Av.Corrientes`, `3º2ª` and `Nº12` are split. Written into `toks` (empty)
/// rather than returned: the buffer is large.
fn tokenize<'a>(text: &'a str, toks: &mut Toks<'a>) {
    let flush = |toks: &mut Toks<'a>, start: Option<usize>, to: usize| {
        if let Some(t) = start
            .and_then(|s| text.get(s..to))
            .filter(|t| !t.is_empty())
        {
            // Only a word starting with a dash or a bar (`–` and `—` start
            // with E2) can be all dashes.
            let dashes = matches!(t.as_bytes().first(), Some(b'-' | b'|' | 0xE2))
                && t.chars().all(|c| matches!(c, '-' | '–' | '—' | '|'));
            if dashes {
                // A dash standing alone separates like a comma (`5 - 3º A`).
                toks.push(Tok::comma());
            } else {
                toks.push(Tok::new(t));
            }
        }
    };
    // Separators and split points are ASCII, or the second byte of `º`, `ª`,
    // `°` (C2 BA, C2 AA, C2 B0): bytes suffice.
    let bytes = text.as_bytes();
    let next_alnum = |at: usize| {
        text.get(at..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(char::is_alphanumeric)
    };
    let class = |b: u8| SPLIT_BYTES.get(usize::from(b)).copied().unwrap_or(PLAIN);
    let mut start: Option<usize> = None;
    let mut pos = 0;
    while let Some(&b) = bytes.get(pos) {
        match class(b) {
            PLAIN => {
                // The rest of the run at once.
                start.get_or_insert(pos);
                pos += 1;
                while bytes.get(pos).is_some_and(|&b| class(b) == PLAIN) {
                    pos += 1;
                }
                continue;
            }
            SPACE => {
                flush(toks, start, pos);
                start = None;
            }
            COMMA => {
                let digit_at = |at: Option<usize>| {
                    at.and_then(|at| bytes.get(at))
                        .is_some_and(u8::is_ascii_digit)
                };
                let decimal = b == b','
                    && start.is_some()
                    && digit_at(pos.checked_sub(1))
                    && digit_at(Some(pos + 1));
                if !decimal {
                    flush(toks, start, pos);
                    start = None;
                    toks.push(Tok::comma());
                }
            }
            _ => {
                let s = *start.get_or_insert(pos);
                let end = pos + 1;
                let split = match b {
                    b'/' => {
                        text.get(s..end)
                            .is_some_and(|t| t.eq_ignore_ascii_case("c/"))
                            && next_alnum(end)
                    }
                    b'.' => {
                        next_alnum(end)
                            && text
                                .get(s..end)
                                .is_some_and(|t| is_abbreviation(&Key::of(t)))
                    }
                    _ => {
                        pos.checked_sub(1).and_then(|p| bytes.get(p)) == Some(&0xC2)
                            && next_alnum(end)
                    }
                };
                if split {
                    flush(toks, start, end);
                    start = None;
                }
            }
        }
        pos += 1;
    }
    flush(toks, start, text.len());
}

/// Whether a token is a house number: one to six digits with an optional letter
/// (`12A`), a range (`12-14`) or a fraction (`5/12`); an optional leading `#`.
fn is_house_number(token: &str) -> bool {
    let t = token.strip_prefix('#').unwrap_or(token);
    let b = t.as_bytes();
    let lead = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if lead == 0 || lead > 6 {
        return false;
    }
    match b.get(lead..).unwrap_or(&[]) {
        [] => true,
        [l] => l.is_ascii_alphabetic(),
        [sep, more @ ..] if (*sep == b'-' || *sep == b'/') => {
            !more.is_empty() && more.len() <= 6 && more.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// The canonical house number of a token (see [`is_house_number`]): letters
/// upper case, `#` removed.
pub(super) fn house_number(token: &str) -> Option<CompactString> {
    is_house_number(token).then(|| {
        let number = token.strip_prefix('#').unwrap_or(token);
        if number.bytes().any(|b| b.is_ascii_lowercase()) {
            upper(number)
        } else {
            CompactString::new(number)
        }
    })
}

/// The digits of an ordinal (`3º`, `2ª`, `1er`, `2do`, `4to`, `1ra.`).
fn ordinal(token: &str) -> Option<&str> {
    let t = token.strip_suffix('.').unwrap_or(token);
    let lead = t.bytes().take_while(u8::is_ascii_digit).count();
    if lead == 0 || lead > 3 {
        return None;
    }
    let (digits, suffix) = t.split_at_checked(lead)?;
    let ok = match suffix {
        "º" | "ª" | "°" => true,
        s if s.len() == 2 || s.len() == 3 => {
            let mut buf = [0u8; 3];
            for (slot, b) in buf.iter_mut().zip(s.bytes()) {
                *slot = b.to_ascii_lowercase();
            }
            matches!(
                buf.get(..s.len()).unwrap_or(&[]),
                b"er"
                    | b"ro"
                    | b"ra"
                    | b"do"
                    | b"da"
                    | b"to"
                    | b"ta"
                    | b"vo"
                    | b"va"
                    | b"mo"
                    | b"ma"
                    | b"no"
                    | b"na"
                    | b"ero"
                    | b"era"
            )
        }
        _ => false,
    };
    ok.then_some(digits)
}

/// A house number followed by ` bis` (`1149 bis`).
fn with_bis(mut number: CompactString) -> CompactString {
    number.push_str(" bis");
    number
}

/// Whether a text says `s/n` (sin número) in one of its spellings.
pub(super) fn is_sin_numero(text: &str) -> bool {
    matches!(
        Key::word_of(text).and_then(|w| w.keyword),
        Some(Kw::SinNumero)
    )
}

/// Whether a word introduces a qualifier that takes the next word as its value
/// (`Portal`, `Piso`, `Km`): a number written right after it would be read as
/// that value.
pub(super) fn takes_value(word: &str) -> bool {
    matches!(
        Key::word_of(word).and_then(|w| w.keyword),
        Some(Kw::Km | Kw::NumMarker | Kw::Floor | Kw::Unit | Kw::Detail(_))
    )
}

/// Whether a number written right after a street name would be read as part
/// of it: after a type with no name (`Calle, 5`), after a word that takes a
/// value (`Calle del Portal, 5`), after a route class (`Ruta Nacional, 5`).
pub(super) fn number_needs_comma(street_type: Option<StreetType>, name: &str) -> bool {
    if street_type.is_some() && name.is_empty() {
        return true;
    }
    let last_word = match name.as_bytes().iter().rposition(|&b| b == b' ') {
        Some(space) => name.get(space + 1..).unwrap_or(""),
        None => name,
    };
    if takes_value(last_word) {
        return true;
    }
    matches!(
        street_type,
        Some(
            StreetType::Ruta | StreetType::Carretera | StreetType::Autopista | StreetType::Autovia
        )
    ) && name
        .split(' ')
        .all(|w| Key::word_of(w).is_some_and(|w| w.special == Special::RouteClass))
}

/// `5/12` as unit 5 of number 12 (Australian usage).
pub(super) fn split_unit_number(token: &str) -> Option<(CompactString, CompactString)> {
    let (unit, number) = token.split_once('/')?;
    let unit = house_number(unit)?;
    let number = house_number(number)?;
    (!unit.contains(['/', '-']) && !number.contains(['/', '-'])).then_some((unit, number))
}

/// A kilometre value: `25`, `25,5`, `25.300`.
fn km_value(token: &str) -> Option<CompactString> {
    let (int, frac) = match token.split_once([',', '.']) {
        Some((i, f)) => (i, Some(f)),
        None => (token, None),
    };
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(int, 5) || frac.is_some_and(|f| !digits(f, 3)) {
        return None;
    }
    let mut km = CompactString::new(int);
    if let Some(f) = frac {
        km.push('.');
        km.push_str(f);
    }
    Some(km)
}

/// A floor value: digits (up to three), an ordinal, or a floor word (`PB`).
fn floor_value(tok: &Tok<'_>) -> Option<CompactString> {
    if let Some(d) = ordinal(tok.text) {
        return Some(CompactString::new(d));
    }
    let t = tok.text;
    if !t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit()) {
        return Some(CompactString::new(t));
    }
    match tok.keyword() {
        Some(Kw::FloorValue(v)) => Some(CompactString::const_new(v)),
        _ => None,
    }
}

/// A unit value: an ordinal, a door side, or up to six letters and digits with a
/// digit or at most three letters (`B`, `12`, `4B`).
fn unit_value(tok: &Tok<'_>) -> Option<CompactString> {
    if let Some(d) = ordinal(tok.text) {
        return Some(CompactString::new(d));
    }
    if let Some(side) = tok.word.and_then(|w| w.side) {
        return Some(CompactString::const_new(side));
    }
    let t = tok.text.strip_suffix('.').unwrap_or(tok.text);
    let ok = !t.is_empty()
        && t.len() <= 6
        && t.bytes().all(|b| b.is_ascii_alphanumeric())
        && (t.bytes().any(|b| b.is_ascii_digit()) || t.len() <= 3);
    ok.then(|| upper(t))
}

/// A detail value: an ordinal, or up to six letters and digits with a digit, or
/// one or two letters other than a Spanish particle (`de`, `la`).
fn detail_value(tok: &Tok<'_>) -> Option<CompactString> {
    if let Some(d) = ordinal(tok.text) {
        return Some(CompactString::new(d));
    }
    let t = tok.text.strip_suffix('.').unwrap_or(tok.text);
    if ["de", "la", "el", "lo", "y", "e", "o", "a", "en"]
        .iter()
        .any(|p| t.eq_ignore_ascii_case(p))
    {
        return None;
    }
    let ok = !t.is_empty()
        && t.len() <= 6
        && t.bytes().all(|b| b.is_ascii_alphanumeric())
        && (t.bytes().any(|b| b.is_ascii_digit()) || t.len() <= 2);
    ok.then(|| upper(t))
}

/// The ASCII upper case of a short text.
fn upper(text: &str) -> CompactString {
    let mut out = CompactString::new(text);
    out.make_ascii_uppercase();
    out
}

/// Appends a piece to the unread part of a street.
pub(super) fn push_leftover(leftover: &mut String, piece: &str) {
    if piece == "," {
        if !leftover.is_empty() && !leftover.ends_with(',') {
            leftover.push(',');
        }
    } else {
        if !leftover.is_empty() {
            leftover.push(' ');
        }
        leftover.push_str(piece);
    }
}

/// Whether two words are at most one edit apart (insertion, deletion,
/// substitution or transposition of neighbours).
pub(super) fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return true;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let ra = a.get(prefix..).unwrap_or(&[]);
    let rb = b.get(prefix..).unwrap_or(&[]);
    match ra.len().abs_diff(rb.len()) {
        0 => {
            ra.get(1..) == rb.get(1..)
                || (ra.len() >= 2
                    && ra.first() == rb.get(1)
                    && ra.get(1) == rb.first()
                    && ra.get(2..) == rb.get(2..))
        }
        1 if ra.len() > rb.len() => ra.get(1..) == Some(rb),
        1 => rb.get(1..) == Some(ra),
        _ => false,
    }
}

/// Whether a street of unknown country is written the English way (see
/// [`parse_street`]).
pub(super) fn looks_english(text: &str) -> bool {
    let mut toks = Toks::new();
    tokenize(text, &mut toks);
    let mut parser = Parser {
        toks: &toks,
        english: false,
        parts: Parts::default(),
    };
    let i = parser.leading_qualifiers();
    parser.detect_english(i)
}

/// Takes an English street type off the end of a street name: exact (`street`,
/// `st`), one typo away (`srteet`), split in two (`cre scent`) or glued to the
/// name (`macneilplace`); with an Info finding for all but the exact.
fn english_suffix<'a>(name: &mut Words<'a>) -> Option<(StreetType, Option<Problem>)> {
    let last: &'a str = name.last()?;
    let key_buf = Key::of(last);
    let key = key_buf.as_str();
    let lower = !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase());
    let corrected = |from: &str, t: StreetType| {
        Problem::info(
            "address.street_type_corrected",
            format!("`{from}` read as the street type {}", t.as_str()),
        )
        .suggest(t.as_str())
    };
    if name.len() >= 2 {
        if let Some(t) = key_buf.word().and_then(|w| w.suffix) {
            name.pop();
            return Some((t, None));
        }
        if lower && key.len() >= 4 {
            if let Some((_, t, _)) = tables::SUFFIX_TYPO_CANDIDATES
                .iter()
                .find(|(w, _, _)| one_edit_apart(key, w))
            {
                name.pop();
                return Some((*t, Some(corrected(last, *t))));
            }
        }
    }
    if name.len() >= 3 {
        let before: &str = name.get(name.len() - 2).copied().unwrap_or("");
        let before_key = Key::of(before);
        if lower
            && before.len() <= 3
            && !before_key.as_str().is_empty()
            && before_key.as_str().bytes().all(|b| b.is_ascii_lowercase())
        {
            let joined = format!("{}{}", before_key.as_str(), key);
            if let Some((_, t, _)) = tables::SUFFIX_TYPO_CANDIDATES
                .iter()
                .find(|(w, _, _)| one_edit_apart(&joined, w))
            {
                name.truncate(name.len() - 2);
                return Some((*t, Some(corrected(&format!("{before} {last}"), *t))));
            }
        }
    }
    if lower && key.len() == last.len() {
        for (word, t, glued) in tables::SUFFIX_TYPO_CANDIDATES {
            if !glued {
                continue;
            }
            if let Some(stem) = key.strip_suffix(word) {
                if stem.len() >= 3 {
                    let stem_text: &'a str = last.get(..stem.len()).unwrap_or(last);
                    let note = Problem::info(
                        "address.street_type_corrected",
                        format!("`{last}` read as `{stem_text} {word}`"),
                    )
                    .suggest(format!("{stem_text} {}", t.as_str()));
                    if let Some(l) = name.last_mut() {
                        *l = stem_text;
                    }
                    return Some((t, Some(note)));
                }
            }
        }
    }
    None
}

/// A qualifier read at some position.
enum Qual {
    Km(CompactString),
    Number(CompactString),
    SinNumero,
    Floor(CompactString),
    Unit(CompactString),
    Detail(Detail, CompactString),
}

/// What the street parser found.
#[derive(Default)]
pub(super) struct Parts {
    pub(super) english: bool,
    pub(super) street_type: Option<StreetType>,
    pub(super) name: CompactString,
    pub(super) number: Option<CompactString>,
    pub(super) km: Option<CompactString>,
    pub(super) floor: Option<CompactString>,
    pub(super) unit: Option<CompactString>,
    pub(super) details: Vec<(Detail, CompactString)>,
    pub(super) leftover: String,
    pub(super) notes: Vec<Problem>,
}

/// Reads a cleaned street line: `Some(true)` for number-first, type-last
/// streets (English), `Some(false)` for type-first streets (Spanish), `None` to
/// tell by the words of the name: English when the last one is an English street
/// type (or one typo away from one).
pub(super) fn parse_street(text: &str, english: Option<bool>) -> Parts {
    let mut toks = Toks::new();
    tokenize(text, &mut toks);
    let mut parser = Parser {
        toks: &toks,
        english: english.unwrap_or(false),
        parts: Parts::default(),
    };
    parser.run(english.is_none());
    parser.parts.english = parser.english;
    parser.parts
}

struct Parser<'p, 't> {
    toks: &'p [Tok<'t>],
    english: bool,
    parts: Parts,
}

impl<'t> Parser<'_, 't> {
    fn tok(&self, i: usize) -> Option<&Tok<'t>> {
        self.toks.get(i)
    }

    fn is_comma(&self, i: usize) -> bool {
        self.tok(i).is_some_and(|t| t.comma)
    }

    /// Whether a qualifier starts at `i`, without reading a whole barrio name.
    fn starts_qualifier(&self, i: usize) -> bool {
        match self.tok(i).and_then(Tok::keyword) {
            Some(Kw::Detail(d)) if d.is_named() => self.tok(i + 1).is_some_and(|t| !t.comma),
            _ => self.qualifier_at(i).is_some(),
        }
    }

    /// The qualifier at `i` and the position after it.
    fn qualifier_at(&self, i: usize) -> Option<(Qual, usize)> {
        let tok = self.tok(i)?;
        if tok.comma {
            return None;
        }
        let next = self.tok(i + 1).filter(|t| !t.comma);
        if tok.ordinal {
            return match next.and_then(Tok::keyword) {
                Some(Kw::Floor) => {
                    let d = ordinal(tok.text).unwrap_or("");
                    Some((Qual::Floor(CompactString::new(d)), i + 2))
                }
                _ => None,
            };
        }
        if tok.special() == Special::Sin && next.is_some_and(|n| n.special() == Special::Numero) {
            return Some((Qual::SinNumero, i + 2));
        }
        let keyword = tok.keyword()?;
        // Qualifiers that need no value.
        match keyword {
            Kw::SinNumero => return Some((Qual::SinNumero, i + 1)),
            Kw::FloorValue(v) => return Some((Qual::Floor(CompactString::const_new(v)), i + 1)),
            _ => {}
        }
        let next = next?;
        match keyword {
            Kw::Km => km_value(next.text).map(|v| (Qual::Km(v), i + 2)),
            Kw::NumMarker => house_number(next.text).map(|n| {
                if !self.english && self.tok(i + 2).is_some_and(|t| t.special() == Special::Bis) {
                    (Qual::Number(with_bis(n)), i + 3)
                } else {
                    (Qual::Number(n), i + 2)
                }
            }),
            Kw::Floor => {
                if next.special() == Special::Baja {
                    return Some((Qual::Floor(CompactString::const_new("PB")), i + 2));
                }
                floor_value(next).map(|v| (Qual::Floor(v), i + 2))
            }
            Kw::Unit => unit_value(next).map(|v| (Qual::Unit(v), i + 2)),
            Kw::Detail(d) if d.is_named() => {
                let mut j = i + 1;
                while self.tok(j).is_some_and(|t| !t.comma) {
                    if j > i + 1 && self.starts_qualifier(j) {
                        break;
                    }
                    j += 1;
                }
                let words: Words<'_> = self.toks.get(i + 1..j)?.iter().map(|t| t.text).collect();
                Some((Qual::Detail(d, name_case(join_compact(&words), true)), j))
            }
            Kw::Detail(d) => detail_value(next).map(|v| (Qual::Detail(d, v), i + 2)),
            Kw::SinNumero | Kw::FloorValue(_) => None,
        }
    }

    /// Sets the number (canonical, see [`house_number`]); in English `5/12` is
    /// unit 5 of number 12.
    fn set_number(&mut self, number: CompactString) {
        if self.english {
            if let Some(stem) = number.strip_suffix(" bis") {
                // `bis` is Spanish usage: unread in an English street.
                push_leftover(&mut self.parts.leftover, "bis");
                let stem = CompactString::new(stem);
                return self.set_number(stem);
            }
            if let Some((unit, n)) = split_unit_number(&number) {
                self.parts.number = Some(n);
                if self.parts.unit.is_none() {
                    self.parts.unit = Some(unit);
                } else {
                    // Another unit was written: the whole `5/12` is kept unread.
                    push_leftover(&mut self.parts.leftover, &number);
                }
                return;
            }
        }
        self.parts.number = Some(number);
    }

    /// Records a qualifier, or keeps its words as unread when the slot is taken.
    fn apply(&mut self, q: Qual, from: usize, to: usize) {
        if let Qual::Number(n) = &q {
            if self.parts.number.is_none() {
                self.set_number(n.clone());
                return;
            }
        }
        let (slot, value) = match q {
            Qual::Km(v) => (&mut self.parts.km, v),
            Qual::Number(v) => (&mut self.parts.number, v),
            Qual::SinNumero => (&mut self.parts.number, CompactString::const_new(NO_NUMBER)),
            Qual::Floor(v) => (&mut self.parts.floor, v),
            Qual::Unit(v) => (&mut self.parts.unit, v),
            Qual::Detail(d, v) => {
                self.parts.details.push((d, v));
                return;
            }
        };
        if slot.is_none() {
            *slot = Some(value);
        } else {
            for k in from..to {
                if let Some(t) = self.toks.get(k) {
                    push_leftover(&mut self.parts.leftover, t.text);
                }
            }
        }
    }

    /// Whether the token at `j` is an ordinary word (not a number, comma,
    /// `bis` or qualifier).
    fn plain_word_at(&self, j: usize) -> bool {
        match self.tok(j) {
            None => false,
            Some(t) => {
                !t.comma
                    && !t.digitish()
                    && (self.english || t.special() != Special::Bis)
                    && !self.starts_qualifier(j)
            }
        }
    }

    /// Reads the qualifiers written before the street (`Bº Centro, Mz. 3, Lote
    /// 12`, `Unit 5, 12 Smith Street`); the position after them.
    fn leading_qualifiers(&mut self) -> usize {
        let mut i = 0;
        loop {
            while self.is_comma(i) {
                i += 1;
            }
            match self.qualifier_at(i) {
                Some((q, j)) => {
                    self.apply(q, i, j);
                    i = j;
                }
                None => return i,
            }
        }
    }

    /// Whether the street from `i` is written the English way: the words of the
    /// name (after a leading number) do not start with a Spanish street type and
    /// end in an English one that can be taken off (see [`english_suffix`]).
    fn detect_english(&self, i: usize) -> bool {
        let mut j = i;
        if self.tok(j).is_some_and(|t| t.number) {
            j += 1;
        }
        let mut words = Words::default();
        while let Some(t) = self.tok(j) {
            if words.len() > 8 || !self.name_takes(j, words.is_empty(), false, false) {
                break;
            }
            words.push(t.text);
            j += 1;
        }
        if words.is_empty() || words.len() > 8 {
            return false;
        }
        if self
            .tok(i)
            .is_some_and(|t| t.word.is_some_and(|w| w.prefix.is_some()))
        {
            return false;
        }
        english_suffix(&mut words).is_some()
    }

    /// Whether the street name goes on with the token at `i`, given whether
    /// the name is still empty, whether a street type came first, and whether
    /// the name so far is only a route class (`Nacional`).
    fn name_takes(&self, i: usize, empty: bool, typed: bool, route_class_only: bool) -> bool {
        let Some(tok) = self.tok(i) else {
            return false;
        };
        if tok.comma {
            return false;
        }
        if tok.digitish() {
            return (empty || route_class_only) && (typed || self.plain_word_at(i + 1));
        }
        let stops = match tok.keyword() {
            Some(Kw::Detail(d)) if d.is_named() => false,
            Some(Kw::FloorValue(_)) => false,
            Some(Kw::SinNumero | Kw::NumMarker | Kw::Km) => self.qualifier_at(i).is_some(),
            Some(_) => !empty && self.qualifier_at(i).is_some(),
            None => tok.special() == Special::Sin && self.qualifier_at(i).is_some(),
        };
        !stops
    }

    fn run(&mut self, detect: bool) {
        let mut i = self.leading_qualifiers();
        if detect {
            self.english = self.detect_english(i);
        }
        // English: the number first.
        if self.english && self.parts.number.is_none() && self.tok(i + 1).is_some_and(|t| !t.comma)
        {
            if let Some(n) = self
                .tok(i)
                .filter(|t| t.number)
                .and_then(|t| house_number(t.text))
            {
                self.set_number(n);
                i += 1;
            }
        }
        // Spanish: the type first.
        let mut name = Words::default();
        let mut cased_upper = false;
        let mut cased_lower = false;
        if !self.english {
            if let Some(tok) = self.tok(i).copied() {
                if let Some(t) = tok.word.and_then(|w| w.prefix) {
                    self.parts.street_type = Some(t);
                    if t == StreetType::Ruta {
                        match Key::of(tok.text).as_str() {
                            "rn" => name.push("Nacional"),
                            "rp" => name.push("Provincial"),
                            _ => {}
                        }
                    }
                    i += 1;
                }
            }
        }
        // The name.
        let route = matches!(
            self.parts.street_type,
            Some(
                StreetType::Ruta
                    | StreetType::Carretera
                    | StreetType::Autopista
                    | StreetType::Autovia
            )
        );
        let mut route_class_only = route && !name.is_empty();
        while let Some(tok) = self.tok(i).copied() {
            if tok.comma {
                break;
            }
            let typed = self.parts.street_type.is_some();
            if !self.name_takes(i, name.is_empty(), typed, route_class_only) {
                break;
            }
            if tok.digitish() {
                name.push(tok.text);
                route_class_only = false;
                i += 1;
                continue;
            }
            cased_upper |= tok.text.chars().any(char::is_uppercase);
            cased_lower |= tok.text.chars().any(char::is_lowercase);
            let expanded = if self.english {
                None
            } else {
                tok.word.and_then(|w| w.abbreviation)
            };
            route_class_only = route_class_only && tok.special() == Special::RouteClass;
            if name.is_empty() && route && tok.special() == Special::RouteClass {
                route_class_only = true;
            }
            name.push(expanded.unwrap_or(tok.text));
            i += 1;
        }
        // A qualifier word without its value standing for the whole street
        // (`Bº` alone) cannot be read.
        if let [only] = name[..] {
            if self.parts.street_type.is_none()
                && Key::word_of(only).is_some_and(|w| w.keyword.is_some())
            {
                push_leftover(&mut self.parts.leftover, only);
                name.clear();
            }
        }
        // English: the type last.
        if self.english && self.parts.street_type.is_none() {
            if let Some((t, note)) = english_suffix(&mut name) {
                self.parts.street_type = Some(t);
                self.parts.notes.extend(note);
            }
        }
        let joined = join_compact(&name[..]);
        self.parts.name = if joined.is_empty() || (cased_upper && cased_lower) {
            joined
        } else {
            name_case(joined.to_lowercase(), !self.english)
        };
        // The number, possibly after a comma (`C/ Mayor, 5`).
        if self.parts.number.is_none() {
            let mut j = i;
            while self.is_comma(j) {
                j += 1;
            }
            if let Some(n) = self
                .tok(j)
                .filter(|t| t.number)
                .and_then(|t| house_number(t.text))
            {
                if !self.english && self.tok(j + 1).is_some_and(|t| t.special() == Special::Bis) {
                    self.set_number(with_bis(n));
                    i = j + 2;
                } else {
                    self.set_number(n);
                    i = j + 1;
                }
            }
        }
        // The rest: qualifiers, bare floor and unit (`3º 2ª`, `5º B`).
        // Once a word cannot be read, the rest of its comma-separated segment
        // is kept as written (`entre Callao y Riobamba`).
        let mut unread_segment = false;
        while let Some(tok) = self.tok(i).copied() {
            if tok.comma {
                push_leftover(&mut self.parts.leftover, ",");
                unread_segment = false;
                i += 1;
                continue;
            }
            if let Some((q, j)) = self.qualifier_at(i) {
                self.apply(q, i, j);
                i = j;
                continue;
            }
            if unread_segment || !self.bare(&tok) {
                push_leftover(&mut self.parts.leftover, tok.text);
                unread_segment = true;
            }
            i += 1;
        }
        if self.english {
            if let Some(n) = self.parts.number.take() {
                self.set_number(n);
            }
        }
        let trimmed = self.parts.leftover.trim_matches(|c| c == ',' || c == ' ');
        if trimmed.len() != self.parts.leftover.len() {
            self.parts.leftover = trimmed.to_string();
        }
    }

    /// Reads a token after the number that is not a labelled qualifier: a bare
    /// floor or unit (`3º 2ª`, `5º B`, `5B`). False when it is none.
    fn bare(&mut self, tok: &Tok<'_>) -> bool {
        let t = tok.text;
        if tok.number && self.parts.number.is_none() {
            self.set_number(house_number(t).unwrap_or_default());
            return true;
        }
        let p = &mut self.parts;
        if let Some(d) = ordinal(t) {
            if p.floor.is_none() {
                p.floor = Some(CompactString::new(d));
                return true;
            }
            if p.unit.is_none() {
                p.unit = Some(CompactString::new(d));
                return true;
            }
        } else if tok.number {
            let n = house_number(t).unwrap_or_default();
            let digits = t.bytes().all(|b| b.is_ascii_digit());
            if digits && t.len() <= 3 && p.floor.is_none() && p.unit.is_none() {
                p.floor = Some(n);
                return true;
            }
            if digits && t.len() <= 4 && p.unit.is_none() {
                p.unit = Some(n);
                return true;
            }
            let (lead, letter) = n.split_at(n.len().saturating_sub(1));
            if !lead.is_empty()
                && lead.len() <= 3
                && lead.bytes().all(|b| b.is_ascii_digit())
                && letter.bytes().all(|b| b.is_ascii_alphabetic())
                && p.floor.is_none()
                && p.unit.is_none()
            {
                p.floor = Some(CompactString::new(lead));
                p.unit = Some(CompactString::new(letter));
                return true;
            }
        } else if p.unit.is_none() {
            if let Some(side) = tok.word.and_then(|w| w.side) {
                p.unit = Some(CompactString::const_new(side));
                return true;
            }
            let letter = t.strip_suffix('.').unwrap_or(t);
            if letter.len() == 1 && letter.bytes().all(|b| b.is_ascii_alphabetic()) {
                p.unit = Some(upper(letter));
                return true;
            }
        }
        false
    }
}
