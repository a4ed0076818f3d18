//! The retention configuration as the host writes it (JSON through
//! `ciclo::json`), before [`Triggers::compile`](super::Triggers::compile)
//! validates it.

use serde::{Deserialize, Serialize};

use super::churn::ChurnComponent;
use super::winback::WinBackConfig;
use crate::lifecycle::ConditionValue;

/// Retention triggers, the churn score and what the signals need.
///
/// `TriggerConfig::default()` holds the default rules
/// ([`TriggerConfig::default_rules`]) and the default churn score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TriggerConfig {
    /// The rules, in any order (priority decides).
    pub rules: Vec<RuleConfig>,
    /// The churn score's components; the defaults of
    /// [`ChurnScore::default_components`](super::ChurnScore::default_components)
    /// when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub churn: Option<Vec<ChurnComponent>>,
    /// The contract term in days, for the `days_to_renewal` signal (absent: the
    /// signal has no value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_term_days: Option<f64>,
    /// At most this many firings per customer over all rules in any period,
    /// whatever each rule allows: no customer is spammed. Default: 2 in 30
    /// days.
    #[serde(default = "default_contact_cap")]
    pub contact_cap: CapConfig,
    /// At most this many rules fire for one customer at one evaluation, the
    /// highest priorities first. Default 1: one action at a time.
    #[serde(default = "default_max_per_evaluation")]
    pub max_per_evaluation: u32,
    /// When a customer has lapsed, and the reactivation rate assumed before
    /// outcomes are recorded.
    #[serde(default)]
    pub win_back: WinBackConfig,
    /// The currency (ISO 4217, `"ARS"`) the `revenue` signal and win-back
    /// values are read in when a condition names none; absent, the stage
    /// model's `currency`, else each customer's first currency (see
    /// [`currencies`](crate::lifecycle::currencies)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

fn default_contact_cap() -> CapConfig {
    CapConfig {
        count: 2,
        period_days: 30.0,
    }
}

fn default_max_per_evaluation() -> u32 {
    1
}

/// A cap: at most `count` firings within any `period_days` days.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CapConfig {
    /// Firings allowed in the period.
    pub count: u32,
    /// The period, in days.
    pub period_days: f64,
}

/// One trigger rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// The rule's name, unique: what a firing names and what cooldowns count.
    pub name: String,
    /// The condition over signals; always true when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<SignalConditionConfig>,
    /// The lifecycle stages the rule applies in (names of the stage model);
    /// every stage when empty or absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<String>,
    /// What to do: `loyalty_program`, `exclusive_benefit`, `discount`,
    /// `personal_outreach`, `win_back_offer`, or a custom action name
    /// (lowercase letters, digits, `_`, `-`, `.`; at most 64).
    pub action: String,
    /// Higher fires first when several rules hold at once.
    #[serde(default)]
    pub priority: i32,
    /// After firing for a customer, the rule stays silent for them this many
    /// days. Default 0.
    #[serde(default)]
    pub cooldown_days: f64,
    /// At most this many firings of this rule per customer in any period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<CapConfig>,
}

/// A condition over signals and host attributes. Exactly one form per
/// object:
///
/// - `{"all": [c, ...]}`: every condition holds (true when empty);
/// - `{"any": [c, ...]}`: at least one holds (false when empty);
/// - `{"not": c}`;
/// - `{"signal": "recency_ratio", "op": ">=", "value": 2}`, with `op` one of
///   `<`, `<=`, `>`, `>=`, `==`, `!=`, and for `revenue` and
///   `purchase_count` an optional `"currency": "USD"`: the revenue or the
///   purchases in that currency;
/// - `{"attribute": "credit_situation", "in": ["3", "4", "5", "6"]}` or
///   `{"attribute": "employees", "op": ">=", "value": 250}`: a host attribute
///   the stage model declares, tested as stage rules and segments test it
///   (see [`ConditionConfig`](crate::lifecycle::ConditionConfig): text and
///   category attributes with `==`, `!=` or `in`, numbers with any
///   operator, dates with a `"YYYY-MM-DD"` string).
///
/// A comparison on a signal without a value is false, whatever the operator,
/// and so is a test of an attribute the customer does not have; `not` turns
/// either true.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SignalConditionConfig {
    /// Conjunction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<SignalConditionConfig>>,
    /// Disjunction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<SignalConditionConfig>>,
    /// Negation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<SignalConditionConfig>>,
    /// Signal of a comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<String>,
    /// Host attribute of a test (instead of a signal): one the stage model
    /// declares in its `attributes`.
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
    /// The currency of a comparison of `revenue` or `purchase_count` (ISO
    /// 4217, `"USD"`); absent, the configuration's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

impl SignalConditionConfig {
    /// `{"signal": signal, "op": op, "value": value}`.
    pub fn cmp(signal: &str, op: &str, value: f64) -> SignalConditionConfig {
        SignalConditionConfig {
            signal: Some(signal.to_string()),
            op: Some(op.to_string()),
            value: Some(ConditionValue::Number(value)),
            ..SignalConditionConfig::default()
        }
    }

    /// `{"attribute": attribute, "op": op, "value": value}`.
    pub fn attr(
        attribute: &str,
        op: &str,
        value: impl Into<ConditionValue>,
    ) -> SignalConditionConfig {
        SignalConditionConfig {
            attribute: Some(attribute.to_string()),
            op: Some(op.to_string()),
            value: Some(value.into()),
            ..SignalConditionConfig::default()
        }
    }

