//! The registry: source records, the golden customers they make, the blocking
//! index that finds them, and the cross-reference from source ids to golden ids.
//!
//! A [`Registry`] is the state behind matching at the point of entry. It is pure
//! (no I/O, no clock: the caller passes every time) and single-threaded; the
//! [`Engine`](crate::Engine) puts one behind a lock for hosts that share it
//! between threads.
//!
//! - [`Registry::ingest`] standardises a source record, finds candidates through
//!   the blocking index, scores them, and merges the record into a golden
//!   customer, sends it to review, or makes it a new customer.
//! - [`Registry::merge`] and [`Registry::unmerge`] are the data steward's
//!   corrections. A golden record is always computed from its members
//!   ([`survive`]), so merge order never changes it and unmerging a record gives
//!   exactly the golden record the others make without it.
//! - [`Registry::golden_of`] is the cross-reference: the golden id of a source
//!   record (`crm` / `C-1042`).
//!
//! Nothing a host gives is lost: the record as typed is kept beside its standard
//! form ([`Registry::source`]), every alternate email, phone and address stays in
//! the golden record, and a golden id retired by a merge still resolves
//! ([`Registry::resolve`]).

mod estimate;
mod ids;
mod image;
mod index;
mod ingest;
mod join;
mod pages;
mod steward;

use std::collections::BTreeMap;

use hashbrown::HashMap;

pub use ids::GoldenId;
pub use image::{RegistryCut, RegistryImage, ReviewImage, SourceImage};
pub use ingest::{Candidate, IngestDecision, Ingested};
pub use steward::{Erased, Merged, Review};

use super::golden::{survive, GoldenRecord, Member, SourceKey, Survivorship};
use super::matching::{blocking_keys, fingerprint, MatchModel, Profile};
use crate::error::{Error, Result};
use crate::model::record::Record;
use index::BlockIndex;

/// How a [`Registry`] matches and builds golden records.
#[derive(Clone, Debug, PartialEq)]
pub struct RegistryConfig {
    /// Scoring parameters and the merge and review thresholds.
    pub model: MatchModel,
    /// How golden records choose their values.
    pub survivorship: Survivorship,
    /// The country assumed for records that do not tell theirs.
    pub default_country: Option<crate::standardize::Country>,
    /// How a birth date of numbers only (`01/02/1990`) is read: day first
    /// (the default) or month first, as in the United States. Batch
    /// deduplication reads the same option
    /// ([`Options::date_order`](crate::standardize::Options::date_order)).
    pub date_order: crate::standardize::dates::DateOrder,
    /// Blocking keys that more records than this share are not used to find
    /// candidates (a company switchboard, a very common name sound).
    pub max_block: usize,
    /// A blocking key that more records than this (but no more than
    /// [`RegistryConfig::max_block`]) share finds only those that also share a
    /// narrower key with the new record: the initials, or for a name key the
    /// year of birth or the second surname (a record without any is not
    /// narrowed). With a million customers a birth date or a common name is
    /// shared by dozens; scoring them all would cost most of the call.
    pub refine_block: usize,
    /// Whether an [`Engine`](crate::Engine) consolidating records also takes
    /// events for customers that are not golden ids (customers created by their
    /// first event, as without consolidation). Off by default: once records are
    /// consolidated, every customer comes from a record, and an event naming an
    /// id the registry never issued is refused as not found. Golden-shaped ids
    /// (`G42`) the registry never issued are refused either way: they are
    /// reserved for the ids it will issue.
    pub customers_from_events: bool,
}

impl Default for RegistryConfig {
    fn default() -> RegistryConfig {
        RegistryConfig {
            model: MatchModel::default(),
            survivorship: Survivorship::default(),
            default_country: None,
            date_order: crate::standardize::dates::DateOrder::Dmy,
            max_block: 200,
            refine_block: 24,
            customers_from_events: false,
        }
    }
}

/// A source record in the registry.
#[derive(Clone, Debug)]
struct Entry {
    /// The record as the host gave it (shared with snapshots being written).
    original: std::sync::Arc<Record>,
    /// Its standard form and validation flags.
    member: Member,
    /// Its comparison keys.
    profile: Profile,
    /// Fingerprints of its blocking keys.
    keys: Vec<u64>,
    /// The golden customer it belongs to.
    golden: GoldenId,
    /// The golden id it was given first (it gets it back when unmerged, if free).
    origin: GoldenId,
}

