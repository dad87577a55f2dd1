import { describe, expect, it } from 'vitest';
import { gyroradiusPc } from '../../config/units.ts';
import { randomModeField, uniformField } from '../../../test/helpers/fields.ts';
import type { TrackJob } from '../types.ts';
import { CpuTracker } from './tracker.ts';
import { spiralDirections } from '../launch.ts';

const tracker = new CpuTracker({ threads: 0 });

// Turbulence with L_c of order 10 pc (band 1..100 pc), B_rms = 1 uG, B0 = 1 uG along z.
const field = randomModeField([0, 0, 1], 64, 1, (2 * Math.PI) / 100, (2 * Math.PI) / 1, 7);
const rigidityPV = 2; // r_g ≈ 1.5 pc in |B| ≈ 1.4 uG
const h = gyroradiusPc(rigidityPV, Math.SQRT2) / 20;


describe('cpu tracker conservation and exact solutions', () => {
  it('|u| = 1 to 1e-12 after 1e6 steps in turbulence', async () => {
    const nSteps = 1_000_000;
    const es = await tracker.track({
      field, rigidityPV, chargeSign: -1, origin: [0, 0, 0],
      directions: new Float64Array([0.6, 0, 0.8]), stepPc: h, stop: { timesPc: [nSteps * h] },
    });
    expect(es.particleSteps).toBe(nSteps);
    const u = es.snapshots[0].directions;
    // Boris rotations are orthogonal up to round-off (~1e-16 per step, random walk ~1e-13).
    expect(Math.abs(Math.hypot(u[0], u[1], u[2]) - 1)).toBeLessThan(1e-12);
  });

  it('time reversal: N steps forward, flip (u, charge), N steps back returns to the start within 1e-9 pc', async () => {
    // Trajectories in turbulence are chaotic: round-off (1e-16) grows by e every ~6 pc of path in
    // this field (measured: 2e-12 pc after 1000 steps, 1e-6 pc after 2000). 1000 steps = 8
    // gyrations keeps the amplified round-off well below the 1e-9 pc tolerance.
    const nSteps = 1000;
    const T = nSteps * h;
    const start: [number, number, number] = [3, -2, 5];
    const dirs = spiralDirections(8);
    const fwd = await tracker.track({ field, rigidityPV, chargeSign: -1, origin: start, directions: dirs, stepPc: h, stop: { timesPc: [T] } });
    const end = fwd.snapshots[0];
    for (let i = 0; i < 8; i++) {
      const back = await tracker.track({
        field, rigidityPV, chargeSign: 1,
        origin: [end.positions[3 * i], end.positions[3 * i + 1], end.positions[3 * i + 2]],
        directions: new Float64Array([-end.directions[3 * i], -end.directions[3 * i + 1], -end.directions[3 * i + 2]]),
        stepPc: h, stop: { timesPc: [T] },
      });
      const p = back.snapshots[0].positions;
      const u = back.snapshots[0].directions;
      expect(Math.hypot(p[0] - start[0], p[1] - start[1], p[2] - start[2])).toBeLessThan(1e-9);
      expect(Math.hypot(u[0] + dirs[3 * i], u[1] + dirs[3 * i + 1], u[2] + dirs[3 * i + 2])).toBeLessThan(1e-9);
    }
  });

  it('B = 0 gives straight lines: x(T) = x0 + T u0 to 1e-12 relative', async () => {
    const dirs = spiralDirections(20);
    const es = await tracker.track({
      field: uniformField([0, 0, 0]), rigidityPV: 1, chargeSign: -1, origin: [1, 2, 3],
      directions: dirs, stepPc: 0.37, stop: { timesPc: [10, 123.456] },
    });
    for (const snap of es.snapshots) {
      for (let i = 0; i < 20; i++) {
        for (let c = 0; c < 3; c++) {
          const expected = [1, 2, 3][c] + snap.timePc * dirs[3 * i + c];
          expect(Math.abs(snap.positions[3 * i + c] - expected)).toBeLessThan(1e-12 * snap.timePc);
          expect(snap.directions[3 * i + c]).toBe(dirs[3 * i + c]);
        }
      }
    }
  });

  it('sphere crossing points lie on the sphere (1e-12 relative) and before the first step beyond it', async () => {
    const R = 25;
    const origin: [number, number, number] = [10, -4, 2];
    const dirs = spiralDirections(64);
    const job: TrackJob = {
      field, rigidityPV, chargeSign: -1, origin, directions: dirs, stepPc: h,
      stop: { timesPc: [], sphereRadiusPc: R, maxTimePc: 1e5 },
    };
    const es = await tracker.track(job);
    const s = es.sphere!;
    for (let i = 0; i < 64; i++) {
      const r = Math.hypot(s.positions[3 * i] - origin[0], s.positions[3 * i + 1] - origin[1], s.positions[3 * i + 2] - origin[2]);
      expect(Math.abs(r / R - 1)).toBeLessThan(1e-12);
      expect(s.timesPc[i]).toBeGreaterThanOrEqual(R); // a path from the centre is at least R long
      expect(Math.hypot(s.directions[3 * i], s.directions[3 * i + 1], s.directions[3 * i + 2])).toBeCloseTo(1, 12);
    }
    // Stopping at the crossing: each particle took about t/h steps, not maxTime/h.
    let expectedSteps = 0;
    for (let i = 0; i < 64; i++) expectedSteps += Math.ceil(s.timesPc[i] / h);
    expect(Math.abs(es.particleSteps - expectedSteps)).toBeLessThanOrEqual(64);
  });

  it('with B = 0 the crossing is the launch direction times R', async () => {
    const dirs = spiralDirections(10);
    const es = await tracker.track({
      field: uniformField([0, 0, 0]), rigidityPV: 1, chargeSign: 1, origin: [0, 0, 0],
      directions: dirs, stepPc: 0.3, stop: { timesPc: [], sphereRadiusPc: 7, maxTimePc: 100 },
    });
    for (let i = 0; i < 30; i++) expect(es.sphere!.positions[i]).toBeCloseTo(7 * dirs[i], 12);
    for (let i = 0; i < 10; i++) expect(es.sphere!.timesPc[i]).toBeCloseTo(7, 12);
  });
});
