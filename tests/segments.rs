//! Host attributes and rule segments through the Rust API: attributes set by
//! events and by calls, refused values changing nothing, segments entered and
//! left with their times, counts and member pages, snapshots (today's and a
//! version 5 one), erasure, and stage rules and lead scoring reading
//! attributes.

use ciclo::consolidation::registry::GoldenId;
use ciclo::lifecycle::{
    presets, AttributeConfig, AttributeType, ConditionConfig as C, ModelConfig,
    ProfilePointsConfig, RuleConfig, SegmentConfig, StageModel,
};
use ciclo::model::{AttrValue, BuiltinKind, Currency, Event, Money, Timestamp};
use ciclo::{json, Engine, Error};

fn t(day: u32) -> Timestamp {
    Timestamp::parse(&format!("2026-03-{day:02}T10:00:00Z"), "t").unwrap()
}

fn text(s: &str) -> AttrValue {
    AttrValue::Text(s.to_string())
}

fn segment(name: &str, stages: &[&str], when: Option<C>) -> SegmentConfig {
    SegmentConfig {
        name: name.into(),
        description: String::new(),
        stages: stages.iter().map(|s| s.to_string()).collect(),
        when,
    }
}

/// The six-stage preset with five attributes and four segments.
fn config() -> ModelConfig {
    let mut m = presets::six_stage();
    m.attributes.insert(
        "province".into(),
        AttributeConfig::category(&["Buenos Aires", "Córdoba", "Mendoza"]),
    );
    m.attributes.insert(
        "credit_situation".into(),
        AttributeConfig::category(&["1", "2", "3", "4", "5", "6"]),
    );
    m.attributes.insert(
        "employees".into(),
        AttributeConfig {
            min: Some(0.0),
            ..AttributeConfig::of(AttributeType::Number)
        },
    );
    m.attributes
        .insert("industry".into(), AttributeConfig::of(AttributeType::Text));
    m.attributes
        .insert("founded".into(), AttributeConfig::of(AttributeType::Date));
    m.segments = vec![
        segment(
            "cordoba_smes",
            &[],
            Some(C::all(vec![
                C::attr("province", "==", "Córdoba"),
                C::attr("employees", "<", 250.0),
            ])),
        ),
        segment(
            "non_performing",
            &[],
            Some(C::attr_in("credit_situation", &["3", "4", "5", "6"])),
        ),
        segment(
            "repeat_buyers",
            &["growth", "retention"],
            Some(C::cmp("purchase_count", ">=", 2.0)),
        ),
        segment(
            "recent",
            &[],
            Some(C::cmp("days_since_last_activity", "<", 30.0)),
        ),
    ];
    m
}

fn engine() -> Engine {
    Engine::new(StageModel::compile(config()).unwrap())
}

fn visit(who: &str, day: u32) -> Event {
    Event::new(who, t(day), BuiltinKind::Visit)
}

fn purchase(who: &str, day: u32) -> Event {
    Event::new(who, t(day), BuiltinKind::Purchase).with_amount(Money {
        minor: 10_000,
        currency: Currency::parse("ARS", "c").unwrap(),
    })
}

/// `customer`'s segments by name, with entry times.
fn segments_of(engine: &Engine, customer: &str) -> Vec<(String, Timestamp)> {
    let model = engine.model();
    engine
        .customer_segments(customer)
        .unwrap()
        .into_iter()
        .map(|(id, at)| (model.segments().get(id).name.clone(), at))
        .collect()
}

fn attribute(engine: &Engine, customer: &str, name: &str) -> Option<AttrValue> {
    let model = engine.model();
    let id = model.attributes().id(name).unwrap();
    engine
        .with_customer(customer, |s| {
            s.attribute(id).map(|v| model.attributes().portable(id, v))
        })
        .unwrap()
}