    /// `{"attribute": attribute, "in": values}`.
    pub fn attr_in<S: AsRef<str>>(attribute: &str, values: &[S]) -> SignalConditionConfig {
        SignalConditionConfig {
            attribute: Some(attribute.to_string()),
            one_of: Some(values.iter().map(|v| v.as_ref().to_string()).collect()),
            ..SignalConditionConfig::default()
        }
    }

    /// `{"all": conditions}`.
    pub fn all(conditions: Vec<SignalConditionConfig>) -> SignalConditionConfig {
        SignalConditionConfig {
            all: Some(conditions),
            ..SignalConditionConfig::default()
        }
    }

    /// `{"any": conditions}`.
    pub fn any(conditions: Vec<SignalConditionConfig>) -> SignalConditionConfig {
        SignalConditionConfig {
            any: Some(conditions),
            ..SignalConditionConfig::default()
        }
    }
}

impl Default for TriggerConfig {
    fn default() -> Self {
        TriggerConfig {
            rules: TriggerConfig::default_rules(),
            churn: None,
            contract_term_days: None,
            contact_cap: default_contact_cap(),
            max_per_evaluation: default_max_per_evaluation(),
            win_back: WinBackConfig::default(),
            currency: None,
        }
    }
}

impl TriggerConfig {
    /// The default rules, for any stage model (none names a stage):
    ///
    /// | rule | when | action | priority | cooldown |
    /// |---|---|---|---|---|
    /// | `discontent` | not cancelled, and 2+ complaints in the window, or satisfaction down 20+ points, or 2+ open tickets | `personal_outreach` | 90 | 30 days, 2 in 180 |
    /// | `churn_risk_high` | not cancelled, `churn_risk` ≥ 0.7 | `personal_outreach` | 85 | 30 days |
    /// | `payment_trouble` | not cancelled, 2+ payment failures in the window | `personal_outreach` | 80 | 14 days |
    /// | `renewal_coming` | renewal in 0 – 30 days, a year of tenure | `exclusive_benefit` | 70 | 60 days |
    /// | `slipping_away` | not cancelled, 2+ purchases, 2 – 4 usual intervals late | `discount` | 60 | 45 days |
    /// | `usage_decline` | not cancelled, usage down by half or more | `personal_outreach` | 50 | 30 days |
    /// | `win_back` | cancelled 30+ days ago, or 2+ purchases and 4+ usual intervals late | `win_back_offer` | 40 | 90 days, 3 in 365 |
    /// | `loyal_customer` | not cancelled, a year of tenure, 5+ purchases, churn risk below 0.3 | `loyalty_program` | 20 | 180 days |
    pub fn default_rules() -> Vec<RuleConfig> {
        use SignalConditionConfig as C;
        let active = || C::cmp("cancelled", "==", 0.0);
        let rule = |name: &str, when, action: &str, priority, cooldown_days, cap| RuleConfig {
            name: name.into(),
            when: Some(when),
            stages: Vec::new(),
            action: action.into(),
            priority,
            cooldown_days,
            cap,
        };
        vec![
            rule(
                "discontent",
                C::all(vec![
                    active(),
                    C::any(vec![
                        C::cmp("complaints_in_window", ">=", 2.0),
                        C::cmp("satisfaction_drop", ">=", 20.0),
                        C::cmp("open_tickets", ">=", 2.0),
                    ]),
                ]),
                "personal_outreach",
                90,
                30.0,
                Some(CapConfig {
                    count: 2,
                    period_days: 180.0,
                }),
            ),
            rule(
                "churn_risk_high",
                C::all(vec![active(), C::cmp("churn_risk", ">=", 0.7)]),
                "personal_outreach",
                85,
                30.0,
                None,
            ),
            rule(
                "payment_trouble",
                C::all(vec![
                    active(),
                    C::cmp("payment_failures_in_window", ">=", 2.0),
                ]),
                "personal_outreach",
                80,
                14.0,
                None,
            ),
            rule(
                "renewal_coming",
                C::all(vec![
                    C::cmp("days_to_renewal", ">=", 0.0),
                    C::cmp("days_to_renewal", "<=", 30.0),
                    C::cmp("tenure_days", ">=", 365.0),
                ]),
                "exclusive_benefit",
                70,
                60.0,
                None,
            ),
            rule(
                "slipping_away",
                C::all(vec![
                    active(),
                    C::cmp("purchase_count", ">=", 2.0),
                    C::cmp("recency_ratio", ">=", 2.0),
                    C::cmp("recency_ratio", "<", 4.0),
                ]),
                "discount",
                60,
                45.0,
                None,
            ),
            rule(
                "usage_decline",
                C::all(vec![active(), C::cmp("usage_decline", ">=", 0.5)]),
                "personal_outreach",
                50,
                30.0,
                None,
            ),
            rule(
                "win_back",
                C::any(vec![
                    C::all(vec![
                        C::cmp("cancelled", "==", 1.0),
                        C::cmp("days_since_cancellation", ">=", 30.0),
                    ]),
                    C::all(vec![
                        C::cmp("purchase_count", ">=", 2.0),
                        C::cmp("recency_ratio", ">=", 4.0),
                    ]),
                ]),
                "win_back_offer",
                40,
                90.0,
                Some(CapConfig {
                    count: 3,
                    period_days: 365.0,
                }),
            ),
            rule(
                "loyal_customer",
                C::all(vec![
                    active(),
                    C::cmp("tenure_days", ">=", 365.0),
                    C::cmp("purchase_count", ">=", 5.0),
                    C::cmp("churn_risk", "<", 0.3),
                ]),
                "loyalty_program",
                20,
                180.0,
                None,
            ),
        ]
    }
}
