//! Email addresses: practical validation, a standard form, a comparison key that
//! knows the big providers' rules, and suggestions for mistyped domains.
//!
//! ```
//! use ciclo::standardize::email;
//!
//! let (e, problems) = email::parse(" Juan.Perez+promo@GMAIL.com ").unwrap();
//! assert_eq!(e.address(), "Juan.Perez+promo@gmail.com");
//! assert_eq!(e.key(), "juanperez@gmail.com");
//! assert!(problems.is_empty());
//!
//! let (_, problems) = email::parse("ana@hotmial.com").unwrap();
//! assert_eq!(problems[0].code, "email.domain_typo");
//! assert_eq!(problems[0].suggestion.as_deref(), Some("ana@hotmail.com"));
//! ```
//!
//! # What is valid
//!
//! The practical subset of RFC 5321 that mail providers accept, not the full
//! RFC 5322 grammar (no quoted local parts, no comments, no IP-literal domains):
//!
//! - one `@`, a local part of 1 to 64 bytes and a domain of at most 253, 254
//!   in all;
//! - the local part made of letters, digits and ``!#$%&'*+/=?^_`{|}~.-``, with no
//!   dot at either end and no two dots in a row (letters may be non-ASCII, as
//!   internationalised addresses allow);
//! - a domain of at least two dot-separated labels of letters, digits and hyphens
//!   (1 to 63 characters, no hyphen at either end), the last one (the top-level
//!   domain) at least two letters.
//!
//! Surrounding whitespace, a `mailto:` prefix and a trailing dot on the domain are
//! removed. The domain is lower-cased; the local part keeps its case in the
//! standard form (it is the owner's to choose) and is lower-cased in the key.

use std::fmt;

use super::text::{tidy, trim};
use super::Problem;

/// Longest local part, in bytes (RFC 5321, section 4.5.3.1.1, counts octets).
const MAX_LOCAL: usize = 64;
/// Longest domain, in bytes (RFC 1035 with the root dot left out).
const MAX_DOMAIN: usize = 253;
/// Longest address, in bytes (RFC 5321's path limit less the angle brackets).
const MAX_ADDRESS: usize = 254;

/// A valid email address in standard form, with its comparison key.
#[derive(Clone, PartialEq, Eq)]
pub struct Email {
    /// The address, then the key right after it (one allocation for both), or
    /// only the address when it is its own key, as a lower-case address
    /// usually is.
    text: String,
    /// Where the `@` of the address is.
    at: usize,
    /// The address's length.
    address_end: usize,
    /// Where the key starts: the address's length, or 0 when the address is
    /// its own key.
    key_start: usize,
}

impl Email {
    /// The standard form: the local part as typed, `@`, the domain in lower case.
    pub fn address(&self) -> &str {
        self.text.get(..self.address_end).unwrap_or("")
    }

    /// The local part (before the `@`), as typed.
    pub fn local(&self) -> &str {
        self.text.get(..self.at).unwrap_or("")
    }

    /// The domain (after the `@`), lower case.
    pub fn domain(&self) -> &str {
        self.text.get(self.at + 1..self.address_end).unwrap_or("")
    }

    /// The comparison key: two addresses that reach the same mailbox have the same
    /// key, as far as the provider's rules are known.
    ///
    /// - Everything is lower case.
    /// - At Gmail (`gmail.com`, `googlemail.com`) dots in the local part are
    ///   ignored and the domain is `gmail.com`.
    /// - At providers that deliver `name+tag` to `name` (Gmail, Outlook/Hotmail/
    ///   Live/MSN, iCloud, Proton, Fastmail) the `+tag` is dropped.
    /// - Elsewhere the local part is kept whole: a `+` or dot may be significant.
    pub fn key(&self) -> &str {
        self.text.get(self.key_start..).unwrap_or("")
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Email")
            .field("address", &self.address())
            .field("at", &self.at)
            .field("key", &self.key())
            .finish()
    }
}

