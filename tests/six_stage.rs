//! Behaviour of the preset rules: the six_stage default (awareness -> acquisition ->
//! conversion -> growth -> retention -> reactivation), the five_stage preset, and a
//! custom model loaded from JSON with a custom event kind.

use ciclo::lifecycle::{self, Applied, Metric, Outcome, StageModel};
use ciclo::model::{BuiltinKind as K, Currency, Event, EventKind, Money, Timestamp};
use ciclo::{json, Engine, ErrorKind};

const DAY: i64 = 86_400_000;
/// 2026-01-01T00:00:00Z.
const T0: i64 = 1_767_225_600_000;

fn day(d: f64) -> Timestamp {
    Timestamp::from_millis(T0 + (d * DAY as f64).round() as i64, "t").unwrap()
}

fn ars(minor: i64) -> Money {
    Money {
        minor,
        currency: Currency::parse("ARS", "currency").unwrap(),
    }
}

fn ev(customer: &str, d: f64, kind: K) -> Event {
    Event::new(customer, day(d), kind)
}

fn buy(customer: &str, d: f64) -> Event {
    ev(customer, d, K::Purchase).with_amount(ars(10_000))
}

fn buy_in(customer: &str, d: f64, category: &str) -> Event {
    buy(customer, d).with_category(category)
}

struct World {
    engine: Engine,
}

impl World {
    fn six() -> World {
        World {
            engine: Engine::new(StageModel::six_stage()),
        }
    }

    fn five() -> World {
        World {
            engine: Engine::new(StageModel::five_stage()),
        }
    }

    fn model(&self) -> &StageModel {
        self.engine.model()
    }

    fn apply(&self, e: Event) -> Outcome {
        self.engine.apply(&e).unwrap()
    }

    /// The rule that fired for the event, if any.
    fn fired(&self, e: Event) -> Option<String> {
        let o = self.apply(e);
        assert_eq!(o.applied, Applied::Applied);
        o.transition.map(|t| self.model().rule(t.rule).name.clone())
    }

    fn tick(&self, d: f64) -> Vec<(String, String)> {
        self.engine
            .tick(day(d))
            .moves
            .into_iter()
            .map(|(c, m)| (c, self.model().rule(m.transition.rule).name.clone()))
            .collect()
    }

    fn stage(&self, customer: &str) -> String {
        let s = self.engine.customer(customer).unwrap();
        self.model().stage_name(s.stage()).to_string()
    }

    /// Stage names of the customer's history, oldest first.
    fn path(&self, customer: &str) -> Vec<String> {
        let s = self.engine.customer(customer).unwrap();
        s.history()
            .iter()
            .map(|t| self.model().stage_name(t.to).to_string())
            .collect()
    }

    /// Names of the rules in the customer's history.
    fn rules(&self, customer: &str) -> Vec<String> {
        let s = self.engine.customer(customer).unwrap();
        s.history()
            .iter()
            .filter_map(|t| t.rule)
            .map(|r| self.model().rule(r).name.clone())
            .collect()
    }
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

// ---------------------------------------------------------------------------
// six_stage
// ---------------------------------------------------------------------------

#[test]
fn six_stage_has_the_documented_stages_and_rules() {
    let model = StageModel::six_stage();
    assert_eq!(
        model.stages(),
        s(&[
            "awareness",
            "acquisition",
            "conversion",
            "growth",
            "retention",
            "reactivation"
        ])
    );
    assert_eq!(model.stage_name(model.initial()), "awareness");
    assert!(model.forward_only());
    let names: Vec<&str> = model.rules().iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "qualified_lead",
            "first_purchase",
            "cross_sell",
            "repeat_purchase",
            "loyal_tenure",
            "cancelled",
            "lapsed",
            "win_back"
        ]
    );
    // Only win_back may move backward.
    let backward: Vec<&str> = model
        .rules()
        .iter()
        .filter(|r| r.allow_backward)
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(backward, ["win_back"]);
}

