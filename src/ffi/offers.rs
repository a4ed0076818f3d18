//! Product affinity and next best offer of an engine, JSON out: learning the
//! affinities from the purchase histories the engine keeps, and a
//! customer's ranked, valued and explained actions.

use std::ffi::c_char;

use super::boundary::{into_c_string, optional_str, required_out, required_str, run};
use super::engine::{ciclo_engine, handle};
use super::status::ciclo_status;
use crate::error::Error;
use crate::json::offers as ojson;

/// Most offers one call returns (`max` of
/// `ciclo_engine_next_best_offers_json`).
pub const CICLO_MAX_OFFERS: u32 = 100;

const _: () = assert!(CICLO_MAX_OFFERS as usize == crate::engine::MAX_OFFERS);

/// Learns product affinities from the purchase histories the engine keeps,
/// and keeps them for `ciclo_engine_next_best_offers_json` until the next
/// call.
///
/// The engine keeps, per customer, the latest 128 purchase lines: each
/// purchase event names its product by the text attribute `product`, else by
/// its `category` (a purchase naming neither is not kept), and its order by
/// the attribute `order` (text or integer), else by its moment. Two
/// affinities are learned between products: bought *together* (in one
/// order) and bought *later* (by the same customer, in a later order), each
/// with its support, confidence and lift; pairs below the minimum support
/// are dropped and each product keeps its strongest neighbours only. The
/// base's spend per purchase is learned too, for up-sell.
///
/// `options_json` is NULL, `""` or `{"level": "product", "min_support": 2,
/// "top_k": 50, "together": 1.0, "later": 1.0, "later_within_days": 90.0,
/// "half_life_days": 60.0, "antecedent_exponent": 0.0, "shrinkage": 0.0,
/// "popularity_exponent": 0.3, "as_of": "2026-03-01T00:00:00Z"}`, every key
/// optional with those defaults (`as_of`: the latest purchase). A pair's
/// weight is `factor × count / ((count of the first + shrinkage)^antecedent_exponent
/// × share of the second^popularity_exponent)`, counts decayed by age with
/// `half_life_days`. With `"level": "category"` the items are the purchases'
/// categories instead of their products (a purchase without a category is
/// skipped): affinities, `products` and the offers name categories, and
/// `ciclo_engine_next_best_offers_json` offers categories the customer has
/// not bought from, with the action `offer_category`.
///
/// `*out_json` receives what was learned: `{"as_of", "products", "orders",
/// "customers", "affinities", "currency", "spend_base", "top": [{"from",
/// "to", "kind", "support", "support_share", "confidence", "lift"}]}` (the
/// 10 strongest affinities). An engine without purchases learns nothing:
/// zero products and no affinity, not an error. Release it with
/// `ciclo_string_free`.
///
/// The learned affinities hold counts per pair of products, no customer id;
/// they are not in snapshots (learn again after a restore), and erasing a
/// customer drops them (they may count the customer's orders): learn again. A customer's
/// history is in snapshots and is erased with the customer.
///
/// Errors: `CICLO_STATUS_INVALID_ARGUMENT` naming `options.min_support`,
/// `options.top_k`, ... for a bad option; `CICLO_STATUS_INVALID_JSON`,
/// `CICLO_STATUS_UNKNOWN_FIELD` (a bad `as_of` is `CICLO_STATUS_INVALID_JSON`),
/// `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`. On an error the
/// affinities in force stay. Thread-safe; events applied meanwhile may or may
/// not be learned from.
///
/// JSON Schemas in `include/schema/`: `options_json`:
/// `affinity_options.schema.json`; `*out_json`: `affinities.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `options_json` NULL or a NUL-terminated
/// string; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_learn_affinities_json(
    engine: *const ciclo_engine,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_learn_affinities_json", || {
        let h = handle(engine)?;
        let options = ojson::affinity_options_from_json(
            optional_str(options_json, "options_json")?.unwrap_or(""),
        )?;
        required_out(out_json, "out_json")?;
        let summary = h.engine.learn_affinities(&options)?;
        *out_json = into_c_string(ojson::affinity_summary_to_json(&summary));
        Ok(())
    })
}

/// A customer's next best offers: at most `max` actions (1 to
/// `CICLO_MAX_OFFERS`), best first, each valued in money and explained, at
/// the later of the engine's last tick and the customer's latest event.
/// Nothing is recorded (the retention triggers' firing logs stay as they
/// were).
///
/// The actions: **cross-sell** of the products the customer's history has
/// the strongest learned affinities to and they never bought (the engine
/// keeps, per customer, the set of products and categories ever bought, up
/// to 1024 of them, beyond the latest 128 lines; the reason
/// names the affinity: from which product, support, confidence, lift; or
/// popularity when no affinity applies), **up-sell** when they spend less
/// per purchase than the base's median, the **retention** triggers that
/// would fire now (with their signals), and a **win-back** offer when they
/// have lapsed. Each `value` is an expected amount in minor units of
/// `currency`: cross-sell P(alive) × confidence × spend per purchase;
/// up-sell P(alive) × (base median − own spend per purchase); retention
/// churn risk × expected value (revenue without customer-base models);
/// win-back probability × annual value. P(alive) and the expected value come
/// from the models fitted with `ciclo_engine_fit_models_json` (P(alive) is 1
/// without them). Cross-sell and up-sell need
/// `ciclo_engine_learn_affinities_json` first.
///
/// No action at all, with `"suppressed"` saying why, for a customer who
/// unsubscribed (`unsubscribed`) or whose contacts within the retention
/// configuration's `contact_cap` period reach the cap (`contact_cap`).
///
/// `*out_json` receives `{"customer", "at", "suppressed",
/// "affinities_learned", "p_alive", "expected_value", "churn_risk",
/// "offers": [{"rank": 1, "kind": "cross_sell", "action": "offer_product",
/// "product": "mate", "rule": null, "value": 1520.0, "currency": "ARS",
/// "valued_with_models": false, "reason": "...", "affinity": {"from",
/// "to", "kind", "support", "support_share", "confidence", "lift"},
/// "signals": {}}]}`. Release it with `ciclo_string_free`.
///
/// Errors: `CICLO_STATUS_NOT_FOUND` for an unknown customer,
/// `CICLO_STATUS_INVALID_ARGUMENT` naming `max` for 0 or more than
/// `CICLO_MAX_OFFERS`, `CICLO_STATUS_NULL_ARGUMENT`,
/// `CICLO_STATUS_INVALID_UTF8`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `*out_json`:
/// `next_best_offers.schema.json`.
///
/// # Safety
/// `engine` is a live engine; `customer_id` a NUL-terminated string;
/// `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_engine_next_best_offers_json(
    engine: *const ciclo_engine,
    customer_id: *const c_char,
    max: u32,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_engine_next_best_offers_json", || {
        let h = handle(engine)?;
        let id = required_str(customer_id, "customer_id")?;
        if max == 0 || max > CICLO_MAX_OFFERS {
            return Err(Error::invalid(
                "max",
                format!("{max} is not between 1 and {CICLO_MAX_OFFERS}"),
            )
            .into());
        }
        required_out(out_json, "out_json")?;
        let offers = h.engine.next_best_offers(id, max as usize)?;
        *out_json = into_c_string(ojson::next_best_offers_to_json(&offers));
        Ok(())
    })
}
