//! The one boundary every exported function body runs inside: argument checks,
//! panic catching, error-to-status mapping and the per-thread last error.

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::status::*;
use crate::error::Error;

/// Why an FFI call failed.
pub(crate) enum Failure {
    Null(&'static str),
    Utf8(&'static str),
    /// A NULL at a place named at run time (`event->attributes[2].key`).
    NullAt(String),
    /// Invalid UTF-8 at a place named at run time.
    Utf8At(String),
    OutOfRange(String),
    Core(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Core(e)
    }
}

pub(crate) type FfiResult = Result<(), Failure>;

thread_local! {
    /// The last failure's message on this thread; `None` after a success.
    static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
}

/// Longest last error message kept, in bytes: messages quote at most a short
/// prefix of a bad value, and this bounds any that would not.
const MAX_MESSAGE: usize = 1024;

fn set_last_error(message: String) {
    let message = if message.len() > MAX_MESSAGE {
        crate::model::time::clip_message(&message)
    } else {
        message
    };
    let c = CString::new(message.replace('\0', "\\0")).expect("NULs were replaced");
    LAST_ERROR.with(|e| *e.borrow_mut() = Some(c));
}

/// Forgets the last error without allocating (this runs on every call).
fn clear_last_error() {
    LAST_ERROR.with(|e| {
        if let Ok(mut slot) = e.try_borrow_mut() {
            if slot.is_some() {
                *slot = None;
            }
        }
    });
}

/// Runs an exported function's body: clears the last error, catches panics, maps
/// failures to status codes and records their messages.
///
/// A success leaves no last error, even when the body called back into the host
/// (a progress callback) and the host made a `ciclo_` call that failed there: the
/// thread's last error is cleared again once the body returns.
pub(crate) fn run(name: &str, body: impl FnOnce() -> FfiResult) -> ciclo_status {
    clear_last_error();
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => {
            clear_last_error();
            CICLO_STATUS_OK
        }
        Ok(Err(failure)) => {
            let (status, message) = match failure {
                Failure::Null(arg) => (
                    CICLO_STATUS_NULL_ARGUMENT,
                    format!("{name}: `{arg}` is NULL"),
                ),
                Failure::Utf8(arg) => (
                    CICLO_STATUS_INVALID_UTF8,
                    format!("{name}: `{arg}` is not valid UTF-8"),
                ),
                Failure::NullAt(arg) => (
                    CICLO_STATUS_NULL_ARGUMENT,
                    format!("{name}: `{arg}` is NULL"),
                ),
                Failure::Utf8At(arg) => (
                    CICLO_STATUS_INVALID_UTF8,
                    format!("{name}: `{arg}` is not valid UTF-8"),
                ),
                Failure::OutOfRange(m) => (CICLO_STATUS_OUT_OF_RANGE, format!("{name}: {m}")),
                Failure::Core(e) => (of_kind(e.kind()), e.to_string()),
            };
            set_last_error(message);
            status
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            set_last_error(format!("{name}: internal error (panic): {what}"));
            CICLO_STATUS_PANIC
        }
    }
}

/// Runs an infallible function's body, returning `default` if it panics.
pub(crate) fn run_infallible<T>(default: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(default)
}

/// The last error message of this thread (empty when the last call succeeded).
pub(crate) fn last_error_ptr() -> *const c_char {
    static EMPTY: &[u8] = b"\0";
    LAST_ERROR.with(|e| match &*e.borrow() {
        Some(message) => message.as_ptr(),
        None => EMPTY.as_ptr().cast(),
    })
}

/// A required input string.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string valid for the call.
pub(crate) unsafe fn required_str<'a>(
    ptr: *const c_char,
    arg: &'static str,
) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::Null(arg));
    }
    let bytes = CStr::from_ptr(ptr).to_bytes();
    if bytes.is_ascii() {
        // SAFETY: ASCII is valid UTF-8 (a cheap check for the short strings that
        // dominate: ids, codes, categories).
        Ok(std::str::from_utf8_unchecked(bytes))
    } else {
        std::str::from_utf8(bytes).map_err(|_| Failure::Utf8(arg))
    }
}

/// A required input string at a place named at run time (an element of an
/// array: `event->attributes[2].key`); `arg` names it, called only on error.
///
/// # Safety
/// As [`required_str`].
pub(crate) unsafe fn required_str_at<'a>(
    ptr: *const c_char,
    arg: impl FnOnce() -> String,
) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::NullAt(arg()));
    }
    std::str::from_utf8(CStr::from_ptr(ptr).to_bytes()).map_err(|_| Failure::Utf8At(arg()))
}

/// An optional input string (NULL is `None`).
///
/// # Safety
/// As [`required_str`].
pub(crate) unsafe fn optional_str<'a>(
    ptr: *const c_char,
    arg: &'static str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        Ok(None)
    } else {
        required_str(ptr, arg).map(Some)
    }
}

/// Checks that a required out-parameter is not NULL.
pub(crate) fn required_out<T>(ptr: *mut T, arg: &'static str) -> Result<(), Failure> {
    if ptr.is_null() {
        Err(Failure::Null(arg))
    } else {
        Ok(())
    }
}

/// Hands a Rust string to C as an owned `char *` (freed with `ciclo_string_free`).
pub(crate) fn into_c_string(s: String) -> *mut c_char {
    // JSON and messages never contain NUL; escape defensively.
    CString::new(s)
        .unwrap_or_else(|e| {
            let s = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\\u0000");
            CString::new(s).expect("NULs were replaced")
        })
        .into_raw()
}

/// Writes an owned string to an optional `char **` out-parameter.
///
/// # Safety
/// `out` is NULL or valid for writes.
pub(crate) unsafe fn write_optional_string(out: *mut *mut c_char, s: impl FnOnce() -> String) {
    if !out.is_null() {
        *out = into_c_string(s());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_a_status_with_a_message() {
        let status = run("ciclo_test", || panic!("boom"));
        assert_eq!(status, CICLO_STATUS_PANIC);
        let message = unsafe { CStr::from_ptr(last_error_ptr()) }
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            message.contains("ciclo_test") && message.contains("boom"),
            "{message}"
        );
        assert_eq!(run("ciclo_test", || Ok(())), CICLO_STATUS_OK);
        assert_eq!(unsafe { CStr::from_ptr(last_error_ptr()) }.to_bytes(), b"");
        assert_eq!(run_infallible(7, || panic!("again")), 7);
    }
}
