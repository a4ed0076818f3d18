//! What the engine tests share as a Rust host: moments, purchases, source
//! keys and person records.
#![allow(dead_code)] // each test crate uses its own part

use ciclo::consolidation::golden::SourceKey;
use ciclo::model::{BuiltinKind, Currency, Event, Money, Record, Timestamp};

pub const DAY: i64 = 86_400_000;
pub const T0: i64 = 1_767_225_600_000;

/// `d` days after 2026-01-01.
pub fn day(d: i64) -> Timestamp {
    Timestamp::from_millis(T0 + d * DAY, "t").unwrap()
}

/// A purchase of `minor` ARS cents on day `d`.
pub fn buy(customer: &str, d: i64, minor: i64) -> Event {
    Event::new(customer, day(d), BuiltinKind::Purchase).with_amount(Money {
        minor,
        currency: Currency::parse("ARS", "currency").unwrap(),
    })
}

pub fn key(system: &str, id: &str) -> SourceKey {
    SourceKey::new(system, id).unwrap()
}

/// An Argentine person with a name and an email.
pub fn person(given: &str, surname: &str, email: &str) -> Record {
    Record {
        given_name: Some(given.into()),
        surname: Some(surname.into()),
        email: Some(email.into()),
        country: Some("AR".into()),
        ..Record::default()
    }
}

/// Whether `needle` occurs in `haystack` (an erased value in snapshot bytes).
pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}
