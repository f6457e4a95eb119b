//! What the fuzz targets share: one input split into two files, and the CPU device.

use burn::prelude::Device;
use std::sync::OnceLock;

/// Splits one fuzz input into two files: a little-endian u32 length, that many bytes of the
/// first file (fewer if the input ends), and the rest as the second. `pkg-scripts/fuzz-corpus.mjs`
/// writes seeds in this layout.
pub fn two_files(data: &[u8]) -> (&[u8], &[u8]) {
    let Some((length, rest)) = data.split_first_chunk::<4>() else { return (data, &[]) };
    rest.split_at((u32::from_le_bytes(*length) as usize).min(rest.len()))
}

/// burn's CPU backend, made once: the page's fallback and the CLI's default.
pub fn cpu() -> &'static Device {
    static DEVICE: OnceLock<Device> = OnceLock::new();
    DEVICE.get_or_init(Device::flex)
}
