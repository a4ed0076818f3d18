//! Acquisition cohorts: who keeps buying, month by month.
//!
//! A customer's **cohort** is the calendar month (UTC) of their first
//! purchase before the as-of date. For each cohort and each `k` from 0 to
//! the last month observed (the month of the last instant before as-of),
//! [`Cohort::active`] counts the cohort's customers who purchased in calendar
//! month cohort + `k` (all of them at `k` = 0), and [`Cohort::revenue`] sums
//! what the cohort spent that month, per currency.
//!
//! [`Cohorts::activity`] follows the whole base month by month: customers
//! active (with a purchase in the month), new (first purchase), retained
//! (active the month before too), reactivated (active, not the month before,
//! not new) and churned (active the month before, not this month).
//!
//! Returns and cancellations are not purchases
//! ([`Transactions::purchases_before`]).

use std::fmt;

use crate::error::{Error, Result};
use crate::model::{Currency, Timestamp};

use super::lifecycle_cohorts::MAX_MONTHS;
use super::transactions::Transactions;

/// A calendar month: `year * 12 + month - 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

impl Month {
    /// The month of a day counted from 1970-01-01.
    ///
    /// ```
    /// use ciclo::analytics::cohorts::Month;
    /// assert_eq!(Month::of_day(0).to_string(), "1970-01");
    /// assert_eq!(Month::of_day(14_610).to_string(), "2010-01"); // 2010-01-01
    /// assert_eq!(Month::of_day(-1).to_string(), "1969-12");
    /// ```
    pub fn of_day(epoch_day: i64) -> Month {
        let (year, month, _) = civil_from_days(epoch_day);
        Month((year * 12 + i64::from(month) - 1) as i32)
    }

    /// The month of an instant.
    pub fn of(at: Timestamp) -> Month {
        Month::of_day(at.epoch_day())
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// The month of the year, 1–12.
    pub fn month(self) -> u8 {
        (self.0.rem_euclid(12) + 1) as u8
    }
}

impl fmt::Display for Month {
    /// `2010-01`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// Year, month (1–12) and day (1–31) of a day counted from 1970-01-01
/// (proleptic Gregorian; Howard Hinnant's `civil_from_days`).
pub fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days from 1970-01-01 to a date (proleptic Gregorian; Howard Hinnant's
/// `days_from_civil`). Month 1–12, day 1–31, not checked.
pub fn days_from_civil(y: i64, m: u8, d: u8) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// One cohort's spend in one currency, month by month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CohortRevenue {
    /// The currency.
    pub currency: Currency,
    /// `by_month[k]`: spent in month cohort + `k`, in ten-thousandths.
    pub by_month: Vec<i64>,
}

/// The customers whose first purchase fell in one month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cohort {
    /// The month of their first purchase.
    pub month: Month,
    /// `active[k]`: customers of the cohort with a purchase in month
    /// cohort + `k`; `active[0]` is the cohort's size.
    pub active: Vec<u64>,
    /// Spend per currency (in order of first appearance) and month.
    pub revenue: Vec<CohortRevenue>,
}

impl Cohort {
    /// How many customers.
    pub fn size(&self) -> u64 {
        self.active.first().copied().unwrap_or(0)
    }

    /// The share of the cohort active in month `k`, in millionths, rounded
    /// half up: `active[k] * 1_000_000 / size`. 0 past the last month.
    ///
    /// Exact integers, so that files agree to the digit with any other
    /// tool doing the same division.
    pub fn share_millionths(&self, k: usize) -> u64 {
        let (active, size) = (self.active.get(k).copied().unwrap_or(0), self.size());
        if size == 0 {
            return 0;
        }
        let num = u128::from(active) * 2_000_000 + u128::from(size);
        (num / (2 * u128::from(size))) as u64
    }

