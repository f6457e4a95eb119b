//! The extension's forward and gradients equal burn's own convolution on the same backend,
//! within 1e-5 of the largest value (relative), on every shape BEGAN's networks use, batch 1
//! included, and on other shapes; weights laid out channels-last (as a model keeps them) too.

// The same tests run natively (`cargo test`) and in Chromium (wasm-bindgen-test, pkg-scripts/test).
#[cfg(target_family = "wasm")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_family = "wasm")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use burn::tensor::module;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{Device, Tensor, TensorData};

/// One convolution: input `[batch, c_in, h, w]`, `c_out` filters, square kernel, stride, padding.
#[derive(Clone, Copy, Debug)]
struct Case {
    batch: usize,
    channels_in: usize,
    channels_out: usize,
    size: [usize; 2],
    kernel: usize,
    stride: usize,
    padding: usize,
}

fn case(batch: usize, channels_in: usize, channels_out: usize, size: usize, stride: usize) -> Case {
    Case { batch, channels_in, channels_out, size: [size, size], kernel: 3, stride, padding: 1 }
}

/// The default model's convolutions (n = 8, 28×28, 3 scales) and a wider one's (n = 16, 64×64,
/// RGB, skips), at batch 1 and 16.
fn model_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for batch in [1, 16] {
        for (n, size, channels) in [(8, 28, 1), (16, 64, 3)] {
            let scales = if size == 28 { 3 } else { 4 };
            cases.push(case(batch, channels, n, size, 1)); // encoder input
            for i in 0..scales {
                let s = size >> i;
                cases.push(case(batch, (i + 1) * n, (i + 1) * n, s, 1)); // encoder scale i
                if i + 1 < scales {
                    cases.push(case(batch, (i + 1) * n, (i + 2) * n, s, 2)); // downsampling
                }
                cases.push(case(batch, n, n, s, 1)); // decoder scale
                cases.push(case(batch, 2 * n, n, s, 1)); // decoder scale with a skip
            }
            cases.push(case(batch, n, channels, size, 1)); // to the image
        }
    }
    cases
}

/// Values in [-1, 1) from `seed` alone, so that every run checks the same numbers.
fn random<const D: usize>(shape: [usize; D], seed: u64, device: &Device) -> Tensor<D> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let values: Vec<f32> = (0..shape.iter().product::<usize>())
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
        })
        .collect();
    Tensor::from_data(TensorData::new(values, shape), device)
}

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec::<f32>().unwrap()
}

/// max |a − b| ≤ 1e-5 · max |b|.
fn assert_close(what: &str, c: &Case, a: &[f32], b: &[f32]) {
    assert_eq!(a.len(), b.len(), "{what} of {c:?}");
    let scale = b.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let error = a.iter().zip(b).fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
    assert!(error <= 1e-5 * scale, "{what} of {c:?}: max error {error} against max value {scale}");
}

/// The exact bias gradient: each channel's sum of dy (`[batch, channels, h, w]`), in f64.
fn exact_bias_grad(dy: &[f32], [batch, channels, h, w]: [usize; 4]) -> Vec<f32> {
    (0..channels)
        .map(|c| (0..batch).map(|b| dy[(b * channels + c) * h * w..][..h * w].iter().map(|&v| v as f64).sum::<f64>()).sum::<f64>() as f32)
        .collect()
}

/// y, dx, dW, db of `(conv(x, W) + b) · dy` summed, through `conv`.
fn run(
    conv: fn(Tensor<4>, Tensor<4>, Option<Tensor<1>>, ConvOptions<2>) -> Tensor<4>,
    inputs: &(Tensor<4>, Tensor<4>, Tensor<1>),
    dy: &Tensor<4>,
    options: &ConvOptions<2>,
) -> [Vec<f32>; 4] {
    let (x, w, b) = (inputs.0.clone().require_grad(), inputs.1.clone().require_grad(), inputs.2.clone().require_grad());
    let y = conv(x.clone(), w.clone(), Some(b.clone()), options.clone());
    let grads = (y.clone() * dy.clone()).sum().backward();
    [values(y), values(x.grad(&grads).unwrap()), values(w.grad(&grads).unwrap()), values(b.grad(&grads).unwrap())]
}

