//! JSON shapes of the change feed: pages of changes, each change, and the
//! feed's retention.
//!
//! A page (`ciclo_engine_changes_json`, [`page_to_json`]):
//!
//! ```json
//! {"changes": [
//!    {"seq": 1, "type": "customer_created", "customer": "c-1", "stage": "awareness",
//!     "at": "2026-03-01T10:00:00Z"},
//!    {"seq": 2, "type": "stage_moved", "customer": "c-1", "from": "awareness",
//!     "to": "conversion", "at": "2026-03-01T10:00:00Z", "rule": "first_purchase",
//!     "reason": "...", "cause": "purchase", "event_id": null,
//!     "evidence": [{"metric": "event.amount", "op": ">", "threshold": 0.0, "actual": 125000.0}]}],
//!  "last_seq": 2, "oldest_seq": 1, "head_seq": 2, "more": false}
//! ```
//!
//! Every change has `seq` and `type` (written first), the fields of its type,
//! and `"redacted": true` when an erasure stripped its data since (written
//! last; `include/schema/changes.schema.json` is the shape). By type:
//!
//! | `type` | fields |
//! |---|---|
//! | `customer_created` | `customer`, `stage`, `at` |
//! | `stage_moved` | `customer`, `from`, `to`, `at`, `rule`, `reason`, `cause` (event kind or `tick`), `event_id`, `evidence` (`[{"metric", "op", "threshold", "actual", "currency"?}]`) |
//! | `customer_recomputed` | `customer`, `stage` |
//! | `customer_removed` | `customer` |
//! | `trigger_fired` | `customer`, `rule`, `action`, `priority`, `at`, `churn_risk`, `evidence` (`[{"signal", "op", "threshold", "actual", "currency"?}]`) |
//! | `golden_created`, `golden_updated` | `golden_id`, `record` (as `ciclo_engine_golden_json` gives it, read with the change: perhaps already newer; `null` when the customer is no longer live) |
//! | `golden_merged` | `survivor`, `retired` |
//! | `golden_unmerged` | `source` (`{"system", "id"}`), `from`, `to` |
//! | `erased` | `customers` (ids: a golden id and the ids merged into it, or a customer that is not a golden id), `sources` (`[{"system", "id"}]`, the records erased with them) |
//! | `source_added`, `source_removed` | `source`, `golden_id` |
//! | `link_added`, `link_removed` | `kind`, `parent`, `child` |
//! | `review_opened` | `source`, `candidates` (`[{"golden_id", "probability", "source"}]`) |
//! | `review_closed` | `source` |
//! | `redacted` | `was` (the type it had): in a restored engine, a change that named a source record or a host's customer id erased since, emptied by the snapshot |
//!
//! Retention (`ciclo_engine_set_change_retention_json`,
//! [`retention_from_json`]): `{"max_changes": 100000, "max_age_ms": null}`,
//! each key optional (a missing one takes its default).

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use super::read;
use crate::consolidation::golden::{GoldenRecord, SourceKey};
use crate::consolidation::hierarchy::{HierarchyKind, Link};
use crate::consolidation::registry::GoldenId;
use crate::engine::{Change, ChangeEntry, ChangePage, FeedRetention};
use crate::error::{Error, Result};
use crate::lifecycle::{Cause, Evidence, Metric, Op, StageChange, StageModel};
use crate::model::time::Timestamp;
use crate::model::Currency;
use crate::retention::{Action, Firing, Signal, SignalEvidence};

/// A change written as JSON, in its place in the feed.
pub(crate) struct ChangeOut<'a> {
    pub(crate) model: &'a StageModel,
    pub(crate) seq: u64,
    pub(crate) change: &'a Change,
    pub(crate) redacted: bool,
    /// The last number of the change's call, written only when it is not the
    /// change's own (snapshots keep it; hosts get whole calls per page).
    pub(crate) call_end: Option<u64>,
}

type Key<'a> = super::Sorted<&'a SourceKey>;

