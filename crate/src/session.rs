//! A training session as the page drives it: a trainer, its data, and the pictures the page draws.
//!
//! Plain Rust with no wasm-bindgen, so it is tested natively; `web.rs` wraps it for JavaScript.
//! Large state (weights, optimiser moments, the dataset) stays here; callers get small results.

use crate::checkpoint;
use crate::config::TrainConfig;
use crate::data::{Batches, Images, TrainedOn};
use crate::error::{Error, Result};
use crate::grid::{GRID_SIDE, Picture, grid};
use crate::named::read;
use crate::trainer::{Stats, Trainer};
use burn::prelude::*;
use serde::Serialize;
use std::sync::Arc;
use web_time::Instant;

pub use checkpoint::Kept;

/// Steps between kept states: the page keeps (autosaves) and judges one this often, and
/// `began train` writes a sample grid and a checkpoint (and judges, with `--classifier`).
pub const KEEP_EVERY: u64 = 200;

/// Images per row of the reconstruction panel.
pub const SHOWN: usize = 8;

/// What one call of [`Session::step`] reports: the trainer's means plus progress and speed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Progress {
    #[serde(flatten)]
    pub stats: Stats,
    /// Passes over the training set so far (fractional).
    pub epoch: f64,
    /// Wall-clock milliseconds per step over this call, including the read-back.
    pub ms_per_step: f64,
}

pub struct Session {
    pub trainer: Trainer,
    batches: Batches,
    /// z of the sample grid, fixed by the seed so grids are comparable across steps.
    fixed_z: Tensor<2>,
    /// Real images shown beside their reconstructions, `[SHOWN, 1, size, size]`.
    shown: Tensor<4>,
    /// The checkpoint of the last state [`Session::keep`] kept (a finite one): what a diverged
    /// run or a lost device goes back to. Host memory, so it outlives the device.
    last_good: Option<(u64, Vec<u8>)>,
    /// A kept state held on purpose (the best judged one), to go back to after a collapse.
    held: Option<(u64, Vec<u8>)>,
    /// When, and at which step, the last [`Session::progress`] read was (the time per step).
    since: (Instant, u64),
    /// The training set the checkpoint this run was resumed from records, if any.
    resumed_from: Option<TrainedOn>,
}

impl Session {
    /// A fresh run of `config` on `images`, on `device`. The images may be shared with other
    /// sessions (an `Arc`): they are parsed once however many sessions train on them.
    pub fn new(config: TrainConfig, device: &Device, images: impl Into<Arc<Images>>) -> Result<Self> {
        Self::around(Trainer::new(config, device)?, images.into())
    }

    /// A run restored from checkpoint bytes; `file` names them in errors.
    pub fn resume(bytes: &[u8], file: &str, device: &Device, images: impl Into<Arc<Images>>) -> Result<Self> {
        let resumed_from = checkpoint::trained_on(bytes);
        let session = Self::around(checkpoint::from_bytes(bytes, file, device)?, images.into()).map_err(|e| naming(e, &resumed_from))?;
        Ok(Self { resumed_from, ..session })
    }

    /// A fresh run of `config` that starts from the weights of an export or checkpoint; the file
    /// fixes the model's shape (see [`checkpoint::from_weights`]).
    pub fn from_weights(bytes: &[u8], file: &str, config: TrainConfig, device: &Device, images: impl Into<Arc<Images>>) -> Result<Self> {
        Self::around(checkpoint::from_weights(bytes, file, config, device)?, images.into())
    }

    /// A run from a file the user chose, of either kind (see [`checkpoint::open`]).
    pub fn open(
        bytes: &[u8],
        file: &str,
        device: &Device,
        images: impl Into<Arc<Images>>,
        config: impl FnOnce() -> Result<TrainConfig>,
    ) -> Result<Self> {
        // Only a checkpoint records its set: an export starts a new run.
        let resumed_from = checkpoint::trained_on(bytes);
        let session = Self::around(checkpoint::open(bytes, file, device, config)?, images.into()).map_err(|e| naming(e, &resumed_from))?;
        Ok(Self { resumed_from, ..session })
    }

    /// The training set, as checkpoints record it.
    pub fn trained_on(&self) -> TrainedOn {
        TrainedOn::of(self.batches.images())
    }

