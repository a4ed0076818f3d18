//! [`Engine`]: an in-memory, thread-safe registry of customer lifecycle states.
//!
//! The engine composes the pure [`lifecycle`](crate::lifecycle) functions and adds no
//! business rules of its own. Customers are spread over 64 shards, each behind its
//! own mutex, so host threads applying events for different customers rarely wait
//! for each other; events of one customer are applied one at a time, in the order
//! the calls take the shard's lock.

mod analytics;
mod changes;
mod feed;
mod history;
mod identity;
mod limits;
mod listing;
mod offers;
mod retention;
mod rfm;
mod segments;
mod snapshot;
mod stages;

pub use changes::{Change, ChangeEntry, ChangePage, EvidenceList, FeedRetention, FeedStats};
pub use history::{PurchaseLine, MAX_BOUGHT, MAX_HISTORY};
pub use identity::{ReviewItem, SourceRemoved};
pub use listing::{Page, MAX_PAGE};
pub use offers::{
    AffinitySummary, NamedAffinity, NextBestOffer, NextBestOffers, OfferKind, MAX_OFFERS,
};
pub use rfm::{RfmCurrency, RfmCustomer, RfmOptions, RfmPage, RfmSegmentCount, RFM_DEFAULT_LIMIT};
pub use segments::SegmentRefresh;
pub use stages::LeadScore;

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use compact_str::CompactString;

use crate::consolidation::registry::{GoldenId, RegistryConfig};
use crate::error::{Error, Result};
use crate::lifecycle::{CustomerState, ModelConfig, Move, Outcome, StageId, StageModel};
use crate::model::event::Event;
use crate::model::time::Timestamp;
use feed::{Call, Sink};

const SHARDS: usize = 64;

/// One shard: customers by id, in a hash table keyed by the engine's one hash of the
/// id (computed once per call: its middle bits pick the shard, the table uses the
/// rest). Keys up to 24 bytes (most customer ids) live inside the table slot, so
/// finding a customer touches no other memory.
///
/// Copy-on-write: the table and each state are reference-counted. A snapshot
/// takes its consistent cut by cloning the 64 tables' pointers (microseconds,
/// whatever the number of customers) and serialises outside the locks; the first
/// write to a shard after a cut copies that shard's table of pointers, and the
/// first write to a customer copies that one state. Without a snapshot in
/// progress, nothing is copied.
///
/// The shard also keeps the events of its golden customers (see
/// [`Engine::merge`]), beside their states: an event and its place in the log
/// change under one lock, and a snapshot's cut sees both or neither.
///
/// And, once a host lists customers, the shard's ids in order
/// ([`Engine::customers_page`]): a page starts where the last one ended in
/// every shard's order instead of sorting them all again. Built by the first
/// listing, kept up to date from then on (about 36 bytes a customer: an
/// engine never listed does not pay them).
#[derive(Debug, Default)]
pub(crate) struct Shard {
    table: Arc<Table>,
    logs: Arc<LogTable>,
    /// The ids of `table`, sorted, once listed (snapshots take `table`, not
    /// this).
    order: Option<std::collections::BTreeSet<CompactString>>,
    /// The customers' purchase histories (see [`history`]): copy-on-write
    /// like `table`, dropped with the customer's state.
    histories: Arc<history::HistoryTable>,
}

/// A shard's table: id and state.
type Table = hashbrown::HashTable<(CompactString, Arc<CustomerState>)>;

/// The events of a golden customer: the id each was sent for, and the event.
pub(crate) type EventLog = Vec<(GoldenId, Event)>;

/// A shard's event logs of golden customers, hashed like the customer's id.
type LogTable = hashbrown::HashTable<(GoldenId, Arc<EventLog>)>;

impl Shard {
    fn get(&self, hash: u64, customer: &str) -> Option<&CustomerState> {
        self.table
            .find(hash, |(k, _)| k.as_str() == customer)
            .map(|(_, s)| &**s)
    }

