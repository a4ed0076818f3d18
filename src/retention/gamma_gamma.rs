//! The Gamma-Gamma model of spend per purchase (Fader, Hardie and Lee,
//! *The Gamma-Gamma Model of Monetary Value*, 2013).
//!
//! A customer's purchases are Gamma(p, ν)-distributed around their own mean,
//! with ν Gamma(q, γ)-distributed across customers; the average of a
//! customer's `x` purchases then tells, shrunk toward the population's mean,
//! what their future purchases are worth. Fitted on customers with at least
//! one repeat purchase and positive spend, as the model requires.

use super::minimise::{check_penalizer, maximise_likelihood};
use super::summary::{check_all, CustomerSummary};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use statrs::function::gamma::{digamma, ln_gamma};

/// The three parameters of a Gamma-Gamma model, all positive; `q` above 1
/// for spend to have a finite mean.
///
/// ```
/// use ciclo::retention::{CustomerSummary, GammaGamma};
///
/// // The CDNOW fit, as lifetimes reports it.
/// let model = GammaGamma { p: 6.2488, q: 3.7446, v: 15.4477 };
/// // Two repeat purchases of 22.35 on average: worth a little more, pulled
/// // toward the population's mean of 35.17.
/// let c = CustomerSummary::new(2.0, 30.43, 38.86, 22.35);
/// let value = model.expected_average_value(&c)?;
/// assert!((value - 24.65).abs() < 0.01);
/// assert!((model.population_mean()? - 35.17).abs() < 0.01);
/// # Ok::<(), ciclo::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GammaGamma {
    /// Shape of each customer's spend per purchase.
    pub p: f64,
    /// Shape of the distribution of customers' spend rates.
    pub q: f64,
    /// Scale of the distribution of customers' spend rates (`γ` in the paper,
    /// `v` in lifetimes).
    pub v: f64,
}

/// A Gamma-Gamma model fitted to a population, by [`GammaGamma::fit`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GammaGammaFit {
    /// The maximum-likelihood parameters.
    pub model: GammaGamma,
    /// The fitted customers' log-likelihood under them (the sum).
    pub log_likelihood: f64,
    /// Customers fitted on: at least one repeat purchase and positive spend.
    pub customers: usize,
    /// Customers left out for having no repeat purchase or no spend.
    pub skipped: usize,
    /// Iterations of the optimiser.
    pub iterations: usize,
}

impl GammaGamma {
    /// Fits the model by maximum likelihood to the customers of `customers`
    /// with at least one repeat purchase and a positive monetary value; the
    /// others are skipped and counted in [`GammaGammaFit::skipped`].
    ///
    /// The parameters' logarithms are optimised by BFGS from p = q = v = 1,
    /// with the exact gradient; customers with the same frequency share their
    /// Gamma-function terms. No penalty is added to the likelihood.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `customers` for an empty population,
    /// one where no customer can be fitted on, or a likelihood without a
    /// reachable maximum, or a fit whose `q` is not above 1 (spend without a
    /// finite mean); `customers[i].field` for a summary that
    /// [`CustomerSummary::check`] rejects.
    pub fn fit(customers: &[CustomerSummary]) -> Result<GammaGammaFit> {
        GammaGamma::fit_penalized(customers, 0.0)
    }

