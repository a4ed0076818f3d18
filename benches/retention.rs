//! The customer-base models on CDNOW (`tests/data/cdnow_summary.csv`, 2,357
//! customers), against the reference implementation's times in
//! `tests/data/lifetimes_reference.json` (lifetimes 0.11.3: BG/NBD 44 – 55 ms,
//! Gamma-Gamma 21 ms on this machine).
//!
//! - `fit_bgnbd`, `fit_gamma_gamma`: one maximum-likelihood fit on the whole
//!   population.
//! - `predict`: every customer's P(alive), expected purchases in 30 and 90
//!   weeks and 12-month lifetime value under the fitted models.
//! - `triggers`: the default retention triggers evaluated over an
//!   [`Engine`](ciclo::Engine) holding a year of the built-in sample
//!   (`ciclo::sample`, `CICLO_BENCH_CUSTOMERS` customers, default 20,000),
//!   every customer at once (`evaluate_all`, throughput in customers), on one
//!   thread; without customer-base models, and with models fitted on the
//!   engine's customers (the churn score then reads `p_alive`).
//!
//! Run: `cargo bench --bench retention`.

use std::hint::black_box;
use std::time::Duration;

use ciclo::import::read_summaries_csv;
use ciclo::retention::{
    lifetime_value, summary_of, BgNbd, ClvOptions, CustomerModels, CustomerSummary, GammaGamma,
};
use ciclo::{Engine, StageModel};
use criterion::{criterion_group, Criterion, Throughput};

fn cdnow() -> Vec<CustomerSummary> {
    let path = format!(
        "{}/tests/data/cdnow_summary.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    read_summaries_csv(std::fs::File::open(path).expect("the CDNOW summary"))
        .expect("a valid summary")
        .customers
}

fn models(c: &mut Criterion) {
    let customers = cdnow();
    let mut group = c.benchmark_group("retention/cdnow");
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("fit_bgnbd", |b| {
        b.iter(|| BgNbd::fit(black_box(&customers)).expect("a fit"))
    });
    group.bench_function("fit_gamma_gamma", |b| {
        b.iter(|| GammaGamma::fit(black_box(&customers)).expect("a fit"))
    });
    let bgnbd = BgNbd::fit(&customers).expect("a fit").model;
    let spend = GammaGamma::fit(&customers).expect("a fit").model;
    let options = ClvOptions::new(0.01, ClvOptions::WEEKS);
    group.throughput(Throughput::Elements(customers.len() as u64));
    group.bench_function("predict", |b| {
        b.iter(|| {
            let mut total = 0.0;
            for c in black_box(&customers) {
                total += bgnbd.p_alive(c).expect("valid")
                    + bgnbd.expected_purchases(c, 30.0).expect("valid")
                    + bgnbd.expected_purchases(c, 90.0).expect("valid")
                    + lifetime_value(&bgnbd, &spend, c, &options).expect("valid");
            }
            total
        })
    });
    group.finish();
}

fn triggers(c: &mut Criterion) {
    let customers: usize = std::env::var("CICLO_BENCH_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let engine = Engine::new(StageModel::six_stage());
    for event in ciclo::sample::events(customers, 7) {
        engine.apply(&event).expect("sample events apply");
    }
    let now = ciclo::sample::end();
    // The steady state: every customer evaluated once already, cooldowns running.
    let first = engine.evaluate_all(now);
    eprintln!(
        "triggers: {} customers, {} firings at the first evaluation",
        engine.len(),
        first.len()
    );
    let mut group = c.benchmark_group("retention/triggers");
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(engine.len() as u64));
    group.bench_function("evaluate_all", |b| {
        b.iter(|| engine.evaluate_all(black_box(now)))
    });
    // The sample mixes pesos and euros, too dispersed a spend for the
    // Gamma-Gamma model: BG/NBD is fitted on the engine's customers, the
    // spend model is CDNOW's (the churn score reads only `p_alive`).
    let mut summaries = Vec::new();
    engine.for_each(|_, state| summaries.extend(summary_of(state, now, 7.0)));
    let bgnbd = BgNbd::fit(&summaries)
        .expect("BG/NBD fits the sample")
        .model;
    engine
        .set_models(Some(CustomerModels {
            bgnbd,
            spend: GammaGamma {
                p: 6.25,
                q: 3.74,
                v: 15.45,
            },
            currency: None,
            unit_days: 7.0,
            clv: ClvOptions::new(0.01, ClvOptions::WEEKS),
        }))
        .expect("valid models");
    group.bench_function("evaluate_all_with_models", |b| {
        b.iter(|| engine.evaluate_all(black_box(now)))
    });
    group.finish();
}

criterion_group!(benches, models, triggers);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
