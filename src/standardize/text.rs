//! Text helpers shared by the field standardisers: Unicode normalisation, whitespace,
//! case and accent folding.

use compact_str::CompactString;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// NFC form with runs of whitespace collapsed to one space and the ends trimmed:
/// the display form keeps accents and case.
pub(crate) fn tidy(text: &str) -> String {
    let text = text.trim();
    let mut out = String::with_capacity(text.len());
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        collapse(text.chars(), &mut out);
    } else {
        collapse(text.nfc(), &mut out);
    }
    out
}

/// `text.trim()`, answered at once for the usual text that starts and ends with
/// a visible ASCII character (which `trim` never removes).
pub(crate) fn trim(text: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|b| (b'!'..=b'~').contains(b));
    let bytes = text.as_bytes();
    if visible(bytes.first()) && visible(bytes.last()) {
        text
    } else {
        text.trim()
    }
}

/// Appends `chars` with every run of whitespace turned into one space; `chars`
/// neither starts nor ends with whitespace.
fn collapse(chars: impl Iterator<Item = char>, out: &mut String) {
    let mut space = false;
    for c in chars {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
}

/// The comparison key of a text: lower case, accents and other combining marks
/// removed (`ñ` becomes `n`, `ü` becomes `u`), every run of characters that are
/// not letters or digits turned into one space, ends trimmed.
///
/// `"  José-María  MUÑOZ "` gives `"jose maria munoz"`.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_each(text, |c| out.push(c));
    out
}

/// [`fold`] without the allocation: each character of the key in turn.
#[inline]
pub(crate) fn fold_each(text: &str, mut emit: impl FnMut(char)) {
    // A separator is written only before the next letter or digit, so that the
    // key never starts or ends with a space.
    let mut gap = false;
    let mut started = false;
    if text.is_ascii() {
        // The common case, a byte at a time: no decomposition, no Unicode case.
        for &b in text.as_bytes() {
            if b.is_ascii_alphanumeric() {
                if gap && started {
                    emit(' ');
                }
                gap = false;
                started = true;
                emit(char::from(b.to_ascii_lowercase()));
            } else {
                gap = true;
            }
        }
        return;
    }
    let mut push = |c: char| {
        if c.is_ascii_alphanumeric() {
            if gap && started {
                emit(' ');
            }
            gap = false;
            started = true;
            emit(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            if gap && started {
                emit(' ');
            }
            gap = false;
            started = true;
            c.to_lowercase().for_each(&mut emit);
        } else if !is_combining_mark(c) {
            gap = true;
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            push(c);
        } else {
            // Canonical decomposition of one character: `ñ` is `n` + U+0303.
            decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    push(d)
                }
            });
        }
    }
}

/// The longest key [`packed_key`] packs.
pub(crate) const MAX_PACKED: usize = 16;

/// A short table key (a folded word, no zero byte in it) as one number: its
/// bytes in order, zero-padded. Tables keyed by it hash and compare a key at
/// once rather than byte by byte; `None` for keys longer than [`MAX_PACKED`],
/// which no table holds.
pub(crate) fn packed_key(key: &[u8]) -> Option<u128> {
    if key.len() > MAX_PACKED {
        return None;
    }
    let mut buf = [0u8; MAX_PACKED];
    for (slot, &b) in buf.iter_mut().zip(key) {
        *slot = b;
    }
    Some(u128::from_le_bytes(buf))
}

/// The pieces one after the other: `format!` for messages made of text only,
/// without the formatting machinery, for the messages most records get.
pub(crate) fn concat(pieces: &[&str]) -> String {
    let mut out = String::with_capacity(pieces.iter().map(|p| p.len()).sum());
    pieces.iter().for_each(|p| out.push_str(p));
    out
}

/// The words joined with single spaces: `[T]::join(" ")` without its generic
/// set-up, which costs more than the copying for the few short words of a
/// name or a street.
pub(crate) fn join_words<S: AsRef<str>>(words: &[S]) -> String {
    let len = words.iter().map(|w| w.as_ref().len() + 1).sum::<usize>();
    let mut out = String::with_capacity(len.saturating_sub(1));
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word.as_ref());
    }
    out
}

