//! Postal addresses: a street line read into its parts (street type, name,
//! number, kilometre, floor, unit and other qualifiers), provinces written one
//! way, postal codes checked against the country and the province.
//!
//! [`parse`] reads an [`AddressInput`] (the address fields as a CRM holds them,
//! any of them empty) into an [`Address`] and a list of [`Problem`]s. It never
//! fails and never throws data away: what it cannot read is kept, tidied, in
//! [`Address::extra`] with a warning, and a postal code that disagrees with the
//! province is a warning, not a correction.
//!
//! Three conventions are understood:
//!
//! - Spanish and Argentine: the street type first, then the name and the number
//!   (`Avda. de Mayo 1370, 3º B`, `C/ Mayor, 5, 3º 2ª`, `Ruta 40 Km 3,5`). In
//!   Spain `3º 2ª` after the number is floor 3, door 2; in Argentina `5º B` is
//!   floor 5, flat B.
//! - Australian (the FEBRL benchmark data): the number first and the street type
//!   last (`6 tullaroop street`, `5/12 smith st`).
//! - Province or state and postal code of Argentina (CPA `C1425ABC` and the old
//!   four digits), Spain (five digits, the first two naming the province) and
//!   Australia (four digits).
//!
//! ```
//! use ciclo::consolidation::standardize::address::{parse, AddressInput, StreetType};
//! use ciclo::consolidation::standardize::Country;
//!
//! let (address, problems) = parse(&AddressInput {
//!     street: "Avda. Valdez 1149, Piso 11 Dpto. B",
//!     province: "Sta. Fe",
//!     postal_code: "s4621yqx",
//!     ..AddressInput::default()
//! });
//! assert_eq!(address.street_type, Some(StreetType::Avenida));
//! assert_eq!(address.street_name, "Valdez");
//! assert_eq!(address.number.as_deref(), Some("1149"));
//! assert_eq!(address.floor.as_deref(), Some("11"));
//! assert_eq!(address.unit.as_deref(), Some("B"));
//! assert_eq!(address.province.as_deref(), Some("Santa Fe"));
//! assert_eq!(address.postal_code.as_deref(), Some("S4621YQX"));
//! assert_eq!(address.country, Some(Country::AR));
//! assert_eq!(address.street_line(), "Avenida Valdez 1149, Piso 11, Dpto. B");
//! // The country was inferred from the CPA: an Info finding.
//! assert_eq!(problems[0].code, "address.country_inferred");
//! ```
//!
//! # Problem codes
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `address.country_inferred` | info | the country was taken from the postal code or the province |
//! | `address.province_inferred` | info | the province was taken from the postal code |
//! | `address.postal_code_padded` | info | a Spanish code that lost its leading zero (`2102` → `02102`) |
//! | `address.street_type_corrected` | info | an English street type read through a typo or glued to the name |
//! | `address.province_unknown` | warning | the province is not one of the country's |
//! | `address.province_country_mismatch` | warning | the province belongs to another country |
//! | `address.postal_code_invalid` | warning | not a postal code of the country |
//! | `address.postal_code_country_mismatch` | warning | a postal code of another country (a CPA in a Spanish record) |
//! | `address.postal_code_province_mismatch` | warning | the code names another province (suggested) |
//! | `address.number_mismatch` | warning | the street and the number field give different numbers |
//! | `address.street_name_missing` | warning | a street was written but no name was found in it |
//! | `address.unparsed` | warning | part of the street could not be read; kept in `extra` |

mod tables;

use super::text::{fold, tidy, title_case};
use super::{Country, Problem};
use std::fmt;
use tables::{Kw, Prov};

/// The number of an address written `s/n` (sin número, no number).
pub const NO_NUMBER: &str = "s/n";

/// Lower-case words inside Spanish names (`Calle de la Fuente`).
const PARTICLES: [&str; 7] = ["de", "del", "la", "las", "los", "y", "e"];

/// The type of a street: the word written before the name in Spanish (`Avenida
/// Corrientes`) or after it in English (`Tullaroop Street`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StreetType {
    /// Avenida (`Av.`, `Avda.`, `Avd.`).
    Avenida,
    /// Calle (`C/`, `Cl.`, `Cll.`).
    Calle,
    /// Pasaje (`Pje.`, `Psje.`).
    Pasaje,
    /// Boulevard or bulevar (`Bv.`, `Bvd.`, `Blvd.`); also the English boulevard.
    Boulevard,
    /// Plaza (`Pza.`, `Pl.`).
    Plaza,
    /// Paseo (`Pº`, `Pso.`).
    Paseo,
    /// Camino (`Cno.`).
    Camino,
    /// Carretera (`Ctra.`).
    Carretera,
    /// Ruta (`Rta.`; `R.N.` ruta nacional and `R.P.` ruta provincial).
    Ruta,
    /// Ronda (`Rda.`).
    Ronda,
    /// Travesía (`Trav.`).
    Travesia,
    /// Diagonal (`Diag.`).
    Diagonal,
    /// Costanera.
    Costanera,
    /// Autopista.
    Autopista,
    /// Autovía.
    Autovia,
    /// Rambla (`Rbla.`).
    Rambla,
    /// Glorieta (`Glta.`).
    Glorieta,
    /// Callejón (`Cjón.`).
    Callejon,
    /// Vía.
    Via,
    /// Alameda.
    Alameda,
    /// Street (`st`).
    Street,
    /// Road (`rd`).
    Road,
    /// Avenue (`ave`).
    Avenue,
    /// Place (`pl`).
    Place,
    /// Crescent (`cres`).
    Crescent,
    /// Drive (`dr`).
    Drive,
    /// Court (`ct`).
    Court,
    /// Circuit (`cct`).
    Circuit,
    /// Close (`cl`).
    Close,
    /// Parade (`pde`).
    Parade,
    /// Terrace (`tce`).
    Terrace,
    /// Lane (`ln`).
    Lane,
    /// Way.
    Way,
    /// Highway (`hwy`).
    Highway,
    /// Grove.
    Grove,
    /// Square (`sq`).
    Square,
    /// Parkway.
    Parkway,
    /// Circle.
    Circle,
    /// Loop.
    Loop,
    /// Row.
    Row,
    /// Cove.
    Cove,
    /// Esplanade.
    Esplanade,
    /// Gardens.
    Gardens,
    /// Rise.
    Rise,
    /// Walk.
    Walk,
}

