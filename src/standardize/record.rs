//! A whole record standardised: every field through its own standardiser, the
//! country worked out once, and every problem reported as a [`Finding`] that names
//! its field.

use compact_str::CompactString;
use time::Date;

use super::address::{self, Address, AddressInput};
use super::dates::{self, DateOrder};
use super::email::{self, Email};
use super::ids::{self, NationalId};
use super::names::{self, CompanyName, PersonName};
use super::phone::{self, Phone};
use super::text::{join_words, tidy};
use super::{Country, Problem, Severity};
use crate::model::record::Record;

/// What a host tells the standardiser beyond the record itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The country assumed when a record does not say and nothing in it tells
    /// (domestic phone numbers, bare postal codes): the CRM's home market.
    pub default_country: Option<Country>,
    /// Today's date, against which birth dates in the future are rejected. The
    /// caller passes it so that standardising stays pure and repeatable.
    pub today: Date,
    /// How dates written with numbers only (`01/02/1990`) are read: day first
    /// by default. See [`dates`](super::dates#day-first-or-month-first).
    pub date_order: DateOrder,
}

impl Options {
    /// Options with a default country and today's date; dates read day first.
    pub fn new(default_country: Option<Country>, today: Date) -> Options {
        Options {
            default_country,
            today,
            date_order: DateOrder::Dmy,
        }
    }

    /// The same options with dates read in `order`.
    ///
    /// ```
    /// use ciclo::model::Record;
    /// use ciclo::standardize::{dates::DateOrder, standardize, Options};
    ///
    /// let today = time::macros::date!(2026 - 11 - 23);
    /// let record = Record { birth_date: Some("01/02/1990".into()), ..Record::default() };
    /// let us = Options::new(None, today).with_date_order(DateOrder::Mdy);
    /// assert_eq!(standardize(&record, &us).record.birth_date.as_deref(), Some("1990-01-02"));
    /// ```
    pub fn with_date_order(self, order: DateOrder) -> Options {
        Options {
            date_order: order,
            ..self
        }
    }
}

/// A [`Problem`] found in one field of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The record field, by its JSON name (`email`, `phone`, `mobile`,
    /// `country`, `birth_date`, `national_id`, `company`), or `name` for the
    /// person's name fields together (`title`, `given_name`, `surname`,
    /// `full_name`) and `address` for the address fields together.
    pub field: &'static str,
    /// What was found.
    pub problem: Problem,
}

/// A record after standardisation: the standard record, the parsed values behind
/// it, and the findings.
///
/// Nothing typed is lost. A field that validates holds its standard form in
/// [`record`](Self::record) and its parsed value in the matching field here; a
/// field that does not validate keeps what was typed (whitespace tidied) in
/// `record`, its parsed value is `None`, and an error finding says why.
#[derive(Clone, Debug, PartialEq)]
pub struct Standardized {
    /// The record with every field in standard form.
    pub record: Record,
    /// The record's country: the `country` field if it names one, else what the
    /// address, phones or identifier tell, else the default country.
    pub country: Option<Country>,
    /// The person's name.
    pub name: Option<PersonName>,
    /// The company's name.
    pub company: Option<CompanyName>,
    /// The email address.
    pub email: Option<Email>,
    /// The phone number.
    pub phone: Option<Phone>,
    /// The second phone number.
    pub mobile: Option<Phone>,
    /// The postal address (present when any address field is).
    pub address: Option<Address>,
    /// The birth date.
    pub birth_date: Option<Date>,
    /// The national identifier.
    pub national_id: Option<NationalId>,
    /// Everything found, in the order a form shows the fields (name, company,
    /// email, phones, address, country, birth date, identifier).
    pub findings: Vec<Finding>,
}

impl Standardized {
    /// Whether any finding is an error (a field that did not validate).
    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.problem.severity == Severity::Error)
    }
}

