//! Text helpers shared by the field standardisers: Unicode normalisation, whitespace,
//! case and accent folding.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// NFC form with runs of whitespace collapsed to one space and the ends trimmed:
/// the display form keeps accents and case.
pub(crate) fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let composed: Box<dyn Iterator<Item = char>> = if text.is_ascii() {
        Box::new(text.chars())
    } else {
        Box::new(text.nfc())
    };
    for c in composed {
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The comparison key of a text: lower case, accents and other combining marks
/// removed (`ñ` becomes `n`, `ü` becomes `u`), every run of characters that are
/// not letters or digits turned into one space, ends trimmed.
///
/// `"  José-María  MUÑOZ "` gives `"jose maria munoz"`.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let push = |c: char, out: &mut String| {
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                out.push(l);
            }
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    if text.is_ascii() {
        for c in text.chars() {
            push(c, &mut out);
        }
    } else {
        for c in text.nfd().filter(|&c| !is_combining_mark(c)) {
            push(c, &mut out);
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Title case for names and places: the first letter of each word upper case, the
/// rest lower case; words in `lower` (already lower case, such as `de`, `del`,
/// `la`) stay lower case except at the start. Hyphens and apostrophes start a new
/// word (`María-José`, `O'Brien`).
pub(crate) fn title_case(text: &str, lower: &[&str]) -> String {
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
