//! Customer events: what a CRM tells the engine happened.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::limits::Limits;
use crate::model::money::Money;
use crate::model::time::{clip, Timestamp};

/// Longest customer id, event id, category or reason accepted, in bytes.
pub const MAX_TEXT_LEN: usize = 1024;

/// Largest usage quantity accepted: bounded so that sums over a customer's whole life
/// stay finite.
pub const MAX_QUANTITY: f64 = 1e12;

macro_rules! builtin_kinds {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $name:literal; )*) => {
        /// The kinds of event the engine knows without configuration.
        ///
        /// The number of each kind is its stable code in the C ABI
        /// (`CICLO_EVENT_KIND_*`); custom kinds declared in the stage model use
        /// [`EventKind::Custom`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u32)]
        pub enum BuiltinKind {
            $( $(#[$doc])* $variant = $code, )*
        }

        impl BuiltinKind {
            /// Every built-in kind, in code order.
            pub const ALL: &'static [BuiltinKind] = &[$(BuiltinKind::$variant),*];

            /// The JSON name of the kind (`purchase`, `support_ticket`, ...).
            pub fn name(self) -> &'static str {
                match self { $(BuiltinKind::$variant => $name,)* }
            }

            /// The kind with this JSON name.
            pub fn from_name(name: &str) -> Option<BuiltinKind> {
                match name { $($name => Some(BuiltinKind::$variant),)* _ => None }
            }

            /// The kind with this C ABI code.
            pub fn from_code(code: u32) -> Option<BuiltinKind> {
                match code { $($code => Some(BuiltinKind::$variant),)* _ => None }
            }
        }
    };
}

builtin_kinds! {
    /// A content or site visit (page view, email opened, webinar attended).
    Visit = 1, "visit";
    /// Contact data captured (form filled, lead created with email or phone).
    ContactCaptured = 2, "contact_captured";
    /// A trial was requested.
    TrialRequested = 3, "trial_requested";
    /// A demo was requested.
    DemoRequested = 4, "demo_requested";
    /// A purchase; requires `amount` and `currency`, may carry a product `category`.
    Purchase = 5, "purchase";
    /// An order was delivered.
    Delivery = 6, "delivery";
    /// A support ticket was opened.
    SupportTicket = 7, "support_ticket";
    /// A support ticket was resolved.
    TicketResolved = 8, "ticket_resolved";
    /// A complaint (a signal of discontent).
    Complaint = 9, "complaint";
    /// A satisfaction survey answer; requires `score` (NPS 0-10, CSAT 1-5, or 0-100).
    Survey = 10, "survey";
    /// Product usage; `quantity` (default 1) of whatever the host measures.
    Usage = 11, "usage";
    /// A payment failed.
    PaymentFailed = 12, "payment_failed";
    /// A subscription or contract was renewed; `amount` is optional.
    Renewal = 13, "renewal";
    /// The customer cancelled; `reason` is optional and kept.
    Cancellation = 14, "cancellation";
    /// The company contacted the customer (call, visit, personal email).
    Outreach = 15, "outreach";
    /// The customer accepted an offer.
    OfferAccepted = 16, "offer_accepted";
    /// The customer declined an offer.
    OfferDeclined = 17, "offer_declined";
    /// The customer unsubscribed from communications.
    Unsubscribe = 18, "unsubscribe";
}

impl fmt::Display for BuiltinKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The kind of an event: built in, or custom and declared in the stage model's
/// `custom_events`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKind {
    /// A built-in kind.
    Builtin(BuiltinKind),
    /// A custom kind, by name.
    Custom(String),
}

impl EventKind {
    /// The JSON name of the kind.
    pub fn name(&self) -> &str {
        match self {
            EventKind::Builtin(b) => b.name(),
            EventKind::Custom(name) => name,
        }
    }

    /// The built-in kind of this name, or a custom kind.
    ///
    /// Whether a custom kind is declared is checked against a stage model when the
    /// event is applied.
    pub fn from_name(name: &str) -> EventKind {
        match BuiltinKind::from_name(name) {
            Some(b) => EventKind::Builtin(b),
            None => EventKind::Custom(name.to_string()),
        }
    }

    fn is(&self, b: BuiltinKind) -> bool {
        *self == EventKind::Builtin(b)
    }
}

