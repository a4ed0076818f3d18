//! Retention: which customers are slipping away and what they are worth.
//!
//! The customer-base models read each customer's purchase history as a
//! [`CustomerSummary`] (repeat purchases, recency, age and average spend, the
//! `lifetimes` summary format):
//!
//! - [`BgNbd`] (Fader, Hardie and Lee 2005): fitted on a population by maximum
//!   likelihood, it gives each customer the probability of still being alive
//!   ([`BgNbd::p_alive`]) and the purchases to expect in a horizon
//!   ([`BgNbd::expected_purchases`]).
//! - [`GammaGamma`]: the spend per purchase to expect
//!   ([`GammaGamma::expected_average_value`]), fitted on the customers with
//!   repeat purchases and positive spend (the others are counted, not used).
//! - [`lifetime_value`]: both together, discounted month by month.
//!
//! Both fits reproduce the `lifetimes` package (0.11.3) on the CDNOW data:
//! parameters, log-likelihood and per-customer predictions (`tests/retention.rs`).
//!
//! ```
//! use ciclo::retention::{lifetime_value, BgNbd, ClvOptions, CustomerSummary, GammaGamma};
//!
//! let customers = vec![
//!     CustomerSummary::new(2.0, 30.43, 38.86, 22.35),
//!     CustomerSummary::new(1.0, 1.71, 38.86, 11.77),
//!     CustomerSummary::new(0.0, 0.0, 38.86, 0.0),
//!     CustomerSummary::new(7.0, 29.43, 38.86, 73.74),
//!     CustomerSummary::new(1.0, 5.0, 38.86, 11.77),
//!     CustomerSummary::new(0.0, 0.0, 38.29, 0.0),
//!     CustomerSummary::new(2.0, 35.71, 38.86, 25.55),
//!     CustomerSummary::new(5.0, 24.29, 38.29, 30.01),
//! ];
//! let purchases = BgNbd::fit(&customers)?;
//! let spend = GammaGamma::fit(&customers)?;
//! assert_eq!((spend.customers, spend.skipped), (6, 2));
//! let options = ClvOptions::new(0.01, ClvOptions::WEEKS);
//! for c in &customers {
//!     let alive = purchases.model.p_alive(c)?;
//!     let value = lifetime_value(&purchases.model, &spend.model, c, &options)?;
//!     assert!((0.0..=1.0).contains(&alive) && value >= 0.0);
//! }
//! # Ok::<(), ciclo::Error>(())
//! ```

mod bgnbd;
mod churn;
mod clv;
pub mod config;
mod gamma_gamma;
mod hypergeometric;
mod minimise;
mod predict;
mod program;
mod signals;
mod summary;
mod triggers;
mod winback;

pub use bgnbd::{BgNbd, BgNbdFit};
pub use churn::{ChurnComponent, ChurnPart, ChurnRisk, ChurnScore};
pub use clv::{lifetime_value, ClvOptions};
pub use config::TriggerConfig;
pub use gamma_gamma::{GammaGamma, GammaGammaFit};
pub use predict::{predict, Prediction};
pub use signals::{
    summary_in, summary_of, CustomerModels, ModelFitOptions, Signal, SignalContext, SignalSet,
    Signals,
};
pub use summary::CustomerSummary;
pub use triggers::{Action, Firing, FiringLog, SignalCondition, SignalEvidence, Triggers};
pub use winback::{
    win_back_candidate, WinBackCandidate, WinBackConfig, WinBackCount, WinBackStats,
};
