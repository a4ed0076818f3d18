//! Product affinity and next best offer as JSON: the options of
//! [`Engine::learn_affinities`](crate::Engine::learn_affinities), what it
//! learned, and [`Engine::next_best_offers`](crate::Engine::next_best_offers).

use serde::{Deserialize, Serialize};

use crate::analytics::affinity::{AffinityKind, AffinityOptions, Level};
use crate::engine::{AffinitySummary, NamedAffinity, NextBestOffers};
use crate::error::{Error, Result};
use crate::model::money::Currency;
use crate::model::time::Timestamp;

/// Options of learning affinities; every key optional, with the defaults of
/// [`AffinityOptions::default`].
#[derive(Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct AffinityOptionsJson {
    /// `product` (default): items are the `product` attribute of purchases,
    /// else their category; `category`: items are categories.
    #[serde(default)]
    level: Option<LevelJson>,
    /// Smallest support kept (orders or customers with both), at least 1
    /// (default 2).
    #[serde(default)]
    min_support: Option<u32>,
    /// Neighbours kept per product, 1 to 1000 (default 50).
    #[serde(default)]
    top_k: Option<u32>,
    /// Factor of bought-together affinities (default 1; 0: not learned).
    #[serde(default)]
    together: Option<f64>,
    /// Factor of bought-later affinities (default 1; 0: not learned).
    #[serde(default)]
    later: Option<f64>,
    /// A later purchase counts only within this many days (default 90).
    #[serde(default)]
    later_within_days: Option<f64>,
    /// Half-life in days of a purchase's weight by its age (default 60).
    #[serde(default)]
    half_life_days: Option<f64>,
    /// Exponent of the antecedent's count (default 0: counts; 1: confidence).
    #[serde(default)]
    antecedent_exponent: Option<f64>,
    /// Pseudo-count added to the antecedent's count (default 0).
    #[serde(default)]
    shrinkage: Option<f64>,
    /// Exponent of the consequent's popularity (default 0.3; 1: lift).
    #[serde(default)]
    popularity_exponent: Option<f64>,
    /// The moment ages are measured from (default: the latest purchase).
    #[serde(default)]
    as_of: Option<Timestamp>,
}

/// What an item is.
#[derive(Deserialize, Clone, Copy)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
enum LevelJson {
    /// Products.
    Product,
    /// Categories.
    Category,
}

/// Reads affinity options: `""` (or only whitespace) for the defaults, or
/// `{"min_support": 2, "top_k": 50, ...}` (see [`AffinityOptions`]).
///
/// # Errors
///
/// [`Error::Json`] or [`Error::UnknownField`] for malformed JSON;
/// [`Error::InvalidArgument`] naming the option for a bad value.
pub fn affinity_options_from_json(text: &str) -> Result<AffinityOptions> {
    if text.trim().is_empty() {
        return Ok(AffinityOptions::default());
    }
    let j: AffinityOptionsJson = super::read(text, "affinity options")?;
    let d = AffinityOptions::default();
    let options = AffinityOptions {
        level: match j.level {
            Some(LevelJson::Category) => Level::Category,
            _ => Level::Product,
        },
        min_support: j.min_support.unwrap_or(d.min_support),
        top_k: j.top_k.map_or(d.top_k, |k| k as usize),
        together: j.together.unwrap_or(d.together),
        later: j.later.unwrap_or(d.later),
        later_within_days: j.later_within_days.or(d.later_within_days),
        half_life_days: j.half_life_days.or(d.half_life_days),
        antecedent_exponent: j.antecedent_exponent.unwrap_or(d.antecedent_exponent),
        shrinkage: j.shrinkage.unwrap_or(d.shrinkage),
        popularity_exponent: j.popularity_exponent.unwrap_or(d.popularity_exponent),
        as_of: j.as_of,
    };
    options.check().map_err(|e| match e {
        Error::InvalidArgument { field, message } => Error::InvalidArgument {
            field: format!("options.{field}"),
            message,
        },
        other => other,
    })?;
    Ok(options)
}

/// An affinity between two products.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct AffinityJson<'a> {
    /// The product bought first or alongside.
    from: &'a str,
    /// The product it points to.
    to: &'a str,
    /// `together` (same order) or `later` (a later order of the customer).
    kind: &'static str,
    /// Orders (together) or customers (later) with both.
    support: u32,
    /// Support over all orders (customers).
    support_share: f64,
    /// `P(to | from)`.
    confidence: f64,
    /// Confidence over `to`'s share of all orders (customers).
    lift: f64,
}

