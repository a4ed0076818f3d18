//! Listing what an engine holds, a page at a time: how long walking every
//! customer id and every golden id takes, in pages of 1,000.
//!
//! Run: `cargo bench --bench listing` (sizes through `CICLO_BENCH_CUSTOMERS`,
//! default 1,000,000 and a tenth of it, and `CICLO_BENCH_GOLDEN_CUSTOMERS`,
//! default 200,000).
//!
//! 1. **Customer ids.** Engines of N/10 and N customers (one visit each,
//!    ids of 9 to 16 bytes in no order): a whole walk through
//!    `Engine::customers_page` and through the C ABI's
//!    `ciclo_engine_list_customers_json` (the JSON built, parsed by nobody,
//!    freed), five walks each after a first page that orders the ids; the time
//!    per id at N/10 and at N shows the walk linear. Also the slowest page.
//! 2. **Golden ids.** K records ingested (distinct people): a whole walk of
//!    `Engine::golden_ids_page` and of every customer's source records.

use std::ffi::{c_char, CStr, CString};
use std::time::{Duration, Instant};

use ciclo::engine::Page;
use ciclo::ffi::engine::{ciclo_engine, ciclo_engine_free, ciclo_engine_new};
use ciclo::ffi::listing::ciclo_engine_list_customers_json;
use ciclo::ffi::memory::ciclo_string_free;
use ciclo::ffi::status::CICLO_STATUS_OK;
use ciclo::lifecycle::StageModel;
use ciclo::model::{BuiltinKind, Event, Timestamp};
use ciclo::Engine;

const PAGE: usize = 1_000;
const T0: i64 = 1_767_225_600_000;

fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn at(ms: i64) -> Timestamp {
    Timestamp::from_millis(ms, "at").unwrap()
}

/// Ids in no order: `c-` and a scrambled number.
fn id(i: usize) -> String {
    format!("c-{}", (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 24)
}

/// What a walk took: items, pages, the slowest page, and the time in the
/// library's calls.
type Walked = (usize, usize, Duration, Duration);

/// A whole walk.
fn walk<T>(mut page: impl FnMut(Option<&str>) -> Page<T>) -> Walked {
    let (mut items, mut pages, mut slowest, mut total) = (0, 0, Duration::ZERO, Duration::ZERO);
    let mut cursor: Option<String> = None;
    loop {
        let t = Instant::now();
        let p = page(cursor.as_deref());
        let took = t.elapsed();
        (slowest, total) = (slowest.max(took), total + took);
        items += p.items.len();
        pages += 1;
        match p.next_cursor {
            Some(next) => cursor = Some(next),
            None => return (items, pages, slowest, total),
        }
    }
}

/// The same walk through the C ABI; the host's parsing of the JSON (to read
/// the cursor, as a host would) is not counted.
fn c_walk(engine: *const ciclo_engine) -> Walked {
    let (mut items, mut pages, mut slowest, mut total) = (0, 0, Duration::ZERO, Duration::ZERO);
    let mut cursor: Option<CString> = None;
    loop {
        let mut out: *mut c_char = std::ptr::null_mut();
        let t = Instant::now();
        let status = unsafe {
            ciclo_engine_list_customers_json(
                engine,
                cursor.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
                PAGE as u32,
                &mut out,
            )
        };
        let took = t.elapsed();
        (slowest, total) = (slowest.max(took), total + took);
        assert_eq!(status, CICLO_STATUS_OK);
        pages += 1;
        let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap();
        let page: serde_json::Value = serde_json::from_str(text).unwrap();
        items += page["items"].as_array().unwrap().len();
        let next = page["next_cursor"]
            .as_str()
            .map(|c| CString::new(c).unwrap());
        unsafe { ciclo_string_free(out) };
        match next {
            Some(c) => cursor = Some(c),
            None => return (items, pages, slowest, total),
        }
    }
}

/// Median and range over `runs` walks.
fn report(what: &str, runs: usize, mut f: impl FnMut() -> Walked) {
    let mut times = Vec::new();
    let (mut items, mut pages, mut slowest) = (0, 0, Duration::ZERO);
    for _ in 0..runs {
        let (i, p, s, total) = f();
        times.push(total);
        (items, pages) = (i, p);
        slowest = slowest.max(s);
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "{what}: {items} items in {pages} pages of {PAGE}: median {:.1} ms (range {:.1} - {:.1}), \
         {:.0} ns per item, slowest page {:.2} ms",
        median.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e9 / items.max(1) as f64,
        slowest.as_secs_f64() * 1e3,
    );
}

fn customers(n: usize) {
    let mut handle: *mut ciclo_engine = std::ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_new(std::ptr::null(), &mut handle) },
        CICLO_STATUS_OK
    );
    // The C handle's engine and a Rust one, with the same customers.
    let engine = Engine::new(StageModel::six_stage());
    let started = Instant::now();
    for i in 0..n {
        engine
            .apply(&Event::new(id(i), at(T0), BuiltinKind::Visit))
            .unwrap();
    }
    let created = started.elapsed();
    let line = |i: usize| {
        CString::new(format!(
            r#"{{"customer": "{}", "at": "2026-01-01T00:00:00Z", "kind": "visit"}}"#,
            id(i)
        ))
        .unwrap()
    };
    for i in 0..n {
        let event = line(i);
        let status = unsafe {
            ciclo::ffi::engine::ciclo_engine_apply_json(
                handle,
                event.as_ptr(),
                std::ptr::null_mut(),
            )
        };
        assert_eq!(status, CICLO_STATUS_OK);
    }
    println!(
        "{n} customers created in {:.2} s ({:.0} ns each)",
        created.as_secs_f64(),
        created.as_secs_f64() * 1e9 / n as f64
    );
    // The first page orders each shard's ids (kept up to date from then on).
    let t = Instant::now();
    engine.customers_page(None, PAGE).unwrap();
    println!(
        "first page of {n} customers (orders the ids): {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    report(&format!("Engine::customers_page, {n} customers"), 5, || {
        walk(|after| engine.customers_page(after, PAGE).unwrap())
    });
    let t = Instant::now();
    c_walk(handle);
    println!(
        "first C walk of {n} customers (orders the ids): {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    report(
        &format!("ciclo_engine_list_customers_json, {n} customers"),
        5,
        || c_walk(handle),
    );
    unsafe { ciclo_engine_free(handle) };
}

