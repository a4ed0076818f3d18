//! Funnel, drop-off, cohorts and RFM over an engine's customers: how long each
//! analysis of a year takes over N/10 and N synthetic customers (one core:
//! the analyses walk the shards one after another).
//!
//! Run: `cargo bench --bench analytics_engine` (size through
//! `CICLO_BENCH_CUSTOMERS`, default 1,000,000, and a tenth of it).
//!
//! Customers are built by applying their events to a `six_stage` engine, a
//! customer at a time (as `benches/listing.rs` builds its engines): every
//! customer visits during 2025; about 60% buy (some days later), a third of
//! those buy again (half in a new category), one buyer in ten cancels, one in
//! twenty complains, one in twenty-five has a payment fail; monthly ticks move
//! the lapsed to `reactivation`. So histories have two to five moves, as the
//! built-in sample's. The model declares one attribute, `tier`, and two
//! segments over it; every other customer is set to tier `a` (segment `half`)
//! and every third to `b` (`third`), so a sixth are in both: the analyses
//! for a segment and the cohorts split by segment run over them.

use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};

use ciclo::analytics::{CohortOptions, DropOffOptions, FunnelOptions, Period};
use ciclo::lifecycle::{presets, AttributeConfig, ConditionConfig, SegmentConfig, StageModel};
use ciclo::model::{AttrValue, BuiltinKind, Currency, Event, Money, Timestamp};
use ciclo::Engine;

/// 2025-01-01T00:00:00Z.
const T0: i64 = 1_735_689_600_000;
const DAY: i64 = 86_400_000;