#[test]
fn qualified_lead_needs_contact_data_and_the_score_threshold() {
    let w = World::six();
    assert_eq!(w.fired(ev("a", 0.0, K::Visit)), None); // 2 points
    assert_eq!(w.fired(ev("a", 0.0, K::ContactCaptured)), None); // 12 points
    assert_eq!(w.stage("a"), "awareness");
    let o = w.apply(ev("a", 0.0, K::TrialRequested)); // 32 points
    let t = o.transition.unwrap();
    assert_eq!(w.model().rule(t.rule).name, "qualified_lead");
    assert_eq!(w.model().stage_name(t.to), "acquisition");
    assert_eq!(t.cause.name(w.model()), "trial_requested");
    let evidence: Vec<_> = o
        .evidence
        .iter()
        .map(|e| (e.metric, e.op.as_str(), e.threshold, e.actual))
        .collect();
    assert_eq!(
        evidence,
        [
            (Metric::ContactCaptured, "==", 1.0, Some(1.0)),
            (Metric::LeadQualified, "==", 1.0, Some(1.0)),
        ]
    );

    // A high score without contact data is not a qualified lead...
    assert_eq!(w.fired(ev("b", 0.0, K::TrialRequested)), None);
    assert_eq!(w.fired(ev("b", 1.0, K::DemoRequested)), None);
    assert_eq!(w.stage("b"), "awareness");
    // ...until the contact data arrives (any event triggers the rule).
    assert_eq!(
        w.fired(ev("b", 2.0, K::ContactCaptured)).as_deref(),
        Some("qualified_lead")
    );

    // Contact data with too little interest stays in awareness.
    w.apply(ev("c", 0.0, K::ContactCaptured));
    w.apply(ev("c", 0.0, K::Visit));
    assert_eq!(w.stage("c"), "awareness");
}

#[test]
fn lead_score_decays_with_its_half_life() {
    let w = World::six();
    w.apply(ev("a", 0.0, K::ContactCaptured));
    // 10 points; 30 days later (one half-life) 5 + 5 = 10 < 15.
    assert_eq!(w.fired(ev("a", 30.0, K::OfferAccepted)), None);
    let s = w.engine.customer("a").unwrap();
    assert_eq!(
        s.metric(w.model(), Metric::LeadScore, day(30.0)),
        Some(10.0)
    );
    assert_eq!(s.metric(w.model(), Metric::LeadScore, day(60.0)), Some(5.0));
    // Another 5 at the same moment reach the threshold, but an offer accepted is the
    // company's action, not a trigger of qualified_lead; the customer's next visit is.
    assert_eq!(w.fired(ev("a", 30.0, K::OfferAccepted)), None);
    assert_eq!(
        w.fired(ev("a", 30.0, K::Visit)).as_deref(),
        Some("qualified_lead")
    );
    // Negative points: an unsubscription pulls a lead below the threshold, but the
    // stage stays (forward only).
    w.apply(ev("a", 31.0, K::Unsubscribe));
    assert_eq!(w.stage("a"), "acquisition");
}

#[test]
fn first_purchase_converts() {
    let w = World::six();
    // A first event that is a purchase enters awareness and converts at once.
    let o = w.apply(buy("a", 0.0));
    assert!(o.created);
    assert_eq!(w.model().stage_name(o.stage), "conversion");
    assert_eq!(w.path("a"), s(&["awareness", "conversion"]));
    assert_eq!(w.rules("a"), s(&["first_purchase"]));
    assert!(o.evidence.is_empty());
    // From acquisition too.
    w.apply(ev("b", 0.0, K::ContactCaptured));
    w.apply(ev("b", 0.0, K::DemoRequested));
    assert_eq!(w.stage("b"), "acquisition");
    assert_eq!(w.fired(buy("b", 3.0)).as_deref(), Some("first_purchase"));
    assert_eq!(w.path("b"), s(&["awareness", "acquisition", "conversion"]));
    // A zero amount is still a purchase.
    let o = w.apply(ev("c", 0.0, K::Purchase).with_amount(ars(0)));
    assert_eq!(w.model().stage_name(o.stage), "conversion");
}

