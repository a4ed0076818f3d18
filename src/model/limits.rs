//! [`Limits`]: the bounds on what one input may hold, so that no single call can
//! make the library allocate or keep memory out of proportion to a real CRM's data.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::record::Record;
use crate::model::time::clip;

/// Bounds on the size of inputs, checked before the input is parsed or stored.
///
/// The defaults are far above what a real CRM sends (an event with a handful of
/// attributes is a few hundred bytes; a customer record a few hundred) but bound
/// the memory one call can take and the state an engine keeps per event. They
/// apply wherever a function takes no limits: the pure step API
/// ([`lifecycle::step()`](crate::lifecycle::step())), [`Event::validate`](crate::model::Event::validate),
/// [`json::event_from_json`](crate::json::event_from_json),
/// [`json::record_from_json`](crate::json::record_from_json), batch
/// deduplication (`ciclo_dedup_json`) and record standardisation
/// (`ciclo_record_standardize_json`). An [`Engine`](crate::Engine) has its own,
/// set with [`Engine::set_limits`](crate::Engine::set_limits) (C:
/// `ciclo_engine_set_limits_json`).
///
/// | Field | Default | Why this default |
/// |---|---|---|
/// | `event_json_bytes` | 1 MiB | An event is a few hundred bytes; 1 MiB holds the largest event the other limits allow (256 attributes of 1 KiB keys and values, JSON-escaped) with room to spare, and is checked before the text is parsed. |
/// | `attributes` | 256 | Attributes are a host's tags (`canal`, `campaña`, `utm_source`): a few per event. 256 bounds what each transition keeps in the state to at most 512 KiB. |
/// | `attribute_key_bytes` | 1 KiB | The same bound as every other name and id of an event (`event.customer`, `event.kind`), which attribute keys always had. |
/// | `attribute_value_bytes` | 1 KiB | The same bound as an event's `category` and `reason`, which text attributes always had. |
/// | `record_json_bytes` | 256 KiB | A record's 17 fields of at most 1 KiB each, with every character escaped as `\uXXXX` (6 bytes), fit in about 102 KiB; checked before an ingest request or a record is parsed. |
/// | `record_field_bytes` | 1 KiB | The longest real values (a street line with building details, a company's legal name) are under 200 bytes; the standardisers never use more than the first few hundred. |
/// | `hierarchy_depth` | 64 | Corporate groups are a handful of levels deep, households one or two. It also bounds the work of each link: the cycle and depth check walks at most this many ancestors. |
///
/// An input over a limit gets an error naming the field and the limit:
/// [`Error::InvalidArgument`] (`event`, `record.surname`, `child`) or, for what
/// is refused while the JSON is read (the `attributes` of an event),
/// [`Error::Json`] naming `attributes`. A deeper hierarchy is an
/// [`Error::Conflict`] naming `child`, as a cycle is.
///
/// In JSON every field is optional (missing ones keep their default); unknown
/// fields are errors:
///
/// ```
/// use ciclo::model::Limits;
///
/// let limits: Limits = serde_json::from_str(r#"{"attributes": 16, "hierarchy_depth": 8}"#)?;
/// assert_eq!(limits.attributes, 16);
/// assert_eq!(limits.event_json_bytes, Limits::default().event_json_bytes);
/// assert!(serde_json::from_str::<Limits>(r#"{"atributes": 16}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Longest event JSON text, in bytes (default 1 MiB).
    pub event_json_bytes: usize,
    /// Most attributes on one event (default 256).
    pub attributes: usize,
    /// Longest attribute key, in bytes (default 1 KiB).
    pub attribute_key_bytes: usize,
    /// Longest text attribute value, in bytes (default 1 KiB).
    pub attribute_value_bytes: usize,
    /// Longest record JSON text (a record, an ingest request, a line of a
    /// batch), in bytes (default 256 KiB).
    pub record_json_bytes: usize,
    /// Longest record field, in bytes (default 1 KiB).
    pub record_field_bytes: usize,
    /// Most links from a hierarchy's root down to any customer (default 64).
    pub hierarchy_depth: usize,
}

