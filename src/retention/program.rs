//! A trigger condition compiled flat, for evaluation: every customer at every
//! evaluation runs every rule's condition, so the tree of boxes and vectors
//! becomes a postfix program run over a stack of bits, without branches on
//! the outcome of each comparison and without recursion.

use super::signals::Signals;
use super::triggers::SignalCondition;
use crate::lifecycle::{AttributeId, AttributeTest, Op, Profile};
use crate::model::money::Currency;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Step {
    /// Pushes `signal < value` (false without a value: NaN compares false).
    Lt(u8, f64),
    /// Pushes `signal <= value`.
    Le(u8, f64),
    /// Pushes `signal > value`.
    Gt(u8, f64),
    /// Pushes `signal >= value`.
    Ge(u8, f64),
    /// Pushes `signal == value`.
    Eq(u8, f64),
    /// Pushes `signal != value`, false without a value.
    Ne(u8, f64),
    /// Pops `n` results, pushes whether all hold.
    All(u32),
    /// Pops `n` results, pushes whether one holds.
    Any(u32),
    /// Negates the top result.
    Not,
    /// Pushes `signal op value` for the signal read in a currency (NaN-safe
    /// as the others).
    In(u8, Currency, Op, f64),
    /// Pushes the attribute test at this index of the program's tests (false
    /// without a profile or without the attribute).
    Attr(u32),
}

/// A condition as a postfix program, or the tree itself when the program
/// would need more than 64 results at once.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Program {
    /// The steps, and the attribute tests [`Step::Attr`] names.
    Postfix(Box<[Step]>, Box<[(AttributeId, AttributeTest)]>),
    Tree(SignalCondition),
}

impl Program {
    /// The program of `condition`.
    pub(crate) fn compile(condition: &SignalCondition) -> Program {
        let mut steps = Vec::new();
        let mut tests = Vec::new();
        let mut depth = 0;
        let mut deepest = 0;
        emit(condition, &mut steps, &mut tests, &mut depth, &mut deepest);
        if deepest <= 64 {
            Program::Postfix(steps.into_boxed_slice(), tests.into_boxed_slice())
        } else {
            Program::Tree(condition.clone())
        }
    }

    /// Whether the condition holds: the same answer as
    /// [`SignalCondition::holds_for`].
    pub(crate) fn holds(&self, signals: &Signals, profile: Option<&Profile>) -> bool {
        let (steps, tests) = match self {
            Program::Postfix(steps, tests) => (steps, tests),
            Program::Tree(tree) => return tree.holds_for(signals, profile),
        };
        // The results so far, the latest in the lowest bit.
        let mut stack = 0u64;
        // A signal without a value is NaN, which every comparison but `!=`
        // finds false.
        let raw = signals.raw();
        let at = |s: u8| raw.get(s as usize).copied().unwrap_or(f64::NAN);
        for step in steps.iter() {
            let holds = match *step {
                Step::Lt(s, v) => at(s) < v,
                Step::Le(s, v) => at(s) <= v,
                Step::Gt(s, v) => at(s) > v,
                Step::Ge(s, v) => at(s) >= v,
                Step::Eq(s, v) => at(s) == v,
                Step::Ne(s, v) => {
                    let actual = at(s);
                    !actual.is_nan() && actual != v
                }
                Step::All(n) => {
                    let mask = low_bits(n);
                    let all = stack & mask == mask;
                    stack = shift_out(stack, n);
                    all
                }
                Step::Any(n) => {
                    let any = stack & low_bits(n) != 0;
                    stack = shift_out(stack, n);
                    any
                }
                Step::Not => {
                    let top = stack & 1 == 0;
                    stack >>= 1;
                    top
                }
                Step::In(s, currency, op, v) => {
                    let signal = crate::retention::Signal::ALL[s as usize];
                    signals
                        .get_in(signal, Some(currency))
                        .is_some_and(|actual| op.holds(actual, v))
                }
                Step::Attr(i) => {
                    let (attribute, test) = &tests[i as usize];
                    profile
                        .and_then(|p| p.get(*attribute))
                        .is_some_and(|actual| test.holds(actual))
                }
            };
            stack = stack << 1 | u64::from(holds);
        }
        stack & 1 == 1
    }
}

