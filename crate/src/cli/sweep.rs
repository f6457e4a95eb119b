//! `began sweep`: a grid of configs × seeds, each run by `began train --classifier` in its own
//! process on one thread, so runs side by side give the numbers each gives alone. A finished run
//! is not run again, so a sweep that was stopped continues where it was. The results go to
//! `sweep-<grid>.json` beside the report and, as tables, into its `<!-- sweep:<grid> -->` section.

use super::Failure;
use super::args::SweepArgs;
use super::quality::judged;
use began::TrainConfig;
use began::files::{read, write_atomic};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Grid {
    /// `mnist` or `fashion`.
    dataset: String,
    steps: u64,
    judge_every: u64,
    seeds: Vec<u64>,
    /// What this grid is for, printed above its tables.
    #[serde(default)]
    about: String,
    /// Settings under every config, so that the grid means the same after a default changes.
    #[serde(default)]
    base: Value,
    /// Wall-clock budgets in minutes: the report then compares configs at equal time, each at
    /// the last judged step its runs reached within each budget (by their mean ms per step,
    /// judging not counted), and its configs may set their own `steps` and `judge_every`.
    #[serde(default)]
    minutes: Vec<f64>,
    configs: Vec<Candidate>,
}

impl Grid {
    /// A config's partial over the grid's base.
    fn partial(&self, candidate: &Candidate) -> Value {
        let mut merged = match &self.base {
            Value::Null => Value::Object(Default::default()),
            base => base.clone(),
        };
        merge(&mut merged, &candidate.config);
        merged
    }
}

fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(base), Value::Object(over)) => {
            for (key, value) in over {
                merge(base.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
        (base, over) => *base = over.clone(),
    }
}

#[derive(Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
struct Candidate {
    name: String,
    /// A partial config, as `began train --config` takes (the seed comes from the grid).
    config: Value,
    /// This config's run length and judging interval, if not the grid's (a faster config runs
    /// more steps in a wall-clock budget).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    steps: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    judge_every: Option<u64>,
    /// The speed a wall-clock budget is counted at, measured with nothing else running (runs
    /// side by side, or beside other work, step slower than a user's would); by default each
    /// run's own mean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ms_per_step: Option<f64>,
}

/// One finished (or failed) run, as the JSON and the tables report it.
#[derive(Serialize, Clone)]
struct Run {
    config: String,
    seed: u64,
    /// `(step, coverage, Fréchet distance)` at every judged step.
    judged: Vec<(u64, usize, f64)>,
    /// The same for G as trained, when the samples came from its moving average.
    judged_trained: Vec<(u64, usize, f64)>,
    ms_per_step: f64,
    seconds: f64,
    /// Why the run stopped early (it diverged), if it did.
    failed: Option<String>,
}

pub fn run(args: SweepArgs) -> Result<(), Failure> {
    let text = read(&args.grid)?;
    let usage = |e: String| Failure::Usage(format!("--grid {}: {e}", args.grid.display()));
    let grid: Grid = serde_json::from_slice(&text).map_err(|e| usage(e.to_string()))?;
    if !["mnist", "fashion"].contains(&grid.dataset.as_str()) || grid.steps == 0 || grid.judge_every == 0 || grid.seeds.is_empty() {
        return Err(usage("needs a dataset (mnist or fashion), steps and judge_every > 0, and seeds".into()));
    }
    // Every config is checked before the first run starts.
    for candidate in &grid.configs {
        TrainConfig::from_partial(grid.partial(candidate)).map_err(|e| usage(format!("config `{}`: {e}", candidate.name)))?;
    }
    let classifier = args.models.join(format!("{}-classifier.safetensors", grid.dataset));
    let todo: Vec<(Candidate, u64)> = grid.configs.iter().flat_map(|c| grid.seeds.iter().map(move |&s| (c.clone(), s))).collect();
    let started = Instant::now();
    let mut running: Vec<(Child, PathBuf, Instant)> = Vec::new();
    let mut queue = todo.iter().filter(|(c, s)| !args.report_only && !run_dir(&args.out, &c.name, *s).join(DONE).exists());
    let mut left = todo.len() - todo.iter().filter(|(c, s)| run_dir(&args.out, &c.name, *s).join(DONE).exists()).count();
    eprintln!("sweep: {} runs, {left} to do, {} at a time", todo.len(), args.jobs);
    loop {
        while running.len() < args.jobs as usize {
            let Some((candidate, seed)) = queue.next() else { break };
            let dir = run_dir(&args.out, &candidate.name, *seed);
            running.push((spawn(&args, &grid, &classifier, candidate, *seed, &dir)?, dir, Instant::now()));
        }
        if running.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
        let mut i = 0;
        while i < running.len() {
            let (child, dir, _) = &mut running[i];
            match child.try_wait().map_err(|e| began::Error::io(dir.as_path(), e))? {
                None => i += 1,
                Some(status) => {
                    let (_, dir, start) = running.swap_remove(i);
                    let seconds = start.elapsed().as_secs_f64();
                    let done = serde_json::json!({ "seconds": seconds, "exit": status.code() });
                    write_atomic(&dir.join(DONE), done.to_string().as_bytes())?;
                    left -= 1;
                    eprintln!("sweep: {} finished in {seconds:.0} s ({left} left, {:.0} s in all)", dir.display(), started.elapsed().as_secs_f64());
                }
            }
        }
    }
    let runs: Vec<Run> = todo.iter().map(|(c, s)| collect(&run_dir(&args.out, &c.name, *s), &c.name, *s)).collect::<Result<_, _>>()?;
    if let Some(report) = &args.report {
        let name = args.grid.file_stem().and_then(|s| s.to_str()).unwrap_or("sweep").to_string();
        let json = serde_json::json!({ "grid": serde_json::from_slice::<Value>(&text).unwrap_or(Value::Null), "runs": runs });
        write_atomic(&report.with_file_name(format!("sweep-{name}.json")), serde_json::to_string_pretty(&json).unwrap().as_bytes())?;
        write_section(report, &name, &tables(&grid, &runs))?;
        eprintln!("sweep: wrote {} (section {name}) and sweep-{name}.json beside it", report.display());
    }
    Ok(())
}

const DONE: &str = "sweep-done.json";

impl Run {
    /// This run as judged on G as trained.
    fn as_trained(&self) -> Run {
        Run { config: format!("{}, G as trained", self.config), judged: self.judged_trained.clone(), judged_trained: Vec::new(), ..self.clone() }
    }
}

fn run_dir(out: &Path, config: &str, seed: u64) -> PathBuf {
    out.join(config).join(format!("seed-{seed}"))
}

fn spawn(args: &SweepArgs, grid: &Grid, classifier: &Path, candidate: &Candidate, seed: u64, dir: &Path) -> Result<Child, Failure> {
    std::fs::create_dir_all(dir).map_err(|e| began::Error::io(dir, e))?;
    let mut config = TrainConfig::from_partial(grid.partial(candidate))?;
    config.seed = seed;
    let config_path = dir.join("sweep-config.json");
    write_atomic(&config_path, serde_json::to_string_pretty(&config).unwrap().as_bytes())?;
    let log = std::fs::File::create(dir.join("train.log")).map_err(|e| began::Error::io(dir, e))?;
    let exe = std::env::current_exe().map_err(|e| began::Error::io("began", e))?;
    let steps = candidate.steps.unwrap_or(grid.steps).to_string();
    let every = candidate.judge_every.unwrap_or(grid.judge_every).to_string();
    let mut command = Command::new(exe);
    command.args(["train", "--dataset", &grid.dataset, "--steps", &steps, "--sample-every", &every]);
    command.arg("--data-dir").arg(&args.data_dir).arg("--classifier").arg(classifier);
    command.arg("--config").arg(&config_path).arg("--out").arg(dir);
    // One thread per run: several runs use the cores better than one run on all of them.
    command.env("RAYON_NUM_THREADS", "1").stdout(log.try_clone().map_err(|e| began::Error::io(dir, e))?).stderr(log).stdin(Stdio::null());
    command.spawn().map_err(|e| Failure::Run(began::Error::io(dir, e)))
}

fn collect(dir: &Path, config: &str, seed: u64) -> Result<Run, Failure> {
    let text = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_default();
    let quality = text("quality.csv");
    let (judged, judged_trained) = (judged(&quality, false), judged(&quality, true));
    let ms: Vec<f64> = text("metrics.csv").lines().skip(1).filter_map(|l| l.rsplit(',').next()?.parse().ok()).collect();
    let done: Value = serde_json::from_str(&text(DONE)).unwrap_or(Value::Null);
    let failed = match done["exit"].as_i64() {
        Some(0) => None,
        Some(_) => Some(text("train.log").lines().rfind(|l| l.starts_with("error")).unwrap_or("failed").to_string()),
        None if judged.is_empty() => Some("not run".to_string()),
        None => Some("not finished".to_string()),
    };
    Ok(Run {
        config: config.to_string(),
        seed,
        judged,
        judged_trained,
        ms_per_step: if ms.is_empty() { f64::NAN } else { ms.iter().sum::<f64>() / ms.len() as f64 },
        seconds: done["seconds"].as_f64().unwrap_or(f64::NAN),
        failed,
    })
}

/// A summary per config (medians over seeds) and a row per run. A config whose samples come
/// from G's moving average gets a second row, for G as trained in the same runs.
fn tables(grid: &Grid, runs: &[Run]) -> String {
    let count = grid.configs.len();
    let mut configs = grid.configs.clone();
    let mut runs = runs.to_vec();
    for candidate in &grid.configs {
        let trained: Vec<Run> = runs.iter().filter(|r| r.config == candidate.name && !r.judged_trained.is_empty()).map(Run::as_trained).collect();
        if !trained.is_empty() {
            configs.push(Candidate { name: format!("{}, G as trained", candidate.name), ..candidate.clone() });
            runs.extend(trained);
        }
    }
    let (grid, runs) = (&Grid { configs, ..grid.clone() }, &runs[..]);
    if !grid.minutes.is_empty() {
        return budget_tables(grid, count, runs);
    }
    let steps: Vec<u64> = (1..=grid.steps / grid.judge_every).map(|i| i * grid.judge_every).collect();
    let at = |run: &Run, step: u64| run.judged.iter().find(|j| j.0 == step).map(|j| (j.1, j.2));
    let mut out = format!(
        "{}\n\n{} config(s) on {}, {} steps, judged every {} steps on 500 samples (z seed 0) by the shipped classifier; seeds {:?}; one thread per run. ms/step is wall time, so it counts whatever else the machine ran beside it.\n\n",
        grid.about,
        count,
        grid.dataset,
        grid.steps,
        grid.judge_every,
        grid.seeds
    );
    let head: Vec<String> = steps.iter().map(|s| s.to_string()).collect();
    out += &format!("**Median coverage over seeds** (and median Fréchet distance at the last step)\n\n| config | settings | {} | Fréchet | ms/step |\n|---|---|{}---|---|\n", head.join(" | "), "---|".repeat(steps.len()));
    for candidate in &grid.configs {
        let mine: Vec<&Run> = runs.iter().filter(|r| r.config == candidate.name).collect();
        let coverage: Vec<String> = steps.iter().map(|&s| median(mine.iter().filter_map(|r| at(r, s).map(|a| a.0 as f64)).collect())).collect();
        let frechet = median(mine.iter().filter_map(|r| at(r, grid.steps).map(|a| a.1)).collect());
        let ms = median(mine.iter().map(|r| r.ms_per_step).collect());
        out += &format!("| {} | `{}` | {} | {frechet} | {ms} |\n", candidate.name, candidate.config, coverage.join(" | "));
    }
    out += &format!("\n**Every run**: coverage · Fréchet distance at each judged step\n\n| config | seed | {} | seconds |\n|---|---|{}---|\n", head.join(" | "), "---|".repeat(steps.len()));
    for run in runs {
        let cells: Vec<String> = steps.iter().map(|&s| at(run, s).map_or("–".into(), |(c, f)| format!("{c} · {f:.0}"))).collect();
        let seconds = if run.seconds.is_finite() { format!("{:.0}", run.seconds) } else { "–".into() };
        let seconds = run.failed.as_ref().map_or(seconds.clone(), |why| format!("{seconds} ({why})"));
        out += &format!("| {} | {} | {} | {seconds} |\n", run.config, run.seed, cells.join(" | "));
    }
    out
}

/// The tables of a grid with wall-clock budgets: per config and budget, the medians over seeds
/// of the last judged step within it, its coverage and Fréchet distance, and how many seeds
/// covered all 10 classes there; then every run's judged steps.
fn budget_tables(grid: &Grid, count: usize, runs: &[Run]) -> String {
    let speed = |run: &Run| grid.configs.iter().find(|c| c.name == run.config).and_then(|c| c.ms_per_step).unwrap_or(run.ms_per_step);
    let within = |run: &Run, minutes: f64| run.judged.iter().rev().find(|j| j.0 as f64 * speed(run) <= minutes * 60_000.0).copied();
    let mut out = format!(
        "{}\n\n{} config(s) on {}, compared at equal wall-clock time ({} minutes of training; judging, done beside it, not counted), each at the last judged step its run reached within the budget at its config's speed (measured alone where the config gives one, else the run's mean ms per step); 500 samples (z seed 0) judged by the shipped classifier; seeds {:?}; one thread per run. ms/step is wall time, so it counts whatever else the machine ran beside it.\n\n",
        grid.about,
        count,
        grid.dataset,
        grid.minutes.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(", "),
        grid.seeds
    );
    let head: Vec<String> = grid.minutes.iter().map(|m| format!("{m} min: step · coverage · Fréchet · 10/10")).collect();
    out += &format!("**Medians over seeds at equal time** (10/10: seeds covering every class; ms/step: alone, and in the sweep)\n\n| config | settings | ms/step | {} |\n|---|---|---|{}\n", head.join(" | "), "---|".repeat(head.len()));
    for candidate in &grid.configs {
        let mine: Vec<&Run> = runs.iter().filter(|r| r.config == candidate.name).collect();
        let cells: Vec<String> = grid
            .minutes
            .iter()
            .map(|&m| {
                let at: Vec<(u64, usize, f64)> = mine.iter().filter_map(|r| within(r, m)).collect();
                let full = at.iter().filter(|a| a.1 == 10).count();
                let column = |f: fn(&(u64, usize, f64)) -> f64| median(at.iter().map(f).collect());
                format!("{} · {} · {} · {full}/{}", column(|a| a.0 as f64), column(|a| a.1 as f64), column(|a| a.2), mine.len())
            })
            .collect();
        let ms = median(mine.iter().map(|r| r.ms_per_step).collect());
        let alone = candidate.ms_per_step.map_or("–".into(), |ms| format!("{ms:.1}"));
        out += &format!("| {} | `{}` | {alone} / {ms} | {} |\n", candidate.name, candidate.config, cells.join(" | "));
    }
    out += "\n**Every run**: step: coverage · Fréchet distance at each judged step\n\n| config | seed | ms/step | judged | seconds |\n|---|---|---|---|---|\n";
    for run in runs {
        let judged: Vec<String> = run.judged.iter().map(|(s, c, f)| format!("{s}: {c} · {f:.0}")).collect();
        let seconds = if run.seconds.is_finite() { format!("{:.0}", run.seconds) } else { "–".into() };
        let seconds = run.failed.as_ref().map_or(seconds.clone(), |why| format!("{seconds} ({why})"));
        out += &format!("| {} | {} | {:.1} | {} | {seconds} |\n", run.config, run.seed, run.ms_per_step, judged.join(", "));
    }
    out
}

fn median(mut values: Vec<f64>) -> String {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return "–".into();
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let m = if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 };
    if m >= 100.0 || m.fract() == 0.0 { format!("{m:.0}") } else { format!("{m:.1}") }
}

/// Replaces the text between `<!-- sweep:NAME -->` and `<!-- /sweep:NAME -->` in `report`
/// (appending the section if it is not there), leaving the rest as written by hand.
fn write_section(report: &Path, name: &str, body: &str) -> Result<(), Failure> {
    let (open, close) = (format!("<!-- sweep:{name} -->"), format!("<!-- /sweep:{name} -->"));
    let text = std::fs::read_to_string(report).unwrap_or_default();
    let section = format!("{open}\n{body}{close}");
    let text = match (text.find(&open), text.find(&close)) {
        (Some(a), Some(b)) if a < b => format!("{}{section}{}", &text[..a], &text[b + close.len()..]),
        _ => format!("{text}\n{section}\n"),
    };
    write_atomic(report, text.as_bytes())?;
    Ok(())
}
