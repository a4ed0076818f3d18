//! Product affinity from purchase histories, and next best offers from it.
//!
//! [`AffinityModel::learn`] reads purchase lines (who bought which product in
//! which order, when) and learns two kinds of affinity between products:
//!
//! - **together**: `a` and `b` in the same order. Support is the number of
//!   orders holding both, confidence `P(b | a)` the share of `a`'s orders
//!   that hold `b`, lift the confidence over `b`'s share of all orders;
//! - **later**: a customer who bought `a` bought `b` in a later order
//!   (optionally within [`AffinityOptions::later_within_days`]). Support is
//!   the number of such customers, confidence the share of `a`'s buyers who
//!   went on to buy `b` later, lift that over `b`'s share of all customers.
//!
//! Pairs below [`AffinityOptions::min_support`] are dropped, and each product
//! keeps only its [`AffinityOptions::top_k`] strongest neighbours: memory is
//! bounded by `products × top_k` whatever the number of pairs seen, and
//! learning needs one dense counter per product at a time, not a table of
//! every pair.
//!
//! How strongly a neighbour counts (its *weight*) is one explainable formula,
//! `kind factor × count / ((count(a) + shrinkage)^antecedent_exponent ×
//! share(b)^popularity_exponent)`, where counts may be decayed by age
//! ([`AffinityOptions::half_life_days`]). With both exponents 0 and no decay
//! the weight is the plain co-occurrence count (the classic "bought together"
//! recommender, [`AffinityOptions::plain`]); exponent 1 on the antecedent
//! gives the confidence, and on the popularity the lift.
//!
//! [`AffinityModel::recommend`] scores, for one customer, every product their
//! history points to and they have not bought: the recency-weighted mean of
//! the weights from the products they bought, blended with the products'
//! (decayed) popularity. Each offer names the affinity that contributed most
//! (from which product, support, confidence, lift), or popularity when no
//! affinity applies. Results are deterministic: ties go to the lower product
//! id.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::model::time::{Timestamp, MS_PER_DAY};

/// One purchased product: the input of [`AffinityModel::learn`].
///
/// Ids are the caller's interned numbers (for example indices into its own
/// tables of customer, order and product names); they need not be dense.
/// Lines of one order share `customer` and `order` (an order id is read per
/// customer: two customers' order 7 are two orders).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BasketLine {
    /// The customer who bought.
    pub customer: u32,
    /// The order (basket, invoice) the line belongs to.
    pub order: u32,
    /// When the order was placed.
    pub at: Timestamp,
    /// The product bought.
    pub product: u32,
    /// The product's category, if known (see [`Level::Category`]).
    pub category: Option<u32>,
}

/// What an item is: products, or their categories.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Level {
    /// Items are [`BasketLine::product`].
    #[default]
    Product,
    /// Items are [`BasketLine::category`]; lines without one are skipped.
    Category,
}

/// The kind of an affinity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AffinityKind {
    /// Bought in the same order.
    Together,
    /// Bought by the same customer in a later order.
    Later,
}

impl AffinityKind {
    /// The name used in explanations and JSON: `together` or `later`.
    pub fn name(self) -> &'static str {
        match self {
            AffinityKind::Together => "together",
            AffinityKind::Later => "later",
        }
    }
}

/// How affinities are learned and weighed. [`AffinityOptions::default`] is
/// the recommended setting; [`AffinityOptions::plain`] the classic
/// co-occurrence count.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AffinityOptions {
    /// Products or categories.
    pub level: Level,
    /// Smallest support kept: orders holding both products (together), or
    /// customers who bought one and later the other (later). At least 1.
    pub min_support: u32,
    /// Neighbours kept per product, strongest first (1 to [`MAX_TOP_K`]).
    pub top_k: usize,
    /// Factor of together affinities in the weight (0: not learned).
    pub together: f64,
    /// Factor of later affinities in the weight (0: not learned).
    pub later: f64,
    /// A later affinity counts only when the second purchase comes within
    /// this many days of the first (`None`: any time later).
    pub later_within_days: Option<f64>,
    /// Half-life in days of a purchase's contribution, by its age at
    /// [`AffinityOptions::as_of`] (`None`: every purchase counts fully).
    pub half_life_days: Option<f64>,
    /// Exponent of the antecedent's count in the denominator of the weight
    /// (0: raw counts, 1: confidence).
    pub antecedent_exponent: f64,
    /// Pseudo-count added to the antecedent's count, so that a product seen
    /// in few orders does not get confidences of 1 from one co-occurrence.
    pub shrinkage: f64,
    /// Exponent of the consequent's share in the denominator of the weight
    /// (0: none, 1: lift). Values between favour specific products over
    /// best-sellers without ranking one-off products first.
    pub popularity_exponent: f64,
    /// The moment ages are measured from (`None`: the latest line).
    pub as_of: Option<Timestamp>,
}

