//! One kind's forest: a parent per node and the sorted set of links.

use std::collections::BTreeSet;

use compact_str::CompactString;

/// A customer id as stored: short ids (up to 24 bytes) stay inline.
pub(super) type Id = CompactString;

type Map<K, V> = hashbrown::HashMap<K, V, foldhash::fast::RandomState>;

/// Why a link cannot be added to a forest.
#[derive(Debug)]
pub(super) enum Refusal<'a> {
    /// The child already has this other parent.
    HasParent(&'a str),
    /// The child is already an ancestor of the parent: the ancestry of the
    /// parent, from the parent up to the child.
    Cycle(Vec<&'a str>),
    /// The link would put some node more than the depth limit below its root:
    /// how deep (`None`: the parent alone is already deeper than the limit, and
    /// the walk up stopped there).
    TooDeep(Option<usize>),
}

/// A forest over customer ids: each node has at most one parent, no cycles.
///
/// `parent` answers "who is above" in O(1); `links` holds every `(parent,
/// child)` pair sorted, so the children of a node are one range, in order.
/// Both always hold the same links. `height` holds, for every node with
/// children, the most links from it down to a leaf, so that the depth a link
/// would create is known from the parent's ancestors alone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Forest {
    parent: Map<Id, Id>,
    links: BTreeSet<(Id, Id)>,
    height: Map<Id, usize>,
}

impl Forest {
    /// How many links.
    pub(super) fn len(&self) -> usize {
        self.links.len()
    }

    /// Whether the forest has no link.
    pub(super) fn is_empty(&self) -> bool {
        self.links.is_empty()
    }

    /// Every link, sorted by parent then child.
    pub(super) fn links(&self) -> impl Iterator<Item = (&str, &str)> {
        self.links.iter().map(|(p, c)| (p.as_str(), c.as_str()))
    }

    /// The parent of `id`.
    pub(super) fn parent(&self, id: &str) -> Option<&str> {
        self.parent.get(id).map(Id::as_str)
    }

