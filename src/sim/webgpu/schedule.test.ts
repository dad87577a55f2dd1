import { describe, expect, it } from 'vitest';
import { uniformField } from '../../../test/helpers/fields.ts';
import { CpuTracker } from '../cpu/tracker.ts';
import { buildSchedule, stepStartPc } from './schedule.ts';

describe('webgpu time line (host side, no GPU)', () => {
  it('takes exactly the CPU integrator\'s steps for awkward snapshot times (exact integer count)', async () => {
    // Times that are (or look like) multiples of h, intervals shorter than h, and a maxTimePc
    // beyond the last snapshot: the landing rule t + h >= T (1 - 1e-14) decides every case.
    const h = 0.1;
    const stop = { timesPc: [0.05, 0.3, 0.7000000000000001, 0.71, 1.0, 2.9999999999999996], maxTimePc: 3.25 };
    const cpu = new CpuTracker({ threads: 0 });
    const end = await cpu.track({
      field: uniformField([0, 0, 1]), rigidityPV: 1, chargeSign: 1, origin: [0, 0, 0],
      directions: new Float64Array([1, 0, 0]), stepPc: h, stop,
    });
    await cpu.dispose();
    const s = buildSchedule(stop, h);
    expect(s.totalSteps).toBe(end.particleSteps);
    expect(s.intervals.map((iv) => iv.endPc)).toEqual([...stop.timesPc, 3.25]);
    // the landing steps end exactly on T_k
    for (const iv of s.intervals) expect(stepStartPc(s, iv.firstStep + iv.fullSteps) + iv.landingStepPc).toBe(iv.endPc);
  });

  it('stops crossed particles from the last snapshot landing on, or at once without snapshots', () => {
    const withTimes = buildSchedule({ timesPc: [0.25, 1], sphereRadiusPc: 1, maxTimePc: 5 }, 0.1);
    const last = withTimes.intervals[1];
    expect(withTimes.stopStep).toBe(last.firstStep + last.fullSteps);
    expect(buildSchedule({ timesPc: [], sphereRadiusPc: 1, maxTimePc: 5 }, 0.1).stopStep).toBe(0);
  });

  it('rejects times that are not strictly ascending and positive', () => {
    expect(() => buildSchedule({ timesPc: [1, 1] }, 0.1)).toThrow(/ascending/);
    expect(() => buildSchedule({ timesPc: [] }, 0.1)).toThrow(/maxTimePc/);
  });
});
