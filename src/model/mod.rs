//! Shared value types: time, money and events.
//!
//! Pure values with no behaviour beyond parsing and validating themselves.

pub mod event;
pub mod money;
pub mod time;

pub use event::{AttrValue, BuiltinKind, Event, EventKind};
pub use money::{Currency, Money};
pub use time::Timestamp;
