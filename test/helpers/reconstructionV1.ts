/**
 * FROZEN COPY, for tests only: src/analysis/observatory/reconstruction.ts as it was before the
 * joint reconstruction (commit 95d22ad), the single-detector algorithm the joint one with one
 * detector must reproduce bitwise (src/analysis/observatory/jointReconstruction.test.ts).
 *
 * The relative intensity a data-driven method reports (review Sec. 2.1), from the counts n_c of
 * the cells of a sidereal day (exposure.ts): nothing about the detector is assumed known.
 *
 * Model (Eq. 8–9): μ_c = N_τ A_i I_a for cell c = (step τ, local pixel i, equatorial pixel a),
 * with N_τ the rate of step τ, A_i the relative acceptance and I_a the relative intensity.
 * The Poisson likelihood is maximal in each factor given the other two at
 *   N_τ = Σ_{c∈τ} n_c / Σ_{c∈τ} A_i I_a,   A_i = Σ_{c∋i} n_c / Σ_{c∋i} N_τ I_a,
 *   I_a = Σ_{c∋a} n_c / Σ_{c∋a} N_τ A_i
 * (Ahlers et al. 2016, ApJ 823, 10, "A new maximum-likelihood technique for reconstructing
 * cosmic-ray anisotropy at all angular scales").
 *   - Direct integration (time scrambling over 24 h): I = 1 gives N_τ ∝ Σ_i n_τi and
 *     A_i ∝ Σ_τ n_τi (the exact maximum, since every step sees every visible local pixel once),
 *     then one intensity update: I^(1).
 *   - Maximum likelihood: the three updates in turn, each of which can only raise the
 *     likelihood; I^(n) converges to the intensity up to the degeneracy below.
 * μ is invariant under I → I/a(δ), A → A a(δ) (Eq. 10–12): a local pixel keeps its declination,
 * so after every step each ring is normalized to a mean intensity of 1, ∫dα δI = 0 (Eq. 13,
 * equivalently a_l0 = 0, Eq. 16), with the compensating factor moved into A of that ring, which
 * leaves μ and the likelihood unchanged. The reported map is I on the field of view, 0 elsewhere.
 */
import { ringInfo } from '../../src/analysis/healpix.ts';
import type { SiderealCube } from '../../src/analysis/observatory/exposure.ts';

export interface Reconstruction {
  /** Relative intensity I (mean 1 on every ring of the field of view), 0 outside it. RING order. */
  readonly intensity: Float64Array;
  /** Estimated relative acceptance per local pixel (Σ over visible pixels = 1). */
  readonly acceptance: Float64Array;
  /** Estimated rate per sidereal step. */
  readonly rate: Float64Array;
  /** Maximum-likelihood updates done after the direct-integration step (0 for direct integration). */
  readonly iterations: number;
  /** Largest |ΔI| of each maximum-likelihood update (how far from converged). */
  readonly changes: readonly number[];
  /** Poisson log-likelihood Σ (n ln μ − μ) after direct integration, then after each update (trackLikelihood) or the last. */
  readonly logLikelihood: readonly number[];
}

export interface MaximumLikelihoodOptions {
  /** Most updates after the direct-integration step (default 100). */
  readonly iterations?: number;
  /**
   * Stop early once the largest |ΔI| of an update is below this times the largest |I − 1| of the
   * map (default 0: never). The updates shrink geometrically, so what is left to converge is a
   * few times the last change.
   */
  readonly relativeTolerance?: number;
  /** Record the log-likelihood after every update (one more pass over the cells each); default: first and last only. */
  readonly trackLikelihood?: boolean;
}

/** The counts as a Float64Array (the loops below are hot), after checking their number. */
function checkCounts(cube: SiderealCube, counts: ArrayLike<number>): Float64Array {
  if (counts.length !== cube.cellPixel.length) throw new RangeError(`reconstruction: ${counts.length} counts for ${cube.cellPixel.length} cells`);
  return counts instanceof Float64Array ? counts : Float64Array.from(counts);
}