impl StreetType {
    /// The canonical display name: `"Avenida"`, `"Calle"`, `"Travesía"`,
    /// `"Street"`.
    pub fn as_str(&self) -> &'static str {
        use StreetType::*;
        match self {
            Avenida => "Avenida",
            Calle => "Calle",
            Pasaje => "Pasaje",
            Boulevard => "Boulevard",
            Plaza => "Plaza",
            Paseo => "Paseo",
            Camino => "Camino",
            Carretera => "Carretera",
            Ruta => "Ruta",
            Ronda => "Ronda",
            Travesia => "Travesía",
            Diagonal => "Diagonal",
            Costanera => "Costanera",
            Autopista => "Autopista",
            Autovia => "Autovía",
            Rambla => "Rambla",
            Glorieta => "Glorieta",
            Callejon => "Callejón",
            Via => "Vía",
            Alameda => "Alameda",
            Street => "Street",
            Road => "Road",
            Avenue => "Avenue",
            Place => "Place",
            Crescent => "Crescent",
            Drive => "Drive",
            Court => "Court",
            Circuit => "Circuit",
            Close => "Close",
            Parade => "Parade",
            Terrace => "Terrace",
            Lane => "Lane",
            Way => "Way",
            Highway => "Highway",
            Grove => "Grove",
            Square => "Square",
            Parkway => "Parkway",
            Circle => "Circle",
            Loop => "Loop",
            Row => "Row",
            Cove => "Cove",
            Esplanade => "Esplanade",
            Gardens => "Gardens",
            Rise => "Rise",
            Walk => "Walk",
        }
    }

    /// Whether the type is English only, written after the name (`Street`,
    /// `Road`). [`StreetType::Boulevard`] is used in both languages and is not.
    pub fn is_english(&self) -> bool {
        *self >= StreetType::Street
    }
}

impl fmt::Display for StreetType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A qualifier of an address other than floor and unit, in the order
/// [`Address::street_line`] writes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Detail {
    /// Barrio, neighbourhood (`Bº Los Álamos`).
    Barrio,
    /// Urbanización, housing estate (`Urb. El Soto`).
    Urbanizacion,
    /// Manzana, block of a development (`Mz. 3`).
    Manzana,
    /// Lote, lot (`Lote 12`; English `lot`).
    Lote,
    /// Casa, house of a development (`Casa 4`).
    Casa,
    /// Torre, tower (`Torre 2`).
    Torre,
    /// Bloque, building of an estate (`Bloque 3`).
    Bloque,
    /// Portal, entrance (`Portal 2`).
    Portal,
    /// Escalera, staircase (`Esc. A`).
    Escalera,
}

impl Detail {
    /// The label written before the value: `"Bº"`, `"Urb."`, `"Mz."`, `"Lote"`,
    /// `"Casa"`, `"Torre"`, `"Bloque"`, `"Portal"`, `"Esc."`.
    pub fn label(&self) -> &'static str {
        match self {
            Detail::Barrio => "Bº",
            Detail::Urbanizacion => "Urb.",
            Detail::Manzana => "Mz.",
            Detail::Lote => "Lote",
            Detail::Casa => "Casa",
            Detail::Torre => "Torre",
            Detail::Bloque => "Bloque",
            Detail::Portal => "Portal",
            Detail::Escalera => "Esc.",
        }
    }

    /// Whether the value is free text (a name) rather than a number or letter.
    fn is_named(&self) -> bool {
        matches!(self, Detail::Barrio | Detail::Urbanizacion)
    }
}

/// The address fields of a record as typed. Any of them may be empty.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AddressInput<'a> {
    /// The street line: type, name, number and qualifiers (`Av. Corrientes
    /// 1234, 5º B`); in FEBRL `address_1` (`tullaroop street`).
    pub street: &'a str,
    /// The house number when held apart from the street (FEBRL
    /// `street_number`).
    pub street_number: &'a str,
    /// A second address line: building, complex or property name (FEBRL
    /// `address_2`). Kept tidied, not parsed.
    pub extra: &'a str,
    /// City, town or suburb.
    pub locality: &'a str,
    /// Province or state.
    pub province: &'a str,
    /// Postal code.
    pub postal_code: &'a str,
    /// The country, when the record says.
    pub country: Option<Country>,
}

/// A standardised address. Texts are tidied (NFC, single spaces); names typed
/// all in upper or all in lower case are title-cased.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Address {
    /// The street type, when one was written.
    pub street_type: Option<StreetType>,
    /// The street name without its type, title abbreviations expanded (`Gral.
    /// Paz` → `General Paz`); empty when none was found.
    pub street_name: String,
    /// The house number: digits with an optional letter (`12A`), a range
    /// (`12-14`), `1149 bis`, or [`NO_NUMBER`] for `s/n`.
    pub number: Option<String>,
    /// The kilometre of a road (`25.5`), decimal point.
    pub km: Option<String>,
    /// The floor: digits, or `PB` (planta baja, bajo), `Entresuelo`,
    /// `Entrepiso`, `Principal`, `Ático`, `Sótano`.
    pub floor: Option<String>,
    /// The flat, door, office or unit (`B`, `2`, `4B`, `Izquierda`).
    pub unit: Option<String>,
    /// Other qualifiers, ordered by kind.
    pub details: Vec<(Detail, String)>,
    /// The second address line, preceded by any part of the street that could
    /// not be read (joined with `; `).
    pub extra: Option<String>,
    /// City, town or suburb.
    pub locality: Option<String>,
    /// The province or state: the canonical name when known (`Ciudad Autónoma
    /// de Buenos Aires`, `Santa Fe`, `A Coruña`, `NSW`), else the text as typed,
    /// tidied.
    pub province: Option<String>,
    /// The postal code: canonical when valid for the country (`C1425ABC`,
    /// `02102`), else the text as typed, tidied and upper-cased.
    pub postal_code: Option<String>,
    /// The country, given or inferred.
    pub country: Option<Country>,
}

impl Address {
    /// Whether the street is written number first and type last (Australian
    /// usage).
    fn english_order(&self) -> bool {
        self.country == Some(Country::AU)
            || (self.country != Some(Country::AR)
                && self.country != Some(Country::ES)
                && self.street_type.is_some_and(|t| t.is_english()))
    }

    /// The street line in canonical form: `Avenida Valdez 1149, Piso 11, Dpto.
    /// B` (`Pta.` for the unit in Spain), `6 Tullaroop Street, Unit 5` in
    /// Australia. Parsing it again, with the other fields of this address, gives
    /// this address back. [`Address::extra`] is not part of it.
    pub fn street_line(&self) -> String {
        let english = self.english_order();
        let mut out = String::with_capacity(self.street_name.len() + 32);
        let push = |out: &mut String, part: &str| {
            if !part.is_empty() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(part);
            }
        };
        if english {
            if let Some(n) = &self.number {
                push(&mut out, n);
            }
            push(&mut out, &self.street_name);
            if let Some(t) = self.street_type {
                push(&mut out, t.as_str());
            }
        } else {
            if let Some(t) = self.street_type {
                push(&mut out, t.as_str());
            }
            push(&mut out, &self.street_name);
            if let Some(n) = &self.number {
                if self.street_name.is_empty() && self.street_type.is_some() {
                    out.push(',');
                }
                push(&mut out, n);
            }
        }
        let section = |out: &mut String, label: &str, value: &str| {
            if !out.is_empty() {
                out.push_str(", ");
            }
            if !label.is_empty() {
                out.push_str(label);
                out.push(' ');
            }
            out.push_str(value);
        };
        if let Some(km) = &self.km {
            section(&mut out, "Km", km);
        }
        for (kind, value) in &self.details {
            section(&mut out, kind.label(), value);
        }
        if let Some(floor) = &self.floor {
            let numeric = floor.bytes().all(|b| b.is_ascii_digit());
            let label = match (numeric, english) {
                (false, _) => "",
                (true, true) => "Level",
                (true, false) => "Piso",
            };
            section(&mut out, label, floor);
        }
        if let Some(unit) = &self.unit {
            let label = if english {
                "Unit"
            } else if self.country == Some(Country::ES) {
                "Pta."
            } else {
                "Dpto."
            };
            section(&mut out, label, unit);
        }
        out
    }

    /// A comparison key for the street: the name folded (lower case, no
    /// accents), without its type or a leading `de`/`del`, then the number and
    /// the kilometre. `Av. de Mayo 1370` and `AVENIDA MAYO 1370` both give
    /// `mayo 1370`.
    pub fn street_key(&self) -> String {
        let folded = fold(&self.street_name);
        let mut name = folded.as_str();
        for particle in ["de las ", "de los ", "de la ", "del ", "de "] {
            if let Some(rest) = name.strip_prefix(particle) {
                name = rest;
                break;
            }
        }
        let mut out = String::with_capacity(name.len() + 16);
        if self.street_type == Some(StreetType::Ruta) {
            for word in name.split(' ') {
                if !matches!(word, "nacional" | "provincial") {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(word);
                }
            }
        } else {
            out.push_str(name);
        }
        if let Some(n) = &self.number {
            let n = if n == NO_NUMBER {
                "sn".to_string()
            } else {
                fold(n)
            };
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&n);
        }
        if let Some(km) = &self.km {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str("km ");
            out.push_str(&fold(km));
        }
        out
    }
}

