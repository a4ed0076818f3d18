//! RFM over the engine's customers: recency, frequency and monetary scores
//! 1–5 and the named segments of [`crate::analytics::rfm`], per currency, as
//! of a moment, from the purchase totals each customer's state keeps.
//!
//! The scoring is [`rfm::score`]'s (quintiles of the ranks, 5 best); this
//! module only reads the states (in one pass, each state fetched ahead of
//! its turn), groups them by currency, orders the ties and pages the answer.

use std::collections::HashMap;
use std::hash::BuildHasher;

use super::Engine;
use crate::analytics::rfm::{self, RfmInput, RfmScore, Segment};
use crate::error::{Error, Result};
use crate::model::money::Currency;
use crate::model::time::{Timestamp, MS_PER_DAY};

/// Customers per page of [`Engine::rfm`] when the caller names no limit.
pub const RFM_DEFAULT_LIMIT: usize = 1000;

/// What [`Engine::rfm`] scores and which page it returns.
#[derive(Clone, Debug, PartialEq)]
pub struct RfmOptions {
    /// The moment of the scores: every purchase counted must come before it.
    /// `None`: the start of the UTC day after the latest moment the engine
    /// knows (its latest tick or event), so that every purchase counts.
    pub as_of: Option<Timestamp>,
    /// The cursor of the page (`None`: the first page); see
    /// [`Engine::customers_page`].
    pub cursor: Option<String>,
    /// Customers of the listing a page covers, 1 to
    /// [`super::MAX_PAGE`].
    pub limit: usize,
}

impl Default for RfmOptions {
    /// As of the day after the latest moment, first page of
    /// [`RFM_DEFAULT_LIMIT`] customers.
    fn default() -> RfmOptions {
        RfmOptions {
            as_of: None,
            cursor: None,
            limit: RFM_DEFAULT_LIMIT,
        }
    }
}

/// Customers of one segment in one currency, and what they spent.
#[derive(Clone, Debug, PartialEq)]
pub struct RfmSegmentCount {
    /// The segment.
    pub segment: Segment,
    /// Customers in it.
    pub customers: u64,
    /// Their total spend, minor units of the currency.
    pub monetary: i64,
}

/// The RFM of one currency's customers: how many, and per segment.
#[derive(Clone, Debug, PartialEq)]
pub struct RfmCurrency {
    /// The currency.
    pub currency: Currency,
    /// Customers who bought in it before `as_of`.
    pub customers: u64,
    /// Every segment (all of [`Segment::ALL`], best first, zeros included).
    pub segments: Vec<RfmSegmentCount>,
}

/// One customer's RFM in one currency.
#[derive(Clone, Debug, PartialEq)]
pub struct RfmCustomer {
    /// The customer.
    pub customer: String,
    /// The currency (a customer paying in two has a row in each).
    pub currency: Currency,
    /// Whole days from the day of the latest purchase (in any currency) to
    /// the day of `as_of` (0: the same day).
    pub recency_days: i64,
    /// Purchases paid in the currency.
    pub frequency: u64,
    /// Purchase and renewal revenue in the currency, minor units.
    pub monetary: i64,
    /// R, F and M 1–5 among the currency's customers, and the segment.
    pub score: RfmScore,
}

/// [`Engine::rfm`]: the counts of the whole base and one page of customers.
#[derive(Clone, Debug, PartialEq)]
pub struct RfmPage {
    /// The moment of the scores (`None` for an engine that has seen no
    /// event and was given no `as_of`).
    pub as_of: Option<Timestamp>,
    /// Every currency with a purchase, by code.
    pub currencies: Vec<RfmCurrency>,
    /// The page's customers who bought before `as_of`, in the order of the
    /// customer listing, a row per currency (by code).
    pub customers: Vec<RfmCustomer>,
    /// The cursor of the next page; `None` after the last.
    pub next_cursor: Option<String>,
}

/// One customer's totals in one currency, before scoring.
#[derive(Clone, Copy)]
struct Raw {
    /// The tie-break: first purchase, then the id's hash.
    first: i64,
    hash: u64,
    last: i64,
    monetary: i64,
    frequency: u32,
    /// The customer's place in the page asked for; `u32::MAX` outside it.
    page: u32,
}

/// The order of ties: a hash of the id fixed across engines and restores.
fn id_hash(id: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0x5246_4d5f_7469_6573).hash_one(id)
}

