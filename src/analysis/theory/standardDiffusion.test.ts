import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../config/vec3.ts';
import { dipoleFromMap } from '../dipole.ts';
import { nside2npix, pixelCentres } from '../healpix.ts';
import { diffusionTensor, fixedTimeDensity, pixelMeans, relativeIntensity } from '../liouville.ts';
import {
  bgkDiffusionCoefficients,
  diffusionTensorWithHall,
  dipoleFromCurrent,
  fickCurrent,
  standardDiffusionDipole,
  symmetricPart,
  tensorTimesVector,
} from './standardDiffusion.ts';

const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const norm = (a: Vec3): number => Math.hypot(a[0], a[1], a[2]);
const unit = (a: Vec3): Vec3 => [a[0] / norm(a), a[1] / norm(a), a[2] / norm(a)];

/** Cramer's rule for a 3×3 row-major system, independent of the code under test. */
function solve3(m: number[], r: Vec3): Vec3 {
  const det = (a: number[]): number =>
    a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
  const d = det(m);
  const col = (k: number): number[] => m.map((v, i) => (i % 3 === k ? r[Math.floor(i / 3)] : v));
  return [det(col(0)) / d, det(col(1)) / d, det(col(2)) / d];
}

describe('standard-diffusion dipole, review Eq. 49-56', () => {
  const g: Vec3 = [2e-4, -1e-4, 3e-4]; // ∇φ/φ, pc⁻¹
  const b = unit([0.3, -0.5, 0.8]);

  it('isotropic K = κ·1 gives δ = 3κ g (1e-15 relative: one multiply-add per component)', () => {
    const kappa = 7.5;
    const d = standardDiffusionDipole(diffusionTensor(kappa, kappa, null), g);
    for (let i = 0; i < 3; i++) expect(Math.abs(d[i] - 3 * kappa * g[i])).toBeLessThan(1e-15 * 3 * kappa * norm(g));
  });

  it('a gradient along B0 sees only K∥ (δ = 3K∥ g), whatever K⊥ and the Hall term (1e-15 relative)', () => {
    const k = { parallelPc: 40, perpendicularPc: 3, axialPc: -11 };
    const gPar: Vec3 = [5e-4 * b[0], 5e-4 * b[1], 5e-4 * b[2]];
    const d = standardDiffusionDipole(diffusionTensorWithHall(k, b), gPar);
    for (let i = 0; i < 3; i++) expect(Math.abs(d[i] - 3 * 40 * gPar[i])).toBeLessThan(1e-14 * 3 * 40 * 5e-4);
  });

  it('a gradient across B0 gives δ = 3K⊥ g + 3K_A g × b̂ (Eq. 53: the Hall part turns δ about B0)', () => {
    const k = { parallelPc: 40, perpendicularPc: 3, axialPc: -11 };
    const gPerp = cross(b, [1, 0, 0]); // ⟂ b̂
    const d = standardDiffusionDipole(diffusionTensorWithHall(k, b), gPerp);
    const gxb = cross(gPerp, b);
    for (let i = 0; i < 3; i++) {
      const expected = 3 * k.perpendicularPc * gPerp[i] + 3 * k.axialPc * gxb[i];
      expect(Math.abs(d[i] - expected)).toBeLessThan(1e-14 * 3 * 40 * norm(gPerp));
    }
    // and the measured (symmetric) part of K drops the Hall term: δ ∥ g again
    const ds = standardDiffusionDipole(symmetricPart(diffusionTensorWithHall(k, b)), gPerp);
    for (let i = 0; i < 3; i++) expect(Math.abs(ds[i] - 3 * k.perpendicularPc * gPerp[i])).toBeLessThan(1e-14 * 3 * 40 * norm(gPerp));
  });

  it('Fick\'s law is the steady state of Eq. 51: (ν + Ω×)Φ = −∇φ/3, solved independently (1e-12 relative)', () => {
    // Ω = sign(q) c/r_g b̂; both charges and a strongly and a weakly magnetized case.
    for (const [nu, omega] of [[0.3, 2.5], [0.3, -2.5], [4, 0.7], [1, 0]] as const) {
      const K = diffusionTensorWithHall(bgkDiffusionCoefficients(nu, omega), b);
      const O: Vec3 = [omega * b[0], omega * b[1], omega * b[2]];
      // M Φ = νΦ + Ω × Φ, row-major
      const m = [nu, -O[2], O[1], O[2], nu, -O[0], -O[1], O[0], nu];
      const phi = solve3(m, [-g[0] / 3, -g[1] / 3, -g[2] / 3]);
      const fick = fickCurrent(K, g);
      for (let i = 0; i < 3; i++) expect(Math.abs(fick[i] - phi[i])).toBeLessThan(1e-12 * norm(g) / nu);
      // Eq. 49 then gives Eq. 56
      const d = dipoleFromCurrent(phi);
      const d56 = standardDiffusionDipole(K, g);
      for (let i = 0; i < 3; i++) expect(Math.abs(d[i] - d56[i])).toBeLessThan(1e-12 * norm(g) / nu);
    }
  });

  it('Eq. 53 with the BGK rates is the Green-Kubo integral of a gyrating, exponentially decorrelating velocity (1e-8)', () => {
    // A cosmic ray of charge sign s gyrates as du/dt = s·u × b̂/r_g (crsky's equation of motion,
    // docs/physics.md) while BGK scattering damps its mean velocity as e^{-νt}; then
    // K_ij = ∫_0^∞ ⟨u_i(t) u_j(0)⟩ dt = (1/3) ∫_0^∞ e^{-νt} R_ij(t) dt, R(t) the gyration.
    // RK4 on (u, ∫e^{-νt}u dt) for the three basis vectors, h = 2e-3: error ~1e-11, far below 1e-8.
    for (const s of [1, -1]) {
      const rg = 0.8;
      const nu = 0.35;
      const h = 2e-3;
      const steps = Math.ceil(45 / nu / h); // e^{-45}: truncation negligible
      const gk = new Float64Array(9);
      for (let j = 0; j < 3; j++) {
        const y = new Float64Array(6); // u, integral
        y[j] = 1;
        const f = (t: number, z: Float64Array): Float64Array => {
          const u: Vec3 = [z[0], z[1], z[2]];
          const du = cross(u, b);
          const w = Math.exp(-nu * t);
          return Float64Array.from([(s * du[0]) / rg, (s * du[1]) / rg, (s * du[2]) / rg, w * u[0], w * u[1], w * u[2]]);
        };
        for (let n = 0; n < steps; n++) {
          const t = n * h;
          const k1 = f(t, y);
          const k2 = f(t + h / 2, y.map((v, i) => v + (h / 2) * k1[i]));
          const k3 = f(t + h / 2, y.map((v, i) => v + (h / 2) * k2[i]));
          const k4 = f(t + h, y.map((v, i) => v + h * k3[i]));
          for (let i = 0; i < 6; i++) y[i] += (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        }
        for (let i = 0; i < 3; i++) gk[3 * i + j] = y[3 + i] / 3;
      }
      const K = diffusionTensorWithHall(bgkDiffusionCoefficients(nu, s / rg), b);
      for (let i = 0; i < 9; i++) expect(Math.abs(gk[i] - K[i])).toBeLessThan(1e-8 * K[0]);
    }
  });

  it('when Ω ≫ ν the dipole aligns with B0: its part across B0 is 3K∥|g⊥| ν/√(ν² + Ω²) (1e-12)', () => {
    const nu = 1e-3;
    const omega = 1;
    const c = bgkDiffusionCoefficients(nu, omega);
    const d = standardDiffusionDipole(diffusionTensorWithHall(c, b), g);
    const along = dot(d, b);
    expect(Math.abs(along - 3 * c.parallelPc * dot(g, b))).toBeLessThan(1e-12 * 3 * c.parallelPc * norm(g));
    const gPerp = norm(cross(b, g)); // |g⊥| = |b̂ × g|
    const dPerp = norm(cross(b, d));
    expect(Math.abs(dPerp - (3 * c.parallelPc * gPerp * nu) / Math.hypot(nu, omega))).toBeLessThan(1e-12 * 3 * c.parallelPc * gPerp);
  });

  it('B = 0 back-tracking (straight lines) gives the pinned I = 1 + n·(T g + 3K g): its T-independent part is Eq. 56', () => {
    // The project's B = 0 result (liouville.test.ts) built from straight-line end states on a
    // HEALPix sky: the fitted dipole minus the gradient term T g is the Fick dipole 3 K g.
    const nside = 8;
    const npix = nside2npix(nside);
    const dirs = pixelCentres(nside);
    const T = 250;
    const origin: Vec3 = [1, -2, 3];
    const positions = Float64Array.from({ length: 3 * npix }, (_, i) => origin[i % 3] + T * dirs[i]);
    const K = diffusionTensor(40, 10, [0, 0.6, 0.8]);
    const I = relativeIntensity(pixelMeans(fixedTimeDensity({ timePc: T, positions, directions: dirs }, origin, g, K), 1));
    const fit = dipoleFromMap(I, { relative: true });
    const expected = standardDiffusionDipole(K, g);
    const kg = tensorTimesVector(K, g);
    for (let i = 0; i < 3; i++) expect(3 * kg[i]).toBeCloseTo(expected[i], 15);
    // The least-squares dipole of an exact l ≤ 1 map is exact to rounding (dipole.test.ts): 1e-13.
    for (let i = 0; i < 3; i++) expect(Math.abs(fit.vector[i] - T * g[i] - expected[i])).toBeLessThan(1e-13);
  });
});