/// Largest [`AffinityOptions::top_k`] accepted.
pub const MAX_TOP_K: usize = 1000;

impl Default for AffinityOptions {
    /// Together affinities and later ones within 90 days, weighed alike by
    /// their counts (antecedent exponent 0, no shrinkage) over the
    /// consequent's share to the power 0.3 (a damped lift), purchases
    /// decaying with a half-life of 60 days, top 50 neighbours, minimum
    /// support 2 (chosen on the Online Retail data as of 2010-06-01, and
    /// reported as of 2010-09-01; see BENCHMARKS.md).
    fn default() -> AffinityOptions {
        AffinityOptions {
            level: Level::Product,
            min_support: 2,
            top_k: 50,
            together: 1.0,
            later: 1.0,
            later_within_days: Some(90.0),
            half_life_days: Some(60.0),
            antecedent_exponent: 0.0,
            shrinkage: 0.0,
            popularity_exponent: 0.3,
            as_of: None,
        }
    }
}

impl AffinityOptions {
    /// The plain co-occurrence recommender: together affinities only,
    /// weighed by their raw count, no decay.
    pub fn plain() -> AffinityOptions {
        AffinityOptions {
            later: 0.0,
            half_life_days: None,
            antecedent_exponent: 0.0,
            shrinkage: 0.0,
            popularity_exponent: 0.0,
            ..AffinityOptions::default()
        }
    }

