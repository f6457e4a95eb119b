//! Resuming (`checkpoint::open` and `Session::open`, as the page's "Resume from file", its crash
//! recovery and `began train --resume` do): a checkpoint resumes, an export starts a fresh run
//! from its weights. A file that opens must train: one step on a dataset of the model's image
//! size returns Ok or an error, never a panic.
#![no_main]

use began::TrainConfig;
use began::checkpoint;
use began::data::Images;
use began::session::Session;
use libfuzzer_sys::fuzz_target;

/// Pixels in the stand-in dataset at most (a batch of 1,024 images of 512² is not worth a run).
const MAX_PIXELS: usize = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let device = began_fuzz::cpu();
    // An export's run takes the model from the file and the rest from this config.
    let config = || Ok(TrainConfig::new().with_batch_size(2));
    let Ok(trainer) = checkpoint::open(data, "fuzz", device, config) else { return };
    let (size, batch, channels) = (trainer.config.model.image_size, trainer.config.batch_size, trainer.config.model.channels);
    drop(trainer);
    if size * size * batch * channels > MAX_PIXELS {
        return;
    }
    let pixels = (0..batch * channels * size * size).map(|i| (i * 37 % 256) as u8).collect();
    let images = Images { pixels, labels: vec![0; batch], rows: size, cols: size, channels, origin: Default::default() };
    let mut session = Session::open(data, "fuzz", device, images, config).expect("a file that opened opens again");
    let _ = futures_lite::future::block_on(session.step(1));
});
