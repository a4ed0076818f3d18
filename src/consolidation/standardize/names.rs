//! names: being written.
