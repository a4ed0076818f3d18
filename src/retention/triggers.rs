//! Retention triggers: rules over signals that name an action, with
//! priorities, cooldowns and caps so that no customer is spammed.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::churn::{ChurnRisk, ChurnScore};
use super::config::{CapConfig, RuleConfig, SignalConditionConfig, TriggerConfig};
use super::program::Program;
use super::signals::{CustomerModels, Signal, SignalContext, SignalSet, Signals};
use super::winback::WinBackConfig;
use crate::error::{Error, Result};
use crate::lifecycle::currencies::config_currency;
use crate::lifecycle::state::CustomerState;
use crate::lifecycle::ConditionValue;
use crate::lifecycle::{
    AttributeId, AttributeSchema, AttributeTest, Condition, ConditionConfig, Op, Profile, StageId,
    StageModel,
};
use crate::model::money::Currency;
use crate::model::time::Timestamp;

/// What a trigger asks the host to do.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Enrol in the loyalty programme (`loyalty_program`).
    LoyaltyProgram,
    /// A benefit earned by tenure or history (`exclusive_benefit`).
    ExclusiveBenefit,
    /// A discount (`discount`).
    Discount,
    /// A person calls or writes (`personal_outreach`).
    PersonalOutreach,
    /// An offer with better conditions to come back (`win_back_offer`).
    WinBackOffer,
    /// The host's own action.
    Custom(String),
}

impl Action {
    /// The action with this name: a built-in one, or a custom name (lowercase
    /// ASCII letters, digits, `_`, `-` and `.`, 1 to 64 of them).
    pub fn parse(name: &str) -> Option<Action> {
        Some(match name {
            "loyalty_program" => Action::LoyaltyProgram,
            "exclusive_benefit" => Action::ExclusiveBenefit,
            "discount" => Action::Discount,
            "personal_outreach" => Action::PersonalOutreach,
            "win_back_offer" => Action::WinBackOffer,
            custom => {
                let valid = (1..=64).contains(&custom.len())
                    && custom.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b)
                    });
                if !valid {
                    return None;
                }
                Action::Custom(custom.to_string())
            }
        })
    }

    /// The action's name.
    pub fn name(&self) -> &str {
        match self {
            Action::LoyaltyProgram => "loyalty_program",
            Action::ExclusiveBenefit => "exclusive_benefit",
            Action::Discount => "discount",
            Action::PersonalOutreach => "personal_outreach",
            Action::WinBackOffer => "win_back_offer",
            Action::Custom(name) => name,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Action {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Action, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Action::parse(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("`{name}` is not an action name")))
    }
}

/// A validated condition over signals.
#[derive(Clone, Debug, PartialEq)]
pub enum SignalCondition {
    /// Every condition holds.
    All(Vec<SignalCondition>),
    /// At least one holds.
    Any(Vec<SignalCondition>),
    /// The condition does not hold.
    Not(Box<SignalCondition>),
    /// `signal op value`; false when the signal has no value.
    Compare {
        /// The signal.
        signal: Signal,
        /// The operator.
        op: Op,
        /// The constant.
        value: f64,
        /// The currency the signal is read in (`revenue`, `purchase_count`),
        /// when the condition names one.
        currency: Option<Currency>,
    },
    /// A test of a host attribute; false when the customer does not have it
    /// (or no profile is given).
    Attribute {
        /// The attribute.
        attribute: AttributeId,
        /// The test.
        test: AttributeTest,
    },
}

/// One comparison behind a firing, with the customer's value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SignalEvidence {
    /// The signal compared.
    pub signal: Signal,
    /// The operator, as written (`>=`).
    pub op: &'static str,
    /// The rule's constant.
    pub threshold: f64,
    /// The customer's value, `None` when undefined.
    pub actual: Option<f64>,
    /// The currency the condition read the signal in, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
}

impl SignalCondition {
    /// Validates a condition that reads no attribute; `field` is its path for
    /// errors.
    ///
    /// # Errors
    ///
    /// As [`SignalCondition::compile_with`] (every attribute is unknown).
    pub fn compile(config: &SignalConditionConfig, field: &str) -> Result<SignalCondition> {
        SignalCondition::compile_with(config, field, &AttributeSchema::default())
    }

