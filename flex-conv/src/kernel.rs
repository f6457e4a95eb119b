//! The convolution on plain f32 slices in NCHW order: im2col and col2im around one GEMM per image.
//!
//! For image b, with K = C_in·k_h·k_w rows of im2col ordered (c, i, j):
//! - forward:       y_b  [C_out, HW_out] = W [C_out, K] · col(x_b) [K, HW_out] + bias
//! - input grad:    dx_b = col2im(Wᵀ [K, C_out] · dy_b [C_out, HW_out])
//! - weight grad:   dW   = Σ_b dy_b [C_out, HW_out] · col(x_b)ᵀ [HW_out, K]
//! - bias grad:     db   = Σ_b Σ_p dy_b[·, p]
//!
//! im2col and col2im (`columns.rs`) work in a buffer each worker reuses. Images run in parallel
//! natively; every sum is taken in the same order whatever the thread count, so results do not
//! depend on it.

use crate::columns::{col2im, im2col};

/// One 2-D convolution's shapes: NCHW input, `[C_out, C_in, k_h, k_w]` weight, one group, no
/// dilation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Geometry {
    pub batch: usize,
    pub channels_in: usize,
    pub channels_out: usize,
    /// Input height and width.
    pub size: [usize; 2],
    pub kernel: [usize; 2],
    pub stride: [usize; 2],
    /// Zeros before and after, per dimension.
    pub padding: [(usize, usize); 2],
}

impl Geometry {
    /// The shapes of an input `[N, C_in, H, W]` and a weight `[C_out, C_in, k_h, k_w]`, or `None`
    /// where the weight's input channels are not the input's.
    pub fn of(input: [usize; 4], weight: [usize; 4], stride: [usize; 2], padding: [(usize, usize); 2]) -> Option<Self> {
        let ([batch, channels_in, h, w], [channels_out, weight_in, kh, kw]) = (input, weight);
        (channels_in == weight_in).then_some(Self {
            batch,
            channels_in,
            channels_out,
            size: [h, w],
            kernel: [kh, kw],
            stride,
            padding,
        })
    }

    /// Output height and width: ⌊(size + padding − kernel) / stride⌋ + 1.
    pub fn out_size(&self) -> [usize; 2] {
        std::array::from_fn(|d| (self.padded(d) - self.kernel[d]) / self.stride[d] + 1)
    }

    pub(crate) fn padded(&self, d: usize) -> usize {
        self.size[d] + self.padding[d].0 + self.padding[d].1
    }

    /// Rows of im2col: C_in·k_h·k_w.
    fn depth(&self) -> usize {
        self.channels_in * self.kernel[0] * self.kernel[1]
    }

    fn in_plane(&self) -> usize {
        self.size[0] * self.size[1]
    }

    pub(crate) fn out_plane(&self) -> usize {
        let [h, w] = self.out_size();
        h * w
    }

    pub fn input_len(&self) -> usize {
        self.batch * self.channels_in * self.in_plane()
    }

    pub fn output_len(&self) -> usize {
        self.batch * self.channels_out * self.out_plane()
    }

    pub fn weight_len(&self) -> usize {
        self.channels_out * self.depth()
    }

    /// Whether the shapes make sense: a kernel no larger than the padded input, nothing empty.
    pub fn is_valid(&self) -> bool {
        let dims = [self.batch, self.channels_in, self.channels_out];
        dims.iter().all(|&d| d > 0)
            && (0..2).all(|d| {
                self.size[d] > 0 && self.stride[d] > 0 && self.kernel[d] > 0 && self.padded(d) >= self.kernel[d]
            })
    }
}

/// `y = conv(x, weight) + bias`.
pub fn forward(g: &Geometry, x: &[f32], weight: &[f32], bias: &[f32], y: &mut [f32]) {
    check(g, x.len(), weight.len(), y.len());
    assert_eq!(bias.len(), g.channels_out);
    let (k, plane_in, plane_out) = (g.depth(), g.channels_in * g.in_plane(), g.channels_out * g.out_plane());
    per_image(y.chunks_mut(plane_out), k * g.out_plane(), |b, y_b, col| {
        im2col(g, &x[b * plane_in..][..plane_in], col);
        for (row, &bias) in y_b.chunks_exact_mut(g.out_plane()).zip(bias) {
            row.fill(bias);
        }
        // y_b += W · col
        let n = g.out_plane();
        unsafe { matmul(g.channels_out, n, k, y_b, n, true, weight, (k, 1), col, (n, 1)) };
    });
}

