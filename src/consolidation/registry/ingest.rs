//! Matching at the point of entry: a source record in, a golden customer out.

use super::join::joinable;
use super::{is_empty, key_prints, Entry, GoldenId, Merged, Registry};
use crate::consolidation::golden::{Member, SourceKey};
use crate::consolidation::matching::{fingerprint_kind, refinements, Decision, Profile, Score};
use crate::error::{Error, Result};
use crate::model::record::Record;
use crate::model::time::Timestamp;
use crate::standardize::{standardize, Finding, Options};

/// How many candidates an [`Ingested`] lists at most.
const SHOWN: usize = 5;

/// What [`Registry::ingest`] did with a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IngestDecision {
    /// No known customer is like it: a new golden customer.
    New,
    /// It is a customer already known: merged into their golden record.
    Merged,
    /// It may be a customer already known: a new golden customer for now, and a
    /// review for a data steward ([`Registry::reviews`]).
    Review,
    /// The source record was known: its new version replaced the old one in its
    /// golden customer.
    Updated,
}

impl IngestDecision {
    /// `new`, `merged`, `review` or `updated`.
    pub fn as_str(self) -> &'static str {
        match self {
            IngestDecision::New => "new",
            IngestDecision::Merged => "merged",
            IngestDecision::Review => "review",
            IngestDecision::Updated => "updated",
        }
    }
}

/// A golden customer a new record was compared with: the best-matching member
/// and the explained score.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The golden customer.
    pub golden: GoldenId,
    /// Its member record that matched best.
    pub source: SourceKey,
    /// The score against that member, field by field.
    pub score: Score,
    /// What the score alone decides.
    pub decision: Decision,
}

/// The outcome of [`Registry::ingest`].
#[derive(Clone, Debug, PartialEq)]
pub struct Ingested {
    /// The golden customer the record now belongs to.
    pub golden: GoldenId,
    /// What happened.
    pub decision: IngestDecision,
    /// The best candidates, best first (at most five), with their explanations.
    /// Every candidate names a live golden id: the customers the record joined
    /// ([`Ingested::joined`]) are one candidate, named by the survivor, with
    /// the best of their members.
    pub candidates: Vec<Candidate>,
    /// What standardisation found in the record.
    pub findings: Vec<Finding>,
    /// Customers the record showed to be one: when it merges with more than
    /// one customer (and no veto between them stands), they are merged, each
    /// retired into the older id, as a data steward's [`Registry::merge`]
    /// would. Empty otherwise. The record's golden id is then the survivor:
    /// the ids retired stay with the records that had them, and the record,
    /// unmerged later, does not take one of them ([`Registry::unmerge`]).
    pub joined: Vec<Merged>,
}

/// A record standardised and keyed, before anything is stored.
pub(super) struct Prepared {
    pub(super) member: Member,
    pub(super) profile: Profile,
    pub(super) keys: Vec<u64>,
    pub(super) findings: Vec<Finding>,
}

impl Registry {
    /// Standardises a source record, finds the golden customer it belongs to,
    /// and stores it.
    ///
    /// `updated` is when the source system last changed the record: it orders
    /// versions of one record, feeds the `most_recent` survivorship rule, and is
    /// the "today" against which a birth date in the future is refused.
    ///
    /// A record whose key is already registered is an update: it replaces the
    /// stored version in the same golden customer (it is not matched again; a
    /// data steward unmerges it if it no longer belongs). A new record is
    /// compared with the members of every golden customer it shares a blocking
    /// key with; it merges into the best when the score passes the merge
    /// threshold and no member of that customer vetoes it (a different identifier,
    /// birth date or given name) unless another member bridges the veto (holds
    /// the value the record has, as batch clustering allows), goes to review
    /// when a score passes the review threshold, and is a new customer
    /// otherwise. When it passes the merge threshold for more than one
    /// customer, it joins them all into one (the older id survives,
    /// [`Ingested::joined`]) where no veto between them stands, as a batch
    /// would; the others go to review.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for an invalid key or a record with every field
    /// empty, [`Error::Conflict`] for an update older than the stored version.
    /// Nothing changes on an error.
    pub fn ingest(
        &mut self,
        key: SourceKey,
        updated: Timestamp,
        record: Record,
    ) -> Result<Ingested> {
        self.touched.clear();
        key.validate()?;
        if is_empty(&record) {
            return Err(Error::InvalidArgument {
                field: "record".into(),
                message: format!("every field of {key} is empty"),
            });
        }
        if let Some(&slot) = self.slots.get(&key) {
            let stored = self.entry(slot).member.updated;
            if updated < stored {
                return Err(Error::Conflict {
                    field: "updated".into(),
                    message: format!(
                        "{key} was updated at {updated}, before the stored version of {stored}"
                    ),
                });
            }
            let prepared = self.prepare(key, updated, &record);
            return Ok(self.replace(slot, record, prepared));
        }
        let prepared = self.prepare(key, updated, &record);
        Ok(self.insert_new(record, prepared))
    }

