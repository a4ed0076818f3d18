//! The change feed: every change an engine makes, numbered, kept as long as
//! its [`FeedRetention`] says, read in pages or given to a callback.
//!
//! # How it is kept
//!
//! Changes are kept in chunks of 1,024 (each allocated once at full size),
//! behind one mutex that nothing else is locked under: callers record a
//! call's changes while holding the lock of what they changed (a customer's
//! shard, the consolidation state), so that the feed's order is the order in
//! which each customer changed. A call that records under several locks one
//! after another (a tick visits the shards in turn; a merge recomputes two
//! customers) opens a *call*: its changes get their numbers as they happen,
//! interleaved with other calls', and readers see none of the changes from
//! the call's first on until it ends. Readers get whole calls: a page never
//! ends inside a call (each change knows the last number of its call).
//!
//! A snapshot shares the chunks (reference-counted) instead of copying them;
//! a change recorded while a snapshot shares the newest chunk copies that one
//! chunk.
//!
//! # The callback
//!
//! At most one callback is registered. It runs after the call that made the
//! changes let go of every engine lock, on that call's thread (or on the
//! thread of another call that is already delivering), one delivery at a
//! time, in sequence order, each delivery whole calls. Changes recorded while
//! it runs (by the callback itself, or other threads) are delivered by the
//! same loop once it returns.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use compact_str::CompactString;

use super::changes::{
    Change, ChangeEntry, ChangePage, Erasure, EvidenceList, FeedRetention, FeedStats,
};
use super::{unique_mut, Engine};
use crate::error::{Error, Result};
use crate::lifecycle::{Outcome, StageChange, StageId};
use crate::model::event::Event;

/// Changes per chunk.
const CHUNK: usize = 1024;

/// Changes given to a callback at once, at most (whole calls may make more).
const DELIVERY: usize = 1024;

/// A change callback.
pub(crate) type Callback = Arc<dyn Fn(&[ChangeEntry]) + Send + Sync>;

/// A change as the feed keeps it.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) change: Change,
    pub(crate) redacted: bool,
    /// Whether it names a source record, or a customer by a host's own id,
    /// erased since: readers get it whole, snapshots write it emptied
    /// ([`Change::emptied`]).
    pub(crate) private: bool,
    /// The last sequence number of the call that recorded it (`u64::MAX`
    /// while that call runs).
    pub(crate) call_end: u64,
    /// When it was recorded, epoch milliseconds on the wall clock (0 while no
    /// age limit is set).
    recorded_ms: i64,
}

/// Consecutive changes: the first's number and the changes.
#[derive(Debug)]
pub(crate) struct Chunk {
    first: u64,
    entries: Vec<Entry>,
}

/// An open call's first number and the ranges of numbers it recorded.
type OpenCall<'a> = (&'a mut Option<u64>, &'a mut Vec<(u64, u64)>);

impl Clone for Chunk {
    /// A copy with room for a whole chunk (a chunk a snapshot shares is
    /// copied before a change is added to it).
    fn clone(&self) -> Chunk {
        let mut entries = Vec::with_capacity(CHUNK.max(self.entries.len()));
        entries.extend(self.entries.iter().cloned());
        Chunk {
            first: self.first,
            entries,
        }
    }
}

/// The feed.
pub(crate) struct Feed {
    inner: Mutex<Inner>,
    /// Whether a callback is registered: the one thing a call checks when no
    /// callback is.
    subscribed: AtomicBool,
    /// Held by the thread delivering to the callback.
    delivering: Mutex<()>,
}

impl std::fmt::Debug for Feed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.lock();
        f.debug_struct("Feed")
            .field("next", &inner.next)
            .field("oldest", &inner.oldest)
            .field("visible", &inner.visible)
            .field("retention", &inner.retention)
            .field("subscribed", &inner.subscriber.is_some())
            .finish()
    }
}

struct Inner {
    /// The number the next change gets.
    next: u64,
    /// The oldest change kept (`next` when none is).
    oldest: u64,
    /// The newest change readers may see: all before the first change of
    /// the oldest call still running.
    visible: u64,
    /// The first change of each call still running.
    open: Vec<u64>,
    /// Every chunk is full but the last; the first may hold changes older
    /// than `oldest`, dropped when the whole chunk is.
    chunks: VecDeque<Arc<Chunk>>,
    retention: FeedRetention,
    subscriber: Option<Subscriber>,
    subscribers: u64,
    /// The thread delivering to the callback, if one is.
    deliverer: Option<usize>,
}

struct Subscriber {
    id: u64,
    /// The last change it was given.
    after: u64,
    f: Callback,
}

