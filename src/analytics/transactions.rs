//! Purchase lines and a compact columnar set of them.
//!
//! A [`Transaction`] is one line of a sales export: who bought, when, for how
//! much, and optionally in which order, which product and category, how many.
//! [`Transactions`] holds many of them column by column, with customer, order,
//! product and category ids interned once, so that half a million lines cost a
//! few tens of bytes each.
//!
//! Not every line is a purchase ([`Transaction::is_purchase`]): returns
//! (a negative quantity), cancellations (an order id such as `C489449`: `C`
//! and a digit, as the Online Retail files write them) and negative amounts
//! (adjustments) are kept in the set but count in no purchase metric.

use std::fmt;
use std::hash::BuildHasher;

use crate::model::{Currency, Timestamp};

/// An exact amount of money: a decimal with four places and a currency.
///
/// Four places hold every price a sales export writes (pence, cents, and the
/// tenths of a penny some wholesale prices carry) and a quantity times such a
/// price, without rounding. Sums stay exact up to about 922 billion units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Amount {
    /// The amount in ten-thousandths of the currency's unit (`293300` is 29.33).
    pub ten_thousandths: i64,
    /// The currency.
    pub currency: Currency,
}

/// Ten-thousandths in one unit of a currency.
pub const AMOUNT_SCALE: i64 = 10_000;

impl Amount {
    /// An amount from minor units with `decimals` places (0 to 4): `(2933, 2)`
    /// is 29.33. More places than 4 are rounded half to even.
    ///
    /// ```
    /// use ciclo::analytics::transactions::Amount;
    /// let usd = ciclo::model::Currency::parse("USD", "c")?;
    /// assert_eq!(Amount::from_minor(2933, 2, usd).to_string(), "29.33");
    /// assert_eq!(Amount::from_minor(-5, 0, usd).to_string(), "-5.00");
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn from_minor(minor: i64, decimals: u32, currency: Currency) -> Amount {
        let ten_thousandths = if decimals <= 4 {
            minor.saturating_mul(10_i64.pow(4 - decimals))
        } else {
            round_half_even(i128::from(minor), 10_i128.pow(decimals.min(30) - 4))
        };
        Amount {
            ten_thousandths,
            currency,
        }
    }

    /// Parses a decimal such as `29.33`, `-1.5`, `+7`, `.5` or `29,33` (a
    /// decimal comma when there is no point). Digits past the fourth place are
    /// rounded half to even. `None` for anything else: thousands separators,
    /// currency signs, exponents, empty text, or more than 18 digits before
    /// the point.
    ///
    /// ```
    /// use ciclo::analytics::transactions::Amount;
    /// let gbp = ciclo::model::Currency::parse("GBP", "c")?;
    /// assert_eq!(Amount::parse("6.95", gbp).unwrap().ten_thousandths, 69_500);
    /// assert_eq!(Amount::parse("0,001", gbp).unwrap().ten_thousandths, 10);
    /// assert_eq!(Amount::parse("29.330000000000002", gbp).unwrap().to_string(), "29.33");
    /// assert!(Amount::parse("1,234.50", gbp).is_none());
    /// assert!(Amount::parse("$5", gbp).is_none());
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn parse(text: &str, currency: Currency) -> Option<Amount> {
        let text = text.trim();
        let (negative, body) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (int, frac) = match body.find(['.', ',']) {
            Some(i) => (&body[..i], &body[i + 1..]),
            None => (body, ""),
        };
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty())
            || !digits(int)
            || !digits(frac)
            || int.len() > 18
            || (body.len() > int.len() && frac.is_empty())
        {
            return None;
        }
        let mut units: i128 = 0;
        for b in int.bytes() {
            units = units * 10 + i128::from(b - b'0');
        }
        // The first 4 places exactly, the rest only to round.
        let mut value = units * i128::from(AMOUNT_SCALE);
        let mut place = i128::from(AMOUNT_SCALE);
        for b in frac.bytes().take(4) {
            place /= 10;
            value += i128::from(b - b'0') * place;
        }
        if frac.len() > 4 {
            let rest = &frac[4..];
            let first = rest.as_bytes()[0] - b'0';
            let beyond = rest.bytes().skip(1).any(|b| b != b'0');
            let up = first > 5 || (first == 5 && (beyond || value % 2 == 1));
            if up {
                value += 1;
            }
        }
        let value = if negative { -value } else { value };
        Some(Amount {
            ten_thousandths: i64::try_from(value).ok()?,
            currency,
        })
    }

    /// This amount times a whole quantity, `None` on overflow.
    pub fn times(self, quantity: i64) -> Option<Amount> {
        Some(Amount {
            ten_thousandths: self.ten_thousandths.checked_mul(quantity)?,
            currency: self.currency,
        })
    }
}

