//! Compiled rule conditions and their evaluation.

use std::fmt;

use crate::error::{Error, Result};
use crate::lifecycle::config::{AttributeType, ConditionConfig, ConditionValue};
use crate::lifecycle::currencies::{config_currency, takes_currency};
use crate::lifecycle::metrics::{EvalContext, Metric, Metrics};
use crate::lifecycle::profile::{
    compare, parse_date, AttributeId, AttributeSchema, AttributeValue,
};
use crate::model::event::AttrValue;
use crate::model::money::Currency;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl Op {
    pub(crate) fn parse(text: &str) -> Option<Op> {
        Some(match text {
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "==" => Op::Eq,
            "!=" => Op::Ne,
            _ => return None,
        })
    }

    /// The operator as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }

    pub(crate) fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Eq => a == b,
            Op::Ne => a != b,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A validated condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// Every condition holds.
    All(Vec<Condition>),
    /// At least one holds.
    Any(Vec<Condition>),
    /// The condition does not hold.
    Not(Box<Condition>),
    /// `metric op value`; false when the metric has no value.
    Compare {
        /// The metric.
        metric: Metric,
        /// The operator.
        op: Op,
        /// The constant.
        value: f64,
        /// The currency a money metric is read in, when the condition names
        /// one.
        currency: Option<Currency>,
    },
    /// A test of a host attribute; false when the customer does not have it.
    Attribute {
        /// The attribute.
        attribute: AttributeId,
        /// The test.
        test: AttributeTest,
    },
}

/// What an attribute condition tests.
#[derive(Clone, Debug, PartialEq)]
pub enum AttributeTest {
    /// `attribute op value`.
    Compare {
        /// The operator.
        op: Op,
        /// The constant, typed as the attribute.
        value: AttributeValue,
    },
    /// The value is one of these.
    OneOf(Box<[AttributeValue]>),
}

impl AttributeTest {
    pub(crate) fn holds(&self, actual: &AttributeValue) -> bool {
        match self {
            AttributeTest::Compare { op, value } => {
                compare(actual, value).is_some_and(|o| match op {
                    Op::Lt => o.is_lt(),
                    Op::Le => o.is_le(),
                    Op::Gt => o.is_gt(),
                    Op::Ge => o.is_ge(),
                    Op::Eq => o.is_eq(),
                    Op::Ne => o.is_ne(),
                })
            }
            AttributeTest::OneOf(values) => values.contains(actual),
        }
    }
}

/// What a condition reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Reads {
    /// Some metric.
    pub metrics: bool,
    /// Some `event.*` metric.
    pub event_metrics: bool,
    /// Some attribute.
    pub attributes: bool,
    /// The metrics' [`Sections`](crate::lifecycle::metrics::Sections) bits.
    pub sections: u8,
    /// The attributes read.
    pub attribute_set: crate::lifecycle::profile::AttributeSet,
    /// Some metric of [`Sections::ANY`](crate::lifecycle::metrics::Sections)
    /// other than `days_since_last_activity` (which is 0 after an event
    /// whenever the watermark equals the last activity, as it does while a
    /// fresh bit is set: see `Memberships`).
    pub clock_besides_activity: bool,
}

/// One comparison seen while evaluating a condition: the evidence behind a
/// transition.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evidence {
    /// The metric compared.
    pub metric: Metric,
    /// The operator.
    pub op: Op,
    /// The rule's constant.
    pub threshold: f64,
    /// The customer's value, `None` when undefined.
    pub actual: Option<f64>,
    /// The currency the value was read in (money metrics, and
    /// `purchase_count` when the condition names one).
    pub currency: Option<Currency>,
}

impl Condition {
    /// Validates a condition that reads no attribute; `field` is its path for
    /// errors.
    pub fn compile(config: &ConditionConfig, field: &str) -> Result<Condition> {
        Condition::compile_with(config, field, &AttributeSchema::default())
    }

