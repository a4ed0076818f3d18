//! The built-in stage models.
//!
//! - [`six_stage`] (the default): awareness -> acquisition -> conversion -> growth ->
//!   retention -> reactivation, the marketing view of the customer life cycle.
//! - [`five_stage`]: first_contact -> first_purchase -> delivery -> after_sales ->
//!   renewal, the data-management view that follows an order through service.
//!
//! Both are ordinary [`ModelConfig`] values: a host can print one as JSON, edit it and
//! load it back as a custom model.

use std::collections::BTreeMap;

use crate::lifecycle::config::{
    ConditionConfig as C, LeadScoringConfig, MetricSettings, ModelConfig, RuleConfig, StageConfig,
    ON_TICK,
};

/// Names of the built-in presets, the default first.
pub const PRESETS: &[&str] = &["six_stage", "five_stage"];

/// The preset with this name.
pub fn preset(name: &str) -> Option<ModelConfig> {
    match name {
        "six_stage" => Some(six_stage()),
        "five_stage" => Some(five_stage()),
        _ => None,
    }
}

fn stage(name: &str, description: &str) -> StageConfig {
    StageConfig {
        name: name.into(),
        description: description.into(),
    }
}

#[allow(clippy::too_many_arguments)]
fn rule(
    name: &str,
    description: &str,
    from: &[&str],
    to: &str,
    on: &[&str],
    when: Option<C>,
    priority: i32,
    allow_backward: bool,
) -> RuleConfig {
    RuleConfig {
        name: name.into(),
        description: description.into(),
        from: from.iter().map(|s| s.to_string()).collect(),
        to: to.into(),
        on: on.iter().map(|s| s.to_string()).collect(),
        when,
        priority,
        allow_backward,
    }
}

/// The six-stage marketing life cycle, the default model.
///
/// | rule | from | to | when |
/// |---|---|---|---|
/// | `qualified_lead` | awareness | acquisition | a visit, contact capture, trial or demo request, with contact data captured and lead score >= threshold (15) |
/// | `first_purchase` | awareness, acquisition | conversion | a purchase |
/// | `cross_sell` | conversion | growth | a purchase in a category never bought before |
/// | `repeat_purchase` | conversion | growth | a purchase, the second or later |
/// | `loyal_tenure` | growth | retention | tick, purchase or renewal: 180 days since the first purchase, and a purchase or renewal in the last 90 days |
/// | `cancelled` | conversion, growth, retention | reactivation | a cancellation |
/// | `lapsed` | conversion, growth, retention | reactivation | tick: no purchase for 3 usual intervals (and 30 days at least), or 180 days for one-time buyers; and no renewal in 45 days |
/// | `win_back` | reactivation | conversion (backward) | a purchase or renewal |
pub fn six_stage() -> ModelConfig {
    let active = &["conversion", "growth", "retention"];
    ModelConfig {
        name: "six_stage".into(),
        stages: vec![
            stage(
                "awareness",
                "Knows the brand: visits, content, first contact.",
            ),
            stage(
                "acquisition",
                "Qualified lead: contact data and enough interest.",
            ),
            stage("conversion", "First purchase made."),
            stage(
                "growth",
                "Buys again or across categories (cross-sell, up-sell).",
            ),
            stage("retention", "Loyal customer with tenure."),
            stage("reactivation", "Lapsed or cancelled: to be won back."),
        ],
        initial: None,
        forward_only: true,
        custom_events: Vec::new(),
        lead_scoring: LeadScoringConfig::default(),
        metrics: MetricSettings::default(),
        rules: vec![
            rule(
                "qualified_lead",
                "Contact data captured and lead score at the qualification threshold.",
                &["awareness"],
                "acquisition",
                &[
                    "visit",
                    "contact_captured",
                    "trial_requested",
                    "demo_requested",
                ],
                Some(C::all(vec![
                    C::cmp("contact_captured", "==", 1.0),
                    C::cmp("lead_qualified", "==", 1.0),
                ])),
                10,
                false,
            ),
            rule(
                "first_purchase",
                "The first purchase converts a prospect into a customer.",
                &["awareness", "acquisition"],
                "conversion",
                &["purchase"],
                None,
                20,
                false,
            ),
            rule(
                "cross_sell",
                "A purchase in a category the customer never bought before.",
                &["conversion"],
                "growth",
                &["purchase"],
                Some(C::cmp("event.new_category", "==", 1.0)),
                31,
                false,
            ),
            rule(
                "repeat_purchase",
                "A repeat purchase.",
                &["conversion"],
                "growth",
                &["purchase"],
                Some(C::cmp("purchase_count", ">=", 2.0)),
                30,
                false,
            ),
            rule(
                "loyal_tenure",
                "Half a year since the first purchase, still buying or renewing.",
                &["growth"],
                "retention",
                &[ON_TICK, "purchase", "renewal"],
                Some(C::all(vec![
                    C::cmp("tenure_days", ">=", 180.0),
                    C::any(vec![
                        C::cmp("days_since_last_purchase", "<", 90.0),
                        C::cmp("days_since_last_renewal", "<", 90.0),
                    ]),
                ])),
                10,
                false,
            ),
            rule(
                "cancelled",
                "The customer cancelled.",
                active,
                "reactivation",
                &["cancellation"],
                None,
                50,
                false,
            ),
            rule(
                "lapsed",
                "No purchase for three of the customer's usual intervals (at least 30 days), \
                 or for 180 days after a single purchase, and no renewal in 45 days.",
                active,
                "reactivation",
                &[ON_TICK],
                Some(C::all(vec![
                    C::any(vec![
                        C::all(vec![
                            C::cmp("purchase_count", ">=", 2.0),
                            C::cmp("purchase_interval_ratio", ">=", 3.0),
                            C::cmp("days_since_last_purchase", ">=", 30.0),
                        ]),
                        C::all(vec![
                            C::cmp("purchase_count", "<", 2.0),
                            C::cmp("days_since_last_purchase", ">=", 180.0),
                        ]),
                    ]),
                    C::negate(C::cmp("days_since_last_renewal", "<", 45.0)),
                ])),
                40,
                false,
            ),
            rule(
                "win_back",
                "A lapsed customer buys or renews again.",
                &["reactivation"],
                "conversion",
                &["purchase", "renewal"],
                None,
                40,
                true,
            ),
        ],
        currency: None,
        attributes: BTreeMap::new(),
        segments: Vec::new(),
    }
}

