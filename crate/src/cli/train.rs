//! `began train`: the native training loop, with metrics, sample grids and checkpoints.

use super::args::TrainArgs;
use super::{Failure, Outcome, block_on, device, png};
use super::quality::QualityLog;
use began::checkpoint;
use began::weights::FileKind;
use began::data::{Batches, Split, load};
use began::files::{read, write_atomic};
use began::grid::{GRID_SIDE, grid};
use began::named::read as read_tensor;
use began::{Error, Stats, TrainConfig, Trainer};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

pub const CHECKPOINT: &str = "checkpoint.safetensors";
const HEADER: &str = "step,loss_real,loss_fake,loss_d,loss_g,k,m_global,lr,ms_per_step";

/// The run `--resume` names: a checkpoint continues with the flags given overriding its config;
/// an export has no run to continue, so a fresh run of the flags starts from its weights.
fn continued(args: &TrainArgs, path: &Path, device: &burn::tensor::Device) -> Result<Trainer, Failure> {
    let (bytes, file) = (read(path)?, path.display().to_string());
    if FileKind::of(&bytes, &file)? == FileKind::Weights {
        return Ok(checkpoint::from_weights(&bytes, &file, config_from(args)?, device)?);
    }
    let mut trainer = checkpoint::from_bytes(&bytes, &file, device)?;
    let c = &trainer.config;
    let (gamma, lambda_k, lr) = (args.gamma.unwrap_or(c.gamma), args.lambda_k.unwrap_or(c.lambda_k), args.lr.unwrap_or(trainer.lr));
    let mode_seeking = args.mode_seeking.unwrap_or(c.mode_seeking);
    trainer.set_hyperparameters(gamma, lambda_k, lr, mode_seeking)?;
    Ok(trainer)
}

pub fn run(args: TrainArgs) -> Outcome {
    let device = device(args.backend)?;
    let data_dir = &args.data_dir;
    if !data_dir.join(args.dataset.dir_name()).is_dir() {
        return Err(Failure::Usage(format!(
            "--data-dir: {} has no {}/ (run pkg-scripts/fetch-data first)",
            data_dir.display(),
            args.dataset.dir_name()
        )));
    }
    let mut trainer = match &args.resume {
        Some(path) => continued(&args, path, &device)?,
        None => Trainer::new(config_from(&args)?, &device)?,
    };
    let images = load(data_dir, args.dataset.dir_name(), Split::Train)?;
    let model = &trainer.config.model;
    images.expect_size(args.dataset.dir_name(), model.image_size, model.image_size)?;
    let mut batches = Batches::new(images, trainer.config.batch_size, trainer.config.seed)?;

    let out = &args.out;
    std::fs::create_dir_all(out.join("samples")).map_err(|e| Error::io(out, e))?;
    write_atomic(&out.join("config.json"), serde_json::to_string_pretty(&trainer.config).unwrap().as_bytes())?;
    let mut metrics = open_metrics(&out.join("metrics.csv"), trainer.step)?;
    let fixed_z = trainer.fixed_z(GRID_SIDE * GRID_SIDE);
    let mut quality = match &args.classifier {
        Some(path) => Some(QualityLog::open(path, data_dir, out, trainer.step)?),
        None => None,
    };

    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));

    let bar = ProgressBar::new(args.steps).with_position(trainer.step.min(args.steps));
    bar.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} steps  {per_sec}  ETA {eta}  {msg}").unwrap());
    let mut since = (Instant::now(), trainer.step);
    while trainer.step < args.steps && !stop.load(Ordering::SeqCst) {
        let batch = batches.batch(trainer.step, &trainer.device);
        let stepped = block_on(trainer.step(batch));
        if let Err(e) = stepped {
            bar.abandon();
            return Err(diverged(e, out));
        }
        bar.inc(1);
        if trainer.step % args.log_every == 0 || trainer.step == args.steps {
            let stats = block_on(trainer.stats()).map_err(|e| diverged(e, out))?;
            let ms = since.0.elapsed().as_secs_f64() * 1000.0 / (trainer.step - since.1).max(1) as f64;
            since = (Instant::now(), trainer.step);
            write_row(&mut metrics, &stats, ms).map_err(|e| Error::io(out.join("metrics.csv"), e))?;
            bar.set_message(format!("k {:.4}  M {:.4}  L(x) {:.4}", stats.k, stats.m_global, stats.loss_real));
        }
        if trainer.step % args.sample_every == 0 || trainer.step == args.steps {
            save(&trainer, &fixed_z, out)?;
            if let Some(quality) = &mut quality {
                let judged = quality.judge(&trainer)?;
                let classes = &judged.classes;
                bar.println(format!("step {}: Fréchet distance {:.2}, mode coverage {}/10, KL to uniform {:.3}", trainer.step, judged.frechet, classes.coverage, classes.kl_uniform));
            }
        }
    }
    if stop.load(Ordering::SeqCst) {
        save(&trainer, &fixed_z, out)?;
        bar.abandon_with_message(format!("stopped at step {}; resume with --resume {}", trainer.step, out.join(CHECKPOINT).display()));
    } else {
        bar.finish();
    }
    Ok(())
}

