//! Product affinity (`ciclo::analytics::affinity`): support, confidence and
//! lift against values computed by hand, never an offer of a product bought,
//! the same answers whatever the order of the input, bounded neighbours.

use ciclo::analytics::affinity::{
    AffinityKind, AffinityModel, AffinityOptions, BasketLine, HistoryItem, OfferReason,
    RecommendOptions,
};
use ciclo::model::time::{Timestamp, MS_PER_DAY};

const A: u32 = 10;
const B: u32 = 20;
const C: u32 = 30;

fn day(d: i64) -> Timestamp {
    Timestamp::from_millis(1_767_225_600_000 + d * MS_PER_DAY, "t").unwrap()
}

fn line(customer: u32, order: u32, d: i64, product: u32) -> BasketLine {
    BasketLine {
        customer,
        order,
        at: day(d),
        product,
        category: None,
    }
}

/// Five orders of three customers:
///
/// | order | customer | day | products |
/// |---|---|---|---|
/// | 1 | 1 | 1 | A B |
/// | 2 | 1 | 5 | C |
/// | 3 | 2 | 2 | A B C |
/// | 4 | 3 | 3 | A |
/// | 5 | 3 | 4 | B |
fn baskets() -> Vec<BasketLine> {
    vec![
        line(1, 1, 1, A),
        line(1, 1, 1, B),
        line(1, 2, 5, C),
        line(2, 3, 2, A),
        line(2, 3, 2, B),
        line(2, 3, 2, C),
        line(3, 4, 3, A),
        line(3, 5, 4, B),
    ]
}

fn counted(min_support: u32) -> AffinityOptions {
    AffinityOptions {
        min_support,
        later: 1.0,
        ..AffinityOptions::plain()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// Weights are kept in single precision.
fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn support_confidence_and_lift_match_the_hand_computation() {
    let model = AffinityModel::learn(&baskets(), &counted(1)).unwrap();
    assert_eq!(model.order_count(), 5);
    assert_eq!(model.customer_count(), 3);
    assert_eq!(model.item_count(), 3);
    assert_eq!(
        (
            model.orders_with(A),
            model.orders_with(B),
            model.orders_with(C)
        ),
        (3, 3, 2)
    );

    // Together A→B: orders 1 and 3 of A's 3 orders; B is in 3 of 5 orders.
    let ab = model
        .affinity_between(A, B, AffinityKind::Together)
        .unwrap();
    assert_eq!(ab.support, 2);
    assert!(close(ab.support_share, 2.0 / 5.0));
    assert!(close(ab.confidence, 2.0 / 3.0));
    assert!(close(ab.lift, (2.0 / 3.0) / (3.0 / 5.0)));
    // Plain weights are the raw counts.
    assert!(near(ab.weight, 2.0));

    // Together A→C: order 3 alone; C is in 2 of 5 orders.
    let ac = model
        .affinity_between(A, C, AffinityKind::Together)
        .unwrap();
    assert_eq!(ac.support, 1);
    assert!(close(ac.confidence, 1.0 / 3.0));
    assert!(close(ac.lift, (1.0 / 3.0) / (2.0 / 5.0)));

    // Together C→A: order 3 of C's 2 orders; A is in 3 of 5.
    let ca = model
        .affinity_between(C, A, AffinityKind::Together)
        .unwrap();
    assert!(close(ca.confidence, 1.0 / 2.0));
    assert!(close(ca.lift, 0.5 / 0.6));

    // Later A→B: customer 3 alone (customer 1 bought both in one order);
    // all 3 customers bought B.
    let ab_later = model.affinity_between(A, B, AffinityKind::Later).unwrap();
    assert_eq!(ab_later.support, 1);
    assert!(close(ab_later.support_share, 1.0 / 3.0));
    assert!(close(ab_later.confidence, 1.0 / 3.0));
    assert!(close(ab_later.lift, (1.0 / 3.0) / 1.0));
    // Later A→C: customer 1 (day 1, then day 5); 2 of 3 customers bought C.
    let ac_later = model.affinity_between(A, C, AffinityKind::Later).unwrap();
    assert_eq!(ac_later.support, 1);
    assert!(close(ac_later.lift, (1.0 / 3.0) / (2.0 / 3.0)));
    // Nothing is bought after C, and B never comes before A.
    assert!(model.affinity_between(C, A, AffinityKind::Later).is_none());
    assert!(model.affinity_between(B, A, AffinityKind::Later).is_none());

    // A minimum support of 2 keeps only the pairs in two orders: A–B.
    let strict = AffinityModel::learn(&baskets(), &counted(2)).unwrap();
    let kept: Vec<(u32, u32, AffinityKind)> = strict
        .top_affinities(100)
        .iter()
        .map(|a| (a.from, a.to, a.kind))
        .collect();
    assert_eq!(
        kept,
        [
            (A, B, AffinityKind::Together),
            (B, A, AffinityKind::Together)
        ]
    );
}

#[test]
fn confidence_weights_and_the_reason_of_an_offer() {
    let options = AffinityOptions {
        min_support: 1,
        later: 0.0,
        antecedent_exponent: 1.0,
        ..AffinityOptions::plain()
    };
    let model = AffinityModel::learn(&baskets(), &options).unwrap();
    // Weight = support / orders of the antecedent: the confidence.
    let ab = model
        .affinity_between(A, B, AffinityKind::Together)
        .unwrap();
    assert!(near(ab.weight, 2.0 / 3.0));
    // Customer 3 bought A and B: C is the one product left, offered for the
    // affinity that pulls hardest (C's confidences from A, 1/3, and from B,
    // 1/3, tie: the lower id, A).
    let history = [
        HistoryItem {
            product: A,
            last: day(3),
        },
        HistoryItem {
            product: B,
            last: day(4),
        },
    ];
    let offers = model.recommend(&history, &RecommendOptions::plain(3, day(6)));
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].product, C);
    assert!(near(offers[0].score, (1.0 / 3.0 + 1.0 / 3.0) / 2.0));
    match offers[0].reason {
        OfferReason::Affinity(a) => {
            assert_eq!(
                (a.from, a.to, a.kind, a.support),
                (A, C, AffinityKind::Together, 1)
            )
        }
        other => panic!("{other:?}"),
    }
    // A customer who bought everything gets nothing; one who bought nothing
    // gets the popular products, most orders first (A and B in 3, C in 2).
    let all = [A, B, C].map(|product| HistoryItem {
        product,
        last: day(5),
    });
    assert!(model
        .recommend(&all, &RecommendOptions::plain(3, day(6)))
        .is_empty());
    let fresh = model.recommend(&[], &RecommendOptions::plain(3, day(6)));
    let products: Vec<u32> = fresh.iter().map(|o| o.product).collect();
    assert_eq!(products, [A, B, C]);
    assert!(matches!(
        fresh[0].reason,
        OfferReason::Popular { orders: 3, .. }
    ));
}