/** Rate update: N_τ = Σ n / Σ A I over the cells of step τ. */
function updateRate(cube: SiderealCube, n: Float64Array, acc: Float64Array, intensity: Float64Array, rate: Float64Array): void {
  const vis = cube.visibleLocal, pix = cube.cellPixel;
  const v = vis.length;
  for (let t = 0; t < cube.nTimes; t++) {
    let num = 0, den = 0;
    for (let q = 0, c = t * v; q < v; q++, c++) {
      num += n[c];
      den += acc[vis[q]] * intensity[pix[c]];
    }
    rate[t] = den > 0 ? num / den : 0;
  }
}

/** Acceptance update: A_i = Σ n / Σ N I over the cells of local pixel i. */
function updateAcceptance(cube: SiderealCube, n: Float64Array, rate: Float64Array, intensity: Float64Array, acc: Float64Array): void {
  const vis = cube.visibleLocal, pix = cube.cellPixel;
  const v = vis.length;
  const num = new Float64Array(v), den = new Float64Array(v);
  for (let t = 0; t < cube.nTimes; t++) {
    const nt = rate[t];
    for (let q = 0, c = t * v; q < v; q++, c++) {
      num[q] += n[c];
      den[q] += nt * intensity[pix[c]];
    }
  }
  for (let q = 0; q < v; q++) acc[vis[q]] = den[q] > 0 ? num[q] / den[q] : 0;
}

/** Intensity update: I_a = Σ n / Σ N A over the cells of equatorial pixel a; returns max |ΔI|. */
function updateIntensity(cube: SiderealCube, n: Float64Array, rate: Float64Array, acc: Float64Array, intensity: Float64Array): number {
  const vis = cube.visibleLocal, pix = cube.cellPixel, mask = cube.fovMask;
  const v = vis.length;
  const npix = intensity.length;
  const num = new Float64Array(npix), den = new Float64Array(npix);
  const accVis = new Float64Array(v);
  for (let q = 0; q < v; q++) accVis[q] = acc[vis[q]];
  for (let t = 0; t < cube.nTimes; t++) {
    const nt = rate[t];
    for (let q = 0, c = t * v; q < v; q++, c++) {
      const a = pix[c];
      num[a] += n[c];
      den[a] += nt * accVis[q];
    }
  }
  let change = 0;
  for (let a = 0; a < npix; a++) {
    if (!mask[a]) continue;
    const x = den[a] > 0 ? num[a] / den[a] : 0;
    change = Math.max(change, Math.abs(x - intensity[a]));
    intensity[a] = x;
  }
  return change;
}

/**
 * Eq. 13 with Eq. 10–12: every field-of-view ring of `intensity` to mean 1, the acceptance of the
 * local pixels of that ring times the same mean (μ unchanged); then Σ A = 1 with the rates
 * rescaled to match.
 */
function normalize(cube: SiderealCube, intensity: Float64Array, acc: Float64Array, rate: Float64Array): void {
  const info = ringInfo(cube.nside);
  for (const r of cube.fovRings) {
    const f = info.firstPix[r], n = info.nPix[r];
    let s = 0;
    for (let p = f; p < f + n; p++) s += intensity[p];
    const mean = s / n;
    if (!(mean > 0)) continue;
    for (let p = f; p < f + n; p++) {
      intensity[p] /= mean;
      acc[p] *= mean;
    }
  }
  let total = 0;
  for (const i of cube.visibleLocal) total += acc[i];
  if (total > 0) {
    for (const i of cube.visibleLocal) acc[i] /= total;
    for (let t = 0; t < rate.length; t++) rate[t] *= total;
  }
}

