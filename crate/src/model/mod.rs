//! The networks. BEGAN's two (Berthelot et al. 2017, section 3.4): D is an autoencoder, encoder
//! then decoder; G has the decoder's architecture with its own weights. The family's other
//! members score with a critic ([`Critic`]): BEGAN's encoder with one output, or DCGAN's D with
//! DCGAN's G ([`dcgan`]), as the config's `arch` says.

mod critic;
pub mod dcgan;
mod decoder;
mod encoder;
mod init;

pub use critic::{Critic, EncoderCritic};
pub use dcgan::{DcganCritic, DcganGenerator};
pub use decoder::Decoder;
pub use encoder::Encoder;
pub use init::Init;

/// BEGAN's architecture, the default: 3×3 convolutions with ELU, no normalisation.
pub const BEGAN_ARCH: &str = "began";
/// DCGAN's ([`dcgan`]).
pub const DCGAN: &str = "dcgan";

/// The architectures (`ModelConfig::arch`) by the names configs, the CLI and the page use, each
/// with a one-line hint.
pub const ARCHITECTURES: [(&str, &str); 2] = [
    (BEGAN_ARCH, "BEGAN's: 3×3 convolutions and ELU, no normalisation, upsampling in G (Berthelot et al. 2017); a critic is its encoder with one score"),
    (DCGAN, "DCGAN's: strided convolutions, batch norm and LeakyReLU in D, batch norm, ReLU and upsampling in G (Radford et al. 2016), sized as the InfoGAN paper's at n = 64; any objective but BEGAN"),
];

/// Whether networks of `arch` can train `objective`: BEGAN's D is an autoencoder, DCGAN's D
/// scores, so DCGAN's serve every member but BEGAN (the config's check and the schema's list).
pub fn serves(arch: &str, objective: &str) -> bool {
    !(arch == DCGAN && objective == crate::config::BEGAN)
}

/// The architectures' names, BEGAN's first.
pub fn arch_names() -> Vec<&'static str> {
    ARCHITECTURES.iter().map(|(name, _)| *name).collect()
}

/// Ok for a known architecture; otherwise an error that lists them (the config's check and the
/// CLI's `--arch` parser).
pub fn check_arch(name: &str) -> crate::error::Result<()> {
    match arch_names().contains(&name) {
        true => Ok(()),
        false => Err(crate::error::Error::ConfigFormat(format!("arch must be one of {}, got {name:?}", arch_names().join(", ")))),
    }
}

/// What D is: BEGAN's autoencoder, or a critic, which normalises by batch statistics where its
/// architecture has batch norm and the objective allows it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum JudgeKind {
    Autoencoder,
    Critic { batch_norm: bool },
}

use crate::config::ModelConfig;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::Conv2d;
use burn::prelude::*;
use burn::tensor::module::interpolate;
use burn::tensor::ops::{ConvOptions, InterpolateMode, InterpolateOptions};

/// The discriminator: an autoencoder whose reconstruction error is the GAN's signal.
#[derive(Module, Debug)]
pub struct Discriminator {
    pub encoder: Encoder,
    pub decoder: Decoder,
}

impl Discriminator {
    /// Reconstructs images: `[batch, channels, size, size]` in and out.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<4> {
        let h = self.encoder.forward(images); // [batch, Nh]
        self.decoder.forward(h) // [batch, channels, size, size]
    }
}

/// D of a run: BEGAN's autoencoder, or the critic of the family's other members
/// ([`crate::objective`]), as the run's objective says.
#[derive(Clone, Debug)]
pub enum Judge {
    Autoencoder(Discriminator),
    Critic(Critic),
}

impl Judge {
    /// The prefix of its tensors in files: `discriminator` (BEGAN's, as ever) or `critic`.
    pub fn prefix(&self) -> &'static str {
        match self {
            Self::Autoencoder(_) => "discriminator",
            Self::Critic(_) => "critic",
        }
    }
}

/// G of a run: BEGAN's decoder or DCGAN's G, as the config's `arch` says. Files name its
/// tensors without the variant (`generator.decoder.…`, as before there were two).
#[derive(Module, Debug)]
pub enum Generator {
    Began(BeganGenerator),
    Dcgan(DcganGenerator),
}

impl Generator {
    /// z `[batch, Nz]` in [-1, 1] → images `[batch, channels, size, size]`.
    pub fn forward(&self, z: Tensor<2>) -> Tensor<4> {
        match self {
            Self::Began(g) => g.forward(z),
            Self::Dcgan(g) => g.forward(z),
        }
    }

    /// Whether it normalises by batch statistics in training (DCGAN's G).
    pub fn has_batch_norm(&self) -> bool {
        matches!(self, Self::Dcgan(_))
    }

