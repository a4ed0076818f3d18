//! The engine handle: create, apply events, tick, query, snapshot and restore.

use std::ffi::{c_char, CString};

use super::boundary::{
    into_c_string, required_out, required_str, run, write_optional_string, Failure,
};
use super::event::{ciclo_event, ciclo_outcome, to_c_outcome, with_event};
use super::memory::into_c_bytes;
use super::status::ciclo_status;
use crate::engine::Engine;
use crate::json;
use crate::model::time::Timestamp;

/// An engine: a thread-safe registry of customers and their lifecycle states under
/// one stage model. Opaque; create with `ciclo_engine_new` or `ciclo_engine_restore`,
/// release with `ciclo_engine_free`. Share it freely between threads.
pub struct ciclo_engine {
    pub(super) engine: Engine,
    stage_names: Vec<CString>,
    rule_names: Vec<CString>,
}

impl ciclo_engine {
    fn boxed(engine: Engine) -> *mut ciclo_engine {
        let c = |s: &str| CString::new(s).unwrap_or_default();
        let stage_names = engine.model().stages().iter().map(|s| c(s)).collect();
        let rule_names = engine.model().rules().iter().map(|r| c(&r.name)).collect();
        Box::into_raw(Box::new(ciclo_engine {
            engine,
            stage_names,
            rule_names,
        }))
    }
}

/// # Safety
/// `ptr` is NULL or a live engine.
pub(super) unsafe fn handle<'a>(ptr: *const ciclo_engine) -> Result<&'a ciclo_engine, Failure> {
    ptr.as_ref().ok_or(Failure::Null("engine"))
}

/// Renders one customer's state with `render` into `*out_json`.
///
/// # Safety
/// As the exported functions that call it.
unsafe fn write_customer(
    engine: *const ciclo_engine,
    customer_id: *const c_char,
    out_json: *mut *mut c_char,
    render: impl FnOnce(&crate::lifecycle::StageModel, &str, &crate::lifecycle::CustomerState) -> String,
) -> Result<(), Failure> {
    let h = handle(engine)?;
    let id = required_str(customer_id, "customer_id")?;
    required_out(out_json, "out_json")?;
    let text = h
        .engine
        .with_resolved(id, |live, s| render(h.engine.model(), live, s))?;
    *out_json = into_c_string(text);
    Ok(())
}

/// The borrowed C string of a stage or rule name by index.
fn name_at(names: &[CString], index: u32, what: &str) -> Result<*const c_char, Failure> {
    names
        .get(index as usize)
        .map(|n| n.as_ptr())
        .ok_or_else(|| {
            Failure::OutOfRange(format!(
                "{what} index {index}; the model has {} {what}s",
                names.len()
            ))
        })
}

/// Creates an engine from a configuration in JSON: NULL or `""` for the default
/// preset (`six_stage`), `{"preset": "five_stage"}` for another preset, or a whole
/// stage model (see the README for its shape).
///
/// On success `*out` receives the engine, to be released with `ciclo_engine_free`.
/// Errors: `CICLO_STATUS_INVALID_JSON`, `CICLO_STATUS_UNKNOWN_FIELD`,
/// `CICLO_STATUS_INVALID_CONFIG`, `CICLO_STATUS_UNKNOWN_STAGE`,
/// `CICLO_STATUS_UNKNOWN_METRIC`, `CICLO_STATUS_UNKNOWN_EVENT_KIND`,
/// `CICLO_STATUS_INVALID_UTF8`, `CICLO_STATUS_NULL_ARGUMENT` (for `out`).
/// Thread-safe.
///
/// JSON Schemas in `include/schema/`: `config_json`: `engine_config.schema.json`.
///
/// # Safety
/// `config_json` is NULL or a NUL-terminated string; `out` is valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_new(
    config_json: *const c_char,
    out: *mut *mut ciclo_engine,
) -> ciclo_status {
    run("ciclo_engine_new", || {
        required_out(out, "out")?;
        let text = super::boundary::optional_str(config_json, "config_json")?.unwrap_or("");
        let model = json::config_from_json(text)?;
        *out = ciclo_engine::boxed(Engine::new(model));
        Ok(())
    })
}

