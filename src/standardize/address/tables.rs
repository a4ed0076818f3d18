//! Static tables for address parsing: street types, qualifiers, title
//! abbreviations inside street names, provinces and their common spellings.

use super::{Detail, StreetType};
use crate::standardize::text::{fold, fold_each, packed_key};
use crate::standardize::Country;
use std::sync::OnceLock;

/// The 24 Argentine jurisdictions with their CPA letter (ISO 3166-2:AR code).
pub(super) const AR_PROVINCES: [(u8, &str); 24] = [
    (b'A', "Salta"),
    (b'B', "Buenos Aires"),
    (b'C', "Ciudad Autónoma de Buenos Aires"),
    (b'D', "San Luis"),
    (b'E', "Entre Ríos"),
    (b'F', "La Rioja"),
    (b'G', "Santiago del Estero"),
    (b'H', "Chaco"),
    (b'J', "San Juan"),
    (b'K', "Catamarca"),
    (b'L', "La Pampa"),
    (b'M', "Mendoza"),
    (b'N', "Misiones"),
    (b'P', "Formosa"),
    (b'Q', "Neuquén"),
    (b'R', "Río Negro"),
    (b'S', "Santa Fe"),
    (b'T', "Tucumán"),
    (b'U', "Chubut"),
    (b'V', "Tierra del Fuego"),
    (b'W', "Corrientes"),
    (b'X', "Córdoba"),
    (b'Y', "Jujuy"),
    (b'Z', "Santa Cruz"),
];

/// The 52 Spanish provinces in postal-code order (`01` is index 0): the official
/// name, and for officially bilingual names the Spanish one.
pub(super) const ES_PROVINCES: [&str; 52] = [
    "Álava",
    "Albacete",
    "Alicante",
    "Almería",
    "Ávila",
    "Badajoz",
    "Illes Balears",
    "Barcelona",
    "Burgos",
    "Cáceres",
    "Cádiz",
    "Castellón",
    "Ciudad Real",
    "Córdoba",
    "A Coruña",
    "Cuenca",
    "Girona",
    "Granada",
    "Guadalajara",
    "Gipuzkoa",
    "Huelva",
    "Huesca",
    "Jaén",
    "León",
    "Lleida",
    "La Rioja",
    "Lugo",
    "Madrid",
    "Málaga",
    "Murcia",
    "Navarra",
    "Ourense",
    "Asturias",
    "Palencia",
    "Las Palmas",
    "Pontevedra",
    "Salamanca",
    "Santa Cruz de Tenerife",
    "Cantabria",
    "Segovia",
    "Sevilla",
    "Soria",
    "Tarragona",
    "Teruel",
    "Toledo",
    "Valencia",
    "Valladolid",
    "Bizkaia",
    "Zamora",
    "Zaragoza",
    "Ceuta",
    "Melilla",
];

/// Australian states and territories: the postal abbreviation (the canonical
/// form) and the full name.
pub(super) const AU_STATES: [(&str, &str); 8] = [
    ("ACT", "Australian Capital Territory"),
    ("NSW", "New South Wales"),
    ("NT", "Northern Territory"),
    ("QLD", "Queensland"),
    ("SA", "South Australia"),
    ("TAS", "Tasmania"),
    ("VIC", "Victoria"),
    ("WA", "Western Australia"),
];

