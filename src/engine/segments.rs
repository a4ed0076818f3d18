//! Host attributes and rule segments on the engine: set a customer's
//! attributes, read their segments, count and list a segment's members, and
//! re-evaluate every segment as of a moment.
//!
//! The rules are the pure ones of [`lifecycle::segments`](crate::lifecycle::segments)
//! and [`lifecycle::profile`](crate::lifecycle::profile); the engine keeps the
//! results in the customers' states (and so in snapshots; erasing a customer
//! erases their attributes with their state).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hash::BuildHasher;
use std::ops::Bound;

use compact_str::CompactString;

use super::listing::{Page, MAX_PAGE};
use super::{lock, unique_mut, Engine, Sink};
use crate::error::{Error, Result};
use crate::lifecycle::SegmentId;
use crate::model::event::AttrValue;
use crate::model::time::{clip, Timestamp};

/// What [`Engine::refresh_segments`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SegmentRefresh {
    /// Customers evaluated.
    pub evaluated: usize,
    /// Entries into a segment (a customer entering two counts twice).
    pub entered: usize,
    /// Exits from a segment.
    pub left: usize,
}

impl Engine {
    /// Sets (`Some`) or removes (`None`) a customer's host attributes, then
    /// re-evaluates their segments. Attribute changes and the segment entries
    /// they cause take effect at the customer's watermark (the latest moment
    /// their state knows: the engine has no clock of its own). Answers whether
    /// an attribute changed. Thread-safe.
    ///
    /// A golden id retired by a merge stands for the customer it was merged
    /// into. Attributes set by a call are kept in the state: a merge keeps the
    /// survivor's and fills what it lacks from the retired customer's (an
    /// attribute neither holds, one a call removed, is not brought back by
    /// their old events; the survivor's value wins over a later event of the
    /// retired customer's); an unmerge leaves the customer theirs, and the
    /// record's restored customer gets those its own events carry. The change feed records an
    /// [`attributes_changed`](super::Change::AttributesChanged) change (names
    /// only) and a [`segments_changed`](super::Change::SegmentsChanged) one
    /// when membership moved.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown customer (a customer exists from
    /// their first event); [`Error::InvalidArgument`] naming the attribute
    /// (`attributes.province`) for one the model does not declare or a value
    /// of the wrong type. On error nothing changes.
    ///
    /// ```
    /// use ciclo::lifecycle::{presets, AttributeConfig, AttributeType, StageModel};
    /// use ciclo::model::{AttrValue, BuiltinKind, Event, Timestamp};
    /// use ciclo::Engine;
    ///
    /// let mut config = presets::six_stage();
    /// config.attributes.insert("province".into(), AttributeConfig::category(&["Córdoba", "Mendoza"]));
    /// let engine = Engine::new(StageModel::compile(config)?);
    /// let at = Timestamp::parse("2026-03-01T10:00:00Z", "at")?;
    /// engine.apply(&Event::new("ana", at, BuiltinKind::Visit))?;
    /// assert!(engine.set_attributes("ana", &[("province", Some(AttrValue::Text("Mendoza".into())))])?);
    /// assert!(engine.set_attributes("ana", &[("province", Some(AttrValue::Text("Salta".into())))]).is_err());
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn set_attributes(
        &self,
        customer: &str,
        attributes: &[(&str, Option<AttrValue>)],
    ) -> Result<bool> {
        let out = self.with_shard_of(customer, |live, hash, shard| {
            let exists = shard.get(hash, live).ok_or_else(|| not_found(live))?;
            // Check on a copy only when something could change: a failed or
            // empty call copies nothing a snapshot shares.
            let mut next = exists.clone();
            let changed = next.set_attributes(&self.model, attributes)?;
            if changed {
                let schema = self.model.attributes();
                let ids: crate::lifecycle::AttributeSet = attributes
                    .iter()
                    .filter_map(|(name, _)| schema.id(name))
                    .filter(|id| exists.attribute(*id) != next.attribute(*id))
                    .collect();
                let (before, after) = (exists.segment_bits(), next.segment_bits());
                let at = next.watermark();
                let who = CompactString::from(live);
                let mut changes = vec![super::Change::AttributesChanged {
                    customer: who.clone(),
                    attributes: ids,
                    at,
                }];
                if before != after {
                    changes.push(super::Change::SegmentsChanged {
                        customer: who,
                        entered: after & !before,
                        left: before & !after,
                        at,
                    });
                }
                let state = shard.get_mut(hash, live).expect("present");
                *state = next;
                // Under the shard's lock, as an event's changes are.
                self.feed.single().record(changes);
            }
            Ok(changed)
        });
        self.deliver();
        out
    }

