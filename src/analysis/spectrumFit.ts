/**
 * Weighted least-squares fits of angular power spectra for the `shape` comparison
 * (docs/physics.md "Spectrum shape"): a single power law C_l = A (l/l_p)^(−α) over an l range,
 * and a broken power law with a sharp break, C_l = A (l/l_b)^(−α1) below l_b and A (l/l_b)^(−α2)
 * from l_b on (continuous at l_b, A the value there), as used by Bian, Giacinti & Reville for
 * the break near l ≈ 4.
 *
 * χ² = Σ ((C_l − model_l)/σ_l)² over the points with finite C_l and σ_l > 0, minimised by
 * Levenberg-Marquardt in the linear C_l (noise-subtracted Ĉ_l may be ≤ 0 at high l; they keep
 * their weight). Parameter errors are the square roots of the diagonal of (JᵀJ)⁻¹, J the
 * Jacobian of the weighted residuals at the minimum: 1σ errors if the σ_l are right and the
 * points independent. χ²/dof is reported so a caller can judge (or rescale) them.
 *
 * The break location enters non-smoothly (the model's derivative in l_b jumps whenever l_b
 * crosses a data point), so the broken fit first scans l_b on a half-integer grid with the other
 * parameters from a log-space linear fit, then refines all four by LM from the best point.
 */

/** A spectrum to fit: C_l with its 1σ errors at multipoles l (all the same length). */
export interface SpectrumData {
  readonly l: ArrayLike<number>;
  readonly cl: ArrayLike<number>;
  readonly sigma: ArrayLike<number>;
}

export interface FitRange {
  /** Smallest l used (inclusive; default: the smallest in the data). */
  readonly lmin?: number;
  /** Largest l used (inclusive; default: the largest in the data). */
  readonly lmax?: number;
}

export interface FitParameter {
  readonly value: number;
  /** 1σ error from the covariance. */
  readonly error: number;
}

export interface FitQuality {
  readonly chi2: number;
  /** Points used minus parameters. */
  readonly dof: number;
  /** Points used. */
  readonly points: number;
  /** Parameter covariance (row-major, parameter order as in the result). */
  readonly covariance: Float64Array;
}

export interface PowerLawFit extends FitQuality {
  /** A = C at the pivot. */
  readonly amplitude: FitParameter;
  /** α in C_l ∝ l^(−α). */
  readonly index: FitParameter;
  readonly pivot: number;
}

export interface BrokenPowerLawFit extends FitQuality {
  /** A = C at the break. */
  readonly amplitude: FitParameter;
  /** α1 below the break (C_l ∝ l^(−α1)). */
  readonly indexLow: FitParameter;
  /** α2 from the break on. */
  readonly indexHigh: FitParameter;
  /** l_b. */
  readonly breakL: FitParameter;
}

interface Points {
  l: Float64Array;
  y: Float64Array;
  s: Float64Array;
}

function selectPoints(data: SpectrumData, range: FitRange): Points {
  const n = data.l.length;
  if (data.cl.length !== n || data.sigma.length !== n) throw new RangeError('spectrumFit: l, cl and sigma differ in length');
  const lmin = range.lmin ?? -Infinity;
  const lmax = range.lmax ?? Infinity;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const l = data.l[i];
    if (l >= lmin && l <= lmax && l > 0 && Number.isFinite(data.cl[i]) && data.sigma[i] > 0 && Number.isFinite(data.sigma[i])) keep.push(i);
  }
  return {
    l: Float64Array.from(keep, (i) => data.l[i]),
    y: Float64Array.from(keep, (i) => data.cl[i]),
    s: Float64Array.from(keep, (i) => data.sigma[i]),
  };
}