/// One change of the feed: its number, its type and the type's fields.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct ChangeEntryJson<'a> {
    /// The change's number: numbers only grow, from 1, and survive snapshots.
    seq: u64,
    #[serde(flatten)]
    change: ChangeJson<'a>,
    /// The last number of the change's call, when it is not the change's
    /// own; written in snapshots only.
    #[serde(skip_serializing_if = "Option::is_none")]
    call_end: Option<u64>,
    /// `true` once an erasure stripped the change's data (its evidence, its
    /// event id); absent otherwise.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    redacted: bool,
}

/// What changed, by `type`.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum ChangeJson<'a> {
    /// A customer's lifecycle state came into being: by their first event
    /// (a move the same event made follows as `stage_moved`) or by an import.
    CustomerCreated {
        /// The customer.
        customer: &'a str,
        /// The stage they start in.
        stage: &'a str,
        /// When they entered it.
        at: Timestamp,
    },
    /// A rule moved a customer to another stage (an event's rule, or a time
    /// rule on a tick).
    StageMoved {
        /// The customer.
        customer: &'a str,
        /// The stage left.
        from: &'a str,
        /// The stage entered.
        to: &'a str,
        /// When.
        at: Timestamp,
        /// The rule that fired.
        rule: &'a str,
        /// The rule's description.
        reason: &'a str,
        /// The event kind behind the move, or `tick`.
        cause: &'a str,
        /// The id of the event behind the move, `null` without one.
        event_id: Option<&'a str>,
        /// The comparisons that made the rule's condition hold (empty once
        /// redacted).
        evidence: Vec<super::EvidenceJson<'a>>,
    },
    /// A customer's lifecycle state was rebuilt from their events and
    /// imported states, by a merge or an unmerge; created if they had none.
    CustomerRecomputed {
        /// The customer.
        customer: &'a str,
        /// Their stage now.
        stage: &'a str,
    },
    /// A customer's lifecycle state went without an erasure (merged into
    /// another customer, or left without events by an unmerge).
    CustomerRemoved {
        /// The customer.
        customer: &'a str,
    },
    /// A customer's host attributes changed (by an event or a call): their
    /// names; the values are the customer's (read it), not the feed's.
    AttributesChanged {
        /// The customer.
        customer: &'a str,
        /// The attributes set or removed, in the model's order.
        attributes: Vec<&'a str>,
        /// When: the event's time, or the customer's latest for a call.
        at: Timestamp,
    },
    /// A customer entered or left segments (an event, a call setting
    /// attributes, a tick that moved them, a refresh).
    SegmentsChanged {
        /// The customer.
        customer: &'a str,
        /// The segments entered (at `at`), in the model's order.
        entered: Vec<&'a str>,
        /// The segments left, in the model's order.
        left: Vec<&'a str>,
        /// When.
        at: Timestamp,
    },
    /// A retention trigger fired for a customer.
    TriggerFired {
        /// The customer.
        customer: &'a str,
        /// The rule.
        rule: &'a str,
        /// The rule's action.
        #[cfg_attr(feature = "schema", schemars(with = "Action"))]
        action: &'a str,
        /// The rule's priority.
        priority: i32,
        /// When it fired.
        at: Timestamp,
        /// The customer's churn risk, `null` without a value.
        churn_risk: Option<f64>,
        /// The comparisons that made the rule hold (empty once redacted).
        evidence: &'a [SignalEvidence],
    },
    /// A golden customer came into being (a new record, or an unmerge).
    GoldenCreated {
        /// Its id.
        golden_id: GoldenId,
        /// Its golden record, as `ciclo_engine_golden_json` gives it, read
        /// with the change (perhaps already newer); `null` when the customer
        /// is no longer live.
        record: Option<super::Sorted<super::consolidation::GoldenJson<'a>>>,
    },
    /// A golden customer's record changed (a record joined, left, or was
    /// updated).
    GoldenUpdated {
        /// Its id.
        golden_id: GoldenId,
        /// Its golden record, read with the change (perhaps already newer);
        /// `null` when the customer is no longer live.
        record: Option<super::Sorted<super::consolidation::GoldenJson<'a>>>,
    },
    /// Two golden customers were merged: `retired` resolves to `survivor`
    /// from now on.
    GoldenMerged {
        /// The id that stays.
        survivor: GoldenId,
        /// The id retired.
        retired: GoldenId,
    },
    /// A source record left its golden customer for one of its own.
    GoldenUnmerged {
        /// The record.
        source: Key<'a>,
        /// The customer it left.
        from: GoldenId,
        /// The customer it belongs to now.
        to: GoldenId,
    },
    /// Customers were erased. Ids only: nothing of what was erased.
    Erased {
        /// The erased customers: a golden id first, then the ids merged into
        /// it; or a customer that is not a golden id.
        customers: &'a [String],
        /// The source records erased with them, sorted.
        sources: Vec<Key<'a>>,
    },
    /// A source record joined a golden customer.
    SourceAdded {
        /// The record.
        source: Key<'a>,
        /// The customer it belongs to.
        golden_id: GoldenId,
    },
    /// A source record was removed from a customer that keeps other records.
    SourceRemoved {
        /// The record.
        source: Key<'a>,
        /// The customer it was in.
        golden_id: GoldenId,
    },
    /// A hierarchy link was made.
    LinkAdded {
        /// The hierarchy.
        kind: &'a str,
        /// The customer above.
        parent: &'a str,
        /// The customer below.
        child: &'a str,
    },
    /// A hierarchy link went.
    LinkRemoved {
        /// The hierarchy.
        kind: &'a str,
        /// The customer above.
        parent: &'a str,
        /// The customer below.
        child: &'a str,
    },
    /// A record waits for a data steward, or its candidates changed.
    ReviewOpened {
        /// The record.
        source: Key<'a>,
        /// The customers it may be, best first.
        candidates: Vec<super::Sorted<super::consolidation::ReviewCandidateJson<'a>>>,
    },
    /// A record's review is closed.
    ReviewClosed {
        /// The record.
        source: Key<'a>,
    },
    /// In a restored engine, a change that named a source record or a host's
    /// customer id erased since, emptied by the snapshot.
    Redacted {
        /// The type the change had (`source_added`, `customer_created`...).
        was: &'a str,
    },
}

