//! Periods of time and calendar months, as the analytics read them.

use std::fmt;

use super::cohorts::{civil_from_days, days_from_civil};
use crate::error::{Error, Result};
use crate::model::time::{Timestamp, MS_PER_DAY};

/// A half-open period of time, `[from, to)`: `from` included, `to` excluded.
///
/// ```
/// use ciclo::analytics::Period;
/// use ciclo::model::Timestamp;
///
/// let march = Period::new(
///     Timestamp::parse("2026-03-01T00:00:00Z", "from")?,
///     Timestamp::parse("2026-04-01T00:00:00Z", "to")?,
/// )?;
/// assert!(march.contains(Timestamp::parse("2026-03-31T23:59:59Z", "at")?));
/// assert!(!march.contains(march.to));
/// // A period that ends before it starts is an error naming `to`.
/// let err = Period::new(march.to, march.from).unwrap_err();
/// assert!(err.to_string().contains("to"));
/// # Ok::<(), ciclo::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    /// The first moment in the period.
    pub from: Timestamp,
    /// The first moment after the period.
    pub to: Timestamp,
}

impl Period {
    /// The period `[from, to)`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `to` when the period ends before it
    /// starts, or is empty (`to` equal to `from`).
    pub fn new(from: Timestamp, to: Timestamp) -> Result<Period> {
        Period { from, to }.check()?;
        Ok(Period { from, to })
    }

    /// Checks a period built field by field: [`Period::new`]'s errors.
    pub fn check(&self) -> Result<()> {
        let (from, to) = (self.from, self.to);
        if to <= from {
            return Err(Error::invalid(
                "to",
                format!(
                    "the period ends ({to}) {} it starts ({from}): `to` must be after `from`",
                    if to == from { "when" } else { "before" }
                ),
            ));
        }
        Ok(())
    }

    /// Whether `at` is in the period.
    pub fn contains(&self, at: Timestamp) -> bool {
        self.from <= at && at < self.to
    }

    /// The calendar months (UTC) the period touches, first to last.
    pub fn months(&self) -> impl Iterator<Item = Month> {
        let (first, last) = (Month::of(self.from), self.last_month());
        (0..=last.since(first)).map(move |k| first.plus(k))
    }

    /// The calendar month (UTC) of the period's last moment.
    pub fn last_month(&self) -> Month {
        Month::of(
            Timestamp::from_millis(self.to.as_millis() - 1, "to")
                .expect("a period's end is after its start, within range"),
        )
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {})", self.from, self.to)
    }
}

/// A calendar month in UTC, as a count of months since year 0 (so that
/// months compare and subtract as integers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

impl Month {
    /// The month of `at` (UTC).
    pub fn of(at: Timestamp) -> Month {
        let (year, month, _) = civil_from_days(at.epoch_day());
        // Years 0001–9999 (the timestamps' range) fit an i32.
        Month(year as i32 * 12 + (i32::from(month) - 1))
    }

    /// The month from a year and a month number (1 to 12).
    pub fn new(year: i32, month: u32) -> Month {
        Month(year * 12 + (month.clamp(1, 12) as i32 - 1))
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// The month number, 1 to 12.
    pub fn number(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    /// The month `n` months later (earlier for a negative `n`).
    pub fn plus(self, n: i32) -> Month {
        Month(self.0 + n)
    }

    /// Months from `earlier` to `self`.
    pub fn since(self, earlier: Month) -> i32 {
        self.0 - earlier.0
    }

    /// The first moment of the month (UTC midnight of its first day).
    pub fn start(self) -> Timestamp {
        let days = days_from_civil(i64::from(self.year()), self.number() as u8, 1);
        Timestamp::from_millis(days * MS_PER_DAY, "month").unwrap_or(if days < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        })
    }

    /// The month as `YYYY-MM`.
    pub fn label(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.number())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        Timestamp::parse(s, "t").unwrap()
    }

    #[test]
    fn months_round_trip_through_the_calendar() {
        for (s, label) in [
            ("1970-01-01T00:00:00Z", "1970-01"),
            ("2024-02-29T23:59:59Z", "2024-02"),
            ("2025-12-31T23:59:59.999Z", "2025-12"),
            ("2026-01-01T00:00:00Z", "2026-01"),
            ("1969-12-31T23:59:59Z", "1969-12"),
            ("0001-01-01T00:00:00Z", "0001-01"),
        ] {
            let m = Month::of(t(s));
            assert_eq!(m.to_string(), label, "{s}");
            assert!(m.start() <= t(s) && t(s) < m.plus(1).start(), "{s}");
        }
        assert_eq!(Month::new(2025, 12).plus(1), Month::new(2026, 1));
        assert_eq!(Month::new(2026, 3).since(Month::new(2025, 11)), 4);
    }

    #[test]
    fn periods_refuse_to_end_before_they_start() {
        let p = Period::new(t("2025-01-15T00:00:00Z"), t("2025-03-01T00:00:00Z")).unwrap();
        let months: Vec<String> = p.months().map(|m| m.to_string()).collect();
        assert_eq!(months, ["2025-01", "2025-02"]);
        for (from, to) in [(p.to, p.from), (p.from, p.from)] {
            let e = Period::new(from, to).unwrap_err();
            assert!(
                matches!(&e, Error::InvalidArgument { field, .. } if field == "to"),
                "{e}"
            );
        }
    }
}
