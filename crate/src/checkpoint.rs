//! Checkpoints and exports of a training run, both safetensors files written by [`crate::weights`].
//!
//! A checkpoint holds every tensor of a run, all f32:
//! - `discriminator.<path>` (BEGAN's autoencoder D) or `critic.<path>` (another family member's
//!   critic, as the config's `objective` says) and `generator.<path>`: the weights, shaped as in the modules
//!   (`generator.decoder.from_embedding.weight` is `[Nz, n·s0·s0]`, convs are `[out, in, 3, 3]`);
//! - `adam_d.m.<path>`, `adam_d.v.<path>`, `adam_g.…`: Adam's moments for D and G, flattened;
//! - `k`: k_t, `[1]`; `window_sum`: M_global summed over the current decay window, `[1]`;
//! - `generator_ema.<path>`: the moving average of G's weights, when `ema_decay` > 0;
//!
//! and in the header's metadata: `format` = `began-checkpoint`, `version`, `config` (the
//! [`TrainConfig`] as JSON), `state` (step, learning rate, Adam step counts, plateau), `data`
//! (the training set, [`TrainedOn`] as JSON; absent in checkpoints from before it) and `crc32`
//! of all tensor bytes in name order, so a corrupted file is refused, not half-loaded.
//! An export (`format` = `began-weights`) holds only the weights, the model config and the
//! `objective` (absent before the family: BEGAN); its generator is the one samples are drawn
//! from (the moving average, if the run keeps one; with batch norm, the running statistics it
//! draws with, measured on its own activations, where the checkpoint's `generator_ema.` holds
//! G's).

use crate::adam::{Adam, Moments};
use crate::config::{ModelConfig, TrainConfig};
use crate::data::TrainedOn;
use crate::ema::Ema;
use crate::error::{Error, Result};
use crate::model::{Generator, Judge};
use crate::named::{HostTensor, Reading, is_running_statistic, load_module, shapes};
use crate::trainer::{Plateau, Trainer};
use crate::weights::{CHECKPOINT_FORMAT, FileKind, WEIGHTS_FORMAT, Weights, deserialize, from_json, load_judge, serialize, to_json, train_config};
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

/// Serialises the whole run, trained on `data`, read back in one asynchronous device read.
pub async fn to_bytes(trainer: &Trainer, data: Option<&TrainedOn>) -> Result<Vec<u8>> {
    checkpoint_of(trainer, &read_run(trainer, false).await?, data)
}

/// The training set a checkpoint records, if it does (and reads as one); the tensors are not read.
pub fn trained_on(bytes: &[u8]) -> Option<TrainedOn> {
    let metadata = crate::weights::metadata(bytes, "").ok()?;
    serde_json::from_str(metadata.get("data")?).ok()
}

/// A run kept as its last good state: the checkpoint, and the generator that samples are drawn
/// from as a file of its own (an export without D), for whatever judges or draws from it.
pub struct Kept {
    pub checkpoint: Vec<u8>,
    pub generator: Vec<u8>,
}

/// Both files of [`Kept`] from one device read of the run, trained on `data`.
pub async fn keep(trainer: &Trainer, data: Option<&TrainedOn>) -> Result<Kept> {
    let mut tensors = read_run(trainer, true).await?;
    let sampled = if trainer.ema.is_some() { "generator_ema." } else { "generator." };
    let mut generator: BTreeMap<String, HostTensor> = tensors
        .iter()
        .filter_map(|(name, t)| Some((format!("generator.{}", name.strip_prefix(sampled)?), t.clone())))
        .collect();
    // The average as it draws differs from the average only in its batch-norm statistics.
    for (name, t) in tensors.iter().filter_map(|(name, t)| Some((name.strip_prefix(DRAWN)?, t))) {
        generator.insert(format!("generator.{name}"), t.clone());
    }
    tensors.retain(|name, _| !name.starts_with(DRAWN));
    Ok(Kept { checkpoint: checkpoint_of(trainer, &tensors, data)?, generator: weights_of(trainer, &generator)? })
}

/// The prefix, in [`read_run`]'s answer only, of the batch-norm statistics the average draws
/// with ([`Trainer::drawing`]).
const DRAWN: &str = "drawn.";

