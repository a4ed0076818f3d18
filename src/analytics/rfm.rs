//! RFM: recency, frequency and monetary scores, and the named segments.
//!
//! For each customer with a purchase before the as-of date:
//!
//! - **recency**: whole days from the day of the last purchase to the as-of
//!   day (a purchase the day before counts 1);
//! - **frequency**: distinct orders; a line without an order id counts by its
//!   day (so an export without order ids counts distinct purchase days);
//! - **monetary**: total spend, exact ([`Amount`]).
//!
//! **Scores** 1–5, 5 best, are quintiles of the ranks: the customers are
//! ranked 1..n by the value ascending, ties broken by first appearance (the
//! customer whose first purchase comes first in the file ranks first), and
//! rank `k` scores the smallest `s` with `5 (k − 1) ≤ s (n − 1)`: the bin of
//! `k` among the five equal-width bins from 1 to n, right edges included.
//! That is pandas' `pd.qcut(x.rank(method="first"), 5, labels=[1, 2, 3, 4, 5])`
//! in exact arithmetic (labels reversed for recency: fewer days score higher),
//! the usual recipe; a base of one customer scores R 5, F 1, M 1.
//!
//! **Segments** ([`Segment`]) come from the R and F scores by the R×F grid
//! that most RFM write-ups and notebooks use (the "RFM segment map": rows of
//! R, columns of F), with its hibernating corner split so that R 1 and F 1
//! is *lost*:
//!
//! | R \ F | 1 | 2 | 3 | 4 | 5 |
//! |---|---|---|---|---|---|
//! | **5** | new customers | potential loyalists | potential loyalists | champions | champions |
//! | **4** | promising | potential loyalists | potential loyalists | loyal customers | loyal customers |
//! | **3** | about to sleep | about to sleep | need attention | loyal customers | loyal customers |
//! | **2** | hibernating | hibernating | at risk | at risk | can't lose them |
//! | **1** | lost | hibernating | at risk | at risk | can't lose them |
//!
//! Amounts in different currencies are never added: [`rfm`] scores each
//! currency's customers among themselves. [`score`] works from per-customer
//! values alone, for a host or the engine that keeps them already.

use crate::model::{Currency, Timestamp};

use super::transactions::{Amount, Transactions};

/// One customer's values, in any units: a smaller `recency` is more recent;
/// a larger `frequency` or `monetary` is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct RfmInput {
    /// Time since the last purchase (days, or any unit).
    pub recency: i64,
    /// Number of purchases.
    pub frequency: u64,
    /// Total spend (minor units, or any fixed scale).
    pub monetary: i64,
}

/// A customer's scores, each 1–5 (5 best), and their segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RfmScore {
    /// Recency score: 5 for the most recent fifth.
    pub r: u8,
    /// Frequency score: 5 for the most frequent fifth.
    pub f: u8,
    /// Monetary score: 5 for the fifth that spent most.
    pub m: u8,
    /// The named segment of `r` and `f`.
    pub segment: Segment,
}

/// The named RFM segments (see the [module](self) for the grid).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// R 5, F 4–5: bought recently and often.
    Champions,
    /// R 3–4, F 4–5: buy often, fairly recently.
    LoyalCustomers,
    /// R 4–5, F 2–3: recent, bought more than once.
    PotentialLoyalists,
    /// R 5, F 1: first purchase very recent.
    NewCustomers,
    /// R 4, F 1: one recent purchase.
    Promising,
    /// R 3, F 3: average on both.
    NeedAttention,
    /// R 3, F 1–2: slipping, few purchases.
    AboutToSleep,
    /// R 1–2, F 3–4: bought often, not for a while.
    AtRisk,
    /// R 1–2, F 5: the most frequent, gone quiet.
    CantLoseThem,
    /// R 1–2, F 1–2 except R 1 F 1: long ago, few purchases.
    Hibernating,
    /// R 1, F 1: the oldest and least frequent.
    Lost,
}

impl Segment {
    /// Every segment, best first.
    pub const ALL: [Segment; 11] = [
        Segment::Champions,
        Segment::LoyalCustomers,
        Segment::PotentialLoyalists,
        Segment::NewCustomers,
        Segment::Promising,
        Segment::NeedAttention,
        Segment::AboutToSleep,
        Segment::AtRisk,
        Segment::CantLoseThem,
        Segment::Hibernating,
        Segment::Lost,
    ];

