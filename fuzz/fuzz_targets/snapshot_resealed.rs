//! Snapshot payloads behind a valid header, so the fuzzer gets past the length and
//! checksum checks to the content checks (`src/engine/snapshot.rs`).
//!
//! Input: a mode byte, then data. Mode bit 0 clear: the data is the whole payload
//! (the corpus holds real payloads) and bits 1-2 pick the version (1, 2, 3, or 3);
//! set: the data is a list of edits (2-byte offset, op, byte) to the payload of a
//! small engine's snapshot (overwrite, insert, delete, xor). The result is sealed
//! (length and CRC-32 recomputed) and restored: OK or CORRUPT_SNAPSHOT, never a
//! panic; a restored engine is usable and round-trips.
#![no_main]
use ciclo_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn template() -> &'static Vec<u8> {
    static T: OnceLock<Vec<u8>> = OnceLock::new();
    T.get_or_init(|| small_engine().snapshot()[HEADER..].to_vec())
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let version = [1, 2, 3, 3][((mode >> 1) & 3) as usize];
    let payload = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        let mut p = template().clone();
        for edit in rest.chunks_exact(4).take(64) {
            let at = u16::from_le_bytes([edit[0], edit[1]]) as usize;
            let b = edit[3];
            match edit[2] % 4 {
                0 if at < p.len() => p[at] = b,
                1 if at <= p.len() => p.insert(at, b),
                2 if at < p.len() => {
                    p.remove(at);
                }
                3 if at < p.len() => p[at] ^= b,
                _ => {}
            }
        }
        p
    };
    let sealed = seal(version, &payload);
    if let Ok(engine) = Engine::restore(&sealed) {
        exercise(&engine);
    }
});
