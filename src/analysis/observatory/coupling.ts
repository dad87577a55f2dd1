/**
 * Multipole coupling of a cut sky (review Eq. 26, 30 and Appendix A) for a weight w(δ) that
 * depends on declination only, as for a ground array's field of view.
 *
 *   pseudo a_lm = Σ_l' K_{lm,l'm} â_l'm with K_{lm,l'm'} = δ_mm' T^m_ll'(b),
 *   T^m_ll'(b) = (−1)^m Σ_k b_k0 sqrt[(2l+1)(2l'+1)(2k+1)/4π] (l l' k; 0 0 0)(l l' k; m −m 0)   (A.1)
 *   <C_l> = Σ_l' M_ll' <Ĉ_l'> + N_l,
 *   M_ll' = (2l'+1)/4π Σ_k (2k+1) W_k (l l' k; 0 0 0)² − [T^0_ll']²/(2l+1)                      (A.2)
 * with b_k0 = ∫ w Y*_k0 dΩ the weight's multipoles and W_k = Σ_m |b_km|²/(2k+1) = b_k0²/(2k+1)
 * its power. The last term of A.2 removes the m = 0 modes, which the data-driven normalization
 * sets to zero (a_l0 = 0, Eq. 16). All matrices are row-major (lmax+1)², entry [l·(lmax+1) + l'].
 */
import { ringInfo } from '../healpix.ts';
import { wigner3jRange, wigner3jZero } from './wigner3j.ts';

/** Legendre polynomials P_0 .. P_lmax at x. */
export function legendreP(lmax: number, x: number): Float64Array {
  const p = new Float64Array(lmax + 1);
  p[0] = 1;
  if (lmax >= 1) p[1] = x;
  for (let l = 2; l <= lmax; l++) p[l] = ((2 * l - 1) * x * p[l - 1] - (l - 1) * p[l - 2]) / l;
  return p;
}

/**
 * b_k0, k = 0 .. kmax, of the top hat w = 1 for δ1 < δ < δ2 (continuous sky):
 * b_k0 = 2π sqrt((2k+1)/4π) ∫_{s1}^{s2} P_k(s) ds with ∫ P_k = (P_{k+1} − P_{k−1})/(2k+1).
 */
export function bandMultipoles(decMinDeg: number, decMaxDeg: number, kmax: number): Float64Array {
  const s1 = Math.sin((decMinDeg * Math.PI) / 180), s2 = Math.sin((decMaxDeg * Math.PI) / 180);
  const p1 = legendreP(kmax + 1, s1), p2 = legendreP(kmax + 1, s2);
  const b = new Float64Array(kmax + 1);
  for (let k = 0; k <= kmax; k++) {
    const integral = k === 0 ? s2 - s1 : (p2[k + 1] - p2[k - 1] - (p1[k + 1] - p1[k - 1])) / (2 * k + 1);
    b[k] = 2 * Math.PI * Math.sqrt((2 * k + 1) / (4 * Math.PI)) * integral;
  }
  return b;
}

/**
 * b_k0, k = 0 .. kmax, of a per-pixel weight (RING order) that is constant on every HEALPix ring,
 * by the pixel quadrature b_k0 = (4π/N_pix) Σ_p w_p Y_k0(p), i.e. what map2alm(w, iterations 0)
 * gives for m = 0, for any kmax. Throws if w varies along a ring (Appendix A needs w(δ)).
 */
export function ringWeightMultipoles(weight: ArrayLike<number>, kmax: number): Float64Array {
  const nside = Math.round(Math.sqrt(weight.length / 12));
  const info = ringInfo(nside);
  const b = new Float64Array(kmax + 1);
  const dOmega = (4 * Math.PI) / weight.length;
  for (let r = 0; r < info.nRings; r++) {
    const f = info.firstPix[r], n = info.nPix[r];
    const w0 = weight[f];
    for (let p = f + 1; p < f + n; p++) if (weight[p] !== w0) throw new RangeError(`ringWeightMultipoles: the weight varies along ring ${r}; the coupling of Appendix A needs w(δ)`);
    if (w0 === 0) continue;
    const pl = legendreP(kmax, info.z[r]);
    for (let k = 0; k <= kmax; k++) b[k] += w0 * n * dOmega * Math.sqrt((2 * k + 1) / (4 * Math.PI)) * pl[k];
  }
  return b;
}

/** T^m_ll' of Eq. A.1 for l, l' = 0 .. lmax (zero where l or l' < |m|); b needs k up to 2·lmax. */
export function couplingBlock(m: number, b: ArrayLike<number>, lmax: number): Float64Array {
  if (b.length < 2 * lmax + 1) throw new RangeError(`couplingBlock: b_k0 needed up to k = ${2 * lmax}, got ${b.length - 1}`);
  const L = lmax + 1;
  const t = new Float64Array(L * L);
  const am = Math.abs(m);
  const sign = am & 1 ? -1 : 1;
  for (let l = am; l <= lmax; l++) {
    for (let lp = l; lp <= lmax; lp++) {
      const zero = wigner3jRange(l, lp, 0, 0); // (k l l'; 0 0 0) = (l l' k; 0 0 0)
      const withM = wigner3jRange(l, lp, m, -m); // (k l l'; 0 m −m) = (l l' k; m −m 0)
      let s = 0;
      for (let i = 0; i < withM.values.length; i++) {
        const k = withM.j1Min + i;
        const z = zero.values[k - zero.j1Min];
        if (z === 0) continue;
        s += b[k] * Math.sqrt(2 * k + 1) * z * withM.values[i];
      }
      const v = sign * Math.sqrt(((2 * l + 1) * (2 * lp + 1)) / (4 * Math.PI)) * s;
      t[l * L + lp] = v;
      t[lp * L + l] = v;
    }
  }
  return t;
}

/** The transfer matrix M_ll' of Eq. A.2 for l, l' = 0 .. lmax from the weight's b_k0 (k up to 2·lmax). */
export function transferMatrix(b: ArrayLike<number>, lmax: number): Float64Array {
  if (b.length < 2 * lmax + 1) throw new RangeError(`transferMatrix: b_k0 needed up to k = ${2 * lmax}, got ${b.length - 1}`);
  const L = lmax + 1;
  const t0 = couplingBlock(0, b, lmax);
  const mm = new Float64Array(L * L);
  for (let l = 0; l <= lmax; l++) {
    for (let lp = 0; lp <= lmax; lp++) {
      let s = 0;
      for (let k = Math.abs(l - lp); k <= l + lp; k++) {
        const z = wigner3jZero(l, lp, k);
        if (z === 0) continue;
        s += b[k] * b[k] * z * z; // (2k+1) W_k = b_k0²
      }
      mm[l * L + lp] = ((2 * lp + 1) / (4 * Math.PI)) * s - (t0[l * L + lp] * t0[l * L + lp]) / (2 * l + 1);
    }
  }
  return mm;
}
