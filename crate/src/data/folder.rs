//! A directory of one's own images (PNG, JPEG, WebP, in it and below it) read as the page reads
//! a dropped folder: each centre-cropped to a square, resized, in gray or RGB ([`super::own`]).
//! A file that is not a usable image is skipped with its reason, never an error by itself.

use super::Origin;
use super::own::Gathering;
use super::Images;
use crate::error::{Error, Result};
use image::imageops::FilterType;
use image::ImageReader;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The images of a directory, and the files left out.
pub struct Folder {
    pub images: Images,
    pub skipped: Vec<super::own::Skipped>,
}

/// Reads every image under `dir`, resized to `size`, with `channels` (1 or 3; by default 3 if
/// any image has colour, else 1). Fails only when fewer than `own::MIN_IMAGES` are usable.
pub fn read(dir: &Path, size: usize, channels: Option<usize>) -> Result<Folder> {
    let mut gathering = Gathering::new(size)?;
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    files.sort();
    for path in files {
        let file = path.strip_prefix(dir).unwrap_or(&path).display().to_string();
        let mut head = [0; 16];
        let read = std::fs::File::open(&path).and_then(|mut f| Ok((f.read(&mut head)?, f.metadata()?.len())));
        let Ok((n, bytes)) = read.map_err(|e| gathering.skip(&file, format!("unreadable: {e}"))) else { continue };
        if !gathering.wants(&file, &head[..n], bytes) {
            continue;
        }
        let image = match ImageReader::open(&path).and_then(|r| r.with_guessed_format()).map(|r| r.decode()) {
            Ok(Ok(image)) => image,
            Ok(Err(e)) => {
                gathering.skip(&file, format!("not a readable image: {e}"));
                continue;
            }
            Err(e) => {
                gathering.skip(&file, format!("unreadable: {e}"));
                continue;
            }
        };
        let Some([x, y, side]) = gathering.crop(&file, image.width() as usize, image.height() as usize) else { continue };
        let square = image.crop_imm(x as u32, y as u32, side as u32, side as u32);
        let resized = square.resize_exact(size as u32, size as u32, FilterType::Triangle);
        gathering.push_rgba(resized.to_rgba8().as_raw())?;
    }
    let name = dir.canonicalize().ok().and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()));
    let (images, skipped) = gathering.finish(Origin::own(&name.unwrap_or_else(|| dir.display().to_string())), channels)?;
    Ok(Folder { images, skipped })
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else if !path.file_name().is_some_and(|n| super::own::ignored(&n.to_string_lossy())) {
            files.push(path);
        }
    }
    Ok(())
}
