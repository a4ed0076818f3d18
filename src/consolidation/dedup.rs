//! Batch deduplication: a whole export in, one customer per real person out.
//!
//! The steps: standardise every record, reduce it to a [`Profile`], index the
//! profiles by their [`blocking_keys`], compare every pair that shares a key,
//! [`estimate`](super::matching::estimate) the [`MatchModel`]'s parameters from the batch itself (when
//! [`DedupOptions::estimate`] asks), score the pairs (term frequencies of the
//! names taken from the batch too), and [`cluster`] them. No labels are needed.

use std::borrow::Borrow;

use foldhash::fast::FixedState;
use hashbrown::HashMap;

use super::golden::{survive, GoldenRecord, Member, SourceKey, Survivorship};
use super::matching::{
    blocking_keys, cluster, estimate_with, fingerprint, fingerprint_kind, refinements, Clusters,
    Comparison, Decision, EmOptions, Estimate, MatchModel, Patterns, Profile, ReviewReason, Score,
    ScoredPair, TermFrequencies,
};
use crate::error::{Error, Result};
use crate::model::record::Record;
use crate::model::time::Timestamp;
use crate::standardize::{standardize, Options};

/// How [`deduplicate`] works.
#[derive(Clone, Debug)]
pub struct DedupOptions {
    /// Scoring parameters and thresholds.
    pub model: MatchModel,
    /// Standardisation options (default country, today).
    pub standardize: Options,
    /// Blocks (records sharing one key) larger than this are not used: a key
    /// that many records share (a common name sound, a company's switchboard, a
    /// placeholder birth date) tells little, and the pairs would grow
    /// quadratically. Their records still meet through their other keys.
    pub max_block: usize,
    /// Blocks larger than this (and no larger than
    /// [`DedupOptions::max_block`]) are refined rather than compared pair by
    /// pair: two of their records are compared only when they also share a
    /// narrower key (the initials, the year of birth, the second surname; see
    /// [`candidate_pairs`]). On a few thousand records blocks stay small and
    /// nothing changes; on a million, a birth date or a common name is shared by
    /// dozens of people and comparing them all would cost more than everything
    /// else together.
    pub refine_block: usize,
    /// How many threads standardise and compare (the other steps run on the
    /// calling thread); `0`, the default, and any number above the machine's
    /// available parallelism use that parallelism. The result does not depend
    /// on it.
    pub threads: usize,
    /// Whether exact name matches are weighted by how common the name is in the
    /// batch.
    pub term_frequencies: bool,
    /// Whether (and how) to estimate the model's `m`, `u` and prior from the
    /// batch before scoring, starting from [`DedupOptions::model`] (which stays
    /// the fallback when the batch is too small to learn from); `None` scores
    /// with [`DedupOptions::model`] as it is. On by default: estimated, the
    /// model finds more duplicates at the same precision on every reference
    /// data set (`tests/dedup.rs`). Deterministic: the sample of random pairs
    /// is seeded.
    pub estimate: Option<EmOptions>,
}

impl DedupOptions {
    /// The default model, estimated from the batch with the default
    /// [`EmOptions`], and the default limits, with these standardisation
    /// options.
    pub fn new(standardize: Options) -> DedupOptions {
        DedupOptions {
            model: MatchModel::default(),
            standardize,
            max_block: 200,
            refine_block: 24,
            threads: 0,
            term_frequencies: true,
            estimate: Some(EmOptions::default()),
        }
    }
}

/// A step of a long deduplication, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// `standardize`, `block`, `compare`, `estimate`, `score`, `cluster`, or
    /// (from [`deduplicate_golden`]) `golden`.
    pub step: &'static str,
    /// Units of the step done.
    pub done: usize,
    /// Units of the step in all.
    pub total: usize,
}

/// What [`deduplicate`] found.
#[derive(Clone, Debug)]
pub struct Dedup {
    /// The profiles, by record index.
    pub profiles: Vec<Profile>,
    /// The groups: per record, the index of its customer's first record.
    pub clusters: Clusters,
    /// Pairs compared (sharing at least one blocking key).
    pub compared_pairs: usize,
    /// Blocks not used for being larger than [`DedupOptions::max_block`].
    pub skipped_blocks: usize,
    /// The term frequencies the scores used, if any.
    pub term_frequencies: Option<TermFrequencies>,
    /// The model the scores used: [`DedupOptions::model`], or the estimate's.
    pub model: MatchModel,
    /// What was estimated, when [`DedupOptions::estimate`] asked.
    pub estimate: Option<Estimate>,
}

