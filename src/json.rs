//! The JSON shapes of configuration, events, outcomes and states.
//!
//! This is the only module (besides the C ABI) that reads or writes JSON; the pure
//! modules define serde types only. Input is strict: unknown fields are errors
//! ([`Error::UnknownField`]) that name the field's path.
//!
//! # Configuration
//!
//! An empty string (or only whitespace) means the default preset, `six_stage`;
//! `{"preset": "five_stage"}` names a preset; anything else is a whole
//! [`ModelConfig`]:
//!
//! ```json
//! {"name": "mi_ciclo",
//!  "stages": [{"name": "prospecto"}, {"name": "cliente"}],
//!  "custom_events": ["webinar"],
//!  "lead_scoring": {"points": {"webinar": 5}, "threshold": 10, "half_life_days": 30},
//!  "rules": [{"name": "compra", "from": ["prospecto"], "to": "cliente",
//!             "on": ["purchase"], "when": {"metric": "event.amount", "op": ">", "value": 0},
//!             "priority": 10}]}
//! ```
//!
//! # Event
//!
//! ```json
//! {"id": "evt-981", "customer": "c-42", "at": "2026-03-01T10:00:00-03:00",
//!  "kind": "purchase", "amount": 1250000, "currency": "ARS", "category": "hogar",
//!  "attributes": {"canal": "web"}}
//! ```
//!
//! `id`, `amount`+`currency`, `category`, `score`, `quantity`, `reason` and
//! `attributes` are optional; which kinds accept which is in
//! [`Event::validate`](crate::model::Event::validate).

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::engine::TickReport;
use crate::error::{Error, Result};
use crate::lifecycle::{
    presets, Applied, CustomerState, Evidence, ModelConfig, Outcome, StageChange, StageModel,
    StateRecord,
};
use crate::model::event::{AttrValue, Event, EventKind};
use crate::model::limits::Limits;
use crate::model::money::{Currency, Money};
use crate::model::time::{clip, clip_message, Timestamp};

/// Reads JSON of type `T`, naming the path of any problem; a key repeated in any
/// object is an error naming it (see [`check_unique_keys`]).
fn read<T: DeserializeOwned>(text: &str, what: &'static str) -> Result<T> {
    check_unique_keys(text, what)?;
    read_shape(text, what)
}

/// [`read`] without the check for repeated keys, for shapes whose every object
/// refuses them as it is read (structs, and maps read by `unique_map` or
/// [`attributes_map`]).
fn read_shape<T: DeserializeOwned>(text: &str, what: &'static str) -> Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = clip(&e.path().to_string());
        let inner = e.into_inner();
        let message = clip_message(&inner.to_string());
        if message.starts_with("unknown field") {
            // The path may or may not end with the unknown key itself.
            let name = message.split('`').nth(1).unwrap_or("?");
            let field = if path == "." || path.is_empty() {
                name.to_string()
            } else if path == name || path.ends_with(&format!(".{name}")) {
                path
            } else {
                format!("{path}.{name}")
            };
            Error::UnknownField { what, field }
        } else if path == "." || path.is_empty() {
            Error::Json { what, message }
        } else {
            Error::Json {
                what,
                message: format!("{path}: {message}"),
            }
        }
    })?;
    de.end().map_err(|e| Error::Json {
        what,
        message: clip_message(&e.to_string()),
    })?;
    Ok(value)
}

