//! Per-customer metrics, maintained incrementally in O(1) amortised time per event,
//! and the catalogue of metric names that rule conditions may use.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::lifecycle::config::MetricSettings;
use crate::model::event::{BuiltinKind, Event, EventKind};
use crate::model::money::Currency;
use crate::model::time::{Timestamp, MS_PER_DAY};

macro_rules! metrics {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal, )*) => {
        /// A metric that rule conditions can compare. Names are what the JSON uses.
        ///
        /// Durations are in days (fractional), money in minor units of one currency
        /// (see [`currencies`](crate::lifecycle::currencies) for which), flags are 0
        /// or 1. Metrics starting with `event.` describe the event being applied and
        /// have no value on `tick`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Metric {
            $( $(#[$doc])* $variant, )*
        }

        impl Metric {
            /// Every metric.
            pub const ALL: &'static [Metric] = &[$(Metric::$variant),*];

            /// The metric's name in JSON.
            pub fn name(self) -> &'static str {
                match self { $(Metric::$variant => $name,)* }
            }

            /// The metric with this name.
            pub fn from_name(name: &str) -> Option<Metric> {
                match name { $($name => Some(Metric::$variant),)* _ => None }
            }
        }
    };
}

metrics! {
    /// Events applied to the customer.
    EventCount => "event_count",
    /// Days since the customer's first event.
    DaysSinceFirstSeen => "days_since_first_seen",
    /// Days since the customer's latest event.
    DaysSinceLastActivity => "days_since_last_activity",
    /// Days since the customer entered the current stage.
    DaysInStage => "days_in_stage",
    /// Purchases made (in the condition's currency, when it names one).
    PurchaseCount => "purchase_count",
    /// Total purchase and renewal revenue in one currency, minor units.
    Revenue => "revenue",
    /// Revenue (purchases and renewals) divided by purchases, in one currency,
    /// minor units (needs a purchase in it).
    AverageOrderValue => "average_order_value",
    /// Days since the first purchase (needs a purchase).
    TenureDays => "tenure_days",
    /// Days since the latest purchase (needs a purchase).
    DaysSinceLastPurchase => "days_since_last_purchase",
    /// Mean of the customer's own intervals between purchases, days (needs two).
    MeanPurchaseInterval => "mean_purchase_interval_days",
    /// Sample standard deviation of those intervals, days (needs three purchases).
    PurchaseIntervalStddev => "purchase_interval_stddev_days",
    /// `days_since_last_purchase / mean_purchase_interval_days`: how many usual
    /// intervals the customer has gone without buying (needs two purchases).
    PurchaseIntervalRatio => "purchase_interval_ratio",
    /// Distinct purchase categories bought.
    DistinctCategories => "distinct_categories",
    /// Complaints within the window (`metrics.window_days`) ending now.
    ComplaintsInWindow => "complaints_in_window",
    /// Support tickets opened within the window.
    TicketsInWindow => "tickets_in_window",
    /// Payment failures within the window.
    PaymentFailuresInWindow => "payment_failures_in_window",
    /// Complaints ever.
    ComplaintCount => "complaint_count",
    /// Support tickets ever.
    TicketCount => "ticket_count",
    /// Tickets opened and not yet resolved.
    OpenTickets => "open_tickets",
    /// Payment failures ever.
    PaymentFailureCount => "payment_failure_count",
    /// Latest survey score (needs a survey).
    Satisfaction => "satisfaction",
    /// Latest survey score minus the one before (needs two surveys).
    SatisfactionChange => "satisfaction_change",
    /// Recent usage per day (exponentially weighted, recent half-life).
    UsageRate => "usage_rate",
    /// Recent usage rate relative to the trailing rate, minus one: 0 when steady,
    /// -0.5 when usage halved (needs usage).
    UsageTrend => "usage_trend",
    /// Current (decayed) lead score.
    LeadScore => "lead_score",
    /// 1 when the lead score is at least the threshold.
    LeadQualified => "lead_qualified",
    /// 1 once contact data was captured.
    ContactCaptured => "contact_captured",
    /// 1 once a trial or demo was requested.
    TrialRequested => "trial_requested",
    /// 1 once the customer unsubscribed.
    Unsubscribed => "unsubscribed",
    /// 1 when the latest cancellation is after the latest purchase and renewal.
    Cancelled => "cancelled",
    /// Days since the latest cancellation (needs one).
    DaysSinceCancellation => "days_since_cancellation",
    /// Renewals.
    RenewalCount => "renewal_count",
    /// Days since the latest renewal (needs one).
    DaysSinceLastRenewal => "days_since_last_renewal",
    /// Deliveries.
    DeliveryCount => "delivery_count",
    /// Days since the latest delivery (needs one).
    DaysSinceLastDelivery => "days_since_last_delivery",
    /// Outreach contacts made by the company.
    OutreachCount => "outreach_count",
    /// Offers accepted.
    OffersAccepted => "offers_accepted",
    /// Offers declined.
    OffersDeclined => "offers_declined",
    /// Amount of the event being applied, minor units (only when it is in the
    /// currency read).
    EventAmount => "event.amount",
    /// 1 when the event is a purchase in a category the customer never bought.
    EventNewCategory => "event.new_category",
    /// Score of the survey being applied.
    EventScore => "event.score",
}

