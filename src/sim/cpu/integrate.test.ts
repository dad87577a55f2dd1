import { describe, expect, it } from 'vitest';
import { gyroradiusPc } from '../../config/units.ts';
import { uniformField } from '../../../test/helpers/fields.ts';
import { CpuTracker } from './tracker.ts';
import { createCpuTracker } from '../node/cpu.ts';
import { spiralDirections } from '../launch.ts';

describe('cpu tracker, uniform field', () => {
  it('gyration radius equals r_g to 1e-9 and the phase lags by the Boris theory after 1000 turns (h = r_g/100)', async () => {
    const rigidityPV = 1;
    const rg = gyroradiusPc(rigidityPV, 1);
    // An integer number of steps, so no shortened last step enters the expected phase.
    const nSteps = Math.round((1000 * 2 * Math.PI * rg) / (rg / 100));
    const h = (1000 * 2 * Math.PI * rg) / nSteps;
    const tracker = new CpuTracker({ threads: 0 });
    const es = await tracker.track({
      field: uniformField([0, 0, 1]),
      rigidityPV,
      chargeSign: 1,
      origin: [0, 0, 0],
      directions: new Float64Array([1, 0, 0]),
      stepPc: h,
      stop: { timesPc: [nSteps * h] },
    });
    const p = es.snapshots[0].positions;
    const u = es.snapshots[0].directions;
    // u0 = x̂, B = ẑ, positive charge: du/ds = u × B / r_g turns x̂ towards -ŷ; centre at (0, -r_g, 0).
    const radius = Math.hypot(p[0], p[1] + rg);
    expect(Math.abs(radius / rg - 1)).toBeLessThan(1e-9);
    // Each step turns by 2 atan(h / 2 r_g) instead of h / r_g: the particle is behind by the sum.
    const lag = nSteps * (h / rg - 2 * Math.atan(h / (2 * rg)));
    expect(lag).toBeCloseTo(0.05236, 5);
    const phase = Math.atan2(u[1], u[0]); // 0 for the exact solution; behind means positive here
    expect(Math.abs(phase - lag)).toBeLessThan(1e-9);
    await tracker.dispose();
  });

  it('worker threads give bitwise the same end states as the calling thread', async () => {
    const dirs = spiralDirections(50);
    const job = {
      field: uniformField([0.3, -0.2, 1]),
      rigidityPV: 0.5,
      chargeSign: -1 as const,
      origin: [1, 2, 3] as const,
      directions: dirs,
      stepPc: 0.01,
      stop: { timesPc: [1.234, 5], sphereRadiusPc: 2 },
    };
    const a = new CpuTracker({ threads: 0 });
    const b = createCpuTracker({ threads: 2 });
    const ra = await a.track(job);
    const rb = await b.track(job);
    expect(rb.snapshots[1].positions).toEqual(ra.snapshots[1].positions);
    expect(rb.sphere!.timesPc).toEqual(ra.sphere!.timesPc);
    expect(rb.particleSteps).toBe(ra.particleSteps);
    await a.dispose();
    await b.dispose();
  });
});
