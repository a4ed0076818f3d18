use super::*;
use crate::standardize::Severity;
use proptest::prelude::*;

fn street(text: &str) -> Address {
    parse(&AddressInput {
        street: text,
        ..AddressInput::default()
    })
    .0
}

fn street_in(text: &str, country: Country) -> Address {
    parse(&AddressInput {
        street: text,
        country: Some(country),
        ..AddressInput::default()
    })
    .0
}

fn codes(problems: &[Problem]) -> Vec<&'static str> {
    problems.iter().map(|p| p.code).collect()
}

/// Parses the street line of an address again with its other fields.
fn reparse(a: &Address) -> (Address, Vec<Problem>) {
    let line = a.street_line();
    parse(&AddressInput {
        street: &line,
        street_number: "",
        extra: a.extra.as_deref().unwrap_or(""),
        locality: a.locality.as_deref().unwrap_or(""),
        province: a.province.as_deref().unwrap_or(""),
        postal_code: a.postal_code.as_deref().unwrap_or(""),
        country: a.country,
    })
}

/// The address is a fixed point: its street line and fields parse back to it,
/// with no problem that was not there the first time.
fn assert_idempotent(input: &AddressInput<'_>) {
    let (first, problems) = parse(input);
    let (second, again) = reparse(&first);
    assert_eq!(
        first,
        second,
        "street line {:?} of {input:?}",
        first.street_line()
    );
    for p in &again {
        assert!(
            problems.iter().any(|q| q.code == p.code),
            "new problem {p} for {input:?}"
        );
    }
}

#[test]
fn every_spanish_street_type_abbreviation() {
    use StreetType::*;
    let cases = [
        ("Avenida", Avenida),
        ("Av.", Avenida),
        ("AV", Avenida),
        ("Avda.", Avenida),
        ("avda", Avenida),
        ("Avd.", Avenida),
        ("Calle", Calle),
        ("C/", Calle),
        ("c/", Calle),
        ("Cl.", Calle),
        ("Cll.", Calle),
        ("Pasaje", Pasaje),
        ("Pje.", Pasaje),
        ("Psje.", Pasaje),
        ("Boulevard", Boulevard),
        ("Bulevar", Boulevard),
        ("Bv.", Boulevard),
        ("Bvd.", Boulevard),
        ("Blvd.", Boulevard),
        ("Plaza", Plaza),
        ("Pza.", Plaza),
        ("Pl.", Plaza),
        ("Paseo", Paseo),
        ("Pº", Paseo),
        ("P°", Paseo),
        ("Pso.", Paseo),
        ("Camino", Camino),
        ("Cno.", Camino),
        ("Carretera", Carretera),
        ("Ctra.", Carretera),
        ("Ruta", Ruta),
        ("Rta.", Ruta),
        ("Ronda", Ronda),
        ("Rda.", Ronda),
        ("Travesía", Travesia),
        ("Travesia", Travesia),
        ("Trav.", Travesia),
        ("Diagonal", Diagonal),
        ("Diag.", Diagonal),
        ("Costanera", Costanera),
        ("Autopista", Autopista),
        ("Rambla", Rambla),
        ("Rbla.", Rambla),
        ("Glorieta", Glorieta),
        ("Callejón", Callejon),
        ("Alameda", Alameda),
    ];
    for (word, want) in cases {
        let text = format!("{word} Ramírez 127");
        let a = street(&text);
        assert_eq!(a.street_type, Some(want), "{text}");
        assert_eq!(a.street_name, "Ramírez", "{text}");
        assert_eq!(a.number.as_deref(), Some("127"), "{text}");
        assert_eq!(a.street_key(), "ramirez 127", "{text}");
    }
}

#[test]
fn one_edit() {
    assert!(street::one_edit_apart("street", "street"));
    assert!(street::one_edit_apart("srteet", "street"));
    assert!(street::one_edit_apart("treet", "street"));
    assert!(street::one_edit_apart("strreet", "street"));
    assert!(street::one_edit_apart("strekt", "street"));
    assert!(!street::one_edit_apart("stret", "street_"));
    assert!(!street::one_edit_apart("", "ab"));
    assert!(street::one_edit_apart("", "a"));
    assert!(!street::one_edit_apart("crryscent", "crescent"));
}

#[test]
fn display_names_of_street_types() {
    assert_eq!(StreetType::Avenida.as_str(), "Avenida");
    assert_eq!(StreetType::Travesia.to_string(), "Travesía");
    assert_eq!(StreetType::Street.as_str(), "Street");
    assert!(StreetType::Street.is_english());
    assert!(!StreetType::Boulevard.is_english());
    assert!(!StreetType::Alameda.is_english());
}

#[test]
fn glued_abbreviations_are_split() {
    let a = street("C/Mayor 5");
    assert_eq!(
        (a.street_type, a.street_name.as_str()),
        (Some(StreetType::Calle), "Mayor")
    );
    let a = street("Av.Corrientes 1234");
    assert_eq!(
        (a.street_type, a.street_name.as_str()),
        (Some(StreetType::Avenida), "Corrientes")
    );
    let a = street_in("C/ Mayor 5, 3º2ª", Country::ES);
    assert_eq!(
        (a.floor.as_deref(), a.unit.as_deref()),
        (Some("3"), Some("2"))
    );
    let a = street("Calle Mayor Nº12");
    assert_eq!(a.number.as_deref(), Some("12"));
}

#[test]
fn the_brief_example() {
    let a = street("Avenida Valdez 1149, Piso 11 Dpto. B");
    assert_eq!(a.street_type, Some(StreetType::Avenida));
    assert_eq!(a.street_name, "Valdez");
    assert_eq!(a.number.as_deref(), Some("1149"));
    assert_eq!(a.floor.as_deref(), Some("11"));
    assert_eq!(a.unit.as_deref(), Some("B"));
    assert_eq!(a.extra, None);
    assert_eq!(a.street_line(), "Avenida Valdez 1149, Piso 11, Dpto. B");
    assert_eq!(a.street_key(), "valdez 1149");
}