/// Chunks dropped under the lock, freed after it is let go.
type Dropped = Vec<Arc<Chunk>>;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Inner {
    fn new() -> Inner {
        Inner {
            next: 1,
            oldest: 1,
            visible: 0,
            open: Vec::new(),
            chunks: VecDeque::new(),
            retention: FeedRetention::default(),
            subscriber: None,
            subscribers: 0,
            deliverer: None,
        }
    }

    /// The clock for a change recorded now: read only under an age limit.
    fn clock(&self) -> i64 {
        if self.retention.max_age.is_some() {
            now_ms()
        } else {
            0
        }
    }

    fn position(&self, seq: u64) -> Option<(usize, usize)> {
        let first = self.chunks.front()?.first;
        if seq < first || seq >= self.next {
            return None;
        }
        let i = (seq - first) as usize;
        Some((i / CHUNK, i % CHUNK))
    }

    fn entry(&self, seq: u64) -> Option<&Entry> {
        let (c, i) = self.position(seq)?;
        self.chunks[c].entries.get(i)
    }

    /// A change to modify (its chunk copied first if a snapshot shares it).
    fn entry_mut(&mut self, seq: u64) -> Option<&mut Entry> {
        let (c, i) = self.position(seq)?;
        // Chunks are cloned only under the feed's lock, which the caller holds.
        unique_mut(&mut self.chunks[c]).entries.get_mut(i)
    }

    #[inline]
    fn push(&mut self, change: Change, private: bool, call_end: u64, recorded_ms: i64) {
        self.push_with(call_end, recorded_ms, || change);
        if private {
            let seq = self.next - 1;
            if let Some(e) = self.entry_mut(seq) {
                e.private = true;
            }
        }
    }

    /// Adds the change `make` makes, in its place: the chunk has room.
    #[inline(always)]
    fn push_with(&mut self, call_end: u64, recorded_ms: i64, make: impl FnOnce() -> Change) {
        if self.chunks.back().is_none_or(|c| c.entries.len() == CHUNK) {
            self.new_chunk();
        }
        let chunk = self.chunks.back_mut().expect("just made sure");
        let entries = &mut unique_mut(chunk).entries;
        let len = entries.len();
        match entries.spare_capacity_mut().first_mut() {
            Some(slot) => {
                slot.write(Entry {
                    change: make(),
                    redacted: false,
                    private: false,
                    call_end,
                    recorded_ms,
                });
                // SAFETY: the slot at `len` was just written.
                unsafe { entries.set_len(len + 1) };
            }
            None => entries.push(Entry {
                change: make(),
                redacted: false,
                private: false,
                call_end,
                recorded_ms,
            }),
        }
        self.next += 1;
    }

    #[cold]
    #[inline(never)]
    fn new_chunk(&mut self) {
        self.chunks.push_back(Arc::new(Chunk {
            first: self.next,
            entries: Vec::with_capacity(CHUNK),
        }));
    }

    fn settle_visible(&mut self) {
        self.visible = match self.open.iter().min() {
            Some(&first) => first - 1,
            None => self.next - 1,
        };
    }

    /// Whether changes may be due to be dropped.
    #[inline]
    fn over_retention(&self) -> bool {
        self.next - self.oldest > self.retention.max_changes as u64
            || self.retention.max_age.is_some()
    }

    /// Drops what the retention no longer keeps: never a change readers
    /// cannot see yet, nor one the callback was not given.
    fn trim(&mut self, now: i64, dropped: &mut Dropped) {
        let mut protect = self.visible;
        if let Some(s) = &self.subscriber {
            protect = protect.min(s.after);
        }
        let mut oldest = self
            .oldest
            .max(self.next.saturating_sub(self.retention.max_changes as u64));
        if let Some(age) = self.retention.max_age {
            let limit = now.saturating_sub(age.as_millis() as i64);
            while oldest <= protect && self.entry(oldest).is_some_and(|e| e.recorded_ms < limit) {
                oldest += 1;
            }
        }
        self.oldest = self.oldest.max(oldest.min(protect + 1));
        while let Some(front) = self.chunks.front() {
            if front.entries.len() == CHUNK && front.first + CHUNK as u64 <= self.oldest {
                dropped.extend(self.chunks.pop_front());
            } else {
                break;
            }
        }
    }

    /// Checks that `after` is a place to read from.
    fn check_after(&self, after: u64) -> Result<()> {
        if after > self.visible {
            return Err(Error::invalid(
                "after_seq",
                format!(
                    "{after} is past the newest change, {} (an engine restored from an \
                     older snapshot numbers its changes from there: read from {} or earlier)",
                    self.visible, self.visible
                ),
            ));
        }
        if after.saturating_add(1) < self.oldest {
            return Err(Error::ChangesDropped {
                after,
                oldest: self.oldest,
            });
        }
        Ok(())
    }

    /// Whole calls after `after`: at least `max` changes if there are so
    /// many, more only to finish a call.
    fn page(&self, after: u64, max: usize) -> Result<ChangePage> {
        self.check_after(after)?;
        let available = (self.visible - after).min(usize::MAX as u64) as usize;
        let mut changes = Vec::with_capacity(available.min(max));
        let mut need = after;
        let mut seq = after + 1;
        while seq <= self.visible {
            if changes.len() >= max && seq > need {
                break;
            }
            let e = self.entry(seq).expect("changes from `oldest` on are kept");
            changes.push(ChangeEntry {
                seq,
                change: e.change.clone(),
                redacted: e.redacted,
            });
            need = need.max(e.call_end);
            seq += 1;
        }
        Ok(ChangePage {
            changes,
            last_seq: seq - 1,
            oldest_seq: self.oldest,
            head_seq: self.visible,
        })
    }
}