/// The canonical name and country of a province, state or autonomous city,
/// from any of its common spellings: with or without accents and dots, short
/// forms (`CABA`, `Capital Federal`, `Bs. As.`, `Cba.`, `Sta. Fe`, `Vizcaya`,
/// `La Coruña`, `nsw`), `Provincia de …` and ISO 3166-2 codes (`AR-X`,
/// `ES-M`).
///
/// With a country, only that country's provinces are considered (Argentina,
/// Spain and Australia are known). Without one, a name used in two countries
/// (`Córdoba`, `La Rioja`) gives `None`.
///
/// ```
/// use ciclo::consolidation::standardize::address::canonical_province;
/// use ciclo::consolidation::standardize::Country;
///
/// let caba = Some(("Ciudad Autónoma de Buenos Aires", Country::AR));
/// assert_eq!(canonical_province("Capital Federal", None), caba);
/// assert_eq!(canonical_province("C.A.B.A.", None), caba);
/// assert_eq!(canonical_province("guipuzcoa", None), Some(("Gipuzkoa", Country::ES)));
/// assert_eq!(canonical_province("Córdoba", Some(Country::ES)), Some(("Córdoba", Country::ES)));
/// assert_eq!(canonical_province("Córdoba", None), None);
/// ```
pub fn canonical_province(text: &str, country: Option<Country>) -> Option<(&'static str, Country)> {
    let found = tables::provinces_of_key(&tables::province_key(text));
    let mut pick = found
        .iter()
        .map(|(_, p)| *p)
        .filter(|p| country.is_none_or(|c| p.country() == c));
    let first = pick.next()?;
    if pick.next().is_some() {
        return None;
    }
    Some((first.name(), first.country()))
}

/// The province or state a postal code names: the CPA letter in Argentina
/// (`C1425ABC`), the first two digits in Spain (`28013` Madrid), the number
/// range in Australia (`2000` NSW). Without a country, a CPA and a Spanish
/// five-digit code are read; four digits say nothing (old Argentine codes do
/// not name a province).
///
/// ```
/// use ciclo::consolidation::standardize::address::province_of_postal_code;
/// use ciclo::consolidation::standardize::Country;
///
/// assert_eq!(province_of_postal_code("M3746SPN", None), Some("Mendoza"));
/// assert_eq!(province_of_postal_code("02102", Some(Country::ES)), Some("Albacete"));
/// assert_eq!(province_of_postal_code("4011", Some(Country::AU)), Some("QLD"));
/// assert_eq!(province_of_postal_code("1425", Some(Country::AR)), None);
/// ```
pub fn province_of_postal_code(code: &str, country: Option<Country>) -> Option<&'static str> {
    let postal = Postal::read(code);
    postal_province(&postal, country).map(Prov::name)
}

/// A postal code, cleaned and classified by shape.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Postal {
    Empty,
    /// An Argentine CPA: the letter, and whether the three trailing letters are
    /// there.
    Cpa(String),
    /// Four digits.
    Four(u32, String),
    /// Five digits.
    Five(u32, String),
    /// Anything else, tidied and upper-cased.
    Other(String),
}

impl Postal {
    fn read(text: &str) -> Postal {
        let cleaned = clean(text);
        if cleaned.is_empty() {
            return Postal::Empty;
        }
        let compact: String = cleaned
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.'))
            .flat_map(char::to_uppercase)
            .collect();
        let b = compact.as_bytes();
        let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
        let letters = |s: &[u8]| s.iter().all(u8::is_ascii_uppercase);
        let value = |s: &str| s.parse::<u32>().unwrap_or(0);
        match b.len() {
            4 if digits(b) => Postal::Four(value(&compact), compact),
            5 if digits(b) => Postal::Five(value(&compact), compact),
            5 | 8
                if b.first().copied().and_then(Prov::of_cpa_letter).is_some()
                    && digits(b.get(1..5).unwrap_or(&[]))
                    && letters(b.get(5..).unwrap_or(&[])) =>
            {
                Postal::Cpa(compact)
            }
            _ => Postal::Other(cleaned.to_uppercase()),
        }
    }
}

/// The province a postal code names, given the country.
fn postal_province(postal: &Postal, country: Option<Country>) -> Option<Prov> {
    match (postal, country) {
        (Postal::Cpa(code), None) | (Postal::Cpa(code), Some(Country::AR)) => {
            code.bytes().next().and_then(Prov::of_cpa_letter)
        }
        (Postal::Five(n, _), None) | (Postal::Five(n, _), Some(Country::ES)) => {
            Prov::of_es_prefix(n / 1000)
        }
        (Postal::Four(n, _), Some(Country::ES)) => Prov::of_es_prefix(n / 1000),
        (Postal::Four(n, _), Some(Country::AU)) => Prov::of_au_postcode(*n),
        _ => None,
    }
}

/// Tidied text with control characters turned into spaces.
fn clean(text: &str) -> String {
    if text.chars().any(char::is_control) {
        let spaced: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        tidy(&spaced)
    } else {
        tidy(text)
    }
}

/// A name written all in upper or all in lower case is title-cased (particles
/// lower case, except a first word that stands alone); a name with mixed case is
/// kept as typed.
fn name_case(text: &str, spanish: bool) -> String {
    let has_upper = text.chars().any(char::is_uppercase);
    let has_lower = text.chars().any(char::is_lowercase);
    if has_upper && has_lower {
        return text.to_string();
    }
    let particles: &[&str] = if spanish { &PARTICLES } else { &[] };
    let mut cased = title_case(text, particles);
    if spanish {
        if let Some((first, rest)) = cased.split_once(' ') {
            let lowered = first.to_lowercase();
            if PARTICLES.contains(&lowered.as_str()) && !rest.is_empty() {
                cased = format!("{lowered} {rest}");
            }
        }
    }
    cased
}