    /// The children of `id`, sorted.
    pub(super) fn children<'a, 'b>(
        &'a self,
        id: &'b str,
    ) -> impl Iterator<Item = &'a str> + use<'a, 'b> {
        self.links
            .range((Id::from(id), Id::default())..)
            .take_while(move |(p, _)| p.as_str() == id)
            .map(|(_, c)| c.as_str())
    }

    /// Whether `parent` -> `child` is a link.
    pub(super) fn contains(&self, parent: &str, child: &str) -> bool {
        self.parent(child) == Some(parent)
    }

    /// The ancestors of `id`, nearest first.
    pub(super) fn ancestors<'a>(&'a self, id: &str) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut at = self.parent(id);
        while let Some(p) = at {
            out.push(p);
            at = self.parent(p);
        }
        out
    }

    /// `id` and its descendants, breadth first, each node's children sorted;
    /// with, per node, the index of its parent in the list (`usize::MAX` for
    /// `id`).
    pub(super) fn subtree<'a>(&'a self, id: &'a str) -> (Vec<&'a str>, Vec<usize>) {
        let mut nodes = vec![id];
        let mut parents = vec![usize::MAX];
        let mut next = 0;
        while next < nodes.len() {
            let at = nodes[next];
            for child in self.children(at) {
                nodes.push(child);
                parents.push(next);
            }
            next += 1;
        }
        (nodes, parents)
    }

    /// The most links from `id` down to a leaf below it (0 for a leaf).
    pub(super) fn height(&self, id: &str) -> usize {
        self.height.get(id).copied().unwrap_or(0)
    }

    /// Checks that `parent` -> `child` can be added (`parent != child`, both
    /// valid ids) with no node more than `max_depth` links below its root.
    /// `Ok(true)` if it is there already, `Ok(false)` if it can be added.
    /// O(min(depth of `parent`, `max_depth`)): the walk up from the parent
    /// stops after `max_depth` ancestors.
    pub(super) fn check_link<'a>(
        &'a self,
        parent: &'a str,
        child: &str,
        max_depth: usize,
    ) -> Result<bool, Refusal<'a>> {
        match self.parent(child) {
            Some(p) if p == parent => return Ok(true),
            Some(p) => return Err(Refusal::HasParent(p)),
            None => {}
        }
        let mut path = vec![parent];
        let mut at = parent;
        while let Some(p) = self.parent(at) {
            path.push(p);
            if p == child {
                return Err(Refusal::Cycle(path));
            }
            if path.len() > max_depth {
                // The parent has `max_depth` ancestors: the child would be
                // deeper than the limit, whatever else is above.
                return Err(Refusal::TooDeep(None));
            }
            at = p;
        }
        // The parent's depth, plus the link, plus what hangs below the child.
        let deepest = (path.len() - 1)
            .saturating_add(1)
            .saturating_add(self.height(child));
        if deepest > max_depth {
            return Err(Refusal::TooDeep(Some(deepest)));
        }
        Ok(false)
    }

    /// Adds a link that [`Forest::check_link`] allowed.
    pub(super) fn insert(&mut self, parent: &str, child: &str) {
        let (parent, child) = (Id::from(parent), Id::from(child));
        self.parent.insert(child.clone(), parent.clone());
        self.links.insert((parent.clone(), child.clone()));
        self.raise_heights(parent, self.height(&child) + 1);
    }

    /// Makes the height of `at` at least `h`, and of its ancestors one more per
    /// level, stopping where a height is already enough.
    fn raise_heights(&mut self, mut at: Id, mut h: usize) {
        loop {
            if self.height(&at) >= h {
                return;
            }
            self.height.insert(at.clone(), h);
            match self.parent.get(&at) {
                Some(p) => {
                    at = p.clone();
                    h += 1;
                }
                None => return,
            }
        }
    }

    /// Recomputes the heights of `at` and its ancestors after a link below `at`
    /// went, stopping where a height does not change.
    fn lower_heights(&mut self, mut at: Id) {
        loop {
            let old = self.height(&at);
            // Another child that still reaches as deep keeps the height: the
            // usual case (a household of leaves) stops at the first sibling.
            if old > 0 && self.children(&at).any(|c| self.height(c) + 1 == old) {
                return;
            }
            let new = self
                .children(&at)
                .map(|c| self.height(c) + 1)
                .max()
                .unwrap_or(0);
            if new == old {
                return;
            }
            if new == 0 {
                self.height.remove(&at);
            } else {
                self.height.insert(at.clone(), new);
            }
            match self.parent.get(&at) {
                Some(p) => at = p.clone(),
                None => return,
            }
        }
    }

    /// Removes a link; whether it was there.
    pub(super) fn remove(&mut self, parent: &str, child: &str) -> bool {
        if !self.contains(parent, child) {
            return false;
        }
        self.parent.remove(child);
        self.links.remove(&(Id::from(parent), Id::from(child)));
        self.lower_heights(Id::from(parent));
        true
    }

    /// Computes the heights of a forest built by [`Forest::from_links`] and
    /// found free of cycles by [`Forest::find_cycle`].
    pub(super) fn with_heights(mut self) -> Forest {
        self.height.clear();
        let leaves: Vec<Id> = self
            .parent
            .keys()
            .filter(|c| self.children(c).next().is_none())
            .cloned()
            .collect();
        for leaf in leaves {
            if let Some(p) = self.parent.get(&leaf).cloned() {
                self.raise_heights(p, 1);
            }
        }
        self
    }

    /// Builds a forest from links, all at once, without checking them.
    ///
    /// Returns the first child that appears twice, if any; the forest is then
    /// unusable. Check [`Forest::find_cycle`] afterwards.
    pub(super) fn from_links(
        links: impl IntoIterator<Item = (Id, Id)>,
    ) -> Result<Forest, (Id, Id, Id)> {
        let mut forest = Forest::default();
        for (parent, child) in links {
            if let Some(before) = forest.parent.insert(child.clone(), parent.clone()) {
                return Err((child, before, parent));
            }
            forest.links.insert((parent, child));
        }
        Ok(forest)
    }

    /// A cycle, if the parents make one: its nodes, each followed by its parent,
    /// starting from the smallest. O(nodes).
    pub(super) fn find_cycle(&self) -> Option<Vec<&str>> {
        #[derive(Clone, Copy, PartialEq)]
        enum Seen {
            OnPath,
            Done,
        }
        let mut seen: Map<&str, Seen> = Map::default();
        let mut path: Vec<&str> = Vec::new();
        // Sorted starts, so that the cycle reported does not depend on hashing.
        for (_, start) in &self.links {
            path.clear();
            let mut at = Some(start.as_str());
            while let Some(node) = at {
                match seen.get(node) {
                    Some(Seen::Done) => break,
                    Some(Seen::OnPath) => {
                        let from = path.iter().position(|&n| n == node).unwrap_or(0);
                        let mut cycle = path[from..].to_vec();
                        let smallest = (0..cycle.len()).min_by_key(|&i| cycle[i]).unwrap_or(0);
                        cycle.rotate_left(smallest);
                        return Some(cycle);
                    }
                    None => {}
                }
                seen.insert(node, Seen::OnPath);
                path.push(node);
                at = self.parent(node);
            }
            for node in &path {
                seen.insert(node, Seen::Done);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forest(links: &[(&str, &str)]) -> Forest {
        Forest::from_links(links.iter().map(|&(p, c)| (Id::from(p), Id::from(c))))
            .unwrap()
            .with_heights()
    }

    #[test]
    fn children_are_one_sorted_range() {
        let f = forest(&[("b", "z"), ("a", "c"), ("b", "y"), ("bb", "w"), ("b", "x")]);
        assert_eq!(f.children("b").collect::<Vec<_>>(), ["x", "y", "z"]);
        assert_eq!(f.children("a").collect::<Vec<_>>(), ["c"]);
        assert_eq!(f.children("").count(), 0);
        assert_eq!(f.children("c").count(), 0);
    }

    #[test]
    fn check_link_walks_up_from_the_parent() {
        let f = forest(&[("a", "b"), ("b", "c"), ("c", "d")]);
        assert!(matches!(f.check_link("c", "d", 64), Ok(true)));
        assert!(matches!(f.check_link("d", "e", 64), Ok(false)));
        assert!(matches!(
            f.check_link("a", "d", 64),
            Err(Refusal::HasParent("c"))
        ));
        match f.check_link("d", "a", 64) {
            Err(Refusal::Cycle(path)) => assert_eq!(path, ["d", "c", "b", "a"]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_depth_limit_counts_both_sides_of_a_link() {
        // a -> b -> c, and x -> y -> z: linking c above x makes z 5 deep.
        let mut f = forest(&[("a", "b"), ("b", "c"), ("x", "y"), ("y", "z")]);
        assert_eq!((f.height("a"), f.height("x"), f.height("z")), (2, 2, 0));
        assert!(matches!(f.check_link("c", "x", 5), Ok(false)));
        assert!(matches!(
            f.check_link("c", "x", 4),
            Err(Refusal::TooDeep(Some(5)))
        ));
        // The walk up stops after the limit: d is 3 below a.
        assert!(matches!(
            f.check_link("c", "d", 2),
            Err(Refusal::TooDeep(None))
        ));
        f.insert("c", "x");
        assert_eq!(f.height("a"), 5);
        // Heights go down again as links go, and match a forest built at once.
        assert!(f.remove("y", "z"));
        assert_eq!(f.height("a"), 4);
        assert_eq!(f, forest(&[("a", "b"), ("b", "c"), ("c", "x"), ("x", "y")]));
        f.insert("b", "q");
        assert!(f.remove("c", "x"));
        assert_eq!(f.height("a"), 2);
        assert_eq!(f, forest(&[("a", "b"), ("b", "c"), ("b", "q"), ("x", "y")]));
    }

    #[test]
    fn from_links_finds_two_parents_and_cycles() {
        let err = Forest::from_links([("a", "c"), ("b", "c")].map(|(p, c)| (p.into(), c.into())))
            .unwrap_err();
        assert_eq!(err, ("c".into(), "a".into(), "b".into()));
        let f = forest(&[("x", "y"), ("c", "a"), ("a", "b"), ("b", "c")]);
        assert_eq!(f.find_cycle(), Some(vec!["a", "c", "b"]));
        assert_eq!(
            forest(&[("a", "b"), ("b", "c"), ("x", "c2")]).find_cycle(),
            None
        );
    }

    #[test]
    fn remove_keeps_both_views_in_step() {
        let mut f = forest(&[("a", "b"), ("a", "c")]);
        assert!(!f.remove("b", "a"));
        assert!(f.remove("a", "b"));
        assert_eq!(f, forest(&[("a", "c")]));
        assert!(f.remove("a", "c"));
        assert!(f.is_empty());
        assert_eq!(f, Forest::default());
    }
}