/// How the big providers read the local part.
struct Provider {
    /// Domains of the provider; the first is the key's domain.
    domains: &'static [&'static str],
    ignores_dots: bool,
    plus_tags: bool,
}

const PROVIDERS: &[Provider] = &[
    Provider {
        domains: &["gmail.com", "googlemail.com"],
        ignores_dots: true,
        plus_tags: true,
    },
    Provider {
        domains: &[
            "outlook.com",
            "outlook.es",
            "outlook.com.ar",
            "hotmail.com",
            "hotmail.es",
            "hotmail.com.ar",
            "live.com",
            "live.com.ar",
            "live.es",
            "msn.com",
        ],
        ignores_dots: false,
        plus_tags: true,
    },
    Provider {
        domains: &["icloud.com", "me.com", "mac.com"],
        ignores_dots: false,
        plus_tags: true,
    },
    Provider {
        domains: &["proton.me", "protonmail.com", "pm.me"],
        ignores_dots: false,
        plus_tags: true,
    },
    Provider {
        domains: &["fastmail.com", "fastmail.fm"],
        ignores_dots: false,
        plus_tags: true,
    },
];

/// Domains common among Spanish-speaking customers, against which a domain that
/// is not itself one of them is checked for typos.
const POPULAR_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "hotmail.com",
    "hotmail.es",
    "hotmail.com.ar",
    "outlook.com",
    "outlook.es",
    "outlook.com.ar",
    "live.com",
    "live.com.ar",
    "live.es",
    "msn.com",
    "yahoo.com",
    "yahoo.es",
    "yahoo.com.ar",
    "yahoo.com.mx",
    "ymail.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "gmx.es",
    "gmx.com",
    "telefonica.net",
    "movistar.es",
    "fibertel.com.ar",
    "arnet.com.ar",
    "speedy.com.ar",
    "ciudad.com.ar",
    "uol.com.br",
    "terra.com",
    "prodigy.net.mx",
];

/// Popular domains shorter than this (`me.com`, `aol.com`) are left out of the
/// typo check: too many real domains are one edit away from them.
const MIN_TYPO_TARGET: usize = 8;

/// Top-level domains typed wrong often enough to be worth a suggestion when the
/// rest of the domain is not itself a popular domain's typo.
const TLD_TYPOS: &[(&str, &str)] = &[
    ("con", "com"),
    ("cmo", "com"),
    ("ocm", "com"),
    ("comm", "com"),
    ("vom", "com"),
    ("xom", "com"),
    ("cpm", "com"),
];

