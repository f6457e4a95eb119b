//! Safetensors files (https://huggingface.co/docs/safetensors) as this project writes them: a
//! `format` and `version` in the metadata, a crc32 of every tensor, and loading a generator for
//! inference. Checkpoints that resume training are built on this in [`crate::checkpoint`].

use crate::config::{BEGAN, ModelConfig, TrainConfig};
use crate::error::{Error, Result};
use crate::model::{Discriminator, Generator, Judge};
use crate::named::{HostTensor, load_module};
use burn::prelude::*;
use safetensors::{Dtype, SafeTensors};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

pub const CHECKPOINT_FORMAT: &str = "began-checkpoint";
pub const WEIGHTS_FORMAT: &str = "began-weights";
pub const VERSION: u32 = 1;

/// The two kinds of file this project writes, told apart by their `format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A whole run (`began-checkpoint`): it resumes.
    Checkpoint,
    /// Weights and the model config only (`began-weights`): a run can start from them.
    Weights,
}

impl FileKind {
    /// The kind of `bytes`, from the `format` in their header alone (the tensors are checked by
    /// whatever then loads the file). Not safetensors is `BadCheckpoint`; another format is
    /// `WrongFormat`, naming both formats this project reads.
    pub fn of(bytes: &[u8], file: &str) -> Result<Self> {
        match format(&metadata(bytes, file)?) {
            CHECKPOINT_FORMAT => Ok(Self::Checkpoint),
            WEIGHTS_FORMAT => Ok(Self::Weights),
            found => {
                let expected = format!("`{CHECKPOINT_FORMAT}` or `{WEIGHTS_FORMAT}`");
                Err(Error::WrongFormat { file: file.to_string(), found: found.to_string(), expected })
            }
        }
    }
}

/// The networks of an export (or of a checkpoint), checked and ready to load onto a device.
pub struct Weights {
    pub model: ModelConfig,
    /// The family member whose networks these are (`began` in files from before the family).
    pub objective: String,
    file: String,
    tensors: BTreeMap<String, HostTensor>,
}

impl Weights {
    /// Parses `bytes`; `file` names them in errors. Refuses anything but a complete export or
    /// checkpoint of this version with a valid model config.
    pub fn parse(bytes: &[u8], file: &str) -> Result<Self> {
        let bad = |reason: String| Error::BadCheckpoint { file: file.to_string(), reason };
        let (metadata, tensors) = deserialize(bytes, file, WEIGHTS_FORMAT).or_else(|e| match e {
            // Either format will do; when neither matches, the export's error says it best.
            Error::WrongFormat { .. } => deserialize(bytes, file, CHECKPOINT_FORMAT).map_err(|_| e),
            e => Err(e),
        })?;
        let (model, objective) = match train_config(&metadata) {
            Ok(config) => (config.model, config.objective),
            Err(_) => {
                let model = ModelConfig::from_saved(from_json(&metadata, "config").map_err(bad)?).map_err(|e| bad(format!("its model config is invalid: {e}")))?;
                (model, metadata.get("objective").cloned().unwrap_or_else(|| BEGAN.to_string()))
            }
        };
        model.validate().map_err(|e| bad(format!("its model config is invalid: {e}")))?;
        Ok(Self { model, objective, file: file.to_string(), tensors })
    }

    /// D as the file's objective has it: BEGAN's autoencoder or another member's critic.
    #[cfg(feature = "trainer")]
    pub fn judge(&self, device: &Device) -> Result<Judge> {
        let kind = crate::objective::judge_kind(&self.objective).map_err(|e| self.bad(e.to_string()))?;
        load_judge(self.model.judge_to_load(kind, device), &self.tensors, device).map_err(|e| self.bad(e))
    }

    pub fn generator(&self, device: &Device) -> Result<Generator> {
        load_module(self.model.generator_to_load(device), "generator", &self.tensors, device).map_err(|e| self.bad(e))
    }

    pub fn discriminator(&self, device: &Device) -> Result<Discriminator> {
        load_module(self.model.discriminator_to_load(device), "discriminator", &self.tensors, device).map_err(|e| self.bad(e))
    }

    fn bad(&self, reason: String) -> Error {
        Error::BadCheckpoint { file: self.file.clone(), reason }
    }
}

#[cfg(feature = "trainer")]
/// `judge`'s weights from `tensors`, under its prefix (`discriminator.` or `critic.`).
pub(crate) fn load_judge(judge: Judge, tensors: &BTreeMap<String, HostTensor>, device: &Device) -> Result<Judge, String> {
    Ok(match judge {
        Judge::Autoencoder(d) => Judge::Autoencoder(load_module(d, "discriminator", tensors, device)?),
        Judge::Critic(c) => Judge::Critic(load_module(c, "critic", tensors, device)?),
    })
}

/// Loads the generator of an export (or of a checkpoint) onto `device`.
pub fn load_generator(bytes: &[u8], file: &str, device: &Device) -> Result<(ModelConfig, Generator)> {
    let weights = Weights::parse(bytes, file)?;
    let generator = weights.generator(device)?;
    Ok((weights.model, generator))
}

#[cfg(feature = "trainer")]
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("configs serialise")
}

/// A file's TrainConfig ([`TrainConfig::from_saved`]), so older checkpoints keep loading and
/// resume as they trained.
pub(crate) fn train_config(metadata: &HashMap<String, String>) -> Result<TrainConfig, String> {
    let json: serde_json::Value = from_json(metadata, "config")?;
    TrainConfig::from_saved(json).map_err(|e| format!("its config is invalid: {e}"))
}

