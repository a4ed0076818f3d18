//! Analytics over an engine's customers, and pictures: the funnel, drop-off
//! and cohorts of a period as JSON, the funnel as SVG, the stage model as a
//! Mermaid or Graphviz DOT diagram.
//!
//! Every analysis reads the engine's customers shard by shard, each shard
//! under its own lock: safe to call while other threads apply events (the
//! result is then of moments microseconds apart, as the stage counts). The
//! cost grows linearly with the customers counted (one to two seconds for a
//! million on one core of a shared machine; BENCHMARKS.md).

use std::ffi::c_char;

use super::boundary::{into_c_string, required_out, required_str, run, Failure};
use super::engine::{ciclo_engine, handle};
use super::status::ciclo_status;
use super::step::ciclo_model;
use crate::analytics::diagram::{self, DiagramFormat};
use crate::error::Error;
use crate::json::analytics as ajson;

/// The format argument of the diagram functions.
fn format_arg(format: &str) -> Result<DiagramFormat, Failure> {
    DiagramFormat::from_name(format).ok_or_else(|| {
        Error::invalid(
            "format",
            format!(
                "`{}` is not a diagram format: expected \"mermaid\" or \"dot\"",
                crate::model::time::clip(format)
            ),
        )
        .into()
    })
}

/// The funnel of a period over the engine's customers, as JSON: customers
/// entering each stage in the period, the conversion rate between the stages
/// the model's rules connect and between consecutive stages (of those who
/// entered a stage, the share who later entered the other), the median and
/// 90th percentile of the time to convert and of the time in each stage, in
/// days.
///
/// `options_json`: `{"from": "2025-01-01T00:00:00Z", "to":
/// "2026-01-01T00:00:00Z", "segment": "smes", "customers": ["c-1",
/// "c-2"]}`; `from` is included, `to` excluded; `segment` (optional) counts
/// only the customers who are in that rule segment of the model *now* (as of
/// their last evaluation: a customer's state keeps the segments they are in,
/// not those they left, so membership at the period's end cannot be told;
/// call `ciclo_engine_refresh_segments` first for segments whose conditions
/// change with time alone); `customers` (optional) restricts the funnel to
/// those ids (ids the engine does not track are ignored; with `segment`, the
/// segment's members among them). An engine without customers (or a
/// segment or set naming none) gives a funnel of zeros, not an error.
///
/// On success `*out_json` is released with `ciclo_string_free`. Errors:
/// `CICLO_STATUS_INVALID_ARGUMENT` naming `options.to` for a period that
/// ends before it starts (or when it starts), or `options.segment` for a
/// name that is not a segment of the engine's model;
/// `CICLO_STATUS_INVALID_JSON` (a
/// timestamp that is not RFC 3339 among them) or `CICLO_STATUS_UNKNOWN_FIELD`
/// naming the option; `CICLO_STATUS_NULL_ARGUMENT`,
/// `CICLO_STATUS_INVALID_UTF8`.
/// Thread-safe.
///
/// JSON Schemas in `include/schema/`: `options_json`:
/// `funnel_options.schema.json`; `*out_json`: `funnel.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `options_json` a NUL-terminated string;
/// `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_funnel_json(
    engine: *const ciclo_engine,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_funnel_json", || {
        let h = handle(engine)?;
        let text = required_str(options_json, "options_json")?;
        required_out(out_json, "out_json")?;
        let (options, customers) = ajson::funnel_options_from_json(h.engine.model(), text)?;
        let funnel = h.engine.funnel_with(&options, customers.as_ref())?;
        *out_json = into_c_string(ajson::funnel_to_json(h.engine.model(), &funnel));
        Ok(())
    })
}

