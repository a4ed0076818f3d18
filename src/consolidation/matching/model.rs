//! [`MatchModel`]: Fellegi-Sunter scoring of a pair of profiles, with an
//! explanation of every score.
//!
//! For each field, each comparison level has two probabilities: `m`, that the
//! level is seen when the two records are the same person, and `u`, when they are
//! not. A level adds `log2(m / u)` to the pair's match weight (positive evidence
//! for a match, negative against); a missing value adds nothing. The weights start
//! from the prior, `log2(λ / (1 - λ))` for the probability λ that two records
//! drawn at random are the same person (the scale on which `u` is measured), and
//! the total is the posterior log-odds: the match probability is
//! `2^w / (1 + 2^w)`.
//!
//! **Estimation.** The default parameters work without training;
//! [`estimate`](super::estimate) fits `m`, `u` and λ to the host's own records,
//! without labels.
//!
//! **Term frequencies.** An exact match on a common value is weaker evidence than
//! on a rare one: two `García` are more often two people than two `Iturralde`. When
//! the model is given the data's [`TermFrequencies`], the `u` of an exact given
//! name or surname is the share of records with that value instead of the field's
//! average.
//!
//! **Vetoes.** Fellegi-Sunter adds fields as if they were independent. People who
//! share a home share a surname, an address, a landline and sometimes an email,
//! and those fields together can outweigh a different given name, birth date and
//! identifier. A veto level (by default: identifiers that both validate and
//! differ, birth dates that differ beyond a typo, given names that are not the
//! same name) keeps such a pair from being merged automatically whatever its
//! weight; it is sent to review instead when its weight would have merged it
//! (twins look so: everything alike but the given name). A pair two fields veto
//! (a household member, a parent and child: another given name and birth date)
//! is distinct. An identifier that agrees, exactly or with one typo, lifts the
//! vetoes: a date or a name typed wrong beside the person's own number.

use std::collections::HashMap;

use super::compare::{Field, FIELDS};
use super::profile::Profile;

/// `m` and `u` of one comparison level.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LevelParams {
    /// Probability of the level among true matches.
    pub m: f64,
    /// Probability of the level among non-matches.
    pub u: f64,
}

impl LevelParams {
    /// `log2(m / u)`.
    pub fn weight(&self) -> f64 {
        (self.m / self.u).log2()
    }
}

/// The parameters of one field: one [`LevelParams`] per level of
/// [`Field::levels`], and the levels that veto an automatic merge.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldParams {
    /// The field.
    pub field: Field,
    /// Per level, in the order of [`Field::levels`].
    pub levels: Vec<LevelParams>,
    /// Levels that keep a pair from being merged automatically.
    pub vetoes: Vec<u8>,
}

/// Frequencies of given names and surnames in the host's data, for the
/// term-frequency adjustment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TermFrequencies {
    given: HashMap<String, f64>,
    surname: HashMap<String, f64>,
}

impl TermFrequencies {
    /// Counts the values of `profiles`.
    pub fn from_profiles<'a>(profiles: impl IntoIterator<Item = &'a Profile>) -> TermFrequencies {
        let mut given: HashMap<String, f64> = HashMap::new();
        let mut surname: HashMap<String, f64> = HashMap::new();
        let (mut ng, mut ns) = (0.0, 0.0);
        for p in profiles {
            if !p.given.is_empty() {
                *given.entry(p.derived.given_joined.to_string()).or_default() += 1.0;
                ng += 1.0;
            }
            if !p.surnames.is_empty() {
                *surname
                    .entry(p.derived.surnames_joined.to_string())
                    .or_default() += 1.0;
                ns += 1.0;
            }
        }
        given.values_mut().for_each(|v| *v /= ng);
        surname.values_mut().for_each(|v| *v /= ns);
        TermFrequencies { given, surname }
    }

    /// The share of records whose given names are `key` (folded words joined by
    /// spaces).
    pub fn given(&self, key: &str) -> Option<f64> {
        self.given.get(key).copied()
    }

    /// The share of records whose surnames are `key`.
    pub fn surname(&self, key: &str) -> Option<f64> {
        self.surname.get(key).copied()
    }
}

