import { describe, expect, it } from 'vitest';
import { randomModeField } from '../../../test/helpers/fields.ts';
import { runKernel } from '../../../test/helpers/webgpu.ts';
import type { Vec3 } from '../../config/vec3.ts';
import { createFieldEvaluator } from '../../turbulence/evaluate.ts';
import { MODE_STRIDE, type FieldData } from '../../turbulence/field.ts';
import { readShaderFile } from '../node/webgpu.ts';
import { inlineModesSource } from './inline.ts';
import { chooseLattice, latticeToPc, packModes } from './lattice.ts';
import { cosTurnsDegree, shaderPrelude, SHORT_COS_MIN_MODES } from './layout.ts';

// The plane-wave sum of field_modes.wgsl evaluated by the GPU at lattice points near the
// observer, against the float64 evaluator: the kernel's error budget (phase, cos polynomial,
// f32 sum) measured as a whole, and the two choices that trade it for speed checked by numbers.

let seed = 77;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const ORIGIN: Vec3 = [3, -2, 5];

/** Lattice points within ±64 cells of the observer (cell, fraction), 6 words each. */
function latticePoints(count: number): Uint32Array<ArrayBuffer> {
  const p = new Uint32Array(6 * count);
  for (let i = 0; i < count; i++) {
    for (let a = 0; a < 3; a++) {
      p[6 * i + a] = Math.floor((2 * rnd() - 1) * 64) >>> 0;
      p[6 * i + 3 + a] = Math.floor(rnd() * 2 ** 32);
    }
  }
  return p;
}

type Form = 'inline' | 'storage';

/**
 * dB at the points from the kernel's own modules: inline (generated, four partial sums) or the
 * loop over a storage buffer. `degree` overrides the cos polynomial, `singleSum` adds the modes
 * into one sum as the kernel did before the partial sums (the yardstick of the tests below).
 */
async function gpuField(field: FieldData, points: Uint32Array<ArrayBuffer>, form: Form, options: { degree?: 7 | 9; singleSum?: boolean } = {}): Promise<Float32Array> {
  const t = field.turbulence;
  if (t?.kind !== 'modes') throw new Error('plane waves only');
  const count = t.table.length / MODE_STRIDE;
  const lattice = chooseLattice(field, 0.01, ORIGIN);
  const packed = packModes(t.table, lattice, ORIGIN);
  let prelude = shaderPrelude({ modeCount: count });
  if (options.degree) prelude = prelude.replace(/const COS_TURNS_DEGREE: u32 = \d+u;/, `const COS_TURNS_DEGREE: u32 = ${options.degree}u;`);
  let sum = form === 'inline' ? inlineModesSource(packed, count) : [await readShaderFile('modes_loop.wgsl'), await readShaderFile('modes_storage.wgsl')].join('\n');
  if (options.singleSum) {
    if (form !== 'inline') throw new Error('singleSum: inline only');
    sum = sum.replace(/var b0 = vec3<f32>\(0.0\);/, 'var b = vec3<f32>(0.0);').replace(/  var b[123] = vec3<f32>\(0.0\);\n/g, '').replace(/\bb\d\b/g, 'b').replace('return (b + b) + (b + b);', 'return b;');
  }
  const code = [
    prelude,
    await readShaderFile('lattice.wgsl'),
    // field_modes.wgsl's magnetic_field reads params.b0 (track.wgsl); not called here
    'struct Params { b0: vec3<f32> }',
    '@group(0) @binding(2) var<uniform> params: Params;',
    await readShaderFile('field_modes.wgsl'),
    sum,
    `@group(0) @binding(0) var<storage, read> points: array<u32>;
@group(0) @binding(1) var<storage, read_write> field: array<f32>;
@compute @workgroup_size(1) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let p = 6u * g.x;
  let x = LatticePoint(bitcast<vec3<i32>>(vec3<u32>(points[p], points[p + 1u], points[p + 2u])), vec3<u32>(points[p + 3u], points[p + 4u], points[p + 5u]));
  let b = field_modes(x);
  field[3u * g.x] = b.x;
  field[3u * g.x + 1u] = b.y;
  field[3u * g.x + 2u] = b.z;
}`,
  ].join('\n');
  const group1 = form === 'storage' ? [new Float32Array(packed)] : [];
  const out = await runKernel(code, new Float32Array(points.buffer), points.length / 6, 3, group1);
  return new Float32Array(out.buffer);
}

/** rms over the points of |dB_gpu − dB_f64|, in units of B_rms. */
function rmsError(field: FieldData, points: Uint32Array<ArrayBuffer>, gpu: Float32Array): number {
  const lattice = chooseLattice(field, 0.01, ORIGIN);
  const cpu = createFieldEvaluator({ ...field, b0: [0, 0, 0] });
  const i32 = new Int32Array(points.buffer);
  const b = new Float64Array(3);
  let sum = 0;
  const count = points.length / 6;
  for (let i = 0; i < count; i++) {
    const x = [0, 1, 2].map((a) => latticeToPc(lattice, ORIGIN, a, i32[6 * i + a], points[6 * i + 3 + a]));
    cpu(x[0], x[1], x[2], b);
    for (let a = 0; a < 3; a++) sum += (gpu[3 * i + a] - b[a]) ** 2;
  }
  return Math.sqrt(sum / count) / field.summary.brmsUG;
}

const modes = (n: number, s: number) => randomModeField([0, 0, 0], n, 1, (2 * Math.PI) / 100, (2 * Math.PI) / 1, s);

