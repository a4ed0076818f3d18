//! The `#[repr(C)]` event and outcome structs of the fast path.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ffi::c_char;

use super::boundary::{optional_str, required_str, required_str_at, Failure};
use crate::error::Error;
use crate::lifecycle::{Applied, Outcome};
use crate::model::event::{AttrValue, BuiltinKind, Event, EventKind};
use crate::model::limits::Limits;
use crate::model::money::{Currency, Money};
use crate::model::time::Timestamp;

/// A content or site visit.
pub const CICLO_EVENT_KIND_VISIT: u32 = 1;
/// Contact data captured.
pub const CICLO_EVENT_KIND_CONTACT_CAPTURED: u32 = 2;
/// A trial was requested.
pub const CICLO_EVENT_KIND_TRIAL_REQUESTED: u32 = 3;
/// A demo was requested.
pub const CICLO_EVENT_KIND_DEMO_REQUESTED: u32 = 4;
/// A purchase (needs `amount_minor` and `currency`).
pub const CICLO_EVENT_KIND_PURCHASE: u32 = 5;
/// A delivery.
pub const CICLO_EVENT_KIND_DELIVERY: u32 = 6;
/// A support ticket opened.
pub const CICLO_EVENT_KIND_SUPPORT_TICKET: u32 = 7;
/// A support ticket resolved.
pub const CICLO_EVENT_KIND_TICKET_RESOLVED: u32 = 8;
/// A complaint.
pub const CICLO_EVENT_KIND_COMPLAINT: u32 = 9;
/// A satisfaction survey answer (needs `score`).
pub const CICLO_EVENT_KIND_SURVEY: u32 = 10;
/// Product usage (`quantity`).
pub const CICLO_EVENT_KIND_USAGE: u32 = 11;
/// A failed payment.
pub const CICLO_EVENT_KIND_PAYMENT_FAILED: u32 = 12;
/// A renewal.
pub const CICLO_EVENT_KIND_RENEWAL: u32 = 13;
/// A cancellation (`reason`).
pub const CICLO_EVENT_KIND_CANCELLATION: u32 = 14;
/// An outreach contact by the company.
pub const CICLO_EVENT_KIND_OUTREACH: u32 = 15;
/// An offer accepted.
pub const CICLO_EVENT_KIND_OFFER_ACCEPTED: u32 = 16;
/// An offer declined.
pub const CICLO_EVENT_KIND_OFFER_DECLINED: u32 = 17;
/// An unsubscription.
pub const CICLO_EVENT_KIND_UNSUBSCRIBE: u32 = 18;
/// A custom kind declared in the model; its name is in `custom_kind`.
pub const CICLO_EVENT_KIND_CUSTOM: u32 = 1000;

/// The event was applied.
pub const CICLO_APPLIED_APPLIED: u32 = 0;
/// The event id was seen recently: nothing changed.
pub const CICLO_APPLIED_DUPLICATE: u32 = 1;

/// A text attribute: `text`.
pub const CICLO_ATTRIBUTE_TEXT: u32 = 0;
/// A whole number: `integer` (a JSON number without fraction or exponent).
pub const CICLO_ATTRIBUTE_INTEGER: u32 = 1;
/// Any other finite number: `number`.
pub const CICLO_ATTRIBUTE_NUMBER: u32 = 2;
/// A flag: `integer`, 0 (false) or 1 (true).
pub const CICLO_ATTRIBUTE_BOOL: u32 = 3;

/// One host-defined attribute of a `ciclo_event`: a name and a typed value,
/// as the JSON event's `"attributes": {"canal": "web", "cuotas": 3,
/// "tasa": 0.35, "promo": true}` carries them. Zero-initialised, it is a text
/// attribute: `{.key = "canal", .text = "web"}` is `"canal": "web"`.
///
/// Strings are NUL-terminated UTF-8, borrowed for the duration of the call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ciclo_attribute {
    /// The attribute's name (required); unique within the event.
    pub key: *const c_char,
    /// The value when `kind` is `CICLO_ATTRIBUTE_TEXT` (required then);
    /// ignored otherwise.
    pub text: *const c_char,
    /// The value when `kind` is `CICLO_ATTRIBUTE_INTEGER`; 0 or 1 when it is
    /// `CICLO_ATTRIBUTE_BOOL`; ignored otherwise.
    pub integer: i64,
    /// The value when `kind` is `CICLO_ATTRIBUTE_NUMBER` (finite); ignored
    /// otherwise.
    pub number: f64,
    /// One of `CICLO_ATTRIBUTE_*`.
    pub kind: u32,
}

