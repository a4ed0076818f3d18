//! Record standardisation (`ciclo_record_standardize_json`): record JSON (first
//! part) and options (second part; absent: a fixed `today`, so runs repeat). The
//! answer has its documented keys, and standardising the standard record again
//! changes nothing.
#![no_main]
use ciclo_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::CStr;

fn standardize(record: &CStr, options: &CStr) -> Option<Value> {
    let mut out = sentinel();
    let st = check(
        unsafe { ciclo_record_standardize_json(record.as_ptr(), options.as_ptr(), &mut out) },
        "ciclo_record_standardize_json",
    );
    take_json(st, out, "ciclo_record_standardize_json")
}

fuzz_target!(|data: &[u8]| {
    let args = parts(data);
    let record = cstr(args[0]);
    let options = match args.get(1) {
        Some(o) => cstr(o),
        None => c"{\"default_country\": \"AR\", \"today\": \"2026-11-23\"}".to_owned(),
    };
    let Some(out) = standardize(&record, &options) else {
        return;
    };
    for key in ["record", "country", "valid", "findings", "parsed"] {
        assert!(out.get(key).is_some(), "answer without {key}: {out}");
    }
    assert!(out["valid"].is_boolean());
    let standard = cstr(out["record"].to_string().as_bytes());
    let again = standardize(&standard, &options).expect("the standard record is accepted");
    assert_eq!(
        out["record"], again["record"],
        "standardising twice changed the record"
    );
});
