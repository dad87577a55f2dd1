import { beforeAll, describe, expect, it } from 'vitest';
import { parkMiller as rng } from '../../test/helpers/random.ts';
import { f64, i32, runHealpy, type HealpyResult } from '../../test/helpers/healpy.ts';
import {
  ang2pix,
  getAllNeighbours,
  maxPixrad,
  nest2ring,
  nest2ringTable,
  npix2nside,
  nside2npix,
  pix2ang,
  pix2vec,
  pixelCentres,
  queryDisc,
  reorder,
  ring2nest,
  ring2nestTable,
  ringInfo,
  subPixelDirections,
  subPixelDirectionsGeneral,
  vec2pix,
  vec2pixArray,
} from './healpix.ts';

const NSIDES_NB = [1, 2, 4, 16, 64, 256];
const NSIDES_CENTRES = [1, 2, 4, 16, 64, 256];
const NSIDES_ANG = [1, 8, 64, 1024, 8192];

// random directions plus hard cases: the poles, points within 1e-9 rad of them, the equator
const N_PTS = 20000;
const theta = new Float64Array(N_PTS);
const phi = new Float64Array(N_PTS);
{
  const r = rng(11);
  for (let i = 0; i < N_PTS; i++) {
    theta[i] = Math.acos(2 * r() - 1);
    phi[i] = 2 * Math.PI * r();
  }
  theta[0] = 0;
  theta[1] = Math.PI;
  theta[2] = 1e-9;
  theta[3] = Math.PI - 1e-9;
  theta[4] = Math.PI / 2;
  phi[4] = 0;
  for (let i = 5; i < 500; i++) theta[i] = 1e-3 * r();
  for (let i = 500; i < 1000; i++) theta[i] = Math.PI - 1e-3 * r();
  // dyadic coordinates land exactly on pixel edges: ties must break as in healpy
  for (let i = 1000; i < 2000; i++) {
    theta[i] = Math.acos(Math.round((2 * r() - 1) * 4096) / 4096);
    phi[i] = (Math.round(r() * 4096) / 4096) * 2 * Math.PI;
  }
}

// the same directions as non-normalized vectors (length 3)
const VECS = new Float64Array(3 * N_PTS);
for (let i = 0; i < N_PTS; i++) {
  const s = Math.sin(theta[i]);
  VECS[3 * i] = 3 * s * Math.cos(phi[i]);
  VECS[3 * i + 1] = 3 * s * Math.sin(phi[i]);
  VECS[3 * i + 2] = 3 * Math.cos(theta[i]);
}

// discs: random centres, small to very large radii, discs around the poles and the whole sky
const discs: number[] = [];
{
  const r = rng(5);
  for (let i = 0; i < 60; i++) {
    const z = 2 * r() - 1;
    const p = 2 * Math.PI * r();
    const s = Math.sqrt(1 - z * z);
    discs.push(s * Math.cos(p), s * Math.sin(p), z, i < 10 ? 3 * r() : 0.4 * r() * r());
  }
  discs.push(0, 0, 1, 0.3, 0, 0, -1, 0.3, 1, 0, 0, Math.PI, 0, 0, 1, 2.0, 0.3, -0.2, 0.1, 0.05);
}
const DISCS = new Float64Array(discs);
const NSIDES_DISC = [1, 4, 16, 64, 256];
/** At N_side 256 only the discs with radius < 0.4 rad (the large ones hold ~10^5 pixels each). */
const discsFor = (ns: number): number[] =>
  Array.from({ length: DISCS.length / 4 }, (_, d) => d).filter((d) => ns < 256 || DISCS[4 * d + 3] < 0.4);

let hp: HealpyResult;

