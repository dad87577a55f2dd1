/**
 * First and second derivatives of a band-limited sky map, computed exactly in harmonic space.
 *
 * Tool: the angular-momentum operator Λ = r × ∇ = iL, a real, tangential vector operator whose
 * Cartesian components act on Y_lm within the same l (Condon–Shortley phase, as healpy):
 *   Λ_z Y_lm = i m Y_lm,
 *   Λ_x = i(L+ + L−)/2,  Λ_y = (L+ − L−)/2,  L± Y_lm = sqrt((l ∓ m)(l ± m + 1)) Y_{l,m±1}.
 * So Λ_k u of a real map u is again a real map of the same lmax, from the alm by a two-term
 * formula, and only spin-0 transforms are needed (harmonics.ts). On the unit sphere
 *   W = Λu = n × ∇u,  ∇u = W × n  (the surface gradient, |∇u| = |W|),
 * and for tangent vectors a, b the covariant Hessian is (derived from ∇_S = −n × Λ; the terms
 * from differentiating n cancel because W·n = 0)
 *   ∇∇u(a, b) = (n × a)ᵀ M (n × b),  M_mk = Λ_m Λ_k u  (only the symmetric part of M enters).
 * Checks: Σ_k Λ_k Λ_k = −L², so tr M is the Laplacian −l(l+1)u; ∂θ u and ∂φ u/sin θ equal healpy's
 * alm2map_der1 (derivatives.test.ts).
 *
 * Why by hand: healpy's alm2map_der1 gives first derivatives only, through spin-1 transforms
 * this project does not have; the Λ route needs none.
 */
import { alm2map, almGetLmax, almIndex } from './harmonics.ts';
import { pixelCentres } from './healpix.ts';

export type Axis = 0 | 1 | 2;

/** The alm of Λ_axis u (axis 0 = x, 1 = y, 2 = z) from the alm of a real map u. */
export function almLambda(alm: Float64Array, axis: Axis): Float64Array {
  const lmax = almGetLmax(alm.length);
  const out = new Float64Array(alm.length);
  const re = (l: number, m: number): number => alm[2 * almIndex(l, m, lmax)];
  const im = (l: number, m: number): number => (m === 0 ? 0 : alm[2 * almIndex(l, m, lmax) + 1]);
  for (let m = 0; m <= lmax; m++) {
    for (let l = m; l <= lmax; l++) {
      const o = 2 * almIndex(l, m, lmax);
      if (axis === 2) {
        // i m a_lm
        out[o] = -m * im(l, m);
        out[o + 1] = m * re(l, m);
        continue;
      }
      // p = c− a_{l,m−1} (with a_{l,−1} = −conj a_{l,1}), q = c+ a_{l,m+1}
      const cm = Math.sqrt((l - m + 1) * (l + m));
      const cp = Math.sqrt((l + m + 1) * (l - m));
      let pr = 0;
      let pi = 0;
      if (m > 0) {
        pr = cm * re(l, m - 1);
        pi = cm * im(l, m - 1);
      } else if (l >= 1) {
        pr = -cm * re(l, 1);
        pi = cm * im(l, 1);
      }
      const qr = m < l ? cp * re(l, m + 1) : 0;
      const qi = m < l ? cp * im(l, m + 1) : 0;
      if (axis === 0) {
        // (i/2)(p + q)
        out[o] = -0.5 * (pi + qi);
        out[o + 1] = 0.5 * (pr + qr);
      } else {
        // (p − q)/2
        out[o] = 0.5 * (pr - qr);
        out[o + 1] = 0.5 * (pi - qi);
      }
    }
  }
  // a real map has real a_l0: drop the rounding-level imaginary part there
  for (let l = 0; l <= lmax; l++) out[2 * almIndex(l, 0, lmax) + 1] = 0;
  return out;
}

export interface MapDerivatives {
  readonly nside: number;
  /** The map itself, alm2map(alm), RING order. */
  readonly map: Float64Array;
  /** Surface gradient ∇u as Cartesian 3-vectors per pixel (equatorial axes). */
  readonly gradient: Float64Array;
  /**
   * Symmetric part of M_mk = Λ_m Λ_k u per pixel, 6 values: xx, yy, zz, xy, xz, yz. With the
   * pixel's unit vector n, ∇∇u(a, b) = (n × a)ᵀ M (n × b) for tangent a, b.
   */
  readonly lambda2: Float64Array | null;
}

/** Map, surface gradient and (if `second`) the Λ_mΛ_k matrix of alm on N_side, RING order. */
export function mapDerivatives(alm: Float64Array, nside: number, opts: { second?: boolean } = {}): MapDerivatives {
  const npix = 12 * nside * nside;
  const map = alm2map(alm, nside);
  const lam = [almLambda(alm, 0), almLambda(alm, 1), almLambda(alm, 2)];
  const w = lam.map((a) => alm2map(a, nside));
  const c = pixelCentres(nside);
  const gradient = new Float64Array(3 * npix);
  for (let p = 0; p < npix; p++) {
    const nx = c[3 * p];
    const ny = c[3 * p + 1];
    const nz = c[3 * p + 2];
    const wx = w[0][p];
    const wy = w[1][p];
    const wz = w[2][p];
    // W × n
    gradient[3 * p] = wy * nz - wz * ny;
    gradient[3 * p + 1] = wz * nx - wx * nz;
    gradient[3 * p + 2] = wx * ny - wy * nx;
  }
  if (!opts.second) return { nside, map, gradient, lambda2: null };
  const pairs: [Axis, Axis][] = [[0, 0], [1, 1], [2, 2], [0, 1], [0, 2], [1, 2]];
  const lambda2 = new Float64Array(6 * npix);
  pairs.forEach(([i, j], k) => {
    let a = almLambda(lam[j], i);
    if (i !== j) {
      const b = almLambda(lam[i], j);
      a = a.map((v, t) => 0.5 * (v + b[t]));
    }
    const m = alm2map(a, nside);
    for (let p = 0; p < npix; p++) lambda2[6 * p + k] = m[p];
  });
  return { nside, map, gradient, lambda2 };
}

/**
 * healpy's alm2map_der1: the map, ∂u/∂θ and (1/sin θ)∂u/∂φ at the pixel centres (RING order),
 * θ the colatitude and φ the longitude of the map's own frame.
 */
export function alm2mapDer1(alm: Float64Array, nside: number): { map: Float64Array; dTheta: Float64Array; dPhi: Float64Array } {
  const { map, gradient } = mapDerivatives(alm, nside);
  const c = pixelCentres(nside);
  const npix = map.length;
  const dTheta = new Float64Array(npix);
  const dPhi = new Float64Array(npix);
  for (let p = 0; p < npix; p++) {
    const x = c[3 * p];
    const y = c[3 * p + 1];
    const z = c[3 * p + 2];
    const s = Math.hypot(x, y);
    const cp = x / s;
    const sp = y / s;
    // e_θ = (cos θ cos φ, cos θ sin φ, −sin θ), e_φ = (−sin φ, cos φ, 0)
    const gx = gradient[3 * p];
    const gy = gradient[3 * p + 1];
    const gz = gradient[3 * p + 2];
    dTheta[p] = z * cp * gx + z * sp * gy - s * gz;
    dPhi[p] = -sp * gx + cp * gy;
  }
  return { map, dTheta, dPhi };
}
