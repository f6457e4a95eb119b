//! Wasserstein GAN (Arjovsky, Chintala & Bottou 2017, ICML): the critic estimates the
//! Wasserstein-1 distance as E[s(x)] − E[s(G(z))], kept 1-Lipschitz (roughly) by clipping its
//! weights to [−c, c] after every update: L_D = E[s(G(z))] − E[s(x)], L_G = −E[s(G(z))].
//!
//! Settings as the paper's: c = 0.01, 5 critic updates per G update, lr 5·10⁻⁵. The paper used
//! RMSProp; this project has one optimiser, Adam, so β₁ = 0 and β₂ = 0.999 (Adam without
//! momentum is RMSProp with bias correction; the paper found momentum harmful here).

use super::{Defaults, Objective};
use burn::prelude::*;

/// E[s(G(z))] − E[s(x)], the negative of the critic's Wasserstein estimate; shared with WGAN-GP.
pub(super) fn critic_loss(real: Tensor<2>, fake: Tensor<2>) -> Tensor<1> {
    fake.mean() - real.mean() // [1]
}

pub(super) fn generator_loss(fake: Tensor<2>) -> Tensor<1> {
    fake.mean().neg() // [1]
}

pub struct Wgan;

impl Objective for Wgan {
    fn name(&self) -> &'static str {
        "wgan"
    }
    fn hint(&self) -> &'static str {
        "WGAN: a critic of the Wasserstein distance, its weights clipped (Arjovsky et al. 2017)"
    }
    fn defaults(&self) -> Defaults {
        Defaults { lr: 5e-5, beta1: 0.0, beta2: 0.999, n_critic: 5, clip: Some(0.01), penalty: None, batch_norm: true }
    }
    fn critic_loss(&self, real: Tensor<2>, fake: Tensor<2>) -> Tensor<1> {
        critic_loss(real, fake)
    }
    fn generator_loss(&self, fake: Tensor<2>) -> Tensor<1> {
        generator_loss(fake)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{close, scores, value};
    use super::*;

    #[test]
    fn losses_by_hand() {
        let (real, fake) = (scores(&[3.0, 1.0]), scores(&[-1.0, 0.0]));
        close(value(Wgan.critic_loss(real, fake.clone())), -0.5 - 2.0);
        close(value(Wgan.generator_loss(fake)), 0.5);
    }
}
