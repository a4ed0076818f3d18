//! Purchase histories: the products each customer bought, kept by the engine
//! for product affinity and next best offer ([`crate::Engine::learn_affinities`],
//! [`crate::Engine::next_best_offers`]).
//!
//! A purchase event names its product by the text attribute `product`, else
//! by its `category`; its order is the attribute `order` (text or integer),
//! else its moment (a customer's purchases at one moment are one order). A
//! purchase naming neither product nor category is not kept; a line keeps
//! the category too (for affinities between categories). Each customer
//! keeps their [`MAX_HISTORY`] latest purchase lines (64 bytes each, plus
//! product and category names longer than 24 bytes):
//! memory is bounded whatever the customer's life.
//!
//! # Ever bought
//!
//! Beside the lines, each customer keeps the set of products and categories
//! they ever bought, so that a next best offer never suggests what they
//! bought long ago (before their latest [`MAX_HISTORY`] lines): a sorted
//! vector of 64-bit FNV-1a hashes of the names (a product's and a category's
//! hash differ even for one name), at most [`MAX_BOUGHT`] of them. It costs
//! 8 bytes per distinct product and per distinct category (the vector grows
//! by doubling: at most 16), plus 24 bytes of vector: a customer who bought
//! 10 products in 3 categories pays about 128 bytes, and no customer more
//! than 8 KiB + 24 bytes. Past [`MAX_BOUGHT`] distinct items a customer's
//! new items are not added (their latest lines still keep them from being
//! offered). Two names whose hashes collide (odds about `n² / 2⁶⁵` for `n`
//! names) would keep one from being offered to a customer who bought the
//! other: a missed offer, never a wrong one.
//!
//! The history lives beside
//! the customer's state in their shard: it changes under the same lock as
//! the state, is in snapshots, and goes when the state goes (an erasure, a
//! merge's recomputation, which rebuilds it from the golden customer's
//! events).

use std::hash::BuildHasher;
use std::sync::Arc;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::{unique_mut, Shard};
use crate::lifecycle::metrics::{fnv1a64, fnv1a64_from, FNV1A64_OFFSET};
use crate::lifecycle::{Applied, Outcome};
use crate::model::event::{AttrValue, BuiltinKind, Event, EventKind};
use crate::model::time::Timestamp;

/// Purchase lines kept per customer (the latest).
pub const MAX_HISTORY: usize = 128;

/// One purchase line of a customer's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseLine {
    /// When it was bought.
    pub at: Timestamp,
    /// The order: a hash of the `order` attribute, or the moment in epoch
    /// milliseconds.
    pub order: u64,
    /// The product (the `product` attribute, else the category), as sent.
    pub product: CompactString,
    /// The purchase's category, as sent (`None` for a purchase without
    /// one); what affinities are learned over at
    /// [`Level::Category`](crate::analytics::affinity::Level::Category).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<CompactString>,
}

/// Most distinct products and categories a customer's set of items ever
/// bought holds. Beside the latest [`MAX_HISTORY`] purchase lines, the
/// engine keeps per customer the 64-bit hashes of every product and category
/// they bought, sorted: 8 bytes each (at most 16 with the vector's spare
/// capacity) plus 24, so at most 8 KiB + 24 bytes a customer. A next best
/// offer never suggests an item in it; past this many items, new ones are
/// not added (the latest lines still keep them from being offered).
pub const MAX_BOUGHT: usize = 1024;

/// A customer's purchase lines, oldest first.
pub(crate) type History = Vec<PurchaseLine>;

/// A customer's purchases as the engine keeps them.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Purchases {
    /// The latest [`MAX_HISTORY`] lines, oldest first.
    pub(crate) lines: History,
    /// Every product and category ever bought, as [`item_hash`]es: sorted,
    /// distinct, at most [`MAX_BOUGHT`].
    pub(crate) bought: Vec<u64>,
}

impl Purchases {
    /// Adds `line`: to the lines in time order, dropping the oldest beyond
    /// [`MAX_HISTORY`], and its product and category to the items bought.
    pub(crate) fn push(&mut self, line: PurchaseLine) {
        self.add_bought(item_hash(Item::Product, &line.product));
        if let Some(c) = &line.category {
            self.add_bought(item_hash(Item::Category, c));
        }
        push_line(&mut self.lines, line);
    }

