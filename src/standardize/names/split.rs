//! How the words of a person's name split into given names and surnames
//! (surname units with their particles, conjunctions and prefixes; one field
//! or two), and how each word is written back in title case with its
//! accents.

use super::*;
use crate::standardize::text::ShortText;

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
pub(super) enum Split {
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
pub(super) fn split_strict(toks: &[Tok<'_>]) -> Option<Split> {
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
pub(super) fn apply_split(field: Range<usize>, split: Split) -> (Range<usize>, Range<usize>) {
    let at = |k: usize| field.start + k.min(field.len());
    match split {
        Split::GivenFirst(k) => (field.start..at(k), at(k)..field.end),
        Split::SurnameFirst(k) => (at(k)..field.end, field.start..at(k)),
    }
}

/// A whole name in one field (`range` of `toks`), titles already taken out, at
/// least one word.
pub(super) fn from_one_field(
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
pub(super) fn build(
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
pub(super) fn as_typed(t: &Tok<'_>) -> Option<CompactString> {
    (t.latin && t.title_case && !t.initial && t.expansion.is_none())
        .then(|| CompactString::new(t.raw))
}

/// One word in display form: [`case_word`] without trailing dots, but an initial
/// with one (`J.`).
pub(super) fn push_word(t: &Tok<'_>, out: &mut ShortText) {
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
    push_ascii_title(word, out);
}

/// Pushes the ASCII `word` in lower case with its first letter in upper case;
/// returns where it starts in `out`.
fn push_ascii_title(word: &str, out: &mut ShortText) -> usize {
    let from = out.len();
    out.push_str(word);
    out.make_ascii_lowercase_from(from);
    out.make_ascii_uppercase_at(from);
    from
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
        let from = push_ascii_title(word, out);
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
pub(super) fn push_surname_keys(unit: &str, keys: &mut Vec<String>) {
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
pub(super) fn should_swap(g: &[Tok<'_>], s: &[Tok<'_>]) -> bool {
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
pub(super) fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
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