fn goldens(k: usize) {
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
    for i in 0..k {
        let record = Record {
            given_name: Some(format!("X{}", word(i))),
            surname: Some(format!("Z{}", word(i.wrapping_mul(7919) % 1_000_003))),
            email: Some(format!("{}.{i}@ejemplo.com.ar", word(i))),
            ..Record::default()
        };
        let key = SourceKey::new("crm", &i.to_string()).unwrap();
        engine.ingest(key, at(T0), record).unwrap();
    }
    println!(
        "{k} records ingested in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    report(
        &format!("Engine::golden_ids_page, {k} golden ids"),
        5,
        || walk(|after| engine.golden_ids_page(after, PAGE).unwrap()),
    );
    let ids: Vec<_> = engine.with_registry(|r| r.golden_ids().collect());
    report(
        &format!("Engine::golden_sources_page, each of {k} customers"),
        3,
        || {
            let mut all = (0, 0, Duration::ZERO, Duration::ZERO);
            for &g in &ids {
                let (items, pages, slowest, total) =
                    walk(|after| engine.golden_sources_page(g, after, PAGE).unwrap().1);
                all = (
                    all.0 + items,
                    all.1 + pages,
                    all.2.max(slowest),
                    all.3 + total,
                );
            }
            all
        },
    );
}

fn main() {
    let only = std::env::var("CICLO_BENCH_ONLY").unwrap_or_default();
    let wants = |part: &str| only.is_empty() || only.split(',').any(|p| p == part);
    let n = size("CICLO_BENCH_CUSTOMERS", 1_000_000);
    if wants("customers") {
        customers(n / 10);
        customers(n);
    }
    if wants("golden") {
        goldens(size("CICLO_BENCH_GOLDEN_CUSTOMERS", 200_000));
    }
}
