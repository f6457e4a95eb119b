//! The one wasm boundary: what JavaScript sees of the library.
//!
//! [`trainer`] drives a training session (the trainer page's worker) on a [`dataset`] parsed
//! once; [`judge`] scores its samples with a classifier (the page's quality worker); [`sampler`]
//! draws from a trained generator (the `<began-sampler>` widget, built without the trainer). Everything
//! returns `Result<_, Error>` until the last line of each export, where the error becomes a JS
//! `Error` whose `name` says what kind it is (`InvalidConfig`, `BadData`, `BadCheckpoint`,
//! `Diverged`, `DeviceError`, `Busy`), so JavaScript can react to each kind.

#[cfg(feature = "trainer")]
pub mod dataset;
#[cfg(feature = "trainer")]
pub mod judge;
pub mod sampler;
#[cfg(feature = "trainer")]
pub mod trainer;

use crate::error::{Error, Result};
use crate::grid::Picture;
use burn::tensor::Device;
use js_sys::{Object, Reflect, Uint8Array};
use std::cell::RefCell;
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

/// Whether this browser offers WebGPU at all (`navigator.gpu`); an adapter may still be refused.
#[wasm_bindgen]
pub fn has_webgpu() -> bool {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).unwrap_or(JsValue::UNDEFINED);
    !navigator.is_undefined() && Reflect::get(&navigator, &"gpu".into()).is_ok_and(|gpu| !gpu.is_undefined())
}

/// The page's WebGPU device: burn's handle and wgpu's, kept to be able to destroy it.
#[derive(Clone)]
struct WebGpu {
    device: Device,
    gpu: burn::tensor::wgpu::wgpu::Device,
}

thread_local! {
    /// burn's wgpu runtime can be initialised once per page; later sessions reuse its device.
    static WEBGPU: RefCell<Option<WebGpu>> = const { RefCell::new(None) };
}

/// Destroys the page's WebGPU device, as a driver reset or an unplugged GPU would, so that the
/// recovery from a lost device can be exercised (tests, the page's `?debug=1`). Returns whether
/// there was a device. Every later use of it is a `DeviceError`: burn marks a lost device and
/// refuses work on it.
#[wasm_bindgen]
pub fn lose_webgpu_device() -> bool {
    WEBGPU.with(|cell| cell.borrow().as_ref().map(|webgpu| webgpu.gpu.destroy())).is_some()
}

pub(crate) async fn device(backend: &str) -> Result<Device> {
    match backend {
        "cpu" => Ok(Device::flex()),
        "webgpu" => {
            if let Some(webgpu) = WEBGPU.with(|cell| cell.borrow().clone()) {
                return Ok(webgpu.device);
            }
            if !has_webgpu() {
                return Err(Error::Device("this browser has no WebGPU (navigator.gpu is missing)".into()));
            }
            let (device, setup) = crate::gpu::wgpu_options()
                .init_with_setup_async()
                .await
                .map_err(|e| Error::Device(format!("no WebGPU adapter or device was granted ({e})")))?;
            WEBGPU.with(|cell| *cell.borrow_mut() = Some(WebGpu { device: device.clone(), gpu: setup.device }));
            Ok(device)
        }
        other => Err(Error::ConfigFormat(format!("backend must be \"cpu\" or \"webgpu\", got {other:?}"))),
    }
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
