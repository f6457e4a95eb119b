//! The command line. Ranges are checked while parsing, so a bad value is one line naming the flag;
//! a training setting's range, default and help come from the schema, as the page's do.

use began::schema::{self, Field, STEPS_DEFAULT};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "began", version, about = "Train and sample a Boundary Equilibrium GAN (BEGAN) on MNIST or Fashion-MNIST")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train, writing config.json, metrics.csv, samples/ and a checkpoint to --out.
    Train(TrainArgs),
    /// Draw a grid of samples from a checkpoint or an export.
    Sample(SampleArgs),
    /// The first frame `<began-sampler grid=G seed=S>` draws from a model, as a PNG for the
    /// widget's `poster` attribute: shown at once, then replaced by the same picture, live.
    Poster(PosterArgs),
    /// Write a checkpoint's generator and discriminator as safetensors for other tools.
    Export(ExportArgs),
    /// The LeNet-sized classifier that judges samples (`began classifier train …`).
    #[command(subcommand)]
    Classifier(ClassifierCommand),
    /// Judge a generator's samples with a classifier and print JSON: class histogram, mode
    /// coverage, KL divergence to uniform, Fréchet distance to the test split.
    Eval(EvalArgs),
    /// Train a grid of configs × seeds (`began train`, one thread each, judged by the dataset's
    /// classifier) and write the results as JSON and a markdown table.
    Sweep(SweepArgs),
    /// Print the training settings' ranges and defaults as JSON (www/config-schema.json).
    Schema,
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// The grid: JSON with `dataset`, `steps`, `judge_every`, `seeds` and `configs` (name →
    /// partial config, as `--config` takes). See docs/recipes.md.
    #[arg(long)]
    pub grid: PathBuf,
    /// Runs go to OUT/<config>/seed-<seed>/; a finished run there is not run again.
    #[arg(long)]
    pub out: PathBuf,
    /// Runs at a time, each on one thread (the results do not depend on it).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
    #[arg(long, default_value = "www/data")]
    pub data_dir: PathBuf,
    /// Where the classifiers are (`<dataset>-classifier.safetensors`).
    #[arg(long, default_value = "www/models")]
    pub models: PathBuf,
    /// The markdown file whose `<!-- sweep:NAME -->` section gets the table (NAME: the grid's
    /// file stem); the raw results go beside it as sweep-NAME.json.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Run nothing: report the runs as they are (an unfinished one shows what it has so far).
    #[arg(long)]
    pub report_only: bool,
}

#[derive(Subcommand, Debug)]
pub enum ClassifierCommand {
    /// Train on a dataset's training split, report test accuracy, and write the weights.
    Train(ClassifierTrainArgs),
}

#[derive(Args, Debug)]
pub struct ClassifierTrainArgs {
    #[arg(long, value_enum)]
    pub dataset: Dataset,
    #[arg(long, default_value = "www/data")]
    pub data_dir: PathBuf,
    /// Passes over the training split.
    #[arg(long, default_value_t = 4, value_parser = positive_u64)]
    pub epochs: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// A checkpoint or an export.
    #[arg(long)]
    pub checkpoint: PathBuf,
    /// A classifier written by `began classifier train`.
    #[arg(long)]
    pub classifier: PathBuf,
    /// Where the classifier's dataset is (its test split is the reference of the Fréchet distance).
    #[arg(long, default_value = "www/data")]
    pub data_dir: PathBuf,
    /// Samples to judge.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(10..=100_000))]
    pub n: u32,
    /// Seed of the samples' z.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Dataset {
    Mnist,
    Fashion,
}

