//! What happens to the links of a golden record that goes away or merges.

use serde::{Deserialize, Serialize};

use super::forest::{Id, Refusal};
use super::{check_id, Hierarchies, HierarchyKind, Link};
use crate::error::{Error, Result};

/// What [`Hierarchies::rename_customer`] did.
///
/// `removed` and `added` are enough to undo it (see
/// [`Hierarchies::undo_rename`]); `dropped` explains the links of the absorbed
/// record that the survivor did not take over. All three are sorted.
///
/// # Example
///
/// ```
/// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind, Link};
///
/// let home = HierarchyKind::Household;
/// let mut h = Hierarchies::new();
/// h.link(&home, "ana", "luis")?;
/// let rename = h.rename_customer("ana", "ana-2")?;
/// assert_eq!(rename.removed, [Link::new(home.clone(), "ana", "luis")]);
/// assert_eq!(rename.added, [Link::new(home.clone(), "ana-2", "luis")]);
/// assert!(rename.dropped.is_empty());
/// # Ok::<(), ciclo::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    /// Every link the absorbed record had, as it was.
    pub removed: Vec<Link>,
    /// The links made for the survivor.
    pub added: Vec<Link>,
    /// The links of `removed` that the survivor did not take over, and why.
    pub dropped: Vec<DroppedLink>,
}

/// A link of an absorbed record that its survivor did not take over.
///
/// # Example
///
/// ```
/// use ciclo::consolidation::hierarchy::{DropReason, Hierarchies, HierarchyKind};
///
/// let corp = HierarchyKind::Corporate;
/// let mut h = Hierarchies::new();
/// h.link(&corp, "group-a", "old")?;
/// h.link(&corp, "group-b", "new")?;
/// let rename = h.rename_customer("old", "new")?;
/// let dropped = &rename.dropped[0];
/// assert_eq!(dropped.link.to_string(), "corporate: group-a -> old");
/// assert_eq!(dropped.reason, DropReason::ParentConflict { kept: "group-b".into() });
/// # Ok::<(), ciclo::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DroppedLink {
    /// The link as the absorbed record had it.
    pub link: Link,
    /// Why the survivor did not take it over.
    pub reason: DropReason,
}

impl Rename {
    /// Forgets every link naming `id` (a customer erased since the merge):
    /// undoing the rename then neither removes nor puts back a link of it.
    pub fn forget(&mut self, id: &str) {
        let names = |l: &Link| l.parent == id || l.child == id;
        self.removed.retain(|l| !names(l));
        self.added.retain(|l| !names(l));
        self.dropped.retain(|d| {
            !names(&d.link)
                && !matches!(&d.reason, DropReason::ParentConflict { kept } if kept == id)
        });
    }
}

/// Why a link of an absorbed record was not moved to its survivor.
///
/// Serialises as `{"reason": "parent_conflict", "kept": "group-b"}`,
/// `{"reason": "self_link"}`, `{"reason": "cycle"}` or `{"reason": "too_deep"}`.
///
/// # Example
///
/// ```
/// use ciclo::consolidation::hierarchy::DropReason;
///
/// let json = serde_json::to_string(&DropReason::SelfLink).unwrap();
/// assert_eq!(json, r#"{"reason":"self_link"}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case", deny_unknown_fields)]
pub enum DropReason {
    /// The link joined the two records being merged: the survivor would be
    /// its own parent.
    SelfLink,
    /// The survivor already has another parent in this kind, and keeps it.
    ParentConflict {
        /// The survivor's parent, which it keeps.
        kept: String,
    },
    /// The survivor is on the other side of the link's path already: taking the
    /// link over would make a cycle.
    Cycle,
    /// Taking the link over would put a customer more links below its root
    /// than the depth limit allows (see
    /// [`Hierarchies::rename_customer_within`]).
    TooDeep,
}

impl Hierarchies {
    /// Drops every link of `id`, in every kind, for when its golden record goes
    /// away; returns the links dropped, sorted.
    ///
    /// Its children become roots; they are not moved up to its parent (see the
    /// [module documentation](super)). [`link_all`](Hierarchies::link_all) with
    /// the returned links puts them back.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
    ///
    /// let corp = HierarchyKind::Corporate;
    /// let mut h = Hierarchies::new();
    /// h.link(&corp, "holding", "ar")?;
    /// h.link(&corp, "ar", "ar-sur")?;
    /// let before = h.clone();
    ///
    /// let removed = h.remove_customer("ar");
    /// assert_eq!(removed.len(), 2);
    /// assert_eq!(h.root(&corp, "ar-sur"), "ar-sur");
    ///
    /// h.link_all(&removed)?;
    /// assert_eq!(h, before);
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn remove_customer(&mut self, id: &str) -> Vec<Link> {
        let mut removed = Vec::new();
        let kinds: Vec<HierarchyKind> = self.forests.keys().cloned().collect();
        for kind in kinds {
            let (parent, children) = self.detach(&kind, id);
            if let Some(p) = parent {
                removed.push(Link::new(kind.clone(), p, id));
            }
            for c in children {
                removed.push(Link::new(kind.clone(), id, c));
            }
        }
        removed.sort();
        removed
    }

