//! Adam (Kingma & Ba 2015) with its moments kept as named tensors.
//!
//! burn's own optimizers serialise their state through synchronous reads, which panic on WebGPU in
//! the browser, and restore it onto `Device::default()`. Keeping the moments here, keyed by the
//! parameter's module path, lets a checkpoint read them asynchronously on any device.

use crate::named::{Path, device_axes, device_shape, from_device_axes};
use burn::module::{ModuleMapper, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;
use std::collections::BTreeMap;

/// First and second moment of one parameter, flattened.
#[derive(Clone, Debug)]
pub struct Moments {
    m: Tensor<1>,
    v: Tensor<1>,
    /// The parameter's shape in [`device_axes`] order, once an update has flattened the moments
    /// in that order; `None` while they are in the parameter's own order (as files hold them).
    device_shape: Option<Vec<usize>>,
}

impl Moments {
    /// Moments as a checkpoint stores them: flattened in the parameter's own axis order.
    pub fn from_file(m: Tensor<1>, v: Tensor<1>) -> Self {
        Self { m, v, device_shape: None }
    }

    /// m and v flattened in the parameter's own axis order, for a file (a copy for conv weights).
    pub fn in_file_order(&self) -> (Tensor<1>, Tensor<1>) {
        let file_order = |t: &Tensor<1>| match self.device_shape.as_deref() {
            Some(&[a, b, c, d]) => from_device_axes(t.clone().reshape([a, b, c, d])).flatten(0, 3),
            _ => t.clone(),
        };
        (file_order(&self.m), file_order(&self.v))
    }

    /// m and v in the parameter's `shape`, laid out in [`device_axes`] order.
    fn in_device_order<const D: usize>(self, shape: [usize; D]) -> (Tensor<D>, Tensor<D>) {
        let device_order = |t: Tensor<1>| match self.device_shape {
            Some(_) => t.reshape(device_shape(shape)),
            None => t.reshape(shape).permute(device_axes::<D>()),
        };
        (device_order(self.m), device_order(self.v))
    }
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
        let t = self.steps.min(i32::MAX as u64) as i32; // the corrections are 1 long before

        let (correction1, correction2) = (1.0 - self.beta1.powi(t), 1.0 - self.beta2.powi(t));
        let mut mapper = Update { adam: self, grads: &mut grads, path: Path::default(), lr, correction1, correction2 };
        module.map(&mut mapper)
    }
}

struct Update<'a> {
    adam: &'a mut Adam,
    grads: &'a mut GradientsParams,
    path: Path,
    lr: f64,
    correction1: f64,
    correction2: f64,
}

impl ModuleMapper for Update<'_> {
    fn enter_module(&mut self, name: &str, container: &str) {
        self.path.enter(name, container);
    }

    fn exit_module(&mut self, _name: &str, _container: &str) {
        self.path.exit();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let Some(grad) = self.grads.remove::<D>(param.id) else {
            return param;
        };
        let (id, value, mapper) = param.consume();
        // Computed in device_axes order, so the updated weight is laid out as the convolutions
        // read it: fusion writes its output in the layout most of its inputs have.
        let value = value.inner(); // no graph through the update
        let shape = value.dims();
        let value = value.permute(device_axes::<D>()); // [device shape]
        let grad = grad.inner().permute(device_axes::<D>()); // [device shape]
        let (b1, b2) = (self.adam.beta1, self.adam.beta2);
        let key = self.path.name();
        let (m, v) = match self.adam.moments.remove(&key) {
            Some(moments) => {
                let (m, v) = moments.in_device_order(shape);
                (m.mul_scalar(b1) + grad.clone().mul_scalar(1.0 - b1), v.mul_scalar(b2) + grad.powi_scalar(2).mul_scalar(1.0 - b2))
            }
            None => (grad.clone().mul_scalar(1.0 - b1), grad.powi_scalar(2).mul_scalar(1.0 - b2)),
        };
        let m_hat = m.clone().div_scalar(self.correction1);
        let v_hat = v.clone().div_scalar(self.correction2);
        let step = m_hat.div(v_hat.sqrt().add_scalar(self.adam.epsilon)).mul_scalar(self.lr); // [device shape]
        let updated = from_device_axes(value - step); // [shape], laid out in device order
        let moments = Moments { m: m.flatten(0, D - 1), v: v.flatten(0, D - 1), device_shape: Some(device_shape(shape).to_vec()) };
        self.adam.moments.insert(key, moments);
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

    #[test]
    fn a_conv_weight_is_updated_channels_last_and_its_moments_are_filed_in_its_own_order() {
        let device = Device::flex().autodiff();
        let conv = burn::nn::conv::Conv2dConfig::new([2, 3], [3, 3]).init(&device);
        let read = |t: Tensor<1>| futures_lite::future::block_on(crate::named::read(t)).unwrap().values;
        let x = Tensor::<4>::random([2, 2, 5, 5], burn::tensor::Distribution::Default, &device);
        let loss = conv.forward(x).powi_scalar(2).sum();
        let grads = GradientsParams::from_grads(loss.backward(), &conv);
        let grad = read(grads.get::<4>(conv.weight.id).unwrap().flatten(0, 3)); // [out, in, kh, kw] order
        let mut adam = Adam::new(0.9, 0.999);
        let conv = adam.step(0.01, conv, grads);
        // After one step m = (1 − β1) · g, filed in the weight's own order, whatever its layout.
        let (m, _) = adam.moments["weight"].in_file_order();
        let expected: Vec<f32> = grad.iter().map(|g| 0.1 * g).collect();
        assert!(read(m).iter().zip(&expected).all(|(a, b)| (a - b).abs() <= 1e-6 * b.abs().max(1e-3)));
        assert_eq!(conv.weight.val().dims(), [3, 2, 3, 3]);
    }
}
