//! `began train`: the native training loop, with metrics, sample grids and checkpoints, on the
//! same [`Session`] the page's worker drives.

use super::args::TrainArgs;
use super::{Failure, Outcome, block_on, device, png};
use super::quality::QualityLog;
use began::data::{Images, Split, load};
use began::files::{read, write_atomic};
use began::session::Session;
use began::weights::FileKind;
use began::{Error, Stats, TrainConfig};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub const CHECKPOINT: &str = "checkpoint.safetensors";
const HEADER: &str = "step,loss_real,loss_fake,loss_d,loss_g,k,m_global,lr,ms_per_step";

/// The session to train: a fresh run of the flags, or the run `--resume` names. A checkpoint
/// continues with the flags given overriding its config; an export has no run to continue, so a
/// fresh run of the flags starts from its weights.
fn session(args: &TrainArgs, device: &burn::tensor::Device, images: Images) -> Result<Session, Failure> {
    let Some(path) = &args.resume else { return Ok(Session::new(config_from(args, &images)?, device, images)?) };
    let (bytes, file) = (read(path)?, path.display().to_string());
    if FileKind::of(&bytes, &file)? == FileKind::Weights {
        return Ok(Session::from_weights(&bytes, &file, config_from(args, &images)?, device, images)?);
    }
    let mut session = Session::resume(&bytes, &file, device, images)?;
    let saved = &session.trainer.config.objective;
    if let Some(asked) = args.objective.as_ref().filter(|asked| *asked != saved) {
        return Err(Failure::Usage(format!("{file} is a {saved} run: --objective {asked} cannot resume it (leave --objective out, or start a fresh {asked} run)")));
    }
    let saved = &session.trainer.config.model.arch;
    if let Some(asked) = args.arch.as_ref().filter(|asked| *asked != saved) {
        return Err(Failure::Usage(format!("{file} is a run of arch {saved}: --arch {asked} cannot resume it (leave --arch out, or start a fresh run)")));
    }
    if let Some(change) = session.data_change() {
        eprintln!("{change}");
    }
    let (c, lr) = (&session.trainer.config, session.trainer.lr);
    let (gamma, lambda_k, lr) = (args.gamma.unwrap_or(c.gamma), args.lambda_k.unwrap_or(c.lambda_k), args.lr.unwrap_or(lr));
    let mode_seeking = args.mode_seeking.unwrap_or(c.mode_seeking);
    session.set_hyperparameters(gamma, lambda_k, lr, mode_seeking)?;
    Ok(session)
}

/// Trains as the page's worker does, through [`Session`]: steps, then a row of metrics.csv
/// every `--log-every` steps and a grid, a checkpoint (and a judgement) every `--sample-every`.
pub fn run(args: TrainArgs) -> Outcome {
    let device = device(args.backend)?;
    let data_dir = &args.data_dir;
    let images = training_set(&args)?;
    let mut session = session(&args, &device, images)?;

    let out = &args.out;
    std::fs::create_dir_all(out.join("samples")).map_err(|e| Error::io(out, e))?;
    write_atomic(&out.join("config.json"), serde_json::to_string_pretty(&session.trainer.config).unwrap().as_bytes())?;
    let mut metrics = open_metrics(&out.join("metrics.csv"), session.trainer.step)?;
    let mut quality = match &args.classifier {
        Some(path) => Some(QualityLog::open(path, data_dir, out, session.trainer.step)?),
        None => None,
    };

    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));

    let bar = ProgressBar::new(args.steps).with_position(session.trainer.step.min(args.steps));
    bar.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} steps  {per_sec}  ETA {eta}  {msg}").unwrap());
    let due = |step: u64, every: u64| step % every == 0 || step == args.steps;
    session.restart_clock();
    while session.trainer.step < args.steps && !stop.load(Ordering::SeqCst) {
        // Up to the next row, grid or the end, whichever comes first.
        let step = session.trainer.step;
        let next = [args.log_every, args.sample_every].map(|every| (step / every + 1) * every).into_iter().fold(args.steps, u64::min);
        if let Err(e) = block_on(session.advance(next - step)) {
            bar.abandon();
            return Err(diverged(e, out));
        }
        bar.set_position(next);
        if due(next, args.log_every) {
            let progress = block_on(session.progress()).map_err(|e| diverged(e, out))?;
            let stats = &progress.stats;
            write_row(&mut metrics, stats, progress.ms_per_step).map_err(|e| Error::io(out.join("metrics.csv"), e))?;
            bar.set_message(format!("k {:.4}  M {:.4}  L(x) {:.4}", stats.k, stats.m_global, stats.loss_real));
        }
        if due(next, args.sample_every) {
            save(&session, out)?;
            if let Some(quality) = &mut quality {
                let judged = quality.judge(&session.trainer)?;
                let classes = &judged.classes;
                bar.println(format!("step {next}: Fréchet distance {:.2}, mode coverage {}/10, KL to uniform {:.3}", judged.frechet, classes.coverage, classes.kl_uniform));
            }
        }
    }
    if stop.load(Ordering::SeqCst) {
        save(&session, out)?;
        bar.abandon_with_message(format!("stopped at step {}; resume with --resume {}", session.trainer.step, out.join(CHECKPOINT).display()));
    } else {
        bar.finish();
    }
    Ok(())
}

