/**
 * Plane-wave field along one trajectory, updated incrementally: the float64 CPU tracker's
 * evaluator for mode tables. It returns B(x_m) = B0 + Σ_n a_n cos θ_n, θ_n = k_n·(origin + x_m) +
 * φ_n, at the step midpoints x_m of one particle at a time, with a few multiply-adds per mode and
 * step instead of a Math.cos call (~14 ns in V8; the whole update costs ~6-7 ns).
 *
 * ## Method
 * Consecutive midpoints differ by δ = x_m' − x_m = ((h + h')/2)·u, |δ| ≤ h (h' ≤ h is the step
 * after, shorter when it lands on a snapshot time). Per mode the stepper keeps
 * (c, s) ≈ (cos θ, sin θ) at the last midpoint and turns it by Δ = k·δ (angle addition):
 *
 *   c' = c + (c·(C − 1) − s·S),   s' = s + (s·(C − 1) + c·S),   C ≈ cos Δ,  S ≈ sin Δ,
 *
 * with C − 1 and S truncated Taylor series in Δ² (Horner). As "old value + small correction"
 * the update rounds once at full size (u/2) and otherwise only in terms of size |Δ|.
 * Landing steps need no special treatment: their δ is as short or shorter.
 *
 * **Shortest accurate series per mode.** Modes are sorted by |k| into groups; a mode with
 * ρ = |k|·h ≤ r_m uses cos through Δ^(2m) and sin through Δ^(2m+1), m ∈ {3, 5, 7, 9, 11}, with
 * r_m the largest radius whose first omitted term is ≤ 2^-56 = u/8 (alternating series with
 * decreasing terms: that term bounds the remainder): r = 0.030, 0.21, 0.60, 1.19, 1.95. The
 * default step (≤ λ_min/4) gives ρ ≤ π/2; modes beyond r_11 (a step > 1.24·λ_min/4, set by hand)
 * are summed directly with Math.cos every step. A jump |δ| > h (not made by the tracker)
 * re-synchronizes instead.
 *
 * **Exact re-synchronization** every M = `syncInterval` steps (default 32): (c, s) is set from
 * the phase itself, θ = k·x + φ' in double-double (Dekker's exact products, Knuth's two-sum),
 * then cos θ = cos θ_hi − θ_lo sin θ_hi with Math.cos/Math.sin (< 1 ulp). Positions are relative
 * to the observer and φ' = k·origin + φ is held in double-double too, so the phase is exact to
 * ~u²|θ| however far the particle and the observer are from the origin (the direct sum of
 * createFieldEvaluator rounds θ to ~u|θ|: 1e-13 rad at |k·x| = 1000). Every particle starts at
 * x = 0, whose (cos φ', sin φ') is computed once per stepper and copied.
 *
 * ## Error bound (per mode, absolute, on cos θ and sin θ; u = 2^-53 = 1.1e-16)
 * After a re-synchronization e_0 ≤ 2u (Math.cos/sin ≤ 1 ulp ≤ u, the θ_lo correction u/2, the
 * double-double phase ~u²|θ|). One step, with ρ = |k||δ| ≥ |Δ|, adds at most (per component)
 *   u/2                          rounding of c + correction
 * + 0.18 u                       truncation of C and S (≤ u/8 each; |(c, s)| ≈ 1)
 * + u(|Δ| + Δ²/2)                rounding of c·(C − 1) − s·S
 * + u(|Δ|/2 + 3Δ²/2 + |Δ|³/3)   rounding inside the series (Horner, relative ~3u on C − 1)
 * + 3.5 uρ                       rounding of Δ = kx·δx + ky·δy + kz·δz (≤ γ_3 Σ|k_i δ_i| ≤ 3uρ)
 *                                and of δ = x' − x (≤ uρ/2, exact when x', x agree in sign and
 *                                within a factor 2)
 * ≤ u(0.68 + 5ρ + 2ρ² + ρ³/3), a phase error or a drift of |(c, s)| from 1 alike.
 * That is ≤ 14.8 u (1.6e-15) at ρ = π/2, ≤ 5.0 u at ρ = 0.66 (the fastest mode of the benchmark
 * workload) and ≤ 1.2 u at ρ = 0.1 (most of its modes). After M = 32 steps: e ≤ 2u + 32·14.8 u =
 * 5.3e-14 in the worst case allowed by the default step, 1.8e-14 for the benchmark's fastest mode.
 * The roundings are independent and of both signs, so in practice the error grows like √j:
 * measured along 1e5 Boris steps of the benchmark workload with landing steps
 * (planeWaveStepper.test.ts), max 1.5e-15 and rms 1.6e-16 per mode; |B − B_exact| ≤ 4.1e-15 B_rms
 * (rms 6.9e-16), the same as with an exact phase at every step (4.0e-15): the rounding of the
 * 256-term sum dominates. M = 32 costs one Math.cos + Math.sin per mode every 32 steps
 * (~1 ns per mode and step); M = 8..128 measured 0.7..2.4e-15 max per mode.
 */
