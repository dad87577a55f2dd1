import { afterAll, describe, expect, it } from 'vitest';
import { maxDistance, spiralDirections, useWebGpuTracker } from './helpers/webgpu.ts';
import { gyroradiusPc } from '../src/config/units.ts';
import { createTracker } from '../src/sim/node/backends.ts';
import { CpuTracker } from '../src/sim/cpu/tracker.ts';
import { DeviceLimitError, type TrackJob } from '../src/sim/types.ts';
import { MAX_NESTED_GRIDS } from '../src/sim/webgpu/nested.ts';
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

// Three nested grids: 32³ × 2 pc (box 64 pc), 16³ × 0.7 pc (box 11.2 pc) and 16³ × 0.3 pc (box
// 4.8 pc), band 1-64 pc split at 8 and 3 pc. The spacings are no powers of two of each other, so
// the kernel's fixed-point map from lattice cells (Λ = 2 pc) to the finer grids' nodes uses all
// of its bits (field_nested_grids.wgsl); r_g ≈ 1.5 pc, h = r_g/20 ≈ 0.3 of the finest spacing.
const NESTED = generateNestedGrids(
  { kind: 'kolmogorov', lMinPc: 1, lMaxPc: 64 },
  1,
  { grids: [{ n: 32, spacingPc: 2 }, { n: 16, spacingPc: 0.7 }, { n: 16, spacingPc: 0.3 }], splitWavelengthsPc: [8, 3] },
  'nested-webgpu',
).turbulence;
const nested: FieldData = { ...grid, turbulence: NESTED };
const coarseOnly: FieldData = { ...grid, turbulence: { kind: 'grid', n: NESTED.n, spacingPc: NESTED.spacingPc, data: NESTED.data } };

describe('nested grids on the WebGPU backend', () => {
  // The tolerance of src/sim/webgpu/turbulence.test.ts (see above): 1e-5 r_g and 1e-5 in u after
  // 100 steps. Dropping the finer grids moves the end states by far more (checked), so a kernel
  // that skipped or misplaced a finer grid would fail.
  it.each([
    ['near the origin', [3, -2, 5]],
    // 1e4 cells of the first grid and 7e4 nodes of the finest out: an f32 map to the finer
    // grids' nodes would be off by ~1e-2 node there
    ['2e4 pc from the origin', [-7003.3, 12345.6, 2e4]],
  ] as const)('sum to the float64 CPU tracker\'s field: same end states after 100 steps within 1e-5 r_g and 1e-5 in u (%s)', async (_where, origin) => {
    const j = { ...job(nested, 100), origin };
    const [a, b, c] = [await gpu().track(j), await cpu.track(j), await cpu.track({ ...j, field: coarseOnly })];
    expect(maxDistance(c.snapshots[0].positions, b.snapshots[0].positions)).toBeGreaterThan(1e-2 * rg);
    expect(maxDistance(a.snapshots[0].positions, b.snapshots[0].positions)).toBeLessThan(1e-5 * rg);
    expect(maxDistance(a.snapshots[0].directions, b.snapshots[0].directions)).toBeLessThan(1e-5);
  });

  it('run through createTracker(\'webgpu\') (no refusal any more), and a single grid still runs', async () => {
    const { tracker } = await createTracker('webgpu');
    try {
      const [a, b] = [await tracker.track(job(nested, 10)), await cpu.track(job(nested, 10))];
      expect(maxDistance(a.snapshots[0].positions, b.snapshots[0].positions)).toBeLessThan(1e-5 * rg);
      await expect(tracker.track(job(grid, 10))).resolves.toBeDefined();
    } finally {
      await tracker.dispose();
    }
  });

  it('more grids than the kernel sums are refused with a DeviceLimitError naming the count and the cap, before any work', async () => {
    const small = { n: 8, spacingPc: 0.5, data: new Float32Array(3 * 8 ** 3) };
    const many: FieldData = { ...grid, turbulence: { ...GRID, finer: Array.from({ length: MAX_NESTED_GRIDS }, () => small) } };
    await expect(gpu().track(job(many, 10))).rejects.toThrow(new RegExp(`^webgpu: ${MAX_NESTED_GRIDS + 1} nested grids; the webgpu kernel sums at most ${MAX_NESTED_GRIDS}`));
    await expect(gpu().track(job(many, 10))).rejects.toBeInstanceOf(DeviceLimitError);
    expect(() => gpu().preflight({ modes: 0, gridN: 32, finerGridNs: Array(MAX_NESTED_GRIDS).fill(8), particles: 1 })).toThrow(DeviceLimitError);
    expect(() => gpu().preflight({ modes: 0, gridN: 32, finerGridNs: Array(MAX_NESTED_GRIDS - 1).fill(8), particles: 1 })).not.toThrow();
  });

  it('whose packed nodes exceed a storage binding are refused with the sizes of all grids', () => {
    // 512³ + 512³ floats: 1 GiB per component, over lavapipe's 128 MiB (and the 128 MiB WebGPU default)
    expect(() => gpu().preflight({ modes: 0, gridN: 512, finerGridNs: [512], particles: 1 })).toThrow(/^webgpu: nested grids 512³ \+ 512³ needs 1024\.0 MiB per field component, over this device's maxStorageBufferBindingSize/);
  });
});