    /// Checks every field; the error names the first wrong one.
    pub fn check(&self) -> Result<()> {
        let finite_non_negative = |v: f64, field: &str| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(Error::invalid(
                    field,
                    format!("{v} is not a finite number >= 0"),
                ))
            }
        };
        if self.min_support == 0 {
            return Err(Error::invalid("min_support", "must be at least 1"));
        }
        if self.top_k == 0 || self.top_k > MAX_TOP_K {
            return Err(Error::invalid(
                "top_k",
                format!("{} is not between 1 and {MAX_TOP_K}", self.top_k),
            ));
        }
        finite_non_negative(self.together, "together")?;
        finite_non_negative(self.later, "later")?;
        finite_non_negative(self.antecedent_exponent, "antecedent_exponent")?;
        finite_non_negative(self.shrinkage, "shrinkage")?;
        finite_non_negative(self.popularity_exponent, "popularity_exponent")?;
        if self.together == 0.0 && self.later == 0.0 {
            return Err(Error::invalid(
                "together",
                "together and later are both 0: no affinity would be learned",
            ));
        }
        for (v, field) in [
            (self.later_within_days, "later_within_days"),
            (self.half_life_days, "half_life_days"),
        ] {
            if let Some(v) = v {
                if !(v.is_finite() && v > 0.0) {
                    return Err(Error::invalid(
                        field,
                        format!("{v} is not a positive number of days"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// One learned affinity, `from` → `to`, with its numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Affinity {
    /// The product (or category) bought first or alongside.
    pub from: u32,
    /// The product (or category) it points to.
    pub to: u32,
    /// Together or later.
    pub kind: AffinityKind,
    /// Orders (together) or customers (later) with both.
    pub support: u32,
    /// Support as a share of all orders (together) or customers (later).
    pub support_share: f64,
    /// `P(to | from)`: support over the orders (customers) with `from`.
    pub confidence: f64,
    /// Confidence over `to`'s share of all orders (customers): above 1, the
    /// pair goes together more often than chance.
    pub lift: f64,
    /// The weight the recommender gives it (see the module documentation).
    pub weight: f64,
}

/// A neighbour as stored: dense item index, kind, support and weight.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Edge {
    to: u32,
    kind: AffinityKind,
    support: u32,
    weight: f32,
}

/// Affinities learned from purchase lines; see the module documentation.
#[derive(Clone, Debug)]
pub struct AffinityModel {
    options: AffinityOptions,
    as_of: Timestamp,
    /// Dense index → the caller's item id, ascending (so the dense index of
    /// an id is its place: see [`AffinityModel::dense`]).
    items: Vec<u32>,
    orders: u32,
    customers: u32,
    /// Orders holding each item.
    item_orders: Vec<u32>,
    /// Customers who bought each item.
    item_customers: Vec<u32>,
    /// Each item's decayed order count.
    popularity: Vec<f64>,
    /// The largest of `popularity` (0 without items).
    popularity_top: f64,
    /// Dense items by decayed popularity, highest first (ties: lower id).
    popular: Vec<u32>,
    /// Neighbours of each item, strongest first.
    neighbours: Vec<Box<[Edge]>>,
}

/// A product the customer bought: the input of [`AffinityModel::recommend`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryItem {
    /// The product (or category, at [`Level::Category`]).
    pub product: u32,
    /// The customer's last purchase of it.
    pub last: Timestamp,
}

/// How [`AffinityModel::recommend`] ranks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecommendOptions {
    /// Offers wanted.
    pub n: usize,
    /// The moment of the recommendation (ages of the customer's purchases
    /// are measured from it).
    pub now: Timestamp,
    /// Half-life in days of a bought product's pull on the offers, by the
    /// age of the customer's last purchase of it (`None`: all alike).
    pub history_half_life_days: Option<f64>,
    /// Weight of the products' popularity (decayed order share relative to
    /// the most popular) added to every score: 0 for affinities alone.
    pub popularity_blend: f64,
    /// Whether to complete the list with the most popular products not
    /// bought when affinities suggest fewer than `n`.
    pub fill_with_popular: bool,
}

impl RecommendOptions {
    /// `n` offers at `now`, with the recommended settings: the customer's
    /// purchases pulling with a half-life of 60 days, a popularity blend of
    /// 0.1, completed with popular products (chosen on the Online Retail data
    /// as of 2010-06-01; see BENCHMARKS.md).
    pub fn new(n: usize, now: Timestamp) -> RecommendOptions {
        RecommendOptions {
            n,
            now,
            history_half_life_days: Some(60.0),
            popularity_blend: 0.05,
            fill_with_popular: true,
        }
    }

    /// `n` offers at `now` from affinities alone, every purchase alike, then
    /// completed with popular products: the plain recommender.
    pub fn plain(n: usize, now: Timestamp) -> RecommendOptions {
        RecommendOptions {
            n,
            now,
            history_half_life_days: None,
            popularity_blend: 0.0,
            fill_with_popular: true,
        }
    }
}

/// Why a product is offered.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OfferReason {
    /// The affinity that contributed most to the score.
    Affinity(Affinity),
    /// A popular product the customer has not bought (no affinity applies).
    Popular {
        /// Orders holding it.
        orders: u32,
        /// Its share of all orders.
        share: f64,
    },
}

/// One suggested product.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Offer {
    /// The product (or category).
    pub product: u32,
    /// The score it ranked by (higher first).
    pub score: f64,
    /// Why.
    pub reason: OfferReason,
}

/// `0.5^(age / half_life)`, 1 without a half-life or for a negative age.
/// One antecedent's consequents while learning: dense counters of support
/// and weight, with the consequents touched kept so that clearing costs only
/// what was added.
struct Tally {
    /// Support and weight of each consequent, side by side (one cache line
    /// per add).
    counters: Vec<(u32, f64)>,
    touched: Vec<u32>,
}

impl Tally {
    fn new(items: usize) -> Tally {
        Tally {
            counters: vec![(0, 0.0); items],
            touched: Vec::new(),
        }
    }

    /// Counts consequent `b` once more, with weight `w`.
    #[inline]
    fn add(&mut self, b: u32, w: f64) {
        let counter = &mut self.counters[b as usize];
        if counter.0 == 0 {
            self.touched.push(b);
        }
        counter.0 += 1;
        counter.1 += w;
    }

    /// Each consequent counted, in id order, with its support and weight;
    /// then clears.
    fn drain(&mut self, mut each: impl FnMut(u32, u32, f64)) {
        self.touched.sort_unstable();
        for &b in &self.touched {
            let counter = &mut self.counters[b as usize];
            each(b, counter.0, counter.1);
            *counter = (0, 0.0);
        }
        self.touched.clear();
    }
}

fn decay(age_ms: i64, half_life_days: Option<f64>) -> f64 {
    match half_life_days {
        Some(h) if age_ms > 0 => {
            (-(age_ms as f64) / (h * MS_PER_DAY as f64) * std::f64::consts::LN_2).exp()
        }
        _ => 1.0,
    }
}

