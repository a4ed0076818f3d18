//! Postal codes: shapes, the province a code names, and the problems of a code
//! that does not fit its country.

use super::clean;
use super::tables::Prov;
use crate::consolidation::standardize::{Country, Problem};

/// A postal code, cleaned and classified by shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Postal {
    Empty,
    /// An Argentine CPA: the letter, and whether the three trailing letters are
    /// there.
    Cpa(String),
    /// Four digits.
    Four(u32, String),
    /// Five digits.
    Five(u32, String),
    /// Anything else, tidied and upper-cased.
    Other(String),
}

impl Postal {
    pub(super) fn read(text: &str) -> Postal {
        let trimmed = crate::consolidation::standardize::text::trim(text);
        if trimmed.is_empty() {
            return Postal::Empty;
        }
        let other = || {
            let cleaned = clean(text);
            if cleaned.is_empty() {
                Postal::Empty
            } else {
                Postal::Other(clean(&cleaned.to_uppercase()).into_owned())
            }
        };
        if !trimmed.is_ascii() || trimmed.len() > 16 {
            return other();
        }
        let mut compact = String::with_capacity(trimmed.len());
        for b in trimmed.bytes() {
            if !matches!(b, b' ' | b'-' | b'.') {
                compact.push(char::from(b.to_ascii_uppercase()));
            }
        }
        let b = compact.as_bytes();
        let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
        let letters = |s: &[u8]| s.iter().all(u8::is_ascii_uppercase);
        let value = |s: &str| s.parse::<u32>().unwrap_or(0);
        match b.len() {
            4 if digits(b) => Postal::Four(value(&compact), compact),
            5 if digits(b) => Postal::Five(value(&compact), compact),
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
    pub(super) fn into_code(self) -> Option<String> {
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
) -> Option<String> {
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
                let padded = format!("0{code}");
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