#[test]
fn spanish_floor_and_door() {
    let a = street_in("C/ Mayor, 5, 3º 2ª", Country::ES);
    assert_eq!(a.street_type, Some(StreetType::Calle));
    assert_eq!(a.street_name, "Mayor");
    assert_eq!(a.number.as_deref(), Some("5"));
    assert_eq!(a.floor.as_deref(), Some("3"));
    assert_eq!(a.unit.as_deref(), Some("2"));
    assert_eq!(a.street_line(), "Calle Mayor 5, Piso 3, Pta. 2");

    let a = street_in("Calle Caro 2925, Piso 11 4º", Country::ES);
    assert_eq!(
        (a.floor.as_deref(), a.unit.as_deref()),
        (Some("11"), Some("4"))
    );
    let a = street_in("Calle de Alcalá 40, 3º izq.", Country::ES);
    assert_eq!(
        (a.floor.as_deref(), a.unit.as_deref()),
        (Some("3"), Some("Izquierda"))
    );
    let a = street_in("Calle Mayor 8, Esc. B, 4º Dcha", Country::ES);
    assert_eq!(
        a.details,
        vec![(Detail::Escalera, CompactString::const_new("B"))]
    );
    assert_eq!(
        (a.floor.as_deref(), a.unit.as_deref()),
        (Some("4"), Some("Derecha"))
    );
    let a = street_in("Calle Mayor 8, Bajo B", Country::ES);
    assert_eq!(
        (a.floor.as_deref(), a.unit.as_deref()),
        (Some("PB"), Some("B"))
    );
    let a = street_in("Calle Mayor 8, Pta. 3", Country::ES);
    assert_eq!(a.unit.as_deref(), Some("3"));
    let a = street_in("Avda. de la Constitución 12 - 3º A", Country::ES);
    assert_eq!(a.street_name, "de la Constitución");
    assert_eq!(
        (
            a.number.as_deref(),
            a.floor.as_deref(),
            a.unit.as_deref(),
            a.extra.as_deref()
        ),
        (Some("12"), Some("3"), Some("A"), None)
    );
    let a = street_in("Calle 13 nº 456 entre 40 y 41", Country::AR);
    assert_eq!(
        (
            a.street_name.as_str(),
            a.number.as_deref(),
            a.extra.as_deref()
        ),
        ("13", Some("456"), Some("entre 40 y 41"))
    );
}

#[test]
fn argentine_floor_and_flat() {
    let a = street_in("Av. Corrientes 1234 5º B", Country::AR);
    assert_eq!(
        (a.floor.as_deref(), a.unit.as_deref()),
        (Some("5"), Some("B"))
    );
    let a = street_in("Av. Corrientes 1234, 1er piso, Depto. 4", Country::AR);
    assert_eq!(
        (a.floor.as_deref(), a.unit.as_deref()),
        (Some("1"), Some("4"))
    );
    let a = street_in("Av. Corrientes 1234, PB Dto. A", Country::AR);
    assert_eq!(
        (a.floor.as_deref(), a.unit.as_deref()),
        (Some("PB"), Some("A"))
    );
    let a = street_in("Av. Corrientes 1234, planta baja", Country::AR);
    assert_eq!(a.floor.as_deref(), Some("PB"));
    assert_eq!(a.street_line(), "Avenida Corrientes 1234, PB");
    let a = street_in("Corrientes 1234 5B", Country::AR);
    assert_eq!(
        (a.floor.as_deref(), a.unit.as_deref()),
        (Some("5"), Some("B"))
    );
    let a = street_in("Av. Corrientes 1234 2do piso of. 12", Country::AR);
    assert_eq!(
        (a.floor.as_deref(), a.unit.as_deref()),
        (Some("2"), Some("12"))
    );
}

#[test]
fn barrio_manzana_lote_casa() {
    let a = street_in("Bº Los Álamos, Mz. 3, Lote 12", Country::AR);
    assert_eq!(a.street_name, "");
    assert_eq!(
        a.details,
        vec![
            (Detail::Barrio, CompactString::const_new("Los Álamos")),
            (Detail::Manzana, CompactString::const_new("3")),
            (Detail::Lote, CompactString::const_new("12")),
        ]
    );
    assert_eq!(a.street_line(), "Bº Los Álamos, Mz. 3, Lote 12");
    let (_, problems) = parse(&AddressInput {
        street: "Bº Los Álamos, Mz. 3, Lote 12",
        ..AddressInput::default()
    });
    assert!(!codes(&problems).contains(&"address.street_name_missing"));

    let a = street_in("Calle 5 s/n, Barrio Centro, Casa 4", Country::AR);
    assert_eq!(a.street_name, "5");
    assert_eq!(a.number.as_deref(), Some(NO_NUMBER));
    assert_eq!(
        a.details,
        vec![
            (Detail::Barrio, CompactString::const_new("Centro")),
            (Detail::Casa, CompactString::const_new("4")),
        ]
    );
    // A street that happens to be called Torre or Casa.
    let a = street("Calle Torre 5");
    assert_eq!(
        (a.street_name.as_str(), a.number.as_deref()),
        ("Torre", Some("5"))
    );
    let a = street("Calle Casa Blanca 5");
    assert_eq!(a.street_name, "Casa Blanca");
}

#[test]
fn sin_numero() {
    for text in [
        "Calle Mayor s/n",
        "Calle Mayor S/N",
        "Calle Mayor, s/n",
        "Calle Mayor sin número",
        "Calle Mayor S/Nº",
    ] {
        let a = street(text);
        assert_eq!(a.street_name, "Mayor", "{text}");
        assert_eq!(a.number.as_deref(), Some(NO_NUMBER), "{text}");
        assert_eq!(a.street_line(), "Calle Mayor s/n", "{text}");
        assert_eq!(a.street_key(), "mayor sn");
    }
    let a = street("Calle s/n");
    assert_eq!(
        (a.street_name.as_str(), a.number.as_deref()),
        ("", Some(NO_NUMBER))
    );
}