import type { ModeTurbulence } from '../../turbulence/field.ts';
import { MODE_STRIDE } from '../../turbulence/field.ts';
import type { Vec3 } from '../../config/vec3.ts';

/** Default steps between exact re-synchronizations (see the error bound above). */
export const DEFAULT_SYNC_INTERVAL = 32;

/** Doubles per mode in the stepper's table: kx, ky, kz, ax, ay, az, cos θ, sin θ. */
const S = 8;

/** Taylor coefficients ±1/n! (rounded once: relative error ≤ u/2 each). */
function invFactorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return 1 / f;
}
const C1 = -invFactorial(2);
const C2 = invFactorial(4);
const C3 = -invFactorial(6);
const C4 = invFactorial(8);
const C5 = -invFactorial(10);
const C6 = invFactorial(12);
const C7 = -invFactorial(14);
const C8 = invFactorial(16);
const C9 = -invFactorial(18);
const C10 = invFactorial(20);
const C11 = -invFactorial(22);
const S1 = -invFactorial(3);
const S2 = invFactorial(5);
const S3 = -invFactorial(7);
const S4 = invFactorial(9);
const S5 = -invFactorial(11);
const S6 = invFactorial(13);
const S7 = -invFactorial(15);
const S8 = invFactorial(17);
const S9 = -invFactorial(19);
const S10 = invFactorial(21);
const S11 = -invFactorial(23);

/** The series orders m of the groups, ascending. */
export const SERIES_ORDERS = [3, 5, 7, 9, 11] as const;

/**
 * Largest |Δ| for which cos through Δ^(2m) and sin through Δ^(2m+1) are within 2^-56 of cos Δ and
 * sin Δ: the largest r with r^(2m+2)/(2m+2)! ≤ 2^-56 (the first omitted term of cos, which
 * bounds sin's too), rounded down.
 */
export function seriesRadius(m: number): number {
  const target = 2 ** -56;
  let lo = 0;
  let hi = 4;
  for (let i = 0; i < 200; i++) {
    const r = 0.5 * (lo + hi);
    if (Math.pow(r, 2 * m + 2) * invFactorial(2 * m + 2) <= target) lo = r;
    else hi = r;
  }
  return lo * (1 - 1e-12);
}

const RADII = SERIES_ORDERS.map(seriesRadius);

// Dekker's split: a = hi + lo exactly, hi and lo with at most 26 significant bits.
const SPLITTER = 134217729; // 2^27 + 1

/**
 * The groups' loops: turn each mode by Δ = k·δ and accumulate a·cos θ into acc[0..2].
 * One function per series order keeps each loop free of branches.
 */
function turn3(t: number[], from: number, to: number, dx: number, dy: number, dz: number): void {
  for (let j = from; j < to; j += S) {
    const d = t[j] * dx + t[j + 1] * dy + t[j + 2] * dz;
    const q = d * d;
    const cm = q * (C1 + q * (C2 + q * C3));
    const sn = d + d * q * (S1 + q * (S2 + q * S3));
    const c = t[j + 6];
    const s = t[j + 7];
    t[j + 6] = c + (c * cm - s * sn);
    t[j + 7] = s + (s * cm + c * sn);
  }
}

