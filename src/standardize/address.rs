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
//! Two ways of writing a street are understood:
//!
//! - Spanish and Argentine: the street type first, then the name and the number
//!   (`Avda. de Mayo 1370, 3º B`, `C/ Mayor, 5, 3º 2ª`, `Ruta 40 Km 3,5`,
//!   `Bº Los Álamos, Mz. 3, Lote 12`). In Spain `3º 2ª` after the number is
//!   floor 3, door 2; in Argentina `5º B` is floor 5, flat B.
//! - Australian (the FEBRL benchmark data): the number first and the street type
//!   last (`6 tullaroop street`, `5/12 smith st`), typos in the type tolerated
//!   (`srteet`, `cre scent`, `macneilplace`).
//!
//! The country's own way is used when the country is known; without one, a
//! street whose name ends in an English street type is read the Australian way.
//!
//! Provinces, states and postal codes are known for Argentina (24
//! jurisdictions; CPA `C1425ABC`, whose letter names the province, and the old
//! four digits), Spain (52 provinces; five digits, the first two naming the
//! province) and Australia (8 states and territories; four digits). The
//! country is inferred when missing: a CPA means Argentina, five digits with a
//! Spanish province Spain, an Australian state Australia.
//!
//! ```
//! use ciclo::standardize::address::{parse, AddressInput, StreetType};
//! use ciclo::standardize::Country;
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

mod postal;
mod street;
mod tables;

use super::text::{concat, fold, tidy, title_case};
use super::{Country, Problem};
use compact_str::CompactString;
use postal::{check_postal, postal_province, Postal};
use std::borrow::Cow;
use std::fmt;
use tables::Prov;

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
///
/// The texts are [`CompactString`]s: those of up to 24 bytes (nearly all
/// numbers, floors, units, postal codes, most names) are held inline, and the
/// canonical province names point at static text, so that an address costs few
/// or no allocations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Address {
    /// The street type, when one was written.
    pub street_type: Option<StreetType>,
    /// The street name without its type, title abbreviations expanded (`Gral.
    /// Paz` → `General Paz`); empty when none was found.
    pub street_name: CompactString,
    /// The house number: digits with an optional letter (`12A`), a range
    /// (`12-14`), `1149 bis`, or [`NO_NUMBER`] for `s/n`.
    pub number: Option<CompactString>,
    /// The kilometre of a road (`25.5`), decimal point.
    pub km: Option<CompactString>,
    /// The floor: digits, or `PB` (planta baja, bajo), `Entresuelo`,
    /// `Entrepiso`, `Principal`, `Ático`, `Sótano`.
    pub floor: Option<CompactString>,
    /// The flat, door, office or unit (`B`, `2`, `4B`, `Izquierda`).
    pub unit: Option<CompactString>,
    /// Other qualifiers, ordered by kind.
    pub details: Vec<(Detail, CompactString)>,
    /// The second address line, preceded by any part of the street that could
    /// not be read (joined with `; `).
    pub extra: Option<CompactString>,
    /// City, town or suburb.
    pub locality: Option<CompactString>,
    /// The province or state: the canonical name when known (`Ciudad Autónoma
    /// de Buenos Aires`, `Santa Fe`, `A Coruña`, `NSW`), else the text as typed,
    /// tidied.
    pub province: Option<CompactString>,
    /// The postal code: canonical when valid for the country (`C1425ABC`,
    /// `02102`), else the text as typed, tidied and upper-cased.
    pub postal_code: Option<CompactString>,
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
                // `Calle, 5`, `Calle del Portal, 5`: the number would
                // otherwise be read as the name or as the portal.
                if street::number_needs_comma(self.street_type, &self.street_name) {
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
/// use ciclo::standardize::address::canonical_province;
/// use ciclo::standardize::Country;
///
/// let caba = Some(("Ciudad Autónoma de Buenos Aires", Country::AR));
/// assert_eq!(canonical_province("Capital Federal", None), caba);
/// assert_eq!(canonical_province("C.A.B.A.", None), caba);
/// assert_eq!(canonical_province("guipuzcoa", None), Some(("Gipuzkoa", Country::ES)));
/// assert_eq!(canonical_province("Córdoba", Some(Country::ES)), Some(("Córdoba", Country::ES)));
/// assert_eq!(canonical_province("Córdoba", None), None);
/// ```
pub fn canonical_province(text: &str, country: Option<Country>) -> Option<(&'static str, Country)> {
    let found = tables::provinces_named(text);
    let mut pick = found
        .iter()
        .copied()
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
/// use ciclo::standardize::address::province_of_postal_code;
/// use ciclo::standardize::Country;
///
/// assert_eq!(province_of_postal_code("M3746SPN", None), Some("Mendoza"));
/// assert_eq!(province_of_postal_code("02102", Some(Country::ES)), Some("Albacete"));
/// assert_eq!(province_of_postal_code("4011", Some(Country::AU)), Some("QLD"));
/// assert_eq!(province_of_postal_code("1425", Some(Country::AR)), None);
/// ```
pub fn province_of_postal_code(code: &str, country: Option<Country>) -> Option<&'static str> {
    let postal = Postal::read(code);
    let country = match (&postal, country) {
        (Postal::Five(..), None) => Some(Country::ES),
        _ => country,
    };
    postal_province(&postal, country).map(Prov::name)
}

/// Tidied text (NFC, single spaces, trimmed) with control characters turned
/// into spaces; borrowed when already tidy. Text below U+0300 (ASCII, Latin-1, Latin Extended) is already
/// in NFC and only has its spaces collapsed.
fn clean(text: &str) -> Cow<'_, str> {
    if text.is_empty() {
        return Cow::Borrowed("");
    }
    if is_tidy(text) {
        Cow::Borrowed(text)
    } else {
        clean_slow(text)
    }
}