    /// Validates a condition that may read the attributes `attributes`
    /// declares; `field` is its path for errors (an attribute not declared is
    /// a [`Error::Config`] naming it).
    pub fn compile_with(
        config: &ConditionConfig,
        field: &str,
        attributes: &AttributeSchema,
    ) -> Result<Condition> {
        let forms = [
            config.all.is_some(),
            config.any.is_some(),
            config.not.is_some(),
            config.metric.is_some()
                || config.attribute.is_some()
                || config.op.is_some()
                || config.value.is_some()
                || config.one_of.is_some()
                || config.currency.is_some(),
        ];
        if forms.iter().filter(|&&f| f).count() != 1 {
            return Err(Error::config(
                field,
                "a condition has exactly one of `all`, `any`, `not`, or `metric`/`op`/`value`",
            ));
        }
        let list = |items: &[ConditionConfig], key: &str| {
            items
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    Condition::compile_with(c, &format!("{field}.{key}[{i}]"), attributes)
                })
                .collect::<Result<Vec<_>>>()
        };
        if let Some(items) = &config.all {
            return Ok(Condition::All(list(items, "all")?));
        }
        if let Some(items) = &config.any {
            return Ok(Condition::Any(list(items, "any")?));
        }
        if let Some(inner) = &config.not {
            return Ok(Condition::Not(Box::new(Condition::compile_with(
                inner,
                &format!("{field}.not"),
                attributes,
            )?)));
        }
        if config.attribute.is_some() {
            return compile_attribute(config, field, attributes);
        }
        if config.one_of.is_some() {
            return Err(Error::config(
                format!("{field}.in"),
                "`in` tests an attribute, not a metric",
            ));
        }
        let name = config
            .metric
            .as_deref()
            .ok_or_else(|| Error::config(format!("{field}.metric"), "missing"))?;
        let metric = Metric::from_name(name).ok_or_else(|| Error::UnknownMetric {
            field: format!("{field}.metric"),
            metric: name.to_string(),
        })?;
        let op_text = config
            .op
            .as_deref()
            .ok_or_else(|| Error::config(format!("{field}.op"), "missing"))?;
        let op = Op::parse(op_text).ok_or_else(|| {
            Error::config(
                format!("{field}.op"),
                format!("`{op_text}` is not one of <, <=, >, >=, ==, !="),
            )
        })?;
        let value = match &config.value {
            None => return Err(Error::config(format!("{field}.value"), "missing")),
            Some(ConditionValue::Number(n)) => *n,
            Some(ConditionValue::Text(_)) => {
                return Err(Error::config(
                    format!("{field}.value"),
                    format!("`{name}` compares with a number, not a string"),
                ))
            }
        };
        if !value.is_finite() {
            return Err(Error::config(format!("{field}.value"), "must be finite"));
        }
        let currency = match &config.currency {
            None => None,
            Some(_) if !takes_currency(metric) => {
                return Err(Error::config(
                    format!("{field}.currency"),
                    format!(
                        "`{name}` is not read in a currency: only revenue, \
                         average_order_value, event.amount and purchase_count are"
                    ),
                ))
            }
            Some(code) => Some(config_currency(code, &format!("{field}.currency"))?),
        };
        Ok(Condition::Compare {
            metric,
            op,
            value,
            currency,
        })
    }

    /// What the condition reads.
    pub(crate) fn reads(&self) -> Reads {
        let mut out = Reads::default();
        self.reads_into(&mut out);
        out
    }

    /// Whether the condition holds for a customer without attributes, when
    /// it reads no metric (then its outcome is the same for every such
    /// customer); `None` when it reads a metric.
    pub(crate) fn holds_without_attributes(&self) -> Option<bool> {
        Some(match self {
            Condition::All(items) => {
                let mut all = true;
                for c in items {
                    all &= c.holds_without_attributes()?;
                }
                all
            }
            Condition::Any(items) => {
                let mut any = false;
                for c in items {
                    any |= c.holds_without_attributes()?;
                }
                any
            }
            Condition::Not(inner) => !inner.holds_without_attributes()?,
            // A test of an attribute the customer lacks is false.
            Condition::Attribute { .. } => false,
            Condition::Compare { .. } => return None,
        })
    }

    fn reads_into(&self, out: &mut Reads) {
        match self {
            Condition::All(items) | Condition::Any(items) => {
                items.iter().for_each(|c| c.reads_into(out))
            }
            Condition::Not(inner) => inner.reads_into(out),
            Condition::Compare { metric, .. } => {
                out.metrics = true;
                out.event_metrics |= metric.name().starts_with("event.");
                out.sections |= metric.sections();
                out.clock_besides_activity |=
                    metric.sections() & crate::lifecycle::metrics::Sections::ANY != 0
                        && *metric != Metric::DaysSinceLastActivity;
            }
            Condition::Attribute { attribute, .. } => {
                out.attributes = true;
                out.attribute_set.insert(*attribute);
            }
        }
    }

    /// Whether the condition holds.
    pub(crate) fn holds(&self, metrics: &Metrics, ctx: &EvalContext<'_>) -> bool {
        match self {
            // The comparisons of an `all` or `any` are evaluated in the loop,
            // not by a call each (most conditions are a list of comparisons).
            Condition::All(items) => items.iter().all(|c| c.holds_inline(metrics, ctx)),
            Condition::Any(items) => items.iter().any(|c| c.holds_inline(metrics, ctx)),
            Condition::Not(inner) => !inner.holds(metrics, ctx),
            leaf => leaf.holds_inline(metrics, ctx),
        }
    }

    /// [`Condition::holds`], with a comparison evaluated in place and a list
    /// by a call.
    #[inline(always)]
    pub(crate) fn holds_inline(&self, metrics: &Metrics, ctx: &EvalContext<'_>) -> bool {
        match self {
            Condition::Attribute { attribute, test } => ctx
                .profile
                .and_then(|p| p.get(*attribute))
                .is_some_and(|actual| test.holds(actual)),
            Condition::Compare {
                metric,
                op,
                value,
                currency,
            } => {
                // The metrics segments and rules read most, read in place
                // (the same values as `value_in`, without its dispatch).
                let actual = match (metric, currency) {
                    (Metric::DaysSinceLastActivity, _) => {
                        Some(ctx.now.days_since(metrics.last_activity))
                    }
                    (Metric::EventCount, _) => Some(metrics.event_count as f64),
                    (Metric::PurchaseCount, None) => {
                        Some(metrics.purchases.as_deref().map_or(0, |p| p.count) as f64)
                    }
                    _ => metrics.value_in(*metric, ctx, *currency),
                };
                actual.is_some_and(|actual| op.holds(actual, *value))
            }
            list => list.holds(metrics, ctx),
        }
    }

    /// The comparisons that decide the condition, with the customer's values: every
    /// comparison of an `all`, the branches of an `any` that hold (all of them when
    /// none holds), the inside of a `not`. Attribute tests are not metric
    /// comparisons and are not listed.
    pub(crate) fn evidence(
        &self,
        metrics: &Metrics,
        ctx: &EvalContext<'_>,
        out: &mut Vec<Evidence>,
    ) {
        match self {
            Condition::All(items) => items.iter().for_each(|c| c.evidence(metrics, ctx, out)),
            Condition::Any(items) => {
                let holding: Vec<&Condition> =
                    items.iter().filter(|c| c.holds(metrics, ctx)).collect();
                if holding.is_empty() {
                    items.iter().for_each(|c| c.evidence(metrics, ctx, out));
                } else {
                    holding
                        .into_iter()
                        .for_each(|c| c.evidence(metrics, ctx, out));
                }
            }
            Condition::Not(inner) => inner.evidence(metrics, ctx, out),
            Condition::Attribute { .. } => {}
            Condition::Compare {
                metric,
                op,
                value,
                currency,
            } => out.push(Evidence {
                metric: *metric,
                op: *op,
                threshold: *value,
                actual: metrics.value_in(*metric, ctx, *currency),
                currency: metrics.currency_read(*metric, ctx, *currency),
            }),
        }
    }
}

