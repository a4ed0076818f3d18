//! RFM over an engine's customers as JSON: the options and the answer of
//! [`Engine::rfm`](crate::Engine::rfm).

use serde::{Deserialize, Serialize};

use crate::engine::{RfmOptions, RfmPage, RFM_DEFAULT_LIMIT};
use crate::error::Result;
use crate::model::money::Currency;
use crate::model::time::Timestamp;

/// Options of RFM over the engine; every key optional.
#[derive(Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RfmOptionsJson {
    /// The moment of the scores (RFC 3339); every customer's latest
    /// purchase must come before it. Default: the start of the UTC day after
    /// the engine's latest tick or event.
    #[serde(default)]
    as_of: Option<Timestamp>,
    /// The `next_cursor` of the previous page; absent or `null` for the
    /// first page.
    #[serde(default)]
    cursor: Option<String>,
    /// Customers of the customer listing a page covers, 1 to 10000 (default
    /// 1000).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 10000)))]
    limit: Option<u32>,
}

/// Reads RFM options: `""` (or only whitespace) for the defaults, or
/// `{"as_of": "2026-03-01T00:00:00Z", "cursor": "...", "limit": 1000}`.
///
/// # Errors
///
/// [`crate::Error::Json`] (a bad `as_of` among them) or
/// [`crate::Error::UnknownField`] for malformed JSON.
pub fn rfm_options_from_json(text: &str) -> Result<RfmOptions> {
    if text.trim().is_empty() {
        return Ok(RfmOptions::default());
    }
    let j: RfmOptionsJson = super::read(text, "rfm options")?;
    Ok(RfmOptions {
        as_of: j.as_of,
        cursor: j.cursor,
        limit: j.limit.map_or(RFM_DEFAULT_LIMIT, |l| l as usize),
    })
}

/// Customers of one segment.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RfmSegmentJson {
    /// `champions`, `loyal_customers`, `potential_loyalists`,
    /// `new_customers`, `promising`, `need_attention`, `about_to_sleep`,
    /// `at_risk`, `cant_lose_them`, `hibernating` or `lost`.
    segment: &'static str,
    /// The segment's name for people (`Can't lose them`).
    label: &'static str,
    /// Customers in it.
    customers: u64,
    /// Their total spend, minor units of the currency.
    monetary: i64,
}

/// One currency's customers per segment.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RfmCurrencyJson {
    /// The currency.
    currency: Currency,
    /// Customers who bought in it before `as_of`.
    customers: u64,
    /// Every segment, best first (zeros included).
    segments: Vec<RfmSegmentJson>,
}

/// One customer's RFM in one currency.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RfmCustomerJson<'a> {
    /// The customer.
    customer: &'a str,
    /// The currency of `frequency` and `monetary`.
    currency: Currency,
    /// Whole days from the day of the latest purchase (any currency) to the
    /// day of `as_of`.
    recency_days: i64,
    /// Purchases paid in the currency.
    frequency: u64,
    /// Purchase and renewal revenue in the currency, minor units.
    monetary: i64,
    /// Recency score 1–5 (5: the most recent fifth).
    r: u8,
    /// Frequency score 1–5.
    f: u8,
    /// Monetary score 1–5.
    m: u8,
    /// The segment of `r` and `f` (names as in `segments`).
    segment: &'static str,
}

/// RFM of an engine's customers: the counts of the base, one page of rows.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RfmPageJson<'a> {
    /// The moment of the scores (`null`: an engine that has seen nothing,
    /// asked without `as_of`).
    as_of: Option<Timestamp>,
    /// Every currency with a purchase before `as_of`, by code.
    currencies: Vec<RfmCurrencyJson>,
    /// The page's customers with a purchase before `as_of`, in the order
    /// of the customer listing, a row per currency.
    customers: Vec<RfmCustomerJson<'a>>,
    /// Pass it back as `cursor` for the next page; `null` after the last.
    next_cursor: Option<&'a str>,
}

/// [`Engine::rfm`](crate::Engine::rfm)'s answer as JSON: `{"as_of",
/// "currencies": [{"currency", "customers", "segments": [{"segment",
/// "label", "customers", "monetary"}]}], "customers": [{"customer",
/// "currency", "recency_days", "frequency", "monetary", "r", "f", "m",
/// "segment"}], "next_cursor"}`.
pub fn rfm_to_json(page: &RfmPage) -> String {
    let out = RfmPageJson {
        as_of: page.as_of,
        currencies: page
            .currencies
            .iter()
            .map(|c| RfmCurrencyJson {
                currency: c.currency,
                customers: c.customers,
                segments: c
                    .segments
                    .iter()
                    .map(|s| RfmSegmentJson {
                        segment: s.segment.name(),
                        label: s.segment.label(),
                        customers: s.customers,
                        monetary: s.monetary,
                    })
                    .collect(),
            })
            .collect(),
        customers: page
            .customers
            .iter()
            .map(|c| RfmCustomerJson {
                customer: &c.customer,
                currency: c.currency,
                recency_days: c.recency_days,
                frequency: c.frequency,
                monetary: c.monetary,
                r: c.score.r,
                f: c.score.f,
                m: c.score.m,
                segment: c.score.segment.name(),
            })
            .collect(),
        next_cursor: page.next_cursor.as_deref(),
    };
    serde_json::to_string(&out).expect("an RFM page always serialises")
}
