//! A customer record as a host system holds it: free text per field, any of which
//! may be missing.

use serde::{Deserialize, Serialize};

/// A customer record as it arrives from a CRM, ERP, web form or import file.
///
/// Every field is optional text, as typed; [`standardize`] turns it into a
/// standardised record plus findings. Field names are the JSON names.
///
/// [`standardize`]: crate::standardize::standardize
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// A person's title or salutation (`Dr.`, `Sra.`, `Lic.`). A title typed in
    /// the name fields is moved here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Given name(s) of a person (`María José`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Surname(s) of a person, one or two (`García Márquez`, `de la Fuente`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    /// A person's whole name in one field, for hosts without separate fields
    /// (`Sr. José Luis García`, `GARCIA, JOSE LUIS`). Used when `given_name` and
    /// `surname` are both missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// A company's name, with or without its legal form (`Acme SRL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// An email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A phone number in any common written form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// A second phone number (often the mobile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    /// The street line: street type and name, house number, floor and unit
    /// (`Av. Corrientes 1234, 5º B`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// The house number, for hosts that keep it apart from the street.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_number: Option<String>,
    /// A second address line: building, complex, neighbourhood.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_extra: Option<String>,
    /// City, town or suburb.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// Province or state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// Postal code (`C1425ABC`, `1425`, `28013`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Country: an ISO 3166 code (`AR`) or a common name (`Argentina`, `España`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Birth date in any common written form (`09/01/1986`, `1986-01-09`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// A national identifier: CUIT/CUIL or DNI in Argentina, DNI/NIF, NIE or CIF
    /// in Spain. Its kind is recognised from its shape and the country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_id: Option<String>,
}
