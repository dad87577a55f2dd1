import { describe, expect, it } from 'vitest';
import { runKernel } from '../../../test/helpers/webgpu.ts';
import { readShaderFile } from '../node/webgpu.ts';

/** Round half to even, as WGSL's round(). */
function roundEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  return d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
}

describe('lattice.wgsl on the GPU', () => {
  // The fixed-point move is the core of the precision scheme: a drift d (f32 cells) must become
  // round(d) whole cells plus round((d - round(d)) · 2^32) units of 2^-32 cell, exactly (no
  // tolerance), including |d - round(d)| = 1/2 (2^31 units, the edge of the 32-bit range) and drifts
  // far below one unit. Mesa reassociates inexact float sums, so exactness is not a given.
  it('lattice_move(0, d) = round(d) cells + round((d - round(d))·2^32) units, exactly, for 4000 drifts', async () => {
    const edge = [0.5, -0.5, 1.5, -2.5, 0.25, 0.49999997, -0.49999997, 1e-3, -1e-3, 3.4999998, -7.25, 1e-9, 0, 1000.125];
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const drifts = [...edge, ...Array.from({ length: 4000 }, () => (rnd() - 0.5) * 2 ** (Math.floor(rnd() * 34) - 30))].map(Math.fround);
    const lattice = await readShaderFile('lattice.wgsl');
    const code = `${lattice}
@group(0) @binding(0) var<storage, read> drift: array<f32>;
@group(0) @binding(1) var<storage, read_write> moved: array<u32>;
@compute @workgroup_size(1) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let x = lattice_move(LatticePoint(vec3<i32>(0), vec3<u32>(0u)), vec3<f32>(drift[g.x], -drift[g.x], 0.0));
  moved[4u * g.x] = bitcast<u32>(x.cell.x);
  moved[4u * g.x + 1u] = x.fraction.x;
  moved[4u * g.x + 2u] = bitcast<u32>(x.cell.y);
  moved[4u * g.x + 3u] = x.fraction.y;
}`;
    const out = await runKernel(code, Float32Array.from(drifts), drifts.length, 4);
    const cells = new Int32Array(out.buffer);
    let wrong = 0;
    drifts.forEach((d, i) => {
      for (const [sign, w] of [[1, 0], [-1, 2]] as const) {
        const v = sign * d;
        const whole = roundEven(v);
        const want = whole * 2 ** 32 + roundEven((v - whole) * 2 ** 32);
        const got = cells[4 * i + w] * 2 ** 32 + out[4 * i + w + 1];
        if (got !== want) wrong++;
      }
    });
    expect(wrong).toBe(0);
  });
});
