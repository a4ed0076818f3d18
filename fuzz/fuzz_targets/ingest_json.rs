//! Record ingest JSON (`ciclo_engine_ingest_json`) and the consolidation
//! operations on what was ingested, as a script of lines:
//! `{...}` ingests a request; `event {...}` applies an event; `merge A B`,
//! `unmerge SYS ID`, `dismiss SYS ID`, `link KIND P C`, `unlink KIND P C`,
//! `hier KIND ID`, `rollup KIND ID`, `golden ID`, `of SYS ID` call the matching
//! `ciclo_engine_*` function. Every answer is checked; the engine round-trips
//! through a snapshot at the end.
#![no_main]
use ciclo_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::CString;

fn words(line: &[u8]) -> Vec<CString> {
    line.split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
        .map(cstr)
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let engine = Engine::default_preset();
    for line in lines(data, 48) {
        if line.starts_with(b"{") {
            if let Ok(answer) = engine.ingest_json(&cstr(line)) {
                let g = answer["golden_id"].as_str().expect("golden_id");
                engine
                    .get_json(
                        ciclo_engine_golden_json,
                        &cstr(g.as_bytes()),
                        "ciclo_engine_golden_json",
                    )
                    .expect("the golden id just returned is found");
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix(b"event ") {
            let _ = engine.apply_json(&cstr(rest));
            continue;
        }
        let w = words(line);
        let arg = |i: usize| w.get(i).map_or(c"".as_ptr(), |s| s.as_ptr());
        let op = w.first().map_or(&b""[..], |s| s.as_bytes());
        let mut out = sentinel();
        match op {
            b"merge" => {
                let st = check(
                    unsafe { ciclo_engine_merge(engine.0, arg(1), arg(2), &mut out) },
                    "merge",
                );
                take_string(st, out, "ciclo_engine_merge");
            }
            b"unmerge" => {
                let st = check(
                    unsafe { ciclo_engine_unmerge(engine.0, arg(1), arg(2), &mut out) },
                    "unmerge",
                );
                take_string(st, out, "ciclo_engine_unmerge");
            }
            b"dismiss" => {
                check(
                    unsafe { ciclo_engine_dismiss_review(engine.0, arg(1), arg(2)) },
                    "dismiss",
                );
            }
            b"link" => {
                check(
                    unsafe { ciclo_engine_link(engine.0, arg(1), arg(2), arg(3)) },
                    "link",
                );
            }
            b"unlink" => {
                check(
                    unsafe { ciclo_engine_unlink(engine.0, arg(1), arg(2), arg(3)) },
                    "unlink",
                );
            }
            b"hier" => {
                let st = check(
                    unsafe { ciclo_engine_hierarchy_json(engine.0, arg(1), arg(2), &mut out) },
                    "hier",
                );
                take_json(st, out, "ciclo_engine_hierarchy_json");
            }
            b"rollup" => {
                let st = check(
                    unsafe { ciclo_engine_roll_up_json(engine.0, arg(1), arg(2), &mut out) },
                    "rollup",
                );
                take_json(st, out, "ciclo_engine_roll_up_json");
            }
            b"golden" => {
                let st = check(
                    unsafe { ciclo_engine_golden_json(engine.0, arg(1), &mut out) },
                    "golden",
                );
                take_json(st, out, "ciclo_engine_golden_json");
            }
            b"of" => {
                let st = check(
                    unsafe { ciclo_engine_golden_of(engine.0, arg(1), arg(2), &mut out) },
                    "of",
                );
                take_string(st, out, "ciclo_engine_golden_of");
            }
            b"remove" => {
                let st = check(
                    unsafe { ciclo_engine_remove_source(engine.0, arg(1), arg(2), &mut out) },
                    "remove",
                );
                take_json(st, out, "ciclo_engine_remove_source");
            }
            b"erase" => {
                let st = check(
                    unsafe { ciclo_engine_remove_customer(engine.0, arg(1)) },
                    "erase",
                );
                if st == CICLO_STATUS_OK {
                    // Erased: nothing answers for it any more.
                    let mut gone = sentinel();
                    let again = unsafe { ciclo_engine_golden_json(engine.0, arg(1), &mut gone) };
                    assert_ne!(
                        again, CICLO_STATUS_OK,
                        "an erased customer still has a golden record"
                    );
                    assert_eq!(gone, sentinel(), "out written on failure");
                }
            }
            _ => {}
        }
    }
    engine.get_json0(ciclo_engine_reviews_json, "ciclo_engine_reviews_json");
    if sometimes(data) {
        engine.round_trip();
    }
});
