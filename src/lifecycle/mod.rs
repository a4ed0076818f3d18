//! Lifecycle stages: models as data, rules, per-customer state and its history.
//!
//! Pure: values in, values out. A [`StageModel`] (compiled from a [`ModelConfig`], or
//! a preset) says which stages exist and which [rules] move customers between
//! them; a [`CustomerState`] holds one customer's stage, history and metrics;
//! [`step()`] (or [`CustomerState::apply`]) applies one event and
//! [`CustomerState::tick`] evaluates time-driven rules.
//!
//! ```
//! use ciclo::lifecycle::{self, StageModel};
//! use ciclo::model::{BuiltinKind, Currency, Event, Money, Timestamp};
//!
//! let model = StageModel::six_stage();
//! let at = Timestamp::parse("2026-03-01T10:00:00Z", "at")?;
//! let ars = Currency::parse("ARS", "currency")?;
//! let purchase = Event::new("cliente-7", at, BuiltinKind::Purchase)
//!     .with_amount(Money { minor: 125_000, currency: ars });
//! let (state, outcome) = lifecycle::step(&model, None, &purchase)?;
//! assert_eq!(model.stage_name(state.stage()), "conversion");
//! let rule = outcome.transition.unwrap().rule;
//! assert_eq!(model.rule(rule).name, "first_purchase");
//! # Ok::<(), ciclo::Error>(())
//! ```

mod combine;
pub mod condition;
pub mod config;
pub mod currencies;
pub mod metrics;
pub mod model;
pub mod presets;
pub mod profile;
pub mod recent_ids;
pub mod rules;
pub mod segments;
pub mod state;
pub mod step;

pub use condition::{AttributeTest, Condition, Evidence, Op};
pub use config::{
    AttributeConfig, AttributeType, ConditionConfig, ConditionValue, LeadScoringConfig,
    MetricSettings, ModelConfig, ProfilePointsConfig, RuleConfig, SegmentConfig, StageConfig,
};
pub use metrics::{Metric, Metrics};
pub use model::{RuleId, StageId, StageModel};
pub use profile::{
    AttributeDecl, AttributeId, AttributeSchema, AttributeSet, AttributeValue, Profile,
};
pub use rules::Rule;
pub use segments::{Segment, SegmentDelta, SegmentId, Segments};
pub use state::{
    Cause, CustomerState, StageChange, StageSpan, StateRecord, Transition, TransitionRecord,
};
pub use step::{step, Applied, Move, Outcome};

impl StageModel {
    /// The six-stage preset (the default), compiled.
    pub fn six_stage() -> StageModel {
        StageModel::compile(presets::six_stage()).expect("the six_stage preset is valid")
    }

    /// The five-stage preset, compiled.
    pub fn five_stage() -> StageModel {
        StageModel::compile(presets::five_stage()).expect("the five_stage preset is valid")
    }
}
