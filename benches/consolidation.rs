//! Record consolidation at scale, on synthetic Spanish and Argentine customers
//! (`ciclo::synthetic`: 15% corrupted duplicates, households and namesakes).
//!
//! - `ingest`: matching at the point of entry. A
//!   [`Registry`](ciclo::consolidation::registry::Registry) with the default
//!   configuration is loaded with `CICLO_BENCH_GOLDEN` records (default
//!   100,000; 1,000,000 for the real figure), then fresh records are ingested
//!   one by one, half of them duplicates of stored people (copies held back
//!   from the load) and half new people. Printed: the load time, the per-call
//!   latency percentiles over `CICLO_BENCH_TIMED` calls (default 20,000)
//!   timed one by one, the decisions against the truth, and the process's
//!   resident memory. Criterion then measures the mean latency on the loaded
//!   registry (each call's record removed again, untimed, so that every call
//!   meets the same registry).
//! - `dedup_batch`: batch deduplication
//!   ([`deduplicate`](ciclo::consolidation::dedup::deduplicate)) of
//!   `CICLO_BENCH_DEDUP` records (default 100,000), run once and timed step by
//!   step, with its peak memory and its pairwise precision, recall and F1
//!   against the truth. Criterion then measures the deduplication of
//!   `min(CICLO_BENCH_DEDUP, 20,000)` records.
//!
//! - `dedup_reference`: the reference files of `tests/data` (FEBRL1, FEBRL2,
//!   dupes_es) deduplicated whole, in a warm process; and again with every
//!   customer's golden record built (`+golden`).
//!
//! Run: `cargo bench --bench consolidation` (all three), or with a filter:
//! `CICLO_BENCH_GOLDEN=1000000 cargo bench --bench consolidation -- ingest`.
//! The peak resident memory (`VmHWM`) is reset at the start of each part
//! (Linux), so each part's peak is its own. As a test (`cargo test --benches`)
//! the sizes default to a few thousand records.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ciclo::consolidation::dedup::{deduplicate, deduplicate_golden, DedupOptions, Progress};
use ciclo::consolidation::golden::{SourceKey, Survivorship};
use ciclo::consolidation::registry::{GoldenId, IngestDecision, Registry, RegistryConfig};
use ciclo::model::time::Timestamp;
use ciclo::model::Record;
use ciclo::standardize::Options;
use ciclo::synthetic::{generate, Generator, Origin, SyntheticOptions};
use criterion::{criterion_group, Criterion, Throughput};

/// The system allocator, counting the bytes live (as requested, without the
/// allocator's own overhead, which the resident memory includes).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Counted as a resize: a large block is moved by remapping its pages,
        // not copied, so old and new are not both resident.
        if new_size >= layout.size() {
            let grown = new_size - layout.size();
            let now = LIVE.fetch_add(grown, Ordering::Relaxed) + grown;
            PEAK.fetch_max(now, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Heap bytes live now.
fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// 2026-01-01T00:00:00Z: when every record was last updated.
const UPDATED_MS: i64 = 1_767_225_600_000;

/// A size from the environment; without it, `default`, or `small` when the
/// benchmark runs as a test (`cargo test --benches`: no `--bench` argument).
fn env_usize(name: &str, default: usize, small: usize) -> usize {
    let default = if std::env::args().any(|a| a == "--bench") {
        default
    } else {
        small
    };
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// Whether the command line's filter (if any) selects a benchmark named `name`,
/// so that a filtered run skips the other part's setup.
fn selected(name: &str) -> bool {
    // Criterion's options that take no value; the others take the next
    // argument (`--sample-size 10`), which is not a filter.
    const FLAGS: &[&str] = &[
        "-h",
        "--help",
        "-v",
        "-q",
        "--bench",
        "--test",
        "--list",
        "--exact",
        "--ignored",
        "--include-ignored",
        "--verbose",
        "--quiet",
        "--noplot",
        "--discard-baseline",
        "--quick",
        "--nocapture",
    ];
    let mut filters = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg.starts_with('-') {
            if !FLAGS.contains(&arg.as_str()) && !arg.contains('=') {
                args.next();
            }
        } else {
            filters.push(arg);
        }
    }
    filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()))
}