/// Every tensor of the run, named as in the file, in one read; with `drawn`, also the batch-norm
/// statistics the average draws with, under [`DRAWN`] (none without an average or batch norm).
async fn read_run(trainer: &Trainer, drawn: bool) -> Result<BTreeMap<String, HostTensor>> {
    let mut reading = Reading::default();
    read_judge(&mut reading, &trainer.judge).module(&trainer.generator, "generator");
    if let Some(ema) = &trainer.ema {
        reading.module(ema.average(), "generator_ema");
        if drawn && trainer.generator.has_batch_norm() {
            reading.module_where(&trainer.drawing(), DRAWN.trim_end_matches('.'), is_running_statistic);
        }
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

fn checkpoint_of(trainer: &Trainer, tensors: &BTreeMap<String, HostTensor>, data: Option<&TrainedOn>) -> Result<Vec<u8>> {
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
    if let Some(data) = data {
        metadata.insert("data".to_string(), to_json(data));
    }
    serialize(CHECKPOINT_FORMAT, tensors, &mut metadata)
}

/// An export of `tensors` (networks named as in a checkpoint) with the run's model config and
/// objective.
fn weights_of(trainer: &Trainer, tensors: &BTreeMap<String, HostTensor>) -> Result<Vec<u8>> {
    let mut metadata = HashMap::from([
        ("config".to_string(), to_json(&trainer.config.model)),
        ("objective".to_string(), trainer.config.objective.clone()),
    ]);
    serialize(WEIGHTS_FORMAT, tensors, &mut metadata)
}

/// Adds D's weights under their prefix.
fn read_judge<'a>(reading: &'a mut Reading, judge: &Judge) -> &'a mut Reading {
    match judge {
        Judge::Autoencoder(d) => reading.module(d, "discriminator"),
        Judge::Critic(c) => reading.module(c, "critic"),
    }
}

/// Restores a run onto `device`. `file` names the source in errors. Nothing is returned but the
/// error if any part is missing, corrupt, of another version or of another shape.
pub fn from_bytes(bytes: &[u8], file: &str, device: &Device) -> Result<Trainer> {
    let (metadata, mut tensors) = deserialize(bytes, file, CHECKPOINT_FORMAT)?;
    let bad = |reason: String| Error::BadCheckpoint { file: file.to_string(), reason };
    let config = train_config(&metadata).map_err(bad)?;
    let state: State = from_json(&metadata, "state").map_err(bad)?;
    state.check().map_err(bad)?;

    let device = device.clone().autodiff();
    let (judge, generator) = load_networks(&config, &tensors, &device).map_err(bad)?;
    let mut trainer = Trainer::assemble(config, device.clone(), judge, generator);
    let inner = device.inner();
    // A checkpoint from before the average existed starts it at G's weights (as assemble did).
    let ema_decay = trainer.config.ema_decay;
    if ema_decay > 0.0 && tensors.keys().any(|name| name.starts_with("generator_ema.")) {
        let averaged = load_module(trainer.config.model.generator_to_load(&inner), "generator_ema", &tensors, &inner).map_err(bad)?;
        trainer.ema = Some(Ema::restored(ema_decay, averaged));
    }
    trainer.k = scalar(&mut tensors, "k", 0.0..=1.0, &inner).map_err(bad)?;
    trainer.window_sum = scalar(&mut tensors, "window_sum", 0.0..=f32::MAX, &inner).map_err(bad)?;
    let d_shapes = match &trainer.judge {
        Judge::Autoencoder(d) => shapes(d),
        Judge::Critic(c) => shapes(c),
    };
    let g_shapes = shapes(&trainer.generator);
    restore_adam(&mut trainer.adam_d, "adam_d", state.adam_d_steps, &d_shapes, &mut tensors, &inner).map_err(bad)?;
    restore_adam(&mut trainer.adam_g, "adam_g", state.adam_g_steps, &g_shapes, &mut tensors, &inner).map_err(bad)?;
    trainer.step = state.step;
    trainer.lr = state.lr;
    trainer.plateau = state.plateau;
    Ok(trainer)
}

