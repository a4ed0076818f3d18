//! Event JSON: a sequence of events (one per line) applied with
//! `ciclo_engine_apply_json` to one engine (a first line `#<config>` sets the stage
//! model), then a tick, the customers' JSON, their portable states moved into a
//! second engine (`ciclo_engine_import_customer`, exact round trip), retention
//! evaluation and signals, and a snapshot round trip.
#![no_main]
use ciclo_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;

fuzz_target!(|data: &[u8]| {
    let mut events = lines(data, 64);
    let mut config = None;
    if let Some(first) = events.first() {
        if first.starts_with(b"#") {
            config = Some(cstr(&first[1..]));
            events.remove(0);
        }
    }
    let Ok(engine) = Engine::new(config.as_deref()) else {
        return;
    };
    let mut customers = BTreeSet::new();
    for line in &events {
        let before = engine.customer_count();
        match engine.apply_json(&cstr(line)) {
            Ok(outcome) => {
                let c = outcome["customer"]
                    .as_str()
                    .expect("outcome.customer")
                    .to_owned();
                customers.insert(c);
            }
            Err(_) => assert_eq!(
                before,
                engine.customer_count(),
                "a refused event changed the engine"
            ),
        }
    }
    assert_eq!(engine.customer_count(), customers.len());
    let now = BASE_MS + 400 * 86_400_000;
    let _ = engine.tick(now);
    let other = Engine::new(config.as_deref()).expect("same config loads twice");
    for c in customers.iter().take(8) {
        let id = cstr(c.as_bytes());
        if id.as_bytes().len() != c.len() {
            continue;
        }
        engine
            .get_json(
                ciclo_engine_customer_json,
                &id,
                "ciclo_engine_customer_json",
            )
            .expect("known customer");
        let state = engine
            .get_json(
                ciclo_engine_customer_state_json,
                &id,
                "ciclo_engine_customer_state_json",
            )
            .expect("known customer");
        let text = cstr(state.to_string().as_bytes());
        let st = check(
            unsafe { ciclo_engine_import_customer(other.0, id.as_ptr(), text.as_ptr()) },
            "ciclo_engine_import_customer",
        );
        assert_eq!(
            st,
            CICLO_STATUS_OK,
            "a state the engine wrote is refused: {}",
            last_error()
        );
        let moved = other
            .get_json(
                ciclo_engine_customer_state_json,
                &id,
                "ciclo_engine_customer_state_json",
            )
            .expect("imported customer");
        assert_eq!(state, moved, "portable state round trip changed it");
        for (f, name) in [
            (
                ciclo_engine_signals_json as unsafe extern "C" fn(_, _, _, _) -> _,
                "ciclo_engine_signals_json",
            ),
            (ciclo_engine_churn_json, "ciclo_engine_churn_json"),
            (ciclo_engine_evaluate_json, "ciclo_engine_evaluate_json"),
        ] {
            let mut out = sentinel();
            let st = check(unsafe { f(engine.0, id.as_ptr(), now, &mut out) }, name);
            take_json(st, out, name);
        }
    }
    let _ = engine.evaluate_all(now);
    if sometimes(data) {
        engine.round_trip();
    }
    // Removing every customer leaves an empty engine.
    for c in customers.iter() {
        let id = cstr(c.as_bytes());
        let st = check(
            unsafe { ciclo_engine_remove_customer(engine.0, id.as_ptr()) },
            "ciclo_engine_remove_customer",
        );
        if id.as_bytes().len() == c.len() {
            assert_eq!(st, CICLO_STATUS_OK);
        }
    }
});
