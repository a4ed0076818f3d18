//! Minimisation of a smooth function of a few unconstrained variables: BFGS
//! with a backtracking line search, for the maximum-likelihood fits.
//!
//! The models have three or four parameters, fitted on their logarithms (so
//! every value is allowed), with exact gradients: BFGS needs a few dozen
//! evaluations where a simplex method needs hundreds.

/// Largest magnitude of a parameter's logarithm in a fit: parameters stay
/// within [1e-9, 1e9], where the likelihoods are computed accurately. A
/// likelihood whose maximum is at a limit (a parameter at 0 or infinity) is
/// maximised on this edge.
pub(crate) const LN_BOUND: f64 = 20.72;

/// Checks a fit's penalty coefficient.
pub(crate) fn check_penalizer(penalizer: f64) -> crate::Result<()> {
    if penalizer.is_finite() && penalizer >= 0.0 {
        Ok(())
    } else {
        Err(crate::Error::InvalidArgument {
            field: "penalizer".into(),
            message: format!("{penalizer} is not a finite number of at least 0"),
        })
    }
}

/// Largest gradient component (of the mean log-likelihood over the
/// parameters' logarithms) at which a fit has converged.
const LIKELIHOOD_TOLERANCE: f64 = 1e-10;

/// The other starting points of a fit whose first search stalled: every
/// parameter's logarithm at these values.
const RESTARTS: [f64; 4] = [1.0, -1.0, 2.5, -2.5];

/// Fits a model's positive parameters by maximum likelihood: minimises the
/// mean negative log-likelihood over `n` customers, plus `penalizer · Σ p²`,
/// over the parameters' logarithms from every parameter 1 (as `lifetimes`
/// starts), within [1e-9, 1e9]. `log_likelihood(params, gradient)` is the
/// total log-likelihood at `params`, its gradient over them written into
/// `gradient`. Returns the parameters and the iterations taken.
///
/// # Errors
///
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) naming
/// `customers`, the message naming `model` and suggesting `hint`, when the
/// optimiser finds no maximum.
pub(crate) fn maximise_likelihood<const N: usize>(
    log_likelihood: impl Fn(&[f64; N], &mut [f64; N]) -> f64,
    n: f64,
    penalizer: f64,
    model: &str,
    hint: &str,
) -> crate::Result<([f64; N], usize)> {
    let objective = |theta: &[f64; N], gradient: &mut [f64; N]| {
        let params = theta.map(f64::exp);
        let ll = log_likelihood(&params, gradient);
        // d/dθ of a function of p = e^θ is p · d/dp.
        for (g, p) in gradient.iter_mut().zip(params) {
            *g = -*g * p / n + 2.0 * penalizer * p * p;
        }
        -ll / n + penalizer * params.iter().map(|p| p * p).sum::<f64>()
    };
    let search =
        |start: f64| minimise(objective, [start; N], LN_BOUND, LIKELIHOOD_TOLERANCE, 1_000);
    // From every parameter 1, as lifetimes starts. A search that stalled
    // (on a ridge to a limit, or in a badly scaled valley) is tried again
    // from other starts, and the best point wins.
    let mut best = search(0.0);
    if !best.as_ref().is_some_and(|m| m.converged) {
        for start in RESTARTS {
            let other = search(start);
            let better = match (&best, &other) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(b), Some(o)) => o.value < b.value,
            };
            if better {
                best = other;
            }
            if best.as_ref().is_some_and(|m| m.converged) {
                break;
            }
        }
    }
    let minimum = best.ok_or_else(|| crate::Error::InvalidArgument {
        field: "customers".into(),
        message: format!(
            "the {model} likelihood has no maximum the optimiser could reach: the parameters \
             run off ({hint}); fit more customers, or add a penalizer"
        ),
    })?;
    Ok((minimum.x.map(f64::exp), minimum.iterations))
}