#[test]
fn an_event_carrying_declared_attributes_sets_them() {
    let e = engine();
    e.apply(
        &visit("acme", 1)
            .with_attribute("province", text("Córdoba"))
            .with_attribute("employees", AttrValue::Integer(40))
            .with_attribute("founded", text("1998-04-30"))
            .with_attribute("campaign", text("spring")),
    )
    .unwrap();
    assert_eq!(attribute(&e, "acme", "province"), Some(text("Córdoba")));
    assert_eq!(
        attribute(&e, "acme", "employees"),
        Some(AttrValue::Integer(40))
    );
    assert_eq!(attribute(&e, "acme", "founded"), Some(text("1998-04-30")));
    assert_eq!(attribute(&e, "acme", "industry"), None);
    // `campaign` is not declared: it stays the event's own.
    let record = e.customer("acme").unwrap().to_record(e.model());
    assert_eq!(
        record.attributes.keys().collect::<Vec<_>>(),
        ["employees", "founded", "province"]
    );
    // A later event changes one; the others stay.
    e.apply(&visit("acme", 2).with_attribute("employees", AttrValue::Number(300.0)))
        .unwrap();
    assert_eq!(
        attribute(&e, "acme", "employees"),
        Some(AttrValue::Integer(300))
    );
    assert_eq!(attribute(&e, "acme", "province"), Some(text("Córdoba")));
    // A category given as a whole number is its decimal text.
    e.apply(&visit("acme", 3).with_attribute("credit_situation", AttrValue::Integer(4)))
        .unwrap();
    assert_eq!(attribute(&e, "acme", "credit_situation"), Some(text("4")));
}

