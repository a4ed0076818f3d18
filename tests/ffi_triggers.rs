//! Retention triggers through the C ABI, as a host calls them: an engine fed
//! JSON events, the default and a custom trigger configuration, evaluation of
//! one customer and of all with cooldowns and caps, signals and churn risk,
//! models fitted on the engine's customers, win-back candidates and outcomes,
//! the retention state through C snapshots, and every bad input refused with
//! its status and a message naming the field, the out pointer untouched and
//! the engine unchanged.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use ciclo::ffi::ciclo_engine;
use ciclo::ffi::engine::*;
use ciclo::ffi::memory::*;
use ciclo::ffi::retention::*;
use ciclo::ffi::status::*;
use ciclo::ffi::version::*;
use ciclo::model::Timestamp;
use serde_json::{json, Value};

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn take(s: *mut c_char) -> String {
    assert!(!s.is_null());
    let text = unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned();
    unsafe { ciclo_string_free(s) };
    text
}

fn last_error() -> String {
    unsafe { CStr::from_ptr(ciclo_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

fn status_name(status: ciclo_status) -> String {
    unsafe { CStr::from_ptr(ciclo_status_name(status)) }
        .to_string_lossy()
        .into_owned()
}

/// Milliseconds since the epoch of noon (UTC) on `day`.
fn noon(day: &str) -> i64 {
    Timestamp::parse(&format!("{day}T12:00:00Z"), "day")
        .unwrap()
        .as_millis()
}

/// A failed call: its status and message.
type Failed = (ciclo_status, String);

/// An engine handle, freed on drop.
struct Engine(*mut ciclo_engine);

impl Engine {
    fn new() -> Engine {
        let mut out = ptr::null_mut();
        assert_eq!(
            unsafe { ciclo_engine_new(ptr::null(), &mut out) },
            CICLO_STATUS_OK
        );
        Engine(out)
    }

    /// An engine restored through the C ABI from snapshot bytes.
    fn restore(bytes: &[u8]) -> Engine {
        let mut out = ptr::null_mut();
        let status = unsafe { ciclo_engine_restore(bytes.as_ptr(), bytes.len(), &mut out) };
        assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
        Engine(out)
    }

    /// Applies `(customer, day, kind, extra JSON fields)`, at 10:00 UTC.
    fn send(&self, customer: &str, day: &str, kind: &str, extra: &str) {
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!(", {extra}")
        };
        let event = c(&format!(
            r#"{{"customer": "{customer}", "at": "{day}T10:00:00Z", "kind": "{kind}"{extra}}}"#
        ));
        let status = unsafe { ciclo_engine_apply_json(self.0, event.as_ptr(), ptr::null_mut()) };
        assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
    }

    fn buy(&self, customer: &str, day: &str, amount: i64) {
        self.send(
            customer,
            day,
            "purchase",
            &format!(r#""amount": {amount}, "currency": "ARS""#),
        );
    }

    fn snapshot(&self) -> Vec<u8> {
        let (mut bytes, mut len) = (ptr::null_mut(), 0usize);
        assert_eq!(
            unsafe { ciclo_engine_snapshot(self.0, &mut bytes, &mut len) },
            CICLO_STATUS_OK
        );
        let v = unsafe { std::slice::from_raw_parts(bytes, len) }.to_vec();
        unsafe { ciclo_bytes_free(bytes, len) };
        v
    }

    /// A call writing JSON to its last argument: the JSON parsed, or the
    /// status and message (the out pointer checked untouched).
    fn json(
        &self,
        call: impl FnOnce(*const ciclo_engine, *mut *mut c_char) -> ciclo_status,
    ) -> Result<Value, Failed> {
        let mut out = ptr::null_mut();
        let status = call(self.0, &mut out);
        if status == CICLO_STATUS_OK {
            let text = take(out);
            Ok(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")))
        } else {
            assert!(out.is_null(), "out written on error");
            Err((status, last_error()))
        }
    }

    fn set_retention(&self, config: Option<&str>) -> Result<(), Failed> {
        let config = config.map(c);
        let status = unsafe {
            ciclo_engine_set_retention_json(
                self.0,
                config.as_ref().map_or(ptr::null(), |c| c.as_ptr()),
            )
        };
        if status == CICLO_STATUS_OK {
            Ok(())
        } else {
            Err((status, last_error()))
        }
    }

    fn retention(&self) -> Value {
        self.json(|e, o| unsafe { ciclo_engine_retention_json(e, o) })
            .unwrap()
    }

    /// `ciclo_engine_evaluate_json` for one customer, or all with `None`.
    fn evaluate(&self, customer: Option<&str>, day: &str) -> Result<Value, Failed> {
        let customer = customer.map(c);
        let now = noon(day);
        self.json(|e, o| unsafe {
            ciclo_engine_evaluate_json(
                e,
                customer.as_ref().map_or(ptr::null(), |c| c.as_ptr()),
                now,
                o,
            )
        })
    }

    /// The firings of an evaluation as (customer, rule) pairs.
    fn fired(&self, customer: Option<&str>, day: &str) -> Vec<(String, String)> {
        let out = self.evaluate(customer, day).unwrap();
        out["firings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["customer"].as_str().unwrap().to_string(),
                    f["rule"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    fn signals(&self, customer: &str, day: &str) -> Result<Value, Failed> {
        let customer = c(customer);
        let now = noon(day);
        self.json(|e, o| unsafe { ciclo_engine_signals_json(e, customer.as_ptr(), now, o) })
    }

    fn churn(&self, customer: &str, day: &str) -> Result<Value, Failed> {
        let customer = c(customer);
        let now = noon(day);
        self.json(|e, o| unsafe { ciclo_engine_churn_json(e, customer.as_ptr(), now, o) })
    }

    fn fit(&self, day: &str, options: Option<&str>) -> Result<Value, Failed> {
        let options = options.map(c);
        let now = noon(day);
        self.json(|e, o| unsafe {
            ciclo_engine_fit_models_json(
                e,
                now,
                options.as_ref().map_or(ptr::null(), |c| c.as_ptr()),
                o,
            )
        })
    }

    fn win_back(&self, day: &str, limit: usize) -> Value {
        let now = noon(day);
        self.json(|e, o| unsafe { ciclo_engine_win_back_json(e, now, limit, o) })
            .unwrap()
    }

    fn record(&self, customer: &str, day: &str, won: i32) -> Result<(), Failed> {
        let customer = c(customer);
        let status =
            unsafe { ciclo_engine_record_win_back(self.0, customer.as_ptr(), noon(day), won) };
        if status == CICLO_STATUS_OK {
            Ok(())
        } else {
            Err((status, last_error()))
        }
    }

    fn stats(&self) -> Value {
        self.json(|e, o| unsafe { ciclo_engine_win_back_stats_json(e, o) })
            .unwrap()
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        unsafe { ciclo_engine_free(self.0) };
    }
}

/// Five customers, fed as JSON events:
/// - `ana` buys monthly (growth stage) and complains twice in April;
/// - `beto` buys twice and cancels on March 1st for `precio`;
/// - `caro` bought every ten days in January and stopped;
/// - `dani` only visited;
/// - `eva` bought once (conversion stage) and complains twice in April.
fn shop() -> Engine {
    let engine = Engine::new();
    for day in ["2026-01-05", "2026-02-05", "2026-03-05"] {
        engine.buy("ana", day, 50_000);
    }
    engine.buy("beto", "2026-01-10", 50_000);
    engine.buy("beto", "2026-02-10", 50_000);
    engine.send(
        "beto",
        "2026-03-01",
        "cancellation",
        r#""reason": "precio""#,
    );
    for day in ["2026-01-01", "2026-01-11", "2026-01-21"] {
        engine.buy("caro", day, 50_000);
    }
    engine.send("dani", "2026-02-01", "visit", "");
    engine.buy("eva", "2026-03-01", 200_000);
    for day in ["2026-04-01", "2026-04-02"] {
        engine.send("ana", day, "complaint", "");
        engine.send("eva", day, "complaint", "");
    }
    engine
}

/// A custom rule for customers in growth who complained and spent: a call
/// from the manager, at most every 10 days and twice in 60; the contact cap
/// raised out of its way.
const VIP: &str = r#"{
  "rules": [
    {"name": "vip_discontent", "stages": ["growth"], "action": "call_from_manager",
     "priority": 95, "cooldown_days": 10, "cap": {"count": 2, "period_days": 60},
     "when": {"all": [{"signal": "complaints_in_window", "op": ">=", "value": 1},
                      {"signal": "revenue", "op": ">=", "value": 100000}]}}
  ],
  "contact_cap": {"count": 5, "period_days": 30}
}"#;

#[test]
fn default_triggers_fire_with_evidence_and_respect_cooldowns() {
    let engine = shop();
    // The defaults are in force, as `TriggerConfig::default()` writes them.
    let defaults = engine.retention();
    assert_eq!(
        defaults,
        serde_json::to_value(ciclo::retention::TriggerConfig::default()).unwrap()
    );
    let names: Vec<&str> = defaults["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"discontent") && names.contains(&"win_back"));

    // One customer: only theirs.
    let out = engine.evaluate(Some("ana"), "2026-04-03").unwrap();
    let firings = out["firings"].as_array().unwrap();
    assert_eq!(firings.len(), 1, "{out}");
    let f = &firings[0];
    assert_eq!(f["customer"], "ana");
    assert_eq!(f["rule"], "discontent");
    assert_eq!(f["action"], "personal_outreach");
    assert_eq!(f["priority"], 90);
    assert_eq!(f["at"], "2026-04-03T12:00:00Z");
    assert!(f["churn_risk"].as_f64().unwrap() > 0.0);
    // The comparisons that made it hold, with ana's values: not cancelled,
    // two complaints (the other branches of the `any` did not hold).
    assert_eq!(
        f["evidence"],
        json!([
            {"signal": "cancelled", "op": "==", "threshold": 0.0, "actual": 0.0},
            {"signal": "complaints_in_window", "op": ">=", "threshold": 2.0, "actual": 2.0}
        ])
    );
    let keys: Vec<&String> = f.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "action",
            "at",
            "churn_risk",
            "customer",
            "evidence",
            "priority",
            "rule"
        ]
    );
    // The cooldown (30 days) keeps it quiet the next day.
    assert_eq!(engine.fired(Some("ana"), "2026-04-04"), []);

    // Everyone: sorted by customer; ana served already, dani has nothing.
    let all = engine.fired(None, "2026-04-04");
    let pair = |c: &str, r: &str| (c.to_string(), r.to_string());
    assert_eq!(
        all,
        [
            pair("beto", "win_back"),
            pair("caro", "win_back"),
            pair("eva", "discontent"),
        ]
    );
    let out = engine.evaluate(None, "2026-04-04").unwrap();
    assert_eq!(out, json!({"firings": []}), "every cooldown holds");
    // The firing's actions and evidence for the cancelled customer.
    let again = Engine::restore(&shop().snapshot());
    let out = again.evaluate(Some("beto"), "2026-04-04").unwrap();
    let f = &out["firings"][0];
    assert_eq!(f["action"], "win_back_offer");
    assert_eq!(
        f["evidence"][0],
        json!({"signal": "cancelled", "op": "==", "threshold": 1.0, "actual": 1.0})
    );
    assert_eq!(f["evidence"][1]["signal"], "days_since_cancellation");
    assert!(f["evidence"][1]["actual"].as_f64().unwrap() > 33.0);

    // An unknown customer is not found, and nothing is written.
    let (status, message) = engine.evaluate(Some("nobody"), "2026-04-04").unwrap_err();
    assert_eq!(status, CICLO_STATUS_NOT_FOUND);
    assert_eq!(message, "customer `nobody` not found");
}

#[test]
fn a_custom_rule_with_a_stage_cooldown_and_cap() {
    let engine = shop();
    engine.set_retention(Some(VIP)).unwrap();
    let config = engine.retention();
    assert_eq!(config["rules"].as_array().unwrap().len(), 1);
    assert_eq!(config["rules"][0]["stages"], json!(["growth"]));
    // Absent keys took their defaults.
    assert_eq!(config["max_per_evaluation"], 1);
    assert_eq!(config["win_back"]["prior_rate"], 0.1);
    assert!(config.get("churn").is_none());

    // ana is in growth: it fires, with her values; eva (conversion) also
    // complained and spent, but the rule does not apply in her stage.
    let out = engine.evaluate(None, "2026-04-03").unwrap();
    let firings = out["firings"].as_array().unwrap();
    assert_eq!(firings.len(), 1, "{out}");
    let f = &firings[0];
    assert_eq!(
        (&f["customer"], &f["rule"], &f["action"], &f["priority"]),
        (
            &json!("ana"),
            &json!("vip_discontent"),
            &json!("call_from_manager"),
            &json!(95)
        )
    );
    assert_eq!(
        f["evidence"],
        json!([
            {"signal": "complaints_in_window", "op": ">=", "threshold": 1.0, "actual": 2.0},
            {"signal": "revenue", "op": ">=", "threshold": 100000.0, "actual": 150000.0}
        ])
    );
    // Cooldown of 10 days, then a cap of two in 60 days.
    assert_eq!(engine.fired(Some("ana"), "2026-04-12"), []);
    assert_eq!(engine.fired(Some("ana"), "2026-04-14").len(), 1);
    assert_eq!(engine.fired(Some("ana"), "2026-04-25"), [], "capped");
    assert_eq!(engine.fired(Some("ana"), "2026-05-20"), [], "capped");
    // 04-03 is more than 60 days back on 06-03: one firing in the period.
    assert_eq!(
        engine.fired(Some("ana"), "2026-06-03"),
        [("ana".to_string(), "vip_discontent".to_string())]
    );

    // Setting the configuration read back changes nothing; NULL and ""
    // restore the defaults.
    let text = serde_json::to_string(&config).unwrap();
    engine.set_retention(Some(&text)).unwrap();
    assert_eq!(engine.retention(), config);
    let defaults = serde_json::to_value(ciclo::retention::TriggerConfig::default()).unwrap();
    engine.set_retention(None).unwrap();
    assert_eq!(engine.retention(), defaults);
    engine.set_retention(Some(VIP)).unwrap();
    engine.set_retention(Some("  ")).unwrap();
    assert_eq!(engine.retention(), defaults);
    // `{"rules": []}`: no rules, nothing ever fires.
    engine.set_retention(Some(r#"{"rules": []}"#)).unwrap();
    assert_eq!(engine.retention()["rules"], json!([]));
    assert_eq!(engine.fired(None, "2026-09-01"), []);
}

#[test]
fn signals_and_churn_risk_as_json() {
    let engine = shop();
    let out = engine.signals("ana", "2026-04-03").unwrap();
    assert_eq!(out["customer"], "ana");
    let s = &out["signals"];
    assert_eq!(s["complaints_in_window"], 2.0);
    assert_eq!(s["purchase_count"], 3.0);
    assert_eq!(s["revenue"], 150_000.0);
    assert_eq!(s["cancelled"], 0.0);
    assert!(s["recency_ratio"].as_f64().unwrap() > 0.9);
    // No models, no contract term, no survey: those have no value.
    for absent in [
        "p_alive",
        "expected_value",
        "days_to_renewal",
        "satisfaction",
    ] {
        assert!(s.get(absent).is_none(), "{absent} in {s}");
    }
    // Every signal has a unit, in the documented order.
    let units = out["units"].as_object().unwrap();
    assert_eq!(units.len(), ciclo::retention::Signal::ALL.len());
    assert_eq!(units["recency_ratio"], "intervals");
    assert_eq!(units["revenue"], "minor units");
    assert_eq!(units["churn_risk"], "score 0-1");
    // A contract term gives days_to_renewal.
    engine
        .set_retention(Some(r#"{"rules": [], "contract_term_days": 365}"#))
        .unwrap();
    let out = engine.signals("ana", "2026-04-03").unwrap();
    let to_renewal = out["signals"]["days_to_renewal"].as_f64().unwrap();
    // A year from the first purchase (January 5th, 10:00) less the days gone.
    assert!(
        (to_renewal - (365.0 - 88.0 - 2.0 / 24.0)).abs() < 1e-9,
        "{to_renewal}"
    );
    // dani never bought: no purchase signals.
    let dani = engine.signals("dani", "2026-04-03").unwrap();
    assert!(dani["signals"].get("days_since_last_purchase").is_none());
    assert!(
        dani["signals"]["days_since_last_activity"]
            .as_f64()
            .unwrap()
            > 60.0
    );

    let churn = engine.churn("ana", "2026-04-03").unwrap();
    assert_eq!(churn["customer"], "ana");
    let parts = churn["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 8, "the default components");
    let score = churn["score"].as_f64().unwrap();
    assert_eq!(Some(score), out["signals"]["churn_risk"].as_f64());
    let sum: f64 = parts
        .iter()
        .map(|p| p["contribution"].as_f64().unwrap())
        .sum();
    assert!((sum - score).abs() < 1e-12, "{sum} against {score}");
    let complaints = parts
        .iter()
        .find(|p| p["signal"] == "complaints_in_window")
        .unwrap();
    assert_eq!(complaints["value"], 2.0);
    assert!((complaints["risk"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-12);
    let alive = parts.iter().find(|p| p["signal"] == "p_alive").unwrap();
    assert_eq!(
        (&alive["value"], &alive["risk"], &alive["contribution"]),
        (&Value::Null, &Value::Null, &json!(0.0))
    );
    // A customer with no signal the score weighs has no score.
    engine
        .set_retention(Some(
            r#"{"rules": [], "churn": [{"signal": "satisfaction_drop", "low": 0, "high": 30, "weight": 1}]}"#,
        ))
        .unwrap();
    let churn = engine.churn("ana", "2026-04-03").unwrap();
    assert_eq!(churn["score"], Value::Null);
    assert_eq!(churn["parts"].as_array().unwrap().len(), 1);
}

#[test]
fn models_fitted_on_the_engine_feed_signals_and_win_back() {
    // The Argentinian customers of the 2,000 sample ones (the engine fits
    // every currency together: ARS and EUR minor units mixed are too
    // dispersed a spend for the Gamma-Gamma model), applied through the Rust
    // API with monthly ticks and handed to C as a snapshot.
    let rust = ciclo::Engine::new(ciclo::StageModel::six_stage());
    let mut ticks = ciclo::sample::tick_times().into_iter().peekable();
    let events = ciclo::sample::events(2000, 7);
    for event in events.iter().filter(|e| e.customer.starts_with("AR-")) {
        while let Some(tick) = ticks.next_if(|&t| t <= event.at) {
            rust.tick(tick);
        }
        rust.apply(event).unwrap();
    }
    for tick in ticks {
        rust.tick(tick);
    }
    let engine = Engine::restore(&rust.snapshot());
    drop(rust);

    let day = "2026-01-01";
    let fitted = engine.fit(day, None).unwrap();
    let keys: Vec<&String> = fitted.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["bgnbd", "clv", "gamma_gamma", "penalizer", "unit_days"]
    );
    assert_eq!(fitted["unit_days"], 7.0);
    assert_eq!(fitted["penalizer"], 0.0);
    assert_eq!(
        fitted["clv"],
        json!({"months": 12, "monthly_discount": 0.01, "periods_per_month": 4.345})
    );
    for name in ["r", "alpha", "a", "b"] {
        assert!(fitted["bgnbd"][name].as_f64().unwrap() > 0.0, "{fitted}");
    }
    let bought = fitted["bgnbd"]["customers"].as_u64().unwrap();
    assert!((500..2000).contains(&bought), "{fitted}");
    assert_eq!(
        fitted["gamma_gamma"]["customers"].as_u64().unwrap()
            + fitted["gamma_gamma"]["skipped"].as_u64().unwrap(),
        bought
    );
    // The parameters are what ciclo_models_predict_json reads.
    let params = json!({"bgnbd": fitted["bgnbd"], "gamma_gamma": fitted["gamma_gamma"]});
    ciclo::json::retention::models_from_json(&params.to_string()).unwrap();

    // A customer who bought now has p_alive and expected_value.
    let win_back = engine.win_back(day, 10);
    let candidates = win_back["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 10);
    let someone = candidates[0]["customer"].as_str().unwrap();
    let signals = engine.signals(someone, day).unwrap();
    let alive = signals["signals"]["p_alive"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&alive), "{alive}");
    assert!(signals["signals"]["expected_value"].as_f64().unwrap() >= 0.0);
    let churn = engine.churn(someone, day).unwrap();
    let part = churn["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["signal"] == "p_alive")
        .unwrap()
        .clone();
    assert_eq!(part["value"].as_f64(), Some(alive));

    // Win-back candidates, ranked by expected value, with their reasons.
    let all = engine.win_back(day, usize::MAX);
    let all = all["candidates"].as_array().unwrap();
    assert!(all.len() > 10);
    assert_eq!(&all[..10], candidates);
    let value = |c: &Value| c["expected_value"].as_f64().unwrap();
    assert!(all.windows(2).all(|w| value(&w[0]) >= value(&w[1])));
    for c in all {
        let product =
            c["annual_value"].as_f64().unwrap() * c["win_back_probability"].as_f64().unwrap();
        assert!((product - value(c)).abs() <= 1e-9 * product.abs());
        assert!(c["last_signals"].is_object());
        assert!(c["lapsed_at"].as_str().unwrap().ends_with('Z'));
    }
    let reasons: std::collections::BTreeSet<&str> = all
        .iter()
        .map(|c| c["exit_reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons.contains("inactive") && reasons.contains("precio"),
        "{reasons:?}"
    );
    assert_eq!(engine.win_back(day, 0), json!({"candidates": []}));

    // A fit that fails keeps the models in force: nobody pays in reais.
    let before = engine.snapshot();
    let (status, message) = engine.fit(day, Some(r#"{"currency": "BRL"}"#)).unwrap_err();
    assert_eq!(status, CICLO_STATUS_INVALID_ARGUMENT);
    assert!(message.contains("customers"), "{message}");
    assert_eq!(engine.snapshot(), before);
    assert_eq!(engine.signals(someone, day).unwrap(), signals);
    // A penalty on amounts in minor units fits as it does in units.
    let penalized = engine.fit(day, Some(r#"{"penalizer": 0.001}"#)).unwrap();
    assert!(
        penalized["gamma_gamma"]["q"].as_f64().unwrap() > 1.0,
        "{penalized}"
    );

    // The defaults: weeks; in days, months of 30 days.
    let days = engine.fit(day, Some(r#"{"unit_days": 1}"#)).unwrap();
    assert_eq!(days["unit_days"], 1.0);
    assert_eq!(days["clv"]["periods_per_month"], 30.0);
    // The same customers in days: the same purchase process, rescaled.
    let (r7, r1) = (&fitted["bgnbd"], &days["bgnbd"]);
    assert!((r7["r"].as_f64().unwrap() - r1["r"].as_f64().unwrap()).abs() < 1e-3);
    let alpha = r1["alpha"].as_f64().unwrap() / r7["alpha"].as_f64().unwrap();
    assert!((alpha - 7.0).abs() < 0.01, "{alpha}");
}

#[test]
fn win_back_outcomes_are_measured_by_reason() {
    let engine = shop();
    let day = "2026-04-03";
    let out = engine.win_back(day, 100);
    let candidates = out["candidates"].as_array().unwrap();
    let who: Vec<&str> = candidates
        .iter()
        .map(|c| c["customer"].as_str().unwrap())
        .collect();
    // caro brought more a year while active (three purchases in twenty days).
    assert_eq!(who, ["caro", "beto"]);
    let beto = &candidates[1];
    assert_eq!(beto["exit_reason"], "precio");
    assert_eq!(beto["lapsed_at"], "2026-03-01T10:00:00Z");
    assert_eq!(beto["win_back_probability"], 0.1);
    // 100,000 in the 50 days from the first purchase to the cancellation.
    let annual = beto["annual_value"].as_f64().unwrap();
    assert!(
        (annual - 100_000.0 * 365.0 / (50.0 + 0.0)).abs() < 1.0,
        "{annual}"
    );
    assert!(beto["last_signals"].get("complaints_in_window").is_some());
    assert_eq!(candidates[0]["exit_reason"], "inactive");
    assert_eq!(candidates[0]["lapsed_at"], "2026-01-21T10:00:00Z");
    assert_eq!(
        engine.stats(),
        json!({"by_reason": {}, "attempts": 0, "won": 0, "rate": null})
    );

    engine.record("beto", day, 1).unwrap();
    engine.record("beto", day, 0).unwrap();
    engine.record("caro", day, 1).unwrap();
    // ana is not lapsed: her attempt counts as `inactive`.
    engine.record("ana", day, 0).unwrap();
    let stats = engine.stats();
    assert_eq!(
        stats["by_reason"],
        json!({"inactive": {"attempts": 2, "won": 1, "rate": 0.5},
               "precio": {"attempts": 2, "won": 1, "rate": 0.5}})
    );
    assert_eq!((&stats["attempts"], &stats["won"]), (&json!(4), &json!(2)));
    assert_eq!(stats["rate"], 0.5);
    // The measured rate blends with the assumed one: (1 + 0.1·10) / (2 + 10).
    let out = engine.win_back(day, 100);
    let beto = out["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["customer"] == "beto")
        .unwrap()
        .clone();
    let p = beto["win_back_probability"].as_f64().unwrap();
    assert!((p - 2.0 / 12.0).abs() < 1e-12, "{p}");
}

#[test]
fn the_retention_state_survives_c_snapshots() {
    let engine = shop();
    engine.set_retention(Some(VIP)).unwrap();
    assert_eq!(engine.fired(Some("ana"), "2026-04-03").len(), 1);
    engine.record("beto", "2026-04-03", 1).unwrap();
    let bytes = engine.snapshot();
    let restored = Engine::restore(&bytes);
    assert_eq!(restored.snapshot(), bytes);
    assert_eq!(restored.retention(), engine.retention());
    assert_eq!(restored.stats(), engine.stats());
    // The cooldown came along.
    assert_eq!(restored.fired(Some("ana"), "2026-04-05"), []);
    assert_eq!(restored.fired(Some("ana"), "2026-04-14").len(), 1);
}

#[test]
fn every_bad_input_is_refused_naming_the_field() {
    let engine = shop();
    engine.set_retention(Some(VIP)).unwrap();
    let e = engine.0;
    let bad_utf8: &[u8] = b"{\"rules\": [\xff]}\0";
    let bad = bad_utf8.as_ptr() as *const c_char;
    let ana = c("ana");
    let nobody = c("nobody");
    let now = noon("2026-04-03");
    // The out pointer holds a sentinel that must survive every failure.
    let sentinel = c"untouched".as_ptr() as *mut c_char;
    let mut out: *mut c_char = sentinel;
    let o = &mut out as *mut *mut c_char;
    let set = |config: &str| {
        let config = c(config);
        unsafe { ciclo_engine_set_retention_json(e, config.as_ptr()) }
    };
    // A configuration of one rule, its fields as given.
    let rule = |fields: &str| {
        set(&format!(
            r#"{{"rules": [{{"name": "r", "action": "discount", {fields}}}]}}"#
        ))
    };
    let when = |condition: &str| rule(&format!(r#""when": {condition}"#));
    let fit = |options: &str| {
        let options = c(options);
        unsafe { ciclo_engine_fit_models_json(e, now, options.as_ptr(), o) }
    };
    type Case<'a> = (
        &'a str,
        Box<dyn Fn() -> ciclo_status + 'a>,
        ciclo_status,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        // NULLs.
        (
            "set NULL engine",
            Box::new(|| unsafe { ciclo_engine_set_retention_json(ptr::null(), ptr::null()) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "ciclo_engine_set_retention_json: `engine` is NULL",
        ),
        (
            "get NULL out",
            Box::new(|| unsafe { ciclo_engine_retention_json(e, ptr::null_mut()) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`out_json` is NULL",
        ),
        (
            "get NULL engine",
            Box::new(|| unsafe { ciclo_engine_retention_json(ptr::null(), o) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`engine` is NULL",
        ),
        (
            "evaluate NULL out",
            Box::new(|| unsafe {
                ciclo_engine_evaluate_json(e, ana.as_ptr(), now, ptr::null_mut())
            }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`out_json` is NULL",
        ),
        (
            "evaluate all NULL out",
            Box::new(|| unsafe {
                ciclo_engine_evaluate_json(e, ptr::null(), now, ptr::null_mut())
            }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`out_json` is NULL",
        ),
        (
            "evaluate NULL engine",
            Box::new(|| unsafe { ciclo_engine_evaluate_json(ptr::null(), ana.as_ptr(), now, o) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`engine` is NULL",
        ),
        (
            "signals NULL customer",
            Box::new(|| unsafe { ciclo_engine_signals_json(e, ptr::null(), now, o) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`customer_id` is NULL",
        ),
        (
            "signals NULL out",
            Box::new(|| unsafe {
                ciclo_engine_signals_json(e, ana.as_ptr(), now, ptr::null_mut())
            }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`out_json` is NULL",
        ),
        (
            "churn NULL customer",
            Box::new(|| unsafe { ciclo_engine_churn_json(e, ptr::null(), now, o) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`customer_id` is NULL",
        ),
        (
            "churn NULL out",
            Box::new(|| unsafe { ciclo_engine_churn_json(e, ana.as_ptr(), now, ptr::null_mut()) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`out_json` is NULL",
        ),
        (
            "fit NULL out",
            Box::new(|| unsafe {
                ciclo_engine_fit_models_json(e, now, ptr::null(), ptr::null_mut())
            }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`out_json` is NULL",
        ),
        (
            "fit NULL engine",
            Box::new(|| unsafe { ciclo_engine_fit_models_json(ptr::null(), now, ptr::null(), o) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`engine` is NULL",
        ),
        (
            "win back NULL out",
            Box::new(|| unsafe { ciclo_engine_win_back_json(e, now, 10, ptr::null_mut()) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`out_json` is NULL",
        ),
        (
            "record NULL customer",
            Box::new(|| unsafe { ciclo_engine_record_win_back(e, ptr::null(), now, 1) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`customer_id` is NULL",
        ),
        (
            "record NULL engine",
            Box::new(|| unsafe { ciclo_engine_record_win_back(ptr::null(), ana.as_ptr(), now, 1) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`engine` is NULL",
        ),
        (
            "stats NULL out",
            Box::new(|| unsafe { ciclo_engine_win_back_stats_json(e, ptr::null_mut()) }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`out_json` is NULL",
        ),
        // Invalid UTF-8.
        (
            "set bad UTF-8",
            Box::new(|| unsafe { ciclo_engine_set_retention_json(e, bad) }),
            CICLO_STATUS_INVALID_UTF8,
            "`config_json` is not valid UTF-8",
        ),
        (
            "evaluate bad UTF-8",
            Box::new(|| unsafe { ciclo_engine_evaluate_json(e, bad, now, o) }),
            CICLO_STATUS_INVALID_UTF8,
            "`customer_id` is not valid UTF-8",
        ),
        (
            "signals bad UTF-8",
            Box::new(|| unsafe { ciclo_engine_signals_json(e, bad, now, o) }),
            CICLO_STATUS_INVALID_UTF8,
            "`customer_id`",
        ),
        (
            "fit bad UTF-8 options",
            Box::new(|| unsafe { ciclo_engine_fit_models_json(e, now, bad, o) }),
            CICLO_STATUS_INVALID_UTF8,
            "`options_json`",
        ),
        (
            "record bad UTF-8",
            Box::new(|| unsafe { ciclo_engine_record_win_back(e, bad, now, 1) }),
            CICLO_STATUS_INVALID_UTF8,
            "`customer_id`",
        ),
        // Timestamps.
        (
            "evaluate now out of range",
            Box::new(|| unsafe { ciclo_engine_evaluate_json(e, ana.as_ptr(), i64::MAX, o) }),
            CICLO_STATUS_INVALID_TIMESTAMP,
            "now_ms",
        ),
        (
            "evaluate all now out of range",
            Box::new(|| unsafe { ciclo_engine_evaluate_json(e, ptr::null(), i64::MIN, o) }),
            CICLO_STATUS_INVALID_TIMESTAMP,
            "now_ms",
        ),
        (
            "signals now out of range",
            Box::new(|| unsafe { ciclo_engine_signals_json(e, ana.as_ptr(), i64::MAX, o) }),
            CICLO_STATUS_INVALID_TIMESTAMP,
            "now_ms",
        ),
        (
            "churn now out of range",
            Box::new(|| unsafe { ciclo_engine_churn_json(e, ana.as_ptr(), i64::MAX, o) }),
            CICLO_STATUS_INVALID_TIMESTAMP,
            "now_ms",
        ),
        (
            "fit now out of range",
            Box::new(|| unsafe { ciclo_engine_fit_models_json(e, i64::MAX, ptr::null(), o) }),
            CICLO_STATUS_INVALID_TIMESTAMP,
            "now_ms",
        ),
        (
            "win back now out of range",
            Box::new(|| unsafe { ciclo_engine_win_back_json(e, i64::MAX, 10, o) }),
            CICLO_STATUS_INVALID_TIMESTAMP,
            "now_ms",
        ),
        (
            "record now out of range",
            Box::new(|| unsafe { ciclo_engine_record_win_back(e, ana.as_ptr(), i64::MIN, 1) }),
            CICLO_STATUS_INVALID_TIMESTAMP,
            "now_ms",
        ),
        // Unknown customers.
        (
            "evaluate unknown customer",
            Box::new(|| unsafe { ciclo_engine_evaluate_json(e, nobody.as_ptr(), now, o) }),
            CICLO_STATUS_NOT_FOUND,
            "customer `nobody` not found",
        ),
        (
            "signals unknown customer",
            Box::new(|| unsafe { ciclo_engine_signals_json(e, nobody.as_ptr(), now, o) }),
            CICLO_STATUS_NOT_FOUND,
            "customer `nobody` not found",
        ),
        (
            "churn unknown customer",
            Box::new(|| unsafe { ciclo_engine_churn_json(e, nobody.as_ptr(), now, o) }),
            CICLO_STATUS_NOT_FOUND,
            "customer `nobody` not found",
        ),
        (
            "record unknown customer",
            Box::new(|| unsafe { ciclo_engine_record_win_back(e, nobody.as_ptr(), now, 1) }),
            CICLO_STATUS_NOT_FOUND,
            "customer `nobody` not found",
        ),
        // The outcome of a win-back attempt.
        (
            "record won 2",
            Box::new(|| unsafe { ciclo_engine_record_win_back(e, ana.as_ptr(), now, 2) }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument won: 2 is neither 0",
        ),
        (
            "record won -1",
            Box::new(|| unsafe { ciclo_engine_record_win_back(e, ana.as_ptr(), now, -1) }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument won: -1",
        ),
        // The configuration's JSON.
        (
            "malformed",
            Box::new(|| set(r#"{"rules": ["#)),
            CICLO_STATUS_INVALID_JSON,
            "invalid JSON in retention",
        ),
        (
            "not an object",
            Box::new(|| set("[]")),
            CICLO_STATUS_INVALID_JSON,
            "invalid JSON in retention",
        ),
        (
            "no rules",
            Box::new(|| set("{}")),
            CICLO_STATUS_INVALID_JSON,
            "missing field `rules`",
        ),
        (
            "trailing characters",
            Box::new(|| set(r#"{"rules": []} x"#)),
            CICLO_STATUS_INVALID_JSON,
            "retention",
        ),
        (
            "unknown top-level field",
            Box::new(|| set(r#"{"rules": [], "contact_limit": 3}"#)),
            CICLO_STATUS_UNKNOWN_FIELD,
            "unknown field `contact_limit` in retention",
        ),
        (
            "unknown field deep in a condition",
            Box::new(|| {
                set(r#"{"rules": [
                    {"name": "a", "action": "discount"},
                    {"name": "b", "action": "discount"},
                    {"name": "c", "action": "discount",
                     "when": {"all": [{"signal": "revenue", "op": ">", "value": 1, "foo": 1}]}}]}"#)
            }),
            CICLO_STATUS_UNKNOWN_FIELD,
            "unknown field `rules[2].when.all[0].foo` in retention",
        ),
        (
            "unknown rule field",
            Box::new(|| rule(r#""cooldown": 3"#)),
            CICLO_STATUS_UNKNOWN_FIELD,
            "unknown field `rules[0].cooldown` in retention",
        ),
        (
            "cooldown a string",
            Box::new(|| rule(r#""cooldown_days": "3""#)),
            CICLO_STATUS_INVALID_JSON,
            "rules[0].cooldown_days",
        ),
        (
            "rule without an action",
            Box::new(|| set(r#"{"rules": [{"name": "r"}]}"#)),
            CICLO_STATUS_INVALID_JSON,
            "missing field `action`",
        ),
        (
            "negative contact cap",
            Box::new(|| set(r#"{"rules": [], "contact_cap": {"count": -1, "period_days": 30}}"#)),
            CICLO_STATUS_INVALID_JSON,
            "contact_cap.count",
        ),
        (
            "churn signal unknown",
            Box::new(|| {
                set(
                    r#"{"rules": [], "churn": [{"signal": "mood", "low": 0, "high": 1, "weight": 1}]}"#,
                )
            }),
            CICLO_STATUS_INVALID_JSON,
            "churn[0].signal: unknown signal `mood`",
        ),
        // The configuration's values.
        (
            "unknown signal",
            Box::new(|| when(r#"{"signal": "mood", "op": ">", "value": 1}"#)),
            CICLO_STATUS_INVALID_CONFIG,
            "invalid config: rules[0].when.signal: unknown signal `mood`",
        ),
        (
            "unknown signal deep",
            Box::new(|| {
                when(
                    r#"{"any": [{"signal": "revenue", "op": ">", "value": 1},
                                 {"not": {"signal": "mood", "op": ">", "value": 1}}]}"#,
                )
            }),
            CICLO_STATUS_INVALID_CONFIG,
            "rules[0].when.any[1].not.signal",
        ),
        (
            "unknown operator",
            Box::new(|| when(r#"{"signal": "revenue", "op": "=>", "value": 1}"#)),
            CICLO_STATUS_INVALID_CONFIG,
            "rules[0].when.op: `=>` is not one of",
        ),
        (
            "comparison without a value",
            Box::new(|| when(r#"{"signal": "revenue", "op": ">"}"#)),
            CICLO_STATUS_INVALID_CONFIG,
            "rules[0].when.value: missing",
        ),
        (
            "two forms at once",
            Box::new(|| when(r#"{"all": [], "signal": "revenue", "op": ">", "value": 1}"#)),
            CICLO_STATUS_INVALID_CONFIG,
            "rules[0].when: a condition has exactly one of",
        ),
        (
            "unknown stage",
            Box::new(|| rule(r#""stages": ["growth", "limbo"]"#)),
            CICLO_STATUS_UNKNOWN_STAGE,
            "unknown stage `limbo` in rules[0].stages[1]",
        ),
        (
            "bad action",
            Box::new(|| set(r#"{"rules": [{"name": "r", "action": "Call Me"}]}"#)),
            CICLO_STATUS_INVALID_CONFIG,
            "rules[0].action: `Call Me` is neither a built-in action nor a custom name",
        ),
        (
            "negative cooldown",
            Box::new(|| {
                set(r#"{"rules": [{"name": "a", "action": "discount"},
                                  {"name": "b", "action": "discount", "cooldown_days": -1}]}"#)
            }),
            CICLO_STATUS_INVALID_CONFIG,
            "invalid config: rules[1].cooldown_days: -1 is not a number of days",
        ),
        (
            "repeated rule name",
            Box::new(|| {
                set(r#"{"rules": [{"name": "a", "action": "discount"},
                                  {"name": "a", "action": "discount"}]}"#)
            }),
            CICLO_STATUS_INVALID_CONFIG,
            "rules[1].name: `a` names two rules",
        ),
        (
            "empty rule name",
            Box::new(|| set(r#"{"rules": [{"name": " ", "action": "discount"}]}"#)),
            CICLO_STATUS_INVALID_CONFIG,
            "rules[0].name: empty",
        ),
        (
            "cap of zero",
            Box::new(|| rule(r#""cap": {"count": 0, "period_days": 30}"#)),
            CICLO_STATUS_INVALID_CONFIG,
            "rules[0].cap.count: must be at least 1",
        ),
        (
            "contact cap period of zero",
            Box::new(|| set(r#"{"rules": [], "contact_cap": {"count": 2, "period_days": 0}}"#)),
            CICLO_STATUS_INVALID_CONFIG,
            "contact_cap.period_days",
        ),
        (
            "zero per evaluation",
            Box::new(|| set(r#"{"rules": [], "max_per_evaluation": 0}"#)),
            CICLO_STATUS_INVALID_CONFIG,
            "max_per_evaluation: must be at least 1",
        ),
        (
            "contract term of zero",
            Box::new(|| set(r#"{"rules": [], "contract_term_days": 0}"#)),
            CICLO_STATUS_INVALID_CONFIG,
            "contract_term_days",
        ),
        (
            "prior rate above 1",
            Box::new(|| set(r#"{"rules": [], "win_back": {"prior_rate": 1.5}}"#)),
            CICLO_STATUS_INVALID_CONFIG,
            "win_back.prior_rate: 1.5 is not a rate",
        ),
        (
            "negative churn weight",
            Box::new(|| {
                set(
                    r#"{"rules": [], "churn": [{"signal": "recency_ratio", "low": 1, "high": 3, "weight": -1}]}"#,
                )
            }),
            CICLO_STATUS_INVALID_CONFIG,
            "weight: -1 is not a positive finite weight",
        ),
        // The fit's options and population.
        (
            "fit malformed options",
            Box::new(|| fit("{")),
            CICLO_STATUS_INVALID_JSON,
            "invalid JSON in options",
        ),
        (
            "fit unit of zero days",
            Box::new(|| fit(r#"{"unit_days": 0}"#)),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument options.unit_days: 0 is not a positive number of days",
        ),
        (
            "fit negative penalizer",
            Box::new(|| fit(r#"{"penalizer": -0.1}"#)),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument options.penalizer: -0.1",
        ),
        (
            "fit too many months",
            Box::new(|| fit(r#"{"clv": {"months": 5000}}"#)),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument options.clv.months: 5000 is more than 120 months",
        ),
        (
            "fit discount at -1",
            Box::new(|| fit(r#"{"clv": {"monthly_discount": -1}}"#)),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument options.clv.monthly_discount",
        ),
        (
            "fit zero periods per month",
            Box::new(|| fit(r#"{"clv": {"periods_per_month": 0}}"#)),
            CICLO_STATUS_INVALID_ARGUMENT,
            "invalid argument options.clv.periods_per_month",
        ),
        (
            "fit unknown option",
            Box::new(|| fit(r#"{"unit": "weeks"}"#)),
            CICLO_STATUS_UNKNOWN_FIELD,
            "unknown field `unit` in options",
        ),
        (
            "fit unknown clv option",
            Box::new(|| fit(r#"{"clv": {"discount": 0.01}}"#)),
            CICLO_STATUS_UNKNOWN_FIELD,
            "unknown field `clv.discount` in options",
        ),
        (
            "fit unit a string",
            Box::new(|| fit(r#"{"unit_days": "7"}"#)),
            CICLO_STATUS_INVALID_JSON,
            "unit_days",
        ),
    ];
    let before = engine.snapshot();
    let config = engine.retention();
    for (what, call, expected, says) in &cases {
        let status = call();
        assert_eq!(
            status,
            *expected,
            "{what}: {} ({})",
            last_error(),
            status_name(status)
        );
        assert_eq!(out, sentinel, "{what}: out written on error");
        let message = last_error();
        assert!(
            message.contains(says),
            "{what}: `{message}` should contain `{says}`"
        );
        assert_eq!(engine.snapshot(), before, "{what}: the engine changed");
    }
    assert_eq!(engine.retention(), config);
    // The firing the failed calls did not record is still due, and a good
    // call clears the error.
    let status = unsafe { ciclo_engine_evaluate_json(e, ana.as_ptr(), now, o) };
    assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
    assert_eq!(last_error(), "");
    assert_ne!(out, sentinel);
    assert!(take(out).contains(r#""rule":"vip_discontent""#));

    // An engine where nobody bought has nothing to fit on.
    let empty = Engine::new();
    empty.send("p", "2026-01-01", "visit", "");
    let (status, message) = empty.fit("2026-04-01", None).unwrap_err();
    assert_eq!(status, CICLO_STATUS_INVALID_ARGUMENT);
    assert!(message.contains("customers"), "{message}");
}
