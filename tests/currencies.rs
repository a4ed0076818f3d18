//! A customer paying in several currencies: an Argentine customer who pays in
//! pesos and in dollars. Revenue and purchases are kept per currency, rules,
//! trigger conditions and customer-base models say which currency they read,
//! and the state keeps every currency through JSON, bytes, snapshots and a
//! merge of two customers.

use std::ptr;

use ciclo::lifecycle::{CustomerState, Metric, StageModel};
use ciclo::model::{Currency, Timestamp};
use ciclo::retention::{ModelFitOptions, Signal};
use ciclo::{json, Engine, ErrorKind};

#[path = "common/c_host.rs"]
mod c_host;

fn t(s: &str) -> Timestamp {
    Timestamp::parse(s, "t").unwrap()
}

fn cur(code: &str) -> Currency {
    Currency::parse(code, "currency").unwrap()
}

/// A purchase (or another kind with `extra` fields) as JSON.
fn event(customer: &str, at: &str, kind: &str, extra: &str) -> ciclo::model::Event {
    let sep = if extra.is_empty() { "" } else { ", " };
    json::event_from_json(&format!(
        r#"{{"customer": "{customer}", "at": "{at}T12:00:00-03:00", "kind": "{kind}"{sep}{extra}}}"#
    ))
    .unwrap()
}

