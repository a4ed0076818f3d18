//! Applying events and ticks to a customer state.
//!
//! # Late and out-of-order events
//!
//! A state has a *watermark*: the latest moment applied to it (its latest event, or a
//! tick that moved it). Events at the watermark or later are applied. An event
//! earlier than the watermark is rejected with [`Error::OutOfOrder`] and the state is
//! left exactly as it was: the history stays ordered in time, metrics are never
//! computed from a reordered past, and the host learns which events it must re-sort
//! (or can drop). Events with equal timestamps apply in arrival order.
//!
//! # Duplicates
//!
//! An event with an id that is among the customer's last [`RECENT_IDS`](crate::lifecycle::recent_ids::RECENT_IDS) event ids, or
//! among the ids of the events at the watermark instant (up to
//! [`MAX_IDS_AT_INSTANT`](crate::lifecycle::recent_ids::MAX_IDS_AT_INSTANT) of them are kept), is a redelivery: it is acknowledged as
//! [`Applied::Duplicate`] and changes nothing. Any older redelivery (same id, same
//! time) is earlier than the watermark and is rejected as out of order, which also
//! changes nothing: applying the same event twice never counts it twice. The limits:
//! a host that sends more than [`MAX_IDS_AT_INSTANT`](crate::lifecycle::recent_ids::MAX_IDS_AT_INSTANT) events with ids for one customer
//! at the very same millisecond, or re-sends an id with a later time, is not
//! protected. Ids are compared by their 64-bit FNV-1a fingerprint.
//!
//! # Ticks
//!
//! [`CustomerState::tick`] evaluates the rules triggered by `tick` at a moment `now`.
//! A tick earlier than the watermark does nothing for that customer. A tick that
//! moves the customer advances the watermark to `now`.

use crate::error::{Error, Result};
use crate::lifecycle::condition::Evidence;
use crate::lifecycle::metrics::{fnv1a64, EvalContext, EventFacts, Metrics};
use crate::lifecycle::model::{RuleId, StageId, StageModel};
use crate::lifecycle::profile::{AttributeId, AttributeSet, AttributeValue};
use crate::lifecycle::rules::select;
use crate::lifecycle::segments::{event_attribute_changes, SegmentDelta};
use crate::lifecycle::state::{
    compact_attributes, push_exact, Cause, CustomerState, StageChange, Transition,
};
use crate::model::event::Event;
use crate::model::limits::Limits;
use crate::model::time::Timestamp;

/// Whether an event changed the state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The event was applied (metrics updated, maybe a transition).
    Applied,
    /// The event id was seen recently: nothing changed.
    Duplicate,
}

/// What applying one event did.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Applied or recognised as a duplicate.
    pub applied: Applied,
    /// Whether this event created the customer's state (entry into the initial
    /// stage, recorded as the first history entry).
    pub created: bool,
    /// The customer's stage after the event.
    pub stage: StageId,
    /// The move the event caused, if any (the history has it too, with the event's
    /// id and attributes).
    pub transition: Option<StageChange>,
    /// The comparisons of the fired rule's condition with the customer's values at
    /// the moment it fired (empty without a transition or a condition).
    pub evidence: Vec<Evidence>,
    /// The host attributes the event set or removed (declared attributes it
    /// carried with a value other than the customer's).
    pub attributes: AttributeSet,
    /// The segments the customer entered and left.
    pub segments: SegmentDelta,
}

/// A transition fired by `tick`, with its evidence.
#[derive(Clone, Debug, PartialEq)]
pub struct Move {
    /// The move.
    pub transition: StageChange,
    /// The comparisons of the rule's condition with the customer's values.
    pub evidence: Vec<Evidence>,
}

impl Outcome {
    fn duplicate(stage: StageId) -> Outcome {
        Outcome {
            applied: Applied::Duplicate,
            created: false,
            stage,
            transition: None,
            evidence: Vec::new(),
            attributes: AttributeSet::default(),
            segments: SegmentDelta::default(),
        }
    }
}

