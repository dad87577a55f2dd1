import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import { createFieldEvaluator } from './evaluate.ts';
import { MODE_STRIDE, type FieldData, type ModeTurbulence } from './field.ts';
import { formatModeTableCsv, MODE_TABLE_HEADER, parseModeTableCsv } from './modeTable.ts';
import { loadModeTable, saveModeTable } from '../io/modeTableFile.ts';
import { drawPlaneWaves } from './planeWaves.ts';

const dir = mkdtempSync(join(tmpdir(), 'crsky-modes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function asField(t: ModeTurbulence): FieldData {
  return { b0: [0, 0, 1], turbulence: t, summary: { b0: [0, 0, 1], brmsUG: 1, lMinPc: 1, lMaxPc: 100, correlationLengthPc: 0, description: '' } };
}

describe('mode table CSV', () => {
  it('save/load round trip is bit-exact, awkward values included (-0, subnormal, 1e300, 0.1+0.2)', () => {
    const t = drawPlaneWaves({ kind: 'kolmogorov', lMinPc: 1, lMaxPc: 100 }, 1, 64, 'csv');
    const table = t.table.slice();
    table.set([-0, 5e-324, 1e300, 0.1 + 0.2, -Number.MAX_VALUE, Number.MIN_VALUE * 3, Math.PI], 0);
    const path = join(dir, 'modes.csv');
    saveModeTable(path, table);
    const back = loadModeTable(path).table;
    expect(back.length).toBe(table.length);
    expect(Buffer.from(back.buffer).equals(Buffer.from(table.buffer))).toBe(true);
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe(MODE_TABLE_HEADER);
  });

  it('a table loaded from CSV gives bitwise the same B(x) as the original at 200 random points', () => {
    const t = drawPlaneWaves({ kind: 'kolmogorov', lMinPc: 1, lMaxPc: 100 }, 2, 256, 'csv-field');
    const path = join(dir, 'field.csv');
    saveModeTable(path, t.table);
    const original = createFieldEvaluator(asField(t));
    const loaded = createFieldEvaluator(asField(loadModeTable(path)));
    const rng = seedrandom('csv-points');
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    for (let i = 0; i < 200; i++) {
      const x = 1000 * (rng() - 0.5);
      const y = 1000 * (rng() - 0.5);
      const z = 1000 * (rng() - 0.5);
      original(x, y, z, a);
      loaded(x, y, z, b);
      expect(Array.from(b)).toEqual(Array.from(a));
    }
  });

  it('maps columns kx,ky,kz,ax,ay,az,phase to the in-memory layout [k, phase, a, 0]', () => {
    const table = parseModeTableCsv(`${MODE_TABLE_HEADER}\n1,2,3,4,5,6,7\n`);
    expect(Array.from(table)).toEqual([1, 2, 3, 7, 4, 5, 6, 0]);
    expect(formatModeTableCsv(table)).toBe(`${MODE_TABLE_HEADER}\n1,2,3,4,5,6,7\n`);
    // CRLF line endings and a trailing blank line are accepted
    expect(Array.from(parseModeTableCsv(`${MODE_TABLE_HEADER}\r\n1,2,3,4,5,6,7\r\n\r\n`))).toEqual([1, 2, 3, 7, 4, 5, 6, 0]);
  });

  it('rejects malformed files with the file name and line number', () => {
    const h = MODE_TABLE_HEADER;
    expect(() => parseModeTableCsv('kx,ky,kz,phase,ax,ay,az\n1,2,3,4,5,6,7\n', 'm.csv')).toThrow(/^m\.csv:1: header must be exactly/);
    expect(() => parseModeTableCsv(`${h}\n1,2,3,4,5,6,7\n1,2,3,4,5,6\n`, 'm.csv')).toThrow(/^m\.csv:3: expected 7 comma-separated numbers/);
    expect(() => parseModeTableCsv(`${h}\n1,2,3,4,5,6,7\n1,2,x,4,5,6,7\n`, 'm.csv')).toThrow(/^m\.csv:3: column kz = "x" is not a finite number/);
    expect(() => parseModeTableCsv(`${h}\n1,2,3,4,,6,7\n`, 'm.csv')).toThrow(/^m\.csv:2: column ay = "" is not a finite number/);
    expect(() => parseModeTableCsv(`${h}\n1,2,3,4,5,6,Infinity\n`, 'm.csv')).toThrow(/^m\.csv:2: column phase/);
    expect(() => parseModeTableCsv(`${h}\n0x10,2,3,4,5,6,7\n`, 'm.csv')).toThrow(/^m\.csv:2: column kx/);
    expect(() => parseModeTableCsv(`${h}\n`, 'm.csv')).toThrow(/holds no modes/);
    expect(() => loadModeTable(join(dir, 'missing.csv'))).toThrow(/cannot read/);
  });

  it('saves atomically: overwrites in one rename and leaves no temporary file, also on failure', () => {
    const path = join(dir, 'atomic.csv');
    writeFileSync(path, 'old contents');
    const table = new Float64Array(MODE_STRIDE).fill(1);
    saveModeTable(path, table);
    expect(readFileSync(path, 'utf8')).toBe(`${MODE_TABLE_HEADER}\n1,1,1,1,1,1,1\n`);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(() => saveModeTable(join(dir, 'no-such-dir', 'x.csv'), table)).toThrow(/cannot save/);
    expect(() => saveModeTable(join(dir, 'bad.csv'), new Float64Array(5))).toThrow(/multiple of 8/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
