//! Survivorship: which source record's value a golden record shows, field by field.
//!
//! Each [`GoldenField`] has a chain of [`Criterion`]s. The candidates are the
//! members that have a value for the field; the first criterion orders them, the
//! next breaks its ties, and so on; the source key breaks what is still tied, so
//! the choice never depends on the order the records arrived in.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::member::Member;
use crate::error::{Error, Result};

/// A field of a golden record, as survivorship chooses it.
///
/// Fields that only make sense together survive together, from one source record:
/// `name` is the title, given name, surname and full name; `address` is the
/// street, house number, extra line, locality, province and postal code. A
/// golden record never shows the street of one address with the postal code of
/// another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GoldenField {
    /// `title`, `given_name`, `surname`, `full_name`.
    Name,
    /// `company`.
    Company,
    /// `email`.
    Email,
    /// `phone`.
    Phone,
    /// `mobile`.
    Mobile,
    /// `street`, `street_number`, `address_extra`, `locality`, `province`,
    /// `postal_code`.
    Address,
    /// `country`.
    Country,
    /// `birth_date`.
    BirthDate,
    /// `national_id`.
    NationalId,
}

impl GoldenField {
    /// Every field, in the order a form shows them.
    pub const ALL: [GoldenField; 9] = [
        GoldenField::Name,
        GoldenField::Company,
        GoldenField::Email,
        GoldenField::Phone,
        GoldenField::Mobile,
        GoldenField::Address,
        GoldenField::Country,
        GoldenField::BirthDate,
        GoldenField::NationalId,
    ];

    /// The field's name in configuration and JSON (`birth_date`).
    pub fn as_str(self) -> &'static str {
        match self {
            GoldenField::Name => "name",
            GoldenField::Company => "company",
            GoldenField::Email => "email",
            GoldenField::Phone => "phone",
            GoldenField::Mobile => "mobile",
            GoldenField::Address => "address",
            GoldenField::Country => "country",
            GoldenField::BirthDate => "birth_date",
            GoldenField::NationalId => "national_id",
        }
    }

    /// The index of the field in [`GoldenField::ALL`].
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// One way of preferring a value over another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// A value that passed validation (a real email, a phone in the numbering plan,
    /// an identifier with the right check digit) beats one that did not.
    Validated,
    /// The value of the source record changed most recently.
    MostRecent,
    /// The value most source records agree on.
    MostFrequent,
    /// The value of the most trusted source system, in the order of
    /// [`Survivorship::source_priority`]; systems not listed come after those
    /// listed.
    SourcePriority,
    /// The fullest value: more of the field's parts filled in (an address with
    /// its postal code, a name with both surnames), then the longer text.
    MostComplete,
}

impl Criterion {
    /// The criterion's name in configuration and JSON (`most_recent`).
    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::Validated => "validated",
            Criterion::MostRecent => "most_recent",
            Criterion::MostFrequent => "most_frequent",
            Criterion::SourcePriority => "source_priority",
            Criterion::MostComplete => "most_complete",
        }
    }
}

/// How golden records choose their values: a chain of criteria per field.
///
/// Fields not named in [`fields`](Self::fields) use [`default`](Self::default).
/// The built-in configuration ([`Survivorship::default`]) prefers validated
/// values everywhere; then, for names, birth dates and identifiers, what most
/// sources agree on (one typo in one system does not win); for contact data and
/// addresses, the most recent (people move and change numbers).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Survivorship {
    /// Source systems from most to least trusted (`["erp", "crm", "web"]`), for
    /// [`Criterion::SourcePriority`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source_priority: Vec<String>,
    /// The chain for fields without their own.
    #[serde(default = "default_chain")]
    pub default: Vec<Criterion>,
    /// Chains per field. In configuration, the fields named replace the
    /// built-in chains of those fields; the others keep theirs.
    #[serde(default = "default_fields", deserialize_with = "over_default_fields")]
    pub fields: BTreeMap<GoldenField, Vec<Criterion>>,
}

fn default_fields() -> BTreeMap<GoldenField, Vec<Criterion>> {
    let agreed = vec![
        Criterion::Validated,
        Criterion::MostFrequent,
        Criterion::MostComplete,
        Criterion::MostRecent,
    ];
    [
        GoldenField::Name,
        GoldenField::Company,
        GoldenField::BirthDate,
        GoldenField::NationalId,
    ]
    .into_iter()
    .map(|f| (f, agreed.clone()))
    .collect()
}

fn over_default_fields<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<GoldenField, Vec<Criterion>>, D::Error> {
    // A field named twice is an error (serde's maps would keep the last chain).
    let given: BTreeMap<GoldenField, Vec<Criterion>> = crate::model::serde_maps::unique_map(d)?;
    let mut fields = default_fields();
    fields.extend(given);
    Ok(fields)
}

fn default_chain() -> Vec<Criterion> {
    vec![Criterion::Validated, Criterion::MostRecent]
}