    /// The segment of an R and an F score (1–5 each; values outside are
    /// clamped).
    ///
    /// ```
    /// use ciclo::analytics::rfm::Segment;
    /// assert_eq!(Segment::of(5, 5), Segment::Champions);
    /// assert_eq!(Segment::of(1, 5), Segment::CantLoseThem);
    /// assert_eq!(Segment::of(1, 1), Segment::Lost);
    /// assert_eq!(Segment::of(2, 1).name(), "hibernating");
    /// ```
    pub fn of(r: u8, f: u8) -> Segment {
        let (r, f) = (r.clamp(1, 5), f.clamp(1, 5));
        match r {
            1 | 2 => match f {
                1 if r == 1 => Segment::Lost,
                1 | 2 => Segment::Hibernating,
                3 | 4 => Segment::AtRisk,
                _ => Segment::CantLoseThem,
            },
            3 => match f {
                1 | 2 => Segment::AboutToSleep,
                3 => Segment::NeedAttention,
                _ => Segment::LoyalCustomers,
            },
            4 => match f {
                1 => Segment::Promising,
                2 | 3 => Segment::PotentialLoyalists,
                _ => Segment::LoyalCustomers,
            },
            _ => match f {
                1 => Segment::NewCustomers,
                2 | 3 => Segment::PotentialLoyalists,
                _ => Segment::Champions,
            },
        }
    }

    /// The name written in files: `champions`, `loyal_customers`,
    /// `potential_loyalists`, `new_customers`, `promising`, `need_attention`,
    /// `about_to_sleep`, `at_risk`, `cant_lose_them`, `hibernating`, `lost`.
    pub fn name(self) -> &'static str {
        match self {
            Segment::Champions => "champions",
            Segment::LoyalCustomers => "loyal_customers",
            Segment::PotentialLoyalists => "potential_loyalists",
            Segment::NewCustomers => "new_customers",
            Segment::Promising => "promising",
            Segment::NeedAttention => "need_attention",
            Segment::AboutToSleep => "about_to_sleep",
            Segment::AtRisk => "at_risk",
            Segment::CantLoseThem => "cant_lose_them",
            Segment::Hibernating => "hibernating",
            Segment::Lost => "lost",
        }
    }

    /// The name for people: `Champions`, `Can't lose them`, ...
    pub fn label(self) -> &'static str {
        match self {
            Segment::Champions => "Champions",
            Segment::LoyalCustomers => "Loyal customers",
            Segment::PotentialLoyalists => "Potential loyalists",
            Segment::NewCustomers => "New customers",
            Segment::Promising => "Promising",
            Segment::NeedAttention => "Need attention",
            Segment::AboutToSleep => "About to sleep",
            Segment::AtRisk => "At risk",
            Segment::CantLoseThem => "Can't lose them",
            Segment::Hibernating => "Hibernating",
            Segment::Lost => "Lost",
        }
    }
}

/// The quintile (1–5) of rank `rank` (1-based) among `n`: the smallest `s`
/// with `5 (rank − 1) ≤ s (n − 1)`; 1 when `n` is 1.
///
/// ```
/// use ciclo::analytics::rfm::quintile;
/// let scores: Vec<u8> = (1..=10).map(|k| quintile(k, 10)).collect();
/// assert_eq!(scores, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
/// ```
pub fn quintile(rank: u64, n: u64) -> u8 {
    if n <= 1 || rank <= 1 {
        return 1;
    }
    let (above, span) = (5 * (rank - 1), n - 1);
    above.div_ceil(span).clamp(1, 5) as u8
}

/// [`quintile`] without a division: the highest rank of each score 1 to 4
/// among `n`, so that a rank scores 1 plus the bounds it is above.
#[derive(Clone, Copy)]
struct QuintileBounds {
    highest: [u64; 4],
    /// One customer or none: every rank scores 1.
    single: bool,
}

