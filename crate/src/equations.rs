//! BEGAN's equations (Berthelot et al. 2017, eq. 1, 4 and section 3.4.1), one pure function each.
//! They take and return 1-element tensors, so a training step never has to read the GPU.

use burn::prelude::*;

/// L(v) = mean |v − D(v)|: the autoencoder's reconstruction loss (η = 1).
pub fn reconstruction_loss(images: Tensor<4>, reconstructions: Tensor<4>) -> Tensor<1> {
    (images - reconstructions).abs().mean() // [1]
}

/// L_D = L(x) − k_t · L(G(z_D)).
pub fn discriminator_loss(loss_real: Tensor<1>, k: Tensor<1>, loss_fake: Tensor<1>) -> Tensor<1> {
    loss_real - k * loss_fake
}

/// L_G = L(G(z_G)).
pub fn generator_loss(loss_fake: Tensor<1>) -> Tensor<1> {
    loss_fake
}

/// The mode-seeking term (Mao et al. 2019, "Mode Seeking Generative Adversarial Networks for
/// Diverse Image Synthesis", CVPR; their code's form): over the two halves of G's batch,
/// 1 / (mean |G(z1) − G(z2)| / mean |z1 − z2| + ε). It is large when distant z give alike
/// images, so adding it to L_G pushes G off a collapsed mode. `z` `[batch, Nz]` and `images`
/// `[batch, …]`, batch ≥ 2; an odd batch's last row is left out.
pub fn mode_seeking(z: Tensor<2>, images: Tensor<4>) -> Tensor<1> {
    const EPSILON: f64 = 1e-5;
    let half = z.dims()[0] / 2;
    let apart = |t: Tensor<4>| (t.clone().slice([0..half]) - t.slice([half..2 * half])).abs().mean(); // [1]
    let z_apart = apart(z.unsqueeze_dim::<3>(2).unsqueeze_dim::<4>(3)); // [1]
    (apart(images) / z_apart).add_scalar(EPSILON).recip() // [1]
}

/// k_{t+1} = clamp(k_t + λ_k (γ L(x) − L(G(z_G))), 0, 1).
pub fn update_k(k: Tensor<1>, gamma: f64, lambda_k: f64, loss_real: Tensor<1>, loss_fake: Tensor<1>) -> Tensor<1> {
    let balance = loss_real.mul_scalar(gamma) - loss_fake;
    (k + balance.mul_scalar(lambda_k)).clamp(0.0, 1.0)
}

/// M_global = L(x) + |γ L(x) − L(G(z_G))|: falls as the samples improve.
pub fn m_global(loss_real: Tensor<1>, loss_fake: Tensor<1>, gamma: f64) -> Tensor<1> {
    loss_real.clone() + (loss_real.mul_scalar(gamma) - loss_fake).abs()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(x: f32) -> Tensor<1> {
        Tensor::from_floats([x], &Device::flex())
    }

    fn value(t: Tensor<1>) -> f32 {
        futures_lite::future::block_on(crate::named::read(t)).unwrap().values[0]
    }

    fn close(actual: f32, expected: f32) {
        assert!((actual - expected).abs() < 1e-6, "{actual} != {expected}");
    }

    #[test]
    fn reconstruction_loss_is_mean_absolute_error() {
        let device = Device::flex();
        let v = Tensor::<1>::from_floats([1.0, -1.0, 0.5, 0.0], &device).reshape([1, 1, 2, 2]);
        let d_v = Tensor::<1>::from_floats([0.5, -1.0, -0.5, 0.25], &device).reshape([1, 1, 2, 2]);
        // |0.5| + 0 + |1.0| + |-0.25| = 1.75, over 4 pixels.
        close(value(reconstruction_loss(v, d_v)), 0.4375);
    }

    #[test]
    fn losses_by_hand() {
        close(value(discriminator_loss(scalar(0.3), scalar(0.25), scalar(0.2))), 0.3 - 0.05);
        close(value(generator_loss(scalar(0.17))), 0.17);
        // γ = 0.5: 0.3 + |0.15 − 0.2| = 0.35.
        close(value(m_global(scalar(0.3), scalar(0.2), 0.5)), 0.35);
    }

    #[test]
    fn mode_seeking_by_hand() {
        let device = Device::flex();
        // z halves differ by |0.5| and |1.5| (mean 1); images by |0.2| and |0.6| (mean 0.4).
        let z = Tensor::<2>::from_floats([[0.0, 1.0], [0.5, -0.5]], &device);
        let images = Tensor::<1>::from_floats([0.1, 0.3, -0.1, 0.9], &device).reshape([2, 1, 1, 2]);
        close(value(mode_seeking(z.clone(), images)), 1.0 / (0.4 + 1e-5));
        // Identical images for distant z: the term is as large as ε allows.
        let same = Tensor::<4>::zeros([2, 1, 1, 2], &device);
        assert!(value(mode_seeking(z, same)) > 9e4);
    }

    #[test]
    fn k_moves_by_the_balance_and_is_clipped() {
        // 0.1 + 0.001 · (0.5·0.3 − 0.05) = 0.1001
        close(value(update_k(scalar(0.1), 0.5, 0.001, scalar(0.3), scalar(0.05))), 0.1001);
        // G losing the balance from k = 0 would go negative: clipped to 0.
        close(value(update_k(scalar(0.0), 0.5, 0.001, scalar(0.1), scalar(0.4))), 0.0);
        close(value(update_k(scalar(0.9999), 1.0, 1.0, scalar(0.5), scalar(0.0))), 1.0);
    }
}
