//! Listing what the engine holds a page at a time: every walk returns the
//! whole set once, in order, whatever the page size and whatever is written
//! between pages; and the C listings refuse bad input with a named error.

use std::collections::BTreeSet;
use std::ffi::c_char;
use std::ptr;

use ciclo::consolidation::golden::SourceKey;
use ciclo::consolidation::registry::GoldenId;
use ciclo::engine::{Page, MAX_PAGE};
use ciclo::ffi::listing::*;
use ciclo::ffi::status::*;
use ciclo::model::{BuiltinKind, Event, Timestamp};
use ciclo::{Engine, ErrorKind, StageModel};

#[path = "common/c_host.rs"]
mod c_host;
mod common;
#[path = "common/rust_host.rs"]
mod host;

/// Ids of every shape: short and long (kept inline and on the heap), with
/// accents, sharing prefixes, in no order.
fn ids(n: usize) -> Vec<String> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..n)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            match i % 4 {
                0 => format!("c-{}", x % 100_000),
                1 => format!("cliente-{x:x}-con-un-id-bastante-largo"),
                2 => format!("ñandú-{}", x % 1000),
                _ => format!("{i}"),
            }
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

fn visit(customer: &str) -> Event {
    Event::new(customer, host::day(0), BuiltinKind::Visit)
}

fn walk<T>(mut page: impl FnMut(Option<&str>) -> Page<T>) -> (Vec<T>, usize) {
    let (mut all, mut pages, mut cursor) = (Vec::new(), 0, None::<String>);
    loop {
        let p = page(cursor.as_deref());
        pages += 1;
        all.extend(p.items);
        match p.next_cursor {
            Some(next) => cursor = Some(next),
            None => return (all, pages),
        }
    }
}