/// Releases an engine and every state in it. `ciclo_engine_free(NULL)` does nothing.
/// No other thread may be using the engine.
///
/// # Safety
/// `engine` is NULL or an engine from this library not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_free(engine: *mut ciclo_engine) {
    if !engine.is_null() {
        super::boundary::run_infallible((), || drop(Box::from_raw(engine)));
    }
}

/// Applies one event given as JSON (see the README for its shape), creating the
/// customer on their first event.
///
/// If `out_outcome_json` is not NULL it receives the outcome as JSON (stage after
/// the event, transition with rule, reason and evidence), to be released with
/// `ciclo_string_free`. Errors name the field: `CICLO_STATUS_INVALID_JSON`,
/// `CICLO_STATUS_UNKNOWN_FIELD`, `CICLO_STATUS_UNKNOWN_EVENT_KIND`,
/// `CICLO_STATUS_INVALID_TIMESTAMP`, `CICLO_STATUS_INVALID_AMOUNT`,
/// `CICLO_STATUS_INVALID_ARGUMENT`, `CICLO_STATUS_OUT_OF_ORDER`, and once
/// consolidation is configured
/// `CICLO_STATUS_NOT_FOUND` for a golden id never issued or erased, or an id
/// that is not a golden id (unless `customers_from_events`, or the customer was
/// tracked before). An event for a golden id retired by a merge goes to the
/// customer it was merged into, and the outcome's `customer` names that one.
/// A customer may pay in several currencies: amounts are kept per currency
/// (the state's `purchases.other_currencies`), never added across them.
/// On error nothing changes. The engine's limits
/// (`ciclo_engine_set_limits_json`) apply: a text longer than
/// `event_json_bytes` is refused before it is parsed
/// (`CICLO_STATUS_INVALID_ARGUMENT` naming `event`), too many or too long
/// `attributes` as they are read (`CICLO_STATUS_INVALID_JSON` naming
/// `attributes`). Thread-safe.
///
/// JSON Schemas in `include/schema/`: `event_json`: `event.schema.json`;
/// `*out_outcome_json`: `outcome.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `event_json` a NUL-terminated string;
/// `out_outcome_json` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_apply_json(
    engine: *const ciclo_engine,
    event_json: *const c_char,
    out_outcome_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_apply_json", || {
        let h = handle(engine)?;
        let mut event = json::event_from_json_with(
            required_str(event_json, "event_json")?,
            &h.engine.limits(),
        )?;
        let (customer, outcome) = h.engine.apply_resolved(&event)?;
        write_optional_string(out_outcome_json, || {
            // The outcome names the customer the event went to.
            event.customer = customer;
            json::outcome_to_json(h.engine.model(), &event, &outcome)
        });
        Ok(())
    })
}

/// Applies one event given as a struct: the fast path, without JSON.
///
/// If `out` is not NULL it receives the outcome (stage and rule indexes; names
/// through `ciclo_engine_stage_name` and `ciclo_engine_rule_name`). Errors as
/// `ciclo_engine_apply_json`, except that attributes beyond the engine's
/// limits are `CICLO_STATUS_INVALID_ARGUMENT` naming `event->attribute_count`
/// or the attribute (`event->attributes[2].key`), as are a repeated key, an
/// unknown `kind`, a flag other than 0 or 1 and a number that is not finite;
/// a NULL key or text is `CICLO_STATUS_NULL_ARGUMENT`. The engine ends in
/// the same state as with the same event in JSON. Thread-safe.
///
/// # Safety
/// `engine` is a live engine; `event` points to a valid `ciclo_event` whose strings
/// are NUL-terminated; `out` is NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_apply(
    engine: *const ciclo_engine,
    event: *const ciclo_event,
    out: *mut ciclo_outcome,
) -> ciclo_status {
    run("ciclo_engine_apply", || {
        let h = handle(engine)?;
        let event = event.as_ref().ok_or(Failure::Null("event"))?;
        let outcome = with_event(event, &h.engine.limits(), |e| h.engine.apply(e))?;
        if !out.is_null() {
            *out = to_c_outcome(&outcome);
        }
        Ok(())
    })
}

