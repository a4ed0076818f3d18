//! The analytics of the C ABI: `ciclo_engine_funnel_json`,
//! `ciclo_engine_funnel_svg`, `ciclo_engine_drop_off_json`,
//! `ciclo_engine_cohorts_json`, `ciclo_engine_model_diagram` and
//! `ciclo_model_diagram`: what they answer, and every documented error (null
//! pointers, invalid UTF-8, malformed options, a period that ends before it
//! starts, unknown stages, numbers out of range), with nothing written on
//! failure; an empty base answers zeros, not an error.

use std::ffi::c_char;
use std::ptr;

use ciclo::ffi::analytics::*;
use ciclo::ffi::engine::*;
use ciclo::ffi::status::*;
use ciclo::ffi::step::*;
use serde_json::Value;

#[path = "common/c_host.rs"]
mod host;
use host::*;

type Analysis = unsafe extern "C" fn(
    *const ciclo::ffi::ciclo_engine,
    *const c_char,
    *mut *mut c_char,
) -> ciclo_status;

const ANALYSES: [(&str, Analysis); 4] = [
    ("ciclo_engine_funnel_json", ciclo_engine_funnel_json),
    ("ciclo_engine_funnel_svg", ciclo_engine_funnel_svg),
    ("ciclo_engine_drop_off_json", ciclo_engine_drop_off_json),
    ("ciclo_engine_cohorts_json", ciclo_engine_cohorts_json),
];