/// Refuses a JSON text in which some object repeats a key, naming the key and
/// where it is (`rules[1].when`); other problems are left to the reader of the
/// shape. serde keeps the last of repeated keys of a map or a `Value`, silently:
/// this pass over the text finds them first, whatever the shape.
pub(crate) fn check_unique_keys(text: &str, what: &'static str) -> Result<()> {
    use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

    /// Walks a value; `path` is where it is.
    struct Walk<'p>(&'p str);

    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(
            self,
            d: D,
        ) -> std::result::Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
            let mut i = 0usize;
            loop {
                let path = format!("{}[{i}]", self.0);
                if seq.next_element_seed(Walk(&path))?.is_none() {
                    return Ok(());
                }
                i += 1;
            }
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
            let mut seen = std::collections::BTreeSet::new();
            while let Some(key) = map.next_key::<String>()? {
                let path = if self.0.is_empty() {
                    key.clone()
                } else {
                    format!("{}.{key}", self.0)
                };
                if !seen.insert(key) {
                    // Keep the error's text short: the key is clipped.
                    let _ = map.next_value::<IgnoredAny>();
                    return Err(serde::de::Error::custom(format!(
                        "duplicate key `{}`",
                        clip(&path)
                    )));
                }
                map.next_value_seed(Walk(&path))?;
            }
            Ok(())
        }
    }

    let mut de = serde_json::Deserializer::from_str(text);
    match Walk("").deserialize(&mut de) {
        Err(e) if e.is_data() => Err(Error::Json {
            what,
            message: clip_message(&e.to_string()),
        }),
        // Syntax errors are reported by the reader of the shape, with its path.
        _ => Ok(()),
    }
}

thread_local! {
    /// The limits of the event being read on this thread (see [`event_from_json_with`]).
    static READING_LIMITS: std::cell::Cell<Limits> = const { std::cell::Cell::new(Limits::DEFAULT) };
}

/// Reads an event's attributes within the limits of [`READING_LIMITS`]: the
/// count, the key and text value lengths and repeated keys are refused as they
/// are read, before the map grows.
fn attributes_map<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<String, AttrValue>, D::Error> {
    struct Attrs(Limits);
    impl<'de> serde::de::Visitor<'de> for Attrs {
        type Value = BTreeMap<String, AttrValue>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object of attributes")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            use serde::de::Error as _;
            let limits = self.0;
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                if out.len() >= limits.attributes {
                    return Err(A::Error::custom(format!(
                        "more than {} attributes; at most {} are accepted (limits.attributes)",
                        limits.attributes, limits.attributes
                    )));
                }
                if key.len() > limits.attribute_key_bytes {
                    return Err(A::Error::custom(format!(
                        "attribute key `{}` is {} bytes; at most {} are accepted \
                         (limits.attribute_key_bytes)",
                        clip(&key),
                        key.len(),
                        limits.attribute_key_bytes
                    )));
                }
                if out.contains_key(&key) {
                    return Err(A::Error::custom(format!("duplicate key `{}`", clip(&key))));
                }
                let value: AttrValue = map.next_value()?;
                if let AttrValue::Text(t) = &value {
                    if t.len() > limits.attribute_value_bytes {
                        return Err(A::Error::custom(format!(
                            "attribute `{}` is {} bytes; at most {} are accepted \
                             (limits.attribute_value_bytes)",
                            clip(&key),
                            t.len(),
                            limits.attribute_value_bytes
                        )));
                    }
                }
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Attrs(READING_LIMITS.with(std::cell::Cell::get)))
}

/// Reads a stage model configuration: empty for the default preset,
/// `{"preset": NAME}`, or a whole [`ModelConfig`]; then validates it.
pub fn config_from_json(text: &str) -> Result<StageModel> {
    if text.trim().is_empty() {
        return Ok(StageModel::six_stage());
    }
    // Which form it is, then read as that form (the forms of [`ConfigJson`]).
    let value: serde_json::Value = read(text, "config")?;
    if value.as_object().is_some_and(|o| o.contains_key("preset")) {
        let PresetJson { preset } = read_shape(text, "config")?;
        let config = presets::preset(&preset).ok_or_else(|| {
            Error::config(
                "preset",
                format!(
                    "unknown preset `{}`; known: {}",
                    clip(&preset),
                    presets::PRESETS.join(", ")
                ),
            )
        })?;
        return StageModel::compile(config);
    }
    StageModel::compile(read_shape::<ModelConfig>(text, "config")?)
}