/// Standardises and validates every field of a record.
///
/// Never fails: each problem becomes a [`Finding`] on its field. Standardising the
/// standardised record gives the same record again (the findings about values
/// that were changed, such as a removed title, do not repeat; errors do).
///
/// ```
/// use ciclo::standardize::{standardize, Country, Options};
/// use ciclo::model::Record;
///
/// let record = Record {
///     given_name: Some("  pepe ".into()),
///     surname: Some("GARCÍA  márquez".into()),
///     email: Some("Pepe.Garcia@GMIAL.com".into()),
///     phone: Some("011 15-2345-6789".into()),
///     national_id: Some("20-12345678-6".into()),
///     birth_date: Some("9/1/1986".into()),
///     ..Record::default()
/// };
/// let today = time::macros::date!(2026 - 11 - 23);
/// let out = standardize(&record, &Options::new(Some(Country::AR), today));
/// assert_eq!(out.record.surname.as_deref(), Some("García Márquez"));
/// assert_eq!(out.record.phone.as_deref(), Some("+5491123456789"));
/// assert_eq!(out.record.birth_date.as_deref(), Some("1986-01-09"));
/// assert!(out.findings.iter().any(|f| f.problem.code == "email.domain_typo"));
/// ```
pub fn standardize(record: &Record, options: &Options) -> Standardized {
    // A value that does not validate is kept tidied (`tidy`): every field is
    // read tidied too, so that standardising the standard record again reads
    // what was read the first time. Found by fuzzing: an identifier with a
    // newline inside was refused, kept with a space, and then read as valid; a
    // postal code `749\n2` was kept as `749 2` and read as `7492` the second
    // time; a given name too long only for its run of spaces was kept, spaces
    // collapsed, and then read (its title taken off); a postal code `\x7f14289`
    // was refused for its DEL, kept as `14289`, and then read as Córdoba's.
    let read = |field: &Option<String>| present(field).map(read_tidied);
    let title = read(&record.title);
    let given_name = read(&record.given_name);
    let surname = read(&record.surname);
    let full_name = read(&record.full_name);
    let company = read(&record.company);
    let email = read(&record.email);
    let phone = read(&record.phone);
    let mobile = read(&record.mobile);
    let street = read(&record.street);
    let street_number = read(&record.street_number);
    let address_extra = read(&record.address_extra);
    let locality = read(&record.locality);
    let province = read(&record.province);
    let postal_code = read(&record.postal_code);
    let country = read(&record.country);
    let birth_date = read(&record.birth_date);
    let national_id = read(&record.national_id);
    let mut typed = Typed::of(record);
    typed.title = title.as_deref();
    typed.given_name = given_name.as_deref();
    typed.surname = surname.as_deref();
    typed.full_name = full_name.as_deref();
    typed.company = company.as_deref();
    typed.email = email.as_deref();
    typed.phone = phone.as_deref();
    typed.mobile = mobile.as_deref();
    typed.street = street.as_deref();
    typed.street_number = street_number.as_deref();
    typed.address_extra = address_extra.as_deref();
    typed.locality = locality.as_deref();
    typed.province = province.as_deref();
    typed.postal_code = postal_code.as_deref();
    typed.country = country.as_deref();
    typed.birth_date = birth_date.as_deref();
    typed.national_id = national_id.as_deref();
    let mut findings = Vec::new();
    // Country first: the other fields are read in its light. It is the typed
    // country, else what the data tells by itself (an address with a CPA or a
    // Spanish postal code, a phone written with its country code, the shape of
    // the identifier), else the default. Domestic phone numbers tell nothing:
    // they are read in the country's plan.
    //
    // Read once: the typed country decides both the country and, when it is not
    // recognised, what the standard record keeps.
    let named_country = typed.country.and_then(country_named);
    let mut country = None;
    if let Some(text) = typed.country {
        match named_country {
            Some(c) => country = Some(c),
            None => findings.push(Finding {
                field: "country",
                problem: Problem::error(
                    "country.unknown",
                    format!("`{text}` is not a known country name or ISO 3166 code"),
                ),
            }),
        }
    }
    let address_input = |country: Option<Country>| AddressInput {
        street: typed.street.unwrap_or(""),
        street_number: typed.street_number.unwrap_or(""),
        extra: typed.address_extra.unwrap_or(""),
        locality: typed.locality.unwrap_or(""),
        province: typed.province.unwrap_or(""),
        postal_code: typed.postal_code.unwrap_or(""),
        country,
    };
    let has_address = [
        typed.street,
        typed.street_number,
        typed.address_extra,
        typed.locality,
        typed.province,
        typed.postal_code,
    ]
    .iter()
    .any(Option::is_some);
    if country.is_none() && has_address {
        country = address::infer_country(&address_input(None));
    }
    if country.is_none() {
        country = [typed.phone, typed.mobile]
            .into_iter()
            .flatten()
            .find_map(|t| phone::parse_in(t, None).ok())
            .map(|p| p.region);
    }
    if country.is_none() {
        // Only shapes that belong to one country: bare 7 or 8 digits could be an
        // Argentine DNI or a Spanish DNI without its letter.
        country = typed
            .national_id
            .and_then(|t| ids::detect(t, None).ok())
            .filter(|id| id.kind() != ids::IdKind::ArDni)
            .map(|id| id.kind().country());
    }
    let country = country.or(options.default_country);

    // Address.
    let address = has_address.then(|| {
        let (address, problems) = address::parse(&address_input(country));
        note("address", problems, &mut findings);
        address
    });

    // Phones, in the country's numbering plan (only `+` numbers when no plan is
    // known for it).
    let region = country.filter(|c| phone::is_supported(*c));
    let mut read_phone = |field, text: Option<&str>| {
        let parsed = phone::parse_in(text?, region).map(|p| (p, Vec::new()));
        keep(field, parsed, &mut findings)
    };
    let phone = read_phone("phone", typed.phone);
    let mobile = read_phone("mobile", typed.mobile);

    // National identifier.
    let national_id = typed.national_id.and_then(|text| {
        let parsed = ids::detect(text, country).map(|id| (id, Vec::new()));
        keep("national_id", parsed, &mut findings)
    });

    // Names.
    let from_full_name = typed.given_name.is_none() && typed.surname.is_none();
    let name = if from_full_name {
        typed.full_name.map(names::parse_full_name)
    } else {
        Some(names::parse_person(
            typed.given_name.unwrap_or(""),
            typed.surname.unwrap_or(""),
        ))
    };
    let mut name = name.and_then(|r| keep("name", r, &mut findings));
    // A title typed in its own field wins over one found in the name fields.
    if let Some(name) = name.as_mut() {
        if let Some(title) = typed.title {
            name.title = Some(CompactString::from(tidy(title)));
        }
    }
    let company = typed
        .company
        .and_then(|text| keep("company", names::parse_company(text), &mut findings));

    // Email.
    let email = typed
        .email
        .and_then(|text| keep("email", email::parse(text), &mut findings));

    // Birth date.
    let birth_date = typed.birth_date.and_then(|text| {
        keep(
            "birth_date",
            dates::parse_birth_date_in(text, options.today, options.date_order),
            &mut findings,
        )
    });

    // The standard record: standard forms where valid, tidied text otherwise.
    let (title, given_name, surname, full_name) = match &name {
        Some(n) => (
            n.title.as_deref().map(str::to_owned),
            owned(&n.given),
            nonempty(join_words(&n.surnames)),
            // The full name is rewritten only when the name was read from it;
            // next to separate fields it is kept as typed.
            if from_full_name {
                typed.full_name.map(|_| n.display())
            } else {
                typed.full_name.map(tidy)
            },
        ),
        None => (
            typed.title.map(tidy),
            typed.given_name.map(tidy),
            typed.surname.map(tidy),
            typed.full_name.map(tidy),
        ),
    };
    let mut street = None;
    let mut street_number = None;
    let mut address_extra = None;
    let mut locality = None;
    let mut province = None;
    let mut postal_code = None;
    if let Some(a) = &address {
        street = nonempty(a.street_line());
        // A house number typed apart that disagrees with the one in the street
        // line is not in the standard street line: it is kept as typed.
        let mismatch = findings
            .iter()
            .any(|f| f.problem.code == "address.number_mismatch");
        if mismatch {
            street_number = typed.street_number.map(tidy);
        }
        address_extra = a.extra.as_deref().map(str::to_owned);
        locality = a.locality.as_deref().map(str::to_owned);
        province = a.province.as_deref().map(str::to_owned);
        postal_code = a.postal_code.as_deref().map(str::to_owned);
    }
    let record = Record {
        title,
        given_name,
        surname,
        full_name,
        company: match &company {
            Some(c) => Some(c.display()),
            None => typed.company.map(tidy),
        },
        email: match &email {
            Some(e) => Some(e.address().to_owned()),
            None => typed.email.map(tidy),
        },
        phone: match &phone {
            Some(p) => Some(p.e164.as_str().to_owned()),
            None => typed.phone.map(tidy),
        },
        mobile: match &mobile {
            Some(p) => Some(p.e164.as_str().to_owned()),
            None => typed.mobile.map(tidy),
        },
        street,
        street_number,
        address_extra,
        locality,
        province,
        postal_code,
        // A country typed but not recognised stays as typed (with its error),
        // even when the rest of the record tells the country.
        country: match (typed.country, named_country) {
            (Some(text), None) => Some(tidy(text)),
            _ => country.map(|c| c.as_str().to_owned()),
        },
        birth_date: match birth_date {
            Some(d) => Some(dates::format(d)),
            None => typed.birth_date.map(tidy),
        },
        national_id: match &national_id {
            Some(id) => Some(id.canonical().to_owned()),
            None => typed.national_id.map(tidy),
        },
    };

    if findings.len() > 1 {
        findings.sort_by_key(|f| FIELD_ORDER.iter().position(|&name| name == f.field));
    }
    Standardized {
        record,
        country,
        name,
        company,
        email,
        phone,
        mobile,
        address,
        birth_date,
        national_id,
        findings,
    }
}