/// Ours against burn's: y, dx and dW within 1e-5; db against the exact sum within 1e-5, since
/// burn's own f32 sum of 12,544 values (batch 16 of 28×28) misses it by up to ~1.3e-5.
fn compare(c: Case, channels_last: bool, seed: u64) {
    let device = Device::flex().autodiff();
    let k = c.kernel;
    let x = random([c.batch, c.channels_in, c.size[0], c.size[1]], seed, &device);
    let w = match channels_last {
        // [C_out, k, k, C_in] in memory, viewed as [C_out, C_in, k, k].
        true => random([c.channels_out, k, k, c.channels_in], seed + 1, &device).permute([0, 3, 1, 2]),
        false => random([c.channels_out, c.channels_in, k, k], seed + 1, &device),
    };
    let b = random([c.channels_out], seed + 2, &device);
    let options = ConvOptions::new([c.stride; 2], [c.padding; 2], [1, 1], 1);
    let out = |d: usize| (c.size[d] + 2 * c.padding - k) / c.stride + 1;
    let dy = random([c.batch, c.channels_out, out(0), out(1)], seed + 3, &device);
    assert!(burn_flex_conv::applies(&x, &w, &options));
    let inputs = (x, w, b);
    let ours = run(burn_flex_conv::conv2d, &inputs, &dy, &options);
    let burns = run(module::conv2d, &inputs, &dy, &options);
    for (what, (a, b)) in ["y", "dx", "dW"].iter().zip(ours.iter().zip(&burns)) {
        assert_close(what, &c, a, b);
    }
    let dy_values = values(dy.clone().inner());
    assert_close("db", &c, &ours[3], &exact_bias_grad(&dy_values, dy.dims()));
    let ours = run(burn_flex_conv::conv2d_elu, &inputs, &dy, &options);
    let burns = run(burn_conv_elu, &inputs, &dy, &options);
    for (what, (a, b)) in ["elu(y)", "dx through elu", "dW through elu"].iter().zip(ours.iter().zip(&burns)) {
        assert_close(what, &c, a, b);
    }
    // dy at the convolution's output: dy · ELU′, from burn's ELU output.
    let through: Vec<f32> = dy_values.iter().zip(&burns[0]).map(|(d, &y)| d * if y > 0.0 { 1.0 } else { y + 1.0 }).collect();
    assert_close("db through elu", &c, &ours[3], &exact_bias_grad(&through, dy.dims()));
}

/// burn's convolution, then ELU as relu(y) + exp(min(y, 0)) − 1.
fn burn_conv_elu(x: Tensor<4>, w: Tensor<4>, b: Option<Tensor<1>>, options: ConvOptions<2>) -> Tensor<4> {
    let y = module::conv2d(x, w, b, options);
    burn::tensor::activation::relu(y.clone()) + y.clamp_max(0.0).exp().sub_scalar(1.0)
}

#[test]
fn every_convolution_of_the_model_equals_burns() {
    for (i, c) in model_cases().into_iter().enumerate() {
        compare(c, false, 10 * i as u64);
        compare(c, true, 10 * i as u64 + 5);
    }
}

#[test]
fn other_shapes_equal_burns() {
    let cases = [
        Case { batch: 3, channels_in: 5, channels_out: 7, size: [9, 6], kernel: 3, stride: 2, padding: 1 },
        Case { batch: 2, channels_in: 1, channels_out: 6, size: [28, 28], kernel: 5, stride: 1, padding: 2 },
        Case { batch: 4, channels_in: 6, channels_out: 16, size: [14, 14], kernel: 5, stride: 1, padding: 0 },
        Case { batch: 1, channels_in: 2, channels_out: 3, size: [4, 11], kernel: 3, stride: 3, padding: 0 },
        Case { batch: 2, channels_in: 3, channels_out: 2, size: [1, 1], kernel: 3, stride: 1, padding: 1 },
        Case { batch: 5, channels_in: 4, channels_out: 4, size: [8, 8], kernel: 1, stride: 1, padding: 0 },
    ];
    for (i, c) in cases.into_iter().enumerate() {
        compare(c, false, 1000 + 10 * i as u64);
    }
}

/// Options a model rarely uses: asymmetric padding, non-square kernels, a stride larger than the
/// kernel, kernel columns that only ever see padding, and an input that is a permuted view.
#[test]
fn unusual_options_and_layouts_equal_burns() {
    let device = Device::flex().autodiff();
    // (x shape, weight shape, stride, padding (before, after) per dimension, x permuted)
    let cases: [([usize; 4], [usize; 4], [usize; 2], [(usize, usize); 2], bool); 6] = [
        ([2, 3, 7, 6], [4, 3, 3, 3], [1, 1], [(0, 2), (2, 0)], false),
        ([2, 2, 8, 9], [3, 2, 3, 1], [1, 1], [(0, 0), (0, 0)], false),
        ([1, 2, 9, 8], [2, 2, 2, 2], [3, 3], [(1, 0), (0, 1)], false),
        ([1, 1, 1, 1], [1, 1, 6, 6], [1, 1], [(3, 3), (3, 3)], false),
        ([1, 1, 1, 1], [2, 1, 1, 5], [2, 1], [(0, 0), (2, 2)], false),
        ([3, 4, 6, 6], [5, 4, 3, 3], [1, 1], [(1, 1), (1, 1)], true),
    ];
    for (i, (x_shape, w_shape, stride, padding, permuted)) in cases.into_iter().enumerate() {
        let seed = 2000 + 10 * i as u64;
        let x = match permuted {
            // [N, H, W, C] in memory, viewed as [N, C, H, W].
            true => random([x_shape[0], x_shape[2], x_shape[3], x_shape[1]], seed, &device).permute([0, 3, 1, 2]),
            false => random(x_shape, seed, &device),
        };
        let w = random(w_shape, seed + 1, &device);
        let b = random([w_shape[0]], seed + 2, &device);
        let options = ConvOptions::new_with_padding(stride, padding, [1, 1], 1);
        let out = |d: usize| (x_shape[2 + d] + padding[d].0 + padding[d].1 - w_shape[2 + d]) / stride[d] + 1;
        let dy = random([x_shape[0], w_shape[0], out(0), out(1)], seed + 3, &device);
        assert!(burn_flex_conv::applies(&x, &w, &options), "case {i}");
        let c = Case { batch: x_shape[0], channels_in: x_shape[1], channels_out: w_shape[0], size: [x_shape[2], x_shape[3]], kernel: w_shape[2], stride: stride[0], padding: padding[0].0 };
        let inputs = (x, w, b);
        let ours = run(burn_flex_conv::conv2d, &inputs, &dy, &options);
        let burns = run(module::conv2d, &inputs, &dy, &options);
        for (what, (a, b)) in ["y", "dx", "dW"].iter().zip(ours.iter().zip(&burns)) {
            assert_close(what, &c, a, b);
        }
        assert_close("db", &c, &ours[3], &exact_bias_grad(&values(dy.clone().inner()), dy.dims()));
    }
}

