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

use serde::Deserialize;
use serde_json::{json, Value};

use super::read;
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
use crate::standardize::{Country, Finding};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IngestRequest {
    system: String,
    id: String,
    #[serde(default)]
    updated: Option<String>,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsolidationConfig {
    #[serde(default)]
    survivorship: Option<Survivorship>,
    #[serde(default)]
    default_country: Option<String>,
    #[serde(default)]
    date_order: Option<String>,
    #[serde(default)]
    max_block: Option<usize>,
    #[serde(default)]
    refine_block: Option<usize>,
    #[serde(default)]
    merge_threshold: Option<f64>,
    #[serde(default)]
    review_threshold: Option<f64>,
    #[serde(default)]
    customers_from_events: Option<bool>,
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

pub(crate) fn key_json(key: &SourceKey) -> Value {
    json!({"system": key.system, "id": key.id})
}

/// A score with every field's weight: the waterfall a data steward sees.
pub fn score_json(score: &Score) -> Value {
    json!({
        "probability": score.probability,
        "weight": score.weight,
        "prior_weight": score.prior_weight,
        "names_swapped": score.names_swapped,
        "veto_lifted_by": score.veto_lifted_by.map(|(f, level)| json!({"field": f.name(), "level": level})),
        "contributions": score.contributions.iter().map(|c| json!({
            "field": c.field.name(),
            "level": c.level,
            "weight": c.weight,
            "veto": c.veto,
        })).collect::<Vec<_>>(),
    })
}

pub(crate) fn findings_json(findings: &[Finding]) -> Vec<Value> {
    findings
        .iter()
        .map(|f| {
            let mut v = json!({
                "field": f.field,
                "severity": f.problem.severity.as_str(),
                "code": f.problem.code,
                "message": f.problem.message,
            });
            if let Some(s) = &f.problem.suggestion {
                v["suggestion"] = json!(s);
            }
            v
        })
        .collect()
}

/// An ingest outcome (see the module documentation).
pub fn ingested_to_json(out: &Ingested) -> String {
    let candidates: Vec<Value> = out
        .candidates
        .iter()
        .map(|c| {
            let mut v = score_json(&c.score);
            v["golden_id"] = json!(c.golden.to_string());
            v["source"] = key_json(&c.source);
            v["decision"] = json!(c.decision.as_str());
            v
        })
        .collect();
    json!({
        "golden_id": out.golden.to_string(),
        "decision": out.decision.as_str(),
        "candidates": candidates,
        "findings": findings_json(&out.findings),
        "joined": out.joined.iter().map(|m| json!({
            "survivor": m.survivor.to_string(),
            "retired": m.retired.to_string(),
        })).collect::<Vec<_>>(),
    })
    .to_string()
}

/// A golden record: `{"golden_id", "record", "lineage", "emails", "phones",
/// "addresses", "sources"}`; lineage entries are `{"field", "source", "decided",
/// "validated"}` with `decided` as `{"by": "criterion", "criterion":
/// "most_recent"}`, `{"by": "only_source"}`, `{"by": "unanimous"}` or `{"by":
/// "source_key"}`.
pub fn golden_to_json(id: GoldenId, golden: &GoldenRecord) -> String {
    golden_value(&id.to_string(), golden).to_string()
}

/// A golden record as a JSON value in the shape of [`golden_to_json`], with
/// `golden_id` as given (a batch names a customer by its first record's id).
pub fn golden_value(id: &str, golden: &GoldenRecord) -> Value {
    let mut v = serde_json::to_value(golden).expect("golden records serialise");
    v["golden_id"] = json!(id);
    v
}

/// A review pair of a batch as JSON: the pair's [`score_json`] with `"a"`,
/// `"b"` (the records' ids), `"reason"` (`uncertain`, `vetoed` or `chaining`)
/// and `"explanation"` (the reason in words) added; `ids` name the records by
/// index.
pub fn review_pair_value(ids: &[String], review: &ReviewPair) -> Value {
    let mut v = score_json(&review.score);
    v["a"] = json!(ids[review.a as usize]);
    v["b"] = json!(ids[review.b as usize]);
    v["reason"] = json!(review.reason.as_str());
    v["explanation"] = json!(review.explain());
    v
}

/// What every field added to a score, as a JSON object by field name:
/// `{"given_name": {"level": "nickname", "weight": 4.2, "veto": false}, ...}`.
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
pub fn dedup_to_json(
    ids: &[String],
    dedup: &Dedup,
    golden: Option<&[(u32, GoldenRecord)]>,
) -> String {
    let id = |i: u32| ids[i as usize].as_str();
    let reviews: Vec<Value> = dedup
        .reviews()
        .iter()
        .map(|r| review_pair_value(ids, r))
        .collect();
    let mut out = json!({
        "records": dedup.clusters.leader.len(),
        "customers": dedup.customers(),
        "compared_pairs": dedup.compared_pairs,
        "golden": dedup.clusters.leader.iter().map(|&l| id(l)).collect::<Vec<_>>(),
        "reviews": reviews,
        "model": super::matching::match_model_value(&dedup.model),
        "estimate": dedup.estimate.as_ref().map(super::matching::estimate_summary_value),
    });
    if let Some(golden) = golden {
        out["golden_records"] = golden
            .iter()
            .map(|(first, g)| golden_value(id(*first), g))
            .collect();
    }
    out.to_string()
}

/// Reads the options of a batch deduplication: those of
/// [`standardize_options_from_json`](super::standardize_options_from_json)
/// (`default_country`, `today`) and `golden_records`, `true` to have each
/// customer's golden record built too; empty for none.
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
    let mut options: Value = read(text, "options")?;
    let golden = match options
        .as_object_mut()
        .and_then(|o| o.remove("golden_records"))
    {
        None => false,
        Some(Value::Bool(b)) => b,
        Some(other) => {
            return Err(Error::invalid(
                "options.golden_records",
                format!("expected true or false, not {}", clip(&other.to_string())),
            ))
        }
    };
    let options = super::standardize_options_from_json(&options.to_string(), today)?;
    Ok((options, golden))
}

/// The reviews: `[{"record": {"system", "id"}, "golden_id", "candidates":
/// [{"golden_id", "probability", "source"}]}]`.
pub fn reviews_to_json(reviews: &[ReviewItem]) -> String {
    Value::Array(reviews.iter().map(review_value).collect()).to_string()
}

/// One review: `{"record": {"system", "id"}, "golden_id", "candidates":
/// [{"golden_id", "probability", "source"}]}`.
pub(crate) fn review_value(r: &ReviewItem) -> Value {
    json!({
        "record": key_json(&r.record),
        "golden_id": r.golden.to_string(),
        "candidates": r.candidates.iter().map(|(g, p, s)| json!({
            "golden_id": g.to_string(),
            "probability": p,
            "source": key_json(s),
        })).collect::<Vec<_>>(),
    })
}

/// Any serialisable value as JSON (roll-ups, hierarchy views).
pub fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("values built in memory serialise")
}