    #[inline(always)]
    fn get_mut(&mut self, hash: u64, customer: &str) -> Option<&mut CustomerState> {
        let eq = |(k, _): &(CompactString, Arc<CustomerState>)| k.as_str() == customer;
        if Arc::strong_count(&self.table) > 1 {
            // A snapshot shares the table: copy it only for a customer it has.
            self.table.find(hash, eq)?;
        }
        unique_mut(&mut self.table)
            .find_mut(hash, eq)
            .map(|(_, s)| unique_mut(s))
    }

    /// Inserts a customer known to be absent.
    fn insert_new(
        &mut self,
        hasher: &foldhash::fast::RandomState,
        hash: u64,
        customer: &str,
        state: CustomerState,
    ) {
        unique_mut(&mut self.table).insert_unique(
            hash,
            (CompactString::from(customer), Arc::new(state)),
            |(k, _)| hasher.hash_one(k.as_str()),
        );
        if let Some(order) = &mut self.order {
            order.insert(CompactString::from(customer));
        }
    }

    /// Whether the customer is present.
    fn contains(&self, hash: u64, customer: &str) -> bool {
        self.get(hash, customer).is_some()
    }

    fn remove(&mut self, hash: u64, customer: &str) -> Option<CustomerState> {
        self.table.find(hash, |(k, _)| k.as_str() == customer)?;
        if let Some(order) = &mut self.order {
            order.remove(customer);
        }
        self.drop_history(hash, customer);
        Arc::make_mut(&mut self.table)
            .find_entry(hash, |(k, _)| k.as_str() == customer)
            .ok()
            .map(|entry| Arc::unwrap_or_clone(entry.remove().0 .1))
    }

    /// Removes a customer without copying a state a snapshot shares.
    fn discard(&mut self, hash: u64, customer: &str) {
        if self
            .table
            .find(hash, |(k, _)| k.as_str() == customer)
            .is_some()
        {
            if let Ok(entry) =
                Arc::make_mut(&mut self.table).find_entry(hash, |(k, _)| k.as_str() == customer)
            {
                entry.remove();
            }
            if let Some(order) = &mut self.order {
                order.remove(customer);
            }
            self.drop_history(hash, customer);
        }
    }

    fn len(&self) -> usize {
        self.table.len()
    }

    /// The shard's ids in order, built on the first call.
    fn order(&mut self) -> &std::collections::BTreeSet<CompactString> {
        let table = &self.table;
        self.order
            .get_or_insert_with(|| table.iter().map(|(k, _)| k.clone()).collect())
    }

    fn iter(&self) -> impl Iterator<Item = (&str, &CustomerState)> {
        self.table.iter().map(|(k, s)| (k.as_str(), &**s))
    }