/// Other spellings of Argentine jurisdictions, by CPA letter.
const AR_ALIASES: &[(&str, u8)] = &[
    ("CABA", b'C'),
    ("Capital Federal", b'C'),
    ("Cap. Fed.", b'C'),
    ("Capital", b'C'),
    ("Ciudad de Buenos Aires", b'C'),
    ("Cdad. de Buenos Aires", b'C'),
    ("Ciudad de Bs. As.", b'C'),
    ("Ciudad Autónoma Buenos Aires", b'C'),
    ("Cdad. Autónoma de Buenos Aires", b'C'),
    ("Ciudad Autónoma de Bs. As.", b'C'),
    ("Buenos Aires Ciudad", b'C'),
    ("Capital Federal Buenos Aires", b'C'),
    ("Bs. As.", b'B'),
    ("Bs. Aires", b'B'),
    ("PBA", b'B'),
    ("GBA", b'B'),
    ("Gran Buenos Aires", b'B'),
    ("Cba.", b'X'),
    ("Cdba.", b'X'),
    ("Mza.", b'M'),
    ("Mdz.", b'M'),
    ("Sta. Fe", b'S'),
    ("Tuc.", b'T'),
    ("Sgo. del Estero", b'G'),
    ("Stgo. del Estero", b'G'),
    ("Santiago", b'G'),
    ("TDF", b'V'),
    ("T. del Fuego", b'V'),
    (
        "Tierra del Fuego, Antártida e Islas del Atlántico Sur",
        b'V',
    ),
    ("Nqn.", b'Q'),
    ("Ctes.", b'W'),
    ("Mnes.", b'N'),
    ("Jjy.", b'Y'),
    ("Sta. Cruz", b'Z'),
    ("Chub.", b'U'),
];

/// Other spellings of Spanish provinces, by postal prefix.
const ES_ALIASES: &[(&str, u8)] = &[
    ("Araba", 1),
    ("Araba/Álava", 1),
    ("Alacant", 3),
    ("Alicante/Alacant", 3),
    ("Baleares", 7),
    ("Islas Baleares", 7),
    ("Balears", 7),
    ("Balearic Islands", 7),
    ("BCN", 8),
    ("Castelló", 12),
    ("Castellón de la Plana", 12),
    ("Castelló de la Plana", 12),
    ("Castellón/Castelló", 12),
    ("La Coruña", 15),
    ("Coruña", 15),
    ("Corunna", 15),
    ("Gerona", 17),
    ("Guipúzcoa", 20),
    ("Guipuzkoa", 20),
    ("Lérida", 25),
    ("Rioja", 26),
    ("Comunidad de Madrid", 28),
    ("Región de Murcia", 30),
    ("Nafarroa", 31),
    ("Comunidad Foral de Navarra", 31),
    ("Navarre", 31),
    ("Orense", 32),
    ("Principado de Asturias", 33),
    ("Palmas", 35),
    ("Las Palmas de Gran Canaria", 35),
    ("Gran Canaria", 35),
    ("Sta. Cruz de Tenerife", 38),
    ("S.C. de Tenerife", 38),
    ("S.C. Tenerife", 38),
    ("Santa Cruz Tenerife", 38),
    ("Tenerife", 38),
    ("Seville", 41),
    ("València", 46),
    ("Valencia/València", 46),
    ("Vizcaya", 48),
    ("Biscay", 48),
    ("Saragossa", 50),
];

/// ISO 3166-2:ES subdivision codes of the provinces (`ES-M` Madrid), by postal
/// prefix.
const ES_ISO: [&str; 52] = [
    "VI", "AB", "A", "AL", "AV", "BA", "PM", "B", "BU", "CC", "CA", "CS", "CR", "CO", "C", "CU",
    "GI", "GR", "GU", "SS", "H", "HU", "J", "LE", "L", "LO", "LU", "M", "MA", "MU", "NA", "OR",
    "O", "P", "GC", "PO", "SA", "TF", "S", "SG", "SE", "SO", "T", "TE", "TO", "V", "VA", "BI",
    "ZA", "Z", "CE", "ML",
];

/// In [`CPA_LETTERS`]: a letter that names no province.
const NO_PROVINCE: u8 = u8::MAX;

/// The index in [`AR_PROVINCES`] of each letter `A` to `Z`.
const CPA_LETTERS: [u8; 26] = {
    let mut table = [NO_PROVINCE; 26];
    let mut i = 0;
    while i < AR_PROVINCES.len() {
        table[(AR_PROVINCES[i].0 - b'A') as usize] = i as u8;
        i += 1;
    }
    table
};

