//! The change feed's values: what changed in an engine ([`Change`]), each
//! with its sequence number ([`ChangeEntry`]), read in pages
//! ([`ChangePage`]) and kept as long as [`FeedRetention`] says.
//!
//! These are plain values: the feed that records them is the engine's (see
//! [`Engine::changes`](crate::Engine::changes)).
//!
//! # What a host does with each change
//!
//! A host that keeps a copy of the engine (an ERP's customer tables, a
//! search index) applies the changes in sequence order, each page as one
//! transaction (a page holds whole calls, never part of one):
//!
//! | change | the host's copy |
//! |---|---|
//! | [`Change::CustomerCreated`] | a lifecycle state: the customer, in `stage` |
//! | [`Change::StageMoved`] | the customer's stage is `change.to` |
//! | [`Change::CustomerRecomputed`] | the customer's stage is `stage` (state rebuilt by a merge or unmerge; created if absent); read the customer's attributes and segments again |
//! | [`Change::CustomerRemoved`] | the customer has no lifecycle state any more (merged away, or nothing left to rebuild it from) |
//! | [`Change::AttributesChanged`] | the customer's host attributes named in `attributes` are to be read again (set or removed; the values are the customer's, not the feed's) |
//! | [`Change::SegmentsChanged`] | the customer is in the segments of `entered` (since `at`) and no longer in those of `left` |
//! | [`Change::TriggerFired`] | an action to take (not state) |
//! | [`Change::GoldenCreated`], [`Change::GoldenUpdated`] | the golden record of `golden` is `record` (read with the change, so perhaps already newer; `None` when the customer is no longer live: a later change, a merge or an erasure, says so) |
//! | [`Change::GoldenMerged`] | every source of `retired` now belongs to `survivor`; `retired` has no golden record any more |
//! | [`Change::GoldenUnmerged`] | `source` now belongs to `to` |
//! | [`Change::SourceAdded`], [`Change::SourceRemoved`] | the cross-reference gains or loses `source` |
//! | [`Change::Erased`] | everything about `customers` and `sources` goes: golden records, cross-references, lifecycle states |
//! | [`Change::LinkAdded`], [`Change::LinkRemoved`] | a hierarchy link |
//! | [`Change::ReviewOpened`], [`Change::ReviewClosed`] | the review of `source` is open with `candidates` (replacing any earlier version), or closed |
//! | [`Change::Redacted`] | nothing: a snapshot emptied it, as it named a record or customer erased since by a host's id (the erasure follows) |

use std::time::Duration;

use compact_str::CompactString;

use crate::consolidation::golden::{GoldenRecord, SourceKey};
use crate::consolidation::hierarchy::Link;
use crate::consolidation::registry::GoldenId;
use crate::error::{Error, Result};
use crate::lifecycle::{AttributeSet, Evidence, StageChange, StageId};
use crate::model::time::Timestamp;
use crate::retention::Firing;