/** Solve the symmetric positive-definite system A x = b (n×n row-major) by Cholesky; null if not positive definite. */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j];
      for (let k = 0; k < j; k++) sum -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(sum > 0)) return null;
        L[i * n + i] = Math.sqrt(sum);
      } else {
        L[i * n + j] = sum / L[j * n + j];
      }
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= L[i * n + k] * z[k];
    z[i] = sum / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = z[i];
    for (let k = i + 1; k < n; k++) sum -= L[k * n + i] * x[k];
    x[i] = sum / L[i * n + i];
  }
  return x;
}

/** Inverse of a symmetric positive-definite matrix, column by column. */
function inverseSpd(a: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    const x = choleskySolve(a, e, n);
    if (x === null) throw new RangeError('spectrumFit: the fit is degenerate (JᵀJ not positive definite)');
    for (let i = 0; i < n; i++) inv[i * n + j] = x[i];
  }
  return inv;
}

/** Model values and Jacobian (points × parameters, row-major) at parameters p. */
type Model = (p: Float64Array, l: Float64Array, value: Float64Array, jac: Float64Array) => void;

interface LmResult {
  p: Float64Array;
  chi2: number;
  covariance: Float64Array;
}

/** Levenberg-Marquardt on χ² = Σ ((y − m)/s)², with Marquardt's diagonal scaling. */
function levenbergMarquardt(model: Model, pts: Points, p0: Float64Array): LmResult {
  const n = pts.l.length;
  const np = p0.length;
  if (n < np) throw new RangeError(`spectrumFit: ${n} points for ${np} parameters`);
  const m = new Float64Array(n);
  const jac = new Float64Array(n * np);
  const chi2At = (p: Float64Array): number => {
    model(p, pts.l, m, jac);
    let c = 0;
    for (let i = 0; i < n; i++) c += ((pts.y[i] - m[i]) / pts.s[i]) ** 2;
    return c;
  };
  const normal = (p: Float64Array): { a: Float64Array; g: Float64Array } => {
    model(p, pts.l, m, jac);
    const a = new Float64Array(np * np);
    const g = new Float64Array(np);
    for (let i = 0; i < n; i++) {
      const w = 1 / (pts.s[i] * pts.s[i]);
      const r = pts.y[i] - m[i];
      for (let j = 0; j < np; j++) {
        g[j] += w * jac[i * np + j] * r;
        for (let k = 0; k < np; k++) a[j * np + k] += w * jac[i * np + j] * jac[i * np + k];
      }
    }
    return { a, g };
  };
  let p = Float64Array.from(p0);
  let chi2 = chi2At(p);
  let lambda = 1e-3;
  for (let iter = 0; iter < 200; iter++) {
    const { a, g } = normal(p);
    let improved = false;
    while (lambda < 1e12) {
      const damped = Float64Array.from(a);
      for (let j = 0; j < np; j++) damped[j * np + j] *= 1 + lambda;
      const step = choleskySolve(damped, g, np);
      if (step !== null) {
        const trial = p.map((v, j) => v + step[j]);
        const c = chi2At(trial);
        if (Number.isFinite(c) && c <= chi2) {
          const converged = chi2 - c <= 1e-12 * Math.max(1, chi2);
          p = trial;
          chi2 = c;
          lambda = Math.max(lambda / 10, 1e-12);
          improved = !converged;
          break;
        }
      }
      lambda *= 10;
    }
    if (!improved) break;
  }
  const { a } = normal(p);
  return { p, chi2, covariance: inverseSpd(a, np) };
}

/** Weighted linear least squares in log space for an initial guess: ln y = Σ_j c_j f_j(l). */
function logLinearGuess(pts: Points, basis: (l: number) => number[]): Float64Array | null {
  const rows: number[][] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (let i = 0; i < pts.l.length; i++) {
    if (!(pts.y[i] > 0)) continue;
    rows.push(basis(pts.l[i]));
    ys.push(Math.log(pts.y[i]));
    ws.push((pts.y[i] / pts.s[i]) ** 2); // σ(ln y) ≈ σ/y
  }
  const np = basis(1).length;
  if (rows.length < np) return null;
  const a = new Float64Array(np * np);
  const b = new Float64Array(np);
  rows.forEach((f, i) => {
    for (let j = 0; j < np; j++) {
      b[j] += ws[i] * f[j] * ys[i];
      for (let k = 0; k < np; k++) a[j * np + k] += ws[i] * f[j] * f[k];
    }
  });
  return choleskySolve(a, b, np);
}