describe('the plane-wave sum in the kernel (field_modes.wgsl) against the float64 evaluator', () => {
  it('uses the degree-7 cos from 1024 modes', () => {
    expect(SHORT_COS_MIN_MODES).toBe(1024);
    expect([cosTurnsDegree(64), cosTurnsDegree(1023), cosTurnsDegree(1024), cosTurnsDegree(4096)]).toEqual([9, 9, 7, 7]);
  });

  // f32 round-off in the sum of n terms grows like sqrt(n) · 2^-24 · |B| per component; the
  // cos polynomial adds 4e-8 (degree 9) or 4.2e-7 (degree 7) rms per unit amplitude. A model of
  // the sum (numpy, scratch) gives ~1.4e-7 B_rms at 64 modes (degree 9, four partial sums) and
  // ~8e-7 at 1024 (degree 7); measured 1.5e-7 and 6.9e-7. Bounds: 3e-7 and 1.5e-6.
  it.each([
    [64, 3e-7],
    [1024, 1.5e-6],
  ])('%i modes: rms error of dB at 3000 points near the observer below %s B_rms', async (n, bound) => {
    const f = modes(n, 11);
    const points = latticePoints(3000);
    const error = rmsError(f, points, await gpuField(f, points, 'inline'));
    expect(error).toBeLessThan(bound);
    expect(error).toBeGreaterThan(1e-9); // f32 after all: a zero would mean the comparison compared nothing
  });

  // The two trades: four partial sums (free per mode) lower the f32 sum's round-off; the
  // degree-7 cos (two instructions fewer per mode, +8 % steps) from 1024 modes adds about as
  // much back. Measured here: 6.9e-7 against 6.7e-7 B_rms for the degree-9 single sum the kernel
  // had before (+3 %); at 256 modes the partial sums alone: 2.1e-7 against 3.7e-7. Same points
  // for both (paired), so the estimates' noise (3000 points, ~1.3 % each) mostly cancels.
  // Bounds: within 10 % of before at 1024 modes, 0.8 of it at 256.
  it('1024 modes: degree 7 with four partial sums errs within 10 % of degree 9 with one sum', async () => {
    const f = modes(1024, 12);
    const points = latticePoints(3000);
    const now = rmsError(f, points, await gpuField(f, points, 'inline'));
    const before = rmsError(f, points, await gpuField(f, points, 'inline', { degree: 9, singleSum: true }));
    expect(now).toBeLessThan(1.1 * before);
  }, 120_000);

  it('256 modes: four partial sums err less than one sum (degree 9 both)', async () => {
    const f = modes(256, 13);
    const points = latticePoints(3000);
    const now = rmsError(f, points, await gpuField(f, points, 'inline'));
    const before = rmsError(f, points, await gpuField(f, points, 'inline', { singleSum: true }));
    expect(now).toBeLessThan(0.8 * before);
  }, 60_000);

  // modes_loop.wgsl adds mode n into partial sum n mod 4 like inline.ts, the remainder too.
  it.each([64, 67])('%i modes: the loop over a storage buffer gives bitwise the inline sum', async (n) => {
    const f = modes(n, 14);
    const points = latticePoints(500);
    const [a, b] = [await gpuField(f, points, 'inline'), await gpuField(f, points, 'storage')];
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});

describe('cos_turns (field_modes.wgsl) on the GPU', () => {
  // cos(2π y) for |y| < 1 (the phase before folding) against Math.cos at 60 000 points, both
  // polynomials: the minimax errors (f32 evaluation, numpy: 1.9e-7 / 4.0e-8 and 7.2e-7 / 4.2e-7
  // max / rms) plus the fold's rounding for |y| < 1/4 (<= 2^-26 turn) and the input's own f32
  // rounding (the reference takes the f32 y). Bounds: max 3e-7 and 8e-7, rms 6e-8 and 4.6e-7.
  it.each([
    [9, 3e-7, 6e-8],
    [7, 8e-7, 4.6e-7],
  ] as const)('degree %i: max error below %s, rms below %s', async (degree, maxBound, rmsBound) => {
    const count = 60_000; // one workgroup each: within the 65535 per dispatch
    const y = Float32Array.from({ length: count }, (_, i) => (i < 8 ? [0, 0.25, 0.5, 0.75, -0.25, -0.5, 0.999999, 1e-9][i] : 2 * rnd() - 1));
    const prelude = shaderPrelude({ modeCount: degree === 7 ? SHORT_COS_MIN_MODES : 1 });
    const code = `${prelude}
${await readShaderFile('lattice.wgsl')}
struct Params { b0: vec3<f32> }
@group(0) @binding(2) var<uniform> params: Params;
${await readShaderFile('field_modes.wgsl')}
fn field_modes(x: LatticePoint) -> vec3<f32> { return vec3<f32>(0.0); }
@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read_write> c: array<f32>;
@compute @workgroup_size(1) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  c[g.x] = cos_turns(y[g.x]);
}`;
    const out = new Float32Array((await runKernel(code, y, count, 1)).buffer);
    let max = 0;
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const e = Math.abs(out[i] - Math.cos(2 * Math.PI * y[i]));
      max = Math.max(max, e);
      sum += e * e;
    }
    expect(max).toBeLessThan(maxBound);
    expect(Math.sqrt(sum / count)).toBeLessThan(rmsBound);
    expect(max).toBeGreaterThan(maxBound / 10); // the comparison saw the polynomial's error
  });
});