/// An event for `ciclo_engine_apply`, the allocation-light alternative to JSON,
/// which carries everything a JSON event does.
///
/// Strings are borrowed for the duration of the call only. Optional strings may be
/// NULL. Every field is a fixed-size integer, a double or a pointer (no `bool`), so
/// the layout is the same for C, JNA/FFM and P/Invoke. The struct grew
/// `attributes` and `attribute_count` in ABI version 2: a host compiled against an
/// older header passes a shorter struct, which is why `CICLO_ABI_VERSION` changed.
#[repr(C)]
#[derive(Debug)]
pub struct ciclo_event {
    /// The customer (required).
    pub customer_id: *const c_char,
    /// The event's id, for duplicate detection; NULL for none.
    pub event_id: *const c_char,
    /// When it happened, milliseconds since the Unix epoch (UTC).
    pub at_ms: i64,
    /// One of `CICLO_EVENT_KIND_*`.
    pub kind: u32,
    /// The custom kind's name when `kind` is `CICLO_EVENT_KIND_CUSTOM`, else NULL.
    pub custom_kind: *const c_char,
    /// Amount in minor units; read only when `currency` is not NULL.
    pub amount_minor: i64,
    /// ISO 4217 currency of the amount; NULL for no amount.
    pub currency: *const c_char,
    /// Product category or ticket topic; NULL for none.
    pub category: *const c_char,
    /// Reason (cancellation, complaint...); NULL for none.
    pub reason: *const c_char,
    /// Survey score; read only when `has_score` is not 0.
    pub score: f64,
    /// 1 when `score` is set, 0 otherwise (a byte, not `bool`, so that JNA and
    /// P/Invoke marshal the struct without surprises).
    pub has_score: u8,
    /// Usage quantity; read only when `has_quantity` is not 0.
    pub quantity: f64,
    /// 1 when `quantity` is set, 0 otherwise.
    pub has_quantity: u8,
    /// Host-defined attributes, `attribute_count` of them (NULL when the count
    /// is 0): kept with the transition the event causes, as the JSON event's
    /// `attributes` are.
    pub attributes: *const ciclo_attribute,
    /// How many attributes `attributes` points to: at most the engine's
    /// `attributes` limit (256 by default), checked before any is read.
    pub attribute_count: usize,
}

/// What `ciclo_engine_apply` did.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct ciclo_outcome {
    /// `CICLO_APPLIED_APPLIED` or `CICLO_APPLIED_DUPLICATE`.
    pub applied: u32,
    /// 1 when the event created the customer, else 0.
    pub created: u8,
    /// 1 when the stage changed, else 0.
    pub transitioned: u8,
    /// Stage index left (see `ciclo_engine_stage_name`), or -1 without a transition.
    pub from_stage: i32,
    /// Stage index after the event.
    pub stage: i32,
    /// Index of the rule that fired (see `ciclo_engine_rule_name`), or -1.
    pub rule: i32,
    /// When the transition happened (the event's time), or 0.
    pub at_ms: i64,
}

/// A reusable event per thread: the fast path fills its strings in place, so that
/// applying a struct event allocates nothing once the buffers have grown.
struct Scratch {
    event: Event,
    /// Buffers of the optional strings while they are unset.
    spare: Vec<String>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch {
        event: Event::new(String::new(), Timestamp::MIN, BuiltinKind::Visit),
        spare: Vec::new(),
    });
}

/// Sets an optional string field, reusing buffers.
fn fill(field: &mut Option<String>, value: Option<&str>, spare: &mut Vec<String>) {
    match (field.as_mut(), value) {
        (Some(buf), Some(v)) => {
            buf.clear();
            buf.push_str(v);
        }
        (None, Some(v)) => {
            let mut buf = spare.pop().unwrap_or_default();
            buf.push_str(v);
            *field = Some(buf);
        }
        (Some(_), None) => {
            let mut buf = field.take().expect("checked");
            buf.clear();
            spare.push(buf);
        }
        (None, None) => {}
    }
}

