//! Estimating a [`MatchModel`]'s parameters from the host's own data, without
//! labels.
//!
//! The default parameters are guesses that work on most customer data. The
//! host's own records tell more: how often two unrelated customers share a birth
//! date, how often the host's duplicates carry a different given name. This
//! module estimates, as Splink does:
//!
//! - **`u`**, the probability of each comparison level among non-matches, from
//!   record pairs drawn at random ([`estimate_u`]): almost every random pair is
//!   two different people. The sample is seeded, so the estimate is the same on
//!   every run; the few random pairs that the starting model finds to be matches
//!   are left out of the counts.
//! - **`m`**, the probability of each level among matches, and the share of
//!   matches, by expectation–maximisation over the comparison vectors of the
//!   candidate pairs ([`estimate_m`]), `u` held fixed. The EM counts the distinct
//!   comparison patterns once ([`Patterns`]) and iterates on their counts, not on
//!   the pairs.
//! - **the prior**: the expected number of matches among the candidate pairs,
//!   over all the pairs the records make ([`estimate`]).
//!
//! The starting parameters are kept as a Bayesian prior: each estimate is a
//! blend of what the data show and the starting value, as if a few pairs
//! ([`EmOptions::m_pseudo_pairs`], [`EmOptions::u_pseudo_pairs`]) had been seen
//! with the starting parameters. With few data the result stays near the start;
//! a field seen in too few pairs ([`EmOptions::min_matches`],
//! [`EmOptions::min_u_pairs`]) keeps its starting parameters. Every probability
//! is kept within [`EmOptions::floor`] of 0 and 1, and the EM stops after
//! [`EmOptions::max_iterations`] even if it has not converged.
//!
//! Pure and deterministic: the same inputs give the same estimate, bit for bit.
//!
//! ```
//! use ciclo::consolidation::matching::{estimate, EmOptions, MatchModel, Profile};
//! use ciclo::standardize::{standardize, Options};
//! use ciclo::model::record::Record;
//!
//! let today = time::macros::date!(2026 - 11 - 23);
//! let profile = |given: &str, surname: &str, birth: &str| {
//!     let record = Record {
//!         given_name: Some(given.into()),
//!         surname: Some(surname.into()),
//!         birth_date: Some(birth.into()),
//!         ..Record::default()
//!     };
//!     Profile::new(&standardize(&record, &Options::new(None, today)))
//! };
//! let profiles = vec![
//!     profile("Ana", "García", "1980-01-02"),
//!     profile("Ana", "Garcia", "1980-01-02"),
//!     profile("Luis", "Pérez", "1975-06-30"),
//! ];
//! let model = MatchModel::default();
//! let comparisons = vec![model.compare(&profiles[0], &profiles[1])];
//! let e = estimate(&profiles, &comparisons, &model, &EmOptions::default());
//! // Far too few pairs to learn from: the starting model is kept.
//! assert!(!e.estimated());
//! assert_eq!(e.model, model);
//! ```

use std::collections::HashMap;

use foldhash::fast::FixedState;

use super::compare::{Field, FIELDS};
use super::model::{probability, Comparison, MatchModel};
use super::profile::Profile;
use crate::splitmix::SplitMix64;

/// How [`estimate`] works: sample size, seed, limits and safeguards.
#[derive(Clone, Debug, PartialEq)]
pub struct EmOptions {
    /// Random record pairs drawn to estimate `u` (as many as the records make,
    /// when they make fewer).
    pub u_sample: usize,
    /// Seed of the random pair sampler: the same seed gives the same pairs.
    pub seed: u64,
    /// The EM stops after this many iterations, converged or not.
    pub max_iterations: usize,
    /// The EM has converged when no `m`, and not the share of matches among
    /// the candidate pairs, moved by more than this in one iteration.
    pub tolerance: f64,
    /// Weight of the starting `m`, in matches: each field's `m` is estimated as
    /// if this many matches had been seen with the starting `m` besides the
    /// data's.
    pub m_pseudo_pairs: f64,
    /// Weight of the starting `u`, in random pairs.
    pub u_pseudo_pairs: f64,
    /// A field's `m` is estimated only when the expected matches that compare
    /// it are at least this many; otherwise it keeps its starting `m`.
    pub min_matches: f64,
    /// A field's `u` is estimated only when at least this many sampled pairs
    /// compare it; otherwise it keeps its starting `u`.
    pub min_u_pairs: usize,
    /// The EM runs only on at least this many candidate pairs; with fewer, the
    /// starting `m` and prior are kept.
    pub min_pairs: usize,
    /// No `m` or `u` is estimated below this or above one minus this. (The
    /// prior, often far smaller, has its own bounds: see [`estimate_m`].)
    pub floor: f64,
}

