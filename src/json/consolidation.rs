//! JSON shapes of record consolidation: ingest requests and outcomes, golden
//! records, reviews, merges, hierarchies and batch deduplication.
//!
//! Ingest request (`updated` defaults to now when the C ABI reads it):
//!
//! ```json
//! {"system": "crm", "id": "C-1042", "updated": "2026-11-23T10:00:00Z",
//!  "record": {"given_name": "Pepe", "surname": "García", "email": "pepe@gmail.com"}}
//! ```
//!
//! Ingest outcome:
//!
//! ```json
//! {"golden_id": "G7", "decision": "merged",
//!  "candidates": [{"golden_id": "G7", "source": {"system": "erp", "id": "233"},
//!                  "decision": "merge", "probability": 0.9999, "weight": 21.4,
//!                  "names_swapped": false,
//!                  "contributions": [{"field": "given_name", "level": "nickname",
//!                                     "weight": 3.1, "veto": false}, ...]}],
//!  "findings": [{"field": "email", "severity": "warning", "code": "...",
//!                "message": "...", "suggestion": "..."}],
//!  "joined": [{"survivor": "G7", "retired": "G9"}]}
//! ```
//!
//! `joined` lists the customers the record showed to be one (it merged with
//! more than one), each retired into the survivor; usually empty.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{read, to_sorted_json};
use crate::consolidation::dedup::{Dedup, ReviewPair};
use crate::consolidation::golden::{GoldenRecord, SourceKey, Survivorship};
use crate::consolidation::matching::{MatchModel, Score};
use crate::consolidation::registry::{GoldenId, Ingested, RegistryConfig};
use crate::engine::ReviewItem;
use crate::error::{Error, Result};
use crate::model::limits::Limits;
use crate::model::record::Record;
use crate::model::time::clip;
use crate::model::time::Timestamp;
use crate::standardize::dates::DateOrder;
use crate::standardize::Country;

/// A source record to match at the point of entry
/// (`ciclo_engine_ingest_json`).
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct IngestRequest {
    /// The source system (`crm`, `erp`, `web`).
    system: String,
    /// The record's id in that system; a known `system`/`id` is an update.
    id: String,
    /// When the source system last changed the record; now when absent.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Timestamp>"))]
    updated: Option<String>,
    /// The record.
    record: Record,
}

/// Reads an ingest request: the source key, when the record was last updated
/// (`now` when the request does not say), and the record.
///
/// # Errors
///
/// [`Error::Json`], [`Error::UnknownField`], [`Error::InvalidArgument`] for an
/// empty or overlong system or id, a text longer than the default
/// [`Limits::record_json_bytes`] (naming `request`) or a field longer than
/// [`Limits::record_field_bytes`] (naming it: `record.surname`),
/// [`Error::InvalidTimestamp`] naming `updated`.
pub fn ingest_from_json(text: &str, now: Timestamp) -> Result<(SourceKey, Timestamp, Record)> {
    ingest_from_json_with(text, now, &Limits::DEFAULT)
}

/// [`ingest_from_json`] within `limits`.
pub fn ingest_from_json_with(
    text: &str,
    now: Timestamp,
    limits: &Limits,
) -> Result<(SourceKey, Timestamp, Record)> {
    Limits::check_json_len(
        "request",
        text,
        "record_json_bytes",
        limits.record_json_bytes,
    )?;
    let request: IngestRequest = read(text, "ingest request")?;
    limits.check_record(&request.record)?;
    let key = SourceKey::new(&request.system, &request.id)?;
    let updated = match request.updated {
        Some(t) => Timestamp::parse(&t, "updated")?,
        None => now,
    };
    Ok((key, updated, request.record))
}

