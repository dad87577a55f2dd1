/**
 * The WebAssembly SIMD Legendre kernels against the scalar TypeScript ones
 * (harmonicsLegendreScalar.ts), kernel by kernel and through map2alm/alm2map, and the choice
 * between them.
 *
 * Tolerance: none, the results must be bitwise equal. Both sides do the same IEEE-754 binary64
 * operations (each correctly rounded, no fused multiply-add: WebAssembly's f64x2 arithmetic is
 * exact per lane and JavaScript never contracts a*b+c) in the same order for each SIMD lane: the
 * recurrence as (z·α)·p − p_prev, each analysis sum T_l[lane] over the group's rings of that lane
 * in ring order, each synthesis sum over l in order. A different summation order would leave
 * differences of a few ulp of the largest term (~1e-15 relative); any indexing mistake is O(1).
 * If the SIMD kernels are ever reordered on purpose, relax to that, not further.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gauss, parkMiller } from '../../test/helpers/random.ts';
import { alm2map, almIndex, almSize, map2alm } from './harmonics.ts';
import { legendreKernels, setLegendreKernels, simdAvailable, simdLegendreKernels } from './harmonicsLegendre.ts';
import { GROUP, scalarLegendreKernels, type LegendreKernels } from './harmonicsLegendreScalar.ts';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  setLegendreKernels('auto');
});

/** Index of the first f64 that differs bitwise (NaN payloads included), or −1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const ua = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const ub = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return i;
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Kernel by kernel, on memory laid out as harmonicsLegendre.ts lays it out
// ---------------------------------------------------------------------------------------------

interface RawLayout {
  lmax: number;
  m: number;
  nGroups: number;
  alpha: number;
  data: number;
  z: number;
  uvOff: number;
  ls: number;
  rec: number;
  recStride: number;
  /** μ and alm for reduce/scale, l = 0 .. lmax. */
  mu: number;
  alm: number;
  bytes: number;
}

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

function rawLayout(lmax: number, m: number, nGroups: number): RawLayout {
  const slots = nGroups * GROUP;
  const alpha = 0;
  const data = align16(alpha + 8 * (lmax + 1));
  const z = align16(data + 32 * (lmax + 1));
  const uvOff = 8 * slots;
  const ls = z + 3 * uvOff;
  const mu = align16(ls + 4 * nGroups);
  const alm = align16(mu + 8 * (lmax + 1));
  const rec = align16(alm + 16 * (lmax + 1));
  const recStride = 32 * (lmax + 1);
  return { lmax, m, nGroups, alpha, data, z, uvOff, ls, rec, recStride, mu, alm, bytes: rec + slots * recStride };
}

/**
 * The same memory contents for both kernels: α in [0.5, 1.5) and z in [0, 1) (the recurrence
 * stays within a few powers of ten over 40 steps), everything else in [−1, 1); the groups' start
 * l from `starts`.
 */
function fill(k: LegendreKernels, L: RawLayout, starts: readonly number[], seed: number): Float64Array {
  const need = L.bytes - k.memory.buffer.byteLength;
  if (need > 0) k.memory.grow(Math.ceil(need / 65536));
  const f = new Float64Array(k.memory.buffer, 0, L.bytes / 8);
  const r = parkMiller(seed);
  for (let j = 0; j < f.length; j++) f[j] = 2 * r() - 1;
  for (let l = 0; l <= L.lmax; l++) f[L.alpha / 8 + l] = 0.5 + r();
  for (let j = 0; j < L.nGroups * GROUP; j++) f[L.z / 8 + j] = r();
  const i = new Int32Array(k.memory.buffer, L.ls, L.nGroups);
  starts.forEach((s, g) => (i[g] = s));
  return f;
}

/** Runs `call` on fresh SIMD and scalar kernels with the same memory; returns both memories after. */
function runBoth(L: RawLayout, starts: readonly number[], call: (k: LegendreKernels) => void): { simd: Float64Array; scalar: Float64Array; before: Float64Array } {
  const out: Float64Array[] = [];
  let before = new Float64Array(0);
  for (const k of [simdLegendreKernels(), scalarLegendreKernels()]) {
    const f = fill(k, L, starts, 20250101);
    before = f.slice();
    call(k);
    out.push(new Float64Array(k.memory.buffer, 0, L.bytes / 8).slice());
  }
  return { simd: out[0], scalar: out[1], before };
}

/** Group starts covering every path: at m, one and five later (the other parity of n = lmax − lS),
 *  at lmax (no step), past lmax (group skipped). */
const startsFor = (m: number, lmax: number): number[] => [m, m + 1, m + 5, lmax, lmax + 1, m + 2];

