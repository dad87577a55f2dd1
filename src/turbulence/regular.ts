/**
 * The regular field B0: a configured direction resolved to a unit vector in the simulation's
 * equatorial axes, times b0UG.
 */
import { lonLatToVec, toEquatorial } from '../config/frames.ts';
import type { Direction } from '../config/schema.ts';
import type { Vec3 } from './field.ts';

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

/** B0 in uG: b0UG along `direction` (the zero vector when b0UG = 0). */
export function regularField(b0UG: number, direction: Direction): Vec3 {
  if (b0UG === 0) return [0, 0, 0];
  const [x, y, z] = directionToUnitVector(direction);
  return [b0UG * x, b0UG * y, b0UG * z];
}
