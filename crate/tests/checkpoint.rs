//! Checkpoints: round trip, exact resume, and refusal of damaged or foreign files.
#![cfg(not(target_family = "wasm"))] // native: files, processes; the browser tests are web.rs

mod common;

use began::checkpoint::{export, from_bytes, load_generator, open, to_bytes};
use began::weights::FileKind;
use began::Error;
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
    let bytes = block_on(to_bytes(&trainer, None)).unwrap();
    let uninterrupted = steps(&mut trainer, &mut batches, 4);

    let mut resumed = from_bytes(&bytes, "test", &Device::flex()).unwrap();
    assert_eq!(resumed.step, 5);
    assert_eq!(resumed.config, config());
    let mut batches = Batches::new(common::mnist(256), 16, 11).unwrap();
    let after_resume = steps(&mut resumed, &mut batches, 4);
    assert_eq!(uninterrupted, after_resume);
}

#[test]
fn a_file_opens_as_its_format_says_not_as_its_error_text_reads() {
    let mut batches = Batches::new(common::mnist(256), 16, 11).unwrap();
    let mut trainer = Trainer::new(config(), &Device::flex()).unwrap();
    steps(&mut trainer, &mut batches, 2);
    let (run, weights) = (block_on(to_bytes(&trainer, None)).unwrap(), block_on(export(&trainer)).unwrap());
    assert_eq!(FileKind::of(&run, "run").unwrap(), FileKind::Checkpoint);
    assert_eq!(FileKind::of(&weights, "model").unwrap(), FileKind::Weights);

    // A checkpoint resumes as saved, whatever config is offered; an export starts that config.
    let other = config().with_gamma(0.5).with_seed(3);
    let refused = || Err(Error::ConfigFormat("a form field is invalid".into()));
    let resumed = open(&run, "run", &Device::flex(), refused).unwrap();
    assert_eq!((resumed.step, &resumed.config), (2, &config()), "a checkpoint never reads the config offered");
    let fresh = open(&weights, "model", &Device::flex(), || Ok(other.clone())).unwrap();
    assert_eq!((fresh.step, &fresh.config), (0, &other));
    assert!(matches!(open(&weights, "model", &Device::flex(), refused), Err(Error::ConfigFormat(_))));

    // Neither kind: a typed error that names what the file is, from the header alone.
    let classifier = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../www/models/mnist-classifier.safetensors")).unwrap();
    match open(&classifier, "classifier", &Device::flex(), || Ok(other.clone())).err().expect("not a run") {
        error @ Error::WrongFormat { .. } => {
            let text = error.to_string();
            assert!(text.contains("format is `began-classifier`, expected `began-checkpoint` or `began-weights`"), "{text}");
        }
        error => panic!("expected WrongFormat, got {error}"),
    }
    // An export where a whole run is needed is refused by kind too.
    assert!(matches!(from_bytes(&weights, "model", &Device::flex()), Err(Error::WrongFormat { .. })));
}

#[test]
fn damaged_or_foreign_files_are_errors_with_context() {
    let trainer = Trainer::new(config(), &Device::flex()).unwrap();
    let bytes = block_on(to_bytes(&trainer, None)).unwrap();
    let error = |bytes: &[u8]| from_bytes(bytes, "ckpt", &Device::flex()).err().expect("should fail").to_string();

    assert!(error(&bytes[..bytes.len() - 7]).contains("not a complete safetensors file"));
    assert!(error(&bytes[..3]).contains("checkpoint ckpt"));
    assert!(error(b"").contains("not a complete"));
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x40;
    assert!(error(&flipped).contains("checksum mismatch"));

    // The header alone: the length before it and the tensors after it are not text.
    let header_end = 8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&bytes[8..header_end]).unwrap();
    let other_version = header.replace("\"version\":\"1\"", "\"version\":\"9\"");
    assert_eq!(other_version.len(), header.len());
    let mut renumbered = bytes.clone();
    renumbered[8..header_end].copy_from_slice(other_version.as_bytes());
    let message = error(&renumbered);
    assert!(message.contains("version 9; this build reads version 1"), "{message}");

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

