//! The GAN family's objectives (issue 29): what the critic (D) and G minimise, given the
//! critic's scores on real and generated images, one file per member, each naming its paper and
//! its authors' settings. [`MEMBERS`] lists them: adding one is a new file and a line there.
//!
//! BEGAN, the project's default, is not among them: its D is an autoencoder scored by its
//! reconstruction error and it has an equilibrium controller (`equations.rs`, `trainer.rs`).
//! These members score with a critic of one output per image (`model::Critic`).

mod gan;
mod hinge;
mod lsgan;
mod wgan;
pub mod wgan_gp;

use crate::error::{Error, Result};
use burn::prelude::*;

/// The name of BEGAN's objective, the default, beside the [`MEMBERS`].
pub use crate::config::BEGAN;

/// BEGAN's one-line hint, beside the members' [`Objective::hint`].
pub const BEGAN_HINT: &str = "BEGAN: an autoencoder D and the equilibrium k_t (Berthelot et al. 2017)";

/// Every objective as (name, hint), BEGAN first: the CLI's --help and the page's select.
pub fn hints() -> Vec<(&'static str, &'static str)> {
    std::iter::once((BEGAN, BEGAN_HINT)).chain(MEMBERS.iter().map(|m| (m.name(), m.hint()))).collect()
}

/// A member's settings as its authors trained it; where this project differs, the member's
/// doc comment says why.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Defaults {
    /// Adam's learning rate, for both networks.
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    /// Critic updates per G update.
    pub n_critic: u32,
    /// Weight clipping of the critic to [−c, c] after each of its updates (WGAN).
    pub clip: Option<f64>,
    /// The gradient penalty's weight λ (WGAN-GP).
    pub penalty: Option<f64>,
    /// Whether the critic may normalise by batch statistics where its architecture does
    /// (DCGAN's); not with a per-image gradient penalty (WGAN-GP).
    pub batch_norm: bool,
}

/// One member of the family: its name and its two losses.
pub trait Objective: Sync {
    /// The short name the CLI, the config and checkpoints use (`ns`, `wgan-gp`, …).
    fn name(&self) -> &'static str;
    /// What it is, in one line (the CLI's --help, the page's hint).
    fn hint(&self) -> &'static str;
    fn defaults(&self) -> Defaults;
    /// The critic's loss: `real` and `fake` are its scores `[batch, 1]`; a mean, `[1]`.
    fn critic_loss(&self, real: Tensor<2>, fake: Tensor<2>) -> Tensor<1>;
    /// G's loss from the critic's scores of G's images `[batch, 1]`; a mean, `[1]`.
    fn generator_loss(&self, fake: Tensor<2>) -> Tensor<1>;
}

/// Every member but BEGAN, in the order the CLI and the page list them.
pub static MEMBERS: &[&dyn Objective] = &[&gan::NonSaturating, &gan::Minimax, &lsgan::Lsgan, &wgan::Wgan, &wgan_gp::WganGp, &hinge::Hinge];

/// Every objective's name, BEGAN first.
pub fn names() -> Vec<&'static str> {
    std::iter::once(BEGAN).chain(MEMBERS.iter().map(|m| m.name())).collect()
}

/// What D is for the objective called `name`: BEGAN's autoencoder, or a critic with batch norm
/// where the member allows it.
pub fn judge_kind(name: &str) -> Result<crate::model::JudgeKind> {
    use crate::model::JudgeKind;
    Ok(by_name(name)?.map_or(JudgeKind::Autoencoder, |m| JudgeKind::Critic { batch_norm: m.defaults().batch_norm }))
}

/// The member called `name`, or None for BEGAN; an unknown name is an error that lists them.
pub fn by_name(name: &str) -> Result<Option<&'static dyn Objective>> {
    if name == BEGAN {
        return Ok(None);
    }
    MEMBERS.iter().copied().find(|m| m.name() == name).map(Some).ok_or_else(|| {
        Error::ConfigFormat(format!("objective must be one of {}, got {name:?}", names().join(", ")))
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn scores(values: &[f32]) -> Tensor<2> {
        Tensor::<1>::from_floats(values, &Device::flex()).reshape([values.len(), 1])
    }

    pub fn value(t: Tensor<1>) -> f32 {
        futures_lite::future::block_on(crate::named::read(t)).unwrap().values[0]
    }

    pub fn close(actual: f32, expected: f64) {
        assert!((actual as f64 - expected).abs() < 1e-5, "{actual} != {expected}");
    }

    #[test]
    fn names_are_unique_and_found() {
        let names = names();
        assert_eq!(names[0], BEGAN);
        for (i, name) in names.iter().enumerate() {
            assert!(!names[..i].contains(name), "{name} twice");
            let found = by_name(name).unwrap();
            assert_eq!(found.map_or(BEGAN, |m| m.name()), *name);
        }
        let error = by_name("wgangp").err().unwrap().to_string();
        assert!(error.contains("began, ns, minimax, lsgan, wgan, wgan-gp, hinge"), "{error}");
    }

    #[test]
    fn defaults_are_usable() {
        for member in MEMBERS {
            let d = member.defaults();
            assert!(d.lr > 0.0 && d.lr < 1e-2 && (0.0..1.0).contains(&d.beta1) && (0.0..1.0).contains(&d.beta2), "{}", member.name());
            assert!(d.n_critic >= 1 && !(d.clip.is_some() && d.penalty.is_some()), "{}", member.name());
        }
    }
}
