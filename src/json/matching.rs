//! JSON shapes of matching: the match model, the options and outcome of its
//! estimation, a record's blocking keys and a pair's score.
//!
//! # Match model
//!
//! ```json
//! {"prior": 0.0001, "merge_threshold": 0.99, "review_threshold": 0.5,
//!  "fields": {"given_name": {"levels": {"exact": {"m": 0.86, "u": 0.01},
//!                                       "nickname": {"m": 0.05, "u": 0.002}, ...},
//!                            "vetoes": ["different"]},
//!             "surname": {...}, "birth_date": {...}, ...},
//!  "veto_lifters": [{"field": "national_id", "level": "exact"},
//!                   {"field": "national_id", "level": "one_typo"}]}
//! ```
//!
//! Every key is required, and unknown keys are refused. `fields` names the
//! compared fields ([`Field::name`]); **a field left out is not compared** (its
//! values add nothing to any score; given names and surnames are compared
//! together, so both are there or neither). Each field lists every one of its
//! levels ([`Field::levels`]) with `m` and `u` in (0, 1] (not below the
//! smallest normal `f64`, 2.2e-308, so no weight overflows), and its vetoes by
//! level name (`[]` for none). `prior` is in (0, 1); both thresholds in
//! [0, 1], review at most merge. Problems are [`Error::Config`] naming the
//! path (`fields.birth_date.levels.exact.m`), [`Error::UnknownField`] for an
//! unknown key, [`Error::Json`] for a value of the wrong type. Written with
//! objects' keys sorted and every number as the shortest text that reads back
//! as the same `f64`: a model read and written again gives the same text, and
//! written and read again the same model (fields in [`FIELDS`] order).
//!
//! # Estimation
//!
//! Options (every key optional; see [`EmOptions`]): `{"u_sample": 10000,
//! "seed": 0, "max_iterations": 100, "tolerance": 1e-6, "m_pseudo_pairs": 10,
//! "u_pseudo_pairs": 1000, "min_matches": 20, "min_u_pairs": 1000,
//! "min_pairs": 100, "floor": 1e-6}`. Outcome: `{"model": {...}, "estimate":
//! {"estimated": true, "u": {"sampled_pairs": 10000, "estimated":
//! ["given_name", ...]}, "m": {"pairs": 5321, "patterns": 410, "matches":
//! 1934.2, "iterations": 12, "converged": true, "estimated": [...]}}}` (`m` is
//! `null` when the EM did not run or learned nothing).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{read, to_sorted_json};
use crate::consolidation::matching::{
    BlockingKey, Decision, EmOptions, Estimate, Field, FieldParams, LevelParams, MatchModel, Score,
    FIELDS,
};
use crate::error::{Error, Result};
use crate::model::time::clip;
use crate::standardize::Finding;

/// A match model (see the module documentation): every key required. Read
/// with each key optional, so that a missing one is an [`Error::Config`]
/// naming its path; the schema says what a model must have.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct MatchModelJson {
    /// The share of pairs that are one customer, before comparing, in (0, 1).
    #[cfg_attr(feature = "schema", schemars(required))]
    prior: Option<f64>,
    /// A pair at least this probable merges, in [0, 1].
    #[cfg_attr(feature = "schema", schemars(required))]
    merge_threshold: Option<f64>,
    /// A pair at least this probable (and below `merge_threshold`) goes to
    /// review, in [0, 1] and at most `merge_threshold`.
    #[cfg_attr(feature = "schema", schemars(required))]
    review_threshold: Option<f64>,
    /// The compared fields by name (`given_name`, `surname`, `birth_date`,
    /// `email`, `phone`, `national_id`, ...); a field left out is not
    /// compared.
    #[cfg_attr(feature = "schema", schemars(required))]
    fields: Option<BTreeMap<String, FieldJson>>,
    /// The field levels that lift every veto (the same national id).
    #[cfg_attr(feature = "schema", schemars(required))]
    veto_lifters: Option<Vec<LevelRefJson>>,
}

