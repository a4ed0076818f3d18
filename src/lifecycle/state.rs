//! The lifecycle state of one customer: current stage, history and metrics.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::lifecycle::metrics::Metrics;
use crate::lifecycle::model::{RuleId, StageId, StageModel};
use crate::lifecycle::profile::Profile;
use crate::model::event::{AttrValue, BuiltinKind, EventKind};
use crate::model::time::Timestamp;

/// Version of the compact state encoding written by [`CustomerState::to_bytes`]
/// (version 1, without attributes and segments, is still read).
pub const STATE_BYTES_VERSION: u8 = 2;

use crate::lifecycle::recent_ids::RecentIds;
pub use crate::lifecycle::recent_ids::{MAX_IDS_AT_INSTANT, RECENT_IDS};

/// What caused a transition, as a compact code: 0 for `tick`, the built-in kind's code,
/// or `CUSTOM_BASE + i` for the model's `i`-th custom kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cause(u16);

const CUSTOM_BASE: u16 = 256;

impl Cause {
    /// The cause of a tick transition.
    pub const TICK: Cause = Cause(0);

    pub(crate) fn of(model: &StageModel, kind: &EventKind) -> Cause {
        match kind {
            EventKind::Builtin(b) => Cause(*b as u16),
            EventKind::Custom(name) => {
                let i = model
                    .config()
                    .custom_events
                    .iter()
                    .position(|c| c == name)
                    .expect("custom kinds are checked against the model before");
                Cause(CUSTOM_BASE + i as u16)
            }
        }
    }

    /// `"tick"` or the event kind's name.
    pub fn name(self, model: &StageModel) -> &str {
        match self.0 {
            0 => "tick",
            c if c < CUSTOM_BASE => BuiltinKind::from_code(c as u32).map_or("?", |b| b.name()),
            c => model
                .config()
                .custom_events
                .get((c - CUSTOM_BASE) as usize)
                .map_or("?", String::as_str),
        }
    }

    pub(crate) fn from_name(model: &StageModel, name: &str, field: &str) -> Result<Cause> {
        if name == "tick" {
            return Ok(Cause::TICK);
        }
        let kind = EventKind::from_name(name);
        if !model.accepts(&kind) {
            return Err(Error::UnknownEventKind {
                field: field.to_string(),
                kind: name.to_string(),
            });
        }
        Ok(Cause::of(model, &kind))
    }
}

/// Event attributes as a history keeps them: one compact allocation (the postcard
/// encoding of the name-to-value map), decoded only when the history is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attributes(Box<Box<[u8]>>);

impl Attributes {
    /// The attributes, by name.
    pub fn to_map(&self) -> BTreeMap<String, AttrValue> {
        postcard::from_bytes(&self.0).expect("attributes are encoded by this library")
    }
}

/// One move in a customer's history.
#[derive(Clone, Debug, PartialEq)]
pub struct Transition {
    /// The stage left; `None` for the customer's entry into the initial stage.
    pub from: Option<StageId>,
    /// The stage entered.
    pub to: StageId,
    /// When.
    pub at: Timestamp,
    /// The rule that fired; `None` for the entry into the initial stage.
    pub rule: Option<RuleId>,
    /// The event kind or tick behind the move.
    pub cause: Cause,
    /// The id of the event behind the move, if it had one.
    /// (Kept inline when up to 24 bytes, as most event ids are.)
    pub event_id: Option<compact_str::CompactString>,
    /// The attributes of the event behind a rule's move, if it had any, sorted by
    /// name (compact: histories are kept for the customer's life). The entry into
    /// the initial stage keeps none.
    pub attributes: Option<Attributes>,
}

/// A move as outcomes and tick reports give it. The history keeps the same move as a
/// [`Transition`], with the id and attributes of the event behind it (the caller of
/// an apply has that event already).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageChange {
    /// The stage left.
    pub from: StageId,
    /// The stage entered.
    pub to: StageId,
    /// When.
    pub at: Timestamp,
    /// The rule that fired.
    pub rule: RuleId,
    /// The event kind or tick behind the move.
    pub cause: Cause,
}

/// A stage's stay: when the customer entered it and, unless it is the current stage,
/// when they left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageSpan {
    /// The stage.
    pub stage: StageId,
    /// Entered at.
    pub entered: Timestamp,
    /// Left at; `None` for the current stay.
    pub left: Option<Timestamp>,
}

/// The lifecycle state of one customer.
///
/// A state exists from the customer's first event on ([`CustomerState::start`]).
/// It changes only through [`CustomerState::apply`] and [`CustomerState::tick`], which
/// either succeed or leave it untouched. Store it wherever you like: as JSON or bytes
/// through [`StateRecord`] (see [`CustomerState::to_record`]).
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerState {
    pub(crate) stage: StageId,
    pub(crate) watermark: Timestamp,
    pub(crate) metrics: Metrics,
    pub(crate) history: Box<[Transition]>,
    pub(crate) recent_ids: RecentIds,
    /// Host attributes and segment memberships; `None` while there are none.
    pub(crate) profile: Option<Box<Profile>>,
}

