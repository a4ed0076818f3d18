//! A deterministic, realistic sample of CRM events, for examples, tests and
//! benchmarks.
//!
//! [`events`] invents a year of life (2025) for the customers of an online shop that
//! sells in Argentina (`AR-000123`, amounts in ARS) and Spain (`ES-000456`, amounts in
//! EUR): many prospects who only visit, leads who leave their contact data and ask
//! for a trial or a demo, first purchases, repeat buyers with their own rhythm,
//! subscribers who renew every month, loyal customers, customers who cancel (`precio`,
//! `mala atención`, `se mudó`, `competencia`) or just stop buying, and a few who come
//! back; with deliveries, support tickets, complaints, surveys, usage, failed
//! payments, outreach and offers along the way. Categories and reasons are in
//! Spanish. The mix exercises every rule of the default
//! [`six_stage`](crate::lifecycle::presets::six_stage) preset when the events are
//! applied with monthly ticks ([`tick_times`]).
//!
//! The same `(customers, seed)` always gives the same events, on every platform: the
//! generator uses its own tiny PRNG (splitmix64), no external crate.
//!
//! ```
//! use ciclo::{sample, Engine, StageModel};
//!
//! let engine = Engine::new(StageModel::six_stage());
//! let events = sample::events(200, 7);
//! let mut ticks = sample::tick_times().into_iter().peekable();
//! for event in &events {
//!     // Tick at each month's start before the events of that moment or later.
//!     while let Some(tick) = ticks.next_if(|&t| t <= event.at) {
//!         engine.tick(tick);
//!     }
//!     engine.apply(event)?;
//! }
//! for tick in ticks {
//!     engine.tick(tick);
//! }
//! assert_eq!(engine.len(), 200);
//! # Ok::<(), ciclo::Error>(())
//! ```

use crate::model::{AttrValue, BuiltinKind as K, Currency, Event, Money, Timestamp};

/// 2025-01-01T00:00:00Z in epoch milliseconds.
const START_MS: i64 = 1_735_689_600_000;
const DAY_MS: i64 = 86_400_000;
/// Length of the period in days: 2025 is not a leap year.
const PERIOD_DAYS: f64 = 365.0;
/// Days from 2025-01-01 to the first of each following month, through 2026-01-01.
const MONTH_STARTS: [i64; 12] = [31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

/// Product categories, the customer's favourite among them.
const CATEGORIES: &[&str] = &[
    "hogar",
    "electrónica",
    "moda",
    "deportes",
    "librería",
    "juguetes",
    "belleza",
];
/// Price range per category, in whole ARS and whole EUR.
const PRICES: &[(f64, f64, f64, f64)] = &[
    (25_000.0, 400_000.0, 20.0, 300.0),
    (80_000.0, 1_500_000.0, 60.0, 1_200.0),
    (15_000.0, 150_000.0, 15.0, 150.0),
    (20_000.0, 250_000.0, 20.0, 200.0),
    (5_000.0, 60_000.0, 8.0, 60.0),
    (10_000.0, 120_000.0, 10.0, 90.0),
    (8_000.0, 90_000.0, 9.0, 80.0),
];
const CHANNELS: &[&str] = &["web", "web", "app", "tienda", "whatsapp"];
const CANCEL_REASONS: &[&str] = &[
    "precio",
    "precio",
    "mala atención",
    "se mudó",
    "competencia",
    "competencia",
];
const TICKETS: &[(&str, &str)] = &[
    ("envío", "el pedido no llegó"),
    ("envío", "demora en la entrega"),
    ("facturación", "cobro duplicado"),
    ("facturación", "factura con datos incorrectos"),
    ("garantía", "el producto dejó de funcionar"),
    ("devoluciones", "talle equivocado"),
    ("cuenta", "no puedo ingresar a mi cuenta"),
];
const COMPLAINTS: &[(&str, &str)] = &[
    ("atención al cliente", "mala atención"),
    ("envío", "producto dañado"),
    ("envío", "demora en la entrega"),
    ("facturación", "cobro indebido"),
];
const DECLINES: &[&str] = &["no me interesa", "muy caro", "ya lo tengo", "ahora no"];
const UNSUBSCRIBES: &[&str] = &["demasiados correos", "no me interesa", "nunca me suscribí"];
const PAYMENT_FAILURES: &[&str] = &[
    "fondos insuficientes",
    "tarjeta vencida",
    "rechazo del banco",
];

/// A small deterministic PRNG: splitmix64 (Steele, Lea and Flood, 2014). A 64-bit
/// counter advanced by the golden-ratio increment, each output scrambled by two
/// xor-shift-multiply rounds. Good enough for sample data; not for cryptography.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    /// The generator of customer `index` for `seed`: independent of the number of
    /// customers, so customer 7 is the same whatever the sample size.
    fn for_customer(seed: u64, index: usize) -> Rng {
        let mut outer = Rng(seed);
        let mixed = outer.next_u64() ^ Rng(index as u64).next_u64();
        Rng(mixed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + self.unit() * (hi - lo)
    }

    /// Uniform integer in lo..=hi.
    fn int(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next_u64() % u64::from(hi - lo + 1)) as u32
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next_u64() % items.len() as u64) as usize]
    }
}

