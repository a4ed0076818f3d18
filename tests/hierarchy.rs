//! Customer hierarchies: invariants under random sequences of operations, checked
//! against a simple model, and snapshot round-trips.

use std::collections::{BTreeMap, BTreeSet};

use ciclo::consolidation::hierarchy::{households_by_address, Hierarchies, HierarchyKind, Link};
use ciclo::Error;
use proptest::prelude::*;

/// A small universe of ids, so that random links collide, conflict and cycle.
const IDS: [&str; 8] = ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"];

fn kinds() -> Vec<HierarchyKind> {
    vec![
        HierarchyKind::Household,
        HierarchyKind::Corporate,
        HierarchyKind::new("franchise").unwrap(),
    ]
}

#[derive(Clone, Debug)]
enum Op {
    Link(usize, usize, usize),
    Unlink(usize, usize, usize),
    Remove(usize),
    Rename(usize, usize),
    LinkAll(Vec<(usize, usize, usize)>),
}

fn op() -> impl Strategy<Value = Op> {
    let k = 0..3usize;
    let id = || 0..IDS.len();
    prop_oneof![
        6 => (k.clone(), id(), id()).prop_map(|(k, p, c)| Op::Link(k, p, c)),
        2 => (k.clone(), id(), id()).prop_map(|(k, p, c)| Op::Unlink(k, p, c)),
        1 => id().prop_map(Op::Remove),
        1 => (id(), id()).prop_map(|(a, b)| Op::Rename(a, b)),
        1 => prop::collection::vec((k, id(), id()), 0..4).prop_map(Op::LinkAll),
    ]
}

fn link(k: usize, p: usize, c: usize) -> Link {
    Link::new(kinds()[k].clone(), IDS[p], IDS[c])
}

/// The parent of `id` in `kind`, walked at most `IDS.len()` times from `id`:
/// `None` if the walk does not end, that is, if there is a cycle.
fn ancestors_bounded(h: &Hierarchies, kind: &HierarchyKind, id: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut at = h.parent(kind, id);
    while let Some(p) = at {
        if out.len() > IDS.len() {
            return None;
        }
        out.push(p.to_string());
        at = h.parent(kind, p);
    }
    Some(out)
}

/// Everything that must hold of any `Hierarchies`.
fn check_invariants(h: &Hierarchies) -> Result<(), TestCaseError> {
    let mut total = 0;
    for kind in kinds() {
        let links: Vec<(&str, &str)> = h.links(&kind).collect();
        total += links.len();
        let mut sorted = links.clone();
        sorted.sort();
        prop_assert_eq!(&links, &sorted);
        // One parent per child.
        let children: BTreeSet<&str> = links.iter().map(|l| l.1).collect();
        prop_assert_eq!(
            children.len(),
            links.len(),
            "a child with two parents: {:?}",
            links
        );
        for &(p, c) in &links {
            prop_assert_ne!(p, c);
            prop_assert_eq!(h.parent(&kind, c), Some(p));
            prop_assert!(h.children(&kind, p).contains(&c));
        }
        for x in IDS {
            // No cycle: every walk up ends, without meeting its start.
            let ancestors = ancestors_bounded(h, &kind, x);
            prop_assert!(ancestors.is_some(), "cycle through {} in {}", x, kind);
            let ancestors = ancestors.unwrap();
            prop_assert!(!ancestors.iter().any(|a| a == x));
            prop_assert_eq!(&h.ancestors(&kind, x), &ancestors);
            prop_assert_eq!(h.root(&kind, x), ancestors.last().map_or(x, String::as_str));

            let children = h.children(&kind, x);
            prop_assert!(children.windows(2).all(|w| w[0] < w[1]));

            let descendants = h.descendants(&kind, x);
            let unique: BTreeSet<&str> = descendants.iter().copied().collect();
            prop_assert_eq!(unique.len(), descendants.len());
            prop_assert!(!unique.contains(x));
            for y in IDS {
                let y_below_x = unique.contains(y);
                let x_above_y = h.ancestors(&kind, y).contains(&x);
                prop_assert_eq!(y_below_x, x_above_y, "{} / {} in {}", x, y, kind);
            }

            let members = h.members(&kind, x);
            prop_assert_eq!(members[0], h.root(&kind, x));
            prop_assert!(members.contains(&x));
        }
    }
    prop_assert_eq!(h.len(), total);
    prop_assert_eq!(h.is_empty(), total == 0);
    Ok(())
}