impl CustomerState {
    /// The current stage.
    pub fn stage(&self) -> StageId {
        self.stage
    }

    /// When the customer entered the current stage.
    pub fn stage_entered(&self) -> Timestamp {
        self.history.last().expect("a state has a history").at
    }

    /// The latest moment applied to this state (event or tick transition). Events
    /// earlier than this are rejected as out of order.
    pub fn watermark(&self) -> Timestamp {
        self.watermark
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Every move, oldest first; the first is the entry into the initial stage.
    pub fn history(&self) -> &[Transition] {
        &self.history
    }

    /// Every stay in a stage, oldest first, with the dates entered and left.
    pub fn stage_spans(&self) -> Vec<StageSpan> {
        self.history
            .iter()
            .enumerate()
            .map(|(i, t)| StageSpan {
                stage: t.to,
                entered: t.at,
                left: self.history.get(i + 1).map(|n| n.at),
            })
            .collect()
    }

    /// When the customer first entered `stage`, if ever.
    pub fn first_entered(&self, stage: StageId) -> Option<Timestamp> {
        self.history.iter().find(|t| t.to == stage).map(|t| t.at)
    }

    /// The portable form, with names instead of indexes, for JSON or bytes.
    pub fn to_record(&self, model: &StageModel) -> StateRecord {
        StateRecord {
            stage: model.stage_name(self.stage).to_string(),
            stage_entered: self.stage_entered(),
            watermark: self.watermark,
            history: self
                .history
                .iter()
                .map(|t| TransitionRecord {
                    from: t.from.map(|s| model.stage_name(s).to_string()),
                    to: model.stage_name(t.to).to_string(),
                    at: t.at,
                    rule: t.rule.map(|r| model.rule(r).name.clone()),
                    cause: t.cause.name(model).to_string(),
                    event_id: t.event_id.as_deref().map(str::to_string),
                    attributes: t
                        .attributes
                        .as_ref()
                        .map(Attributes::to_map)
                        .unwrap_or_default(),
                })
                .collect(),
            metrics: self.metrics.clone(),
            recent_event_ids: self.recent_ids.to_list(),
            ids_at_watermark: self.recent_ids.at_watermark(),
            attributes: self
                .attributes()
                .iter()
                .map(|(id, v)| {
                    let schema = model.attributes();
                    (schema.decl(*id).name.clone(), schema.portable(*id, v))
                })
                .collect(),
            segments: self
                .segments()
                .iter()
                .map(|(id, at)| (model.segments().get(*id).name.clone(), *at))
                .collect(),
        }
    }

    /// Rebuilds a state from its portable form, checking it against `model`: names
    /// must exist and the history must be ordered and consistent with the stage.
    pub fn from_record(model: &StageModel, record: StateRecord) -> Result<CustomerState> {
        let stage_of = |name: &str, field: String| {
            model.stage_id(name).ok_or_else(|| Error::UnknownStage {
                field,
                stage: name.to_string(),
            })
        };
        let stage = stage_of(&record.stage, "state.stage".into())?;
        if record.history.is_empty() {
            return Err(Error::invalid("state.history", "must not be empty"));
        }
        let mut history = Vec::with_capacity(record.history.len());
        let mut previous: Option<(StageId, Timestamp)> = None;
        for (i, t) in record.history.into_iter().enumerate() {
            let field = |f: &str| format!("state.history[{i}].{f}");
            let to = stage_of(&t.to, field("to"))?;
            let from = t
                .from
                .as_deref()
                .map(|f| stage_of(f, field("from")))
                .transpose()?;
            let rule = match t.rule.as_deref() {
                Some(name) => {
                    let id = model.rule_id(name).ok_or_else(|| {
                        Error::invalid(field("rule"), format!("unknown rule `{name}`"))
                    })?;
                    if model.rule(id).to != to {
                        return Err(Error::invalid(
                            field("rule"),
                            format!("rule `{name}` does not lead to `{}`", t.to),
                        ));
                    }
                    Some(id)
                }
                None => None,
            };
            match previous {
                None if from.is_some() || rule.is_some() => {
                    return Err(Error::invalid(
                        field("from"),
                        "the first entry is the entry into the initial stage: no from, no rule",
                    ))
                }
                Some((prev_stage, prev_at)) => {
                    if from != Some(prev_stage) {
                        return Err(Error::invalid(
                            field("from"),
                            "does not match the stage before",
                        ));
                    }
                    if t.at < prev_at {
                        return Err(Error::invalid(
                            field("at"),
                            "history is not ordered in time",
                        ));
                    }
                    if rule.is_none() {
                        return Err(Error::invalid(field("rule"), "missing"));
                    }
                }
                None => {}
            }
            previous = Some((to, t.at));
            history.push(Transition {
                from,
                to,
                at: t.at,
                rule,
                cause: Cause::from_name(model, &t.cause, &field("cause"))?,
                event_id: t.event_id.map(compact_str::CompactString::from),
                attributes: compact_attributes(&t.attributes),
            });
        }
        let (last_stage, last_at) = previous.expect("history is not empty");
        if last_stage != stage {
            return Err(Error::invalid(
                "state.stage",
                "does not match the last history entry",
            ));
        }
        if record.stage_entered != last_at {
            return Err(Error::invalid(
                "state.stage_entered",
                "does not match the last history entry",
            ));
        }
        if record.watermark < last_at {
            return Err(Error::invalid(
                "state.watermark",
                "is earlier than the last transition",
            ));
        }
        let recent_ids = RecentIds::from_list(&record.recent_event_ids, record.ids_at_watermark)?;
        record.metrics.check_record(record.watermark)?;
        let profile = profile_from_record(model, &record.attributes, &record.segments)?;
        Ok(CustomerState {
            stage,
            watermark: record.watermark,
            metrics: record.metrics,
            history: history.into_boxed_slice(),
            recent_ids,
            profile,
        })
    }

    /// The compact binary form of the state, for a CRM column: a version byte
    /// ([`STATE_BYTES_VERSION`]) then the postcard encoding of its [`StateRecord`].
    pub fn to_bytes(&self, model: &StageModel) -> Vec<u8> {
        let out = vec![STATE_BYTES_VERSION];
        postcard::to_extend(&self.to_record(model), out)
            .expect("encoding a record into memory cannot fail")
    }

    /// Reads the compact binary form written by [`CustomerState::to_bytes`].
    pub fn from_bytes(model: &StageModel, bytes: &[u8]) -> Result<CustomerState> {
        let (&version, body) = bytes
            .split_first()
            .ok_or_else(|| Error::invalid("state", "empty state bytes"))?;
        let invalid = |e: postcard::Error| {
            Error::invalid("state", format!("not a valid state encoding: {e}"))
        };
        let record: StateRecord = match version {
            STATE_BYTES_VERSION => postcard::from_bytes(body).map_err(invalid)?,
            1 => postcard::from_bytes::<StateRecordV1>(body)
                .map_err(invalid)?
                .into(),
            _ => {
                return Err(Error::invalid(
                    "state",
                    format!("state bytes of version {version}; this library reads versions 1 to {STATE_BYTES_VERSION}"),
                ))
            }
        };
        CustomerState::from_record(model, record)
    }

    /// Bytes of memory the state uses, its heap allocations included (an estimate
    /// that ignores allocator overhead).
    pub fn memory_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.history.len() * std::mem::size_of::<Transition>()
            + self
                .history
                .iter()
                .map(|t| {
                    t.event_id
                        .as_ref()
                        .filter(|s| s.is_heap_allocated())
                        .map_or(0, |s| s.len())
                })
                .sum::<usize>()
            + self.recent_ids.heap_bytes()
            + self
                .history
                .iter()
                .map(|t| t.attributes.as_ref().map_or(0, |a| 16 + a.0.len()))
                .sum::<usize>()
            + self.metrics.heap_bytes()
            + self.profile.as_deref().map_or(0, Profile::heap_bytes)
    }
}