/// Options every analysis accepts.
fn options(name: &str, from: &str, to: &str) -> String {
    let extra = if name.contains("drop_off") {
        r#", "stage": "conversion", "horizon_days": 30"#
    } else {
        ""
    };
    format!(r#"{{"from": "{from}", "to": "{to}"{extra}}}"#)
}

fn year(name: &str) -> String {
    options(name, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")
}

/// Calls an analysis; the status, and the answer or the last error.
fn call(f: Analysis, e: &Engine, options: &str) -> (ciclo_status, String) {
    let text = c(options);
    let mut out: *mut c_char = ptr::null_mut();
    let status = unsafe { f(e.0, text.as_ptr(), &mut out) };
    if status == CICLO_STATUS_OK {
        (status, take(out))
    } else {
        assert!(out.is_null(), "an out-parameter written on failure");
        (status, last_error())
    }
}

use host::apply_ok as apply;

fn populated() -> Engine {
    let e = engine();
    for line in [
        r#"{"customer": "ana", "at": "2026-03-01T10:00:00Z", "kind": "visit"}"#,
        r#"{"customer": "ana", "at": "2026-03-03T10:00:00Z", "kind": "purchase", "amount": 5000, "currency": "ARS"}"#,
        r#"{"customer": "ana", "at": "2026-03-09T10:00:00Z", "kind": "cancellation", "reason": "precio"}"#,
        r#"{"customer": "beto", "at": "2026-03-02T10:00:00Z", "kind": "purchase", "amount": 7000, "currency": "ARS"}"#,
        r#"{"customer": "beto", "at": "2026-03-12T10:00:00Z", "kind": "purchase", "amount": 7000, "currency": "ARS"}"#,
        r#"{"customer": "caro", "at": "2026-04-02T10:00:00Z", "kind": "visit"}"#,
    ] {
        apply(&e, line);
    }
    e
}

#[test]
fn the_analyses_answer_json_and_svg() {
    let e = populated();
    let (status, funnel) = call(ciclo_engine_funnel_json, &e, &year("funnel"));
    assert_eq!(status, CICLO_STATUS_OK, "{funnel}");
    let f: Value = serde_json::from_str(&funnel).unwrap();
    assert_eq!(f["customers"], 3);
    assert_eq!(f["stages"][0]["stage"], "awareness");
    assert_eq!(f["stages"][0]["entered"], 3);
    let step = f["conversions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["from"] == "conversion" && c["to"] == "growth")
        .unwrap();
    assert_eq!(
        step["rules"],
        serde_json::json!(["cross_sell", "repeat_purchase"])
    );
    assert_eq!(
        (step["entered"].as_u64(), step["converted"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(step["rate"], 0.5);
    assert_eq!(step["time_to_convert"]["median_days"], 10.0);

    // A segment.
    let segment = r#"{"from": "2026-01-01T00:00:00Z", "to": "2027-01-01T00:00:00Z", "customers": ["caro", "nadie"]}"#;
    let (_, one) = call(ciclo_engine_funnel_json, &e, segment);
    let one: Value = serde_json::from_str(&one).unwrap();
    assert_eq!(one["customers"], 1);

    let (status, svg) = call(ciclo_engine_funnel_svg, &e, &year("funnel"));
    assert_eq!(status, CICLO_STATUS_OK);
    roxmltree::Document::parse(&svg).expect("well-formed");

    let drop = r#"{"from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z", "stage": "conversion",
        "horizon_days": 30, "now": "2026-06-01T00:00:00Z", "max_examples": 1}"#;
    let (status, d) = call(ciclo_engine_drop_off_json, &e, drop);
    assert_eq!(status, CICLO_STATUS_OK, "{d}");
    let d: Value = serde_json::from_str(&d).unwrap();
    assert_eq!(
        (d["reached"].as_u64(), d["dropped"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(d["reasons"][0]["reason"], "cancelled");
    assert_eq!(d["reasons"][0]["detail"], "precio");
    let ana = &d["reasons"][0]["examples"][0];
    assert_eq!(ana["customer"], "ana");
    assert_eq!(ana["last_move"]["cause"], "cancellation");
    assert_eq!(ana["last_move"]["stage"], "reactivation");
    assert!(ana["signals"].is_object());
    // `now` defaults to the engine's latest moment (caro's visit, April 2nd):
    // ana's 30 days are over, beto moved on.
    let (_, d) = call(
        ciclo_engine_drop_off_json,
        &e,
        r#"{"from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z", "stage": "conversion", "horizon_days": 30}"#,
    );
    let d: Value = serde_json::from_str(&d).unwrap();
    assert_eq!(d["now"], "2026-04-02T10:00:00Z");
    assert_eq!(
        (d["pending"].as_u64(), d["dropped"].as_u64()),
        (Some(0), Some(1))
    );

    let (status, cohorts) = call(
        ciclo_engine_cohorts_json,
        &e,
        r#"{"from": "2026-03-01T00:00:00Z", "to": "2026-05-01T00:00:00Z"}"#,
    );
    assert_eq!(status, CICLO_STATUS_OK, "{cohorts}");
    let k: Value = serde_json::from_str(&cohorts).unwrap();
    assert_eq!(k["cohorts"][0]["month"], "2026-03");
    assert_eq!(k["cohorts"][0]["customers"], 2);
    assert_eq!(k["cohorts"][0]["revenue"][0]["revenue"], 19000);
    assert_eq!(k["cohorts"][0]["expected_value"], Value::Null);
    assert_eq!(k["months"][0]["churned"], 1);
    assert_eq!(k["without_purchase"], 1);
}

#[test]
fn an_empty_base_answers_zeros() {
    let e = engine();
    for (name, f) in ANALYSES {
        let (status, out) = call(f, &e, &year(name));
        assert_eq!(status, CICLO_STATUS_OK, "{name}: {out}");
        if name.ends_with("_json") {
            let v: Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["customers"], 0, "{name}");
        }
    }
}

#[test]
fn bad_arguments_are_errors_naming_them() {
    let e = populated();
    for (name, f) in ANALYSES {
        let good = c(&year(name));
        let mut out: *mut c_char = ptr::null_mut();
        // NULL engine, options, out-parameter.
        for (engine, options, out_ptr, arg) in [
            (ptr::null(), good.as_ptr(), &mut out as *mut _, "engine"),
            (
                e.0 as *const _,
                ptr::null(),
                &mut out as *mut _,
                "options_json",
            ),
            (e.0 as *const _, good.as_ptr(), ptr::null_mut(), "out"),
        ] {
            let status = unsafe { f(engine, options, out_ptr) };
            assert_eq!(status, CICLO_STATUS_NULL_ARGUMENT, "{name} {arg}");
            assert!(last_error().contains(arg), "{name}: {}", last_error());
            assert!(out.is_null());
        }
        // Invalid UTF-8.
        let bad = b"{\"from\": \"\xff\"}\0";
        let status = unsafe { f(e.0, bad.as_ptr().cast(), &mut out) };
        assert_eq!(status, CICLO_STATUS_INVALID_UTF8, "{name}");
        assert!(last_error().contains("options_json"));
        assert!(out.is_null());
        // Malformed options.
        for (options, status, field) in [
            ("{", CICLO_STATUS_INVALID_JSON, ""),
            ("", CICLO_STATUS_INVALID_JSON, ""),
            ("[]", CICLO_STATUS_INVALID_JSON, ""),
            (
                r#"{"from": "2026-01-01T00:00:00Z"}"#,
                CICLO_STATUS_INVALID_JSON,
                "to",
            ),
            (
                &year(name).replace('}', r#", "colour": 1}"#),
                CICLO_STATUS_UNKNOWN_FIELD,
                "colour",
            ),
            (
                &year(name).replace("2026-01-01T00:00:00Z", "ayer"),
                CICLO_STATUS_INVALID_JSON,
                "from: invalid timestamp",
            ),
            // A period that ends before it starts, or when it starts.
            (
                &options(name, "2026-05-01T00:00:00Z", "2026-04-01T00:00:00Z"),
                CICLO_STATUS_INVALID_ARGUMENT,
                "options.to",
            ),
            (
                &options(name, "2026-05-01T00:00:00Z", "2026-05-01T00:00:00Z"),
                CICLO_STATUS_INVALID_ARGUMENT,
                "options.to",
            ),
        ] {
            let (got, message) = call(f, &e, options);
            assert_eq!(got, status, "{name} {options}: {message}");
            assert!(message.contains(field), "{name} {options}: {message}");
        }
    }
    // Options of one analysis.
    let drop = |extra: &str| {
        format!(
            r#"{{"from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z", "stage": "conversion", "horizon_days": 30{extra}}}"#
        )
    };
    for (options, status, field) in [
        (
            drop("").replace("conversion", "limbo"),
            CICLO_STATUS_UNKNOWN_STAGE,
            "options.stage",
        ),
        (
            drop(r#", "next": ["growth", "nirvana"]"#),
            CICLO_STATUS_UNKNOWN_STAGE,
            "options.next[1]",
        ),
        (
            drop("").replace("30", "0"),
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.horizon_days",
        ),
        (
            drop("").replace("30", "-2"),
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.horizon_days",
        ),
        (
            drop("").replace("30", "1e9"),
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.horizon_days",
        ),
        (
            drop(r#", "max_examples": 101"#),
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.max_examples",
        ),
        (
            drop(r#", "max_examples": -1"#),
            CICLO_STATUS_INVALID_JSON,
            "max_examples",
        ),
        (
            drop("").replace(r#", "horizon_days": 30"#, ""),
            CICLO_STATUS_INVALID_JSON,
            "horizon_days",
        ),
    ] {
        let (got, message) = call(ciclo_engine_drop_off_json, &e, &options);
        assert_eq!(got, status, "{options}: {message}");
        assert!(message.contains(field), "{options}: {message}");
    }
    let cohorts = |extra: &str| {
        format!(r#"{{"from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"{extra}}}"#)
    };
    for (options, status, field) in [
        (
            cohorts(r#", "churn_stages": ["limbo"]"#),
            CICLO_STATUS_UNKNOWN_STAGE,
            "options.churn_stages[0]",
        ),
        (
            cohorts("").replace("2026-04-01", "2226-04-01"),
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.to",
        ),
        (
            cohorts(r#", "customers": "ana""#),
            CICLO_STATUS_INVALID_JSON,
            "customers",
        ),
    ] {
        let (got, message) = call(ciclo_engine_cohorts_json, &e, &options);
        assert_eq!(got, status, "{options}: {message}");
        assert!(message.contains(field), "{options}: {message}");
    }
}

#[test]
fn diagrams_of_an_engine_and_of_a_model() {
    let e = engine();
    let mut model = ptr::null_mut();
    let config = c(r#"{"preset": "five_stage"}"#);
    assert_eq!(
        unsafe { ciclo_model_new(config.as_ptr(), &mut model) },
        CICLO_STATUS_OK
    );
    for format in ["mermaid", "dot"] {
        let f = c(format);
        let mut out = ptr::null_mut();
        assert_eq!(
            unsafe { ciclo_engine_model_diagram(e.0, f.as_ptr(), &mut out) },
            CICLO_STATUS_OK
        );
        let text = take(out);
        assert!(
            text.contains("win_back") && text.contains("reactivation"),
            "{text}"
        );
        let mut out = ptr::null_mut();
        assert_eq!(
            unsafe { ciclo_model_diagram(model, f.as_ptr(), &mut out) },
            CICLO_STATUS_OK
        );
        let text = take(out);
        assert!(text.contains("after_sales_period"), "{text}");
        assert!(
            text.starts_with(if format == "dot" {
                "digraph"
            } else {
                "flowchart"
            }),
            "{text}"
        );
    }
    let mut out = ptr::null_mut();
    let mermaid = c("mermaid");
    let svg = c("svg");
    let bad = b"\xffdot\0";
    unsafe {
        assert_eq!(
            ciclo_engine_model_diagram(e.0, svg.as_ptr(), &mut out),
            CICLO_STATUS_INVALID_ARGUMENT
        );
        assert!(last_error().contains("format") && last_error().contains("svg"));
        assert_eq!(
            ciclo_model_diagram(model, bad.as_ptr().cast(), &mut out),
            CICLO_STATUS_INVALID_UTF8
        );
        assert_eq!(
            ciclo_engine_model_diagram(ptr::null(), mermaid.as_ptr(), &mut out),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert!(last_error().contains("engine"));
        assert_eq!(
            ciclo_model_diagram(ptr::null(), mermaid.as_ptr(), &mut out),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert!(last_error().contains("model"));
        assert_eq!(
            ciclo_model_diagram(model, ptr::null(), &mut out),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert!(last_error().contains("format"));
        assert_eq!(
            ciclo_model_diagram(model, mermaid.as_ptr(), ptr::null_mut()),
            CICLO_STATUS_NULL_ARGUMENT
        );
        assert!(out.is_null());
        ciclo_model_free(model);
    }
}

/// An engine on the six-stage preset with a credit situation and two
/// segments over it, and four customers: ana and beto in `non_performing`,
/// beto and caro in `watch`, dora in neither.
fn segmented() -> Engine {
    let mut config = ciclo::lifecycle::presets::six_stage();
    let credit = r#"{"type": "category", "values": ["1", "2", "3", "4", "5", "6"]}"#;
    config.attributes.insert(
        "credit_situation".into(),
        serde_json::from_str(credit).unwrap(),
    );
    config.segments = serde_json::from_str(
        r#"[{"name": "non_performing", "when": {"attribute": "credit_situation", "in": ["3", "4", "5", "6"]}},
            {"name": "watch", "when": {"attribute": "credit_situation", "in": ["2", "3"]}}]"#,
    )
    .unwrap();
    let text = c(&ciclo::json::config_to_json(&config));
    let mut out = ptr::null_mut();
    let status = unsafe { ciclo_engine_new(text.as_ptr(), &mut out) };
    assert_eq!(status, CICLO_STATUS_OK, "{}", last_error());
    let e = Engine(out);
    for (who, credit, day, amount) in [
        ("ana", "4", "2026-03-01", 5000),
        ("beto", "3", "2026-03-02", 7000),
        ("caro", "2", "2026-04-03", 9000),
        ("dora", "1", "2026-03-04", 1000),
    ] {
        apply(
            &e,
            &format!(
                r#"{{"customer": "{who}", "at": "{day}T10:00:00Z", "kind": "purchase", "amount": {amount},
                    "currency": "ARS", "attributes": {{"credit_situation": "{credit}"}}}}"#
            ),
        );
    }
    e
}

#[test]
fn the_analyses_for_a_segment_and_the_cohorts_by_segment() {
    let e = segmented();
    let period = r#""from": "2026-03-01T00:00:00Z", "to": "2026-05-01T00:00:00Z""#;
    let get = |f: Analysis, options: String| -> Value {
        let (status, out) = call(f, &e, &options);
        assert_eq!(status, CICLO_STATUS_OK, "{options}: {out}");
        serde_json::from_str(&out).unwrap()
    };
    // Counts for a segment equal those over its members' ids.
    for (segment, ids) in [
        ("non_performing", r#"["ana", "beto"]"#),
        ("watch", r#"["beto", "caro"]"#),
    ] {
        let by_segment = get(
            ciclo_engine_funnel_json,
            format!(r#"{{{period}, "segment": "{segment}"}}"#),
        );
        let by_ids = get(
            ciclo_engine_funnel_json,
            format!(r#"{{{period}, "customers": {ids}}}"#),
        );
        assert_eq!(by_segment["customers"], 2, "{segment}");
        assert_eq!(by_segment, by_ids, "{segment}");
        let drop = r#""stage": "conversion", "horizon_days": 10, "now": "2026-06-01T00:00:00Z""#;
        assert_eq!(
            get(
                ciclo_engine_drop_off_json,
                format!(r#"{{{period}, {drop}, "segment": "{segment}"}}"#)
            ),
            get(
                ciclo_engine_drop_off_json,
                format!(r#"{{{period}, {drop}, "customers": {ids}}}"#)
            ),
        );
        assert_eq!(
            get(
                ciclo_engine_cohorts_json,
                format!(r#"{{{period}, "segment": "{segment}"}}"#)
            ),
            get(
                ciclo_engine_cohorts_json,
                format!(r#"{{{period}, "customers": {ids}}}"#)
            ),
        );
    }
    // A segment and ids: the members among the ids.
    let f = get(
        ciclo_engine_funnel_json,
        format!(r#"{{{period}, "segment": "watch", "customers": ["caro", "dora"]}}"#),
    );
    assert_eq!(f["customers"], 1);
    let (status, svg) = call(
        ciclo_engine_funnel_svg,
        &e,
        &format!(r#"{{{period}, "segment": "watch"}}"#),
    );
    assert_eq!(status, CICLO_STATUS_OK);
    roxmltree::Document::parse(&svg).expect("well-formed");

    // Without by_segment, no "segments" key; with it, every segment of each
    // cohort, beto (in both) counted in both.
    let plain = get(ciclo_engine_cohorts_json, format!("{{{period}}}"));
    assert!(plain["cohorts"][0].get("segments").is_none());
    let split = get(
        ciclo_engine_cohorts_json,
        format!(r#"{{{period}, "by_segment": true}}"#),
    );
    let march = &split["cohorts"][0];
    assert_eq!(
        (&march["month"], &march["customers"]),
        (&"2026-03".into(), &3.into())
    );
    let rows = march["segments"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["segment"], "non_performing");
    assert_eq!(rows[0]["customers"], 2);
    assert_eq!(rows[0]["revenue"][0]["revenue"], 12000);
    assert_eq!(rows[0]["retention"][0]["active_share"], 1.0);
    assert_eq!(rows[1]["segment"], "watch");
    assert_eq!(rows[1]["customers"], 1);
    assert_eq!(rows[1]["revenue"][0]["revenue"], 7000);
    assert_eq!(rows[1]["expected_value"], Value::Null);
    let april = &split["cohorts"][1]["segments"];
    assert_eq!(april[0]["customers"], 0);
    assert_eq!(april[0]["revenue"], serde_json::json!([]));
    assert_eq!(april[1]["customers"], 1);
    assert_eq!(april[1]["retention"][0]["active_share"], 1.0);
    assert_eq!(april[0]["retention"][0]["active_share"], 0.0);
    // The rest of the answer is the plain one.
    let mut without = split.clone();
    for k in without["cohorts"].as_array_mut().unwrap() {
        k.as_object_mut().unwrap().remove("segments");
    }
    assert_eq!(without, plain);

    // Errors name the option; nothing is written.
    for (f, options, status, field) in [
        (
            ciclo_engine_funnel_json as Analysis,
            format!(r#"{{{period}, "segment": "vip"}}"#),
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.segment",
        ),
        (
            ciclo_engine_funnel_svg,
            format!(r#"{{{period}, "segment": "vip"}}"#),
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.segment",
        ),
        (
            ciclo_engine_drop_off_json,
            format!(r#"{{{period}, "stage": "conversion", "horizon_days": 10, "segment": "vip"}}"#),
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.segment",
        ),
        (
            ciclo_engine_cohorts_json,
            format!(r#"{{{period}, "segment": ""}}"#),
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.segment",
        ),
        (
            ciclo_engine_funnel_json,
            format!(r#"{{{period}, "segment": 3}}"#),
            CICLO_STATUS_INVALID_JSON,
            "segment",
        ),
        (
            ciclo_engine_cohorts_json,
            format!(r#"{{{period}, "by_segment": "yes"}}"#),
            CICLO_STATUS_INVALID_JSON,
            "by_segment",
        ),
        (
            ciclo_engine_funnel_json,
            format!(r#"{{{period}, "by_segment": true}}"#),
            CICLO_STATUS_UNKNOWN_FIELD,
            "by_segment",
        ),
        (
            // Two segments over 1000 months: 2 × 1000 × 1001 / 2 rows.
            ciclo_engine_cohorts_json,
            r#"{"from": "2000-01-01T00:00:00Z", "to": "2083-05-01T00:00:00Z", "by_segment": true}"#
                .to_string(),
            CICLO_STATUS_INVALID_ARGUMENT,
            "options.by_segment",
        ),
    ] {
        let (got, message) = call(f, &e, &options);
        assert_eq!(got, status, "{options}: {message}");
        assert!(message.contains(field), "{options}: {message}");
    }
    assert!(
        call(
            ciclo_engine_cohorts_json,
            &e,
            r#"{"from": "2000-01-01T00:00:00Z", "to": "2083-05-01T00:00:00Z"}"#
        )
        .0 == CICLO_STATUS_OK
    );
    // A model without segments: any name is unknown.
    let (status, message) = call(
        ciclo_engine_funnel_json,
        &populated(),
        &format!(r#"{{{period}, "segment": "watch"}}"#),
    );
    assert_eq!(status, CICLO_STATUS_INVALID_ARGUMENT);
    assert!(
        message.contains("options.segment") && message.contains("none"),
        "{message}"
    );
}
