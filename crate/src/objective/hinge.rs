//! Hinge loss (Lim & Ye 2017, "Geometric GAN"; Miyato et al. 2018, "Spectral Normalization for
//! Generative Adversarial Networks", ICLR): the critic is a margin classifier,
//! L_D = E[max(0, 1 − s(x))] + E[max(0, 1 + s(G(z)))], and G raises its images' score,
//! L_G = −E[s(G(z))]. Settings as Miyato et al.'s for convolutional networks: Adam, lr 2·10⁻⁴,
//! β₁ = 0.5, β₂ = 0.999, one critic step per G step. (They also normalise D's weights
//! spectrally; this project's critic does not, so hinge here is the loss alone.)

use super::{Defaults, Objective};
use burn::prelude::*;
use burn::tensor::activation::relu;

pub struct Hinge;

impl Objective for Hinge {
    fn name(&self) -> &'static str {
        "hinge"
    }
    fn hint(&self) -> &'static str {
        "hinge: D is a margin classifier, G raises D's score (Lim & Ye 2017; Miyato et al. 2018)"
    }
    fn defaults(&self) -> Defaults {
        Defaults { lr: 2e-4, beta1: 0.5, beta2: 0.999, n_critic: 1, clip: None, penalty: None, batch_norm: true }
    }
    fn critic_loss(&self, real: Tensor<2>, fake: Tensor<2>) -> Tensor<1> {
        relu(real.neg().add_scalar(1.0)).mean() + relu(fake.add_scalar(1.0)).mean() // [1]
    }
    fn generator_loss(&self, fake: Tensor<2>) -> Tensor<1> {
        fake.mean().neg() // [1]
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{close, scores, value};
    use super::*;

    #[test]
    fn losses_by_hand() {
        let (real, fake) = (scores(&[2.0, 0.25]), scores(&[-2.0, 0.5]));
        // mean(0, 0.75) + mean(0, 1.5) = 0.375 + 0.75.
        close(value(Hinge.critic_loss(real, fake.clone())), 1.125);
        close(value(Hinge.generator_loss(fake)), 0.75);
    }
}
