import { describe, expect, it } from 'vitest';
import { pixelCentres } from '../healpix.ts';
import { legendreP } from './coupling.ts';
import { fieldOfView } from './definition.ts';
import { cubeFieldOfView, siderealCube } from './exposure.ts';
import { OBSERVATORY_PRESETS } from './presets.ts';
import { declinationAverageFactor, raProjectionDipole } from './raProjection.ts';

const DEG = Math.PI / 180;

/** Eq. 24 for I = 1 + A1 cos δ cos(α − α1) by quadrature: Gauss–Legendre in δ (ds = cos δ dδ), equal steps in α. */
function eq24ByQuadrature(d1: number, d2: number, a1: number, alpha1: number): { amp: number; phase: number } {
  const n = 40, na = 64;
  let re = 0, im = 0;
  const s1 = Math.sin(d1), s2 = Math.sin(d2);
  for (let i = 0; i < n; i++) {
    // Gauss–Legendre node on [−1, 1] by Newton from the Chebyshev guess
    let t = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    for (let it = 0; it < 50; it++) {
      const p = legendreP(n, t);
      t -= p[n] / ((n * (t * p[n] - p[n - 1])) / (t * t - 1));
    }
    const p = legendreP(n, t);
    const dp = (n * (t * p[n] - p[n - 1])) / (t * t - 1);
    const w = ((d2 - d1) / 2) * (2 / ((1 - t * t) * dp * dp));
    const dec = ((d2 - d1) / 2) * t + (d2 + d1) / 2;
    for (let k = 0; k < na; k++) {
      const a = (2 * Math.PI * k) / na;
      const v = (1 + a1 * Math.cos(dec) * Math.cos(a - alpha1)) * Math.cos(dec) * w * ((2 * Math.PI) / na);
      re += v * Math.cos(a);
      im += v * Math.sin(a);
    }
  }
  re /= Math.PI * (s2 - s1);
  im /= Math.PI * (s2 - s1);
  return { amp: Math.hypot(re, im), phase: Math.atan2(im, re) };
}

describe('right-ascension projection of the dipole (review Eq. 24–25)', () => {
  for (const [d1, d2] of [[-26, 64], [-90, -25], [-15, 75], [10, 20], [-90, 90]]) {
    it(`band ${d1}° < δ < ${d2}°: Eq. 25 equals Eq. 24 integrated numerically for a pure dipole (1e-13), phase exact`, () => {
      const q = eq24ByQuadrature(d1 * DEG, d2 * DEG, 1e-3, 1.1);
      expect(Math.abs(q.amp / 1e-3 - declinationAverageFactor(d1, d2))).toBeLessThan(1e-13);
      expect(Math.abs(q.phase - 1.1)).toBeLessThan(1e-12);
    });
  }

  it('the full sky gives Ã1 = (π/4) A1 (the average of cos δ over s)', () => {
    expect(declinationAverageFactor(-90, 90)).toBeCloseTo(Math.PI / 4, 15);
  });

  for (const name of Object.keys(OBSERVATORY_PRESETS)) {
    it(`${name}: a pure equatorial dipole comes back as Ã1 = factor · A1 with the right phase, and A1 after rescaling (1e-13)`, () => {
      const nside = 16;
      const cube = siderealCube(OBSERVATORY_PRESETS[name].observatory, nside, 4 * nside);
      const c = pixelCentres(nside);
      const a1 = 7e-4, alpha1 = 4.0;
      const map = Float64Array.from({ length: 12 * nside * nside }, (_, p) => 1 + a1 * (Math.cos(alpha1) * c[3 * p] + Math.sin(alpha1) * c[3 * p + 1]));
      const r = raProjectionDipole(map, cube.fovMask);
      expect(Math.abs(r.a1Projected / (r.factor * a1) - 1)).toBeLessThan(1e-13);
      expect(Math.abs(r.a1 / a1 - 1)).toBeLessThan(1e-13);
      expect(Math.abs(r.alpha1Deg - alpha1 / DEG)).toBeLessThan(1e-10);
      // the pixel factor is Eq. 25 on the area-equivalent band of the rings, to the ring quadrature
      // (~ (Δz)², 5e-4 at N_side 16), and Eq. 25 on the nominal δ1, δ2 to within a ring of either edge
      const band = cubeFieldOfView(cube);
      expect(Math.abs(r.factor / declinationAverageFactor(band.bandDecMinDeg, band.bandDecMaxDeg) - 1)).toBeLessThan(5e-4);
      const { decMinDeg, decMaxDeg } = fieldOfView(OBSERVATORY_PRESETS[name].observatory);
      const h = 180 / (4 * nside);
      const bounds = [-1, 1].flatMap((u) => [-1, 1].map((v) => declinationAverageFactor(Math.max(-90, decMinDeg + u * h), Math.min(90, decMaxDeg + v * h))));
      expect(r.factor).toBeGreaterThanOrEqual(Math.min(...bounds) - 1e-12);
      expect(r.factor).toBeLessThanOrEqual(Math.max(...bounds) + 1e-12);
    });
  }
});
