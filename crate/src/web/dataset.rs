//! JavaScript's handle to a parsed training set: the worker parses the IDX files once and every
//! session it makes (the Auto probes, resets, recoveries, backend moves) trains on that parse.

use super::to_js;
use crate::data::Images;
use std::cell::Cell;
use std::sync::Arc;
use wasm_bindgen::prelude::*;

thread_local! {
    /// Datasets parsed by this module instance, for the tests and benchmarks of "parsed once".
    static PARSES: Cell<u32> = const { Cell::new(0) };
}

/// Images and labels decoded from IDX files, shared by the sessions made from them. `free()`
/// drops this handle; the images live on while a session still trains on them.
#[wasm_bindgen]
pub struct Dataset {
    pub(crate) images: Arc<Images>,
}

#[wasm_bindgen]
impl Dataset {
    /// Parses an images file (idx3) and its labels file (idx1), gzip'd or not.
    pub fn parse(images: &[u8], labels: &[u8]) -> Result<Dataset, JsValue> {
        let images = Images::from_idx("dataset", images, labels).map_err(to_js)?;
        PARSES.with(|parses| parses.set(parses.get() + 1));
        Ok(Dataset { images: Arc::new(images) })
    }

    /// Number of images.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> u32 {
        self.images.len() as u32
    }

    /// How many datasets this module has parsed so far.
    pub fn parses() -> u32 {
        PARSES.with(Cell::get)
    }
}
