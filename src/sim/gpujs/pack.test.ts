import { describe, expect, it } from 'vitest';
import { randomModeField } from '../../../test/helpers/fields.ts';
import { chooseLattice, packModes } from '../webgpu/lattice.ts';
import { MODE_CENTRE_PHASE, MODE_TURNS_PER_CELL, MODE_WORDS } from '../webgpu/layout.ts';
import { DIRECTION_UNITS, MODE_TEXELS } from './glsl.ts';
import { decodeState, halves, launchTexels, LAUNCH_FLOATS, packModeTexels, signedWordOf, wordOf } from './pack.ts';

describe('gpujs texture packing', () => {
  it('a 32-bit word survives its two 16-bit halves exactly (signed and unsigned)', () => {
    for (const w of [0, 1, 65535, 65536, 0x7fffffff, -1, -(2 ** 31), 0xdeadbeef, -123456789]) {
      const [hi, lo] = halves(w);
      expect(Math.fround(hi)).toBe(hi);
      expect(Math.fround(lo)).toBe(lo);
      expect(wordOf(hi, lo)).toBe(w >>> 0);
      expect(signedWordOf(hi, lo)).toBe(w | 0);
    }
  });

  it('fixed-point turns per cell and centre phases are the WebGPU packing, word for word', () => {
    const field = randomModeField([0, 0, 1], 16, 1, 0.05, 5, 3);
    const origin = [12.5, -3, 7] as const;
    const lattice = chooseLattice(field, 0.1, origin);
    const ours = packModeTexels(field, lattice, origin);
    const wgsl = new Uint32Array(packModes((field.turbulence as { table: Float64Array }).table, lattice, origin));
    for (let m = 0; m < 16; m++) {
      const o = m * MODE_TEXELS * 4;
      const words = [0, 1, 2, 3].map((w) => wordOf(ours[o + 2 * w], ours[o + 2 * w + 1]));
      const w = m * MODE_WORDS;
      expect(words).toEqual([wgsl[w + MODE_TURNS_PER_CELL], wgsl[w + MODE_TURNS_PER_CELL + 1], wgsl[w + MODE_TURNS_PER_CELL + 2], wgsl[w + MODE_CENTRE_PHASE]]);
    }
  });

  it('launch states decode to the observer and u(0) rounded to 2^-29', () => {
    const dirs = new Float64Array([0.6, -0.8, 0, 0, 0, -1, 1 / Math.sqrt(3), 1 / Math.sqrt(3), -1 / Math.sqrt(3)]);
    const t = launchTexels(dirs, 0, 3);
    const at = (k: number) => Float32Array.from({ length: 12 }, (_, i) => t[Math.floor(i / 4) * LAUNCH_FLOATS + 4 * k + (i % 4)]);
    const lattice = { spacingPc: 0.7, originCell: [0, 0, 0] as const, originFraction: new Uint32Array(3) };
    const pos = new Float64Array(9);
    const dir = new Float64Array(9);
    for (let p = 0; p < 3; p++) decodeState({ s0: at(0), s1: at(1), s2: at(2), s3: at(3) }, p, lattice, [1, 2, 3], pos, dir, p);
    expect(Array.from(pos)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3]);
    for (let i = 0; i < 9; i++) expect(Math.abs(dir[i] - dirs[i])).toBeLessThanOrEqual(0.5 / DIRECTION_UNITS);
    for (let p = 0; p < 3; p++) expect(t[p * LAUNCH_FLOATS + 23]).toBe(-1); // not crossed
  });
});