    fn add_bought(&mut self, hash: u64) {
        if let Err(at) = self.bought.binary_search(&hash) {
            if self.bought.len() < MAX_BOUGHT {
                self.bought.insert(at, hash);
            }
        }
    }

    /// The set of items a set of lines names (for a snapshot written before
    /// the set existed).
    pub(crate) fn bought_of(lines: &[PurchaseLine]) -> Vec<u64> {
        let mut p = Purchases::default();
        for line in lines {
            p.add_bought(item_hash(Item::Product, &line.product));
            if let Some(c) = &line.category {
                p.add_bought(item_hash(Item::Category, c));
            }
        }
        p.bought
    }
}

/// What a name in the set of items bought stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Item {
    /// A product.
    Product,
    /// A category.
    Category,
}

/// The hash of an item in the set of items bought: 64-bit FNV-1a of a tag
/// byte (`p` or `c`) and the name. Fixed: it is in snapshots.
pub(crate) fn item_hash(item: Item, name: &str) -> u64 {
    let tag = match item {
        Item::Product => b'p',
        Item::Category => b'c',
    };
    // The tag, then the name, as one FNV-1a stream.
    fnv1a64_from(fnv1a64_from(FNV1A64_OFFSET, &[tag]), name.as_bytes())
}

/// A shard's histories, hashed like the customers' ids.
pub(crate) type HistoryTable = hashbrown::HashTable<(CompactString, Arc<Purchases>)>;

/// The product and order of a purchase event, if it names a product.
pub(crate) fn purchase_line(event: &Event) -> Option<PurchaseLine> {
    if event.kind != EventKind::Builtin(BuiltinKind::Purchase) {
        return None;
    }
    let category = event
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let product = match event.attributes.get("product") {
        Some(AttrValue::Text(p)) if !p.trim().is_empty() => p.trim(),
        _ => category?,
    };
    let order = match event.attributes.get("order") {
        Some(AttrValue::Text(o)) => fnv1a64(o),
        Some(AttrValue::Integer(i)) => fnv1a64(&i.to_string()),
        _ => event.at.as_millis() as u64,
    };
    Some(PurchaseLine {
        at: event.at,
        order,
        product: CompactString::from(product),
        category: category.map(CompactString::from),
    })
}

/// Adds `line` to `history` in time order, dropping the oldest beyond
/// [`MAX_HISTORY`].
pub(crate) fn push_line(history: &mut History, line: PurchaseLine) {
    // Events come in time order: the line goes last, without a search.
    if history.last().is_none_or(|l| l.at <= line.at) {
        history.push(line);
    } else {
        let at = history.partition_point(|l| l.at <= line.at);
        history.insert(at, line);
    }
    if history.len() > MAX_HISTORY {
        history.remove(0);
    }
}

/// The purchases rebuilt from events (any order): the latest lines, and
/// every item the events name in the set of items bought.
pub(crate) fn history_of<'a>(events: impl IntoIterator<Item = &'a Event>) -> Purchases {
    let mut purchases = Purchases::default();
    for event in events {
        if let Some(line) = purchase_line(event) {
            purchases.push(line);
        }
    }
    purchases
}

impl Shard {
    /// A customer's purchases.
    pub(crate) fn history(&self, hash: u64, customer: &str) -> Option<&Purchases> {
        self.histories
            .find(hash, |(k, _)| k.as_str() == customer)
            .map(|(_, h)| &**h)
    }

    /// Records the purchase of an applied event (nothing for a duplicate or
    /// an event naming no product). Inlined: most events are not purchases,
    /// and are told apart without a call.
    #[inline]
    pub(crate) fn record_purchase(
        &mut self,
        hasher: &foldhash::fast::RandomState,
        hash: u64,
        event: &Event,
        outcome: &Outcome,
    ) {
        if outcome.applied == Applied::Duplicate
            || !matches!(event.kind, EventKind::Builtin(BuiltinKind::Purchase))
        {
            return;
        }
        self.record_line(hasher, hash, event);
    }

