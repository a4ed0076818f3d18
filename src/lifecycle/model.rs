//! The validated stage model the engine runs.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::error::{Error, Result};
use crate::lifecycle::condition::Condition;
use crate::lifecycle::config::{MetricSettings, ModelConfig, ON_ANY_EVENT, ON_TICK};
use crate::lifecycle::profile::AttributeSchema;
use crate::lifecycle::rules::Rule;
use crate::lifecycle::segments::Segments;
use crate::model::event::{BuiltinKind, EventKind};
use crate::model::money::Currency;
use crate::model::time::MS_PER_DAY;

/// Most stages a model may have.
pub const MAX_STAGES: usize = 64;
/// Most rules a model may have.
pub const MAX_RULES: usize = 4096;
/// Most custom event kinds a model may declare.
pub const MAX_CUSTOM_EVENTS: usize = 1024;
/// Largest lead-score points per event kind, in absolute value: scores stay finite
/// over any customer's life.
pub const MAX_LEAD_POINTS: f64 = 1e6;
/// Longest stage, rule, custom event kind or model name, in bytes.
pub const MAX_NAME_LEN: usize = 256;

/// Checks a name given in the model: non-empty, at most [`MAX_NAME_LEN`] bytes, no
/// control characters.
pub(crate) fn check_name(field: &str, name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::config(field, "must not be empty"));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(Error::config(
            field,
            format!("longer than {MAX_NAME_LEN} bytes"),
        ));
    }
    if let Some(problem) = crate::model::event::text_problem(name, false) {
        return Err(Error::config(field, problem));
    }
    Ok(())
}

/// A stage, by its position in the model (0 is the first stage).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StageId(pub(crate) u16);

impl StageId {
    /// Position of the stage in the model.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A rule, by its position in the model's `rules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(pub(crate) u16);

impl RuleId {
    /// Position of the rule in the model.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Compiled lead scoring.
#[derive(Clone, Debug, PartialEq)]
pub struct LeadScoring {
    builtin: [f64; BuiltinKind::ALL.len() + 1],
    custom: HashMap<String, f64>,
    /// Half-life in milliseconds.
    pub(crate) half_life_ms: Option<f64>,
    /// Qualification threshold.
    pub threshold: f64,
    /// Profile scoring: conditions over attributes and their points.
    pub(crate) profile: Vec<(Condition, f64)>,
}

impl LeadScoring {
    /// Points an event of `kind` adds.
    pub fn points(&self, kind: &EventKind) -> f64 {
        match kind {
            EventKind::Builtin(b) => self.builtin[*b as usize],
            EventKind::Custom(name) => self.custom.get(name).copied().unwrap_or(0.0),
        }
    }

