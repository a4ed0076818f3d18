//! The change feed through C: read changes from a sequence number, set how
//! long they are kept, or have a callback given each call's changes.

use std::ffi::{c_char, c_void, CString};

use super::boundary::{into_c_string, required_out, required_str, run};
use super::ciclo_engine;
use super::engine::handle;
use super::status::ciclo_status;
use crate::json::changes as fjson;

/// Called with changes of an engine (see `ciclo_engine_set_change_callback`):
/// the caller's `user_data`, the first and last sequence numbers given, and
/// the changes as JSON (`{"changes": [...], "first_seq": 7, "last_seq": 9}`,
/// each change as `ciclo_engine_changes_json` gives it). `changes_json` is
/// borrowed: valid only until the callback returns; copy what you keep.
///
/// JSON Schemas in `include/schema/`: `changes_json`: `change_batch.schema.json`.
pub type ciclo_change_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        first_seq: u64,
        last_seq: u64,
        changes_json: *const c_char,
    ),
>;

/// Reads the change feed: the changes after sequence number `after_seq`,
/// oldest first, as JSON in `*out_json` (release with `ciclo_string_free`).
///
/// Every change the engine makes is on the feed, numbered from 1: customers
/// created, stages moved (rule and evidence), triggers fired, golden records
/// created, updated, merged, unmerged and erased, source records added and
/// removed, hierarchy links added and removed, reviews opened and closed.
/// The JSON is `{"changes": [{"seq": 1, "type": "customer_created", ...},
/// ...], "last_seq": 2, "oldest_seq": 1, "head_seq": 2, "more": false}`
/// (each type's fields are in the README). Pass 0 for every change kept,
/// then each time the `last_seq` of the answer before; `more` says whether
/// newer changes wait.
///
/// An answer holds at least `max` changes when so many wait, and more only
/// to end with a whole call: the changes of one engine call are all in one
/// answer or none are, even while the call runs on another thread. `max` 0
/// answers no change, only the bounds. Numbers only grow and a snapshot keeps
/// them with the changes.
///
/// Errors: `CICLO_STATUS_CHANGES_DROPPED` when a change after `after_seq` is
/// no longer kept (see `ciclo_engine_set_change_retention_json`; the message
/// names the oldest change kept: read what you need from the engine again,
/// then go on from there); `CICLO_STATUS_INVALID_ARGUMENT` naming `after_seq`
/// when it is past the newest change (an engine restored from an older
/// snapshot); `CICLO_STATUS_NULL_ARGUMENT`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `changes.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_changes_json(
    engine: *const ciclo_engine,
    after_seq: u64,
    max: usize,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_changes_json", || {
        let h = handle(engine)?;
        required_out(out_json, "out_json")?;
        let page = h.engine.changes(after_seq, max)?;
        *out_json = into_c_string(fjson::page_to_json(h.engine.model(), &page));
        Ok(())
    })
}

/// Sets how long the change feed keeps changes for readers that poll, from
/// `{"max_changes": 100000, "max_age_ms": 86400000}`: at most `max_changes`
/// changes (0 to 100000000; default 100000, about 11 MB of lifecycle changes,
/// a golden record change holding 1 to 2 KB more), none older than
/// `max_age_ms` milliseconds since it was recorded (wall clock; `null` or
/// missing, the default: no age limit). A missing key takes its default, so
/// `"{}"` restores both. A change is never dropped before every reader can
/// see it, nor before the callback (if one is registered) was given it.
/// Snapshots keep the retention. Errors: `CICLO_STATUS_INVALID_CONFIG`
/// naming `max_changes` or `max_age`, `CICLO_STATUS_INVALID_JSON`,
/// `CICLO_STATUS_UNKNOWN_FIELD`, `CICLO_STATUS_NULL_ARGUMENT`,
/// `CICLO_STATUS_INVALID_UTF8`. Nothing changes on an error. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `retention_json`: `change_retention.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `retention_json` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_set_change_retention_json(
    engine: *const ciclo_engine,
    retention_json: *const c_char,
) -> ciclo_status {
    run("ciclo_engine_set_change_retention_json", || {
        let h = handle(engine)?;
        let retention =
            fjson::retention_from_json(required_str(retention_json, "retention_json")?)?;
        h.engine.set_change_retention(retention)?;
        Ok(())
    })
}

/// The change feed's retention as JSON (`{"max_changes": 100000,
/// "max_age_ms": null}`), in the shape `ciclo_engine_set_change_retention_json`
/// reads. Release with `ciclo_string_free`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`: `change_retention.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_change_retention_json(
    engine: *const ciclo_engine,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_change_retention_json", || {
        let h = handle(engine)?;
        required_out(out_json, "out_json")?;
        *out_json = into_c_string(fjson::retention_to_json(&h.engine.change_retention()));
        Ok(())
    })
}

/// The C callback and its `user_data`, callable from any thread (the caller
/// promised it).
struct CCallback {
    f: unsafe extern "C" fn(*mut c_void, u64, u64, *const c_char),
    user_data: usize,
}

/// Registers `callback` to be given every change after `after_seq`: first
/// the changes the feed keeps, from inside this call, then each engine
/// call's changes once that call is done. It replaces the callback
/// registered before; `callback` NULL removes it (`after_seq` is then
/// ignored).
///
/// The callback gets whole calls, in sequence order, one delivery at a time
/// (never two at once), on the thread of an engine call that made changes
/// (or of another call already delivering), after that call let go of every
/// lock of the engine; that call returns once the callback does. From inside
/// the callback you may call any `ciclo_` function, on this engine too
/// (changes you make there are given to the callback after it returns, not
/// from inside) except `ciclo_engine_free` of this engine. Do not wait in it
/// for another thread that may call this function: it would wait for you.
/// The feed keeps every change until the callback was given it, whatever
/// the retention: a slow callback holds memory. Once this function returns,
/// the callback it replaced or removed is not running and is not called
/// again (unless this is called from inside that callback), so its
/// `user_data` may be released.
///
/// Errors: `CICLO_STATUS_CHANGES_DROPPED` and `CICLO_STATUS_INVALID_ARGUMENT`
/// as for `ciclo_engine_changes_json`; nothing changes on an error.
/// Thread-safe.
///
/// # Safety
/// `engine` is a live engine; `callback` is NULL or a function safe to call
/// with `user_data` from any thread that calls this engine, until it is
/// replaced or removed, or the engine freed.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_set_change_callback(
    engine: *const ciclo_engine,
    after_seq: u64,
    callback: ciclo_change_fn,
    user_data: *mut c_void,
) -> ciclo_status {
    run("ciclo_engine_set_change_callback", || {
        let h = handle(engine)?;
        let Some(f) = callback else {
            h.engine.unsubscribe_changes();
            return Ok(());
        };
        let c = CCallback {
            f,
            user_data: user_data as usize,
        };
        let model = h.engine.shared_model();
        h.engine.subscribe_changes(after_seq, move |entries| {
            let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
                return;
            };
            let text = fjson::changes_to_json(&model, entries);
            let text = CString::new(text).unwrap_or_default();
            // SAFETY: the caller of `ciclo_engine_set_change_callback`
            // promised `f` is safe to call with `user_data` from here.
            unsafe {
                (c.f)(
                    c.user_data as *mut c_void,
                    first.seq,
                    last.seq,
                    text.as_ptr(),
                )
            };
        })?;
        Ok(())
    })
}