impl From<BuiltinKind> for EventKind {
    fn from(b: BuiltinKind) -> EventKind {
        EventKind::Builtin(b)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A host-defined attribute value attached to an event.
///
/// In JSON it is a plain boolean, number or string.
#[derive(Clone, Debug, PartialEq)]
pub enum AttrValue {
    /// A boolean.
    Bool(bool),
    /// An integer (JSON numbers without fraction or exponent that fit 64 bits), kept
    /// exactly.
    Integer(i64),
    /// Any other finite number.
    Number(f64),
    /// A string.
    Text(String),
}

// JSON carries attribute values untagged; binary encodings (which cannot guess a
// type) carry them tagged.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Untagged {
    Bool(bool),
    Integer(i64),
    Number(f64),
    Text(String),
}

#[derive(Serialize, Deserialize)]
enum Tagged {
    Bool(bool),
    Integer(i64),
    Number(f64),
    Text(String),
}

impl Serialize for AttrValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match (s.is_human_readable(), self.clone()) {
            (true, AttrValue::Bool(b)) => Untagged::Bool(b).serialize(s),
            (true, AttrValue::Integer(i)) => Untagged::Integer(i).serialize(s),
            (true, AttrValue::Number(n)) => Untagged::Number(n).serialize(s),
            (true, AttrValue::Text(t)) => Untagged::Text(t).serialize(s),
            (false, AttrValue::Bool(b)) => Tagged::Bool(b).serialize(s),
            (false, AttrValue::Integer(i)) => Tagged::Integer(i).serialize(s),
            (false, AttrValue::Number(n)) => Tagged::Number(n).serialize(s),
            (false, AttrValue::Text(t)) => Tagged::Text(t).serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for AttrValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        if d.is_human_readable() {
            Ok(
                match Untagged::deserialize(d).map_err(|_| {
                    serde::de::Error::custom("an attribute is a boolean, a number or a string")
                })? {
                    Untagged::Bool(b) => AttrValue::Bool(b),
                    Untagged::Integer(i) => AttrValue::Integer(i),
                    Untagged::Number(n) => AttrValue::Number(n),
                    Untagged::Text(t) => AttrValue::Text(t),
                },
            )
        } else {
            Ok(match Tagged::deserialize(d)? {
                Tagged::Bool(b) => AttrValue::Bool(b),
                Tagged::Integer(i) => AttrValue::Integer(i),
                Tagged::Number(n) => AttrValue::Number(n),
                Tagged::Text(t) => AttrValue::Text(t),
            })
        }
    }
}

/// One thing that happened to one customer.
///
/// Build one with [`Event::new`] and the `with_*` methods, or read one from JSON
/// with [`crate::json::event_from_json`]. Which optional fields a kind accepts is
/// checked by [`Event::validate`], which every entry point calls.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The host's id for the event; redelivery of an id is recognised as a
    /// duplicate (see the crate docs). Optional.
    pub id: Option<String>,
    /// The customer the event is about.
    pub customer: String,
    /// When it happened.
    pub at: Timestamp,
    /// What happened.
    pub kind: EventKind,
    /// Amount of a purchase or renewal.
    pub amount: Option<Money>,
    /// Product category of a purchase or renewal, or topic of a ticket or complaint.
    pub category: Option<String>,
    /// Survey score (finite, 0 to 100).
    pub score: Option<f64>,
    /// Usage quantity (finite, 0 to [`MAX_QUANTITY`]).
    pub quantity: Option<f64>,
    /// Reason of a cancellation, complaint, declined offer, unsubscription, failed
    /// payment or ticket.
    pub reason: Option<String>,
    /// Host-defined attributes. The lifecycle does not interpret them; they are kept
    /// with the transition the event causes.
    pub attributes: BTreeMap<String, AttrValue>,
}

impl Event {
    /// An event with no optional fields.
    pub fn new(customer: impl Into<String>, at: Timestamp, kind: impl Into<EventKind>) -> Event {
        Event {
            id: None,
            customer: customer.into(),
            at,
            kind: kind.into(),
            amount: None,
            category: None,
            score: None,
            quantity: None,
            reason: None,
            attributes: BTreeMap::new(),
        }
    }

    /// Sets the event id.
    pub fn with_id(mut self, id: impl Into<String>) -> Event {
        self.id = Some(id.into());
        self
    }

