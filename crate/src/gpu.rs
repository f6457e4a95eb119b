//! How the page and the CLI start burn's wgpu runtime: one place for its settings.

use burn::tensor::Device;
use burn::tensor::wgpu::WgpuOptions;

/// Kernels queued before the runtime submits them to the GPU. cubecl's default (32) made one
/// default training step ~100 queue submits on WebGPU (issue 13's count); each submit is a
/// round of API and driver work. 512 still hands the GPU work every few hundred dispatches,
/// so it is not left idle while a step is encoded (natively the runtime also waits on every
/// 512 tasks submitted, which bounds how far the CPU runs ahead).
pub const TASKS_PER_SUBMIT: usize = 512;

/// burn's wgpu options with this project's settings.
pub fn wgpu_options() -> WgpuOptions {
    Device::wgpu_options().tasks_max(TASKS_PER_SUBMIT)
}
