//! A short real training run on MNIST, on the CPU backend.
#![cfg(not(target_family = "wasm"))] // native: files, processes; the browser tests are web.rs

mod common;

use began::data::Batches;
use began::{ModelConfig, TrainConfig, Trainer};
use burn::tensor::Device;
use futures_lite::future::block_on;

#[test]
fn reconstruction_of_real_images_improves_and_k_stays_in_range() {
    let config = TrainConfig::new()
        .with_model(ModelConfig::new().with_filters(8).with_hidden(16).with_latent(16))
        .with_lr(5e-4)
        .with_seed(3);
    let mut trainer = Trainer::new(config, &Device::flex()).unwrap();
    let mut batches = Batches::new(common::mnist(1024), 16, 3).unwrap();
    let mut l_x = Vec::new();
    let mut k = Vec::new();
    for _ in 0..200 {
        let batch = batches.batch(trainer.step, &trainer.device);
        block_on(trainer.step(batch)).unwrap();
        let stats = block_on(trainer.stats()).unwrap();
        assert_eq!(stats.steps, 1);
        l_x.push(stats.loss_real);
        k.push(stats.k);
    }
    let mean = |xs: &[f32]| xs.iter().sum::<f32>() / xs.len() as f32;
    let (first, last) = (mean(&l_x[..20]), mean(&l_x[180..]));
    assert!(last < 0.7 * first, "L(x) should fall: first 20 steps {first}, last 20 {last}");
    assert!(k.iter().all(|k| (0.0..=1.0).contains(k)), "k_t left [0, 1]: {k:?}");
    assert!(k.iter().any(|&k| k > 0.0), "k_t never moved off 0");
    assert_eq!(trainer.step, 200);
}

#[test]
fn same_seed_same_run_and_other_seed_other_run() {
    let run = |seed: u64| {
        let config = TrainConfig::new().with_model(ModelConfig::new().with_filters(4).with_hidden(8).with_latent(8)).with_seed(seed);
        let mut trainer = Trainer::new(config, &Device::flex()).unwrap();
        let mut batches = Batches::new(common::mnist(64), 16, seed).unwrap();
        for _ in 0..3 {
            let batch = batches.batch(trainer.step, &trainer.device);
            block_on(trainer.step(batch)).unwrap();
        }
        block_on(trainer.stats()).unwrap()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1).loss_real, run(2).loss_real);
}

#[test]
fn learning_rate_decays_when_m_global_stalls() {
    // With lr tiny nothing improves, so every window after the first is stale: patience 1 → cut.
    let mut config = TrainConfig::new().with_model(ModelConfig::new().with_filters(4).with_hidden(8).with_latent(8)).with_lr(1e-9);
    config.lr_decay.window = 5;
    config.lr_decay.patience = 1;
    config.lr_decay.min_lr = 3e-10;
    let mut trainer = Trainer::new(config, &Device::flex()).unwrap();
    let mut batches = Batches::new(common::mnist(64), 16, 0).unwrap();
    for _ in 0..20 {
        let batch = batches.batch(trainer.step, &trainer.device);
        block_on(trainer.step(batch)).unwrap();
    }
    // Windows end at 5, 10, 15, 20: the first sets the best; later ones may cut, down to the floor.
    assert!(trainer.lr < 1e-9, "lr never decayed: {}", trainer.lr);
    assert!(trainer.lr >= 3e-10, "lr fell through its floor: {}", trainer.lr);
}

#[test]
fn a_diverging_run_is_an_error_not_a_panic() {
    let config = TrainConfig::new().with_model(ModelConfig::new().with_filters(4).with_hidden(8).with_latent(8)).with_lr(1e30);
    let mut trainer = Trainer::new(config, &Device::flex()).unwrap();
    let mut batches = Batches::new(common::mnist(64), 16, 0).unwrap();
    let mut outcome = Ok(());
    for _ in 0..4 {
        let batch = batches.batch(trainer.step, &trainer.device);
        block_on(trainer.step(batch)).unwrap();
        outcome = block_on(trainer.stats()).map(|_| ());
        if outcome.is_err() {
            break;
        }
    }
    let message = outcome.unwrap_err().to_string();
    assert!(message.contains("diverged"), "{message}");
}
