//! Next best offer in the engine: product affinities learned from the
//! purchase histories the engine keeps ([`super::history`]), and for one
//! customer a ranked list of actions (cross-sell, up-sell, retention,
//! win-back), each valued and explained (see [`crate::analytics::offers`]).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use compact_str::CompactString;

use super::history::{item_hash, Item};
use super::{lock, not_found, Engine};
use crate::analytics::affinity::{
    AffinityKind, AffinityModel, AffinityOptions, BasketLine, HistoryItem, Level, OfferReason,
    RecommendOptions,
};
pub use crate::analytics::offers::OfferKind;
use crate::analytics::offers::{rank, CustomerValue, SpendBase};
use crate::error::Result;
use crate::model::money::Currency;
use crate::model::time::Timestamp;
use crate::retention::{win_back_candidate, FiringLog, Signal, SignalEvidence};

/// Most offers [`Engine::next_best_offers`] returns (`n`): a ranked list a
/// person reads, not a catalogue. The C ABI's `CICLO_MAX_OFFERS`.
pub const MAX_OFFERS: usize = 100;

/// Affinities learned, with the names of their products and the base's spend.
#[derive(Debug)]
pub(crate) struct Learned {
    model: AffinityModel,
    /// Products or categories: what the items are.
    level: Level,
    /// Item id → name, ascending.
    products: Vec<CompactString>,
    /// Item name → id.
    index: HashMap<CompactString, u32, foldhash::fast::FixedState>,
    /// The item's hash in the customers' sets of items bought → id.
    by_hash: HashMap<u64, u32, foldhash::fast::FixedState>,
    /// Spend per purchase of the customers paying in `currency`.
    spend: SpendBase,
    currency: Option<Currency>,
}

/// An affinity between two named products (see
/// [`crate::analytics::affinity::Affinity`]).
#[derive(Clone, Debug, PartialEq)]
pub struct NamedAffinity {
    /// The product bought first or alongside.
    pub from: String,
    /// The product it points to.
    pub to: String,
    /// Together (same order) or later (a later order of the same customer).
    pub kind: AffinityKind,
    /// Orders (together) or customers (later) with both.
    pub support: u32,
    /// Support over all orders (customers).
    pub support_share: f64,
    /// `P(to | from)`.
    pub confidence: f64,
    /// Confidence over `to`'s share of all orders (customers).
    pub lift: f64,
}

/// What [`Engine::learn_affinities`] learned.
#[derive(Clone, Debug, PartialEq)]
pub struct AffinitySummary {
    /// The moment ages were measured from.
    pub as_of: Timestamp,
    /// Distinct products in the histories (categories, at
    /// [`Level::Category`]).
    pub products: usize,
    /// Orders in the histories.
    pub orders: u32,
    /// Customers with a history.
    pub customers: u32,
    /// Affinities kept (at most `top_k` per product).
    pub affinities: usize,
    /// The currency of the spend base for up-sell (`None`: no purchase).
    pub currency: Option<Currency>,
    /// Customers in the spend base.
    pub spend_base: usize,
    /// The strongest affinities, at most 10.
    pub top: Vec<NamedAffinity>,
}

/// One suggested action for a customer.
#[derive(Clone, Debug, PartialEq)]
pub struct NextBestOffer {
    /// Cross-sell, up-sell, retention or win-back.
    pub kind: OfferKind,
    /// What to do: `offer_product` for a cross-sell (`offer_category` when
    /// the affinities were learned at [`Level::Category`]), `up_sell` for an
    /// up-sell, the trigger's action for retention (`discount`,
    /// `personal_outreach`, ...), `win_back_offer` for a win-back.
    pub action: String,
    /// The product offered (cross-sell): a category when the affinities
    /// were learned at [`Level::Category`].
    pub product: Option<String>,
    /// The trigger rule that would fire (retention).
    pub rule: Option<String>,
    /// Expected value in minor units of `currency` (see
    /// [`crate::analytics::offers`]); the ranking key.
    pub value: f64,
    /// The currency of `value`.
    pub currency: Option<Currency>,
    /// Whether `value` used the customer-base models (`P(alive)`, expected
    /// value).
    pub valued_with_models: bool,
    /// Why, in one sentence.
    pub reason: String,
    /// The affinity behind a cross-sell.
    pub affinity: Option<NamedAffinity>,
    /// The signals behind a retention or win-back action, or the spend
    /// figures behind an up-sell: (name, value).
    pub signals: Vec<(String, f64)>,
}

