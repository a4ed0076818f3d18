//! Record consolidation: who the customer really is.
//!
//! Records are standardised first, by [`crate::standardize`].
//!
//! - [`matching`]: blocking keys, comparators and Fellegi-Sunter scoring.
//! - [`dedup`]: batch deduplication of a whole export.
//! - [`golden`]: golden records from source records, by survivorship rules, with
//!   lineage and every alternate value kept.
//! - [`hierarchy`]: households, companies and their contacts, corporate groups:
//!   link, unlink, queries and roll-ups of metrics.
//! - [`registry`]: matching at the point of entry, golden customers, the
//!   cross-reference from source ids, merge and unmerge.
//!
//! Pure: values in, values out, no I/O.

pub mod dedup;
pub mod golden;
pub mod hierarchy;
pub mod matching;
pub mod registry;
