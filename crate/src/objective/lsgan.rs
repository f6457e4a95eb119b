//! Least Squares GAN (Mao et al. 2017, "Least Squares Generative Adversarial Networks", ICCV):
//! D regresses its score to b = 1 on real and a = 0 on generated images, G pushes its images'
//! score to c = 1 (the paper's 0-1 coding, eq. 9):
//! L_D = ½E[(s(x) − 1)²] + ½E[s(G(z))²], L_G = ½E[(s(G(z)) − 1)²].
//! Settings as the paper's: Adam, lr 2·10⁻⁴, β₁ = 0.5.

use super::{Defaults, Objective};
use burn::prelude::*;

pub struct Lsgan;

impl Objective for Lsgan {
    fn name(&self) -> &'static str {
        "lsgan"
    }
    fn hint(&self) -> &'static str {
        "LSGAN: least squares, D scores real 1 and fake 0 (Mao et al. 2017)"
    }
    fn defaults(&self) -> Defaults {
        Defaults { lr: 2e-4, beta1: 0.5, beta2: 0.999, n_critic: 1, clip: None, penalty: None, batch_norm: true }
    }
    fn critic_loss(&self, real: Tensor<2>, fake: Tensor<2>) -> Tensor<1> {
        (real.sub_scalar(1.0).powi_scalar(2).mean() + fake.powi_scalar(2).mean()).mul_scalar(0.5) // [1]
    }
    fn generator_loss(&self, fake: Tensor<2>) -> Tensor<1> {
        fake.sub_scalar(1.0).powi_scalar(2).mean().mul_scalar(0.5) // [1]
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{close, scores, value};
    use super::*;

    #[test]
    fn losses_by_hand() {
        let (real, fake) = (scores(&[1.5, 0.0]), scores(&[0.5, -1.0]));
        // ½·mean(0.25, 1) + ½·mean(0.25, 1) = 0.3125 + 0.3125.
        close(value(Lsgan.critic_loss(real, fake.clone())), 0.625);
        // ½·mean(0.25, 4) = 1.0625.
        close(value(Lsgan.generator_loss(fake)), 1.0625);
    }
}
