/**
 * Sky frames. The simulation's Cartesian axes are equatorial (J2000):
 * n(α, δ) = (cos α cos δ, sin α cos δ, sin δ) (docs/physics.md Sec. 5, review Eq. 2).
 * Galactic vectors are rotated into it with the matrix below.
 */
import { DEG } from './units.ts';
import type { Direction } from './schema.ts';
import type { Vec3 } from './vec3.ts';

export type Frame = 'equatorial' | 'galactic';
export type Mat3 = readonly [number, number, number, number, number, number, number, number, number];

/**
 * Rows are the galactic unit vectors (x towards the Galactic centre, z towards the north
 * Galactic pole) in equatorial J2000 (FK5) coordinates, so v_gal = M · v_eq and
 * v_eq = Mᵀ · v_gal. Same matrix as healpy's Rotator(coord=['C', 'G']) and astropy's FK5 to
 * Galactic; ICRS differs from it by < 1e-6 rad, far below any pixel.
 */
export const EQUATORIAL_TO_GALACTIC: Mat3 = [
  -0.054875539395714476, -0.8734371047274333, -0.48383499177032213,
  0.4941094536233635, -0.44482959429881647, 0.7469822487020499,
  -0.8676661356858695, -0.19807638961094987, 0.45598379451756915,
];

export function transpose(m: Mat3): Mat3 {
  return [m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]];
}

export const GALACTIC_TO_EQUATORIAL: Mat3 = transpose(EQUATORIAL_TO_GALACTIC);

export function applyMat3(m: Mat3, v: Vec3): Vec3 {
  return [
    m[0] * v[0] + m[1] * v[1] + m[2] * v[2],
    m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
    m[6] * v[0] + m[7] * v[1] + m[8] * v[2],
  ];
}

/** Unit vector of longitude/latitude in degrees (α, δ or l, b) in that frame's own axes. */
export function lonLatToVec(lonDeg: number, latDeg: number): Vec3 {
  const lon = lonDeg * DEG;
  const lat = latDeg * DEG;
  return [Math.cos(lon) * Math.cos(lat), Math.sin(lon) * Math.cos(lat), Math.sin(lat)];
}

/** Longitude in [0, 360) and latitude in [-90, 90] degrees of a (not necessarily unit) vector. */
export function vecToLonLat(v: Vec3): { lonDeg: number; latDeg: number } {
  const r = Math.hypot(v[0], v[1], v[2]);
  let lon = Math.atan2(v[1], v[0]) / DEG;
  if (lon < 0) lon += 360;
  return { lonDeg: lon, latDeg: Math.asin(Math.max(-1, Math.min(1, v[2] / r))) / DEG };
}

/** A vector given in `frame` expressed in the simulation's equatorial axes. */
export function toEquatorial(v: Vec3, frame: Frame): Vec3 {
  return frame === 'equatorial' ? [v[0], v[1], v[2]] : applyMat3(GALACTIC_TO_EQUATORIAL, v);
}

/** An equatorial vector expressed in `frame`. */
export function fromEquatorial(v: Vec3, frame: Frame): Vec3 {
  return frame === 'equatorial' ? [v[0], v[1], v[2]] : applyMat3(EQUATORIAL_TO_GALACTIC, v);
}

/**
 * Unit vector of a Direction in equatorial axes. A Cartesian vector is already in those axes
 * (normalized here); {frame, lonDeg, latDeg} is rotated from its frame.
 */
export function directionToUnitVector(direction: Direction): Vec3 {
  const v = Array.isArray(direction)
    ? direction
    : toEquatorial(lonLatToVec(direction.lonDeg, direction.latDeg), direction.frame);
  const norm = Math.hypot(v[0], v[1], v[2]);
  if (!(norm > 0) || !Number.isFinite(norm)) {
    throw new Error(`direction [${v.join(', ')}]: must be a finite non-zero vector`);
  }
  return [v[0] / norm, v[1] / norm, v[2] / norm];
}
