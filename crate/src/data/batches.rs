//! Batches in an order shuffled per epoch from the seed. Batch t depends only on (seed, t), so a
//! resumed run sees exactly the batches of a run that never stopped.

use super::Images;
use crate::error::{Error, Result};
use crate::rng::rng_for;
use burn::prelude::*;
use rand::seq::SliceRandom;
use std::sync::Arc;

pub struct Batches {
    /// Shared: every session of a page's worker draws from one parse of the dataset.
    images: Arc<Images>,
    batch_size: usize,
    seed: u64,
    /// The epoch whose order is in `order`.
    epoch: Option<u64>,
    order: Vec<usize>,
}

impl Batches {
    /// Fails unless `images` hold at least one whole batch.
    pub fn new(images: impl Into<Arc<Images>>, batch_size: usize, seed: u64) -> Result<Self> {
        let images = images.into();
        if batch_size == 0 || images.len() < batch_size {
            let reason = format!("{} images, fewer than one batch of {batch_size}", images.len());
            return Err(Error::BadData { file: "dataset".into(), reason });
        }
        Ok(Self { images, batch_size, seed, epoch: None, order: Vec::new() })
    }

    /// Whole batches per epoch; the remainder of each shuffled epoch is skipped.
    pub fn per_epoch(&self) -> u64 {
        (self.images.len() / self.batch_size) as u64
    }

    pub fn images(&self) -> &Arc<Images> {
        &self.images
    }

    /// Indices of the images in batch `step`.
    pub fn indices(&mut self, step: u64) -> &[usize] {
        let epoch = step / self.per_epoch();
        if self.epoch != Some(epoch) {
            self.order = (0..self.images.len()).collect();
            self.order.shuffle(&mut rng_for(self.seed, "epoch", epoch));
            self.epoch = Some(epoch);
        }
        let start = (step % self.per_epoch()) as usize * self.batch_size;
        &self.order[start..start + self.batch_size]
    }

    /// Batch `step` as `[batch, channels, rows, cols]` scaled to [-1, 1].
    pub fn batch(&mut self, step: u64, device: &Device) -> Tensor<4> {
        let indices = self.indices(step).to_vec();
        to_images(&self.images, &indices, device)
    }
}

/// Selected images as `[n, channels, rows, cols]` in [-1, 1].
pub fn to_images(images: &Images, indices: &[usize], device: &Device) -> Tensor<4> {
    to_tensor(images, indices, device).reshape([indices.len(), images.channels, images.rows, images.cols])
}

/// Selected images as a flat `[n · channels · rows · cols]` tensor in [-1, 1].
pub fn to_tensor(images: &Images, indices: &[usize], device: &Device) -> Tensor<1> {
    let size = images.image_len();
    let values: Vec<f32> = indices
        .iter()
        .flat_map(|&i| &images.pixels[i * size..(i + 1) * size])
        .map(|&p| p as f32 / 127.5 - 1.0)
        .collect();
    Tensor::from_data(TensorData::new(values, [indices.len() * size]), device)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images(n: usize) -> Images {
        Images::gray((0..n * 4).map(|i| (i % 256) as u8).collect(), vec![0; n], 2, 2)
    }

    #[test]
    fn each_epoch_is_a_permutation_and_epochs_differ() {
        let mut batches = Batches::new(images(10), 3, 7).unwrap();
        assert_eq!(batches.per_epoch(), 3);
        let epoch = |b: &mut Batches, e: u64| -> Vec<usize> { (0..3).flat_map(|s| b.indices(e * 3 + s).to_vec()).collect() };
        let first = epoch(&mut batches, 0);
        let mut sorted = first.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 9);
        assert_ne!(first, epoch(&mut batches, 1));
        // The same seed gives the same batches, in any order of asking.
        let mut again = Batches::new(images(10), 3, 7).unwrap();
        assert_eq!(again.indices(4).to_vec(), batches.indices(4).to_vec());
        assert_ne!(Batches::new(images(10), 3, 8).unwrap().indices(0).to_vec(), Batches::new(images(10), 3, 7).unwrap().indices(0).to_vec());
    }

    #[test]
    fn too_few_images_for_a_batch_is_an_error() {
        let message = Batches::new(images(2), 3, 0).err().expect("should fail").to_string();
        assert!(message.contains("2 images, fewer than one batch of 3"), "{message}");
    }

    #[test]
    fn pixels_are_scaled_to_minus_one_one() {
        let mut batches = Batches::new(Images::gray(vec![0, 255, 0, 255], vec![0], 2, 2), 1, 0).unwrap();
        let batch = batches.batch(0, &Device::flex());
        assert_eq!(batch.dims(), [1, 1, 2, 2]);
        let values = futures_lite::future::block_on(crate::named::read(batch)).unwrap().values;
        assert_eq!(values, vec![-1.0, 1.0, -1.0, 1.0]);
        // RGB: each image's three planes, in order.
        let rgb = Images { pixels: (0..2 * 3 * 4).map(|i| i as u8 * 10).collect(), labels: vec![0; 2], rows: 2, cols: 2, channels: 3, origin: Default::default() };
        let batch = Batches::new(rgb, 2, 0).unwrap().batch(0, &Device::flex());
        assert_eq!(batch.dims(), [2, 3, 2, 2]);
    }
}