/// A known province, state or autonomous city.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Prov {
    /// Index into [`AR_PROVINCES`].
    Ar(u8),
    /// Index into [`ES_PROVINCES`] (postal prefix minus one).
    Es(u8),
    /// Index into [`AU_STATES`].
    Au(u8),
}

impl Prov {
    /// The canonical name.
    pub(super) fn name(self) -> &'static str {
        match self {
            Prov::Ar(i) => AR_PROVINCES.get(usize::from(i)).map_or("", |p| p.1),
            Prov::Es(i) => ES_PROVINCES.get(usize::from(i)).copied().unwrap_or(""),
            Prov::Au(i) => AU_STATES.get(usize::from(i)).map_or("", |p| p.0),
        }
    }

    /// The country it belongs to.
    pub(super) fn country(self) -> Country {
        match self {
            Prov::Ar(_) => Country::AR,
            Prov::Es(_) => Country::ES,
            Prov::Au(_) => Country::AU,
        }
    }

    /// The Argentine province of a CPA letter.
    pub(super) fn of_cpa_letter(letter: u8) -> Option<Prov> {
        let row = letter.to_ascii_uppercase().wrapping_sub(b'A');
        match CPA_LETTERS.get(usize::from(row)) {
            Some(&i) if i != NO_PROVINCE => Some(Prov::Ar(i)),
            _ => None,
        }
    }

    /// The Spanish province of a postal prefix (1 to 52).
    pub(super) fn of_es_prefix(prefix: u32) -> Option<Prov> {
        if (1..=52).contains(&prefix) {
            u8::try_from(prefix - 1).ok().map(Prov::Es)
        } else {
            None
        }
    }

    /// The Australian state or territory of a 4-digit postcode.
    pub(super) fn of_au_postcode(code: u32) -> Option<Prov> {
        let abbrev = match code {
            200..=299 | 2600..=2618 | 2900..=2920 => "ACT",
            800..=999 => "NT",
            1000..=2999 => "NSW",
            3000..=3999 | 8000..=8999 => "VIC",
            4000..=4999 | 9000..=9999 => "QLD",
            5000..=5999 => "SA",
            6000..=6999 => "WA",
            7000..=7999 => "TAS",
            _ => return None,
        };
        AU_STATES
            .iter()
            .position(|s| s.0 == abbrev)
            .and_then(|i| u8::try_from(i).ok())
            .map(Prov::Au)
    }
}

/// Administrative words before a province name, folded.
const PROVINCE_PREFIXES: [&str; 7] = [
    "provincia de ",
    "provincia del ",
    "provincia ",
    "pcia de ",
    "pcia ",
    "prov de ",
    "prov ",
];

/// The key of folded, single-spaced text: prefixes and suffixes such as
/// `provincia de` removed, then the spaces.
fn strip_to_key(folded: &[u8]) -> (usize, usize) {
    // Folded text holds letters, digits and single spaces: only spaces trail.
    let mut end = folded.trim_ascii_end().len();
    let mut start = 0;
    for prefix in PROVINCE_PREFIXES {
        if folded.starts_with(prefix.as_bytes()) && prefix.len() < end {
            start = prefix.len();
            break;
        }
    }
    for suffix in [" province", " provincia"] {
        if folded
            .get(..end)
            .is_some_and(|f| f.ends_with(suffix.as_bytes()))
            && end - suffix.len() > start
        {
            end -= suffix.len();
        }
    }
    (start, end)
}

/// The lookup key of a province text: folded, administrative prefixes such as
/// `provincia de` removed, spaces removed (`Pcia. de Bs. As.` gives `bsas`).
pub(super) fn province_key(text: &str) -> String {
    let folded = fold(text);
    let (start, end) = strip_to_key(folded.as_bytes());
    folded
        .get(start..end)
        .unwrap_or("")
        .chars()
        .filter(|c| *c != ' ')
        .collect()
}

