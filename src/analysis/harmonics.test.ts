import { beforeAll, describe, expect, it } from 'vitest';
import { parkMiller as rng, gauss } from '../../test/helpers/random.ts';
import { f64, i32, runHealpy, type HealpyResult } from '../../test/helpers/healpy.ts';
import { alm2cl, alm2map, almGetLmax, almIndex, almSize, anafast, map2alm } from './harmonics.ts';
import { ringDft } from './harmonicsRingFft.ts';
import { nside2npix, pixelCentres, reorder, UNSEEN } from './healpix.ts';

/** White noise, unit variance. */
function randomMap(nside: number, seed: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: nside2npix(nside) }, () => gauss(r));
}

/**
 * A relative-intensity-like sky: 1 + dipole + quadrupole + two top-hat spots + a ripple in
 * longitude, so that every l carries power (sharp edges) but the low l dominate.
 */
function structuredMap(nside: number): Float64Array {
  const c = pixelCentres(nside);
  const npix = nside2npix(nside);
  const map = new Float64Array(npix);
  const s1 = [0.3, -0.5, 0.81];
  const n1 = Math.hypot(s1[0], s1[1], s1[2]);
  for (let p = 0; p < npix; p++) {
    const x = c[3 * p], y = c[3 * p + 1], z = c[3 * p + 2];
    let v = 1 + 1e-3 * (0.6 * x - 0.3 * y + 0.2 * z) + 3e-4 * (3 * z * z - 1) + 2e-4 * x * y;
    if ((x * s1[0] + y * s1[1] + z * s1[2]) / n1 > Math.cos((10 * Math.PI) / 180)) v += 5e-4;
    if (z < -0.9) v -= 3e-4;
    v += 1e-4 * Math.sin(8 * Math.atan2(y, x)) * (1 - z * z);
    map[p] = v;
  }
  return map;
}

/**
 * Worst over l of max_m |a_lm − b_lm| / rms_m |b_lm|: "relative" for coefficients that can be
 * zero means relative to the typical size of the coefficients at that l (the rms over m). The
 * rms is floored at 1e-12 of the largest per-l rms, so that an l without power in the map does
 * not turn rounding noise into a large "relative" error.
 */
function worstRelAlm(a: Float64Array, b: Float64Array, lUpTo?: number): number {
  const lmax = almGetLmax(b.length);
  const top = lUpTo ?? lmax;
  const rms = new Float64Array(lmax + 1);
  for (let l = 0; l <= lmax; l++) {
    let s = 0;
    for (let m = 0; m <= l; m++) {
      const i = 2 * almIndex(l, m, lmax);
      s += b[i] ** 2 + b[i + 1] ** 2;
    }
    rms[l] = Math.sqrt(s / (l + 1));
  }
  const floor = 1e-12 * Math.max(...rms);
  let worst = 0;
  for (let l = 0; l <= top; l++) {
    for (let m = 0; m <= l; m++) {
      const i = 2 * almIndex(l, m, lmax);
      worst = Math.max(worst, Math.hypot(a[i] - b[i], a[i + 1] - b[i + 1]) / Math.max(rms[l], floor));
    }
  }
  return worst;
}

function worstRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  return w;
}

function worstAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]));
  return w;
}

function maxAbs(a: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i]));
  return w;
}

const NSIDES = [16, 64, 256];
const maps: Record<string, Float64Array> = {};
for (const ns of NSIDES) {
  maps[`rand${ns}`] = randomMap(ns, 1000 + ns);
  maps[`struct${ns}`] = structuredMap(ns);
}
// a random alm (lmax 191) for alm2map, and single high-(l, m) coefficients at N_side 256
const ALM64 = (() => {
  const r = rng(77);
  const lmax = 191;
  const a = new Float64Array(2 * almSize(lmax));
  for (let m = 0; m <= lmax; m++) {
    for (let l = m; l <= lmax; l++) {
      const i = 2 * almIndex(l, m, lmax);
      a[i] = gauss(r) / (l + 1);
      a[i + 1] = m === 0 ? 0 : gauss(r) / (l + 1);
    }
  }
  return a;
})();
const SINGLE_LM: [number, number][] = [
  [700, 690],
  [767, 767],
  [767, 3],
];
// a map with UNSEEN pixels (healpy treats them as 0)
const MASKED16 = (() => {
  const m = Float64Array.from(maps.struct16);
  for (let p = 0; p < m.length; p += 5) m[p] = UNSEEN;
  return m;
})();

let hp: HealpyResult;
const ours: Record<string, Float64Array> = {};

