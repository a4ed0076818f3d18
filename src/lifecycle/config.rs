//! The stage model as data: the serde shapes a CRM admin writes in JSON.
//!
//! A [`ModelConfig`] is only a description; [`StageModel::compile`] validates it and
//! turns it into the form the engine runs. Names (stages, rules, metrics, event kinds)
//! are plain strings here and are checked there, so every mistake gets an error that
//! names the rule and the field.
//!
//! [`StageModel::compile`]: crate::lifecycle::StageModel::compile

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

/// A whole lifecycle: stages in order, how customers move between them, lead scoring
/// and metric settings.
///
/// The order of `stages` is the lifecycle's direction: with `forward_only` (the
/// default, as CRM lifecycle properties behave) a rule may move a customer only to a
/// later stage unless the rule says `allow_backward`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// Name of the model (`six_stage`, `five_stage`, or the admin's own).
    pub name: String,
    /// The stages, first to last.
    pub stages: Vec<StageConfig>,
    /// The stage a customer enters with their first event; the first stage if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial: Option<String>,
    /// Whether moves to an earlier stage need `allow_backward` on the rule.
    #[serde(default = "yes")]
    pub forward_only: bool,
    /// Names of the custom event kinds the host may send, besides the built-in ones.
    #[serde(default)]
    pub custom_events: Vec<String>,
    /// Lead scoring: points per event kind, decay and qualification threshold.
    #[serde(default)]
    pub lead_scoring: LeadScoringConfig,
    /// Windows and half-lives of the windowed metrics.
    #[serde(default)]
    pub metrics: MetricSettings,
    /// The transition rules.
    pub rules: Vec<RuleConfig>,
    /// The currency (ISO 4217, `"ARS"`) the money metrics of rule conditions
    /// are read in when a condition names none; absent, each customer's
    /// first currency (see [`currencies`](crate::lifecycle::currencies)). A
    /// deployment taking several currencies should set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

fn yes() -> bool {
    true
}

/// One stage of the lifecycle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StageConfig {
    /// The stage's name, unique in the model (`conversion`).
    pub name: String,
    /// What the stage means, for people.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A transition rule: when it is evaluated (`on`), from which stages (`from`), under
/// which condition (`when`), to which stage (`to`).
///
/// When several rules could fire, the one with the highest `priority` wins; among
/// equal priorities, the one declared first. At most one rule fires per event or
/// tick.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// The rule's name, unique in the model; transitions record it.
    pub name: String,
    /// What the rule encodes, for people.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The stages the rule applies to; empty means every stage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<String>,
    /// The stage the rule moves the customer to.
    pub to: String,
    /// When the rule is evaluated: event kind names, `"any_event"`, and/or `"tick"`.
    /// A single string is accepted for a single trigger.
    #[serde(deserialize_with = "one_or_many")]
    #[cfg_attr(
        feature = "schema",
        schemars(schema_with = "crate::json::schema::scalars::one_or_many")
    )]
    pub on: Vec<String>,
    /// The condition over metrics; always true when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ConditionConfig>,
    /// Higher wins when several rules could fire.
    #[serde(default)]
    pub priority: i32,
    /// Allows this rule to move a customer to an earlier stage in a `forward_only`
    /// model (for example reactivation -> conversion on a win-back purchase).
    #[serde(default)]
    pub allow_backward: bool,
}

/// The trigger name that makes a rule evaluate on every event.
pub const ON_ANY_EVENT: &str = "any_event";
/// The trigger name that makes a rule evaluate on `tick`.
pub const ON_TICK: &str = "tick";

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    match OneOrMany::deserialize(d) {
        Ok(OneOrMany::One(s)) => Ok(vec![s]),
        Ok(OneOrMany::Many(v)) => Ok(v),
        Err(_) => Err(serde::de::Error::custom(
            "expected a trigger name or an array of trigger names",
        )),
    }
}

