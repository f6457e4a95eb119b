//! `began sample` and `began export`.

use super::args::{ExportArgs, SampleArgs};
use super::{Outcome, block_on, png};
use began::checkpoint::{self, load_generator};
use began::files::{read, write_atomic};
use began::grid::grid;
use began::named::read as read_tensor;
use began::rng::{rng_for, uniform};
use burn::tensor::Device;

pub fn run(args: SampleArgs) -> Outcome {
    let device = Device::flex();
    let bytes = read(&args.checkpoint)?;
    let (model, generator) = load_generator(&bytes, &args.checkpoint.display().to_string(), &device)?;
    let z = uniform(&mut rng_for(args.seed, "sample", 0), args.n as usize, model.latent, &device);
    let images = block_on(read_tensor(generator.forward(z)))?;
    png::write(&args.out, &grid(&images, 8))?;
    Ok(())
}

pub fn export(args: ExportArgs) -> Outcome {
    let bytes = read(&args.checkpoint)?;
    let trainer = checkpoint::from_bytes(&bytes, &args.checkpoint.display().to_string(), &Device::flex())?;
    write_atomic(&args.out, &block_on(checkpoint::export(&trainer))?)?;
    Ok(())
}