impl Default for EmOptions {
    /// 10,000 random pairs, seed 0, at most 100 iterations to a tolerance of
    /// 10⁻⁶; the starting parameters weighing 10 matches and 1,000 random
    /// pairs; a field's `m` estimated from 20 expected matches, its `u` from
    /// 1,000 random pairs; the EM run on 100 candidate pairs or more;
    /// probabilities kept 10⁻⁶ off 0 and 1.
    fn default() -> EmOptions {
        EmOptions {
            u_sample: 10_000,
            seed: 0,
            max_iterations: 100,
            tolerance: 1e-6,
            m_pseudo_pairs: 10.0,
            u_pseudo_pairs: 1_000.0,
            min_matches: 20.0,
            min_u_pairs: 1_000,
            min_pairs: 100,
            floor: 1e-6,
        }
    }
}

/// The `u` estimated from random pairs, by [`estimate_u`].
#[derive(Clone, Debug, PartialEq)]
pub struct UEstimate {
    /// The starting model with the estimated `u`.
    pub model: MatchModel,
    /// Random pairs compared.
    pub sampled_pairs: usize,
    /// Per field (in the model's order), how many random non-matching pairs
    /// compared it (fractional: a pair that the starting model finds may match
    /// counts for its probability of not matching).
    pub compared: Vec<(Field, f64)>,
    /// The fields whose `u` was estimated (the others kept their starting `u`).
    pub estimated: Vec<Field>,
}

/// The `m` and share of matches estimated by [`estimate_m`].
#[derive(Clone, Debug, PartialEq)]
pub struct MEstimate {
    /// The starting model with the estimated `m`, and as its prior the share of
    /// matches among the pairs counted.
    pub model: MatchModel,
    /// Pairs counted.
    pub pairs: u64,
    /// Expected matches among them.
    pub matches: f64,
    /// Iterations run.
    pub iterations: usize,
    /// Whether the parameters stopped moving within
    /// [`EmOptions::tolerance`] before [`EmOptions::max_iterations`].
    pub converged: bool,
    /// What each iteration did, in order.
    pub history: Vec<Iteration>,
    /// Per field (in the model's order), the expected matches that compared
    /// it.
    pub compared: Vec<(Field, f64)>,
    /// The fields whose `m` was estimated (the others kept their starting `m`).
    pub estimated: Vec<Field>,
}

/// One EM iteration: where the parameters went.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Iteration {
    /// The expected matches among the pairs, by the parameters the iteration
    /// started from.
    pub matches: f64,
    /// The prior after the iteration.
    pub prior: f64,
    /// The largest change of an `m` or of the share of matches.
    pub max_change: f64,
    /// The log-likelihood of the pairs (natural log) under the parameters the
    /// iteration started from.
    pub log_likelihood: f64,
}

/// The whole estimate, by [`estimate`]: `u` from random pairs, then `m` and
/// the prior by EM over the candidate pairs.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// The estimated model: the starting model's fields, levels, vetoes and
    /// thresholds, with estimated `m`, `u` and prior. The starting model itself
    /// when nothing could be estimated.
    pub model: MatchModel,
    /// How `u` was estimated.
    pub u: UEstimateSummary,
    /// How `m` was estimated, `None` when there were too few candidate pairs
    /// ([`EmOptions::min_pairs`]) or the EM failed (the starting `m` and prior
    /// are kept).
    pub m: Option<MEstimateSummary>,
}

/// [`UEstimate`] without its model.
#[derive(Clone, Debug, PartialEq)]
pub struct UEstimateSummary {
    /// Random pairs compared.
    pub sampled_pairs: usize,
    /// The fields whose `u` was estimated.
    pub estimated: Vec<Field>,
}

/// [`MEstimate`] without its model.
#[derive(Clone, Debug, PartialEq)]
pub struct MEstimateSummary {
    /// Candidate pairs counted.
    pub pairs: u64,
    /// Distinct comparison patterns among them.
    pub patterns: usize,
    /// Expected matches among them.
    pub matches: f64,
    /// Iterations run.
    pub iterations: usize,
    /// Whether the EM converged.
    pub converged: bool,
    /// What each iteration did.
    pub history: Vec<Iteration>,
    /// The fields whose `m` was estimated.
    pub estimated: Vec<Field>,
}

impl Estimate {
    /// Whether anything was estimated (otherwise [`Estimate::model`] is the
    /// starting model).
    pub fn estimated(&self) -> bool {
        !self.u.estimated.is_empty() || self.m.as_ref().is_some_and(|m| !m.estimated.is_empty())
    }

    /// Iterations the EM ran (0 when it did not run).
    pub fn iterations(&self) -> usize {
        self.m.as_ref().map_or(0, |m| m.iterations)
    }

    /// Whether the EM ran and converged.
    pub fn converged(&self) -> bool {
        self.m.as_ref().is_some_and(|m| m.converged)
    }
}

/// Distinct comparison vectors with how many pairs showed each: what the EM
/// iterates on.
///
/// ```
/// use ciclo::consolidation::matching::{Comparison, Patterns};
///
/// let mut exact = Comparison::default();
/// exact.levels[0] = Some(0);
/// let patterns = Patterns::from_comparisons(&[exact, exact, Comparison::default()]);
/// assert_eq!(patterns.len(), 2);
/// assert_eq!(patterns.pairs(), 3);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Patterns {
    /// Sorted by pattern, for a deterministic order.
    counts: Vec<(Comparison, u64)>,
}

