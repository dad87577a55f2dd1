import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { fft3dInPlace } from './fft3d.ts';

/** Direct O(n^6) DFT, the definition the fast transform must reproduce. */
function naiveDft(data: Float64Array, n: number, sign: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let c = 0; c < n; c++)
    for (let b = 0; b < n; b++)
      for (let a = 0; a < n; a++) {
        let re = 0;
        let im = 0;
        for (let z = 0; z < n; z++)
          for (let y = 0; y < n; y++)
            for (let x = 0; x < n; x++) {
              const i = 2 * (x + n * (y + n * z));
              const ph = (sign * 2 * Math.PI * (a * x + b * y + c * z)) / n;
              re += data[i] * Math.cos(ph) - data[i + 1] * Math.sin(ph);
              im += data[i] * Math.sin(ph) + data[i + 1] * Math.cos(ph);
            }
        const o = 2 * (a + n * (b + n * c));
        out[o] = re;
        out[o + 1] = im;
      }
  return out;
}

describe('fft3dInPlace', () => {
  // Round-off of an n^3-point transform of O(1) data is ~1e-15·n^3·log; 1e-10 leaves a wide margin
  // while any index or sign error gives O(1) differences.
  for (const n of [2, 4, 8]) {
    it(`matches the direct DFT in both directions at n = ${n} (max abs error 1e-10)`, () => {
      const rng = seedrandom(`fft${n}`);
      const data = Float64Array.from({ length: 2 * n ** 3 }, () => rng() - 0.5);
      for (const direction of ['forward', 'inverse'] as const) {
        const fast = data.slice();
        fft3dInPlace(fast, n, direction);
        const slow = naiveDft(data, n, direction === 'forward' ? -1 : 1);
        let err = 0;
        for (let i = 0; i < data.length; i++) err = Math.max(err, Math.abs(fast[i] - slow[i]));
        expect(err).toBeLessThan(1e-10);
      }
    });
  }

  it('inverse(forward(x)) = n^3 x (max abs error 1e-12 at n = 16)', () => {
    const n = 16;
    const rng = seedrandom('roundtrip');
    const data = Float64Array.from({ length: 2 * n ** 3 }, () => rng() - 0.5);
    const work = data.slice();
    fft3dInPlace(work, n, 'forward');
    fft3dInPlace(work, n, 'inverse');
    let err = 0;
    for (let i = 0; i < data.length; i++) err = Math.max(err, Math.abs(work[i] / n ** 3 - data[i]));
    expect(err).toBeLessThan(1e-12);
  });

  it('rejects sizes that are not powers of two or do not match the data', () => {
    expect(() => fft3dInPlace(new Float64Array(2 * 27), 3, 'forward')).toThrow(/power of two/);
    expect(() => fft3dInPlace(new Float64Array(10), 4, 'forward')).toThrow(/2·n\^3/);
  });
});