pub(crate) fn from_json<T: for<'a> Deserialize<'a>>(metadata: &HashMap<String, String>, key: &str) -> Result<T, String> {
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

#[cfg(feature = "trainer")]
pub(crate) fn serialize(format: &str, tensors: &BTreeMap<String, HostTensor>, metadata: &mut HashMap<String, String>) -> Result<Vec<u8>> {
    metadata.insert("format".into(), format.into());
    metadata.insert("version".into(), VERSION.to_string());
    metadata.insert("crc32".into(), crc32(tensors));
    let bytes: Vec<(&String, Vec<u8>, &Vec<usize>)> = tensors
        .iter()
        .map(|(name, t)| (name, t.values.iter().flat_map(|v| v.to_le_bytes()).collect(), &t.shape))
        .collect();
    let views = bytes.iter().map(|(name, data, shape)| {
        let view = safetensors::tensor::TensorView::new(Dtype::F32, shape.to_vec(), data).expect("shape matches data");
        (name.as_str(), view)
    });
    safetensors::serialize(views, Some(metadata.clone())).map_err(|e| Error::Device(format!("safetensors: {e}")))
}

/// The header's metadata, checked to describe exactly these bytes; the tensors are not read.
pub(crate) fn metadata(bytes: &[u8], file: &str) -> Result<HashMap<String, String>> {
    let (_, header) = SafeTensors::read_metadata(bytes)
        .map_err(|e| Error::BadCheckpoint { file: file.to_string(), reason: format!("not a complete safetensors file ({e:?})") })?;
    Ok(header.metadata().clone().unwrap_or_default())
}

fn format(metadata: &HashMap<String, String>) -> &str {
    metadata.get("format").map(String::as_str).unwrap_or("none")
}

pub(crate) fn deserialize(bytes: &[u8], file: &str, wanted: &str) -> Result<(HashMap<String, String>, BTreeMap<String, HostTensor>)> {
    let bad = |reason: String| Error::BadCheckpoint { file: file.to_string(), reason };
    let metadata = metadata(bytes, file)?;
    let found = format(&metadata);
    if found != wanted {
        return Err(Error::WrongFormat { file: file.to_string(), found: found.to_string(), expected: format!("`{wanted}`") });
    }
    let parsed = SafeTensors::deserialize(bytes).map_err(|e| bad(format!("not a complete safetensors file ({e:?})")))?;
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
    // Fuzzing skips the checksum (as fuzzed PNG decoders skip CRCs), or no mutated tensor would
    // ever reach the checks below it.
    if crc32(&tensors) != expected && !cfg!(fuzzing) {
        return Err(bad("checksum mismatch: the file is corrupt".into()));
    }
    // A matching checksum only says the bytes are as written: a diverged run's weights (or a
    // hand-made file) would train or draw NaN in silence.
    for (name, tensor) in &tensors {
        if let Some(value) = tensor.values.iter().find(|v| !v.is_finite()) {
            return Err(bad(format!("tensor {name} holds {value}: its weights are not finite")));
        }
    }
    Ok((metadata, tensors))
}

#[cfg(all(test, feature = "trainer"))]
mod tests {
    use super::*;

    /// A well-formed export of `value` in one tensor, with a checksum that matches.
    fn export_with(value: f32) -> Vec<u8> {
        let tensors = BTreeMap::from([("generator.x".to_string(), HostTensor { shape: vec![2], values: vec![0.5, value] })]);
        let mut metadata = HashMap::from([("config".to_string(), to_json(&ModelConfig::new()))]);
        serialize(WEIGHTS_FORMAT, &tensors, &mut metadata).unwrap()
    }

    #[test]
    fn non_finite_weights_are_refused_naming_the_tensor() {
        assert!(Weights::parse(&export_with(1.0), "ok.safetensors").is_ok());
        for value in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            let message = Weights::parse(&export_with(value), "bad.safetensors").err().expect("should be refused").to_string();
            assert!(message.contains("bad.safetensors") && message.contains("tensor generator.x holds") && message.contains("not finite"), "{message}");
        }
    }

    /// The fixture the CLI, page and widget tests load: a small model's export, well-formed, its
    /// checksum matching, with a NaN in one tensor (as a diverged run's would have).
    /// `BEGAN_WRITE_FIXTURES=1 cargo test -p began --lib fixture` writes it again.
    #[test]
    fn the_non_finite_fixture_is_refused_naming_its_tensor() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../www/fixtures/non-finite.safetensors");
        if std::env::var_os("BEGAN_WRITE_FIXTURES").is_some() {
            let device = Device::flex();
            let model = ModelConfig::new().with_filters(2).with_hidden(4).with_latent(4);
            let mut tensors = BTreeMap::new();
            use crate::named::read_module;
            futures_lite::future::block_on(read_module(&model.init_generator(1, &device), "generator", &mut tensors)).unwrap();
            futures_lite::future::block_on(read_module(&model.init_discriminator(1, &device), "discriminator", &mut tensors)).unwrap();
            tensors.get_mut("generator.decoder.to_image.bias").unwrap().values[0] = f32::NAN;
            let mut metadata = HashMap::from([("config".to_string(), to_json(&model))]);
            std::fs::write(path, serialize(WEIGHTS_FORMAT, &tensors, &mut metadata).unwrap()).unwrap();
        }
        let bytes = std::fs::read(path).unwrap();
        let message = Weights::parse(&bytes, "non-finite.safetensors").err().expect("should be refused").to_string();
        assert_eq!(message, "checkpoint non-finite.safetensors: tensor generator.decoder.to_image.bias holds NaN: its weights are not finite");
    }
}
