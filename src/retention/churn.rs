//! A transparent churn-risk score: signals mapped to a risk each, averaged
//! with configurable weights.

use serde::{Deserialize, Serialize};

use super::signals::{Signal, Signals};
use crate::error::{Error, Result};

/// One signal's part of the churn score: its risk rises linearly from 0 at
/// `low` to 1 at `high` (or falls, when `high` is below `low`: `p_alive`
/// from 1 to 0.2), clamped to [0, 1], and counts `weight` times.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ChurnComponent {
    /// The signal read.
    pub signal: Signal,
    /// The value at which the signal's risk is 0.
    pub low: f64,
    /// The value at which the signal's risk is 1.
    pub high: f64,
    /// How much this signal counts against the others.
    pub weight: f64,
}

/// The churn-risk score: the weighted mean of its components' risks over the
/// components whose signal has a value, in [0, 1].
///
/// ```
/// use ciclo::retention::{ChurnComponent, ChurnScore, Signal, Signals};
///
/// let score = ChurnScore::new(vec![
///     ChurnComponent { signal: Signal::RecencyRatio, low: 1.0, high: 3.0, weight: 3.0 },
///     ChurnComponent { signal: Signal::ComplaintsInWindow, low: 0.0, high: 3.0, weight: 1.0 },
/// ])?;
/// let mut signals = Signals::empty();
/// signals.set(Signal::RecencyRatio, Some(2.0)); // twice the usual interval: risk 0.5
/// signals.set(Signal::ComplaintsInWindow, Some(3.0)); // risk 1
/// let risk = score.assess(&signals);
/// assert_eq!(risk.score, Some((3.0 * 0.5 + 1.0 * 1.0) / 4.0));
/// assert_eq!(risk.parts[0].contribution, 3.0 * 0.5 / 4.0);
/// # Ok::<(), ciclo::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ChurnScore {
    components: Vec<ChurnComponent>,
}

/// A customer's churn risk with its explanation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChurnRisk {
    /// The score in [0, 1]; `None` when no component's signal has a value.
    pub score: Option<f64>,
    /// Every component, in the score's order, with what it read and added.
    pub parts: Vec<ChurnPart>,
}

/// One component's part in a customer's churn risk.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ChurnPart {
    /// The signal.
    pub signal: Signal,
    /// Its value, `None` when the customer has none (the component is left out).
    pub value: Option<f64>,
    /// The risk the value maps to, in [0, 1].
    pub risk: Option<f64>,
    /// The component's weight.
    pub weight: f64,
    /// What it added to the score: `weight · risk / Σ weights of the
    /// components with a value`. The contributions sum to the score (to the
    /// last bits).
    pub contribution: f64,
}

impl ChurnScore {
    /// A score over `components`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming `churn[i]` for a weight that is not
    /// positive and finite, bounds that are not finite or equal, a component
    /// on `churn_risk` itself, or a signal weighed twice.
    pub fn new(components: Vec<ChurnComponent>) -> Result<ChurnScore> {
        for (i, c) in components.iter().enumerate() {
            let field = format!("churn[{i}]");
            if !(c.weight.is_finite() && c.weight > 0.0) {
                return Err(Error::config(
                    format!("{field}.weight"),
                    format!("{} is not a positive finite weight", c.weight),
                ));
            }
            if !(c.low.is_finite() && c.high.is_finite()) || c.low == c.high {
                return Err(Error::config(
                    field,
                    format!(
                        "low ({}) and high ({}) must be finite and different",
                        c.low, c.high
                    ),
                ));
            }
            if c.signal == Signal::ChurnRisk {
                return Err(Error::config(
                    format!("{field}.signal"),
                    "the churn score cannot weigh itself",
                ));
            }
            if components[..i].iter().any(|d| d.signal == c.signal) {
                return Err(Error::config(
                    format!("{field}.signal"),
                    format!("`{}` is weighed twice", c.signal.name()),
                ));
            }
        }
        Ok(ChurnScore { components })
    }

    /// The default score: lateness against the customer's own rhythm
    /// (`recency_ratio` 1 → 3, weight 3), the BG/NBD probability of being
    /// alive when models are set (`p_alive` 1 → 0.2, weight 3), satisfaction
    /// lost (`satisfaction_drop` 0 → 30 points, weight 2), complaints (0 → 3 in
    /// the window, weight 2), payment failures (0 → 2, weight 2), usage lost
    /// (`usage_decline` 0 → 0.7, weight 2), open tickets (0 → 3, weight 1) and a
    /// cancellation (`cancelled` 0 → 1, weight 4).
    pub fn default_components() -> Vec<ChurnComponent> {
        let c = |signal, low, high, weight| ChurnComponent {
            signal,
            low,
            high,
            weight,
        };
        vec![
            c(Signal::RecencyRatio, 1.0, 3.0, 3.0),
            c(Signal::PAlive, 1.0, 0.2, 3.0),
            c(Signal::SatisfactionDrop, 0.0, 30.0, 2.0),
            c(Signal::ComplaintsInWindow, 0.0, 3.0, 2.0),
            c(Signal::PaymentFailuresInWindow, 0.0, 2.0, 2.0),
            c(Signal::UsageDecline, 0.0, 0.7, 2.0),
            c(Signal::OpenTickets, 0.0, 3.0, 1.0),
            c(Signal::Cancelled, 0.0, 1.0, 4.0),
        ]
    }

    /// The components.
    pub fn components(&self) -> &[ChurnComponent] {
        &self.components
    }

    /// The score alone, [`ChurnRisk::score`] of [`ChurnScore::assess`]
    /// without building the explanation.
    pub fn score(&self, signals: &Signals) -> Option<f64> {
        let (mut weighted, mut total) = (0.0, 0.0);
        for c in &self.components {
            if let Some(v) = signals.get(c.signal) {
                weighted += c.weight * ((v - c.low) / (c.high - c.low)).clamp(0.0, 1.0);
                total += c.weight;
            }
        }
        (total > 0.0).then(|| (weighted / total).clamp(0.0, 1.0))
    }

    /// The customer's churn risk from their signals, explained.
    pub fn assess(&self, signals: &Signals) -> ChurnRisk {
        let mut parts: Vec<ChurnPart> = self
            .components
            .iter()
            .map(|c| {
                let value = signals.get(c.signal);
                ChurnPart {
                    signal: c.signal,
                    value,
                    risk: value.map(|v| ((v - c.low) / (c.high - c.low)).clamp(0.0, 1.0)),
                    weight: c.weight,
                    contribution: 0.0,
                }
            })
            .collect();
        let total: f64 = parts
            .iter()
            .filter(|p| p.risk.is_some())
            .map(|p| p.weight)
            .sum();
        if total == 0.0 {
            return ChurnRisk { score: None, parts };
        }
        for p in &mut parts {
            if let Some(risk) = p.risk {
                p.contribution = p.weight * risk / total;
            }
        }
        ChurnRisk {
            score: self.score(signals),
            parts,
        }
    }
}

impl Default for ChurnScore {
    fn default() -> Self {
        ChurnScore {
            components: ChurnScore::default_components(),
        }
    }
}