/// A synthetic shop: 60 products in 6 families; each customer prefers a
/// family and buys 2 to 5 products per order from it, sometimes one from
/// elsewhere.
fn shop(seed: u64) -> Vec<BasketLine> {
    let mut state = seed;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    let mut lines = Vec::new();
    let mut order = 0;
    for customer in 0..200u32 {
        let family = next(6) as u32;
        for k in 0..(1 + next(6)) {
            order += 1;
            let d = (customer as i64 % 30) + 20 * k as i64 + next(10) as i64;
            for _ in 0..(2 + next(4)) {
                let product = if next(10) == 0 {
                    next(60) as u32
                } else {
                    family * 10 + next(10) as u32
                };
                lines.push(line(customer, order, d, product));
            }
        }
    }
    lines
}

fn histories(lines: &[BasketLine]) -> Vec<Vec<HistoryItem>> {
    let mut by: std::collections::BTreeMap<u32, std::collections::BTreeMap<u32, Timestamp>> =
        Default::default();
    for l in lines {
        let last = by
            .entry(l.customer)
            .or_default()
            .entry(l.product)
            .or_insert(l.at);
        *last = (*last).max(l.at);
    }
    by.into_values()
        .map(|h| {
            h.into_iter()
                .map(|(product, last)| HistoryItem { product, last })
                .collect()
        })
        .collect()
}