impl CustomerState {
    /// The state of a customer whose first event is `event`: they enter the model's
    /// initial stage at `event.at`, then the event is applied like any other (and may
    /// move them on at once: a first event that is a purchase converts).
    pub fn start(model: &StageModel, event: &Event) -> Result<(CustomerState, Outcome)> {
        CustomerState::start_within(model, event, &Limits::DEFAULT)
    }

    /// [`CustomerState::start`], checking the event against `limits`.
    pub(crate) fn start_within(
        model: &StageModel,
        event: &Event,
        limits: &Limits,
    ) -> Result<(CustomerState, Outcome)> {
        admit_within(model, event, limits)?;
        let metrics = Metrics::new(event.at);
        metrics.check(event)?;
        let attributes = event_attribute_changes(model, None, event)?;
        let initial = model.initial();
        let mut state = CustomerState {
            stage: initial,
            watermark: event.at,
            metrics,
            history: Box::new([Transition {
                from: None,
                to: initial,
                at: event.at,
                rule: None,
                cause: Cause::of(model, &event.kind),
                event_id: event.id.as_deref().map(compact_str::CompactString::from),
                attributes: None,
            }]),
            recent_ids: Default::default(),
            profile: None,
        };
        let fingerprint = event.id.as_deref().map(fnv1a64);
        let outcome = state.absorb(model, event, fingerprint, attributes.as_deref(), true);
        Ok((state, outcome))
    }

    /// Applies one event. On error nothing changes. See the module documentation for
    /// late, out-of-order and duplicate events.
    pub fn apply(&mut self, model: &StageModel, event: &Event) -> Result<Outcome> {
        self.apply_within(model, event, &Limits::DEFAULT)
    }

    /// [`CustomerState::apply`], checking the event against `limits`.
    pub(crate) fn apply_within(
        &mut self,
        model: &StageModel,
        event: &Event,
        limits: &Limits,
    ) -> Result<Outcome> {
        admit_within(model, event, limits)?;
        self.apply_admitted(model, event)
    }

    /// [`CustomerState::apply`] for an event that [`admit_within`] accepted.
    #[inline]
    pub(crate) fn apply_admitted(&mut self, model: &StageModel, event: &Event) -> Result<Outcome> {
        let fingerprint = event.id.as_deref().map(fnv1a64);
        if fingerprint.is_some_and(|f| self.recent_ids.contains(f)) {
            return Ok(Outcome::duplicate(self.stage));
        }
        if event.at < self.watermark {
            return Err(Error::OutOfOrder {
                customer: event.customer.clone(),
                at: event.at.to_rfc3339(),
                watermark: self.watermark.to_rfc3339(),
            });
        }
        self.metrics.check(event)?;
        if !model.attributes().is_empty() && !event.attributes.is_empty() {
            return self.apply_declared(model, event, fingerprint);
        }
        // No attribute changes: nothing to check, and no list to drop on
        // the common path.
        Ok(self.absorb(model, event, fingerprint, None, false))
    }

    /// [`CustomerState::apply_admitted`] for an event carrying attributes
    /// in a model that declares some.
    #[inline(never)]
    fn apply_declared(
        &mut self,
        model: &StageModel,
        event: &Event,
        fingerprint: Option<u64>,
    ) -> Result<Outcome> {
        let attributes = event_attribute_changes(model, self.profile.as_deref(), event)?;
        Ok(self.absorb(model, event, fingerprint, attributes.as_deref(), false))
    }

    /// Evaluates the tick rules at `now`; returns the transition if one fired.
    /// A `now` earlier than the watermark does nothing.
    pub fn tick(&mut self, model: &StageModel, now: Timestamp) -> Option<Move> {
        let rule = self.tick_rule(model, now)?;
        let ctx = self.context(model, now, None);
        let evidence = evidence_of(model, rule, &self.metrics, &ctx);
        Some(Move {
            transition: self.tick_to(model, rule, now),
            evidence,
        })
    }

    /// The tick rule that fires at `now`, without changing anything.
    pub(crate) fn tick_rule(&self, model: &StageModel, now: Timestamp) -> Option<RuleId> {
        if !self.is_due(now) {
            return None;
        }
        let ctx = self.context(model, now, None);
        select(model, model.tick_rules(), self.stage, &self.metrics, &ctx)
    }