/// Where an engine call records its changes: at once ([`Single`]), or as
/// part of a call seen whole when it ends ([`Call`]).
pub(crate) trait Sink {
    /// Records changes (under the lock of what they changed).
    fn record<I>(&mut self, changes: I)
    where
        I: IntoIterator<Item = Change>,
        I::IntoIter: ExactSizeIterator;

    /// Records one change.
    fn one(&mut self, change: Change) {
        self.record([change]);
    }

    /// Records what applying `event` changed: the customer's creation (in
    /// `created`, the initial stage) and the move it made.
    fn applied(&mut self, event: &Event, outcome: &Outcome, created: Option<StageId>) {
        let moved = outcome.transition.map(|t| moved(event, outcome, t));
        if !outcome.attributes.is_empty() || !outcome.segments.is_empty() {
            // Rare: attributes or segments changed too.
            let changes: Vec<Change> = created
                .map(|stage| customer_created(event, stage))
                .into_iter()
                .chain(moved)
                .chain(profile_changes(event, outcome))
                .collect();
            self.record(changes);
            return;
        }
        match (created, moved) {
            (Some(stage), moved) => {
                let created = customer_created(event, stage);
                match moved {
                    Some(moved) => self.record([created, moved]),
                    None => self.one(created),
                }
            }
            (None, Some(moved)) => self.one(moved),
            (None, None) => {}
        }
    }
}

/// The attribute and segment changes an event made (none, mostly).
#[inline(always)]
fn profile_changes(event: &Event, outcome: &Outcome) -> impl Iterator<Item = Change> {
    let attributes = (!outcome.attributes.is_empty()).then(|| attributes_changed(event, outcome));
    let segments = (!outcome.segments.is_empty()).then(|| segments_changed(event, outcome));
    attributes.into_iter().chain(segments)
}

#[inline(always)]
fn attributes_changed(event: &Event, outcome: &Outcome) -> Change {
    Change::AttributesChanged {
        customer: CompactString::from(event.customer.as_str()),
        attributes: outcome.attributes,
        at: event.at,
    }
}

#[inline(always)]
fn segments_changed(event: &Event, outcome: &Outcome) -> Change {
    Change::SegmentsChanged {
        customer: CompactString::from(event.customer.as_str()),
        entered: outcome.segments.entered,
        left: outcome.segments.left,
        at: event.at,
    }
}

#[inline(always)]
fn customer_created(event: &Event, stage: StageId) -> Change {
    Change::CustomerCreated {
        customer: CompactString::from(event.customer.as_str()),
        stage,
        at: event.at,
    }
}

#[inline(always)]
fn moved(event: &Event, outcome: &Outcome, t: StageChange) -> Change {
    Change::StageMoved {
        customer: CompactString::from(event.customer.as_str()),
        change: t,
        event_id: event.id.as_deref().map(CompactString::from),
        evidence: EvidenceList::from(outcome.evidence.as_slice()),
    }
}

/// A call that records once: its changes are visible at once (unless a call
/// that started before is still running).
pub(crate) struct Single<'f>(&'f Feed);

