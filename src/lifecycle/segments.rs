//! Rule segments: named groups of customers, defined by a condition over their
//! attributes and metrics and by their stage, with the moment each member
//! entered.
//!
//! A segment ([`SegmentConfig`]) lists the stages its members are in (any
//! stage when empty) and a condition in the language of stage rules (see
//! [`ConditionConfig`](crate::lifecycle::ConditionConfig)), which may read
//! host attributes ([`profile`](crate::lifecycle::profile)) and any metric but
//! the `event.*` ones.
//!
//! Membership is kept in the customer's state with its entry time and
//! re-evaluated
//!
//! - **on every event**, when it may change the outcome: every segment for
//!   a new customer; the segments reading an attribute the event changed;
//!   the segments restricted to stages when it moved the customer; and the
//!   segments that read a metric the event may have changed: those reading the clock or
//!   the event count (`days_since_first_seen`, `complaints_in_window`,
//!   `lead_score`, ...) on every event, those whose only such metric is
//!   `days_since_last_activity` (0 after an event while the watermark is the
//!   last activity, which a fresh last evaluation guarantees) when their last
//!   evaluation was at another moment than the last activity (a refresh, a
//!   moving tick, a restored state), those reading purchase metrics
//!   (`purchase_count`, `revenue`, ...) on events with an amount and
//!   purchases, service metrics on tickets, complaints, payment failures,
//!   surveys and usage, relationship metrics on renewals, deliveries,
//!   cancellations, outreach and offers, and the contact, trial and
//!   unsubscribe flags on their events. Of those, a segment whose stages do
//!   not include the customer's is not evaluated unless the customer is in
//!   it (then they leave it), and for a customer without attributes a
//!   segment reading no metric is settled without evaluating it (its outcome
//!   is the same for every such customer). The outcome is that of
//!   evaluating every segment (`tests/properties.rs` and
//!   `tests/segment_steps.rs` check it). A customer who enters a segment
//!   enters it at the event's time; leaving drops the entry. Nothing is
//!   allocated unless membership changes;
//! - **on a tick that moves the customer** (the stage changed);
//! - **on demand**: [`CustomerState::refresh_segments`] (and
//!   [`Engine::refresh_segments`](crate::Engine::refresh_segments)) evaluates
//!   every segment as of a moment, for conditions that change with time alone
//!   (`days_since_last_purchase`); [`CustomerState::segments_at`] tells without
//!   changing anything.
//!
//! ```
//! use ciclo::lifecycle::{presets, AttributeConfig, AttributeType, ConditionConfig, SegmentConfig, StageModel};
//! use ciclo::model::{AttrValue, BuiltinKind, Event, Timestamp};
//!
//! let mut config = presets::six_stage();
//! config.attributes.insert("employees".into(), AttributeConfig::of(AttributeType::Number));
//! config.segments.push(SegmentConfig {
//!     name: "smes".into(),
//!     description: String::new(),
//!     stages: Vec::new(),
//!     when: Some(ConditionConfig::attr("employees", "<", 250.0)),
//! });
//! let model = StageModel::compile(config)?;
//! let at = Timestamp::parse("2026-03-01T10:00:00Z", "at")?;
//! let visit = Event::new("acme", at, BuiltinKind::Visit)
//!     .with_attribute("employees", AttrValue::Integer(40));
//! let (state, _) = ciclo::lifecycle::step(&model, None, &visit)?;
//! let smes = model.segments().id("smes").unwrap();
//! assert_eq!(state.segments(), &[(smes, at)]);
//! # Ok::<(), ciclo::Error>(())
//! ```

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::lifecycle::condition::Condition;
use crate::lifecycle::config::SegmentConfig;
use crate::lifecycle::metrics::{Metrics, Sections};
use crate::lifecycle::model::{StageId, StageModel};
use crate::lifecycle::profile::{
    AttributeId, AttributeSchema, AttributeSet, AttributeValue, Profile,
};
use crate::lifecycle::state::CustomerState;
use crate::model::event::{AttrValue, BuiltinKind, Event, EventKind};
use crate::model::time::Timestamp;

/// Most segments a model may have.
pub const MAX_SEGMENTS: usize = 64;

/// A segment, by its position in the model's `segments`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SegmentId(pub(crate) u16);

impl SegmentId {
    /// Position of the segment in the model.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A validated segment.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// The name.
    pub name: String,
    /// What it is.
    pub description: String,
    /// Bit `i` set when members may be in stage `i`.
    stages: u64,
    /// The condition; `None` is always true.
    pub condition: Option<Condition>,
    /// Whether the condition reads a metric (evaluated on every event).
    reads_metrics: bool,
}

