/**
 * The associated-Legendre part of the spherical-harmonic transforms, for a block of rings at a
 * time (internal to harmonics.ts).
 *
 * Y_lm(θ, φ) = λ_lm(cos θ) e^{imφ}, orthonormal, with the Condon–Shortley phase:
 *   λ_00 = 1/sqrt(4π),  λ_mm = −sqrt((2m+1)/(2m)) · sin θ · λ_{m−1,m−1},
 *   λ_lm = A_lm · z · λ_{l−1,m} − C_lm · λ_{l−2,m}   (l > m, z = cos θ),
 *   A_lm = sqrt((4l²−1)/(l²−m²)),  C_lm = A_lm · sqrt(((l−1)²−m²)/(4(l−1)²−1)).
 * The upward recursion in l is stable for the normalized functions.
 *
 * Underflow: sin^m θ is 1e-1900 on the first ring of N_side 256 at m = 767. λ_mm is carried as
 * mantissa · 2^(300·scale); the l-recursion runs in that scaled form until |λ| is back above
 * 2^−300 (≈ 5e-91) of its true value, and only from there on contributes. Terms below 2^−300 are
 * dropped, which cannot show at double precision next to the O(1) terms. Nothing overflows:
 * |λ_lm| ≤ sqrt((2l+1)/(4π)).
 *
 * Loop order: m outer, then groups of four rings, l innermost with the four recursions
 * interleaved (independent chains keep the floating-point units busy; a_lm is read or updated
 * once per (l, m) for the four rings). The four run together from the latest of their starting
 * l on; rings that start earlier are first brought there one at a time, rings with nothing
 * significant at this m ride along as zeros.
 *
 * Skipping: a ring is retired for all larger m once m is past its turning point
 * (lmax+1)·sin θ and |λ| at lmax is below 1e-30 (the functions only decay from there).
 *
 * Rings are given by z ≥ 0 (north ring of a pair mirrored in the equator, or the equator itself)
 * with their even and odd parts: for analysis P_E = F_N + F_S and P_O = F_N − F_S (since
 * λ_lm(−z) = (−1)^(l+m) λ_lm(z)), for synthesis the sums E = Σ_{l+m even} a_lm λ_lm and
 * O = Σ_{l+m odd} a_lm λ_lm, from which F_N = E + O and F_S = E − O.
 */

/** Beyond the turning point m > (lmax+1)·sin θ, λ_lm falls with m and peaks at l = lmax; once
 *  |λ_{lmax−1,m}| and |λ_{lmax,m}| are below this, the ring's larger m are skipped. */
const M_CUTOFF = 1e-30;
const FBIG = 2 ** 300;
const INV_FBIG = 2 ** -300;
const INV_SQRT_4PI = 1 / Math.sqrt(4 * Math.PI);

export interface LegendreTables {
  lmax: number;
  /** Index of (l, m) in healpy's alm order is mOff[m] + l. */
  mOff: Int32Array;
  a: Float64Array;
  c: Float64Array;
  fmm: Float64Array;
}

const tableCache = new Map<number, LegendreTables>();

export function legendreTables(lmax: number): LegendreTables {
  const hit = tableCache.get(lmax);
  if (hit) return hit;
  const n = ((lmax + 1) * (lmax + 2)) / 2;
  const a = new Float64Array(n);
  const c = new Float64Array(n);
  const mOff = new Int32Array(lmax + 1);
  const fmm = new Float64Array(lmax + 1);
  for (let m = 0; m <= lmax; m++) {
    mOff[m] = (m * (2 * lmax + 1 - m)) / 2;
    fmm[m] = m === 0 ? 1 : -Math.sqrt((2 * m + 1) / (2 * m));
    for (let l = m + 1; l <= lmax; l++) {
      const l2 = l * l;
      const m2 = m * m;
      const al = Math.sqrt((4 * l2 - 1) / (l2 - m2));
      const lm1 = l - 1;
      const bl = Math.sqrt((lm1 * lm1 - m2) / (4 * lm1 * lm1 - 1));
      a[mOff[m] + l] = al;
      c[mOff[m] + l] = al * bl;
    }
  }
  const t: LegendreTables = { lmax, mOff, a, c, fmm };
  if (tableCache.size >= 2) tableCache.delete(tableCache.keys().next().value as number);
  tableCache.set(lmax, t);
  return t;
}

