/**
 * The stationary angular power spectrum of relative diffusion, review Eq. 77 (Ahlers & Mertsch
 * 2015; docs/physics.md "Theory curves"):
 *
 *   C_l = (3/2) Q1 / (l(l+1)) ∫_{-1}^{1} dx x P_l(x) / ν_r(x),   Q1 = K^s_ij ∂_iφ ∂_jφ / (6π),
 *
 * with x = p̂1·p̂2 and the relative scattering rate modelled as ν_r(x) = ν_s (1 − x)^p, 0 ≤ p < 1
 * (ν_r vanishes for identical momenta; the review plots p = 1/3, 1/2, 2/3).
 *
 * Normalisation. Eq. 77 is the spectrum of the phase-space density f in the convention of Eq. 65,
 * C_l = (1/4π)∫∫ P_l f1 f2. The relative intensity is I = 4π f/φ, so its C_l (Eq. 29, what
 * crsky's maps give) is (4π/φ)² times that:
 *
 *   C_l^I = 4π K^s_ij g_i g_j J_l(p) / (l(l+1) ν_s),   g = ∇φ/φ,   J_l(p) = ∫ x P_l(x) (1 − x)^{-p} dx.
 *
 * Units: K in pc, g in pc⁻¹, ν_s in pc⁻¹ (per pc of path) → C_l^I dimensionless. The scale ν_s is
 * not fixed by the model; the shape Ĉ_l/Ĉ_1 (review Fig. 15) does not depend on it. With p = 0 and
 * ν_s = ν = c²/(3κ) for isotropic K = κ·1, Eq. 77 is exactly the standard-diffusion dipole power
 * (4π/9)|3κ g|² and nothing at l ≥ 2. Eq. 77 says nothing about l = 0: C_0 is returned as NaN.
 */
import type { Vec3 } from '../../config/vec3.ts';

/** Relative scattering rate ν_r(x) = ν_s (1 − x)^p. */
export interface RelativeScatteringModel {
  /** Exponent p, 0 ≤ p < 1 (the integral diverges at p ≥ 1). */
  readonly p: number;
  /** Scale ν_s, pc⁻¹ (ν_r at x = 0; ν_r(−1) = 2^p ν_s). */
  readonly nuScalePerPc: number;
}

function checkP(p: number): void {
  if (!(p >= 0 && p < 1)) throw new RangeError(`relative diffusion: p must be in [0, 1), got ${p}`);
}

/**
 * J_l(p) = ∫_{-1}^{1} x P_l(x) (1 − x)^{-p} dx for l = 0..lmax, in closed form. With
 * I_l = ∫ P_l(x)(1 − x)^{-p} dx = 2^{1−p} Π_{k<l}(k + p) / Π_{k=1}^{l+1}(k − p) (Rodrigues' formula
 * and l integrations by parts; I_l = I_{l−1}(l − 1 + p)/(l + 1 − p)) and x P_l = ((l+1)P_{l+1} + l P_{l−1})/(2l+1).
 * All J_l are positive for 0 < p < 1 and fall as l^{2p−2}.
 */
export function powerLawLegendreMoments(lmax: number, p: number): Float64Array {
  checkP(p);
  if (!(Number.isInteger(lmax) && lmax >= 0)) throw new RangeError(`lmax must be an integer ≥ 0, got ${lmax}`);
  const I = new Float64Array(lmax + 2);
  I[0] = Math.pow(2, 1 - p) / (1 - p);
  for (let l = 1; l <= lmax + 1; l++) I[l] = (I[l - 1] * (l - 1 + p)) / (l + 1 - p);
  const J = new Float64Array(lmax + 1);
  for (let l = 0; l <= lmax; l++) J[l] = ((l + 1) * I[l + 1] + (l > 0 ? l * I[l - 1] : 0)) / (2 * l + 1);
  return J;
}

/** K^s_ij a_i a_j with K^s the symmetric part of a row-major 3×3 K (the antisymmetric part drops out). */
export function quadraticForm(k: ArrayLike<number>, a: Vec3): number {
  let s = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += a[i] * k[3 * i + j] * a[j];
  return s;
}

/** Q1 = K^s_ij ∂_iφ ∂_jφ / (6π) of Eq. 77 (K in pc, ∇φ in φ-units per pc: Q1 in φ² per pc). */
export function dipoleSourceTerm(k: ArrayLike<number>, gradPhi: Vec3): number {
  return quadraticForm(k, gradPhi) / (6 * Math.PI);
}

/** Eq. 77 as printed: the C_l of f (Eq. 65 convention), l = 0..lmax, C_0 = NaN. */
export function relativeDiffusionClOfDensity(lmax: number, q1: number, model: RelativeScatteringModel): Float64Array {
  if (!(model.nuScalePerPc > 0)) throw new RangeError(`relative diffusion: ν_s must be > 0, got ${model.nuScalePerPc}`);
  const J = powerLawLegendreMoments(lmax, model.p);
  const cl = new Float64Array(lmax + 1);
  cl[0] = NaN;
  for (let l = 1; l <= lmax; l++) cl[l] = (1.5 * q1 * J[l]) / (l * (l + 1) * model.nuScalePerPc);
  return cl;
}

/**
 * Eq. 77 for the relative intensity I = 4πf/φ, the C_l of crsky's maps: 4π K^s_ij g_i g_j J_l /
 * (l(l+1) ν_s), l = 0..lmax, C_0 = NaN. K in pc (e.g. the measured tensor), g = ∇φ/φ in pc⁻¹.
 */
export function relativeDiffusionCl(lmax: number, k: ArrayLike<number>, g: Vec3, model: RelativeScatteringModel): Float64Array {
  // (4π)² (3/2) / (6π) = 4π: Q1 with ∇φ → g, then the (4π/φ)² of I = 4πf/φ.
  const cl = relativeDiffusionClOfDensity(lmax, dipoleSourceTerm(k, g), model);
  for (let l = 1; l <= lmax; l++) cl[l] *= 16 * Math.PI * Math.PI;
  return cl;
}

/** The shape of Eq. 77, C_l / C_1 = 2 J_l / (l(l+1) J_1), l = 0..lmax (index 0 NaN): review Fig. 15's grey lines. */
export function relativeDiffusionClRatio(lmax: number, p: number): Float64Array {
  const J = powerLawLegendreMoments(Math.max(lmax, 1), p);
  const r = new Float64Array(lmax + 1);
  r[0] = NaN;
  for (let l = 1; l <= lmax; l++) r[l] = (2 * J[l]) / (l * (l + 1) * J[1]);
  return r;
}
