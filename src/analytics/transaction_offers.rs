//! Next best offers from a transactions file: product affinities learned
//! from the file's own purchases, and each customer's top products not yet
//! bought.
//!
//! [`basket_lines`] turns the purchases before an as-of date that name a
//! product into [`BasketLine`]s: the order is the line's order id, or, for a
//! line without one, the customer's purchases of that day (as RFM counts
//! frequency). Returns and cancellations are not purchases
//! ([`Transactions::purchases_before`]), and service or charge lines
//! (postage, fees, discounts, vouchers: [`Transactions::is_not_product`],
//! see [`super::not_product`]) are not products: they are never offered and
//! feed no affinity, though RFM and cohorts count their money. [`next_best_offers`] learns an
//! [`AffinityModel`] from them ([`AffinityModel::learn`]) as of the date,
//! and ranks for every customer with a product history the products they
//! have not bought ([`AffinityModel::recommend`]); [`reason`] says why in
//! words.
//!
//! ```
//! use ciclo::analytics::transaction_offers::{next_best_offers, reason};
//! use ciclo::analytics::transactions::{Amount, Transaction, Transactions};
//! use ciclo::model::{Currency, Timestamp};
//!
//! let usd = Currency::parse("USD", "currency")?;
//! let mut set = Transactions::default();
//! for (customer, order, product) in [("a", "1", "mate"), ("a", "1", "yerba"),
//!                                    ("b", "2", "mate"), ("b", "2", "yerba"),
//!                                    ("c", "3", "mate")] {
//!     set.push(&Transaction {
//!         customer,
//!         at: Timestamp::parse("2026-03-02T10:00:00Z", "at")?,
//!         amount: Amount::from_minor(500, 2, usd),
//!         order: Some(order),
//!         product: Some(product),
//!         category: None,
//!         quantity: 1,
//!     });
//! }
//! let as_of = Timestamp::parse("2026-03-03T00:00:00Z", "as_of")?;
//! let offers = next_best_offers(&set, as_of, 10)?;
//! let c = &offers.customers[2];
//! assert_eq!(set.customers().name(c.customer), "c");
//! assert_eq!(set.products().name(c.offers[0].product), "yerba");
//! assert_eq!(
//!     reason(&set, &c.offers[0]),
//!     "bought mate; together in 2 orders: lift 1.0, confidence 0.67"
//! );
//! # Ok::<(), ciclo::Error>(())
//! ```

use std::collections::HashMap;

use crate::error::Result;
use crate::model::Timestamp;

use super::affinity::{
    AffinityKind, AffinityModel, AffinityOptions, BasketLine, HistoryItem, Offer, OfferReason,
    RecommendOptions,
};
use super::transactions::Transactions;

/// The purchases strictly before `as_of` that name a product and are not
/// marked as service or charge lines ([`Transactions::is_not_product`]), as
/// basket lines: customer, product and category ids are the set's
/// ([`Transactions::customers`], [`Transactions::products`],
/// [`Transactions::categories`]); the order is the line's order id, or a
/// number of its own for each (customer, day) of the lines without one.
pub fn basket_lines(tx: &Transactions, as_of: Timestamp) -> Vec<BasketLine> {
    let (customer_col, at_col) = (tx.customer_column(), tx.at_column());
    // Orders of lines without an order id: after the set's order ids.
    let mut day_orders: HashMap<(u32, i64), u32, foldhash::fast::FixedState> = HashMap::default();
    let first_day_order = tx.order_count();
    let mut lines = Vec::new();
    for i in tx.purchases_before(as_of) {
        let Some(product) = tx.product_of(i) else {
            continue;
        };
        if tx.is_not_product(i) {
            continue;
        }
        let customer = customer_col[i];
        let order = match tx.order_of(i) {
            Some(order) => order,
            None => {
                let next = first_day_order.saturating_add(day_orders.len() as u32);
                *day_orders
                    .entry((customer, at_col[i].epoch_day()))
                    .or_insert(next)
            }
        };
        lines.push(BasketLine {
            customer,
            order,
            at: at_col[i],
            product,
            category: tx.category_of(i),
        });
    }
    lines
}

/// One customer's offers, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerOffers {
    /// The customer (an id of [`Transactions::customers`]).
    pub customer: u32,
    /// The products (ids of [`Transactions::products`]) with score and reason.
    pub offers: Vec<Offer>,
}

/// The affinities learned and every customer's offers.
#[derive(Clone, Debug)]
pub struct NextBestOffers {
    /// The model learned from the purchases before the as-of date.
    pub model: AffinityModel,
    /// Every customer with a product bought before the as-of date, in order
    /// of first appearance in the set.
    pub customers: Vec<CustomerOffers>,
}