/// Kinds of incident counted in windows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum IncidentKind {
    /// A complaint.
    Complaint,
    /// A support ticket opened.
    Ticket,
    /// A payment failure.
    PaymentFailure,
}

/// One incident still inside the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Incident {
    /// When it happened.
    pub at: Timestamp,
    /// What it was.
    pub kind: IncidentKind,
}

/// Exponentially weighted usage sums, decayed to `at`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UsageSums {
    /// Sum with the recent half-life.
    pub recent: f64,
    /// Sum with the trailing half-life.
    pub trailing: f64,
    /// The moment both sums are decayed to.
    pub at: Timestamp,
}

/// The stored metrics of one customer.
///
/// Everything here round-trips exactly through JSON and the compact encoding.
/// Derived values (days since..., windows, decayed scores) are computed from these
/// fields at the moment of evaluation. Groups a customer has never touched
/// (`purchases`, `service`, `relationship`) are `None`, which keeps prospects small.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Metrics {
    /// First event.
    pub first_seen: Timestamp,
    /// Latest event.
    pub last_activity: Timestamp,
    /// Events applied.
    pub event_count: u32,
    /// Contact data captured.
    pub contact_captured: bool,
    /// Trial or demo requested.
    pub trial_requested: bool,
    /// Unsubscribed.
    pub unsubscribed: bool,
    /// Lead score at `lead_score_at`.
    pub lead_score: f64,
    /// The moment `lead_score` is decayed to.
    pub lead_score_at: Timestamp,
    /// Purchases and revenue, once there is any.
    pub purchases: Option<Box<Purchases>>,
    /// Tickets, complaints, payment failures, surveys and usage, once there is any.
    pub service: Option<Box<Service>>,
    /// Renewals, deliveries, outreach, offers and cancellation, once there is any.
    pub relationship: Option<Box<Relationship>>,
}

/// Purchase metrics.
///
/// Amounts are kept per currency (see
/// [`currencies`](crate::lifecycle::currencies)): `currency` and `revenue`
/// are the customer's first currency's, `other_currencies` the rest.
#[derive(Clone, Debug, PartialEq)]
pub struct Purchases {
    /// Purchases made, in every currency.
    pub count: u32,
    /// Purchase and renewal revenue in minor units of `currency`.
    pub revenue: i64,
    /// The customer's first currency: that of their first amount.
    pub currency: Option<Currency>,
    /// First purchase.
    pub first: Option<Timestamp>,
    /// Latest purchase.
    pub last: Option<Timestamp>,
    /// Running mean of the intervals between purchases, days (Welford).
    pub interval_mean_days: f64,
    /// Running sum of squared deviations of the intervals (Welford's M2).
    pub interval_m2: f64,
    /// 32-bit FNV-1a hashes of the distinct (case-folded) purchase categories: enough
    /// to count them and to tell a new one, not to list them (the host has its
    /// orders for that).
    pub categories: Box<[u32]>,
    /// Purchases and revenue in the currencies other than `currency`, sorted
    /// by code (empty for a customer paying in one currency).
    pub other_currencies: Box<[crate::lifecycle::currencies::CurrencyTotals]>,
}

/// Service metrics: signals of (dis)content.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Complaints ever.
    pub complaint_count: u32,
    /// Tickets ever.
    pub ticket_count: u32,
    /// Open tickets.
    pub open_tickets: u32,
    /// Payment failures ever.
    pub payment_failure_count: u32,
    /// Incidents inside the window.
    pub incidents: Vec<Incident>,
    /// Latest survey score.
    pub satisfaction: Option<f64>,
    /// The survey score before the latest.
    pub previous_satisfaction: Option<f64>,
    /// Usage sums.
    pub usage: Option<UsageSums>,
}