/// One change in an engine, as its change feed records it.
///
/// Every change names the customers, golden ids or source records it is
/// about; the payloads (evidence, firings, golden records) are what a host
/// needs to apply it without asking the engine again. The JSON of each change
/// and what it means to a host's copy are in [`crate::json::changes`].
///
/// Golden records are not kept on the feed (they would hold a copy of every
/// record the customer had): each golden record change gets the customer's
/// golden record as it is when the change is read.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Change {
    /// A customer's lifecycle state came into being: by their first event
    /// (entering the model's initial stage at the event's time; a move the
    /// same event made follows as [`Change::StageMoved`]) or by an import.
    CustomerCreated {
        /// The customer.
        customer: CompactString,
        /// The stage they start in.
        stage: StageId,
        /// When they entered it.
        at: Timestamp,
    },
    /// A rule moved a customer to another stage (an event's rule, or a time
    /// rule on a tick).
    StageMoved {
        /// The customer.
        customer: CompactString,
        /// The move: stages, time, rule and cause.
        change: StageChange,
        /// The id of the event behind the move, if it had one.
        event_id: Option<CompactString>,
        /// The comparisons of the rule's condition with the customer's values
        /// (empty once redacted).
        evidence: EvidenceList,
    },
    /// A customer's lifecycle state was rebuilt from their events and
    /// imported states, by a merge or an unmerge; created if they had none.
    CustomerRecomputed {
        /// The customer.
        customer: CompactString,
        /// Their stage now.
        stage: StageId,
    },
    /// A customer's host attributes changed, by an event or by
    /// [`Engine::set_attributes`](crate::Engine::set_attributes): the
    /// attributes set or removed. Their values are not on the feed (they may
    /// be personal data): they are the customer's.
    AttributesChanged {
        /// The customer.
        customer: CompactString,
        /// The attributes set or removed.
        attributes: AttributeSet,
        /// When: the event's time, or the customer's watermark for a call.
        at: Timestamp,
    },
    /// A customer entered or left segments: on an event, a call setting
    /// attributes, a tick that moved them or
    /// [`Engine::refresh_segments`](crate::Engine::refresh_segments).
    SegmentsChanged {
        /// The customer.
        customer: CompactString,
        /// Bit `i` set when they entered segment `i` (at `at`).
        entered: u64,
        /// Bit `i` set when they left segment `i`.
        left: u64,
        /// When.
        at: Timestamp,
    },
    /// A customer's lifecycle state went without an erasure: merged into
    /// another customer, or rebuilt from nothing (an unmerge left them no
    /// event).
    CustomerRemoved {
        /// The customer.
        customer: CompactString,
    },
    /// A retention trigger fired for a customer.
    TriggerFired {
        /// The customer.
        customer: CompactString,
        /// What fired, with its evidence (emptied once redacted).
        firing: Box<Firing>,
    },
    /// A golden customer came into being (a new record, or an unmerge).
    GoldenCreated {
        /// Its id.
        golden: GoldenId,
        /// Its golden record as it is when the change is read; `None` when
        /// the customer is no longer live (merged away or erased since).
        record: Option<Box<GoldenRecord>>,
    },
    /// A golden customer's record changed (a record joined, left, or was
    /// updated).
    GoldenUpdated {
        /// Its id.
        golden: GoldenId,
        /// Its golden record as it is when the change is read; `None` when
        /// the customer is no longer live.
        record: Option<Box<GoldenRecord>>,
    },
    /// Two golden customers were merged: `retired` resolves to `survivor`
    /// from now on, and its source records belong to `survivor`.
    GoldenMerged {
        /// The id that stays.
        survivor: GoldenId,
        /// The id retired.
        retired: GoldenId,
    },
    /// A source record left its golden customer for one of its own.
    GoldenUnmerged {
        /// The record.
        source: SourceKey,
        /// The customer it left.
        from: GoldenId,
        /// The customer it belongs to now.
        to: GoldenId,
    },
    /// Customers were erased (the right to be forgotten, or their last record
    /// removed), with every source record that belonged to them. Ids only:
    /// nothing of what was erased.
    Erased {
        /// The erased customers: a golden id first, then the ids merged into
        /// it; or a customer that is not a golden id.
        customers: Vec<String>,
        /// The source records erased with them, sorted (empty once written
        /// in a snapshot: see [`Change::Redacted`]).
        sources: Vec<SourceKey>,
    },
    /// A source record joined a golden customer (a new record).
    SourceAdded {
        /// The record.
        source: SourceKey,
        /// The customer it belongs to.
        golden: GoldenId,
    },
    /// A source record was removed (its system deleted it) from a customer
    /// that keeps other records.
    SourceRemoved {
        /// The record.
        source: SourceKey,
        /// The customer it was in.
        golden: GoldenId,
    },
    /// A hierarchy link was made (by a call, or moved to a survivor by a
    /// merge).
    LinkAdded(Link),
    /// A hierarchy link went (unlinked, moved by a merge, or erased).
    LinkRemoved(Link),
    /// A record waits for a data steward, or its candidates changed: the
    /// review as it is now.
    ReviewOpened {
        /// The record.
        source: SourceKey,
        /// The customers it may be, best first: id, probability and the
        /// member that matched best.
        candidates: Vec<(GoldenId, f64, SourceKey)>,
    },
    /// A record's review is closed (dismissed, settled by a merge, or its
    /// record or last candidate went).
    ReviewClosed {
        /// The record.
        source: SourceKey,
    },
    /// A change as a snapshot writes it when it names a source record, or a
    /// customer by a host's own id (not a golden id), erased since: those
    /// ids may be personal data (an email used as an id), so no snapshot
    /// holds them. Readers of the engine that recorded it get the change
    /// whole while the feed keeps it; a restored engine has this in its
    /// place. Only the type and number are left (an erasure of golden
    /// customers keeps its golden ids, without its sources).
    Redacted {
        /// The type the change had ([`Change::type_name`]).
        was: &'static str,
    },
}

