//! Record consolidation through the engine: ingest at the point of entry, golden
//! records, the cross-reference, a data steward's merge, unmerge and reviews,
//! hierarchies, and batch deduplication of many records.

use std::ffi::{c_char, c_void};

use super::boundary::{into_c_string, optional_str, required_out, required_str, run, Failure};
use super::engine::{ciclo_engine, handle};
use super::status::ciclo_status;
use crate::consolidation::dedup::{deduplicate, deduplicate_golden, DedupOptions, Progress};
use crate::consolidation::golden::{SourceKey, Survivorship};
use crate::consolidation::hierarchy::HierarchyKind;
use crate::consolidation::registry::GoldenId;
use crate::engine::Engine;
use crate::json::consolidation as cjson;
use crate::json::matching as mjson;
use crate::model::time::Timestamp;

/// The current time, from the system clock: the FFI layer's part.
fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    Timestamp::from_millis(ms, "now").expect("the clock is in range")
}

unsafe fn golden_arg(ptr: *const c_char, arg: &'static str) -> Result<GoldenId, Failure> {
    let text = required_str(ptr, arg)?;
    text.parse::<GoldenId>().map_err(|_| {
        Failure::Core(crate::error::Error::invalid(
            arg,
            format!(
                "`{}` is not a golden id (`G` and a number, as `G42`)",
                crate::model::time::clip(text)
            ),
        ))
    })
}

unsafe fn source_arg(system: *const c_char, id: *const c_char) -> Result<SourceKey, Failure> {
    Ok(SourceKey::new(
        required_str(system, "system")?,
        required_str(id, "id")?,
    )?)
}

unsafe fn kind_arg(kind: *const c_char) -> Result<HierarchyKind, Failure> {
    Ok(HierarchyKind::new(required_str(kind, "kind")?)?)
}

/// Reads the arguments of a link and applies `op` to them.
///
/// # Safety
/// As `ciclo_engine_link`.
unsafe fn with_link(
    engine: *const ciclo_engine,
    kind: *const c_char,
    parent: *const c_char,
    child: *const c_char,
    op: fn(&Engine, &HierarchyKind, &str, &str) -> crate::error::Result<()>,
) -> Result<(), Failure> {
    let h = handle(engine)?;
    op(
        &h.engine,
        &kind_arg(kind)?,
        required_str(parent, "parent")?,
        required_str(child, "child")?,
    )?;
    Ok(())
}

/// Sets how the engine matches records and builds golden records, before the
/// first `ciclo_engine_ingest_json`.
///
/// `config_json` is an object with any of `survivorship` (`{"source_priority":
/// ["erp", "crm"], "default": ["validated", "most_recent"], "fields": {"email":
/// ["source_priority", "most_recent"]}}`; criteria: `validated`, `most_recent`,
/// `most_frequent`, `source_priority`, `most_complete`; fields: `name`,
/// `company`, `email`, `phone`, `mobile`, `address`, `country`, `birth_date`,
/// `national_id`), `default_country` (`"AR"`), `date_order` (`"dmy"`, the
/// default: a birth date of numbers only, `01/02/1990`, is read day first;
/// `"mdy"` reads it month first, as in the United States, like the batch
/// option of `ciclo_dedup_json`), `max_block` (200: a blocking key
/// shared by more records finds none), `refine_block` (24: a key shared by more
/// finds only those sharing initials, birth year or second surname too),
/// `merge_threshold`, `review_threshold`, `customers_from_events` (false: once
/// consolidation is configured every customer is a golden id, and an event or
/// import naming another id is `CICLO_STATUS_NOT_FOUND`; true also takes
/// customers created by their first event), `model` (a whole match model, as
/// `ciclo_dedup_json` and `ciclo_engine_estimate_model_json` answer with:
/// ingests are scored with it). Without `model` the installed match model is
/// kept (the built-in one, or one `ciclo_engine_set_match_model_json` or an
/// earlier configuration installed); `merge_threshold` and
/// `review_threshold`, when given, override the thresholds of the model used.
/// Keys not given take their defaults, not earlier settings. Snapshots keep
/// every setting. Hierarchy links made before are
/// kept. Errors: `CICLO_STATUS_INVALID_CONFIG` naming the setting (an
/// empty chain, a criterion twice, `source_priority` with no systems listed;
/// `date_order` other than `"dmy"` or `"mdy"`;
/// a bad model by its path, `model.fields.birth_date.levels.exact.m`),
/// `CICLO_STATUS_CONFLICT` once records are registered, `CICLO_STATUS_INVALID_JSON`,
/// `CICLO_STATUS_UNKNOWN_FIELD`. Nothing changes on an error. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `config_json`:
/// `consolidation_config.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `config_json` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_configure_consolidation(
    engine: *const ciclo_engine,
    config_json: *const c_char,
) -> ciclo_status {
    run("ciclo_engine_configure_consolidation", || {
        let h = handle(engine)?;
        let text = required_str(config_json, "config_json")?;
        h.engine.configure_consolidation_with(|installed| {
            cjson::consolidation_config_from_json_over(text, installed)
        })?;
        Ok(())
    })
}

