//! Record standardisation and validation: pure functions, no state.
//!
//! Each field type has its own module with a function that parses one value into
//! its standard form, or says why it cannot:
//!
//! | field | module | standard form |
//! |---|---|---|
//! | people's and companies' names | [`names`] | display form with accents, comparison key folded |
//! | emails | [`email`] | domain lower-cased, provider-aware comparison key, typo suggestions |
//! | phones | [`phone`] | E.164, line type where the numbering plan tells |
//! | addresses | [`address`] | street type, name, number, floor, unit, locality, province, postal code |
//! | national identifiers | [`ids`] | canonical CUIT/CUIL, DNI, NIF, NIE, CIF |
//! | birth dates | [`dates`] | a calendar date |
//!
//! A problem found in a value is a [`Problem`]: a stable code, a message for the
//! person who typed the value and, where one is known, a suggested value.

pub mod address;
pub mod dates;
pub mod email;
pub mod ids;
pub mod names;
pub mod phone;
mod record;
pub(crate) mod text;

pub use record::{standardize, Finding, Options, Standardized};

use std::fmt;

/// An ISO 3166-1 alpha-2 country or region code, upper case (`AR`, `ES`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Country([u8; 2]);

impl Country {
    /// Argentina.
    pub const AR: Country = Country(*b"AR");
    /// Brazil.
    pub const BR: Country = Country(*b"BR");
    /// Chile.
    pub const CL: Country = Country(*b"CL");
    /// Colombia.
    pub const CO: Country = Country(*b"CO");
    /// Spain.
    pub const ES: Country = Country(*b"ES");
    /// Mexico.
    pub const MX: Country = Country(*b"MX");
    /// Peru.
    pub const PE: Country = Country(*b"PE");
    /// United States.
    pub const US: Country = Country(*b"US");
    /// Uruguay.
    pub const UY: Country = Country(*b"UY");
    /// Australia (the FEBRL benchmark data).
    pub const AU: Country = Country(*b"AU");

    /// Parses an officially assigned ISO 3166-1 alpha-2 code in either case
    /// (`"ar"`, `"AR"`), after trimming surrounding whitespace; `None` for
    /// anything else (`"XX"`, `"UK"`, `"ARG"`).
    pub fn parse(code: &str) -> Option<Country> {
        match text::trim(code).as_bytes() {
            &[a, b] => {
                let code = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
                let (row, column) = (code[0].wrapping_sub(b'A'), code[1].wrapping_sub(b'A'));
                let assigned = ASSIGNED_BITS
                    .get(usize::from(row))
                    .is_some_and(|bits| column < 26 && bits & (1 << column) != 0);
                assigned.then_some(Country(code))
            }
            _ => None,
        }
    }

