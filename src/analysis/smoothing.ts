/**
 * Top-hat smoothing in pixel space, as the published IceCube / HAWC / Tibet maps use (10°, 20°
 * and so on): the value at pixel p is the mean (or sum) of the map over all pixels whose centres
 * lie within the radius of p's centre (the same pixel set as queryDisc(..., inclusive: false)).
 * Masked pixels never contribute. This is not healpy's `smoothing`, which convolves with a
 * Gaussian beam in harmonic space.
 *
 * Method: the pixels of a disc on each iso-latitude ring form one contiguous run in RING order,
 * so with a prefix sum over the RING-ordered map each ring costs O(1): about
 * 2·radius/(ring spacing) operations per output pixel, not the number of pixels in the disc.
 * The half-width of the run depends only on the two rings, so it is computed once per pair of
 * rings; the run ends are then checked against the exact centre-in-disc test.
 */
import { npix2nside, pixelCentres, reorder, ringInfo, UNSEEN } from './healpix.ts';

export interface SmoothTopHatOptions {
  /** Disc radius in degrees (> 0, ≤ 180). */
  radiusDeg: number;
  /** Per-pixel inclusion (booleans or numbers; 0/false excludes the pixel). */
  mask?: ArrayLike<number | boolean>;
  /** Map and mask in NESTED order (output in the same order). */
  nest?: boolean;
  /** 'mean' (default) over the disc's valid pixels, or 'sum' (e.g. for event-count maps). */
  statistic?: 'mean' | 'sum';
  /**
   * Also compute the value at masked or invalid pixels (from their valid neighbours). Default
   * false: those pixels come out NaN, so the smoothing never extrapolates beyond the mask.
   */
  fillMasked?: boolean;
}

/** Is the centre of pixel j (taken modulo n) of the ring starting at `first` inside the disc? */
function inside(cen: Float64Array, first: number, n: number, j: number, vx: number, vy: number, vz: number, cosR: number): boolean {
  const jj = j < 0 ? j + n : j >= n ? j - n : j; // |j| < 2n here
  const o = 3 * (first + jj);
  return cen[o] * vx + cen[o + 1] * vy + cen[o + 2] * vz >= cosR;
}

/**
 * Top-hat smoothed map (Float64Array, same order as the input). Pixels equal to UNSEEN or not
 * finite count as masked. A pixel whose disc holds no valid pixel is NaN.
 */