/// Source records, golden customers, the blocking index and the cross-reference.
#[derive(Clone, Debug)]
pub struct Registry {
    config: RegistryConfig,
    /// Source records by slot; a removed record leaves `None`.
    entries: Vec<Option<Entry>>,
    /// Slots by source key.
    slots: HashMap<SourceKey, u32, foldhash::fast::RandomState>,
    /// Live golden customers and their members' slots (sorted).
    goldens: BTreeMap<GoldenId, Vec<u32>>,
    /// Golden ids retired by a merge, and the id they were merged into.
    retired: BTreeMap<GoldenId, GoldenId>,
    /// Records waiting for a data steward, by the record's key.
    reviews: BTreeMap<SourceKey, Vec<Candidate>>,
    index: BlockIndex,
    next_id: u64,
    /// The records whose review the last changing call opened, changed or
    /// closed ([`Registry::reviews_touched`]).
    touched: Vec<SourceKey>,
}

impl Registry {
    /// An empty registry.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the survivorship configuration or the thresholds
    /// are inconsistent, or the model cannot score pairs
    /// ([`MatchModel::validate`], its path prefixed with `model.`).
    pub fn new(config: RegistryConfig) -> Result<Registry> {
        config.survivorship.validate()?;
        let m = &config.model;
        if !(0.0..=1.0).contains(&m.review_threshold)
            || !(0.0..=1.0).contains(&m.merge_threshold)
            || m.review_threshold > m.merge_threshold
        {
            return Err(Error::Config {
                field: "matching.thresholds".into(),
                message: format!(
                    "review threshold {} and merge threshold {} must lie in 0..=1, review below merge",
                    m.review_threshold, m.merge_threshold
                ),
            });
        }
        m.validate().map_err(|e| e.within("model."))?;
        if config.max_block < 2 {
            return Err(Error::Config {
                field: "matching.max_block".into(),
                message: "must be at least 2".into(),
            });
        }
        if config.refine_block < 2 {
            return Err(Error::Config {
                field: "matching.refine_block".into(),
                message: "must be at least 2".into(),
            });
        }
        Ok(Registry {
            config,
            entries: Vec::new(),
            slots: HashMap::default(),
            goldens: BTreeMap::new(),
            retired: BTreeMap::new(),
            reviews: BTreeMap::new(),
            index: BlockIndex::default(),
            next_id: 1,
            touched: Vec::new(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &RegistryConfig {
        &self.config
    }

    /// How many source records the registry holds.
    pub fn source_count(&self) -> usize {
        self.slots.len()
    }

    /// How many golden customers there are.
    pub fn golden_count(&self) -> usize {
        self.goldens.len()
    }

    /// How many distinct blocking keys the index holds.
    pub fn key_count(&self) -> usize {
        self.index.len()
    }

    /// The golden id a source record belongs to: the cross-reference.
    pub fn golden_of(&self, key: &SourceKey) -> Option<GoldenId> {
        self.slots.get(key).map(|&s| self.entry(s).golden)
    }

    /// The live golden id behind `id`: `id` itself if live, the golden customer
    /// it was merged into if retired, `None` if never issued.
    pub fn resolve(&self, id: GoldenId) -> Option<GoldenId> {
        let mut id = id;
        // Retired ids point at ids issued earlier or merged later; a chain ends.
        for _ in 0..=self.retired.len() {
            if self.goldens.contains_key(&id) {
                return Some(id);
            }
            id = *self.retired.get(&id)?;
        }
        None
    }

    /// Issues no id up to and including `id` from now on (the ids of customers
    /// tracked before the registry, which it must not issue again).
    pub fn reserve_through(&mut self, id: GoldenId) {
        self.next_id = self.next_id.max(id.0.saturating_add(1));
    }

    /// Whether `id` was ever issued (live, retired or erased).
    pub fn issued(&self, id: GoldenId) -> bool {
        id.0 >= 1 && id.0 < self.next_id
    }

    /// Whether `id` is a live golden id.
    pub fn contains(&self, id: GoldenId) -> bool {
        self.goldens.contains_key(&id)
    }

    /// The golden record of a live golden id.
    pub fn golden(&self, id: GoldenId) -> Option<GoldenRecord> {
        let slots = self.goldens.get(&id)?;
        Some(survive(
            slots.iter().map(|&s| &self.entry(s).member),
            &self.config.survivorship,
        ))
    }

    /// The live golden ids, in order.
    pub fn golden_ids(&self) -> impl Iterator<Item = GoldenId> + '_ {
        self.goldens.keys().copied()
    }

    /// The source records of a live golden id, sorted.
    pub fn members(&self, id: GoldenId) -> Option<Vec<&SourceKey>> {
        let slots = self.goldens.get(&id)?;
        let mut keys: Vec<&SourceKey> = slots.iter().map(|&s| &self.entry(s).member.key).collect();
        keys.sort();
        Some(keys)
    }

    /// A source record: as the host gave it, and its member form (standard form,
    /// validation, last update).
    pub fn source(&self, key: &SourceKey) -> Option<(&Record, &Member)> {
        let e = self.entry(*self.slots.get(key)?);
        Some((&e.original, &e.member))
    }

    /// The records waiting for a data steward, with their candidates.
    pub fn reviews(&self) -> impl Iterator<Item = Review<'_>> {
        self.reviews.iter().map(|(record, candidates)| Review {
            record,
            golden: self
                .golden_of(record)
                .expect("a reviewed record is registered"),
            candidates,
        })
    }

    /// The candidates of a record's review, if it has one.
    pub fn review(&self, key: &SourceKey) -> Option<&[Candidate]> {
        self.reviews.get(key).map(Vec::as_slice)
    }

    /// The records whose review the last call that changes the registry
    /// ([`ingest`](Registry::ingest), [`merge`](Registry::merge),
    /// [`unmerge`](Registry::unmerge), [`remove`](Registry::remove),
    /// [`erase`](Registry::erase), [`dismiss_review`](Registry::dismiss_review),
    /// [`set_model`](Registry::set_model)) opened, changed (candidates or
    /// their scores) or closed, in no order, perhaps more than once: what a
    /// host that mirrors the reviews must read again.
    pub fn reviews_touched(&self) -> &[SourceKey] {
        &self.touched
    }

    /// Drops from every review the candidates `gone` says, noting the
    /// reviews it changes; a review left without candidates closes.
    fn drop_candidates(&mut self, gone: impl Fn(&Candidate) -> bool) {
        let touched = &mut self.touched;
        self.reviews.retain(|key, candidates| {
            let before = candidates.len();
            candidates.retain(|c| !gone(c));
            if candidates.len() != before {
                touched.push(key.clone());
            }
            !candidates.is_empty()
        });
    }

    fn entry(&self, slot: u32) -> &Entry {
        self.entries[slot as usize]
            .as_ref()
            .expect("slots point at live entries")
    }

    fn entry_mut(&mut self, slot: u32) -> &mut Entry {
        self.entries[slot as usize]
            .as_mut()
            .expect("slots point at live entries")
    }

    fn issue_id(&mut self) -> GoldenId {
        let id = GoldenId(self.next_id);
        self.next_id += 1;
        id
    }

    /// The slot of a registered key.
    fn slot_of(&self, key: &SourceKey) -> Result<u32> {
        self.slots.get(key).copied().ok_or_else(|| Error::NotFound {
            what: "source record",
            id: key.to_string(),
        })
    }

    /// The members of a live golden id, or `NotFound` naming it (and what it was
    /// merged into, if retired).
    fn live(&self, id: GoldenId) -> Result<&Vec<u32>> {
        self.goldens.get(&id).ok_or_else(|| Error::NotFound {
            what: "golden customer",
            id: match self.resolve(id) {
                Some(now) => format!("{id} (merged into {now})"),
                None => id.to_string(),
            },
        })
    }
}

/// The fingerprints of a profile's blocking keys.
fn key_prints(profile: &Profile) -> Vec<u64> {
    let mut keys: Vec<u64> = blocking_keys(profile).iter().map(fingerprint).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Whether a record has no value at all.
fn is_empty(r: &Record) -> bool {
    let fields = [
        &r.title,
        &r.given_name,
        &r.surname,
        &r.full_name,
        &r.company,
        &r.email,
        &r.phone,
        &r.mobile,
        &r.street,
        &r.street_number,
        &r.address_extra,
        &r.locality,
        &r.province,
        &r.postal_code,
        &r.country,
        &r.birth_date,
        &r.national_id,
    ];
    fields
        .iter()
        .all(|f| f.as_deref().is_none_or(|t| t.trim().is_empty()))
}