impl<'a> ChangeJson<'a> {
    /// The wire form of `change`, its names resolved in `model`.
    fn new(model: &'a StageModel, change: &'a Change) -> ChangeJson<'a> {
        use super::Sorted;
        let golden = |golden: &'a GoldenId, record: &'a Option<Box<GoldenRecord>>| {
            record.as_deref().map(|r| {
                Sorted(super::consolidation::GoldenJson::new(
                    &golden.to_string(),
                    r,
                ))
            })
        };
        match change {
            Change::CustomerCreated {
                customer,
                stage,
                at,
            } => ChangeJson::CustomerCreated {
                customer,
                stage: model.stage_name(*stage),
                at: *at,
            },
            Change::StageMoved {
                customer,
                change,
                event_id,
                evidence,
            } => {
                let rule = model.rule(change.rule);
                ChangeJson::StageMoved {
                    customer,
                    from: model.stage_name(change.from),
                    to: model.stage_name(change.to),
                    at: change.at,
                    rule: rule.name.as_str(),
                    reason: rule.description.as_str(),
                    cause: change.cause.name(model),
                    event_id: event_id.as_deref(),
                    evidence: evidence.iter().map(super::EvidenceJson::new).collect(),
                }
            }
            Change::CustomerRecomputed { customer, stage } => ChangeJson::CustomerRecomputed {
                customer,
                stage: model.stage_name(*stage),
            },
            Change::CustomerRemoved { customer } => ChangeJson::CustomerRemoved { customer },
            Change::AttributesChanged {
                customer,
                attributes,
                at,
            } => ChangeJson::AttributesChanged {
                customer,
                attributes: attributes
                    .iter()
                    .map(|id| model.attributes().decl(id).name.as_str())
                    .collect(),
                at: *at,
            },
            Change::SegmentsChanged {
                customer,
                entered,
                left,
                at,
            } => {
                let names = |bits: u64| -> Vec<&'a str> {
                    model
                        .segments()
                        .list()
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| bits & (1u64 << i) != 0)
                        .map(|(_, s)| s.name.as_str())
                        .collect()
                };
                ChangeJson::SegmentsChanged {
                    customer,
                    entered: names(*entered),
                    left: names(*left),
                    at: *at,
                }
            }
            Change::TriggerFired { customer, firing } => ChangeJson::TriggerFired {
                customer,
                rule: &firing.rule,
                action: firing.action.name(),
                priority: firing.priority,
                at: firing.at,
                churn_risk: firing.churn_risk,
                evidence: &firing.evidence,
            },
            Change::GoldenCreated { golden: id, record } => ChangeJson::GoldenCreated {
                golden_id: *id,
                record: golden(id, record),
            },
            Change::GoldenUpdated { golden: id, record } => ChangeJson::GoldenUpdated {
                golden_id: *id,
                record: golden(id, record),
            },
            Change::GoldenMerged { survivor, retired } => ChangeJson::GoldenMerged {
                survivor: *survivor,
                retired: *retired,
            },
            Change::GoldenUnmerged { source, from, to } => ChangeJson::GoldenUnmerged {
                source: Sorted(source),
                from: *from,
                to: *to,
            },
            Change::Erased { customers, sources } => ChangeJson::Erased {
                customers,
                sources: sources.iter().map(Sorted).collect(),
            },
            Change::SourceAdded { source, golden } => ChangeJson::SourceAdded {
                source: Sorted(source),
                golden_id: *golden,
            },
            Change::SourceRemoved { source, golden } => ChangeJson::SourceRemoved {
                source: Sorted(source),
                golden_id: *golden,
            },
            Change::LinkAdded(link) => ChangeJson::LinkAdded {
                kind: link.kind.as_str(),
                parent: &link.parent,
                child: &link.child,
            },
            Change::LinkRemoved(link) => ChangeJson::LinkRemoved {
                kind: link.kind.as_str(),
                parent: &link.parent,
                child: &link.child,
            },
            Change::ReviewOpened { source, candidates } => ChangeJson::ReviewOpened {
                source: Sorted(source),
                candidates: candidates
                    .iter()
                    .map(|c| Sorted(super::consolidation::ReviewCandidateJson::new(c)))
                    .collect(),
            },
            Change::ReviewClosed { source } => ChangeJson::ReviewClosed {
                source: Sorted(source),
            },
            Change::Redacted { was } => ChangeJson::Redacted { was },
        }
    }
}

