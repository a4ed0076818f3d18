//! Defects the fuzz targets (`fuzz/`, `.ci/fuzz`) found, each reduced to a
//! minimal input that fails without its fix.

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use ciclo::ffi::memory::ciclo_string_free;
use ciclo::ffi::standardize::ciclo_record_standardize_json;
use ciclo::ffi::status::CICLO_STATUS_OK;
use ciclo::standardize::names::parse_company;

fn standardize(record: &str) -> serde_json::Value {
    let r = CString::new(record).unwrap();
    let o = c"{\"default_country\": \"AR\", \"today\": \"2026-11-23\"}";
    let mut out: *mut c_char = ptr::null_mut();
    let st = unsafe { ciclo_record_standardize_json(r.as_ptr(), o.as_ptr(), &mut out) };
    assert_eq!(st, CICLO_STATUS_OK);
    let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
    unsafe { ciclo_string_free(out) };
    serde_json::from_str(&text).unwrap()
}

/// fuzz target `record_standardize`: a company ending in a legal form followed by
/// punctuation (`Acme S. .A;`) became `Acme S. .A` (the form not recognised behind
/// the `;`, which was then trimmed from the name), and only a second pass made it
/// `Acme S.A.`: standardising twice changed the record.
#[test]
fn company_with_trailing_punctuation_after_the_legal_form_is_stable() {
    for company in [
        "Acme S. .A;",
        "Acme S.A.;",
        "Acme SRL,",
        "Acme S. A. -",
        "Acme S.A. —",
    ] {
        let (first, _) = parse_company(company).unwrap();
        let (second, _) = parse_company(&first.display()).unwrap();
        assert_eq!(first.display(), second.display(), "{company}");
        assert!(
            first.legal_form.is_some(),
            "{company}: legal form not found"
        );

        let once = standardize(&serde_json::json!({ "company": company }).to_string());
        let twice = standardize(&once["record"].to_string());
        assert_eq!(once["record"], twice["record"], "{company}");
    }
    assert_eq!(
        parse_company("Acme S. .A;").unwrap().0.display(),
        "Acme S.A."
    );
}

/// fuzz target `record_standardize`: a value that does not validate is kept
/// tidied, and the tidied text could validate: `27-123456\n78-0` was refused
/// (a newline has no place in a CUIT), kept as `27-123456 78-0`, and the second
/// pass read that as the CUIT `27-12345678-0`; likewise an Australian postal
/// code `749\n2`, kept as `749 2`, read as `7492`; a given name too long only
/// for its run of spaces; a postal code with a DEL. The fields are now read
/// tidied, control characters that are not whitespace dropped.
#[test]
fn values_are_read_as_they_are_kept() {
    for record in [
        serde_json::json!({ "national_id": "27-123456\n78-0" }),
        serde_json::json!({ "phone": "011 4321\n0000" }),
        serde_json::json!({ "mobile": "011\t15-2345-6789" }),
        serde_json::json!({ "birth_date": "09/01\n/1986" }),
        serde_json::json!({ "email": "jose.garcia@gmail.com\n" }),
        serde_json::json!({ "street": "17 Warrego St", "province": "ACT", "postal_code": "749\n2" }),
        serde_json::json!({ "street": "Av.\nCorrientes 1234", "locality": "CABA\t" }),
        serde_json::json!({ "country": "Argen\ntina" }),
        serde_json::json!({ "postal_code": "\u{7f}14289", "country": "ES" }),
        serde_json::json!({ "company": "Ac\u{1}me S.A.", "email": "a\u{0}b@example.com" }),
        serde_json::json!({ "given_name": format!("Dra. Ana{}María", " ".repeat(200)) }),
        serde_json::json!({ "full_name": format!("Ana{}López", " ".repeat(300)) }),
        serde_json::json!({ "company": format!("Acme{}S.A.", " ".repeat(300)) }),
    ] {
        let once = standardize(&record.to_string());
        let twice = standardize(&once["record"].to_string());
        assert_eq!(once["record"], twice["record"], "{record}");
    }
    let once = standardize(r#"{"national_id": "27-123456\n78-0"}"#);
    assert_eq!(once["record"]["national_id"], "27-12345678-0");
}

/// fuzz target `record_standardize`, open (found 2026-12-06 by the long run at
/// 8.2 M executions, not fixed yet): in a full name split into given name and
/// surname, an initial followed by a feminine ordinal indicator (`ª`, a letter to
/// Unicode) loses its period on the second pass: the surname `A.ªaaa A.` became
/// `Aªaaa A.`. Ignored so that CI stays green; `cargo test --test
/// fuzz_regressions -- --ignored` shows it.
#[test]
#[ignore = "open finding: an initial before `ª` loses its period on a second pass"]
fn an_initial_before_an_ordinal_indicator_is_stable() {
    for full_name in [
        "Ana A..\u{AA}aaa A",
        "Ana Ruiz A..\u{AA}b A",
        "Me Prvince A. Aaaaaam\u{15AA}a A. Aaaaaaaaaaaaaaaaaaaaaam\u{AA}aaa A. A. Aaaaaaaaaaaaaaaaaaaaaam\u{AA}aaa A..\u{AA}aaa A",
    ] {
        let record = serde_json::json!({ "full_name": full_name });
        let once = standardize(&record.to_string());
        let twice = standardize(&once["record"].to_string());
        assert_eq!(once["record"], twice["record"], "{record}");
    }
}
