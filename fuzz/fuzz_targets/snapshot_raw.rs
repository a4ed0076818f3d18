//! Snapshot bytes as a host hands them over (`ciclo_engine_restore`): anything is
//! OK or CORRUPT_SNAPSHOT, never another status; a restored engine is usable and
//! round-trips.
#![no_main]
use ciclo_fuzz::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(engine) = Engine::restore(data) {
        exercise(&engine);
    }
});