    /// The profile points of a customer (`ctx` carries their attributes).
    pub(crate) fn profile_points(
        &self,
        metrics: &crate::lifecycle::metrics::Metrics,
        ctx: &crate::lifecycle::metrics::EvalContext<'_>,
    ) -> f64 {
        // A customer without a profile still earns the points of conditions
        // that hold without attributes (a `not`).
        if self.profile.is_empty() {
            return 0.0;
        }
        self.profile
            .iter()
            .filter(|(c, _)| c.holds(metrics, ctx))
            .map(|(_, p)| p)
            .sum()
    }
}

/// A validated lifecycle model: stages, rules indexed by trigger, lead scoring.
///
/// Build one with [`StageModel::compile`] from a [`ModelConfig`], or take a preset
/// ([`StageModel::six_stage`], [`StageModel::five_stage`]). It is immutable and cheap
/// to share (`Arc`).
#[derive(Clone, Debug, PartialEq)]
pub struct StageModel {
    config: ModelConfig,
    stages: Vec<String>,
    initial: StageId,
    rules: Vec<Rule>,
    by_builtin: Vec<Vec<RuleId>>,
    by_custom: HashMap<String, Vec<RuleId>>,
    on_tick: Vec<RuleId>,
    lead: LeadScoring,
    currency: Option<Currency>,
    attributes: AttributeSchema,
    segments: Segments,
}

impl StageModel {
    /// Validates a configuration.
    ///
    /// Every problem is an error naming its place: empty or duplicate stage names
    /// (`stages[3].name`), an unknown stage in a rule (`rules[2].to`), a stage no rule
    /// can reach from the initial stage, a rule on an unknown metric
    /// (`rules[1].when.all[0].metric`) or event kind (`rules[0].on[1]`), duplicate
    /// rule names, a backward rule that could never fire, non-finite numbers.
    pub fn compile(config: ModelConfig) -> Result<StageModel> {
        check_name("name", &config.name)?;
        if config.stages.is_empty() {
            return Err(Error::config("stages", "a model needs at least one stage"));
        }
        if config.stages.len() > MAX_STAGES {
            return Err(Error::config(
                "stages",
                format!(
                    "{} stages; at most {MAX_STAGES} are supported",
                    config.stages.len()
                ),
            ));
        }
        let mut stage_index = BTreeMap::new();
        for (i, stage) in config.stages.iter().enumerate() {
            if stage.name.trim().is_empty() {
                return Err(Error::config(
                    format!("stages[{i}].name"),
                    "must not be empty",
                ));
            }
            if stage_index
                .insert(stage.name.as_str(), StageId(i as u16))
                .is_some()
            {
                return Err(Error::config(
                    format!("stages[{i}].name"),
                    format!("duplicate stage `{}`", stage.name),
                ));
            }
        }
        let stage = |name: &str, field: String| {
            stage_index
                .get(name)
                .copied()
                .ok_or_else(|| Error::UnknownStage {
                    field,
                    stage: name.to_string(),
                })
        };
        let initial = match &config.initial {
            Some(name) => stage(name, "initial".into())?,
            None => StageId(0),
        };

        if config.custom_events.len() > MAX_CUSTOM_EVENTS {
            return Err(Error::config(
                "custom_events",
                format!("at most {MAX_CUSTOM_EVENTS} custom event kinds"),
            ));
        }
        let mut custom_index: HashMap<String, Vec<RuleId>> = HashMap::new();
        for (i, name) in config.custom_events.iter().enumerate() {
            let field = format!("custom_events[{i}]");
            check_name(&field, name)?;
            if name == ON_TICK || name == ON_ANY_EVENT {
                return Err(Error::config(
                    field,
                    format!("`{name}` cannot name an event kind"),
                ));
            }
            if BuiltinKind::from_name(name).is_some() {
                return Err(Error::config(
                    field,
                    format!("`{name}` is a built-in event kind"),
                ));
            }
            if custom_index.insert(name.clone(), Vec::new()).is_some() {
                return Err(Error::config(
                    field,
                    format!("duplicate event kind `{name}`"),
                ));
            }
        }

        let attributes = AttributeSchema::compile(&config.attributes)?;

        if config.rules.len() > MAX_RULES {
            return Err(Error::config("rules", format!("at most {MAX_RULES} rules")));
        }
        let all_stages: u64 = if config.stages.len() == 64 {
            u64::MAX
        } else {
            (1u64 << config.stages.len()) - 1
        };
        let mut rules = Vec::with_capacity(config.rules.len());
        let mut by_builtin = vec![Vec::new(); BuiltinKind::ALL.len() + 1];
        let mut on_tick = Vec::new();
        let mut on_any = Vec::new();
        let mut rule_names = BTreeMap::new();
        for (i, rc) in config.rules.iter().enumerate() {
            let id = RuleId(i as u16);
            let at = |f: &str| format!("rules[{i}].{f}");
            check_name(&at("name"), &rc.name)?;
            if rule_names.insert(rc.name.as_str(), i).is_some() {
                return Err(Error::config(
                    at("name"),
                    format!("duplicate rule `{}`", rc.name),
                ));
            }
            let to = stage(&rc.to, at("to"))?;
            let mut from = 0u64;
            for (j, name) in rc.from.iter().enumerate() {
                from |= 1u64 << stage(name, at(&format!("from[{j}]")))?.index();
            }
            if rc.from.is_empty() {
                from = all_stages;
            }
            if rc.on.is_empty() {
                return Err(Error::config(at("on"), "a rule needs at least one trigger"));
            }
            for (j, trigger) in rc.on.iter().enumerate() {
                let list = if trigger == ON_TICK {
                    &mut on_tick
                } else if trigger == ON_ANY_EVENT {
                    &mut on_any
                } else if let Some(b) = BuiltinKind::from_name(trigger) {
                    &mut by_builtin[b as usize]
                } else if let Some(list) = custom_index.get_mut(trigger) {
                    list
                } else {
                    return Err(Error::UnknownEventKind {
                        field: at(&format!("on[{j}]")),
                        kind: trigger.clone(),
                    });
                };
                if !list.contains(&id) {
                    list.push(id);
                }
            }
            let condition = rc
                .when
                .as_ref()
                .map(|c| Condition::compile_with(c, &at("when"), &attributes))
                .transpose()?;
            let rule = Rule {
                name: rc.name.clone(),
                description: rc.description.clone(),
                from,
                to,
                condition,
                priority: rc.priority,
                allow_backward: rc.allow_backward,
            };
            let later_or_same = all_stages & !((1u64 << to.index()) - 1);
            if config.forward_only && !rule.allow_backward && rule.from & !later_or_same == 0 {
                return Err(Error::config(
                    at("to"),
                    format!(
                        "rule `{}` only moves customers backward to `{}` (or nowhere) but \
                         the model is forward_only and the rule lacks allow_backward",
                        rc.name, rc.to
                    ),
                ));
            }
            rules.push(rule);
        }

        // Reachability: every stage can be reached from the initial stage.
        let mut reached = 1u64 << initial.index();
        loop {
            let before = reached;
            for r in &rules {
                let from_reached = r.from & reached;
                let forward_ok = !config.forward_only
                    || r.allow_backward
                    || from_reached & ((1u64 << r.to.index()) - 1) != 0;
                if from_reached != 0 && forward_ok {
                    reached |= 1u64 << r.to.index();
                }
            }
            if reached == before {
                break;
            }
        }
        for (i, s) in config.stages.iter().enumerate() {
            if reached & (1u64 << i) == 0 {
                return Err(Error::config(
                    format!("stages[{i}]"),
                    format!(
                        "stage `{}` is unreachable: no rule leads to it from the initial stage `{}`",
                        s.name,
                        config.stages[initial.index()].name
                    ),
                ));
            }
        }

        let lead = compile_lead(&config, &custom_index, &attributes)?;
        let segments = Segments::compile(&config.segments, &stage_index, &attributes)?;
        check_settings(&config.metrics)?;
        let currency = config
            .currency
            .as_deref()
            .map(|code| crate::lifecycle::currencies::config_currency(code, "currency"))
            .transpose()?;

        // Rules on `any_event` join every kind's list; each list is ordered by
        // priority (highest first), then declaration.
        let order = |list: &mut Vec<RuleId>| {
            list.extend(on_any.iter().copied());
            list.sort_by_key(|id| (-(rules[id.index()].priority as i64), id.0));
            list.dedup();
        };
        by_builtin.iter_mut().for_each(order);
        custom_index.values_mut().for_each(order);
        on_tick.sort_by_key(|id| (-(rules[id.index()].priority as i64), id.0));

        Ok(StageModel {
            stages: config.stages.iter().map(|s| s.name.clone()).collect(),
            initial,
            rules,
            by_builtin,
            by_custom: custom_index,
            on_tick,
            lead,
            currency,
            attributes,
            segments,
            config,
        })
    }