/// Reads an address into its parts, with what was found wrong or inferred.
///
/// Never fails: a part that cannot be read is kept (tidied) in
/// [`Address::extra`] with an `address.unparsed` warning, an unknown province is
/// kept as typed with `address.province_unknown`, and a postal code that does
/// not fit the country or the province is kept with a warning. The country is
/// inferred when missing: a CPA means Argentina, five digits with a Spanish
/// province Spain, an Australian state Australia.
///
/// Parsing [`Address::street_line`] again with the other fields of the result
/// gives the same address and no new warnings.
///
/// ```
/// use ciclo::consolidation::standardize::address::{parse, AddressInput, StreetType};
/// use ciclo::consolidation::standardize::Country;
///
/// let (a, problems) = parse(&AddressInput {
///     street: "C/ Mayor, 5, 3º 2ª",
///     province: "Huesca",
///     postal_code: "2102",
///     country: Some(Country::ES),
///     ..AddressInput::default()
/// });
/// assert_eq!(a.street_type, Some(StreetType::Calle));
/// assert_eq!((a.floor.as_deref(), a.unit.as_deref()), (Some("3"), Some("2")));
/// assert_eq!(a.postal_code.as_deref(), Some("02102"));
/// // 02 is Albacete, not Huesca: a warning suggesting the province the code names.
/// let mismatch = problems
///     .iter()
///     .find(|p| p.code == "address.postal_code_province_mismatch")
///     .unwrap();
/// assert_eq!(mismatch.suggestion.as_deref(), Some("Albacete"));
/// assert_eq!(a.province.as_deref(), Some("Huesca"));
/// ```
pub fn parse(input: &AddressInput<'_>) -> (Address, Vec<Problem>) {
    let mut problems = Vec::new();
    let postal = Postal::read(input.postal_code);
    let province_text = clean(input.province);
    let province_found = if province_text.is_empty() {
        &[][..]
    } else {
        tables::provinces_of_key(&tables::province_key(&province_text))
    };

    // The country: given, or inferred from the postal code and the province.
    let mut country = input.country;
    if country.is_none() {
        let mut countries = province_found.iter().map(|(_, p)| p.country());
        let first = countries.next();
        let unique = first.filter(|c| countries.all(|d| d == *c));
        let inferred = match (&postal, first, unique) {
            (Postal::Cpa(_), _, _) => Some(Country::AR),
            (_, _, Some(c)) => Some(c),
            (Postal::Five(..), Some(_), None) => Some(Country::ES),
            (Postal::Four(..), Some(_), None) => Some(Country::AR),
            (Postal::Four(..), None, None) if looks_english(&clean(input.street)) => {
                Some(Country::AU)
            }
            _ => None,
        };
        if let Some(c) = inferred {
            country = Some(c);
            problems.push(
                Problem::info(
                    "address.country_inferred",
                    format!("the country {c} was inferred from the postal code and province"),
                )
                .suggest(c.as_str()),
            );
        }
    }
    let known_country = matches!(
        country,
        None | Some(Country::AR | Country::ES | Country::AU)
    );

    // The province.
    let mut province_prov: Option<Prov> = None;
    let mut province: Option<String> = None;
    if !province_text.is_empty() {
        if known_country {
            let own = province_found
                .iter()
                .map(|(_, p)| *p)
                .find(|p| country.is_none_or(|c| p.country() == c));
            match (own, province_found.first()) {
                (Some(p), _) => {
                    province = Some(p.name().to_string());
                    if country.is_some() {
                        province_prov = Some(p);
                    }
                }
                (None, Some((_, other))) => {
                    province = Some(other.name().to_string());
                    problems.push(Problem::warning(
                        "address.province_country_mismatch",
                        format!(
                            "the province `{province_text}` is in {}, not {}",
                            other.country(),
                            country.map_or_else(|| "??".to_string(), |c| c.to_string())
                        ),
                    ));
                }
                (None, None) => {
                    province = Some(province_text.clone());
                    problems.push(Problem::warning(
                        "address.province_unknown",
                        format!("`{province_text}` is not a known province or state"),
                    ));
                }
            }
        } else {
            province = Some(province_text.clone());
        }
    }

    // The postal code.
    let postal_code = check_postal(&postal, country, &mut problems);
    if let Some(implied) = postal_province(&postal, country) {
        match (province_prov, &province) {
            (Some(given), _) if given != implied => {
                problems.push(
                    Problem::warning(
                        "address.postal_code_province_mismatch",
                        format!(
                            "the postal code {} is in {}, not {}",
                            postal_code.as_deref().unwrap_or(""),
                            implied.name(),
                            given.name()
                        ),
                    )
                    .suggest(implied.name()),
                );
            }
            (_, None) => {
                province = Some(implied.name().to_string());
                problems.push(
                    Problem::info(
                        "address.province_inferred",
                        format!(
                            "the province {} was taken from the postal code",
                            implied.name()
                        ),
                    )
                    .suggest(implied.name()),
                );
            }
            _ => {}
        }
    }

    // The street.
    let street_text = clean(input.street);
    let english = match country {
        Some(Country::AU) => true,
        Some(_) => false,
        None => looks_english(&street_text),
    };
    let tokens = tokenize(&street_text);
    let mut parser = Parser {
        toks: tokens,
        english,
        parts: Parts::default(),
    };
    parser.run();
    let mut parts = parser.parts;
    for note in parts.notes.drain(..) {
        problems.push(note);
    }

    // The separate number field.
    let number_text = clean(input.street_number);
    if !number_text.is_empty() {
        let read = if english {
            split_unit_number(&number_text)
        } else {
            None
        };
        let (unit, number) = match read {
            Some((u, n)) => (Some(u), Some(n)),
            None => (
                None,
                house_number(&number_text).or_else(|| {
                    (Key::of(&number_text).as_str() == "s/n").then(|| NO_NUMBER.to_string())
                }),
            ),
        };
        match (number, &parts.number) {
            (Some(n), None) => {
                parts.number = Some(n);
                if parts.unit.is_none() {
                    parts.unit = unit;
                }
            }
            (Some(n), Some(street_n)) => {
                if &n != street_n {
                    problems.push(
                        Problem::warning(
                            "address.number_mismatch",
                            format!("the street says number {street_n}, the number field {n}"),
                        )
                        .suggest(n),
                    );
                }
            }
            (None, _) => push_leftover(&mut parts.leftover, &number_text),
        }
    }

    if parts.name.is_empty()
        && !street_text.is_empty()
        && !parts.details.iter().any(|(d, _)| d.is_named())
    {
        problems.push(Problem::warning(
            "address.street_name_missing",
            format!("no street name found in `{street_text}`"),
        ));
    }
    let extra_text = clean(input.extra);
    let extra = if parts.leftover.is_empty() {
        extra_text
    } else {
        problems.push(Problem::warning(
            "address.unparsed",
            format!(
                "could not read `{}` in the street; kept in extra",
                parts.leftover
            ),
        ));
        if extra_text.is_empty() {
            parts.leftover
        } else {
            format!("{}; {}", parts.leftover, extra_text)
        }
    };

    let locality_text = clean(input.locality);
    let locality = if locality_text.is_empty() {
        None
    } else {
        let caba = matches!(
            canonical_province(&locality_text, Some(Country::AR)),
            Some(("Ciudad Autónoma de Buenos Aires", _))
        );
        if caba && country.is_none_or(|c| c == Country::AR) {
            Some("Ciudad Autónoma de Buenos Aires".to_string())
        } else {
            Some(name_case(&locality_text, true))
        }
    };

    parts.details.sort_by_key(|(d, _)| *d);
    let address = Address {
        street_type: parts.street_type,
        street_name: parts.name,
        number: parts.number,
        km: parts.km,
        floor: parts.floor,
        unit: parts.unit,
        details: parts.details,
        extra: (!extra.is_empty()).then_some(extra),
        locality,
        province,
        postal_code,
        country,
    };
    (address, problems)
}