impl QuintileBounds {
    fn new(n: u64) -> QuintileBounds {
        // Rank `k` scores at most `s` when `5 (k − 1) ≤ s (n − 1)`, that is
        // `k ≤ ⌊s (n − 1) / 5⌋ + 1`.
        let span = n.saturating_sub(1);
        QuintileBounds {
            highest: [1, 2, 3, 4].map(|s| s * span / 5 + 1),
            single: n <= 1,
        }
    }

    /// The quintile of 1-based `rank`: [`quintile`]`(rank, n)`.
    #[inline]
    fn of(&self, rank: u64) -> u8 {
        if self.single {
            return 1;
        }
        1 + self.highest.iter().map(|&b| u8::from(rank > b)).sum::<u8>()
    }
}

/// Each position's quintile of its key's rank, ascending, ties by position.
///
/// Keys spanning fewer values than about twice their number (recencies in
/// days, purchase counts, most spends in minor units) are ranked by counting:
/// a count per value, their running sums, one pass in position order; the
/// others by a radix sort ([`stable_order`]). Both give every position the
/// rank of its key among the keys, ties by position.
fn quintiles(keys: impl Iterator<Item = u64>, n: usize, out: &mut [u8]) {
    let keys: Vec<u64> = keys.collect();
    let bounds = QuintileBounds::new(n as u64);
    let (Some(&lo), Some(&hi)) = (keys.iter().min(), keys.iter().max()) else {
        return;
    };
    let range = hi - lo;
    if range < 2 * n as u64 + 4096 {
        // Ranks before each value: counts, then their running sums.
        let mut next = vec![0u32; range as usize + 1];
        for &k in &keys {
            next[(k - lo) as usize] += 1;
        }
        let mut sum = 0u32;
        for slot in next.iter_mut() {
            let c = *slot;
            *slot = sum;
            sum += c;
        }
        for (o, &k) in out.iter_mut().zip(&keys) {
            let slot = &mut next[(k - lo) as usize];
            *slot += 1;
            *o = bounds.of(u64::from(*slot));
        }
        return;
    }
    let order = stable_order(keys);
    for (rank, &p) in order.iter().enumerate() {
        out[p as usize] = bounds.of(rank as u64 + 1);
    }
}

/// The positions of `keys` sorted by key, ties in position order: a least
/// significant digit radix sort, a byte at a time, skipping the bytes where
/// every key agrees (the top bytes of small values), so that recencies in
/// days or purchase counts take one or two passes.
pub(crate) fn stable_order(keys: Vec<u64>) -> Vec<u32> {
    sort_with_order(keys).1
}

/// `keys` sorted, and the positions they came from, ties in position order
/// (see [`stable_order`]).
pub(crate) fn sort_with_order(mut keys: Vec<u64>) -> (Vec<u64>, Vec<u32>) {
    let n = keys.len();
    let mut order: Vec<u32> = (0..n as u32).collect();
    // The bytes where some keys differ: only those are counted and sorted.
    let first = keys.first().copied().unwrap_or(0);
    let differ = keys.iter().fold(0u64, |d, &k| d | (k ^ first));
    let mut counts = vec![[0usize; 256]; 8];
    for byte in (0..8).filter(|b| (differ >> (8 * b)) & 0xFF != 0) {
        let count = &mut counts[byte];
        for &k in &keys {
            count[((k >> (8 * byte)) & 0xFF) as usize] += 1;
        }
    }
    let (mut keys_to, mut order_to) = (vec![0u64; n], vec![0u32; n]);
    for (byte, count) in counts.iter().enumerate() {
        if (differ >> (8 * byte)) & 0xFF == 0 {
            continue;
        }
        let mut next = [0usize; 256];
        let mut sum = 0;
        for (slot, &c) in next.iter_mut().zip(count.iter()) {
            *slot = sum;
            sum += c;
        }
        let shift = 8 * byte;
        for (&k, &p) in keys.iter().zip(&order) {
            let digit = ((k >> shift) & 0xFF) as usize;
            keys_to[next[digit]] = k;
            order_to[next[digit]] = p;
            next[digit] += 1;
        }
        std::mem::swap(&mut keys, &mut keys_to);
        std::mem::swap(&mut order, &mut order_to);
    }
    (keys, order)
}

/// `i64` keys in the order of `u64`.
pub(crate) fn ordered(v: i64) -> u64 {
    (v as u64) ^ (1 << 63)
}