/// The Fellegi-Sunter model: per-field parameters, the prior, and the two
/// decision thresholds.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchModel {
    /// One entry per compared field.
    pub fields: Vec<FieldParams>,
    /// λ: the probability that two records drawn at random are a match (on the
    /// scale of `u`, which is measured on such pairs).
    pub prior: f64,
    /// Match probability from which a pair is merged automatically.
    pub merge_threshold: f64,
    /// Match probability from which a pair goes to clerical review.
    pub review_threshold: f64,
    /// Levels that lift every veto when seen (by default the national
    /// identifier's `exact` and `one_typo`).
    pub veto_lifters: Vec<(Field, u8)>,
}

/// What one field added to a score.
#[derive(Clone, Debug, PartialEq)]
pub struct Contribution {
    /// The field.
    pub field: Field,
    /// The level seen (`exact`, `fuzzy`, ...).
    pub level: &'static str,
    /// The weight it added, in bits (`log2(m / u)`, term-frequency adjusted).
    pub weight: f64,
    /// Whether this level vetoes an automatic merge.
    pub veto: bool,
}

/// The score of a pair, with its explanation: a waterfall from the prior through
/// each field's weight to the total.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// The prior's weight, `log2(λ / (1 - λ))`.
    pub prior_weight: f64,
    /// Prior plus every contribution: the posterior log-odds of a match, in bits.
    pub weight: f64,
    /// `2^weight / (1 + 2^weight)`.
    pub probability: f64,
    /// One entry per field both records have, in [`FIELDS`] order.
    pub contributions: Vec<Contribution>,
    /// Whether given names and surnames were compared crosswise (one record
    /// has them swapped).
    pub names_swapped: bool,
    /// The level that lifted the vetoes, if one did (`national_id`, `exact`).
    pub veto_lifted_by: Option<(Field, &'static str)>,
}

impl Score {
    /// Whether a contribution vetoes an automatic merge (and no veto lifter
    /// lifted it).
    pub fn vetoed(&self) -> bool {
        self.vetoes() > 0
    }

    /// How many fields veto an automatic merge: 0 when a veto lifter lifted
    /// them.
    pub fn vetoes(&self) -> usize {
        if self.veto_lifted_by.is_some() {
            0
        } else {
            self.contributions.iter().filter(|c| c.veto).count()
        }
    }

    /// The comparison level of `field`, if both records had it.
    pub fn level(&self, field: Field) -> Option<&'static str> {
        self.contributions
            .iter()
            .find(|c| c.field == field)
            .map(|c| c.level)
    }
}

/// How alike two profiles are, field by field: the comparison vector of a pair,
/// from [`MatchModel::compare`].
///
/// It holds levels only, no weights: the same comparison can be scored by
/// several models ([`MatchModel::score_comparison`]), and counted to estimate a
/// model's parameters ([`estimate`](super::estimate)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Comparison {
    /// Per field, in [`FIELDS`] order, the index of the level seen in
    /// [`Field::levels`], or `None` when either record lacks the field (or the
    /// model does not compare it).
    pub levels: [Option<u8>; FIELDS.len()],
    /// Whether given names and surnames were compared crosswise.
    pub names_swapped: bool,
}

impl Comparison {
    /// The level of `field`, if it was compared.
    pub fn level(&self, field: Field) -> Option<u8> {
        self.levels[field.index()]
    }

    /// The fields compared, with their levels, in [`FIELDS`] order.
    pub fn fields(&self) -> impl Iterator<Item = (Field, u8)> + '_ {
        FIELDS
            .iter()
            .zip(&self.levels)
            .filter_map(|(f, l)| Some((*f, (*l)?)))
    }
}

/// What to do with a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Same customer: merge.
    Merge,
    /// Possibly the same customer: a data steward decides.
    Review,
    /// Different customers.
    Distinct,
}

impl Decision {
    /// `merge`, `review` or `distinct`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Merge => "merge",
            Decision::Review => "review",
            Decision::Distinct => "distinct",
        }
    }
}