#[test]
fn a_run_from_weights_starts_afresh_with_the_files_networks_and_shape() {
    let device = Device::flex();
    let mut batches = Batches::new(common::mnist(64), 16, 3).unwrap();
    let mut source = Trainer::new(config(), &device).unwrap();
    steps(&mut source, &mut batches, 3);
    let weights = block_on(export(&source)).unwrap();

    // The caller's config asks for another shape and rate; the file's shape wins, the rate stays.
    let asked = TrainConfig::new().with_lr(1e-4).with_seed(5);
    let mut tuned = began::checkpoint::from_weights(&weights, "export", asked, &device).unwrap();
    assert_eq!(tuned.config.model, config().model);
    assert_eq!((tuned.step, tuned.config.lr, tuned.config.seed), (0, 1e-4, 5));
    assert_eq!(block_on(read(tuned.k.clone())).unwrap().values, vec![0.0]);
    let z = Tensor::<2>::ones([2, 8], &device).mul_scalar(0.3);
    assert_eq!(block_on(read(tuned.generate(z.clone()))).unwrap(), block_on(read(source.generate(z))).unwrap());
    steps(&mut tuned, &mut batches, 2); // and it trains

    // A checkpoint serves as well; anything else is refused with the file's name.
    assert!(began::checkpoint::from_weights(&block_on(to_bytes(&source, None)).unwrap(), "ckpt", TrainConfig::new(), &device).is_ok());
    let error = began::checkpoint::from_weights(b"nonsense", "nonsense.safetensors", TrainConfig::new(), &device).err().unwrap();
    assert!(error.to_string().contains("nonsense.safetensors"), "{error}");
}

#[test]
fn a_checkpoint_written_before_a_config_field_existed_still_loads_with_its_default() {
    let trainer = Trainer::new(config(), &Device::flex()).unwrap();
    let bytes = block_on(to_bytes(&trainer, None)).unwrap();
    // Rewrite the header's config without `g_lr_scale`, as files from before it was added have it.
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let mut header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + header_len]).unwrap();
    let mut old: serde_json::Value = serde_json::from_str(header["__metadata__"]["config"].as_str().unwrap()).unwrap();
    assert!(old.as_object_mut().unwrap().remove("g_lr_scale").is_some());
    header["__metadata__"]["config"] = serde_json::Value::String(old.to_string());
    let mut text = header.to_string();
    while text.len() % 8 != 0 {
        text.push(' ');
    }
    let rewritten = [&(text.len() as u64).to_le_bytes()[..], text.as_bytes(), &bytes[8 + header_len..]].concat();
    let restored = from_bytes(&rewritten, "old", &Device::flex()).unwrap();
    assert_eq!(restored.config.g_lr_scale, 1.0);
    assert_eq!(restored.config.model, config().model);
}

#[test]
fn the_moving_average_of_g_is_kept_resumed_and_exported() {
    let config = config().with_ema_decay(0.9).with_mode_seeking(0.1);
    let mut batches = Batches::new(common::mnist(256), 16, 11).unwrap();
    let mut trainer = Trainer::new(config.clone(), &Device::flex()).unwrap();
    steps(&mut trainer, &mut batches, 6);
    let z = trainer.fixed_z(4);
    let sample = |t: &Trainer| block_on(read(t.generate(z.clone()))).unwrap().values;
    let trained = block_on(read(trainer.generate_trained(z.clone()))).unwrap().values;
    assert_ne!(sample(&trainer), trained, "samples come from the average, not from G as trained");

    // A checkpoint restores the average itself, so a resumed run draws the same samples.
    let bytes = block_on(to_bytes(&trainer, None)).unwrap();
    let resumed = from_bytes(&bytes, "test", &Device::flex()).unwrap();
    assert_eq!(sample(&resumed), sample(&trainer));
    // The export's generator is the average: what the widget draws is what the page showed.
    let (_, exported) = load_generator(&block_on(export(&trainer)).unwrap(), "export", &Device::flex()).unwrap();
    assert_eq!(block_on(read(exported.forward(z.clone()))).unwrap().values, sample(&trainer));

    // A checkpoint from a run without the average resumes with it starting at G's weights.
    let plain = Trainer::new(config.clone().with_ema_decay(0.0), &Device::flex()).unwrap();
    let without = block_on(to_bytes(&plain, None)).unwrap();
    let loaded = from_bytes(&without, "old", &Device::flex()).unwrap();
    assert!(loaded.ema.is_none(), "its config has no average");
}
