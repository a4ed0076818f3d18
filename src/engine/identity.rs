//! Who the customer is, inside the engine: the consolidation [`Registry`], the
//! [`Hierarchies`] between customers, and the events and imported states of
//! golden customers, so that lifecycle state follows identity.
//!
//! # The rule: lifecycle state follows the identity
//!
//! Events sent for a golden id (`G42`, as [`Engine::ingest`] returns) are kept
//! with that customer, tagged with the id they were sent for. A state imported
//! for a golden id ([`Engine::import`]) is kept the same way.
//!
//! - **Retired ids.** Every call that takes a customer id treats a golden id
//!   retired by a merge as the customer it was merged into, and names that
//!   customer in its result. A golden id never issued, or erased, is not found.
//! - **Merge**: the survivor's events are both customers' events, and its stage,
//!   history and metrics are recomputed by applying them in time order to a new
//!   state (then the clock is ticked at the engine's last tick, so inactivity
//!   rules see the same time as before). Imported states are the customer's
//!   history before its events: the survivor starts from both customers'
//!   imported states joined ([`CustomerState::combine`]) and applies the events
//!   after them; events older than that start are replayed apart and joined too.
//!   Nothing either customer had is dropped. The retired id's own state is
//!   removed.
//! - **Unmerge**: when the record leaving gets its old golden id back, the events
//!   and imported states sent for that id go back with it, those sent for the
//!   survivor stay, and both states are recomputed. A record that never had a
//!   golden id of its own leaves with no events: what was sent for the merged
//!   customer stays with it.
//! - **Erasure** ([`Engine::erase`]): a golden customer's source records,
//!   golden record, cross-reference, blocking keys, reviews, hierarchy links,
//!   events, imported states, firing log and lifecycle state all go; its ids no
//!   longer resolve. [`Engine::remove_source`] removes one source record: the
//!   golden record becomes the one the others make, and a customer left without
//!   records is erased.
//!
//! Events of customers that are not golden ids are not kept: their state is
//! updated in place, as always. Once consolidation is configured (or a record
//! ingested) such events are refused unless
//! [`RegistryConfig::customers_from_events`] allows them.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::Ordering;

use compact_str::CompactString;

use super::changes::{Change, Erasure};
use super::feed::{Call, Sink};
use super::{lock, Engine, Shard};
use crate::consolidation::golden::{GoldenRecord, SourceKey};
use crate::consolidation::hierarchy::{Hierarchies, HierarchyKind, Link, Rename, RollUp};
use crate::consolidation::matching::{EmOptions, Estimate, MatchModel};
use crate::consolidation::registry::{
    Erased, GoldenId, IngestDecision, Ingested, Merged, Registry, RegistryConfig,
};
use crate::error::{Error, Result};
use crate::lifecycle::profile::{AttributeId, AttributeValue};
use crate::lifecycle::{CustomerState, Outcome};
use crate::model::event::Event;
use crate::model::record::Record;
use crate::model::time::Timestamp;

/// The engine's identity state, behind one lock.
#[derive(Debug)]
pub(super) struct Identity {
    pub(super) registry: Registry,
    pub(super) hierarchies: Hierarchies,
    /// States imported for golden customers: the id each was imported for,
    /// and the state as imported.
    pub(super) imported: BTreeMap<GoldenId, Vec<(GoldenId, CustomerState)>>,
    /// Hierarchy links a merge moved from the retired id to the survivor, to
    /// move back if the retired id comes back.
    pub(super) renames: BTreeMap<GoldenId, Rename>,
    /// Whether consolidation was configured or a record ingested: golden ids
    /// are then the customers' ids.
    pub(super) configured: bool,
    /// Customers with golden-shaped ids (`G7`) tracked before consolidation
    /// was configured: plain customers, reachable as before; the registry
    /// issues ids past them.
    pub(super) legacy: std::collections::BTreeSet<String>,
}

impl Identity {
    pub(super) fn new(config: RegistryConfig) -> Result<Identity> {
        Ok(Identity {
            registry: Registry::new(config)?,
            hierarchies: Hierarchies::new(),
            imported: BTreeMap::new(),
            renames: BTreeMap::new(),
            configured: false,
            legacy: Default::default(),
        })
    }

    /// The customer id calls act on for `customer`: a retired golden id's
    /// survivor, itself otherwise; `tracked` says whether a lifecycle state is
    /// kept under an id. Once consolidation is configured, golden ids the
    /// registry never issued (or erased) are not found, and so are other ids,
    /// unless the configuration allows customers created by events, or the
    /// customer was tracked before consolidation was configured (those stay
    /// reachable: they can be read, sent events and erased).
    pub(super) fn resolve<'a>(
        &self,
        customer: &'a str,
        tracked: impl Fn(&str) -> bool,
    ) -> Result<Cow<'a, str>> {
        if !self.configured {
            return Ok(Cow::Borrowed(customer));
        }
        if let Some(id) = golden_shaped(customer) {
            match self.registry.resolve(id) {
                Some(live) if live == id => return Ok(Cow::Borrowed(customer)),
                Some(live) => return Ok(Cow::Owned(live.to_string())),
                None if self.legacy.contains(customer) => return Ok(Cow::Borrowed(customer)),
                None => {
                    return Err(Error::NotFound {
                        what: "golden customer",
                        id: crate::model::time::clip(customer),
                    })
                }
            }
        }
        if self.registry.config().customers_from_events || tracked(customer) {
            return Ok(Cow::Borrowed(customer));
        }
        Err(Error::NotFound {
            what: "customer (consolidation is configured: customers are golden ids, \
                   unless `customers_from_events` is set)",
            id: crate::model::time::clip(customer),
        })
    }
}