impl Engine {
    /// RFM of the engine's customers as of a moment, per currency: each
    /// customer with a purchase before `options.as_of` gets recency,
    /// frequency and monetary scores 1–5 (quintiles of the ranks among the
    /// currency's customers, 5 best) and a named segment (definitions in
    /// [`crate::analytics::rfm`]); the answer holds the counts and spend per
    /// segment of the whole base, and one page of customers.
    ///
    /// From the totals each state keeps: recency counts from the latest
    /// purchase in any currency; frequency counts purchases (not distinct
    /// orders: the engine does not keep order ids in the totals), and
    /// monetary is purchase and renewal revenue, per currency. Ties rank by
    /// first purchase, earlier first, then by a fixed hash of the id, so
    /// the same base scores the same way in every engine and restore.
    ///
    /// A page covers `options.limit` customers of the customer listing
    /// ([`Engine::customers_page`], whose cursor it returns): rows only for
    /// those who bought before `as_of`, so a page may hold fewer rows than
    /// the limit (even none) and still name a next page. Every page scores
    /// the whole base again (one pass over the states, then radix sorts of
    /// each currency's buyers; see BENCHMARKS.md): the counts are in every
    /// page. An empty base (or one without purchases) gives no currency
    /// and no row, not an error. Thread-safe; shards are read one after
    /// another, each at its own moment. The page is listed first and its
    /// rows are taken, by id, in the same pass as the scores: a customer
    /// the listing named and the pass found has its row, whatever a merge
    /// running meanwhile changed (a customer it retired has none).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `as_of` when a customer's latest
    /// purchase is not before it (the states keep running totals, not every
    /// purchase: a moment before a purchase cannot be scored), or `limit`
    /// outside 1 to [`super::MAX_PAGE`]. A cursor is a position in the
    /// listing's order: any string is one.
    pub fn rfm(&self, options: &RfmOptions) -> Result<RfmPage> {
        if !(1..=super::MAX_PAGE).contains(&options.limit) {
            return Err(Error::invalid(
                "limit",
                format!(
                    "{} customers; a page covers 1 to {}",
                    options.limit,
                    super::MAX_PAGE
                ),
            ));
        }
        // The page first: its rows are taken in the one pass that scores,
        // by id, so that what a merge changes meanwhile (a first purchase
        // moved earlier, a customer retired) cannot leave a row out.
        let page = self.customers_page(options.cursor.as_deref(), options.limit)?;
        // Each listed customer's place in the page by id hash (the first
        // place of a hash; ids sharing one are told apart below).
        let mut page_places: HashMap<u64, u32, foldhash::fast::FixedState> = HashMap::default();
        for (i, id) in page.items.iter().enumerate() {
            page_places.entry(id_hash(id)).or_insert(i as u32);
        }
        // One pass: every buyer's totals per currency, and the latest moment.
        let tick = self.last_tick.load(std::sync::atomic::Ordering::Acquire);
        let mut latest = (tick != i64::MIN).then_some(tick);
        let mut by_currency: Vec<(Currency, Vec<Raw>)> = Vec::new();
        let mut latest_purchase: Option<(i64, String)> = None;
        let as_of_ms = options.as_of.map(|a| a.as_millis());
        let ahead = super::Ahead {
            purchases: true,
            ..super::Ahead::default()
        };
        self.walk(ahead, |id, state| {
            let w = state.watermark().as_millis();
            latest = Some(latest.map_or(w, |l| l.max(w)));
            let Some(p) = state.metrics().purchases.as_deref() else {
                return;
            };
            let (Some(first), Some(last)) = (p.first, p.last) else {
                return;
            };
            let last = last.as_millis();
            if let Some(as_of) = as_of_ms {
                if last >= as_of && latest_purchase.as_ref().is_none_or(|(l, _)| last > *l) {
                    latest_purchase = Some((last, id.to_string()));
                }
            }
            let hash = id_hash(id);
            let in_page = match page_places.get(&hash) {
                Some(&i) if page.items[i as usize] == id => i,
                // Another id with the same hash: look for this one.
                Some(_) => page
                    .items
                    .iter()
                    .position(|p| p == id)
                    .map_or(u32::MAX, |i| i as u32),
                None => u32::MAX,
            };
            let mut push = |currency: Currency, frequency: u32, monetary: i64| {
                let raw = Raw {
                    first: first.as_millis(),
                    hash,
                    last,
                    monetary,
                    frequency,
                    page: in_page,
                };
                // Currencies are few: the last one used is most likely.
                match by_currency.iter_mut().rev().find(|(c, _)| *c == currency) {
                    Some((_, v)) => v.push(raw),
                    None => by_currency.push((currency, vec![raw])),
                }
            };
            let others: u32 = p
                .other_currencies
                .iter()
                .fold(0u32, |sum, o| sum.saturating_add(o.purchases));
            if let Some(c) = p.currency {
                let own = p.count.saturating_sub(others);
                if own > 0 {
                    push(c, own, p.revenue);
                }
            }
            for o in p.other_currencies.iter() {
                if o.purchases > 0 {
                    push(o.currency, o.purchases, o.revenue);
                }
            }
        });
        if let Some((last, id)) = latest_purchase {
            let at = Timestamp::from_millis(last, "as_of")?;
            return Err(Error::invalid(
                "as_of",
                format!(
                    "`{}` bought at {}, not before as_of: the engine keeps purchase totals, \
                     so RFM is as of a moment after every purchase (omit as_of for the day \
                     after the latest)",
                    crate::model::time::clip(&id),
                    at.to_rfc3339()
                ),
            ));
        }
        let as_of = match options.as_of {
            Some(a) => Some(a),
            None => match latest {
                Some(l) => Some(Timestamp::from_millis(
                    (l.div_euclid(MS_PER_DAY) + 1) * MS_PER_DAY,
                    "as_of",
                )?),
                None => None,
            },
        };
        by_currency.sort_unstable_by_key(|(c, _)| *c);
        let as_of_day = as_of.map_or(0, |a| a.as_millis().div_euclid(MS_PER_DAY));
        // Segment → its place in `Segment::ALL`.
        let mut slot_of = [0usize; Segment::ALL.len()];
        for (i, s) in Segment::ALL.iter().enumerate() {
            slot_of[*s as usize] = i;
        }
        let mut currencies = Vec::with_capacity(by_currency.len());
        // (place in the page, row): sorted by place, currencies by code.
        let mut rows: Vec<(u32, RfmCustomer)> = Vec::new();
        for (currency, raws) in by_currency {
            // Ties rank by first purchase, then by the id's hash.
            let raws = by_tie_break(raws);
            let inputs: Vec<RfmInput> = raws
                .iter()
                .map(|r| RfmInput {
                    recency: as_of_day - r.last.div_euclid(MS_PER_DAY),
                    frequency: u64::from(r.frequency),
                    monetary: r.monetary,
                })
                .collect();
            let scores = rfm::score(&inputs);
            let mut segments: Vec<RfmSegmentCount> = Segment::ALL
                .iter()
                .map(|&segment| RfmSegmentCount {
                    segment,
                    customers: 0,
                    monetary: 0,
                })
                .collect();
            for ((input, score), raw) in inputs.iter().zip(&scores).zip(&raws) {
                let slot = &mut segments[slot_of[score.segment as usize]];
                slot.customers += 1;
                slot.monetary = slot.monetary.saturating_add(input.monetary);
                if raw.page != u32::MAX {
                    rows.push((
                        raw.page,
                        RfmCustomer {
                            customer: page.items[raw.page as usize].clone(),
                            currency,
                            recency_days: input.recency,
                            frequency: input.frequency,
                            monetary: input.monetary,
                            score: *score,
                        },
                    ));
                }
            }
            currencies.push(RfmCurrency {
                currency,
                customers: raws.len() as u64,
                segments,
            });
        }
        // Stable: within a customer, currencies stay by code.
        rows.sort_by_key(|(place, _)| *place);
        Ok(RfmPage {
            as_of,
            currencies,
            customers: rows.into_iter().map(|(_, row)| row).collect(),
            next_cursor: page.next_cursor,
        })
    }
}