/// [`Engine::next_best_offers`]: the customer's ranked actions.
#[derive(Clone, Debug, PartialEq)]
pub struct NextBestOffers {
    /// The customer (the id they resolved to).
    pub customer: String,
    /// The moment the offers are for.
    pub at: Timestamp,
    /// Best first.
    pub offers: Vec<NextBestOffer>,
    /// Why no offer is made at all: `unsubscribed` (no consent to contact)
    /// or `contact_cap` (the retention triggers' contact cap is reached).
    pub suppressed: Option<String>,
    /// Whether affinities were learned ([`Engine::learn_affinities`]); without
    /// them there is no cross-sell or up-sell.
    pub affinities_learned: bool,
    /// `P(alive)`, when the customer-base models are fitted.
    pub p_alive: Option<f64>,
    /// The customer's expected value, when the models are fitted.
    pub expected_value: Option<f64>,
    /// The churn-risk score.
    pub churn_risk: Option<f64>,
}

impl Learned {
    fn named(&self, a: &crate::analytics::affinity::Affinity) -> NamedAffinity {
        NamedAffinity {
            from: self.products[a.from as usize].to_string(),
            to: self.products[a.to as usize].to_string(),
            kind: a.kind,
            support: a.support,
            support_share: a.support_share,
            confidence: a.confidence,
            lift: a.lift,
        }
    }
}