impl Segment {
    /// Whether a customer in `stage` with these metrics and profile is a member.
    fn holds(
        &self,
        stage: StageId,
        metrics: &crate::lifecycle::metrics::Metrics,
        ctx: &crate::lifecycle::metrics::EvalContext<'_>,
    ) -> bool {
        self.stages & (1u64 << stage.index()) != 0
            && match &self.condition {
                None => true,
                // Most segments are a comparison or an `all` of comparisons:
                // evaluated here, without a call per level.
                Some(Condition::All(items)) => items.iter().all(|c| c.holds_inline(metrics, ctx)),
                Some(c) => c.holds_inline(metrics, ctx),
            }
    }
}

/// The model's segments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Segments {
    list: Vec<Segment>,
    /// Bit `i` set when segment `i` reads a metric that any event or time
    /// alone may change ([`Sections::ANY`]) other than
    /// `days_since_last_activity`.
    on_every_event: u64,
    /// Bit `i` set when the only such metric segment `i` reads is
    /// `days_since_last_activity`: right after any event it is 0, so the
    /// segment is evaluated after an event only when its membership was last
    /// evaluated at another value (see `Memberships::fresh`).
    on_activity: u64,
    /// For each combination of the four bits of [`Sections`] but `ANY`
    /// (purchases, service, relationship, flags): the segments reading a
    /// metric of one of those parts.
    on_touched: [u64; 16],
    /// For each built-in kind, by code: `on_every_event` and the segments
    /// reading a metric an event of the kind changes
    /// ([`Metrics::sections_of`]), looked up at once (an event with an
    /// amount adds those reading purchases).
    on_kind: Vec<u64>,
    /// For each declared attribute, by id: the segments reading it.
    on_attribute: Vec<u64>,
    /// The segments restricted to some stages.
    on_stage: u64,
    /// The segments that read no metric: for a customer without attributes
    /// their outcome is known at once (in `without_attributes`).
    attributes_only: u64,
    /// Of `attributes_only`, those whose condition holds for a customer
    /// without attributes (every attribute test false: no condition, an
    /// empty `all`, a negated attribute test, ...).
    without_attributes: u64,
    /// For each stage, by id: the segments whose members may be in it. A
    /// customer in another stage is in none of the others, known without
    /// evaluating them.
    in_stage: Vec<u64>,
    /// Bit `i` set for every segment `i` of the model.
    all: u64,
}

impl Segments {
    /// Validates the segments (`segments[i]...` in errors).
    pub(crate) fn compile(
        configs: &[SegmentConfig],
        stages: &BTreeMap<&str, StageId>,
        attributes: &AttributeSchema,
    ) -> Result<Segments> {
        if configs.len() > MAX_SEGMENTS {
            return Err(Error::config(
                "segments",
                format!("at most {MAX_SEGMENTS} segments"),
            ));
        }
        let all_stages = if stages.len() == 64 {
            u64::MAX
        } else {
            (1u64 << stages.len()) - 1
        };
        let mut out = Segments {
            in_stage: vec![0; stages.len()],
            ..Segments::default()
        };
        for (i, sc) in configs.iter().enumerate() {
            let at = |f: &str| format!("segments[{i}].{f}");
            crate::lifecycle::model::check_name(&at("name"), &sc.name)?;
            if configs[..i].iter().any(|o| o.name == sc.name) {
                return Err(Error::config(
                    at("name"),
                    format!("duplicate segment `{}`", sc.name),
                ));
            }
            let mut mask = 0u64;
            for (j, name) in sc.stages.iter().enumerate() {
                let id = stages
                    .get(name.as_str())
                    .ok_or_else(|| Error::UnknownStage {
                        field: at(&format!("stages[{j}]")),
                        stage: name.clone(),
                    })?;
                mask |= 1u64 << id.index();
            }
            if sc.stages.is_empty() {
                mask = all_stages;
            }
            let condition = sc
                .when
                .as_ref()
                .map(|c| Condition::compile_with(c, &at("when"), attributes))
                .transpose()?;
            let reads = condition.as_ref().map(Condition::reads).unwrap_or_default();
            if reads.event_metrics {
                return Err(Error::config(
                    at("when"),
                    "a segment cannot read `event.*` metrics: only an event has them",
                ));
            }
            if reads.sections & Sections::ANY != 0 {
                if reads.clock_besides_activity {
                    out.on_every_event |= 1u64 << i;
                } else {
                    out.on_activity |= 1u64 << i;
                }
            }
            for id in reads.attribute_set.iter() {
                if out.on_attribute.len() <= id.index() {
                    out.on_attribute.resize(id.index() + 1, 0);
                }
                out.on_attribute[id.index()] |= 1u64 << i;
            }
            if mask != all_stages {
                out.on_stage |= 1u64 << i;
            }
            for (stage, members) in out.in_stage.iter_mut().enumerate() {
                if mask & (1u64 << stage) != 0 {
                    *members |= 1u64 << i;
                }
            }
            out.all |= 1u64 << i;
            let constant = match &condition {
                None => Some(true),
                Some(c) => c.holds_without_attributes(),
            };
            if let Some(holds) = constant {
                out.attributes_only |= 1u64 << i;
                if holds {
                    out.without_attributes |= 1u64 << i;
                }
            }
            for (touched, mask) in out.on_touched.iter_mut().enumerate() {
                if reads.sections & touched as u8 != 0 {
                    *mask |= 1u64 << i;
                }
            }
            out.list.push(Segment {
                name: sc.name.clone(),
                description: sc.description.clone(),
                stages: mask,
                condition,
                reads_metrics: reads.metrics,
            });
        }
        let codes = BuiltinKind::ALL
            .iter()
            .map(|k| *k as usize)
            .max()
            .unwrap_or(0)
            + 1;
        out.on_kind = vec![u64::MAX; codes];
        for kind in BuiltinKind::ALL {
            out.on_kind[*kind as usize] =
                out.on_every_event | out.on_touched[Metrics::sections_of(*kind) as usize];
        }
        Ok(out)
    }

