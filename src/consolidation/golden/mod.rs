//! Golden records: one trustworthy record per real customer, built from all the
//! source records that describe them, without losing any.
//!
//! A golden record is a pure function of its members (the source records merged
//! into it) and the [`Survivorship`] configuration: [`survive`] orders the members
//! by their keys before choosing, so the order in which records were merged never
//! changes the result, and taking a member out gives exactly the golden record the
//! others would have made on their own.
//!
//! For every field the golden record keeps where its value came from (its
//! [`Lineage`]: the source record and the criterion that chose it), and every
//! distinct email, phone and address of any member stays in the golden record as
//! an [`Alternate`], with the sources that hold it.

mod member;
mod survivorship;

use serde::{Deserialize, Serialize};

pub use member::{Member, SourceKey};
pub use survivorship::{Criterion, Decided, GoldenField, Survivorship};

use crate::model::record::Record;

/// Where the surviving value of one field came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Lineage {
    /// The field.
    pub field: GoldenField,
    /// The source record whose value survived.
    pub source: SourceKey,
    /// Why that value survived.
    pub decided: Decided,
    /// Whether the value validated.
    pub validated: bool,
}

/// A value some member holds besides (or as) the surviving one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Alternate_{T}"))]
pub struct Alternate<T> {
    /// The value in standard form.
    pub value: T,
    /// The source records that hold it, sorted.
    pub sources: Vec<SourceKey>,
    /// Whether it validated.
    pub validated: bool,
}

/// The parts of a postal address, in standard form.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AddressLines {
    /// Street type and name, with floor and unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// House number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_number: Option<String>,
    /// Second address line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_extra: Option<String>,
    /// City, town or suburb.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// Province or state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
}

impl AddressLines {
    fn of(r: &Record) -> AddressLines {
        AddressLines {
            street: r.street.clone(),
            street_number: r.street_number.clone(),
            address_extra: r.address_extra.clone(),
            locality: r.locality.clone(),
            province: r.province.clone(),
            postal_code: r.postal_code.clone(),
        }
    }

    /// Whether these are `r`'s address lines (without copying them).
    fn is_of(&self, r: &Record) -> bool {
        self.street == r.street
            && self.street_number == r.street_number
            && self.address_extra == r.address_extra
            && self.locality == r.locality
            && self.province == r.province
            && self.postal_code == r.postal_code
    }
}

/// The best-known version of one customer, with where each value came from and
/// every alternative any source holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GoldenRecord {
    /// The surviving values, in standard form.
    pub record: Record,
    /// Where each surviving field came from, in [`GoldenField::ALL`] order; a
    /// field no member has is absent.
    pub lineage: Vec<Lineage>,
    /// Every distinct email of the members, the surviving one included.
    pub emails: Vec<Alternate<String>>,
    /// Every distinct phone number (`phone` and `mobile`) of the members.
    pub phones: Vec<Alternate<String>>,
    /// Every distinct address of the members.
    pub addresses: Vec<Alternate<AddressLines>>,
    /// The member records' keys, sorted.
    pub sources: Vec<SourceKey>,
}

impl GoldenRecord {
    /// Where the value of `field` came from, if the record has one.
    pub fn lineage_of(&self, field: GoldenField) -> Option<&Lineage> {
        self.lineage.iter().find(|l| l.field == field)
    }
}

