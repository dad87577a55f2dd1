/**
 * The dipole of standard diffusion theory (review Sec. 3.1, Eq. 49-56; docs/physics.md
 * "Theory curves"). Units as everywhere in crsky: time is path length c·t in pc, so scattering
 * rates ν and the gyrofrequency Ω are per pc of path and a diffusion coefficient K = c²/(3ν) is
 * in pc (units of c·pc).
 *
 * The chain: the BGK moment equations (Eq. 50-51) for the density φ and the current Φ, in the
 * quasi-steady limit ∂_t Φ = 0, give Fick's law Φ = −K·∇φ (Eq. 55) with the tensor of Eq. 53;
 * the intensity dipole is δ = −3Φ/φ (Eq. 49), hence δ = 3 K·∇φ/φ (Eq. 56). With n_CR = p²φ at
 * fixed p, ∇ ln n_CR = ∇φ/φ ≡ g, the gradient every crsky routine takes (pc⁻¹).
 *
 * Sign conventions: Ω in Eq. 51 is the vector sign(q)·(c/r_g)·b̂ of the cosmic ray itself (not
 * of the back-tracked antiparticle); it enters K only through the antisymmetric (Hall) part,
 * which therefore flips with the charge. δ points up the gradient, towards the sources.
 */
import type { Vec3 } from '../../config/vec3.ts';
import type { Tensor3 } from '../liouville.ts';

/** Parallel, perpendicular and axial (Hall) diffusion coefficients of Eq. 53, pc. */
export interface DiffusionCoefficients {
  /** K∥ = c²/(3ν∥). */
  readonly parallelPc: number;
  /** K⊥ = c²/(3ν⊥). */
  readonly perpendicularPc: number;
  /** K_A = c²/(3ν_A), the coefficient of ε_ijk b̂_k; its sign follows the charge. */
  readonly axialPc: number;
}

/**
 * Eq. 53 with the BGK rates quoted below it: ν∥ = ν, ν⊥ = ν + Ω²/ν, ν_A = Ω + ν²/Ω, i.e.
 * K∥ = 1/(3ν), K⊥ = ν/(3(ν² + Ω²)), K_A = Ω/(3(ν² + Ω²)) (written so that Ω = 0 is regular).
 * `nuPerPc` > 0 is the relaxation rate, `omegaPerPc` = sign(q)·c/r_g(B0) the signed gyrofrequency.
 */
export function bgkDiffusionCoefficients(nuPerPc: number, omegaPerPc: number): DiffusionCoefficients {
  if (!(nuPerPc > 0)) throw new RangeError(`bgkDiffusionCoefficients: ν must be > 0, got ${nuPerPc}`);
  const d = 3 * (nuPerPc * nuPerPc + omegaPerPc * omegaPerPc);
  return { parallelPc: 1 / (3 * nuPerPc), perpendicularPc: nuPerPc / d, axialPc: omegaPerPc / d };
}

/**
 * The full tensor of Eq. 53, row-major 3×3 in pc:
 * K_ij = K∥ b_i b_j + K⊥ (δ_ij − b_i b_j) + K_A ε_ijk b_k, b a unit vector along B0.
 * With K_A = 0 it equals liouville.ts `diffusionTensor`, the symmetric part a run measures.
 */
export function diffusionTensorWithHall(k: DiffusionCoefficients, b: Vec3): Tensor3 {
  const norm = Math.hypot(b[0], b[1], b[2]);
  if (!(norm > 0)) throw new RangeError('diffusionTensorWithHall: b must be a non-zero vector');
  const u = [b[0] / norm, b[1] / norm, b[2] / norm];
  const t = new Float64Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      t[3 * i + j] = (k.parallelPc - k.perpendicularPc) * u[i] * u[j] + (i === j ? k.perpendicularPc : 0);
    }
  }
  // ε_ijk b_k: (0,1) → +b_z, (1,2) → +b_x, (2,0) → +b_y and antisymmetric.
  t[1] += k.axialPc * u[2];
  t[3] -= k.axialPc * u[2];
  t[5] += k.axialPc * u[0];
  t[7] -= k.axialPc * u[0];
  t[6] += k.axialPc * u[1];
  t[2] -= k.axialPc * u[1];
  return t;
}

/** (K + Kᵀ)/2: the part of K a displacement measurement ⟨Δx_i Δx_j⟩/(2T) sees (Eq. 54). */
export function symmetricPart(k: ArrayLike<number>): Tensor3 {
  const s = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s[3 * i + j] = (k[3 * i + j] + k[3 * j + i]) / 2;
  return s;
}

/** K·v for a row-major 3×3 tensor. */
export function tensorTimesVector(k: ArrayLike<number>, v: Vec3): Vec3 {
  return [
    k[0] * v[0] + k[1] * v[1] + k[2] * v[2],
    k[3] * v[0] + k[4] * v[1] + k[5] * v[2],
    k[6] * v[0] + k[7] * v[1] + k[8] * v[2],
  ];
}

/** Fick's law, Eq. 55, per unit density: Φ/φ = −K·g (g = ∇φ/φ, pc⁻¹; Φ/φ dimensionless). */
export function fickCurrent(k: ArrayLike<number>, g: Vec3): Vec3 {
  const kg = tensorTimesVector(k, g);
  return [-kg[0], -kg[1], -kg[2]];
}

/** Eq. 49: the intensity dipole of a current, δ = −3 Φ/φ (arrival directions are −p̂). */
export function dipoleFromCurrent(currentOverDensity: Vec3): Vec3 {
  return [-3 * currentOverDensity[0], -3 * currentOverDensity[1], -3 * currentOverDensity[2]];
}

/**
 * Eq. 56, the standard-diffusion dipole δ = 3 K·∇ln n_CR = 3 K·g (dimensionless; K in pc,
 * g in pc⁻¹). Any K: isotropic, the symmetric form of liouville.ts, or Eq. 53 with its Hall part.
 */
export function standardDiffusionDipole(k: ArrayLike<number>, g: Vec3): Vec3 {
  return dipoleFromCurrent(fickCurrent(k, g));
}