    /// Every customer, to change some: copies the table of pointers if a
    /// snapshot shares it. Change a state through `Arc::make_mut`, which copies
    /// it only if a snapshot shares it.
    fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut Arc<CustomerState>)> {
        unique_mut(&mut self.table)
            .iter_mut()
            .map(|(k, s)| (k.as_str(), s))
    }

    /// The event log of golden customer `id` (`hash` is its id's hash).
    fn log(&self, hash: u64, id: GoldenId) -> Option<&Arc<EventLog>> {
        self.logs.find(hash, |(g, _)| *g == id).map(|(_, l)| l)
    }

    /// Appends to golden customer `id`'s event log.
    fn push_log(
        &mut self,
        hasher: &foldhash::fast::RandomState,
        hash: u64,
        id: GoldenId,
        entry: (GoldenId, Event),
    ) {
        let logs = unique_mut(&mut self.logs);
        match logs.find_mut(hash, |(g, _)| *g == id) {
            Some((_, log)) => unique_mut(log).push(entry),
            None => {
                logs.insert_unique(hash, (id, Arc::new(vec![entry])), |(g, _)| {
                    hasher.hash_one(g.to_string().as_str())
                });
            }
        }
    }

    /// Takes golden customer `id`'s event log out.
    fn take_log(&mut self, hash: u64, id: GoldenId) -> Option<EventLog> {
        self.logs.find(hash, |(g, _)| *g == id)?;
        Arc::make_mut(&mut self.logs)
            .find_entry(hash, |(g, _)| *g == id)
            .ok()
            .map(|entry| Arc::unwrap_or_clone(entry.remove().0 .1))
    }

    /// Sets golden customer `id`'s event log (none if empty).
    fn set_log(
        &mut self,
        hasher: &foldhash::fast::RandomState,
        hash: u64,
        id: GoldenId,
        log: EventLog,
    ) {
        self.take_log(hash, id);
        if !log.is_empty() {
            Arc::make_mut(&mut self.logs).insert_unique(hash, (id, Arc::new(log)), |(g, _)| {
                hasher.hash_one(g.to_string().as_str())
            });
        }
    }

    fn memory_bytes(&self) -> usize {
        // The ordered ids: a B-tree's leaves hold 11 keys and are about two
        // thirds full (internal nodes add a tenth).
        let order = self.order.as_ref().map_or(0, |order| {
            order.len() * std::mem::size_of::<CompactString>() * 3 / 2
                + order
                    .iter()
                    .map(|k| if k.is_heap_allocated() { k.len() } else { 0 })
                    .sum::<usize>()
        });
        order
            + self.history_bytes()
            + self.table.capacity()
                * (std::mem::size_of::<(CompactString, Arc<CustomerState>)>() + 1)
            + self
                .table
                .iter()
                .map(|(k, s)| {
                    let key = if k.is_heap_allocated() { k.len() } else { 0 };
                    // The reference counts beside each state.
                    key + 2 * std::mem::size_of::<usize>() + s.memory_bytes()
                })
                .sum::<usize>()
    }
}

/// `Arc::make_mut` for the shards' tables and states, without an atomic
/// read-modify-write on the hot path. Their `Arc`s are cloned only under their
/// shard's lock (a snapshot's cut, a table's copy), which the caller holds, and
/// no `Weak` to them exists: a count of one cannot grow meanwhile, and the
/// acquire fence orders this thread's writes after every read made through a
/// reference since dropped (whose release decrement the count shows).
#[inline(always)]
fn unique_mut<T: Clone>(arc: &mut Arc<T>) -> &mut T {
    if Arc::strong_count(arc) == 1 {
        std::sync::atomic::fence(Ordering::Acquire);
        // SAFETY: this is the only `Arc` to the value (see above), and the
        // `&mut Arc` proves no other borrow of it exists in this thread.
        unsafe { &mut *Arc::as_ptr(arc).cast_mut() }
    } else {
        Arc::make_mut(arc)
    }
}

/// A registry of customers and their lifecycle states under one stage model.
///
/// `Engine` is `Send + Sync`: share it between threads (for example in an `Arc`).
/// Every method is atomic per customer: an error leaves the customer as it was.
#[derive(Debug)]
pub struct Engine {
    model: Arc<StageModel>,
    shards: Box<[Mutex<Shard>]>,
    hasher: foldhash::fast::RandomState,
    /// Consolidation: the registry of source records, hierarchies, and the
    /// events of golden customers.
    identity: RwLock<identity::Identity>,
    /// Whether any record was ingested: until then events skip the identity
    /// lock entirely.
    consolidating: AtomicBool,
    /// The last tick's moment in epoch milliseconds (`i64::MIN`: none yet).
    last_tick: AtomicI64,
    /// The affinities last learned ([`Engine::learn_affinities`]).
    offers: RwLock<Option<Arc<offers::Learned>>>,
    /// Retention triggers, firing logs, customer-base models and win-back
    /// outcomes. Locked after a shard, never before.
    retention: Mutex<retention::Retention>,
    /// The bounds on inputs ([`Engine::set_limits`]).
    limits: limits::EngineLimits,
    /// Every change, in order ([`Engine::changes`]). Locked last: under a
    /// shard, the identity or the retention state, never before them.
    feed: feed::Feed,
}

