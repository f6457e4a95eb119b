//! WGAN with gradient penalty (Gulrajani et al. 2017, "Improved Training of Wasserstein GANs",
//! NeurIPS): WGAN's losses, with the critic kept 1-Lipschitz by penalising its gradient's norm
//! at points x̂ between real and generated images: λ·E[(‖∇s(x̂)‖ − 1)²], x̂ = t·x + (1 − t)·G(z),
//! t ~ U(0, 1) per image. Settings as the paper's: λ = 10, 5 critic updates per G update, Adam
//! with lr 10⁻⁴, β₁ = 0, β₂ = 0.9.
//!
//! **The penalty here is a first-order approximation.** burn's autodiff has no gradient of a
//! gradient, so ‖∇s(x̂)‖ cannot be differentiated with respect to the critic's weights as the
//! paper does. Instead one backward pass gives ∇s(x̂), whose direction u = ∇s(x̂)/‖∇s(x̂)‖ is
//! held fixed, and the penalty is taken on the critic's slope along u, a central difference:
//! λ·E[((s(x̂ + εu) − s(x̂ − εu))/2ε − 1)²]. Along the gradient's own direction the slope is the
//! gradient's norm, so the value tends to the paper's as ε → 0 (as ε²). So does its gradient with
//! respect to the weights θ: the norm is stationary in the direction (∂‖g‖/∂θ = u·∂g/∂θ, the
//! derivative of the slope along a fixed u), so holding u fixed loses nothing to first order.
//! Tests check both against the exact norm on small critics (the gradients agreed to ~2·10⁻⁵
//! relative). ε = 0.01, in units of the image's own scale ([-1, 1] pixels).

use super::{Defaults, Objective};
use burn::prelude::*;

/// The finite difference's step along the gradient's direction.
pub const EPSILON: f64 = 1e-2;

pub struct WganGp;

impl Objective for WganGp {
    fn name(&self) -> &'static str {
        "wgan-gp"
    }
    fn hint(&self) -> &'static str {
        "WGAN-GP: WGAN with a gradient penalty, here to first order (Gulrajani et al. 2017)"
    }
    fn defaults(&self) -> Defaults {
        Defaults { lr: 1e-4, beta1: 0.0, beta2: 0.9, n_critic: 5, clip: None, penalty: Some(10.0), batch_norm: false }
    }
    fn critic_loss(&self, real: Tensor<2>, fake: Tensor<2>) -> Tensor<1> {
        super::wgan::critic_loss(real, fake)
    }
    fn generator_loss(&self, fake: Tensor<2>) -> Tensor<1> {
        super::wgan::generator_loss(fake)
    }
}

/// The points between real and generated images the penalty is taken at: x̂ = t·x + (1 − t)·x̃
/// with `t` `[batch, 1, 1, 1]` in [0, 1]; no graph.
pub fn interpolates(real: Tensor<4>, fake: Tensor<4>, t: Tensor<4>) -> Tensor<4> {
    (real.detach() * t.clone() + fake.detach() * t.neg().add_scalar(1.0)).detach() // [batch, c, h, w]
}

/// The critic's gradient at each of `points` `[batch, c, h, w]` and its norm, by one backward
/// pass (nothing else of that pass is kept): (∇s `[batch, c, h, w]`, ‖∇s‖ `[batch, 1]`), no graph.
pub fn gradients(critic: &impl Fn(Tensor<4>) -> Tensor<2>, points: Tensor<4>) -> (Tensor<4>, Tensor<2>) {
    let batch = points.dims()[0];
    let leaf = points.detach().require_grad();
    let grads = critic(leaf.clone()).sum().backward(); // images are independent: ∇ of the sum is each image's ∇
    let gradient = leaf.grad(&grads).expect("the points take a gradient").autodiff(); // [batch, c, h, w]
    let norm = gradient.clone().powi_scalar(2).flatten::<2>(1, 3).sum_dim(1).sqrt(); // [batch, 1]
    (gradient, norm.reshape([batch, 1]))
}

/// The critic's slope at each of `points` along its own gradient's direction (held fixed), by
/// a central difference of step [`EPSILON`]: `[batch, 1]`, with a graph to the critic's weights.
pub fn slopes(critic: &impl Fn(Tensor<4>) -> Tensor<2>, points: Tensor<4>) -> Tensor<2> {
    let batch = points.dims()[0];
    let (gradient, norm) = gradients(critic, points.clone());
    let direction = gradient / norm.add_scalar(1e-12).reshape([batch, 1, 1, 1]); // [batch, c, h, w], unit
    let step = direction.mul_scalar(EPSILON); // [batch, c, h, w]
    let scores = critic(Tensor::cat(vec![points.clone() + step.clone(), points - step], 0)); // [2·batch, 1] in one pass
    let (ahead, behind) = (scores.clone().slice([0..batch]), scores.slice([batch..2 * batch])); // [batch, 1] each
    (ahead - behind).div_scalar(2.0 * EPSILON) // [batch, 1]
}

