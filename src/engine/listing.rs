//! Listing what the engine holds a page at a time: customer ids, golden ids,
//! a golden customer's source records and the records waiting for review.
//!
//! # Cursors
//!
//! Each page comes with a cursor, `None` after the last page; passing it back
//! gives the next page. A cursor is a position in a stable order (ids in byte
//! order, golden ids by number, source records in the order they were first
//! received, reviews by record key), not an index: items added or removed
//! between pages do not shift the others, so a walk returns every item present
//! from its first page to its last exactly once, in order; items added behind
//! the cursor meanwhile are not returned. Treat cursors as opaque strings:
//! their content is not part of the API, and a cursor is meant for the engine
//! (and the listing) that gave it.
//!
//! Each page seeks to its cursor in an ordered index and reads on, so it costs
//! its own length (and a logarithm), whatever the engine holds: walking a
//! million customers in pages of 1,000 is linear in a million.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Bound;

use compact_str::CompactString;

use super::Engine;
use crate::consolidation::golden::SourceKey;
use crate::consolidation::registry::{GoldenId, Review};
use crate::engine::ReviewItem;
use crate::error::{Error, Result};
use crate::model::time::clip;

/// The most items a page may hold.
pub const MAX_PAGE: usize = 10_000;

/// A page of a listing: the items and the cursor of the next page.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items, in the listing's order; at most the limit asked for.
    pub items: Vec<T>,
    /// The cursor to ask for the next page with; `None` when this page ends
    /// the listing.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A page of the first `limit` of `items` (which may hold one more, to
    /// tell whether another page follows), the cursor made from the last item
    /// kept.
    fn of(mut items: Vec<T>, limit: usize, cursor: impl FnOnce(&T) -> String) -> Page<T> {
        let more = items.len() > limit;
        items.truncate(limit);
        let next_cursor = if more { items.last().map(cursor) } else { None };
        Page { items, next_cursor }
    }
}

/// Checks a page's size.
fn check_limit(limit: usize) -> Result<()> {
    if (1..=MAX_PAGE).contains(&limit) {
        Ok(())
    } else {
        Err(Error::invalid(
            "limit",
            format!("{limit} items; a page holds 1 to {MAX_PAGE}"),
        ))
    }
}

/// A cursor that this listing did not give.
fn bad_cursor(cursor: &str, listing: &str) -> Error {
    Error::invalid(
        "cursor",
        format!(
            "`{}` is not a cursor of the {listing} listing: pass back the `next_cursor` \
             a page of it gave, or none to start from the first",
            clip(cursor)
        ),
    )
}

/// A review's cursor: the record's key, its system's length first so that
/// any system and id read back unambiguously.
fn review_cursor(key: &SourceKey) -> String {
    format!("{}:{}{}", key.system.len(), key.system, key.id)
}

fn parse_review_cursor(cursor: &str) -> Option<SourceKey> {
    let (len, rest) = cursor.split_once(':')?;
    let len: usize = len.parse().ok()?;
    let (system, id) = (rest.get(..len)?, rest.get(len..)?);
    SourceKey::new(system, id).ok()
}

impl Engine {
    /// A page of the ids of the customers with a lifecycle state (those
    /// [`Engine::len`] counts), in byte order, after `after` (a
    /// [`Page::next_cursor`]; `None` for the first page), at most `limit`.
    /// Golden customers without events have no state yet: list them with
    /// [`Engine::golden_ids_page`].
    ///
    /// Shards are read one after another, each for the moment it takes to
    /// copy a few dozen ids: writers never wait for a page. The first call
    /// orders each shard's ids (a sort of the engine's ids, shard by shard:
    /// about a second for ten million), which the engine keeps up to date
    /// from then on, at about 36 bytes a customer.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `limit` outside 1 to [`MAX_PAGE`].
    ///
    /// ```
    /// use ciclo::{json, Engine, StageModel};
    ///
    /// let engine = Engine::new(StageModel::six_stage());
    /// for who in ["eva", "ana", "luis"] {
    ///     let line = format!(r#"{{"customer": "{who}", "at": "2026-03-01T10:00:00Z", "kind": "visit"}}"#);
    ///     engine.apply(&json::event_from_json(&line)?)?;
    /// }
    /// let first = engine.customers_page(None, 2)?;
    /// assert_eq!(first.items, ["ana", "eva"]);
    /// let rest = engine.customers_page(first.next_cursor.as_deref(), 2)?;
    /// assert_eq!((rest.items, rest.next_cursor), (vec!["luis".to_string()], None));
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn customers_page(&self, after: Option<&str>, limit: usize) -> Result<Page<String>> {
        check_limit(limit)?;
        // One more than the page, to tell whether another follows.
        let want = limit + 1;
        // Ids are spread evenly over the shards: each holds about
        // `want / SHARDS` of the next `want`. Twice that and a margin is
        // read from each; a shard that had more bounds what the round may
        // take, and another round goes on from there (rarely needed).
        let per_shard = want.min(2 * want.div_ceil(self.shards.len()) + 8);
        Ok(Page::of(
            self.next_ids(after, want, per_shard),
            limit,
            String::clone,
        ))
    }

