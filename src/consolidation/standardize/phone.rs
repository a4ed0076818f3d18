//! phone: being written.
