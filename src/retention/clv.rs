//! Customer lifetime value from the two customer-base models.

use super::bgnbd::BgNbd;
use super::gamma_gamma::GammaGamma;
use super::summary::CustomerSummary;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// How [`lifetime_value`] discounts and over how long.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ClvOptions {
    /// Months of value counted.
    pub months: u32,
    /// Discount rate per month (0.01 is 1% a month).
    pub monthly_discount: f64,
    /// The summaries' time units in a month: 30 for days, 4.345 for weeks, 1
    /// for months (as `lifetimes` counts them).
    pub periods_per_month: f64,
}

impl ClvOptions {
    /// Twelve months at `monthly_discount`, in time units of
    /// `periods_per_month`.
    pub fn new(monthly_discount: f64, periods_per_month: f64) -> Self {
        ClvOptions {
            months: 12,
            monthly_discount,
            periods_per_month,
        }
    }

    /// Weeks per month, as `lifetimes` counts them.
    pub const WEEKS: f64 = 4.345;
    /// Days per month, as `lifetimes` counts them.
    pub const DAYS: f64 = 30.0;

    /// Months [`lifetime_value`] counts at most: ten years (each month sums a
    /// hypergeometric series, slower the farther the horizon).
    pub const MAX_MONTHS: u32 = 120;

    /// Checks the options.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `clv.months` above
    /// [`ClvOptions::MAX_MONTHS`], `clv.monthly_discount` below 0, or
    /// `clv.periods_per_month` not positive.
    pub fn check(&self) -> Result<()> {
        let bad = |field: &str, message: String| Error::InvalidArgument {
            field: format!("clv.{field}"),
            message,
        };
        if self.months > ClvOptions::MAX_MONTHS {
            return Err(bad(
                "months",
                format!(
                    "{} is more than {} months",
                    self.months,
                    ClvOptions::MAX_MONTHS
                ),
            ));
        }
        if !(self.monthly_discount.is_finite() && self.monthly_discount >= 0.0) {
            return Err(bad(
                "monthly_discount",
                format!(
                    "{} is not a discount rate of at least 0 (a negative one values the far \
                     future without bound)",
                    self.monthly_discount
                ),
            ));
        }
        if !(self.periods_per_month.is_finite() && self.periods_per_month > 0.0) {
            return Err(bad(
                "periods_per_month",
                format!("{} is not a positive finite number", self.periods_per_month),
            ));
        }
        Ok(())
    }
}

/// The customer's value over the coming [`ClvOptions::months`], discounted:
/// month by month, the purchases [`BgNbd::expected_purchases`] expects in that
/// month times the spend [`GammaGamma::expected_average_value`] expects per
/// purchase, divided by `(1 + monthly_discount)^month`. The same sum as
/// `lifetimes`' `customer_lifetime_value`.
///
/// ```
/// use ciclo::retention::{lifetime_value, BgNbd, ClvOptions, CustomerSummary, GammaGamma};
///
/// let bgnbd = BgNbd { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 };
/// let spend = GammaGamma { p: 6.248802, q: 3.744588, v: 15.447748 };
/// let c = CustomerSummary::new(2.0, 30.43, 38.86, 22.35);
/// let value = lifetime_value(&bgnbd, &spend, &c, &ClvOptions::new(0.01, ClvOptions::WEEKS))?;
/// assert!((value - 36.2785).abs() < 1e-3);
/// # Ok::<(), ciclo::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a bad summary, parameter or option, naming
/// it (`customer.recency`, `bgnbd.a`, `clv.monthly_discount`).
pub fn lifetime_value(
    bgnbd: &BgNbd,
    spend: &GammaGamma,
    customer: &CustomerSummary,
    options: &ClvOptions,
) -> Result<f64> {
    bgnbd.check()?;
    options.check()?;
    let value = spend.expected_average_value(customer)?;
    let mut total = 0.0;
    let mut before = 0.0;
    for month in 1..=options.months {
        let upto = bgnbd
            .expected_purchases_checked(customer, f64::from(month) * options.periods_per_month)?;
        total += value * (upto - before) / (1.0 + options.monthly_discount).powi(month as i32); // months ≤ MAX_MONTHS
        before = upto;
    }
    Ok(total)
}