/// Relationship metrics: contracts, deliveries, contacts and offers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Relationship {
    /// Renewals.
    pub renewal_count: u32,
    /// Latest renewal.
    pub last_renewal: Option<Timestamp>,
    /// Deliveries.
    pub delivery_count: u32,
    /// Latest delivery.
    pub last_delivery: Option<Timestamp>,
    /// Outreach contacts.
    pub outreach_count: u32,
    /// Offers accepted.
    pub offers_accepted: u32,
    /// Offers declined.
    pub offers_declined: u32,
    /// Latest cancellation.
    pub last_cancellation: Option<Timestamp>,
    /// Reason of the latest cancellation.
    pub cancellation_reason: Option<String>,
}

/// Parts of the metrics an event may change, as bits: a metric that reads
/// only parts no event changed keeps its value (see [`Metric::sections`]).
pub(crate) struct Sections;

impl Sections {
    /// Purchases and revenue (an amount on any event, a purchase).
    pub const PURCHASES: u8 = 1;
    /// Tickets, complaints, payment failures, surveys, usage.
    pub const SERVICE: u8 = 2;
    /// Renewals, deliveries, cancellations, outreach and offers.
    pub const RELATIONSHIP: u8 = 4;
    /// Contact captured, trial requested, unsubscribed.
    pub const FLAGS: u8 = 8;
    /// Moves with any event or with time alone: evaluate always.
    pub const ANY: u8 = 0x80;
}

impl Metric {
    /// The [`Sections`] the metric's value depends on: [`Sections::ANY`] for
    /// the event count and every metric that reads the clock (its value
    /// changes with time alone) or the event.
    pub(crate) fn sections(self) -> u8 {
        use Metric as M;
        match self {
            M::PurchaseCount
            | M::Revenue
            | M::AverageOrderValue
            | M::MeanPurchaseInterval
            | M::PurchaseIntervalStddev
            | M::DistinctCategories => Sections::PURCHASES,
            M::ComplaintCount
            | M::TicketCount
            | M::OpenTickets
            | M::PaymentFailureCount
            | M::Satisfaction
            | M::SatisfactionChange => Sections::SERVICE,
            M::Cancelled => Sections::RELATIONSHIP | Sections::PURCHASES,
            M::RenewalCount
            | M::DeliveryCount
            | M::OutreachCount
            | M::OffersAccepted
            | M::OffersDeclined => Sections::RELATIONSHIP,
            M::ContactCaptured | M::TrialRequested | M::Unsubscribed => Sections::FLAGS,
            M::EventCount
            | M::DaysSinceFirstSeen
            | M::DaysSinceLastActivity
            | M::DaysInStage
            | M::TenureDays
            | M::DaysSinceLastPurchase
            | M::PurchaseIntervalRatio
            | M::ComplaintsInWindow
            | M::TicketsInWindow
            | M::PaymentFailuresInWindow
            | M::UsageRate
            | M::UsageTrend
            | M::LeadScore
            | M::LeadQualified
            | M::DaysSinceCancellation
            | M::DaysSinceLastRenewal
            | M::DaysSinceLastDelivery
            | M::EventAmount
            | M::EventNewCategory
            | M::EventScore => Sections::ANY,
        }
    }
}

/// What a metric update learned about the event, for `event.*` metrics.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EventFacts {
    pub amount: Option<crate::model::money::Money>,
    pub new_category: bool,
    pub score: Option<f64>,
}

/// Everything [`Metrics::value`] needs besides the metrics.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EvalContext<'a> {
    pub now: Timestamp,
    pub stage_entered: &'a Timestamp,
    pub settings: &'a MetricSettings,
    pub lead: &'a crate::lifecycle::model::LeadScoring,
    pub event: Option<EventFacts>,
    /// The model's currency: what money metrics read when a condition names
    /// none (`None`: each customer's first currency).
    pub currency: Option<Currency>,
    /// The customer's attributes and segments, if they have any.
    pub profile: Option<&'a crate::lifecycle::profile::Profile>,
}

impl Metrics {
    /// Metrics of a customer first seen at `at`.
    pub fn new(at: Timestamp) -> Metrics {
        Metrics {
            first_seen: at,
            last_activity: at,
            event_count: 0,
            contact_captured: false,
            trial_requested: false,
            unsubscribed: false,
            lead_score: 0.0,
            lead_score_at: at,
            purchases: None,
            service: None,
            relationship: None,
        }
    }