    /// The share of the cohort active in month `k`, 0 to 1.
    pub fn share(&self, k: usize) -> f64 {
        match self.size() {
            0 => 0.0,
            size => self.active.get(k).copied().unwrap_or(0) as f64 / size as f64,
        }
    }
}

/// The whole base in one month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthActivity {
    /// The month.
    pub month: Month,
    /// Customers with a purchase in the month.
    pub active: u64,
    /// Customers whose first purchase is in the month.
    pub new: u64,
    /// Active in the month and the month before.
    pub retained: u64,
    /// Active in the month, not the month before, and not new.
    pub reactivated: u64,
    /// Active the month before, not in the month.
    pub churned: u64,
}

/// Cohorts and monthly activity as of a date.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Cohorts {
    /// The cohorts with at least one customer, oldest first. Cohort `c` has
    /// `last − c.month + 1` months.
    pub cohorts: Vec<Cohort>,
    /// Every month from the first purchase's to the last observed.
    pub activity: Vec<MonthActivity>,
}

/// Cohorts of the customers with a purchase strictly before `as_of`; empty
/// when there is none. The last month observed is the month of the last
/// instant before `as_of`, whether or not anyone bought in it.
///
/// See the [module](self) for the definitions and the
/// [area's example](super) for a use.
///
/// # Errors
///
/// The months from the first purchase's to the last observed are at most
/// [`MAX_MONTHS`] (a century, as for the engine's cohorts), so that a
/// placeholder date cannot make the table grow without bound; beyond it,
/// [`Error::InvalidArgument`] naming `date` when the purchases alone span
/// more (the message names the first purchase's customer and date, such as
/// a year-0001 placeholder), or `as_of` when it is `as_of` that lies more
/// than a century after the first purchase. Nothing is allocated before the
/// check but the purchases' positions.
pub fn cohorts(tx: &Transactions, as_of: Timestamp) -> Result<Cohorts> {
    let purchases: Vec<usize> = tx.purchases_before(as_of).collect();
    if purchases.is_empty() {
        return Ok(Cohorts::default());
    }
    check_span(tx, &purchases, as_of)?;
    let last = Month::of_day((as_of.as_millis() - 1).div_euclid(crate::model::time::MS_PER_DAY));
    let (customer_col, at_col, amount_col, currency_col) = (
        tx.customer_column(),
        tx.at_column(),
        tx.amount_column(),
        tx.currency_column(),
    );
    let mut first = vec![i32::MAX; tx.customers().len()];
    // (customer, month), deduplicated below.
    let mut pairs: Vec<u64> = Vec::with_capacity(purchases.len());
    let months: Vec<Month> = purchases.iter().map(|&i| Month::of(at_col[i])).collect();
    for (&i, month) in purchases.iter().zip(&months) {
        let c = customer_col[i] as usize;
        first[c] = first[c].min(month.0);
        pairs.push(u64::from(customer_col[i]) << 32 | u64::from(month.0 as u32));
    }
    let first_month = Month(*first.iter().min().expect("a purchase"));
    // Cohort index per month from the first.
    let span = (last.0 - first_month.0 + 1) as usize;
    let mut cohort_at = vec![usize::MAX; span];
    let mut by_first: Vec<i32> = first.iter().copied().filter(|m| *m != i32::MAX).collect();
    by_first.sort_unstable();
    by_first.dedup();
    let mut out = Cohorts {
        cohorts: by_first
            .iter()
            .enumerate()
            .map(|(n, &m)| {
                cohort_at[(m - first_month.0) as usize] = n;
                Cohort {
                    month: Month(m),
                    active: vec![0; (last.0 - m + 1) as usize],
                    revenue: Vec::new(),
                }
            })
            .collect(),
        activity: (0..span)
            .map(|k| MonthActivity {
                month: Month(first_month.0 + k as i32),
                active: 0,
                new: 0,
                retained: 0,
                reactivated: 0,
                churned: 0,
            })
            .collect(),
    };
    for (&i, month) in purchases.iter().zip(&months) {
        let f = first[customer_col[i] as usize];
        let cohort = &mut out.cohorts[cohort_at[(f - first_month.0) as usize]];
        let currency = tx.currencies()[usize::from(currency_col[i])];
        let slot = match cohort.revenue.iter().position(|r| r.currency == currency) {
            Some(s) => s,
            None => {
                cohort.revenue.push(CohortRevenue {
                    currency,
                    by_month: vec![0; cohort.active.len()],
                });
                cohort.revenue.len() - 1
            }
        };
        let cell = &mut cohort.revenue[slot].by_month[(month.0 - f) as usize];
        *cell = cell.saturating_add(amount_col[i]);
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut previous: Option<(u32, i32)> = None;
    for (j, &p) in pairs.iter().enumerate() {
        let (customer, month) = ((p >> 32) as u32, p as u32 as i32);
        let f = first[customer as usize];
        let at = (month - first_month.0) as usize;
        let cohort = &mut out.cohorts[cohort_at[(f - first_month.0) as usize]];
        cohort.active[(month - f) as usize] += 1;
        let activity = &mut out.activity[at];
        activity.active += 1;
        match previous {
            Some((c, m)) if c == customer && m == month - 1 => activity.retained += 1,
            Some((c, _)) if c == customer => activity.reactivated += 1,
            _ => activity.new += 1,
        }
        // Churned next month unless this customer buys then.
        let next = pairs
            .get(j + 1)
            .map(|&q| ((q >> 32) as u32, q as u32 as i32));
        if at + 1 < span && next != Some((customer, month + 1)) {
            out.activity[at + 1].churned += 1;
        }
        previous = Some((customer, month));
    }
    Ok(out)
}

/// Refuses a span of more than [`MAX_MONTHS`] months (see [`cohorts`]).
fn check_span(tx: &Transactions, purchases: &[usize], as_of: Timestamp) -> Result<()> {
    let at = tx.at_column();
    let first = *purchases
        .iter()
        .min_by_key(|&&i| at[i])
        .expect("a purchase");
    let latest = purchases.iter().map(|&i| at[i]).max().expect("a purchase");
    let first_month = Month::of(at[first]);
    let last = Month::of_day((as_of.as_millis() - 1).div_euclid(crate::model::time::MS_PER_DAY));
    let months = |to: Month| i64::from(to.0) - i64::from(first_month.0) + 1;
    if months(last) <= MAX_MONTHS as i64 {
        return Ok(());
    }
    let first_day = at[first].to_rfc3339();
    let first_day = first_day.get(..10).unwrap_or(&first_day);
    let customer = crate::model::time::clip(tx.customers().name(tx.customer_column()[first]));
    let span = months(Month::of(latest));
    if span > MAX_MONTHS as i64 {
        let latest = latest.to_rfc3339();
        Err(Error::invalid(
            "date",
            format!(
                "the purchases span {span} months, from {first_day} (customer `{customer}`'s \
                 first purchase) to {}; cohorts cover at most {MAX_MONTHS} (a century): is \
                 {first_day} a placeholder for an unknown date? Correct or remove that line",
                latest.get(..10).unwrap_or(&latest)
            ),
        ))
    } else {
        let as_of_text = as_of.to_rfc3339();
        Err(Error::invalid(
            "as_of",
            format!(
                "{} is {} months after the first purchase ({first_day}, customer `{customer}`); \
                 cohorts cover at most {MAX_MONTHS} (a century): choose an as-of date closer \
                 to the data",
                as_of_text.get(..10).unwrap_or(&as_of_text),
                months(last)
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        for z in [-800_000, -1, 0, 59, 60, 11_016, 14_610, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(days_from_civil(2010, 12, 9), 14_952);
    }

    #[test]
    fn shares_round_half_up_in_millionths() {
        let c = Cohort {
            month: Month(0),
            active: vec![3, 1, 2, 0],
            revenue: Vec::new(),
        };
        assert_eq!(c.share_millionths(0), 1_000_000);
        assert_eq!(c.share_millionths(1), 333_333);
        assert_eq!(c.share_millionths(2), 666_667);
        assert_eq!(c.share_millionths(3), 0);
        assert_eq!(c.share_millionths(9), 0);
    }
}
