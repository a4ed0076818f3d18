//! Customer hierarchies: households, companies and their contacts, corporate
//! groups.
//!
//! [`Hierarchies`] holds one forest per [`HierarchyKind`] over golden customer
//! ids. In each kind a customer has at most one parent (a person is in one
//! household, a subsidiary has one parent company) and any number of children;
//! a customer may be in several kinds at once. Links are added with
//! [`Hierarchies::link`] and removed with [`Hierarchies::unlink`]; a link that
//! would make a cycle, link a customer to itself, or give a customer a second
//! parent is refused with an error that names the ids, and a refused call
//! changes nothing.
//!
//! Queries ([`parent`](Hierarchies::parent), [`children`](Hierarchies::children),
//! [`ancestors`](Hierarchies::ancestors), [`descendants`](Hierarchies::descendants),
//! [`root`](Hierarchies::root), [`members`](Hierarchies::members)) answer in a
//! deterministic order, and [`Hierarchies::roll_up`] sums a metric, such as the
//! revenue of a corporate group, over a customer and everyone below, with each
//! node's share.
//!
//! # When golden records change
//!
//! - **Removal.** [`Hierarchies::remove_customer`] drops every link of a
//!   customer. Its children become roots: they are *not* moved up to its
//!   parent, because a subsidiary of a dissolved holding does not belong to the
//!   group above by itself; the CRM decides. The removed links are returned, and
//!   [`Hierarchies::link_all`] puts them back.
//! - **Merge.** [`Hierarchies::rename_customer`] moves the links of the absorbed
//!   record to the survivor. The survivor's own links win: if both had a
//!   different parent in a kind, the survivor keeps its parent and the absorbed
//!   record's parent link is reported in [`Rename::dropped`] as a
//!   [`DropReason::ParentConflict`]; links that would make a cycle or a self
//!   link are dropped and reported the same way. A merge never fails because of
//!   a hierarchy, and nothing is dropped silently. [`Hierarchies::undo_rename`]
//!   reverses it for an unmerge.
//!
//! Whether an id names an existing golden record is for the caller to check:
//! this module knows ids only through their links.
//!
//! # Example
//!
//! ```
//! use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
//!
//! let corp = HierarchyKind::Corporate;
//! let mut h = Hierarchies::new();
//! h.link(&corp, "holding", "ar")?;
//! h.link(&corp, "holding", "es")?;
//! h.link(&corp, "ar", "ar-sur")?;
//! assert_eq!(h.descendants(&corp, "holding"), ["ar", "es", "ar-sur"]);
//!
//! // A cycle is refused, and nothing changes.
//! let before = h.clone();
//! assert!(h.link(&corp, "ar-sur", "holding").is_err());
//! assert_eq!(h, before);
//!
//! let revenue = |id: &str| match id {
//!     "holding" => Some(100),
//!     "ar" => Some(250),
//!     "ar-sur" => Some(50),
//!     _ => None,
//! };
//! assert_eq!(h.roll_up(&corp, "holding", revenue)?.total, 400);
//! # Ok::<(), ciclo::Error>(())
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::limits::Limits;

mod forest;
mod household;
mod kind;
mod merge;
mod queries;
mod roll_up;
mod snapshot;

use forest::{Forest, Refusal};

pub use household::households_by_address;
pub use kind::{CustomKind, HierarchyKind};
pub use merge::{DropReason, DroppedLink, Rename};
pub use roll_up::{Contribution, RollUp};

/// The longest customer id, in bytes.
const MAX_ID_LEN: usize = 256;

/// At most this many ids of a path are named in an error message.
const MAX_PATH_IN_MESSAGE: usize = 12;

/// One link of a hierarchy: `parent` is above `child` in `kind`.
///
/// Links order by kind, then parent, then child.
///
/// # Example
///
/// ```
/// use ciclo::consolidation::hierarchy::{HierarchyKind, Link};
///
/// let link = Link::new(HierarchyKind::CompanyContacts, "acme", "ana");
/// assert_eq!(link.to_string(), "company_contacts: acme -> ana");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// The hierarchy.
    pub kind: HierarchyKind,
    /// The customer above.
    pub parent: String,
    /// The customer below.
    pub child: String,
}

