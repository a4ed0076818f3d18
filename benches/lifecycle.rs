//! Events applied per second on the default preset, through the Rust API and the C
//! ABI struct path, and memory per tracked customer.
//!
//! Run: `cargo bench --bench lifecycle`. The stream is `ciclo::sample::events` (a
//! year of a Spanish-language retailer's CRM events), applied in time order to a
//! fresh engine per iteration. Memory is measured with a counting allocator: bytes
//! live after loading the stream into an engine, divided by customers.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::CString;
use std::hint::black_box;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

use ciclo::ffi::engine::{ciclo_engine_apply, ciclo_engine_free, ciclo_engine_new};
use ciclo::ffi::event::{
    ciclo_attribute, ciclo_event, ciclo_outcome, CICLO_ATTRIBUTE_BOOL, CICLO_ATTRIBUTE_INTEGER,
    CICLO_ATTRIBUTE_NUMBER, CICLO_ATTRIBUTE_TEXT, CICLO_EVENT_KIND_CUSTOM,
};
use ciclo::lifecycle::{CustomerState, StageModel};
use ciclo::model::{AttrValue, Event, EventKind};
use ciclo::Engine;
use criterion::{criterion_group, BatchSize, Criterion, Throughput};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Customers in the streams: 1,000 (every state stays in the CPU caches: the
/// compute cost) and 20,000 (states spread over ~10 MB: each event also pays for
/// fetching its customer's state from memory).
const SIZES: [usize; 2] = [1_000, 20_000];
const SEED: u64 = 7;

/// The C view of the sample stream; the CStrings and attribute arrays must
/// outlive the structs.
struct CEvents {
    _strings: Vec<CString>,
    _attributes: Vec<Vec<ciclo_attribute>>,
    events: Vec<ciclo_event>,
}

fn c_events(events: &[Event]) -> CEvents {
    let mut strings = Vec::new();
    let mut keep = |s: &str| {
        let c = CString::new(s).unwrap();
        let p = c.as_ptr();
        strings.push(c);
        p
    };
    let mut attributes: Vec<Vec<ciclo_attribute>> = Vec::new();
    let events = events
        .iter()
        .map(|e| {
            // The attributes, typed as the JSON event carries them.
            let list: Vec<ciclo_attribute> = e
                .attributes
                .iter()
                .map(|(k, v)| {
                    let mut a = ciclo_attribute {
                        key: keep(k),
                        text: ptr::null(),
                        integer: 0,
                        number: 0.0,
                        kind: CICLO_ATTRIBUTE_TEXT,
                    };
                    match v {
                        AttrValue::Text(t) => a.text = keep(t),
                        AttrValue::Integer(i) => {
                            (a.kind, a.integer) = (CICLO_ATTRIBUTE_INTEGER, *i)
                        }
                        AttrValue::Number(n) => (a.kind, a.number) = (CICLO_ATTRIBUTE_NUMBER, *n),
                        AttrValue::Bool(b) => {
                            (a.kind, a.integer) = (CICLO_ATTRIBUTE_BOOL, i64::from(*b))
                        }
                    }
                    a
                })
                .collect();
            // The vector's buffer does not move when the vector is moved.
            let (list_ptr, count) = (list.as_ptr(), list.len());
            attributes.push(list);
            let (kind, custom) = match &e.kind {
                EventKind::Builtin(b) => (*b as u32, ptr::null()),
                EventKind::Custom(n) => (CICLO_EVENT_KIND_CUSTOM, keep(n)),
            };
            ciclo_event {
                customer_id: keep(&e.customer),
                event_id: e.id.as_deref().map_or(ptr::null(), &mut keep),
                at_ms: e.at.as_millis(),
                kind,
                custom_kind: custom,
                amount_minor: e.amount.map_or(0, |m| m.minor),
                currency: e.amount.map_or(ptr::null(), |m| keep(m.currency.as_str())),
                category: e.category.as_deref().map_or(ptr::null(), &mut keep),
                reason: e.reason.as_deref().map_or(ptr::null(), &mut keep),
                score: e.score.unwrap_or(0.0),
                has_score: u8::from(e.score.is_some()),
                quantity: e.quantity.unwrap_or(0.0),
                has_quantity: u8::from(e.quantity.is_some()),
                attributes: if count == 0 { ptr::null() } else { list_ptr },
                attribute_count: count,
            }
        })
        .collect();
    CEvents {
        _strings: strings,
        _attributes: attributes,
        events,
    }
}

/// The sample stream, re-allocated in time order: a host applies events it has just
/// received, so their strings are hot and adjacent, not scattered over the heap by
/// the generator (which builds each customer's events together, then sorts).
fn stream(customers: usize) -> Vec<Event> {
    ciclo::sample::events(customers, SEED).to_vec()
}

fn apply(c: &mut Criterion) {
    for customers in SIZES {
        apply_stream(c, customers);
    }
}

fn apply_stream(c: &mut Criterion, customers: usize) {
    let events = stream(customers);
    let mut group = c.benchmark_group(format!("apply_{customers}_customers"));
    group.throughput(Throughput::Elements(events.len() as u64));
    group.sample_size(10);

    group.bench_function("rust_engine", |b| {
        b.iter_batched(
            || Engine::new(StageModel::six_stage()),
            |engine| {
                for e in &events {
                    black_box(engine.apply(e).unwrap());
                }
                engine
            },
            BatchSize::PerIteration,
        )
    });

    group.bench_function("rust_pure_step", |b| {
        let model = StageModel::six_stage();
        // The host keeps the states; here a vector indexed by customer number.
        let index: Vec<usize> = events
            .iter()
            .map(|e| e.customer[3..].parse::<usize>().unwrap())
            .collect();
        let max = index.iter().max().copied().unwrap_or(0) + 1;
        b.iter_batched(
            || vec![None::<CustomerState>; max],
            |mut states| {
                for (e, &i) in events.iter().zip(&index) {
                    match &mut states[i] {
                        Some(s) => {
                            black_box(s.apply(&model, e).unwrap());
                        }
                        slot @ None => *slot = Some(CustomerState::start(&model, e).unwrap().0),
                    }
                }
                states
            },
            BatchSize::PerIteration,
        )
    });

    let cev = c_events(&events);
    group.bench_function("c_struct", |b| {
        b.iter_batched(
            || {
                let mut engine = ptr::null_mut();
                assert_eq!(unsafe { ciclo_engine_new(ptr::null(), &mut engine) }, 0);
                engine
            },
            |engine| {
                let mut out = ciclo_outcome::default();
                for e in &cev.events {
                    let status = unsafe { ciclo_engine_apply(engine, e, &mut out) };
                    assert_eq!(status, 0);
                }
                unsafe { ciclo_engine_free(engine) };
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn memory_report() {
    let customers = SIZES[1];
    let events = stream(customers);
    let before = LIVE.load(Ordering::Relaxed);
    let engine = Engine::new(StageModel::six_stage());
    for e in &events {
        engine.apply(e).unwrap();
    }
    for t in ciclo::sample::tick_times() {
        engine.tick(t);
    }
    let after = LIVE.load(Ordering::Relaxed);
    let n = engine.len();
    let transitions: usize = {
        let mut t = 0;
        engine.for_each(|_, s| t += s.history().len());
        t
    };
    println!(
        "memory: {n} customers, {} events, {transitions} history entries: {} bytes live \
         ({:.0} bytes per customer, allocator-counted, map table included; engine estimate {:.0})",
        events.len(),
        after - before,
        (after - before) as f64 / n as f64,
        engine.memory_bytes() as f64 / n as f64,
    );
    drop(engine);
}

criterion_group!(benches, apply);

fn main() {
    memory_report();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