/// The first moment of the sample period, 2025-01-01T00:00:00Z.
pub fn start() -> Timestamp {
    at_ms(START_MS)
}

/// The end of the sample period, 2026-01-01T00:00:00Z: every event is earlier.
pub fn end() -> Timestamp {
    at_ms(START_MS + PERIOD_DAYS as i64 * DAY_MS)
}

/// The moments at which a host would run [`Engine::tick`](crate::Engine::tick) over
/// the sample: 00:00 UTC on the first of every month from 2025-02-01, the final one
/// being the end of the period, 2026-01-01 (12 ticks, in order).
pub fn tick_times() -> Vec<Timestamp> {
    MONTH_STARTS
        .iter()
        .map(|&d| at_ms(START_MS + d * DAY_MS))
        .collect()
}

/// A deterministic sample of `customers` customers' events over 2025, sorted by
/// timestamp.
///
/// Customer `i` (from 0) is `AR-<i+1>` or `ES-<i+1>` with six digits (`AR-000001`);
/// its events depend only on `seed` and `i`. Event ids are `ev-1`, `ev-2`, ... in
/// time order. Events with equal timestamps keep a stable order: by customer, then
/// in the order that customer's story produced them. Every event passes
/// [`Event::validate`]; AR customers pay in ARS and ES customers in EUR.
pub fn events(customers: usize, seed: u64) -> Vec<Event> {
    let ars = Currency::parse("ARS", "currency").expect("ARS is a valid currency code");
    let eur = Currency::parse("EUR", "currency").expect("EUR is a valid currency code");
    let mut all = Vec::new();
    for index in 0..customers {
        let mut rng = Rng::for_customer(seed, index);
        let spain = rng.chance(0.4);
        let mut story = Story {
            rng,
            id: format!("{}-{:06}", if spain { "ES" } else { "AR" }, index + 1),
            spain,
            currency: if spain { eur } else { ars },
            happy: true,
            out: Vec::new(),
        };
        story.live();
        let mut mine = story.out;
        mine.sort_by_key(|e| e.at);
        all.extend(mine);
    }
    // Stable: ties stay in customer order, then in story order.
    all.sort_by_key(|e| e.at);
    for (n, event) in all.iter_mut().enumerate() {
        event.id = Some(format!("ev-{}", n + 1));
    }
    all
}

fn at_ms(ms: i64) -> Timestamp {
    Timestamp::from_millis(ms, "at").expect("sample times are within 2025-2026")
}

