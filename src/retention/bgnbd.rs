//! The BG/NBD model of repeat purchases (Fader, Hardie and Lee, *"Counting
//! Your Customers" the Easy Way*, Marketing Science 24(2), 2005).
//!
//! While alive, a customer buys at a Poisson rate λ, Gamma(r, α)-distributed
//! across customers; after every purchase the customer dies with probability
//! p, Beta(a, b)-distributed. Fitted by maximum likelihood on a population's
//! [`CustomerSummary`]s, the model gives each customer the probability of
//! being alive and the purchases to expect, as the `lifetimes` package
//! computes them.

use super::hypergeometric::ln_hyp2f1;
use super::minimise::{check_penalizer, maximise_likelihood};
use super::summary::{check_all, CustomerSummary};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use statrs::function::gamma::{digamma, ln_gamma};

/// The four parameters of a BG/NBD model, all positive.
///
/// ```
/// use ciclo::retention::{BgNbd, CustomerSummary};
///
/// // The CDNOW fit (Fader, Hardie and Lee 2005), time in weeks.
/// let model = BgNbd { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
/// let c = CustomerSummary::new(2.0, 30.43, 38.86, 22.35);
/// let alive = model.p_alive(&c)?;
/// assert!((alive - 0.7266).abs() < 1e-3);
/// let next_30_weeks = model.expected_purchases(&c, 30.0)?;
/// assert!((next_30_weeks - 0.977).abs() < 1e-2);
/// # Ok::<(), ciclo::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BgNbd {
    /// Shape of the Gamma distribution of purchase rates.
    pub r: f64,
    /// Scale of the Gamma distribution of purchase rates (in time units).
    pub alpha: f64,
    /// First shape of the Beta distribution of the dropout probability.
    pub a: f64,
    /// Second shape of the Beta distribution of the dropout probability.
    pub b: f64,
}

/// A BG/NBD model fitted to a population, by [`BgNbd::fit`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BgNbdFit {
    /// The maximum-likelihood parameters.
    pub model: BgNbd,
    /// The population's log-likelihood under them (the sum over customers).
    pub log_likelihood: f64,
    /// Customers fitted on.
    pub customers: usize,
    /// Iterations of the optimiser.
    pub iterations: usize,
}

impl BgNbd {
    /// Fits the model to `customers` by maximum likelihood.
    ///
    /// The parameters' logarithms are optimised by BFGS from r = α = a = b = 1
    /// (as `lifetimes` starts), with the exact gradient; customers with the
    /// same frequency share their Gamma-function terms and customers with the
    /// same summary are counted once, so a fit costs a few milliseconds for
    /// thousands of customers. No penalty is added to the likelihood.
    ///
    /// Some populations have their maximum at a limit: where no customer
    /// seems to drop out, `a` and `b` tend to 0; where everyone buys at much
    /// the same rate, `r` and `α` tend to infinity (a Poisson process). The
    /// fit stops at the limit, such parameters near 1e-9 or 1e9 and their
    /// ratios what the data says, so predictions stay finite;
    /// [`BgNbd::fit_penalized`] keeps them away from it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `customers` for an empty population or
    /// one with no repeat purchase at all (nothing to fit a dropout on), and
    /// `customers[i].field` for a summary that [`CustomerSummary::check`]
    /// rejects; naming `customers` too when the likelihood has no maximum the
    /// optimiser can reach.
    pub fn fit(customers: &[CustomerSummary]) -> Result<BgNbdFit> {
        BgNbd::fit_penalized(customers, 0.0)
    }

