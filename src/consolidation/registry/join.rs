//! Whether two groups of records may become one customer at the point of
//! entry: the rule batch clustering follows
//! ([`cluster`](crate::consolidation::matching::cluster)), read so that it
//! does not depend on the order records arrive in, so that records ingested
//! one at a time end where a batch would put them.

use crate::consolidation::matching::{groups_joinable, MatchModel, Profile};

/// Whether groups `a` and `b` can be joined: every pair of records between
/// them is either not vetoed or, field by field, its veto is bridged.
///
/// As in batch clustering, a veto between `x` (of one group) and `y` (of the
/// other) is bridged when the value it objects to is already in the other
/// group: another record of `x`'s group agrees with `y` on the field (compared,
/// at a level that is not a veto), or another record of `y`'s group agrees
/// with `x`. A group that accepted `Isabella` beside `Jack` (by an identifier
/// that lifted the veto) can take another `Jack` though it differs from
/// `Isabella`; a missing value bridges nothing.
///
/// A batch joins the strongest pairs first, so the record that brings the
/// bridging value has often joined before the vetoed pair is looked at; at the
/// point of entry records come in the order the host sends them. So a veto is
/// also bridged when a record that the other side accepts (no veto between
/// them stands, typically because their identifiers agree) holds the value:
/// another record `y2` of `y`'s group that `x` would join, agreeing with `y` on
/// the field (the order in which a batch would join `x` to `y2`, then the
/// group to `y`), or the same the other way round.
pub(super) fn joinable(a: &[&Profile], b: &[&Profile], model: &MatchModel) -> bool {
    groups_joinable(a, b, model, true)
}