#[test]
fn customer_pages_give_every_id_once_in_order() {
    let engine = Engine::new(StageModel::six_stage());
    let ids = ids(3_000);
    for id in &ids {
        engine.apply(&visit(id)).unwrap();
    }
    assert_eq!(engine.customer_ids(), ids, "the ids are sorted as listed");
    for limit in [1, 7, 1_000, ids.len(), MAX_PAGE] {
        let (all, pages) = walk(|after| engine.customers_page(after, limit).unwrap());
        assert_eq!(all, ids, "page size {limit}");
        assert_eq!(pages, ids.len().div_ceil(limit), "page size {limit}");
    }
    let empty = Engine::new(StageModel::six_stage());
    let page = empty.customers_page(None, 10).unwrap();
    assert!(page.items.is_empty() && page.next_cursor.is_none());
    for bad in [0, MAX_PAGE + 1] {
        let err = engine.customers_page(None, bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(err.to_string().contains("limit"), "{err}");
    }
}

#[test]
fn a_walk_sees_what_stays_once_whatever_is_written_between_pages() {
    let engine = Engine::new(StageModel::six_stage());
    let ids = ids(2_000);
    for id in &ids {
        engine.apply(&visit(id)).unwrap();
    }
    let (mut seen, mut removed, mut cursor) = (Vec::<String>::new(), BTreeSet::new(), None);
    let mut round = 0usize;
    loop {
        let page = engine.customers_page(cursor.as_deref(), 37).unwrap();
        seen.extend(page.items.iter().cloned());
        // Between pages: remove an id ahead and one behind, add ids on
        // both sides of the cursor.
        round += 1;
        for victim in [
            ids[(round * 13) % ids.len()].clone(),
            ids[(round * 7 + 3) % ids.len()].clone(),
        ] {
            if engine.remove(&victim).is_ok() {
                removed.insert(victim);
            }
        }
        engine.apply(&visit(&format!("0-added-{round}"))).unwrap();
        engine.apply(&visit(&format!("zz-added-{round}"))).unwrap();
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "in order, each once");
    let seen: BTreeSet<String> = seen.into_iter().collect();
    for id in ids.iter().filter(|id| !removed.contains(*id)) {
        assert!(seen.contains(id), "{id} stayed and was listed");
    }
    assert!(
        seen.iter().any(|id| id.starts_with("zz-added-")),
        "ids added ahead of the cursor are listed"
    );
    assert!(
        !seen.iter().any(|id| id.starts_with("0-added-")),
        "ids added behind the cursor are not"
    );
}

#[test]
fn golden_ids_sources_and_reviews_page_like_the_whole_lists() {
    let engine = Engine::new(StageModel::six_stage());
    let at = Timestamp::parse("2026-11-23T10:00:00Z", "updated").unwrap();
    for (i, record) in common::dupes_es_records()
        .into_iter()
        .take(1_500)
        .enumerate()
    {
        engine
            .ingest(SourceKey::new("crm", &format!("r{i}")).unwrap(), at, record)
            .unwrap();
    }
    // Doubtful ones, for reviews: a name alone, like a customer's.
    for (i, (given, surname)) in [
        ("Ana", "Ruiz"),
        ("Luis", "Paz"),
        ("Eva", "Sosa"),
        ("Juan", "Gil"),
    ]
    .iter()
    .enumerate()
    {
        let email = format!("{}@{}.com.ar", given.to_lowercase(), surname.to_lowercase());
        for (system, id, record) in [
            ("erp", format!("e{i}"), host::person(given, surname, &email)),
            (
                "web",
                format!("w{i}"),
                ciclo::model::Record {
                    given_name: Some(given.to_string()),
                    surname: Some(surname.to_string()),
                    country: Some("AR".into()),
                    ..Default::default()
                },
            ),
        ] {
            engine
                .ingest(SourceKey::new(system, &id).unwrap(), at, record)
                .unwrap();
        }
    }
    let goldens: Vec<GoldenId> = engine.with_registry(|r| r.golden_ids().collect());
    assert!(
        goldens.len() > 100 && goldens.len() < 1_500,
        "{}",
        goldens.len()
    );
    for limit in [1, 100, MAX_PAGE] {
        let (all, _) = walk(|after| engine.golden_ids_page(after, limit).unwrap());
        assert_eq!(all, goldens, "page size {limit}");
    }
    let mut with_several = 0;
    for &g in &goldens {
        let members: Vec<SourceKey> =
            engine.with_registry(|r| r.members(g).unwrap().into_iter().cloned().collect());
        with_several += usize::from(members.len() > 1);
        for limit in [1, 2, 50] {
            let (all, _) = walk(|after| {
                let (live, page) = engine.golden_sources_page(g, after, limit).unwrap();
                assert_eq!(live, g);
                page
            });
            let mut sorted = all.clone();
            sorted.sort();
            assert_eq!(sorted, members, "{g}, page size {limit}");
        }
    }
    assert!(
        with_several > 20,
        "{with_several} customers with several records"
    );
    let reviews = engine.reviews();
    assert!(reviews.len() >= 4, "{} reviews", reviews.len());
    for limit in [1, 2, 1_000] {
        let (all, _) = walk(|after| engine.reviews_page(after, limit).unwrap());
        assert_eq!(all, reviews, "page size {limit}");
    }

    // A retired id lists the customer it was merged into.
    let (a, b) = (goldens[0], goldens[1]);
    let survivor = engine.merge(a, b).unwrap().survivor;
    let (live, page) = engine.golden_sources_page(b, None, MAX_PAGE).unwrap();
    assert_eq!(live, survivor);
    assert_eq!(
        page.items.len(),
        engine.with_registry(|r| r.members(survivor).unwrap().len())
    );
    // Cursors of another listing, or none at all, are refused by name.
    for (result, what) in [
        (
            engine.golden_ids_page(Some("c-1"), 5).map(|_| ()),
            "golden ids",
        ),
        (
            engine
                .golden_sources_page(survivor, Some("G1"), 5)
                .map(|_| ()),
            "source records",
        ),
        (engine.reviews_page(Some("G1"), 5).map(|_| ()), "reviews"),
    ] {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(
            err.to_string().contains("cursor") && err.to_string().contains(what),
            "{err}"
        );
    }
    let never = "G999999".parse().unwrap();
    assert_eq!(
        engine
            .golden_sources_page(never, None, 5)
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

/// A listing call through the C ABI: its status, and the page as JSON.
type List<'a> = dyn Fn(*const c_char, u32, *mut *mut c_char) -> ciclo_status + 'a;

fn c_walk(list: &List<'_>, max: u32) -> (Vec<serde_json::Value>, serde_json::Value) {
    let (mut items, mut cursor, mut last) = (Vec::new(), None::<std::ffi::CString>, None);
    loop {
        let mut out = ptr::null_mut();
        let status = list(
            cursor.as_ref().map_or(ptr::null(), |c| c.as_ptr()),
            max,
            &mut out,
        );
        assert_eq!(status, CICLO_STATUS_OK, "{}", c_host::last_error());
        let page: serde_json::Value = serde_json::from_str(&c_host::take(out)).unwrap();
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(c_host::c(next)),
            None => {
                assert!(page["next_cursor"].is_null());
                last = Some(page);
            }
        }
        if let Some(page) = last {
            return (items, page);
        }
    }
}

#[test]
fn the_c_listings_page_through_everything() {
    use ciclo::ffi::consolidation::ciclo_engine_ingest_json;
    let e = c_host::engine();
    let mut golden_ids = Vec::new();
    for (i, (given, email)) in [
        ("Ana", "ana@x.com"),
        ("Luis", "luis@y.com"),
        ("Ana", "ana@x.com"),
    ]
    .iter()
    .enumerate()
    {
        let request = c_host::c(&format!(
            r#"{{"system": "crm", "id": "C-{i}", "updated": "2026-11-23T10:00:00Z",
                 "record": {{"given_name": "{given}", "surname": "Ruiz", "email": "{email}"}}}}"#
        ));
        let mut out = ptr::null_mut();
        assert_eq!(
            unsafe { ciclo_engine_ingest_json(e.0, request.as_ptr(), &mut out) },
            CICLO_STATUS_OK,
            "{}",
            c_host::last_error()
        );
        let answer: serde_json::Value = serde_json::from_str(&c_host::take(out)).unwrap();
        golden_ids.push(answer["golden_id"].as_str().unwrap().to_string());
    }
    assert_eq!(golden_ids, ["G1", "G2", "G1"]);
    for customer in ["G2", "G1"] {
        let event = c_host::c(&format!(
            r#"{{"customer": "{customer}", "at": "2026-11-23T11:00:00Z", "kind": "visit"}}"#
        ));
        assert_eq!(
            unsafe {
                ciclo::ffi::engine::ciclo_engine_apply_json(e.0, event.as_ptr(), ptr::null_mut())
            },
            CICLO_STATUS_OK
        );
    }
    let engine = e.0;
    let (customers, _) = c_walk(
        &|cur, max, out| unsafe { ciclo_engine_list_customers_json(engine, cur, max, out) },
        1,
    );
    assert_eq!(customers, ["G1", "G2"]);
    let (goldens, _) = c_walk(
        &|cur, max, out| unsafe { ciclo_engine_list_golden_ids_json(engine, cur, max, out) },
        CICLO_LIST_MAX,
    );
    assert_eq!(goldens, ["G1", "G2"]);
    let g1 = c_host::c("G1");
    let (sources, last) = c_walk(
        &|cur, max, out| unsafe {
            ciclo_engine_list_sources_json(engine, g1.as_ptr(), cur, max, out)
        },
        1,
    );
    assert_eq!(
        sources,
        [
            serde_json::json!({"system": "crm", "id": "C-0"}),
            serde_json::json!({"system": "crm", "id": "C-2"})
        ]
    );
    assert_eq!(last["golden_id"], "G1");
    let (reviews, _) = c_walk(
        &|cur, max, out| unsafe { ciclo_engine_list_reviews_json(engine, cur, max, out) },
        3,
    );
    assert!(reviews.is_empty());
    // An empty cursor is the first page, as NULL is.
    let mut out = ptr::null_mut();
    let empty = c_host::c("");
    assert_eq!(
        unsafe { ciclo_engine_list_golden_ids_json(engine, empty.as_ptr(), 1, &mut out) },
        CICLO_STATUS_OK
    );
    assert_eq!(c_host::take(out), r#"{"items":["G1"],"next_cursor":"G1"}"#);
}

#[test]
fn the_c_listings_refuse_bad_input_by_name_and_write_nothing() {
    let e = c_host::engine();
    let engine = e.0;
    let bad_utf8: &[u8] = b"\xff\0";
    let bad = bad_utf8.as_ptr().cast::<c_char>();
    let g1 = c_host::c("G1");
    let not_golden = c_host::c("ana");
    let never = c_host::c("G42");
    let cursor = c_host::c("not a cursor");
    type Call<'a> = Box<dyn Fn(*mut *mut c_char) -> ciclo_status + 'a>;
    let cases: Vec<(&str, Call<'_>, ciclo_status, &str)> = vec![
        (
            "NULL engine",
            Box::new(|out| unsafe {
                ciclo_engine_list_customers_json(ptr::null(), ptr::null(), 5, out)
            }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`engine` is NULL",
        ),
        (
            "max 0",
            Box::new(move |out| unsafe {
                ciclo_engine_list_customers_json(engine, ptr::null(), 0, out)
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "max: 0 items; a page holds 1 to 10000",
        ),
        (
            "max too large",
            Box::new(move |out| unsafe {
                ciclo_engine_list_golden_ids_json(engine, ptr::null(), CICLO_LIST_MAX + 1, out)
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "max: 10001 items",
        ),
        (
            "cursor not UTF-8",
            Box::new(move |out| unsafe { ciclo_engine_list_customers_json(engine, bad, 5, out) }),
            CICLO_STATUS_INVALID_UTF8,
            "`cursor` is not valid UTF-8",
        ),
        (
            "golden cursor not one",
            Box::new(|out| unsafe {
                ciclo_engine_list_golden_ids_json(engine, cursor.as_ptr(), 5, out)
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "cursor: `not a cursor` is not a cursor of the golden ids listing",
        ),
        (
            "review cursor not one",
            Box::new(|out| unsafe {
                ciclo_engine_list_reviews_json(engine, cursor.as_ptr(), 5, out)
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "not a cursor of the reviews listing",
        ),
        (
            "sources of NULL",
            Box::new(move |out| unsafe {
                ciclo_engine_list_sources_json(engine, ptr::null(), ptr::null(), 5, out)
            }),
            CICLO_STATUS_NULL_ARGUMENT,
            "`golden_id` is NULL",
        ),
        (
            "sources of an id not UTF-8",
            Box::new(move |out| unsafe {
                ciclo_engine_list_sources_json(engine, bad, ptr::null(), 5, out)
            }),
            CICLO_STATUS_INVALID_UTF8,
            "`golden_id` is not valid UTF-8",
        ),
        (
            "sources of no golden id",
            Box::new(|out| unsafe {
                ciclo_engine_list_sources_json(engine, not_golden.as_ptr(), ptr::null(), 5, out)
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "golden_id",
        ),
        (
            "sources of one never issued",
            Box::new(|out| unsafe {
                ciclo_engine_list_sources_json(engine, never.as_ptr(), ptr::null(), 5, out)
            }),
            CICLO_STATUS_NOT_FOUND,
            "G42",
        ),
        (
            "sources with a bad cursor",
            Box::new(|out| unsafe {
                ciclo_engine_list_sources_json(engine, g1.as_ptr(), cursor.as_ptr(), 5, out)
            }),
            CICLO_STATUS_INVALID_ARGUMENT,
            "not a cursor of the source records listing",
        ),
    ];
    for (name, call, status, message) in cases {
        let mut out = ptr::null_mut::<c_char>();
        assert_eq!(call(&mut out), status, "{name}: {}", c_host::last_error());
        assert!(out.is_null(), "{name}: nothing written");
        assert!(
            c_host::last_error().contains(message),
            "{name}: {}",
            c_host::last_error()
        );
    }
    // A NULL out-parameter.
    for call in [
        unsafe { ciclo_engine_list_customers_json(engine, ptr::null(), 5, ptr::null_mut()) },
        unsafe { ciclo_engine_list_golden_ids_json(engine, ptr::null(), 5, ptr::null_mut()) },
        unsafe { ciclo_engine_list_reviews_json(engine, ptr::null(), 5, ptr::null_mut()) },
        unsafe {
            ciclo_engine_list_sources_json(engine, g1.as_ptr(), ptr::null(), 5, ptr::null_mut())
        },
    ] {
        assert_eq!(call, CICLO_STATUS_NULL_ARGUMENT);
        assert!(
            c_host::last_error().contains("out_json"),
            "{}",
            c_host::last_error()
        );
    }
}
