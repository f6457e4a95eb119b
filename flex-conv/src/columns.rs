//! Moving data between an image and the GEMM's column layout: im2col writes, for every kernel
//! offset (c, i, j), the input plane as the output positions see it (zeros where they see
//! padding); col2im, its adjoint, adds such rows back onto the input. At stride 1 with "same"
//! width each row is the plane shifted by whole elements, copied (or added) in one pass.

use crate::kernel::Geometry;

/// The output columns `ow` whose input column `ow·stride + j − padding` lies in `[0, width)`.
fn valid(j: usize, padding: usize, stride: usize, width: usize, out: usize) -> (usize, usize) {
    let lo = padding.saturating_sub(j).div_ceil(stride);
    let hi = if width + padding > j { ((width + padding - j - 1) / stride + 1).min(out) } else { 0 };
    (lo.min(hi), hi)
}

/// Whether every row of im2col is its input plane shifted by whole elements: stride 1 and an
/// output as wide as the input ("same" padding, as 3×3 convolutions with padding 1 have).
fn is_shift(g: &Geometry) -> bool {
    g.stride == [1, 1] && g.out_size()[1] == g.size[1]
}

/// For a shift row (c, i, j): the offset d of x's index from the row's (x[p + d] = col[p]), the
/// range of p whose input row lies inside x, and the output columns [lo, hi) whose input column
/// does (the others, at the edges, would wrap into the neighbouring row).
fn shift(g: &Geometry, i: usize, j: usize) -> (isize, std::ops::Range<usize>, (usize, usize)) {
    let ([h, w], [ho, wo]) = (g.size, g.out_size());
    let [(ph, _), (pw, _)] = g.padding;
    let d = (i as isize - ph as isize) * w as isize + j as isize - pw as isize;
    // Output rows oh with 0 ≤ oh + i − p_h < h.
    let top = ph.saturating_sub(i).min(ho);
    let bottom = (h + ph).saturating_sub(i).clamp(top, ho);
    (d, top * wo..bottom * wo, valid(j, pw, 1, w, wo))
}

/// col[(c, i, j), (oh, ow)] = x[c, oh·s_h + i − p_h, ow·s_w + j − p_w], zero outside x.
pub(crate) fn im2col(g: &Geometry, x: &[f32], col: &mut [f32]) {
    if is_shift(g) {
        return im2col_shift(g, x, col);
    }
    let ([h, w], [ho, wo]) = (g.size, g.out_size());
    let ([kh, kw], [sh, sw], [(ph, _), (pw, _)]) = (g.kernel, g.stride, g.padding);
    let mut rows = col.chunks_exact_mut(ho * wo);
    for plane in x.chunks_exact(h * w) {
        for i in 0..kh {
            for j in 0..kw {
                let row = rows.next().expect("im2col: rows for every (c, i, j)");
                let (lo, hi) = valid(j, pw, sw, w, wo);
                for (oh, out) in row.chunks_exact_mut(wo).enumerate() {
                    let ih = (oh * sh + i).wrapping_sub(ph);
                    if ih >= h {
                        out.fill(0.0);
                        continue;
                    }
                    let src = &plane[ih * w..][..w];
                    out[..lo].fill(0.0);
                    out[hi..].fill(0.0);
                    if lo == hi {
                        // Every output column of this kernel column reads padding.
                    } else if sw == 1 {
                        out[lo..hi].copy_from_slice(&src[lo + j - pw..hi + j - pw]);
                    } else {
                        for (ow, o) in out[lo..hi].iter_mut().enumerate() {
                            *o = src[(lo + ow) * sw + j - pw];
                        }
                    }
                }
            }
        }
    }
}

/// The p of `inside` whose x[p + d] lies in a plane of `len`, and that first x index. The p left
/// out are edge columns, which the callers zero.
fn clip(inside: std::ops::Range<usize>, d: isize, len: usize) -> (std::ops::Range<usize>, usize) {
    let start = (inside.start as isize).max(-d);
    let end = (inside.end as isize).min(len as isize - d).max(start);
    if start >= end {
        return (0..0, 0);
    }
    (start as usize..end as usize, (start + d) as usize)
}

