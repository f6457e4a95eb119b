//! Training speed on the native CPU backend (flex), printed as JSON. Not a test: run it with
//! `pkg-scripts/bench`. Uses real MNIST from www/data.

use began::data::{Batches, Split, load};
use began::{TrainConfig, Trainer};
use burn::tensor::Device;
use futures_lite::future::block_on;
use std::path::Path;
use std::time::Instant;

const WARMUP: u64 = 3;
const TIMED: u64 = 20;

fn main() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/data");
    let images = load(&data, "mnist", Split::Train).expect("run pkg-scripts/fetch-data first");
    let mut results = Vec::new();
    for batch_size in [16, 64] {
        let config = TrainConfig::new().with_batch_size(batch_size);
        let mut trainer = Trainer::new(config.clone(), &Device::flex()).unwrap();
        let mut batches = Batches::new(images.clone(), batch_size, 0).unwrap();
        let mut run = |steps: u64| {
            let start = Instant::now();
            for _ in 0..steps {
                let batch = batches.batch(trainer.step, &trainer.device);
                block_on(trainer.step(batch)).unwrap();
            }
            block_on(trainer.stats()).unwrap(); // waits for the queued work
            start.elapsed().as_secs_f64()
        };
        run(WARMUP);
        let seconds = run(TIMED);
        results.push(serde_json::json!({
            "backend": "flex (native CPU)",
            "batch_size": batch_size,
            "model": config.model,
            "steps_timed": TIMED,
            "ms_per_step": (seconds * 1000.0 / TIMED as f64 * 10.0).round() / 10.0,
            "steps_per_s": (TIMED as f64 / seconds * 100.0).round() / 100.0,
            "images_per_s": (TIMED as f64 * batch_size as f64 / seconds).round(),
        }));
    }
    let report = serde_json::json!({
        "machine": machine(),
        "results": results,
        "peak_memory_mib": peak_memory_mib(),
    });
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
}

/// Peak resident memory of this process (VmHWM), Linux only.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kib / 1024.0 * 10.0).round() / 10.0)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| info.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    format!("{cpu}, {threads} threads")
}