/// The provinces a text names, by [`province_key`]: none, one, or one per
/// country (`Córdoba`, `La Rioja`).
pub(super) fn provinces_named(text: &str) -> &'static [Prov] {
    // Most provinces are typed as one of the listed spellings: those are
    // looked up as they are, without folding.
    match spelling_index().get(text) {
        Some(found) => found,
        None => provinces_keyed(text),
    }
}

/// [`provinces_named`] through the key. The key is built on the stack when it
/// is short and ASCII, as it is for every real province name.
fn provinces_keyed(text: &str) -> &'static [Prov] {
    let mut folded = [0u8; 64];
    let mut len = 0;
    let mut fits = true;
    fold_each(text, |c| match folded.get_mut(len) {
        Some(slot) if c.is_ascii() => {
            *slot = c as u8;
            len += 1;
        }
        _ => fits = false,
    });
    let index = province_index();
    let found = if fits {
        let folded = folded.get(..len).unwrap_or(&[]);
        let (start, end) = strip_to_key(folded);
        let mut key = [0u8; 64];
        let mut n = 0;
        for &b in folded.get(start..end).unwrap_or(&[]) {
            if b != b' ' {
                if let Some(slot) = key.get_mut(n) {
                    *slot = b;
                    n += 1;
                }
            }
        }
        index.get(key.get(..n).unwrap_or(&[]))
    } else {
        index.get(province_key(text).as_bytes())
    };
    found.map_or(&[], Vec::as_slice)
}

/// Every listed spelling as written (canonical names, aliases, Australian
/// abbreviations), with what [`provinces_keyed`] gives for it.
type SpellingMap =
    std::collections::HashMap<&'static str, &'static [Prov], foldhash::fast::FixedState>;

/// Every listed spelling, as written.
fn spelling_index() -> &'static SpellingMap {
    static INDEX: OnceLock<SpellingMap> = OnceLock::new();
    INDEX.get_or_init(|| {
        let spellings = AR_PROVINCES
            .iter()
            .map(|(_, name)| *name)
            .chain(AR_ALIASES.iter().map(|(alias, _)| *alias))
            .chain(ES_PROVINCES)
            .chain(ES_ALIASES.iter().map(|(alias, _)| *alias))
            .chain(AU_STATES.iter().flat_map(|(abbrev, name)| [*abbrev, *name]));
        spellings
            .map(|spelling| (spelling, provinces_keyed(spelling)))
            .collect()
    })
}

/// Provinces by key (see [`province_key`]), the key as bytes.
type ProvinceMap = std::collections::HashMap<Vec<u8>, Vec<Prov>, foldhash::fast::FixedState>;

/// Every known spelling, by key.
fn province_index() -> &'static ProvinceMap {
    static INDEX: OnceLock<ProvinceMap> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut v: Vec<(String, Prov)> = Vec::with_capacity(400);
        for (i, (letter, name)) in AR_PROVINCES.iter().enumerate() {
            let p = Prov::Ar(i as u8);
            v.push((province_key(name), p));
            v.push((format!("ar{}", char::from(*letter).to_ascii_lowercase()), p));
        }
        for (alias, letter) in AR_ALIASES {
            if let Some(p) = Prov::of_cpa_letter(*letter) {
                v.push((province_key(alias), p));
            }
        }
        for (i, name) in ES_PROVINCES.iter().enumerate() {
            v.push((province_key(name), Prov::Es(i as u8)));
        }
        for (i, code) in ES_ISO.iter().enumerate() {
            v.push((
                format!("es{}", code.to_ascii_lowercase()),
                Prov::Es(i as u8),
            ));
        }
        for (alias, prefix) in ES_ALIASES {
            if let Some(p) = Prov::of_es_prefix(u32::from(*prefix)) {
                v.push((province_key(alias), p));
            }
        }
        for (i, (abbrev, name)) in AU_STATES.iter().enumerate() {
            let p = Prov::Au(i as u8);
            v.push((province_key(abbrev), p));
            v.push((province_key(name), p));
            v.push((format!("au{}", abbrev.to_ascii_lowercase()), p));
        }
        v.sort();
        v.dedup();
        let mut map = ProvinceMap::default();
        for (key, p) in v {
            map.entry(key.into_bytes()).or_default().push(p);
        }
        map
    })
}

