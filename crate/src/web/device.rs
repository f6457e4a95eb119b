//! The burn device a training session runs on in the page: burn's CPU backend, or WebGPU where
//! the build has it (the `webgpu` feature) and the browser grants an adapter.

use crate::error::{Error, Result};
use burn::tensor::Device;
use js_sys::Reflect;
#[cfg(feature = "webgpu")]
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// Whether this browser offers WebGPU at all (`navigator.gpu`); an adapter may still be refused.
#[wasm_bindgen]
pub fn has_webgpu() -> bool {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).unwrap_or(JsValue::UNDEFINED);
    !navigator.is_undefined() && Reflect::get(&navigator, &"gpu".into()).is_ok_and(|gpu| !gpu.is_undefined())
}

/// The page's WebGPU device: burn's handle and wgpu's, kept to be able to destroy it.
#[cfg(feature = "webgpu")]
#[derive(Clone)]
struct WebGpu {
    device: Device,
    gpu: burn::tensor::wgpu::wgpu::Device,
}

#[cfg(feature = "webgpu")]
thread_local! {
    /// burn's wgpu runtime can be initialised once per page; later sessions reuse its device.
    static WEBGPU: RefCell<Option<WebGpu>> = const { RefCell::new(None) };
}

/// Destroys the page's WebGPU device, as a driver reset or an unplugged GPU would, so that the
/// recovery from a lost device can be exercised (tests, the page's `?debug=1`). Returns whether
/// there was a device. Every later use of it is a `DeviceError`: burn marks a lost device and
/// refuses work on it.
#[cfg(feature = "webgpu")]
#[wasm_bindgen]
pub fn lose_webgpu_device() -> bool {
    WEBGPU.with(|cell| cell.borrow().as_ref().map(|webgpu| webgpu.gpu.destroy())).is_some()
}

/// Threads burn's CPU backend computes on: 1, or in the `threads` build the pool that
/// `initThreadPool(n)` (wasm-bindgen-rayon) started in Web Workers.
#[wasm_bindgen]
pub fn cpu_threads() -> usize {
    #[cfg(feature = "threads")]
    return rayon::current_num_threads();
    #[cfg(not(feature = "threads"))]
    return 1;
}

pub(crate) async fn device(backend: &str) -> Result<Device> {
    match backend {
        "cpu" => Ok(Device::flex()),
        #[cfg(not(feature = "webgpu"))]
        "webgpu" => Err(Error::Device("this build has burn's CPU backend only (built without the `webgpu` feature)".into())),
        #[cfg(feature = "webgpu")]
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
