//! Listing what an engine holds, a page at a time: customer ids, golden ids, a
//! golden customer's source records, the records waiting for review.
//!
//! Every listing answers `{"items": [...], "next_cursor": "..." | null}`. Pass
//! `next_cursor` back as `cursor` for the next page; it is `null` after the
//! last one. Cursors are opaque strings: positions in a stable order, not
//! indexes, so a walk returns every item present from its first page to its
//! last exactly once, whatever is added or removed meanwhile. A page costs its
//! own length, whatever the engine holds.

use std::ffi::c_char;

use super::boundary::{into_c_string, optional_str, required_out, required_str, run, Failure};
use super::engine::{ciclo_engine, handle};
use super::status::ciclo_status;
use crate::consolidation::registry::GoldenId;
use crate::json::listing as ljson;

/// The most items one page of a `ciclo_engine_list_*_json` call holds: `max`
/// may be 1 to this.
pub const CICLO_LIST_MAX: u32 = 10000;

/// The cursor argument: NULL or `""` for the first page.
///
/// # Safety
/// `cursor` is NULL or a NUL-terminated string.
unsafe fn cursor_arg<'a>(cursor: *const c_char) -> Result<Option<&'a str>, Failure> {
    Ok(optional_str(cursor, "cursor")?.filter(|c| !c.is_empty()))
}

/// The `max` argument, checked: 1 to `CICLO_LIST_MAX`.
fn max_arg(max: u32) -> Result<usize, Failure> {
    if (1..=CICLO_LIST_MAX).contains(&max) {
        Ok(max as usize)
    } else {
        Err(crate::error::Error::invalid(
            "max",
            format!("{max} items; a page holds 1 to {CICLO_LIST_MAX} (CICLO_LIST_MAX)"),
        )
        .into())
    }
}

/// A page of the ids of the customers with a lifecycle state (those
/// `ciclo_engine_customer_count` counts), in byte order, as JSON:
/// `{"items": ["ana", "eva"], "next_cursor": "eva"}`. Golden customers
/// without events have no state yet: `ciclo_engine_list_golden_ids_json`
/// lists them.
///
/// `cursor` is NULL (or `""`) for the first page, else the `next_cursor` of
/// the page before; `max` is the most ids to answer, 1 to `CICLO_LIST_MAX`.
/// `*out_json` is released with `ciclo_string_free`. Errors:
/// `CICLO_STATUS_INVALID_ARGUMENT` naming `max` out of range,
/// `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`. Thread-safe:
/// each page is one consistent moment.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `customers_page.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `cursor` NULL or a NUL-terminated string;
/// `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_list_customers_json(
    engine: *const ciclo_engine,
    cursor: *const c_char,
    max: u32,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_list_customers_json", || {
        let h = handle(engine)?;
        let after = cursor_arg(cursor)?;
        required_out(out_json, "out_json")?;
        let page = h.engine.customers_page(after, max_arg(max)?)?;
        *out_json = into_c_string(ljson::customers_page_to_json(&page));
        Ok(())
    })
}

/// A page of the live golden ids, by number (`G2` before `G10`), as JSON:
/// `{"items": ["G1", "G2"], "next_cursor": "G2"}`. Every golden customer is
/// listed, with events or not.
///
/// `cursor` and `max` as for `ciclo_engine_list_customers_json`. `*out_json`
/// is released with `ciclo_string_free`. Errors:
/// `CICLO_STATUS_INVALID_ARGUMENT` naming `max`, or `cursor` for one this
/// listing did not give; `CICLO_STATUS_NULL_ARGUMENT`,
/// `CICLO_STATUS_INVALID_UTF8`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `golden_ids_page.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `cursor` NULL or a NUL-terminated string;
/// `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_list_golden_ids_json(
    engine: *const ciclo_engine,
    cursor: *const c_char,
    max: u32,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_list_golden_ids_json", || {
        let h = handle(engine)?;
        let after = cursor_arg(cursor)?;
        required_out(out_json, "out_json")?;
        let page = h.engine.golden_ids_page(after, max_arg(max)?)?;
        *out_json = into_c_string(ljson::golden_ids_page_to_json(&page));
        Ok(())
    })
}

/// A page of the source records of golden customer `golden_id`, in the order
/// the engine first received them, as JSON: `{"golden_id": "G1", "items":
/// [{"system": "crm", "id": "C-1"}], "next_cursor": null}`. A golden id
/// retired by a merge stands for the customer it was merged into, which
/// `golden_id` names.
///
/// `cursor` and `max` as for `ciclo_engine_list_customers_json`. `*out_json`
/// is released with `ciclo_string_free`. Errors: `CICLO_STATUS_NOT_FOUND`
/// for a golden id never issued or erased; `CICLO_STATUS_INVALID_ARGUMENT`
/// naming `golden_id` (not a golden id), `max`, or `cursor` for one this
/// listing did not give; `CICLO_STATUS_NULL_ARGUMENT`,
/// `CICLO_STATUS_INVALID_UTF8`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `sources_page.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `golden_id` a NUL-terminated string; `cursor`
/// NULL or a NUL-terminated string; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_list_sources_json(
    engine: *const ciclo_engine,
    golden_id: *const c_char,
    cursor: *const c_char,
    max: u32,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_list_sources_json", || {
        let h = handle(engine)?;
        let text = required_str(golden_id, "golden_id")?;
        let golden: GoldenId = text.parse()?;
        let after = cursor_arg(cursor)?;
        required_out(out_json, "out_json")?;
        let (live, page) = h.engine.golden_sources_page(golden, after, max_arg(max)?)?;
        *out_json = into_c_string(ljson::sources_page_to_json(live, &page));
        Ok(())
    })
}

/// A page of the records waiting for a data steward, in the order of their
/// keys (system, then id), as JSON: `{"items": [{"record": {"system", "id"},
/// "golden_id", "candidates": [{"golden_id", "probability", "source"}]}],
/// "next_cursor": ...}` (each item as in `ciclo_engine_reviews_json`).
///
/// `cursor` and `max` as for `ciclo_engine_list_customers_json`. `*out_json`
/// is released with `ciclo_string_free`. Errors:
/// `CICLO_STATUS_INVALID_ARGUMENT` naming `max`, or `cursor` for one this
/// listing did not give; `CICLO_STATUS_NULL_ARGUMENT`,
/// `CICLO_STATUS_INVALID_UTF8`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `reviews_page.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `cursor` NULL or a NUL-terminated string;
/// `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_list_reviews_json(
    engine: *const ciclo_engine,
    cursor: *const c_char,
    max: u32,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_list_reviews_json", || {
        let h = handle(engine)?;
        let after = cursor_arg(cursor)?;
        required_out(out_json, "out_json")?;
        let page = h.engine.reviews_page(after, max_arg(max)?)?;
        *out_json = into_c_string(ljson::reviews_page_to_json(&page));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_c_bound_is_the_engines() {
        assert_eq!(super::CICLO_LIST_MAX as usize, crate::engine::MAX_PAGE);
    }
}
