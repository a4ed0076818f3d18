//! Retention signals, churn score and triggers over customer states built by
//! the lifecycle's pure step.

use ciclo::lifecycle::{step, CustomerState};
use ciclo::model::Timestamp;
use ciclo::retention::config::{CapConfig, RuleConfig, SignalConditionConfig as C};
use ciclo::retention::{
    summary_of, BgNbd, ChurnScore, ClvOptions, CustomerModels, FiringLog, GammaGamma, Signal,
    SignalContext, Signals, TriggerConfig, Triggers,
};
use ciclo::{json, Error, StageModel};

fn at(day: &str) -> Timestamp {
    Timestamp::parse(&format!("{day}T12:00:00Z"), "at").unwrap()
}

/// A customer's state after `events`: (day, kind, extra JSON fields).
fn customer(events: &[(&str, &str, &str)]) -> CustomerState {
    let model = StageModel::six_stage();
    let mut state: Option<CustomerState> = None;
    for (day, kind, extra) in events {
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!(", {extra}")
        };
        let event = json::event_from_json(&format!(
            r#"{{"customer": "c", "at": "{day}T10:00:00Z", "kind": "{kind}"{extra}}}"#
        ))
        .unwrap();
        state = Some(step(&model, state.as_ref(), &event).unwrap().0);
    }
    state.unwrap()
}

const BUY: &str = r#""amount": 100000, "currency": "ARS""#;

fn rule(name: &str, when: C, action: &str, priority: i32, cooldown_days: f64) -> RuleConfig {
    RuleConfig {
        name: name.into(),
        when: Some(when),
        stages: Vec::new(),
        action: action.into(),
        priority,
        cooldown_days,
        cap: None,
    }
}

fn config(rules: Vec<RuleConfig>) -> TriggerConfig {
    TriggerConfig {
        rules,
        ..TriggerConfig::default()
    }
}

