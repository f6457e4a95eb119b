//! The step's one-pass formulation of L_D (one D pass over the real and the fake batch together)
//! trains what the step as first written trained (a D pass per batch), within float rounding,
//! on the CPU backend.
#![cfg(not(target_family = "wasm"))] // native: real MNIST from files

mod common;

use began::data::Batches;
use began::equations::{discriminator_loss, generator_loss, mode_seeking, reconstruction_loss, update_k};
use began::model::Judge;
use began::named::{params, read};
use began::rng::{gaussian, rng_for, uniform};
use began::{ModelConfig, TrainConfig, Trainer};
use burn::optim::GradientsParams;
use burn::prelude::*;
use futures_lite::future::block_on;

const STEPS: u64 = 4;

/// The step as it was first written, a D pass per batch: the reference. Returns [L(x), L(G(z_G))].
fn two_pass_step(t: &mut Trainer, real: Tensor<4>) -> [f32; 2] {
    let config = t.config.clone();
    let [batch, channels, height, width] = real.dims();
    let mut rng = rng_for(config.seed, "step", t.step);
    let z_d = uniform(&mut rng, batch, config.model.latent, &t.device);
    let z_g = uniform(&mut rng, batch, config.model.latent, &t.device);
    let std = config.input_noise * (1.0 - t.step as f64 / config.input_noise_steps as f64).max(0.0);
    let device = t.device.clone();
    let mut noisy = |images: Tensor<4>| images + gaussian(&mut rng, [batch, channels, height, width], std, &device);

    let Judge::Autoencoder(discriminator) = t.judge.clone() else { panic!("a BEGAN run has an autoencoder D") };
    let real = noisy(real.to_device(&t.device));
    let fake = noisy(t.generator.forward(z_d).detach());
    let loss_real = reconstruction_loss(real.clone(), discriminator.forward(real));
    let loss_fake_d = reconstruction_loss(fake.clone(), discriminator.forward(fake));
    let loss_d = discriminator_loss(loss_real.clone(), t.k.clone(), loss_fake_d);
    let grads = GradientsParams::from_grads(loss_d.backward(), &discriminator);
    let discriminator = t.adam_d.step(t.lr, discriminator, grads);
    t.judge = Judge::Autoencoder(discriminator.clone());

    let generated = t.generator.forward(z_g.clone());
    let fake = noisy(generated.clone());
    let loss_fake = reconstruction_loss(fake.clone(), discriminator.forward(fake));
    let loss_g = generator_loss(loss_fake.clone()) + mode_seeking(z_g, generated).mul_scalar(config.mode_seeking);
    let grads = GradientsParams::from_grads(loss_g.backward(), &t.generator);
    t.generator = t.adam_g.step(t.lr, t.generator.clone(), grads);

    let (loss_real, loss_fake) = (loss_real.inner(), loss_fake.inner());
    t.k = update_k(t.k.clone(), config.gamma, config.lambda_k, loss_real.clone(), loss_fake.clone());
    t.step += 1;
    let value = |loss: Tensor<1>| block_on(read(loss)).unwrap().values[0];
    [value(loss_real), value(loss_fake)]
}

/// Every weight of D and G, flattened, in module order.
fn weights(t: &Trainer) -> Vec<f32> {
    let Judge::Autoencoder(discriminator) = &t.judge else { panic!("a BEGAN run has an autoencoder D") };
    let mut all = params(discriminator, "discriminator");
    all.extend(params(&t.generator, "generator"));
    all.into_values().flat_map(|w| block_on(read(w)).unwrap().values).collect()
}

#[test]
fn one_pass_step_trains_what_the_two_pass_step_trained() {
    // Mode seeking and instance noise on, so the order of every draw is covered.
    let config = TrainConfig::new()
        .with_model(ModelConfig::new().with_filters(4).with_hidden(8).with_latent(8))
        .with_mode_seeking(0.05)
        .with_input_noise(0.1)
        .with_input_noise_steps(100)
        .with_seed(11);
    let mut one_pass = Trainer::new(config.clone(), &Device::flex()).unwrap();
    let mut two_pass = Trainer::new(config, &Device::flex()).unwrap();
    let mut batches = Batches::new(common::mnist(256), 16, 11).unwrap();
    for step in 0..STEPS {
        let batch = batches.batch(step, &one_pass.device);
        block_on(one_pass.step(batch.clone())).unwrap();
        let stats = block_on(one_pass.stats()).unwrap();
        let [loss_real, loss_fake] = two_pass_step(&mut two_pass, batch);
        let close = |a: f32, b: f32| (a - b).abs() <= 1e-5 * b.abs().max(1.0);
        assert!(close(stats.loss_real, loss_real), "step {step}: L(x) {} against {loss_real}", stats.loss_real);
        assert!(close(stats.loss_fake, loss_fake), "step {step}: L(G(z)) {} against {loss_fake}", stats.loss_fake);
    }
    let (a, b) = (weights(&one_pass), weights(&two_pass));
    assert_eq!(a.len(), b.len());
    let worst = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0f32, f32::max);
    eprintln!("largest weight difference after {STEPS} steps: {worst}");
    // Adam moves each weight by up to lr (5e-4) a step: a difference far below that is rounding.
    assert!(worst < 1e-6, "weights differ by up to {worst} after {STEPS} steps");
    let k = |t: &Trainer| block_on(read(t.k.clone())).unwrap().values[0];
    assert!((k(&one_pass) - k(&two_pass)).abs() < 1e-7);
}
