//! The training loop's state and one step, readable top to bottom: BEGAN's
//! ([`Trainer::began_step`]), or another family member's ([`Trainer::member_step`], on the
//! updates of [`crate::family`]).
//!
//! Nothing here reads the device on the hot path: k_t and the running means stay tensors, and the
//! caller asks for [`Trainer::stats`] as often as it wants to draw. The only other read is one
//! 1-element read per learning-rate window. Both are async, so the same code runs on WebGPU.

use crate::adam::Adam;
use crate::ema::Ema;
use crate::config::TrainConfig;
use crate::equations::{discriminator_loss, generator_loss, m_global, mode_seeking, reconstruction_loss, update_k};
use crate::error::{Error, Result};
use crate::family;
use crate::model::{Discriminator, Generator, Judge};
use crate::objective::{self, Objective};
use crate::named::read;
use crate::rng::{gaussian, rng_for, uniform};
use burn::optim::GradientsParams;
use burn::prelude::*;
use serde::{Deserialize, Serialize};

/// How many z the average's batch-norm statistics are measured over: 256 images' activations
/// (256 values per dense unit, ~50,000 per channel of a 14×14 map).
const STANDING_Z: usize = 256;

/// Means over the steps since the previous call of [`Trainer::stats`]. For the family's other
/// members `loss_real` and `loss_fake` are the critic's mean scores on real and generated
/// images, `loss_d` the critic's loss, `loss_g` G's (over the steps that updated G), `k` 0 and
/// `m_global` the critic's loss too.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Steps done in all.
    pub step: u64,
    /// Steps these means cover.
    pub steps: u64,
    /// L(x)
    pub loss_real: f32,
    /// L(G(z_G))
    pub loss_fake: f32,
    /// L_D
    pub loss_d: f32,
    /// L_G
    pub loss_g: f32,
    /// k_t after the last step.
    pub k: f32,
    pub m_global: f32,
    pub lr: f64,
}

/// The learning-rate plateau tracker: the best window mean of M_global and windows since.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plateau {
    pub best: Option<f32>,
    pub stale_windows: u32,
}

pub struct Trainer {
    pub config: TrainConfig,
    /// The autodiff device everything lives on.
    pub device: Device,
    /// D: BEGAN's autoencoder, or another member's critic (`config.objective`).
    pub judge: Judge,
    pub generator: Generator,
    pub adam_d: Adam,
    pub adam_g: Adam,
    /// The moving average of G's weights that samples are drawn from, if `ema_decay` > 0.
    pub ema: Option<Ema>,
    /// k_t, shape [1], without autodiff.
    pub k: Tensor<1>,
    /// Steps done.
    pub step: u64,
    /// Current learning rate (after decay).
    pub lr: f64,
    pub plateau: Plateau,
    /// Sum of M_global over the current decay window, shape [1].
    pub window_sum: Tensor<1>,
    /// Sums of [L(x), L(G(z_G)), L_D, L_G, M_global] since the last `stats()`, and how many steps
    /// (and how many of them updated G: all of BEGAN's, every n_critic-th of the others').
    running: Tensor<1>,
    running_steps: u64,
    running_g_steps: u64,
}

impl Trainer {
    /// Fresh networks from the config's seed. `device` gets autodiff if it lacks it.
    pub fn new(config: TrainConfig, device: &Device) -> Result<Self> {
        config.validate()?;
        let device = device.clone().autodiff();
        let judge = config.model.init_judge(config.judge_kind()?, config.seed, &device);
        let generator = config.model.init_generator(config.seed, &device);
        Ok(Self::assemble(config, device, judge, generator))
    }

    /// A trainer at step 0 around existing networks (a checkpoint fills in the rest).
    pub(crate) fn assemble(config: TrainConfig, device: Device, judge: Judge, generator: Generator) -> Self {
        let inner = device.clone().inner();
        let ema = (config.ema_decay > 0.0).then(|| Ema::new(config.ema_decay, &generator, config.model.init_generator(0, &inner)));
        Self {
            ema,
            adam_d: Adam::new(config.beta1, config.beta2),
            adam_g: Adam::new(config.beta1, config.beta2),
            lr: config.lr,
            config,
            judge,
            generator,
            k: Tensor::zeros([1], &inner), // k_0 = 0
            step: 0,
            plateau: Plateau { best: None, stale_windows: 0 },
            window_sum: Tensor::zeros([1], &inner),
            running: Tensor::zeros([5], &inner),
            running_steps: 0,
            running_g_steps: 0,
            device,
        }
    }

