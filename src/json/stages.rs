//! The JSON of stage counts (`ciclo_engine_stage_counts_json`).

use serde_json::json;

use crate::lifecycle::{StageId, StageModel};

/// Customers per stage, in the model's order: `{"customers": 5000,
/// "stages": [{"stage": "awareness", "customers": 1200}, ...]}`.
pub fn stage_counts_to_json(model: &StageModel, counts: &[(StageId, usize)]) -> String {
    json!({
        "customers": counts.iter().map(|(_, n)| n).sum::<usize>(),
        "stages": counts
            .iter()
            .map(|&(stage, n)| json!({"stage": model.stage_name(stage), "customers": n}))
            .collect::<Vec<_>>(),
    })
    .to_string()
}