    /// [`Shard::record_purchase`] for an applied purchase.
    #[inline(never)]
    fn record_line(&mut self, hasher: &foldhash::fast::RandomState, hash: u64, event: &Event) {
        let Some(line) = purchase_line(event) else {
            return;
        };
        let table = unique_mut(&mut self.histories);
        match table.find_mut(hash, |(k, _)| k.as_str() == event.customer) {
            Some((_, h)) => unique_mut(h).push(line),
            None => {
                let mut purchases = Purchases::default();
                purchases.push(line);
                table.insert_unique(
                    hash,
                    (
                        CompactString::from(event.customer.as_str()),
                        Arc::new(purchases),
                    ),
                    |(k, _)| hasher.hash_one(k.as_str()),
                );
            }
        }
    }

    /// Sets (or with no line, drops) a customer's purchases.
    pub(crate) fn set_history(
        &mut self,
        hasher: &foldhash::fast::RandomState,
        hash: u64,
        customer: &str,
        history: Purchases,
    ) {
        self.drop_history(hash, customer);
        if !history.lines.is_empty() {
            Arc::make_mut(&mut self.histories).insert_unique(
                hash,
                (CompactString::from(customer), Arc::new(history)),
                |(k, _)| hasher.hash_one(k.as_str()),
            );
        }
    }

    /// Drops a customer's history, without copying the table when there is
    /// none.
    pub(crate) fn drop_history(&mut self, hash: u64, customer: &str) {
        if self
            .histories
            .find(hash, |(k, _)| k.as_str() == customer)
            .is_some()
        {
            if let Ok(entry) =
                Arc::make_mut(&mut self.histories).find_entry(hash, |(k, _)| k.as_str() == customer)
            {
                entry.remove();
            }
        }
    }

    /// Bytes the histories take (estimated).
    pub(crate) fn history_bytes(&self) -> usize {
        self.histories.capacity() * (std::mem::size_of::<(CompactString, Arc<History>)>() + 1)
            + self
                .histories
                .iter()
                .map(|(k, h)| {
                    let key = if k.is_heap_allocated() { k.len() } else { 0 };
                    key + 2 * std::mem::size_of::<usize>()
                        + std::mem::size_of::<Purchases>()
                        + h.bought.capacity() * std::mem::size_of::<u64>()
                        + h.lines.capacity() * std::mem::size_of::<PurchaseLine>()
                        + h.lines
                            .iter()
                            .map(|l| {
                                let heap = |s: &CompactString| {
                                    if s.is_heap_allocated() {
                                        s.len()
                                    } else {
                                        0
                                    }
                                };
                                heap(&l.product) + l.category.as_ref().map_or(0, heap)
                            })
                            .sum::<usize>()
                })
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hash is in snapshots: it stays FNV-1a of the tag byte then the
    /// name, as first written.
    #[test]
    fn item_hashes_are_fnv1a_of_the_tag_and_the_name() {
        let reference = |tag: u8, name: &str| {
            std::iter::once(tag)
                .chain(name.bytes())
                .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
                })
        };
        for name in [
            "",
            "yerba",
            "electrónica",
            "a product name longer than 24 bytes",
        ] {
            assert_eq!(item_hash(Item::Product, name), reference(b'p', name));
            assert_eq!(item_hash(Item::Category, name), reference(b'c', name));
        }
        assert_eq!(item_hash(Item::Product, ""), 0xaf63_ed4c_8602_096f);
    }

    #[test]
    fn lines_stay_in_time_order() {
        let line = |day: i64| PurchaseLine {
            at: Timestamp::from_millis(day * crate::model::time::MS_PER_DAY, "at").unwrap(),
            order: day as u64,
            product: CompactString::from("p"),
            category: None,
        };
        let mut history = History::new();
        for day in [1, 3, 2, 3, 0] {
            push_line(&mut history, line(day));
        }
        let days: Vec<u64> = history.iter().map(|l| l.order).collect();
        assert_eq!(days, [0, 1, 2, 3, 3]);
    }
}