/// How an engine matches records and builds golden records
/// (`ciclo_engine_configure_consolidation`); every key optional, a key not
/// given takes its default.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct ConsolidationConfig {
    /// Which value of a customer's records survives in the golden record.
    #[serde(default)]
    survivorship: Option<Survivorship>,
    /// ISO 3166 code of the country assumed where a record does not say.
    #[serde(default)]
    default_country: Option<String>,
    /// How a birth date of numbers only (`01/02/1990`) is read: `dmy` (the
    /// default) or `mdy`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["dmy", "mdy"])))]
    date_order: Option<String>,
    /// A blocking key shared by more records than this finds none (200).
    #[serde(default)]
    max_block: Option<usize>,
    /// A key shared by more records than this finds only those sharing
    /// initials, birth year or second surname too (24).
    #[serde(default)]
    refine_block: Option<usize>,
    /// Overrides the model's merge threshold.
    #[serde(default)]
    merge_threshold: Option<f64>,
    /// Overrides the model's review threshold.
    #[serde(default)]
    review_threshold: Option<f64>,
    /// Whether an event naming an id that is not a golden id creates a
    /// customer (false).
    #[serde(default)]
    customers_from_events: Option<bool>,
    /// A whole match model to score ingests with; the installed one when
    /// absent.
    #[serde(default)]
    model: Option<super::matching::MatchModelJson>,
}

/// Reads a consolidation configuration; every key is optional:
///
/// ```json
/// {"survivorship": {"source_priority": ["erp", "crm"],
///                   "default": ["validated", "most_recent"],
///                   "fields": {"email": ["source_priority", "most_recent"]}},
///  "default_country": "AR", "date_order": "dmy", "max_block": 200,
///  "refine_block": 24, "merge_threshold": 0.99, "review_threshold": 0.5,
///  "customers_from_events": false, "model": {...}}
/// ```
///
/// `date_order` is how a birth date of numbers only (`01/02/1990`) is read:
/// `"dmy"` (day first, the default) or `"mdy"` (month first, as in the United
/// States), as batch deduplication reads it. `model` is a whole match model
/// in the shape of
/// [`match_model_from_json`](super::matching::match_model_from_json) (the one
/// `ciclo_dedup_json` answers with, say): ingests are scored with it instead of
/// the built-in one. `merge_threshold` and `review_threshold`, when given,
/// override the model's.
///
/// # Errors
///
/// [`Error::Json`], [`Error::UnknownField`], [`Error::Config`] for an unknown
/// country, a `date_order` other than `dmy` or `mdy`, an inconsistent
/// survivorship chain or a bad model (naming its path,
/// `model.fields.birth_date.levels.exact.m`).
pub fn consolidation_config_from_json(text: &str) -> Result<RegistryConfig> {
    consolidation_config_from_json_over(text, &MatchModel::default())
}

/// Reads a consolidation configuration as [`consolidation_config_from_json`]
/// does, except that without a `model` key the model is `installed` (with
/// `merge_threshold` and `review_threshold` overriding its thresholds when
/// given) rather than the built-in one: what an engine configured from JSON
/// does, so that a model installed before is kept.
///
/// # Errors
///
/// As [`consolidation_config_from_json`].
pub fn consolidation_config_from_json_over(
    text: &str,
    installed: &MatchModel,
) -> Result<RegistryConfig> {
    let c: ConsolidationConfig = read(text, "consolidation config")?;
    let mut config = RegistryConfig {
        model: installed.clone(),
        ..RegistryConfig::default()
    };
    if let Some(model) = c.model {
        config.model = model.into_model("model.")?;
    }
    if let Some(s) = c.survivorship {
        s.validate()?;
        config.survivorship = s;
    }
    if let Some(code) = c.default_country {
        config.default_country = Some(Country::parse(&code).ok_or_else(|| Error::Config {
            field: "default_country".into(),
            message: format!("`{}` is not an ISO 3166 country code", clip(&code)),
        })?);
    }
    if let Some(order) = c.date_order {
        config.date_order = DateOrder::parse(&order).ok_or_else(|| Error::Config {
            field: "date_order".into(),
            message: format!(
                "`{}` is not a date order: \"dmy\" (day first) or \"mdy\" (month first)",
                clip(&order)
            ),
        })?;
    }
    if let Some(n) = c.max_block {
        config.max_block = n;
    }
    if let Some(n) = c.refine_block {
        config.refine_block = n;
    }
    if let Some(t) = c.merge_threshold {
        config.model.merge_threshold = t;
    }
    if let Some(t) = c.review_threshold {
        config.model.review_threshold = t;
    }
    if let Some(b) = c.customers_from_events {
        config.customers_from_events = b;
    }
    Ok(config)
}