    /// This G with batch norm's running statistics measured on its own activations over `z`
    /// ([`DcganGenerator::with_standing_statistics`]); BEGAN's G has none.
    pub fn with_standing_statistics(&self, z: Tensor<2>) -> Self {
        match self {
            Self::Began(g) => Self::Began(g.clone()),
            Self::Dcgan(g) => Self::Dcgan(g.with_standing_statistics(z)),
        }
    }

    /// Brings batch norm's running statistics up to date ([`settle`]).
    pub fn settle(&self) {
        if let Self::Dcgan(g) = self {
            settle(g);
        }
    }
}

/// burn keeps a batch norm's newest running statistics pending until the layer's next training
/// pass; reading the module (a checkpoint, an average, a sample) sees the ones before. Converting
/// the module for inference folds them in, on the module itself: a step settles its networks,
/// so that what it leaves is what a resumed run starts from.
pub fn settle<M: Module>(module: &M) {
    let _ = module.valid();
}

/// BEGAN's generator: maps z ∈ [-1, 1]^Nz to an image, squashed into [-1, 1] unless configured off.
#[derive(Module, Debug)]
pub struct BeganGenerator {
    pub decoder: Decoder,
    tanh: bool,
}

impl BeganGenerator {
    pub fn forward(&self, z: Tensor<2>) -> Tensor<4> {
        let images = self.decoder.forward(z); // [batch, channels, size, size]
        match self.tanh {
            true => burn::tensor::activation::tanh(images), // [batch, channels, size, size] in (-1, 1)
            false => images,
        }
    }
}

impl ModelConfig {
    /// D with weights drawn from `seed` alone (see [`Init`]).
    pub fn init_discriminator(&self, seed: u64, device: &Device) -> Discriminator {
        self.discriminator(&mut Init::new(seed, "discriminator", self.init_scale, device))
    }

    /// G with weights drawn from `seed` alone, independently of D's shape.
    pub fn init_generator(&self, seed: u64, device: &Device) -> Generator {
        self.generator(&mut Init::new(seed, "generator", self.init_scale, device))
    }

    /// D of a run of BEGAN (the autoencoder) or of another member (a critic), with weights drawn
    /// from `seed` alone.
    pub fn init_judge(&self, kind: JudgeKind, seed: u64, device: &Device) -> Judge {
        match kind {
            JudgeKind::Autoencoder => Judge::Autoencoder(self.init_discriminator(seed, device)),
            JudgeKind::Critic { batch_norm } => Judge::Critic(self.init_critic(seed, batch_norm, device)),
        }
    }

    /// [`ModelConfig::init_judge`]'s shape with no weights yet, to load a file's into.
    pub fn judge_to_load(&self, kind: JudgeKind, device: &Device) -> Judge {
        match kind {
            JudgeKind::Autoencoder => Judge::Autoencoder(self.discriminator_to_load(device)),
            JudgeKind::Critic { batch_norm } => Judge::Critic(self.critic_to_load(batch_norm, device)),
        }
    }

    /// D's shape with no weights yet, to load a file's into ([`Init::shapes`]).
    pub fn discriminator_to_load(&self, device: &Device) -> Discriminator {
        self.discriminator(&mut Init::shapes(device))
    }

    /// G's shape with no weights yet, to load a file's into ([`Init::shapes`]).
    pub fn generator_to_load(&self, device: &Device) -> Generator {
        self.generator(&mut Init::shapes(device))
    }

    fn discriminator(&self, init: &mut Init) -> Discriminator {
        Discriminator { encoder: Encoder::new(self, init), decoder: Decoder::new(self, self.hidden, init) }
    }

    fn generator(&self, init: &mut Init) -> Generator {
        match self.arch.as_str() {
            DCGAN => Generator::Dcgan(DcganGenerator::new(self, init)),
            _ => Generator::Began(BeganGenerator { decoder: Decoder::new(self, self.latent, init), tanh: self.generator_tanh }),
        }
    }
}

/// A convolution layer's forward, as `Conv2d::forward` computes it, on burn-flex-conv's kernels
/// on the CPU (several times faster there than burn-flex's, gradients included) and on burn's
/// own elsewhere (WebGPU).
pub(crate) fn conv(layer: &Conv2d, x: Tensor<4>) -> Tensor<4> {
    let (x, weight, bias, options) = conv_arguments(layer, x);
    burn_flex_conv::conv2d(x, weight, bias, options)
}

/// ELU (α = 1) of a convolution layer's output: fused into the convolution on the CPU; on
/// WebGPU relu(x) + exp(min(x, 0)) − 1 after burn's (burn's `elu` takes exp of every element:
/// once a pre-activation passed ~88, exp gave inf, its gradient 0 · inf = NaN, and a healthy
/// MNIST run turned NaN within ten steps, at step 1,540).
pub(crate) fn conv_elu(layer: &Conv2d, x: Tensor<4>) -> Tensor<4> {
    let (x, weight, bias, options) = conv_arguments(layer, x);
    burn_flex_conv::conv2d_elu(x, weight, bias, options)
}