#[test]
fn repeat_purchase_grows() {
    let w = World::six();
    w.apply(buy_in("a", 0.0, "hogar"));
    let o = w.apply(buy_in("a", 10.0, "hogar"));
    let t = o.transition.unwrap();
    assert_eq!(w.model().rule(t.rule).name, "repeat_purchase");
    assert_eq!(w.model().stage_name(t.to), "growth");
    assert_eq!(o.evidence.len(), 1);
    assert_eq!(o.evidence[0].metric, Metric::PurchaseCount);
    assert_eq!(o.evidence[0].actual, Some(2.0));
    // Without categories.
    w.apply(buy("b", 0.0));
    assert_eq!(w.fired(buy("b", 1.0)).as_deref(), Some("repeat_purchase"));
    // Categories are case-folded and trimmed: `Hogar` then ` hogar ` is no cross-sell.
    w.apply(buy_in("c", 0.0, "Hogar"));
    assert_eq!(
        w.fired(buy_in("c", 1.0, " hogar ")).as_deref(),
        Some("repeat_purchase")
    );
    // A second purchase without a category after one with a category.
    w.apply(buy_in("d", 0.0, "hogar"));
    assert_eq!(w.fired(buy("d", 1.0)).as_deref(), Some("repeat_purchase"));
}

#[test]
fn cross_sell_wins_when_the_category_is_new() {
    let w = World::six();
    w.apply(buy_in("a", 0.0, "hogar"));
    let o = w.apply(buy_in("a", 10.0, "jardín"));
    let t = o.transition.unwrap();
    // Both cross_sell (31) and repeat_purchase (30) could fire: cross_sell wins.
    assert_eq!(w.model().rule(t.rule).name, "cross_sell");
    assert_eq!(w.model().stage_name(t.to), "growth");
    assert_eq!(o.evidence.len(), 1);
    assert_eq!(o.evidence[0].metric, Metric::EventNewCategory);
    assert_eq!(o.evidence[0].actual, Some(1.0));
    // A first purchase without a category, then one with: the category is new.
    w.apply(buy("b", 0.0));
    assert_eq!(
        w.fired(buy_in("b", 1.0, "tech")).as_deref(),
        Some("cross_sell")
    );
    // A renewal with a new category is no purchase: no growth.
    w.apply(buy_in("c", 0.0, "hogar"));
    assert_eq!(
        w.fired(ev("c", 1.0, K::Renewal).with_category("tech")),
        None
    );
    assert_eq!(w.stage("c"), "conversion");
}

#[test]
fn retention_after_180_days_of_tenure_on_tick() {
    let w = World::six();
    // Buys every 30 days: growth, never lapsed.
    for d in [0.0, 30.0, 60.0, 90.0, 120.0, 150.0, 175.0] {
        w.apply(buy("a", d));
    }
    assert_eq!(w.stage("a"), "growth");
    assert!(w.tick(179.99).is_empty());
    assert_eq!(
        w.tick(180.0),
        vec![("a".to_string(), "loyal_tenure".to_string())]
    );
    assert_eq!(w.stage("a"), "retention");
    let state = w.engine.customer("a").unwrap();
    assert_eq!(state.stage_entered(), day(180.0));
    assert_eq!(state.watermark(), day(180.0));
    // A purchase at 180 days of tenure moves on the purchase itself.
    for d in [0.0, 30.0, 60.0, 90.0, 120.0, 150.0] {
        w.apply(buy("b", d + 200.0));
    }
    assert_eq!(w.fired(buy("b", 380.0)).as_deref(), Some("loyal_tenure"));
}

