//! What the `<began-sampler>` widget draws, in one place for the widget ([`crate::web::sampler`])
//! and `began poster`, which renders the widget's first frame ahead of time as its poster.

use crate::error::{Error, Result};
use crate::grid::{Picture, grid};
use crate::latent;
use crate::model::Generator;
use crate::named::read;
use burn::prelude::*;

/// Images per side of a widget's grid: `grid="1"` to `grid="8"`. 64 images of 28×28 are a few
/// million multiply-adds, a frame in milliseconds on a CPU. (The widget's script clamps to the
/// same number; a test checks the two agree.)
pub const GRID_MAX: usize = 8;

/// The latent points of the `draw`-th set of samples of a widget with `seed`: `grid × grid`
/// row-major vectors of `latent` values. Draw 0 is the first frame.
pub fn points(grid: usize, latent: usize, seed: u64, draw: u64) -> Vec<f32> {
    latent::uniform_draw(grid * grid, latent, seed, draw)
}

/// G(z) for row-major latent vectors `z`, laid out `columns` to a row with a 1-pixel gap.
pub async fn frame(generator: &Generator, device: &Device, z: Vec<f32>, latent: usize, columns: usize) -> Result<Picture> {
    if latent == 0 || z.is_empty() || z.len() % latent != 0 {
        let reason = format!("{} latent values are not whole vectors of {latent}", z.len());
        return Err(Error::ConfigFormat(reason));
    }
    let n = z.len() / latent;
    let z = Tensor::<2>::from_data(TensorData::new(z, [n, latent]), device); // [n, Nz]
    let images = read(generator.forward(z)).await?; // [n, channels, size, size]
    Ok(grid(&images, columns))
}
