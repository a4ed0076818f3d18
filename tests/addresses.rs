//! Address parsing on real-shaped data: every street of `dupes_es.csv` (Spanish
//! and Argentine records with abbreviated street types and provinces in
//! corrupted copies) and of FEBRL's `febrl1.csv` (Australian addresses), with
//! explicit bars on what must be read.
//!
//! Run with `cargo test --test addresses -- --nocapture` to see the figures.

mod common;

use ciclo::standardize::address::{canonical_province, parse, Address, AddressInput, StreetType};
use ciclo::standardize::{Country, Problem};
use std::collections::{BTreeMap, HashMap};

/// The rows of a CSV file under `tests/data/`, each as a map from column name.
fn load(name: &str) -> Vec<HashMap<String, String>> {
    let (header, rows) = common::csv(name);
    rows.into_iter()
        .map(|r| header.iter().cloned().zip(r).collect())
        .collect()
}

/// Parses the street line of an address again with its other fields: the
/// idempotence check.
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

fn dupes_input(r: &HashMap<String, String>) -> AddressInput<'_> {
    AddressInput {
        street: &r["street"],
        locality: &r["city"],
        province: &r["province"],
        postal_code: &r["postal_code"],
        country: Country::parse(&r["country"]),
        ..AddressInput::default()
    }
}

fn pct(n: usize, d: usize) -> f64 {
    if d == 0 {
        100.0
    } else {
        100.0 * n as f64 / d as f64
    }
}

/// Whether the first word of a street is an abbreviation (`Av.`, `C/`, `Pº`).
fn abbreviated(street: &str) -> bool {
    let first = street.split(' ').next().unwrap_or("");
    first.contains(['.', '/', 'º'])
}