/// The postal code to keep, with problems for a code that does not fit the
/// country.
fn check_postal(
    postal: &Postal,
    country: Option<Country>,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    let invalid = |problems: &mut Vec<Problem>, code: &str, what: &str| {
        problems.push(Problem::warning(
            "address.postal_code_invalid",
            format!("`{code}` is not a valid {what} postal code"),
        ));
    };
    let foreign = |problems: &mut Vec<Problem>, code: &str, looks: &str, country: Country| {
        problems.push(Problem::warning(
            "address.postal_code_country_mismatch",
            format!("`{code}` looks like a postal code of {looks}, but the country is {country}"),
        ));
    };
    match (postal, country) {
        (Postal::Empty, _) => None,
        (Postal::Cpa(code), Some(Country::AR) | None) => Some(code.clone()),
        (Postal::Four(_, code), Some(Country::AR)) => Some(code.clone()),
        (Postal::Five(n, code), Some(Country::AR)) => {
            if Prov::of_es_prefix(n / 1000).is_some() {
                foreign(problems, code, "Spain", Country::AR);
            } else {
                invalid(problems, code, "Argentine");
            }
            Some(code.clone())
        }
        (Postal::Five(n, code), Some(Country::ES)) => {
            if Prov::of_es_prefix(n / 1000).is_none() {
                invalid(problems, code, "Spanish");
            }
            Some(code.clone())
        }
        (Postal::Four(n, code), Some(Country::ES)) => {
            if Prov::of_es_prefix(n / 1000).is_some() {
                let padded = format!("0{code}");
                problems.push(
                    Problem::info(
                        "address.postal_code_padded",
                        format!("`{code}` lost its leading zero: {padded}"),
                    )
                    .suggest(padded.clone()),
                );
                Some(padded)
            } else {
                invalid(problems, code, "Spanish");
                Some(code.clone())
            }
        }
        (Postal::Cpa(code), Some(Country::ES)) => {
            foreign(problems, code, "Argentina", Country::ES);
            Some(code.clone())
        }
        (Postal::Four(_, code), Some(Country::AU)) => Some(code.clone()),
        (Postal::Cpa(code), Some(Country::AU)) | (Postal::Five(_, code), Some(Country::AU)) => {
            invalid(problems, code, "Australian");
            Some(code.clone())
        }
        (Postal::Other(code), Some(c)) if matches!(c, Country::AR | Country::ES | Country::AU) => {
            let what = match c {
                Country::AR => "Argentine",
                Country::ES => "Spanish",
                _ => "Australian",
            };
            invalid(problems, code, what);
            Some(code.clone())
        }
        (Postal::Four(_, code), _) | (Postal::Five(_, code), _) | (Postal::Other(code), _) => {
            Some(code.clone())
        }
        (Postal::Cpa(code), Some(_)) => Some(code.clone()),
    }
}

/// Whether a street of unknown country is written the English way: the last
/// word before the first comma, numbers aside, is an English street type.
fn looks_english(text: &str) -> bool {
    let first_segment = text.split([',', ';']).next().unwrap_or("");
    let mut words = first_segment.split(' ').filter(|w| !w.is_empty());
    if let Some(first) = words.next() {
        if tables::prefix_type(Key::of(first).as_str()).is_some() {
            return false;
        }
    }
    let mut words: Vec<&str> = first_segment
        .split(' ')
        .filter(|w| !w.is_empty() && !is_digitish(w))
        .collect();
    if words.len() > 8 {
        return false;
    }
    let mut name: Vec<String> = words.drain(..).map(str::to_string).collect();
    let last = name.last().map(|w| Key::of(w));
    if last.is_some_and(|k| tables::suffix_type(k.as_str()).is_some()) {
        return true;
    }
    english_suffix(&mut name).is_some()
}

/// A short lower-case, accentless, dotless form of a token for table lookups;
/// empty for long tokens and tokens with other characters.
struct Key {
    buf: [u8; 24],
    len: usize,
}

impl Key {
    fn of(token: &str) -> Key {
        let mut key = Key {
            buf: [0; 24],
            len: 0,
        };
        for c in token.chars() {
            let b = match c {
                '.' | ':' => continue,
                'a'..='z' | '0'..='9' | '/' | '#' | '-' => c as u8,
                'A'..='Z' => c.to_ascii_lowercase() as u8,
                'á' | 'à' | 'â' | 'ä' | 'Á' | 'À' | 'Â' | 'Ä' | 'ª' => b'a',
                'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => b'e',
                'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => b'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'Ó' | 'Ò' | 'Ô' | 'Ö' | 'º' | '°' => b'o',
                'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => b'u',
                'ñ' | 'Ñ' => b'n',
                'ç' | 'Ç' => b'c',
                _ => {
                    key.len = 0;
                    return key;
                }
            };
            match key.buf.get_mut(key.len) {
                Some(slot) => {
                    *slot = b;
                    key.len += 1;
                }
                None => {
                    key.len = 0;
                    return key;
                }
            }
        }
        key
    }

