//! The convolution as a burn backend extension: the kernels on `Flex`'s storage, and on
//! `Autodiff<Flex>` a backward pass of its own (burn's default would run the input gradient as a
//! transposed convolution and the weight gradient as a second convolution over swapped axes).

use crate::elu;
use crate::kernel::{self, Geometry};
use burn::backend::{Backend, Flex, backend_extension, tensor::FloatTensor};
use burn::tensor::TensorData;
use burn::tensor::ops::ConvOptions;
use burn_flex::FlexTensor;

/// What is applied to the convolution's output, fused into it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Identity,
    /// ELU with α = 1.
    Elu,
}

#[backend_extension(Flex, Autodiff: cfg(feature = "autodiff"))]
pub trait ConvBackend: Backend {
    /// `conv2d(x, weight) + bias`: x `[N, C_in, H, W]`, weight `[C_out, C_in, k_h, k_w]`, bias
    /// `[C_out]`, all f32; dilation 1, one group (`options`' dilation and groups are not read).
    fn fast_conv2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        options: ConvOptions<2>,
        activation: Activation,
    ) -> FloatTensor<Self>;
}

impl ConvBackend for Flex {
    fn fast_conv2d(
        x: FlexTensor,
        weight: FlexTensor,
        bias: FlexTensor,
        options: ConvOptions<2>,
        activation: Activation,
    ) -> FlexTensor {
        let (x, weight, bias) = (x.to_contiguous(), weight.to_contiguous(), bias.to_contiguous());
        let g = geometry(&x, &weight, &options);
        let mut y = vec![0.0; g.output_len()];
        kernel::forward(&g, f32s(&x), f32s(&weight), f32s(&bias), &mut y);
        if activation == Activation::Elu {
            elu::forward(&mut y);
        }
        let [h, w] = g.out_size();
        tensor(y, [g.batch, g.channels_out, h, w])
    }
}

/// The shapes of `x` and `weight` under `options`.
fn geometry(x: &FlexTensor, weight: &FlexTensor, options: &ConvOptions<2>) -> Geometry {
    let dims = |t: &FlexTensor| -> [usize; 4] {
        t.layout().shape().as_slice().try_into().expect("a convolution takes 4-D tensors")
    };
    Geometry::of(dims(x), dims(weight), options.stride, options.padding).expect("the weight's input channels are the input's")
}

/// The f32 values of a contiguous tensor.
fn f32s(t: &FlexTensor) -> &[f32] {
    t.as_slice::<f32>().expect("a contiguous f32 tensor")
}

fn tensor<const D: usize>(values: Vec<f32>, shape: [usize; D]) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape))
}

#[cfg(feature = "autodiff")]
mod autodiff {
    use super::*;
    use burn::backend::autodiff::{
        Autodiff,
        checkpoint::{base::Checkpointer, strategy::CheckpointStrategy},
        grads::Gradients,
        ops::{Backward, Ops, OpsKind},
    };

    #[derive(Debug)]
    struct Conv2dBackward;

    impl Backward<Flex, 3> for Conv2dBackward {
        /// The input and the weight, contiguous, the shapes, and the output after an ELU.
        type State = (FlexTensor, FlexTensor, Geometry, Option<FlexTensor>);

        fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
            let [node_x, node_weight, node_bias] = ops.parents;
            let dy = grads.consume::<Flex>(&ops.node).to_contiguous();
            let (x, weight, g, elu_output) = ops.state;
            // Through the ELU first: dy at the convolution's output.
            let dy = match elu_output {
                Some(y) => {
                    let [h, w] = g.out_size();
                    tensor(elu::backward(f32s(&y), f32s(&dy)), [g.batch, g.channels_out, h, w])
                }
                None => dy,
            };
            if let Some(node) = node_x {
                let mut dx = vec![0.0; g.input_len()];
                kernel::input_grad(&g, f32s(&dy), f32s(&weight), &mut dx);
                grads.register::<Flex>(node.id, tensor(dx, [g.batch, g.channels_in, g.size[0], g.size[1]]));
            }
            if let Some(node) = node_weight {
                let mut dw = vec![0.0; g.weight_len()];
                kernel::weight_grad(&g, f32s(&x), f32s(&dy), &mut dw);
                let [kh, kw] = g.kernel;
                grads.register::<Flex>(node.id, tensor(dw, [g.channels_out, g.channels_in, kh, kw]));
            }
            if let Some(node) = node_bias {
                let mut db = vec![0.0; g.channels_out];
                kernel::bias_grad(&g, f32s(&dy), &mut db);
                grads.register::<Flex>(node.id, tensor(db, [g.channels_out]));
            }
        }
    }

    impl<C: CheckpointStrategy> ConvBackend for Autodiff<Flex, C> {
        fn fast_conv2d(
            x: FloatTensor<Self>,
            weight: FloatTensor<Self>,
            bias: FloatTensor<Self>,
            options: ConvOptions<2>,
            activation: Activation,
        ) -> FloatTensor<Self> {
            match Conv2dBackward.prepare::<C>([x.node(), weight.node(), bias.node()]).compute_bound().stateful() {
                OpsKind::Tracked(prep) => {
                    let x = x.into_primitive().to_contiguous();
                    let weight = weight.into_primitive().to_contiguous();
                    let g = geometry(&x, &weight, &options);
                    let y = Flex::fast_conv2d(x.clone(), weight.clone(), bias.into_primitive(), options, activation);
                    let elu_output = (activation == Activation::Elu).then(|| y.clone());
                    prep.finish((x, weight, g, elu_output), y)
                }
                OpsKind::UnTracked(prep) => prep.finish(Flex::fast_conv2d(
                    x.into_primitive(),
                    weight.into_primitive(),
                    bias.into_primitive(),
                    options,
                    activation,
                )),
            }
        }
    }
}