/// [`im2col`] at stride 1 with "same" width: one copy of the plane per row, then zeros at the
/// edges, instead of a copy per output row (rows of 7 to 28 floats are mostly call overhead).
fn im2col_shift(g: &Geometry, x: &[f32], col: &mut [f32]) {
    let ([h, w], [kh, kw]) = (g.size, g.kernel);
    let mut rows = col.chunks_exact_mut(g.out_plane());
    for plane in x.chunks_exact(h * w) {
        for i in 0..kh {
            for j in 0..kw {
                let row = rows.next().expect("im2col: rows for every (c, i, j)");
                let (d, inside, (lo, hi)) = shift(g, i, j);
                row[..inside.start].fill(0.0);
                row[inside.end..].fill(0.0);
                let (p, from) = clip(inside.clone(), d, plane.len());
                row[p.clone()].copy_from_slice(&plane[from..from + p.len()]);
                for out_row in row[inside].chunks_exact_mut(w) {
                    out_row[..lo].fill(0.0);
                    out_row[hi..].fill(0.0);
                }
            }
        }
    }
}

/// The adjoint of [`im2col`]: adds every column entry back onto the input position it came from.
/// Clobbers `col` on the stride-1 path.
pub(crate) fn col2im(g: &Geometry, col: &mut [f32], dx: &mut [f32]) {
    if is_shift(g) {
        return col2im_shift(g, col, dx);
    }
    let ([h, w], [ho, wo]) = (g.size, g.out_size());
    let ([kh, kw], [sh, sw], [(ph, _), (pw, _)]) = (g.kernel, g.stride, g.padding);
    let mut rows = col.chunks_exact(ho * wo);
    for plane in dx.chunks_exact_mut(h * w) {
        for i in 0..kh {
            for j in 0..kw {
                let row = rows.next().expect("col2im: rows for every (c, i, j)");
                let (lo, hi) = valid(j, pw, sw, w, wo);
                for (oh, src) in row.chunks_exact(wo).enumerate() {
                    let ih = (oh * sh + i).wrapping_sub(ph);
                    if ih >= h {
                        continue;
                    }
                    let dst = &mut plane[ih * w..][..w];
                    if lo == hi {
                        // Every output column of this kernel column read padding.
                    } else if sw == 1 {
                        let dst = &mut dst[lo + j - pw..hi + j - pw];
                        dst.iter_mut().zip(&src[lo..hi]).for_each(|(d, s)| *d += s);
                    } else {
                        for (ow, s) in src[lo..hi].iter().enumerate() {
                            dst[(lo + ow) * sw + j - pw] += s;
                        }
                    }
                }
            }
        }
    }
}

/// [`col2im`] at stride 1 with "same" width: the edge columns of each row are zeroed (they came
/// from outside x), then the row is added onto its shifted plane in one pass.
fn col2im_shift(g: &Geometry, col: &mut [f32], dx: &mut [f32]) {
    let ([h, w], [kh, kw]) = (g.size, g.kernel);
    let mut rows = col.chunks_exact_mut(g.out_plane());
    for plane in dx.chunks_exact_mut(h * w) {
        for i in 0..kh {
            for j in 0..kw {
                let row = rows.next().expect("col2im: rows for every (c, i, j)");
                let (d, inside, (lo, hi)) = shift(g, i, j);
                for out_row in row[inside.clone()].chunks_exact_mut(w) {
                    out_row[..lo].fill(0.0);
                    out_row[hi..].fill(0.0);
                }
                let (p, from) = clip(inside, d, plane.len());
                let target = &mut plane[from..from + p.len()];
                target.iter_mut().zip(&row[p]).for_each(|(t, r)| *t += r);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_valid_columns_are_exactly_those_inside_the_input() {
        let cases = [(0, 1, 1, 5, 3), (2, 1, 1, 5, 3), (0, 1, 2, 6, 3), (2, 1, 2, 6, 3), (4, 2, 1, 3, 5), (1, 0, 3, 7, 2), (5, 3, 1, 1, 6), (0, 3, 1, 1, 6)];
        for (j, padding, stride, width, kernel) in cases {
            let out = (width + 2 * padding - kernel) / stride + 1;
            let (lo, hi) = valid(j, padding, stride, width, out);
            for ow in 0..out {
                let iw = (ow * stride + j) as isize - padding as isize;
                assert_eq!((lo..hi).contains(&ow), iw >= 0 && iw < width as isize, "j {j} p {padding} s {stride} w {width} ow {ow}");
            }
        }
    }
}
