//! Hyperparameters, with defaults that suit 28×28 grayscale images and train quickly on a CPU.
//! The whole [`TrainConfig`] is saved in every checkpoint, so a run can be reproduced.

use crate::error::{Error, Result};
use crate::schema;
use burn::config::Config;

/// The name of BEGAN's objective, the default (the others: [`crate::objective`]).
pub const BEGAN: &str = "began";

/// Shape of both networks (the paper's notation in brackets).
#[derive(Config, Debug, PartialEq)]
pub struct ModelConfig {
    /// Side of the square images in pixels; must be `base_size` × 2^k.
    #[config(default = 28)]
    pub image_size: usize,
    /// Image channels (1 for grayscale).
    #[config(default = 1)]
    pub channels: usize,
    /// Side of the smallest feature map [s0].
    #[config(default = 7)]
    pub base_size: usize,
    /// Filters of the first scale [n]; the encoder widens to 2n, 3n, … per scale.
    /// 8 keeps a batch-16 step near 250 ms on 2 CPU cores; 16 costs about twice that.
    #[config(default = 8)]
    pub filters: usize,
    /// Size of the discriminator's embedding [Nh].
    #[config(default = 32)]
    pub hidden: usize,
    /// Size of the generator's input z [Nz]; the paper uses Nz = Nh.
    #[config(default = 32)]
    pub latent: usize,
    /// 3×3 convolutions (each followed by ELU) per scale.
    #[config(default = 2)]
    pub repeat: usize,
    /// Feed the upsampled first decoder map into every later scale (the paper's later version).
    #[config(default = false)]
    pub skip_connections: bool,
    /// Scale s of the initial weights, U(±s/√fan_in). 1 is burn's and PyTorch's default, under
    /// which each layer shrinks its input's variance by 3 and a deep D first outputs a constant
    /// image; √3 keeps the variance (LeCun / Kaiming with gain 1). Biases keep U(±1/√fan_in).
    /// √3 is the default: MNIST samples at step 500 were ~0.6× as far from the test split
    /// (docs/recipes.md).
    #[config(default = 1.7320508075688772)]
    pub init_scale: f64,
    /// The networks' architecture ([`crate::model::ARCHITECTURES`]): `began` (BEGAN's, the
    /// default) or `dcgan` (DCGAN's, with batch norm; for every objective but BEGAN's, whose D is
    /// an autoencoder). A file from before there were two has BEGAN's.
    #[config(default = "String::from(\"began\")")]
    pub arch: String,
    /// Squash G's output with tanh into the images' range [-1, 1]. The paper's G is unbounded;
    /// on MNIST an unbounded G drifted to saturated blobs here.
    #[config(default = true)]
    pub generator_tanh: bool,
}

impl ModelConfig {
    /// Number of scales: 28 → 14 → 7 is three.
    pub fn num_scales(&self) -> usize {
        let mut size = self.base_size;
        let mut scales = 1;
        while size < self.image_size {
            size *= 2;
            scales += 1;
        }
        scales
    }

    /// Checks every range (the schema's, [`crate::schema`]); the error names the field and what
    /// is allowed.
    pub fn validate(&self) -> Result<()> {
        // A rule across two fields, so not one of the schema's ranges.
        let power_of_two = self.base_size > 0
            && self.image_size % self.base_size == 0
            && (self.image_size / self.base_size).is_power_of_two();
        check(power_of_two, "image_size", "base_size × a power of two", self.image_size)?;
        let allowed = format!("at most {}", schema::IMAGE_SIZE_MAX);
        check(self.image_size <= schema::IMAGE_SIZE_MAX, "image_size", allowed, self.image_size)?;
        schema::CHANNELS.check(self.channels)?;
        schema::FILTERS.check(self.filters)?;
        schema::HIDDEN.check(self.hidden)?;
        schema::LATENT.check(self.latent)?;
        schema::REPEAT.check(self.repeat)?;
        schema::INIT_SCALE.check(self.init_scale)?;
        crate::model::check_arch(&self.arch)?;
        // DCGAN's D halves the image at least once before its dense layer.
        let halves = self.image_size > self.base_size;
        check(self.arch != crate::model::DCGAN || halves, "image_size", "larger than base_size with arch dcgan", self.image_size)
    }
}

