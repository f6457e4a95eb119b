//! The one wasm boundary: what JavaScript sees of the library.
//!
//! [`trainer`] drives a training session (the trainer page's worker) on a [`dataset`] parsed
//! once; [`judge`] scores its samples with a classifier (the page's quality worker); [`sampler`]
//! draws from a trained generator (the `<began-sampler>` widget, built without the trainer). Everything
//! returns `Result<_, Error>` until the last line of each export, where the error becomes a JS
//! `Error` whose `name` says what kind it is (`InvalidConfig`, `BadData`, `BadCheckpoint`,
//! `Diverged`, `DeviceError`, `Busy`), so JavaScript can react to each kind. [`device`] picks the
//! burn device a session trains on.

#[cfg(feature = "trainer")]
pub mod dataset;
#[cfg(feature = "trainer")]
mod device;
#[cfg(feature = "trainer")]
pub mod judge;
pub mod sampler;
#[cfg(feature = "trainer")]
pub mod trainer;

#[cfg(feature = "trainer")]
pub(crate) use device::device;
#[cfg(feature = "trainer")]
pub use device::{cpu_threads, has_webgpu};
/// `initThreadPool(n)`: starts the CPU backend's n threads in Web Workers (the `threads` build).
#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;
#[cfg(all(feature = "trainer", feature = "webgpu"))]
pub use device::lose_webgpu_device;

#[cfg(feature = "trainer")]
use crate::error::Result;
use crate::error::Error;
use crate::grid::Picture;
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const PICTURE: &str = r#"
/** Row-major 8-bit pixels, 1 (gray) or 3 (RGB) channels. */
export interface Picture { width: number; height: number; channels: number; pixels: Uint8Array }
"#;

/// Runs once when the module is instantiated: panics reach the console with their message.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

#[cfg(feature = "trainer")]
pub(crate) fn bytes(bytes: &[u8]) -> JsValue {
    Uint8Array::from(bytes).into()
}

#[cfg(feature = "trainer")]
pub(crate) fn to_value<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| to_js(Error::Device(format!("could not pass a result to JavaScript: {e}"))))
}

pub(crate) fn picture(picture: Picture) -> JsValue {
    let object = Object::new();
    let set = |key: &str, value: JsValue| Reflect::set(&object, &key.into(), &value).expect("setting a field of a new object");
    set("width", (picture.width as f64).into());
    set("height", (picture.height as f64).into());
    set("channels", (picture.channels as f64).into());
    set("pixels", Uint8Array::from(picture.pixels.as_slice()).into());
    object.into()
}

#[cfg(feature = "trainer")]
pub(crate) fn busy() -> JsValue {
    named_error("Busy", "the trainer is busy with another call; wait for it to finish")
}

/// The library's error as a JS `Error` named after its kind.
pub(crate) fn to_js(error: Error) -> JsValue {
    let name = match &error {
        Error::InvalidConfig { .. } | Error::ConfigFormat(_) => "InvalidConfig",
        Error::BadData { .. } => "BadData",
        Error::BadCheckpoint { .. } | Error::WrongFormat { .. } => "BadCheckpoint",
        Error::NonFinite { .. } => "Diverged",
        Error::Device(_) | Error::Io { .. } => "DeviceError",
    };
    named_error(name, &error.to_string())
}

fn named_error(name: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name(name);
    error.into()
}