/// What one compared field added to a score.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct ContributionJson<'a> {
    /// The field (`given_name`, `birth_date`...).
    field: &'a str,
    /// The comparison level the two values reached (`exact`, `nickname`,
    /// `one_typo`, `different`...).
    level: &'a str,
    /// The weight it added, in bits (negative against a match).
    weight: f64,
    /// Whether this level vetoes a merge.
    veto: bool,
}

/// A field and one of its comparison levels.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct FieldLevelJson<'a> {
    /// The field.
    field: &'a str,
    /// The level.
    level: &'a str,
}

/// A score with every field's weight: the waterfall a data steward sees.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct ScoreJson<'a> {
    /// The probability that the two are one customer.
    probability: f64,
    /// The total weight in bits: the prior's and every field's.
    weight: f64,
    /// The prior's weight in bits.
    prior_weight: f64,
    /// Whether given names and surnames matched crossed.
    names_swapped: bool,
    /// The field level that lifted the vetoes (the same national id), `null`
    /// when none did.
    veto_lifted_by: Option<FieldLevelJson<'a>>,
    /// What every compared field added.
    contributions: Vec<ContributionJson<'a>>,
}

impl<'a> ScoreJson<'a> {
    pub(crate) fn new(score: &'a Score) -> ScoreJson<'a> {
        ScoreJson {
            probability: score.probability,
            weight: score.weight,
            prior_weight: score.prior_weight,
            names_swapped: score.names_swapped,
            veto_lifted_by: score.veto_lifted_by.map(|(f, level)| FieldLevelJson {
                field: f.name(),
                level,
            }),
            contributions: score
                .contributions
                .iter()
                .map(|c| ContributionJson {
                    field: c.field.name(),
                    level: c.level,
                    weight: c.weight,
                    veto: c.veto,
                })
                .collect(),
        }
    }
}

/// A score with every field's weight: the waterfall a data steward sees
/// (`{"probability", "weight", "prior_weight", "names_swapped",
/// "veto_lifted_by", "contributions"}`).
pub fn score_json(score: &Score) -> Value {
    serde_json::to_value(ScoreJson::new(score)).expect("scores serialise")
}

/// A customer an ingested record was compared with.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct CandidateJson<'a> {
    /// The customer (a live golden id).
    golden_id: GoldenId,
    /// The customer's record the score is with.
    source: &'a SourceKey,
    /// What the score decided: `merge`, `review` or `distinct`.
    #[cfg_attr(
        feature = "schema",
        schemars(extend("enum" = ["merge", "review", "distinct"]))
    )]
    decision: &'a str,
    #[serde(flatten)]
    score: ScoreJson<'a>,
}

/// Two customers a record showed to be one.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct JoinedJson {
    /// The customer that stays.
    survivor: GoldenId,
    /// The customer merged into it.
    retired: GoldenId,
}

/// An ingest outcome (see the module documentation).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct IngestedJson<'a> {
    /// The customer the record is now in.
    golden_id: GoldenId,
    /// `new`, `merged`, `review` (a new customer, waiting for a data
    /// steward) or `updated` (a known record).
    #[cfg_attr(
        feature = "schema",
        schemars(extend("enum" = ["new", "merged", "review", "updated"]))
    )]
    decision: &'a str,
    /// The customers the record was compared with, most probable first.
    candidates: Vec<CandidateJson<'a>>,
    /// What standardisation found.
    findings: Vec<super::FindingJson<'a>>,
    /// The customers the record showed to be one, each retired into the
    /// survivor; usually empty.
    joined: Vec<JoinedJson>,
}

/// An ingest outcome (see the module documentation).
pub fn ingested_to_json(out: &Ingested) -> String {
    to_sorted_json(&IngestedJson {
        golden_id: out.golden,
        decision: out.decision.as_str(),
        candidates: out
            .candidates
            .iter()
            .map(|c| CandidateJson {
                golden_id: c.golden,
                source: &c.source,
                decision: c.decision.as_str(),
                score: ScoreJson::new(&c.score),
            })
            .collect(),
        findings: super::findings(&out.findings),
        joined: out
            .joined
            .iter()
            .map(|m| JoinedJson {
                survivor: m.survivor,
                retired: m.retired,
            })
            .collect(),
    })
}

