//! The DCGAN pair (Radford et al. 2016), laid out as the InfoGAN paper's MNIST networks (Chen et
//! al. 2016, appendix C.1), which the PyTorch and TensorFlow GAN collections share, and sized by
//! the config's filters n (the paper's n = 64; 1,024 fully connected units = 16n):
//!
//! - D: a 4×4 stride-2 convolution per halving (n, 2n, 4n, … filters) with LeakyReLU(0.2), batch
//!   norm on all but the first; a fully connected layer of 16n with batch norm and LeakyReLU;
//!   one score.
//! - G: z → 16n → the smallest map, each fully connected with batch norm and ReLU; per doubling
//!   nearest-neighbour upsampling and a 3×3 convolution, with batch norm and ReLU but on the
//!   last, which draws the image (tanh, as `generator_tanh` says).
//!
//! DCGAN's G uses fractionally strided (transposed) convolutions; upsampling then a convolution
//! draws the same maps without their checkerboard artefacts (Odena et al. 2016, "Deconvolution
//! and Checkerboard Artifacts") and runs on the project's fast CPU convolutions. Weights are
//! drawn from N(0, 0.02²), as in DCGAN. WGAN-GP's critic has no batch norm (Gulrajani et al.
//! 2017, section 4: the penalty is per image, which batch statistics break).

use super::{Init, conv, upsample};
use crate::config::ModelConfig;
use burn::nn::conv::Conv2d;
use burn::module::RunningState;
use burn::nn::{BatchNorm, Linear};
use burn::prelude::*;
use burn::tensor::activation::{leaky_relu, relu, tanh};
use burn::tensor::module::batch_norm_train;

/// LeakyReLU's slope below 0 in D (DCGAN's).
const SLOPE: f64 = 0.2;

/// Fully connected units per filter: 1,024 at the paper's n = 64.
const DENSE_PER_FILTER: usize = 16;

/// The filters of each halving of D (and doubling of G): n, 2n, 4n, …; one per halving.
fn widths(config: &ModelConfig) -> Vec<usize> {
    (0..config.num_scales() - 1).map(|i| config.filters << i).collect()
}

/// The smallest map's size, `[channels, s0, s0]`, flattened.
fn smallest(config: &ModelConfig) -> usize {
    widths(config).last().copied().unwrap_or(config.channels) * config.base_size * config.base_size
}

#[derive(Module, Debug)]
pub struct DcganCritic {
    /// One stride-2 convolution per halving.
    down: Vec<Conv2d>,
    /// Batch norm after each but the first (None everywhere without batch norm).
    down_norm: Vec<Option<BatchNorm>>,
    dense: Linear,
    dense_norm: Option<BatchNorm>,
    score: Linear,
}

impl DcganCritic {
    /// `batch_norm`: false for WGAN-GP (see the module's comment).
    pub fn new(config: &ModelConfig, batch_norm: bool, init: &mut Init) -> Self {
        let widths = widths(config);
        let inputs = std::iter::once(config.channels).chain(widths.iter().copied());
        // Biases only where no batch norm follows.
        let down = inputs.zip(&widths).enumerate().map(|(i, (from, &to))| init.dcgan_conv(from, to, 4, 2, 1, i == 0 || !batch_norm)).collect();
        let down_norm = widths.iter().enumerate().map(|(i, &w)| (i > 0 && batch_norm).then(|| init.batch_norm(w))).collect();
        let dense_width = DENSE_PER_FILTER * config.filters;
        Self {
            down,
            down_norm,
            dense: init.dcgan_linear(smallest(config), dense_width, !batch_norm),
            dense_norm: batch_norm.then(|| init.batch_norm(dense_width)),
            score: init.dcgan_linear(dense_width, 1, true),
        }
    }

    /// Whether its layers normalise by batch statistics (a batch's images then affect each
    /// other's scores, so real and generated batches go through it apart).
    pub fn has_batch_norm(&self) -> bool {
        self.dense_norm.is_some()
    }

    /// `[batch, channels, size, size]` → scores `[batch, 1]`.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let mut x = images;
        for (layer, norm) in self.down.iter().zip(&self.down_norm) {
            x = conv(layer, x); // [batch, n·2^i, size/2^(i+1), size/2^(i+1)]
            if let Some(norm) = norm {
                x = norm.forward(x);
            }
            x = leaky_relu(x, SLOPE);
        }
        let mut h = self.dense.forward(x.flatten::<2>(1, 3)); // [batch, 16n]
        if let Some(norm) = &self.dense_norm {
            h = norm.forward(h);
        }
        self.score.forward(leaky_relu(h, SLOPE)) // [batch, 1]
    }
}

