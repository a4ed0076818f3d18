//! Stage counts and a lead's decayed score through the C ABI: the numbers
//! the Rust engine gives, and every documented error, nothing written on one.

use std::ffi::c_char;
use std::ptr;

use ciclo::ffi::lifecycle::*;
use ciclo::ffi::status::*;
use ciclo::{json, Engine, StageModel};

#[path = "common/c_host.rs"]
mod c_host;
use c_host::{c, engine, last_error, take};

const DAY_MS: i64 = 86_400_000;
/// 2026-03-01T10:00:00Z.
const T0: i64 = 1_772_359_200_000;

use c_host::apply_ok as apply;

#[test]
fn stage_counts_are_the_engines() {
    let (e, rust) = (engine(), Engine::new(StageModel::six_stage()));
    for event in ciclo::sample::events(400, 3) {
        apply(&e, &json::consolidation::event_to_json(&event));
        rust.apply(&event).unwrap();
    }
    let expected: Vec<u64> = rust.stage_counts().iter().map(|&(_, n)| n as u64).collect();
    assert_eq!(expected.len(), 6);
    assert!(
        expected.iter().filter(|&&n| n > 0).count() >= 4,
        "{expected:?}"
    );
    // A larger array: the stages' counts, the rest untouched.
    let mut counts = [u64::MAX; 8];
    assert_eq!(
        unsafe { ciclo_engine_stage_counts(e.0, counts.as_mut_ptr(), 8) },
        CICLO_STATUS_OK
    );
    assert_eq!(counts[..6], expected[..]);
    assert_eq!(counts[6..], [u64::MAX; 2]);
    assert_eq!(counts[..6].iter().sum::<u64>(), 400);
    // The same as JSON, named, in the model's order.
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { ciclo_engine_stage_counts_json(e.0, &mut out) },
        CICLO_STATUS_OK
    );
    let value: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
    assert_eq!(value["customers"], 400);
    let stages = value["stages"].as_array().unwrap();
    for (i, s) in stages.iter().enumerate() {
        assert_eq!(s["stage"], rust.model().stages()[i].as_str());
        assert_eq!(s["customers"], expected[i]);
    }
    // Too small an array: an error naming the sizes, nothing written.
    let mut small = [7u64; 5];
    assert_eq!(
        unsafe { ciclo_engine_stage_counts(e.0, small.as_mut_ptr(), 5) },
        CICLO_STATUS_OUT_OF_RANGE
    );
    assert!(
        last_error().contains("capacity 5; the model has 6 stages"),
        "{}",
        last_error()
    );
    assert_eq!(small, [7; 5]);
    // NULL arguments.
    assert_eq!(
        unsafe { ciclo_engine_stage_counts(ptr::null(), counts.as_mut_ptr(), 8) },
        CICLO_STATUS_NULL_ARGUMENT
    );
    assert_eq!(
        unsafe { ciclo_engine_stage_counts(e.0, ptr::null_mut(), 8) },
        CICLO_STATUS_NULL_ARGUMENT
    );
    assert!(last_error().contains("out_counts"), "{}", last_error());
    assert_eq!(
        unsafe { ciclo_engine_stage_counts_json(e.0, ptr::null_mut()) },
        CICLO_STATUS_NULL_ARGUMENT
    );
    assert_eq!(
        unsafe { ciclo_engine_stage_counts_json(ptr::null(), &mut out) },
        CICLO_STATUS_NULL_ARGUMENT
    );
}

/// The lead score of `customer` at `now_ms` through C: (status, score,
/// qualified).
fn lead(e: &c_host::Engine, customer: *const c_char, now_ms: i64) -> (ciclo_status, f64, u8) {
    let (mut score, mut qualified) = (-1.0, 9u8);
    let status =
        unsafe { ciclo_engine_lead_score(e.0, customer, now_ms, &mut score, &mut qualified) };
    (status, score, qualified)
}

