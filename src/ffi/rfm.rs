//! RFM over an engine's customers, JSON out.

use std::ffi::c_char;

use super::boundary::{into_c_string, optional_str, required_out, run};
use super::engine::{ciclo_engine, handle};
use super::status::ciclo_status;
use crate::json::rfm as rjson;

/// RFM of the engine's customers as of a moment, per currency: each
/// customer with a purchase before `as_of` gets recency, frequency and
/// monetary scores 1 to 5 (quintiles of the ranks among the customers who
/// bought in that currency, 5 best) and a named segment from the R and F
/// scores (`champions`, `loyal_customers`, `potential_loyalists`,
/// `new_customers`, `promising`, `need_attention`, `about_to_sleep`,
/// `at_risk`, `cant_lose_them`, `hibernating`, `lost`), plus the customers
/// and spend per segment of the whole base.
///
/// From the totals the engine keeps per customer: recency is whole days
/// from the day of the latest purchase (any currency) to the day of
/// `as_of`; frequency counts purchases paid in the currency (not distinct
/// orders); monetary is purchase and renewal revenue in the currency, in
/// minor units. A customer paying in two currencies is scored in each. Ties
/// rank by first purchase, then by a fixed hash of the id: the same base
/// scores the same in every engine and after a restore.
///
/// `options_json` is NULL, `""` or `{"as_of": "2026-03-01T00:00:00Z",
/// "cursor": null, "limit": 1000}`, every key optional: `as_of` defaults to
/// the start of the UTC day after the engine's latest tick or event;
/// `limit` (1 to 10000, default 1000) is how many customers of the customer
/// listing (`ciclo_engine_list_customers_json`) a page covers, and `cursor`
/// the previous page's `next_cursor`. A page holds rows only for the
/// customers of its part of the listing who bought before `as_of`: it may
/// hold fewer rows than `limit`, even none, and still name a next page.
/// Every page scores the whole base again (linear in the customers; the
/// counts come with every page), so the output of one call is bounded by
/// `limit` rows and 11 segments per currency.
///
/// `*out_json` receives `{"as_of", "currencies": [{"currency": "ARS",
/// "customers": 120, "segments": [{"segment": "champions", "label":
/// "Champions", "customers": 9, "monetary": 1250000}, ...]}], "customers":
/// [{"customer", "currency", "recency_days", "frequency", "monetary", "r",
/// "f", "m", "segment"}], "next_cursor"}`. An empty base (or one without
/// purchases) gives no currency and no row, not an error (`as_of` is
/// `null` when the engine has seen nothing and none was given). Release it
/// with `ciclo_string_free`.
///
/// Errors: `CICLO_STATUS_INVALID_ARGUMENT` naming `options.as_of` when a
/// customer's latest purchase is not before it (the engine keeps running
/// totals, so RFM is as of a moment after every purchase) or
/// `options.limit` outside 1 to 10000 (a cursor is a position in the
/// listing's order: any string is one); `CICLO_STATUS_INVALID_JSON` (an `as_of` that is not
/// RFC 3339 among them), `CICLO_STATUS_UNKNOWN_FIELD` naming the option,
/// `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`; `*out_json`
/// is left untouched on an error. Thread-safe: shards are read one after
/// another while other threads apply events.
///
/// JSON Schemas in `include/schema/`: `options_json`:
/// `rfm_options.schema.json`; `*out_json`: `rfm.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `options_json` NULL or a NUL-terminated
/// string; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_rfm_json(
    engine: *const ciclo_engine,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_rfm_json", || {
        let h = handle(engine)?;
        let options = rjson::rfm_options_from_json(
            optional_str(options_json, "options_json")?.unwrap_or(""),
        )?;
        required_out(out_json, "out_json")?;
        let page = h.engine.rfm(&options).map_err(|e| e.within("options."))?;
        *out_json = into_c_string(rjson::rfm_to_json(&page));
        Ok(())
    })
}
