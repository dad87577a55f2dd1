import { afterAll, describe, expect, it } from 'vitest';
import { maxDistance, spiralDirections, useWebGpuTracker } from './helpers/webgpu.ts';
import { gyroradiusPc } from '../src/config/units.ts';
import { createTracker } from '../src/sim/node/backends.ts';
import { CpuTracker } from '../src/sim/cpu/tracker.ts';
import type { TrackJob } from '../src/sim/types.ts';
import { cubeFromNpy, cubeToField } from '../src/turbulence/cube.ts';
import type { FieldData, GridTurbulence } from '../src/turbulence/field.ts';
import { generateGrid } from '../src/turbulence/grid.ts';
import { generateNestedGrids } from '../src/turbulence/nestedGrids.ts';
import { encodeNpy, parseNpy } from '../src/turbulence/npy.ts';

// B0 = 1 uG along z plus a 32³ grid of B_rms 1 uG (band 6.4..100 pc), as src/sim/webgpu/turbulence.test.ts.
const N = 32;
const GRID = generateGrid({ kind: 'kolmogorov', lMinPc: 6.4, lMaxPc: 100 }, 1, { n: N, spacingPc: 100 / N }, 'cube-webgpu');
const B0 = [0, 0, 1] as const;
const grid: FieldData = { b0: B0, turbulence: GRID, summary: { b0: B0, brmsUG: 1, lMinPc: 6.4, lMaxPc: 100, correlationLengthPc: 0, description: 'grid' } };

/** The same grid as a (3, n, n, n) .npy cube, through the bytes. */
const cube = (() => {
  const a = new Float32Array(3 * N ** 3);
  for (let k = 0; k < N; k++) for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) for (let c = 0; c < 3; c++) a[k + N * (j + N * (i + N * c))] = GRID.data[3 * (i + N * (j + N * k)) + c];
  return cubeToField(cubeFromNpy([parseNpy(encodeNpy(a, [3, N, N, N]))], 'xyz', 'webgpu cube'), { boxPc: 100, meanField: 'keep', b0: B0 }).field;
})();

const rigidityPV = 2;
const rg = gyroradiusPc(rigidityPV, Math.SQRT2);
const h = rg / 20;
const cpu = new CpuTracker({ threads: 0 });
afterAll(() => cpu.dispose());
const gpu = useWebGpuTracker();

function job(field: FieldData, steps: number): TrackJob {
  return { field, rigidityPV, chargeSign: -1, origin: [3, -2, 5], directions: spiralDirections(64), stepPc: h, stop: { timesPc: [steps * h] } };
}

describe('a field cube on the WebGPU tracker', () => {
  it('holds the grid bit for bit (so the GPU gets the same buffer)', () => {
    expect(Buffer.from((cube.turbulence as GridTurbulence).data.buffer).equals(Buffer.from(GRID.data.buffer))).toBe(true);
  });

  // The tolerance of src/sim/webgpu/turbulence.test.ts: 100 steps before chaos amplifies f32
  // round-off of ~3e-7 per step, so at most 100·h·3e-7 = 1.5e-6 r_g; 1e-5 r_g.
  it('its WebGPU end states after 100 steps equal the CPU tracker on the original grid within 1e-5 r_g and 1e-5 in u', async () => {
    const [a, b] = [await gpu().track(job(cube, 100)), await cpu.track(job(grid, 100))];
    expect(maxDistance(a.snapshots[0].positions, b.snapshots[0].positions)).toBeLessThan(1e-5 * rg);
    expect(maxDistance(a.snapshots[0].directions, b.snapshots[0].directions)).toBeLessThan(1e-5);
  });
});

describe('nested grids on the WebGPU backend', () => {
  // The kernels sample one grid; until they sum GridTurbulence.finer, createTracker's WebGPU
  // tracker refuses such a field instead of silently running the coarsest grid alone.
  it('are refused with an error naming the cpu backend', async () => {
    const { tracker } = await createTracker('webgpu');
    try {
      const nested = generateNestedGrids(
        { kind: 'kolmogorov', lMinPc: 4, lMaxPc: 64 },
        1,
        { grids: [{ n: 16, spacingPc: 4 }, { n: 16, spacingPc: 1 }], splitWavelengthsPc: [16] },
        'refuse',
      ).turbulence;
      const field: FieldData = { ...grid, turbulence: nested };
      await expect(tracker.track(job(field, 10))).rejects.toThrow(/nested grids run on the cpu backend only/);
      // a single grid still runs
      await expect(tracker.track(job(grid, 10))).resolves.toBeDefined();
    } finally {
      await tracker.dispose();
    }
  });
});