/** Rings processed together in the innermost loop: four independent recursions hide the
 *  latency of each (a single recursion is latency-bound at ~2.5 ns per step in V8). */
const GROUP = 4;

/** Legendre work for up to `capacity` rings; reusable across blocks and transforms of one lmax. */
export class LegendreBlock {
  private count = 0;
  private readonly z: Float64Array;
  private readonly st: Float64Array;
  private readonly mTurn: Float64Array;
  // per ring: λ_mm as mantissa · 2^(300·scale), retired flag
  private readonly mant: Float64Array;
  private readonly scale: Int32Array;
  private readonly done: Uint8Array;
  // per ring for the current m: first significant l (−1: none), λ there and one l before,
  // λ at lmax and lmax−1 afterwards, and the synthesis sums E and O
  private readonly startL: Int32Array;
  private readonly startPrev: Float64Array;
  private readonly startCur: Float64Array;
  private readonly endA: Float64Array;
  private readonly endB: Float64Array;
  private readonly sum: Float64Array;
  /** P (l+m even re/im, odd re/im) of the four rings of the current group. */
  private readonly p = new Float64Array(4 * GROUP);

  constructor(
    private readonly t: LegendreTables,
    capacity: number,
  ) {
    const cap = Math.ceil(capacity / GROUP) * GROUP;
    const f = () => new Float64Array(cap);
    this.z = f();
    this.st = f();
    this.mTurn = f();
    this.mant = f();
    this.scale = new Int32Array(cap);
    this.done = new Uint8Array(cap);
    this.startL = new Int32Array(cap);
    this.startPrev = f();
    this.startCur = f();
    this.endA = f();
    this.endB = f();
    this.sum = new Float64Array(4 * cap);
  }

  /** Set the block's rings: z = cos θ ≥ 0 and sin θ (computed without cancellation). */
  setRings(z: ArrayLike<number>, sinTheta: ArrayLike<number>, count: number): void {
    if (count > this.z.length) throw new RangeError('LegendreBlock: too many rings');
    this.count = count;
    for (let k = 0; k < this.z.length; k++) {
      const live = k < count;
      this.z[k] = live ? z[k] : 0;
      this.st[k] = live ? sinTheta[k] : 1;
      this.mTurn[k] = (this.t.lmax + 1) * this.st[k];
      this.mant[k] = INV_SQRT_4PI;
      this.scale[k] = 0;
      this.done[k] = live ? 0 : 1;
    }
  }

  /**
   * Advance λ_mm to this m for every live ring and find where its λ_lm first reaches 2^−300
   * (startL, with λ there and one l before); startL = −1 if never up to lmax. Returns false if
   * every ring is retired.
   */
  private prepare(m: number): boolean {
    const { t, z, st, mant, scale, done, startL, startPrev, startCur } = this;
    const { lmax, a, c, fmm } = t;
    const off = t.mOff[m];
    let any = false;
    for (let k = 0; k < z.length; k++) {
      startL[k] = -1;
      if (done[k]) continue;
      any = true;
      if (m > 0) {
        mant[k] *= fmm[m] * st[k];
        if (Math.abs(mant[k]) < INV_FBIG) {
          mant[k] *= FBIG;
          scale[k]--;
        }
      }
      const zk = z[k];
      let lam0 = 0;
      let lam1 = mant[k];
      let s = scale[k];
      let l = m;
      let dead = false;
      while (s < -1) {
        if (l === lmax) {
          dead = true;
          break;
        }
        l++;
        const i = off + l;
        const nx = zk * a[i] * lam1 - c[i] * lam0;
        lam0 = lam1;
        lam1 = nx;
        if (Math.abs(lam1) > FBIG) {
          lam0 *= INV_FBIG;
          lam1 *= INV_FBIG;
          s++;
        }
      }
      if (dead) {
        if (m > this.mTurn[k]) done[k] = 1;
        continue;
      }
      if (s === -1) {
        lam0 *= INV_FBIG;
        lam1 *= INV_FBIG;
      }
      startL[k] = l;
      startPrev[k] = lam0;
      startCur[k] = lam1;
    }
    return any;
  }