/** The default pivot: the geometric mean of the l used, where amplitude and index are least correlated. */
function geometricMean(l: Float64Array): number {
  return Math.exp(l.reduce((a, v) => a + Math.log(v), 0) / l.length);
}

const powerLawModel = (pivot: number): Model => (p, l, value, jac) => {
  // p = [A, α]
  for (let i = 0; i < l.length; i++) {
    const x = Math.log(l[i] / pivot);
    const v = p[0] * Math.exp(-p[1] * x);
    value[i] = v;
    jac[2 * i] = v / p[0];
    jac[2 * i + 1] = -v * x;
  }
};

/**
 * Single power law C_l = A (l/l_p)^(−α) over [lmin, lmax]. The pivot l_p defaults to the
 * geometric mean of the l used, where A and α are least correlated.
 */
export function fitPowerLaw(data: SpectrumData, range: FitRange & { pivot?: number } = {}): PowerLawFit {
  const pts = selectPoints(data, range);
  if (pts.l.length < 3) throw new RangeError(`fitPowerLaw: ${pts.l.length} usable points, need ≥ 3`);
  const pivot = range.pivot ?? geometricMean(pts.l);
  const guess = logLinearGuess(pts, (l) => [1, -Math.log(l / pivot)]);
  const p0 = guess ? Float64Array.from([Math.exp(guess[0]), guess[1]]) : Float64Array.from([Math.abs(pts.y[0]) || 1, 1]);
  const fit = levenbergMarquardt(powerLawModel(pivot), pts, p0);
  const c = fit.covariance;
  return {
    amplitude: { value: fit.p[0], error: Math.sqrt(c[0]) },
    index: { value: fit.p[1], error: Math.sqrt(c[3]) },
    pivot,
    chi2: fit.chi2,
    dof: pts.l.length - 2,
    points: pts.l.length,
    covariance: c,
  };
}

const brokenModel: Model = (p, l, value, jac) => {
  // p = [A, α1, α2, l_b]
  for (let i = 0; i < l.length; i++) {
    const x = Math.log(l[i] / p[3]);
    const low = l[i] < p[3];
    const alpha = low ? p[1] : p[2];
    const v = p[0] * Math.exp(-alpha * x);
    value[i] = v;
    jac[4 * i] = v / p[0];
    jac[4 * i + 1] = low ? -v * x : 0;
    jac[4 * i + 2] = low ? 0 : -v * x;
    jac[4 * i + 3] = (alpha * v) / p[3];
  }
};

function chi2Of(model: Model, pts: Points, p: Float64Array): number {
  const m = new Float64Array(pts.l.length);
  const jac = new Float64Array(pts.l.length * p.length);
  model(p, pts.l, m, jac);
  let c = 0;
  for (let i = 0; i < pts.l.length; i++) c += ((pts.y[i] - m[i]) / pts.s[i]) ** 2;
  return c;
}

/**
 * Broken power law over [lmin, lmax]: A (l/l_b)^(−α1) for l < l_b, A (l/l_b)^(−α2) for l ≥ l_b.
 * The break is searched strictly inside the range, with at least two points on each side.
 */