/// dx of `y = conv(x, weight)` given dy.
pub fn input_grad(g: &Geometry, dy: &[f32], weight: &[f32], dx: &mut [f32]) {
    check(g, dx.len(), weight.len(), dy.len());
    let (k, plane_in, plane_out) = (g.depth(), g.channels_in * g.in_plane(), g.channels_out * g.out_plane());
    per_image(dx.chunks_mut(plane_in), k * g.out_plane(), |b, dx_b, col| {
        let n = g.out_plane();
        // col = Wᵀ · dy_b
        unsafe { matmul(k, n, g.channels_out, col, n, false, weight, (1, k), &dy[b * plane_out..][..plane_out], (n, 1)) };
        dx_b.fill(0.0);
        col2im(g, col, dx_b);
    });
}

/// dW of `y = conv(x, weight)` given dy, summed over the batch in image order.
pub fn weight_grad(g: &Geometry, x: &[f32], dy: &[f32], dw: &mut [f32]) {
    check(g, x.len(), dw.len(), dy.len());
    let (k, plane_in, plane_out) = (g.depth(), g.channels_in * g.in_plane(), g.channels_out * g.out_plane());
    let n = g.out_plane();
    // Each image's share first, then one sum in image order: the same additions, in the same
    // order, on one thread or many. Shares are held for a wave of images at a time (8 MiB).
    let wave = ((1 << 21) / dw.len()).clamp(1, g.batch);
    let mut shares = vec![0.0f32; wave * dw.len()];
    dw.fill(0.0);
    for first in (0..g.batch).step_by(wave) {
        let images = wave.min(g.batch - first);
        per_image(shares.chunks_mut(dw.len()).take(images), k * n, |i, share, col| {
            let b = first + i;
            im2col(g, &x[b * plane_in..][..plane_in], col);
            // share = dy_b · colᵀ
            unsafe { matmul(g.channels_out, k, n, share, k, false, &dy[b * plane_out..][..plane_out], (n, 1), col, (1, n)) };
        });
        for share in shares.chunks_exact(dw.len()).take(images) {
            dw.iter_mut().zip(share).for_each(|(d, s)| *d += s);
        }
    }
}

/// db of `y = conv(x, weight) + bias` given dy: each channel's sum over the batch and the plane.
pub fn bias_grad(g: &Geometry, dy: &[f32], db: &mut [f32]) {
    assert_eq!(dy.len(), g.output_len());
    assert_eq!(db.len(), g.channels_out);
    let mut sums = vec![0.0f64; g.channels_out];
    for image in dy.chunks_exact(g.channels_out * g.out_plane()) {
        for (d, row) in sums.iter_mut().zip(image.chunks_exact(g.out_plane())) {
            *d += sum(row);
        }
    }
    db.iter_mut().zip(sums).for_each(|(d, s)| *d = s as f32);
}

/// A sum in f64, in four lanes so that it vectorises (a plain fold is one long dependency
/// chain): a bias gradient adds up batch × plane values (12,544 for 16 images of 28×28), too
/// many for an f32 running sum to stay within 1e-5 of the exact value.
fn sum(values: &[f32]) -> f64 {
    let mut lanes = [0.0f64; 4];
    let chunks = values.chunks_exact(4);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane += v as f64;
        }
    }
    lanes.iter().sum::<f64>() + rest.iter().map(|&v| v as f64).sum::<f64>()
}

fn check(g: &Geometry, input: usize, weight: usize, output: usize) {
    assert!(g.is_valid(), "invalid convolution: {g:?}");
    assert_eq!(input, g.input_len(), "input length of {g:?}");
    assert_eq!(weight, g.weight_len(), "weight length of {g:?}");
    assert_eq!(output, g.output_len(), "output length of {g:?}");
}

/// Runs `f(b, chunk_b, scratch)` for every image's chunk, with a scratch buffer of `scratch`
/// floats per worker: on rayon's threads natively and in wasm built with shared memory; images
/// are independent, so the result does not depend on how many threads there are.
fn per_image<'a, I, F>(chunks: I, scratch: usize, f: F)
where
    I: Iterator<Item = &'a mut [f32]> + Send,
    F: Fn(usize, &mut [f32], &mut [f32]) + Send + Sync,
{
    #[cfg(any(not(target_family = "wasm"), target_feature = "atomics"))]
    {
        use rayon::prelude::*;
        let chunks: Vec<_> = chunks.collect();
        if chunks.len() > 1 && rayon::current_num_threads() > 1 {
            return chunks
                .into_par_iter()
                .enumerate()
                .for_each_init(|| scratch_buffer(scratch), |buf, (b, chunk)| f(b, chunk, buf));
        }
        let mut buf = scratch_buffer(scratch);
        return chunks.into_iter().enumerate().for_each(|(b, chunk)| f(b, chunk, &mut buf));
    }
    #[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
    {
        let mut buf = scratch_buffer(scratch);
        chunks.enumerate().for_each(|(b, chunk)| f(b, chunk, &mut buf));
    }
}

