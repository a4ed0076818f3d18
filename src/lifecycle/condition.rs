//! Compiled rule conditions and their evaluation.

use std::fmt;

use crate::error::{Error, Result};
use crate::lifecycle::config::ConditionConfig;
use crate::lifecycle::currencies::{config_currency, takes_currency};
use crate::lifecycle::metrics::{EvalContext, Metric, Metrics};
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
    /// Validates a condition; `field` is its path for errors.
    pub fn compile(config: &ConditionConfig, field: &str) -> Result<Condition> {
        let forms = [
            config.all.is_some(),
            config.any.is_some(),
            config.not.is_some(),
            config.metric.is_some()
                || config.op.is_some()
                || config.value.is_some()
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
                .map(|(i, c)| Condition::compile(c, &format!("{field}.{key}[{i}]")))
                .collect::<Result<Vec<_>>>()
        };
        if let Some(items) = &config.all {
            return Ok(Condition::All(list(items, "all")?));
        }
        if let Some(items) = &config.any {
            return Ok(Condition::Any(list(items, "any")?));
        }
        if let Some(inner) = &config.not {
            return Ok(Condition::Not(Box::new(Condition::compile(
                inner,
                &format!("{field}.not"),
            )?)));
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
        let value = config
            .value
            .ok_or_else(|| Error::config(format!("{field}.value"), "missing"))?;
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

    /// Whether the condition holds.
    pub(crate) fn holds(&self, metrics: &Metrics, ctx: &EvalContext<'_>) -> bool {
        match self {
            Condition::All(items) => items.iter().all(|c| c.holds(metrics, ctx)),
            Condition::Any(items) => items.iter().any(|c| c.holds(metrics, ctx)),
            Condition::Not(inner) => !inner.holds(metrics, ctx),
            Condition::Compare {
                metric,
                op,
                value,
                currency,
            } => metrics
                .value_in(*metric, ctx, *currency)
                .is_some_and(|actual| op.holds(actual, *value)),
        }
    }

    /// The comparisons that decide the condition, with the customer's values: every
    /// comparison of an `all`, the branches of an `any` that hold (all of them when
    /// none holds), the inside of a `not`.
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
