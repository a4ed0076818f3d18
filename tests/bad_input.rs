//! Bad input through the Rust API: every rejected input gets the right
//! [`ErrorKind`] and a message that names the field at fault, and a rejected call on
//! an engine changes nothing stored (its snapshot bytes are unchanged).

use ciclo::lifecycle::presets;
use ciclo::lifecycle::{ConditionConfig, CustomerState, ModelConfig, RuleConfig, StageConfig};
use ciclo::model::{AttrValue, BuiltinKind, Currency, Event, EventKind, Money, Timestamp};
use ciclo::{json, Engine, Error, ErrorKind, StageModel};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

fn t(s: &str) -> Timestamp {
    Timestamp::parse(s, "t").unwrap()
}

fn money(minor: i64, code: &str) -> Money {
    Money {
        minor,
        currency: Currency::parse(code, "currency").unwrap(),
    }
}

/// An engine with `ana` (two ARS purchases, in growth, watermark 2026-03-01) and
/// `beto` (one visit).
fn engine() -> Engine {
    let engine = Engine::new(StageModel::six_stage());
    for (at, id) in [
        ("2026-02-01T10:00:00Z", "a-1"),
        ("2026-03-01T10:00:00Z", "a-2"),
    ] {
        engine
            .apply(
                &Event::new("ana", t(at), BuiltinKind::Purchase)
                    .with_id(id)
                    .with_amount(money(10_000, "ARS")),
            )
            .unwrap();
    }
    engine
        .apply(&Event::new(
            "beto",
            t("2026-02-15T10:00:00Z"),
            BuiltinKind::Visit,
        ))
        .unwrap();
    engine
}

fn six() -> ModelConfig {
    presets::six_stage()
}

fn six_with(f: impl FnOnce(&mut ModelConfig)) -> ModelConfig {
    let mut c = six();
    f(&mut c);
    c
}

/// The six_stage configuration as a JSON value, edited.
fn six_json(f: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(&json::config_to_json(&six())).unwrap();
    f(&mut v);
    v.to_string()
}

fn ana_state_json(f: impl FnOnce(&mut Value)) -> String {
    let engine = engine();
    let state = engine.customer("ana").unwrap();
    let mut v: Value = serde_json::from_str(&json::state_to_json(engine.model(), &state)).unwrap();
    f(&mut v);
    v.to_string()
}

fn rule(name: &str, from: &[&str], to: &str, on: &[&str]) -> RuleConfig {
    RuleConfig {
        name: name.into(),
        description: String::new(),
        from: from.iter().map(|s| s.to_string()).collect(),
        to: to.into(),
        on: on.iter().map(|s| s.to_string()).collect(),
        when: None,
        priority: 0,
        allow_backward: false,
    }
}

/// An event as JSON for `ana`, with `extra` fields merged in (a `null` removes one).
fn ev(extra: Value) -> String {
    let mut v = json!({"customer": "ana", "at": "2026-03-10T10:00:00Z", "kind": "visit"});
    for (k, x) in extra.as_object().unwrap() {
        if x.is_null() {
            v.as_object_mut().unwrap().remove(k);
        } else {
            v[k] = x.clone();
        }
    }
    v.to_string()
}

// ---------------------------------------------------------------------------
// Snapshots, byte by byte
// ---------------------------------------------------------------------------

const HEADER: usize = 24;

