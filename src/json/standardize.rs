//! JSON shape of a standardised record (`ciclo_record_standardize_json`) and
//! of the findings every standardising call reports.
//!
//! Written with every object's keys sorted, as a `serde_json::Value` writes
//! them (the shape has always been written so).

use serde::Serialize;

use crate::model::record::Record;
use crate::standardize::{Finding, Standardized};

/// Writes `value` with every object's keys sorted, at every depth: the order
/// the documents built as `serde_json::Value`s have always had.
pub(crate) fn to_sorted_json<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .expect("wire types serialise")
        .to_string()
}

/// A value written with its objects' keys sorted, inside a document written
/// as declared (a golden record or a source key in a change of the feed).
pub(crate) struct Sorted<T>(pub(crate) T);

impl<T: Serialize> Serialize for Sorted<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde_json::to_value(&self.0)
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }
}

#[cfg(feature = "schema")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Sorted<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// What standardisation found about one field.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct FindingJson<'a> {
    /// The record field (`email`, `phone`, `birth_date`...), `name` for the
    /// name fields together and `address` for the address fields together.
    field: &'a str,
    /// `info`, `warning` or `error` (an error: the value did not validate).
    #[cfg_attr(
        feature = "schema",
        schemars(extend("enum" = ["info", "warning", "error"]))
    )]
    severity: &'a str,
    /// A stable dotted code (`phone.too_short`, `id.check_digit`).
    code: &'a str,
    /// A message in plain English for the person who typed the value.
    message: &'a str,
    /// The value to write instead, where one is known; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<&'a str>,
}

/// The findings in the order given.
pub(crate) fn findings(findings: &[Finding]) -> Vec<FindingJson<'_>> {
    findings
        .iter()
        .map(|f| FindingJson {
            field: f.field,
            severity: f.problem.severity.as_str(),
            code: f.problem.code,
            message: &f.problem.message,
            suggestion: f.problem.suggestion.as_deref(),
        })
        .collect()
}

/// A standardised record (see [`standardized_to_json`]).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct StandardizedJson<'a> {
    /// The standard record; a value that did not validate is kept as typed.
    record: &'a Record,
    /// The record's country (ISO 3166 two letters), `null` when unknown.
    country: Option<String>,
    /// Whether no finding is an error.
    valid: bool,
    /// What standardisation found, field by field.
    findings: Vec<FindingJson<'a>>,
    /// The values that validated, with their comparison keys.
    parsed: ParsedJson<'a>,
}

/// The values that validated; `null` for a field that is missing or did not
/// validate.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct ParsedJson<'a> {
    /// The person's name.
    name: Option<NameJson<'a>>,
    /// The company's name.
    company: Option<CompanyJson<'a>>,
    /// The email address.
    email: Option<EmailJson<'a>>,
    /// The phone.
    phone: Option<PhoneJson<'a>>,
    /// The second phone.
    mobile: Option<PhoneJson<'a>>,
    /// The address.
    address: Option<AddressJson<'a>>,
    /// The birth date, `yyyy-mm-dd`.
    birth_date: Option<String>,
    /// The national identifier.
    national_id: Option<NationalIdJson<'a>>,
}

/// A person's name, parsed.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct NameJson<'a> {
    /// Given name(s) (`José`).
    given: &'a str,
    /// Surnames, one or two (`["García", "Márquez"]`).
    surnames: Vec<&'a str>,
    /// Title (`Dr.`), `null` without one.
    title: Option<&'a str>,
    /// Comparison keys of the given names (nicknames resolved).
    given_keys: Vec<String>,
    /// Comparison keys of the surnames.
    surname_keys: Vec<String>,
}

/// A company's name, parsed.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct CompanyJson<'a> {
    /// The name without its legal form.
    name: &'a str,
    /// The legal form (`S.A.`, `S.R.L.`), `null` without one.
    legal_form: Option<&'a str>,
    /// The comparison key.
    key: String,
}

/// An email address, parsed.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct EmailJson<'a> {
    /// The address as written (domain in lowercase).
    address: &'a str,
    /// The comparison key (dots and `+tags` of providers that ignore them
    /// removed, lowercase).
    key: &'a str,
}

/// A phone number, parsed.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct PhoneJson<'a> {
    /// The number in E.164 (`+5491123456789`).
    e164: &'a str,
    /// The region of its numbering plan (ISO 3166, `AR`).
    region: &'a str,
    /// The line type: `mobile`, `fixed_line`, `fixed_line_or_mobile`,
    /// `toll_free`, `premium_rate`, `shared_cost`, `voip`,
    /// `personal_number`, `pager`, `uan`, `voicemail` or `unknown`.
    line: &'a str,
}

/// One detail of an address (`Bº` Palermo, `Torre` 2).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct DetailJson<'a> {
    /// The detail's label (`Bº`, `Mz.`, `Torre`).
    label: &'a str,
    /// Its value.
    value: &'a str,
}