#[test]
fn routes_and_kilometres() {
    let a = street("Ruta 40 Km 3,5");
    assert_eq!(a.street_type, Some(StreetType::Ruta));
    assert_eq!(a.street_name, "40");
    assert_eq!(a.km.as_deref(), Some("3.5"));
    assert_eq!(a.number, None);
    assert_eq!(a.street_line(), "Ruta 40, Km 3.5");

    let a = street("R.N. 40 Km. 1250");
    assert_eq!(a.street_type, Some(StreetType::Ruta));
    assert_eq!(a.street_name, "Nacional 40");
    assert_eq!(a.km.as_deref(), Some("1250"));
    let b = street("Ruta Nacional 40, kilómetro 1250");
    assert_eq!(a, b);
    assert_eq!(a.street_key(), "40 km 1250");
    assert_eq!(street("Ruta 40 km 1250").street_key(), a.street_key());

    let a = street("Ctra. de Valencia, Km 12");
    assert_eq!(a.street_type, Some(StreetType::Carretera));
    assert_eq!(a.street_name, "de Valencia");
    assert_eq!(a.km.as_deref(), Some("12"));
    assert_eq!(a.street_key(), "valencia km 12");
}

#[test]
fn numbers() {
    assert_eq!(street("Calle Mayor 12a").number.as_deref(), Some("12A"));
    assert_eq!(street("Calle Mayor 12-14").number.as_deref(), Some("12-14"));
    assert_eq!(
        street("Calle Mayor 1149 bis").number.as_deref(),
        Some("1149 bis")
    );
    assert_eq!(street("Calle Mayor Nº 12").number.as_deref(), Some("12"));
    assert_eq!(street("Calle Mayor nro. 12").number.as_deref(), Some("12"));
    assert_eq!(street("Calle Mayor #12").number.as_deref(), Some("12"));
}

#[test]
fn numbered_and_numeric_street_names() {
    let a = street("Calle 7 1234");
    assert_eq!(
        (a.street_name.as_str(), a.number.as_deref()),
        ("7", Some("1234"))
    );
    let a = street("Calle 50");
    assert_eq!((a.street_name.as_str(), a.number), ("50", None));
    let a = street("25 de Mayo 1234");
    assert_eq!(
        (a.street_name.as_str(), a.number.as_deref()),
        ("25 de Mayo", Some("1234"))
    );
    let a = street("Av. 9 de Julio 1500");
    assert_eq!(
        (a.street_name.as_str(), a.number.as_deref()),
        ("9 de Julio", Some("1500"))
    );
    let a = street("Calle 1º de Mayo 3");
    assert_eq!(
        (a.street_name.as_str(), a.number.as_deref()),
        ("1º de Mayo", Some("3"))
    );
}

#[test]
fn title_abbreviations_in_names_are_expanded() {
    let a = street("Av. Gral. Paz 1234");
    assert_eq!(a.street_name, "General Paz");
    let b = street("AVENIDA GENERAL PAZ 1234");
    assert_eq!(b.street_name, "General Paz");
    assert_eq!(a.street_key(), b.street_key());
    assert_eq!(
        street("Calle Tte. Gral. Perón 12").street_name,
        "Teniente General Perón"
    );
    assert_eq!(street("Pje. Sta. Rosa 4").street_name, "Santa Rosa");
    assert_eq!(street("Calle Dr. Fleming 4").street_name, "Doctor Fleming");
}

#[test]
fn case_and_particles() {
    assert_eq!(street("CALLE DE LA FUENTE 5").street_name, "de la Fuente");
    assert_eq!(street("calle de la fuente 5").street_name, "de la Fuente");
    // Mixed case is kept as typed.
    assert_eq!(street("Calle McAllister 5").street_name, "McAllister");
    let a = street("Avenida de Mayo 1370");
    let b = street("AVENIDA MAYO 1370");
    assert_eq!(a.street_key(), "mayo 1370");
    assert_eq!(a.street_key(), b.street_key());
}

#[test]
fn unreadable_parts_are_kept_in_extra() {
    let (a, problems) = parse(&AddressInput {
        street: "Av. Corrientes 1234 entre Callao y Riobamba",
        extra: "Edificio Sol",
        ..AddressInput::default()
    });
    assert_eq!(a.street_name, "Corrientes");
    assert_eq!(a.number.as_deref(), Some("1234"));
    assert_eq!(
        a.extra.as_deref(),
        Some("entre Callao y Riobamba; Edificio Sol")
    );
    let p = problems
        .iter()
        .find(|p| p.code == "address.unparsed")
        .unwrap();
    assert_eq!(p.severity, Severity::Warning);
}

#[test]
fn number_field_and_street_number() {
    let (a, problems) = parse(&AddressInput {
        street: "Calle Mayor",
        street_number: "12",
        ..AddressInput::default()
    });
    assert_eq!(a.number.as_deref(), Some("12"));
    assert!(problems.is_empty());
    let (a, problems) = parse(&AddressInput {
        street: "Calle Mayor 12",
        street_number: "14",
        ..AddressInput::default()
    });
    assert_eq!(a.number.as_deref(), Some("12"));
    let p = problems
        .iter()
        .find(|p| p.code == "address.number_mismatch")
        .unwrap();
    assert_eq!(p.suggestion.as_deref(), Some("14"));
    let (a, _) = parse(&AddressInput {
        street: "Calle Mayor",
        street_number: "doce",
        ..AddressInput::default()
    });
    assert_eq!(a.number, None);
    assert_eq!(a.extra.as_deref(), Some("doce"));
}