    /// Validates a condition that may test the host attributes `attributes`
    /// declares (a stage model's, [`StageModel::attributes`]); `field` is its
    /// path for errors.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the field for a malformed condition, an
    /// unknown signal or operator, a constant that is not finite, an
    /// attribute not declared (`rules[0].when.attribute`), or a test that
    /// does not fit the attribute's type (as
    /// [`Condition::compile_with`] for stage rules).
    pub fn compile_with(
        config: &SignalConditionConfig,
        field: &str,
        attributes: &AttributeSchema,
    ) -> Result<SignalCondition> {
        let forms = [
            config.all.is_some(),
            config.any.is_some(),
            config.not.is_some(),
            config.signal.is_some()
                || config.attribute.is_some()
                || config.op.is_some()
                || config.value.is_some()
                || config.one_of.is_some()
                || config.currency.is_some(),
        ];
        if forms.iter().filter(|&&f| f).count() != 1 {
            return Err(Error::config(
                field,
                "a condition has exactly one of `all`, `any`, `not`, `signal`/`op`/`value` \
                 or `attribute` with `op`/`value` or `in`",
            ));
        }
        let list = |items: &[SignalConditionConfig], key: &str| {
            items
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    SignalCondition::compile_with(c, &format!("{field}.{key}[{i}]"), attributes)
                })
                .collect::<Result<Vec<_>>>()
        };
        if let Some(items) = &config.all {
            return Ok(SignalCondition::All(list(items, "all")?));
        }
        if let Some(items) = &config.any {
            return Ok(SignalCondition::Any(list(items, "any")?));
        }
        if let Some(inner) = &config.not {
            return Ok(SignalCondition::Not(Box::new(
                SignalCondition::compile_with(inner, &format!("{field}.not"), attributes)?,
            )));
        }
        if config.attribute.is_some() {
            return compile_attribute(config, field, attributes);
        }
        if config.one_of.is_some() {
            return Err(Error::config(
                format!("{field}.in"),
                "`in` tests an attribute, not a signal",
            ));
        }
        let name = config
            .signal
            .as_deref()
            .ok_or_else(|| Error::config(format!("{field}.signal"), "missing"))?;
        let signal = Signal::from_name(name).ok_or_else(|| {
            Error::config(
                format!("{field}.signal"),
                format!(
                    "unknown signal `{name}` (known: {})",
                    Signal::ALL
                        .iter()
                        .map(|s| s.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
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
            Some(_) if !matches!(signal, Signal::Revenue | Signal::PurchaseCount) => {
                return Err(Error::config(
                    format!("{field}.currency"),
                    format!(
                        "`{name}` is not read in a currency: only revenue and purchase_count \
                         are (expected_value is in the currency the models were fitted in)"
                    ),
                ))
            }
            Some(code) => Some(config_currency(code, &format!("{field}.currency"))?),
        };
        Ok(SignalCondition::Compare {
            signal,
            op,
            value,
            currency,
        })
    }

    /// `out` with the signals the condition reads in a currency it names.
    fn currencies(&self, out: &mut Vec<(Signal, Currency)>) {
        match self {
            SignalCondition::All(items) | SignalCondition::Any(items) => {
                items.iter().for_each(|c| c.currencies(out))
            }
            SignalCondition::Not(inner) => inner.currencies(out),
            SignalCondition::Compare {
                signal,
                currency: Some(c),
                ..
            } => {
                if !out.contains(&(*signal, *c)) {
                    out.push((*signal, *c));
                }
            }
            SignalCondition::Compare { .. } | SignalCondition::Attribute { .. } => {}
        }
    }

    /// `set` with the signals the condition reads.
    fn signals(&self, set: SignalSet) -> SignalSet {
        match self {
            SignalCondition::All(items) | SignalCondition::Any(items) => {
                items.iter().fold(set, |set, c| c.signals(set))
            }
            SignalCondition::Not(inner) => inner.signals(set),
            SignalCondition::Compare { signal, .. } => set.with(*signal),
            SignalCondition::Attribute { .. } => set,
        }
    }

    /// Whether the condition holds on signals alone: every attribute test is
    /// false (as for a customer without attributes). See
    /// [`SignalCondition::holds_for`].
    pub fn holds(&self, signals: &Signals) -> bool {
        self.holds_for(signals, None)
    }

    /// Whether the condition holds for a customer with these signals and
    /// this profile (their attributes: [`CustomerState::profile`]).
    pub fn holds_for(&self, signals: &Signals, profile: Option<&Profile>) -> bool {
        match self {
            SignalCondition::All(items) => items.iter().all(|c| c.holds_for(signals, profile)),
            SignalCondition::Any(items) => items.iter().any(|c| c.holds_for(signals, profile)),
            SignalCondition::Not(inner) => !inner.holds_for(signals, profile),
            SignalCondition::Attribute { attribute, test } => profile
                .and_then(|p| p.get(*attribute))
                .is_some_and(|actual| test.holds(actual)),
            SignalCondition::Compare {
                signal,
                op,
                value,
                currency,
            } => signals
                .get_in(*signal, *currency)
                .is_some_and(|actual| op.holds(actual, *value)),
        }
    }

    /// The comparisons that decide the condition, with the customer's
    /// values: every comparison of an `all`, the branches of an `any` that
    /// hold (all of them when none holds), the inside of a `not`. On signals
    /// alone, as [`SignalCondition::holds`]; see
    /// [`SignalCondition::evidence_for`].
    pub fn evidence(&self, signals: &Signals, out: &mut Vec<SignalEvidence>) {
        self.evidence_for(signals, None, out)
    }

    /// [`SignalCondition::evidence`] for a customer with this profile.
    /// Attribute tests decide which branches of an `any` hold, but are not
    /// signal comparisons and are not listed (as for stage rules).
    pub fn evidence_for(
        &self,
        signals: &Signals,
        profile: Option<&Profile>,
        out: &mut Vec<SignalEvidence>,
    ) {
        match self {
            SignalCondition::All(items) => items
                .iter()
                .for_each(|c| c.evidence_for(signals, profile, out)),
            SignalCondition::Any(items) => {
                let holding: Vec<&SignalCondition> = items
                    .iter()
                    .filter(|c| c.holds_for(signals, profile))
                    .collect();
                if holding.is_empty() {
                    items
                        .iter()
                        .for_each(|c| c.evidence_for(signals, profile, out));
                } else {
                    holding
                        .into_iter()
                        .for_each(|c| c.evidence_for(signals, profile, out));
                }
            }
            SignalCondition::Not(inner) => inner.evidence_for(signals, profile, out),
            SignalCondition::Attribute { .. } => {}
            SignalCondition::Compare {
                signal,
                op,
                value,
                currency,
            } => out.push(SignalEvidence {
                signal: *signal,
                op: op.as_str(),
                threshold: *value,
                actual: signals.get_in(*signal, *currency),
                currency: *currency,
            }),
        }
    }
}

/// A compiled rule.
#[derive(Clone, Debug, PartialEq)]
struct TriggerRule {
    name: String,
    when: Option<SignalCondition>,
    /// `when`, compiled flat.
    program: Option<Program>,
    /// Stages it applies in; every stage when `None`.
    stages: Option<Vec<StageId>>,
    action: Action,
    priority: i32,
    cooldown_days: f64,
    cap: Option<CapConfig>,
}

/// Retention triggers compiled against a stage model: the rules, the churn
/// score and what the signals need.
///
/// ```
/// use ciclo::retention::{FiringLog, TriggerConfig, Triggers};
/// use ciclo::{json, StageModel};
///
/// let model = StageModel::six_stage();
/// let triggers = Triggers::compile(&TriggerConfig::default(), &model)?;
/// // A customer who complained twice within the window.
/// let mut state = None;
/// for line in [
///     r#"{"customer": "c-1", "at": "2026-01-05T10:00:00Z", "kind": "purchase", "amount": 1000, "currency": "ARS"}"#,
///     r#"{"customer": "c-1", "at": "2026-02-01T10:00:00Z", "kind": "complaint"}"#,
///     r#"{"customer": "c-1", "at": "2026-02-03T10:00:00Z", "kind": "complaint"}"#,
/// ] {
///     let event = json::event_from_json(line)?;
///     state = Some(ciclo::lifecycle::step(&model, state.as_ref(), &event)?.0);
/// }
/// let state = state.unwrap();
/// let now = ciclo::model::Timestamp::parse("2026-02-03T12:00:00Z", "now")?;
/// let mut log = FiringLog::default();
/// let firings = triggers.evaluate(&state, &model, now, None, &mut log);
/// assert_eq!(firings[0].rule, "discontent");
/// assert_eq!(firings[0].action.name(), "personal_outreach");
/// // The cooldown keeps it quiet the next day.
/// let later = ciclo::model::Timestamp::parse("2026-02-04T12:00:00Z", "now")?;
/// assert!(triggers.evaluate(&state, &model, later, None, &mut log).is_empty());
/// # Ok::<(), ciclo::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Triggers {
    /// Rules by priority, highest first (config order among equals).
    rules: Vec<TriggerRule>,
    churn: ChurnScore,
    contract_term_days: Option<f64>,
    contact_cap: CapConfig,
    max_per_evaluation: u32,
    win_back: WinBackConfig,
    /// The signals the rules and the churn score read.
    wanted: SignalSet,
    /// The currency `revenue` is read in when a condition names none.
    currency: Option<Currency>,
    /// The signals rules read in a currency they name.
    in_currencies: Vec<(Signal, Currency)>,
    /// The longest time a log entry matters, in days.
    memory_days: f64,
}

/// A rule that fired for a customer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Firing {
    /// The rule's name.
    pub rule: String,
    /// What to do.
    pub action: Action,
    /// The rule's priority.
    pub priority: i32,
    /// When it fired.
    pub at: Timestamp,
    /// The comparisons that made the rule hold, with the customer's values.
    pub evidence: Vec<SignalEvidence>,
    /// The customer's churn risk at that moment, if any signal it weighs has a
    /// value.
    pub churn_risk: Option<f64>,
}

