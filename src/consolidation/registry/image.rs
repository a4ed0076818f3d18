//! A registry as plain data, and back: what a snapshot stores.
//!
//! Only what the host gave and the decisions taken are stored (each source
//! record as given, its last update, its golden id and the id it was first
//! given; the retired ids; the reviews; the next id). Standard forms, profiles
//! and the blocking index are derived again on restore, by the same pure
//! functions, so a restored registry is the registry that was saved.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{Candidate, Entry, GoldenId, Registry, RegistryConfig};
use crate::consolidation::golden::SourceKey;
use crate::error::{Error, Result};
use crate::model::record::Record;
use crate::model::time::Timestamp;

/// A source record in a [`RegistryImage`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceImage {
    /// Where the record came from.
    pub key: SourceKey,
    /// When its source last changed it.
    pub updated: Timestamp,
    /// The record as the host gave it.
    pub record: Record,
    /// Its golden customer.
    pub golden: GoldenId,
    /// The golden id it was first given.
    pub origin: GoldenId,
}

/// A review in a [`RegistryImage`]: the record and its candidates (customer,
/// best-matching member), best first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewImage {
    /// The record waiting for a steward.
    pub record: SourceKey,
    /// Its candidates.
    pub candidates: Vec<(GoldenId, SourceKey)>,
}

/// A whole registry as plain data ([`Registry::image`], [`Registry::from_image`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryImage {
    /// The source records, in the order they were first ingested.
    pub sources: Vec<SourceImage>,
    /// Golden ids retired by merges, and what each was merged into.
    pub retired: Vec<(GoldenId, GoldenId)>,
    /// Records waiting for a data steward.
    pub reviews: Vec<ReviewImage>,
    /// The number of the next golden id to issue.
    pub next_id: u64,
}

/// A registry's image taken cheaply: the records as given are shared, not
/// copied, so a snapshot can take it while holding the registry and encode it
/// after letting go. Serialises exactly as the [`RegistryImage`] it stands for.
#[derive(Clone, Debug, Serialize)]
pub struct RegistryCut {
    sources: Vec<SourceCut>,
    retired: Vec<(GoldenId, GoldenId)>,
    reviews: Vec<ReviewImage>,
    next_id: u64,
}

/// A source record in a [`RegistryCut`], serialised as a [`SourceImage`].
#[derive(Clone, Debug, Serialize)]
struct SourceCut {
    key: SourceKey,
    updated: Timestamp,
    #[serde(serialize_with = "shared_record")]
    record: std::sync::Arc<Record>,
    golden: GoldenId,
    origin: GoldenId,
}

fn shared_record<S: serde::Serializer>(
    record: &std::sync::Arc<Record>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    Record::serialize(record, s)
}

impl Registry {
    /// The registry as plain data, the records as given shared rather than
    /// copied: see [`RegistryCut`].
    pub fn cut(&self) -> RegistryCut {
        RegistryCut {
            sources: self
                .entries
                .iter()
                .flatten()
                .map(|e| SourceCut {
                    key: e.member.key.clone(),
                    updated: e.member.updated,
                    record: std::sync::Arc::clone(&e.original),
                    golden: e.golden,
                    origin: e.origin,
                })
                .collect(),
            retired: self.retired.iter().map(|(a, b)| (*a, *b)).collect(),
            reviews: self.review_images(),
            next_id: self.next_id,
        }
    }

    fn review_images(&self) -> Vec<ReviewImage> {
        self.reviews
            .iter()
            .map(|(k, c)| ReviewImage {
                record: k.clone(),
                candidates: c.iter().map(|c| (c.golden, c.source.clone())).collect(),
            })
            .collect()
    }

    /// The registry as plain data.
    pub fn image(&self) -> RegistryImage {
        RegistryImage {
            sources: self
                .entries
                .iter()
                .flatten()
                .map(|e| SourceImage {
                    key: e.member.key.clone(),
                    updated: e.member.updated,
                    record: Record::clone(&e.original),
                    golden: e.golden,
                    origin: e.origin,
                })
                .collect(),
            retired: self.retired.iter().map(|(a, b)| (*a, *b)).collect(),
            reviews: self.review_images(),
            next_id: self.next_id,
        }
    }

