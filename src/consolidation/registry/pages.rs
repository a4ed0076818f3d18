//! What the registry holds, in a stable order, from any point on: the queries
//! behind paging ([`Engine::golden_ids_page`](crate::Engine::golden_ids_page)
//! and the others). Each starts where the last page ended by a seek into an
//! ordered map or a sorted list, so a page costs its own length, not the
//! registry's size.

use std::ops::Bound;

use super::{GoldenId, Registry, Review};
use crate::consolidation::golden::SourceKey;

impl Registry {
    /// The live golden ids after `after` (from the first when `None`), in
    /// increasing order (`G2` before `G10`).
    pub fn golden_ids_after(&self, after: Option<GoldenId>) -> impl Iterator<Item = GoldenId> + '_ {
        let start = after.map_or(Bound::Unbounded, Bound::Excluded);
        self.goldens
            .range((start, Bound::Unbounded))
            .map(|(id, _)| *id)
    }

    /// The source records of the live golden id `id` after position `after`
    /// (from the first when `None`), each with its position: records in the
    /// order the registry first received them (an update keeps a record's
    /// place). Positions are the registry's own, renumbered by a restore from
    /// an image (the order stays). `None` when `id` is not live.
    pub fn members_after(
        &self,
        id: GoldenId,
        after: Option<u32>,
    ) -> Option<impl Iterator<Item = (u32, &SourceKey)> + '_> {
        let slots = self.goldens.get(&id)?;
        // The slots are sorted: a seek, then the page.
        let from = after.map_or(0, |a| slots.partition_point(|&s| s <= a));
        Some(
            slots[from..]
                .iter()
                .map(|&s| (s, &self.entry(s).member.key)),
        )
    }

    /// The records waiting for a data steward after the record `after` (from
    /// the first when `None`), in the order of their keys (system, then id).
    pub fn reviews_after(&self, after: Option<&SourceKey>) -> impl Iterator<Item = Review<'_>> {
        let start = after.map_or(Bound::Unbounded, Bound::Excluded);
        self.reviews
            .range::<SourceKey, _>((start, Bound::Unbounded))
            .map(|(record, candidates)| Review {
                record,
                golden: self
                    .golden_of(record)
                    .expect("a reviewed record is registered"),
                candidates,
            })
    }
}