    /// The two upper-case letters.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        text::ascii_str(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The 249 officially assigned ISO 3166-1 alpha-2 codes, sorted.
const ASSIGNED: [[u8; 2]; 249] = [
    *b"AD", *b"AE", *b"AF", *b"AG", *b"AI", *b"AL", *b"AM", *b"AO", *b"AQ", *b"AR", *b"AS", *b"AT",
    *b"AU", *b"AW", *b"AX", *b"AZ", *b"BA", *b"BB", *b"BD", *b"BE", *b"BF", *b"BG", *b"BH", *b"BI",
    *b"BJ", *b"BL", *b"BM", *b"BN", *b"BO", *b"BQ", *b"BR", *b"BS", *b"BT", *b"BV", *b"BW", *b"BY",
    *b"BZ", *b"CA", *b"CC", *b"CD", *b"CF", *b"CG", *b"CH", *b"CI", *b"CK", *b"CL", *b"CM", *b"CN",
    *b"CO", *b"CR", *b"CU", *b"CV", *b"CW", *b"CX", *b"CY", *b"CZ", *b"DE", *b"DJ", *b"DK", *b"DM",
    *b"DO", *b"DZ", *b"EC", *b"EE", *b"EG", *b"EH", *b"ER", *b"ES", *b"ET", *b"FI", *b"FJ", *b"FK",
    *b"FM", *b"FO", *b"FR", *b"GA", *b"GB", *b"GD", *b"GE", *b"GF", *b"GG", *b"GH", *b"GI", *b"GL",
    *b"GM", *b"GN", *b"GP", *b"GQ", *b"GR", *b"GS", *b"GT", *b"GU", *b"GW", *b"GY", *b"HK", *b"HM",
    *b"HN", *b"HR", *b"HT", *b"HU", *b"ID", *b"IE", *b"IL", *b"IM", *b"IN", *b"IO", *b"IQ", *b"IR",
    *b"IS", *b"IT", *b"JE", *b"JM", *b"JO", *b"JP", *b"KE", *b"KG", *b"KH", *b"KI", *b"KM", *b"KN",
    *b"KP", *b"KR", *b"KW", *b"KY", *b"KZ", *b"LA", *b"LB", *b"LC", *b"LI", *b"LK", *b"LR", *b"LS",
    *b"LT", *b"LU", *b"LV", *b"LY", *b"MA", *b"MC", *b"MD", *b"ME", *b"MF", *b"MG", *b"MH", *b"MK",
    *b"ML", *b"MM", *b"MN", *b"MO", *b"MP", *b"MQ", *b"MR", *b"MS", *b"MT", *b"MU", *b"MV", *b"MW",
    *b"MX", *b"MY", *b"MZ", *b"NA", *b"NC", *b"NE", *b"NF", *b"NG", *b"NI", *b"NL", *b"NO", *b"NP",
    *b"NR", *b"NU", *b"NZ", *b"OM", *b"PA", *b"PE", *b"PF", *b"PG", *b"PH", *b"PK", *b"PL", *b"PM",
    *b"PN", *b"PR", *b"PS", *b"PT", *b"PW", *b"PY", *b"QA", *b"RE", *b"RO", *b"RS", *b"RU", *b"RW",
    *b"SA", *b"SB", *b"SC", *b"SD", *b"SE", *b"SG", *b"SH", *b"SI", *b"SJ", *b"SK", *b"SL", *b"SM",
    *b"SN", *b"SO", *b"SR", *b"SS", *b"ST", *b"SV", *b"SX", *b"SY", *b"SZ", *b"TC", *b"TD", *b"TF",
    *b"TG", *b"TH", *b"TJ", *b"TK", *b"TL", *b"TM", *b"TN", *b"TO", *b"TR", *b"TT", *b"TV", *b"TW",
    *b"TZ", *b"UA", *b"UG", *b"UM", *b"US", *b"UY", *b"UZ", *b"VA", *b"VC", *b"VE", *b"VG", *b"VI",
    *b"VN", *b"VU", *b"WF", *b"WS", *b"YE", *b"YT", *b"ZA", *b"ZM", *b"ZW",
];

/// [`ASSIGNED`] as one row of bits per first letter, bit `n` for the second
/// letter `A + n`: a code is looked up in two steps.
const ASSIGNED_BITS: [u32; 26] = {
    let mut rows = [0u32; 26];
    let mut i = 0;
    while i < ASSIGNED.len() {
        let [a, b] = ASSIGNED[i];
        rows[(a - b'A') as usize] |= 1 << (b - b'A');
        i += 1;
    }
    rows
};

/// How serious a [`Problem`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something was changed or noticed that the user may want to know about (a
    /// title removed, a domestic phone written in E.164).
    Info,
    /// The value is usable but probably wrong (an email domain that looks like a
    /// typo, a postal code that disagrees with the province).
    Warning,
    /// The value is invalid and was not kept as standardised (a phone number of
    /// the wrong length, an identifier with a wrong check digit).
    Error,
}

impl Severity {
    /// `"info"`, `"warning"` or `"error"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Something found in one value: what, how serious, and what to write instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// How serious it is.
    pub severity: Severity,
    /// A stable, dotted code such as `phone.too_short` or `id.check_digit`, for
    /// hosts that translate or filter messages.
    pub code: &'static str,
    /// A message in plain English for the person who typed the value.
    pub message: String,
    /// The value to write instead, where one is known (`gmail.com` for
    /// `gmial.com`).
    pub suggestion: Option<String>,
}

impl Problem {
    /// An [`Severity::Error`] problem without a suggestion.
    pub fn error(code: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Error,
            code,
            message: message.into(),
            suggestion: None,
        }
    }

    /// A [`Severity::Warning`] problem without a suggestion.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Warning,
            code,
            message: message.into(),
            suggestion: None,
        }
    }

    /// A [`Severity::Info`] problem without a suggestion.
    pub fn info(code: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Info,
            code,
            message: message.into(),
            suggestion: None,
        }
    }

    /// The same problem with a suggested value.
    pub fn suggest(mut self, value: impl Into<String>) -> Problem {
        self.suggestion = Some(value.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)?;
        if let Some(s) = &self.suggestion {
            write!(f, "; did you mean `{s}`?")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_assigned_iso_codes() {
        assert_eq!(Country::parse(" ar "), Some(Country::AR));
        assert_eq!(Country::parse("Es"), Some(Country::ES));
        assert_eq!(Country::AU.as_str(), "AU");
        for bad in ["XX", "UK", "zz", "ARG", "", "A", "ñ", "1a", "\u{0}\u{0}"] {
            assert_eq!(Country::parse(bad), None, "{bad:?}");
        }
        assert!(
            ASSIGNED.windows(2).all(|w| w[0] < w[1]),
            "sorted, no repeats"
        );
        // Every pair of letters agrees with the list.
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let text = [a, b];
                let text = std::str::from_utf8(&text).unwrap();
                assert_eq!(
                    Country::parse(text).is_some(),
                    ASSIGNED.contains(&[a, b]),
                    "{text}"
                );
            }
        }
    }
}