/// Validates and standardises an email address.
///
/// Returns the [`Email`] and what was noticed about it: `email.domain_typo`
/// (a warning with the corrected address as suggestion) when the domain is one
/// edit away from a popular one (`gmial.com`, `hotmail.con`).
///
/// # Errors
///
/// An error [`Problem`] with code `email.empty`, `email.too_long`,
/// `email.missing_at`, `email.several_at`, `email.local_part` or `email.domain`,
/// each saying what is wrong.
pub fn parse(input: &str) -> Result<(Email, Vec<Problem>), Problem> {
    if input.len() > 4 * MAX_ADDRESS {
        return Err(Problem::error(
            "email.too_long",
            format!("{} bytes is too long for an email address", input.len()),
        ));
    }
    // An address has no inner whitespace (one that does is refused below), so
    // only non-ASCII text needs the full tidy (Unicode NFC).
    let tidied;
    let text = if input.is_ascii() {
        trim(input)
    } else {
        tidied = tidy(input);
        &tidied
    };
    let text = match text.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("mailto:") => &text[7..],
        _ => text,
    };
    if text.is_empty() {
        return Err(Problem::error("email.empty", "the email address is empty"));
    }
    // `@` is ASCII: a byte search finds it.
    let Some(at) = text.bytes().position(|b| b == b'@') else {
        return Err(Problem::error(
            "email.missing_at",
            format!("`{text}` has no `@`"),
        ));
    };
    let (local, domain) = (&text[..at], &text[at + 1..]);
    if domain.as_bytes().contains(&b'@') {
        return Err(Problem::error(
            "email.several_at",
            format!("`{text}` has more than one `@`"),
        ));
    }
    check_local(local)?;
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    // The standard form is built at once, the domain lower-cased in place, and
    // the key written right after it in the same string.
    let lowered;
    let written_domain = if domain.is_ascii() {
        domain
    } else {
        lowered = domain.to_lowercase();
        lowered.as_str()
    };
    let mut text = String::with_capacity(2 * (local.len() + 1 + written_domain.len()));
    text.push_str(local);
    text.push('@');
    push_lower(&mut text, written_domain);
    let at = local.len();
    let address_end = text.len();
    let domain = text.get(at + 1..).unwrap_or("");
    check_domain(domain)?;
    if address_end > MAX_ADDRESS {
        return Err(Problem::error(
            "email.too_long",
            format!("{address_end} bytes is longer than the limit of {MAX_ADDRESS}"),
        ));
    }
    let mut problems = Vec::new();
    if let Some(fixed) = domain_typo(domain) {
        problems.push(
            Problem::warning(
                "email.domain_typo",
                format!("the domain `{domain}` looks like a typo of `{fixed}`"),
            )
            .suggest(format!("{local}@{fixed}")),
        );
    }
    let key_start = push_key(&mut text, local, written_domain, at);
    Ok((
        Email {
            text,
            at,
            address_end,
            key_start,
        },
        problems,
    ))
}

