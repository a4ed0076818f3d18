//! Retention in the engine: triggers evaluated for one customer or all,
//! firing logs kept per customer, customer-base models fitted on the engine's
//! own customers, win-back candidates and outcomes. Everything here is in the
//! snapshot.

use std::collections::HashMap;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use super::changes::Change;
use super::feed::{Call, Sink};
use super::{lock, not_found, Engine};
use crate::error::{Error, Result};
use crate::model::time::Timestamp;
use crate::retention::{
    summary_in, summary_of, win_back_candidate, BgNbd, BgNbdFit, ChurnRisk, CustomerModels, Firing,
    FiringLog, GammaGamma, GammaGammaFit, ModelFitOptions, Signals, TriggerConfig, Triggers,
    WinBackCandidate, WinBackStats,
};

/// Firing logs by customer.
pub(crate) type FiringLogs = HashMap<CompactString, FiringLog, foldhash::fast::RandomState>;

/// The engine's retention state.
#[derive(Debug)]
pub(crate) struct Retention {
    pub(crate) config: TriggerConfig,
    pub(crate) triggers: Triggers,
    pub(crate) models: Option<CustomerModels>,
    /// Firing logs by customer; copy-on-write, so that a snapshot's cut shares
    /// them instead of copying.
    pub(crate) logs: std::sync::Arc<FiringLogs>,
    pub(crate) stats: WinBackStats,
}

impl Retention {
    /// The default triggers under `model` (their rules name no stage).
    pub(crate) fn new(model: &crate::lifecycle::StageModel) -> Retention {
        let config = TriggerConfig::default();
        Retention {
            triggers: Triggers::compile(&config, model)
                .expect("the default triggers name no stage"),
            config,
            models: None,
            logs: Default::default(),
            stats: WinBackStats::default(),
        }
    }

    /// Whether nothing differs from [`Retention::new`].
    pub(crate) fn untouched(&self) -> bool {
        self.config == TriggerConfig::default()
            && self.models.is_none()
            && self.logs.is_empty()
            && self.stats == WinBackStats::default()
    }

    /// The state at this moment, sharing the firing logs (cheap: no log is
    /// copied).
    pub(crate) fn cut(&self) -> RetentionCut {
        RetentionCut {
            config: self.config.clone(),
            models: self.models,
            logs: std::sync::Arc::clone(&self.logs),
            stats: self.stats.clone(),
            untouched: self.untouched(),
        }
    }
}

/// The retention state at one moment, sharing the firing logs.
pub(crate) struct RetentionCut {
    config: TriggerConfig,
    models: Option<CustomerModels>,
    logs: std::sync::Arc<FiringLogs>,
    stats: WinBackStats,
    pub(crate) untouched: bool,
}

/// A [`RetentionCut`] being written: [`RetentionImage`]'s fields in its order,
/// the firing logs borrowed, not copied.
#[derive(Serialize)]
pub(crate) struct RetentionOut<'a> {
    config: &'a TriggerConfig,
    models: &'a Option<CustomerModels>,
    logs: Vec<(&'a str, &'a FiringLog)>,
    stats: &'a WinBackStats,
}

impl RetentionCut {
    /// The state to write, in the shape of [`RetentionImage`].
    pub(crate) fn out(&self) -> RetentionOut<'_> {
        let mut logs: Vec<(&str, &FiringLog)> = self
            .logs
            .iter()
            .filter(|(_, log)| !log.entries.is_empty())
            .map(|(id, log)| (id.as_str(), log))
            .collect();
        logs.sort_unstable_by(|a, b| a.0.cmp(b.0));
        RetentionOut {
            config: &self.config,
            models: &self.models,
            logs,
            stats: &self.stats,
        }
    }
}

/// The retention state in a snapshot.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RetentionImage {
    pub(crate) config: TriggerConfig,
    pub(crate) models: Option<CustomerModels>,
    pub(crate) logs: Vec<(String, FiringLog)>,
    pub(crate) stats: WinBackStats,
}

