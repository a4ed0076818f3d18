//! JSON Schemas (draft 2020-12) of every JSON document that crosses the C
//! ABI, generated from the Rust types that read and write them.
//!
//! Needs the `schema` feature (off by default: a Rust crate depending on
//! ciclo compiles no schemars). The schemas are committed under
//! `include/schema/`, one file per document (`event.schema.json`,
//! `golden.schema.json`, ...), with `index.json` saying which C function
//! takes or returns which; `tests/schema.rs` regenerates them and fails on
//! any difference (`CICLO_BLESS=1 cargo test --features schema --test
//! schema` rewrites them), and validates real outputs of the C functions
//! against them.
//!
//! # The wire types
//!
//! Every document is a Rust type of [`crate::json`] (or a serde type of the
//! pure modules, such as [`ModelConfig`](crate::lifecycle::ModelConfig) or
//! [`Record`](crate::model::Record)), and the C functions read and write
//! JSON only through those types, so a schema cannot drift from what is
//! read or written:
//!
//! - a document the C ABI only reads ([`Direction::Read`]) has the schema of
//!   what its type accepts: optional keys are those with a default, unknown
//!   keys are refused (`"additionalProperties": false`) as the reader
//!   refuses them;
//! - a document it only writes ([`Direction::Write`]) has the schema of what
//!   its type writes: every key always written is required, and the objects
//!   are closed (`"additionalProperties": false`), so that a test catches a
//!   key the schema does not describe;
//! - a document it both reads and writes ([`Direction::Both`]: a state, the
//!   limits, a match model, a retention configuration, fitted models) has
//!   the schema of what it reads, which every output satisfies (what the
//!   library writes, it reads back to the same value).
//!
//! A schema says the shape; some rules are checked only when a document is
//! read (a stage named by a rule exists, `recency` is at most `T`, an amount
//! has a currency, the preset's name is known...), and those errors name the
//! field at fault. A few documents are read in two steps, so that errors
//! name what is wrong more precisely than a type error would: a
//! configuration is a preset or a whole model ([`Document`] `engine_config`),
//! a batch line is a record with an `id` (`dedup_record`), a match model's
//! missing keys are `CICLO_STATUS_INVALID_CONFIG` naming their path. Their
//! schemas still come from the types they are read into.
//!
//! Documents written from JSON values before they were typed (consolidation,
//! matching, standardisation, the hierarchy and removal answers) keep every
//! object's keys sorted, as they always had; the others keep their fields'
//! order. Key order is not part of any schema.

pub(crate) mod scalars;

use schemars::generate::SchemaSettings;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

/// Whether the C ABI reads a document, writes it, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Only read (a configuration, an event, options).
    Read,
    /// Only written (an outcome, a golden record, a report).
    Write,
    /// Read and written in the same shape (a state, the limits, a match
    /// model, a retention configuration, fitted models).
    Both,
}

impl Direction {
    /// `read`, `write` or `both`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Read => "read",
            Direction::Write => "write",
            Direction::Both => "both",
        }
    }
}

/// One JSON document of the C ABI and its schema.
#[derive(Clone, Copy, Debug)]
pub struct Document {
    /// The document's name; its schema is `include/schema/NAME.schema.json`.
    pub name: &'static str,
    /// What it holds, in a few words.
    pub title: &'static str,
    /// Whether the C ABI reads it, writes it, or both.
    pub direction: Direction,
    /// The functions that take it, as `function(argument)`.
    pub taken_by: &'static [&'static str],
    /// The functions that return it, as `function(out-parameter)`.
    pub returned_by: &'static [&'static str],
    schema: fn(&mut SchemaGenerator) -> Schema,
}

impl Document {
    /// The schema's file name: `NAME.schema.json`.
    pub fn file_name(&self) -> String {
        format!("{}.schema.json", self.name)
    }