/// Street-type words written before the name (Spanish usage), by key.
const PREFIX_TYPES: &[(&str, StreetType)] = {
    use StreetType::*;
    &[
        ("avenida", Avenida),
        ("av", Avenida),
        ("avda", Avenida),
        ("avd", Avenida),
        ("avenid", Avenida),
        ("avnda", Avenida),
        ("calle", Calle),
        ("c/", Calle),
        ("cl", Calle),
        ("cll", Calle),
        ("pasaje", Pasaje),
        ("pje", Pasaje),
        ("psje", Pasaje),
        ("pj", Pasaje),
        ("psj", Pasaje),
        ("boulevard", Boulevard),
        ("bulevar", Boulevard),
        ("bv", Boulevard),
        ("bvd", Boulevard),
        ("blvd", Boulevard),
        ("bvar", Boulevard),
        ("boulevar", Boulevard),
        ("bulevard", Boulevard),
        ("plaza", Plaza),
        ("pza", Plaza),
        ("pl", Plaza),
        ("plz", Plaza),
        ("paseo", Paseo),
        ("po", Paseo),
        ("pso", Paseo),
        ("camino", Camino),
        ("cno", Camino),
        ("cmno", Camino),
        ("carretera", Carretera),
        ("ctra", Carretera),
        ("crta", Carretera),
        ("ruta", Ruta),
        ("rta", Ruta),
        ("rn", Ruta),
        ("rp", Ruta),
        ("ronda", Ronda),
        ("rda", Ronda),
        ("travesia", Travesia),
        ("trav", Travesia),
        ("trva", Travesia),
        ("diagonal", Diagonal),
        ("diag", Diagonal),
        ("dg", Diagonal),
        ("costanera", Costanera),
        ("autopista", Autopista),
        ("autop", Autopista),
        ("autovia", Autovia),
        ("autov", Autovia),
        ("rambla", Rambla),
        ("rbla", Rambla),
        ("glorieta", Glorieta),
        ("glta", Glorieta),
        ("callejon", Callejon),
        ("cjon", Callejon),
        ("via", Via),
        ("alameda", Alameda),
    ]
};

/// Street-type words written after the name (English usage), by key.
const SUFFIX_TYPES: &[(&str, StreetType)] = {
    use StreetType::*;
    &[
        ("street", Street),
        ("st", Street),
        ("str", Street),
        ("road", Road),
        ("rd", Road),
        ("avenue", Avenue),
        ("ave", Avenue),
        ("av", Avenue),
        ("place", Place),
        ("pl", Place),
        ("plc", Place),
        ("crescent", Crescent),
        ("cres", Crescent),
        ("cresc", Crescent),
        ("crs", Crescent),
        ("cr", Crescent),
        ("drive", Drive),
        ("dr", Drive),
        ("drv", Drive),
        ("court", Court),
        ("ct", Court),
        ("crt", Court),
        ("circuit", Circuit),
        ("cct", Circuit),
        ("close", Close),
        ("cl", Close),
        ("parade", Parade),
        ("pde", Parade),
        ("terrace", Terrace),
        ("tce", Terrace),
        ("terr", Terrace),
        ("lane", Lane),
        ("ln", Lane),
        ("way", Way),
        ("wy", Way),
        ("highway", Highway),
        ("hwy", Highway),
        ("grove", Grove),
        ("gr", Grove),
        ("gro", Grove),
        ("square", Square),
        ("sq", Square),
        ("boulevard", Boulevard),
        ("bvd", Boulevard),
        ("blvd", Boulevard),
        ("parkway", Parkway),
        ("pkwy", Parkway),
        ("circle", Circle),
        ("cir", Circle),
        ("circ", Circle),
        ("loop", Loop),
        ("row", Row),
        ("cove", Cove),
        ("esplanade", Esplanade),
        ("esp", Esplanade),
        ("gardens", Gardens),
        ("garden", Gardens),
        ("gdns", Gardens),
        ("rise", Rise),
        ("walk", Walk),
    ]
};

