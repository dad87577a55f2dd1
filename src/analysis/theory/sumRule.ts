/**
 * The sum rule of relative diffusion, review Eq. 69-70 (docs/physics.md "Theory curves"):
 *
 *   (1/4π) Σ_{l≥1} (2l+1) ⟨C_l⟩(T) ≃ 2T K̃^s_ij g_i g_j,   g = ∇n/n,
 *   K̃_ij = ∫dp̂1/4π ∫dp̂2/4π ⟨Δr12_i Δr12_j⟩ / (4T),   Δr12 = r1(T) − r2(T),
 *
 * K̃ being the relative diffusion tensor of pairs of back-tracked trajectories. The left-hand side
 * is, by Parseval, the variance of the relative intensity over the sky: (1/4π)Σ_{l≥0}(2l+1)C_l is
 * the sky mean of I² and C_0/4π the square of its mean. For a map I = 1 + d(n)·g (the gradient
 * term of the Liouville model, which dominates at large T) the two sides agree exactly, with K̃ the
 * sky covariance of the end positions over 2T (`relativeDiffusionTensor`); the review's "≃" is the
 * neglect of the Fick term and of the renormalisation I = f/⟨f⟩.
 *
 * Take the left side from the C_l of I − ⟨I⟩: the HEALPix quadrature of map2alm leaks a unit
 * monopole into the even l (anafast of a map ≡ 1 gives C_2 ≈ 1.3e-9, 1.0e-10, 6.7e-12 at N_side
 * 16, 32, 64), which the (2l+1) weights sum to 4e-7, 1.4e-7, 3.9e-8 over l ≤ 3N_side − 1.
 *
 * Units: T as path length in pc, K̃ in pc, g in pc⁻¹; both sides dimensionless.
 */
import type { Vec3 } from '../../config/vec3.ts';
import type { Tensor3 } from '../liouville.ts';
import { quadraticForm } from './relativeDiffusion.ts';

/** Left-hand side of Eq. 69 from a C_l array (index l): (1/4π) Σ_{l=1}^{lmax} (2l+1) C_l. */
export function sumRuleVariance(cl: ArrayLike<number>): number {
  let s = 0;
  for (let l = 1; l < cl.length; l++) s += (2 * l + 1) * cl[l];
  return s / (4 * Math.PI);
}

/** Right-hand side of Eq. 69: 2T K̃^s_ij g_i g_j (the antisymmetric part of K̃ drops out). */
export function sumRulePrediction(timePc: number, relativeDiffusion: ArrayLike<number>, g: Vec3): number {
  return 2 * timePc * quadraticForm(relativeDiffusion, g);
}

/**
 * Eq. 70 estimated from one realization's end positions (3N, pc) at time T, the particles launched
 * uniformly over the sky (one or k² per equal-area pixel). The average over all N² ordered pairs of
 * Δr12 Δr12 / (4T) is the (population) covariance of the positions over 2T; pairs are taken over
 * the whole sky, so the origin drops out. NaN positions (particles without an end state) are
 * skipped. Average the result over realizations for ⟨K̃⟩.
 */
export function relativeDiffusionTensor(positions: Float64Array, timePc: number): Tensor3 {
  if (!(timePc > 0)) throw new RangeError(`relativeDiffusionTensor: T must be > 0, got ${timePc}`);
  const n = positions.length / 3;
  const mean = [0, 0, 0];
  let count = 0;
  for (let a = 0; a < n; a++) {
    const x = positions[3 * a], y = positions[3 * a + 1], z = positions[3 * a + 2];
    if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z))) continue;
    mean[0] += x;
    mean[1] += y;
    mean[2] += z;
    count++;
  }
  if (count === 0) throw new RangeError('relativeDiffusionTensor: no finite position');
  for (let i = 0; i < 3; i++) mean[i] /= count;
  const k = new Float64Array(9);
  for (let a = 0; a < n; a++) {
    const d = [positions[3 * a] - mean[0], positions[3 * a + 1] - mean[1], positions[3 * a + 2] - mean[2]];
    if (!(Number.isFinite(d[0]) && Number.isFinite(d[1]) && Number.isFinite(d[2]))) continue;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) k[3 * i + j] += d[i] * d[j];
  }
  for (let i = 0; i < 9; i++) k[i] /= 2 * timePc * count;
  return k;
}