    /// When this run was resumed from a checkpoint of another training set, what to tell the
    /// user (see [`TrainedOn::change_to`]).
    pub fn data_change(&self) -> Option<String> {
        self.resumed_from.as_ref()?.change_to(&self.trained_on())
    }

    /// This run, at its current step, on `device` (another backend), on the same images. It is
    /// also the moved session's last good state. `self` is left as it was, so a refused move (a
    /// diverged state, a device that fails to start) loses nothing.
    pub async fn moved_to(&self, device: &Device) -> Result<Self> {
        Self::moved_in(self.save().await?, self.held.clone(), device, self.batches.images().clone())
    }

    /// A run moved here from elsewhere (the page's other wasm build): `bytes`, its checkpoint at
    /// its current step, which is also the moved session's last good state, and the state it
    /// held (see [`Session::held`]), so that a move loses nothing a session keeps.
    pub fn moved_in(bytes: Vec<u8>, held: Option<(u64, Vec<u8>)>, device: &Device, images: impl Into<Arc<Images>>) -> Result<Self> {
        let mut moved = Self::resume(&bytes, "the run being moved", device, images)?;
        moved.last_good = Some((moved.trainer.step, bytes));
        moved.held = held;
        Ok(moved)
    }

    /// The held state, as (step, checkpoint), if any (see [`Session::hold`]).
    pub fn held(&self) -> Option<&(u64, Vec<u8>)> {
        self.held.as_ref()
    }

    /// The last state [`Session::keep`] kept, as a new session on `device` (the same backend after
    /// a diverged step, the CPU after a lost GPU). Reads nothing from this session's device.
    pub fn restored_on(&self, device: &Device) -> Result<Self> {
        self.restore(self.last_good.as_ref(), "the last good state", device)
    }

    /// Holds the last kept state if it is the one of `step` (e.g. the best judged so far), in
    /// place of any held before; false, holding nothing new, when a later state was kept since.
    pub fn hold(&mut self, step: u64) -> bool {
        let kept = self.last_good.as_ref().filter(|(kept, _)| *kept == step);
        if kept.is_some() {
            self.held = kept.cloned();
        }
        kept.is_some()
    }

    /// The state [`Session::hold`] held, as a new session on `device`, which still holds it.
    pub fn held_restored_on(&self, device: &Device) -> Result<Self> {
        self.restore(self.held.as_ref(), "the held state", device)
    }

    fn restore(&self, state: Option<&(u64, Vec<u8>)>, what: &str, device: &Device) -> Result<Self> {
        let (step, bytes) = state.ok_or_else(|| Error::BadCheckpoint { file: what.into(), reason: "none was kept yet".into() })?;
        let mut restored = Self::resume(bytes, what, device, self.batches.images().clone())?;
        restored.last_good = Some((*step, bytes.clone()));
        restored.held = self.held.clone();
        Ok(restored)
    }

    /// The step of the last kept state, if any.
    pub fn last_good_step(&self) -> Option<u64> {
        self.last_good.as_ref().map(|(step, _)| *step)
    }

    fn around(trainer: Trainer, images: Arc<Images>) -> Result<Self> {
        let model = &trainer.config.model;
        images.expect_shape("dataset", model.channels, model.image_size)?;
        let inner = trainer.device.clone().inner();
        let fixed_z = trainer.fixed_z(GRID_SIDE * GRID_SIDE);
        let picks: Vec<usize> = (0..SHOWN.min(images.len())).map(|i| i * images.len() / SHOWN).collect();
        let shown = crate::data::to_images(&images, &picks, &inner);
        let batches = Batches::new(images, trainer.config.batch_size, trainer.config.seed)?;
        let since = (Instant::now(), trainer.step);
        Ok(Self { trainer, batches, fixed_z, shown, last_good: None, held: None, since, resumed_from: None })
    }

    /// Runs `n` steps (at least one), then reads their mean losses: one small async read.
    /// `ms_per_step` is this call's own time.
    pub async fn step(&mut self, n: u32) -> Result<Progress> {
        self.restart_clock();
        self.advance(n.max(1) as u64).await?;
        self.progress().await
    }

    /// Runs `n` steps without reading anything back: `began train` between rows of its log.
    pub async fn advance(&mut self, n: u64) -> Result<()> {
        for _ in 0..n {
            let batch = self.batches.batch(self.trainer.step, &self.trainer.device);
            self.trainer.step(batch).await?;
        }
        Ok(())
    }