/// Learning-rate decay when M_global stops improving.
#[derive(Config, Debug, PartialEq)]
pub struct LrDecayConfig {
    /// Steps per window over which M_global is averaged; 0 turns decay off.
    #[config(default = 1000)]
    pub window: u64,
    /// Windows without a 1% improvement of the best mean before the rate is cut.
    #[config(default = 2)]
    pub patience: u32,
    /// Factor applied to the rate at each cut.
    #[config(default = 0.5)]
    pub factor: f64,
    /// The rate never falls below this: too low a rate caused late collapse in BEGAN ports.
    #[config(default = 1e-5)]
    pub min_lr: f64,
}

/// Everything a run needs besides the data.
#[derive(Config, Debug, PartialEq)]
pub struct TrainConfig {
    #[config(default = "ModelConfig::new()")]
    pub model: ModelConfig,
    /// Images per step; 16 as in the paper (128 collapsed in a published port).
    #[config(default = 16)]
    pub batch_size: usize,
    /// Diversity ratio γ = E[L(G(z))] / E[L(x)] at equilibrium, in (0, 1]. On MNIST, 0.5 and 0.7
    /// collapsed onto 1s within 1,500 steps here; 1.0 was the most diverse.
    #[config(default = 1.0)]
    pub gamma: f64,
    /// Proportional gain λ_k of the k_t controller. The paper's 0.001 moves k_t by ~1e-4 a step,
    /// so k needs thousands of steps to reach its equilibrium, longer than a toy run; 0.01 (with
    /// mode seeking and the √3 init) covered 9–10 MNIST classes by step 500 and had the lowest
    /// Fréchet distance of the screening (docs/recipes.md).
    #[config(default = 0.01)]
    pub lambda_k: f64,
    /// Adam learning rate for both networks (the paper's 1e-4 is slow for a toy run on a CPU).
    #[config(default = 5e-4)]
    pub lr: f64,
    /// G's learning rate as a fraction of D's (`lr`). Below 1, D adapts faster than G and can
    /// push G off the easy images it would otherwise settle on (two time-scale updates, Heusel et
    /// al. 2017).
    #[config(default = 1.0)]
    pub g_lr_scale: f64,
    /// Weight w of the mode-seeking term added to L_G (Mao et al. 2019, "Mode Seeking GANs",
    /// CVPR; [`crate::equations::mode_seeking`]): G pays for drawing alike images from distant z.
    /// 0 is the paper's BEGAN, which drew blank MNIST samples for 1,000 steps on every seed tried
    /// here; 0.1 covered 7–8 classes from step 250, and with λ_k = 0.01, 0.05 was cleaner still
    /// (round 3 of docs/recipes.md: MNIST Fréchet distance ~340 against ~430 at step 1,000, as
    /// many classes). Needs a batch of at least 2.
    #[config(default = 0.05)]
    pub mode_seeking: f64,
    /// Decay β of a moving average of G's weights (Karras et al. 2018; [`crate::ema`]) that
    /// every sample and export is drawn from; training is unchanged. 0 draws from G as trained.
    /// 0.999 (warmed up as (1 + t)/(10 + t)) covered as many or more classes (docs/recipes.md).
    #[config(default = 0.999)]
    pub ema_decay: f64,
    /// Adam β1 (0.5 as in the reference code).
    #[config(default = 0.5)]
    pub beta1: f64,
    /// Adam β2.
    #[config(default = 0.999)]
    pub beta2: f64,
    #[config(default = "LrDecayConfig::new()")]
    pub lr_decay: LrDecayConfig,
    /// Std of Gaussian noise added to D's inputs at step 0 (images in [-1, 1]); 0 turns it off.
    #[config(default = 0.0)]
    pub input_noise: f64,
    /// Steps over which that noise decays linearly to 0.
    #[config(default = 5000)]
    pub input_noise_steps: u64,
    /// Seed of the weights, the batches, z and the noise.
    #[config(default = 42)]
    pub seed: u64,
    /// The family member trained ([`crate::objective`]'s names): `began` (BEGAN's autoencoder D
    /// and equilibrium, the default), or `ns`, `minimax`, `lsgan`, `wgan`, `wgan-gp`, `hinge`
    /// with a critic (BEGAN's encoder and one score). BEGAN's own settings (γ, λ_k, mode
    /// seeking, noise, the learning-rate decay) do not apply to the others. A file from before
    /// the family trains BEGAN.
    #[config(default = "String::from(\"began\")")]
    pub objective: String,
}