    /// The first `want` ids after `after`, reading at most `per_shard` ids
    /// of each shard a round.
    fn next_ids(&self, after: Option<&str>, want: usize, per_shard: usize) -> Vec<String> {
        let mut items: Vec<String> = Vec::with_capacity(want);
        let mut from: Option<CompactString> = after.map(CompactString::from);
        loop {
            let mut runs: Vec<Vec<CompactString>> = Vec::with_capacity(self.shards.len());
            // The least of the last ids of the shards that had more to give:
            // the round is complete up to there.
            let mut bound: Option<CompactString> = None;
            for shard in self.shards.iter() {
                let start = from.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
                let run: Vec<CompactString> = super::lock(shard)
                    .order()
                    .range::<str, _>((start, Bound::Unbounded))
                    .take(per_shard)
                    .cloned()
                    .collect();
                if run.len() == per_shard {
                    let last = run.last().expect("per_shard is at least 1");
                    if bound.as_ref().is_none_or(|b| last < b) {
                        bound = Some(last.clone());
                    }
                }
                runs.push(run);
            }
            // Merge the sorted runs up to the bound.
            let mut heads = BinaryHeap::with_capacity(runs.len());
            let mut next = vec![0usize; runs.len()];
            for (i, run) in runs.iter().enumerate() {
                if let Some(id) = run.first() {
                    heads.push(Reverse((id, i)));
                }
            }
            while items.len() < want {
                let Some(Reverse((id, i))) = heads.pop() else {
                    break;
                };
                if bound.as_ref().is_some_and(|b| id > b) {
                    break;
                }
                items.push(id.to_string());
                next[i] += 1;
                if let Some(id) = runs[i].get(next[i]) {
                    heads.push(Reverse((id, i)));
                }
            }
            if items.len() == want || bound.is_none() {
                break;
            }
            from = bound;
        }
        items
    }

    /// A page of the live golden ids, by number (`G2` before `G10`), after
    /// `after` (a [`Page::next_cursor`]; `None` for the first page), at most
    /// `limit`. Every golden customer is listed, with events or not.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `limit` outside 1 to [`MAX_PAGE`],
    /// or naming `cursor` for one this listing did not give.
    pub fn golden_ids_page(&self, after: Option<&str>, limit: usize) -> Result<Page<GoldenId>> {
        check_limit(limit)?;
        let after = after
            .map(|c| {
                c.parse::<GoldenId>()
                    .map_err(|_| bad_cursor(c, "golden ids"))
            })
            .transpose()?;
        let items: Vec<GoldenId> =
            self.with_registry(|r| r.golden_ids_after(after).take(limit + 1).collect());
        Ok(Page::of(items, limit, GoldenId::to_string))
    }