    /// Times steps from now on (e.g. after a slow set-up), for the next [`Session::progress`].
    pub fn restart_clock(&mut self) {
        self.since = (Instant::now(), self.trainer.step);
    }

    /// The mean losses since the last read (one small async read, checked finite), with the
    /// time per step since then.
    pub async fn progress(&mut self) -> Result<Progress> {
        let stats = self.trainer.stats().await?;
        let (start, from) = std::mem::replace(&mut self.since, (Instant::now(), self.trainer.step));
        let ms_per_step = start.elapsed().as_secs_f64() * 1000.0 / (self.trainer.step - from).max(1) as f64;
        Ok(Progress { epoch: self.epoch(), ms_per_step, stats })
    }

    /// k_t now (one 1-element read), e.g. to show a resumed run's own value.
    pub async fn k(&self) -> Result<f32> {
        Ok(read(self.trainer.k.clone()).await?.values[0])
    }

    /// Passes over the training set so far.
    pub fn epoch(&self) -> f64 {
        self.trainer.step as f64 / self.batches.per_epoch() as f64
    }

    /// The 8×8 grid of G(z) on the fixed z.
    pub async fn samples(&self) -> Result<Picture> {
        let images = read(self.trainer.generate(self.fixed_z.clone())).await?;
        Ok(grid(&images, GRID_SIDE))
    }

    /// What D makes of real and generated images. BEGAN's autoencoder: four rows, real images
    /// x, D(x), fakes G(z), D(G(z)), and no scores. A critic: the rows x and G(z), and D's score
    /// of each image in the same order. One read of each.
    pub async fn reconstructions(&self) -> Result<(Picture, Option<Vec<f32>>)> {
        let z = self.fixed_z.clone().slice([0..self.shown.dims()[0]]);
        let fakes = self.trainer.generate(z);
        let (rows, scores) = match (self.trainer.reconstruct(self.shown.clone()), self.trainer.reconstruct(fakes.clone())) {
            (Some(real_out), Some(fake_out)) => (vec![self.shown.clone(), real_out, fakes, fake_out], None),
            _ => {
                let both = Tensor::cat(vec![self.shown.clone(), fakes.clone()], 0);
                (vec![self.shown.clone(), fakes], self.trainer.score(both))
            }
        };
        let picture = grid(&read(Tensor::cat(rows, 0)).await?, self.shown.dims()[0]);
        let scores = match scores {
            Some(scores) => Some(read(scores).await?.values),
            None => None,
        };
        Ok((picture, scores))
    }

    /// Live changes to γ, λ_k, the learning rate and the mode-seeking weight, validated like the
    /// config.
    pub fn set_hyperparameters(&mut self, gamma: f64, lambda_k: f64, lr: f64, mode_seeking: f64) -> Result<()> {
        self.trainer.set_hyperparameters(gamma, lambda_k, lr, mode_seeking)
    }

    /// A checkpoint of the whole run, but only of a finite state: two device reads (the check,
    /// then every tensor at once).
    pub async fn save(&self) -> Result<Vec<u8>> {
        self.trainer.check().await?;
        checkpoint::to_bytes(&self.trainer, Some(&self.trained_on())).await
    }

    /// Keeps the current state as the last good one ([`Session::restored_on`] goes back to it)
    /// and returns it with its sampled generator on its own (for a judge): refused, and the
    /// last good state left as it was, if the run has diverged. Two device reads, as `save`.
    pub async fn keep(&mut self) -> Result<Kept> {
        self.trainer.check().await?;
        let kept = checkpoint::keep(&self.trainer, Some(&self.trained_on())).await?;
        self.last_good = Some((self.trainer.step, kept.checkpoint.clone()));
        Ok(kept)
    }

    /// The weights alone (safetensors), for the sampler widget and other tools.
    pub async fn export(&self) -> Result<Vec<u8>> {
        checkpoint::export(&self.trainer).await
    }
}

