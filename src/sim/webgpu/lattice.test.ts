import { describe, expect, it } from 'vitest';
import { modeField } from '../../../test/helpers/fields.ts';
import { MODE_CENTRE_PHASE, MODE_TURNS_PER_CELL, MODE_WORDS } from './layout.ts';
import { chooseLattice, latticeToPc, packModes, turnsToFixed } from './lattice.ts';

describe('webgpu lattice and fixed-point phases (host side, no GPU)', () => {
  it('fixed-point turns wrap exactly: frac(v)·2^32, negative turns included', () => {
    expect(turnsToFixed(0.25)).toBe(2 ** 30);
    expect(turnsToFixed(-0.25)).toBe(3 * 2 ** 30);
    expect(turnsToFixed(7.5)).toBe(2 ** 31);
    expect(turnsToFixed(1 - 2 ** -40)).toBe(0); // rounds up to a whole turn, wraps to 0
  });

  it('the integer phase of cell i is i·F + P mod 2^32 and matches k·x + β to 2^-33 turn per cell', () => {
    // One mode with an irrational-looking k; x = x_obs + (cell + 1/2) Λ (cell centre).
    const k = [0.7312, -1.913, 0.2203];
    const beta = 1.234;
    const origin = [1234.5, -987.25, 42] as const;
    const field = modeField([0, 0, 0], [[...k, beta, 1, 0, 0]], 1);
    const lattice = chooseLattice(field, 0.01, origin);
    expect(lattice.spacingPc).toBeCloseTo(Math.PI / Math.hypot(...k), 15);
    const u = new Uint32Array(packModes((field.turbulence as { table: Float64Array }).table, lattice, origin));
    const F = [0, 1, 2].map((a) => u[MODE_TURNS_PER_CELL + a]);
    const P = u[MODE_CENTRE_PHASE];
    expect(MODE_WORDS).toBe(12);
    for (const cell of [[0, 0, 0], [1, 2, 3], [-100000, 54321, 99999]]) {
      const whole = (Math.imul(cell[0], F[0]) + Math.imul(cell[1], F[1]) + Math.imul(cell[2], F[2]) + P) >>> 0;
      const x = [0, 1, 2].map((a) => origin[a] + (cell[a] + 0.5) * lattice.spacingPc);
      const exact = (k[0] * x[0] + k[1] * x[1] + k[2] * x[2] + beta) / (2 * Math.PI);
      let err = whole / 2 ** 32 - (exact - Math.floor(exact));
      err -= Math.round(err);
      const cells = Math.abs(cell[0]) + Math.abs(cell[1]) + Math.abs(cell[2]);
      // quantization of F: 2^-33 per cell step, plus rounding of P and of float64 k·x
      expect(Math.abs(err)).toBeLessThanOrEqual((cells + 1) * 2 ** -33 + 1e-12 * (1 + cells));
    }
  });

  it('grid lattice: the observer sits in its grid cell, positions come back exact to 2^-32 cell', () => {
    const grid = {
      b0: [0, 0, 0] as const,
      turbulence: { kind: 'grid' as const, n: 8, spacingPc: 0.5, data: new Float32Array(3 * 512) },
      summary: { b0: [0, 0, 0] as const, brmsUG: 0, lMinPc: 1, lMaxPc: 4, correlationLengthPc: 1, description: 'grid' },
    };
    const origin = [10.3, -3.75, 0] as const;
    const l = chooseLattice(grid, 0.01, origin);
    // 10.3 / 0.5 = 20.6 → cell 20 wrapped to 4, fraction 0.6; -7.5 → cell -8 → 0, fraction 0.5
    expect(l.originCell).toEqual([4, 0, 0]);
    expect(l.originFraction[0] / 2 ** 32).toBeCloseTo(0.6, 9);
    expect(l.originFraction[1]).toBe(2 ** 31);
    for (let a = 0; a < 3; a++) expect(latticeToPc(l, origin, a, l.originCell[a], l.originFraction[a])).toBe(origin[a]);
    expect(latticeToPc(l, origin, 0, l.originCell[0] + 3, l.originFraction[0])).toBeCloseTo(origin[0] + 1.5, 12);
  });
});