/// Evaluates the time-driven rules (inactivity, tenure...) of every customer at
/// `now_ms` (milliseconds since the Unix epoch, UTC). Customers whose watermark (latest
/// event, or latest tick that moved them) is later than `now_ms` are skipped.
///
/// If `out_transitions` is not NULL it receives the number of transitions; if
/// `out_report_json` is not NULL, the report as JSON (`{"now", "evaluated",
/// "transitions": [...]}`), to be released with `ciclo_string_free`. With
/// `out_report_json` NULL no list of transitions is built: the tick needs no
/// memory beyond the states. Errors: `CICLO_STATUS_INVALID_TIMESTAMP`.
/// Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_report_json`: `tick_report.schema.json`.
///
/// # Safety
/// `engine` is a live engine; out-parameters are NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_tick(
    engine: *const ciclo_engine,
    now_ms: i64,
    out_transitions: *mut usize,
    out_report_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_tick", || {
        let h = handle(engine)?;
        let now = Timestamp::from_millis(now_ms, "now_ms")?;
        if out_report_json.is_null() {
            let (_, moved) = h.engine.tick_counts(now);
            if !out_transitions.is_null() {
                *out_transitions = moved;
            }
            return Ok(());
        }
        let report = h.engine.tick(now);
        if !out_transitions.is_null() {
            *out_transitions = report.moves.len();
        }
        write_optional_string(out_report_json, || {
            json::tick_report_to_json(h.engine.model(), &report)
        });
        Ok(())
    })
}

/// A customer's state as JSON: current stage and since when, every stay in each
/// stage (entered, left), the history with the rule and event behind each move, and
/// the metrics. `*out_json` is released with `ciclo_string_free`.
///
/// A golden id retired by a merge answers for the customer it was merged into
/// (`customer` names it). Errors: `CICLO_STATUS_NOT_FOUND` for an unknown
/// customer. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `customer.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `customer_id` a NUL-terminated string; `out_json`
/// valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_customer_json(
    engine: *const ciclo_engine,
    customer_id: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_customer_json", || {
        write_customer(engine, customer_id, out_json, json::customer_to_json)
    })
}

/// A customer's portable state as JSON: the shape `ciclo_model_step_json` reads and
/// writes, so a host can move a customer out of the engine into its own storage.
/// `*out_json` is released with `ciclo_string_free`.
///
/// A golden id retired by a merge answers for the customer it was merged into.
/// Errors: `CICLO_STATUS_NOT_FOUND`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `state.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `customer_id` a NUL-terminated string; `out_json`
/// valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_customer_state_json(
    engine: *const ciclo_engine,
    customer_id: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_customer_state_json", || {
        write_customer(engine, customer_id, out_json, |model, _, state| {
            json::state_to_json(model, state)
        })
    })
}

/// Adds a customer with a portable state kept by the host until now (as written by
/// `ciclo_model_step_json` or `ciclo_engine_customer_state_json`), checked against the
/// engine's model.
///
/// Once consolidation is configured the customer is a live golden id: the state
/// is kept with the customer, so a later merge joins it with the other
/// customer's instead of dropping it.
///
/// Errors: `CICLO_STATUS_CONFLICT` if the customer is already tracked, or is a
/// golden id retired by a merge (the message names the customer it was merged
/// into: import under that id), `CICLO_STATUS_NOT_FOUND` as for
/// `ciclo_engine_apply_json`, errors naming `state.*` fields for a state that
/// does not fit the model. Nothing changes on an error. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `state_json`: `state.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `customer_id` and `state_json` NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_import_customer(
    engine: *const ciclo_engine,
    customer_id: *const c_char,
    state_json: *const c_char,
) -> ciclo_status {
    run("ciclo_engine_import_customer", || {
        let h = handle(engine)?;
        let id = required_str(customer_id, "customer_id")?;
        let state =
            json::state_from_json(h.engine.model(), required_str(state_json, "state_json")?)?;
        h.engine.import(id, state)?;
        Ok(())
    })
}