impl Default for MatchModel {
    /// Parameters that work without training on customer data of Spanish-speaking
    /// countries (and on FEBRL's Australian records): `m` from the kinds of error
    /// typed records carry, `u` from how often unrelated people agree by chance.
    fn default() -> MatchModel {
        let p = |m: f64, u: f64| LevelParams { m, u };
        let field = |field: Field, levels: Vec<LevelParams>, vetoes: &[&str]| {
            debug_assert_eq!(levels.len(), field.levels().len());
            FieldParams {
                field,
                levels,
                vetoes: vetoes
                    .iter()
                    .map(|v| field.level_index(v).expect("a level of the field"))
                    .collect(),
            }
        };
        MatchModel {
            fields: vec![
                field(
                    Field::GivenName,
                    vec![
                        p(0.86, 0.01),
                        p(0.05, 0.002),
                        p(0.05, 0.004),
                        p(0.02, 0.03),
                        p(0.02, 0.954),
                    ],
                    &["different"],
                ),
                field(
                    Field::Surname,
                    vec![
                        p(0.80, 0.004),
                        p(0.03, 0.0004),
                        p(0.08, 0.02),
                        p(0.05, 0.003),
                        p(0.01, 0.006),
                        p(0.03, 0.9666),
                    ],
                    &[],
                ),
                field(
                    Field::BirthDate,
                    vec![
                        p(0.90, 0.0005),
                        p(0.02, 0.0001),
                        p(0.05, 0.004),
                        p(0.02, 0.02),
                        p(0.01, 0.9754),
                    ],
                    &["different"],
                ),
                field(
                    Field::NationalId,
                    vec![
                        p(0.89, 0.0001),
                        p(0.07, 0.0002),
                        p(0.01, 0.0001),
                        p(0.02, 0.3),
                        p(0.01, 0.6996),
                    ],
                    &["different"],
                ),
                field(
                    Field::Email,
                    vec![
                        p(0.75, 0.001),
                        p(0.05, 0.0005),
                        p(0.05, 0.001),
                        p(0.15, 0.9975),
                    ],
                    &[],
                ),
                field(
                    Field::Phone,
                    vec![p(0.70, 0.001), p(0.05, 0.001), p(0.25, 0.998)],
                    &[],
                ),
                field(
                    Field::Street,
                    vec![
                        p(0.75, 0.001),
                        p(0.10, 0.001),
                        p(0.05, 0.005),
                        p(0.10, 0.993),
                    ],
                    &[],
                ),
                field(
                    Field::Area,
                    vec![
                        p(0.80, 0.005),
                        p(0.05, 0.01),
                        p(0.05, 0.02),
                        p(0.05, 0.02),
                        p(0.05, 0.945),
                    ],
                    &[],
                ),
                field(
                    Field::Company,
                    vec![p(0.85, 0.01), p(0.10, 0.01), p(0.05, 0.98)],
                    &[],
                ),
            ],
            prior: 1e-4,
            merge_threshold: 0.99,
            review_threshold: 0.5,
            veto_lifters: vec![(Field::NationalId, 0), (Field::NationalId, 1)],
        }
    }
}

impl MatchModel {
    /// The parameters of `field`.
    pub fn field(&self, field: Field) -> Option<&FieldParams> {
        self.fields.iter().find(|f| f.field == field)
    }

    /// Compares a pair field by field: the comparison vector that
    /// [`MatchModel::score_comparison`] weighs and that
    /// [`estimate`](super::estimate) counts.
    ///
    /// Names are compared straight and crosswise (given names against
    /// surnames), and the reading this model weighs higher is kept (crosswise
    /// only when it is better by more than a bit): a record typed with the two
    /// swapped is still the same person. Fields the model has no parameters
    /// for are not compared.
    pub fn compare(&self, a: &Profile, b: &Profile) -> Comparison {
        self.compare_with(a, b, None, true)
    }

    /// [`MatchModel::compare`] with names read straight only: for pairs drawn at
    /// random, where the crosswise reading is almost never the better one and
    /// would double the cost of the names.
    pub(crate) fn compare_straight(&self, a: &Profile, b: &Profile) -> Comparison {
        self.compare_with(a, b, None, false)
    }

