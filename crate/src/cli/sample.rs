//! `began sample`, `began poster` and `began export`.

use super::args::{ExportArgs, PosterArgs, SampleArgs};
use super::{Outcome, block_on, png};
use began::checkpoint::{self, drawing_generator};
use began::files::{read, write_atomic};
use began::grid::grid;
use began::named::read as read_tensor;
use began::rng::{rng_for, uniform};
use began::sampler;
use began::weights::Weights;
use burn::tensor::Device;

pub fn run(args: SampleArgs) -> Outcome {
    let device = Device::flex();
    let bytes = read(&args.checkpoint)?;
    let (model, generator) = drawing_generator(&bytes, &args.checkpoint.display().to_string(), &device)?;
    let z = uniform(&mut rng_for(args.seed, "sample", 0), args.n as usize, model.latent, &device);
    let images = block_on(read_tensor(generator.forward(z)))?;
    png::write(&args.out, &grid(&images, 8))?;
    Ok(())
}

/// Loads the model as the widget does (`Weights`, burn's CPU backend) and draws its first frame.
pub fn poster(args: PosterArgs) -> Outcome {
    let device = Device::flex();
    let weights = Weights::parse(&read(&args.model)?, &args.model.display().to_string())?;
    let generator = weights.generator(&device)?;
    let grid = args.grid as usize;
    let z = sampler::points(grid, weights.model.latent, args.seed, 0);
    let picture = block_on(sampler::frame(&generator, &device, z, weights.model.latent, grid))?;
    png::write(&args.out, &picture)?;
    Ok(())
}

pub fn export(args: ExportArgs) -> Outcome {
    let bytes = read(&args.checkpoint)?;
    let trainer = checkpoint::from_bytes(&bytes, &args.checkpoint.display().to_string(), &Device::flex())?;
    write_atomic(&args.out, &block_on(checkpoint::export(&trainer))?)?;
    Ok(())
}
