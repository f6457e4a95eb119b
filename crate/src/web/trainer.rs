//! JavaScript's handle to a training session ([`crate::session`]), driven by the trainer page's
//! worker. Methods that touch the device return Promises; the state behind them stays in Rust.

use super::dataset::Dataset;
use super::{busy, bytes, device, picture, to_js, to_value};
use crate::config::TrainConfig;
use crate::data::Images;
use crate::error::{Error, Result};
use crate::session::Session;
use burn::tensor::Device;
use js_sys::{Object, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
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

#[wasm_bindgen(typescript_custom_section)]
const KEPT: &str = r#"
/** A kept state: the checkpoint, and the sampled generator alone (for the quality worker). */
export interface Kept { step: number; checkpoint: Uint8Array; generator: Uint8Array }
"#;

/// A training session owned by Rust. Create it with [`WebTrainer::create`], [`WebTrainer::open`],
/// [`WebTrainer::resume`] or [`WebTrainer::from_weights`], on a [`Dataset`] parsed once.
#[wasm_bindgen]
pub struct WebTrainer {
    session: Rc<RefCell<Session>>,
    /// Changed by `move_to` and `restore`, which replace the session in place.
    backend: Rc<RefCell<String>>,
}

#[wasm_bindgen]
impl WebTrainer {
    /// A fresh run. `config` is any subset of the TrainConfig (defaults fill the rest; the
    /// image size and channels are the dataset's), `backend` is `"cpu"` or `"webgpu"`.
    pub async fn create(config: JsValue, backend: String, dataset: &Dataset) -> Result<WebTrainer, JsValue> {
        let config = config_for(config, dataset).map_err(to_js)?;
        Self::start(backend, dataset, |device, images| Session::new(config, device, images)).await
    }

    /// A run restored from checkpoint bytes (see [`WebTrainer::save`]) on `backend`.
    pub async fn resume(checkpoint: Vec<u8>, backend: String, dataset: &Dataset) -> Result<WebTrainer, JsValue> {
        Self::start(backend, dataset, |device, images| Session::resume(&checkpoint, "checkpoint", device, images)).await
    }

    /// A fresh run that starts from the weights of an export or checkpoint (fine-tuning a shipped
    /// model): the file fixes the model's shape, `config` (a subset, as in `create`) the rest.
    pub async fn from_weights(weights: Vec<u8>, config: JsValue, backend: String, dataset: &Dataset) -> Result<WebTrainer, JsValue> {
        let config = config_for(config, dataset).map_err(to_js)?;
        Self::start(backend, dataset, |device, images| Session::from_weights(&weights, "model", config, device, images)).await
    }

    /// A run from a file the user chose, of either kind, as its `format` says: a checkpoint
    /// resumes as saved (and `config` is not read: the form may hold a refused value); an export
    /// starts a fresh run of `config` (a subset, as in `create`) from its weights. `name` names
    /// the file in errors (by default "checkpoint").
    pub async fn open(file: Vec<u8>, config: JsValue, backend: String, dataset: &Dataset, name: Option<String>) -> Result<WebTrainer, JsValue> {
        let name = name.unwrap_or_else(|| "checkpoint".into());
        Self::start(backend, dataset, |device, images| Session::open(&file, &name, device, images, || config_for(config, dataset))).await
    }

    /// Moves the run, at its current step, to `backend`; if that fails (a diverged state, a
    /// device that will not start) the run stays where it was.
    pub fn move_to(&self, backend: String) -> Promise {
        self.replacing(backend, async |session, device| session.moved_to(device).await)
    }

    /// A run moved here from the page's other wasm build (www/js/engines.js): `checkpoint`, its
    /// state now (see [`WebTrainer::save`]), which is also its last good state, as after
    /// [`WebTrainer::move_to`], and the state it held, from the other build's
    /// [`WebTrainer::held_state`].
    pub async fn moved_in(checkpoint: Vec<u8>, held_step: Option<f64>, held: Option<Vec<u8>>, backend: String, dataset: &Dataset) -> Result<WebTrainer, JsValue> {
        let held = held_step.zip(held).map(|(step, bytes)| (step as u64, bytes));
        Self::start(backend, dataset, |device, images| Session::moved_in(checkpoint, held, device, images)).await
    }

    /// The held state (see [`WebTrainer::hold`]) as `{step, checkpoint}`, or undefined: what a
    /// move into the other build carries along.
    #[wasm_bindgen(unchecked_return_type = "{ step: number; checkpoint: Uint8Array } | undefined")]
    pub fn held_state(&self) -> Result<JsValue, JsValue> {
        let session = self.borrow()?;
        let Some((step, checkpoint)) = session.held() else { return Ok(JsValue::UNDEFINED) };
        let object = Object::new();
        Reflect::set(&object, &"step".into(), &(*step as f64).into())?;
        Reflect::set(&object, &"checkpoint".into(), &bytes(checkpoint))?;
        Ok(object.into())
    }

    /// Goes back to the last kept state (see [`WebTrainer::keep`]) on `backend`: after a
    /// diverged step, or on the CPU after a lost GPU device (nothing is read from it).
    pub fn restore(&self, backend: String) -> Promise {
        self.replacing(backend, async |session, device| session.restored_on(device))
    }

    /// Steps between kept states ([`crate::session::KEEP_EVERY`]), which the page judges.
    pub fn keep_every() -> u32 {
        crate::session::KEEP_EVERY as u32
    }

    /// Holds the last kept state if it is the one of `step` (the best judged so far), to go back
    /// to with [`WebTrainer::go_back`]; false when a later state was kept since.
    pub fn hold(&self, step: f64) -> Result<bool, JsValue> {
        let mut session = self.session.try_borrow_mut().map_err(|_| busy())?;
        Ok(session.hold(step as u64))
    }

    /// Goes back to the held state (see [`WebTrainer::hold`]) on `backend`; the run stays as it
    /// was if nothing is held.
    pub fn go_back(&self, backend: String) -> Promise {
        self.replacing(backend, async |session, device| session.held_restored_on(device))
    }

    /// `"cpu"` or `"webgpu"`.
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> String {
        self.backend.borrow().clone()
    }

    /// The step of the last kept state, or undefined before the first `keep`.
    #[wasm_bindgen(getter)]
    pub fn kept_step(&self) -> Result<Option<f64>, JsValue> {
        Ok(self.borrow()?.last_good_step().map(|step| step as f64))
    }

    /// Steps done so far.
    #[wasm_bindgen(getter)]
    pub fn step_count(&self) -> Result<f64, JsValue> {
        Ok(self.borrow()?.trainer.step as f64)
    }

    /// When the run was resumed from a checkpoint of another training set, a sentence saying
    /// which set each is; otherwise undefined.
    #[wasm_bindgen(getter)]
    pub fn data_change(&self) -> Result<Option<String>, JsValue> {
        Ok(self.borrow()?.data_change())
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

    /// What D makes of real and generated images, as one picture: BEGAN's rows of real images,
    /// their reconstructions D(x), fakes G(z) and D(G(z)); a critic's rows of real and fake
    /// images, with `scores`: D's score of each, real first (a Float32Array).
    #[wasm_bindgen(unchecked_return_type = "Promise<Picture & { scores?: Float32Array }>")]
    pub fn reconstructions(&self) -> Promise {
        self.reading(async |session| {
            let (panel, scores) = session.reconstructions().await.map_err(to_js)?;
            let panel = picture(panel);
            if let Some(scores) = scores {
                let scores = js_sys::Float32Array::from(scores.as_slice());
                js_sys::Reflect::set(&panel, &"scores".into(), &scores).map_err(|_| to_js(crate::error::Error::Device("could not pass D's scores to JavaScript".into())))?;
            }
            Ok(panel)
        })
    }

    /// Live changes to γ, λ_k, the learning rate and the mode-seeking weight; out-of-range
    /// values are refused and the run is left as it was.
    pub fn set_hyperparameters(&self, gamma: f64, lambda_k: f64, lr: f64, mode_seeking: f64) -> Result<(), JsValue> {
        let mut session = self.session.try_borrow_mut().map_err(|_| busy())?;
        session.set_hyperparameters(gamma, lambda_k, lr, mode_seeking).map_err(to_js)
    }

    /// Keeps the current state as the one `restore` goes back to, and resolves to it (see
    /// [`Session::keep`]); refused if the run has diverged, the last kept state staying as it was.
    #[wasm_bindgen(unchecked_return_type = "Promise<Kept>")]
    pub fn keep(&self) -> Promise {
        let session = self.session.clone();
        future_to_promise(async move {
            let mut session = session.try_borrow_mut().map_err(|_| busy())?;
            let kept = session.keep().await.map_err(to_js)?;
            let object = Object::new();
            let set = |key: &str, value: JsValue| Reflect::set(&object, &key.into(), &value).map(|_| ());
            set("step", (session.trainer.step as f64).into())?;
            set("checkpoint", bytes(&kept.checkpoint))?;
            set("generator", bytes(&kept.generator))?;
            Ok(object.into())
        })
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
    /// The device, then the session `build` makes of it and the dataset's images.
    async fn start(backend: String, dataset: &Dataset, build: impl FnOnce(&Device, Arc<Images>) -> Result<Session>) -> Result<WebTrainer, JsValue> {
        let images = dataset.images.clone();
        let device = device(&backend).await.map_err(to_js)?;
        let session = build(&device, images).map_err(to_js)?;
        Ok(WebTrainer { session: Rc::new(RefCell::new(session)), backend: Rc::new(RefCell::new(backend)) })
    }

    /// Replaces the session with the one `make` builds from it on `backend`'s device; on an
    /// error the session is left as it was.
    fn replacing(&self, backend: String, make: impl AsyncFnOnce(&Session, &Device) -> Result<Session> + 'static) -> Promise {
        let (session, current) = (self.session.clone(), self.backend.clone());
        future_to_promise(async move {
            let mut session = session.try_borrow_mut().map_err(|_| busy())?;
            let device = device(&backend).await.map_err(to_js)?;
            *session = make(&session, &device).await.map_err(to_js)?;
            *current.borrow_mut() = backend;
            Ok(JsValue::UNDEFINED)
        })
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

/// The partial config from JavaScript, completed from the defaults, for a model that draws the
/// dataset's images (their size and channels: one's own may be 32×32 RGB).
fn config_for(config: JsValue, dataset: &Dataset) -> Result<TrainConfig> {
    let config = if config.is_undefined() || config.is_null() {
        TrainConfig::new()
    } else {
        let json: serde_json::Value = serde_wasm_bindgen::from_value(config).map_err(|e| Error::ConfigFormat(e.to_string()))?;
        TrainConfig::from_partial(json)?
    };
    let model = crate::data::own::model_for(&dataset.images, config.model.clone());
    let config = TrainConfig { model, ..config };
    config.validate()?;
    Ok(config)
}