/// Matches a source record at the point of entry and stores it.
///
/// `request_json` is `{"system": "crm", "id": "C-1042", "updated":
/// "2026-11-23T10:00:00Z", "record": {...}}` (`updated`, when the source system
/// last changed the record, defaults to now; `record` has the fields of
/// `ciclo_record_standardize_json`). The record is standardised, compared with
/// the customers it shares a blocking key with, and merged into one, sent to
/// review, or made a new customer; a known `system`/`id` is an update.
///
/// `*out_json` receives `{"golden_id": "G7", "decision":
/// "new"|"merged"|"review"|"updated", "candidates": [...], "findings": [...],
/// "joined": [{"survivor": "G7", "retired": "G9"}]}`: each candidate with its
/// probability and the weight every field added, each naming a live golden id
/// (customers the record joined are one candidate, the survivor); `joined` the customers the
/// record showed to be one (it merged with more than one: they are merged, as
/// by `ciclo_engine_merge`), usually empty.
/// Release it with `ciclo_string_free`. Send the customer's events with the
/// golden id as `customer`. Errors: `CICLO_STATUS_INVALID_ARGUMENT` (a record
/// with every field empty, an empty system or id, a text longer than the
/// engine's `record_json_bytes` naming `request`, a field longer than its
/// `record_field_bytes` naming it, as `record.surname`), `CICLO_STATUS_CONFLICT` (an
/// update older than the stored version), `CICLO_STATUS_INVALID_JSON`,
/// `CICLO_STATUS_UNKNOWN_FIELD`, `CICLO_STATUS_INVALID_TIMESTAMP`. Nothing
/// changes on an error. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `request_json`: `ingest.schema.json`;
/// `*out_json`: `ingest_outcome.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `request_json` a NUL-terminated string; `out_json`
/// valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_ingest_json(
    engine: *const ciclo_engine,
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_ingest_json", || {
        let h = handle(engine)?;
        required_out(out_json, "out_json")?;
        let (key, updated, record) = cjson::ingest_from_json_with(
            required_str(request_json, "request_json")?,
            now(),
            &h.engine.limits(),
        )?;
        let out = h.engine.ingest(key, updated, record)?;
        *out_json = into_c_string(cjson::ingested_to_json(&out));
        Ok(())
    })
}