/// English street types long enough to be recognised with one typo, split in
/// two or glued to the name (`srteet`, `cre scent`, `macneilplace`): the word
/// and whether it may be found glued.
pub(super) const SUFFIX_TYPO_CANDIDATES: [(&str, StreetType, bool); 13] = [
    ("street", StreetType::Street, true),
    ("place", StreetType::Place, true),
    ("crescent", StreetType::Crescent, true),
    ("circuit", StreetType::Circuit, true),
    ("avenue", StreetType::Avenue, true),
    ("drive", StreetType::Drive, true),
    ("court", StreetType::Court, false),
    ("close", StreetType::Close, false),
    ("parade", StreetType::Parade, false),
    ("terrace", StreetType::Terrace, true),
    ("highway", StreetType::Highway, true),
    ("square", StreetType::Square, true),
    ("parkway", StreetType::Parkway, true),
];

/// What a qualifier word introduces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kw {
    /// `Km. 25`.
    Km,
    /// `Nº 1234`.
    NumMarker,
    /// `s/n`, sin número.
    SinNumero,
    /// `Piso 3`, `Level 3`.
    Floor,
    /// A floor written as a word (`PB`, `Bajo`): its canonical form.
    FloorValue(&'static str),
    /// `Dpto. B`, `Pta. 2`, `Unit 5`.
    Unit,
    /// `Esc. 2`, `Mz. 3`, `Bº Centro`.
    Detail(Detail),
}