/// Replaying events each accepted once: no limit refuses them again (limits
/// may have been lowered since).
const REPLAY: crate::model::Limits = crate::model::Limits {
    event_json_bytes: crate::model::Limits::MAX,
    attributes: crate::model::Limits::MAX,
    attribute_key_bytes: crate::model::Limits::MAX,
    attribute_value_bytes: crate::model::Limits::MAX,
    record_json_bytes: crate::model::Limits::MAX,
    record_field_bytes: crate::model::Limits::MAX,
    hierarchy_depth: crate::model::Limits::MAX,
};

/// The golden id `customer` spells, if it spells one (`G42`).
fn golden_shaped(customer: &str) -> Option<GoldenId> {
    if customer.starts_with('G') {
        customer.parse().ok()
    } else {
        None
    }
}

/// A record waiting for a data steward, as [`Engine::reviews`] lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewItem {
    /// The record.
    pub record: SourceKey,
    /// The golden customer it is in now.
    pub golden: GoldenId,
    /// The customers it may be, best first: id, probability, and the member that
    /// matched best.
    pub candidates: Vec<(GoldenId, f64, SourceKey)>,
}

/// What [`Engine::remove_source`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceRemoved {
    /// The golden customer the record was in.
    pub golden: GoldenId,
    /// Whether that customer had no other record and was erased with it.
    pub erased: bool,
}

