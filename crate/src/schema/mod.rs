//! The ranges of the user-facing settings, stated once. [`TrainConfig::validate`], the CLI's
//! parsers (`began train --filters 300`) and the page's form all read this table; the page gets
//! it as `www/config-schema.json`, written from [`json`] (a test keeps the file current).
//! Defaults are not repeated here: they are read from [`TrainConfig::new`].

mod json;
mod range;

pub use json::json;
pub use range::{End, Number, Range};

use crate::config::TrainConfig;
use crate::error::{Error, Result};

/// How the page's form shows a field.
#[derive(Clone, Copy, Debug)]
pub struct Form {
    /// The input's id in www/index.html.
    pub id: &'static str,
    /// The subject of the page's message ("The batch size must be …").
    pub label: &'static str,
    /// Shown under the field after the range: what the setting does.
    pub hint: &'static str,
}

/// One setting.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// The name errors use: the CLI's flag where there is one (`lambda-k`).
    pub name: &'static str,
    /// Its place in `TrainConfig`'s JSON (`model.filters`), where its default is read from;
    /// `None`: not part of the config (the run's length).
    pub path: Option<&'static str>,
    pub range: Range,
    /// `None`: the page's form does not show it.
    pub form: Option<Form>,
}

impl Field {
    /// Ok when `value` is in range; otherwise the error names the field and what it allows.
    pub fn check(&self, value: impl Into<Number>) -> Result<()> {
        let value = value.into();
        if self.range.contains(value) {
            Ok(())
        } else {
            Err(Error::InvalidConfig { field: self.name, allowed: self.range.to_string(), value: value.to_string() })
        }
    }

    /// The default: `TrainConfig::new()`'s value, or [`STEPS_DEFAULT`] for the run's length.
    pub fn default(&self) -> serde_json::Value {
        let Some(path) = self.path else { return STEPS_DEFAULT.into() };
        let defaults = serde_json::to_value(TrainConfig::new()).expect("configs serialise");
        let pointer = format!("/{}", path.replace('.', "/"));
        defaults.pointer(&pointer).cloned().unwrap_or_else(|| panic!("schema: no field `{path}` in TrainConfig"))
    }
}

const fn real(low: End, high: End) -> Range {
    Range::Real { low, high }
}

const fn whole(min: u64, max: u64) -> Range {
    Range::Whole { min, max: Some(max) }
}

const fn form(id: &'static str, label: &'static str, hint: &'static str) -> Option<Form> {
    Some(Form { id, label, hint })
}

use End::{Closed, Open, Unbounded};

// The controller and the optimiser (live in the page).