/// Erases a customer completely (the right to be forgotten: GDPR, Argentina's
/// Ley 25.326). For a golden id (a retired one stands for the customer it was
/// merged into): its source records, golden record, cross-reference, blocking
/// keys, reviews, hierarchy links, events, imported states, firing log and
/// lifecycle state. Afterwards `ciclo_engine_golden_json`,
/// `ciclo_engine_golden_of` and every call naming the customer answer
/// `CICLO_STATUS_NOT_FOUND`, and no later snapshot holds any of it; golden ids
/// are never issued again. For a customer that is not a golden id: its
/// lifecycle state, firing log and hierarchy links (a later event for the same
/// id starts a new customer, where such customers are allowed).
///
/// Errors: `CICLO_STATUS_NOT_FOUND` for an unknown customer. Nothing changes on
/// an error. Thread-safe.
///
/// # Safety
/// `engine` is a live engine; `customer_id` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_remove_customer(
    engine: *const ciclo_engine,
    customer_id: *const c_char,
) -> ciclo_status {
    run("ciclo_engine_remove_customer", || {
        let h = handle(engine)?;
        let id = required_str(customer_id, "customer_id")?;
        h.engine.erase(id)?;
        Ok(())
    })
}

/// A customer's current stage index (see `ciclo_engine_stage_name`) and the moment
/// they entered it. A golden id retired by a merge answers for the customer it
/// was merged into.
///
/// Errors: `CICLO_STATUS_NOT_FOUND`. Thread-safe.
///
/// # Safety
/// `engine` is a live engine; `customer_id` a NUL-terminated string; `out_stage`
/// valid for writes; `out_since_ms` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_customer_stage(
    engine: *const ciclo_engine,
    customer_id: *const c_char,
    out_stage: *mut u32,
    out_since_ms: *mut i64,
) -> ciclo_status {
    run("ciclo_engine_customer_stage", || {
        let h = handle(engine)?;
        let id = required_str(customer_id, "customer_id")?;
        required_out(out_stage, "out_stage")?;
        let (stage, since) = h
            .engine
            .with_customer(id, |s| (s.stage(), s.stage_entered()))?;
        *out_stage = stage.index() as u32;
        if !out_since_ms.is_null() {
            *out_since_ms = since.as_millis();
        }
        Ok(())
    })
}

/// The number of customers tracked. Thread-safe.
///
/// # Safety
/// `engine` is a live engine; `out_count` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_customer_count(
    engine: *const ciclo_engine,
    out_count: *mut usize,
) -> ciclo_status {
    run("ciclo_engine_customer_count", || {
        let h = handle(engine)?;
        required_out(out_count, "out_count")?;
        *out_count = h.engine.len();
        Ok(())
    })
}

/// The number of stages of the engine's model. Thread-safe.
///
/// # Safety
/// `engine` is a live engine; `out_count` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_stage_count(
    engine: *const ciclo_engine,
    out_count: *mut u32,
) -> ciclo_status {
    run("ciclo_engine_stage_count", || {
        let h = handle(engine)?;
        required_out(out_count, "out_count")?;
        *out_count = h.stage_names.len() as u32;
        Ok(())
    })
}

/// The name of stage `index` (0 is the first stage).
///
/// `*out_name` is borrowed from the engine: valid until `ciclo_engine_free`; do not
/// free it. Errors: `CICLO_STATUS_OUT_OF_RANGE`. Thread-safe.
///
/// # Safety
/// `engine` is a live engine; `out_name` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_stage_name(
    engine: *const ciclo_engine,
    index: u32,
    out_name: *mut *const c_char,
) -> ciclo_status {
    run("ciclo_engine_stage_name", || {
        let h = handle(engine)?;
        required_out(out_name, "out_name")?;
        *out_name = name_at(&h.stage_names, index, "stage")?;
        Ok(())
    })
}

/// The name of rule `index`, as in `ciclo_outcome.rule`.
///
/// `*out_name` is borrowed from the engine: valid until `ciclo_engine_free`; do not
/// free it. Errors: `CICLO_STATUS_OUT_OF_RANGE`. Thread-safe.
///
/// # Safety
/// `engine` is a live engine; `out_name` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_rule_name(
    engine: *const ciclo_engine,
    index: u32,
    out_name: *mut *const c_char,
) -> ciclo_status {
    run("ciclo_engine_rule_name", || {
        let h = handle(engine)?;
        required_out(out_name, "out_name")?;
        *out_name = name_at(&h.rule_names, index, "rule")?;
        Ok(())
    })
}