    /// The segments a customer is in, with when they entered each, sorted by
    /// segment id (as of their last evaluation: an event, a moving tick, a
    /// [`Engine::set_attributes`] or [`Engine::refresh_segments`]).
    /// Thread-safe.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown customer.
    pub fn customer_segments(&self, customer: &str) -> Result<Vec<(SegmentId, Timestamp)>> {
        self.with_customer(customer, |s| s.segments().to_vec())
    }

    /// Members per segment, indexed by segment (as of each customer's last
    /// evaluation). Shards are counted one after another, as
    /// [`Engine::stage_counts`] does.
    pub fn segment_counts(&self) -> Vec<(SegmentId, usize)> {
        let n = self.model.segments().len();
        let mut counts = vec![0usize; n];
        if n > 0 {
            self.for_each(|_, s| {
                for (id, _) in s.segments() {
                    counts[id.index()] += 1;
                }
            });
        }
        counts
            .into_iter()
            .enumerate()
            .map(|(i, c)| (SegmentId(i as u16), c))
            .collect()
    }

    /// Re-evaluates every segment of every customer as of `now` (conditions
    /// that change with time alone, such as `days_since_last_purchase`);
    /// customers entering a segment enter it at `now`. Customers whose
    /// watermark is later than `now` are not evaluated. Thread-safe; shards
    /// are visited one after another.
    pub fn refresh_segments(&self, now: Timestamp) -> SegmentRefresh {
        let out = self.refresh_segments_in(now, &mut self.feed.sorted_call());
        self.deliver();
        out
    }

    /// [`Engine::refresh_segments`], recording in `call`.
    fn refresh_segments_in(&self, now: Timestamp, call: &mut super::Call) -> SegmentRefresh {
        let mut out = SegmentRefresh::default();
        if self.model.segments().is_empty() {
            return out;
        }
        for shard in self.shards.iter() {
            let mut shard = lock(shard);
            // Evaluate on the shared states first: a snapshot's copy is made
            // only of the customers whose membership changes.
            let changing: std::collections::HashSet<CompactString> = shard
                .iter()
                .filter(|(_, s)| s.is_due(now))
                .inspect(|_| out.evaluated += 1)
                .filter(|(_, s)| {
                    let now_in = s.segments_at(&self.model, now);
                    !now_in
                        .iter()
                        .copied()
                        .eq(s.segments().iter().map(|(id, _)| *id))
                })
                .map(|(id, _)| CompactString::from(id))
                .collect();
            if changing.is_empty() {
                continue;
            }
            let mut changes = Vec::with_capacity(changing.len());
            for (id, state) in shard.iter_mut() {
                if changing.contains(id) {
                    let delta = unique_mut(state).refresh_segments(&self.model, now);
                    out.entered += delta.entered.count_ones() as usize;
                    out.left += delta.left.count_ones() as usize;
                    if !delta.is_empty() {
                        changes.push(super::Change::SegmentsChanged {
                            customer: CompactString::from(id),
                            entered: delta.entered,
                            left: delta.left,
                            at: now.max(state.watermark()),
                        });
                    }
                }
            }
            // Under the shard's lock: no event of these customers comes
            // between their changes and the feed.
            call.record(changes);
        }
        out
    }

