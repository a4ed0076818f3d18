//! The funnel, drop-off and cohorts for a rule segment, and the cohorts split
//! by segment, through the Rust API.
//!
//! The built-in sample is replayed into an engine whose model declares
//! attributes and segments; every customer then gets a credit situation and a
//! province chosen here, so the test knows each customer's membership without
//! asking the engine. Each answer for a segment is checked against a naive
//! computation over the whole base's per-customer data filtered in the test:
//! the stage entries the outcomes and tick reports gave (not the histories
//! the analytics read), and the analyses over an explicit set of ids.

use std::collections::{BTreeMap, HashSet};

use ciclo::analytics::{
    segment_scope, CohortOptions, DropOffOptions, Funnel, FunnelOptions, Period,
};
use ciclo::lifecycle::{
    presets, AttributeConfig, ConditionConfig as C, ModelConfig, SegmentConfig, StageModel,
};
use ciclo::model::{AttrValue, Timestamp};
use ciclo::retention::ModelFitOptions;
use ciclo::{sample, Engine, Error};

fn t(s: &str) -> Timestamp {
    Timestamp::parse(s, "t").unwrap()
}

fn segment(name: &str, when: C) -> SegmentConfig {
    SegmentConfig {
        name: name.into(),
        description: String::new(),
        stages: Vec::new(),
        when: Some(when),
    }
}

/// The six-stage preset with a credit situation, a province and two
/// segments over them (and a third that nobody is in).
fn config() -> ModelConfig {
    let mut m = presets::six_stage();
    m.attributes.insert(
        "credit_situation".into(),
        AttributeConfig::category(&["1", "2", "3", "4", "5", "6"]),
    );
    m.attributes.insert(
        "province".into(),
        AttributeConfig::category(&["Buenos Aires", "Córdoba", "Mendoza"]),
    );
    m.segments = vec![
        segment(
            "non_performing",
            C::attr_in("credit_situation", &["3", "4", "5", "6"]),
        ),
        segment("cordoba", C::attr("province", "==", "Córdoba")),
        segment("mendoza_default", {
            C::all(vec![
                C::attr("province", "==", "Mendoza"),
                C::attr("credit_situation", "==", "6"),
                C::attr("province", "==", "Córdoba"),
            ])
        }),
    ];
    m
}

/// What the test knows of each customer.
struct Base {
    engine: Engine,
    /// Stage entries `(stage, epoch ms)` per customer, from the outcomes and
    /// tick reports.
    entries: BTreeMap<String, Vec<(usize, i64)>>,
    /// The members of each segment, by the attributes the test gave.
    members: BTreeMap<&'static str, HashSet<String>>,
}

fn base(customers: usize, seed: u64) -> Base {
    let engine = Engine::new(StageModel::compile(config()).unwrap());
    let mut entries: BTreeMap<String, Vec<(usize, i64)>> = BTreeMap::new();
    let mut ticks = sample::tick_times().into_iter().peekable();
    let tick =
        |engine: &Engine, at: Timestamp, entries: &mut BTreeMap<String, Vec<(usize, i64)>>| {
            for (customer, m) in engine.tick(at).moves {
                entries
                    .get_mut(&customer)
                    .unwrap()
                    .push((m.transition.to.index(), m.transition.at.as_millis()));
            }
        };
    for event in sample::events(customers, seed) {
        while let Some(at) = ticks.next_if(|&at| at <= event.at) {
            tick(&engine, at, &mut entries);
        }
        let Ok(outcome) = engine.apply(&event) else {
            continue;
        };
        let list = entries.entry(event.customer.clone()).or_default();
        if outcome.created {
            list.push((engine.model().initial().index(), event.at.as_millis()));
        }
        if let Some(change) = outcome.transition {
            list.push((change.to.index(), change.at.as_millis()));
        }
    }
    for at in ticks {
        tick(&engine, at, &mut entries);
    }
    let mut members: BTreeMap<&'static str, HashSet<String>> = BTreeMap::new();
    for name in ["non_performing", "cordoba", "mendoza_default"] {
        members.insert(name, HashSet::new());
    }
    let provinces = ["Buenos Aires", "Córdoba", "Mendoza"];
    for (i, id) in entries.keys().enumerate() {
        let credit = (i * 7 + i / 5) % 6 + 1;
        let province = provinces[(i / 2) % 3];
        engine
            .set_attributes(
                id,
                &[
                    (
                        "credit_situation",
                        Some(AttrValue::Text(credit.to_string())),
                    ),
                    ("province", Some(AttrValue::Text(province.to_string()))),
                ],
            )
            .unwrap();
        if credit >= 3 {
            members
                .get_mut("non_performing")
                .unwrap()
                .insert(id.clone());
        }
        if province == "Córdoba" {
            members.get_mut("cordoba").unwrap().insert(id.clone());
        }
    }
    Base {
        engine,
        entries,
        members,
    }
}