/// A worker's scratch buffer. In tests it starts as NaN, so that an element a pass forgets to
/// write shows in the result instead of reading as a correct zero.
fn scratch_buffer(len: usize) -> Vec<f32> {
    vec![if cfg!(test) { f32::NAN } else { 0.0 }; len]
}

/// dst[m, n] (row stride `dst_rs`, columns contiguous) = (dst if `accumulate`) + lhs · rhs, with
/// lhs `[m, k]` and rhs `[k, n]` given by their (row, column) strides. One thread: callers run
/// images in parallel instead.
///
/// # Safety
/// The strides must address only elements inside each slice (asserted).
#[allow(clippy::too_many_arguments)]
unsafe fn matmul(
    m: usize,
    n: usize,
    k: usize,
    dst: &mut [f32],
    dst_rs: usize,
    accumulate: bool,
    lhs: &[f32],
    (lhs_rs, lhs_cs): (usize, usize),
    rhs: &[f32],
    (rhs_rs, rhs_cs): (usize, usize),
) {
    // Three comparisons a call keep the unsafe GEMM inside its slices.
    assert!(m == 0 || n == 0 || (m - 1) * dst_rs + n <= dst.len());
    assert!(m == 0 || k == 0 || (m - 1) * lhs_rs + (k - 1) * lhs_cs < lhs.len());
    assert!(k == 0 || n == 0 || (k - 1) * rhs_rs + (n - 1) * rhs_cs < rhs.len());
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            dst_rs as isize,
            accumulate,
            lhs.as_ptr(),
            lhs_cs as isize,
            lhs_rs as isize,
            rhs.as_ptr(),
            rhs_cs as isize,
            rhs_rs as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition, one multiply-add at a time, in f64.
    fn naive(g: &Geometry, x: &[f32], w: &[f32]) -> Vec<f64> {
        let ([h, wd], [ho, wo]) = (g.size, g.out_size());
        let [kh, kw] = g.kernel;
        let mut y = vec![0.0; g.output_len()];
        for b in 0..g.batch {
            for co in 0..g.channels_out {
                for oh in 0..ho {
                    for ow in 0..wo {
                        let mut acc = 0.0f64;
                        for c in 0..g.channels_in {
                            for i in 0..kh {
                                for j in 0..kw {
                                    let ih = (oh * g.stride[0] + i) as isize - g.padding[0].0 as isize;
                                    let iw = (ow * g.stride[1] + j) as isize - g.padding[1].0 as isize;
                                    if ih < 0 || iw < 0 || ih >= h as isize || iw >= wd as isize {
                                        continue;
                                    }
                                    let xv = x[((b * g.channels_in + c) * h + ih as usize) * wd + iw as usize];
                                    let wv = w[((co * g.channels_in + c) * kh + i) * kw + j];
                                    acc += xv as f64 * wv as f64;
                                }
                            }
                        }
                        y[((b * g.channels_out + co) * ho + oh) * wo + ow] = acc;
                    }
                }
            }
        }
        y
    }

    fn values(n: usize, seed: u32) -> Vec<f32> {
        // A small LCG: the kernel tests need no dependency for their inputs.
        let mut s = seed.wrapping_mul(2654435761).wrapping_add(1);
        (0..n)
            .map(|_| {
                s = s.wrapping_mul(1664525).wrapping_add(1013904223);
                (s >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0
            })
            .collect()
    }

    fn close(a: &[f32], b: &[f64]) {
        assert_eq!(a.len(), b.len());
        for (i, (&a, &b)) in a.iter().zip(b).enumerate() {
            assert!((a as f64 - b).abs() <= 1e-4 * (1.0 + b.abs()), "element {i}: {a} vs {b}");
        }
    }

    fn geometries() -> Vec<Geometry> {
        let g = |batch, channels_in, channels_out, size: [usize; 2], kernel, stride, [p, q]: [usize; 2]| Geometry {
            batch,
            channels_in,
            channels_out,
            size,
            kernel,
            stride,
            padding: [(p, p), (q, q)],
        };
        vec![
            g(2, 3, 4, [7, 7], [3, 3], [1, 1], [1, 1]),
            g(1, 2, 3, [8, 6], [3, 3], [2, 2], [1, 1]),
            g(3, 2, 5, [7, 5], [3, 3], [2, 2], [1, 1]),
            g(2, 1, 2, [9, 9], [5, 5], [1, 1], [2, 2]),
            g(1, 2, 2, [6, 7], [3, 2], [2, 1], [0, 1]),
            g(2, 3, 1, [3, 3], [3, 3], [1, 1], [0, 0]),
            Geometry { padding: [(0, 2), (1, 0)], ..g(2, 2, 3, [5, 6], [3, 3], [2, 1], [0, 0]) },
            // Kernel columns that never touch the input (all padding), on the general path.
            g(1, 1, 1, [1, 1], [6, 6], [1, 1], [3, 3]),
            g(1, 1, 2, [1, 1], [1, 5], [2, 1], [0, 2]),
            // The shift path with fewer output rows than input rows, and asymmetric width padding.
            g(2, 2, 2, [6, 5], [3, 1], [1, 1], [0, 0]),
            Geometry { padding: [(1, 1), (2, 0)], ..g(1, 2, 3, [4, 5], [3, 3], [1, 1], [0, 0]) },
            // Stride larger than the kernel.
            g(2, 2, 2, [9, 8], [2, 2], [3, 3], [1, 0]),
            g(1, 1, 1, [1, 1], [3, 3], [1, 1], [1, 1]),
        ]
    }

    #[test]
    fn forward_is_the_definition() {
        for g in geometries() {
            let (x, w) = (values(g.input_len(), 1), values(g.weight_len(), 2));
            let bias = values(g.channels_out, 3);
            let mut y = vec![f32::NAN; g.output_len()];
            forward(&g, &x, &w, &bias, &mut y);
            let mut expected = naive(&g, &x, &w);
            let plane = g.out_plane();
            for (i, e) in expected.iter_mut().enumerate() {
                *e += bias[(i / plane) % g.channels_out] as f64;
            }
            close(&y, &expected);
        }
    }

    /// The gradients are the adjoints of the forward map: <dy, conv(x, w)> = <dx, x> = <dW, w>
    /// for the linear maps x ↦ conv(x, w) and w ↦ conv(x, w), checked element by element.
    #[test]
    fn gradients_are_the_adjoints() {
        for g in geometries() {
            let (x, w, dy) = (values(g.input_len(), 4), values(g.weight_len(), 5), values(g.output_len(), 6));
            let mut dx = vec![f32::NAN; x.len()];
            input_grad(&g, &dy, &w, &mut dx);
            let mut dw = vec![f32::NAN; w.len()];
            weight_grad(&g, &x, &dy, &mut dw);
            let dot = |a: &[f32], b: &[f64]| a.iter().zip(b).map(|(&a, b)| a as f64 * b).sum::<f64>();
            // dx[i] = <dy, conv(e_i, w)>, dW[i] = <dy, conv(x, e_i)>.
            let unit = |n, i| (0..n).map(|k| if k == i { 1.0 } else { 0.0 }).collect::<Vec<f32>>();
            let expected_dx: Vec<f64> = (0..x.len()).map(|i| dot(&dy, &naive(&g, &unit(x.len(), i), &w))).collect();
            let expected_dw: Vec<f64> = (0..w.len()).map(|i| dot(&dy, &naive(&g, &x, &unit(w.len(), i)))).collect();
            close(&dx, &expected_dx);
            close(&dw, &expected_dw);
            let mut db = vec![f32::NAN; g.channels_out];
            bias_grad(&g, &dy, &mut db);
            let plane = g.out_plane();
            let expected_db: Vec<f64> = (0..g.channels_out)
                .map(|c| dy.iter().enumerate().filter(|(i, _)| (i / plane) % g.channels_out == c).map(|(_, &v)| v as f64).sum())
                .collect();
            close(&db, &expected_db);
        }
    }

    /// Every result is the same bit for bit on one thread and on four.
    #[cfg(not(target_family = "wasm"))]
    #[test]
    fn results_do_not_depend_on_the_thread_count() {
        let g = Geometry { batch: 7, channels_in: 3, channels_out: 5, size: [9, 9], kernel: [3, 3], stride: [1, 1], padding: [(1, 1), (1, 1)] };
        let (x, w, dy) = (values(g.input_len(), 7), values(g.weight_len(), 8), values(g.output_len(), 9));
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(|| {
                let (mut y, mut dx, mut dw) = (vec![0.0; g.output_len()], vec![0.0; x.len()], vec![0.0; w.len()]);
                forward(&g, &x, &w, &[0.5; 5], &mut y);
                input_grad(&g, &dy, &w, &mut dx);
                weight_grad(&g, &x, &dy, &mut dw);
                [y, dx, dw].map(|v| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>())
            })
        };
        assert_eq!(run(1), run(4));
    }
}