function turn5(t: number[], from: number, to: number, dx: number, dy: number, dz: number): void {
  for (let j = from; j < to; j += S) {
    const d = t[j] * dx + t[j + 1] * dy + t[j + 2] * dz;
    const q = d * d;
    const cm = q * (C1 + q * (C2 + q * (C3 + q * (C4 + q * C5))));
    const sn = d + d * q * (S1 + q * (S2 + q * (S3 + q * (S4 + q * S5))));
    const c = t[j + 6];
    const s = t[j + 7];
    t[j + 6] = c + (c * cm - s * sn);
    t[j + 7] = s + (s * cm + c * sn);
  }
}

function turn7(t: number[], from: number, to: number, dx: number, dy: number, dz: number): void {
  for (let j = from; j < to; j += S) {
    const d = t[j] * dx + t[j + 1] * dy + t[j + 2] * dz;
    const q = d * d;
    const cm = q * (C1 + q * (C2 + q * (C3 + q * (C4 + q * (C5 + q * (C6 + q * C7))))));
    const sn = d + d * q * (S1 + q * (S2 + q * (S3 + q * (S4 + q * (S5 + q * (S6 + q * S7))))));
    const c = t[j + 6];
    const s = t[j + 7];
    t[j + 6] = c + (c * cm - s * sn);
    t[j + 7] = s + (s * cm + c * sn);
  }
}

function turn9(t: number[], from: number, to: number, dx: number, dy: number, dz: number): void {
  for (let j = from; j < to; j += S) {
    const d = t[j] * dx + t[j + 1] * dy + t[j + 2] * dz;
    const q = d * d;
    const cm = q * (C1 + q * (C2 + q * (C3 + q * (C4 + q * (C5 + q * (C6 + q * (C7 + q * (C8 + q * C9))))))));
    const sn = d + d * q * (S1 + q * (S2 + q * (S3 + q * (S4 + q * (S5 + q * (S6 + q * (S7 + q * (S8 + q * S9))))))));
    const c = t[j + 6];
    const s = t[j + 7];
    t[j + 6] = c + (c * cm - s * sn);
    t[j + 7] = s + (s * cm + c * sn);
  }
}

function turn11(t: number[], from: number, to: number, dx: number, dy: number, dz: number): void {
  for (let j = from; j < to; j += S) {
    const d = t[j] * dx + t[j + 1] * dy + t[j + 2] * dz;
    const q = d * d;
    const cm = q * (C1 + q * (C2 + q * (C3 + q * (C4 + q * (C5 + q * (C6 + q * (C7 + q * (C8 + q * (C9 + q * (C10 + q * C11))))))))));
    const sn = d + d * q * (S1 + q * (S2 + q * (S3 + q * (S4 + q * (S5 + q * (S6 + q * (S7 + q * (S8 + q * (S9 + q * (S10 + q * S11))))))))));
    const c = t[j + 6];
    const s = t[j + 7];
    t[j + 6] = c + (c * cm - s * sn);
    t[j + 7] = s + (s * cm + c * sn);
  }
}

const TURN = [turn3, turn5, turn7, turn9, turn11] as const;

export interface PlaneWaveStepperOptions {
  /** Steps between exact re-synchronizations, >= 1 (default DEFAULT_SYNC_INTERVAL). */
  readonly syncInterval?: number;
}

/**
 * The field of a mode table along one trajectory at a time, positions relative to `origin`.
 * Usage: begin() at a particle's start (x = 0), then field() at each step's midpoint in order.
 * Each instance holds its own copy of the table (per worker, per call): not shareable between
 * particles integrated concurrently.
 */