export function fitBrokenPowerLaw(data: SpectrumData, range: FitRange = {}): BrokenPowerLawFit {
  const pts = selectPoints(data, range);
  const n = pts.l.length;
  if (n < 5) throw new RangeError(`fitBrokenPowerLaw: ${n} usable points, need ≥ 5`);
  const sorted = Float64Array.from(pts.l).sort();
  const lo = sorted[2]; // two points below the first candidate break
  const hi = sorted[n - 2]; // and two at or above the last
  let best: Float64Array | null = null;
  let bestChi2 = Infinity;
  for (let lb = lo; lb <= hi; lb += 0.5) {
    const g = logLinearGuess(pts, (l) => [1, l < lb ? -Math.log(l / lb) : 0, l < lb ? 0 : -Math.log(l / lb)]);
    if (g === null) continue;
    const p = Float64Array.from([Math.exp(g[0]), g[1], g[2], lb]);
    const c = chi2Of(brokenModel, pts, p);
    if (c < bestChi2) {
      bestChi2 = c;
      best = p;
    }
  }
  if (best === null) throw new RangeError('fitBrokenPowerLaw: no starting point (too few positive C_l on one side)');
  const fit = levenbergMarquardt(brokenModel, pts, best);
  const c = fit.covariance;
  return {
    amplitude: { value: fit.p[0], error: Math.sqrt(c[0]) },
    indexLow: { value: fit.p[1], error: Math.sqrt(c[5]) },
    indexHigh: { value: fit.p[2], error: Math.sqrt(c[10]) },
    breakL: { value: fit.p[3], error: Math.sqrt(c[15]) },
    chi2: fit.chi2,
    dof: n - 4,
    points: n,
    covariance: c,
  };
}

export interface LogParabolaFit extends FitQuality {
  /** A = C at the pivot. */
  readonly amplitude: FitParameter;
  /** Local index at the pivot: C_l ∝ l^(−α) there. */
  readonly index: FitParameter;
  /** Curvature κ in ln C = ln A − α x + κ x², x = ln(l/l_p): κ > 0 is convex in log–log (the slope flattens with l). */
  readonly curvature: FitParameter;
  readonly pivot: number;
}

const logParabolaModel = (pivot: number): Model => (p, l, value, jac) => {
  // p = [A, α, κ]
  for (let i = 0; i < l.length; i++) {
    const x = Math.log(l[i] / pivot);
    const v = p[0] * Math.exp(-p[1] * x + p[2] * x * x);
    value[i] = v;
    jac[3 * i] = v / p[0];
    jac[3 * i + 1] = -v * x;
    jac[3 * i + 2] = v * x * x;
  }
};

/**
 * Log-parabola C_l = A exp(−α x + κ x²), x = ln(l/l_p), over [lmin, lmax]: the smooth test of
 * convexity in the log–log plot (κ > 0), e.g. review Fig. 15's "falling … with a marked convex
 * shape". Unlike a sharp break it has no parameter that becomes degenerate when the break
 * would sit at an end of the range. The pivot defaults to the geometric mean of the l used.
 */
export function fitLogParabola(data: SpectrumData, range: FitRange & { pivot?: number } = {}): LogParabolaFit {
  const pts = selectPoints(data, range);
  if (pts.l.length < 4) throw new RangeError(`fitLogParabola: ${pts.l.length} usable points, need ≥ 4`);
  const pivot = range.pivot ?? geometricMean(pts.l);
  const guess = logLinearGuess(pts, (l) => {
    const x = Math.log(l / pivot);
    return [1, -x, x * x];
  });
  const p0 = guess ? Float64Array.from([Math.exp(guess[0]), guess[1], guess[2]]) : Float64Array.from([Math.abs(pts.y[0]) || 1, 1, 0]);
  const fit = levenbergMarquardt(logParabolaModel(pivot), pts, p0);
  const c = fit.covariance;
  return {
    amplitude: { value: fit.p[0], error: Math.sqrt(c[0]) },
    index: { value: fit.p[1], error: Math.sqrt(c[4]) },
    curvature: { value: fit.p[2], error: Math.sqrt(c[8]) },
    pivot,
    chi2: fit.chi2,
    dof: pts.l.length - 3,
    points: pts.l.length,
    covariance: c,
  };
}
