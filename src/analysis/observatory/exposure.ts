/**
 * Exposure of a ground array over one sidereal day, discretized (review Eq. 8–9).
 *
 * The day is cut into N_t steps with the meridian at right ascension α_τ = 2π τ / N_t. The local
 * sky is pixelized like the equatorial one, in hour angle H and declination δ: local pixel
 * (ring r, j) sits at H_j = φ0_r + 2π j / n_r, the HEALPix longitudes of ring r. Earth's rotation
 * moves every direction along its own declination ring, so at step τ equatorial pixel (r, k),
 * at α_k = φ0_r + 2π k / n_r, is seen in the local pixel of the same ring nearest to
 * H = α_τ − α_k:  j = (round(τ n_r / N_t) − c_r − k) mod n_r,  c_r = 2 φ0_r n_r / 2π ∈ {0, 1}
 * (integer arithmetic, so the assignment is exact and identical everywhere). Within a ring and a
 * step this is a one-to-one map of local onto equatorial pixels.
 *
 * The detector's relative acceptance is evaluated at the local pixel centres, A_i = A(θ_i), and
 * is 0 beyond the zenith cut. A "cell" is one (step τ, visible local pixel i) pair with its
 * equatorial pixel a(τ, i); the expected events of a cell are E_τ A_i I_a (Eq. 8 with Eq. 9),
 * the exposure E_τ being constant over the day (uniform up-time).
 *
 * The field of view used in the analysis is the set of whole declination rings in which every
 * pixel is seen at some step: the time-integrated FOV δ1 < δ < δ2 of Sec. 2, to the ring.
 */
import { checkNside, ringInfo } from '../healpix.ts';
import { relativeAcceptance, type Observatory } from './definition.ts';
import { cosZenith, eastComponent } from './localFrame.ts';

export interface SiderealCube {
  readonly observatory: Observatory;
  readonly nside: number;
  /** Sidereal steps N_t; step τ has the meridian at α_τ = 2π τ / N_t. */
  readonly nTimes: number;
  /** Local RING pixels with A > 0 in FOV rings, V of them; cell c = τ·V + q has local pixel visibleLocal[q]. */
  readonly visibleLocal: Int32Array;
  /** Equatorial RING pixel of each cell, N_t·V entries. */
  readonly cellPixel: Int32Array;
  /** A(θ) at every local pixel centre (0 beyond the zenith cut), N_pix entries. */
  readonly localAcceptance: Float64Array;
  /** sin θ sin φ (towards east, > 0 east of the meridian) at every local pixel centre. */
  readonly localEast: Float64Array;
  /** 1 for equatorial pixels in the field of view (whole rings), else 0. */
  readonly fovMask: Uint8Array;
  /** Ring indices (0-based, north first) of the field of view. */
  readonly fovRings: Int32Array;
}

/** round(τ n / N_t) in integers (halves round up), the ring's shift at step τ. */
function ringShift(tau: number, n: number, nTimes: number): number {
  return Math.floor((2 * tau * n + nTimes) / (2 * nTimes));
}

