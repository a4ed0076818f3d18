//! A customer's purchase history reduced to what the customer-base models
//! read: the lifetimes summary format.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// A customer's repeat purchases, their timing and their average value, in
/// one time unit of the host's choice (days, weeks, months).
///
/// The same shape as the `lifetimes` package's summary data (and
/// `cdnow_summary.csv`): the first purchase starts the customer's clock and is
/// not counted.
///
/// ```
/// use ciclo::retention::CustomerSummary;
///
/// // First purchase 38.86 weeks ago, two more since, the last 30.43 weeks
/// // after the first, 22.35 spent on average on the repeat purchases.
/// let c = CustomerSummary::new(2.0, 30.43, 38.86, 22.35);
/// assert!(c.check("customer").is_ok());
/// // A last purchase after the end of the observation is an error.
/// let reversed = CustomerSummary::new(2.0, 40.0, 38.86, 22.35);
/// assert_eq!(
///     reversed.check("customers[7]").unwrap_err().to_string(),
///     "invalid argument customers[7].recency: 40 is after T (38.86): the last purchase cannot follow the end of the observation"
/// );
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomerSummary {
    /// Repeat purchases: purchases after the first (a whole number, at least
    /// 0). Several purchases in one time unit count once in lifetimes'
    /// summaries; that is the host's choice here.
    pub frequency: f64,
    /// Time from the first purchase to the last (0 without repeat purchases).
    pub recency: f64,
    /// Time from the first purchase to the end of the observation (`T` in the
    /// literature): the customer's age.
    #[serde(rename = "T")]
    pub t: f64,
    /// Average value of the repeat purchases (0 without repeat purchases).
    pub monetary_value: f64,
}

impl CustomerSummary {
    /// A summary of `frequency` repeat purchases, the last `recency` after the
    /// first, observed for `t`, with `monetary_value` the average repeat
    /// purchase. Not checked: see [`CustomerSummary::check`].
    pub fn new(frequency: f64, recency: f64, t: f64, monetary_value: f64) -> Self {
        CustomerSummary {
            frequency,
            recency,
            t,
            monetary_value,
        }
    }

    /// Checks that the summary can be read by the models, naming the field
    /// under `path` (such as `customers[3]`) when it cannot.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a number that is not finite, a negative
    /// number, a frequency that is not whole, a recency after `T`, or a
    /// recency other than 0 without repeat purchases.
    pub fn check(&self, path: &str) -> Result<()> {
        let fields = [
            ("frequency", self.frequency),
            ("recency", self.recency),
            ("T", self.t),
            ("monetary_value", self.monetary_value),
        ];
        for (name, value) in fields {
            if !value.is_finite() {
                return Err(invalid(
                    path,
                    name,
                    format!("{value} is not a finite number"),
                ));
            }
            if value < 0.0 {
                return Err(invalid(path, name, format!("{value} is negative")));
            }
        }
        if self.frequency.fract() != 0.0 {
            return Err(invalid(
                path,
                "frequency",
                format!(
                    "{} is not a whole number of repeat purchases",
                    self.frequency
                ),
            ));
        }
        if self.recency > self.t {
            return Err(invalid(
                path,
                "recency",
                format!(
                    "{} is after T ({}): the last purchase cannot follow the end of the observation",
                    self.recency, self.t
                ),
            ));
        }
        if self.frequency == 0.0 && self.recency != 0.0 {
            return Err(invalid(
                path,
                "recency",
                format!(
                    "{} without repeat purchases: the last purchase is the first, so recency is 0",
                    self.recency
                ),
            ));
        }
        Ok(())
    }
}

/// Checks every summary of a population, which must not be empty.
pub(crate) fn check_all(customers: &[CustomerSummary]) -> Result<()> {
    if customers.is_empty() {
        return Err(Error::InvalidArgument {
            field: "customers".into(),
            message: "the population is empty: there is nothing to fit".into(),
        });
    }
    for (i, c) in customers.iter().enumerate() {
        c.check(&format!("customers[{i}]"))?;
    }
    Ok(())
}

fn invalid(path: &str, name: &str, message: String) -> Error {
    Error::InvalidArgument {
        field: format!("{path}.{name}"),
        message,
    }
}
