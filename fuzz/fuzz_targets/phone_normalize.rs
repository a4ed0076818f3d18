//! Phone strings (`ciclo_phone_normalize`): input (first part) and region (second
//! part; absent: NULL). A number that normalises is `+` and digits (at most 20: a
//! country code and up to 17 national digits, as libphonenumber allows; Uruguay's
//! `0004` numbers give 16, beyond ITU E.164's 15) and normalises to itself again,
//! with or without the region.
#![no_main]
use ciclo_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::{c_char, CStr};
use std::ptr;

fn normalize(input: &CStr, region: *const c_char) -> Option<String> {
    let mut out = sentinel();
    let st = check(
        unsafe { ciclo_phone_normalize(input.as_ptr(), region, &mut out) },
        "ciclo_phone_normalize",
    );
    take_string(st, out, "ciclo_phone_normalize")
}

fuzz_target!(|data: &[u8]| {
    let args = parts(data);
    let input = cstr(args[0]);
    let region = args.get(1).map(|r| cstr(r));
    let region_ptr = region.as_ref().map_or(ptr::null(), |r| r.as_ptr());
    let Some(e164) = normalize(&input, region_ptr) else {
        return;
    };
    let digits = &e164.as_bytes()[1..];
    assert!(
        e164.starts_with('+')
            && (1..=20).contains(&digits.len())
            && digits.iter().all(u8::is_ascii_digit),
        "not E.164: {e164:?}"
    );
    let again = cstr(e164.as_bytes());
    assert_eq!(
        normalize(&again, ptr::null()).as_deref(),
        Some(&*e164),
        "E.164 not stable without region"
    );
    assert_eq!(
        normalize(&again, region_ptr).as_deref(),
        Some(&*e164),
        "E.164 not stable with region"
    );
});