/// One customer's past firings, as far back as cooldowns and caps look: what
/// keeps the triggers from repeating themselves. Hosts that keep customer
/// states themselves keep this beside each state (it round-trips exactly
/// through serde); the engine keeps it for them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiringLog {
    /// Rule names and firing times, oldest first.
    pub entries: Vec<(String, Timestamp)>,
}

impl FiringLog {
    fn since<'a>(&'a self, from: Timestamp) -> impl Iterator<Item = &'a (String, Timestamp)> + 'a {
        self.entries.iter().filter(move |(_, at)| *at > from)
    }
}

impl Triggers {
    /// Validates `config` against the stage model the customers live in.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the field (`rules[2].when.all[0].signal`,
    /// `rules[1].cooldown_days`, `contact_cap.count`, ...) for an empty or
    /// repeated rule name, an unknown signal, action or operator, a negative
    /// or non-finite number of days, a cap of 0, or a bad churn component;
    /// [`Error::UnknownStage`] for a stage the model does not have.
    pub fn compile(config: &TriggerConfig, model: &StageModel) -> Result<Triggers> {
        let mut rules = Vec::with_capacity(config.rules.len());
        for (i, rule) in config.rules.iter().enumerate() {
            rules.push(compile_rule(
                rule,
                &format!("rules[{i}]"),
                model,
                &config.rules[..i],
            )?);
        }
        check_cap(&config.contact_cap, "contact_cap")?;
        config.win_back.check()?;
        if config.max_per_evaluation == 0 {
            return Err(Error::config("max_per_evaluation", "must be at least 1"));
        }
        if let Some(term) = config.contract_term_days {
            if !(term.is_finite() && term > 0.0) {
                return Err(Error::config(
                    "contract_term_days",
                    format!("{term} is not a positive number of days"),
                ));
            }
        }
        let churn = match &config.churn {
            Some(components) => ChurnScore::new(components.clone())?,
            None => ChurnScore::default(),
        };
        rules.sort_by_key(|r| std::cmp::Reverse(r.priority));
        let mut wanted = churn
            .components()
            .iter()
            .fold(SignalSet::NONE, |set, c| set.with(c.signal));
        let mut in_currencies = Vec::new();
        for rule in &rules {
            if let Some(when) = &rule.when {
                wanted = when.signals(wanted);
                when.currencies(&mut in_currencies);
            }
        }
        let currency = config
            .currency
            .as_deref()
            .map(|code| config_currency(code, "currency"))
            .transpose()?;
        let memory_days = rules
            .iter()
            .map(|r| r.cooldown_days.max(r.cap.map_or(0.0, |c| c.period_days)))
            .fold(config.contact_cap.period_days, f64::max);
        Ok(Triggers {
            rules,
            churn,
            contract_term_days: config.contract_term_days,
            contact_cap: config.contact_cap,
            max_per_evaluation: config.max_per_evaluation,
            win_back: config.win_back,
            wanted,
            currency,
            in_currencies,
            memory_days,
        })
    }

