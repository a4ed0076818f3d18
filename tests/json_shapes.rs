//! Snapshots of the JSON shapes the crate writes: models, outcomes, tick reports,
//! customers and states. Timestamps are fixed, so the snapshots are deterministic.
//!
//! The JSON is snapshotted as the crate writes it, only re-indented (field order and
//! number formatting are kept: they are part of the shape).

use ciclo::lifecycle::StageModel;
use ciclo::model::{AttrValue, BuiltinKind, Currency, Event, Money, Timestamp};
use ciclo::{json, Engine};

fn t(s: &str) -> Timestamp {
    Timestamp::parse(s, "t").unwrap()
}

fn ars(minor: i64) -> Money {
    Money {
        minor,
        currency: Currency::parse("ARS", "currency").unwrap(),
    }
}

fn purchase(customer: &str, at: &str, minor: i64) -> Event {
    Event::new(customer, t(at), BuiltinKind::Purchase).with_amount(ars(minor))
}

/// Re-indents JSON text without reordering keys or reformatting numbers.
fn pretty(text: &str) -> String {
    // The text must be valid JSON first.
    serde_json::from_str::<serde_json::Value>(text).expect("valid JSON");
    let mut out = String::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    out.push(c);
                    out.push(chars.next().unwrap());
                } else {
                    out.push(c);
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth -= 1;
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[test]
fn pretty_keeps_the_text() {
    let text = r#"{"a":[1,2.0,{"b":"x,\"}{"}],"c":{},"d":[]}"#;
    let p = pretty(text);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&p).unwrap(),
        serde_json::from_str::<serde_json::Value>(text).unwrap()
    );
    assert!(p.contains(r#""x,\"}{""#));
    assert!(p.contains("2.0"));
}

#[test]
fn model_six_stage() {
    let model = StageModel::six_stage();
    insta::assert_snapshot!("model_six_stage", json::model_to_json(&model));
}

#[test]
fn model_five_stage() {
    let model = StageModel::five_stage();
    insta::assert_snapshot!("model_five_stage", json::model_to_json(&model));
}

#[test]
fn model_json_reads_back_as_the_same_model() {
    for model in [StageModel::six_stage(), StageModel::five_stage()] {
        let back = json::config_from_json(&json::model_to_json(&model)).unwrap();
        assert_eq!(back.stages(), model.stages());
        assert_eq!(back.rules(), model.rules());
        assert_eq!(back.initial(), model.initial());
    }
}

#[test]
fn outcome_first_purchase() {
    let engine = Engine::new(StageModel::six_stage());
    let mut event = purchase("c-42", "2026-03-01T10:00:00-03:00", 1_250_000)
        .with_id("evt-980")
        .with_category("hogar");
    event
        .attributes
        .insert("canal".into(), AttrValue::Text("web".into()));
    let outcome = engine.apply(&event).unwrap();
    let text = json::outcome_to_json(engine.model(), &event, &outcome);
    insta::assert_snapshot!("outcome_first_purchase", pretty(&text));
}

#[test]
fn outcome_repeat_purchase_with_evidence() {
    let engine = Engine::new(StageModel::six_stage());
    engine
        .apply(&purchase("c-42", "2026-03-01T10:00:00Z", 1_250_000).with_id("evt-980"))
        .unwrap();
    let event = purchase("c-42", "2026-03-15T13:00:00Z", 480_050).with_id("evt-981");
    let outcome = engine.apply(&event).unwrap();
    assert!(!outcome.evidence.is_empty());
    let text = json::outcome_to_json(engine.model(), &event, &outcome);
    insta::assert_snapshot!("outcome_repeat_purchase", pretty(&text));
}

#[test]
fn outcome_cross_sell_with_evidence() {
    let engine = Engine::new(StageModel::six_stage());
    engine
        .apply(&purchase("c-42", "2026-03-01T10:00:00Z", 1_250_000).with_category("hogar"))
        .unwrap();
    let event = purchase("c-42", "2026-03-15T13:00:00Z", 480_050).with_category("jardín");
    let outcome = engine.apply(&event).unwrap();
    let text = json::outcome_to_json(engine.model(), &event, &outcome);
    insta::assert_snapshot!("outcome_cross_sell", pretty(&text));
}

#[test]
fn outcome_duplicate() {
    let engine = Engine::new(StageModel::six_stage());
    let event = purchase("c-42", "2026-03-01T10:00:00Z", 1_250_000).with_id("evt-980");
    engine.apply(&event).unwrap();
    let outcome = engine.apply(&event).unwrap();
    let text = json::outcome_to_json(engine.model(), &event, &outcome);
    insta::assert_snapshot!("outcome_duplicate", pretty(&text));
}

#[test]
fn tick_report_lapsed() {
    let engine = Engine::new(StageModel::six_stage());
    // Buys every 10 days, then stops: lapsed after 3 usual intervals (30 days).
    for at in [
        "2026-01-01T12:00:00Z",
        "2026-01-11T12:00:00Z",
        "2026-01-21T12:00:00Z",
    ] {
        engine.apply(&purchase("c-7", at, 99_900)).unwrap();
    }
    // A prospect who is evaluated but does not move.
    engine
        .apply(&Event::new(
            "c-8",
            t("2026-01-05T09:00:00Z"),
            BuiltinKind::Visit,
        ))
        .unwrap();
    let report = engine.tick(t("2026-02-20T12:00:00Z"));
    assert_eq!(report.moves.len(), 1);
    let text = json::tick_report_to_json(engine.model(), &report);
    insta::assert_snapshot!("tick_report_lapsed", pretty(&text));
}

fn customer_with_a_few_events() -> Engine {
    let engine = Engine::new(StageModel::six_stage());
    let events = [
        Event::new("c-42", t("2026-01-10T09:00:00Z"), BuiltinKind::Visit).with_id("evt-1"),
        Event::new(
            "c-42",
            t("2026-01-12T09:30:00Z"),
            BuiltinKind::ContactCaptured,
        )
        .with_id("evt-2"),
        Event::new(
            "c-42",
            t("2026-01-12T10:00:00Z"),
            BuiltinKind::TrialRequested,
        )
        .with_id("evt-3"),
        purchase("c-42", "2026-02-01T15:00:00Z", 1_250_000)
            .with_id("evt-4")
            .with_category("hogar"),
        Event::new(
            "c-42",
            t("2026-02-03T11:00:00Z"),
            BuiltinKind::SupportTicket,
        )
        .with_id("evt-5")
        .with_category("envío")
        .with_reason("demora"),
        Event::new("c-42", t("2026-02-10T11:00:00Z"), BuiltinKind::Survey)
            .with_id("evt-6")
            .with_score(9.0),
        purchase("c-42", "2026-03-01T15:00:00Z", 480_050)
            .with_id("evt-7")
            .with_category("jardín"),
    ];
    for mut e in events {
        if e.id.as_deref() == Some("evt-7") {
            e.attributes
                .insert("canal".into(), AttrValue::Text("web".into()));
            e.attributes.insert("cuotas".into(), AttrValue::Number(3.0));
            e.attributes.insert("regalo".into(), AttrValue::Bool(true));
        }
        engine.apply(&e).unwrap();
    }
    engine
}

#[test]
fn customer_json() {
    let engine = customer_with_a_few_events();
    let state = engine.customer("c-42").unwrap();
    assert_eq!(engine.model().stage_name(state.stage()), "growth");
    let text = json::customer_to_json(engine.model(), "c-42", &state);
    insta::assert_snapshot!("customer_json", pretty(&text));
}

#[test]
fn state_json() {
    let engine = customer_with_a_few_events();
    let state = engine.customer("c-42").unwrap();
    let text = json::state_to_json(engine.model(), &state);
    insta::assert_snapshot!("state_json", pretty(&text));
    assert_eq!(json::state_from_json(engine.model(), &text).unwrap(), state);
}

#[test]
fn state_json_as_value() {
    // The same state through insta's JSON serialiser (keys sorted): a second view
    // that does not depend on the re-indenting above.
    let engine = customer_with_a_few_events();
    let state = engine.customer("c-42").unwrap();
    let value: serde_json::Value =
        serde_json::from_str(&json::state_to_json(engine.model(), &state)).unwrap();
    insta::assert_json_snapshot!("state_json_value", value);
}