impl Change {
    /// The change's type as the JSON shows it: `customer_created`,
    /// `stage_moved`, `customer_recomputed`, `customer_removed`,
    /// `attributes_changed`, `segments_changed`, `trigger_fired`, `golden_created`, `golden_updated`, `golden_merged`,
    /// `golden_unmerged`, `erased`, `source_added`, `source_removed`,
    /// `link_added`, `link_removed`, `review_opened`, `review_closed` or
    /// `redacted`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Change::CustomerCreated { .. } => "customer_created",
            Change::StageMoved { .. } => "stage_moved",
            Change::CustomerRecomputed { .. } => "customer_recomputed",
            Change::CustomerRemoved { .. } => "customer_removed",
            Change::AttributesChanged { .. } => "attributes_changed",
            Change::SegmentsChanged { .. } => "segments_changed",
            Change::TriggerFired { .. } => "trigger_fired",
            Change::GoldenCreated { .. } => "golden_created",
            Change::GoldenUpdated { .. } => "golden_updated",
            Change::GoldenMerged { .. } => "golden_merged",
            Change::GoldenUnmerged { .. } => "golden_unmerged",
            Change::Erased { .. } => "erased",
            Change::SourceAdded { .. } => "source_added",
            Change::SourceRemoved { .. } => "source_removed",
            Change::LinkAdded(_) => "link_added",
            Change::LinkRemoved(_) => "link_removed",
            Change::ReviewOpened { .. } => "review_opened",
            Change::ReviewClosed { .. } => "review_closed",
            Change::Redacted { .. } => "redacted",
        }
    }

    /// The customer a lifecycle change (creation, move, recomputation,
    /// removal, attributes, segments, firing) is about.
    pub fn customer(&self) -> Option<&str> {
        match self {
            Change::CustomerCreated { customer, .. }
            | Change::StageMoved { customer, .. }
            | Change::CustomerRecomputed { customer, .. }
            | Change::CustomerRemoved { customer }
            | Change::AttributesChanged { customer, .. }
            | Change::SegmentsChanged { customer, .. }
            | Change::TriggerFired { customer, .. } => Some(customer),
            _ => None,
        }
    }

    /// The source records a change names.
    fn source_keys(&self) -> impl Iterator<Item = &SourceKey> {
        let (one, many): (Option<&SourceKey>, &[(GoldenId, f64, SourceKey)]) = match self {
            Change::GoldenUnmerged { source, .. }
            | Change::SourceAdded { source, .. }
            | Change::SourceRemoved { source, .. }
            | Change::ReviewClosed { source } => (Some(source), &[]),
            Change::ReviewOpened { source, candidates } => (Some(source), candidates),
            _ => (None, &[]),
        };
        one.into_iter().chain(many.iter().map(|(_, _, s)| s))
    }

    /// Whether the change names customer `id` (as the customer of a
    /// lifecycle change, in a link, or erased).
    fn names(&self, id: &str) -> bool {
        match self {
            Change::LinkAdded(link) | Change::LinkRemoved(link) => {
                link.parent == id || link.child == id
            }
            Change::Erased { customers, .. } => customers.iter().any(|c| c == id),
            other => other.customer() == Some(id),
        }
    }

    /// Whether the change names a source record or a host's customer id
    /// that `erasure` erases (then snapshots write it emptied).
    pub(crate) fn names_erased(&self, erasure: &Erasure<'_>) -> bool {
        self.source_keys().any(|k| erasure.keys.contains(k))
            || erasure.hosts.iter().any(|h| self.names(h))
    }

    /// The change as a snapshot writes it once it names erased ids of a
    /// host's ([`Change::Redacted`]): an erasure keeps its golden ids.
    pub(crate) fn emptied(&self) -> Change {
        match self {
            Change::Erased { customers, .. } => {
                let golden: Vec<String> = customers
                    .iter()
                    .filter(|c| c.starts_with('G') && c.parse::<GoldenId>().is_ok())
                    .cloned()
                    .collect();
                if golden.is_empty() {
                    Change::Redacted { was: "erased" }
                } else {
                    Change::Erased {
                        customers: golden,
                        sources: Vec::new(),
                    }
                }
            }
            other => Change::Redacted {
                was: other.type_name(),
            },
        }
    }

    /// Whether [`Change::redact`] would strip anything.
    pub(crate) fn redacts(&self, erasure: &Erasure<'_>) -> bool {
        let named = |c: &str| erasure.customers.iter().any(|x| x == c);
        match self {
            Change::StageMoved {
                customer,
                evidence,
                event_id,
                ..
            } => named(customer) && (!evidence.is_empty() || event_id.is_some()),
            Change::TriggerFired { customer, firing } => {
                named(customer) && (!firing.evidence.is_empty() || firing.churn_risk.is_some())
            }
            _ => false,
        }
    }

    /// Every change type's name, as [`Change::type_name`] gives it.
    pub const TYPES: [&'static str; 19] = [
        "customer_created",
        "stage_moved",
        "customer_recomputed",
        "customer_removed",
        "attributes_changed",
        "segments_changed",
        "trigger_fired",
        "golden_created",
        "golden_updated",
        "golden_merged",
        "golden_unmerged",
        "erased",
        "source_added",
        "source_removed",
        "link_added",
        "link_removed",
        "review_opened",
        "review_closed",
        "redacted",
    ];

    /// Strips what an erasure takes from a change: the evidence, event ids
    /// and firing details of its customers. Ids stay. Whether anything was
    /// stripped.
    pub(crate) fn redact(&mut self, erasure: &Erasure<'_>) -> bool {
        if !self.redacts(erasure) {
            return false;
        }
        match self {
            Change::StageMoved {
                evidence, event_id, ..
            } => {
                *evidence = EvidenceList::default();
                *event_id = None;
            }
            Change::TriggerFired { firing, .. } => {
                firing.evidence = Vec::new();
                firing.churn_risk = None;
            }
            _ => {}
        }
        true
    }

    /// Bytes this change holds on the heap (an estimate, for
    /// [`FeedStats::memory_bytes`]).
    pub(crate) fn heap_bytes(&self) -> usize {
        let id = |s: &CompactString| if s.is_heap_allocated() { s.len() } else { 0 };
        let key = |k: &SourceKey| id(&k.system) + id(&k.id);
        match self {
            Change::CustomerCreated { customer, .. }
            | Change::CustomerRecomputed { customer, .. }
            | Change::CustomerRemoved { customer }
            | Change::AttributesChanged { customer, .. }
            | Change::SegmentsChanged { customer, .. } => id(customer),
            Change::StageMoved {
                customer,
                event_id,
                evidence,
                ..
            } => id(customer) + event_id.as_ref().map_or(0, id) + evidence.heap_bytes(),
            Change::TriggerFired { customer, firing } => {
                id(customer)
                    + std::mem::size_of::<Firing>()
                    + firing.rule.capacity()
                    + firing.evidence.capacity()
                        * std::mem::size_of::<crate::retention::SignalEvidence>()
            }
            Change::GoldenCreated { .. }
            | Change::GoldenUpdated { .. }
            | Change::GoldenMerged { .. } => 0,
            Change::GoldenUnmerged { source, .. }
            | Change::SourceAdded { source, .. }
            | Change::SourceRemoved { source, .. }
            | Change::ReviewClosed { source } => key(source),
            Change::Erased { customers, sources } => {
                customers.iter().map(|c| c.capacity() + 24).sum::<usize>()
                    + sources
                        .iter()
                        .map(|s| key(s) + std::mem::size_of::<SourceKey>())
                        .sum::<usize>()
            }
            Change::Redacted { .. } => 0,
            Change::LinkAdded(link) | Change::LinkRemoved(link) => {
                link.parent.capacity() + link.child.capacity()
            }
            Change::ReviewOpened { source, candidates } => {
                key(source)
                    + candidates
                        .iter()
                        .map(|(_, _, s)| key(s) + std::mem::size_of::<(GoldenId, f64, SourceKey)>())
                        .sum::<usize>()
            }
        }
    }
}

