//! Read-only questions about hierarchies: parents, children, ancestors,
//! descendants, roots and members, in a deterministic order.

use super::forest::Forest;
use super::{Hierarchies, HierarchyKind, Link};

impl Hierarchies {
    /// The kinds that have at least one link, in order.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
    ///
    /// let mut h = Hierarchies::new();
    /// h.link(&HierarchyKind::Corporate, "a", "b")?;
    /// h.link(&HierarchyKind::Household, "c", "d")?;
    /// let kinds: Vec<&HierarchyKind> = h.kinds().collect();
    /// assert_eq!(kinds, [&HierarchyKind::Household, &HierarchyKind::Corporate]);
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn kinds(&self) -> impl Iterator<Item = &HierarchyKind> {
        self.forests.keys()
    }

    /// The links of one kind as `(parent, child)`, sorted by parent then child.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
    ///
    /// let corp = HierarchyKind::Corporate;
    /// let mut h = Hierarchies::new();
    /// h.link(&corp, "b", "c")?;
    /// h.link(&corp, "a", "b")?;
    /// let links: Vec<(&str, &str)> = h.links(&corp).collect();
    /// assert_eq!(links, [("a", "b"), ("b", "c")]);
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn links<'a>(
        &'a self,
        kind: &HierarchyKind,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.forests.get(kind).into_iter().flat_map(Forest::links)
    }

    /// Every link that `id` is part of, as parent or child, in every kind;
    /// sorted.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind, Link};
    ///
    /// let mut h = Hierarchies::new();
    /// h.link(&HierarchyKind::Household, "ana", "luis")?;
    /// h.link(&HierarchyKind::CompanyContacts, "acme", "ana")?;
    /// assert_eq!(
    ///     h.links_of("ana"),
    ///     [
    ///         Link::new(HierarchyKind::Household, "ana", "luis"),
    ///         Link::new(HierarchyKind::CompanyContacts, "acme", "ana"),
    ///     ]
    /// );
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn links_of(&self, id: &str) -> Vec<Link> {
        let mut out = Vec::new();
        for (kind, forest) in &self.forests {
            if let Some(p) = forest.parent(id) {
                out.push(Link::new(kind.clone(), p, id));
            }
            for c in forest.children(id) {
                out.push(Link::new(kind.clone(), id, c));
            }
        }
        out.sort();
        out
    }

    /// The parent of `id` in `kind`, if it has one.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
    ///
    /// let mut h = Hierarchies::new();
    /// h.link(&HierarchyKind::Corporate, "holding", "ar")?;
    /// assert_eq!(h.parent(&HierarchyKind::Corporate, "ar"), Some("holding"));
    /// assert_eq!(h.parent(&HierarchyKind::Household, "ar"), None);
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn parent(&self, kind: &HierarchyKind, id: &str) -> Option<&str> {
        self.forests.get(kind)?.parent(id)
    }

    /// The children of `id` in `kind`, sorted.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
    ///
    /// let staff = HierarchyKind::CompanyContacts;
    /// let mut h = Hierarchies::new();
    /// h.link(&staff, "acme", "luis")?;
    /// h.link(&staff, "acme", "ana")?;
    /// assert_eq!(h.children(&staff, "acme"), ["ana", "luis"]);
    /// assert!(h.children(&staff, "ana").is_empty());
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn children(&self, kind: &HierarchyKind, id: &str) -> Vec<&str> {
        match self.forests.get(kind) {
            Some(forest) => forest.children(id).collect(),
            None => Vec::new(),
        }
    }

    /// The ancestors of `id` in `kind`, nearest first (its parent, then the
    /// parent's parent, up to the root). Empty for a root.
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
    /// assert_eq!(h.ancestors(&corp, "ar-sur"), ["ar", "holding"]);
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn ancestors(&self, kind: &HierarchyKind, id: &str) -> Vec<&str> {
        match self.forests.get(kind) {
            Some(forest) => forest.ancestors(id),
            None => Vec::new(),
        }
    }

    /// The descendants of `id` in `kind`, not `id` itself: breadth first, and
    /// the children of each node in sorted order.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
    ///
    /// let corp = HierarchyKind::Corporate;
    /// let mut h = Hierarchies::new();
    /// h.link(&corp, "holding", "es")?;
    /// h.link(&corp, "holding", "ar")?;
    /// h.link(&corp, "ar", "ar-sur")?;
    /// assert_eq!(h.descendants(&corp, "holding"), ["ar", "es", "ar-sur"]);
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn descendants<'a>(&'a self, kind: &HierarchyKind, id: &'a str) -> Vec<&'a str> {
        let mut nodes = self.subtree(kind, id);
        nodes.remove(0);
        nodes
    }

    /// The root of the hierarchy of `kind` that `id` is in: its farthest
    /// ancestor, or `id` itself if it has no parent.
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
    /// assert_eq!(h.root(&corp, "ar-sur"), "holding");
    /// assert_eq!(h.root(&corp, "holding"), "holding");
    /// assert_eq!(h.root(&corp, "unknown"), "unknown");
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn root<'a>(&'a self, kind: &HierarchyKind, id: &'a str) -> &'a str {
        let Some(forest) = self.forests.get(kind) else {
            return id;
        };
        let mut root = id;
        while let Some(p) = forest.parent(root) {
            root = p;
        }
        root
    }

    /// Everyone in the same hierarchy of `kind` as `id`: its root first, then
    /// the root's descendants in the order of
    /// [`descendants`](Hierarchies::descendants).
    ///
    /// For a customer in no hierarchy of `kind`, just `id`.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
    ///
    /// let home = HierarchyKind::Household;
    /// let mut h = Hierarchies::new();
    /// h.link(&home, "ana", "luis")?;
    /// h.link(&home, "ana", "eva")?;
    /// assert_eq!(h.members(&home, "luis"), ["ana", "eva", "luis"]);
    /// assert_eq!(h.members(&home, "paz"), ["paz"]);
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn members<'a>(&'a self, kind: &HierarchyKind, id: &'a str) -> Vec<&'a str> {
        let root = self.root(kind, id);
        self.subtree(kind, root)
    }

    /// `id` followed by its descendants.
    fn subtree<'a>(&'a self, kind: &HierarchyKind, id: &'a str) -> Vec<&'a str> {
        match self.forests.get(kind) {
            Some(forest) => forest.subtree(id).0,
            None => vec![id],
        }
    }
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
    fn queries_are_sorted_and_consistent() {
        let h = group();
        assert_eq!(h.children(&corp(), "holding"), ["ar", "es"]);
        assert_eq!(h.children(&corp(), "ar"), ["ar-norte", "ar-sur"]);
        assert_eq!(h.ancestors(&corp(), "ar-sur"), ["ar", "holding"]);
        assert!(h.ancestors(&corp(), "holding").is_empty());
        assert_eq!(
            h.descendants(&corp(), "holding"),
            ["ar", "es", "ar-norte", "ar-sur"]
        );
        assert!(h.descendants(&corp(), "es").is_empty());
        assert_eq!(h.root(&corp(), "ar-norte"), "holding");
        assert_eq!(
            h.members(&corp(), "ar-sur"),
            ["holding", "ar", "es", "ar-norte", "ar-sur"]
        );
        assert_eq!(h.members(&HierarchyKind::Household, "ar"), ["ar"]);
        assert!(h.children(&HierarchyKind::Household, "holding").is_empty());
        assert_eq!(h.len(), 4);
    }

    #[test]
    fn links_of_lists_both_directions() {
        let h = group();
        assert_eq!(
            h.links_of("ar"),
            [
                Link::new(corp(), "ar", "ar-norte"),
                Link::new(corp(), "ar", "ar-sur"),
                Link::new(corp(), "holding", "ar"),
            ]
        );
        assert!(h.links_of("nobody").is_empty());
    }
}