    /// One step on a batch of real images `[batch, channels, size, size]` in [-1, 1], of the
    /// run's objective, then the running means (and, for BEGAN, the learning-rate decay).
    pub async fn step(&mut self, real: Tensor<4>) -> Result<()> {
        let (losses, updated_g) = match objective::by_name(&self.config.objective)? {
            None => (self.began_step(real)?, true),
            Some(member) => self.member_step(member, real)?,
        };
        if self.config.is_began() {
            self.window_sum = self.window_sum.clone() + losses[4].clone();
        }
        self.running = self.running.clone() + Tensor::cat(losses.to_vec(), 0);
        self.running_steps += 1;
        self.running_g_steps += updated_g as u64;
        self.step += 1;

        let window = self.config.lr_decay.window;
        if self.config.is_began() && window > 0 && self.step % window == 0 {
            self.end_window().await?;
        }
        Ok(())
    }

    /// One BEGAN step: D on L_D with the fakes detached, then G on L_G, then k_t. Returns
    /// [L(x), L(G(z_G)), L_D, L_G, M_global].
    fn began_step(&mut self, real: Tensor<4>) -> Result<[Tensor<1>; 5]> {
        let Judge::Autoencoder(discriminator) = self.judge.clone() else { return Err(self.mismatch()) };
        let config = &self.config;
        let [batch, channels, height, width] = real.dims();
        let mut rng = rng_for(config.seed, "step", self.step);
        let z_d = uniform(&mut rng, batch, config.model.latent, &self.device); // [batch, Nz]
        let z_g = uniform(&mut rng, batch, config.model.latent, &self.device); // [batch, Nz]

        // Instance noise on everything D sees, decaying linearly to 0.
        let progress = self.step as f64 / config.input_noise_steps.max(1) as f64;
        let noise_std = config.input_noise * (1.0 - progress).max(0.0);
        let mut noisy = |images: Tensor<4>| match noise_std > 0.0 {
            true => images + gaussian(&mut rng, [batch, channels, height, width], noise_std, &self.device),
            false => images,
        };

        // Discriminator: L_D = L(x) − k_t L(G(z_D)), both reconstructed in one pass of D.
        // (G runs twice: one pass over z_D and z_G would save a few dispatches but double the
        // work of G's backward pass, which measured ~5–10% slower on the CPU.)
        let real = noisy(real.to_device(&self.device));
        let fake_d = noisy(self.generator.forward(z_d).detach());
        let (loss_real, loss_fake_d) = reconstruction_losses(&discriminator, real, fake_d);
        let loss_d = discriminator_loss(loss_real.clone(), self.k.clone(), loss_fake_d);
        let grads = GradientsParams::from_grads(loss_d.backward(), &discriminator);
        let discriminator = self.adam_d.step(self.lr, discriminator, grads);
        self.judge = Judge::Autoencoder(discriminator.clone());

        // Generator: L_G = L(G(z_G)), through the updated D, plus w · the mode-seeking term.
        // D's weights take no gradient here: the backward pass then skips their convolutions
        // (the gradient reaching G is the same).
        let critic = discriminator.no_grad();
        let generated = self.generator.forward(z_g.clone()); // [batch, channels, size, size]
        let fake = noisy(generated.clone());
        let loss_fake = reconstruction_loss(fake.clone(), critic.forward(fake));
        let mut loss_g = generator_loss(loss_fake.clone());
        if config.mode_seeking > 0.0 {
            loss_g = loss_g + mode_seeking(z_g, generated).mul_scalar(config.mode_seeking);
        }
        let grads = GradientsParams::from_grads(loss_g.backward(), &self.generator);
        self.generator = self.adam_g.step(self.lr * self.config.g_lr_scale, self.generator.clone(), grads);
        if let Some(ema) = &mut self.ema {
            ema.update(&self.generator, self.step + 1);
        }

        // Equilibrium: k_{t+1} and M_global from this step's losses.
        let (loss_real, loss_fake) = (loss_real.inner(), loss_fake.inner());
        let (gamma, lambda_k) = (self.config.gamma, self.config.lambda_k);
        self.k = update_k(self.k.clone(), gamma, lambda_k, loss_real.clone(), loss_fake.clone());
        let m = m_global(loss_real.clone(), loss_fake.clone(), gamma);
        Ok([loss_real, loss_fake, loss_d.inner(), loss_g.inner(), m])
    }