    /// The churn score.
    pub fn churn_score(&self) -> &ChurnScore {
        &self.churn
    }

    /// When a customer has lapsed, and the reactivation rate assumed.
    pub fn win_back(&self) -> &WinBackConfig {
        &self.win_back
    }

    /// The currency `revenue` is read in when a condition names none
    /// (`None`: the stage model's, else each customer's first).
    pub fn currency(&self) -> Option<Currency> {
        self.currency
    }

    /// Every signal of `state` at `now`, the churn risk included.
    pub fn signals(
        &self,
        state: &CustomerState,
        model: &StageModel,
        now: Timestamp,
        models: Option<&CustomerModels>,
    ) -> Signals {
        self.signals_of(state, model, now, models, SignalSet::ALL)
    }

    fn signals_of(
        &self,
        state: &CustomerState,
        model: &StageModel,
        now: Timestamp,
        models: Option<&CustomerModels>,
        wanted: SignalSet,
    ) -> Signals {
        let context = SignalContext {
            currency: self.currency.or(model.currency()),
            in_currencies: &self.in_currencies,
            contract_term_days: self.contract_term_days,
            models,
            wanted,
        };
        let mut signals = Signals::of(state, model, now, &context);
        if wanted.contains(Signal::ChurnRisk) {
            signals.set(Signal::ChurnRisk, self.churn.score(&signals));
        }
        signals
    }

