import { afterAll, describe, expect, it } from 'vitest';
import { randomModeField } from '../../../test/helpers/fields.ts';
import { maxDistance, spiralDirections, useWebGpuTracker } from '../../../test/helpers/webgpu.ts';
import { FieldSchema } from '../../config/schema.ts';
import { gyroradiusPc } from '../../config/units.ts';
import { createField } from '../../turbulence/create.ts';
import type { FieldData } from '../../turbulence/field.ts';
import { CpuTracker } from '../cpu/tracker.ts';
import type { TrackJob } from '../types.ts';
import type { WebGpuTracker } from './tracker.ts';

// B0 = 1 uG along z plus B_rms = 1 uG in the band 1..100 pc (L_c of order 20 pc);
// R = 2 PV: r_g ≈ 1.5 pc in |B| ≈ 1.4 uG, h = r_g / 20.
const modes = randomModeField([0, 0, 1], 64, 1, (2 * Math.PI) / 100, (2 * Math.PI) / 1, 7);
// not a multiple of the subgroup size: the 'lanes' table pads its last group with zero modes
const modes40 = randomModeField([0, 0, 1], 40, 1, (2 * Math.PI) / 100, (2 * Math.PI) / 1, 8);
const grid = createField(
  FieldSchema.parse({ b0UG: 1, turbulence: { brmsUG: 1, method: 'grid', gridN: 32, spectrum: { kind: 'kolmogorov', lMinPc: 6.4, lMaxPc: 100 } } }),
  'webgpu-test',
);
const rigidityPV = 2;
const rg = gyroradiusPc(rigidityPV, Math.SQRT2);
const h = rg / 20;
const directions = spiralDirections(64);

const cpu = new CpuTracker({ threads: 0 });
afterAll(() => cpu.dispose());
// the ways a mode table reaches the kernel ('auto' picks inline or lanes on lavapipe, uniform on GPUs)
const gpus: Record<string, () => WebGpuTracker> = {
  inline: useWebGpuTracker({ modeTable: 'inline' }),
  uniform: useWebGpuTracker({ modeTable: 'uniform' }),
  storage: useWebGpuTracker({ modeTable: 'storage' }),
  lanes: useWebGpuTracker({ modeTable: 'lanes' }),
};

function job(field: FieldData, steps: number, dirs = directions, origin: readonly [number, number, number] = [3, -2, 5]): TrackJob {
  return { field, rigidityPV, chargeSign: -1, origin, directions: dirs, stepPc: h, stop: { timesPc: [steps * h] } };
}

const cases: [string, string, FieldData][] = [
  ['64 plane waves, table compiled into the kernel', 'inline', modes],
  ['64 plane waves, table in a uniform buffer', 'uniform', modes],
  ['64 plane waves, table in a storage buffer', 'storage', modes],
  ['64 plane waves spread over the lanes of a subgroup', 'lanes', modes],
  ['40 plane waves spread over the lanes of a subgroup', 'lanes', modes40],
  ['32³ FFT grid, trilinear', 'inline', grid],
];

