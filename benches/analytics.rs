//! Analytics on transactions: RFM scoring at the scale of a large base, and
//! the `analytics` command's work on the Online Retail II file.
//!
//! - `analytics/score/1m`: [`rfm::score`] over a million synthetic customers
//!   (recency 1–730 days, frequency 1–40, monetary up to 100,000.00: many
//!   ties), on one thread; `1m_cpu_time` is the same timed in the thread's
//!   CPU time rather than wall time.
//! - `analytics/online_retail/*`, when `../shared/data/online_retail_ii_2009_2010.csv.gz`
//!   (or `CICLO_ONLINE_RETAIL`, a CSV or .csv.gz path) is present and `zcat`
//!   is installed: reading the 525,461 lines from memory
//!   ([`read_transactions_csv`]), RFM of its 4,314 customers
//!   ([`rfm::rfm`]), the cohorts ([`cohorts::cohorts`]) and the next best
//!   offers of `next_best_offer.csv`: learning the affinities and ranking 10
//!   products for every customer ([`transaction_offers::next_best_offers`]).
//!
//! Run: `cargo bench --bench analytics`.

use std::hint::black_box;
use std::time::Duration;

use ciclo::analytics::{cohorts, rfm, transaction_offers};
use ciclo::import::transactions::{read_transactions_csv, TransactionsCsvOptions};
use criterion::{criterion_group, Criterion, Throughput};

/// A million customers' values from a fixed-seed generator.
fn synthetic(n: usize) -> Vec<rfm::RfmInput> {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    (0..n)
        .map(|_| {
            let f = 1 + (next() % 40).min(next() % 40);
            rfm::RfmInput {
                recency: 1 + (next() % 730) as i64,
                frequency: f,
                monetary: (next() % (f * 250_000)) as i64 * 100,
            }
        })
        .collect()
}

fn score(c: &mut Criterion) {
    let base = synthetic(1_000_000);
    let mut group = c.benchmark_group("analytics/score");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(base.len() as u64));
    group.bench_function("1m", |b| b.iter(|| rfm::score(black_box(&base))));
    // The same, timed in this thread's CPU time (user and system, from
    // /proc/thread-self/stat in clock ticks of 10 ms): on a machine shared
    // with other jobs, wall time counts the waits for a CPU too.
    if thread_cpu().is_some() {
        group.bench_function("1m_cpu_time", |b| {
            b.iter_custom(|iters| {
                let start = thread_cpu().expect("readable");
                for _ in 0..iters {
                    black_box(rfm::score(black_box(&base)));
                }
                thread_cpu().expect("readable") - start
            })
        });
    }
    group.finish();
}

/// This thread's CPU time so far (Linux), `None` elsewhere.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command's closing parenthesis: state is the 3rd
    // field of the line, utime and stime the 14th and 15th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on Linux.
    Some(Duration::from_millis(ticks * 10))
}

/// The Online Retail file's bytes, decompressed with `zcat`, if present.
fn online_retail() -> Option<Vec<u8>> {
    let path = std::env::var("CICLO_ONLINE_RETAIL").unwrap_or_else(|_| {
        format!(
            "{}/../shared/data/online_retail_ii_2009_2010.csv.gz",
            env!("CARGO_MANIFEST_DIR")
        )
    });
    if !path.ends_with(".gz") {
        return std::fs::read(path).ok();
    }
    let out = std::process::Command::new("zcat")
        .arg(&path)
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

fn online_retail_file(c: &mut Criterion) {
    let Some(bytes) = online_retail() else {
        eprintln!("analytics/online_retail: the Online Retail file is not there; skipped");
        return;
    };
    let options = TransactionsCsvOptions::default();
    let file = read_transactions_csv(bytes.as_slice(), &options).expect("the file reads");
    let tx = &file.transactions;
    let as_of = tx.day_after_last().expect("lines");
    let mut group = c.benchmark_group("analytics/online_retail");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(file.rows));
    group.bench_function("read", |b| {
        b.iter(|| read_transactions_csv(black_box(bytes.as_slice()), &options).expect("reads"))
    });
    group.bench_function("rfm", |b| b.iter(|| rfm::rfm(black_box(tx), as_of)));
    group.bench_function("cohorts", |b| {
        b.iter(|| cohorts::cohorts(black_box(tx), as_of).unwrap())
    });
    group.bench_function("next_best_offers", |b| {
        b.iter(|| transaction_offers::next_best_offers(black_box(tx), as_of, 10).unwrap())
    });
    group.finish();
}

criterion_group!(benches, score, online_retail_file);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