impl<'a> AffinityJson<'a> {
    fn of(a: &'a NamedAffinity) -> AffinityJson<'a> {
        AffinityJson {
            from: &a.from,
            to: &a.to,
            kind: match a.kind {
                AffinityKind::Together => "together",
                AffinityKind::Later => "later",
            },
            support: a.support,
            support_share: a.support_share,
            confidence: a.confidence,
            lift: a.lift,
        }
    }
}

/// What learning affinities found.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct AffinitySummaryJson<'a> {
    /// The moment ages were measured from.
    as_of: Timestamp,
    /// Distinct products in the histories.
    products: usize,
    /// Orders in the histories.
    orders: u32,
    /// Customers with a history.
    customers: u32,
    /// Affinities kept.
    affinities: usize,
    /// The currency of the spend base for up-sell (`null`: no purchase).
    currency: Option<Currency>,
    /// Customers in the spend base.
    spend_base: usize,
    /// The strongest affinities, at most 10.
    top: Vec<AffinityJson<'a>>,
}

/// What [`Engine::learn_affinities`](crate::Engine::learn_affinities)
/// learned, as JSON: `{"as_of", "products", "orders", "customers",
/// "affinities", "currency", "spend_base", "top": [{"from", "to", "kind",
/// "support", "support_share", "confidence", "lift"}]}`.
pub fn affinity_summary_to_json(summary: &AffinitySummary) -> String {
    let out = AffinitySummaryJson {
        as_of: summary.as_of,
        products: summary.products,
        orders: summary.orders,
        customers: summary.customers,
        affinities: summary.affinities,
        currency: summary.currency,
        spend_base: summary.spend_base,
        top: summary.top.iter().map(AffinityJson::of).collect(),
    };
    serde_json::to_string(&out).expect("a summary always serialises")
}

/// One suggested action.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct OfferJson<'a> {
    /// 1 for the best.
    rank: u32,
    /// `cross_sell`, `up_sell`, `retention` or `win_back`.
    kind: &'static str,
    /// `offer_product` (`offer_category` for affinities learned at the
    /// category level), `up_sell`, the trigger's action, or
    /// `win_back_offer`.
    action: &'a str,
    /// The product offered (cross-sell; a category for affinities learned
    /// at the category level), else `null`.
    product: Option<&'a str>,
    /// The trigger rule (retention), else `null`.
    rule: Option<&'a str>,
    /// Expected value in minor units of `currency`, the ranking key.
    value: f64,
    /// The currency of `value`.
    currency: Option<Currency>,
    /// Whether `value` used the customer-base models.
    valued_with_models: bool,
    /// Why, in one sentence.
    reason: &'a str,
    /// The affinity behind a cross-sell, else `null`.
    affinity: Option<AffinityJson<'a>>,
    /// The signals behind a retention or win-back action, or the spend
    /// figures behind an up-sell, by name.
    signals: std::collections::BTreeMap<&'a str, f64>,
}

/// A customer's next best offers.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct NextBestOffersJson<'a> {
    /// The customer (the id they resolved to).
    customer: &'a str,
    /// The moment of the offers.
    at: Timestamp,
    /// Why no offer is made at all (`unsubscribed`, `contact_cap`), else
    /// `null`.
    suppressed: Option<&'a str>,
    /// Whether affinities were learned (without them, no cross-sell or
    /// up-sell).
    affinities_learned: bool,
    /// `P(alive)`, when the customer-base models are fitted.
    p_alive: Option<f64>,
    /// Expected value, when the models are fitted.
    expected_value: Option<f64>,
    /// The churn-risk score.
    churn_risk: Option<f64>,
    /// Best first.
    offers: Vec<OfferJson<'a>>,
}

/// A customer's next best offers as JSON: `{"customer", "at", "suppressed",
/// "affinities_learned", "p_alive", "expected_value", "churn_risk",
/// "offers": [{"rank", "kind", "action", "product", "rule", "value",
/// "currency", "valued_with_models", "reason", "affinity", "signals"}]}`.
pub fn next_best_offers_to_json(offers: &NextBestOffers) -> String {
    let out = NextBestOffersJson {
        customer: &offers.customer,
        at: offers.at,
        suppressed: offers.suppressed.as_deref(),
        affinities_learned: offers.affinities_learned,
        p_alive: offers.p_alive,
        expected_value: offers.expected_value,
        churn_risk: offers.churn_risk,
        offers: offers
            .offers
            .iter()
            .enumerate()
            .map(|(i, o)| OfferJson {
                rank: i as u32 + 1,
                kind: o.kind.name(),
                action: &o.action,
                product: o.product.as_deref(),
                rule: o.rule.as_deref(),
                value: o.value,
                currency: o.currency,
                valued_with_models: o.valued_with_models,
                reason: &o.reason,
                affinity: o.affinity.as_ref().map(AffinityJson::of),
                signals: o.signals.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
            })
            .collect(),
    };
    serde_json::to_string(&out).expect("offers always serialise")
}