    /// Moves the links of `old` to `new`, for when golden record `old` is merged
    /// into `new`.
    ///
    /// In each kind: `old`'s parent becomes `new`'s parent, and `old`'s
    /// children become `new`'s children. `new` keeps its own links. A link of
    /// `old` is not taken over, and is reported in [`Rename::dropped`], if
    ///
    /// - it joined `old` and `new` ([`DropReason::SelfLink`]),
    /// - `new` has another parent already ([`DropReason::ParentConflict`]: the
    ///   survivor's parent wins), or
    /// - it would make a cycle ([`DropReason::Cycle`]; a child of `old` that is
    ///   an ancestor of `new` becomes a root), or, with
    ///   [`rename_customer_within`](Hierarchies::rename_customer_within), put a
    ///   customer deeper than the limit ([`DropReason::TooDeep`]).
    ///
    /// A link `new` already has is absorbed: removed from `old`, not added, not
    /// dropped. If `old` has no links, nothing changes.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `old` or `new` if an id is not valid,
    /// or `new` if it is `old`. Nothing changes on error.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
    ///
    /// let staff = HierarchyKind::CompanyContacts;
    /// let mut h = Hierarchies::new();
    /// h.link(&staff, "acme", "ana")?;
    /// h.link(&staff, "acme-sa", "luis")?;
    /// // `acme-sa` turns out to be a duplicate of `acme`.
    /// let rename = h.rename_customer("acme-sa", "acme")?;
    /// assert_eq!(h.children(&staff, "acme"), ["ana", "luis"]);
    /// assert!(rename.dropped.is_empty());
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn rename_customer(&mut self, old: &str, new: &str) -> Result<Rename> {
        self.rename_customer_within(old, new, usize::MAX)
    }

    /// [`rename_customer`](Hierarchies::rename_customer) with no customer
    /// more than `max_depth` links below its root afterwards: a link that
    /// would go deeper is dropped and reported as [`DropReason::TooDeep`]
    /// (an unmerge puts it back). The check of each link walks at most
    /// `max_depth` ancestors.
    ///
    /// # Errors
    ///
    /// As [`rename_customer`](Hierarchies::rename_customer).
    pub fn rename_customer_within(
        &mut self,
        old: &str,
        new: &str,
        max_depth: usize,
    ) -> Result<Rename> {
        check_id("old", old)?;
        check_id("new", new)?;
        if old == new {
            return Err(Error::InvalidArgument {
                field: "new".to_string(),
                message: format!("customer `{new}` cannot be merged into itself"),
            });
        }
        let mut out = Rename::default();
        let kinds: Vec<HierarchyKind> = self.forests.keys().cloned().collect();
        for kind in kinds {
            let (parent, children) = self.detach(&kind, old);
            let mut moved = Vec::with_capacity(children.len() + 1);
            if let Some(p) = parent {
                moved.push(Link::new(kind.clone(), p, old));
            }
            for c in children {
                moved.push(Link::new(kind.clone(), old, c));
            }
            // The parent link first, then the children in order.
            for link in moved {
                let (parent, child) = if link.child == old {
                    (link.parent.as_str(), new)
                } else {
                    (new, link.child.as_str())
                };
                if parent == child {
                    out.dropped.push(DroppedLink {
                        link: link.clone(),
                        reason: DropReason::SelfLink,
                    });
                } else {
                    match self.try_insert(&kind, parent, child, max_depth) {
                        Ok(true) => out.added.push(Link::new(kind.clone(), parent, child)),
                        Ok(false) => {}
                        Err(reason) => out.dropped.push(DroppedLink {
                            link: link.clone(),
                            reason,
                        }),
                    }
                }
                out.removed.push(link);
            }
        }
        out.removed.sort();
        out.added.sort();
        out.dropped.sort();
        Ok(out)
    }