impl State {
    /// Counts the page can hold exactly (JSON numbers are doubles there) and a rate the schema
    /// allows: a hand-edited count would overflow, a negative rate would climb the losses.
    fn check(&self) -> Result<(), String> {
        let most = crate::schema::SEED.range; // 0..=2^53 − 1, the same bound as a seed's
        for (what, count) in [("step", self.step), ("adam_d_steps", self.adam_d_steps), ("adam_g_steps", self.adam_g_steps)] {
            if !most.contains(count.into()) {
                return Err(format!("its state's {what} is {count}, not {most}"));
            }
        }
        crate::schema::LR.check(self.lr).map_err(|e| format!("its state's learning rate: {e}"))
    }
}

/// Takes the one-value tensor `name`, refused unless its value is in `allowed`.
fn scalar(tensors: &mut BTreeMap<String, HostTensor>, name: &str, allowed: std::ops::RangeInclusive<f32>, device: &Device) -> Result<Tensor<1>, String> {
    let t = tensors.remove(name).ok_or_else(|| format!("missing tensor {name}"))?;
    match t.values[..] {
        [value] if allowed.contains(&value) => Ok(Tensor::from_data(TensorData::new(t.values, [1]), device)),
        [value] => Err(format!("{name} is {value}, outside {allowed:?}")),
        _ => Err(format!("{name} has shape {:?}, expected [1]", t.shape)),
    }
}