/// Learns affinities from the purchases before `as_of` that are products
/// ([`basket_lines`])
/// ([`AffinityOptions::default`], ages measured at `as_of`) and ranks, for
/// every customer with a product bought before it, the `n` best products they
/// have not bought ([`RecommendOptions::new`] at `as_of`): those the
/// affinities point to, then the most popular ones. A set without products
/// gives no customers. The customers are ranked on up to 8 threads (the
/// cores available); the result does not depend on how many.
///
/// # Errors
///
/// None with the default options; the signature leaves room for
/// [`AffinityModel::learn`]'s checks.
pub fn next_best_offers(tx: &Transactions, as_of: Timestamp, n: usize) -> Result<NextBestOffers> {
    let mut lines = basket_lines(tx, as_of);
    let options = AffinityOptions {
        as_of: Some(as_of),
        ..AffinityOptions::default()
    };
    let model = AffinityModel::learn(&lines, &options)?;
    // Each customer's products with their last purchase, as ranges of one
    // list.
    lines.sort_unstable_by_key(|l| (l.customer, l.product, l.at));
    let mut history: Vec<HistoryItem> = Vec::new();
    let mut ranges: Vec<(u32, std::ops::Range<usize>)> = Vec::new();
    let mut k = 0;
    while k < lines.len() {
        let (customer, start) = (lines[k].customer, history.len());
        while k < lines.len() && lines[k].customer == customer {
            let line = lines[k];
            match history[start..].last_mut() {
                Some(h) if h.product == line.product => h.last = line.at,
                _ => history.push(HistoryItem {
                    product: line.product,
                    last: line.at,
                }),
            }
            k += 1;
        }
        ranges.push((customer, start..history.len()));
    }
    drop(lines);
    // Customers are independent: rank them on every core, handing out
    // blocks of customers in turn (histories are longer for the first
    // customers of a file), and keep their order.
    let recommend = RecommendOptions::new(n, as_of);
    // Customers handed to a thread at a time.
    const BLOCK: usize = 64;
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .clamp(1, 8)
        .min(ranges.len().div_ceil(BLOCK));
    if threads <= 1 {
        // One core, or one block: rank here, no thread.
        let customers = ranges
            .iter()
            .map(|(customer, range)| CustomerOffers {
                customer: *customer,
                offers: model.recommend(&history[range.clone()], &recommend),
            })
            .collect();
        return Ok(NextBestOffers { model, customers });
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (model_ref, history_ref, ranges_ref, next) = (&model, &history, &ranges, &next);
    let mut blocks: Vec<(usize, Vec<CustomerOffers>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let from = next.fetch_add(BLOCK, std::sync::atomic::Ordering::Relaxed);
                        if from >= ranges_ref.len() {
                            break done;
                        }
                        let block = ranges_ref[from..(from + BLOCK).min(ranges_ref.len())]
                            .iter()
                            .map(|(customer, range)| CustomerOffers {
                                customer: *customer,
                                offers: model_ref
                                    .recommend(&history_ref[range.clone()], &recommend),
                            })
                            .collect();
                        done.push((from, block));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("ranking does not panic"))
            .collect()
    });
    blocks.sort_unstable_by_key(|b| b.0);
    let customers: Vec<CustomerOffers> = blocks.into_iter().flat_map(|b| b.1).collect();
    Ok(NextBestOffers { model, customers })
}

/// Why a product is offered, for people:
///
/// - `bought 85123A; together in 57 orders: lift 3.2, confidence 0.41`: the
///   customer bought 85123A, and the product was in the same order as
///   85123A in 57 orders, 41% of 85123A's orders, 3.2 times its share of
///   all orders;
/// - `bought 85123A; later, by 31 customers: lift 2.1, confidence 0.20`:
///   31 customers bought it in a later order after 85123A, 20% of
///   85123A's buyers;
/// - `popular: in 1234 orders (4.1% of all)`: no affinity of the
///   customer's products points to it.
pub fn reason(tx: &Transactions, offer: &Offer) -> String {
    match offer.reason {
        OfferReason::Affinity(a) => {
            let from = tx.products().name(a.from);
            match a.kind {
                AffinityKind::Together => format!(
                    "bought {from}; together in {} order{}: lift {:.1}, confidence {:.2}",
                    a.support,
                    if a.support == 1 { "" } else { "s" },
                    a.lift,
                    a.confidence
                ),
                AffinityKind::Later => format!(
                    "bought {from}; later, by {} customer{}: lift {:.1}, confidence {:.2}",
                    a.support,
                    if a.support == 1 { "" } else { "s" },
                    a.lift,
                    a.confidence
                ),
            }
        }
        OfferReason::Popular { orders, share } => format!(
            "popular: in {orders} order{} ({:.1}% of all)",
            if orders == 1 { "" } else { "s" },
            share * 100.0
        ),
    }
}