/// The fields of a record that hold text (anything but whitespace), looked at
/// once.
struct Typed<'r> {
    title: Option<&'r str>,
    given_name: Option<&'r str>,
    surname: Option<&'r str>,
    full_name: Option<&'r str>,
    company: Option<&'r str>,
    email: Option<&'r str>,
    phone: Option<&'r str>,
    mobile: Option<&'r str>,
    street: Option<&'r str>,
    street_number: Option<&'r str>,
    address_extra: Option<&'r str>,
    locality: Option<&'r str>,
    province: Option<&'r str>,
    postal_code: Option<&'r str>,
    country: Option<&'r str>,
    birth_date: Option<&'r str>,
    national_id: Option<&'r str>,
}

impl<'r> Typed<'r> {
    fn of(record: &'r Record) -> Typed<'r> {
        Typed {
            title: present(&record.title),
            given_name: present(&record.given_name),
            surname: present(&record.surname),
            full_name: present(&record.full_name),
            company: present(&record.company),
            email: present(&record.email),
            phone: present(&record.phone),
            mobile: present(&record.mobile),
            street: present(&record.street),
            street_number: present(&record.street_number),
            address_extra: present(&record.address_extra),
            locality: present(&record.locality),
            province: present(&record.province),
            postal_code: present(&record.postal_code),
            country: present(&record.country),
            birth_date: present(&record.birth_date),
            national_id: present(&record.national_id),
        }
    }
}

/// The value of a field standardiser's result, its problems noted as findings.
fn keep<T>(
    field: &'static str,
    result: Result<(T, Vec<Problem>), Problem>,
    findings: &mut Vec<Finding>,
) -> Option<T> {
    match result {
        Ok((value, problems)) => {
            note(field, problems, findings);
            Some(value)
        }
        Err(problem) => {
            findings.push(Finding { field, problem });
            None
        }
    }
}

/// Notes problems found in `field` as findings.
fn note(field: &'static str, problems: Vec<Problem>, findings: &mut Vec<Finding>) {
    findings.extend(
        problems
            .into_iter()
            .map(|problem| Finding { field, problem }),
    );
}

/// The order of findings: the fields as a form shows them. `name` covers
/// `title`, `given_name`, `surname` and `full_name`; `address` covers the street
/// fields, locality, province and postal code.
const FIELD_ORDER: [&str; 9] = [
    "name",
    "company",
    "email",
    "phone",
    "mobile",
    "address",
    "country",
    "birth_date",
    "national_id",
];

/// The field's text if it has any non-whitespace.
/// A field as it is read and, when it does not validate, kept: control
/// characters that are not whitespace (NUL, DEL, C1) dropped, unless nothing
/// else is left (then the field stays, to be refused), whitespace collapsed
/// ([`tidy`]).
fn read_tidied(text: &str) -> String {
    let noise = |c: char| c.is_control() && !c.is_whitespace();
    if text.contains(noise) {
        let kept = tidy(&text.replace(noise, ""));
        if !kept.is_empty() {
            return kept;
        }
    }
    tidy(text)
}

fn present(field: &Option<String>) -> Option<&str> {
    field.as_deref().filter(|t| has_text(t))
}

/// Whether a text has any non-whitespace. Fields are looked at several times
/// a record, and nearly all start with a visible ASCII character: that answers
/// without trimming.
fn has_text(text: &str) -> bool {
    match text.as_bytes().first() {
        None => false,
        // The ASCII characters `char::is_whitespace` takes: space, `\t` to `\r`.
        Some(&b) if b.is_ascii() && !matches!(b, b' ' | b'\t'..=b'\r') => true,
        Some(_) => !text.trim().is_empty(),
    }
}

fn nonempty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// A copy of a parsed value's text for the standard record; `None` when empty.
fn owned(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// A country from its ISO code or a common name in Spanish or English.
fn country_named(text: &str) -> Option<Country> {
    // An ISO code first, the usual case, without folding: no name below is two
    // letters long, so a text that is a code is never one of them.
    if let Some(code) = Country::parse(text) {
        return Some(code);
    }
    let key = super::text::fold(text);
    let named = match key.as_str() {
        "argentina" | "republica argentina" => Country::AR,
        "espana" | "spain" | "reino de espana" => Country::ES,
        "mexico" | "estados unidos mexicanos" => Country::MX,
        "chile" => Country::CL,
        "colombia" => Country::CO,
        "uruguay" => Country::UY,
        "peru" => Country::PE,
        "brasil" | "brazil" => Country::BR,
        "estados unidos" | "united states" | "usa" | "eeuu" | "ee uu" => Country::US,
        "australia" => Country::AU,
        _ => return None,
    };
    Some(named)
}