/// Whether `a` is an ancestor of `b`, by the model's parents.
fn model_is_ancestor(
    parents: &BTreeMap<(usize, usize), usize>,
    k: usize,
    a: usize,
    b: usize,
) -> bool {
    let mut at = parents.get(&(k, b));
    while let Some(&p) = at {
        if p == a {
            return true;
        }
        at = parents.get(&(k, p));
    }
    false
}

/// The model's links, as `(kind, parent, child)` names.
fn model_links(parents: &BTreeMap<(usize, usize), usize>) -> BTreeSet<(String, String, String)> {
    parents
        .iter()
        .map(|(&(k, c), &p)| {
            (
                kinds()[k].to_string(),
                IDS[p].to_string(),
                IDS[c].to_string(),
            )
        })
        .collect()
}

fn actual_links(h: &Hierarchies) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for kind in h.kinds() {
        for (p, c) in h.links(kind) {
            out.insert((kind.to_string(), p.to_string(), c.to_string()));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// After any sequence of operations every invariant holds; link and unlink
    /// accept exactly what the model accepts; a refused call changes nothing.
    #[test]
    fn operations_keep_the_invariants(ops in prop::collection::vec(op(), 0..60)) {
        let mut h = Hierarchies::new();
        for op in ops {
            let before = h.clone();
            let result = match &op {
                &Op::Link(k, p, c) => {
                    // What the model says before the call.
                    let parents = model_of(&h);
                    let current = parents.get(&(k, c)).copied();
                    let ok = p != c
                        && current.is_none_or(|q| q == p)
                        && !model_is_ancestor(&parents, k, c, p);
                    let result = h.link(&kinds()[k], IDS[p], IDS[c]);
                    prop_assert_eq!(result.is_ok(), ok, "{:?}: {:?}", op, result);
                    if let Err(err) = &result {
                        let named = match err {
                            Error::InvalidArgument { field, message }
                            | Error::Conflict { field, message } => {
                                field == "child" && message.contains(IDS[c])
                            }
                            _ => false,
                        };
                        prop_assert!(named, "{:?}", err);
                    }
                    result.map(|_| ())
                }
                &Op::Unlink(k, p, c) => {
                    let exists = h.parent(&kinds()[k], IDS[c]) == Some(IDS[p]);
                    let result = h.unlink(&kinds()[k], IDS[p], IDS[c]);
                    prop_assert_eq!(result.is_ok(), exists);
                    if !exists {
                        let not_found = matches!(result, Err(Error::NotFound { .. }));
                        prop_assert!(not_found, "{:?}", result);
                    }
                    result
                }
                &Op::Remove(id) => {
                    let expected = h.links_of(IDS[id]);
                    let removed = h.remove_customer(IDS[id]);
                    prop_assert_eq!(&removed, &expected);
                    prop_assert!(h.links_of(IDS[id]).is_empty());
                    // Putting them back restores the value exactly.
                    let mut restored = h.clone();
                    restored.link_all(&removed).unwrap();
                    prop_assert_eq!(&restored, &before);
                    Ok(())
                }
                &Op::Rename(old, new) => {
                    let result = h.rename_customer(IDS[old], IDS[new]);
                    prop_assert_eq!(result.is_ok(), old != new);
                    if let Ok(rename) = &result {
                        prop_assert!(h.links_of(IDS[old]).is_empty());
                        prop_assert_eq!(&rename.removed, &before.links_of(IDS[old]));
                        // Links are conserved: each removed one is added,
                        // absorbed by one the survivor had, or reported.
                        prop_assert!(rename.added.len() + rename.dropped.len() <= rename.removed.len());
                        for d in &rename.dropped {
                            prop_assert!(rename.removed.contains(&d.link));
                        }
                        let mut undone = h.clone();
                        undone.undo_rename(rename).unwrap();
                        prop_assert_eq!(&undone, &before);
                    }
                    result.map(|_| ())
                }
                Op::LinkAll(links) => {
                    let links: Vec<Link> = links.iter().map(|&(k, p, c)| link(k, p, c)).collect();
                    // Accepted iff linking one by one would accept every one.
                    let mut one_by_one = h.clone();
                    let ok = links
                        .iter()
                        .all(|l| one_by_one.link(&l.kind, &l.parent, &l.child).is_ok());
                    let result = h.link_all(&links);
                    prop_assert_eq!(result.is_ok(), ok);
                    if ok {
                        prop_assert_eq!(&h, &one_by_one);
                    }
                    result
                }
            };
            if result.is_err() {
                prop_assert_eq!(&h, &before, "{:?} failed but changed the value", op);
            }
            check_invariants(&h)?;
        }
    }

    /// Sequences of links and unlinks give the links of the model.
    #[test]
    fn links_match_the_model(ops in prop::collection::vec((any::<bool>(), 0..3usize, 0..8usize, 0..8usize), 0..80)) {
        let mut h = Hierarchies::new();
        let mut parents: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        for (add, k, p, c) in ops {
            if add {
                let accept = p != c
                    && parents.get(&(k, c)).is_none_or(|&q| q == p)
                    && !model_is_ancestor(&parents, k, c, p);
                prop_assert_eq!(h.link(&kinds()[k], IDS[p], IDS[c]).is_ok(), accept);
                if accept {
                    parents.insert((k, c), p);
                }
            } else {
                let accept = parents.get(&(k, c)) == Some(&p);
                prop_assert_eq!(h.unlink(&kinds()[k], IDS[p], IDS[c]).is_ok(), accept);
                if accept {
                    parents.remove(&(k, c));
                }
            }
            prop_assert_eq!(actual_links(&h), model_links(&parents));
        }
    }

    /// A roll-up is the sum over the node and its descendants, and each
    /// subtotal is the node's own value plus its children's subtotals.
    #[test]
    fn roll_up_sums_the_subtree(
        links in prop::collection::vec((0..8usize, 0..8usize), 0..20),
        values in prop::collection::vec(prop::option::of(-1_000_000i64..1_000_000), 8),
        root in 0..8usize,
    ) {
        let corp = HierarchyKind::Corporate;
        let mut h = Hierarchies::new();
        for (p, c) in links {
            let _ = h.link(&corp, IDS[p], IDS[c]);
        }
        let value = |id: &str| values[IDS.iter().position(|&x| x == id).unwrap()];
        let r = h.roll_up(&corp, IDS[root], value).unwrap();
        let mut members = vec![IDS[root]];
        members.extend(h.descendants(&corp, IDS[root]));
        let expected: i64 = members.iter().filter_map(|id| value(id)).sum();
        prop_assert_eq!(r.total, expected);
        prop_assert_eq!(r.missing, members.iter().filter(|id| value(id).is_none()).count());
        let ids: Vec<&str> = r.nodes.iter().map(|n| n.id.as_str()).collect();
        prop_assert_eq!(&ids, &members);
        for node in &r.nodes {
            let children: i64 = r
                .nodes
                .iter()
                .filter(|n| n.parent.as_deref() == Some(node.id.as_str()))
                .map(|n| n.subtotal)
                .sum();
            prop_assert_eq!(node.subtotal, node.own.unwrap_or(0) + children);
            prop_assert_eq!(node.own, value(&node.id));
        }
    }

    /// Snapshots round-trip to an equal value, in JSON and in postcard.
    #[test]
    fn serde_round_trips(links in prop::collection::vec((0..3usize, 0..8usize, 0..8usize), 0..30)) {
        let mut h = Hierarchies::new();
        for (k, p, c) in links {
            let _ = h.link(&kinds()[k], IDS[p], IDS[c]);
        }
        let json = serde_json::to_string(&h).unwrap();
        let back: Hierarchies = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &h);
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
        let bytes = postcard::to_allocvec(&h).unwrap();
        let back: Hierarchies = postcard::from_bytes(&bytes).unwrap();
        prop_assert_eq!(&back, &h);
    }

    /// Household proposals depend only on the pairs, head each address group
    /// with its smallest id, and can all be applied.
    #[test]
    fn household_proposals_are_deterministic(
        pairs in prop::collection::vec((0..8usize, 0..3usize), 0..12),
        seed in any::<u64>(),
    ) {
        // One address per customer: the first one drawn.
        let mut address: BTreeMap<usize, usize> = BTreeMap::new();
        for (id, a) in &pairs {
            address.entry(*id).or_insert(*a);
        }
        let input: Vec<(&str, String)> =
            address.iter().map(|(&id, &a)| (IDS[id], format!("addr-{a}"))).collect();
        let mut shuffled = input.clone();
        // A deterministic shuffle from the seed.
        let n = shuffled.len();
        for i in (1..n).rev() {
            let j = (seed.wrapping_mul(i as u64 + 7) >> 7) as usize % (i + 1);
            shuffled.swap(i, j);
        }
        let a = households_by_address(input.iter().map(|(id, a)| (*id, a.as_str()))).unwrap();
        let b = households_by_address(shuffled.iter().map(|(id, a)| (*id, a.as_str()))).unwrap();
        prop_assert_eq!(&a, &b);
        for l in &a {
            let child = IDS.iter().position(|&x| x == l.child).unwrap();
            let head = address
                .iter()
                .filter(|(_, &a)| a == address[&child])
                .map(|(&id, _)| IDS[id])
                .min();
            prop_assert_eq!(Some(l.parent.as_str()), head);
            prop_assert_eq!(&l.kind, &HierarchyKind::Household);
        }
        let members: usize = address.values().collect::<BTreeSet<_>>().iter()
            .map(|&&a| address.values().filter(|&&b| b == a).count())
            .filter(|&n| n > 1)
            .map(|n| n - 1)
            .sum();
        prop_assert_eq!(a.len(), members);
        let mut h = Hierarchies::new();
        h.link_all(&a).unwrap();
        check_invariants(&h)?;
    }
}