#[derive(Module, Debug)]
pub struct DcganGenerator {
    dense: Linear,
    dense_norm: BatchNorm,
    to_map: Linear,
    map_norm: BatchNorm,
    /// One 3×3 convolution per doubling, after upsampling, from the widest; the last draws the image.
    up: Vec<Conv2d>,
    /// Batch norm after each but the last.
    up_norm: Vec<BatchNorm>,
    /// `[channels, s0, s0]` of the smallest map.
    map: [usize; 3],
    tanh: bool,
}

impl DcganGenerator {
    pub fn new(config: &ModelConfig, init: &mut Init) -> Self {
        let widths = widths(config);
        let dense_width = DENSE_PER_FILTER * config.filters;
        let outputs = widths.iter().rev().skip(1).copied().chain(std::iter::once(config.channels)); // 2n, n, channels
        let up: Vec<Conv2d> = widths.iter().rev().zip(outputs).enumerate().map(|(i, (&from, to))| init.dcgan_conv(from, to, 3, 1, 1, i + 1 == widths.len())).collect();
        let up_norm = widths.iter().rev().skip(1).map(|&w| init.batch_norm(w)).collect();
        let widest = widths.last().copied().unwrap_or(config.channels);
        Self {
            dense: init.dcgan_linear(config.latent, dense_width, false),
            dense_norm: init.batch_norm(dense_width),
            to_map: init.dcgan_linear(dense_width, smallest(config), false),
            map_norm: init.batch_norm(smallest(config)),
            up,
            up_norm,
            map: [widest, config.base_size, config.base_size],
            tanh: config.generator_tanh,
        }
    }

    /// z `[batch, Nz]` → images `[batch, channels, size, size]`.
    pub fn forward(&self, z: Tensor<2>) -> Tensor<4> {
        self.draw(z, &mut None)
    }

    /// This G with each batch norm's running statistics replaced by those of its input when G
    /// draws `z`: the "standing statistics" BigGAN samples with (Brock et al. 2019, appendix C).
    /// A moving average of G's weights needs them: the running statistics it copies from G
    /// describe G's activations, not its own, and it draws worse with them.
    pub fn with_standing_statistics(&self, z: Tensor<2>) -> Self {
        let mut measured = Some(Vec::new());
        let _ = self.draw(z, &mut measured);
        let mut measured = measured.unwrap_or_default().into_iter();
        let mut g = self.clone();
        // New states, not writes into the clone's: a clone shares its running states' storage.
        for norm in [&mut g.dense_norm, &mut g.map_norm].into_iter().chain(g.up_norm.iter_mut()) {
            let (mean, variance) = measured.next().expect("one measurement per batch norm, in the order G applies them");
            (norm.running_mean, norm.running_var) = (RunningState::new(mean), RunningState::new(variance));
        }
        debug_assert!(measured.next().is_none(), "a measurement left over: the orders differ");
        g
    }

    /// G's forward pass; with `measure`, each batch norm normalises by its input's statistics
    /// and records them (mean, biased variance), in the order applied, and the pass stops after
    /// the last batch norm (the image layer after it, on the largest map, would only cost).
    fn draw(&self, z: Tensor<2>, measure: &mut Option<Vec<(Tensor<1>, Tensor<1>)>>) -> Tensor<4> {
        let [batch, _] = z.dims();
        let h = relu(normalise(&self.dense_norm, self.dense.forward(z), measure)); // [batch, 16n]
        let h = relu(normalise(&self.map_norm, self.to_map.forward(h), measure)); // [batch, c·s0·s0]
        let [c, s0, _] = self.map;
        let mut x = h.reshape([batch, c, s0, s0]); // [batch, c, s0, s0]
        for (i, layer) in self.up.iter().enumerate() {
            if measure.is_some() && i == self.up_norm.len() {
                return x;
            }
            x = conv(layer, upsample(x, 2)); // [batch, c/2^(i+1) or channels, s0·2^(i+1), …]
            if let Some(norm) = self.up_norm.get(i) {
                x = relu(normalise(norm, x, measure));
            }
        }
        if self.tanh { tanh(x) } else { x } // [batch, channels, size, size]
    }
}

