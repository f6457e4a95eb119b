pub mod args;
pub mod eval;
pub mod png;
pub mod quality;
pub mod sample;
pub mod sweep;
pub mod train;

use began::Error;
use began::error::Error as LibError;

/// A bad invocation (exit 2) or a failure while running (exit 1), the latter possibly with a
/// note on what was kept.
pub enum Failure {
    Usage(String),
    Run(Error),
    RunWithNote(Error, String),
}

impl From<LibError> for Failure {
    fn from(e: LibError) -> Self {
        match e {
            LibError::InvalidConfig { .. } => Failure::Usage(format!("--{e}")),
            e => Failure::Run(e),
        }
    }
}

pub type Outcome = Result<(), Failure>;

/// Runs a future to completion: natively nothing else needs the thread.
pub fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    futures_lite::future::block_on(future)
}

/// The burn device for a backend, or an error saying why it is unavailable.
pub fn device(backend: args::Backend) -> Result<burn::tensor::Device, Failure> {
    match backend {
        args::Backend::Cpu => Ok(burn::tensor::Device::flex()),
        args::Backend::Wgpu => began::gpu::wgpu_options()
            .init()
            .map_err(|e| Failure::Run(LibError::Device(format!("no usable wgpu adapter ({e}); try --backend cpu")))),
    }
}
