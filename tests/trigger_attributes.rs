//! Retention triggers that read host attributes: a rule firing only for
//! customers whose BCRA credit situation is 3 to 6, through the Rust API and
//! through `ciclo_engine_set_retention_json` / `ciclo_engine_evaluate_json`;
//! every kind of bad attribute condition refused with the path of the field,
//! and nothing changed on a refusal.

use std::ffi::c_char;
use std::ptr;

use ciclo::ffi::engine::*;
use ciclo::ffi::retention::*;
use ciclo::ffi::status::*;
use ciclo::lifecycle::{presets, AttributeConfig, ConditionValue, ModelConfig, StageModel};
use ciclo::model::{AttrValue, Timestamp};
use ciclo::retention::config::{RuleConfig, SignalConditionConfig as S};
use ciclo::retention::{FiringLog, TriggerConfig, Triggers};
use ciclo::{json, Engine, Error};
use serde_json::Value;

#[path = "common/c_host.rs"]
mod host;
use host::{c, last_error, take};

fn at(day: &str) -> Timestamp {
    Timestamp::parse(&format!("{day}T12:00:00Z"), "t").unwrap()
}

/// The six-stage preset with the credit situation and a province.
fn model_config() -> ModelConfig {
    let mut m = presets::six_stage();
    m.attributes.insert(
        "credit_situation".into(),
        AttributeConfig::category(&["1", "2", "3", "4", "5", "6"]),
    );
    m.attributes.insert(
        "province".into(),
        AttributeConfig::category(&["Córdoba", "Mendoza"]),
    );
    m
}

fn rule(name: &str, when: S, priority: i32) -> RuleConfig {
    RuleConfig {
        name: name.into(),
        when: Some(when),
        stages: Vec::new(),
        action: "credit_review".into(),
        priority,
        cooldown_days: 0.0,
        cap: None,
    }
}

/// One rule: a buyer whose credit situation is 3 to 6.
fn credit_watch() -> TriggerConfig {
    TriggerConfig {
        rules: vec![rule(
            "credit_watch",
            S::all(vec![
                S::attr_in("credit_situation", &["3", "4", "5", "6"]),
                S::cmp("purchase_count", ">=", 1.0),
            ]),
            100,
        )],
        ..TriggerConfig::default()
    }
}