#[test]
fn dupes_es_streets_provinces_and_postal_codes() {
    let rows = load("dupes_es.csv");
    assert_eq!(rows.len(), 20_000);
    let parsed: Vec<(Address, Vec<Problem>)> =
        rows.iter().map(|r| parse(&dupes_input(r))).collect();

    let mut streets = 0;
    let mut name_and_number = 0;
    let mut typed = 0;
    let mut with_comma = 0;
    let mut floor_and_unit = 0;
    let mut provinces = 0;
    let mut provinces_canonical = 0;
    let mut provinces_other_country = 0;
    let mut unknown_provinces: BTreeMap<String, usize> = BTreeMap::new();
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut not_idempotent = 0;
    for (r, (a, problems)) in rows.iter().zip(&parsed) {
        for p in problems {
            *codes.entry(p.code).or_default() += 1;
            assert_ne!(p.severity, ciclo::standardize::Severity::Error, "{p}");
        }
        let street = r["street"].trim();
        if !street.is_empty() {
            streets += 1;
            if !a.street_name.is_empty() && a.number.is_some() {
                name_and_number += 1;
            }
            if a.street_type.is_some() {
                typed += 1;
            }
            if street.contains(',') {
                with_comma += 1;
                if a.floor.is_some() && a.unit.is_some() && a.extra.is_none() {
                    floor_and_unit += 1;
                }
            }
        }
        let province = r["province"].trim();
        if !province.is_empty() {
            provinces += 1;
            let country = Country::parse(&r["country"]);
            if canonical_province(province, country).is_some() {
                provinces_canonical += 1;
            } else if ["AR", "ES"]
                .iter()
                .any(|c| canonical_province(province, Country::parse(c)).is_some())
            {
                // A copy that moved to the other country's province.
                provinces_other_country += 1;
            } else {
                *unknown_provinces.entry(province.to_string()).or_default() += 1;
            }
        }
        // The postal code and the province are never thrown away.
        assert_eq!(
            a.postal_code.is_some(),
            !r["postal_code"].trim().is_empty(),
            "{r:?}"
        );
        if !province.is_empty() {
            assert!(a.province.is_some(), "{r:?}");
        }
        let (again, new_problems) = reparse(a);
        if &again != a {
            not_idempotent += 1;
            eprintln!(
                "not idempotent: {:?}\n  first  {a:?}\n  second {again:?}",
                r["street"]
            );
        }
        for p in &new_problems {
            assert!(
                problems.iter().any(|q| q.code == p.code),
                "re-parse raised a new problem {p} for {:?}",
                r["street"]
            );
        }
    }

    // Clusters: members whose streets differ only by an abbreviated vs full
    // street type must give the same street_key; over all pairs mixing an
    // abbreviated and a full type (some copies moved house), report the share.
    let mut clusters: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        clusters
            .entry(r["cluster_id"].as_str())
            .or_default()
            .push(i);
    }
    let (mut same_rest, mut same_rest_equal, mut mixed, mut mixed_equal, mut type_equal) =
        (0, 0, 0, 0, 0);
    for members in clusters.values() {
        for (x, &i) in members.iter().enumerate() {
            for &j in members.iter().skip(x + 1) {
                let (si, sj) = (rows[i]["street"].as_str(), rows[j]["street"].as_str());
                if si.is_empty() || sj.is_empty() || abbreviated(si) == abbreviated(sj) {
                    continue;
                }
                let (ai, aj) = (&parsed[i].0, &parsed[j].0);
                let equal = ai.street_key() == aj.street_key();
                mixed += 1;
                mixed_equal += usize::from(equal);
                let rest = |s: &str| {
                    s.split_once(' ')
                        .map(|x| x.1.to_string())
                        .unwrap_or_default()
                };
                if rest(si) == rest(sj) {
                    same_rest += 1;
                    same_rest_equal += usize::from(equal);
                    type_equal +=
                        usize::from(ai.street_type == aj.street_type && ai.street_type.is_some());
                    if !equal {
                        eprintln!(
                            "key differs: {si:?} {:?} / {sj:?} {:?}",
                            ai.street_key(),
                            aj.street_key()
                        );
                    }
                }
            }
        }
    }

    println!(
        "  streets with a name and a number: {name_and_number}/{streets} ({:.2}%)",
        pct(name_and_number, streets)
    );
    println!(
        "  streets with a street type: {typed}/{streets} ({:.2}%)",
        pct(typed, streets)
    );
    println!("  streets with floor and unit after a comma, nothing unread: {floor_and_unit}/{with_comma} ({:.2}%)", pct(floor_and_unit, with_comma));
    println!(
        "  provinces canonicalised: {provinces_canonical}/{provinces} ({:.2}%) in the record's country, {provinces_other_country} more in the other country ({:.2}% in all); unknown: {unknown_provinces:?}",
        pct(provinces_canonical, provinces),
        pct(provinces_canonical + provinces_other_country, provinces)
    );
    println!("  cluster pairs abbreviated vs full type, same rest: street_key equal {same_rest_equal}/{same_rest} ({:.2}%), street_type equal {type_equal}/{same_rest}", pct(same_rest_equal, same_rest));
    println!("  cluster pairs abbreviated vs full type, all (some moved house): street_key equal {mixed_equal}/{mixed} ({:.2}%)", pct(mixed_equal, mixed));
    println!("  not idempotent: {not_idempotent}");
    println!("  problems: {codes:?}");

    assert!(pct(name_and_number, streets) >= 99.0);
    assert!(pct(typed, streets) >= 99.0);
    assert!(pct(floor_and_unit, with_comma) >= 99.0);
    // 150 Spanish rows carry the truncated province `Ciudad` (Ciudad Real?),
    // which is not a province name and stays unknown.
    assert!(pct(provinces_canonical + provinces_other_country, provinces) >= 99.2);
    assert!(
        unknown_provinces.keys().all(|p| p == "Ciudad"),
        "{unknown_provinces:?}"
    );
    assert!(same_rest > 400, "{same_rest}");
    assert_eq!(same_rest_equal, same_rest);
    assert_eq!(type_equal, same_rest);
    // The other mixed pairs are copies that moved house: their keys must differ.
    assert!(
        mixed_equal - same_rest_equal <= 2,
        "{}",
        mixed_equal - same_rest_equal
    );
    assert_eq!(not_idempotent, 0);
}

#[test]
fn dupes_es_spot_checks() {
    let rows = load("dupes_es.csv");
    let by_id: HashMap<&str, &HashMap<String, String>> =
        rows.iter().map(|r| (r["rec_id"].as_str(), r)).collect();
    let (a, _) = parse(&dupes_input(by_id["r2"]));
    assert_eq!(a.street_type, Some(StreetType::Avenida));
    assert_eq!(a.street_name, "Valdez");
    assert_eq!(a.number.as_deref(), Some("1149"));
    assert_eq!(a.floor.as_deref(), Some("11"));
    assert_eq!(a.unit.as_deref(), Some("B"));
    assert_eq!(a.province.as_deref(), Some("Santa Fe"));
    assert_eq!(a.street_line(), "Avenida Valdez 1149, Piso 11, Dpto. B");

    // r0: Paseo Ruano 192, Huesca, postal code 02102 (Albacete).
    let (a, problems) = parse(&dupes_input(by_id["r0"]));
    assert_eq!(a.street_type, Some(StreetType::Paseo));
    assert_eq!(a.province.as_deref(), Some("Huesca"));
    assert_eq!(a.postal_code.as_deref(), Some("02102"));
    let mismatch = problems
        .iter()
        .find(|p| p.code == "address.postal_code_province_mismatch")
        .expect("mismatch");
    assert_eq!(mismatch.suggestion.as_deref(), Some("Albacete"));
}

