//! Training the classifier with cross-entropy and Adam, and measuring its test accuracy.

use super::{Classifier, ClassifierConfig};
use crate::data::{Batches, Images, to_tensor};
use crate::error::Result;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::*;

/// A trained classifier and what it scored on the test split.
pub struct TrainedClassifier {
    pub classifier: Classifier,
    pub config: ClassifierConfig,
    pub test_accuracy: f64,
}

/// Trains for `epochs` passes over `train` in shuffled batches of 64, reporting each epoch's test
/// accuracy to `progress`.
pub fn train(config: ClassifierConfig, train: Images, test: &Images, epochs: u64, seed: u64, device: &Device, mut progress: impl FnMut(u64, f64)) -> Result<TrainedClassifier> {
    const BATCH: usize = 64;
    const LR: f64 = 1e-3;
    let autodiff = device.clone().autodiff();
    autodiff.seed(seed);
    let mut classifier = config.init(&autodiff);
    let mut optimizer = AdamConfig::new().init();
    let loss = CrossEntropyLossConfig::new().init(&autodiff);
    let size = train.rows;
    let mut batches = Batches::new(train, BATCH, seed)?;
    let mut test_accuracy = 0.0;
    for epoch in 0..epochs {
        for step in epoch * batches.per_epoch()..(epoch + 1) * batches.per_epoch() {
            let indices = batches.indices(step).to_vec();
            let images = to_tensor(batches.images(), &indices, &autodiff).reshape([BATCH, 1, size, size]); // [64, 1, 28, 28]
            let labels = labels(batches.images(), &indices, &autodiff); // [64]
            let grads = loss.forward(classifier.forward(images), labels).backward();
            let grads = GradientsParams::from_grads(grads, &classifier);
            classifier = optimizer.step(LR, classifier, grads);
        }
        test_accuracy = futures_lite::future::block_on(accuracy(&classifier.valid(), test, device))?;
        progress(epoch + 1, test_accuracy);
    }
    Ok(TrainedClassifier { classifier: classifier.valid(), config, test_accuracy })
}

/// The share of `images` whose most likely class is their label.
pub async fn evaluate(classifier: &Classifier, images: &Images, device: &Device) -> Result<f64> {
    accuracy(classifier, images, device).await
}

async fn accuracy(classifier: &Classifier, images: &Images, device: &Device) -> Result<f64> {
    let mut correct = 0usize;
    let all: Vec<usize> = (0..images.len()).collect();
    for chunk in all.chunks(500) {
        let x = to_tensor(images, chunk, device).reshape([chunk.len(), 1, images.rows, images.cols]);
        let predicted = classifier.see(x).await?.classes;
        correct += chunk.iter().zip(&predicted).filter(|&(&i, &p)| images.labels[i] as usize == p).count();
    }
    Ok(correct as f64 / images.len().max(1) as f64)
}

fn labels(images: &Images, indices: &[usize], device: &Device) -> Tensor<1, Int> {
    let labels: Vec<i64> = indices.iter().map(|&i| images.labels[i] as i64).collect();
    Tensor::from_data(TensorData::new(labels, [indices.len()]), device)
}