/// Reads the attributes of a C event into `into` (emptied first), within
/// `limits`: the count before any is read, each key and text before it is
/// copied.
///
/// # Safety
/// As [`with_event`].
unsafe fn read_attributes(
    e: &ciclo_event,
    limits: &Limits,
    into: &mut BTreeMap<String, AttrValue>,
) -> Result<(), Failure> {
    into.clear();
    if e.attribute_count == 0 {
        return Ok(());
    }
    if e.attribute_count > limits.attributes {
        return Err(Error::invalid(
            "event->attribute_count",
            format!(
                "{} attributes; at most {} are accepted (limits.attributes)",
                e.attribute_count, limits.attributes
            ),
        )
        .into());
    }
    if e.attributes.is_null() {
        return Err(Failure::Null("event->attributes"));
    }
    // SAFETY: the host gives `attribute_count` attributes at `attributes`.
    let list = std::slice::from_raw_parts(e.attributes, e.attribute_count);
    for (i, a) in list.iter().enumerate() {
        let at = |what: &str| format!("event->attributes[{i}].{what}");
        let too_long = |what: &str, len: usize, max: usize, limit: &str| -> Failure {
            Error::invalid(
                at(what),
                format!("{len} bytes; at most {max} are accepted (limits.{limit})"),
            )
            .into()
        };
        let key = required_str_at(a.key, || at("key"))?;
        if key.len() > limits.attribute_key_bytes {
            return Err(too_long(
                "key",
                key.len(),
                limits.attribute_key_bytes,
                "attribute_key_bytes",
            ));
        }
        let value = match a.kind {
            CICLO_ATTRIBUTE_TEXT => {
                let text = required_str_at(a.text, || at("text"))?;
                if text.len() > limits.attribute_value_bytes {
                    return Err(too_long(
                        "text",
                        text.len(),
                        limits.attribute_value_bytes,
                        "attribute_value_bytes",
                    ));
                }
                AttrValue::Text(text.to_string())
            }
            CICLO_ATTRIBUTE_INTEGER => AttrValue::Integer(a.integer),
            CICLO_ATTRIBUTE_NUMBER if a.number.is_finite() => AttrValue::Number(a.number),
            CICLO_ATTRIBUTE_NUMBER => {
                return Err(Error::invalid(at("number"), "numbers must be finite").into())
            }
            CICLO_ATTRIBUTE_BOOL => match a.integer {
                0 => AttrValue::Bool(false),
                1 => AttrValue::Bool(true),
                other => {
                    return Err(Error::invalid(
                        at("integer"),
                        format!("{other} is not a flag: 0 (false) or 1 (true)"),
                    )
                    .into())
                }
            },
            other => {
                return Err(Error::invalid(
                    at("kind"),
                    format!(
                        "{other} is not one of CICLO_ATTRIBUTE_TEXT (0), _INTEGER (1), \
                         _NUMBER (2), _BOOL (3)"
                    ),
                )
                .into())
            }
        };
        if into.contains_key(key) {
            return Err(Error::invalid(
                at("key"),
                format!(
                    "`{}` is given twice; keys are unique",
                    crate::model::time::clip(key)
                ),
            )
            .into());
        }
        into.insert(key.to_string(), value);
    }
    Ok(())
}

/// Converts a C event and runs `f` on it (the event lives in a per-thread buffer);
/// `limits` bound its attributes.
///
/// # Safety
/// Every non-NULL string pointer in `e` is NUL-terminated and valid for the call,
/// and `e.attributes` points to `e.attribute_count` attributes.
pub(crate) unsafe fn with_event<R>(
    e: &ciclo_event,
    limits: &Limits,
    f: impl FnOnce(&Event) -> Result<R, Error>,
) -> Result<R, Failure> {
    let customer = required_str(e.customer_id, "event->customer_id")?;
    let kind = match e.kind {
        CICLO_EVENT_KIND_CUSTOM => {
            EventKind::Custom(required_str(e.custom_kind, "event->custom_kind")?.to_string())
        }
        code => match BuiltinKind::from_code(code) {
            Some(b) => EventKind::Builtin(b),
            None => {
                return Err(Error::UnknownEventKind {
                    field: "event->kind".into(),
                    kind: code.to_string(),
                }
                .into())
            }
        },
    };
    let at = Timestamp::from_millis(e.at_ms, "event->at_ms")?;
    let amount = match optional_str(e.currency, "event->currency")? {
        Some(code) => Some(Money::non_negative(
            e.amount_minor,
            Currency::parse(code, "event->currency")?,
            "event->amount_minor",
        )?),
        None => None,
    };
    let id = optional_str(e.event_id, "event->event_id")?;
    let category = optional_str(e.category, "event->category")?;
    let reason = optional_str(e.reason, "event->reason")?;
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        let Scratch { event, spare } = &mut *scratch;
        event.customer.clear();
        event.customer.push_str(customer);
        event.at = at;
        event.kind = kind;
        event.amount = amount;
        fill(&mut event.id, id, spare);
        fill(&mut event.category, category, spare);
        fill(&mut event.reason, reason, spare);
        event.score = (e.has_score != 0).then_some(e.score);
        event.quantity = (e.has_quantity != 0).then_some(e.quantity);
        read_attributes(e, limits, &mut event.attributes)?;
        f(event).map_err(Failure::from)
    })
}

/// Converts an outcome to its C struct.
pub(crate) fn to_c_outcome(outcome: &Outcome) -> ciclo_outcome {
    let t = outcome.transition.as_ref();
    ciclo_outcome {
        applied: match outcome.applied {
            Applied::Applied => CICLO_APPLIED_APPLIED,
            Applied::Duplicate => CICLO_APPLIED_DUPLICATE,
        },
        created: u8::from(outcome.created),
        transitioned: u8::from(t.is_some()),
        from_stage: t.map_or(-1, |t| t.from.index() as i32),
        stage: outcome.stage.index() as i32,
        rule: t.map_or(-1, |t| t.rule.index() as i32),
        at_ms: t.map_or(0, |t| t.at.as_millis()),
    }
}