/// Builds the golden record of `members` under `config`.
///
/// The members' order does not matter. Members should have distinct keys; the
/// registry that keeps golden records guarantees it.
///
/// ```
/// use ciclo::consolidation::golden::{survive, GoldenField, Member, SourceKey, Survivorship};
/// use ciclo::standardize::{standardize, Country, Options};
/// use ciclo::model::{Record, Timestamp};
///
/// let options = Options::new(Some(Country::AR), time::macros::date!(2026 - 11 - 23));
/// let member = |system: &str, at: &str, email: &str| {
///     let record = Record {
///         given_name: Some("José".into()),
///         surname: Some("García".into()),
///         email: Some(email.into()),
///         ..Record::default()
///     };
///     Member::new(
///         SourceKey::new(system, "1").unwrap(),
///         Timestamp::parse(at, "updated").unwrap(),
///         &standardize(&record, &options),
///     )
/// };
/// let crm = member("crm", "2026-01-10T00:00:00Z", "jose@example.com");
/// let web = member("web", "2026-06-01T00:00:00Z", "jgarcia@example.com");
/// let golden = survive([&crm, &web], &Survivorship::default());
/// // The most recent email survives; the other stays as an alternate.
/// assert_eq!(golden.record.email.as_deref(), Some("jgarcia@example.com"));
/// assert_eq!(golden.lineage_of(GoldenField::Email).unwrap().source.system, "web");
/// assert_eq!(golden.emails.len(), 2);
/// ```
pub fn survive<'a>(
    members: impl IntoIterator<Item = &'a Member>,
    config: &Survivorship,
) -> GoldenRecord {
    let mut members: Vec<&Member> = members.into_iter().collect();
    members.sort_by(|a, b| a.key.cmp(&b.key));
    let mut golden = GoldenRecord {
        sources: members.iter().map(|m| m.key.clone()).collect(),
        lineage: Vec::with_capacity(GoldenField::ALL.len()),
        ..GoldenRecord::default()
    };
    for field in GoldenField::ALL {
        let Some((winner, decided)) = survivorship::choose(field, &members, config) else {
            continue;
        };
        copy_field(&mut golden.record, &winner.record, field);
        golden.lineage.push(Lineage {
            field,
            source: winner.key.clone(),
            decided,
            validated: winner.is_validated(field),
        });
    }
    for m in &members {
        let r = &m.record;
        if let Some(email) = &r.email {
            add(
                &mut golden.emails,
                email.as_str(),
                m,
                m.is_validated(GoldenField::Email),
            );
        }
        if let Some(phone) = &r.phone {
            add(
                &mut golden.phones,
                phone.as_str(),
                m,
                m.is_validated(GoldenField::Phone),
            );
        }
        if let Some(mobile) = &r.mobile {
            add(
                &mut golden.phones,
                mobile.as_str(),
                m,
                m.is_validated(GoldenField::Mobile),
            );
        }
        if m.has(GoldenField::Address) {
            let validated = m.is_validated(GoldenField::Address);
            match golden.addresses.iter_mut().find(|a| a.value.is_of(r)) {
                Some(a) => join(a, m, validated),
                None => golden.addresses.push(Alternate {
                    value: AddressLines::of(r),
                    sources: vec![m.key.clone()],
                    validated,
                }),
            }
        }
    }
    golden
}

/// Adds `value` from member `m` to `list`, or `m` to the sources of the same
/// value already there. Members come sorted, so sources stay sorted.
fn add<T>(list: &mut Vec<Alternate<T::Owned>>, value: &T, m: &Member, validated: bool)
where
    T: ToOwned + ?Sized,
    T::Owned: PartialEq<T>,
{
    match list.iter_mut().find(|a| a.value == *value) {
        Some(a) => join(a, m, validated),
        None => list.push(Alternate {
            value: value.to_owned(),
            sources: vec![m.key.clone()],
            validated,
        }),
    }
}

/// Adds member `m` to the sources of an alternate it also holds.
fn join<T>(a: &mut Alternate<T>, m: &Member, validated: bool) {
    if a.sources.last() != Some(&m.key) {
        a.sources.push(m.key.clone());
    }
    a.validated |= validated;
}

/// Copies the parts of `field` from `from` into `to`.
fn copy_field(to: &mut Record, from: &Record, field: GoldenField) {
    match field {
        GoldenField::Name => {
            to.title.clone_from(&from.title);
            to.given_name.clone_from(&from.given_name);
            to.surname.clone_from(&from.surname);
            to.full_name.clone_from(&from.full_name);
        }
        GoldenField::Company => to.company.clone_from(&from.company),
        GoldenField::Email => to.email.clone_from(&from.email),
        GoldenField::Phone => to.phone.clone_from(&from.phone),
        GoldenField::Mobile => to.mobile.clone_from(&from.mobile),
        GoldenField::Address => {
            to.street.clone_from(&from.street);
            to.street_number.clone_from(&from.street_number);
            to.address_extra.clone_from(&from.address_extra);
            to.locality.clone_from(&from.locality);
            to.province.clone_from(&from.province);
            to.postal_code.clone_from(&from.postal_code);
        }
        GoldenField::Country => to.country.clone_from(&from.country),
        GoldenField::BirthDate => to.birth_date.clone_from(&from.birth_date),
        GoldenField::NationalId => to.national_id.clone_from(&from.national_id),
    }
}