/// How a buyer's story goes on after the first purchase.
#[derive(Clone, Copy, PartialEq)]
enum Fate {
    /// Buys once.
    OneTime,
    /// Keeps buying to the end of the period.
    Loyal,
    /// Buys a few more times, then cancels (and may come back).
    Cancels,
    /// Buys a few more times, then stops without a word.
    Stops,
    /// Stops for a long while, then is won back.
    Returns,
}

/// One customer's story. Times are days (fractional) since 2025-01-01.
struct Story {
    rng: Rng,
    id: String,
    spain: bool,
    currency: Currency,
    /// Whether surveys tend to be good.
    happy: bool,
    out: Vec<Event>,
}

impl Story {
    /// An event at day `t`, rounded to the minute.
    fn event(&self, t: f64, kind: K) -> Event {
        let ms = START_MS + (t * 1440.0).round() as i64 * 60_000;
        Event::new(self.id.clone(), at_ms(ms), kind)
    }

    /// Keeps `event` if it falls inside the period.
    fn push(&mut self, event: Event) {
        if event.at < end() {
            self.out.push(event);
        }
    }

    fn emit(&mut self, t: f64, kind: K) {
        let e = self.event(t, kind);
        self.push(e);
    }

    /// A moment on the day of `t` (or the next, if `t` is already late), during
    /// local waking hours: 9:00 to 23:00 in Buenos Aires (UTC-3) or Madrid (UTC+1).
    fn session(&mut self, t: f64) -> f64 {
        let local_hour = self.rng.between(9.0, 23.0);
        let utc_hour = if self.spain {
            local_hour - 1.0
        } else {
            local_hour + 3.0
        };
        let candidate = t.floor() + utc_hour / 24.0;
        if candidate > t {
            candidate
        } else {
            candidate + 1.0
        }
    }

    /// A few minutes after `t`, in the same session.
    fn minutes_after(&mut self, t: f64) -> f64 {
        t + self.rng.between(2.0, 25.0) / 1440.0
    }

    /// `n` visits from `t` on, in separate sessions; the moment of the last one.
    fn visits(&mut self, mut t: f64, n: u32) -> f64 {
        for i in 0..n {
            if i > 0 {
                let gap = self.rng.between(0.2, 12.0);
                t = self.session(t + gap);
            }
            self.emit(t, K::Visit);
        }
        t
    }

    fn live(&mut self) {
        let arrival = self.rng.between(0.0, 350.0);
        let t = self.session(arrival);
        let persona = self.rng.unit();
        if persona < 0.40 {
            self.visitor(t);
        } else if persona < 0.55 {
            self.lead(t);
        } else {
            self.buyer(t);
        }
    }

    /// A prospect who only looks around.
    fn visitor(&mut self, t: f64) {
        let n = if self.rng.chance(0.5) {
            1
        } else {
            self.rng.int(2, 7)
        };
        let t = self.visits(t, n);
        if self.rng.chance(0.08) {
            let when = self.rng.between(2.0, 20.0);
            let at = self.session(t + when);
            self.emit(at, K::Outreach);
        }
        if self.rng.chance(0.04) {
            let when = self.rng.between(1.0, 30.0);
            self.unsubscribe(t + when);
        }
    }

    /// Leaves contact data, often asks for a trial or demo, but never buys.
    fn lead(&mut self, t: f64) {
        let n = self.rng.int(1, 3);
        let mut t = self.visits(t, n);
        t = self.interested(t);
        let n = self.rng.int(0, 3);
        let gap = self.rng.between(1.0, 15.0);
        let next = self.session(t + gap);
        t = self.visits(next, n).max(t);
        if self.rng.chance(0.5) {
            let gap = self.rng.between(1.0, 20.0);
            let at = self.session(t + gap);
            self.emit(at, K::Outreach);
            let reply = self.rng.unit();
            if reply < 0.5 {
                let reason = self.rng.pick(DECLINES);
                let e = self.event(at + 0.5, K::OfferDeclined).with_reason(reason);
                self.push(e);
            } else if reply < 0.65 {
                self.emit(at + 0.5, K::OfferAccepted);
            }
        }
        if self.rng.chance(0.1) {
            let gap = self.rng.between(5.0, 60.0);
            self.unsubscribe(t + gap);
        }
    }