    /// A page of the source records of golden customer `golden` (a retired
    /// id stands for the customer it was merged into, which the answer
    /// names), in the order the engine first received them, after `after` (a
    /// [`Page::next_cursor`] of this listing; `None` for the first page), at
    /// most `limit`.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a golden id never issued or erased;
    /// [`Error::InvalidArgument`] naming `limit` outside 1 to [`MAX_PAGE`],
    /// or naming `cursor` for one this listing did not give.
    pub fn golden_sources_page(
        &self,
        golden: GoldenId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<(GoldenId, Page<SourceKey>)> {
        check_limit(limit)?;
        let after = after
            .map(|c| {
                c.parse::<u32>()
                    .ok()
                    .filter(|_| c.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| bad_cursor(c, "source records"))
            })
            .transpose()?;
        let (live, items) = self.with_registry(|r| {
            let live = r.resolve(golden).ok_or_else(|| Error::NotFound {
                what: "golden customer",
                id: golden.to_string(),
            })?;
            let items: Vec<(u32, SourceKey)> = r
                .members_after(live, after)
                .expect("resolved ids are live")
                .take(limit + 1)
                .map(|(slot, key)| (slot, key.clone()))
                .collect();
            Ok::<_, Error>((live, items))
        })?;
        let page = Page::of(items, limit, |(slot, _)| slot.to_string());
        Ok((
            live,
            Page {
                items: page.items.into_iter().map(|(_, key)| key).collect(),
                next_cursor: page.next_cursor,
            },
        ))
    }

    /// A page of the records waiting for a data steward, in the order of
    /// their keys (system, then id), after `after` (a [`Page::next_cursor`]
    /// of this listing; `None` for the first page), at most `limit`: each as
    /// [`Engine::reviews`] gives it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `limit` outside 1 to [`MAX_PAGE`],
    /// or naming `cursor` for one this listing did not give.
    pub fn reviews_page(&self, after: Option<&str>, limit: usize) -> Result<Page<ReviewItem>> {
        check_limit(limit)?;
        let after = after
            .map(|c| parse_review_cursor(c).ok_or_else(|| bad_cursor(c, "reviews")))
            .transpose()?;
        let items: Vec<ReviewItem> = self.with_registry(|r| {
            r.reviews_after(after.as_ref())
                .take(limit + 1)
                .map(review_item)
                .collect()
        });
        Ok(Page::of(items, limit, |r| review_cursor(&r.record)))
    }
}

/// A review as the engine lists it.
fn review_item(r: Review<'_>) -> ReviewItem {
    ReviewItem {
        record: r.record.clone(),
        golden: r.golden,
        candidates: r
            .candidates
            .iter()
            .map(|c| (c.golden, c.score.probability, c.source.clone()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_cursors_read_back_whatever_the_key() {
        for (system, id) in [("crm", "C-1"), ("a:b", "1:2"), ("ñandú", "x"), ("s", "12:")] {
            let key = SourceKey::new(system, id).unwrap();
            assert_eq!(parse_review_cursor(&review_cursor(&key)), Some(key));
        }
        for bad in ["", "crm", "3:cr", "x:crm1", "99:crm1", "3:crm", "1:ñ1"] {
            assert_eq!(parse_review_cursor(bad), None, "{bad}");
        }
    }

    #[test]
    fn pages_take_as_many_rounds_as_the_shards_need() {
        let engine = Engine::new(crate::StageModel::six_stage());
        let at = crate::model::Timestamp::from_millis(0, "at").unwrap();
        let mut ids: Vec<String> = (0..500).map(|i| format!("c{i}")).collect();
        for id in &ids {
            let visit = crate::model::Event::new(id.as_str(), at, crate::model::BuiltinKind::Visit);
            engine.apply(&visit).unwrap();
        }
        ids.sort();
        // One id per shard a round: many rounds, the same ids.
        for per_shard in [1, 2, 3] {
            for (after, want) in [(None, 500), (Some("c2"), 40), (Some("c99"), 1)] {
                let from = ids.partition_point(|id| after.is_some_and(|a| id.as_str() <= a));
                assert_eq!(
                    engine.next_ids(after, want, per_shard),
                    ids[from..(from + want).min(ids.len())],
                    "{after:?} {want} {per_shard}"
                );
            }
        }
    }

    #[test]
    fn limits_are_checked() {
        assert!(check_limit(0).is_err());
        assert!(check_limit(MAX_PAGE + 1).is_err());
        assert!(check_limit(1).is_ok() && check_limit(MAX_PAGE).is_ok());
    }
}