    /// Reverses a [`rename_customer`](Hierarchies::rename_customer), for when a
    /// merge is undone: removes the links it added and puts back the ones it
    /// removed.
    ///
    /// Exact if nothing else changed the links involved since.
    ///
    /// # Errors
    ///
    /// - [`Error::NotFound`] if a link the rename added is not there any more.
    /// - As [`link_all`](Hierarchies::link_all) if a removed link cannot be put
    ///   back (for example its child has another parent by now).
    ///
    /// Nothing changes on error.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
    ///
    /// let corp = HierarchyKind::Corporate;
    /// let mut h = Hierarchies::new();
    /// h.link(&corp, "group-a", "old")?;
    /// h.link(&corp, "old", "sub")?;
    /// h.link(&corp, "group-b", "new")?;
    /// let before = h.clone();
    /// let rename = h.rename_customer("old", "new")?;
    /// h.undo_rename(&rename)?;
    /// assert_eq!(h, before);
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn undo_rename(&mut self, rename: &Rename) -> Result<()> {
        if let Some(missing) = rename
            .added
            .iter()
            .find(|l| self.parent(&l.kind, &l.child) != Some(l.parent.as_str()))
        {
            return Err(Error::NotFound {
                what: "hierarchy link",
                id: missing.to_string(),
            });
        }
        for link in &rename.added {
            self.remove_link(&link.kind, &link.parent, &link.child);
        }
        if let Err(err) = self.link_all_within(&rename.removed, usize::MAX) {
            // The added links were valid together with everything else a
            // moment ago: putting them back cannot fail.
            for link in &rename.added {
                self.forests
                    .entry(link.kind.clone())
                    .or_default()
                    .insert(&link.parent, &link.child);
            }
            return Err(err);
        }
        Ok(())
    }

    /// Removes `id`'s links in `kind`: its parent and its children (sorted).
    fn detach(&mut self, kind: &HierarchyKind, id: &str) -> (Option<Id>, Vec<Id>) {
        let Some(forest) = self.forests.get_mut(kind) else {
            return (None, Vec::new());
        };
        let parent = forest.parent(id).map(Id::from);
        let children: Vec<Id> = forest.children(id).map(Id::from).collect();
        if let Some(p) = &parent {
            forest.remove(p, id);
        }
        for c in &children {
            forest.remove(id, c);
        }
        if forest.is_empty() {
            self.forests.remove(kind);
        }
        (parent, children)
    }