impl Dataset {
    pub fn dir_name(self) -> &'static str {
        match self {
            Dataset::Mnist => "mnist",
            Dataset::Fashion => "fashion",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// burn's flex backend on the CPU.
    Cpu,
    /// burn-wgpu on the first GPU adapter (Vulkan, Metal, DX12).
    Wgpu,
}

#[derive(Args, Debug)]
pub struct TrainArgs {
    #[arg(long, value_enum, required_unless_present = "images", conflicts_with = "images")]
    pub dataset: Option<Dataset>,
    /// Train on one's own images instead: every PNG, JPEG and WebP file in this directory and
    /// below it, centre-cropped to a square and resized to --size (at least 16, at most 10,000).
    #[arg(long)]
    pub images: Option<PathBuf>,
    /// Side the --images are resized to: 28, 32 or 64 [default: 32].
    #[arg(long, requires = "images", value_parser = image_size)]
    pub size: Option<usize>,
    /// Channels of the --images: 1 (gray) or 3 (RGB) [default: 3 if any image has colour, else 1].
    #[arg(long, requires = "images", value_parser = clap::value_parser!(u8).range(1..=3))]
    pub channels: Option<u8>,
    /// Directory written by pkg-scripts/fetch-data.
    #[arg(long, default_value = "www/data")]
    pub data_dir: PathBuf,
    #[arg(long, default_value_t = STEPS_DEFAULT, value_parser = whole::<u64>(&schema::STEPS), allow_negative_numbers = true,
        hide_default_value = true, help = help(&schema::STEPS, "Train until this many steps in all (a resumed run continues to it)"))]
    pub steps: u64,
    #[arg(long, value_parser = whole::<usize>(&schema::BATCH_SIZE), allow_negative_numbers = true, help = help(&schema::BATCH_SIZE, "Images per step"))]
    pub batch_size: Option<usize>,
    #[arg(long, value_parser = real(&schema::GAMMA), allow_negative_numbers = true, help = help(&schema::GAMMA, "Diversity ratio γ"))]
    pub gamma: Option<f64>,
    #[arg(long, value_parser = real(&schema::LAMBDA_K), allow_negative_numbers = true, help = help(&schema::LAMBDA_K, "Gain λ_k of the k_t controller"))]
    pub lambda_k: Option<f64>,
    #[arg(long, value_parser = real(&schema::LR), allow_negative_numbers = true, help = help(&schema::LR, "Adam learning rate"))]
    pub lr: Option<f64>,
    #[arg(long, value_parser = real(&schema::G_LR_SCALE), allow_negative_numbers = true, help = help(&schema::G_LR_SCALE, "G's learning rate as a fraction of D's"))]
    pub g_lr_scale: Option<f64>,
    /// A config file (JSON, as the run's config.json or any part of it): its fields replace the
    /// defaults, and the flags here replace its fields.
    #[arg(long)]
    pub config: Option<PathBuf>,
    #[arg(long, value_parser = real(&schema::MODE_SEEKING), allow_negative_numbers = true,
        help = help(&schema::MODE_SEEKING, "Weight of the mode-seeking term on G (Mao et al. 2019); 0 is the paper's BEGAN"))]
    pub mode_seeking: Option<f64>,
    #[arg(long, value_parser = real(&schema::EMA_DECAY), allow_negative_numbers = true,
        help = help(&schema::EMA_DECAY, "Decay of the moving average of G's weights that samples and exports come from; 0: samples from G as trained"))]
    pub ema_decay: Option<f64>,
    #[arg(long, value_parser = whole::<u64>(&schema::SEED), allow_negative_numbers = true, help = help(&schema::SEED, "Seed of weights, batches, z and noise"))]
    pub seed: Option<u64>,
    #[arg(long, value_parser = whole::<usize>(&schema::FILTERS), allow_negative_numbers = true, help = help(&schema::FILTERS, "Filters n of the first scale"))]
    pub filters: Option<usize>,
    #[arg(long, value_parser = whole::<usize>(&schema::HIDDEN), allow_negative_numbers = true, help = help(&schema::HIDDEN, "Embedding and latent size Nh = Nz"))]
    pub hidden: Option<usize>,
    #[arg(long, value_parser = real(&schema::INPUT_NOISE), allow_negative_numbers = true,
        help = help(&schema::INPUT_NOISE, "Std of Gaussian noise on D's inputs, decaying to 0; 0 is off"))]
    pub input_noise: Option<f64>,
    /// Skip connections: the upsampled first decoder map feeds every later scale (the paper's
    /// later version) [default: off].
    #[arg(long)]
    pub skip: bool,
    /// Leave G's output unbounded, as in the paper (default: tanh into [-1, 1]).
    #[arg(long)]
    pub no_tanh: bool,
    #[arg(long, value_parser = objective, help = objectives_help(false), long_help = objectives_help(true))]
    pub objective: Option<String>,
    #[arg(long, value_parser = arch, help = arch_help(false), long_help = arch_help(true))]
    pub arch: Option<String>,
    #[arg(long, value_enum, default_value_t = Backend::Cpu)]
    pub backend: Backend,
    /// Continue from this checkpoint; its config is used, with the flags above overriding it. An
    /// export (`began export`, www/models/) instead starts a fresh run of the flags from its weights.
    #[arg(long)]
    pub resume: Option<PathBuf>,
    /// Steps between rows of metrics.csv.
    #[arg(long, default_value_t = 10, value_parser = positive_u64)]
    pub log_every: u64,
    /// Steps between sample grids and checkpoints (and judgements): as often as the page keeps.
    #[arg(long, default_value_t = began::session::KEEP_EVERY, value_parser = positive_u64)]
    pub sample_every: u64,
    /// A classifier (`began classifier train`): at every sample grid, judge 500 samples, log
    /// their coverage and Fréchet distance to quality.csv, and keep the best generator so far
    /// (most classes, then lowest distance) as best.safetensors.
    #[arg(long)]
    pub classifier: Option<PathBuf>,
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct SampleArgs {
    #[arg(long)]
    pub checkpoint: PathBuf,
    /// Number of samples, laid out 8 to a row.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=4096))]
    pub n: u32,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct PosterArgs {
    /// The widget's `src`: an export or a checkpoint.
    #[arg(long)]
    pub model: PathBuf,
    /// The widget's `grid`: images per side.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=began::sampler::GRID_MAX as u64))]
    pub grid: u64,
    /// The widget's `seed` (a widget without one draws a random seed, which no poster matches).
    #[arg(long)]
    pub seed: u64,
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[arg(long)]
    pub checkpoint: PathBuf,
    #[arg(long)]
    pub out: PathBuf,
}

/// A flag's help: what it does, then its range and default from the schema.
fn help(field: &Field, what: &str) -> String {
    format!("{what}. Must be {} [default: {}]", field.range, field.default())
}

/// Parses a real and checks it against its schema field, so the CLI refuses what the library does.
fn real(field: &'static Field) -> impl Fn(&str) -> Result<f64, String> + Clone + Send + Sync + 'static {
    move |s| {
        let x = s.parse::<f64>().map_err(|_| "must be a number".to_string())?;
        if field.range.contains(x.into()) { Ok(x) } else { Err(format!("must be {}", field.range)) }
    }
}

/// Parses a whole number and checks it against its schema field.
fn whole<T>(field: &'static Field) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: TryFrom<u64> + Clone + Send + Sync + 'static,
{
    move |s| {
        let n = s.parse::<u64>().ok().filter(|&n| field.range.contains(n.into()));
        n.and_then(|n| T::try_from(n).ok()).ok_or_else(|| format!("must be {}", field.range))
    }
}

/// Parses a side of one's own images against `data::own::SIZES`.
fn image_size(s: &str) -> Result<usize, String> {
    let n = s.parse::<usize>().map_err(|_| format!("{s} is not a whole number"))?;
    began::data::own::check_size(n).map_err(|e| e.to_string())
}

fn positive_u64(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(x) if x > 0 => Ok(x),
        _ => Err("must be a whole number > 0".into()),
    }
}

/// Parses `--objective`: one of the family's names, or a one-line error listing them.
fn objective(name: &str) -> Result<String, String> {
    began::objective::by_name(name).map(|_| name.to_string()).map_err(|e| e.to_string())
}

/// Parses `--arch`: one of the architectures' names, or a one-line error listing them.
fn arch(name: &str) -> Result<String, String> {
    began::model::check_arch(name).map(|_| name.to_string()).map_err(|e| e.to_string())
}

/// `--arch`'s help: the names, and in --help each with its one-line hint.
fn arch_help(long: bool) -> String {
    let what = "The networks' architecture (dcgan: with any --objective but began)";
    if !long {
        return format!("{what}: {} [default: began]", began::model::arch_names().join(", "));
    }
    let lines: Vec<String> = began::model::ARCHITECTURES.iter().map(|(name, hint)| format!("  {name:<8} {hint}")).collect();
    format!("{what} [default: began]\n\n{}", lines.join("\n"))
}

/// `--objective`'s help: the names, and in --help each with its one-line hint.
fn objectives_help(long: bool) -> String {
    let what = "The GAN family member to train (its learning rate and Adam's βs default to its authors'; BEGAN's γ, λ_k, mode seeking and noise apply to BEGAN alone)";
    if !long {
        return format!("{what}: {} [default: began]", began::objective::names().join(", "));
    }
    let lines: Vec<String> = began::objective::hints().into_iter().map(|(name, hint)| format!("  {name:<8} {hint}")).collect();
    format!("{what} [default: began]\n\n{}", lines.join("\n"))
}
