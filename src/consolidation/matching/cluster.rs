//! Clustering scored pairs into customers, with a safeguard against chaining.
//!
//! Pairs decided `merge` are joined strongest first. Two groups are joined only
//! if no pair of records between them is vetoed (a different birth date, given
//! name or identifier, see [`MatchModel`]): a duplicate that looks a little like
//! someone else's record does not pull that someone into its customer through one
//! bad link (the chaining that joins a whole household in single-linkage
//! clustering). A join refused this way becomes a review pair.

use super::model::{Decision, MatchModel, TermFrequencies};
use super::profile::Profile;

/// A scored candidate pair: record indexes `a < b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoredPair {
    /// The first record.
    pub a: u32,
    /// The second record.
    pub b: u32,
    /// The match weight, in bits.
    pub weight: f64,
    /// The model's decision for the pair alone.
    pub decision: Decision,
}

/// Why a pair went to review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewReason {
    /// The match probability is between the review and merge thresholds.
    Uncertain,
    /// The probability would merge, but a field vetoes it (for example a
    /// different birth date at the same address).
    Vetoed,
    /// The pair would merge, but joining the two groups would link records that
    /// do not match each other.
    Chaining,
}

impl ReviewReason {
    /// `uncertain`, `vetoed` or `chaining`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewReason::Uncertain => "uncertain",
            ReviewReason::Vetoed => "vetoed",
            ReviewReason::Chaining => "chaining",
        }
    }
}

/// Groups of records: for each record, the index of its group's first record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clusters {
    /// Per record, the smallest record index of its group.
    pub leader: Vec<u32>,
    /// The pairs that joined groups.
    pub merged: Vec<(u32, u32)>,
    /// The pairs left to a data steward, with why.
    pub review: Vec<(u32, u32, ReviewReason)>,
}

impl Clusters {
    /// How many groups.
    pub fn count(&self) -> usize {
        self.leader
            .iter()
            .enumerate()
            .filter(|(i, l)| *i as u32 == **l)
            .count()
    }
}

/// Clusters `n` records from their scored pairs. Deterministic: the result depends
/// only on the pairs, not on their order.
pub fn cluster(
    profiles: &[Profile],
    pairs: &[ScoredPair],
    model: &MatchModel,
    tf: Option<&TermFrequencies>,
) -> Clusters {
    let n = profiles.len();
    let mut members: Vec<Vec<u32>> = (0..n as u32).map(|i| vec![i]).collect();
    let mut group: Vec<u32> = (0..n as u32).collect();
    let mut merged = Vec::new();
    let mut review = Vec::new();

    let mut order: Vec<&ScoredPair> = pairs.iter().collect();
    order.sort_by(|x, y| {
        y.weight
            .total_cmp(&x.weight)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    for pair in order {
        match pair.decision {
            Decision::Distinct => continue,
            Decision::Review => {
                let score = model.score(&profiles[pair.a as usize], &profiles[pair.b as usize], tf);
                let reason = if score.vetoed() {
                    ReviewReason::Vetoed
                } else {
                    ReviewReason::Uncertain
                };
                review.push((pair.a, pair.b, reason));
                continue;
            }
            Decision::Merge => {}
        }
        let (ga, gb) = (group[pair.a as usize], group[pair.b as usize]);
        if ga == gb {
            continue;
        }
        let compatible = members[ga as usize].iter().all(|&x| {
            members[gb as usize].iter().all(|&y| {
                !model
                    .score(&profiles[x as usize], &profiles[y as usize], tf)
                    .vetoed()
            })
        });
        if !compatible {
            review.push((pair.a, pair.b, ReviewReason::Chaining));
            continue;
        }
        // The smaller group joins the larger; the group keeps the smaller id.
        let (keep, gone) = if ga < gb { (ga, gb) } else { (gb, ga) };
        let moved = std::mem::take(&mut members[gone as usize]);
        for &m in &moved {
            group[m as usize] = keep;
        }
        members[keep as usize].extend(moved);
        merged.push((pair.a, pair.b));
    }
    // Leaders: the smallest index of each group.
    let mut leader = vec![0u32; n];
    for list in members.iter().filter(|m| !m.is_empty()) {
        let min = *list.iter().min().expect("non-empty");
        for &m in list {
            leader[m as usize] = min;
        }
    }
    review.sort_by_key(|&(a, b, _)| (a, b));
    review.retain(|&(a, b, _)| leader[a as usize] != leader[b as usize]);
    Clusters {
        leader,
        merged,
        review,
    }
}