    /// The configuration this model was compiled from.
    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    /// The model's name.
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// Stage names, first to last.
    pub fn stages(&self) -> &[String] {
        &self.stages
    }

    /// The name of a stage; `"?"` for an id that does not belong to this model (a
    /// state or outcome from another model).
    pub fn stage_name(&self, id: StageId) -> &str {
        self.stages.get(id.index()).map_or("?", String::as_str)
    }

    /// The stage with this name.
    pub fn stage_id(&self, name: &str) -> Option<StageId> {
        self.stages
            .iter()
            .position(|s| s == name)
            .map(|i| StageId(i as u16))
    }

    /// The stage customers enter with their first event.
    pub fn initial(&self) -> StageId {
        self.initial
    }

    /// Whether backward moves need `allow_backward`.
    pub fn forward_only(&self) -> bool {
        self.config.forward_only
    }

    /// The rules, in declaration order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// A rule.
    pub fn rule(&self, id: RuleId) -> &Rule {
        &self.rules[id.index()]
    }

    /// The rule with this name.
    pub fn rule_id(&self, name: &str) -> Option<RuleId> {
        self.rules
            .iter()
            .position(|r| r.name == name)
            .map(|i| RuleId(i as u16))
    }

    /// Lead scoring.
    pub fn lead_scoring(&self) -> &LeadScoring {
        &self.lead
    }