/// The golden record of a customer as JSON: `{"golden_id", "record", "lineage",
/// "emails", "phones", "addresses", "sources"}` — the surviving values, where
/// each came from and which rule chose it, and every alternate email, phone and
/// address with its sources. A golden id retired by a merge gives the customer
/// it was merged into (see `golden_id` in the result).
///
/// Errors: `CICLO_STATUS_NOT_FOUND`, `CICLO_STATUS_INVALID_ARGUMENT` (not a
/// golden id). Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `golden.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `golden_id` a NUL-terminated string; `out_json`
/// valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_golden_json(
    engine: *const ciclo_engine,
    golden_id: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_golden_json", || {
        let h = handle(engine)?;
        required_out(out_json, "out_json")?;
        let (live, golden) = h.engine.golden(golden_arg(golden_id, "golden_id")?)?;
        *out_json = into_c_string(cjson::golden_to_json(live, &golden));
        Ok(())
    })
}

/// The cross-reference: the golden id (`G7`) of the record `id` of source system
/// `system`, released with `ciclo_string_free`. Errors: `CICLO_STATUS_NOT_FOUND`.
/// Thread-safe.
///
/// # Safety
/// `engine` is a live engine; `system` and `id` NUL-terminated strings;
/// `out_golden_id` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_golden_of(
    engine: *const ciclo_engine,
    system: *const c_char,
    id: *const c_char,
    out_golden_id: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_golden_of", || {
        let h = handle(engine)?;
        required_out(out_golden_id, "out_golden_id")?;
        let golden = h.engine.golden_of(&source_arg(system, id)?)?;
        *out_golden_id = into_c_string(golden.to_string());
        Ok(())
    })
}

/// Merges two golden customers (a data steward's decision). The older id
/// survives and is written to `*out_survivor` (release with
/// `ciclo_string_free`; NULL to ignore it); the other resolves to it from now on.
/// Their events combine and the survivor's lifecycle stage is recomputed.
///
/// A golden id retired by an earlier merge stands for the customer it was
/// merged into. Errors: `CICLO_STATUS_INVALID_ARGUMENT` (a customer merged with
/// itself, also through a retired id), `CICLO_STATUS_NOT_FOUND` (an id never
/// issued or erased). Nothing changes on an error. Thread-safe.
///
/// # Safety
/// `engine` is a live engine; `a` and `b` NUL-terminated strings;
/// `out_survivor` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_merge(
    engine: *const ciclo_engine,
    a: *const c_char,
    b: *const c_char,
    out_survivor: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_merge", || {
        let h = handle(engine)?;
        let merged = h.engine.merge(golden_arg(a, "a")?, golden_arg(b, "b")?)?;
        if !out_survivor.is_null() {
            *out_survivor = into_c_string(merged.survivor.to_string());
        }
        Ok(())
    })
}

/// Takes the record `id` of `system` out of its golden customer and makes it a
/// customer of its own; `*out_golden_id` receives its golden id (the one it had
/// before it was merged, when that id is free, else a new one; release with
/// `ciclo_string_free`; NULL to ignore). The customer it leaves is recomputed
/// without it.
///
/// Errors: `CICLO_STATUS_NOT_FOUND` (an unknown record), `CICLO_STATUS_CONFLICT`
/// (the record is its customer's only one: nothing to unmerge). Nothing changes
/// on an error. Thread-safe.
///
/// # Safety
/// `engine` is a live engine; `system` and `id` NUL-terminated strings;
/// `out_golden_id` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_unmerge(
    engine: *const ciclo_engine,
    system: *const c_char,
    id: *const c_char,
    out_golden_id: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_unmerge", || {
        let h = handle(engine)?;
        let back = h.engine.unmerge(&source_arg(system, id)?)?;
        if !out_golden_id.is_null() {
            *out_golden_id = into_c_string(back.to_string());
        }
        Ok(())
    })
}

