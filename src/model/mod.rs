//! Shared value types: time, money, events and customer records.
//!
//! Pure values with no behaviour beyond parsing and validating themselves.

pub mod event;
pub mod limits;
pub mod money;
pub mod record;
pub(crate) mod serde_maps;
pub mod time;

pub use event::{AttrValue, BuiltinKind, Event, EventKind};
pub use limits::Limits;
pub use money::{Currency, Money};
pub use record::Record;
pub use time::Timestamp;