/// A pair of records left to a data steward, with the evidence: one per pair of
/// customers the batch kept apart but could not tell apart for sure.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewPair {
    /// The first record (its index in the batch).
    pub a: u32,
    /// The second record, in another customer than `a`'s.
    pub b: u32,
    /// Why the pair was not merged.
    pub reason: ReviewReason,
    /// The pair's score: the match probability and what every field added.
    pub score: Score,
}

impl ReviewPair {
    /// The reason in words, for a steward's list: `vetoed: given_name
    /// different`, `uncertain: probability 0.87 between the thresholds`,
    /// `chaining: joining the two would link records that differ`.
    pub fn explain(&self) -> String {
        match self.reason {
            ReviewReason::Vetoed => {
                let fields: Vec<String> = self
                    .score
                    .contributions
                    .iter()
                    .filter(|c| c.veto)
                    .map(|c| format!("{} {}", c.field.name(), c.level))
                    .collect();
                format!("vetoed: {}", fields.join(", "))
            }
            ReviewReason::Uncertain => format!(
                "uncertain: probability {:.3} between the thresholds",
                self.score.probability
            ),
            ReviewReason::Chaining => {
                "chaining: joining the two customers would link records that differ".into()
            }
        }
    }
}

impl Dedup {
    /// How many customers (golden records) the records make.
    pub fn customers(&self) -> usize {
        self.clusters.count()
    }

    /// The pairs left to review, scored: one per pair of customers (the most
    /// probable of their records' pairs), most probable first. A steward who
    /// confirms one merges the two customers.
    pub fn reviews(&self) -> Vec<ReviewPair> {
        let mut out: Vec<ReviewPair> = self
            .clusters
            .review
            .iter()
            .map(|&(a, b, reason)| ReviewPair {
                a,
                b,
                reason,
                score: self.model.score(
                    &self.profiles[a as usize],
                    &self.profiles[b as usize],
                    self.term_frequencies.as_ref(),
                ),
            })
            .collect();
        out.sort_by(|x, y| {
            y.score
                .probability
                .total_cmp(&x.score.probability)
                .then((x.a, x.b).cmp(&(y.a, y.b)))
        });
        let leader = &self.clusters.leader;
        let mut seen = std::collections::HashSet::new();
        out.retain(|r| {
            let (x, y) = (leader[r.a as usize], leader[r.b as usize]);
            seen.insert((x.min(y), x.max(y)))
        });
        out
    }

    /// The golden record of every customer, built by [`survive`] from its
    /// records, with the index of the customer's first record, in that order.
    ///
    /// `records` are the records deduplicated, `keys[i]` names record `i` (its
    /// source system and id: lineage and alternates say which record gave what).
    /// Every record counts as changed at `updated`: an export rarely tells when
    /// each record last changed, so `most_recent` ties and the next criterion of
    /// the chain decides. The records are standardised again (the batch keeps
    /// only their profiles), on [`DedupOptions::threads`] threads: when the
    /// golden records are wanted from the start, [`deduplicate_golden`] does
    /// both in one pass.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `records` or `keys` are not one per
    /// record deduplicated.
    ///
    /// ```
    /// use ciclo::consolidation::dedup::{deduplicate, DedupOptions};
    /// use ciclo::consolidation::golden::{SourceKey, Survivorship};
    /// use ciclo::standardize::Options;
    /// use ciclo::model::{time::Timestamp, Record};
    ///
    /// let record = |given: &str, email: &str| Record {
    ///     given_name: Some(given.into()),
    ///     surname: Some("García Márquez".into()),
    ///     email: Some(email.into()),
    ///     birth_date: Some("03/04/1980".into()),
    ///     national_id: Some("12.345.678".into()),
    ///     country: Some("AR".into()),
    ///     ..Record::default()
    /// };
    /// let records = [
    ///     record("José", "jose@example.com"),
    ///     record("Pepe", "pepe@example.com"),
    /// ];
    /// let options = DedupOptions::new(Options::new(None, time::macros::date!(2026 - 11 - 23)));
    /// let dedup = deduplicate(&records, &options, &mut |_| {});
    /// let keys = [SourceKey::new("crm", "1")?, SourceKey::new("crm", "2")?];
    /// let updated = Timestamp::parse("2026-11-23T00:00:00Z", "updated")?;
    /// let golden = dedup.golden_records(&records, &keys, updated, &options, &Survivorship::default())?;
    /// assert_eq!(golden.len(), 1);
    /// let (first, customer) = &golden[0];
    /// assert_eq!(*first, 0);
    /// assert_eq!(customer.sources.len(), 2);
    /// assert_eq!(customer.emails.len(), 2); // both kept, one surviving
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn golden_records(
        &self,
        records: &[Record],
        keys: &[SourceKey],
        updated: Timestamp,
        options: &DedupOptions,
        survivorship: &Survivorship,
    ) -> Result<Vec<(u32, GoldenRecord)>> {
        let n = self.clusters.leader.len();
        for (field, len) in [("records", records.len()), ("keys", keys.len())] {
            if len != n {
                return Err(Error::InvalidArgument {
                    field: field.into(),
                    message: format!("{len} given for {n} records deduplicated"),
                });
            }
        }
        let threads = thread_count(options.threads);
        let indices: Vec<usize> = (0..n).collect();
        let members = parallel_map(&indices, threads, |&i| {
            Member::from_standardized(
                keys[i].clone(),
                updated,
                standardize(&records[i], &options.standardize),
            )
        });
        Ok(self.survive_all(&members, survivorship, threads))
    }