/// Qualifier words, by key.
const KEYWORDS: &[(&str, Kw)] = {
    use Detail::*;
    &[
        ("km", Kw::Km),
        ("kilometro", Kw::Km),
        ("kms", Kw::Km),
        ("no", Kw::NumMarker),
        ("nro", Kw::NumMarker),
        ("num", Kw::NumMarker),
        ("numero", Kw::NumMarker),
        ("#", Kw::NumMarker),
        ("s/n", Kw::SinNumero),
        ("s/no", Kw::SinNumero),
        ("s/nro", Kw::SinNumero),
        ("s-n", Kw::SinNumero),
        ("s/num", Kw::SinNumero),
        ("piso", Kw::Floor),
        ("planta", Kw::Floor),
        ("level", Kw::Floor),
        ("lvl", Kw::Floor),
        ("floor", Kw::Floor),
        ("fl", Kw::Floor),
        ("pb", Kw::FloorValue("PB")),
        ("bajo", Kw::FloorValue("PB")),
        ("bj", Kw::FloorValue("PB")),
        ("bjo", Kw::FloorValue("PB")),
        ("entresuelo", Kw::FloorValue("Entresuelo")),
        ("entlo", Kw::FloorValue("Entresuelo")),
        ("entrepiso", Kw::FloorValue("Entrepiso")),
        ("ep", Kw::FloorValue("Entrepiso")),
        ("principal", Kw::FloorValue("Principal")),
        ("pral", Kw::FloorValue("Principal")),
        ("atico", Kw::FloorValue("Ático")),
        ("sotano", Kw::FloorValue("Sótano")),
        ("subsuelo", Kw::FloorValue("Sótano")),
        ("dpto", Kw::Unit),
        ("depto", Kw::Unit),
        ("dto", Kw::Unit),
        ("dpt", Kw::Unit),
        ("dep", Kw::Unit),
        ("departamento", Kw::Unit),
        ("apto", Kw::Unit),
        ("apartamento", Kw::Unit),
        ("unidad", Kw::Unit),
        ("uf", Kw::Unit),
        ("of", Kw::Unit),
        ("ofic", Kw::Unit),
        ("oficina", Kw::Unit),
        ("local", Kw::Unit),
        ("pta", Kw::Unit),
        ("puerta", Kw::Unit),
        ("unit", Kw::Unit),
        ("apt", Kw::Unit),
        ("apartment", Kw::Unit),
        ("flat", Kw::Unit),
        ("flt", Kw::Unit),
        ("suite", Kw::Unit),
        ("ste", Kw::Unit),
        ("shop", Kw::Unit),
        ("apmnt", Kw::Unit),
        ("aprt", Kw::Unit),
        ("esc", Kw::Detail(Escalera)),
        ("escalera", Kw::Detail(Escalera)),
        ("bloque", Kw::Detail(Bloque)),
        ("blq", Kw::Detail(Bloque)),
        ("bloq", Kw::Detail(Bloque)),
        ("bl", Kw::Detail(Bloque)),
        ("portal", Kw::Detail(Portal)),
        ("ptal", Kw::Detail(Portal)),
        ("torre", Kw::Detail(Torre)),
        ("tower", Kw::Detail(Torre)),
        ("mz", Kw::Detail(Manzana)),
        ("mza", Kw::Detail(Manzana)),
        ("manzana", Kw::Detail(Manzana)),
        ("mzna", Kw::Detail(Manzana)),
        ("lote", Kw::Detail(Lote)),
        ("lt", Kw::Detail(Lote)),
        ("lot", Kw::Detail(Lote)),
        ("casa", Kw::Detail(Casa)),
        ("bo", Kw::Detail(Barrio)),
        ("barrio", Kw::Detail(Barrio)),
        ("urb", Kw::Detail(Urbanizacion)),
        ("urbanizacion", Kw::Detail(Urbanizacion)),
    ]
};

/// Words that may stand alone as a unit (Spanish door sides), by key.
const SIDE_WORDS: &[(&str, &str)] = &[
    ("izq", "Izquierda"),
    ("izqda", "Izquierda"),
    ("izda", "Izquierda"),
    ("izquierda", "Izquierda"),
    ("izdo", "Izquierda"),
    ("dcha", "Derecha"),
    ("dch", "Derecha"),
    ("dcho", "Derecha"),
    ("dr", "Derecha"),
    ("dra", "Derecha"),
    ("der", "Derecha"),
    ("derecha", "Derecha"),
    ("ctro", "Centro"),
    ("centro", "Centro"),
];

/// Title abbreviations inside Spanish street names (`Gral. Paz`), by key.
const NAME_ABBREVIATIONS: &[(&str, &str)] = &[
    ("gral", "General"),
    ("pte", "Presidente"),
    ("pdte", "Presidente"),
    ("pres", "Presidente"),
    ("cnel", "Coronel"),
    ("crnel", "Coronel"),
    ("tte", "Teniente"),
    ("gdor", "Gobernador"),
    ("gob", "Gobernador"),
    ("dr", "Doctor"),
    ("dra", "Doctora"),
    ("ing", "Ingeniero"),
    ("sta", "Santa"),
    ("sto", "Santo"),
    ("sgto", "Sargento"),
    ("cmte", "Comandante"),
    ("cdte", "Comandante"),
    ("alte", "Almirante"),
    ("pbro", "Presbítero"),
    ("mtro", "Maestro"),
    ("prof", "Profesor"),
    ("mons", "Monseñor"),
    ("cap", "Capitán"),
    ("arq", "Arquitecto"),
    ("brig", "Brigadier"),
];