/** The cells of one sidereal day for an observatory on a HEALPix grid (see the file header). */
export function siderealCube(obs: Observatory, nside: number, nTimes: number): SiderealCube {
  checkNside(nside);
  if (!(Number.isInteger(nTimes) && nTimes >= 1)) throw new RangeError(`siderealCube: nTimes must be a positive integer, got ${nTimes}`);
  const info = ringInfo(nside);
  const npix = 12 * nside * nside;
  const lat = (obs.latitudeDeg * Math.PI) / 180;
  const localAcceptance = new Float64Array(npix);
  const localEast = new Float64Array(npix);
  const c = new Int32Array(info.nRings);
  for (let r = 0; r < info.nRings; r++) {
    const n = info.nPix[r];
    c[r] = Math.round((info.phi0[r] * n) / Math.PI);
    const dec = Math.atan2(info.z[r], info.sinTheta[r]);
    for (let j = 0; j < n; j++) {
      const h = info.phi0[r] + (2 * Math.PI * j) / n;
      const i = info.firstPix[r] + j;
      const cz = Math.max(-1, Math.min(1, cosZenith(h, dec, lat)));
      localAcceptance[i] = relativeAcceptance(obs, Math.acos(cz));
      // pixels on the meridian plane (H = 0 or π, where sin H rounds to ~1e-16) are neither east nor west
      const e = eastComponent(h, dec);
      localEast[i] = Math.abs(e) < 1e-12 ? 0 : e;
    }
  }
  // whole rings in which every pixel is seen at some step
  const fov: number[] = [];
  const fovMask = new Uint8Array(npix);
  let nVisible = 0;
  for (let r = 0; r < info.nRings; r++) {
    const n = info.nPix[r], f = info.firstPix[r];
    const vis: number[] = [];
    for (let j = 0; j < n; j++) if (localAcceptance[f + j] > 0) vis.push(j);
    if (vis.length === 0) continue;
    const shifts = new Set<number>();
    for (let t = 0; t < nTimes; t++) shifts.add(ringShift(t, n, nTimes) % n);
    const seen = new Uint8Array(n);
    let count = 0;
    for (const s of shifts) {
      for (const j of vis) {
        const k = (((s - c[r] - j) % n) + n) % n;
        if (!seen[k]) {
          seen[k] = 1;
          count++;
        }
      }
      if (count === n) break;
    }
    if (count < n) continue;
    fov.push(r);
    fovMask.fill(1, f, f + n);
    nVisible += vis.length;
  }
  const visibleLocal = new Int32Array(nVisible);
  let q = 0;
  for (const r of fov) {
    const f = info.firstPix[r];
    for (let j = 0; j < info.nPix[r]; j++) if (localAcceptance[f + j] > 0) visibleLocal[q++] = f + j;
  }
  const cellPixel = new Int32Array(nTimes * nVisible);
  let cell = 0;
  for (let t = 0; t < nTimes; t++) {
    q = 0;
    for (const r of fov) {
      const n = info.nPix[r], f = info.firstPix[r];
      const s = ringShift(t, n, nTimes) - c[r];
      for (; q < nVisible && visibleLocal[q] < f + n; q++) {
        const j = visibleLocal[q] - f;
        cellPixel[cell++] = f + ((((s - j) % n) + n) % n);
      }
    }
  }
  return { observatory: obs, nside, nTimes, visibleLocal, cellPixel, localAcceptance, localEast, fovMask, fovRings: Int32Array.from(fov) };
}

/**
 * Relative exposure map: Σ_τ A_{i(τ,a)} / N_t for every equatorial pixel a (the mean acceptance
 * of the pixel over the sidereal day; 0 outside the field of view).
 */
export function exposureMap(cube: SiderealCube): Float64Array {
  const npix = 12 * cube.nside * cube.nside;
  const out = new Float64Array(npix);
  const v = cube.visibleLocal.length;
  for (let c = 0; c < cube.cellPixel.length; c++) out[cube.cellPixel[c]] += cube.localAcceptance[cube.visibleLocal[c % v]];
  for (let p = 0; p < npix; p++) out[p] /= cube.nTimes;
  return out;
}

/**
 * Field of view of the cube: the declinations of its first and last ring centres, the band
 * δ1′ < δ < δ2′ with the same area as its rings (the area above a ring boundary is exact on
 * HEALPix, so these are the edges to put into Eq. 25 and 27), and the sky fraction.
 */
export function cubeFieldOfView(cube: SiderealCube): FieldOfViewRings {
  return ringsFieldOfView(cube.nside, cube.fovRings, cube.fovMask);
}

export interface FieldOfViewRings {
  readonly ringDecMinDeg: number;
  readonly ringDecMaxDeg: number;
  readonly bandDecMinDeg: number;
  readonly bandDecMaxDeg: number;
  readonly fsky: number;
}

/** cubeFieldOfView for any set of whole rings (e.g. the union of several detectors'); the band edges are NaN unless the rings are contiguous. */
export function ringsFieldOfView(nside: number, fovRings: Int32Array, fovMask: Uint8Array): FieldOfViewRings {
  const info = ringInfo(nside);
  if (fovRings.length === 0) return { ringDecMinDeg: NaN, ringDecMaxDeg: NaN, bandDecMinDeg: NaN, bandDecMaxDeg: NaN, fsky: 0 };
  const deg = (x: number) => (x * 180) / Math.PI;
  const r0 = fovRings[0], r1 = fovRings[fovRings.length - 1];
  const npix = fovMask.length;
  const above = info.firstPix[r0];
  const through = info.firstPix[r1] + info.nPix[r1];
  // pixels above the first ring and through the last one fix the band's z edges (if there are no gaps)
  const contiguous = r1 - r0 + 1 === fovRings.length;
  const s2 = contiguous ? 1 - (2 * above) / npix : NaN, s1 = contiguous ? 1 - (2 * through) / npix : NaN;
  let n = 0;
  for (let p = 0; p < npix; p++) n += fovMask[p];
  return {
    ringDecMinDeg: deg(Math.atan2(info.z[r1], info.sinTheta[r1])),
    ringDecMaxDeg: deg(Math.atan2(info.z[r0], info.sinTheta[r0])),
    bandDecMinDeg: deg(Math.asin(Math.max(-1, s1))),
    bandDecMaxDeg: deg(Math.asin(Math.min(1, s2))),
    fsky: n / npix,
  };
}
