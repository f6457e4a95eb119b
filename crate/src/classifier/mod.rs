//! A LeNet-sized classifier per dataset: the yardstick for generated samples. Its class
//! histogram shows mode collapse; its penultimate features give a Fréchet distance.

#[cfg(feature = "trainer")]
mod file;
#[cfg(feature = "trainer")]
mod train;

#[cfg(feature = "trainer")]
pub use file::{CLASSIFIER_FORMAT, LoadedClassifier, from_bytes, to_bytes};
#[cfg(feature = "trainer")]
pub use train::{TrainedClassifier, evaluate, train};

use crate::quality::{FeatureStats, Quality, class_stats, frechet_distance};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{Linear, LinearConfig, PaddingConfig2d};
use burn::prelude::*;
use burn::tensor::activation::relu;

pub const CLASSES: usize = 10;

/// Sizes of LeNet-5 (LeCun et al. 1998) for 28×28 grayscale images.
#[derive(Config, Debug, PartialEq)]
pub struct ClassifierConfig {
    /// Filters of the first 5×5 convolution.
    #[config(default = 16)]
    pub conv1: usize,
    /// Filters of the second 5×5 convolution.
    #[config(default = 32)]
    pub conv2: usize,
    /// Width of the hidden layer whose activations are the features of the Fréchet distance.
    #[config(default = 64)]
    pub features: usize,
}

#[derive(Module, Debug)]
pub struct Classifier {
    conv1: Conv2d,
    conv2: Conv2d,
    pool: MaxPool2d,
    hidden: Linear,
    output: Linear,
}

impl ClassifierConfig {
    pub fn init(&self, device: &Device) -> Classifier {
        let conv = |i, o, pad| Conv2dConfig::new([i, o], [5, 5]).with_padding(PaddingConfig2d::Explicit(pad, pad, pad, pad)).init(device);
        Classifier {
            conv1: conv(1, self.conv1, 2),
            conv2: conv(self.conv1, self.conv2, 0),
            pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
            hidden: LinearConfig::new(self.conv2 * 5 * 5, self.features).init(device),
            output: LinearConfig::new(self.features, CLASSES).init(device),
        }
    }
}

impl Classifier {
    /// The penultimate layer: `[batch, 1, 28, 28]` images in [-1, 1] → `[batch, features]`.
    pub fn features(&self, images: Tensor<4>) -> Tensor<2> {
        let x = self.pool.forward(relu(self.conv1.forward(images))); // [batch, conv1, 14, 14]
        let x = self.pool.forward(relu(self.conv2.forward(x))); // [batch, conv2, 5, 5]
        relu(self.hidden.forward(x.flatten(1, 3))) // [batch, features]
    }

    /// Class scores (logits): `[batch, 1, 28, 28]` → `[batch, 10]`.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        self.output.forward(self.features(images)) // [batch, 10]
    }

    /// Classes and features of `[batch, 1, 28, 28]` images, read back asynchronously.
    pub async fn see(&self, images: Tensor<4>) -> crate::Result<Seen> {
        let features = self.features(images); // [batch, features]
        let classes = self.output.forward(features.clone()).argmax(1).float().flatten::<1>(0, 1); // [batch]
        let classes = crate::named::read(classes).await?.values.iter().map(|&c| c as usize).collect();
        Ok(Seen { classes, features: crate::named::read(features).await?.values })
    }
}

/// What the classifier makes of images: the most likely class and the penultimate features of each.
pub struct Seen {
    pub classes: Vec<usize>,
    /// Row-major, `features` values per image.
    pub features: Vec<f32>,
}

/// The feature distribution of real images (a test split), the reference of the Fréchet distance.
pub async fn real_features(classifier: &Classifier, images: &crate::data::Images, device: &Device) -> crate::Result<FeatureStats> {
    let mut features = Vec::new();
    let all: Vec<usize> = (0..images.len()).collect();
    for chunk in all.chunks(500) {
        let x = crate::data::to_tensor(images, chunk, device).reshape([chunk.len(), 1, images.rows, images.cols]);
        features.extend(classifier.see(x).await?.features);
    }
    Ok(FeatureStats::fit(&features, features.len() / images.len().max(1)))
}

/// Judges `n` samples of a generator (`generate`: z `[rows, Nz]` on `device` → images) drawn on z
/// from `seed`, against the features of real images. The same seed gives the same z, so
/// checkpoints can be compared.
pub async fn judge(
    classifier: &Classifier,
    generate: impl Fn(Tensor<2>) -> Tensor<4>,
    latent: usize,
    n: usize,
    seed: u64,
    real: &FeatureStats,
    device: &Device,
) -> crate::Result<Quality> {
    let z = crate::latent::uniform(n, latent, seed);
    let (mut classes, mut features) = (Vec::with_capacity(n), Vec::new());
    for chunk in z.chunks(250 * latent) {
        let rows = chunk.len() / latent;
        let z = Tensor::<2>::from_data(TensorData::new(chunk.to_vec(), [rows, latent]), device); // [rows, Nz]
        let seen = classifier.see(generate(z)).await?;
        classes.extend(seen.classes);
        features.extend(seen.features);
    }
    let samples = FeatureStats::fit(&features, features.len() / n.max(1));
    Ok(Quality { classes: class_stats(&classes), frechet: frechet_distance(&samples, real) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let device = Device::flex();
        let classifier = ClassifierConfig::new().init(&device);
        let images = Tensor::<4>::zeros([3, 1, 28, 28], &device);
        assert_eq!(classifier.features(images.clone()).dims(), [3, 64]);
        assert_eq!(classifier.forward(images).dims(), [3, CLASSES]);
    }
}
