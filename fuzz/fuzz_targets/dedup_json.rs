//! Batch deduplication (`ciclo_dedup_json`): records as JSON lines (first part)
//! and options (second part; absent: NULL). On success every input record gets
//! the id of its customer's first record; the progress callback sees UTF-8 step
//! names and `done <= total`.
#![no_main]
use ciclo_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::{c_char, c_void, CStr};
use std::ptr;

unsafe extern "C" fn progress(user: *mut c_void, step: *const c_char, done: usize, total: usize) {
    assert!(!step.is_null());
    unsafe { CStr::from_ptr(step) }
        .to_str()
        .expect("step name UTF-8");
    assert!(done <= total, "progress: done {done} > total {total}");
    unsafe { *(user as *mut usize) += 1 };
}

fuzz_target!(|data: &[u8]| {
    let args = parts(data);
    // At most 64 lines: a batch is quadratic in its largest block.
    let records: Vec<&[u8]> = lines(args[0], 64);
    let records = cstr(&records.join(&b'\n'));
    let options = args.get(1).map(|o| cstr(o));
    let mut calls = 0usize;
    let mut out = sentinel();
    let st = check(
        unsafe {
            ciclo_dedup_json(
                records.as_ptr(),
                options.as_ref().map_or(ptr::null(), |o| o.as_ptr()),
                if args.len() > 2 { None } else { Some(progress) },
                &mut calls as *mut usize as *mut c_void,
                &mut out,
            )
        },
        "ciclo_dedup_json",
    );
    let Some(answer) = take_json(st, out, "ciclo_dedup_json") else {
        return;
    };
    let n = answer["records"].as_u64().expect("records") as usize;
    let golden = answer["golden"].as_array().expect("golden");
    assert_eq!(golden.len(), n, "one golden id per record");
    let customers = answer["customers"].as_u64().expect("customers") as usize;
    assert!(customers <= n && (n == 0 || customers >= 1));
    let mut distinct: Vec<&str> = golden.iter().map(|g| g.as_str().expect("id")).collect();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        customers,
        "customers count disagrees with the golden ids"
    );
    if let Some(g) = answer.get("golden_records") {
        assert_eq!(g.as_array().expect("array").len(), customers);
    }
});