#[test]
fn a_call_sets_and_removes_attributes() {
    let e = engine();
    e.apply(&visit("acme", 1)).unwrap();
    assert!(e
        .set_attributes(
            "acme",
            &[
                ("industry", Some(text("metalurgia"))),
                ("employees", Some(AttrValue::Integer(12)))
            ]
        )
        .unwrap());
    assert_eq!(attribute(&e, "acme", "industry"), Some(text("metalurgia")));
    // The same values again change nothing.
    assert!(!e
        .set_attributes("acme", &[("industry", Some(text("metalurgia")))])
        .unwrap());
    assert!(e.set_attributes("acme", &[("industry", None)]).unwrap());
    assert_eq!(attribute(&e, "acme", "industry"), None);
    assert_eq!(
        attribute(&e, "acme", "employees"),
        Some(AttrValue::Integer(12))
    );
    assert!(matches!(
        e.set_attributes("nadie", &[("industry", None)]),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn wrong_types_and_undeclared_names_are_refused_and_change_nothing() {
    let e = engine();
    e.apply(&visit("acme", 1).with_attribute("employees", AttrValue::Integer(5)))
        .unwrap();
    let before = e.customer("acme").unwrap();
    let field_of = |r: Result<_, Error>| match r {
        Err(Error::InvalidArgument { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    // By event: the whole event is refused.
    let cases = [
        ("employees", text("many"), "event.attributes.employees"),
        (
            "employees",
            AttrValue::Integer(-1),
            "event.attributes.employees",
        ),
        ("province", text("Salta"), "event.attributes.province"),
        ("founded", text("30/04/1998"), "event.attributes.founded"),
        (
            "industry",
            AttrValue::Integer(3),
            "event.attributes.industry",
        ),
        (
            "credit_situation",
            AttrValue::Integer(7),
            "event.attributes.credit_situation",
        ),
    ];
    for (name, value, field) in cases {
        let event = purchase("acme", 2).with_attribute(name, value);
        assert_eq!(field_of(e.apply(&event).map(|_| ())), field);
        assert_eq!(e.customer("acme").unwrap(), before, "{field}");
    }
    // By call.
    assert_eq!(
        field_of(
            e.set_attributes("acme", &[("employees", Some(AttrValue::Bool(true)))])
                .map(|_| ())
        ),
        "attributes.employees"
    );
    let undeclared = e.set_attributes(
        "acme",
        &[
            ("industry", Some(text("x"))),
            ("size", Some(AttrValue::Integer(1))),
        ],
    );
    match &undeclared {
        Err(Error::InvalidArgument { field, message }) => {
            assert_eq!(field, "attributes.size");
            assert!(message.contains("undeclared attribute `size`"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.customer("acme").unwrap(), before);
}

fn config_error(config: ModelConfig) -> (String, String) {
    match StageModel::compile(config) {
        Err(Error::Config { field, message }) => (field, message),
        other => panic!("{other:?}"),
    }
}

#[test]
fn configuration_errors_name_the_attribute() {
    let mut m = config();
    m.segments[1].when = Some(C::attr_in("situacion", &["3"]));
    let (field, message) = config_error(m);
    assert_eq!(field, "segments[1].when.attribute");
    assert!(
        message.contains("unknown attribute `situacion`"),
        "{message}"
    );

    let mut m = config();
    m.rules[0].when = Some(C::attr("size", ">", 3.0));
    assert_eq!(config_error(m).0, "rules[0].when.attribute");

    let mut m = config();
    m.lead_scoring.profile.push(ProfilePointsConfig {
        when: C::attr("province", "==", "Salta"),
        points: 5.0,
    });
    let (field, message) = config_error(m);
    assert_eq!(field, "lead_scoring.profile[0].when.value");
    assert!(message.contains("`Salta`"), "{message}");

    let mut m = config();
    m.segments[0].when = Some(C::cmp("event.amount", ">", 1.0));
    assert_eq!(config_error(m).0, "segments[0].when");

    let mut m = config();
    m.segments[0].when = Some(C::attr("province", "<", "Córdoba"));
    assert_eq!(config_error(m).0, "segments[0].when.op");

    let mut m = config();
    m.segments.push(segment("recent", &[], None));
    assert_eq!(config_error(m).0, "segments[4].name");

    let mut m = config();
    m.attributes
        .insert("size".into(), AttributeConfig::of(AttributeType::Category));
    assert_eq!(config_error(m).0, "attributes.size.values");

    let mut m = config();
    m.segments[0].stages = vec!["limbo".into()];
    assert!(matches!(
        StageModel::compile(m),
        Err(Error::UnknownStage { field, .. }) if field == "segments[0].stages[0]"
    ));
}

#[test]
fn segments_keep_their_entry_time_until_left() {
    let e = engine();
    e.apply(&visit("acme", 1).with_attribute("province", text("Córdoba")))
        .unwrap();
    // No employees yet: not a Córdoba SME; a visit is recent activity.
    assert_eq!(segments_of(&e, "acme"), [("recent".to_string(), t(1))]);
    e.apply(&visit("acme", 3).with_attribute("employees", AttrValue::Integer(40)))
        .unwrap();
    assert_eq!(
        segments_of(&e, "acme"),
        [
            ("cordoba_smes".to_string(), t(3)),
            ("recent".to_string(), t(1))
        ]
    );
    // Two purchases: growth, a repeat buyer from the second.
    e.apply(&purchase("acme", 5)).unwrap();
    e.apply(&purchase("acme", 9)).unwrap();
    assert_eq!(
        segments_of(&e, "acme"),
        [
            ("cordoba_smes".to_string(), t(3)),
            ("repeat_buyers".to_string(), t(9)),
            ("recent".to_string(), t(1))
        ]
    );
    // Growing past 250 employees leaves the SMEs; coming back re-enters later.
    e.set_attributes("acme", &[("employees", Some(AttrValue::Integer(400)))])
        .unwrap();
    assert!(!segments_of(&e, "acme")
        .iter()
        .any(|(s, _)| s == "cordoba_smes"));
    e.apply(&visit("acme", 20).with_attribute("employees", AttrValue::Integer(200)))
        .unwrap();
    assert!(segments_of(&e, "acme").contains(&("cordoba_smes".to_string(), t(20))));
    // Time alone: refreshing 40 days later leaves `recent`.
    let later = t(20).plus_days(40.0);
    let model = e.model().clone();
    let recent = model.segments().id("recent").unwrap();
    let state = e.customer("acme").unwrap();
    assert!(state.segments_at(&model, t(20)).contains(&recent));
    assert!(!state.segments_at(&model, later).contains(&recent));
    let done = e.refresh_segments(later);
    assert_eq!((done.evaluated, done.entered, done.left), (1, 0, 1));
    assert!(!segments_of(&e, "acme").iter().any(|(s, _)| s == "recent"));
    assert_eq!(e.refresh_segments(later).left, 0);
}

/// A segment whose only clock metric is `days_since_last_activity` is not
/// evaluated again after an event while its last evaluation was at the last
/// activity (the metric is 0 then as right after any event); after a
/// refresh, a moving tick or a restore it is, and the event brings the
/// customer back in at its time.
#[test]
fn an_event_after_time_alone_re_evaluates_activity_segments() {
    let e = engine();
    e.apply(&visit("ana", 1)).unwrap();
    e.apply(&visit("ana", 2)).unwrap();
    assert_eq!(segments_of(&e, "ana"), [("recent".to_string(), t(1))]);
    // A refresh 40 days on leaves `recent`; the next event re-enters it.
    let later = t(2).plus_days(40.0);
    assert_eq!(e.refresh_segments(later).left, 1);
    assert!(segments_of(&e, "ana").is_empty());
    let back = Event::new("ana", later, BuiltinKind::Visit);
    let outcome = e.apply(&back).unwrap();
    assert_eq!(outcome.segments.entered, 1 << 3);
    assert_eq!(segments_of(&e, "ana"), [("recent".to_string(), later)]);
    // The same from a state restored from its record after a refresh.
    let model = e.model().clone();
    let mut state = e.customer("ana").unwrap();
    let much_later = later.plus_days(90.0);
    assert_eq!(state.refresh_segments(&model, much_later).left, 1 << 3);
    let mut restored =
        ciclo::lifecycle::CustomerState::from_record(&model, state.to_record(&model)).unwrap();
    assert_eq!(restored, state);
    let again = Event::new("ana", much_later, BuiltinKind::Visit);
    for s in [&mut state, &mut restored] {
        let outcome = s.apply(&model, &again).unwrap();
        assert_eq!(outcome.segments.entered, 1 << 3);
        assert_eq!(
            s.segments(),
            &[(model.segments().id("recent").unwrap(), much_later)]
        );
        // Evaluated at the event, so a visit at the same moment changes nothing.
        let same = Event::new("ana", much_later, BuiltinKind::Visit);
        assert!(s.apply(&model, &same).unwrap().segments.is_empty());
        let members: Vec<_> = s.segments().iter().map(|(id, _)| *id).collect();
        assert_eq!(members, s.segments_at(&model, s.watermark()));
    }
    assert_eq!(restored, state);
}

#[test]
fn counts_and_member_pages() {
    let e = engine();
    for i in 0..30u32 {
        let who = format!("c{i:02}");
        let mut first = visit(&who, 1);
        if i % 3 == 0 {
            first = first.with_attribute("credit_situation", text(&(3 + i % 4).to_string()));
        }
        e.apply(&first).unwrap();
        if i % 2 == 0 {
            e.apply(&purchase(&who, 2)).unwrap();
            e.apply(&purchase(&who, 4)).unwrap();
        }
    }
    let model = e.model().clone();
    let counts: Vec<(String, usize)> = e
        .segment_counts()
        .into_iter()
        .map(|(id, n)| (model.segments().get(id).name.clone(), n))
        .collect();
    assert_eq!(
        counts,
        [
            ("cordoba_smes".to_string(), 0),
            ("non_performing".to_string(), 10),
            ("repeat_buyers".to_string(), 15),
            ("recent".to_string(), 30)
        ]
    );
    // Members, a page at a time, are the customers counted, in order.
    let mut members = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = e
            .segment_members("non_performing", cursor.as_deref(), 3)
            .unwrap();
        assert!(page.items.len() <= 3);
        members.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let expected: Vec<String> = (0..30).step_by(3).map(|i| format!("c{i:02}")).collect();
    assert_eq!(members, expected);
    assert!(matches!(
        e.segment_members("nope", None, 3),
        Err(Error::NotFound {
            what: "segment",
            ..
        })
    ));
    assert!(matches!(
        e.segment_members("recent", None, 0),
        Err(Error::InvalidArgument { .. })
    ));
}

#[test]
fn snapshots_keep_attributes_and_segments() {
    let e = engine();
    e.apply(&visit("acme", 1).with_attribute("province", text("Córdoba")))
        .unwrap();
    e.set_attributes(
        "acme",
        &[
            ("employees", Some(AttrValue::Number(12.5))),
            ("founded", Some(text("2001-09-11"))),
        ],
    )
    .unwrap();
    e.apply(&purchase("ana", 2)).unwrap();
    let bytes = e.snapshot();
    let back = Engine::restore(&bytes).unwrap();
    assert_eq!(back.customer("acme").unwrap(), e.customer("acme").unwrap());
    assert_eq!(segments_of(&back, "acme"), segments_of(&e, "acme"));
    assert_eq!(back.snapshot(), bytes);
    // The state's JSON and bytes round-trip too.
    let state = e.customer("acme").unwrap();
    let model = e.model();
    let text = json::state_to_json(model, &state);
    assert!(
        text.contains(
            r#""attributes":{"employees":12.5,"founded":"2001-09-11","province":"Córdoba"}"#
        ),
        "{text}"
    );
    assert_eq!(json::state_from_json(model, &text).unwrap(), state);
    let bytes = state.to_bytes(model);
    assert_eq!(bytes[0], 2);
    assert_eq!(
        ciclo::lifecycle::CustomerState::from_bytes(model, &bytes).unwrap(),
        state
    );
}

#[test]
fn a_version_5_snapshot_restores() {
    // Written by the library before attributes existed (tests/data): the
    // six-stage preset, three customers.
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/snapshot_v5.bin"
    ))
    .unwrap();
    assert_eq!(&bytes[8..12], &5u32.to_le_bytes());
    let e = Engine::restore(&bytes).unwrap();
    assert_eq!(e.customer_ids(), ["ana", "eva", "luis"]);
    let ana = e.customer("ana").unwrap();
    assert_eq!(e.model().stage_name(ana.stage()), "conversion");
    assert!(ana.attributes().is_empty() && ana.segments().is_empty());
    // Written back as version 8, which restores to the same engine.
    let again = e.snapshot();
    assert_eq!(&again[8..12], &8u32.to_le_bytes());
    let back = Engine::restore(&again).unwrap();
    assert_eq!(back.customer("eva").unwrap(), e.customer("eva").unwrap());
}

#[test]
fn erasure_removes_attributes() {
    let e = engine();
    e.apply(&visit("acme", 1).with_attribute("industry", text("metalurgia")))
        .unwrap();
    e.apply(&visit("otro", 1)).unwrap();
    e.remove("acme").unwrap();
    assert!(matches!(e.customer("acme"), Err(Error::NotFound { .. })));
    let bytes = e.snapshot();
    assert!(!bytes.windows(10).any(|w| w == b"metalurgia"));
    assert_eq!(e.segment_counts()[3].1, 1);
    // A customer starting again under the id starts without attributes.
    e.apply(&visit("acme", 2)).unwrap();
    assert_eq!(attribute(&e, "acme", "industry"), None);
}

#[test]
fn stage_rules_and_lead_scoring_read_attributes() {
    let mut m = config();
    // Large firms qualify as soon as they show up; leads from Córdoba score
    // 10 more points without decay.
    let target = m.rules[0].to.clone();
    m.rules.insert(
        0,
        RuleConfig {
            name: "large_firm".into(),
            description: String::new(),
            from: vec!["awareness".into()],
            to: target.clone(),
            on: vec!["visit".into()],
            when: Some(C::attr("employees", ">=", 1000.0)),
            priority: 100,
            allow_backward: false,
        },
    );
    m.lead_scoring.profile.push(ProfilePointsConfig {
        when: C::attr("province", "==", "Córdoba"),
        points: 10.0,
    });
    let e = Engine::new(StageModel::compile(m).unwrap());
    e.apply(&visit("small", 1).with_attribute("employees", AttrValue::Integer(10)))
        .unwrap();
    let out = e
        .apply(&visit("big", 1).with_attribute("employees", AttrValue::Integer(5000)))
        .unwrap();
    let model = e.model();
    let moved = out.transition.expect("the large firm moves");
    assert_eq!(model.rule(moved.rule).name, "large_firm");
    assert_eq!(model.stage_name(moved.to), target);
    let small = e.customer("small").unwrap();
    assert_eq!(model.stage_name(small.stage()), "awareness");

    let plain = e.lead_score("small", t(1)).unwrap().score;
    e.set_attributes("small", &[("province", Some(text("Córdoba")))])
        .unwrap();
    let scored = e.lead_score("small", t(1)).unwrap().score;
    assert_eq!(scored - plain, 10.0);
    let metric = ciclo::lifecycle::Metric::from_name("lead_score").unwrap();
    let state = e.customer("small").unwrap();
    assert_eq!(state.metric(model, metric, t(1)), Some(scored));
}

#[test]
fn without_attributes_or_segments_states_carry_nothing() {
    let e = Engine::new(StageModel::six_stage());
    e.apply(&visit("ana", 1).with_attribute("province", text("Córdoba")))
        .unwrap();
    let ana = e.customer("ana").unwrap();
    assert!(ana.profile().is_none());
    assert!(e.segment_counts().is_empty());
    assert!(matches!(
        e.set_attributes("ana", &[("province", Some(text("Córdoba")))]),
        Err(Error::InvalidArgument { .. })
    ));
}

/// Two golden customers, Ana and Bruno Quiroga (two people: different
/// given names and emails), from a record each.
fn two_golden_customers(e: &Engine) -> (GoldenId, GoldenId) {
    use ciclo::consolidation::golden::SourceKey;
    use ciclo::model::Record;
    let person = |given: &str, email: &str| Record {
        given_name: Some(given.into()),
        surname: Some("Quiroga".into()),
        email: Some(email.into()),
        country: Some("AR".into()),
        ..Record::default()
    };
    let ingest = |system: &str, given: &str, email: &str| {
        e.ingest(
            SourceKey::new(system, given).unwrap(),
            t(1),
            person(given, email),
        )
        .unwrap()
        .golden
    };
    (
        ingest("crm", "Ana", "ana@q.com.ar"),
        ingest("erp", "Bruno", "bruno@q.com.ar"),
    )
}

#[test]
fn a_merge_keeps_attributes_set_by_call() {
    let e = engine();
    let (a, b) = two_golden_customers(&e);
    assert_ne!(a, b);
    let (ga, gb) = (a.to_string(), b.to_string());
    e.apply(&visit(&ga, 2)).unwrap();
    e.apply(&visit(&gb, 3)).unwrap();
    // By call, not by event: no event holds these.
    e.set_attributes(
        &ga,
        &[
            ("province", Some(text("Córdoba"))),
            ("employees", Some(AttrValue::Integer(40))),
        ],
    )
    .unwrap();
    e.set_attributes(
        &gb,
        &[
            ("province", Some(text("Mendoza"))),
            ("credit_situation", Some(text("4"))),
        ],
    )
    .unwrap();
    let merged = e.merge(a, b).unwrap();
    let survivor = merged.survivor.to_string();
    let retired = if survivor == ga { &gb } else { &ga };
    let (province, other) = if survivor == ga {
        ("Córdoba", "Mendoza")
    } else {
        ("Mendoza", "Córdoba")
    };
    // The survivor's value wins; the retired customer's fill the rest.
    assert_eq!(attribute(&e, &survivor, "province"), Some(text(province)));
    assert_ne!(attribute(&e, &survivor, "province"), Some(text(other)));
    assert_eq!(
        attribute(&e, &survivor, "employees"),
        Some(AttrValue::Integer(40))
    );
    assert_eq!(
        attribute(&e, &survivor, "credit_situation"),
        Some(text("4"))
    );
    assert!(
        e.with_customer(retired, |_| ()).is_ok(),
        "a retired id answers for its survivor"
    );
    // The segments follow the kept attributes.
    let names: Vec<String> = segments_of(&e, &survivor)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert!(names.contains(&"non_performing".to_string()), "{names:?}");
    assert_eq!(
        names.contains(&"cordoba_smes".to_string()),
        province == "Córdoba",
        "{names:?}"
    );
}

#[test]
fn the_change_feed_records_attribute_and_segment_changes() {
    let e = engine();
    let types = |e: &Engine, after: u64| -> Vec<(String, String)> {
        let page = e.changes(after, 100).unwrap();
        page.changes
            .iter()
            .map(|c| {
                (
                    c.change.type_name().to_string(),
                    c.change.customer().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    // An event setting an attribute that puts the customer in a segment.
    e.apply(&visit("acme", 1).with_attribute("credit_situation", text("4")))
        .unwrap();
    let seen = types(&e, 0);
    let want: Vec<(String, String)> =
        ["customer_created", "attributes_changed", "segments_changed"]
            .iter()
            .map(|t| (t.to_string(), "acme".to_string()))
            .collect();
    assert_eq!(seen, want);
    let json = json::changes::changes_to_json(e.model(), &e.changes(0, 100).unwrap().changes);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let list = v["changes"].as_array().unwrap();
    assert_eq!(
        list[1]["attributes"],
        serde_json::json!(["credit_situation"])
    );
    assert!(
        !json.contains("\"4\""),
        "values are not on the feed: {json}"
    );
    let entered = list[2]["entered"].as_array().unwrap();
    assert!(
        entered.contains(&serde_json::json!("non_performing")),
        "{json}"
    );
    assert!(entered.contains(&serde_json::json!("recent")), "{json}");
    assert_eq!(list[2]["left"], serde_json::json!([]));
    let head = e.changes(0, 100).unwrap().head_seq;

    // Same value again: nothing. A visit changes no segment: nothing.
    e.apply(&visit("acme", 2).with_attribute("credit_situation", text("4")))
        .unwrap();
    assert_eq!(types(&e, head), []);

    // A call: the attribute, and leaving the segment.
    e.set_attributes("acme", &[("credit_situation", Some(text("1")))])
        .unwrap();
    let page = e.changes(head, 100).unwrap();
    let seen: Vec<&str> = page.changes.iter().map(|c| c.change.type_name()).collect();
    assert_eq!(seen, ["attributes_changed", "segments_changed"]);
    let json = json::changes::changes_to_json(e.model(), &page.changes);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["changes"][1]["left"],
        serde_json::json!(["non_performing"])
    );
    assert_eq!(v["changes"][1]["entered"], serde_json::json!([]));
    let head = page.head_seq;

    // Time alone: a refresh leaves `recent`.
    let done = e.refresh_segments(t(2).plus_days(60.0));
    assert_eq!(done.left, 1);
    let page = e.changes(head, 100).unwrap();
    let json = json::changes::changes_to_json(e.model(), &page.changes);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["changes"][0]["type"], "segments_changed", "{json}");
    assert_eq!(v["changes"][0]["left"], serde_json::json!(["recent"]));

    // Snapshots keep the new changes and restore them.
    let restored = Engine::restore(&e.snapshot()).unwrap();
    assert_eq!(
        json::changes::changes_to_json(
            restored.model(),
            &restored.changes(0, 100).unwrap().changes
        ),
        json::changes::changes_to_json(e.model(), &e.changes(0, 100).unwrap().changes)
    );
}

#[test]
fn a_tick_that_moves_a_customer_records_the_segments_it_changed() {
    let e = engine();
    e.apply(&purchase("ana", 1)).unwrap();
    e.apply(&purchase("ana", 2)).unwrap();
    let stage = |e: &Engine| {
        let s = e.customer("ana").unwrap().stage();
        e.model().stage_name(s).to_string()
    };
    let before = segments_of(&e, "ana");
    assert!(
        before.iter().any(|(n, _)| n == "repeat_buyers"),
        "{before:?} in {}",
        stage(&e)
    );
    let head = e.changes(0, 1000).unwrap().head_seq;
    let later = t(2).plus_days(400.0);
    let report = e.tick(later);
    assert_eq!(report.moves.len(), 1, "the year without buying moves ana");
    let page = e.changes(head, 100).unwrap();
    let json = ciclo::json::changes::changes_to_json(e.model(), &page.changes);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let list = v["changes"].as_array().unwrap();
    assert_eq!(list[0]["type"], "stage_moved", "{json}");
    assert_eq!(list[1]["type"], "segments_changed", "{json}");
    // The move evaluates every segment at the tick: a year without events
    // is not recent either.
    assert_eq!(
        list[1]["left"],
        serde_json::json!(["repeat_buyers", "recent"]),
        "{json}"
    );
    assert_eq!(
        list[1]["at"],
        serde_json::json!(later.to_rfc3339()),
        "{json}"
    );
}

#[test]
fn profile_points_of_a_negation_do_not_depend_on_having_a_profile() {
    let mut m = presets::six_stage();
    m.attributes.insert(
        "credit_situation".into(),
        AttributeConfig::category(&["1", "2", "3", "4", "5", "6"]),
    );
    m.lead_scoring.profile.push(ProfilePointsConfig {
        when: C {
            not: Some(Box::new(C::attr_in("credit_situation", &["5", "6"]))),
            ..C::default()
        },
        points: 20.0,
    });
    // A segment every customer enters: a profile with memberships only.
    m.segments = vec![segment("everyone", &[], None)];
    let with_segment = Engine::new(StageModel::compile(m.clone()).unwrap());
    m.segments.clear();
    let without = Engine::new(StageModel::compile(m).unwrap());
    for e in [&with_segment, &without] {
        e.apply(&visit("ana", 1)).unwrap();
    }
    let a = with_segment.lead_score("ana", t(1)).unwrap().score;
    let b = without.lead_score("ana", t(1)).unwrap().score;
    assert_eq!(a, b, "the points do not depend on segment memberships");
    // No credit situation: not in 5 or 6, so the 20 points count.
    let visit_points = presets::six_stage()
        .lead_scoring
        .points
        .get("visit")
        .copied()
        .unwrap_or(0.0);
    assert_eq!(b, visit_points + 20.0);
}

#[test]
fn combined_states_are_evaluated_on_every_segment() {
    let mut m = presets::six_stage();
    m.segments = vec![segment(
        "buyers",
        &[],
        Some(C::cmp("purchase_count", ">=", 2.0)),
    )];
    let model = StageModel::compile(m).unwrap();
    let (a, _) = ciclo::lifecycle::step(&model, None, &purchase("x", 1)).unwrap();
    let (b, _) = ciclo::lifecycle::step(&model, None, &purchase("x", 2)).unwrap();
    assert!(a.segments().is_empty() && b.segments().is_empty());
    let joined = a.combine(&b, &model);
    let buyers = model.segments().id("buyers").unwrap();
    assert_eq!(joined.segments(), &[(buyers, t(2))]);
}

#[test]
fn a_merge_does_not_bring_back_an_attribute_removed_by_call() {
    let e = engine();
    let (a, b) = two_golden_customers(&e);
    let (ga, gb) = (a.to_string(), b.to_string());
    e.apply(&visit(&ga, 2).with_attribute("credit_situation", text("5")))
        .unwrap();
    e.apply(&visit(&gb, 3)).unwrap();
    e.set_attributes(&ga, &[("credit_situation", None)])
        .unwrap();
    let merged = e.merge(a, b).unwrap();
    let survivor = merged.survivor.to_string();
    assert_eq!(attribute(&e, &survivor, "credit_situation"), None);
    let names: Vec<String> = segments_of(&e, &survivor)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert!(!names.contains(&"non_performing".to_string()), "{names:?}");
}