/// What a [`Engine::tick`] did.
#[derive(Clone, Debug, PartialEq)]
pub struct TickReport {
    /// The tick's moment.
    pub now: Timestamp,
    /// Customers evaluated (those whose watermark is not later than `now`).
    pub evaluated: usize,
    /// The moves, sorted by customer id.
    pub moves: Vec<(String, Move)>,
}

impl Engine {
    /// An empty engine running `model`.
    pub fn new(model: StageModel) -> Engine {
        let retention = Mutex::new(retention::Retention::new(&model));
        Engine {
            retention,
            model: Arc::new(model),
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            hasher: foldhash::fast::RandomState::default(),
            identity: RwLock::new(
                identity::Identity::new(RegistryConfig::default())
                    .expect("the default consolidation configuration is valid"),
            ),
            consolidating: AtomicBool::new(false),
            last_tick: AtomicI64::new(i64::MIN),
            offers: RwLock::new(None),
            limits: limits::EngineLimits::default(),
            feed: feed::Feed::new(),
        }
    }

    /// An empty engine running the model described by `config`.
    pub fn from_config(config: ModelConfig) -> Result<Engine> {
        Ok(Engine::new(StageModel::compile(config)?))
    }

    /// The stage model.
    pub fn model(&self) -> &StageModel {
        &self.model
    }

    /// The stage model, shared (for callbacks that outlive a borrow).
    pub(crate) fn shared_model(&self) -> Arc<StageModel> {
        Arc::clone(&self.model)
    }

    /// The customer's hash and shard.
    #[inline(always)]
    fn locate(&self, customer: &str) -> (u64, &Mutex<Shard>) {
        let hash = self.hasher.hash_one(customer);
        (hash, &self.shards[shard_index(hash)])
    }

    /// Applies one event, creating the customer on their first event. Thread-safe.
    ///
    /// On error (invalid event, unknown kind, out of order, a revenue that
    /// would overflow)
    /// nothing changes.
    ///
    /// An event for a golden id (`G42`, from [`Engine::ingest`]) is kept with
    /// that customer so that its state can follow merges and unmerges; one for a
    /// golden id retired by a merge goes to the customer it was merged into (see
    /// the rule in [`Engine::merge`], and [`Engine::apply_resolved`] for the id
    /// it went to). Once consolidation is configured, an event for a golden id
    /// never issued (or erased) is [`Error::NotFound`], and so is one for an id
    /// that is not a golden id unless
    /// [`RegistryConfig::customers_from_events`] allows it.
    pub fn apply(&self, event: &Event) -> Result<Outcome> {
        let out = if self.consolidating.load(Ordering::Acquire) {
            self.apply_consolidated(event, &mut self.feed.single())
                .map(|(_, outcome)| outcome)
        } else {
            self.apply_plain(event, &mut self.feed.single())
        };
        self.deliver();
        out
    }

    /// [`Engine::apply`], and the customer the event went to: the event's own
    /// customer, or for a golden id retired by a merge, the customer it was
    /// merged into.
    pub fn apply_resolved(&self, event: &Event) -> Result<(String, Outcome)> {
        let out = self.apply_resolved_in(event, &mut self.feed.single());
        self.deliver();
        out
    }

    /// [`Engine::apply_resolved`], recording in `call`.
    fn apply_resolved_in(&self, event: &Event, call: &mut impl Sink) -> Result<(String, Outcome)> {
        if self.consolidating.load(Ordering::Acquire) {
            let (moved, outcome) = self.apply_consolidated(event, call)?;
            let customer = moved.map_or_else(|| event.customer.clone(), |g| g.to_string());
            return Ok((customer, outcome));
        }
        Ok((event.customer.clone(), self.apply_plain(event, call)?))
    }

    /// Applies one event to the customer it names.
    #[inline(always)]
    fn apply_plain(&self, event: &Event, call: &mut impl Sink) -> Result<Outcome> {
        let (hash, shard) = self.locate(&event.customer);
        self.apply_in(&mut lock(shard), hash, event, call)
    }

