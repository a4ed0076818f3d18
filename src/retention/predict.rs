//! One customer's predictions under both customer-base models: what the
//! `clv` command writes and `ciclo_models_predict_json` returns.

use super::bgnbd::BgNbd;
use super::clv::{lifetime_value, ClvOptions};
use super::gamma_gamma::GammaGamma;
use super::summary::CustomerSummary;
use crate::error::{Error, Result};

/// A customer's future under fitted models.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// [`BgNbd::p_alive`].
    pub p_alive: f64,
    /// [`BgNbd::expected_purchases`] over each horizon asked for, in order.
    pub expected_purchases: Vec<f64>,
    /// [`GammaGamma::expected_average_value`].
    pub expected_average_value: f64,
    /// [`lifetime_value`].
    pub clv: f64,
}

/// The customer's P(alive), expected purchases over each of `horizons`,
/// expected spend per purchase and lifetime value under `clv`, every one a
/// finite number.
///
/// ```
/// use ciclo::retention::{predict, BgNbd, ClvOptions, CustomerSummary, GammaGamma};
///
/// let bgnbd = BgNbd { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 };
/// let spend = GammaGamma { p: 6.248802, q: 3.744588, v: 15.447748 };
/// let c = CustomerSummary::new(2.0, 30.43, 38.86, 22.35);
/// let p = predict(&bgnbd, &spend, &c, &[30.0, 90.0], &ClvOptions::new(0.01, ClvOptions::WEEKS))?;
/// assert!((p.p_alive - 0.7266).abs() < 1e-4);
/// assert_eq!(p.expected_purchases.len(), 2);
/// # Ok::<(), ciclo::Error>(())
/// ```
///
/// # Errors
///
/// As each prediction, with [`Error::InvalidArgument`] naming
/// `horizons[j]` for a horizon the series cannot reach and `clv.months` for a
/// lifetime it cannot; and `models` when parameters at a numerical edge (near
/// 0 or infinity) give a value that is not finite.
pub fn predict(
    bgnbd: &BgNbd,
    spend: &GammaGamma,
    customer: &CustomerSummary,
    horizons: &[f64],
    clv: &ClvOptions,
) -> Result<Prediction> {
    let renamed = |field: String| {
        move |e: Error| match e {
            Error::InvalidArgument { field: f, message } if f == "horizon" => {
                Error::invalid(field.clone(), message)
            }
            other => other,
        }
    };
    let expected_purchases = horizons
        .iter()
        .enumerate()
        .map(|(j, &h)| {
            bgnbd
                .expected_purchases(customer, h)
                .map_err(renamed(format!("horizons[{j}]")))
        })
        .collect::<Result<Vec<_>>>()?;
    let prediction = Prediction {
        p_alive: bgnbd.p_alive(customer)?,
        expected_purchases,
        expected_average_value: spend.expected_average_value(customer)?,
        clv: lifetime_value(bgnbd, spend, customer, clv)
            .map_err(renamed("clv.months".to_string()))?,
    };
    let mut values = std::iter::once(("p_alive", prediction.p_alive))
        .chain(
            prediction
                .expected_purchases
                .iter()
                .map(|&e| ("expected_purchases", e)),
        )
        .chain([
            ("expected_average_value", prediction.expected_average_value),
            ("clv", prediction.clv),
        ]);
    if let Some((name, value)) = values.find(|(_, v)| !v.is_finite()) {
        return Err(Error::invalid(
            "models",
            format!(
                "the predicted {name} is {value}: these parameters are beyond what the model \
                 computes (parameters near 0 or infinity, or a horizon too far)"
            ),
        ));
    }
    Ok(prediction)
}