impl Serialize for ChangeOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        ChangeEntryJson {
            seq: self.seq,
            change: ChangeJson::new(self.model, self.change),
            call_end: self.call_end,
            redacted: self.redacted,
        }
        .serialize(s)
    }
}

/// The changes of `entries`, as a page or a callback shows them.
fn entries<'a>(model: &'a StageModel, entries: &'a [ChangeEntry]) -> Vec<ChangeOut<'a>> {
    entries
        .iter()
        .map(|e| ChangeOut {
            model,
            seq: e.seq,
            change: &e.change,
            redacted: e.redacted,
            call_end: None,
        })
        .collect()
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ChangeOut<'_> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Change".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        ChangeEntryJson::json_schema(generator)
    }
}

/// A page of the change feed.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct ChangePageJson<'a> {
    /// The changes after `after_seq`, oldest first, whole calls only.
    changes: Vec<ChangeOut<'a>>,
    /// The number of the last change given (`after_seq` when none was): pass
    /// it as `after_seq` next time.
    last_seq: u64,
    /// The oldest change the feed keeps.
    oldest_seq: u64,
    /// The newest change a reader can see.
    head_seq: u64,
    /// Whether changes after this page wait.
    more: bool,
}

/// The changes a change callback is given.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct ChangeBatchJson<'a> {
    /// One or more whole calls' changes, oldest first.
    changes: Vec<ChangeOut<'a>>,
    /// The number of the first change given.
    first_seq: u64,
    /// The number of the last change given.
    last_seq: u64,
}