impl AffinityModel {
    /// Learns affinities from purchase lines (in any order).
    ///
    /// With 512 products or more, the products are shared out among up to
    /// eight scoped threads (as many as `std::thread::available_parallelism`
    /// says), each holding one 16-byte counter per product while it runs (for
    /// 100,000 products and eight threads, about 13 MB); the result does not
    /// depend on the number of threads. Fewer products are learnt on the
    /// calling thread.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the option for bad options
    /// ([`AffinityOptions::check`]). No lines give a model without items,
    /// whose recommendations are empty.
    pub fn learn(lines: &[BasketLine], options: &AffinityOptions) -> Result<AffinityModel> {
        options.check()?;
        let item_of = |l: &BasketLine| match options.level {
            Level::Product => Some(l.product),
            Level::Category => l.category,
        };
        let as_of = options.as_of.unwrap_or_else(|| {
            lines
                .iter()
                .map(|l| l.at)
                .max()
                .unwrap_or(Timestamp::from_millis(0, "as_of").expect("0 is a valid moment"))
        });
        let mut items: Vec<u32> = lines.iter().filter_map(item_of).collect();
        items.sort_unstable();
        items.dedup();
        let index: HashMap<u32, u32> = items
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i as u32))
            .collect();
        let n = items.len();

        // Orders: (customer, order) → time and items; customers: items with
        // their first purchase.
        let mut sorted: Vec<(u32, u32, i64, u32)> = lines
            .iter()
            .filter_map(|l| Some((l.customer, l.order, l.at.as_millis(), index[&item_of(l)?])))
            .collect();
        sorted.sort_unstable();
        // Orders as ranges of `order_items`, with their time (the earliest
        // line's) and customer index.
        let mut order_items: Vec<u32> = Vec::with_capacity(sorted.len());
        let mut order_start: Vec<usize> = Vec::new();
        let mut order_time: Vec<i64> = Vec::new();
        let mut order_customer: Vec<u32> = Vec::new();
        // Per customer: (item, first purchase time), as ranges.
        let mut customer_items: Vec<(u32, i64)> = Vec::new();
        let mut customer_start: Vec<usize> = Vec::new();
        let mut k = 0;
        while k < sorted.len() {
            let customer = sorted[k].0;
            customer_start.push(customer_items.len());
            let c_index = (customer_start.len() - 1) as u32;
            // The customer's (item, time) pairs, sorted and deduplicated
            // below to each item's first purchase.
            let firsts_start = customer_items.len();
            while k < sorted.len() && sorted[k].0 == customer {
                let order = sorted[k].1;
                let start = order_items.len();
                order_start.push(start);
                order_customer.push(c_index);
                let mut time = i64::MAX;
                while k < sorted.len() && sorted[k].0 == customer && sorted[k].1 == order {
                    let (_, _, at, item) = sorted[k];
                    time = time.min(at);
                    order_items.push(item);
                    customer_items.push((item, at));
                    k += 1;
                }
                let slice = &mut order_items[start..];
                slice.sort_unstable();
                let unique = {
                    let mut w = 0;
                    for r in 0..slice.len() {
                        if r == 0 || slice[r] != slice[w - 1] {
                            slice[w] = slice[r];
                            w += 1;
                        }
                    }
                    w
                };
                order_items.truncate(start + unique);
                order_time.push(time);
            }
            let firsts = &mut customer_items[firsts_start..];
            firsts.sort_unstable();
            let mut w = 0;
            for r in 0..firsts.len() {
                if w == 0 || firsts[r].0 != firsts[w - 1].0 {
                    firsts[w] = firsts[r];
                    w += 1;
                }
            }
            customer_items.truncate(firsts_start + w);
        }
        order_start.push(order_items.len());
        customer_start.push(customer_items.len());
        let orders = order_time.len();
        let customers = customer_start.len() - 1;

        // Inverted lists: item → orders, item → customers.
        let mut item_orders_list: Vec<Vec<u32>> = vec![Vec::new(); n];
        for o in 0..orders {
            for &i in &order_items[order_start[o]..order_start[o + 1]] {
                item_orders_list[i as usize].push(o as u32);
            }
        }
        let mut item_customers_list: Vec<Vec<(u32, i64)>> = vec![Vec::new(); n];
        for c in 0..customers {
            for &(i, first) in &customer_items[customer_start[c]..customer_start[c + 1]] {
                item_customers_list[i as usize].push((c as u32, first));
            }
        }
        let half_life = options.half_life_days;
        let as_of_ms = as_of.as_millis();
        let order_weight: Vec<f64> = order_time
            .iter()
            .map(|&t| decay(as_of_ms - t, half_life))
            .collect();
        let popularity: Vec<f64> = item_orders_list
            .iter()
            .map(|os| os.iter().map(|&o| order_weight[o as usize]).sum())
            .collect();
        let total_weight: f64 = order_weight.iter().sum();
        let customer_popularity: Vec<f64> = item_customers_list
            .iter()
            .map(|cs| {
                cs.iter()
                    .map(|&(_, t)| decay(as_of_ms - t, half_life))
                    .sum()
            })
            .collect();
        let total_customer_weight: f64 = customer_popularity
            .iter()
            .sum::<f64>()
            .max(f64::MIN_POSITIVE);
        let mut popular: Vec<u32> = (0..n as u32).collect();
        popular.sort_by(|&a, &b| {
            popularity[b as usize]
                .total_cmp(&popularity[a as usize])
                .then(a.cmp(&b))
        });

        // Neighbours, one antecedent at a time with dense counters.
        let within_ms = options
            .later_within_days
            .map(|d| (d * MS_PER_DAY as f64) as i64);
        // Each customer's items by first purchase, with that purchase's
        // decayed weight: the items bought later than `a` and within the
        // window are then one contiguous run, found by binary search, and no
        // weight is computed twice.
        let mut customer_by_time: Vec<(i64, u32, f64)> = Vec::new();
        if options.later > 0.0 {
            customer_by_time = customer_items
                .iter()
                .map(|&(item, first)| (first, item, decay(as_of_ms - first, half_life)))
                .collect();
            for c in 0..customers {
                customer_by_time[customer_start[c]..customer_start[c + 1]]
                    .sort_unstable_by(|x, y| x.0.cmp(&y.0).then(x.1.cmp(&y.1)));
            }
        }
        // The weight's powers, once per item rather than once per pair: the
        // consequent's share to the popularity exponent, the antecedent's
        // count to the antecedent exponent, for each kind.
        let power = |v: f64, exponent: f64| v.max(f64::MIN_POSITIVE).powf(exponent);
        let together_share: Vec<f64> = popularity
            .iter()
            .map(|p| {
                power(
                    p / total_weight.max(f64::MIN_POSITIVE),
                    options.popularity_exponent,
                )
            })
            .collect();
        let later_share: Vec<f64> = customer_popularity
            .iter()
            .map(|p| power(p / total_customer_weight, options.popularity_exponent))
            .collect();
        // One antecedent's neighbours, with a thread's dense counters.
        let neighbours_of =
            |a: usize, tally: &mut Tally, candidates: &mut Vec<Edge>| -> Box<[Edge]> {
                candidates.clear();
                let antecedent =
                    |count: f64| power(count + options.shrinkage, options.antecedent_exponent);
                let (together_antecedent, later_antecedent) = (
                    antecedent(popularity[a]),
                    antecedent(customer_popularity[a]),
                );
                let weigh =
                    |kind: AffinityKind, w: f64, antecedent_power: f64, share_power: f64| -> f32 {
                        let factor = match kind {
                            AffinityKind::Together => options.together,
                            AffinityKind::Later => options.later,
                        };
                        (factor * w / (antecedent_power * share_power)) as f32
                    };
                if options.together > 0.0 {
                    for &o in &item_orders_list[a] {
                        let w = order_weight[o as usize];
                        for &b in &order_items[order_start[o as usize]..order_start[o as usize + 1]]
                        {
                            if b as usize != a {
                                tally.add(b, w);
                            }
                        }
                    }
                    tally.drain(|b, support, w| {
                        if support >= options.min_support {
                            candidates.push(Edge {
                                to: b,
                                kind: AffinityKind::Together,
                                support,
                                weight: weigh(
                                    AffinityKind::Together,
                                    w,
                                    together_antecedent,
                                    together_share[b as usize],
                                ),
                            });
                        }
                    });
                }
                if options.later > 0.0 {
                    for &(c, first_a) in &item_customers_list[a] {
                        let range = customer_start[c as usize]..customer_start[c as usize + 1];
                        let items = &customer_by_time[range];
                        // Bought strictly after `a`, and within the window.
                        let from = items.partition_point(|x| x.0 <= first_a);
                        let to = match within_ms {
                            Some(w) => items.partition_point(|x| x.0 - first_a <= w),
                            None => items.len(),
                        };
                        for &(_, b, w) in &items[from..to.max(from)] {
                            tally.add(b, w);
                        }
                    }
                    tally.drain(|b, support, w| {
                        if support >= options.min_support {
                            candidates.push(Edge {
                                to: b,
                                kind: AffinityKind::Later,
                                support,
                                weight: weigh(
                                    AffinityKind::Later,
                                    w,
                                    later_antecedent,
                                    later_share[b as usize],
                                ),
                            });
                        }
                    });
                }
                let strongest = |x: &Edge, y: &Edge| {
                    y.weight
                        .total_cmp(&x.weight)
                        .then(x.to.cmp(&y.to))
                        .then(x.kind.cmp(&y.kind))
                };
                if candidates.len() > options.top_k {
                    candidates.select_nth_unstable_by(options.top_k, strongest);
                    candidates.truncate(options.top_k);
                }
                candidates.sort_unstable_by(strongest);
                candidates.as_slice().into()
            };
        // Antecedents are independent: learn them on the available cores,
        // handing out blocks of items in turn, and keep the item order (the
        // result does not depend on the number of threads).
        let threads = if n < 512 {
            1
        } else {
            std::thread::available_parallelism()
                .map_or(1, |t| t.get())
                .clamp(1, 8)
        };
        let neighbours: Vec<Box<[Edge]>> = if threads == 1 {
            let (mut tally, mut candidates) = (Tally::new(n), Vec::new());
            (0..n)
                .map(|a| neighbours_of(a, &mut tally, &mut candidates))
                .collect()
        } else {
            const BLOCK: usize = 64;
            let next = std::sync::atomic::AtomicUsize::new(0);
            let (next, neighbours_of) = (&next, &neighbours_of);
            let mut blocks: Vec<(usize, Vec<Box<[Edge]>>)> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads)
                    .map(|_| {
                        scope.spawn(move || {
                            let (mut tally, mut candidates) = (Tally::new(n), Vec::new());
                            let mut done = Vec::new();
                            loop {
                                let from =
                                    next.fetch_add(BLOCK, std::sync::atomic::Ordering::Relaxed);
                                if from >= n {
                                    break done;
                                }
                                let block = (from..(from + BLOCK).min(n))
                                    .map(|a| neighbours_of(a, &mut tally, &mut candidates))
                                    .collect();
                                done.push((from, block));
                            }
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().expect("learning does not panic"))
                    .collect()
            });
            blocks.sort_unstable_by_key(|b| b.0);
            blocks.into_iter().flat_map(|b| b.1).collect()
        };

        Ok(AffinityModel {
            options: *options,
            as_of,
            item_orders: item_orders_list.iter().map(|l| l.len() as u32).collect(),
            item_customers: item_customers_list.iter().map(|l| l.len() as u32).collect(),
            popularity_top: popularity.iter().copied().fold(0.0, f64::max),
            items,
            orders: orders as u32,
            customers: customers as u32,
            popularity,
            popular,
            neighbours,
        })
    }

    /// The options it was learned with.
    pub fn options(&self) -> &AffinityOptions {
        &self.options
    }

    /// The moment ages were measured from.
    pub fn as_of(&self) -> Timestamp {
        self.as_of
    }

    /// Distinct items (products or categories) seen.
    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    /// Orders seen.
    pub fn order_count(&self) -> u32 {
        self.orders
    }

    /// Customers seen.
    pub fn customer_count(&self) -> u32 {
        self.customers
    }

    /// Neighbours kept, over all items.
    pub fn affinity_count(&self) -> usize {
        self.neighbours.iter().map(|n| n.len()).sum()
    }

    /// Orders holding `item` (0 for an item never seen).
    pub fn orders_with(&self, item: u32) -> u32 {
        self.dense(item).map_or(0, |i| self.item_orders[i as usize])
    }

    /// The dense index of the caller's item `id`, if seen: its place in
    /// the sorted `items` (at once when ids are dense themselves, as an
    /// engine's interned ones are; else a binary search).
    #[inline]
    fn dense(&self, id: u32) -> Option<u32> {
        if self.items.get(id as usize) == Some(&id) {
            return Some(id);
        }
        self.items.binary_search(&id).ok().map(|i| i as u32)
    }

    /// An affinity with its numbers from the stored edge.
    fn affinity(&self, from: u32, edge: &Edge) -> Affinity {
        let (support_base, from_count, to_count) = match edge.kind {
            AffinityKind::Together => (
                self.orders,
                self.item_orders[from as usize],
                self.item_orders[edge.to as usize],
            ),
            AffinityKind::Later => (
                self.customers,
                self.item_customers[from as usize],
                self.item_customers[edge.to as usize],
            ),
        };
        let confidence = edge.support as f64 / from_count.max(1) as f64;
        let to_share = to_count as f64 / support_base.max(1) as f64;
        Affinity {
            from: self.items[from as usize],
            to: self.items[edge.to as usize],
            kind: edge.kind,
            support: edge.support,
            support_share: edge.support as f64 / support_base.max(1) as f64,
            confidence,
            lift: if to_share > 0.0 {
                confidence / to_share
            } else {
                0.0
            },
            weight: edge.weight as f64,
        }
    }

    /// The affinities kept from `item`, strongest first (empty for an item
    /// never seen).
    pub fn neighbours(&self, item: u32) -> Vec<Affinity> {
        let Some(i) = self.dense(item) else {
            return Vec::new();
        };
        self.neighbours[i as usize]
            .iter()
            .map(|e| self.affinity(i, e))
            .collect()
    }

    /// The affinity `from` → `to` of `kind`, if kept.
    pub fn affinity_between(&self, from: u32, to: u32, kind: AffinityKind) -> Option<Affinity> {
        let i = self.dense(from)?;
        let j = self.dense(to)?;
        self.neighbours[i as usize]
            .iter()
            .find(|e| e.to == j && e.kind == kind)
            .map(|e| self.affinity(i, e))
    }

    /// Every affinity kept, strongest first (ties: lower ids first), at most
    /// `limit`.
    pub fn top_affinities(&self, limit: usize) -> Vec<Affinity> {
        let mut all: Vec<(u32, &Edge)> = self
            .neighbours
            .iter()
            .enumerate()
            .flat_map(|(i, es)| es.iter().map(move |e| (i as u32, e)))
            .collect();
        // A total order (no two edges share from, to and kind): selecting
        // the first `limit` and sorting them alone gives the full sort's head.
        let order = |a: &(u32, &Edge), b: &(u32, &Edge)| {
            b.1.weight
                .total_cmp(&a.1.weight)
                .then(a.0.cmp(&b.0))
                .then(a.1.to.cmp(&b.1.to))
                .then(a.1.kind.cmp(&b.1.kind))
        };
        if all.len() > limit {
            all.select_nth_unstable_by(limit, order);
            all.truncate(limit);
        }
        all.sort_unstable_by(order);
        all.into_iter()
            .take(limit)
            .map(|(i, e)| self.affinity(i, e))
            .collect()
    }

    /// The `n` most popular items (by decayed order count) not in `bought`,
    /// most popular first.
    pub fn popular_not_bought(&self, bought: &[u32], n: usize) -> Vec<Offer> {
        let mut out = Vec::with_capacity(n.min(self.items.len()));
        for &i in &self.popular {
            if out.len() >= n {
                break;
            }
            let id = self.items[i as usize];
            if bought.contains(&id) {
                continue;
            }
            out.push(self.popular_offer(i, 0.0));
        }
        out
    }

    /// A popularity offer of dense item `i` scoring `score` (0 when it only
    /// completes the list).
    fn popular_offer(&self, i: u32, score: f64) -> Offer {
        let orders = self.item_orders[i as usize];
        Offer {
            product: self.items[i as usize],
            score,
            reason: OfferReason::Popular {
                orders,
                share: orders as f64 / self.orders.max(1) as f64,
            },
        }
    }

    /// The top `options.n` items the customer with this history has not
    /// bought, best first, each with its score and reason (see the module
    /// documentation); offers that only complete the list with popular
    /// items score 0. Items of the history the model never saw pull nothing
    /// (and, unseen, are never offered). Deterministic whatever the order
    /// of `history`.
    pub fn recommend(&self, history: &[HistoryItem], options: &RecommendOptions) -> Vec<Offer> {
        self.recommend_excluding(history, &[], options)
    }

    /// [`AffinityModel::recommend`], never offering the items of `exclude`
    /// either (items the customer bought that `history` no longer holds,
    /// for example; they pull nothing). Ids the model never saw are ignored.
    ///
    /// O(h·k + p) for `h` items of the history, `k` neighbours each and `p`
    /// items passed over while completing the list with popular ones (at
    /// most every item once), plus the sorts of the candidates: no step is
    /// quadratic in the number of items, whatever `options.n`.
    pub fn recommend_excluding(
        &self,
        history: &[HistoryItem],
        exclude: &[u32],
        options: &RecommendOptions,
    ) -> Vec<Offer> {
        if options.n == 0 || self.items.is_empty() {
            return Vec::new();
        }
        let mut known: Vec<(u32, f64)> = history
            .iter()
            .filter_map(|h| {
                let i = self.dense(h.product)?;
                let age = options.now.as_millis() - h.last.as_millis();
                Some((i, decay(age, options.history_half_life_days)))
            })
            .collect();
        known.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        known.dedup_by_key(|k| k.0);
        let pull: f64 = known.iter().map(|k| k.1).sum();
        // Per dense item: never offered (the history's items and
        // `exclude`), not scored yet, or its place in `scored`. One lookup
        // per edge, no hashing: the table costs a pass over the items.
        const NEVER: u32 = u32::MAX;
        const UNSCORED: u32 = u32::MAX - 1;
        let mut slot = vec![UNSCORED; self.items.len()];
        for j in known
            .iter()
            .map(|k| k.0)
            .chain(exclude.iter().filter_map(|&id| self.dense(id)))
        {
            slot[j as usize] = NEVER;
        }
        let is_excluded = |slot: &[u32], j: u32| slot[j as usize] == NEVER;
        // Candidate, score, strongest contribution, its antecedent, edge.
        let edges: usize = known
            .iter()
            .map(|k| self.neighbours[k.0 as usize].len())
            .sum();
        let mut scored: Vec<(u32, f64, f64, u32, Edge)> =
            Vec::with_capacity(edges.min(self.items.len()));
        if pull > 0.0 {
            for &(i, r) in &known {
                for e in self.neighbours[i as usize].iter() {
                    let at = slot[e.to as usize];
                    if at == NEVER {
                        continue;
                    }
                    let c = r * e.weight as f64 / pull;
                    let entry = if at == UNSCORED {
                        slot[e.to as usize] = scored.len() as u32;
                        scored.push((e.to, 0.0, -1.0, i, *e));
                        scored.last_mut().expect("just pushed")
                    } else {
                        &mut scored[at as usize]
                    };
                    entry.1 += c;
                    if c > entry.2 {
                        entry.2 = c;
                        entry.3 = i;
                        entry.4 = *e;
                    }
                }
            }
        }
        let top = self.popularity_top;
        let blend = |j: u32| {
            if top > 0.0 {
                options.popularity_blend * self.popularity[j as usize] / top
            } else {
                0.0
            }
        };
        let mut ranked: Vec<(u32, f64, u32, Edge)> = scored
            .iter()
            .map(|&(j, s, _, from, e)| (j, s + blend(j), from, e))
            .collect();
        if options.popularity_blend > 0.0 {
            // Popular products compete on their own popularity as well.
            let mut added = 0;
            for &j in &self.popular {
                if added >= options.n {
                    break;
                }
                if slot[j as usize] != UNSCORED {
                    // Never offered, or scored already.
                    continue;
                }
                ranked.push((
                    j,
                    blend(j),
                    u32::MAX,
                    Edge {
                        to: j,
                        kind: AffinityKind::Together,
                        support: 0,
                        weight: 0.0,
                    },
                ));
                added += 1;
            }
        }
        let order = |a: &(u32, f64, u32, Edge), b: &(u32, f64, u32, Edge)| {
            b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
        };
        if ranked.len() > options.n {
            ranked.select_nth_unstable_by(options.n, order);
            ranked.truncate(options.n);
        }
        ranked.sort_unstable_by(order);
        let mut out: Vec<Offer> = ranked
            .into_iter()
            .map(|(j, score, from, e)| {
                if from == u32::MAX {
                    self.popular_offer(j, score)
                } else {
                    Offer {
                        product: self.items[j as usize],
                        score,
                        reason: OfferReason::Affinity(self.affinity(from, &e)),
                    }
                }
            })
            .collect();
        if options.fill_with_popular && out.len() < options.n {
            // The offered items are never offered twice.
            for o in &out {
                if let Some(j) = self.dense(o.product) {
                    slot[j as usize] = NEVER;
                }
            }
            for &j in &self.popular {
                if out.len() >= options.n {
                    break;
                }
                if is_excluded(&slot, j) {
                    continue;
                }
                out.push(self.popular_offer(j, 0.0));
            }
        }
        out
    }
}