impl Engine {
    /// Learns product affinities from the purchase histories the engine
    /// keeps (the latest [`super::MAX_HISTORY`] purchase lines of each
    /// customer; see [`crate::analytics::affinity`] for what is learned and
    /// `options` for how), and the base's spend per purchase for up-sell;
    /// keeps them for [`Engine::next_best_offers`] until the next call, and
    /// returns what was learned. Thread-safe; shards are read one after
    /// another, each at its own moment.
    ///
    /// The learned affinities hold counts per pair of products, no customer
    /// id; erasing a customer drops them (they may count the customer's
    /// orders) until the next call.
    /// They are not in snapshots (learn again after a restore).
    ///
    /// At [`Level::Category`] the items are the purchases' categories (lines
    /// without one are skipped): affinities name categories, and
    /// [`Engine::next_best_offers`] offers categories the customer has not
    /// bought from (action `offer_category`).
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidArgument`] naming the option for bad options;
    /// the affinities in force stay.
    pub fn learn_affinities(&self, options: &AffinityOptions) -> Result<AffinitySummary> {
        options.check()?;
        // Every line, then lines by interned ids: products, and at the
        // category level the categories (the items the model learns over).
        let mut raw: Vec<(u32, u64, Timestamp, CompactString, Option<CompactString>)> = Vec::new();
        let mut spends: Vec<(Currency, f64)> = Vec::new();
        let mut customer = 0u32;
        for shard in self.shards.iter() {
            let shard = lock(shard);
            for (_, history) in shard.histories.iter() {
                for line in history.lines.iter() {
                    raw.push((
                        customer,
                        line.order,
                        line.at,
                        line.product.clone(),
                        line.category.clone(),
                    ));
                }
                customer += 1;
            }
            for (_, state) in shard.iter() {
                if let Some(p) = state.metrics().purchases.as_deref() {
                    if let (Some(c), true) = (p.currency, p.count > 0) {
                        spends.push((c, p.revenue as f64 / p.count as f64));
                    }
                }
            }
        }
        let intern = |names: &mut dyn Iterator<Item = &CompactString>| {
            let mut names: Vec<CompactString> = names.cloned().collect();
            names.sort_unstable();
            names.dedup();
            let index: HashMap<CompactString, u32, foldhash::fast::FixedState> = names
                .iter()
                .enumerate()
                .map(|(i, p)| (p.clone(), i as u32))
                .collect();
            (names, index)
        };
        let (product_names, product_index) = intern(&mut raw.iter().map(|r| &r.3));
        let (category_names, category_index) = intern(&mut raw.iter().filter_map(|r| r.4.as_ref()));
        // Orders: numbered per customer in order of their key.
        let mut orders: HashMap<(u32, u64), u32, foldhash::fast::FixedState> = HashMap::default();
        let lines: Vec<BasketLine> = raw
            .iter()
            .map(|(c, order, at, product, category)| {
                let next = orders.len() as u32;
                let order = *orders.entry((*c, *order)).or_insert(next);
                BasketLine {
                    customer: *c,
                    order,
                    at: *at,
                    product: product_index[product],
                    category: category.as_ref().map(|c| category_index[c]),
                }
            })
            .collect();
        // The items' names: products, or categories.
        let (products, index) = match options.level {
            Level::Product => (product_names, product_index),
            Level::Category => (category_names, category_index),
        };
        let model = AffinityModel::learn(&lines, options)?;
        // The spend base: the retention or model currency, else the most
        // common one (ties: the first by code).
        let currency = {
            let configured = self
                .retention()
                .triggers
                .currency()
                .or(self.model.currency());
            configured.or_else(|| {
                let mut counts: std::collections::BTreeMap<String, (usize, Currency)> =
                    Default::default();
                for (c, _) in &spends {
                    counts.entry(c.to_string()).or_insert((0, *c)).0 += 1;
                }
                counts
                    .values()
                    .max_by(|a, b| a.0.cmp(&b.0).then(std::cmp::Ordering::Greater))
                    .map(|v| v.1)
            })
        };
        let spend = SpendBase::new(
            spends
                .iter()
                .filter(|(c, _)| Some(*c) == currency)
                .map(|(_, s)| *s)
                .collect(),
        );
        let item = match options.level {
            Level::Product => Item::Product,
            Level::Category => Item::Category,
        };
        let by_hash = products
            .iter()
            .enumerate()
            .map(|(i, p)| (item_hash(item, p), i as u32))
            .collect();
        let learned = Learned {
            level: options.level,
            by_hash,
            products,
            index,
            spend,
            currency,
            model,
        };
        let summary = AffinitySummary {
            as_of: learned.model.as_of(),
            products: learned.model.item_count(),
            orders: learned.model.order_count(),
            customers: learned.model.customer_count(),
            affinities: learned.model.affinity_count(),
            currency,
            spend_base: learned.spend.len(),
            top: learned
                .model
                .top_affinities(10)
                .iter()
                .map(|a| learned.named(a))
                .collect(),
        };
        *self.offers.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(learned));
        Ok(summary)
    }

    /// Drops the learned affinities: an erased customer's orders may be
    /// counted in them.
    pub(super) fn forget_affinities(&self) {
        *self.offers.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// The affinities learned from `product`, strongest first (empty before
    /// [`Engine::learn_affinities`] or for a product not seen).
    pub fn affinities_of(&self, product: &str) -> Vec<NamedAffinity> {
        let Some(learned) = self.learned() else {
            return Vec::new();
        };
        let Some(&id) = learned.index.get(product) else {
            return Vec::new();
        };
        learned
            .model
            .neighbours(id)
            .iter()
            .map(|a| learned.named(a))
            .collect()
    }

    fn learned(&self) -> Option<Arc<Learned>> {
        self.offers
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// A customer's purchase history as the engine keeps it, oldest first
    /// (empty for a customer without purchases naming a product).
    ///
    /// # Errors
    ///
    /// [`crate::Error::NotFound`] for an unknown customer.
    pub fn purchase_history(&self, customer: &str) -> Result<Vec<super::PurchaseLine>> {
        self.with_shard_of(customer, |live, hash, shard| {
            if !shard.contains(hash, live) {
                return Err(not_found(live));
            }
            Ok(shard
                .history(hash, live)
                .map(|p| p.lines.clone())
                .unwrap_or_default())
        })
    }

    /// The customer's next best offers: at most `n` actions, best first
    /// (see [`Engine::next_best_offers_at`]), at the later of the last tick
    /// and the customer's latest event.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidArgument`] naming `n` for more than
    /// [`MAX_OFFERS`]; [`crate::Error::NotFound`] for an unknown customer.
    pub fn next_best_offers(&self, customer: &str, n: usize) -> Result<NextBestOffers> {
        self.next_best_offers_in(customer, None, n)
    }

    /// The customer's next best offers at `now` (no earlier than their
    /// latest event): at most `n` actions, best first, each valued in money
    /// and explained — cross-sell of the products their history has the
    /// strongest affinities to and they never bought (not only in their
    /// latest lines: see [`super::MAX_BOUGHT`]), up-sell when they
    /// spend less per purchase than the base's median, the retention
    /// triggers that would fire now and a win-back offer when they have
    /// lapsed (see [`crate::analytics::offers`] for the values). Nothing is
    /// recorded: the triggers' firing logs stay as they were.
    ///
    /// No offer at all (and [`NextBestOffers::suppressed`] says why) for a
    /// customer who unsubscribed, or whose contacts within the retention
    /// configuration's contact cap period reach the cap. Cross-sell and
    /// up-sell need [`Engine::learn_affinities`]; the values use the
    /// customer-base models when fitted ([`Engine::fit_models`]). Thread-safe.
    ///
    /// Costs the customer's history times the neighbours kept per item, plus
    /// at most one pass over the items learned to complete the list with
    /// popular ones: O(h·k + P log P) at worst, whatever `n`.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidArgument`] naming `n` for more than
    /// [`MAX_OFFERS`]; [`crate::Error::NotFound`] for an unknown customer.
    pub fn next_best_offers_at(
        &self,
        customer: &str,
        now: Timestamp,
        n: usize,
    ) -> Result<NextBestOffers> {
        self.next_best_offers_in(customer, Some(now), n)
    }

    fn next_best_offers_in(
        &self,
        customer: &str,
        now: Option<Timestamp>,
        n: usize,
    ) -> Result<NextBestOffers> {
        if n > MAX_OFFERS {
            return Err(crate::Error::invalid(
                "n",
                format!("{n} offers asked for; at most {MAX_OFFERS}"),
            ));
        }
        let learned = self.learned();
        let last_tick = self.last_tick.load(std::sync::atomic::Ordering::Acquire);
        self.with_shard_of(customer, |live, hash, shard| {
            let state = shard.get(hash, live).ok_or_else(|| not_found(live))?;
            let now = now
                .unwrap_or_else(|| {
                    Timestamp::from_millis(last_tick, "tick").unwrap_or(state.watermark())
                })
                .max(state.watermark());
            let retention = self.retention();
            let models = retention.models;
            let signals = retention
                .triggers
                .signals(state, &self.model, now, models.as_ref());
            let p_alive = signals.get(Signal::PAlive);
            let expected_value = signals.get(Signal::ExpectedValue);
            let churn_risk = signals.get(Signal::ChurnRisk);
            let mut out = NextBestOffers {
                customer: live.to_string(),
                at: now,
                offers: Vec::new(),
                suppressed: None,
                affinities_learned: learned.is_some(),
                p_alive,
                expected_value,
                churn_risk,
            };
            let log = retention.logs.get(live).cloned().unwrap_or_default();
            let cap = retention.config.contact_cap;
            let from = now.plus_days(-cap.period_days);
            let contacts = log.entries.iter().filter(|(_, at)| *at > from).count();
            if state.metrics().unsubscribed {
                out.suppressed = Some("unsubscribed".into());
                return Ok(out);
            }
            if contacts >= cap.count as usize {
                out.suppressed = Some("contact_cap".into());
                return Ok(out);
            }
            if n == 0 {
                return Ok(out);
            }
            let purchases = state.metrics().purchases.as_deref();
            let currency = purchases.and_then(|p| p.currency);
            let value = CustomerValue {
                spend_per_purchase: purchases
                    .filter(|p| p.count > 0)
                    .map(|p| p.revenue as f64 / p.count as f64),
                revenue: purchases.map_or(0.0, |p| p.revenue as f64),
                p_alive,
                expected_value,
                churn_risk,
            };
            let with_models = p_alive.is_some();
            let mut candidates: Vec<(OfferKind, f64, String, NextBestOffer)> = Vec::new();

            // Retention: what the triggers would fire now, on a copy of the log.
            let mut scratch: FiringLog = log;
            // On the signals already read (the churn risk among them).
            let firings =
                retention
                    .triggers
                    .evaluate_signals_with(state.stage(), state.profile(), &signals, now, &mut scratch);
            for f in firings {
                let v = value.at_risk();
                candidates.push((
                    OfferKind::Retention,
                    v,
                    f.rule.clone(),
                    NextBestOffer {
                        kind: OfferKind::Retention,
                        action: f.action.name().to_string(),
                        product: None,
                        rule: Some(f.rule.clone()),
                        value: v,
                        currency,
                        valued_with_models: expected_value.is_some(),
                        reason: format!(
                            "trigger `{}` fires ({}); value at risk: churn risk {:.2} × {} {:.0}",
                            f.rule,
                            describe(&f.evidence),
                            churn_risk.unwrap_or(0.0),
                            if expected_value.is_some() {
                                "expected value"
                            } else {
                                "revenue"
                            },
                            expected_value.unwrap_or(value.revenue),
                        ),
                        affinity: None,
                        signals: f
                            .evidence
                            .iter()
                            .filter_map(|e| Some((e.signal.name().to_string(), e.actual?)))
                            .collect(),
                    },
                ));
            }
            // Win-back.
            let win_back = win_back_candidate(
                live,
                state,
                &self.model,
                now,
                retention.triggers.win_back(),
                &retention.stats,
                models.as_ref(),
                retention.triggers.currency().or(self.model.currency()),
            );
            drop(retention);
            if let Some(c) = win_back {
                candidates.push((
                    OfferKind::WinBack,
                    c.expected_value,
                    "win_back_offer".into(),
                    NextBestOffer {
                        kind: OfferKind::WinBack,
                        action: "win_back_offer".into(),
                        product: None,
                        rule: None,
                        value: c.expected_value,
                        currency: c.currency,
                        valued_with_models: with_models,
                        reason: format!(
                            "lapsed ({}) since {}; win-back probability {:.2} × annual value {:.0}",
                            c.exit_reason,
                            c.lapsed_at.to_rfc3339(),
                            c.win_back_probability,
                            c.annual_value
                        ),
                        affinity: None,
                        signals: c
                            .last_signals
                            .iter()
                            .map(|(s, v)| (s.name().to_string(), *v))
                            .collect(),
                    },
                ));
            }
            if let Some(learned) = &learned {
                // Cross-sell from the customer's history.
                let mut history: Vec<HistoryItem> = Vec::new();
                // Bought before the lines kept: never offered either.
                let mut bought: Vec<u32> = Vec::new();
                if let Some(purchases) = shard.history(hash, live) {
                    bought.extend(
                        purchases
                            .bought
                            .iter()
                            .filter_map(|h| learned.by_hash.get(h).copied()),
                    );
                    for line in &purchases.lines {
                        let item = match learned.level {
                            Level::Product => Some(&line.product),
                            Level::Category => line.category.as_ref(),
                        };
                        // Unknown items pull nothing; known ones by id.
                        if let Some(&id) = item.and_then(|i| learned.index.get(i)) {
                            history.push(HistoryItem {
                                product: id,
                                last: line.at,
                            });
                        }
                    }
                }
                let offers = learned.model.recommend_excluding(
                    &history,
                    &bought,
                    &RecommendOptions::new(n, now),
                );
                for o in offers {
                    let name = learned.products[o.product as usize].to_string();
                    // The reason, written once into one string.
                    let mut why = String::with_capacity(256);
                    let (confidence, affinity) = match &o.reason {
                        OfferReason::Affinity(a) => {
                            let named = learned.named(a);
                            let _ = write!(
                                why,
                                "bought `{}`; customers who did bought `{}` {} (support {}, confidence {:.2}, lift {:.2})",
                                named.from,
                                named.to,
                                match a.kind {
                                    AffinityKind::Together => "in the same order",
                                    AffinityKind::Later => "later",
                                },
                                a.support,
                                a.confidence,
                                a.lift
                            );
                            (a.confidence, Some(named))
                        }
                        OfferReason::Popular { orders, share } => {
                            let _ = write!(
                                why,
                                "popular: in {orders} orders ({:.1}% of all), not bought yet",
                                share * 100.0
                            );
                            (*share, None)
                        }
                    };
                    let v = value.cross_sell(confidence);
                    candidates.push((
                        OfferKind::CrossSell,
                        v,
                        name.clone(),
                        NextBestOffer {
                            kind: OfferKind::CrossSell,
                            action: match learned.level {
                                Level::Product => "offer_product",
                                Level::Category => "offer_category",
                            }
                            .into(),
                            product: Some(name),
                            rule: None,
                            value: v,
                            currency,
                            valued_with_models: with_models,
                            reason: {
                                let _ = write!(
                                    why,
                                    "; value: P(alive) {:.2} × confidence {:.2} × spend per purchase {:.0}",
                                    value.alive(),
                                    confidence,
                                    value.spend_per_purchase.unwrap_or(0.0)
                                );
                                why
                            },
                            affinity,
                            signals: Vec::new(),
                        },
                    ));
                }
                // Up-sell against the base.
                if let (Some(median), true) =
                    (learned.spend.median(), currency == learned.currency)
                {
                    if let Some(v) = value.up_sell(median) {
                        let own = value.spend_per_purchase.unwrap_or(0.0);
                        let percentile = learned.spend.percentile(own);
                        candidates.push((
                            OfferKind::UpSell,
                            v,
                            "up_sell".into(),
                            NextBestOffer {
                                kind: OfferKind::UpSell,
                                action: "up_sell".into(),
                                product: None,
                                rule: None,
                                value: v,
                                currency,
                                valued_with_models: with_models,
                                reason: format!(
                                    "spends {own:.0} per purchase, below the base's median {median:.0} \
                                     (percentile {:.0}); value: P(alive) {:.2} × the difference",
                                    percentile * 100.0,
                                    value.alive()
                                ),
                                affinity: None,
                                signals: vec![
                                    ("spend_per_purchase".into(), own),
                                    ("base_median".into(), median),
                                    ("percentile".into(), percentile),
                                ],
                            },
                        ));
                    }
                }
            }
            out.offers = rank(candidates, n).into_iter().map(|c| c.3).collect();
            Ok(out)
        })
    }
}

/// `signal op threshold (actual)` for each comparison.
fn describe(evidence: &[SignalEvidence]) -> String {
    if evidence.is_empty() {
        return "no condition".into();
    }
    evidence
        .iter()
        .map(|e| match e.actual {
            Some(a) => format!("{} {} {} (is {a:.2})", e.signal.name(), e.op, e.threshold),
            None => format!("{} {} {}", e.signal.name(), e.op, e.threshold),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