/// numpy's default percentile: linear between the closest ranks.
fn percentile(values: &[i64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort();
    let pos = p * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    let days = |ms: i64| ms as f64 / 86_400_000.0;
    Some(days(v[lo]) + (days(v[hi]) - days(v[lo])) * (pos - lo as f64))
}

fn close(a: Option<f64>, b: Option<f64>, what: &str) {
    match (a, b) {
        (None, None) => {}
        (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{what}: {a} != {b}"),
        _ => panic!("{what}: {a:?} != {b:?}"),
    }
}

/// Checks `funnel` against a plain count over the entries of `who`.
fn check_funnel(
    funnel: &Funnel,
    entries: &BTreeMap<String, Vec<(usize, i64)>>,
    who: &HashSet<String>,
    period: Period,
) {
    let inside = |ms: i64| period.from.as_millis() <= ms && ms < period.to.as_millis();
    let theirs: Vec<&Vec<(usize, i64)>> = entries
        .iter()
        .filter(|(id, _)| who.contains(*id))
        .map(|(_, list)| list)
        .collect();
    assert_eq!(funnel.customers, theirs.len());
    let first_in = |list: &[(usize, i64)], s: usize| {
        list.iter()
            .position(|&(stage, at)| stage == s && inside(at))
    };
    for (s, got) in funnel.stages.iter().enumerate() {
        let (mut entered, mut still, mut stays) = (0, 0, Vec::new());
        for list in &theirs {
            if let Some(i) = first_in(list, s) {
                entered += 1;
                match list.get(i + 1) {
                    Some(next) => stays.push(next.1 - list[i].1),
                    None => still += 1,
                }
            }
        }
        assert_eq!((got.entered, got.still_in), (entered, still), "stage {s}");
        close(
            got.time_in_stage.median_days,
            percentile(&stays, 0.5),
            "stay",
        );
        close(got.time_in_stage.p90_days, percentile(&stays, 0.9), "stay");
    }
    for c in &funnel.conversions {
        let (a, b) = (c.from.index(), c.to.index());
        let (mut entered, mut converted, mut times) = (0, 0, Vec::new());
        for list in &theirs {
            let Some(i) = first_in(list, a) else { continue };
            entered += 1;
            if let Some(later) = list[i + 1..].iter().find(|&&(stage, _)| stage == b) {
                converted += 1;
                times.push(later.1 - list[i].1);
            }
        }
        let what = format!("{a} -> {b}");
        assert_eq!((c.entered, c.converted), (entered, converted), "{what}");
        close(
            c.rate,
            (entered > 0).then(|| converted as f64 / entered as f64),
            &what,
        );
        close(
            c.time_to_convert.median_days,
            percentile(&times, 0.5),
            &what,
        );
        close(c.time_to_convert.p90_days, percentile(&times, 0.9), &what);
    }
}

#[test]
fn a_segment_funnel_equals_a_naive_count_over_its_members() {
    let b = base(1500, 42);
    let model = b.engine.model();
    let year = Period::new(sample::start(), sample::end()).unwrap();
    for period in [
        year,
        Period::new(t("2025-04-01T00:00:00Z"), t("2025-08-01T00:00:00Z")).unwrap(),
    ] {
        for (name, who) in &b.members {
            let options = FunnelOptions::new(period)
                .with_segment(model, name)
                .unwrap();
            let funnel = b.engine.funnel_with(&options, None).unwrap();
            check_funnel(&funnel, &b.entries, who, period);
            // The same as the funnel over the ids, and over a test of state.
            assert_eq!(funnel, b.engine.funnel(period, Some(who)));
            let id = options.segment.unwrap();
            let by_test = b
                .engine
                .funnel_where(period, |_, s| segment_scope::is_member(s, id));
            assert_eq!(funnel, by_test);
        }
    }
    // The checks mean something: both segments are large, they overlap, and
    // a segment differs from the whole base.
    let (np, cb) = (&b.members["non_performing"], &b.members["cordoba"]);
    assert!(
        np.len() > 500 && cb.len() > 300,
        "{} {}",
        np.len(),
        cb.len()
    );
    assert!(np.intersection(cb).count() > 100);
    assert!(b.members["mendoza_default"].is_empty());
    let all = b.engine.funnel(year, None);
    let theirs = b
        .engine
        .funnel_with(
            &FunnelOptions::new(year)
                .with_segment(model, "cordoba")
                .unwrap(),
            None,
        )
        .unwrap();
    assert!(theirs.stages[0].entered < all.stages[0].entered);
    assert!(
        theirs
            .conversions
            .iter()
            .filter(|c| c.converted >= 10)
            .count()
            >= 5
    );
    // With ids too: the segment's members among them.
    let some: HashSet<String> = b.entries.keys().take(700).cloned().collect();
    let both: HashSet<String> = some.intersection(cb).cloned().collect();
    let f = b
        .engine
        .funnel_with(
            &FunnelOptions::new(year)
                .with_segment(model, "cordoba")
                .unwrap(),
            Some(&some),
        )
        .unwrap();
    check_funnel(&f, &b.entries, &both, year);
}

#[test]
fn a_segment_drop_off_equals_the_drop_off_of_its_members() {
    let b = base(1200, 3);
    let model = b.engine.model();
    let year = Period::new(sample::start(), sample::end()).unwrap();
    let inside = |ms: i64| year.from.as_millis() <= ms && ms < year.to.as_millis();
    for stage in ["awareness", "conversion"] {
        let id = model.stage_id(stage).unwrap();
        let options = DropOffOptions::new(year, id, 45.0, sample::end()).unwrap();
        for (name, who) in &b.members {
            let mine = options.clone().with_segment(model, name).unwrap();
            let d = b.engine.drop_off(&mine, None).unwrap();
            assert_eq!(d, b.engine.drop_off(&options, Some(who)).unwrap());
            // Reached: members whose entries enter the stage in the period.
            let reached = b
                .entries
                .iter()
                .filter(|(c, list)| {
                    who.contains(*c) && list.iter().any(|&(s, at)| s == id.index() && inside(at))
                })
                .count();
            assert_eq!((d.customers, d.reached), (who.len(), reached), "{name}");
            assert_eq!(d.reached, d.moved_on + d.pending + d.dropped);
            for r in &d.reasons {
                assert!(r.examples.iter().all(|e| who.contains(&e.customer)));
            }
        }
    }
}

#[test]
fn cohorts_for_a_segment_and_by_segment_equal_the_cohorts_of_its_members() {
    let b = base(900, 11);
    let model = b.engine.model();
    let ars = ciclo::model::Currency::parse("ARS", "currency").unwrap();
    let fit = ModelFitOptions {
        currency: Some(ars),
        ..ModelFitOptions::default()
    };
    b.engine.fit_models(sample::end(), &fit).unwrap();
    let year = Period::new(sample::start(), sample::end()).unwrap();
    let plain = CohortOptions::new(year, sample::end());
    let whole = b.engine.cohorts(&plain, None).unwrap();
    assert!(whole.cohorts.iter().all(|k| k.segments.is_none()));

    // For one segment: the cohorts of its members.
    for (name, who) in &b.members {
        let mine = plain.clone().with_segment(model, name).unwrap();
        let c = b.engine.cohorts(&mine, None).unwrap();
        assert_eq!(c, b.engine.cohorts(&plain, Some(who)).unwrap(), "{name}");
        assert_eq!(c.customers, who.len());
    }

    // Split by segment: each segment's rows are the cohorts of its members.
    let split = CohortOptions {
        by_segment: true,
        ..plain.clone()
    };
    let c = b.engine.cohorts(&split, None).unwrap();
    // The cohorts themselves do not change.
    for (k, w) in c.cohorts.iter().zip(&whole.cohorts) {
        assert_eq!(
            (k.customers, &k.retention, &k.revenue, k.expected_value),
            (w.customers, &w.retention, &w.revenue, w.expected_value)
        );
    }
    assert_eq!(c.months, whole.months);
    let mut overlap = false;
    for (s, segment) in model.segments().list().iter().enumerate() {
        let who = &b.members[segment.name.as_str()];
        let theirs = b.engine.cohorts(&plain, Some(who)).unwrap();
        for (k, t) in c.cohorts.iter().zip(&theirs.cohorts) {
            let row = &k.segments.as_ref().unwrap()[s];
            assert_eq!(row.segment.index(), s);
            assert_eq!(
                (
                    row.customers,
                    &row.retention,
                    &row.revenue,
                    row.expected_value
                ),
                (t.customers, &t.retention, &t.revenue, t.expected_value),
                "{} {}",
                segment.name,
                k.month
            );
        }
    }
    // A plain count of first purchases per month, per segment, from the
    // customers' states; a customer in both segments counts in both.
    for k in &c.cohorts {
        let rows = k.segments.as_ref().unwrap();
        let sum: usize = rows.iter().map(|r| r.customers).sum();
        overlap |= sum > k.customers;
        for (s, segment) in model.segments().list().iter().enumerate() {
            let who = &b.members[segment.name.as_str()];
            let acquired = who
                .iter()
                .filter(|id| {
                    b.engine
                        .with_customer(id, |st| {
                            st.metrics()
                                .purchases
                                .as_deref()
                                .and_then(|p| p.first)
                                .is_some_and(|f| ciclo::analytics::Month::of(f) == k.month)
                        })
                        .unwrap()
                })
                .count();
            assert_eq!(rows[s].customers, acquired, "{} {}", segment.name, k.month);
        }
    }
    assert!(overlap, "no customer counted in two segments");
    let valued: usize = c
        .cohorts
        .iter()
        .flat_map(|k| k.segments.as_ref().unwrap())
        .filter_map(|r| r.expected_value)
        .map(|v| v.customers)
        .sum();
    assert!(valued > 0);
    // Both at once: the members of one segment, split by every segment.
    let np = CohortOptions {
        by_segment: true,
        ..plain.clone().with_segment(model, "non_performing").unwrap()
    };
    let c = b.engine.cohorts(&np, None).unwrap();
    let both: HashSet<String> = b.members["non_performing"]
        .intersection(&b.members["cordoba"])
        .cloned()
        .collect();
    let theirs = b.engine.cohorts(&plain, Some(&both)).unwrap();
    for (k, t) in c.cohorts.iter().zip(&theirs.cohorts) {
        let rows = k.segments.as_ref().unwrap();
        assert_eq!(rows[0].customers, k.customers);
        assert_eq!(
            (rows[1].customers, &rows[1].revenue),
            (t.customers, &t.revenue)
        );
    }
}

fn invalid_field(e: Error) -> String {
    match e {
        Error::InvalidArgument { field, .. } => field,
        other => panic!("not an invalid argument: {other}"),
    }
}

#[test]
fn an_unknown_segment_or_an_oversized_split_is_an_error_naming_the_field() {
    let b = base(50, 5);
    let model = b.engine.model();
    let year = Period::new(sample::start(), sample::end()).unwrap();
    let e = FunnelOptions::new(year)
        .with_segment(model, "vip")
        .unwrap_err();
    assert!(e.to_string().contains("non_performing"), "{e}");
    assert_eq!(invalid_field(e), "segment");
    let stage = model.initial();
    let drop = DropOffOptions::new(year, stage, 30.0, year.to).unwrap();
    assert_eq!(
        invalid_field(drop.clone().with_segment(model, "vip").unwrap_err()),
        "segment"
    );
    let plain = CohortOptions::new(year, year.to);
    assert_eq!(
        invalid_field(plain.clone().with_segment(model, "vip").unwrap_err()),
        "segment"
    );
    // A model without segments says so.
    let e = FunnelOptions::new(year)
        .with_segment(&StageModel::six_stage(), "vip")
        .unwrap_err();
    assert!(e.to_string().contains("declares none"), "{e}");

    // A segment of another, larger model.
    let mut bigger = config();
    bigger
        .segments
        .push(segment("extra", C::attr("province", "==", "Mendoza")));
    let bigger = StageModel::compile(bigger).unwrap();
    let foreign = FunnelOptions::new(year)
        .with_segment(&bigger, "extra")
        .unwrap();
    assert_eq!(
        invalid_field(b.engine.funnel_with(&foreign, None).unwrap_err()),
        "segment"
    );
    let mut d = drop.clone();
    d.segment = foreign.segment;
    assert_eq!(
        invalid_field(b.engine.drop_off(&d, None).unwrap_err()),
        "segment"
    );
    let c = CohortOptions {
        segment: foreign.segment,
        ..plain.clone()
    };
    assert_eq!(
        invalid_field(b.engine.cohorts(&c, None).unwrap_err()),
        "segment"
    );

    // Three segments over a century: 3 × 1200 × 1201 / 2 rows, too many.
    let century = Period::new(t("2000-01-01T00:00:00Z"), t("2100-01-01T00:00:00Z")).unwrap();
    let split = CohortOptions {
        by_segment: true,
        ..CohortOptions::new(century, century.to)
    };
    let e = b.engine.cohorts(&split, None).unwrap_err();
    assert!(e.to_string().contains("1000000"), "{e}");
    assert_eq!(invalid_field(e), "by_segment");
    // Without the split the century is fine.
    assert!(b
        .engine
        .cohorts(&CohortOptions::new(century, century.to), None)
        .is_ok());
    // An empty segment gives zeros, not an error.
    let none = FunnelOptions::new(year)
        .with_segment(model, "mendoza_default")
        .unwrap();
    let f = b.engine.funnel_with(&none, None).unwrap();
    assert_eq!(f.customers, 0);
    assert!(f.stages.iter().all(|s| s.entered == 0));
}
