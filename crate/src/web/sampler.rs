//! JavaScript's handle to a trained generator, for the `<began-sampler>` widget: inference only,
//! so the widget's build leaves out autodiff and the optimiser.

use super::{device, picture, to_js};
use crate::error::Result;
use crate::grid::grid;
use crate::latent;
use crate::model::Generator;
use crate::named::read;
use crate::weights::Weights;
use burn::prelude::*;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// A generator loaded from an export (or a checkpoint) onto the CPU or WebGPU.
#[wasm_bindgen]
pub struct WebSampler {
    generator: Generator,
    device: Device,
    latent: usize,
    backend: String,
}

#[wasm_bindgen]
impl WebSampler {
    /// Loads `weights` (the bytes of a `.safetensors` export) on `backend`, `"cpu"` or
    /// `"webgpu"`. `file` names them in errors. A missing, truncated or foreign file is a
    /// `BadCheckpoint` error.
    pub async fn load(weights: Vec<u8>, file: String, backend: String) -> Result<WebSampler, JsValue> {
        let device = device(&backend).await.map_err(to_js)?;
        let weights = Weights::parse(&weights, &file).map_err(to_js)?;
        let generator = weights.generator(&device).map_err(to_js)?;
        Ok(WebSampler { generator, device, latent: weights.model.latent, backend })
    }

    /// `"cpu"` or `"webgpu"`.
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> String {
        self.backend.clone()
    }

    /// Nz, the length of one latent vector.
    #[wasm_bindgen(getter)]
    pub fn latent(&self) -> usize {
        self.latent
    }

    /// `n` latent vectors z ~ U(-1, 1)^Nz, row-major; the same `seed` gives the same vectors.
    pub fn random_z(&self, n: usize, seed: f64) -> Vec<f32> {
        latent::uniform(n, self.latent, seed as u64)
    }

    /// G(z) for row-major latent vectors `z`, laid out `columns` to a row with a 1-pixel gap,
    /// as `{width, height, channels, pixels}`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Picture>")]
    pub fn generate(&self, z: Vec<f32>, columns: usize) -> Promise {
        let (generator, device, latent) = (self.generator.clone(), self.device.clone(), self.latent);
        future_to_promise(async move {
            let images = generate(&generator, &device, z, latent).await.map_err(to_js)?;
            Ok(picture(grid(&images, columns)))
        })
    }
}

async fn generate(generator: &Generator, device: &Device, z: Vec<f32>, latent: usize) -> Result<crate::named::HostTensor> {
    if z.is_empty() || z.len() % latent != 0 {
        let reason = format!("{} latent values are not whole vectors of {latent}", z.len());
        return Err(crate::Error::ConfigFormat(reason));
    }
    let n = z.len() / latent;
    let z = Tensor::<2>::from_data(TensorData::new(z, [n, latent]), device); // [n, Nz]
    read(generator.forward(z)).await // [n, channels, size, size]
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
