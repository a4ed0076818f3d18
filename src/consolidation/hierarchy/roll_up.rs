//! Summing a metric over a customer and everyone below it.

use serde::{Deserialize, Serialize};

use super::{check_id, Hierarchies, HierarchyKind};
use crate::error::{Error, Result};

/// A metric summed over a customer and its descendants, with each node's share.
///
/// # Example
///
/// ```
/// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
///
/// let corp = HierarchyKind::Corporate;
/// let mut h = Hierarchies::new();
/// h.link(&corp, "holding", "ar")?;
/// let roll_up = h.roll_up(&corp, "holding", |id| (id == "ar").then_some(70))?;
/// assert_eq!(roll_up.total, 70);
/// assert_eq!(roll_up.nodes[0].own, None);
/// assert_eq!(roll_up.nodes[0].subtotal, 70);
/// # Ok::<(), ciclo::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RollUp {
    /// The hierarchy summed over.
    pub kind: HierarchyKind,
    /// The customer at the top of the sum.
    pub root: String,
    /// The sum of every known value: `nodes[0].subtotal`.
    pub total: i64,
    /// How many nodes had no value.
    pub missing: usize,
    /// The root, then its descendants in the order of
    /// [`Hierarchies::descendants`].
    pub nodes: Vec<Contribution>,
}

/// One customer's part of a [`RollUp`].
///
/// # Example
///
/// ```
/// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
///
/// let corp = HierarchyKind::Corporate;
/// let mut h = Hierarchies::new();
/// h.link(&corp, "holding", "ar")?;
/// let roll_up = h.roll_up(&corp, "holding", |_| Some(5))?;
/// let ar = &roll_up.nodes[1];
/// assert_eq!((ar.id.as_str(), ar.parent.as_deref(), ar.depth), ("ar", Some("holding"), 1));
/// # Ok::<(), ciclo::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Contribution {
    /// The customer.
    pub id: String,
    /// Its parent, `None` for the root of the roll-up (even if the root has a
    /// parent in the hierarchy).
    pub parent: Option<String>,
    /// How far below the root: 0 for the root.
    pub depth: u32,
    /// Its own value, `None` if the metric had none for it.
    pub own: Option<i64>,
    /// Its own value plus the subtotals of its children.
    pub subtotal: i64,
}

