/**
 * HEALPix geometry (Górski et al. 2005), RING and NESTED orders, healpy's conventions:
 * θ is the colatitude and φ the longitude, both in radians; a direction (x, y, z) is a unit vector
 * with z = cos θ. With the equatorial frame of docs/physics.md Sec. 5, θ = π/2 − δ and φ = α.
 * N_side must be a power of two, 1 ≤ N_side ≤ 8192 (pixel indices then fit an Int32Array).
 *
 * Every function takes `{ nest?: boolean }` like healpy's `nest=` (default: RING).
 *
 * What comes from `@hscmap/healpix` and what is ours:
 *  - ring2nest / nest2ring (scalar), ring → face coordinates and max_pixrad come from the package.
 *  - ang2pix / vec2pix are ours: the package loses φ within ~1e-8 rad of the poles (it goes
 *    through z = cos θ only) and breaks ties on pixel edges differently from healpy.
 *  - Pixel centres are computed here from the ring geometry, because the package derives sin θ
 *    as sqrt(1 − z²), which puts a relative error of 8e-11 (N_side 1024) to 5e-9 (8192) on x, y
 *    of the pixels next to the poles (healpy and we: 1e-16), and because it returns one small
 *    object per pixel (too slow for 12·N_side² of them).
 *  - The package has no neighbours, no exact (centres-inside) disc query, its inclusive query
 *    is limited to radii < π/2, and it has no ring tables or sub-pixel points: written here.
 */
import * as hs from '@hscmap/healpix';
import type { Vec3 } from '../config/vec3.ts';

/** healpy's marker for a missing pixel value (`hp.UNSEEN`). */
export const UNSEEN = -1.6375e30;

/** Largest N_side these functions accept. */
export const NSIDE_MAX = 8192;

export interface OrderOptions {
  /** NESTED order if true, RING order otherwise (healpy's `nest=False` default). */
  nest?: boolean;
}


/** True if `nside` is a power of two in [1, NSIDE_MAX]. */
export function isNsideOk(nside: number): boolean {
  return Number.isInteger(nside) && nside >= 1 && nside <= NSIDE_MAX && (nside & (nside - 1)) === 0;
}

/** Throws unless `nside` is a power of two in [1, NSIDE_MAX]. */
export function checkNside(nside: number): void {
  if (!isNsideOk(nside)) {
    throw new RangeError(`healpix: N_side must be a power of two between 1 and ${NSIDE_MAX}, got ${nside}`);
  }
}

/** Number of pixels, 12·N_side². */
export function nside2npix(nside: number): number {
  checkNside(nside);
  return 12 * nside * nside;
}

/** N_side of a map with `npix` pixels; throws if `npix` is not 12·N_side² for a valid N_side. */
export function npix2nside(npix: number): number {
  const nside = Math.round(Math.sqrt(npix / 12));
  if (12 * nside * nside !== npix || !isNsideOk(nside)) {
    throw new RangeError(`healpix: ${npix} is not a valid number of pixels (12·N_side², N_side a power of 2)`);
  }
  return nside;
}

/** Solid angle of one pixel in steradians, 4π / N_pix. */
export function nside2pixarea(nside: number): number {
  return (4 * Math.PI) / nside2npix(nside);
}

/** Square root of the pixel area, in radians (healpy's nside2resol). */
export function nside2resol(nside: number): number {
  return Math.sqrt(nside2pixarea(nside));
}

/** Largest angular distance (radians) between a pixel centre and one of its corners (healpy's max_pixrad). */
export function maxPixrad(nside: number): number {
  checkNside(nside);
  return hs.max_pixrad(nside);
}

