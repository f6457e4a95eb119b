//! Checkpoints and exports, both as safetensors files (https://huggingface.co/docs/safetensors).
//!
//! A checkpoint holds every tensor of a run, all f32:
//! - `discriminator.<path>` and `generator.<path>`: the weights, shaped as in the modules
//!   (`generator.decoder.from_embedding.weight` is `[Nz, n·s0·s0]`, convs are `[out, in, 3, 3]`);
//! - `adam_d.m.<path>`, `adam_d.v.<path>`, `adam_g.…`: Adam's moments for D and G, flattened;
//! - `k`: k_t, `[1]`; `window_sum`: M_global summed over the current decay window, `[1]`;
//!
//! and in the header's metadata: `format` = `began-checkpoint`, `version`, `config` (the
//! [`TrainConfig`] as JSON), `state` (step, learning rate, Adam step counts, plateau) and `crc32`
//! of all tensor bytes in name order, so a corrupted file is refused, not half-loaded.
//! An export (`format` = `began-weights`) holds only the weights and the model config.

use crate::adam::{Adam, Moments};
use crate::config::{ModelConfig, TrainConfig};
use crate::error::{Error, Result};
use crate::model::{Discriminator, Generator};
use crate::named::{HostTensor, load_module, read, read_module};
use crate::trainer::{Plateau, Trainer};
use burn::prelude::*;
use safetensors::{Dtype, SafeTensors, tensor::TensorView};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

pub const CHECKPOINT_FORMAT: &str = "began-checkpoint";
pub const WEIGHTS_FORMAT: &str = "began-weights";
pub const VERSION: u32 = 1;

/// The scalar part of a run's state.
#[derive(Debug, Serialize, Deserialize)]
struct State {
    step: u64,
    lr: f64,
    adam_d_steps: u64,
    adam_g_steps: u64,
    plateau: Plateau,
}

/// Serialises the whole run. Every tensor is read asynchronously.
pub async fn to_bytes(trainer: &Trainer) -> Result<Vec<u8>> {
    let mut tensors = BTreeMap::new();
    read_module(&trainer.discriminator, "discriminator", &mut tensors).await?;
    read_module(&trainer.generator, "generator", &mut tensors).await?;
    for (prefix, adam) in [("adam_d", &trainer.adam_d), ("adam_g", &trainer.adam_g)] {
        for (path, Moments { m, v }) in &adam.moments {
            tensors.insert(format!("{prefix}.m.{path}"), read(m.clone()).await?);
            tensors.insert(format!("{prefix}.v.{path}"), read(v.clone()).await?);
        }
    }
    tensors.insert("k".into(), read(trainer.k.clone()).await?);
    tensors.insert("window_sum".into(), read(trainer.window_sum.clone()).await?);
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
    serialize(CHECKPOINT_FORMAT, &tensors, &mut metadata)
}

/// Restores a run onto `device`. `file` names the source in errors. Nothing is returned but the
/// error if any part is missing, corrupt, of another version or of another shape.
pub fn from_bytes(bytes: &[u8], file: &str, device: &Device) -> Result<Trainer> {
    let (metadata, mut tensors) = deserialize(bytes, file, CHECKPOINT_FORMAT)?;
    let bad = |reason: String| Error::BadCheckpoint { file: file.to_string(), reason };
    let config: TrainConfig = from_json(&metadata, "config").map_err(bad)?;
    config.validate().map_err(|e| bad(format!("its config is invalid: {e}")))?;
    let state: State = from_json(&metadata, "state").map_err(bad)?;

    let device = device.clone().autodiff();
    let (discriminator, generator) = load_networks(&config.model, &tensors, &device).map_err(bad)?;
    let mut trainer = Trainer::assemble(config, device.clone(), discriminator, generator);
    let inner = device.inner();
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
        adam.moments.insert(path.to_string(), Moments { m, v });
    }
    Ok(())
}

/// Weights only (G and D) with the model config: what the sampler widget and other tools load.
pub async fn export(trainer: &Trainer) -> Result<Vec<u8>> {
    let mut tensors = BTreeMap::new();
    read_module(&trainer.discriminator, "discriminator", &mut tensors).await?;
    read_module(&trainer.generator, "generator", &mut tensors).await?;
    let mut metadata = HashMap::from([("config".to_string(), to_json(&trainer.config.model))]);
    serialize(WEIGHTS_FORMAT, &tensors, &mut metadata)
}

