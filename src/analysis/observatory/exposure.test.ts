import { describe, expect, it } from 'vitest';
import { ringInfo } from '../healpix.ts';
import { fieldOfView, type Observatory } from './definition.ts';
import { cubeFieldOfView, exposureMap, siderealCube } from './exposure.ts';
import { OBSERVATORY_PRESETS } from './presets.ts';

const DEG = Math.PI / 180;
const NSIDE = 16;

/** Fraction of the sidereal day a direction at declination δ spends within the zenith cut (flat A). */
function dayFraction(obs: Observatory, decRad: number): number {
  const lat = obs.latitudeDeg * DEG;
  const den = Math.cos(lat) * Math.cos(decRad);
  const num = Math.cos(obs.zenithMaxDeg * DEG) - Math.sin(lat) * Math.sin(decRad);
  if (Math.abs(den) < 1e-12) return num < 0 ? 1 : 0;
  const c = num / den;
  return c >= 1 ? 0 : c <= -1 ? 1 : Math.acos(c) / Math.PI;
}

describe('sidereal-day exposure (review Eq. 8–9)', () => {
  for (const name of ['icecube', 'hawc', 'tibet', 'lhaaso-km2a']) {
    const obs = OBSERVATORY_PRESETS[name].observatory;
    const cube = siderealCube(obs, NSIDE, 4 * NSIDE);
    const info = ringInfo(NSIDE);

    it(`${name}: at every step each visible local pixel sees a different equatorial pixel of its own ring`, () => {
      const v = cube.visibleLocal.length;
      expect(cube.cellPixel.length).toBe(v * cube.nTimes);
      const ringOf = new Int32Array(12 * NSIDE * NSIDE);
      for (let r = 0; r < info.nRings; r++) ringOf.fill(r, info.firstPix[r], info.firstPix[r] + info.nPix[r]);
      let repeats = 0, otherRing = 0;
      for (let t = 0; t < cube.nTimes; t++) {
        const seen = new Uint8Array(ringOf.length);
        for (let q = 0; q < v; q++) {
          const a = cube.cellPixel[t * v + q];
          if (seen[a]++) repeats++;
          if (ringOf[a] !== ringOf[cube.visibleLocal[q]]) otherRing++;
        }
      }
      expect(repeats).toBe(0);
      expect(otherRing).toBe(0);
    });

    it(`${name}: the field of view is the band δ1 < δ < δ2 to within a ring`, () => {
      const { decMinDeg, decMaxDeg } = fieldOfView(obs);
      const inFov = new Set(cube.fovRings);
      const spacing = 180 / (4 * NSIDE); // ring spacing in degrees, at most
      for (let r = 0; r < info.nRings; r++) {
        const dec = Math.atan2(info.z[r], info.sinTheta[r]) / DEG;
        if (dec > decMinDeg + 2 * spacing && dec < decMaxDeg - 2 * spacing) expect(inFov.has(r)).toBe(true);
        if (dec < decMinDeg || dec > decMaxDeg) expect(inFov.has(r)).toBe(false);
      }
      const fov = cubeFieldOfView(cube);
      expect(fov.ringDecMinDeg).toBeGreaterThanOrEqual(decMinDeg);
      expect(fov.ringDecMaxDeg).toBeLessThanOrEqual(decMaxDeg);
    });

    it(`${name}: each ring's mean exposure is the fraction of the day within the zenith cut (to one pixel of the ring)`, () => {
      const e = exposureMap(cube);
      for (const r of cube.fovRings) {
        const f = info.firstPix[r], n = info.nPix[r];
        let s = 0;
        for (let p = f; p < f + n; p++) s += e[p];
        const dec = Math.atan2(info.z[r], info.sinTheta[r]);
        // the ring's visible local pixels cover the arc |H| < H0 to within one pixel at each end
        expect(Math.abs(s / n - dayFraction(obs, dec))).toBeLessThanOrEqual(1 / n + 1e-12);
      }
      let outside = 0;
      for (let p = 0; p < e.length; p++) if (!cube.fovMask[p]) outside += e[p];
      expect(outside).toBe(0);
    });
  }

  it('at the South Pole the exposure is exactly constant on every ring (instantaneous FOV = integrated FOV)', () => {
    const cube = siderealCube(OBSERVATORY_PRESETS.icecube.observatory, NSIDE, 37);
    const e = exposureMap(cube);
    const info = ringInfo(NSIDE);
    for (const r of cube.fovRings) for (let p = info.firstPix[r]; p < info.firstPix[r] + info.nPix[r]; p++) expect(e[p]).toBe(1);
  });
});