    /// [`BgNbd::fit`] with `penalizer · (r² + α² + a² + b²)` added to the mean
    /// negative log-likelihood, as `lifetimes`' `penalizer_coef` does: it keeps
    /// the parameters finite on a small population where no customer seems to
    /// drop out (whose likelihood is highest with `a` and `b` at 0).
    /// [`BgNbdFit::log_likelihood`] is still the likelihood's, without the
    /// penalty.
    ///
    /// The penalty weighs the parameters of the model fitted on times in
    /// units of the customers' mean age (`T`), not in the unit given, so the
    /// fit does not depend on the unit: the same customers in days and in
    /// weeks give the same predictions (`α`, a time, comes out in the unit
    /// given). Where the mean age is 1 this is `lifetimes`' penalty; without a
    /// penalty it changes nothing but the optimiser's path.
    ///
    /// # Errors
    ///
    /// As [`BgNbd::fit`], and [`Error::InvalidArgument`] naming `penalizer`
    /// when it is negative or not finite.
    pub fn fit_penalized(customers: &[CustomerSummary], penalizer: f64) -> Result<BgNbdFit> {
        check_penalizer(penalizer)?;
        check_all(customers)?;
        if customers.iter().all(|c| c.frequency == 0.0) {
            return Err(Error::InvalidArgument {
                field: "customers".into(),
                message: "no customer has a repeat purchase: the BG/NBD model cannot be fitted"
                    .into(),
            });
        }
        // Times in units of the mean age: a scale-free fit (see above).
        let scale = customers.iter().map(|c| c.t).sum::<f64>() / customers.len() as f64;
        let scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        let scaled: Vec<CustomerSummary> = customers
            .iter()
            .map(|c| CustomerSummary {
                recency: c.recency / scale,
                t: c.t / scale,
                ..*c
            })
            .collect();
        let data = Data::new(&scaled);
        let ([r, alpha, a, b], iterations) = maximise_likelihood(
            |params: &[f64; 4], gradient: &mut [f64; 4]| {
                data.log_likelihood(params, Some(gradient))
            },
            customers.len() as f64,
            penalizer,
            "BG/NBD",
            "a small population where no customer seems to drop out?",
        )?;
        let alpha = alpha * scale;
        let data = Data::new(customers);
        Ok(BgNbdFit {
            model: BgNbd { r, alpha, a, b },
            log_likelihood: data.log_likelihood(&[r, alpha, a, b], None),
            customers: customers.len(),
            iterations,
        })
    }

    /// The log-likelihood of `customers` under this model (the sum over
    /// customers), as [`BgNbdFit::log_likelihood`] reports it.
    ///
    /// # Errors
    ///
    /// As [`BgNbd::fit`] for the customers, and [`Error::InvalidArgument`]
    /// naming the parameter when one is not a positive finite number.
    pub fn log_likelihood(&self, customers: &[CustomerSummary]) -> Result<f64> {
        self.check()?;
        check_all(customers)?;
        Ok(Data::new(customers).log_likelihood(&[self.r, self.alpha, self.a, self.b], None))
    }

    /// The probability that the customer is still alive (will buy again) at
    /// the end of the observation.
    ///
    /// 1 for a customer without repeat purchases, as in the model (and in
    /// `lifetimes`): the BG/NBD customer can only drop out right after a
    /// purchase.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for a bad summary (field `customer.…`) or a
    /// parameter that is not a positive finite number (field `bgnbd.…`).
    pub fn p_alive(&self, customer: &CustomerSummary) -> Result<f64> {
        self.check()?;
        customer.check("customer")?;
        let x = customer.frequency;
        if x == 0.0 {
            return Ok(1.0);
        }
        let log_odds_dead = (self.r + x)
            * ((self.alpha + customer.t) / (self.alpha + customer.recency)).ln()
            + (self.a / (self.b + x - 1.0)).ln();
        Ok(1.0 / (1.0 + log_odds_dead.exp()))
    }

    /// The number of purchases the customer is expected to make in the next
    /// `horizon` time units, given their history.
    ///
    /// # Errors
    ///
    /// As [`BgNbd::p_alive`], and [`Error::InvalidArgument`] naming `horizon`
    /// when it is negative or not finite.
    pub fn expected_purchases(&self, customer: &CustomerSummary, horizon: f64) -> Result<f64> {
        self.check()?;
        customer.check("customer")?;
        if !(horizon.is_finite() && horizon >= 0.0) {
            return Err(Error::InvalidArgument {
                field: "horizon".into(),
                message: format!("{horizon} is not a time from now (finite, at least 0)"),
            });
        }
        self.expected_purchases_checked(customer, horizon)
    }