    /// Metric settings.
    pub fn settings(&self) -> &MetricSettings {
        &self.config.metrics
    }

    /// The currency money metrics are read in when a condition names none
    /// (`None`: each customer's first currency).
    pub fn currency(&self) -> Option<Currency> {
        self.currency
    }

    /// The host attributes the model declares.
    pub fn attributes(&self) -> &AttributeSchema {
        &self.attributes
    }

    /// The model's segments.
    pub fn segments(&self) -> &Segments {
        &self.segments
    }

    /// Whether the model accepts events of `kind`.
    pub fn accepts(&self, kind: &EventKind) -> bool {
        match kind {
            EventKind::Builtin(_) => true,
            EventKind::Custom(name) => self.by_custom.contains_key(name),
        }
    }

    /// Rules triggered by an event of `kind`, by priority; `None` for an undeclared
    /// custom kind.
    pub(crate) fn rules_for(&self, kind: &EventKind) -> Option<&[RuleId]> {
        match kind {
            EventKind::Builtin(b) => Some(&self.by_builtin[*b as usize]),
            EventKind::Custom(name) => self.by_custom.get(name).map(Vec::as_slice),
        }
    }

    /// Rules evaluated on tick, by priority.
    pub(crate) fn tick_rules(&self) -> &[RuleId] {
        &self.on_tick
    }
}

impl fmt::Display for StageModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.config.name, self.stages.join(" -> "))
    }
}

fn compile_lead(
    config: &ModelConfig,
    custom: &HashMap<String, Vec<RuleId>>,
    attributes: &AttributeSchema,
) -> Result<LeadScoring> {
    let lc = &config.lead_scoring;
    let mut lead = LeadScoring {
        builtin: [0.0; BuiltinKind::ALL.len() + 1],
        custom: HashMap::new(),
        half_life_ms: None,
        threshold: lc.threshold,
        profile: Vec::with_capacity(lc.profile.len()),
    };
    for (i, pc) in lc.profile.iter().enumerate() {
        let field = format!("lead_scoring.profile[{i}]");
        let condition = Condition::compile_with(&pc.when, &format!("{field}.when"), attributes)?;
        if condition.reads().metrics {
            return Err(Error::config(
                format!("{field}.when"),
                "profile scoring reads attributes only, not metrics",
            ));
        }
        if !(pc.points.is_finite() && pc.points.abs() <= MAX_LEAD_POINTS) {
            return Err(Error::config(
                format!("{field}.points"),
                format!("must be a number from -{MAX_LEAD_POINTS:e} to {MAX_LEAD_POINTS:e}"),
            ));
        }
        lead.profile.push((condition, pc.points));
    }
    if !(lc.threshold.is_finite() && lc.threshold.abs() <= MAX_LEAD_POINTS * 1e6) {
        return Err(Error::config("lead_scoring.threshold", "must be finite"));
    }
    if let Some(h) = lc.half_life_days {
        if !(h.is_finite() && h > 0.0) {
            return Err(Error::config(
                "lead_scoring.half_life_days",
                "must be a finite number > 0",
            ));
        }
        lead.half_life_ms = Some(h * MS_PER_DAY as f64);
    }
    for (kind, &points) in &lc.points {
        let field = format!("lead_scoring.points.{kind}");
        if !(points.is_finite() && points.abs() <= MAX_LEAD_POINTS) {
            return Err(Error::config(
                field,
                format!("must be a number from -{MAX_LEAD_POINTS:e} to {MAX_LEAD_POINTS:e}"),
            ));
        }
        if let Some(b) = BuiltinKind::from_name(kind) {
            lead.builtin[b as usize] = points;
        } else if custom.contains_key(kind) {
            lead.custom.insert(kind.clone(), points);
        } else {
            return Err(Error::UnknownEventKind {
                field,
                kind: kind.clone(),
            });
        }
    }
    Ok(lead)
}

fn check_settings(s: &MetricSettings) -> Result<()> {
    for (field, v) in [
        ("metrics.window_days", s.window_days),
        (
            "metrics.usage_recent_half_life_days",
            s.usage_recent_half_life_days,
        ),
        (
            "metrics.usage_trailing_half_life_days",
            s.usage_trailing_half_life_days,
        ),
    ] {
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::config(field, "must be a finite number > 0"));
        }
    }
    Ok(())
}
