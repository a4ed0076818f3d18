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
    /// Host attributes customers carry (`province`, `income_band`,
    /// `credit_situation`...), by name, each with its type: see
    /// [`AttributeConfig`] and [`profile`](crate::lifecycle::profile). A name
    /// given twice is an error.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::model::serde_maps::unique_map"
    )]
    pub attributes: BTreeMap<String, AttributeConfig>,
    /// Rule segments over attributes, metrics and stage: see
    /// [`SegmentConfig`] and [`segments`](crate::lifecycle::segments).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<SegmentConfig>,
}

/// The type of a host attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttributeType {
    /// Any text (`industry`).
    Text,
    /// A finite number, optionally within `min` and `max` (`employees`).
    Number,
    /// A calendar date, written `YYYY-MM-DD` (`birth_date`).
    Date,
    /// One of the declared `values` (`province`, `income_band`,
    /// `credit_situation`).
    Category,
}

/// A host attribute's declaration: its type and what values it admits.
///
/// ```json
/// {"type": "category", "values": ["1", "2", "3", "4", "5", "6"],
///  "description": "BCRA debtor situation"}
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AttributeConfig {
    /// The type.
    #[serde(rename = "type")]
    pub kind: AttributeType,
    /// The allowed values of a `category` (required there, at least one,
    /// no repeats; not allowed for other types).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// The least value of a `number`, if bounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// The greatest value of a `number`, if bounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// What the attribute means, for people.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

impl AttributeConfig {
    /// An attribute of `kind` with no values, bounds nor description.
    pub fn of(kind: AttributeType) -> AttributeConfig {
        AttributeConfig {
            kind,
            values: Vec::new(),
            min: None,
            max: None,
            description: String::new(),
        }
    }

    /// A `category` with these values.
    pub fn category<S: AsRef<str>>(values: &[S]) -> AttributeConfig {
        AttributeConfig {
            values: values.iter().map(|v| v.as_ref().to_string()).collect(),
            ..AttributeConfig::of(AttributeType::Category)
        }
    }
}

/// A rule segment: the customers in `stages` (any stage when empty) whose
/// condition `when` holds (always, when absent).
///
/// ```json
/// {"name": "cordoba_smes", "stages": ["growth", "retention"],
///  "when": {"all": [{"attribute": "province", "op": "==", "value": "Córdoba"},
///                   {"attribute": "employees", "op": "<", "value": 250}]}}
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SegmentConfig {
    /// The segment's name, unique in the model.
    pub name: String,
    /// What the segment is, for people.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The stages its members are in; empty means every stage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<String>,
    /// The condition over attributes and metrics (not `event.*` metrics,
    /// which only an event has).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<ConditionConfig>,
}

/// Profile (firmographic) lead scoring: `points` added to the lead score
/// while the condition over attributes `when` holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProfilePointsConfig {
    /// A condition that reads attributes only (no metric).
    pub when: ConditionConfig,
    /// The points (negative allowed), at most `MAX_LEAD_POINTS` in absolute
    /// value.
    pub points: f64,
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
///   `"currency": "USD"` (see [`currencies`](crate::lifecycle::currencies));
/// - `{"attribute": "employees", "op": ">=", "value": 50}`: a host attribute
///   the model declares (see [`profile`](crate::lifecycle::profile)): a
///   `number` compares with a number, a `date` with a `"YYYY-MM-DD"` string
///   (any operator), a `text` or `category` with a string (`==` or `!=`; a
///   category's value must be one it declares);
/// - `{"attribute": "credit_situation", "in": ["3", "4", "5", "6"]}`: a text
///   or category attribute is one of the strings.
///
/// A comparison on a metric that has no value yet (`days_since_last_purchase` of a
/// customer who never bought), or on an attribute the customer does not have, is
/// false, whatever the operator; `not` turns it true.
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
    /// Host attribute of a comparison (instead of a metric).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    /// Operator of a comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    /// Constant of a comparison: a number, or a string for a text, category
    /// or date attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<ConditionValue>,
    /// The strings a text or category attribute may be one of (instead of
    /// `op` and `value`).
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<String>>,
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
            value: Some(ConditionValue::Number(value)),
            ..ConditionConfig::default()
        }
    }

    /// `{"attribute": attribute, "op": op, "value": value}`.
    pub fn attr(attribute: &str, op: &str, value: impl Into<ConditionValue>) -> ConditionConfig {
        ConditionConfig {
            attribute: Some(attribute.to_string()),
            op: Some(op.to_string()),
            value: Some(value.into()),
            ..ConditionConfig::default()
        }
    }

    /// `{"attribute": attribute, "in": values}`.
    pub fn attr_in<S: AsRef<str>>(attribute: &str, values: &[S]) -> ConditionConfig {
        ConditionConfig {
            attribute: Some(attribute.to_string()),
            one_of: Some(values.iter().map(|v| v.as_ref().to_string()).collect()),
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

/// The constant of a comparison: a number, or a string (for a text, category
/// or date attribute).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum ConditionValue {
    /// A number.
    Number(f64),
    /// A string.
    Text(String),
}

impl From<f64> for ConditionValue {
    fn from(value: f64) -> Self {
        ConditionValue::Number(value)
    }
}

impl From<&str> for ConditionValue {
    fn from(value: &str) -> Self {
        ConditionValue::Text(value.to_string())
    }
}

impl<'de> Deserialize<'de> for ConditionValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = ConditionValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number or a string")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<ConditionValue, E> {
                Ok(ConditionValue::Number(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ConditionValue, E> {
                Ok(ConditionValue::Number(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ConditionValue, E> {
                Ok(ConditionValue::Number(v as f64))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ConditionValue, E> {
                Ok(ConditionValue::Text(v.to_string()))
            }
        }
        d.deserialize_any(Visit)
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
    /// Profile scoring: points the lead score carries while a condition over
    /// the customer's attributes holds (`{"when": {"attribute":
    /// "employees", "op": ">=", "value": 50}, "points": 10}`), added to the
    /// decayed event points without decaying.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profile: Vec<ProfilePointsConfig>,
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
            profile: Vec::new(),
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
