//! Scoring a grouping of records against the truth, pair by pair.

use hashbrown::HashMap;

/// Pairwise agreement between a grouping and the truth: of the pairs of
/// records grouped together, how many belong to one person.
///
/// A pair is two records; it is *true* when both records belong to one
/// person, and *found* when the grouping puts them together.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PairCounts {
    /// Pairs of records of one person.
    pub true_pairs: u64,
    /// Pairs of records grouped together.
    pub found_pairs: u64,
    /// Pairs both true and found.
    pub correct_pairs: u64,
}

impl PairCounts {
    /// The share of found pairs that are true (1 when none were found).
    pub fn precision(&self) -> f64 {
        if self.found_pairs == 0 {
            1.0
        } else {
            self.correct_pairs as f64 / self.found_pairs as f64
        }
    }

    /// The share of true pairs that were found (1 when there are none).
    pub fn recall(&self) -> f64 {
        if self.true_pairs == 0 {
            1.0
        } else {
            self.correct_pairs as f64 / self.true_pairs as f64
        }
    }

    /// The harmonic mean of precision and recall (0 when both are 0).
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Counts the pairs of records that `truth` and `found` put together, and
/// those both do. Labels are arbitrary: two records are together when they
/// have the same label. Runs in linear time, without listing pairs.
///
/// ```
/// use ciclo::synthetic::pair_counts;
///
/// // Records 0, 1, 2 are one person; 3 another. The grouping found 0-1 and
/// // wrongly joined 2 with 3.
/// let c = pair_counts(&[0, 0, 0, 1], &[5, 5, 7, 7]);
/// assert_eq!((c.true_pairs, c.found_pairs, c.correct_pairs), (3, 2, 1));
/// assert_eq!(c.precision(), 0.5);
/// ```
///
/// # Panics
///
/// When `truth` and `found` differ in length.
pub fn pair_counts(truth: &[u32], found: &[u32]) -> PairCounts {
    assert_eq!(
        truth.len(),
        found.len(),
        "one label per record in the truth and the grouping"
    );
    let pairs = |n: u64| n * n.saturating_sub(1) / 2;
    type Map<K> = HashMap<K, u64, foldhash::fast::FixedState>;
    let mut t: Map<u32> = Map::default();
    let mut f: Map<u32> = Map::default();
    let mut both: Map<(u32, u32)> = Map::default();
    for (&a, &b) in truth.iter().zip(found) {
        *t.entry(a).or_default() += 1;
        *f.entry(b).or_default() += 1;
        *both.entry((a, b)).or_default() += 1;
    }
    PairCounts {
        true_pairs: t.values().map(|&n| pairs(n)).sum(),
        found_pairs: f.values().map(|&n| pairs(n)).sum(),
        correct_pairs: both.values().map(|&n| pairs(n)).sum(),
    }
}
