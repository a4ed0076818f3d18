//! The one error type of the crate.
//!
//! Every fallible function returns [`Result<T>`](Result). Each variant names the
//! field, rule or value that was wrong, so that a message can be shown to the person
//! who wrote the configuration or sent the event. [`Error::kind`] gives a stable,
//! coarse classification that the C ABI maps to its status codes.
//!
//! Values quoted from the input (an unknown field, stage, metric, kind or id) are
//! shown clipped to their first 64 bytes, so that a message stays short whatever
//! the host sent; the variant's field keeps the value whole.

use std::fmt;

use crate::model::time::clip;

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `ciclo`.
///
/// The `field` of a variant is a path into the input, such as `rules[2].to`,
/// `event.at` or `lead_scoring.threshold`.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input was not well-formed JSON, or did not have the expected shape.
    #[error("invalid JSON in {what}: {message}")]
    Json {
        /// What was being read (`config`, `event`, `state`).
        what: &'static str,
        /// The parser's message, with the path of the offending value.
        message: String,
    },
    /// A JSON object carried a field that the strict shape does not know.
    #[error("unknown field `{}` in {what}", clip(.field))]
    UnknownField {
        /// What was being read (`config`, `event`, `state`).
        what: &'static str,
        /// The path of the unknown field.
        field: String,
    },
    /// A stage model or other configuration is inconsistent.
    #[error("invalid config: {field}: {message}")]
    Config {
        /// Where in the configuration the problem is.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A stage name that the stage model does not define.
    #[error("unknown stage `{}` in {field}", clip(.stage))]
    UnknownStage {
        /// Where the stage was named.
        field: String,
        /// The stage name as given.
        stage: String,
    },
    /// A metric name that the lifecycle does not compute.
    #[error("unknown metric `{}` in {field}", clip(.metric))]
    UnknownMetric {
        /// Where the metric was named.
        field: String,
        /// The metric name as given.
        metric: String,
    },
    /// An event kind that is neither built in nor declared in the stage model.
    #[error("unknown event kind `{}` in {field}", clip(.kind))]
    UnknownEventKind {
        /// Where the kind was named.
        field: String,
        /// The kind as given.
        kind: String,
    },
    /// A timestamp that could not be parsed or lies outside years 0001-9999.
    #[error("invalid timestamp in {field}: {message}")]
    InvalidTimestamp {
        /// The timestamp field.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// A money amount that is negative, or a malformed currency code.
    #[error("invalid amount in {field}: {message}")]
    InvalidAmount {
        /// The amount or currency field.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// Any other invalid value in an argument.
    #[error("invalid argument {field}: {message}")]
    InvalidArgument {
        /// The offending field or argument.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// A customer (or other object) that is not known.
    #[error("{what} `{}` not found", clip(.id))]
    NotFound {
        /// What was looked up (`customer`).
        what: &'static str,
        /// The identifier as given.
        id: String,
    },
    /// An event older than what the customer's state has already absorbed.
    ///
    /// See the crate documentation, "Late and out-of-order events".
    #[error(
        "out of order: event.at {at} is earlier than {watermark}, the latest moment \
         already applied to customer `{}`",
        clip(.customer)
    )]
    OutOfOrder {
        /// The customer.
        customer: String,
        /// The event's timestamp (RFC 3339).
        at: String,
        /// The customer's watermark (RFC 3339).
        watermark: String,
    },
    /// The value conflicts with what is stored (for example a purchase in another
    /// currency than the customer's revenue).
    #[error("conflict in {field}: {message}")]
    Conflict {
        /// The conflicting field.
        field: String,
        /// What it conflicts with.
        message: String,
    },
    /// Snapshot bytes that are truncated, corrupt or of an unknown version.
    #[error("corrupt snapshot: {0}")]
    CorruptSnapshot(String),
    /// A value that does not validate as what it claims to be: a phone number not
    /// in the numbering plan, an identifier with a wrong check digit.
    #[error("invalid value in {field}: {message} ({code})")]
    InvalidValue {
        /// The field or argument holding the value.
        field: String,
        /// The stable code of the problem, such as `phone.too_short` (see
        /// [`standardize`](crate::standardize)).
        code: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// Changes asked for are no longer kept by the change feed (its
    /// retention dropped them): see
    /// [`Engine::changes`](crate::Engine::changes).
    #[error(
        "changes after sequence {after} are no longer kept: the oldest change the feed keeps \
         is {oldest}; read what you need from the engine again, then read changes after {}",
        .oldest.saturating_sub(1)
    )]
    ChangesDropped {
        /// The sequence number asked after.
        after: u64,
        /// The oldest change the feed keeps.
        oldest: u64,
    },
}