    /// [`GammaGamma::fit`] with `penalizer · (p² + q² + v²)` added to the mean
    /// negative log-likelihood, as `lifetimes`' `penalizer_coef` does, to keep
    /// the parameters finite on a small population.
    /// [`GammaGammaFit::log_likelihood`] is still the likelihood's, without
    /// the penalty.
    ///
    /// The penalty weighs the parameters of the model fitted on amounts in
    /// units of the fitted customers' mean spend, not in the unit given, so
    /// the fit does not depend on the unit of money: the same customers in
    /// pesos and in centavos give the same predictions (`v`, an amount, comes
    /// out in the unit given). Where the mean spend is 1 this is `lifetimes`'
    /// penalty; without a penalty it changes nothing but the optimiser's
    /// path.
    ///
    /// ```
    /// use ciclo::retention::{CustomerSummary, GammaGamma};
    ///
    /// let pesos = [(2.0, 22.35), (1.0, 11.77), (7.0, 73.74), (5.0, 30.01), (3.0, 18.5), (4.0, 15.2)];
    /// let fit = |cents: f64| {
    ///     let customers: Vec<CustomerSummary> = pesos
    ///         .iter()
    ///         .map(|&(x, m)| CustomerSummary::new(x, 10.0, 30.0, m * cents))
    ///         .collect();
    ///     GammaGamma::fit_penalized(&customers, 0.001).map(|f| f.model.population_mean())
    /// };
    /// // The same mean spend, in pesos and in centavos.
    /// let (units, centavos) = (fit(1.0)??, fit(100.0)??);
    /// assert!((centavos / 100.0 - units).abs() < 1e-6 * units);
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`GammaGamma::fit`], and [`Error::InvalidArgument`] naming
    /// `penalizer` when it is negative or not finite.
    pub fn fit_penalized(customers: &[CustomerSummary], penalizer: f64) -> Result<GammaGammaFit> {
        check_penalizer(penalizer)?;
        check_all(customers)?;
        let data = Data::new(customers, 1.0);
        if data.rows.is_empty() {
            return Err(Error::InvalidArgument {
                field: "customers".into(),
                message: "no customer has a repeat purchase with a positive monetary value: \
                          the Gamma-Gamma model cannot be fitted"
                    .into(),
            });
        }
        // Amounts in units of the mean spend: a scale-free fit (see above).
        let scale = data.rows.iter().map(|r| r.1).sum::<f64>() / data.rows.len() as f64;
        let scaled = Data::new(customers, scale);
        let ([p, q, v], iterations) = maximise_likelihood(
            |params: &[f64; 3], gradient: &mut [f64; 3]| {
                scaled.log_likelihood(params, Some(gradient))
            },
            data.customers as f64,
            penalizer,
            "Gamma-Gamma",
            "every customer spending alike?",
        )?;
        let v = v * scale;
        let model = GammaGamma { p, q, v };
        if q <= 1.0 {
            let what_to_do = if penalizer > 0.0 {
                format!(
                    "this penalizer ({penalizer}) pulls q toward 0: lower it (0.001 is \
                     usually enough for a small population), or fit more customers"
                )
            } else {
                "fit more customers, leave out a few outsized orders, or add a small \
                 penalizer (0.001)"
                    .to_string()
            };
            return Err(Error::InvalidArgument {
                field: "customers".into(),
                message: format!(
                    "the fitted q is {q}, not above 1: the Gamma-Gamma spend model has no \
                     finite mean for these {} customers; {what_to_do}",
                    data.customers
                ),
            });
        }
        Ok(GammaGammaFit {
            model,
            log_likelihood: data.log_likelihood(&[p, q, v], None),
            customers: data.customers,
            skipped: customers.len() - data.customers,
            iterations,
        })
    }

    /// The mean spend per purchase of the population: `v·p / (q − 1)`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the parameter when one is not a
    /// positive finite number or `q` is not above 1.
    pub fn population_mean(&self) -> Result<f64> {
        self.check()?;
        Ok(self.v * self.p / (self.q - 1.0))
    }

    /// The spend per purchase to expect from the customer: their average
    /// over `frequency` repeat purchases weighed against the population's
    /// mean, `w·m + (1 − w)·mean` with `w = p·x / (p·x + q − 1)`. A customer
    /// without repeat purchases is worth the population's mean.
    ///
    /// # Errors
    ///
    /// As [`GammaGamma::population_mean`], and for a bad summary (field
    /// `customer.…`).
    pub fn expected_average_value(&self, customer: &CustomerSummary) -> Result<f64> {
        let mean = self.population_mean()?;
        customer.check("customer")?;
        let px = self.p * customer.frequency;
        let weight = px / (px + self.q - 1.0);
        Ok((1.0 - weight) * mean + weight * customer.monetary_value)
    }

    /// Checks that every parameter is a positive finite number and `q` is
    /// above 1.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the parameter (`gamma_gamma.q`, …).
    pub fn check(&self) -> Result<()> {
        for (name, value) in [("p", self.p), ("q", self.q), ("v", self.v)] {
            if !(value.is_finite() && value > 0.0) {
                return Err(Error::InvalidArgument {
                    field: format!("gamma_gamma.{name}"),
                    message: format!("{value} is not a positive finite number"),
                });
            }
        }
        if self.q <= 1.0 {
            return Err(Error::InvalidArgument {
                field: "gamma_gamma.q".into(),
                message: format!("{} is not above 1: spend would have no finite mean", self.q),
            });
        }
        Ok(())
    }
}

