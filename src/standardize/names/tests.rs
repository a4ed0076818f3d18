use super::company::form_suffix;
use super::split::{as_typed, push_word, within_one_edit};
use super::*;
use crate::standardize::text::ShortText;
use crate::standardize::Severity;
use proptest::prelude::*;

fn person(g: &str, s: &str) -> PersonName {
    parse_person(g, s).unwrap().0
}

fn codes(problems: &[Problem]) -> Vec<&'static str> {
    problems.iter().map(|p| p.code).collect()
}

#[test]
fn plain_tokens_agree_with_the_general_path() {
    let mut words: Vec<String> = [
        "García",
        "Muñoz",
        "JOSÉ",
        "José",
        "María",
        "Ñandú",
        "Álvarez",
        "ÁNGEL",
        "Ángel",
        "de",
        "Dé",
        "Á",
        "á",
        "Fco",
        "fco",
        "Güemes",
        "Sánchez",
        "Peña",
        "Ruíz",
        "Martínez",
        "Yáñez",
        "Çelik",
        "Zoë",
        "Ýves",
        "ÿ",
        "y",
        "Y",
        "maría",
        "mARÍA",
        "DiMaría",
        "McDonald",
        "LÓPEZ",
        "lópez",
        "Abcdefghijklmnopqrstuvwxyz",
        "Ábcdefghijklmnopqr",
    ]
    .map(String::from)
    .to_vec();
    for table in [given_names::GIVEN_NAMES, surnames::SURNAMES] {
        for w in table {
            words.push(w.to_string());
            let mut chars = w.chars();
            let capital: String = chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
                .collect();
            words.push(capital);
            words.push(w.to_uppercase());
        }
    }
    for (_, canonical, _) in TITLES {
        words.push(canonical.trim_end_matches('.').to_string());
    }
    for w in &words {
        let mut fast = TokBuf::default();
        assert!(push_plain_tokens(w, &mut fast), "{w}");
        let cleaned = clean(w).unwrap();
        let mut general = TokBuf::default();
        push_tokens(&cleaned, &mut general);
        assert_eq!(fast.len(), 1, "{w}");
        // Only the marks of the quick path may differ.
        let (mut tok, mut other) = (fast[0], general[0]);
        (tok.latin, other.latin) = (false, false);
        (tok.title_case, other.title_case) = (false, false);
        assert_eq!(format!("{tok:?}"), format!("{other:?}"), "{w}");
        let mut shown = ShortText::new();
        push_word(&fast[0], &mut shown);
        if let Some(typed) = as_typed(&fast[0]) {
            assert_eq!(typed, shown.as_str(), "{w}");
        }
    }
    let texts = [
        "García Márquez",
        "Ana",
        "",
        " Ana",
        "Ana ",
        "Ana  María",
        "Æon",
        "Jo-Ann",
        "ā",
        "a\u{301}",
        "Müller €",
    ];
    for text in texts {
        let mut fast = TokBuf::default();
        let plain = push_plain_tokens(text, &mut fast);
        let general = clean(text).map(|c| {
            let mut toks = TokBuf::default();
            push_tokens(&c, &mut toks);
            toks.iter()
                .map(|t| {
                    let mut t = *t;
                    (t.latin, t.title_case) = (false, false);
                    format!("{t:?}")
                })
                .collect::<Vec<_>>()
        });
        if plain {
            let fast: Vec<String> = fast
                .iter()
                .map(|t| {
                    let mut t = *t;
                    (t.latin, t.title_case) = (false, false);
                    format!("{t:?}")
                })
                .collect();
            assert_eq!(Ok(fast), general.map_err(|_| ()), "{text:?}");
        } else {
            assert!(fast.is_empty(), "{text:?}");
        }
    }
}

proptest! {
    #[test]
    fn the_plain_path_agrees_with_the_general_one(
        given in "[A-Za-zÀ-ÿ]{1,8}( [A-Za-zÀ-ÿ]{1,8}){0,2}",
        surname in "[A-Za-zÀ-ÿ]{0,8}( [A-Za-zÀ-ÿ]{1,8}){0,2}",
    ) {
        prop_assert_eq!(parse_person(&given, &surname), parse_person_cleaned(&given, &surname));
    }
}