impl Engine {
    fn identity_read(&self) -> std::sync::RwLockReadGuard<'_, Identity> {
        self.identity.read().unwrap_or_else(|p| p.into_inner())
    }

    fn identity_write(&self) -> std::sync::RwLockWriteGuard<'_, Identity> {
        self.identity.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The customer id that calls taking `customer` act on: for a golden id
    /// retired by a merge, the customer it was merged into; otherwise
    /// `customer` itself. Every method that takes a customer id applies this
    /// rule, and results name the customer it gives.
    ///
    /// # Errors
    ///
    /// Once consolidation is configured (or a record ingested):
    /// [`Error::NotFound`] for a golden id never issued or erased, and for an id
    /// that is not a golden id unless
    /// [`RegistryConfig::customers_from_events`] allows it.
    pub fn resolve(&self, customer: &str) -> Result<String> {
        if !self.consolidating.load(Ordering::Acquire) {
            return Ok(customer.to_string());
        }
        let identity = self.identity_read();
        self.resolve_in(&identity, customer).map(Cow::into_owned)
    }

    /// [`Identity::resolve`], a customer being tracked when the engine holds a
    /// state under its id. No shard may be locked by the caller.
    pub(super) fn resolve_in<'a>(
        &self,
        identity: &Identity,
        customer: &'a str,
    ) -> Result<Cow<'a, str>> {
        identity.resolve(customer, |c| {
            let (hash, shard) = self.locate(c);
            lock(shard).contains(hash, c)
        })
    }

    /// Runs `f` with the live customer `customer` resolves to (see
    /// [`Engine::resolve`]), its hash and its shard, locked. The shard is
    /// locked before the identity is let go, so no merge moves the customer
    /// in between; `f` runs without the identity held, so it may call the
    /// engine's registry queries (not, of course, lock the same shard again).
    pub(super) fn with_shard_of<R>(
        &self,
        customer: &str,
        f: impl FnOnce(&str, u64, &mut Shard) -> Result<R>,
    ) -> Result<R> {
        if !self.consolidating.load(Ordering::Acquire) {
            let (hash, shard) = self.locate(customer);
            return f(customer, hash, &mut lock(shard));
        }
        let identity = self.identity_read();
        let live = self.resolve_in(&identity, customer)?;
        let (hash, shard) = self.locate(&live);
        let mut shard = lock(shard);
        drop(identity);
        f(&live, hash, &mut shard)
    }

    /// From now on the engine consolidates. Customers tracked under
    /// golden-shaped ids (`G7`) before are plain customers the registry must
    /// not issue ids over: it issues ids past them.
    fn begin_consolidating(&self, identity: &mut Identity) {
        if identity.configured {
            return;
        }
        let mut legacy = std::collections::BTreeSet::new();
        for shard in self.shards.iter() {
            for (id, _) in lock(shard).iter() {
                if let Some(g) = golden_shaped(id) {
                    identity.registry.reserve_through(g);
                    legacy.insert(id.to_string());
                }
            }
        }
        identity.legacy = legacy;
        identity.configured = true;
        self.consolidating.store(true, Ordering::Release);
    }

    /// Sets how records are matched and golden records built. Before the first
    /// record is ingested; hierarchy links already made are kept.
    ///
    /// `config` is the whole configuration, its match model included: the
    /// model it carries replaces any installed before (by
    /// [`Engine::set_match_model`], or a configuration before), the built-in
    /// one for [`RegistryConfig::default`]. To keep an installed model, pass it:
    /// `RegistryConfig { model: engine.match_model(), ..config }`. (From C,
    /// `ciclo_engine_configure_consolidation` without `"model"` keeps it.)
    ///
    /// From then on the engine consolidates: customers are golden ids (see
    /// [`Engine::resolve`]).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for an inconsistent configuration, [`Error::Conflict`]
    /// once records are registered. Nothing changes on an error.
    pub fn configure_consolidation(&self, config: RegistryConfig) -> Result<()> {
        self.configure_consolidation_with(|_| Ok(config))
    }

    /// [`Engine::configure_consolidation`] with the configuration `make` builds
    /// from the installed match model, under the same lock (so that a model
    /// installed meanwhile is not lost).
    pub(crate) fn configure_consolidation_with(
        &self,
        make: impl FnOnce(&MatchModel) -> Result<RegistryConfig>,
    ) -> Result<()> {
        let mut identity = self.identity_write();
        let config = make(&identity.registry.config().model)?;
        if identity.registry.source_count() > 0 || identity.registry.golden_count() > 0 {
            return Err(Error::Conflict {
                field: "consolidation".into(),
                message: "records are already registered; configure before the first ingest".into(),
            });
        }
        let fresh = Identity::new(config)?;
        identity.registry = fresh.registry;
        identity.configured = false;
        self.begin_consolidating(&mut identity);
        Ok(())
    }

    /// Matches a source record at the point of entry and stores it: see
    /// [`Registry::ingest`]. The returned golden id is the customer id to send the
    /// record's events with.
    ///
    /// # Errors
    ///
    /// As [`Registry::ingest`], and [`Error::InvalidArgument`] naming the field
    /// (`record.surname`) for one longer than the engine's
    /// [`Limits::record_field_bytes`](crate::model::Limits::record_field_bytes);
    /// nothing changes on an error.
    pub fn ingest(&self, key: SourceKey, updated: Timestamp, record: Record) -> Result<Ingested> {
        self.limits().check_record(&record)?;
        let out = self.ingest_recorded(key, updated, record);
        self.deliver();
        out
    }

    fn ingest_recorded(
        &self,
        key: SourceKey,
        updated: Timestamp,
        record: Record,
    ) -> Result<Ingested> {
        let mut call = self.feed.call();
        let mut identity = self.identity_write();
        let was = identity.configured;
        self.begin_consolidating(&mut identity);
        let source = key.clone();
        let out = identity.registry.ingest(key, updated, record);
        match &out {
            Ok(ingested) => {
                let golden = ingested.golden;
                // Customers the record showed to be one are merged, lifecycle
                // state following, as a data steward's merge does.
                for &merged in &ingested.joined {
                    self.follow_merge(&mut identity, merged, &mut call);
                }
                let record = None;
                match ingested.decision {
                    IngestDecision::New | IngestDecision::Review => call.record([
                        Change::GoldenCreated { golden, record },
                        Change::SourceAdded { source, golden },
                    ]),
                    IngestDecision::Merged => call.record([
                        Change::SourceAdded { source, golden },
                        Change::GoldenUpdated { golden, record },
                    ]),
                    IngestDecision::Updated => call.one(Change::GoldenUpdated { golden, record }),
                }
                record_reviews(&identity, &mut call);
            }
            Err(_) if !was => {
                // Nothing changes on an error.
                identity.configured = false;
                identity.legacy.clear();
                self.consolidating.store(false, Ordering::Release);
            }
            Err(_) => {}
        }
        out
    }

    /// The match model ingests are scored with.
    pub fn match_model(&self) -> MatchModel {
        self.identity_read().registry.config().model.clone()
    }

    /// Installs a match model (one a batch estimated, say: [`Dedup::model`]):
    /// records ingested from now on are scored with it, before or after the
    /// first ingest; see [`Registry::set_model`]. Snapshots keep it. A later
    /// [`Engine::configure_consolidation`] replaces it with the model its
    /// configuration carries: install the model after configuring, or pass it
    /// in the configuration.
    ///
    /// [`Dedup::model`]: crate::consolidation::dedup::Dedup::model
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the model cannot score pairs
    /// ([`MatchModel::validate`]). Nothing changes on an error.
    pub fn set_match_model(&self, model: MatchModel) -> Result<()> {
        {
            let mut call = self.feed.call();
            let mut identity = self.identity_write();
            identity.registry.set_model(model)?;
            record_reviews(&identity, &mut call);
        }
        self.deliver();
        Ok(())
    }

    /// Estimates the match model from the records the engine holds, as batch
    /// deduplication does from an export ([`Registry::estimate_model`]:
    /// `u` from seeded random pairs, `m` and the prior by EM over the
    /// candidate pairs, starting from the installed model), and installs it:
    /// records ingested from now on are scored with it, and snapshots keep it.
    /// Returns the estimate, with the model and how it was reached.
    ///
    /// Runs on the calling thread, holding the registry for reading: queries
    /// go on meanwhile, ingests and a data steward's corrections wait until
    /// the model is installed.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for options out of bounds (see
    /// [`Registry::estimate_model`]); [`Error::Conflict`] when another call
    /// installed a model while this one estimated (nothing is installed:
    /// estimate again). Nothing changes on an error.
    ///
    /// ```
    /// use ciclo::consolidation::golden::SourceKey;
    /// use ciclo::consolidation::matching::EmOptions;
    /// use ciclo::lifecycle::StageModel;
    /// use ciclo::model::{Record, Timestamp};
    /// use ciclo::Engine;
    ///
    /// let engine = Engine::new(StageModel::six_stage());
    /// let at = Timestamp::parse("2026-11-23T10:00:00Z", "updated")?;
    /// for (i, given) in ["Ana", "Luis", "Eva"].iter().enumerate() {
    ///     let record = Record {
    ///         given_name: Some(given.to_string()),
    ///         surname: Some("García".into()),
    ///         ..Record::default()
    ///     };
    ///     engine.ingest(SourceKey::new("crm", &i.to_string())?, at, record)?;
    /// }
    /// let estimate = engine.estimate_model(&EmOptions::default())?;
    /// // Three records are far too few to learn from: the model is kept.
    /// assert!(!estimate.estimated());
    /// assert_eq!(engine.match_model(), estimate.model);
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn estimate_model(&self, options: &EmOptions) -> Result<Estimate> {
        let (start, estimate) = {
            let identity = self.identity_read();
            let registry = &identity.registry;
            (
                registry.config().model.clone(),
                registry.estimate_model(options)?,
            )
        };
        {
            let mut call = self.feed.call();
            let mut identity = self.identity_write();
            if identity.registry.config().model != start {
                return Err(Error::Conflict {
                    field: "model".into(),
                    message: "another model was installed while this one was estimated; \
                              estimate again"
                        .into(),
                });
            }
            identity.registry.set_model(estimate.model.clone())?;
            record_reviews(&identity, &mut call);
        }
        self.deliver();
        Ok(estimate)
    }

    /// The golden record of a customer; a retired id gives the customer it was
    /// merged into.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an id never issued or erased.
    pub fn golden(&self, id: GoldenId) -> Result<(GoldenId, GoldenRecord)> {
        let identity = self.identity_read();
        let live = resolve(&identity.registry, id)?;
        let golden = identity
            .registry
            .golden(live)
            .expect("resolved ids are live");
        Ok((live, golden))
    }

    /// The cross-reference: the golden customer of a source record.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a record never ingested or removed.
    pub fn golden_of(&self, key: &SourceKey) -> Result<GoldenId> {
        let identity = self.identity_read();
        golden_of(&identity.registry, key)
    }

    /// Runs `f` on the registry (read-only), for queries this API does not
    /// wrap.
    pub fn with_registry<R>(&self, f: impl FnOnce(&Registry) -> R) -> R {
        f(&self.identity_read().registry)
    }

    /// The records waiting for a data steward.
    pub fn reviews(&self) -> Vec<ReviewItem> {
        let identity = self.identity_read();
        identity
            .registry
            .reviews()
            .map(|r| ReviewItem {
                record: r.record.clone(),
                golden: r.golden,
                candidates: r
                    .candidates
                    .iter()
                    .map(|c| (c.golden, c.score.probability, c.source.clone()))
                    .collect(),
            })
            .collect()
    }

    /// Drops a record's review: see [`Registry::dismiss_review`].
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when the record has no review.
    pub fn dismiss_review(&self, key: &SourceKey) -> Result<()> {
        {
            let mut call = self.feed.call();
            let mut identity = self.identity_write();
            identity.registry.dismiss_review(key)?;
            record_reviews(&identity, &mut call);
        }
        self.deliver();
        Ok(())
    }

    /// Merges two golden customers (a data steward's decision): see
    /// [`Registry::merge`]. A retired id stands for the customer it was merged
    /// into. The hierarchy links of the retired id move to the survivor (a link
    /// that would conflict with one of the survivor's is dropped and comes back
    /// on unmerge).
    ///
    /// Lifecycle state follows the identity. Events sent for a golden id are
    /// kept with that customer, and so is a state imported for it
    /// ([`Engine::import`]). The survivor's stage, history and metrics are
    /// recomputed: from both customers' imported states joined
    /// ([`CustomerState::combine`]), then every event after them applied in
    /// time order (events older than that start are replayed apart and joined
    /// too), then the clock ticked at the engine's last tick. Nothing either
    /// customer had is dropped; the retired id keeps no state of its own. An
    /// [`Engine::unmerge`] that gives a record its old golden id back gives it
    /// back the events and imported states sent for that id.
    ///
    /// # Errors
    ///
    /// As [`Registry::merge`] ([`Error::InvalidArgument`] when both ids are
    /// one customer); nothing changes on an error.
    pub fn merge(&self, a: GoldenId, b: GoldenId) -> Result<Merged> {
        let out = self.merge_recorded(a, b);
        self.deliver();
        out
    }

    fn merge_recorded(&self, a: GoldenId, b: GoldenId) -> Result<Merged> {
        let mut call = self.feed.call();
        let mut identity = self.identity_write();
        let a = resolve(&identity.registry, a)?;
        let b = resolve(&identity.registry, b)?;
        let merged = identity.registry.merge(a, b)?;
        self.follow_merge(&mut identity, merged, &mut call);
        call.one(Change::GoldenUpdated {
            golden: merged.survivor,
            record: None,
        });
        record_reviews(&identity, &mut call);
        Ok(merged)
    }

    /// The lifecycle side of a merge the registry made: hierarchy links,
    /// events, imported states and firing logs move to the survivor, whose
    /// state is recomputed; the retired id keeps no state. Records the merge,
    /// the links it moved and the states it changed.
    fn follow_merge(&self, identity: &mut Identity, merged: Merged, call: &mut Call) {
        let (survivor, retired) = (merged.survivor.to_string(), merged.retired.to_string());
        call.one(Change::GoldenMerged {
            survivor: merged.survivor,
            retired: merged.retired,
        });
        let depth = self.limits().hierarchy_depth;
        let before = links_around(&identity.hierarchies, [&survivor, &retired]);
        if let Ok(rename) = identity
            .hierarchies
            .rename_customer_within(&retired, &survivor, depth)
        {
            identity.renames.insert(merged.retired, rename);
        }
        record_links(&before, &identity.hierarchies, [&survivor, &retired], call);
        if let Some(events) = self.take_log(merged.retired) {
            let mut log = self.take_log(merged.survivor).unwrap_or_default();
            log.extend(events);
            self.set_log(merged.survivor, log);
        }
        if let Some(states) = identity.imported.remove(&merged.retired) {
            identity
                .imported
                .entry(merged.survivor)
                .or_default()
                .extend(states);
        }
        // Attributes a host set by call are in no event: the survivor's
        // carry over, and the retired customer's fill what it lacks.
        self.recompute(identity, merged.survivor, &[&survivor, &retired], call);
        self.drop_state(&retired, Some(call));
        // What fired for either keeps counting against the survivor's
        // cooldowns and caps (an unmerge leaves it with the survivor).
        self.merge_firings(&retired, &survivor);
    }

    /// Takes a source record out of its golden customer: see
    /// [`Registry::unmerge`]. When the record gets its old golden id back, that
    /// id's events, imported states and hierarchy links come back with it and
    /// both lifecycle states are recomputed.
    ///
    /// # Errors
    ///
    /// As [`Registry::unmerge`]; nothing changes on an error.
    pub fn unmerge(&self, key: &SourceKey) -> Result<GoldenId> {
        let out = self.unmerge_recorded(key);
        self.deliver();
        out
    }

    fn unmerge_recorded(&self, key: &SourceKey) -> Result<GoldenId> {
        let mut call = self.feed.call();
        let mut identity = self.identity_write();
        let from = golden_of(&identity.registry, key)?;
        let back = identity.registry.unmerge(key)?;
        call.one(Change::GoldenUnmerged {
            source: key.clone(),
            from,
            to: back,
        });
        if let Some(log) = self.take_log(from) {
            let mut lists = BTreeMap::from([(from, log)]);
            split_off(&mut lists, from, back);
            for (id, log) in lists {
                self.set_log(id, log);
            }
        }
        split_off(&mut identity.imported, from, back);
        if let Some(rename) = identity.renames.remove(&back) {
            // Links made since may stand in the way; those that cannot move back
            // stay with the survivor.
            let ids = [from.to_string(), back.to_string()];
            let before = links_around(&identity.hierarchies, &ids);
            let _ = identity.hierarchies.undo_rename(&rename);
            record_links(&before, &identity.hierarchies, &ids, &mut call);
        }
        // The customer keeps its attributes (a call's cannot be told apart
        // by record); the record's old id gets those its events set.
        let from_id = from.to_string();
        self.recompute(&identity, from, &[&from_id], &mut call);
        self.recompute(&identity, back, &[], &mut call);
        call.record([
            Change::GoldenUpdated {
                golden: from,
                record: None,
            },
            Change::GoldenCreated {
                golden: back,
                record: None,
            },
        ]);
        record_reviews(&identity, &mut call);
        Ok(back)
    }

    /// Erases a customer completely (the right to be forgotten: GDPR,
    /// Argentina's Ley 25.326). For a golden id (a retired one stands for its
    /// survivor): its source records, golden record, cross-reference, blocking
    /// keys, reviews and review candidates, hierarchy links, events, imported
    /// states, firing log and lifecycle state; neither the id nor the ids
    /// merged into it resolve afterwards, and no later snapshot holds any of
    /// it. For another customer: the lifecycle state, firing log and hierarchy
    /// links. Either way the customer's purchase history goes, and so do the
    /// product affinities learned so far (they count the customer's orders):
    /// call [`Engine::learn_affinities`] again. Golden ids are never issued
    /// again. Returns the erased ids (the customer's first).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown customer. Nothing changes on an error.
    pub fn erase(&self, customer: &str) -> Result<Vec<String>> {
        let out = self.erase_taking(customer, false).map(|(ids, _)| ids);
        self.deliver();
        out
    }

    /// [`Engine::erase`], returning the lifecycle state erased; with
    /// `need_state`, a customer without one is [`Error::NotFound`] and stays.
    pub(super) fn erase_taking(
        &self,
        customer: &str,
        need_state: bool,
    ) -> Result<(Vec<String>, Option<CustomerState>)> {
        let out = self.erase_taking_recorded(customer, need_state);
        if out.is_ok() {
            self.forget_affinities();
        }
        out
    }

    fn erase_taking_recorded(
        &self,
        customer: &str,
        need_state: bool,
    ) -> Result<(Vec<String>, Option<CustomerState>)> {
        let mut call = self.feed.call();
        let mut identity = self.identity_write();
        let live = self.resolve_in(&identity, customer)?.into_owned();
        let (hash, shard) = self.locate(&live);
        match golden_shaped(&live).filter(|&g| identity.registry.contains(g)) {
            Some(id) => {
                // Events of golden customers need the identity: none comes
                // between this copy and the erasure.
                let state = lock(shard).get(hash, &live).cloned();
                if need_state && state.is_none() {
                    return Err(super::not_found(&live));
                }
                let erased = identity.registry.erase(id)?;
                Ok((self.forget_golden(&mut identity, &erased, &mut call), state))
            }
            None => {
                let links = identity.hierarchies.links_of(&live);
                let mut shard = lock(shard);
                if need_state && !shard.contains(hash, &live) {
                    return Err(super::not_found(&live));
                }
                let state = shard.remove(hash, &live);
                if state.is_none() && links.is_empty() {
                    return Err(super::not_found(&live));
                }
                // Under the shard's lock: an event that starts the customer
                // again comes after the erasure on the feed.
                call.private([Change::Erased {
                    customers: vec![live.clone()],
                    sources: Vec::new(),
                }]);
                drop(shard);
                call.private(
                    links
                        .into_iter()
                        .map(Change::LinkRemoved)
                        .collect::<Vec<_>>(),
                );
                forget_links(&mut identity, &live);
                identity.legacy.remove(&live);
                self.forget_firings(&live);
                // The host's id for the customer: the changes naming it keep
                // it for readers, snapshots write them emptied.
                self.feed.redact(&Erasure {
                    customers: std::slice::from_ref(&live),
                    keys: &[],
                    hosts: std::slice::from_ref(&live),
                });
                Ok((vec![live], state))
            }
        }
    }

    /// Removes one source record (its system deleted it, or the person asked):
    /// the golden record becomes exactly the one the customer's other records
    /// make, as if this one had never been ingested, and the record's reviews
    /// go. A customer left without records is erased as by
    /// [`Engine::erase`]. The customer's events stay with the customer.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a record never ingested or already removed.
    pub fn remove_source(&self, key: &SourceKey) -> Result<SourceRemoved> {
        let out = self.remove_source_recorded(key);
        self.deliver();
        out
    }

    fn remove_source_recorded(&self, key: &SourceKey) -> Result<SourceRemoved> {
        let mut call = self.feed.call();
        let mut identity = self.identity_write();
        let golden = golden_of(&identity.registry, key)?;
        let alone = identity
            .registry
            .members(golden)
            .is_some_and(|m| m.len() == 1);
        if alone {
            let erased = identity.registry.erase(golden)?;
            self.forget_golden(&mut identity, &erased, &mut call);
            // Erased as by `erase`: the learned affinities may count it.
            self.forget_affinities();
        } else {
            identity.registry.remove(key)?;
            call.record([
                Change::SourceRemoved {
                    source: key.clone(),
                    golden,
                },
                Change::GoldenUpdated {
                    golden,
                    record: None,
                },
            ]);
            record_reviews(&identity, &mut call);
        }
        Ok(SourceRemoved {
            golden,
            erased: alone,
        })
    }

    /// Drops everything the engine keeps about erased golden ids besides the
    /// registry: hierarchy links, renames, events, imported states, lifecycle
    /// states and firing logs. Records the erasure (ids only), the links and
    /// reviews it took, and strips what the feed kept about them.
    fn forget_golden(
        &self,
        identity: &mut Identity,
        erased: &Erased,
        call: &mut Call,
    ) -> Vec<String> {
        let names: Vec<String> = erased.ids.iter().map(GoldenId::to_string).collect();
        // The records' keys are the host's: snapshots write them emptied.
        call.private([Change::Erased {
            customers: names.clone(),
            sources: erased.sources.clone(),
        }]);
        let links: BTreeSet<Link> = names
            .iter()
            .flat_map(|n| identity.hierarchies.links_of(n))
            .collect();
        call.record(
            links
                .into_iter()
                .map(Change::LinkRemoved)
                .collect::<Vec<_>>(),
        );
        for (id, name) in erased.ids.iter().zip(&names) {
            self.take_log(*id);
            identity.imported.remove(id);
            identity.renames.remove(id);
            forget_links(identity, name);
            self.drop_state(name, None);
            self.forget_firings(name);
        }
        record_reviews(identity, call);
        // Changes naming the records keep their keys for readers; snapshots
        // write them emptied.
        self.feed.redact(&Erasure {
            customers: &names,
            keys: &erased.sources,
            hosts: &[],
        });
        names
    }

    /// Links two customers in a hierarchy (`parent` above `child`). Ids are
    /// golden ids (a retired one stands for its survivor) or lifecycle customer
    /// ids the engine tracks.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown customer; as
    /// [`Hierarchies::link_within`] for a cycle, a second parent or a link
    /// deeper than the engine's [`Limits::hierarchy_depth`](crate::model::Limits::hierarchy_depth).
    pub fn link(&self, kind: &HierarchyKind, parent: &str, child: &str) -> Result<()> {
        {
            let mut call = self.feed.single();
            let mut identity = self.identity_write();
            let parent = self.known(&identity, "parent", parent)?;
            let child = self.known(&identity, "child", child)?;
            let linked = identity.hierarchies.parent(kind, &child) == Some(parent.as_str());
            identity.hierarchies.link_within(
                kind,
                &parent,
                &child,
                self.limits().hierarchy_depth,
            )?;
            if !linked {
                call.one(Change::LinkAdded(Link::new(kind.clone(), parent, child)));
            }
        }
        self.deliver();
        Ok(())
    }

    /// Removes a hierarchy link (a retired golden id stands for its survivor).
    ///
    /// # Errors
    ///
    /// As [`Hierarchies::unlink`].
    pub fn unlink(&self, kind: &HierarchyKind, parent: &str, child: &str) -> Result<()> {
        {
            let mut call = self.feed.single();
            let mut identity = self.identity_write();
            let parent = self.resolve_in(&identity, parent)?.into_owned();
            let child = self.resolve_in(&identity, child)?.into_owned();
            identity.hierarchies.unlink(kind, &parent, &child)?;
            call.one(Change::LinkRemoved(Link::new(kind.clone(), parent, child)));
        }
        self.deliver();
        Ok(())
    }

    /// Runs `f` on the hierarchies (read-only): parents, children, ancestors,
    /// descendants.
    pub fn with_hierarchies<R>(&self, f: impl FnOnce(&Hierarchies) -> R) -> R {
        f(&self.identity_read().hierarchies)
    }

    /// Runs `f` on the hierarchies with the customer `id` resolves to (see
    /// [`Engine::resolve`]).
    ///
    /// # Errors
    ///
    /// As [`Engine::resolve`]; and [`Error::NotFound`] for an id that is neither
    /// a customer the engine tracks, a live golden id nor in any hierarchy.
    pub fn with_hierarchy_of<R>(
        &self,
        id: &str,
        f: impl FnOnce(&Hierarchies, &str) -> R,
    ) -> Result<R> {
        let identity = self.identity_read();
        let live = self.known(&identity, "customer", id).or_else(|e| {
            let live = self.resolve_in(&identity, id)?;
            if identity.hierarchies.links_of(&live).is_empty() {
                Err(e)
            } else {
                Ok(live.into_owned())
            }
        })?;
        Ok(f(&identity.hierarchies, &live))
    }

    /// The revenue (minor units) of a customer and everything below it in a
    /// hierarchy, from their lifecycle states, node by node.
    ///
    /// # Errors
    ///
    /// As [`Engine::resolve`]; as [`Hierarchies::roll_up`] (an overflow is an
    /// error, not a wrap).
    pub fn revenue_roll_up(&self, kind: &HierarchyKind, id: &str) -> Result<RollUp> {
        let identity = self.identity_read();
        let live = self.resolve_in(&identity, id)?;
        identity.hierarchies.roll_up(kind, &live, |node| {
            let (hash, shard) = self.locate(node);
            lock(shard).get(hash, node).map(|s| s.metrics().revenue())
        })
    }

    /// Applies an event in a consolidating engine: to the live customer of a
    /// golden id (kept in its log), or to a plain customer if the
    /// configuration allows them. Returns the live golden id the event went to
    /// when it was not the one named.
    ///
    /// The identity is only read: events of different customers go on in
    /// parallel, as without consolidation. The state and the log change under
    /// the customer's shard lock together.
    pub(super) fn apply_consolidated(
        &self,
        event: &Event,
        call: &mut impl Sink,
    ) -> Result<(Option<GoldenId>, Outcome)> {
        let identity = self.identity_read();
        if !identity.configured {
            // Consolidation was dropped by a restore of an older snapshot.
            drop(identity);
            return Ok((None, self.apply_plain(event, call)?));
        }
        let resolved = self.resolve_in(&identity, &event.customer)?;
        let golden = golden_shaped(&resolved).filter(|&g| identity.registry.contains(g));
        let (Some(live), Some(named)) = (golden, golden_shaped(&event.customer)) else {
            // A plain customer: allowed by the configuration, or tracked
            // before consolidation was configured.
            drop(identity);
            return Ok((None, self.apply_plain(event, call)?));
        };
        let customer = live.to_string();
        let (hash, shard) = self.locate(&customer);
        let mut shard = lock(shard);
        let outcome = if live == named {
            self.apply_in(&mut shard, hash, event, call)?
        } else {
            let mut moved = event.clone();
            moved.customer = customer;
            self.apply_in(&mut shard, hash, &moved, call)?
        };
        if outcome.applied == crate::lifecycle::Applied::Applied {
            // A duplicate changed nothing: nothing to replay.
            shard.push_log(&self.hasher, hash, live, (named, event.clone()));
        }
        drop(identity);
        Ok(((live != named).then_some(live), outcome))
    }

    /// The event log of a golden customer.
    pub(super) fn log_of(&self, id: GoldenId) -> Option<std::sync::Arc<super::EventLog>> {
        let customer = id.to_string();
        let (hash, shard) = self.locate(&customer);
        lock(shard).log(hash, id).cloned()
    }

    fn take_log(&self, id: GoldenId) -> Option<super::EventLog> {
        let customer = id.to_string();
        let (hash, shard) = self.locate(&customer);
        lock(shard).take_log(hash, id)
    }

    pub(super) fn set_log(&self, id: GoldenId, log: super::EventLog) {
        let customer = id.to_string();
        let (hash, shard) = self.locate(&customer);
        lock(shard).set_log(&self.hasher, hash, id, log);
    }

    /// Imports a state in a consolidating engine: for a live golden id, kept
    /// with the customer so merges combine it.
    pub(super) fn import_consolidated(&self, customer: &str, state: CustomerState) -> Result<()> {
        let mut identity = self.identity_write();
        let resolved = self.resolve_in(&identity, customer)?.into_owned();
        let golden = golden_shaped(&resolved).filter(|&g| identity.registry.contains(g));
        let (Some(live), Some(named)) = (golden, golden_shaped(customer)) else {
            drop(identity);
            return self.import_plain(customer, state);
        };
        if live != named {
            return Err(Error::Conflict {
                field: "customer".into(),
                message: format!(
                    "{named} was merged into {live}: no event reaches {named}; import under {live}"
                ),
            });
        }
        self.import_plain(customer, state.clone())?;
        identity
            .imported
            .entry(live)
            .or_default()
            .push((named, state));
        Ok(())
    }

    /// Recomputes a golden customer's lifecycle state from its imported states
    /// and events (see [`Engine::merge`]), and records it. The host attributes
    /// the states of `inherit` hold now (the first's win) are kept: those a
    /// host set by [`Engine::set_attributes`] are in no event.
    fn recompute(&self, identity: &Identity, id: GoldenId, inherit: &[&str], call: &mut Call) {
        let customer = id.to_string();
        let kept = self.attributes_held(inherit);
        let log = self.log_of(id);
        let mut events: Vec<&Event> = log
            .as_deref()
            .map(|l| l.iter().map(|(_, e)| e).collect())
            .unwrap_or_default();
        events.sort_by_key(|e| e.at);
        let base = identity
            .imported
            .get(&id)
            .into_iter()
            .flatten()
            .map(|(_, s)| s)
            .fold(None::<CustomerState>, |acc, s| match acc {
                None => Some(s.clone()),
                Some(a) => Some(a.combine(s, &self.model)),
            });
        let state = match base {
            None => self.replay(&customer, &events),
            Some(mut state) => {
                let start = state.watermark();
                let (late, early): (Vec<&Event>, Vec<&Event>) =
                    events.iter().partition(|e| e.at >= start);
                for event in late {
                    let mut event = event.clone();
                    event.customer.clone_from(&customer);
                    let _ = state.apply_within(&self.model, &event, &REPLAY);
                }
                match self.replay(&customer, &early) {
                    Some(before) => Some(state.combine(&before, &self.model)),
                    None => Some(state),
                }
            }
        };
        let Some(mut state) = state else {
            self.drop_state(&customer, Some(call));
            return;
        };
        state.apply_attributes(&kept);
        // Every segment on the rebuilt state: its metrics joined two
        // customers'.
        if !self.model.segments().is_empty() {
            let at = state.watermark();
            state.update_segments(&self.model, at, u64::MAX);
        }
        let last_tick = self.last_tick.load(Ordering::Acquire);
        if last_tick != i64::MIN {
            if let Ok(now) = Timestamp::from_millis(last_tick, "tick") {
                if state.is_due(now) {
                    state.tick(&self.model, now);
                }
            }
        }
        let (hash, shard) = self.locate(&customer);
        let mut shard = lock(shard);
        shard.discard(hash, &customer);
        let stage = state.stage();
        shard.insert_new(&self.hasher, hash, &customer, state);
        // The purchase history follows the events, as the state does.
        let history = super::history::history_of(events.iter().copied());
        shard.set_history(&self.hasher, hash, &customer, history);
        // Under the shard's lock: a tick's move of the new state comes after.
        call.one(Change::CustomerRecomputed {
            customer: CompactString::from(customer.as_str()),
            stage,
        });
    }

    /// The host attributes the customers' states hold, as changes to apply in
    /// order: the first customer's last, so that they win. An attribute none
    /// of them holds is removed (a call removed it, or no event set it): the
    /// replay of old events must not bring it back.
    fn attributes_held(&self, customers: &[&str]) -> Vec<(AttributeId, Option<AttributeValue>)> {
        let mut out = Vec::new();
        let schema = self.model.attributes();
        if schema.is_empty() || customers.is_empty() {
            return out;
        }
        let mut held = crate::lifecycle::AttributeSet::default();
        for customer in customers.iter().rev() {
            let (hash, shard) = self.locate(customer);
            if let Some(state) = lock(shard).get(hash, customer) {
                for (a, v) in state.attributes() {
                    held.insert(*a);
                    out.push((*a, Some(v.clone())));
                }
            }
        }
        let removed: Vec<_> = schema
            .decls()
            .iter()
            .filter_map(|d| schema.id(&d.name))
            .filter(|id| !held.contains(*id))
            .map(|id| (id, None))
            .collect();
        out.splice(0..0, removed);
        out
    }

    /// A state from events in time order (`None` for none applicable).
    fn replay(&self, customer: &str, events: &[&Event]) -> Option<CustomerState> {
        let mut state: Option<CustomerState> = None;
        for event in events {
            let mut event = (*event).clone();
            event.customer = customer.to_string();
            // Each event was accepted once; one the combined history refuses
            // (a purchase in another currency) stays in the log, unapplied.
            match state.as_mut() {
                Some(s) => {
                    let _ = s.apply_within(&self.model, &event, &REPLAY);
                }
                None => {
                    state = CustomerState::start_within(&self.model, &event, &REPLAY)
                        .ok()
                        .map(|(s, _)| s)
                }
            }
        }
        state
    }

    /// Drops a customer's lifecycle state; records it in `call` if given.
    fn drop_state(&self, customer: &str, call: Option<&mut Call>) {
        let (hash, shard) = self.locate(customer);
        let mut shard = lock(shard);
        if shard.contains(hash, customer) {
            shard.discard(hash, customer);
            if let Some(call) = call {
                call.one(Change::CustomerRemoved {
                    customer: CompactString::from(customer),
                });
            }
        }
    }

    /// The live id of `id` if it is a live golden id (a retired one resolves)
    /// or a tracked customer.
    fn known(&self, identity: &Identity, field: &str, id: &str) -> Result<String> {
        let what = match field {
            "parent" => "parent customer",
            "child" => "child customer",
            _ => "customer",
        };
        let missing = || Error::NotFound {
            what,
            id: crate::model::time::clip(id),
        };
        let live = self.resolve_in(identity, id).map_err(|_| missing())?;
        let golden = golden_shaped(&live).is_some_and(|g| identity.registry.contains(g));
        let (hash, shard) = self.locate(&live);
        if golden || lock(shard).contains(hash, &live) {
            Ok(live.into_owned())
        } else {
            Err(missing())
        }
    }
}