#[test]
fn lapse_on_tick_after_three_usual_intervals() {
    let w = World::six();
    // Usual interval 20 days.
    w.apply(buy("a", 0.0));
    w.apply(buy("a", 20.0));
    assert_eq!(w.stage("a"), "growth");
    assert!(w.tick(79.99).is_empty());
    let report = w.engine.tick(day(80.0));
    assert_eq!(report.moves.len(), 1);
    let (customer, m) = &report.moves[0];
    assert_eq!(customer, "a");
    assert_eq!(w.model().rule(m.transition.rule).name, "lapsed");
    assert_eq!(m.transition.cause.name(w.model()), "tick");
    assert_eq!(w.stage("a"), "reactivation");
    let ratio = m
        .evidence
        .iter()
        .find(|e| e.metric == Metric::PurchaseIntervalRatio)
        .unwrap();
    assert_eq!(ratio.actual, Some(3.0));
    // Ticking again does nothing more.
    assert!(w.tick(200.0).is_empty());

    // Frequent buyers still need 30 days without buying.
    w.apply(buy("b", 300.0));
    w.apply(buy("b", 301.0));
    w.apply(buy("b", 302.0));
    assert!(w.tick(310.0).is_empty());
    assert!(w.tick(331.99).is_empty());
    assert_eq!(w.tick(332.0), vec![("b".to_string(), "lapsed".to_string())]);

    // One-time buyers lapse after 180 days.
    w.apply(buy("c", 400.0));
    assert_eq!(w.stage("c"), "conversion");
    assert!(w.tick(579.99).is_empty());
    assert_eq!(w.tick(580.0), vec![("c".to_string(), "lapsed".to_string())]);

    // A recent renewal keeps a subscriber active although they stopped buying.
    w.apply(buy("d", 600.0));
    w.apply(buy("d", 610.0));
    w.apply(ev("d", 640.0, K::Renewal));
    assert!(w.tick(650.0).is_empty());
    assert_eq!(w.tick(685.0), vec![("d".to_string(), "lapsed".to_string())]);
}

#[test]
fn tick_earlier_than_the_watermark_does_nothing() {
    let w = World::six();
    w.apply(buy("a", 0.0));
    w.apply(buy("a", 10.0));
    w.apply(ev("a", 100.0, K::Visit));
    // At day 50 the customer would have lapsed, but a later event was applied.
    let report = w.engine.tick(day(50.0));
    assert_eq!(report.evaluated, 0);
    assert!(report.moves.is_empty());
    assert_eq!(w.stage("a"), "growth");
    // A tick that does not move the customer does not advance the watermark.
    let w = World::six();
    w.apply(buy("b", 0.0));
    w.apply(buy("b", 10.0));
    assert!(w.tick(20.0).is_empty());
    assert_eq!(w.engine.customer("b").unwrap().watermark(), day(10.0));
    w.apply(ev("b", 15.0, K::Visit));
    // A tick that moves it does: later events before it are out of order.
    assert_eq!(w.tick(50.0).len(), 1);
    let err = w.engine.apply(&ev("b", 49.0, K::Visit)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OutOfOrder);
}