/// A golden record with the id it answers to.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct GoldenJson<'a> {
    /// The customer's golden id (in a batch, its first record's id).
    golden_id: String,
    #[serde(flatten)]
    golden: &'a GoldenRecord,
}

impl<'a> GoldenJson<'a> {
    /// The wire form of `golden`, answering to `golden_id`.
    pub(crate) fn new(golden_id: &str, golden: &'a GoldenRecord) -> GoldenJson<'a> {
        GoldenJson {
            golden_id: golden_id.to_string(),
            golden,
        }
    }
}

/// A golden record: `{"golden_id", "record", "lineage", "emails", "phones",
/// "addresses", "sources"}`; lineage entries are `{"field", "source", "decided",
/// "validated"}` with `decided` as `{"by": "criterion", "criterion":
/// "most_recent"}`, `{"by": "only_source"}`, `{"by": "unanimous"}` or `{"by":
/// "source_key"}`. Every object's keys are sorted.
pub fn golden_to_json(id: GoldenId, golden: &GoldenRecord) -> String {
    to_sorted_json(&GoldenJson::new(&id.to_string(), golden))
}

/// A golden record as a JSON value in the shape of [`golden_to_json`], with
/// `golden_id` as given (a batch names a customer by its first record's id).
pub fn golden_value(id: &str, golden: &GoldenRecord) -> Value {
    serde_json::to_value(GoldenJson::new(id, golden)).expect("golden records serialise")
}

/// A pair of a batch left to a data steward.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct ReviewPairJson<'a> {
    /// One record's id.
    a: &'a str,
    /// The other record's id.
    b: &'a str,
    /// `uncertain` (between the thresholds), `vetoed` (a field keeps a pair
    /// that would merge apart) or `chaining` (merging would link records that
    /// differ).
    #[cfg_attr(
        feature = "schema",
        schemars(extend("enum" = ["uncertain", "vetoed", "chaining"]))
    )]
    reason: &'a str,
    /// The reason in words.
    explanation: String,
    #[serde(flatten)]
    score: ScoreJson<'a>,
}

impl<'a> ReviewPairJson<'a> {
    fn new(ids: &'a [String], review: &'a ReviewPair) -> ReviewPairJson<'a> {
        ReviewPairJson {
            a: &ids[review.a as usize],
            b: &ids[review.b as usize],
            reason: review.reason.as_str(),
            explanation: review.explain(),
            score: ScoreJson::new(&review.score),
        }
    }
}

/// A review pair of a batch as JSON: the pair's [`score_json`] with `"a"`,
/// `"b"` (the records' ids), `"reason"` (`uncertain`, `vetoed` or `chaining`)
/// and `"explanation"` (the reason in words) added; `ids` name the records by
/// index.
pub fn review_pair_value(ids: &[String], review: &ReviewPair) -> Value {
    serde_json::to_value(ReviewPairJson::new(ids, review)).expect("reviews serialise")
}

/// What every field added to a score, as a JSON object by field name:
/// `{"given_name": {"level": "nickname", "weight": 4.2, "veto": false}, ...}`
/// (weights rounded to thousandths; the `dedup` example's review file).
pub fn score_weights(score: &Score) -> Value {
    let mut fields = serde_json::Map::new();
    for c in &score.contributions {
        fields.insert(
            c.field.name().into(),
            json!({"level": c.level, "weight": (c.weight * 1000.0).round() / 1000.0, "veto": c.veto}),
        );
    }
    Value::Object(fields)
}

/// A batch deduplication (see [`dedup_to_json`]).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct DedupJson<'a> {
    /// How many records were read.
    records: usize,
    /// How many customers they are.
    customers: usize,
    /// How many pairs were compared.
    compared_pairs: usize,
    /// For every record, in input order, the id of its customer's first
    /// record.
    golden: Vec<&'a str>,
    /// The pairs left to a data steward, one per pair of customers, most
    /// probable first.
    reviews: Vec<ReviewPairJson<'a>>,
    /// The match model the batch scored with.
    model: super::matching::MatchModelJson,
    /// How the model was estimated, `null` when the batch did not estimate.
    estimate: Option<super::matching::EstimateSummaryJson>,
    /// Each customer's golden record, by first record, when the options ask
    /// for them (`"golden_records": true`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    golden_records: Option<Vec<GoldenJson<'a>>>,
}