/// A line of `/proc/self/status` in MiB (`VmRSS`, `VmHWM`).
fn status_mib(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// Resets the peak resident memory to the current one (Linux 4.0 and later),
/// and the peak heap.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    PEAK.store(live(), Ordering::Relaxed);
}

fn memory() -> String {
    format!(
        "heap {:.0} MiB (peak {:.0} MiB), RSS {:.0} MiB (peak {:.0} MiB)",
        mib(live()),
        mib(PEAK.load(Ordering::Relaxed)),
        status_mib("VmRSS:"),
        status_mib("VmHWM:")
    )
}

fn timestamp() -> Timestamp {
    Timestamp::from_millis(UPDATED_MS, "updated").expect("a valid time")
}

/// CPU time of the calling thread (Linux; zero elsewhere). Unlike wall time,
/// it leaves out the time the thread waits while other processes run, which
/// on a shared machine dominates the tail of wall-clock latencies.
fn thread_cpu() -> Duration {
    cpu_clock(3) // CLOCK_THREAD_CPUTIME_ID
}

/// CPU time of the whole process, every thread (Linux; zero elsewhere).
fn process_cpu() -> Duration {
    cpu_clock(2) // CLOCK_PROCESS_CPUTIME_ID
}

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn cpu_clock(clock: i32) -> Duration {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    let mut t = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec; the clock ids are Linux's.
    let ok = unsafe { clock_gettime(clock, &mut t) } == 0;
    if ok {
        Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
    } else {
        Duration::ZERO
    }
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn cpu_clock(_clock: i32) -> Duration {
    Duration::ZERO
}

fn measure<T>(f: impl FnOnce() -> T) -> (T, Duration, Duration) {
    let (wall, cpu) = (Instant::now(), thread_cpu());
    let out = f();
    let cpu = thread_cpu().saturating_sub(cpu);
    (out, wall.elapsed(), cpu)
}

/// `p50 …, p90 …, p99 …, p99.9 …, max …, mean …` of some latencies.
fn summary(latencies: &mut [Duration]) -> String {
    if latencies.is_empty() {
        return "no calls".into();
    }
    let mean = latencies.iter().sum::<Duration>() / latencies.len() as u32;
    latencies.sort_unstable();
    format!(
        "p50 {}, p90 {}, p99 {}, p99.9 {}, max {}, mean {}",
        micros(percentile(latencies, 0.50)),
        micros(percentile(latencies, 0.90)),
        micros(percentile(latencies, 0.99)),
        micros(percentile(latencies, 0.999)),
        micros(latencies[latencies.len() - 1]),
        micros(mean),
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn ingest(c: &mut Criterion) {
    if !selected("consolidation/ingest") {
        return;
    }
    reset_peak();
    let golden = env_usize("CICLO_BENCH_GOLDEN", 100_000, 2_000);
    let timed = env_usize("CICLO_BENCH_TIMED", 20_000, 200).max(2);
    // Copies of stored people are held back from the load, spread over it;
    // new people come from the stream's tail, as a CRM would send them next.
    let tail = timed * 2 + 50_000;
    let options = SyntheticOptions::new(golden + tail, 20_260_101);
    let mut generator = Generator::new(&options);
    let every = (golden * 15 / 100 / (timed / 2)).max(1);
    let mut registry = Registry::new(RegistryConfig::default()).expect("the default config");
    let heap_before = live();
    let updated = timestamp();
    let mut first_golden: Vec<GoldenId> = Vec::with_capacity(golden);
    let mut copies: Vec<(u32, Record)> = Vec::with_capacity(timed / 2);
    let mut new: Vec<Record> = Vec::with_capacity(timed / 2);
    let mut duplicates = 0usize;
    let mut stored = 0usize;
    let (mut load, mut load_cpu) = (Duration::ZERO, Duration::ZERO);
    while stored < golden {
        let s = generator.next().expect("records left");
        if s.origin == Origin::Duplicate {
            duplicates += 1;
            if duplicates % every == 0 && copies.len() < timed / 2 {
                copies.push((s.cluster, s.record));
                continue;
            }
        }
        let key = SourceKey::new("crm", &format!("r{stored}")).expect("a valid key");
        let (out, wall, cpu) = measure(|| registry.ingest(key, updated, s.record));
        load += wall;
        load_cpu += cpu;
        match out {
            Ok(out) => {
                if s.cluster as usize == first_golden.len() {
                    first_golden.push(out.golden);
                }
            }
            Err(e) => panic!("record r{stored}: {e}"),
        }
        stored += 1;
    }
    let stored_people = first_golden.len() as u32;
    // The registry's share of the heap (and the held-back copies', a few MiB).
    let registry_heap = live().saturating_sub(heap_before);
    eprintln!(
        "ingest: the registry holds {:.0} MiB of heap, {:.0} bytes a record",
        mib(registry_heap),
        registry_heap as f64 / golden.max(1) as f64
    );
    eprintln!(
        "ingest: {golden} records loaded in {:.1} s, CPU {:.1} s ({:.1} µs of CPU a record): {} golden records, {} keys; {}",
        load.as_secs_f64(),
        load_cpu.as_secs_f64(),
        load_cpu.as_secs_f64() * 1e6 / golden.max(1) as f64,
        registry.golden_count(),
        registry.key_count(),
        memory()
    );
    for s in generator {
        if s.origin == Origin::Duplicate {
            if s.cluster < stored_people && copies.len() < timed / 2 {
                copies.push((s.cluster, s.record));
            }
        } else if new.len() < timed / 2 {
            new.push(s.record);
        }
    }
    let pairs = copies.len().min(new.len());
    // Per call: wall time and CPU time, all calls and by class.
    let mut wall = Vec::with_capacity(2 * pairs);
    let mut cpu = Vec::with_capacity(2 * pairs);
    let mut by_class: [Vec<Duration>; 2] = [Vec::with_capacity(pairs), Vec::with_capacity(pairs)];
    // Decisions: [copy, new] x [merged into the person's golden record,
    // merged elsewhere, review, new].
    let mut decisions = [[0usize; 4]; 2];
    let mut pool: Vec<Record> = Vec::with_capacity(2 * pairs);
    for (k, ((cluster, copy), fresh)) in copies.into_iter().zip(new).take(pairs).enumerate() {
        for (class, record) in [(0usize, copy), (1, fresh)] {
            pool.push(record.clone());
            let key = SourceKey::new("web", &format!("t{k}-{class}")).expect("a valid key");
            let (out, w, c) = measure(|| registry.ingest(key, updated, record));
            let out = out.expect("ingested");
            wall.push(w);
            cpu.push(c);
            by_class[class].push(c);
            let d = match out.decision {
                IngestDecision::Merged
                    if class == 0
                        && registry.resolve(first_golden[cluster as usize]) == Some(out.golden) =>
                {
                    0
                }
                IngestDecision::Merged => 1,
                IngestDecision::Review => 2,
                _ => 3,
            };
            decisions[class][d] += 1;
        }
    }
    eprintln!(
        "ingest: {} calls with {golden} stored, wall time: {}",
        wall.len(),
        summary(&mut wall)
    );
    eprintln!(
        "ingest: {} calls with {golden} stored, CPU time: {}",
        cpu.len(),
        summary(&mut cpu)
    );
    for (class, name) in [(0, "copies of stored people"), (1, "new people")] {
        let [right, elsewhere, review, new] = decisions[class];
        eprintln!(
            "ingest: {name}: CPU {}; merged into their customer {right}, merged into another {elsewhere}, review {review}, new {new}",
            summary(&mut by_class[class]),
        );
    }
    eprintln!("ingest: {}", memory());

    // Criterion's mean, on the same registry: each call ingests a record of
    // the pool under a new key, and removes it again untimed, so that every
    // call meets the same registry.
    let mut group = c.benchmark_group("consolidation");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(1));
    let mut next = 0usize;
    group.bench_function("ingest", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let record = pool[next % pool.len()].clone();
                let key = SourceKey::new("bench", &format!("b{next}")).expect("a valid key");
                next += 1;
                let t = Instant::now();
                let out = registry.ingest(key.clone(), updated, record);
                total += t.elapsed();
                black_box(out).expect("ingested");
                registry.remove(&key).expect("just ingested");
            }
            total
        })
    });
    group.finish();
    eprintln!(
        "ingest: after criterion ({next} calls): {} records stored; {}",
        registry.source_count(),
        memory()
    );
}

