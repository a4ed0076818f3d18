//! Money in several currencies: what a customer paid in each, and which
//! currency a rule reads.
//!
//! A customer may pay in several currencies (an Argentine customer pays in
//! pesos and in dollars). Amounts of different currencies are never added:
//! the purchase metrics keep, for each currency, the purchases paid in it and
//! the revenue (purchases and renewals). The currency of the customer's first
//! amount is their *first currency*: [`Purchases::currency`] and
//! [`Purchases::revenue`] are its, as they were before customers could pay
//! in more than one; the others are [`Purchases::other_currencies`], sorted
//! by code. [`Purchases::count`] counts every purchase, whatever its currency.
//!
//! # Which currency a rule reads
//!
//! The money metrics (`revenue`, `average_order_value`, `event.amount`) are
//! read in the condition's `currency` (`{"metric": "revenue", "currency":
//! "USD", "op": ">=", "value": 50000}`); without one, in the model's
//! `currency`; without one either, in each customer's first currency. A
//! customer with no amount in the currency read has a `revenue` of 0, no
//! `average_order_value`, and an `event.amount` only for events in that
//! currency. `purchase_count` counts every purchase, or the purchases paid in
//! the condition's `currency` when it names one.
//!
//! A deployment taking several currencies should name one in the model (and
//! in each condition that means another): thresholds are amounts in one
//! currency, and the first-currency default exists for deployments with one.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::lifecycle::metrics::{Metric, Purchases};
use crate::model::money::{Currency, Money};
use crate::model::time::Timestamp;

/// What a customer paid in one currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CurrencyTotals {
    /// The currency.
    pub currency: Currency,
    /// Purchases paid in it.
    pub purchases: u32,
    /// Purchase and renewal revenue in it, minor units.
    pub revenue: i64,
}

/// Whether `metric` is an amount of money, read in one currency.
pub(crate) fn is_money(metric: Metric) -> bool {
    matches!(
        metric,
        Metric::Revenue | Metric::AverageOrderValue | Metric::EventAmount
    )
}

/// Whether a condition on `metric` may name a currency.
pub(crate) fn takes_currency(metric: Metric) -> bool {
    is_money(metric) || metric == Metric::PurchaseCount
}

/// Reads a currency code of a configuration, an error naming `field`.
pub(crate) fn config_currency(code: &str, field: &str) -> Result<Currency> {
    Currency::parse(code, field).map_err(|_| {
        Error::config(
            field,
            format!(
                "`{}` is not an ISO 4217 currency code (three letters, as `ARS`)",
                crate::model::time::clip(code)
            ),
        )
    })
}

