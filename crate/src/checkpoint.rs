//! Checkpoints and exports of a training run, both safetensors files written by [`crate::weights`].
//!
//! A checkpoint holds every tensor of a run, all f32:
//! - `discriminator.<path>` and `generator.<path>`: the weights, shaped as in the modules
//!   (`generator.decoder.from_embedding.weight` is `[Nz, n·s0·s0]`, convs are `[out, in, 3, 3]`);
//! - `adam_d.m.<path>`, `adam_d.v.<path>`, `adam_g.…`: Adam's moments for D and G, flattened;
//! - `k`: k_t, `[1]`; `window_sum`: M_global summed over the current decay window, `[1]`;
//! - `generator_ema.<path>`: the moving average of G's weights, when `ema_decay` > 0;
//!
//! and in the header's metadata: `format` = `began-checkpoint`, `version`, `config` (the
//! [`TrainConfig`] as JSON), `state` (step, learning rate, Adam step counts, plateau) and `crc32`
//! of all tensor bytes in name order, so a corrupted file is refused, not half-loaded.
//! An export (`format` = `began-weights`) holds only the weights and the model config; its
//! generator is the one samples are drawn from (the moving average, if the run keeps one).

use crate::adam::{Adam, Moments};
use crate::config::{ModelConfig, TrainConfig};
use crate::ema::Ema;
use crate::error::{Error, Result};
use crate::model::{Discriminator, Generator};
use crate::named::{HostTensor, Reading, load_module};
use crate::trainer::{Plateau, Trainer};
use crate::weights::{CHECKPOINT_FORMAT, FileKind, WEIGHTS_FORMAT, Weights, deserialize, from_json, serialize, to_json, train_config};
use burn::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

pub use crate::weights::{VERSION, load_generator};

/// The scalar part of a run's state.
#[derive(Debug, Serialize, Deserialize)]
struct State {
    step: u64,
    lr: f64,
    adam_d_steps: u64,
    adam_g_steps: u64,
    plateau: Plateau,
}

/// Serialises the whole run, read back in one asynchronous device read.
pub async fn to_bytes(trainer: &Trainer) -> Result<Vec<u8>> {
    checkpoint_of(trainer, &read_run(trainer).await?)
}

/// A run kept as its last good state: the checkpoint, and the generator that samples are drawn
/// from as a file of its own (an export without D), for whatever judges or draws from it.
pub struct Kept {
    pub checkpoint: Vec<u8>,
    pub generator: Vec<u8>,
}

/// Both files of [`Kept`] from one device read of the run.
pub async fn keep(trainer: &Trainer) -> Result<Kept> {
    let tensors = read_run(trainer).await?;
    let sampled = if trainer.ema.is_some() { "generator_ema." } else { "generator." };
    let generator: BTreeMap<String, HostTensor> = tensors
        .iter()
        .filter_map(|(name, t)| Some((format!("generator.{}", name.strip_prefix(sampled)?), t.clone())))
        .collect();
    Ok(Kept { checkpoint: checkpoint_of(trainer, &tensors)?, generator: weights_of(trainer, &generator)? })
}

/// Every tensor of the run, named as in the file, in one read.
async fn read_run(trainer: &Trainer) -> Result<BTreeMap<String, HostTensor>> {
    let mut reading = Reading::default();
    reading.module(&trainer.discriminator, "discriminator").module(&trainer.generator, "generator");
    if let Some(ema) = &trainer.ema {
        reading.module(&ema.generator, "generator_ema");
    }
    for (prefix, adam) in [("adam_d", &trainer.adam_d), ("adam_g", &trainer.adam_g)] {
        for (path, moments) in &adam.moments {
            let (m, v) = moments.in_file_order();
            let shape = vec![m.dims()[0]];
            reading.tensor(format!("{prefix}.m.{path}"), shape.clone(), m).tensor(format!("{prefix}.v.{path}"), shape, v);
        }
    }
    reading.tensor("k".into(), vec![1], trainer.k.clone()).tensor("window_sum".into(), vec![1], trainer.window_sum.clone());
    reading.read().await
}

fn checkpoint_of(trainer: &Trainer, tensors: &BTreeMap<String, HostTensor>) -> Result<Vec<u8>> {
    let state = State {
        step: trainer.step,
        lr: trainer.lr,
        adam_d_steps: trainer.adam_d.steps,
        adam_g_steps: trainer.adam_g.steps,
        plateau: trainer.plateau.clone(),
    };
    let mut metadata = HashMap::from([
        ("config".to_string(), to_json(&trainer.config)),
        ("state".to_string(), to_json(&state)),
    ]);
    serialize(CHECKPOINT_FORMAT, tensors, &mut metadata)
}

/// An export of `tensors` (networks named as in a checkpoint) with the run's model config.
fn weights_of(trainer: &Trainer, tensors: &BTreeMap<String, HostTensor>) -> Result<Vec<u8>> {
    let mut metadata = HashMap::from([("config".to_string(), to_json(&trainer.config.model))]);
    serialize(WEIGHTS_FORMAT, tensors, &mut metadata)
}