    /// Applies one event to the customer it names, in their locked shard,
    /// and records what it changed.
    fn apply_in(
        &self,
        shard: &mut Shard,
        hash: u64,
        event: &Event,
        call: &mut impl Sink,
    ) -> Result<Outcome> {
        match shard.get_mut(hash, &event.customer) {
            Some(state) => {
                // The state is a pointer away: ask for its cache lines, then check
                // the event (which needs no state) while they arrive.
                prefetch(state);
                crate::lifecycle::step::admit_within(&self.model, event, &self.limits())?;
                let outcome = state.apply_admitted(&self.model, event)?;
                if outcome.transition.is_some()
                    || !outcome.attributes.is_empty()
                    || !outcome.segments.is_empty()
                {
                    call.applied(event, &outcome, None);
                }
                shard.record_purchase(&self.hasher, hash, event, &outcome);
                Ok(outcome)
            }
            None => {
                let (state, outcome) =
                    CustomerState::start_within(&self.model, event, &self.limits())?;
                shard.insert_new(&self.hasher, hash, &event.customer, state);
                shard.record_purchase(&self.hasher, hash, event, &outcome);
                call.applied(event, &outcome, Some(self.model.initial()));
                Ok(outcome)
            }
        }
    }

    /// Evaluates the time-driven rules of every customer at `now`. Thread-safe;
    /// shards are visited one after another, so events applied concurrently to other
    /// shards are not delayed.
    pub fn tick(&self, now: Timestamp) -> TickReport {
        let report = self.tick_in(now, &mut self.feed.sorted_call());
        self.deliver();
        report
    }

    /// [`Engine::tick`], recording in `call`.
    fn tick_in(&self, now: Timestamp, call: &mut Call) -> TickReport {
        let mut moves = Vec::new();
        let evaluated = self.tick_each(now, call, |id, state, rule, changes| {
            let ctx_evidence = state.explain(&self.model, rule, now);
            let transition = state.tick_to(&self.model, rule, now);
            changes.push(Change::StageMoved {
                customer: CompactString::from(id),
                change: transition,
                event_id: None,
                evidence: EvidenceList::from(ctx_evidence.as_slice()),
            });
            moves.push((
                id.to_string(),
                Move {
                    transition,
                    evidence: ctx_evidence,
                },
            ));
        });
        moves.sort_by(|a, b| a.0.cmp(&b.0));
        TickReport {
            now,
            evaluated,
            moves,
        }
    }

    /// [`Engine::tick`] for hosts that need only the numbers: customers
    /// evaluated and customers moved. No move list is built: the memory used
    /// is the states' and, for each move, its change on the feed (with its
    /// evidence; bounded by the feed's retention once the tick ends).
    pub fn tick_counts(&self, now: Timestamp) -> (usize, usize) {
        let mut moved = 0;
        let evaluated = self.tick_each(
            now,
            &mut self.feed.sorted_call(),
            |id, state, rule, changes| {
                let evidence = state.explain(&self.model, rule, now);
                let transition = state.tick_to(&self.model, rule, now);
                changes.push(Change::StageMoved {
                    customer: CompactString::from(id),
                    change: transition,
                    event_id: None,
                    evidence: EvidenceList::from(evidence),
                });
                moved += 1;
            },
        );
        self.deliver();
        (evaluated, moved)
    }