/// Takes `<prefix>.m.<path>` and `<prefix>.v.<path>` for every parameter path that has them.
/// Each must belong to a parameter of the network (`shapes`) and hold as many values, and a
/// second moment is never negative: any other file would fail, or climb, at its first step.
fn restore_adam(
    adam: &mut Adam,
    prefix: &str,
    steps: u64,
    shapes: &BTreeMap<String, Vec<usize>>,
    tensors: &mut BTreeMap<String, HostTensor>,
    device: &Device,
) -> Result<(), String> {
    adam.steps = steps;
    let m_prefix = format!("{prefix}.m.");
    let paths: Vec<String> = tensors.keys().filter_map(|name| name.strip_prefix(&m_prefix)).map(str::to_string).collect();
    for path in paths {
        let shape = shapes.get(&path).ok_or_else(|| format!("{prefix}.m.{path} is a moment of no parameter of the network"))?;
        let len: usize = shape.iter().product();
        let mut take = |moment: &str| {
            let name = format!("{prefix}.{moment}.{path}");
            let t = tensors.remove(&name).ok_or_else(|| format!("missing tensor {name}"))?;
            match t.len() == len {
                true => Ok((name, t.values)),
                false => Err(format!("{name} holds {} values, its parameter {len}", t.len())),
            }
        };
        let (m, (v_name, v)) = (take("m")?.1, take("v")?);
        if let Some(value) = v.iter().find(|value| **value < 0.0) {
            return Err(format!("{v_name} holds {value}: a second moment is never negative"));
        }
        let flat = |values: Vec<f32>| Tensor::from_data(TensorData::new(values, [len]), device);
        adam.moments.insert(path, Moments::from_file(flat(m), flat(v)));
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
    read_judge(&mut reading, &trainer.judge);
    reading.module(&trainer.drawing(), "generator");
    weights_of(trainer, &reading.read().await?)
}

/// The generator a file draws with, for `began sample` and `began eval`: an export's, or of a
/// checkpoint the one its run draws with (the moving average of G where the run keeps one, with
/// its standing statistics), not G as trained.
pub fn drawing_generator(bytes: &[u8], file: &str, device: &Device) -> Result<(ModelConfig, Generator)> {
    match from_bytes(bytes, file, device) {
        Ok(run) => Ok((run.config.model.clone(), run.drawing())),
        Err(Error::WrongFormat { .. }) => load_generator(bytes, file, device),
        Err(e) => Err(e),
    }
}

/// A fresh run that starts from the weights of an export or a checkpoint (fine-tuning a shipped
/// model): the file gives the model's shape, `config` everything else; the step, k_t and Adam's
/// moments start afresh, as they belong to the run that made the file.
pub fn from_weights(bytes: &[u8], file: &str, config: TrainConfig, device: &Device) -> Result<Trainer> {
    let weights = Weights::parse(bytes, file)?;
    if weights.objective != config.objective {
        let reason = format!("it holds the networks of a {} run, and this run trains {}: start a {} run from it, or choose a {} file", weights.objective, config.objective, weights.objective, config.objective);
        return Err(Error::BadCheckpoint { file: file.to_string(), reason });
    }
    let config = TrainConfig { model: weights.model.clone(), ..config };
    config.validate()?;
    let device = device.clone().autodiff();
    let (judge, generator) = (weights.judge(&device)?, weights.generator(&device)?);
    Ok(Trainer::assemble(config, device, judge, generator))
}

fn load_networks(config: &TrainConfig, tensors: &BTreeMap<String, HostTensor>, device: &Device) -> Result<(Judge, Generator), String> {
    let model = &config.model;
    let judge = load_judge(model.judge_to_load(config.judge_kind().map_err(|e| e.to_string())?, device), tensors, device)?;
    let generator = load_module(model.generator_to_load(device), "generator", tensors, device)?;
    Ok((judge, generator))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ModelConfig;
    use futures_lite::future::block_on;

    /// Every tensor of a checkpoint or export.
    fn tensors_of(bytes: &[u8], format: &str) -> BTreeMap<String, HostTensor> {
        deserialize(bytes, "run", format).unwrap().1
    }

    /// A family member's run (WGAN-GP: a critic, n_critic = 5, the penalty) saves its critic, not
    /// an autoencoder, resumes to go on exactly as the run would have, and its export is refused
    /// by a run of another objective, naming both.
    #[test]
    fn a_family_run_resumes_as_it_was_and_another_objective_refuses_its_weights() {
        let model = ModelConfig::new().with_filters(2).with_hidden(4).with_latent(4);
        let config = TrainConfig::new().with_model(model).with_batch_size(2).with_objective("wgan-gp".into());
        let device = Device::flex();
        let batch = |i: usize| Tensor::<4>::ones([2, 1, 28, 28], &device).mul_scalar(0.1 * i as f64 - 0.5);
        let mut run = Trainer::new(config.clone(), &device).unwrap();
        for i in 0..3 {
            block_on(run.step(batch(i))).unwrap();
        }
        let saved = block_on(to_bytes(&run, None)).unwrap();
        let names: Vec<_> = tensors_of(&saved, CHECKPOINT_FORMAT).into_keys().collect();
        assert!(names.iter().any(|n| n.starts_with("critic.encoder.")) && names.iter().any(|n| n.starts_with("adam_d.m.critic") || n.starts_with("adam_d.m.")));
        assert!(!names.iter().any(|n| n.starts_with("discriminator.")), "{names:?}");

        let mut resumed = from_bytes(&saved, "run", &device).unwrap();
        assert_eq!((resumed.config.objective.as_str(), resumed.step), ("wgan-gp", 3));
        for i in 3..6 {
            block_on(run.step(batch(i))).unwrap();
            block_on(resumed.step(batch(i))).unwrap();
        }
        let (a, b) = (block_on(to_bytes(&run, None)).unwrap(), block_on(to_bytes(&resumed, None)).unwrap());
        assert_eq!(tensors_of(&a, CHECKPOINT_FORMAT), tensors_of(&b, CHECKPOINT_FORMAT));

        let exported = block_on(export(&run)).unwrap();
        let error = from_weights(&exported, "gp.safetensors", TrainConfig::new().with_model(config.model.clone()).with_batch_size(2), &device).err().unwrap().to_string();
        assert!(error.contains("a wgan-gp run") && error.contains("this run trains began"), "{error}");
        let again = from_weights(&exported, "gp.safetensors", config, &device).unwrap();
        assert!(matches!(again.judge, Judge::Critic(_)) && again.step == 0);
        // What the widget loads: the generator alone, whatever the member (the same decoder).
        let (_, generator) = load_generator(&exported, "gp.safetensors", &device).unwrap();
        let drawn = generator.forward(run.fixed_z(2));
        assert_eq!(drawn.dims(), [2, 1, 28, 28]);
    }

    /// A DCGAN run (batch norm in both networks, an average of G) keeps its running statistics
    /// in its checkpoint, resumes to go on exactly as the run would have, and its export draws
    /// what the run draws, batch norm in inference mode.
    #[test]
    fn a_dcgan_run_resumes_with_its_batch_statistics_and_its_export_draws_as_it_does() {
        let model = ModelConfig::new().with_arch("dcgan".into()).with_filters(2).with_latent(4);
        let config = TrainConfig::new().with_model(model).with_batch_size(3).with_objective("hinge".into()).with_ema_decay(0.9);
        let device = Device::flex();
        let batch = |i: usize| Tensor::<4>::random([3, 1, 28, 28], burn::tensor::Distribution::Uniform(-1.0, 1.0), &device).mul_scalar(0.1 * i as f64);
        let batches: Vec<_> = (0..6).map(batch).collect();
        let mut run = Trainer::new(config, &device).unwrap();
        for b in &batches[..3] {
            block_on(run.step(b.clone())).unwrap();
        }
        let saved = block_on(to_bytes(&run, None)).unwrap();
        let tensors = tensors_of(&saved, CHECKPOINT_FORMAT);
        let statistics: Vec<_> = tensors.keys().filter(|n| n.ends_with(".running_var")).collect();
        assert!(statistics.iter().any(|n| n.starts_with("critic.")) && statistics.iter().any(|n| n.starts_with("generator.")), "{statistics:?}");
        // Three steps moved them from their start (1) in both networks.
        assert!(statistics.iter().all(|n| tensors[*n].values.iter().any(|&v| v != 1.0)), "a statistic was not saved as trained");

        let mut resumed = from_bytes(&saved, "run", &device).unwrap();
        for b in &batches[3..] {
            block_on(run.step(b.clone())).unwrap();
            block_on(resumed.step(b.clone())).unwrap();
        }
        let (a, b) = (block_on(to_bytes(&run, None)).unwrap(), block_on(to_bytes(&resumed, None)).unwrap());
        assert_eq!(tensors_of(&a, CHECKPOINT_FORMAT), tensors_of(&b, CHECKPOINT_FORMAT));

        let exported = block_on(export(&run)).unwrap();
        assert!(run.ema.as_ref().unwrap().average().devices().iter().all(|d| !d.is_autodiff()), "the average is off the autodiff device");
        let (_, generator) = load_generator(&exported, "dcgan.safetensors", &device).unwrap();
        let z = run.fixed_z(4);
        let read = |t: Tensor<4>| block_on(crate::named::read(t)).unwrap().values;
        let drawn = read(run.generate(z.clone()));
        assert_eq!(read(generator.forward(z.clone())), drawn);
        // Drawing is inference: each sample is the same drawn alone, and the average's running
        // statistics are as they were (an average on the autodiff device drew with batch
        // statistics and overwrote them: its best.safetensors drew far worse than its run).
        assert_eq!(read(run.generate(z.clone().slice([0..1]))), drawn[..28 * 28]);
        let on_autodiff = Tensor::<2>::from_data(z.into_data(), &run.device); // as the judge makes it
        assert_eq!(read(run.generate(on_autodiff.clone())), drawn);
        assert_eq!(read(run.generate_trained(on_autodiff)), read(run.generate_trained(run.fixed_z(4))));
        assert_eq!(tensors_of(&block_on(export(&run)).unwrap(), WEIGHTS_FORMAT), tensors_of(&exported, WEIGHTS_FORMAT));
        // `began sample` and `began eval` draw from a checkpoint what its run draws.
        let (_, from_checkpoint) = drawing_generator(&block_on(to_bytes(&run, None)).unwrap(), "run", &device).unwrap();
        assert_eq!(read(from_checkpoint.forward(run.fixed_z(4))), drawn);
        // One more step moves the average: the run draws it measured again, as a fresh load does.
        block_on(run.step(batches[0].clone())).unwrap();
        let (_, from_checkpoint) = drawing_generator(&block_on(to_bytes(&run, None)).unwrap(), "run", &device).unwrap();
        let again = read(run.generate(run.fixed_z(4)));
        assert_ne!(again, drawn);
        assert_eq!(read(from_checkpoint.forward(run.fixed_z(4))), again);
        let exported = block_on(export(&run)).unwrap();
        // The page's kept generator is the export's, and its checkpoint the checkpoint's.
        let kept = block_on(keep(&run, None)).unwrap();
        let generator_of = |bytes: &[u8]| tensors_of(bytes, WEIGHTS_FORMAT).into_iter().filter(|(n, _)| n.starts_with("generator.")).collect::<BTreeMap<_, _>>();
        assert_eq!(generator_of(&kept.generator), generator_of(&exported));
        assert_eq!(tensors_of(&kept.checkpoint, CHECKPOINT_FORMAT), tensors_of(&block_on(to_bytes(&run, None)).unwrap(), CHECKPOINT_FORMAT));
    }

    type Parts = (HashMap<String, String>, BTreeMap<String, HostTensor>);

    /// A small run's checkpoint after one step (so Adam has moments), taken apart.
    fn parts() -> Parts {
        let model = ModelConfig::new().with_filters(2).with_hidden(4).with_latent(4);
        let mut trainer = Trainer::new(TrainConfig::new().with_model(model).with_batch_size(2), &Device::flex()).unwrap();
        block_on(trainer.step(Tensor::<4>::ones([2, 1, 28, 28], &Device::flex()).mul_scalar(0.5))).unwrap();
        deserialize(&block_on(to_bytes(&trainer, None)).unwrap(), "run", CHECKPOINT_FORMAT).unwrap()
    }

    /// The checkpoint after `edit`, written again with a checksum that matches, as opened.
    fn opened(parts: &Parts, edit: impl FnOnce(&mut HashMap<String, String>, &mut BTreeMap<String, HostTensor>)) -> Result<Trainer> {
        let (mut metadata, mut tensors) = parts.clone();
        edit(&mut metadata, &mut tensors);
        from_bytes(&serialize(CHECKPOINT_FORMAT, &tensors, &mut metadata).unwrap(), "edited.safetensors", &Device::flex())
    }

    fn refused(parts: &Parts, expected: &str, edit: impl FnOnce(&mut HashMap<String, String>, &mut BTreeMap<String, HostTensor>)) {
        let message = opened(parts, edit).err().expect("should be refused").to_string();
        assert!(message.contains("edited.safetensors") && message.contains(expected), "{message}");
    }

    fn set_state(metadata: &mut HashMap<String, String>, field: &str, value: serde_json::Value) {
        let mut state: serde_json::Value = serde_json::from_str(&metadata["state"]).unwrap();
        state[field] = value;
        metadata.insert("state".into(), state.to_string());
    }

    /// Each of these files is well-formed with a matching checksum, and used to load: then the
    /// first step failed (a panic on a moment's shape), or trained away from the minimum.
    #[test]
    fn a_run_state_that_would_fail_or_climb_at_its_first_step_is_refused() {
        let parts = parts();
        assert!(opened(&parts, |_, _| ()).is_ok());
        let conv = "encoder.input.weight";
        assert!(parts.1.contains_key(&format!("adam_d.m.{conv}")), "the run has moments");
        let scalar = |value: Vec<f32>| HostTensor { shape: vec![value.len()], values: value };

        refused(&parts, "k is 1.5, outside 0.0..=1.0", |_, t| _ = t.insert("k".into(), scalar(vec![1.5])));
        refused(&parts, "k has shape [2], expected [1]", |_, t| _ = t.insert("k".into(), scalar(vec![0.1, 0.2])));
        refused(&parts, "window_sum is -1", |_, t| _ = t.insert("window_sum".into(), scalar(vec![-1.0])));
        refused(&parts, "adam_d.m.encoder.input.weight holds 3 values, its parameter 18", |_, t| {
            _ = t.insert(format!("adam_d.m.{conv}"), scalar(vec![0.0; 3]))
        });
        refused(&parts, "adam_d.v.encoder.input.weight holds -0.5: a second moment is never negative", |_, t| {
            t.get_mut(&format!("adam_d.v.{conv}")).unwrap().values[4] = -0.5
        });
        refused(&parts, "adam_g.m.decoder.nothing is a moment of no parameter", |_, t| {
            _ = t.insert("adam_g.m.decoder.nothing".into(), scalar(vec![0.0]))
        });
        refused(&parts, "missing tensor adam_g.v.decoder.to_image.bias", |_, t| _ = t.remove("adam_g.v.decoder.to_image.bias"));
        refused(&parts, "its state's step is 18446744073709551615, not a whole number in 0..=9007199254740991", |m, _| {
            set_state(m, "step", u64::MAX.into())
        });
        refused(&parts, "its state's adam_g_steps is 9007199254740992", |m, _| set_state(m, "adam_g_steps", (1u64 << 53).into()));
        refused(&parts, "its state's learning rate: lr must be a finite number > 0, got -0.001", |m, _| set_state(m, "lr", (-0.001).into()));
    }
}
