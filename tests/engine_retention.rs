//! Retention through the engine: triggers per customer and for all, models
//! fitted on the engine's customers, win-back candidates and outcomes, and
//! the whole retention state through snapshots.

use ciclo::model::Timestamp;
use ciclo::retention::{ClvOptions, ModelFitOptions, Signal, TriggerConfig};
use ciclo::{json, Engine, StageModel};

fn at(day: &str) -> Timestamp {
    Timestamp::parse(&format!("{day}T12:00:00Z"), "at").unwrap()
}

fn send(engine: &Engine, customer: &str, day: &str, kind: &str, extra: &str) {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(", {extra}")
    };
    let event = json::event_from_json(&format!(
        r#"{{"customer": "{customer}", "at": "{day}T10:00:00Z", "kind": "{kind}"{extra}}}"#
    ))
    .unwrap();
    engine.apply(&event).unwrap();
}

fn buy(engine: &Engine, customer: &str, day: &str, amount: i64) {
    send(
        engine,
        customer,
        day,
        "purchase",
        &format!(r#""amount": {amount}, "currency": "ARS""#),
    );
}

/// Forty customers buying on their own rhythms, some slipping away, two who
/// complained, two who cancelled.
fn population() -> Engine {
    let engine = Engine::new(StageModel::six_stage());
    for i in 0..40u32 {
        let id = format!("c{i:02}");
        let every = 5 + (i % 7) * 4; // days between purchases
        let count = 2 + i % 5;
        let start = 1 + i % 20;
        for k in 0..count {
            let day = start + k * every;
            let date = ciclo::model::Timestamp::parse("2026-01-01T00:00:00Z", "t")
                .unwrap()
                .plus_days(f64::from(day));
            let day = &date.to_string()[..10];
            buy(&engine, &id, day, 10_000 + i64::from(i) * 500);
        }
    }
    send(&engine, "c03", "2026-04-01", "complaint", "");
    send(&engine, "c03", "2026-04-02", "complaint", "");
    send(
        &engine,
        "c07",
        "2026-04-01",
        "cancellation",
        r#""reason": "price""#,
    );
    send(&engine, "c11", "2026-03-20", "support_ticket", "");
    send(&engine, "c11", "2026-03-21", "cancellation", "");
    engine
}

#[test]
fn triggers_fire_once_per_cooldown() {
    let engine = population();
    let firings = engine.evaluate("c03", at("2026-04-03")).unwrap();
    assert_eq!(firings[0].rule, "discontent");
    assert!(engine.evaluate("c03", at("2026-04-04")).unwrap().is_empty());
    assert!(engine.evaluate("nobody", at("2026-04-04")).is_err());
    // Everyone at once: sorted by customer, the complainer already served.
    let all = engine.evaluate_all(at("2026-04-05"));
    assert!(all.windows(2).all(|w| w[0].0 <= w[1].0));
    assert!(!all.iter().any(|(c, _)| c == "c03"));
    let later = engine.evaluate_all(at("2026-05-15"));
    assert!(
        later
            .iter()
            .any(|(c, f)| c == "c11" && f.rule == "win_back"),
        "{later:?}"
    );
    // Signals and churn through the engine.
    let signals = engine.signals("c03", at("2026-04-05")).unwrap();
    assert_eq!(signals.get(Signal::ComplaintsInWindow), Some(2.0));
    let risk = engine.churn_risk("c03", at("2026-04-05")).unwrap();
    assert_eq!(risk.score, signals.get(Signal::ChurnRisk));
}

#[test]
fn models_fitted_on_the_engine_feed_the_signals() {
    let engine = population();
    assert_eq!(
        engine
            .signals("c05", at("2026-04-05"))
            .unwrap()
            .get(Signal::PAlive),
        None
    );
    let (purchases, spend) = engine
        .fit_models(at("2026-04-05"), &ModelFitOptions::default())
        .unwrap();
    assert_eq!(purchases.customers, 40);
    assert_eq!(spend.customers + spend.skipped, 40);
    let s = engine.signals("c05", at("2026-04-05")).unwrap();
    let alive = s.get(Signal::PAlive).unwrap();
    assert!((0.0..=1.0).contains(&alive));
    assert!(s.get(Signal::ExpectedValue).unwrap() > 0.0);
    assert!(engine.models().is_some());
    assert!(engine
        .fit_models(at("2026-04-05"), &ModelFitOptions::new(0.0))
        .is_err());
    // Customers paying in two currencies: the spend model needs one named.
    let mixed = population();
    buy(&mixed, "eu", "2026-01-03", 5_000);
    let eur = ciclo::json::event_from_json(
        r#"{"customer": "eu2", "at": "2026-01-04T10:00:00Z", "kind": "purchase", "amount": 7000, "currency": "EUR"}"#,
    )
    .unwrap();
    mixed.apply(&eur).unwrap();
    let err = mixed
        .fit_models(at("2026-04-05"), &ModelFitOptions::default())
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid argument currency: the customers pay in ARS, EUR"),
        "{err}"
    );
    let ars = ModelFitOptions {
        currency: Some(ciclo::model::Currency::parse("ARS", "c").unwrap()),
        ..ModelFitOptions::default()
    };
    let (purchases, spend) = mixed.fit_models(at("2026-04-05"), &ars).unwrap();
    assert_eq!(purchases.customers, 42);
    assert_eq!(spend.customers + spend.skipped, 41);
    // The euro customer gets P(alive), not a value in pesos.
    let s = mixed.signals("eu2", at("2026-04-05")).unwrap();
    assert!(s.get(Signal::PAlive).is_some());
    assert_eq!(s.get(Signal::ExpectedValue), None);
    // Bad CLV options are refused.
    let mut bad = ModelFitOptions::default();
    bad.clv.monthly_discount = -5.0;
    assert!(engine
        .fit_models(at("2026-04-05"), &bad)
        .unwrap_err()
        .to_string()
        .contains("clv.monthly_discount"));
    // An engine without purchases has nothing to fit.
    let empty = Engine::new(StageModel::six_stage());
    send(&empty, "p", "2026-01-01", "visit", "");
    let err = empty
        .fit_models(at("2026-04-05"), &ModelFitOptions::default())
        .unwrap_err();
    assert!(err.to_string().contains("customers"), "{err}");
}

