import { beforeAll, describe, expect, it } from 'vitest';
import { f64, runHealpy } from '../../../test/helpers/healpy.ts';
import { parkMiller } from '../../../test/helpers/random.ts';
import { udGrade } from './udGrade.ts';

const r = parkMiller(4242);
const MAP = Float64Array.from({ length: 12 * 32 * 32 }, () => 1 + 0.01 * (r() - 0.5));
let hp: { to16: Float64Array; to4: Float64Array };

beforeAll(() => {
  const res = runHealpy(`m = load('MAP')\nsave('to16', hp.ud_grade(m, 16))\nsave('to4', hp.ud_grade(m, 4))`, { MAP });
  hp = { to16: f64(res, 'to16'), to4: f64(res, 'to4') };
});

describe('udGrade (healpy ud_grade, degrading)', () => {
  it('equals healpy ud_grade from N_side 32 to 16 and 4 (1e-15)', () => {
    const a = udGrade(MAP, 16), b = udGrade(MAP, 4);
    for (let p = 0; p < a.length; p++) expect(Math.abs(a[p] - hp.to16[p])).toBeLessThan(1e-15);
    for (let p = 0; p < b.length; p++) expect(Math.abs(b[p] - hp.to4[p])).toBeLessThan(1e-15);
  });

  it('keeps the mean exactly, copies at the same N_side and refuses to upgrade', () => {
    const mean = (m: Float64Array) => m.reduce((s, x) => s + x, 0) / m.length;
    expect(mean(udGrade(MAP, 8))).toBeCloseTo(mean(MAP), 14);
    expect(Array.from(udGrade(MAP, 32))).toEqual(Array.from(MAP));
    expect(() => udGrade(MAP, 64)).toThrow(/only degrading/);
  });
});
