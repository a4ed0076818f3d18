//! Analytics: how the whole base is doing.
//!
//! Pure, like the other core modules: values in (a stage model, customer
//! states), values out; no I/O, no JSON, no FFI. The [`Engine`](crate::Engine)
//! runs them over its customers ([`Engine::funnel`](crate::Engine::funnel),
//! [`Engine::drop_off`](crate::Engine::drop_off),
//! [`Engine::cohorts`](crate::Engine::cohorts)), and the C ABI gives their
//! results as JSON.
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

pub mod diagram;
pub mod dropoff;
pub mod funnel;
pub mod lifecycle_cohorts;
pub mod period;

pub use dropoff::{DropOff, DropOffOptions, DropReason, DroppedCustomer, ReasonCount};
pub use funnel::{Conversion, Durations, Funnel, StageEntries};
pub use lifecycle_cohorts::{
    Cohort, CohortMonth, CohortOptions, CohortRevenue, CohortValue, Cohorts, MonthChurn,
};
pub use period::{Month, Period};
