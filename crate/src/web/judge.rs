//! JavaScript's handle to a classifier that judges generators, for the trainer page's quality
//! worker: it gets the trainer's exports and answers with the class histogram, mode coverage,
//! KL to uniform and the Fréchet distance (see [`crate::quality`]). It runs on the CPU, in its
//! own worker, so judging does not slow training.

use super::{to_js, to_value};
use crate::classifier::{self, Judge};
use crate::data::Images;
use crate::quality::{Best, JUDGE_SEED, JUDGED};
use crate::weights::Weights;
use burn::tensor::Device;
use js_sys::Promise;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

#[wasm_bindgen(typescript_custom_section)]
const QUALITY: &str = r#"
/** What the classifier makes of `n` samples; see `began eval`. */
export interface Quality { n: number; histogram: number[]; coverage: number; kl_uniform: number; frechet: number }
"#;

#[wasm_bindgen]
pub struct WebJudge {
    judge: Rc<Judge>,
    dataset: String,
    test_accuracy: f64,
}

#[wasm_bindgen]
impl WebJudge {
    /// A classifier file (`began classifier train`) and the test split it is measured against
    /// (IDX files, gzip'd or not), whose features are computed now, once.
    pub async fn create(classifier: Vec<u8>, images: Vec<u8>, labels: Vec<u8>) -> Result<WebJudge, JsValue> {
        let device = Device::flex();
        let loaded = classifier::from_bytes(&classifier, "classifier", &device).map_err(to_js)?;
        let test = Images::from_idx("test split", &images, &labels).map_err(to_js)?;
        let judge = Judge::new(loaded.classifier, &test, &device).await.map_err(to_js)?;
        Ok(WebJudge { judge: Rc::new(judge), dataset: loaded.dataset, test_accuracy: loaded.test_accuracy })
    }

    /// The dataset the classifier knows, `"mnist"` or `"fashion"`.
    #[wasm_bindgen(getter)]
    pub fn dataset(&self) -> String {
        self.dataset.clone()
    }

    /// Its accuracy on the test split, as its file says.
    #[wasm_bindgen(getter)]
    pub fn test_accuracy(&self) -> f64 {
        self.test_accuracy
    }

    /// Judges `n` samples (default [`JUDGED`], as `began train --classifier`) of the generator in
    /// `weights` (a kept generator, an export or a checkpoint) on z from `seed` (default
    /// [`JUDGE_SEED`]).
    #[wasm_bindgen(unchecked_return_type = "Promise<Quality>")]
    pub fn judge(&self, weights: Vec<u8>, n: Option<u32>, seed: Option<f64>) -> Promise {
        let judge = self.judge.clone();
        let (n, seed) = (n.map_or(JUDGED, |n| n as usize), seed.map_or(JUDGE_SEED, |seed| seed as u64));
        future_to_promise(async move {
            let weights = Weights::parse(&weights, "generator").map_err(to_js)?;
            let device = Device::flex();
            let generator = weights.generator(&device).map_err(to_js)?;
            let quality = judge.judge(|z| generator.forward(z), &device, weights.model.latent, n, seed).await.map_err(to_js)?;
            to_value(&quality)
        })
    }
}

/// The best judged state of a run (see [`Best`]): the quality worker offers it each judgement,
/// and the page keeps the checkpoint of the state it calls best, to go back to on a collapse.
#[wasm_bindgen]
#[derive(Default)]
pub struct BestState {
    best: Best,
}

#[wasm_bindgen]
impl BestState {
    #[wasm_bindgen(constructor)]
    pub fn new() -> BestState {
        BestState::default()
    }

    /// True when this judged state is better than every one offered before (it then is the best).
    pub fn offer(&mut self, step: f64, coverage: u32, frechet: f64) -> bool {
        self.best.offer(step as u64, coverage as usize, frechet)
    }

    /// The step of the best state so far, or undefined.
    #[wasm_bindgen(getter)]
    pub fn step(&self) -> Option<f64> {
        self.best.best().map(|(step, ..)| step as f64)
    }
}