#[test]
fn tables_are_sorted_and_folded() {
    for table in [given_names::GIVEN_NAMES, surnames::SURNAMES] {
        assert!(table.windows(2).all(|w| w[0] < w[1]), "not sorted");
        assert!(table.iter().all(|w| fold(w) == *w && !w.contains(' ')));
    }
    assert!(given_names::GIVEN_NAMES.len() >= 500);
    assert!(nicknames::NICKNAMES.windows(2).all(|w| w[0].0 < w[1].0));
    for (nick, names) in nicknames::NICKNAMES {
        assert_eq!(fold(nick), *nick);
        assert!(
            !in_table(given_names::GIVEN_NAMES, nick),
            "{nick} is a nickname and a name"
        );
        for name in *names {
            assert_eq!(fold(name), *name);
            for part in name.split(' ') {
                assert!(in_table(given_names::GIVEN_NAMES, part), "{part} missing");
            }
        }
    }
    assert!(TITLES.windows(2).all(|w| w[0].0 < w[1].0));
    // Every word is in the lexicon under its packed key.
    let words = given_names::GIVEN_NAMES
        .iter()
        .chain(surnames::SURNAMES)
        .chain(nicknames::NICKNAMES.iter().map(|(nick, _)| nick))
        .chain(TITLES.iter().map(|(key, _, _)| key));
    for word in words {
        let e = lexicon(word.as_bytes());
        assert!(
            e.given || e.surname || e.nickname.is_some() || e.title.is_some(),
            "{word}"
        );
    }
}

#[test]
fn every_nickname_of_names_md() {
    let table: &[(&str, &[&str])] = &[
        ("pepe", &["jose"]),
        ("pepa", &["josefa"]),
        ("paco", &["francisco"]),
        ("pancho", &["francisco"]),
        ("curro", &["francisco"]),
        ("nacho", &["ignacio"]),
        ("lola", &["dolores"]),
        ("quique", &["enrique"]),
        ("guille", &["guillermo"]),
        ("ale", &["alejandro", "alejandra"]),
        ("beto", &["roberto", "alberto"]),
        ("chucho", &["jesus"]),
        ("chuy", &["jesus"]),
        ("concha", &["concepcion"]),
        ("conchita", &["concepcion"]),
        ("manolo", &["manuel"]),
        ("manu", &["manuel"]),
        ("charo", &["rosario"]),
        ("meche", &["mercedes"]),
        ("tono", &["antonio"]),
        ("toni", &["antonio"]),
        ("lalo", &["eduardo"]),
        ("nando", &["fernando"]),
        ("moncho", &["ramon"]),
        ("santi", &["santiago"]),
        ("fede", &["federico"]),
        ("nico", &["nicolas"]),
        ("seba", &["sebastian"]),
        ("tomi", &["tomas"]),
        ("rafa", &["rafael"]),
        ("juanjo", &["juan jose"]),
        ("chema", &["jose maria"]),
        ("maite", &["maria teresa"]),
        ("marisa", &["maria luisa"]),
        ("mari", &["maria"]),
        ("maru", &["maria"]),
        ("lupe", &["guadalupe"]),
        ("chelo", &["consuelo"]),
        ("pili", &["pilar"]),
        ("fito", &["adolfo", "rodolfo"]),
        ("gonza", &["gonzalo"]),
        ("lucho", &["luis"]),
        ("tere", &["teresa"]),
        ("cata", &["catalina"]),
        ("flor", &["florencia"]),
        ("vicky", &["victoria"]),
        ("mercho", &["mercedes"]),
    ];
    for (nick, names) in table {
        assert_eq!(nickname_of(nick), Some(*names), "{nick}");
    }
    assert_eq!(nickname_of("rocio"), None);
    assert_eq!(nickname_of(""), None);
    assert_eq!(nickname_of("Pepe"), None, "keys are folded");
}

proptest::proptest! {
    #[test]
    fn one_edit_is_an_edit_distance_of_one(a in "[abc]{0,6}", b in "[abc]{0,6}") {
        proptest::prop_assert_eq!(
            super::one_edit(a.as_bytes(), b.as_bytes()),
            strsim::osa_distance(&a, &b) == 1
        );
    }
}