/// The configuration `ciclo_engine_new` and `ciclo_model_new` take: a preset
/// by name, or a whole stage model ([`ModelConfig`]). An empty text (or NULL)
/// is the default preset, `six_stage`.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // a schema of the forms `config_from_json` tells apart
pub(crate) enum ConfigJson {
    /// A built-in stage model by name.
    Preset(PresetJson),
    /// A whole stage model.
    Model(Box<ModelConfig>),
}

/// A built-in stage model by name.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct PresetJson {
    /// The preset's name.
    #[cfg_attr(
        feature = "schema",
        schemars(schema_with = "crate::json::schema::preset_names")
    )]
    preset: String,
}

/// A configuration as pretty JSON; reading it back gives the same configuration.
pub fn config_to_json(config: &ModelConfig) -> String {
    serde_json::to_string_pretty(config).expect("configs always serialise")
}

/// One thing that happened to one customer, as `ciclo_engine_apply_json` and
/// `ciclo_model_step_json` read it. Which kinds accept which optional fields
/// is checked after reading (an amount on a purchase, a score on a survey...).
/// Written back (in a snapshot) with absent fields left out.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct EventJson {
    /// The host's id for the event; an id seen before is a duplicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    /// The customer's id (a golden id once consolidation is configured).
    customer: String,
    /// When it happened.
    #[cfg_attr(feature = "schema", schemars(with = "Timestamp"))]
    at: String,
    /// The event kind: a built-in one (`visit`, `purchase`, `complaint`,
    /// `survey`, `cancellation`...) or one of the model's `custom_events`.
    kind: String,
    /// Amount in minor units (cents, centavos), at least 0; needs `currency`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    amount: Option<i64>,
    /// ISO 4217 code of `amount`; needs `amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Currency>"))]
    currency: Option<String>,
    /// Purchase category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    category: Option<String>,
    /// Survey score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    /// Usage quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quantity: Option<f64>,
    /// Reason (of a cancellation, a complaint...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    /// The host's own key/value pairs, kept with the event's transition.
    #[serde(
        default,
        deserialize_with = "attributes_map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    attributes: BTreeMap<String, AttrValue>,
}

impl EventJson {
    /// The wire form of `event`.
    pub(crate) fn new(event: &Event) -> EventJson {
        EventJson {
            id: event.id.clone(),
            customer: event.customer.clone(),
            at: event.at.to_rfc3339(),
            kind: event.kind.name().to_string(),
            amount: event.amount.map(|m| m.minor),
            currency: event.amount.map(|m| m.currency.as_str().to_string()),
            category: event.category.clone(),
            score: event.score,
            quantity: event.quantity,
            reason: event.reason.clone(),
            attributes: event.attributes.clone(),
        }
    }
}

/// Reads and validates one event, within the default [`Limits`].
pub fn event_from_json(text: &str) -> Result<Event> {
    event_from_json_with(text, &Limits::DEFAULT)
}