    /// [`BgNbd::expected_purchases`] with everything checked.
    pub(crate) fn expected_purchases_checked(
        &self,
        c: &CustomerSummary,
        horizon: f64,
    ) -> Result<f64> {
        // Two removable singularities, where the value is the limit of its
        // neighbours: the formula divides by `a − 1` (and its bracket vanishes
        // with it), and the series has a pole where `a + b + x − 1` is 0 or a
        // negative whole number. Near either, the value is interpolated
        // linearly between two points on each side (off by the square of the
        // step).
        const NEAR: f64 = 1e-5;
        let interpolate = |at: &dyn Fn(f64) -> Result<f64>, centre: f64, value: f64| {
            let (low, high) = (centre - 2.0 * NEAR, centre + 2.0 * NEAR);
            let (below, above) = (at(low)?, at(high)?);
            Ok(below + (value - low) / (high - low) * (above - below))
        };
        if (self.a - 1.0).abs() < NEAR {
            let at = |a: f64| BgNbd { a, ..*self }.expected_purchases_checked(c, horizon);
            return interpolate(&at, 1.0, self.a);
        }
        let pole = self.a + self.b + c.frequency - 1.0;
        if pole < NEAR && (pole - pole.round()).abs() < NEAR {
            // Moving b moves the pole's argument one for one.
            let at = |b: f64| BgNbd { b, ..*self }.expected_purchases_checked(c, horizon);
            return interpolate(&at, self.b - (pole - pole.round()), self.b);
        }
        let BgNbd { r, alpha, a, b } = *self;
        let x = c.frequency;
        if horizon == 0.0 {
            return Ok(0.0);
        }
        let z = horizon / (alpha + c.t + horizon);
        let (sign, ln_hyp) = ln_hyp2f1(r + x, b + x, a + b + x - 1.0, z).ok_or_else(|| {
            Error::InvalidArgument {
                field: "horizon".into(),
                message: format!(
                    "the expected purchases over {horizon} cannot be computed for this model and customer: \
                     the hypergeometric series is at a pole (a + b + frequency − 1 is 0 or a \
                     negative whole number) or does not converge (a horizon too far)"
                ),
            }
        })?;
        let first = (a + b + x - 1.0) / (a - 1.0);
        // 1 − ((α + T) / (α + T + t))^(r + x) · ₂F₁(…), without cancelling.
        let ln_product = ln_hyp + (r + x) * ((alpha + c.t) / (alpha + c.t + horizon)).ln();
        let second = if sign > 0.0 {
            -ln_product.exp_m1()
        } else {
            1.0 + ln_product.exp()
        };
        let denominator = if x > 0.0 {
            1.0 + a / (b + x - 1.0) * ((alpha + c.t) / (alpha + c.recency)).powf(r + x)
        } else {
            1.0
        };
        Ok(first * second / denominator)
    }

    /// Checks that every parameter is a positive finite number.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the parameter (`bgnbd.r`, …).
    pub fn check(&self) -> Result<()> {
        for (name, value) in [
            ("r", self.r),
            ("alpha", self.alpha),
            ("a", self.a),
            ("b", self.b),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return Err(Error::InvalidArgument {
                    field: format!("bgnbd.{name}"),
                    message: format!("{value} is not a positive finite number"),
                });
            }
        }
        Ok(())
    }
}

/// The population as the likelihood reads it.
struct Data {
    /// Each distinct frequency with how many customers have it.
    by_frequency: Vec<(f64, f64)>,
    /// Each distinct summary (frequency, recency, T) with its count.
    rows: Vec<(f64, f64, f64, f64)>,
}

impl Data {
    fn new(customers: &[CustomerSummary]) -> Data {
        let mut keys: Vec<(u64, u64, u64)> = customers
            .iter()
            .map(|c| (c.frequency.to_bits(), c.recency.to_bits(), c.t.to_bits()))
            .collect();
        // Non-negative floats order as their bits do.
        keys.sort_unstable();
        let mut rows: Vec<(f64, f64, f64, f64)> = Vec::new();
        let mut by_frequency: Vec<(f64, f64)> = Vec::new();
        for (x, rec, t) in keys {
            let (x, rec, t) = (f64::from_bits(x), f64::from_bits(rec), f64::from_bits(t));
            match rows.last_mut() {
                Some(last) if (last.0, last.1, last.2) == (x, rec, t) => last.3 += 1.0,
                _ => rows.push((x, rec, t, 1.0)),
            }
            match by_frequency.last_mut() {
                Some(last) if last.0 == x => last.1 += 1.0,
                _ => by_frequency.push((x, 1.0)),
            }
        }
        Data { by_frequency, rows }
    }