#[test]
fn win_back_candidates_are_ranked_and_outcomes_measured() {
    let engine = population();
    let now = at("2026-06-01");
    let candidates = engine.win_back_candidates(now, 100);
    assert!(candidates
        .windows(2)
        .all(|w| w[0].expected_value >= w[1].expected_value));
    let price = candidates.iter().find(|c| c.customer == "c07").unwrap();
    assert_eq!(price.exit_reason, "price");
    assert_eq!(
        price.lapsed_at,
        Timestamp::parse("2026-04-01T10:00:00Z", "t").unwrap()
    );
    let silent = candidates.iter().find(|c| c.customer == "c11").unwrap();
    assert_eq!(silent.exit_reason, "cancelled");
    assert!(
        silent.last_signals.contains(&(Signal::OpenTickets, 1.0)),
        "{:?}",
        silent.last_signals
    );
    assert!(candidates.iter().any(|c| c.exit_reason == "inactive"));
    assert_eq!(engine.win_back_candidates(now, 2).len(), 2);
    // Before any outcome, the assumed 10%; after two wins of two, more.
    assert!((price.win_back_probability - 0.1).abs() < 1e-12);
    engine.record_win_back("c07", now, true).unwrap();
    engine.record_win_back("c07", now, true).unwrap();
    let stats = engine.win_back_stats();
    assert_eq!(stats.by_reason["price"].attempts, 2);
    assert_eq!(stats.rate(), Some(1.0));
    let again = engine.win_back_candidates(now, 100);
    let price = again.iter().find(|c| c.customer == "c07").unwrap();
    assert!((price.win_back_probability - 3.0 / 12.0).abs() < 1e-12);
}