/// γ = E[L(G(z))] / E[L(x)] is a ratio of two losses ≥ 0; the paper's range.
pub static GAMMA: Field = Field {
    name: "gamma",
    path: Some("gamma"),
    range: real(Open(0.0), Closed(1.0)),
    form: form("gamma", "γ", "Lower: sharper, less varied."),
};
/// No upper end: k_t is clamped to [0, 1], so a large gain only makes k jump between the ends.
pub static LAMBDA_K: Field = Field {
    name: "lambda-k",
    path: Some("lambda_k"),
    range: real(Closed(0.0), Unbounded),
    form: form("lambda-k", "λk", "How fast kₜ reacts."),
};
/// No upper end: a rate that makes the losses non-finite is caught at that step and the run
/// rolls back (tests rely on lr = 1e30 diverging), so no cap is needed to keep a run safe.
pub static LR: Field = Field {
    name: "lr",
    path: Some("lr"),
    range: real(Open(0.0), Unbounded),
    form: form("lr", "The learning rate", "Adam, both networks. Too high a rate diverges; the run then goes back to its last good state."),
};
/// Beyond 1 the mode-seeking term outweighs L_G (~0.1) by far.
pub static MODE_SEEKING: Field = Field {
    name: "mode-seeking",
    path: Some("mode_seeking"),
    range: real(Closed(0.0), Closed(1.0)),
    form: form("mode-seeking", "The mode-seeking weight", "Makes G draw unlike images from unlike z, against collapse; 0: the paper's BEGAN."),
};
/// Above 10× D's rate G outruns D, the opposite of why the scale exists (a slower G).
pub static G_LR_SCALE: Field = Field { name: "g-lr-scale", path: Some("g_lr_scale"), range: real(Open(0.0), Closed(10.0)), form: None };
/// A moving average needs a decay below 1 (1 would never move from the initial weights).
pub static EMA_DECAY: Field = Field { name: "ema-decay", path: Some("ema_decay"), range: real(Closed(0.0), Open(1.0)), form: None };
/// Adam's moment decays, below 1 for the same reason.
pub static BETA1: Field = Field { name: "beta1", path: Some("beta1"), range: real(Closed(0.0), Open(1.0)), form: None };
pub static BETA2: Field = Field { name: "beta2", path: Some("beta2"), range: real(Closed(0.0), Open(1.0)), form: None };
/// A cut must lower the rate, and by less than all of it.
pub static LR_DECAY_FACTOR: Field = Field { name: "lr-decay factor", path: Some("lr_decay.factor"), range: real(Open(0.0), Open(1.0)), form: None };
pub static LR_DECAY_MIN_LR: Field = Field { name: "lr-decay min_lr", path: Some("lr_decay.min_lr"), range: real(Closed(0.0), Unbounded), form: None };
/// 0 windows of patience would cut the rate at every window.
pub static LR_DECAY_PATIENCE: Field = Field { name: "lr-decay patience", path: Some("lr_decay.patience"), range: Range::Whole { min: 1, max: None }, form: None };
/// A standard deviation; images are in [-1, 1], so much above 1 drowns them, but any is safe.
pub static INPUT_NOISE: Field = Field { name: "input-noise", path: Some("input_noise"), range: real(Closed(0.0), Unbounded), form: None };

// The model's shape and the data's order (a change starts a new model).

/// A step's memory and time are linear in the batch; 1024 bounds them. The paper's 16 trained
/// best here (128 collapsed in a published port), so the hint says so.
pub static BATCH_SIZE: Field = Field {
    name: "batch-size",
    path: Some("batch_size"),
    range: whole(1, 1024),
    form: form("batch-size", "The batch size", "The paper uses 16; a step's time grows with it."),
};
/// The discriminator's embedding: only the two fully connected layers grow with it, linearly.
pub static HIDDEN: Field = Field {
    name: "hidden",
    path: Some("model.hidden"),
    range: whole(1, 1024),
    form: form("hidden", "Nh", "The page sets Nz = Nh, as the paper does."),
};
/// The page sets it to N_h; the CLI's --hidden sets both.
pub static LATENT: Field = Field { name: "latent", path: Some("model.latent"), range: whole(1, 1024), form: None };
/// A convolution's FLOPs grow with n² (measured: 8 → ~250 ms a batch-16 step on 2 CPU cores, 16
/// about twice that): the top of the range is for GPUs. The page allows what the CLI does, so a
/// CLI run resumes there with its own shape.
pub static FILTERS: Field = Field {
    name: "filters",
    path: Some("model.filters"),
    range: whole(1, 256),
    form: form("filters", "The number of filters", "Cost grows with n²: 8 trains in minutes on a CPU, 64 and up wants a GPU."),
};
/// Convolutions per scale: each adds depth (and cost) to every scale; 4 is well past the paper's 2.
pub static REPEAT: Field = Field { name: "repeat", path: Some("model.repeat"), range: whole(1, 4), form: None };
/// Gray, gray and alpha, RGB, RGBA. A file's config is read before its tensors: a bound keeps a
/// hand-edited one from asking for a layer of billions of inputs.
pub static CHANNELS: Field = Field { name: "channels", path: Some("model.channels"), range: whole(1, 4), form: None };
/// The largest image side a model may have (the paper's largest is 128). Files give the size,
/// so it is bounded: every layer's activations, and the decoder's first map (n·s0² with s0 up
/// to the image side), grow with it, and products of sizes must not overflow a wasm32 usize.
/// A rule with `base_size` across two fields, so `ModelConfig::validate` checks it.
pub const IMAGE_SIZE_MAX: usize = 512;
/// Beyond 10× the default's scale a first step is already far from any equilibrium.
pub static INIT_SCALE: Field = Field { name: "init-scale", path: Some("model.init_scale"), range: real(Open(0.0), Closed(10.0)), form: None };
/// Up to 2^53 − 1: the page holds numbers as JavaScript doubles, exact only that far, and the
/// config crosses into the page as JSON; a larger seed would come back as another run.
pub static SEED: Field = Field {
    name: "seed",
    path: Some("seed"),
    range: whole(0, (1 << 53) - 1),
    form: form("seed", "The seed", "Same seed and settings: the same run."),
};