#[test]
fn caba_in_all_its_spellings() {
    let caba = Some(("Ciudad Autónoma de Buenos Aires", Country::AR));
    for text in [
        "CABA",
        "C.A.B.A.",
        "caba",
        "Capital Federal",
        "CAPITAL FEDERAL",
        "Cap. Fed.",
        "Capital",
        "Ciudad de Buenos Aires",
        "Ciudad Autónoma de Buenos Aires",
        "ciudad autonoma de buenos aires",
        "Ciudad Autonoma Buenos Aires",
        "AR-C",
    ] {
        assert_eq!(canonical_province(text, None), caba, "{text}");
        assert_eq!(canonical_province(text, Some(Country::AR)), caba, "{text}");
    }
    assert_eq!(canonical_province("CABA", Some(Country::ES)), None);
    // Buenos Aires alone is the province.
    assert_eq!(
        canonical_province("Buenos Aires", None),
        Some(("Buenos Aires", Country::AR))
    );
    // A locality written as CABA is written one way too.
    let (a, _) = parse(&AddressInput {
        locality: "Cap. Fed.",
        province: "CABA",
        ..AddressInput::default()
    });
    assert_eq!(
        a.locality.as_deref(),
        Some("Ciudad Autónoma de Buenos Aires")
    );
    assert_eq!(
        a.province.as_deref(),
        Some("Ciudad Autónoma de Buenos Aires")
    );
    assert_eq!(a.country, Some(Country::AR));
}

#[test]
fn every_argentine_jurisdiction_and_short_forms() {
    for (_, name) in tables::AR_PROVINCES {
        assert_eq!(
            canonical_province(name, Some(Country::AR)),
            Some((name, Country::AR)),
            "{name}"
        );
        let plain = fold(name);
        assert_eq!(
            canonical_province(&plain, Some(Country::AR)).map(|p| p.0),
            Some(name),
            "{plain}"
        );
        let upper = name.to_uppercase();
        assert_eq!(
            canonical_province(&upper, Some(Country::AR)).map(|p| p.0),
            Some(name),
            "{upper}"
        );
    }
    for (text, want) in [
        ("Bs. As.", "Buenos Aires"),
        ("Pcia. de Bs. As.", "Buenos Aires"),
        ("Provincia de Buenos Aires", "Buenos Aires"),
        ("Cba.", "Córdoba"),
        ("Mza.", "Mendoza"),
        ("Sta. Fe", "Santa Fe"),
        ("Tuc.", "Tucumán"),
        ("Sgo. del Estero", "Santiago del Estero"),
        (
            "Tierra del Fuego, Antártida e Islas del Atlántico Sur",
            "Tierra del Fuego",
        ),
        ("Neuquen", "Neuquén"),
        ("Rio Negro", "Río Negro"),
        ("Entre Rios", "Entre Ríos"),
        ("Provincia del Chaco", "Chaco"),
        ("Provincia de La Rioja", "La Rioja"),
        ("AR-X", "Córdoba"),
    ] {
        assert_eq!(
            canonical_province(text, Some(Country::AR)).map(|p| p.0),
            Some(want),
            "{text}"
        );
    }
}

#[test]
fn every_spanish_province_and_other_spellings() {
    for name in tables::ES_PROVINCES {
        assert_eq!(
            canonical_province(name, Some(Country::ES)),
            Some((name, Country::ES)),
            "{name}"
        );
        let plain = fold(name);
        assert_eq!(
            canonical_province(&plain, Some(Country::ES)).map(|p| p.0),
            Some(name),
            "{plain}"
        );
    }
    for (text, want) in [
        ("Vizcaya", "Bizkaia"),
        ("Guipúzcoa", "Gipuzkoa"),
        ("Guipuzcoa", "Gipuzkoa"),
        ("Álava", "Álava"),
        ("Araba", "Álava"),
        ("La Coruña", "A Coruña"),
        ("Coruña", "A Coruña"),
        ("Orense", "Ourense"),
        ("Gerona", "Girona"),
        ("Lérida", "Lleida"),
        ("Baleares", "Illes Balears"),
        ("Islas Baleares", "Illes Balears"),
        ("Castelló", "Castellón"),
        ("Alacant", "Alicante"),
        ("València", "Valencia"),
        ("S.C. Tenerife", "Santa Cruz de Tenerife"),
        ("Las Palmas de Gran Canaria", "Las Palmas"),
        ("Comunidad de Madrid", "Madrid"),
        ("ES-M", "Madrid"),
        ("es-pm", "Illes Balears"),
    ] {
        assert_eq!(
            canonical_province(text, None).map(|p| p.0),
            Some(want),
            "{text}"
        );
    }
    // Names used in both countries need the country.
    assert_eq!(canonical_province("Córdoba", None), None);
    assert_eq!(canonical_province("La Rioja", None), None);
    assert_eq!(
        canonical_province("cordoba", Some(Country::AR)),
        Some(("Córdoba", Country::AR))
    );
    assert_eq!(canonical_province("Atlantis", None), None);
    assert_eq!(canonical_province("", None), None);
}

#[test]
fn spanish_postal_prefixes_name_every_province() {
    for (i, name) in tables::ES_PROVINCES.iter().enumerate() {
        let code = format!("{:02}001", i + 1);
        assert_eq!(
            province_of_postal_code(&code, Some(Country::ES)),
            Some(*name),
            "{code}"
        );
    }
    assert_eq!(province_of_postal_code("28013", None), Some("Madrid"));
    assert_eq!(province_of_postal_code("00123", Some(Country::ES)), None);
    assert_eq!(province_of_postal_code("53000", Some(Country::ES)), None);
    assert_eq!(
        province_of_postal_code("8001", Some(Country::ES)),
        Some("Barcelona")
    );
}

#[test]
fn cpa_letters_name_every_argentine_province() {
    for (letter, name) in tables::AR_PROVINCES {
        let code = format!("{}1425ABC", char::from(letter));
        assert_eq!(province_of_postal_code(&code, None), Some(name), "{code}");
        let lower = code.to_lowercase();
        assert_eq!(
            province_of_postal_code(&lower, Some(Country::AR)),
            Some(name)
        );
    }
    assert_eq!(province_of_postal_code("I1425ABC", None), None);
    assert_eq!(province_of_postal_code("1425", Some(Country::AR)), None);
}