impl Sink for Single<'_> {
    #[inline]
    fn record<I>(&mut self, changes: I)
    where
        I: IntoIterator<Item = Change>,
        I::IntoIter: ExactSizeIterator,
    {
        self.0.append(changes, None, false);
    }

    /// The hot path of [`Engine::apply`]: the changes are made in their
    /// place in the feed, under its lock (no copy, no allocation but a
    /// chunk's, once in 1,024 changes).
    #[inline(never)]
    fn applied(&mut self, event: &Event, outcome: &Outcome, created: Option<StageId>) {
        let n = u64::from(created.is_some())
            + u64::from(outcome.transition.is_some())
            + u64::from(!outcome.attributes.is_empty())
            + u64::from(!outcome.segments.is_empty());
        if n == 0 {
            return;
        }
        let mut inner = self.0.lock();
        let now = inner.clock();
        let last = inner.next + n - 1;
        if let Some(stage) = created {
            inner.push_with(last, now, || customer_created(event, stage));
        }
        if let Some(t) = outcome.transition {
            inner.push_with(last, now, || moved(event, outcome, t));
        }
        // Each change is built in its place, as the two above are.
        if !outcome.attributes.is_empty() {
            inner.push_with(last, now, || attributes_changed(event, outcome));
        }
        if !outcome.segments.is_empty() {
            inner.push_with(last, now, || segments_changed(event, outcome));
        }
        if inner.open.is_empty() {
            inner.visible = last;
        }
        if inner.over_retention() {
            let mut dropped = Dropped::new();
            inner.trim(now, &mut dropped);
            drop(inner);
            drop(dropped);
        }
    }
}

/// The changes of one engine call made under several locks one after
/// another: readers see none of them until it is dropped.
pub(crate) struct Call<'f> {
    feed: &'f Feed,
    /// Whether its changes are put in customer order when it ends.
    sort: bool,
    /// Its first change's number, once it recorded one.
    first: Option<u64>,
    /// The numbers it recorded, as ranges.
    ranges: Vec<(u64, u64)>,
}

impl Sink for Call<'_> {
    fn record<I>(&mut self, changes: I)
    where
        I: IntoIterator<Item = Change>,
        I::IntoIter: ExactSizeIterator,
    {
        self.feed
            .append(changes, Some((&mut self.first, &mut self.ranges)), false);
    }
}

impl Call<'_> {
    /// Records an erasure's changes that name erased ids of a host's (source
    /// records, a customer's own id): readers get them, snapshots write them
    /// emptied ([`Entry::private`]).
    pub(crate) fn private<I>(&mut self, changes: I)
    where
        I: IntoIterator<Item = Change>,
        I::IntoIter: ExactSizeIterator,
    {
        self.feed
            .append(changes, Some((&mut self.first, &mut self.ranges)), true);
    }
}

impl Drop for Call<'_> {
    fn drop(&mut self) {
        let Some(first) = self.first else {
            return;
        };
        let last = self.ranges.last().map_or(first, |r| r.1);
        let mut dropped = Dropped::new();
        {
            let mut inner = self.feed.lock();
            for &(a, b) in &self.ranges {
                for seq in a..=b {
                    if let Some(e) = inner.entry_mut(seq) {
                        e.call_end = last;
                    }
                }
            }
            if self.sort {
                sort_by_customer(&mut inner, &self.ranges);
            }
            if let Some(i) = inner.open.iter().position(|&f| f == first) {
                inner.open.swap_remove(i);
            }
            inner.settle_visible();
            let now = inner.clock();
            inner.trim(now, &mut dropped);
        }
        drop(dropped);
    }
}

/// Puts a call's changes in customer order (each customer's in the order
/// recorded), when no other call's change came between them: the order a
/// call visiting the shards in turn records in depends on where each
/// customer's hash puts it, and the same calls must give the same feed.
/// Under the feed's lock, before the call's changes are seen.
fn sort_by_customer(inner: &mut Inner, ranges: &[(u64, u64)]) {
    let contiguous = ranges.windows(2).all(|w| w[1].0 == w[0].1 + 1);
    let (Some(&(first, _)), Some(&(_, last))) = (ranges.first(), ranges.last()) else {
        return;
    };
    if !contiguous || first == last {
        return;
    }
    let placeholder = || Change::Redacted { was: "" };
    let mut changes = Vec::with_capacity((last - first + 1) as usize);
    for seq in first..=last {
        match inner.entry_mut(seq) {
            Some(e) => changes.push(std::mem::replace(&mut e.change, placeholder())),
            None => {
                // Not kept (cannot happen: a running call's changes are):
                // put back what was taken, unsorted.
                for (seq, change) in (first..).zip(changes) {
                    if let Some(e) = inner.entry_mut(seq) {
                        e.change = change;
                    }
                }
                return;
            }
        }
    }
    // Stable: each customer's changes keep their order.
    changes.sort_by(|a, b| a.customer().cmp(&b.customer()));
    for (seq, change) in (first..).zip(changes) {
        if let Some(e) = inner.entry_mut(seq) {
            e.change = change;
        }
    }
}

