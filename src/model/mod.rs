//! Shared value types: time, money, events and customer records.
//!
//! Pure values with no behaviour beyond parsing and validating themselves.

pub mod event;
pub mod money;
pub mod record;
pub mod time;

pub use event::{AttrValue, BuiltinKind, Event, EventKind};
pub use money::{Currency, Money};
pub use record::Record;
pub use time::Timestamp;
