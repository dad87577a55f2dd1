import { describe, expect, it } from 'vitest';
import { runKernel } from '../../../test/helpers/webgpu.ts';
import { createFieldEvaluator } from '../../turbulence/evaluate.ts';
import type { GridTurbulence, PeriodicGrid } from '../../turbulence/field.ts';
import { readShaderFile } from '../node/webgpu.ts';
import { shaderPrelude } from './layout.ts';
import { finerGrids, finerGridsSource, gridsOf, packGridComponent } from './nested.ts';

let seed = 2024;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const randomGrid = (n: number, spacingPc: number): PeriodicGrid => ({ n, spacingPc, data: Float32Array.from({ length: 3 * n ** 3 }, () => 2 * rnd() - 1) });

/**
 * Σ over the grids of the trilinear interpolation at lattice points (cell, fraction), as the
 * kernel's field_nested_grids.wgsl computes it (magnetic_field without B0), one vec3 per point.
 */
async function gpuField(t: GridTurbulence, points: Uint32Array<ArrayBuffer>): Promise<Float32Array> {
  const grids = gridsOf(t);
  const load = (f: string) => readShaderFile(f);
  const code = [
    shaderPrelude({ gridBits: Math.log2(t.n) }),
    await load('lattice.wgsl'),
    // field_nested_grids.wgsl's magnetic_field reads params.b0 (track.wgsl); not called here
    'struct Params { b0: vec3<f32> }',
    '@group(0) @binding(2) var<uniform> params: Params;',
    await load('grid.wgsl'),
    await load('field_nested_grids.wgsl'),
    finerGridsSource(finerGrids(t.spacingPc, grids)),
    `@group(0) @binding(0) var<storage, read> points: array<u32>;
@group(0) @binding(1) var<storage, read_write> field: array<f32>;
@compute @workgroup_size(1) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let p = 6u * g.x;
  let x = LatticePoint(bitcast<vec3<i32>>(vec3<u32>(points[p], points[p + 1u], points[p + 2u])), vec3<u32>(points[p + 3u], points[p + 4u], points[p + 5u]));
  let b = sample_grid_trilinear(x) + finer_grids(x);
  field[3u * g.x] = b.x;
  field[3u * g.x + 1u] = b.y;
  field[3u * g.x + 2u] = b.z;
}`,
  ].join('\n');
  const components = [0, 1, 2].map((c) => packGridComponent(grids, c));
  const out = await runKernel(code, new Float32Array(points.buffer), points.length / 6, 3, components);
  return new Float32Array(out.buffer);
}

/** Lattice points: cells up to ±2^e (e from 0 to 20) in random directions, random fractions. */
function latticePoints(count: number): Uint32Array<ArrayBuffer> {
  const p = new Uint32Array(6 * count);
  for (let i = 0; i < count; i++) {
    const scale = 2 ** Math.floor(rnd() * 21);
    for (let a = 0; a < 3; a++) {
      p[6 * i + a] = Math.floor((2 * rnd() - 1) * scale) >>> 0; // i32 bits
      p[6 * i + 3 + a] = Math.floor(rnd() * 2 ** 32);
    }
  }
  return p;
}

/** Largest |B_gpu − B_cpu| over the points, with the float64 CPU evaluator at x = (cell + fraction·2^-32) Λ. */
async function worstDifference(t: GridTurbulence, count: number): Promise<number> {
  const points = latticePoints(count);
  const gpu = await gpuField(t, points);
  const cpu = createFieldEvaluator({ b0: [0, 0, 0], turbulence: t, summary: { b0: [0, 0, 0], brmsUG: 1, lMinPc: 1, lMaxPc: 1, correlationLengthPc: 1, description: 'nested' } });
  const i32 = new Int32Array(points.buffer);
  const b = new Float64Array(3);
  let worst = 0;
  for (let i = 0; i < count; i++) {
    const x = [0, 1, 2].map((a) => (i32[6 * i + a] + points[6 * i + 3 + a] / 2 ** 32) * t.spacingPc);
    cpu(x[0], x[1], x[2], b);
    for (let a = 0; a < 3; a++) worst = Math.max(worst, Math.abs(gpu[3 * i + a] - b[a]));
  }
  return worst;
}

describe('nested grids in the kernel (field_nested_grids.wgsl) against the float64 evaluator', () => {
  // Node values in [-1, 1], so |B| < 3 with three grids: f32 weights and sums round to a few
  // 1e-7 (measured: 2.5e-7). The fixed-point map puts a point on a finer grid to ~2^-30 turn of its box (1.5e-8
  // node for n = 16), however far out; 2^20 cells out, a map with only 32 bits of S (turns_lo
  // dropped) is off by up to 4e-3 node (measured: B off by 6e-3), an f32 one by ~0.1 node; without
  // the sign correction of mul_high, B is off by 2. Tolerance 2e-6.
  const cases: [string, GridTurbulence][] = [
    // spacings 2, 0.7, 0.3 pc: S = Λ / box has all 64 fraction bits (turns_lo ≠ 0)
    ['32³ × 2 pc + 16³ × 0.7 pc + 16³ × 0.3 pc', { kind: 'grid', ...randomGrid(32, 2), finer: [randomGrid(16, 0.7), randomGrid(16, 0.3)] }],
    // powers of two: S = 1/16 turn per cell, exact in turns_hi
    ['16³ × 4 pc + 16³ × 0.25 pc', { kind: 'grid', ...randomGrid(16, 4), finer: [randomGrid(16, 0.25)] }],
    // a finer box (8 × 0.3 = 2.4 pc) smaller than the lattice cell (4 pc): S > 1 turn (turns_int ≠ 0)
    ['16³ × 4 pc + 8³ × 0.3 pc + 32³ × 1.3 pc', { kind: 'grid', ...randomGrid(16, 4), finer: [randomGrid(8, 0.3), randomGrid(32, 1.3)] }],
  ];
  it.each(cases)('%s: B at 2000 lattice points out to 2^20 cells within 2e-6', async (_name, t) => {
    expect(await worstDifference(t, 2000)).toBeLessThan(2e-6);
  });
});