    /// The log-likelihood at `[r, α, a, b]`, and its gradient over them into
    /// `gradient` when given.
    fn log_likelihood(&self, params: &[f64; 4], gradient: Option<&mut [f64; 4]>) -> f64 {
        let [r, alpha, a, b] = *params;
        let want = gradient.is_some();
        let mut g = [0.0; 4];
        let (ln_alpha, ln_a) = (alpha.ln(), a.ln());
        let (lg_r, lg_b, lg_ab) = (ln_gamma(r), ln_gamma(b), ln_gamma(a + b));
        let (dg_r, dg_b, dg_ab) = if want {
            (digamma(r), digamma(b), digamma(a + b))
        } else {
            (0.0, 0.0, 0.0)
        };
        let mut ll = 0.0;
        for &(x, n) in &self.by_frequency {
            ll += n
                * (ln_gamma(r + x) - lg_r + r * ln_alpha + lg_ab + ln_gamma(b + x)
                    - lg_b
                    - ln_gamma(a + b + x));
            if want {
                let dg_abx = digamma(a + b + x);
                g[0] += n * (digamma(r + x) - dg_r + ln_alpha);
                g[1] += n * r / alpha;
                g[2] += n * (dg_ab - dg_abx);
                g[3] += n * (dg_ab + digamma(b + x) - dg_b - dg_abx);
            }
        }
        for &(x, rec, t, n) in &self.rows {
            let (ln_at, rx) = ((alpha + t).ln(), r + x);
            let a3 = -rx * ln_at;
            if x == 0.0 {
                ll += n * a3;
                if want {
                    g[0] -= n * ln_at;
                    g[1] -= n * rx / (alpha + t);
                }
                continue;
            }
            let ln_ar = (alpha + rec).ln();
            let a4 = ln_a - (b + x - 1.0).ln() - rx * ln_ar;
            // ln(e^a3 + e^a4), and each term's share of it.
            let (high, low) = if a3 >= a4 { (a3, a4) } else { (a4, a3) };
            let e = (low - high).exp();
            ll += n * (high + e.ln_1p());
            if want {
                let share_low = e / (1.0 + e);
                let (w3, w4) = if a3 >= a4 {
                    (1.0 - share_low, share_low)
                } else {
                    (share_low, 1.0 - share_low)
                };
                g[0] -= n * (w3 * ln_at + w4 * ln_ar);
                g[1] -= n * rx * (w3 / (alpha + t) + w4 / (alpha + rec));
                g[2] += n * w4 / a;
                g[3] -= n * w4 / (b + x - 1.0);
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
            (2.0, 30.43, 38.86),
            (1.0, 1.71, 38.86),
            (0.0, 0.0, 38.86),
            (0.0, 0.0, 38.86),
            (7.0, 29.43, 38.86),
            (1.0, 5.0, 38.86),
            (2.0, 35.71, 38.86),
            (0.0, 0.0, 38.29),
            (5.0, 24.29, 38.29),
            (0.0, 0.0, 32.0),
        ]
        .iter()
        .map(|&(x, rec, t)| CustomerSummary::new(x, rec, t, if x > 0.0 { 20.0 } else { 0.0 }))
        .collect()
    }

    #[test]
    fn gradient_is_the_likelihoods_slope() {
        let data = Data::new(&population());
        crate::retention::minimise::assert_gradient(
            |p, g| data.log_likelihood(p, g),
            [0.7, 3.0, 1.3, 2.2],
        );
    }

    #[test]
    fn grouping_does_not_change_the_likelihood() {
        let customers = population();
        let p = [0.7, 3.0, 1.3, 2.2];
        let whole = Data::new(&customers).log_likelihood(&p, None);
        let one_by_one: f64 = customers
            .iter()
            .map(|c| Data::new(std::slice::from_ref(c)).log_likelihood(&p, None))
            .sum();
        assert!((whole - one_by_one).abs() < 1e-9 * whole.abs());
    }

    #[test]
    fn bad_populations_are_refused() {
        let err = BgNbd::fit(&[]).unwrap_err();
        assert!(err.to_string().contains("customers"), "{err}");
        let none_repeat = vec![CustomerSummary::new(0.0, 0.0, 10.0, 0.0); 3];
        let err = BgNbd::fit(&none_repeat).unwrap_err();
        assert!(
            err.to_string()
                .contains("no customer has a repeat purchase"),
            "{err}"
        );
        let mut bad = population();
        bad[4].t = f64::NAN;
        let err = BgNbd::fit(&bad).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid argument customers[4].T: NaN is not a finite number"
        );
    }

