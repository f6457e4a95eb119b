//! A LeNet-sized classifier per dataset: the yardstick for generated samples. Its class
//! histogram shows mode collapse; its penultimate features give a Fréchet distance.

#[cfg(feature = "trainer")]
mod file;
mod judge;
#[cfg(feature = "trainer")]
mod train;

#[cfg(feature = "trainer")]
pub use file::{CLASSIFIER_FORMAT, LoadedClassifier, from_bytes, to_bytes};
pub use judge::Judge;
#[cfg(feature = "trainer")]
pub use train::{TrainedClassifier, evaluate, train};

use crate::model::conv;
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
    /// The most a size may be: LeNet's are 16, 32 and 64. A file asking for more (or for 0,
    /// which leaves a layer without inputs) is refused before anything is built from it.
    pub const MAX_SIZE: usize = 1024;

    pub fn validate(&self) -> crate::Result<()> {
        for (field, value) in [("classifier conv1", self.conv1), ("classifier conv2", self.conv2), ("classifier features", self.features)] {
            if !(1..=Self::MAX_SIZE).contains(&value) {
                let allowed = format!("a whole number in 1..={}", Self::MAX_SIZE);
                return Err(crate::Error::InvalidConfig { field, allowed, value: value.to_string() });
            }
        }
        Ok(())
    }

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
        let x = self.pool.forward(relu(conv(&self.conv1, images))); // [batch, conv1, 14, 14]
        let x = self.pool.forward(relu(conv(&self.conv2, x))); // [batch, conv2, 5, 5]
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

    /// A classifier file's sizes are read before its tensors: 0 left a layer without inputs,
    /// and `conv2 · 25` could overflow before anything checked it.
    #[test]
    fn sizes_from_a_file_are_bounded_before_a_layer_is_built() {
        ClassifierConfig::new().validate().unwrap();
        for (config, field) in [
            (ClassifierConfig::new().with_conv1(0), "classifier conv1"),
            (ClassifierConfig::new().with_conv2(usize::MAX / 4), "classifier conv2"),
            (ClassifierConfig::new().with_features(ClassifierConfig::MAX_SIZE + 1), "classifier features"),
        ] {
            let message = config.validate().unwrap_err().to_string();
            assert!(message.starts_with(&format!("{field} must be a whole number in 1..=1024")), "{message}");
        }
    }
}