/// An empty batch is left to burn, which answers it with an empty output.
#[test]
fn an_empty_batch_is_left_to_burn() {
    let device = Device::flex().autodiff();
    let x = Tensor::<4>::zeros([0, 2, 5, 5], &device);
    let w = random([3, 2, 3, 3], 7, &device);
    let options = ConvOptions::new([1, 1], [1, 1], [1, 1], 1);
    assert!(!burn_flex_conv::applies(&x, &w, &options));
    assert_eq!(burn_flex_conv::conv2d_elu(x, w, None, options).dims(), [0, 3, 5, 5]);
}

#[test]
fn without_autodiff_the_forward_equals_burns() {
    let device = Device::flex();
    let c = case(2, 8, 16, 14, 2);
    let x = random([2, 8, 14, 14], 1, &device);
    let w = random([16, 8, 3, 3], 2, &device);
    let b = random([16], 3, &device);
    let options = ConvOptions::new([2, 2], [1, 1], [1, 1], 1);
    let ours = burn_flex_conv::conv2d(x.clone(), w.clone(), Some(b.clone()), options.clone());
    let burns = module::conv2d(x.clone(), w.clone(), Some(b), options.clone());
    assert_close("y", &c, &values(ours), &values(burns));
    // No bias is a zero bias.
    let ours = burn_flex_conv::conv2d(x.clone(), w.clone(), None, options.clone());
    let burns = module::conv2d(x, w, None, options);
    assert_close("y without bias", &c, &values(ours), &values(burns));
}

/// ELU of a 1×1 identity convolution: the usual values, and finite gradients where exp of a large
/// pre-activation would overflow; on the fused path and on burn's (a dilation of 2, which a 1×1
/// kernel ignores, sends it there).
#[test]
fn elu_has_the_usual_values_and_finite_gradients_for_large_inputs() {
    let device = Device::flex().autodiff();
    let input = [-2.0f32, 0.0, 0.5, 100.0, 1000.0];
    let expected = [(-2.0f32).exp() - 1.0, 0.0, 0.5, 100.0, 1000.0];
    for dilation in [1, 2] {
        let x = Tensor::<1>::from_floats(input, &device).reshape([1, 1, 1, 5]).require_grad();
        let w = Tensor::<4>::ones([1, 1, 1, 1], &device);
        let options = ConvOptions::new([1, 1], [0, 0], [dilation, dilation], 1);
        assert_eq!(burn_flex_conv::applies(&x, &w, &options), dilation == 1);
        let y = burn_flex_conv::conv2d_elu(x.clone(), w, None, options);
        let out = values(y.clone().inner());
        assert!(out.iter().zip(expected).all(|(a, b)| (a - b).abs() < 1e-4), "{out:?}");
        let grads = y.sum().backward();
        let gradient = values(x.grad(&grads).unwrap());
        assert!(gradient.iter().all(|g| g.is_finite()), "{gradient:?}");
        assert!((gradient[0] - (-2.0f32).exp()).abs() < 1e-5 && gradient[3] == 1.0 && gradient[4] == 1.0, "{gradient:?}");
    }
}

#[test]
fn a_dilated_or_grouped_convolution_is_left_to_burn() {
    let device = Device::flex();
    let x = random([1, 4, 9, 9], 4, &device);
    let dilated = ConvOptions::new([1, 1], [2, 2], [2, 2], 1);
    let grouped = ConvOptions::new([1, 1], [1, 1], [1, 1], 2);
    assert!(!burn_flex_conv::applies(&x, &random([4, 4, 3, 3], 5, &device), &dilated));
    assert!(!burn_flex_conv::applies(&x, &random([4, 2, 3, 3], 6, &device), &grouped));
    let w = random([4, 2, 3, 3], 6, &device);
    let ours = burn_flex_conv::conv2d(x.clone(), w.clone(), None, grouped.clone());
    let burns = module::conv2d(x, w, None, grouped);
    assert_eq!(values(ours), values(burns));
}