/// One compared field's parameters.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldJson {
    /// Every level of the field by name, each with its `m` and `u`.
    #[cfg_attr(feature = "schema", schemars(required))]
    levels: Option<BTreeMap<String, LevelJson>>,
    /// The levels that veto a merge, by name (`[]` for none).
    #[cfg_attr(feature = "schema", schemars(required))]
    vetoes: Option<Vec<String>>,
}

/// A comparison level's probabilities.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct LevelJson {
    /// P(level | the pair is one customer), in (0, 1].
    #[cfg_attr(feature = "schema", schemars(required))]
    m: Option<f64>,
    /// P(level | the pair is two customers), in (0, 1].
    #[cfg_attr(feature = "schema", schemars(required))]
    u: Option<f64>,
}

/// A field and one of its levels.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct LevelRefJson {
    /// The field.
    #[cfg_attr(feature = "schema", schemars(required))]
    field: Option<String>,
    /// The level.
    #[cfg_attr(feature = "schema", schemars(required))]
    level: Option<String>,
}

fn required<T>(value: Option<T>, path: impl FnOnce() -> String) -> Result<T> {
    value.ok_or_else(|| Error::config(path(), "missing"))
}

fn field_names() -> String {
    FIELDS.map(Field::name).join(", ")
}

fn field_named(name: &str, path: impl FnOnce() -> String) -> Result<Field> {
    Field::from_name(name).ok_or_else(|| {
        Error::config(
            path(),
            format!(
                "`{}` is not a field; the fields are {}",
                clip(name),
                field_names()
            ),
        )
    })
}

fn level_named(field: Field, name: &str, path: impl FnOnce() -> String) -> Result<u8> {
    field.level_index(name).ok_or_else(|| {
        Error::config(
            path(),
            format!(
                "`{}` is not a level of {}; its levels are {}",
                clip(name),
                field.name(),
                field.levels().join(", ")
            ),
        )
    })
}

impl MatchModelJson {
    /// The wire form of `model`.
    pub(crate) fn new(model: &MatchModel) -> MatchModelJson {
        MatchModelJson {
            prior: Some(model.prior),
            merge_threshold: Some(model.merge_threshold),
            review_threshold: Some(model.review_threshold),
            fields: Some(
                model
                    .fields
                    .iter()
                    .map(|f| {
                        let names = f.field.levels();
                        let field = FieldJson {
                            levels: Some(
                                f.levels
                                    .iter()
                                    .zip(names)
                                    .map(|(l, name)| {
                                        (
                                            name.to_string(),
                                            LevelJson {
                                                m: Some(l.m),
                                                u: Some(l.u),
                                            },
                                        )
                                    })
                                    .collect(),
                            ),
                            vetoes: Some(
                                f.vetoes
                                    .iter()
                                    .map(|&v| names[v as usize].to_string())
                                    .collect(),
                            ),
                        };
                        (f.field.name().to_string(), field)
                    })
                    .collect(),
            ),
            veto_lifters: Some(
                model
                    .veto_lifters
                    .iter()
                    .map(|&(f, l)| LevelRefJson {
                        field: Some(f.name().to_string()),
                        level: Some(f.levels()[l as usize].to_string()),
                    })
                    .collect(),
            ),
        }
    }

    /// The model, its names resolved and its parameters checked
    /// ([`MatchModel::validate`]); `prefix` goes before every path named in
    /// an error (`model.` inside a consolidation configuration).
    pub(crate) fn into_model(self, prefix: &str) -> Result<MatchModel> {
        self.resolve().map_err(|e| e.within(prefix))
    }

