//! A fast 2-D convolution for burn's Flex CPU backend: forward, input gradient, weight gradient
//! and bias gradient, each an im2col (or col2im) around one GEMM per image on the `gemm` crate
//! (SIMD on x86, ARM and wasm32), plugged in through burn's backend extensions.
//!
//! [`conv2d`] is burn's `conv2d` with the same arguments: on a Flex device (with or without
//! autodiff) and an f32 convolution with no dilation and one group it runs this crate's
//! kernels; anywhere else (WebGPU, another dtype, a grouped convolution) it calls burn's own.
//! Nothing here knows which model it serves.
//!
//! Why: burn-flex 0.22.1 implements the forward convolution with layout copies around its GEMM
//! and leaves the backward pass to burn's defaults (a transposed convolution for the input
//! gradient, whose column-to-image step is scalar code, and a convolution over swapped axes for
//! the weight gradient). For small channel counts those dominate a training step.

mod columns;
pub mod elu;
mod extension;
pub mod kernel;

pub use extension::{Activation, ConvBackend};

use burn::backend::{DispatchDevice, Dispatch};
use burn::tensor::module;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{DType, Device, Tensor};

/// burn's [`module::conv2d`], on this crate's kernels where they apply (see the crate's doc).
pub fn conv2d(x: Tensor<4>, weight: Tensor<4>, bias: Option<Tensor<1>>, options: ConvOptions<2>) -> Tensor<4> {
    convolve(x, weight, bias, options, Activation::Identity)
}

/// `elu(conv2d(…))` with α = 1, in one pass on this crate's kernels where they apply; elsewhere
/// burn's convolution, then an ELU written as relu(x) + exp(min(x, 0)) − 1 (burn's own `elu`
/// takes exp of every element, which overflows to inf for x > ~88 and makes its gradient NaN).
pub fn conv2d_elu(x: Tensor<4>, weight: Tensor<4>, bias: Option<Tensor<1>>, options: ConvOptions<2>) -> Tensor<4> {
    convolve(x, weight, bias, options, Activation::Elu)
}

fn convolve(
    x: Tensor<4>,
    weight: Tensor<4>,
    bias: Option<Tensor<1>>,
    options: ConvOptions<2>,
    activation: Activation,
) -> Tensor<4> {
    let bias_fits = bias.as_ref().is_none_or(|b| b.dtype() == DType::F32 && b.device() == x.device());
    if !(bias_fits && applies(&x, &weight, &options)) {
        let y = module::conv2d(x, weight, bias, options);
        return match activation {
            Activation::Identity => y,
            Activation::Elu => burn::tensor::activation::relu(y.clone()) + y.clamp_max(0.0).exp().sub_scalar(1.0),
        };
    }
    let bias = bias.unwrap_or_else(|| Tensor::zeros([weight.dims()[0]], &x.device()));
    let (x, weight, bias) = (x.into_dispatch(), weight.into_dispatch(), bias.into_dispatch());
    Tensor::from_dispatch(<Dispatch as ConvBackend>::fast_conv2d(x, weight, bias, options, activation))
}

/// Whether [`conv2d`] runs this crate's kernels for these arguments (and an f32 bias on the same
/// device, or none). Shapes the kernels do not take (an empty batch, zero channels, a kernel
/// larger than the padded input) go to burn, which answers them as it always has.
pub fn applies(x: &Tensor<4>, weight: &Tensor<4>, options: &ConvOptions<2>) -> bool {
    let geometry = kernel::Geometry::of(x.dims(), weight.dims(), options.stride, options.padding);
    on_flex(&x.device())
        && weight.device() == x.device()
        && x.dtype() == DType::F32
        && weight.dtype() == DType::F32
        && options.dilation == [1, 1]
        && options.groups == 1
        && geometry.is_some_and(|g| g.is_valid())
}

/// A Flex device, or (with the `autodiff` feature) an autodiff device over one.
fn on_flex(device: &Device) -> bool {
    if device.is_autodiff() && !cfg!(feature = "autodiff") {
        return false;
    }
    matches!(device.clone().inner().as_dispatch(), DispatchDevice::Flex(_))
}