beforeAll(() => {
  hp = runHealpy(
    `
th = load('th'); ph = load('ph'); D = load('D').reshape(-1, 4)
for ns in ${JSON.stringify(NSIDES_CENTRES)}:
    for nest in (False, True):
        x, y, z = hp.pix2vec(ns, np.arange(12*ns*ns), nest=nest)
        save('c_%d_%d' % (ns, nest), np.stack([x, y, z], axis=1))
        result('mpr_%d' % ns, float(hp.max_pixrad(ns)))
for ns in ${JSON.stringify(NSIDES_NB)}:
    for nest in (False, True):
        save('nb_%d_%d' % (ns, nest), hp.get_all_neighbours(ns, np.arange(12*ns*ns), nest=nest).T)
    save('r2n_%d' % ns, hp.ring2nest(ns, np.arange(12*ns*ns)))
for ns in ${JSON.stringify(NSIDES_ANG)}:
    for nest in (False, True):
        save('a2p_%d_%d' % (ns, nest), hp.ang2pix(ns, th, ph, nest=nest))
    V = load('V').reshape(-1, 3)
    save('v2p_%d' % ns, hp.vec2pix(ns, V[:, 0], V[:, 1], V[:, 2]))
for ns in ${JSON.stringify(NSIDES_DISC)}:
    for nest in (False, True):
        ex = []; inc = []
        for d in D:
            if ns >= 256 and d[3] >= 0.4:
                continue
            a = hp.query_disc(ns, d[:3], d[3], nest=nest); ex.append(len(a)); ex.extend(a.tolist())
            b = hp.query_disc(ns, d[:3], d[3], inclusive=True, nest=nest); inc.append(len(b)); inc.extend(b.tolist())
        save('qd_%d_%d' % (ns, nest), np.array(ex)); save('qi_%d_%d' % (ns, nest), np.array(inc))
`,
    { th: theta, ph: phi, D: DISCS, V: VECS },
  );
});

describe('HEALPix basics', () => {
  it('healpy is importable from /usr/bin/python3 (cross-checks fail, never skip, without it)', () => {
    expect(hp.arrays['c_1_0']).toBeInstanceOf(Float64Array);
  });

  it('nside2npix / npix2nside round trip and reject non-powers of two', () => {
    for (const ns of [1, 2, 64, 1024, 8192]) expect(npix2nside(nside2npix(ns))).toBe(ns);
    expect(() => nside2npix(3)).toThrow();
    expect(() => npix2nside(12 * 9)).toThrow();
  });

  it('max_pixrad equals healpy to 1e-15 rad (same closed form, rounding only)', () => {
    for (const ns of NSIDES_CENTRES) expect(Math.abs(maxPixrad(ns) - (hp.values[`mpr_${ns}`] as number))).toBeLessThan(1e-15);
  });
});

describe('pixel centres', () => {
  it('pixelCentres (RING and NESTED) equal healpy.pix2vec to 4e-15 per component (a few ulp)', () => {
    for (const ns of NSIDES_CENTRES) {
      for (const nest of [false, true]) {
        const ours = pixelCentres(ns, { nest });
        const ref = f64(hp, `c_${ns}_${nest ? 1 : 0}`);
        expect(ours.length).toBe(ref.length);
        let worst = 0;
        for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - ref[i]));
        expect(worst, `N_side ${ns} nest ${nest}`).toBeLessThan(4e-15);
      }
    }
  });

  it('pix2vec equals pixelCentres bit for bit; pix2ang reproduces it through cos/sin to 2e-15', () => {
    const ns = 16;
    for (const nest of [false, true]) {
      const c = pixelCentres(ns, { nest });
      for (let p = 0; p < nside2npix(ns); p += 7) {
        const v = pix2vec(ns, p, { nest });
        const { theta: t, phi: f } = pix2ang(ns, p, { nest });
        for (let k = 0; k < 3; k++) expect(v[k]).toBe(c[3 * p + k]);
        expect(Math.abs(Math.cos(t) - c[3 * p + 2])).toBeLessThan(2e-15);
        expect(Math.abs(Math.sin(t) * Math.cos(f) - c[3 * p])).toBeLessThan(2e-15);
      }
    }
  });

  it('ringInfo: rings tile the pixels in RING order, and ring z / φ0 reproduce the centres (1e-15)', () => {
    const ns = 8;
    const info = ringInfo(ns);
    const c = pixelCentres(ns);
    let next = 0;
    for (let r = 0; r < info.nRings; r++) {
      expect(info.firstPix[r]).toBe(next);
      next += info.nPix[r];
      const p = info.firstPix[r] + 1;
      expect(Math.abs(c[3 * p + 2] - info.z[r])).toBeLessThan(1e-15);
      const f = info.phi0[r] + (2 * Math.PI) / info.nPix[r];
      expect(Math.abs(c[3 * p] - info.sinTheta[r] * Math.cos(f))).toBeLessThan(1e-15);
    }
    expect(next).toBe(nside2npix(ns));
  });
});

