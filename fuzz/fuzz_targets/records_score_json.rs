//! The stateless matching path: `ciclo_records_score_json` on two records
//! (first and second parts) with options (third part, a match model among
//! them; absent: a fixed `today`), and `ciclo_record_blocking_keys_json` on
//! each record. An answer has its documented keys, a probability in [0, 1]
//! that agrees with the weight, a decision the thresholds allow, and a
//! contribution per field compared; every key has its kind as prefix.
#![no_main]
use ciclo_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::CStr;

fn keys(record: &CStr, options: &CStr) {
    let mut out = sentinel();
    let st = check(
        unsafe { ciclo_record_blocking_keys_json(record.as_ptr(), options.as_ptr(), &mut out) },
        "ciclo_record_blocking_keys_json",
    );
    let Some(v) = take_json(st, out, "ciclo_record_blocking_keys_json") else {
        return;
    };
    assert!(v["findings"].is_array(), "{v}");
    for k in v["keys"].as_array().expect("keys") {
        let (kind, value, key) = (
            k["kind"].as_str().expect("kind"),
            k["value"].as_str().expect("value"),
            k["key"].as_str().expect("key"),
        );
        assert_eq!(key, format!("{kind}:{value}"));
        assert!(!value.is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let args = parts(data);
    let a = cstr(args[0]);
    let b = cstr(args.get(1).copied().unwrap_or(b"{}"));
    let options = match args.get(2) {
        Some(o) => cstr(o),
        None => c"{\"default_country\": \"AR\", \"today\": \"2026-11-23\"}".to_owned(),
    };
    let mut out = sentinel();
    let st = check(
        unsafe { ciclo_records_score_json(a.as_ptr(), b.as_ptr(), options.as_ptr(), &mut out) },
        "ciclo_records_score_json",
    );
    if let Some(v) = take_json(st, out, "ciclo_records_score_json") {
        let p = v["probability"].as_f64().expect("probability");
        let w = v["weight"].as_f64().expect("weight");
        assert!((0.0..=1.0).contains(&p), "{v}");
        assert!(w.is_finite(), "{v}");
        let decision = v["decision"].as_str().expect("decision");
        assert!(["merge", "review", "distinct"].contains(&decision), "{v}");
        let vetoed = v["vetoed"].as_bool().expect("vetoed");
        assert!(
            !(vetoed && decision == "merge"),
            "a vetoed pair merged: {v}"
        );
        let contributions = v["contributions"].as_array().expect("contributions");
        assert!(
            !contributions.is_empty(),
            "a score with nothing compared: {v}"
        );
        let sum: f64 = contributions
            .iter()
            .map(|c| c["weight"].as_f64().expect("weight"))
            .sum::<f64>()
            + v["prior_weight"].as_f64().expect("prior_weight");
        assert!((sum - w).abs() <= 1e-6 * w.abs().max(1.0), "{v}");
        assert!(v["names_swapped"].is_boolean());
    }
    if st != CICLO_STATUS_PANIC {
        keys(&a, &options);
    }
});
