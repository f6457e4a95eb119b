//! Reader for the IDX format of MNIST and Fashion-MNIST (raw or gzip'd), with errors that say
//! what is wrong: the magic number, the dimensions, a truncated file, or counts that disagree.

use crate::classifier::CLASSES;
use super::Origin;
use crate::error::{Error, Result};
use std::io::Read;

/// Images as bytes with their labels: per image, `channels` planes of `rows` × `cols` bytes,
/// row-major (the `[n, channels, rows, cols]` layout of a batch).
#[derive(Clone, Debug, PartialEq)]
pub struct Images {
    pub pixels: Vec<u8>,
    /// A class per image (0 for images without one: one's own).
    pub labels: Vec<u8>,
    pub rows: usize,
    pub cols: usize,
    /// 1 (gray) or 3 (RGB).
    pub channels: usize,
    /// Which set these are, as checkpoints record it.
    pub origin: Origin,
}

impl Images {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Parses an images file (idx3, u8) and its labels file (idx1, u8). `name` labels errors.
    pub fn from_idx(name: &str, images: &[u8], labels: &[u8]) -> Result<Self> {
        let images = gunzip_if_needed(&format!("{name} images"), images)?;
        let labels = gunzip_if_needed(&format!("{name} labels"), labels)?;
        let (dims, pixels) = parse(&format!("{name} images"), &images, 3)?;
        let (label_dims, labels) = parse(&format!("{name} labels"), &labels, 1)?;
        if dims[0] != label_dims[0] {
            return Err(bad(name, format!("{} images but {} labels", dims[0], label_dims[0])));
        }
        if let Some((i, label)) = labels.iter().enumerate().find(|(_, label)| usize::from(**label) >= CLASSES) {
            return Err(bad(name, format!("label {label} of image {i} is not a class (0–{})", CLASSES - 1)));
        }
        if dims[1] == 0 || dims[2] == 0 {
            return Err(bad(name, format!("images of {}×{} pixels", dims[1], dims[2])));
        }
        Ok(Self::gray(pixels.to_vec(), labels.to_vec(), dims[1], dims[2]))
    }

    /// Grayscale images of `rows` × `cols`.
    pub fn gray(pixels: Vec<u8>, labels: Vec<u8>, rows: usize, cols: usize) -> Self {
        Self { pixels, labels, rows, cols, channels: 1, origin: Origin::default() }
    }

    /// These images, from `origin`.
    pub fn with_origin(self, origin: Origin) -> Self {
        Self { origin, ..self }
    }

    /// Bytes per image.
    pub fn image_len(&self) -> usize {
        self.channels * self.rows * self.cols
    }

    /// Checks the image size and channels the model expects.
    pub fn expect_shape(&self, name: &str, channels: usize, size: usize) -> Result<()> {
        if (self.rows, self.cols) != (size, size) {
            return Err(bad(name, format!("images are {}×{}, the model needs {size}×{size}", self.rows, self.cols)));
        }
        if self.channels != channels {
            let kind = |c: usize| if c == 1 { "grayscale".to_string() } else { format!("{c}-channel") };
            return Err(bad(name, format!("{} images, but the model draws {} ones", kind(self.channels), kind(channels))));
        }
        Ok(())
    }
}

/// The most bytes an IDX file may hold once unzipped: 4× the largest split used here (MNIST's
/// training images, 47 MB), so a corrupt or hostile file is refused before it fills the memory
/// (a wasm page's is at most 4 GiB, and the trainer shares it).
pub const MAX_BYTES: usize = 192 << 20;

fn bad(file: &str, reason: String) -> Error {
    Error::BadData { file: file.to_string(), reason }
}

/// gzip streams start with 1f 8b; IDX files start with two zero bytes.
fn gunzip_if_needed(name: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes.to_vec());
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| bad(name, format!("not a valid gzip stream ({e})")))?;
    if out.len() > MAX_BYTES {
        return Err(bad(name, format!("unzips to more than {} MiB, the most this reader accepts", MAX_BYTES >> 20)));
    }
    Ok(out)
}