impl Patterns {
    /// Counts the distinct patterns among `comparisons`. Whether names were
    /// read crosswise is not part of a pattern.
    pub fn from_comparisons<'a>(comparisons: impl IntoIterator<Item = &'a Comparison>) -> Patterns {
        Patterns::from_counts(comparisons.into_iter().map(|c| (*c, 1)))
    }

    /// Patterns from comparisons already counted (by a host that compares its
    /// candidate pairs in its own database, say); repeated patterns add up.
    ///
    /// ```
    /// use ciclo::consolidation::matching::{Comparison, Patterns};
    ///
    /// let c = Comparison::default();
    /// let patterns = Patterns::from_counts([(c, 40), (c, 2)]);
    /// assert_eq!((patterns.len(), patterns.pairs()), (1, 42));
    /// ```
    pub fn from_counts(counts: impl IntoIterator<Item = (Comparison, u64)>) -> Patterns {
        let mut map: HashMap<[Option<u8>; FIELDS.len()], u64, FixedState> =
            HashMap::with_hasher(FixedState::with_seed(0));
        for (c, n) in counts {
            *map.entry(c.levels).or_default() += n;
        }
        let mut counts: Vec<(Comparison, u64)> = map
            .into_iter()
            .map(|(levels, n)| {
                (
                    Comparison {
                        levels,
                        names_swapped: false,
                    },
                    n,
                )
            })
            .collect();
        counts.sort_unstable_by_key(|(c, _)| *c);
        Patterns { counts }
    }

    /// How many distinct patterns.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether there is no pattern.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// How many pairs in all.
    pub fn pairs(&self) -> u64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }

    /// The patterns with their counts, in a fixed order.
    pub fn iter(&self) -> impl Iterator<Item = (&Comparison, u64)> + '_ {
        self.counts.iter().map(|(c, n)| (c, *n))
    }
}

/// Estimates `u` from [`EmOptions::u_sample`] random pairs of `profiles` (or
/// as many as they make, when fewer).
///
/// Pairs are drawn with a seeded generator ([`EmOptions::seed`]), two
/// different records each, and compared as [`MatchModel::compare`] does but
/// with names read straight only (two records drawn at random are almost never
/// the same person typed with names swapped). Each pair is counted for every
/// field it compares, weighted by the probability that it is not a match under
/// `model` (so the rare random pair of duplicates does not count as chance
/// agreement). A field's `u` is then, level by level, the weighted share of
/// pairs at that level blended with the starting `u` (weighing
/// [`EmOptions::u_pseudo_pairs`]) and kept off 0 and 1; a field compared by
/// fewer than [`EmOptions::min_u_pairs`] pairs keeps its starting `u`.
///
/// With fewer than two profiles nothing is sampled and `model` is returned
/// unchanged.
pub fn estimate_u(profiles: &[Profile], model: &MatchModel, options: &EmOptions) -> UEstimate {
    estimate_u_with(profiles.len(), model, options, &mut |pairs| {
        compare_sample(profiles, model, pairs)
    })
}

/// The comparisons of [`estimate_u`]'s sample, one pair after the other.
fn compare_sample(
    profiles: &[Profile],
    model: &MatchModel,
    pairs: &[(u32, u32)],
) -> Vec<Comparison> {
    pairs
        .iter()
        .map(|&(i, j)| model.compare_straight(&profiles[i as usize], &profiles[j as usize]))
        .collect()
}

/// Compares pairs of records `(i, j)` by index, returning their comparisons in
/// order.
pub(crate) type CompareAll<'a> = &'a mut dyn FnMut(&[(u32, u32)]) -> Vec<Comparison>;

/// [`estimate_u`] over `records` records (by index), with the sampled pairs
/// compared by `compare_all`, which returns their comparisons in order
/// ([`MatchModel::compare`] with names read straight): a batch compares them
/// on all its threads, a registry reads its own records.
pub(crate) fn estimate_u_with(
    records: usize,
    model: &MatchModel,
    options: &EmOptions,
    compare_all: CompareAll<'_>,
) -> UEstimate {
    let n = records as u64;
    let mut out = model.clone();
    let mut counts: Vec<Vec<f64>> = model
        .fields
        .iter()
        .map(|f| vec![0.0; f.levels.len()])
        .collect();
    let sample = (options.u_sample as u64).min(n * n.saturating_sub(1) / 2);
    let mut rng = SplitMix64(options.seed);
    let pairs: Vec<(u32, u32)> = (0..sample)
        .map(|_| {
            let i = rng.below(n);
            let mut j = rng.below(n - 1);
            if j >= i {
                j += 1;
            }
            (i as u32, j as u32)
        })
        .collect();
    let prior_weight = log_odds(model.prior);
    for c in compare_all(&pairs) {
        let non_match = 1.0 - probability(prior_weight + weight(model, &c));
        for (k, f) in model.fields.iter().enumerate() {
            if let Some(level) = c.level(f.field) {
                counts[k][level as usize] += non_match;
            }
        }
    }
    let mut compared = Vec::with_capacity(model.fields.len());
    let mut estimated = Vec::new();
    for (k, f) in out.fields.iter_mut().enumerate() {
        let total: f64 = counts[k].iter().sum();
        compared.push((f.field, total));
        if total < options.min_u_pairs as f64 {
            continue;
        }
        let start: Vec<f64> = f.levels.iter().map(|l| l.u).collect();
        let u = blend(&counts[k], &start, options.u_pseudo_pairs, options.floor);
        for (l, u) in f.levels.iter_mut().zip(u) {
            l.u = u;
        }
        estimated.push(f.field);
    }
    UEstimate {
        model: out,
        sampled_pairs: sample as usize,
        compared,
        estimated,
    }
}