/// Reads and validates one event within `limits`: a text longer than
/// `limits.event_json_bytes` is refused before it is parsed
/// ([`Error::InvalidArgument`] naming `event`), attributes over the limits as
/// they are read ([`Error::Json`] naming `attributes`), and the event is then
/// checked by [`Event::validate_with`].
pub fn event_from_json_with(text: &str, limits: &Limits) -> Result<Event> {
    Limits::check_json_len("event", text, "event_json_bytes", limits.event_json_bytes)?;
    let raw: EventJson = {
        /// Puts the thread's previous limits back, even if reading panics.
        struct Restore(Limits);
        impl Drop for Restore {
            fn drop(&mut self) {
                READING_LIMITS.with(|l| l.set(self.0));
            }
        }
        let _restore = Restore(READING_LIMITS.with(|l| l.replace(*limits)));
        read_shape(text, "event")?
    };
    let at = Timestamp::parse(&raw.at, "event.at")?;
    let amount = match (raw.amount, raw.currency) {
        (None, None) => None,
        (Some(minor), Some(code)) => Some(Money::non_negative(
            minor,
            Currency::parse(&code, "event.currency")?,
            "event.amount",
        )?),
        (Some(_), None) => {
            return Err(Error::InvalidAmount {
                field: "event.currency".into(),
                message: "an amount needs a currency".into(),
            })
        }
        (None, Some(_)) => {
            return Err(Error::InvalidAmount {
                field: "event.amount".into(),
                message: "a currency needs an amount".into(),
            })
        }
    };
    let event = Event {
        id: raw.id,
        customer: raw.customer,
        at,
        kind: EventKind::from_name(&raw.kind),
        amount,
        category: raw.category,
        score: raw.score,
        quantity: raw.quantity,
        reason: raw.reason,
        attributes: raw.attributes,
    };
    event.validate_with(limits)?;
    Ok(event)
}

/// One comparison of a rule's condition with the customer's value.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct EvidenceJson<'a> {
    /// The metric compared (`purchase_count`).
    metric: &'a str,
    /// The operator (`>=`).
    op: &'a str,
    /// The rule's constant.
    threshold: f64,
    /// The customer's value; `null` when the metric has none yet.
    actual: Option<f64>,
    /// The currency a money metric was read in.
    #[serde(skip_serializing_if = "Option::is_none")]
    currency: Option<Currency>,
}

impl<'a> EvidenceJson<'a> {
    /// The wire form of one comparison.
    pub(crate) fn new(e: &Evidence) -> EvidenceJson<'a> {
        EvidenceJson {
            metric: e.metric.name(),
            op: e.op.as_str(),
            threshold: e.threshold,
            actual: e.actual,
            currency: e.currency,
        }
    }
}

/// A stage change: from where to where, when, by which rule and why.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct TransitionJson<'a> {
    /// The stage left.
    from: Option<&'a str>,
    /// The stage entered.
    to: &'a str,
    /// When.
    at: Timestamp,
    /// The rule that fired.
    rule: Option<&'a str>,
    /// The rule's description.
    reason: &'a str,
    /// The event kind behind the move, or `tick`.
    cause: &'a str,
    /// The id of the event behind the move, `null` without one (and on a tick).
    event_id: Option<&'a str>,
    /// The comparisons that made the rule's condition hold.
    evidence: Vec<EvidenceJson<'a>>,
}

/// The outcome of applying an event (see [`outcome_to_json`]).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct OutcomeJson<'a> {
    /// The customer the event went to (the survivor, for a golden id retired
    /// by a merge).
    customer: &'a str,
    /// `applied`, or `duplicate` for an event id seen before (nothing changed).
    #[cfg_attr(
        feature = "schema",
        schemars(extend("enum" = ["applied", "duplicate"]))
    )]
    applied: &'a str,
    /// Whether the event created the customer.
    created: bool,
    /// The customer's stage after the event.
    stage: &'a str,
    /// The stage change, `null` when the stage did not change.
    transition: Option<TransitionJson<'a>>,
}

/// One customer's move in a tick.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct TickMoveJson<'a> {
    /// The customer (`""` from `ciclo_model_tick_json`: a state does not know
    /// its id).
    customer: &'a str,
    #[serde(flatten)]
    transition: TransitionJson<'a>,
}

/// What a tick did (see [`tick_report_to_json`]).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct TickReportJson<'a> {
    /// The tick's moment.
    now: Timestamp,
    /// How many customers were due and evaluated.
    evaluated: usize,
    /// The moves the time-driven rules made.
    transitions: Vec<TickMoveJson<'a>>,
}

/// A stay in a stage.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct StayJson<'a> {
    /// The stage.
    stage: &'a str,
    /// When the customer entered it.
    entered: Timestamp,
    /// When they left it, `null` for the current stage.
    left: Option<Timestamp>,
}

