//! Mode coverage while `began train` runs (`--classifier`): quality.csv, and best.safetensors,
//! the export of the most varied generator so far.

use super::{Failure, block_on};
use began::classifier::{self, LoadedClassifier};
use began::files::{read, write_atomic};
use began::quality::ClassStats;
use began::{Error, Trainer, checkpoint};
use burn::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Samples judged at each grid; a fixed seed, so steps are compared on the same z.
const JUDGED: usize = 500;
const SEED: u64 = 0;
pub const BEST: &str = "best.safetensors";

pub struct Quality {
    judge: LoadedClassifier,
    device: Device,
    csv: PathBuf,
    best_path: PathBuf,
    /// (coverage, −KL) of best.safetensors: more classes first, then the flatter histogram.
    best: Option<(usize, f64)>,
}

impl Quality {
    pub fn open(classifier: &Path, out: &Path, step: u64) -> Result<Self, Failure> {
        let device = Device::flex();
        let judge = classifier::from_bytes(&read(classifier)?, &classifier.display().to_string(), &device)?;
        let csv = out.join("quality.csv");
        if step == 0 || !csv.exists() {
            let header = format!("step,coverage,kl_uniform,{}\n", (0..10).map(|c| format!("p{c}")).collect::<Vec<_>>().join(","));
            write_atomic(&csv, header.as_bytes())?;
        }
        // A resumed run keeps competing against the best it already kept.
        Ok(Self { judge, device, csv, best_path: out.join(BEST), best: None })
    }

    /// Judges the trainer's generator now, logs it, and keeps it if it is the best so far.
    pub fn judge(&mut self, trainer: &Trainer) -> Result<ClassStats, Failure> {
        let latent = trainer.config.model.latent;
        let stats = block_on(classifier::judge(&self.judge.classifier, |z| trainer.generate(z), latent, JUDGED, SEED, &self.device))?;
        let histogram: Vec<String> = stats.histogram.iter().map(|p| format!("{p:.3}")).collect();
        let row = format!("{},{},{:.4},{}\n", trainer.step, stats.coverage, stats.kl_uniform, histogram.join(","));
        let io = |e| Error::io(&self.csv, e);
        std::fs::OpenOptions::new().append(true).open(&self.csv).and_then(|mut f| f.write_all(row.as_bytes())).map_err(io)?;
        let score = (stats.coverage, -stats.kl_uniform);
        if self.best.is_none_or(|best| score > best) {
            write_atomic(&self.best_path, &block_on(checkpoint::export(trainer))?)?;
            self.best = Some(score);
        }
        Ok(stats)
    }
}
