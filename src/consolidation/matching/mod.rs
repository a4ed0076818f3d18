//! Matching: is this record someone we already know?
//!
//! - [`Profile`]: a standardised record reduced to comparison keys.
//! - [`blocking_keys`]: which records are worth comparing.
//! - [`Field`] comparators: how alike two profiles are, field by field.
//! - [`MatchModel`]: Fellegi-Sunter scoring with term-frequency adjustment and an
//!   explanation of every score ([`Score::contributions`]), and the decision:
//!   merge, review or distinct.
//! - [`estimate`]: the model's parameters estimated from the host's own data,
//!   without labels (`u` from random pairs, `m` and the prior by EM).
//! - [`cluster`]: groups of records from scored pairs, safe from chaining.
//!
//! Pure: values in, values out, no I/O.

mod check;
mod cluster;
mod compare;
mod em;
mod keys;
mod model;
mod pair;
pub mod phonetic;
mod profile;

pub(crate) use cluster::groups_joinable;
pub use cluster::{cluster, Clusters, ReviewReason, ScoredPair};
pub use compare::{Field, FIELDS};
pub(crate) use em::estimate_with;
pub use em::{
    estimate, estimate_m, estimate_u, EmOptions, Estimate, Iteration, MEstimate, MEstimateSummary,
    Patterns, UEstimate, UEstimateSummary,
};
pub use keys::{blocking_keys, BlockingKey, KeyKind};
pub(crate) use keys::{fingerprint, fingerprint_kind, refinements};
pub use model::{
    probability, Comparison, Contribution, Decision, FieldParams, LevelParams, MatchModel, Score,
    TermFrequencies,
};
pub use profile::Profile;