    /// The customer's churn risk at `now`, explained.
    pub fn churn_risk(
        &self,
        state: &CustomerState,
        model: &StageModel,
        now: Timestamp,
        models: Option<&CustomerModels>,
    ) -> ChurnRisk {
        let context = SignalContext {
            currency: self.currency.or(model.currency()),
            in_currencies: &self.in_currencies,
            contract_term_days: self.contract_term_days,
            models,
            wanted: SignalSet::ALL,
        };
        self.churn.assess(&Signals::of(state, model, now, &context))
    }

    /// Evaluates the rules for one customer at `now` (after an event, or on a
    /// tick), records what fires in `log` and returns it: the rules that apply
    /// in the customer's stage and hold, highest priority first, skipping a
    /// rule within its cooldown or over its cap, up to
    /// `max_per_evaluation` and within the contact cap.
    pub fn evaluate(
        &self,
        state: &CustomerState,
        model: &StageModel,
        now: Timestamp,
        models: Option<&CustomerModels>,
        log: &mut FiringLog,
    ) -> Vec<Firing> {
        let now = now.max(state.watermark());
        // Firings report the churn risk: always computed.
        let wanted = self.wanted.with(Signal::ChurnRisk);
        let signals = self.signals_of(state, model, now, models, wanted);
        self.evaluate_signals_with(state.stage(), state.profile(), &signals, now, log)
    }

    /// [`Triggers::evaluate`] on signals the host computed (or completed with
    /// its own values), for a customer in `stage` without attributes: a
    /// rule's attribute tests are false. See
    /// [`Triggers::evaluate_signals_with`].
    pub fn evaluate_signals(
        &self,
        stage: StageId,
        signals: &Signals,
        now: Timestamp,
        log: &mut FiringLog,
    ) -> Vec<Firing> {
        self.evaluate_signals_with(stage, None, signals, now, log)
    }

    /// [`Triggers::evaluate`] on signals the host computed, for a customer in
    /// `stage` with `profile` (their host attributes:
    /// [`CustomerState::profile`]), which the rules' attribute tests read.
    pub fn evaluate_signals_with(
        &self,
        stage: StageId,
        profile: Option<&Profile>,
        signals: &Signals,
        now: Timestamp,
        log: &mut FiringLog,
    ) -> Vec<Firing> {
        // Forget what no cooldown or cap looks at any more.
        let horizon = now.plus_days(-self.memory_days);
        log.entries.retain(|(_, at)| *at > horizon);
        let mut fired = Vec::new();
        let mut contacts = log
            .since(now.plus_days(-self.contact_cap.period_days))
            .count();
        // Firings already logged at this very moment count toward the
        // evaluation's maximum: evaluating twice at one time (after the event,
        // then on a tick) is one evaluation.
        let already = log.entries.iter().filter(|(_, at)| *at == now).count();
        for rule in &self.rules {
            if already + fired.len() >= self.max_per_evaluation as usize
                || contacts >= self.contact_cap.count as usize
            {
                break;
            }
            if rule.stages.as_ref().is_some_and(|s| !s.contains(&stage)) {
                continue;
            }
            if !rule
                .program
                .as_ref()
                .is_none_or(|p| p.holds(signals, profile))
            {
                continue;
            }
            let mine = |from: Timestamp| {
                log.since(from)
                    .filter(|(name, _)| *name == rule.name)
                    .count()
            };
            if rule.cooldown_days > 0.0 && mine(now.plus_days(-rule.cooldown_days)) > 0 {
                continue;
            }
            if rule
                .cap
                .is_some_and(|cap| mine(now.plus_days(-cap.period_days)) >= cap.count as usize)
            {
                continue;
            }
            let mut evidence = Vec::new();
            if let Some(when) = &rule.when {
                when.evidence_for(signals, profile, &mut evidence);
            }
            log.entries.push((rule.name.clone(), now));
            contacts += 1;
            fired.push(Firing {
                rule: rule.name.clone(),
                action: rule.action.clone(),
                priority: rule.priority,
                at: now,
                evidence,
                churn_risk: signals.get(Signal::ChurnRisk),
            });
        }
        fired
    }
}

