/**
 * The observer's local sky (review Eq. 5–7). Local direction
 *   n′(φ, θ) = (cos φ sin θ, −sin φ sin θ, cos θ)            (Eq. 5)
 * with azimuth φ from north increasing to the east and zenith angle θ, and at local sidereal
 * time t (meridian at right ascension ωt) n′ = R(t)·n with
 *   R(t) = [[−cos ωt sin Φ, −sin ωt sin Φ, cos Φ],
 *           [  sin ωt,      −cos ωt,       0   ],
 *           [ cos ωt cos Φ,  sin ωt cos Φ, sin Φ]]           (Eq. 7)
 * for an observer at latitude Φ (longitude only shifts t and is left out).
 *
 * Everything else works in hour angle H = ωt − α and declination δ, which is the same thing:
 *   cos θ = sin Φ sin δ + cos Φ cos δ cos H,   sin θ sin φ = −cos δ sin H,
 * so the eastern half of the local sky (0 < φ < π) is H < 0. localFrame.test.ts checks these
 * against Eq. 7 directly.
 */
import type { Vec3 } from '../../config/vec3.ts';

/** Eq. 7 as a row-major 3×3 matrix, for sidereal angle ωt (radians) and latitude Φ (radians). */
export function localRotation(siderealAngle: number, latitude: number): number[] {
  const c = Math.cos(siderealAngle), s = Math.sin(siderealAngle);
  const cp = Math.cos(latitude), sp = Math.sin(latitude);
  return [-c * sp, -s * sp, cp, s, -c, 0, c * cp, s * cp, sp];
}

/** n′ = R(t)·n (Eq. 7): an equatorial unit vector in the local frame. */
export function toLocal(n: Vec3, siderealAngle: number, latitude: number): Vec3 {
  const r = localRotation(siderealAngle, latitude);
  return [r[0] * n[0] + r[1] * n[1] + r[2] * n[2], r[3] * n[0] + r[4] * n[1] + r[5] * n[2], r[6] * n[0] + r[7] * n[1] + r[8] * n[2]];
}

/** Zenith angle θ and azimuth φ (from north towards east, in (−π, π]) of a local unit vector (Eq. 5 inverted). */
export function localAngles(local: Vec3): { zenith: number; azimuth: number } {
  const st = Math.hypot(local[0], local[1]);
  return { zenith: Math.atan2(st, local[2]), azimuth: Math.atan2(-local[1], local[0]) };
}

/** cos θ of the direction at hour angle H and declination δ seen from latitude Φ (all radians). */
export function cosZenith(hourAngle: number, declination: number, latitude: number): number {
  return Math.sin(latitude) * Math.sin(declination) + Math.cos(latitude) * Math.cos(declination) * Math.cos(hourAngle);
}

/** sin θ sin φ, the component towards local east (> 0 in the eastern half of the sky). */
export function eastComponent(hourAngle: number, declination: number): number {
  return -Math.cos(declination) * Math.sin(hourAngle);
}