/// A snapshot whose header (length, checksum) matches `body`.
fn reseal(snapshot: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = snapshot[..12].to_vec();
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// Replaces every occurrence of `from` (in `body[range]`) with `to`, same length.
fn replace_in(body: &mut [u8], range: std::ops::Range<usize>, from: &[u8], to: &[u8]) -> usize {
    assert_eq!(from.len(), to.len());
    let mut n = 0;
    let mut i = range.start;
    while i + from.len() <= range.end {
        if &body[i..i + from.len()] == from {
            body[i..i + from.len()].copy_from_slice(to);
            n += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    n
}

/// Where the model's JSON text lies in a snapshot body (it is the first field,
/// after its varint length).
fn config_range(body: &[u8]) -> std::ops::Range<usize> {
    let mut len = 0usize;
    let mut shift = 0;
    let mut i = 0;
    loop {
        let b = body[i];
        len |= ((b & 0x7f) as usize) << shift;
        i += 1;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    i..i + len
}

#[test]
fn crc_and_layout_match_the_snapshot_format() {
    let snap = engine().snapshot();
    assert_eq!(&snap[..8], b"CICLOSNP");
    assert_eq!(u32::from_le_bytes(snap[8..12].try_into().unwrap()), 8);
    let body = &snap[HEADER..];
    assert_eq!(reseal(&snap, body), snap);
    let range = config_range(body);
    let text = std::str::from_utf8(&body[range]).unwrap();
    assert_eq!(
        json::config_from_json(text).unwrap().config(),
        &presets::six_stage()
    );
}

#[rustfmt::skip]
fn corrupt_snapshots() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let snap = engine().snapshot();
    let body = snap[HEADER..].to_vec();
    let range = config_range(&body);
    let mut cases = vec![
        ("empty", Vec::new(), "header"),
        ("shorter than the header", snap[..HEADER - 1].to_vec(), "header"),
        ("bad magic", { let mut s = snap.clone(); s[0] = b'X'; s }, "magic"),
        ("wrong version", { let mut s = snap.clone(); s[8..12].copy_from_slice(&9u32.to_le_bytes()); s }, "version 9"),
        ("a version 8 payload labelled version 1", { let mut s = snap.clone(); s[8..12].copy_from_slice(&1u32.to_le_bytes()); s }, "undecodable payload"),
        ("a version 8 payload labelled version 2", { let mut s = snap.clone(); s[8..12].copy_from_slice(&2u32.to_le_bytes()); s }, "undecodable payload"),
        ("a version 8 payload labelled version 4", { let mut s = snap.clone(); s[8..12].copy_from_slice(&4u32.to_le_bytes()); s }, "undecodable payload"),
        ("a version 8 payload labelled version 5", { let mut s = snap.clone(); s[8..12].copy_from_slice(&5u32.to_le_bytes()); s }, "undecodable payload"),
        ("a version 8 payload labelled version 6", { let mut s = snap.clone(); s[8..12].copy_from_slice(&6u32.to_le_bytes()); s }, "undecodable payload"),
        ("version 0", { let mut s = snap.clone(); s[8..12].copy_from_slice(&0u32.to_le_bytes()); s }, "version 0"),
        ("truncated by one byte", snap[..snap.len() - 1].to_vec(), "truncated"),
        ("padded by one byte", { let mut s = snap.clone(); s.push(0); s }, "truncated or padded"),
        ("bit flip in the payload", { let mut s = snap.clone(); let i = snap.len() - 3; s[i] ^= 0x10; s }, "checksum"),
        ("length says more than there is", { let mut s = snap.clone(); s[12..20].copy_from_slice(&u64::MAX.to_le_bytes()); s }, "header says"),
        ("garbage payload with a valid checksum", reseal(&snap, &[0xff; 40]), "undecodable"),
        ("empty payload with a valid checksum", reseal(&snap, &[]), "undecodable"),
    ];
    // An invalid model (empty name) with a valid checksum.
    let mut b = body.clone();
    assert_eq!(
        replace_in(&mut b, range.clone(), b"\"six_stage\"", b"\"         \""),
        1
    );
    cases.push(("invalid model", reseal(&snap, &b), "model"));
    // A model without the stage `growth` that a customer is in.
    let mut b = body.clone();
    assert!(replace_in(&mut b, range.clone(), b"\"growth\"", b"\"grewth\"") > 0);
    cases.push(("customer in an unknown stage", reseal(&snap, &b), "growth"));
    // The same customer twice: two customers whose ids have the same length, the
    // second renamed to the first.
    let twins = Engine::new(StageModel::six_stage());
    // No change kept: the ids are written once, with the customers.
    twins
        .set_change_retention(ciclo::engine::FeedRetention {
            max_changes: 0,
            max_age: None,
        })
        .unwrap();
    for id in ["TWIN-A", "TWIN-B"] {
        twins
            .apply(&Event::new(
                id,
                t("2026-01-01T00:00:00Z"),
                BuiltinKind::Visit,
            ))
            .unwrap();
    }
    let tsnap = twins.snapshot();
    let mut b = tsnap[HEADER..].to_vec();
    let end = b.len();
    assert_eq!(replace_in(&mut b, 0..end, b"TWIN-B", b"TWIN-A"), 1);
    cases.push(("duplicate customer", reseal(&tsnap, &b), "appears twice"));
    cases
}

// ---------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------

enum Input {
    /// Parsed with `json::event_from_json`, then applied to the engine.
    EventJson(String),
    /// Applied to the engine.
    Event(Event),
    /// `json::config_from_json`.
    ConfigJson(String),
    /// `StageModel::compile` and `Engine::from_config`.
    Config(ModelConfig),
    /// `json::state_from_json` with the six_stage model.
    StateJson(String),
    /// `CustomerState::from_bytes` with the six_stage model.
    StateBytes(Vec<u8>),
    /// `Engine::customer`.
    Customer(&'static str),
    /// `Engine::restore`.
    Restore(Vec<u8>),
    /// `Timestamp::parse(text, "at")`.
    Timestamp(&'static str),
    /// `Timestamp::from_millis(ms, "at_ms")`.
    Millis(i64),
}

struct Case {
    desc: String,
    input: Input,
    kind: ErrorKind,
    needle: &'static str,
}

fn case(desc: &str, input: Input, kind: ErrorKind, needle: &'static str) -> Case {
    Case {
        desc: desc.to_string(),
        input,
        kind,
        needle,
    }
}

fn attempt(engine: &Engine, input: &Input) -> Result<(), Error> {
    let model = StageModel::six_stage();
    match input {
        Input::EventJson(text) => {
            let event = json::event_from_json(text)?;
            engine.apply(&event).map(drop)
        }
        Input::Event(event) => engine.apply(event).map(drop),
        Input::ConfigJson(text) => json::config_from_json(text).map(drop),
        Input::Config(config) => {
            let direct = StageModel::compile(config.clone()).map(drop);
            let via_engine = Engine::from_config(config.clone()).map(drop);
            assert_eq!(direct, via_engine);
            direct
        }
        Input::StateJson(text) => json::state_from_json(&model, text).map(drop),
        Input::StateBytes(bytes) => CustomerState::from_bytes(&model, bytes).map(drop),
        Input::Customer(id) => engine.customer(id).map(drop),
        Input::Restore(bytes) => Engine::restore(bytes).map(drop),
        Input::Timestamp(text) => Timestamp::parse(text, "at").map(drop),
        Input::Millis(ms) => Timestamp::from_millis(*ms, "at_ms").map(drop),
    }
}

fn check(cases: Vec<Case>) {
    let engine = engine();
    let mut failures = Vec::new();
    for c in &cases {
        let before = engine.snapshot();
        let result = attempt(&engine, &c.input);
        let after = engine.snapshot();
        if before != after {
            failures.push(format!("{}: the engine changed", c.desc));
        }
        match result {
            Ok(()) => failures.push(format!("{}: accepted", c.desc)),
            Err(e) => {
                let message = e.to_string();
                if e.kind() != c.kind {
                    failures.push(format!(
                        "{}: kind {:?}, expected {:?} ({message})",
                        c.desc,
                        e.kind(),
                        c.kind
                    ));
                } else if !message.contains(c.needle) {
                    failures.push(format!(
                        "{}: message `{message}` does not contain `{}`",
                        c.desc, c.needle
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// A configuration mistake, checked through the Rust API and through JSON.
fn config_cases(
    desc: &str,
    config: ModelConfig,
    kind: ErrorKind,
    needle: &'static str,
) -> [Case; 2] {
    let text = json::config_to_json(&config);
    [
        case(
            &format!("{desc} (Rust)"),
            Input::Config(config),
            kind,
            needle,
        ),
        case(
            &format!("{desc} (JSON)"),
            Input::ConfigJson(text),
            kind,
            needle,
        ),
    ]
}

#[rustfmt::skip]
#[test]
fn malformed_and_invalid_events() {
    use ErrorKind as K;
    use Input::EventJson as J;
    let base = r#"{"customer":"ana","at":"2026-03-10T10:00:00Z","kind":"visit"}"#;
    let cases = vec![
        case("truncated JSON", J(base[..base.len() - 1].into()), K::Json, "event"),
        case("not an object", J("[1, 2]".into()), K::Json, "event"),
        case("empty text", J("".into()), K::Json, "event"),
        case("trailing characters", J(format!("{base} x")), K::Json, "trailing"),
        case("amount is a string", J(ev(json!({"kind": "purchase", "amount": "12", "currency": "ARS"}))), K::Json, "amount"),
        case("amount is fractional", J(ev(json!({"kind": "purchase", "amount": 1.5, "currency": "ARS"}))), K::Json, "amount"),
        case("customer missing", J(ev(json!({"customer": null}))), K::Json, "customer"),
        case("attribute is an array", J(ev(json!({"attributes": {"x": [1]}}))), K::Json, "attributes.x"),
        case("duplicate field", J(r#"{"customer":"ana","at":"2026-03-10T10:00:00Z","kind":"visit","kind":"visit"}"# .into()), K::Json, "kind"),
        case("unknown field", J(ev(json!({"colour": "red"}))), K::UnknownField, "colour"),
        case("unknown field, nested value", J(ev(json!({"extra": {"a": 1}}))), K::UnknownField, "extra"),
        case("unknown kind", J(ev(json!({"kind": "webinar"}))), K::UnknownEventKind, "event.kind"),
        case("kind named like a trigger", J(ev(json!({"kind": "tick"}))), K::UnknownEventKind, "event.kind"),
        case("empty kind", J(ev(json!({"kind": ""}))), K::InvalidArgument, "event.kind"),
        case("unparsable timestamp", J(ev(json!({"at": "yesterday"}))), K::InvalidTimestamp, "event.at"),
        case("timestamp without offset", J(ev(json!({"at": "2026-03-10T10:00:00"}))), K::InvalidTimestamp, "event.at"),
        case("impossible date", J(ev(json!({"at": "2026-02-30T10:00:00Z"}))), K::InvalidTimestamp, "event.at"),
        case("year 0", J(ev(json!({"at": "0000-12-31T23:59:59Z"}))), K::InvalidTimestamp, "event.at"),
        case("offset before year 1", J(ev(json!({"at": "0001-01-01T00:00:00+01:00"}))), K::InvalidTimestamp, "event.at"),
        case("offset after year 9999", J(ev(json!({"at": "9999-12-31T23:30:00-01:00"}))), K::InvalidTimestamp, "event.at"),
        case("year 10000", J(ev(json!({"at": "10000-01-01T00:00:00Z"}))), K::InvalidTimestamp, "event.at"),
        case("negative amount", J(ev(json!({"kind": "purchase", "amount": -1, "currency": "ARS"}))), K::InvalidAmount, "event.amount"),
        case("amount without currency", J(ev(json!({"kind": "purchase", "amount": 100}))), K::InvalidAmount, "event.currency"),
        case("currency without amount", J(ev(json!({"kind": "purchase", "currency": "ARS"}))), K::InvalidAmount, "event.amount"),
        case("purchase without amount", J(ev(json!({"kind": "purchase"}))), K::InvalidAmount, "event.amount"),
        case("currency with a symbol", J(ev(json!({"kind": "purchase", "amount": 1, "currency": "AR$"}))), K::InvalidAmount, "event.currency"),
        case("currency of four letters", J(ev(json!({"kind": "purchase", "amount": 1, "currency": "ARSS"}))), K::InvalidAmount, "event.currency"),
        case("empty currency", J(ev(json!({"kind": "purchase", "amount": 1, "currency": ""}))), K::InvalidAmount, "event.currency"),
        case("non-ASCII currency", J(ev(json!({"kind": "purchase", "amount": 1, "currency": "ÑAR"}))), K::InvalidAmount, "event.currency"),
        case("amount on a visit", J(ev(json!({"amount": 1, "currency": "ARS"}))), K::InvalidArgument, "event.amount"),
        case("score on a visit", J(ev(json!({"score": 3}))), K::InvalidArgument, "event.score"),
        case("survey without score", J(ev(json!({"kind": "survey"}))), K::InvalidArgument, "event.score"),
        case("survey score above 100", J(ev(json!({"kind": "survey", "score": 101}))), K::InvalidArgument, "event.score"),
        case("survey score negative", J(ev(json!({"kind": "survey", "score": -0.5}))), K::InvalidArgument, "event.score"),
        case("negative usage", J(ev(json!({"kind": "usage", "quantity": -1}))), K::InvalidArgument, "event.quantity"),
        case("quantity on a purchase", J(ev(json!({"kind": "purchase", "amount": 1, "currency": "ARS", "quantity": 1}))), K::InvalidArgument, "event.quantity"),
        case("reason on a purchase", J(ev(json!({"kind": "purchase", "amount": 1, "currency": "ARS", "reason": "x"}))), K::InvalidArgument, "event.reason"),
        case("category on a visit", J(ev(json!({"category": "hogar"}))), K::InvalidArgument, "event.category"),
        case("control character in a category", J(ev(json!({"kind": "complaint", "category": "a\u{7}b"}))), K::InvalidArgument, "event.category"),
        case("empty customer", J(ev(json!({"customer": ""}))), K::InvalidArgument, "event.customer"),
        case("empty id", J(ev(json!({"id": ""}))), K::InvalidArgument, "event.id"),
        case("customer id too long", J(ev(json!({"customer": "x".repeat(1025)}))), K::InvalidArgument, "event.customer"),
        case("empty attribute name", J(ev(json!({"attributes": {"": 1}}))), K::InvalidArgument, "event.attributes"),
        case("out of order", J(ev(json!({"at": "2026-02-28T10:00:00Z"}))), K::OutOfOrder, "event.at"),
        case("out of order names the customer", J(ev(json!({"at": "2026-03-01T09:59:59.999Z"}))), K::OutOfOrder, "`ana`"),
        case("out of order names the watermark", J(ev(json!({"at": "2026-01-01T00:00:00Z"}))), K::OutOfOrder, "2026-03-01T10:00:00Z"),
    ];
    check(cases);
}

#[rustfmt::skip]
#[test]
fn invalid_events_through_the_rust_api() {
    use ErrorKind as K;
    use Input::Event as E;
    let at = t("2026-03-10T10:00:00Z");
    let visit = || Event::new("ana", at, BuiltinKind::Visit);
    let purchase =
        |minor, code| Event::new("ana", at, BuiltinKind::Purchase).with_amount(money(minor, code));
    let mut inf_attr = visit();
    inf_attr
        .attributes
        .insert("n".into(), AttrValue::Number(f64::INFINITY));
    let mut nan_attr = visit();
    nan_attr
        .attributes
        .insert("n".into(), AttrValue::Number(f64::NAN));
    let cases = vec![
        case("negative amount", E(purchase(-5, "ARS")), K::InvalidAmount, "event.amount"),
        case("purchase without amount", E(Event::new("ana", at, BuiltinKind::Purchase)), K::InvalidAmount, "event.amount"),
        case("revenue overflow", E(purchase(i64::MAX, "ARS")), K::InvalidAmount, "event.amount"),
        case("NaN quantity", E(Event::new("ana", at, BuiltinKind::Usage).with_quantity(f64::NAN)), K::InvalidArgument, "event.quantity"),
        case("infinite quantity", E(Event::new("ana", at, BuiltinKind::Usage).with_quantity(f64::INFINITY)), K::InvalidArgument, "event.quantity"),
        case("NaN score", E(Event::new("ana", at, BuiltinKind::Survey).with_score(f64::NAN)), K::InvalidArgument, "event.score"),
        case("infinite attribute", E(inf_attr), K::InvalidArgument, "event.attributes.n"),
        case("NaN attribute", E(nan_attr), K::InvalidArgument, "event.attributes.n"),
        case("custom kind not in the model", E(Event::new("ana", at, EventKind::Custom("webinar".into()))), K::UnknownEventKind, "event.kind"),
        case("unknown kind for a new customer", E(Event::new("nuevo", at, EventKind::Custom("webinar".into()))), K::UnknownEventKind, "event.kind"),
        case("invalid event for a new customer", E(Event::new("nuevo", at, BuiltinKind::Purchase)), K::InvalidAmount, "event.amount"),
        case("reason too long", E(Event::new("ana", at, BuiltinKind::Cancellation).with_reason("x".repeat(1025))), K::InvalidArgument, "event.reason"),
        case("control character in the customer", E(Event::new("a\nna", at, BuiltinKind::Visit)), K::InvalidArgument, "event.customer"),
        case("out of order by one millisecond", E(Event::new("ana", Timestamp::from_millis(t("2026-03-01T10:00:00Z").as_millis() - 1, "t").unwrap(), BuiltinKind::Visit)), K::OutOfOrder, "event.at"),
        case("out of order with a fresh id", E(Event::new("ana", t("2026-01-01T00:00:00Z"), BuiltinKind::Visit).with_id("fresh")), K::OutOfOrder, "`ana`"),
        case("unknown customer", Input::Customer("nadie"), K::NotFound, "`nadie`"),
        case("unknown customer, empty id", Input::Customer(""), K::NotFound, "customer"),
        case("timestamp text", Input::Timestamp("2026-03-10 10:00"), K::InvalidTimestamp, "at"),
        case("millis too large", Input::Millis(i64::MAX), K::InvalidTimestamp, "at_ms"),
        case("millis too small", Input::Millis(Timestamp::MIN.as_millis() - 1), K::InvalidTimestamp, "at_ms"),
        case("millis just past 9999", Input::Millis(Timestamp::MAX.as_millis() + 1), K::InvalidTimestamp, "at_ms"),
    ];
    check(cases);
}

#[rustfmt::skip]
#[test]
fn invalid_configurations() {
    use ErrorKind as K;
    use Input::ConfigJson as J;
    let mut cases = vec![
        case("malformed JSON", J("{\"name\": ".into()), K::Json, "config"),
        case("not an object", J("[]".into()), K::Json, "config"),
        case("stages of the wrong type", J(six_json(|v| v["stages"] = json!(5))), K::Json, "stages"),
        case("rules missing", J(six_json(|v| { v.as_object_mut().unwrap().remove("rules"); })), K::Json, "rules"),
        case("on of the wrong type", J(six_json(|v| v["rules"][0]["on"] = json!(5))), K::Json, "rules[0].on"),
        case("threshold out of f64 range", J(six_json(|v| v["lead_scoring"]["threshold"] = json!(0)).replace("\"threshold\":0", "\"threshold\":1e400")), K::Json, "lead_scoring.threshold"),
        case("unknown top-level field", J(six_json(|v| v["colour"] = json!(1))), K::UnknownField, "colour"),
        case("unknown field in a rule", J(six_json(|v| v["rules"][1]["colour"] = json!(1))), K::UnknownField, "rules[1].colour"),
        case("unknown field in a stage", J(six_json(|v| v["stages"][2]["colour"] = json!(1))), K::UnknownField, "stages[2].colour"),
        case("unknown field in a condition", J(six_json(|v| { v["rules"][0]["when"]["all"][0]["colour"] = json!(1) })), K::UnknownField, "rules[0].when.all[0].colour"),
        case("unknown field in lead scoring", J(six_json(|v| v["lead_scoring"]["colour"] = json!(1))), K::UnknownField, "lead_scoring.colour"),
        case("unknown field in metrics", J(six_json(|v| v["metrics"]["colour"] = json!(1))), K::UnknownField, "metrics.colour"),
        case("unknown field next to a preset", J(r#"{"preset": "six_stage", "extra": 1}"#.into()), K::UnknownField, "extra"),
        case("unknown preset", J(r#"{"preset": "seven_stage"}"#.into()), K::Config, "preset"),
        case("preset not a string", J(r#"{"preset": 6}"#.into()), K::Json, "preset"),
        case("unknown kind in a rule's on", J(six_json(|v| { v["rules"][2]["on"] = json!(["purchase", "compra"]) })), K::UnknownEventKind, "rules[2].on[1]"),
        case("unknown kind as a single on", J(six_json(|v| v["rules"][2]["on"] = json!("compra"))), K::UnknownEventKind, "rules[2].on[0]"),
    ];
    let c = |desc: &str, config, kind, needle| {
        config_cases(desc, config, kind, needle)
            .into_iter()
            .collect::<Vec<_>>()
    };
    // Non-finite numbers cannot be written as JSON: the Rust API only.
    let r =
        |desc: &str, config, kind, needle| vec![case(desc, Input::Config(config), kind, needle)];
    let tables = [
        c("rule to an unknown stage", six_with(|m| m.rules[3].to = "lealtad".into()), K::UnknownStage, "rules[3].to"),
        c("rule from an unknown stage", six_with(|m| m.rules[0].from.push("limbo".into())), K::UnknownStage, "rules[0].from[1]"),
        c("unknown initial stage", six_with(|m| m.initial = Some("limbo".into())), K::UnknownStage, "initial"),
        c("unknown metric", six_with(|m| m.rules[2].when = Some(ConditionConfig::cmp("colour", "==", 1.0))), K::UnknownMetric, "rules[2].when.metric"),
        c("unknown metric, nested", six_with(|m| { m.rules[0].when = Some(ConditionConfig::all(vec![ConditionConfig::cmp("lead_score", ">", 1.0), ConditionConfig::negate(ConditionConfig::cmp("colour", "==", 1.0))])) }), K::UnknownMetric, "rules[0].when.all[1].not.metric"),
        c("bad operator", six_with(|m| m.rules[2].when = Some(ConditionConfig::cmp("purchase_count", "=>", 1.0))), K::Config, "rules[2].when.op"),
        c("two condition forms", six_with(|m| { let mut w = ConditionConfig::cmp("purchase_count", ">=", 1.0); w.all = Some(vec![]); m.rules[2].when = Some(w); }), K::Config, "rules[2].when"),
        c("comparison without value", six_with(|m| { let mut w = ConditionConfig::cmp("purchase_count", ">=", 1.0); w.value = None; m.rules[2].when = Some(w); }), K::Config, "rules[2].when.value"),
        r("infinite comparison value", six_with(|m| { m.rules[2].when = Some(ConditionConfig::cmp("purchase_count", ">=", f64::INFINITY)) }), K::Config, "rules[2].when.value"),
        c("duplicate stage", six_with(|m| m.stages[3].name = "conversion".into()), K::Config, "stages[3].name"),
        c("empty stage name", six_with(|m| m.stages[1].name = " ".into()), K::Config, "stages[1].name"),
        c("no stages", six_with(|m| m.stages.clear()), K::Config, "stages"),
        c("too many stages", six_with(|m| { m.stages.extend((0..60).map(|i| StageConfig { name: format!("s{i}"), description: String::new() })) }), K::Config, "stages"),
        c("empty model name", six_with(|m| m.name = "".into()), K::Config, "name"),
        c("duplicate rule", six_with(|m| m.rules[3].name = "cross_sell".into()), K::Config, "rules[3].name"),
        c("empty rule name", six_with(|m| m.rules[4].name = "".into()), K::Config, "rules[4].name"),
        c("rule without triggers", six_with(|m| m.rules[0].on.clear()), K::Config, "rules[0].on"),
        c("unreachable stage", six_with(|m| { m.stages.push(StageConfig { name: "limbo".into(), description: String::new() }) }), K::Config, "stages[6]"),
        c("stage before the initial stage that no rule reaches", six_with(|m| { m.stages.insert(0, StageConfig { name: "limbo".into(), description: String::new() }); m.initial = Some("awareness".into()); }), K::Config, "stages[0]"),
        c("backward-only rule without allow_backward", six_with(|m| { m.rules.push(rule("regreso", &["growth", "retention"], "conversion", &["purchase"])) }), K::Config, "rules[8].to"),
        c("rule to its only from stage", six_with(|m| { m.rules.push(rule("quieto", &["growth"], "growth", &["visit"])) }), K::Config, "rules[8].to"),
        r("infinite lead threshold", six_with(|m| m.lead_scoring.threshold = f64::INFINITY), K::Config, "lead_scoring.threshold"),
        r("NaN lead threshold", six_with(|m| m.lead_scoring.threshold = f64::NAN), K::Config, "lead_scoring.threshold"),
        r("NaN lead points", six_with(|m| { m.lead_scoring.points.insert("visit".into(), f64::NAN); }), K::Config, "lead_scoring.points.visit"),
        r("infinite lead points", six_with(|m| { m.lead_scoring.points.insert("outreach".into(), f64::NEG_INFINITY); }), K::Config, "lead_scoring.points.outreach"),
        r("NaN half-life", six_with(|m| m.lead_scoring.half_life_days = Some(f64::NAN)), K::Config, "lead_scoring.half_life_days"),
        c("zero half-life", six_with(|m| m.lead_scoring.half_life_days = Some(0.0)), K::Config, "lead_scoring.half_life_days"),
        c("negative half-life", six_with(|m| m.lead_scoring.half_life_days = Some(-1.0)), K::Config, "lead_scoring.half_life_days"),
        c("zero metric window", six_with(|m| m.metrics.window_days = 0.0), K::Config, "metrics.window_days"),
        r("infinite usage half-life", six_with(|m| m.metrics.usage_trailing_half_life_days = f64::INFINITY), K::Config, "metrics.usage_trailing_half_life_days"),
        c("lead points for an unknown kind", six_with(|m| { m.lead_scoring.points.insert("webinar".into(), 5.0); }), K::UnknownEventKind, "lead_scoring.points.webinar"),
        c("custom kind named like a built-in", six_with(|m| m.custom_events = vec!["purchase".into()]), K::Config, "custom_events[0]"),
        c("custom kind named tick", six_with(|m| m.custom_events = vec!["tick".into()]), K::Config, "custom_events[0]"),
        c("custom kind named any_event", six_with(|m| m.custom_events = vec!["webinar".into(), "any_event".into()]), K::Config, "custom_events[1]"),
        c("duplicate custom kind", six_with(|m| m.custom_events = vec!["webinar".into(), "webinar".into()]), K::Config, "custom_events[1]"),
    ];
    cases.extend(tables.into_iter().flatten());
    check(cases);
}

#[rustfmt::skip]
#[test]
fn invalid_states() {
    use ErrorKind as K;
    use Input::StateJson as S;
    let engine = engine();
    let bytes = engine.customer("ana").unwrap().to_bytes(engine.model());
    let cases = vec![
        case("malformed JSON", S("{\"stage\":".into()), K::Json, "state"),
        case("unknown stage", S(ana_state_json(|v| v["stage"] = json!("lealtad"))), K::UnknownStage, "state.stage"),
        case("unknown stage in the history", S(ana_state_json(|v| v["history"][1]["to"] = json!("lealtad"))), K::UnknownStage, "state.history[1].to"),
        case("unknown from stage in the history", S(ana_state_json(|v| { v["history"][2]["from"] = json!("lealtad") })), K::UnknownStage, "state.history[2].from"),
        case("unknown rule in the history", S(ana_state_json(|v| v["history"][1]["rule"] = json!("magia"))), K::InvalidArgument, "state.history[1].rule"),
        case("unknown cause in the history", S(ana_state_json(|v| { v["history"][0]["cause"] = json!("webinar") })), K::UnknownEventKind, "state.history[0].cause"),
        case("empty history", S(ana_state_json(|v| v["history"] = json!([]))), K::InvalidArgument, "state.history"),
        case("first entry with a rule", S(ana_state_json(|v| { v["history"][0]["rule"] = json!("first_purchase") })), K::InvalidArgument, "state.history[0]"),
        case("rule that leads elsewhere", S(ana_state_json(|v| { v["history"][1]["rule"] = json!("lapsed") })), K::InvalidArgument, "does not lead to"),
        case("negative revenue", S(ana_state_json(|v| { v["metrics"]["purchases"]["revenue"] = json!(-100) })), K::InvalidArgument, "state.metrics.purchases"),
        case("counter at its limit", S(ana_state_json(|v| { v["metrics"]["purchases"]["count"] = json!(4294967295u64) })), K::InvalidArgument, "state.metrics.purchases"),
        case("activity after the watermark", S(ana_state_json(|v| { v["metrics"]["last_activity"] = json!("9999-01-01T00:00:00Z") })), K::InvalidArgument, "state.metrics.last_activity"),
        case("broken chain", S(ana_state_json(|v| { v["history"][2]["from"] = json!("awareness") })), K::InvalidArgument, "state.history[2].from"),
        case("history out of time order", S(ana_state_json(|v| { v["history"][2]["at"] = json!("2026-01-01T00:00:00Z") })), K::InvalidArgument, "state.history[2].at"),
        case("missing rule", S(ana_state_json(|v| v["history"][2]["rule"] = json!(null))), K::InvalidArgument, "state.history[2].rule"),
        case("stage is not the last entry", S(ana_state_json(|v| v["stage"] = json!("retention"))), K::InvalidArgument, "state.stage"),
        case("stage_entered is not the last entry", S(ana_state_json(|v| { v["stage_entered"] = json!("2026-03-02T00:00:00Z") })), K::InvalidArgument, "state.stage_entered"),
        case("watermark before the last entry", S(ana_state_json(|v| { v["watermark"] = json!("2026-01-01T00:00:00Z") })), K::InvalidArgument, "state.watermark"),
        case("too many recent ids", S(ana_state_json(|v| { v["recent_event_ids"] = json!(vec!["00000000000000ff"; 9]) })), K::InvalidArgument, "state.recent_event_ids"),
        case("bad fingerprint", S(ana_state_json(|v| v["recent_event_ids"] = json!(["zz"]))), K::Json, "recent_event_ids"),
        case("unknown field", S(ana_state_json(|v| v["colour"] = json!(1))), K::UnknownField, "colour"),
        case("unknown field in the history", S(ana_state_json(|v| v["history"][1]["colour"] = json!(1))), K::UnknownField, "history[1].colour"),
        case("bad timestamp", S(ana_state_json(|v| v["watermark"] = json!("ayer"))), K::Json, "watermark"),
        case("metrics missing", S(ana_state_json(|v| { v.as_object_mut().unwrap().remove("metrics"); })), K::Json, "metrics"),
        case("garbage bytes", Input::StateBytes(vec![0xff; 7]), K::InvalidArgument, "state"),
        case("empty bytes", Input::StateBytes(Vec::new()), K::InvalidArgument, "state"),
        case("truncated bytes", Input::StateBytes(bytes[..bytes.len() / 2].to_vec()), K::InvalidArgument, "state"),
    ];
    check(cases);
}

#[test]
fn corrupt_snapshots_are_rejected() {
    let cases = corrupt_snapshots()
        .into_iter()
        .map(|(desc, bytes, needle)| {
            case(
                desc,
                Input::Restore(bytes),
                ErrorKind::CorruptSnapshot,
                needle,
            )
        })
        .collect();
    check(cases);
}

/// A small engine, so that every truncation and every bit flip can be tried.
fn small_snapshot() -> Vec<u8> {
    let config = json::config_from_json(
        r#"{"name": "mini", "stages": [{"name": "a"}, {"name": "b"}],
            "rules": [{"name": "r", "to": "b", "on": "purchase"}]}"#,
    )
    .unwrap()
    .config()
    .clone();
    let engine = Engine::from_config(config).unwrap();
    engine
        .apply(
            &Event::new("c", t("2026-01-01T00:00:00Z"), BuiltinKind::Purchase)
                .with_id("e")
                .with_amount(money(1, "ARS")),
        )
        .unwrap();
    let bytes = engine.snapshot();
    assert!(bytes.len() < 1500, "{} bytes", bytes.len());
    Engine::restore(&bytes).unwrap();
    bytes
}

#[test]
fn every_truncation_of_a_snapshot_is_rejected() {
    for bytes in [small_snapshot(), engine().snapshot()] {
        for len in 0..bytes.len() {
            match Engine::restore(&bytes[..len]) {
                Err(e) => assert_eq!(e.kind(), ErrorKind::CorruptSnapshot, "length {len}: {e}"),
                Ok(_) => panic!(
                    "a snapshot truncated to {len} of {} bytes restored",
                    bytes.len()
                ),
            }
        }
    }
}

#[test]
fn every_single_bit_flip_of_a_snapshot_is_rejected() {
    let bytes = small_snapshot();
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut flipped = bytes.clone();
            flipped[i] ^= 1 << bit;
            match Engine::restore(&flipped) {
                Err(e) => assert_eq!(
                    e.kind(),
                    ErrorKind::CorruptSnapshot,
                    "byte {i} bit {bit}: {e}"
                ),
                Ok(_) => panic!("flipping bit {bit} of byte {i} went unnoticed"),
            }
        }
    }
    // The header of a full six_stage snapshot, and a sample of its payload.
    let bytes = engine().snapshot();
    for i in (0..HEADER).chain((HEADER..bytes.len()).step_by(97)) {
        for bit in 0..8 {
            let mut flipped = bytes.clone();
            flipped[i] ^= 1 << bit;
            let err = Engine::restore(&flipped).err();
            assert_eq!(
                err.map(|e| e.kind()),
                Some(ErrorKind::CorruptSnapshot),
                "byte {i} bit {bit}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Found bugs
// ---------------------------------------------------------------------------

/// `json::read` strips the unknown field's name from the end of the path with
/// `trim_end_matches(name)`, which also eats a parent key that ends with the same
/// letters: an unknown field `s` in `metrics` is reported as `metric.s`.
#[test]
fn unknown_field_whose_name_ends_its_parent_key() {
    let text = six_json(|v| v["metrics"]["s"] = json!(1));
    let err = json::config_from_json(&text).unwrap_err();
    assert_eq!(
        err,
        Error::UnknownField {
            what: "config",
            field: "metrics.s".into()
        }
    );
    let text = six_json(|v| v["lead_scoring"]["ring"] = json!(1));
    let err = json::config_from_json(&text).unwrap_err();
    assert_eq!(
        err,
        Error::UnknownField {
            what: "config",
            field: "lead_scoring.ring".into()
        }
    );
}

/// Input is strict ("unknown fields are errors"), but `Metrics` (and the types in
/// it) do not deny unknown fields: a state JSON with an extra field inside
/// `metrics` is accepted and the field silently dropped.
#[test]
fn unknown_field_in_state_metrics_is_rejected() {
    check(vec![
        case(
            "unknown field in metrics",
            Input::StateJson(ana_state_json(|v| v["metrics"]["colour"] = json!(1))),
            ErrorKind::UnknownField,
            "metrics.colour",
        ),
        case(
            "unknown field in an incident",
            Input::StateJson(ana_state_json(|v| {
                v["metrics"]["service"] = json!({
                    "complaint_count": 0, "ticket_count": 1, "open_tickets": 1,
                    "payment_failure_count": 0, "satisfaction": null,
                    "previous_satisfaction": null, "usage": null,
                    "incidents": [{"at": "2026-02-01T10:00:00Z", "kind": "ticket", "colour": 1}]
                })
            })),
            ErrorKind::UnknownField,
            "colour",
        ),
    ]);
}