    /// Purchases made.
    pub fn purchase_count(&self) -> u32 {
        self.purchases.as_ref().map_or(0, |p| p.count)
    }

    /// Purchase and renewal revenue in the customer's first currency, minor
    /// units ([`Purchases::in_currency`] for the others).
    pub fn revenue(&self) -> i64 {
        self.purchases.as_ref().map_or(0, |p| p.revenue)
    }

    /// Latest purchase.
    pub fn last_purchase(&self) -> Option<Timestamp> {
        self.purchases.as_ref().and_then(|p| p.last)
    }

    /// Reason of the latest cancellation.
    pub fn cancellation_reason(&self) -> Option<&str> {
        self.relationship
            .as_ref()
            .and_then(|r| r.cancellation_reason.as_deref())
    }

    /// Bytes of heap the metrics use (boxed groups and their vectors).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.purchases.as_ref().map_or(0, |p| {
            size_of::<Purchases>()
                + p.categories.len() * 4
                + std::mem::size_of_val(&*p.other_currencies)
        }) + self.service.as_ref().map_or(0, |s| {
            size_of::<Service>() + s.incidents.capacity() * size_of::<Incident>()
        }) + self.relationship.as_ref().map_or(0, |r| {
            size_of::<Relationship>() + r.cancellation_reason.as_ref().map_or(0, String::capacity)
        })
    }

    /// Checks stored metrics read from outside (a state record): numbers finite and in
    /// range, times not after the state's watermark, groups consistent.
    pub(crate) fn check_record(&self, watermark: Timestamp) -> Result<()> {
        let bad = |field: &str, message: &str| {
            Err(Error::invalid(format!("state.metrics.{field}"), message))
        };
        let finite = |v: f64| v.is_finite();
        if self.first_seen > self.last_activity || self.last_activity > watermark {
            return bad(
                "last_activity",
                "times must satisfy first_seen <= last_activity <= watermark",
            );
        }
        if !finite(self.lead_score) || self.lead_score_at > watermark {
            return bad(
                "lead_score",
                "must be finite, decayed to a time not after the watermark",
            );
        }
        let not_after = |t: Option<Timestamp>| t.is_none_or(|t| t <= watermark);
        if let Some(p) = self.purchases.as_deref() {
            if p.revenue < 0 || p.count == u32::MAX {
                return bad("purchases", "revenue must be >= 0 and count below 2^32 - 1");
            }
            if (p.count > 0) != p.last.is_some() || !not_after(p.last) || p.first > p.last {
                return bad(
                    "purchases",
                    "first and last purchase must match the count and the watermark",
                );
            }
            if !finite(p.interval_mean_days) || !finite(p.interval_m2) || p.interval_m2 < 0.0 {
                return bad("purchases.interval_m2", "must be finite and >= 0");
            }
            if p.categories.len() > p.count as usize {
                return bad("purchases.categories", "more categories than purchases");
            }
            p.check_currencies()?;
        }
        if let Some(s) = self.service.as_deref() {
            let scores = [s.satisfaction, s.previous_satisfaction];
            if scores.iter().flatten().any(|v| !(0.0..=100.0).contains(v)) {
                return bad("service.satisfaction", "scores are within 0 to 100");
            }
            if let Some(u) = s.usage {
                if !(finite(u.recent) && finite(u.trailing) && u.recent >= 0.0 && u.trailing >= 0.0)
                    || u.at > watermark
                {
                    return bad(
                        "service.usage",
                        "sums must be finite and >= 0, not after the watermark",
                    );
                }
            }
            if s.incidents.iter().any(|i| i.at > watermark) || s.open_tickets > s.ticket_count {
                return bad(
                    "service",
                    "incidents after the watermark or more open tickets than tickets",
                );
            }
        }
        if let Some(r) = self.relationship.as_deref() {
            if ![r.last_renewal, r.last_delivery, r.last_cancellation]
                .into_iter()
                .all(not_after)
            {
                return bad("relationship", "times must not be after the watermark");
            }
        }
        Ok(())
    }

    /// Checks, without changing anything, that `event` can be absorbed: the
    /// revenue in its currency and the counters do not overflow.
    pub(crate) fn check(&self, event: &Event) -> Result<()> {
        if let (Some(money), Some(p)) = (&event.amount, &self.purchases) {
            p.check_amount(money)?;
        }
        if self.event_count == u32::MAX {
            return Err(Error::invalid("event", "the customer has 2^32 - 1 events"));
        }
        Ok(())
    }

    fn purchases_mut(&mut self) -> &mut Purchases {
        self.purchases.get_or_insert_with(|| {
            Box::new(Purchases {
                count: 0,
                revenue: 0,
                currency: None,
                first: None,
                last: None,
                interval_mean_days: 0.0,
                interval_m2: 0.0,
                categories: Box::default(),
                other_currencies: Box::default(),
            })
        })
    }

    fn service_mut(&mut self) -> &mut Service {
        self.service.get_or_insert_with(Box::default)
    }

    fn relationship_mut(&mut self) -> &mut Relationship {
        self.relationship.get_or_insert_with(Box::default)
    }

    /// Absorbs an event already checked by [`Metrics::check`]. `lead_points` are the
    /// points of the event's kind, `lead_half_life_ms` the lead score half-life.
    pub(crate) fn absorb(
        &mut self,
        event: &Event,
        settings: &MetricSettings,
        lead_points: f64,
        lead_half_life_ms: Option<f64>,
    ) -> EventFacts {
        let at = event.at;
        let mut facts = EventFacts {
            amount: event.amount,
            score: event.score,
            new_category: false,
        };
        self.event_count = self.event_count.saturating_add(1);
        self.last_activity = self.last_activity.max(at);
        if lead_points != 0.0 {
            self.lead_score = decay(self.lead_score, self.lead_score_at, at, lead_half_life_ms);
            self.lead_score_at = at;
            self.lead_score += lead_points;
        }
        if let Some(money) = event.amount {
            let purchase = event.kind == EventKind::Builtin(BuiltinKind::Purchase);
            self.purchases_mut().add_amount(money, purchase);
        }
        let EventKind::Builtin(kind) = &event.kind else {
            return facts;
        };
        use BuiltinKind as K;
        match kind {
            K::ContactCaptured => self.contact_captured = true,
            K::TrialRequested | K::DemoRequested => self.trial_requested = true,
            K::Unsubscribe => self.unsubscribed = true,
            K::Visit => {}
            K::Purchase => {
                let p = self.purchases_mut();
                if let Some(last) = p.last {
                    // Welford's online mean and variance of the intervals.
                    let interval = at.days_since(last);
                    let n = p.count as f64; // intervals including this one
                    let delta = interval - p.interval_mean_days;
                    p.interval_mean_days += delta / n;
                    p.interval_m2 += delta * (interval - p.interval_mean_days);
                }
                p.count = p.count.saturating_add(1);
                p.first.get_or_insert(at);
                p.last = Some(at);
                if let Some(category) = &event.category {
                    let h = fnv1a32(category);
                    if !p.categories.contains(&h) {
                        crate::lifecycle::state::push_exact(&mut p.categories, h);
                        facts.new_category = p.count > 1;
                    }
                }
            }
            K::SupportTicket => {
                let s = self.service_mut();
                s.ticket_count = s.ticket_count.saturating_add(1);
                s.open_tickets = s.open_tickets.saturating_add(1);
                push_incident(s, at, IncidentKind::Ticket, settings);
            }
            K::TicketResolved => {
                let s = self.service_mut();
                s.open_tickets = s.open_tickets.saturating_sub(1);
            }
            K::Complaint => {
                let s = self.service_mut();
                s.complaint_count = s.complaint_count.saturating_add(1);
                push_incident(s, at, IncidentKind::Complaint, settings);
            }
            K::PaymentFailed => {
                let s = self.service_mut();
                s.payment_failure_count = s.payment_failure_count.saturating_add(1);
                push_incident(s, at, IncidentKind::PaymentFailure, settings);
            }
            K::Survey => {
                let s = self.service_mut();
                s.previous_satisfaction = s.satisfaction;
                s.satisfaction = event.score;
            }
            K::Usage => {
                let q = event.quantity.unwrap_or(1.0);
                let hr = settings.usage_recent_half_life_days * MS_PER_DAY as f64;
                let ht = settings.usage_trailing_half_life_days * MS_PER_DAY as f64;
                let sums = self.service_mut().usage.get_or_insert(UsageSums {
                    recent: 0.0,
                    trailing: 0.0,
                    at,
                });
                sums.recent = decay(sums.recent, sums.at, at, Some(hr)) + q;
                sums.trailing = decay(sums.trailing, sums.at, at, Some(ht)) + q;
                sums.at = at;
            }
            K::Renewal => {
                let r = self.relationship_mut();
                r.renewal_count = r.renewal_count.saturating_add(1);
                r.last_renewal = Some(at);
            }
            K::Delivery => {
                let r = self.relationship_mut();
                r.delivery_count = r.delivery_count.saturating_add(1);
                r.last_delivery = Some(at);
            }
            K::Cancellation => {
                let r = self.relationship_mut();
                r.last_cancellation = Some(at);
                r.cancellation_reason = event.reason.clone();
            }
            K::Outreach => {
                let r = self.relationship_mut();
                r.outreach_count = r.outreach_count.saturating_add(1);
            }
            K::OfferAccepted => {
                let r = self.relationship_mut();
                r.offers_accepted = r.offers_accepted.saturating_add(1);
            }
            K::OfferDeclined => {
                let r = self.relationship_mut();
                r.offers_declined = r.offers_declined.saturating_add(1);
            }
        }
        facts
    }

    /// The parts of the metrics [`Metrics::absorb`] changes for an event of
    /// `kind` besides the event count, the last activity and the lead score
    /// (which any event may move), and besides the purchase totals (which
    /// any event with an amount moves): a mask of [`Sections`] bits. A
    /// custom kind changes none. Kept next to `absorb`, whose `match` it
    /// follows (both are exhaustive).
    pub(crate) fn sections_of(kind: BuiltinKind) -> u8 {
        use BuiltinKind as K;
        match kind {
            K::ContactCaptured | K::TrialRequested | K::DemoRequested | K::Unsubscribe => {
                Sections::FLAGS
            }
            K::Visit => 0,
            K::Purchase => Sections::PURCHASES,
            K::SupportTicket
            | K::TicketResolved
            | K::Complaint
            | K::PaymentFailed
            | K::Survey
            | K::Usage => Sections::SERVICE,
            K::Renewal
            | K::Delivery
            | K::Cancellation
            | K::Outreach
            | K::OfferAccepted
            | K::OfferDeclined => Sections::RELATIONSHIP,
        }
    }

    /// The current lead score at `now`.
    pub(crate) fn lead_score_at(&self, now: Timestamp, half_life_ms: Option<f64>) -> f64 {
        decay(self.lead_score, self.lead_score_at, now, half_life_ms)
    }

    /// The currency a money metric is read in: `currency` (a condition's),
    /// else the model's, else the customer's first; `None` for other
    /// metrics, and for `purchase_count` unless `currency` names one.
    pub(crate) fn currency_read(
        &self,
        metric: Metric,
        ctx: &EvalContext<'_>,
        currency: Option<Currency>,
    ) -> Option<Currency> {
        if crate::lifecycle::currencies::is_money(metric) {
            currency
                .or(ctx.currency)
                .or_else(|| self.purchases.as_deref().and_then(|p| p.currency))
        } else if metric == Metric::PurchaseCount {
            currency
        } else {
            None
        }
    }

    /// The value of `metric` in `ctx`, or `None` when it is undefined (no purchase
    /// yet for purchase metrics, no event on tick for `event.*`), in the
    /// currency a condition names (see [`Metrics::currency_read`]).
    pub(crate) fn value_in(
        &self,
        metric: Metric,
        ctx: &EvalContext<'_>,
        currency: Option<Currency>,
    ) -> Option<f64> {
        let now = ctx.now;
        let days = |t: Option<Timestamp>| t.map(|t| now.days_since(t));
        let flag = |b: bool| Some(if b { 1.0 } else { 0.0 });
        let p = self.purchases.as_deref();
        let s = self.service.as_deref();
        let r = self.relationship.as_deref();
        let count = |n: Option<u32>| Some(n.unwrap_or(0) as f64);
        use Metric as M;
        match metric {
            M::EventCount => Some(self.event_count as f64),
            M::DaysSinceFirstSeen => days(Some(self.first_seen)),
            M::DaysSinceLastActivity => days(Some(self.last_activity)),
            M::DaysInStage => days(Some(*ctx.stage_entered)),
            M::PurchaseCount => match currency {
                Some(c) => count(p.map(|p| p.totals(Some(c)).0)),
                None => count(p.map(|p| p.count)),
            },
            M::Revenue => {
                let c = self.currency_read(metric, ctx, currency);
                Some(p.map_or(0.0, |p| p.totals(c).1 as f64))
            }
            M::AverageOrderValue => {
                let (purchases, revenue) = p?.totals(self.currency_read(metric, ctx, currency));
                (purchases > 0).then(|| revenue as f64 / purchases as f64)
            }
            M::TenureDays => days(p?.first),
            M::DaysSinceLastPurchase => days(p?.last),
            M::MeanPurchaseInterval => mean_interval(p?),
            M::PurchaseIntervalStddev => {
                let p = p?;
                (p.count >= 3).then(|| (p.interval_m2 / (p.count as f64 - 2.0)).sqrt())
            }
            M::PurchaseIntervalRatio => {
                let p = p?;
                let mean = mean_interval(p)?;
                let since = days(p.last)?;
                // Purchases in the same minute give a zero mean: one minute stands in.
                Some(since / mean.max(1.0 / 1440.0))
            }
            M::DistinctCategories => count(p.map(|p| p.categories.len() as u32)),
            M::ComplaintsInWindow => Some(in_window(s, IncidentKind::Complaint, ctx)),
            M::TicketsInWindow => Some(in_window(s, IncidentKind::Ticket, ctx)),
            M::PaymentFailuresInWindow => Some(in_window(s, IncidentKind::PaymentFailure, ctx)),
            M::ComplaintCount => count(s.map(|s| s.complaint_count)),
            M::TicketCount => count(s.map(|s| s.ticket_count)),
            M::OpenTickets => count(s.map(|s| s.open_tickets)),
            M::PaymentFailureCount => count(s.map(|s| s.payment_failure_count)),
            M::Satisfaction => s?.satisfaction,
            M::SatisfactionChange => Some(s?.satisfaction? - s?.previous_satisfaction?),
            M::UsageRate => {
                let u = s?.usage?;
                let hr = ctx.settings.usage_recent_half_life_days;
                let recent = decay(u.recent, u.at, now, Some(hr * MS_PER_DAY as f64));
                Some(recent * std::f64::consts::LN_2 / hr)
            }
            M::UsageTrend => {
                let u = s?.usage?;
                let hr = ctx.settings.usage_recent_half_life_days;
                let ht = ctx.settings.usage_trailing_half_life_days;
                let recent = decay(u.recent, u.at, now, Some(hr * MS_PER_DAY as f64)) / hr;
                let trailing = decay(u.trailing, u.at, now, Some(ht * MS_PER_DAY as f64)) / ht;
                (trailing > 0.0).then(|| recent / trailing - 1.0)
            }
            M::LeadScore => Some(
                self.lead_score_at(now, ctx.lead.half_life_ms) + ctx.lead.profile_points(self, ctx),
            ),
            M::LeadQualified => flag(
                self.lead_score_at(now, ctx.lead.half_life_ms) + ctx.lead.profile_points(self, ctx)
                    >= ctx.lead.threshold,
            ),
            M::ContactCaptured => flag(self.contact_captured),
            M::TrialRequested => flag(self.trial_requested),
            M::Unsubscribed => flag(self.unsubscribed),
            M::Cancelled => flag(self.is_cancelled()),
            M::DaysSinceCancellation => days(r?.last_cancellation),
            M::RenewalCount => count(r.map(|r| r.renewal_count)),
            M::DaysSinceLastRenewal => days(r?.last_renewal),
            M::DeliveryCount => count(r.map(|r| r.delivery_count)),
            M::DaysSinceLastDelivery => days(r?.last_delivery),
            M::OutreachCount => count(r.map(|r| r.outreach_count)),
            M::OffersAccepted => count(r.map(|r| r.offers_accepted)),
            M::OffersDeclined => count(r.map(|r| r.offers_declined)),
            M::EventAmount => {
                let amount = ctx.event?.amount?;
                let c = self.currency_read(metric, ctx, currency);
                c.is_none_or(|c| c == amount.currency)
                    .then_some(amount.minor as f64)
            }
            M::EventNewCategory => flag(ctx.event?.new_category),
            M::EventScore => ctx.event?.score,
        }
    }

    /// Whether the latest cancellation is later than the latest purchase and renewal.
    pub fn is_cancelled(&self) -> bool {
        let Some(r) = self.relationship.as_deref() else {
            return false;
        };
        match r.last_cancellation {
            None => false,
            Some(c) => {
                self.last_purchase().is_none_or(|p| c >= p) && r.last_renewal.is_none_or(|l| c >= l)
            }
        }
    }
}

