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
    let value: serde_json::Value = read(text, "config")?;
    if let Some(obj) = value.as_object() {
        if obj.contains_key("preset") {
            if let Some(other) = obj.keys().find(|k| *k != "preset") {
                return Err(Error::UnknownField {
                    what: "config",
                    field: clip(other),
                });
            }
            let name = obj["preset"].as_str().ok_or_else(|| Error::Json {
                what: "config",
                message: "preset: expected a string".into(),
            })?;
            let config = presets::preset(name).ok_or_else(|| {
                Error::config(
                    "preset",
                    format!(
                        "unknown preset `{}`; known: {}",
                        clip(name),
                        presets::PRESETS.join(", ")
                    ),
                )
            })?;
            return StageModel::compile(config);
        }
    }
    StageModel::compile(read::<ModelConfig>(text, "config")?)
}

/// A configuration as pretty JSON; reading it back gives the same configuration.
pub fn config_to_json(config: &ModelConfig) -> String {
    serde_json::to_string_pretty(config).expect("configs always serialise")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventJson {
    #[serde(default)]
    id: Option<String>,
    customer: String,
    at: String,
    kind: String,
    #[serde(default)]
    amount: Option<i64>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    score: Option<f64>,
    #[serde(default)]
    quantity: Option<f64>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default, deserialize_with = "attributes_map")]
    attributes: BTreeMap<String, AttrValue>,
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

#[derive(Serialize)]
struct EvidenceJson<'a> {
    metric: &'a str,
    op: &'a str,
    threshold: f64,
    actual: Option<f64>,
    /// The currency a money metric was read in.
    #[serde(skip_serializing_if = "Option::is_none")]
    currency: Option<Currency>,
}

