//! The same seed and config train the same weights, bit for bit, whichever driver runs them and
//! however often they read: `began train` (with and without judging samples, on one thread and
//! on all), and the page's `Session` stepping one at a time or many per call.
#![cfg(not(target_family = "wasm"))] // native: files, processes; the browser tests are web.rs

mod common;

use began::data::{Split, load};
use began::session::Session;
use began::TrainConfig;
use burn::tensor::Device;
use futures_lite::future::block_on;
use safetensors::SafeTensors;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

const STEPS: u32 = 24;

/// Every tensor of a checkpoint (weights, Adam's moments, k_t) by name, as raw bytes, and its
/// training state (step, learning rate).
fn contents(bytes: &[u8]) -> (BTreeMap<String, Vec<u8>>, String) {
    let (_, metadata) = SafeTensors::read_metadata(bytes).unwrap();
    let state = metadata.metadata().as_ref().unwrap()["state"].clone();
    let file = SafeTensors::deserialize(bytes).unwrap();
    (file.tensors().into_iter().map(|(name, view)| (name, view.data().to_vec())).collect(), state)
}

fn config() -> TrainConfig {
    // Mode seeking on, so its term is covered too.
    TrainConfig::new().with_seed(5).with_mode_seeking(0.05)
}

fn cli_run(name: &str, threads: Option<&str>, extra: &[&str]) -> Vec<u8> {
    let out = std::env::temp_dir().join(format!("began-reproducible-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let steps = STEPS.to_string();
    let data = common::data_dir();
    let mut command = Command::new(env!("CARGO_BIN_EXE_began"));
    command.args(["train", "--dataset", "mnist", "--seed", "5", "--mode-seeking", "0.05", "--steps", &steps]);
    command.arg("--data-dir").arg(&data).arg("--out").arg(&out).args(extra);
    if let Some(threads) = threads {
        command.env("RAYON_NUM_THREADS", threads);
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
    let bytes = std::fs::read(out.join("checkpoint.safetensors")).unwrap();
    let _ = std::fs::remove_dir_all(&out);
    bytes
}

fn session_run(calls: &[u32]) -> Vec<u8> {
    let images = load(&common::data_dir(), "mnist", Split::Train).unwrap();
    let mut session = Session::new(config(), &Device::flex(), images).unwrap();
    for (i, &n) in calls.iter().enumerate() {
        block_on(session.step(n)).unwrap();
        if i % 5 == 0 {
            // What the page reads as it draws: pictures and a kept checkpoint.
            block_on(session.samples()).unwrap();
            block_on(session.reconstructions()).unwrap();
            block_on(session.save()).unwrap();
        }
    }
    assert_eq!(session.trainer.step, STEPS as u64);
    block_on(session.save()).unwrap()
}

#[test]
fn every_driver_and_read_cadence_trains_the_same_weights() {
    let classifier: PathBuf = common::data_dir().join("../models/mnist-classifier.safetensors");
    let classifier = classifier.to_str().unwrap();
    let reference = contents(&cli_run("plain", Some("1"), &["--log-every", "24", "--sample-every", "24"]));
    assert!(reference.0.len() > 40, "a checkpoint holds the networks and Adam's moments");
    let others = [
        // Judging samples loads a classifier between steps; it must not touch the run.
        ("began train --classifier, reading every step", contents(&cli_run("judged", Some("1"), &["--log-every", "1", "--sample-every", "8", "--classifier", classifier]))),
        ("began train on all threads", contents(&cli_run("threads", None, &["--log-every", "7"]))),
        ("the page's session, one step per call", contents(&session_run(&[1; STEPS as usize]))),
        ("the page's session, uneven calls", contents(&session_run(&[7, 1, 10, 6]))),
    ];
    for (driver, (tensors, state)) in others {
        assert_eq!(state, reference.1, "{driver}: another training state");
        assert_eq!(tensors.keys().collect::<Vec<_>>(), reference.0.keys().collect::<Vec<_>>(), "{driver}: other tensors");
        let differ: Vec<&String> = tensors.iter().filter(|(name, bytes)| reference.0[*name] != **bytes).map(|(name, _)| name).collect();
        assert!(differ.is_empty(), "{driver}: {} tensors differ from `began train`'s, e.g. {:?}", differ.len(), &differ[..differ.len().min(3)]);
    }
}

#[test]
fn a_seed_draws_the_same_networks_whatever_runs_in_between() {
    let device = Device::flex();
    let export = |trainer: &began::Trainer| contents_of_export(&block_on(began::checkpoint::export(trainer)).unwrap());
    let first = export(&began::Trainer::new(config(), &device).unwrap());
    let second = began::Trainer::new(config(), &device).unwrap();
    // Something else drawing from burn's global RNG before the networks are first used (a
    // classifier's first forward pass initialises its layers).
    let classifier = began::classifier::ClassifierConfig::new().init(&device);
    drop(classifier.forward(burn::tensor::Tensor::zeros([1, 1, 28, 28], &device)));
    assert_eq!(export(&second), first);
    assert_ne!(export(&began::Trainer::new(config().with_seed(6), &device).unwrap()), first);
}

fn contents_of_export(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let file = SafeTensors::deserialize(bytes).unwrap();
    file.tensors().into_iter().map(|(name, view)| (name, view.data().to_vec())).collect()
}
