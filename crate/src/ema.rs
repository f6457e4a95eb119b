//! An exponential moving average of G's weights (Karras et al. 2018, "Progressive Growing of
//! GANs"; Yazıcı et al. 2019, "The Unusual Effectiveness of Averaging in GAN Training"): the
//! generator every sample is drawn from and every export holds, when `ema_decay` > 0 (with
//! batch norm, its statistics measured on its own activations: [`Ema::drawing`]). Training
//! is unchanged: G trains as before and the average only follows it.

use crate::model::Generator;
use crate::named::{Path, device_shape, from_device_axes, is_running_statistic, params};
use burn::module::{ModuleMapper, Param};
use burn::prelude::*;
use std::collections::BTreeMap;
use std::sync::Mutex;

pub struct Ema {
    decay: f64,
    /// The averaged generator, on the trainer's device without autodiff, with the running
    /// statistics of G's batch norms (what a checkpoint saves and a resumed run goes on from).
    /// Private: the measured copy below is cleared wherever it changes.
    generator: Generator,
    /// The average as it draws ([`Ema::drawing`]), measured at most once per update, when first
    /// drawn.
    drawing: Mutex<Option<Generator>>,
}

impl Ema {
    /// An average that starts at `generator`'s weights; `averaged` is any generator of its shape
    /// on the inner device (its weights are replaced).
    pub fn new(decay: f64, generator: &Generator, averaged: Generator) -> Self {
        let mut ema = Self { decay, generator: averaged, drawing: Mutex::new(None) };
        ema.blend(generator, 0.0);
        ema
    }

    /// An average restored from a checkpoint.
    pub fn restored(decay: f64, averaged: Generator) -> Self {
        Self { decay, generator: averaged, drawing: Mutex::new(None) }
    }

    /// The average as it trains (and as a checkpoint saves it).
    pub fn average(&self) -> &Generator {
        &self.generator
    }

    /// The average that samples and exports come from: with batch norm's running statistics
    /// measured on the average's own activations over `z()`, the same z every time
    /// ([`crate::Trainer::drawing`] gives them), called only when the average has moved since the
    /// last measurement. A G without batch norm is drawn as it is.
    pub fn drawing(&self, z: impl FnOnce() -> Tensor<2>) -> Generator {
        if !self.generator.has_batch_norm() {
            return self.generator.clone();
        }
        let mut drawing = self.drawing.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        drawing.get_or_insert_with(|| self.generator.with_standing_statistics(z())).clone()
    }

    /// Moves the average towards `generator` after its update number `t` (1, 2, …). The
    /// decay warms up as (1 + t) / (10 + t), so early weights, which are noise, fade fast.
    pub fn update(&mut self, generator: &Generator, t: u64) {
        let warm = (1.0 + t as f64) / (10.0 + t as f64);
        self.blend(generator, self.decay.min(warm));
    }

    /// average ← β · average + (1 − β) · θ, per parameter.
    fn blend(&mut self, generator: &Generator, beta: f64) {
        let mut blend = Blend { path: Path::new("generator"), source: params(generator, "generator"), beta };
        self.generator = self.generator.clone().map(&mut blend);
        *self.drawing.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
    }
}

struct Blend {
    path: Path,
    source: BTreeMap<String, Tensor<1>>,
    beta: f64,
}

impl ModuleMapper for Blend {
    fn enter_module(&mut self, name: &str, container: &str) {
        self.path.enter(name, container);
    }

    fn exit_module(&mut self, _name: &str, _container: &str) {
        self.path.exit();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let name = self.path.name();
        let Some(theta) = self.source.remove(&name) else {
            return param;
        };
        // Batch norm's running statistics are copied, not averaged (as StyleGAN2-ADA copies
        // buffers): they describe the trained G's activations.
        let beta = if is_running_statistic(&name) { 0.0 } else { self.beta };
        let (id, average, mapper) = param.consume();
        let shape = average.dims();
        let theta = from_device_axes(theta.reshape(device_shape(shape))); // [shape]
        let blended = average.mul_scalar(beta) + theta.mul_scalar(1.0 - beta);
        Param::from_mapped_value(id, blended, mapper)
    }
}
