import { afterAll, describe, expect, it } from 'vitest';
import { randomModeField } from '../../../test/helpers/fields.ts';
import { spiralDirections, useWebGpuTracker } from '../../../test/helpers/webgpu.ts';
import { runningDiffusion } from '../../analysis/diffusion.ts';
import { gyroradiusPc } from '../../config/units.ts';
import { createCpuTracker } from '../node/cpu.ts';
import type { TrackJob } from '../types.ts';

// The cheap version of scripts/validate-webgpu.ts (whose results are in docs/webgpu.md):
// 512 particles, 64 modes, 3000 steps (about 24 gyrations, 11 L_c of path).
const field = randomModeField([0, 0, 1], 64, 1, (2 * Math.PI) / 100, (2 * Math.PI) / 1, 11);
const rigidityPV = 2;
const rg = gyroradiusPc(rigidityPV, Math.SQRT2);
const h = rg / 20;
const job: TrackJob = {
  field,
  rigidityPV,
  chargeSign: -1,
  origin: [0, 0, 0],
  directions: spiralDirections(512),
  stepPc: h,
  stop: { timesPc: [1000 * h, 3000 * h] },
};

const webgpu = useWebGpuTracker();
const cpu = createCpuTracker();
afterAll(() => cpu.dispose());

describe('webgpu statistics agree with the cpu tracker', () => {
  // After a few gyrations the two backends' trajectories decorrelate (chaos amplifies the f32
  // round-off), so they are two samples of the same statistics. The running diffusion
  // coefficients <Δx²>/2t must agree within 3σ of the difference, σ from the particle scatter
  // of each (runningDiffusion's standard errors).
  it('running D_parallel and D_perpendicular agree within 3 sigma at 1000 and 3000 steps', async () => {
    const [a, b] = [await webgpu().track(job), await cpu.track(job)];
    const da = runningDiffusion([{ start: [0, 0, 0], snapshots: a.snapshots }], [0, 0, 1]);
    const db = runningDiffusion([{ start: [0, 0, 0], snapshots: b.snapshots }], [0, 0, 1]);
    for (let k = 0; k < 2; k++) {
      const par = Math.hypot(da[k].parallelErrPc, db[k].parallelErrPc);
      const perp = Math.hypot(da[k].perpendicularErrPc, db[k].perpendicularErrPc);
      expect(Math.abs(da[k].parallelPc - db[k].parallelPc)).toBeLessThan(3 * par);
      expect(Math.abs(da[k].perpendicularPc - db[k].perpendicularPc)).toBeLessThan(3 * perp);
      // the errors are small enough to mean something: a few per cent of D
      expect(par).toBeLessThan(0.15 * db[k].parallelPc);
    }
  });
});