impl Link {
    /// A link. Nothing is checked until it is added to a [`Hierarchies`].
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{HierarchyKind, Link};
    ///
    /// let link = Link::new(HierarchyKind::Household, "ana", "luis");
    /// assert_eq!((link.parent.as_str(), link.child.as_str()), ("ana", "luis"));
    /// ```
    pub fn new(kind: HierarchyKind, parent: impl Into<String>, child: impl Into<String>) -> Link {
        Link {
            kind,
            parent: parent.into(),
            child: child.into(),
        }
    }
}

impl std::fmt::Display for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} -> {}", self.kind, self.parent, self.child)
    }
}

/// Every hierarchy of every kind, over golden customer ids.
///
/// See the [module documentation](self) for the rules. All operations that
/// take ids are O(1) hash lookups or O(log n) ordered lookups per step; the
/// cycle and depth check of [`link`](Hierarchies::link) walks at most the depth
/// limit (64 by default) of ancestors of the parent.
///
/// Serialises as a map from kind to its links, sorted, each a `[parent,
/// child]` pair: `{"corporate": [["holding", "ar"]]}`. Deserialising checks the
/// same rules as [`link`](Hierarchies::link), so a snapshot round-trips to an
/// equal value and a corrupt one is refused.
///
/// # Example
///
/// ```
/// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
///
/// let mut h = Hierarchies::new();
/// h.link(&HierarchyKind::Household, "ana", "luis")?;
/// h.link(&HierarchyKind::CompanyContacts, "acme", "ana")?;
/// assert_eq!(h.parent(&HierarchyKind::Household, "luis"), Some("ana"));
/// assert_eq!(h.parent(&HierarchyKind::Household, "ana"), None);
/// assert_eq!(h.len(), 2);
/// # Ok::<(), ciclo::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hierarchies {
    /// Invariant: no forest is empty, so equal hierarchies compare equal
    /// whatever links came and went.
    forests: BTreeMap<HierarchyKind, Forest>,
}

impl Hierarchies {
    /// No hierarchies.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::Hierarchies;
    ///
    /// assert!(Hierarchies::new().is_empty());
    /// ```
    pub fn new() -> Hierarchies {
        Hierarchies::default()
    }

