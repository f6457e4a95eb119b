//! The page's presets: partial configs chosen by a rule written before the runs that chose them
//! (docs/family.md, "At equal wall-clock time"), each with the sentence the page says when it
//! applies one. The page gets them through www/config-schema.json.

/// A preset for one backend.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// `cpu` or `webgpu`: the backend it was chosen for.
    pub backend: &'static str,
    /// A partial `TrainConfig` as JSON, as `began train --config` takes.
    pub config: &'static str,
    /// What it is and why, as the page says it.
    pub why: &'static str,
}

/// "Sharpest in a few minutes", per backend.
pub const SHARPEST: [Preset; 2] = [
    Preset {
        backend: "cpu",
        config: SHARPEST_CPU,
        why: SHARPEST_CPU_WHY,
    },
    Preset {
        backend: "webgpu",
        config: SHARPEST_WEBGPU,
        why: SHARPEST_WEBGPU_WHY,
    },
];

/// The screen's winner at 3 minutes of one CPU thread (docs/family.md, `family-screen-mnist`).
const SHARPEST_CPU: &str = r#"{"objective": "hinge", "batch_size": 32, "model": {"arch": "dcgan", "filters": 32, "hidden": 32, "latent": 32}}"#;
const SHARPEST_CPU_WHY: &str = "Sharpest in a few minutes on the CPU: hinge loss with DCGAN's networks, n = 32, batch 32. \
In docs/family.md's screen it drew the best MNIST digits after 3 minutes of one CPU thread \
(median Fréchet distance 93, every class on both seeds; BEGAN's defaults: 276). It can lose \
classes later: the quality panel keeps its best state to go back to.";
/// The best per step at 1,000 steps among the screened configs (`family-steps-mnist`): on
/// WebGPU a step's floor is its dispatch count, which n and the batch do not change.
const SHARPEST_WEBGPU: &str = r#"{"objective": "ns", "batch_size": 64, "model": {"arch": "dcgan", "filters": 64, "hidden": 32, "latent": 32}}"#;
const SHARPEST_WEBGPU_WHY: &str = "Sharpest in a few minutes on WebGPU: the non-saturating GAN with DCGAN's networks at \
the InfoGAN paper's size, n = 64, batch 64. On a GPU a step costs about its dispatches, which \
the size does not change (fewer than BEGAN's), so this takes what was best per step in \
docs/family.md's screen (median Fréchet distance 82 at step 1,000; BEGAN's defaults: 369). \
On a CPU the same step is ~16× dearer than BEGAN's.";

#[cfg(all(test, feature = "trainer"))]
mod tests {
    use super::*;
    use crate::config::TrainConfig;

    #[test]
    fn every_preset_is_a_valid_config_of_its_backend() {
        for preset in SHARPEST {
            let partial: serde_json::Value = serde_json::from_str(preset.config).unwrap();
            TrainConfig::from_partial(partial).unwrap_or_else(|e| panic!("{}: {e}", preset.backend));
            assert!(["cpu", "webgpu"].contains(&preset.backend) && !preset.why.is_empty());
        }
    }
}
