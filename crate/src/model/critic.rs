//! The critic of the family's other members (`crate::objective`): BEGAN's encoder with a linear
//! head to one score per image, so that comparing objectives changes only the objective, not D's
//! body (issue 29); or DCGAN's D ([`super::dcgan`]). The score is a logit for the GAN losses, a
//! regression target for LSGAN, an unbounded critic value for the Wasserstein ones.

use super::{DcganCritic, Encoder, Init, DCGAN};
use crate::config::ModelConfig;
use burn::nn::Linear;
use burn::prelude::*;

/// A critic of the config's architecture. Files name its tensors without the variant
/// (`critic.encoder.…`).
#[derive(Module, Debug)]
pub enum Critic {
    Began(EncoderCritic),
    Dcgan(DcganCritic),
}

impl Critic {
    /// Scores images: `[batch, channels, size, size]` → `[batch, 1]`.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        match self {
            Self::Began(c) => c.forward(images),
            Self::Dcgan(c) => c.forward(images),
        }
    }

    /// Whether a batch's images affect each other's scores (batch norm while training).
    pub fn has_batch_norm(&self) -> bool {
        matches!(self, Self::Dcgan(c) if c.has_batch_norm())
    }

    /// Brings batch norm's running statistics up to date ([`super::settle`]).
    pub fn settle(&self) {
        if self.has_batch_norm() {
            super::settle(self);
        }
    }
}

/// BEGAN's encoder and one score.
#[derive(Module, Debug)]
pub struct EncoderCritic {
    pub encoder: Encoder,
    /// h `[batch, Nh]` → score `[batch, 1]`.
    head: Linear,
}

impl EncoderCritic {
    pub fn new(config: &ModelConfig, init: &mut Init) -> Self {
        Self { encoder: Encoder::new(config, init), head: init.linear(config.hidden, 1) }
    }

    /// Scores images: `[batch, channels, size, size]` → `[batch, 1]`.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let h = self.encoder.forward(images); // [batch, Nh]
        self.head.forward(h) // [batch, 1]
    }
}

impl ModelConfig {
    /// The critic with weights drawn from `seed` alone, apart from D's and G's streams;
    /// `batch_norm` where the architecture has it (DCGAN's) and the objective allows it.
    pub fn init_critic(&self, seed: u64, batch_norm: bool, device: &Device) -> Critic {
        self.critic(batch_norm, &mut Init::new(seed, "critic", self.init_scale, device))
    }

    /// The critic's shape with no weights yet, to load a file's into ([`Init::shapes`]).
    pub fn critic_to_load(&self, batch_norm: bool, device: &Device) -> Critic {
        self.critic(batch_norm, &mut Init::shapes(device))
    }

    fn critic(&self, batch_norm: bool, init: &mut Init) -> Critic {
        match self.arch.as_str() {
            DCGAN => Critic::Dcgan(DcganCritic::new(self, batch_norm, init)),
            _ => Critic::Began(EncoderCritic::new(self, init)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::TrainConfig;
    use burn::prelude::*;

    #[test]
    fn one_score_per_image_from_a_seed() {
        let config = TrainConfig::new().model;
        let device = Device::flex();
        let images = Tensor::<4>::random([3, config.channels, config.image_size, config.image_size], burn::tensor::Distribution::Uniform(-1.0, 1.0), &device);
        let read = |t: Tensor<2>| futures_lite::future::block_on(crate::named::read(t)).unwrap().values;
        let scores = read(config.init_critic(1, false, &device).forward(images.clone()));
        assert_eq!(scores.len(), 3);
        assert!(scores.iter().all(|s| s.is_finite()) && scores[0] != scores[1], "{scores:?}");
        assert_eq!(read(config.init_critic(1, false, &device).forward(images.clone())), scores, "the same seed, the same critic");
        assert_ne!(read(config.init_critic(2, false, &device).forward(images)), scores);
    }
}
