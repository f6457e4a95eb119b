//! The networks' initial weights, drawn from the run's seed and nothing else.
//!
//! burn draws initial weights lazily, on a parameter's first use, from one RNG global to the
//! process. Anything else that touched that RNG in between (loading the classifier that judges
//! samples did) changed a run's weights, so the same seed trained differently under `began
//! train --classifier`, the benchmark loop and the page. Here every layer is drawn when it is
//! built, from a stream of its own network, in the order the code builds them.

use crate::rng::rng_for;
use burn::module::{Param, ParamId};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Initializer, Linear, LinearConfig, PaddingConfig2d};
use burn::prelude::*;
use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;
use rand_distr::{Distribution, StandardNormal};

/// The standard deviation of DCGAN's initial weights (Radford et al. 2016, section 4).
const DCGAN_STD: f32 = 0.02;

/// Draws the layers of one network: weights ~ U(±s/√fan_in) and biases ~ U(±1/√fan_in); with
/// s = 1 the distribution of burn's (and PyTorch's) default.
pub struct Init {
    /// None: shapes only, for loading ([`Init::shapes`]).
    rng: Option<Xoshiro256PlusPlus>,
    device: Device,
    /// Multiplies the weights' bound (`ModelConfig::init_scale`), not the biases'.
    scale: f32,
}

impl Init {
    /// The stream of `network` ("generator", "discriminator") for `seed`.
    pub fn new(seed: u64, network: &str, scale: f64, device: &Device) -> Self {
        Self { rng: Some(rng_for(seed, &format!("init-{network}"), 0)), device: device.clone(), scale: scale as f32 }
    }

    /// Layers of the right shapes that hold nothing yet, for loading weights into: a parameter
    /// is allocated only when a file's tensor of its shape replaces it, so a file whose config
    /// asks for a large model but holds no such tensors is refused without allocating it.
    pub fn shapes(device: &Device) -> Self {
        Self { rng: None, device: device.clone(), scale: 1.0 }
    }

    /// A 3×3 convolution that keeps the spatial size (stride 1) or halves it (stride 2).
    pub fn conv3x3(&mut self, channels_in: usize, channels_out: usize, stride: usize) -> Conv2d {
        let mut conv = Conv2dConfig::new([channels_in, channels_out], [3, 3])
            .with_stride([stride, stride])
            .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
            .with_initializer(Initializer::Zeros) // replaced below; zeros draw nothing
            .init(&self.device);
        let fan_in = channels_in * 9;
        conv.weight = self.uniform([channels_out, channels_in, 3, 3], fan_in, self.scale);
        conv.bias = Some(self.uniform([channels_out], fan_in, 1.0));
        conv
    }

    /// A linear map, its weight stored `[in, out]` as burn holds it.
    pub fn linear(&mut self, input: usize, output: usize) -> Linear {
        let mut linear = LinearConfig::new(input, output).with_initializer(Initializer::Zeros).init(&self.device);
        linear.weight = self.uniform([input, output], input, self.scale);
        linear.bias = Some(self.uniform([output], input, 1.0));
        linear
    }

    /// A `kernel`×`kernel` convolution as DCGAN draws it: weights ~ N(0, 0.02²); a bias (zeros)
    /// only where no batch norm follows, whose β is the bias. Padding `pad` on every side.
    pub fn dcgan_conv(&mut self, channels_in: usize, channels_out: usize, kernel: usize, stride: usize, pad: usize, bias: bool) -> Conv2d {
        let mut conv = Conv2dConfig::new([channels_in, channels_out], [kernel, kernel])
            .with_stride([stride, stride])
            .with_padding(PaddingConfig2d::Explicit(pad, pad, pad, pad))
            .with_bias(bias)
            .with_initializer(Initializer::Zeros)
            .init(&self.device);
        conv.weight = self.normal([channels_out, channels_in, kernel, kernel]);
        conv
    }

    /// A fully connected layer as DCGAN draws it (see [`Init::dcgan_conv`]).
    pub fn dcgan_linear(&mut self, input: usize, output: usize, bias: bool) -> Linear {
        let mut linear = LinearConfig::new(input, output).with_bias(bias).with_initializer(Initializer::Zeros).init(&self.device);
        linear.weight = self.normal([input, output]);
        linear
    }

    /// Batch norm over `features` channels: γ = 1, β = 0, running statistics at 0 and 1, and
    /// burn's (PyTorch's) momentum 0.1 and ε = 1e-5.
    pub fn batch_norm(&mut self, features: usize) -> BatchNorm {
        BatchNormConfig::new(features).init(&self.device)
    }

    fn uniform<const D: usize>(&mut self, shape: [usize; D], fan_in: usize, scale: f32) -> Param<Tensor<D>> {
        let bound = scale / (fan_in as f32).sqrt();
        self.drawn(shape, |rng| rng.random_range(-bound..bound))
    }

    fn normal<const D: usize>(&mut self, shape: [usize; D]) -> Param<Tensor<D>> {
        self.drawn(shape, |rng| DCGAN_STD * <StandardNormal as Distribution<f32>>::sample(&StandardNormal, rng))
    }

    /// A parameter of `shape`, its values drawn in order; for [`Init::shapes`] none, until loaded.
    fn drawn<const D: usize>(&mut self, shape: [usize; D], mut draw: impl FnMut(&mut Xoshiro256PlusPlus) -> f32) -> Param<Tensor<D>> {
        let Some(rng) = &mut self.rng else {
            // Zeros if anything ever reads it before a load replaces it.
            let zeros = move |device: &Device, grad: bool| Tensor::<D>::zeros(shape, device).set_require_grad(grad);
            return Param::uninitialized(ParamId::new(), zeros, self.device.clone(), true, Shape::new(shape));
        };
        let values: Vec<f32> = (0..shape.iter().product()).map(|_| draw(rng)).collect();
        Param::from_tensor(Tensor::from_data(TensorData::new(values, shape), &self.device))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<const D: usize>(param: &Param<Tensor<D>>) -> Vec<f32> {
        futures_lite::future::block_on(crate::named::read(param.val())).unwrap().values
    }

    #[test]
    fn weights_come_from_the_seed_within_their_bound_and_the_scale_widens_only_them() {
        let device = Device::flex();
        let conv = |seed, scale| Init::new(seed, "generator", scale, &device).conv3x3(4, 2, 1);
        let (a, b, other) = (conv(1, 1.0), conv(1, 1.0), conv(2, 1.0));
        assert_eq!(values(&a.weight), values(&b.weight));
        assert_ne!(values(&a.weight), values(&other.weight));
        let bound = 1.0 / 36f32.sqrt(); // fan_in = 4 · 3 · 3
        assert!(values(&a.weight).iter().all(|w| w.abs() <= bound) && values(&a.weight).iter().any(|w| w.abs() > 0.5 * bound));
        let wide = conv(1, 3.0);
        let scaled: Vec<f32> = values(&a.weight).iter().map(|w| w * 3.0).collect();
        assert!(values(&wide.weight).iter().zip(&scaled).all(|(w, s)| (w - s).abs() < 1e-6));
        assert_eq!(values(wide.bias.as_ref().unwrap()), values(a.bias.as_ref().unwrap()));
    }
}
