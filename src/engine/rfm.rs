//! RFM over the engine's customers: recency, frequency and monetary scores
//! 1–5 and the named segments of [`crate::analytics::rfm`], per currency, as
//! of a moment, from the purchase totals each customer's state keeps.
//!
//! The scoring is [`rfm::score`]'s (quintiles of the ranks, 5 best); this
//! module only reads the states, groups them by currency, orders the ties
//! and pages the answer.

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
    key: (i64, u64),
    last: i64,
    frequency: u64,
    monetary: i64,
}

/// The order of ties: a hash of the id fixed across engines and restores.
fn id_hash(id: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0x5246_4d5f_7469_6573).hash_one(id)
}

/// The totals of a customer's purchases per currency: (currency, purchases,
/// revenue), the first currency first.
fn totals(p: &crate::lifecycle::metrics::Purchases) -> Vec<(Currency, u64, i64)> {
    let mut out = Vec::with_capacity(1 + p.other_currencies.len());
    let others: u64 = p.other_currencies.iter().map(|o| o.purchases as u64).sum();
    if let Some(c) = p.currency {
        let own = (p.count as u64).saturating_sub(others);
        if own > 0 {
            out.push((c, own, p.revenue));
        }
    }
    for o in p.other_currencies.iter() {
        if o.purchases > 0 {
            out.push((o.currency, o.purchases as u64, o.revenue));
        }
    }
    out
}

/// One currency's customers, ordered by the tie-break, and their scores.
struct Table {
    currency: Currency,
    raws: Vec<Raw>,
    scores: Vec<RfmScore>,
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
    /// the whole base again (linear in the customers, plus a sort of the
    /// buyers of each currency; see BENCHMARKS.md): the counts are in every
    /// page. An empty base (or one without purchases) gives no currency
    /// and no row, not an error. Thread-safe; shards are read one after
    /// another, each at its own moment.
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
        // One pass: every buyer's totals per currency, and the latest moment.
        let tick = self.last_tick.load(std::sync::atomic::Ordering::Acquire);
        let mut latest = (tick != i64::MIN).then_some(tick);
        let mut by_currency: Vec<(Currency, Vec<Raw>)> = Vec::new();
        let mut latest_purchase: Option<(i64, String)> = None;
        self.for_each(|id, state| {
            let w = state.watermark().as_millis();
            latest = Some(latest.map_or(w, |l| l.max(w)));
            let Some(p) = state.metrics().purchases.as_deref() else {
                return;
            };
            let (Some(first), Some(last)) = (p.first, p.last) else {
                return;
            };
            let last = last.as_millis();
            if let Some(as_of) = options.as_of {
                if last >= as_of.as_millis()
                    && latest_purchase.as_ref().is_none_or(|(l, _)| last > *l)
                {
                    latest_purchase = Some((last, id.to_string()));
                }
            }
            let key = (first.as_millis(), id_hash(id));
            for (currency, frequency, monetary) in totals(p) {
                let raw = Raw {
                    key,
                    last,
                    frequency,
                    monetary,
                };
                match by_currency.iter_mut().find(|(c, _)| *c == currency) {
                    Some((_, v)) => v.push(raw),
                    None => by_currency.push((currency, vec![raw])),
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
        let tables: Vec<Table> = by_currency
            .into_iter()
            .map(|(currency, mut raws)| {
                raws.sort_unstable_by_key(|r| r.key);
                let inputs: Vec<RfmInput> = raws
                    .iter()
                    .map(|r| RfmInput {
                        recency: as_of_day - r.last.div_euclid(MS_PER_DAY),
                        frequency: r.frequency,
                        monetary: r.monetary,
                    })
                    .collect();
                let scores = rfm::score(&inputs);
                Table {
                    currency,
                    raws,
                    scores,
                }
            })
            .collect();
        let currencies = tables
            .iter()
            .map(|t| {
                let mut segments: Vec<RfmSegmentCount> = Segment::ALL
                    .iter()
                    .map(|&segment| RfmSegmentCount {
                        segment,
                        customers: 0,
                        monetary: 0,
                    })
                    .collect();
                for (raw, score) in t.raws.iter().zip(&t.scores) {
                    let slot = &mut segments[Segment::ALL
                        .iter()
                        .position(|s| *s == score.segment)
                        .expect("every segment is in ALL")];
                    slot.customers += 1;
                    slot.monetary = slot.monetary.saturating_add(raw.monetary);
                }
                RfmCurrency {
                    currency: t.currency,
                    customers: t.raws.len() as u64,
                    segments,
                }
            })
            .collect();

        // The page: the listing's customers, found in the tables by key.
        let page = self.customers_page(options.cursor.as_deref(), options.limit)?;
        let mut customers = Vec::new();
        for id in page.items {
            let Ok(Some(first)) = self.with_customer(&id, |s| {
                s.metrics()
                    .purchases
                    .as_deref()
                    .and_then(|p| p.first)
                    .map(|f| f.as_millis())
            }) else {
                continue;
            };
            let key = (first, id_hash(&id));
            for t in &tables {
                if let Ok(i) = t.raws.binary_search_by_key(&key, |r| r.key) {
                    let raw = &t.raws[i];
                    customers.push(RfmCustomer {
                        customer: id.clone(),
                        currency: t.currency,
                        recency_days: as_of_day - raw.last.div_euclid(MS_PER_DAY),
                        frequency: raw.frequency,
                        monetary: raw.monetary,
                        score: t.scores[i],
                    });
                }
            }
        }
        Ok(RfmPage {
            as_of,
            currencies,
            customers,
            next_cursor: page.next_cursor,
        })
    }
}