/// The comparisons behind a move ([`Change::StageMoved`]): a list of
/// [`Evidence`] kept inline up to two (most rules compare one or two
/// values), so that recording a move allocates nothing. Read it as a slice.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EvidenceList(smallvec::SmallVec<[Evidence; 2]>);

impl EvidenceList {
    /// The comparisons, in the rule's order.
    pub fn as_slice(&self) -> &[Evidence] {
        &self.0
    }

    fn heap_bytes(&self) -> usize {
        if self.0.spilled() {
            self.0.capacity() * std::mem::size_of::<Evidence>()
        } else {
            0
        }
    }
}

impl std::ops::Deref for EvidenceList {
    type Target = [Evidence];

    fn deref(&self) -> &[Evidence] {
        &self.0
    }
}

impl From<&[Evidence]> for EvidenceList {
    #[inline]
    fn from(evidence: &[Evidence]) -> EvidenceList {
        EvidenceList(smallvec::SmallVec::from_slice(evidence))
    }
}

impl From<Vec<Evidence>> for EvidenceList {
    fn from(evidence: Vec<Evidence>) -> EvidenceList {
        EvidenceList(smallvec::SmallVec::from_vec(evidence))
    }
}

/// What an erasure takes from the changes kept ([`Change::redact`],
/// [`Change::names_erased`]).
pub(crate) struct Erasure<'a> {
    /// Customers whose evidence, event ids and firing details go.
    pub(crate) customers: &'a [String],
    /// Source records erased: a change naming one is written emptied in
    /// snapshots.
    pub(crate) keys: &'a [SourceKey],
    /// Customer ids a host gave (not golden ids) erased: a change naming one
    /// is written emptied in snapshots.
    pub(crate) hosts: &'a [String],
}