/// [`join_words`] into a [`CompactString`]: held inline, without an
/// allocation, when the words add up to at most 24 bytes, as most names do.
pub(crate) fn join_compact<S: AsRef<str>>(words: &[S]) -> CompactString {
    if let [only] = words {
        return CompactString::new(only.as_ref());
    }
    let mut out = ShortText::new();
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            out.push_str(" ");
        }
        out.push_str(word.as_ref());
    }
    out.finish()
}

/// ASCII bytes as text, without the general UTF-8 check (which costs several
/// times more for a short text); `None` if any byte is not ASCII.
#[inline]
pub(crate) fn ascii_str(bytes: &[u8]) -> Option<&str> {
    // SAFETY: ASCII is valid UTF-8.
    bytes
        .is_ascii()
        .then(|| unsafe { std::str::from_utf8_unchecked(bytes) })
}

/// How many bytes [`ShortText`] holds on the stack (a [`CompactString`]'s
/// inline capacity).
const SHORT: usize = 24;

/// A short text (a name, a number, a postal code) put together piece by piece
/// on the stack and made into a [`CompactString`] at once: appending to a
/// `CompactString` costs an out-of-line call per piece. A text that outgrows
/// the stack buffer goes on in a `String`, whose allocation the result keeps.
pub(crate) struct ShortText {
    buf: [u8; SHORT],
    len: usize,
    /// The whole text once it is longer than [`SHORT`]; empty before.
    long: String,
}

impl ShortText {
    /// An empty text.
    #[inline]
    pub(crate) fn new() -> ShortText {
        ShortText {
            buf: [0; SHORT],
            len: 0,
            long: String::new(),
        }
    }

    /// The text so far.
    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        if self.long.is_empty() {
            let bytes = self.buf.get(..self.len).unwrap_or(&[]);
            debug_assert!(std::str::from_utf8(bytes).is_ok());
            // SAFETY: `buf[..len]` only ever receives whole `str`s, appended
            // after each other (`push_str`), and ASCII case changes, which
            // alter ASCII letters only, bytes that are never part of a longer
            // UTF-8 sequence: it is valid UTF-8. Checking it again would cost
            // more than the rest of building a short name.
            unsafe { std::str::from_utf8_unchecked(bytes) }
        } else {
            &self.long
        }
    }

    /// Its length in bytes.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        if self.long.is_empty() {
            self.len
        } else {
            self.long.len()
        }
    }

    /// Appends a piece.
    #[inline]
    pub(crate) fn push_str(&mut self, piece: &str) {
        if self.long.is_empty() {
            let end = self.len + piece.len();
            if let Some(slot) = self.buf.get_mut(self.len..end) {
                slot.copy_from_slice(piece.as_bytes());
                self.len = end;
                return;
            }
            let mut long = String::with_capacity(end + SHORT);
            long.push_str(self.as_str());
            self.long = long;
        }
        self.long.push_str(piece);
    }

    /// Appends a character.
    #[inline]
    pub(crate) fn push(&mut self, c: char) {
        self.push_str(c.encode_utf8(&mut [0; 4]));
    }

    /// Lower-cases the ASCII letters from `from` on (a length the text had).
    #[inline]
    pub(crate) fn make_ascii_lowercase_from(&mut self, from: usize) {
        if self.long.is_empty() {
            if let Some(tail) = self.buf.get_mut(from..self.len) {
                tail.make_ascii_lowercase();
            }
        } else if let Some(tail) = self.long.get_mut(from..) {
            tail.make_ascii_lowercase();
        }
    }

    /// Upper-cases the character at `at` if it is an ASCII letter.
    #[inline]
    pub(crate) fn make_ascii_uppercase_at(&mut self, at: usize) {
        if self.long.is_empty() {
            if let Some(b) = self.buf.get_mut(at).filter(|_| at < self.len) {
                b.make_ascii_uppercase();
            }
        } else if let Some(c) = self.long.get_mut(at..at + 1) {
            c.make_ascii_uppercase();
        }
    }

    /// The text as a [`CompactString`]: inline when short, else in the
    /// `String`'s allocation.
    #[inline]
    pub(crate) fn finish(self) -> CompactString {
        if self.long.is_empty() {
            CompactString::new(self.as_str())
        } else {
            CompactString::from(self.long)
        }
    }
}