    /// The schema, as a JSON value.
    pub fn schema(&self) -> Value {
        let settings = SchemaSettings::draft2020_12();
        let settings = match self.direction {
            Direction::Read | Direction::Both => settings.for_deserialize(),
            Direction::Write => settings.for_serialize(),
        };
        let mut generator = settings.into_generator();
        let root = (self.schema)(&mut generator);
        let mut schema = Map::new();
        schema.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        schema.insert("title".into(), json!(self.title));
        if let Value::Object(root) = root.to_value() {
            for (key, value) in root {
                if key != "$schema" && key != "title" {
                    schema.insert(key, value);
                }
            }
        }
        let definitions = generator.take_definitions(true);
        if !definitions.is_empty() {
            schema.insert("$defs".into(), Value::Object(definitions));
        }
        let mut schema = Value::Object(schema);
        if self.direction == Direction::Write {
            close_objects(&mut schema);
        }
        tidy(&mut schema);
        schema
    }

    /// The schema file's text: pretty JSON, keys sorted, ending in a newline.
    pub fn text(&self) -> String {
        let mut text = serde_json::to_string_pretty(&self.schema()).expect("schemas serialise");
        text.push('\n');
        text
    }
}

/// Marks every object schema that lists its properties and says nothing of
/// others as closed (`"additionalProperties": false`). An object whose
/// properties are completed by the branches of a `oneOf`, `anyOf` or `allOf`
/// (a flattened enum: a change of the feed) is closed with
/// `"unevaluatedProperties": false` instead, and those branches are left
/// open: each sees only its own part of the object.
fn close_objects(value: &mut Value) {
    close(value, true);
}

