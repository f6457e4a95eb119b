//! Sample quality while `began train` runs (`--classifier`): quality.csv, and best.safetensors,
//! the export of the best generator so far: the most classes covered, then the lowest Fréchet
//! distance.

use super::{Failure, block_on};
use began::classifier::{self, Judge};
use began::files::{read, write_atomic};
use began::data::{Split, load};
use began::quality::{Best, JUDGE_SEED, JUDGED, Quality};
use began::{Error, Trainer, checkpoint};
use burn::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const BEST: &str = "best.safetensors";

pub struct QualityLog {
    /// The classifier and the features of the test split.
    judge: Judge,
    csv: PathBuf,
    best_path: PathBuf,
    /// The state best.safetensors holds, by the rule the page's "go back" uses too.
    best: Best,
}

impl QualityLog {
    pub fn open(classifier: &Path, data_dir: &Path, out: &Path, step: u64) -> Result<Self, Failure> {
        let device = Device::flex();
        let loaded = classifier::from_bytes(&read(classifier)?, &classifier.display().to_string(), &device)?;
        let test = load(data_dir, &loaded.dataset, Split::Test)?;
        let judge = block_on(Judge::new(loaded.classifier, &test, &device))?;
        let csv = out.join("quality.csv");
        if step == 0 || !csv.exists() {
            // The last two: G as trained, when samples come from its moving average (else empty).
            let header = format!("step,frechet,coverage,kl_uniform,{},frechet_trained,coverage_trained\n", (0..10).map(|c| format!("p{c}")).collect::<Vec<_>>().join(","));
            write_atomic(&csv, header.as_bytes())?;
        }
        let best_path = out.join(BEST);
        // A resumed run keeps competing against the best it already kept.
        let best = match step > 0 && best_path.exists() {
            true => best_in(&std::fs::read_to_string(&csv).map_err(|e| Error::io(&csv, e))?, step),
            false => Best::default(),
        };
        Ok(Self { judge, csv, best_path, best })
    }

    /// Judges the trainer's generator now, logs it, and keeps it if it is the best so far.
    pub fn judge(&mut self, trainer: &Trainer) -> Result<Quality, Failure> {
        let latent = trainer.config.model.latent;
        let quality = block_on(self.judge.judge(|z| trainer.generate(z), &trainer.device, latent, JUDGED, JUDGE_SEED))?;
        let classes = &quality.classes;
        let histogram: Vec<String> = classes.histogram.iter().map(|p| format!("{p:.3}")).collect();
        let trained = match trainer.ema {
            Some(_) => {
                let trained = block_on(self.judge.judge(|z| trainer.generate_trained(z), &trainer.device, latent, JUDGED, JUDGE_SEED))?;
                format!("{:.3},{}", trained.frechet, trained.classes.coverage)
            }
            None => ",".to_string(),
        };
        let row = format!("{},{:.3},{},{:.4},{},{trained}\n", trainer.step, quality.frechet, classes.coverage, classes.kl_uniform, histogram.join(","));
        let io = |e| Error::io(&self.csv, e);
        std::fs::OpenOptions::new().append(true).open(&self.csv).and_then(|mut f| f.write_all(row.as_bytes())).map_err(io)?;
        if self.best.offer(trainer.step, classes.coverage, quality.frechet) {
            write_atomic(&self.best_path, &block_on(checkpoint::export(trainer))?)?;
        }
        Ok(quality)
    }
}

/// (step, coverage, Fréchet distance) of every row of quality.csv: of the samples drawn, or with
/// `trained` of G as trained (empty columns when the run keeps no moving average).
pub fn judged(csv: &str, trained: bool) -> Vec<(u64, usize, f64)> {
    // Columns: step, frechet, coverage, …, frechet_trained (14), coverage_trained (15).
    let (frechet, coverage) = if trained { (14, 15) } else { (1, 2) };
    let parse = |line: &str| {
        let f: Vec<&str> = line.split(',').collect();
        Some((f.first()?.parse().ok()?, f.get(coverage)?.parse().ok()?, f.get(frechet)?.parse().ok()?))
    };
    csv.lines().skip(1).filter_map(parse).collect()
}

/// The state best.safetensors holds, from quality.csv: the best row judged at or before `step`
/// (rows after it belong to a run resumed from an earlier checkpoint).
fn best_in(csv: &str, step: u64) -> Best {
    let mut best = Best::default();
    for (row_step, coverage, frechet) in judged(csv, false).into_iter().filter(|&(row_step, ..)| row_step <= step) {
        best.offer(row_step, coverage, frechet);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::best_in;

    #[test]
    fn a_resumed_run_recovers_the_best_score_it_kept() {
        let csv = "step,frechet,coverage,kl_uniform\n250,700.5,9,0.1\n500,400.25,9,0.1\n750,300.0,8,0.1\n1000,100.0,10,0.1\n";
        assert_eq!(best_in(csv, 750).best(), Some((500, 9, 400.25)), "coverage first, then the lower distance");
        assert_eq!(best_in(csv, 1000).best(), Some((1000, 10, 100.0)));
        assert_eq!(best_in(csv, 100).best(), None, "rows after the checkpoint's step do not count");
        assert_eq!(best_in("step,frechet\n", 500).best(), None);
    }
}