/// A page of changes as JSON (see the module documentation): the changes,
/// `last_seq` (pass it as `after_seq` next time), `oldest_seq` (the oldest
/// change the feed keeps), `head_seq` (the newest a reader can see) and
/// `more` (whether changes after the page wait).
pub fn page_to_json(model: &StageModel, page: &ChangePage) -> String {
    serde_json::to_string(&ChangePageJson {
        changes: entries(model, &page.changes),
        last_seq: page.last_seq,
        oldest_seq: page.oldest_seq,
        head_seq: page.head_seq,
        more: page.more(),
    })
    .expect("changes always serialise")
}

/// Changes as a change callback gets them: `{"changes": [...], "first_seq":
/// 7, "last_seq": 9}`, each change as in a page.
pub fn changes_to_json(model: &StageModel, list: &[ChangeEntry]) -> String {
    serde_json::to_string(&ChangeBatchJson {
        changes: entries(model, list),
        first_seq: list.first().map_or(0, |e| e.seq),
        last_seq: list.last().map_or(0, |e| e.seq),
    })
    .expect("changes always serialise")
}

/// How long the change feed keeps changes (`ciclo_engine_set_change_retention_json`);
/// every key optional, a missing one takes its default.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RetentionJson {
    /// At most this many changes, 0 to 100000000 (100000).
    #[serde(default)]
    max_changes: Option<u64>,
    /// None older than this many milliseconds since it was recorded; `null`
    /// (the default) for no age limit.
    #[serde(default)]
    max_age_ms: Option<u64>,
}

/// Reads a feed retention: `{"max_changes": 100000, "max_age_ms": 86400000}`,
/// each key optional (`max_changes` 100,000 and no age limit by default;
/// `"max_age_ms": null` is no age limit).
///
/// # Errors
///
/// [`Error::Json`], [`Error::UnknownField`]; [`Error::Config`] naming
/// `max_changes` or `max_age` for values out of bounds
/// ([`FeedRetention::check`]).
pub fn retention_from_json(text: &str) -> Result<FeedRetention> {
    let raw: RetentionJson = read(text, "retention")?;
    let default = FeedRetention::default();
    let max_changes = match raw.max_changes {
        None => default.max_changes,
        Some(n) => usize::try_from(n)
            .ok()
            .filter(|&n| n <= FeedRetention::MAX_CHANGES)
            .ok_or_else(|| {
                Error::config(
                    "max_changes",
                    format!(
                        "{n} is above the most a feed keeps, {}",
                        FeedRetention::MAX_CHANGES
                    ),
                )
            })?,
    };
    let retention = FeedRetention {
        max_changes,
        max_age: raw.max_age_ms.map(std::time::Duration::from_millis),
    };
    retention.check()?;
    Ok(retention)
}

/// A feed retention as JSON, in the shape [`retention_from_json`] reads,
/// keys sorted.
pub fn retention_to_json(retention: &FeedRetention) -> String {
    super::to_sorted_json(&retention_value(retention))
}

fn retention_value(retention: &FeedRetention) -> RetentionJson {
    RetentionJson {
        max_changes: Some(retention.max_changes as u64),
        max_age_ms: retention.max_age.map(|a| a.as_millis() as u64),
    }
}

/// The change feed in a snapshot: its numbers, retention and every change
/// kept, each with the last number of its call when that is not its own.
pub(crate) struct FeedOut<'a, I> {
    pub(crate) model: &'a StageModel,
    pub(crate) next_seq: u64,
    pub(crate) oldest_seq: u64,
    pub(crate) retention: FeedRetention,
    /// (seq, change, redacted, call end), cloned to be walked.
    pub(crate) entries: I,
}

