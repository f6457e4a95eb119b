//! JavaScript's handle to a trained generator, for the `<began-sampler>` widget: inference only,
//! on burn's CPU backend. The widget's build leaves out autodiff, the optimiser and wgpu: a grid
//! of up to 8×8 small images is a few million multiply-adds, milliseconds on a CPU, and wgpu
//! would make the download several times larger (docs/benchmarks.md, "The sampler widget").

use super::{picture as picture_js, to_js};
use crate::model::Generator;
use crate::weights::Weights;
use crate::{latent, sampler};
use burn::prelude::*;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// A generator loaded from an export (or a checkpoint) onto burn's CPU backend.
#[wasm_bindgen]
pub struct WebSampler {
    generator: Generator,
    device: Device,
    latent: usize,
}

#[wasm_bindgen]
impl WebSampler {
    /// Loads `weights` (the bytes of a `.safetensors` export). `file` names them in errors. A
    /// missing, truncated or foreign file is a `BadCheckpoint` error.
    pub fn load(weights: &[u8], file: &str) -> Result<WebSampler, JsValue> {
        let device = Device::flex();
        let weights = Weights::parse(weights, file).map_err(to_js)?;
        let generator = weights.generator(&device).map_err(to_js)?;
        Ok(WebSampler { generator, device, latent: weights.model.latent })
    }

    /// Nz, the length of one latent vector.
    #[wasm_bindgen(getter)]
    pub fn latent(&self) -> usize {
        self.latent
    }

    /// The latent points of the `draw`-th set of samples of a widget of `grid` × `grid`
    /// images with `seed`, row-major; draw 0 is the first frame (what `began poster` renders).
    pub fn points(&self, grid: usize, seed: f64, draw: f64) -> Vec<f32> {
        sampler::points(grid, self.latent, seed as u64, draw as u64)
    }

    /// G(z) for row-major latent vectors `z`, laid out `columns` to a row with a 1-pixel gap,
    /// as `{width, height, channels, pixels}`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Picture>")]
    pub fn generate(&self, z: Vec<f32>, columns: usize) -> Promise {
        let (generator, device, latent) = (self.generator.clone(), self.device.clone(), self.latent);
        future_to_promise(async move {
            let picture = sampler::frame(&generator, &device, z, latent, columns).await.map_err(to_js)?;
            Ok(picture_js(picture))
        })
    }
}

/// Spherical interpolation from `a` (t = 0) to `b` (t = 1), row by row of `latent` values.
#[wasm_bindgen]
pub fn slerp(a: &[f32], b: &[f32], t: f32, latent: usize) -> Result<Vec<f32>, JsValue> {
    if a.len() != b.len() || latent == 0 || a.len() % latent != 0 {
        let reason = format!("slerp needs two arrays of whole vectors of {latent}, got {} and {}", a.len(), b.len());
        return Err(to_js(crate::Error::ConfigFormat(reason)));
    }
    Ok(latent::slerp(a, b, t, latent))
}
