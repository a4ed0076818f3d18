//! Who the customer is, inside the engine: the consolidation [`Registry`], the
//! [`Hierarchies`] between customers, and the events of golden customers, so that
//! lifecycle state follows identity.
//!
//! # The rule: lifecycle state follows the identity
//!
//! Events sent for a golden id (`G42`, as [`Engine::ingest`] returns) are kept
//! with that customer, tagged with the id they were sent for. An event sent for
//! a golden id that a merge retired goes to the customer it was merged into.
//!
//! - **Merge**: the survivor's events are both customers' events, and its stage,
//!   history and metrics are recomputed by applying them in time order to a new
//!   state (then the clock is ticked at the engine's last tick, so inactivity
//!   rules see the same time as before). The retired id's own state is removed.
//! - **Unmerge**: when the record leaving gets its old golden id back, the events
//!   sent for that id go back with it, the events sent for the survivor stay, and
//!   both states are recomputed. A record that never had a golden id of its own
//!   leaves with no events: what was sent for the merged customer stays with it.
//!
//! Events of customers that are not golden ids (hosts that do not consolidate)
//! are not kept: their state is updated in place, as always.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use super::{lock, Engine};
use crate::consolidation::golden::{GoldenRecord, SourceKey};
use crate::consolidation::hierarchy::{Hierarchies, HierarchyKind, Rename, RollUp};
use crate::consolidation::registry::{GoldenId, Ingested, Merged, Registry, RegistryConfig};
use crate::error::{Error, Result};
use crate::lifecycle::{CustomerState, Outcome};
use crate::model::event::Event;
use crate::model::record::Record;
use crate::model::time::Timestamp;

/// The engine's identity state, behind one lock.
#[derive(Debug)]
pub(super) struct Identity {
    pub(super) registry: Registry,
    pub(super) hierarchies: Hierarchies,
    /// Events of golden customers: the id each was sent for, and the event.
    pub(super) logs: BTreeMap<GoldenId, Vec<(GoldenId, Event)>>,
    /// Hierarchy links a merge moved from the retired id to the survivor, to
    /// move back if the retired id comes back.
    pub(super) renames: BTreeMap<GoldenId, Rename>,
}