/// The feed at a snapshot's moment: the chunks shared, not copied.
pub(crate) struct FeedCut {
    pub(crate) next: u64,
    pub(crate) oldest: u64,
    pub(crate) retention: FeedRetention,
    chunks: Vec<Arc<Chunk>>,
}

impl FeedCut {
    /// Whether the feed never recorded a change and keeps the default
    /// retention (then the snapshot holds nothing for it).
    pub(crate) fn untouched(&self) -> bool {
        self.next == 1 && self.retention == FeedRetention::default()
    }

    /// The changes kept, with their numbers; a call still running at the
    /// cut ends at the cut.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (u64, &Entry)> + Clone + '_ {
        let oldest = self.oldest;
        self.chunks
            .iter()
            .flat_map(|c| {
                c.entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (c.first + i as u64, e))
            })
            .filter(move |(seq, _)| *seq >= oldest)
    }
}

impl Feed {
    pub(crate) fn new() -> Feed {
        Feed {
            inner: Mutex::new(Inner::new()),
            subscribed: AtomicBool::new(false),
            delivering: Mutex::new(()),
        }
    }

    /// The lock. Nothing else is locked while it is held; a panic while it is
    /// held leaves it consistent (every change is one push or one field), so a
    /// poisoned lock is taken over.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A call that records under several locks: its changes are seen
    /// together when it is dropped.
    pub(crate) fn call(&self) -> Call<'_> {
        Call {
            feed: self,
            sort: false,
            first: None,
            ranges: Vec::new(),
        }
    }

    /// A call that records customers shard by shard (a tick, an evaluation
    /// of everyone): when it ends, its changes are put in customer order
    /// (see [`sort_by_customer`]).
    pub(crate) fn sorted_call(&self) -> Call<'_> {
        Call {
            feed: self,
            sort: true,
            first: None,
            ranges: Vec::new(),
        }
    }

    /// A call that records once.
    #[inline]
    pub(crate) fn single(&self) -> Single<'_> {
        Single(self)
    }

    /// Records changes: visible at once for a single call (`open` `None`),
    /// else part of the open call whose first number and ranges `open` holds.
    fn append<I>(&self, changes: I, open: Option<OpenCall<'_>>, private: bool)
    where
        I: IntoIterator<Item = Change>,
        I::IntoIter: ExactSizeIterator,
    {
        let changes = changes.into_iter();
        let n = changes.len() as u64;
        if n == 0 {
            return;
        }
        let mut inner = self.lock();
        let now = inner.clock();
        let first = inner.next;
        let last = first + n - 1;
        let call_end = if open.is_none() { last } else { u64::MAX };
        for change in changes {
            inner.push(change, private, call_end, now);
        }
        match open {
            None => {
                if inner.open.is_empty() {
                    inner.visible = last;
                }
            }
            Some((call_first, ranges)) => {
                if call_first.is_none() {
                    *call_first = Some(first);
                    inner.open.push(first);
                }
                ranges.push((first, last));
            }
        }
        if inner.over_retention() {
            let mut dropped = Dropped::new();
            inner.trim(now, &mut dropped);
            // Freed after the lock is let go.
            drop(inner);
            drop(dropped);
        }
    }

    /// Gives the callback what it has not been given, each delivery
    /// completed by `fill` first (see [`Engine::deliver`]).
    #[cold]
    #[inline(never)]
    fn deliver_pending(&self, fill: &dyn Fn(&mut [ChangeEntry])) {
        loop {
            let guard = match self.delivering.try_lock() {
                Ok(g) => g,
                Err(TryLockError::Poisoned(p)) => p.into_inner(),
                // Another thread delivers, and will find these changes.
                Err(TryLockError::WouldBlock) => return,
            };
            self.lock().deliverer = Some(thread_token());
            loop {
                let (id, f, mut page) = {
                    let inner = self.lock();
                    let Some(sub) = &inner.subscriber else {
                        break;
                    };
                    if sub.after >= inner.visible {
                        break;
                    }
                    let (id, after, f) = (sub.id, sub.after, Arc::clone(&sub.f));
                    match inner.page(after, DELIVERY) {
                        Ok(page) => (id, f, page),
                        Err(_) => break,
                    }
                };
                fill(&mut page.changes);
                // A panicking callback is dropped; the call that delivered
                // still succeeds (its changes are made).
                let delivered = catch_unwind(AssertUnwindSafe(|| f(&page.changes))).is_ok();
                drop(f);
                let mut dropped = Dropped::new();
                {
                    let mut inner = self.lock();
                    if inner.subscriber.as_ref().is_some_and(|s| s.id == id) {
                        if delivered {
                            if let Some(s) = inner.subscriber.as_mut() {
                                s.after = page.last_seq;
                            }
                        } else {
                            inner.subscriber = None;
                            self.subscribed.store(false, Ordering::Release);
                        }
                        let now = inner.clock();
                        inner.trim(now, &mut dropped);
                    }
                }
                drop(dropped);
            }
            self.lock().deliverer = None;
            drop(guard);
            // Changes recorded while this thread held the delivery found it
            // busy: deliver them unless another thread took over.
            let pending = {
                let inner = self.lock();
                inner
                    .subscriber
                    .as_ref()
                    .is_some_and(|s| s.after < inner.visible)
            };
            if !pending {
                return;
            }
        }
    }

    /// Waits until no thread but this one is delivering.
    fn wait_for_delivery(&self, deliverer: Option<usize>) {
        if deliverer != Some(thread_token()) {
            drop(self.delivering.lock().unwrap_or_else(|p| p.into_inner()));
        }
    }

    fn subscribe(&self, after: u64, f: Callback) -> Result<()> {
        let deliverer = {
            let mut inner = self.lock();
            inner.check_after(after)?;
            inner.subscribers += 1;
            let id = inner.subscribers;
            let had = inner
                .subscriber
                .replace(Subscriber { id, after, f })
                .is_some();
            self.subscribed.store(true, Ordering::Release);
            had.then_some(inner.deliverer).flatten()
        };
        self.wait_for_delivery(deliverer);
        Ok(())
    }

    fn unsubscribe(&self) -> bool {
        let mut dropped = Dropped::new();
        let (had, deliverer) = {
            let mut inner = self.lock();
            let had = inner.subscriber.take().is_some();
            self.subscribed.store(false, Ordering::Release);
            let now = inner.clock();
            inner.trim(now, &mut dropped);
            (had, inner.deliverer)
        };
        drop(dropped);
        if had && deliverer.is_some() {
            self.wait_for_delivery(deliverer);
        }
        had
    }

    fn page(&self, after: u64, max: usize) -> Result<ChangePage> {
        let mut dropped = Dropped::new();
        let page = {
            let mut inner = self.lock();
            if inner.retention.max_age.is_some() {
                let now = inner.clock();
                inner.trim(now, &mut dropped);
            }
            inner.page(after, max)
        };
        drop(dropped);
        page
    }

    /// Applies an erasure to every change kept: strips its customers' data
    /// ([`Change::redact`]) and marks the changes that name its records or a
    /// host's customer id, to be written emptied in snapshots
    /// ([`Change::names_erased`]).
    pub(crate) fn redact(&self, erasure: &Erasure<'_>) {
        let mut inner = self.lock();
        let (Some(first), next) = (inner.chunks.front().map(|c| c.first), inner.next) else {
            return;
        };
        for seq in first..next {
            let (strip, private) = inner.entry(seq).map_or((false, false), |e| {
                (
                    e.change.redacts(erasure),
                    !e.private && e.change.names_erased(erasure),
                )
            });
            if strip || private {
                if let Some(e) = inner.entry_mut(seq) {
                    e.redacted |= e.change.redact(erasure);
                    e.private |= private;
                }
            }
        }
    }

    /// The feed at this moment, for a snapshot.
    pub(crate) fn cut(&self) -> FeedCut {
        let inner = self.lock();
        FeedCut {
            next: inner.next,
            oldest: inner.oldest,
            retention: inner.retention,
            chunks: inner.chunks.iter().cloned().collect(),
        }
    }

    /// Replaces a fresh feed's state with a snapshot's: `entries` are the
    /// changes from `oldest` on, with their calls' last numbers.
    pub(crate) fn restore(
        &self,
        next: u64,
        oldest: u64,
        retention: FeedRetention,
        entries: Vec<(Change, bool, u64)>,
    ) {
        let mut inner = Inner::new();
        inner.retention = retention;
        inner.next = oldest;
        inner.oldest = oldest;
        let now = inner.clock();
        for (change, redacted, call_end) in entries {
            inner.push(change, false, call_end, now);
            if redacted {
                let seq = inner.next - 1;
                if let Some(e) = inner.entry_mut(seq) {
                    e.redacted = true;
                }
            }
        }
        debug_assert_eq!(inner.next, next);
        inner.next = next;
        inner.settle_visible();
        *self.lock() = inner;
    }
}