    /// Moves by `rule` (from [`CustomerState::tick_rule`]) at `now`, without
    /// the evidence.
    pub(crate) fn tick_to(
        &mut self,
        model: &StageModel,
        rule: RuleId,
        now: Timestamp,
    ) -> StageChange {
        self.advance_watermark(now);
        let change = self.move_to(model, rule, now, Cause::TICK, None);
        self.update_segments(model, now, u64::MAX);
        change
    }

    /// The comparisons of `rule`'s condition with this customer's values at `now`:
    /// why the rule fired, or why it would not.
    pub fn explain(&self, model: &StageModel, rule: RuleId, now: Timestamp) -> Vec<Evidence> {
        let ctx = self.context(model, now.max(self.watermark), None);
        evidence_of(model, rule, &self.metrics, &ctx)
    }

    /// Whether a tick at `now` evaluates this customer (not before the watermark).
    pub fn is_due(&self, now: Timestamp) -> bool {
        now >= self.watermark
    }

    fn advance_watermark(&mut self, at: Timestamp) {
        if at > self.watermark {
            self.watermark = at;
            self.recent_ids.watermark_advanced();
        }
    }

    /// The value of a metric for this customer at `now` (at least the watermark);
    /// `None` when undefined. Event metrics (`event.*`) are always undefined here.
    pub fn metric(
        &self,
        model: &StageModel,
        metric: crate::lifecycle::metrics::Metric,
        now: Timestamp,
    ) -> Option<f64> {
        self.metric_in(model, metric, now, None)
    }

    /// [`CustomerState::metric`] read in `currency`, as a condition naming
    /// it reads it (`None`: the model's currency, else the customer's first;
    /// see [`currencies`](crate::lifecycle::currencies)).
    pub fn metric_in(
        &self,
        model: &StageModel,
        metric: crate::lifecycle::metrics::Metric,
        now: Timestamp,
        currency: Option<crate::model::money::Currency>,
    ) -> Option<f64> {
        let ctx = self.context(model, now.max(self.watermark), None);
        self.metrics.value_in(metric, &ctx, currency)
    }