#[test]
fn australian_postcodes() {
    for (code, state) in [
        ("2000", "NSW"),
        ("2600", "ACT"),
        ("0800", "NT"),
        ("3000", "VIC"),
        ("4011", "QLD"),
        ("5000", "SA"),
        ("6000", "WA"),
        ("7000", "TAS"),
    ] {
        assert_eq!(
            province_of_postal_code(code, Some(Country::AU)),
            Some(state),
            "{code}"
        );
    }
    assert_eq!(canonical_province("nsw", None), Some(("NSW", Country::AU)));
    assert_eq!(
        canonical_province("Victoria", None),
        Some(("VIC", Country::AU))
    );
}

#[test]
fn postal_codes_valid_invalid_and_mismatched() {
    // Valid CPA, lower case and spaced: canonical, country inferred.
    let (a, problems) = parse(&AddressInput {
        postal_code: "c 1425 abc",
        province: "CABA",
        ..AddressInput::default()
    });
    assert_eq!(a.postal_code.as_deref(), Some("C1425ABC"));
    assert_eq!(a.country, Some(Country::AR));
    assert_eq!(codes(&problems), vec!["address.country_inferred"]);

    // Short CPA and old four digits are valid in Argentina.
    for code in ["B1636", "1425"] {
        let (a, problems) = parse(&AddressInput {
            postal_code: code,
            country: Some(Country::AR),
            ..AddressInput::default()
        });
        assert_eq!(a.postal_code.as_deref(), Some(code));
        assert!(
            problems.iter().all(|p| p.severity == Severity::Info),
            "{code}: {problems:?}"
        );
    }

    // Invalid: kept, with a warning.
    let (a, problems) = parse(&AddressInput {
        postal_code: "abc",
        country: Some(Country::AR),
        ..AddressInput::default()
    });
    assert_eq!(a.postal_code.as_deref(), Some("ABC"));
    assert_eq!(codes(&problems), vec!["address.postal_code_invalid"]);
    assert_eq!(problems[0].severity, Severity::Warning);
    for code in ["00123", "53000", "1234567"] {
        let (a, problems) = parse(&AddressInput {
            postal_code: code,
            country: Some(Country::ES),
            ..AddressInput::default()
        });
        assert_eq!(a.postal_code.as_deref(), Some(code));
        assert_eq!(
            codes(&problems),
            vec!["address.postal_code_invalid"],
            "{code}"
        );
    }

    // Another country's code.
    let (a, problems) = parse(&AddressInput {
        postal_code: "M8624UVU",
        country: Some(Country::ES),
        ..AddressInput::default()
    });
    assert_eq!(a.postal_code.as_deref(), Some("M8624UVU"));
    assert_eq!(
        codes(&problems),
        vec!["address.postal_code_country_mismatch"]
    );
    let (_, problems) = parse(&AddressInput {
        postal_code: "21530",
        country: Some(Country::AR),
        ..AddressInput::default()
    });
    assert_eq!(
        codes(&problems),
        vec!["address.postal_code_country_mismatch"]
    );

    // A Spanish code that lost its leading zero.
    let (a, problems) = parse(&AddressInput {
        postal_code: "8001",
        province: "Barcelona",
        country: Some(Country::ES),
        ..AddressInput::default()
    });
    assert_eq!(a.postal_code.as_deref(), Some("08001"));
    assert_eq!(codes(&problems), vec!["address.postal_code_padded"]);
    assert_eq!(problems[0].severity, Severity::Info);
}