#[test]
fn febrl1_addresses() {
    let rows = load("febrl1.csv");
    assert_eq!(rows.len(), 1000);
    let input = |r: &'_ HashMap<String, String>| -> (Address, Vec<Problem>) {
        parse(&AddressInput {
            street: &r["address_1"],
            street_number: &r["street_number"],
            extra: &r["address_2"],
            locality: &r["suburb"],
            province: &r["state"],
            postal_code: &r["postcode"],
            country: None,
        })
    };
    let parsed: Vec<(Address, Vec<Problem>)> = rows.iter().map(input).collect();
    let (mut au, mut streets, mut typed, mut states, mut states_known) = (0, 0, 0, 0, 0);
    let mut numbers = (0, 0);
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut untyped: Vec<&str> = Vec::new();
    let mut not_idempotent = 0;
    for (r, (a, problems)) in rows.iter().zip(&parsed) {
        for p in problems {
            *codes.entry(p.code).or_default() += 1;
        }
        au += usize::from(a.country == Some(Country::AU));
        if !r["address_1"].trim().is_empty() {
            streets += 1;
            if a.street_type.is_some() {
                typed += 1;
            } else {
                untyped.push(&r["address_1"]);
            }
        }
        if !r["street_number"].trim().is_empty() {
            numbers.0 += 1;
            numbers.1 += usize::from(a.number.as_deref() == Some(r["street_number"].trim()));
        }
        if !r["state"].trim().is_empty() {
            states += 1;
            states_known +=
                usize::from(canonical_province(&r["state"], Some(Country::AU)).is_some());
        }
        // address_2 is kept.
        if !r["address_2"].trim().is_empty() {
            assert!(
                a.extra
                    .as_deref()
                    .is_some_and(|e| e.contains(r["address_2"].trim())),
                "{r:?}"
            );
        }
        let (again, _) = reparse(a);
        if &again != a {
            not_idempotent += 1;
            eprintln!(
                "not idempotent: {:?}\n  first  {a:?}\n  second {again:?}",
                r["address_1"]
            );
        }
    }
    // True pairs: rec-N-org and rec-N-dup-k.
    let mut originals: HashMap<&str, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(n) = r["rec_id"].strip_suffix("-org") {
            originals.insert(n, i);
        }
    }
    let (mut pairs, mut equal_keys, mut equal_raw) = (0, 0, 0);
    for (i, r) in rows.iter().enumerate() {
        let Some((n, _)) = r["rec_id"].split_once("-dup-") else {
            continue;
        };
        let Some(&o) = originals.get(n) else { continue };
        if rows[o]["address_1"].trim().is_empty() || r["address_1"].trim().is_empty() {
            continue;
        }
        pairs += 1;
        equal_keys += usize::from(parsed[o].0.street_key() == parsed[i].0.street_key());
        equal_raw += usize::from(
            format!("{} {}", rows[o]["address_1"], rows[o]["street_number"])
                == format!("{} {}", r["address_1"], r["street_number"]),
        );
    }
    println!(
        "febrl1: country inferred AU {au}/1000; street type found {typed}/{streets} ({:.2}%)",
        pct(typed, streets)
    );
    println!("  untyped streets: {untyped:?}");
    println!(
        "  numbers kept {}/{}; states known {states_known}/{states} ({:.2}%)",
        numbers.1,
        numbers.0,
        pct(states_known, states)
    );
    println!("  true pairs with both streets: street_key equal {equal_keys}/{pairs} ({:.2}%), raw street+number equal {equal_raw}/{pairs}", pct(equal_keys, pairs));
    println!("  not idempotent: {not_idempotent}");
    println!("  problems: {codes:?}");

    assert!(au >= 985, "{au}");
    assert!(pct(typed, streets) >= 95.0);
    // One record also has a (different) number in address_1: kept, with a warning.
    assert!(numbers.0 - numbers.1 <= 1);
    assert!(pct(states_known, states) >= 97.0);
    assert!(equal_keys > equal_raw);
    assert_eq!(not_idempotent, 0);
}