impl Purchases {
    /// What the customer paid in each currency, the first currency first,
    /// then the others by code.
    pub fn by_currency(&self) -> impl Iterator<Item = CurrencyTotals> + '_ {
        let first = self.currency.map(|currency| CurrencyTotals {
            currency,
            purchases: self.first_currency_purchases(),
            revenue: self.revenue,
        });
        first
            .into_iter()
            .chain(self.other_currencies.iter().copied())
    }

    /// What the customer paid in `currency` (zeros for a currency they never
    /// paid in).
    pub fn in_currency(&self, currency: Currency) -> CurrencyTotals {
        self.by_currency()
            .find(|t| t.currency == currency)
            .unwrap_or(CurrencyTotals {
                currency,
                purchases: 0,
                revenue: 0,
            })
    }

    /// Purchases paid in the first currency (every purchase but those paid
    /// in the others).
    pub fn first_currency_purchases(&self) -> u32 {
        let others: u32 = self
            .other_currencies
            .iter()
            .fold(0u32, |n, t| n.saturating_add(t.purchases));
        self.count.saturating_sub(others)
    }

    /// Purchases and revenue in `currency`, or in the first currency for
    /// `None`.
    pub(crate) fn totals(&self, currency: Option<Currency>) -> (u32, i64) {
        match currency {
            Some(c) if Some(c) != self.currency => {
                let t = self.in_currency(c);
                (t.purchases, t.revenue)
            }
            _ => (self.first_currency_purchases(), self.revenue),
        }
    }

    /// Checks that `money` can be added: its currency's revenue stays
    /// within 64 bits.
    pub(crate) fn check_amount(&self, money: &Money) -> Result<()> {
        let (_, revenue) = self.totals(Some(money.currency));
        if revenue.checked_add(money.minor).is_none() {
            return Err(Error::InvalidAmount {
                field: "event.amount".into(),
                message: format!(
                    "the customer's revenue in {} would overflow 64 bits",
                    money.currency
                ),
            });
        }
        Ok(())
    }

    /// Adds an amount checked by [`Purchases::check_amount`]; `purchase`
    /// when it is a purchase's (counted in its currency: [`Purchases::count`]
    /// is counted apart).
    pub(crate) fn add_amount(&mut self, money: Money, purchase: bool) {
        let first = *self.currency.get_or_insert(money.currency);
        if money.currency == first {
            self.revenue += money.minor;
            return;
        }
        let others = &mut self.other_currencies;
        let at = match others.binary_search_by(|t| t.currency.cmp(&money.currency)) {
            Ok(at) => at,
            Err(at) => {
                // A new currency: rare, so the list is kept exactly sized.
                let mut list = std::mem::take(others).into_vec();
                list.insert(
                    at,
                    CurrencyTotals {
                        currency: money.currency,
                        purchases: 0,
                        revenue: 0,
                    },
                );
                *others = list.into_boxed_slice();
                at
            }
        };
        let t = &mut others[at];
        t.revenue += money.minor;
        t.purchases = t.purchases.saturating_add(u32::from(purchase));
    }

    /// Checks the currencies of stored purchase metrics (a state read from
    /// outside): other currencies sorted, each once, none the first, revenue
    /// not negative, no more purchases in them than in all.
    pub(crate) fn check_currencies(&self) -> Result<()> {
        let bad = |message: &str| {
            Err(Error::invalid(
                "state.metrics.purchases.other_currencies",
                message,
            ))
        };
        let others = &self.other_currencies;
        if others.is_empty() {
            return Ok(());
        }
        if self.currency.is_none() {
            return bad("other currencies without a first currency");
        }
        if others.iter().any(|t| Some(t.currency) == self.currency) {
            return bad("the first currency is listed among the others");
        }
        if others.windows(2).any(|w| w[0].currency >= w[1].currency) {
            return bad("currencies must be sorted by code, each once");
        }
        if others.iter().any(|t| t.revenue < 0) {
            return bad("revenue must be >= 0");
        }
        let purchases = others.iter().map(|t| u64::from(t.purchases)).sum::<u64>();
        if purchases > u64::from(self.count) {
            return bad("more purchases in other currencies than purchases");
        }
        Ok(())
    }

    /// Two customers' purchase totals joined, currency by currency: the
    /// first currency is that of the customer who bought first (`a`'s on a
    /// tie); `count` is set apart.
    pub(crate) fn join_currencies(a: &Purchases, b: &Purchases, into: &mut Purchases) {
        let b_first = match (a.first, b.first) {
            (Some(x), Some(y)) => y < x,
            (None, Some(_)) => true,
            _ => false,
        };
        let first = if b_first {
            b.currency.or(a.currency)
        } else {
            a.currency.or(b.currency)
        };
        let mut all: Vec<CurrencyTotals> = Vec::new();
        for t in a.by_currency().chain(b.by_currency()) {
            match all.iter_mut().find(|x| x.currency == t.currency) {
                Some(x) => {
                    x.purchases = x.purchases.saturating_add(t.purchases);
                    x.revenue = x.revenue.saturating_add(t.revenue);
                }
                None => all.push(t),
            }
        }
        all.sort_by_key(|t| t.currency);
        into.currency = first;
        into.revenue = all
            .iter()
            .find(|t| Some(t.currency) == first)
            .map_or(0, |t| t.revenue);
        into.other_currencies = all
            .into_iter()
            .filter(|t| Some(t.currency) != first)
            .collect();
    }
}

// Purchases in JSON: the first currency's fields as they always were, and
// `other_currencies` when there are any. In the compact binary encoding
// (postcard: states as bytes, snapshots) the field that held
// `Option<Currency>` holds an enum whose first two variants encode exactly as
// `None` and `Some(currency)` did (a tag byte 0 or 1, then the code), and a
// third (tag 2) carries the other currencies too: bytes written before
// customers could pay in several currencies read unchanged, and the bytes of
// a customer paying in one currency are the same as before.

