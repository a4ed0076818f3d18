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

    /// Parses two ASCII letters in either case (`"ar"`, `"AR"`), after trimming
    /// surrounding whitespace. Says nothing about whether the code is assigned.
    pub fn parse(code: &str) -> Option<Country> {
        match code.trim().as_bytes() {
            &[a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Some(Country([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => None,
        }
    }

    /// The two upper-case letters.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