describe('webgpu tracker in turbulence agrees with the float64 CPU tracker', () => {
  // 100 steps (0.8 gyration), before chaos amplifies anything: each step adds f32 round-off of
  // ~3e-7 to u (cos polynomial 2e-7, phase 1e-7 rad, Boris arithmetic), so the position error
  // is at most 100 · h · 3e-7 = 1.5e-6 r_g if every step erred the same way. Tolerance 1e-5 r_g
  // (measured: ~1e-6 r_g for modes and grid).
  it.each(cases)('%s: same end states after 100 steps within 1e-5 r_g and 1e-5 in u', async (_name, gpu, field) => {
    const j = job(field, 100);
    const [a, b] = [await gpus[gpu]().track(j), await cpu.track(j)];
    expect(maxDistance(a.snapshots[0].positions, b.snapshots[0].positions)).toBeLessThan(1e-5 * rg);
    expect(maxDistance(a.snapshots[0].directions, b.snapshots[0].directions)).toBeLessThan(1e-5);
  });

  // 400 steps (3 gyrations): trajectories are chaotic and amplify any difference by ~1e3 here.
  // The yardstick is the CPU itself: how far its own end states move when the launch
  // directions move by 1e-7 (f32 round-off of one step). The GPU's round-off enters every
  // step, in random directions; measured, its end states differ from the CPU's by 0.5-10 times
  // that sensitivity. Tolerance: 30 times, plus 1e-5 r_g.
  it.each(cases)('%s: after 400 steps within 30× the CPU\'s own spread for a 1e-7 kick', async (_name, gpu, field) => {
    const j = job(field, 400);
    const kicked = directions.map((x, i) => x + (i % 3 === 0 ? 1e-7 : 0));
    const [a, b, c] = [await gpus[gpu]().track(j), await cpu.track(j), await cpu.track({ ...j, directions: kicked })];
    const sensitivity = maxDistance(c.snapshots[0].positions, b.snapshots[0].positions);
    expect(sensitivity).toBeGreaterThan(1e-7 * rg); // the yardstick itself is not degenerate
    expect(maxDistance(a.snapshots[0].positions, b.snapshots[0].positions)).toBeLessThan(30 * sensitivity + 1e-5 * rg);
  });

  // The observer 1e4 r_g from the coordinate origin: k·x_obs reaches 1e4 rad for the shortest
  // modes, which the host folds into the phases in float64; f32 phases would be off by ~1e-3 rad.
  it('64 plane waves, observer 1e4 r_g from the origin: same end states after 100 steps within 1e-5 r_g', async () => {
    const far = [1e4 * rg, -0.7e4 * rg, 0.5e4 * rg] as const;
    const j = job(modes, 100, directions, far);
    const [a, b] = [await gpus.inline().track(j), await cpu.track(j)];
    expect(maxDistance(a.snapshots[0].positions, b.snapshots[0].positions)).toBeLessThan(1e-5 * rg);
  });

  // Boris rotations are orthogonal and the kernel projects round-off back onto |u| = 1.
  it('keeps |u| = 1 to 5e-7 over 4000 steps in turbulence', async () => {
    const a = await gpus.inline().track(job(modes, 4000));
    const u = a.snapshots[0].directions;
    for (let i = 0; i < u.length; i += 3) expect(Math.abs(Math.hypot(u[i], u[i + 1], u[i + 2]) - 1)).toBeLessThan(5e-7);
  });

  // Sphere of radius 4 r_g: crossings after ~100-300 steps, before chaos grows the f32 differences
  // beyond 1e-5 R; compared as in uniform.test.ts (radial part of the time difference).
  it.each(['inline', 'lanes'])('sphere crossings in turbulence lie on the sphere (1e-6 R) and agree with the CPU (1e-4 R), %s', async (gpu) => {
    const R = 4 * rg;
    const origin = [3, -2, 5] as const;
    const j: TrackJob = { ...job(modes, 0), stop: { timesPc: [], sphereRadiusPc: R, maxTimePc: 300 * h } };
    const [a, b] = [await gpus[gpu]().track(j), await cpu.track(j)];
    let crossed = 0;
    for (let i = 0; i < 64; i++) {
      const tb = b.sphere!.timesPc[i];
      expect(Number.isNaN(a.sphere!.timesPc[i])).toBe(Number.isNaN(tb));
      if (Number.isNaN(tb)) continue;
      crossed++;
      const p = [0, 1, 2].map((c) => a.sphere!.positions[3 * i + c] - origin[c]);
      expect(Math.abs(Math.hypot(...p) - R)).toBeLessThan(1e-6 * R);
      const q = [0, 1, 2].map((c) => b.sphere!.positions[3 * i + c] - origin[c]);
      expect(Math.hypot(...[0, 1, 2].map((c) => p[c] - q[c]))).toBeLessThan(1e-4 * R);
    }
    expect(crossed).toBeGreaterThan(16);
  });
});