#[test]
fn cancellation_then_reactivation_and_win_back() {
    let w = World::six();
    w.apply(buy("a", 0.0));
    let o = w.apply(ev("a", 5.0, K::Cancellation).with_reason("precio"));
    let t = o.transition.unwrap();
    assert_eq!(w.model().rule(t.rule).name, "cancelled");
    assert_eq!(w.stage("a"), "reactivation");
    let state = w.engine.customer("a").unwrap();
    assert_eq!(state.metrics().cancellation_reason(), Some("precio"));
    assert_eq!(
        state.metric(w.model(), Metric::Cancelled, day(5.0)),
        Some(1.0)
    );
    // Other events do not move a customer out of reactivation.
    for kind in [K::Visit, K::ContactCaptured, K::TrialRequested, K::Survey] {
        let e = ev("a", 6.0, kind);
        let e = if kind == K::Survey {
            e.with_score(3.0)
        } else {
            e
        };
        assert_eq!(w.fired(e), None);
    }
    // A purchase wins them back (a backward move, allowed to win_back only).
    let o = w.apply(buy("a", 40.0));
    let t = o.transition.unwrap();
    assert_eq!(w.model().rule(t.rule).name, "win_back");
    assert_eq!(w.model().stage_name(t.from), "reactivation");
    assert_eq!(w.model().stage_name(t.to), "conversion");
    // ...and the next purchase is growth again.
    assert_eq!(w.fired(buy("a", 50.0)).as_deref(), Some("repeat_purchase"));
    assert_eq!(
        w.path("a"),
        s(&[
            "awareness",
            "conversion",
            "reactivation",
            "conversion",
            "growth"
        ])
    );
    // From growth and retention too; a renewal also wins back.
    w.apply(buy("b", 0.0));
    w.apply(buy("b", 1.0));
    assert_eq!(
        w.fired(ev("b", 2.0, K::Cancellation)).as_deref(),
        Some("cancelled")
    );
    assert_eq!(
        w.fired(ev("b", 3.0, K::Renewal).with_amount(ars(5)))
            .as_deref(),
        Some("win_back")
    );
    // A prospect who cancels stays where they are.
    w.apply(ev("c", 0.0, K::Visit));
    assert_eq!(w.fired(ev("c", 1.0, K::Cancellation)), None);
    assert_eq!(w.stage("c"), "awareness");
}

#[test]
fn lapsed_customers_are_won_back_by_a_purchase() {
    let w = World::six();
    w.apply(buy("a", 0.0));
    w.apply(buy("a", 10.0));
    assert_eq!(w.tick(40.0).len(), 1);
    assert_eq!(w.stage("a"), "reactivation");
    assert_eq!(w.fired(buy("a", 41.0)).as_deref(), Some("win_back"));
    assert_eq!(w.stage("a"), "conversion");
}

#[test]
fn forward_only_a_purchase_in_growth_never_moves_back() {
    let w = World::six();
    w.apply(buy_in("a", 0.0, "a"));
    w.apply(buy_in("a", 1.0, "b"));
    assert_eq!(w.stage("a"), "growth");
    for (i, cat) in ["c", "d", "a", "e"].iter().enumerate() {
        assert_eq!(w.fired(buy_in("a", 2.0 + i as f64, cat)), None);
        assert_eq!(w.stage("a"), "growth");
    }
    // In retention, purchases keep them there.
    for d in [0.0, 30.0, 60.0, 90.0, 120.0, 150.0, 180.0] {
        w.apply(buy("b", d));
    }
    assert_eq!(w.stage("b"), "retention");
    assert_eq!(w.fired(buy_in("b", 181.0, "nueva")), None);
    assert_eq!(w.stage("b"), "retention");

    // A rule that names earlier and later stages only moves customers forward.
    let mut config = lifecycle::presets::six_stage();
    config.rules.push(lifecycle::RuleConfig {
        name: "offer_converts".into(),
        description: String::new(),
        from: vec!["acquisition".into(), "growth".into()],
        to: "conversion".into(),
        on: vec!["offer_accepted".into()],
        when: None,
        priority: 100,
        allow_backward: false,
    });
    let w = World {
        engine: Engine::from_config(config.clone()).unwrap(),
    };
    w.apply(buy("g", 0.0));
    w.apply(buy("g", 1.0));
    assert_eq!(w.fired(ev("g", 2.0, K::OfferAccepted)), None);
    assert_eq!(w.stage("g"), "growth");
    w.apply(ev("q", 0.0, K::ContactCaptured));
    w.apply(ev("q", 0.0, K::TrialRequested));
    assert_eq!(w.stage("q"), "acquisition");
    assert_eq!(
        w.fired(ev("q", 1.0, K::OfferAccepted)).as_deref(),
        Some("offer_converts")
    );
    // Without forward_only, the same rule moves back.
    config.forward_only = false;
    let w = World {
        engine: Engine::from_config(config).unwrap(),
    };
    w.apply(buy("g", 0.0));
    w.apply(buy("g", 1.0));
    assert_eq!(
        w.fired(ev("g", 2.0, K::OfferAccepted)).as_deref(),
        Some("offer_converts")
    );
    assert_eq!(w.stage("g"), "conversion");
}