/// Words with a meaning of their own in a street line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(super) enum Special {
    /// Nothing special.
    #[default]
    None,
    /// `bis` after a number.
    Bis,
    /// `sin`, as in `sin número`.
    Sin,
    /// `número` after `sin`.
    Numero,
    /// `baja`, as in `planta baja`.
    Baja,
    /// `nacional`, `provincial`: part of a route's name.
    RouteClass,
}

const SPECIALS: &[(&str, Special)] = &[
    ("bis", Special::Bis),
    ("sin", Special::Sin),
    ("numero", Special::Numero),
    ("nro", Special::Numero),
    ("no", Special::Numero),
    ("num", Special::Numero),
    ("baja", Special::Baja),
    ("nacional", Special::RouteClass),
    ("provincial", Special::RouteClass),
    ("nac", Special::RouteClass),
    ("prov", Special::RouteClass),
];

/// Everything a word can mean in a street line.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Word {
    /// As a street type before the name.
    pub(super) prefix: Option<StreetType>,
    /// As a street type after the name.
    pub(super) suffix: Option<StreetType>,
    /// As a qualifier.
    pub(super) keyword: Option<Kw>,
    /// As a door side.
    pub(super) side: Option<&'static str>,
    /// As a title abbreviation inside a name.
    pub(super) abbreviation: Option<&'static str>,
    /// Other meanings.
    pub(super) special: Special,
}

/// The words by their packed key (see [`packed_key`]).
type WordMap = std::collections::HashMap<u128, Word, foldhash::fast::FixedState>;

/// The meanings of a word, by key (see `Key`).
#[cfg(test)]
pub(super) fn word(key: &[u8]) -> Option<&'static Word> {
    word_packed(packed_key(key)?)
}

/// The meanings of a word, by its packed key (see [`packed_key`]): every word
/// of the tables fits in one.
pub(super) fn word_packed(key: u128) -> Option<&'static Word> {
    static MAP: OnceLock<WordMap> = OnceLock::new();
    MAP.get_or_init(|| {
        // Every word fits (a unit test checks); one that did not would be
        // filed under 0, which no key packs to, and is taken out below.
        fn entry<'m>(map: &'m mut WordMap, k: &str) -> &'m mut Word {
            map.entry(packed_key(k.as_bytes()).unwrap_or(0))
                .or_default()
        }
        let mut map = WordMap::default();
        for (k, t) in PREFIX_TYPES {
            entry(&mut map, k).prefix = Some(*t);
        }
        for (k, t) in SUFFIX_TYPES {
            entry(&mut map, k).suffix = Some(*t);
        }
        for (k, kw) in KEYWORDS {
            entry(&mut map, k).keyword = Some(*kw);
        }
        for (k, v) in SIDE_WORDS {
            entry(&mut map, k).side = Some(v);
        }
        for (k, v) in NAME_ABBREVIATIONS {
            entry(&mut map, k).abbreviation = Some(v);
        }
        for (k, v) in SPECIALS {
            entry(&mut map, k).special = *v;
        }
        map.remove(&0);
        map
    })
    .get(&key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_has_a_packed_key() {
        let words = PREFIX_TYPES
            .iter()
            .map(|(k, _)| *k)
            .chain(SUFFIX_TYPES.iter().map(|(k, _)| *k))
            .chain(KEYWORDS.iter().map(|(k, _)| *k))
            .chain(SIDE_WORDS.iter().map(|(k, _)| *k))
            .chain(NAME_ABBREVIATIONS.iter().map(|(k, _)| *k))
            .chain(SPECIALS.iter().map(|(k, _)| *k));
        for w in words {
            assert!(!w.is_empty() && !w.contains('\0'), "{w:?}");
            assert!(word(w.as_bytes()).is_some(), "{w:?}");
        }
        assert!(word(b"corrientes").is_none());
        assert!(word(&[b'a'; 17]).is_none());
    }
}
