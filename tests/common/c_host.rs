//! What the C ABI tests share as a C host: strings in and out, the last
//! error, an engine handle freed on drop, snapshots.
#![allow(dead_code)] // each test crate uses its own part

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use ciclo::ffi::ciclo_engine;
use ciclo::ffi::engine::*;
use ciclo::ffi::memory::*;
use ciclo::ffi::status::*;
use ciclo::ffi::version::*;

pub fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// A string the library returned, as Rust text; freed.
pub fn take(s: *mut c_char) -> String {
    assert!(!s.is_null());
    let text = unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned();
    unsafe { ciclo_string_free(s) };
    text
}

pub fn last_error() -> String {
    unsafe { CStr::from_ptr(ciclo_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

/// An engine handle, freed on drop.
pub struct Engine(pub *mut ciclo_engine);

impl Drop for Engine {
    fn drop(&mut self) {
        unsafe { ciclo_engine_free(self.0) };
    }
}

/// A new engine on the default preset.
pub fn engine() -> Engine {
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_new(ptr::null(), &mut out) },
        CICLO_STATUS_OK
    );
    Engine(out)
}

pub fn snapshot(e: &Engine) -> Vec<u8> {
    let (mut bytes, mut len) = (ptr::null_mut(), 0usize);
    assert_eq!(
        unsafe { ciclo_engine_snapshot(e.0, &mut bytes, &mut len) },
        CICLO_STATUS_OK
    );
    let copy = unsafe { std::slice::from_raw_parts(bytes, len) }.to_vec();
    unsafe { ciclo_bytes_free(bytes, len) };
    copy
}

/// Applies one event given as JSON; it must be accepted.
pub fn apply_ok(e: &Engine, json: &str) {
    let json = c(json);
    let status = unsafe { ciclo_engine_apply_json(e.0, json.as_ptr(), ptr::null_mut()) };
    assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
}
