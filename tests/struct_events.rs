//! The struct path (`ciclo_engine_apply` with a `ciclo_event`) carries
//! everything the JSON path does, attributes included: the same events through
//! both leave two engines in the same state, byte for byte. And every bad
//! attribute is refused by name, changing nothing.

use std::ffi::{c_char, CString};
use std::ptr;

use ciclo::ffi::engine::*;
use ciclo::ffi::event::*;
use ciclo::ffi::status::*;
use ciclo::model::{AttrValue, Event, EventKind};

#[path = "common/c_host.rs"]
mod c_host;
use c_host::{c, engine, last_error, snapshot, take};

/// Events in their C form, with the strings and attribute arrays they point to.
struct CEvent {
    _strings: Vec<CString>,
    _attributes: Vec<ciclo_attribute>,
    event: ciclo_event,
}

fn c_event(e: &Event) -> CEvent {
    let mut strings = Vec::new();
    let mut keep = |s: &str| {
        let c = c(s);
        let p = c.as_ptr();
        strings.push(c);
        p
    };
    let attributes: Vec<ciclo_attribute> = e
        .attributes
        .iter()
        .map(|(k, v)| {
            let mut a = ciclo_attribute {
                key: keep(k),
                text: ptr::null(),
                integer: 0,
                number: 0.0,
                kind: CICLO_ATTRIBUTE_TEXT,
            };
            match v {
                AttrValue::Text(t) => a.text = keep(t),
                AttrValue::Integer(i) => (a.kind, a.integer) = (CICLO_ATTRIBUTE_INTEGER, *i),
                AttrValue::Number(n) => (a.kind, a.number) = (CICLO_ATTRIBUTE_NUMBER, *n),
                AttrValue::Bool(b) => (a.kind, a.integer) = (CICLO_ATTRIBUTE_BOOL, i64::from(*b)),
            }
            a
        })
        .collect();
    let (kind, custom_kind) = match &e.kind {
        EventKind::Builtin(b) => (*b as u32, ptr::null()),
        EventKind::Custom(name) => (CICLO_EVENT_KIND_CUSTOM, keep(name)),
    };
    let event = ciclo_event {
        customer_id: keep(&e.customer),
        event_id: e.id.as_deref().map_or(ptr::null(), &mut keep),
        at_ms: e.at.as_millis(),
        kind,
        custom_kind,
        amount_minor: e.amount.map_or(0, |m| m.minor),
        currency: e.amount.map_or(ptr::null(), |m| keep(m.currency.as_str())),
        category: e.category.as_deref().map_or(ptr::null(), &mut keep),
        reason: e.reason.as_deref().map_or(ptr::null(), &mut keep),
        score: e.score.unwrap_or(0.0),
        has_score: u8::from(e.score.is_some()),
        quantity: e.quantity.unwrap_or(0.0),
        has_quantity: u8::from(e.quantity.is_some()),
        attributes: if attributes.is_empty() {
            ptr::null()
        } else {
            attributes.as_ptr()
        },
        attribute_count: attributes.len(),
    };
    CEvent {
        _strings: strings,
        _attributes: attributes,
        event,
    }
}

/// The sample stream, with attributes of every type on some events.
fn stream() -> Vec<Event> {
    let mut events = ciclo::sample::events(300, 11);
    for (i, e) in events.iter_mut().enumerate() {
        if i % 3 == 0 {
            e.attributes
                .insert("cuotas".into(), AttrValue::Integer(i as i64 % 12 - 3));
        }
        if i % 5 == 0 {
            e.attributes
                .insert("tasa".into(), AttrValue::Number(0.35 + i as f64 / 7.0));
        }
        if i % 7 == 0 {
            e.attributes
                .insert("promoción".into(), AttrValue::Bool(i % 2 == 0));
        }
        if i % 11 == 0 {
            e.attributes.insert(
                "nota".into(),
                AttrValue::Text("pagó en \"efectivo\"".into()),
            );
        }
    }
    events
}

