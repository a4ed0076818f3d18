//! Postal codes: shapes, the province a code names, and the problems of a code
//! that does not fit its country.

use super::clean;
use super::tables::Prov;
use crate::standardize::{Country, Problem};
use compact_str::CompactString;

/// A postal code, cleaned and classified by shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Postal {
    Empty,
    /// An Argentine CPA: the letter, and whether the three trailing letters are
    /// there.
    Cpa(CompactString),
    /// Four digits.
    Four(u32, CompactString),
    /// Five digits.
    Five(u32, CompactString),
    /// Anything else, tidied and upper-cased.
    Other(CompactString),
}

impl Postal {
    pub(super) fn read(text: &str) -> Postal {
        let trimmed = crate::standardize::text::trim(text);
        if trimmed.is_empty() {
            return Postal::Empty;
        }
        let other = || {
            let cleaned = clean(text);
            if cleaned.is_empty() {
                Postal::Empty
            } else {
                Postal::Other(CompactString::from(clean(&cleaned.to_uppercase())))
            }
        };
        if !trimmed.is_ascii() || trimmed.len() > 16 {
            return other();
        }
        // At most 16 ASCII bytes: put together on the stack.
        let mut buf = [0u8; 16];
        let mut len = 0;
        for b in trimmed.bytes() {
            if !matches!(b, b' ' | b'-' | b'.') {
                if let Some(slot) = buf.get_mut(len) {
                    *slot = b.to_ascii_uppercase();
                    len += 1;
                }
            }
        }
        let b = buf.get(..len).unwrap_or(&[]);
        let compact = CompactString::new(crate::standardize::text::ascii_str(b).unwrap_or(""));
        let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
        let letters = |s: &[u8]| s.iter().all(u8::is_ascii_uppercase);
        // Only asked of digits.
        let value = |s: &[u8]| {
            s.iter()
                .fold(0u32, |n, &d| n * 10 + u32::from(d.wrapping_sub(b'0')))
        };
        match b.len() {
            4 if digits(b) => Postal::Four(value(b), compact),
            5 if digits(b) => Postal::Five(value(b), compact),
            5 | 8
                if b.first().copied().and_then(Prov::of_cpa_letter).is_some()
                    && digits(b.get(1..5).unwrap_or(&[]))
                    && letters(b.get(5..).unwrap_or(&[])) =>
            {
                Postal::Cpa(compact)
            }
            _ => other(),
        }
    }
}

impl Postal {
    /// The code as read: canonical for a known shape, else tidied upper case.
    pub(super) fn into_code(self) -> Option<CompactString> {
        match self {
            Postal::Empty => None,
            Postal::Cpa(c) | Postal::Four(_, c) | Postal::Five(_, c) | Postal::Other(c) => Some(c),
        }
    }
}

/// The province a postal code names, given the country; without a country
/// only a CPA names one.
pub(super) fn postal_province(postal: &Postal, country: Option<Country>) -> Option<Prov> {
    match (postal, country) {
        (Postal::Cpa(code), None) | (Postal::Cpa(code), Some(Country::AR)) => {
            code.bytes().next().and_then(Prov::of_cpa_letter)
        }
        (Postal::Five(n, _), Some(Country::ES)) => Prov::of_es_prefix(n / 1000),
        (Postal::Four(n, _), Some(Country::ES)) => Prov::of_es_prefix(n / 1000),
        (Postal::Four(n, _), Some(Country::AU)) => Prov::of_au_postcode(*n),
        _ => None,
    }
}

/// Problems for a postal code that does not fit the country, and the code to
/// keep instead of the one read when it is corrected (a Spanish code padded).
pub(super) fn check_postal(
    postal: &Postal,
    country: Option<Country>,
    problems: &mut Vec<Problem>,
) -> Option<CompactString> {
    let invalid = |problems: &mut Vec<Problem>, code: &str, what: &str| {
        problems.push(Problem::warning(
            "address.postal_code_invalid",
            format!("`{code}` is not a valid {what} postal code"),
        ));
    };
    let foreign = |problems: &mut Vec<Problem>, code: &str, looks: &str, country: Country| {
        problems.push(Problem::warning(
            "address.postal_code_country_mismatch",
            format!("`{code}` looks like a postal code of {looks}, but the country is {country}"),
        ));
    };
    match (postal, country) {
        (Postal::Five(n, code), Some(Country::AR)) => {
            if Prov::of_es_prefix(n / 1000).is_some() {
                foreign(problems, code, "Spain", Country::AR);
            } else {
                invalid(problems, code, "Argentine");
            }
        }
        (Postal::Five(n, code), Some(Country::ES)) if Prov::of_es_prefix(n / 1000).is_none() => {
            invalid(problems, code, "Spanish");
        }
        (Postal::Four(n, code), Some(Country::ES)) => {
            if Prov::of_es_prefix(n / 1000).is_some() {
                let mut padded = CompactString::const_new("0");
                padded.push_str(code);
                problems.push(
                    Problem::info(
                        "address.postal_code_padded",
                        format!("`{code}` lost its leading zero: {padded}"),
                    )
                    .suggest(padded.clone()),
                );
                return Some(padded);
            }
            invalid(problems, code, "Spanish");
        }
        (Postal::Cpa(code), Some(Country::ES)) => foreign(problems, code, "Argentina", Country::ES),
        (Postal::Cpa(code) | Postal::Five(_, code), Some(Country::AU)) => {
            invalid(problems, code, "Australian");
        }
        (Postal::Other(code), Some(Country::AR)) => invalid(problems, code, "Argentine"),
        (Postal::Other(code), Some(Country::ES)) => invalid(problems, code, "Spanish"),
        (Postal::Other(code), Some(Country::AU)) => invalid(problems, code, "Australian"),
        _ => {}
    }
    None
}