/// Loads the generator of an export (or of a checkpoint) onto `device`.
pub fn load_generator(bytes: &[u8], file: &str, device: &Device) -> Result<(ModelConfig, Generator)> {
    let bad = |reason: String| Error::BadCheckpoint { file: file.to_string(), reason };
    let (metadata, tensors) = deserialize(bytes, file, WEIGHTS_FORMAT)
        .or_else(|_| deserialize(bytes, file, CHECKPOINT_FORMAT))?;
    let model = match from_json::<TrainConfig>(&metadata, "config") {
        Ok(config) => config.model,
        Err(_) => from_json::<ModelConfig>(&metadata, "config").map_err(bad)?,
    };
    model.validate().map_err(|e| bad(format!("its model config is invalid: {e}")))?;
    let generator = load_module(model.init_generator(device), "generator", &tensors, device).map_err(bad)?;
    Ok((model, generator))
}

fn load_networks(model: &ModelConfig, tensors: &BTreeMap<String, HostTensor>, device: &Device) -> Result<(Discriminator, Generator), String> {
    let discriminator = load_module(model.init_discriminator(device), "discriminator", tensors, device)?;
    let generator = load_module(model.init_generator(device), "generator", tensors, device)?;
    Ok((discriminator, generator))
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("configs serialise")
}

fn from_json<T: for<'a> Deserialize<'a>>(metadata: &HashMap<String, String>, key: &str) -> Result<T, String> {
    let text = metadata.get(key).ok_or_else(|| format!("no `{key}` in its metadata"))?;
    serde_json::from_str(text).map_err(|e| format!("unreadable `{key}`: {e}"))
}

fn crc32(tensors: &BTreeMap<String, HostTensor>) -> String {
    let mut hasher = crc32fast::Hasher::new();
    for (name, tensor) in tensors {
        hasher.update(name.as_bytes());
        for value in &tensor.values {
            hasher.update(&value.to_le_bytes());
        }
    }
    format!("{:08x}", hasher.finalize())
}

fn serialize(format: &str, tensors: &BTreeMap<String, HostTensor>, metadata: &mut HashMap<String, String>) -> Result<Vec<u8>> {
    metadata.insert("format".into(), format.into());
    metadata.insert("version".into(), VERSION.to_string());
    metadata.insert("crc32".into(), crc32(tensors));
    let bytes: Vec<(&String, Vec<u8>, &Vec<usize>)> = tensors
        .iter()
        .map(|(name, t)| (name, t.values.iter().flat_map(|v| v.to_le_bytes()).collect(), &t.shape))
        .collect();
    let views = bytes.iter().map(|(name, data, shape)| {
        let view = TensorView::new(Dtype::F32, shape.to_vec(), data).expect("shape matches data");
        (name.as_str(), view)
    });
    safetensors::serialize(views, Some(metadata.clone())).map_err(|e| Error::Device(format!("safetensors: {e}")))
}

fn deserialize(bytes: &[u8], file: &str, format: &str) -> Result<(HashMap<String, String>, BTreeMap<String, HostTensor>)> {
    let bad = |reason: String| Error::BadCheckpoint { file: file.to_string(), reason };
    let parsed = SafeTensors::deserialize(bytes).map_err(|e| bad(format!("not a complete safetensors file ({e:?})")))?;
    let (_, header) = SafeTensors::read_metadata(bytes).map_err(|e| bad(format!("{e:?}")))?;
    let metadata = header.metadata().clone().unwrap_or_default();
    let found = metadata.get("format").map(String::as_str).unwrap_or("none");
    if found != format {
        return Err(bad(format!("format is `{found}`, expected `{format}`")));
    }
    let version = metadata.get("version").map(String::as_str).unwrap_or("none");
    if version != VERSION.to_string() {
        return Err(bad(format!("version {version}; this build reads version {VERSION}")));
    }
    let mut tensors = BTreeMap::new();
    for (name, view) in parsed.tensors() {
        if view.dtype() != Dtype::F32 {
            return Err(bad(format!("tensor {name} is {:?}, expected F32", view.dtype())));
        }
        let values = view.data().chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        tensors.insert(name, HostTensor { shape: view.shape().to_vec(), values });
    }
    let expected = metadata.get("crc32").map(String::as_str).unwrap_or("none");
    if crc32(&tensors) != expected {
        return Err(bad("checksum mismatch: the file is corrupt".into()));
    }
    Ok((metadata, tensors))
}