#[test]
fn the_struct_path_and_the_json_path_leave_the_same_engine() {
    let events = stream();
    assert!(events.iter().any(|e| e.attributes.len() >= 3));
    let (by_json, by_struct) = (engine(), engine());
    let mut outcomes = 0;
    for e in &events {
        let json = c(&ciclo::json::consolidation::event_to_json(e));
        let (mut text, mut out) = (ptr::null_mut(), ciclo_outcome::default());
        let a = unsafe { ciclo_engine_apply_json(by_json.0, json.as_ptr(), &mut text) };
        let c_event = c_event(e);
        let b = unsafe { ciclo_engine_apply(by_struct.0, &c_event.event, &mut out) };
        assert_eq!(a, b, "{e:?}: {}", last_error());
        if a == CICLO_STATUS_OK {
            outcomes += 1;
            let outcome: serde_json::Value = serde_json::from_str(&take(text)).unwrap();
            assert_eq!(
                outcome["transition"].is_object(),
                out.transitioned == 1,
                "{outcome}"
            );
        }
    }
    assert!(outcomes > 2_000, "{outcomes}");
    assert_eq!(snapshot(&by_json), snapshot(&by_struct));
    // The attributes are in the histories, typed as sent.
    let kept = events
        .iter()
        .find_map(|e| {
            let customer = c(&e.customer);
            let mut out = ptr::null_mut();
            let status =
                unsafe { ciclo_engine_customer_json(by_struct.0, customer.as_ptr(), &mut out) };
            assert_eq!(status, CICLO_STATUS_OK);
            let state: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
            state["history"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["attributes"].clone())
                .find(|a| a.get("cuotas").is_some() && a.get("tasa").is_some())
        })
        .expect("attributes typed in C are in the histories");
    assert!(kept["cuotas"].is_i64() && kept["tasa"].is_f64(), "{kept}");
}

/// An event whose attributes the test sets.
fn with_attributes(customer: &CString, attributes: &[ciclo_attribute]) -> ciclo_event {
    ciclo_event {
        customer_id: customer.as_ptr(),
        event_id: ptr::null(),
        at_ms: 1_772_359_200_000,
        kind: CICLO_EVENT_KIND_VISIT,
        custom_kind: ptr::null(),
        amount_minor: 0,
        currency: ptr::null(),
        category: ptr::null(),
        reason: ptr::null(),
        score: 0.0,
        has_score: 0,
        quantity: 0.0,
        has_quantity: 0,
        attributes: attributes.as_ptr(),
        attribute_count: attributes.len(),
    }
}

fn text(key: *const c_char, value: *const c_char) -> ciclo_attribute {
    ciclo_attribute {
        key,
        text: value,
        integer: 0,
        number: 0.0,
        kind: CICLO_ATTRIBUTE_TEXT,
    }
}