/// Removes the record `id` of `system` (its system deleted it, or the person
/// asked to be forgotten): the golden record becomes exactly the one the
/// customer's other records make, as if this record had never been ingested;
/// the record's reviews and the review candidates naming it go too. A customer
/// left without records is erased as by `ciclo_engine_remove_customer`. The
/// customer's events stay with the customer.
///
/// If `out_json` is not NULL it receives `{"golden_id": "G7", "erased":
/// false}`: the customer the record was in, and whether it was erased with it
/// (release with `ciclo_string_free`).
///
/// Errors: `CICLO_STATUS_NOT_FOUND` (a record never ingested or already
/// removed), `CICLO_STATUS_INVALID_ARGUMENT` (an empty system or id). Nothing
/// changes on an error. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `source_removed.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `system` and `id` NUL-terminated strings;
/// `out_json` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_remove_source(
    engine: *const ciclo_engine,
    system: *const c_char,
    id: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_remove_source", || {
        let h = handle(engine)?;
        let removed = h.engine.remove_source(&source_arg(system, id)?)?;
        if !out_json.is_null() {
            *out_json = into_c_string(cjson::source_removed_to_json(&removed));
        }
        Ok(())
    })
}

/// The records waiting for a data steward, as JSON: `[{"record": {"system",
/// "id"}, "golden_id", "candidates": [{"golden_id", "probability", "source"}]}]`.
/// Release with `ciclo_string_free`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `reviews.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_reviews_json(
    engine: *const ciclo_engine,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_reviews_json", || {
        let h = handle(engine)?;
        required_out(out_json, "out_json")?;
        *out_json = into_c_string(cjson::reviews_to_json(&h.engine.reviews()));
        Ok(())
    })
}

/// Drops the review of the record `id` of `system`: the steward decided it is a
/// customer of its own. Errors: `CICLO_STATUS_NOT_FOUND`. Thread-safe.
///
/// # Safety
/// `engine` is a live engine; `system` and `id` NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_dismiss_review(
    engine: *const ciclo_engine,
    system: *const c_char,
    id: *const c_char,
) -> ciclo_status {
    run("ciclo_engine_dismiss_review", || {
        let h = handle(engine)?;
        h.engine.dismiss_review(&source_arg(system, id)?)?;
        Ok(())
    })
}

/// Links `child` under `parent` in the hierarchy `kind` (`"household"`,
/// `"company_contacts"`, `"corporate"`, or a custom name). Both are golden ids
/// or customer ids the engine tracks. Linking the same pair twice is fine.
///
/// Errors: `CICLO_STATUS_NOT_FOUND` (an unknown customer),
/// `CICLO_STATUS_CONFLICT` (a link that would make a cycle, naming its path, or
/// a child that already has another parent in that hierarchy),
/// `CICLO_STATUS_INVALID_ARGUMENT` (a customer linked to itself, a bad kind
/// name), `CICLO_STATUS_CONFLICT` for a link that would put a customer more
/// than the engine's `hierarchy_depth` (64 by default) links below its root;
/// the check walks at most that many ancestors. Nothing changes on an error.
/// Thread-safe.
///
/// # Safety
/// `engine` is a live engine; the strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_link(
    engine: *const ciclo_engine,
    kind: *const c_char,
    parent: *const c_char,
    child: *const c_char,
) -> ciclo_status {
    run("ciclo_engine_link", || {
        with_link(engine, kind, parent, child, Engine::link)
    })
}

/// Removes the link of `child` under `parent` in the hierarchy `kind`.
/// Errors: `CICLO_STATUS_NOT_FOUND` (no such link). Thread-safe.
///
/// # Safety
/// `engine` is a live engine; the strings NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_unlink(
    engine: *const ciclo_engine,
    kind: *const c_char,
    parent: *const c_char,
    child: *const c_char,
) -> ciclo_status {
    run("ciclo_engine_unlink", || {
        with_link(engine, kind, parent, child, Engine::unlink)
    })
}