#[test]
fn at_most_one_rule_fires_per_event() {
    let w = World::six();
    // A first purchase that is also in a category: first_purchase only, no
    // cross_sell in the same event.
    let o = w.apply(buy_in("a", 0.0, "hogar"));
    assert_eq!(w.path("a"), s(&["awareness", "conversion"]));
    assert!(o.transition.is_some());
    // Contact + huge score + purchase: one move per event.
    w.apply(ev("b", 0.0, K::ContactCaptured));
    w.apply(ev("b", 0.0, K::DemoRequested));
    w.apply(buy("b", 0.0));
    assert_eq!(w.path("b"), s(&["awareness", "acquisition", "conversion"]));
}

// ---------------------------------------------------------------------------
// five_stage
// ---------------------------------------------------------------------------

#[test]
fn five_stage_path_to_renewal() {
    let w = World::five();
    assert_eq!(
        w.model().stages(),
        s(&[
            "first_contact",
            "first_purchase",
            "delivery",
            "after_sales",
            "renewal"
        ])
    );
    assert_eq!(w.fired(ev("a", 0.0, K::Visit)), None);
    assert_eq!(w.stage("a"), "first_contact");
    assert_eq!(w.fired(buy("a", 1.0)).as_deref(), Some("first_purchase"));
    assert_eq!(
        w.fired(ev("a", 3.0, K::Delivery)).as_deref(),
        Some("delivered")
    );
    assert_eq!(
        w.fired(ev("a", 4.0, K::SupportTicket).with_reason("roto"))
            .as_deref(),
        Some("after_sales_contact")
    );
    assert_eq!(
        w.fired(ev("a", 30.0, K::Renewal)).as_deref(),
        Some("renewed")
    );
    assert_eq!(
        w.path("a"),
        s(&[
            "first_contact",
            "first_purchase",
            "delivery",
            "after_sales",
            "renewal"
        ])
    );
    assert_eq!(
        w.rules("a"),
        s(&[
            "first_purchase",
            "delivered",
            "after_sales_contact",
            "renewed"
        ])
    );
}

#[test]
fn five_stage_after_sales_by_time_and_repurchase() {
    let w = World::five();
    w.apply(buy("a", 0.0));
    w.apply(ev("a", 2.0, K::Delivery));
    assert!(w.tick(31.99).is_empty());
    assert_eq!(
        w.tick(32.0),
        vec![("a".to_string(), "after_sales_period".to_string())]
    );
    assert_eq!(w.fired(buy("a", 40.0)).as_deref(), Some("repurchase"));
    assert_eq!(w.stage("a"), "renewal");
    // A complaint or a survey also opens after-sales.
    w.apply(buy("b", 0.0));
    w.apply(ev("b", 1.0, K::Delivery));
    assert_eq!(
        w.fired(ev("b", 2.0, K::Survey).with_score(9.0)).as_deref(),
        Some("after_sales_contact")
    );
    // A second purchase before delivery does not skip the delivery.
    w.apply(buy("c", 0.0));
    assert_eq!(w.fired(buy("c", 1.0)), None);
    assert_eq!(w.stage("c"), "first_purchase");
    // A renewal can come straight after the purchase.
    assert_eq!(
        w.fired(ev("c", 2.0, K::Renewal)).as_deref(),
        Some("renewed")
    );
}

// ---------------------------------------------------------------------------
// A custom model from JSON
// ---------------------------------------------------------------------------