export class PlaneWaveStepper {
  /** Modes per series order (SERIES_ORDERS) and summed directly, for tests and notes. */
  readonly groupSizes: readonly number[];
  readonly directModes: number;
  /** A plain array of doubles: V8 checks a typed array for detachment on every access once any
   * buffer in the thread was transferred (the worker transfers its results), an array not. */
  private readonly t: number[];
  /** Group g spans t[groupEnd[g-1] .. groupEnd[g]) (groupEnd[-1] = 0). */
  private readonly groupEnd: Int32Array;
  /** Index in the caller's table of each mode of t, then of each direct mode. */
  private readonly tableIndex: Int32Array;
  /** (cos φ', sin φ') per mode, the state at x = 0. */
  private readonly start: Float64Array;
  /** φ' = k·origin + φ in double-double, per mode of t. */
  private readonly phaseHi: Float64Array;
  private readonly phaseLo: Float64Array;
  /** Modes summed directly: kx, ky, kz, φ'(rounded), ax, ay, az, 0. */
  private readonly direct: Float64Array;
  private readonly b0x: number;
  private readonly b0y: number;
  private readonly b0z: number;
  private readonly maxStep2: number;
  private readonly syncInterval: number;
  private readonly acc = new Float64Array(3);
  private px = 0;
  private py = 0;
  private pz = 0;
  private sinceSync = 0;

  /**
   * `maxStepPc` bounds |x_m' − x_m| between consecutive calls (the step length; landing steps
   * are shorter); it picks each mode's series.
   */
  constructor(turbulence: ModeTurbulence, b0: Vec3, origin: Vec3, maxStepPc: number, options: PlaneWaveStepperOptions = {}) {
    const m = turbulence.table;
    const n = m.length / MODE_STRIDE;
    this.syncInterval = options.syncInterval ?? DEFAULT_SYNC_INTERVAL;
    if (!(Number.isInteger(this.syncInterval) && this.syncInterval >= 1)) {
      throw new Error(`plane-wave stepper: syncInterval must be an integer >= 1, got ${options.syncInterval}`);
    }
    if (!(maxStepPc > 0 && Number.isFinite(maxStepPc))) throw new Error(`plane-wave stepper: maxStepPc must be > 0, got ${maxStepPc}`);
    // A little slack on |δ|: |u| = 1 only up to round-off. Steps beyond it re-synchronize.
    const maxStep = maxStepPc * (1 + 2 ** -20);
    this.maxStep2 = maxStep * maxStep;
    [this.b0x, this.b0y, this.b0z] = b0;
    const [ox, oy, oz] = origin;

    // Sort by |k| (stable: ties keep table order) and assign each mode the first series whose
    // radius covers |k|·maxStep (with |Δ| computed ≤ |k||δ|(1 + 2u), inside the 1e-12 margin).
    const kAbs = new Float64Array(n);
    for (let i = 0; i < n; i++) kAbs[i] = Math.hypot(m[i * MODE_STRIDE], m[i * MODE_STRIDE + 1], m[i * MODE_STRIDE + 2]);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => kAbs[a] - kAbs[b] || a - b);
    const groupOf = (i: number): number => {
      const reach = kAbs[i] * maxStep;
      for (let g = 0; g < RADII.length; g++) if (reach <= RADII[g]) return g;
      return RADII.length; // direct
    };
    const sizes = new Array<number>(RADII.length + 1).fill(0);
    for (const i of order) sizes[groupOf(i)]++;
    const series = n - sizes[RADII.length];
    this.groupSizes = sizes.slice(0, RADII.length);
    this.directModes = sizes[RADII.length];
    this.groupEnd = new Int32Array(RADII.length);
    let end = 0;
    for (let g = 0; g < RADII.length; g++) {
      end += sizes[g] * S;
      this.groupEnd[g] = end;
    }