/// `value / divisor` rounded half to even, saturated to `i64`.
fn round_half_even(value: i128, divisor: i128) -> i64 {
    let (q, r) = (value.div_euclid(divisor), value.rem_euclid(divisor));
    let q = match (2 * r).cmp(&divisor) {
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal if q % 2 != 0 => q + 1,
        _ => q,
    };
    i64::try_from(q).unwrap_or(if q < 0 { i64::MIN } else { i64::MAX })
}

/// Writes ten-thousandths as a decimal with at least two places and no
/// trailing zeros past them: `293300` as `29.33`, `10` as `0.001`.
pub fn format_ten_thousandths(value: i64) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    let (int, frac) = (abs / 10_000, abs % 10_000);
    let mut frac = format!("{frac:04}");
    while frac.len() > 2 && frac.ends_with('0') {
        frac.pop();
    }
    format!("{sign}{int}.{frac}")
}

impl fmt::Display for Amount {
    /// The decimal without the currency (`29.33`), as [`format_ten_thousandths`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_ten_thousandths(self.ten_thousandths))
    }
}

/// One line of a sales export, borrowed: a customer bought `quantity` of a
/// product for `amount` (the line's total) at `at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transaction<'a> {
    /// The customer's id.
    pub customer: &'a str,
    /// When. Exports without a time zone are read as UTC wall-clock time, so
    /// the day written in the file is the day counted.
    pub at: Timestamp,
    /// The line's total (quantity times unit price), with its currency.
    pub amount: Amount,
    /// The order or invoice id, when the export has one.
    pub order: Option<&'a str>,
    /// The product (stock code, SKU), when known.
    pub product: Option<&'a str>,
    /// The product's category, when known.
    pub category: Option<&'a str>,
    /// How many; negative for a return. 1 when the export has no quantity.
    pub quantity: i64,
}

impl Transaction<'_> {
    /// Whether the line is a purchase: a quantity above zero, an amount not
    /// below zero, and an order id that is not a cancellation's (`C` or `c`
    /// followed by a digit, such as `C489449`).
    ///
    /// ```
    /// use ciclo::analytics::transactions::{Amount, Transaction};
    /// let gbp = ciclo::model::Currency::parse("GBP", "c")?;
    /// let line = Transaction {
    ///     customer: "13085",
    ///     at: ciclo::model::Timestamp::parse("2009-12-01T07:45:00Z", "at")?,
    ///     amount: Amount::from_minor(8340, 2, gbp),
    ///     order: Some("489434"),
    ///     product: Some("85048"),
    ///     category: None,
    ///     quantity: 12,
    /// };
    /// assert!(line.is_purchase());
    /// assert!(!Transaction { order: Some("C489449"), ..line }.is_purchase());
    /// assert!(!Transaction { quantity: -12, ..line }.is_purchase());
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn is_purchase(&self) -> bool {
        is_purchase(self.quantity, self.amount.ten_thousandths, self.order)
    }
}