    /// Each customer's golden record from `members` (one per record), by the
    /// customer's first record, on up to `threads` threads.
    fn survive_all(
        &self,
        members: &[Member],
        survivorship: &Survivorship,
        threads: usize,
    ) -> Vec<(u32, GoldenRecord)> {
        let mut groups: Vec<(u32, Vec<&Member>)> = Vec::new();
        let mut group_of: Vec<u32> = vec![u32::MAX; members.len()];
        for (i, member) in members.iter().enumerate() {
            let leader = self.clusters.leader[i] as usize;
            if group_of[leader] == u32::MAX {
                group_of[leader] = groups.len() as u32;
                groups.push((leader as u32, Vec::new()));
            }
            groups[group_of[leader] as usize].1.push(member);
        }
        parallel_map(&groups, threads, |(leader, members)| {
            (*leader, survive(members.iter().copied(), survivorship))
        })
    }
}

/// The threads to use: `threads`, at most the machine's available parallelism
/// (all of it for 0).
fn thread_count(threads: usize) -> usize {
    let available = std::thread::available_parallelism().map_or(1, usize::from);
    match threads {
        0 => available,
        t => t.min(available),
    }
}

/// Deduplicates `records`, calling `progress` now and then. Deterministic.
pub fn deduplicate(
    records: &[Record],
    options: &DedupOptions,
    progress: &mut dyn FnMut(Progress),
) -> Dedup {
    run(records, None, options, progress).0
}

/// [`deduplicate`], and every customer's golden record as
/// [`Dedup::golden_records`] builds it, standardising each record once rather
/// than twice (the faster way when the golden records are wanted at once).
///
/// # Errors
///
/// [`Error::InvalidArgument`] when `keys` are not one per record, before any
/// work.
pub fn deduplicate_golden(
    records: &[Record],
    keys: &[SourceKey],
    updated: Timestamp,
    options: &DedupOptions,
    survivorship: &Survivorship,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Dedup, Vec<(u32, GoldenRecord)>)> {
    if keys.len() != records.len() {
        return Err(Error::InvalidArgument {
            field: "keys".into(),
            message: format!("{} given for {} records", keys.len(), records.len()),
        });
    }
    let (dedup, members) = run(records, Some((keys, updated)), options, progress);
    let golden = dedup.survive_all(&members, survivorship, thread_count(options.threads));
    progress(Progress {
        step: "golden",
        done: golden.len(),
        total: golden.len(),
    });
    Ok((dedup, golden))
}