fn dedup_options() -> DedupOptions {
    DedupOptions::new(Options::new(None, time::macros::date!(2026 - 01 - 01)))
}

fn dedup_batch(c: &mut Criterion) {
    if !selected("consolidation/dedup_batch") {
        return;
    }
    reset_peak();
    let n = env_usize("CICLO_BENCH_DEDUP", 100_000, 2_000);
    let start = Instant::now();
    let data = generate(&SyntheticOptions::new(n, 20_260_102));
    eprintln!(
        "dedup_batch: {n} records ({} people) generated in {:.1} s; {}",
        data.persons(),
        start.elapsed().as_secs_f64(),
        memory()
    );
    let options = dedup_options();
    let mut steps: Vec<(&'static str, Duration, Duration)> = Vec::new();
    let (start, start_cpu) = (Instant::now(), process_cpu());
    let (mut last, mut last_cpu) = (Duration::ZERO, Duration::ZERO);
    let dedup = deduplicate(&data.records, &options, &mut |p: Progress| {
        if p.done == p.total {
            let (now, now_cpu) = (start.elapsed(), process_cpu().saturating_sub(start_cpu));
            steps.push((p.step, now - last, now_cpu - last_cpu));
            (last, last_cpu) = (now, now_cpu);
        }
    });
    let (wall, cpu) = (start.elapsed(), process_cpu().saturating_sub(start_cpu));
    let score = data.score(&dedup.clusters.leader);
    eprintln!(
        "dedup_batch: {n} records in {:.1} s, CPU {:.1} s (wall/CPU per step: {}); {} pairs compared, {} blocks skipped, {} customers (truth {}); {}",
        wall.as_secs_f64(),
        cpu.as_secs_f64(),
        steps
            .iter()
            .map(|(s, w, c)| format!("{s} {:.1}/{:.1} s", w.as_secs_f64(), c.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", "),
        dedup.compared_pairs,
        dedup.skipped_blocks,
        dedup.customers(),
        data.persons(),
        memory()
    );
    eprintln!(
        "dedup_batch: precision {:.4}, recall {:.4}, F1 {:.4} ({} true pairs, {} found, {} correct)",
        score.precision(),
        score.recall(),
        score.f1(),
        score.true_pairs,
        score.found_pairs,
        score.correct_pairs
    );
    drop(dedup);

    let small = n.min(20_000);
    let records = &data.records[..small];
    let mut group = c.benchmark_group("consolidation");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(small as u64));
    group.bench_function(format!("dedup_batch/{small}"), |b| {
        b.iter(|| black_box(deduplicate(black_box(records), &options, &mut |_| {})))
    });
    group.finish();
}

/// The reference files of `tests/data` deduplicated whole, in a warm process
/// (the lookup tables built once, as in a host that keeps the library loaded):
/// the FEBRL2 and dupes_es times.
fn dedup_reference(c: &mut Criterion) {
    if !selected("consolidation/dedup_reference") {
        return;
    }
    let mut group = c.benchmark_group("consolidation/dedup_reference");
    group.sample_size(20);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    for name in ["febrl1", "febrl2", "dupes_es"] {
        let path = format!("{}/tests/data/{name}.csv", env!("CARGO_MANIFEST_DIR"));
        let file = std::fs::File::open(&path).expect("the reference file");
        let export = ciclo::import::read_csv(file, &[]).expect("a readable export");
        let options = DedupOptions::new(Options::new(None, time::macros::date!(2026 - 01 - 01)));
        group.throughput(Throughput::Elements(export.records.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                black_box(deduplicate(
                    black_box(&export.records),
                    &options,
                    &mut |_| {},
                ))
            })
        });
        // The same, and every customer's golden record built.
        let keys: Vec<SourceKey> = export
            .ids
            .iter()
            .map(|id| SourceKey::new("export", id).expect("a valid key"))
            .collect();
        let survivorship = Survivorship::default();
        group.bench_function(format!("{name}+golden"), |b| {
            b.iter(|| {
                black_box(
                    deduplicate_golden(
                        black_box(&export.records),
                        &keys,
                        timestamp(),
                        &options,
                        &survivorship,
                        &mut |_| {},
                    )
                    .expect("one key per record"),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, ingest, dedup_batch, dedup_reference);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