/// MNIST or Fashion-MNIST from `--data-dir`, or the `--images` directory (its skipped files
/// reported on stderr).
fn training_set(args: &TrainArgs) -> Result<Images, Failure> {
    if let Some(dir) = &args.images {
        if args.classifier.is_some() {
            return Err(Failure::Usage("--classifier judges MNIST or Fashion-MNIST samples; it cannot judge --images".into()));
        }
        let folder = began::data::folder::read(dir, args.size.unwrap_or(began::data::own::DEFAULT_SIZE), args.channels.map(usize::from))?;
        let images = &folder.images;
        let kind = if images.channels == 1 { "gray" } else { "RGB" };
        eprintln!("{}: {} images, {}×{} {kind}", dir.display(), images.len(), images.rows, images.cols);
        if !folder.skipped.is_empty() {
            eprintln!("skipped {}: {}", folder.skipped.len(), began::data::own::summary(&folder.skipped, 20));
        }
        return Ok(folder.images);
    }
    let dataset = args.dataset.expect("clap requires --dataset or --images").dir_name();
    let data_dir = &args.data_dir;
    if !data_dir.join(dataset).is_dir() {
        return Err(Failure::Usage(format!("--data-dir: {} has no {dataset}/ (run pkg-scripts/fetch-data first)", data_dir.display())));
    }
    Ok(load(data_dir, dataset, Split::Train)?)
}

/// The defaults, then the `--config` file's fields, then the flags; the model draws images
/// of the training set's size and channels.
fn config_from(args: &TrainArgs, images: &Images) -> Result<TrainConfig, Failure> {
    let mut config = match &args.config {
        Some(path) => {
            let json = serde_json::from_slice(&read(path)?).map_err(|e| Failure::Usage(format!("--config {}: {e}", path.display())))?;
            TrainConfig::from_partial(json).map_err(|e| Failure::Usage(format!("--config {}: {e}", path.display())))?
        }
        None => TrainConfig::new(),
    };
    if args.images.is_some() {
        config.model = began::data::own::model_for(images, config.model);
    }
    let model = &mut config.model;
    if let Some(filters) = args.filters {
        model.filters = filters;
    }
    model.generator_tanh &= !args.no_tanh;
    model.skip_connections |= args.skip;
    if let Some(arch) = &args.arch {
        model.arch = arch.clone();
    }
    if let Some(hidden) = args.hidden {
        (model.hidden, model.latent) = (hidden, hidden);
    }
    if let Some(objective) = &args.objective {
        // Another member trains as its authors did, unless the flags below say otherwise.
        config = config.for_objective(objective)?;
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

/// The sample grid, then a checkpoint only of a finite state ([`Session::save`] refuses
/// another), so the one on disk is always the last good state.
fn save(session: &Session, out: &Path) -> Result<(), Failure> {
    let bytes = block_on(session.save()).map_err(|e| diverged(e, out))?;
    let samples = block_on(session.samples())?;
    png::write(&out.join(format!("samples/step_{:06}.png", session.trainer.step)), &samples)?;
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
