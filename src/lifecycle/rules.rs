//! Transition rules: what they are once validated, and which one fires.
//!
//! A rule fires for a customer when it is triggered (by the event's kind, by any
//! event, or by `tick`), the customer's current stage is among its `from` stages
//! (any stage when `from` is empty), its condition holds, its target differs from the
//! current stage, and the move is allowed: forward, or backward with
//! `allow_backward` (or in a model that is not `forward_only`). Among the rules that
//! could fire, the highest `priority` wins and ties go to the rule declared first.
//! At most one rule fires per event or tick.

use crate::lifecycle::condition::Condition;
use crate::lifecycle::metrics::{EvalContext, Metrics};
use crate::lifecycle::model::{RuleId, StageId, StageModel};

/// A validated transition rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// The rule's name.
    pub name: String,
    /// What it encodes.
    pub description: String,
    /// Bit `i` set when the rule applies to stage `i`.
    pub(crate) from: u64,
    /// Target stage.
    pub to: StageId,
    /// The condition; `None` is always true.
    pub condition: Option<Condition>,
    /// Priority; higher wins.
    pub priority: i32,
    /// May move backward in a forward-only model.
    pub allow_backward: bool,
}

impl Rule {
    /// Whether the rule applies to customers in `stage`.
    pub fn applies_to(&self, stage: StageId) -> bool {
        self.from & (1u64 << stage.index()) != 0
    }
}

/// The first rule among `candidates` (already sorted by priority) that fires for a
/// customer in `stage`.
pub(crate) fn select(
    model: &StageModel,
    candidates: &[RuleId],
    stage: StageId,
    metrics: &Metrics,
    ctx: &EvalContext<'_>,
) -> Option<RuleId> {
    candidates.iter().copied().find(|&id| {
        let rule = model.rule(id);
        rule.to != stage
            && rule.applies_to(stage)
            && (rule.to > stage || rule.allow_backward || !model.forward_only())
            && rule
                .condition
                .as_ref()
                .is_none_or(|c| c.holds(metrics, ctx))
    })
}