/// The same funnel as `ciclo_engine_funnel_json`, drawn: a standalone SVG
/// document (UTF-8, no script, no external resource) that a browser or any
/// SVG viewer shows, with one bar per stage (customers entering it in the
/// period), the counts, and between consecutive stages the conversion rate
/// and times to convert. Names are escaped.
///
/// `options_json` as for `ciclo_engine_funnel_json`. On success `*out_svg`
/// is released with `ciclo_string_free`. Errors as
/// `ciclo_engine_funnel_json`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `options_json`:
/// `funnel_options.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `options_json` a NUL-terminated string;
/// `out_svg` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_funnel_svg(
    engine: *const ciclo_engine,
    options_json: *const c_char,
    out_svg: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_funnel_svg", || {
        let h = handle(engine)?;
        let text = required_str(options_json, "options_json")?;
        required_out(out_svg, "out_svg")?;
        let (options, customers) = ajson::funnel_options_from_json(h.engine.model(), text)?;
        let funnel = h.engine.funnel_with(&options, customers.as_ref())?;
        *out_svg = into_c_string(diagram::funnel_svg(h.engine.model(), &funnel));
        Ok(())
    })
}

/// Drop-off: the customers who reached a stage in a period and did not move
/// on within a horizon, grouped by why ("why did they not convert"), as
/// JSON: counts reached, moved on, pending (still within the horizon) and
/// dropped, then one row per reason (`cancelled` with the cancellation
/// reason, `unsubscribed`, `payment_failures`, `complaints`, `open_tickets`,
/// `satisfaction_dropped`, `declined_offers`, `inactive`,
/// `active_without_moving`) with its customers, its share, and the first
/// customers by id as examples: what they did last and their signals.
///
/// `options_json`: `{"from": ..., "to": ..., "stage": "conversion",
/// "horizon_days": 60}` and optionally `"next": ["growth"]` (the stages that
/// count as moving on; by default the later stages customers are not won
/// back from), `"now"` (the moment of the analysis; the engine's latest tick
/// or event by default), `"max_examples"` (0 to 100, 5 by default),
/// `"segment"` (a rule segment: only its current members count, as for
/// `ciclo_engine_funnel_json`) and `"customers"` (ids). An empty base gives
/// zeros and no reason, not an error.
///
/// On success `*out_json` is released with `ciclo_string_free`. Errors:
/// `CICLO_STATUS_INVALID_ARGUMENT` naming `options.to` (a period that ends
/// before it starts), `options.horizon_days`, `options.max_examples` or
/// `options.segment` (not a segment of the model);
/// `CICLO_STATUS_UNKNOWN_STAGE` naming `options.stage` or `options.next[i]`;
/// `CICLO_STATUS_INVALID_JSON` (a timestamp that is not RFC 3339 among them)
/// or `CICLO_STATUS_UNKNOWN_FIELD` naming the option;
/// `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `options_json`:
/// `drop_off_options.schema.json`; `*out_json`: `drop_off.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `options_json` a NUL-terminated string;
/// `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_drop_off_json(
    engine: *const ciclo_engine,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_drop_off_json", || {
        let h = handle(engine)?;
        let text = required_str(options_json, "options_json")?;
        required_out(out_json, "out_json")?;
        let model = h.engine.model();
        let (options, customers) =
            ajson::drop_off_options_from_json(model, text, || h.engine.latest_moment())?;
        let d = h.engine.drop_off(&options, customers.as_ref())?;
        *out_json = into_c_string(ajson::drop_off_to_json(model, &d));
        Ok(())
    })
}