beforeAll(() => {
  const inputs: Record<string, Float64Array> = { alm64: ALM64, masked16: MASKED16 };
  for (const [k, v] of Object.entries(maps)) inputs[k] = v;
  hp = runHealpy(
    `
for name in ${JSON.stringify(Object.keys(maps))}:
    m = load(name)
    save('alm3_' + name, hp.map2alm(m, iter=3))
    save('cl3_' + name, hp.anafast(m, iter=3))
save('alm0_rand64', hp.map2alm(load('rand64'), iter=0))
save('alm0_struct256', hp.map2alm(load('struct256'), iter=0))
a64 = load('alm64').view(np.complex128)
save('map_alm64', hp.alm2map(a64, 64, lmax=191))
for (l, m) in ${JSON.stringify(SINGLE_LM)}:
    a = np.zeros(hp.Alm.getsize(767), dtype=np.complex128)
    a[hp.Alm.getidx(767, l, m)] = 1 + 0.5j
    save('single_%d_%d' % (l, m), hp.alm2map(a, 256, lmax=767))
save('alm3_masked16', hp.map2alm(load('masked16'), iter=3))
save('idx', np.array([hp.Alm.getidx(20, l, m) for m in range(21) for l in range(m, 21)]))
`,
    inputs,
    { timeoutMs: 300_000 },
  );
  for (const ns of NSIDES) {
    ours[`alm3_rand${ns}`] = map2alm(maps[`rand${ns}`]);
    ours[`alm3_struct${ns}`] = map2alm(maps[`struct${ns}`], { iterations: 3 });
  }
});

describe('map2alm / anafast against healpy', () => {
  // Tolerances. Both codes evaluate the same quadrature and the same Jacobi steps, so only
  // rounding differs, at ~1e-16 of the largest coefficient (the monopole here). Relative to the
  // per-l rms that is ~1e-12 for the white-noise maps, but up to ~2e-8 for the structured maps,
  // whose high-l coefficients are 1e-8 of the monopole. Hence two checks: per-l relative to 1e-7
  // (the project asks 1e-6 for l ≤ 2·N_side; we check every l ≤ 3·N_side−1), and absolute to
  // 1e-12 of the largest |a_lm| (measured ≤ 2e-13: rounding over 786k pixels).
  function checkAlm(a: Float64Array, ref: Float64Array, label: string): void {
    expect(a.length, label).toBe(ref.length);
    expect(worstRelAlm(a, ref), label).toBeLessThan(1e-7);
    expect(worstAbs(a, ref) / maxAbs(ref), label).toBeLessThan(1e-12);
  }

  it('map2alm (iter 3, lmax 3·N_side−1) agrees with healpy: 1e-7 of the per-l rms and 1e-12 of max |a_lm|, N_side 16/64/256', () => {
    for (const ns of NSIDES) {
      for (const kind of ['rand', 'struct']) {
        const name = `${kind}${ns}`;
        checkAlm(ours[`alm3_${name}`], f64(hp, `alm3_${name}`), name);
      }
    }
  });

  it('map2alm without iterations (iter 0) agrees with healpy to the same tolerances', () => {
    checkAlm(map2alm(maps.rand64, { iterations: 0 }), f64(hp, 'alm0_rand64'), 'rand64');
    checkAlm(map2alm(maps.struct256, { iterations: 0 }), f64(hp, 'alm0_struct256'), 'struct256');
  });

  it('anafast C_l agree with healpy to 1e-7 relative for every l (C_l > 0, so plainly relative; as the alm)', () => {
    for (const ns of NSIDES) {
      for (const kind of ['rand', 'struct']) {
        const name = `${kind}${ns}`;
        const cl = alm2cl(ours[`alm3_${name}`]);
        expect(worstRel(cl, f64(hp, `cl3_${name}`)), name).toBeLessThan(1e-7);
      }
    }
  });

  it('anafast(map) is alm2cl(map2alm(map)) with the same defaults (lmax 3·N_side−1, iter 3)', () => {
    expect(anafast(maps.struct16)).toEqual(alm2cl(map2alm(maps.struct16)));
  });

  it('UNSEEN pixels count as zero, as in healpy (same tolerances)', () => {
    checkAlm(map2alm(MASKED16), f64(hp, 'alm3_masked16'), 'masked16');
  });

  it('NESTED input with { nest: true } gives the RING result bit for bit', () => {
    const nested = reorder(maps.struct16, 'r2n');
    expect(map2alm(nested, { nest: true })).toEqual(map2alm(maps.struct16));
  });
});