/// An address, parsed; `null` for a part it does not have.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct AddressJson<'a> {
    /// The street type (`Avenida`, `Calle`).
    street_type: Option<&'a str>,
    /// The street's name.
    street_name: &'a str,
    /// The house number.
    number: Option<&'a str>,
    /// The kilometre, on a route.
    km: Option<&'a str>,
    /// The floor.
    floor: Option<&'a str>,
    /// The unit.
    unit: Option<&'a str>,
    /// Other details, in order.
    details: Vec<DetailJson<'a>>,
    /// What was left over.
    extra: Option<&'a str>,
    /// City, town or suburb.
    locality: Option<&'a str>,
    /// Province or state, in its standard name.
    province: Option<&'a str>,
    /// Postal code.
    postal_code: Option<&'a str>,
    /// Country (ISO 3166 two letters).
    country: Option<String>,
    /// The street's comparison key.
    street_key: String,
}

/// A national identifier, validated.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub(crate) struct NationalIdJson<'a> {
    /// `ar_cuit`, `ar_dni`, `es_dni`, `es_nie`, `es_nif` or `es_cif`.
    kind: &'a str,
    /// The canonical form (`20-12345678-6`).
    canonical: &'a str,
    /// `person`, `company` or `unknown`.
    holder: &'a str,
    /// The person's document number inside it (the DNI in a CUIT), `null`
    /// when there is none.
    person_number: Option<&'a str>,
}

impl<'a> StandardizedJson<'a> {
    /// The wire form of `out`.
    pub(crate) fn new(out: &'a Standardized) -> StandardizedJson<'a> {
        let phone = |p: &'a Option<crate::standardize::phone::Phone>| {
            p.as_ref().map(|p| PhoneJson {
                e164: p.e164.as_str(),
                region: p.region.as_str(),
                line: p.line.as_str(),
            })
        };
        let parsed = ParsedJson {
            name: out.name.as_ref().map(|n| NameJson {
                given: n.given.as_str(),
                surnames: n.surnames.iter().map(|s| s.as_str()).collect(),
                title: n.title.as_deref(),
                given_keys: n.given_canonical_keys(),
                surname_keys: n.surname_keys(),
            }),
            company: out.company.as_ref().map(|c| CompanyJson {
                name: &c.name,
                legal_form: c.legal_form.map(|f| f.as_str()),
                key: c.key(),
            }),
            email: out.email.as_ref().map(|e| EmailJson {
                address: e.address(),
                key: e.key(),
            }),
            phone: phone(&out.phone),
            mobile: phone(&out.mobile),
            address: out.address.as_ref().map(|a| AddressJson {
                street_type: a.street_type.map(|t| t.as_str()),
                street_name: a.street_name.as_str(),
                number: a.number.as_deref(),
                km: a.km.as_deref(),
                floor: a.floor.as_deref(),
                unit: a.unit.as_deref(),
                details: a
                    .details
                    .iter()
                    .map(|(d, v)| DetailJson {
                        label: d.label(),
                        value: v.as_str(),
                    })
                    .collect(),
                extra: a.extra.as_deref(),
                locality: a.locality.as_deref(),
                province: a.province.as_deref(),
                postal_code: a.postal_code.as_deref(),
                country: a.country.map(|c| c.to_string()),
                street_key: a.street_key(),
            }),
            birth_date: out.birth_date.map(crate::standardize::dates::format),
            national_id: out.national_id.as_ref().map(|id| NationalIdJson {
                kind: id.kind().as_str(),
                canonical: id.canonical(),
                holder: id.holder().as_str(),
                person_number: id.person_number(),
            }),
        };
        StandardizedJson {
            record: &out.record,
            country: out.country.map(|c| c.to_string()),
            valid: !out.has_errors(),
            findings: findings(&out.findings),
            parsed,
        }
    }
}

/// The result of [`standardize`](crate::standardize::standardize) as
/// JSON: `{"record", "country", "valid", "findings", "parsed"}`.
///
/// `record` is the standard record; `valid` is true when no finding is an error;
/// each finding has `field`, `severity` (`info`, `warning`, `error`), `code`,
/// `message` and, when there is one, `suggestion`; `parsed` holds the values that
/// validated, with their comparison keys:
///
/// ```json
/// {"name": {"given": "José", "surnames": ["García", "Márquez"], "title": "Dr.",
///           "given_keys": ["jose"], "surname_keys": ["garcia", "marquez"]},
///  "company": {"name": "Acme", "legal_form": "S.A.", "key": "acme"},
///  "email": {"address": "Jose.Garcia@gmail.com", "key": "josegarcia@gmail.com"},
///  "phone": {"e164": "+5491123456789", "region": "AR", "line": "mobile"},
///  "mobile": null,
///  "address": {"street_type": "Avenida", "street_name": "Corrientes", "number": "1234",
///              "km": null, "floor": "5", "unit": "B", "details": [], "extra": null,
///              "locality": "Buenos Aires", "province": "Ciudad Autónoma de Buenos Aires",
///              "postal_code": "C1043AAZ", "country": "AR", "street_key": "corrientes 1234"},
///  "birth_date": "1986-01-09",
///  "national_id": {"kind": "ar_cuit", "canonical": "20-12345678-6", "holder": "person",
///                  "person_number": "12345678"}}
/// ```
///
/// Every object's keys are sorted. The shape is
/// `include/schema/standardized.schema.json`.
pub fn standardized_to_json(out: &Standardized) -> String {
    to_sorted_json(&StandardizedJson::new(out))
}