  /** Retire rings whose λ at lmax and lmax−1 are negligible beyond the turning point. */
  private retire(m: number): void {
    for (let k = 0; k < this.count; k++) {
      if (this.startL[k] < 0 || m <= this.mTurn[k]) continue;
      if (Math.abs(this.endA[k]) < M_CUTOFF && Math.abs(this.endB[k]) < M_CUTOFF) this.done[k] = 1;
    }
  }

  /**
   * Analysis for ring k alone from its start up to l = lTo: alm += λ_l·P (P = pRow[0..1] for
   * l+m even, pRow[2..3] for odd). Leaves λ_{lTo−1}, λ_lTo in startPrev[k], startCur[k].
   */
  private singleAnalysis(m: number, k: number, lTo: number, alm: Float64Array, p: Float64Array, po: number): void {
    const { a, c } = this.t;
    const off = this.t.mOff[m];
    const zk = this.z[k];
    let prev = this.startPrev[k];
    let cur = this.startCur[k];
    let l = this.startL[k];
    for (;;) {
      const e = po + (((l - m) & 1) === 0 ? 0 : 2);
      alm[2 * (off + l)] += cur * p[e];
      alm[2 * (off + l) + 1] += cur * p[e + 1];
      if (l >= lTo) break;
      l++;
      const i = off + l;
      const nx = zk * a[i] * cur - c[i] * prev;
      prev = cur;
      cur = nx;
    }
    this.startPrev[k] = prev;
    this.startCur[k] = cur;
  }

  /** Synthesis for ring k alone from its start up to l = lTo, into sum[4k .. 4k+3] (E re/im, O re/im). */
  private singleSynthesis(m: number, k: number, lTo: number, alm: Float64Array): void {
    const { a, c } = this.t;
    const sum = this.sum;
    const off = this.t.mOff[m];
    const zk = this.z[k];
    let prev = this.startPrev[k];
    let cur = this.startCur[k];
    let l = this.startL[k];
    for (;;) {
      const e = 4 * k + (((l - m) & 1) === 0 ? 0 : 2);
      sum[e] += cur * alm[2 * (off + l)];
      sum[e + 1] += cur * alm[2 * (off + l) + 1];
      if (l >= lTo) break;
      l++;
      const i = off + l;
      const nx = zk * a[i] * cur - c[i] * prev;
      prev = cur;
      cur = nx;
    }
    this.startPrev[k] = prev;
    this.startCur[k] = cur;
  }