fn size() -> usize {
    std::env::var("CICLO_BENCH_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn at(ms: i64) -> Timestamp {
    Timestamp::from_millis(ms, "at").unwrap()
}

/// splitmix64, for reproducible customers without a dependency.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The six-stage model with a `tier` attribute and segments `half` (tier
/// `a` or `ab`) and `third` (tier `b` or `ab`).
fn model() -> StageModel {
    let mut config = presets::six_stage();
    config
        .attributes
        .insert("tier".into(), AttributeConfig::category(&["a", "b", "ab"]));
    for (name, tiers) in [("half", ["a", "ab"]), ("third", ["b", "ab"])] {
        config.segments.push(SegmentConfig {
            name: name.into(),
            description: String::new(),
            stages: Vec::new(),
            when: Some(ConditionConfig::attr_in("tier", &tiers)),
        });
    }
    StageModel::compile(config).unwrap()
}

/// An engine of `n` synthetic customers over 2025, ticked monthly.
fn engine(n: usize) -> Engine {
    let engine = Engine::new(model());
    let ars = Currency::parse("ARS", "currency").unwrap();
    let started = Instant::now();
    for i in 0..n {
        let r = mix(i as u64);
        let id = format!("c-{:07}", i);
        let first = T0 + (r % 300) as i64 * DAY + (r >> 40) as i64 % DAY;
        let mut events = vec![Event::new(id.clone(), at(first), BuiltinKind::Visit)];
        let roll = |k: u32| (r >> (8 * k)) % 100;
        if roll(1) < 60 {
            let bought = first + (1 + roll(2) as i64 % 20) * DAY;
            let category = ["hogar", "moda", "deportes"][(roll(3) % 3) as usize];
            let buy = |t: i64, category: &str| {
                Event::new(id.clone(), at(t), BuiltinKind::Purchase)
                    .with_amount(Money {
                        minor: 10_000 + (r % 90_000) as i64,
                        currency: ars,
                    })
                    .with_category(category)
            };
            events.push(buy(bought, category));
            let mut last = bought;
            if roll(4) < 33 {
                last = bought + (5 + roll(5) as i64 % 40) * DAY;
                let other = if roll(6) < 50 { "librería" } else { category };
                events.push(buy(last, other));
            }
            if roll(6) < 5 {
                events.push(Event::new(
                    id.clone(),
                    at(last + DAY),
                    BuiltinKind::Complaint,
                ));
            }
            if roll(7) < 4 {
                events.push(
                    Event::new(id.clone(), at(last + 2 * DAY), BuiltinKind::PaymentFailed)
                        .with_reason("tarjeta vencida"),
                );
            }
            if roll(5) < 10 {
                events.push(
                    Event::new(id.clone(), at(last + 3 * DAY), BuiltinKind::Cancellation)
                        .with_reason(["precio", "competencia"][(roll(2) % 2) as usize]),
                );
            }
        }
        for event in &events {
            engine.apply(event).unwrap();
        }
    }
    let applied = started.elapsed();
    let ticked = Instant::now();
    for month in 1..=12 {
        let start = ciclo::analytics::Month::new(2025, 1).plus(month).start();
        engine.tick(start);
    }
    let tagged = Instant::now();
    for i in 0..n {
        let tier = match (i % 2 == 0, i % 3 == 0) {
            (true, true) => "ab",
            (true, false) => "a",
            (false, true) => "b",
            (false, false) => continue,
        };
        let id = format!("c-{:07}", i);
        engine
            .set_attributes(&id, &[("tier", Some(AttrValue::Text(tier.into())))])
            .unwrap();
    }
    println!(
        "{n} customers built in {:.1} s, ticked monthly in {:.1} s, tiered in {:.1} s; \
         {} in reactivation; segments {:?}",
        applied.as_secs_f64(),
        ticked.elapsed().as_secs_f64(),
        tagged.elapsed().as_secs_f64(),
        engine.stage_counts()[5].1,
        engine.segment_counts()
    );
    engine
}

fn bench(c: &mut Criterion) {
    let n = size();
    let year = Period::new(at(T0), at(T0 + 365 * DAY)).unwrap();
    for customers in [n / 10, n] {
        let engine = engine(customers);
        let conversion = engine.model().stage_id("conversion").unwrap();
        let drop = DropOffOptions::new(year, conversion, 30.0, at(T0 + 365 * DAY)).unwrap();
        let cohorts = CohortOptions::new(year, at(T0 + 365 * DAY));
        let mut group = c.benchmark_group(format!("analytics_{customers}"));
        group.sample_size(10);
        group.bench_function("funnel", |b| {
            b.iter(|| black_box(engine.funnel(year, None)))
        });
        group.bench_function("drop_off", |b| {
            b.iter(|| black_box(engine.drop_off(&drop, None).unwrap()))
        });
        group.bench_function("cohorts", |b| {
            b.iter(|| black_box(engine.cohorts(&cohorts, None).unwrap()))
        });
        let half: std::collections::HashSet<String> = (0..customers)
            .step_by(2)
            .map(|i| format!("c-{:07}", i))
            .collect();
        group.bench_function("funnel_of_a_segment_of_half", |b| {
            b.iter(|| black_box(engine.funnel(year, Some(&half))))
        });
        let model = engine.model();
        let in_half = FunnelOptions::new(year)
            .with_segment(model, "half")
            .unwrap();
        group.bench_function("funnel_of_rule_segment_half", |b| {
            b.iter(|| black_box(engine.funnel_with(&in_half, None).unwrap()))
        });
        let cohorts_of_half = cohorts.clone().with_segment(model, "half").unwrap();
        group.bench_function("cohorts_of_rule_segment_half", |b| {
            b.iter(|| black_box(engine.cohorts(&cohorts_of_half, None).unwrap()))
        });
        let by_segment = CohortOptions {
            by_segment: true,
            ..cohorts.clone()
        };
        group.bench_function("cohorts_by_segment", |b| {
            b.iter(|| black_box(engine.cohorts(&by_segment, None).unwrap()))
        });
        // RFM of every buyer, as of the year's end, with the first page of
        // 1,000 customers (every page scores the whole base).
        let rfm = ciclo::engine::RfmOptions {
            as_of: Some(at(T0 + 400 * DAY)),
            ..Default::default()
        };
        group.bench_function("rfm", |b| b.iter(|| black_box(engine.rfm(&rfm).unwrap())));
        group.finish();
        let f = engine.funnel(year, None);
        println!(
            "{customers} customers: funnel entered {:?}",
            f.stages.iter().map(|s| s.entered).collect::<Vec<_>>()
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
