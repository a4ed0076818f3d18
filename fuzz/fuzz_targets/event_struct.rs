//! The `ciclo_event` struct path (`ciclo_engine_apply`): the input is decoded into
//! a sequence of events with arbitrary kinds (valid, unknown, CUSTOM with or
//! without a name), times (any i64), amounts, currencies, scores and quantities
//! (any bit pattern: NaN, infinities), flags other than 0 and 1, NULL and non-UTF-8
//! strings, attributes of any kind (unknown ones too), repeated keys and a NULL
//! array with a count. The outcome is written only on success and its indexes are
//! in range.
#![no_main]
use ciclo_fuzz::*;
use libfuzzer_sys::fuzz_target;
use std::ffi::{c_char, CString};
use std::ptr;

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for b in out.iter_mut() {
            *b = self.byte().unwrap_or(0);
        }
        out
    }
    /// A string: NULL, one of a few known values, or raw bytes (length-prefixed).
    fn string(&mut self, known: &[&str]) -> Option<CString> {
        let sel = self.byte().unwrap_or(0);
        match sel {
            0 => None,
            s if (s as usize) <= known.len() => Some(cstr(known[s as usize - 1].as_bytes())),
            _ => {
                let n = (self.byte().unwrap_or(0) % 32) as usize;
                let n = n.min(self.0.len());
                let (raw, rest) = self.0.split_at(n);
                self.0 = rest;
                Some(cstr(raw))
            }
        }
    }
}

fn p(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |c| c.as_ptr())
}

fuzz_target!(|data: &[u8]| {
    let engine = Engine::default_preset();
    let (stages, rules) = engine.stage_and_rule_counts();
    let mut r = Reader(data);
    let mut n = 0;
    while !r.0.is_empty() && n < 64 {
        n += 1;
        let flags = r.byte().unwrap_or(0);
        let kind = match r.byte().unwrap_or(0) {
            k @ 0..=19 => k as u32,
            20..=29 => 1000,
            30 => u32::from_le_bytes(r.bytes()),
            k => (k % 19) as u32,
        };
        let customer = r.string(&["c1", "c2", "", "ñandú"]);
        let event_id = r.string(&["e1", "e2", ""]);
        let at_ms = if flags & 1 != 0 {
            i64::from_le_bytes(r.bytes())
        } else {
            BASE_MS + i16::from_le_bytes(r.bytes()) as i64 * 3_600_000
        };
        let custom_kind = r.string(&["webinar", "purchase", ""]);
        let amount_minor = if flags & 2 != 0 {
            i64::from_le_bytes(r.bytes())
        } else {
            u16::from_le_bytes(r.bytes()) as i64 * 100
        };
        let currency = r.string(&["ARS", "USD", "EUR", "ars", "XXX", ""]);
        let category = r.string(&["hogar", "", "ropa"]);
        let reason = r.string(&["price", "", "service"]);
        let score = if flags & 4 != 0 {
            f64::from_le_bytes(r.bytes())
        } else {
            r.byte().unwrap_or(0) as f64
        };
        let quantity = if flags & 8 != 0 {
            f64::from_le_bytes(r.bytes())
        } else {
            r.byte().unwrap_or(0) as f64
        };
        let has = r.byte().unwrap_or(0);
        let count = (r.byte().unwrap_or(0) % 6) as usize;
        let mut strings = Vec::with_capacity(2 * count);
        let mut attributes = Vec::with_capacity(count);
        for _ in 0..count {
            strings.push(r.string(&["canal", "cuotas", "", "ñandú"]));
            strings.push(r.string(&["web", "", "tienda"]));
            let kind = r.byte().unwrap_or(0);
            attributes.push(ciclo_attribute {
                key: p(&strings[strings.len() - 2]),
                text: p(&strings[strings.len() - 1]),
                integer: i64::from(r.byte().unwrap_or(0) as i8),
                number: if kind & 8 != 0 {
                    f64::from_le_bytes(r.bytes())
                } else {
                    r.byte().unwrap_or(0) as f64 / 4.0
                },
                kind: (kind % 5) as u32,
            });
        }
        let event = ciclo_event {
            customer_id: p(&customer),
            event_id: p(&event_id),
            at_ms,
            kind,
            custom_kind: p(&custom_kind),
            amount_minor,
            currency: p(&currency),
            category: p(&category),
            reason: p(&reason),
            score,
            has_score: if flags & 16 != 0 { has } else { has & 1 },
            quantity,
            has_quantity: if flags & 16 != 0 {
                has >> 4
            } else {
                (has >> 1) & 1
            },
            // A NULL array with a count, now and then.
            attributes: if count == 0 || flags & 64 != 0 {
                ptr::null()
            } else {
                attributes.as_ptr()
            },
            attribute_count: count,
        };
        let before = engine.customer_count();
        if flags & 32 != 0 {
            // Without an outcome.
            check(
                unsafe { ciclo_engine_apply(engine.0, &event, ptr::null_mut()) },
                "ciclo_engine_apply",
            );
            continue;
        }
        let untouched = ciclo_outcome {
            applied: 0xDEAD_BEEF,
            created: 0xAA,
            transitioned: 0xAA,
            from_stage: -77,
            stage: -77,
            rule: -77,
            at_ms: 0x5EED,
        };
        let mut out = untouched;
        let st = check(
            unsafe { ciclo_engine_apply(engine.0, &event, &mut out) },
            "ciclo_engine_apply",
        );
        if st != CICLO_STATUS_OK {
            assert!(
                out.applied == untouched.applied
                    && out.stage == untouched.stage
                    && out.rule == untouched.rule
                    && out.at_ms == untouched.at_ms
                    && out.created == untouched.created,
                "outcome written on failure"
            );
            assert_eq!(
                before,
                engine.customer_count(),
                "a refused event changed the engine"
            );
            continue;
        }
        assert!(out.applied == CICLO_APPLIED_APPLIED || out.applied == CICLO_APPLIED_DUPLICATE);
        assert!(out.created <= 1 && out.transitioned <= 1);
        assert!(
            out.stage >= 0 && (out.stage as u32) < stages,
            "stage {} of {stages}",
            out.stage
        );
        assert!(
            out.rule == -1 || (out.rule >= 0 && (out.rule as u32) < rules),
            "rule {}",
            out.rule
        );
        if out.transitioned == 1 {
            assert!(out.from_stage == -1 || (out.from_stage as u32) < stages);
        } else {
            assert_eq!(out.from_stage, -1);
        }
        assert_eq!(engine.customer_count(), before + out.created as usize);
    }
    if sometimes(data) {
        engine.round_trip();
    }
});
