//! Combining the states of two records that turn out to be one customer.
//!
//! When the [`Engine`](crate::Engine) merges two golden customers it normally
//! replays both customers' events, in time order, into a new state. A state a
//! host imported (kept by the host through the pure step until then) has no
//! events to replay: [`CustomerState::combine`] joins it with the other state
//! directly, so that nothing either state knew is lost.

use crate::lifecycle::metrics::{decay, Metrics, Purchases, Relationship, Service, UsageSums};
use crate::lifecycle::{CustomerState, StageModel};
use crate::model::time::{Timestamp, MS_PER_DAY};

impl CustomerState {
    /// One customer's state from two states of the same customer.
    ///
    /// - **Stage**: the further of the two in the model's order (ties: the one
    ///   entered later), so a forward-only lifecycle never moves back on a
    ///   merge, with that state's history (a history is one chain of moves, each
    ///   from the stage the one before entered: the other's moves cannot be
    ///   woven into it).
    /// - **Metrics**: counts and revenue add up; first moments take the earlier,
    ///   latest moments the later; flags are set if either is; decayed sums (lead
    ///   score, usage) are decayed to the later moment and added; the latest
    ///   survey and cancellation are the later ones. Purchase intervals are
    ///   pooled (the mean and spread of both customers' intervals). Amounts
    ///   add up currency by currency; the first currency is that of the
    ///   customer who bought first.
    /// - **Watermark**: the later, with that state's remembered event ids.
    /// - **Attributes**: those of the state with the later watermark, and
    ///   the other's where it has none; **segments**: that state's
    ///   memberships, with their entry times, then every segment evaluated on
    ///   the combined state at its watermark (a customer entering one enters
    ///   it then).
    ///
    /// Combining is symmetric in everything but ties, and combining with a state
    /// of no events changes nothing but the counts it adds.
    pub fn combine(&self, other: &CustomerState, model: &StageModel) -> CustomerState {
        let lead = if (self.stage.index(), self.stage_entered())
            >= (other.stage.index(), other.stage_entered())
        {
            self
        } else {
            other
        };
        let newer = if self.watermark >= other.watermark {
            self
        } else {
            other
        };
        let mut combined = CustomerState {
            stage: lead.stage,
            watermark: newer.watermark,
            metrics: combine_metrics(&self.metrics, &other.metrics, model),
            history: lead.history.clone(),
            recent_ids: newer.recent_ids.clone(),
            profile: combine_profiles(
                newer,
                if std::ptr::eq(newer, self) {
                    other
                } else {
                    self
                },
            ),
        };
        if !model.segments().is_empty() {
            let at = combined.watermark;
            combined.update_segments(model, at, u64::MAX);
        }
        combined
    }
}

fn combine_metrics(a: &Metrics, b: &Metrics, model: &StageModel) -> Metrics {
    let later = if a.last_activity >= b.last_activity {
        a
    } else {
        b
    };
    let half_life = model.lead_scoring().half_life_ms;
    let lead_at = a.lead_score_at.max(b.lead_score_at);
    Metrics {
        first_seen: a.first_seen.min(b.first_seen),
        last_activity: a.last_activity.max(b.last_activity),
        event_count: a.event_count.saturating_add(b.event_count),
        contact_captured: a.contact_captured || b.contact_captured,
        trial_requested: a.trial_requested || b.trial_requested,
        unsubscribed: later.unsubscribed,
        lead_score: decay(a.lead_score, a.lead_score_at, lead_at, half_life)
            + decay(b.lead_score, b.lead_score_at, lead_at, half_life),
        lead_score_at: lead_at,
        purchases: either(&a.purchases, &b.purchases, |x, y| {
            Box::new(combine_purchases(x, y))
        }),
        service: either(&a.service, &b.service, |x, y| {
            let newer = if a.last_activity >= b.last_activity {
                x
            } else {
                y
            };
            Box::new(combine_service(x, y, newer, model))
        }),
        relationship: either(&a.relationship, &b.relationship, |x, y| {
            Box::new(combine_relationship(x, y))
        }),
    }
}

/// `f(a, b)` when both are present, else whichever is.
fn either<T: Clone>(
    a: &Option<Box<T>>,
    b: &Option<Box<T>>,
    f: impl FnOnce(&T, &T) -> Box<T>,
) -> Option<Box<T>> {
    match (a, b) {
        (Some(x), Some(y)) => Some(f(x, y)),
        (Some(x), None) | (None, Some(x)) => Some(x.clone()),
        (None, None) => None,
    }
}