/// Every hierarchy link touching one of `ids`.
fn links_around<S: AsRef<str>>(
    hierarchies: &Hierarchies,
    ids: impl IntoIterator<Item = S>,
) -> BTreeSet<Link> {
    ids.into_iter()
        .flat_map(|id| hierarchies.links_of(id.as_ref()))
        .collect()
}

/// Records the links touching `ids` that are not `before`'s any more, and
/// the new ones.
fn record_links<S: AsRef<str>>(
    before: &BTreeSet<Link>,
    hierarchies: &Hierarchies,
    ids: impl IntoIterator<Item = S>,
    call: &mut Call,
) {
    let after = links_around(hierarchies, ids);
    let mut changes: Vec<Change> = before
        .difference(&after)
        .cloned()
        .map(Change::LinkRemoved)
        .collect();
    changes.extend(after.difference(before).cloned().map(Change::LinkAdded));
    call.record(changes);
}

/// Records the reviews the registry's last change opened, changed or closed:
/// each as it is now.
fn record_reviews(identity: &Identity, call: &mut Call) {
    let registry = &identity.registry;
    let mut keys: Vec<&SourceKey> = registry.reviews_touched().iter().collect();
    if keys.is_empty() {
        return;
    }
    keys.sort_unstable();
    keys.dedup();
    let changes: Vec<Change> = keys
        .into_iter()
        .map(|key| match registry.review(key) {
            Some(candidates) => Change::ReviewOpened {
                source: key.clone(),
                candidates: candidates
                    .iter()
                    .map(|c| (c.golden, c.score.probability, c.source.clone()))
                    .collect(),
            },
            None => Change::ReviewClosed {
                source: key.clone(),
            },
        })
        .collect();
    call.record(changes);
}