fn mean_interval(p: &Purchases) -> Option<f64> {
    (p.count >= 2).then_some(p.interval_mean_days)
}

fn push_incident(s: &mut Service, at: Timestamp, kind: IncidentKind, settings: &MetricSettings) {
    // Evaluation never happens before the latest event, so incidents that left the
    // window as of `at` can never count again.
    let horizon = at.plus_days(-settings.window_days);
    s.incidents.retain(|i| i.at > horizon);
    s.incidents.push(Incident { at, kind });
}

fn in_window(s: Option<&Service>, kind: IncidentKind, ctx: &EvalContext<'_>) -> f64 {
    let Some(s) = s else { return 0.0 };
    let horizon = ctx.now.plus_days(-ctx.settings.window_days);
    s.incidents
        .iter()
        .filter(|i| i.kind == kind && i.at > horizon && i.at <= ctx.now)
        .count() as f64
}

/// `value` decayed from `from` to `to` with a half-life in milliseconds.
pub(crate) fn decay(value: f64, from: Timestamp, to: Timestamp, half_life_ms: Option<f64>) -> f64 {
    match half_life_ms {
        Some(h) if value != 0.0 && to > from => {
            value * (-((to.as_millis() - from.as_millis()) as f64) / h).exp2()
        }
        _ => value,
    }
}