impl TrainConfig {
    /// Checks every range (the schema's, [`crate::schema`]); the error names the field and what
    /// is allowed.
    pub fn validate(&self) -> Result<()> {
        self.model.validate()?;
        schema::BATCH_SIZE.check(self.batch_size)?;
        schema::GAMMA.check(self.gamma)?;
        schema::LAMBDA_K.check(self.lambda_k)?;
        schema::LR.check(self.lr)?;
        schema::G_LR_SCALE.check(self.g_lr_scale)?;
        schema::MODE_SEEKING.check(self.mode_seeking)?;
        // The term compares pairs of samples in a batch: a rule across two fields.
        check(self.mode_seeking == 0.0 || self.batch_size >= 2, "batch-size", "at least 2 with mode seeking", self.batch_size)?;
        schema::EMA_DECAY.check(self.ema_decay)?;
        schema::BETA1.check(self.beta1)?;
        schema::BETA2.check(self.beta2)?;
        schema::LR_DECAY_FACTOR.check(self.lr_decay.factor)?;
        schema::LR_DECAY_MIN_LR.check(self.lr_decay.min_lr)?;
        schema::LR_DECAY_PATIENCE.check(self.lr_decay.patience)?;
        schema::INPUT_NOISE.check(self.input_noise)?;
        #[cfg(feature = "trainer")]
        crate::objective::by_name(&self.objective)?;
        let fits = crate::model::serves(&self.model.arch, &self.objective);
        check(fits, "arch", "began for objective began (its D is an autoencoder; DCGAN's D scores, for the other objectives)", &self.model.arch)?;
        schema::SEED.check(self.seed)
    }

    /// Whether this is BEGAN's run (an autoencoder D), not another family member's (a critic).
    pub fn is_began(&self) -> bool {
        self.objective == BEGAN
    }

    /// What this run's D is ([`crate::objective::judge_kind`]).
    #[cfg(feature = "trainer")]
    pub fn judge_kind(&self) -> Result<crate::model::JudgeKind> {
        crate::objective::judge_kind(&self.objective)
    }

    /// This config for `objective`: another member trains with its authors' learning rate and
    /// Adam's βs ([`crate::objective::Defaults`]); BEGAN's are this config's own.
    #[cfg(feature = "trainer")]
    pub fn for_objective(mut self, objective: &str) -> Result<Self> {
        if let Some(member) = crate::objective::by_name(objective)? {
            let defaults = member.defaults();
            (self.lr, self.beta1, self.beta2) = (defaults.lr, defaults.beta1, defaults.beta2);
        }
        self.objective = objective.to_string();
        Ok(self)
    }