/// Estimates `m` and the prior by expectation–maximisation over the comparison
/// `patterns` of candidate pairs, `u` held fixed.
///
/// The patterns are those of the candidate pairs of a blocking (the pairs
/// sharing a key) among `all_pairs` pairs in all, and are taken to hold every
/// match. `model.prior` is the starting share of matches among all the pairs,
/// as in scoring; the probability that a candidate pair matches is computed
/// with it, as [`MatchModel::score`] would (non-matches among the candidate
/// pairs are rare in the measure that their chance agreement is: that is what
/// `u` says). Fixing `u` from random pairs and the prior over all the pairs
/// keeps the EM from the degenerate answer where every candidate pair is a
/// match.
///
/// Each iteration computes every pattern's probability of being a match (the
/// E step), then sets each `m` to the expected share of matches at its level,
/// and the prior to the expected matches over `all_pairs` (the M step). Each
/// `m` is blended with the starting `m` (weighing
/// [`EmOptions::m_pseudo_pairs`]) and kept off 0 and 1; a field compared by
/// fewer than [`EmOptions::min_matches`] expected matches keeps its starting
/// `m`. The prior stays within one tenth of a match over `all_pairs` and 50 %.
///
/// Stops when no `m`, and not the share of matches among the candidate pairs,
/// moves by more than [`EmOptions::tolerance`], or after
/// [`EmOptions::max_iterations`]. With no pattern, or should a computation
/// ever give a number that is not finite, it returns the starting model,
/// unconverged, with nothing estimated.
///
/// ```
/// use ciclo::consolidation::matching::{estimate_m, EmOptions, MatchModel, Patterns};
///
/// let model = MatchModel::default();
/// let none = estimate_m(&Patterns::default(), 1e6, &model, &EmOptions::default());
/// assert_eq!(none.model, model);
/// assert!(!none.converged && none.estimated.is_empty());
/// ```
pub fn estimate_m(
    patterns: &Patterns,
    all_pairs: f64,
    model: &MatchModel,
    options: &EmOptions,
) -> MEstimate {
    let floor = options.floor.clamp(f64::MIN_POSITIVE, 0.25);
    let pairs = patterns.pairs();
    let nf = model.fields.len();
    // Per pattern, the level index of each of the model's fields (or none).
    let rows: Vec<(Vec<Option<u8>>, f64)> = patterns
        .iter()
        .map(|(c, n)| {
            let levels = model.fields.iter().map(|f| c.level(f.field)).collect();
            (levels, n as f64)
        })
        .collect();
    // log u of each pattern under the non-match class: fixed.
    let log_u: Vec<f64> = rows
        .iter()
        .map(|(levels, _)| {
            levels
                .iter()
                .zip(&model.fields)
                .filter_map(|(l, f)| Some(f.levels[(*l)? as usize].u.ln()))
                .sum()
        })
        .collect();
    let start_m: Vec<Vec<f64>> = model
        .fields
        .iter()
        .map(|f| f.levels.iter().map(|l| l.m).collect())
        .collect();
    let mut m = start_m.clone();
    let total = pairs as f64;
    let all_pairs = all_pairs.max(total);
    let prior_floor = (0.1 / all_pairs).min(floor);
    let mut prior = model.prior.clamp(prior_floor, 0.5);
    let mut history = Vec::new();
    let mut converged = false;
    let mut failed = false;
    let mut compared = vec![0.0; nf];
    let mut estimated = vec![false; nf];
    if total > 0.0 && all_pairs.is_finite() {
        for _ in 0..options.max_iterations {
            // E step: expected matches per field and level.
            let mut counts: Vec<Vec<f64>> = m.iter().map(|l| vec![0.0; l.len()]).collect();
            let mut matches = 0.0;
            let mut log_likelihood = 0.0;
            let (ls, lns) = (prior.ln(), (1.0 - prior).ln());
            for ((levels, n), lu) in rows.iter().zip(&log_u) {
                let lm: f64 = levels
                    .iter()
                    .zip(&m)
                    .filter_map(|(l, m)| Some(m[(*l)? as usize].ln()))
                    .sum();
                let (a, b) = (ls + lm, lns + lu);
                // log(e^a + e^b) and e^a / (e^a + e^b), without overflow.
                let hi = a.max(b);
                let sum = hi + ((a - hi).exp() + (b - hi).exp()).ln();
                let p = (a - sum).exp();
                log_likelihood += n * sum;
                matches += n * p;
                for (k, l) in levels.iter().enumerate() {
                    if let Some(l) = l {
                        counts[k][*l as usize] += n * p;
                    }
                }
            }
            // M step.
            let mut max_change: f64 = 0.0;
            let new_prior = (matches / all_pairs).clamp(prior_floor, 0.5);
            // The prior is tiny: its change is measured as the change of the
            // share of matches among the candidate pairs.
            max_change = max_change.max((new_prior - prior).abs() * all_pairs / total);
            for k in 0..nf {
                let seen: f64 = counts[k].iter().sum();
                compared[k] = seen;
                estimated[k] = seen > 0.0 && seen >= options.min_matches;
                let new = if estimated[k] {
                    blend(&counts[k], &start_m[k], options.m_pseudo_pairs, floor)
                } else {
                    start_m[k].clone()
                };
                for (old, new) in m[k].iter().zip(&new) {
                    max_change = max_change.max((old - new).abs());
                }
                m[k] = new;
            }
            prior = new_prior;
            let finite = max_change.is_finite()
                && log_likelihood.is_finite()
                && prior.is_finite()
                && m.iter().flatten().all(|x| x.is_finite());
            if !finite {
                failed = true;
                break;
            }
            history.push(Iteration {
                prior,
                matches,
                max_change,
                log_likelihood,
            });
            if max_change <= options.tolerance {
                converged = true;
                break;
            }
        }
    }
    let mut out = model.clone();
    if failed || total == 0.0 || !all_pairs.is_finite() {
        return MEstimate {
            model: out,
            pairs,
            matches: 0.0,
            iterations: history.len(),
            converged: false,
            history,
            compared: model.fields.iter().map(|f| (f.field, 0.0)).collect(),
            estimated: Vec::new(),
        };
    }
    for (f, m) in out.fields.iter_mut().zip(&m) {
        for (l, m) in f.levels.iter_mut().zip(m) {
            l.m = *m;
        }
    }
    out.prior = prior;
    MEstimate {
        model: out,
        pairs,
        matches: prior * all_pairs,
        iterations: history.len(),
        converged,
        history,
        compared: model
            .fields
            .iter()
            .zip(compared)
            .map(|(f, c)| (f.field, c))
            .collect(),
        estimated: model
            .fields
            .iter()
            .zip(estimated)
            .filter(|(_, e)| *e)
            .map(|(f, _)| f.field)
            .collect(),
    }
}

