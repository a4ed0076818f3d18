//! `ciclo` is an embedded customer-lifecycle engine.
//!
//! A CRM or ERP links it in-process, through its C ABI (see the [`ffi`] module and
//! `include/ciclo.h`) or as a Rust crate, and asks it for each customer event: in
//! which lifecycle stage is this customer now, since when, and which rule moved them
//! there?
//!
//! - [`lifecycle`]: stage models as data (presets `six_stage` and `five_stage`, or
//!   the admin's own JSON), transition rules, the per-customer state and the pure
//!   [`lifecycle::step()`].
//! - [`Engine`]: a thread-safe registry of many customers with snapshot/restore.
//! - [`json`]: the JSON shapes of configuration, events and states.
//! - [`standardize`]: validation and standardisation of every field of a customer
//!   record (names, emails, phones, addresses, national identifiers, birth dates)
//!   at the point of entry, with findings the CRM can show to the person typing.
//! - [`consolidation`]: who the customer really is: matching, batch
//!   deduplication, golden records with lineage, hierarchies, and the registry
//!   that matches at the point of entry (merge, unmerge, review).
//! - [`analytics`]: funnel, drop-off and cohorts over the customers, and
//!   pictures of the stage model and the funnel; RFM scores and segments and
//!   acquisition cohorts from purchase lines, with their pictures (SVG);
//!   product affinity and the next best offer; [`export`] writes them as files.
//! - [`model`]: shared value types (time, money, events).
//! - [`retention`]: customer-base models (BG/NBD, Gamma-Gamma) and lifetime value.
//! - [`synthetic`]: realistic Spanish and Argentine, or British and American,
//!   customer records with known duplicates (each labelled with its
//!   corruptions) and hard negatives, for testing, tuning and benchmarking
//!   consolidation at any size.
//!
//! ```
//! use ciclo::Engine;
//!
//! let engine = Engine::new(ciclo::StageModel::six_stage());
//! let event = ciclo::json::event_from_json(
//!     r#"{"customer": "c-1", "at": "2026-03-01T10:00:00Z", "kind": "purchase",
//!         "amount": 125000, "currency": "ARS"}"#,
//! )?;
//! let outcome = engine.apply(&event)?;
//! assert_eq!(engine.model().stage_name(outcome.transition.unwrap().to), "conversion");
//! # Ok::<(), ciclo::Error>(())
//! ```
//!
//! Late, out-of-order and duplicate events are explained in [`lifecycle::step()`].
#![deny(missing_docs)]

pub mod analytics;
pub mod consolidation;
pub mod engine;
pub mod error;
pub mod export;
pub mod ffi;
pub mod import;
pub mod json;
pub mod lifecycle;
pub mod model;
pub mod retention;
pub mod sample;
mod splitmix;
pub mod standardize;
pub mod synthetic;

pub use engine::Engine;
pub use error::{Error, ErrorKind, Result};
pub use lifecycle::StageModel;

/// The README's Rust examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