    /// [`MatchModel::compare`], the names' reading chosen with the term
    /// frequencies.
    fn compare_with(
        &self,
        a: &Profile,
        b: &Profile,
        tf: Option<&TermFrequencies>,
        cross: bool,
    ) -> Comparison {
        use super::compare::{given_names, surnames, Names};
        let mut c = Comparison::default();
        let (gi, si) = (Field::GivenName.index(), Field::Surname.index());
        if let (Some(g), Some(s)) = (self.field(Field::GivenName), self.field(Field::Surname)) {
            let x = Names::straight(a);
            let straight = Names::straight(b);
            let (sg, ss) = (given_names(&x, &straight), surnames(&x, &straight));
            c.levels[gi] = sg;
            c.levels[si] = ss;
            // Both names already exact: the crosswise reading cannot do better.
            if cross && !(sg == Some(0) && ss == Some(0)) && cross_possible(a, b) {
                let crossed = Names::crossed(b);
                let (cg, cs) = (given_names(&x, &crossed), surnames(&x, &crossed));
                let sum = |gl: Option<u8>, sl: Option<u8>| {
                    let gw = gl.map_or(0.0, |l| name_weight(g, l, a, tf, true));
                    let sw = sl.map_or(0.0, |l| name_weight(s, l, a, tf, false));
                    gw + sw
                };
                if sum(cg, cs) > sum(sg, ss) + 1.0 {
                    c.levels[gi] = cg;
                    c.levels[si] = cs;
                    c.names_swapped = true;
                }
            }
        }
        // Shifted fields: one record has no surname and its given name is the
        // other's surname (`Smith` typed in the given-name field). The given
        // names are then unknown, not different.
        if cross && c.levels[gi].is_some_and(|l| l >= 3) && c.levels[si].is_none() {
            if let Some((x, y)) = shifted(a, b) {
                let level = surnames(&Names::crossed(x), &Names::straight(y));
                if level.is_some_and(|l| l <= 3) {
                    c.levels[gi] = None;
                    c.levels[si] = level;
                    c.names_swapped = true;
                }
            }
        }
        for params in &self.fields {
            if matches!(params.field, Field::GivenName | Field::Surname) {
                continue;
            }
            c.levels[params.field.index()] = params.field.compare(a, b);
        }
        c
    }

    /// Scores a pair, with the weight of every field: [`MatchModel::compare`]
    /// then [`MatchModel::score_comparison`], the names' reading chosen with the
    /// term frequencies.
    pub fn score(&self, a: &Profile, b: &Profile, tf: Option<&TermFrequencies>) -> Score {
        self.score_comparison(&self.compare_with(a, b, tf, true), a, tf)
    }

    /// Scores a comparison of `a` with another record. `a` is read only for the
    /// term frequencies of its names (when the names are exact, the other
    /// record's are the same).
    pub fn score_comparison(
        &self,
        comparison: &Comparison,
        a: &Profile,
        tf: Option<&TermFrequencies>,
    ) -> Score {
        let prior_weight = (self.prior / (1.0 - self.prior)).log2();
        let mut contributions = Vec::with_capacity(FIELDS.len());
        for (field, level) in comparison.fields() {
            let Some(params) = self.field(field) else {
                continue;
            };
            let tf_u = match (field, level) {
                (Field::GivenName, 0) => tf.and_then(|t| t.given(&a.derived.given_joined)),
                (Field::Surname, 0) => tf.and_then(|t| t.surname(&a.derived.surnames_joined)),
                _ => None,
            };
            contributions.push(contribution(params, level, tf_u));
        }
        let weight = prior_weight + contributions.iter().map(|c| c.weight).sum::<f64>();
        let veto_lifted_by = contributions.iter().find_map(|c| {
            let level = c.field.level_index(c.level)?;
            self.veto_lifters
                .contains(&(c.field, level))
                .then_some((c.field, c.level))
        });
        Score {
            prior_weight,
            weight,
            probability: probability(weight),
            contributions,
            names_swapped: comparison.names_swapped,
            veto_lifted_by,
        }
    }

    /// Whether a comparison vetoes an automatic merge: it has a veto level and
    /// no veto lifter. The same as [`Score::vetoed`], without the weights.
    pub fn vetoed(&self, comparison: &Comparison) -> bool {
        self.vetoes(comparison) > 0
    }

    /// How many fields of a comparison veto an automatic merge, after the
    /// lifters: the same as [`Score::vetoes`], without the weights.
    pub fn vetoes(&self, comparison: &Comparison) -> usize {
        let (mut vetoes, mut lifted) = (0, false);
        for (field, level) in comparison.fields() {
            lifted |= self.veto_lifters.contains(&(field, level));
            if self.field(field).is_some_and(|p| p.vetoes.contains(&level)) {
                vetoes += 1;
            }
        }
        if lifted {
            0
        } else {
            vetoes
        }
    }

