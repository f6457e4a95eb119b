//! Training data: IDX files, and the batches a step sees.

mod batches;
mod idx;

pub use batches::{Batches, to_tensor};
pub use idx::{Images, encode};

#[cfg(not(target_family = "wasm"))]
mod files;
#[cfg(not(target_family = "wasm"))]
pub use files::{Split, load};
