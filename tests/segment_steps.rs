//! Segment memberships after every step, not only at the end: after each event,
//! moving tick, attribute call, refresh and snapshot round trip, a customer's
//! memberships are those of evaluating every segment at the watermark, kept
//! memberships keep their entry time, new ones enter at the step's moment, and an
//! event's outcome reports exactly what it entered and left.
//!
//! The segments cover the shapes the apply path settles without evaluating them
//! (segments restricted to other stages, segments reading no metric for a customer
//! without attributes: empty `all` and `any`, negations, nested negations) next to
//! stage-restricted segments over clock, service, purchase and relationship
//! metrics; the events cover every built-in kind, a custom kind, amounts on
//! non-purchases, and declared and undeclared attributes.
use ciclo::lifecycle::{CustomerState, StageModel};
use ciclo::model::{AttrValue, BuiltinKind, Currency, Event, EventKind, Money, Timestamp};

const DAY: i64 = 86_400_000;
const T0: i64 = 1_767_225_600_000;

fn model() -> StageModel {
    let mut config = ciclo::lifecycle::presets::six_stage();
    config.custom_events = vec!["webinar".into()];
    config.attributes = serde_json::from_str(
        r#"{"province": {"type": "category", "values": ["Córdoba", "Mendoza"]},
            "employees": {"type": "number"}}"#,
    )
    .unwrap();
    config.segments = serde_json::from_str(
        r#"[{"name": "a", "stages": ["growth", "retention"],
             "when": {"all": [{"metric": "purchase_count", "op": ">=", "value": 2},
                              {"metric": "days_since_last_activity", "op": "<", "value": 1}]}},
            {"name": "b", "stages": ["awareness", "acquisition"],
             "when": {"any": [{"not": {"attribute": "province", "op": "==", "value": "Córdoba"}},
                              {"attribute": "employees", "op": "<", "value": 10}]}},
            {"name": "c", "stages": ["conversion"], "when": {"all": []}},
            {"name": "d", "when": {"any": []}},
            {"name": "e", "stages": ["reactivation"]},
            {"name": "f", "when": {"not": {"all": [{"attribute": "province", "op": "==", "value": "Mendoza"},
                                                   {"not": {"attribute": "employees", "op": ">", "value": 5}}]}}},
            {"name": "g", "stages": ["conversion"], "when": {"metric": "days_since_last_activity", "op": ">=", "value": 0.5}},
            {"name": "h", "stages": ["awareness"], "when": {"metric": "complaint_count", "op": ">=", "value": 1}},
            {"name": "i", "stages": ["acquisition", "conversion"], "when": {"metric": "days_since_first_seen", "op": ">", "value": 3}},
            {"name": "j", "when": {"any": [{"attribute": "employees", "op": ">=", "value": 100},
                                           {"metric": "renewal_count", "op": ">=", "value": 1}]}},
            {"name": "k", "stages": ["growth"], "when": {"not": {"any": []}}},
            {"name": "l", "stages": ["awareness", "conversion", "reactivation"], "when": {"metric": "days_since_last_activity", "op": "<", "value": 2}},
            {"name": "m", "when": {"all": [{"metric": "revenue", "op": ">=", "value": 1000}, {"attribute": "province", "op": "==", "value": "Mendoza"}]}}]"#,
    ).unwrap();
    StageModel::compile(config).unwrap()
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_millis(ms, "t").unwrap()
}

fn event(rng: &mut Rng, at: Timestamp) -> Event {
    let kinds = BuiltinKind::ALL;
    let pick = rng.below(kinds.len() as u64 + 2) as usize;
    let mut e = if pick >= kinds.len() {
        Event::new("x", at, EventKind::Custom("webinar".into()))
    } else {
        Event::new("x", at, kinds[pick])
    };
    let money = Money {
        minor: 100 * rng.below(3000) as i64 + 1,
        currency: Currency::parse("ARS", "c").unwrap(),
    };
    if let EventKind::Builtin(k) = &e.kind {
        match k {
            BuiltinKind::Purchase => {
                e.amount = Some(money);
                e.category = Some(["a", "b", "c"][rng.below(3) as usize].into());
            }
            BuiltinKind::Renewal if rng.below(2) == 0 => e.amount = Some(money),
            BuiltinKind::Survey => e.score = Some(rng.below(11) as f64),
            _ => {}
        }
    }
    if rng.below(4) == 0 {
        match rng.below(3) {
            0 => {
                e.attributes.insert(
                    "province".into(),
                    AttrValue::Text(["Córdoba", "Mendoza"][rng.below(2) as usize].into()),
                );
            }
            1 => {
                e.attributes
                    .insert("employees".into(), AttrValue::Number(rng.below(200) as f64));
            }
            _ => {
                e.attributes
                    .insert("undeclared".into(), AttrValue::Number(1.0));
            }
        }
    }
    e
}