/// Appends to a boxed slice, reallocating to the exact size: per-customer lists are
/// short, kept for the customer's life, and grow rarely.
pub(crate) fn push_exact<T>(slice: &mut Box<[T]>, item: T) {
    let mut v = std::mem::take(slice).into_vec();
    v.reserve_exact(1);
    v.push(item);
    *slice = v.into_boxed_slice();
}

/// Attributes in the compact form kept in a history, `None` when empty.
pub(crate) fn compact_attributes(attributes: &BTreeMap<String, AttrValue>) -> Option<Attributes> {
    (!attributes.is_empty()).then(|| {
        // Encode on the stack when it fits, so the history gets one exact allocation.
        let mut buf = [0u8; 512];
        match postcard::to_slice(attributes, &mut buf) {
            Ok(used) => Attributes(Box::new(Box::from(&*used))),
            Err(_) => Attributes(Box::new(
                postcard::to_allocvec(attributes)
                    .expect("encoding into memory cannot fail")
                    .into_boxed_slice(),
            )),
        }
    })
}

/// One history entry in portable form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TransitionRecord {
    /// Stage left, `null` for the entry into the initial stage.
    pub from: Option<String>,
    /// Stage entered.
    pub to: String,
    /// When.
    pub at: Timestamp,
    /// Rule that fired, `null` for the entry into the initial stage.
    pub rule: Option<String>,
    /// Event kind behind the move, or `tick`.
    pub cause: String,
    /// Id of the event behind the move.
    pub event_id: Option<String>,
    /// Attributes of that event (a key given twice is an error).
    #[serde(deserialize_with = "crate::model::serde_maps::unique_map")]
    pub attributes: BTreeMap<String, AttrValue>,
}