/// Data that does not fit a resumed run's model, with the set the run was trained on.
fn naming(error: Error, trained_on: &Option<TrainedOn>) -> Error {
    match (error, trained_on) {
        (Error::BadData { file, reason }, Some(on)) => Error::BadData { file, reason: format!("{reason}: this run was trained on {}", on.describe()) },
        (error, _) => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ModelConfig;
    use futures_lite::future::block_on;

    /// 64 synthetic 28×28 images: each a bright square at a different place.
    fn images() -> Images {
        let mut pixels = vec![0u8; 64 * 784];
        for i in 0..64 {
            let (r0, c0) = (i % 7 * 3, i / 7 % 7 * 3);
            for r in r0..r0 + 6 {
                for c in c0..c0 + 6 {
                    pixels[i * 784 + r * 28 + c] = 255;
                }
            }
        }
        Images::gray(pixels, vec![0; 64], 28, 28)
    }

    fn config() -> TrainConfig {
        TrainConfig::new().with_model(ModelConfig::new().with_filters(4).with_hidden(8).with_latent(8)).with_batch_size(8)
    }

    #[test]
    fn steps_report_progress_and_pictures_have_the_documented_layout() {
        let mut session = Session::new(config(), &Device::flex(), images()).unwrap();
        let progress = block_on(session.step(3)).unwrap();
        assert_eq!((progress.stats.step, progress.stats.steps), (3, 3));
        assert!((progress.epoch - 3.0 / 8.0).abs() < 1e-9, "{}", progress.epoch);
        assert!(progress.ms_per_step > 0.0);
        let samples = block_on(session.samples()).unwrap();
        assert_eq!((samples.width, samples.height), (8 * 29 + 1, 8 * 29 + 1));
        let (panel, scores) = block_on(session.reconstructions()).unwrap();
        assert_eq!((panel.width, panel.height), (SHOWN * 29 + 1, 4 * 29 + 1));
        // The first row holds real images: their squares are white somewhere.
        assert!(panel.pixels[..29 * panel.width].contains(&255));
        assert_eq!(scores, None, "an autoencoder reconstructs, it does not score");
    }

    /// A critic's panel: the real and the generated rows, and one score per image, as D gives
    /// them (the fakes' scores are those of the samples shown, drawn on the fixed z).
    #[test]
    fn a_critics_panel_has_two_rows_and_a_score_per_image() {
        let config = config().for_objective("hinge").unwrap();
        let mut session = Session::new(config, &Device::flex(), images()).unwrap();
        block_on(session.step(2)).unwrap();
        let (panel, scores) = block_on(session.reconstructions()).unwrap();
        assert_eq!((panel.width, panel.height), (SHOWN * 29 + 1, 2 * 29 + 1));
        let scores = scores.expect("a critic scores");
        assert_eq!(scores.len(), 2 * SHOWN);
        let real = session.trainer.score(session.shown.clone()).unwrap();
        let real = block_on(read(real)).unwrap().values;
        assert_eq!(&scores[..SHOWN], real.as_slice());
        assert!(scores.iter().all(|s| s.is_finite()) && scores[SHOWN..] != scores[..SHOWN]);
    }

    #[test]
    fn data_that_does_not_fit_the_model_is_an_error() {
        let mut small = images();
        small.labels.truncate(4);
        small.pixels.truncate(4 * 784);
        let message = Session::new(config(), &Device::flex(), small).err().expect("should fail").to_string();
        assert!(message.contains("fewer than one batch"), "{message}");
        let wrong_size = Images::gray(vec![0; 64 * 100], vec![0; 64], 10, 10);
        let message = Session::new(config(), &Device::flex(), wrong_size).err().expect("should fail").to_string();
        assert!(message.contains("10×10"), "{message}");
    }

    #[test]
    fn a_saved_session_resumes_at_its_step_with_its_k() {
        let mut session = Session::new(config(), &Device::flex(), images()).unwrap();
        let before = block_on(session.step(4)).unwrap();
        let bytes = block_on(session.save()).unwrap();
        let mut resumed = Session::resume(&bytes, "saved", &Device::flex(), images()).unwrap();
        assert_eq!(resumed.trainer.step, 4);
        assert_eq!(block_on(resumed.k()).unwrap(), before.stats.k);
        let (next, next_resumed) = (block_on(session.step(2)).unwrap(), block_on(resumed.step(2)).unwrap());
        assert_eq!(next.stats, next_resumed.stats);
        assert_eq!(block_on(session.k()).unwrap(), next.stats.k);
        assert!(before.stats.k >= 0.0);
    }

    #[test]
    fn a_checkpoint_records_its_training_set_and_a_resume_on_another_says_so() {
        use crate::data::Origin;
        let mnist = images().with_origin(Origin::dataset("mnist"));
        let session = Session::new(config(), &Device::flex(), mnist.clone()).unwrap();
        let bytes = block_on(session.save()).unwrap();
        let recorded = checkpoint::trained_on(&bytes).unwrap();
        assert_eq!((recorded.origin.dataset.as_str(), recorded.images, recorded.size, recorded.channels), ("mnist", 64, 28, 1));
        assert_eq!(Session::resume(&bytes, "saved", &Device::flex(), mnist).unwrap().data_change(), None);
        let fashion = images().with_origin(Origin::dataset("fashion"));
        let change = Session::resume(&bytes, "saved", &Device::flex(), fashion.clone()).unwrap().data_change();
        assert_eq!(change.as_deref(), Some("This run was trained on MNIST; it goes on training on Fashion-MNIST."));
        let opened = Session::open(&bytes, "saved", &Device::flex(), fashion.clone(), || Ok(config())).unwrap();
        assert!(opened.data_change().is_some());
        // An export starts a new run: nothing to say.
        let export = block_on(session.export()).unwrap();
        assert_eq!(Session::open(&export, "export", &Device::flex(), fashion, || Ok(config())).unwrap().data_change(), None);
    }

    #[test]
    fn a_kept_state_is_what_a_restore_goes_back_to_and_a_move_keeps_the_step() {
        let images = Arc::new(images());
        let mut session = Session::new(config(), &Device::flex(), images.clone()).unwrap();
        assert!(session.restored_on(&Device::flex()).is_err(), "nothing kept yet");
        block_on(session.step(2)).unwrap();
        let kept = block_on(session.keep()).unwrap();
        assert_eq!(session.last_good_step(), Some(2));
        // The same tensors as `save` writes (the header's key order may differ: a hash map's).
        let tensors = |bytes: &[u8]| {
            let file = safetensors::SafeTensors::deserialize(bytes).unwrap();
            let mut tensors: Vec<(String, Vec<u8>)> = file.tensors().into_iter().map(|(name, t)| (name, t.data().to_vec())).collect();
            tensors.sort();
            tensors
        };
        assert!(tensors(&kept.checkpoint) == tensors(&block_on(session.save()).unwrap()), "keep and save write the same tensors");
        // The kept generator is the one samples come from, alone: it draws the same grid.
        let (_, generator) = crate::weights::load_generator(&kept.generator, "kept", &Device::flex()).unwrap();
        let drawn = block_on(read(generator.forward(session.fixed_z.clone()))).unwrap();
        assert_eq!(drawn, block_on(read(session.trainer.generate(session.fixed_z.clone()))).unwrap());
        assert!(crate::weights::Weights::parse(&kept.generator, "kept").unwrap().discriminator(&Device::flex()).is_err());

        let after = block_on(session.step(3)).unwrap();
        let moved = block_on(session.moved_to(&Device::flex())).unwrap();
        assert_eq!((moved.trainer.step, moved.last_good_step()), (5, Some(5)));
        assert_eq!(block_on(moved.k()).unwrap(), after.stats.k);
        let restored = session.restored_on(&Device::flex()).unwrap();
        assert_eq!((restored.trainer.step, restored.last_good_step()), (2, Some(2)));
        // A held state outlives later keeps, and a state no longer the last kept is not held.
        assert!(session.held_restored_on(&Device::flex()).is_err(), "nothing held yet");
        assert!(session.hold(2) && !session.hold(1));
        block_on(session.keep()).unwrap();
        let back = session.held_restored_on(&Device::flex()).unwrap();
        assert_eq!((back.trainer.step, back.last_good_step(), session.last_good_step()), (2, Some(2), Some(5)));
        assert!(back.held_restored_on(&Device::flex()).is_ok(), "the session gone back to still holds it");
        // Moved in from elsewhere (the page's other build), as bytes: the same run, the same
        // last good state and the same held state.
        let state = block_on(session.save()).unwrap();
        let held = session.held().cloned();
        let moved_in = Session::moved_in(state, held.clone(), &Device::flex(), images.clone()).unwrap();
        assert_eq!((moved_in.trainer.step, moved_in.last_good_step()), (session.trainer.step, Some(session.trainer.step)));
        assert_eq!(moved_in.held(), held.as_ref());
        assert_eq!(block_on(moved_in.k()).unwrap(), block_on(session.k()).unwrap());
        drop(moved_in);
        // Every session here draws from the one copy of the images.
        assert_eq!(Arc::strong_count(&images), 5);
    }
}