    /// Whether the model has no segment.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// How many segments the model has.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// The segments, in declaration order.
    pub fn list(&self) -> &[Segment] {
        &self.list
    }

    /// A segment.
    pub fn get(&self, id: SegmentId) -> &Segment {
        &self.list[id.index()]
    }

    /// The segment with this name.
    pub fn id(&self, name: &str) -> Option<SegmentId> {
        self.list
            .iter()
            .position(|s| s.name == name)
            .map(|i| SegmentId(i as u16))
    }

    /// The segments reading an attribute of `attributes`.
    fn reading(&self, attributes: &AttributeSet) -> u64 {
        let mut out = 0;
        for (i, segments) in self.on_attribute.iter().enumerate() {
            if *segments != 0 && attributes.contains(AttributeId(i as u16)) {
                out |= segments;
            }
        }
        out
    }

    /// The segments whose members may be in `stage`.
    #[inline]
    fn in_stage(&self, stage: StageId) -> u64 {
        self.in_stage
            .get(stage.index())
            .copied()
            .unwrap_or(u64::MAX)
    }

    /// Whether segment `id` reads a metric (then it is re-evaluated after
    /// the events that may move that metric, as the module documentation
    /// lists, and by [`CustomerState::refresh_segments`]).
    pub fn reads_metrics(&self, id: SegmentId) -> bool {
        self.list[id.index()].reads_metrics
    }
}

/// What re-evaluating a customer's segments changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SegmentDelta {
    /// Bit `i` set when the customer entered segment `i`.
    pub entered: u64,
    /// Bit `i` set when the customer left segment `i`.
    pub left: u64,
}

impl SegmentDelta {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.entered == 0 && self.left == 0
    }
}

impl CustomerState {
    /// The customer's attributes and segments, if they have any.
    pub fn profile(&self) -> Option<&Profile> {
        self.profile.as_deref()
    }

    /// The customer's attributes, sorted by attribute id.
    pub fn attributes(&self) -> &[(AttributeId, AttributeValue)] {
        self.profile.as_deref().map_or(&[], |p| &p.values)
    }

    /// The value of an attribute, if the customer has it.
    pub fn attribute(&self, id: AttributeId) -> Option<&AttributeValue> {
        self.profile.as_deref().and_then(|p| p.get(id))
    }

    /// The segments the customer is in, with when they entered each, sorted by
    /// segment id (as of their last evaluation).
    pub fn segments(&self) -> &[(SegmentId, Timestamp)] {
        self.profile
            .as_deref()
            .map_or(&[], |p| p.segments.as_slice())
    }

