import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/errors.ts';
import { FieldSchema, type FieldConfig } from '../config/schema.ts';
import { createField } from './create.ts';
import { createFieldEvaluator } from './evaluate.ts';
import { modeCount } from './field.ts';
import { drawPlaneWaves } from './planeWaves.ts';
import { powerLawCorrelationLengthPc } from './spectrum.ts';

const config = (input: unknown): FieldConfig => FieldSchema.parse(input);

describe('createField', () => {
  it('defaults: 256 plane-wave modes, L_c within 1e-3 of the closed form (midpoint modes, error ~3e-5)', () => {
    const f = createField(config({}), 'crsky:1:field:0');
    expect(f.b0).toEqual([0, 0, 0]);
    expect(f.turbulence?.kind).toBe('modes');
    if (f.turbulence?.kind !== 'modes') return;
    expect(modeCount(f.turbulence)).toBe(256);
    expect(f.summary.brmsUG).toBe(1);
    expect([f.summary.lMinPc, f.summary.lMaxPc]).toEqual([1, 100]);
    expect(f.summary.correlationLengthPc / powerLawCorrelationLengthPc(1, 100)).toBeCloseTo(1, 3);
    expect(f.summary.description).toMatch(/Kolmogorov.*256 plane-wave modes.*seed crsky:1:field:0/);
  });

  it('B0 follows b0UG and b0Direction (galactic angles rotated to equatorial axes)', () => {
    const f = createField(config({ b0UG: 2, b0Direction: { frame: 'galactic', lonDeg: 0, latDeg: 90 }, turbulence: { brmsUG: 0 } }), 's');
    expect(Math.hypot(...f.b0)).toBeCloseTo(2, 14);
    // north galactic pole: Dec 27.128°, so z = 2 sin(27.128°)
    expect(f.b0[2]).toBeCloseTo(2 * Math.sin((27.12825 * Math.PI) / 180), 5);
    expect(f.turbulence).toBeNull();
    expect(f.summary.correlationLengthPc).toBe(0);
  });

  it('grid method: gridN^3 nodes at lMaxPc/gridN by default, lattice L_c, description names the grid', () => {
    const f = createField(config({ turbulence: { method: 'grid', gridN: 16, spectrum: { kind: 'kolmogorov', lMinPc: 20, lMaxPc: 80 } } }), 'g');
    expect(f.turbulence?.kind).toBe('grid');
    if (f.turbulence?.kind !== 'grid') return;
    expect(f.turbulence.n).toBe(16);
    expect(f.turbulence.spacingPc).toBe(5);
    expect(f.turbulence.data.length).toBe(3 * 16 ** 3);
    expect(f.summary.correlationLengthPc).toBeGreaterThan(powerLawCorrelationLengthPc(20, 80));
    expect(f.summary.description).toMatch(/grid 16\^3 × 5 pc \(periodic box 80 pc\); seed g/);
  });

  it('grid method rejects an unresolvable band with a ConfigError naming the option', () => {
    const cfg = config({ turbulence: { method: 'grid', gridN: 16, gridSpacingPc: 1, spectrum: { kind: 'kolmogorov', lMinPc: 1, lMaxPc: 16 } } });
    expect(() => createField(cfg, 's')).toThrow(ConfigError);
    expect(() => createField(cfg, 's')).toThrow(/field\.turbulence\.spectrum\.lMinPc = 1/);
  });

  it('same seed gives bitwise the same field for both methods, a different seed a different one', () => {
    for (const method of ['modes', 'grid'] as const) {
      const cfg = config({ turbulence: { method, gridN: 16, modes: 32, spectrum: { kind: 'ahlers-mertsch', lMinPc: 4, lMaxPc: 32, bendoverPc: 5 } } });
      const [a, b, c] = ['x:0', 'x:0', 'x:1'].map((seed) => createField(cfg, seed));
      const bytes = (f: typeof a) => {
        const t = f.turbulence!;
        return Buffer.from(t.kind === 'modes' ? t.table.buffer : t.data.buffer);
      };
      expect(bytes(a).equals(bytes(b))).toBe(true);
      expect(bytes(a).equals(bytes(c))).toBe(false);
      const out = [new Float64Array(3), new Float64Array(3)];
      createFieldEvaluator(a)(3.3, 4.4, 5.5, out[0]);
      createFieldEvaluator(b)(3.3, 4.4, 5.5, out[1]);
      expect(Array.from(out[1])).toEqual(Array.from(out[0]));
    }
  });

  it('a modeTableFile config uses the given table as is; without the table it throws; brmsUG = 0 switches turbulence off', () => {
    const t = drawPlaneWaves({ kind: 'kolmogorov', lMinPc: 2, lMaxPc: 50 }, 3, 40, 'table');
    expect(() => createField(config({ turbulence: { modeTableFile: 'modes.csv' } }), 'ignored')).toThrow(/the table itself must be given/);
    const f = createField(config({ turbulence: { modeTableFile: 'modes.csv' } }), 'ignored', { modeTable: t });
    expect(f.turbulence?.kind).toBe('modes');
    if (f.turbulence?.kind !== 'modes') return;
    expect(Array.from(f.turbulence.table)).toEqual(Array.from(t.table));
    // the table's own rms (3 uG), not the config's default brmsUG = 1
    expect(f.summary.brmsUG).toBeCloseTo(3, 12);
    expect(f.summary.lMinPc).toBeGreaterThan(2);
    expect(f.summary.lMaxPc).toBeLessThan(50);
    expect(f.summary.description).toMatch(/mode table modes\.csv: 40 plane waves/);
    const off = createField(config({ turbulence: { brmsUG: 0, modeTableFile: 'modes.csv' } }), 's');
    expect(off.turbulence).toBeNull();
  });
});