/// A customer's place in the hierarchy `kind`, as JSON: `{"id", "kind",
/// "parent", "root", "children", "ancestors" (nearest first), "descendants"}`.
/// A customer with no links is its own root; a golden id retired by a merge
/// answers for the customer it was merged into (`id` names it). Release with
/// `ciclo_string_free`. Errors: `CICLO_STATUS_NOT_FOUND` for an id that is
/// neither a customer the engine tracks, a golden id, nor in a hierarchy.
/// Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `hierarchy.schema.json`.
///
/// # Safety
/// `engine` is a live engine; the strings NUL-terminated; `out_json` valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_hierarchy_json(
    engine: *const ciclo_engine,
    kind: *const c_char,
    id: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_hierarchy_json", || {
        let h = handle(engine)?;
        required_out(out_json, "out_json")?;
        let kind = kind_arg(kind)?;
        let id = required_str(id, "id")?;
        let text = h
            .engine
            .with_hierarchy_of(id, |hs, id| cjson::hierarchy_place_to_json(hs, &kind, id))?;
        *out_json = into_c_string(text);
        Ok(())
    })
}

/// The revenue (minor units) of a customer and everything below it in the
/// hierarchy `kind` (the revenue of a corporate group), from the lifecycle
/// states, as JSON: `{"kind", "root", "total", "missing", "nodes": [{"id",
/// "parent", "depth", "own", "subtotal"}]}`; `missing` counts members without a
/// lifecycle state. Release with `ciclo_string_free`. Errors:
/// `CICLO_STATUS_INVALID_ARGUMENT` for a bad kind name or an overflowing sum.
/// Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `roll_up.schema.json`.
///
/// # Safety
/// `engine` is a live engine; the strings NUL-terminated; `out_json` valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_roll_up_json(
    engine: *const ciclo_engine,
    kind: *const c_char,
    id: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_roll_up_json", || {
        let h = handle(engine)?;
        required_out(out_json, "out_json")?;
        let roll_up = h
            .engine
            .revenue_roll_up(&kind_arg(kind)?, required_str(id, "id")?)?;
        *out_json = into_c_string(cjson::to_json(&roll_up));
        Ok(())
    })
}

/// Estimates the match model from the records the engine holds, as
/// `ciclo_dedup_json` does from an export (`u` from seeded random pairs of
/// records, `m` and the share of duplicates by expectation-maximisation over
/// the pairs sharing a blocking key, starting from the installed model, whose
/// fields, vetoes and thresholds it keeps), and installs it: records ingested
/// from now on are scored with it, and snapshots keep it. Records already
/// held stay where they are.
///
/// `options_json` is NULL, `""` or an object with any of `u_sample` (10000
/// random pairs, at most 10,000,000), `seed` (0), `max_iterations` (100, at
/// most 10,000), `tolerance` (1e-6), `m_pseudo_pairs` (10),
/// `u_pseudo_pairs` (1000), `min_matches` (20), `min_u_pairs` (1000),
/// `min_pairs` (100), `floor` (1e-6). With too few records nothing is
/// learned and the model stays as it was.
///
/// On success `*out_json` receives `{"model": {...}, "estimate":
/// {"estimated": true, "u": {"sampled_pairs", "estimated": [fields]}, "m":
/// {"pairs", "patterns", "matches", "iterations", "converged", "estimated":
/// [fields]} | null}}`: the model now installed, in the shape
/// `ciclo_engine_configure_consolidation` takes as `"model"`, and how it was
/// estimated. Release with `ciclo_string_free`. Errors:
/// `CICLO_STATUS_INVALID_ARGUMENT` naming an option out of bounds,
/// `CICLO_STATUS_CONFLICT` when another call installed a model meanwhile
/// (nothing installed: call again), `CICLO_STATUS_INVALID_JSON`,
/// `CICLO_STATUS_UNKNOWN_FIELD`. Nothing changes on an error. Thread-safe:
/// queries go on while it runs, ingests wait.
///
/// JSON Schemas in `include/schema/`: `options_json`: `estimate_options.schema.json`;
/// `*out_json`: `estimate.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `options_json` NULL or a NUL-terminated
/// string; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_estimate_model_json(
    engine: *const ciclo_engine,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_estimate_model_json", || {
        let h = handle(engine)?;
        required_out(out_json, "out_json")?;
        let options =
            mjson::em_options_from_json(optional_str(options_json, "options_json")?.unwrap_or(""))?;
        let estimate = h.engine.estimate_model(&options)?;
        *out_json = into_c_string(mjson::estimate_to_json(&estimate));
        Ok(())
    })
}

