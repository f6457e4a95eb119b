//! How good and how varied generated samples are, judged by a classifier: the class histogram,
//! mode coverage, the histogram's KL divergence to uniform, and the Fréchet distance between the
//! classifier's features of the samples and of real images. Plain functions of host data.

use crate::classifier::CLASSES;
use nalgebra::{DMatrix, DVector};
use serde::Serialize;

/// Samples judged at each judged state, and the seed of their z: the same z every time, so
/// states are compared on like samples, and the page and `began train --classifier` agree.
pub const JUDGED: usize = 500;
pub const JUDGE_SEED: u64 = 0;

/// A class counts as covered when its share is at least this fraction of the uniform 1/10.
pub const COVERED_FRACTION_OF_UNIFORM: f64 = 1.0 / 3.0;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassStats {
    /// Samples judged.
    pub n: usize,
    /// Share of the samples in each class; sums to 1.
    pub histogram: Vec<f64>,
    /// Classes whose share is at least a third of uniform (0–10).
    pub coverage: usize,
    /// KL(histogram ‖ uniform) in nats: 0 for a uniform histogram, ln 10 ≈ 2.30 for one class.
    pub kl_uniform: f64,
}

/// Everything said about a set of samples.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quality {
    #[serde(flatten)]
    pub classes: ClassStats,
    /// Fréchet distance between the classifier's penultimate features of the samples and of the
    /// test split: 0 for the test split itself; it grows with blur, artefacts and missing modes.
    pub frechet: f64,
}

/// The best judged state of a run so far: the most classes covered, then the lowest Fréchet
/// distance. Coverage first: a generator that leaves out a class is not the one to ship, however
/// sharp; then the distance, which grows with blur and artefacts, picks the cleanest of those.
/// Distances are compared to 3 decimals, as quality.csv holds them, so a resumed run compares
/// like with like. The CLI keeps best.safetensors by it, the page the state it offers to go back to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Best {
    /// (step, coverage, distance) of the best state offered.
    best: Option<(u64, usize, f64)>,
}

impl Best {
    /// Offers a judged state; true when it is better than every state offered before (a tie is
    /// not: the earlier state stays the best).
    pub fn offer(&mut self, step: u64, coverage: usize, frechet: f64) -> bool {
        let frechet = round3(frechet);
        let better = self.best.is_none_or(|(_, c, f)| (coverage, -frechet) > (c, -f));
        if better {
            self.best = Some((step, coverage, frechet));
        }
        better
    }

    /// (step, coverage, distance) of the best state so far.
    pub fn best(&self) -> Option<(u64, usize, f64)> {
        self.best
    }
}

fn round3(x: f64) -> f64 {
    format!("{x:.3}").parse().unwrap_or(x)
}

/// The statistics of predicted class indices (each below [`CLASSES`]).
pub fn class_stats(predicted: &[usize]) -> ClassStats {
    let mut counts = [0usize; CLASSES];
    for &class in predicted {
        counts[class.min(CLASSES - 1)] += 1;
    }
    let n = predicted.len();
    let histogram: Vec<f64> = counts.iter().map(|&c| c as f64 / n.max(1) as f64).collect();
    let uniform = 1.0 / CLASSES as f64;
    let coverage = histogram.iter().filter(|&&p| n > 0 && p >= COVERED_FRACTION_OF_UNIFORM * uniform).count();
    let kl_uniform = histogram.iter().filter(|&&p| p > 0.0).map(|&p| p * (p / uniform).ln()).sum();
    ClassStats { n, histogram, coverage, kl_uniform }
}

/// A Gaussian fitted to feature vectors: their mean and covariance.
#[derive(Clone, Debug)]
pub struct FeatureStats {
    mean: DVector<f64>,
    covariance: DMatrix<f64>,
}

impl FeatureStats {
    /// Fits row-major `features` of `dim` values each (at least two rows).
    pub fn fit(features: &[f32], dim: usize) -> Self {
        assert!(dim > 0 && features.len() % dim == 0 && features.len() >= 2 * dim, "at least two rows of {dim} features");
        let n = features.len() / dim;
        let x = DMatrix::from_row_iterator(n, dim, features.iter().map(|&v| v as f64));
        let mean = x.row_mean().transpose(); // [dim]
        let centred = DMatrix::from_fn(n, dim, |i, j| x[(i, j)] - mean[j]); // [n, dim]
        let covariance = centred.transpose() * &centred / (n - 1) as f64; // [dim, dim]
        Self { mean, covariance }
    }
}