    // A packed array of doubles (built by push: no holes; the 0.5 placeholders for cos and sin
    // make it a double array even for integer tables).
    const t: number[] = [];
    this.start = new Float64Array(2 * series);
    this.phaseHi = new Float64Array(series);
    this.phaseLo = new Float64Array(series);
    this.direct = new Float64Array(this.directModes * MODE_STRIDE);
    this.tableIndex = new Int32Array(n);
    const ph = new Float64Array(2);
    let js = 0;
    let jd = 0;
    for (const i of order) {
      const o = i * MODE_STRIDE;
      const kx = m[o];
      const ky = m[o + 1];
      const kz = m[o + 2];
      // φ' = φ + k·origin, in double-double
      phaseDD(kx, ky, kz, ox, oy, oz, m[o + 3], 0, ph);
      if (groupOf(i) === RADII.length) {
        const d = jd * MODE_STRIDE;
        this.direct.set(m.subarray(o, o + MODE_STRIDE), d);
        this.direct[d + 3] = ph[0] + ph[1];
        this.tableIndex[series + jd] = i;
        jd++;
        continue;
      }
      t.push(kx, ky, kz, m[o + 4], m[o + 5], m[o + 6], 0.5, 0.5);
      const [hi, lo] = ph;
      this.phaseHi[js] = hi;
      this.phaseLo[js] = lo;
      const c = Math.cos(hi);
      const sn = Math.sin(hi);
      this.start[2 * js] = c - lo * sn;
      this.start[2 * js + 1] = sn + lo * c;
      this.tableIndex[js] = i;
      js++;
    }
    this.t = t;
  }

  /** Starts a particle at x = 0 (the observer). */
  begin(): void {
    const t = this.t;
    const st = this.start;
    for (let j = 0, i = 0; j < t.length; j += S, i += 2) {
      t[j + 6] = st[i];
      t[j + 7] = st[i + 1];
    }
    this.px = 0;
    this.py = 0;
    this.pz = 0;
    this.sinceSync = 0;
  }

  /**
   * Writes B (uG) at the midpoint (x, y, z) (relative to the origin) into out[0..2]. Calls follow
   * the trajectory: a point farther than maxStepPc from the previous one is still exact but
   * costs a re-synchronization.
   */
  field(x: number, y: number, z: number, out: Float64Array): void {
    const dx = x - this.px;
    const dy = y - this.py;
    const dz = z - this.pz;
    this.px = x;
    this.py = y;
    this.pz = z;
    const acc = this.acc;
    acc[0] = this.b0x;
    acc[1] = this.b0y;
    acc[2] = this.b0z;
    if (++this.sinceSync >= this.syncInterval || dx * dx + dy * dy + dz * dz > this.maxStep2) {
      this.sinceSync = 0;
      this.resync(x, y, z);
    } else {
      const t = this.t;
      const ge = this.groupEnd;
      let from = 0;
      for (let g = 0; g < ge.length; g++) {
        const to = ge[g];
        if (to > from) TURN[g](t, from, to, dx, dy, dz);
        from = to;
      }
      // A second pass for the sum: one loop with the turning and the three sums together
      // needs more registers than V8 gives it on x64 and keeps the sums on the stack.
      let bx = 0;
      let by = 0;
      let bz = 0;
      for (let j = 0; j < t.length; j += S) {
        const c = t[j + 6];
        bx += t[j + 3] * c;
        by += t[j + 4] * c;
        bz += t[j + 5] * c;
      }
      acc[0] += bx;
      acc[1] += by;
      acc[2] += bz;
    }
    if (this.directModes > 0) this.addDirect(x, y, z, acc);
    out[0] = acc[0];
    out[1] = acc[1];
    out[2] = acc[2];
  }

  /**
   * The current (cos θ_n, sin θ_n) of every mode summed incrementally, written at the mode's
   * index n in the caller's table; NaN for the modes summed directly. For tests.
   */
  copyState(cos: Float64Array, sin: Float64Array): void {
    cos.fill(NaN);
    sin.fill(NaN);
    const t = this.t;
    for (let j = 0, i = 0; j < t.length; j += S, i++) {
      cos[this.tableIndex[i]] = t[j + 6];
      sin[this.tableIndex[i]] = t[j + 7];
    }
  }

  /** Sets every mode's (cos θ, sin θ) from the exact phase at (x, y, z) and accumulates B. */
  private resync(x: number, y: number, z: number): void {
    const t = this.t;
    const hiA = this.phaseHi;
    const loA = this.phaseLo;
    let bx = 0;
    let by = 0;
    let bz = 0;
    // x = xh + xl exactly, 26-bit halves
    let p = SPLITTER * x;
    const xh = p - (p - x);
    const xl = x - xh;
    p = SPLITTER * y;
    const yh = p - (p - y);
    const yl = y - yh;
    p = SPLITTER * z;
    const zh = p - (p - z);
    const zl = z - zh;
    for (let j = 0, i = 0; j < t.length; j += S, i++) {
      const kx = t[j];
      const ky = t[j + 1];
      const kz = t[j + 2];
      // exact products k_c·x_c = p_c + e_c (Dekker)
      let sp = SPLITTER * kx;
      let kh = sp - (sp - kx);
      let kl = kx - kh;
      const pxx = kx * x;
      const ex = kh * xh - pxx + kh * xl + kl * xh + kl * xl;
      sp = SPLITTER * ky;
      kh = sp - (sp - ky);
      kl = ky - kh;
      const pyy = ky * y;
      const ey = kh * yh - pyy + kh * yl + kl * yh + kl * yl;
      sp = SPLITTER * kz;
      kh = sp - (sp - kz);
      kl = kz - kh;
      const pzz = kz * z;
      const ez = kh * zh - pzz + kh * zl + kl * zh + kl * zl;
      // θ = φ'_hi + p_x + p_y + p_z (two-sums) + the small parts
      let s = hiA[i] + pxx;
      let bb = s - hiA[i];
      let lo = hiA[i] - (s - bb) + (pxx - bb);
      let s2 = s + pyy;
      bb = s2 - s;
      lo += s - (s2 - bb) + (pyy - bb);
      s = s2 + pzz;
      bb = s - s2;
      lo += s2 - (s - bb) + (pzz - bb);
      lo += loA[i] + ex + ey + ez;
      const ch = Math.cos(s);
      const sh = Math.sin(s);
      const c = ch - lo * sh;
      t[j + 6] = c;
      t[j + 7] = sh + lo * ch;
      bx += t[j + 3] * c;
      by += t[j + 4] * c;
      bz += t[j + 5] * c;
    }
    this.acc[0] += bx;
    this.acc[1] += by;
    this.acc[2] += bz;
  }

  private addDirect(x: number, y: number, z: number, acc: Float64Array): void {
    const m = this.direct;
    let bx = 0;
    let by = 0;
    let bz = 0;
    for (let i = 0; i < m.length; i += MODE_STRIDE) {
      const c = Math.cos(m[i] * x + m[i + 1] * y + m[i + 2] * z + m[i + 3]);
      bx += m[i + 4] * c;
      by += m[i + 5] * c;
      bz += m[i + 6] * c;
    }
    acc[0] += bx;
    acc[1] += by;
    acc[2] += bz;
  }
}

/**
 * θ = kx·x + ky·y + kz·z + (hi0 + lo0) as an unevaluated sum out[0] + out[1], accurate to
 * ~u²|θ|. Used once per mode at construction; the re-synchronization loop inlines the same steps.
 */
export function phaseDD(kx: number, ky: number, kz: number, x: number, y: number, z: number, hi0: number, lo0: number, out: Float64Array): void {
  let hi = hi0;
  let lo = lo0;
  for (let c = 0; c < 3; c++) {
    const k = c === 0 ? kx : c === 1 ? ky : kz;
    const v = c === 0 ? x : c === 1 ? y : z;
    const p = k * v;
    const s = hi + p;
    const bb = s - hi;
    lo += hi - (s - bb) + (p - bb) + twoProductError(k, v, p);
    hi = s;
  }
  out[0] = hi;
  out[1] = lo;
}

/** a·b − fl(a·b) exactly (Dekker, without FMA). */
function twoProductError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}