/// A batch deduplication as JSON: `{"records", "customers", "compared_pairs",
/// "golden": [id of each record's customer's first record, in input order],
/// "reviews": [...], "model", "estimate"}` (reviews: one per pair of
/// customers, most probable first, in the shape of [`review_pair_value`]),
/// and `"golden_records"` (in the shape of [`golden_value`], by first record)
/// when `golden` is given. `model` is the match model the batch scored with
/// (in the shape of
/// [`match_model_from_json`](super::matching::match_model_from_json): a host
/// installs it in an engine with `"model"` in the consolidation
/// configuration), `estimate` how it was estimated
/// ([`estimate_summary_value`](super::matching::estimate_summary_value);
/// `null` when the batch did not estimate). `ids` name the records, by index.
/// Every object's keys are sorted.
pub fn dedup_to_json(
    ids: &[String],
    dedup: &Dedup,
    golden: Option<&[(u32, GoldenRecord)]>,
) -> String {
    let id = |i: u32| ids[i as usize].as_str();
    let reviews = dedup.reviews();
    to_sorted_json(&DedupJson {
        records: dedup.clusters.leader.len(),
        customers: dedup.customers(),
        compared_pairs: dedup.compared_pairs,
        golden: dedup.clusters.leader.iter().map(|&l| id(l)).collect(),
        reviews: reviews
            .iter()
            .map(|r| ReviewPairJson::new(ids, r))
            .collect(),
        model: super::matching::MatchModelJson::new(&dedup.model),
        estimate: dedup
            .estimate
            .as_ref()
            .map(super::matching::EstimateSummaryJson::new),
        golden_records: golden.map(|golden| {
            golden
                .iter()
                .map(|(first, g)| GoldenJson::new(id(*first), g))
                .collect()
        }),
    })
}

/// The options of a batch deduplication (`ciclo_dedup_json`): those of
/// standardising and `golden_records`; every key optional.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct DedupOptionsJson {
    #[serde(flatten)]
    standardize: super::StandardizeOptionsJson,
    /// `true` to have each customer's golden record built too.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<bool>"))]
    golden_records: Option<Value>,
}

/// Reads the options of a batch deduplication: those of
/// [`standardize_options_from_json`](super::standardize_options_from_json)
/// (`default_country`, `today`, `date_order`) and `golden_records`, `true` to
/// have each customer's golden record built too; empty for none.
///
/// # Errors
///
/// [`Error::Json`], [`Error::UnknownField`], [`Error::InvalidArgument`]
/// naming `options.golden_records` when it is not a boolean, or the other
/// option at fault.
pub fn dedup_options_from_json(
    text: &str,
    today: time::Date,
) -> Result<(crate::standardize::Options, bool)> {
    if text.trim().is_empty() {
        return Ok((super::standardize_options_from_json("", today)?, false));
    }
    let options: DedupOptionsJson = read(text, "options")?;
    let golden = match options.golden_records {
        None => false,
        Some(Value::Bool(b)) => b,
        Some(other) => {
            return Err(Error::invalid(
                "options.golden_records",
                format!("expected true or false, not {}", clip(&other.to_string())),
            ))
        }
    };
    Ok((
        super::standardize_options(options.standardize, today)?,
        golden,
    ))
}

/// A candidate customer of a record waiting for review.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct ReviewCandidateJson<'a> {
    /// The candidate customer.
    golden_id: GoldenId,
    /// The probability that the record is that customer.
    probability: f64,
    /// The candidate's record the score is with.
    source: &'a SourceKey,
}

