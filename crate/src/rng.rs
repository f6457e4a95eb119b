//! Randomness derived from (seed, purpose, counter), never from hidden state: the draws of step t
//! are the same whether the run started at 0 or resumed at t, so a checkpoint needs only the seed.

use burn::prelude::*;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

/// A generator for one purpose ("z", "epoch", …) at one counter value.
pub fn rng_for(seed: u64, purpose: &str, counter: u64) -> Xoshiro256PlusPlus {
    // FNV-1a over the purpose keeps streams for different purposes apart.
    let tag = purpose.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
    let mixed = seed ^ tag.rotate_left(17) ^ counter.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    Xoshiro256PlusPlus::seed_from_u64(mixed)
}

/// z ~ U(-1, 1)^[rows, cols].
pub fn uniform(rng: &mut impl rand::Rng, rows: usize, cols: usize, device: &Device) -> Tensor<2> {
    let values: Vec<f32> = (0..rows * cols).map(|_| rng.random_range(-1.0f32..1.0)).collect();
    Tensor::from_data(TensorData::new(values, [rows, cols]), device)
}

/// N(0, std²) noise of the given shape.
pub fn gaussian(rng: &mut impl rand::Rng, shape: [usize; 4], std: f64, device: &Device) -> Tensor<4> {
    let values: Vec<f32> = (0..shape.iter().product()).map(|_| StandardNormal.sample(rng)).map(|x: f32| x * std as f32).collect();
    Tensor::from_data(TensorData::new(values, shape), device)
}
