//! Batch deduplication: a whole export in, one customer per real person out.
//!
//! The steps: standardise every record, reduce it to a [`Profile`], index the
//! profiles by their [`blocking_keys`], compare every pair that shares a key,
//! [`estimate`] the [`MatchModel`]'s parameters from the batch itself (when
//! [`DedupOptions::estimate`] asks), score the pairs (term frequencies of the
//! names taken from the batch too), and [`cluster`] them. No labels are needed.

use std::collections::HashMap;

use foldhash::fast::FixedState;

use super::matching::{
    blocking_keys, cluster, estimate, BlockingKey, Clusters, Comparison, Decision, EmOptions,
    Estimate, MatchModel, Profile, ScoredPair, TermFrequencies,
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
    /// Blocks skipped for being larger than [`DedupOptions::max_block`].
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
    let report_every = (n / 20).max(1000);
    let mut profiles = Vec::with_capacity(n);
    for (i, r) in records.iter().enumerate() {
        profiles.push(Profile::new(&standardize(r, &options.standardize)));
        if (i + 1) % report_every == 0 || i + 1 == n {
            progress(Progress {
                step: "standardize",
                done: i + 1,
                total: n,
            });
        }
    }
    let (pairs, skipped_blocks) = candidate_pairs(&profiles, options.max_block);
    progress(Progress {
        step: "block",
        done: n,
        total: n,
    });
    let mut comparisons: Vec<Comparison> = Vec::with_capacity(pairs.len());
    let report_every = (pairs.len() / 20).max(10_000);
    for (k, &(a, b)) in pairs.iter().enumerate() {
        comparisons.push(
            options
                .model
                .compare(&profiles[a as usize], &profiles[b as usize]),
        );
        if (k + 1) % report_every == 0 || k + 1 == pairs.len() {
            progress(Progress {
                step: "compare",
                done: k + 1,
                total: pairs.len(),
            });
        }
    }
    let estimate = options.estimate.as_ref().map(|em| {
        let e = estimate(&profiles, &comparisons, &options.model, em);
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
    for (k, (&(a, b), c)) in pairs.iter().zip(&comparisons).enumerate() {
        let score = model.score_comparison(c, &profiles[a as usize], tf.as_ref());
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

/// The pairs `(a, b)`, `a < b`, of records sharing a blocking key, sorted, each
/// once; and how many blocks were too large to compare.
pub fn candidate_pairs(profiles: &[Profile], max_block: usize) -> (Vec<(u32, u32)>, usize) {
    let mut blocks: HashMap<BlockingKey, Vec<u32>, FixedState> =
        HashMap::with_hasher(FixedState::with_seed(0));
    for (i, p) in profiles.iter().enumerate() {
        for key in blocking_keys(p) {
            blocks.entry(key).or_default().push(i as u32);
        }
    }
    let mut pairs = Vec::new();
    let mut skipped = 0;
    for members in blocks.values() {
        if members.len() < 2 {
            continue;
        }
        if members.len() > max_block {
            skipped += 1;
            continue;
        }
        for (i, &a) in members.iter().enumerate() {
            for &b in &members[i + 1..] {
                pairs.push((a.min(b), a.max(b)));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    (pairs, skipped)
}