impl Hierarchies {
    /// Sums `value` over `id` and all its descendants in `kind`, such as the
    /// revenue (in minor units) of a corporate group.
    ///
    /// `value` is called once per node, in the order of the result's nodes; it
    /// returns `None` for a customer without a value, which adds nothing and is
    /// counted in [`RollUp::missing`]. Values may be negative. A customer in no
    /// hierarchy of `kind` is a roll-up of one node.
    ///
    /// The sums are exact: no partial sum overflows unless a result does.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidArgument`] naming `id` if it is not a valid id.
    /// - [`Error::InvalidArgument`] naming `value` if the total or a node's
    ///   subtotal does not fit an `i64`; the message names the node.
    ///
    /// # Example
    ///
    /// ```
    /// use ciclo::consolidation::hierarchy::{Hierarchies, HierarchyKind};
    ///
    /// let corp = HierarchyKind::Corporate;
    /// let mut h = Hierarchies::new();
    /// h.link(&corp, "holding", "ar")?;
    /// h.link(&corp, "holding", "es")?;
    /// h.link(&corp, "ar", "ar-sur")?;
    /// let revenue = |id: &str| match id {
    ///     "holding" => Some(1_000),
    ///     "ar" => Some(400),
    ///     "ar-sur" => Some(100),
    ///     _ => None,
    /// };
    /// let group = h.roll_up(&corp, "holding", revenue)?;
    /// assert_eq!(group.total, 1_500);
    /// assert_eq!(group.missing, 1);
    /// let subtotals: Vec<(&str, i64)> =
    ///     group.nodes.iter().map(|n| (n.id.as_str(), n.subtotal)).collect();
    /// assert_eq!(subtotals, [("holding", 1_500), ("ar", 500), ("es", 0), ("ar-sur", 100)]);
    ///
    /// assert!(h.roll_up(&corp, "holding", |_| Some(i64::MAX)).is_err());
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn roll_up(
        &self,
        kind: &HierarchyKind,
        id: &str,
        mut value: impl FnMut(&str) -> Option<i64>,
    ) -> Result<RollUp> {
        check_id("id", id)?;
        let (nodes, parents) = match self.forests.get(kind) {
            Some(forest) => forest.subtree(id),
            None => (vec![id], vec![usize::MAX]),
        };
        let own: Vec<Option<i64>> = nodes.iter().map(|n| value(n)).collect();
        // Children come after their parents: one pass backwards sums every
        // subtree. An i128 holds the sum of 2^64 i64 values, so it cannot
        // overflow here.
        let mut sums: Vec<i128> = own.iter().map(|v| i128::from(v.unwrap_or(0))).collect();
        for i in (1..nodes.len()).rev() {
            sums[parents[i]] += sums[i];
        }
        let mut depths: Vec<u32> = vec![0; nodes.len()];
        let mut out = Vec::with_capacity(nodes.len());
        for i in 0..nodes.len() {
            let parent = (i > 0).then(|| parents[i]);
            if let Some(p) = parent {
                depths[i] = depths[p] + 1;
            }
            let subtotal = i64::try_from(sums[i]).map_err(|_| Error::InvalidArgument {
                field: "value".to_string(),
                message: format!(
                    "the {kind} roll-up of `{id}` overflows i64 at `{}` (sum {})",
                    nodes[i], sums[i]
                ),
            })?;
            out.push(Contribution {
                id: nodes[i].to_string(),
                parent: parent.map(|p| nodes[p].to_string()),
                depth: depths[i],
                own: own[i],
                subtotal,
            });
        }
        Ok(RollUp {
            kind: kind.clone(),
            root: id.to_string(),
            total: out[0].subtotal,
            missing: own.iter().filter(|v| v.is_none()).count(),
            nodes: out,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corp() -> HierarchyKind {
        HierarchyKind::Corporate
    }

    #[test]
    fn a_customer_outside_any_hierarchy_is_one_node() {
        let h = Hierarchies::new();
        let r = h.roll_up(&corp(), "solo", |_| Some(-5)).unwrap();
        assert_eq!(r.total, -5);
        assert_eq!(
            r.nodes,
            [Contribution {
                id: "solo".into(),
                parent: None,
                depth: 0,
                own: Some(-5),
                subtotal: -5,
            }]
        );
        assert_eq!(r.root, "solo");
        assert_eq!(r.missing, 0);
    }

    #[test]
    fn a_roll_up_below_the_root_starts_there() {
        let mut h = Hierarchies::new();
        h.link(&corp(), "top", "mid").unwrap();
        h.link(&corp(), "mid", "low").unwrap();
        let r = h.roll_up(&corp(), "mid", |_| Some(1)).unwrap();
        assert_eq!(r.total, 2);
        assert_eq!(r.nodes[0].parent, None);
        assert_eq!(r.nodes[1].parent.as_deref(), Some("mid"));
        assert_eq!(r.nodes[1].depth, 1);
    }

    #[test]
    fn partial_sums_do_not_overflow_when_the_result_fits() {
        let mut h = Hierarchies::new();
        h.link(&corp(), "top", "a").unwrap();
        h.link(&corp(), "top", "b").unwrap();
        let r = h
            .roll_up(&corp(), "top", |id| match id {
                "top" => Some(i64::MAX),
                "a" => Some(i64::MAX),
                _ => Some(i64::MIN),
            })
            .unwrap();
        assert_eq!(r.total, i64::MAX - 1);

        let err = h
            .roll_up(&corp(), "top", |id| (id != "b").then_some(i64::MAX))
            .unwrap_err();
        let Error::InvalidArgument { field, message } = err else {
            panic!()
        };
        assert_eq!(field, "value");
        assert!(
            message.starts_with("the corporate roll-up of `top` overflows i64 at `top`"),
            "{message}"
        );
    }

    #[test]
    fn value_is_called_once_per_node_in_order() {
        let mut h = Hierarchies::new();
        h.link(&corp(), "top", "b").unwrap();
        h.link(&corp(), "top", "a").unwrap();
        let mut calls = Vec::new();
        h.roll_up(&corp(), "top", |id| {
            calls.push(id.to_string());
            None
        })
        .unwrap();
        assert_eq!(calls, ["top", "a", "b"]);
        assert!(h.roll_up(&corp(), "", |_| None).is_err());
    }
}
