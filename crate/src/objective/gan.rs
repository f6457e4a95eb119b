//! The original GAN (Goodfellow et al. 2014, "Generative Adversarial Nets", NeurIPS): D is a
//! classifier of real against generated, trained by binary cross-entropy on its logit scores s:
//! L_D = −E[log σ(s(x))] − E[log(1 − σ(s(G(z))))] = E[softplus(−s(x))] + E[softplus(s(G(z)))].
//!
//! Settings: the paper trained MLPs with SGD and momentum; for convolutional networks the
//! practice since DCGAN (Radford et al. 2016) is Adam with lr 2·10⁻⁴, β₁ = 0.5, one D step per G
//! step, which these use.

use super::{Defaults, Objective};
use burn::prelude::*;
use burn::tensor::activation::softplus;

const DEFAULTS: Defaults = Defaults { lr: 2e-4, beta1: 0.5, beta2: 0.999, n_critic: 1, clip: None, penalty: None, batch_norm: true };

fn critic_loss(real: Tensor<2>, fake: Tensor<2>) -> Tensor<1> {
    softplus(real.neg(), 1.0).mean() + softplus(fake, 1.0).mean() // [1]
}

/// The minimax game as written: G minimises E[log(1 − σ(s(G(z))))] = −E[softplus(s(G(z)))],
/// whose gradient vanishes while D rejects G's images easily (early in training).
pub struct Minimax;

impl Objective for Minimax {
    fn name(&self) -> &'static str {
        "minimax"
    }
    fn hint(&self) -> &'static str {
        "GAN, minimax: G minimises log(1 − D(G(z))) (Goodfellow et al. 2014); its gradient vanishes early"
    }
    fn defaults(&self) -> Defaults {
        DEFAULTS
    }
    fn critic_loss(&self, real: Tensor<2>, fake: Tensor<2>) -> Tensor<1> {
        critic_loss(real, fake)
    }
    fn generator_loss(&self, fake: Tensor<2>) -> Tensor<1> {
        softplus(fake, 1.0).mean().neg() // [1]
    }
}

/// The non-saturating form the paper recommends in practice: G maximises log σ(s(G(z))),
/// i.e. minimises E[softplus(−s(G(z)))].
pub struct NonSaturating;

impl Objective for NonSaturating {
    fn name(&self) -> &'static str {
        "ns"
    }
    fn hint(&self) -> &'static str {
        "GAN, non-saturating: G maximises log D(G(z)) (Goodfellow et al. 2014), the usual practice"
    }
    fn defaults(&self) -> Defaults {
        DEFAULTS
    }
    fn critic_loss(&self, real: Tensor<2>, fake: Tensor<2>) -> Tensor<1> {
        critic_loss(real, fake)
    }
    fn generator_loss(&self, fake: Tensor<2>) -> Tensor<1> {
        softplus(fake.neg(), 1.0).mean() // [1]
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{close, scores, value};
    use super::*;

    /// softplus(x) = ln(1 + eˣ), worked by hand.
    fn sp(x: f64) -> f64 {
        (1.0 + x.exp()).ln()
    }

    #[test]
    fn losses_by_hand() {
        let (real, fake) = (scores(&[2.0, -1.0]), scores(&[0.5, -3.0]));
        // D: mean(softplus(−2), softplus(1)) + mean(softplus(0.5), softplus(−3)).
        let d = (sp(-2.0) + sp(1.0)) / 2.0 + (sp(0.5) + sp(-3.0)) / 2.0;
        close(value(NonSaturating.critic_loss(real.clone(), fake.clone())), d);
        close(value(Minimax.critic_loss(real, fake.clone())), d);
        close(value(NonSaturating.generator_loss(fake.clone())), (sp(-0.5) + sp(3.0)) / 2.0);
        close(value(Minimax.generator_loss(fake)), -(sp(0.5) + sp(-3.0)) / 2.0);
    }

    #[test]
    fn a_confident_critic_stays_finite() {
        let huge = scores(&[200.0, -200.0]);
        assert!(value(NonSaturating.critic_loss(huge.clone(), huge.clone())).is_finite());
        assert!(value(NonSaturating.generator_loss(huge)).is_finite());
    }
}