impl Retention {
    /// Evaluates one customer's triggers with their firing log. No log is
    /// kept for a customer without firings to remember (most customers): no
    /// map entry per customer evaluated, and an engine's snapshot is the same
    /// whether or not it was evaluated.
    fn evaluate(
        &mut self,
        customer: &str,
        state: &crate::lifecycle::CustomerState,
        model: &crate::lifecycle::StageModel,
        now: Timestamp,
    ) -> Vec<Firing> {
        let models = self.models.as_ref();
        if self.logs.contains_key(customer) {
            let logs = std::sync::Arc::make_mut(&mut self.logs);
            let log = logs.get_mut(customer).expect("just checked");
            let firings = self.triggers.evaluate(state, model, now, models, log);
            if log.entries.is_empty() {
                logs.remove(customer);
            }
            firings
        } else {
            let mut log = FiringLog::default();
            let firings = self.triggers.evaluate(state, model, now, models, &mut log);
            if !log.entries.is_empty() {
                std::sync::Arc::make_mut(&mut self.logs).insert(CompactString::from(customer), log);
            }
            firings
        }
    }
}

impl Engine {
    pub(super) fn retention(&self) -> std::sync::MutexGuard<'_, Retention> {
        // A panic while holding it cannot leave the state half-changed: every
        // change is one assignment or one push.
        self.retention.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Replaces the retention triggers, churn score and win-back settings
    /// (the defaults until then: [`TriggerConfig::default`]). Firing logs,
    /// fitted models and win-back outcomes are kept. Thread-safe.
    ///
    /// # Errors
    ///
    /// As [`Triggers::compile`] against the engine's stage model; nothing
    /// changes on error.
    pub fn set_retention(&self, config: TriggerConfig) -> Result<()> {
        let triggers = Triggers::compile(&config, &self.model)?;
        let mut retention = self.retention();
        retention.config = config;
        retention.triggers = triggers;
        Ok(())
    }

    /// The retention configuration in force.
    pub fn retention_config(&self) -> TriggerConfig {
        self.retention().config.clone()
    }

    /// Evaluates the retention triggers for one customer at `now` (call it
    /// after applying an event, or on a schedule), records what fires in the
    /// customer's firing log (cooldowns and caps count from it) and returns
    /// it, highest priority first. Thread-safe.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown customer.
    pub fn evaluate(&self, customer: &str, now: Timestamp) -> Result<Vec<Firing>> {
        self.evaluate_named(customer, now)
            .map(|(_, firings)| firings)
    }

    /// [`Engine::evaluate`] with the id the customer resolved to, read in the
    /// same step (for results that name the customer).
    pub(crate) fn evaluate_named(
        &self,
        customer: &str,
        now: Timestamp,
    ) -> Result<(String, Vec<Firing>)> {
        let out = self.evaluate_in(customer, now, &mut self.feed.single());
        self.deliver();
        out
    }

    /// [`Engine::evaluate_named`], recording in `call`.
    fn evaluate_in(
        &self,
        customer: &str,
        now: Timestamp,
        call: &mut impl Sink,
    ) -> Result<(String, Vec<Firing>)> {
        self.with_shard_of(customer, |customer, hash, shard| {
            let state = shard
                .get(hash, customer)
                .ok_or_else(|| not_found(customer))?;
            let firings = self.retention().evaluate(customer, state, &self.model, now);
            // Under the shard's lock, with the firing log.
            call.record(fired(customer, &firings));
            Ok((customer.to_string(), firings))
        })
    }

