//! Record consolidation: who the customer really is.
//!
//! - [`standardize`]: validate and standardise every field of a customer record
//!   (names, emails, phones, addresses, national identifiers, birth dates) at the
//!   point of entry, with findings the CRM can show to the person typing.
//!
//! Pure: values in, values out, no I/O.

pub mod dedup;
pub mod matching;
pub mod standardize;
