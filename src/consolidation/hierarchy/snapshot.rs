//! Hierarchies as serde values: a map from kind to its sorted `[parent, child]`
//! links, checked on the way in.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Error as _, MapAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::forest::{Forest, Id};
use super::{check_id, path_message, Hierarchies, HierarchyKind};

impl Serialize for Hierarchies {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.forests.len()))?;
        for (kind, forest) in &self.forests {
            map.serialize_entry(kind, &Links(forest))?;
        }
        map.end()
    }
}

/// A forest's links, serialised as a sequence of pairs.
struct Links<'a>(&'a Forest);

impl Serialize for Links<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for link in self.0.links() {
            seq.serialize_element(&link)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Hierarchies {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = deserializer.deserialize_map(RawVisitor)?;
        Hierarchies::from_raw(raw).map_err(D::Error::custom)
    }
}

/// The links of each kind as given, refusing a kind given twice.
type Raw = BTreeMap<HierarchyKind, Vec<(String, String)>>;

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map from hierarchy kind to a list of [parent, child] links")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Raw, M::Error> {
        let mut raw = Raw::new();
        while let Some(kind) = map.next_key::<HierarchyKind>()? {
            if raw.contains_key(&kind) {
                return Err(M::Error::custom(format!(
                    "hierarchy kind `{kind}` given twice"
                )));
            }
            let links = map.next_value()?;
            raw.insert(kind, links);
        }
        Ok(raw)
    }
}

impl Hierarchies {
    /// Checks and builds deserialised links: valid ids, no self link, no link
    /// twice, one parent per child, no cycle. O(links).
    fn from_raw(raw: Raw) -> Result<Hierarchies, String> {
        let mut forests = BTreeMap::new();
        for (kind, links) in raw {
            for (i, (parent, child)) in links.iter().enumerate() {
                check_id(format_args!("{kind}[{i}].parent"), parent).map_err(|e| e.to_string())?;
                check_id(format_args!("{kind}[{i}].child"), child).map_err(|e| e.to_string())?;
                if parent == child {
                    return Err(format!("{kind}[{i}]: customer `{child}` is its own parent"));
                }
            }
            if links.is_empty() {
                continue;
            }
            let forest = Forest::from_links(
                links.into_iter().map(|(p, c)| (Id::from(p), Id::from(c))),
            )
            .map_err(|(child, first, second)| {
                if first == second {
                    format!("{kind}: link `{first}` -> `{child}` is listed twice")
                } else {
                    format!("{kind}: customer `{child}` has two parents, `{first}` and `{second}`")
                }
            })?;
            if let Some(cycle) = forest.find_cycle() {
                let mut path = cycle.clone();
                path.push(cycle[0]);
                return Err(format!(
                    "{kind}: the links make a cycle ({})",
                    path_message(&path)
                ));
            }
            forests.insert(kind, forest.with_heights());
        }
        Ok(Hierarchies { forests })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Hierarchies {
        let mut h = Hierarchies::new();
        h.link(&HierarchyKind::Corporate, "holding", "es").unwrap();
        h.link(&HierarchyKind::Corporate, "holding", "ar").unwrap();
        h.link(&HierarchyKind::Household, "ana", "luis").unwrap();
        h.link(&HierarchyKind::new("franchise").unwrap(), "ar", "ar-sur")
            .unwrap();
        h
    }

    #[test]
    fn json_shape_is_sorted_pairs_by_kind() {
        let json = serde_json::to_string(&sample()).unwrap();
        assert_eq!(
            json,
            r#"{"household":[["ana","luis"]],"corporate":[["holding","ar"],["holding","es"]],"franchise":[["ar","ar-sur"]]}"#
        );
        let back: Hierarchies = serde_json::from_str(&json).unwrap();
        assert_eq!(back, sample());
        assert_eq!(serde_json::to_string(&Hierarchies::new()).unwrap(), "{}");
    }

    #[test]
    fn postcard_round_trips() {
        let bytes = postcard::to_allocvec(&sample()).unwrap();
        let back: Hierarchies = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, sample());
    }

    #[test]
    fn empty_kinds_are_dropped_on_the_way_in() {
        let back: Hierarchies = serde_json::from_str(r#"{"corporate":[]}"#).unwrap();
        assert_eq!(back, Hierarchies::new());
    }

    #[test]
    fn corrupt_links_are_refused_with_the_ids() {
        for (json, expected) in [
            (
                r#"{"corporate":[["a","b"],["c","b"]]}"#,
                "corporate: customer `b` has two parents, `a` and `c`",
            ),
            (
                r#"{"corporate":[["a","b"],["a","b"]]}"#,
                "corporate: link `a` -> `b` is listed twice",
            ),
            (
                r#"{"household":[["a","b"],["b","c"],["c","a"]]}"#,
                "household: the links make a cycle (`a` -> `c` -> `b` -> `a`)",
            ),
            (
                r#"{"corporate":[["a","a"]]}"#,
                "corporate[0]: customer `a` is its own parent",
            ),
            (r#"{"corporate":[["a",""]]}"#, "corporate[0].child"),
            (r#"{"Corporate":[]}"#, "`Corporate`"),
            (
                r#"{"corporate":[["a","b"]],"corporate":[]}"#,
                "hierarchy kind `corporate` given twice",
            ),
        ] {
            let err = serde_json::from_str::<Hierarchies>(json)
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{json}: {err}");
        }
    }
}
