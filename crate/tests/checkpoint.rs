//! Checkpoints: round trip, exact resume, and refusal of damaged or foreign files.
#![cfg(not(target_family = "wasm"))] // native: files, processes; the browser tests are web.rs

mod common;

use began::checkpoint::{export, from_bytes, load_generator, to_bytes};
use began::data::Batches;
use began::named::read;
use began::{ModelConfig, Stats, TrainConfig, Trainer};
use burn::tensor::{Device, Tensor};
use futures_lite::future::block_on;

fn config() -> TrainConfig {
    let mut config = TrainConfig::new()
        .with_model(ModelConfig::new().with_filters(4).with_hidden(8).with_latent(8))
        .with_input_noise(0.1)
        .with_seed(11);
    config.lr_decay.window = 2; // exercise the plateau state too
    config
}

fn steps(trainer: &mut Trainer, batches: &mut Batches, n: usize) -> Vec<Stats> {
    (0..n)
        .map(|_| {
            let batch = batches.batch(trainer.step, &trainer.device);
            block_on(trainer.step(batch)).unwrap();
            block_on(trainer.stats()).unwrap()
        })
        .collect()
}

#[test]
fn resuming_gives_the_same_next_losses_as_never_stopping() {
    let mut batches = Batches::new(common::mnist(256), 16, 11).unwrap();
    let mut trainer = Trainer::new(config(), &Device::flex()).unwrap();
    steps(&mut trainer, &mut batches, 5);
    let bytes = block_on(to_bytes(&trainer)).unwrap();
    let uninterrupted = steps(&mut trainer, &mut batches, 4);

    let mut resumed = from_bytes(&bytes, "test", &Device::flex()).unwrap();
    assert_eq!(resumed.step, 5);
    assert_eq!(resumed.config, config());
    let mut batches = Batches::new(common::mnist(256), 16, 11).unwrap();
    let after_resume = steps(&mut resumed, &mut batches, 4);
    assert_eq!(uninterrupted, after_resume);
}

#[test]
fn damaged_or_foreign_files_are_errors_with_context() {
    let trainer = Trainer::new(config(), &Device::flex()).unwrap();
    let bytes = block_on(to_bytes(&trainer)).unwrap();
    let error = |bytes: &[u8]| from_bytes(bytes, "ckpt", &Device::flex()).err().expect("should fail").to_string();

    assert!(error(&bytes[..bytes.len() - 7]).contains("not a complete safetensors file"));
    assert!(error(&bytes[..3]).contains("checkpoint ckpt"));
    assert!(error(b"").contains("not a complete"));
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x40;
    assert!(error(&flipped).contains("checksum mismatch"));

    let text = String::from_utf8_lossy(&bytes).into_owned();
    let header_end = 8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = &text[8..header_end];
    let other_version = header.replace("\"version\":\"1\"", "\"version\":\"9\"");
    assert_eq!(other_version.len(), header.len());
    let mut renumbered = bytes.clone();
    renumbered[8..header_end].copy_from_slice(other_version.as_bytes());
    assert!(error(&renumbered).contains("version 9; this build reads version 1"));

    let weights = block_on(export(&trainer)).unwrap();
    assert!(error(&weights).contains("format is `began-weights`"));
}

#[test]
fn export_loads_as_the_same_generator() {
    let trainer = Trainer::new(config(), &Device::flex()).unwrap();
    let weights = block_on(export(&trainer)).unwrap();
    let (model, generator) = load_generator(&weights, "export", &Device::flex()).unwrap();
    assert_eq!(model, config().model);
    let z = Tensor::<2>::ones([2, 8], &Device::flex()).mul_scalar(0.3);
    let expected = block_on(read(trainer.generate(z.clone()))).unwrap();
    let actual = block_on(read(generator.forward(z))).unwrap();
    assert_eq!(expected, actual);

    // The documented names and shapes, for other tools.
    let parsed = safetensors::SafeTensors::deserialize(&weights).unwrap();
    let linear = parsed.tensor("generator.decoder.from_embedding.weight").unwrap();
    assert_eq!(linear.shape(), &[8, 4 * 7 * 7]);
    let conv = parsed.tensor("discriminator.encoder.input.weight").unwrap();
    assert_eq!(conv.shape(), &[4, 1, 3, 3]);
}
