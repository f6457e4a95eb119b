//! The decoder, shared by D (from h) and G (from z): a linear map to n × s0 × s0, then per scale
//! `repeat` × (conv 3×3 + ELU) and nearest-neighbour ×2 upsampling, and a last conv to the image.

use super::{Init, conv, conv_elu, upsample};
use crate::config::ModelConfig;
use burn::nn::conv::Conv2d;
use burn::nn::Linear;
use burn::prelude::*;

#[derive(Module, Debug)]
pub struct Decoder {
    from_embedding: Linear,
    /// `scales[i]` holds the `repeat` convs of scale i, all with n filters.
    scales: Vec<Vec<Conv2d>>,
    to_image: Conv2d,
    filters: usize,
    base_size: usize,
    skip_connections: bool,
}

impl Decoder {
    pub fn new(config: &ModelConfig, input_size: usize, init: &mut Init) -> Self {
        let n = config.filters;
        let s0 = config.base_size;
        let scales = (0..config.num_scales())
            .map(|i| {
                (0..config.repeat)
                    .map(|r| {
                        // With skips, the first conv of each later scale also sees the upsampled h0.
                        let wide = config.skip_connections && i > 0 && r == 0;
                        init.conv3x3(if wide { 2 * n } else { n }, n, 1)
                    })
                    .collect()
            })
            .collect();
        Self {
            from_embedding: init.linear(input_size, n * s0 * s0),
            scales,
            to_image: init.conv3x3(n, config.channels, 1),
            filters: n,
            base_size: s0,
            skip_connections: config.skip_connections,
        }
    }

    /// h or z: `[batch, input]` → `[batch, channels, size, size]`.
    pub fn forward(&self, input: Tensor<2>) -> Tensor<4> {
        let [batch, _] = input.dims();
        let (n, s0) = (self.filters, self.base_size);
        let h0 = self.from_embedding.forward(input).reshape([batch, n, s0, s0]); // [batch, n, s0, s0]
        let mut x = h0.clone();
        for (i, convs) in self.scales.iter().enumerate() {
            if i > 0 {
                x = upsample(x, 2); // [batch, n, s0·2^i, s0·2^i]
                if self.skip_connections {
                    x = Tensor::cat(vec![x, upsample(h0.clone(), 1 << i)], 1); // [batch, 2n, …]
                }
            }
            for layer in convs {
                x = conv_elu(layer, x); // [batch, n, s0·2^i, s0·2^i]
            }
        }
        conv(&self.to_image, x) // [batch, channels, size, size]
    }
}
