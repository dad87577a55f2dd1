import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCsv, parseCsv, readCsv, writeCsv } from './csv.ts';

describe('numeric CSV', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'crsky-csv-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round trip is bit-exact for float64 (random doubles, extremes, -0, NaN, ±Inf) with comments kept', () => {
    const n = 2000;
    const a = new Float64Array(n);
    const view = new DataView(new ArrayBuffer(8));
    let s = 12345;
    for (let i = 0; i < n; i++) {
      // random bit patterns cover all exponents; skip the NaN patterns (tested separately)
      do {
        s = (s * 1103515245 + 12345) >>> 0;
        view.setUint32(0, s);
        s = (s * 1103515245 + 12345) >>> 0;
        view.setUint32(4, s);
      } while (Number.isNaN(view.getFloat64(0)));
      a[i] = view.getFloat64(0);
    }
    a.set([0, -0, Number.MIN_VALUE, -Number.MAX_VALUE, 0.1, 1 / 3, 1e21, 123456789012345680000, NaN, Infinity, -Infinity], 0);
    const l = Float64Array.from({ length: n }, (_, i) => i);
    const path = join(dir, 'cl.csv');
    writeCsv(path, { l, cl: a }, ['crsky analyze: nside=64 lmax=32', 'two\nlines']);
    const t = readCsv(path);
    expect(t.names).toEqual(['l', 'cl']);
    expect(t.comments).toEqual(['crsky analyze: nside=64 lmax=32', 'two', 'lines']);
    expect(t.rows).toBe(n);
    for (let i = 0; i < n; i++) {
      expect(Object.is(t.columns.cl[i], a[i]), `row ${i}: ${t.columns.cl[i]} vs ${a[i]}`).toBe(true);
      expect(t.columns.l[i]).toBe(i);
    }
    expect(readFileSync(path, 'utf8').split('\n').slice(0, 4)).toEqual(['# crsky analyze: nside=64 lmax=32', '# two', '# lines', 'l,cl']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('the l,mean,std,noise,cl_hat,error layout keeps column order', () => {
    const cols = { l: [1, 2], mean: [1e-7, 2e-8], std: [1e-8, 3e-9], noise: [1e-11, 1e-11], cl_hat: [9.999e-8, 1.999e-8], error: [1e-8, 3e-9] };
    const text = formatCsv(cols);
    expect(text.split('\n')[0]).toBe('l,mean,std,noise,cl_hat,error');
    expect(parseCsv(text).names).toEqual(Object.keys(cols));
  });

  it('rejects unequal columns, bad names, non-numbers and short rows with line numbers', () => {
    expect(() => formatCsv({ a: [1, 2], b: [1] })).toThrow(/column b has 1 values/);
    expect(() => formatCsv({ 'a,b': [1] })).toThrow(/column name/);
    expect(() => parseCsv('a,b\n1,x\n', 'f.csv')).toThrow(/f\.csv line 2, column b: not a number/);
    expect(() => parseCsv('a,b\n1\n', 'f.csv')).toThrow(/line 2: 1 fields, header has 2/);
    expect(() => parseCsv('# only comments\n')).toThrow(/no header row/);
    expect(() => parseCsv('a,b\n0x10,1\n')).toThrow(/not a number/);
  });

  it('reads what numpy writes: exponents, nan, inf, blank lines', () => {
    const t = parseCsv('# numpy.savetxt\nx,y\n1.000000000000000000e+00,nan\n\n-2.5E-03,inf\n3,-Infinity\n');
    expect(Array.from(t.columns.x)).toEqual([1, -2.5e-3, 3]);
    expect(Number.isNaN(t.columns.y[0])).toBe(true);
    expect(t.columns.y[1]).toBe(Infinity);
    expect(t.columns.y[2]).toBe(-Infinity);
  });
});
