//! Static tables for address parsing: street types, qualifiers, title
//! abbreviations inside street names, provinces and their common spellings.

use super::{Detail, StreetType};
use crate::consolidation::standardize::text::fold;
use crate::consolidation::standardize::Country;
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
        let letter = letter.to_ascii_uppercase();
        AR_PROVINCES
            .iter()
            .position(|p| p.0 == letter)
            .and_then(|i| u8::try_from(i).ok())
            .map(Prov::Ar)
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

/// The lookup key of a province text: folded, administrative prefixes such as
/// `provincia de` removed, spaces removed (`Pcia. de Bs. As.` gives `bsas`).
pub(super) fn province_key(text: &str) -> String {
    let folded = fold(text);
    let mut rest = folded.as_str();
    for prefix in [
        "provincia de ",
        "provincia del ",
        "provincia ",
        "pcia de ",
        "pcia ",
        "prov de ",
        "prov ",
    ] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r;
            break;
        }
    }
    for suffix in [" province", " provincia"] {
        if let Some(r) = rest.strip_suffix(suffix) {
            rest = r;
        }
    }
    rest.chars().filter(|c| *c != ' ').collect()
}

/// Every known spelling, by key, sorted for binary search. A key may name two
/// provinces in different countries (`cordoba`, `larioja`).
fn province_index() -> &'static [(String, Prov)] {
    static INDEX: OnceLock<Vec<(String, Prov)>> = OnceLock::new();
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
            let p = Prov::Es(i as u8);
            v.push((province_key(name), p));
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
        v
    })
}

/// The provinces a key names: none, one, or one per country.
pub(super) fn provinces_of_key(key: &str) -> &'static [(String, Prov)] {
    let index = province_index();
    let start = index.partition_point(|(k, _)| k.as_str() < key);
    let end = start + index[start..].partition_point(|(k, _)| k.as_str() == key);
    index.get(start..end).unwrap_or(&[])
}

/// A street-type word written before the name (Spanish usage), by key.
pub(super) fn prefix_type(key: &str) -> Option<StreetType> {
    use StreetType::*;
    Some(match key {
        "avenida" | "av" | "avda" | "avd" | "avenid" | "avnda" | "avad" => Avenida,
        "calle" | "c/" | "cl" | "cll" | "cal" => Calle,
        "pasaje" | "pje" | "psje" | "pj" | "psj" | "pasage" => Pasaje,
        "boulevard" | "bulevar" | "bv" | "bvd" | "blvd" | "bvar" | "boulevar" | "bulevard"
        | "blv" => Boulevard,
        "plaza" | "pza" | "pl" | "plz" | "pzas" => Plaza,
        "paseo" | "po" | "pso" | "pseo" => Paseo,
        "camino" | "cno" | "cmno" | "cam" => Camino,
        "carretera" | "ctra" | "crta" | "carret" => Carretera,
        "ruta" | "rta" | "rn" | "rp" => Ruta,
        "ronda" | "rda" => Ronda,
        "travesia" | "trav" | "trva" | "travesa" => Travesia,
        "diagonal" | "diag" | "dg" => Diagonal,
        "costanera" => Costanera,
        "autopista" | "autop" => Autopista,
        "autovia" | "autov" => Autovia,
        "rambla" | "rbla" => Rambla,
        "glorieta" | "glta" => Glorieta,
        "callejon" | "cjon" | "cjn" => Callejon,
        "via" => Via,
        "alameda" | "alam" => Alameda,
        _ => return None,
    })
}

/// A street-type word written after the name (English usage), by key.
pub(super) fn suffix_type(key: &str) -> Option<StreetType> {
    use StreetType::*;
    Some(match key {
        "street" | "st" | "str" => Street,
        "road" | "rd" => Road,
        "avenue" | "ave" | "av" | "avenu" => Avenue,
        "place" | "pl" | "plc" => Place,
        "crescent" | "cres" | "cresc" | "crs" | "cr" => Crescent,
        "drive" | "dr" | "drv" => Drive,
        "court" | "ct" | "crt" => Court,
        "circuit" | "cct" | "cirt" => Circuit,
        "close" | "cl" => Close,
        "parade" | "pde" => Parade,
        "terrace" | "tce" | "terr" => Terrace,
        "lane" | "ln" => Lane,
        "way" | "wy" => Way,
        "highway" | "hwy" => Highway,
        "grove" | "gr" | "gro" => Grove,
        "square" | "sq" => Square,
        "boulevard" | "bvd" | "blvd" => Boulevard,
        "parkway" | "pkwy" => Parkway,
        "circle" | "cir" | "circ" => Circle,
        "loop" => Loop,
        "row" => Row,
        "cove" => Cove,
        "esplanade" | "esp" => Esplanade,
        "gardens" | "garden" | "gdns" => Gardens,
        "rise" => Rise,
        "walk" => Walk,
        _ => return None,
    })
}