#[test]
fn postal_code_province_mismatch_is_a_warning_with_a_suggestion() {
    let (a, problems) = parse(&AddressInput {
        province: "Huesca",
        postal_code: "02102",
        ..AddressInput::default()
    });
    assert_eq!(a.country, Some(Country::ES));
    assert_eq!(a.province.as_deref(), Some("Huesca"));
    assert_eq!(a.postal_code.as_deref(), Some("02102"));
    let p = problems
        .iter()
        .find(|p| p.code == "address.postal_code_province_mismatch")
        .unwrap();
    assert_eq!(p.severity, Severity::Warning);
    assert_eq!(p.suggestion.as_deref(), Some("Albacete"));

    let (a, problems) = parse(&AddressInput {
        province: "Mendoza",
        postal_code: "S4621YQX",
        country: Some(Country::AR),
        ..AddressInput::default()
    });
    assert_eq!(a.province.as_deref(), Some("Mendoza"));
    let p = problems
        .iter()
        .find(|p| p.code == "address.postal_code_province_mismatch")
        .unwrap();
    assert_eq!(p.suggestion.as_deref(), Some("Santa Fe"));

    // Agreement: no problem.
    let (_, problems) = parse(&AddressInput {
        province: "Sta. Fe",
        postal_code: "S4621YQX",
        country: Some(Country::AR),
        ..AddressInput::default()
    });
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn province_inferred_from_the_postal_code() {
    let (a, problems) = parse(&AddressInput {
        postal_code: "28013",
        country: Some(Country::ES),
        ..AddressInput::default()
    });
    assert_eq!(a.province.as_deref(), Some("Madrid"));
    let p = problems
        .iter()
        .find(|p| p.code == "address.province_inferred")
        .unwrap();
    assert_eq!(p.severity, Severity::Info);
    let (a, _) = parse(&AddressInput {
        postal_code: "X5000ABC",
        ..AddressInput::default()
    });
    assert_eq!(a.province.as_deref(), Some("Córdoba"));
    assert_eq!(a.country, Some(Country::AR));
    // Five digits alone say nothing about the country.
    let (a, problems) = parse(&AddressInput {
        postal_code: "10001",
        ..AddressInput::default()
    });
    assert_eq!((a.country, a.province), (None, None));
    assert!(problems.is_empty());
}

#[test]
fn country_inference() {
    let infer = |province: &str, postal_code: &str| {
        let input = AddressInput {
            province,
            postal_code,
            ..AddressInput::default()
        };
        let country = parse(&input).0.country;
        // The shortcut a record takes agrees with the whole parse.
        assert_eq!(
            super::infer_country(&input),
            country,
            "{province} {postal_code}"
        );
        country
    };
    assert_eq!(infer("", "C1425ABC"), Some(Country::AR));
    assert_eq!(infer("Huesca", "22001"), Some(Country::ES));
    assert_eq!(infer("Córdoba", "14001"), Some(Country::ES));
    assert_eq!(infer("Córdoba", "5000"), Some(Country::AR));
    assert_eq!(infer("Córdoba", ""), None);
    assert_eq!(infer("wa", "6000"), Some(Country::AU));
    assert_eq!(infer("Mendoza", ""), Some(Country::AR));
    assert_eq!(infer("", ""), None);
    // The given country is never overridden.
    let (a, problems) = parse(&AddressInput {
        province: "Mendoza",
        country: Some(Country::ES),
        ..AddressInput::default()
    });
    assert_eq!(a.country, Some(Country::ES));
    assert_eq!(a.province.as_deref(), Some("Mendoza"));
    assert_eq!(codes(&problems), vec!["address.province_country_mismatch"]);
    assert_eq!(problems[0].suggestion.as_deref(), Some("Mendoza"));
}

#[test]
fn unknown_provinces_are_kept() {
    let (a, problems) = parse(&AddressInput {
        province: "Ciudad",
        country: Some(Country::ES),
        ..AddressInput::default()
    });
    assert_eq!(a.province.as_deref(), Some("Ciudad"));
    assert_eq!(codes(&problems), vec!["address.province_unknown"]);
    // Other countries' provinces are not checked.
    let (a, problems) = parse(&AddressInput {
        province: "Región Metropolitana",
        country: Some(Country::CL),
        ..AddressInput::default()
    });
    assert_eq!(a.province.as_deref(), Some("Región Metropolitana"));
    assert!(problems.is_empty());
}

fn febrl(
    number: &str,
    street: &str,
    extra: &str,
    suburb: &str,
    postcode: &str,
    state: &str,
) -> (Address, Vec<Problem>) {
    parse(&AddressInput {
        street,
        street_number: number,
        extra,
        locality: suburb,
        province: state,
        postal_code: postcode,
        country: None,
    })
}

#[test]
fn febrl_rows() {
    let (a, problems) = febrl(
        "6",
        "tullaroop street",
        "willaroo",
        "st james",
        "4011",
        "wa",
    );
    assert_eq!(a.street_type, Some(StreetType::Street));
    assert_eq!(a.street_name, "Tullaroop");
    assert_eq!(a.number.as_deref(), Some("6"));
    assert_eq!(a.extra.as_deref(), Some("willaroo"));
    assert_eq!(a.locality.as_deref(), Some("St James"));
    assert_eq!(a.province.as_deref(), Some("WA"));
    assert_eq!(a.postal_code.as_deref(), Some("4011"));
    assert_eq!(a.country, Some(Country::AU));
    assert_eq!(a.street_line(), "6 Tullaroop Street");
    assert_eq!(a.street_key(), "tullaroop 6");
    // 4011 is in Queensland: the synthetic data disagrees with itself.
    let p = problems
        .iter()
        .find(|p| p.code == "address.postal_code_province_mismatch")
        .unwrap();
    assert_eq!(p.suggestion.as_deref(), Some("QLD"));

    let (a, _) = febrl("", "maltby circuit", "coaling", "coolaroo", "3465", "nsw");
    assert_eq!(
        (a.street_type, a.street_name.as_str(), a.number.as_deref()),
        (Some(StreetType::Circuit), "Maltby", None)
    );
    let (a, _) = febrl(
        "48",
        "goldfinch circuit",
        "kooltuo",
        "canterbury",
        "2776",
        "vic",
    );
    assert_eq!(a.street_type, Some(StreetType::Circuit));
    let (a, _) = febrl("5", "evelyn owen crescent", "", "", "2615", "act");
    assert_eq!(
        (a.street_type, a.street_name.as_str()),
        (Some(StreetType::Crescent), "Evelyn Owen")
    );
    // Abbreviations.
    for (text, t) in [
        ("smith st", StreetType::Street),
        ("smith rd", StreetType::Road),
        ("smith ave", StreetType::Avenue),
        ("smith pl", StreetType::Place),
        ("smith cres", StreetType::Crescent),
        ("smith dr", StreetType::Drive),
        ("smith ct", StreetType::Court),
        ("smith cct", StreetType::Circuit),
        ("smith cl", StreetType::Close),
        ("smith pde", StreetType::Parade),
        ("smith tce", StreetType::Terrace),
        ("smith hwy", StreetType::Highway),
    ] {
        let (a, _) = febrl("1", text, "", "", "", "nsw");
        assert_eq!(
            (a.street_type, a.street_name.as_str()),
            (Some(t), "Smith"),
            "{text}"
        );
    }
    // No state: country inferred from an English street and four digits.
    let (a, _) = febrl("3", "giblin street", "", "bittern", "4814", "");
    assert_eq!(a.country, Some(Country::AU));
    assert_eq!(a.province.as_deref(), Some("QLD"));
}

#[test]
fn febrl_typos_splits_and_glued_types() {
    for (text, name, t) in [
        ("starke srteet", "Starke", StreetType::Street),
        ("sharwood orescent", "Sharwood", StreetType::Crescent),
        ("booth cre scent", "Booth", StreetType::Crescent),
        ("orion p lface", "Orion", StreetType::Place),
        ("macneilplace", "Macneil", StreetType::Place),
        ("tristaniastreet", "Tristania", StreetType::Street),
    ] {
        let (a, problems) = febrl("1", text, "", "", "", "act");
        assert_eq!(
            (a.street_type, a.street_name.as_str()),
            (Some(t), name),
            "{text}"
        );
        assert!(
            codes(&problems).contains(&"address.street_type_corrected"),
            "{text}"
        );
        assert_idempotent(&AddressInput {
            street: text,
            province: "act",
            ..AddressInput::default()
        });
    }
    // A word that is no street type stays in the name.
    let (a, _) = febrl("1", "warra creek", "", "", "", "act");
    assert_eq!(
        (a.street_type, a.street_name.as_str()),
        (None, "Warra Creek")
    );
}

#[test]
fn australian_units() {
    let a = street_in("5/12 smith st", Country::AU);
    assert_eq!(
        (
            a.unit.as_deref(),
            a.number.as_deref(),
            a.street_name.as_str()
        ),
        (Some("5"), Some("12"), "Smith")
    );
    assert_eq!(a.street_line(), "12 Smith Street, Unit 5");
    let a = street_in("Unit 5, 12 Smith Street", Country::AU);
    assert_eq!(
        (a.unit.as_deref(), a.number.as_deref()),
        (Some("5"), Some("12"))
    );
    let a = street_in("Level 2, 12 Smith Street", Country::AU);
    assert_eq!(a.floor.as_deref(), Some("2"));
    assert_eq!(a.street_line(), "12 Smith Street, Level 2");
}

#[test]
fn idempotent_on_examples() {
    for text in [
        "Avenida Valdez 1149, Piso 11 Dpto. B",
        "C/ Mayor, 5, 3º 2ª",
        "Calle Caro 2925, Piso 11 4º",
        "Ruta 40 Km 3,5",
        "R.N. 40 Km. 1250",
        "Bº Los Álamos, Mz. 3, Lote 12",
        "Calle s/n",
        "Calle, 5",
        "1234",
        "Piso 3",
        "25 de Mayo 1234",
        "Av. Corrientes 1234 entre Callao y Riobamba",
        "Calle Mayor 8, Bajo B",
        "Corrientes 1234 5B",
        "CALLE DE LA FUENTE 5",
        "Pasaje 7, 12",
        "Street 5",
        "6 tullaroop street",
        "macneilplace",
    ] {
        for country in [
            None,
            Some(Country::AR),
            Some(Country::ES),
            Some(Country::AU),
        ] {
            assert_idempotent(&AddressInput {
                street: text,
                extra: "Edificio Sol",
                locality: "mar del plata",
                country,
                ..AddressInput::default()
            });
        }
    }
}

/// Hostile strings: empty, control characters, emoji, other scripts,
/// separators only, huge numbers, keyword soup.
fn hostile() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        ",",
        ",,,;;;",
        "\u{0}\u{1}\u{7f}",
        "Calle\u{0}Mayor\t5\n3º",
        "🏠 Calle 🚀 5 🇦🇷",
        "улица Ленина 5",
        "東京都千代田区 1-1",
        "شارع 5",
        "Bº",
        "Bº Bº Bº Bº",
        "Piso",
        "Piso Piso Dpto Dpto",
        "s/n s/n s/n",
        "Km",
        "Km 99999999999999999999",
        "99999999999999999999999",
        "3º 2ª 1º 4º 5º 6º",
        "C/",
        "C/C/C/",
        "R.N.R.P.",
        "...",
        "º",
        "ªººª",
        "#",
        "# # #",
        "5/",
        "/5",
        "5//12",
        "e\u{301}\u{301}\u{301}",
        "Calle Mayor 5, 3º 2ª, Esc. A, Bloque 3, Portal 2, Torre 1, Mz. 4, Lote 5, Casa 6, Urb. El Soto",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("Calle Mayor 5, ".repeat(20_000));
    v.push("a".repeat(1 << 20));
    v.push("Bº x ".repeat(50_000));
    v.push("9".repeat(1 << 20));
    v
}