    fn resolve(self) -> Result<MatchModel> {
        let prior = required(self.prior, || "prior".into())?;
        let merge_threshold = required(self.merge_threshold, || "merge_threshold".into())?;
        let review_threshold = required(self.review_threshold, || "review_threshold".into())?;
        let raw_fields = required(self.fields, || "fields".into())?;
        let mut by_field: Vec<Option<FieldParams>> = vec![None; FIELDS.len()];
        for (name, raw) in raw_fields {
            let path = format!("fields.{name}");
            let field = field_named(&name, || path.clone())?;
            let raw_levels = required(raw.levels, || format!("{path}.levels"))?;
            for level in raw_levels.keys() {
                level_named(field, level, || format!("{path}.levels.{level}"))?;
            }
            let mut levels = Vec::with_capacity(field.levels().len());
            for &level in field.levels() {
                let at = format!("{path}.levels.{level}");
                let raw = raw_levels.get(level).ok_or_else(|| {
                    Error::config(
                        &at,
                        format!(
                            "missing: every level of {} needs its m and u ({})",
                            field.name(),
                            field.levels().join(", ")
                        ),
                    )
                })?;
                levels.push(LevelParams {
                    m: required(raw.m, || format!("{at}.m"))?,
                    u: required(raw.u, || format!("{at}.u"))?,
                });
            }
            let vetoes = required(raw.vetoes, || format!("{path}.vetoes"))?
                .iter()
                .enumerate()
                .map(|(i, v)| level_named(field, v, || format!("{path}.vetoes[{i}]")))
                .collect::<Result<Vec<u8>>>()?;
            by_field[field.index()] = Some(FieldParams {
                field,
                levels,
                vetoes,
            });
        }
        let veto_lifters = required(self.veto_lifters, || "veto_lifters".into())?
            .into_iter()
            .enumerate()
            .map(|(i, raw)| {
                let at = format!("veto_lifters[{i}]");
                let name = required(raw.field, || format!("{at}.field"))?;
                let field = field_named(&name, || format!("{at}.field"))?;
                let level = required(raw.level, || format!("{at}.level"))?;
                Ok((field, level_named(field, &level, || format!("{at}.level"))?))
            })
            .collect::<Result<Vec<_>>>()?;
        let model = MatchModel {
            fields: by_field.into_iter().flatten().collect(),
            prior,
            merge_threshold,
            review_threshold,
            veto_lifters,
        };
        model.validate()?;
        Ok(model)
    }
}

/// Reads a match model (see the module documentation).
///
/// # Errors
///
/// [`Error::Json`] for malformed JSON or a value of the wrong type (naming
/// its path), [`Error::UnknownField`] for an unknown key, [`Error::Config`]
/// naming the path of a missing or out-of-range parameter, an unknown field
/// or level, or a field missing a level (`fields.birth_date.levels.exact.m`).
///
/// ```
/// use ciclo::consolidation::matching::MatchModel;
/// use ciclo::json::matching::{match_model_from_json, match_model_to_json};
///
/// let text = match_model_to_json(&MatchModel::default());
/// assert_eq!(match_model_from_json(&text)?, MatchModel::default());
///
/// let bad = text.replacen("\"m\":0.9,", "\"m\":1.5,", 1);
/// let err = match_model_from_json(&bad).unwrap_err();
/// assert!(err.to_string().contains("fields.birth_date.levels.exact.m"), "{err}");
/// # Ok::<(), ciclo::Error>(())
/// ```
pub fn match_model_from_json(text: &str) -> Result<MatchModel> {
    let raw: MatchModelJson = read(text, "match model")?;
    raw.into_model("")
}

/// A match model as a JSON value (see the module documentation).
pub fn match_model_value(model: &MatchModel) -> Value {
    serde_json::to_value(MatchModelJson::new(model)).expect("models serialise")
}

/// A match model as JSON text (see the module documentation).
pub fn match_model_to_json(model: &MatchModel) -> String {
    to_sorted_json(&MatchModelJson::new(model))
}

/// The options of estimating a match model (`ciclo_engine_estimate_model_json`);
/// every key optional, with the defaults of [`EmOptions`].
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct EmOptionsJson {
    /// Random pairs sampled to estimate `u` (10000, at most 10,000,000).
    #[serde(default)]
    u_sample: Option<usize>,
    /// The sampling seed (0).
    #[serde(default)]
    seed: Option<u64>,
    /// Most expectation-maximisation iterations (100, at most 10,000).
    #[serde(default)]
    max_iterations: Option<usize>,
    /// Convergence tolerance (1e-6).
    #[serde(default)]
    tolerance: Option<f64>,
    /// Pseudo-pairs of the prior on `m` (10).
    #[serde(default)]
    m_pseudo_pairs: Option<f64>,
    /// Pseudo-pairs of the prior on `u` (1000).
    #[serde(default)]
    u_pseudo_pairs: Option<f64>,
    /// Fewest expected matches to learn `m` from (20).
    #[serde(default)]
    min_matches: Option<f64>,
    /// Fewest sampled pairs to learn `u` from (1000).
    #[serde(default)]
    min_u_pairs: Option<usize>,
    /// Fewest pairs sharing a blocking key to run the EM on (100).
    #[serde(default)]
    min_pairs: Option<usize>,
    /// Smallest probability learned (1e-6).
    #[serde(default)]
    floor: Option<f64>,
}

