//! National identifier strings (`ciclo_id_normalize`): kind (first part) and input
//! (second part; absent: the kind is tried with each known kind as input too).
//! A canonical form validates again to itself.
#![no_main]
use ciclo_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::CStr;

fn normalize(kind: &CStr, input: &CStr) -> Option<String> {
    let mut out = sentinel();
    let st = check(
        unsafe { ciclo_id_normalize(kind.as_ptr(), input.as_ptr(), &mut out) },
        "ciclo_id_normalize",
    );
    take_string(st, out, "ciclo_id_normalize")
}

const KINDS: [&CStr; 6] = [
    c"ar_cuit", c"ar_dni", c"es_dni", c"es_nie", c"es_nif", c"es_cif",
];

fuzz_target!(|data: &[u8]| {
    let args = parts(data);
    let pairs: Vec<(std::ffi::CString, std::ffi::CString)> = match args.get(1) {
        Some(input) => vec![(cstr(args[0]), cstr(input))],
        None => KINDS
            .iter()
            .map(|k| ((*k).to_owned(), cstr(args[0])))
            .collect(),
    };
    for (kind, input) in pairs {
        let Some(canonical) = normalize(&kind, &input) else {
            continue;
        };
        assert!(!canonical.is_empty());
        let again = normalize(&kind, &cstr(canonical.as_bytes()));
        assert_eq!(
            again.as_deref(),
            Some(&*canonical),
            "canonical form not stable"
        );
    }
});