    pub(super) fn prepare(&self, key: SourceKey, updated: Timestamp, record: &Record) -> Prepared {
        let today = time::Date::from_julian_day((updated.epoch_day() + 2_440_588) as i32)
            .unwrap_or(time::Date::MAX);
        let options = Options::new(self.config.default_country, today)
            .with_date_order(self.config.date_order);
        let standardized = standardize(record, &options);
        let profile = Profile::new(&standardized);
        Prepared {
            member: Member::new(key, updated, &standardized),
            keys: key_prints(&profile),
            profile,
            findings: standardized.findings,
        }
    }

    fn replace(&mut self, slot: u32, original: Record, p: Prepared) -> Ingested {
        let old_keys = std::mem::take(&mut self.entry_mut(slot).keys);
        self.index.remove(&old_keys, slot);
        self.index.insert(&p.keys, slot);
        let entry = self.entry_mut(slot);
        entry.original = std::sync::Arc::new(original);
        entry.member = p.member;
        entry.profile = p.profile;
        entry.keys = p.keys;
        let golden = entry.golden;
        self.rescore_reviews_of(slot);
        Ingested {
            golden,
            decision: IngestDecision::Updated,
            candidates: Vec::new(),
            findings: p.findings,
            joined: Vec::new(),
        }
    }

    fn insert_new(&mut self, original: Record, p: Prepared) -> Ingested {
        let candidates = self.candidates(&p.profile, &p.keys);
        let joined = self.joining(&p.profile, &candidates);
        let reviewable: Vec<Candidate> = candidates
            .iter()
            .filter(|c| c.decision != Decision::Distinct && !joined.contains(&c.golden))
            .cloned()
            .collect();
        let (golden, decision) = match joined.first() {
            Some(&g) => (g, IngestDecision::Merged),
            None if !reviewable.is_empty() => (self.issue_id(), IngestDecision::Review),
            None => (self.issue_id(), IngestDecision::New),
        };
        let slot = self.entries.len() as u32;
        let key = p.member.key.clone();
        self.index.insert(&p.keys, slot);
        self.slots.insert(key.clone(), slot);
        self.entries.push(Some(Entry {
            original: std::sync::Arc::new(original),
            member: p.member,
            profile: p.profile,
            keys: p.keys,
            golden,
            origin: golden,
        }));
        let members = self.goldens.entry(golden).or_default();
        members.push(slot);
        // The record shows the customers it joined to be one.
        let mut golden = golden;
        let mut merges = Vec::with_capacity(joined.len().saturating_sub(1));
        for &other in joined.iter().skip(1) {
            let merged = self
                .merge_live(golden, other)
                .expect("joined customers are live and distinct");
            golden = merged.survivor;
            merges.push(merged);
        }
        // The record's own id is the one it ends in: the survivor. Were it a
        // customer it joined and retired, an unmerge of the record would revive
        // that id, which the host holds for that customer's records (they stay
        // in the survivor); the record never had an id of its own.
        self.entry_mut(slot).origin = golden;
        if !reviewable.is_empty() {
            self.touched.push(key.clone());
            self.reviews.insert(key, reviewable);
        }
        let mut shown = if merges.is_empty() {
            candidates
        } else {
            // Candidates the record joined name the survivor now, each customer
            // once, with its best member (the first, candidates being best first).
            let mut live: Vec<Candidate> = Vec::with_capacity(candidates.len());
            for mut c in candidates {
                if merges.iter().any(|m| m.retired == c.golden) {
                    c.golden = golden;
                }
                if !live.iter().any(|l| l.golden == c.golden) {
                    live.push(c);
                }
            }
            live
        };
        shown.truncate(SHOWN);
        Ingested {
            golden,
            decision,
            candidates: shown,
            findings: p.findings,
            joined: merges,
        }
    }

