//! The wasm boundary in a real browser: `wasm-pack test --headless --chrome` (pkg-scripts/test).
//! Chromium needs `--enable-unsafe-webgpu` (webdriver.json) for the WebGPU test; without an
//! adapter that test fails, it never skips, so a broken WebGPU path cannot pass unseen.
#![cfg(target_family = "wasm")]

use began::data::{Images, encode};
use began::web::dataset::{Dataset, ImageGathering};
use began::web::judge::{BestState, WebJudge};
use began::web::sampler::{WebSampler, slerp};
use began::web::trainer::WebTrainer;
use began::web::{has_webgpu, lose_webgpu_device};
use js_sys::{Error, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// 32 synthetic 28×28 digits-to-be: a bright bar at a different row each, as IDX files.
fn idx() -> (Vec<u8>, Vec<u8>) {
    let mut pixels = vec![0u8; 32 * 784];
    for i in 0..32 {
        let row = 4 + i % 20;
        pixels[i * 784 + row * 28 + 4..i * 784 + row * 28 + 24].fill(255);
    }
    encode(&Images::gray(pixels, vec![1; 32], 28, 28))
}

fn dataset() -> Dataset {
    let (images, labels) = idx();
    Dataset::parse(&images, &labels, "mnist").map_err(message).unwrap()
}

fn small_config() -> JsValue {
    js_sys::JSON::parse(r#"{"batch_size": 8, "model": {"filters": 4, "hidden": 8, "latent": 8}}"#).unwrap()
}

fn number(object: &JsValue, key: &str) -> f64 {
    Reflect::get(object, &key.into()).unwrap().as_f64().unwrap_or_else(|| panic!("{key} is not a number"))
}

async fn two_steps_on(backend: &str) {
    let trainer = WebTrainer::create(small_config(), backend.into(), &dataset()).await.map_err(message).unwrap();
    assert_eq!(trainer.backend(), backend);
    let stats = JsFuture::from(trainer.step(2)).await.map_err(message).unwrap();
    assert_eq!(number(&stats, "step"), 2.0);
    for key in ["loss_real", "loss_fake", "loss_d", "loss_g", "m_global", "ms_per_step"] {
        assert!(number(&stats, key).is_finite(), "{backend}: {key} is not finite");
    }
    let k = number(&stats, "k");
    assert!((0.0..=1.0).contains(&k), "{backend}: k_t = {k}");
    let samples = JsFuture::from(trainer.samples()).await.map_err(message).unwrap();
    let pixels: Uint8Array = Reflect::get(&samples, &"pixels".into()).unwrap().dyn_into().unwrap();
    assert_eq!(pixels.length() as f64, number(&samples, "width") * number(&samples, "height"));
}

fn message(error: JsValue) -> String {
    error.dyn_ref::<Error>().map(|e| format!("{}: {}", String::from(e.name()), String::from(e.message()))).unwrap_or(format!("{error:?}"))
}

#[wasm_bindgen_test]
async fn a_training_step_on_the_cpu_backend() {
    two_steps_on("cpu").await;
}

/// One test, in this order: the device is shared by the page, and losing it is for good.
#[wasm_bindgen_test]
async fn a_training_step_on_webgpu_then_a_lost_device_is_an_error_not_a_panic() {
    assert!(has_webgpu(), "navigator.gpu is missing: start Chromium with --enable-unsafe-webgpu");
    two_steps_on("webgpu").await;

    // A run moves between backends in place, at its step, and keeps training.
    let trainer = WebTrainer::create(small_config(), "cpu".into(), &dataset()).await.map_err(message).unwrap();
    JsFuture::from(trainer.step(2)).await.map_err(message).unwrap();
    JsFuture::from(trainer.move_to("webgpu".into())).await.map_err(message).unwrap();
    assert_eq!((trainer.backend().as_str(), trainer.step_count().unwrap()), ("webgpu", 2.0));
    JsFuture::from(trainer.step(1)).await.map_err(message).unwrap();
    let kept = JsFuture::from(trainer.keep()).await.map_err(message).unwrap();
    assert_eq!((number(&kept, "step"), trainer.kept_step().unwrap()), (3.0, Some(3.0)));
    JsFuture::from(trainer.step(1)).await.map_err(message).unwrap();
    assert!(lose_webgpu_device(), "there was no WebGPU device to lose");
    let error = JsFuture::from(trainer.step(1)).await.err().expect("a step on a destroyed device should fail");
    assert!(message(error).starts_with("DeviceError"));
    // The session is still there to report on; a move off the lost device fails and changes
    // nothing (it reads the device), the kept state restores on the CPU (it does not).
    assert!(trainer.step_count().unwrap() >= 4.0);
    let error = message(JsFuture::from(trainer.move_to("cpu".into())).await.err().expect("the current state is on the lost device"));
    assert!(error.starts_with("DeviceError"), "{error}");
    assert_eq!(trainer.backend(), "webgpu");
    JsFuture::from(trainer.restore("cpu".into())).await.map_err(message).unwrap();
    assert_eq!((trainer.backend().as_str(), trainer.step_count().unwrap()), ("cpu", 3.0));
    let stats = JsFuture::from(trainer.step(1)).await.map_err(message).unwrap();
    assert_eq!(number(&stats, "step"), 4.0);
    two_steps_on("cpu").await;
}

/// One's own images as the page's worker hands them over (RGBA squares from a canvas): the model
/// follows them (32×32 RGB), its pictures are RGB, and what was skipped is reported.
#[wasm_bindgen_test]
async fn ones_own_rgb_images_make_a_model_that_draws_rgb() {
    let mut gathering = ImageGathering::new(32).map_err(message).unwrap();
    assert!(!gathering.wants("notes.txt", b"hello", 5.0));
    assert_eq!(gathering.crop("small.png", 40, 30), None);
    assert_eq!(gathering.crop("wide.png", 40, 32), Some(vec![4, 0, 32]));
    for i in 0..16u8 {
        let rgba: Vec<u8> = (0..32 * 32).flat_map(|p| [(p % 32) as u8 * 8, i * 16, 200, 255]).collect();
        assert!(gathering.wants("shape.png", b"\x89PNG\r\n\x1a\n", 4096.0));
        gathering.push(&rgba).map_err(message).unwrap();
    }
    assert!(gathering.colour());
    let dataset = gathering.finish("shapes", None).map_err(message).unwrap();
    let report = dataset.report().unwrap();
    assert_eq!((number(&report, "images"), number(&report, "size"), number(&report, "channels")), (16.0, 32.0, 3.0));
    let skipped = js_sys::Array::from(&Reflect::get(&report, &"skipped".into()).unwrap());
    assert_eq!(skipped.length(), 2, "notes.txt, and the image too small for 32");
    assert_eq!(Reflect::get(&report, &"name".into()).unwrap().as_string().as_deref(), Some("shapes"));
    let trainer = WebTrainer::create(small_config(), "cpu".into(), &dataset).await.map_err(message).unwrap();
    JsFuture::from(trainer.step(1)).await.map_err(message).unwrap();
    let samples = JsFuture::from(trainer.samples()).await.map_err(message).unwrap();
    assert_eq!((number(&samples, "width"), number(&samples, "channels")), (8.0 * 33.0 + 1.0, 3.0));
}

#[wasm_bindgen_test]
async fn a_bad_dataset_buffer_is_an_error_not_a_panic() {
    let (images, labels) = idx();
    let error = Dataset::parse(b"this is not an IDX file", &labels, "mnist").err().expect("should fail");
    assert!(message(error).starts_with("BadData: mnist images: wrong magic number"));
    let error = Dataset::parse(&images[..1000], &labels, "mnist").err().expect("should fail");
    assert!(message(error).contains("truncated"));
}

#[wasm_bindgen_test]
async fn sessions_share_one_parse_of_a_dataset_and_go_back_to_their_kept_and_held_states() {
    let dataset = dataset();
    let parses = Dataset::parses();
    let trainer = WebTrainer::create(small_config(), "cpu".into(), &dataset).await.map_err(message).unwrap();
    let other = WebTrainer::create(small_config(), "cpu".into(), &dataset).await.map_err(message).unwrap();
    assert_eq!(dataset.length(), 32);
    let error = message(JsFuture::from(trainer.restore("cpu".into())).await.err().expect("nothing was kept yet"));
    assert!(error.starts_with("BadCheckpoint"), "{error}");
    JsFuture::from(trainer.step(2)).await.map_err(message).unwrap();
    let kept = JsFuture::from(trainer.keep()).await.map_err(message).unwrap();
    // The kept generator alone is an export without D: the judge and the widget read it.
    let generator: Uint8Array = Reflect::get(&kept, &"generator".into()).unwrap().dyn_into().unwrap();
    let checkpoint: Uint8Array = Reflect::get(&kept, &"checkpoint".into()).unwrap().dyn_into().unwrap();
    assert!(generator.length() * 3 < checkpoint.length(), "{} vs {} bytes", generator.length(), checkpoint.length());
    WebSampler::load(&generator.to_vec(), "kept generator").map_err(message).unwrap();
    JsFuture::from(trainer.step(3)).await.map_err(message).unwrap();
    JsFuture::from(trainer.move_to("cpu".into())).await.map_err(message).unwrap();
    assert_eq!((trainer.step_count().unwrap(), trainer.kept_step().unwrap()), (5.0, Some(5.0)), "a move keeps the moved state");
    JsFuture::from(trainer.step(1)).await.map_err(message).unwrap();
    JsFuture::from(trainer.restore("cpu".into())).await.map_err(message).unwrap();
    assert_eq!(trainer.step_count().unwrap(), 5.0);
    // The best judged state, held while later states are kept, is what going back returns to.
    assert!(!trainer.hold(2.0).unwrap(), "step 2 is no longer the last kept state");
    assert!(trainer.hold(5.0).unwrap());
    JsFuture::from(trainer.step(2)).await.map_err(message).unwrap();
    JsFuture::from(trainer.keep()).await.map_err(message).unwrap();
    JsFuture::from(trainer.go_back("cpu".into())).await.map_err(message).unwrap();
    assert_eq!(trainer.step_count().unwrap(), 5.0);
    JsFuture::from(other.step(1)).await.map_err(message).unwrap();
    assert_eq!(Dataset::parses(), parses, "no session parsed the dataset again");
}

#[wasm_bindgen_test]
async fn an_out_of_range_hyperparameter_is_refused_and_the_run_kept() {
    let trainer = WebTrainer::create(small_config(), "cpu".into(), &dataset()).await.map_err(message).unwrap();
    JsFuture::from(trainer.step(1)).await.map_err(message).unwrap();
    let error = trainer.set_hyperparameters(1.5, 0.001, 1e-4, 0.0).err().expect("γ = 1.5 should be refused");
    assert!(message(error).starts_with("InvalidConfig: gamma must be in (0, 1]"));
    let error = trainer.set_hyperparameters(1.0, 0.001, 1e-4, 2.0).err().expect("a mode-seeking weight of 2 should be refused");
    assert!(message(error).starts_with("InvalidConfig: mode-seeking must be in [0, 1]"));
    let stats = JsFuture::from(trainer.step(1)).await.map_err(message).unwrap();
    assert_eq!(number(&stats, "step"), 2.0);
    let bad_config = js_sys::JSON::parse(r#"{"gamma": 0}"#).unwrap();
    let error = WebTrainer::create(bad_config, "cpu".into(), &dataset()).await.err().expect("should fail");
    assert!(message(error).starts_with("InvalidConfig: gamma"));
}

#[wasm_bindgen_test]
async fn a_checkpoint_resumes_at_its_step_and_a_chosen_file_opens_as_its_format_says() {
    let dataset = dataset();
    let trainer = WebTrainer::create(small_config(), "cpu".into(), &dataset).await.map_err(message).unwrap();
    JsFuture::from(trainer.step(3)).await.map_err(message).unwrap();
    let bytes: Uint8Array = JsFuture::from(trainer.save()).await.map_err(message).unwrap().dyn_into().unwrap();
    let resumed = WebTrainer::resume(bytes.to_vec(), "cpu".into(), &dataset).await.map_err(message).unwrap();
    assert_eq!(resumed.step_count().unwrap(), 3.0);
    // A file the user chose opens as its format says: the run resumes, an export starts afresh.
    let export: Uint8Array = JsFuture::from(trainer.export()).await.map_err(message).unwrap().dyn_into().unwrap();
    let open = |file: Vec<u8>| WebTrainer::open(file, small_config(), "cpu".into(), &dataset, Some("run.safetensors".into()));
    assert_eq!(open(bytes.to_vec()).await.map_err(message).unwrap().step_count().unwrap(), 3.0);
    // A checkpoint never reads the config: a field the form marks invalid (null) does not block it.
    let refused = js_sys::JSON::parse(r#"{"gamma": null}"#).unwrap();
    let resumed = WebTrainer::open(bytes.to_vec(), refused, "cpu".into(), &dataset, None).await.map_err(message).unwrap();
    assert_eq!(resumed.step_count().unwrap(), 3.0);
    assert_eq!(open(export.to_vec()).await.map_err(message).unwrap().step_count().unwrap(), 0.0);
    let error = open(b"not a run".to_vec()).await.err().expect("should fail");
    assert!(message(error).starts_with("BadCheckpoint: checkpoint run.safetensors: "), "the file is named as given");
    let mut truncated = bytes.to_vec();
    truncated.truncate(truncated.len() / 2);
    let error = WebTrainer::resume(truncated, "cpu".into(), &dataset).await.err().expect("should fail");
    assert!(message(error).starts_with("BadCheckpoint"));
}

#[wasm_bindgen_test]
async fn the_sampler_draws_an_export_and_refuses_what_is_not_one() {
    let trainer = WebTrainer::create(small_config(), "cpu".into(), &dataset()).await.map_err(message).unwrap();
    let export: Uint8Array = JsFuture::from(trainer.export()).await.map_err(message).unwrap().dyn_into().unwrap();
    let sampler = WebSampler::load(&export.to_vec(), "export.safetensors").map_err(message).unwrap();
    assert_eq!(sampler.latent(), 8);

    let z = sampler.points(2, 7.0, 0.0);
    assert_eq!(z, sampler.points(2, 7.0, 0.0));
    assert_eq!(z.len(), 4 * 8);
    let picture = JsFuture::from(sampler.generate(z.clone(), 2)).await.map_err(message).unwrap();
    // 2 × 2 images of 28 pixels, 1 pixel apart and around.
    assert_eq!((number(&picture, "width"), number(&picture, "height")), (59.0, 59.0));
    let other = sampler.points(2, 7.0, 1.0);
    assert_ne!(z, other, "the next draw moves");
    let halfway = slerp(&z, &other, 0.5, 8).map_err(message).unwrap();
    assert_eq!(halfway.len(), z.len());
    assert!(slerp(&z, &other[..4], 0.5, 8).is_err(), "rows of different lengths");
    let error = JsFuture::from(sampler.generate(vec![0.5; 5], 2)).await.err().expect("5 values are not vectors of 8");
    assert!(message(error).starts_with("InvalidConfig"));

    let error = WebSampler::load(b"not a model", "model.safetensors").err().expect("should fail");
    let text = message(error);
    assert!(text.starts_with("BadCheckpoint: checkpoint model.safetensors"), "{text}");
    let mut truncated = export.to_vec();
    truncated.truncate(truncated.len() - 100);
    let error = WebSampler::load(&truncated, "cut.safetensors").err().expect("should fail");
    assert!(message(error).starts_with("BadCheckpoint"));
}

#[wasm_bindgen_test]
async fn the_judge_scores_a_shipped_generator_and_refuses_what_is_not_one() {
    // The shipped classifier; the synthetic bars stand in for the test split (the reference of the
    // Fréchet distance), so only the class histogram is compared with what `began eval` says.
    let classifier = include_bytes!("../../www/models/mnist-classifier.safetensors").to_vec();
    let (images, labels) = idx();
    let judge = WebJudge::create(classifier, images.clone(), labels.clone()).await.map_err(message).unwrap();
    assert_eq!(judge.dataset(), "mnist");
    assert!(judge.test_accuracy() > 0.985);

    let shipped = include_bytes!("../../www/models/mnist.safetensors").to_vec();
    let quality = JsFuture::from(judge.judge(shipped.clone(), Some(300), Some(0.0))).await.map_err(message).unwrap();
    assert_eq!(number(&quality, "n"), 300.0);
    let histogram: Vec<f64> = serde_wasm_bindgen::from_value(Reflect::get(&quality, &"histogram".into()).unwrap()).unwrap();
    assert_eq!(histogram.len(), 10);
    assert!((histogram.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    // Natively the shipped MNIST generator covers at least 9 classes (www/models/README.md).
    assert!(number(&quality, "coverage") >= 8.0, "coverage {}", number(&quality, "coverage"));
    assert!(number(&quality, "frechet").is_finite());
    let again = JsFuture::from(judge.judge(shipped.clone(), Some(300), Some(0.0))).await.map_err(message).unwrap();
    assert_eq!(number(&again, "frechet"), number(&quality, "frechet"), "the same seed judges the same");

    // The rule the page keeps its best state by, from Rust: coverage, then distance; ties keep.
    let mut best = BestState::new();
    assert!(best.offer(0.0, 9, number(&quality, "frechet")));
    assert!(!best.offer(200.0, 9, number(&quality, "frechet")) && !best.offer(400.0, 8, 1.0) && best.offer(600.0, 10, 900.0));
    assert_eq!(best.step(), Some(600.0));

    let error = JsFuture::from(judge.judge(b"not a model".to_vec(), None, None)).await.err().expect("should fail");
    assert!(message(error).starts_with("BadCheckpoint"));
    let error = JsFuture::from(judge.judge(shipped, Some(1), None)).await.err().expect("one sample has no covariance");
    assert!(message(error).starts_with("InvalidConfig"));
    let error = WebJudge::create(b"not a classifier".to_vec(), images, labels).await.err().expect("should fail");
    assert!(message(error).starts_with("BadCheckpoint"));
}