    /// A registry from its image, under `config`. Everything is checked before
    /// anything is built.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for an invalid configuration; [`Error::CorruptSnapshot`]
    /// for an inconsistent image (a key twice, an id at or above `next_id`, a
    /// retired id that is live, given twice or leading to no live customer, a
    /// review of an unknown record, given twice, or naming a customer that is
    /// not live).
    pub fn from_image(config: RegistryConfig, image: RegistryImage) -> Result<Registry> {
        let corrupt = |m: String| Error::CorruptSnapshot(format!("registry: {m}"));
        let mut r = Registry::new(config)?;
        r.next_id = image.next_id.max(1);
        let issued = |id: GoldenId| id.0 >= 1 && id.0 < image.next_id;
        let mut keys = BTreeSet::new();
        for s in &image.sources {
            s.key.validate().map_err(|e| corrupt(e.to_string()))?;
            if !keys.insert(&s.key) {
                return Err(corrupt(format!("{} appears twice", s.key)));
            }
            if !issued(s.golden) || !issued(s.origin) {
                return Err(corrupt(format!("{} names an id never issued", s.key)));
            }
        }
        let live: BTreeSet<GoldenId> = image.sources.iter().map(|s| s.golden).collect();
        let mut retired = BTreeMap::new();
        for &(from, to) in &image.retired {
            if live.contains(&from) || !issued(from) || !issued(to) || from == to {
                return Err(corrupt(format!(
                    "retired id {from} -> {to} is inconsistent"
                )));
            }
            if retired.insert(from, to).is_some() {
                return Err(corrupt(format!("retired id {from} is given twice")));
            }
        }
        // Every retired id leads to a live customer (an erased customer's
        // retired ids go with it), without a cycle.
        for &from in retired.keys() {
            let mut id = from;
            for _ in 0..=retired.len() {
                match retired.get(&id) {
                    Some(&next) => id = next,
                    None => break,
                }
            }
            if !live.contains(&id) {
                return Err(corrupt(format!(
                    "retired id {from} does not lead to a live customer"
                )));
            }
        }
        let mut reviewed = BTreeSet::new();
        for v in &image.reviews {
            if !keys.contains(&v.record) || v.candidates.iter().any(|(_, k)| !keys.contains(k)) {
                return Err(corrupt(format!(
                    "the review of {} names unknown records",
                    v.record
                )));
            }
            if let Some((g, _)) = v.candidates.iter().find(|(g, _)| !live.contains(g)) {
                return Err(corrupt(format!(
                    "the review of {} names {g}, which is not a live golden id",
                    v.record
                )));
            }
            if v.candidates.is_empty() {
                return Err(corrupt(format!(
                    "the review of {} has no candidate",
                    v.record
                )));
            }
            if !reviewed.insert(&v.record) {
                return Err(corrupt(format!(
                    "the review of {} is given twice",
                    v.record
                )));
            }
        }
        for s in image.sources {
            let prepared = r.prepare(s.key.clone(), s.updated, &s.record);
            let slot = r.entries.len() as u32;
            r.index.insert(&prepared.keys, slot);
            r.slots.insert(s.key, slot);
            r.goldens.entry(s.golden).or_default().push(slot);
            r.entries.push(Some(Entry {
                original: std::sync::Arc::new(s.record),
                member: prepared.member,
                profile: prepared.profile,
                keys: prepared.keys,
                golden: s.golden,
                origin: s.origin,
            }));
        }
        r.retired = retired;
        for v in image.reviews {
            let own = r.slots[&v.record];
            let candidates = v
                .candidates
                .into_iter()
                .map(|(golden, source)| {
                    let (a, b) = (&r.entry(own).profile, &r.entry(r.slots[&source]).profile);
                    let score = r.config.model.score(a, b, None);
                    Candidate {
                        golden,
                        source,
                        decision: r.config.model.decide(&score),
                        score,
                    }
                })
                .collect();
            r.reviews.insert(v.record, candidates);
        }
        Ok(r)
    }
}