impl Engine {
    /// Changes after sequence number `after_seq`, oldest first: the change
    /// feed. Pass 0 for every change the feed still keeps; then, each time,
    /// the [`ChangePage::last_seq`] of the page before. Thread-safe.
    ///
    /// A page holds at least `max` changes when so many are waiting, and more
    /// only to end with a whole call: the changes of one engine call are in
    /// one page or none (a call's changes appear together or not at all,
    /// even to a reader polling while the call runs). `max` 0 reads nothing
    /// and gives the feed's bounds. Every change an engine makes is on it:
    /// see [`Change`]. The feed keeps changes as its [`FeedRetention`] says
    /// ([`Engine::set_change_retention`]); a snapshot keeps them and their
    /// numbers.
    ///
    /// # Errors
    ///
    /// [`Error::ChangesDropped`] when a change after `after_seq` is no longer
    /// kept (the message names the oldest kept: read the state the host
    /// needs from the engine again, then go on from there);
    /// [`Error::InvalidArgument`] naming `after_seq` when it is past the
    /// newest change.
    ///
    /// # Example
    ///
    /// A host keeping its own copy of each customer's stage:
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use ciclo::engine::Change;
    /// use ciclo::Engine;
    ///
    /// let engine = Engine::new(ciclo::StageModel::six_stage());
    /// let event = ciclo::json::event_from_json(
    ///     r#"{"customer": "c-1", "at": "2026-03-01T10:00:00Z", "kind": "purchase",
    ///         "amount": 125000, "currency": "ARS"}"#,
    /// )?;
    /// engine.apply(&event)?;
    ///
    /// let mut stages = BTreeMap::new();
    /// let mut after = 0;
    /// loop {
    ///     let page = engine.changes(after, 100)?;
    ///     for entry in &page.changes {
    ///         match &entry.change {
    ///             Change::CustomerCreated { customer, stage, .. } => {
    ///                 stages.insert(customer.to_string(), *stage);
    ///             }
    ///             Change::StageMoved { customer, change, .. } => {
    ///                 stages.insert(customer.to_string(), change.to);
    ///             }
    ///             _ => {}
    ///         }
    ///     }
    ///     after = page.last_seq;
    ///     if !page.more() {
    ///         break;
    ///     }
    /// }
    /// let model = engine.model();
    /// assert_eq!(model.stage_name(stages["c-1"]), "conversion");
    /// assert_eq!(after, 2); // created in awareness, then moved
    /// # Ok::<(), ciclo::Error>(())
    /// ```
    pub fn changes(&self, after_seq: u64, max: usize) -> Result<ChangePage> {
        let mut page = self.feed.page(after_seq, max)?;
        self.fill_records(&mut page.changes);
        Ok(page)
    }

