//! How varied generated samples are, judged by a classifier: the class histogram, mode coverage
//! and the histogram's KL divergence to uniform. Plain functions of the predicted classes.

use crate::classifier::CLASSES;
use serde::Serialize;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