/// Compiles `{"attribute": ..., "op": ..., "value": ...}` or
/// `{"attribute": ..., "in": [...]}`.
fn compile_attribute(
    config: &ConditionConfig,
    field: &str,
    attributes: &AttributeSchema,
) -> Result<Condition> {
    let name = config.attribute.as_deref().unwrap_or_default();
    if config.metric.is_some() {
        return Err(Error::config(
            format!("{field}.metric"),
            "a comparison names a metric or an attribute, not both",
        ));
    }
    if config.currency.is_some() {
        return Err(Error::config(
            format!("{field}.currency"),
            "an attribute is not read in a currency",
        ));
    }
    let attribute = attributes.id(name).ok_or_else(|| {
        Error::config(
            format!("{field}.attribute"),
            format!(
                "unknown attribute `{}`: declare it in the model's `attributes`",
                crate::model::time::clip(name)
            ),
        )
    })?;
    let decl = attributes.decl(attribute);
    // A constant, read as the attribute's values are.
    let constant = |value: &ConditionValue, at: &str| -> Result<AttributeValue> {
        let given = match value {
            ConditionValue::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
                AttrValue::Integer(*n as i64)
            }
            ConditionValue::Number(n) => AttrValue::Number(*n),
            ConditionValue::Text(t) => AttrValue::Text(t.clone()),
        };
        if decl.kind == AttributeType::Number {
            // Bounds limit what a customer may have, not what a rule compares with.
            return match given {
                AttrValue::Integer(i) => Ok(AttributeValue::Number(i as f64)),
                AttrValue::Number(n) if n.is_finite() => Ok(AttributeValue::Number(n)),
                _ => Err(Error::config(
                    at,
                    format!("`{name}` is a number: compare it with a finite number"),
                )),
            };
        }
        if decl.kind == AttributeType::Date {
            if let AttrValue::Text(t) = &given {
                if let Some(d) = parse_date(t) {
                    return Ok(AttributeValue::Date(d));
                }
            }
            return Err(Error::config(
                at,
                format!("`{name}` is a date: compare it with a \"YYYY-MM-DD\" string"),
            ));
        }
        attributes.read(attribute, &given, at).map_err(|e| match e {
            Error::InvalidArgument { field, message } => Error::Config { field, message },
            other => other,
        })
    };
    if let Some(values) = &config.one_of {
        if config.op.is_some() || config.value.is_some() {
            return Err(Error::config(
                format!("{field}.in"),
                "`in` goes without `op` and `value`",
            ));
        }
        if !matches!(decl.kind, AttributeType::Text | AttributeType::Category) {
            return Err(Error::config(
                format!("{field}.in"),
                format!("`in` tests a text or category attribute; `{name}` is neither"),
            ));
        }
        let values = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                constant(
                    &ConditionValue::Text(v.clone()),
                    &format!("{field}.in[{i}]"),
                )
            })
            .collect::<Result<Vec<_>>>()?;
        return Ok(Condition::Attribute {
            attribute,
            test: AttributeTest::OneOf(values.into_boxed_slice()),
        });
    }
    let op_text = config
        .op
        .as_deref()
        .ok_or_else(|| Error::config(format!("{field}.op"), "missing"))?;
    let op = Op::parse(op_text).ok_or_else(|| {
        Error::config(
            format!("{field}.op"),
            format!("`{op_text}` is not one of <, <=, >, >=, ==, !="),
        )
    })?;
    if matches!(decl.kind, AttributeType::Text | AttributeType::Category)
        && !matches!(op, Op::Eq | Op::Ne)
    {
        return Err(Error::config(
            format!("{field}.op"),
            format!("`{name}` is a text or category: compare it with == or !="),
        ));
    }
    let value = config
        .value
        .as_ref()
        .ok_or_else(|| Error::config(format!("{field}.value"), "missing"))?;
    let value = constant(value, &format!("{field}.value"))?;
    Ok(Condition::Attribute {
        attribute,
        test: AttributeTest::Compare { op, value },
    })
}
