//! Versions of the library and of its ABI.

use std::ffi::c_char;

/// Major version of the crate this header belongs to.
pub const CICLO_VERSION_MAJOR: u32 = 0;
/// Minor version of the crate this header belongs to.
pub const CICLO_VERSION_MINOR: u32 = 1;
/// Patch version of the crate this header belongs to.
pub const CICLO_VERSION_PATCH: u32 = 0;
/// Version of the ABI this header describes; it changes only on a breaking change.
/// Compare it with `ciclo_abi_version()` at load time.
///
/// 2: `ciclo_event` gained `attributes` and `attribute_count` (the struct is
/// larger: a host built against version 1 must be rebuilt). 1: the first.
pub const CICLO_ABI_VERSION: u32 = 2;

static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The library's version as a semver string (`"0.1.0"`).
///
/// The string is static: do not free it. Thread-safe.
#[no_mangle]
pub extern "C" fn ciclo_version() -> *const c_char {
    VERSION.as_ptr().cast()
}

/// The ABI version of the loaded library; equal to `CICLO_ABI_VERSION` of the header
/// the host was compiled with unless the library is incompatible. Thread-safe.
#[no_mangle]
pub extern "C" fn ciclo_abi_version() -> u32 {
    CICLO_ABI_VERSION
}

/// The message of the last failed `ciclo_` call on the calling thread, naming the
/// field or argument at fault; an empty string when the last fallible call (one
/// returning `ciclo_status`) succeeded. Infallible functions (`ciclo_version`,
/// `ciclo_status_name`, the `_free` functions) leave it as it is.
///
/// Borrowed: valid until the next `ciclo_` call on this thread; do not free it.
/// Never NULL.
///
/// The message belongs to the OS thread, not to the caller's task. Read it, and
/// copy it if it must outlive the next call, on the thread that made the failed
/// call, right after it: no other `ciclo_` call and nothing that can suspend
/// or move the caller in between. A task that yields between the two (a Java
/// virtual thread that blocks, a C# `await`, a C++ `co_await`, a Python
/// asyncio `await`, a fiber switch) may resume on another OS thread, or let
/// another task's call run on this one, and then reads that call's message or
/// an empty one. Read the status and the message in one stretch of code that
/// cannot yield, as the bindings in `bindings/` do.
#[no_mangle]
pub extern "C" fn ciclo_last_error_message() -> *const c_char {
    super::boundary::last_error_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_versions_match_the_crate() {
        let v = format!("{CICLO_VERSION_MAJOR}.{CICLO_VERSION_MINOR}.{CICLO_VERSION_PATCH}");
        assert_eq!(v, env!("CARGO_PKG_VERSION"));
    }
}
