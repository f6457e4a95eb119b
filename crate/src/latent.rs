//! Points in G's latent space for the sampler widget: seeded draws of z and spherical
//! interpolation between them. Host-side vectors, so the widget's JavaScript can hold them.

use crate::rng::rng_for;
use rand::RngExt;

/// `n` latent vectors z ~ U(-1, 1)^latent, row-major; the same seed gives the same vectors on
/// every platform.
pub fn uniform(n: usize, latent: usize, seed: u64) -> Vec<f32> {
    uniform_draw(n, latent, seed, 0)
}

/// The `draw`-th of a sequence of such sets for one seed, each its own stream: no seed's draws
/// repeat another's (draw 0 is [`uniform`]).
pub fn uniform_draw(n: usize, latent: usize, seed: u64, draw: u64) -> Vec<f32> {
    let mut rng = rng_for(seed, "sampler-z", draw);
    (0..n * latent).map(|_| rng.random_range(-1.0f32..1.0)).collect()
}

/// Spherical linear interpolation from `a` (t = 0) to `b` (t = 1), row by row of `latent` values.
///
/// Straight lines between two draws pass near the origin, where z is atypically short and G's
/// images wash out; the arc keeps the norm (White 2016, "Sampling Generative Networks").
/// Nearly parallel rows fall back to the straight line, where the arc is undefined.
pub fn slerp(a: &[f32], b: &[f32], t: f32, latent: usize) -> Vec<f32> {
    assert_eq!(a.len(), b.len(), "slerp between different numbers of values");
    assert!(latent > 0 && a.len() % latent == 0, "slerp of rows of {latent} values");
    a.chunks(latent).zip(b.chunks(latent)).flat_map(|(a, b)| slerp_row(a, b, t)).collect()
}

fn slerp_row(a: &[f32], b: &[f32], t: f32) -> Vec<f32> {
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let cos = (dot / (norm(a) * norm(b))).clamp(-1.0, 1.0);
    let omega = cos.acos();
    let (wa, wb) = if omega.sin().abs() < 1e-4 || !omega.is_finite() {
        (1.0 - t, t)
    } else {
        (((1.0 - t) * omega).sin() / omega.sin(), (t * omega).sin() / omega.sin())
    };
    a.iter().zip(b).map(|(x, y)| wa * x + wb * y).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(v: &[f32]) -> f32 {
        v.iter().map(|x| x * x).sum::<f32>().sqrt()
    }

    #[test]
    fn uniform_draws_are_seeded_and_in_range() {
        let z = uniform(4, 8, 7);
        assert_eq!(z.len(), 32);
        assert!(z.iter().all(|v| (-1.0..1.0).contains(v)));
        assert_eq!(z, uniform(4, 8, 7));
        assert_ne!(z, uniform(4, 8, 8));
        // A seed's next draws are not the next seed's first: widgets of seeds 7 and 8 differ.
        assert_eq!(uniform_draw(4, 8, 7, 0), z);
        assert_ne!(uniform_draw(4, 8, 7, 1), uniform(4, 8, 8));
        assert_ne!(uniform_draw(4, 8, 7, 1), z);
    }

    #[test]
    fn slerp_ends_at_its_endpoints() {
        let (a, b) = (uniform(3, 16, 1), uniform(3, 16, 2));
        let close = |x: &[f32], y: &[f32]| x.iter().zip(y).all(|(p, q)| (p - q).abs() < 1e-5);
        assert!(close(&slerp(&a, &b, 0.0, 16), &a));
        assert!(close(&slerp(&a, &b, 1.0, 16), &b));
    }

    #[test]
    fn slerp_keeps_the_norm_where_a_straight_line_would_not() {
        let a = [1.0, 0.0, 0.0, 0.0];
        let b = [0.0, 1.0, 0.0, 0.0];
        let mid = slerp(&a, &b, 0.5, 4);
        assert!((norm(&mid) - 1.0).abs() < 1e-5, "{mid:?}");
        assert!((mid[0] - mid[1]).abs() < 1e-6 && mid[0] > 0.7);
    }

    #[test]
    fn slerp_interpolates_each_row_on_its_own() {
        let a = [1.0, 0.0, 2.0, 0.0];
        let b = [0.0, 1.0, 0.0, 2.0];
        let mid = slerp(&a, &b, 0.5, 2);
        assert!((norm(&mid[..2]) - 1.0).abs() < 1e-5 && (norm(&mid[2..]) - 2.0).abs() < 1e-5, "{mid:?}");
    }

    #[test]
    fn parallel_rows_fall_back_to_a_straight_line() {
        let a = [1.0, 1.0];
        let b = [2.0, 2.0];
        assert_eq!(slerp(&a, &b, 0.5, 2), vec![1.5, 1.5]);
    }
}
