//! How the page and the CLI start burn's wgpu runtime: one place for its settings.

use burn::BurnConfig;
use burn::tensor::Device;
use burn::tensor::wgpu::WgpuOptions;
use burn_std::config::RuntimeConfig;

/// Kernels queued before the runtime submits them to the GPU. cubecl's default (32) made one
/// default training step ~100 queue submits on WebGPU (issue 13's count); each submit is a
/// round of API and driver work. 512 still hands the GPU work every few hundred dispatches,
/// so it is not left idle while a step is encoded (natively the runtime also waits on every
/// 512 tasks submitted, which bounds how far the CPU runs ahead).
pub const TASKS_PER_SUBMIT: usize = 512;

/// Independent blocks burn's fusion search may keep open at once. Its default (5) let the
/// search interleave the step's many independent chains (Adam's update of each weight, the
/// ELU gradients between convolutions) into plans it then found unexecutable, and it ran those
/// segments unfused ("[repair] falling back to unfused stream order" in `BURN_FUSION_LOG=medium`):
/// 13 such segments in the first 4 steps of a default run. With 1 there were none, and the
/// fused kernels covered ~40% more operations (pkg-scripts/bench-gpu.mjs has the counts).
pub const FUSION_MAX_BLOCKS: usize = 1;

/// burn's wgpu options with this project's settings; sets the fusion search first.
pub fn wgpu_options() -> WgpuOptions {
    configure_fusion();
    Device::wgpu_options().tasks_max(TASKS_PER_SUBMIT)
}

/// Sets [`FUSION_MAX_BLOCKS`] in burn's global config, on top of what burn would read
/// (natively a `burn.toml` and `BURN_FUSION_LOG`). Once burn has read its config it is fixed, so
/// a second call, or one after other wgpu work, keeps what is there.
fn configure_fusion() {
    #[cfg(not(target_family = "wasm"))]
    let config = BurnConfig::from_current_dir().override_from_env();
    #[cfg(target_family = "wasm")]
    let config = BurnConfig::default();
    let Ok(mut json) = serde_json::to_value(config) else { return };
    json["fusion"]["beam_search"]["max_blocks"] = FUSION_MAX_BLOCKS.into();
    if let Ok(config) = serde_json::from_value::<BurnConfig>(json) {
        BurnConfig::try_set(config);
    }
}
