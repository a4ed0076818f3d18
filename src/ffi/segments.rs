//! Host attributes and rule segments: set a customer's attributes, read their
//! segments, count and list a segment's members, re-evaluate segments as of a
//! moment.
//!
//! Attributes and segments are declared in the stage model's configuration
//! (`ciclo_engine_new`'s `config_json`: `"attributes"` and `"segments"`, see
//! `engine_config.schema.json`). A declared attribute carried by any event
//! sets the customer's attribute too.

use std::ffi::c_char;

use super::boundary::{into_c_string, optional_str, required_out, required_str, run};
use super::engine::{ciclo_engine, handle};
use super::listing::CICLO_LIST_MAX;
use super::status::ciclo_status;
use crate::json::segments as sjson;
use crate::model::time::Timestamp;

/// Sets or removes host attributes of a customer, given as a JSON object of
/// attribute names to values: `{"province": "Córdoba", "employees": 40,
/// "birth_date": "1980-05-17", "industry": null}` (`null` removes the
/// attribute). Every name must be declared in the model's `attributes`, each
/// value of its type: a number for a `number` (within its bounds), a
/// `"YYYY-MM-DD"` string for a `date`, a string for a `text`, one of the
/// declared values for a `category`. The customer's segments are then
/// re-evaluated; changes and segment entries take effect at the customer's
/// watermark (their latest event: the engine has no clock of its own). The
/// change feed gets an `attributes_changed` change (the names, not the
/// values) and, when membership moved, a `segments_changed` one. A merge
/// keeps attributes set this way (the survivor's, then the retired
/// customer's where the survivor has none).
///
/// Errors: `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`,
/// `CICLO_STATUS_INVALID_JSON` (malformed JSON, not an object, a value that
/// is not a number, string or null, a repeated name), `CICLO_STATUS_NOT_FOUND`
/// (unknown customer: a customer exists from their first event),
/// `CICLO_STATUS_INVALID_ARGUMENT` naming the attribute
/// (`attributes.province`) when it is not declared or its value is of the
/// wrong type. On error nothing changes. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `attributes_json`: `attributes.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `customer_id` and `attributes_json`
/// NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_set_attributes_json(
    engine: *const ciclo_engine,
    customer_id: *const c_char,
    attributes_json: *const c_char,
) -> ciclo_status {
    run("ciclo_engine_set_attributes_json", || {
        let h = handle(engine)?;
        let id = required_str(customer_id, "customer_id")?;
        let text = required_str(attributes_json, "attributes_json")?;
        let attributes = sjson::attributes_from_json(text)?;
        let refs: Vec<(&str, Option<crate::model::AttrValue>)> = attributes
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        h.engine.set_attributes(id, &refs)?;
        Ok(())
    })
}

/// The segments a customer is in, with when they entered each, as JSON:
/// `{"customer": "ana", "segments": [{"segment": "smes", "entered":
/// "2026-03-01T10:00:00Z"}]}`, in the model's order (as of the customer's
/// last evaluation: an event, a tick that moved them, a
/// `ciclo_engine_set_attributes_json` or `ciclo_engine_refresh_segments`).
/// A golden id retired by a merge stands for the customer it was merged into,
/// whom `customer` names. Release `*out_json` with `ciclo_string_free`.
///
/// Errors: `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`,
/// `CICLO_STATUS_NOT_FOUND`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `customer_segments.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `customer_id` a NUL-terminated string;
/// `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_segments_json(
    engine: *const ciclo_engine,
    customer_id: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_segments_json", || {
        let h = handle(engine)?;
        let id = required_str(customer_id, "customer_id")?;
        required_out(out_json, "out_json")?;
        let text = h.engine.with_resolved(id, |live, s| {
            sjson::customer_segments_to_json(h.engine.model(), live, s.segments())
        })?;
        *out_json = into_c_string(text);
        Ok(())
    })
}

/// Members per segment as JSON, in the model's order: `{"segments":
/// [{"segment": "smes", "customers": 120}, ...]}` (a customer may be in
/// several; `[]` when the model has no segment). Shards are counted one after
/// another, as `ciclo_engine_stage_counts` does. Release `*out_json` with
/// `ciclo_string_free`.
///
/// Errors: `CICLO_STATUS_NULL_ARGUMENT`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `segment_counts.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_segment_counts_json(
    engine: *const ciclo_engine,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_segment_counts_json", || {
        let h = handle(engine)?;
        required_out(out_json, "out_json")?;
        let counts = h.engine.segment_counts();
        *out_json = into_c_string(sjson::segment_counts_to_json(h.engine.model(), &counts));
        Ok(())
    })
}

/// A page of the members of a segment, in byte order of their ids, as JSON:
/// `{"items": ["ana", "eva"], "next_cursor": "eva"}`. `cursor` is NULL (or
/// `""`) for the first page, else the `next_cursor` of the page before; `max`
/// is the most ids to answer, 1 to `CICLO_LIST_MAX`. A page reads the
/// customers after the cursor until it has `max` members: its cost grows with
/// the customers between two members. Release `*out_json` with
/// `ciclo_string_free`.
///
/// Errors: `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`,
/// `CICLO_STATUS_NOT_FOUND` (a segment the model does not have),
/// `CICLO_STATUS_INVALID_ARGUMENT` naming `max` out of range. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `customers_page.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `segment` a NUL-terminated string; `cursor`
/// NULL or a NUL-terminated string; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_list_segment_members_json(
    engine: *const ciclo_engine,
    segment: *const c_char,
    cursor: *const c_char,
    max: u32,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_list_segment_members_json", || {
        let h = handle(engine)?;
        let segment = required_str(segment, "segment")?;
        let cursor = optional_str(cursor, "cursor")?.filter(|c| !c.is_empty());
        required_out(out_json, "out_json")?;
        if !(1..=CICLO_LIST_MAX).contains(&max) {
            return Err(crate::error::Error::invalid(
                "max",
                format!("{max} items; a page holds 1 to {CICLO_LIST_MAX} (CICLO_LIST_MAX)"),
            )
            .into());
        }
        let page = h.engine.segment_members(segment, cursor, max as usize)?;
        *out_json = into_c_string(crate::json::listing::customers_page_to_json(&page));
        Ok(())
    })
}

/// Re-evaluates every segment of every customer as of `now_ms`
/// (milliseconds since the Unix epoch, UTC), for conditions that change with
/// time alone (`days_since_last_purchase`); customers entering a segment
/// enter it at `now_ms`. Customers whose latest event is later than `now_ms`
/// are not evaluated. If not NULL, `*out_entered` receives the entries into
/// a segment and `*out_left` the exits; each customer whose membership moved
/// gets a `segments_changed` change on the feed.
///
/// Errors: `CICLO_STATUS_NULL_ARGUMENT` (engine),
/// `CICLO_STATUS_INVALID_TIMESTAMP` (outside years 0001-9999). Thread-safe;
/// shards are visited one after another.
///
/// # Safety
/// `engine` is a live engine; `out_entered` and `out_left` NULL or valid for
/// writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_refresh_segments(
    engine: *const ciclo_engine,
    now_ms: i64,
    out_entered: *mut u64,
    out_left: *mut u64,
) -> ciclo_status {
    run("ciclo_engine_refresh_segments", || {
        let h = handle(engine)?;
        let now = Timestamp::from_millis(now_ms, "now_ms")?;
        let done = h.engine.refresh_segments(now);
        if !out_entered.is_null() {
            *out_entered = done.entered as u64;
        }
        if !out_left.is_null() {
            *out_left = done.left as u64;
        }
        Ok(())
    })
}
