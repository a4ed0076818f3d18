//! The JSON of a listing's page (`ciclo_engine_list_*_json`):
//! `{"items": [...], "next_cursor": "..." | null}`.

use serde_json::{json, Value};

use crate::consolidation::golden::SourceKey;
use crate::consolidation::registry::GoldenId;
use crate::engine::{Page, ReviewItem};

fn page_value<T>(page: &Page<T>, item: impl Fn(&T) -> Value) -> Value {
    json!({
        "items": page.items.iter().map(item).collect::<Vec<_>>(),
        "next_cursor": page.next_cursor,
    })
}

/// A page of customer ids: `{"items": ["c-1", "c-2"], "next_cursor": "c-2"}`.
pub fn customers_page_to_json(page: &Page<String>) -> String {
    page_value(page, |id| json!(id)).to_string()
}

/// A page of golden ids: `{"items": ["G1", "G2"], "next_cursor": null}`.
pub fn golden_ids_page_to_json(page: &Page<GoldenId>) -> String {
    page_value(page, |id| json!(id.to_string())).to_string()
}

/// A page of a golden customer's source records: `{"golden_id": "G1",
/// "items": [{"system": "crm", "id": "C-1"}], "next_cursor": null}`.
pub fn sources_page_to_json(golden: GoldenId, page: &Page<SourceKey>) -> String {
    let mut v = page_value(page, super::consolidation::key_json);
    v["golden_id"] = json!(golden.to_string());
    v.to_string()
}

/// A page of reviews, each as in
/// [`reviews_to_json`](super::consolidation::reviews_to_json):
/// `{"items": [{"record", "golden_id", "candidates"}], "next_cursor": ...}`.
pub fn reviews_page_to_json(page: &Page<ReviewItem>) -> String {
    page_value(page, super::consolidation::review_value).to_string()
}
