//! The `began` binary: argument errors, and a short train → sample → export → resume.
#![cfg(not(target_family = "wasm"))] // native: files, processes; the browser tests are web.rs

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn began(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_began")).args(args).output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn invalid_arguments_give_one_line_naming_the_flag_and_exit_2() {
    let data = common::data_dir();
    let data = data.to_str().unwrap();
    let cases: [(&[&str], &str, &str); 10] = [
        (&["--gamma", "1.5"], "--gamma", "(0, 1]"),
        (&["--gamma", "0"], "--gamma", "(0, 1]"),
        (&["--lambda-k", "-0.1"], "--lambda-k", "≥ 0"),
        (&["--lr", "0"], "--lr", "> 0"),
        (&["--lr", "NaN"], "--lr", "> 0"),
        (&["--batch-size", "0"], "--batch-size", "1..=1024"),
        (&["--steps", "0"], "--steps", "> 0"),
        (&["--mode-seeking", "2"], "--mode-seeking", "[0, 1]"),
        (&["--ema-decay", "1"], "--ema-decay", "[0, 1)"),
        (&["--data-dir", "/no/such/dir"], "--data-dir", "fetch-data"),
    ];
    for (extra, flag, allowed) in cases {
        let mut args = vec!["train", "--dataset", "mnist", "--out", "/tmp/began-unused"];
        if extra[0] != "--data-dir" {
            args.extend(["--data-dir", data]);
        }
        args.extend_from_slice(extra);
        let output = began(&args);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{extra:?}: {message}");
        assert_eq!(message.trim_end().lines().count(), 1, "{extra:?}: {message}");
        assert!(message.contains(flag) && message.contains(allowed), "{extra:?}: {message}");
    }
    // A flag left out: the one line names it (clap lists it on a line of its own).
    let output = began(&["train", "--out", "/tmp/began-unused"]);
    let message = stderr(&output);
    assert_eq!((output.status.code(), message.trim_end().lines().count()), (Some(2), 1), "{message}");
    assert!(message.contains("--dataset"), "{message}");
}