/// A condition over metrics. Exactly one form per object:
///
/// - `{"all": [c, ...]}`: every condition holds (true when empty);
/// - `{"any": [c, ...]}`: at least one holds (false when empty);
/// - `{"not": c}`;
/// - `{"metric": "purchase_count", "op": ">=", "value": 2}`, with `op` one of
///   `<`, `<=`, `>`, `>=`, `==`, `!=`, and for `revenue`,
///   `average_order_value`, `event.amount` and `purchase_count` an optional
///   `"currency": "USD"` (see [`currencies`](crate::lifecycle::currencies)).
///
/// A comparison on a metric that has no value yet (`days_since_last_purchase` of a
/// customer who never bought) is false, whatever the operator; `not` turns it true.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConditionConfig {
    /// Conjunction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<ConditionConfig>>,
    /// Disjunction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<ConditionConfig>>,
    /// Negation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<ConditionConfig>>,
    /// Metric of a comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// Operator of a comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    /// Constant of a comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// The currency a comparison of money reads (ISO 4217, `"USD"`); absent,
    /// the model's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

impl ConditionConfig {
    /// `{"metric": metric, "op": op, "value": value}`.
    pub fn cmp(metric: &str, op: &str, value: f64) -> ConditionConfig {
        ConditionConfig {
            metric: Some(metric.to_string()),
            op: Some(op.to_string()),
            value: Some(value),
            ..ConditionConfig::default()
        }
    }

    /// `{"all": conditions}`.
    pub fn all(conditions: Vec<ConditionConfig>) -> ConditionConfig {
        ConditionConfig {
            all: Some(conditions),
            ..ConditionConfig::default()
        }
    }

    /// `{"any": conditions}`.
    pub fn any(conditions: Vec<ConditionConfig>) -> ConditionConfig {
        ConditionConfig {
            any: Some(conditions),
            ..ConditionConfig::default()
        }
    }

    /// `{"not": condition}`.
    pub fn negate(condition: ConditionConfig) -> ConditionConfig {
        ConditionConfig {
            not: Some(Box::new(condition)),
            ..ConditionConfig::default()
        }
    }
}

/// Lead scoring: each event adds the points of its kind to a score that decays with
/// a half-life; a lead is qualified while its score is at least `threshold`
/// (metric `lead_qualified`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LeadScoringConfig {
    /// Points per event kind (negative points are allowed: `unsubscribe`). A
    /// kind named twice is an error.
    #[serde(default, deserialize_with = "crate::model::serde_maps::unique_map")]
    pub points: BTreeMap<String, f64>,
    /// Half-life of the score in days; no decay when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub half_life_days: Option<f64>,
    /// Score at which a lead is qualified.
    pub threshold: f64,
}

impl Default for LeadScoringConfig {
    fn default() -> Self {
        let points = [
            ("visit", 2.0),
            ("contact_captured", 10.0),
            ("trial_requested", 20.0),
            ("demo_requested", 20.0),
            ("outreach", 1.0),
            ("offer_accepted", 5.0),
            ("unsubscribe", -20.0),
        ];
        LeadScoringConfig {
            points: points.iter().map(|&(k, v)| (k.to_string(), v)).collect(),
            half_life_days: Some(30.0),
            threshold: 15.0,
        }
    }
}

/// Settings of the windowed and trend metrics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct MetricSettings {
    /// Window of `complaints_in_window`, `tickets_in_window` and
    /// `payment_failures_in_window`, in days.
    pub window_days: f64,
    /// Half-life of the recent usage average, in days.
    pub usage_recent_half_life_days: f64,
    /// Half-life of the trailing usage average, in days.
    pub usage_trailing_half_life_days: f64,
}

impl Default for MetricSettings {
    fn default() -> Self {
        MetricSettings {
            window_days: 90.0,
            usage_recent_half_life_days: 14.0,
            usage_trailing_half_life_days: 90.0,
        }
    }
}