    /// Gives the change callback, if one is registered, what it has not
    /// been given. Every call that records changes calls it last, holding no
    /// lock of the engine.
    #[inline]
    pub(crate) fn deliver(&self) {
        if self.feed.subscribed.load(Ordering::Acquire) {
            self.feed
                .deliver_pending(&|changes| self.fill_records(changes));
        }
    }

    /// Gives each golden record change the customer's golden record as it
    /// is now (`None` for a customer no longer live).
    fn fill_records(&self, changes: &mut [ChangeEntry]) {
        let golden = |c: &Change| {
            matches!(
                c,
                Change::GoldenCreated { .. } | Change::GoldenUpdated { .. }
            )
        };
        if !changes.iter().any(|e| golden(&e.change)) {
            return;
        }
        let identity = self.identity_guard();
        for e in changes {
            if let Change::GoldenCreated { golden, record }
            | Change::GoldenUpdated { golden, record } = &mut e.change
            {
                *record = identity.registry.golden(*golden).map(Box::new);
            }
        }
    }

    /// Sets how long the change feed keeps changes (the default:
    /// [`FeedRetention::default`], the last 100,000 changes). Changes the
    /// new retention no longer keeps are dropped as soon as the next change
    /// is recorded (or, under an age limit, read). Snapshots keep the
    /// retention. Thread-safe.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] as [`FeedRetention::check`]; nothing changes.
    pub fn set_change_retention(&self, retention: FeedRetention) -> Result<()> {
        retention.check()?;
        let mut dropped = Dropped::new();
        {
            let mut inner = self.feed.lock();
            let had_age = inner.retention.max_age.is_some();
            inner.retention = retention;
            if retention.max_age.is_some() && !had_age {
                // Changes recorded without a clock count from now.
                let now = now_ms();
                let (first, next) = (
                    inner.chunks.front().map_or(inner.next, |c| c.first),
                    inner.next,
                );
                for seq in first..next {
                    if let Some(e) = inner.entry_mut(seq) {
                        e.recorded_ms = now;
                    }
                }
            }
            let now = inner.clock();
            inner.trim(now, &mut dropped);
        }
        drop(dropped);
        Ok(())
    }

