//! `JsonSchema` for the values whose JSON form is written by hand (a
//! `Serialize` impl of their own): timestamps, currencies, attribute values,
//! signal and action names, golden ids and hierarchy kinds. Each schema says
//! what the value's `Deserialize` accepts; what its `Serialize` writes is
//! always one of those.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use crate::consolidation::hierarchy::HierarchyKind;
use crate::consolidation::registry::GoldenId;
use crate::model::event::AttrValue;
use crate::model::money::Currency;
use crate::model::time::Timestamp;
use crate::retention::{Action, Signal};

impl JsonSchema for Timestamp {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "An RFC 3339 instant (`2026-03-01T10:00:00-03:00`, years 0001 to 9999); written in UTC with `Z`."
        })
    }
}

impl JsonSchema for Currency {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Currency".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[A-Za-z]{3}$",
            "description": "An ISO 4217 currency code (`ARS`); read in any case, written in capitals."
        })
    }
}

impl JsonSchema for AttrValue {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "AttrValue".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": ["boolean", "number", "string"],
            "description": "An attribute value: a boolean, a number (an integer of 64 bits is kept exactly) or a string."
        })
    }
}

impl JsonSchema for Signal {
    fn schema_name() -> Cow<'static, str> {
        "Signal".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = Signal::ALL.iter().map(|s| s.name()).collect();
        json_schema!({
            "type": "string",
            "enum": names,
            "description": "A retention signal's name."
        })
    }
}

impl JsonSchema for Action {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Action".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[a-z0-9_.-]{1,64}$",
            "description": "A retention action: `loyalty_program`, `exclusive_benefit`, `discount`, `personal_outreach`, `win_back_offer`, or a custom name (lowercase letters, digits, `_`, `-`, `.`)."
        })
    }
}

impl JsonSchema for GoldenId {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "GoldenId".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^G[0-9]+$",
            "description": "A golden id: `G` and a number (`G42`)."
        })
    }
}

impl JsonSchema for HierarchyKind {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "HierarchyKind".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "minLength": 1,
            "description": "A hierarchy: `household`, `company_contacts`, `corporate` or a custom name."
        })
    }
}

/// What a rule's `on` accepts: one trigger name or an array of them (written
/// as an array).
pub(crate) fn one_or_many(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}}
        ],
        "description": "When the rule is evaluated: event kind names, `any_event` and/or `tick`; one name or an array of names."
    })
}
