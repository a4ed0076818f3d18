//! A source record as a golden record holds it: where it came from, when it last
//! changed, its standard form, and which of its fields validated.

use std::fmt;

use compact_str::CompactString;

use serde::{Deserialize, Serialize};

use super::survivorship::GoldenField;
use crate::error::{Error, Result};
use crate::model::record::Record;
use crate::model::time::Timestamp;
use crate::standardize::{Severity, Standardized};

/// Where a record came from: the source system and the record's id there
/// (`crm` / `C-1042`, `erp` / `000233`).
///
/// The cross-reference maps these keys to golden ids, so the front office and the
/// back office each keep their own ids and still find the one customer.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SourceKey {
    /// The source system (`crm`, `erp`, `web`); inline up to 24 bytes.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub system: CompactString,
    /// The record's id in that system; inline up to 24 bytes.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub id: CompactString,
}

impl SourceKey {
    /// A key, checked: neither part may be empty or longer than 256 bytes, nor
    /// hold control characters.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming `source.system` or `source.id`.
    pub fn new(system: &str, id: &str) -> Result<SourceKey> {
        check_part("source.system", system)?;
        check_part("source.id", id)?;
        Ok(SourceKey {
            system: system.into(),
            id: id.into(),
        })
    }

    /// Checks a key built by hand (or deserialised) as [`SourceKey::new`] does.
    ///
    /// # Errors
    ///
    /// As [`SourceKey::new`].
    pub fn validate(&self) -> Result<()> {
        check_part("source.system", &self.system)?;
        check_part("source.id", &self.id)
    }
}

fn check_part(field: &str, text: &str) -> Result<()> {
    let problem = if text.trim().is_empty() {
        "is empty"
    } else if text.len() > 256 {
        "is longer than 256 bytes"
    } else if text.chars().any(char::is_control) {
        "holds control characters"
    } else {
        return Ok(());
    };
    Err(Error::InvalidArgument {
        field: field.to_string(),
        message: problem.to_string(),
    })
}

impl fmt::Display for SourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.system, self.id)
    }
}

/// A source record in a golden record: its key, when it last changed, its
/// standard form, and which of its fields validated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Where the record came from.
    pub key: SourceKey,
    /// When the source system last changed the record.
    pub updated: Timestamp,
    /// The record in standard form (what [`Standardized::record`] holds).
    pub record: Record,
    /// Bit `GoldenField::index()` set when that field validated.
    validated: u16,
}

impl Member {
    /// A member from a standardised record: its standard form, and as validated
    /// every field with a value and no error finding.
    pub fn new(key: SourceKey, updated: Timestamp, standardized: &Standardized) -> Member {
        Member::from_parts(key, updated, standardized.record.clone(), standardized)
    }

    /// [`Member::new`], taking the standard form rather than copying it.
    pub fn from_standardized(
        key: SourceKey,
        updated: Timestamp,
        mut standardized: Standardized,
    ) -> Member {
        let record = std::mem::take(&mut standardized.record);
        Member::from_parts(key, updated, record, &standardized)
    }

    /// A member holding `record`, the standard form of `standardized`.
    fn from_parts(
        key: SourceKey,
        updated: Timestamp,
        record: Record,
        standardized: &Standardized,
    ) -> Member {
        let mut member = Member {
            key,
            updated,
            record,
            validated: 0,
        };
        for field in GoldenField::ALL {
            let finding_field = match field {
                GoldenField::Name => "name",
                other => other.as_str(),
            };
            let failed = standardized
                .findings
                .iter()
                .any(|f| f.field == finding_field && f.problem.severity == Severity::Error);
            if member.has(field) && !failed {
                member.validated |= 1 << field.index();
            }
        }
        member
    }

    /// Whether the record has a value for `field`.
    pub fn has(&self, field: GoldenField) -> bool {
        self.parts(field).iter().any(|p| p.is_some())
    }

    /// Whether the record's value for `field` validated.
    pub fn is_validated(&self, field: GoldenField) -> bool {
        self.validated & (1 << field.index()) != 0
    }

    /// Whether two records hold the same value for `field` (every part equal).
    pub fn same_value(&self, other: &Member, field: GoldenField) -> bool {
        *self.parts(field) == *other.parts(field)
    }

    /// How complete the value of `field` is: parts filled, then characters.
    pub(super) fn completeness(&self, field: GoldenField) -> (usize, usize) {
        let parts = self.parts(field);
        let filled = parts.iter().filter(|p| p.is_some()).count();
        let words = parts
            .iter()
            .flatten()
            .map(|p| p.split_whitespace().count())
            .sum::<usize>();
        let chars = parts.iter().flatten().map(|p| p.chars().count()).sum();
        (filled + words, chars)
    }

    /// The record fields that make up `field`, in a fixed order.
    pub(super) fn parts(&self, field: GoldenField) -> Parts<'_> {
        let r = &self.record;
        let list: &[&Option<String>] = match field {
            GoldenField::Name => &[&r.title, &r.given_name, &r.surname, &r.full_name],
            GoldenField::Company => &[&r.company],
            GoldenField::Email => &[&r.email],
            GoldenField::Phone => &[&r.phone],
            GoldenField::Mobile => &[&r.mobile],
            GoldenField::Address => &[
                &r.street,
                &r.street_number,
                &r.address_extra,
                &r.locality,
                &r.province,
                &r.postal_code,
            ],
            GoldenField::Country => &[&r.country],
            GoldenField::BirthDate => &[&r.birth_date],
            GoldenField::NationalId => &[&r.national_id],
        };
        let mut parts = Parts {
            items: [None; MAX_PARTS],
            len: list.len(),
        };
        for (slot, value) in parts.items.iter_mut().zip(list) {
            *slot = value.as_deref();
        }
        parts
    }
}

/// The most record fields a [`GoldenField`] is made of (the address's six).
const MAX_PARTS: usize = 6;

/// The parts of one field of a member, on the stack: survivorship compares them
/// many times per customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Parts<'a> {
    items: [Option<&'a str>; MAX_PARTS],
    len: usize,
}

impl<'a> std::ops::Deref for Parts<'a> {
    type Target = [Option<&'a str>];

    fn deref(&self) -> &Self::Target {
        &self.items[..self.len]
    }
}
