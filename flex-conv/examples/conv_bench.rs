//! Milliseconds per convolution, forward and backward (input, weight and bias gradients), this
//! crate's kernels against burn-flex's, on the shapes of a small image model (n = 8 filters,
//! 28×28, three scales) at batch 16 and 64. Figures, not a test: `pkg-scripts/bench conv` runs
//! it on one thread.

use burn::tensor::module;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{Device, Distribution, Tensor};
use std::time::Instant;

type Conv = fn(Tensor<4>, Tensor<4>, Option<Tensor<1>>, ConvOptions<2>) -> Tensor<4>;

/// Median milliseconds of forward alone and of forward + backward.
fn time(conv: Conv, shape: [usize; 4], channels_out: usize, stride: usize) -> (f64, f64) {
    let device = Device::flex().autodiff();
    let x = Tensor::<4>::random(shape, Distribution::Uniform(-1.0, 1.0), &device).require_grad();
    let w = Tensor::<4>::random([channels_out, shape[1], 3, 3], Distribution::Uniform(-1.0, 1.0), &device).require_grad();
    let b = Tensor::<1>::random([channels_out], Distribution::Uniform(-1.0, 1.0), &device).require_grad();
    let options = ConvOptions::new([stride; 2], [1, 1], [1, 1], 1);
    let median = |f: &dyn Fn()| {
        let mut times: Vec<f64> = (0..15)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    let forward = median(&|| {
        let y = conv(x.clone().inner(), w.clone().inner(), Some(b.clone().inner()), options.clone());
        y.into_data();
    });
    let both = median(&|| {
        let y = conv(x.clone(), w.clone(), Some(b.clone()), options.clone());
        let grads = y.sum().backward();
        w.grad(&grads).unwrap().into_data();
        x.grad(&grads).unwrap().into_data();
    });
    (forward, both)
}

fn main() {
    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "all".into());
    println!("threads: {threads}");
    println!("{:<28} {:>10} {:>10} {:>12} {:>12}", "input → filters, stride", "burn fwd", "ours fwd", "burn fwd+bwd", "ours fwd+bwd");
    let mut totals = [0.0; 4];
    for batch in [16, 64] {
        let shapes = [
            ([batch, 1, 28, 28], 8, 1),
            ([batch, 8, 28, 28], 8, 1),
            ([batch, 8, 28, 28], 16, 2),
            ([batch, 16, 14, 14], 16, 1),
            ([batch, 16, 14, 14], 24, 2),
            ([batch, 24, 7, 7], 24, 1),
            ([batch, 8, 7, 7], 8, 1),
            ([batch, 8, 14, 14], 8, 1),
            ([batch, 8, 28, 28], 1, 1),
        ];
        for (shape, out, stride) in shapes {
            let (bf, bb) = time(module::conv2d, shape, out, stride);
            let (of, ob) = time(burn_flex_conv::conv2d, shape, out, stride);
            totals = [totals[0] + bf, totals[1] + of, totals[2] + bb, totals[3] + ob];
            let name = format!("{shape:?} → {out}, s{stride}");
            println!("{name:<28} {bf:>10.3} {of:>10.3} {bb:>12.3} {ob:>12.3}");
        }
    }
    let [bf, of, bb, ob] = totals;
    println!("{:<28} {bf:>10.3} {of:>10.3} {bb:>12.3} {ob:>12.3}", "sum");
    println!("speed-up: forward {:.1}×, forward + backward {:.1}×", bf / of, bb / ob);
}