/// Title case for names and places: the first letter of each word upper case, the
/// rest lower case; words in `lower` (already lower case, such as `de`, `del`,
/// `la`) stay lower case except at the start. Hyphens and apostrophes start a new
/// word (`María-José`, `O'Brien`).
pub(crate) fn title_case(text: &str, lower: &[&str]) -> String {
    if text.is_ascii() {
        title_case_ascii(text, lower)
    } else {
        title_case_chars(text, lower)
    }
}

/// [`title_case`] of any text, character by character.
fn title_case_chars(text: &str, lower: &[&str]) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let lowered = word.to_lowercase();
        if i > 0 && lower.contains(&lowered.as_str()) {
            out.push_str(&lowered);
            continue;
        }
        let mut start = true;
        for c in lowered.chars() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            start = matches!(c, '-' | '\'' | '’' | '.');
        }
    }
    out
}

/// [`title_case`] of ASCII text, byte by byte, with no word lowered into a
/// string of its own.
fn title_case_ascii(text: &str, lower: &[&str]) -> String {
    let mut out = Vec::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        if i > 0 && lower.iter().any(|l| l.eq_ignore_ascii_case(word)) {
            out.extend(word.bytes().map(|b| b.to_ascii_lowercase()));
            continue;
        }
        let mut start = true;
        for b in word.bytes() {
            out.push(if start {
                b.to_ascii_uppercase()
            } else {
                b.to_ascii_lowercase()
            });
            start = matches!(b, b'-' | b'\'' | b'.');
        }
    }
    // Only ASCII bytes went in.
    String::from_utf8(out).expect("ASCII is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_keeps_accents_and_composes() {
        assert_eq!(tidy("  José \t  Muñoz "), "José Muñoz");
        // "e" + combining acute composes to one "é".
        assert_eq!(tidy("Jose\u{301}"), "José");
        assert_eq!(tidy(""), "");
    }

    #[test]
    fn fold_removes_case_accents_and_punctuation() {
        assert_eq!(fold("  José-María  MUÑOZ "), "jose maria munoz");
        assert_eq!(fold("Güemes"), "guemes");
        assert_eq!(fold("O'Brien, S.A."), "o brien s a");
        assert_eq!(fold("---"), "");
    }

    #[test]
    fn trim_is_str_trim() {
        for text in ["", " a ", "a", "ab", "\u{a0}a", "a\t", "é", " ", "a b"] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn join_words_is_join() {
        assert_eq!(
            join_words(&["de la", "Fuente", "García"]),
            "de la Fuente García"
        );
        assert_eq!(join_words::<&str>(&[]), "");
        assert_eq!(join_words(&[String::from("a")]), "a");
    }

    #[test]
    fn title_case_of_ascii_is_that_of_chars() {
        let lower = ["de", "la", "del"];
        let alphabet = b"aZd e-'.lLA";
        // Every text of up to five characters from a small alphabet.
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |&b| format!("{t}{}", b as char)))
                .collect();
            texts.extend(longer);
            texts.dedup();
        }
        for text in texts
            .iter()
            .chain(&["DE LA FUENTE".to_string(), "o'brien del".to_string()])
        {
            assert_eq!(
                title_case_ascii(text, &lower),
                title_case_chars(text, &lower),
                "{text:?}"
            );
        }
    }

    #[test]
    fn title_case_keeps_particles_lower() {
        let lower = ["de", "la", "del", "y"];
        assert_eq!(
            title_case("MARÍA DE LA FUENTE", &lower),
            "María de la Fuente"
        );
        assert_eq!(title_case("de la fuente", &lower), "De la Fuente");
        assert_eq!(
            title_case("maría-josé o'brien", &lower),
            "María-José O'Brien"
        );
    }
}
