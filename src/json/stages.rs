//! The JSON of stage counts (`ciclo_engine_stage_counts_json`), keys sorted.

use serde::Serialize;

use super::to_sorted_json;
use crate::lifecycle::{StageId, StageModel};

/// Customers in one stage.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct StageCountJson<'a> {
    /// The stage.
    stage: &'a str,
    /// Customers in it now.
    customers: usize,
}

/// Customers per stage.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct StageCountsJson<'a> {
    /// Customers in every stage.
    customers: usize,
    /// Each stage in the model's order, with its customers.
    stages: Vec<StageCountJson<'a>>,
}

/// Customers per stage, in the model's order: `{"customers": 5000,
/// "stages": [{"stage": "awareness", "customers": 1200}, ...]}`.
pub fn stage_counts_to_json(model: &StageModel, counts: &[(StageId, usize)]) -> String {
    to_sorted_json(&StageCountsJson {
        customers: counts.iter().map(|(_, n)| n).sum(),
        stages: counts
            .iter()
            .map(|&(stage, customers)| StageCountJson {
                stage: model.stage_name(stage),
                customers,
            })
            .collect(),
    })
}
