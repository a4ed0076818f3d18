//! The stateless path for hosts that store customer states themselves (a JSON
//! column in the CRM's own database): a model handle and a pure step.

use std::ffi::c_char;

use super::boundary::{
    into_c_string, optional_str, required_out, required_str, run, write_optional_string, Failure,
};
use super::status::ciclo_status;
use crate::json;
use crate::lifecycle::{self, StageModel};

/// A compiled stage model, immutable and thread-safe. Opaque; create with
/// `ciclo_model_new`, release with `ciclo_model_free`.
pub struct ciclo_model {
    pub(super) model: StageModel,
}

/// Creates a model from a configuration in JSON, as `ciclo_engine_new` does.
/// On success `*out` is released with `ciclo_model_free`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `config_json`: `engine_config.schema.json`.
///
/// # Safety
/// `config_json` is NULL or a NUL-terminated string; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_model_new(
    config_json: *const c_char,
    out: *mut *mut ciclo_model,
) -> ciclo_status {
    run("ciclo_model_new", || {
        required_out(out, "out")?;
        let text = optional_str(config_json, "config_json")?.unwrap_or("");
        let model = json::config_from_json(text)?;
        *out = Box::into_raw(Box::new(ciclo_model { model }));
        Ok(())
    })
}

/// Releases a model. `ciclo_model_free(NULL)` does nothing.
///
/// # Safety
/// `model` is NULL or a model from this library not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ciclo_model_free(model: *mut ciclo_model) {
    if !model.is_null() {
        super::boundary::run_infallible((), || drop(Box::from_raw(model)));
    }
}

/// The pure step: the customer's state after one event, from the state before.
///
/// `state_json` is the state as previously returned in `*out_state_json` (NULL for a
/// customer never seen); `event_json` the event. On success `*out_state_json`
/// receives the new state and, if `out_outcome_json` is not NULL, the outcome as
/// `ciclo_engine_apply_json` gives it; both are released with `ciclo_string_free`.
/// A duplicate event gives back the same state. Errors as `ciclo_engine_apply_json`,
/// plus errors naming `state.*` fields for a state that does not fit the model.
/// Thread-safe.
///
/// JSON Schemas in `include/schema/`: `event_json`: `event.schema.json`; `state_json`:
/// `state.schema.json`; `*out_outcome_json`: `outcome.schema.json`; `*out_state_json`:
/// `state.schema.json`.
///
/// # Safety
/// `model` is a live model; strings NUL-terminated; out-parameters valid for
/// writes (`out_outcome_json` may be NULL).
#[no_mangle]
pub unsafe extern "C" fn ciclo_model_step_json(
    model: *const ciclo_model,
    state_json: *const c_char,
    event_json: *const c_char,
    out_state_json: *mut *mut c_char,
    out_outcome_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_model_step_json", || {
        let m = &model.as_ref().ok_or(Failure::Null("model"))?.model;
        required_out(out_state_json, "out_state_json")?;
        let state = optional_str(state_json, "state_json")?
            .map(|s| json::state_from_json(m, s))
            .transpose()?;
        let event = json::event_from_json(required_str(event_json, "event_json")?)?;
        let (next, outcome) = lifecycle::step(m, state.as_ref(), &event)?;
        *out_state_json = into_c_string(json::state_to_json(m, &next));
        write_optional_string(out_outcome_json, || {
            json::outcome_to_json(m, &event, &outcome)
        });
        Ok(())
    })
}

/// The stateless tick: evaluates the time-driven rules (inactivity, tenure...) for
/// one host-stored state at `now_ms` (milliseconds since the Unix epoch, UTC).
///
/// `*out_state_json` receives the state after the tick (unchanged when no rule
/// fired, or when `now_ms` is earlier than the state's watermark); if
/// `out_report_json` is not NULL it receives `{"now", "evaluated", "transitions"}`
/// as `ciclo_engine_tick` gives it (`customer` is `""`: the state does not know its
/// id). Both are released with `ciclo_string_free`. Errors:
/// `CICLO_STATUS_INVALID_TIMESTAMP`, errors naming `state.*` fields. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `state_json`: `state.schema.json`;
/// `*out_report_json`: `tick_report.schema.json`; `*out_state_json`:
/// `state.schema.json`.
///
/// # Safety
/// `model` is a live model; `state_json` a NUL-terminated string; out-parameters
/// valid for writes (`out_report_json` may be NULL).
#[no_mangle]
pub unsafe extern "C" fn ciclo_model_tick_json(
    model: *const ciclo_model,
    state_json: *const c_char,
    now_ms: i64,
    out_state_json: *mut *mut c_char,
    out_report_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_model_tick_json", || {
        let m = &model.as_ref().ok_or(Failure::Null("model"))?.model;
        required_out(out_state_json, "out_state_json")?;
        let mut state = json::state_from_json(m, required_str(state_json, "state_json")?)?;
        let now = crate::model::time::Timestamp::from_millis(now_ms, "now_ms")?;
        let evaluated = usize::from(state.is_due(now));
        let moved = state.tick(m, now);
        *out_state_json = into_c_string(json::state_to_json(m, &state));
        write_optional_string(out_report_json, || {
            let report = crate::engine::TickReport {
                now,
                evaluated,
                moves: moved.into_iter().map(|mv| (String::new(), mv)).collect(),
            };
            json::tick_report_to_json(m, &report)
        });
        Ok(())
    })
}