/// 32-bit FNV-1a of the case-folded text: stable across versions and platforms, so
/// stored category sets stay valid.
pub(crate) fn fnv1a32(text: &str) -> u32 {
    const OFFSET: u32 = 0x811c_9dc5;
    let step = |h: u32, b: u8| (h ^ b as u32).wrapping_mul(0x0100_0193);
    let text = text.trim();
    // Fast path: ASCII and Latin-1 letters (U+0080 to U+00FF, two bytes led by 0xc2
    // or 0xc3), whose lower case is À-Þ (but ×) shifted by 0x20, all else unchanged.
    let bytes = text.as_bytes();
    let mut h = OFFSET;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            0..=0x7f => {
                h = step(h, b.to_ascii_lowercase());
                i += 1;
            }
            0xc2 | 0xc3 => {
                let c = bytes[i + 1];
                let upper = b == 0xc3 && (0x80..=0x9e).contains(&c) && c != 0x97;
                h = step(step(h, b), if upper { c + 0x20 } else { c });
                i += 2;
            }
            _ => {
                h = OFFSET;
                for c in text.chars().flat_map(char::to_lowercase) {
                    let mut buf = [0u8; 4];
                    for &b in c.encode_utf8(&mut buf).as_bytes() {
                        h = step(h, b);
                    }
                }
                return h;
            }
        }
    }
    h
}