/// The batch deduplication; with `members` (the records' keys and update time),
/// also each record as a golden-record [`Member`], from the same standardisation.
fn run(
    records: &[Record],
    members: Option<(&[SourceKey], Timestamp)>,
    options: &DedupOptions,
    progress: &mut dyn FnMut(Progress),
) -> (Dedup, Vec<Member>) {
    let n = records.len();
    let threads = thread_count(options.threads);
    let chunk = (n / 20).max(1000);
    let mut profiles = Vec::with_capacity(n);
    let mut kept = Vec::with_capacity(if members.is_some() { n } else { 0 });
    // The blocking keys' (fingerprint, record), computed on the same threads.
    let mut entries: Vec<(u64, u32)> = Vec::with_capacity(n * 8);
    for start in (0..n).step_by(chunk) {
        let indices: Vec<usize> = (start..n.min(start + chunk)).collect();
        let done = parallel_map(&indices, threads, |&i| {
            let standard = standardize(&records[i], &options.standardize);
            let profile = Profile::new(&standard);
            let member = members.map(|(keys, updated)| {
                Member::from_standardized(keys[i].clone(), updated, standard)
            });
            let keys = fingerprints(&profile);
            (profile, member, keys)
        });
        for (profile, member, keys) in done {
            let record = profiles.len() as u32;
            entries.extend(keys.into_iter().map(|f| (f, record)));
            profiles.push(profile);
            kept.extend(member);
        }
        progress(Progress {
            step: "standardize",
            done: profiles.len(),
            total: n,
        });
    }
    let (pairs, skipped_blocks) =
        pairs_of_entries(entries, &profiles, options.max_block, options.refine_block);
    progress(Progress {
        step: "block",
        done: n,
        total: n,
    });
    // Each pair's comparison, interned: a million records make millions of
    // pairs but only tens of thousands of distinct comparisons.
    let mut kinds: Vec<Comparison> = Vec::new();
    let mut kind_of: HashMap<Comparison, u32, FixedState> =
        HashMap::with_hasher(FixedState::with_seed(0));
    let mut counts: Vec<u64> = Vec::new();
    let mut compared: Vec<u32> = Vec::with_capacity(pairs.len());
    let report_every = (pairs.len() / 20).max(10_000);
    for part in pairs.chunks(report_every) {
        let comparisons = parallel_map(part, threads, |&(a, b)| {
            options
                .model
                .compare(&profiles[a as usize], &profiles[b as usize])
        });
        for c in comparisons {
            let id = *kind_of.entry(c).or_insert_with(|| {
                kinds.push(c);
                counts.push(0);
                (kinds.len() - 1) as u32
            });
            counts[id as usize] += 1;
            compared.push(id);
        }
        progress(Progress {
            step: "compare",
            done: compared.len(),
            total: pairs.len(),
        });
    }
    drop(kind_of);
    let estimate = options.estimate.as_ref().map(|em| {
        let patterns = Patterns::from_counts(kinds.iter().copied().zip(counts.iter().copied()));
        let e = estimate_with(n, &patterns, &options.model, em, &mut |sample| {
            parallel_map(sample, threads, |&(a, b)| {
                options
                    .model
                    .compare_straight(&profiles[a as usize], &profiles[b as usize])
            })
        });
        progress(Progress {
            step: "estimate",
            done: 1,
            total: 1,
        });
        e
    });
    let model = estimate.as_ref().map_or(&options.model, |e| &e.model);
    let tf = options
        .term_frequencies
        .then(|| TermFrequencies::from_profiles(&profiles));
    let mut scored = Vec::with_capacity(pairs.len());
    for (k, (&(a, b), &c)) in pairs.iter().zip(&compared).enumerate() {
        let score = model.score_comparison(&kinds[c as usize], &profiles[a as usize], tf.as_ref());
        let decision = model.decide(&score);
        if decision != Decision::Distinct || score.probability >= model.review_threshold {
            scored.push(ScoredPair {
                a,
                b,
                weight: score.weight,
                decision,
            });
        }
        if (k + 1) % report_every == 0 || k + 1 == pairs.len() {
            progress(Progress {
                step: "score",
                done: k + 1,
                total: pairs.len(),
            });
        }
    }
    let clusters = cluster(&profiles, &scored, model, tf.as_ref());
    progress(Progress {
        step: "cluster",
        done: n,
        total: n,
    });
    let dedup = Dedup {
        profiles,
        clusters,
        compared_pairs: pairs.len(),
        skipped_blocks,
        term_frequencies: tf,
        model: model.clone(),
        estimate,
    };
    (dedup, kept)
}