    fn as_str(&self) -> &str {
        self.buf
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

/// Whether a key is an abbreviation that may be glued to the next word
/// (`Av.Corrientes`, `R.N.40`).
fn is_abbreviation(key: &str) -> bool {
    key.len() >= 2
        && (tables::prefix_type(key).is_some()
            || tables::keyword(key).is_some()
            || tables::name_abbreviation(key).is_some())
}

/// Splits a cleaned street into words and commas (`","`). A comma between
/// digits stays (`25,5`); `C/Mayor`, `Av.Corrientes`, `3º2ª` and `Nº12` are
/// split.
fn tokenize<'a>(text: &'a str) -> Vec<&'a str> {
    let mut toks: Vec<&str> = Vec::with_capacity(12);
    let mut start: Option<usize> = None;
    let mut prev: Option<char> = None;
    let mut iter = text.char_indices().peekable();
    while let Some((pos, c)) = iter.next() {
        let next = iter.peek().map(|&(_, n)| n);
        let end = pos + c.len_utf8();
        let flush = |toks: &mut Vec<&'a str>, start: Option<usize>, to: usize| {
            if let Some(s) = start {
                if let Some(t) = text.get(s..to) {
                    if !t.is_empty() {
                        toks.push(t);
                    }
                }
            }
        };
        if c == ' ' {
            flush(&mut toks, start, pos);
            start = None;
        } else if c == ',' || c == ';' {
            let decimal = c == ','
                && start.is_some()
                && prev.is_some_and(|p| p.is_ascii_digit())
                && next.is_some_and(|n| n.is_ascii_digit());
            if !decimal {
                flush(&mut toks, start, pos);
                start = None;
                toks.push(",");
            }
        } else {
            let s = *start.get_or_insert(pos);
            let next_alnum = next.is_some_and(char::is_alphanumeric);
            let split = match c {
                '/' => {
                    next_alnum
                        && text
                            .get(s..end)
                            .is_some_and(|t| t.eq_ignore_ascii_case("c/"))
                }
                '.' => {
                    next_alnum
                        && text
                            .get(s..end)
                            .is_some_and(|t| is_abbreviation(Key::of(t).as_str()))
                }
                'º' | 'ª' | '°' => next_alnum,
                _ => false,
            };
            if split {
                flush(&mut toks, start, end);
                start = None;
            }
        }
        prev = Some(c);
    }
    if let Some(s) = start {
        if let Some(t) = text.get(s..) {
            if !t.is_empty() {
                toks.push(t);
            }
        }
    }
    toks
}

/// The canonical house number of a token: one to six digits with an optional
/// letter (`12A`), a range (`12-14`) or a fraction (`5/12`); an optional leading
/// `#`.
fn house_number(token: &str) -> Option<String> {
    let t = token.strip_prefix('#').unwrap_or(token);
    let b = t.as_bytes();
    let lead = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if lead == 0 || lead > 6 {
        return None;
    }
    let rest = b.get(lead..).unwrap_or(&[]);
    let ok = match rest {
        [] => true,
        [l] => l.is_ascii_alphabetic(),
        [sep, more @ ..] if (*sep == b'-' || *sep == b'/') => {
            !more.is_empty() && more.len() <= 6 && more.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    };
    ok.then(|| t.to_ascii_uppercase())
}

/// The digits of an ordinal (`3º`, `2ª`, `1er`, `2do`, `4to`, `1ra.`).
fn ordinal(token: &str) -> Option<&str> {
    let t = token.strip_suffix('.').unwrap_or(token);
    let lead = t.bytes().take_while(u8::is_ascii_digit).count();
    if lead == 0 || lead > 3 {
        return None;
    }
    let (digits, suffix) = t.split_at_checked(lead)?;
    let suffix = suffix.strip_suffix('.').unwrap_or(suffix);
    let ok = match suffix {
        "º" | "ª" | "°" => true,
        s if s.len() == 2 || s.len() == 3 => matches!(
            s.to_ascii_lowercase().as_str(),
            "er" | "ro"
                | "ra"
                | "do"
                | "da"
                | "to"
                | "ta"
                | "vo"
                | "va"
                | "mo"
                | "ma"
                | "no"
                | "na"
                | "ero"
                | "era"
        ),
        _ => false,
    };
    ok.then_some(digits)
}

/// Whether a token is a number or an ordinal.
fn is_digitish(token: &str) -> bool {
    house_number(token).is_some() || ordinal(token).is_some()
}

/// `5/12` as unit 5 of number 12 (Australian usage).
fn split_unit_number(token: &str) -> Option<(String, String)> {
    let (unit, number) = token.split_once('/')?;
    let unit = house_number(unit)?;
    let number = house_number(number)?;
    (!unit.contains(['/', '-']) && !number.contains(['/', '-'])).then_some((unit, number))
}

/// A kilometre value: `25`, `25,5`, `25.300`.
fn km_value(token: &str) -> Option<String> {
    let (int, frac) = match token.split_once([',', '.']) {
        Some((i, f)) => (i, Some(f)),
        None => (token, None),
    };
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(int, 5) || frac.is_some_and(|f| !digits(f, 3)) {
        return None;
    }
    Some(match frac {
        Some(f) => format!("{int}.{f}"),
        None => int.to_string(),
    })
}

/// A floor value: digits (up to three), an ordinal, or a floor word (`PB`).
fn floor_value(token: &str) -> Option<String> {
    if let Some(d) = ordinal(token) {
        return Some(d.to_string());
    }
    if !token.is_empty() && token.len() <= 3 && token.bytes().all(|b| b.is_ascii_digit()) {
        return Some(token.to_string());
    }
    match tables::keyword(Key::of(token).as_str()) {
        Some(Kw::FloorValue(v)) => Some(v.to_string()),
        _ => None,
    }
}

/// A unit value: an ordinal, a door side, or up to six letters and digits with a
/// digit or at most three letters (`B`, `12`, `4B`).
fn unit_value(token: &str) -> Option<String> {
    if let Some(d) = ordinal(token) {
        return Some(d.to_string());
    }
    let key = Key::of(token);
    if let Some(side) = tables::side_word(key.as_str()) {
        return Some(side.to_string());
    }
    let t = token.strip_suffix('.').unwrap_or(token);
    let ok = !t.is_empty()
        && t.len() <= 6
        && t.bytes().all(|b| b.is_ascii_alphanumeric())
        && (t.bytes().any(|b| b.is_ascii_digit()) || t.len() <= 3);
    ok.then(|| t.to_ascii_uppercase())
}

/// A detail value: an ordinal, or up to six letters and digits with a digit, or
/// one or two letters.
fn detail_value(token: &str) -> Option<String> {
    if let Some(d) = ordinal(token) {
        return Some(d.to_string());
    }
    let t = token.strip_suffix('.').unwrap_or(token);
    let ok = !t.is_empty()
        && t.len() <= 6
        && t.bytes().all(|b| b.is_ascii_alphanumeric())
        && (t.bytes().any(|b| b.is_ascii_digit()) || t.len() <= 2);
    ok.then(|| t.to_ascii_uppercase())
}

/// Appends a piece to the unread part of the street.
fn push_leftover(leftover: &mut String, piece: &str) {
    if piece == "," {
        if !leftover.is_empty() && !leftover.ends_with(',') {
            leftover.push(',');
        }
    } else {
        if !leftover.is_empty() {
            leftover.push(' ');
        }
        leftover.push_str(piece);
    }
}

/// Whether two words are at most one edit apart (insertion, deletion,
/// substitution or transposition of neighbours).
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return true;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (
        a.get(prefix..).unwrap_or(&[]),
        b.get(prefix..).unwrap_or(&[]),
    );
    let tail = |x: &[u8]| x.get(1..).unwrap_or(&[]).to_vec();
    match ra.len().abs_diff(rb.len()) {
        0 => {
            tail(ra) == tail(rb)
                || (ra.len() >= 2
                    && ra.first() == rb.get(1)
                    && ra.get(1) == rb.first()
                    && ra.get(2..) == rb.get(2..))
        }
        1 => {
            if ra.len() > rb.len() {
                tail(ra) == rb
            } else {
                tail(rb) == ra
            }
        }
        _ => false,
    }
}

