import { describe, expect, it } from 'vitest';
import { pixelCentres } from '../healpix.ts';
import type { Observatory } from './definition.ts';
import { eastWestDipole, eastWestStep } from './eastWest.ts';
import { expectedCounts } from './events.ts';
import { siderealCube } from './exposure.ts';
import { OBSERVATORY_PRESETS } from './presets.ts';

const DEG = Math.PI / 180;

function dipoleSky(nside: number, d: readonly number[]): Float64Array {
  const c = pixelCentres(nside);
  return Float64Array.from({ length: 12 * nside * nside }, (_, p) => 1 + d[0] * c[3 * p] + d[1] * c[3 * p + 1] + d[2] * c[3 * p + 2]);
}

/** Eq. 23 as the double integral over φ ∈ (0, π) and θ < θ_max by the midpoint rule. */
function eq23Midpoint(obs: Observatory, accept: (t: number) => number): number {
  const n = 4000, nPhi = 2000, tmax = obs.zenithMaxDeg * DEG;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const t = ((i + 0.5) * tmax) / n;
    for (let j = 0; j < nPhi; j++) {
      const ph = ((j + 0.5) * Math.PI) / nPhi;
      num += Math.sin(t) * accept(t) * Math.sin(t) * Math.sin(ph);
      den += Math.sin(t) * accept(t);
    }
  }
  return num / den;
}

describe('East–West method (review Eq. 20–23)', () => {
  it('Eq. 23 for a flat acceptance is (θm − sin θm cos θm)/(π (1 − cos θm)) (Simpson, 1e-12)', () => {
    for (const name of ['hawc', 'icecube', 'icetop']) {
      const obs = OBSERVATORY_PRESETS[name].observatory;
      const tm = obs.zenithMaxDeg * DEG;
      expect(Math.abs(eastWestStep(obs) - (tm - Math.sin(tm) * Math.cos(tm)) / (Math.PI * (1 - Math.cos(tm))))).toBeLessThan(1e-12);
    }
  });

  it('Eq. 23 for a tabulated acceptance equals its double integral (midpoint rule 4000 × 2000, whose own error is ~1e-7; 1e-6)', () => {
    const obs: Observatory = { name: 't', latitudeDeg: 30, zenithMaxDeg: 50, acceptance: { kind: 'table', zenithDeg: [0, 30, 60], value: [1, 0.7, 0.1] } };
    const accept = (t: number) => (t / DEG <= 30 ? 1 - (0.3 * t) / (30 * DEG) : 0.7 - (0.6 * (t / DEG - 30)) / 30);
    expect(Math.abs(eastWestStep(obs, 20000) - eq23Midpoint(obs, accept))).toBeLessThan(1e-6);
  });

  for (const name of Object.keys(OBSERVATORY_PRESETS)) {
    it(`${name}: a pure dipole gives A1 and α1 of its equatorial part, to the pixelization (errors shrink with the pixel size)`, () => {
      // small δ, so that the O(δ) terms the method neglects (1e-5 relative here) stay below the pixelization
      const d = [6e-6 * Math.cos(2.2), 6e-6 * Math.sin(2.2), 8e-6];
      const err = [8, 16].map((nside) => {
        const cube = siderealCube(OBSERVATORY_PRESETS[name].observatory, nside, 4 * nside);
        const ew = eastWestDipole(cube, expectedCounts(cube, dipoleSky(nside, d), 1e9));
        return { amp: Math.abs(ew.a1 / 6e-6 - 1), phase: Math.abs(ew.alpha1Deg - 2.2 / DEG) };
      });
      // measured at N_side 16: amplitude ≤ 8e-4, phase ≤ 0.36° (a tenth of a pixel)
      expect(err[1].amp).toBeLessThan(1.5e-3);
      expect(err[1].phase).toBeLessThan(0.5);
      expect(err[1].amp).toBeLessThan(err[0].amp / 2);
      expect(err[1].phase).toBeLessThan(err[0].phase);
    });
  }

  it('a dipole along the Earth\'s axis is invisible (A1 < 1e-15), and the East–West ratio ignores the exposure E(t) (1e-15)', () => {
    const nside = 8;
    const cube = siderealCube(OBSERVATORY_PRESETS.tibet.observatory, nside, 4 * nside);
    expect(eastWestDipole(cube, expectedCounts(cube, dipoleSky(nside, [0, 0, 5e-3]), 1e9)).a1).toBeLessThan(1e-15);
    const mu = expectedCounts(cube, dipoleSky(nside, [1e-3, -4e-4, 2e-4]), 1e9);
    const v = cube.visibleLocal.length;
    const uptime = Float64Array.from(mu, (x, c) => x * (1 + 0.4 * Math.sin((3 * 2 * Math.PI * Math.floor(c / v)) / cube.nTimes)));
    const a = eastWestDipole(cube, mu), b = eastWestDipole(cube, uptime);
    for (let t = 0; t < cube.nTimes; t++) expect(Math.abs(a.ratio[t] - b.ratio[t])).toBeLessThan(1e-15);
    // only Δα, estimated from the day's events, moves, at second order (δ × the uptime variation)
    expect(Math.abs(b.a1 / a.a1 - 1)).toBeLessThan(1e-5);
  });
});
