//! address: being written.
