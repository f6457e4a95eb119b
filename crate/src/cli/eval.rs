//! `began classifier train` and `began eval`: the yardstick for samples, and using it.

use super::args::{ClassifierTrainArgs, EvalArgs};
use super::{Failure, Outcome, block_on};
use began::classifier::{self, ClassifierConfig, Judge};
use began::data::{Split, load};
use began::files::{read, write_atomic};
use began::checkpoint::drawing_generator;
use burn::prelude::*;

pub fn train_classifier(args: ClassifierTrainArgs) -> Outcome {
    let device = Device::flex();
    let dataset = args.dataset.dir_name();
    let train = load(&args.data_dir, dataset, Split::Train)?;
    let test = load(&args.data_dir, dataset, Split::Test)?;
    eprintln!("training a classifier on {} {dataset} images for {} epochs", train.len(), args.epochs);
    let trained = classifier::train(ClassifierConfig::new(), train, &test, args.epochs, args.seed, &device, |epoch, accuracy| {
        eprintln!("epoch {epoch}: test accuracy {:.2}%", accuracy * 100.0);
    })?;
    write_atomic(&args.out, &block_on(classifier::to_bytes(&trained, dataset))?)?;
    println!("{}", serde_json::json!({ "dataset": dataset, "epochs": args.epochs, "test_accuracy": trained.test_accuracy }));
    Ok(())
}

pub fn run(args: EvalArgs) -> Outcome {
    let device = Device::flex();
    let judge = classifier::from_bytes(&read(&args.classifier)?, &args.classifier.display().to_string(), &device)?;
    let (model, generator) = drawing_generator(&read(&args.checkpoint)?, &args.checkpoint.display().to_string(), &device)?;
    if model.image_size != 28 || model.channels != 1 {
        return Err(Failure::Usage("--checkpoint: the classifier judges 28×28 grayscale images".into()));
    }
    let test = load(&args.data_dir, &judge.dataset, Split::Test)?;
    let (dataset, test_accuracy) = (judge.dataset, judge.test_accuracy);
    let judge = block_on(Judge::new(judge.classifier, &test, &device))?;
    let quality = block_on(judge.judge(|z| generator.forward(z), &device, model.latent, args.n as usize, args.seed))?;
    let round = |x: f64| (x * 1e4).round() / 1e4;
    let report = serde_json::json!({
        "checkpoint": args.checkpoint.display().to_string(),
        "classifier": { "dataset": dataset, "test_accuracy": test_accuracy },
        "seed": args.seed,
        "n": quality.classes.n,
        "histogram": quality.classes.histogram.iter().map(|&p| round(p)).collect::<Vec<_>>(),
        "coverage": quality.classes.coverage,
        "kl_uniform": round(quality.classes.kl_uniform),
        "frechet": round(quality.frechet),
    });
    println!("{}", serde_json::to_string_pretty(&report).expect("JSON"));
    Ok(())
}
