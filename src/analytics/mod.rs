//! Analytics: how the base is doing and what to offer each customer. Pure:
//! values in, values out; no I/O, no JSON, no FFI types.
//!
//! - [`affinity`]: product affinity learned from purchase co-occurrence
//!   (bought together in one order) and sequence (bought later by the same
//!   customer), with support, confidence and lift, and the recommender that
//!   turns a customer's history into ranked, explained offers.

pub mod affinity;
pub mod offers;
