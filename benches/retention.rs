//! The customer-base models on CDNOW (`tests/data/cdnow_summary.csv`, 2,357
//! customers), against the reference implementation's times in
//! `tests/data/lifetimes_reference.json` (lifetimes 0.11.3: BG/NBD 44 – 55 ms,
//! Gamma-Gamma 21 ms on this machine).
//!
//! - `fit_bgnbd`, `fit_gamma_gamma`: one maximum-likelihood fit on the whole
//!   population.
//! - `predict`: every customer's P(alive), expected purchases in 30 and 90
//!   weeks and 12-month lifetime value under the fitted models.
//!
//! Run: `cargo bench --bench retention`.

use std::hint::black_box;
use std::time::Duration;

use ciclo::import::read_summaries_csv;
use ciclo::retention::{lifetime_value, BgNbd, ClvOptions, CustomerSummary, GammaGamma};
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

criterion_group!(benches, models);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