/// Moves the entries sent for `back` from `from`'s list to `back`'s.
fn split_off<T>(
    lists: &mut BTreeMap<GoldenId, Vec<(GoldenId, T)>>,
    from: GoldenId,
    back: GoldenId,
) {
    if let Some(list) = lists.get_mut(&from) {
        let (theirs, ours): (Vec<_>, Vec<_>) = std::mem::take(list)
            .into_iter()
            .partition(|(sent, _)| *sent == back);
        *list = ours;
        if list.is_empty() {
            lists.remove(&from);
        }
        if !theirs.is_empty() {
            lists.insert(back, theirs);
        }
    }
}

/// Drops every hierarchy link of `customer`, and every trace of it in the
/// links merges moved (to be put back by an unmerge).
fn forget_links(identity: &mut Identity, customer: &str) {
    identity.hierarchies.remove_customer(customer);
    for rename in identity.renames.values_mut() {
        rename.forget(customer);
    }
}

/// The cross-reference, or `NotFound` naming the record.
fn golden_of(registry: &Registry, key: &SourceKey) -> Result<GoldenId> {
    registry.golden_of(key).ok_or_else(|| Error::NotFound {
        what: "source record",
        id: key.to_string(),
    })
}

fn resolve(registry: &Registry, id: GoldenId) -> Result<GoldenId> {
    registry.resolve(id).ok_or_else(|| Error::NotFound {
        what: "golden customer",
        id: id.to_string(),
    })
}