/** Σ_c (n_c ln μ_c − μ_c) of the model (cells with μ = 0 and n = 0 contribute 0), summed with Neumaier's compensation. */
export function logLikelihood(cube: SiderealCube, counts: ArrayLike<number>, rate: Float64Array, acc: Float64Array, intensity: Float64Array): number {
  const vis = cube.visibleLocal, pix = cube.cellPixel;
  const v = vis.length;
  let s = 0, comp = 0;
  for (let t = 0; t < cube.nTimes; t++) {
    for (let q = 0, c = t * v; q < v; q++, c++) {
      const mu = rate[t] * acc[vis[q]] * intensity[pix[c]];
      let x: number;
      if (mu > 0) x = counts[c] * Math.log(mu) - mu;
      else if (counts[c] > 0) return -Infinity;
      else continue;
      const u = s + x;
      comp += Math.abs(s) >= Math.abs(x) ? s - u + x : x - u + s;
      s = u;
    }
  }
  return s + comp;
}

function directStep(cube: SiderealCube, counts: Float64Array): { intensity: Float64Array; acc: Float64Array; rate: Float64Array } {
  const npix = cube.fovMask.length;
  const intensity = Float64Array.from(cube.fovMask);
  const acc = new Float64Array(npix);
  const rate = new Float64Array(cube.nTimes);
  const v = cube.visibleLocal.length;
  // I = 1: rate ∝ counts per step, acceptance ∝ counts per local pixel (rank-1 maximum)
  let total = 0;
  for (let t = 0; t < cube.nTimes; t++) {
    let s = 0;
    for (let q = 0, c = t * v; q < v; q++, c++) {
      s += counts[c];
      acc[cube.visibleLocal[q]] += counts[c];
    }
    rate[t] = s;
    total += s;
  }
  if (!(total > 0)) throw new RangeError('reconstruction: no events in the field of view');
  for (const i of cube.visibleLocal) acc[i] /= total;
  updateIntensity(cube, counts, rate, acc, intensity);
  normalize(cube, intensity, acc, rate);
  return { intensity, acc, rate };
}

/** Direct integration (time scrambling over the full sidereal day): the first estimate I^(1). */
export function directIntegration(cube: SiderealCube, countsIn: ArrayLike<number>): Reconstruction {
  const counts = checkCounts(cube, countsIn);
  const { intensity, acc, rate } = directStep(cube, counts);
  return { intensity, acceptance: acc, rate, iterations: 0, changes: [], logLikelihood: [logLikelihood(cube, counts, rate, acc, intensity)] };
}

/** The iterative maximum-likelihood reconstruction of Ahlers et al. 2016, started from direct integration. */
export function maximumLikelihood(cube: SiderealCube, countsIn: ArrayLike<number>, opts: MaximumLikelihoodOptions = {}): Reconstruction {
  const counts = checkCounts(cube, countsIn);
  const iterations = opts.iterations ?? 100;
  if (!(Number.isInteger(iterations) && iterations >= 0)) throw new RangeError(`maximumLikelihood: iterations must be an integer >= 0, got ${iterations}`);
  const tol = opts.relativeTolerance ?? 0;
  const { intensity, acc, rate } = directStep(cube, counts);
  const changes: number[] = [];
  const logL: number[] = [logLikelihood(cube, counts, rate, acc, intensity)];
  let done = 0;
  while (done < iterations) {
    updateRate(cube, counts, acc, intensity, rate);
    updateAcceptance(cube, counts, rate, intensity, acc);
    const change = updateIntensity(cube, counts, rate, acc, intensity);
    normalize(cube, intensity, acc, rate);
    done++;
    changes.push(change);
    if (opts.trackLikelihood) logL.push(logLikelihood(cube, counts, rate, acc, intensity));
    if (tol > 0) {
      let amp = 0;
      for (let a = 0; a < intensity.length; a++) if (cube.fovMask[a]) amp = Math.max(amp, Math.abs(intensity[a] - 1));
      if (change <= tol * amp) break;
    }
  }
  if (!opts.trackLikelihood && done > 0) logL.push(logLikelihood(cube, counts, rate, acc, intensity));
  return { intensity, acceptance: acc, rate, iterations: done, changes, logLikelihood: logL };
}