/// English street types long enough to be recognised with one typo or when
/// glued to the name (`srteet`, `macneilplace`): the word and whether it may be
/// found glued.
pub(super) const SUFFIX_TYPO_CANDIDATES: [(&str, StreetType, bool); 12] = [
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

/// The qualifier a word introduces, by key.
pub(super) fn keyword(key: &str) -> Option<Kw> {
    use Detail::*;
    Some(match key {
        "km" | "kilometro" | "kms" => Kw::Km,
        "no" | "nro" | "num" | "numero" | "n#" | "#" => Kw::NumMarker,
        "s/n" | "sn" | "s/no" | "s/nro" | "s-n" | "s/num" => Kw::SinNumero,
        "piso" | "planta" | "level" | "lvl" | "floor" | "fl" => Kw::Floor,
        "pb" | "bajo" | "bj" | "bjo" => Kw::FloorValue("PB"),
        "entresuelo" | "entlo" | "entl" => Kw::FloorValue("Entresuelo"),
        "entrepiso" | "ep" => Kw::FloorValue("Entrepiso"),
        "principal" | "pral" | "ppal" => Kw::FloorValue("Principal"),
        "atico" | "atc" => Kw::FloorValue("Ático"),
        "sotano" | "subsuelo" | "ss" => Kw::FloorValue("Sótano"),
        "dpto" | "depto" | "dto" | "dpt" | "dep" | "departamento" | "apto" | "apartamento"
        | "unidad" | "uf" | "of" | "ofic" | "oficina" | "local" | "pta" | "puerta" | "unit"
        | "apt" | "apartment" | "flat" | "suite" | "ste" | "shop" | "apmnt" | "aprt" => Kw::Unit,
        "esc" | "escalera" | "escal" => Kw::Detail(Escalera),
        "bloque" | "blq" | "bloq" | "bl" => Kw::Detail(Bloque),
        "portal" | "ptal" => Kw::Detail(Portal),
        "torre" | "twr" | "tower" => Kw::Detail(Torre),
        "mz" | "mza" | "manzana" | "mzna" => Kw::Detail(Manzana),
        "lote" | "lt" | "lot" => Kw::Detail(Lote),
        "casa" => Kw::Detail(Casa),
        "bo" | "barrio" | "bario" | "b/" => Kw::Detail(Barrio),
        "urb" | "urbanizacion" | "urbaniz" => Kw::Detail(Urbanizacion),
        _ => return None,
    })
}

/// A word that may stand alone as a unit (Spanish door side): its canonical form.
pub(super) fn side_word(key: &str) -> Option<&'static str> {
    Some(match key {
        "izq" | "izqda" | "izda" | "izquierda" | "izdo" | "izqdo" | "iz" => "Izquierda",
        "dcha" | "dch" | "dcho" | "dr" | "der" | "derecha" | "dra" => "Derecha",
        "ctro" | "centro" | "cent" => "Centro",
        _ => return None,
    })
}

/// Title abbreviations inside Spanish street names (`Gral. Paz`), by key.
pub(super) fn name_abbreviation(key: &str) -> Option<&'static str> {
    Some(match key {
        "gral" => "General",
        "pte" | "pdte" | "pres" | "presid" => "Presidente",
        "cnel" | "crnel" | "cor" => "Coronel",
        "tte" | "tnte" => "Teniente",
        "gdor" | "gob" => "Gobernador",
        "dr" => "Doctor",
        "dra" => "Doctora",
        "ing" => "Ingeniero",
        "sta" => "Santa",
        "sto" => "Santo",
        "sgto" => "Sargento",
        "cmte" | "cte" | "cmdte" => "Comandante",
        "alte" => "Almirante",
        "pbro" => "Presbítero",
        "mtro" => "Maestro",
        "prof" => "Profesor",
        "mons" => "Monseñor",
        "cap" | "cpt" => "Capitán",
        "arq" => "Arquitecto",
        "brig" => "Brigadier",
        "cdte" => "Comandante",
        _ => return None,
    })
}