    /// Contact captured in the same session and, often, a trial or demo request a
    /// few days later; the moment of the last of them.
    fn interested(&mut self, t: f64) -> f64 {
        let mut t = self.minutes_after(t);
        self.emit(t, K::ContactCaptured);
        if self.rng.chance(0.7) {
            let gap = self.rng.between(0.0, 10.0);
            t = self.session(t + gap);
            let kind = if self.rng.chance(0.5) {
                K::TrialRequested
            } else {
                K::DemoRequested
            };
            self.emit(t, kind);
        }
        t
    }

    fn unsubscribe(&mut self, t: f64) {
        let at = self.session(t);
        let reason = self.rng.pick(UNSUBSCRIBES);
        let e = self.event(at, K::Unsubscribe).with_reason(reason);
        self.push(e);
    }

    fn buyer(&mut self, t: f64) {
        let mut t = if self.rng.chance(0.6) {
            // A warm lead first.
            let n = self.rng.int(1, 3);
            let t = self.visits(t, n);
            let t = self.interested(t);
            let gap = self.rng.between(1.0, 30.0);
            self.session(t + gap)
        } else {
            // Buys on impulse, in the session of a visit.
            let n = self.rng.int(0, 2);
            let t = self.visits(t, n);
            if n > 0 {
                self.minutes_after(t)
            } else {
                t
            }
        };
        let favourite = self.rng.int(0, CATEGORIES.len() as u32 - 1) as usize;
        let interval = self
            .rng
            .pick(&[7.0, 10.0, 14.0, 21.0, 30.0, 30.0, 45.0, 60.0, 90.0]);
        let roll = self.rng.unit();
        let fate = if roll < 0.30 {
            Fate::OneTime
        } else if roll < 0.65 {
            Fate::Loyal
        } else if roll < 0.82 {
            Fate::Cancels
        } else if roll < 0.95 {
            Fate::Stops
        } else {
            Fate::Returns
        };
        self.happy = matches!(fate, Fate::Loyal | Fate::OneTime | Fate::Returns);
        let subscriber = self.rng.chance(0.15);
        let first = t;
        self.purchase(t, favourite);
        if self.rng.chance(0.03) {
            let gap = self.rng.between(1.0, 200.0);
            self.unsubscribe(t + gap);
        }
        // Where the subscription (if any) ends, and whether it ends with a failed payment.
        let (sub_end, lapsed_card) = match fate {
            Fate::OneTime => {
                if self.rng.chance(0.12) {
                    let gap = self.rng.between(3.0, 60.0);
                    t = self.cancel(t + gap);
                    (t, false)
                } else {
                    (PERIOD_DAYS, false)
                }
            }
            Fate::Loyal => {
                self.series(t, interval, u32::MAX, favourite);
                (PERIOD_DAYS, false)
            }
            Fate::Cancels => {
                let n = self.rng.int(1, 6);
                t = self.series(t, interval, n, favourite);
                let gap = self.rng.between(5.0, interval.max(10.0));
                t = self.cancel(t + gap);
                if self.rng.chance(0.3) {
                    let gap = self.rng.between(30.0, 150.0);
                    let back = self.win_back(t + gap, favourite);
                    let n = self.rng.int(0, 4);
                    self.series(back, interval, n, favourite);
                }
                (t, false)
            }
            Fate::Stops | Fate::Returns => {
                let n = self.rng.int(1, 6);
                t = self.series(t, interval, n, favourite);
                if fate == Fate::Returns {
                    let gap = (3.5 * interval).max(40.0) + self.rng.between(20.0, 90.0);
                    let back = self.win_back(t + gap, favourite);
                    self.series(back, interval, u32::MAX, favourite);
                }
                let gap = self.rng.between(20.0, 50.0);
                (t + gap, true)
            }
        };
        if subscriber {
            self.subscription(first, sub_end, lapsed_card, fate);
        }
    }

