import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/errors.ts';
import { FieldSchema } from '../config/schema.ts';
import { gyroradiusPc } from '../config/units.ts';
import { CpuTracker } from '../sim/cpu/tracker.ts';
import { spiralDirections } from '../sim/launch.ts';
import type { EndStates, TrackJob } from '../sim/types.ts';
import { cubeFieldFromConfig, cubeFromNpy, cubeToField, latticeCorrelationLengthPc, seamRatios, type VectorCube } from './cube.ts';
import type { FieldData, GridTurbulence } from './field.ts';
import { generateGrid } from './grid.ts';
import { gridPower, signedIndex } from './measure.ts';
import { encodeNpy, parseNpy } from './npy.ts';

const N = 32;
const SPACING = 100 / N;
const SPECTRUM = { kind: 'kolmogorov', lMinPc: 6.4, lMaxPc: 100 } as const;
const GRID = generateGrid(SPECTRUM, 1, { n: N, spacingPc: SPACING }, 'cube-test');

/** The grid's components as three .npy files (numpy index order [x, y, z]), through the bytes. */
function npyTriple(g: GridTurbulence): VectorCube {
  const n = g.n;
  const parts = [0, 1, 2].map((c) => {
    const a = new Float32Array(n * n * n);
    // a[i, j, k] in C order: flat index k + n(j + n i)
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) a[k + n * (j + n * i)] = g.data[3 * (i + n * (j + n * k)) + c];
    return parseNpy(encodeNpy(a, [n, n, n]));
  });
  return cubeFromNpy(parts, 'xyz', 'test triple');
}

function fieldOf(t: GridTurbulence, b0: readonly [number, number, number] = [0, 0, 0]): FieldData {
  return { b0, turbulence: t, summary: { b0, brmsUG: 1, lMinPc: 0, lMaxPc: 0, correlationLengthPc: 0, description: '' } };
}

const cpu = new CpuTracker({ threads: 0 });
afterAll(() => cpu.dispose());

function job(field: FieldData): TrackJob {
  const rigidityPV = 2;
  const h = gyroradiusPc(rigidityPV, 1) / 20;
  return { field, rigidityPV, chargeSign: -1, origin: [3, -2, 5], directions: spiralDirections(64), stepPc: h, stop: { timesPc: [500 * h, 2000 * h] } };
}

function sameBits(a: EndStates, b: EndStates): boolean {
  return a.snapshots.every((s, k) => {
    const t = b.snapshots[k];
    return Buffer.from(s.positions.buffer).equals(Buffer.from(t.positions.buffer)) && Buffer.from(s.directions.buffer).equals(Buffer.from(t.directions.buffer));
  });
}