  /**
   * alm[(l, m)] += Σ_rings λ_lm(z_k) · (pe or po)[m][k], pe for l+m even, po for odd; pe/po are
   * interleaved complex with (ring k, m) at 2·(k·(lmax+1) + m).
   */
  analysis(alm: Float64Array, pe: Float64Array, po: Float64Array): void {
    const { t, count, z, startL, startPrev, startCur, endA, endB } = this;
    const { lmax, a, c, mOff } = t;
    for (let m = 0; m <= lmax; m++) {
      if (!this.prepare(m)) return;
      const off = mOff[m];
      const base = 2 * m;
      const stride = 2 * (lmax + 1);
      for (let g = 0; g < count; g += GROUP) {
        let lStar = -1;
        for (let q = 0; q < GROUP; q++) lStar = Math.max(lStar, startL[g + q]);
        if (lStar < 0) continue;
        // P for (l+m) even / odd per ring, zero for rings without significant terms
        const P = this.p;
        P.fill(0);
        for (let q = 0; q < GROUP; q++) {
          const k = g + q;
          if (startL[k] < 0) {
            startPrev[k] = 0;
            startCur[k] = 0;
            continue;
          }
          const o = base + stride * k;
          P[4 * q] = pe[o];
          P[4 * q + 1] = pe[o + 1];
          P[4 * q + 2] = po[o];
          P[4 * q + 3] = po[o + 1];
          this.singleAnalysis(m, k, lStar, alm, P, 4 * q);
        }
        const k0 = g;
        const za = z[k0], zb = z[k0 + 1], zc = z[k0 + 2], zd = z[k0 + 3];
        let ua = startCur[k0], ub = startCur[k0 + 1], uc = startCur[k0 + 2], ud = startCur[k0 + 3];
        let va = startPrev[k0], vb = startPrev[k0 + 1], vc = startPrev[k0 + 2], vd = startPrev[k0 + 3];
        // parity of the first step l1 = lStar + 1 (index 0 of P: even, 2: odd)
        const l1 = lStar + 1;
        const e1 = ((l1 - m) & 1) === 0 ? 0 : 2;
        const e2 = 2 - e1;
        const a1r = P[e1], a1i = P[e1 + 1], a2r = P[e2], a2i = P[e2 + 1];
        const b1r = P[4 + e1], b1i = P[5 + e1], b2r = P[4 + e2], b2i = P[5 + e2];
        const c1r = P[8 + e1], c1i = P[9 + e1], c2r = P[8 + e2], c2i = P[9 + e2];
        const d1r = P[12 + e1], d1i = P[13 + e1], d2r = P[12 + e2], d2i = P[13 + e2];
        let i = off + l1;
        const iEnd = off + lmax;
        for (; i < iEnd; i += 2) {
          const A = a[i], C = c[i];
          va = za * A * ua - C * va;
          vb = zb * A * ub - C * vb;
          vc = zc * A * uc - C * vc;
          vd = zd * A * ud - C * vd;
          alm[2 * i] += va * a1r + vb * b1r + vc * c1r + vd * d1r;
          alm[2 * i + 1] += va * a1i + vb * b1i + vc * c1i + vd * d1i;
          const A1 = a[i + 1], C1 = c[i + 1];
          ua = za * A1 * va - C1 * ua;
          ub = zb * A1 * vb - C1 * ub;
          uc = zc * A1 * vc - C1 * uc;
          ud = zd * A1 * vd - C1 * ud;
          alm[2 * i + 2] += ua * a2r + ub * b2r + uc * c2r + ud * d2r;
          alm[2 * i + 3] += ua * a2i + ub * b2i + uc * c2i + ud * d2i;
        }
        if (i === iEnd) {
          const A = a[i], C = c[i];
          va = za * A * ua - C * va;
          vb = zb * A * ub - C * vb;
          vc = zc * A * uc - C * vc;
          vd = zd * A * ud - C * vd;
          alm[2 * i] += va * a1r + vb * b1r + vc * c1r + vd * d1r;
          alm[2 * i + 1] += va * a1i + vb * b1i + vc * c1i + vd * d1i;
        }
        endA[k0] = ua; endA[k0 + 1] = ub; endA[k0 + 2] = uc; endA[k0 + 3] = ud;
        endB[k0] = va; endB[k0 + 1] = vb; endB[k0 + 2] = vc; endB[k0 + 3] = vd;
      }
      this.retire(m);
    }
  }