    /// Runs `moved` on every customer a tick rule moves at `now`, and records
    /// the changes it lists, shard by shard, as one call; returns the
    /// customers evaluated.
    fn tick_each(
        &self,
        now: Timestamp,
        call: &mut Call,
        mut moved: impl FnMut(&str, &mut CustomerState, crate::lifecycle::RuleId, &mut Vec<Change>),
    ) -> usize {
        self.last_tick.fetch_max(now.as_millis(), Ordering::AcqRel);
        if self.model.tick_rules().is_empty() {
            return 0;
        }
        let mut changes = Vec::new();
        let mut evaluated = 0;
        for shard in self.shards.iter() {
            let mut shard = lock(shard);
            let due = shard.iter().any(|(_, s)| s.is_due(now));
            if !due {
                continue;
            }
            // Each state, then the metric groups it points to, are fetched
            // from memory two and one customers ahead: evaluating a customer
            // is quicker than a cache miss.
            let mut entries: Vec<(&str, &mut Arc<CustomerState>)> = shard.iter_mut().collect();
            for k in 0..entries.len() {
                if let Some((_, ahead)) = entries.get(k + 2) {
                    prefetch(&***ahead);
                }
                if let Some((_, next)) = entries.get(k + 1) {
                    let m = next.metrics();
                    if let Some(p) = m.purchases.as_deref() {
                        prefetch(p);
                    }
                    if let Some(s) = m.service.as_deref() {
                        prefetch(s);
                    }
                    if let Some(t) = next.history().last() {
                        prefetch(t);
                    }
                }
                let (id, state) = &mut entries[k];
                if !state.is_due(now) {
                    continue;
                }
                evaluated += 1;
                if let Some(rule) = state.tick_rule(&self.model, now) {
                    let state = unique_mut(state);
                    let before = state.segment_bits();
                    moved(id, state, rule, &mut changes);
                    // A move re-evaluates the segments (they may read the stage).
                    let after = state.segment_bits();
                    if before != after {
                        changes.push(Change::SegmentsChanged {
                            customer: CompactString::from(*id),
                            entered: after & !before,
                            left: before & !after,
                            at: now,
                        });
                    }
                }
            }
            // Recorded under the shard's lock: no event of these customers
            // comes between their moves and the feed.
            call.record(changes.drain(..));
        }
        evaluated
    }

    /// Runs `f` on a customer's state. A golden id retired by a merge stands for
    /// the customer it was merged into (see [`Engine::resolve`]).
    pub fn with_customer<R>(
        &self,
        customer: &str,
        f: impl FnOnce(&CustomerState) -> R,
    ) -> Result<R> {
        self.with_resolved(customer, |_, state| f(state))
    }

    /// Runs `f` on a customer's state with the id it resolved to (see
    /// [`Engine::resolve`]): the id results should name.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown customer.
    pub fn with_resolved<R>(
        &self,
        customer: &str,
        f: impl FnOnce(&str, &CustomerState) -> R,
    ) -> Result<R> {
        self.with_shard_of(customer, |live, hash, shard| {
            shard
                .get(hash, live)
                .map(|s| f(live, s))
                .ok_or_else(|| not_found(live))
        })
    }