    /// The segments the customer would be in at `now` (at least the watermark),
    /// evaluated without changing anything.
    pub fn segments_at(&self, model: &StageModel, now: Timestamp) -> Vec<SegmentId> {
        let ctx = self.context(model, now.max(self.watermark), None);
        model
            .segments()
            .list
            .iter()
            .enumerate()
            .filter(|(_, s)| s.holds(self.stage, &self.metrics, &ctx))
            .map(|(i, _)| SegmentId(i as u16))
            .collect()
    }

    /// Evaluates every segment at `now` and keeps the result: segments
    /// entered are entered at `now`, segments left are dropped. A `now`
    /// earlier than the watermark is read as the watermark.
    pub fn refresh_segments(&mut self, model: &StageModel, now: Timestamp) -> SegmentDelta {
        self.update_segments(model, now.max(self.watermark), u64::MAX)
    }

    /// Sets (`Some`) or removes (`None`) attributes by name, then re-evaluates
    /// the segments; attribute changes and segment entries take effect at the
    /// state's watermark (the latest moment it knows). Answers whether an
    /// attribute changed.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the attribute (`attributes.province`)
    /// for a name the model does not declare or a value of the wrong type;
    /// nothing changes.
    pub fn set_attributes(
        &mut self,
        model: &StageModel,
        attributes: &[(&str, Option<AttrValue>)],
    ) -> Result<bool> {
        let schema = model.attributes();
        let mut changes = Vec::with_capacity(attributes.len());
        for (name, value) in attributes {
            let field = format!("attributes.{}", crate::model::time::clip(name));
            let id = schema.id(name).ok_or_else(|| {
                Error::invalid(
                    &field,
                    format!(
                        "undeclared attribute `{}`: the model's `attributes` do not name it",
                        crate::model::time::clip(name)
                    ),
                )
            })?;
            let value = value
                .as_ref()
                .map(|v| schema.read(id, v, &field))
                .transpose()?;
            changes.push((id, value));
        }
        let changed = self.apply_attributes(&changes);
        if changed {
            self.update_segments(model, self.watermark, u64::MAX);
        }
        Ok(changed)
    }

    /// Applies checked attribute changes; answers whether one changed.
    #[inline(never)]
    pub(crate) fn apply_attributes(
        &mut self,
        changes: &[(AttributeId, Option<AttributeValue>)],
    ) -> bool {
        if changes.is_empty() {
            return false;
        }
        let profile = self.profile.get_or_insert_with(Default::default);
        let changed = profile.update(changes);
        if profile.is_empty() {
            self.profile = None;
        }
        changed
    }

    /// The segments the customer is in, as bits (bit `i` for segment `i`).
    #[inline]
    pub(crate) fn segment_bits(&self) -> u64 {
        self.profile.as_deref().map_or(0, |p| p.segments.bits())
    }

    /// Re-evaluates the segments whose bit is set in `which` at `at`; keeps
    /// memberships and their entry times. Only the segments in `which` are
    /// visited, and for a customer without attributes those reading no
    /// metric are settled by bit masks (`without_attributes`, computed when
    /// the model is compiled); a membership that changes is updated in place
    /// (nothing is allocated unless the customer had no profile, or is in
    /// more than two segments).
    #[inline(never)]
    pub(crate) fn update_segments(
        &mut self,
        model: &StageModel,
        at: Timestamp,
        which: u64,
    ) -> SegmentDelta {
        let segments = model.segments();
        let mut delta = SegmentDelta::default();
        let evaluated = which & segments.all;
        let mut rest = evaluated;
        if rest == 0 {
            return delta;
        }
        let current = self.segment_bits();
        if self.attributes().is_empty() {
            // A customer without attributes: the segments reading no metric
            // hold as they do for every such customer, in the stages they
            // allow (new customers, mostly).
            let known = rest & segments.attributes_only;
            let members = known & segments.without_attributes & segments.in_stage(self.stage);
            delta.entered |= members & !current;
            delta.left |= known & !members & current;
            rest &= !known;
        }
        if rest != 0 {
            let ctx = self.context(model, at, None);
            while rest != 0 {
                let i = rest.trailing_zeros() as usize;
                let bit = rest & rest.wrapping_neg();
                rest &= rest - 1;
                let member = segments.list[i].holds(self.stage, &self.metrics, &ctx);
                if member != (current & bit != 0) {
                    if member {
                        delta.entered |= bit;
                    } else {
                        delta.left |= bit;
                    }
                }
            }
        }
        if !delta.is_empty() {
            self.change_memberships(delta, at);
        }
        let activity = evaluated & segments.on_activity;
        if activity != 0 {
            // `days_since_last_activity` was 0 for this evaluation exactly
            // when it is at the last activity.
            let zero = at == self.metrics.last_activity;
            if let Some(p) = self.profile.as_deref_mut() {
                let fresh = &mut p.segments.fresh;
                *fresh = if zero {
                    *fresh | activity
                } else {
                    *fresh & !activity
                };
            }
        }
        delta
    }