    /// One step of another family member: a critic update on this batch, and every n_critic-th
    /// step a G update through the updated critic. Returns [real score, fake score, critic loss,
    /// G's loss (0 when G was not updated), critic loss], and whether G was updated.
    fn member_step(&mut self, member: &dyn Objective, real: Tensor<4>) -> Result<([Tensor<1>; 5], bool)> {
        let Judge::Critic(critic) = self.judge.clone() else { return Err(self.mismatch()) };
        let latent = self.config.model.latent;
        let mut rng = rng_for(self.config.seed, "step", self.step);
        let (critic, update) = family::critic_update(critic, &mut self.adam_d, &self.generator, member, real.clone(), self.lr, latent, &mut rng);
        let mut loss_g = Tensor::zeros([1], &self.device.clone().inner());
        let updates_g = (self.step + 1) % member.defaults().n_critic as u64 == 0;
        if updates_g {
            let lr = self.lr * self.config.g_lr_scale;
            let (generator, loss) = family::generator_update(self.generator.clone(), &mut self.adam_g, &critic, member, real, lr, latent, &mut rng);
            self.generator = generator;
            self.generator.settle();
            loss_g = loss;
            if let Some(ema) = &mut self.ema {
                ema.update(&self.generator, self.step + 1);
            }
        }
        // G's forward pass in the critic update moved its statistics too.
        (critic.settle(), self.generator.settle());
        self.judge = Judge::Critic(critic);
        Ok(([update.real_score, update.fake_score, update.loss.clone(), loss_g, update.loss], updates_g))
    }

    /// The error of a D that is not the objective's (a bug, or a file that slipped past the checks).
    fn mismatch(&self) -> Error {
        Error::ConfigFormat(format!("objective {} cannot train a {}", self.config.objective, self.judge.prefix()))
    }

    /// Halves (by the configured factor) the learning rate when M_global has stopped improving.
    async fn end_window(&mut self) -> Result<()> {
        let sum = read(std::mem::replace(&mut self.window_sum, Tensor::zeros([1], &self.device.clone().inner()))).await?;
        let mean = sum.values[0] / self.config.lr_decay.window as f32;
        check_finite(self.step, "M_global", mean)?;
        let decay = &self.config.lr_decay;
        match self.plateau.best {
            Some(best) if mean > best * 0.99 => self.plateau.stale_windows += 1,
            _ => {
                self.plateau.best = Some(mean);
                self.plateau.stale_windows = 0;
            }
        }
        if self.plateau.stale_windows >= decay.patience {
            self.lr = (self.lr * decay.factor).max(decay.min_lr);
            self.plateau.stale_windows = 0;
        }
        Ok(())
    }

    /// Reads the means since the last call (one small async read) and checks they are finite.
    pub async fn stats(&mut self) -> Result<Stats> {
        let inner = self.device.clone().inner();
        let running = std::mem::replace(&mut self.running, Tensor::zeros([5], &inner));
        let steps = std::mem::take(&mut self.running_steps);
        let g_steps = std::mem::take(&mut self.running_g_steps);
        let values = read(Tensor::cat(vec![running, self.k.clone()], 0)).await?.values;
        let mean = |i: usize| values[i] / if i == 3 { g_steps } else { steps }.max(1) as f32;
        let stats = Stats {
            step: self.step,
            steps,
            loss_real: mean(0),
            loss_fake: mean(1),
            loss_d: mean(2),
            loss_g: mean(3),
            m_global: mean(4),
            k: values[5],
            lr: self.lr,
        };
        for (what, value) in [("L(x)", stats.loss_real), ("L(G(z))", stats.loss_fake), ("L_D", stats.loss_d), ("k_t", stats.k)] {
            check_finite(self.step, what, value)?;
        }
        Ok(stats)
    }

    /// Fails if any step since the last `stats()` gave a non-finite loss or k_t; resets nothing.
    /// Call it before keeping a checkpoint, so the one kept is always a good state.
    pub async fn check(&self) -> Result<()> {
        let values = read(Tensor::cat(vec![self.running.clone(), self.k.clone()], 0)).await?.values;
        let names = ["L(x)", "L(G(z))", "L_D", "L_G", "M_global", "k_t"];
        names.into_iter().zip(values).try_for_each(|(what, value)| check_finite(self.step, what, value))
    }

