//! The JSON of host attributes and segments: attributes a host sets
//! (`ciclo_engine_set_attributes_json`), a customer's segments
//! (`ciclo_engine_segments_json`) and the segment counts
//! (`ciclo_engine_segment_counts_json`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::to_sorted_json;
use crate::error::Result;
use crate::lifecycle::model::MAX_NAME_LEN;
use crate::lifecycle::profile::{MAX_ATTRIBUTES, MAX_TEXT_VALUE};
use crate::lifecycle::{SegmentId, StageModel};
use crate::model::event::AttrValue;
use crate::model::time::{clip, Timestamp};

/// Attributes to set: an object of attribute names to values, `null` to
/// remove one (`{"province": "Córdoba", "employees": 40, "birth_date":
/// "1980-05-17", "industry": null}`).
#[derive(Debug, Default)]
pub(crate) struct AttributesJson(pub(crate) BTreeMap<String, Option<AttrValue>>);

#[cfg(feature = "schema")]
impl schemars::JsonSchema for AttributesJson {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Attributes".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Host attributes to set, by name: a number, a string (a text, a category's value, a date as YYYY-MM-DD), or null to remove the attribute. Every name must be declared in the model's `attributes`.",
            "type": "object",
            "maxProperties": MAX_ATTRIBUTES,
            "propertyNames": {"minLength": 1, "maxLength": MAX_NAME_LEN},
            "additionalProperties": {
                "anyOf": [
                    {"type": "number"},
                    {"type": "string", "maxLength": MAX_TEXT_VALUE},
                    {"type": "null"}
                ]
            }
        })
    }
}

impl<'de> Deserialize<'de> for AttributesJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = AttributesJson;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of attribute names to values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<AttributesJson, A::Error> {
                use serde::de::Error as _;
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    if out.len() >= MAX_ATTRIBUTES {
                        return Err(A::Error::custom(format!(
                            "more than {MAX_ATTRIBUTES} attributes"
                        )));
                    }
                    if key.len() > MAX_NAME_LEN {
                        return Err(A::Error::custom(format!(
                            "attribute name `{}` is longer than {MAX_NAME_LEN} bytes",
                            clip(&key)
                        )));
                    }
                    if out.contains_key(&key) {
                        return Err(A::Error::custom(format!("duplicate key `{}`", clip(&key))));
                    }
                    let value: Option<AttrValue> = map.next_value()?;
                    if let Some(AttrValue::Text(t)) = &value {
                        if t.len() > MAX_TEXT_VALUE {
                            return Err(A::Error::custom(format!(
                                "attribute `{}` is longer than {MAX_TEXT_VALUE} bytes",
                                clip(&key)
                            )));
                        }
                    }
                    out.insert(key, value);
                }
                Ok(AttributesJson(out))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// Reads attributes to set, a JSON object of names to values (`{"province":
/// "Córdoba", "employees": 40, "industry": null}`): names with a value, or
/// `None` to remove (`null`). Checking them against the model is
/// [`Engine::set_attributes`](crate::Engine::set_attributes)'s part.
///
/// # Errors
///
/// [`Error::Json`](crate::Error::Json) naming `attributes` for malformed JSON,
/// a value that is not a number, string or null, more than
/// [`MAX_ATTRIBUTES`] names, a repeated name, or a name or text too long.
pub fn attributes_from_json(text: &str) -> Result<Vec<(String, Option<AttrValue>)>> {
    let read: AttributesJson = super::read_shape(text, "attributes")?;
    Ok(read.0.into_iter().collect())
}

/// A segment a customer is in.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct MembershipJson<'a> {
    /// The segment.
    segment: &'a str,
    /// When the customer entered it.
    entered: Timestamp,
}

/// A customer's segments.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct CustomerSegmentsJson<'a> {
    /// The customer (the live id a retired golden id resolved to).
    customer: &'a str,
    /// The segments they are in, in the model's order, with their entry time.
    segments: Vec<MembershipJson<'a>>,
}

/// A customer's segments: `{"customer": "ana", "segments": [{"segment":
/// "smes", "entered": "2026-03-01T10:00:00Z"}]}`, in the model's order.
pub fn customer_segments_to_json(
    model: &StageModel,
    customer: &str,
    segments: &[(SegmentId, Timestamp)],
) -> String {
    to_sorted_json(&CustomerSegmentsJson {
        customer,
        segments: segments
            .iter()
            .map(|(id, at)| MembershipJson {
                segment: &model.segments().get(*id).name,
                entered: *at,
            })
            .collect(),
    })
}

/// Members of one segment.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct SegmentCountJson<'a> {
    /// The segment.
    segment: &'a str,
    /// Customers in it.
    customers: usize,
}

/// Members per segment.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct SegmentCountsJson<'a> {
    /// Each segment in the model's order, with its members (a customer may
    /// be in several).
    segments: Vec<SegmentCountJson<'a>>,
}

/// Members per segment, in the model's order: `{"segments": [{"segment":
/// "smes", "customers": 120}, ...]}`.
pub fn segment_counts_to_json(model: &StageModel, counts: &[(SegmentId, usize)]) -> String {
    to_sorted_json(&SegmentCountsJson {
        segments: counts
            .iter()
            .map(|&(id, customers)| SegmentCountJson {
                segment: &model.segments().get(id).name,
                customers,
            })
            .collect(),
    })
}
