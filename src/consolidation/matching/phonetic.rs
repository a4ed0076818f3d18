//! A phonetic code for Spanish names: names that sound alike in Spanish get one
//! code (`González`, `Gonzales` and `Gonsalez`; `Jiménez` and `Giménez`; `Vázquez`
//! and `Basques`).
//!
//! The rules are those of Spanish spelling, where one sound has several letters:
//! `b`/`v`/`w`, `c` before `e`/`i` and `s`/`z`/`x` (seseo, as spoken in Latin
//! America and much of Spain), `c`/`k`/`q`, `g` before `e`/`i` and `j`, `ll`/`y`
//! (yeísmo), silent `h`, `gu`/`qu` before `e`/`i`, doubled letters. Vowels after the
//! first letter are dropped, as in Soundex, so that a mistyped vowel does not
//! change the code.

/// The phonetic code of a folded word (lower case ASCII letters, as the
/// standardisation keys are); other characters are skipped.
///
/// ```
/// use ciclo::consolidation::matching::phonetic::spanish;
///
/// assert_eq!(spanish("gonzalez"), spanish("gonsales"));
/// assert_eq!(spanish("jimenez"), spanish("gimenez"));
/// assert_eq!(spanish("vazquez"), spanish("basques"));
/// assert_eq!(spanish("llanos"), spanish("yanos"));
/// assert_eq!(spanish("hernandez"), spanish("ernandes"));
/// assert_ne!(spanish("garcia"), spanish("garrido"));
/// ```
pub fn spanish(word: &str) -> String {
    let letters: smallvec::SmallVec<[u8; 32]> = word
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let mut out = String::with_capacity(letters.len());
    let mut last: Option<u8> = None;
    let mut i = 0;
    while i < letters.len() {
        let c = letters[i];
        let next = letters.get(i + 1).copied();
        let soft = matches!(next, Some(b'e' | b'i'));
        let (sound, used) = match c {
            b'a' | b'e' | b'i' | b'o' | b'u' => (Some(b'A'), 1),
            b'h' => (None, 1),
            b'b' | b'v' | b'w' => (Some(b'B'), 1),
            b'c' if next == Some(b'h') => (Some(b'X'), 2),
            b'c' if soft => (Some(b'S'), 1),
            b'c' | b'k' => (Some(b'K'), 1),
            b'q' if next == Some(b'u') => (Some(b'K'), 2),
            b'q' => (Some(b'K'), 1),
            b'g' if next == Some(b'u') && matches!(letters.get(i + 2), Some(b'e' | b'i')) => {
                (Some(b'G'), 2)
            }
            b'g' if soft => (Some(b'J'), 1),
            b'j' => (Some(b'J'), 1),
            b'l' if next == Some(b'l') => (Some(b'Y'), 2),
            b'y' if next.is_none() && i > 0 => (Some(b'A'), 1),
            b'y' => (Some(b'Y'), 1),
            b's' | b'z' | b'x' => (Some(b'S'), 1),
            b'n' | b'm' => (Some(c.to_ascii_uppercase()), 1),
            other => (Some(other.to_ascii_uppercase()), 1),
        };
        if let Some(s) = sound {
            let vowel = s == b'A';
            // The first letter keeps its vowel; later vowels are dropped but break
            // runs of one consonant (`rr` is one R, `r-a-r` two).
            if vowel {
                if out.is_empty() {
                    out.push('A');
                }
                last = Some(s);
            } else if last != Some(s) {
                out.push(s as char);
                last = Some(s);
            }
        }
        i += used;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::spanish;

    #[test]
    fn sounds_alike() {
        for (a, b) in [
            ("rodriguez", "rodrigues"),
            ("perez", "peres"),
            ("gutierrez", "gutierres"),
            ("cevallos", "ceballos"),
            ("quiroga", "kiroga"),
            ("guerrero", "guerero"),
            ("chavez", "chaves"),
            ("yanez", "llanes"),
            ("bazan", "vasan"),
            ("echeverria", "echeberria"),
        ] {
            assert_eq!(spanish(a), spanish(b), "{a} / {b}");
        }
    }

    #[test]
    fn sounds_different() {
        for (a, b) in [
            ("garcia", "garrido"),
            ("lopez", "lupe"),
            ("martin", "martinez"),
            ("sosa", "soto"),
            ("gil", "gul"),
        ] {
            assert_ne!(spanish(a), spanish(b), "{a} / {b}");
        }
    }

    #[test]
    fn codes() {
        assert_eq!(spanish("gonzalez"), "GNSLS");
        assert_eq!(spanish("alvarez"), "ALBRS");
        assert_eq!(spanish(""), "");
        assert_eq!(spanish("h"), "");
    }
}