fn close(value: &mut Value, closable: bool) {
    const COMBINATORS: [&str; 3] = ["oneOf", "anyOf", "allOf"];
    match value {
        Value::Object(map) => {
            let has_properties = map.contains_key("properties");
            let combined = has_properties && COMBINATORS.iter().any(|k| map.contains_key(*k));
            if has_properties
                && closable
                && !map.contains_key("additionalProperties")
                && !map.contains_key("unevaluatedProperties")
            {
                let key = if combined {
                    "unevaluatedProperties"
                } else {
                    "additionalProperties"
                };
                map.insert(key.into(), Value::Bool(false));
            }
            for (key, child) in map.iter_mut() {
                if key == "enum" || key == "const" || key == "default" {
                    continue;
                }
                if combined && COMBINATORS.contains(&key.as_str()) {
                    if let Value::Array(branches) = child {
                        for branch in branches {
                            close(branch, false);
                        }
                    }
                } else {
                    close(child, true);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| close(v, closable)),
        _ => {}
    }
}

/// Makes the schemas read well outside Rust: descriptions (the rustdoc of
/// the types) lose their line wrapping and their links to Rust items, and a
/// nullable value restricted to some names admits `null` too (what serde
/// reads as absent).
fn tidy(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(text)) = map.get_mut("description") {
                *text = plain_text(text);
            }
            let nullable = match map.get("type") {
                Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
                _ => false,
            };
            if let (true, Some(Value::Array(names))) = (nullable, map.get_mut("enum")) {
                if !names.contains(&Value::Null) {
                    names.push(Value::Null);
                }
            }
            for (key, child) in map.iter_mut() {
                if key != "enum" && key != "const" && key != "default" {
                    tidy(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}

/// A rustdoc paragraph as plain text: lines of a paragraph joined (list items
/// kept on lines of their own), `` [`name`](path) `` and `` [`name`] `` as
/// `` `name` ``, `[text](path)` as `text`.
fn plain_text(doc: &str) -> String {
    let paragraphs: Vec<String> = doc
        .split("\n\n")
        .map(|paragraph| {
            let mut out = String::new();
            for (i, line) in paragraph.lines().enumerate() {
                if i > 0 {
                    out.push(if line.starts_with("- ") { '\n' } else { ' ' });
                }
                out.push_str(line.trim());
            }
            out
        })
        .collect();
    let text = paragraphs.join("\n\n");
    // Links: `[label](target)` keeps the label, `` [`name`] `` the name;
    // other brackets (JSON arrays in examples) stay.
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let Some(close) = rest.find(']') else {
            break;
        };
        let label = &rest[1..close];
        let after = &rest[close + 1..];
        let target = after
            .strip_prefix('(')
            .and_then(|t| t.find(')').map(|end| (end, &t[..end])))
            .filter(|(_, t)| !t.is_empty() && !t.contains(' '));
        if let Some((end, _)) = target {
            out.push_str(label);
            rest = &after[end + 2..];
        } else if label.len() > 1 && label.starts_with('`') && label.ends_with('`') {
            out.push_str(label);
            rest = after;
        } else {
            out.push('[');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The root schema of `T`.
fn root<T: JsonSchema + ?Sized>(generator: &mut SchemaGenerator) -> Schema {
    generator.root_schema_for::<T>()
}

/// The names `{"preset": NAME}` accepts.
pub(crate) fn preset_names(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "enum": crate::lifecycle::presets::PRESETS,
        "description": "The preset's name."
    })
}

/// A record of a batch: the record's fields and its `id` (one JSON object
/// per line of `records_jsonl`).
#[derive(serde::Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // the batch reader reads the `id` apart, to name the line
pub(crate) struct BatchRecordJson {
    /// The record's id, unique in the batch and not empty.
    #[schemars(length(min = 1))]
    id: String,
    #[serde(flatten)]
    record: crate::model::Record,
}

macro_rules! documents {
    ($($name:literal, $title:literal, $direction:ident, $ty:ty,
       takes: [$($taken:literal),*], returns: [$($returned:literal),*];)*) => {
        /// Every JSON document of the C ABI, in the order of `index.json`.
        pub const DOCUMENTS: &[Document] = &[$(Document {
            name: $name,
            title: $title,
            direction: Direction::$direction,
            taken_by: &[$($taken),*],
            returned_by: &[$($returned),*],
            schema: root::<$ty>,
        }),*];
    };
}

use super::consolidation as c;
use super::matching as m;
use super::retention as r;

documents! {
    "engine_config", "Stage model configuration: a preset or a whole model", Read,
        super::ConfigJson,
        takes: ["ciclo_engine_new(config_json)", "ciclo_model_new(config_json)"], returns: [];
    "stage_model", "Stage model", Both, crate::lifecycle::ModelConfig,
        takes: [],
        returns: ["ciclo_engine_model_json(out_json)"];
    "event", "Event", Read, super::EventJson,
        takes: ["ciclo_engine_apply_json(event_json)", "ciclo_model_step_json(event_json)"],
        returns: [];
    "outcome", "Outcome of applying an event", Write, super::OutcomeJson<'static>,
        takes: [],
        returns: ["ciclo_engine_apply_json(out_outcome_json)",
                  "ciclo_model_step_json(out_outcome_json)"];
    "tick_report", "Tick report", Write, super::TickReportJson<'static>,
        takes: [],
        returns: ["ciclo_engine_tick(out_report_json)", "ciclo_model_tick_json(out_report_json)"];
    "state", "Customer lifecycle state", Both, crate::lifecycle::StateRecord,
        takes: ["ciclo_model_step_json(state_json)", "ciclo_model_tick_json(state_json)",
                "ciclo_engine_import_customer(state_json)"],
        returns: ["ciclo_model_step_json(out_state_json)", "ciclo_model_tick_json(out_state_json)",
                  "ciclo_engine_customer_state_json(out_json)"];
    "customer", "Customer with stays and state", Write, super::CustomerJson<'static>,
        takes: [], returns: ["ciclo_engine_customer_json(out_json)"];
    "limits", "Limits on inputs", Both, crate::model::Limits,
        takes: ["ciclo_engine_set_limits_json(limits_json)"],
        returns: ["ciclo_engine_limits_json(out_json)"];
    "record", "Customer record", Read, crate::model::Record,
        takes: ["ciclo_record_standardize_json(record_json)",
                "ciclo_record_blocking_keys_json(record_json)",
                "ciclo_records_score_json(a_json)", "ciclo_records_score_json(b_json)"],
        returns: [];
    "standardize_options", "Standardisation options", Read, super::StandardizeOptionsJson,
        takes: ["ciclo_record_standardize_json(options_json)",
                "ciclo_record_blocking_keys_json(options_json)"],
        returns: [];
    "standardized", "Standardised record", Write, super::standardize::StandardizedJson<'static>,
        takes: [], returns: ["ciclo_record_standardize_json(out_json)"];
    "consolidation_config", "Consolidation configuration", Read, c::ConsolidationConfig,
        takes: ["ciclo_engine_configure_consolidation(config_json)"], returns: [];
    "ingest", "Ingest request", Read, c::IngestRequest,
        takes: ["ciclo_engine_ingest_json(request_json)"], returns: [];
    "ingest_outcome", "Ingest outcome", Write, c::IngestedJson<'static>,
        takes: [], returns: ["ciclo_engine_ingest_json(out_json)"];
    "golden", "Golden record", Write, c::GoldenJson<'static>,
        takes: [], returns: ["ciclo_engine_golden_json(out_json)"];
    "source_removed", "Removed source record", Write, c::SourceRemovedJson,
        takes: [], returns: ["ciclo_engine_remove_source(out_json)"];
    "reviews", "Records waiting for review", Write, Vec<c::ReviewJson<'static>>,
        takes: [], returns: ["ciclo_engine_reviews_json(out_json)"];
    "hierarchy", "A customer's place in a hierarchy", Write, c::HierarchyPlaceJson<'static>,
        takes: [], returns: ["ciclo_engine_hierarchy_json(out_json)"];
    "roll_up", "Revenue roll-up of a hierarchy", Write,
        crate::consolidation::hierarchy::RollUp,
        takes: [], returns: ["ciclo_engine_roll_up_json(out_json)"];
    "estimate_options", "Match model estimation options", Read, m::EmOptionsJson,
        takes: ["ciclo_engine_estimate_model_json(options_json)"], returns: [];
    "estimate", "Estimated match model", Write, m::EstimateJson,
        takes: [], returns: ["ciclo_engine_estimate_model_json(out_json)"];
    "match_model", "Match model", Both, m::MatchModelJson,
        takes: ["ciclo_engine_set_match_model_json(model_json)"],
        returns: ["ciclo_engine_match_model_json(out_json)"];
    "dedup_record", "Batch record (one line of records_jsonl)", Read, BatchRecordJson,
        takes: ["ciclo_dedup_json(records_jsonl)"], returns: [];
    "dedup_options", "Batch deduplication options", Read, c::DedupOptionsJson,
        takes: ["ciclo_dedup_json(options_json)"], returns: [];
    "dedup", "Batch deduplication", Write, c::DedupJson<'static>,
        takes: [], returns: ["ciclo_dedup_json(out_json)"];
    "blocking_keys", "Blocking keys of a record", Write, m::BlockingKeysJson<'static>,
        takes: [], returns: ["ciclo_record_blocking_keys_json(out_json)"];
    "score_options", "Pair scoring options", Read, m::ScoreOptionsJson,
        takes: ["ciclo_records_score_json(options_json)"], returns: [];
    "pair_score", "Score of a pair of records", Write, m::PairScoreJson<'static>,
        takes: [], returns: ["ciclo_records_score_json(out_json)"];
    "population", "Population of customer summaries", Read, r::PopulationJson,
        takes: ["ciclo_models_fit_json(population_json)",
                "ciclo_models_predict_json(population_json)"],
        returns: [];
    "fit_options", "Model fitting options", Read, r::FitOptionsJson,
        takes: ["ciclo_models_fit_json(options_json)"], returns: [];
    "models", "Customer-base models (BG/NBD and Gamma-Gamma)", Both, r::ModelsJson,
        takes: ["ciclo_models_predict_json(models_json)"],
        returns: ["ciclo_models_fit_json(out_json)"];
    "predict_options", "Prediction options", Read, r::PredictOptionsJson,
        takes: ["ciclo_models_predict_json(options_json)"], returns: [];
    "predictions", "Predictions", Write, r::PredictionsJson<'static>,
        takes: [], returns: ["ciclo_models_predict_json(out_json)"];
    "retention_config", "Retention configuration", Both, crate::retention::TriggerConfig,
        takes: ["ciclo_engine_set_retention_json(config_json)"],
        returns: ["ciclo_engine_retention_json(out_json)"];
    "firings", "Retention firings", Write, r::FiringsJson<'static>,
        takes: [], returns: ["ciclo_engine_evaluate_json(out_json)"];
    "signals", "A customer's retention signals", Write, r::SignalsJson<'static>,
        takes: [], returns: ["ciclo_engine_signals_json(out_json)"];
    "churn", "A customer's churn risk", Write, r::ChurnJson<'static>,
        takes: [], returns: ["ciclo_engine_churn_json(out_json)"];
    "engine_fit_options", "Options of fitting the models on an engine", Read,
        r::EngineFitOptionsJson,
        takes: ["ciclo_engine_fit_models_json(options_json)"], returns: [];
    "engine_fits", "Models fitted on an engine's customers", Write, r::EngineFitsJson<'static>,
        takes: [], returns: ["ciclo_engine_fit_models_json(out_json)"];
    "win_back_candidates", "Win-back candidates", Write, r::WinBackCandidatesJson<'static>,
        takes: [], returns: ["ciclo_engine_win_back_json(out_json)"];
    "win_back_stats", "Win-back outcomes", Write, r::WinBackStatsJson<'static>,
        takes: [], returns: ["ciclo_engine_win_back_stats_json(out_json)"];
    "affinity_options", "Options of learning product affinities", Read,
        super::offers::AffinityOptionsJson,
        takes: ["ciclo_engine_learn_affinities_json(options_json)"], returns: [];
    "affinities", "Product affinities learned", Write,
        super::offers::AffinitySummaryJson<'static>,
        takes: [], returns: ["ciclo_engine_learn_affinities_json(out_json)"];
    "next_best_offers", "A customer's next best offers", Write,
        super::offers::NextBestOffersJson<'static>,
        takes: [], returns: ["ciclo_engine_next_best_offers_json(out_json)"];
    "changes", "A page of the change feed", Write, super::changes::ChangePageJson<'static>,
        takes: [], returns: ["ciclo_engine_changes_json(out_json)"];
    "change_batch", "Changes given to a change callback", Write,
        super::changes::ChangeBatchJson<'static>,
        takes: [], returns: ["ciclo_change_fn(changes_json)"];
    "change_retention", "Change feed retention", Both, super::changes::RetentionJson,
        takes: ["ciclo_engine_set_change_retention_json(retention_json)"],
        returns: ["ciclo_engine_change_retention_json(out_json)"];
    "stage_counts", "Customers per stage", Write, super::stages::StageCountsJson<'static>,
        takes: [], returns: ["ciclo_engine_stage_counts_json(out_json)"];
    "customers_page", "A page of customer ids", Write,
        super::listing::PageJson<'static, &'static str>,
        takes: [], returns: ["ciclo_engine_list_customers_json(out_json)",
                             "ciclo_engine_list_segment_members_json(out_json)"];
    "golden_ids_page", "A page of golden ids", Write,
        super::listing::PageJson<'static, crate::consolidation::registry::GoldenId>,
        takes: [], returns: ["ciclo_engine_list_golden_ids_json(out_json)"];
    "sources_page", "A page of a golden customer's source records", Write,
        super::listing::SourcesPageJson<'static>,
        takes: [], returns: ["ciclo_engine_list_sources_json(out_json)"];
    "reviews_page", "A page of records waiting for review", Write,
        super::listing::PageJson<'static, c::ReviewJson<'static>>,
        takes: [], returns: ["ciclo_engine_list_reviews_json(out_json)"];
    "funnel_options", "Funnel options", Read, super::analytics::FunnelOptionsJson,
        takes: ["ciclo_engine_funnel_json(options_json)", "ciclo_engine_funnel_svg(options_json)"],
        returns: [];
    "funnel", "Funnel of a period", Write, super::analytics::FunnelJson<'static>,
        takes: [], returns: ["ciclo_engine_funnel_json(out_json)"];
    "drop_off_options", "Drop-off options", Read, super::analytics::DropOffOptionsJson,
        takes: ["ciclo_engine_drop_off_json(options_json)"], returns: [];
    "drop_off", "Drop-off of a stage, by reason", Write, super::analytics::DropOffJson<'static>,
        takes: [], returns: ["ciclo_engine_drop_off_json(out_json)"];
    "cohort_options", "Cohort options", Read, super::analytics::CohortOptionsJson,
        takes: ["ciclo_engine_cohorts_json(options_json)"], returns: [];
    "cohorts", "Cohorts by acquisition month, churn and value", Write,
        super::analytics::CohortsJson<'static>,
        takes: [], returns: ["ciclo_engine_cohorts_json(out_json)"];
    "rfm_options", "Options of RFM over an engine", Read, super::rfm::RfmOptionsJson,
        takes: ["ciclo_engine_rfm_json(options_json)"], returns: [];
    "rfm", "RFM scores and segments of an engine's customers", Write,
        super::rfm::RfmPageJson<'static>,
        takes: [], returns: ["ciclo_engine_rfm_json(out_json)"];
    "attributes", "Host attributes to set", Read, super::segments::AttributesJson,
        takes: ["ciclo_engine_set_attributes_json(attributes_json)"], returns: [];
    "customer_segments", "A customer's segments", Write,
        super::segments::CustomerSegmentsJson<'static>,
        takes: [], returns: ["ciclo_engine_segments_json(out_json)"];
    "segment_counts", "Customers per segment", Write,
        super::segments::SegmentCountsJson<'static>,
        takes: [], returns: ["ciclo_engine_segment_counts_json(out_json)"];
}

/// `index.json`: every document with its schema file, direction and the
/// functions that take or return it, and every function with the schemas of
/// its arguments and out-parameters.
pub fn index() -> String {
    let documents: Vec<Value> = DOCUMENTS
        .iter()
        .map(|d| {
            json!({
                "name": d.name,
                "title": d.title,
                "schema": d.file_name(),
                "direction": d.direction.as_str(),
                "taken_by": d.taken_by,
                "returned_by": d.returned_by,
            })
        })
        .collect();
    let mut functions: std::collections::BTreeMap<&str, Map<String, Value>> = Default::default();
    for d in DOCUMENTS {
        for (uses, side) in [(d.taken_by, "takes"), (d.returned_by, "returns")] {
            for usage in uses {
                let (function, argument) = usage
                    .split_once('(')
                    .map(|(f, a)| (f, a.trim_end_matches(')')))
                    .expect("usages are function(argument)");
                let entry = functions.entry(function).or_default();
                let side = entry
                    .entry(side)
                    .or_insert_with(|| Value::Object(Map::new()));
                let side = side.as_object_mut().expect("an object");
                let files = side
                    .entry(argument)
                    .or_insert_with(|| Value::Array(Vec::new()));
                files
                    .as_array_mut()
                    .expect("an array")
                    .push(json!(d.file_name()));
            }
        }
    }
    let index = json!({
        "description": "The JSON documents of ciclo's C ABI: which function takes or returns which schema. Generated by tests/schema.rs from src/json/schema.rs; do not edit.",
        "documents": documents,
        "functions": functions,
    });
    let mut text = serde_json::to_string_pretty(&index).expect("the index serialises");
    text.push('\n');
    text
}

/// Every file of `include/schema/`: each document's schema and `index.json`,
/// as (file name, text).
pub fn files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = DOCUMENTS
        .iter()
        .map(|d| (d.file_name(), d.text()))
        .collect();
    files.push(("index.json".into(), index()));
    files
}

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn descriptions_read_as_plain_text() {
        assert_eq!(
            plain_text("Where each field came from, in\n[`GoldenField::ALL`] order.\n\nSee [the docs](crate::json)."),
            "Where each field came from, in `GoldenField::ALL` order.\n\nSee the docs."
        );
        assert_eq!(
            plain_text("Forms:\n- `{\"all\": [c, ...]}`;\n- `{\"not\": c}`."),
            "Forms:\n- `{\"all\": [c, ...]}`;\n- `{\"not\": c}`."
        );
        assert_eq!(
            plain_text("in [0, 1] and [x](a b)"),
            "in [0, 1] and [x](a b)"
        );
    }
}