impl Default for Survivorship {
    fn default() -> Survivorship {
        Survivorship {
            source_priority: Vec::new(),
            default: default_chain(),
            fields: default_fields(),
        }
    }
}

impl Survivorship {
    /// Checks the configuration: every chain has at least one criterion and no
    /// criterion twice; `source_priority` is used only when systems are listed,
    /// and lists each system once.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the chain or the list at fault.
    pub fn validate(&self) -> Result<()> {
        let config = |field: String, message: String| Error::Config { field, message };
        let chains = std::iter::once(("survivorship.default".to_string(), &self.default)).chain(
            self.fields
                .iter()
                .map(|(f, c)| (format!("survivorship.fields.{}", f.as_str()), c)),
        );
        for (name, chain) in chains {
            if chain.is_empty() {
                return Err(config(name, "the chain names no criterion".into()));
            }
            for (i, c) in chain.iter().enumerate() {
                if chain[..i].contains(c) {
                    return Err(config(name, format!("`{}` appears twice", c.as_str())));
                }
            }
            if chain.contains(&Criterion::SourcePriority) && self.source_priority.is_empty() {
                return Err(config(
                    name,
                    "uses `source_priority` but survivorship.source_priority lists no system"
                        .into(),
                ));
            }
        }
        for (i, system) in self.source_priority.iter().enumerate() {
            if system.trim().is_empty() {
                return Err(config(
                    "survivorship.source_priority".into(),
                    format!("entry {i} is empty"),
                ));
            }
            if self.source_priority[..i].contains(system) {
                return Err(config(
                    "survivorship.source_priority".into(),
                    format!("`{system}` is listed twice"),
                ));
            }
        }
        Ok(())
    }

    /// The chain of criteria for `field`.
    pub fn chain(&self, field: GoldenField) -> &[Criterion] {
        self.fields.get(&field).unwrap_or(&self.default)
    }

    /// The rank of a source system: its place in `source_priority`, or after all
    /// of them.
    fn rank(&self, system: &str) -> usize {
        self.source_priority
            .iter()
            .position(|s| s == system)
            .unwrap_or(self.source_priority.len())
    }
}

/// Why a value survived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "by", content = "criterion")]
pub enum Decided {
    /// Only one source record has a value for the field.
    OnlySource,
    /// All candidates had the same value.
    Unanimous,
    /// This criterion put the value ahead of the next best.
    Criterion(Criterion),
    /// Every criterion tied; the smallest source key won.
    SourceKey,
}

/// The member whose value survives for `field`, and why; `None` when no member
/// has a value.
pub(super) fn choose<'a>(
    field: GoldenField,
    members: &[&'a Member],
    config: &Survivorship,
) -> Option<(&'a Member, Decided)> {
    let candidates: Vec<&Member> = members.iter().copied().filter(|m| m.has(field)).collect();
    match candidates.len() {
        0 => return None,
        1 => return Some((candidates[0], Decided::OnlySource)),
        _ => {}
    }
    let chain = config.chain(field);
    let parts: Vec<_> = candidates.iter().map(|m| m.parts(field)).collect();
    let frequency: Vec<usize> = parts
        .iter()
        .map(|p| parts.iter().filter(|o| **o == *p).count())
        .collect();
    let completeness: Vec<(usize, usize)> = if chain.contains(&Criterion::MostComplete) {
        candidates.iter().map(|m| m.completeness(field)).collect()
    } else {
        Vec::new()
    };
    // `Less` puts candidate `a` first.
    let compare = |a: usize, b: usize, c: Criterion| -> Ordering {
        let (ma, mb) = (candidates[a], candidates[b]);
        match c {
            Criterion::Validated => mb.is_validated(field).cmp(&ma.is_validated(field)),
            Criterion::MostRecent => mb.updated.cmp(&ma.updated),
            Criterion::MostFrequent => frequency[b].cmp(&frequency[a]),
            Criterion::SourcePriority => config
                .rank(&ma.key.system)
                .cmp(&config.rank(&mb.key.system)),
            Criterion::MostComplete => completeness[b].cmp(&completeness[a]),
        }
    };
    let full = |&a: &usize, &b: &usize| {
        chain
            .iter()
            .map(|&c| compare(a, b, c))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| candidates[a].key.cmp(&candidates[b].key))
    };
    let mut ranked: Vec<usize> = (0..candidates.len()).collect();
    ranked.sort_by(full);
    let winner = ranked[0];
    // Why it won: what put it ahead of the best candidate with another value.
    let rival = ranked.iter().copied().find(|&i| parts[i] != parts[winner]);
    let decided = match rival {
        None => Decided::Unanimous,
        Some(rival) => chain
            .iter()
            .copied()
            .find(|&c| compare(winner, rival, c).is_lt())
            .map_or(Decided::SourceKey, Decided::Criterion),
    };
    Some((candidates[winner], decided))
}