#[test]
fn placeholders_are_sorted() {
    assert!(PLACEHOLDERS.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn canonical_keys_resolve_nicknames() {
    assert_eq!(person("Pepe", "Pérez").given_canonical_keys(), ["jose"]);
    assert_eq!(person("TOÑO", "Pérez").given_canonical_keys(), ["antonio"]);
    assert_eq!(
        person("Ale", "Sosa").given_canonical_keys(),
        ["alejandro", "alejandra"]
    );
    assert_eq!(
        person("Fito", "Páez").given_canonical_keys(),
        ["adolfo", "rodolfo"]
    );
    assert_eq!(
        person("Juanjo", "Sosa").given_canonical_keys(),
        ["juan jose"]
    );
    assert_eq!(
        person("Juan José", "Sosa").given_canonical_keys(),
        person("Juanjo", "Sosa").given_canonical_keys()
    );
    assert_eq!(
        person("Chema", "Sosa").given_canonical_keys(),
        ["jose maria"]
    );
    assert_eq!(person("Rocío", "Sosa").given_canonical_keys(), ["rocio"]);
    assert_eq!(
        person("Mari Carmen", "Sosa").given_canonical_keys(),
        person("María del Carmen", "Sosa").given_canonical_keys()
    );
    assert_eq!(
        person("Mª José", "Sosa").given_canonical_keys(),
        ["maria jose"]
    );
    assert!(person("", "Sosa").given_canonical_keys().is_empty());
    // Many ambiguous words: capped, no duplicates.
    let keys = person("Ale Beto Fito Ale", "Sosa").given_canonical_keys();
    assert_eq!(keys.len(), MAX_CANONICAL);
    assert_eq!(keys[0], "alejandro roberto adolfo alejandro");
}

#[test]
fn accents_kept_in_display_folded_in_keys() {
    let p = person("  maría   JOSÉ ", "MUÑOZ  güemes");
    assert_eq!(p.given, "María José");
    assert_eq!(p.surnames[..], ["Muñoz", "Güemes"]);
    assert_eq!(p.given_key(), "maria jose");
    assert_eq!(p.surname_keys(), ["munoz", "guemes"]);
    // Decomposed input is composed.
    let q = person("Jose\u{301}", "Mun\u{303}oz");
    assert_eq!(q.given, "José");
    assert_eq!(q.surnames[..], ["Muñoz"]);
    assert_eq!(q.display(), "José Muñoz");
}

#[test]
fn titles_are_removed() {
    for (input, title) in [
        ("Sr. José", "Sr."),
        ("sra josé", "Sra."),
        ("SRTA. José", "Srta."),
        ("Dr José", "Dr."),
        ("dra. José", "Dra."),
        ("LIC. José", "Lic."),
        ("Ing José", "Ing."),
        ("arq. José", "Arq."),
        ("Prof. José", "Prof."),
        ("CR. José", "Cr."),
        ("Doctor José", "Dr."),
        ("Don José", "D."),
    ] {
        let (p, problems) = parse_person(input, "García").unwrap();
        assert_eq!(p.given, "José", "{input}");
        assert_eq!(p.title.as_deref(), Some(title), "{input}");
        assert_eq!(codes(&problems), ["name.title_removed"], "{input}");
        assert_eq!(problems[0].severity, Severity::Info);
    }
    let (p, problems) = parse_person("Sr. Dr. José", "García").unwrap();
    assert_eq!(
        (p.given.as_str(), p.title.as_deref()),
        ("José", Some("Sr."))
    );
    assert_eq!(problems.len(), 2);
    // A title alone in the given field leaves only the surname.
    let (p, _) = parse_person("Dr.", "García").unwrap();
    assert_eq!((p.given.as_str(), p.display().as_str()), ("", "García"));
    // A whole word, or an abbreviation without its dot, needs a name after it:
    // `Dra` alone may be Dora mistyped.
    assert_eq!(person("Don", "García").given, "Don");
    assert_eq!(person("Dra", "Cruz Calderón").given, "Dra");
    assert_eq!(person("SRA", "Cabrera").given, "Sra");
    assert_eq!(parse_person("Dr.", "").unwrap_err().code, "name.empty");
    // Titles inside the name are names.
    assert_eq!(person("José", "Doctor").surnames[..], ["Doctor"]);
}

#[test]
fn particles_stay_with_their_surname() {
    let p = person("maría josé", "DE LA FUENTE GARCÍA");
    assert_eq!(p.surnames[..], ["de la Fuente", "García"]);
    assert_eq!(p.surname_keys(), ["fuente", "garcia"]);
    assert_eq!(p.display(), "María José de la Fuente García");

    let p = person("Lucía", "del valle");
    assert_eq!(p.surnames[..], ["del Valle"]);
    assert_eq!(p.surname_keys(), ["valle"]);

    let p = person("José", "SAN MARTÍN");
    assert_eq!(p.surnames[..], ["San Martín"]);
    assert_eq!(p.surname_keys(), ["sanmartin"]);
    assert_eq!(person("José", "Sanmartín").surname_keys(), ["sanmartin"]);

    let p = person("José", "Ortega y Gasset");
    assert_eq!(p.surnames[..], ["Ortega", "y Gasset"]);
    assert_eq!(p.surname_keys(), ["ortega", "gasset"]);
    assert_eq!(p.display(), "José Ortega y Gasset");

    let p = person("Ana", "de los Ríos de las Heras");
    assert_eq!(p.surnames[..], ["de los Ríos", "de las Heras"]);
    assert_eq!(p.surname_keys(), ["rios", "heras"]);

    let p = person("Ana", "Las Heras");
    assert_eq!(p.surnames[..], ["Las Heras"]);
    assert_eq!(p.surname_keys(), ["lasheras"]);

    let p = person("Ángel", "di maría");
    assert_eq!(p.surnames[..], ["Di María"]);
    assert_eq!(person("Ángel", "DiMaría").surnames[..], ["DiMaría"]);
    assert_eq!(p.surname_keys(), person("Ángel", "DiMaría").surname_keys());

    let p = person("Arantxa", "Sánchez - Vicario");
    assert_eq!(p.surnames[..], ["Sánchez-Vicario"]);
    assert_eq!(p.surname_keys(), ["sanchez", "vicario"]);

    let p = person("Josep", "Puig i Cadafalch");
    assert_eq!(p.surnames[..], ["Puig", "i Cadafalch"]);
    assert_eq!(p.surname_keys(), ["puig", "cadafalch"]);

    // A particle left at the end stays with the surname before it.
    let p = person("José", "García de");
    assert_eq!(p.surnames[..], ["García de"]);
    assert_eq!(p.surname_keys(), ["garcia"]);
    // Only particles: still one key.
    assert_eq!(person("José", "de la").surname_keys(), ["dela"]);

    // Given names keep their particles in display and drop them in keys.
    let p = person("MARÍA DE LOS ÁNGELES", "López");
    assert_eq!(p.given, "María de los Ángeles");
    assert_eq!(p.given_key(), "maria de los angeles");
    assert_eq!(p.given_canonical_keys(), ["maria angeles"]);
}

#[test]
fn apostrophes_hyphens_initials_and_case() {
    let p = person("j.l.", "o’brien");
    assert_eq!(p.given, "J. L.");
    assert_eq!(p.surnames[..], ["O'Brien"]);
    assert_eq!(p.surname_keys(), ["obrien"]);
    assert_eq!(person("juan j", "D´Angelo").display(), "Juan J. D'Angelo");
    assert_eq!(
        person("maría-josé", "McDonald").display(),
        "María-José McDonald"
    );
    assert_eq!(
        person("MARIA-JOSE", "MCDONALD").display(),
        "Maria-Jose Mcdonald"
    );
    assert_eq!(person("Mª Luisa", "Pérez").given, "María Luisa");
    assert_eq!(person("M.ª Luisa", "Pérez").given, "María Luisa");
    assert_eq!(person("Ma. Luisa", "Pérez").given, "María Luisa");
    assert_eq!(person("Fco. Javier", "Pérez").given, "Francisco Javier");
    assert_eq!(person("Ma", "Pérez").given, "Ma");
    let (_, problems) = parse_person("Mª Luisa", "Pérez").unwrap();
    assert_eq!(codes(&problems), ["name.abbreviation_expanded"]);
    assert_eq!(person("García.", "López").given, "García");
    // Other scripts are letters.
    assert_eq!(person("李", "王").display(), "李 王");
    assert_eq!(person("ßa", "İstanbul").display(), "ßa İstanbul");
}

#[test]
fn invalid_characters_and_limits() {
    for bad in [
        "Juan2",
        "Juan!",
        "Ana@",
        "Jo\u{0}sé",
        "😀",
        "Ana & Luis",
        "A_B",
        "Ana, Luis",
    ] {
        let err = parse_person(bad, "García").unwrap_err();
        assert_eq!(err.code, "name.invalid_characters", "{bad:?}");
        assert_eq!(err.severity, Severity::Error);
    }
    assert_eq!(parse_person("", "").unwrap_err().code, "name.empty");
    assert_eq!(parse_person(" - ", " . ' ").unwrap_err().code, "name.empty");
    let long = "a".repeat(101);
    assert_eq!(parse_person(&long, "").unwrap_err().code, "name.too_long");
    assert!(parse_person(&"á".repeat(100), "").is_ok());
    assert_eq!(
        parse_full_name(&"a ".repeat(101)).unwrap_err().code,
        "name.too_long"
    );
    // Tabs and new lines are spaces.
    assert_eq!(
        person("José\tLuis", "García\n").display(),
        "José Luis García"
    );
}

#[test]
fn swapped_fields() {
    let (p, problems) = parse_person("García Márquez", "José Luis").unwrap();
    assert_eq!(p.given, "José Luis");
    assert_eq!(p.surnames[..], ["García", "Márquez"]);
    assert_eq!(codes(&problems), ["name.swapped"]);
    let (p, problems) = parse_person("FERNANDEZ", "ANA").unwrap();
    assert_eq!(p.display(), "Ana Fernandez");
    assert_eq!(codes(&problems), ["name.swapped"]);
    let (p, _) = parse_person("de la Fuente", "María del Carmen").unwrap();
    assert_eq!(p.display(), "María del Carmen de la Fuente");
    // Not swapped: a given name in the given field, an ambiguous surname field,
    // or nothing that says "surname" in the given field.
    for (g, s) in [
        ("Martín", "García"),
        ("García", "Martín"),
        ("Custodio", "Ramón"),
        ("Gervaso", "José"),
        ("García", "J."),
    ] {
        let (p, problems) = parse_person(g, s).unwrap();
        assert!(problems.is_empty(), "{g} / {s}");
        assert_eq!(fold(&p.given), fold(g));
    }
    // A mistyped given name is not a surname; an unknown word far from any
    // given name is.
    assert!(parse_person("Gervaso", "Juan").unwrap().1.is_empty());
    assert!(parse_person("Hoarcio", "Gonzalo").unwrap().1.is_empty());
    assert_eq!(person("Olivera", "Francisco").given, "Francisco");
    assert_eq!(person("Aroca Prat", "Ana").display(), "Ana Aroca Prat");
    // The output does not swap back.
    let (p, _) = parse_person("García", "José").unwrap();
    let (q, problems) = parse_person(&p.given, &p.surnames.join(" ")).unwrap();
    assert_eq!(p, q);
    assert!(problems.is_empty());
}

#[test]
fn one_edit() {
    for (a, b) in [
        ("gervasio", "gervaso"),
        ("horacio", "hoarcio"),
        ("lara", "laara"),
        ("ana", "ana"),
        ("ana", "ena"),
        ("", "a"),
    ] {
        assert!(within_one_edit(a.as_bytes(), b.as_bytes()), "{a} {b}");
        assert!(within_one_edit(b.as_bytes(), a.as_bytes()), "{b} {a}");
    }
    for (a, b) in [
        ("olivera", "oliva"),
        ("ana", "nna a"),
        ("abc", "cab"),
        ("", "ab"),
    ] {
        assert!(!within_one_edit(a.as_bytes(), b.as_bytes()), "{a} {b}");
    }
}

#[test]
fn lone_field_is_split_when_clear() {
    let (p, problems) = parse_person("Juan Pablo Cruz", "").unwrap();
    assert_eq!(
        (p.given.as_str(), p.surnames.as_slice()),
        ("Juan Pablo", &[CompactString::const_new("Cruz")][..])
    );
    assert_eq!(codes(&problems), ["name.split"]);
    let (p, _) = parse_person("", "José García López").unwrap();
    assert_eq!(p.given, "José");
    assert_eq!(p.surnames[..], ["García", "López"]);
    let (p, _) = parse_person("", "GARCIA LOPEZ JOSE").unwrap();
    assert_eq!(p.display(), "Jose Garcia Lopez");
    // Not split: all given names, only surnames, or an ambiguous start.
    for (g, s) in [
        ("María José", ""),
        ("", "García López"),
        ("", "Martín García"),
        ("José", ""),
    ] {
        let (p, problems) = parse_person(g, s).unwrap();
        assert!(problems.is_empty(), "{g} / {s}");
        assert_eq!(p.given.is_empty(), g.is_empty());
    }
}

#[test]
fn full_names_both_orders() {
    let (p, problems) = parse_full_name("Sr. José Luis García Márquez").unwrap();
    assert_eq!(p.given, "José Luis");
    assert_eq!(p.surnames[..], ["García", "Márquez"]);
    assert_eq!(p.title.as_deref(), Some("Sr."));
    assert_eq!(codes(&problems), ["name.title_removed"]);

    let (p, problems) = parse_full_name("GARCIA MARQUEZ, JOSE LUIS").unwrap();
    assert_eq!(p.display(), "Jose Luis Garcia Marquez");
    assert!(problems.is_empty());
    let (p, _) = parse_full_name("AROCA PRAT ANA").unwrap();
    assert_eq!(p.display(), "Ana Aroca Prat");
    let (p, _) = parse_full_name("Gervaso Juan").unwrap();
    assert_eq!(
        (p.given.as_str(), p.surnames.join(" ")),
        ("Gervaso", "Juan".into())
    );
    let (p, _) = parse_full_name("García, Dra. María").unwrap();
    assert_eq!(
        (p.display().as_str(), p.title.as_deref()),
        ("María García", Some("Dra."))
    );

    let (p, problems) = parse_full_name("GARCIA MARQUEZ JOSE LUIS").unwrap();
    assert_eq!(p.display(), "Jose Luis Garcia Marquez");
    assert_eq!(codes(&problems), ["name.swapped"]);

    let cases = [
        (
            "María del Carmen Rodríguez",
            "María del Carmen",
            "Rodríguez",
        ),
        ("María de la Fuente", "María", "de la Fuente"),
        ("José Ortega y Gasset", "José", "Ortega y Gasset"),
        ("Juan Martín García", "Juan Martín", "García"),
        ("Pedro Martín García", "Pedro", "Martín García"),
        ("María Paz Luna", "María Paz", "Luna"),
        ("Mia Jazmín Medina Quiroga", "Mia Jazmín", "Medina Quiroga"),
        ("Xqz Wyk Medina Quiroga", "Xqz Wyk", "Medina Quiroga"),
        ("Ana López", "Ana", "López"),
        ("J. L. Borges", "J. L.", "Borges"),
        ("José Luis", "José", "Luis"),
        ("Pepe", "Pepe", ""),
        ("González", "", "González"),
        ("José García,", "José", "García"),
        (", José", "José", ""),
    ];
    for (full, given, surnames) in cases {
        let (p, _) = parse_full_name(full).unwrap();
        assert_eq!(p.given, given, "{full}");
        assert_eq!(p.surnames.join(" "), surnames, "{full}");
    }
    assert_eq!(
        parse_full_name("García, José, Luis").unwrap_err().code,
        "name.invalid_characters"
    );
    assert_eq!(parse_full_name(" , ").unwrap_err().code, "name.empty");
    assert_eq!(parse_full_name("Dr.").unwrap_err().code, "name.empty");
}

#[test]
fn companies_every_legal_form_spelling() {
    let cases: &[(&str, LegalForm)] = &[
        ("Acme S.A.", LegalForm::SA),
        ("Acme SA", LegalForm::SA),
        ("Acme S. A.", LegalForm::SA),
        ("Acme s.a", LegalForm::SA),
        ("Acme, S.A.", LegalForm::SA),
        ("Acme Sociedad Anónima", LegalForm::SA),
        ("ACME SOCIEDAD ANONIMA", LegalForm::SA),
        ("Acme S/A", LegalForm::SA),
        ("Acme S.R.L.", LegalForm::SRL),
        ("Acme SRL", LegalForm::SRL),
        ("Acme S. R. L.", LegalForm::SRL),
        ("Acme S.R.L", LegalForm::SRL),
        ("Acme srl", LegalForm::SRL),
        ("Acme S. de R.L.", LegalForm::SRL),
        ("Acme Sociedad de Responsabilidad Limitada", LegalForm::SRL),
        ("Acme S.A.S.", LegalForm::SAS),
        ("Acme SAS", LegalForm::SAS),
        ("Acme Sociedad por Acciones Simplificada", LegalForm::SAS),
        ("Acme S.C.A.", LegalForm::SCA),
        ("Acme SCA", LegalForm::SCA),
        ("Acme Sociedad en Comandita por Acciones", LegalForm::SCA),
        ("Acme S.H.", LegalForm::SH),
        ("Acme SH", LegalForm::SH),
        ("Acme S. de H.", LegalForm::SH),
        ("Acme Sociedad de Hecho", LegalForm::SH),
        ("Acme Coop. Ltda.", LegalForm::CoopLtda),
        ("Acme Coop Ltda", LegalForm::CoopLtda),
        ("Acme Cooperativa Limitada", LegalForm::CoopLtda),
        ("Cooperativa Eléctrica de Zárate Ltda.", LegalForm::CoopLtda),
        ("Cooperativa de Trabajo Limitada", LegalForm::CoopLtda),
        ("Acme S.L.", LegalForm::SL),
        ("Acme SL", LegalForm::SL),
        ("Acme Sociedad Limitada", LegalForm::SL),
        ("Acme S.L.U.", LegalForm::SLU),
        ("Acme SLU", LegalForm::SLU),
        ("Acme S.L. Unipersonal", LegalForm::SLU),
        ("Acme Sociedad Limitada Unipersonal", LegalForm::SLU),
        ("Acme S.A.U.", LegalForm::SAU),
        ("Acme SAU", LegalForm::SAU),
        ("Acme Sociedad Anónima Unipersonal", LegalForm::SAU),
        ("Acme S.Coop.", LegalForm::SCoop),
        ("Acme S. Coop.", LegalForm::SCoop),
        ("Acme SCOOP", LegalForm::SCoop),
        ("Acme Sociedad Cooperativa", LegalForm::SCoop),
        ("Acme S.C.", LegalForm::SC),
        ("Acme SC", LegalForm::SC),
        ("Acme Sociedad Civil", LegalForm::SC),
        ("Acme Inc.", LegalForm::Inc),
        ("Acme, Inc", LegalForm::Inc),
        ("Acme Incorporated", LegalForm::Inc),
        ("Acme LLC", LegalForm::LLC),
        ("Acme L.L.C.", LegalForm::LLC),
        ("Acme Limited Liability Company", LegalForm::LLC),
        ("Acme Ltd.", LegalForm::Ltd),
        ("Acme Ltd", LegalForm::Ltd),
        ("Acme Limited", LegalForm::Ltd),
        ("Acme GmbH", LegalForm::GmbH),
        ("Acme GMBH", LegalForm::GmbH),
        ("Acme G.m.b.H.", LegalForm::GmbH),
    ];
    for (text, form) in cases {
        let (c, problems) = parse_company(text).unwrap();
        assert_eq!(c.legal_form, Some(*form), "{text}");
        let display = c.display();
        let canonical = text.ends_with(&format!(" {}", form_suffix(&c.name, *form)));
        assert_eq!(problems.is_empty(), canonical, "{text}: {problems:?}");
        if !canonical {
            assert_eq!(problems[0].code, "company.legal_form_normalized");
            assert_eq!(problems[0].suggestion.as_deref(), Some(display.as_str()));
        }
        let (again, problems) = parse_company(&display).unwrap();
        assert_eq!(again, c, "{text}");
        assert!(problems.is_empty());
        if !text.starts_with("Coop") {
            assert_eq!(c.key(), "acme", "{text}");
        }
    }
    let (c, _) = parse_company("Cooperativa Eléctrica de Zárate Ltda.").unwrap();
    assert_eq!(c.name, "Cooperativa Eléctrica de Zárate");
    assert_eq!(c.display(), "Cooperativa Eléctrica de Zárate Ltda.");
    assert_eq!(c.key(), "cooperativa electrica zarate");
    assert_eq!(LegalForm::CoopLtda.to_string(), "Coop. Ltda.");
}

#[test]
fn companies_other_cases() {
    let (c, problems) = parse_company("YPF").unwrap();
    assert_eq!((c.name.as_str(), c.legal_form), ("YPF", None));
    assert!(problems.is_empty());
    assert_eq!(
        parse_company("Pérez & Hnos. S.A.").unwrap().0.key(),
        "perez hermanos"
    );
    assert_eq!(
        parse_company("Pérez y Hermanos SA").unwrap().0.key(),
        parse_company("PEREZ & HNOS. S.A.").unwrap().0.key()
    );
    assert_eq!(parse_company("Acme SA SA").unwrap().0.name, "Acme SA");
    assert_eq!(parse_company("Acme,S.A.").unwrap().0.display(), "Acme S.A.");
    assert_eq!(
        parse_company("El Corte Inglés, S.A.").unwrap().0.key(),
        "corte ingles"
    );
    assert_eq!(parse_company("").unwrap_err().code, "company.empty");
    assert_eq!(parse_company("  S.A. ").unwrap_err().code, "company.empty");
    assert_eq!(
        parse_company("- , S.R.L.").unwrap_err().code,
        "company.empty"
    );
    assert_eq!(
        parse_company("Ac\u{7}me").unwrap_err().code,
        "company.invalid_characters"
    );
    assert_eq!(
        parse_company(&"x".repeat(201)).unwrap_err().code,
        "company.too_long"
    );
    // Digits and symbols are fine in a company name.
    assert_eq!(
        parse_company("3M Argentina S.A.C.I.F.I.A.")
            .unwrap()
            .0
            .legal_form,
        None
    );
    assert_eq!(
        parse_company("24/7 Servicios SRL").unwrap().0.name,
        "24/7 Servicios"
    );
}

#[test]
fn garbage_never_panics() {
    let big = "José ".repeat(200_000);
    let inputs: Vec<String> = vec![
        String::new(),
        big,
        "\u{0}\u{1}\u{7f}".into(),
        "😀👍🏽".into(),
        "\u{301}\u{301}".into(),
        "ª".into(),
        ".ª".into(),
        "M.ª".into(),
        "-'.".into(),
        "a-".into(),
        "de".into(),
        "de la de las".into(),
        "San".into(),
        "y y y".into(),
        "i e y".into(),
        "\u{200b}".into(),
        "\u{feff}Ana".into(),
        "ﬀ".into(),
        "ǅemal".into(),
        "Ⅻ".into(),
        "ß".repeat(50),
        "İ".repeat(60),
        ",,,,".into(),
        ", , S.A.".into(),
        "Cooperativa".into(),
        "Cooperativa Ltda.".into(),
        "مرحبا".into(),
        "Москва".into(),
        "\u{1F600}S.A.".into(),
        "a\u{0301}\u{0302}\u{0303}".into(),
    ];
    for a in &inputs {
        for b in &inputs {
            if let Ok((p, _)) = parse_person(a, b) {
                let _ = (
                    p.display(),
                    p.given_key(),
                    p.given_canonical_keys(),
                    p.surname_keys(),
                );
            }
        }
        if let Ok((p, _)) = parse_full_name(a) {
            let _ = (p.display(), p.given_canonical_keys(), p.surname_keys());
        }
        if let Ok((c, _)) = parse_company(a) {
            let _ = (c.display(), c.key());
        }
    }
}

/// Name-like text: real words, particles, titles and awkward characters.
fn namish() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "José",
        "JOSÉ",
        "jose",
        "María",
        "maria",
        "del",
        "de",
        "la",
        "las",
        "Los",
        "y",
        "e",
        "i",
        "San",
        "santa",
        "Di",
        "Lo",
        "Carmen",
        "Fuente",
        "García",
        "MUÑOZ",
        "Martín",
        "Cruz",
        "Luna",
        "González",
        "Pepe",
        "Ale",
        "Juanjo",
        "Dr.",
        "sra",
        "Don",
        "doctor",
        "Mª",
        "M.ª",
        "Ma.",
        "Fco",
        "J.",
        "j",
        "L",
        "O'Brien",
        "d´angelo",
        "McDonald",
        "DiMaría",
        "-",
        "'",
        ".",
        "..",
        "María-José",
        "Sánchez-",
        "ß",
        "İ",
        "ǅ",
        "Ⅻ",
        "\u{301}",
        "e\u{301}",
        "李",
        "Ñ",
        "CaAPARRO",
        "aJazmin",
        "Ltda.",
        "Zxqw",
    ]);
    prop::collection::vec(words, 0..6).prop_map(|w| w.join(" "))
}