fn min_opt(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

fn combine_purchases(a: &Purchases, b: &Purchases) -> Purchases {
    // Intervals: `count - 1` per customer; pooled mean and M2 (Chan et al.).
    let na = a.count.saturating_sub(1) as f64;
    let nb = b.count.saturating_sub(1) as f64;
    let (mean, m2) = if na + nb == 0.0 {
        (0.0, 0.0)
    } else {
        let n = na + nb;
        let delta = b.interval_mean_days - a.interval_mean_days;
        (
            a.interval_mean_days + delta * nb / n,
            a.interval_m2 + b.interval_m2 + delta * delta * na * nb / n,
        )
    };
    let mut categories: Vec<u32> = a
        .categories
        .iter()
        .chain(b.categories.iter())
        .copied()
        .collect();
    categories.sort_unstable();
    categories.dedup();
    let mut joined = Purchases {
        count: a.count.saturating_add(b.count),
        revenue: 0,
        currency: None,
        first: min_opt(a.first, b.first),
        last: a.last.max(b.last),
        interval_mean_days: mean,
        interval_m2: m2,
        categories: categories.into_boxed_slice(),
        other_currencies: Box::default(),
    };
    // Amounts add up currency by currency.
    Purchases::join_currencies(a, b, &mut joined);
    joined
}

fn combine_service(a: &Service, b: &Service, newer: &Service, model: &StageModel) -> Service {
    let mut incidents: Vec<_> = a
        .incidents
        .iter()
        .chain(b.incidents.iter())
        .copied()
        .collect();
    incidents.sort_by_key(|i| i.at);
    let settings = model.settings();
    let usage = match (a.usage, b.usage) {
        (Some(x), Some(y)) => {
            let at = x.at.max(y.at);
            let hr = Some(settings.usage_recent_half_life_days * MS_PER_DAY as f64);
            let ht = Some(settings.usage_trailing_half_life_days * MS_PER_DAY as f64);
            Some(UsageSums {
                recent: decay(x.recent, x.at, at, hr) + decay(y.recent, y.at, at, hr),
                trailing: decay(x.trailing, x.at, at, ht) + decay(y.trailing, y.at, at, ht),
                at,
            })
        }
        (x, y) => x.or(y),
    };
    let (satisfaction, previous_satisfaction) = if newer.satisfaction.is_some() {
        (newer.satisfaction, newer.previous_satisfaction)
    } else {
        let older = if std::ptr::eq(newer, a) { b } else { a };
        (older.satisfaction, older.previous_satisfaction)
    };
    Service {
        complaint_count: a.complaint_count.saturating_add(b.complaint_count),
        ticket_count: a.ticket_count.saturating_add(b.ticket_count),
        open_tickets: a.open_tickets.saturating_add(b.open_tickets),
        payment_failure_count: a
            .payment_failure_count
            .saturating_add(b.payment_failure_count),
        incidents,
        satisfaction,
        previous_satisfaction,
        usage,
    }
}

fn combine_relationship(a: &Relationship, b: &Relationship) -> Relationship {
    let cancelled = if a.last_cancellation >= b.last_cancellation {
        a
    } else {
        b
    };
    Relationship {
        renewal_count: a.renewal_count.saturating_add(b.renewal_count),
        last_renewal: a.last_renewal.max(b.last_renewal),
        delivery_count: a.delivery_count.saturating_add(b.delivery_count),
        last_delivery: a.last_delivery.max(b.last_delivery),
        outreach_count: a.outreach_count.saturating_add(b.outreach_count),
        offers_accepted: a.offers_accepted.saturating_add(b.offers_accepted),
        offers_declined: a.offers_declined.saturating_add(b.offers_declined),
        last_cancellation: cancelled.last_cancellation,
        cancellation_reason: cancelled.cancellation_reason.clone(),
    }
}

/// The newer state's attributes, completed by the older's; the newer state's
/// segments.
fn combine_profiles(
    newer: &CustomerState,
    older: &CustomerState,
) -> Option<Box<crate::lifecycle::profile::Profile>> {
    let mut profile = newer.profile.clone();
    let missing: Vec<_> = older
        .attributes()
        .iter()
        .filter(|(id, _)| newer.attribute(*id).is_none())
        .map(|(id, v)| (*id, Some(v.clone())))
        .collect();
    if !missing.is_empty() {
        profile
            .get_or_insert_with(Default::default)
            .update(&missing);
    }
    profile
}
