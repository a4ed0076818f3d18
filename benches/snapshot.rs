//! Snapshots under load and ticks at scale: what a host's other threads feel.
//!
//! Run: `cargo bench --bench snapshot` (sizes through `CICLO_BENCH_CUSTOMERS`,
//! default 1,000,000, and `CICLO_BENCH_TICK_CUSTOMERS`, default 10,000,000).
//!
//! 1. **Snapshot under load.** An engine of N customers (two purchases each);
//!    a writer thread applies events to random customers without pause while
//!    the main thread takes a snapshot. Reported: the snapshot's time and size,
//!    the longest and the 99th-percentile wait of one apply while the snapshot
//!    ran, and the snapshot's peak memory beyond what the engine held before,
//!    as a multiple of its size (a counting allocator tracks the peak).
//!    The same with a consolidating engine of K golden customers
//!    (`CICLO_BENCH_GOLDEN_CUSTOMERS`, default 200,000), the writer sending
//!    events to golden ids.
//! 2. **Tick at scale.** An engine of M customers who all lapse at the tick:
//!    `Engine::tick_counts` (what `ciclo_engine_tick` does when the host asks no
//!    report) against `Engine::tick` (the full report), time and peak memory
//!    beyond the states.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ciclo::lifecycle::StageModel;
use ciclo::model::{BuiltinKind, Currency, Event, Money, Timestamp};
use ciclo::Engine;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

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
        let now = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
        PEAK.fetch_max(now, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const DAY: i64 = 86_400_000;
const T0: i64 = 1_767_225_600_000;

fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn at(ms: i64) -> Timestamp {
    Timestamp::from_millis(ms, "t").unwrap()
}

fn buy(customer: &str, ms: i64) -> Event {
    Event::new(customer, at(ms), BuiltinKind::Purchase).with_amount(Money {
        minor: 12_500,
        currency: Currency::parse("ARS", "c").unwrap(),
    })
}

/// N customers with two purchases ten days apart.
fn engine_of(n: usize) -> Engine {
    let engine = Engine::new(StageModel::six_stage());
    for i in 0..n {
        let id = format!("cliente-{i:08}");
        engine.apply(&buy(&id, T0)).unwrap();
        engine.apply(&buy(&id, T0 + 10 * DAY)).unwrap();
    }
    engine
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Waits of one apply, in buckets by powers of two of microseconds, and the
/// longest: a fixed-size record, so measuring adds no memory to the peak.
struct Waits {
    buckets: [u64; 32],
    count: u64,
    max: Duration,
    over_1ms: u64,
    over_10ms: u64,
    /// The first waits over 10 ms: when each ended (since the phase began)
    /// and how long it was.
    long: [(Duration, Duration); 8],
}

impl Waits {
    fn new() -> Waits {
        Waits {
            buckets: [0; 32],
            count: 0,
            max: Duration::ZERO,
            over_1ms: 0,
            over_10ms: 0,
            long: [(Duration::ZERO, Duration::ZERO); 8],
        }
    }

    fn add(&mut self, wait: Duration, since_phase: Duration) {
        if wait > Duration::from_millis(10) && (self.over_10ms as usize) < self.long.len() {
            self.long[self.over_10ms as usize] = (since_phase, wait);
        }
        let micros = wait.as_micros().max(1) as u64;
        self.buckets[(63 - micros.leading_zeros()).min(31) as usize] += 1;
        self.count += 1;
        self.max = self.max.max(wait);
        self.over_1ms += u64::from(wait > Duration::from_millis(1));
        self.over_10ms += u64::from(wait > Duration::from_millis(10));
    }

    /// The bucket bound (µs) under which `q` of the waits fall.
    fn quantile(&self, q: f64) -> u64 {
        let target = (self.count as f64 * q).ceil() as u64;
        let mut seen = 0;
        for (i, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= target {
                return 1 << (i + 1);
            }
        }
        u64::MAX
    }
}

/// Takes a snapshot of `engine` while a writer applies `event(i)` without
/// pause, and reports what the writer felt and what the snapshot cost.
fn under_load(label: &str, engine: Arc<Engine>, event: impl Fn(u64) -> Event + Send + 'static) {
    let stop = Arc::new(AtomicBool::new(false));
    // Phase 1: the writer beside a busy thread (what the machine does to it
    // without a snapshot), phase 2: during the snapshot.
    let phase = Arc::new(AtomicUsize::new(0));
    let base = Instant::now();
    let phase_at = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let writer = {
        let (engine, phase, stop) = (engine.clone(), phase.clone(), stop.clone());
        let phase_at = phase_at.clone();
        std::thread::spawn(move || {
            let mut waits = [Waits::new(), Waits::new(), Waits::new()];
            let mut i = 0;
            while !stop.load(Ordering::Acquire) {
                i += 1;
                let event = event(i);
                let t = Instant::now();
                engine.apply(&event).unwrap();
                let wait = t.elapsed();
                let p = phase.load(Ordering::Acquire);
                let since = Duration::from_nanos(
                    ((Instant::now() - base).as_nanos() as u64)
                        .saturating_sub(phase_at.load(Ordering::Acquire)),
                );
                waits[p].add(wait, since);
            }
            waits
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    // The writer beside a thread that only burns CPU, as the snapshot's
    // thread will: what sharing the cores costs, locks apart.
    phase_at.store(base.elapsed().as_nanos() as u64, Ordering::Release);
    phase.store(1, Ordering::Release);
    let burn = Instant::now();
    let mut x = 1u64;
    while burn.elapsed() < Duration::from_secs(2) {
        x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
    }
    phase_at.store(base.elapsed().as_nanos() as u64, Ordering::Release);
    phase.store(2, Ordering::Release);
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let t = Instant::now();
    let snap = engine.snapshot();
    let took = t.elapsed();
    phase.store(0, Ordering::Release);
    // Beyond the engine as it was before or after, whichever is larger (the
    // writer's events grow it meanwhile), the snapshot itself included.
    let peak = PEAK.load(Ordering::Relaxed) - before.max(LIVE.load(Ordering::Relaxed) - snap.len());
    stop.store(true, Ordering::Release);
    let [_, alone, waits] = writer.join().unwrap();
    println!(
        "{label}: the writer beside a busy thread for 2 s: {} applies, longest {:.2} ms, {} over 1 ms, {} over 10 ms",
        alone.count,
        alone.max.as_secs_f64() * 1e3,
        alone.over_1ms,
        alone.over_10ms,
    );
    let long = |w: &Waits| {
        w.long[..(w.over_10ms as usize).min(w.long.len())]
            .iter()
            .map(|(at, wait)| {
                format!(
                    "{:.0} ms at {:.2} s",
                    wait.as_secs_f64() * 1e3,
                    at.as_secs_f64()
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "{label}: long waits beside the busy thread: [{}]; during the snapshot: [{}]",
        long(&alone),
        long(&waits)
    );
    println!(
        "{label}: snapshot {:.2} s, {:.1} MiB; {} applies on another thread meanwhile: \
         longest {:.2} ms, p99 under {} µs, p99.99 under {} µs, {} over 1 ms, {} over 10 ms; \
         peak memory beyond the engine {:.1} MiB = {:.2}x the snapshot",
        took.as_secs_f64(),
        mib(snap.len()),
        waits.count,
        waits.max.as_secs_f64() * 1e3,
        waits.quantile(0.99),
        waits.quantile(0.9999),
        waits.over_1ms,
        waits.over_10ms,
        mib(peak),
        peak as f64 / snap.len() as f64,
    );
    let t = Instant::now();
    let restored = Engine::restore(&snap).unwrap();
    println!(
        "{label}: restore {:.2} s, {} customers",
        t.elapsed().as_secs_f64(),
        restored.len()
    );
}

fn snapshot_under_load(n: usize) {
    let started = Instant::now();
    let engine = Arc::new(engine_of(n));
    println!(
        "plain: {n} customers loaded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let ids: Vec<String> = (0..1024)
        .map(|i| format!("cliente-{:08}", i * (n / 1024).max(1)))
        .collect();
    under_load("plain", engine, move |i| {
        buy(
            &ids[(i.wrapping_mul(0x9E37_79B9) % 1024) as usize],
            T0 + 20 * DAY + i as i64,
        )
    });
}

/// A consolidating engine: `k` records ingested (distinct people), two
/// purchases each on their golden ids; the writer sends events to golden ids.
fn consolidated_under_load(k: usize) {
    use ciclo::consolidation::golden::SourceKey;
    use ciclo::model::Record;
    const S: [&str; 16] = [
        "ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "ri", "so", "tu",
        "vi",
    ];
    let word = |mut n: usize| {
        let mut w = String::new();
        loop {
            w.push_str(S[n % 16]);
            n /= 16;
            if n == 0 {
                break w;
            }
        }
    };
    let started = Instant::now();
    let engine = Engine::new(StageModel::six_stage());
    let mut goldens = Vec::with_capacity(k);
    for i in 0..k {
        let record = Record {
            given_name: Some(format!("X{}", word(i))),
            surname: Some(format!("Z{}", word(i.wrapping_mul(7919) % 1_000_003))),
            email: Some(format!("{}.{i}@ejemplo.com.ar", word(i))),
            ..Record::default()
        };
        let key = SourceKey::new("crm", &i.to_string()).unwrap();
        let golden = engine
            .ingest(key, at(T0), record)
            .unwrap()
            .golden
            .to_string();
        engine.apply(&buy(&golden, T0)).unwrap();
        engine.apply(&buy(&golden, T0 + 10 * DAY)).unwrap();
        goldens.push(golden);
    }
    println!(
        "consolidated: {k} records ingested, {} customers, in {:.1} s",
        engine.len(),
        started.elapsed().as_secs_f64()
    );
    let ids: Vec<String> = (0..1024)
        .map(|i| goldens[i * (k / 1024).max(1)].clone())
        .collect();
    under_load("consolidated", Arc::new(engine), move |i| {
        buy(
            &ids[(i.wrapping_mul(0x9E37_79B9) % 1024) as usize],
            T0 + 20 * DAY + i as i64,
        )
    });
}

fn tick_at_scale(m: usize) {
    let started = Instant::now();
    let engine = engine_of(m);
    println!(
        "tick: {m} customers loaded in {:.1} s, states {:.0} MiB",
        started.elapsed().as_secs_f64(),
        mib(engine.memory_bytes())
    );
    let now = at(T0 + 60 * DAY);
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let t = Instant::now();
    let (evaluated, moved) = engine.tick_counts(now);
    let took = t.elapsed();
    let after = LIVE.load(Ordering::Relaxed);
    println!(
        "tick_counts: {:.2} s, {evaluated} evaluated, {moved} moved; the states grew by {:.1} MiB \
         (each move recorded), peak memory beyond them {:.1} MiB",
        took.as_secs_f64(),
        mib(after - before),
        mib(PEAK.load(Ordering::Relaxed).saturating_sub(after)),
    );
    drop(engine);
    let engine = engine_of(m);
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let t = Instant::now();
    let report = engine.tick(now);
    let took = t.elapsed();
    let moves = report.moves.len();
    drop(report);
    let after = LIVE.load(Ordering::Relaxed);
    println!(
        "tick (full report): {:.2} s, {moves} moves; peak memory beyond the grown states {:.1} MiB",
        took.as_secs_f64(),
        mib(PEAK.load(Ordering::Relaxed).saturating_sub(after)),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this with
    // tiny sizes so it stays compiled and working.
    let quick = !std::env::args().any(|a| a == "--bench");
    let (n, k, m) = if quick {
        (2_000, 2_000, 2_000)
    } else {
        (
            size("CICLO_BENCH_CUSTOMERS", 1_000_000),
            size("CICLO_BENCH_GOLDEN_CUSTOMERS", 200_000),
            size("CICLO_BENCH_TICK_CUSTOMERS", 10_000_000),
        )
    };
    // `CICLO_BENCH_ONLY=plain,consolidated,tick` runs the parts named.
    let only = std::env::var("CICLO_BENCH_ONLY").unwrap_or_default();
    let run = |part: &str| only.is_empty() || only.split(',').any(|p| p == part);
    if run("plain") {
        snapshot_under_load(n);
    }
    if run("consolidated") {
        consolidated_under_load(k);
    }
    if run("tick") {
        tick_at_scale(m);
    }
}
