/**
 * Measurements on a field realization, from field samples only (never from the generator's
 * inputs): spectra along lines, the grid's k-space power, the trace-correlation integral, and
 * finite-difference divergences. Used by the turbulence tests and scripts/field-stats.ts.
 */
import FFT from 'fft.js';
import seedrandom from 'seedrandom';
import type { FieldEvaluator } from './evaluate.ts';
import { fft3dInPlace } from './fft3d.ts';
import type { GridTurbulence } from './field.ts';

/** A mean with its standard error (sample standard deviation / sqrt(samples)). */
export interface Estimate {
  readonly mean: number;
  readonly standardError: number;
  readonly samples: number;
}

export function estimate(values: ArrayLike<number>): Estimate {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { mean, standardError: n > 1 ? Math.sqrt(ss / (n - 1) / n) : Infinity, samples: n };
}

type Rng = () => number;

function isotropicUnitVector(rng: Rng): [number, number, number] {
  const z = 2 * rng() - 1;
  const phi = 2 * Math.PI * rng();
  const s = Math.sqrt(Math.max(0, 1 - z * z));
  return [s * Math.cos(phi), s * Math.sin(phi), z];
}

export interface LineSampling {
  /** Number of straight lines, each with a random origin in [0, regionPc)^3 and random direction. */
  readonly lines: number;
  /** Samples per line, a power of two; spacing spacingPc (Nyquist wavenumber π/spacingPc). */
  readonly points: number;
  readonly spacingPc: number;
  readonly regionPc: number;
  readonly seed: string;
}

/**
 * Trace power spectrum of the field along each line: Hann-windowed FFT of the 3 components,
 * |FFT|^2 summed over components, at k_j = 2π j / (points·spacing), j = 1 .. points/2 - 1.
 * The Hann window's sidelobes fall as k^-6, so leakage cannot flatten a k^-5/3 spectrum.
 * For isotropic turbulence this line spectrum is F(k) ∝ ∫_k^∞ E(q)/q dq, which has the slope of
 * E(k) where E is a power law (away from kMax).
 */
export function lineSpectra(evaluate: FieldEvaluator, s: LineSampling): { k: Float64Array; power: Float64Array[] } {
  const rng = seedrandom(s.seed);
  const m = s.points;
  const fft = new FFT(m);
  const window = Float64Array.from({ length: m }, (_, j) => 0.5 - 0.5 * Math.cos((2 * Math.PI * j) / m));
  const input = new Float64Array(2 * m);
  const output = new Float64Array(2 * m);
  const b = new Float64Array(3);
  const samples = new Float64Array(3 * m);
  const bins = m / 2 - 1;
  const k = Float64Array.from({ length: bins }, (_, j) => (2 * Math.PI * (j + 1)) / (m * s.spacingPc));
  const power: Float64Array[] = [];
  for (let line = 0; line < s.lines; line++) {
    const x0 = s.regionPc * rng();
    const y0 = s.regionPc * rng();
    const z0 = s.regionPc * rng();
    const [ex, ey, ez] = isotropicUnitVector(rng);
    for (let j = 0; j < m; j++) {
      const t = j * s.spacingPc;
      evaluate(x0 + t * ex, y0 + t * ey, z0 + t * ez, b);
      samples[3 * j] = b[0];
      samples[3 * j + 1] = b[1];
      samples[3 * j + 2] = b[2];
    }
    const p = new Float64Array(bins);
    for (let c = 0; c < 3; c++) {
      for (let j = 0; j < m; j++) {
        input[2 * j] = window[j] * samples[3 * j + c];
        input[2 * j + 1] = 0;
      }
      fft.transform(output, input);
      for (let j = 1; j <= bins; j++) p[j - 1] += output[2 * j] ** 2 + output[2 * j + 1] ** 2;
    }
    power.push(p);
  }
  return { k, power };
}

/** Element-wise mean of equally long arrays. */
export function meanOf(arrays: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(arrays[0].length);
  for (const a of arrays) for (let i = 0; i < out.length; i++) out[i] += a[i];
  for (let i = 0; i < out.length; i++) out[i] /= arrays.length;
  return out;
}

/**
 * Slope of ln P against ln k over [kLo, kHi]: the samples are averaged in bins of equal width in
 * ln k (binsPerDecade), then a straight line is fitted to (mean ln k, ln mean P) of the bins
 * with equal weights, so the many high-k samples do not outvote the few low-k ones.
 */