/// `norm` on `x`, or, measuring, by `x`'s own statistics, which it records.
fn normalise<const D: usize>(norm: &BatchNorm, x: Tensor<D>, measure: &mut Option<Vec<(Tensor<1>, Tensor<1>)>>) -> Tensor<D> {
    let Some(measured) = measure else { return norm.forward(x) };
    let normalised = batch_norm_train(x, norm.gamma.val(), norm.beta.val(), norm.epsilon);
    measured.push((normalised.mean, normalised.variance));
    normalised.output
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::named::{read, shapes};
    use futures_lite::future::block_on;

    fn config() -> ModelConfig {
        ModelConfig::new().with_filters(64).with_latent(62)
    }

    /// At n = 64 on 28×28 the layers are the InfoGAN paper's (C.1), but G's upsampling
    /// convolutions are 3×3 where its transposed ones are 4×4.
    #[test]
    fn at_n_64_the_layers_are_the_infogan_papers() {
        let device = Device::flex();
        let d = shapes(&DcganCritic::new(&config(), true, &mut Init::shapes(&device)));
        assert_eq!(d["down.0.weight"], [64, 1, 4, 4]);
        assert_eq!(d["down.1.weight"], [128, 64, 4, 4]);
        assert!(!d.contains_key("down.1.bias"), "batch norm's β is the bias");
        assert_eq!(d["down_norm.1.gamma"], [128]);
        assert_eq!(d["dense.weight"], [128 * 7 * 7, 1024]);
        assert_eq!(d["score.weight"], [1024, 1]);
        let g = shapes(&DcganGenerator::new(&config(), &mut Init::shapes(&device)));
        assert_eq!(g["dense.weight"], [62, 1024]);
        assert_eq!(g["to_map.weight"], [1024, 128 * 7 * 7]);
        assert_eq!(g["up.0.weight"], [64, 128, 3, 3]);
        assert_eq!(g["up.1.weight"], [1, 64, 3, 3]);
        assert_eq!(g["up_norm.0.running_var"], [64]);
        assert!(!g.contains_key("up_norm.1.gamma") && g.contains_key("up.1.bias"));
        let plain = shapes(&DcganCritic::new(&config(), false, &mut Init::shapes(&device)));
        assert!(!plain.keys().any(|k| k.contains("norm")) && plain.contains_key("down.1.bias"));
    }

    #[test]
    fn shapes_through_both_at_other_sizes() {
        let device = Device::flex();
        for config in [ModelConfig::new().with_filters(4), ModelConfig::new().with_filters(4).with_image_size(64).with_base_size(8).with_channels(3)] {
            let mut init = Init::new(1, "generator", 1.0, &device);
            let g = DcganGenerator::new(&config, &mut init);
            let images = g.forward(Tensor::<2>::ones([5, config.latent], &device));
            assert_eq!(images.dims(), [5, config.channels, config.image_size, config.image_size]);
            let d = DcganCritic::new(&config, true, &mut Init::new(1, "critic", 1.0, &device));
            assert_eq!(d.forward(images).dims(), [5, 1]);
        }
    }

    /// Drawn with standing statistics measured over z, G draws z in inference as it does in
    /// training (by z's own batch statistics), and the statistics it started with are untouched.
    #[test]
    fn standing_statistics_are_the_batch_statistics_of_what_g_draws() {
        let config = ModelConfig::new().with_filters(4).with_latent(8);
        let device = Device::flex();
        let g = DcganGenerator::new(&config, &mut Init::new(5, "generator", 1.0, &device));
        let z = Tensor::<2>::random([16, 8], burn::tensor::Distribution::Uniform(-1.0, 1.0), &device);
        let read = |t: Tensor<4>| block_on(read(t)).unwrap().values;
        let before = read(g.forward(z.clone()));
        let standing = g.with_standing_statistics(z.clone());
        let by_standing = read(standing.forward(z.clone()));
        assert!(before.iter().zip(&by_standing).any(|(a, b)| (a - b).abs() > 1e-3), "fresh running statistics (0, 1) draw otherwise");
        assert_eq!(read(g.forward(z.clone())), before, "the original keeps its running statistics");
        let by_batch = read(g.forward(z.autodiff()).inner());
        let most = by_batch.iter().zip(&by_standing).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(most < 1e-5, "inference with standing statistics vs training: {most}");
    }

    /// Without autodiff (inference) batch norm uses its running statistics, so an image's score
    /// does not depend on the others in its batch; with autodiff (training) it does.
    #[test]
    fn batch_norm_normalises_by_the_batch_in_training_only() {
        let config = ModelConfig::new().with_filters(4);
        let first_score = |device: Device| {
            let d = DcganCritic::new(&config, true, &mut Init::new(3, "critic", 1.0, &device));
            let values: Vec<f32> = (0..4 * 784).map(|i| (i * 37 % 101) as f32 / 50.0 - 1.0).collect();
            let x = Tensor::<4>::from_data(TensorData::new(values, [4, 1, 28, 28]), &device);
            let score = |x: Tensor<4>| block_on(read(d.forward(x))).unwrap().values[0];
            (score(x.clone()), score(x.slice([0..2])))
        };
        let (whole, half) = first_score(Device::flex());
        assert_eq!(whole, half, "inference: no batch statistics");
        let (whole, half) = first_score(Device::flex().autodiff());
        assert_ne!(whole, half, "training: the batch's statistics");
    }
}
