//! Exports and classifier files, as the sampler widget, the page's judge and `began sample` /
//! `eval` load them: `FileKind::of`, `Weights::parse`, loading both networks, and
//! `classifier::from_bytes`. A file that loads must also draw: G and D run on a small batch.
#![no_main]

use began::classifier;
use began::weights::{FileKind, Weights};
use burn::prelude::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let device = began_fuzz::cpu();
    let _ = FileKind::of(data, "fuzz");
    if let Ok(weights) = Weights::parse(data, "fuzz") {
        let model = &weights.model;
        if let Ok(generator) = weights.generator(device) {
            let z = Tensor::<2>::zeros([2, model.latent], device); // [2, Nz]
            let images = generator.forward(z); // [2, channels, size, size]
            assert_eq!(images.dims(), [2, model.channels, model.image_size, model.image_size]);
            if let Ok(discriminator) = weights.discriminator(device) {
                assert_eq!(discriminator.forward(images).dims(), [2, model.channels, model.image_size, model.image_size]);
            }
        }
    }
    if let Ok(loaded) = classifier::from_bytes(data, "fuzz", device) {
        let seen = futures_lite::future::block_on(loaded.classifier.see(Tensor::<4>::zeros([2, 1, 28, 28], device)));
        let _ = seen;
    }
});