    /// How many links, in all kinds.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
    ///
    /// let mut h = Hierarchies::new();
    /// h.link(&HierarchyKind::Corporate, "a", "b")?;
    /// h.link(&HierarchyKind::Corporate, "a", "b")?;
    /// assert_eq!(h.len(), 1);
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.forests.values().map(Forest::len).sum()
    }

    /// Whether there is no link at all.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
    ///
    /// let mut h = Hierarchies::new();
    /// h.link(&HierarchyKind::Corporate, "a", "b")?;
    /// h.unlink(&HierarchyKind::Corporate, "a", "b")?;
    /// assert!(h.is_empty());
    /// assert_eq!(h, Hierarchies::new());
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.forests.is_empty()
    }

    /// Links `parent` above `child` in `kind`.
    ///
    /// Linking a pair that is already linked does nothing and succeeds.
    ///
    /// # Errors
    ///
    /// Nothing changes on error.
    ///
    /// - [`Error::InvalidArgument`] naming `parent` or `child` if an id is
    ///   blank, longer than 256 bytes or holds control characters, and naming
    ///   `child` if `child` is `parent`.
    /// - [`Error::Conflict`] naming `child` if `child` already has another
    ///   parent in `kind` (unlink it first), or if `child` is an ancestor of
    ///   `parent`, so that the link would make a cycle; the message gives the
    ///   path.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
    /// use ciclo::Error;
    ///
    /// let corp = HierarchyKind::Corporate;
    /// let mut h = Hierarchies::new();
    /// h.link(&corp, "a", "b")?;
    /// h.link(&corp, "b", "c")?;
    /// let Err(Error::Conflict { field, message }) = h.link(&corp, "c", "a") else {
    ///     panic!()
    /// };
    /// assert_eq!(field, "child");
    /// assert!(message.contains("`c` -> `b` -> `a`"), "{message}");
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn link(&mut self, kind: &HierarchyKind, parent: &str, child: &str) -> Result<()> {
        self.link_within(kind, parent, child, Limits::DEFAULT.hierarchy_depth)
    }

    /// [`link`](Hierarchies::link), with no customer more than `max_depth` links
    /// below its root ([`link`](Hierarchies::link) uses the default
    /// [`Limits::hierarchy_depth`], 64). The check walks at most `max_depth`
    /// ancestors of `parent`, whatever the size of the hierarchy.
    ///
    /// # Errors
    ///
    /// As [`link`](Hierarchies::link), and [`Error::Conflict`] naming `child`
    /// for a link that would put a customer deeper than `max_depth`.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
    ///
    /// let corp = HierarchyKind::Corporate;
    /// let mut h = Hierarchies::new();
    /// h.link_within(&corp, "a", "b", 2)?;
    /// h.link_within(&corp, "b", "c", 2)?;
    /// let err = h.link_within(&corp, "c", "d", 2).unwrap_err();
    /// assert!(err.to_string().contains("limits.hierarchy_depth"), "{err}");
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn link_within(
        &mut self,
        kind: &HierarchyKind,
        parent: &str,
        child: &str,
        max_depth: usize,
    ) -> Result<()> {
        self.link_at(kind, parent, child, LinkAt(None), max_depth)
            .map(|_| ())
    }

    /// Adds all of `links`, or none of them.
    ///
    /// For putting back what [`remove_customer`](Hierarchies::remove_customer)
    /// returned, or applying [`households_by_address`] proposals. Links already
    /// present are fine.
    ///
    /// # Errors
    ///
    /// As [`link`](Hierarchies::link), for the first link refused, with the
    /// field prefixed by its index (`links[2].child`). Nothing changes on
    /// error.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind, Link};
    ///
    /// let corp = HierarchyKind::Corporate;
    /// let mut h = Hierarchies::new();
    /// let links = [
    ///     Link::new(corp.clone(), "a", "b"),
    ///     Link::new(corp.clone(), "b", "a"),
    /// ];
    /// assert!(h.link_all(&links).is_err());
    /// assert!(h.is_empty());
    /// h.link_all(&links[..1])?;
    /// assert_eq!(h.len(), 1);
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn link_all(&mut self, links: &[Link]) -> Result<()> {
        self.link_all_within(links, Limits::DEFAULT.hierarchy_depth)
    }

    /// [`link_all`](Hierarchies::link_all) with a depth limit, as
    /// [`link_within`](Hierarchies::link_within).
    pub(super) fn link_all_within(&mut self, links: &[Link], max_depth: usize) -> Result<()> {
        let mut added: Vec<&Link> = Vec::new();
        for (i, link) in links.iter().enumerate() {
            match self.link_at(
                &link.kind,
                &link.parent,
                &link.child,
                LinkAt(Some(i)),
                max_depth,
            ) {
                Ok(true) => added.push(link),
                Ok(false) => {}
                Err(err) => {
                    for link in added.into_iter().rev() {
                        self.remove_link(&link.kind, &link.parent, &link.child);
                    }
                    return Err(err);
                }
            }
        }
        Ok(())
    }

    /// Removes the link of `parent` above `child` in `kind`.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidArgument`] naming `parent` or `child` if an id is not
    ///   valid (as for [`link`](Hierarchies::link)).
    /// - [`Error::NotFound`] (a `hierarchy link`) if there is no such link.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
    ///
    /// let home = HierarchyKind::Household;
    /// let mut h = Hierarchies::new();
    /// h.link(&home, "ana", "luis")?;
    /// h.unlink(&home, "ana", "luis")?;
    /// let err = h.unlink(&home, "ana", "luis").unwrap_err();
    /// assert_eq!(err.to_string(), "hierarchy link `household: ana -> luis` not found");
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn unlink(&mut self, kind: &HierarchyKind, parent: &str, child: &str) -> Result<()> {
        check_id("parent", parent)?;
        check_id("child", child)?;
        if self.remove_link(kind, parent, child) {
            Ok(())
        } else {
            Err(Error::NotFound {
                what: "hierarchy link",
                id: format!("{kind}: {parent} -> {child}"),
            })
        }
    }

    /// [`link`](Hierarchies::link), with `prefix` before the field names of
    /// errors; whether the link is new.
    fn link_at(
        &mut self,
        kind: &HierarchyKind,
        parent: &str,
        child: &str,
        prefix: LinkAt,
        max_depth: usize,
    ) -> Result<bool> {
        check_id(format_args!("{prefix}parent"), parent)?;
        check_id(format_args!("{prefix}child"), child)?;
        let field = || format!("{prefix}child");
        if parent == child {
            return Err(Error::InvalidArgument {
                field: field(),
                message: format!("customer `{child}` cannot be its own parent in {kind}"),
            });
        }
        if max_depth == 0 {
            return Err(Error::Conflict {
                field: field(),
                message: refusal_message(kind, parent, child, &Refusal::TooDeep(Some(1)), 0),
            });
        }
        match self
            .forests
            .get(kind)
            .map(|f| f.check_link(parent, child, max_depth))
        {
            Some(Ok(true)) => return Ok(false),
            Some(Err(refusal)) => {
                return Err(Error::Conflict {
                    field: field(),
                    message: refusal_message(kind, parent, child, &refusal, max_depth),
                })
            }
            Some(Ok(false)) | None => {}
        }
        match self.forests.get_mut(kind) {
            Some(forest) => forest.insert(parent, child),
            None => {
                let mut forest = Forest::default();
                forest.insert(parent, child);
                self.forests.insert(kind.clone(), forest);
            }
        }
        Ok(true)
    }

    /// Removes a link if it is there, dropping the forest if it empties.
    fn remove_link(&mut self, kind: &HierarchyKind, parent: &str, child: &str) -> bool {
        let Some(forest) = self.forests.get_mut(kind) else {
            return false;
        };
        let removed = forest.remove(parent, child);
        if forest.is_empty() {
            self.forests.remove(kind);
        }
        removed
    }
}