/// A customer as the engine shows it (see [`customer_to_json`]).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct CustomerJson<'a> {
    /// The customer's id.
    customer: &'a str,
    /// Every stay in a stage, oldest first.
    stays: Vec<StayJson<'a>>,
    #[serde(flatten)]
    state: StateRecord,
}

fn transition_json<'a>(
    model: &'a StageModel,
    t: &StageChange,
    event_id: Option<&'a str>,
    evidence: &'a [Evidence],
) -> TransitionJson<'a> {
    let rule = model.rule(t.rule);
    TransitionJson {
        from: Some(model.stage_name(t.from)),
        to: model.stage_name(t.to),
        at: t.at,
        rule: Some(rule.name.as_str()),
        reason: rule.description.as_str(),
        cause: t.cause.name(model),
        event_id,
        evidence: evidence.iter().map(EvidenceJson::new).collect(),
    }
}

/// The outcome of applying an event, as JSON:
///
/// ```json
/// {"customer": "c-42", "applied": "applied", "created": false, "stage": "growth",
///  "transition": {"from": "conversion", "to": "growth", "at": "2026-03-01T13:00:00Z",
///                 "rule": "repeat_purchase", "reason": "A repeat purchase.",
///                 "cause": "purchase", "event_id": "evt-981",
///                 "evidence": [{"metric": "purchase_count", "op": ">=", "threshold": 2.0, "actual": 2.0}]}}
/// ```
///
/// `applied` is `applied` or `duplicate`; `transition` is `null` when the stage did
/// not change; `stage` is the customer's stage after the event.
pub fn outcome_to_json(model: &StageModel, event: &Event, outcome: &Outcome) -> String {
    let json = OutcomeJson {
        customer: &event.customer,
        applied: match outcome.applied {
            Applied::Applied => "applied",
            Applied::Duplicate => "duplicate",
        },
        created: outcome.created,
        stage: model.stage_name(outcome.stage),
        transition: outcome
            .transition
            .as_ref()
            .map(|t| transition_json(model, t, event.id.as_deref(), &outcome.evidence)),
    };
    serde_json::to_string(&json).expect("outcomes always serialise")
}

/// A tick report as JSON: `{"now": ..., "evaluated": N, "transitions": [{"customer":
/// ..., "from": ..., "to": ..., ...}]}`.
pub fn tick_report_to_json(model: &StageModel, report: &TickReport) -> String {
    let json = TickReportJson {
        now: report.now,
        evaluated: report.evaluated,
        transitions: report
            .moves
            .iter()
            .map(|(c, m)| TickMoveJson {
                customer: c,
                transition: transition_json(model, &m.transition, None, &m.evidence),
            })
            .collect(),
    };
    serde_json::to_string(&json).expect("reports always serialise")
}

/// A state in its portable JSON form ([`StateRecord`]), for a host that stores it.
pub fn state_to_json(model: &StageModel, state: &CustomerState) -> String {
    serde_json::to_string(&state.to_record(model)).expect("states always serialise")
}

/// Reads a state written by [`state_to_json`], checking it against `model`.
pub fn state_from_json(model: &StageModel, text: &str) -> Result<CustomerState> {
    CustomerState::from_record(model, read::<StateRecord>(text, "state")?)
}

/// A customer as the engine shows it: id, stays in each stage (entered and left),
/// and the whole portable state.
///
/// ```json
/// {"customer": "c-42", "stays": [{"stage": "awareness", "entered": "...", "left": "..."}, ...],
///  "stage": "growth", "stage_entered": "...", "watermark": "...", "history": [...],
///  "metrics": {...}, "recent_event_ids": [...]}
/// ```
pub fn customer_to_json(model: &StageModel, customer: &str, state: &CustomerState) -> String {
    let view = CustomerJson {
        customer,
        stays: state
            .stage_spans()
            .into_iter()
            .map(|s| StayJson {
                stage: model.stage_name(s.stage),
                entered: s.entered,
                left: s.left,
            })
            .collect(),
        state: state.to_record(model),
    };
    serde_json::to_string(&view).expect("states always serialise")
}