/// Whether a text is already clean: printable characters below U+0300 (where
/// nothing changes in NFC), no control characters, no whitespace other than
/// single spaces between words. Most fields are printable ASCII: those are
/// answered eight bytes at a time.
fn is_tidy(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if first == b' ' || last == b' ' {
        return false;
    }
    let n = bytes.len();
    if n < 8 {
        // Padded with a letter, which neither is a space nor spoils a word.
        let mut padded = [b'a'; 8];
        if let Some(head) = padded.get_mut(..n) {
            head.copy_from_slice(bytes);
        }
        return match ascii_spaces(u64::from_le_bytes(padded)) {
            Some(spaces) => spaces & (spaces << 8) == 0,
            None => tidy_bytes(bytes),
        };
    }
    let word_at = |at: usize| {
        bytes
            .get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map(u64::from_le_bytes)
    };
    // Whether the byte before the current word is a space.
    let mut space_before = false;
    let mut i = 0;
    while let Some(word) = word_at(i) {
        let Some(spaces) = ascii_spaces(word) else {
            return tidy_bytes(bytes);
        };
        if spaces & (spaces << 8) != 0 || (space_before && spaces & 0x80 != 0) {
            return false;
        }
        space_before = spaces >> 63 != 0;
        i += 8;
    }
    if i < n {
        // The last eight bytes, overlapping the word before: the pair across
        // the two is inside them.
        match word_at(n - 8).and_then(ascii_spaces) {
            Some(spaces) if spaces & (spaces << 8) != 0 => return false,
            Some(_) => {}
            None => return tidy_bytes(bytes),
        }
    }
    true
}

/// Of eight bytes, `None` if one is not printable ASCII (0x20 to 0x7E), else
/// the high bit of each byte that is a space.
fn ascii_spaces(word: u64) -> Option<u64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    let above = (word.wrapping_add(ONES) | word) & HIGH;
    if below | above != 0 {
        return None;
    }
    // Exact: no byte has its high bit set, and no carry crosses bytes.
    let x = word ^ (ONES * 0x20);
    Some(!(((x & !HIGH).wrapping_add(!HIGH)) | x) & HIGH)
}

/// [`is_tidy`] a byte at a time, for text that is not all printable ASCII.
#[cold]
fn tidy_bytes(bytes: &[u8]) -> bool {
    // As if after a space: a leading space is not tidy.
    let mut after_space = true;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'!'..=b'~' => after_space = false,
            b' ' if !after_space => after_space = true,
            // U+00A1 to U+02FF, two bytes each: neither whitespace nor control
            // (U+0080 to U+00A0 are, and start with C2 80 to C2 A0).
            0xC2..=0xCB => {
                if b == 0xC2 && bytes.get(i + 1).is_some_and(|&n| n <= 0xA0) {
                    return false;
                }
                after_space = false;
                i += 1;
            }
            // A space after a space or at the start, a control character,
            // anything from U+0300 on.
            _ => return false,
        }
        i += 1;
    }
    !after_space
}

