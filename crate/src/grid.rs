//! Images as a grid of 8-bit pixels, for PNG files natively and canvases in the page.

use crate::named::HostTensor;

/// Columns (and rows) of the sample grids: the CLI's PNGs and the page's canvas.
pub const GRID_SIDE: usize = 8;

/// A grayscale or RGB picture, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    pub width: usize,
    pub height: usize,
    /// 1 (gray) or 3 (RGB).
    pub channels: usize,
    pub pixels: Vec<u8>,
}

/// Lays out `[n, channels, size, size]` images in [-1, 1] as `columns` per row, 1 px apart.
pub fn grid(images: &HostTensor, columns: usize) -> Picture {
    let [n, channels, h, w] = [images.shape[0], images.shape[1], images.shape[2], images.shape[3]];
    let columns = columns.clamp(1, n.max(1));
    let rows = n.div_ceil(columns);
    let gap = 1;
    let width = columns * (w + gap) + gap;
    let height = rows * (h + gap) + gap;
    let mut pixels = vec![0u8; width * height * channels];
    for i in 0..n {
        let (x0, y0) = (gap + (i % columns) * (w + gap), gap + (i / columns) * (h + gap));
        for c in 0..channels {
            for y in 0..h {
                for x in 0..w {
                    let value = images.values[((i * channels + c) * h + y) * w + x];
                    pixels[((y0 + y) * width + x0 + x) * channels + c] = to_byte(value);
                }
            }
        }
    }
    Picture { width, height, channels, pixels }
}

/// [-1, 1] → 0..=255, clamped.
pub fn to_byte(value: f32) -> u8 {
    ((value + 1.0) * 127.5).round().clamp(0.0, 255.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_images_with_gaps() {
        let images = HostTensor { shape: vec![3, 1, 1, 2], values: vec![-1.0, 1.0, 0.0, 0.0, 1.0, 1.0] };
        let picture = grid(&images, 2);
        assert_eq!((picture.width, picture.height), (7, 5));
        assert_eq!(&picture.pixels[7 + 1..7 + 3], &[0, 255]); // first image, row 1
        assert_eq!(&picture.pixels[7 + 4..7 + 6], &[128, 128]); // second image
        assert_eq!(&picture.pixels[3 * 7 + 1..3 * 7 + 3], &[255, 255]); // third, next row
    }
}