/// The currency field of the binary encoding.
#[derive(Serialize, Deserialize)]
enum Currencies<O> {
    None,
    One(Currency),
    Several(Currency, O),
}

/// Purchase metrics as written: `other_currencies` only when there are any.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Purchases"))]
struct JsonOut<'a> {
    /// Purchases made, in every currency.
    count: u32,
    /// Purchase and renewal revenue in minor units of `currency`.
    revenue: i64,
    /// The customer's first currency: that of their first amount.
    currency: Option<Currency>,
    /// First purchase.
    first: Option<Timestamp>,
    /// Latest purchase.
    last: Option<Timestamp>,
    /// Running mean of the intervals between purchases, days (Welford).
    interval_mean_days: f64,
    /// Running sum of squared deviations of the intervals (Welford's M2).
    interval_m2: f64,
    /// 32-bit FNV-1a hashes of the distinct (case-folded) purchase categories.
    categories: &'a [u32],
    /// Purchases and revenue in the currencies other than `currency`, sorted
    /// by code; absent for a customer paying in one currency.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    other_currencies: &'a [CurrencyTotals],
}

/// Purchase metrics as read: `other_currencies` optional.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Purchases"))]
#[serde(deny_unknown_fields)]
struct JsonIn {
    /// Purchases made, in every currency.
    count: u32,
    /// Purchase and renewal revenue in minor units of `currency`.
    revenue: i64,
    /// The customer's first currency: that of their first amount.
    currency: Option<Currency>,
    /// First purchase.
    first: Option<Timestamp>,
    /// Latest purchase.
    last: Option<Timestamp>,
    /// Running mean of the intervals between purchases, days (Welford).
    interval_mean_days: f64,
    /// Running sum of squared deviations of the intervals (Welford's M2).
    interval_m2: f64,
    /// 32-bit FNV-1a hashes of the distinct (case-folded) purchase categories.
    categories: Box<[u32]>,
    /// Purchases and revenue in the currencies other than `currency`, sorted
    /// by code (none when absent).
    #[serde(default)]
    other_currencies: Box<[CurrencyTotals]>,
}

/// The JSON form's schema: what is read, or what is written.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Purchases {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Purchases".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        if generator.contract().is_serialize() {
            JsonOut::json_schema(generator)
        } else {
            JsonIn::json_schema(generator)
        }
    }
}

#[derive(Serialize)]
struct BinaryOut<'a> {
    count: u32,
    revenue: i64,
    currency: Currencies<&'a [CurrencyTotals]>,
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    interval_mean_days: f64,
    interval_m2: f64,
    categories: &'a [u32],
}

#[derive(Deserialize)]
struct BinaryIn {
    count: u32,
    revenue: i64,
    currency: Currencies<Box<[CurrencyTotals]>>,
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    interval_mean_days: f64,
    interval_m2: f64,
    categories: Box<[u32]>,
}

