//! Classifier weights as a safetensors file (`format` = `began-classifier`), with its config,
//! dataset and test accuracy in the metadata.

use super::{Classifier, ClassifierConfig, TrainedClassifier};
use crate::error::{Error, Result};
use crate::named::{load_module, read_module};
use crate::weights::{deserialize, from_json, serialize, to_json};
use burn::prelude::*;
use std::collections::{BTreeMap, HashMap};

pub const CLASSIFIER_FORMAT: &str = "began-classifier";

/// A classifier loaded from its file: the network, the dataset it knows, its test accuracy.
pub struct LoadedClassifier {
    pub classifier: Classifier,
    pub dataset: String,
    pub test_accuracy: f64,
}

pub async fn to_bytes(trained: &TrainedClassifier, dataset: &str) -> Result<Vec<u8>> {
    let mut tensors = BTreeMap::new();
    read_module(&trained.classifier, "classifier", &mut tensors).await?;
    let mut metadata = HashMap::from([
        ("config".to_string(), to_json(&trained.config)),
        ("dataset".to_string(), dataset.to_string()),
        ("test_accuracy".to_string(), format!("{:.4}", trained.test_accuracy)),
    ]);
    serialize(CLASSIFIER_FORMAT, &tensors, &mut metadata)
}

pub fn from_bytes(bytes: &[u8], file: &str, device: &Device) -> Result<LoadedClassifier> {
    let bad = |reason: String| Error::BadCheckpoint { file: file.to_string(), reason };
    let (metadata, tensors) = deserialize(bytes, file, CLASSIFIER_FORMAT)?;
    let config: ClassifierConfig = from_json(&metadata, "config").map_err(bad)?;
    config.validate().map_err(|e| bad(format!("its config is invalid: {e}")))?;
    let classifier = load_module(config.init(device), "classifier", &tensors, device).map_err(bad)?;
    let dataset = metadata.get("dataset").cloned().unwrap_or_default();
    let test_accuracy = metadata.get("test_accuracy").and_then(|a| a.parse().ok()).unwrap_or(f64::NAN);
    Ok(LoadedClassifier { classifier, dataset, test_accuracy })
}
