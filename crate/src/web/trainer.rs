//! JavaScript's handle to a training session ([`crate::session`]), driven by the trainer page's
//! worker. Methods that touch the device return Promises; the state behind them stays in Rust.

use super::{busy, bytes, device, picture, to_js, to_value};
use crate::config::TrainConfig;
use crate::data::Images;
use crate::error::{Error, Result};
use crate::session::Session;
use burn::tensor::Device;
use js_sys::Promise;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

#[wasm_bindgen(typescript_custom_section)]
const PROGRESS: &str = r#"
/** Means over the steps of one `step(n)` call, with progress and speed. */
export interface Progress {
  step: number; steps: number; epoch: number; ms_per_step: number; lr: number;
  loss_real: number; loss_fake: number; loss_d: number; loss_g: number; k: number; m_global: number;
}
"#;

/// A training session owned by Rust. Create it with [`WebTrainer::create`] or [`WebTrainer::resume`].
#[wasm_bindgen]
pub struct WebTrainer {
    session: Rc<RefCell<Session>>,
    backend: String,
}

#[wasm_bindgen]
impl WebTrainer {
    /// A fresh run. `config` is any subset of the TrainConfig (defaults fill the rest), `backend`
    /// is `"cpu"` or `"webgpu"`, `images` and `labels` are IDX files, gzip'd or not.
    pub async fn create(config: JsValue, backend: String, images: Vec<u8>, labels: Vec<u8>) -> Result<WebTrainer, JsValue> {
        let config = parse_config(config).map_err(to_js)?;
        Self::start(backend, &images, &labels, |device, images| Session::new(config, device, images)).await
    }

    /// A run restored from checkpoint bytes (see [`WebTrainer::save`]) on `backend`.
    pub async fn resume(checkpoint: Vec<u8>, backend: String, images: Vec<u8>, labels: Vec<u8>) -> Result<WebTrainer, JsValue> {
        Self::start(backend, &images, &labels, |device, images| Session::resume(&checkpoint, "checkpoint", device, images)).await
    }

    /// A fresh run that starts from the weights of an export or checkpoint (fine-tuning a shipped
    /// model): the file fixes the model's shape, `config` (a subset, as in `create`) the rest.
    pub async fn from_weights(weights: Vec<u8>, config: JsValue, backend: String, images: Vec<u8>, labels: Vec<u8>) -> Result<WebTrainer, JsValue> {
        let config = parse_config(config).map_err(to_js)?;
        Self::start(backend, &images, &labels, |device, images| Session::from_weights(&weights, "model", config, device, images)).await
    }

    /// A run from a file the user chose, of either kind, as its `format` says: a checkpoint
    /// resumes as saved (and `config` is not read: the form may hold a refused value); an export
    /// starts a fresh run of `config` (a subset, as in `create`) from its weights.
    pub async fn open(file: Vec<u8>, config: JsValue, backend: String, images: Vec<u8>, labels: Vec<u8>) -> Result<WebTrainer, JsValue> {
        Self::start(backend, &images, &labels, |device, images| Session::open(&file, "checkpoint", device, images, || parse_config(config))).await
    }

    /// `"cpu"` or `"webgpu"`.
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> String {
        self.backend.clone()
    }

    /// Steps done so far.
    #[wasm_bindgen(getter)]
    pub fn step_count(&self) -> Result<f64, JsValue> {
        Ok(self.borrow()?.trainer.step as f64)
    }

    /// The run's whole config, as saved in its checkpoints.
    pub fn config(&self) -> Result<JsValue, JsValue> {
        to_value(&self.borrow()?.trainer.config)
    }

    /// Runs `n` steps and resolves to their means: `{step, steps, loss_real, loss_fake, loss_d,
    /// loss_g, k, m_global, lr, epoch, ms_per_step}`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Progress>")]
    pub fn step(&self, n: u32) -> Promise {
        let session = self.session.clone();
        future_to_promise(async move {
            let mut session = session.try_borrow_mut().map_err(|_| busy())?;
            let progress = session.step(n).await.map_err(to_js)?;
            to_value(&progress)
        })
    }

    /// k_t now.
    #[wasm_bindgen(unchecked_return_type = "Promise<number>")]
    pub fn k(&self) -> Promise {
        self.reading(async |session| Ok(JsValue::from_f64(session.k().await.map_err(to_js)? as f64)))
    }

    /// The 8×8 grid of samples on the fixed z: `{width, height, channels, pixels: Uint8Array}`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Picture>")]
    pub fn samples(&self) -> Promise {
        self.reading(async |session| Ok(picture(session.samples().await.map_err(to_js)?)))
    }

    /// Rows of real images, their reconstructions D(x), fakes G(z) and D(G(z)), as one picture.
    #[wasm_bindgen(unchecked_return_type = "Promise<Picture>")]
    pub fn reconstructions(&self) -> Promise {
        self.reading(async |session| Ok(picture(session.reconstructions().await.map_err(to_js)?)))
    }

    /// Live changes to γ, λ_k, the learning rate and the mode-seeking weight; out-of-range
    /// values are refused and the run is left as it was.
    pub fn set_hyperparameters(&self, gamma: f64, lambda_k: f64, lr: f64, mode_seeking: f64) -> Result<(), JsValue> {
        let mut session = self.session.try_borrow_mut().map_err(|_| busy())?;
        session.set_hyperparameters(gamma, lambda_k, lr, mode_seeking).map_err(to_js)
    }

    /// A checkpoint (safetensors) of the whole run; refused if the run has diverged.
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn save(&self) -> Promise {
        self.reading(async |session| Ok(bytes(&session.save().await.map_err(to_js)?)))
    }

    /// The weights alone (safetensors), as the sampler widget loads them.
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn export(&self) -> Promise {
        self.reading(async |session| Ok(bytes(&session.export().await.map_err(to_js)?)))
    }
}

impl WebTrainer {
    /// The device, the decoded dataset, then the session `build` makes of them.
    async fn start(
        backend: String,
        images: &[u8],
        labels: &[u8],
        build: impl FnOnce(&Device, Images) -> Result<Session>,
    ) -> Result<WebTrainer, JsValue> {
        let device = device(&backend).await.map_err(to_js)?;
        let images = Images::from_idx("dataset", images, labels).map_err(to_js)?;
        let session = build(&device, images).map_err(to_js)?;
        Ok(WebTrainer { session: Rc::new(RefCell::new(session)), backend })
    }

    fn borrow(&self) -> Result<std::cell::Ref<'_, Session>, JsValue> {
        self.session.try_borrow().map_err(|_| busy())
    }

    /// Runs `task` on the session as a Promise, unless a call that changes it is in flight.
    fn reading(&self, task: impl AsyncFnOnce(&Session) -> Result<JsValue, JsValue> + 'static) -> Promise {
        let session = self.session.clone();
        future_to_promise(async move {
            let session = session.try_borrow().map_err(|_| busy())?;
            task(&session).await
        })
    }
}

fn parse_config(config: JsValue) -> Result<TrainConfig> {
    if config.is_undefined() || config.is_null() {
        return Ok(TrainConfig::new());
    }
    let json: serde_json::Value = serde_wasm_bindgen::from_value(config).map_err(|e| Error::ConfigFormat(e.to_string()))?;
    TrainConfig::from_partial(json)
}