fn check_local(local: &str) -> Result<(), Problem> {
    if plain_local(local) {
        return Ok(());
    }
    let bad = |why: String| Err(Problem::error("email.local_part", why));
    if local.is_empty() {
        return bad("nothing before the `@`".into());
    }
    if local.len() > MAX_LOCAL {
        return bad(format!(
            "the part before the `@` is longer than {MAX_LOCAL} bytes"
        ));
    }
    if local.starts_with('.') || local.ends_with('.') {
        return bad("the part before the `@` starts or ends with a dot".into());
    }
    if local.contains("..") {
        return bad("the part before the `@` has two dots in a row".into());
    }
    let allowed = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '!' | '#'
                    | '$'
                    | '%'
                    | '&'
                    | '\''
                    | '*'
                    | '+'
                    | '/'
                    | '='
                    | '?'
                    | '^'
                    | '_'
                    | '`'
                    | '{'
                    | '|'
                    | '}'
                    | '~'
                    | '.'
                    | '-'
            )
            || (!c.is_ascii() && c.is_alphanumeric())
    };
    if let Some(c) = local.chars().find(|&c| !allowed(c)) {
        return bad(format!(
            "the part before the `@` contains `{}`, which addresses do not use",
            c.escape_default()
        ));
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), Problem> {
    if plain_domain(domain) {
        return Ok(());
    }
    let bad = |why: String| Err(Problem::error("email.domain", why));
    if domain.is_empty() {
        return bad("nothing after the `@`".into());
    }
    if domain.len() > MAX_DOMAIN {
        return bad(format!("the domain is longer than {MAX_DOMAIN} characters"));
    }
    if !domain.contains('.') {
        return bad(format!(
            "`{domain}` has no dot: a domain such as `example.com` is needed"
        ));
    }
    for label in domain.split('.') {
        if label.is_empty() {
            return bad(format!("`{domain}` has an empty part between dots"));
        }
        if label.chars().count() > 63 {
            return bad(format!("a part of `{domain}` is longer than 63 characters"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return bad(format!("a part of `{domain}` starts or ends with `-`"));
        }
        if let Some(c) = label.chars().find(|&c| !(c.is_alphanumeric() || c == '-')) {
            return bad(format!(
                "the domain contains `{}`, which domains do not use",
                c.escape_default()
            ));
        }
    }
    let tld = domain.rsplit('.').next().unwrap_or(domain);
    if tld.chars().count() < 2 || !tld.chars().all(char::is_alphabetic) {
        return bad(format!(
            "`{tld}` is not a top-level domain (two or more letters)"
        ));
    }
    Ok(())
}

/// In [`LOCAL_BYTES`] and [`DOMAIN_BYTES`]: a byte that is not allowed.
const BAD: u8 = 0;
/// In [`LOCAL_BYTES`]: a byte allowed anywhere in a local part.
const LOCAL_OK: u8 = 1;
/// In [`LOCAL_BYTES`] and [`DOMAIN_BYTES`]: `.`.
const DOT: u8 = 2;
/// In [`DOMAIN_BYTES`]: an ASCII letter.
const LETTER: u8 = 3;
/// In [`DOMAIN_BYTES`]: a digit.
const DIGIT: u8 = 4;
/// In [`DOMAIN_BYTES`]: `-`.
const HYPHEN: u8 = 5;

/// What each byte is in a local part that [`plain_local`] passes: letters,
/// digits and ``!#$%&'*+/=?^_`{|}~-`` are [`LOCAL_OK`], `.` is [`DOT`].
static LOCAL_BYTES: [u8; 256] = {
    let mut table = [BAD; 256];
    let mut b = 0usize;
    while b < 256 {
        table[b] = match b as u8 {
            b'.' => DOT,
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => LOCAL_OK,
            b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'/' | b'=' | b'?' | b'^'
            | b'_' | b'`' | b'{' | b'|' | b'}' | b'~' | b'-' => LOCAL_OK,
            _ => BAD,
        };
        b += 1;
    }
    table
};

/// What each byte is in a domain that [`plain_domain`] passes.
static DOMAIN_BYTES: [u8; 256] = {
    let mut table = [BAD; 256];
    let mut b = 0usize;
    while b < 256 {
        table[b] = match b as u8 {
            b'.' => DOT,
            b'a'..=b'z' | b'A'..=b'Z' => LETTER,
            b'0'..=b'9' => DIGIT,
            b'-' => HYPHEN,
            _ => BAD,
        };
        b += 1;
    }
    table
};

/// Whether an ASCII local part passes every test of [`check_local`], in one
/// pass over its bytes: the common case, told without building messages or
/// decoding characters. `false` sends it through the full checks.
fn plain_local(local: &str) -> bool {
    let bytes = local.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_LOCAL {
        return false;
    }
    // As if after a dot: a dot may not start the part, follow a dot or end it.
    let mut previous = DOT;
    for &b in bytes {
        let class = LOCAL_BYTES.get(usize::from(b)).copied().unwrap_or(BAD);
        if class == BAD || (class == DOT && previous == DOT) {
            return false;
        }
        previous = class;
    }
    previous != DOT
}

/// Whether an ASCII domain passes every test of [`check_domain`], in one pass
/// over its bytes; `false` sends it through the full checks.
fn plain_domain(domain: &str) -> bool {
    let bytes = domain.as_bytes();
    if bytes.len() > MAX_DOMAIN {
        return false;
    }
    let mut dots = 0;
    // The current label: its length, its last byte's class, whether it is all
    // letters (what the last one, the top-level domain, must be).
    let (mut len, mut previous, mut letters) = (0usize, DOT, true);
    for &b in bytes {
        let class = DOMAIN_BYTES.get(usize::from(b)).copied().unwrap_or(BAD);
        match class {
            LETTER => {}
            DIGIT => letters = false,
            HYPHEN if len > 0 => letters = false,
            DOT if len > 0 && previous != HYPHEN => {
                dots += 1;
                (len, previous, letters) = (0, DOT, true);
                continue;
            }
            _ => return false,
        }
        len += 1;
        previous = class;
        if len > 63 {
            return false;
        }
    }
    dots > 0 && len >= 2 && previous != HYPHEN && letters
}

/// Appends `domain` with its ASCII letters lower-cased (all of them are, once
/// the non-ASCII ones have gone through `to_lowercase`).
fn push_lower(text: &mut String, domain: &str) {
    let from = text.len();
    text.push_str(domain);
    if let Some(lower) = text.get_mut(from..) {
        lower.make_ascii_lowercase();
    }
}

/// Appends the comparison key (see [`Email::key`]) to `text`, which holds the
/// standard address with its `@` at `at`; `local` is the local part as typed,
/// `domain` the domain as written in the address (before lower-casing ASCII).
/// Where the key starts: 0, with nothing appended, when the address is its own
/// key.
fn push_key(text: &mut String, local: &str, domain: &str, at: usize) -> usize {
    let address_domain = text.get(at + 1..).unwrap_or("");
    let provider = PROVIDERS.iter().find(|p| listed(p.domains, address_domain));
    let mut local = local;
    let mut ignores_dots = false;
    // The domain of the key: the provider's own, or the address's.
    let mut key_domain = None;
    if let Some(p) = provider {
        if p.plus_tags {
            if let Some(plus) = local.bytes().position(|b| b == b'+') {
                local = local.get(..plus).unwrap_or(local);
            }
        }
        if p.ignores_dots {
            ignores_dots = true;
            key_domain = p.domains.first().copied();
        }
    }
    // The key is the address itself when none of the rules above changed
    // anything and the local part is ASCII without capitals, as most are.
    let typed = text.get(..at).unwrap_or("");
    let unchanged = local.len() == typed.len()
        && !(ignores_dots && local.contains('.'))
        && key_domain.is_none_or(|d| d == address_domain)
        && local
            .bytes()
            .all(|b| b.is_ascii() && !b.is_ascii_uppercase());
    if unchanged {
        return 0;
    }
    let key_start = text.len();
    if local.is_ascii() {
        // The usual case: copied and lower-cased in place.
        if ignores_dots {
            text.extend(local.bytes().filter(|&b| b != b'.').map(char::from));
        } else {
            text.push_str(local);
        }
        if let Some(key) = text.get_mut(key_start..) {
            key.make_ascii_lowercase();
        }
    } else {
        let lower = local.to_lowercase();
        if ignores_dots {
            text.extend(lower.chars().filter(|&c| c != '.'));
        } else {
            text.push_str(&lower);
        }
    }
    text.push('@');
    match key_domain {
        Some(d) => text.push_str(d),
        None => push_lower(text, domain),
    }
    key_start
}

/// Whether `domain` is one of `domains`: `contains` that compares the whole
/// text only when the length and the first byte agree, as they seldom do.
fn listed(domains: &[&str], domain: &str) -> bool {
    let first = domain.as_bytes().first();
    domains
        .iter()
        .any(|d| d.len() == domain.len() && d.as_bytes().first() == first && *d == domain)
}

/// The popular domain that `domain` is most likely a typo of, if any.
fn domain_typo(domain: &str) -> Option<String> {
    if listed(POPULAR_DOMAINS, domain) {
        return None;
    }
    let near = POPULAR_DOMAINS
        .iter()
        .filter(|p| p.len() >= MIN_TYPO_TARGET)
        .filter(|p| p.len().abs_diff(domain.len()) <= 1 && one_edit(domain, p))
        .min()
        .map(|p| p.to_string());
    if near.is_some() {
        return near;
    }
    let (rest, tld) = domain.rsplit_once('.')?;
    TLD_TYPOS
        .iter()
        .find(|(typo, _)| *typo == tld)
        .map(|(_, fixed)| format!("{rest}.{fixed}"))
}

/// Whether `a` becomes `b` with exactly one insertion, deletion, substitution or
/// swap of two adjacent characters (Damerau-Levenshtein distance 1), on bytes.
fn one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    match a.len().cmp(&b.len()) {
        std::cmp::Ordering::Equal => {
            a[1..] == b[1..] || (a.len() >= 2 && a[0] == b[1] && a[1] == b[0] && a[2..] == b[2..])
        }
        std::cmp::Ordering::Less => a == &b[1..],
        std::cmp::Ordering::Greater => &a[1..] == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> (Email, Vec<Problem>) {
        parse(input).unwrap_or_else(|p| panic!("{input:?}: {p}"))
    }

    fn code(input: &str) -> &'static str {
        parse(input).expect_err(input).code
    }

    #[test]
    fn plain_checks_agree_with_the_full_ones() {
        // The quick checks may only say yes where the full ones do, and must
        // for plain ASCII.
        for local in [
            "ana", "a.b", ".a", "a.", "a..b", "a+b", "a b", "ñ", "", "a\"b", "x_y-z",
        ] {
            let ascii_ok = local.is_ascii() && check_local(local).is_ok();
            assert_eq!(plain_local(local), ascii_ok, "{local:?}");
        }
        let long_label = format!("{}.com", "a".repeat(64));
        for domain in [
            "gmail.com",
            "a.b",
            "a.bc",
            "a-b.com",
            "-a.com",
            "a-.com",
            "a..com",
            "com",
            ".com",
            "a.c1",
            "a.c-",
            "a.co.",
            "xn--a.com",
            "ñ.com",
            "a_b.com",
            &long_label,
        ] {
            let ascii_ok = domain.is_ascii() && check_domain(domain).is_ok();
            assert_eq!(plain_domain(domain), ascii_ok, "{domain:?}");
        }
    }

    #[test]
    fn standard_form_lowercases_the_domain_only() {
        let (e, problems) = ok("  Ana.Lopez@Example.COM. ");
        assert_eq!(e.address(), "Ana.Lopez@example.com");
        assert_eq!(e.local(), "Ana.Lopez");
        assert_eq!(e.domain(), "example.com");
        assert_eq!(e.key(), "ana.lopez@example.com");
        assert!(problems.is_empty());
        assert_eq!(ok("mailto:ana@example.com").0.address(), "ana@example.com");
        assert_eq!(ok("Mailto:ana@example.com").0.address(), "ana@example.com");
    }

    #[test]
    fn provider_rules_shape_the_key() {
        assert_eq!(ok("J.Perez+crm@googlemail.com").0.key(), "jperez@gmail.com");
        assert_eq!(
            ok("j.perez+crm@hotmail.com.ar").0.key(),
            "j.perez@hotmail.com.ar"
        );
        assert_eq!(
            ok("j.perez+crm@empresa.com.ar").0.key(),
            "j.perez+crm@empresa.com.ar"
        );
        assert_eq!(
            ok("SANTIAGO_FERNANDEZ@yahoo.com.ar").0.key(),
            ok("santiago_fernandez@yahoo.com.ar").0.key()
        );
    }

    #[test]
    fn domain_typos_are_flagged_with_a_fix() {
        for (typo, fixed) in [
            ("gmial.com", "gmail.com"),
            ("gmal.com", "gmail.com"),
            ("hotmial.com", "hotmail.com"),
            ("hotmail.con", "hotmail.com"),
            ("yahooo.com.ar", "yahoo.com.ar"),
            ("outlok.es", "outlook.es"),
            ("empresa.con", "empresa.com"),
        ] {
            let (e, problems) = ok(&format!("ana@{typo}"));
            assert_eq!(e.domain(), typo, "the address keeps what was typed");
            assert_eq!(problems.len(), 1, "{typo}");
            assert_eq!(problems[0].code, "email.domain_typo");
            assert_eq!(problems[0].suggestion, Some(format!("ana@{fixed}")));
        }
        for fine in [
            "gmail.com",
            "hotmail.es",
            "live.com.ar",
            "empresa.com.ar",
            "uba.ar",
        ] {
            assert!(ok(&format!("ana@{fine}")).1.is_empty(), "{fine}");
        }
    }

    #[test]
    fn invalid_addresses_say_why() {
        assert_eq!(code(""), "email.empty");
        assert_eq!(code("   "), "email.empty");
        assert_eq!(code("ana.example.com"), "email.missing_at");
        assert_eq!(code("ana@b@example.com"), "email.several_at");
        assert_eq!(code("@example.com"), "email.local_part");
        assert_eq!(code(".ana@example.com"), "email.local_part");
        assert_eq!(code("ana..lopez@example.com"), "email.local_part");
        assert_eq!(code("ana lopez@example.com"), "email.local_part");
        assert_eq!(code("ana\u{0}@example.com"), "email.local_part");
        assert_eq!(code("ana@"), "email.domain");
        assert_eq!(code("ana@localhost"), "email.domain");
        assert_eq!(code("ana@example..com"), "email.domain");
        assert_eq!(code("ana@-example.com"), "email.domain");
        assert_eq!(code("ana@example.c"), "email.domain");
        assert_eq!(code("ana@example.123"), "email.domain");
        assert_eq!(code("ana@exa_mple.com"), "email.domain");
        assert_eq!(
            code(&format!("{}@example.com", "a".repeat(65))),
            "email.local_part"
        );
        assert_eq!(code(&format!("ana@{}.com", "a".repeat(64))), "email.domain");
        assert_eq!(code(&"a".repeat(1 << 20)), "email.too_long");
    }

    #[test]
    fn internationalised_addresses_are_accepted() {
        let (e, _) = ok("José@Correo.Español.es");
        assert_eq!(e.address(), "José@correo.español.es");
        assert_eq!(e.key(), "josé@correo.español.es");
    }

    #[test]
    fn standardising_twice_changes_nothing() {
        for input in [
            " Ana.Lopez@Example.COM. ",
            "J.Perez+crm@googlemail.com",
            "ana@hotmial.com",
            "José@Correo.Español.es",
        ] {
            let (once, problems) = ok(input);
            let (twice, again) = ok(once.address());
            assert_eq!(once, twice);
            assert_eq!(problems, again);
        }
    }

    #[test]
    fn one_edit_is_damerau_distance_one() {
        assert!(one_edit("gmial.com", "gmail.com"));
        assert!(one_edit("gmal.com", "gmail.com"));
        assert!(one_edit("gmaill.com", "gmail.com"));
        assert!(one_edit("gmail.con", "gmail.com"));
        assert!(!one_edit("gmail.com", "gmail.com"));
        assert!(!one_edit("gmx.es", "gmail.com"));
        assert!(!one_edit("hotmail.es", "hotmail.com"));
    }

    /// The key as the providers' rules define it, put together the plain way.
    fn key_by_the_rules(address: &str) -> String {
        let (local, domain) = address.split_once('@').unwrap();
        let mut local = local.to_lowercase();
        let mut domain = domain.to_string();
        if let Some(p) = PROVIDERS
            .iter()
            .find(|p| p.domains.contains(&domain.as_str()))
        {
            if p.plus_tags {
                if let Some(plus) = local.find('+') {
                    local.truncate(plus);
                }
            }
            if p.ignores_dots {
                local.retain(|c| c != '.');
                domain = p.domains[0].to_string();
            }
        }
        format!("{local}@{domain}")
    }

    proptest::proptest! {
        #[test]
        fn keys_follow_the_rules(
            local in "[a-zA-Z0-9._+ñÑ-]{1,12}",
            domain in proptest::sample::select(vec![
                "gmail.com", "GoogleMail.com", "hotmail.com", "outlook.es", "yahoo.com.ar",
                "me.com", "Ejemplo.COM", "proton.me", "fastmail.fm", "correo.es",
            ]),
        ) {
            let input = format!("{local}@{domain}");
            if let Ok((email, _)) = parse(&input) {
                proptest::prop_assert_eq!(email.key(), key_by_the_rules(email.address()));
                proptest::prop_assert_eq!(email.local(), local.as_str());
                proptest::prop_assert_eq!(email.domain(), domain.to_lowercase());
            }
        }
    }
}
