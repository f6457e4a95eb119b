//! One's own images as a training set: the rules `began train --images` and the page share.
//! Each image is centre-cropped to a square and resized to one of [`SIZES`], in gray or RGB.

use super::Images;
use crate::config::ModelConfig;
use crate::error::{Error, Result};

/// Image sides one's own images can be resized to: 28 (as MNIST; a base of 7 doubled twice),
/// 32 and 64 (a base of 8 doubled twice and three times).
pub const SIZES: [usize; 3] = [28, 32, 64];

/// Fewer images than this are not a training set: a batch of 16 would repeat them every step.
pub const MIN_IMAGES: usize = 16;

/// At most this many are used (the rest are skipped, and the report says so): 10,000 RGB images
/// of 64×64 are 123 MB of pixels, which the page keeps in its worker's wasm memory beside the
/// model (a tab has a few GB at most; a phone's, less).
pub const MAX_IMAGES: usize = 10_000;

/// A side in [`SIZES`], or an `InvalidConfig` naming the allowed ones.
pub fn check_size(size: usize) -> Result<usize> {
    if SIZES.contains(&size) {
        return Ok(size);
    }
    Err(Error::InvalidConfig { field: "size", allowed: "28, 32 or 64".into(), value: size.to_string() })
}

/// The model `model` made to draw images like `images`: their side (and the base it doubles
/// from) and channels.
pub fn model_for(images: &Images, model: ModelConfig) -> ModelConfig {
    let size = images.rows;
    let base_size = if size % 7 == 0 { 7 } else { 8 };
    ModelConfig { image_size: size, base_size, channels: images.channels, ..model }
}

/// Refuses a set of fewer than [`MIN_IMAGES`], saying what was skipped.
pub fn check_count(source: &str, usable: usize, skipped: &[Skipped]) -> Result<()> {
    if usable >= MIN_IMAGES {
        return Ok(());
    }
    let reason = match (usable, skipped.len()) {
        (0, 0) => "no images in it (PNG, JPEG or WebP)".to_string(),
        _ => format!("{usable} usable images, at least {MIN_IMAGES} are needed ({} skipped: {})", skipped.len(), summary(skipped, 3)),
    };
    Err(Error::BadData { file: source.to_string(), reason })
}

/// A file left out of the set, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    pub file: String,
    pub why: String,
}

/// The first `n` skipped files with their reasons, and how many more.
pub fn summary(skipped: &[Skipped], n: usize) -> String {
    let mut text = skipped.iter().take(n).map(|s| format!("{} ({})", s.file, s.why)).collect::<Vec<_>>().join(", ");
    if skipped.len() > n {
        text += &format!(" and {} more", skipped.len() - n);
    }
    text
}