fn is_purchase(quantity: i64, amount: i64, order: Option<&str>) -> bool {
    quantity > 0 && amount >= 0 && !order.is_some_and(is_cancellation)
}

/// Whether an order id is a cancellation's: `C` or `c` and then a digit.
pub fn is_cancellation(order: &str) -> bool {
    let b = order.as_bytes();
    b.len() >= 2 && (b[0] == b'C' || b[0] == b'c') && b[1].is_ascii_digit()
}

/// Marks an absent order, product or category in the columns.
const NONE: u32 = u32::MAX;

/// Strings stored once, each with a dense id in order of first appearance.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    names: Vec<Box<str>>,
    table: hashbrown::HashTable<u32>,
    hasher: foldhash::fast::FixedState,
}

impl Interner {
    /// The id of `name`, adding it if new.
    pub fn intern(&mut self, name: &str) -> u32 {
        let hash = self.hasher.hash_one(name);
        let names = &self.names;
        if let Some(&id) = self.table.find(hash, |&id| &*names[id as usize] == name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).expect("fewer than 2^32 - 1 names");
        self.names.push(name.into());
        let (names, hasher) = (&self.names, &self.hasher);
        self.table
            .insert_unique(hash, id, |&id| hasher.hash_one(&*names[id as usize]));
        id
    }

    /// The id of `name`, if interned.
    pub fn get(&self, name: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(name);
        self.table
            .find(hash, |&id| &*self.names[id as usize] == name)
            .copied()
    }

    /// The name of an id.
    ///
    /// # Panics
    ///
    /// If `id` was not given by this interner.
    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// How many names.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Many [`Transaction`]s, column by column, in the order pushed.
///
/// Customers, orders, products and categories are interned: each id is a
/// dense `u32` in order of first appearance ([`Transactions::customers`]
/// names them), so per-customer results are plain vectors.
///
/// ```
/// use ciclo::analytics::transactions::{Amount, Transaction, Transactions};
/// let eur = ciclo::model::Currency::parse("EUR", "c")?;
/// let mut set = Transactions::default();
/// let line = Transaction {
///     customer: "c-1",
///     at: ciclo::model::Timestamp::parse("2026-01-05T10:00:00Z", "at")?,
///     amount: Amount::from_minor(1250, 2, eur),
///     order: Some("o-1"),
///     product: Some("tea"),
///     category: None,
///     quantity: 1,
/// };
/// set.push(&line);
/// set.push(&Transaction { product: Some("cups"), ..line });
/// assert_eq!((set.len(), set.customers().len()), (2, 1));
/// assert_eq!(set.get(1).product, Some("cups"));
/// # Ok::<(), ciclo::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Transactions {
    customers: Interner,
    orders: Interner,
    products: Interner,
    categories: Interner,
    currencies: Vec<Currency>,
    /// Each currency's index in `currencies`: O(1) per line whatever the
    /// number of currencies.
    currency_index: std::collections::HashMap<Currency, u16, foldhash::fast::FixedState>,
    customer: Vec<u32>,
    at: Vec<Timestamp>,
    amount: Vec<i64>,
    currency: Vec<u16>,
    order: Vec<u32>,
    product: Vec<u32>,
    category: Vec<u32>,
    quantity: Vec<i64>,
    /// Lines marked as not a product ([`Transactions::mark_not_product`]),
    /// one bit each; empty until a line is marked.
    not_product: Vec<u64>,
}

impl Transactions {
    /// Appends a line.
    pub fn push(&mut self, t: &Transaction<'_>) {
        // At most 26^3 currency codes exist: a u16 holds every index.
        let next = self.currencies.len() as u16;
        let currency = *self.currency_index.entry(t.amount.currency).or_insert(next);
        if currency == next {
            self.currencies.push(t.amount.currency);
        }
        self.customer.push(self.customers.intern(t.customer));
        self.at.push(t.at);
        self.amount.push(t.amount.ten_thousandths);
        self.currency.push(currency);
        self.order
            .push(t.order.map_or(NONE, |o| self.orders.intern(o)));
        self.product
            .push(t.product.map_or(NONE, |p| self.products.intern(p)));
        self.category
            .push(t.category.map_or(NONE, |c| self.categories.intern(c)));
        self.quantity.push(t.quantity);
    }

