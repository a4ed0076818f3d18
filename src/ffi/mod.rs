//! The C ABI, as declared in `include/ciclo.h`.
//!
//! This module is a thin translation layer: it converts C strings, JSON and
//! `#[repr(C)]` structs to the Rust API and back, and adds no business logic.
//!
//! # Conventions (for the C programmer)
//!
//! - Every fallible function returns a `ciclo_status`; `CICLO_STATUS_OK` (0) is
//!   success. Results go to out-parameters, placed last, which are written only on
//!   success: a failed call changes nothing.
//! - After a failure, `ciclo_last_error_message()` describes it (naming the field at
//!   fault). The message is per thread and valid until the next `ciclo_` call on that
//!   thread; every fallible call clears it on entry. Read it right after the
//!   failed call, on the same thread, before anything that can yield (a virtual
//!   thread that blocks, an `await`): a task that resumes elsewhere reads another
//!   call's message.
//! - Input strings are NUL-terminated UTF-8; invalid UTF-8 is
//!   `CICLO_STATUS_INVALID_UTF8`. A NULL where a value is required is
//!   `CICLO_STATUS_NULL_ARGUMENT`.
//! - Strings returned through `char **` belong to the caller, who releases them with
//!   `ciclo_string_free`; byte buffers with `ciclo_bytes_free`. Never with `free(3)`.
//!   Strings returned as `const char *` (versions, status names, stage names) are
//!   borrowed and must not be freed.
//! - A panic inside the library never crosses the boundary: the call returns
//!   `CICLO_STATUS_PANIC`.
//! - `ciclo_engine` handles are thread-safe: share one between threads.

#![allow(non_camel_case_types)]

pub mod analytics;
mod boundary;
pub mod changes;
pub mod consolidation;
pub mod engine;
pub mod event;
pub mod lifecycle;
pub mod listing;
pub mod matching;
pub mod memory;
pub mod offers;
pub mod retention;
pub mod rfm;
pub mod segments;
pub mod standardize;
pub mod status;
pub mod step;
pub mod version;

pub use engine::ciclo_engine;
pub use event::{ciclo_attribute, ciclo_event, ciclo_outcome};
pub use status::ciclo_status;
pub use step::ciclo_model;
