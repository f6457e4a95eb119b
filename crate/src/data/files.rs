//! The files `pkg-scripts/fetch-data` writes: `<dir>/<dataset>/<split>-{images-idx3,labels-idx1}-ubyte.gz`.

use super::{Images, Origin};
use crate::error::{Error, Result};
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    Train,
    Test,
}

impl Split {
    fn prefix(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Test => "t10k",
        }
    }
}

/// Loads one split of a dataset (`mnist` or `fashion`) from the data directory.
pub fn load(data_dir: &Path, dataset: &str, split: Split) -> Result<Images> {
    let dir = data_dir.join(dataset);
    let read = |kind: &str| {
        let path = dir.join(format!("{}-{kind}-ubyte.gz", split.prefix()));
        std::fs::read(&path).map_err(|e| Error::io(&path, e))
    };
    let images = read("images-idx3")?;
    let labels = read("labels-idx1")?;
    let images = Images::from_idx(&format!("{}/{dataset} {}", data_dir.display(), split.prefix()), &images, &labels)?;
    Ok(images.with_origin(Origin::dataset(dataset)))
}