    /// How many lines.
    pub fn len(&self) -> usize {
        self.customer.len()
    }

    /// Whether there are no lines.
    pub fn is_empty(&self) -> bool {
        self.customer.is_empty()
    }

    /// Line `i`, borrowed.
    ///
    /// # Panics
    ///
    /// If `i >= self.len()`.
    pub fn get(&self, i: usize) -> Transaction<'_> {
        fn opt(names: &Interner, id: u32) -> Option<&str> {
            (id != NONE).then(|| names.name(id))
        }
        Transaction {
            customer: self.customers.name(self.customer[i]),
            at: self.at[i],
            amount: Amount {
                ten_thousandths: self.amount[i],
                currency: self.currencies[usize::from(self.currency[i])],
            },
            order: opt(&self.orders, self.order[i]),
            product: opt(&self.products, self.product[i]),
            category: opt(&self.categories, self.category[i]),
            quantity: self.quantity[i],
        }
    }

    /// The customer ids, in order of first appearance.
    pub fn customers(&self) -> &Interner {
        &self.customers
    }

    /// The product ids, in order of first appearance.
    pub fn products(&self) -> &Interner {
        &self.products
    }

    /// The category ids, in order of first appearance.
    pub fn categories(&self) -> &Interner {
        &self.categories
    }

    /// The currencies, in order of first appearance.
    pub fn currencies(&self) -> &[Currency] {
        &self.currencies
    }

    /// Each line's customer (an id of [`Transactions::customers`]).
    pub fn customer_column(&self) -> &[u32] {
        &self.customer
    }

    /// Each line's time.
    pub fn at_column(&self) -> &[Timestamp] {
        &self.at
    }

    /// Each line's amount in ten-thousandths of its currency.
    pub fn amount_column(&self) -> &[i64] {
        &self.amount
    }

    /// Each line's currency (an index into [`Transactions::currencies`]).
    pub fn currency_column(&self) -> &[u16] {
        &self.currency
    }

    /// Each line's order id (of [`Transactions::order_name`]), `None` when absent.
    pub fn order_of(&self, i: usize) -> Option<u32> {
        (self.order[i] != NONE).then_some(self.order[i])
    }

    /// How many distinct order ids.
    pub fn order_count(&self) -> u32 {
        self.orders.len() as u32
    }

    /// An order id's text.
    pub fn order_name(&self, id: u32) -> &str {
        self.orders.name(id)
    }

    /// Each line's product (an id of [`Transactions::products`]), `None` when absent.
    pub fn product_of(&self, i: usize) -> Option<u32> {
        (self.product[i] != NONE).then_some(self.product[i])
    }

    /// Each line's category (an id of [`Transactions::categories`]), `None` when absent.
    pub fn category_of(&self, i: usize) -> Option<u32> {
        (self.category[i] != NONE).then_some(self.category[i])
    }

    /// Each line's quantity.
    pub fn quantity_column(&self) -> &[i64] {
        &self.quantity
    }

    /// Whether line `i` is a purchase ([`Transaction::is_purchase`]).
    pub fn is_purchase(&self, i: usize) -> bool {
        let order = (self.order[i] != NONE).then(|| self.orders.name(self.order[i]));
        is_purchase(self.quantity[i], self.amount[i], order)
    }

    /// Marks line `i` as a service or charge line, not a product sold
    /// ([`crate::analytics::not_product`]): it still counts as spend in RFM
    /// and cohorts, but it is never offered and feeds no affinity.
    ///
    /// # Panics
    ///
    /// If `i >= self.len()`.
    pub fn mark_not_product(&mut self, i: usize) {
        assert!(i < self.len(), "line {i} of {}", self.len());
        let words = self.len().div_ceil(64);
        if self.not_product.len() < words {
            self.not_product.resize(words, 0);
        }
        self.not_product[i / 64] |= 1 << (i % 64);
    }

    /// Whether line `i` was marked as not a product
    /// ([`Transactions::mark_not_product`]).
    pub fn is_not_product(&self, i: usize) -> bool {
        self.not_product
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// How many lines are marked as not a product.
    pub fn not_product_count(&self) -> usize {
        self.not_product
            .iter()
            .map(|w| w.count_ones() as usize)
            .sum()
    }

    /// The lines that are purchases made strictly before `as_of`, in order.
    pub fn purchases_before(&self, as_of: Timestamp) -> impl Iterator<Item = usize> + '_ {
        // Cancellation is a property of the order: decide it once per order.
        let cancelled: Vec<bool> = (0..self.orders.len())
            .map(|o| is_cancellation(self.orders.name(o as u32)))
            .collect();
        (0..self.len()).filter(move |&i| {
            self.at[i] < as_of
                && self.quantity[i] > 0
                && self.amount[i] >= 0
                && (self.order[i] == NONE || !cancelled[self.order[i] as usize])
        })
    }

    /// The day after the last line's day (midnight UTC), the default as-of
    /// date; `None` for an empty set.
    pub fn day_after_last(&self) -> Option<Timestamp> {
        let last = self.at.iter().max()?;
        let day = last.epoch_day() + 1;
        Timestamp::from_millis(day * crate::model::time::MS_PER_DAY, "as_of").ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbp() -> Currency {
        Currency::parse("GBP", "c").unwrap()
    }

    #[test]
    fn amounts_parse_exactly() {
        let p = |s: &str| Amount::parse(s, gbp()).map(|a| a.ten_thousandths);
        assert_eq!(p("29.33"), Some(293_300));
        assert_eq!(p("-1.5"), Some(-15_000));
        assert_eq!(p(".5"), Some(5_000));
        assert_eq!(p("7"), Some(70_000));
        assert_eq!(p("0.00005"), Some(0));
        assert_eq!(p("0.00015"), Some(2));
        assert_eq!(p("0.000151"), Some(2));
        assert_eq!(p("0.00025"), Some(2));
        for bad in ["", "-", ".", "1.", "1..2", "1e3", "1,234.5", "abc", "1 2"] {
            assert_eq!(p(bad), None, "{bad}");
        }
        assert_eq!(p("1234567890123456789"), None);
    }

    #[test]
    fn amounts_format_with_two_places_at_least() {
        assert_eq!(format_ten_thousandths(0), "0.00");
        assert_eq!(format_ten_thousandths(-10), "-0.001");
        assert_eq!(format_ten_thousandths(123_450), "12.345");
        assert_eq!(
            Amount::from_minor(123_456, 5, gbp()).ten_thousandths,
            12_346
        );
        assert_eq!(Amount::from_minor(5, 5, gbp()).ten_thousandths, 0);
        assert_eq!(Amount::from_minor(15, 5, gbp()).ten_thousandths, 2);
    }

    #[test]
    fn cancellations_are_c_and_a_digit() {
        assert!(is_cancellation("C489449"));
        assert!(is_cancellation("c1"));
        assert!(!is_cancellation("CO-12"));
        assert!(!is_cancellation("489449"));
        assert!(!is_cancellation("C"));
    }

    #[test]
    fn interner_gives_dense_ids() {
        let mut i = Interner::default();
        assert_eq!(i.intern("a"), 0);
        assert_eq!(i.intern("b"), 1);
        assert_eq!(i.intern("a"), 0);
        assert_eq!(i.get("b"), Some(1));
        assert_eq!(i.get("c"), None);
        assert_eq!(i.name(1), "b");
    }
}