/// Installs a match model (`{"prior", "merge_threshold", "review_threshold",
/// "fields", "veto_lifters"}`, as `ciclo_dedup_json` answers with): records
/// ingested from now on are scored with it, before or after the first ingest
/// (`ciclo_engine_configure_consolidation` takes one only before, and keeps
/// this one when its configuration has no `"model"`). Records
/// already held stay where they are; the candidates of records waiting for
/// review are scored again. Snapshots keep it. Errors:
/// `CICLO_STATUS_INVALID_CONFIG` naming the path at fault (a missing level,
/// `fields.birth_date.levels.two_typos`; an `m` or `u` outside (0, 1]; an
/// unknown field or level), `CICLO_STATUS_INVALID_JSON`,
/// `CICLO_STATUS_UNKNOWN_FIELD`. Nothing changes on an error. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `model_json`: `match_model.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `model_json` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_set_match_model_json(
    engine: *const ciclo_engine,
    model_json: *const c_char,
) -> ciclo_status {
    run("ciclo_engine_set_match_model_json", || {
        let h = handle(engine)?;
        let model = mjson::match_model_from_json(required_str(model_json, "model_json")?)?;
        h.engine.set_match_model(model)?;
        Ok(())
    })
}

/// The match model ingests are scored with (not the stage model of
/// `ciclo_engine_model_json`), as JSON in the shape
/// `ciclo_engine_set_match_model_json` reads. Release with `ciclo_string_free`.
/// Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `match_model.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_match_model_json(
    engine: *const ciclo_engine,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_match_model_json", || {
        let h = handle(engine)?;
        required_out(out_json, "out_json")?;
        *out_json = into_c_string(mjson::match_model_to_json(&h.engine.match_model()));
        Ok(())
    })
}

/// Called now and then by `ciclo_dedup_json` with the step (`"standardize"`,
/// `"block"`, `"compare"`, `"estimate"`, `"score"`, `"cluster"`, and with
/// golden records `"golden"`: a static NUL-terminated string), the units
/// of the step done and in all, and the caller's `user` pointer.
pub type ciclo_progress_fn =
    Option<unsafe extern "C" fn(user: *mut c_void, step: *const c_char, done: usize, total: usize)>;