/// Restores a run onto `device`. `file` names the source in errors. Nothing is returned but the
/// error if any part is missing, corrupt, of another version or of another shape.
pub fn from_bytes(bytes: &[u8], file: &str, device: &Device) -> Result<Trainer> {
    let (metadata, mut tensors) = deserialize(bytes, file, CHECKPOINT_FORMAT)?;
    let bad = |reason: String| Error::BadCheckpoint { file: file.to_string(), reason };
    let config = train_config(&metadata).map_err(bad)?;
    let state: State = from_json(&metadata, "state").map_err(bad)?;

    let device = device.clone().autodiff();
    let (discriminator, generator) = load_networks(&config.model, &tensors, &device).map_err(bad)?;
    let mut trainer = Trainer::assemble(config, device.clone(), discriminator, generator);
    let inner = device.inner();
    // A checkpoint from before the average existed starts it at G's weights (as assemble did).
    let ema_decay = trainer.config.ema_decay;
    if ema_decay > 0.0 && tensors.keys().any(|name| name.starts_with("generator_ema.")) {
        let averaged = load_module(trainer.config.model.init_generator(0, &inner), "generator_ema", &tensors, &inner).map_err(bad)?;
        trainer.ema = Some(Ema::restored(ema_decay, averaged));
    }
    let names: Vec<String> = tensors.keys().cloned().collect();
    let mut take = |name: &str| -> Result<Tensor<1>> {
        let t = tensors.remove(name).ok_or_else(|| bad(format!("missing tensor {name}")))?;
        Ok(Tensor::from_data(TensorData::new(t.values, [t.shape.iter().product::<usize>()]), &inner))
    };
    trainer.k = take("k")?;
    trainer.window_sum = take("window_sum")?;
    restore_adam(&mut trainer.adam_d, "adam_d", state.adam_d_steps, &mut take, &names)?;
    restore_adam(&mut trainer.adam_g, "adam_g", state.adam_g_steps, &mut take, &names)?;
    trainer.step = state.step;
    trainer.lr = state.lr;
    trainer.plateau = state.plateau;
    Ok(trainer)
}

/// Takes `<prefix>.m.<path>` and `<prefix>.v.<path>` for every parameter path that has them.
fn restore_adam(adam: &mut Adam, prefix: &str, steps: u64, take: &mut impl FnMut(&str) -> Result<Tensor<1>>, names: &[String]) -> Result<()> {
    adam.steps = steps;
    let m_prefix = format!("{prefix}.m.");
    for path in names.iter().filter_map(|name| name.strip_prefix(&m_prefix)) {
        let m = take(&format!("{prefix}.m.{path}"))?;
        let v = take(&format!("{prefix}.v.{path}"))?;
        adam.moments.insert(path.to_string(), Moments::from_file(m, v));
    }
    Ok(())
}

/// A run from either kind of file, as its `format` says: a checkpoint resumes as saved; an export
/// starts a fresh run of `config()` from its weights ([`from_weights`]). `config` is asked for
/// only then, so a config that would be refused never blocks resuming a checkpoint.
pub fn open(bytes: &[u8], file: &str, device: &Device, config: impl FnOnce() -> Result<TrainConfig>) -> Result<Trainer> {
    match FileKind::of(bytes, file)? {
        FileKind::Checkpoint => from_bytes(bytes, file, device),
        FileKind::Weights => from_weights(bytes, file, config()?, device),
    }
}

/// Weights only (G and D) with the model config: what the sampler widget and other tools load.
/// One device read.
pub async fn export(trainer: &Trainer) -> Result<Vec<u8>> {
    let mut reading = Reading::default();
    reading.module(&trainer.discriminator, "discriminator");
    match &trainer.ema {
        Some(ema) => reading.module(&ema.generator, "generator"),
        None => reading.module(&trainer.generator, "generator"),
    };
    weights_of(trainer, &reading.read().await?)
}

/// A fresh run that starts from the weights of an export or a checkpoint (fine-tuning a shipped
/// model): the file gives the model's shape, `config` everything else; the step, k_t and Adam's
/// moments start afresh, as they belong to the run that made the file.
pub fn from_weights(bytes: &[u8], file: &str, config: TrainConfig, device: &Device) -> Result<Trainer> {
    let weights = Weights::parse(bytes, file)?;
    let config = TrainConfig { model: weights.model.clone(), ..config };
    config.validate()?;
    let device = device.clone().autodiff();
    let (discriminator, generator) = (weights.discriminator(&device)?, weights.generator(&device)?);
    Ok(Trainer::assemble(config, device, discriminator, generator))
}

fn load_networks(model: &ModelConfig, tensors: &BTreeMap<String, HostTensor>, device: &Device) -> Result<(Discriminator, Generator), String> {
    let discriminator = load_module(model.init_discriminator(0, device), "discriminator", tensors, device)?;
    let generator = load_module(model.init_generator(0, device), "generator", tensors, device)?;
    Ok((discriminator, generator))
}
