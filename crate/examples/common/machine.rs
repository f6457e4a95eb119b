//! What the benchmarks ran on, and how much memory they held (Linux's /proc).

/// The CPU model and the threads available.
pub fn describe() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| info.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let memory = status_mib("/proc/meminfo", "MemTotal:").map(|m| format!(", {:.0} GiB", m / 1024.0)).unwrap_or_default();
    format!("{cpu}, {threads} threads{memory}")
}

/// The adapter wgpu picks by default, e.g. "llvmpipe (LLVM 19.1.7, 256 bits), Vulkan, Cpu".
#[allow(dead_code)] // used by bench.rs only
pub fn wgpu_adapter() -> String {
    use burn::tensor::wgpu::wgpu;
    let instance = wgpu::Instance::default();
    match futures_lite::future::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions::default())) {
        Ok(adapter) => {
            let info = adapter.get_info();
            format!("{}, {:?}, {:?}", info.name, info.backend, info.device_type)
        }
        Err(e) => format!("adapter unknown: {e}"),
    }
}

/// Peak resident memory of this process (VmHWM), in MiB.
pub fn peak_memory_mib() -> Option<f64> {
    status_mib("/proc/self/status", "VmHWM:")
}

/// Resident memory of this process now (VmRSS), in MiB.
#[allow(dead_code)] // used by bench_run.rs only
pub fn memory_mib() -> Option<f64> {
    status_mib("/proc/self/status", "VmRSS:")
}

fn status_mib(file: &str, key: &str) -> Option<f64> {
    let status = std::fs::read_to_string(file).ok()?;
    let kib: f64 = status.lines().find(|l| l.starts_with(key))?.split_whitespace().nth(1)?.parse().ok()?;
    Some((kib / 1024.0 * 10.0).round() / 10.0)
}