/// Where [`minimise`] stopped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Minimum<const N: usize> {
    /// The point.
    pub x: [f64; N],
    /// The function's value there.
    pub value: f64,
    /// Iterations taken.
    pub iterations: usize,
    /// Whether the projected gradient is below [`CRAWL_GRADIENT`] where the
    /// search stopped (rather than stalling on a ridge or in a badly scaled
    /// valley, which a fit tries again from other starts).
    pub converged: bool,
}

/// Largest step, in any variable, of one line search: the variables are
/// logarithms, and a step of 4 multiplies a parameter by 55.
const MAX_STEP: f64 = 4.0;

/// Projected gradient below which a search that cannot decrease the value
/// any more, even along the gradient itself, has found the minimum as well as
/// the arithmetic allows (the value's rounding hides any further decrease).
const STALLED_GRADIENT: f64 = 1e-4;

/// Projected gradient below which a search that used up its iterations still
/// counts as converged (it crawled at the minimum).
const CRAWL_GRADIENT: f64 = 1e-7;

/// How near the box's edge a variable counts as on it.
const EDGE: f64 = 0.5;

/// Iterations without a relative decrease above [`FLAT`] that, with a
/// variable on the box's edge, stop a search: the value is flat along the
/// ridge to the limit.
const STALLED_ITERATIONS: usize = 10;

/// A relative decrease below this counts as none.
const FLAT: f64 = 1e-13;