/// Returns the dimensions and the data of an unsigned-byte IDX file of `rank` dimensions.
fn parse<'a>(name: &str, bytes: &'a [u8], rank: usize) -> Result<(Vec<usize>, &'a [u8])> {
    let header = 4 + 4 * rank;
    if bytes.len() < 4 {
        return Err(bad(name, format!("truncated: {} bytes, too short for an IDX header", bytes.len())));
    }
    let magic = [0, 0, 0x08, rank as u8];
    if bytes[..4] != magic {
        return Err(bad(name, format!("wrong magic number {:02x?}, expected {magic:02x?} (unsigned bytes, {rank} dimensions)", &bytes[..4])));
    }
    if bytes.len() < header {
        return Err(bad(name, format!("truncated header: {} of {header} bytes", bytes.len())));
    }
    let dims: Vec<usize> = bytes[4..header]
        .chunks_exact(4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .collect();
    // Checked: a product of sizes read from a file can overflow usize (32 bits in wasm32), and
    // would wrap silently in a release build.
    let expected = dims
        .iter()
        .try_fold(1usize, |n, &d| n.checked_mul(d))
        .filter(|&n| n <= MAX_BYTES)
        .ok_or_else(|| bad(name, format!("dimensions {dims:?} ask for more than {} MiB", MAX_BYTES >> 20)))?;
    let data = &bytes[header..];
    if data.len() < expected {
        return Err(bad(name, format!("truncated: {} of {expected} data bytes for dimensions {dims:?}", data.len())));
    }
    if data.len() > expected {
        return Err(bad(name, format!("{} bytes after the data of dimensions {dims:?}", data.len() - expected)));
    }
    Ok((dims, data))
}

/// Encodes images and labels as IDX (the inverse of [`Images::from_idx`]), for tests and tools.
pub fn encode(images: &Images) -> (Vec<u8>, Vec<u8>) {
    let n = images.len() as u32;
    let mut pixels = vec![0, 0, 0x08, 3];
    for d in [n, images.rows as u32, images.cols as u32] {
        pixels.extend(d.to_be_bytes());
    }
    pixels.extend(&images.pixels);
    let mut labels = vec![0, 0, 0x08, 1];
    labels.extend(n.to_be_bytes());
    labels.extend(&images.labels);
    (pixels, labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn sample() -> Images {
        Images::gray((0..2 * 3 * 4).map(|i| i as u8).collect(), vec![7, 1], 3, 4)
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn error(images: &[u8], labels: &[u8]) -> String {
        Images::from_idx("test", images, labels).unwrap_err().to_string()
    }

    #[test]
    fn reads_raw_and_gzipped() {
        let (images, labels) = encode(&sample());
        assert_eq!(Images::from_idx("t", &images, &labels).unwrap(), sample());
        assert_eq!(Images::from_idx("t", &gzip(&images), &gzip(&labels)).unwrap(), sample());
    }

    #[test]
    fn reports_what_is_wrong() {
        let (images, labels) = encode(&sample());
        let mut wrong_magic = images.clone();
        wrong_magic[3] = 1;
        assert!(error(&wrong_magic, &labels).contains("wrong magic number"));
        assert!(error(&images[..images.len() - 1], &labels).contains("truncated: 23 of 24"));
        assert!(error(&images[..10], &labels).contains("truncated header"));
        assert!(error(&[], &labels).contains("truncated"));
        let mut extra = images.clone();
        extra.push(0);
        assert!(error(&extra, &labels).contains("1 bytes after"));
        let (_, one_label) = encode(&Images::gray(vec![0; 12], vec![3], 3, 4));
        assert!(error(&images, &one_label).contains("2 images but 1 labels"));
        let corrupt_gzip = &gzip(&images)[..20];
        assert!(error(corrupt_gzip, &labels).contains("not a valid gzip"));
        let mut huge = images.clone();
        huge[4..16].copy_from_slice(&[0xff; 12]); // 2^32 − 1 in each of three dimensions
        assert!(error(&huge, &labels).contains("ask for more than 192 MiB"), "{}", error(&huge, &labels));
        let (_, mut bad_label) = encode(&sample());
        bad_label[9] = 10; // the second image's
        assert_eq!(error(&images, &bad_label), "test: label 10 of image 1 is not a class (0–9)");
        let loaded = Images::from_idx("t", &images, &labels).unwrap();
        assert!(loaded.expect_shape("t", 1, 28).unwrap_err().to_string().contains("3×4"));
        assert!(Images { channels: 3, cols: 3, ..loaded.clone() }.expect_shape("t", 1, 3).unwrap_err().to_string().contains("3-channel images, but the model draws grayscale ones"));
    }
}