    /// A page of the members of segment `segment`, in byte order of their
    /// ids, after `after` (a [`Page::next_cursor`] of this listing; `None` for
    /// the first page), at most `limit`. Each page reads the customers after
    /// the cursor until it has `limit` members: its cost grows with the
    /// customers between two members (a page of a segment holding a tenth of
    /// the base reads about ten customers a member).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for a segment the model does not have;
    /// [`Error::InvalidArgument`] naming `limit` outside 1 to [`MAX_PAGE`].
    ///
    /// ```
    /// use ciclo::lifecycle::{presets, ConditionConfig, SegmentConfig, StageModel};
    /// use ciclo::model::{BuiltinKind, Event, Timestamp};
    /// use ciclo::Engine;
    ///
    /// let mut config = presets::six_stage();
    /// config.segments.push(SegmentConfig {
    ///     name: "engaged".into(),
    ///     description: String::new(),
    ///     stages: Vec::new(),
    ///     when: Some(ConditionConfig::cmp("event_count", ">=", 2.0)),
    /// });
    /// let engine = Engine::new(StageModel::compile(config)?);
    /// let at = Timestamp::parse("2026-03-01T10:00:00Z", "at")?;
    /// for (who, visits) in [("ana", 2), ("eva", 1), ("luis", 3)] {
    ///     for _ in 0..visits {
    ///         engine.apply(&Event::new(who, at, BuiltinKind::Visit))?;
    ///     }
    /// }
    /// let page = engine.segment_members("engaged", None, 1)?;
    /// assert_eq!(page.items, ["ana"]);
    /// let rest = engine.segment_members("engaged", page.next_cursor.as_deref(), 1)?;
    /// assert_eq!((rest.items, rest.next_cursor), (vec!["luis".to_string()], None));
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn segment_members(
        &self,
        segment: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<String>> {
        let id = self
            .model
            .segments()
            .id(segment)
            .ok_or_else(|| Error::NotFound {
                what: "segment",
                id: clip(segment),
            })?;
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(Error::invalid(
                "limit",
                format!("{limit} items; a page holds 1 to {MAX_PAGE}"),
            ));
        }
        let want = limit + 1;
        let start = after.map_or(Bound::Unbounded, Bound::Excluded);
        let mut runs: Vec<Vec<CompactString>> = Vec::with_capacity(self.shards.len());
        for shard in self.shards.iter() {
            let mut guard = lock(shard);
            guard.order();
            let shard = &*guard;
            let mut run = Vec::new();
            let order = shard.order.as_ref().expect("ordered above");
            for k in order.range::<str, _>((start, Bound::Unbounded)) {
                let hash = self.hasher.hash_one(k.as_str());
                if shard
                    .get(hash, k)
                    .is_some_and(|s| s.segments().iter().any(|(s, _)| *s == id))
                {
                    run.push(k.clone());
                    if run.len() == want {
                        break;
                    }
                }
            }
            runs.push(run);
        }
        let mut heads = BinaryHeap::with_capacity(runs.len());
        let mut next = vec![0usize; runs.len()];
        for (i, run) in runs.iter().enumerate() {
            if let Some(k) = run.first() {
                heads.push(Reverse((k, i)));
            }
        }
        let mut items = Vec::with_capacity(want);
        while items.len() < want {
            let Some(Reverse((k, i))) = heads.pop() else {
                break;
            };
            items.push(k.to_string());
            next[i] += 1;
            if let Some(k) = runs[i].get(next[i]) {
                heads.push(Reverse((k, i)));
            }
        }
        let more = items.len() > limit;
        items.truncate(limit);
        let next_cursor = if more { items.last().cloned() } else { None };
        Ok(Page { items, next_cursor })
    }
}

fn not_found(customer: &str) -> Error {
    Error::NotFound {
        what: "customer",
        id: clip(customer),
    }
}