impl<'a, I> Serialize for FeedOut<'a, I>
where
    I: Iterator<Item = (u64, std::borrow::Cow<'a, Change>, bool, u64)> + Clone,
{
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        struct List<'a, I>(&'a StageModel, I);
        impl<'a, I> Serialize for List<'a, I>
        where
            I: Iterator<Item = (u64, std::borrow::Cow<'a, Change>, bool, u64)> + Clone,
        {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(None)?;
                for (n, change, redacted, end) in self.1.clone() {
                    seq.serialize_element(&ChangeOut {
                        model: self.0,
                        seq: n,
                        change: &change,
                        redacted,
                        call_end: (end != n).then_some(end),
                    })?;
                }
                seq.end()
            }
        }
        let entries = self.entries.clone();
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("next_seq", &self.next_seq)?;
        m.serialize_entry("oldest_seq", &self.oldest_seq)?;
        m.serialize_entry(
            "retention",
            &super::Sorted(retention_value(&self.retention)),
        )?;
        m.serialize_entry("changes", &List(self.model, entries))?;
        m.end()
    }
}

/// The change feed read back from a snapshot.
pub(crate) struct FeedIn {
    pub(crate) next_seq: u64,
    pub(crate) oldest_seq: u64,
    pub(crate) retention: FeedRetention,
    /// (change, redacted, call end), from `oldest_seq` on.
    pub(crate) entries: Vec<(Change, bool, u64)>,
}

/// Reads the change feed of a snapshot, checking it against `model`: numbers
/// consecutive from `oldest_seq` to `next_seq`, each call ending within the
/// feed, every name known to the model.
pub(crate) fn feed_from_json(
    model: &StageModel,
    text: &str,
) -> std::result::Result<FeedIn, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Image {
        next_seq: u64,
        oldest_seq: u64,
        retention: RetentionJson,
        changes: Vec<Value>,
    }
    let image: Image = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if image.oldest_seq == 0 || image.oldest_seq > image.next_seq {
        return Err(format!(
            "oldest change {} and next {} are out of order",
            image.oldest_seq, image.next_seq
        ));
    }
    if image.next_seq - image.oldest_seq != image.changes.len() as u64 {
        return Err(format!(
            "{} changes from {} do not end before {}",
            image.changes.len(),
            image.oldest_seq,
            image.next_seq
        ));
    }
    let retention = FeedRetention {
        max_changes: image
            .retention
            .max_changes
            .and_then(|n| usize::try_from(n).ok())
            .ok_or("retention: max_changes missing or too large")?,
        max_age: image
            .retention
            .max_age_ms
            .map(std::time::Duration::from_millis),
    };
    retention.check().map_err(|e| format!("retention: {e}"))?;
    let mut entries = Vec::with_capacity(image.changes.len());
    for (i, value) in image.changes.iter().enumerate() {
        let expected = image.oldest_seq + i as u64;
        let at = |m: String| format!("change {expected}: {m}");
        let seq = value.get("seq").and_then(Value::as_u64);
        if seq != Some(expected) {
            return Err(at(format!("its number is {seq:?}")));
        }
        let end = match value.get("call_end") {
            None => expected,
            Some(v) => v
                .as_u64()
                .filter(|&e| e > expected && e < image.next_seq)
                .ok_or_else(|| at("its call ends outside the feed".into()))?,
        };
        let redacted = match value.get("redacted") {
            None => false,
            Some(v) => v
                .as_bool()
                .ok_or_else(|| at("`redacted` is not true or false".into()))?,
        };
        let change = change_from_value(model, value).map_err(at)?;
        entries.push((change, redacted, end));
    }
    Ok(FeedIn {
        next_seq: image.next_seq,
        oldest_seq: image.oldest_seq,
        retention,
        entries,
    })
}