    /// Scores again the review candidates compared with the record in `slot`
    /// (its own review's, and candidates it is the member of), after a new
    /// version replaced it: a review explains the records as they are, as a
    /// snapshot restored would.
    fn rescore_reviews_of(&mut self, slot: u32) {
        if self.reviews.is_empty() {
            return;
        }
        let Registry {
            config,
            entries,
            slots,
            reviews,
            touched,
            ..
        } = self;
        let key = &entries[slot as usize]
            .as_ref()
            .expect("slots point at live entries")
            .member
            .key;
        let profile = |k: &SourceKey| {
            &entries[slots[k] as usize]
                .as_ref()
                .expect("slots point at live entries")
                .profile
        };
        for (record, candidates) in reviews.iter_mut() {
            let own = record == key;
            let mut rescored = false;
            for c in candidates.iter_mut().filter(|c| own || &c.source == key) {
                let score = config
                    .model
                    .score(profile(record), profile(&c.source), None);
                c.decision = config.model.decide(&score);
                c.score = score;
                rescored = true;
            }
            if rescored {
                touched.push(record.clone());
            }
        }
    }

    /// The customers a new record joins, in the order it joins them: the
    /// candidates it would merge with, best first, each taken when the record
    /// and the customers taken before it can be joined with it (no veto
    /// between them that another record does not bridge, see [`joinable`]).
    /// Batch clustering joins groups by the same rule, strongest pair first, so
    /// records ingested one at a time end where a batch would put them.
    fn joining(&self, profile: &Profile, candidates: &[Candidate]) -> Vec<GoldenId> {
        let model = &self.config.model;
        let mut joined = Vec::new();
        let mut group: Vec<&Profile> = vec![profile];
        for c in candidates.iter().filter(|c| c.decision == Decision::Merge) {
            let theirs: Vec<&Profile> = self.goldens[&c.golden]
                .iter()
                .map(|&s| &self.entry(s).profile)
                .collect();
            if joinable(&group, &theirs, model) {
                joined.push(c.golden);
                group.extend(theirs);
            }
        }
        joined
    }

    /// The slots sharing a blocking key with a profile, each once, sorted:
    /// every slot of a small bucket; of a bucket larger than
    /// [`RegistryConfig::refine_block`], those sharing a narrower key too (or
    /// with none, or all when the profile has none); none of a bucket larger than
    /// [`RegistryConfig::max_block`].
    fn candidate_slots(&self, profile: &Profile, keys: &[u64]) -> Vec<u32> {
        let mut out = Vec::new();
        let mut mine = Vec::new();
        let mut theirs = Vec::new();
        for &key in keys {
            let bucket = self.index.bucket(key);
            if bucket.len() > self.config.max_block {
                continue;
            }
            if bucket.len() <= self.config.refine_block {
                out.extend_from_slice(bucket);
                continue;
            }
            let kind = fingerprint_kind(key);
            mine.clear();
            refinements(kind, profile, &mut mine);
            if mine.is_empty() {
                out.extend_from_slice(bucket);
                continue;
            }
            for &slot in bucket {
                theirs.clear();
                refinements(kind, &self.entry(slot).profile, &mut theirs);
                if theirs.is_empty() || theirs.iter().any(|t| mine.contains(t)) {
                    out.push(slot);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The golden customers sharing a blocking key with a profile, each with
    /// its best-scoring member, best first (ties by golden id).
    fn candidates(&self, profile: &Profile, keys: &[u64]) -> Vec<Candidate> {
        let model = &self.config.model;
        let mut best: Vec<Candidate> = Vec::new();
        for slot in self.candidate_slots(profile, keys) {
            let entry = self.entry(slot);
            let score = model.score(profile, &entry.profile, None);
            match best.iter_mut().find(|c| c.golden == entry.golden) {
                Some(c) if c.score.weight >= score.weight => {}
                Some(c) => {
                    c.decision = model.decide(&score);
                    c.source = entry.member.key.clone();
                    c.score = score;
                }
                None => best.push(Candidate {
                    golden: entry.golden,
                    source: entry.member.key.clone(),
                    decision: model.decide(&score),
                    score,
                }),
            }
        }
        best.sort_by(|a, b| {
            b.score
                .weight
                .total_cmp(&a.score.weight)
                .then(a.golden.cmp(&b.golden))
        });
        best
    }
}