    /// Adds a customer with a state kept elsewhere until now (for example a state a
    /// host stored through the pure step, read with `json::state_from_json`).
    /// Thread-safe.
    ///
    /// Once consolidation is configured the customer is a live golden id (a
    /// retired one is a [`Error::Conflict`] naming the customer it was merged
    /// into: no event would reach it); the state is kept with the customer, so a
    /// later merge combines it with the other customer's (see
    /// [`CustomerState::combine`]).
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] for a customer already tracked (it stays as it was),
    /// [`Error::NotFound`] as for [`Engine::apply`].
    pub fn import(&self, customer: &str, state: CustomerState) -> Result<()> {
        if let Some(problem) = crate::model::event::text_problem(customer, false) {
            return Err(Error::invalid("customer", problem));
        }
        let out = if self.consolidating.load(Ordering::Acquire) {
            self.import_consolidated(customer, state)
        } else {
            self.import_plain(customer, state)
        };
        self.deliver();
        out
    }

    fn import_plain(&self, customer: &str, state: CustomerState) -> Result<()> {
        let (hash, shard) = self.locate(customer);
        let mut shard = lock(shard);
        if shard.contains(hash, customer) {
            return Err(Error::Conflict {
                field: "customer".into(),
                message: format!(
                    "customer `{}` is already tracked",
                    crate::model::time::clip(customer)
                ),
            });
        }
        let created = Change::CustomerCreated {
            customer: CompactString::from(customer),
            stage: state.stage(),
            at: state.stage_entered(),
        };
        shard.insert_new(&self.hasher, hash, customer, state);
        self.feed.single().one(created);
        Ok(())
    }

    /// Erases a customer (for example to honour an erasure request) and returns
    /// the lifecycle state it had: everything [`Engine::erase`] erases. Thread-safe.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown customer or one without a lifecycle
    /// state (use [`Engine::erase`] for a golden customer without events).
    pub fn remove(&self, customer: &str) -> Result<CustomerState> {
        let (_, state) = self.erase_taking(customer, true)?;
        Ok(state.expect("erase_taking answers a state when asked to"))
    }

    /// A copy of a customer's state.
    pub fn customer(&self, customer: &str) -> Result<CustomerState> {
        self.with_customer(customer, CustomerState::clone)
    }

    /// Customers tracked.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).len()).sum()
    }

    /// Whether no customer is tracked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every customer id, sorted.
    pub fn customer_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for shard in self.shards.iter() {
            ids.extend(lock(shard).iter().map(|(k, _)| k.to_string()));
        }
        ids.sort();
        ids
    }

    /// Calls `f` for every customer, shard by shard (not in id order).
    pub fn for_each(&self, mut f: impl FnMut(&str, &CustomerState)) {
        for shard in self.shards.iter() {
            for (id, state) in lock(shard).iter() {
                f(id, state);
            }
        }
    }

    /// Customers per stage, indexed by stage. Shards are counted one after
    /// another, each at its own moment: with writers at work, the counts are
    /// of moments microseconds apart, not of one.
    pub fn stage_counts(&self) -> Vec<(StageId, usize)> {
        let mut counts = vec![0usize; self.model.stages().len()];
        self.for_each(|_, s| counts[s.stage().index()] += 1);
        counts
            .into_iter()
            .enumerate()
            .map(|(i, n)| (StageId(i as u16), n))
            .collect()
    }

    /// Estimated bytes used by the customer states and their ids (the tables' own
    /// slots included).
    pub fn memory_bytes(&self) -> usize {
        self.shards.iter().map(|s| lock(s).memory_bytes()).sum()
    }

    fn lock_all(&self) -> Vec<MutexGuard<'_, Shard>> {
        self.shards.iter().map(lock).collect()
    }

    /// The consolidation state lock, for the snapshot.
    fn identity_guard(&self) -> std::sync::RwLockReadGuard<'_, identity::Identity> {
        self.identity.read().unwrap_or_else(|p| p.into_inner())
    }
}

/// The shard of a customer's hash. The tables use the low bits (bucket) and the top
/// 7 (tag): the shard is chosen from the middle.
fn shard_index(hash: u64) -> usize {
    (hash >> 32) as usize % SHARDS
}

fn not_found(customer: &str) -> Error {
    Error::NotFound {
        what: "customer",
        id: crate::model::time::clip(customer),
    }
}

/// Asks the CPU to start loading `value`'s cache lines (a hint; no effect on
/// targets without a stable prefetch instruction).
#[inline(always)]
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let start = (value as *const T).cast::<i8>();
        let mut offset = 0;
        while offset < std::mem::size_of::<T>() {
            // SAFETY: SSE is part of the x86_64 baseline, and a prefetch never
            // faults nor reads into the program: any address is allowed.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(offset)) };
            offset += 64;
        }
        // The last byte's line, when the value straddles one more line.
        let last = std::mem::size_of::<T>().saturating_sub(1);
        // SAFETY: as above.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(last)) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// The parts of each customer's state [`Engine::walk`] fetches from memory
/// ahead of the call on it, besides the state itself: those the caller
/// reads (a part not read costs a wasted memory fetch).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ahead {
    /// The stage history.
    pub history: bool,
    /// The purchase metrics.
    pub purchases: bool,
    /// The relationship metrics (renewals among them).
    pub relationship: bool,
    /// The profile (attributes' list head and segment memberships, up to
    /// two of them inline), and a quarter as far ahead the memberships that
    /// spill out of it; the attribute values themselves are not fetched
    /// ahead.
    pub profile: bool,
}