/// Estimates a model from `profiles` and the `comparisons` of their candidate
/// pairs (each compared with [`MatchModel::compare`]), starting from `model`.
///
/// First `u` from random pairs ([`estimate_u`]); then, with at least
/// [`EmOptions::min_pairs`] comparisons, `m` and the prior by EM over the
/// distinct patterns of the comparisons ([`estimate_m`]). The prior is the
/// share of matches among all the pairs the profiles make: the expected
/// matches among the candidate pairs over `n(n-1)/2`.
///
/// The result keeps `model`'s fields, levels, vetoes, veto lifters and
/// thresholds. With too few data it is `model` itself, or `model` with only
/// `u` estimated; [`Estimate::estimated`], [`Estimate::u`] and
/// [`Estimate::m`] tell which.
pub fn estimate(
    profiles: &[Profile],
    comparisons: &[Comparison],
    model: &MatchModel,
    options: &EmOptions,
) -> Estimate {
    let patterns = Patterns::from_comparisons(comparisons);
    estimate_with(profiles.len(), &patterns, model, options, &mut |pairs| {
        compare_sample(profiles, model, pairs)
    })
}

/// [`estimate`] over `records` records, from the candidate pairs'
/// comparisons counted as patterns, with [`estimate_u`]'s sample compared by
/// `compare_all` (see [`estimate_u_with`]).
pub(crate) fn estimate_with(
    records: usize,
    patterns: &Patterns,
    model: &MatchModel,
    options: &EmOptions,
    compare_all: CompareAll<'_>,
) -> Estimate {
    let u = estimate_u_with(records, model, options, compare_all);
    let u_summary = UEstimateSummary {
        sampled_pairs: u.sampled_pairs,
        estimated: u.estimated,
    };
    let n = records as f64;
    let all_pairs = n * (n - 1.0) / 2.0;
    let candidates = patterns.pairs() as f64;
    if patterns.pairs() < options.min_pairs.max(1) as u64 || all_pairs < candidates {
        return Estimate {
            model: u.model,
            u: u_summary,
            m: None,
        };
    }
    let start = u.model;
    let m = estimate_m(patterns, all_pairs, &start, options);
    if m.estimated.is_empty() {
        // The EM failed or learned nothing: the starting m and prior.
        return Estimate {
            model: start,
            u: u_summary,
            m: None,
        };
    }
    Estimate {
        model: m.model,
        u: u_summary,
        m: Some(MEstimateSummary {
            pairs: m.pairs,
            patterns: patterns.len(),
            matches: m.matches,
            iterations: m.iterations,
            converged: m.converged,
            history: m.history,
            estimated: m.estimated,
        }),
    }
}