const CUSTOM: &str = r#"{
  "name": "mi_ciclo",
  "stages": [
    {"name": "prospecto", "description": "Nos conoce."},
    {"name": "interesado"},
    {"name": "cliente"}
  ],
  "custom_events": ["webinar", "llamada"],
  "lead_scoring": {"points": {"webinar": 6, "llamada": 2.5, "visit": 1}, "threshold": 12},
  "rules": [
    {"name": "interes", "from": ["prospecto"], "to": "interesado", "on": ["webinar", "llamada"],
     "when": {"metric": "lead_score", "op": ">=", "value": 12}},
    {"name": "compra", "to": "cliente", "on": "purchase",
     "when": {"metric": "event.amount", "op": ">", "value": 0}, "priority": 10}
  ]
}"#;

fn webinar(customer: &str, d: f64) -> Event {
    Event::new(customer, day(d), EventKind::Custom("webinar".into()))
}

#[test]
fn custom_model_with_a_custom_event_kind_and_lead_points() {
    let model = json::config_from_json(CUSTOM).unwrap();
    assert_eq!(model.name(), "mi_ciclo");
    assert_eq!(model.stage_name(model.initial()), "prospecto");
    let w = World {
        engine: Engine::new(model),
    };
    // No half-life: points add up without decay.
    assert_eq!(w.fired(webinar("a", 0.0)), None);
    assert_eq!(w.fired(ev("a", 100.0, K::Visit)), None);
    let s1 = w.engine.customer("a").unwrap();
    assert_eq!(
        s1.metric(w.model(), Metric::LeadScore, day(500.0)),
        Some(7.0)
    );
    // A visit does not trigger `interes` even above the threshold: only the custom
    // kinds do.
    let o = w.apply(
        webinar("a", 101.0)
            .with_category("crm")
            .with_reason("curioso"),
    );
    let t = o.transition.unwrap();
    assert_eq!(w.model().rule(t.rule).name, "interes");
    assert_eq!(t.cause.name(w.model()), "webinar");
    assert_eq!(o.evidence[0].actual, Some(13.0));
    assert_eq!(w.stage("a"), "interesado");
    // Decimal points for the other custom kind.
    for d in 0..4 {
        w.apply(Event::new(
            "b",
            day(d as f64),
            EventKind::Custom("llamada".into()),
        ));
    }
    assert_eq!(w.stage("b"), "prospecto");
    w.apply(Event::new(
        "b",
        day(5.0),
        EventKind::Custom("llamada".into()),
    ));
    assert_eq!(w.stage("b"), "interesado"); // 12.5
                                            // A zero purchase is not a sale here; a paid one is, from any stage.
    assert_eq!(
        w.fired(ev("a", 102.0, K::Purchase).with_amount(ars(0))),
        None
    );
    assert_eq!(w.fired(buy("a", 103.0)).as_deref(), Some("compra"));
    assert_eq!(w.fired(buy("c", 0.0)).as_deref(), Some("compra"));
    assert_eq!(w.path("c"), s(&["prospecto", "cliente"]));
    // An undeclared custom kind is rejected and changes nothing.
    let before = w.engine.snapshot();
    let err = w
        .engine
        .apply(&Event::new(
            "a",
            day(200.0),
            EventKind::Custom("seminario".into()),
        ))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownEventKind);
    assert!(err.to_string().contains("seminario"), "{err}");
    assert_eq!(w.engine.snapshot(), before);
    // States with custom causes round-trip through JSON, bytes and snapshots.
    let state = w.engine.customer("a").unwrap();
    let text = json::state_to_json(w.model(), &state);
    assert!(text.contains(r#""cause":"webinar""#), "{text}");
    assert_eq!(json::state_from_json(w.model(), &text).unwrap(), state);
    assert_eq!(
        lifecycle::CustomerState::from_bytes(w.model(), &state.to_bytes(w.model())).unwrap(),
        state
    );
    let restored = Engine::restore(&w.engine.snapshot()).unwrap();
    assert_eq!(restored.customer("a").unwrap(), state);
    assert_eq!(restored.snapshot(), w.engine.snapshot());
    // A custom event from JSON.
    let e = json::event_from_json(
        r#"{"id": "w-1", "customer": "d", "at": "2026-01-01T00:00:00Z", "kind": "webinar",
            "category": "ventas", "attributes": {"sala": "B"}}"#,
    )
    .unwrap();
    assert_eq!(e.kind, EventKind::Custom("webinar".into()));
    assert!(w.engine.apply(&e).unwrap().created);
    // The same event is unknown to a preset.
    let preset = Engine::new(StageModel::six_stage());
    assert_eq!(
        preset.apply(&e).unwrap_err().kind(),
        ErrorKind::UnknownEventKind
    );
}