/// A [`CustomerState`] in portable form: stage and rule names instead of indexes.
///
/// This is the JSON shape of a state and what the compact bytes encode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StateRecord {
    /// Current stage.
    pub stage: String,
    /// When it was entered.
    pub stage_entered: Timestamp,
    /// Latest moment applied.
    pub watermark: Timestamp,
    /// Every move, oldest first.
    pub history: Vec<TransitionRecord>,
    /// Metrics.
    pub metrics: Metrics,
    /// Fingerprints (64-bit FNV-1a) of the most recent event ids; in JSON as
    /// 16-digit hexadecimal strings, so that no JSON library loses precision.
    #[serde(with = "fingerprints")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub recent_event_ids: Vec<u64>,
    /// How many of the last `recent_event_ids` belong to events at the watermark
    /// instant (all of those are kept, even beyond the last `RECENT_IDS`).
    pub ids_at_watermark: u32,
    /// Host attributes by name: numbers, or strings (a category's value, a
    /// date as `YYYY-MM-DD`). Absent in states written before attributes
    /// existed.
    #[serde(default, deserialize_with = "crate::model::serde_maps::unique_map")]
    pub attributes: BTreeMap<String, AttrValue>,
    /// The segments the customer is in, by name, with when they entered.
    #[serde(default, deserialize_with = "crate::model::serde_maps::unique_map")]
    pub segments: BTreeMap<String, Timestamp>,
}

/// A [`StateRecord`] as version 1 state bytes and snapshots up to version 5
/// encode it: without attributes and segments.
#[derive(Deserialize)]
pub(crate) struct StateRecordV1 {
    stage: String,
    stage_entered: Timestamp,
    watermark: Timestamp,
    history: Vec<TransitionRecord>,
    metrics: Metrics,
    #[serde(with = "fingerprints")]
    recent_event_ids: Vec<u64>,
    ids_at_watermark: u32,
}

impl From<StateRecordV1> for StateRecord {
    fn from(r: StateRecordV1) -> StateRecord {
        StateRecord {
            stage: r.stage,
            stage_entered: r.stage_entered,
            watermark: r.watermark,
            history: r.history,
            metrics: r.metrics,
            recent_event_ids: r.recent_event_ids,
            ids_at_watermark: r.ids_at_watermark,
            attributes: BTreeMap::new(),
            segments: BTreeMap::new(),
        }
    }
}

/// A profile from its portable form, checked against the model
/// (`state.attributes.<name>`, `state.segments.<name>` in errors).
fn profile_from_record(
    model: &StageModel,
    attributes: &BTreeMap<String, AttrValue>,
    segments: &BTreeMap<String, Timestamp>,
) -> Result<Option<Box<Profile>>> {
    if attributes.is_empty() && segments.is_empty() {
        return Ok(None);
    }
    let schema = model.attributes();
    let mut values = Vec::with_capacity(attributes.len());
    for (name, value) in attributes {
        let field = format!("state.attributes.{}", crate::model::time::clip(name));
        let id = schema
            .id(name)
            .ok_or_else(|| Error::invalid(&field, "the model does not declare this attribute"))?;
        values.push((id, schema.read(id, value, &field)?));
    }
    let mut members = Vec::with_capacity(segments.len());
    for (name, at) in segments {
        let id = model.segments().id(name).ok_or_else(|| {
            Error::invalid(
                format!("state.segments.{}", crate::model::time::clip(name)),
                "the model has no such segment",
            )
        })?;
        members.push((id, *at));
    }
    values.sort_by_key(|(id, _)| *id);
    members.sort_by_key(|(id, _)| *id);
    Ok(Some(Box::new(Profile {
        values: values.into_boxed_slice(),
        segments: crate::lifecycle::profile::Memberships::from_sorted(members),
    })))
}

mod fingerprints {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(ids: &[u64], s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            let hex: Vec<String> = ids.iter().map(|id| format!("{id:016x}")).collect();
            hex.serialize(s)
        } else {
            ids.serialize(s)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
        if d.is_human_readable() {
            let hex = Vec::<String>::deserialize(d)?;
            hex.iter()
                .map(|h| {
                    u64::from_str_radix(h, 16).map_err(|_| {
                        serde::de::Error::custom(format!("`{h}` is not a hexadecimal fingerprint"))
                    })
                })
                .collect()
        } else {
            Vec::<u64>::deserialize(d)
        }
    }
}