    /// Up to `n` more purchases from `t`, about `interval` days apart; the moment
    /// of the last purchase (or `t`).
    fn series(&mut self, mut t: f64, interval: f64, n: u32, favourite: usize) -> f64 {
        for _ in 0..n {
            let gap = interval * self.rng.between(0.6, 1.4);
            let next = self.session(t + gap);
            if next >= PERIOD_DAYS {
                break;
            }
            t = next;
            self.purchase(t, favourite);
        }
        t
    }

    /// A purchase at `t`, mostly in the favourite category, with what follows it:
    /// delivery, survey, ticket, complaint, outreach and offers.
    fn purchase(&mut self, t: f64, favourite: usize) {
        let category = if self.rng.chance(0.7) {
            favourite
        } else {
            self.rng.int(0, CATEGORIES.len() as u32 - 1) as usize
        };
        let (ars_lo, ars_hi, eur_lo, eur_hi) = PRICES[category];
        let minor = if self.spain {
            // 24.99, 149.95, 60.00 style prices.
            let euros = self.rng.between(eur_lo, eur_hi).floor() as i64;
            euros * 100 + self.rng.pick(&[99, 95, 0, 50])
        } else {
            // Whole pesos, rounded to 100 ARS.
            let pesos = (self.rng.between(ars_lo, ars_hi) / 100.0).round() as i64 * 100;
            pesos * 100
        };
        let channel = self.rng.pick(CHANNELS);
        let mut e = self
            .event(t, K::Purchase)
            .with_amount(Money {
                minor,
                currency: self.currency,
            })
            .with_category(CATEGORIES[category]);
        e.attributes
            .insert("canal".into(), AttrValue::Text(channel.into()));
        self.push(e);

        if channel != "tienda" && self.rng.chance(0.9) {
            let days = if self.spain {
                self.rng.between(1.0, 5.0)
            } else {
                self.rng.between(2.0, 10.0)
            };
            let delivered = self.session(t + days);
            self.emit(delivered, K::Delivery);
            if self.rng.chance(0.25) {
                let gap = self.rng.between(0.5, 4.0);
                let at = self.session(delivered + gap);
                let score = self.score();
                let e = self.event(at, K::Survey).with_score(score);
                self.push(e);
            }
        }
        if self.rng.chance(0.07) {
            let gap = self.rng.between(0.5, 20.0);
            let opened = self.session(t + gap);
            let (topic, reason) = self.rng.pick(TICKETS);
            let e = self
                .event(opened, K::SupportTicket)
                .with_category(topic)
                .with_reason(reason);
            self.push(e);
            if self.rng.chance(0.85) {
                let took = self.rng.between(0.05, 6.0);
                self.emit(opened + took, K::TicketResolved);
            }
        }
        let complaint_rate = if self.happy { 0.015 } else { 0.06 };
        if self.rng.chance(complaint_rate) {
            let gap = self.rng.between(1.0, 15.0);
            let at = self.session(t + gap);
            let (topic, reason) = self.rng.pick(COMPLAINTS);
            let e = self
                .event(at, K::Complaint)
                .with_category(topic)
                .with_reason(reason);
            self.push(e);
        }
        if self.rng.chance(0.05) {
            let gap = self.rng.between(5.0, 30.0);
            let at = self.session(t + gap);
            self.offer(at, 0.4);
        }
    }

    /// Outreach at `t` with an offer, accepted with probability `accept`, else often
    /// declined.
    fn offer(&mut self, t: f64, accept: f64) {
        self.emit(t, K::Outreach);
        let later = t + self.rng.between(0.05, 3.0);
        if self.rng.chance(accept) {
            self.emit(later, K::OfferAccepted);
        } else if self.rng.chance(0.6) {
            let reason = self.rng.pick(DECLINES);
            let e = self.event(later, K::OfferDeclined).with_reason(reason);
            self.push(e);
        }
    }

