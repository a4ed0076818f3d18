//! Golden ids: `G1`, `G2`, ... issued in order, never reused for another
//! customer.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

/// The id of a golden customer: `G` and a number (`G42`).
///
/// Ids are issued in order and never reused for a different customer; a golden
/// id retired by a merge keeps resolving to the customer it was merged into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GoldenId(pub(super) u64);

impl GoldenId {
    /// The number after the `G`.
    pub fn number(self) -> u64 {
        self.0
    }
}

impl fmt::Display for GoldenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "G{}", self.0)
    }
}

impl FromStr for GoldenId {
    type Err = Error;

    /// Parses `G42`.
    fn from_str(text: &str) -> Result<GoldenId, Error> {
        text.strip_prefix('G')
            .filter(|n| {
                !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0')
            })
            .and_then(|n| n.parse().ok())
            .map(GoldenId)
            .ok_or_else(|| Error::InvalidArgument {
                field: "golden_id".into(),
                message: format!("`{text}` is not a golden id (`G` and a number, as `G42`)"),
            })
    }
}

impl Serialize for GoldenId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for GoldenId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<GoldenId, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects() {
        let id: GoldenId = "G42".parse().unwrap();
        assert_eq!(id.number(), 42);
        assert_eq!(id.to_string(), "G42");
        for bad in [
            "",
            "G",
            "g42",
            "G042",
            "G-1",
            "42",
            "G4x",
            "G99999999999999999999999",
        ] {
            assert!(bad.parse::<GoldenId>().is_err(), "{bad}");
        }
    }
}