/// 64-bit FNV-1a of the bytes: fingerprints of event ids.
pub(crate) fn fnv1a64(text: &str) -> u64 {
    fnv1a64_from(FNV1A64_OFFSET, text.as_bytes())
}

/// The offset basis of 64-bit FNV-1a: the hash of no bytes.
pub(crate) const FNV1A64_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// 64-bit FNV-1a of `bytes` continuing from `h` (the hash of what came
/// before: [`FNV1A64_OFFSET`] for nothing).
#[inline]
pub(crate) fn fnv1a64_from(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names_round_trip() {
        for &m in Metric::ALL {
            assert_eq!(Metric::from_name(m.name()), Some(m));
        }
    }

    #[test]
    fn decay_halves_per_half_life() {
        let a = Timestamp::from_millis(0, "t").unwrap();
        let b = Timestamp::from_millis(10 * MS_PER_DAY, "t").unwrap();
        let h = Some(10.0 * MS_PER_DAY as f64);
        assert!((decay(8.0, a, b, h) - 4.0).abs() < 1e-12);
        assert_eq!(decay(8.0, a, b, None), 8.0);
    }

    #[test]
    fn category_hash_folds_case() {
        assert_eq!(fnv1a32("Hogar"), fnv1a32(" hogar "));
        assert_ne!(fnv1a32("hogar"), fnv1a32("jardín"));
        assert_eq!(fnv1a32("ELECTRÓNICA"), fnv1a32("electrónica"));
        // The Latin-1 fast path folds exactly as `char::to_lowercase` does.
        let slow = |t: &str| {
            let mut h: u32 = 0x811c_9dc5;
            for c in t.trim().chars().flat_map(char::to_lowercase) {
                for &b in c.to_string().as_bytes() {
                    h = (h ^ b as u32).wrapping_mul(0x0100_0193);
                }
            }
            h
        };
        for c in (0..0x300u32).filter_map(char::from_u32) {
            let text = format!(" A{c}ño{c} ");
            assert_eq!(fnv1a32(&text), slow(&text), "{c:?}");
        }
    }
}
