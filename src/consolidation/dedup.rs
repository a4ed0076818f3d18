//! Batch deduplication: a whole export in, one customer per real person out.
//!
//! The steps: standardise every record, reduce it to a [`Profile`], index the
//! profiles by their [`blocking_keys`], compare every pair that shares a key,
//! [`estimate`](super::matching::estimate) the [`MatchModel`]'s parameters from the batch itself (when
//! [`DedupOptions::estimate`] asks), score the pairs (term frequencies of the
//! names taken from the batch too), and [`cluster`] them. No labels are needed.

use foldhash::fast::FixedState;
use hashbrown::HashMap;

use super::matching::{
    blocking_keys, cluster, estimate_with, fingerprint, fingerprint_kind, refinements, Clusters,
    Comparison, Decision, EmOptions, Estimate, MatchModel, Patterns, Profile, ScoredPair,
    TermFrequencies,
};
use super::standardize::{standardize, Options};
use crate::model::record::Record;

/// How [`deduplicate`] works.
#[derive(Clone, Debug)]
pub struct DedupOptions {
    /// Scoring parameters and thresholds.
    pub model: MatchModel,
    /// Standardisation options (default country, today).
    pub standardize: Options,
    /// Blocks (records sharing one key) larger than this are not compared pair
    /// by pair: a key that many records share (a common surname sound with an
    /// initial, a company's switchboard) tells little, and the pairs would grow
    /// quadratically. Their records still meet through their other keys.
    pub max_block: usize,
    /// Blocks larger than this are refined rather than compared pair by pair:
    /// two of their records are compared only when they also share a narrower
    /// key (the initials, the year of birth, the second surname; see
    /// [`KeyKind`](super::matching::KeyKind)). On a few thousand records blocks
    /// stay small and nothing changes; on a million, a birth date or a common
    /// name is shared by dozens of people and comparing them all would cost
    /// more than everything else together.
    pub refine_block: usize,
    /// How many threads standardise and compare (the other steps run on the
    /// calling thread); `0`, the default, uses the machine's available
    /// parallelism. The result does not depend on it.
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
    /// `standardize`, `block`, `compare`, `estimate`, `score` or `cluster`.
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
    /// Blocks (or parts of refined blocks) skipped for being larger than
    /// [`DedupOptions::max_block`].
    pub skipped_blocks: usize,
    /// The term frequencies the scores used, if any.
    pub term_frequencies: Option<TermFrequencies>,
    /// The model the scores used: [`DedupOptions::model`], or the estimate's.
    pub model: MatchModel,
    /// What was estimated, when [`DedupOptions::estimate`] asked.
    pub estimate: Option<Estimate>,
}

impl Dedup {
    /// How many customers (golden records) the records make.
    pub fn customers(&self) -> usize {
        self.clusters.count()
    }
}

/// Deduplicates `records`, calling `progress` now and then. Deterministic.
pub fn deduplicate(
    records: &[Record],
    options: &DedupOptions,
    progress: &mut dyn FnMut(Progress),
) -> Dedup {
    let n = records.len();
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        t => t,
    };
    let chunk = (n / 20).max(1000);
    let mut profiles = Vec::with_capacity(n);
    for part in records.chunks(chunk) {
        profiles.extend(parallel_map(part, threads, |r| {
            Profile::new(&standardize(r, &options.standardize))
        }));
        progress(Progress {
            step: "standardize",
            done: profiles.len(),
            total: n,
        });
    }
    let (pairs, skipped_blocks) =
        candidate_pairs(&profiles, options.max_block, options.refine_block);
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
        let e = estimate_with(&profiles, &patterns, &options.model, em, &mut |sample| {
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
    Dedup {
        profiles,
        clusters,
        compared_pairs: pairs.len(),
        skipped_blocks,
        term_frequencies: tf,
        model: model.clone(),
        estimate,
    }
}

/// `f` over `items` on up to `threads` scoped threads, in order.
fn parallel_map<T: Sync, U: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> U + Sync,
) -> Vec<U> {
    if threads <= 1 || items.len() < 2 * threads {
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

/// The pairs `(a, b)`, `a < b`, of records sharing a blocking key, sorted, each
/// once; and how many blocks (or parts of refined blocks) were too large to
/// compare.
///
/// A block of up to `refine_block` records gives all its pairs. A larger one is
/// split by the narrower keys of its kind (the initials; the year of birth
/// and the second surname for name keys): two of its records are paired when
/// they share one, and a record without any is paired with the whole block. A
/// part, or a block with records without narrower keys, larger than
/// `max_block` is skipped.
pub fn candidate_pairs(
    profiles: &[Profile],
    max_block: usize,
    refine_block: usize,
) -> (Vec<(u32, u32)>, usize) {
    // (fingerprint of the key, with its kind in the low four bits; record).
    let mut entries: Vec<(u64, u32)> = Vec::with_capacity(profiles.len() * 8);
    for (i, p) in profiles.iter().enumerate() {
        for key in blocking_keys(p) {
            entries.push((fingerprint(&key), i as u32));
        }
    }
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
        if block.len() <= refine_block.max(2) {
            all_pairs(block.iter().map(|e| e.1), &mut pairs);
            continue;
        }
        let kind = fingerprint_kind(block[0].0);
        refined.clear();
        loose.clear();
        for &(_, i) in block {
            narrower.clear();
            refinements(kind, &profiles[i as usize], &mut narrower);
            if narrower.is_empty() {
                loose.push(i);
            }
            refined.extend(narrower.iter().map(|&k| (k, i)));
        }
        refined.sort_unstable();
        for part in refined.chunk_by(|x, y| x.0 == y.0) {
            if part.len() > max_block {
                skipped += 1;
            } else {
                all_pairs(part.iter().map(|e| e.1), &mut pairs);
            }
        }
        if !loose.is_empty() {
            if block.len() > max_block {
                skipped += 1;
            } else {
                for &a in &loose {
                    for &(_, b) in block {
                        if a != b {
                            pairs.push((a.min(b), a.max(b)));
                        }
                    }
                }
            }
        }
    }
    pairs.sort_unstable();
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
