//! One's own images as a training set: the rules `began train --images` and the page share.
//! Each image is centre-cropped to a square and resized to one of [`SIZES`], in gray or RGB.
//! The decoding is the caller's (the `image` crate natively, the browser in the page); what is
//! kept, skipped and why, and the pixels' layout, are decided here, by a [`Gathering`].

use super::{Images, Origin};
use crate::config::ModelConfig;
use crate::error::{Error, Result};

/// Image sides one's own images can be resized to: 28 (as MNIST; a base of 7 doubled twice),
/// 32 and 64 (a base of 8 doubled twice and three times).
pub const SIZES: [usize; 3] = [28, 32, 64];

/// An image file larger than this is skipped: a photo this large decodes to hundreds of MB
/// before it is shrunk to 64 pixels, more than a tab can spare beside the model.
pub const MAX_FILE_BYTES: u64 = 40 << 20;

/// A .zip larger than this is refused: the page reads it whole, then unzips it whole, in memory.
pub const MAX_ZIP_BYTES: u64 = 1 << 30;

/// The side used unless another is chosen.
pub const DEFAULT_SIZE: usize = 32;

/// Fewer images than this are not a training set: a batch of 16 would repeat them every step.
pub const MIN_IMAGES: usize = 16;

/// At most this many are used (the rest are skipped, and the report says so): 10,000 RGB images
/// of 64×64 are 123 MB of pixels, which the page keeps in its worker's wasm memory beside the
/// model (a tab has a few GB at most; a phone's, less).
pub const MAX_IMAGES: usize = 10_000;

/// A side in [`SIZES`], or an `InvalidConfig` naming the allowed ones ("28, 32 or 64").
pub fn check_size(size: usize) -> Result<usize> {
    if SIZES.contains(&size) {
        return Ok(size);
    }
    let (last, rest) = SIZES.split_last().expect("sizes");
    let allowed = format!("{} or {last}", rest.iter().map(usize::to_string).collect::<Vec<_>>().join(", "));
    Err(Error::InvalidConfig { field: "size", allowed, value: size.to_string() })
}

/// The model `model` made to draw images like `images`: their side (and the base it doubles
/// from) and channels.
pub fn model_for(images: &Images, model: ModelConfig) -> ModelConfig {
    let size = images.rows;
    let base_size = if size % 7 == 0 { 7 } else { 8 };
    ModelConfig { image_size: size, base_size, channels: images.channels, ..model }
}