// The run, not the config.

/// Steps `began train --steps` and the page's "Train for" run to when nothing says otherwise.
pub const STEPS_DEFAULT: u64 = 3000;
/// No upper end: the length only says when to stop; a run can be stopped and resumed any time.
pub static STEPS: Field = Field {
    name: "steps",
    path: None,
    range: Range::Whole { min: 1, max: None },
    form: form("target", "The number of steps", "For the ETA; training stops there."),
};

/// Every setting in the schema, in the order the file lists them.
pub static FIELDS: [&Field; 21] = [
    &GAMMA, &LAMBDA_K, &LR, &MODE_SEEKING, &G_LR_SCALE, &EMA_DECAY, &BETA1, &BETA2, &LR_DECAY_FACTOR,
    &LR_DECAY_MIN_LR, &LR_DECAY_PATIENCE, &INPUT_NOISE, &BATCH_SIZE, &HIDDEN, &LATENT, &FILTERS, &REPEAT,
    &CHANNELS, &INIT_SCALE, &SEED, &STEPS,
];

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    #[test]
    fn every_default_is_in_range() {
        for field in FIELDS {
            let default = field.default();
            let value = match default.as_u64() {
                Some(n) => Number::Whole(n),
                None => Number::Real(default.as_f64().unwrap()),
            };
            field.check(value).unwrap_or_else(|e| panic!("default: {e}"));
        }
    }

    #[test]
    fn the_messages_state_each_range() {
        assert_eq!(GAMMA.range.to_string(), "in (0, 1]");
        assert_eq!(EMA_DECAY.range.to_string(), "in [0, 1)");
        assert_eq!(LAMBDA_K.range.to_string(), "a finite number ≥ 0");
        assert_eq!(LR.range.to_string(), "a finite number > 0");
        assert_eq!(FILTERS.range.to_string(), "a whole number in 1..=256");
        assert_eq!(STEPS.range.to_string(), "a whole number > 0");
        let error = FILTERS.check(300usize).unwrap_err().to_string();
        assert_eq!(error, "filters must be a whole number in 1..=256, got 300");
        assert!(LR.check(1e30).is_ok() && LR.check(f64::INFINITY).is_err() && LR.check(f64::NAN).is_err());
        assert!(SEED.check((1u64 << 53) - 1).is_ok() && SEED.check(1u64 << 53).is_err());
    }

    /// Each config field of the schema is checked by `validate` (no field listed here but left
    /// unchecked): a value just outside its range, put at its path, is refused naming it, and
    /// its closed ends are accepted.
    #[test]
    fn validate_checks_every_config_field_of_the_schema() {
        let at = |path: &str, value: Number| {
            let mut partial = match value {
                Number::Whole(n) => serde_json::json!(n),
                Number::Real(x) => serde_json::json!(x),
            };
            for key in path.rsplit('.') {
                partial = serde_json::json!({ key: partial });
            }
            partial
        };
        for field in FIELDS {
            let Some(path) = field.path else { continue };
            assert!(!field.range.outside().is_empty(), "{}: nothing to probe", field.name);
            for value in field.range.outside() {
                let error = TrainConfig::from_partial(at(path, value)).unwrap_err().to_string();
                assert!(error.starts_with(&format!("{} must be {}", field.name, field.range)), "{path} = {value}: {error}");
            }
            for value in field.range.ends() {
                // A batch of 1 is in range but refused with mode seeking on (the default): a rule
                // across two fields.
                let config = TrainConfig::from_partial(at(path, value));
                let refused_by_another_rule = matches!(&config, Err(Error::InvalidConfig { allowed, .. }) if allowed.contains("mode seeking"));
                assert!(config.is_ok() || refused_by_another_rule, "{path} = {value}: {:?}", config.err());
            }
        }
    }
}