    /// A survey score 0-10: mostly promoters for happy customers, detractors else.
    fn score(&mut self) -> f64 {
        let score = if self.happy {
            if self.rng.chance(0.85) {
                self.rng.int(7, 10)
            } else {
                self.rng.int(3, 6)
            }
        } else if self.rng.chance(0.75) {
            self.rng.int(0, 6)
        } else {
            self.rng.int(7, 8)
        };
        f64::from(score)
    }

    /// A cancellation around `t`, with the signals that often precede it; its moment.
    fn cancel(&mut self, t: f64) -> f64 {
        let at = self.session(t);
        let reason = self.rng.pick(CANCEL_REASONS);
        match reason {
            "mala atención" => {
                let gap = self.rng.between(2.0, 10.0);
                let before = self.session(at - gap);
                let e = self
                    .event(before, K::Complaint)
                    .with_category("atención al cliente")
                    .with_reason("mala atención");
                self.push(e);
            }
            "precio" if self.rng.chance(0.5) => {
                let gap = self.rng.between(3.0, 12.0);
                let before = self.session(at - gap);
                let e = self.event(before, K::OfferDeclined).with_reason("muy caro");
                self.push(e);
            }
            _ => {}
        }
        if self.rng.chance(0.3) {
            let gap = self.rng.between(0.5, 5.0);
            let after = self.session(at + gap);
            let score = f64::from(self.rng.int(0, 5));
            let e = self.event(after, K::Survey).with_score(score);
            self.push(e);
        }
        let e = self.event(at, K::Cancellation).with_reason(reason);
        self.push(e);
        at
    }

    /// A win-back campaign at `t`: outreach, an accepted offer and a purchase a few
    /// days later; the moment of the purchase.
    fn win_back(&mut self, t: f64, favourite: usize) -> f64 {
        let at = self.session(t);
        self.emit(at, K::Outreach);
        let gap = self.rng.between(0.0, 3.0);
        let accepted = self.session(at + gap);
        self.emit(accepted, K::OfferAccepted);
        let gap = self.rng.between(0.0, 5.0);
        let bought = self.session(accepted + gap);
        self.happy = true;
        self.purchase(bought, favourite);
        bought
    }