/// Reads the options of an estimate: empty (or only whitespace) for the
/// defaults, or an object with any of [`EmOptions`]' fields by name
/// (`{"u_sample": 20000, "seed": 7}`); the others keep their defaults.
/// Whether the values are in bounds is checked where they are used
/// ([`Registry::estimate_model`](crate::consolidation::registry::Registry::estimate_model)).
///
/// # Errors
///
/// [`Error::Json`], [`Error::UnknownField`].
pub fn em_options_from_json(text: &str) -> Result<EmOptions> {
    let mut o = EmOptions::default();
    if text.trim().is_empty() {
        return Ok(o);
    }
    let raw: EmOptionsJson = read(text, "estimate options")?;
    macro_rules! set {
        ($($name:ident),*) => {$(if let Some(v) = raw.$name { o.$name = v; })*};
    }
    set!(
        u_sample,
        seed,
        max_iterations,
        tolerance,
        m_pseudo_pairs,
        u_pseudo_pairs,
        min_matches,
        min_u_pairs,
        min_pairs,
        floor
    );
    Ok(o)
}

/// How `u` was estimated.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct USummaryJson {
    /// Random pairs sampled.
    sampled_pairs: usize,
    /// The fields whose `u` was learned.
    estimated: Vec<&'static str>,
}

/// How `m` and the prior were estimated.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct MSummaryJson {
    /// Pairs sharing a blocking key.
    pairs: u64,
    /// Distinct comparison patterns among them.
    patterns: usize,
    /// Expected matches among them.
    matches: f64,
    /// Iterations run.
    iterations: usize,
    /// Whether the iterations converged.
    converged: bool,
    /// The fields whose `m` was learned.
    estimated: Vec<&'static str>,
}

/// How an estimate was reached, without its model.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct EstimateSummaryJson {
    /// Whether anything was learned.
    estimated: bool,
    /// How `u` was estimated.
    u: USummaryJson,
    /// How `m` was estimated; `null` when the EM did not run or learned
    /// nothing.
    m: Option<MSummaryJson>,
}

impl EstimateSummaryJson {
    /// The wire form of `e`'s summary.
    pub(crate) fn new(e: &Estimate) -> EstimateSummaryJson {
        let names = |fields: &[Field]| fields.iter().map(|f| f.name()).collect::<Vec<_>>();
        EstimateSummaryJson {
            estimated: e.estimated(),
            u: USummaryJson {
                sampled_pairs: e.u.sampled_pairs,
                estimated: names(&e.u.estimated),
            },
            m: e.m.as_ref().map(|m| MSummaryJson {
                pairs: m.pairs,
                patterns: m.patterns,
                matches: m.matches,
                iterations: m.iterations,
                converged: m.converged,
                estimated: names(&m.estimated),
            }),
        }
    }
}

/// How an estimate was reached, without its model: `{"estimated", "u":
/// {"sampled_pairs", "estimated"}, "m": {"pairs", "patterns", "matches",
/// "iterations", "converged", "estimated"} | null}` (fields by name).
pub fn estimate_summary_value(e: &Estimate) -> Value {
    serde_json::to_value(EstimateSummaryJson::new(e)).expect("summaries serialise")
}

/// An estimated match model and how it was estimated.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct EstimateJson {
    /// The model now installed.
    model: MatchModelJson,
    /// How it was estimated.
    estimate: EstimateSummaryJson,
}

/// An estimate as JSON text: `{"model": {...}, "estimate": {...}}` (the
/// model as [`match_model_to_json`] writes it, the summary as
/// [`estimate_summary_value`]), keys sorted.
pub fn estimate_to_json(e: &Estimate) -> String {
    to_sorted_json(&EstimateJson {
        model: MatchModelJson::new(&e.model),
        estimate: EstimateSummaryJson::new(e),
    })
}

