//! Parameters as named tensors: read out of a module asynchronously (safe on WebGPU) and written
//! back by name. Checkpoints and safetensors exports are built on these two functions.

use crate::error::{Error, Result};
use burn::module::{ModuleMapper, ModuleVisitor, Param};
use burn::prelude::*;
use std::collections::BTreeMap;

/// A tensor read back to the host: row-major f32 values and their shape.
#[derive(Clone, Debug, PartialEq)]
pub struct HostTensor {
    pub shape: Vec<usize>,
    pub values: Vec<f32>,
}

impl HostTensor {
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// Reads one tensor back without blocking, so it works on WebGPU.
pub async fn read<const D: usize>(tensor: Tensor<D>) -> Result<HostTensor> {
    let shape = tensor.dims().to_vec();
    let data = tensor.into_data_async().await.map_err(|e| Error::Device(first_line(&format!("{e:?}"))))?;
    let values = data.try_to_vec::<f32>().map_err(|e| Error::Device(format!("{e:?}")))?;
    Ok(HostTensor { shape, values })
}

/// burn's execution errors print a chain of causes and a backtrace; the first line says it.
fn first_line(text: &str) -> String {
    text.lines().map(str::trim).find(|line| !line.is_empty()).unwrap_or("unknown error").to_string()
}

/// A parameter's name as a visitor or mapper walks a module: the fields entered, joined by dots
/// (`generator.decoder.input.weight`). An enum's variant is not part of it, so a network that
/// became one of several architectures (`Generator::Began(…)`) keeps the names its files have
/// always used.
#[derive(Clone, Debug, Default)]
pub struct Path(Vec<Option<String>>);

impl Path {
    pub fn new(prefix: &str) -> Self {
        Self(vec![Some(prefix.to_string())])
    }

    /// For `enter_module(name, container)`: burn names an enum's container `Enum:…`.
    pub fn enter(&mut self, name: &str, container: &str) {
        self.0.push((!container.starts_with("Enum:")).then(|| name.to_string()));
    }

    /// For `exit_module`.
    pub fn exit(&mut self) {
        self.0.pop();
    }

    pub fn name(&self) -> String {
        self.0.iter().flatten().cloned().collect::<Vec<_>>().join(".")
    }
}

/// Whether a parameter of that name is a running statistic (batch norm's mean and variance): a
/// buffer, not a weight: no optimiser, clipping or average touches it.
pub fn is_running_statistic(name: &str) -> bool {
    name.ends_with(".running_mean") || name.ends_with(".running_var")
}

/// The order the training step keeps a parameter's axes in on the device: a convolution's
/// weight `[out, in, kh, kw]` channels-last, as `[out, kh, kw, in]`, anything else as shaped.
///
/// burn's GPU convolutions (forward and input gradient) read weights channels-last and copy any
/// other layout first, a kernel each time: a default step made 583 dispatches so, 465 without.
/// The weights keep their shape (and files their order); only their memory is laid out so.
pub fn device_axes<const D: usize>() -> [usize; D] {
    std::array::from_fn(|i| if D == 4 { [0, 2, 3, 1][i] } else { i })
}

/// `shape` with its axes in [`device_axes`] order.
pub fn device_shape<const D: usize>(shape: [usize; D]) -> [usize; D] {
    device_axes::<D>().map(|axis| shape[axis])
}

/// Undoes [`device_axes`]: a tensor of [`device_shape`] viewed in its parameter's shape.
pub fn from_device_axes<const D: usize>(tensor: Tensor<D>) -> Tensor<D> {
    let axes = device_axes::<D>();
    let inverse: [usize; D] = std::array::from_fn(|i| axes.iter().position(|&axis| axis == i).unwrap_or(i));
    tensor.permute(inverse)
}

/// Every float parameter of `module` without autodiff, by `prefix.path.to.param`, flattened in
/// [`device_axes`] order (which costs no copy once the training step has laid them out so).
pub fn params<M: Module>(module: &M, prefix: &str) -> BTreeMap<String, Tensor<1>> {
    let mut collector = Collector { path: Path::new(prefix), tensors: Vec::new(), device_order: true };
    module.visit(&mut collector);
    collector.tensors.into_iter().map(|(name, _, tensor)| (name, tensor)).collect()
}

/// Tensors to read back together: named, flattened, then read in one device read.
///
/// Each read is a round trip to the device (on WebGPU a submit, a buffer map and a wait for the
/// queue to drain). A checkpoint of the default model holds ~160 tensors; read one by one they
/// cost ~160 round trips, read here one concatenation on the device (a kernel per tensor and a
/// second copy of the state for the moment) and one round trip.
#[derive(Default)]
pub struct Reading {
    /// Name, shape, and the values flattened in the shape's order.
    tensors: Vec<(String, Vec<usize>, Tensor<1>)>,
}

impl Reading {
    /// Adds every float parameter of `module`, named `prefix.path.to.param`.
    pub fn module<M: Module>(&mut self, module: &M, prefix: &str) -> &mut Self {
        self.module_where(module, prefix, |_| true)
    }