/// The defaults, then the `--config` file's fields, then the flags.
fn config_from(args: &TrainArgs) -> Result<TrainConfig, Failure> {
    let mut config = match &args.config {
        Some(path) => {
            let json = serde_json::from_slice(&read(path)?).map_err(|e| Failure::Usage(format!("--config {}: {e}", path.display())))?;
            TrainConfig::from_partial(json).map_err(|e| Failure::Usage(format!("--config {}: {e}", path.display())))?
        }
        None => TrainConfig::new(),
    };
    let model = &mut config.model;
    if let Some(filters) = args.filters {
        model.filters = filters;
    }
    model.generator_tanh &= !args.no_tanh;
    model.skip_connections |= args.skip;
    if let Some(hidden) = args.hidden {
        (model.hidden, model.latent) = (hidden, hidden);
    }
    config.batch_size = args.batch_size.unwrap_or(config.batch_size);
    config.gamma = args.gamma.unwrap_or(config.gamma);
    config.lambda_k = args.lambda_k.unwrap_or(config.lambda_k);
    config.lr = args.lr.unwrap_or(config.lr);
    config.g_lr_scale = args.g_lr_scale.unwrap_or(config.g_lr_scale);
    config.mode_seeking = args.mode_seeking.unwrap_or(config.mode_seeking);
    config.ema_decay = args.ema_decay.unwrap_or(config.ema_decay);
    config.seed = args.seed.unwrap_or(config.seed);
    config.input_noise = args.input_noise.unwrap_or(config.input_noise);
    Ok(config)
}

/// A checkpoint only of a finite state, so the one on disk is always the last good state.
fn save(trainer: &Trainer, fixed_z: &burn::tensor::Tensor<2>, out: &Path) -> Result<(), Failure> {
    block_on(trainer.check()).map_err(|e| diverged(e, out))?;
    let samples = block_on(read_tensor(trainer.generate(fixed_z.clone())))?;
    png::write(&out.join(format!("samples/step_{:06}.png", trainer.step)), &grid(&samples, GRID_SIDE))?;
    let bytes = block_on(checkpoint::to_bytes(trainer))?;
    write_atomic(&out.join(CHECKPOINT), &bytes)?;
    Ok(())
}

fn diverged(e: Error, out: &Path) -> Failure {
    let checkpoint = out.join(CHECKPOINT);
    match checkpoint.exists() {
        true => Failure::RunWithNote(e, format!("the last good checkpoint is {}", checkpoint.display())),
        false => Failure::Run(e),
    }
}

fn open_metrics(path: &Path, step: u64) -> Result<std::fs::File, Error> {
    let io = |e| Error::io(path, e);
    // A resumed run appends; a fresh one starts the file over.
    let fresh = step == 0 || !path.exists();
    let mut file = std::fs::OpenOptions::new().create(true).append(!fresh).write(true).truncate(fresh).open(path).map_err(io)?;
    if fresh {
        writeln!(file, "{HEADER}").map_err(io)?;
    }
    Ok(file)
}

fn write_row(file: &mut std::fs::File, s: &Stats, ms_per_step: f64) -> std::io::Result<()> {
    writeln!(
        file,
        "{},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.3e},{:.2}",
        s.step, s.loss_real, s.loss_fake, s.loss_d, s.loss_g, s.k, s.m_global, s.lr, ms_per_step
    )
}
