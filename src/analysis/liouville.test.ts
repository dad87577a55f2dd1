import { describe, expect, it } from 'vitest';
import { CpuTracker } from '../sim/cpu/tracker.ts';
import { isotropicDirections } from '../sim/launch.ts';
import { uniformField } from '../../test/helpers/fields.ts';
import { diffusionTensor, dipoleDensity, fixedTimeDensity, pixelMeans, relativeIntensity, sphereDensity } from './liouville.ts';

const tracker = new CpuTracker({ threads: 0 });

/** Directions in ± pairs, so their mean is exactly zero as for a full HEALPix sky. */
function pairedDirections(n: number): Float64Array {
  const half = isotropicDirections(n, 'liouville');
  const d = new Float64Array(6 * n);
  d.set(half, 0);
  d.set(half.map((v) => -v), 3 * n);
  return d;
}

describe('Liouville mapping signs', () => {
  it('B = 0 back-tracking gives an exact dipole towards the gradient: I(n) = 1 + n·(T g + 3 K g) to 1e-6', async () => {
    const dirs = pairedDirections(500);
    const T = 300;
    const origin = [1, -2, 3] as const;
    const es = await tracker.track({
      field: uniformField([0, 0, 0]), rigidityPV: 1, chargeSign: -1, origin,
      directions: dirs, stepPc: 1, stop: { timesPc: [T] },
    });
    const g = [2e-4, -1e-4, 3e-4] as const; // ∇φ/φ, pc^-1
    const K = diffusionTensor(40, 10, [0, 0.6, 0.8]); // pc
    const I = relativeIntensity(fixedTimeDensity(es.snapshots[0], origin, g, K));
    const kg = [0, 1, 2].map((i) => K[3 * i] * g[0] + K[3 * i + 1] * g[1] + K[3 * i + 2] * g[2]);
    const amp = [0, 1, 2].map((i) => T * g[i] + 3 * kg[i]);
    for (let i = 0; i < dirs.length / 3; i++) {
      const expected = 1 + dirs[3 * i] * amp[0] + dirs[3 * i + 1] * amp[1] + dirs[3 * i + 2] * amp[2];
      // Straight lines are exact to 1e-12·T, so the only error is round-off: 1e-9 is 1000x tighter than asked.
      expect(Math.abs(I[i] - expected)).toBeLessThan(1e-9);
    }
    // The excess points up the gradient: the brightest direction is along T g + 3 K g.
    let best = 0;
    for (let i = 1; i < I.length; i++) if (I[i] > I[best]) best = i;
    const dot = dirs[3 * best] * amp[0] + dirs[3 * best + 1] * amp[1] + dirs[3 * best + 2] * amp[2];
    expect(dot / Math.hypot(...amp)).toBeGreaterThan(0.99);
  });

  it('B = 0 sphere model gives 1 + R n·g, and the homogeneous dipole 1 + δ·n (arrival direction n = -p̂)', async () => {
    const dirs = pairedDirections(200);
    const es = await tracker.track({
      field: uniformField([0, 0, 0]), rigidityPV: 1, chargeSign: -1, origin: [0, 0, 0],
      directions: dirs, stepPc: 0.7, stop: { timesPc: [50], sphereRadiusPc: 25 },
    });
    const g = [0, 0, 1e-3] as const;
    const fs = sphereDensity(es.sphere!, [0, 0, 0], g);
    const fd = dipoleDensity(es.snapshots[0].directions, [0.01, 0, 0]);
    for (let i = 0; i < dirs.length / 3; i++) {
      expect(fs[i]).toBeCloseTo(1 + 25 * 1e-3 * dirs[3 * i + 2], 12);
      expect(fd[i]).toBeCloseTo(1 + 0.01 * dirs[3 * i], 12);
    }
  });

  it('pixel means skip particles that never reached the sphere and leave empty pixels NaN', () => {
    const m = pixelMeans(new Float64Array([1, 3, NaN, 5, NaN, NaN]), 2);
    expect(m[0]).toBe(2);
    expect(m[1]).toBe(5);
    expect(Number.isNaN(m[2])).toBe(true);
    expect(relativeIntensity(m).slice(0, 2)).toEqual(new Float64Array([2 / 3.5, 5 / 3.5]));
  });
});