    #[test]
    fn a_of_one_is_the_limit_of_its_neighbours() {
        let c = CustomerSummary::new(2.0, 30.43, 38.86, 22.35);
        let new = CustomerSummary::new(0.0, 0.0, 38.86, 0.0);
        for customer in [c, new] {
            let at = |a: f64| {
                BgNbd {
                    r: 0.24,
                    alpha: 4.4,
                    a,
                    b: 2.4,
                }
                .expected_purchases(&customer, 52.0)
                .unwrap()
            };
            let (below, one, above) = (at(1.0 - 1e-3), at(1.0), at(1.0 + 1e-3));
            assert!(one.is_finite() && one > 0.0, "{one}");
            assert!(
                (one - (below + above) / 2.0).abs() < 1e-5 * one,
                "{below} {one} {above}"
            );
        }
    }

    #[test]
    fn limits_at_the_poles_and_huge_parameters() {
        // a + b = 1 without repeat purchases: the series' pole at c = 0.
        let new = CustomerSummary::new(0.0, 0.0, 30.0, 0.0);
        let at = |b: f64| {
            BgNbd {
                r: 1.0,
                alpha: 1.0,
                a: 0.5,
                b,
            }
            .expected_purchases(&new, 52.0)
            .unwrap()
        };
        let (pole, near) = (at(0.5), at(0.5 + 1e-4));
        assert!(
            pole.is_finite() && (pole - near).abs() < 1e-3 * near,
            "{pole} {near}"
        );
        // A fit at a limit gives b in the millions: still a value (mpmath: 4.55).
        let heavy = BgNbd {
            r: 0.5,
            alpha: 10.0,
            a: 1e-4,
            b: 1e6,
        };
        let value = heavy
            .expected_purchases(&CustomerSummary::new(3.0, 20.0, 30.0, 5.0), 52.0)
            .unwrap();
        assert!((value - 4.55).abs() < 0.01, "{value}");
    }

    #[test]
    fn bad_parameters_and_horizons_are_refused() {
        let c = CustomerSummary::new(2.0, 30.43, 38.86, 22.35);
        let model = BgNbd {
            r: 0.24,
            alpha: -4.4,
            a: 0.79,
            b: 2.4,
        };
        assert_eq!(
            model.p_alive(&c).unwrap_err().to_string(),
            "invalid argument bgnbd.alpha: -4.4 is not a positive finite number"
        );
        let model = BgNbd {
            alpha: 4.4,
            ..model
        };
        let err = model.expected_purchases(&c, f64::INFINITY).unwrap_err();
        assert!(
            err.to_string().starts_with("invalid argument horizon"),
            "{err}"
        );
        assert_eq!(model.expected_purchases(&c, 0.0).unwrap(), 0.0);
    }

    #[test]
    fn hundreds_of_purchases_stay_finite() {
        let model = BgNbd {
            r: 0.24,
            alpha: 4.4,
            a: 0.79,
            b: 2.4,
        };
        let heavy = CustomerSummary::new(800.0, 399.0, 400.0, 10.0);
        let alive = model.p_alive(&heavy).unwrap();
        assert!(alive > 0.99 && alive <= 1.0, "{alive}");
        for horizon in [1.0, 52.0, 1_000.0] {
            let expected = model.expected_purchases(&heavy, horizon).unwrap();
            // About two purchases a week, fewer as dropout accumulates.
            assert!(
                expected.is_finite() && expected > 0.0 && expected <= 2.1 * horizon,
                "{horizon}: {expected}"
            );
        }
        let mut customers = population();
        customers.push(heavy);
        let fit = BgNbd::fit(&customers).unwrap();
        assert!(fit.log_likelihood.is_finite());
    }
}