/// A qualifier read at some position.
enum Qual {
    Km(String),
    Number(String),
    SinNumero,
    Floor(String),
    Unit(String),
    Detail(Detail, String),
}

/// What the street parser found.
#[derive(Default)]
struct Parts {
    street_type: Option<StreetType>,
    name: String,
    number: Option<String>,
    km: Option<String>,
    floor: Option<String>,
    unit: Option<String>,
    details: Vec<(Detail, String)>,
    leftover: String,
    notes: Vec<Problem>,
}

struct Parser<'t> {
    toks: Vec<&'t str>,
    english: bool,
    parts: Parts,
}

impl<'t> Parser<'t> {
    fn tok(&self, i: usize) -> Option<&'t str> {
        self.toks.get(i).copied()
    }

    fn key(&self, i: usize) -> Key {
        Key::of(self.tok(i).unwrap_or(""))
    }

    /// Whether a qualifier starts at `i`, without reading a whole barrio name.
    fn starts_qualifier(&self, i: usize) -> bool {
        match tables::keyword(self.key(i).as_str()) {
            Some(Kw::Detail(d)) if d.is_named() => self.tok(i + 1).is_some_and(|t| t != ","),
            _ => self.qualifier_at(i).is_some(),
        }
    }

    /// The qualifier at `i` and the position after it.
    fn qualifier_at(&self, i: usize) -> Option<(Qual, usize)> {
        let tok = self.tok(i)?;
        if let Some(d) = ordinal(tok) {
            if let Some(Kw::Floor) = tables::keyword(self.key(i + 1).as_str()) {
                return Some((Qual::Floor(d.to_string()), i + 2));
            }
            return None;
        }
        let key = self.key(i);
        let next = self.tok(i + 1).unwrap_or("");
        if key.as_str() == "sin"
            && matches!(Key::of(next).as_str(), "numero" | "nro" | "no" | "num")
        {
            return Some((Qual::SinNumero, i + 2));
        }
        match tables::keyword(key.as_str())? {
            Kw::Km => km_value(next).map(|v| (Qual::Km(v), i + 2)),
            Kw::NumMarker => house_number(next).map(|n| {
                if Key::of(self.tok(i + 2).unwrap_or("")).as_str() == "bis" {
                    (Qual::Number(format!("{n} bis")), i + 3)
                } else {
                    (Qual::Number(n), i + 2)
                }
            }),
            Kw::SinNumero => Some((Qual::SinNumero, i + 1)),
            Kw::Floor => {
                if Key::of(next).as_str() == "baja" {
                    return Some((Qual::Floor("PB".to_string()), i + 2));
                }
                floor_value(next).map(|v| (Qual::Floor(v), i + 2))
            }
            Kw::FloorValue(v) => Some((Qual::Floor(v.to_string()), i + 1)),
            Kw::Unit => unit_value(next).map(|v| (Qual::Unit(v), i + 2)),
            Kw::Detail(d) if d.is_named() => {
                let mut j = i + 1;
                while let Some(t) = self.tok(j) {
                    if t == "," || (j > i + 1 && self.starts_qualifier(j)) {
                        break;
                    }
                    j += 1;
                }
                if j == i + 1 {
                    return None;
                }
                let words = self.toks.get(i + 1..j)?.join(" ");
                Some((Qual::Detail(d, name_case(&words, !self.english)), j))
            }
            Kw::Detail(d) => detail_value(next).map(|v| (Qual::Detail(d, v), i + 2)),
        }
    }

    /// Records a qualifier, or keeps its words as unread when the slot is taken.
    fn apply(&mut self, q: Qual, from: usize, to: usize) {
        let slot = match q {
            Qual::Km(v) => (&mut self.parts.km, v),
            Qual::Number(v) => (&mut self.parts.number, v),
            Qual::SinNumero => (&mut self.parts.number, NO_NUMBER.to_string()),
            Qual::Floor(v) => (&mut self.parts.floor, v),
            Qual::Unit(v) => (&mut self.parts.unit, v),
            Qual::Detail(d, v) => {
                self.parts.details.push((d, v));
                return;
            }
        };
        if slot.0.is_none() {
            *slot.0 = Some(slot.1);
        } else {
            for k in from..to {
                if let Some(t) = self.tok(k) {
                    push_leftover(&mut self.parts.leftover, t);
                }
            }
        }
    }

    /// Whether the token at `j` is an ordinary word (not a number, comma,
    /// `bis` or qualifier).
    fn plain_word_at(&self, j: usize) -> bool {
        match self.tok(j) {
            None | Some(",") => false,
            Some(t) => {
                !is_digitish(t) && self.key(j).as_str() != "bis" && !self.starts_qualifier(j)
            }
        }
    }

    fn run(&mut self) {
        let mut i = 0;
        // Qualifiers written before the street (`Bº Centro, Mz. 3, Lote 12`,
        // `Unit 5, 12 Smith Street`).
        loop {
            while self.tok(i) == Some(",") {
                i += 1;
            }
            match self.qualifier_at(i) {
                Some((q, j)) => {
                    self.apply(q, i, j);
                    i = j;
                }
                None => break,
            }
        }
        // English: the number first.
        if self.english && self.parts.number.is_none() && self.plain_word_at(i + 1) {
            if let Some(t) = self.tok(i) {
                if let Some((unit, number)) = split_unit_number(t) {
                    self.parts.number = Some(number);
                    if self.parts.unit.is_none() {
                        self.parts.unit = Some(unit);
                    }
                    i += 1;
                } else if let Some(n) = house_number(t) {
                    self.parts.number = Some(n);
                    i += 1;
                }
            }
        }
        // Spanish: the type first.
        let mut name: Vec<String> = Vec::new();
        if !self.english {
            let key = self.key(i);
            if let Some(t) = tables::prefix_type(key.as_str()) {
                self.parts.street_type = Some(t);
                match key.as_str() {
                    "rn" => name.push("Nacional".to_string()),
                    "rp" => name.push("Provincial".to_string()),
                    _ => {}
                }
                i += 1;
            }
        }
        // The name.
        let route = matches!(
            self.parts.street_type,
            Some(
                StreetType::Ruta
                    | StreetType::Carretera
                    | StreetType::Autopista
                    | StreetType::Autovia
            )
        );
        let mut cased_source = String::new();
        while let Some(t) = self.tok(i) {
            if t == "," {
                break;
            }
            let route_prefix_only = route
                && !name.is_empty()
                && name.iter().all(|w| {
                    matches!(
                        Key::of(w).as_str(),
                        "nacional" | "provincial" | "nac" | "prov"
                    )
                });
            if is_digitish(t) {
                if (name.is_empty() || route_prefix_only)
                    && (self.parts.street_type.is_some() || self.plain_word_at(i + 1))
                {
                    name.push(t.to_string());
                    cased_source.push_str(t);
                    cased_source.push(' ');
                    i += 1;
                    continue;
                }
                break;
            }
            let keyword = tables::keyword(self.key(i).as_str());
            let stops = match keyword {
                Some(Kw::Detail(d)) if d.is_named() => false,
                Some(Kw::SinNumero | Kw::NumMarker | Kw::Km) => self.qualifier_at(i).is_some(),
                Some(_) => !name.is_empty() && self.qualifier_at(i).is_some(),
                None => key_is_sin_numero(self, i),
            };
            if stops {
                break;
            }
            cased_source.push_str(t);
            cased_source.push(' ');
            let expanded = if self.english {
                None
            } else {
                tables::name_abbreviation(self.key(i).as_str())
            };
            name.push(expanded.map_or_else(|| t.to_string(), str::to_string));
            i += 1;
        }
        // English: the type last.
        if self.english && self.parts.street_type.is_none() {
            self.english_type(&mut name);
        }
        let joined = name.join(" ");
        self.parts.name = if joined.is_empty() {
            joined
        } else {
            let has_upper = cased_source.chars().any(char::is_uppercase);
            let has_lower = cased_source.chars().any(char::is_lowercase);
            if has_upper && has_lower {
                joined
            } else {
                name_case(&joined.to_lowercase(), !self.english)
            }
        };
        // The number, possibly after a comma (`C/ Mayor, 5`).
        if self.parts.number.is_none() {
            let mut j = i;
            while self.tok(j) == Some(",") {
                j += 1;
            }
            if let Some(n) = self.tok(j).and_then(house_number) {
                if Key::of(self.tok(j + 1).unwrap_or("")).as_str() == "bis" {
                    self.parts.number = Some(format!("{n} bis"));
                    i = j + 2;
                } else {
                    self.parts.number = Some(n);
                    i = j + 1;
                }
            }
        }
        // The rest: qualifiers, bare floor and unit (`3º 2ª`, `5º B`).
        while let Some(t) = self.tok(i) {
            if t == "," {
                push_leftover(&mut self.parts.leftover, t);
                i += 1;
                continue;
            }
            if let Some((q, j)) = self.qualifier_at(i) {
                self.apply(q, i, j);
                i = j;
                continue;
            }
            self.bare(t);
            i += 1;
        }
        let trimmed = self.parts.leftover.trim_matches(|c| c == ',' || c == ' ');
        if trimmed.len() != self.parts.leftover.len() {
            self.parts.leftover = trimmed.to_string();
        }
    }

    /// A token after the number that is not a labelled qualifier.
    fn bare(&mut self, t: &str) {
        let p = &mut self.parts;
        let digits = t.bytes().all(|b| b.is_ascii_digit());
        if let Some(d) = ordinal(t) {
            if p.floor.is_none() {
                p.floor = Some(d.to_string());
                return;
            }
            if p.unit.is_none() {
                p.unit = Some(d.to_string());
                return;
            }
        } else if let Some(n) = house_number(t) {
            if p.number.is_none() {
                p.number = Some(n);
                return;
            }
            if digits && t.len() <= 3 && p.floor.is_none() && p.unit.is_none() {
                p.floor = Some(n);
                return;
            }
            if digits && t.len() <= 4 && p.unit.is_none() {
                p.unit = Some(n);
                return;
            }
            let (lead, letter) = n.split_at(n.len().saturating_sub(1));
            if !lead.is_empty()
                && lead.len() <= 3
                && lead.bytes().all(|b| b.is_ascii_digit())
                && letter.bytes().all(|b| b.is_ascii_alphabetic())
                && p.floor.is_none()
                && p.unit.is_none()
            {
                p.floor = Some(lead.to_string());
                p.unit = Some(letter.to_string());
                return;
            }
        } else if p.unit.is_none() {
            let key = Key::of(t);
            if let Some(side) = tables::side_word(key.as_str()) {
                p.unit = Some(side.to_string());
                return;
            }
            let letter = t.strip_suffix('.').unwrap_or(t);
            if letter.len() == 1 && letter.bytes().all(|b| b.is_ascii_alphabetic()) {
                p.unit = Some(letter.to_ascii_uppercase());
                return;
            }
        }
        push_leftover(&mut p.leftover, t);
    }

    /// Takes an English street type off the end of the name.
    fn english_type(&mut self, name: &mut Vec<String>) {
        if let Some((t, note)) = english_suffix(name) {
            self.parts.street_type = Some(t);
            if let Some(note) = note {
                self.parts.notes.push(note);
            }
        }
    }
}