#[derive(Serialize)]
struct TransitionJson<'a> {
    from: Option<&'a str>,
    to: &'a str,
    at: Timestamp,
    rule: Option<&'a str>,
    reason: &'a str,
    cause: &'a str,
    event_id: Option<&'a str>,
    evidence: Vec<EvidenceJson<'a>>,
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
        evidence: evidence
            .iter()
            .map(|e| EvidenceJson {
                metric: e.metric.name(),
                op: e.op.as_str(),
                threshold: e.threshold,
                actual: e.actual,
                currency: e.currency,
            })
            .collect(),
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
    #[derive(Serialize)]
    struct OutcomeJson<'a> {
        customer: &'a str,
        applied: &'a str,
        created: bool,
        stage: &'a str,
        transition: Option<TransitionJson<'a>>,
    }
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
    #[derive(Serialize)]
    struct Item<'a> {
        customer: &'a str,
        #[serde(flatten)]
        transition: TransitionJson<'a>,
    }
    #[derive(Serialize)]
    struct ReportJson<'a> {
        now: Timestamp,
        evaluated: usize,
        transitions: Vec<Item<'a>>,
    }
    let json = ReportJson {
        now: report.now,
        evaluated: report.evaluated,
        transitions: report
            .moves
            .iter()
            .map(|(c, m)| Item {
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
    #[derive(Serialize)]
    struct Stay<'a> {
        stage: &'a str,
        entered: Timestamp,
        left: Option<Timestamp>,
    }
    #[derive(Serialize)]
    struct View<'a> {
        customer: &'a str,
        stays: Vec<Stay<'a>>,
        #[serde(flatten)]
        state: StateRecord,
    }
    let view = View {
        customer,
        stays: state
            .stage_spans()
            .into_iter()
            .map(|s| Stay {
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StandardizeOptionsJson {
    #[serde(default)]
    default_country: Option<String>,
    #[serde(default)]
    today: Option<String>,
    #[serde(default)]
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
    use crate::standardize::{Country, Options};
    if text.trim().is_empty() {
        return Ok(Options::new(None, today));
    }
    let raw: StandardizeOptionsJson = read(text, "options")?;
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

/// The result of [`standardize`](crate::standardize::standardize) as
/// JSON: `{"record", "country", "valid", "findings", "parsed"}`.
///
/// `record` is the standard record; `valid` is true when no finding is an error;
/// each finding has `field`, `severity` (`info`, `warning`, `error`), `code`,
/// `message` and, when there is one, `suggestion`; `parsed` holds the values that
/// validated, with their comparison keys:
///
/// ```json
/// {"name": {"given": "José", "surnames": ["García", "Márquez"], "title": "Dr.",
///           "given_keys": ["jose"], "surname_keys": ["garcia", "marquez"]},
///  "company": {"name": "Acme", "legal_form": "S.A.", "key": "acme"},
///  "email": {"address": "Jose.Garcia@gmail.com", "key": "josegarcia@gmail.com"},
///  "phone": {"e164": "+5491123456789", "region": "AR", "line": "mobile"},
///  "mobile": null,
///  "address": {"street_type": "Avenida", "street_name": "Corrientes", "number": "1234",
///              "km": null, "floor": "5", "unit": "B", "details": [], "extra": null,
///              "locality": "Buenos Aires", "province": "Ciudad Autónoma de Buenos Aires",
///              "postal_code": "C1043AAZ", "country": "AR", "street_key": "corrientes 1234"},
///  "birth_date": "1986-01-09",
///  "national_id": {"kind": "ar_cuit", "canonical": "20-12345678-6", "holder": "person",
///                  "person_number": "12345678"}}
/// ```
pub fn standardized_to_json(out: &crate::standardize::Standardized) -> String {
    use serde_json::{json, Value};

    let findings: Vec<Value> = out
        .findings
        .iter()
        .map(|f| {
            let mut v = json!({
                "field": f.field,
                "severity": f.problem.severity.as_str(),
                "code": f.problem.code,
                "message": f.problem.message,
            });
            if let Some(s) = &f.problem.suggestion {
                v["suggestion"] = json!(s);
            }
            v
        })
        .collect();
    let phone = |p: &Option<crate::standardize::phone::Phone>| {
        p.as_ref()
            .map(|p| json!({"e164": p.e164.as_str(), "region": p.region.as_str(), "line": p.line.as_str()}))
    };
    let parsed = json!({
        "name": out.name.as_ref().map(|n| json!({
            "given": n.given.as_str(),
            "surnames": n.surnames.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            "title": n.title.as_deref(),
            "given_keys": n.given_canonical_keys(),
            "surname_keys": n.surname_keys(),
        })),
        "company": out.company.as_ref().map(|c| json!({
            "name": c.name,
            "legal_form": c.legal_form.map(|f| f.as_str()),
            "key": c.key(),
        })),
        "email": out.email.as_ref().map(|e| json!({"address": e.address(), "key": e.key()})),
        "phone": phone(&out.phone),
        "mobile": phone(&out.mobile),
        "address": out.address.as_ref().map(|a| json!({
            "street_type": a.street_type.map(|t| t.as_str()),
            "street_name": a.street_name.as_str(),
            "number": a.number.as_deref(),
            "km": a.km.as_deref(),
            "floor": a.floor.as_deref(),
            "unit": a.unit.as_deref(),
            "details": a.details.iter().map(|(d, v)| json!({"label": d.label(), "value": v.as_str()})).collect::<Vec<_>>(),
            "extra": a.extra.as_deref(),
            "locality": a.locality.as_deref(),
            "province": a.province.as_deref(),
            "postal_code": a.postal_code.as_deref(),
            "country": a.country.map(|c| c.to_string()),
            "street_key": a.street_key(),
        })),
        "birth_date": out.birth_date.map(crate::standardize::dates::format),
        "national_id": out.national_id.as_ref().map(|id| json!({
            "kind": id.kind().as_str(),
            "canonical": id.canonical(),
            "holder": id.holder().as_str(),
            "person_number": id.person_number(),
        })),
    });
    json!({
        "record": out.record,
        "country": out.country.map(|c| c.to_string()),
        "valid": !out.has_errors(),
        "findings": findings,
        "parsed": parsed,
    })
    .to_string()
}
pub mod changes;
pub mod consolidation;
pub mod listing;
pub mod matching;
pub mod retention;
pub mod stages;
