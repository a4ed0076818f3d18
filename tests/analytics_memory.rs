//! RFM's memory follows the (customer, currency) pairs present in the data,
//! not customers × currencies: a counting allocator measures the peak bytes
//! live while `rfm::rfm` runs over many customers who each buy in one of many
//! currencies.
//!
//! Its own test binary, because the global allocator counts every thread of
//! the binary: the test runs alone.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use ciclo::analytics::rfm;
use ciclo::analytics::transactions::{Amount, Transaction, Transactions};
use ciclo::model::{Currency, Timestamp};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let live = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
        PEAK.fetch_max(live, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The `n`-th of the 26^3 three-letter codes.
fn code(n: usize) -> Currency {
    let letter = |k: usize| char::from(b'A' + (k % 26) as u8);
    let text: String = [letter(n / 676), letter(n / 26), letter(n)]
        .into_iter()
        .collect();
    Currency::parse(&text, "currency").unwrap()
}

#[test]
fn rfm_memory_follows_the_pairs_present() {
    const CUSTOMERS: usize = 40_000;
    const CURRENCIES: usize = 2_000;
    let day = |d: i64| Timestamp::from_millis(d * 86_400_000, "at").unwrap();
    let mut set = Transactions::default();
    let names: Vec<String> = (0..CUSTOMERS).map(|c| format!("c{c}")).collect();
    for (c, name) in names.iter().enumerate() {
        // Two lines each, in the customer's one currency.
        for k in 0..2 {
            set.push(&Transaction {
                customer: name,
                at: day(14_000 + (c % 300) as i64 + k),
                amount: Amount::from_minor(100 + c as i64, 2, code(c % CURRENCIES)),
                order: None,
                product: None,
                category: None,
                quantity: 1,
            });
        }
    }
    assert_eq!(set.currencies().len(), CURRENCIES);
    assert_eq!(set.currencies()[1], code(1));
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let tables = rfm::rfm(&set, day(15_000));
    let used = PEAK.load(Ordering::Relaxed) - before;
    assert_eq!(tables.len(), CURRENCIES);
    assert_eq!(
        tables.iter().map(|t| t.rows.len()).sum::<usize>(),
        CUSTOMERS
    );
    assert!(tables
        .iter()
        .enumerate()
        .all(|(i, t)| t.currency == code(i) && t.rows.iter().all(|r| r.frequency == 2)));
    // customers × currencies × 4 bytes would be 320 MB; the pairs present
    // (one per customer, two lines each) take a few MB (6.3 MB measured: the
    // rows, the distinct-order keys, the scores).
    assert!(
        used < 32 << 20,
        "rfm used {used} bytes at its peak for {} lines",
        set.len()
    );
}