#[test]
fn signals_follow_their_definitions() {
    let model = StageModel::six_stage();
    let state = customer(&[
        ("2026-01-01", "purchase", BUY),
        ("2026-01-11", "purchase", BUY),
        ("2026-01-21", "purchase", BUY),
        ("2026-02-01", "survey", r#""score": 90"#),
        ("2026-02-10", "survey", r#""score": 60"#),
        ("2026-02-11", "support_ticket", ""),
        ("2026-02-12", "complaint", ""),
    ]);
    let context = SignalContext {
        contract_term_days: Some(365.0),
        ..SignalContext::default()
    };
    let s = Signals::of(&state, &model, at("2026-02-20"), &context);
    // Last purchase 30 days before, every 10 days usually: three intervals late.
    assert_eq!(
        s.get(Signal::DaysSinceLastPurchase),
        Some(30.0 + 2.0 / 24.0)
    );
    assert!((s.get(Signal::RecencyRatio).unwrap() - 3.0083).abs() < 1e-3);
    assert_eq!(s.get(Signal::SatisfactionDrop), Some(30.0));
    assert_eq!(s.get(Signal::Satisfaction), Some(60.0));
    assert_eq!(s.get(Signal::ComplaintsInWindow), Some(1.0));
    assert_eq!(s.get(Signal::OpenTickets), Some(1.0));
    assert_eq!(s.get(Signal::PurchaseCount), Some(3.0));
    assert_eq!(s.get(Signal::Revenue), Some(300_000.0));
    assert_eq!(s.get(Signal::Cancelled), Some(0.0));
    // A year from the first purchase (no renewal yet), less the 50 days gone.
    let to_renewal = s.get(Signal::DaysToRenewal).unwrap();
    assert!(
        (to_renewal - (365.0 - 50.0 - 2.0 / 24.0)).abs() < 1e-9,
        "{to_renewal}"
    );
    // Undefined without their inputs.
    assert_eq!(s.get(Signal::UsageDecline), None);
    assert_eq!(s.get(Signal::PAlive), None);
    assert_eq!(s.get(Signal::DaysSinceCancellation), None);
    let without_term = Signals::of(&state, &model, at("2026-02-20"), &SignalContext::default());
    assert_eq!(without_term.get(Signal::DaysToRenewal), None);
    // Every signal has a distinct name that reads back.
    for &signal in Signal::ALL {
        assert_eq!(Signal::from_name(signal.name()), Some(signal));
        assert!(!signal.unit().is_empty());
    }
}

#[test]
fn model_signals_come_from_the_summary() {
    let model = StageModel::six_stage();
    let state = customer(&[
        ("2026-01-01", "purchase", BUY),
        ("2026-01-15", "purchase", BUY),
        (
            "2026-02-12",
            "purchase",
            r#""amount": 400000, "currency": "ARS""#,
        ),
    ]);
    let now = at("2026-03-05");
    // Weeks, minor units: two repeat purchases, the last six weeks after the
    // first, nine weeks observed, 200,000 on average (the first purchase counted).
    let summary = summary_of(&state, now, 7.0).unwrap();
    assert_eq!(summary.frequency, 2.0);
    assert!((summary.recency - 6.0).abs() < 1e-12);
    assert!((summary.t - (63.0 + 2.0 / 24.0) / 7.0).abs() < 1e-12);
    assert_eq!(summary.monetary_value, 200_000.0);
    let models = CustomerModels {
        bgnbd: BgNbd {
            r: 0.2426,
            alpha: 4.4135,
            a: 0.7929,
            b: 2.4258,
        },
        spend: GammaGamma {
            p: 6.25,
            q: 3.74,
            v: 15.45,
        },
        currency: None,
        unit_days: 7.0,
        clv: ClvOptions::new(0.01, ClvOptions::WEEKS),
    };
    let context = SignalContext {
        models: Some(&models),
        ..SignalContext::default()
    };
    let s = Signals::of(&state, &model, now, &context);
    assert_eq!(
        s.get(Signal::PAlive),
        Some(models.bgnbd.p_alive(&summary).unwrap())
    );
    let value =
        ciclo::retention::lifetime_value(&models.bgnbd, &models.spend, &summary, &models.clv)
            .unwrap();
    assert_eq!(s.get(Signal::ExpectedValue), Some(value));
    // No purchase: no summary, no model signals.
    let prospect = customer(&[("2026-01-01", "visit", "")]);
    assert_eq!(summary_of(&prospect, now, 7.0), None);
    assert_eq!(
        Signals::of(&prospect, &model, now, &context).get(Signal::PAlive),
        None
    );
}

#[test]
fn churn_risk_is_explained() {
    let model = StageModel::six_stage();
    let triggers = Triggers::compile(&TriggerConfig::default(), &model).unwrap();
    let calm = customer(&[
        ("2026-01-01", "purchase", BUY),
        ("2026-01-11", "purchase", BUY),
    ]);
    let risk = triggers.churn_risk(&calm, &model, at("2026-01-12"), None);
    // Only the signals with a value count: on time, nothing wrong.
    assert_eq!(risk.score, Some(0.0));
    let unhappy = customer(&[
        ("2026-01-01", "purchase", BUY),
        ("2026-01-11", "purchase", BUY),
        ("2026-02-01", "complaint", ""),
        ("2026-02-02", "complaint", ""),
        ("2026-02-03", "complaint", ""),
        ("2026-02-04", "payment_failed", ""),
    ]);
    let risk = triggers.churn_risk(&unhappy, &model, at("2026-02-05"), None);
    let score = risk.score.unwrap();
    let sum: f64 = risk.parts.iter().map(|p| p.contribution).sum();
    assert!((sum - score).abs() < 1e-12);
    assert!(score > 0.3 && score < 1.0, "{score}");
    let complaints = risk
        .parts
        .iter()
        .find(|p| p.signal == Signal::ComplaintsInWindow)
        .unwrap();
    assert_eq!((complaints.value, complaints.risk), (Some(3.0), Some(1.0)));
    // A component without a value is listed, adds nothing.
    let usage = risk
        .parts
        .iter()
        .find(|p| p.signal == Signal::UsageDecline)
        .unwrap();
    assert_eq!((usage.value, usage.contribution), (None, 0.0));
    // Nothing known at all: no score.
    assert_eq!(ChurnScore::default().assess(&Signals::empty()).score, None);
}

#[test]
fn priorities_cooldowns_and_caps() {
    let model = StageModel::six_stage();
    let triggers = Triggers::compile(
        &TriggerConfig {
            contact_cap: CapConfig {
                count: 3,
                period_days: 30.0,
            },
            max_per_evaluation: 2,
            ..config(vec![
                rule(
                    "low",
                    C::cmp("purchase_count", ">=", 1.0),
                    "discount",
                    1,
                    0.0,
                ),
                rule(
                    "high",
                    C::cmp("purchase_count", ">=", 1.0),
                    "personal_outreach",
                    9,
                    10.0,
                ),
                RuleConfig {
                    cap: Some(CapConfig {
                        count: 2,
                        period_days: 100.0,
                    }),
                    ..rule(
                        "capped",
                        C::cmp("purchase_count", ">=", 1.0),
                        "loyalty_program",
                        5,
                        0.0,
                    )
                },
            ])
        },
        &model,
    )
    .unwrap();
    let state = customer(&[("2026-01-01", "purchase", BUY)]);
    let mut log = FiringLog::default();
    let names = |firings: Vec<ciclo::retention::Firing>| {
        firings.into_iter().map(|f| f.rule).collect::<Vec<_>>()
    };
    // Highest priorities first, two at a time.
    assert_eq!(
        names(triggers.evaluate(&state, &model, at("2026-01-02"), None, &mut log)),
        ["high", "capped"]
    );
    // The contact cap (3 in 30 days) leaves room for one; `high` cools down.
    assert_eq!(
        names(triggers.evaluate(&state, &model, at("2026-01-03"), None, &mut log)),
        ["capped"]
    );
    // Cap reached for everyone until 30 days after the first firings.
    assert!(triggers
        .evaluate(&state, &model, at("2026-01-20"), None, &mut log)
        .is_empty());
    // Then `high` (cooled down) and `low`: `capped` has had its 2 in 100 days.
    assert_eq!(
        names(triggers.evaluate(&state, &model, at("2026-02-05"), None, &mut log)),
        ["high", "low"]
    );
    // The log forgets what no cooldown or cap looks at any more.
    triggers.evaluate(&state, &model, at("2027-01-01"), None, &mut log);
    assert!(
        log.entries.iter().all(|(_, t)| *t > at("2026-09-01")),
        "{log:?}"
    );
}

#[test]
fn stages_limit_a_rule() {
    let model = StageModel::six_stage();
    let state = customer(&[("2026-01-01", "purchase", BUY)]);
    let stage = model.stage_name(state.stage()).to_string();
    let other = model
        .stages()
        .iter()
        .find(|s| **s != stage)
        .unwrap()
        .clone();
    for (stages, fires) in [(vec![stage.clone()], true), (vec![other], false)] {
        let triggers = Triggers::compile(
            &config(vec![RuleConfig {
                stages,
                ..rule("r", C::cmp("purchase_count", ">=", 1.0), "discount", 0, 0.0)
            }]),
            &model,
        )
        .unwrap();
        let firings = triggers.evaluate(
            &state,
            &model,
            at("2026-01-02"),
            None,
            &mut FiringLog::default(),
        );
        assert_eq!(firings.len(), usize::from(fires));
    }
}

#[test]
fn a_firing_names_rule_action_and_signals() {
    let model = StageModel::six_stage();
    let triggers = Triggers::compile(&TriggerConfig::default(), &model).unwrap();
    // Bought every 10 days, then nothing for 25: slipping away.
    let state = customer(&[
        ("2026-01-01", "purchase", BUY),
        ("2026-01-11", "purchase", BUY),
        ("2026-01-21", "purchase", BUY),
    ]);
    let firings = triggers.evaluate(
        &state,
        &model,
        at("2026-02-15"),
        None,
        &mut FiringLog::default(),
    );
    assert_eq!(firings.len(), 1);
    let f = &firings[0];
    assert_eq!(
        (f.rule.as_str(), f.action.name(), f.priority),
        ("slipping_away", "discount", 60)
    );
    let ratio = f
        .evidence
        .iter()
        .find(|e| e.signal == Signal::RecencyRatio && e.op == ">=")
        .unwrap();
    assert_eq!(ratio.threshold, 2.0);
    assert!((ratio.actual.unwrap() - 2.5083).abs() < 1e-3);
    assert!(f.churn_risk.is_some());
    // Cancelled a month ago: win back.
    let gone = customer(&[
        ("2026-01-01", "purchase", BUY),
        ("2026-01-11", "cancellation", r#""reason": "price""#),
    ]);
    let firings = triggers.evaluate(
        &gone,
        &model,
        at("2026-02-20"),
        None,
        &mut FiringLog::default(),
    );
    assert_eq!(firings[0].rule, "win_back");
    assert_eq!(firings[0].action.name(), "win_back_offer");
}

#[test]
fn bad_configurations_name_the_field() {
    let model = StageModel::six_stage();
    let compile = |c: &TriggerConfig| Triggers::compile(c, &model).unwrap_err().to_string();
    let unknown = config(vec![rule(
        "r",
        C::all(vec![C::cmp("happiness", ">", 1.0)]),
        "discount",
        0,
        0.0,
    )]);
    let message = compile(&unknown);
    assert!(
        message
            .starts_with("invalid config: rules[0].when.all[0].signal: unknown signal `happiness`"),
        "{message}"
    );
    let stage = config(vec![RuleConfig {
        stages: vec!["limbo".into()],
        ..rule("r", C::cmp("purchase_count", ">", 1.0), "discount", 0, 0.0)
    }]);
    assert_eq!(
        compile(&stage),
        "unknown stage `limbo` in rules[0].stages[0]"
    );
    let action = config(vec![rule(
        "r",
        C::cmp("purchase_count", ">", 1.0),
        "Call Them!",
        0,
        0.0,
    )]);
    assert!(compile(&action).starts_with("invalid config: rules[0].action:"));
    let cooldown = config(vec![rule(
        "r",
        C::cmp("purchase_count", ">", 1.0),
        "discount",
        0,
        -1.0,
    )]);
    assert!(compile(&cooldown).starts_with("invalid config: rules[0].cooldown_days:"));
    let twice = config(vec![
        rule("r", C::cmp("purchase_count", ">", 1.0), "discount", 0, 0.0),
        rule(
            "r",
            C::cmp("purchase_count", ">", 1.0),
            "my_crm.call",
            0,
            0.0,
        ),
    ]);
    assert_eq!(
        compile(&twice),
        "invalid config: rules[1].name: `r` names two rules"
    );
    let cap = TriggerConfig {
        contact_cap: CapConfig {
            count: 0,
            period_days: 30.0,
        },
        ..TriggerConfig::default()
    };
    assert_eq!(
        compile(&cap),
        "invalid config: contact_cap.count: must be at least 1"
    );
    let op = config(vec![rule(
        "r",
        C::cmp("purchase_count", "=>", 1.0),
        "discount",
        0,
        0.0,
    )]);
    assert!(
        matches!(Triggers::compile(&op, &model), Err(Error::Config { field, .. }) if field == "rules[0].when.op")
    );
}
