//! Shared by the integration tests: real MNIST from www/data (written by pkg-scripts/fetch-data).
#![allow(dead_code)]

use began::data::{Images, Split, load};
use std::path::PathBuf;

pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../www/data")
}

/// The first `n` training images of MNIST. Fails (never skips) when the data is missing.
pub fn mnist(n: usize) -> Images {
    let mut images = load(&data_dir(), "mnist", Split::Train)
        .unwrap_or_else(|e| panic!("{e}\nrun pkg-scripts/fetch-data first (pkg-scripts/test does)"));
    images.pixels.truncate(n * images.rows * images.cols);
    images.labels.truncate(n);
    images
}