/// Takes an English street type off the end of a street name: exact (`street`,
/// `st`), one typo away (`srteet`), split in two (`cre scent`) or glued to the
/// name (`macneilplace`); with an Info finding for all but the exact.
fn english_suffix(name: &mut Vec<String>) -> Option<(StreetType, Option<Problem>)> {
    let last = name.last()?.clone();
    let key_buf = Key::of(&last);
    let key = key_buf.as_str();
    let lower = !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase());
    let corrected = |from: &str, t: StreetType| {
        Problem::info(
            "address.street_type_corrected",
            format!("`{from}` read as the street type {}", t.as_str()),
        )
        .suggest(t.as_str())
    };
    if name.len() >= 2 {
        if let Some(t) = tables::suffix_type(key) {
            name.pop();
            return Some((t, None));
        }
        if lower && key.len() >= 4 {
            if let Some((_, t, _)) = tables::SUFFIX_TYPO_CANDIDATES
                .iter()
                .find(|(w, _, _)| one_edit_apart(key, w))
            {
                name.pop();
                return Some((*t, Some(corrected(&last, *t))));
            }
        }
    }
    if name.len() >= 3 {
        let before = name.get(name.len() - 2).cloned().unwrap_or_default();
        let before_key = Key::of(&before);
        let joined = format!("{}{}", before_key.as_str(), key);
        if lower && before.len() <= 3 && before_key.as_str().bytes().all(|b| b.is_ascii_lowercase())
        {
            if let Some((_, t, _)) = tables::SUFFIX_TYPO_CANDIDATES
                .iter()
                .find(|(w, _, _)| one_edit_apart(&joined, w))
            {
                name.truncate(name.len() - 2);
                return Some((*t, Some(corrected(&format!("{before} {last}"), *t))));
            }
        }
    }
    if lower {
        for (word, t, glued) in tables::SUFFIX_TYPO_CANDIDATES {
            if !glued {
                continue;
            }
            if let Some(stem) = key.strip_suffix(word) {
                if stem.len() >= 3 {
                    let stem_text = last.get(..stem.len()).unwrap_or(stem).to_string();
                    let note = Problem::info(
                        "address.street_type_corrected",
                        format!("`{last}` read as `{stem_text} {word}`"),
                    )
                    .suggest(format!("{stem_text} {}", t.as_str()));
                    if let Some(l) = name.last_mut() {
                        *l = stem_text;
                    }
                    return Some((t, Some(note)));
                }
            }
        }
    }
    None
}

/// `sin número` written as two words.
fn key_is_sin_numero(parser: &Parser<'_>, i: usize) -> bool {
    parser.key(i).as_str() == "sin" && matches!(parser.qualifier_at(i), Some((Qual::SinNumero, _)))
}

#[cfg(test)]
mod tests;