/// [`clean`] for text that is not clean already.
#[cold]
#[inline(never)]
fn clean_slow(text: &str) -> Cow<'_, str> {
    if text.chars().all(|c| c < '\u{300}') {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_whitespace() || c.is_control() {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            } else {
                out.push(c);
            }
        }
        if out.ends_with(' ') {
            out.pop();
        }
        return Cow::Owned(out);
    }
    if text.chars().any(char::is_control) {
        let spaced: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        Cow::Owned(tidy(&spaced))
    } else {
        Cow::Owned(tidy(text))
    }
}

/// A name written all in upper or all in lower case is title-cased (particles
/// lower case, except a first word that stands alone); a name with mixed case is
/// kept as typed.
fn name_case(text: CompactString, spanish: bool) -> CompactString {
    let (has_upper, has_lower) = if text.is_ascii() {
        let bytes = text.as_bytes();
        (
            bytes.iter().any(u8::is_ascii_uppercase),
            bytes.iter().any(u8::is_ascii_lowercase),
        )
    } else {
        (
            text.chars().any(char::is_uppercase),
            text.chars().any(char::is_lowercase),
        )
    };
    if has_upper && has_lower {
        return text;
    }
    let particles: &[&str] = if spanish { &PARTICLES } else { &[] };
    let mut cased = title_case(&text, particles);
    // Upper-casing may add letters (`ß` → `SS`): once more from lower case.
    if cased != text
        && !(cased.chars().any(char::is_uppercase) && cased.chars().any(char::is_lowercase))
    {
        cased = title_case(&cased.to_lowercase(), particles);
    }
    if spanish {
        if let Some((first, rest)) = cased.split_once(' ') {
            let lowered = first.to_lowercase();
            if PARTICLES.contains(&lowered.as_str()) && !rest.is_empty() {
                cased = format!("{lowered} {rest}");
            }
        }
    }
    if cased.is_ascii() {
        cased.into()
    } else {
        // Case mapping can leave decomposed letters (`ῒ` → `Ϊ̀`).
        CompactString::from(clean(&cased))
    }
}

/// The country an address without one is in, as [`parse`] infers it (from the
/// postal code, the province and the street's language), without reading the
/// rest: a record whose country comes from its address learns it here and is
/// then parsed once, in that country.
pub(crate) fn infer_country(input: &AddressInput<'_>) -> Option<Country> {
    let province_text = clean(input.province);
    let province_found = if province_text.is_empty() {
        &[][..]
    } else {
        tables::provinces_named(&province_text)
    };
    inferred_country(
        &Postal::read(input.postal_code),
        province_found,
        input.street,
    )
}