/// The parents of `h` as the model holds them.
fn model_of(h: &Hierarchies) -> BTreeMap<(usize, usize), usize> {
    let mut out = BTreeMap::new();
    for (k, kind) in kinds().iter().enumerate() {
        for (p, c) in h.links(kind) {
            let p = IDS.iter().position(|&x| x == p).unwrap();
            let c = IDS.iter().position(|&x| x == c).unwrap();
            out.insert((k, c), p);
        }
    }
    out
}

#[test]
fn a_corporate_group_in_several_hierarchies_at_once() {
    let corp = HierarchyKind::Corporate;
    let staff = HierarchyKind::CompanyContacts;
    let home = HierarchyKind::Household;
    let mut h = Hierarchies::new();
    h.link(&corp, "holding", "ar").unwrap();
    h.link(&corp, "holding", "es").unwrap();
    h.link(&staff, "ar", "ana").unwrap();
    h.link(&staff, "es", "luis").unwrap();
    h.link(&home, "ana", "luis").unwrap();
    assert_eq!(h.members(&corp, "es"), ["holding", "ar", "es"]);
    assert_eq!(h.parent(&staff, "luis"), Some("es"));
    assert_eq!(h.parent(&home, "luis"), Some("ana"));

    // `luis` works at one company only.
    let err = h.link(&staff, "ar", "luis").unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err:?}");

    let revenue = |id: &str| match id {
        "holding" => Some(10),
        "ar" => Some(20),
        "es" => Some(30),
        _ => None,
    };
    assert_eq!(h.roll_up(&corp, "holding", revenue).unwrap().total, 60);
    assert_eq!(h.roll_up(&corp, "ar", revenue).unwrap().total, 20);
}