#[test]
fn many_events_at_one_instant_stay_bounded_and_idempotent() {
    use ciclo::lifecycle::state::MAX_IDS_AT_INSTANT;
    let w = World::six();
    let at = day(1.0);
    for i in 0..2_000 {
        let e = ciclo::model::Event::new("lote", at, K::Visit).with_id(format!("imp-{i}"));
        w.engine.apply(&e).unwrap();
    }
    let state = w.engine.customer("lote").unwrap();
    assert_eq!(state.metrics().event_count, 2_000);
    let record = state.to_record(w.model());
    assert!(record.recent_event_ids.len() <= MAX_IDS_AT_INSTANT);
    // The latest redeliveries at that instant are recognised.
    let again = ciclo::model::Event::new("lote", at, K::Visit).with_id("imp-1999");
    assert_eq!(
        w.engine.apply(&again).unwrap().applied,
        ciclo::lifecycle::Applied::Duplicate
    );
    let again = ciclo::model::Event::new("lote", at, K::Visit)
        .with_id(format!("imp-{}", 2_000 - MAX_IDS_AT_INSTANT));
    assert_eq!(
        w.engine.apply(&again).unwrap().applied,
        ciclo::lifecycle::Applied::Duplicate
    );
}

#[test]
fn state_bytes_are_versioned() {
    let w = World::six();
    w.apply(ev("a", 0.0, K::Visit));
    let state = w.engine.customer("a").unwrap();
    let mut bytes = state.to_bytes(w.model());
    assert_eq!(
        ciclo::lifecycle::CustomerState::from_bytes(w.model(), &bytes).unwrap(),
        state
    );
    bytes[0] = 99;
    let err = ciclo::lifecycle::CustomerState::from_bytes(w.model(), &bytes).unwrap_err();
    assert!(err.to_string().contains("version 99"), "{err}");
    assert!(ciclo::lifecycle::CustomerState::from_bytes(w.model(), &[]).is_err());
}

#[test]
fn explain_first_entered_is_due_and_memory() {
    let w = World::six();
    let before = w.engine.memory_bytes();
    w.apply(buy("a", 0.0));
    w.apply(buy("a", 10.0));
    assert!(w.engine.memory_bytes() > before);
    let s = w.engine.customer("a").unwrap();
    let m = w.model();
    assert_eq!(
        s.first_entered(m.stage_id("conversion").unwrap()),
        Some(day(0.0))
    );
    assert_eq!(
        s.first_entered(m.stage_id("growth").unwrap()),
        Some(day(10.0))
    );
    assert_eq!(s.first_entered(m.stage_id("retention").unwrap()), None);
    assert!(!s.is_due(day(9.0)) && s.is_due(day(10.0)));
    // The evidence behind `lapsed`: two usual intervals without buying 20 days after
    // the last purchase, three (the threshold) 30 days after.
    let lapsed = m.rule_id("lapsed").unwrap();
    let ratio = |now: f64| {
        s.explain(m, lapsed, day(now))
            .into_iter()
            .find(|e| e.metric == ciclo::lifecycle::Metric::PurchaseIntervalRatio)
            .and_then(|e| e.actual)
    };
    assert_eq!(ratio(30.0), Some(2.0));
    assert_eq!(ratio(40.0), Some(3.0));
}