/// A coarse, stable classification of an [`Error`].
///
/// The C ABI maps each kind to one status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::Json`].
    Json,
    /// [`Error::UnknownField`].
    UnknownField,
    /// [`Error::Config`].
    Config,
    /// [`Error::UnknownStage`].
    UnknownStage,
    /// [`Error::UnknownMetric`].
    UnknownMetric,
    /// [`Error::UnknownEventKind`].
    UnknownEventKind,
    /// [`Error::InvalidTimestamp`].
    InvalidTimestamp,
    /// [`Error::InvalidAmount`].
    InvalidAmount,
    /// [`Error::InvalidArgument`].
    InvalidArgument,
    /// [`Error::NotFound`].
    NotFound,
    /// [`Error::OutOfOrder`].
    OutOfOrder,
    /// [`Error::Conflict`].
    Conflict,
    /// [`Error::CorruptSnapshot`].
    CorruptSnapshot,
    /// [`Error::InvalidValue`].
    InvalidValue,
    /// [`Error::ChangesDropped`].
    ChangesDropped,
}

impl Error {
    /// The classification of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Json { .. } => ErrorKind::Json,
            Error::UnknownField { .. } => ErrorKind::UnknownField,
            Error::Config { .. } => ErrorKind::Config,
            Error::UnknownStage { .. } => ErrorKind::UnknownStage,
            Error::UnknownMetric { .. } => ErrorKind::UnknownMetric,
            Error::UnknownEventKind { .. } => ErrorKind::UnknownEventKind,
            Error::InvalidTimestamp { .. } => ErrorKind::InvalidTimestamp,
            Error::InvalidAmount { .. } => ErrorKind::InvalidAmount,
            Error::InvalidArgument { .. } => ErrorKind::InvalidArgument,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::OutOfOrder { .. } => ErrorKind::OutOfOrder,
            Error::Conflict { .. } => ErrorKind::Conflict,
            Error::CorruptSnapshot(_) => ErrorKind::CorruptSnapshot,
            Error::InvalidValue { .. } => ErrorKind::InvalidValue,
            Error::ChangesDropped { .. } => ErrorKind::ChangesDropped,
        }
    }

    pub(crate) fn config(field: impl fmt::Display, message: impl fmt::Display) -> Error {
        Error::Config {
            field: field.to_string(),
            message: message.to_string(),
        }
    }

    /// The error with `prefix` before the path of its field (`model.` before
    /// `prior`), for a value read inside a larger one.
    pub(crate) fn within(self, prefix: &str) -> Error {
        match self {
            Error::Config { field, message } => Error::Config {
                field: format!("{prefix}{field}"),
                message,
            },
            Error::InvalidArgument { field, message } => Error::InvalidArgument {
                field: format!("{prefix}{field}"),
                message,
            },
            Error::UnknownField { what, field } => Error::UnknownField {
                what,
                field: format!("{prefix}{field}"),
            },
            other => other,
        }
    }

    pub(crate) fn invalid(field: impl fmt::Display, message: impl fmt::Display) -> Error {
        Error::InvalidArgument {
            field: field.to_string(),
            message: message.to_string(),
        }
    }
}