impl Limits {
    /// The defaults (see the table in the type's documentation).
    pub const DEFAULT: Limits = Limits {
        event_json_bytes: 1 << 20,
        attributes: 256,
        attribute_key_bytes: 1024,
        attribute_value_bytes: 1024,
        record_json_bytes: 256 << 10,
        record_field_bytes: 1024,
        hierarchy_depth: 64,
    };

    /// Largest value any limit may be set to (1 GiB): larger ones would no
    /// longer bound anything.
    pub const MAX: usize = 1 << 30;

    /// Checks that every limit is at least 1 and at most [`Limits::MAX`].
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the limit (`limits.attributes`).
    pub fn validate(&self) -> Result<()> {
        for (name, value) in [
            ("event_json_bytes", self.event_json_bytes),
            ("attributes", self.attributes),
            ("attribute_key_bytes", self.attribute_key_bytes),
            ("attribute_value_bytes", self.attribute_value_bytes),
            ("record_json_bytes", self.record_json_bytes),
            ("record_field_bytes", self.record_field_bytes),
            ("hierarchy_depth", self.hierarchy_depth),
        ] {
            if !(1..=Limits::MAX).contains(&value) {
                return Err(Error::config(
                    format_args!("limits.{name}"),
                    format_args!("{value} is not from 1 to {}", Limits::MAX),
                ));
            }
        }
        Ok(())
    }

    /// Checks the length of a JSON text before it is parsed: `what` names the
    /// input (`event`, `record`), `limit` the field of `Limits` and `max` its value.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `what`.
    pub(crate) fn check_json_len(what: &str, text: &str, limit: &str, max: usize) -> Result<()> {
        if text.len() <= max {
            Ok(())
        } else {
            Err(Error::invalid(
                what,
                format_args!(
                    "the JSON text is {} bytes; at most {max} are accepted (limits.{limit})",
                    text.len()
                ),
            ))
        }
    }

    /// Checks every field of a record against
    /// [`record_field_bytes`](Limits::record_field_bytes).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the field (`record.surname`).
    pub fn check_record(&self, record: &Record) -> Result<()> {
        let max = self.record_field_bytes;
        for (name, value) in record_fields(record) {
            if let Some(v) = value {
                if v.len() > max {
                    return Err(Error::invalid(
                        format_args!("record.{name}"),
                        format_args!(
                            "{} bytes (`{}`); at most {max} are accepted (limits.record_field_bytes)",
                            v.len(),
                            clip(v)
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

/// Every field of a record with its JSON name.
fn record_fields(r: &Record) -> [(&'static str, &Option<String>); 17] {
    [
        ("title", &r.title),
        ("given_name", &r.given_name),
        ("surname", &r.surname),
        ("full_name", &r.full_name),
        ("company", &r.company),
        ("email", &r.email),
        ("phone", &r.phone),
        ("mobile", &r.mobile),
        ("street", &r.street),
        ("street_number", &r.street_number),
        ("address_extra", &r.address_extra),
        ("locality", &r.locality),
        ("province", &r.province),
        ("postal_code", &r.postal_code),
        ("country", &r.country),
        ("birth_date", &r.birth_date),
        ("national_id", &r.national_id),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_zero_is_not() {
        assert!(Limits::default().validate().is_ok());
        let err = Limits {
            attributes: 0,
            ..Limits::DEFAULT
        }
        .validate()
        .unwrap_err();
        assert!(err.to_string().contains("limits.attributes"), "{err}");
    }

    #[test]
    fn long_record_fields_are_named() {
        let record = Record {
            surname: Some("x".repeat(20 << 20)),
            ..Record::default()
        };
        let err = Limits::default().check_record(&record).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("record.surname"), "{text}");
        assert!(text.contains("record_field_bytes"), "{text}");
        assert!(text.len() < 300, "{text}");
        let ok = Record {
            surname: Some("x".repeat(1024)),
            ..Record::default()
        };
        assert!(Limits::default().check_record(&ok).is_ok());
    }
}
