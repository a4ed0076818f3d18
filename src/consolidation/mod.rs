//! Record consolidation: who the customer really is.
//!
//! - [`standardize`]: validate and standardise every field of a customer record
//!   (names, emails, phones, addresses, national identifiers, birth dates) at the
//!   point of entry, with findings the CRM can show to the person typing.
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
pub mod standardize;