#[test]
fn train_sample_export_and_resume() {
    let dir = tempdir("run");
    let out = dir.to_str().unwrap();
    let data = common::data_dir();
    let train = |steps: &str, resume: Option<&str>| {
        let mut args = vec!["train", "--dataset", "mnist", "--data-dir", data.to_str().unwrap(), "--steps", steps];
        args.extend(["--filters", "4", "--hidden", "8", "--log-every", "5", "--sample-every", "10", "--out", out]);
        if let Some(checkpoint) = resume {
            args.extend(["--resume", checkpoint]);
        }
        let output = began(&args);
        assert!(output.status.success(), "{}", stderr(&output));
    };
    train("20", None);
    let metrics = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
    let mut lines = metrics.lines();
    assert_eq!(lines.next(), Some("step,loss_real,loss_fake,loss_d,loss_g,k,m_global,lr,ms_per_step"));
    let steps: Vec<&str> = lines.map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(steps, ["5", "10", "15", "20"]);
    for file in ["config.json", "samples/step_000010.png", "samples/step_000020.png", "checkpoint.safetensors"] {
        assert!(dir.join(file).is_file(), "missing {file}");
    }
    let config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("config.json")).unwrap()).unwrap();
    assert_eq!(config["model"]["filters"], 4);

    let checkpoint = dir.join("checkpoint.safetensors");
    let checkpoint = checkpoint.to_str().unwrap();
    let grid = dir.join("grid.png");
    let output = began(&["sample", "--checkpoint", checkpoint, "--n", "16", "--out", grid.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::fs::read(&grid).unwrap().starts_with(b"\x89PNG"));
    let weights = dir.join("model.safetensors");
    let output = began(&["export", "--checkpoint", checkpoint, "--out", weights.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = began(&["sample", "--checkpoint", weights.to_str().unwrap(), "--out", grid.to_str().unwrap()]);
    assert!(output.status.success(), "the export should sample too: {}", stderr(&output));

    // An export has no run to continue: --resume starts a fresh run of the flags from its weights.
    let fresh = tempdir("from-export");
    let args = ["train", "--dataset", "mnist", "--steps", "5", "--log-every", "5", "--resume", weights.to_str().unwrap()];
    let output = began(&[&args[..], &["--data-dir", data.to_str().unwrap(), "--out", fresh.to_str().unwrap()]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    let metrics = std::fs::read_to_string(fresh.join("metrics.csv")).unwrap();
    assert_eq!(metrics.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect::<Vec<_>>(), ["5"], "{metrics}");

    train("30", Some(checkpoint));
    let metrics = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
    assert!(metrics.lines().last().unwrap().starts_with("30,"), "{metrics}");
    assert_eq!(metrics.lines().filter(|l| l.starts_with("step,")).count(), 1, "resume appends");
}

#[test]
fn a_corrupt_checkpoint_is_refused_and_nothing_is_overwritten() {
    let dir = tempdir("corrupt");
    let corrupt = dir.join("checkpoint.safetensors");
    std::fs::write(&corrupt, b"definitely not a checkpoint").unwrap();
    let data = common::data_dir();
    let output = began(&[
        "train", "--dataset", "mnist", "--data-dir", data.to_str().unwrap(), "--steps", "5",
        "--resume", corrupt.to_str().unwrap(), "--out", dir.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("checkpoint.safetensors"), "{}", stderr(&output));
    assert_eq!(std::fs::read(&corrupt).unwrap(), b"definitely not a checkpoint");
    assert!(!dir.join("metrics.csv").exists());
}

/// A well-formed export with a NaN in G (www/fixtures/non-finite.safetensors) is refused by
/// every command that loads one, naming the tensor, before anything is written.
#[test]
fn a_file_of_non_finite_weights_is_refused_naming_the_tensor() {
    let dir = tempdir("non-finite");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/fixtures/non-finite.safetensors");
    let fixture = fixture.to_str().unwrap();
    let grid = dir.join("grid.png");
    let data = common::data_dir();
    for args in [
        vec!["sample", "--checkpoint", fixture, "--out", grid.to_str().unwrap()],
        vec!["train", "--dataset", "mnist", "--data-dir", data.to_str().unwrap(), "--steps", "2", "--resume", fixture, "--out", dir.to_str().unwrap()],
    ] {
        let output = began(&args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let message = stderr(&output);
        assert!(message.contains("non-finite.safetensors: tensor generator.decoder.to_image.bias holds NaN: its weights are not finite"), "{args:?}: {message}");
    }
    assert!(!grid.exists() && !dir.join("metrics.csv").exists());
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_sweep_runs_its_grid_once_and_writes_its_tables_into_the_report() {
    let dir = tempdir("sweep");
    let grid = dir.join("tiny.json");
    let base = r#"{"model": {"filters": 4, "hidden": 8, "latent": 8}, "ema_decay": 0.9}"#;
    let configs = r#"[{"name": "plain", "config": {}}, {"name": "ms", "config": {"mode_seeking": 0.1}}]"#;
    let text = format!(r#"{{"dataset": "mnist", "steps": 4, "judge_every": 2, "seeds": [1, 2], "base": {base}, "configs": {configs}}}"#);
    std::fs::write(&grid, text).unwrap();
    let report = dir.join("recipes.md");
    std::fs::write(&report, "# By hand\n\n<!-- sweep:tiny -->\nold table\n<!-- /sweep:tiny -->\n\nAfter.\n").unwrap();
    let models = common::data_dir().join("../models");
    let data = common::data_dir();
    let sweep = || {
        let (grid, out, report) = (grid.to_str().unwrap(), dir.join("runs"), report.to_str().unwrap());
        let args = ["sweep", "--grid", grid, "--out", out.to_str().unwrap(), "--jobs", "2", "--report", report];
        let output = began(&[&args[..], &["--data-dir", data.to_str().unwrap(), "--models", models.to_str().unwrap()]].concat());
        assert!(output.status.success(), "{}", stderr(&output));
        stderr(&output)
    };
    assert!(sweep().contains("4 runs, 4 to do"));
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.starts_with("# By hand\n") && text.ends_with("\nAfter.\n") && !text.contains("old table"), "{text}");
    // A row per run and per seed, judged at steps 2 and 4; the average's runs also as trained.
    for row in ["| plain | 1 |", "| plain | 2 |", "| ms | 1 |", "| ms | 2 |", "| ms, G as trained | 2 |"] {
        assert!(text.contains(row), "no row {row} in\n{text}");
    }
    let results: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("sweep-tiny.json")).unwrap()).unwrap();
    let runs = results["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 4);
    assert!(runs.iter().all(|r| r["judged"].as_array().unwrap().len() == 2 && r["failed"].is_null()), "{results}");
    assert_eq!(std::fs::read_to_string(dir.join("runs/ms/seed-2/sweep-config.json")).unwrap().contains("\"mode_seeking\": 0.1"), true);
    // Finished runs are not run again.
    assert!(sweep().contains("4 runs, 0 to do"));
}

#[test]
fn a_config_file_sets_a_run_and_flags_override_it() {
    let dir = tempdir("config");
    std::fs::write(dir.join("partial.json"), r#"{"mode_seeking": 0.2, "gamma": 0.8, "model": {"filters": 4, "hidden": 8, "latent": 8}}"#).unwrap();
    let data = common::data_dir();
    let out = dir.join("run");
    let partial = dir.join("partial.json");
    let args = ["train", "--dataset", "mnist", "--steps", "2", "--gamma", "0.9", "--config", partial.to_str().unwrap()];
    let output = began(&[&args[..], &["--data-dir", data.to_str().unwrap(), "--out", out.to_str().unwrap()]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    let config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
    assert_eq!((config["mode_seeking"].as_f64(), config["gamma"].as_f64(), config["model"]["filters"].as_u64()), (Some(0.2), Some(0.9), Some(4)));
    std::fs::write(&partial, r#"{"mode_seekin": 0.2}"#).unwrap();
    let output = began(&[&args[..], &["--data-dir", data.to_str().unwrap(), "--out", out.to_str().unwrap()]].concat());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unknown field `mode_seekin`"), "{}", stderr(&output));
}

#[test]
fn a_resumed_run_keeps_the_best_generator_it_already_kept() {
    let dir = tempdir("best");
    let (data, out) = (common::data_dir(), dir.to_str().unwrap());
    let classifier = data.join("../models/mnist-classifier.safetensors");
    let train = |steps: &str, resume: bool| {
        let mut args = vec!["train", "--dataset", "mnist", "--data-dir", data.to_str().unwrap(), "--steps", steps];
        args.extend(["--filters", "4", "--hidden", "8", "--sample-every", "5", "--out", out, "--classifier", classifier.to_str().unwrap()]);
        let checkpoint = dir.join("checkpoint.safetensors");
        if resume {
            args.extend(["--resume", checkpoint.to_str().unwrap()]);
        }
        let output = began(&args);
        assert!(output.status.success(), "{}", stderr(&output));
    };
    train("5", false);
    let best = std::fs::read(dir.join("best.safetensors")).unwrap();
    // Say step 5 scored what no later step can beat: the resumed run must not replace its file.
    let csv = std::fs::read_to_string(dir.join("quality.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    let row = csv.lines().nth(1).unwrap().splitn(4, ',').nth(3).unwrap();
    std::fs::write(dir.join("quality.csv"), format!("{header}\n5,0.000,10,{row}\n")).unwrap();
    train("15", true);
    let csv = std::fs::read_to_string(dir.join("quality.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "steps 5, 10 and 15 judged: {csv}");
    assert_eq!(std::fs::read(dir.join("best.safetensors")).unwrap(), best);
}

/// The flags' parsers are the schema's (began::schema), as the library's checks and the page's
/// form are: just outside a field's range is refused with its message, its closed ends pass.
#[test]
fn train_flags_take_their_ranges_from_the_schema() {
    use began::schema::{self, Number};
    let flags = [
        &schema::STEPS, &schema::BATCH_SIZE, &schema::GAMMA, &schema::LAMBDA_K, &schema::LR, &schema::G_LR_SCALE,
        &schema::MODE_SEEKING, &schema::EMA_DECAY, &schema::SEED, &schema::FILTERS, &schema::HIDDEN, &schema::INPUT_NOISE,
    ];
    let train = |flag: &str, value: Number| {
        let flag = format!("--{flag}");
        // A missing data directory stops a run after its flags are parsed.
        let output = began(&["train", "--dataset", "mnist", "--out", "/tmp/began-unused", "--data-dir", "/no/such/dir", &flag, &value.to_string()]);
        assert_eq!(output.status.code(), Some(2), "{flag} {value}");
        stderr(&output)
    };
    for field in flags {
        for value in field.range.outside() {
            let message = train(field.name, value);
            assert!(message.contains(&format!("--{}", field.name)) && message.contains(&format!("must be {}", field.range)), "{value}: {message}");
        }
        for value in field.range.ends() {
            let message = train(field.name, value);
            assert!(message.contains("--data-dir"), "{} {value} should parse: {message}", field.name);
        }
    }
}

#[test]
fn a_poster_is_the_widgets_first_frame_and_the_shipped_ones_are_current() {
    let dir = tempdir("poster");
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/models");
    // The demo post's widgets: their posters are committed beside the models.
    for (model, grid, seed) in [("mnist", 4, 7), ("fashion", 6, 3)] {
        let out = dir.join(format!("{model}.png"));
        let src = models.join(format!("{model}.safetensors"));
        let (grid_arg, seed_arg) = (grid.to_string(), seed.to_string());
        let output = began(&["poster", "--model", src.to_str().unwrap(), "--grid", &grid_arg, "--seed", &seed_arg, "--out", out.to_str().unwrap()]);
        assert!(output.status.success(), "{}", stderr(&output));
        let (made, size) = gray_png(&out);
        // `grid` images of 28 px, 1 px apart and around: what the widget's canvas holds.
        assert_eq!(size, (grid * 29 + 1, grid * 29 + 1));
        let (shipped, shipped_size) = gray_png(&models.join(format!("{model}-poster.png")));
        assert_eq!(shipped_size, size, "{model}: the shipped poster has another size");
        // Another CPU may round the last bits differently: a level or two, not a picture.
        let worst = made.iter().zip(&shipped).map(|(a, b)| a.abs_diff(*b)).max().unwrap();
        assert!(worst <= 3, "{model}-poster.png is not what `began poster` draws now (off by up to {worst} levels)");
    }
    let output = began(&["poster", "--model", "x", "--grid", "9", "--seed", "1", "--out", "y.png"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--grid") && stderr(&output).contains("1..=8"), "{}", stderr(&output));
    // The widget clamps `grid` to the same largest side.
    let widget = std::fs::read_to_string(models.join("../sampler/began-sampler.js")).unwrap();
    assert!(widget.contains(&format!("const MAX_GRID = {};", began::sampler::GRID_MAX)), "began-sampler.js's MAX_GRID differs from began::sampler::GRID_MAX");
}

/// The 8-bit gray pixels of a PNG and its (width, height).
fn gray_png(path: &Path) -> (Vec<u8>, (usize, usize)) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((info.color_type, info.bit_depth), (png::ColorType::Grayscale, png::BitDepth::Eight), "{}", path.display());
    pixels.truncate(info.buffer_size());
    (pixels, (info.width as usize, info.height as usize))
}

/// `n` coloured shapes (discs and squares of different hues and places) as PNG, JPEG and WebP
/// files of `side` pixels, the wider ones 4:3, written into `dir`.
fn shapes(dir: &Path, n: usize, side: u32) {
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    for i in 0..n {
        let (w, h) = if i % 2 == 0 { (side, side) } else { (side * 4 / 3, side) };
        let hue = [[220, 40, 40], [40, 180, 60], [50, 80, 220], [230, 200, 40]][i % 4];
        let (cx, cy, r) = ((w / 2) as i64 + (i as i64 % 5 - 2) * 3, (h / 2) as i64, (h / 4 + i as u32 % 5) as i64);
        let image = image::RgbImage::from_fn(w, h, |x, y| {
            let (dx, dy) = (x as i64 - cx, y as i64 - cy);
            let inside = if i % 3 == 0 { dx.abs() < r && dy.abs() < r } else { dx * dx + dy * dy < r * r };
            image::Rgb(if inside { hue } else { [10, 10, 20] })
        });
        let ext = ["png", "jpg", "webp"][i % 3];
        let folder = if i % 5 == 0 { dir.join("nested") } else { dir.to_path_buf() };
        image.save(folder.join(format!("shape{i:02}.{ext}"))).unwrap();
    }
}

#[test]
fn train_on_a_folder_of_ones_own_images_in_rgb_or_gray_reporting_what_it_skipped() {
    let dir = tempdir("own-images");
    let set = dir.join("set");
    shapes(&set, 20, 40);
    // Not usable, and said so by name: a text file, a corrupt PNG, an image too small for 32.
    std::fs::write(set.join("notes.txt"), "not an image").unwrap();
    std::fs::write(set.join("broken.png"), b"\x89PNG\r\n\x1a\n garbage").unwrap();
    image::RgbImage::new(20, 20).save(set.join("tiny.png")).unwrap();
    for (channels, width_per_image, color) in [(None, 33, png::ColorType::Rgb), (Some("1"), 33, png::ColorType::Grayscale)] {
        let out = dir.join(format!("run-{}", channels.unwrap_or("auto")));
        let mut args = vec!["train", "--images", set.to_str().unwrap(), "--size", "32", "--steps", "2", "--filters", "4", "--hidden", "8"];
        args.extend(["--batch-size", "4", "--log-every", "1", "--sample-every", "2", "--out", out.to_str().unwrap()]);
        if let Some(c) = channels {
            args.extend(["--channels", c]);
        }
        let output = began(&args);
        let message = stderr(&output);
        assert!(output.status.success(), "{message}");
        assert!(message.contains("20 images, 32×32"), "{message}");
        for skipped in ["notes.txt (not an image", "broken.png (not a readable image", "tiny.png (too small: 20×20"] {
            assert!(message.contains(skipped), "{skipped} not reported: {message}");
        }
        let grid = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(out.join("samples/step_000002.png")).unwrap()));
        let info = grid.read_info().unwrap().info().clone();
        assert_eq!((info.width, info.color_type), (8 * width_per_image + 1, color));
        let config: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("config.json")).unwrap()).unwrap();
        assert_eq!((config["model"]["image_size"].as_u64(), config["model"]["base_size"].as_u64()), (Some(32), Some(8)));
    }
    // The checkpoint records the set: resumed on other images it says so, on images that do not
    // fit its model it names the set it was trained on.
    let more = dir.join("more");
    shapes(&more, 24, 40);
    let checkpoint = dir.join("run-auto/checkpoint.safetensors");
    let resumed = dir.join("resumed");
    let resume = |folder: &Path, extra: &[&str]| {
        let mut args = vec!["train", "--images", folder.to_str().unwrap(), "--resume", checkpoint.to_str().unwrap(), "--steps", "3"];
        args.extend(["--size", "32", "--log-every", "1", "--out", resumed.to_str().unwrap()]);
        args.extend(extra);
        began(&args)
    };
    let output = resume(&more, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let said = "This run was trained on your images “set” (20 of 32×32 RGB); it goes on training on your images “more” (24 of 32×32 RGB).";
    assert!(stderr(&output).contains(said), "{}", stderr(&output));
    let output = resume(&set, &[]);
    assert!(output.status.success() && !stderr(&output).contains("was trained on"), "{}", stderr(&output));
    let output = resume(&set, &["--channels", "1"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("this run was trained on your images “set” (20 of 32×32 RGB)"), "{}", stderr(&output));

    // Too few, none, or a judge that cannot judge them: one line each, no run.
    let few = dir.join("few");
    shapes(&few, 5, 40);
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = dir.join("refused");
    for (folder, extra, code, says) in [
        (&few, vec![], 1, "5 usable images, at least 16 are needed"),
        (&empty, vec![], 1, "no images in it"),
        (&set, vec!["--classifier", "www/models/mnist-classifier.safetensors"], 2, "cannot judge --images"),
        (&set, vec!["--size", "48"], 2, "--size"),
    ] {
        let mut args = vec!["train", "--images", folder.to_str().unwrap(), "--steps", "1", "--out", out.to_str().unwrap()];
        args.extend(extra);
        let output = began(&args);
        assert_eq!(output.status.code(), Some(code), "{}", stderr(&output));
        assert!(stderr(&output).contains(says), "{}", stderr(&output));
        assert!(!out.join("metrics.csv").exists());
    }
}

#[test]
fn an_objective_trains_with_its_authors_settings_and_no_other_objective_takes_its_files() {
    let dir = tempdir("wgan-gp");
    let (out, data) = (dir.to_str().unwrap().to_string(), common::data_dir());
    let train = |extra: &[&str]| {
        let args = ["train", "--dataset", "mnist", "--data-dir", data.to_str().unwrap(), "--filters", "4", "--hidden", "8", "--log-every", "5", "--sample-every", "10"];
        began(&[&args[..], extra].concat())
    };
    let output = train(&["--objective", "wgan-gp", "--steps", "10", "--out", &out]);
    assert!(output.status.success(), "{}", stderr(&output));
    let config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("config.json")).unwrap()).unwrap();
    assert_eq!((config["objective"].as_str(), config["lr"].as_f64(), config["beta1"].as_f64(), config["beta2"].as_f64()), (Some("wgan-gp"), Some(1e-4), Some(0.0), Some(0.9)));
    let checkpoint = dir.join("checkpoint.safetensors");
    let checkpoint = checkpoint.to_str().unwrap();

    let refused = train(&["--objective", "ns", "--steps", "15", "--resume", checkpoint, "--out", &out]);
    let message = stderr(&refused);
    assert_eq!(refused.status.code(), Some(2), "{message}");
    assert!(message.contains("a wgan-gp run") && message.contains("--objective ns"), "{message}");
    let resumed = train(&["--steps", "15", "--resume", checkpoint, "--out", &out]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert!(std::fs::read_to_string(dir.join("metrics.csv")).unwrap().lines().last().unwrap().starts_with("15,"));

    // Its export starts only a run of its own objective.
    let weights = dir.join("gp.safetensors");
    let output = began(&["export", "--checkpoint", checkpoint, "--out", weights.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let fresh = tempdir("from-gp-export");
    let refused = train(&["--steps", "5", "--resume", weights.to_str().unwrap(), "--out", fresh.to_str().unwrap()]);
    let message = stderr(&refused);
    assert!(!refused.status.success() && message.contains("a wgan-gp run") && message.contains("this run trains began"), "{message}");
    let output = train(&["--objective", "wgan-gp", "--steps", "5", "--resume", weights.to_str().unwrap(), "--out", fresh.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));

    let unknown = train(&["--objective", "wgangp", "--steps", "5", "--out", &out]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("wgan-gp"), "{}", stderr(&unknown));
}

#[test]
fn dcgan_trains_with_a_critic_objective_resumes_and_is_refused_with_began() {
    let dir = tempdir("dcgan");
    let (out, data) = (dir.to_str().unwrap().to_string(), common::data_dir());
    let train = |extra: &[&str]| {
        let args = ["train", "--dataset", "mnist", "--data-dir", data.to_str().unwrap(), "--filters", "4", "--hidden", "8", "--log-every", "5", "--sample-every", "10"];
        began(&[&args[..], extra].concat())
    };
    let output = train(&["--arch", "dcgan", "--objective", "lsgan", "--steps", "10", "--out", &out]);
    assert!(output.status.success(), "{}", stderr(&output));
    let config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("config.json")).unwrap()).unwrap();
    assert_eq!((config["model"]["arch"].as_str(), config["objective"].as_str()), (Some("dcgan"), Some("lsgan")));
    let checkpoint = dir.join("checkpoint.safetensors");
    let checkpoint = checkpoint.to_str().unwrap();
    let refused = train(&["--arch", "began", "--steps", "15", "--resume", checkpoint, "--out", &out]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("arch dcgan"), "{}", stderr(&refused));
    let resumed = train(&["--steps", "15", "--resume", checkpoint, "--out", &out]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));

    let with_began = train(&["--arch", "dcgan", "--steps", "5", "--out", tempdir("dcgan-began").to_str().unwrap()]);
    assert!(!with_began.status.success() && stderr(&with_began).contains("for objective began"), "{}", stderr(&with_began));
    let unknown = train(&["--arch", "resnet", "--steps", "5", "--out", &out]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("began, dcgan"), "{}", stderr(&unknown));
}
