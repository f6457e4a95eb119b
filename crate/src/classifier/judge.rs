//! Judging a generator: its samples' classes and features against those of real images (a test
//! split), computed once. The generator may run on another device (WebGPU) than the classifier.

use super::Classifier;
use crate::data::{Images, to_tensor};
use crate::error::{Error, Result};
use crate::named::read;
use crate::quality::{FeatureStats, Quality, class_stats, frechet_distance};
use burn::prelude::*;

/// Images through the classifier per call: bounded memory, few reads.
const CHUNK: usize = 250;

pub struct Judge {
    classifier: Classifier,
    /// The feature distribution of the real images, the reference of the Fréchet distance.
    real: FeatureStats,
    /// `[1, rows, cols]` of one real image: the only shape the classifier takes.
    shape: [usize; 3],
    device: Device,
}

impl Judge {
    /// `classifier` (on `device`) and the features of `real` images, at least two.
    pub async fn new(classifier: Classifier, images: &Images, device: &Device) -> Result<Self> {
        if images.len() < 2 {
            return Err(Error::BadData { file: "test split".into(), reason: format!("{} images; the Fréchet distance needs at least 2", images.len()) });
        }
        images.expect_shape("test split", 1, 28)?; // LeNet's layers are sized for gray 28×28
        let shape = [1, images.rows, images.cols];
        let mut features = Vec::new();
        for start in (0..images.len()).step_by(CHUNK) {
            let chunk: Vec<usize> = (start..(start + CHUNK).min(images.len())).collect();
            let x = to_tensor(images, &chunk, device).reshape([chunk.len(), 1, images.rows, images.cols]); // [chunk, 1, 28, 28]
            features.extend(classifier.see(x).await?.features);
        }
        let real = FeatureStats::fit(&features, features.len() / images.len());
        Ok(Self { classifier, real, shape, device: device.clone() })
    }

    /// Judges `n` (≥ 2) samples of a generator (`generate`: z `[rows, Nz]` on `on` → images)
    /// drawn on z from `seed`. The same seed gives the same z, so checkpoints can be compared.
    pub async fn judge(&self, generate: impl Fn(Tensor<2>) -> Tensor<4>, on: &Device, latent: usize, n: usize, seed: u64) -> Result<Quality> {
        if n < 2 {
            return Err(Error::InvalidConfig { field: "n", allowed: "at least 2".into(), value: n.to_string() });
        }
        let z = crate::latent::uniform(n, latent, seed);
        let (mut classes, mut features) = (Vec::with_capacity(n), Vec::new());
        for chunk in z.chunks(CHUNK * latent) {
            let rows = chunk.len() / latent;
            let z = Tensor::<2>::from_data(TensorData::new(chunk.to_vec(), [rows, latent]), on); // [rows, Nz]
            // Through the host: the classifier's device need not be the generator's.
            let images = read(generate(z)).await?; // [rows, 1, 28, 28]
            if images.shape[1..] != self.shape {
                let reason = format!("its images are {:?}, the classifier judges {:?}", &images.shape[1..], self.shape);
                return Err(Error::BadCheckpoint { file: "generator".into(), reason });
            }
            let images = Tensor::<4>::from_data(TensorData::new(images.values, images.shape), &self.device);
            let seen = self.classifier.see(images).await?;
            classes.extend(seen.classes);
            features.extend(seen.features);
        }
        // A diverged generator's NaNs would reach the eigensolver; say so instead.
        if let Some(&value) = features.iter().find(|v| !v.is_finite()) {
            let reason = format!("its samples are not finite (a classifier feature is {value}): the run diverged");
            return Err(Error::BadCheckpoint { file: "generator".into(), reason });
        }
        let samples = FeatureStats::fit(&features, features.len() / n);
        Ok(Quality { classes: class_stats(&classes), frechet: frechet_distance(&samples, &self.real) })
    }
}