/// A blocking key.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct BlockingKeyJson<'a> {
    /// The key's kind: `id`, `id_head`, `id_tail`, `id_digits`, `email`,
    /// `phone`, `name`, `postal`, `birth`, `street` or `company`.
    kind: &'a str,
    /// The key's value.
    value: &'a str,
    /// The text to index: `kind:value`.
    key: String,
}

/// A record's blocking keys and what standardisation found.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct BlockingKeysJson<'a> {
    /// The keys; two records are worth comparing when they share one.
    keys: Vec<BlockingKeyJson<'a>>,
    /// What standardisation found.
    findings: Vec<super::FindingJson<'a>>,
}

/// A record's blocking keys and what standardisation found: `{"keys":
/// [{"kind": "email", "value": "pepe@gmail.com", "key":
/// "email:pepe@gmail.com"}], "findings": [...]}`. `key` is the text a host
/// stores in its index ([`BlockingKey`]'s `Display`); two records are worth
/// comparing when they share one.
pub fn blocking_keys_to_json(keys: &[BlockingKey], findings: &[Finding]) -> String {
    to_sorted_json(&BlockingKeysJson {
        keys: keys
            .iter()
            .map(|k| BlockingKeyJson {
                kind: k.kind.name(),
                value: &k.value,
                key: k.to_string(),
            })
            .collect(),
        findings: super::findings(findings),
    })
}

/// A pair's score with its decision.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct PairScoreJson<'a> {
    /// `merge`, `review` or `distinct`, by the model's thresholds (a vetoed
    /// pair is never `merge`).
    #[cfg_attr(
        feature = "schema",
        schemars(extend("enum" = ["merge", "review", "distinct"]))
    )]
    decision: &'a str,
    /// Whether a field vetoed the merge.
    vetoed: bool,
    #[serde(flatten)]
    score: super::consolidation::ScoreJson<'a>,
}

/// A pair's score with its decision: the shape of an ingest candidate's
/// score ([`score_json`](super::consolidation::score_json): `probability`,
/// `weight`, `prior_weight`, `names_swapped`, `veto_lifted_by`,
/// `contributions`) with `decision` (`merge`, `review`, `distinct`) and
/// `vetoed`; keys sorted.
pub fn pair_score_to_json(score: &Score, decision: Decision) -> String {
    to_sorted_json(&PairScoreJson {
        decision: decision.as_str(),
        vetoed: score.vetoed(),
        score: super::consolidation::ScoreJson::new(score),
    })
}

/// The options of scoring a pair (`ciclo_records_score_json`): those of
/// standardising and a match model; every key optional.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct ScoreOptionsJson {
    #[serde(flatten)]
    standardize: super::StandardizeOptionsJson,
    /// The match model to score with; the built-in one when absent. (Read
    /// as a whole first, so that its errors name `options.model`.)
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<MatchModelJson>"))]
    model: Option<Value>,
}

/// Reads the options of scoring a pair: those of
/// [`standardize_options_from_json`](super::standardize_options_from_json)
/// (`default_country`, `today`) and `model`, a match model in the shape of
/// [`match_model_from_json`] (the built-in model when absent); empty for
/// none.
///
/// # Errors
///
/// As [`standardize_options_from_json`](super::standardize_options_from_json)
/// and [`match_model_from_json`], paths prefixed with `options.model.`.
pub fn score_options_from_json(
    text: &str,
    today: time::Date,
) -> Result<(crate::standardize::Options, MatchModel)> {
    if text.trim().is_empty() {
        return Ok((
            super::standardize_options_from_json("", today)?,
            MatchModel::default(),
        ));
    }
    let options: ScoreOptionsJson = read(text, "options")?;
    let model = match options.model {
        None => MatchModel::default(),
        Some(v) => {
            let raw: MatchModelJson = read(&v.to_string(), "options.model")?;
            raw.into_model("options.model.")?
        }
    };
    Ok((
        super::standardize_options(options.standardize, today)?,
        model,
    ))
}