    /// Adds a link (`parent != child`, valid ids) if the forest allows it;
    /// whether it is new.
    fn try_insert(
        &mut self,
        kind: &HierarchyKind,
        parent: &str,
        child: &str,
        max_depth: usize,
    ) -> Result<bool, DropReason> {
        let forest = self.forests.entry(kind.clone()).or_default();
        let outcome = match forest.check_link(parent, child, max_depth) {
            Ok(true) => Ok(false),
            Ok(false) => Ok(true),
            Err(Refusal::HasParent(kept)) => Err(DropReason::ParentConflict {
                kept: kept.to_string(),
            }),
            Err(Refusal::Cycle(_)) => Err(DropReason::Cycle),
            Err(Refusal::TooDeep(_)) => Err(DropReason::TooDeep),
        };
        if outcome == Ok(true) {
            forest.insert(parent, child);
        }
        if forest.is_empty() {
            self.forests.remove(kind);
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corp() -> HierarchyKind {
        HierarchyKind::Corporate
    }

    fn hierarchies(links: &[(&str, &str)]) -> Hierarchies {
        let mut h = Hierarchies::new();
        for (p, c) in links {
            h.link(&corp(), p, c).unwrap();
        }
        h
    }

    fn links(h: &Hierarchies) -> Vec<(&str, &str)> {
        h.links(&corp()).collect()
    }

    #[test]
    fn remove_customer_makes_children_roots_in_every_kind() {
        let mut h = hierarchies(&[("top", "mid"), ("mid", "a"), ("mid", "b")]);
        h.link(&HierarchyKind::Household, "mid", "x").unwrap();
        let before = h.clone();
        let removed = h.remove_customer("mid");
        assert_eq!(
            removed,
            [
                Link::new(HierarchyKind::Household, "mid", "x"),
                Link::new(corp(), "mid", "a"),
                Link::new(corp(), "mid", "b"),
                Link::new(corp(), "top", "mid"),
            ]
        );
        assert!(h.is_empty());
        assert!(h.remove_customer("mid").is_empty());
        h.link_all(&removed).unwrap();
        assert_eq!(h, before);
    }

    #[test]
    fn rename_moves_parent_and_children() {
        let mut h = hierarchies(&[("top", "old"), ("old", "a"), ("new", "b")]);
        let rename = h.rename_customer("old", "new").unwrap();
        assert_eq!(links(&h), [("new", "a"), ("new", "b"), ("top", "new")]);
        assert_eq!(
            rename.added,
            [
                Link::new(corp(), "new", "a"),
                Link::new(corp(), "top", "new")
            ]
        );
        assert_eq!(
            rename.removed,
            [
                Link::new(corp(), "old", "a"),
                Link::new(corp(), "top", "old")
            ]
        );
        assert!(rename.dropped.is_empty());
    }

    #[test]
    fn rename_keeps_the_survivors_parent() {
        let mut h = hierarchies(&[("p1", "old"), ("p2", "new")]);
        let rename = h.rename_customer("old", "new").unwrap();
        assert_eq!(links(&h), [("p2", "new")]);
        assert_eq!(
            rename.dropped,
            [DroppedLink {
                link: Link::new(corp(), "p1", "old"),
                reason: DropReason::ParentConflict { kept: "p2".into() },
            }]
        );
        // The same parent is absorbed, not a conflict.
        let mut h = hierarchies(&[("p", "old"), ("p", "new")]);
        let rename = h.rename_customer("old", "new").unwrap();
        assert_eq!(links(&h), [("p", "new")]);
        assert!(rename.added.is_empty() && rename.dropped.is_empty());
        assert_eq!(rename.removed.len(), 1);
    }

    #[test]
    fn rename_drops_self_links_and_cycles() {
        // old -> new directly: a self link.
        let mut h = hierarchies(&[("old", "new"), ("old", "x")]);
        let rename = h.rename_customer("old", "new").unwrap();
        assert_eq!(links(&h), [("new", "x")]);
        assert_eq!(rename.dropped[0].reason, DropReason::SelfLink);

        // old -> c -> new: `c` cannot be below `new`; it becomes a root.
        let before = hierarchies(&[("top", "old"), ("old", "c"), ("c", "new")]);
        let mut h = before.clone();
        let rename = h.rename_customer("old", "new").unwrap();
        assert_eq!(links(&h), [("c", "new")]);
        assert_eq!(
            rename.dropped,
            [
                DroppedLink {
                    link: Link::new(corp(), "old", "c"),
                    reason: DropReason::Cycle,
                },
                DroppedLink {
                    link: Link::new(corp(), "top", "old"),
                    reason: DropReason::ParentConflict { kept: "c".into() },
                },
            ]
        );
        h.undo_rename(&rename).unwrap();
        assert_eq!(h, before);

        // new -> p -> old: `p` cannot be above `new`.
        let mut h = hierarchies(&[("new", "p"), ("p", "old")]);
        let rename = h.rename_customer("old", "new").unwrap();
        assert_eq!(links(&h), [("new", "p")]);
        assert_eq!(rename.dropped[0].reason, DropReason::Cycle);
    }

    #[test]
    fn rename_errors_change_nothing() {
        let mut h = hierarchies(&[("a", "b")]);
        let before = h.clone();
        for (old, new, field) in [("a", "a", "new"), ("", "a", "old"), ("a", "\t", "new")] {
            let Error::InvalidArgument { field: f, .. } = h.rename_customer(old, new).unwrap_err()
            else {
                panic!()
            };
            assert_eq!(f, field);
        }
        assert_eq!(h, before);
        assert_eq!(h.rename_customer("zz", "a").unwrap(), Rename::default());
        assert_eq!(h, before);
    }

    #[test]
    fn undo_rename_refuses_a_changed_hierarchy() {
        let mut h = hierarchies(&[("top", "old"), ("old", "a")]);
        let rename = h.rename_customer("old", "new").unwrap();
        h.unlink(&corp(), "new", "a").unwrap();
        let after = h.clone();
        let err = h.undo_rename(&rename).unwrap_err();
        assert_eq!(
            err.to_string(),
            "hierarchy link `corporate: new -> a` not found"
        );
        assert_eq!(h, after);

        // A removed link that cannot go back: `a` has another parent now.
        h.link(&corp(), "other", "a").unwrap();
        h.link(&corp(), "new", "b").unwrap();
        let rename2 = Rename {
            removed: vec![Link::new(corp(), "old", "a")],
            added: vec![Link::new(corp(), "new", "b")],
            dropped: vec![],
        };
        let after = h.clone();
        assert!(h.undo_rename(&rename2).is_err());
        assert_eq!(h, after);
    }
}
