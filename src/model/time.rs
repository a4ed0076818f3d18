//! Points in time: UTC, millisecond precision.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::{Error, Result};

/// Milliseconds in one day.
pub const MS_PER_DAY: i64 = 86_400_000;

/// A point in time in UTC, as milliseconds since the Unix epoch.
///
/// The valid range is years 0001 to 9999 ([`Timestamp::MIN`] to [`Timestamp::MAX`]).
/// In JSON a timestamp is an RFC 3339 string (`"2026-03-01T10:00:00Z"`, any offset is
/// accepted and converted to UTC); in the C structs it is epoch milliseconds; in the
/// compact binary encoding it is the integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// 0001-01-01T00:00:00Z.
    pub const MIN: Timestamp = Timestamp(-62_135_596_800_000);
    /// 9999-12-31T23:59:59.999Z.
    pub const MAX: Timestamp = Timestamp(253_402_300_799_999);

    /// A timestamp from epoch milliseconds, checking the range.
    ///
    /// `field` names the argument in the error.
    pub fn from_millis(ms: i64, field: &str) -> Result<Timestamp> {
        if (Self::MIN.0..=Self::MAX.0).contains(&ms) {
            Ok(Timestamp(ms))
        } else {
            Err(Error::InvalidTimestamp {
                field: field.to_string(),
                message: format!("{ms} ms since the epoch is outside years 0001-9999"),
            })
        }
    }

    /// Parses an RFC 3339 timestamp such as `2026-03-01T10:00:00Z` or
    /// `2026-03-01T07:00:00-03:00`. Sub-millisecond digits are truncated.
    pub fn parse(text: &str, field: &str) -> Result<Timestamp> {
        let dt = OffsetDateTime::parse(text, &Rfc3339).map_err(|e| Error::InvalidTimestamp {
            field: field.to_string(),
            message: format!("`{}` is not an RFC 3339 timestamp ({e})", clip(text)),
        })?;
        let ms = dt.unix_timestamp_nanos().div_euclid(1_000_000);
        let ms = i64::try_from(ms).map_err(|_| Error::InvalidTimestamp {
            field: field.to_string(),
            message: "out of range".to_string(),
        })?;
        Timestamp::from_millis(ms, field)
    }

    /// Milliseconds since the Unix epoch.
    pub fn as_millis(self) -> i64 {
        self.0
    }

    /// Whole days since the Unix epoch (floored).
    pub fn epoch_day(self) -> i64 {
        self.0.div_euclid(MS_PER_DAY)
    }

    /// Days (fractional) from `earlier` to `self`; negative if `earlier` is later.
    pub fn days_since(self, earlier: Timestamp) -> f64 {
        (self.0 - earlier.0) as f64 / MS_PER_DAY as f64
    }

    /// This timestamp plus a number of (possibly fractional, possibly negative)
    /// days, saturating at the valid range.
    pub fn plus_days(self, days: f64) -> Timestamp {
        let ms = self.0 as f64 + days * MS_PER_DAY as f64;
        Timestamp((ms as i64).clamp(Self::MIN.0, Self::MAX.0))
    }

    /// The RFC 3339 form, in UTC with millisecond precision when needed.
    pub fn to_rfc3339(self) -> String {
        let dt = OffsetDateTime::from_unix_timestamp_nanos(self.0 as i128 * 1_000_000)
            .expect("Timestamp is always within the range of OffsetDateTime");
        if self.0.rem_euclid(1000) == 0 {
            dt.format(time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
            ))
        } else {
            dt.format(time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
            ))
        }
        .expect("formatting a valid date cannot fail")
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&self.to_rfc3339())
        } else {
            s.serialize_i64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        if d.is_human_readable() {
            let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
            Timestamp::parse(&text, "timestamp").map_err(D::Error::custom)
        } else {
            let ms = i64::deserialize(d)?;
            Timestamp::from_millis(ms, "timestamp").map_err(D::Error::custom)
        }
    }
}

/// Shortens a message that may quote user input (a serde error such as ``unknown
/// variant `...` `` or ``invalid type: string "..."``): every quoted span longer
/// than [`clip`]'s bound is clipped, and the whole is cut at 512 bytes.
pub(crate) fn clip_message(text: &str) -> String {
    const MAX: usize = 512;
    if text.len() <= 64 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len().min(MAX + 3));
    let mut rest = text;
    while let Some(open) = rest.find(['`', '"']) {
        let quote = rest.as_bytes()[open];
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        match rest.find(quote as char) {
            Some(close) => {
                out.push_str(&clip(&rest[..close]));
                out.push(quote as char);
                rest = &rest[close + 1..];
            }
            None => {
                out.push_str(&clip(rest));
                rest = "";
            }
        }
        if out.len() > MAX {
            break;
        }
    }
    out.push_str(rest);
    if out.len() > MAX {
        let mut end = MAX;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
        out.push_str("...");
    }
    out
}

/// Shortens user input quoted in an error message.
pub(crate) fn clip(text: &str) -> String {
    const MAX: usize = 64;
    if text.len() <= MAX {
        return text.to_string();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_quoting_long_values_are_clipped() {
        let long = "x".repeat(1 << 20);
        let m = clip_message(&format!("unknown variant `{long}`, expected `a` or `b`"));
        assert!(m.len() < 200, "{m}");
        assert!(m.ends_with("expected `a` or `b`"), "{m}");
        let m = clip_message(&format!(
            "invalid type: string \"{long}\", expected x at line 1"
        ));
        assert!(m.len() < 200 && m.ends_with("expected x at line 1"), "{m}");
        let m = clip_message(&format!("no quotes {long}"));
        assert!(m.len() <= 515, "{}", m.len());
        assert_eq!(clip_message("short `x`"), "short `x`");
    }

    #[test]
    fn parses_and_formats_utc() {
        let t = Timestamp::parse("2026-03-01T07:00:00-03:00", "at").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-01T10:00:00Z");
        let t = Timestamp::parse("2026-03-01T10:00:00.250Z", "at").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-01T10:00:00.250Z");
        assert_eq!(Timestamp::parse(&t.to_rfc3339(), "at").unwrap(), t);
    }

    #[test]
    fn range_is_checked() {
        assert!(Timestamp::from_millis(i64::MAX, "at_ms").is_err());
        assert!(Timestamp::from_millis(i64::MIN, "at_ms").is_err());
        assert_eq!(Timestamp::MIN.to_rfc3339(), "0001-01-01T00:00:00Z");
        assert_eq!(Timestamp::MAX.to_rfc3339(), "9999-12-31T23:59:59.999Z");
        let err = Timestamp::parse("2026-13-01T00:00:00Z", "event.at").unwrap_err();
        assert!(err.to_string().contains("event.at"), "{err}");
    }

    #[test]
    fn days() {
        let a = Timestamp::parse("2026-01-01T00:00:00Z", "a").unwrap();
        let b = Timestamp::parse("2026-01-11T12:00:00Z", "b").unwrap();
        assert_eq!(b.days_since(a), 10.5);
        assert_eq!(a.plus_days(10.5), b);
    }
}