/// States fetched this many customers ahead of the one called on; the parts
/// [`Ahead`] names, half as many (their addresses are in the state).
const WALK_AHEAD: usize = 16;

impl Engine {
    /// Every customer, shard by shard, each shard under its lock (as
    /// [`Engine::for_each`]), with each state fetched from memory
    /// [`WALK_AHEAD`] customers before `f` is called on it and the parts
    /// `ahead` names half as far: a walk over the states of a large engine
    /// otherwise waits on a cache miss (a TLB miss too, often) per state and
    /// per part, a few hundred nanoseconds each, while `f` takes tens.
    pub(crate) fn walk(&self, ahead: Ahead, mut f: impl FnMut(&str, &CustomerState)) {
        for shard in self.shards.iter() {
            let shard = lock(shard);
            // The states' addresses first, so that the walk can look ahead.
            let entries: Vec<(&str, &CustomerState)> = shard.iter().collect();
            for (k, &(id, state)) in entries.iter().enumerate() {
                if let Some((_, far)) = entries.get(k + WALK_AHEAD) {
                    prefetch(*far);
                }
                if let Some((_, near)) = entries.get(k + WALK_AHEAD / 2) {
                    let m = near.metrics();
                    if ahead.history {
                        prefetch_lines(&near.history);
                    }
                    if ahead.purchases {
                        if let Some(p) = m.purchases.as_deref() {
                            prefetch(p);
                        }
                    }
                    if ahead.relationship {
                        if let Some(r) = m.relationship.as_deref() {
                            prefetch(r);
                        }
                    }
                    if ahead.profile {
                        if let Some(p) = near.profile.as_deref() {
                            prefetch(p);
                        }
                    }
                }
                if ahead.profile {
                    if let Some((_, nearer)) = entries.get(k + WALK_AHEAD / 4) {
                        if let Some(p) = nearer.profile.as_deref() {
                            prefetch_lines(p.segments.as_slice());
                        }
                    }
                }
                f(id, state);
            }
        }
    }
}

/// [`prefetch`] of a slice's cache lines, the first eight at most (a
/// longer slice is read while the rest arrives).
#[inline(always)]
fn prefetch_lines<T>(values: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let start = values.as_ptr().cast::<i8>();
        let bytes = std::mem::size_of_val(values).min(8 * 64);
        let mut offset = 0;
        while offset < bytes {
            // SAFETY: as in `prefetch`: a prefetch never faults nor reads
            // into the program.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(offset)) };
            offset += 64;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = values;
}

/// Locks a shard. A panic while a shard was locked cannot leave a state half
/// changed (states are changed only after every check passed), so a poisoned lock
/// is taken over.
fn lock(m: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BuiltinKind, Currency, Money};

    fn t(s: &str) -> Timestamp {
        Timestamp::parse(s, "t").unwrap()
    }

    #[test]
    fn applies_and_ticks() {
        let engine = Engine::new(StageModel::six_stage());
        let ars = Currency::parse("ARS", "c").unwrap();
        let buy = |at: &str| {
            Event::new("ana", t(at), BuiltinKind::Purchase).with_amount(Money {
                minor: 1000,
                currency: ars,
            })
        };
        engine.apply(&buy("2026-01-01T00:00:00Z")).unwrap();
        engine.apply(&buy("2026-01-11T00:00:00Z")).unwrap();
        let stage = engine.with_customer("ana", |s| s.stage()).unwrap();
        assert_eq!(engine.model().stage_name(stage), "growth");
        // 3 usual intervals (30 days) and 30 days without buying: lapsed.
        let report = engine.tick(t("2026-02-05T00:00:00Z"));
        assert!(report.moves.is_empty());
        let report = engine.tick(t("2026-02-11T00:00:00Z"));
        assert_eq!(report.moves.len(), 1);
        assert_eq!(
            engine.model().rule(report.moves[0].1.transition.rule).name,
            "lapsed"
        );
        assert!(matches!(
            engine.customer("nadie"),
            Err(Error::NotFound { .. })
        ));
    }
}
