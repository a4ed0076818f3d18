//! Clustering scored pairs into customers, with a safeguard against chaining.
//!
//! Pairs decided `merge` are joined strongest first. Two groups are joined only
//! if no pair of records between them is vetoed (a different birth date, given
//! name or identifier, see [`MatchModel`]): a duplicate that looks a little like
//! someone else's record does not pull that someone into its customer through one
//! bad link (the chaining that joins a whole household in single-linkage
//! clustering). A join refused this way becomes a review pair.
//!
//! One exception: a veto between two records is no objection when the value it
//! objects to is already in the other group. A group that holds `Jack` and, by
//! an identifier that lifted the veto, `Isabella` (one record typed with a wrong
//! given name) can take another `Jack` record though it differs from
//! `Isabella`: the variation is one the group already accepted. The value must
//! be there, compared and agreeing (not a veto level), not merely missing.

use super::compare::Field;
use super::model::{Comparison, Decision, MatchModel, TermFrequencies};
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
        let compatible = joinable(
            &members[ga as usize],
            &members[gb as usize],
            profiles,
            model,
        );
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

/// Whether groups `a` and `b` (record indexes) can be joined: every pair of
/// records between them is either not vetoed or, field by field, its veto is
/// bridged (the vetoed value agrees with another record of the other group).
fn joinable(a: &[u32], b: &[u32], profiles: &[Profile], model: &MatchModel) -> bool {
    let of = |g: &[u32]| g.iter().map(|&i| &profiles[i as usize]).collect::<Vec<_>>();
    groups_joinable(&of(a), &of(b), model, false)
}

/// Whether groups `a` and `b` can be joined: every pair of records between
/// them is either not vetoed or, field by field, its veto is bridged: another
/// record of one side agrees with the other side on the field. With
/// `through_accepted` (the point of entry, where records arrive in the host's
/// order rather than strongest first) a veto is also bridged by a record of
/// the other side that this one would join (no veto stands between them) and
/// that agrees on the field: see the registry's `join`.
pub(crate) fn groups_joinable(
    a: &[&Profile],
    b: &[&Profile],
    model: &MatchModel,
    through_accepted: bool,
) -> bool {
    if a.len() == 1 && b.len() == 1 {
        return !model.vetoed(&model.compare(a[0], b[0]));
    }
    let cross: Vec<Comparison> = a
        .iter()
        .flat_map(|x| b.iter().map(move |y| model.compare(x, y)))
        .collect();
    let at = |i: usize, j: usize| &cross[i * b.len() + j];
    let agrees = |c: &Comparison, field: Field| {
        c.level(field)
            .is_some_and(|l| model.field(field).is_some_and(|p| !p.vetoes.contains(&l)))
    };
    for i in 0..a.len() {
        for j in 0..b.len() {
            let c = at(i, j);
            if !model.vetoed(c) {
                continue;
            }
            for (field, level) in c.fields() {
                let veto = model
                    .field(field)
                    .is_some_and(|p| p.vetoes.contains(&level));
                if !veto {
                    continue;
                }
                let bridged = (0..a.len()).any(|i2| i2 != i && agrees(at(i2, j), field))
                    || (0..b.len()).any(|j2| j2 != j && agrees(at(i, j2), field))
                    || through_accepted
                        && (0..b.len()).any(|j2| {
                            j2 != j
                                && !model.vetoed(at(i, j2))
                                && agrees(&model.compare(b[j2], b[j]), field)
                        })
                    || through_accepted
                        && (0..a.len()).any(|i2| {
                            i2 != i
                                && !model.vetoed(at(i2, j))
                                && agrees(&model.compare(a[i2], a[i]), field)
                        });
                if !bridged {
                    return false;
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(given: &str, birth: Option<&str>, id: &str, valid: bool) -> Profile {
        let mut p = Profile {
            given: smallvec::smallvec![given.into()],
            given_readings: smallvec::smallvec![given.into()],
            surnames: smallvec::smallvec!["maier".into()],
            birth: birth.map(Into::into),
            national_id: Some(id.into()),
            national_id_valid: valid,
            street: Some("curtis".into()),
            number: Some("207".into()),
            ..Profile::default()
        };
        p.derive();
        p
    }

    fn merge(a: u32, b: u32, weight: f64) -> ScoredPair {
        ScoredPair {
            a,
            b,
            weight,
            decision: Decision::Merge,
        }
    }

    #[test]
    fn a_veto_on_a_value_the_group_holds_is_bridged() {
        let model = MatchModel::default();
        let profiles = [
            person("jack", Some("19630227"), "9021684", false),
            // The same person typed with a wrong given name: the identifier
            // lifts the veto.
            person("isabella", Some("19630227"), "9021684", false),
            // And with a mistyped identifier: vetoed against `isabella`, but
            // its given name is the group's `jack`.
            person("jack", Some("19630227"), "3288185", false),
        ];
        let pairs = [merge(0, 1, 50.0), merge(0, 2, 40.0)];
        let c = cluster(&profiles, &pairs, &model, None);
        assert_eq!(c.leader, vec![0, 0, 0]);
        assert!(c.review.is_empty());
    }

    #[test]
    fn a_missing_value_does_not_bridge() {
        let model = MatchModel::default();
        let profiles = [
            person("john", Some("19600101"), "20111222", true),
            // No birth date: it could be either.
            person("john", None, "20111222", true),
            // The son, named after his father (an identifier that does not
            // validate: no veto).
            person("john", Some("19881230"), "38444555", false),
        ];
        assert!(!model.vetoed(&model.compare(&profiles[1], &profiles[2])));
        let pairs = [merge(0, 1, 50.0), merge(1, 2, 40.0)];
        let c = cluster(&profiles, &pairs, &model, None);
        assert_eq!(c.leader, vec![0, 0, 2]);
        assert_eq!(c.review, vec![(1, 2, ReviewReason::Chaining)]);
    }
}
