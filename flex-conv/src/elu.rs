//! ELU (α = 1), fused after a convolution: y = x for x > 0, eˣ − 1 otherwise, and its gradient
//! from y alone (1 for y > 0, else y + 1 = eˣ), so the backward pass keeps y, not x. (In f32,
//! y + 1 is eˣ to within 2⁻²⁴ absolute, and 0 below x ≈ −16.6, where eˣ < 6e-8.)
//!
//! The exponential is a branch-free polynomial (Cephes' expf: |error| ≤ 2 ulp) taken only of
//! non-positive values, so it never overflows (a naive exp of every element gave inf, then
//! 0 · inf = NaN in the gradient), and the loop vectorises (scalar `expf` calls do not).

/// y ← ELU(y), in place.
pub fn forward(values: &mut [f32]) {
    for v in values {
        *v = if *v > 0.0 { *v } else { exp_nonpositive(*v) - 1.0 };
    }
}

/// dy · ELU′(x), given y = ELU(x): written once, into a new buffer (dy is burn's, shared).
pub fn backward(y: &[f32], dy: &[f32]) -> Vec<f32> {
    assert_eq!(y.len(), dy.len());
    dy.iter().zip(y).map(|(&d, &y)| d * if y > 0.0 { 1.0 } else { y + 1.0 }).collect()
}

/// eˣ for x ≤ 0 (larger x give garbage; callers select them away).
#[inline(always)]
fn exp_nonpositive(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    // ln 2 in two parts, so that x − n·ln 2 is exact enough.
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    // Adding 1.5·2²³ rounds to the nearest integer n without a rounding instruction (SSE2 has
    // none; the x86-64 baseline is SSE2) and leaves n in the low bits of the sum's mantissa, so
    // 2ⁿ is built from bits without a float-to-int cast (Rust's saturating `as` does not
    // vectorise).
    const ROUND: f32 = 12_582_912.0;
    // e^-87 is still a normal f32, so 2ⁿ below stays a valid exponent. (Not `max`, which would
    // turn NaN into -87: NaN must reach the loss, where the trainer looks for it.)
    let x = if x < -87.0 { -87.0 } else { x };
    let shifted = x * LOG2E + ROUND;
    let n = shifted - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = ((((1.987_569_1e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r + 0.166_666_65) * r + 0.5;
    let e = p * r * r + r + 1.0;
    let two_to_n = shifted.to_bits().wrapping_sub(ROUND.to_bits()).wrapping_add(127) << 23;
    e * f32::from_bits(two_to_n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exponential_is_within_two_ulp_of_std() {
        let mut x = -87.0f32;
        while x <= 0.0 {
            let (ours, exact) = (exp_nonpositive(x), (x as f64).exp());
            assert!(((ours as f64 - exact) / exact).abs() < 2.5e-7, "e^{x}: {ours} vs {exact}");
            x += 0.0137;
        }
        assert_eq!(exp_nonpositive(0.0), 1.0);
    }

    #[test]
    fn elu_has_the_usual_values_and_finite_gradients_for_large_inputs() {
        let mut y = vec![-1000.0, -1.0, 0.0, 0.5, 100.0, 1e30, f32::MIN];
        forward(&mut y);
        let expected = [-1.0, (-1.0f32).exp_m1(), 0.0, 0.5, 100.0, 1e30, -1.0];
        for (a, b) in y.iter().zip(expected) {
            assert!((a - b).abs() <= 1e-6 * b.abs().max(1.0), "{a} vs {b}");
        }
        let dy = backward(&y, &vec![1.0; y.len()]);
        assert!(dy.iter().all(|d| d.is_finite()));
        assert_eq!(dy[0], 0.0);
        assert!((dy[1] - (-1.0f32).exp()).abs() < 1e-6);
        assert_eq!(&dy[3..6], &[1.0, 1.0, 1.0]);
    }

    #[test]
    fn nan_stays_nan() {
        let mut y = vec![f32::NAN];
        forward(&mut y);
        assert!(y[0].is_nan());
    }
}