fn assert_person_idempotent(first: &PersonName) -> Result<(), TestCaseError> {
    let (again, problems) = parse_person(&first.given, &first.surnames.join(" "))
        .map_err(|e| TestCaseError::fail(format!("{first:?}: {e}")))?;
    let expected = PersonName {
        title: None,
        ..first.clone()
    };
    prop_assert_eq!(&again, &expected);
    prop_assert!(problems.is_empty(), "{:?} gave {:?}", first, problems);
    Ok(())
}

proptest! {
    #[test]
    fn person_is_idempotent(g in namish(), s in namish()) {
        if let Ok((p, _)) = parse_person(&g, &s) {
            assert_person_idempotent(&p)?;
        }
    }

    #[test]
    fn full_name_output_is_idempotent_as_fields(full in namish(), comma in any::<bool>()) {
        let text = if comma { full.replacen(' ', ", ", 1) } else { full };
        if let Ok((p, _)) = parse_full_name(&text) {
            assert_person_idempotent(&p)?;
        }
    }

    #[test]
    fn any_text_never_panics(g in "\\PC{0,30}", s in ".{0,30}") {
        if let Ok((p, _)) = parse_person(&g, &s) {
            assert_person_idempotent(&p)?;
        }
        let _ = parse_full_name(&g);
        if let Ok((c, _)) = parse_company(&s) {
            let (again, problems) = parse_company(&c.display()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(again, c);
            prop_assert!(problems.is_empty());
        }
    }

    #[test]
    fn company_is_idempotent(name in namish(), form in prop::sample::select(vec![
        "", "SA", "S. A.", "s.r.l", "S.A.S", "SCA", "S. de H.", "Coop Ltda", "SL", "S.L.U",
        "sau", "S Coop", "SC", "inc", "L.L.C", "ltd", "gmbh", "Sociedad Anónima", "Limitada",
    ])) {
        if let Ok((c, _)) = parse_company(&format!("{name} {form}")) {
            let (again, problems) = parse_company(&c.display()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(again, c);
            prop_assert!(problems.is_empty());
        }
    }
}