/// Customers c0 (no situation) and c1..c6 (situation 1 to 6), each buying
/// once; c7 in situation 5 only visits.
fn engine() -> Engine {
    let engine = Engine::new(StageModel::compile(model_config()).unwrap());
    for i in 0..=7 {
        let attributes = if i == 0 {
            String::new()
        } else {
            let situation = if i == 7 { 5 } else { i };
            format!(r#", "attributes": {{"credit_situation": "{situation}"}}"#)
        };
        let kind = if i == 7 {
            r#""kind": "visit""#.to_string()
        } else {
            r#""kind": "purchase", "amount": 10000, "currency": "ARS""#.to_string()
        };
        let line = format!(
            r#"{{"customer": "c{i}", "at": "2026-03-0{}T10:00:00Z", {kind}{attributes}}}"#,
            i + 1
        );
        engine
            .apply(&json::event_from_json(&line).unwrap())
            .unwrap();
    }
    engine
}

#[test]
fn a_trigger_fires_only_for_customers_in_situation_3_to_6() {
    let engine = engine();
    engine.set_retention(credit_watch()).unwrap();
    let now = at("2026-03-20");
    let fired: Vec<String> = (0..=7)
        .map(|i| format!("c{i}"))
        .filter(|id| {
            let firings = engine.evaluate(id, now).unwrap();
            assert!(firings.iter().all(|f| f.rule == "credit_watch"));
            !firings.is_empty()
        })
        .collect();
    assert_eq!(fired, ["c3", "c4", "c5", "c6"]);
    // The evidence lists the signal comparison; the attribute decided.
    let again = engine.evaluate("c4", at("2026-03-21")).unwrap();
    assert_eq!(again[0].evidence.len(), 1);
    assert_eq!(again[0].evidence[0].actual, Some(1.0));

    // A change of attribute changes what fires.
    engine
        .set_attributes(
            "c1",
            &[("credit_situation", Some(AttrValue::Text("6".into())))],
        )
        .unwrap();
    engine
        .set_attributes("c4", &[("credit_situation", None)])
        .unwrap();
    assert_eq!(engine.evaluate("c1", at("2026-03-22")).unwrap().len(), 1);
    assert!(engine.evaluate("c4", at("2026-03-22")).unwrap().is_empty());

    // Evaluating everyone, and after a snapshot round trip (the configuration
    // is compiled again against the restored model) once the contact cap (2
    // in 30 days) has let go.
    let all = engine.evaluate_all(at("2026-03-23"));
    let mut names: Vec<&str> = all.iter().map(|(id, _)| id.as_str()).collect();
    names.sort();
    assert_eq!(names, ["c1", "c3", "c5", "c6"]);
    let restored = Engine::restore(&engine.snapshot()).unwrap();
    let all = restored.evaluate_all(at("2026-05-01"));
    let mut names: Vec<&str> = all.iter().map(|(id, _)| id.as_str()).collect();
    names.sort();
    assert_eq!(names, ["c1", "c3", "c5", "c6"]);
}

#[test]
fn attribute_tests_read_the_profile_given_or_none() {
    let model = StageModel::compile(model_config()).unwrap();
    let triggers = Triggers::compile(&credit_watch(), &model).unwrap();
    let engine = engine();
    let now = at("2026-03-20");
    for (id, fires) in [("c2", false), ("c5", true), ("c7", false)] {
        engine
            .with_customer(id, |state| {
                let signals = triggers.signals(state, &model, now, None);
                let with = triggers.evaluate_signals_with(
                    state.stage(),
                    state.profile(),
                    &signals,
                    now,
                    &mut FiringLog::default(),
                );
                assert_eq!(!with.is_empty(), fires, "{id}");
                let mut log = FiringLog::default();
                assert_eq!(
                    !triggers
                        .evaluate(state, &model, now, None, &mut log)
                        .is_empty(),
                    fires,
                    "{id}"
                );
                // On signals alone, an attribute test is false.
                let without = triggers.evaluate_signals(
                    state.stage(),
                    &signals,
                    now,
                    &mut FiringLog::default(),
                );
                assert!(without.is_empty(), "{id}");
            })
            .unwrap();
    }
    // `not` of an attribute test holds for a customer without the attribute.
    let negated = TriggerConfig {
        rules: vec![rule(
            "unrated",
            S {
                not: Some(Box::new(S::attr_in(
                    "credit_situation",
                    &["1", "2", "3", "4", "5", "6"],
                ))),
                ..S::default()
            },
            10,
        )],
        ..TriggerConfig::default()
    };
    engine.set_retention(negated).unwrap();
    let all = engine.evaluate_all(now);
    let names: Vec<&str> = all.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(names, ["c0"]);
}

fn config_error(e: Error) -> (String, String) {
    match e {
        Error::Config { field, message } => (field, message),
        other => panic!("not a configuration error: {other}"),
    }
}

#[test]
fn bad_attribute_conditions_are_config_errors_naming_the_path() {
    let engine = engine();
    engine.set_retention(credit_watch()).unwrap();
    let before = engine.retention_config();
    let with = |when: S| TriggerConfig {
        rules: vec![rule(
            "r",
            S::all(vec![S::cmp("revenue", ">", 0.0), when]),
            1,
        )],
        ..TriggerConfig::default()
    };
    for (when, field, says) in [
        (
            S::attr_in("credit_score", &["3"]),
            "rules[0].when.all[1].attribute",
            "credit_score",
        ),
        (
            S::attr_in("credit_situation", &["7"]),
            "rules[0].when.all[1].in[0]",
            "7",
        ),
        (
            S::attr("credit_situation", ">=", "3"),
            "rules[0].when.all[1].op",
            "==",
        ),
        (
            S::attr("province", "==", 3.0),
            "rules[0].when.all[1].value",
            "",
        ),
        (
            S {
                signal: Some("revenue".into()),
                ..S::attr("province", "==", "Córdoba")
            },
            "rules[0].when.all[1].signal",
            "not both",
        ),
        (
            S {
                currency: Some("ARS".into()),
                ..S::attr("province", "==", "Córdoba")
            },
            "rules[0].when.all[1].currency",
            "currency",
        ),
        (
            S {
                one_of: Some(vec!["x".into()]),
                ..S::cmp("revenue", ">", 1.0)
            },
            "rules[0].when.all[1].in",
            "attribute",
        ),
        (
            S {
                value: Some(ConditionValue::Text("mucho".into())),
                ..S::cmp("revenue", ">", 1.0)
            },
            "rules[0].when.all[1].value",
            "not a string",
        ),
    ] {
        let e = engine.set_retention(with(when)).unwrap_err();
        let (got, message) = config_error(e);
        assert_eq!(got, field, "{message}");
        assert!(message.contains(says), "{field}: {message}");
        assert_eq!(engine.retention_config(), before, "changed by a refusal");
    }
    // A model without attributes knows none.
    let plain = Engine::new(StageModel::six_stage());
    let (field, _) = config_error(plain.set_retention(credit_watch()).unwrap_err());
    assert_eq!(field, "rules[0].when.all[0].attribute");
}

// Through the C ABI.

struct CEngine(*mut ciclo::ffi::ciclo_engine);

impl Drop for CEngine {
    fn drop(&mut self) {
        unsafe { ciclo_engine_free(self.0) };
    }
}

fn c_engine() -> CEngine {
    let config = c(&json::config_to_json(&model_config()));
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_new(config.as_ptr(), &mut out) },
        CICLO_STATUS_OK,
        "{}",
        last_error()
    );
    let e = CEngine(out);
    for (i, situation) in ["1", "2", "3", "4", "5", "6"].iter().enumerate() {
        let line = c(&format!(
            r#"{{"customer": "c{}", "at": "2026-03-0{}T10:00:00Z", "kind": "purchase", "amount": 10000,
                "currency": "ARS", "attributes": {{"credit_situation": "{situation}"}}}}"#,
            i + 1,
            i + 1
        ));
        assert_eq!(
            unsafe { ciclo_engine_apply_json(e.0, line.as_ptr(), ptr::null_mut()) },
            CICLO_STATUS_OK,
            "{}",
            last_error()
        );
    }
    e
}