/// Where a link was given: the index in [`Hierarchies::link_all`]'s list, if
/// any. Displays as the prefix of error fields, `links[2].` or nothing.
#[derive(Clone, Copy)]
struct LinkAt(Option<usize>);

impl std::fmt::Display for LinkAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(i) => write!(f, "links[{i}]."),
            None => Ok(()),
        }
    }
}

/// Checks a customer id: not blank, at most 256 bytes, no control characters.
fn check_id(field: impl std::fmt::Display, id: &str) -> Result<()> {
    let problem = if id.trim().is_empty() {
        "customer id is empty".to_string()
    } else if id.len() > MAX_ID_LEN {
        format!("customer id is longer than {MAX_ID_LEN} bytes")
    } else if id.chars().any(char::is_control) {
        format!("customer id {id:?} holds control characters")
    } else {
        return Ok(());
    };
    Err(Error::InvalidArgument {
        field: field.to_string(),
        message: problem,
    })
}

/// Why `parent` -> `child` was refused, naming the ids.
fn refusal_message(
    kind: &HierarchyKind,
    parent: &str,
    child: &str,
    refusal: &Refusal,
    max_depth: usize,
) -> String {
    match refusal {
        Refusal::TooDeep(deepest) => format!(
            "linking `{parent}` above `{child}` in {kind} would put a customer {} links \
             below its root; at most {max_depth} are accepted (limits.hierarchy_depth)",
            match deepest {
                Some(d) => d.to_string(),
                None => format!("more than {max_depth}"),
            }
        ),
        Refusal::HasParent(other) => format!(
            "customer `{child}` already has parent `{other}` in {kind}; \
             unlink it before linking it under `{parent}`"
        ),
        Refusal::Cycle(path) => format!(
            "linking `{parent}` above `{child}` in {kind} would make a cycle: \
             `{child}` is already an ancestor of `{parent}` ({})",
            path_message(path)
        ),
    }
}