export function powerLawSlope(k: ArrayLike<number>, p: ArrayLike<number>, kLo: number, kHi: number, binsPerDecade = 8): number {
  const width = Math.LN10 / binsPerDecade;
  const nb = Math.ceil(Math.log(kHi / kLo) / width);
  const sx = new Float64Array(nb);
  const sp = new Float64Array(nb);
  const count = new Float64Array(nb);
  for (let i = 0; i < k.length; i++) {
    if (k[i] < kLo || k[i] > kHi || !(p[i] > 0)) continue;
    const bin = Math.min(nb - 1, Math.floor(Math.log(k[i] / kLo) / width));
    sx[bin] += Math.log(k[i]);
    sp[bin] += p[i];
    count[bin]++;
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < nb; i++) {
    if (count[i] === 0) continue;
    xs.push(sx[i] / count[i]);
    ys.push(Math.log(sp[i] / count[i]));
  }
  if (xs.length < 3) throw new Error(`powerLawSlope: only ${xs.length} populated bins in [${kLo}, ${kHi}]`);
  const mx = xs.reduce((a, v) => a + v, 0) / xs.length;
  const my = ys.reduce((a, v) => a + v, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return sxy / sxx;
}

/**
 * The grid's own k-space power, measured: forward 3D FFT of each stored component, and
 * power[i] = Σ_c |B̂_c(k_i)|^2 / n^6 at lattice wave vector k_i = (2π/box)·(a, b, c) (node order,
 * signed indices as in signedIndex), so that Σ_i power[i] = mean over nodes of |dB|^2 (Parseval).
 */
export function gridPower(grid: GridTurbulence): Float64Array {
  const { n, data } = grid;
  const nodes = n * n * n;
  const power = new Float64Array(nodes);
  const work = new Float64Array(2 * nodes);
  const norm = 1 / (nodes * nodes);
  for (let comp = 0; comp < 3; comp++) {
    work.fill(0);
    for (let i = 0; i < nodes; i++) work[2 * i] = data[3 * i + comp];
    fft3dInPlace(work, n, 'forward');
    for (let i = 0; i < nodes; i++) power[i] += (work[2 * i] ** 2 + work[2 * i + 1] ** 2) * norm;
  }
  return power;
}

/** Signed lattice index of storage index i in [0, n): i below n/2, i - n from n/2 on. */
export function signedIndex(i: number, n: number): number {
  return i < n / 2 ? i : i - n;
}

/**
 * 1D spectrum of a grid from its measured k-space power: per lattice point, E = 4πk^2·power/dk^3
 * (dk = 2π/box; a shell of radius k holds 4πk^2 dk/dk^3 points), with |k| of each point, for
 * powerLawSlope to bin. Points with zero power (outside the band) are dropped.
 */
export function gridEnergySpectrum(grid: GridTurbulence, power: Float64Array): { k: Float64Array; energy: Float64Array } {
  const { n } = grid;
  const dk = (2 * Math.PI) / (n * grid.spacingPc);
  const ks: number[] = [];
  const es: number[] = [];
  for (let i = 0; i < power.length; i++) {
    if (!(power[i] > 0)) continue;
    const a = signedIndex(i % n, n);
    const b = signedIndex(Math.floor(i / n) % n, n);
    const c = signedIndex(Math.floor(i / (n * n)), n);
    const k = dk * Math.sqrt(a * a + b * b + c * c);
    if (k === 0) continue;
    ks.push(k);
    es.push((4 * Math.PI * k * k * power[i]) / dk ** 3);
  }
  return { k: Float64Array.from(ks), energy: Float64Array.from(es) };
}

export interface RaySampling {
  /** Number of rays: random base point in [0, regionPc)^3, random direction. */
  readonly rays: number;
  /** Integrate r over [0, rMaxPc] with pointsPerRay stratified points (one random offset per ray). */
  readonly rMaxPc: number;
  readonly pointsPerRay: number;
  readonly regionPc: number;
  readonly seed: string;
}

/**
 * The one-sided trace-correlation integral ∫_0^rMax <dB(x)·dB(x + r ê)> dr, averaged over
 * positions and directions, measured ray by ray: Δ·Σ_j dB(x)·dB(x + (j+u)Δ ê) with Δ = rMax/J
 * and one uniform u per ray is an unbiased estimate of the integral along that ray, and rays are
 * independent, so the standard error comes from their scatter. `evaluate` must give dB (no B0).
 */
export function correlationIntegral(evaluate: FieldEvaluator, s: RaySampling): Estimate {
  const rng = seedrandom(s.seed);
  const delta = s.rMaxPc / s.pointsPerRay;
  const b0 = new Float64Array(3);
  const b = new Float64Array(3);
  const perRay = new Float64Array(s.rays);
  for (let ray = 0; ray < s.rays; ray++) {
    const x = s.regionPc * rng();
    const y = s.regionPc * rng();
    const z = s.regionPc * rng();
    const [ex, ey, ez] = isotropicUnitVector(rng);
    const u = rng();
    evaluate(x, y, z, b0);
    let acc = 0;
    for (let j = 0; j < s.pointsPerRay; j++) {
      const r = (j + u) * delta;
      evaluate(x + r * ex, y + r * ey, z + r * ez, b);
      acc += b0[0] * b[0] + b0[1] * b[1] + b0[2] * b[2];
    }
    perRay[ray] = acc * delta;
  }
  return estimate(perRay);
}

/**
 * rms(div B) / rms(|∇B|) at `points` random points in [0, regionPc)^3, with central differences
 * of step h: ∂_i B_j ≈ (B_j(x + h e_i) - B_j(x - h e_i)) / 2h, |∇B| the Frobenius norm.
 */
export function finiteDifferenceDivergence(evaluate: FieldEvaluator, points: number, h: number, regionPc: number, seed: string): number {
  const rng = seedrandom(seed);
  const plus = new Float64Array(3);
  const minus = new Float64Array(3);
  let div2 = 0;
  let grad2 = 0;
  for (let p = 0; p < points; p++) {
    const x = [regionPc * rng(), regionPc * rng(), regionPc * rng()];
    let div = 0;
    for (let i = 0; i < 3; i++) {
      const xp = x.slice();
      const xm = x.slice();
      xp[i] += h;
      xm[i] -= h;
      evaluate(xp[0], xp[1], xp[2], plus);
      evaluate(xm[0], xm[1], xm[2], minus);
      for (let j = 0; j < 3; j++) {
        const d = (plus[j] - minus[j]) / (2 * h);
        grad2 += d * d;
        if (i === j) div += d;
      }
    }
    div2 += div * div;
  }
  return Math.sqrt(div2 / grad2);
}

/**
 * Cell-averaged divergence of the trilinearly interpolated grid field, relative to its
 * cell-averaged gradient. Over a cell, the mean of ∂_c B_d is the difference of the mean of B_d
 * over the +c and -c faces divided by h, and a trilinear field's face mean is the mean of the
 * face's 4 nodes. Returns rms over all cells of Σ_c G_cc divided by rms of |G| (Frobenius), that
 * rms |G|, and the largest |B| component at a node (for rounding bounds).
 */
export function gridCellDivergence(grid: GridTurbulence): { ratio: number; maxAbs: number; rmsGradient: number } {
  const { n, data } = grid;
  const h = grid.spacingPc;
  const m = n - 1;
  const at = (i: number, j: number, k: number, comp: number): number => data[3 * ((i & m) + n * ((j & m) + n * (k & m))) + comp];
  let div2 = 0;
  let grad2 = 0;
  let maxAbs = 0;
  for (let i = 0; i < data.length; i++) maxAbs = Math.max(maxAbs, Math.abs(data[i]));
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        let div = 0;
        for (let d = 0; d < 3; d++) {
          // face means of component d on the x, y, z faces of cell (i, j, k)
          const x1 = at(i + 1, j, k, d) + at(i + 1, j + 1, k, d) + at(i + 1, j, k + 1, d) + at(i + 1, j + 1, k + 1, d);
          const x0 = at(i, j, k, d) + at(i, j + 1, k, d) + at(i, j, k + 1, d) + at(i, j + 1, k + 1, d);
          const y1 = at(i, j + 1, k, d) + at(i + 1, j + 1, k, d) + at(i, j + 1, k + 1, d) + at(i + 1, j + 1, k + 1, d);
          const y0 = at(i, j, k, d) + at(i + 1, j, k, d) + at(i, j, k + 1, d) + at(i + 1, j, k + 1, d);
          const z1 = at(i, j, k + 1, d) + at(i + 1, j, k + 1, d) + at(i, j + 1, k + 1, d) + at(i + 1, j + 1, k + 1, d);
          const z0 = at(i, j, k, d) + at(i + 1, j, k, d) + at(i, j + 1, k, d) + at(i + 1, j + 1, k, d);
          const g = [(x1 - x0) / (4 * h), (y1 - y0) / (4 * h), (z1 - z0) / (4 * h)];
          grad2 += g[0] ** 2 + g[1] ** 2 + g[2] ** 2;
          div += g[d];
        }
        div2 += div * div;
      }
    }
  }
  return { ratio: Math.sqrt(div2 / grad2), maxAbs, rmsGradient: Math.sqrt(grad2 / (n * n * n)) };
}