/// `f` over `items` on up to `threads` scoped threads, in order.
fn parallel_map<T: Sync, U: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> U + Sync,
) -> Vec<U> {
    if threads <= 1 || items.len() < threads.saturating_mul(2) {
        return items.iter().map(&f).collect();
    }
    let per = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(per)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<U>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for handle in handles {
            match handle.join() {
                Ok(part) => out.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// The candidate pairs `(a, b)`, `a < b`, sorted, each once, and how many
/// blocks were too large to use.
///
/// Records that share a blocking key form a block. A block of more than
/// `max_block` records is not used (a key that many share tells little; its
/// records meet through their other keys). A block of up to `refine_block`
/// records gives all its pairs. A block in between is split by the narrower
/// keys of its kind ([`KeyKind`](super::matching::KeyKind): the initials; the
/// birth year and the second surname for name keys): two of its records are
/// paired when they share one, and a record without narrower keys is paired
/// with the whole block. The registry finds candidates at the point of entry by
/// the same rules ([`RegistryConfig`](super::registry::RegistryConfig)).
pub fn candidate_pairs<P: Borrow<Profile>>(
    profiles: &[P],
    max_block: usize,
    refine_block: usize,
) -> (Vec<(u32, u32)>, usize) {
    let mut entries: Vec<(u64, u32)> = Vec::with_capacity(profiles.len() * 8);
    for (i, p) in profiles.iter().enumerate() {
        entries.extend(fingerprints(p.borrow()).into_iter().map(|f| (f, i as u32)));
    }
    pairs_of_entries(entries, profiles, max_block, refine_block)
}

/// The fingerprints of a profile's blocking keys, each with its kind in the
/// low four bits.
fn fingerprints(profile: &Profile) -> smallvec::SmallVec<[u64; 12]> {
    blocking_keys(profile).iter().map(fingerprint).collect()
}

/// [`candidate_pairs`] from the blocking keys' `(fingerprint, record)` entries.
fn pairs_of_entries<P: Borrow<Profile>>(
    mut entries: Vec<(u64, u32)>,
    profiles: &[P],
    max_block: usize,
    refine_block: usize,
) -> (Vec<(u32, u32)>, usize) {
    entries.sort_unstable();
    let mut pairs = Vec::new();
    let mut skipped = 0;
    let mut refined: Vec<(u64, u32)> = Vec::new();
    let mut loose: Vec<u32> = Vec::new();
    let mut narrower: Vec<u64> = Vec::new();
    for block in entries.chunk_by(|x, y| x.0 == y.0) {
        if block.len() < 2 {
            continue;
        }
        if block.len() > max_block {
            skipped += 1;
            continue;
        }
        if block.len() <= refine_block.max(2) {
            all_pairs(block.iter().map(|e| e.1), &mut pairs);
            continue;
        }
        let kind = fingerprint_kind(block[0].0);
        refined.clear();
        loose.clear();
        for &(_, i) in block {
            narrower.clear();
            refinements(kind, profiles[i as usize].borrow(), &mut narrower);
            if narrower.is_empty() {
                loose.push(i);
            }
            refined.extend(narrower.iter().map(|&k| (k, i)));
        }
        refined.sort_unstable();
        for part in refined.chunk_by(|x, y| x.0 == y.0) {
            all_pairs(part.iter().map(|e| e.1), &mut pairs);
        }
        for &a in &loose {
            for &(_, b) in block {
                if a != b {
                    pairs.push((a.min(b), a.max(b)));
                }
            }
        }
    }
    // Compared as one u64 each (the smaller index in the high half): one
    // compare a step rather than a tuple's two, in place.
    pairs.sort_unstable_by_key(|&(a, b)| u64::from(a) << 32 | u64::from(b));
    pairs.dedup();
    (pairs, skipped)
}

/// Every pair of `members` (ascending record indices), smaller index first.
fn all_pairs(members: impl Iterator<Item = u32> + Clone, pairs: &mut Vec<(u32, u32)>) {
    let mut rest = members;
    while let Some(a) = rest.next() {
        pairs.extend(
            rest.clone()
                .filter(|&b| b != a)
                .map(|b| (a.min(b), a.max(b))),
        );
    }
}