fn buy(customer: &str, at: &str, amount: i64, currency: &str) -> ciclo::model::Event {
    event(
        customer,
        at,
        "purchase",
        &format!(r#""amount": {amount}, "currency": "{currency}""#),
    )
}

/// Martina, in Córdoba: pesos for the supermarket, dollars for the
/// electronics, a renewal in dollars.
fn martina(engine: &Engine) {
    for e in [
        buy("martina", "2026-01-05", 4_500_000, "ARS"),
        buy("martina", "2026-01-20", 89_900, "USD"),
        buy("martina", "2026-02-03", 6_000_000, "ARS"),
        event(
            "martina",
            "2026-02-10",
            "renewal",
            r#""amount": 12000, "currency": "usd""#,
        ),
        buy("martina", "2026-03-01", 10_100, "USD"),
    ] {
        engine.apply(&e).unwrap();
    }
}

#[test]
fn an_argentine_customer_pays_in_pesos_and_dollars() {
    let engine = Engine::new(StageModel::six_stage());
    martina(&engine);
    let state = engine.customer("martina").unwrap();
    let p = state.metrics().purchases.as_deref().unwrap();
    assert_eq!(p.count, 4, "every purchase, whatever its currency");
    assert_eq!((p.currency, p.revenue), (Some(cur("ARS")), 10_500_000));
    let usd = p.in_currency(cur("USD"));
    assert_eq!((usd.purchases, usd.revenue), (2, 112_000));
    assert_eq!(p.in_currency(cur("EUR")).revenue, 0);
    let totals: Vec<(String, u32, i64)> = p
        .by_currency()
        .map(|t| (t.currency.to_string(), t.purchases, t.revenue))
        .collect();
    assert_eq!(
        totals,
        [("ARS".into(), 2, 10_500_000), ("USD".into(), 2, 112_000)]
    );

    // Metrics in each currency; without one, the customer's first.
    let model = engine.model();
    let now = t("2026-03-02T00:00:00Z");
    let read = |m, c: Option<&str>| state.metric_in(model, m, now, c.map(cur));
    assert_eq!(read(Metric::Revenue, None), Some(10_500_000.0));
    assert_eq!(read(Metric::Revenue, Some("USD")), Some(112_000.0));
    assert_eq!(read(Metric::Revenue, Some("BRL")), Some(0.0));
    assert_eq!(read(Metric::AverageOrderValue, Some("USD")), Some(56_000.0));
    assert_eq!(read(Metric::AverageOrderValue, None), Some(5_250_000.0));
    assert_eq!(read(Metric::AverageOrderValue, Some("BRL")), None);
    assert_eq!(read(Metric::PurchaseCount, None), Some(4.0));
    assert_eq!(read(Metric::PurchaseCount, Some("USD")), Some(2.0));

    // The state keeps every currency as JSON and as bytes.
    let text = json::state_to_json(model, &state);
    assert!(
        text.contains(r#""other_currencies":[{"currency":"USD","purchases":2,"revenue":112000}]"#),
        "{text}"
    );
    assert_eq!(json::state_from_json(model, &text).unwrap(), state);
    let bytes = state.to_bytes(model);
    assert_eq!(CustomerState::from_bytes(model, &bytes).unwrap(), state);
    let restored = Engine::restore(&engine.snapshot()).unwrap();
    assert_eq!(restored.customer("martina").unwrap(), state);
}

/// Stages and rules of a shop that thinks in dollars, with one rule in pesos.
const BIMONETARY: &str = r#"{
  "name": "bimonetario",
  "currency": "USD",
  "stages": [{"name": "prospecto"}, {"name": "cliente"}, {"name": "vip"}],
  "rules": [
    {"name": "compra", "from": ["prospecto"], "to": "cliente", "on": ["purchase"]},
    {"name": "vip_dolares", "from": ["cliente"], "to": "vip", "on": ["purchase"],
     "when": {"metric": "revenue", "op": ">=", "value": 100000}},
    {"name": "vip_pesos", "from": ["cliente"], "to": "vip", "on": ["purchase"],
     "when": {"metric": "revenue", "currency": "ARS", "op": ">=", "value": 100000000}},
    {"name": "gran_compra", "from": ["prospecto"], "to": "vip", "on": ["purchase"], "priority": 5,
     "when": {"all": [{"metric": "event.amount", "op": ">=", "value": 500000},
                      {"metric": "purchase_count", "currency": "USD", "op": "==", "value": 1}]}}
  ]
}"#;

#[test]
fn rules_read_the_currency_they_name_or_the_models() {
    let model = json::config_from_json(BIMONETARY).unwrap();
    assert_eq!(model.currency(), Some(cur("USD")));
    let engine = Engine::new(model);
    let stage = |who: &str| {
        let s = engine.customer(who).unwrap().stage();
        engine.model().stage_name(s).to_string()
    };
    // Pesos do not count toward the dollar threshold, whatever their amount...
    engine
        .apply(&buy("lucas", "2026-01-05", 90_000, "ARS"))
        .unwrap();
    let o = engine
        .apply(&buy("lucas", "2026-01-06", 99_000_000, "ARS"))
        .unwrap();
    assert!(o.transition.is_none(), "ARS 990,000 is not USD 1,000");
    assert_eq!(stage("lucas"), "cliente");
    // ... but count toward the rule in pesos.
    let o = engine
        .apply(&buy("lucas", "2026-01-07", 1_000_000, "ARS"))
        .unwrap();
    let rule = o.transition.as_ref().unwrap().rule;
    assert_eq!(engine.model().rule(rule).name, "vip_pesos");
    let evidence = &o.evidence[0];
    assert_eq!(
        (evidence.actual, evidence.currency),
        (Some(100_090_000.0), Some(cur("ARS")))
    );
    // Dollars reach the model's threshold; a customer whose first currency is
    // pesos is read in dollars all the same.
    engine
        .apply(&buy("sofia", "2026-01-05", 5_000, "ARS"))
        .unwrap();
    engine
        .apply(&buy("sofia", "2026-01-06", 60_000, "USD"))
        .unwrap();
    assert_eq!(stage("sofia"), "cliente");
    let o = engine
        .apply(&buy("sofia", "2026-01-07", 40_000, "USD"))
        .unwrap();
    assert_eq!(
        engine
            .model()
            .rule(o.transition.as_ref().unwrap().rule)
            .name,
        "vip_dolares"
    );
    assert_eq!(o.evidence[0].currency, Some(cur("USD")));
    let text = json::outcome_to_json(
        engine.model(),
        &buy("sofia", "2026-01-07", 40_000, "USD"),
        &o,
    );
    assert!(
        text.contains(r#""actual":100000.0,"currency":"USD""#),
        "the evidence names the currency read: {text}"
    );
    // `event.amount` is only the amount of an event in the currency read.
    engine
        .apply(&buy("juan", "2026-01-05", 800_000, "ARS"))
        .unwrap();
    assert_eq!(
        stage("juan"),
        "cliente",
        "ARS 8,000 is no big purchase in dollars"
    );
    engine
        .apply(&buy("ana", "2026-01-05", 800_000, "USD"))
        .unwrap();
    assert_eq!(stage("ana"), "vip", "USD 8,000 is");
}

#[test]
fn a_currency_that_is_not_one_is_refused_by_name() {
    let bad = |from: &str, to: &str| {
        let err = json::config_from_json(&BIMONETARY.replacen(from, to, 1)).unwrap_err();
        (err.kind(), err.to_string())
    };
    let (kind, message) = bad(r#""currency": "USD""#, r#""currency": "dólares""#);
    assert_eq!(kind, ErrorKind::Config);
    assert!(
        message.contains("currency") && message.contains("ISO 4217"),
        "{message}"
    );
    let (kind, message) = bad(r#""currency": "ARS""#, r#""currency": "AR""#);
    assert_eq!(kind, ErrorKind::Config);
    assert!(message.contains("rules[2].when.currency"), "{message}");
    let (kind, message) = bad(
        r#"{"metric": "revenue", "op": ">=", "value": 100000}"#,
        r#"{"metric": "event_count", "currency": "USD", "op": ">=", "value": 1}"#,
    );
    assert_eq!(kind, ErrorKind::Config);
    assert!(
        message.contains("rules[1].when.currency") && message.contains("event_count"),
        "{message}"
    );
    // Retention conditions: only revenue and purchase_count.
    let triggers = |when: &str| {
        let config =
            format!(r#"{{"rules": [{{"name": "r", "action": "discount", "when": {when}}}]}}"#);
        json::retention::trigger_config_from_json(&config)
            .and_then(|c| ciclo::retention::Triggers::compile(&c, &StageModel::six_stage()))
    };
    let err = triggers(r#"{"signal": "p_alive", "currency": "USD", "op": "<", "value": 0.5}"#)
        .unwrap_err();
    assert!(err.to_string().contains("rules[0].when.currency"), "{err}");
    let err =
        triggers(r#"{"signal": "revenue", "currency": "US", "op": ">", "value": 1}"#).unwrap_err();
    assert!(err.to_string().contains("ISO 4217"), "{err}");
}

#[test]
fn triggers_read_revenue_in_the_currency_they_name() {
    let engine = Engine::new(StageModel::six_stage());
    martina(&engine);
    let config = json::retention::trigger_config_from_json(
        r#"{"currency": "USD",
            "rules": [
              {"name": "vip_usd", "action": "exclusive_benefit", "priority": 2,
               "when": {"signal": "revenue", "op": ">=", "value": 100000}},
              {"name": "vip_ars", "action": "loyalty_program", "priority": 1,
               "when": {"all": [{"signal": "revenue", "currency": "ARS", "op": ">=", "value": 10000000},
                                {"signal": "purchase_count", "currency": "ARS", "op": ">=", "value": 2}]}}],
            "max_per_evaluation": 2}"#,
    )
    .unwrap();
    engine.set_retention(config).unwrap();
    let now = t("2026-03-02T00:00:00Z");
    let signals = engine.signals("martina", now).unwrap();
    assert_eq!(
        signals.get(Signal::Revenue),
        Some(112_000.0),
        "the configuration's currency"
    );
    let firings = engine.evaluate("martina", now).unwrap();
    let names: Vec<&str> = firings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(names, ["vip_usd", "vip_ars"]);
    let ars = &firings[1].evidence;
    assert_eq!(
        (ars[0].actual, ars[0].currency, ars[1].actual),
        (Some(10_500_000.0), Some(cur("ARS")), Some(2.0))
    );
    let text = json::retention::firings_to_json(firings.iter().map(|f| ("martina", f)));
    assert!(text.contains(r#""currency":"ARS""#), "{text}");
}

#[test]
fn the_spend_model_reads_the_currency_it_was_fitted_in() {
    let engine = Engine::new(StageModel::six_stage());
    // Pesos only, dollars only, and both.
    let mut n = 0;
    for (i, currencies) in [&["ARS"][..], &["USD"], &["ARS", "USD"]]
        .iter()
        .cycle()
        .take(60)
        .enumerate()
    {
        let who = format!("c{i}");
        for k in 0..(2 + i % 4) {
            let code = currencies[k % currencies.len()];
            let amount = if code == "USD" {
                5_000 + 100 * i as i64
            } else {
                900_000 + 7_000 * i as i64
            };
            let day = format!("2026-{:02}-{:02}", 1 + k, 1 + (i % 27));
            engine.apply(&buy(&who, &day, amount, code)).unwrap();
            n += 1;
        }
    }
    assert!(n > 100);
    let now = t("2026-09-01T00:00:00Z");
    // Several currencies: the host names the one to fit spend in.
    let err = engine
        .fit_models(now, &ModelFitOptions::default())
        .unwrap_err();
    assert!(err.to_string().contains("ARS, USD"), "{err}");
    let options = ModelFitOptions {
        currency: Some(cur("USD")),
        ..ModelFitOptions::new(7.0)
    };
    let (purchases, spend) = engine.fit_models(now, &options).unwrap();
    assert_eq!(purchases.customers, 60, "BG/NBD counts every buyer");
    assert_eq!(
        spend.customers + spend.skipped,
        40,
        "spend: those who paid in dollars"
    );
    // Both-currency customers get the value of their dollar purchases; peso
    // customers none.
    let value = |who: &str| engine.signals(who, now).unwrap().get(Signal::ExpectedValue);
    assert!(value("c0").is_none(), "pesos only");
    let (dollars, both) = (value("c1").unwrap(), value("c2").unwrap());
    assert!(dollars > 0.0 && both > 0.0, "{dollars} {both}");
    // c2 paid half of its purchases in dollars: its value is the share of them.
    let state = engine.customer("c2").unwrap();
    let (summary, share) =
        ciclo::retention::summary_in(&state, now, 7.0, Some(cur("USD"))).unwrap();
    assert!((share - 0.5).abs() < 1e-12, "{share}");
    let models = engine.models().unwrap();
    let whole =
        ciclo::retention::lifetime_value(&models.bgnbd, &models.spend, &summary, &models.clv)
            .unwrap();
    assert!(
        (both - whole * share).abs() < 1e-6 * whole,
        "{both} {whole}"
    );
}

#[test]
fn merged_customers_keep_every_currency() {
    let model = StageModel::six_stage();
    let apply = |events: &[ciclo::model::Event]| {
        let mut state: Option<CustomerState> = None;
        for e in events {
            state = Some(ciclo::lifecycle::step(&model, state.as_ref(), e).unwrap().0);
        }
        state.unwrap()
    };
    let pesos = apply(&[
        buy("a", "2026-01-02", 1_000, "ARS"),
        buy("a", "2026-02-02", 2_000, "ARS"),
    ]);
    let dollars = apply(&[
        buy("b", "2026-01-10", 30, "USD"),
        buy("b", "2026-03-01", 70, "EUR"),
    ]);
    for joined in [
        pesos.combine(&dollars, &model),
        dollars.combine(&pesos, &model),
    ] {
        let p = joined.metrics().purchases.as_deref().unwrap();
        let totals: Vec<(String, u32, i64)> = p
            .by_currency()
            .map(|t| (t.currency.to_string(), t.purchases, t.revenue))
            .collect();
        assert_eq!(
            totals,
            [
                ("ARS".into(), 2, 3_000),
                ("EUR".into(), 1, 70),
                ("USD".into(), 1, 30)
            ],
            "the first currency is that of the first purchase"
        );
        assert_eq!(p.count, 4);
    }
}

#[test]
fn the_c_abi_takes_a_second_currency() {
    let e = c_host::engine();
    let mut out = ptr::null_mut();
    for (line, status) in [
        (
            r#"{"customer": "martina", "at": "2026-01-05T10:00:00Z", "kind": "purchase", "amount": 4500000, "currency": "ARS"}"#,
            0,
        ),
        (
            r#"{"customer": "martina", "at": "2026-01-20T10:00:00Z", "kind": "purchase", "amount": 89900, "currency": "USD"}"#,
            0,
        ),
    ] {
        let line = c_host::c(line);
        let got = unsafe {
            ciclo::ffi::engine::ciclo_engine_apply_json(e.0, line.as_ptr(), ptr::null_mut())
        };
        assert_eq!(got, status, "{}", c_host::last_error());
    }
    let who = c_host::c("martina");
    assert_eq!(
        unsafe { ciclo::ffi::engine::ciclo_engine_customer_json(e.0, who.as_ptr(), &mut out) },
        0
    );
    let state: serde_json::Value = serde_json::from_str(&c_host::take(out)).unwrap();
    let p = &state["metrics"]["purchases"];
    assert_eq!(
        (p["currency"].as_str(), p["revenue"].as_i64()),
        (Some("ARS"), Some(4_500_000))
    );
    assert_eq!(
        p["other_currencies"],
        serde_json::json!([{"currency": "USD", "purchases": 1, "revenue": 89900}])
    );
}