/// `raws` by first purchase, then by the id's hash: a radix sort of the
/// first purchases ([`rfm::stable_order`]), then each run of equal first
/// purchases by hash.
fn by_tie_break(raws: Vec<Raw>) -> Vec<Raw> {
    let order = rfm::stable_order(raws.iter().map(|r| rfm::ordered(r.first)).collect());
    let mut sorted: Vec<Raw> = order.iter().map(|&i| raws[i as usize]).collect();
    for run in sorted.chunk_by_mut(|a, b| a.first == b.first) {
        if run.len() > 1 {
            run.sort_unstable_by_key(|r| r.hash);
        }
    }
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The radix order with runs sorted by hash is the order of sorting by
    /// (first purchase, hash), with many ties and first purchases at the
    /// ends of `i64`.
    #[test]
    fn tie_break_is_a_sort_by_first_then_hash() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let firsts = [
            i64::MIN,
            i64::MIN + 1,
            -86_400_000,
            -1,
            0,
            1,
            1_700_000_000_000,
            i64::MAX,
        ];
        let raws: Vec<Raw> = (0..5_000)
            .map(|_| Raw {
                first: firsts[(next() % firsts.len() as u64) as usize],
                hash: next() % 64,
                last: 0,
                monetary: 0,
                frequency: 0,
                page: u32::MAX,
            })
            .collect();
        let mut expected = raws.clone();
        expected.sort_by_key(|r| (r.first, r.hash));
        let got = by_tie_break(raws);
        let key = |r: &Raw| (r.first, r.hash);
        assert_eq!(
            got.iter().map(key).collect::<Vec<_>>(),
            expected.iter().map(key).collect::<Vec<_>>()
        );
    }
}