/// Scores customers against each other: R, F and M quintiles of the ranks
/// (ties broken by position in `inputs`, the earlier ranking first) and the
/// segment. The result is in the order of `inputs`.
///
/// O(n): radix sorts (or counting, for few distinct values) of the three
/// values; tens of milliseconds for a million customers on one core (see
/// BENCHMARKS.md).
///
/// ```
/// use ciclo::analytics::rfm::{score, RfmInput, Segment};
///
/// let base: Vec<RfmInput> = (0..10)
///     .map(|i| RfmInput { recency: 100 - 10 * i, frequency: i as u64, monetary: 1000 * i })
///     .collect();
/// let scores = score(&base);
/// assert_eq!((scores[9].r, scores[9].f, scores[9].m), (5, 5, 5));
/// assert_eq!(scores[9].segment, Segment::Champions);
/// assert_eq!(scores[0].segment, Segment::Lost);
/// ```
pub fn score(inputs: &[RfmInput]) -> Vec<RfmScore> {
    let n = inputs.len();
    let (mut r, mut f, mut m) = (vec![0u8; n], vec![0u8; n], vec![0u8; n]);
    quintiles(inputs.iter().map(|c| ordered(c.recency)), n, &mut r);
    quintiles(inputs.iter().map(|c| c.frequency), n, &mut f);
    quintiles(inputs.iter().map(|c| ordered(c.monetary)), n, &mut m);
    (0..n)
        .map(|i| {
            let r = 6 - r[i];
            RfmScore {
                r,
                f: f[i],
                m: m[i],
                segment: Segment::of(r, f[i]),
            }
        })
        .collect()
}

/// One customer's RFM in one currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RfmRow {
    /// The customer (an id of [`Transactions::customers`]).
    pub customer: u32,
    /// Days from the last purchase's day to the as-of day (at least 1 when
    /// as-of is a midnight, as the command's is).
    pub recency_days: i64,
    /// Distinct orders (or purchase days, for lines without an order id).
    pub frequency: u64,
    /// Total spend.
    pub monetary: Amount,
    /// The scores among this currency's customers.
    pub score: RfmScore,
}

/// The RFM of every customer who bought in one currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RfmTable {
    /// The currency.
    pub currency: Currency,
    /// One row per customer, in order of their first purchase in this currency.
    pub rows: Vec<RfmRow>,
}

/// Customers per R and F score, and their spend: the RFM grid.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RfmGrid {
    /// `customers[r - 1][f - 1]`: customers with those scores.
    pub customers: [[u64; 5]; 5],
    /// `monetary[r - 1][f - 1]`: their total spend, in ten-thousandths.
    pub monetary: [[i64; 5]; 5],
}

impl RfmTable {
    /// The grid of customers per R and F score.
    pub fn grid(&self) -> RfmGrid {
        let mut grid = RfmGrid::default();
        for row in &self.rows {
            let (r, f) = (usize::from(row.score.r - 1), usize::from(row.score.f - 1));
            grid.customers[r][f] += 1;
            grid.monetary[r][f] = grid.monetary[r][f].saturating_add(row.monetary.ten_thousandths);
        }
        grid
    }

    /// Customers and spend (ten-thousandths) per segment, in [`Segment::ALL`] order.
    pub fn segments(&self) -> Vec<(Segment, u64, i64)> {
        let mut out: Vec<(Segment, u64, i64)> = Segment::ALL.iter().map(|s| (*s, 0, 0)).collect();
        for row in &self.rows {
            let slot = &mut out[Segment::ALL
                .iter()
                .position(|s| *s == row.score.segment)
                .expect("every segment is in ALL")];
            slot.1 += 1;
            slot.2 = slot.2.saturating_add(row.monetary.ten_thousandths);
        }
        out
    }
}

