//! Next best offer for one customer once affinities are built.
//!
//! An [`Engine`] holds `CICLO_BENCH_CUSTOMERS` customers (default 20,000)
//! of a synthetic shop: 2,000 products in 100 families of 20, each customer
//! with a favourite family and 4 to 12 orders of 2 to 6 products (one in ten
//! from anywhere), over a year: 8 to 96 purchase lines a customer (the
//! engine keeps up to 128). Affinities
//! are learned once with the defaults (`learn_affinities`, timed too), and
//! the customer-base models fitted, so every offer is valued with P(alive).
//!
//! - `learn_affinities`: learning from every history.
//! - `next_best_offers`: one customer's 10 best actions (cross-sell from the
//!   affinities, up-sell, retention triggers, win-back), customers taken in
//!   turn.
//! - `next_best_offers_100`: the same with 100 actions, the most a call
//!   returns ([`ciclo::engine::MAX_OFFERS`]).
//!
//! Run: `cargo bench --bench offers`.

use std::hint::black_box;
use std::time::Duration;

use ciclo::analytics::affinity::AffinityOptions;
use ciclo::model::event::{AttrValue, BuiltinKind, Event};
use ciclo::model::money::{Currency, Money};
use ciclo::model::time::Timestamp;
use ciclo::retention::ModelFitOptions;
use ciclo::{Engine, StageModel};
use criterion::{criterion_group, Criterion};

fn shop(customers: usize) -> Engine {
    let engine = Engine::new(StageModel::six_stage());
    let ars = Currency::parse("ARS", "currency").expect("a currency");
    let start = Timestamp::parse("2025-01-01T00:00:00Z", "t").expect("a moment");
    let mut state = 42u64;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    for c in 0..customers {
        let customer = format!("c{c}");
        let family = next(100);
        let orders = 4 + next(9);
        let mut day = next(30) as f64;
        for o in 0..orders {
            let at = start.plus_days(day);
            for line in 0..(2 + next(5)) {
                let product = if next(10) == 0 {
                    next(2000)
                } else {
                    family * 20 + next(20)
                };
                let mut event = Event::new(
                    customer.as_str(),
                    at.plus_days(line as f64 / 1e6),
                    BuiltinKind::Purchase,
                )
                .with_amount(Money {
                    minor: 1000 + 100 * next(50) as i64,
                    currency: ars,
                });
                event
                    .attributes
                    .insert("product".into(), AttrValue::Text(format!("p{product}")));
                event
                    .attributes
                    .insert("order".into(), AttrValue::Text(format!("{customer}-{o}")));
                engine.apply(&event).expect("a valid purchase");
            }
            day += 10.0 + next(30) as f64;
        }
    }
    engine
}

fn offers(c: &mut Criterion) {
    let customers: usize = std::env::var("CICLO_BENCH_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let engine = shop(customers);
    let now = Timestamp::parse("2026-01-01T00:00:00Z", "t").expect("a moment");
    engine
        .fit_models(now, &ModelFitOptions::new(7.0))
        .expect("models fit");
    let mut group = c.benchmark_group("offers");
    group.measurement_time(Duration::from_secs(5));
    group.sample_size(10);
    group.bench_function("learn_affinities", |b| {
        b.iter(|| {
            engine
                .learn_affinities(black_box(&AffinityOptions::default()))
                .expect("learned")
        })
    });
    let summary = engine
        .learn_affinities(&AffinityOptions::default())
        .expect("learned");
    eprintln!(
        "{customers} customers, {} products, {} orders, {} affinities kept",
        summary.products, summary.orders, summary.affinities
    );
    group.finish();
    let ids: Vec<String> = (0..customers.min(1000)).map(|c| format!("c{c}")).collect();
    let mut group = c.benchmark_group("offers");
    group.measurement_time(Duration::from_secs(5));
    let mut k = 0;
    group.bench_function("next_best_offers", |b| {
        b.iter(|| {
            k = (k + 1) % ids.len();
            engine
                .next_best_offers_at(black_box(&ids[k]), now, 10)
                .expect("a customer")
        })
    });
    // The most offers a call returns: the list completed with popular
    // products runs over the catalogue.
    group.bench_function("next_best_offers_100", |b| {
        b.iter(|| {
            k = (k + 1) % ids.len();
            engine
                .next_best_offers_at(black_box(&ids[k]), now, ciclo::engine::MAX_OFFERS)
                .expect("a customer")
        })
    });
    group.finish();
}

criterion_group!(benches, offers);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