    /// The defaults overlaid with the fields of `partial`, which may name any subset of the
    /// config, nested as in `config.json` (`{"gamma": 0.7, "model": {"filters": 16}}`). Unknown
    /// fields are refused, so a typo is not silently ignored. The result is validated.
    /// A partial naming another `objective` starts from that member's settings
    /// ([`TrainConfig::for_objective`]), so `{"objective": "ns"}` trains as its authors did.
    pub fn from_partial(partial: serde_json::Value) -> Result<Self> {
        let mut base = TrainConfig::new();
        #[cfg(feature = "trainer")]
        if let Some(objective) = partial.get("objective").and_then(|o| o.as_str()) {
            base = base.for_objective(objective)?;
        }
        let mut merged = serde_json::to_value(base).expect("configs serialise");
        overlay(&mut merged, partial, "")?;
        let config: TrainConfig = serde_json::from_value(merged).map_err(|e| Error::ConfigFormat(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }
}

impl ModelConfig {
    /// A model config saved in a file, over today's defaults: a field added since (one that
    /// only shapes fresh weights, like `init_scale`) takes its default. Unknown fields are refused.
    pub fn from_saved(saved: serde_json::Value) -> Result<Self> {
        let mut merged = serde_json::to_value(ModelConfig::new()).expect("configs serialise");
        overlay(&mut merged, saved, "model.")?;
        serde_json::from_value(merged).map_err(|e| Error::ConfigFormat(e.to_string()))
    }
}

impl TrainConfig {
    /// The config saved in a file: as [`TrainConfig::from_partial`], except that a field added
    /// after the file was written reads as the value that trains as the file's run did (the
    /// paper's behaviour), not as today's default, so an older run resumes unchanged.
    pub fn from_saved(mut saved: serde_json::Value) -> Result<Self> {
        let before = [("mode_seeking", 0.0), ("ema_decay", 0.0), ("g_lr_scale", 1.0), ("input_noise", 0.0)];
        if let serde_json::Value::Object(fields) = &mut saved {
            for (field, value) in before {
                fields.entry(field).or_insert(value.into());
            }
            fields.entry("objective").or_insert(BEGAN.into());
        }
        Self::from_partial(saved)
    }
}

fn overlay(base: &mut serde_json::Value, partial: serde_json::Value, path: &str) -> Result<()> {
    use serde_json::Value;
    match (base, partial) {
        (Value::Object(base), Value::Object(partial)) => {
            for (key, value) in partial {
                let field = format!("{path}{key}");
                let slot = base.get_mut(&key).ok_or_else(|| Error::ConfigFormat(format!("unknown field `{field}`")))?;
                overlay(slot, value, &format!("{field}."))?;
            }
            Ok(())
        }
        (_, Value::Object(_)) => Err(Error::ConfigFormat(format!("`{}` is not a group of settings", path.trim_end_matches('.')))),
        (base, value) => {
            *base = value;
            Ok(())
        }
    }
}

fn check(ok: bool, field: &'static str, allowed: impl Into<String>, value: impl ToString) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidConfig { field, allowed: allowed.into(), value: value.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_of_another_objective_starts_from_its_authors_settings() {
        let lsgan = TrainConfig::from_partial(serde_json::json!({ "objective": "lsgan" })).unwrap();
        assert_eq!((lsgan.objective.as_str(), lsgan.lr, lsgan.beta1, lsgan.beta2), ("lsgan", 2e-4, 0.5, 0.999));
        let gp = TrainConfig::from_partial(serde_json::json!({ "objective": "wgan-gp", "lr": 1e-3 })).unwrap();
        assert_eq!((gp.lr, gp.beta1, gp.beta2), (1e-3, 0.0, 0.9));
        assert_eq!(TrainConfig::from_partial(serde_json::json!({})).unwrap().lr, TrainConfig::new().lr);
        let error = TrainConfig::from_partial(serde_json::json!({ "objective": "gan" })).unwrap_err().to_string();
        assert!(error.contains("began, ns, minimax"), "{error}");
        // A file from before the family trains BEGAN.
        let mut saved = serde_json::to_value(TrainConfig::new()).unwrap();
        saved.as_object_mut().unwrap().remove("objective");
        assert_eq!(TrainConfig::from_saved(saved).unwrap().objective, "began");
    }

    /// DCGAN's networks serve every objective but BEGAN's; an unknown arch lists the known ones;
    /// a file from before there were two has BEGAN's.
    #[test]
    fn dcgan_is_refused_with_began_and_at_a_size_it_cannot_halve() {
        let ns = TrainConfig::from_partial(serde_json::json!({ "objective": "ns", "model": { "arch": "dcgan" } })).unwrap();
        assert_eq!(ns.model.arch, crate::model::DCGAN);
        let error = TrainConfig::from_partial(serde_json::json!({ "model": { "arch": "dcgan" } })).unwrap_err().to_string();
        assert!(error.starts_with("arch must be began for objective began"), "{error}");
        let error = TrainConfig::from_partial(serde_json::json!({ "model": { "arch": "resnet" } })).unwrap_err().to_string();
        assert!(error.contains("began, dcgan") && error.contains("resnet"), "{error}");
        let tiny = serde_json::json!({ "objective": "ns", "model": { "arch": "dcgan", "image_size": 7, "base_size": 7 } });
        assert!(TrainConfig::from_partial(tiny).unwrap_err().to_string().contains("larger than base_size"));
        let mut saved = serde_json::to_value(TrainConfig::new()).unwrap();
        saved["model"].as_object_mut().unwrap().remove("arch");
        assert_eq!(TrainConfig::from_saved(saved).unwrap().model.arch, "began");
    }

    #[test]
    fn defaults_are_valid_and_have_three_scales() {
        let config = TrainConfig::new();
        config.validate().unwrap();
        assert_eq!(config.model.num_scales(), 3);
    }

    #[test]
    fn a_partial_config_overlays_the_defaults() {
        let config = TrainConfig::from_partial(serde_json::json!({"gamma": 0.7, "model": {"filters": 16}})).unwrap();
        assert_eq!(config, TrainConfig::new().with_gamma(0.7).with_model(ModelConfig::new().with_filters(16)));
        assert_eq!(TrainConfig::from_partial(serde_json::json!({})).unwrap(), TrainConfig::new());
        let error = |v| TrainConfig::from_partial(v).unwrap_err().to_string();
        assert!(error(serde_json::json!({"gama": 0.7})).contains("unknown field `gama`"));
        assert!(error(serde_json::json!({"model": {"filter": 1}})).contains("unknown field `model.filter`"));
        assert!(error(serde_json::json!({"gamma": "high"})).starts_with("config:"));
        assert!(error(serde_json::json!({"gamma": 2.0})).starts_with("gamma must be in (0, 1]"));
    }

    #[test]
    fn a_saved_config_without_a_later_field_trains_as_it_did() {
        let mut saved = serde_json::to_value(TrainConfig::new().with_mode_seeking(0.3)).unwrap();
        assert_eq!(TrainConfig::from_saved(saved.clone()).unwrap().mode_seeking, 0.3);
        saved.as_object_mut().unwrap().remove("mode_seeking");
        saved.as_object_mut().unwrap().remove("ema_decay");
        let config = TrainConfig::from_saved(saved).unwrap();
        assert_eq!((config.mode_seeking, config.ema_decay), (0.0, 0.0));
    }

    #[test]
    fn out_of_range_values_name_the_field() {
        let bad = [
            TrainConfig::new().with_gamma(0.0),
            TrainConfig::new().with_gamma(1.5),
            TrainConfig::new().with_lr(f64::NAN),
            TrainConfig::new().with_lambda_k(-1.0),
            TrainConfig::new().with_batch_size(0),
            TrainConfig::new().with_model(ModelConfig::new().with_image_size(30)),
            TrainConfig::new().with_model(ModelConfig::new().with_image_size(7 << 7)),
        ];
        let fields = ["gamma", "gamma", "lr", "lambda-k", "batch-size", "image_size", "image_size must be at most 512"];
        for (config, field) in bad.iter().zip(fields) {
            let err = config.validate().unwrap_err().to_string();
            assert!(err.starts_with(field), "{err}");
        }
    }
}