    /// A monthly subscription from 30 days after `first` until `until`: renewals
    /// (sometimes after a failed payment) and weekly usage that fades before the end
    /// when the customer is leaving; a last failed payment when the card lapses.
    fn subscription(&mut self, first: f64, until: f64, lapsed_card: bool, fate: Fate) {
        let (lo, hi) = if self.spain {
            (4.0, 15.0)
        } else {
            (5_000.0, 25_000.0)
        };
        let price = if self.spain {
            self.rng.between(lo, hi).floor() as i64 * 100 + 99
        } else {
            (self.rng.between(lo, hi) / 100.0).round() as i64 * 100 * 100
        };
        let mut due = first + 30.0;
        while due < until {
            let mut renewed = due;
            if self.rng.chance(0.06) {
                let reason = self.rng.pick(PAYMENT_FAILURES);
                let e = self.event(due, K::PaymentFailed).with_reason(reason);
                self.push(e);
                renewed = due + self.rng.between(1.0, 4.0);
            }
            if renewed < until {
                let e = self
                    .event(renewed, K::Renewal)
                    .with_amount(Money {
                        minor: price,
                        currency: self.currency,
                    })
                    .with_category("suscripción");
                self.push(e);
            }
            due += 30.0;
        }
        if lapsed_card && until < PERIOD_DAYS {
            let e = self
                .event(until, K::PaymentFailed)
                .with_reason("tarjeta vencida");
            self.push(e);
        }
        let base = self.rng.between(2.0, 30.0);
        let fading = matches!(fate, Fate::Cancels | Fate::Stops | Fate::Returns);
        let mut t = self.session(first + 1.0);
        while t < until {
            let left = until - t;
            let factor = if fading {
                (left / 60.0).clamp(0.15, 1.0)
            } else {
                1.0
            };
            let quantity = (base * factor * self.rng.between(0.6, 1.4)).round();
            let e = self.event(t, K::Usage).with_quantity(quantity);
            self.push(e);
            let gap = self.rng.between(5.0, 9.0);
            t = self.session(t + gap);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::StageModel;
    use crate::model::EventKind;
    use crate::Engine;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn deterministic_for_a_seed() {
        let a = events(300, 7);
        assert_eq!(a, events(300, 7));
        assert_ne!(a, events(300, 8));
        // A customer's story does not depend on the sample size.
        let small: Vec<_> = events(10, 7)
            .into_iter()
            .filter(|e| e.customer.ends_with("-000003"))
            .map(|e| (e.at, e.kind))
            .collect();
        let large: Vec<_> = a
            .into_iter()
            .filter(|e| e.customer.ends_with("-000003"))
            .map(|e| (e.at, e.kind))
            .collect();
        assert_eq!(small, large);
        assert!(events(0, 1).is_empty());
    }

    #[test]
    fn events_are_valid_sorted_and_inside_the_period() {
        let events = events(1000, 42);
        assert!(events.len() > 5000);
        let mut ids = BTreeSet::new();
        for pair in events.windows(2) {
            assert!(pair[0].at <= pair[1].at);
        }
        for e in &events {
            e.validate().unwrap();
            assert!(e.at >= start() && e.at < end(), "{e:?}");
            assert!(ids.insert(e.id.clone().unwrap()));
            let (country, number) = e.customer.split_once('-').unwrap();
            assert!(number.len() == 6 && number.chars().all(|c| c.is_ascii_digit()));
            if let Some(m) = e.amount {
                let expected = if country == "AR" { "ARS" } else { "EUR" };
                assert_eq!(m.currency.as_str(), expected);
            }
        }
        let kinds: BTreeSet<_> = events.iter().map(|e| e.kind.clone()).collect();
        for &k in K::ALL {
            assert!(kinds.contains(&EventKind::Builtin(k)), "no {k} event");
        }
    }

    #[test]
    fn tick_times_are_monthly() {
        let ticks = tick_times();
        assert_eq!(ticks.len(), 12);
        assert_eq!(ticks[0].to_rfc3339(), "2025-02-01T00:00:00Z");
        assert_eq!(ticks[1].to_rfc3339(), "2025-03-01T00:00:00Z");
        assert_eq!(*ticks.last().unwrap(), end());
        assert_eq!(end().to_rfc3339(), "2026-01-01T00:00:00Z");
        assert_eq!(start().to_rfc3339(), "2025-01-01T00:00:00Z");
    }

    #[test]
    fn six_stage_replay_reaches_every_stage_and_rule() {
        let engine = Engine::new(StageModel::six_stage());
        let model = engine.model();
        let events = events(2000, 42);
        let mut ticks = tick_times().into_iter().peekable();
        for e in &events {
            while let Some(t) = ticks.next_if(|&t| t <= e.at) {
                engine.tick(t);
            }
            engine.apply(e).unwrap();
        }
        for t in ticks {
            engine.tick(t);
        }
        assert_eq!(engine.len(), 2000);
        let mut stages = BTreeSet::new();
        let mut rules = BTreeMap::new();
        engine.for_each(|_, state| {
            for t in state.history() {
                stages.insert(model.stage_name(t.to).to_string());
                if let Some(r) = t.rule {
                    *rules.entry(model.rule(r).name.clone()).or_insert(0) += 1;
                }
            }
        });
        for stage in model.stages() {
            assert!(stages.contains(stage), "nobody reached {stage}");
        }
        for rule in model.rules() {
            assert!(rules.contains_key(&rule.name), "{} never fired", rule.name);
        }
    }
}
