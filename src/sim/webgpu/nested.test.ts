import { describe, expect, it } from 'vitest';
import type { FieldData, GridTurbulence, PeriodicGrid } from '../../turbulence/field.ts';
import { chooseLattice } from './lattice.ts';
import { finerGrid, finerGrids, packGridComponent } from './nested.ts';

const grid = (n: number, spacingPc: number): PeriodicGrid => ({ n, spacingPc, data: Float32Array.from({ length: 3 * n ** 3 }, (_, i) => i) });
const field = (t: GridTurbulence): FieldData => ({ b0: [0, 0, 0], turbulence: t, summary: { b0: [0, 0, 0], brmsUG: 1, lMinPc: 1, lMaxPc: 1, correlationLengthPc: 1, description: 'nested' } });

describe('nested grids on the webgpu tracker (host side, no GPU)', () => {
  it('FinerGrid holds S = Λ / box as turns_int + turns_hi·2^-32 + turns_lo·2^-64, exact to 2^-64', () => {
    // powers of two: 2 / (16 · 0.5) = 1/4 turn per cell
    expect(finerGrid(2, grid(16, 0.5), 7)).toEqual({ turnsInt: 0, turnsHi: 2 ** 30, turnsLo: 0, bits: 4, offset: 7 });
    // a box smaller than the cell: 4 / (8 · 0.25) = 2 turns
    expect(finerGrid(4, grid(8, 0.25), 0)).toMatchObject({ turnsInt: 2, turnsHi: 0, turnsLo: 0 });
    for (const [lattice, spacing] of [[2, 0.7], [4, 0.3], [1, 1.3], [0.37, 0.011]]) {
      const g = finerGrid(lattice, grid(16, spacing), 0);
      const s = lattice / (16 * spacing);
      // BigInt: S·2^64 from the parts against the float64 S times 2^64 (exact in BigInt)
      const parts = (BigInt(g.turnsInt) << 64n) + (BigInt(g.turnsHi) << 32n) + BigInt(g.turnsLo);
      const want = BigInt(Math.floor(s)) * 2n ** 64n + BigInt(Math.round((s - Math.floor(s)) * 2 ** 52)) * 2n ** 12n;
      expect(parts - want, `${lattice} / (16 · ${spacing})`).toBeLessThanOrEqual(2n ** 12n);
      expect(want - parts).toBeLessThanOrEqual(2n ** 12n);
      for (const w of [g.turnsInt, g.turnsHi, g.turnsLo]) expect(Number.isInteger(w) && w >= 0 && w < 2 ** 32).toBe(true);
    }
  });

  it('packs each component grid after grid, and the offsets point at each grid\'s node 0', () => {
    const grids = [grid(4, 2), grid(2, 0.5), grid(8, 0.25)];
    const finer = finerGrids(2, grids);
    expect(finer.map((f) => f.offset)).toEqual([64, 64 + 8]);
    for (let c = 0; c < 3; c++) {
      const packed = packGridComponent(grids, c);
      expect(packed.length).toBe(64 + 8 + 512);
      expect(packed[5]).toBe(grids[0].data[3 * 5 + c]);
      expect(packed[finer[0].offset + 3]).toBe(grids[1].data[3 * 3 + c]);
      expect(packed[finer[1].offset + 511]).toBe(grids[2].data[3 * 511 + c]);
    }
    expect(() => packGridComponent([{ n: 4, spacingPc: 1, data: new Float32Array(5) }], 0)).toThrow(/grid data must hold 3·4³ values, got 5/);
  });

  it('packs into a given array the same values, one array reused for every component', () => {
    const grids = [grid(4, 2), grid(2, 0.5)];
    let out = new Float32Array(64 + 8).fill(Number.NaN);
    for (let c = 0; c < 3; c++) {
      const fresh = packGridComponent(grids, c);
      const reused = packGridComponent(grids, c, out);
      expect(reused).toBe(out);
      expect(Array.from(reused)).toEqual(Array.from(fresh));
      out = reused;
    }
    expect(() => packGridComponent(grids, 0, new Float32Array(71))).toThrow(/needs 72 values, the array holds 71/);
  });

  it('the lattice is the first grid\'s; the observer\'s cell is reduced by n only when the first box holds whole finer boxes', () => {
    const origin = [1000.5, -3, 0] as const;
    // boxes 64 and 16 pc: reduced mod 32 cells as for one grid
    const whole = chooseLattice(field({ kind: 'grid', ...grid(32, 2), finer: [grid(16, 1)] }), 0.01, origin);
    expect(whole.spacingPc).toBe(2);
    expect(whole.originCell).toEqual([500 % 32, 30, 0]);
    // boxes 64 and 11.2 pc: no common period, the cell stays as it is
    const odd = chooseLattice(field({ kind: 'grid', ...grid(32, 2), finer: [grid(16, 0.7)] }), 0.01, origin);
    expect(odd.originCell).toEqual([500, -2, 0]);
    expect(odd.originFraction[0]).toBe(2 ** 30); // 1000.5 / 2 = 500.25
    expect(odd.originFraction[1]).toBe(2 ** 31);
  });
});