describe('alm2map against healpy', () => {
  it('alm2map of a random alm (N_side 64, lmax 191) agrees to 1e-12 of max |map|', () => {
    const ref = f64(hp, 'map_alm64');
    expect(worstAbs(alm2map(ALM64, 64), ref) / maxAbs(ref)).toBeLessThan(1e-12);
  });

  it('single a_lm up to l = m = 767 at N_side 256: finite everywhere, equal to healpy to 1e-10 of max |map|', () => {
    // sin^m θ underflows on the polar rings (1e-1900 for m = 767 on the first ring): this pins
    // the scaled Legendre start; 1e-10 leaves room for the recursion's rounding over 767 steps.
    for (const [l, m] of SINGLE_LM) {
      const a = new Float64Array(2 * almSize(767));
      a[2 * almIndex(l, m, 767)] = 1;
      a[2 * almIndex(l, m, 767) + 1] = 0.5;
      const map = alm2map(a, 256);
      const ref = f64(hp, `single_${l}_${m}`);
      expect(map.every(Number.isFinite)).toBe(true);
      expect(worstAbs(map, ref) / maxAbs(ref), `l ${l} m ${m}`).toBeLessThan(1e-10);
    }
  });
});

describe('alm layout and power spectrum', () => {
  it('almIndex is healpy\'s Alm.getidx (m-major, l contiguous) and almGetLmax inverts almSize', () => {
    const idx = i32(hp, 'idx');
    const ours: number[] = [];
    for (let m = 0; m <= 20; m++) for (let l = m; l <= 20; l++) ours.push(almIndex(l, m, 20));
    expect(ours).toEqual(Array.from(idx));
    for (const lmax of [0, 1, 2, 47, 767]) expect(almGetLmax(2 * almSize(lmax))).toBe(lmax);
    expect(() => almGetLmax(10)).toThrow();
  });

  it('alm2cl is Σ_m |a_lm|² / (2l+1) over m = −l..l (Eq. 29) for a hand-made alm (1e-15)', () => {
    const lmax = 2;
    const a = new Float64Array(2 * almSize(lmax));
    a[2 * almIndex(2, 0, lmax)] = 3;
    a[2 * almIndex(2, 1, lmax)] = 1;
    a[2 * almIndex(2, 1, lmax) + 1] = 2;
    a[2 * almIndex(2, 2, lmax) + 1] = -1;
    // |a_20|² + 2(|a_21|² + |a_22|²) = 9 + 2(5 + 1) = 21, over 5
    const cl = alm2cl(a);
    expect(cl[2]).toBeCloseTo(21 / 5, 15);
    expect(cl[0]).toBe(0);
    const b = Float64Array.from(a, (x) => 2 * x);
    expect(alm2cl(a, b)[2]).toBeCloseTo(42 / 5, 14);
  });

  it('round trip: a band-limited map (lmax = N_side = 32) converges under the Jacobi iterations (2e-6 at 3, 1e-12 at 10)', () => {
    // The HEALPix quadrature is not exact; each iteration shrinks its error by ~30 here
    // (measured: 2e-2, 5e-7, 1e-15 at 0, 3, 10 iterations). The bounds leave a factor 4 / 1000.
    const lmax = 32;
    const r = rng(5);
    const a = new Float64Array(2 * almSize(lmax));
    for (let m = 0; m <= lmax; m++) {
      for (let l = m; l <= lmax; l++) {
        a[2 * almIndex(l, m, lmax)] = gauss(r);
        a[2 * almIndex(l, m, lmax) + 1] = m === 0 ? 0 : gauss(r);
      }
    }
    const map = alm2map(a, 32);
    const e0 = worstAbs(map2alm(map, { lmax, iterations: 0 }), a);
    const e3 = worstAbs(map2alm(map, { lmax, iterations: 3 }), a);
    const e10 = worstAbs(map2alm(map, { lmax, iterations: 10 }), a);
    expect(e3).toBeLessThan(2e-6);
    expect(e10).toBeLessThan(1e-12);
    expect(e0).toBeGreaterThan(100 * e3);
  });
});

describe('ring DFT', () => {
  it('mixed radix (factors 2, 3, odd primes ≤ 47) and Bluestein (a larger prime factor) equal the direct DFT to 1e-13 of the largest |X_k|', () => {
    // 212 = 4·53 and 388 = 4·97 go through Bluestein; the others through the mixed-radix passes.
    for (const n of [1, 4, 8, 12, 20, 36, 100, 212, 256, 388, 1020]) {
      const r = rng(n);
      const x = Float64Array.from({ length: 2 * n }, () => r() - 0.5);
      const out = new Float64Array(2 * n);
      ringDft(n).forward(x, out);
      const ref = new Float64Array(2 * n);
      for (let k = 0; k < n; k++) {
        for (let j = 0; j < n; j++) {
          const ang = (-2 * Math.PI * ((j * k) % n)) / n;
          ref[2 * k] += x[2 * j] * Math.cos(ang) - x[2 * j + 1] * Math.sin(ang);
          ref[2 * k + 1] += x[2 * j] * Math.sin(ang) + x[2 * j + 1] * Math.cos(ang);
        }
      }
      expect(worstAbs(out, ref) / maxAbs(ref), `n = ${n}`).toBeLessThan(1e-13);
    }
  });
});