    /// Applies an event ([`Engine::apply`]) and then evaluates the
    /// customer's retention triggers at the event's time
    /// ([`Engine::evaluate`]): triggers on every event in one call. The event
    /// counts even when the evaluation finds nothing to fire.
    ///
    /// # Errors
    ///
    /// As [`Engine::apply`]; nothing changes on error.
    pub fn apply_and_evaluate(
        &self,
        event: &crate::model::event::Event,
    ) -> Result<(crate::lifecycle::Outcome, Vec<Firing>)> {
        let out = (|| {
            // One call: the event's changes and what fired appear together.
            let mut call = self.feed.call();
            let (customer, outcome) = self.apply_resolved_in(event, &mut call)?;
            let (_, firings) = self.evaluate_in(&customer, event.at, &mut call)?;
            Ok((outcome, firings))
        })();
        self.deliver();
        out
    }

    /// Ticks the lifecycle ([`Engine::tick`]) and then evaluates every
    /// customer's retention triggers at `now` ([`Engine::evaluate_all`]):
    /// triggers on every tick in one call.
    pub fn tick_and_evaluate(&self, now: Timestamp) -> (super::TickReport, Vec<(String, Firing)>) {
        let out = {
            // One call: the moves and what fired appear together.
            let mut call = self.feed.sorted_call();
            let report = self.tick_in(now, &mut call);
            (report, self.evaluate_all_in(now, &mut call))
        };
        self.deliver();
        out
    }

    /// [`Engine::evaluate`] for every customer, sorted by customer id (the
    /// firings of one customer highest priority first). Thread-safe; shards
    /// are visited one after another.
    pub fn evaluate_all(&self, now: Timestamp) -> Vec<(String, Firing)> {
        let out = self.evaluate_all_in(now, &mut self.feed.sorted_call());
        self.deliver();
        out
    }