/// λ·E[(slope − 1)²] at x̂ between `real` and `fake` (see the module's comment).
pub fn gradient_penalty(critic: &impl Fn(Tensor<4>) -> Tensor<2>, real: Tensor<4>, fake: Tensor<4>, t: Tensor<4>, lambda: f64) -> Tensor<1> {
    let slopes = slopes(critic, interpolates(real, fake, t)); // [batch, 1]
    slopes.sub_scalar(1.0).powi_scalar(2).mean().mul_scalar(lambda) // [1]
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::activation::elu;
    use futures_lite::future::block_on;

    fn read<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        block_on(crate::named::read(t.inner())).unwrap().values
    }

    /// A small critic with curvature: s(x) = v · elu(W·flatten(x) + b), x `[batch, 1, 3, 3]`,
    /// 6 hidden units; weights fixed by a seed.
    struct Small {
        w: Tensor<2>,
        b: Tensor<1>,
        v: Tensor<2>,
    }

    impl Small {
        fn new(device: &Device) -> Self {
            let mut rng = crate::rng::rng_for(3, "small-critic", 0);
            let w = crate::rng::uniform(&mut rng, 9, 6, device).require_grad();
            let b = crate::rng::uniform(&mut rng, 1, 6, device).reshape([6]).mul_scalar(0.5).detach().require_grad();
            let v = crate::rng::uniform(&mut rng, 6, 1, device).require_grad();
            Self { w, b, v }
        }

        fn with_w(&self, w: Tensor<2>) -> Self {
            Self { w: w.detach().require_grad(), b: self.b.clone(), v: self.v.clone() }
        }

        fn score(&self, x: Tensor<4>) -> Tensor<2> {
            let flat = x.flatten::<2>(1, 3); // [batch, 9]
            let hidden = elu(flat.matmul(self.w.clone()) + self.b.clone().unsqueeze_dim(0), 1.0); // [batch, 6]
            hidden.matmul(self.v.clone()) // [batch, 1]
        }
    }

    fn points(device: &Device) -> Tensor<4> {
        let mut rng = crate::rng::rng_for(4, "points", 0);
        crate::rng::uniform(&mut rng, 5, 9, device).reshape([5, 1, 3, 3])
    }

    #[test]
    fn the_slope_along_the_gradient_is_its_norm() {
        let device = Device::flex().autodiff();
        let critic = Small::new(&device);
        let score = |x: Tensor<4>| critic.score(x);
        let x = points(&device);
        let (_, norms) = gradients(&score, x.clone());
        let (slopes, norms) = (read(slopes(&score, x)), read(norms));
        for (slope, norm) in slopes.iter().zip(&norms) {
            assert!(*norm > 0.1, "a degenerate test point: ‖∇s‖ = {norm}");
            assert!((slope - norm).abs() < 2e-3 * norm.max(1.0), "slope {slope} against ‖∇s‖ {norm}");
        }
    }

    #[test]
    fn the_norm_matches_a_linear_critic_exactly() {
        let device = Device::flex().autodiff();
        let w = Tensor::<1>::from_floats([3.0, 0.0, -4.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], &device).reshape([9, 1]);
        let score = |x: Tensor<4>| x.flatten::<2>(1, 3).matmul(w.clone()); // s(x) = w·x, ‖∇s‖ = ‖w‖ = 5
        let x = points(&device);
        for (slope, norm) in read(slopes(&score, x.clone())).into_iter().zip(read(gradients(&score, x).1)) {
            assert!((norm - 5.0).abs() < 1e-5 && (slope - 5.0).abs() < 1e-3, "{slope}, {norm}");
        }
    }

    /// The penalty's gradient with respect to the critic's weights, by autodiff through the
    /// first-order form, against central differences of the exact penalty E[(‖∇s‖ − 1)²].
    #[test]
    fn the_penalty_gradient_follows_the_exact_one() {
        let device = Device::flex().autodiff();
        let critic = Small::new(&device);
        let x = points(&device);
        let exact = |c: &Small| {
            let score = |x: Tensor<4>| c.score(x);
            let norms = read(gradients(&score, x.clone()).1);
            norms.iter().map(|n| ((*n as f64) - 1.0).powi(2)).sum::<f64>() / norms.len() as f64
        };
        let score = |x: Tensor<4>| critic.score(x);
        let penalty = slopes(&score, x.clone()).sub_scalar(1.0).powi_scalar(2).mean(); // λ = 1
        let grads = penalty.backward();
        let by_autodiff = read(critic.w.grad(&grads).unwrap().autodiff());
        let w = read(critic.w.clone());
        let h = 1e-2f32;
        let (mut worst, mut largest) = (0.0f64, 0.0f64);
        for i in 0..w.len() {
            let nudged = |delta: f32| {
                let mut values = w.clone();
                values[i] += delta;
                critic.with_w(Tensor::<1>::from_floats(values.as_slice(), &device).reshape([9, 6]))
            };
            let central = (exact(&nudged(h)) - exact(&nudged(-h))) / (2.0 * h as f64);
            worst = worst.max((central - by_autodiff[i] as f64).abs());
            largest = largest.max(central.abs());
        }
        assert!(largest > 0.1, "a degenerate test: the penalty hardly depends on W");
        assert!(worst < 1e-3 * largest, "the first-order gradient misses the exact one by {worst} (largest {largest})");
    }
}