#[test]
fn bad_attributes_are_refused_by_name_and_change_nothing() {
    let e = engine();
    let limits = c(r#"{"attributes": 3, "attribute_key_bytes": 8, "attribute_value_bytes": 16}"#);
    assert_eq!(
        unsafe { ciclo_engine_set_limits_json(e.0, limits.as_ptr()) },
        CICLO_STATUS_OK
    );
    let customer = c("ana");
    let (canal, web, bad) = (c("canal"), c("web"), c"\xff".as_ptr());
    let (long_key, long_text, control) = (
        c("clave-larga"),
        c("un texto demasiado largo"),
        c("a\u{7}b"),
    );
    let ok = text(canal.as_ptr(), web.as_ptr());
    let typed = |kind: u32, integer: i64, number: f64| ciclo_attribute {
        key: canal.as_ptr(),
        text: ptr::null(),
        integer,
        number,
        kind,
    };
    let before = snapshot(&e);
    let cases: Vec<(&str, Vec<ciclo_attribute>, usize, ciclo_status, &str)> = vec![
        ("too many", vec![ok; 4], 4, CICLO_STATUS_INVALID_ARGUMENT, "event->attribute_count: 4 attributes; at most 3 are accepted (limits.attributes)"),
        ("NULL array", vec![], 2, CICLO_STATUS_NULL_ARGUMENT, "`event->attributes` is NULL"),
        ("NULL key", vec![ok, text(ptr::null(), web.as_ptr())], 2, CICLO_STATUS_NULL_ARGUMENT, "`event->attributes[1].key` is NULL"),
        ("NULL text", vec![text(canal.as_ptr(), ptr::null())], 1, CICLO_STATUS_NULL_ARGUMENT, "`event->attributes[0].text` is NULL"),
        ("key not UTF-8", vec![text(bad, web.as_ptr())], 1, CICLO_STATUS_INVALID_UTF8, "`event->attributes[0].key` is not valid UTF-8"),
        ("text not UTF-8", vec![text(canal.as_ptr(), bad)], 1, CICLO_STATUS_INVALID_UTF8, "`event->attributes[0].text` is not valid UTF-8"),
        ("key too long", vec![text(long_key.as_ptr(), web.as_ptr())], 1, CICLO_STATUS_INVALID_ARGUMENT, "event->attributes[0].key: 11 bytes; at most 8 are accepted (limits.attribute_key_bytes)"),
        ("text too long", vec![text(canal.as_ptr(), long_text.as_ptr())], 1, CICLO_STATUS_INVALID_ARGUMENT, "event->attributes[0].text: 24 bytes; at most 16 are accepted (limits.attribute_value_bytes)"),
        ("twice", vec![ok, ok], 2, CICLO_STATUS_INVALID_ARGUMENT, "event->attributes[1].key: `canal` is given twice"),
        ("unknown kind", vec![typed(9, 0, 0.0)], 1, CICLO_STATUS_INVALID_ARGUMENT, "event->attributes[0].kind: 9 is not one of CICLO_ATTRIBUTE_TEXT"),
        ("flag of 2", vec![typed(CICLO_ATTRIBUTE_BOOL, 2, 0.0)], 1, CICLO_STATUS_INVALID_ARGUMENT, "event->attributes[0].integer: 2 is not a flag"),
        ("NaN", vec![typed(CICLO_ATTRIBUTE_NUMBER, 0, f64::NAN)], 1, CICLO_STATUS_INVALID_ARGUMENT, "event->attributes[0].number: numbers must be finite"),
        ("infinite", vec![typed(CICLO_ATTRIBUTE_NUMBER, 0, f64::INFINITY)], 1, CICLO_STATUS_INVALID_ARGUMENT, "numbers must be finite"),
        ("a control character", vec![text(canal.as_ptr(), control.as_ptr())], 1, CICLO_STATUS_INVALID_ARGUMENT, "event.attributes.canal"),
    ];
    for (name, attributes, count, status, message) in cases {
        let mut event = with_attributes(&customer, &attributes);
        event.attribute_count = count;
        if attributes.is_empty() {
            event.attributes = ptr::null();
        }
        let mut out = ciclo_outcome {
            stage: 77,
            ..ciclo_outcome::default()
        };
        assert_eq!(
            unsafe { ciclo_engine_apply(e.0, &event, &mut out) },
            status,
            "{name}: {}",
            last_error()
        );
        assert!(last_error().contains(message), "{name}: {}", last_error());
        assert_eq!(out.stage, 77, "{name}: nothing written");
        assert_eq!(snapshot(&e), before, "{name}: nothing changed");
    }
    // Within the limits, every type; a count of 0 reads no pointer.
    let attributes = [
        ok,
        ciclo_attribute {
            key: long_key.as_ptr().wrapping_add(3),
            ..typed(CICLO_ATTRIBUTE_BOOL, 1, 0.0)
        },
        typed(CICLO_ATTRIBUTE_NUMBER, 0, 2.5),
    ];
    let mut event = with_attributes(&customer, &attributes[..2]);
    assert_eq!(
        unsafe { ciclo_engine_apply(e.0, &event, ptr::null_mut()) },
        CICLO_STATUS_OK,
        "{}",
        last_error()
    );
    event.attributes = 0x10 as *const ciclo_attribute;
    event.attribute_count = 0;
    event.at_ms += 1;
    assert_eq!(
        unsafe { ciclo_engine_apply(e.0, &event, ptr::null_mut()) },
        CICLO_STATUS_OK
    );
}
