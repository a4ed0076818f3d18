//! Funnel, drop-off and cohorts over an engine's customers, and the pictures.
//!
//! - The funnel of the built-in sample (what `cargo run --example lifecycle`
//!   runs) equals a naive computation: the raw events replayed in a plain
//!   loop, each customer's stage entries taken from the outcomes and tick
//!   reports (not from the histories the analytics read), the counts, rates
//!   and quantiles computed here with sorts and loops.
//! - Drop-off and cohorts on small hand-written bases whose answers are
//!   worked out by hand in the comments.
//! - Every SVG is well-formed XML (roxmltree); DOT and Mermaid have the
//!   structure their languages need; under `CICLO_CI` (or wherever
//!   `rsvg-convert` is installed) the funnel SVG is rendered to a PNG.

use std::collections::{BTreeMap, HashSet};

use ciclo::analytics::diagram;
use ciclo::analytics::{CohortOptions, DropOffOptions, DropReason, Funnel, Period};
use ciclo::model::Timestamp;
use ciclo::retention::ModelFitOptions;
use ciclo::{json, sample, Engine, StageModel};

fn t(s: &str) -> Timestamp {
    Timestamp::parse(s, "t").unwrap()
}

/// The sample applied to an engine with monthly ticks, and each customer's
/// stage entries `(stage, epoch ms)` as the outcomes and tick reports gave
/// them, in order.
fn replay(customers: usize, seed: u64) -> (Engine, BTreeMap<String, Vec<(usize, i64)>>) {
    let engine = Engine::new(StageModel::six_stage());
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
    (engine, entries)
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

/// Checks `funnel` against the naive computation over `entries`.
fn check_funnel(
    model: &StageModel,
    funnel: &Funnel,
    entries: &BTreeMap<String, Vec<(usize, i64)>>,
    period: Period,
) {
    let n = model.stages().len();
    let inside = |ms: i64| period.from.as_millis() <= ms && ms < period.to.as_millis();
    assert_eq!(funnel.customers, entries.len());
    // The first entry into each stage in the period, per customer.
    let first_in = |list: &[(usize, i64)], s: usize| {
        list.iter()
            .position(|&(stage, at)| stage == s && inside(at))
    };
    for s in 0..n {
        let (mut entered, mut still, mut stays) = (0, 0, Vec::new());
        for list in entries.values() {
            if let Some(i) = first_in(list, s) {
                entered += 1;
                match list.get(i + 1) {
                    Some(next) => stays.push(next.1 - list[i].1),
                    None => still += 1,
                }
            }
        }
        let got = &funnel.stages[s];
        let name = model.stages()[s].as_str();
        assert_eq!((got.entered, got.still_in), (entered, still), "{name}");
        assert_eq!(got.time_in_stage.count, stays.len(), "{name}");
        close(got.time_in_stage.median_days, percentile(&stays, 0.5), name);
        close(got.time_in_stage.p90_days, percentile(&stays, 0.9), name);
    }
    // The pairs: those a rule joins (forward, or backward where allowed),
    // and consecutive stages.
    let mut pairs = Vec::new();
    for a in 0..n {
        for b in 0..n {
            let by_rule = model.rules().iter().any(|r| {
                r.to.index() == b
                    && a != b
                    && r.applies_to(model.stage_id(&model.stages()[a]).unwrap())
                    && (b > a || r.allow_backward)
            });
            if by_rule || b == a + 1 {
                pairs.push((a, b));
            }
        }
    }
    let got: Vec<(usize, usize)> = funnel
        .conversions
        .iter()
        .map(|c| (c.from.index(), c.to.index()))
        .collect();
    assert_eq!(got, pairs);
    for c in &funnel.conversions {
        let (a, b) = (c.from.index(), c.to.index());
        let (mut entered, mut converted, mut times) = (0, 0, Vec::new());
        for list in entries.values() {
            let Some(i) = first_in(list, a) else { continue };
            entered += 1;
            if let Some(later) = list[i + 1..].iter().find(|&&(stage, _)| stage == b) {
                converted += 1;
                times.push(later.1 - list[i].1);
            }
        }
        let what = format!("{} -> {}", model.stages()[a], model.stages()[b]);
        assert_eq!((c.entered, c.converted), (entered, converted), "{what}");
        close(
            c.rate,
            (entered > 0).then(|| converted as f64 / entered as f64),
            &what,
        );
        assert_eq!(c.time_to_convert.count, times.len(), "{what}");
        close(
            c.time_to_convert.median_days,
            percentile(&times, 0.5),
            &what,
        );
        close(c.time_to_convert.p90_days, percentile(&times, 0.9), &what);
    }
}

#[test]
fn the_sample_funnel_equals_a_naive_count_of_the_raw_events() {
    let (engine, entries) = replay(1500, 42);
    let model = engine.model();
    for period in [
        Period::new(sample::start(), sample::end()).unwrap(),
        Period::new(t("2025-04-01T00:00:00Z"), t("2025-08-01T00:00:00Z")).unwrap(),
        Period::new(t("2025-11-15T12:00:00Z"), t("2027-01-01T00:00:00Z")).unwrap(),
    ] {
        let funnel = engine.funnel(period, None);
        check_funnel(model, &funnel, &entries, period);
    }
    let year = Period::new(sample::start(), sample::end()).unwrap();
    let funnel = engine.funnel(year, None);
    // The check above means something: most steps are taken by many.
    let busy = funnel
        .conversions
        .iter()
        .filter(|c| c.converted >= 10)
        .count();
    assert!(busy >= 8, "{busy} conversions with 10 customers or more");
    assert!(funnel.stages.iter().all(|s| s.entered > 0));

    // A segment: the Argentine customers.
    let argentines: HashSet<String> = entries
        .keys()
        .filter(|id| id.starts_with("AR-"))
        .cloned()
        .collect();
    let segment = engine.funnel(year, Some(&argentines));
    let theirs = entries
        .iter()
        .filter(|(id, _)| argentines.contains(*id))
        .map(|(id, list)| (id.clone(), list.clone()))
        .collect();
    check_funnel(model, &segment, &theirs, year);
    let by_test = engine.funnel_where(year, |id, _| id.starts_with("AR-"));
    assert_eq!(by_test, segment);
}

#[test]
fn an_empty_base_gives_an_empty_funnel_drop_off_and_cohorts() {
    let engine = Engine::new(StageModel::six_stage());
    let period = Period::new(t("2026-01-01T00:00:00Z"), t("2026-02-01T00:00:00Z")).unwrap();
    let funnel = engine.funnel(period, None);
    assert_eq!(funnel.customers, 0);
    assert!(funnel.stages.iter().all(|s| s.entered == 0));
    assert!(funnel
        .conversions
        .iter()
        .all(|c| c.rate.is_none() && c.time_to_convert.median_days.is_none()));
    let conversion = engine.model().stage_id("conversion").unwrap();
    let options = DropOffOptions::new(period, conversion, 30.0, period.to).unwrap();
    let d = engine.drop_off(&options, None).unwrap();
    assert_eq!((d.reached, d.dropped), (0, 0));
    assert!(d.reasons.is_empty());
    let c = engine
        .cohorts(&CohortOptions::new(period, period.to), None)
        .unwrap();
    assert_eq!((c.customers, c.cohorts.len()), (0, 1));
    assert_eq!(c.cohorts[0].customers, 0);
    assert_eq!(c.months[0].churn_rate, None);
    assert!(engine.latest_moment().is_none());
    // An SVG of nothing is still a picture.
    roxmltree::Document::parse(&diagram::funnel_svg(engine.model(), &funnel)).unwrap();
}

fn apply(engine: &Engine, lines: &[&str]) {
    for line in lines {
        engine
            .apply(&json::event_from_json(line).unwrap())
            .unwrap_or_else(|e| panic!("{line}: {e}"));
    }
}

fn buy(customer: &str, at: &str) -> String {
    format!(
        r#"{{"customer": "{customer}", "at": "{at}T10:00:00Z", "kind": "purchase", "amount": 5000, "currency": "ARS"}}"#
    )
}

fn event(customer: &str, at: &str, kind: &str) -> String {
    format!(r#"{{"customer": "{customer}", "at": "{at}T10:00:00Z", "kind": "{kind}"}}"#)
}

#[test]
fn drop_off_groups_who_did_not_move_on_by_reason() {
    let engine = Engine::new(StageModel::six_stage());
    let lines = [
        // Cancels a week after converting: `cancelled`, detail `precio`.
        buy("ana", "2026-03-01"),
        r#"{"customer": "ana", "at": "2026-03-09T10:00:00Z", "kind": "cancellation", "reason": "precio"}"#.into(),
        // A complaint and nothing else: `complaints`.
        buy("beto", "2026-03-02"),
        event("beto", "2026-03-05", "complaint"),
        // Nothing after the purchase: `inactive`.
        buy("caro", "2026-03-03"),
        // Buys again within the horizon: moved on (growth).
        buy("dani", "2026-03-04"),
        buy("dani", "2026-03-10"),
        // Converted late in March.
        buy("eli", "2026-03-25"),
        // A failed payment: `payment_failures`.
        buy("fede", "2026-03-06"),
        r#"{"customer": "fede", "at": "2026-03-08T10:00:00Z", "kind": "payment_failed", "reason": "tarjeta vencida"}"#.into(),
        // Still visiting a week before `now`: `active_without_moving`.
        buy("gabi", "2026-03-07"),
        event("gabi", "2026-05-25", "visit"),
        // Never converted; converted before the period.
        event("hugo", "2026-03-01", "visit"),
        buy("ines", "2026-02-20"),
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    apply(&engine, &lines);
    let model = engine.model();
    let conversion = model.stage_id("conversion").unwrap();
    let march = Period::new(t("2026-03-01T00:00:00Z"), t("2026-04-01T00:00:00Z")).unwrap();
    let options = DropOffOptions::new(march, conversion, 30.0, t("2026-06-01T00:00:00Z")).unwrap();
    let d = engine.drop_off(&options, None).unwrap();
    assert_eq!(d.customers, 9);
    // ana beto caro dani eli fede gabi reached conversion in March.
    assert_eq!((d.reached, d.moved_on, d.pending, d.dropped), (7, 1, 0, 6));
    let table: Vec<(DropReason, Option<&str>, usize, Vec<&str>)> = d
        .reasons
        .iter()
        .map(|r| {
            let examples = r.examples.iter().map(|e| e.customer.as_str()).collect();
            (r.reason, r.detail.as_deref(), r.customers, examples)
        })
        .collect();
    assert_eq!(
        table,
        [
            // Most customers first, then in the order reasons are tried.
            (DropReason::Inactive, None, 2, vec!["caro", "eli"]),
            (DropReason::Cancelled, Some("precio"), 1, vec!["ana"]),
            (DropReason::PaymentFailures, None, 1, vec!["fede"]),
            (DropReason::Complaints, None, 1, vec!["beto"]),
            (DropReason::ActiveWithoutMoving, None, 1, vec!["gabi"]),
        ]
    );
    let inactive = &d.reasons[0];
    assert!((inactive.share - 2.0 / 6.0).abs() < 1e-12);
    let ana = &d.reasons[1].examples[0];
    assert_eq!(model.stage_name(ana.stage), "reactivation");
    assert_eq!(ana.last_move_cause.name(model), "cancellation");
    assert_eq!(ana.last_move_at, t("2026-03-09T10:00:00Z"));
    let beto = &d.reasons[3].examples[0];
    assert!(beto
        .signals
        .iter()
        .any(|(s, v)| s.name() == "complaints_in_window" && *v == 1.0));
    let caro = &d.reasons[0].examples[0];
    assert!(
        (caro.days_inactive - t("2026-06-01T00:00:00Z").days_since(t("2026-03-03T10:00:00Z")))
            .abs()
            < 1e-9
    );

    // Earlier, eli is still within her 30 days; one example per reason.
    let mut early =
        DropOffOptions::new(march, conversion, 30.0, t("2026-04-15T00:00:00Z")).unwrap();
    early.max_examples = 1;
    let d = engine.drop_off(&early, None).unwrap();
    assert_eq!((d.reached, d.moved_on, d.pending, d.dropped), (7, 1, 1, 5));
    assert!(d.reasons.iter().all(|r| r.examples.len() <= 1));

    // `next` names what counts as moving on: reactivation too, and ana moved.
    let mut any = options.clone();
    any.next = Some(vec![
        model.stage_id("growth").unwrap(),
        model.stage_id("reactivation").unwrap(),
    ]);
    assert_eq!(engine.drop_off(&any, None).unwrap().moved_on, 2);

    // A segment.
    let two: HashSet<String> = ["ana", "dani", "nadie"].map(String::from).into();
    let d = engine.drop_off(&options, Some(&two)).unwrap();
    assert_eq!(
        (d.customers, d.reached, d.moved_on, d.dropped),
        (2, 2, 1, 1)
    );

    // Bad options.
    let e = DropOffOptions::new(march, conversion, 0.0, march.to).unwrap_err();
    assert!(e.to_string().contains("horizon_days"), "{e}");
    let mut bad = options.clone();
    bad.max_examples = 101;
    let e = engine.drop_off(&bad, None).unwrap_err();
    assert!(e.to_string().contains("max_examples"), "{e}");
}

#[test]
fn cohorts_follow_acquisition_months_churn_and_reactivation() {
    let engine = Engine::new(StageModel::six_stage());
    let lines = [
        buy("ana", "2026-01-10"),
        buy("ana", "2026-03-02"),
        buy("eva", "2026-01-20"),
        buy("beto", "2026-02-05"),
        r#"{"customer": "beto", "at": "2026-02-20T10:00:00Z", "kind": "cancellation", "reason": "precio"}"#.into(),
        buy("beto", "2026-03-15"),
        event("hugo", "2026-01-02", "visit"),
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    apply(&engine, &lines);
    let period = Period::new(t("2026-01-01T00:00:00Z"), t("2026-04-01T00:00:00Z")).unwrap();
    let c = engine
        .cohorts(&CohortOptions::new(period, period.to), None)
        .unwrap();
    assert_eq!((c.customers, c.without_purchase), (4, 1));
    assert_eq!(
        c.churn_stages,
        [engine.model().stage_id("reactivation").unwrap()]
    );
    type Row = (String, usize, Vec<(usize, usize)>);
    let rows: Vec<Row> = c
        .cohorts
        .iter()
        .map(|k| {
            (
                k.month.to_string(),
                k.customers,
                k.retention
                    .iter()
                    .map(|m| (m.active, m.purchased))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            // ana bought in January and March, eva only in January.
            ("2026-01".to_string(), 2, vec![(2, 2), (1, 0), (1, 1)]),
            // beto bought in February and, won back, in March.
            ("2026-02".to_string(), 1, vec![(1, 1), (1, 1)]),
            ("2026-03".to_string(), 0, vec![(0, 0)]),
        ]
    );
    assert_eq!(c.cohorts[0].revenue[0].revenue, 15_000);
    assert_eq!(c.cohorts[0].revenue[0].currency.to_string(), "ARS");
    assert_eq!(c.cohorts[0].expected_value, None);
    let months: Vec<(usize, usize, usize, usize, Option<f64>)> = c
        .months
        .iter()
        .map(|m| {
            (
                m.active_at_start,
                m.new_customers,
                m.churned,
                m.reactivated,
                m.churn_rate,
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            (0, 2, 0, 0, None),
            // ana and eva bought before February; beto cancels in it.
            (2, 1, 1, 0, Some(0.5)),
            // beto is in reactivation on March 1st, won back in March.
            (2, 0, 0, 1, Some(0.0)),
        ]
    );

    // A period that ends before it starts names `to`, built either way.
    let e = Period::new(period.to, period.from).unwrap_err();
    assert!(e.to_string().contains("argument to:"), "{e}");
    let backward = Period {
        from: period.to,
        to: period.from,
    };
    let e = engine
        .cohorts(&CohortOptions::new(backward, period.to), None)
        .unwrap_err();
    assert!(e.to_string().contains("argument to:"), "{e}");
    let mut drop = DropOffOptions::new(period, engine.model().initial(), 30.0, period.to).unwrap();
    drop.period = backward;
    let e = engine.drop_off(&drop, None).unwrap_err();
    assert!(e.to_string().contains("argument to:"), "{e}");
}

#[test]
fn cohorts_of_the_sample_carry_expected_values_once_models_are_fitted() {
    let (engine, _) = replay(600, 7);
    let year = Period::new(sample::start(), sample::end()).unwrap();
    let options = CohortOptions::new(year, sample::end());
    let before = engine.cohorts(&options, None).unwrap();
    assert_eq!(before.cohorts.len(), 12);
    let acquired: usize = before.cohorts.iter().map(|k| k.customers).sum();
    assert_eq!(acquired + before.without_purchase, 600);
    for k in &before.cohorts {
        // Active never grows with k; purchased never exceeds active.
        assert!(k.retention.windows(2).all(|w| w[1].active <= w[0].active));
        assert!(k.retention.iter().all(|m| m.purchased <= m.active));
        assert_eq!(k.retention.first().map(|m| m.active), Some(k.customers));
    }
    let ars = ciclo::model::Currency::parse("ARS", "currency").unwrap();
    let fit = ModelFitOptions {
        currency: Some(ars),
        ..ModelFitOptions::default()
    };
    engine.fit_models(sample::end(), &fit).unwrap();
    let after = engine.cohorts(&options, None).unwrap();
    let valued: usize = after
        .cohorts
        .iter()
        .filter_map(|k| k.expected_value)
        .map(|v| v.customers)
        .sum();
    assert!(valued > 0);
    assert!(after
        .cohorts
        .iter()
        .filter_map(|k| k.expected_value)
        .all(|v| v.currency == Some(ars) && v.total >= 0.0));
}

#[test]
fn pictures_are_well_formed() {
    let (engine, _) = replay(300, 3);
    let model = engine.model();
    let year = Period::new(sample::start(), sample::end()).unwrap();
    let svg = diagram::funnel_svg(model, &engine.funnel(year, None));
    let doc = roxmltree::Document::parse(&svg).expect("the funnel SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    for stage in model.stages() {
        assert!(texts.contains(&stage.as_str()), "no label {stage}");
    }
    assert!(texts.iter().any(|t| t.contains("converted to acquisition")));
    let bars = doc.descendants().filter(|n| n.has_tag_name("rect")).count();
    assert_eq!(
        bars,
        model.stages().len() + 1,
        "a background and one bar per stage"
    );

    // Hostile names: a model whose stages and rules carry markup.
    let config = r#"{"name": "a \"b\" <c>", "stages": [{"name": "<script>&"}, {"name": "x\"y'z"}],
        "rules": [{"name": "r|1 #2 \"q\" \\ <b>", "to": "x\"y'z", "on": ["purchase"]}]}"#;
    let hostile = json::config_from_json(config).unwrap();
    let engine = Engine::new(hostile.clone());
    apply(&engine, &[&buy("a&b", "2026-01-01")]);
    let period = Period::new(t("2026-01-01T00:00:00Z"), t("2026-02-01T00:00:00Z")).unwrap();
    let svg = diagram::funnel_svg(&hostile, &engine.funnel(period, None));
    let doc = roxmltree::Document::parse(&svg).expect("escaped");
    assert!(doc
        .descendants()
        .any(|n| n.has_tag_name("text") && n.text() == Some("<script>&")));

    let dot = diagram::stage_model_dot(&hostile);
    check_dot(&dot, 2, 1);
    assert!(dot.contains(r#"label="r|1 #2 \"q\" \\ <b>""#), "{dot}");
    let mermaid = diagram::stage_model_mermaid(&hostile);
    check_mermaid(&mermaid, 2, 1);
    assert!(mermaid.contains("#lt;script#gt;#amp;"), "{mermaid}");

    // The presets: every stage a node, every rule named on an arrow.
    for model in [StageModel::six_stage(), StageModel::five_stage()] {
        let dot = diagram::stage_model_dot(&model);
        let mermaid = diagram::stage_model_mermaid(&model);
        let arrows = dot.lines().filter(|l| l.contains(" -> ")).count();
        check_dot(&dot, model.stages().len(), arrows);
        check_mermaid(&mermaid, model.stages().len(), arrows);
        for rule in model.rules() {
            assert!(
                dot.contains(&rule.name) && mermaid.contains(&rule.name),
                "{}",
                rule.name
            );
        }
    }
}

/// A DOT digraph: balanced braces and quotes, `nodes` node statements and
/// `edges` edge statements, each ending in `;`.
fn check_dot(dot: &str, nodes: usize, edges: usize) {
    assert!(dot.starts_with("digraph \""), "{dot}");
    assert!(dot.trim_end().ends_with('}'));
    let body: Vec<&str> = dot.lines().skip(1).filter(|l| l.trim() != "}").collect();
    assert!(body.iter().all(|l| l.trim_end().ends_with(';')), "{dot}");
    for line in dot.lines() {
        // Quotes balance once escaped ones are set aside.
        let unescaped = line.replace("\\\\", "").replace("\\\"", "");
        assert_eq!(unescaped.matches('"').count() % 2, 0, "{line}");
    }
    let node_lines = body
        .iter()
        .filter(|l| l.trim_start().starts_with('s') && !l.contains(" -> "))
        .count();
    assert_eq!(node_lines, nodes, "{dot}");
    assert_eq!(
        body.iter().filter(|l| l.contains(" -> ")).count(),
        edges,
        "{dot}"
    );
}

/// A Mermaid flowchart: the header, `nodes` node lines, `edges` arrows with
/// a quoted label and no raw quote inside it.
fn check_mermaid(mermaid: &str, nodes: usize, edges: usize) {
    let mut lines = mermaid.lines();
    assert_eq!(lines.next(), Some("flowchart LR"));
    let (mut n, mut e) = (0, 0);
    for line in lines {
        let line = line.trim();
        if line.contains("-->|\"") || line.contains("-.->|\"") {
            let label = line
                .split("|\"")
                .nth(1)
                .unwrap()
                .split("\"|")
                .next()
                .unwrap();
            assert!(!label.contains('"') && !label.contains('|'), "{line}");
            e += 1;
        } else {
            assert!(
                line.starts_with('s') && line.ends_with(['"', ']', ')']),
                "{line}"
            );
            assert_eq!(line.matches('"').count(), 2, "{line}");
            n += 1;
        }
    }
    assert_eq!((n, e), (nodes, edges), "{mermaid}");
}

/// The funnel SVG drawn by a real renderer (librsvg's `rsvg-convert`): a
/// non-empty PNG. Under `CICLO_CI` the tool must be installed (`.ci/run`
/// installs `librsvg2-bin`); elsewhere the test says it skipped.
#[test]
fn the_funnel_svg_renders_to_png() {
    let available = std::process::Command::new("rsvg-convert")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        assert!(
            std::env::var_os("CICLO_CI").is_none(),
            "rsvg-convert not installed (apt-get install librsvg2-bin)"
        );
        eprintln!("skipped: rsvg-convert not installed (apt-get install librsvg2-bin)");
        return;
    }
    let (engine, _) = replay(300, 3);
    let year = Period::new(sample::start(), sample::end()).unwrap();
    let svg = diagram::funnel_svg(engine.model(), &engine.funnel(year, None));
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let (svg_path, png_path) = (dir.join("funnel.svg"), dir.join("funnel.png"));
    std::fs::write(&svg_path, &svg).unwrap();
    let _ = std::fs::remove_file(&png_path);
    let out = std::process::Command::new("rsvg-convert")
        .args(["--format", "png", "--output"])
        .arg(&png_path)
        .arg(&svg_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "rsvg-convert failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&png_path).unwrap();
    assert!(png.len() > 1000, "a PNG of {} bytes", png.len());
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    // The IHDR chunk: the picture's size is the SVG's.
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!(width, 760);
    assert!(height > 300, "{height}");
}
