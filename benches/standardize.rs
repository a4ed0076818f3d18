//! Records standardised per second, on realistic records: the 20,000 Spanish and
//! Argentine customer records of `tests/data/dupes_es.csv` (names with accents and
//! nicknames, emails, Argentine and Spanish phones in every written form, street
//! lines with floors and units, CPA and Spanish postal codes, birth dates, DNI,
//! CUIT and NIF), and the single-field hot paths on the same data.
//!
//! Run: `cargo bench --bench standardize`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use ciclo::model::Record;
use ciclo::standardize::{email, ids, phone, standardize, Country, Options};
use criterion::{criterion_group, Criterion, Throughput};

fn bench(c: &mut Criterion) {
    let records = common::dupes_es_records();
    let options = Options::new(Some(Country::AR), time::macros::date!(2026 - 11 - 23));
    // One pass before measuring: the lookup tables and phone plans are built on
    // first use, once per process. Criterion's warm-up would pay for it anyway; a
    // profiler that counts a single measured pass (callgrind) would otherwise
    // charge it to the records.
    for r in &records {
        black_box(standardize(r, &options));
    }

    let mut group = c.benchmark_group("standardize");
    group.throughput(Throughput::Elements(records.len() as u64));
    group.sample_size(10);
    group.bench_function("whole_record", |b| {
        b.iter(|| {
            for r in &records {
                black_box(standardize(black_box(r), &options));
            }
        })
    });
    group.finish();

    let fields = |f: fn(&Record) -> &Option<String>| -> Vec<(String, Country)> {
        records
            .iter()
            .filter_map(|r| {
                let country = r.country.as_deref().and_then(Country::parse)?;
                Some((f(r).clone()?, country))
            })
            .collect()
    };
    let phones = fields(|r| &r.phone);
    let emails = fields(|r| &r.email);
    let national_ids = fields(|r| &r.national_id);

    let mut group = c.benchmark_group("field");
    group.sample_size(10);
    group.throughput(Throughput::Elements(phones.len() as u64));
    group.bench_function("phone", |b| {
        b.iter(|| {
            for (p, country) in &phones {
                let _ = black_box(phone::parse(black_box(p), *country));
            }
        })
    });
    group.throughput(Throughput::Elements(emails.len() as u64));
    group.bench_function("email", |b| {
        b.iter(|| {
            for (e, _) in &emails {
                let _ = black_box(email::parse(black_box(e)));
            }
        })
    });
    group.throughput(Throughput::Elements(national_ids.len() as u64));
    group.bench_function("national_id", |b| {
        b.iter(|| {
            for (id, country) in &national_ids {
                let _ = black_box(ids::detect(black_box(id), Some(*country)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