impl<'a> ReviewCandidateJson<'a> {
    /// The wire form of a candidate: its id, probability and best member.
    pub(crate) fn new(candidate: &'a (GoldenId, f64, SourceKey)) -> ReviewCandidateJson<'a> {
        ReviewCandidateJson {
            golden_id: candidate.0,
            probability: candidate.1,
            source: &candidate.2,
        }
    }
}

/// A record waiting for a data steward.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct ReviewJson<'a> {
    /// The record.
    record: &'a SourceKey,
    /// The customer it was made meanwhile.
    golden_id: GoldenId,
    /// The customers it may be.
    candidates: Vec<ReviewCandidateJson<'a>>,
}

/// The reviews: `[{"record": {"system", "id"}, "golden_id", "candidates":
/// [{"golden_id", "probability", "source"}]}]`. Every object's keys are
/// sorted.
pub fn reviews_to_json(reviews: &[ReviewItem]) -> String {
    let reviews: Vec<ReviewJson<'_>> = reviews.iter().map(ReviewJson::new).collect();
    to_sorted_json(&reviews)
}

impl<'a> ReviewJson<'a> {
    /// The wire form of a review.
    pub(crate) fn new(r: &'a ReviewItem) -> ReviewJson<'a> {
        ReviewJson {
            record: &r.record,
            golden_id: r.golden,
            candidates: r.candidates.iter().map(ReviewCandidateJson::new).collect(),
        }
    }
}

/// What removing a source record did.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct SourceRemovedJson {
    /// The customer the record was in.
    golden_id: GoldenId,
    /// Whether the customer had no other record and was erased with it.
    erased: bool,
}

/// What `ciclo_engine_remove_source` answers: `{"golden_id": "G7",
/// "erased": false}`.
pub fn source_removed_to_json(removed: &crate::engine::SourceRemoved) -> String {
    to_sorted_json(&SourceRemovedJson {
        golden_id: removed.golden,
        erased: removed.erased,
    })
}

/// A customer's place in a hierarchy.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct HierarchyPlaceJson<'a> {
    /// The customer (the survivor, for a golden id retired by a merge).
    id: &'a str,
    /// The hierarchy.
    kind: &'a str,
    /// Its parent, `null` at the root.
    parent: Option<&'a str>,
    /// The root above it (itself without links).
    root: &'a str,
    /// Its children.
    children: Vec<&'a str>,
    /// Its ancestors, nearest first.
    ancestors: Vec<&'a str>,
    /// Everything below it.
    descendants: Vec<&'a str>,
}

/// A customer's place in the hierarchy `kind`: `{"id", "kind", "parent",
/// "root", "children", "ancestors" (nearest first), "descendants"}`, keys
/// sorted.
pub fn hierarchy_place_to_json(
    hierarchies: &crate::consolidation::hierarchy::Hierarchies,
    kind: &crate::consolidation::hierarchy::HierarchyKind,
    id: &str,
) -> String {
    to_sorted_json(&HierarchyPlaceJson {
        id,
        kind: kind.as_str(),
        parent: hierarchies.parent(kind, id),
        root: hierarchies.root(kind, id),
        children: hierarchies.children(kind, id),
        ancestors: hierarchies.ancestors(kind, id),
        descendants: hierarchies.descendants(kind, id),
    })
}

/// Any serialisable value as JSON (roll-ups, hierarchy views).
pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("values built in memory serialise")
}

/// A consolidation configuration as JSON, in the shape
/// [`consolidation_config_from_json`] reads, every key present and sorted.
pub fn consolidation_config_to_json(config: &RegistryConfig) -> String {
    to_sorted_json(&ConsolidationConfig {
        survivorship: Some(config.survivorship.clone()),
        default_country: config.default_country.map(|c| c.as_str().to_string()),
        date_order: Some(config.date_order.as_str().to_string()),
        max_block: Some(config.max_block),
        refine_block: Some(config.refine_block),
        merge_threshold: Some(config.model.merge_threshold),
        review_threshold: Some(config.model.review_threshold),
        customers_from_events: Some(config.customers_from_events),
        model: Some(super::matching::MatchModelJson::new(&config.model)),
    })
}

/// An event as JSON, in the shape [`event_from_json`](super::event_from_json)
/// reads, keys sorted.
pub fn event_to_json(event: &crate::model::event::Event) -> String {
    to_sorted_json(&super::EventJson::new(event))
}
