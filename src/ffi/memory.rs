//! Releasing what the library hands to the host.

use std::ffi::{c_char, CString};

use super::boundary::run_infallible;

/// Releases a string returned by a `ciclo_` function through a `char **`
/// out-parameter. `ciclo_string_free(NULL)` does nothing. Thread-safe.
///
/// # Safety
/// `s` is NULL or a string from this library not yet freed.
#[no_mangle]
pub unsafe extern "C" fn ciclo_string_free(s: *mut c_char) {
    if !s.is_null() {
        run_infallible((), || drop(CString::from_raw(s)));
    }
}

/// Releases a byte buffer returned by a `ciclo_` function (a snapshot), given the
/// length returned with it. `ciclo_bytes_free(NULL, 0)` does nothing. Thread-safe.
///
/// # Safety
/// `bytes` is NULL or a buffer from this library not yet freed, with its length.
#[no_mangle]
pub unsafe extern "C" fn ciclo_bytes_free(bytes: *mut u8, len: usize) {
    if !bytes.is_null() {
        run_infallible((), || {
            drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(
                bytes, len,
            )));
        });
    }
}

/// Hands bytes to C as an owned buffer (freed with `ciclo_bytes_free`).
pub(crate) fn into_c_bytes(bytes: Vec<u8>) -> (*mut u8, usize) {
    let boxed = bytes.into_boxed_slice();
    let len = boxed.len();
    (Box::into_raw(boxed).cast::<u8>(), len)
}