/// The match weight of a comparison under `model`, without the prior or term
/// frequencies.
fn weight(model: &MatchModel, c: &Comparison) -> f64 {
    model
        .fields
        .iter()
        .filter_map(|f| Some(f.levels[c.level(f.field)? as usize].weight()))
        .sum()
}

/// `log2(p / (1 - p))`.
fn log_odds(p: f64) -> f64 {
    (p / (1.0 - p)).log2()
}

/// The probabilities of a field's levels from `counts`, as if `pseudo` more
/// observations had followed `start`; each kept within `floor` of 0 and 1, and
/// the whole summing to one.
fn blend(counts: &[f64], start: &[f64], pseudo: f64, floor: f64) -> Vec<f64> {
    let total: f64 = counts.iter().sum::<f64>() + pseudo;
    let start_total: f64 = start.iter().sum();
    let mut p: Vec<f64> = counts
        .iter()
        .zip(start)
        .map(|(c, s)| {
            let v = (c + pseudo * s / start_total.max(f64::MIN_POSITIVE)) / total;
            if v.is_finite() {
                v.clamp(floor, 1.0 - floor)
            } else {
                floor
            }
        })
        .collect();
    let sum: f64 = p.iter().sum();
    p.iter_mut().for_each(|v| *v /= sum);
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consolidation::matching::model::LevelParams;

    /// The true parameters of the synthetic data: `m` and `u` per level of
    /// four fields.
    fn truth() -> Vec<(Field, Vec<f64>, Vec<f64>)> {
        vec![
            (
                Field::GivenName,
                vec![0.80, 0.05, 0.08, 0.02, 0.05],
                vec![0.01, 0.005, 0.01, 0.02, 0.955],
            ),
            (
                Field::Surname,
                vec![0.75, 0.02, 0.08, 0.08, 0.02, 0.05],
                vec![0.005, 0.001, 0.02, 0.01, 0.01, 0.954],
            ),
            (
                Field::BirthDate,
                vec![0.85, 0.02, 0.06, 0.02, 0.05],
                vec![0.001, 0.0005, 0.005, 0.02, 0.9735],
            ),
            (
                Field::NationalId,
                vec![0.80, 0.08, 0.02, 0.05, 0.05],
                vec![0.0005, 0.001, 0.002, 0.3, 0.6965],
            ),
        ]
    }

    /// The default model reduced to the four fields, with the true `u`.
    fn model() -> MatchModel {
        let mut model = MatchModel::default();
        let truth = truth();
        model
            .fields
            .retain(|f| truth.iter().any(|(t, _, _)| *t == f.field));
        for f in &mut model.fields {
            let (_, _, u) = truth.iter().find(|(t, _, _)| *t == f.field).unwrap();
            for (l, u) in f.levels.iter_mut().zip(u) {
                l.u = *u;
            }
        }
        model
    }

    /// The expected counts of the patterns of `pairs` pairs of which a share
    /// `lambda` match; `missing` of the pairs lack the national id. With
    /// `blocked`, only the non-matches that agree exactly on a field are kept
    /// (as a blocking would), every match is.
    fn mixture(pairs: f64, lambda: f64, missing: f64, blocked: bool) -> Patterns {
        let truth = truth();
        let mut out: Vec<(Comparison, u64)> = Vec::new();
        // Every combination of levels (or a missing id), with its m and u.
        let mut combos: Vec<(Vec<Option<u8>>, f64, f64)> = vec![(Vec::new(), 1.0, 1.0)];
        for (f, m, u) in &truth {
            let keep = if *f == Field::NationalId {
                1.0 - missing
            } else {
                1.0
            };
            let mut next = Vec::new();
            for (levels, pm, pu) in &combos {
                for l in 0..m.len() {
                    let mut v = levels.clone();
                    v.push(Some(l as u8));
                    next.push((v, pm * m[l] * keep, pu * u[l] * keep));
                }
                if *f == Field::NationalId && missing > 0.0 {
                    let mut v = levels.clone();
                    v.push(None);
                    next.push((v, pm * missing, pu * missing));
                }
            }
            combos = next;
        }
        for (levels, pm, pu) in combos {
            let mut c = Comparison::default();
            for ((f, _, _), l) in truth.iter().zip(&levels) {
                c.levels[f.index()] = *l;
            }
            let kept = !blocked || levels.contains(&Some(0));
            let non = if kept { (1.0 - lambda) * pu } else { 0.0 };
            out.push((c, (pairs * (lambda * pm + non)).round() as u64));
        }
        Patterns::from_counts(out)
    }

    fn exact_options() -> EmOptions {
        EmOptions {
            m_pseudo_pairs: 0.0,
            min_matches: 0.0,
            tolerance: 1e-9,
            max_iterations: 2_000,
            ..EmOptions::default()
        }
    }

    fn assert_recovers(e: &MEstimate, lambda: f64) {
        assert!(e.converged, "{} iterations", e.iterations);
        assert!(
            (e.model.prior - lambda).abs() < 2e-3,
            "prior {}",
            e.model.prior
        );
        for (field, m, _) in truth() {
            let got = e.model.field(field).unwrap();
            for (level, (l, m)) in got.levels.iter().zip(&m).enumerate() {
                assert!(
                    (l.m - m).abs() < 5e-3,
                    "{field:?} level {level}: m {} for {m}",
                    l.m
                );
            }
        }
    }

    #[test]
    fn em_recovers_known_m_and_share() {
        let pairs = 1e9;
        let patterns = mixture(pairs, 0.2, 0.0, false);
        // The default m as the start: far from the truth.
        let e = estimate_m(
            &patterns,
            patterns.pairs() as f64,
            &model(),
            &exact_options(),
        );
        assert_recovers(&e, 0.2);
        // The log-likelihood never falls.
        for w in e.history.windows(2) {
            assert!(w[1].log_likelihood >= w[0].log_likelihood - 1e-6 * w[0].log_likelihood.abs());
        }
        assert_eq!(e.estimated.len(), 4);
    }

    #[test]
    fn em_recovers_with_missing_values() {
        let patterns = mixture(1e9, 0.05, 0.3, false);
        let e = estimate_m(
            &patterns,
            patterns.pairs() as f64,
            &model(),
            &exact_options(),
        );
        assert_recovers(&e, 0.05);
    }

    #[test]
    fn em_prior_is_over_all_pairs() {
        // A blocking keeps every match and the few non-matches that agree on
        // a field: the EM on the blocked pairs, told how many pairs there are
        // in all, finds the share of matches among all of them.
        let all = 1e12;
        let patterns = mixture(all, 1e-4, 0.0, true);
        assert!((patterns.pairs() as f64) < all / 50.0);
        let mut start = model();
        start.prior = 1e-6;
        let e = estimate_m(&patterns, all, &start, &exact_options());
        assert!((e.model.prior - 1e-4).abs() < 2e-6, "{}", e.model.prior);
        assert!((e.matches / 1e8 - 1.0).abs() < 0.02, "{}", e.matches);
        assert_recovers(&e, e.model.prior);
    }

    fn finite(model: &MatchModel, floor: f64) {
        assert!(model.prior.is_finite() && model.prior > 0.0 && model.prior <= 0.5);
        for f in &model.fields {
            let (sm, su): (f64, f64) = (
                f.levels.iter().map(|l| l.m).sum(),
                f.levels.iter().map(|l| l.u).sum(),
            );
            assert!(
                (sm - 1.0).abs() < 1e-6 && (su - 1.0).abs() < 1e-3,
                "{:?}",
                f.field
            );
            for l in &f.levels {
                assert!(
                    l.m >= floor * 0.99 && l.m <= 1.0 - floor * 0.99,
                    "{:?} {l:?}",
                    f.field
                );
                assert!(l.weight().is_finite(), "{:?} {l:?}", f.field);
            }
        }
    }

    #[test]
    fn degenerate_patterns_give_finite_estimates() {
        let options = exact_options();
        let start = model();
        // No pattern at all.
        let e = estimate_m(&Patterns::default(), 0.0, &start, &options);
        assert_eq!(e.model, start);
        assert!(!e.converged && e.estimated.is_empty() && e.iterations == 0);
        // One pattern, every pair alike: all exact.
        let mut exact = Comparison::default();
        for (f, _, _) in truth() {
            exact.levels[f.index()] = Some(0);
        }
        for all in [1000.0, 1e12, f64::INFINITY, f64::NAN] {
            let e = estimate_m(
                &Patterns::from_counts([(exact, 1000)]),
                all,
                &start,
                &options,
            );
            finite(&e.model, options.floor);
        }
        // One pattern, all different: no match at all.
        let mut different = Comparison::default();
        for (f, m, _) in truth() {
            different.levels[f.index()] = Some(m.len() as u8 - 1);
        }
        let e = estimate_m(
            &Patterns::from_counts([(different, 5000)]),
            1e8,
            &start,
            &options,
        );
        finite(&e.model, options.floor);
        assert!(e.matches < 1.0, "{}", e.matches);
        // Nothing compared: nothing to estimate m from.
        let e = estimate_m(
            &Patterns::from_counts([(Comparison::default(), 500)]),
            1e6,
            &start,
            &options,
        );
        finite(&e.model, options.floor);
        assert!(e.estimated.is_empty());
        for (f, s) in e.model.fields.iter().zip(&start.fields) {
            assert_eq!(
                f.levels.iter().map(|l| l.m).collect::<Vec<_>>(),
                s.levels.iter().map(|l| l.m).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn few_matches_keep_the_starting_m() {
        // Twenty pairs: below min_matches, every field keeps its m.
        let patterns = mixture(100.0, 0.2, 0.0, false);
        let e = estimate_m(
            &patterns,
            patterns.pairs() as f64,
            &model(),
            &EmOptions::default(),
        );
        assert!(e.estimated.is_empty(), "{:?}", e.estimated);
        for (f, s) in e.model.fields.iter().zip(&model().fields) {
            for (l, s) in f.levels.iter().zip(&s.levels) {
                assert_eq!(l.m, s.m);
            }
        }
    }

    fn profile(birth: &str, given: &str) -> Profile {
        let mut p = Profile {
            birth: Some(birth.into()),
            given: smallvec::smallvec![given.into()],
            given_readings: smallvec::smallvec![given.into()],
            ..Profile::default()
        };
        p.derive();
        p
    }

    /// A thousand profiles, a tenth of them on each of ten birth dates far
    /// apart, every given name different.
    fn profiles() -> Vec<Profile> {
        (0..1000)
            .map(|i| {
                let k = i % 10;
                let birth = format!("{}{:02}{:02}", 1900 + 11 * k, k + 1, 10 + k);
                profile(&birth, &format!("name{i:04}x"))
            })
            .collect()
    }

    #[test]
    fn u_is_the_chance_agreement_of_random_pairs() {
        let mut model = MatchModel::default();
        model.fields.retain(|f| f.field == Field::BirthDate);
        model.prior = 1e-12;
        let options = EmOptions {
            u_pseudo_pairs: 0.0,
            ..EmOptions::default()
        };
        let u = estimate_u(&profiles(), &model, &options);
        assert_eq!(u.sampled_pairs, options.u_sample);
        assert_eq!(u.estimated, vec![Field::BirthDate]);
        // Two records of a thousand share their date with probability 99/999.
        let exact = u.model.field(Field::BirthDate).unwrap().levels[0].u;
        assert!((exact - 99.0 / 999.0).abs() < 0.01, "{exact}");
        // Deterministic for a seed, and the seed matters.
        assert_eq!(estimate_u(&profiles(), &model, &options), u);
        let other = EmOptions { seed: 7, ..options };
        assert_ne!(estimate_u(&profiles(), &model, &other).model, u.model);
    }

    #[test]
    fn u_from_too_few_records_keeps_the_start() {
        let model = MatchModel::default();
        for n in 0..3 {
            let p: Vec<Profile> = profiles().into_iter().take(n).collect();
            let u = estimate_u(&p, &model, &EmOptions::default());
            assert_eq!(u.sampled_pairs, n * n.saturating_sub(1) / 2);
            assert!(u.estimated.is_empty());
            assert_eq!(u.model, model);
        }
    }

    #[test]
    fn estimate_falls_back_with_few_data() {
        let model = MatchModel::default();
        let p = profiles();
        let few: Vec<Comparison> = (0..10).map(|i| model.compare(&p[i], &p[i + 10])).collect();
        let e = estimate(&p, &few, &model, &EmOptions::default());
        assert!(e.m.is_none());
        assert_eq!(e.iterations(), 0);
        assert!(!e.converged());
        assert_eq!(e.model.prior, model.prior);
        // u was estimated (a thousand profiles), the levels and vetoes kept.
        assert!(e.u.estimated.contains(&Field::BirthDate));
        for (f, s) in e.model.fields.iter().zip(&model.fields) {
            assert_eq!((f.field, &f.vetoes), (s.field, &s.vetoes));
            assert_eq!(f.levels.len(), s.levels.len());
        }
        // Nothing at all.
        let e = estimate(&[], &[], &model, &EmOptions::default());
        assert!(!e.estimated());
        assert_eq!(e.model, model);
    }

    #[test]
    fn blend_stays_off_zero_and_one() {
        let p = blend(&[0.0, 1e9, 0.0], &[0.2, 0.5, 0.3], 0.0, 1e-6);
        assert!(p.iter().all(|x| (0.99e-6..1.0).contains(x)));
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let p = blend(&[0.0, 0.0], &[0.0, 0.0], 0.0, 1e-6);
        assert!(p.iter().all(|x| x.is_finite()));
        let _ = LevelParams { m: p[0], u: p[1] }.weight();
    }

    #[test]
    fn sampler_is_uniform_enough_and_fixed() {
        let mut a = SplitMix64(42);
        let mut b = SplitMix64(42);
        let mut seen = [0u32; 10];
        for _ in 0..10_000 {
            let x = a.below(10);
            assert_eq!(x, b.below(10));
            seen[x as usize] += 1;
        }
        assert!(seen.iter().all(|&n| (850..1150).contains(&n)), "{seen:?}");
    }
}
