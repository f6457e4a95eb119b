//! Adam (Kingma & Ba 2015) with its moments kept as named tensors.
//!
//! burn's own optimizers serialise their state through synchronous reads, which panic on WebGPU in
//! the browser, and restore it onto `Device::default()`. Keeping the moments here, keyed by the
//! parameter's module path, lets a checkpoint read them asynchronously on any device.

use burn::module::{ModuleMapper, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;
use std::collections::BTreeMap;

/// First and second moment of one parameter, flattened.
#[derive(Clone, Debug)]
pub struct Moments {
    pub m: Tensor<1>,
    pub v: Tensor<1>,
}

#[derive(Clone, Debug)]
pub struct Adam {
    beta1: f64,
    beta2: f64,
    epsilon: f64,
    /// Updates applied so far (t in the paper's bias correction).
    pub steps: u64,
    /// Moments by module path, e.g. `encoder.input.weight`.
    pub moments: BTreeMap<String, Moments>,
}

impl Adam {
    pub fn new(beta1: f64, beta2: f64) -> Self {
        Self { beta1, beta2, epsilon: 1e-8, steps: 0, moments: BTreeMap::new() }
    }

    /// Moves every parameter of `module` that has a gradient one Adam step.
    pub fn step<M: Module>(&mut self, lr: f64, module: M, mut grads: GradientsParams) -> M {
        self.steps += 1;
        let t = self.steps as i32;
        let (correction1, correction2) = (1.0 - self.beta1.powi(t), 1.0 - self.beta2.powi(t));
        let mut mapper = Update { adam: self, grads: &mut grads, path: Vec::new(), lr, correction1, correction2 };
        module.map(&mut mapper)
    }
}

struct Update<'a> {
    adam: &'a mut Adam,
    grads: &'a mut GradientsParams,
    path: Vec<String>,
    lr: f64,
    correction1: f64,
    correction2: f64,
}

impl ModuleMapper for Update<'_> {
    fn enter_module(&mut self, name: &str, _container: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container: &str) {
        self.path.pop();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let Some(grad) = self.grads.remove::<D>(param.id) else {
            return param;
        };
        let (id, value, mapper) = param.consume();
        let value = value.inner(); // no graph through the update
        let shape = value.dims();
        // In the weight's shape, not flattened: burn's wgpu backend returns convolution weight
        // gradients channels-last, and flattening one is a copy kernel per weight per step.
        let grad = grad.inner(); // [shape]
        let (b1, b2) = (self.adam.beta1, self.adam.beta2);
        let key = self.path.join(".");
        let (m, v) = match self.adam.moments.remove(&key) {
            Some(Moments { m, v }) => (
                m.reshape(shape).mul_scalar(b1) + grad.clone().mul_scalar(1.0 - b1),
                v.reshape(shape).mul_scalar(b2) + grad.powi_scalar(2).mul_scalar(1.0 - b2),
            ),
            None => (grad.clone().mul_scalar(1.0 - b1), grad.powi_scalar(2).mul_scalar(1.0 - b2)),
        };
        let m_hat = m.clone().div_scalar(self.correction1);
        let v_hat = v.clone().div_scalar(self.correction2);
        let step = m_hat.div(v_hat.sqrt().add_scalar(self.adam.epsilon)).mul_scalar(self.lr); // [shape]
        let updated = value - step;
        self.adam.moments.insert(key, Moments { m: m.flatten(0, D - 1), v: v.flatten(0, D - 1) });
        Param::from_mapped_value(id, updated.autodiff().require_grad(), mapper)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::nn::{Linear, LinearConfig};

    #[test]
    fn first_step_moves_each_weight_by_lr_against_its_gradient() {
        // With bias correction, Adam's first step is lr · g / (|g| + ε) ≈ lr · sign(g).
        let device = Device::flex().autodiff();
        let layer: Linear = LinearConfig::new(2, 1).init(&device);
        let read = |t: Tensor<2>| futures_lite::future::block_on(crate::named::read(t)).unwrap().values;
        let before = read(layer.weight.val());
        let x = Tensor::<2>::from_floats([[1.0, -2.0]], &device);
        let loss = layer.forward(x).sum();
        let grads = GradientsParams::from_grads(loss.backward(), &layer);
        let mut adam = Adam::new(0.9, 0.999);
        let layer = adam.step(0.01, layer, grads);
        let after = read(layer.weight.val());
        // d loss / d w = x: +1 for the first weight, −2 for the second.
        assert!((after[0] - (before[0] - 0.01)).abs() < 1e-5);
        assert!((after[1] - (before[1] + 0.01)).abs() < 1e-5);
        assert_eq!(adam.moments.len(), 2); // weight and bias
        assert!(layer.weight.val().is_require_grad());
    }
}