#[test]
fn never_offers_a_product_bought_and_answers_the_same_whatever_the_order() {
    let lines = shop(7);
    let mut reversed = lines.clone();
    reversed.reverse();
    let now = day(200);
    for options in [AffinityOptions::default(), AffinityOptions::plain()] {
        let model = AffinityModel::learn(&lines, &options).unwrap();
        let again = AffinityModel::learn(&reversed, &options).unwrap();
        assert_eq!(
            model.top_affinities(usize::MAX),
            again.top_affinities(usize::MAX)
        );
        let mut offered = 0;
        for history in histories(&lines) {
            for ropts in [
                RecommendOptions::new(5, now),
                RecommendOptions::plain(5, now),
            ] {
                let offers = model.recommend(&history, &ropts);
                assert_eq!(offers.len(), 5);
                for o in &offers {
                    assert!(
                        history.iter().all(|h| h.product != o.product),
                        "offered {} already bought",
                        o.product
                    );
                }
                let mut shuffled = history.clone();
                shuffled.reverse();
                assert_eq!(offers, again.recommend(&shuffled, &ropts));
                // Best first.
                assert!(offers.windows(2).all(|w| w[0].score >= w[1].score));
                offered += offers.len();
            }
        }
        assert!(offered > 0);
    }
}

#[test]
fn neighbours_are_bounded_and_affinities_point_within_families() {
    let lines = shop(11);
    let options = AffinityOptions {
        top_k: 4,
        ..AffinityOptions::default()
    };
    let model = AffinityModel::learn(&lines, &options).unwrap();
    assert!(model.affinity_count() <= 4 * model.item_count());
    let mut same = 0;
    let mut total = 0;
    for p in 0..60 {
        let n = model.neighbours(p);
        assert!(n.len() <= 4);
        assert!(n.windows(2).all(|w| w[0].weight >= w[1].weight));
        same += n.iter().filter(|a| a.to / 10 == p / 10).count();
        total += n.len();
    }
    // The families are what the data says: most affinities stay inside one.
    assert!(same * 10 >= total * 8, "{same} of {total}");
}

#[test]
fn bad_options_name_the_field_and_no_lines_learn_nothing() {
    for (options, field) in [
        (
            AffinityOptions {
                min_support: 0,
                ..AffinityOptions::default()
            },
            "min_support",
        ),
        (
            AffinityOptions {
                top_k: 0,
                ..AffinityOptions::default()
            },
            "top_k",
        ),
        (
            AffinityOptions {
                shrinkage: f64::NAN,
                ..AffinityOptions::default()
            },
            "shrinkage",
        ),
        (
            AffinityOptions {
                half_life_days: Some(0.0),
                ..AffinityOptions::default()
            },
            "half_life_days",
        ),
        (
            AffinityOptions {
                together: 0.0,
                later: 0.0,
                ..AffinityOptions::default()
            },
            "together",
        ),
    ] {
        let err = AffinityModel::learn(&baskets(), &options).unwrap_err();
        assert!(err.to_string().contains(field), "{err}");
    }
    let empty = AffinityModel::learn(&[], &AffinityOptions::default()).unwrap();
    assert_eq!(empty.item_count(), 0);
    assert!(empty
        .recommend(&[], &RecommendOptions::new(3, day(1)))
        .is_empty());
}

/// Asking for every item fills the list with each item not bought once:
/// the fill keeps sets, not scans of the list.
#[test]
fn a_list_of_every_item_holds_each_unbought_item_once() {
    use ciclo::analytics::affinity::{AffinityModel, BasketLine, HistoryItem, RecommendOptions};
    use ciclo::model::time::Timestamp;
    let at = Timestamp::parse("2026-01-01T00:00:00Z", "t").unwrap();
    let products = 3000u32;
    let lines: Vec<BasketLine> = (0..products)
        .flat_map(|p| {
            (0..2).map(move |c| BasketLine {
                customer: c * products + p,
                order: 0,
                at,
                product: p,
                category: None,
            })
        })
        .chain((0..3).map(|k| BasketLine {
            customer: u32::MAX,
            order: 0,
            at,
            product: k,
            category: None,
        }))
        .collect();
    let model = AffinityModel::learn(&lines, &AffinityOptions::default()).unwrap();
    let history = [HistoryItem {
        product: 0,
        last: at,
    }];
    let offers = model.recommend_excluding(
        &history,
        &[1, 7, 99_999],
        &RecommendOptions::new(products as usize, at),
    );
    let mut ids: Vec<u32> = offers.iter().map(|o| o.product).collect();
    assert_eq!(ids.len(), products as usize - 3);
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), products as usize - 3);
    assert!(!ids.contains(&0) && !ids.contains(&1) && !ids.contains(&7));
}
