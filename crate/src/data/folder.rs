//! A directory of one's own images (PNG, JPEG, WebP, in it and below it) read as the page reads
//! a dropped folder: each centre-cropped to a square, resized, in gray or RGB ([`super::own`]).
//! A file that is not a usable image is skipped with its reason, never an error by itself.

use super::Images;
use super::own::{MAX_IMAGES, Skipped, check_count, check_size};
use crate::error::{Error, Result};
use image::imageops::FilterType;
use image::{DynamicImage, ImageReader};
use std::path::{Path, PathBuf};

/// The images of a directory, and the files left out.
pub struct Folder {
    pub images: Images,
    pub skipped: Vec<Skipped>,
}

/// Reads every image under `dir`, resized to `size`, with `channels` (1 or 3; by default 3 if
/// any image has colour, else 1). Fails only when fewer than `own::MIN_IMAGES` are usable.
pub fn read(dir: &Path, size: usize, channels: Option<usize>) -> Result<Folder> {
    check_size(size)?;
    if let Some(c) = channels.filter(|c| ![1, 3].contains(c)) {
        return Err(Error::InvalidConfig { field: "channels", allowed: "1 or 3".into(), value: c.to_string() });
    }
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    files.sort();
    let (mut squares, mut skipped, mut colour) = (Vec::new(), Vec::new(), false);
    for path in files {
        let file = path.strip_prefix(dir).unwrap_or(&path).display().to_string();
        if squares.len() == MAX_IMAGES {
            skipped.push(Skipped { file, why: format!("over the limit of {MAX_IMAGES} images") });
            continue;
        }
        match square(&path, size) {
            Ok(image) => {
                colour |= image.color().has_color();
                squares.push(image);
            }
            Err(why) => skipped.push(Skipped { file, why }),
        }
    }
    check_count(&dir.display().to_string(), squares.len(), &skipped)?;
    let channels = channels.unwrap_or(if colour { 3 } else { 1 });
    let mut pixels = Vec::with_capacity(squares.len() * channels * size * size);
    for image in &squares {
        if channels == 1 {
            pixels.extend(image.to_luma8().as_raw());
        } else {
            // Interleaved RGB to one plane per channel, the layout of a batch.
            let rgb = image.to_rgb8();
            for c in 0..3 {
                pixels.extend(rgb.as_raw().iter().skip(c).step_by(3));
            }
        }
    }
    let images = Images { pixels, labels: vec![0; squares.len()], rows: size, cols: size, channels };
    Ok(Folder { images, skipped })
}

/// The image at `path`, centre-cropped to a square and resized to `size`, or why not.
fn square(path: &Path, size: usize) -> std::result::Result<DynamicImage, String> {
    let reader = ImageReader::open(path).and_then(|r| r.with_guessed_format()).map_err(|e| format!("unreadable: {e}"))?;
    if reader.format().is_none() {
        return Err("not an image (PNG, JPEG or WebP)".into());
    }
    let image = reader.decode().map_err(|e| format!("not a readable image: {e}"))?;
    let (w, h) = (image.width(), image.height());
    let side = w.min(h);
    if (side as usize) < size {
        return Err(format!("too small: {w}×{h}, needs at least {size} pixels on its shorter side"));
    }
    let crop = image.crop_imm((w - side) / 2, (h - side) / 2, side, side);
    Ok(crop.resize_exact(size as u32, size as u32, FilterType::Triangle))
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else if !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
            files.push(path);
        }
    }
    Ok(())
}