    pub(crate) fn context<'a>(
        &'a self,
        model: &'a StageModel,
        now: Timestamp,
        event: Option<EventFacts>,
    ) -> EvalContext<'a> {
        EvalContext {
            now,
            // A reference, read only by the rules that ask for it: the history lives
            // in its own allocation, one more cache line to fetch per event otherwise.
            stage_entered: &self.history.last().expect("a state has a history").at,
            settings: model.settings(),
            lead: model.lead_scoring(),
            event,
            currency: model.currency(),
            profile: self.profile.as_deref(),
        }
    }

    /// Updates metrics, attributes (`attributes`: the checked changes the
    /// event's declared attributes make), stage and segments for a validated,
    /// checked event; `fingerprint` is that of its id; `created` when the
    /// event starts the state. Inlined into its two callers so that the
    /// outcome (about 130 bytes) is built where it is returned rather than
    /// copied on the way out.
    #[inline(always)]
    fn absorb(
        &mut self,
        model: &StageModel,
        event: &Event,
        fingerprint: Option<u64>,
        attributes: Option<&[(AttributeId, Option<AttributeValue>)]>,
        created: bool,
    ) -> Outcome {
        let attributes_changed = match attributes {
            Some(a) => self.absorb_attributes(a),
            None => AttributeSet::default(),
        };
        let (transition, evidence) = self.absorb_stage(model, event, fingerprint);
        let segments = if model.segments().is_empty() {
            SegmentDelta::default()
        } else {
            let which = self.segments_after_event(
                model,
                created,
                transition.is_some(),
                // Only an event with declared attributes changes some.
                attributes.map(|_| &attributes_changed),
                event,
            );
            if which == 0 {
                SegmentDelta::default()
            } else {
                // At the watermark (the event's time, or later for a late
                // event): the state knows everything up to it.
                self.update_segments(model, self.watermark, which)
            }
        };
        Outcome {
            applied: Applied::Applied,
            created,
            stage: self.stage,
            transition,
            evidence,
            attributes: attributes_changed,
            segments,
        }
    }

    /// Applies an event's checked attribute changes; answers the attributes
    /// changed. The changes were checked against the stored values: when any
    /// applies, all of them changed something.
    #[inline(never)]
    fn absorb_attributes(
        &mut self,
        attributes: &[(AttributeId, Option<AttributeValue>)],
    ) -> AttributeSet {
        if self.apply_attributes(attributes) {
            attributes.iter().map(|(id, _)| *id).collect()
        } else {
            AttributeSet::default()
        }
    }

    /// Updates metrics and stage for a validated, checked event.
    #[inline(always)]
    fn absorb_stage(
        &mut self,
        model: &StageModel,
        event: &Event,
        fingerprint: Option<u64>,
    ) -> (Option<StageChange>, Vec<Evidence>) {
        let lead = model.lead_scoring();
        let facts = self.metrics.absorb(
            event,
            model.settings(),
            lead.points(&event.kind),
            lead.half_life_ms,
        );
        self.advance_watermark(event.at);
        if let Some(fingerprint) = fingerprint {
            self.recent_ids.remember(fingerprint);
        }
        let candidates = model.rules_for(&event.kind).expect("kind checked");
        if candidates.is_empty() {
            return (None, Vec::new());
        }
        let ctx = self.context(model, event.at, Some(facts));
        let Some(rule) = select(model, candidates, self.stage, &self.metrics, &ctx) else {
            return (None, Vec::new());
        };
        let evidence = evidence_of(model, rule, &self.metrics, &ctx);
        let cause = Cause::of(model, &event.kind);
        (
            Some(self.move_to(model, rule, event.at, cause, Some(event))),
            evidence,
        )
    }

    fn move_to(
        &mut self,
        model: &StageModel,
        rule: RuleId,
        at: Timestamp,
        cause: Cause,
        event: Option<&Event>,
    ) -> StageChange {
        let change = StageChange {
            from: self.stage,
            to: model.rule(rule).to,
            at,
            rule,
            cause,
        };
        let transition = Transition {
            from: Some(change.from),
            to: change.to,
            at,
            rule: Some(rule),
            cause,
            event_id: event
                .and_then(|e| e.id.as_deref())
                .map(compact_str::CompactString::from),
            attributes: event.and_then(|e| compact_attributes(&e.attributes)),
        };
        self.stage = change.to;
        push_exact(&mut self.history, transition);
        change
    }
}

fn evidence_of(
    model: &StageModel,
    rule: RuleId,
    metrics: &Metrics,
    ctx: &EvalContext<'_>,
) -> Vec<Evidence> {
    let mut out = Vec::new();
    if let Some(c) = &model.rule(rule).condition {
        c.evidence(metrics, ctx, &mut out);
    }
    out
}

/// Checks an event on its own (within `limits`) and against the model's kinds.
pub(crate) fn admit_within(model: &StageModel, event: &Event, limits: &Limits) -> Result<()> {
    event.validate_with(limits)?;
    if model.accepts(&event.kind) {
        Ok(())
    } else {
        Err(Error::UnknownEventKind {
            field: "event.kind".into(),
            kind: event.kind.name().to_string(),
        })
    }
}

/// The pure step: the state after `event`, from the state before (`None` for a
/// customer never seen), without touching the input.
///
/// For hosts that keep states in their own database: read the state, step, write
/// the new state back. A state does not record its customer's id: keeping each
/// state with its customer is the host's part. [`CustomerState::start`] and [`CustomerState::apply`] do the
/// same in place.
pub fn step(
    model: &StageModel,
    state: Option<&CustomerState>,
    event: &Event,
) -> Result<(CustomerState, Outcome)> {
    match state {
        None => CustomerState::start(model, event),
        Some(state) => {
            let mut next = state.clone();
            let outcome = next.apply(model, event)?;
            Ok((next, outcome))
        }
    }
}
