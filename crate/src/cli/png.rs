//! PNG output for sample grids.

use began::Error;
use began::grid::Picture;
use std::path::Path;

pub fn write(path: &Path, picture: &Picture) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::io(path, e);
    let file = std::fs::File::create(path).map_err(io)?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), picture.width as u32, picture.height as u32);
    encoder.set_color(if picture.channels == 3 { png::ColorType::Rgb } else { png::ColorType::Grayscale });
    encoder.set_depth(png::BitDepth::Eight);
    let png_error = |e: png::EncodingError| io(std::io::Error::other(e));
    let mut writer = encoder.write_header().map_err(png_error)?;
    writer.write_image_data(&picture.pixels).map_err(png_error)?;
    writer.finish().map_err(png_error)
}
