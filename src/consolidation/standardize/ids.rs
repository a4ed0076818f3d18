//! ids: being written.