/// The five-stage data-management life cycle.
///
/// | rule | from | to | when |
/// |---|---|---|---|
/// | `first_purchase` | first_contact | first_purchase | a purchase |
/// | `delivered` | first_purchase | delivery | a delivery |
/// | `after_sales_contact` | delivery | after_sales | a ticket, complaint or survey |
/// | `after_sales_period` | delivery | after_sales | tick, 30 days after the delivery |
/// | `renewed` | first_purchase, delivery, after_sales | renewal | a renewal |
/// | `repurchase` | delivery, after_sales | renewal | a second purchase (up-sell, cross-sell) |
pub fn five_stage() -> ModelConfig {
    ModelConfig {
        name: "five_stage".into(),
        stages: vec![
            stage("first_contact", "Known to the company, has not bought."),
            stage("first_purchase", "Bought; the order is on its way."),
            stage("delivery", "The order was delivered."),
            stage("after_sales", "Being served after the sale."),
            stage("renewal", "Renewed, or bought again (up-sell, cross-sell)."),
        ],
        initial: None,
        forward_only: true,
        custom_events: Vec::new(),
        lead_scoring: LeadScoringConfig::default(),
        metrics: MetricSettings::default(),
        rules: vec![
            rule(
                "first_purchase",
                "The first purchase.",
                &["first_contact"],
                "first_purchase",
                &["purchase"],
                None,
                10,
                false,
            ),
            rule(
                "delivered",
                "The order was delivered.",
                &["first_purchase"],
                "delivery",
                &["delivery"],
                None,
                10,
                false,
            ),
            rule(
                "after_sales_contact",
                "The customer contacted service or answered a survey after delivery.",
                &["delivery"],
                "after_sales",
                &["support_ticket", "complaint", "survey"],
                None,
                10,
                false,
            ),
            rule(
                "after_sales_period",
                "Thirty days after the delivery.",
                &["delivery"],
                "after_sales",
                &[ON_TICK],
                Some(C::cmp("days_since_last_delivery", ">=", 30.0)),
                5,
                false,
            ),
            rule(
                "renewed",
                "The contract or subscription was renewed.",
                &["first_purchase", "delivery", "after_sales"],
                "renewal",
                &["renewal"],
                None,
                20,
                false,
            ),
            rule(
                "repurchase",
                "A second purchase after delivery: up-sell or cross-sell.",
                &["delivery", "after_sales"],
                "renewal",
                &["purchase"],
                Some(C::cmp("purchase_count", ">=", 2.0)),
                20,
                false,
            ),
        ],
        currency: None,
        attributes: BTreeMap::new(),
        segments: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::StageModel;

    #[test]
    fn presets_compile() {
        for name in PRESETS {
            let model = StageModel::compile(preset(name).unwrap()).unwrap();
            assert_eq!(model.name(), *name);
        }
        assert!(preset("seven_stage").is_none());
    }
}