/// A change with its place in the feed.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeEntry {
    /// Its sequence number: 1 for an engine's first change, one more for each
    /// change after. Numbers only grow, and a snapshot keeps them: a restored
    /// engine goes on from where the snapshot was taken.
    pub seq: u64,
    /// What changed.
    pub change: Change,
    /// Whether an erasure stripped personal data from this change after it
    /// was recorded: its evidence and event id, its firing's details, or
    /// (in a restored engine, [`Change::Redacted`]) the change. Golden ids
    /// stay.
    pub redacted: bool,
}

/// Changes read from the feed ([`Engine::changes`](crate::Engine::changes)).
#[derive(Clone, Debug, PartialEq)]
pub struct ChangePage {
    /// The changes, in sequence order: whole calls only (the changes of one
    /// call are all in the page or none are).
    pub changes: Vec<ChangeEntry>,
    /// The sequence number to read after next time: the last change in the
    /// page, or the one asked after when the page is empty.
    pub last_seq: u64,
    /// The oldest change the feed still holds (one past the newest when it
    /// holds none).
    pub oldest_seq: u64,
    /// The newest change a reader can see now.
    pub head_seq: u64,
}

impl ChangePage {
    /// Whether changes newer than the page are waiting.
    pub fn more(&self) -> bool {
        self.last_seq < self.head_seq
    }
}

/// How long the change feed keeps changes for readers that poll
/// ([`Engine::set_change_retention`](crate::Engine::set_change_retention)).
///
/// A change is dropped once `max_changes` newer ones exist, or once it is
/// older than `max_age`; but never before every reader could see it (the
/// changes of a call still running are kept) nor before a registered
/// callback was given it. Reading after a dropped change is
/// [`Error::ChangesDropped`], naming the oldest change kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeedRetention {
    /// How many changes are kept at most (the default, 100,000, holds about
    /// 17 MB: a change takes about 170 bytes, a trigger's firing or a
    /// review's candidates a little more). 0 keeps none: only a callback sees
    /// changes.
    pub max_changes: usize,
    /// How long a change is kept, counted on the wall clock from when it
    /// was recorded (or, for changes restored from a snapshot, from the
    /// restore; for changes recorded before an age was set, from when it was
    /// set). `None` (the default): no age limit.
    pub max_age: Option<Duration>,
}

impl FeedRetention {
    /// The most changes a retention may keep: 100 million.
    pub const MAX_CHANGES: usize = 100_000_000;
}

impl Default for FeedRetention {
    fn default() -> FeedRetention {
        FeedRetention {
            max_changes: 100_000,
            max_age: None,
        }
    }
}