/// A path of ids, child to parent: `` `a` -> `b` -> `c` ``, shortened in the
/// middle if long.
fn path_message(path: &[&str]) -> String {
    let mut out = String::new();
    let n = path.len();
    let head = MAX_PATH_IN_MESSAGE / 2;
    for (i, id) in path.iter().enumerate() {
        if n > MAX_PATH_IN_MESSAGE && i >= head && i < n - head {
            if i == head {
                let _ = write!(out, " -> ({} more)", n - 2 * head);
            }
            continue;
        }
        if i > 0 {
            out.push_str(" -> ");
        }
        let _ = write!(out, "`{id}`");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corp() -> HierarchyKind {
        HierarchyKind::Corporate
    }

    fn group() -> Hierarchies {
        let mut h = Hierarchies::new();
        for (p, c) in [
            ("holding", "es"),
            ("holding", "ar"),
            ("ar", "ar-sur"),
            ("ar", "ar-norte"),
        ] {
            h.link(&corp(), p, c).unwrap();
        }
        h
    }

    #[test]
    fn link_twice_is_idempotent() {
        let mut h = group();
        let before = h.clone();
        h.link(&corp(), "holding", "es").unwrap();
        assert_eq!(h, before);
    }

    #[test]
    fn kinds_are_independent() {
        let mut h = group();
        let home = HierarchyKind::Household;
        // `ar-sur` is below `holding` in corporate; the opposite in another kind
        // is no cycle.
        h.link(&home, "ar-sur", "holding").unwrap();
        assert_eq!(h.parent(&home, "holding"), Some("ar-sur"));
        assert_eq!(h.parent(&corp(), "holding"), None);
        let custom = HierarchyKind::new("franchise").unwrap();
        h.link(&custom, "es", "ar").unwrap();
        assert_eq!(h.kinds().count(), 3);
    }

    #[test]
    fn refusals_name_the_ids_and_change_nothing() {
        let mut h = group();
        let before = h.clone();

        let err = h.link(&corp(), "ar", "ar").unwrap_err();
        assert_eq!(
            err,
            Error::InvalidArgument {
                field: "child".into(),
                message: "customer `ar` cannot be its own parent in corporate".into(),
            }
        );

        let err = h.link(&corp(), "es", "ar-sur").unwrap_err();
        assert_eq!(
            err,
            Error::Conflict {
                field: "child".into(),
                message: "customer `ar-sur` already has parent `ar` in corporate; \
                          unlink it before linking it under `es`"
                    .into(),
            }
        );

        let err = h.link(&corp(), "ar-sur", "holding").unwrap_err();
        assert_eq!(
            err,
            Error::Conflict {
                field: "child".into(),
                message: "linking `ar-sur` above `holding` in corporate would make a cycle: \
                          `holding` is already an ancestor of `ar-sur` \
                          (`ar-sur` -> `ar` -> `holding`)"
                    .into(),
            }
        );

        for (field, parent, child) in [
            ("parent", "", "x"),
            ("child", "x", " "),
            ("child", "x", "a\nb"),
        ] {
            let Error::InvalidArgument { field: f, .. } =
                h.link(&corp(), parent, child).unwrap_err()
            else {
                panic!()
            };
            assert_eq!(f, field);
        }
        let long = "x".repeat(257);
        assert!(h.link(&corp(), &long, "x").is_err());

        let err = h.unlink(&corp(), "es", "ar").unwrap_err();
        assert_eq!(
            err.to_string(),
            "hierarchy link `corporate: es -> ar` not found"
        );
        assert_eq!(h, before);
    }

    #[test]
    fn long_cycle_paths_are_shortened() {
        let mut h = Hierarchies::new();
        let ids: Vec<String> = (0..30).map(|i| format!("n{i:02}")).collect();
        for w in ids.windows(2) {
            h.link(&corp(), &w[0], &w[1]).unwrap();
        }
        let Error::Conflict { message, .. } = h.link(&corp(), "n29", "n00").unwrap_err() else {
            panic!()
        };
        assert!(
            message.ends_with(
                "(`n29` -> `n28` -> `n27` -> `n26` -> `n25` -> `n24` -> (18 more) -> `n05` \
                 -> `n04` -> `n03` -> `n02` -> `n01` -> `n00`)"
            ),
            "{message}"
        );
    }

    #[test]
    fn unlink_leaves_a_canonical_value() {
        let mut h = group();
        for (p, c) in [
            ("ar", "ar-sur"),
            ("holding", "es"),
            ("ar", "ar-norte"),
            ("holding", "ar"),
        ] {
            h.unlink(&corp(), p, c).unwrap();
        }
        assert_eq!(h, Hierarchies::new());
    }

    #[test]
    fn link_all_is_all_or_nothing() {
        let mut h = group();
        let before = h.clone();
        let links = [
            Link::new(corp(), "es", "es-norte"),
            Link::new(corp(), "holding", "es"),
            Link::new(corp(), "es-norte", "holding"),
        ];
        let err = h.link_all(&links).unwrap_err();
        let Error::Conflict { field, .. } = err else {
            panic!("{err:?}")
        };
        assert_eq!(field, "links[2].child");
        assert_eq!(h, before);
        h.link_all(&links[..2]).unwrap();
        assert_eq!(h.len(), 5);
    }
}