#[test]
fn retention_state_survives_snapshots_and_erasure() {
    let engine = population();
    let config = TriggerConfig {
        contract_term_days: Some(365.0),
        ..TriggerConfig::default()
    };
    engine.set_retention(config.clone()).unwrap();
    engine.evaluate("c03", at("2026-04-03")).unwrap();
    engine
        .fit_models(at("2026-04-05"), &ModelFitOptions::default())
        .unwrap();
    engine
        .record_win_back("c07", at("2026-06-01"), false)
        .unwrap();
    let bytes = engine.snapshot();
    let restored = Engine::restore(&bytes).unwrap();
    assert_eq!(restored.snapshot(), bytes);
    assert_eq!(restored.retention_config(), config);
    assert_eq!(restored.models(), engine.models());
    assert_eq!(restored.win_back_stats(), engine.win_back_stats());
    // The cooldown came along.
    assert!(restored
        .evaluate("c03", at("2026-04-04"))
        .unwrap()
        .is_empty());
    // A bad configuration changes nothing.
    let mut bad = TriggerConfig::default();
    bad.rules[0].stages = vec!["limbo".into()];
    assert!(restored.set_retention(bad).is_err());
    assert_eq!(restored.retention_config(), config);
    // Erasure takes the firing log with the customer.
    restored.remove("c03").unwrap();
    send(&restored, "c03", "2026-04-04", "complaint", "");
    send(&restored, "c03", "2026-04-04", "complaint", "");
    assert_eq!(
        restored.evaluate("c03", at("2026-04-04")).unwrap()[0].rule,
        "discontent"
    );
}

#[test]
fn evaluating_without_firings_leaves_no_trace() {
    let engine = Engine::new(StageModel::six_stage());
    send(&engine, "p", "2026-01-01", "visit", "");
    let before = engine.snapshot();
    assert!(engine.evaluate("p", at("2026-01-02")).unwrap().is_empty());
    assert!(engine.evaluate_all(at("2026-01-03")).is_empty());
    assert_eq!(engine.snapshot(), before);
    let restored = Engine::restore(&before).unwrap();
    assert_eq!(restored.snapshot(), before);
}

#[test]
fn triggers_on_every_event_and_every_tick() {
    let engine = Engine::new(StageModel::six_stage());
    let mut fired = Vec::new();
    for line in [
        r#"{"customer": "ana", "at": "2026-01-05T10:00:00Z", "kind": "purchase", "amount": 90000, "currency": "ARS"}"#,
        r#"{"customer": "ana", "at": "2026-01-15T10:00:00Z", "kind": "purchase", "amount": 90000, "currency": "ARS"}"#,
        r#"{"customer": "ana", "at": "2026-02-01T10:00:00Z", "kind": "complaint"}"#,
        r#"{"customer": "ana", "at": "2026-02-03T10:00:00Z", "kind": "complaint"}"#,
    ] {
        let event = json::event_from_json(line).unwrap();
        let (outcome, firings) = engine.apply_and_evaluate(&event).unwrap();
        // The event itself was applied as `apply` would.
        assert_eq!(engine.customer("ana").unwrap().watermark(), event.at);
        assert_eq!(outcome.stage, engine.customer("ana").unwrap().stage());
        fired.extend(firings);
    }
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].rule, "discontent");
    // A bad event changes nothing and evaluates nothing.
    assert!(engine
        .apply_and_evaluate(
            &json::event_from_json(
                r#"{"customer": "ana", "at": "2026-01-01T10:00:00Z", "kind": "complaint"}"#
            )
            .unwrap()
        )
        .is_err());
    // Months later, on a tick: bought every 10 days, then nothing for long.
    let (report, firings) = engine.tick_and_evaluate(at("2026-06-01"));
    assert_eq!(report.now, at("2026-06-01"));
    assert_eq!(firings.len(), 1, "{firings:?}");
    assert_eq!(
        (firings[0].0.as_str(), firings[0].1.rule.as_str()),
        ("ana", "win_back")
    );
}