    /// Sets the amount.
    pub fn with_amount(mut self, amount: Money) -> Event {
        self.amount = Some(amount);
        self
    }

    /// Sets the category.
    pub fn with_category(mut self, category: impl Into<String>) -> Event {
        self.category = Some(category.into());
        self
    }

    /// Sets the survey score.
    pub fn with_score(mut self, score: f64) -> Event {
        self.score = Some(score);
        self
    }

    /// Sets the usage quantity.
    pub fn with_quantity(mut self, quantity: f64) -> Event {
        self.quantity = Some(quantity);
        self
    }

    /// Sets the reason.
    pub fn with_reason(mut self, reason: impl Into<String>) -> Event {
        self.reason = Some(reason.into());
        self
    }

    /// Sets an attribute (replacing one of the same name).
    pub fn with_attribute(mut self, name: impl Into<String>, value: AttrValue) -> Event {
        self.attributes.insert(name.into(), value);
        self
    }

    /// Checks every field of the event on its own (not against a stage model):
    /// non-empty ids, which optional fields the kind accepts, amounts, scores and
    /// quantities. Errors name the field as `event.<field>`. Attributes are
    /// checked against the default [`Limits`]: see [`Event::validate_with`].
    pub fn validate(&self) -> Result<()> {
        self.validate_with(&Limits::DEFAULT)
    }