    /// The change feed's retention.
    pub fn change_retention(&self) -> FeedRetention {
        self.feed.lock().retention
    }

    /// What the change feed holds now: its bounds, changes kept and an
    /// estimate of their bytes.
    pub fn feed_stats(&self) -> FeedStats {
        let inner = self.feed.lock();
        let mut memory = inner.chunks.len() * (std::mem::size_of::<Chunk>() + 16)
            + inner
                .chunks
                .iter()
                .map(|c| c.entries.capacity() * std::mem::size_of::<Entry>())
                .sum::<usize>();
        for seq in inner.oldest..inner.next {
            if let Some(e) = inner.entry(seq) {
                memory += e.change.heap_bytes();
            }
        }
        FeedStats {
            oldest_seq: inner.oldest,
            head_seq: inner.visible,
            retained: (inner.next - inner.oldest) as usize,
            memory_bytes: memory,
        }
    }

    /// Registers `f` to be given every change after `after_seq` (the ones
    /// the feed keeps first, at once, then each call's as it ends), replacing
    /// any callback registered before. Thread-safe.
    ///
    /// `f` gets whole calls, in sequence order, one delivery at a time,
    /// after the call that made them let go of every lock of the engine: it
    /// may call any method of the engine (changes it makes are given to it
    /// after it returns, not from inside). It runs on the thread of a call
    /// that made changes, or of another call already delivering; that call
    /// returns once `f` does. The feed keeps every change until `f` was
    /// given it, whatever the retention: a callback that blocks holds
    /// memory. A callback that panics is dropped (the call that delivered
    /// still succeeds). Once this returns, the callback it replaced is not
    /// running (unless this is called from inside it) and is not called
    /// again.
    ///
    /// # Errors
    ///
    /// As [`Engine::changes`] for `after_seq`; nothing changes.
    pub fn subscribe_changes(
        &self,
        after_seq: u64,
        f: impl Fn(&[ChangeEntry]) + Send + Sync + 'static,
    ) -> Result<()> {
        self.feed.subscribe(after_seq, Arc::new(f))?;
        self.deliver();
        Ok(())
    }

    /// Removes the change callback; whether there was one. Once this
    /// returns, it is not running (unless this is called from inside it) and
    /// is not called again.
    pub fn unsubscribe_changes(&self) -> bool {
        self.feed.unsubscribe()
    }
}

/// A number for the calling thread, unique among live threads: the address of a
/// thread-local byte. Unlike `std::thread::current()`, it allocates nothing: std
/// allocates a handle for a thread it did not start (a C host's main thread) and
/// never frees it, which valgrind reports as "possibly lost" in the host.
fn thread_token() -> usize {
    thread_local! {
        static TOKEN: u8 = const { 0 };
    }
    TOKEN.with(|t| t as *const u8 as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::changes::Change;

    fn removed(n: u64) -> Change {
        Change::CustomerRemoved {
            customer: CompactString::from(format!("c{n}")),
        }
    }

    #[test]
    fn a_chunk_a_snapshot_shares_is_copied_whole_before_it_grows() {
        let feed = Feed::new();
        for n in 0..3 {
            feed.single().one(removed(n));
        }
        let cut = feed.cut();
        for n in 3..2100 {
            feed.single().one(removed(n));
        }
        // The cut still sees its three; the feed every one, in order.
        assert_eq!(cut.entries().count(), 3);
        let page = feed.page(0, usize::MAX).unwrap();
        assert_eq!(page.changes.len(), 2100);
        for (i, e) in page.changes.iter().enumerate() {
            assert_eq!(e.seq, i as u64 + 1);
            assert_eq!(e.change, removed(i as u64));
        }
    }

    #[test]
    fn a_call_is_seen_when_it_ends_and_whole() {
        let feed = Feed::new();
        let mut call = feed.call();
        call.one(removed(0));
        feed.single().one(removed(1));
        call.one(removed(2));
        assert_eq!(
            feed.page(0, 10).unwrap().head_seq,
            0,
            "nothing before the call ends"
        );
        drop(call);
        let page = feed.page(0, 1).unwrap();
        assert_eq!(
            page.changes.len(),
            3,
            "the call's changes and the one between"
        );
        assert_eq!(page.changes[0].change, removed(0));
    }
}