fn compile_rule(
    config: &RuleConfig,
    field: &str,
    model: &StageModel,
    before: &[RuleConfig],
) -> Result<TriggerRule> {
    if config.name.trim().is_empty() {
        return Err(Error::config(format!("{field}.name"), "empty"));
    }
    if before.iter().any(|r| r.name == config.name) {
        return Err(Error::config(
            format!("{field}.name"),
            format!("`{}` names two rules", config.name),
        ));
    }
    let when = config
        .when
        .as_ref()
        .map(|c| SignalCondition::compile_with(c, &format!("{field}.when"), model.attributes()))
        .transpose()?;
    let stages = if config.stages.is_empty() {
        None
    } else {
        let mut ids = Vec::with_capacity(config.stages.len());
        for (j, name) in config.stages.iter().enumerate() {
            ids.push(model.stage_id(name).ok_or_else(|| Error::UnknownStage {
                field: format!("{field}.stages[{j}]"),
                stage: name.clone(),
            })?);
        }
        Some(ids)
    };
    let action = Action::parse(&config.action).ok_or_else(|| {
        Error::config(
            format!("{field}.action"),
            format!(
                "`{}` is neither a built-in action nor a custom name (lowercase letters, digits, `_`, `-`, `.`; at most 64)",
                config.action
            ),
        )
    })?;
    if !(config.cooldown_days.is_finite() && config.cooldown_days >= 0.0) {
        return Err(Error::config(
            format!("{field}.cooldown_days"),
            format!(
                "{} is not a number of days of at least 0",
                config.cooldown_days
            ),
        ));
    }
    if let Some(cap) = &config.cap {
        check_cap(cap, &format!("{field}.cap"))?;
    }
    Ok(TriggerRule {
        name: config.name.clone(),
        program: when.as_ref().map(Program::compile),
        when,
        stages,
        action,
        priority: config.priority,
        cooldown_days: config.cooldown_days,
        cap: config.cap,
    })
}

/// Compiles `{"attribute": ..., "op": ..., "value": ...}` or
/// `{"attribute": ..., "in": [...]}` as stage rules do
/// ([`Condition::compile_with`]).
fn compile_attribute(
    config: &SignalConditionConfig,
    field: &str,
    attributes: &AttributeSchema,
) -> Result<SignalCondition> {
    if config.signal.is_some() {
        return Err(Error::config(
            format!("{field}.signal"),
            "a comparison names a signal or an attribute, not both",
        ));
    }
    let as_rule = ConditionConfig {
        attribute: config.attribute.clone(),
        op: config.op.clone(),
        value: config.value.clone(),
        one_of: config.one_of.clone(),
        currency: config.currency.clone(),
        ..ConditionConfig::default()
    };
    match Condition::compile_with(&as_rule, field, attributes)? {
        Condition::Attribute { attribute, test } => {
            Ok(SignalCondition::Attribute { attribute, test })
        }
        // A condition naming an attribute compiles to an attribute test.
        _ => Err(Error::config(
            format!("{field}.attribute"),
            "not an attribute test",
        )),
    }
}

fn check_cap(cap: &CapConfig, field: &str) -> Result<()> {
    if cap.count == 0 {
        return Err(Error::config(
            format!("{field}.count"),
            "must be at least 1",
        ));
    }
    if !(cap.period_days.is_finite() && cap.period_days > 0.0) {
        return Err(Error::config(
            format!("{field}.period_days"),
            format!("{} is not a positive number of days", cap.period_days),
        ));
    }
    Ok(())
}