#[test]
fn large_hierarchies_need_no_quadratic_work() {
    // Not timed: this only checks that large hierarchies need no quadratic
    // work (it would not finish otherwise).
    let n = 300_000;
    let ids: Vec<String> = (0..n).map(|i| format!("g-{i:07}")).collect();
    let pairs = ids.iter().map(|id| {
        let i: usize = id[2..].parse().unwrap();
        (id.as_str(), format!("addr-{}", i / 3))
    });
    let proposals = households_by_address(pairs).unwrap();
    assert_eq!(proposals.len(), n / 3 * 2);
    let mut h = Hierarchies::new();
    h.link_all(&proposals).unwrap();
    assert_eq!(
        h.members(&HierarchyKind::Household, "g-0000004"),
        ["g-0000003", "g-0000004", "g-0000005"]
    );

    // One company with many contacts, and a long chain.
    let staff = HierarchyKind::CompanyContacts;
    for id in &ids[..100_000] {
        h.link(&staff, "big-co", id).unwrap();
    }
    assert_eq!(h.children(&staff, "big-co").len(), 100_000);
    let corp = HierarchyKind::Corporate;
    // `link` keeps chains within the default 64 levels...
    assert!(h.link(&corp, &ids[0], &ids[1]).is_ok());
    for w in ids[1..64].windows(2) {
        h.link(&corp, &w[0], &w[1]).unwrap();
    }
    assert!(h.link(&corp, &ids[63], &ids[64]).is_ok());
    let err = h.link(&corp, &ids[64], &ids[65]).unwrap_err();
    assert!(err.to_string().contains("limits.hierarchy_depth"), "{err}");
    // ...and `link_within` takes a higher limit.
    for w in ids[64..3_000].windows(2) {
        h.link_within(&corp, &w[0], &w[1], 3_000).unwrap();
    }
    assert!(h.link_within(&corp, &ids[2_999], &ids[0], 3_000).is_err());
    let back: Hierarchies = postcard::from_bytes(&postcard::to_allocvec(&h).unwrap()).unwrap();
    assert_eq!(back, h);
}