#[test]
fn a_merge_carries_the_firing_log_to_the_survivor() {
    use ciclo::consolidation::golden::SourceKey;
    use ciclo::model::Record;
    let engine = Engine::new(StageModel::six_stage());
    let person = |g: &str, s: &str, e: &str| Record {
        given_name: Some(g.into()),
        surname: Some(s.into()),
        email: Some(e.into()),
        country: Some("AR".into()),
        ..Record::default()
    };
    let a = engine
        .ingest(
            SourceKey::new("crm", "1").unwrap(),
            at("2026-01-01"),
            person("Ana", "Ruiz", "ana@ruiz.es"),
        )
        .unwrap();
    let b = engine
        .ingest(
            SourceKey::new("erp", "7").unwrap(),
            at("2026-01-01"),
            person("Luis", "Paz", "luis@paz.com.ar"),
        )
        .unwrap();
    let (ga, gb) = (a.golden.to_string(), b.golden.to_string());
    buy(&engine, &ga, "2026-01-02", 1000);
    buy(&engine, &gb, "2026-01-02", 1000);
    send(&engine, &gb, "2026-01-03", "complaint", "");
    send(&engine, &gb, "2026-01-04", "complaint", "");
    assert_eq!(
        engine.evaluate(&gb, at("2026-01-04")).unwrap()[0].rule,
        "discontent"
    );
    let merged = engine.merge(b.golden, a.golden).unwrap();
    let survivor = merged.survivor.to_string();
    // The survivor inherits the complaints and the cooldown of what they
    // caused: no second outreach for them.
    let again = engine.evaluate(&survivor, at("2026-01-05")).unwrap();
    assert!(again.iter().all(|f| f.rule != "discontent"), "{again:?}");
    // No log is left behind under the retired id: a snapshot restores the same.
    let bytes = engine.snapshot();
    assert_eq!(Engine::restore(&bytes).unwrap().snapshot(), bytes);
    assert!(!String::from_utf8_lossy(&bytes)
        .contains(&format!("[\"{}\",{{\"entries\"", merged.retired)));
}

#[test]
fn one_moment_is_one_evaluation() {
    let engine = population();
    let now = at("2026-06-01");
    let first = engine.evaluate_all(now);
    assert!(!first.is_empty());
    // Evaluating again at the same moment (after an event, then on a tick)
    // fires nothing more: one action at a time.
    assert!(engine.evaluate_all(now).is_empty());
    for (customer, _) in &first {
        assert!(engine.evaluate(customer, now).unwrap().is_empty());
    }
}

#[test]
fn win_back_values_stay_in_their_currency() {
    let engine = Engine::new(StageModel::six_stage());
    for (c, currency, amount) in [("c-ars", "ARS", 100_000), ("c-usd", "USD", 100)] {
        for day in ["2026-01-01", "2026-01-08", "2026-01-15"] {
            send(
                &engine,
                c,
                day,
                "purchase",
                &format!(r#""amount": {amount}, "currency": "{currency}""#),
            );
        }
    }
    engine
        .set_models(Some(ciclo::retention::CustomerModels {
            bgnbd: ciclo::retention::BgNbd {
                r: 0.24,
                alpha: 4.4,
                a: 0.79,
                b: 2.4,
            },
            spend: ciclo::retention::GammaGamma {
                p: 6.25,
                q: 3.74,
                v: 150_000.0,
            },
            currency: Some(ciclo::model::Currency::parse("ARS", "c").unwrap()),
            unit_days: 7.0,
            clv: ClvOptions::new(0.01, ClvOptions::WEEKS),
        }))
        .unwrap();
    let candidates = engine.win_back_candidates(at("2026-06-01"), 10);
    let usd = candidates.iter().find(|c| c.customer == "c-usd").unwrap();
    // Its own revenue (300 cents over its weeks of activity), not pesos.
    assert!(usd.annual_value < 10_000.0, "{}", usd.annual_value);
}