    /// Applies what [`CustomerState::update_segments`] found.
    #[cold]
    #[inline(never)]
    fn change_memberships(&mut self, delta: SegmentDelta, at: Timestamp) {
        let profile = self.profile.get_or_insert_with(Default::default);
        profile.segments.change(delta.entered, delta.left, at);
        if profile.is_empty() {
            self.profile = None;
        }
    }

    /// Segments to evaluate after `event`: for a new customer, all of them
    /// (but those the stage rules out, below); otherwise those whose outcome
    /// the event may have changed: restricted to stages when the stage
    /// changed, reading an attribute in `attributes` (those the event
    /// changed; `None` when it changed none), reading a metric the event may
    /// have changed (see [`Metric::sections`](crate::lifecycle::Metric)): a
    /// segment that reads only purchase metrics is not evaluated on a visit,
    /// whose outcome for it cannot differ from the last evaluation. Of those,
    /// a segment whose members cannot be in the customer's stage is left out
    /// unless the customer is in it (then they leave it): they are not in it
    /// and stay out.
    #[inline]
    pub(crate) fn segments_after_event(
        &self,
        model: &StageModel,
        created: bool,
        stage_changed: bool,
        attributes: Option<&AttributeSet>,
        event: &Event,
    ) -> u64 {
        let segments = model.segments();
        let memberships = self.profile.as_deref().map(|p| &p.segments);
        let possible = segments.in_stage(self.stage) | memberships.map_or(0, |m| m.bits());
        if created {
            return possible;
        }
        let mut which = match &event.kind {
            EventKind::Builtin(kind) => segments
                .on_kind
                .get(*kind as usize)
                .copied()
                .unwrap_or(u64::MAX),
            EventKind::Custom(_) => segments.on_every_event,
        };
        if event.amount.is_some() {
            which |= segments.on_touched[Sections::PURCHASES as usize];
        }
        if segments.on_activity != 0 {
            // Those reading only `days_since_last_activity` among clock
            // metrics: it is 0 now, as it was at their last evaluation if
            // `fresh` says so; then only what else they read can change
            // their outcome (stage, attributes, sections: below).
            let fresh = memberships.map_or(0, |m| m.fresh);
            which |= segments.on_activity & !fresh;
        }
        if stage_changed {
            which |= segments.on_stage;
        }
        if let Some(attributes) = attributes.filter(|a| !a.is_empty()) {
            which |= segments.reading(attributes);
        }
        which & possible
    }
}

/// Attribute changes: a value to set, or `None` to remove. Two are held
/// without allocating (an event changing one attribute, the common case,
/// allocates nothing for the list).
pub(crate) type AttributeChanges = smallvec::SmallVec<[(AttributeId, Option<AttributeValue>); 2]>;

/// The changes an event's declared attributes make to a profile, checked;
/// `None` when they change nothing (no allocation then).
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming `event.attributes.<name>` for a value of
/// the wrong type.
#[inline(always)]
pub(crate) fn event_attribute_changes(
    model: &StageModel,
    profile: Option<&Profile>,
    event: &Event,
) -> Result<Option<AttributeChanges>> {
    if model.attributes().is_empty() || event.attributes.is_empty() {
        return Ok(None);
    }
    declared_changes(model, profile, event)
}

/// [`event_attribute_changes`] for a model that declares attributes and an
/// event that carries some.
#[inline(never)]
fn declared_changes(
    model: &StageModel,
    profile: Option<&Profile>,
    event: &Event,
) -> Result<Option<AttributeChanges>> {
    let schema = model.attributes();
    let mut changes: Option<AttributeChanges> = None;
    for (name, value) in &event.attributes {
        let Some(id) = schema.id(name) else { continue };
        let stored = profile.and_then(|p| p.get(id));
        if stored.is_some_and(|s| schema.same(id, s, value)) {
            continue;
        }
        // The field is named only on an error: no text is built per event.
        let read = schema.read(id, value, "").map_err(|e| match e {
            Error::InvalidArgument { message, .. } => Error::InvalidArgument {
                field: format!("event.attributes.{name}"),
                message,
            },
            other => other,
        })?;
        changes
            .get_or_insert_with(AttributeChanges::new)
            .push((id, Some(read)));
    }
    Ok(changes)
}
