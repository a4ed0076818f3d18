//! Host-stored state JSON and the pure step: the input is a state (first part,
//! empty for a new customer) and events (second part, one per line), applied with
//! `ciclo_model_step_json`, then `ciclo_model_tick_json`; every state written must
//! be accepted back. The fuzzed state is also imported into an engine
//! (`ciclo_engine_import_customer`): an accepted one round-trips exactly.
#![no_main]
use ciclo_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::CString;
use std::ptr;
use std::sync::OnceLock;

fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| Model::new(None).expect("default model"))
}

fuzz_target!(|data: &[u8]| {
    let args = parts(data);
    let state0 = args.first().copied().unwrap_or(b"");
    let events = lines(args.get(1).copied().unwrap_or(b""), 32);
    let mut state: Option<CString> = (!state0.is_empty()).then(|| cstr(state0));

    if let Some(s) = &state {
        let engine = Engine::default_preset();
        let st = check(
            unsafe { ciclo_engine_import_customer(engine.0, c"x".as_ptr(), s.as_ptr()) },
            "ciclo_engine_import_customer",
        );
        if st == CICLO_STATUS_OK {
            let got = engine
                .get_json(
                    ciclo_engine_customer_state_json,
                    c"x",
                    "ciclo_engine_customer_state_json",
                )
                .expect("imported");
            let other = Engine::default_preset();
            let text = cstr(got.to_string().as_bytes());
            let st = check(
                unsafe { ciclo_engine_import_customer(other.0, c"x".as_ptr(), text.as_ptr()) },
                "ciclo_engine_import_customer",
            );
            assert_eq!(
                st,
                CICLO_STATUS_OK,
                "a state the engine wrote is refused: {}",
                last_error()
            );
            let again = other
                .get_json(
                    ciclo_engine_customer_state_json,
                    c"x",
                    "ciclo_engine_customer_state_json",
                )
                .expect("imported");
            assert_eq!(got, again, "state round trip changed it");
            let st = check(
                unsafe { ciclo_engine_import_customer(engine.0, c"x".as_ptr(), text.as_ptr()) },
                "ciclo_engine_import_customer",
            );
            assert_eq!(
                st, CICLO_STATUS_CONFLICT,
                "importing a tracked customer twice"
            );
            let _ = engine.apply_json(
                c"{\"customer\": \"x\", \"at\": \"2027-01-01T00:00:00Z\", \"kind\": \"visit\"}",
            );
            engine.round_trip();
        }
    }

    let m = model();
    for line in events {
        let event = cstr(line);
        let mut out_state = sentinel();
        let mut out_outcome = sentinel();
        let st = check(
            unsafe {
                ciclo_model_step_json(
                    m.0,
                    state.as_ref().map_or(ptr::null(), |s| s.as_ptr()),
                    event.as_ptr(),
                    &mut out_state,
                    &mut out_outcome,
                )
            },
            "ciclo_model_step_json",
        );
        take_json(st, out_outcome, "ciclo_model_step_json outcome");
        if let Some(new) = take_json(st, out_state, "ciclo_model_step_json state") {
            state = Some(cstr(new.to_string().as_bytes()));
        }
    }
    if let Some(s) = &state {
        let mut out_state = sentinel();
        let mut out_report = sentinel();
        let now = BASE_MS + 400 * 86_400_000;
        let st = check(
            unsafe { ciclo_model_tick_json(m.0, s.as_ptr(), now, &mut out_state, &mut out_report) },
            "ciclo_model_tick_json",
        );
        take_json(st, out_report, "ciclo_model_tick_json report");
        take_json(st, out_state, "ciclo_model_tick_json state");
    }
});
