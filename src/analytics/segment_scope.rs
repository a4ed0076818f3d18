//! Restricting the funnel, drop-off and cohorts to a rule segment
//! ([`lifecycle::segments`](crate::lifecycle::segments)), and telling who is
//! in one.
//!
//! # Members now, not members at the period's end
//!
//! An analysis for a segment counts the customers who are members **now**:
//! as of their state's last evaluation of the segments (an applied event, a
//! tick that moved them, a change of attributes, a refresh). A state keeps
//! the segments a customer is in with the moment they entered each, but not
//! the segments they have left, so membership at a past moment (the end of
//! the period) cannot be told from it: a customer who left the segment before
//! now leaves no trace. Hosts whose segments read conditions that change with
//! time alone (`days_since_last_purchase`) call
//! [`Engine::refresh_segments`](crate::Engine::refresh_segments) first.
//!
//! The cohorts' split by segment
//! ([`CohortOptions::by_segment`](crate::analytics::CohortOptions::by_segment))
//! reads the same current membership; a customer in two segments counts in
//! both (the rows of one cohort's segments do not add up to the cohort).

use crate::error::{Error, Result};
use crate::lifecycle::{CustomerState, SegmentId, StageModel};
use crate::model::time::clip;

/// The segment of `model` named `name`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming `segment` when the model has no segment
/// of that name (the message lists the ones it has).
///
/// ```
/// use ciclo::analytics::segment_scope::segment_named;
/// use ciclo::StageModel;
///
/// let err = segment_named(&StageModel::six_stage(), "vip").unwrap_err();
/// assert!(err.to_string().contains("segment"));
/// ```
pub fn segment_named(model: &StageModel, name: &str) -> Result<SegmentId> {
    model.segments().id(name).ok_or_else(|| {
        let known: Vec<&str> = model
            .segments()
            .list()
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        Error::invalid(
            "segment",
            if known.is_empty() {
                format!("`{}` is not a segment: the model declares none", clip(name))
            } else {
                format!(
                    "`{}` is not a segment of the model (it has: {})",
                    clip(name),
                    clip(&known.join(", "))
                )
            },
        )
    })
}

/// Checks that `segment`, if any, is a segment of `model`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming `segment` for a segment of another model.
pub fn check_segment(model: &StageModel, segment: Option<SegmentId>) -> Result<()> {
    match segment {
        Some(s) if s.index() >= model.segments().len() => Err(Error::invalid(
            "segment",
            format!(
                "segment {} is not a segment of the model (it has {})",
                s.index(),
                model.segments().len()
            ),
        )),
        _ => Ok(()),
    }
}

/// Whether the customer is in `segment` now (as of their last evaluation).
pub fn is_member(state: &CustomerState, segment: SegmentId) -> bool {
    state.segments().iter().any(|(id, _)| *id == segment)
}

/// Whether the customer counts in an analysis restricted to `segment`
/// (every customer without one).
pub(crate) fn counts(state: &CustomerState, segment: Option<SegmentId>) -> bool {
    segment.is_none_or(|s| is_member(state, s))
}