    /// [`Event::validate`] with the attribute bounds of `limits`: at most
    /// `limits.attributes` attributes (an error naming `event.attributes`), keys
    /// of at most `limits.attribute_key_bytes` and text values of at most
    /// `limits.attribute_value_bytes` (errors naming the attribute).
    pub fn validate_with(&self, limits: &Limits) -> Result<()> {
        check_text("event.customer", &self.customer, false)?;
        if let Some(id) = &self.id {
            check_text("event.id", id, false)?;
        }
        if let EventKind::Custom(name) = &self.kind {
            check_text("event.kind", name, false)?;
        }
        use BuiltinKind as K;
        let money_kind = self.kind.is(K::Purchase) || self.kind.is(K::Renewal);
        match &self.amount {
            Some(m) if !money_kind => return Err(not_for("amount", &self.kind)),
            Some(m) if m.minor < 0 => {
                return Err(Error::InvalidAmount {
                    field: "event.amount".into(),
                    message: format!("{} is negative; amounts are minor units >= 0", m.minor),
                })
            }
            None if self.kind.is(K::Purchase) => {
                return Err(Error::InvalidAmount {
                    field: "event.amount".into(),
                    message: "a purchase needs an amount (minor units) and a currency".into(),
                })
            }
            _ => {}
        }
        if let Some(category) = &self.category {
            let ok = money_kind
                || self.kind.is(K::SupportTicket)
                || self.kind.is(K::Complaint)
                || matches!(self.kind, EventKind::Custom(_));
            if !ok {
                return Err(not_for("category", &self.kind));
            }
            check_text("event.category", category, true)?;
        }
        match self.score {
            Some(_) if !self.kind.is(K::Survey) => return Err(not_for("score", &self.kind)),
            Some(s) if !(s.is_finite() && (0.0..=100.0).contains(&s)) => {
                return Err(Error::invalid(
                    "event.score",
                    format!("{s} is not within 0 to 100"),
                ))
            }
            None if self.kind.is(K::Survey) => {
                return Err(Error::invalid(
                    "event.score",
                    "a survey event needs a score",
                ))
            }
            _ => {}
        }
        match self.quantity {
            Some(_) if !self.kind.is(K::Usage) => return Err(not_for("quantity", &self.kind)),
            Some(q) if !(q.is_finite() && (0.0..=MAX_QUANTITY).contains(&q)) => {
                return Err(Error::invalid(
                    "event.quantity",
                    format!("{q} is not a number from 0 to {MAX_QUANTITY:e}"),
                ))
            }
            _ => {}
        }
        if let Some(reason) = &self.reason {
            let ok = matches!(
                self.kind,
                EventKind::Builtin(
                    K::Cancellation
                        | K::Complaint
                        | K::OfferDeclined
                        | K::Unsubscribe
                        | K::PaymentFailed
                        | K::SupportTicket
                ) | EventKind::Custom(_)
            );
            if !ok {
                return Err(not_for("reason", &self.kind));
            }
            check_text("event.reason", reason, true)?;
        }
        if self.attributes.len() > limits.attributes {
            return Err(Error::invalid(
                "event.attributes",
                format!(
                    "{} attributes; at most {} are accepted (limits.attributes)",
                    self.attributes.len(),
                    limits.attributes
                ),
            ));
        }
        for (key, value) in &self.attributes {
            let field = || format!("event.attributes.{}", clip(key));
            if key.len() > limits.attribute_key_bytes {
                return Err(Error::invalid(
                    field(),
                    format!(
                        "the key is {} bytes; at most {} are accepted (limits.attribute_key_bytes)",
                        key.len(),
                        limits.attribute_key_bytes
                    ),
                ));
            }
            if !text_is_clean_within(key, false, usize::MAX) {
                if let Some(message) = text_problem_within(key, false, usize::MAX) {
                    return Err(Error::invalid(field(), message));
                }
            }
            match value {
                AttrValue::Number(n) if !n.is_finite() => {
                    return Err(Error::invalid(field(), "numbers must be finite"))
                }
                AttrValue::Text(t) if t.len() > limits.attribute_value_bytes => {
                    return Err(Error::invalid(
                        field(),
                        format!(
                            "the value is {} bytes; at most {} are accepted \
                             (limits.attribute_value_bytes)",
                            t.len(),
                            limits.attribute_value_bytes
                        ),
                    ))
                }
                AttrValue::Text(t) if !text_is_clean_within(t, true, usize::MAX) => {
                    if let Some(message) = text_problem_within(t, true, usize::MAX) {
                        return Err(Error::invalid(field(), message));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

fn not_for(field: &str, kind: &EventKind) -> Error {
    Error::invalid(
        format!("event.{field}"),
        format!("not accepted for events of kind `{kind}`"),
    )
}

#[inline]
fn check_text(field: &str, text: &str, allow_empty: bool) -> Result<()> {
    if text_is_clean(text, allow_empty) {
        Ok(())
    } else {
        text_error(field, text, allow_empty)
    }
}

/// The slow half of [`check_text`], kept out of line so that the common clean
/// case pays for no error building.
#[cold]
#[inline(never)]
fn text_error(field: &str, text: &str, allow_empty: bool) -> Result<()> {
    match text_problem(text, allow_empty) {
        None => Ok(()),
        Some(message) => Err(Error::invalid(field, message)),
    }
}

/// The fast yes of [`text_problem`]: non-empty (unless allowed), within the length
/// limit, and no byte that can start a control character (below 0x20, 0x7f, or 0xc2,
/// which leads U+0080 to U+009F). A `false` is then explained by `text_problem`.
#[inline]
fn text_is_clean(text: &str, allow_empty: bool) -> bool {
    text_is_clean_within(text, allow_empty, MAX_TEXT_LEN)
}

/// [`text_is_clean`] with `max` bytes instead of [`MAX_TEXT_LEN`].
#[inline]
fn text_is_clean_within(text: &str, allow_empty: bool, max: usize) -> bool {
    let bytes = text.as_bytes();
    (allow_empty || !bytes.is_empty()) && bytes.len() <= max && !has_suspect_byte(bytes)
}

/// Whether any byte is below 0x20, 0x7f or 0xc2, eight bytes at a time: a text of
/// 4 to 16 bytes (most ids) costs one or two word tests, overlapping at the ends.
#[inline]
fn has_suspect_byte(bytes: &[u8]) -> bool {
    let n = bytes.len();
    let word = |i: usize| u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
    if n >= 8 {
        let mut found = 0;
        let mut i = 0;
        while i + 8 < n {
            found |= suspect_bytes(word(i));
            i += 8;
        }
        found |= suspect_bytes(word(n - 8));
        found != 0
    } else if n >= 4 {
        let half = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
        suspect_bytes(u64::from(half(0)) | u64::from(half(n - 4)) << 32) != 0
    } else {
        bytes.iter().any(|&b| b < 0x20 || b == 0x7f || b == 0xc2)
    }
}

/// Non-zero when some byte of `w` is below 0x20, 0x7f or 0xc2 (the classic
/// "has less than" and "has zero byte" word tests; exact as a yes or no).
#[inline]
fn suspect_bytes(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    (w.wrapping_sub(ONES * 0x20) & !w & HIGH) | zero(w ^ (ONES * 0x7f)) | zero(w ^ (ONES * 0xc2))
}

/// What is wrong with a text field, if anything: empty (unless allowed), longer than
/// [`MAX_TEXT_LEN`], or containing a control character (Unicode category Cc: U+0000
/// to U+001F and U+007F to U+009F).
pub(crate) fn text_problem(text: &str, allow_empty: bool) -> Option<String> {
    text_problem_within(text, allow_empty, MAX_TEXT_LEN)
}

/// [`text_problem`] with `max` bytes instead of [`MAX_TEXT_LEN`].
fn text_problem_within(text: &str, allow_empty: bool, max: usize) -> Option<String> {
    if text_is_clean_within(text, allow_empty, max) {
        return None;
    }
    if text.is_empty() && !allow_empty {
        return Some("must not be empty".into());
    }
    if text.len() > max {
        return Some(format!(
            "{} bytes is longer than the limit of {max}",
            text.len()
        ));
    }
    let bytes = text.as_bytes();
    let control = bytes.iter().enumerate().any(|(i, &b)| {
        b < 0x20 || b == 0x7f || (b == 0xc2 && matches!(bytes.get(i + 1), Some(0x80..=0x9f)))
    });
    control.then(|| "must not contain control characters".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::money::Currency;

    fn t() -> Timestamp {
        Timestamp::parse("2026-01-01T00:00:00Z", "t").unwrap()
    }

    #[test]
    fn word_scan_agrees_with_bytewise_scan() {
        let naive = |b: &[u8]| b.iter().any(|&c| c < 0x20 || c == 0x7f || c == 0xc2);
        for len in 0..=24usize {
            for background in [b'a', 0xc3, 0xff, 0x20, 0x80] {
                let clean = vec![background; len];
                assert_eq!(has_suspect_byte(&clean), naive(&clean), "len {len}");
                for pos in 0..len {
                    for byte in 0..=255u8 {
                        let mut text = clean.clone();
                        text[pos] = byte;
                        assert_eq!(has_suspect_byte(&text), naive(&text), "{text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn kind_names_round_trip() {
        for &k in BuiltinKind::ALL {
            assert_eq!(BuiltinKind::from_name(k.name()), Some(k));
            assert_eq!(BuiltinKind::from_code(k as u32), Some(k));
        }
        assert_eq!(BuiltinKind::from_code(0), None);
    }

    #[test]
    fn control_characters_are_found_in_any_script() {
        for bad in ["a\u{0}b", "tab\there", "del\u{7f}", "c1\u{85}x", "\u{9f}"] {
            assert!(text_problem(bad, true).is_some(), "{bad:?}");
        }
        for good in [
            "José Pérez",
            "electrónica",
            "Ñandú",
            "名前",
            "\u{a0}nbsp",
            "\u{100}",
        ] {
            assert!(text_problem(good, true).is_none(), "{good:?}");
        }
        for c in (0u32..0x250).filter_map(char::from_u32) {
            for pad in 0..20 {
                let s = format!("{}{c}{}", "x".repeat(pad), "yz".repeat(pad % 7));
                assert_eq!(
                    text_problem(&s, true).is_some(),
                    c.is_control(),
                    "{c:?} at {pad}"
                );
            }
        }
    }

    #[test]
    fn validation_names_the_field() {
        let ars = Currency::parse("ARS", "c").unwrap();
        let purchase = Event::new("c1", t(), BuiltinKind::Purchase);
        assert!(purchase
            .validate()
            .unwrap_err()
            .to_string()
            .contains("event.amount"));
        let ok = purchase.clone().with_amount(Money {
            minor: 100,
            currency: ars,
        });
        ok.validate().unwrap();
        let neg = purchase.with_amount(Money {
            minor: -5,
            currency: ars,
        });
        assert_eq!(
            neg.validate().unwrap_err().kind(),
            crate::ErrorKind::InvalidAmount
        );
        let visit = Event::new("c1", t(), BuiltinKind::Visit).with_score(3.0);
        assert!(visit
            .validate()
            .unwrap_err()
            .to_string()
            .contains("event.score"));
        let empty = Event::new("", t(), BuiltinKind::Visit);
        assert!(empty
            .validate()
            .unwrap_err()
            .to_string()
            .contains("event.customer"));
        let nan = Event::new("c", t(), BuiltinKind::Usage).with_quantity(f64::NAN);
        assert!(nan.validate().is_err());
    }
}