describe('orderings', () => {
  it('ring2nest / nest2ring and their tables equal healpy.ring2nest exactly', () => {
    for (const ns of NSIDES_NB) {
      const ref = i32(hp, `r2n_${ns}`);
      const table = ring2nestTable(ns);
      const inv = nest2ringTable(ns);
      let bad = 0;
      for (let p = 0; p < ref.length; p++) {
        if (table[p] !== ref[p] || inv[ref[p]] !== p) bad++;
        if (ring2nest(ns, p) !== ref[p] || nest2ring(ns, ref[p]) !== p) bad++;
      }
      expect(bad, `N_side ${ns}`).toBe(0);
    }
  });

  it('reorder r2n then n2r is the identity, and r2n puts RING pixel p at its NESTED index', () => {
    const ns = 16;
    const map = Float64Array.from({ length: nside2npix(ns) }, (_, i) => i);
    const n = reorder(map, 'r2n');
    const t = ring2nestTable(ns);
    for (let p = 0; p < map.length; p++) expect(n[t[p]]).toBe(p);
    expect(reorder(n, 'n2r')).toEqual(map);
  });
});

describe('ang2pix / vec2pix', () => {
  /**
   * A point exactly on a pixel edge (the dyadic test points are) belongs to either pixel; which
   * one depends on the last bit of cos θ or z/r. A disagreement with healpy is accepted only if
   * healpy's pixel is reached by moving the point by at most 1e-12 rad.
   */
  function edgeTie(ns: number, th: number, ph: number, target: number, nest: boolean): boolean {
    const e = 1e-12;
    for (const [dt, dp] of [[e, 0], [-e, 0], [0, e], [0, -e], [e, e], [-e, -e], [e, -e], [-e, e]]) {
      const t = Math.min(Math.PI, Math.max(0, th + dt));
      if (ang2pix(ns, t, ph + dp, { nest }) === target) return true;
    }
    return false;
  }

  it('ang2pix equals healpy (RING, NESTED; N_side 1..8192; poles, 1e-9 rad from them; edge ties within 1e-12 rad)', () => {
    for (const ns of NSIDES_ANG) {
      for (const nest of [false, true]) {
        const ref = i32(hp, `a2p_${ns}_${nest ? 1 : 0}`);
        let bad = 0;
        for (let i = 0; i < N_PTS; i++) {
          if (ang2pix(ns, theta[i], phi[i], { nest }) !== ref[i] && !edgeTie(ns, theta[i], phi[i], ref[i], nest)) bad++;
        }
        expect(bad, `N_side ${ns} nest ${nest}`).toBe(0);
      }
    }
  });

  it('vec2pix of non-normalized vectors equals healpy (edge ties within 1e-12 rad)', () => {
    for (const ns of NSIDES_ANG) {
      const ref = i32(hp, `v2p_${ns}`);
      const ours = vec2pixArray(ns, VECS);
      let bad = 0;
      for (let i = 0; i < N_PTS; i++) if (ours[i] !== ref[i] && !edgeTie(ns, theta[i], phi[i], ref[i], false)) bad++;
      expect(bad, `N_side ${ns}`).toBe(0);
    }
  });

  it('every pixel centre maps back to its own pixel (RING and NESTED, N_side 64)', () => {
    for (const nest of [false, true]) {
      const c = pixelCentres(64, { nest });
      let bad = 0;
      for (let p = 0; p < nside2npix(64); p++) if (vec2pix(64, c[3 * p], c[3 * p + 1], c[3 * p + 2], { nest }) !== p) bad++;
      expect(bad).toBe(0);
    }
  });
});

describe('neighbours', () => {
  it('getAllNeighbours equals healpy.get_all_neighbours for every pixel (order SW..S, -1 at 3-face corners)', () => {
    for (const ns of NSIDES_NB) {
      for (const nest of [false, true]) {
        const ref = i32(hp, `nb_${ns}_${nest ? 1 : 0}`);
        let bad = 0;
        for (let p = 0; p < nside2npix(ns); p++) {
          const nb = getAllNeighbours(ns, p, { nest });
          for (let k = 0; k < 8; k++) if (nb[k] !== ref[8 * p + k]) bad++;
        }
        expect(bad, `N_side ${ns} nest ${nest}`).toBe(0);
      }
    }
  });
});

