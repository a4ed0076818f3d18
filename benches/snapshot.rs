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

fn snapshot_under_load(n: usize) {
    let started = Instant::now();
    let engine = Arc::new(engine_of(n));
    println!(
        "snapshot: {n} customers loaded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (engine, measuring, stop) = (engine.clone(), measuring.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut waits: Vec<Duration> = Vec::new();
            let mut x: u64 = 0x2545_F491_4F6C_DD1D;
            let mut ms = T0 + 20 * DAY;
            let ids: Vec<String> = (0..1024)
                .map(|i| format!("cliente-{:08}", i * (n / 1024).max(1)))
                .collect();
            while !stop.load(Ordering::Acquire) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let id = &ids[(x % ids.len() as u64) as usize];
                ms += 1;
                let event = buy(id, ms);
                let t = Instant::now();
                engine.apply(&event).unwrap();
                let wait = t.elapsed();
                if measuring.load(Ordering::Acquire) {
                    waits.push(wait);
                }
            }
            waits
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    measuring.store(true, Ordering::Release);
    let t = Instant::now();
    let snap = engine.snapshot();
    let took = t.elapsed();
    measuring.store(false, Ordering::Release);
    let peak = PEAK.load(Ordering::Relaxed) - before;
    stop.store(true, Ordering::Release);
    let mut waits = writer.join().unwrap();
    waits.sort();
    let p99 = waits[waits.len() * 99 / 100];
    let max = *waits.last().unwrap();
    println!(
        "snapshot: {:.2} s, {:.1} MiB; {} applies on another thread meanwhile, \
         longest wait {:.3} ms, p99 {:.4} ms; peak memory beyond the engine {:.1} MiB = {:.2}x the snapshot",
        took.as_secs_f64(),
        mib(snap.len()),
        waits.len(),
        max.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        mib(peak),
        peak as f64 / snap.len() as f64,
    );
    let t = Instant::now();
    let restored = Engine::restore(&snap).unwrap();
    println!(
        "restore: {:.2} s, {} customers",
        t.elapsed().as_secs_f64(),
        restored.len()
    );
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
    println!(
        "tick_counts: {:.2} s, {evaluated} evaluated, {moved} moved, peak memory beyond the states {:.1} MiB",
        t.elapsed().as_secs_f64(),
        mib(PEAK.load(Ordering::Relaxed).saturating_sub(before)),
    );
    drop(engine);
    let engine = engine_of(m);
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let t = Instant::now();
    let report = engine.tick(now);
    println!(
        "tick (full report): {:.2} s, {} moves, peak memory beyond the states {:.1} MiB",
        t.elapsed().as_secs_f64(),
        report.moves.len(),
        mib(PEAK.load(Ordering::Relaxed).saturating_sub(before)),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this with
    // tiny sizes so it stays compiled and working.
    let quick = !std::env::args().any(|a| a == "--bench");
    let (n, m) = if quick {
        (2_000, 2_000)
    } else {
        (
            size("CICLO_BENCH_CUSTOMERS", 1_000_000),
            size("CICLO_BENCH_TICK_CUSTOMERS", 10_000_000),
        )
    };
    snapshot_under_load(n);
    tick_at_scale(m);
}