/// Minimises `f` from `start` over the box `|xᵢ| ≤ bound` by BFGS, steps
/// projected onto the box, with a backtracking (Armijo) line search.
///
/// `f(x, gradient)` returns the value at `x` and writes the gradient there; a
/// value that is not finite means "outside the domain" and makes the line
/// search step back. A variable on the box's edge (within [`EDGE`]) whose
/// gradient pushes it outward stays there: its optimum is at infinity, and
/// the search keeps the limit. A step must decrease the value and move the
/// point; when none does along the BFGS direction the search tries the
/// gradient itself.
///
/// Stops when every component of that projected gradient is below
/// `tolerance`; or when not even the gradient direction decreases the value
/// and the projected gradient is below [`STALLED_GRADIENT`]; or, on the edge,
/// when the value has been flat for [`STALLED_ITERATIONS`]; or after
/// `max_iterations` with the projected gradient below [`CRAWL_GRADIENT`].
/// Returns `None` when the start is outside the domain or the search stops
/// anywhere else.
pub(crate) fn minimise<const N: usize>(
    mut f: impl FnMut(&[f64; N], &mut [f64; N]) -> f64,
    start: [f64; N],
    bound: f64,
    tolerance: f64,
    max_iterations: usize,
) -> Option<Minimum<N>> {
    let clamp = |v: [f64; N]| v.map(|x| x.clamp(-bound, bound));
    let mut x = clamp(start);
    let mut g = [0.0; N];
    let mut fx = f(&x, &mut g);
    if !fx.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return None;
    }
    // The gradient without the components that push a variable (on the edge,
    // or within EDGE of it) out of the box.
    let projected = |x: &[f64; N], g: &[f64; N]| -> [f64; N] {
        std::array::from_fn(|i| {
            let out = (x[i] >= bound - EDGE && g[i] < 0.0) || (x[i] <= -bound + EDGE && g[i] > 0.0);
            if out {
                0.0
            } else {
                g[i]
            }
        })
    };
    let mut h = identity::<N>();
    let mut scaled = false;
    let mut flat = 0;
    let mut was_held = [false; N];
    let mut iteration = 0;
    loop {
        let pg = projected(&x, &g);
        let mut done = Minimum {
            x,
            value: fx,
            iterations: iteration,
            converged: false,
        };
        let on_edge = x.iter().any(|v| v.abs() >= bound - EDGE);
        // Converged (no restart needed) below the crawl tolerance too: a
        // search that stops in rounding there is at its minimum.
        done.converged = max_abs(&pg) < CRAWL_GRADIENT;
        // Below the tolerance, or converged and no longer decreasing beyond
        // rounding: steps from here only move the last bits.
        if max_abs(&pg) < tolerance || (done.converged && flat > 0) {
            return Some(done);
        }
        if on_edge && flat >= STALLED_ITERATIONS {
            return Some(done);
        }
        if iteration == max_iterations {
            return (max_abs(&pg) < CRAWL_GRADIENT).then_some(done);
        }
        iteration += 1;
        // Variables held on the edge do not move; the curvature estimate
        // starts over when the held ones change.
        let held: [bool; N] = std::array::from_fn(|i| pg[i] == 0.0 && g[i] != 0.0);
        if held != was_held {
            h = identity::<N>();
            scaled = false;
            was_held = held;
        }
        let mut d = mul(&h, &pg).map(|v| -v);
        for i in 0..N {
            if held[i] {
                d[i] = 0.0;
            }
        }
        if dot(&pg, &d) >= 0.0 || d.iter().any(|v| !v.is_finite()) {
            // Not a descent direction: start the curvature estimate over.
            h = identity::<N>();
            scaled = false;
            d = pg.map(|v| -v);
        }
        let longest = max_abs(&d);
        let mut step = if longest > MAX_STEP {
            MAX_STEP / longest
        } else {
            1.0
        };
        // Rounding slack on the sufficient decrease: near the minimum a
        // decrease can be below what the value's last bits resolve (the step
        // must still move the point and not raise the value).
        let slack = 8.0 * f64::EPSILON * fx.abs().max(1.0);
        let mut next = None;
        // Thirty halvings shrink a step a billion times: below that the
        // point only moves in its last bits.
        for _ in 0..30 {
            let xn = clamp(std::array::from_fn(|i| x[i] + step * d[i]));
            let moved: [f64; N] = std::array::from_fn(|i| xn[i] - x[i]);
            if moved.iter().all(|&m| m == 0.0) {
                break;
            }
            let mut gn = [0.0; N];
            let fxn = f(&xn, &mut gn);
            if fxn.is_finite()
                && gn.iter().all(|v| v.is_finite())
                && fxn <= fx
                && fxn <= fx + 1e-4 * dot(&g, &moved) + slack
            {
                next = Some((xn, fxn, gn));
                break;
            }
            step *= 0.5;
        }
        let Some((xn, fxn, gn)) = next else {
            if done.converged {
                // At the minimum as far as rounding tells.
                return Some(done);
            }
            if scaled {
                // Try again along the gradient itself.
                h = identity::<N>();
                scaled = false;
                continue;
            }
            // Not even the gradient decreases the value.
            return (max_abs(&pg) < STALLED_GRADIENT).then_some(done);
        };
        let s: [f64; N] = std::array::from_fn(|i| xn[i] - x[i]);
        let y: [f64; N] = std::array::from_fn(|i| gn[i] - g[i]);
        let sy = dot(&s, &y);
        if sy > 1e-300 {
            if !scaled {
                // The first update starts from a scaled identity (Nocedal
                // and Wright, eq. 6.20).
                let scale = sy / dot(&y, &y);
                h = identity::<N>();
                for (i, row) in h.iter_mut().enumerate() {
                    row[i] = scale;
                }
                scaled = true;
            }
            update(&mut h, &s, &y, sy);
        }
        if fx - fxn > FLAT * fx.abs() {
            flat = 0;
        } else {
            flat += 1;
        }
        (x, fx, g) = (xn, fxn, gn);
    }
}