#[test]
fn a_merge_keeps_the_depth_limit() {
    use ciclo::consolidation::hierarchy::DropReason;
    let corp = HierarchyKind::Corporate;
    let chains = || {
        let mut h = Hierarchies::new();
        for i in 0..40 {
            h.link(&corp, &format!("n{i}"), &format!("n{}", i + 1))
                .unwrap();
            h.link(&corp, &format!("m{i}"), &format!("m{}", i + 1))
                .unwrap();
        }
        h
    };
    // `m0` merged into `n40`: `m1` and the 39 below it would hang 41 to 80
    // links under `n0`.
    let mut h = chains();
    let rename = h.rename_customer_within("m0", "n40", 64).unwrap();
    assert_eq!(rename.dropped.len(), 1, "{rename:?}");
    assert_eq!(rename.dropped[0].reason, DropReason::TooDeep);
    assert_eq!(
        h.root(&corp, "m1"),
        "m1",
        "the link that was too deep is not made"
    );
    let before = chains();
    let mut undone = h.clone();
    let mut back = before.clone();
    back.rename_customer_within("m0", "n40", 64).unwrap();
    assert_eq!(back, h);
    undone.undo_rename(&rename).unwrap();
    assert_eq!(undone, before, "an unmerge puts it back");
    // Without a limit the merge takes it over.
    let mut h = chains();
    let rename = h.rename_customer("m0", "n40").unwrap();
    assert!(rename.dropped.is_empty());
    assert_eq!(h.root(&corp, "m40"), "n0");
}
