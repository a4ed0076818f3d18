//! Analytics: how the whole base is doing and what to offer each customer.
//! Values in, values out.
//!
//! Pure, like the other core modules: no I/O, no JSON, no FFI. The
//! [`Engine`](crate::Engine) runs the lifecycle ones over its customers
//! ([`Engine::funnel`](crate::Engine::funnel),
//! [`Engine::drop_off`](crate::Engine::drop_off),
//! [`Engine::cohorts`](crate::Engine::cohorts)), the C ABI gives their results
//! as JSON, and the `analytics` example and the `ciclo analytics` command run
//! the transaction ones over a sales export.
//!
//! Over the engine's customers (their stage histories):
//!
//! - [`funnel`]: customers entering each stage in a period, stage-to-stage
//!   conversion rates, time to convert and time in stage.
//! - [`dropoff`]: who reached a stage and did not move on within a horizon,
//!   and why, as a table of reasons with examples.
//! - [`lifecycle_cohorts`]: retention by acquisition month, churn and
//!   reactivation per month, revenue and expected value per cohort.
//! - [`diagram`]: the stage model as Mermaid or Graphviz DOT, the funnel as
//!   a standalone SVG.
//! - [`period`]: periods and calendar months.
//! - [`segment_scope`]: any of those for the current members of a rule
//!   segment, and the cohorts split by segment.
//!
//! Over purchase lines (a transactions export):
//!
//! - [`transactions`]: purchase lines ([`Transaction`](transactions::Transaction)),
//!   a compact columnar set of them ([`Transactions`](transactions::Transactions))
//!   and exact money ([`Amount`](transactions::Amount)). Returns and
//!   cancellations are kept but are not purchases.
//! - [`rfm`]: recency, frequency and monetary scores 1–5 by quintiles of the
//!   base, and the named segments (champions, at risk, ...), per currency;
//!   [`rfm::score`] works from per-customer values alone.
//! - [`cohorts`]: acquisition-month cohorts, the share of each cohort buying
//!   in each later month, churn and reactivation per month, revenue per cohort.
//! - [`svg`]: the cohort heat map and the RFM grid as standalone SVG, and the
//!   HTML report that holds them.
//!
//! What to offer:
//!
//! - [`affinity`]: product affinity learned from purchase co-occurrence
//!   (bought together in one order) and sequence (bought later by the same
//!   customer), with support, confidence and lift, and the recommender that
//!   turns a customer's history into ranked, explained offers.
//! - [`offers`]: valuing and ranking a customer's actions (cross-sell, up-sell,
//!   retention, win-back) with their reasons.
//!
//! Every transactions result is "as of" a date: only purchases strictly before
//! it count.
//!
//! ```
//! use ciclo::analytics::transactions::{Amount, Transaction, Transactions};
//! use ciclo::analytics::{cohorts, rfm};
//! use ciclo::model::Timestamp;
//!
//! let usd = ciclo::model::Currency::parse("USD", "currency")?;
//! let day = |d: &str| Timestamp::parse(&format!("{d}T12:00:00Z"), "at");
//! let mut set = Transactions::default();
//! for (customer, at, cents) in [("ana", "2026-01-05", 2000), ("eva", "2026-01-20", 500),
//!                               ("ana", "2026-02-03", 1500)] {
//!     set.push(&Transaction {
//!         customer,
//!         at: day(at)?,
//!         amount: Amount::from_minor(cents, 2, usd),
//!         order: None,
//!         product: None,
//!         category: None,
//!         quantity: 1,
//!     });
//! }
//! let as_of = Timestamp::parse("2026-03-01T00:00:00Z", "as_of")?;
//! let tables = rfm::rfm(&set, as_of);
//! let ana = &tables[0].rows[0];
//! assert_eq!((ana.recency_days, ana.frequency, ana.monetary.to_string()), (26, 2, "35.00".into()));
//! assert_eq!((ana.score.r, ana.score.f), (5, 5));
//!
//! let c = cohorts::cohorts(&set, as_of)?;
//! assert_eq!(c.cohorts[0].active, [2, 1]); // January: both bought; in February, one
//! # Ok::<(), ciclo::Error>(())
//! ```

pub mod affinity;
pub mod cohorts;
pub mod diagram;
pub mod dropoff;
pub mod funnel;
pub mod lifecycle_cohorts;
pub mod not_product;
pub mod offers;
pub mod period;
pub mod rfm;
pub mod segment_scope;
pub mod svg;
pub mod transaction_offers;
pub mod transactions;

pub use dropoff::{DropOff, DropOffOptions, DropReason, DroppedCustomer, ReasonCount};
pub use funnel::FunnelOptions;
pub use funnel::{Conversion, Durations, Funnel, StageEntries};
pub use lifecycle_cohorts::CohortSegment;
pub use lifecycle_cohorts::{
    Cohort, CohortMonth, CohortOptions, CohortRevenue, CohortValue, Cohorts, MonthChurn,
};
pub use period::{Month, Period};
