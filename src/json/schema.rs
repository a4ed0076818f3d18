//! JSON Schemas of every JSON document that crosses the C ABI (placeholder being built).

pub(crate) mod scalars;

use schemars::{json_schema, Schema, SchemaGenerator};

/// The names `{"preset": NAME}` accepts.
pub(crate) fn preset_names(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "enum": crate::lifecycle::presets::PRESETS})
}