/// Deduplicates many records at once (a whole export), without an engine.
///
/// `records_jsonl` holds one JSON object per line: `{"id": "r1", "given_name":
/// ..., ...}` with the record fields of `ciclo_record_standardize_json` and the
/// record's `id`. `options_json` is NULL, `""` or `{"default_country": "AR",
/// "today": "2026-11-23", "date_order": "dmy", "golden_records": true}`, every
/// key optional (`date_order`: how dates of numbers only are read, `dmy` by
/// default or `mdy`).
/// `progress` (may be NULL) is called on the calling thread as the work goes.
///
/// `*out_json` receives `{"records": n, "customers": k, "compared_pairs": p,
/// "golden": ["r1", "r1", "r3", ...], "reviews": [...], "model": {...},
/// "estimate": {...}}`: in `golden`, for every input record, in input order,
/// the id of the first record of its customer; `reviews` are the pairs left to
/// a data steward, one per pair of customers, most probable first: `{"a": "r5",
/// "b": "r9", "reason": "vetoed", "explanation": "vetoed: given_name
/// different", "probability", "weight", "prior_weight", "names_swapped",
/// "veto_lifted_by", "contributions": [{"field", "level", "weight",
/// "veto"}]}` (`reason`: `uncertain` between the thresholds, `vetoed` when one
/// field keeps a pair that would merge apart, such as twins, `chaining` when
/// merging would link records that differ);
/// `model` is the match model the batch scored with, estimated from the
/// records (install it in an engine with `"model"` in
/// `ciclo_engine_configure_consolidation`, or with
/// `ciclo_engine_set_match_model_json`), and `estimate` how it was estimated
/// (`{"estimated", "u": {"sampled_pairs", "estimated"}, "m": {"pairs",
/// "patterns", "matches", "iterations", "converged", "estimated"} |
/// null}`). With `"golden_records": true` it also
/// holds `"golden_records"`: each customer's golden record, in the order of
/// their first records, in the shape of `ciclo_engine_golden_json` with the
/// first record's id as `golden_id` and the records as sources of system
/// `batch`, built by the default survivorship (the records carry no dates: the
/// smallest key breaks ties). Deterministic. Release with
/// `ciclo_string_free`. Errors: `CICLO_STATUS_INVALID_JSON` and
/// `CICLO_STATUS_UNKNOWN_FIELD` naming the line, `CICLO_STATUS_INVALID_ARGUMENT`
/// for a missing, empty or repeated `id` or bad options (naming the option),
/// `CICLO_STATUS_NULL_ARGUMENT`,
/// `CICLO_STATUS_INVALID_UTF8`.
///
/// JSON Schemas in `include/schema/`: `options_json`: `dedup_options.schema.json`;
/// `records_jsonl`: `dedup_record.schema.json` (each line); `*out_json`:
/// `dedup.schema.json`.
///
/// # Safety
/// `records_jsonl` is a NUL-terminated string, `options_json` NULL or one;
/// `progress` NULL or a function safe to call with `user`; `out_json` valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_dedup_json(
    records_jsonl: *const c_char,
    options_json: *const c_char,
    progress: ciclo_progress_fn,
    user: *mut c_void,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_dedup_json", || {
        required_out(out_json, "out_json")?;
        let text = required_str(records_jsonl, "records_jsonl")?;
        let (options, want_golden) = cjson::dedup_options_from_json(
            optional_str(options_json, "options_json")?.unwrap_or(""),
            time::OffsetDateTime::now_utc().date(),
        )?;
        let export = crate::import::read_json_lines(text.as_bytes())?;
        // The records' keys in the golden records, checked before any work.
        let keys = if want_golden {
            let mut keys = Vec::with_capacity(export.ids.len());
            for (line, id) in export.ids.iter().enumerate() {
                keys.push(SourceKey::new("batch", id).map_err(|e| {
                    crate::Error::invalid(
                        format!("records_jsonl record {}", line + 1),
                        e.to_string(),
                    )
                })?);
            }
            Some(keys)
        } else {
            None
        };
        let steps: [(&str, &std::ffi::CStr); 7] = [
            ("standardize", c"standardize"),
            ("block", c"block"),
            ("compare", c"compare"),
            ("estimate", c"estimate"),
            ("score", c"score"),
            ("cluster", c"cluster"),
            ("golden", c"golden"),
        ];
        let mut report = |p: Progress| {
            if let Some(f) = progress {
                let step = steps
                    .iter()
                    .find(|(name, _)| *name == p.step)
                    .map_or(c"work".as_ptr(), |(_, c)| c.as_ptr());
                f(user, step, p.done, p.total);
            }
        };
        let options = DedupOptions::new(options);
        let (dedup, golden) = match keys {
            Some(keys) => {
                let (dedup, golden) = deduplicate_golden(
                    &export.records,
                    &keys,
                    Timestamp::from_millis(0, "updated")?,
                    &options,
                    &Survivorship::default(),
                    &mut report,
                )?;
                (dedup, Some(golden))
            }
            None => (deduplicate(&export.records, &options, &mut report), None),
        };
        let out = cjson::dedup_to_json(&export.ids, &dedup, golden.as_deref());
        *out_json = into_c_string(out);
        Ok(())
    })
}