/// A consolidation configuration as JSON, in the shape
/// [`consolidation_config_from_json`] reads.
pub fn consolidation_config_to_json(config: &RegistryConfig) -> String {
    json!({
        "survivorship": config.survivorship,
        "default_country": config.default_country.map(|c| c.as_str().to_string()),
        "date_order": config.date_order.as_str(),
        "max_block": config.max_block,
        "refine_block": config.refine_block,
        "merge_threshold": config.model.merge_threshold,
        "review_threshold": config.model.review_threshold,
        "customers_from_events": config.customers_from_events,
        "model": super::matching::match_model_value(&config.model),
    })
    .to_string()
}

/// An event as JSON, in the shape [`event_from_json`](super::event_from_json)
/// reads.
pub fn event_to_json(event: &crate::model::event::Event) -> String {
    let mut v = json!({
        "customer": event.customer,
        "at": event.at.to_rfc3339(),
        "kind": event.kind.name(),
    });
    if let Some(id) = &event.id {
        v["id"] = json!(id);
    }
    if let Some(m) = &event.amount {
        v["amount"] = json!(m.minor);
        v["currency"] = json!(m.currency.as_str());
    }
    if let Some(c) = &event.category {
        v["category"] = json!(c);
    }
    if let Some(s) = event.score {
        v["score"] = json!(s);
    }
    if let Some(q) = event.quantity {
        v["quantity"] = json!(q);
    }
    if let Some(r) = &event.reason {
        v["reason"] = json!(r);
    }
    if !event.attributes.is_empty() {
        v["attributes"] = json!(event.attributes);
    }
    v.to_string()
}