describe('field cubes', () => {
  it("crsky's own FFT grid written as three .npy files and read back reproduces the grid bitwise, and its CPU trajectories bitwise (2000 steps)", async () => {
    const { field } = cubeToField(npyTriple(GRID), { boxPc: 100, meanField: 'keep' });
    const t = field.turbulence as GridTurbulence;
    expect(t.n).toBe(N);
    expect(t.spacingPc).toBe(SPACING);
    expect(Buffer.from(t.data.buffer).equals(Buffer.from(GRID.data.buffer))).toBe(true);
    const [a, b] = [await cpu.track(job(fieldOf(GRID))), await cpu.track(job(field))];
    expect(sameBits(a, b)).toBe(true);
    // the control: a one-ulp change of the nodes is visible in the chaotic trajectories
    const nudged = { ...GRID, data: Float32Array.from(GRID.data, (v) => v * (1 + 2 ** -23)) };
    expect(sameBits(a, await cpu.track(job(fieldOf(nudged))))).toBe(false);
  });

  it('one .npy of shape (3, n, n, n) or (n, n, n, 3), and index order zyx, give the same cube', () => {
    const n = GRID.n;
    const first = new Float32Array(3 * n ** 3);
    const last = new Float32Array(3 * n ** 3);
    const zyx = [0, 1, 2].map(() => new Float32Array(n ** 3));
    for (let k = 0; k < n; k++) {
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          for (let c = 0; c < 3; c++) {
            const v = GRID.data[3 * (i + n * (j + n * k)) + c];
            first[k + n * (j + n * (i + n * c))] = v;
            last[c + 3 * (k + n * (j + n * i))] = v;
            zyx[c][i + n * (j + n * k)] = v; // a[k, j, i]
          }
        }
      }
    }
    const cubes = [
      cubeFromNpy([parseNpy(encodeNpy(first, [3, n, n, n]))], 'xyz', 'first'),
      cubeFromNpy([parseNpy(encodeNpy(last, [n, n, n, 3]))], 'xyz', 'last'),
      cubeFromNpy(zyx.map((a) => parseNpy(encodeNpy(a, [n, n, n]))), 'zyx', 'zyx'),
    ];
    for (const cube of cubes) {
      const t = cubeToField(cube, { boxPc: 100, meanField: 'keep' }).field.turbulence as GridTurbulence;
      expect(Buffer.from(t.data.buffer).equals(Buffer.from(GRID.data.buffer)), cube.source).toBe(true);
    }
  });

  it("meanField: 'as-b0' moves a uniform part into B0, 'subtract' drops it, rescaling sets the node rms (float32 rounding)", () => {
    const n = GRID.n;
    const u = [0.5, -1, 2];
    const withMean = { ...GRID, data: Float32Array.from(GRID.data, (v, i) => v + u[i % 3]) };
    const cube = npyTriple(withMean);
    const a = cubeToField(cube, { boxPc: 100, b0: [0, 0, 1] });
    // mean recovered to float32 rounding of the stored values (the grid's own mean is < 1e-7)
    a.field.b0.forEach((b, c) => expect(Math.abs(b - (u[c] + (c === 2 ? 1 : 0)))).toBeLessThan(1e-6));
    const s = cubeToField(cube, { boxPc: 100, meanField: 'subtract', b0: [0, 0, 1] });
    expect(s.field.b0).toEqual([0, 0, 1]);
    // the grid is the fluctuation: the original grid to float32 rounding of values ~2
    const t = s.field.turbulence as GridTurbulence;
    let worst = 0;
    for (let i = 0; i < t.data.length; i++) worst = Math.max(worst, Math.abs(t.data[i] - GRID.data[i]));
    expect(worst).toBeLessThan(4 * 2 ** -23);
    const r = cubeToField(cube, { boxPc: 100, brmsUG: 4, unitUG: 3 });
    expect(Math.abs(r.field.summary.brmsUG / 4 - 1)).toBeLessThan(1e-6);
    expect(r.diagnostics.inputBrmsUG).toBeCloseTo(3, 5); // the generated grid has node rms 1, times unitUG
    r.field.b0.forEach((b, c) => expect(Math.abs(b - 3 * u[c])).toBeLessThan(3e-6));
    expect(n).toBe(N);
  });

  it('the seam ratio is ~1 for a periodic cube and flags a cube cut out of a larger box (> 1.5)', () => {
    seamRatios(GRID).forEach((r) => expect(Math.abs(r - 1)).toBeLessThan(0.1));
    const big = generateGrid(SPECTRUM, 1, { n: 64, spacingPc: SPACING }, 'cube-big');
    const cut = new Float32Array(3 * N ** 3);
    for (let k = 0; k < N; k++) for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) for (let c = 0; c < 3; c++) cut[3 * (i + N * (j + N * k)) + c] = big.data[3 * (i + 64 * (j + 64 * k)) + c];
    seamRatios({ kind: 'grid', n: N, spacingPc: SPACING, data: cut }).forEach((r) => expect(r).toBeGreaterThan(1.5));
  });

  it('L_c of a cube is π Σ p/|k| / Σ p of its measured power (measure.ts gridPower, 1e-12)', () => {
    const power = gridPower(GRID);
    const dk = (2 * Math.PI) / 100;
    let overK = 0;
    let total = 0;
    for (let i = 1; i < power.length; i++) {
      const k = dk * Math.hypot(signedIndex(i % N, N), signedIndex(Math.floor(i / N) % N, N), signedIndex(Math.floor(i / (N * N)), N));
      overK += power[i] / k;
      total += power[i];
    }
    expect(Math.abs(latticeCorrelationLengthPc(GRID) / ((Math.PI * overK) / total) - 1)).toBeLessThan(1e-12);
  });

  it('rejects cubes the trackers cannot run, naming the shape', () => {
    const a = parseNpy(encodeNpy(new Float32Array(3 * 24 ** 3), [3, 24, 24, 24]));
    expect(() => cubeFromNpy([a], 'xyz', 'odd')).toThrow(ConfigError);
    expect(() => cubeFromNpy([a], 'xyz', 'odd')).toThrow(/n = 24 nodes per side; .* power of two/);
    const b = parseNpy(encodeNpy(new Float32Array(16 * 16 * 32), [16, 16, 32]));
    expect(() => cubeFromNpy([b, b, b], 'xyz', 'slab')).toThrow(/16 × 16 × 32/);
  });

  it('cubeFieldFromConfig applies b0UG/b0Direction, unitUG and rescaleToBrms from the schema', () => {
    const cfg = FieldSchema.parse({
      b0UG: 2,
      b0Direction: [1, 0, 0],
      turbulence: { brmsUG: 3, cube: { files: 'x.npy', boxPc: 100, meanField: 'subtract', rescaleToBrms: true } },
    });
    const f = cubeFieldFromConfig(cfg, npyTriple(GRID));
    expect(f.b0).toEqual([2, 0, 0]);
    expect(Math.abs(f.summary.brmsUG / 3 - 1)).toBeLessThan(1e-6);
    expect(f.summary.lMaxPc).toBe(100);
    expect(f.summary.description).toMatch(/field cube test triple: 32\^3/);
  });
});