/// The model's stages and rules as JSON:
/// `{"name": ..., "stages": [...], "initial": ..., "rules": [...]}`; the same as the
/// configuration it was compiled from, with the initial stage filled in.
pub fn model_to_json(model: &StageModel) -> String {
    let mut config = model.config().clone();
    config.initial = Some(model.stage_name(model.initial()).to_string());
    config_to_json(&config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn unknown_fields_are_named() {
        let err = event_from_json(
            r#"{"customer":"c","at":"2026-01-01T00:00:00Z","kind":"visit","colour":1}"#,
        )
        .unwrap_err();
        assert_eq!(
            err,
            Error::UnknownField {
                what: "event",
                field: "colour".into()
            }
        );
        let err = config_from_json(r#"{"preset":"six_stage","extra":1}"#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnknownField);
        let mut cfg: serde_json::Value =
            serde_json::from_str(&config_to_json(&presets::six_stage())).unwrap();
        cfg["rules"][1]["colour"] = serde_json::json!(1);
        let err = config_from_json(&cfg.to_string()).unwrap_err();
        assert_eq!(
            err,
            Error::UnknownField {
                what: "config",
                field: "rules[1].colour".into()
            }
        );
    }

    #[test]
    fn integer_attributes_are_kept_exactly() {
        let e = event_from_json(
            r#"{"customer":"c","at":"2026-01-01T00:00:00Z","kind":"visit",
                "attributes":{"pedido":9007199254740993,"cuotas":3,"tasa":1.5,"web":true,"canal":"web"}}"#,
        )
        .unwrap();
        assert_eq!(
            e.attributes["pedido"],
            AttrValue::Integer(9_007_199_254_740_993)
        );
        assert_eq!(e.attributes["cuotas"], AttrValue::Integer(3));
        assert_eq!(e.attributes["tasa"], AttrValue::Number(1.5));
        let back = serde_json::to_string(&e.attributes).unwrap();
        assert_eq!(
            back,
            r#"{"canal":"web","cuotas":3,"pedido":9007199254740993,"tasa":1.5,"web":true}"#
        );
    }

    #[test]
    fn presets_round_trip_through_json() {
        for name in presets::PRESETS {
            let config = presets::preset(name).unwrap();
            let model = config_from_json(&config_to_json(&config)).unwrap();
            assert_eq!(model.config(), &config);
            let by_name = config_from_json(&format!(r#"{{"preset":"{name}"}}"#)).unwrap();
            assert_eq!(by_name.config(), &config);
        }
        assert_eq!(config_from_json("  ").unwrap().name(), "six_stage");
    }
}

/// Reads a customer [`Record`](crate::model::Record): an object of optional text
/// fields (see the type's documentation); unknown fields are errors. The text
/// and each field are checked against the default [`Limits`]
/// (`record_json_bytes`, `record_field_bytes`): [`Error::InvalidArgument`]
/// naming `record` or the field (`record.surname`).
pub fn record_from_json(text: &str) -> Result<crate::model::Record> {
    record_from_json_with(text, &Limits::DEFAULT)
}

/// [`record_from_json`] within `limits`.
pub fn record_from_json_with(text: &str, limits: &Limits) -> Result<crate::model::Record> {
    Limits::check_json_len(
        "record",
        text,
        "record_json_bytes",
        limits.record_json_bytes,
    )?;
    let record = read_shape(text, "record")?;
    limits.check_record(&record)?;
    Ok(record)
}

/// Reads [`Limits`]: an object with any of its fields (missing ones keep their
/// default); unknown fields and repeated keys are errors.
///
/// # Errors
///
/// [`Error::Json`], [`Error::UnknownField`], [`Error::Config`] naming the limit
/// (see [`Limits::validate`]).
pub fn limits_from_json(text: &str) -> Result<Limits> {
    let limits: Limits = read(text, "limits")?;
    limits.validate()?;
    Ok(limits)
}

/// Limits as JSON, every field present.
pub fn limits_to_json(limits: &Limits) -> String {
    serde_json::to_string(limits).expect("limits always serialise")
}

/// A record as JSON, absent fields left out.
pub fn record_to_json(record: &crate::model::Record) -> String {
    serde_json::to_string(record).expect("records always serialise")
}

/// Options of standardising a record (`ciclo_record_standardize_json`,
/// `ciclo_record_blocking_keys_json`); every key optional.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct StandardizeOptionsJson {
    /// ISO 3166 two-letter code of the country assumed for phones and
    /// addresses that do not say (`AR`).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(regex(pattern = "^[A-Za-z]{2}$")))]
    default_country: Option<String>,
    /// The date future birth dates are checked against, `yyyy-mm-dd`; the
    /// current UTC date when absent.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date")))]
    today: Option<String>,
    /// How a date of numbers only (`01/02/1990`) is read: `dmy` (day first,
    /// the default) or `mdy` (month first).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(extend("enum" = ["dmy", "mdy"])))]
    date_order: Option<String>,
}

/// Reads standardisation options: empty for none, or `{"default_country": "AR",
/// "today": "2026-11-23", "date_order": "dmy"}` with every field optional;
/// `today` defaults to the argument (the FFI passes the current UTC date),
/// `date_order` (`"dmy"` or `"mdy"`: how `01/02/1990` is read, see
/// [`DateOrder`](crate::standardize::dates::DateOrder)) to `"dmy"`.
///
/// # Errors
///
/// [`Error::Json`], [`Error::UnknownField`], and [`Error::InvalidArgument`]
/// naming `options.default_country`, `options.today` or `options.date_order`
/// for a value that is not what it should be.
pub fn standardize_options_from_json(
    text: &str,
    today: time::Date,
) -> Result<crate::standardize::Options> {
    if text.trim().is_empty() {
        return Ok(crate::standardize::Options::new(None, today));
    }
    standardize_options(read(text, "options")?, today)
}

/// The options `raw` says, checked; `today` where it gives none.
pub(crate) fn standardize_options(
    raw: StandardizeOptionsJson,
    today: time::Date,
) -> Result<crate::standardize::Options> {
    use crate::standardize::{Country, Options};
    let default_country = raw
        .default_country
        .map(|c| {
            Country::parse(&c).ok_or_else(|| {
                Error::invalid(
                    "options.default_country",
                    format!("`{}` is not an ISO 3166 two-letter code", clip(&c)),
                )
            })
        })
        .transpose()?;
    let today = match raw.today {
        None => today,
        Some(t) => time::Date::parse(
            &t,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|e| {
            Error::invalid(
                "options.today",
                format!("`{}` is not yyyy-mm-dd: {e}", clip(&t)),
            )
        })?,
    };
    let date_order = match raw.date_order {
        None => crate::standardize::dates::DateOrder::Dmy,
        Some(o) => crate::standardize::dates::DateOrder::parse(&o).ok_or_else(|| {
            Error::invalid(
                "options.date_order",
                format!(
                    "`{}` is not a date order: expected \"dmy\" or \"mdy\"",
                    clip(&o)
                ),
            )
        })?,
    };
    Ok(Options::new(default_country, today).with_date_order(date_order))
}

pub mod analytics;
pub mod changes;
pub mod consolidation;
pub mod listing;
pub mod matching;
pub mod offers;
pub mod retention;
pub mod rfm;
#[cfg(feature = "schema")]
pub mod schema;
mod standardize;

pub use standardize::standardized_to_json;
pub(crate) use standardize::{findings, to_sorted_json, FindingJson, Sorted};
pub mod segments;
pub mod stages;