function checkPix(nside: number, ipix: number): void {
  if (!Number.isInteger(ipix) || ipix < 0 || ipix >= 12 * nside * nside) {
    throw new RangeError(`healpix: pixel ${ipix} out of range for N_side ${nside}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Ring geometry
// ---------------------------------------------------------------------------------------------

/**
 * The 4·N_side − 1 iso-latitude rings in RING order, north to south (index r = ring number − 1).
 * Ring r holds pixels firstPix[r] .. firstPix[r] + nPix[r] − 1, at colatitude theta[r]
 * (z = cos θ, sinTheta = sin θ computed without cancellation) and longitudes
 * phi0[r] + 2π·j / nPix[r], j = 0 .. nPix[r] − 1.
 */
export interface RingInfo {
  nside: number;
  nRings: number;
  firstPix: Int32Array;
  nPix: Int32Array;
  z: Float64Array;
  sinTheta: Float64Array;
  theta: Float64Array;
  phi0: Float64Array;
}

const ringInfoCache = new Map<number, RingInfo>();

/** Ring tables for the harmonic transforms and disc queries (cached per N_side; treat as read-only). */
export function ringInfo(nside: number): RingInfo {
  checkNside(nside);
  const cached = ringInfoCache.get(nside);
  if (cached) return cached;
  const nRings = 4 * nside - 1;
  const npix = 12 * nside * nside;
  const info: RingInfo = {
    nside,
    nRings,
    firstPix: new Int32Array(nRings),
    nPix: new Int32Array(nRings),
    z: new Float64Array(nRings),
    sinTheta: new Float64Array(nRings),
    theta: new Float64Array(nRings),
    phi0: new Float64Array(nRings),
  };
  const ns2 = nside * nside;
  for (let r = 0; r < nRings; r++) {
    const i = r + 1; // ring number, 1 .. 4 nside − 1
    let z: number;
    let st: number;
    if (i < nside || i > 3 * nside) {
      // polar caps: 1 − |z| = i'²/(3 N_side²) exactly, sin θ from it without cancellation
      const ip = i < nside ? i : 4 * nside - i;
      const oneMinus = (ip * ip) / (3 * ns2);
      z = i < nside ? 1 - oneMinus : oneMinus - 1;
      st = Math.sqrt(oneMinus * (2 - oneMinus));
      info.nPix[r] = 4 * ip;
      info.firstPix[r] = i < nside ? 2 * ip * (ip - 1) : npix - 2 * ip * (ip + 1);
      info.phi0[r] = Math.PI / (4 * ip);
    } else {
      z = (2 * (2 * nside - i)) / (3 * nside);
      st = Math.sqrt((1 - z) * (1 + z));
      info.nPix[r] = 4 * nside;
      info.firstPix[r] = 2 * nside * (nside - 1) + (i - nside) * 4 * nside;
      // rings with (i − N_side) even start half a pixel east of φ = 0
      info.phi0[r] = ((i - nside) & 1) === 0 ? Math.PI / (4 * nside) : 0;
    }
    info.z[r] = z;
    info.sinTheta[r] = st;
    info.theta[r] = Math.atan2(st, z);
  }
  ringInfoCache.set(nside, info);
  return info;
}

/** Ring index r (0-based) of a RING-order pixel. */
function ringOfRingPix(nside: number, p: number): number {
  const ncap = 2 * nside * (nside - 1);
  const npix = 12 * nside * nside;
  if (p < ncap) return Math.floor((Math.sqrt(1 + 2 * p) + 1) / 2) - 1;
  if (p < npix - ncap) return Math.floor((p - ncap) / (4 * nside)) + nside - 1;
  const q = npix - 1 - p;
  const ip = Math.floor((Math.sqrt(1 + 2 * q) + 1) / 2);
  return 4 * nside - ip - 1;
}

// ---------------------------------------------------------------------------------------------
// Face coordinates (f, x, y): f the base pixel 0..11, x the north-east and y the north-west index
// inside it, (0, 0) in the south corner.
// ---------------------------------------------------------------------------------------------

/** Spread the low 16 bits of v to the even bit positions. */
function spreadBits(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v;
}

/** Inverse of spreadBits: gather the even bits of v. */
function compactBits(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

function fxy2nestIdx(nside: number, f: number, x: number, y: number): number {
  return f * nside * nside + (spreadBits(x) | (spreadBits(y) << 1));
}

function nest2fxyInto(nside: number, p: number, out: Int32Array): void {
  const ns2 = nside * nside;
  const f = Math.floor(p / ns2);
  const k = p - f * ns2;
  out[0] = f;
  out[1] = compactBits(k);
  out[2] = compactBits(k >>> 1);
}

// ring row of each base pixel (jrll) and the longitude index of its south corner (jpll), in
// units of N_side and π/4; HEALPix's defining tables (Górski et al. 2005, Fig. 4)
const FACE_ROW = [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4];
const FACE_COL = [1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7];

function fxy2ringIdx(nside: number, f: number, x: number, y: number): number {
  const i = FACE_ROW[f] * nside - x - y - 1; // ring number 1 .. 4 nside − 1
  let nr: number;
  let start: number;
  let shift: number;
  if (i < nside) {
    nr = i;
    start = 2 * i * (i - 1);
    shift = 0;
  } else if (i > 3 * nside) {
    nr = 4 * nside - i;
    start = 12 * nside * nside - 2 * nr * (nr + 1);
    shift = 0;
  } else {
    nr = nside;
    start = 2 * nside * (nside - 1) + (i - nside) * 4 * nside;
    shift = (i - nside) & 1;
  }
  let j = (FACE_COL[f] * nr + x - y + 1 + shift) / 2; // 1-based position in the ring
  if (j > 4 * nr) j -= 4 * nr;
  if (j < 1) j += 4 * nr;
  return start + j - 1;
}

function ring2fxyInto(nside: number, p: number, out: Int32Array): void {
  if (nside === 1) {
    // RING and NESTED coincide at N_side 1: pixel p is base pixel p
    out[0] = p;
    out[1] = 0;
    out[2] = 0;
    return;
  }
  const r = hs.ring2fxy(nside, p);
  out[0] = r.f;
  out[1] = r.x;
  out[2] = r.y;
}

// ---------------------------------------------------------------------------------------------
// Pixel ↔ direction
// ---------------------------------------------------------------------------------------------

/** RING → NESTED index of one pixel. */
export function ring2nest(nside: number, ipix: number): number {
  checkNside(nside);
  checkPix(nside, ipix);
  return hs.ring2nest(nside, ipix);
}

/** NESTED → RING index of one pixel. */
export function nest2ring(nside: number, ipix: number): number {
  checkNside(nside);
  checkPix(nside, ipix);
  return hs.nest2ring(nside, ipix);
}

/**
 * Permutation table: `nest2ringTable(nside)[p_nest]` is the RING index of NESTED pixel p_nest.
 * Int32Array of N_pix entries.
 */
export function nest2ringTable(nside: number): Int32Array {
  checkNside(nside);
  const npix = 12 * nside * nside;
  const ns2 = nside * nside;
  const out = new Int32Array(npix);
  for (let f = 0; f < 12; f++) {
    for (let k = 0; k < ns2; k++) {
      out[f * ns2 + k] = fxy2ringIdx(nside, f, compactBits(k), compactBits(k >>> 1));
    }
  }
  return out;
}

/** Permutation table: `ring2nestTable(nside)[p_ring]` is the NESTED index of RING pixel p_ring. */
export function ring2nestTable(nside: number): Int32Array {
  const n2r = nest2ringTable(nside);
  const out = new Int32Array(n2r.length);
  for (let p = 0; p < n2r.length; p++) out[n2r[p]] = p;
  return out;
}

/**
 * Reorder a map between RING and NESTED (healpy's `reorder(map, r2n=True)` / `n2r=True`).
 * Returns a new Float64Array.
 */
export function reorder(map: ArrayLike<number>, direction: 'r2n' | 'n2r'): Float64Array {
  const nside = npix2nside(map.length);
  const n2r = nest2ringTable(nside);
  const out = new Float64Array(map.length);
  if (direction === 'n2r') {
    for (let p = 0; p < n2r.length; p++) out[n2r[p]] = map[p];
  } else {
    for (let p = 0; p < n2r.length; p++) out[p] = map[n2r[p]];
  }
  return out;
}

function ringPixCentre(nside: number, p: number): { r: number; phi: number } {
  const info = ringInfo(nside);
  const r = ringOfRingPix(nside, p);
  const j = p - info.firstPix[r];
  return { r, phi: info.phi0[r] + (2 * Math.PI * j) / info.nPix[r] };
}

/** Centre of a pixel as a unit vector (healpy's pix2vec). */
export function pix2vec(nside: number, ipix: number, opts: OrderOptions = {}): Vec3 {
  checkNside(nside);
  checkPix(nside, ipix);
  const p = opts.nest ? hs.nest2ring(nside, ipix) : ipix;
  const { r, phi } = ringPixCentre(nside, p);
  const info = ringInfo(nside);
  const st = info.sinTheta[r];
  return [st * Math.cos(phi), st * Math.sin(phi), info.z[r]];
}

/** Centre of a pixel as colatitude θ ∈ [0, π] and longitude φ ∈ [0, 2π), radians (healpy's pix2ang). */
export function pix2ang(nside: number, ipix: number, opts: OrderOptions = {}): { theta: number; phi: number } {
  checkNside(nside);
  checkPix(nside, ipix);
  const p = opts.nest ? hs.nest2ring(nside, ipix) : ipix;
  const { r, phi } = ringPixCentre(nside, p);
  return { theta: ringInfo(nside).theta[r], phi };
}

/**
 * All pixel centres, 3 numbers (x, y, z) per pixel in the requested order:
 * out[3p], out[3p+1], out[3p+2]. Computed from the ring tables (exact sin θ near the poles).
 */
export function pixelCentres(nside: number, opts: OrderOptions = {}): Float64Array {
  const info = ringInfo(nside);
  const npix = 12 * nside * nside;
  const ring = new Float64Array(3 * npix);
  for (let r = 0; r < info.nRings; r++) {
    const n = info.nPix[r];
    const st = info.sinTheta[r];
    const z = info.z[r];
    let o = 3 * info.firstPix[r];
    for (let j = 0; j < n; j++) {
      const phi = info.phi0[r] + (2 * Math.PI * j) / n; // as in pix2vec, to the last bit
      ring[o++] = st * Math.cos(phi);
      ring[o++] = st * Math.sin(phi);
      ring[o++] = z;
    }
  }
  if (!opts.nest) return ring;
  const n2r = nest2ringTable(nside);
  const out = new Float64Array(3 * npix);
  for (let p = 0; p < npix; p++) {
    const q = 3 * n2r[p];
    out[3 * p] = ring[q];
    out[3 * p + 1] = ring[q + 1];
    out[3 * p + 2] = ring[q + 2];
  }
  return out;
}

/**
 * Pixel of the direction with z = cos θ, longitude φ (any value) and sin θ (used near the poles,
 * where 1 − |z| has lost its digits). The HEALPix pixelization formulas (Górski et al. 2005,
 * Sec. 4): in the equatorial zone the indices of the two families of pixel edge lines through
 * the point, in the polar caps the same in the cap's own squeezed coordinates.
 */
const INV_HALF_PI = 2 / Math.PI;

function zphi2pix(nside: number, z: number, phi: number, sinTheta: number, nest: boolean): number {
  const az = Math.abs(z);
  let tt = phi * INV_HALF_PI; // longitude in units of π/2, reduced to [0, 4)
  tt %= 4;
  if (tt < 0) tt += 4;
  if (tt >= 4) tt -= 4;
  const ncap = 2 * nside * (nside - 1);
  const npix = 12 * nside * nside;
  if (az <= 2 / 3) {
    const a = nside * (0.5 + tt);
    const b = nside * z * 0.75;
    const jp = Math.floor(a - b); // ascending edge line index
    const jm = Math.floor(a + b); // descending edge line index
    if (nest) {
      const ifp = Math.floor(jp / nside);
      const ifm = Math.floor(jm / nside);
      // ifp = ifm = 4 is face 4 again (longitude wraps), hence the bitwise or
      const face = ifp === ifm ? ifp | 4 : ifp < ifm ? ifp : ifm + 8;
      const x = jm & (nside - 1);
      const y = nside - (jp & (nside - 1)) - 1;
      return fxy2nestIdx(nside, face, x, y);
    }
    const ir = nside + 1 + jp - jm; // ring number counted from z = 2/3, 1 .. 2 N_side + 1
    const kshift = 1 - (ir & 1);
    const ip = Math.floor((jp + jm - nside + kshift + 1 + 8 * nside) / 2) % (4 * nside);
    return ncap + (ir - 1) * 4 * nside + ip;
  }
  const tp = tt - Math.floor(tt);
  // N_side · sqrt(3 (1 − |z|)), from sin θ where 1 − |z| is inaccurate
  const tmp = az < 0.99 ? nside * Math.sqrt(3 * (1 - az)) : (nside * sinTheta) / Math.sqrt((1 + az) / 3);
  const jp = Math.min(Math.floor(tp * tmp), nside - 1);
  const jm = Math.min(Math.floor((1 - tp) * tmp), nside - 1);
  if (nest) {
    const faceCol = Math.min(Math.floor(tt), 3);
    return z >= 0
      ? fxy2nestIdx(nside, faceCol, nside - jm - 1, nside - jp - 1)
      : fxy2nestIdx(nside, faceCol + 8, jp, jm);
  }
  const ir = jp + jm + 1; // ring number counted from the pole
  let ip = Math.floor(tt * ir);
  if (ip >= 4 * ir) ip -= 4 * ir;
  return z >= 0 ? 2 * ir * (ir - 1) + ip : npix - 2 * ir * (ir + 1) + ip;
}

/**
 * Pixel containing direction (θ, φ), radians; θ must lie in [0, π], any φ (healpy's ang2pix).
 * Ours rather than the package's: the package drops φ within ~1e-8 rad of the poles and breaks
 * ties on pixel edges differently from healpy; this follows healpy's arithmetic.
 */
export function ang2pix(nside: number, theta: number, phi: number, opts: OrderOptions = {}): number {
  checkNside(nside);
  if (!(theta >= 0 && theta <= Math.PI)) throw new RangeError(`ang2pix: θ = ${theta} outside [0, π]`);
  if (!Number.isFinite(phi)) throw new RangeError(`ang2pix: φ = ${phi} is not finite`);
  return zphi2pix(nside, Math.cos(theta), phi, Math.sin(theta), opts.nest === true);
}

/** Pixel containing direction (x, y, z) (need not be normalized, must be non-zero) (healpy's vec2pix). */
export function vec2pix(nside: number, x: number, y: number, z: number, opts: OrderOptions = {}): number {
  checkNside(nside);
  const r = Math.sqrt(x * x + y * y + z * z);
  if (!(r > 0 && r < Infinity)) throw new RangeError('vec2pix: zero or non-finite vector');
  // multiply by 1/r as healpy does, so that ties on pixel edges break the same way
  const inv = 1 / r;
  return zphi2pix(nside, z * inv, Math.atan2(y, x), Math.sqrt(x * x + y * y) * inv, opts.nest === true);
}

/** Pixels of many directions given as 3 numbers per direction (x, y, z); Int32Array. */
export function vec2pixArray(nside: number, vecs: ArrayLike<number>, opts: OrderOptions = {}): Int32Array {
  checkNside(nside);
  const n = Math.floor(vecs.length / 3);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = vec2pix(nside, vecs[3 * i], vecs[3 * i + 1], vecs[3 * i + 2], opts);
  return out;
}

/** (θ, φ) in radians of a non-zero vector, φ ∈ [0, 2π) (healpy's vec2ang). */
export function vec2ang(x: number, y: number, z: number): { theta: number; phi: number } {
  let phi = Math.atan2(y, x);
  if (phi < 0) phi += 2 * Math.PI;
  return { theta: Math.atan2(Math.hypot(x, y), z), phi };
}

/** Unit vector of (θ, φ) in radians (healpy's ang2vec). */
export function ang2vec(theta: number, phi: number): Vec3 {
  const st = Math.sin(theta);
  return [st * Math.cos(phi), st * Math.sin(phi), Math.cos(theta)];
}

// ---------------------------------------------------------------------------------------------
// Neighbours
// ---------------------------------------------------------------------------------------------

// healpy's order SW, W, NW, N, NE, E, SE, S as steps in the face coordinates (x: NE, y: NW)
const NB_DX = [-1, -1, 0, 1, 1, 1, 0, -1];
const NB_DY = [0, 1, 1, 1, 0, -1, -1, -1];

/**
 * Face coordinates of the pixel reached from (f, x, y) by stepping to (x + dx, y + dy), following
 * the face that lies across the edge or corner; -1 in out[0] if that corner has only three pixels
 * (the eight corners where three base pixels meet). Derived from the base-pixel layout: the four
 * polar faces of a cap are rotated by 90° about the pole, the equatorial faces tile the (t, u)
 * plane of the HEALPix projection without rotation.
 */
function stepFace(nside: number, f: number, x: number, y: number, out: Int32Array): void {
  const row = f >> 2; // 0 north, 1 equatorial, 2 south
  const c = f & 3;
  const lowX = x < 0;
  const highX = x >= nside;
  const lowY = y < 0;
  const highY = y >= nside;
  let nf = f;
  let nx = x;
  let ny = y;
  if (!lowX && !highX && !lowY && !highY) {
    // same face
  } else if (row === 0) {
    if ((lowX && highY) || (highX && lowY)) nf = -1;
    else if (highX && highY) [nf, nx, ny] = [(c + 2) & 3, 2 * nside - 1 - x, 2 * nside - 1 - y];
    else if (highX) [nf, nx, ny] = [(c + 1) & 3, y, 2 * nside - 1 - x];
    else if (highY) [nf, nx, ny] = [(c + 3) & 3, 2 * nside - 1 - y, x];
    else if (lowX && lowY) [nf, nx, ny] = [8 + c, x + nside, y + nside];
    else if (lowX) [nf, nx, ny] = [4 + c, x + nside, y];
    else [nf, nx, ny] = [4 + ((c + 1) & 3), x, y + nside];
  } else if (row === 1) {
    if ((highX && highY) || (lowX && lowY)) nf = -1;
    else if (highX && lowY) [nf, nx, ny] = [4 + ((c + 1) & 3), x - nside, y + nside];
    else if (lowX && highY) [nf, nx, ny] = [4 + ((c + 3) & 3), x + nside, y - nside];
    else if (highX) [nf, nx, ny] = [c, x - nside, y];
    else if (highY) [nf, nx, ny] = [(c + 3) & 3, x, y - nside];
    else if (lowX) [nf, nx, ny] = [8 + ((c + 3) & 3), x + nside, y];
    else [nf, nx, ny] = [8 + c, x, y + nside];
  } else {
    if ((lowX && highY) || (highX && lowY)) nf = -1;
    else if (lowX && lowY) [nf, nx, ny] = [8 + ((c + 2) & 3), -1 - x, -1 - y];
    else if (lowX) [nf, nx, ny] = [8 + ((c + 3) & 3), y, -1 - x];
    else if (lowY) [nf, nx, ny] = [8 + ((c + 1) & 3), -1 - y, x];
    else if (highX && highY) [nf, nx, ny] = [c, x - nside, y - nside];
    else if (highX) [nf, nx, ny] = [4 + ((c + 1) & 3), x - nside, y];
    else [nf, nx, ny] = [4 + c, x, y - nside];
  }
  out[0] = nf;
  out[1] = nx;
  out[2] = ny;
}

/**
 * The 8 neighbours of a pixel in healpy's order SW, W, NW, N, NE, E, SE, S (healpy's
 * get_all_neighbours for a pixel index), -1 where a neighbour does not exist (the W/E or N/S
 * neighbour at the 8 corners where only three base pixels meet).
 */
export function getAllNeighbours(nside: number, ipix: number, opts: OrderOptions = {}): Int32Array {
  checkNside(nside);
  checkPix(nside, ipix);
  const fxy = new Int32Array(3);
  const step = new Int32Array(3);
  if (opts.nest) nest2fxyInto(nside, ipix, fxy);
  else ring2fxyInto(nside, ipix, fxy);
  const out = new Int32Array(8);
  for (let k = 0; k < 8; k++) {
    stepFace(nside, fxy[0], fxy[1] + NB_DX[k], fxy[2] + NB_DY[k], step);
    if (step[0] < 0) out[k] = -1;
    else out[k] = opts.nest ? fxy2nestIdx(nside, step[0], step[1], step[2]) : fxy2ringIdx(nside, step[0], step[1], step[2]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Disc queries
// ---------------------------------------------------------------------------------------------

export interface QueryDiscOptions extends OrderOptions {
  /**
   * false (default): pixels whose centre lies inside the disc (angular distance ≤ radius).
   * true: every pixel that overlaps the disc, and some more: the pixels whose centre lies
   * within radius + maxPixrad(nside). A superset of healpy's inclusive result (which tests
   * overlap more tightly); e.g. 574 against healpy's 548 pixels for a 0.2 rad disc at N_side 64,
   * where 488 centres are inside.
   */
  inclusive?: boolean;
}

/** Tests every pixel of a ring and reports the runs of pixels inside, for discs that may hold most of it. */
function emitRunsOfWholeRing(n: number, first: number, inside: (j: number) => boolean, cb: (start: number, length: number) => void): void {
  let runStart = -1;
  for (let j = 0; j <= n; j++) {
    const ok = j < n && inside(j);
    if (ok && runStart < 0) runStart = j;
    if (!ok && runStart >= 0) {
      cb(first + runStart, j - runStart);
      runStart = -1;
    }
  }
}

/**
 * Walk the RING pixels whose centre n satisfies n·v ≥ cosR, ring by ring: cb(firstPixel, count)
 * for each contiguous run in RING order. v must be a unit vector, r the angular radius.
 */
function forEachDiscRun(
  nside: number,
  v: readonly [number, number, number],
  r: number,
  cb: (first: number, count: number) => void,
): void {
  const info = ringInfo(nside);
  if (r >= Math.PI) {
    cb(0, 12 * nside * nside);
    return;
  }
  const cosR = Math.cos(r);
  const [vx, vy, vz] = v;
  const st0 = Math.hypot(vx, vy);
  const theta0 = Math.atan2(st0, vz);
  const phiC = Math.atan2(vy, vx);
  const thMin = theta0 - r;
  const thMax = theta0 + r;
  // rings are sorted by θ; a little slack in the ring range, the exact test decides
  const slack = 1e-9;
  for (let ri = 0; ri < info.nRings; ri++) {
    const th = info.theta[ri];
    if (th < thMin - slack) continue;
    if (th > thMax + slack) break;
    const n = info.nPix[ri];
    const z = info.z[ri];
    const st = info.sinTheta[ri];
    const first = info.firstPix[ri];
    const dphi = (2 * Math.PI) / n;
    const phi0 = info.phi0[ri];
    const inside = (j: number): boolean => {
      const phi = phi0 + dphi * j;
      return st * (vx * Math.cos(phi) + vy * Math.sin(phi)) + z * vz >= cosR;
    };
    const denom = st * st0;
    const cosDphi = denom > 0 ? (cosR - z * vz) / denom : cosR - z * vz > 0 ? 2 : -2;
    if (cosDphi > 1 + 1e-9) continue; // no centre of this ring can be inside
    if (cosDphi < -1 + 1e-9 || denom === 0) {
      // the disc may contain (almost) the whole ring: test every pixel, emit runs
      emitRunsOfWholeRing(n, first, inside, cb);
      continue;
    }
    const half = Math.acos(Math.min(1, cosDphi));
    // candidate index range, one pixel wider on each side, then trimmed by the exact test
    let jLo = Math.ceil((phiC - half - phi0) / dphi) - 1;
    let jHi = Math.floor((phiC + half - phi0) / dphi) + 1;
    if (jHi - jLo + 1 >= n) {
      emitRunsOfWholeRing(n, first, inside, cb);
      continue;
    }
    while (jLo <= jHi && !inside(jLo)) jLo++;
    while (jHi >= jLo && !inside(jHi)) jHi--;
    if (jLo > jHi) continue;
    // map [jLo, jHi] (possibly outside [0, n)) onto at most two runs
    const a = ((jLo % n) + n) % n;
    const count = jHi - jLo + 1;
    if (a + count <= n) cb(first + a, count);
    else {
      cb(first + a, n - a);
      cb(first, count - (n - a));
    }
  }
}

/**
 * Pixels within an angular radius (radians) of direction `vec` (need not be normalized), sorted
 * ascending, as an Int32Array (healpy's query_disc). Any radius in [0, π] is allowed.
 */
export function queryDisc(
  nside: number,
  vec: readonly [number, number, number],
  radius: number,
  opts: QueryDiscOptions = {},
): Int32Array {
  checkNside(nside);
  const norm = Math.hypot(vec[0], vec[1], vec[2]);
  if (!(norm > 0)) throw new RangeError('queryDisc: zero or non-finite direction');
  if (!(radius >= 0)) throw new RangeError(`queryDisc: radius ${radius} must be ≥ 0`);
  const v: Vec3 = [vec[0] / norm, vec[1] / norm, vec[2] / norm];
  const r = opts.inclusive ? radius + maxPixrad(nside) : radius;
  const parts: number[] = [];
  forEachDiscRun(nside, v, r, (first, count) => {
    for (let k = 0; k < count; k++) parts.push(first + k);
  });
  const out = Int32Array.from(parts);
  if (opts.nest) {
    for (let k = 0; k < out.length; k++) out[k] = hs.ring2nest(nside, out[k]);
  }
  out.sort();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sub-pixel points
// ---------------------------------------------------------------------------------------------

/**
 * Unit vector of the point at continuous face coordinates (X, Y) ∈ [0, N_side]² of base pixel f
 * (pixel (x, y) covers [x, x+1) × [y, y+1)). Inverse HEALPix projection, with sin θ computed
 * from 1 − |z| near the poles.
 */
function faceXYToVec(nside: number, f: number, X: number, Y: number, out: Float64Array, o: number): void {
  const PI_4 = Math.PI / 4;
  // projection-plane coordinates in units of π/4: t ∈ [0, 8), u ∈ [−2, 2]
  let t = (FACE_COL[f] * nside + X - Y) / nside;
  const u = 2 - (FACE_ROW[f] * nside - X - Y) / nside;
  t = ((t % 8) + 8) % 8;
  const au = Math.abs(u);
  let z: number;
  let st: number;
  let phi: number;
  if (au <= 1) {
    z = (2 / 3) * u;
    st = Math.sqrt((1 - z) * (1 + z));
    phi = t * PI_4;
  } else {
    const s = 2 - au; // ∈ [0, 1)
    const oneMinus = (s * s) / 3; // 1 − |z|
    z = u > 0 ? 1 - oneMinus : oneMinus - 1;
    st = Math.sqrt(oneMinus * (2 - oneMinus));
    // inside a polar face, longitude is squeezed towards the face's centre meridian
    const tc = 2 * Math.floor(t / 2) + 1;
    phi = s > 0 ? (tc + (t - tc) / s) * PI_4 : tc * PI_4;
  }
  out[o] = st * Math.cos(phi);
  out[o + 1] = st * Math.sin(phi);
  out[o + 2] = z;
}

/**
 * k² deterministic points per pixel, the centres of a k×k grid in the pixel's face coordinates
 * (x, y). The HEALPix projection is equal-area and linear in (x, y) within a base pixel, so the
 * k² sub-pixels have equal areas (4π / (N_pix k²)). Returns 3·N_pix·k² numbers, pixel-major (the
 * k² points of pixel p, in the requested order, start at 3·k²·p); within a pixel the point
 * (a, b), a, b = 0 .. k−1 along x and y, is number a·k + b. k = 1 gives exactly pixelCentres.
 */
export function subPixelDirections(nside: number, k: number, opts: OrderOptions = {}): Float64Array {
  checkNside(nside);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`subPixelDirections: k must be a positive integer, got ${k}`);
  if (k === 1) return pixelCentres(nside, opts);
  return subPixelDirectionsGeneral(nside, k, opts);
}

/** @internal The general path of subPixelDirections, also for k = 1 (tests compare it with pixelCentres). */
export function subPixelDirectionsGeneral(nside: number, k: number, opts: OrderOptions = {}): Float64Array {
  const npix = 12 * nside * nside;
  const k2 = k * k;
  const out = new Float64Array(3 * npix * k2);
  const fxy = new Int32Array(3);
  for (let p = 0; p < npix; p++) {
    if (opts.nest) nest2fxyInto(nside, p, fxy);
    else ring2fxyInto(nside, p, fxy);
    const f = fxy[0];
    let o = 3 * k2 * p;
    for (let a = 0; a < k; a++) {
      const X = fxy[1] + (a + 0.5) / k;
      for (let b = 0; b < k; b++) {
        const Y = fxy[2] + (b + 0.5) / k;
        faceXYToVec(nside, f, X, Y, out, o);
        o += 3;
      }
    }
  }
  return out;
}