/// The customers the model is fitted on, as the likelihood reads them.
struct Data {
    /// How many.
    customers: usize,
    /// Each distinct frequency with how many of them have it.
    by_frequency: Vec<(f64, f64)>,
    /// Per customer: frequency, monetary value, `ln m`, `ln x`.
    rows: Vec<(f64, f64, f64, f64)>,
}

impl Data {
    /// The customers that can be fitted, their amounts divided by `scale`.
    fn new(customers: &[CustomerSummary], scale: f64) -> Data {
        let mut rows: Vec<(f64, f64, f64, f64)> = customers
            .iter()
            .filter(|c| c.frequency > 0.0 && c.monetary_value > 0.0)
            .map(|c| {
                let (x, m) = (c.frequency, c.monetary_value / scale);
                (x, m, m.ln(), x.ln())
            })
            .collect();
        rows.sort_unstable_by(|p, q| p.0.total_cmp(&q.0));
        let mut by_frequency: Vec<(f64, f64)> = Vec::new();
        for row in &rows {
            match by_frequency.last_mut() {
                Some(last) if last.0 == row.0 => last.1 += 1.0,
                _ => by_frequency.push((row.0, 1.0)),
            }
        }
        Data {
            customers: rows.len(),
            by_frequency,
            rows,
        }
    }

    /// The log-likelihood at `[p, q, v]`, and its gradient over them into
    /// `gradient` when given.
    fn log_likelihood(&self, params: &[f64; 3], gradient: Option<&mut [f64; 3]>) -> f64 {
        let [p, q, v] = *params;
        let want = gradient.is_some();
        let mut g = [0.0; 3];
        let (lg_q, ln_v) = (ln_gamma(q), v.ln());
        let dg_q = if want { digamma(q) } else { 0.0 };
        let mut ll = 0.0;
        for &(x, n) in &self.by_frequency {
            let px = p * x;
            ll += n * (ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_v);
            if want {
                let dg_pxq = digamma(px + q);
                g[0] += n * x * (dg_pxq - digamma(px));
                g[1] += n * (dg_pxq - dg_q + ln_v);
                g[2] += n * q / v;
            }
        }
        for &(x, m, ln_m, ln_x) in &self.rows {
            let px = p * x;
            let total = x * m + v;
            let ln_total = total.ln();
            ll += (px - 1.0) * ln_m + px * ln_x - (px + q) * ln_total;
            if want {
                g[0] += x * (ln_m + ln_x - ln_total);
                g[1] -= ln_total;
                g[2] -= (px + q) / total;
            }
        }
        if let Some(out) = gradient {
            *out = g;
        }
        ll
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn population() -> Vec<CustomerSummary> {
        [
            (2.0, 22.35),
            (1.0, 11.77),
            (7.0, 73.74),
            (1.0, 11.77),
            (2.0, 25.55),
            (5.0, 30.0),
            (3.0, 18.5),
        ]
        .iter()
        .map(|&(x, m)| CustomerSummary::new(x, 10.0, 38.0, m))
        .chain([
            CustomerSummary::new(0.0, 0.0, 38.0, 0.0),
            CustomerSummary::new(2.0, 5.0, 38.0, 0.0),
        ])
        .collect()
    }

    #[test]
    fn gradient_is_the_likelihoods_slope() {
        let data = Data::new(&population(), 1.0);
        crate::retention::minimise::assert_gradient(
            |p, g| data.log_likelihood(p, g),
            [4.0, 3.0, 12.0],
        );
    }

    #[test]
    fn skipped_customers_are_counted() {
        let fit = GammaGamma::fit(&population()).unwrap();
        assert_eq!((fit.customers, fit.skipped), (7, 2));
    }

    #[test]
    fn bad_input_is_refused() {
        let only_first = vec![CustomerSummary::new(0.0, 0.0, 10.0, 0.0); 4];
        let err = GammaGamma::fit(&only_first).unwrap_err();
        assert!(err.to_string().contains("cannot be fitted"), "{err}");
        let model = GammaGamma {
            p: 6.0,
            q: 0.9,
            v: 15.0,
        };
        assert_eq!(
            model.population_mean().unwrap_err().to_string(),
            "invalid argument gamma_gamma.q: 0.9 is not above 1: spend would have no finite mean"
        );
        let mut bad = population();
        bad[3].monetary_value = -1.0;
        assert_eq!(
            GammaGamma::fit(&bad).unwrap_err().to_string(),
            "invalid argument customers[3].monetary_value: -1 is negative"
        );
    }
}
