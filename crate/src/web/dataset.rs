//! JavaScript's handle to a parsed training set: the worker parses the IDX files (or gathers
//! one's own images, decoded by the browser, with an [`ImageGathering`]) once, and every session
//! it makes (the Auto probes, resets, recoveries, backend moves) trains on that parse.

use super::{to_js, to_value};
use crate::data::own::{Gathering, Skipped};
use crate::data::{Images, Origin, TrainedOn};
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
    /// One's own files left out, and why.
    skipped: Vec<Skipped>,
}

#[wasm_bindgen]
impl Dataset {
    /// Parses an images file (idx3) and its labels file (idx1), gzip'd or not, of `dataset`
    /// (`"mnist"` or `"fashion"`: what checkpoints record).
    pub fn parse(images: &[u8], labels: &[u8], dataset: &str) -> Result<Dataset, JsValue> {
        let images = Images::from_idx(dataset, images, labels).map_err(to_js)?;
        PARSES.with(|parses| parses.set(parses.get() + 1));
        Ok(Dataset { images: Arc::new(images.with_origin(Origin::dataset(dataset))), skipped: Vec::new() })
    }

    /// What the set is, as checkpoints record it: `{dataset, name?, images, size, channels}`
    /// (dataset `"images"` for one's own, named after the folder or zip).
    #[wasm_bindgen(unchecked_return_type = "TrainedOn")]
    pub fn trained_on(&self) -> Result<JsValue, JsValue> {
        to_value(&TrainedOn::of(&self.images))
    }

    /// [`Dataset::trained_on`] and the files left out: `skipped: [{file, why}]`.
    #[wasm_bindgen(unchecked_return_type = "DatasetReport")]
    pub fn report(&self) -> Result<JsValue, JsValue> {
        let mut report = serde_json::to_value(TrainedOn::of(&self.images)).expect("serialises");
        report["skipped"] = serde_json::to_value(&self.skipped).expect("serialises");
        to_value(&report)
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

#[wasm_bindgen(typescript_custom_section)]
const REPORT: &str = r#"
/** A training set as checkpoints record it: where from, and its shape. */
export interface TrainedOn { dataset: string; name?: string; images: number; size: number; channels: number }
/** A training set and (one's own images) the files left out, and why. */
export interface DatasetReport extends TrainedOn { skipped: { file: string; why: string }[] }
"#;

/// One's own images, gathered one at a time as the worker decodes them (see
/// [`crate::data::own`], which decides what is kept and skipped, and why): ask
/// [`ImageGathering::wants`] with a file's first bytes, then [`ImageGathering::crop`] with its
/// size, then [`ImageGathering::push`] its square resized to `size`; [`ImageGathering::finish`]
/// makes the [`Dataset`].
#[wasm_bindgen]
pub struct ImageGathering {
    gathering: Gathering,
}

#[wasm_bindgen]
impl ImageGathering {
    /// Images to be resized to `size` (28, 32 or 64).
    #[wasm_bindgen(constructor)]
    pub fn new(size: u32) -> Result<ImageGathering, JsValue> {
        Ok(ImageGathering { gathering: Gathering::new(size as usize).map_err(to_js)? })
    }

    /// Whether `file` of `bytes` bytes, starting with `head` (16 bytes will do), is worth
    /// decoding; if not it is skipped: not a PNG, JPEG or WebP, too large, or over the limit.
    pub fn wants(&mut self, file: &str, head: &[u8], bytes: f64) -> bool {
        self.gathering.wants(file, head, bytes as u64)
    }

    /// Whether the .zip `file` of `bytes` bytes is opened; if not (too large) it is skipped.
    pub fn wants_zip(&mut self, file: &str, bytes: f64) -> bool {
        self.gathering.wants_zip(file, bytes as u64)
    }

    /// The centred square `[x, y, side]` to crop from an image of `width` × `height`, or
    /// undefined when it is too small (it is skipped).
    pub fn crop(&mut self, file: &str, width: u32, height: u32) -> Option<Vec<u32>> {
        let square = self.gathering.crop(file, width as usize, height as usize)?;
        Some(square.iter().map(|&x| x as u32).collect())
    }

    /// Skips `file`, which the browser could not decode (`detail` says what it said).
    pub fn unreadable(&mut self, file: &str, detail: &str) {
        self.gathering.skip(file, format!("not a readable image ({detail})"));
    }

    /// Skips `file`, a .zip that could not be opened (`detail` says why).
    pub fn unreadable_zip(&mut self, file: &str, detail: &str) {
        self.gathering.skip(file, format!("not a readable zip ({detail})"));
    }

    /// Whether `path` is passed over without a word: hidden files, and what macOS adds to zips.
    pub fn ignored(path: &str) -> bool {
        crate::data::own::ignored(path)
    }

    /// Keeps an image cropped and resized to `size` × `size`, as RGBA bytes (a canvas's).
    pub fn push(&mut self, rgba: &[u8]) -> Result<(), JsValue> {
        self.gathering.push_rgba(rgba).map_err(to_js)
    }

    /// Images kept so far.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> u32 {
        self.gathering.count() as u32
    }

    /// Files skipped so far.
    #[wasm_bindgen(getter)]
    pub fn skipped(&self) -> u32 {
        self.gathering.skipped.len() as u32
    }

    /// Whether any image kept so far has colour (what `channels` defaults to).
    #[wasm_bindgen(getter)]
    pub fn colour(&self) -> bool {
        self.gathering.has_colour()
    }

    /// The training set named `name` (the folder or zip), in `channels` (1 or 3; undefined: 3
    /// if any image has colour, else 1); refused with fewer than 16 usable images, saying why.
    pub fn finish(self, name: &str, channels: Option<u32>) -> Result<Dataset, JsValue> {
        let (images, skipped) = self.gathering.finish(Origin::own(name), channels.map(|c| c as usize)).map_err(to_js)?;
        PARSES.with(|parses| parses.set(parses.get() + 1));
        Ok(Dataset { images: Arc::new(images), skipped })
    }
}