/// Nearest-neighbour upsampling by an integer factor.
pub(crate) fn upsample(x: Tensor<4>, factor: usize) -> Tensor<4> {
    let [_, _, h, w] = x.dims();
    let options = InterpolateOptions::new(InterpolateMode::Nearest).with_output_size([h * factor, w * factor]);
    interpolate(x, options) // [batch, channels, h·factor, w·factor]
}

/// The layer's arguments to a convolution. The model's layers pad explicitly ([`Init::conv3x3`]).
fn conv_arguments(layer: &Conv2d, x: Tensor<4>) -> (Tensor<4>, Tensor<4>, Option<Tensor<1>>, ConvOptions<2>) {
    let padding = match layer.padding {
        PaddingConfig2d::Explicit(top, left, bottom, right) => [(top, bottom), (left, right)],
        PaddingConfig2d::Valid => [(0, 0), (0, 0)],
        PaddingConfig2d::Same => unreachable!("the model's convolutions pad explicitly"),
    };
    let options = ConvOptions::new_with_padding(layer.stride, padding, layer.dilation, layer.groups);
    (x, layer.weight.val(), layer.bias.as_ref().map(|bias| bias.val()), options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shapes(config: ModelConfig) {
        let device = Device::flex();
        let d = config.init_discriminator(0, &device);
        let g = config.init_generator(0, &device);
        let size = config.image_size;
        let images = Tensor::<4>::zeros([3, config.channels, size, size], &device);
        assert_eq!(d.encoder.forward(images.clone()).dims(), [3, config.hidden]);
        assert_eq!(d.forward(images).dims(), [3, config.channels, size, size]);
        let z = Tensor::<2>::zeros([5, config.latent], &device);
        assert_eq!(g.forward(z).dims(), [5, config.channels, size, size]);
    }

    #[test]
    fn tanh_bounds_the_generator_and_can_be_turned_off() {
        let device = Device::flex();
        let z = Tensor::<2>::ones([2, 32], &device).mul_scalar(1000.0);
        let read = |g: Generator| futures_lite::future::block_on(crate::named::read(g.forward(z.clone()))).unwrap().values;
        let bounded = read(ModelConfig::new().init_generator(0, &device));
        assert!(bounded.iter().all(|v| v.abs() <= 1.0));
        let unbounded = read(ModelConfig::new().with_generator_tanh(false).init_generator(0, &device));
        assert!(unbounded.iter().any(|v| v.abs() > 1.0), "a large z should leave [-1, 1] without tanh");
    }

    /// Counts the parameters of a module that hold values.
    struct Initialized(usize, usize);

    impl burn::module::ModuleVisitor for Initialized {
        fn visit_float<const D: usize>(&mut self, param: &burn::module::Param<Tensor<D>>) {
            self.0 += param.is_initialized() as usize;
            self.1 += 1;
        }
    }

    fn initialized<M: Module>(module: &M) -> (usize, usize) {
        let mut count = Initialized(0, 0);
        module.visit(&mut count);
        (count.0, count.1)
    }

    /// A file's config is read before its tensors: the networks to load into hold nothing, so a
    /// small file asking for the largest model is refused without building it (464 MB before).
    #[test]
    fn networks_to_load_into_allocate_no_weights_until_a_tensor_arrives() {
        let device = Device::flex();
        let largest = ModelConfig::new().with_filters(256).with_hidden(1024).with_latent(1024).with_repeat(4);
        let (d, g) = (largest.discriminator_to_load(&device), largest.generator_to_load(&device));
        assert_eq!(initialized(&d), (0, 60)); // 30 layers, a weight and a bias each
        assert_eq!(initialized(&g), (0, 28));
        let small = ModelConfig::new().with_filters(2).with_hidden(4).with_latent(4);
        let mut tensors = std::collections::BTreeMap::new();
        futures_lite::future::block_on(crate::named::read_module(&small.init_generator(3, &device), "generator", &mut tensors)).unwrap();
        let loaded = crate::named::load_module(small.generator_to_load(&device), "generator", &tensors, &device).unwrap();
        assert_eq!(initialized(&loaded), (16, 16));
    }

    #[test]
    fn default_shapes() {
        shapes(ModelConfig::new());
    }

    #[test]
    fn skip_connections_and_other_sizes() {
        shapes(ModelConfig::new().with_skip_connections(true));
        shapes(ModelConfig::new().with_image_size(32).with_base_size(8).with_channels(3).with_latent(8));
        shapes(ModelConfig::new().with_image_size(7).with_repeat(1));
    }
}