    /// Live changes to the controller, the optimiser and G's mode-seeking weight (checked like
    /// the config).
    pub fn set_hyperparameters(&mut self, gamma: f64, lambda_k: f64, lr: f64, mode_seeking: f64) -> Result<()> {
        let candidate = self.config.clone().with_gamma(gamma).with_lambda_k(lambda_k).with_lr(lr).with_mode_seeking(mode_seeking);
        candidate.validate()?;
        self.config = candidate;
        self.lr = lr;
        Ok(())
    }

    /// The z of the sample grids, `[n, Nz]`, fixed by the seed: the CLI's PNGs and the page draw
    /// the same samples of the same run.
    pub fn fixed_z(&self, n: usize) -> Tensor<2> {
        uniform(&mut rng_for(self.config.seed, "fixed-z", 0), n, self.config.model.latent, &self.device.clone().inner())
    }

    /// Samples for the given z `[n, Nz]`, from the moving average of G if there is one, else
    /// from G, without building a graph: `[n, channels, size, size]`.
    pub fn generate(&self, z: Tensor<2>) -> Tensor<4> {
        self.drawing().forward(self.off_autodiff(z))
    }

    /// The generator samples, exports and judgements come from, off the autodiff device: the
    /// moving average of G where the run keeps one (with batch norm, its statistics measured on
    /// its own activations over z fixed by the seed: [`Ema::drawing`]), else G as trained.
    pub fn drawing(&self) -> Generator {
        match &self.ema {
            Some(ema) => ema.drawing(|| uniform(&mut rng_for(self.config.seed, "standing-z", 0), STANDING_Z, self.config.model.latent, &self.device.clone().inner())),
            None => self.generator.valid(),
        }
    }

    /// G(z) from G as trained, whether or not samples come from an average.
    /// Off the autodiff device, so batch norm (DCGAN's G) draws with its running statistics and
    /// leaves them as training had them.
    pub fn generate_trained(&self, z: Tensor<2>) -> Tensor<4> {
        self.generator.valid().forward(self.off_autodiff(z))
    }

    /// `t` on the trainer's device without autodiff. `to_device` alone keeps a tensor's autodiff
    /// (the device is the same), and burn's batch norm picks its mode by the input's device: the
    /// CLI judge's z, made on the trainer's device, drew with batch statistics and overwrote the
    /// running ones, so its judge-time export drew far worse than its run.
    fn off_autodiff<const D: usize>(&self, t: Tensor<D>) -> Tensor<D> {
        t.to_device(&self.device.clone().inner()).without_autodiff()
    }

    /// D(x): reconstructions of the given images, without building a graph; None for a critic,
    /// which scores instead of reconstructing.
    pub fn reconstruct(&self, images: Tensor<4>) -> Option<Tensor<4>> {
        match &self.judge {
            Judge::Autoencoder(discriminator) => Some(discriminator.forward(images.to_device(&self.device)).detach().inner()),
            Judge::Critic(_) => None,
        }
    }

    /// D's scores of the given images, `[n, 1]`, without building a graph; None for BEGAN's
    /// autoencoder, which reconstructs instead of scoring.
    pub fn score(&self, images: Tensor<4>) -> Option<Tensor<2>> {
        match &self.judge {
            Judge::Autoencoder(_) => None,
            // Off the autodiff device: batch norm scores with its running statistics, untouched.
            Judge::Critic(critic) => Some(critic.valid().forward(self.off_autodiff(images))),
        }
    }
}

/// L(x) and L(G(z_D)) from one pass of D over the real and the fake batch together: D has no
/// batch statistics, so these are the numbers two passes give, for half the kernels.
fn reconstruction_losses(discriminator: &Discriminator, real: Tensor<4>, fake: Tensor<4>) -> (Tensor<1>, Tensor<1>) {
    let batch = real.dims()[0];
    let images = Tensor::cat(vec![real, fake], 0); // [2·batch, channels, size, size]
    let reconstructions = discriminator.forward(images.clone()); // [2·batch, channels, size, size]
    let halves = |t: Tensor<4>| (t.clone().slice([0..batch]), t.slice([batch..2 * batch])); // [batch, …] each
    let ((real, fake), (real_out, fake_out)) = (halves(images), halves(reconstructions));
    (reconstruction_loss(real, real_out), reconstruction_loss(fake, fake_out)) // [1], [1]
}

fn check_finite(step: u64, what: &'static str, value: f32) -> Result<()> {
    match value.is_finite() {
        true => Ok(()),
        false => Err(Error::NonFinite { step, what, value }),
    }
}
