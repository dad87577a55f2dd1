/**
 * Liouville mapping (review Eq. 63): the phase-space density seen by the observer in direction n
 * equals the density at the back-tracked point, f(t, r_obs, -n) = f(t - T, r(T), p̂(T)), with
 * p̂ = -u(T) the cosmic ray's momentum direction there (the tracker integrates the antiparticle,
 * docs/physics.md Sec. 2). Three models of f at the earlier time (docs/physics.md Sec. 4):
 *   1. fixed time T, gradient plus Fick dipole:  4π f = φ + (r(T) - r_obs)·∇φ - 3 p̂·K·∇φ  (Eq. 64/66)
 *   2. gradient on a sphere of radius R:         f = φ + (r_exit - r_obs)·∇φ              (Giacinti & Sigl)
 *   3. homogeneous dipole:                       f ∝ 1 - δ·p̂                              (Sec. 4.4)
 * All work with g = ∇φ/φ (pc^-1) and return f/φ per particle; `relativeIntensity` divides by the
 * sky mean (Eq. 1, 48). The models never know which backend produced the end states.
 */
import type { Snapshot, SphereCrossings } from '../sim/types.ts';
import type { Vec3 } from '../config/vec3.ts';

/** Symmetric 3x3 tensor, row-major, pc (units of c·pc). */
export type Tensor3 = Float64Array;

/** Model 1 per particle: 1 + (r(T) - r_obs)·g - 3 p̂·K·g with p̂ = -u(T); K = null drops the Fick term. */
export function fixedTimeDensity(snapshot: Snapshot, origin: Vec3, g: Vec3, k: Tensor3 | null): Float64Array {
  const { positions: r, directions: u } = snapshot;
  const n = r.length / 3;
  const out = new Float64Array(n);
  // K·g once; p̂·K·g = -u·(K g)
  const kg = k === null ? [0, 0, 0] : [
    k[0] * g[0] + k[1] * g[1] + k[2] * g[2],
    k[3] * g[0] + k[4] * g[1] + k[5] * g[2],
    k[6] * g[0] + k[7] * g[1] + k[8] * g[2],
  ];
  for (let i = 0; i < n; i++) {
    const dx = r[3 * i] - origin[0];
    const dy = r[3 * i + 1] - origin[1];
    const dz = r[3 * i + 2] - origin[2];
    const pkg = -(u[3 * i] * kg[0] + u[3 * i + 1] * kg[1] + u[3 * i + 2] * kg[2]);
    out[i] = 1 + dx * g[0] + dy * g[1] + dz * g[2] - 3 * pkg;
  }
  return out;
}

/** Model 2 per particle: 1 + (r_exit - r_obs)·g; NaN for particles that never reached the sphere. */
export function sphereDensity(sphere: SphereCrossings, origin: Vec3, g: Vec3): Float64Array {
  const r = sphere.positions;
  const n = r.length / 3;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = Number.isNaN(sphere.timesPc[i])
      ? NaN
      : 1 + (r[3 * i] - origin[0]) * g[0] + (r[3 * i + 1] - origin[1]) * g[1] + (r[3 * i + 2] - origin[2]) * g[2];
  }
  return out;
}

/**
 * Model 3 per particle: f ∝ 1 + p̂·3Φ/φ = 1 - δ·p̂ = 1 + δ·u, with δ = -3Φ/φ the intensity
 * dipole of Eq. 49 (u: directions at T or at the sphere). With this sign B = 0 gives
 * I(n) = 1 + δ·n, the dipole δ itself (docs/physics.md Sec. 4); writing the state as 1 + δ·p̂
 * would flip the sign of δ (the test "homogeneous dipole ... I = 1 + δ·n" pins our choice).
 */
export function dipoleDensity(directions: Float64Array, delta: Vec3): Float64Array {
  const n = directions.length / 3;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = 1 + (directions[3 * i] * delta[0] + directions[3 * i + 1] * delta[1] + directions[3 * i + 2] * delta[2]);
  }
  return out;
}

/**
 * Map of the mean density over each pixel's particles (pixel-major: particles
 * p·perPixel .. p·perPixel + perPixel - 1 belong to pixel p). Non-finite values are left out;
 * a pixel with none left is NaN.
 */
export function pixelMeans(values: Float64Array, perPixel: number): Float64Array {
  if (values.length % perPixel !== 0) throw new Error(`pixelMeans: ${values.length} values is not a multiple of ${perPixel} per pixel`);
  const npix = values.length / perPixel;
  const out = new Float64Array(npix);
  for (let p = 0; p < npix; p++) {
    let s = 0;
    let c = 0;
    for (let j = p * perPixel; j < (p + 1) * perPixel; j++) {
      const v = values[j];
      if (Number.isFinite(v)) {
        s += v;
        c++;
      }
    }
    out[p] = c > 0 ? s / c : NaN;
  }
  return out;
}

/** Relative intensity I = f / <f>, the mean over the finite pixels of an equal-area map. */
export function relativeIntensity(map: Float64Array): Float64Array {
  let s = 0;
  let c = 0;
  for (const v of map) {
    if (Number.isFinite(v)) {
      s += v;
      c++;
    }
  }
  if (c === 0) throw new Error('relativeIntensity: no finite pixel');
  const mean = s / c;
  return map.map((v) => v / mean);
}

/**
 * The diffusion tensor K at the snapshot time from the same particles' displacements,
 * projected on the form K_par b b + K_perp (1 - b b) around b = B0/|B0| (isotropic K·1 when
 * b = null): D_ij = <Δx_i Δx_j>/(2T) (Eq. 53), its antisymmetric and off-axis parts dropped as noise.
 */
export function measuredDiffusionTensor(snapshot: Snapshot, origin: Vec3, b: Vec3 | null): { tensor: Tensor3; parallelPc: number; perpendicularPc: number } {
  const r = snapshot.positions;
  const n = r.length / 3;
  const t = snapshot.timePc;
  let par2 = 0;
  let all2 = 0;
  const bb = b ?? [0, 0, 1];
  for (let i = 0; i < n; i++) {
    const dx = r[3 * i] - origin[0];
    const dy = r[3 * i + 1] - origin[1];
    const dz = r[3 * i + 2] - origin[2];
    const p = dx * bb[0] + dy * bb[1] + dz * bb[2];
    par2 += p * p;
    all2 += dx * dx + dy * dy + dz * dz;
  }
  let kPar = par2 / n / (2 * t);
  let kPerp = (all2 - par2) / n / (4 * t);
  if (b === null) kPar = kPerp = all2 / n / (6 * t);
  return { tensor: diffusionTensor(kPar, kPerp, b), parallelPc: kPar, perpendicularPc: kPerp };
}

/** K = K_par b b + K_perp (1 - b b); with b = null, K_par must equal K_perp (isotropic). */
export function diffusionTensor(kPar: number, kPerp: number, b: Vec3 | null): Tensor3 {
  const bb = b ?? [0, 0, 1];
  const k = new Float64Array(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      k[3 * i + j] = (kPar - kPerp) * bb[i] * bb[j] + (i === j ? kPerp : 0);
    }
  }
  return k;
}