#[test]
fn the_lead_score_decays_through_c_as_in_rust() {
    let e = engine();
    // Two visits and contact data at once: 2 + 2 + 10 points, one short of
    // the threshold (15).
    let t0 = ciclo::model::Timestamp::from_millis(T0, "at").unwrap();
    for kind in ["visit", "visit", "contact_captured"] {
        apply(
            &e,
            &format!(
                r#"{{"customer": "eva", "at": "{}", "kind": "{kind}"}}"#,
                t0.to_rfc3339()
            ),
        );
    }
    let eva = c("eva");
    let at_last = T0;
    let (status, score, qualified) = lead(&e, eva.as_ptr(), at_last);
    assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
    assert_eq!((score, qualified), (14.0, 0));
    // One half-life (30 days) later: half.
    let (_, later, _) = lead(&e, eva.as_ptr(), at_last + 30 * DAY_MS);
    assert!((later - 7.0).abs() < 1e-9, "{later}");
    // Earlier than her latest event: the score at that event.
    assert_eq!(lead(&e, eva.as_ptr(), T0 - DAY_MS).1, 14.0);
    // A trial request qualifies her; `out_qualified` may be NULL.
    let at = ciclo::model::Timestamp::from_millis(at_last + DAY_MS, "at").unwrap();
    apply(
        &e,
        &format!(
            r#"{{"customer": "eva", "at": "{}", "kind": "trial_requested"}}"#,
            at.to_rfc3339()
        ),
    );
    let (_, score, qualified) = lead(&e, eva.as_ptr(), at_last + DAY_MS);
    assert!(
        (score - (20.0 + 14.0 * 0.5f64.powf(1.0 / 30.0))).abs() < 1e-9,
        "{score}"
    );
    assert_eq!(qualified, 1);
    let mut only = 0.0;
    assert_eq!(
        unsafe {
            ciclo_engine_lead_score(
                e.0,
                eva.as_ptr(),
                at_last + DAY_MS,
                &mut only,
                ptr::null_mut(),
            )
        },
        CICLO_STATUS_OK
    );
    assert_eq!(only, score);
    // In Rust, `Engine::lead_score`.
    let rust = Engine::new(StageModel::six_stage());
    let line = format!(
        r#"{{"customer": "eva", "at": "{}", "kind": "trial_requested"}}"#,
        at.to_rfc3339()
    );
    rust.apply(&json::event_from_json(&line).unwrap()).unwrap();
    let r = rust.lead_score("eva", at).unwrap();
    assert_eq!((r.score, r.qualified), (20.0, true));

    // Errors: nothing written.
    let (nobody, bad) = (c("nadie"), c"\xff".as_ptr());
    for (name, status, message, id, now) in [
        (
            "unknown",
            CICLO_STATUS_NOT_FOUND,
            "nadie",
            nobody.as_ptr(),
            T0,
        ),
        (
            "NULL id",
            CICLO_STATUS_NULL_ARGUMENT,
            "`customer_id` is NULL",
            ptr::null(),
            T0,
        ),
        (
            "not UTF-8",
            CICLO_STATUS_INVALID_UTF8,
            "`customer_id` is not valid UTF-8",
            bad,
            T0,
        ),
        (
            "now out of range",
            CICLO_STATUS_INVALID_TIMESTAMP,
            "now_ms",
            eva.as_ptr(),
            i64::MAX,
        ),
    ] {
        let result = lead(&e, id, now);
        assert_eq!(result.0, status, "{name}: {}", last_error());
        assert_eq!((result.1, result.2), (-1.0, 9), "{name}: nothing written");
        assert!(last_error().contains(message), "{name}: {}", last_error());
    }
    assert_eq!(
        unsafe { ciclo_engine_lead_score(e.0, eva.as_ptr(), T0, ptr::null_mut(), ptr::null_mut()) },
        CICLO_STATUS_NULL_ARGUMENT
    );
    assert!(last_error().contains("out_score"), "{}", last_error());
    let mut score = 0.0;
    assert_eq!(
        unsafe {
            ciclo_engine_lead_score(ptr::null(), eva.as_ptr(), T0, &mut score, ptr::null_mut())
        },
        CICLO_STATUS_NULL_ARGUMENT
    );
}