/// Cohorts by acquisition month (the month of the first purchase), as JSON:
/// for each month of the period, the customers acquired, and for each month
/// since, those still buying (`active`: a purchase or renewal then or
/// later) and those with a purchase recorded that month (`purchased`, a
/// lower bound: states keep purchase aggregates, not every purchase's
/// date); revenue per currency; the expected lifetime value when
/// customer-base models are set (`ciclo_engine_fit_models_json`); and per
/// month, customers active at its start, new, churned (moved into a churn
/// stage) and reactivated (moved out of one), with the churn rate.
///
/// `options_json`: `{"from": ..., "to": ...}` and optionally
/// `"churn_stages": ["reactivation"]` (by default the stages customers are
/// won back from), `"now"` (the moment of the expected values; the engine's
/// latest tick or event by default), `"segment"` (a rule segment: only its
/// current members count, as for `ciclo_engine_funnel_json`),
/// `"by_segment": true` (each cohort also gets `"segments"`: the same rows,
/// revenue and expected value for its customers in each segment of the
/// model, by their current membership; a customer in two segments counts in
/// both) and `"customers"` (ids). An empty base gives empty cohorts, not an
/// error.
///
/// On success `*out_json` is released with `ciclo_string_free`. Errors:
/// `CICLO_STATUS_INVALID_ARGUMENT` naming `options.to` (a period that ends
/// before it starts, or longer than 1200 months), `options.segment` (not a
/// segment of the model) or `options.by_segment` (a split of more than
/// 1,000,000 rows: segments times n(n+1)/2 for n months);
/// `CICLO_STATUS_UNKNOWN_STAGE` naming `options.churn_stages[i]`;
/// `CICLO_STATUS_INVALID_JSON` (a timestamp that is not RFC 3339 among them)
/// or `CICLO_STATUS_UNKNOWN_FIELD` naming the option;
/// `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `options_json`:
/// `cohort_options.schema.json`; `*out_json`: `cohorts.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `options_json` a NUL-terminated string;
/// `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_cohorts_json(
    engine: *const ciclo_engine,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_cohorts_json", || {
        let h = handle(engine)?;
        let text = required_str(options_json, "options_json")?;
        required_out(out_json, "out_json")?;
        let model = h.engine.model();
        let (options, customers) =
            ajson::cohort_options_from_json(model, text, || h.engine.latest_moment())?;
        let c = h.engine.cohorts(&options, customers.as_ref())?;
        *out_json = into_c_string(ajson::cohorts_to_json(model, &c));
        Ok(())
    })
}

/// The engine's stage model as a diagram: `format` is `"mermaid"` (a
/// flowchart that GitHub, GitLab and most wikis render) or `"dot"` (Graphviz:
/// `dot -Tsvg model.dot -o model.svg`). One node per stage (`s0`, `s1`, ...
/// in the model's order, the initial stage marked), one arrow per pair of
/// stages some rule connects, labelled with the rules' names; backward moves
/// dashed. Names are escaped for the language.
///
/// On success `*out` is released with `ciclo_string_free`. Errors:
/// `CICLO_STATUS_INVALID_ARGUMENT` naming `format`;
/// `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`. Thread-safe.
///
/// # Safety
/// `engine` is a live engine; `format` a NUL-terminated string; `out` valid
/// for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_model_diagram(
    engine: *const ciclo_engine,
    format: *const c_char,
    out: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_model_diagram", || {
        let h = handle(engine)?;
        let format = format_arg(required_str(format, "format")?)?;
        required_out(out, "out")?;
        *out = into_c_string(diagram::stage_model(h.engine.model(), format));
        Ok(())
    })
}

/// A model's diagram, as `ciclo_engine_model_diagram` draws an engine's: for
/// a model from `ciclo_model_new`, before any engine runs it (a CRM admin
/// checking a configuration). Errors as `ciclo_engine_model_diagram`, with
/// `CICLO_STATUS_NULL_ARGUMENT` naming `model`. Thread-safe.
///
/// # Safety
/// `model` is a live model; `format` a NUL-terminated string; `out` valid
/// for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_model_diagram(
    model: *const ciclo_model,
    format: *const c_char,
    out: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_model_diagram", || {
        let m = model.as_ref().ok_or(Failure::Null("model"))?;
        let format = format_arg(required_str(format, "format")?)?;
        required_out(out, "out")?;
        *out = into_c_string(diagram::stage_model(&m.model, format));
        Ok(())
    })
}
