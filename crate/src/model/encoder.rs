//! D's encoder: per scale `repeat` × (conv 3×3 + ELU) with n, 2n, 3n, … filters, a stride-2 conv
//! between scales, then a linear map to the embedding h with no non-linearity.

use super::{Init, conv_elu};
use crate::config::ModelConfig;
use burn::nn::conv::Conv2d;
use burn::nn::Linear;
use burn::prelude::*;

#[derive(Module, Debug)]
pub struct Encoder {
    /// Lifts the image channels to n.
    input: Conv2d,
    /// `scales[i]` holds the `repeat` convs of scale i, at (i + 1)·n filters.
    scales: Vec<Vec<Conv2d>>,
    /// Stride-2 convs from scale i to i + 1, widening (i + 1)·n → (i + 2)·n.
    downsample: Vec<Conv2d>,
    to_embedding: Linear,
}

impl Encoder {
    pub fn new(config: &ModelConfig, init: &mut Init) -> Self {
        let n = config.filters;
        let num_scales = config.num_scales();
        let scales = (0..num_scales)
            .map(|i| (0..config.repeat).map(|_| init.conv3x3((i + 1) * n, (i + 1) * n, 1)).collect())
            .collect();
        let downsample = (0..num_scales - 1).map(|i| init.conv3x3((i + 1) * n, (i + 2) * n, 2)).collect();
        let flat = num_scales * n * config.base_size * config.base_size;
        Self {
            input: init.conv3x3(config.channels, n, 1),
            scales,
            downsample,
            to_embedding: init.linear(flat, config.hidden),
        }
    }

    /// `[batch, channels, size, size]` → h: `[batch, Nh]`.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let mut x = conv_elu(&self.input, images); // [batch, n, size, size]
        for (i, convs) in self.scales.iter().enumerate() {
            for layer in convs {
                x = conv_elu(layer, x); // [batch, (i+1)n, size/2^i, size/2^i]
            }
            if let Some(down) = self.downsample.get(i) {
                x = conv_elu(down, x); // [batch, (i+2)n, size/2^(i+1), …]
            }
        }
        let x = x.flatten::<2>(1, 3); // [batch, scales·n·s0·s0]
        self.to_embedding.forward(x) // [batch, Nh]
    }
}
