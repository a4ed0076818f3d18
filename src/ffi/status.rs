//! Status codes. Once released, a code's number never changes meaning.

use std::ffi::c_char;

use crate::error::ErrorKind;

/// The result of a fallible `ciclo_` call: `CICLO_STATUS_OK` (0) or an error code.
#[allow(non_camel_case_types)]
pub type ciclo_status = i32;

/// Success.
pub const CICLO_STATUS_OK: ciclo_status = 0;
/// A required pointer argument was NULL.
pub const CICLO_STATUS_NULL_ARGUMENT: ciclo_status = 1;
/// A string argument was not valid UTF-8.
pub const CICLO_STATUS_INVALID_UTF8: ciclo_status = 2;
/// A JSON argument was malformed or had the wrong shape.
pub const CICLO_STATUS_INVALID_JSON: ciclo_status = 3;
/// A JSON object had a field the strict shape does not know.
pub const CICLO_STATUS_UNKNOWN_FIELD: ciclo_status = 4;
/// The configuration (stage model) is inconsistent.
pub const CICLO_STATUS_INVALID_CONFIG: ciclo_status = 5;
/// A stage name the model does not define.
pub const CICLO_STATUS_UNKNOWN_STAGE: ciclo_status = 6;
/// A metric name the lifecycle does not compute.
pub const CICLO_STATUS_UNKNOWN_METRIC: ciclo_status = 7;
/// An event kind neither built in nor declared in the model.
pub const CICLO_STATUS_UNKNOWN_EVENT_KIND: ciclo_status = 8;
/// A timestamp unparsable or outside years 0001-9999.
pub const CICLO_STATUS_INVALID_TIMESTAMP: ciclo_status = 9;
/// A negative amount or a malformed currency.
pub const CICLO_STATUS_INVALID_AMOUNT: ciclo_status = 10;
/// Any other invalid argument value.
pub const CICLO_STATUS_INVALID_ARGUMENT: ciclo_status = 11;
/// An unknown customer (or other object).
pub const CICLO_STATUS_NOT_FOUND: ciclo_status = 12;
/// An event earlier than what the customer's state already absorbed.
pub const CICLO_STATUS_OUT_OF_ORDER: ciclo_status = 13;
/// A value conflicting with what is stored (a customer imported twice,
/// consolidation configured after the first ingest).
pub const CICLO_STATUS_CONFLICT: ciclo_status = 14;
/// Snapshot bytes truncated, corrupt or of an unknown version.
pub const CICLO_STATUS_CORRUPT_SNAPSHOT: ciclo_status = 15;
/// An index out of range.
pub const CICLO_STATUS_OUT_OF_RANGE: ciclo_status = 16;
/// A value that does not validate: a phone number outside the numbering plan, an
/// identifier with a wrong check digit. The message names the field and the code.
pub const CICLO_STATUS_INVALID_VALUE: ciclo_status = 17;
/// The change feed no longer keeps the changes asked for (its retention
/// dropped them); the message names the oldest change it keeps.
pub const CICLO_STATUS_CHANGES_DROPPED: ciclo_status = 18;
/// A panic was caught inside the library; the call had no effect on stored state.
pub const CICLO_STATUS_PANIC: ciclo_status = 100;

pub(crate) fn of_kind(kind: ErrorKind) -> ciclo_status {
    match kind {
        ErrorKind::Json => CICLO_STATUS_INVALID_JSON,
        ErrorKind::UnknownField => CICLO_STATUS_UNKNOWN_FIELD,
        ErrorKind::Config => CICLO_STATUS_INVALID_CONFIG,
        ErrorKind::UnknownStage => CICLO_STATUS_UNKNOWN_STAGE,
        ErrorKind::UnknownMetric => CICLO_STATUS_UNKNOWN_METRIC,
        ErrorKind::UnknownEventKind => CICLO_STATUS_UNKNOWN_EVENT_KIND,
        ErrorKind::InvalidTimestamp => CICLO_STATUS_INVALID_TIMESTAMP,
        ErrorKind::InvalidAmount => CICLO_STATUS_INVALID_AMOUNT,
        ErrorKind::InvalidArgument => CICLO_STATUS_INVALID_ARGUMENT,
        ErrorKind::NotFound => CICLO_STATUS_NOT_FOUND,
        ErrorKind::OutOfOrder => CICLO_STATUS_OUT_OF_ORDER,
        ErrorKind::Conflict => CICLO_STATUS_CONFLICT,
        ErrorKind::CorruptSnapshot => CICLO_STATUS_CORRUPT_SNAPSHOT,
        ErrorKind::InvalidValue => CICLO_STATUS_INVALID_VALUE,
        ErrorKind::ChangesDropped => CICLO_STATUS_CHANGES_DROPPED,
    }
}

/// The static name of a status code (`"CICLO_STATUS_NOT_FOUND"`), or
/// `"CICLO_STATUS_UNKNOWN"` for a number that is not a status.
///
/// The string is static: do not free it. Thread-safe.
#[no_mangle]
pub extern "C" fn ciclo_status_name(status: ciclo_status) -> *const c_char {
    let name: &'static [u8] = match status {
        CICLO_STATUS_OK => b"CICLO_STATUS_OK\0",
        CICLO_STATUS_NULL_ARGUMENT => b"CICLO_STATUS_NULL_ARGUMENT\0",
        CICLO_STATUS_INVALID_UTF8 => b"CICLO_STATUS_INVALID_UTF8\0",
        CICLO_STATUS_INVALID_JSON => b"CICLO_STATUS_INVALID_JSON\0",
        CICLO_STATUS_UNKNOWN_FIELD => b"CICLO_STATUS_UNKNOWN_FIELD\0",
        CICLO_STATUS_INVALID_CONFIG => b"CICLO_STATUS_INVALID_CONFIG\0",
        CICLO_STATUS_UNKNOWN_STAGE => b"CICLO_STATUS_UNKNOWN_STAGE\0",
        CICLO_STATUS_UNKNOWN_METRIC => b"CICLO_STATUS_UNKNOWN_METRIC\0",
        CICLO_STATUS_UNKNOWN_EVENT_KIND => b"CICLO_STATUS_UNKNOWN_EVENT_KIND\0",
        CICLO_STATUS_INVALID_TIMESTAMP => b"CICLO_STATUS_INVALID_TIMESTAMP\0",
        CICLO_STATUS_INVALID_AMOUNT => b"CICLO_STATUS_INVALID_AMOUNT\0",
        CICLO_STATUS_INVALID_ARGUMENT => b"CICLO_STATUS_INVALID_ARGUMENT\0",
        CICLO_STATUS_NOT_FOUND => b"CICLO_STATUS_NOT_FOUND\0",
        CICLO_STATUS_OUT_OF_ORDER => b"CICLO_STATUS_OUT_OF_ORDER\0",
        CICLO_STATUS_CONFLICT => b"CICLO_STATUS_CONFLICT\0",
        CICLO_STATUS_CORRUPT_SNAPSHOT => b"CICLO_STATUS_CORRUPT_SNAPSHOT\0",
        CICLO_STATUS_OUT_OF_RANGE => b"CICLO_STATUS_OUT_OF_RANGE\0",
        CICLO_STATUS_INVALID_VALUE => b"CICLO_STATUS_INVALID_VALUE\0",
        CICLO_STATUS_CHANGES_DROPPED => b"CICLO_STATUS_CHANGES_DROPPED\0",
        CICLO_STATUS_PANIC => b"CICLO_STATUS_PANIC\0",
        _ => b"CICLO_STATUS_UNKNOWN\0",
    };
    name.as_ptr().cast()
}