    /// The decision for a score: merge, review or distinct.
    ///
    /// - A pair one field vetoes (twins: everything alike but the given
    ///   name) is never merged; it goes to review when its probability would
    ///   have merged it.
    /// - A pair two fields veto (a different given name and birth date, or a
    ///   different birth date and validated identifier: a household member, a
    ///   parent and child) is distinct, whatever its weight: a steward's list
    ///   of every household would hide the pairs worth reviewing.
    /// - Otherwise a pair is merged from the merge threshold, and reviewed
    ///   from the review threshold.
    pub fn decide(&self, score: &Score) -> Decision {
        match score.vetoes() {
            0 if score.probability >= self.merge_threshold => Decision::Merge,
            0 if score.probability >= self.review_threshold => Decision::Review,
            1 if score.probability >= self.merge_threshold => Decision::Review,
            _ => Decision::Distinct,
        }
    }
}

/// The record with given names only and the record with both, when one of
/// the two has no surnames.
fn shifted<'p>(a: &'p Profile, b: &'p Profile) -> Option<(&'p Profile, &'p Profile)> {
    let only_given = |p: &Profile| !p.given.is_empty() && p.surnames.is_empty();
    let both = |p: &Profile| !p.given.is_empty() && !p.surnames.is_empty();
    if only_given(a) && both(b) {
        Some((a, b))
    } else if only_given(b) && both(a) {
        Some((b, a))
    } else {
        None
    }
}

/// Whether crosswise names can be compared: both records have given names and
/// surnames.
fn cross_possible(a: &Profile, b: &Profile) -> bool {
    !a.given.is_empty() && !a.surnames.is_empty() && !b.given.is_empty() && !b.surnames.is_empty()
}

/// The weight of a name level, term-frequency adjusted when exact.
fn name_weight(
    params: &FieldParams,
    level: u8,
    a: &Profile,
    tf: Option<&TermFrequencies>,
    given: bool,
) -> f64 {
    let tf_u = match (level, tf) {
        (0, Some(t)) if given => t.given(&a.derived.given_joined),
        (0, Some(t)) => t.surname(&a.derived.surnames_joined),
        _ => None,
    };
    contribution(params, level, tf_u).weight
}

fn contribution(params: &FieldParams, level: u8, tf_u: Option<f64>) -> Contribution {
    let l = params.levels[level as usize];
    // The term frequency replaces the level's u, never below one in a million
    // (a value seen once in a small file is not proof).
    let u = tf_u.map_or(l.u, |f| f.max(1e-6));
    Contribution {
        field: params.field,
        level: params.field.levels()[level as usize],
        weight: (l.m / u).log2(),
        veto: params.vetoes.contains(&level),
    }
}

/// `2^w / (1 + 2^w)`, without overflow.
pub fn probability(weight: f64) -> f64 {
    1.0 / (1.0 + (-weight).exp2())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(given: &str, surnames: &str, birth: &str, id: &str) -> Profile {
        let words = |s: &str| s.split(' ').map(Into::into).collect();
        let mut p = Profile {
            given: words(given),
            given_readings: smallvec::smallvec![given.into()],
            surnames: words(surnames),
            birth: Some(birth.into()),
            national_id: Some(id.into()),
            national_id_valid: true,
            ..Profile::default()
        };
        p.derive();
        p
    }

    #[test]
    fn score_is_the_score_of_the_comparison() {
        let model = MatchModel::default();
        let a = profile("ana", "garcia", "19800102", "30111222");
        let pairs = [
            profile("ana", "garcia", "19800102", "30111222"),
            profile("garcia", "ana", "19800102", "30111222"),
            profile("eva", "garcia", "19800102", "30999888"),
            profile("ana", "garcia", "19550713", "30111223"),
        ];
        for b in &pairs {
            let c = model.compare(&a, b);
            let score = model.score(&a, b, None);
            assert_eq!(model.score_comparison(&c, &a, None), score);
            assert_eq!(model.vetoed(&c), score.vetoed(), "{b:?}");
            for contribution in &score.contributions {
                let level = c.level(contribution.field).unwrap();
                assert_eq!(
                    contribution.field.levels()[level as usize],
                    contribution.level
                );
            }
        }
        assert!(model.compare(&a, &pairs[1]).names_swapped);
        // A different given name and identifier veto; a near identifier lifts
        // the birth date's veto.
        assert!(model.vetoed(&model.compare(&a, &pairs[2])));
        assert!(!model.vetoed(&model.compare(&a, &pairs[3])));
        let straight = model.compare_straight(&a, &pairs[1]);
        assert!(!straight.names_swapped);
        assert_eq!(straight.level(Field::GivenName), Some(4));
    }
}