/// The lowest `n` bits set (`n` at most 64).
fn low_bits(n: u32) -> u64 {
    u64::MAX.checked_shr(64 - n).unwrap_or(0)
}

/// `stack` without its lowest `n` bits.
fn shift_out(stack: u64, n: u32) -> u64 {
    stack.checked_shr(n).unwrap_or(0)
}

fn emit(
    condition: &SignalCondition,
    steps: &mut Vec<Step>,
    tests: &mut Vec<(AttributeId, AttributeTest)>,
    depth: &mut usize,
    deepest: &mut usize,
) {
    match condition {
        SignalCondition::Attribute { attribute, test } => {
            steps.push(Step::Attr(tests.len() as u32));
            tests.push((*attribute, test.clone()));
            *depth += 1;
        }
        SignalCondition::Compare {
            signal,
            op,
            value,
            currency: Some(currency),
        } => {
            steps.push(Step::In(*signal as u8, *currency, *op, *value));
            *depth += 1;
        }
        SignalCondition::Compare {
            signal, op, value, ..
        } => {
            let (s, v) = (*signal as u8, *value);
            steps.push(match op {
                Op::Lt => Step::Lt(s, v),
                Op::Le => Step::Le(s, v),
                Op::Gt => Step::Gt(s, v),
                Op::Ge => Step::Ge(s, v),
                Op::Eq => Step::Eq(s, v),
                Op::Ne => Step::Ne(s, v),
            });
            *depth += 1;
        }
        SignalCondition::All(items) | SignalCondition::Any(items) => {
            for item in items {
                emit(item, steps, tests, depth, deepest);
            }
            let n = items.len() as u32;
            steps.push(if matches!(condition, SignalCondition::All(_)) {
                Step::All(n)
            } else {
                Step::Any(n)
            });
            // Pops n, pushes 1 (an empty list pushes its constant).
            *depth = *depth + 1 - items.len();
        }
        SignalCondition::Not(inner) => {
            emit(inner, steps, tests, depth, deepest);
            steps.push(Step::Not);
        }
    }
    *deepest = (*deepest).max(*depth);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::retention::config::{SignalConditionConfig as C, TriggerConfig};
    use crate::retention::Signal;

    /// Every default rule and a few nested shapes agree with the tree on
    /// signals where each compared signal is absent, below, at or above its
    /// constant.
    #[test]
    fn programs_agree_with_their_trees() {
        let mut conditions: Vec<C> = TriggerConfig::default_rules()
            .into_iter()
            .filter_map(|r| r.when)
            .collect();
        conditions.push(C {
            not: Some(Box::new(C::any(vec![
                C::all(vec![]),
                C::cmp("recency_ratio", "!=", 2.0),
            ]))),
            ..C::default()
        });
        conditions.push(C::any(vec![]));
        conditions.push(C::all(vec![
            C::any(vec![C::cmp("p_alive", "<", 0.5)]),
            C::cmp("revenue", "==", 3.0),
        ]));
        // Signals read in a currency.
        let in_usd = |signal: &str, op: &str, value: f64| C {
            currency: Some("USD".into()),
            ..C::cmp(signal, op, value)
        };
        conditions.push(C::any(vec![
            in_usd("revenue", ">=", 2.0),
            C {
                not: Some(Box::new(in_usd("purchase_count", "!=", 1.0))),
                ..C::default()
            },
            C::all(vec![
                in_usd("revenue", "<", 1.0),
                C::cmp("revenue", ">", 0.0),
            ]),
        ]));
        // Wider than the stack: the tree itself.
        conditions.push(C::any(
            (0..70)
                .map(|i| C::cmp("revenue", "==", f64::from(i)))
                .collect(),
        ));
        let values = [
            None,
            Some(-1.0),
            Some(0.0),
            Some(0.5),
            Some(1.0),
            Some(2.0),
            Some(3.0),
            Some(30.0),
            Some(400.0),
        ];
        let mut seed = 7u64;
        for (k, config) in conditions.iter().enumerate() {
            let tree = SignalCondition::compile(config, "c").unwrap();
            let program = Program::compile(&tree);
            assert_eq!(
                matches!(program, Program::Tree(_)),
                k + 1 == conditions.len(),
                "{k}"
            );
            for _ in 0..2_000 {
                let mut signals = Signals::empty();
                for &s in Signal::ALL {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    signals.set(s, values[(seed >> 33) as usize % values.len()]);
                }
                let usd = crate::model::money::Currency::parse("USD", "c").unwrap();
                for s in [Signal::Revenue, Signal::PurchaseCount] {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    signals.set_in(s, Some(usd), values[(seed >> 33) as usize % values.len()]);
                }
                assert_eq!(
                    program.holds(&signals, None),
                    tree.holds(&signals),
                    "condition {k}: {signals:?}"
                );
            }
        }
    }

    /// Conditions mixing attribute tests and signals agree with their trees
    /// for customers without a profile, without the attribute, and with
    /// each of its values; the tests land in the program's side table.
    #[test]
    fn attribute_tests_agree_with_their_trees() {
        use crate::lifecycle::{presets, AttributeConfig, AttributeType, StageModel};
        use crate::model::event::AttrValue;
        let mut config = presets::six_stage();
        config.attributes.insert(
            "credit_situation".into(),
            AttributeConfig::category(&["1", "2", "3", "4", "5", "6"]),
        );
        config.attributes.insert(
            "employees".into(),
            AttributeConfig::of(AttributeType::Number),
        );
        let model = StageModel::compile(config).unwrap();
        let schema = model.attributes();
        let conditions = [
            C::attr_in("credit_situation", &["3", "4", "5", "6"]),
            C::all(vec![
                C::attr("credit_situation", "!=", "1"),
                C::cmp("revenue", ">=", 1.0),
            ]),
            C::any(vec![
                C::attr("employees", ">=", 250.0),
                C {
                    not: Some(Box::new(C::attr_in("credit_situation", &["2"]))),
                    ..C::default()
                },
            ]),
            C::any(
                (0..70)
                    .map(|i| C::attr("employees", "==", f64::from(i)))
                    .collect(),
            ),
        ];
        let credit = schema.id("credit_situation").unwrap();
        let employees = schema.id("employees").unwrap();
        let mut profiles = vec![None, Some(Profile::default())];
        for c in 1..=6 {
            for e in [None, Some(3), Some(250), Some(1000)] {
                let mut p = Profile::default();
                let mut changes = vec![(
                    credit,
                    Some(
                        schema
                            .read(credit, &AttrValue::Text(c.to_string()), "c")
                            .unwrap(),
                    ),
                )];
                if let Some(e) = e {
                    changes.push((
                        employees,
                        Some(schema.read(employees, &AttrValue::Integer(e), "e").unwrap()),
                    ));
                }
                p.update(&changes);
                profiles.push(Some(p));
            }
        }
        let mut held = 0;
        for (k, config) in conditions.iter().enumerate() {
            let tree = SignalCondition::compile_with(config, "c", schema).unwrap();
            let program = Program::compile(&tree);
            assert_eq!(matches!(program, Program::Tree(_)), k == 3, "{k}");
            for revenue in [None, Some(0.0), Some(5.0)] {
                let mut signals = Signals::empty();
                signals.set(Signal::Revenue, revenue);
                for p in &profiles {
                    let got = program.holds(&signals, p.as_ref());
                    assert_eq!(got, tree.holds_for(&signals, p.as_ref()), "{k}: {p:?}");
                    held += usize::from(got);
                }
            }
        }
        assert!(held > 20, "{held}");
        // Without the schema the attribute is unknown.
        let e = SignalCondition::compile(&conditions[0], "rules[0].when").unwrap_err();
        assert!(e.to_string().contains("rules[0].when.attribute"), "{e}");
    }
}