/// RFM of every customer with a purchase strictly before `as_of`
/// ([`Transactions::purchases_before`]), one table per currency in order of
/// the currency's first appearance; empty when no purchase comes before
/// `as_of`.
///
/// See the [module](self) for the definitions; the crate's
/// [module example](super) shows a use.
pub fn rfm(tx: &Transactions, as_of: Timestamp) -> Vec<RfmTable> {
    let as_of_day = as_of.epoch_day();
    let currencies = tx.currencies();
    // Each customer's rows, one per currency they bought in: a chain through
    // `pairs` from `head[customer]` (u32::MAX: none), so that memory follows
    // the (customer, currency) pairs present, not customers × currencies.
    let mut head = vec![u32::MAX; tx.customers().len()];
    // (currency, row in its table, next pair of the customer).
    let mut pairs: Vec<(u16, u32, u32)> = Vec::new();
    let mut tables: Vec<(usize, Vec<RfmRow>, Vec<i64>)> = Vec::new();
    // Each currency's table (usize::MAX: none yet); currencies are those of
    // the file, at most 26^3.
    let mut table_of = vec![usize::MAX; currencies.len()];
    // (table, customer's row, order or day) for the distinct count.
    let mut keys: Vec<u128> = Vec::new();
    let (customer_col, at_col, amount_col, currency_col) = (
        tx.customer_column(),
        tx.at_column(),
        tx.amount_column(),
        tx.currency_column(),
    );
    for i in tx.purchases_before(as_of) {
        let c = currency_col[i];
        if table_of[usize::from(c)] == usize::MAX {
            table_of[usize::from(c)] = tables.len();
            tables.push((usize::from(c), Vec::new(), Vec::new()));
        }
        let t = table_of[usize::from(c)];
        let customer = customer_col[i];
        let day = at_col[i].epoch_day();
        let mut p = head[customer as usize];
        while p != u32::MAX && pairs[p as usize].0 != c {
            p = pairs[p as usize].2;
        }
        let (_, rows, last_day) = &mut tables[t];
        let slot = if p == u32::MAX {
            let row = rows.len() as u32;
            pairs.push((c, row, head[customer as usize]));
            head[customer as usize] = (pairs.len() - 1) as u32;
            rows.push(RfmRow {
                customer,
                recency_days: 0,
                frequency: 0,
                monetary: Amount {
                    ten_thousandths: 0,
                    currency: currencies[usize::from(c)],
                },
                score: RfmScore {
                    r: 1,
                    f: 1,
                    m: 1,
                    segment: Segment::Lost,
                },
            });
            last_day.push(day);
            row
        } else {
            pairs[p as usize].1
        };
        let row = slot as usize;
        let amount = &mut rows[row].monetary.ten_thousandths;
        *amount = amount.saturating_add(amount_col[i]);
        last_day[row] = last_day[row].max(day);
        // An order id, or the day with the top bit set.
        let what = match tx.order_of(i) {
            Some(order) => u64::from(order),
            None => (1 << 63) | (day as u64 & ((1 << 62) - 1)),
        };
        keys.push((t as u128) << 96 | u128::from(slot) << 64 | u128::from(what));
    }
    keys.sort_unstable();
    keys.dedup();
    for k in keys {
        let (t, row) = ((k >> 96) as usize, (k >> 64) as u32 as usize);
        tables[t].1[row].frequency += 1;
    }
    tables
        .into_iter()
        .map(|(c, mut rows, last_day)| {
            for (row, last) in rows.iter_mut().zip(&last_day) {
                row.recency_days = as_of_day - last;
            }
            let inputs: Vec<RfmInput> = rows
                .iter()
                .map(|r| RfmInput {
                    recency: r.recency_days,
                    frequency: r.frequency,
                    monetary: r.monetary.ten_thousandths,
                })
                .collect();
            for (row, s) in rows.iter_mut().zip(score(&inputs)) {
                row.score = s;
            }
            RfmTable {
                currency: currencies[c],
                rows,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_of_the_grid_has_a_segment_as_documented() {
        let grid = [
            // F = 1..5, for R = 1..5
            [
                "lost",
                "hibernating",
                "at_risk",
                "at_risk",
                "cant_lose_them",
            ],
            [
                "hibernating",
                "hibernating",
                "at_risk",
                "at_risk",
                "cant_lose_them",
            ],
            [
                "about_to_sleep",
                "about_to_sleep",
                "need_attention",
                "loyal_customers",
                "loyal_customers",
            ],
            [
                "promising",
                "potential_loyalists",
                "potential_loyalists",
                "loyal_customers",
                "loyal_customers",
            ],
            [
                "new_customers",
                "potential_loyalists",
                "potential_loyalists",
                "champions",
                "champions",
            ],
        ];
        for r in 1..=5u8 {
            for f in 1..=5u8 {
                assert_eq!(
                    Segment::of(r, f).name(),
                    grid[usize::from(r - 1)][usize::from(f - 1)],
                    "R {r} F {f}"
                );
            }
        }
    }

    #[test]
    fn quintiles_match_qcut_of_ranks() {
        // pd.qcut(pd.Series(range(1, n+1)), 5, labels=False) + 1 for small n.
        assert_eq!((1..=2).map(|k| quintile(k, 2)).collect::<Vec<_>>(), [1, 5]);
        assert_eq!(
            (1..=3).map(|k| quintile(k, 3)).collect::<Vec<_>>(),
            [1, 3, 5]
        );
        assert_eq!(
            (1..=6).map(|k| quintile(k, 6)).collect::<Vec<_>>(),
            [1, 1, 2, 3, 4, 5]
        );
        assert_eq!(
            (1..=7).map(|k| quintile(k, 7)).collect::<Vec<_>>(),
            [1, 1, 2, 3, 4, 5, 5]
        );
    }

    #[test]
    fn the_radix_order_is_a_stable_sort() {
        let keys: Vec<u64> = (0..5_000u64)
            .map(|i| ((i * 7_919) % 613) | ((i % 3) << 40) | ((i % 2) << 63))
            .collect();
        let mut want: Vec<u32> = (0..keys.len() as u32).collect();
        want.sort_by_key(|&p| keys[p as usize]);
        assert_eq!(stable_order(keys), want);
        assert!(stable_order(Vec::new()).is_empty());
        assert_eq!(stable_order(vec![5, 5, 5]), [0, 1, 2]);
    }

    #[test]
    fn the_quintile_bounds_are_the_quintiles() {
        for n in 0..200u64 {
            let bounds = QuintileBounds::new(n);
            for k in 1..=n.max(1) {
                assert_eq!(bounds.of(k), quintile(k, n), "rank {k} of {n}");
            }
        }
    }

    #[test]
    fn counting_and_radix_rank_alike() {
        // Narrow keys (counted) and wide ones (radix sorted), with ties:
        // each position's quintile is that of its rank in a stable sort.
        for spread in [7u64, 1_000, 1 << 40] {
            let keys: Vec<u64> = (0..3_001u64)
                .map(|i| (i.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20) % spread)
                .collect();
            let mut order: Vec<u32> = (0..keys.len() as u32).collect();
            order.sort_by_key(|&p| keys[p as usize]);
            let mut want = vec![0u8; keys.len()];
            for (rank, &p) in order.iter().enumerate() {
                want[p as usize] = quintile(rank as u64 + 1, keys.len() as u64);
            }
            let mut got = vec![0u8; keys.len()];
            quintiles(keys.iter().copied(), keys.len(), &mut got);
            assert_eq!(got, want, "keys below {spread}");
        }
    }

    #[test]
    fn ties_break_by_position() {
        let same = RfmInput {
            recency: 10,
            frequency: 1,
            monetary: 5,
        };
        let s = score(&[same; 5]);
        // Recency: the first ranks first, so scores highest.
        assert_eq!(s.iter().map(|s| s.r).collect::<Vec<_>>(), [5, 4, 3, 2, 1]);
        assert_eq!(s.iter().map(|s| s.f).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
        assert_eq!(s.iter().map(|s| s.m).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn negative_keys_order_below_positive_ones() {
        let s = score(&[
            RfmInput {
                recency: 3,
                frequency: 1,
                monetary: 10,
            },
            RfmInput {
                recency: -3,
                frequency: 1,
                monetary: -10,
            },
        ]);
        assert_eq!((s[0].r, s[0].m), (1, 5));
        assert_eq!((s[1].r, s[1].m), (5, 1));
    }

    #[test]
    fn an_empty_base_scores_nothing() {
        assert!(score(&[]).is_empty());
        let one = score(&[RfmInput::default()]);
        assert_eq!((one[0].r, one[0].f, one[0].m), (5, 1, 1));
    }
}
