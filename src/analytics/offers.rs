//! Next best offer: one customer's candidate actions (cross-sell, up-sell,
//! retention, win-back), each valued in money and explained, ranked.
//!
//! The engine gathers the candidates ([`crate::Engine::next_best_offers`]);
//! this module values and ranks them, purely. Every value is an expected
//! amount in minor units of the customer's currency:
//!
//! - **cross-sell** (a product from the customer's affinities):
//!   `P(alive) × confidence of the affinity × the customer's spend per
//!   purchase` — the revenue to expect if the customer takes the product as
//!   often as the affinity's other buyers did;
//! - **up-sell** (the customer spends less per purchase than the base's
//!   median): `P(alive) × (base median − own spend per purchase)`, the gain
//!   of one purchase brought to the median;
//! - **retention** (a trigger that would fire now): `churn risk × expected
//!   value` — the value at risk — with the customer's revenue standing in
//!   for the expected value when no customer-base models are fitted;
//! - **win-back** (a lapsed customer): the win-back candidate's expected
//!   value (probability of coming back × annual value).
//!
//! `P(alive)` and the expected value come from the customer-base models
//! (BG/NBD, Gamma-Gamma) when fitted; without them `P(alive)` counts as 1.

/// What kind of action an offer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OfferKind {
    /// Retention action from a trigger.
    Retention,
    /// Win back a lapsed customer.
    WinBack,
    /// Another product, from an affinity.
    CrossSell,
    /// A bigger basket, from spend against the base.
    UpSell,
}

impl OfferKind {
    /// The name used in JSON: `retention`, `win_back`, `cross_sell`,
    /// `up_sell`.
    pub fn name(self) -> &'static str {
        match self {
            OfferKind::Retention => "retention",
            OfferKind::WinBack => "win_back",
            OfferKind::CrossSell => "cross_sell",
            OfferKind::UpSell => "up_sell",
        }
    }
}

/// What is known of the customer to value actions.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CustomerValue {
    /// Revenue over purchases, in minor units (`None`: no purchase).
    pub spend_per_purchase: Option<f64>,
    /// Total revenue in minor units.
    pub revenue: f64,
    /// `P(alive)` from the customer-base models, if fitted.
    pub p_alive: Option<f64>,
    /// Expected value from the customer-base models, if fitted.
    pub expected_value: Option<f64>,
    /// The churn-risk score (0 to 1), if any signal gives it.
    pub churn_risk: Option<f64>,
}

impl CustomerValue {
    /// `P(alive)`, or 1 without models.
    pub fn alive(&self) -> f64 {
        self.p_alive.unwrap_or(1.0).clamp(0.0, 1.0)
    }

    /// A cross-sell's value: `P(alive) × confidence × spend per purchase`.
    pub fn cross_sell(&self, confidence: f64) -> f64 {
        self.alive() * confidence.clamp(0.0, 1.0) * self.spend_per_purchase.unwrap_or(0.0)
    }

    /// An up-sell's value against the base's median spend per purchase, if
    /// the customer spends less (`None` otherwise or without purchases).
    pub fn up_sell(&self, base_median: f64) -> Option<f64> {
        let own = self.spend_per_purchase?;
        (own < base_median).then(|| self.alive() * (base_median - own))
    }

    /// A retention action's value: the churn risk times the expected value
    /// (the revenue without models).
    pub fn at_risk(&self) -> f64 {
        self.churn_risk.unwrap_or(0.0).clamp(0.0, 1.0)
            * self.expected_value.unwrap_or(self.revenue).max(0.0)
    }
}

/// The spend per purchase of a base of customers, for up-sell.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpendBase {
    /// Each customer's spend per purchase, ascending.
    sorted: Vec<f64>,
}

impl SpendBase {
    /// The base from each customer's spend per purchase (non-finite values
    /// are left out).
    pub fn new(mut spends: Vec<f64>) -> SpendBase {
        spends.retain(|s| s.is_finite());
        spends.sort_by(f64::total_cmp);
        SpendBase { sorted: spends }
    }

    /// Customers in the base.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// Whether the base is empty.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// The median spend per purchase (`None` for an empty base).
    pub fn median(&self) -> Option<f64> {
        let n = self.sorted.len();
        match n {
            0 => None,
            _ if n % 2 == 1 => Some(self.sorted[n / 2]),
            _ => Some((self.sorted[n / 2 - 1] + self.sorted[n / 2]) / 2.0),
        }
    }

    /// The share of the base spending less per purchase than `spend`
    /// (0 to 1; 0 for an empty base).
    pub fn percentile(&self, spend: f64) -> f64 {
        if self.sorted.is_empty() {
            return 0.0;
        }
        self.sorted.partition_point(|&s| s < spend) as f64 / self.sorted.len() as f64
    }
}

/// Ranks candidate actions, each a `(kind, value, tie-break name)` with its
/// payload: highest value first, then by kind (retention, win-back,
/// cross-sell, up-sell), then by name; at most `n`.
pub fn rank<T>(
    mut candidates: Vec<(OfferKind, f64, String, T)>,
    n: usize,
) -> Vec<(OfferKind, f64, String, T)> {
    candidates.retain(|c| c.1.is_finite());
    candidates.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(a.0.cmp(&b.0))
            .then_with(|| a.2.cmp(&b.2))
    });
    candidates.truncate(n);
    candidates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_ranks() {
        let v = CustomerValue {
            spend_per_purchase: Some(100.0),
            revenue: 1000.0,
            p_alive: Some(0.5),
            expected_value: Some(2000.0),
            churn_risk: Some(0.25),
        };
        assert_eq!(v.cross_sell(0.4), 20.0);
        assert_eq!(v.up_sell(300.0), Some(100.0));
        assert_eq!(v.up_sell(50.0), None);
        assert_eq!(v.at_risk(), 500.0);
        let base = SpendBase::new(vec![3.0, 1.0, f64::NAN, 2.0, 4.0]);
        assert_eq!(base.median(), Some(2.5));
        assert_eq!(base.percentile(3.0), 0.5);
        assert_eq!(SpendBase::default().median(), None);
        let ranked = rank(
            vec![
                (OfferKind::UpSell, 10.0, "b".into(), ()),
                (OfferKind::CrossSell, 10.0, "a".into(), ()),
                (OfferKind::Retention, 30.0, "r".into(), ()),
                (OfferKind::CrossSell, f64::NAN, "x".into(), ()),
            ],
            3,
        );
        let names: Vec<&str> = ranked.iter().map(|r| r.2.as_str()).collect();
        assert_eq!(names, ["r", "a", "b"]);
    }
}
