//! BEGAN (Berthelot, Schumm & Metz 2017) with burn: the model, its training step, data,
//! checkpoints. The same code trains natively (CLI) and in the browser on WebGPU.

pub mod classifier;
pub mod config;
pub mod data;
pub mod equations;
pub mod error;
#[cfg(feature = "webgpu")]
pub mod gpu;
pub mod grid;
pub mod latent;
pub mod model;
pub mod named;
pub mod presets;
pub mod quality;
pub mod rng;
pub mod sampler;
pub mod schema;
pub mod weights;

// Training needs autodiff and the optimiser; the sampler widget's build leaves them out.
#[cfg(feature = "trainer")]
pub mod adam;
#[cfg(feature = "trainer")]
pub mod checkpoint;
#[cfg(feature = "trainer")]
pub mod ema;
#[cfg(feature = "trainer")]
pub mod family;
#[cfg(feature = "trainer")]
pub mod objective;
#[cfg(feature = "trainer")]
pub mod session;
#[cfg(feature = "trainer")]
pub mod trainer;

#[cfg(not(target_family = "wasm"))]
pub mod files;
#[cfg(target_family = "wasm")]
pub mod web;

pub use config::{LrDecayConfig, ModelConfig, TrainConfig};
pub use error::{Error, Result};
#[cfg(feature = "trainer")]
pub use trainer::{Stats, Trainer};
