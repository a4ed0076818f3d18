//! What a CRM's dashboard asks of the lifecycle: how many customers are in
//! each stage, and how warm a lead is now.

use super::Engine;
use crate::error::Result;
use crate::lifecycle::Metric;
use crate::model::time::Timestamp;

/// A lead's score at a moment: the points of their events, decayed with the
/// model's half-life (`lead_scoring.half_life_days`), and whether it reaches
/// the qualification threshold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeadScore {
    /// The decayed score.
    pub score: f64,
    /// Whether `score` is at least the model's `lead_scoring.threshold`.
    pub qualified: bool,
}

impl Engine {
    /// A customer's lead score at `now` (the `lead_score` and
    /// `lead_qualified` metrics): decayed from their last scoring event to
    /// `now`, or to their watermark when `now` is earlier. A golden id
    /// retired by a merge answers for the customer it was merged into.
    /// Thread-safe.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`](crate::Error::NotFound) for an unknown customer.
    ///
    /// ```
    /// use ciclo::{json, Engine, StageModel};
    ///
    /// let engine = Engine::new(StageModel::six_stage());
    /// for (at, kind) in [("2026-03-01T10:00:00Z", "visit"), ("2026-03-01T10:05:00Z", "contact_captured")] {
    ///     let line = format!(r#"{{"customer": "eva", "at": "{at}", "kind": "{kind}"}}"#);
    ///     engine.apply(&json::event_from_json(&line)?)?;
    /// }
    /// let now = ciclo::model::Timestamp::parse("2026-03-01T10:05:00Z", "now")?;
    /// let later = ciclo::model::Timestamp::parse("2026-06-01T00:00:00Z", "now")?;
    /// let (fresh, cold) = (engine.lead_score("eva", now)?, engine.lead_score("eva", later)?);
    /// assert!(fresh.score > cold.score, "the score decays");
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn lead_score(&self, customer: &str, now: Timestamp) -> Result<LeadScore> {
        self.with_customer(customer, |state| {
            let score = state.metric(&self.model, Metric::LeadScore, now);
            let qualified = state.metric(&self.model, Metric::LeadQualified, now);
            LeadScore {
                score: score.unwrap_or(0.0),
                qualified: qualified == Some(1.0),
            }
        })
    }
}
