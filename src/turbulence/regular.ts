/**
 * The regular field B0: a configured direction resolved to a unit vector in the simulation's
 * equatorial axes, times b0UG.
 */
import { directionToUnitVector } from '../config/frames.ts';
import type { Direction } from '../config/schema.ts';
import type { Vec3 } from '../config/vec3.ts';

/** B0 in uG: b0UG along `direction` (the zero vector when b0UG = 0). */
export function regularField(b0UG: number, direction: Direction): Vec3 {
  if (b0UG === 0) return [0, 0, 0];
  const [x, y, z] = directionToUnitVector(direction);
  return [b0UG * x, b0UG * y, b0UG * z];
}