#[test]
fn hostile_input_never_panics() {
    let inputs = hostile();
    for s in &inputs {
        for country in [
            None,
            Some(Country::AR),
            Some(Country::ES),
            Some(Country::AU),
            Some(Country::US),
        ] {
            let input = AddressInput {
                street: s,
                street_number: s,
                extra: s,
                locality: s,
                province: s,
                postal_code: s,
                country,
            };
            let (a, _) = parse(&input);
            let _ = a.street_line();
            let _ = a.street_key();
            let _ = canonical_province(s, country);
            let _ = province_of_postal_code(s, country);
            if s.len() < 1000 {
                let street_only = AddressInput {
                    street: s,
                    country,
                    ..AddressInput::default()
                };
                assert_idempotent(&street_only);
            }
        }
    }
}

#[test]
fn large_input_is_fast_enough() {
    let big = "Calle Mayor 5, ".repeat(70_000);
    let started = std::time::Instant::now();
    let (a, _) = parse(&AddressInput {
        street: &big,
        ..AddressInput::default()
    });
    assert_eq!(a.street_name, "Mayor");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

const TYPES: &[&str] = &[
    "Avenida",
    "Av.",
    "Avda.",
    "Calle",
    "C/",
    "Cl.",
    "Pasaje",
    "Pje.",
    "Boulevard",
    "Bv.",
    "Plaza",
    "Pza.",
    "Paseo",
    "Pº",
    "Camino",
    "Ctra.",
    "Ruta",
    "Ronda",
    "Rda.",
    "Trav.",
    "Diag.",
    "",
];
const NAMES: &[&str] = &[
    "Valdez",
    "RAMIREZ",
    "san martín",
    "de la Fuente",
    "25 de Mayo",
    "Gral. Paz",
    "Nuñez",
    "O'Higgins",
    "Marí",
    "Torre del Oro",
    "7",
];
const TAILS: &[&str] = &[
    "",
    ", Piso 11 Dpto. B",
    ", Piso 1 3º",
    " 3º 2ª",
    " 5º B",
    ", PB",
    ", Esc. A, 2º Izq.",
    " Km 3,5",
    ", Bº Centro, Mz. 3, Lote 12",
    " entre Callao y Riobamba",
];
const PROVINCES: &[&str] = &[
    "",
    "CABA",
    "Capital Federal",
    "Bs. As.",
    "Cba.",
    "Córdoba",
    "Sta. Fe",
    "Huesca",
    "La Coruña",
    "Vizcaya",
    "nsw",
    "Ciudad",
    "Atlantis",
];
const POSTCODES: &[&str] = &[
    "", "C1425ABC", "s4621yqx", "02102", "8001", "1425", "4011", "99999", "zzz",
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 4_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_addresses_are_idempotent(
        t in prop::sample::select(TYPES),
        name in prop::sample::select(NAMES),
        number in prop::option::of(1u32..20_000),
        sn in any::<bool>(),
        tail in prop::sample::select(TAILS),
        province in prop::sample::select(PROVINCES),
        postal_code in prop::sample::select(POSTCODES),
        country in prop::sample::select(vec![None, Some(Country::AR), Some(Country::ES), Some(Country::AU)]),
    ) {
        let number = match (number, sn) {
            (Some(n), _) => format!(" {n}"),
            (None, true) => " s/n".to_string(),
            (None, false) => String::new(),
        };
        let text = format!("{t} {name}{number}{tail}");
        let input = AddressInput { street: &text, province, postal_code, country, ..AddressInput::default() };
        let (first, problems) = parse(&input);
        let inferred = super::infer_country(&AddressInput { country: None, ..input });
        prop_assert_eq!(inferred, parse(&AddressInput { country: None, ..input }).0.country);
        let (second, again) = reparse(&first);
        prop_assert_eq!(&first, &second, "{:?} -> {:?}", text, first.street_line());
        for p in &again {
            prop_assert!(problems.iter().any(|q| q.code == p.code), "new problem {} for {:?}", p, text);
        }
        prop_assert!(problems.iter().all(|p| p.severity != Severity::Error));
    }

    #[test]
    fn arbitrary_text_never_panics_and_settles(
        street in ".{0,60}",
        number in ".{0,8}",
        province in ".{0,20}",
        postal_code in ".{0,10}",
        country in prop::sample::select(vec![None, Some(Country::AR), Some(Country::ES), Some(Country::AU)]),
    ) {
        let input = AddressInput { street: &street, street_number: &number, province: &province, postal_code: &postal_code, country, ..AddressInput::default() };
        let (first, _) = parse(&input);
        let (second, _) = reparse(&first);
        prop_assert_eq!(&first, &second, "{:?} -> {:?}", street, first.street_line());
    }

    #[test]
    fn wordy_text_settles(
        words in prop::collection::vec(prop::sample::select(vec![
            "Calle", "Av.", "Bº", "Piso", "Dpto.", "Mz.", "Lote", "Casa", "s/n", "Km", "Nº", "3º", "2ª",
            "5", "12A", "B", "izq", ",", "de", "la", "Mayor", "bis", "sin", "número", "PB", "planta",
            "baja", "street", "st", "smith", "5/12", "Unit", "Level", "R.N.", "Ruta", "nacional", "1er",
            "piso", "entre", "y", "Esc.", "Torre", "Urb.", "Bajo", "Principal",
        ]), 0..12),
        country in prop::sample::select(vec![None, Some(Country::AR), Some(Country::ES), Some(Country::AU)]),
    ) {
        let street = words.join(" ");
        let input = AddressInput { street: &street, country, ..AddressInput::default() };
        let (first, _) = parse(&input);
        let (second, _) = reparse(&first);
        prop_assert_eq!(&first, &second, "{:?} -> {:?}", street, first.street_line());
    }
}

/// The character-by-character definition [`is_tidy`] answers on bytes.
fn tidy_by_chars(text: &str) -> bool {
    let mut after_space = true;
    for c in text.chars() {
        match c {
            '!'..='~' => after_space = false,
            ' ' if !after_space => after_space = true,
            '\u{80}'..='\u{2ff}' if !c.is_whitespace() && !c.is_control() => after_space = false,
            _ => return false,
        }
    }
    !after_space
}

#[test]
fn is_tidy_agrees_with_the_definition() {
    let texts = [
        "",
        " ",
        "a",
        "a ",
        " a",
        "a b",
        "a  b",
        "Avenida Valdez 1149, Piso 11",
        "Avenida Valdez 1149,  Piso 11",
        "Avenida Valdez  1149, Piso 11",
        "12345678 9",
        "1234567  9",
        "12345678  ",
        "1234567 ",
        "Córdoba",
        "Neuquén 1234 Río Negro",
        "a\u{a0}b",
        "a\u{85}b",
        "a\u{a1}b",
        "ǿ x ˿",
        "e\u{301}",
        "a\tb",
        "a\u{7f}b",
        "abcdefgh\u{1}",
        "abcdefg\u{80}h",
        "abcdefg",
        "abcdef g",
        "abcdefg h",
        "abcdefg  h",
        "abcdefgh ij",
        "abcdefg  hijklmn",
        "abcdefghijklmno p",
        "abcdefghijklmn  p",
        "abcdefghijklmnop",
        "abcdefghijklmnop ",
        "a b c d e f g h i j k",
        "a b c d e f g h i j  k",
        "Córdoba Capital 1234",
        "1234567 Córdoba",
    ];
    for text in texts {
        assert_eq!(super::is_tidy(text), tidy_by_chars(text), "{text:?}");
    }
}

proptest! {
    #[test]
    fn is_tidy_agrees_on_any_text(text in "[ a-zA-Z0-9,.\\u{80}-\\u{300}\\t\\u{0}-\\u{1f}]{0,40}|.{0,40}") {
        prop_assert_eq!(super::is_tidy(&text), tidy_by_chars(&text), "{:?}", text);
    }
}