fn set(e: &CEngine, config: &str) -> ciclo_status {
    let config = c(config);
    unsafe { ciclo_engine_set_retention_json(e.0, config.as_ptr()) }
}

fn retention(e: &CEngine) -> String {
    let mut out: *mut c_char = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_retention_json(e.0, &mut out) },
        CICLO_STATUS_OK
    );
    take(out)
}

const CREDIT_WATCH: &str = r#"{"rules": [{"name": "credit_watch", "action": "credit_review",
    "priority": 100, "when": {"all": [
        {"attribute": "credit_situation", "in": ["3", "4", "5", "6"]},
        {"signal": "purchase_count", "op": ">=", "value": 1}]}}]}"#;

#[test]
fn a_trigger_reading_attributes_through_the_c_abi() {
    let e = c_engine();
    assert_eq!(set(&e, CREDIT_WATCH), CICLO_STATUS_OK, "{}", last_error());
    // The configuration reads back with the attribute test, and sets again.
    let back = retention(&e);
    assert!(
        back.contains(r#""attribute": "credit_situation""#) && back.contains(r#""in": ["#),
        "{back}"
    );
    assert_eq!(set(&e, &back), CICLO_STATUS_OK);
    let mut out: *mut c_char = ptr::null_mut();
    let now = at("2026-03-20").as_millis();
    assert_eq!(
        unsafe { ciclo_engine_evaluate_json(e.0, ptr::null(), now, &mut out) },
        CICLO_STATUS_OK
    );
    let firings: Value = serde_json::from_str(&take(out)).unwrap();
    let firings = &firings["firings"];
    let mut who: Vec<&str> = firings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["customer"].as_str().unwrap())
        .collect();
    who.sort();
    assert_eq!(who, ["c3", "c4", "c5", "c6"]);
    assert!(firings
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"] == "credit_watch" && f["action"] == "credit_review"));

    // Refusals name the field and change nothing.
    let before = retention(&e);
    for (config, status, field) in [
        (
            CREDIT_WATCH.replace("credit_situation", "credit_score"),
            CICLO_STATUS_INVALID_CONFIG,
            "rules[0].when.all[0].attribute",
        ),
        (
            CREDIT_WATCH.replace(
                r#""in": ["3", "4", "5", "6"]"#,
                r#""op": "<", "value": "3""#,
            ),
            CICLO_STATUS_INVALID_CONFIG,
            "rules[0].when.all[0].op",
        ),
        (
            CREDIT_WATCH.replace(r#""6"]"#, r#""9"]"#),
            CICLO_STATUS_INVALID_CONFIG,
            "rules[0].when.all[0].in[3]",
        ),
        (
            CREDIT_WATCH.replace(r#""value": 1"#, r#""value": "uno""#),
            CICLO_STATUS_INVALID_CONFIG,
            "rules[0].when.all[1].value",
        ),
        (
            CREDIT_WATCH.replace(r#""in": ["3", "4", "5", "6"]"#, r#""in": "3""#),
            CICLO_STATUS_INVALID_JSON,
            "in",
        ),
        (
            CREDIT_WATCH.replace(r#""in":"#, r#""within":"#),
            CICLO_STATUS_UNKNOWN_FIELD,
            "within",
        ),
        (
            CREDIT_WATCH.replace("]}}]}", "]}"),
            CICLO_STATUS_INVALID_JSON,
            "",
        ),
    ] {
        let got = set(&e, &config);
        let message = last_error();
        assert_eq!(got, status, "{config}: {message}");
        assert!(message.contains(field), "{field}: {message}");
        assert_eq!(retention(&e), before, "changed by a refusal");
    }
    let bad = b"{\"rules\": [{\"name\": \"\xff\"}]}\0";
    assert_eq!(
        unsafe { ciclo_engine_set_retention_json(e.0, bad.as_ptr().cast()) },
        CICLO_STATUS_INVALID_UTF8
    );
    let config = c(CREDIT_WATCH);
    assert_eq!(
        unsafe { ciclo_engine_set_retention_json(ptr::null(), config.as_ptr()) },
        CICLO_STATUS_NULL_ARGUMENT
    );
    assert!(last_error().contains("engine"));
    assert_eq!(retention(&e), before);
}