impl Serialize for Purchases {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            JsonOut {
                count: self.count,
                revenue: self.revenue,
                currency: self.currency,
                first: self.first,
                last: self.last,
                interval_mean_days: self.interval_mean_days,
                interval_m2: self.interval_m2,
                categories: &self.categories,
                other_currencies: &self.other_currencies,
            }
            .serialize(s)
        } else {
            let currency = match (self.currency, self.other_currencies.is_empty()) {
                (None, _) => Currencies::None,
                (Some(c), true) => Currencies::One(c),
                (Some(c), false) => Currencies::Several(c, &*self.other_currencies),
            };
            BinaryOut {
                count: self.count,
                revenue: self.revenue,
                currency,
                first: self.first,
                last: self.last,
                interval_mean_days: self.interval_mean_days,
                interval_m2: self.interval_m2,
                categories: &self.categories,
            }
            .serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for Purchases {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        if d.is_human_readable() {
            let p = JsonIn::deserialize(d)?;
            Ok(Purchases {
                count: p.count,
                revenue: p.revenue,
                currency: p.currency,
                first: p.first,
                last: p.last,
                interval_mean_days: p.interval_mean_days,
                interval_m2: p.interval_m2,
                categories: p.categories,
                other_currencies: p.other_currencies,
            })
        } else {
            let p = BinaryIn::deserialize(d)?;
            let (currency, other_currencies) = match p.currency {
                Currencies::None => (None, Box::default()),
                Currencies::One(c) => (Some(c), Box::default()),
                Currencies::Several(c, others) => (Some(c), others),
            };
            Ok(Purchases {
                count: p.count,
                revenue: p.revenue,
                currency,
                first: p.first,
                last: p.last,
                interval_mean_days: p.interval_mean_days,
                interval_m2: p.interval_m2,
                categories: p.categories,
                other_currencies,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purchases(currency: Option<&str>, others: &[(&str, u32, i64)]) -> Purchases {
        let c = |code: &str| Currency::parse(code, "c").unwrap();
        Purchases {
            count: 5,
            revenue: 12_500,
            currency: currency.map(c),
            first: Some(Timestamp::from_millis(1_000, "t").unwrap()),
            last: Some(Timestamp::from_millis(9_000, "t").unwrap()),
            interval_mean_days: 1.5,
            interval_m2: 0.25,
            categories: vec![7, 9].into_boxed_slice(),
            other_currencies: others
                .iter()
                .map(|&(code, purchases, revenue)| CurrencyTotals {
                    currency: c(code),
                    purchases,
                    revenue,
                })
                .collect(),
        }
    }

    /// The binary form of purchase metrics before customers paid in several
    /// currencies, to check that it reads unchanged.
    #[derive(Serialize)]
    struct Before<'a> {
        count: u32,
        revenue: i64,
        currency: Option<Currency>,
        first: Option<Timestamp>,
        last: Option<Timestamp>,
        interval_mean_days: f64,
        interval_m2: f64,
        categories: &'a [u32],
    }

    fn before(p: &Purchases) -> Vec<u8> {
        postcard::to_allocvec(&Before {
            count: p.count,
            revenue: p.revenue,
            currency: p.currency,
            first: p.first,
            last: p.last,
            interval_mean_days: p.interval_mean_days,
            interval_m2: p.interval_m2,
            categories: &p.categories,
        })
        .unwrap()
    }

    #[test]
    fn the_binary_form_of_one_currency_is_the_one_before() {
        for p in [purchases(Some("ARS"), &[]), purchases(None, &[])] {
            let bytes = postcard::to_allocvec(&p).unwrap();
            assert_eq!(bytes, before(&p), "written as before");
            assert_eq!(postcard::from_bytes::<Purchases>(&before(&p)).unwrap(), p);
        }
        let several = purchases(Some("ARS"), &[("EUR", 1, 300), ("USD", 2, 4_000)]);
        let bytes = postcard::to_allocvec(&several).unwrap();
        assert_eq!(postcard::from_bytes::<Purchases>(&bytes).unwrap(), several);
        let json = serde_json::to_string(&several).unwrap();
        assert!(
            json.contains(r#""other_currencies":[{"currency":"EUR","purchases":1,"revenue":300}"#)
        );
        assert_eq!(serde_json::from_str::<Purchases>(&json).unwrap(), several);
        let one = serde_json::to_string(&purchases(Some("ARS"), &[])).unwrap();
        assert!(!one.contains("other_currencies"), "{one}");
    }

    #[test]
    fn amounts_add_up_per_currency() {
        let c = |code: &str| Currency::parse(code, "c").unwrap();
        let money = |minor, code| Money {
            minor,
            currency: c(code),
        };
        let mut p = purchases(None, &[]);
        (p.count, p.revenue) = (0, 0);
        for (m, purchase) in [
            (money(1_000, "ARS"), true),
            (money(50, "USD"), true),
            (money(2_000, "ARS"), false),
            (money(7, "BRL"), true),
            (money(25, "USD"), true),
        ] {
            p.check_amount(&m).unwrap();
            p.add_amount(m, purchase);
            p.count += u32::from(purchase);
        }
        let totals: Vec<(String, u32, i64)> = p
            .by_currency()
            .map(|t| (t.currency.to_string(), t.purchases, t.revenue))
            .collect();
        assert_eq!(
            totals,
            [
                ("ARS".into(), 1, 3_000),
                ("BRL".into(), 1, 7),
                ("USD".into(), 2, 75)
            ]
        );
        assert_eq!(p.totals(None), (1, 3_000));
        assert_eq!(p.totals(Some(c("EUR"))), (0, 0));
        p.check_currencies().unwrap();
        let overflow = money(i64::MAX, "USD");
        assert!(p.check_amount(&overflow).is_err());
    }
}
