//! One training run natively, as JSON: resident memory after 200 and 2,000 steps, and the steps
//! and seconds until the samples cover at least 9 of the 10 classes (judged on 500 samples every
//! 100 steps by the shipped classifier; judging is not counted in the seconds). For the default
//! config (`default`) or the paper's BEGAN (`paper`: no mode seeking, no moving average of G,
//! burn's default init),
//! the first argument. Not a test: `pkg-scripts/bench` runs both side by side, one thread each
//! (which changes the seconds, not the results). BENCH_STEPS (default 2000) shortens it.

#[path = "common/machine.rs"]
mod machine;

use began::classifier::{self, Judge};
use began::data::{Batches, Split, load};
use began::{TrainConfig, Trainer};
use burn::tensor::Device;
use futures_lite::future::block_on;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Instant;

const JUDGE_EVERY: u64 = 100;
const TARGET_COVERAGE: usize = 9;

fn main() {
    let mut paper = TrainConfig::new().with_mode_seeking(0.0).with_ema_decay(0.0);
    paper.model.init_scale = 1.0;
    let (name, config) = match std::env::args().nth(1).as_deref() {
        Some("default") => ("default", TrainConfig::new()),
        Some("paper") => ("paper: no mode seeking, no EMA, burn's init", paper),
        other => panic!("the first argument is `default` or `paper`, not {other:?}"),
    };
    let steps: u64 = std::env::var("BENCH_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(2000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let data = root.join("www/data");
    let device = Device::flex();
    let classifier = std::fs::read(root.join("www/models/mnist-classifier.safetensors")).expect("the shipped classifier");
    let loaded = classifier::from_bytes(&classifier, "mnist-classifier", &device).unwrap();
    let test = load(&data, "mnist", Split::Test).expect("run pkg-scripts/fetch-data first");
    let judge = block_on(Judge::new(loaded.classifier, &test, &device)).unwrap();
    let images = load(&data, "mnist", Split::Train).unwrap();
    eprintln!("{name}: {steps} steps");
    let mut trainer = Trainer::new(config.clone(), &device).unwrap();
    let mut batches = Batches::new(images, config.batch_size, config.seed).unwrap();
    let (mut seconds, mut memory, mut judged, mut reached) = (0.0, serde_json::Map::new(), Vec::new(), Value::Null);
    while trainer.step < steps {
        let start = Instant::now();
        let batch = batches.batch(trainer.step, &trainer.device);
        block_on(trainer.step(batch)).unwrap();
        if trainer.step % JUDGE_EVERY == 0 || trainer.step == steps {
            block_on(trainer.stats()).unwrap(); // waits for the queued work
        }
        seconds += start.elapsed().as_secs_f64();
        if [200, 2000, steps].contains(&trainer.step) {
            memory.insert(format!("rss_mib_after_{}_steps", trainer.step), json!(machine::memory_mib()));
        }
        if trainer.step % JUDGE_EVERY == 0 {
            let quality = block_on(judge.judge(|z| trainer.generate(z), &trainer.device, config.model.latent, 500, 0)).unwrap();
            let coverage = quality.classes.coverage;
            eprintln!("  step {}: coverage {coverage}/10, Fréchet {:.1}, {seconds:.0} s", trainer.step, quality.frechet);
            judged.push(json!({ "step": trainer.step, "coverage": coverage, "frechet": (quality.frechet * 10.0).round() / 10.0 }));
            if coverage >= TARGET_COVERAGE && reached.is_null() {
                reached = json!({ "step": trainer.step, "training_seconds": seconds.round() });
            }
        }
    }
    let run = json!({
        "config": name,
        "steps": steps,
        "batch_size": config.batch_size,
        "ms_per_step": (seconds * 1000.0 / steps as f64 * 10.0).round() / 10.0,
        "coverage_9_of_10_first_at": reached,
        "judged_every_100_steps": judged,
        "memory": memory,
    });
    let report = json!({ "machine": machine::describe(), "threads": rayon_threads(), "run": run, "peak_memory_mib": machine::peak_memory_mib() });
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
}

fn rayon_threads() -> Value {
    std::env::var("RAYON_NUM_THREADS").map(Value::from).unwrap_or_else(|_| json!("all"))
}