/// The inverse-Hessian update of BFGS:
/// `H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ` with `ρ = 1 / sᵀy`.
fn update<const N: usize>(h: &mut [[f64; N]; N], s: &[f64; N], y: &[f64; N], sy: f64) {
    let rho = 1.0 / sy;
    let hy = mul(h, y);
    let yhy = dot(y, &hy);
    for i in 0..N {
        for j in 0..N {
            h[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
        }
    }
}

fn identity<const N: usize>() -> [[f64; N]; N] {
    std::array::from_fn(|i| std::array::from_fn(|j| if i == j { 1.0 } else { 0.0 }))
}

fn mul<const N: usize>(h: &[[f64; N]; N], v: &[f64; N]) -> [f64; N] {
    std::array::from_fn(|i| dot(&h[i], v))
}

fn dot<const N: usize>(a: &[f64; N], b: &[f64; N]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn max_abs<const N: usize>(v: &[f64; N]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// Checks a likelihood's gradient at `p` against central differences.
#[cfg(test)]
pub(crate) fn assert_gradient<const N: usize>(
    f: impl Fn(&[f64; N], Option<&mut [f64; N]>) -> f64,
    p: [f64; N],
) {
    let mut g = [0.0; N];
    f(&p, Some(&mut g));
    for i in 0..N {
        let h = 1e-6 * p[i];
        let (mut up, mut down) = (p, p);
        up[i] += h;
        down[i] -= h;
        let slope = (f(&up, None) - f(&down, None)) / (2.0 * h);
        assert!(
            (slope - g[i]).abs() < 1e-6 * slope.abs().max(1.0),
            "{i}: {slope} {}",
            g[i]
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_minimum_of_rosenbrock() {
        let m = minimise(
            |x: &[f64; 2], g: &mut [f64; 2]| {
                let (a, b) = (1.0 - x[0], x[1] - x[0] * x[0]);
                g[0] = -2.0 * a - 400.0 * x[0] * b;
                g[1] = 200.0 * b;
                a * a + 100.0 * b * b
            },
            [-1.2, 1.0],
            10.0,
            1e-10,
            500,
        )
        .unwrap();
        assert!(
            (m.x[0] - 1.0).abs() < 1e-8 && (m.x[1] - 1.0).abs() < 1e-8,
            "{m:?}"
        );
    }

    #[test]
    fn steps_back_from_outside_the_domain() {
        // ln is only defined for positive x: the first full step overshoots.
        let m = minimise(
            |x: &[f64; 1], g: &mut [f64; 1]| {
                if x[0] <= 0.0 {
                    return f64::NAN;
                }
                g[0] = 1.0 - 3.0 / x[0];
                x[0] - 3.0 * x[0].ln()
            },
            [0.1],
            10.0,
            1e-12,
            100,
        )
        .unwrap();
        // As near as the value's rounding tells: f'' is 1/3 there.
        assert!((m.x[0] - 3.0).abs() < 1e-7, "{m:?}");
    }

    #[test]
    fn stops_on_the_edge_of_the_box() {
        // Decreases forever toward +∞ in x, has its minimum at 2 in y.
        let m = minimise(
            |x: &[f64; 2], g: &mut [f64; 2]| {
                g[0] = -(-x[0]).exp();
                g[1] = 2.0 * (x[1] - 2.0);
                (-x[0]).exp() + (x[1] - 2.0).powi(2)
            },
            [0.0, 0.0],
            20.0,
            1e-10,
            200,
        )
        .unwrap();
        assert!(m.x[0] >= 20.0 - EDGE, "{m:?}");
        assert!((m.x[1] - 2.0).abs() < 1e-8, "{m:?}");
    }

    #[test]
    fn gives_up_without_a_minimum() {
        // Decreases forever.
        let m = minimise(
            |x: &[f64; 1], g: &mut [f64; 1]| {
                g[0] = -1.0;
                -x[0]
            },
            [0.0],
            f64::INFINITY,
            1e-9,
            50,
        );
        assert_eq!(m, None);
        // Starts outside the domain.
        assert_eq!(
            minimise(
                |_: &[f64; 1], _: &mut [f64; 1]| f64::NAN,
                [0.0],
                1.0,
                1e-9,
                50
            ),
            None
        );
    }
}