    /// Adds the float parameters of `module` whose name `keep` accepts.
    pub fn module_where<M: Module>(&mut self, module: &M, prefix: &str, keep: impl Fn(&str) -> bool) -> &mut Self {
        let mut collector = Collector { path: Path::new(prefix), tensors: Vec::new(), device_order: false };
        module.visit(&mut collector);
        self.tensors.extend(collector.tensors.into_iter().filter(|(name, ..)| keep(name)));
        self
    }

    /// Adds one tensor of the given shape, already flattened in that shape's order.
    pub fn tensor(&mut self, name: String, shape: Vec<usize>, flat: Tensor<1>) -> &mut Self {
        self.tensors.push((name, shape, flat));
        self
    }

    /// Reads them all in one device read.
    pub async fn read(self) -> Result<BTreeMap<String, HostTensor>> {
        if self.tensors.is_empty() {
            return Ok(BTreeMap::new());
        }
        let (names, flat): (Vec<_>, Vec<_>) = self.tensors.into_iter().map(|(name, shape, t)| ((name, shape), t)).unzip();
        let mut values = read(Tensor::cat(flat, 0)).await?.values.into_iter();
        let tensors = names.into_iter().map(|(name, shape)| {
            let values = values.by_ref().take(shape.iter().product()).collect();
            (name, HostTensor { shape, values })
        });
        Ok(tensors.collect())
    }
}

/// Every float parameter of `module`, named `prefix.path.to.param`, in one device read.
pub async fn read_module<M: Module>(module: &M, prefix: &str, out: &mut BTreeMap<String, HostTensor>) -> Result<()> {
    let mut reading = Reading::default();
    reading.module(module, prefix);
    out.extend(reading.read().await?);
    Ok(())
}

struct Collector {
    path: Path,
    /// Name, shape, and the values flattened (in the shape's order unless `device_order`).
    tensors: Vec<(String, Vec<usize>, Tensor<1>)>,
    /// Flattened in [`device_axes`] order rather than the parameter's own.
    device_order: bool,
}

impl ModuleVisitor for Collector {
    fn enter_module(&mut self, name: &str, container: &str) {
        self.path.enter(name, container);
    }

    fn exit_module(&mut self, _name: &str, _container: &str) {
        self.path.exit();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val().inner();
        let shape = value.dims().to_vec();
        let value = if self.device_order { value.permute(device_axes::<D>()) } else { value };
        self.tensors.push((self.path.name(), shape, value.flatten::<1>(0, D - 1)));
    }
}

/// The shape of every float parameter of `module` by its path (`encoder.input.weight`), read
/// without allocating a parameter that holds nothing yet.
pub fn shapes<M: Module>(module: &M) -> BTreeMap<String, Vec<usize>> {
    let mut shapes = Shapes { path: Path::default(), shapes: BTreeMap::new() };
    module.visit(&mut shapes);
    shapes.shapes
}

struct Shapes {
    path: Path,
    shapes: BTreeMap<String, Vec<usize>>,
}

impl ModuleVisitor for Shapes {
    fn enter_module(&mut self, name: &str, container: &str) {
        self.path.enter(name, container);
    }

    fn exit_module(&mut self, _name: &str, _container: &str) {
        self.path.exit();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.shapes.insert(self.path.name(), param.lazy_shape().into());
    }
}

/// Replaces every float parameter of `module` with the tensor of the same name. Every parameter
/// must be present with its exact shape, or nothing is returned but the error.
pub fn load_module<M: Module>(module: M, prefix: &str, tensors: &BTreeMap<String, HostTensor>, device: &Device) -> Result<M, String> {
    let mut loader = Loader { path: Path::new(prefix), tensors, device, problems: Vec::new() };
    let module = module.map(&mut loader);
    match loader.problems.is_empty() {
        true => Ok(module),
        false => Err(loader.problems.join("; ")),
    }
}

struct Loader<'a> {
    path: Path,
    tensors: &'a BTreeMap<String, HostTensor>,
    device: &'a Device,
    problems: Vec<String>,
}

impl ModuleMapper for Loader<'_> {
    fn enter_module(&mut self, name: &str, container: &str) {
        self.path.enter(name, container);
    }

    fn exit_module(&mut self, _name: &str, _container: &str) {
        self.path.exit();
    }

    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let name = self.path.name();
        // The lazy shape: a parameter made to be loaded into holds nothing yet (`Init::shapes`),
        // and reading its value would allocate it only to throw it away.
        let expected: Vec<usize> = param.lazy_shape().into();
        match self.tensors.get(&name) {
            None => self.problems.push(format!("missing tensor {name}")),
            Some(t) if t.shape != expected => {
                self.problems.push(format!("{name} has shape {:?}, the model needs {expected:?}", t.shape))
            }
            Some(t) => {
                let data = TensorData::new(t.values.clone(), t.shape.clone());
                let (id, _, mapper) = param.consume();
                let tensor = Tensor::<D>::from_data(data, self.device);
                // Trainable only where gradients exist: inference devices have no autodiff.
                let tensor = if self.device.is_autodiff() { tensor.require_grad() } else { tensor };
                return Param::from_mapped_value(id, tensor, mapper);
            }
        }
        param
    }
}
