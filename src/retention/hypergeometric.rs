//! The Gauss hypergeometric function, which the BG/NBD model's expected
//! purchases need.

/// Terms summed at most: the series converges like `zⁿ`, after its terms
/// stop growing; near `z = 1` that takes about `1 / (1 − z)` terms.
const MAX_TERMS: usize = 1_000_000;

/// ₂F₁(a, b; c; z) for `0 ≤ z < 1` as its sign and the natural logarithm of
/// its magnitude, by its power series `Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ`.
///
/// The terms are rescaled as they grow, so the sum never overflows (a
/// customer with hundreds of purchases makes `a` and `b` in the hundreds).
/// `None` when the arguments are outside that domain, `c` is a pole (zero or a
/// negative whole number), the sum is 0, or it has not converged after a
/// million terms.
pub(crate) fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<(f64, f64)> {
    if !(a.is_finite() && b.is_finite() && c.is_finite() && (0.0..1.0).contains(&z)) {
        return None;
    }
    if c <= 0.0 && c == c.floor() {
        return None;
    }
    // `sum` and `term` are the true values divided by e^`shift`.
    let (mut sum, mut term, mut shift) = (1.0f64, 1.0f64, 0.0f64);
    // The bound `rho` below is at least `z` (each factor after `z` is at
    // least 1), so the tail bound is at least `|term|·z/(1 − z)`: while that
    // exceeds the tolerance, the series has not converged and `rho` (two
    // divisions a term) need not be computed. Roundings move either bound
    // by a few units in the last place, far less than the margin of 1.0001:
    // the sum stops at the same term either way.
    let z_tail = z / (1.0 - z);
    for n in 0..MAX_TERMS {
        let k = n as f64;
        let ratio = (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
        term *= ratio;
        sum += term;
        if term.abs() > 1e200 {
            term *= 1e-200;
            sum *= 1e-200;
            shift += 200.0 * std::f64::consts::LN_10;
        }
        // A bound on every later ratio: (a + j)/(j + 1) and (b + j)/(c + j)
        // are monotone in j, each tending to 1, so from here on neither
        // exceeds the larger of 1 and its value now. With it below 1, the
        // terms left sum to at most |term|·ρ/(1 − ρ).
        let j = k + 1.0;
        if c + j > 0.0 && term.abs() * z_tail <= 1.0001 * f64::EPSILON * sum.abs() {
            let rho = z * ((a + j) / (j + 1.0)).abs().max(1.0) * ((b + j) / (c + j)).abs().max(1.0);
            if rho < 1.0 && term.abs() * rho / (1.0 - rho) <= f64::EPSILON * sum.abs() {
                return (sum != 0.0).then(|| (sum.signum(), sum.abs().ln() + shift));
            }
        }
        if term == 0.0 {
            return (sum != 0.0).then(|| (sum.signum(), sum.abs().ln() + shift));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(x: f64, y: f64) -> bool {
        (x - y).abs() <= 1e-12 * y.abs().max(1.0)
    }

    #[test]
    fn closed_forms() {
        for z in [0.0, 0.1, 0.5, 0.9, 0.99] {
            // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z.
            if z > 0.0 {
                let exact = (-(1.0f64 - z).ln() / z).ln();
                assert!(close(ln_hyp2f1(1.0, 1.0, 2.0, z).unwrap().1, exact), "{z}");
            }
            // ₂F₁(a, b; b; z) = (1 − z)^−a.
            for a in [0.3, 2.5, 40.0, 300.0] {
                let exact = -a * (1.0 - z).ln();
                let got = ln_hyp2f1(a, 7.25, 7.25, z).unwrap().1;
                assert!(close(got, exact), "{a} {z}: {got} {exact}");
            }
        }
    }

    #[test]
    fn euler_transformation_agrees() {
        // ₂F₁(a, b; c; z) = (1 − z)^(c − a − b) ₂F₁(c − a, c − b; c; z).
        for (a, b, c) in [(0.24, 2.4, 2.2), (30.24, 32.4, 32.2), (300.5, 302.1, 301.9)] {
            for z in [0.2, 0.6, 0.8] {
                let direct = ln_hyp2f1(a, b, c, z).unwrap().1;
                let euler =
                    (c - a - b) * (1.0f64 - z).ln() + ln_hyp2f1(c - a, c - b, c, z).unwrap().1;
                assert!(
                    (direct - euler).abs() <= 1e-10 * direct.abs().max(1.0),
                    "{a} {b} {c} {z}"
                );
            }
        }
    }

    #[test]
    fn negative_sums_keep_their_sign() {
        // ₂F₁(−0.5, 1; 1; z) = √(1 − z), and ₂F₁(1, 1; −0.5; z) starts 1 − 2z.
        let (sign, ln) = ln_hyp2f1(-0.5, 1.0, 1.0, 0.75).unwrap();
        assert!(sign > 0.0 && close(ln, 0.5f64.ln()));
        let (sign, _) = ln_hyp2f1(1.0, 1.0, -0.5, 0.9).unwrap();
        assert_eq!(sign, -1.0);
    }

    #[test]
    fn huge_parameters_converge_quickly() {
        // b ≈ c in the millions, as fits at a limit give: ₂F₁(a, b; b; z) =
        // (1 − z)^−a whatever b.
        for b in [1e6, 3e7, 1e9] {
            let (sign, ln) = ln_hyp2f1(0.5, b, b, 0.4).unwrap();
            assert!(sign > 0.0 && close(ln, -0.5 * 0.6f64.ln()), "{b}: {ln}");
        }
    }

    #[test]
    fn outside_the_domain() {
        assert_eq!(ln_hyp2f1(1.0, 1.0, 2.0, 1.0), None);
        assert_eq!(ln_hyp2f1(1.0, 1.0, 2.0, -0.1), None);
        assert_eq!(ln_hyp2f1(1.0, 1.0, -2.0, 0.5), None);
        assert_eq!(ln_hyp2f1(f64::NAN, 1.0, 2.0, 0.5), None);
    }
}
