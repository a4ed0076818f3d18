//! Proposing households from shared addresses.

use super::{check_id, HierarchyKind, Link};
use crate::error::{Error, Result};

type Map<K, V> = hashbrown::HashMap<K, V, foldhash::fast::RandomState>;

/// Proposes household links for customers who share an address key.
///
/// `customers` gives each customer's id and address key (for example the
/// standardised address, or an address id from a validation service). The
/// customers of each address key with at least two of them form a household:
/// the smallest id is its head, and every other one is proposed as the head's
/// child. A blank address key means "no known address" and proposes nothing.
/// The same pair given twice counts once.
///
/// Nothing is changed: the caller shows the proposals, then applies the ones
/// accepted with [`Hierarchies::link_all`](super::Hierarchies::link_all). The
/// result is sorted, and depends only on the pairs given, not on their order.
///
/// # Errors
///
/// - [`Error::InvalidArgument`] naming `customers[i].id` if an id is not valid.
/// - [`Error::Conflict`] naming `customers[i].address` if a customer already
///   given has another address key: pass one address per customer (the
///   residential one).
///
/// # Example
///
/// ```
/// use ciclo::consolidation::hierarchy::{households_by_address, HierarchyKind, Link};
///
/// let proposals = households_by_address([
///     ("luis", "av-corrientes-1234-caba"),
///     ("ana", "av-corrientes-1234-caba"),
///     ("paz", "calle-mayor-1-madrid"),
///     ("eva", "av-corrientes-1234-caba"),
/// ])?;
/// let home = HierarchyKind::Household;
/// assert_eq!(
///     proposals,
///     [Link::new(home.clone(), "ana", "eva"), Link::new(home, "ana", "luis")]
/// );
/// # Ok::<(), ciclo::Error>(())
/// ```
pub fn households_by_address<I, C, A>(customers: I) -> Result<Vec<Link>>
where
    I: IntoIterator<Item = (C, A)>,
    C: AsRef<str>,
    A: AsRef<str>,
{
    let mut address_of: Map<String, String> = Map::default();
    for (i, (id, address)) in customers.into_iter().enumerate() {
        let (id, address) = (id.as_ref(), address.as_ref());
        check_id(format_args!("customers[{i}].id"), id)?;
        if let Some(before) = address_of.get(id) {
            if before != address {
                return Err(Error::Conflict {
                    field: format!("customers[{i}].address"),
                    message: format!(
                        "customer `{id}` was given address key `{before}` already, \
                         and now `{address}`"
                    ),
                });
            }
            continue;
        }
        address_of.insert(id.to_string(), address.to_string());
    }
    let mut by_address: Vec<(&str, &str)> = address_of
        .iter()
        .filter(|(_, address)| !address.trim().is_empty())
        .map(|(id, address)| (address.as_str(), id.as_str()))
        .collect();
    by_address.sort_unstable();
    let mut out = Vec::new();
    for group in by_address.chunk_by(|a, b| a.0 == b.0) {
        let head = group[0].1;
        for &(_, member) in &group[1..] {
            out.push(Link::new(HierarchyKind::Household, head, member));
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_id_heads_each_household() {
        let links = households_by_address(vec![
            ("c3".to_string(), "x"),
            ("c1".to_string(), "y"),
            ("c2".to_string(), "x"),
            ("c0".to_string(), "y"),
            ("c9".to_string(), "z"),
        ])
        .unwrap();
        let pairs: Vec<(&str, &str)> = links
            .iter()
            .map(|l| (l.parent.as_str(), l.child.as_str()))
            .collect();
        assert_eq!(pairs, [("c0", "c1"), ("c2", "c3")]);
        assert!(links.iter().all(|l| l.kind == HierarchyKind::Household));
    }

    #[test]
    fn order_and_repeats_do_not_matter_and_blank_keys_propose_nothing() {
        let a = households_by_address([("b", "k"), ("a", "k"), ("c", " "), ("d", " ")]).unwrap();
        let b = households_by_address([("c", " "), ("a", "k"), ("b", "k"), ("a", "k"), ("d", " ")])
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(a, [Link::new(HierarchyKind::Household, "a", "b")]);
        assert!(households_by_address(Vec::<(&str, &str)>::new())
            .unwrap()
            .is_empty());
    }

    #[test]
    fn bad_input_is_named() {
        let err = households_by_address([("a", "k"), ("", "k")]).unwrap_err();
        let Error::InvalidArgument { field, .. } = err else {
            panic!()
        };
        assert_eq!(field, "customers[1].id");
        let err = households_by_address([("a", "k"), ("b", "k"), ("a", "j")]).unwrap_err();
        assert_eq!(
            err,
            Error::Conflict {
                field: "customers[2].address".into(),
                message: "customer `a` was given address key `k` already, and now `j`".into(),
            }
        );
    }
}
