//! The JSON of a listing's page (`ciclo_engine_list_*_json`):
//! `{"items": [...], "next_cursor": "..." | null}`, keys sorted.

use serde::Serialize;

use super::consolidation::ReviewJson;
use super::to_sorted_json;
use crate::consolidation::golden::SourceKey;
use crate::consolidation::registry::GoldenId;
use crate::engine::{Page, ReviewItem};

/// A page of a listing.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Page_{T}"))]
pub(crate) struct PageJson<'a, T> {
    /// The items, in the listing's order.
    items: Vec<T>,
    /// The cursor to ask for the next page with; `null` when this page ends
    /// the listing.
    next_cursor: Option<&'a str>,
}

impl<'a, T> PageJson<'a, T> {
    fn new<U>(page: &'a Page<U>, item: impl Fn(&'a U) -> T) -> PageJson<'a, T> {
        PageJson {
            items: page.items.iter().map(item).collect(),
            next_cursor: page.next_cursor.as_deref(),
        }
    }
}

/// A page of a golden customer's source records.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct SourcesPageJson<'a> {
    /// The golden customer (the survivor, for an id retired by a merge).
    golden_id: GoldenId,
    /// Its source records, in the listing's order.
    items: Vec<&'a SourceKey>,
    /// The cursor to ask for the next page with; `null` when this page ends
    /// the listing.
    next_cursor: Option<&'a str>,
}

/// A page of customer ids: `{"items": ["c-1", "c-2"], "next_cursor": "c-2"}`.
pub fn customers_page_to_json(page: &Page<String>) -> String {
    to_sorted_json(&PageJson::new(page, String::as_str))
}

/// A page of golden ids: `{"items": ["G1", "G2"], "next_cursor": null}`.
pub fn golden_ids_page_to_json(page: &Page<GoldenId>) -> String {
    to_sorted_json(&PageJson::new(page, |id: &GoldenId| *id))
}

/// A page of a golden customer's source records: `{"golden_id": "G1",
/// "items": [{"system": "crm", "id": "C-1"}], "next_cursor": null}`.
pub fn sources_page_to_json(golden: GoldenId, page: &Page<SourceKey>) -> String {
    to_sorted_json(&SourcesPageJson {
        golden_id: golden,
        items: page.items.iter().collect(),
        next_cursor: page.next_cursor.as_deref(),
    })
}

/// A page of reviews, each as in
/// [`reviews_to_json`](super::consolidation::reviews_to_json):
/// `{"items": [{"record", "golden_id", "candidates"}], "next_cursor": ...}`.
pub fn reviews_page_to_json(page: &Page<ReviewItem>) -> String {
    to_sorted_json(&PageJson::new(page, ReviewJson::new))
}