describe('Legendre kernels: WebAssembly SIMD and scalar TypeScript agree bitwise', () => {
  it('this engine validates the SIMD module (else the comparisons below would be scalar against scalar)', () => {
    expect(simdAvailable()).toBe(true);
    expect(simdLegendreKernels().kind).toBe('simd');
  });

  for (const lmax of [40, 41]) {
    for (const m of [0, 3]) {
      const L = rawLayout(lmax, m, 6);
      const starts = startsFor(m, lmax);
      const args = (data: number): Parameters<LegendreKernels['analysis']> => [L.alpha, data, L.z, L.rec, L.recStride, L.ls, L.nGroups, m, lmax, L.uvOff];

      it(`analysis: T_l and the carried p, lmax ${lmax}, m ${m}, groups starting at ${starts.join(', ')}`, () => {
        const r = runBoth(L, starts, (k) => k.analysis(...args(L.data)));
        expect(firstDifference(r.simd, r.scalar)).toBe(-1);
        expect(firstDifference(r.simd, r.before)).not.toBe(-1); // the kernel did write
      });

      it(`synthesis: the E/O records and the carried p, lmax ${lmax}, m ${m}`, () => {
        const r = runBoth(L, starts, (k) => k.synthesis(...args(L.data)));
        expect(firstDifference(r.simd, r.scalar)).toBe(-1);
        // the skipped group (start past lmax) keeps its records
        const skipped = starts.indexOf(lmax + 1);
        const rec = (L.rec + skipped * GROUP * L.recStride) / 8;
        expect(Array.from(r.scalar.subarray(rec, rec + 4))).toEqual(Array.from(r.before.subarray(rec, rec + 4)));
        expect(firstDifference(r.simd, r.before)).not.toBe(-1);
      });
    }
  }

  for (const [lFrom, lTo] of [[0, 40], [3, 40], [40, 40], [5, 4]]) {
    const L = rawLayout(40, 0, 1);
    it(`reduce and scale, l = ${lFrom} .. ${lTo}`, () => {
      const red = runBoth(L, [0], (k) => k.reduce(L.data, L.mu, L.alm, lFrom, lTo));
      expect(firstDifference(red.simd, red.scalar)).toBe(-1);
      const sc = runBoth(L, [0], (k) => k.scale(L.data, L.mu, L.alm, lFrom, lTo));
      expect(firstDifference(sc.simd, sc.scalar)).toBe(-1);
      // an empty range writes nothing
      expect(firstDifference(red.scalar, red.before) === -1).toBe(lFrom > lTo);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Whole transforms
// ---------------------------------------------------------------------------------------------

/** Random alm of a real map band-limited to lmax, |a_lm| ~ 1/(l+1) (a red spectrum). */
function randomAlm(lmax: number, seed: number): Float64Array {
  const r = parkMiller(seed);
  const alm = new Float64Array(2 * almSize(lmax));
  for (let m = 0; m <= lmax; m++) {
    for (let l = m; l <= lmax; l++) {
      const i = 2 * almIndex(l, m, lmax);
      alm[i] = gauss(r) / (l + 1);
      alm[i + 1] = m === 0 ? 0 : gauss(r) / (l + 1);
    }
  }
  return alm;
}

function withKernels<T>(kind: 'simd' | 'scalar', run: () => T): T {
  setLegendreKernels(kind);
  expect(legendreKernels().kind).toBe(kind);
  return run();
}

describe('map2alm and alm2map: the same numbers with either kernels', () => {
  const cases: [number, number][] = [
    [8, 23],
    [8, 12],
    [32, 95],
    [32, 50],
    [64, 191],
    [64, 130],
  ];
  for (const [nside, lmax] of cases) {
    it(`N_side ${nside}, lmax ${lmax}: alm2map and map2alm (3 iterations) bitwise equal`, () => {
      const alm = randomAlm(lmax, 7 + nside + lmax);
      const map = withKernels('simd', () => alm2map(alm, nside));
      const mapScalar = withKernels('scalar', () => alm2map(alm, nside));
      expect(firstDifference(map, mapScalar)).toBe(-1);
      const back = withKernels('simd', () => map2alm(map, { lmax }));
      const backScalar = withKernels('scalar', () => map2alm(map, { lmax }));
      expect(firstDifference(back, backScalar)).toBe(-1);
      // ... and they did their job, not two equally wrong results: the round trip gives the alm
      // back (|a_00| ~ 1; measured 3e-6 .. 1.2e-2, the largest at lmax = 3 N_side − 1 where the
      // HEALPix quadrature is far from exact)
      let err = 0;
      for (let i = 0; i < alm.length; i++) err = Math.max(err, Math.abs(backScalar[i] - alm[i]));
      expect(err).toBeLessThan(0.05);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Which kernels run
// ---------------------------------------------------------------------------------------------

describe('kernel choice', () => {
  const nside = 16;
  const lmax = 40;
  const map = (): Float64Array => withKernels('simd', () => alm2map(randomAlm(lmax, 99), nside));

  it('by default (auto) the SIMD kernels run where WebAssembly validates them', () => {
    setLegendreKernels('auto');
    expect(legendreKernels().kind).toBe('simd');
  });

  it('with WebAssembly SIMD reported missing (validate → false) the scalar kernels run, with the same alm', () => {
    const m = map();
    const ref = withKernels('simd', () => map2alm(m, { lmax }));
    const validate = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    setLegendreKernels('auto');
    expect(simdAvailable()).toBe(false);
    const k = legendreKernels();
    expect(k.kind).toBe('scalar');
    const analysis = vi.spyOn(k, 'analysis');
    const synthesis = vi.spyOn(k, 'synthesis');
    const alm = map2alm(m, { lmax });
    expect(validate).toHaveBeenCalled();
    expect(analysis).toHaveBeenCalled();
    expect(synthesis).toHaveBeenCalled(); // the iterations
    expect(firstDifference(alm, ref)).toBe(-1);
  });

  it('without WebAssembly at all the scalar kernels run', () => {
    const m = map();
    const ref = withKernels('simd', () => alm2map(map2alm(m, { lmax, iterations: 0 }), nside));
    vi.stubGlobal('WebAssembly', undefined);
    setLegendreKernels('auto');
    expect(legendreKernels().kind).toBe('scalar');
    const out = alm2map(map2alm(m, { lmax, iterations: 0 }), nside);
    expect(firstDifference(out, ref)).toBe(-1);
  });

  it('forcing the SIMD kernels where they are missing throws instead of running something else', () => {
    const m = map();
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    setLegendreKernels('simd');
    expect(() => map2alm(m, { lmax })).toThrow(/SIMD is not available/);
  });
});