describe('query_disc', () => {
  function healpyLists(name: string): number[][] {
    const flat = i32(hp, name);
    const out: number[][] = [];
    for (let o = 0; o < flat.length; ) {
      const n = flat[o];
      out.push(Array.from(flat.subarray(o + 1, o + 1 + n)).sort((a, b) => a - b));
      o += n + 1;
    }
    return out;
  }

  it('exact query (centres inside) returns the same pixel set as healpy (radii 0 .. π, discs on the poles)', () => {
    for (const ns of NSIDES_DISC) {
      for (const nest of [false, true]) {
        const ref = healpyLists(`qd_${ns}_${nest ? 1 : 0}`);
        const ds = discsFor(ns);
        expect(ref.length).toBe(ds.length);
        ds.forEach((d, k) => {
          const v: [number, number, number] = [DISCS[4 * d], DISCS[4 * d + 1], DISCS[4 * d + 2]];
          expect(Array.from(queryDisc(ns, v, DISCS[4 * d + 3], { nest })), `N_side ${ns} nest ${nest} disc ${d}`).toEqual(ref[k]);
        });
      }
    }
  });

  it('inclusive query contains every pixel of healpy\'s inclusive query, and only centres within r + max_pixrad', () => {
    for (const ns of NSIDES_DISC) {
      for (const nest of [false, true]) {
        const ref = healpyLists(`qi_${ns}_${nest ? 1 : 0}`);
        const c = pixelCentres(ns, { nest });
        const ds = discsFor(ns);
        for (let k = 0; k < ds.length; k++) {
          const d = ds[k];
          const len = Math.hypot(DISCS[4 * d], DISCS[4 * d + 1], DISCS[4 * d + 2]);
          const v: [number, number, number] = [DISCS[4 * d] / len, DISCS[4 * d + 1] / len, DISCS[4 * d + 2] / len];
          const r = DISCS[4 * d + 3];
          const ours = queryDisc(ns, v, r, { nest, inclusive: true });
          const set = new Set(ours);
          const missing = ref[k].filter((p) => !set.has(p));
          expect(missing, `N_side ${ns} nest ${nest} disc ${d}`).toEqual([]);
          const cosMax = Math.cos(Math.min(Math.PI, r + maxPixrad(ns))) - 1e-12;
          const tooFar = Array.from(ours).filter((p) => c[3 * p] * v[0] + c[3 * p + 1] * v[1] + c[3 * p + 2] * v[2] < cosMax);
          expect(tooFar, `N_side ${ns} nest ${nest} disc ${d}`).toEqual([]);
        }
      }
    }
  });
});

describe('sub-pixel directions', () => {
  it('k = 1 returns pixelCentres exactly; the general path at k = 1 agrees to 2e-15', () => {
    for (const nest of [false, true]) {
      const c = pixelCentres(8, { nest });
      expect(subPixelDirections(8, 1, { nest })).toEqual(c);
      const g = subPixelDirectionsGeneral(8, 1, { nest });
      let worst = 0;
      for (let i = 0; i < c.length; i++) worst = Math.max(worst, Math.abs(g[i] - c[i]));
      expect(worst).toBeLessThan(2e-15);
    }
  });

  it('k = 2, 4: the k² points of NESTED pixel p are the centres of its children at N_side·k (so equal areas), 2e-15', () => {
    for (const k of [2, 4]) {
      const ns = 4;
      const sub = subPixelDirections(ns, k, { nest: true });
      const fine = pixelCentres(ns * k, { nest: true });
      const k2 = k * k;
      for (let p = 0; p < nside2npix(ns); p++) {
        // the children of nested p are k² consecutive pixels; match each sub-point to one
        for (let s = 0; s < k2; s++) {
          const o = 3 * (k2 * p + s);
          const child = vec2pix(ns * k, sub[o], sub[o + 1], sub[o + 2], { nest: true });
          expect(Math.floor(child / k2)).toBe(p);
          for (let a = 0; a < 3; a++) expect(Math.abs(sub[o + a] - fine[3 * child + a])).toBeLessThan(2e-15);
        }
      }
    }
  });

  it('k = 3 (not a power of two): every sub-point is a unit vector inside its own RING pixel', () => {
    const ns = 8;
    const sub = subPixelDirections(ns, 3);
    for (let i = 0; i < sub.length / 3; i++) {
      const [x, y, z] = [sub[3 * i], sub[3 * i + 1], sub[3 * i + 2]];
      expect(Math.abs(Math.hypot(x, y, z) - 1)).toBeLessThan(1e-15);
      expect(vec2pix(ns, x, y, z)).toBe(Math.floor(i / 9));
    }
  });
});