/// Reads one change in the shape [`ChangeOut`] writes.
fn change_from_value(model: &StageModel, v: &Value) -> std::result::Result<Change, String> {
    let obj = v.as_object().ok_or("not an object")?;
    let text = |k: &str| -> std::result::Result<&str, String> {
        obj.get(k)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("`{k}` missing or not a string"))
    };
    let customer = || text("customer").map(compact_str::CompactString::from);
    let stage = |k: &str| -> std::result::Result<_, String> {
        let name = text(k)?;
        model
            .stage_id(name)
            .ok_or_else(|| format!("`{k}`: unknown stage `{name}`"))
    };
    let time = |k: &str| -> std::result::Result<Timestamp, String> {
        Timestamp::parse(text(k)?, k).map_err(|e| e.to_string())
    };
    let golden = |k: &str| -> std::result::Result<GoldenId, String> {
        text(k)?.parse().map_err(|e: Error| e.to_string())
    };
    let key_of = |v: &Value| -> std::result::Result<SourceKey, String> {
        serde_json::from_value(v.clone()).map_err(|e| format!("source key: {e}"))
    };
    let key = |k: &str| key_of(obj.get(k).ok_or_else(|| format!("`{k}` missing"))?);
    let list = |k: &str| -> std::result::Result<&Vec<Value>, String> {
        obj.get(k)
            .and_then(Value::as_array)
            .ok_or_else(|| format!("`{k}` missing or not a list"))
    };
    let number = |v: Option<&Value>, k: &str| -> std::result::Result<f64, String> {
        v.and_then(Value::as_f64)
            .ok_or_else(|| format!("`{k}` missing or not a number"))
    };
    let maybe_number = |v: Option<&Value>, k: &str| -> std::result::Result<Option<f64>, String> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(v) => number(Some(v), k).map(Some),
        }
    };
    let currency = |e: &Value| -> std::result::Result<Option<Currency>, String> {
        match e.get("currency") {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(code)) => Currency::parse(code, "currency")
                .map(Some)
                .map_err(|e| e.to_string()),
            Some(_) => Err("`currency` is not a text".into()),
        }
    };
    let link = || -> std::result::Result<Link, String> {
        let kind: HierarchyKind = serde_json::from_value(Value::String(text("kind")?.into()))
            .map_err(|e| format!("kind: {e}"))?;
        Ok(Link::new(kind, text("parent")?, text("child")?))
    };
    Ok(match text("type")? {
        "customer_created" => Change::CustomerCreated {
            customer: customer()?,
            stage: stage("stage")?,
            at: time("at")?,
        },
        "stage_moved" => {
            let rule_name = text("rule")?;
            let rule = model
                .rule_id(rule_name)
                .ok_or_else(|| format!("unknown rule `{rule_name}`"))?;
            let mut evidence = Vec::new();
            for e in list("evidence")? {
                let metric_name = e.get("metric").and_then(Value::as_str).unwrap_or("");
                let op_name = e.get("op").and_then(Value::as_str).unwrap_or("");
                evidence.push(Evidence {
                    metric: Metric::from_name(metric_name)
                        .ok_or_else(|| format!("unknown metric `{metric_name}`"))?,
                    op: Op::parse(op_name)
                        .ok_or_else(|| format!("unknown operator `{op_name}`"))?,
                    threshold: number(e.get("threshold"), "threshold")?,
                    actual: maybe_number(e.get("actual"), "actual")?,
                    currency: currency(e)?,
                });
            }
            Change::StageMoved {
                customer: customer()?,
                change: StageChange {
                    from: stage("from")?,
                    to: stage("to")?,
                    at: time("at")?,
                    rule,
                    cause: Cause::from_name(model, text("cause")?, "cause")
                        .map_err(|e| e.to_string())?,
                },
                event_id: match obj.get("event_id") {
                    None | Some(Value::Null) => None,
                    Some(_) => Some(compact_str::CompactString::from(text("event_id")?)),
                },
                evidence: evidence.into(),
            }
        }
        "customer_recomputed" => Change::CustomerRecomputed {
            customer: customer()?,
            stage: stage("stage")?,
        },
        "customer_removed" => Change::CustomerRemoved {
            customer: customer()?,
        },
        "attributes_changed" => {
            let mut attributes = crate::lifecycle::AttributeSet::default();
            for name in list("attributes")? {
                let name = name.as_str().ok_or("an attribute is not a text")?;
                attributes.insert(
                    model
                        .attributes()
                        .id(name)
                        .ok_or_else(|| format!("unknown attribute `{name}`"))?,
                );
            }
            Change::AttributesChanged {
                customer: customer()?,
                attributes,
                at: time("at")?,
            }
        }
        "segments_changed" => {
            let bits = |key: &str| -> std::result::Result<u64, String> {
                let mut bits = 0u64;
                for name in list(key)? {
                    let name = name.as_str().ok_or("a segment is not a text")?;
                    let id = model
                        .segments()
                        .id(name)
                        .ok_or_else(|| format!("unknown segment `{name}`"))?;
                    bits |= 1u64 << id.index();
                }
                Ok(bits)
            };
            Change::SegmentsChanged {
                customer: customer()?,
                entered: bits("entered")?,
                left: bits("left")?,
                at: time("at")?,
            }
        }
        "trigger_fired" => {
            let mut evidence = Vec::new();
            for e in list("evidence")? {
                let signal_name = e.get("signal").and_then(Value::as_str).unwrap_or("");
                let op_name = e.get("op").and_then(Value::as_str).unwrap_or("");
                evidence.push(SignalEvidence {
                    signal: Signal::from_name(signal_name)
                        .ok_or_else(|| format!("unknown signal `{signal_name}`"))?,
                    op: Op::parse(op_name)
                        .ok_or_else(|| format!("unknown operator `{op_name}`"))?
                        .as_str(),
                    threshold: number(e.get("threshold"), "threshold")?,
                    actual: maybe_number(e.get("actual"), "actual")?,
                    currency: currency(e)?,
                });
            }
            let action_name = text("action")?;
            Change::TriggerFired {
                customer: customer()?,
                firing: Box::new(Firing {
                    rule: text("rule")?.to_string(),
                    action: Action::parse(action_name)
                        .ok_or_else(|| format!("unknown action `{action_name}`"))?,
                    priority: obj
                        .get("priority")
                        .and_then(Value::as_i64)
                        .and_then(|p| i32::try_from(p).ok())
                        .ok_or("`priority` missing or not an integer")?,
                    at: time("at")?,
                    evidence,
                    churn_risk: maybe_number(obj.get("churn_risk"), "churn_risk")?,
                }),
            }
        }
        // The feed keeps no golden record (each is read with its change).
        "golden_created" => Change::GoldenCreated {
            golden: golden("golden_id")?,
            record: None,
        },
        "golden_updated" => Change::GoldenUpdated {
            golden: golden("golden_id")?,
            record: None,
        },
        "golden_merged" => Change::GoldenMerged {
            survivor: golden("survivor")?,
            retired: golden("retired")?,
        },
        "golden_unmerged" => Change::GoldenUnmerged {
            source: key("source")?,
            from: golden("from")?,
            to: golden("to")?,
        },
        "erased" => Change::Erased {
            customers: list("customers")?
                .iter()
                .map(|c| {
                    c.as_str()
                        .map(str::to_string)
                        .ok_or("a customer is not a string")
                })
                .collect::<std::result::Result<_, _>>()?,
            sources: list("sources")?
                .iter()
                .map(key_of)
                .collect::<std::result::Result<_, _>>()?,
        },
        "redacted" => {
            let was = text("was")?;
            Change::Redacted {
                was: Change::TYPES
                    .iter()
                    .find(|t| **t == was && **t != "redacted")
                    .ok_or_else(|| format!("`was`: unknown change type `{was}`"))?,
            }
        }
        "source_added" => Change::SourceAdded {
            source: key("source")?,
            golden: golden("golden_id")?,
        },
        "source_removed" => Change::SourceRemoved {
            source: key("source")?,
            golden: golden("golden_id")?,
        },
        "link_added" => Change::LinkAdded(link()?),
        "link_removed" => Change::LinkRemoved(link()?),
        "review_opened" => {
            let mut candidates = Vec::new();
            for c in list("candidates")? {
                let g = c
                    .get("golden_id")
                    .and_then(Value::as_str)
                    .ok_or("a candidate's `golden_id` is missing")?
                    .parse()
                    .map_err(|e: Error| e.to_string())?;
                let p = number(c.get("probability"), "probability")?;
                let s = key_of(c.get("source").ok_or("a candidate's `source` is missing")?)?;
                candidates.push((g, p, s));
            }
            Change::ReviewOpened {
                source: key("source")?,
                candidates,
            }
        }
        "review_closed" => Change::ReviewClosed {
            source: key("source")?,
        },
        other => return Err(format!("unknown change type `{other}`")),
    })
}