  /**
   * ge[m][k] = Σ_{l+m even} a_lm λ_lm(z_k), go[m][k] = Σ_{l+m odd} (interleaved complex, ring k
   * (ring k, m) at 2·(k·(lmax+1) + m)); both are fully overwritten.
   */
  synthesis(alm: Float64Array, ge: Float64Array, go: Float64Array): void {
    const { t, count, z, startL, startPrev, startCur, endA, endB, sum } = this;
    const { lmax, a, c, mOff } = t;
    ge.fill(0, 0, 2 * (lmax + 1) * count);
    go.fill(0, 0, 2 * (lmax + 1) * count);
    for (let m = 0; m <= lmax; m++) {
      if (!this.prepare(m)) return;
      const off = mOff[m];
      const base = 2 * m;
      const stride = 2 * (lmax + 1);
      for (let g = 0; g < count; g += GROUP) {
        let lStar = -1;
        for (let q = 0; q < GROUP; q++) lStar = Math.max(lStar, startL[g + q]);
        if (lStar < 0) continue;
        // sum[4k .. 4k+3] = E re, E im, O re, O im of ring k
        sum.fill(0, 4 * g, 4 * (g + GROUP));
        for (let q = 0; q < GROUP; q++) {
          const k = g + q;
          if (startL[k] < 0) {
            startPrev[k] = 0;
            startCur[k] = 0;
            continue;
          }
          this.singleSynthesis(m, k, lStar, alm);
        }
        const k0 = g;
        const za = z[k0], zb = z[k0 + 1], zc = z[k0 + 2], zd = z[k0 + 3];
        let ua = startCur[k0], ub = startCur[k0 + 1], uc = startCur[k0 + 2], ud = startCur[k0 + 3];
        let va = startPrev[k0], vb = startPrev[k0 + 1], vc = startPrev[k0 + 2], vd = startPrev[k0 + 3];
        // s1*: terms with the parity of l1 = lStar + 1, s2*: the other parity
        let s1ar = 0, s1ai = 0, s2ar = 0, s2ai = 0, s1br = 0, s1bi = 0, s2br = 0, s2bi = 0;
        let s1cr = 0, s1ci = 0, s2cr = 0, s2ci = 0, s1dr = 0, s1di = 0, s2dr = 0, s2di = 0;
        const l1 = lStar + 1;
        let i = off + l1;
        const iEnd = off + lmax;
        for (; i < iEnd; i += 2) {
          const A = a[i], C = c[i], xr = alm[2 * i], xi = alm[2 * i + 1];
          va = za * A * ua - C * va;
          vb = zb * A * ub - C * vb;
          vc = zc * A * uc - C * vc;
          vd = zd * A * ud - C * vd;
          s1ar += va * xr; s1ai += va * xi; s1br += vb * xr; s1bi += vb * xi;
          s1cr += vc * xr; s1ci += vc * xi; s1dr += vd * xr; s1di += vd * xi;
          const A1 = a[i + 1], C1 = c[i + 1], yr = alm[2 * i + 2], yi = alm[2 * i + 3];
          ua = za * A1 * va - C1 * ua;
          ub = zb * A1 * vb - C1 * ub;
          uc = zc * A1 * vc - C1 * uc;
          ud = zd * A1 * vd - C1 * ud;
          s2ar += ua * yr; s2ai += ua * yi; s2br += ub * yr; s2bi += ub * yi;
          s2cr += uc * yr; s2ci += uc * yi; s2dr += ud * yr; s2di += ud * yi;
        }
        if (i === iEnd) {
          const A = a[i], C = c[i], xr = alm[2 * i], xi = alm[2 * i + 1];
          va = za * A * ua - C * va;
          vb = zb * A * ub - C * vb;
          vc = zc * A * uc - C * vc;
          vd = zd * A * ud - C * vd;
          s1ar += va * xr; s1ai += va * xi; s1br += vb * xr; s1bi += vb * xi;
          s1cr += vc * xr; s1ci += vc * xi; s1dr += vd * xr; s1di += vd * xi;
        }
        endA[k0] = ua; endA[k0 + 1] = ub; endA[k0 + 2] = uc; endA[k0 + 3] = ud;
        endB[k0] = va; endB[k0 + 1] = vb; endB[k0 + 2] = vc; endB[k0 + 3] = vd;
        const e1 = ((l1 - m) & 1) === 0 ? 0 : 2;
        const e2 = 2 - e1;
        const k4 = 4 * k0;
        sum[k4 + e1] += s1ar; sum[k4 + e1 + 1] += s1ai; sum[k4 + e2] += s2ar; sum[k4 + e2 + 1] += s2ai;
        sum[k4 + 4 + e1] += s1br; sum[k4 + 5 + e1] += s1bi; sum[k4 + 4 + e2] += s2br; sum[k4 + 5 + e2] += s2bi;
        sum[k4 + 8 + e1] += s1cr; sum[k4 + 9 + e1] += s1ci; sum[k4 + 8 + e2] += s2cr; sum[k4 + 9 + e2] += s2ci;
        sum[k4 + 12 + e1] += s1dr; sum[k4 + 13 + e1] += s1di; sum[k4 + 12 + e2] += s2dr; sum[k4 + 13 + e2] += s2di;
        for (let q = 0; q < GROUP; q++) {
          const k = k0 + q;
          if (k >= count) break;
          const o = base + stride * k;
          ge[o] = sum[4 * k];
          ge[o + 1] = sum[4 * k + 1];
          go[o] = sum[4 * k + 2];
          go[o + 1] = sum[4 * k + 3];
        }
      }
      this.retire(m);
    }
  }
}