/// The country of a postal code's shape and the provinces a name matches: a
/// CPA means Argentina; one country among the provinces, that one; five digits
/// with provinces of several countries Spain, four Argentina; four digits with
/// no province and an English street Australia.
fn inferred_country(postal: &Postal, province_found: &[Prov], street: &str) -> Option<Country> {
    let mut countries = province_found.iter().map(|p| p.country());
    let first = countries.next();
    let unique = first.filter(|c| countries.all(|d| d == *c));
    match (postal, first, unique) {
        (Postal::Cpa(_), _, _) => Some(Country::AR),
        (_, _, Some(c)) => Some(c),
        (Postal::Five(..), Some(_), None) => Some(Country::ES),
        (Postal::Four(..), Some(_), None) => Some(Country::AR),
        (Postal::Four(..), None, None) if street::looks_english(&clean(street)) => {
            Some(Country::AU)
        }
        _ => None,
    }
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
/// use ciclo::standardize::address::{parse, AddressInput, StreetType};
/// use ciclo::standardize::Country;
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
        tables::provinces_named(&province_text)
    };

    // The country: given, or inferred from the postal code and the province.
    let mut country = input.country;
    if country.is_none() {
        if let Some(c) = inferred_country(&postal, province_found, input.street) {
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
    let mut province: Option<CompactString> = None;
    if !province_text.is_empty() {
        if known_country {
            let own = province_found
                .iter()
                .copied()
                .find(|p| country.is_none_or(|c| p.country() == c));
            match (own, province_found.first()) {
                (Some(p), _) => {
                    province = Some(CompactString::const_new(p.name()));
                    if country.is_some() {
                        province_prov = Some(p);
                    }
                }
                (None, Some(other)) => {
                    // Kept as typed: the other country's name could mean a
                    // province of this one (`Córdoba`).
                    problems.push(
                        Problem::warning(
                            "address.province_country_mismatch",
                            format!(
                                "the province `{province_text}` is {} in {}, not in {}",
                                other.name(),
                                other.country(),
                                country.map_or_else(|| "??".to_string(), |c| c.to_string())
                            ),
                        )
                        .suggest(other.name()),
                    );
                    province = Some(CompactString::new(&province_text));
                }
                (None, None) => {
                    province = Some(CompactString::new(&province_text));
                    problems.push(Problem::warning(
                        "address.province_unknown",
                        format!("`{province_text}` is not a known province or state"),
                    ));
                }
            }
        } else {
            province = Some(CompactString::new(&province_text));
        }
    }

    // The postal code.
    let implied = postal_province(&postal, country);
    let postal_code = check_postal(&postal, country, &mut problems).or_else(|| postal.into_code());
    if let Some(implied) = implied {
        match (province_prov, &province) {
            (Some(given), _) if given != implied => {
                problems.push(
                    Problem::warning(
                        "address.postal_code_province_mismatch",
                        concat(&[
                            "the postal code ",
                            postal_code.as_deref().unwrap_or(""),
                            " is in ",
                            implied.name(),
                            ", not ",
                            given.name(),
                        ]),
                    )
                    .suggest(implied.name()),
                );
            }
            (_, None) => {
                province = Some(CompactString::const_new(implied.name()));
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
    let mode = match country {
        Some(Country::AU) => Some(true),
        Some(_) => Some(false),
        None => None,
    };
    let mut parts = if street_text.is_empty() {
        street::Parts::default()
    } else {
        street::parse_street(&street_text, mode)
    };
    let english = parts.english || mode == Some(true);
    for note in parts.notes.drain(..) {
        problems.push(note);
    }

    // The separate number field.
    let number_text = clean(input.street_number);
    if !number_text.is_empty() {
        let read = if english {
            street::split_unit_number(&number_text)
        } else {
            None
        };
        let (unit, number) = match read {
            Some((u, n)) => (Some(u), Some(n)),
            None => (
                None,
                street::house_number(&number_text).or_else(|| {
                    street::is_sin_numero(&number_text).then(|| CompactString::const_new(NO_NUMBER))
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
                if n != *street_n {
                    problems.push(
                        Problem::warning(
                            "address.number_mismatch",
                            format!("the street says number {street_n}, the number field {n}"),
                        )
                        .suggest(n),
                    );
                }
            }
            (None, _) => street::push_leftover(&mut parts.leftover, &number_text),
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
        CompactString::new(&extra_text)
    } else {
        problems.push(Problem::warning(
            "address.unparsed",
            format!(
                "could not read `{}` in the street; kept in extra",
                parts.leftover
            ),
        ));
        if extra_text.is_empty() {
            CompactString::from(parts.leftover)
        } else {
            CompactString::from(format!("{}; {}", parts.leftover, extra_text))
        }
    };

    let locality_text = clean(input.locality);
    let locality = if locality_text.is_empty() {
        None
    } else {
        // Every spelling of CABA starts with a C or a B.
        let caba = locality_text.starts_with(['C', 'c', 'B', 'b'])
            && matches!(
                canonical_province(&locality_text, Some(Country::AR)),
                Some(("Ciudad Autónoma de Buenos Aires", _))
            );
        if caba && country.is_none_or(|c| c == Country::AR) {
            Some(CompactString::const_new("Ciudad Autónoma de Buenos Aires"))
        } else {
            Some(name_case(CompactString::new(&locality_text), true))
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

#[cfg(test)]
mod tests;