/// The engine's stage model as JSON: name, stages in order, initial stage, rules,
/// lead scoring and metric settings. `*out_json` is released with
/// `ciclo_string_free`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `stage_model.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_model_json(
    engine: *const ciclo_engine,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_model_json", || {
        let h = handle(engine)?;
        required_out(out_json, "out_json")?;
        *out_json = into_c_string(json::model_to_json(h.engine.model()));
        Ok(())
    })
}

/// The whole engine (model and every customer) as bytes: versioned, checksummed,
/// deterministic. `*out_bytes` (of `*out_len` bytes) is released with
/// `ciclo_bytes_free(*out_bytes, *out_len)`. Thread-safe: the snapshot is one
/// consistent moment even while other threads apply events, ingest, merge or
/// erase, and it does not stop them: their calls wait only for the moment's cut
/// (microseconds for the customer states), not for the encoding.
///
/// # Safety
/// `engine` is a live engine; out-parameters valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_snapshot(
    engine: *const ciclo_engine,
    out_bytes: *mut *mut u8,
    out_len: *mut usize,
) -> ciclo_status {
    run("ciclo_engine_snapshot", || {
        let h = handle(engine)?;
        required_out(out_bytes, "out_bytes")?;
        required_out(out_len, "out_len")?;
        let (ptr, len) = into_c_bytes(h.engine.snapshot());
        *out_bytes = ptr;
        *out_len = len;
        Ok(())
    })
}

/// A new engine from snapshot bytes. A truncated, corrupt or unknown-version
/// snapshot, or one whose parts do not agree behind a valid checksum (events or
/// states of golden ids that are not live, a list given twice, a firing log of
/// a customer without a state, a bad consolidation configuration, ...), is
/// `CICLO_STATUS_CORRUPT_SNAPSHOT` with a message naming what is wrong, and
/// nothing is created. Snapshots of every earlier format version restore.
/// On success `*out` is released with `ciclo_engine_free`. Thread-safe.
///
/// # Safety
/// `bytes` points to `len` readable bytes (may be NULL only if `len` is 0); `out`
/// valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_restore(
    bytes: *const u8,
    len: usize,
    out: *mut *mut ciclo_engine,
) -> ciclo_status {
    run("ciclo_engine_restore", || {
        required_out(out, "out")?;
        let slice: &[u8] = if len == 0 {
            &[]
        } else if bytes.is_null() {
            return Err(Failure::Null("bytes"));
        } else {
            std::slice::from_raw_parts(bytes, len)
        };
        *out = ciclo_engine::boxed(Engine::restore(slice)?);
        Ok(())
    })
}

/// Sets the engine's limits on inputs from `limits_json`: an object with any of
/// `event_json_bytes` (default 1048576), `attributes` (256),
/// `attribute_key_bytes` (1024), `attribute_value_bytes` (1024),
/// `record_json_bytes` (262144), `record_field_bytes` (1024) and
/// `hierarchy_depth` (64); a missing key takes its default, so `"{}"` restores
/// them all. They apply to the calls that start after this one returns; what
/// the engine holds already is kept. They are not part of a snapshot. Errors:
/// `CICLO_STATUS_INVALID_CONFIG` naming the limit (0, or above 1073741824),
/// `CICLO_STATUS_INVALID_JSON`, `CICLO_STATUS_UNKNOWN_FIELD`. Nothing changes on
/// an error. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `limits_json`: `limits.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `limits_json` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_set_limits_json(
    engine: *const ciclo_engine,
    limits_json: *const c_char,
) -> ciclo_status {
    run("ciclo_engine_set_limits_json", || {
        let h = handle(engine)?;
        let limits = json::limits_from_json(required_str(limits_json, "limits_json")?)?;
        h.engine.set_limits(limits)?;
        Ok(())
    })
}

/// The engine's limits on inputs as JSON, every key present, in the shape
/// `ciclo_engine_set_limits_json` reads. Release with `ciclo_string_free`.
/// Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `limits.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_limits_json(
    engine: *const ciclo_engine,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_limits_json", || {
        let h = handle(engine)?;
        required_out(out_json, "out_json")?;
        *out_json = into_c_string(json::limits_to_json(&h.engine.limits()));
        Ok(())
    })
}