/// Refuses a set of fewer than [`MIN_IMAGES`], saying what was skipped.
fn check_count(source: &str, usable: usize, skipped: &[Skipped]) -> Result<()> {
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
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
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

/// The formats read: what every browser decodes.
pub const FORMATS: [&str; 3] = ["PNG", "JPEG", "WebP"];

/// The format of a file, by its first bytes: one of [`FORMATS`], or none.
pub fn format_of(head: &[u8]) -> Option<&'static str> {
    match head {
        [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, ..] => Some("PNG"),
        [0xff, 0xd8, 0xff, ..] => Some("JPEG"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("WebP"),
        _ => None,
    }
}

/// Files passed over without a word: hidden ones (a name starting with a dot) and what macOS
/// adds to zips (`__MACOSX/`), in any folder of `path` (`/`-separated, as in a zip or a page).
pub fn ignored(path: &str) -> bool {
    path.split(['/', '\\']).any(|part| part.starts_with('.') || part == "__MACOSX")
}

/// A pixel whose channels differ by more than this is coloured (JPEG noise in a gray image is
/// a level or two).
const COLOUR_LEVELS: u8 = 8;

/// One's own images gathered one at a time, as decoded, into a training set: at most
/// [`MAX_IMAGES`], each kept as three planes (RGB) until [`Gathering::finish`] settles the
/// channels; whatever is left out is listed with why.
#[derive(Debug)]
pub struct Gathering {
    size: usize,
    /// Per image, its R, G and B planes.
    rgb: Vec<u8>,
    count: usize,
    colour: bool,
    pub skipped: Vec<Skipped>,
}

impl Gathering {
    /// Images to be resized to `size`, one of [`SIZES`].
    pub fn new(size: usize) -> Result<Self> {
        Ok(Self { size: check_size(size)?, rgb: Vec::new(), count: 0, colour: false, skipped: Vec::new() })
    }

    /// Images kept so far.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Whether `file` of `bytes` bytes, starting with `head`, is worth decoding; if not it is
    /// skipped (over the limit, not a PNG, JPEG or WebP, or too large).
    pub fn wants(&mut self, file: &str, head: &[u8], bytes: u64) -> bool {
        let why = if self.count >= MAX_IMAGES {
            format!("over the limit of {MAX_IMAGES} images")
        } else if format_of(head).is_none() {
            "not an image (PNG, JPEG or WebP)".to_string()
        } else if bytes > MAX_FILE_BYTES {
            format!("too large: {} MB, at most {} MB", bytes >> 20, MAX_FILE_BYTES >> 20)
        } else {
            return true;
        };
        self.skip(file, why);
        false
    }

    /// The square to crop from an image of `width` × `height` — `[x, y, side]`, centred — or
    /// `None` when it is too small to resize down to the set's size (it is skipped).
    pub fn crop(&mut self, file: &str, width: usize, height: usize) -> Option<[usize; 3]> {
        let side = width.min(height);
        if side < self.size {
            let why = format!("too small: {width}×{height}, needs at least {} pixels on its shorter side", self.size);
            self.skip(file, why);
            return None;
        }
        Some([(width - side) / 2, (height - side) / 2, side])
    }

    /// Whether the .zip `file` of `bytes` bytes is opened; if not it is skipped.
    pub fn wants_zip(&mut self, file: &str, bytes: u64) -> bool {
        if bytes <= MAX_ZIP_BYTES {
            return true;
        }
        self.skip(file, format!("too large: {} MB, a zip of at most {} MB is read", bytes >> 20, MAX_ZIP_BYTES >> 20));
        false
    }

    /// Skips `file`, saying why.
    pub fn skip(&mut self, file: &str, why: impl Into<String>) {
        self.skipped.push(Skipped { file: file.to_string(), why: why.into() });
    }

    /// Keeps an image already cropped and resized: `size` × `size` pixels of interleaved RGBA
    /// (alpha is dropped, as the image crate's `to_rgb8` does).
    pub fn push_rgba(&mut self, rgba: &[u8]) -> Result<()> {
        let expected = self.size * self.size * 4;
        if rgba.len() != expected {
            let reason = format!("an image of {} bytes where {s}×{s} RGBA is {expected}", rgba.len(), s = self.size);
            return Err(Error::BadData { file: "image".into(), reason });
        }
        if self.count >= MAX_IMAGES {
            return Err(Error::BadData { file: "image".into(), reason: format!("over the limit of {MAX_IMAGES} images") });
        }
        for c in 0..3 {
            self.rgb.extend(rgba.iter().skip(c).step_by(4));
        }
        self.colour |= rgba.chunks_exact(4).any(|p| p[0].abs_diff(p[1]).max(p[1].abs_diff(p[2])).max(p[0].abs_diff(p[2])) > COLOUR_LEVELS);
        self.count += 1;
        Ok(())
    }

    /// Whether any image kept so far has colour.
    pub fn has_colour(&self) -> bool {
        self.colour
    }

    /// The training set from `origin`, in `channels` (1 or 3; by default 3 if any image has
    /// colour, else 1), and the files skipped; refused with fewer than [`MIN_IMAGES`], saying
    /// what was skipped.
    pub fn finish(self, origin: Origin, channels: Option<usize>) -> Result<(Images, Vec<Skipped>)> {
        if let Some(c) = channels.filter(|c| ![1, 3].contains(c)) {
            return Err(Error::InvalidConfig { field: "channels", allowed: "1 or 3".into(), value: c.to_string() });
        }
        let source = if origin.name.is_empty() { "your images".to_string() } else { origin.name.clone() };
        check_count(&source, self.count, &self.skipped)?;
        let channels = channels.unwrap_or(if self.colour { 3 } else { 1 });
        let plane = self.size * self.size;
        let pixels = match channels {
            3 => self.rgb,
            // Rec. 709 luma in integers, as the image crate's `to_luma8`.
            _ => self
                .rgb
                .chunks_exact(3 * plane)
                .flat_map(|image| {
                    let (r, rest) = image.split_at(plane);
                    let (g, b) = rest.split_at(plane);
                    (0..plane).map(move |i| ((2126 * r[i] as u32 + 7152 * g[i] as u32 + 722 * b[i] as u32) / 10_000) as u8)
                })
                .collect(),
        };
        let labels = vec![0; self.count];
        Ok((Images { pixels, labels, rows: self.size, cols: self.size, channels, origin }, self.skipped))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(size: usize, rgb: [u8; 3]) -> Vec<u8> {
        (0..size * size).flat_map(|_| [rgb[0], rgb[1], rgb[2], 255]).collect()
    }

    #[test]
    fn gathers_rgb_planes_and_defaults_to_the_images_colour() {
        let mut gathering = Gathering::new(28).unwrap();
        for i in 0..MIN_IMAGES {
            gathering.push_rgba(&square(28, [10, 20, 30 + i as u8])).unwrap();
        }
        assert!(gathering.has_colour());
        let (images, _) = gathering.finish(Origin::own("shapes"), None).unwrap();
        assert_eq!((images.len(), images.channels, images.rows, images.origin.name.as_str()), (16, 3, 28, "shapes"));
        // Planar: all of R, then all of G, then all of B.
        assert_eq!(&images.pixels[..2], &[10, 10]);
        assert_eq!(images.pixels[784], 20);
        assert_eq!(images.pixels[2 * 784], 30);
    }

    #[test]
    fn gray_images_stay_gray_and_rgb_can_be_made_gray() {
        let mut gray = Gathering::new(32).unwrap();
        let mut colour = Gathering::new(32).unwrap();
        for _ in 0..MIN_IMAGES {
            gray.push_rgba(&square(32, [90, 92, 90])).unwrap(); // within JPEG noise
            colour.push_rgba(&square(32, [255, 0, 0])).unwrap();
        }
        assert_eq!(gray.finish(Origin::own("g"), None).unwrap().0.channels, 1);
        let (red, _) = colour.finish(Origin::own("c"), Some(1)).unwrap();
        assert_eq!((red.channels, red.pixels.len(), red.pixels[0]), (1, 16 * 32 * 32, 54)); // 0.2126 · 255
    }

    #[test]
    fn skips_what_it_cannot_use_saying_why() {
        let mut gathering = Gathering::new(64).unwrap();
        assert!(gathering.wants("a.png", b"\x89PNG\r\n\x1a\nrest", 100));
        assert!(gathering.wants("b.jpg", &[0xff, 0xd8, 0xff, 0xe0], 100));
        assert!(gathering.wants("c.webp", b"RIFF\0\0\0\0WEBPVP8 ", 100));
        assert!(!gathering.wants("notes.txt", b"hello", 5));
        assert!(!gathering.wants("huge.jpg", &[0xff, 0xd8, 0xff, 0xe0], MAX_FILE_BYTES + 1));
        assert!(!gathering.wants_zip("huge.zip", MAX_ZIP_BYTES + 1) && gathering.wants_zip("ok.zip", MAX_ZIP_BYTES));
        assert_eq!(gathering.crop("wide.png", 100, 64), Some([18, 0, 64]));
        assert_eq!(gathering.crop("tall.png", 64, 81), Some([0, 8, 64]));
        assert_eq!(gathering.crop("tiny.png", 63, 200), None);
        let whys: Vec<_> = gathering.skipped.iter().map(|s| format!("{}: {}", s.file, s.why)).collect();
        assert_eq!(
            whys,
            [
                "notes.txt: not an image (PNG, JPEG or WebP)",
                "huge.jpg: too large: 40 MB, at most 40 MB",
                "huge.zip: too large: 1024 MB, a zip of at most 1024 MB is read",
                "tiny.png: too small: 63×200, needs at least 64 pixels on its shorter side",
            ]
        );
        assert!(gathering.push_rgba(&[0; 12]).unwrap_err().to_string().contains("64×64 RGBA is 16384"));
        let message = gathering.finish(Origin::own("few"), None).unwrap_err().to_string();
        assert!(message.contains("few: 0 usable images, at least 16 are needed (4 skipped: notes.txt (not an image"), "{message}");
        assert!(Gathering::new(30).unwrap_err().to_string().contains("28, 32 or 64"));
    }

    #[test]
    fn hidden_files_and_macos_extras_are_passed_over() {
        for path in [".DS_Store", "set/._cat.png", "__MACOSX/set/cat.png", "set/.thumbs/cat.png"] {
            assert!(ignored(path), "{path}");
        }
        assert!(!ignored("set/cat.png") && !ignored("cat.png"));
    }

    #[test]
    fn stops_at_the_limit() {
        let mut gathering = Gathering::new(28).unwrap();
        gathering.count = MAX_IMAGES;
        assert!(!gathering.wants("one-more.png", b"\x89PNG\r\n\x1a\n", 100));
        assert!(gathering.skipped[0].why.contains("over the limit of 10000"));
    }
}