/// The Fréchet distance between two Gaussians (Dowson & Landau 1982), as in FID (Heusel et al.
/// 2017): |μ_a − μ_b|² + Tr(Σ_a + Σ_b − 2 (Σ_a Σ_b)^½). The trace of the matrix square root is
/// taken as that of (Σ_a^½ Σ_b Σ_a^½)^½, which is symmetric, so symmetric eigensolvers suffice.
pub fn frechet_distance(a: &FeatureStats, b: &FeatureStats) -> f64 {
    let root_a = symmetric_sqrt(&a.covariance);
    let middle = &root_a * &b.covariance * &root_a;
    let middle = (&middle + middle.transpose()) * 0.5; // symmetric up to rounding
    let trace_root: f64 = middle.symmetric_eigenvalues().iter().map(|&l| l.max(0.0).sqrt()).sum();
    let distance = (&a.mean - &b.mean).norm_squared() + a.covariance.trace() + b.covariance.trace() - 2.0 * trace_root;
    distance.max(0.0)
}

/// The square root of a symmetric positive semi-definite matrix (rounding's negative eigenvalues
/// clamp to 0).
fn symmetric_sqrt(m: &DMatrix<f64>) -> DMatrix<f64> {
    let eigen = m.clone().symmetric_eigen();
    let roots = DMatrix::from_diagonal(&eigen.eigenvalues.map(|l| l.max(0.0).sqrt()));
    &eigen.eigenvectors * roots * eigen.eigenvectors.transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_state_has_the_most_classes_then_the_lowest_distance() {
        let mut best = Best::default();
        let offered: Vec<bool> = [(0, 3, 500.0), (200, 9, 300.0), (400, 9, 250.0), (600, 8, 100.0), (800, 9, 250.0004)]
            .into_iter()
            .map(|(step, coverage, frechet)| best.offer(step, coverage, frechet))
            .collect();
        assert_eq!(offered, [true, true, true, false, false], "a tie to 3 decimals keeps the earlier state");
        assert_eq!(best.best(), Some((400, 9, 250.0)));
        assert_eq!(Best::default().best(), None);
    }

    #[test]
    fn a_uniform_set_covers_every_class() {
        let predicted: Vec<usize> = (0..1000).map(|i| i % 10).collect();
        let stats = class_stats(&predicted);
        assert_eq!(stats.coverage, 10);
        assert!(stats.kl_uniform.abs() < 1e-12);
        assert!((stats.histogram.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_single_class_covers_one() {
        let stats = class_stats(&[3; 500]);
        assert_eq!(stats.coverage, 1);
        assert!((stats.kl_uniform - 10f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn a_class_below_a_third_of_uniform_is_not_covered() {
        // Class 9 has 3% of the samples: under a third of 10%.
        let mut predicted: Vec<usize> = (0..970).map(|i| i % 9).collect();
        predicted.extend([9; 30]);
        assert_eq!(class_stats(&predicted).coverage, 9);
    }

    fn gaussian_rows(n: usize, scales: &[f32], shift: f32, seed: u64) -> Vec<f32> {
        use rand_distr::{Distribution, StandardNormal};
        let mut rng = crate::rng::rng_for(seed, "test", 0);
        let mut normal = move || -> f32 { StandardNormal.sample(&mut rng) };
        (0..n * scales.len()).map(|i| scales[i % scales.len()] * normal() + shift).collect()
    }

    #[test]
    fn frechet_distance_of_a_set_to_itself_is_zero() {
        let rows = gaussian_rows(400, &[1.0, 2.0, 0.5], 0.0, 1);
        let stats = FeatureStats::fit(&rows, 3);
        assert!(frechet_distance(&stats, &stats).abs() < 1e-9);
    }

    #[test]
    fn frechet_distance_matches_the_closed_forms() {
        // A shift of every coordinate by d adds dim · d².
        let rows = gaussian_rows(400, &[1.0, 2.0, 0.5], 0.0, 2);
        let shifted: Vec<f32> = rows.iter().map(|v| v + 3.0).collect();
        let (a, b) = (FeatureStats::fit(&rows, 3), FeatureStats::fit(&shifted, 3));
        assert!((frechet_distance(&a, &b) - 27.0).abs() < 1e-6);
        // Diagonal covariances: Σ (σ_a − σ_b)², here with exact sample covariances.
        let a = FeatureStats { mean: DVector::zeros(2), covariance: DMatrix::from_diagonal(&DVector::from_vec(vec![4.0, 1.0])) };
        let b = FeatureStats { mean: DVector::zeros(2), covariance: DMatrix::from_diagonal(&DVector::from_vec(vec![1.0, 9.0])) };
        assert!((frechet_distance(&a, &b) - ((2.0f64 - 1.0).powi(2) + (1.0f64 - 3.0).powi(2))).abs() < 1e-9);
    }

    #[test]
    fn frechet_distance_grows_as_a_set_loses_its_spread() {
        let wide = FeatureStats::fit(&gaussian_rows(500, &[1.0; 4], 0.0, 3), 4);
        let narrower = FeatureStats::fit(&gaussian_rows(500, &[0.5; 4], 0.0, 4), 4);
        let collapsed = FeatureStats::fit(&gaussian_rows(500, &[0.05; 4], 0.0, 5), 4);
        assert!(frechet_distance(&wide, &narrower) < frechet_distance(&wide, &collapsed));
    }
}