impl FeedRetention {
    /// Checks the bounds: `max_changes` at most [`FeedRetention::MAX_CHANGES`],
    /// `max_age` at least one millisecond.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming `max_changes` or `max_age`.
    pub fn check(&self) -> Result<()> {
        if self.max_changes > FeedRetention::MAX_CHANGES {
            return Err(Error::config(
                "max_changes",
                format!(
                    "{} is above the most a feed keeps, {}",
                    self.max_changes,
                    FeedRetention::MAX_CHANGES
                ),
            ));
        }
        if let Some(age) = self.max_age {
            if age < Duration::from_millis(1) {
                return Err(Error::config(
                    "max_age",
                    "must be at least one millisecond (leave it out for no age limit)",
                ));
            }
        }
        Ok(())
    }
}

/// What the feed holds now ([`Engine::feed_stats`](crate::Engine::feed_stats)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeedStats {
    /// The oldest change kept (one past `head_seq` when none is).
    pub oldest_seq: u64,
    /// The newest change readers can see (0 before the first).
    pub head_seq: u64,
    /// Changes kept.
    pub retained: usize,
    /// An estimate of the bytes they use.
    pub memory_bytes: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(n: u64) -> GoldenId {
        format!("G{n}").parse().unwrap()
    }

    #[test]
    fn redaction_keeps_ids_and_strips_data() {
        let key = SourceKey::new("crm", "1").unwrap();
        let keys = [key.clone()];
        let ana = vec!["ana".to_string()];
        let moved = |customer: &str| Change::StageMoved {
            customer: customer.into(),
            change: StageChange {
                from: StageId(0),
                to: StageId(1),
                at: Timestamp::from_millis(0, "t").unwrap(),
                rule: crate::lifecycle::RuleId(0),
                cause: crate::lifecycle::Cause::TICK,
            },
            event_id: Some("e-1".into()),
            evidence: EvidenceList::default(),
        };
        fn of(customers: &[String]) -> Erasure<'_> {
            Erasure {
                customers,
                keys: &[],
                hosts: &[],
            }
        }
        // Another customer: nothing to strip.
        let mut other = moved("luis");
        assert!(!other.redact(&of(&ana)));
        // The event id goes, the ids stay.
        let mut mine = moved("ana");
        assert!(mine.redact(&of(&ana)));
        assert!(
            matches!(&mine, Change::StageMoved { customer, event_id: None, .. } if customer == "ana")
        );
        assert!(!mine.redact(&of(&ana)), "nothing left to strip");
        // Golden ids only: nothing to strip.
        let mut merged = Change::GoldenMerged {
            survivor: g(3),
            retired: g(9),
        };
        let both = vec!["G3".to_string(), "G9".to_string()];
        let erasure = Erasure {
            customers: &both,
            keys: &keys,
            hosts: &[],
        };
        assert!(!merged.redact(&erasure));
        // A change naming an erased key or a host's customer id is kept
        // whole, and written emptied in snapshots.
        let added = Change::SourceAdded {
            source: key.clone(),
            golden: g(3),
        };
        assert!(added.names_erased(&erasure));
        assert_eq!(
            added.emptied(),
            Change::Redacted {
                was: "source_added"
            }
        );
        let host = Erasure {
            customers: &ana,
            keys: &[],
            hosts: &ana,
        };
        assert!(moved("ana").names_erased(&host));
        assert!(!moved("luis").names_erased(&host));
        let erased = Change::Erased {
            customers: vec!["G3".into(), "G9".into()],
            sources: keys.to_vec(),
        };
        assert_eq!(
            erased.emptied(),
            Change::Erased {
                customers: both.clone(),
                sources: Vec::new()
            }
        );
        let plain = Change::Erased {
            customers: ana.clone(),
            sources: Vec::new(),
        };
        assert_eq!(plain.emptied(), Change::Redacted { was: "erased" });
    }

    #[test]
    fn retention_bounds() {
        assert!(FeedRetention::default().check().is_ok());
        let too_many = FeedRetention {
            max_changes: FeedRetention::MAX_CHANGES + 1,
            max_age: None,
        };
        assert!(
            matches!(too_many.check(), Err(Error::Config { field, .. }) if field == "max_changes")
        );
        let too_young = FeedRetention {
            max_changes: 1,
            max_age: Some(Duration::from_micros(10)),
        };
        assert!(
            matches!(too_young.check(), Err(Error::Config { field, .. }) if field == "max_age")
        );
    }
}
