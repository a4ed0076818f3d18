//! What a CRM's dashboard asks of an engine's lifecycle: customers per stage,
//! and a lead's decayed score.

use std::ffi::c_char;

use super::boundary::{into_c_string, required_out, required_str, run, Failure};
use super::engine::{ciclo_engine, handle};
use super::status::ciclo_status;
use crate::model::time::Timestamp;

/// A customer's lead score at `now_ms` (milliseconds since the Unix epoch,
/// UTC): the points of their events (`lead_scoring.points`) decayed with the
/// model's half-life to `now_ms`, or to the customer's latest event when
/// `now_ms` is earlier. `*out_score` receives it; `*out_qualified`, when not
/// NULL, 1 if it is at least the model's `lead_scoring.threshold`, else 0.
/// A golden id retired by a merge answers for the customer it was merged
/// into.
///
/// Errors: `CICLO_STATUS_NOT_FOUND` for an unknown customer,
/// `CICLO_STATUS_INVALID_TIMESTAMP` for `now_ms` out of range,
/// `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`. Nothing is
/// written on an error. Thread-safe.
///
/// # Safety
/// `engine` is a live engine; `customer_id` a NUL-terminated string;
/// `out_score` valid for writes; `out_qualified` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_lead_score(
    engine: *const ciclo_engine,
    customer_id: *const c_char,
    now_ms: i64,
    out_score: *mut f64,
    out_qualified: *mut u8,
) -> ciclo_status {
    run("ciclo_engine_lead_score", || {
        let h = handle(engine)?;
        let id = required_str(customer_id, "customer_id")?;
        required_out(out_score, "out_score")?;
        let now = Timestamp::from_millis(now_ms, "now_ms")?;
        let lead = h.engine.lead_score(id, now)?;
        *out_score = lead.score;
        if !out_qualified.is_null() {
            *out_qualified = u8::from(lead.qualified);
        }
        Ok(())
    })
}

/// Customers per stage: `out_counts[i]` receives how many customers are in
/// stage `i` (names through `ciclo_engine_stage_name`), for every stage of
/// the model (`ciclo_engine_stage_count` of them). `capacity` is how many
/// counts `out_counts` holds; a `capacity` below the number of stages is
/// `CICLO_STATUS_OUT_OF_RANGE` and nothing is written. Shards are counted one
/// after another: with writers at work, the counts are of moments
/// microseconds apart. Thread-safe.
///
/// Errors: `CICLO_STATUS_OUT_OF_RANGE`, `CICLO_STATUS_NULL_ARGUMENT`.
///
/// # Safety
/// `engine` is a live engine; `out_counts` valid for `capacity` writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_stage_counts(
    engine: *const ciclo_engine,
    out_counts: *mut u64,
    capacity: u32,
) -> ciclo_status {
    run("ciclo_engine_stage_counts", || {
        let h = handle(engine)?;
        required_out(out_counts, "out_counts")?;
        let stages = h.engine.model().stages().len();
        if (capacity as usize) < stages {
            return Err(Failure::OutOfRange(format!(
                "capacity {capacity}; the model has {stages} stages"
            )));
        }
        let counts = h.engine.stage_counts();
        // SAFETY: the host gives `capacity` counts, at least `stages`.
        let out = std::slice::from_raw_parts_mut(out_counts, stages);
        for (slot, (_, n)) in out.iter_mut().zip(counts) {
            *slot = n as u64;
        }
        Ok(())
    })
}

/// Customers per stage as JSON, in the model's order: `{"customers": 5000,
/// "stages": [{"stage": "awareness", "customers": 1200}, ...]}`. Release
/// `*out_json` with `ciclo_string_free`. Counted as by
/// `ciclo_engine_stage_counts`. Thread-safe.
///
/// Errors: `CICLO_STATUS_NULL_ARGUMENT`.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `stage_counts.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_stage_counts_json(
    engine: *const ciclo_engine,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_stage_counts_json", || {
        let h = handle(engine)?;
        required_out(out_json, "out_json")?;
        let counts = h.engine.stage_counts();
        *out_json = into_c_string(crate::json::stages::stage_counts_to_json(
            h.engine.model(),
            &counts,
        ));
        Ok(())
    })
}
