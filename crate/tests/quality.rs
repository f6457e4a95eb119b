//! The yardstick on known inputs: the shipped classifiers, real test images (coverage 10/10,
//! Fréchet distance near 0), a single class (coverage 1/10), and the same numbers for the same seed.
#![cfg(not(target_family = "wasm"))] // native: files; the browser tests are web.rs

mod common;

use began::classifier::{self, Classifier, Judge, LoadedClassifier};
use began::data::{Images, Split, load, to_tensor};
use began::quality::{FeatureStats, class_stats, frechet_distance};
use began::weights::Weights;
use burn::tensor::Device;
use futures_lite::future::block_on;
use std::path::PathBuf;

fn shipped(name: &str) -> LoadedClassifier {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../www/models").join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    classifier::from_bytes(&bytes, name, &Device::flex()).unwrap()
}

fn test_split(dataset: &str) -> Images {
    load(&common::data_dir(), dataset, Split::Test).unwrap_or_else(|e| panic!("{e}\nrun pkg-scripts/fetch-data first"))
}

/// Classes and feature statistics of `indices` of `images`.
fn seen(classifier: &Classifier, images: &Images, indices: &[usize]) -> (Vec<usize>, FeatureStats) {
    let device = Device::flex();
    let (mut classes, mut features) = (Vec::new(), Vec::new());
    for chunk in indices.chunks(500) {
        let x = to_tensor(images, chunk, &device).reshape([chunk.len(), 1, images.rows, images.cols]);
        let seen = block_on(classifier.see(x)).unwrap();
        classes.extend(seen.classes);
        features.extend(seen.features);
    }
    let dim = features.len() / indices.len();
    (classes, FeatureStats::fit(&features, dim))
}

fn known_inputs(dataset: &str, accuracy: f64) {
    let judge = shipped(&format!("{dataset}-classifier.safetensors"));
    assert_eq!(judge.dataset, dataset);
    let images = test_split(dataset);
    let measured = block_on(classifier::evaluate(&judge.classifier, &images, &Device::flex())).unwrap();
    assert!(measured >= accuracy, "{dataset}: test accuracy {measured}");
    assert!((measured - judge.test_accuracy).abs() < 1e-3, "the file says {}, measured {measured}", judge.test_accuracy);

    // Two halves of the test split: every class, and the same feature distribution. (Not odd and
    // even indices: this project's Fashion-MNIST test split interleaves its classes in turn.)
    let (first, second): (Vec<usize>, Vec<usize>) = (0..images.len()).partition(|&i| i < images.len() / 2);
    let (classes, half) = seen(&judge.classifier, &images, &first);
    let (_, other_half) = seen(&judge.classifier, &images, &second);
    assert_eq!(class_stats(&classes).coverage, 10);
    let between_halves = frechet_distance(&half, &other_half);

    // One class alone: coverage 1, and far from the test split.
    let ones: Vec<usize> = (0..images.len()).filter(|&i| images.labels[i] == 1).collect();
    let (classes, single) = seen(&judge.classifier, &images, &ones);
    assert_eq!(class_stats(&classes).coverage, 1);
    let to_single = frechet_distance(&single, &other_half);
    eprintln!("{dataset}: Fréchet distance between the halves {between_halves:.1}, from one class to a half {to_single:.1}");
    assert!(between_halves < 0.05 * to_single, "{dataset}: halves {between_halves:.2}, single class {to_single:.2}");
}

#[test]
fn mnist_classifier_on_known_inputs() {
    known_inputs("mnist", 0.985);
}

#[test]
fn fashion_classifier_on_known_inputs() {
    known_inputs("fashion", 0.89);
}

#[test]
fn judging_a_shipped_generator_is_stable_for_a_seed() {
    let device = Device::flex();
    let judge = shipped("mnist-classifier.safetensors");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../www/models/mnist.safetensors");
    let weights = Weights::parse(&std::fs::read(path).unwrap(), "mnist.safetensors").unwrap();
    let generator = weights.generator(&device).unwrap();
    let judge = block_on(Judge::new(judge.classifier, &test_split("mnist"), &device)).unwrap();
    let judged = |seed| block_on(judge.judge(|z| generator.forward(z), &device, weights.model.latent, 300, seed)).unwrap();
    let (a, b, c) = (judged(5), judged(5), judged(6));
    assert_eq!(a, b);
    assert_ne!(a.classes.histogram, c.classes.histogram);
    assert!(a.frechet > 0.0 && a.frechet.is_finite());
}
