//! Training speed natively, printed as JSON: ms per step and steps/s at batch 16 and 64 on the
//! CPU backend (flex) and on wgpu where an adapter exists (`bench cpu`: the CPU alone). Not a
//! test: `pkg-scripts/bench` runs it, once on all threads and once on one.
//! Uses real MNIST from www/data.

#[path = "common/machine.rs"]
mod machine;

use began::data::{Batches, Images, Split, load};
use began::{TrainConfig, Trainer};
use burn::tensor::Device;
use futures_lite::future::block_on;
use std::path::Path;
use std::time::Instant;

const WARMUP: u64 = 3;

fn main() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/data");
    let images = load(&data, "mnist", Split::Train).expect("run pkg-scripts/fetch-data first");
    let mut results = Vec::new();
    // `bench cpu` times the CPU alone; RAYON_NUM_THREADS=1 makes it one thread, as the page has.
    let threads = match std::env::var("RAYON_NUM_THREADS").as_deref() {
        Ok("1") => "one thread".to_string(),
        _ => format!("{} threads", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)),
    };
    let mut devices = vec![(format!("flex (native CPU, {threads})"), Device::flex(), 20)];
    if std::env::args().nth(1).as_deref() != Some("cpu") {
        match began::gpu::wgpu_options().init() {
            Ok(device) => devices.push((format!("wgpu ({})", machine::wgpu_adapter()), device, 5)),
            Err(e) => eprintln!("no wgpu adapter ({e}): wgpu left out"),
        }
    }
    for (backend, device, timed) in devices {
        for batch_size in [16, 64] {
            eprintln!("{backend}, batch {batch_size}");
            let (config, seconds) = time_steps(&images, &device, batch_size, timed);
            results.push(serde_json::json!({
                "backend": backend,
                "batch_size": batch_size,
                "model": config.model,
                "steps_timed": timed,
                "ms_per_step": (seconds * 1000.0 / timed as f64 * 10.0).round() / 10.0,
                "steps_per_s": (timed as f64 / seconds * 100.0).round() / 100.0,
                "images_per_s": (timed as f64 * batch_size as f64 / seconds).round(),
            }));
        }
    }
    let report = serde_json::json!({ "machine": machine::describe(), "results": results, "peak_memory_mib": machine::peak_memory_mib() });
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
}

/// Seconds for `timed` steps of the default model at `batch_size`, after a warm-up.
fn time_steps(images: &Images, device: &Device, batch_size: usize, timed: u64) -> (TrainConfig, f64) {
    let config = TrainConfig::new().with_batch_size(batch_size);
    let mut trainer = Trainer::new(config.clone(), device).unwrap();
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
    (config, run(timed))
}
