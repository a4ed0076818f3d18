//! Matching without an engine, for hosts that keep their records in their own
//! database: a record's blocking keys to index, and the score of a pair.

use std::ffi::c_char;

use super::boundary::{into_c_string, optional_str, required_out, required_str, run};
use super::status::ciclo_status;
use crate::consolidation::matching::{blocking_keys, Profile};
use crate::error::Error;
use crate::json;
use crate::json::matching as mjson;

/// A record's error naming which record of the pair it is: `a.surname`
/// rather than `record.surname`.
fn naming(e: Error, which: &'static str) -> Error {
    let rename = |field: String| match field.strip_prefix("record") {
        Some(rest) => format!("{which}{rest}"),
        None => format!("{which}.{field}"),
    };
    match e {
        Error::InvalidArgument { field, message } => Error::InvalidArgument {
            field: rename(field),
            message,
        },
        Error::UnknownField { field, .. } => Error::UnknownField {
            what: if which == "a" { "record a" } else { "record b" },
            field,
        },
        Error::Json { message, .. } => Error::Json {
            what: if which == "a" { "record a" } else { "record b" },
            message,
        },
        other => other,
    }
}

/// Today's date in UTC, from the system clock: the FFI layer's part.
fn today_utc() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// A record's blocking keys, for a host that stores its records itself: it
/// keeps each record's keys in an indexed column, fetches the records that
/// share a key with a new one (its candidates), and scores each pair with
/// `ciclo_records_score_json`. Two records that may be the same customer
/// almost always share a key.
///
/// `record_json` is a record in the shape `ciclo_record_standardize_json`
/// reads; `options_json` is NULL, `""` or `{"default_country": "AR", "today":
/// "2026-11-23"}` (both optional; `today` defaults to the current UTC date).
///
/// On success `*out_json` receives `{"keys": [{"kind": "email", "value":
/// "pepegonzalez@gmail.com", "key": "email:pepegonzalez@gmail.com"}, ...],
/// "findings": [...]}`: `key` is the text to index (kinds: `id`, `id_head`,
/// `id_tail`, `id_digits`, `email`, `phone`, `name`, `postal`, `birth`,
/// `street`, `company`), `findings` what standardisation found, as in
/// `ciclo_record_standardize_json`. A record with nothing to key on has no
/// keys. Keys can change between versions of the library (a key kind added,
/// a name read more ways, a postal code compared in another form): after
/// upgrading, recompute and re-index the keys of the records you store.
/// Release with `ciclo_string_free`. Errors:
/// `CICLO_STATUS_INVALID_JSON`, `CICLO_STATUS_UNKNOWN_FIELD`,
/// `CICLO_STATUS_INVALID_ARGUMENT` (a field or the text over the default
/// limits, naming it; bad options, naming the option),
/// `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `options_json`:
/// `standardize_options.schema.json`; `record_json`: `record.schema.json`; `*out_json`:
/// `blocking_keys.schema.json`.
///
/// # Safety
/// `record_json` is a NUL-terminated string, `options_json` NULL or one;
/// `out_json` is valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_record_blocking_keys_json(
    record_json: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_record_blocking_keys_json", || {
        required_out(out_json, "out_json")?;
        let record = json::record_from_json(required_str(record_json, "record_json")?)?;
        let options = json::standardize_options_from_json(
            optional_str(options_json, "options_json")?.unwrap_or(""),
            today_utc(),
        )?;
        let standardized = crate::standardize::standardize(&record, &options);
        let keys = blocking_keys(&Profile::new(&standardized));
        *out_json = into_c_string(mjson::blocking_keys_to_json(&keys, &standardized.findings));
        Ok(())
    })
}

/// Scores a pair of records as typed: the stateless path, for a host that
/// found the candidates itself (see `ciclo_record_blocking_keys_json`).
///
/// `a_json` and `b_json` are records in the shape
/// `ciclo_record_standardize_json` reads. `options_json` is NULL, `""` or
/// `{"default_country": "AR", "today": "2026-11-23", "model": {...}}`, every
/// key optional: `model` is a match model in the shape `ciclo_dedup_json` and
/// `ciclo_engine_estimate_model_json` answer with (the built-in model when
/// absent).
///
/// On success `*out_json` receives `{"probability": 0.9999, "weight": 21.4,
/// "prior_weight": -13.3, "decision": "merge"|"review"|"distinct", "vetoed":
/// false, "veto_lifted_by": {"field": "national_id", "level": "exact"} | null,
/// "names_swapped": false, "contributions": [{"field": "given_name",
/// "level": "nickname", "weight": 4.6, "veto": false}, ...]}`: the match
/// probability, the weight in bits, the decision by the model's thresholds
/// (a vetoed pair is never `merge`), and what every field compared added.
/// Release with `ciclo_string_free`. Errors: `CICLO_STATUS_INVALID_ARGUMENT`
/// naming `a` (or `b`) when a record has no field the model compares (`a: no
/// field to compare`: every field empty, say) or `b` when the two have no
/// compared field in common; a field over the default limits, naming it;
/// bad options, naming the option. `CICLO_STATUS_INVALID_CONFIG` for a bad
/// model, naming its path (`options.model.fields.birth_date.levels.exact.m`);
/// `CICLO_STATUS_INVALID_JSON`, `CICLO_STATUS_UNKNOWN_FIELD`,
/// `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `a_json`: `record.schema.json`; `b_json`:
/// `record.schema.json`; `options_json`: `score_options.schema.json`; `*out_json`:
/// `pair_score.schema.json`.
///
/// # Safety
/// `a_json` and `b_json` are NUL-terminated strings, `options_json` NULL or
/// one; `out_json` is valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_records_score_json(
    a_json: *const c_char,
    b_json: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_records_score_json", || {
        required_out(out_json, "out_json")?;
        let a =
            json::record_from_json(required_str(a_json, "a_json")?).map_err(|e| naming(e, "a"))?;
        let b =
            json::record_from_json(required_str(b_json, "b_json")?).map_err(|e| naming(e, "b"))?;
        let (options, model) = mjson::score_options_from_json(
            optional_str(options_json, "options_json")?.unwrap_or(""),
            today_utc(),
        )?;
        let score = model.score_records(&a, &b, &options)?;
        *out_json = into_c_string(mjson::pair_score_to_json(&score, model.decide(&score)));
        Ok(())
    })
}