    /// [`Engine::evaluate_all`], recording in `call`.
    fn evaluate_all_in(&self, now: Timestamp, call: &mut Call) -> Vec<(String, Firing)> {
        let mut out = Vec::new();
        let mut changes = Vec::new();
        for shard in self.shards.iter() {
            let shard = lock(shard);
            let mut guard = self.retention();
            let retention = &mut *guard;
            // Each customer's state, then the metric groups it points to, are
            // fetched from memory two and one customers ahead: evaluating is
            // quicker than a cache miss.
            let entries: Vec<(&str, &crate::lifecycle::CustomerState)> = shard.iter().collect();
            for (k, &(id, state)) in entries.iter().enumerate() {
                if let Some((_, ahead)) = entries.get(k + 2) {
                    super::prefetch(*ahead);
                }
                if let Some((_, next)) = entries.get(k + 1) {
                    let m = next.metrics();
                    if let Some(p) = m.purchases.as_deref() {
                        super::prefetch(p);
                    }
                    if let Some(s) = m.service.as_deref() {
                        super::prefetch(s);
                    }
                    if let Some(r) = m.relationship.as_deref() {
                        super::prefetch(r);
                    }
                }
                let firings = retention.evaluate(id, state, &self.model, now);
                changes.extend(fired(id, &firings));
                out.extend(firings.into_iter().map(|f| (id.to_string(), f)));
            }
            // Under the shard's lock, with the firing logs.
            call.record(changes.drain(..));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// Every signal of a customer at `now`, the churn risk included.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown customer.
    pub fn signals(&self, customer: &str, now: Timestamp) -> Result<Signals> {
        self.signals_named(customer, now)
            .map(|(_, signals)| signals)
    }

    /// [`Engine::signals`] with the id the customer resolved to.
    pub(crate) fn signals_named(
        &self,
        customer: &str,
        now: Timestamp,
    ) -> Result<(String, Signals)> {
        self.with_resolved(customer, |live, state| {
            let retention = self.retention();
            let signals =
                retention
                    .triggers
                    .signals(state, &self.model, now, retention.models.as_ref());
            (live.to_string(), signals)
        })
    }

    /// A customer's churn risk at `now`, with each signal's part.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown customer.
    pub fn churn_risk(&self, customer: &str, now: Timestamp) -> Result<ChurnRisk> {
        self.churn_named(customer, now).map(|(_, risk)| risk)
    }

    /// [`Engine::churn_risk`] with the id the customer resolved to.
    pub(crate) fn churn_named(
        &self,
        customer: &str,
        now: Timestamp,
    ) -> Result<(String, ChurnRisk)> {
        self.with_resolved(customer, |live, state| {
            let retention = self.retention();
            let risk =
                retention
                    .triggers
                    .churn_risk(state, &self.model, now, retention.models.as_ref());
            (live.to_string(), risk)
        })
    }

    /// Fits the BG/NBD and Gamma-Gamma models on the engine's customers with
    /// a purchase ([`summary_of`] at `now`, time in units of
    /// [`ModelFitOptions::unit_days`] days, amounts in minor units), keeps
    /// them for the `p_alive` and `expected_value` signals, and returns the
    /// fits. BG/NBD counts purchases and is fitted on every customer who
    /// bought; the spend model on those paying in
    /// [`ModelFitOptions::currency`] (amounts of different currencies cannot
    /// be averaged), whose customers alone then get an `expected_value`. A
    /// customer paying in several currencies counts every purchase in
    /// BG/NBD, and their spend per purchase in that currency in the spend
    /// model.
    ///
    /// # Errors
    ///
    /// As [`BgNbd::fit_penalized`] and [`GammaGamma::fit_penalized`] (an empty
    /// population: no customer has bought); [`Error::InvalidArgument`] naming
    /// `unit_days` when it is not positive, `clv.…` for bad CLV options, and
    /// `currency` when no currency is named and the customers pay in several.
    /// The models in force stay on error.
    pub fn fit_models(
        &self,
        now: Timestamp,
        options: &ModelFitOptions,
    ) -> Result<(BgNbdFit, GammaGammaFit)> {
        let unit_days = options.unit_days;
        if !(unit_days.is_finite() && unit_days > 0.0) {
            return Err(Error::invalid(
                "unit_days",
                format!("{unit_days} is not a positive number of days"),
            ));
        }
        options.clv.check()?;
        let mut everyone = Vec::new();
        let mut paying = Vec::new();
        let mut currencies = std::collections::BTreeSet::new();
        self.for_each(|_, state| {
            let Some(summary) = summary_of(state, now, unit_days) else {
                return;
            };
            if let Some(p) = state.metrics().purchases.as_deref() {
                currencies.extend(p.by_currency().map(|t| t.currency));
            }
            everyone.push(summary);
            // Spend in the currency named: for a customer paying in several,
            // their purchases in it.
            match options.currency {
                None => paying.push(summary),
                Some(c) => paying.extend(summary_in(state, now, unit_days, Some(c)).map(|s| s.0)),
            }
        });
        if options.currency.is_none() && currencies.len() > 1 {
            let names: Vec<String> = currencies.iter().map(|c| c.to_string()).collect();
            return Err(Error::invalid(
                "currency",
                format!(
                    "the customers pay in {}: amounts in different currencies cannot be \
                     averaged; name the currency to fit the spend model on",
                    names.join(", ")
                ),
            ));
        }
        let purchases = BgNbd::fit_penalized(&everyone, options.penalizer)?;
        let spend = GammaGamma::fit_penalized(&paying, options.penalizer)?;
        self.set_models(Some(CustomerModels {
            bgnbd: purchases.model,
            spend: spend.model,
            currency: options.currency,
            unit_days,
            clv: options.clv,
        }))?;
        Ok((purchases, spend))
    }

    /// Sets (or clears) the customer-base models the signals use.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] naming the parameter for models that are
    /// not valid (`bgnbd.a`, `gamma_gamma.q`, `unit_days`).
    pub fn set_models(&self, models: Option<CustomerModels>) -> Result<()> {
        if let Some(m) = &models {
            m.bgnbd.check()?;
            m.spend.check()?;
            m.clv.check()?;
            if !(m.unit_days.is_finite() && m.unit_days > 0.0) {
                return Err(Error::invalid(
                    "unit_days",
                    format!("{} is not a positive number of days", m.unit_days),
                ));
            }
        }
        self.retention().models = models;
        Ok(())
    }

    /// The customer-base models in force.
    pub fn models(&self) -> Option<CustomerModels> {
        self.retention().models
    }

    /// The lapsed customers worth winning back at `now`, most valuable first
    /// (by [`WinBackCandidate::expected_value`]), at most `limit`: each with
    /// why they left and their last signals.
    pub fn win_back_candidates(&self, now: Timestamp, limit: usize) -> Vec<WinBackCandidate> {
        // Copied out: shards are locked before the retention state, never after.
        let (config, stats, models, currency) = {
            let retention = self.retention();
            (
                *retention.triggers.win_back(),
                retention.stats.clone(),
                retention.models,
                retention.triggers.currency().or(self.model.currency()),
            )
        };
        let mut out = Vec::new();
        self.for_each(|id, state| {
            out.extend(win_back_candidate(
                id,
                state,
                &self.model,
                now,
                &config,
                &stats,
                models.as_ref(),
                currency,
            ))
        });
        out.sort_by(|a, b| {
            b.expected_value
                .total_cmp(&a.expected_value)
                .then_with(|| a.customer.cmp(&b.customer))
        });
        out.truncate(limit);
        out
    }

    /// Records the outcome of a win-back attempt on a customer: whether they
    /// came back. The attempt counts under the customer's exit reason as
    /// [`Engine::win_back_candidates`] gives it now (call it before applying
    /// the purchase that brings them back), or `inactive` when the customer no
    /// longer looks lapsed. Thread-safe.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown customer.
    pub fn record_win_back(&self, customer: &str, now: Timestamp, won: bool) -> Result<()> {
        // Copied out: shards are locked before the retention state, never after.
        let (config, stats, models, currency) = {
            let retention = self.retention();
            (
                *retention.triggers.win_back(),
                retention.stats.clone(),
                retention.models,
                retention.triggers.currency().or(self.model.currency()),
            )
        };
        let reason = self.with_resolved(customer, |customer, state| {
            win_back_candidate(
                customer,
                state,
                &self.model,
                now,
                &config,
                &stats,
                models.as_ref(),
                currency,
            )
            .map_or_else(|| "inactive".to_string(), |c| c.exit_reason)
        })?;
        self.retention().stats.record(&reason, won);
        Ok(())
    }

    /// Moves a retired customer's firing log into the survivor's, oldest
    /// first.
    pub(crate) fn merge_firings(&self, retired: &str, survivor: &str) {
        let mut retention = self.retention();
        if !retention.logs.contains_key(retired) {
            return;
        }
        let logs = std::sync::Arc::make_mut(&mut retention.logs);
        if let Some(log) = logs.remove(retired) {
            let into = logs.entry(CompactString::from(survivor)).or_default();
            into.entries.extend(log.entries);
            into.entries.sort_by_key(|(_, at)| *at);
        }
    }

    /// Drops a customer's firing log.
    pub(crate) fn forget_firings(&self, customer: &str) {
        let mut retention = self.retention();
        if retention.logs.contains_key(customer) {
            std::sync::Arc::make_mut(&mut retention.logs).remove(customer);
        }
    }

    /// Win-back attempts and outcomes recorded, by exit reason.
    pub fn win_back_stats(&self) -> WinBackStats {
        self.retention().stats.clone()
    }
}

/// The changes of what fired for a customer.
fn fired(customer: &str, firings: &[Firing]) -> Vec<Change> {
    firings
        .iter()
        .map(|f| Change::TriggerFired {
            customer: CompactString::from(customer),
            firing: Box::new(f.clone()),
        })
        .collect()
}
