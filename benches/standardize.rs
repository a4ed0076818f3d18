//! Records standardised per second, on realistic records: the 20,000 Spanish and
//! Argentine customer records of `tests/data/dupes_es.csv` (names with accents and
//! nicknames, emails, Argentine and Spanish phones in every written form, street
//! lines with floors and units, CPA and Spanish postal codes, birth dates, DNI,
//! CUIT and NIF), and the single-field hot paths on the same data.
//!
//! Run: `cargo bench --bench standardize`.

use std::hint::black_box;

use ciclo::consolidation::standardize::{email, ids, phone, standardize, Country, Options};
use ciclo::model::Record;
use criterion::{criterion_group, Criterion, Throughput};

fn records() -> Vec<Record> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/dupes_es.csv");
    let mut reader = csv::Reader::from_path(path).expect("tests/data/dupes_es.csv");
    let headers = reader.headers().expect("a header row").clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let get = |row: &csv::StringRecord, name: &str| {
        column(name)
            .and_then(|i| row.get(i))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    reader
        .records()
        .map(|row| {
            let row = row.expect("a CSV row");
            Record {
                given_name: get(&row, "given_name"),
                surname: get(&row, "surname"),
                email: get(&row, "email"),
                phone: get(&row, "phone"),
                street: get(&row, "street"),
                locality: get(&row, "city"),
                province: get(&row, "province"),
                postal_code: get(&row, "postal_code"),
                country: get(&row, "country"),
                birth_date: get(&row, "birth_date"),
                national_id: get(&row, "national_id"),
                ..Record::default()
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let records = records();
    let options = Options::new(Some(Country::AR), time::macros::date!(2026 - 11 - 23));

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