fn check(
    model: &StageModel,
    before: &[(ciclo::lifecycle::SegmentId, Timestamp)],
    s: &CustomerState,
    at: Timestamp,
    what: &str,
) {
    let members: Vec<_> = s.segments().iter().map(|(id, _)| *id).collect();
    assert_eq!(
        members,
        s.segments_at(model, s.watermark()),
        "{what}: memberships"
    );
    for (id, t) in s.segments() {
        match before.iter().find(|(b, _)| b == id) {
            Some((_, bt)) => assert_eq!(t, bt, "{what}: kept entry time of {id:?}"),
            None => assert_eq!(*t, at, "{what}: new entry time of {id:?}"),
        }
    }
}

#[test]
fn memberships_are_a_full_evaluation_after_every_step() {
    let model = model();
    for seed in 1..6000u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut clock = T0;
        let first = event(&mut rng, ts(clock));
        let (mut s, _) = match CustomerState::start(&model, &first) {
            Ok(x) => x,
            Err(_) => continue,
        };
        check(&model, &[], &s, ts(clock), "start");
        for step in 0..80 {
            let before = s.segments().to_vec();
            let op = rng.below(20);
            let what = format!("seed {seed} step {step} op {op}");
            match op {
                0..=13 => {
                    clock += [0, DAY / 4, DAY, 3 * DAY, 40 * DAY][rng.below(5) as usize];
                    let e = event(&mut rng, ts(clock));
                    let old = s.clone();
                    match s.apply(&model, &e) {
                        Ok(o) => {
                            check(&model, &before, &s, ts(clock), &what);
                            let bits = |l: &[(ciclo::lifecycle::SegmentId, Timestamp)]| {
                                l.iter().fold(0u64, |m, (id, _)| m | 1u64 << id.index())
                            };
                            let (b, a) = (bits(&before), bits(s.segments()));
                            assert_eq!(o.segments.entered, a & !b, "{what}: entered");
                            assert_eq!(o.segments.left, b & !a, "{what}: left");
                        }
                        Err(_) => assert_eq!(s, old, "{what}: error changed the state"),
                    }
                }
                14 | 15 => {
                    clock += [DAY, 10 * DAY, 200 * DAY][rng.below(3) as usize];
                    let now = ts(clock);
                    if s.tick(&model, now).is_some() {
                        check(&model, &before, &s, now, &what);
                    }
                }
                16 => {
                    let v = match rng.below(4) {
                        0 => ("province", None),
                        1 => ("employees", None),
                        2 => ("province", Some(AttrValue::Text("Mendoza".into()))),
                        _ => ("employees", Some(AttrValue::Number(rng.below(20) as f64))),
                    };
                    if s.set_attributes(&model, &[v]).unwrap() {
                        check(&model, &before, &s, s.watermark(), &what);
                    }
                }
                17 => {
                    clock += DAY * rng.below(5) as i64;
                    let now = ts(clock);
                    s.refresh_segments(&model, now);
                    // refresh evaluates at now, not the watermark: check against now
                    let members: Vec<_> = s.segments().iter().map(|(id, _)| *id).collect();
                    assert_eq!(members, s.segments_at(&model, now), "{what}");
                }
                18 => {
                    let r = CustomerState::from_record(&model, s.to_record(&model)).unwrap();
                    assert_eq!(r, s);
                    s = r;
                }
                _ => {
                    // Remove all attributes.
                    if s.set_attributes(&model, &[("province", None), ("employees", None)])
                        .unwrap()
                    {
                        check(&model, &before, &s, s.watermark(), &what);
                    }
                }
            }
        }
    }
}