export function smoothTopHat(map: ArrayLike<number>, opts: SmoothTopHatOptions): Float64Array {
  const npix = map.length;
  const nside = npix2nside(npix);
  const { radiusDeg } = opts;
  if (!(radiusDeg > 0 && radiusDeg <= 180)) throw new RangeError(`smoothTopHat: radius ${radiusDeg}° must be in (0, 180]`);
  if (opts.mask && opts.mask.length !== npix) throw new RangeError('smoothTopHat: mask and map differ in length');
  const nest = opts.nest === true;
  const vals = nest ? reorder(map, 'n2r') : Float64Array.from(map);
  let maskRing: Float64Array | null = null;
  if (opts.mask) {
    const m = Float64Array.from(opts.mask, (x) => (Number(x) > 0 ? 1 : 0));
    maskRing = nest ? reorder(m, 'n2r') : m;
  }
  // per-ring prefix sums of value and of count of valid pixels: ring r's pixel j (RING index
  // p = firstPix[r] + j) has its partial sums up to (excluding) j at pre[p + r]; per ring rather
  // than global keeps the differences free of cancellation
  const info = ringInfo(nside);
  const valid = new Uint8Array(npix);
  const sumPre = new Float64Array(npix + info.nRings);
  const cntPre = new Float64Array(npix + info.nRings);
  for (let rr = 0; rr < info.nRings; rr++) {
    const first = info.firstPix[rr];
    let s = 0;
    let c = 0;
    for (let j = 0; j < info.nPix[rr]; j++) {
      const p = first + j;
      const v = vals[p];
      const ok = v !== UNSEEN && Number.isFinite(v) && (maskRing === null || maskRing[p] > 0);
      valid[p] = ok ? 1 : 0;
      sumPre[p + rr] = s;
      cntPre[p + rr] = c;
      if (ok) {
        s += v;
        c++;
      }
    }
    sumPre[first + info.nPix[rr] + rr] = s;
    cntPre[first + info.nPix[rr] + rr] = c;
  }
  const cen = pixelCentres(nside);
  const r = (radiusDeg * Math.PI) / 180;
  const cosR = Math.cos(r);
  const mean = (opts.statistic ?? 'mean') === 'mean';
  const out = new Float64Array(npix);
  const nR = info.nRings;
  // per source ring: the target rings and the half-width of the run (cos Δφ ≤ −1: whole ring)
  const tgt = new Int32Array(nR);
  const cosHalf = new Float64Array(nR);
  const half = new Float64Array(nR);
  const slack = 1e-9;
  for (let rs = 0; rs < nR; rs++) {
    const thS = info.theta[rs];
    const zS = info.z[rs];
    const stS = info.sinTheta[rs];
    let nt = 0;
    for (let rt = 0; rt < nR; rt++) {
      const th = info.theta[rt];
      if (th < thS - r - slack) continue;
      if (th > thS + r + slack) break;
      const cd = (cosR - zS * info.z[rt]) / (stS * info.sinTheta[rt]);
      if (cd > 1 + 1e-9) continue;
      tgt[nt] = rt;
      cosHalf[nt] = cd;
      half[nt] = cd <= -1 ? Math.PI : Math.acos(Math.min(1, cd));
      nt++;
    }
    const nS = info.nPix[rs];
    const firstS = info.firstPix[rs];
    for (let js = 0; js < nS; js++) {
      const p = firstS + js;
      if (!opts.fillMasked && !valid[p]) {
        out[p] = NaN;
        continue;
      }
      const vx = cen[3 * p];
      const vy = cen[3 * p + 1];
      const vz = cen[3 * p + 2];
      const phiC = info.phi0[rs] + (2 * Math.PI * js) / nS;
      let s = 0;
      let c = 0;
      for (let q = 0; q < nt; q++) {
        const rt = tgt[q];
        const n = info.nPix[rt];
        const first = info.firstPix[rt];
        const base = first + rt; // ring rt's prefix sums start here
        const invDphi = n / (2 * Math.PI);
        const phi0 = info.phi0[rt];
        let jLo: number;
        let jHi: number;
        if (cosHalf[q] < -1 - 1e-9) {
          // every centre of this ring is inside: the whole ring at once
          s += sumPre[base + n] - sumPre[base];
          c += cntPre[base + n] - cntPre[base];
          continue;
        }
        if (cosHalf[q] <= -1 + 1e-9) {
          jLo = 0;
          jHi = n; // too close to call: test every pixel below
        } else {
          jLo = Math.ceil((phiC - half[q] - phi0) * invDphi) - 1;
          jHi = Math.floor((phiC + half[q] - phi0) * invDphi) + 1;
        }
        if (jHi - jLo + 1 >= n) {
          // (nearly) the whole ring: pixel by pixel
          for (let j = 0; j < n; j++) {
            const o = 3 * (first + j);
            if (cen[o] * vx + cen[o + 1] * vy + cen[o + 2] * vz >= cosR && valid[first + j]) {
              s += vals[first + j];
              c++;
            }
          }
          continue;
        }
        while (jLo <= jHi && !inside(cen, first, n, jLo, vx, vy, vz, cosR)) jLo++;
        while (jHi >= jLo && !inside(cen, first, n, jHi, vx, vy, vz, cosR)) jHi--;
        if (jLo > jHi) continue;
        const a = jLo < 0 ? jLo + n : jLo >= n ? jLo - n : jLo;
        const count = jHi - jLo + 1;
        if (a + count <= n) {
          s += sumPre[base + a + count] - sumPre[base + a];
          c += cntPre[base + a + count] - cntPre[base + a];
        } else {
          const rest = count - (n - a);
          s += sumPre[base + n] - sumPre[base + a] + sumPre[base + rest];
          c += cntPre[base + n] - cntPre[base + a] + cntPre[base + rest];
        }
      }
      out[p] = c > 0 ? (mean ? s / c : s) : NaN;
    }
  }
  return nest ? reorder(out, 'r2n') : out;
}