impl Identity {
    pub(super) fn new(config: RegistryConfig) -> Result<Identity> {
        Ok(Identity {
            registry: Registry::new(config)?,
            hierarchies: Hierarchies::new(),
            logs: BTreeMap::new(),
            renames: BTreeMap::new(),
        })
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

impl Engine {
    /// Sets how records are matched and golden records built. Only before the
    /// first record is ingested.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for an inconsistent configuration, [`Error::Conflict`]
    /// once records are registered. Nothing changes on an error.
    pub fn configure_consolidation(&self, config: RegistryConfig) -> Result<()> {
        let mut identity = self.identity.write().unwrap_or_else(|p| p.into_inner());
        if identity.registry.source_count() > 0 {
            return Err(Error::Conflict {
                field: "consolidation".into(),
                message: "records are already registered; configure before the first ingest".into(),
            });
        }
        *identity = Identity::new(config)?;
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
        let mut identity = self.identity.write().unwrap_or_else(|p| p.into_inner());
        let out = identity.registry.ingest(key, updated, record)?;
        self.consolidating.store(true, Ordering::Release);
        Ok(out)
    }

    /// The golden record of a customer; a retired id gives the customer it was
    /// merged into.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an id never issued or whose records were removed.
    pub fn golden(&self, id: GoldenId) -> Result<(GoldenId, GoldenRecord)> {
        let identity = self.identity.read().unwrap_or_else(|p| p.into_inner());
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
    /// [`Error::NotFound`] for a record never ingested.
    pub fn golden_of(&self, key: &SourceKey) -> Result<GoldenId> {
        let identity = self.identity.read().unwrap_or_else(|p| p.into_inner());
        identity
            .registry
            .golden_of(key)
            .ok_or_else(|| Error::NotFound {
                what: "source record",
                id: key.to_string(),
            })
    }

    /// Runs `f` on the registry (read-only), for queries this API does not
    /// wrap.
    pub fn with_registry<R>(&self, f: impl FnOnce(&Registry) -> R) -> R {
        let identity = self.identity.read().unwrap_or_else(|p| p.into_inner());
        f(&identity.registry)
    }

    /// The records waiting for a data steward.
    pub fn reviews(&self) -> Vec<ReviewItem> {
        let identity = self.identity.read().unwrap_or_else(|p| p.into_inner());
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
        let mut identity = self.identity.write().unwrap_or_else(|p| p.into_inner());
        identity.registry.dismiss_review(key)
    }

    /// Merges two golden customers (a data steward's decision): see
    /// [`Registry::merge`]. Their events combine and the survivor's lifecycle
    /// state is recomputed; the hierarchy links of the retired id move to the
    /// survivor (a link that would conflict with one of the survivor's is dropped
    /// and comes back on unmerge).
    ///
    /// # Errors
    ///
    /// As [`Registry::merge`]; nothing changes on an error.
    pub fn merge(&self, a: GoldenId, b: GoldenId) -> Result<Merged> {
        let mut identity = self.identity.write().unwrap_or_else(|p| p.into_inner());
        let merged = identity.registry.merge(a, b)?;
        let (survivor, retired) = (merged.survivor.to_string(), merged.retired.to_string());
        if let Ok(rename) = identity.hierarchies.rename_customer(&retired, &survivor) {
            identity.renames.insert(merged.retired, rename);
        }
        if let Some(events) = identity.logs.remove(&merged.retired) {
            identity
                .logs
                .entry(merged.survivor)
                .or_default()
                .extend(events);
        }
        self.recompute(&identity, merged.survivor);
        self.drop_state(&retired);
        // What fired for either keeps counting against the survivor's
        // cooldowns and caps (an unmerge leaves it with the survivor).
        self.merge_firings(&retired, &survivor);
        Ok(merged)
    }

    /// Takes a source record out of its golden customer: see
    /// [`Registry::unmerge`]. When the record gets its old golden id back, that
    /// id's events and hierarchy links come back with it and both lifecycle
    /// states are recomputed.
    ///
    /// # Errors
    ///
    /// As [`Registry::unmerge`]; nothing changes on an error.
    pub fn unmerge(&self, key: &SourceKey) -> Result<GoldenId> {
        let mut identity = self.identity.write().unwrap_or_else(|p| p.into_inner());
        let from = identity
            .registry
            .golden_of(key)
            .ok_or_else(|| Error::NotFound {
                what: "source record",
                id: key.to_string(),
            })?;
        let back = identity.registry.unmerge(key)?;
        if let Some(log) = identity.logs.get_mut(&from) {
            let (theirs, ours): (Vec<_>, Vec<_>) = std::mem::take(log)
                .into_iter()
                .partition(|(sent, _)| *sent == back);
            *log = ours;
            if !theirs.is_empty() {
                identity.logs.insert(back, theirs);
            }
        }
        if let Some(rename) = identity.renames.remove(&back) {
            // Links made since may stand in the way; those that cannot move back
            // stay with the survivor.
            let _ = identity.hierarchies.undo_rename(&rename);
        }
        self.recompute(&identity, from);
        self.recompute(&identity, back);
        Ok(back)
    }

    /// Links two customers in a hierarchy (`parent` above `child`). Ids are
    /// golden ids or lifecycle customer ids the engine tracks.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown customer; as
    /// [`Hierarchies::link_within`] for a cycle, a second parent or a link
    /// deeper than the engine's [`Limits::hierarchy_depth`](crate::model::Limits::hierarchy_depth).
    pub fn link(&self, kind: &HierarchyKind, parent: &str, child: &str) -> Result<()> {
        let mut identity = self.identity.write().unwrap_or_else(|p| p.into_inner());
        self.known(&identity, "parent", parent)?;
        self.known(&identity, "child", child)?;
        identity
            .hierarchies
            .link_within(kind, parent, child, self.limits().hierarchy_depth)
    }

    /// Removes a hierarchy link.
    ///
    /// # Errors
    ///
    /// As [`Hierarchies::unlink`].
    pub fn unlink(&self, kind: &HierarchyKind, parent: &str, child: &str) -> Result<()> {
        let mut identity = self.identity.write().unwrap_or_else(|p| p.into_inner());
        identity.hierarchies.unlink(kind, parent, child)
    }

    /// Runs `f` on the hierarchies (read-only): parents, children, ancestors,
    /// descendants.
    pub fn with_hierarchies<R>(&self, f: impl FnOnce(&Hierarchies) -> R) -> R {
        let identity = self.identity.read().unwrap_or_else(|p| p.into_inner());
        f(&identity.hierarchies)
    }

    /// The revenue (minor units) of a customer and everything below it in a
    /// hierarchy, from their lifecycle states, node by node.
    ///
    /// # Errors
    ///
    /// As [`Hierarchies::roll_up`] (an overflow is an error, not a wrap).
    pub fn revenue_roll_up(&self, kind: &HierarchyKind, id: &str) -> Result<RollUp> {
        let identity = self.identity.read().unwrap_or_else(|p| p.into_inner());
        identity.hierarchies.roll_up(kind, id, |node| {
            self.with_customer(node, |s| s.metrics().revenue()).ok()
        })
    }

    /// Applies an event sent for a golden id: to the live customer, kept in its
    /// log. `None` when `named` is not a golden id the registry knows.
    pub(super) fn apply_golden(&self, named: GoldenId, event: &Event) -> Option<Result<Outcome>> {
        let mut identity = self.identity.write().unwrap_or_else(|p| p.into_inner());
        let live = identity.registry.resolve(named)?;
        let result = if live == named {
            self.apply_plain(event)
        } else {
            let mut moved = event.clone();
            moved.customer = live.to_string();
            self.apply_plain(&moved)
        };
        if result.is_ok() {
            identity
                .logs
                .entry(live)
                .or_default()
                .push((named, event.clone()));
        }
        Some(result)
    }

    /// Recomputes a golden customer's lifecycle state from its events.
    fn recompute(&self, identity: &Identity, id: GoldenId) {
        let customer = id.to_string();
        let Some(log) = identity.logs.get(&id).filter(|l| !l.is_empty()) else {
            self.drop_state(&customer);
            return;
        };
        let mut events: Vec<&Event> = log.iter().map(|(_, e)| e).collect();
        events.sort_by_key(|e| e.at);
        let mut state: Option<CustomerState> = None;
        for event in events {
            let mut event = event.clone();
            event.customer.clone_from(&customer);
            // Each event was accepted once; one the combined history refuses
            // (a purchase in another currency) stays in the log, unapplied.
            match state.as_mut() {
                Some(s) => {
                    let _ = s.apply_within(&self.model, &event, &self.limits());
                }
                None => {
                    state = CustomerState::start_within(&self.model, &event, &self.limits())
                        .ok()
                        .map(|(s, _)| s)
                }
            }
        }
        let Some(mut state) = state else {
            self.drop_state(&customer);
            return;
        };
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
        shard.remove(hash, &customer);
        shard.insert_new(&self.hasher, hash, &customer, state);
    }

    fn drop_state(&self, customer: &str) {
        let (hash, shard) = self.locate(customer);
        lock(shard).remove(hash, customer);
    }

    /// Checks that `id` is a live golden id or a tracked customer.
    fn known(&self, identity: &Identity, field: &str, id: &str) -> Result<()> {
        let golden = id
            .parse::<GoldenId>()
            .ok()
            .is_some_and(|g| identity.registry.contains(g));
        if golden || self.with_customer(id, |_| ()).is_ok() {
            Ok(())
        } else {
            Err(Error::NotFound {
                what: if field == "parent" {
                    "parent customer"
                } else {
                    "child customer"
                },
                id: id.to_string(),
            })
        }
    }
}

fn resolve(registry: &Registry, id: GoldenId) -> Result<GoldenId> {
    registry.resolve(id).ok_or_else(|| Error::NotFound {
        what: "golden customer",
        id: id.to_string(),
    })
}
