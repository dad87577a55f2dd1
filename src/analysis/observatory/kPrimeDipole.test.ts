import { describe, expect, it } from 'vitest';
import { pixelCentres } from '../healpix.ts';
import { cubeFieldOfView, siderealCube } from './exposure.ts';
import { kPrime1111, kPrimeDipole } from './kPrimeDipole.ts';
import { OBSERVATORY_PRESETS } from './presets.ts';

const DEG = Math.PI / 180;
const NSIDE = 16;
const C = pixelCentres(NSIDE);

function sky(f: (x: number, y: number, z: number) => number): Float64Array {
  return Float64Array.from({ length: 12 * NSIDE * NSIDE }, (_, p) => f(C[3 * p], C[3 * p + 1], C[3 * p + 2]));
}

describe('K′-corrected dipole (review Eq. 27–28)', () => {
  it('Eq. 27 on the full sky is 1 (K′ is the identity there) and on a hemisphere 1/2', () => {
    expect(kPrime1111(-90, 90)).toBeCloseTo(1, 15);
    expect(kPrime1111(0, 90)).toBeCloseTo(0.5, 15);
  });

  for (const name of Object.keys(OBSERVATORY_PRESETS)) {
    it(`${name}: a pure dipole gives back δ_0h, δ_6h exactly (1e-12 relative), whatever its δ_N and any m ≠ ±1 terms`, () => {
      const cube = siderealCube(OBSERVATORY_PRESETS[name].observatory, NSIDE, 4 * NSIDE);
      const d = [6e-4, -3e-4];
      // δ_N, an l = 2, m = 2 and an l = 3, m = 0 term are invisible to a_11 on whole rings
      const map = sky((x, y, z) => 1 + d[0] * x + d[1] * y + 4e-4 * z + 2e-4 * (x * x - y * y) + 1e-4 * (5 * z * z * z - 3 * z));
      const r = kPrimeDipole(map, cube.fovMask);
      expect(Math.abs(r.d0h - d[0])).toBeLessThan(1e-12 * Math.hypot(d[0], d[1]));
      expect(Math.abs(r.d6h - d[1])).toBeLessThan(1e-12 * Math.hypot(d[0], d[1]));
      expect(Math.abs(r.alpha1Deg - ((Math.atan2(d[1], d[0]) / DEG + 360) % 360))).toBeLessThan(1e-8);
      // K′ as the pixel sum is Eq. 27 on the rings' area-equivalent band to the ring quadrature (~ (Δz)², 5e-4 at N_side 16)
      const band = cubeFieldOfView(cube);
      expect(Math.abs(r.kPrime / kPrime1111(band.bandDecMinDeg, band.bandDecMaxDeg) - 1)).toBeLessThan(5e-4);
    });
  }

  it('an l = 2, m = 1 term leaks into the dipole on a cut sky (the cross talk the review warns about) but not on the full sky', () => {
    const quad = sky((x, _y, z) => 1 + 1e-3 * x * z); // Re Y_21 ∝ x z
    const cut = siderealCube(OBSERVATORY_PRESETS.hawc.observatory, NSIDE, 4 * NSIDE);
    expect(kPrimeDipole(quad, cut.fovMask).a1).toBeGreaterThan(1e-5);
    const full = new Uint8Array(quad.length).fill(1);
    expect(kPrimeDipole(quad, full).a1).toBeLessThan(1e-17);
  });
});
