//! Training data: IDX files, one's own images, and the batches a step sees.

mod batches;
mod idx;
mod origin;
pub mod own;

pub use batches::{Batches, to_images, to_tensor};
pub use idx::{Images, encode};
pub use origin::{OWN, Origin, TrainedOn};

#[cfg(not(target_family = "wasm"))]
mod files;
#[cfg(not(target_family = "wasm"))]
pub use files::{Split, load};
#[cfg(feature = "folders")]
pub mod folder;
