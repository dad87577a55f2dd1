/**
 * The relative intensity a data-driven method reports (review Sec. 2.1), from the counts of the
 * cells of a sidereal day (exposure.ts) of one detector or of several observed jointly: nothing
 * about the detectors is assumed known.
 *
 * Model (Eq. 8–9): μ^d_c = N^d_τ A^d_i I_a for cell c = (step τ, local pixel i, equatorial pixel a)
 * of detector d, with N^d_τ its rate at step τ, A^d_i its relative acceptance and I_a the relative
 * intensity, which all detectors share. The Poisson likelihood Σ_d Σ_c (n^d_c ln μ^d_c − μ^d_c) is
 * maximal in each factor given the others at
 *   N^d_τ = Σ_{c∈τ} n^d_c / Σ_{c∈τ} A^d_i I_a,   A^d_i = Σ_{c∋i} n^d_c / Σ_{c∋i} N^d_τ I_a,
 *   I_a = Σ_d Σ_{c∋a} n^d_c / Σ_d Σ_{c∋a} N^d_τ A^d_i
 * (Ahlers et al. 2016, ApJ 823, 10, "A new maximum-likelihood technique for reconstructing
 * cosmic-ray anisotropy at all angular scales"; the joint form is how HAWC and IceCube combined
 * their data sets, Abeysekara et al. 2019, ApJ 871, 96). The rate and acceptance updates are
 * each detector's own; only the intensity update sums over detectors. One detector is the case
 * d = 1 of the same loops: `directIntegration` and `maximumLikelihood` call the joint functions
 * with one detector (bitwise the single-detector algorithm, tested against it).
 *   - Direct integration (time scrambling over 24 h): I = 1 gives N^d_τ ∝ Σ_i n^d_τi and
 *     A^d_i ∝ Σ_τ n^d_τi (the exact maximum, since every step sees every visible local pixel once),
 *     then one intensity update: I^(1).
 *   - Maximum likelihood: the three updates in turn, each of which can only raise the
 *     likelihood; I^(n) converges to the intensity up to the degeneracy below.
 * The field of view is the union of the detectors' fields of view (whole declination rings).
 *
 * The degeneracy (Eq. 10–12): μ is invariant under I → I/a(δ), A^d → A^d a(δ), because Earth's
 * rotation moves every direction along its declination ring, so a local pixel keeps its
 * declination and sees only the equatorial ring of that declination. This holds for every
 * detector with the SAME a(δ): I is shared, and the compensating factor a(δ) goes into each
 * detector's acceptance on its local ring of declination δ, whatever the detector's latitude.
 * Adding a detector adds cells but no cell that couples two declinations, so the joint
 * likelihood has the degeneracy too: the m = 0 part of I (every a_l0) stays unobservable
 * jointly, on the union field of view as on each detector's. (What a second detector does fix
 * is the m ≠ 0 structure a single detector's rates N_τ partly absorb, and the noise where the
 * fields of view overlap.) So after every step each ring of the union field of view is
 * normalized to a mean intensity of 1, ∫dα δI = 0 (Eq. 13, equivalently a_l0 = 0, Eq. 16), with
 * the compensating factor moved into the acceptance of every detector on that ring, which leaves
 * every μ^d and the likelihood unchanged; then each detector's Σ A^d = 1 with its rates rescaled
 * (its own N^d ↔ A^d scale, also unobservable). The reported map is I on the field of view, 0
 * elsewhere.
 */
import { ringInfo } from '../healpix.ts';
import type { SiderealCube } from './exposure.ts';

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

/** One detector's data in a joint reconstruction: its sidereal cube and the counts of its cells. */
export interface DetectorCounts {
  readonly cube: SiderealCube;
  readonly counts: ArrayLike<number>;
}

/** A joint reconstruction: one intensity, each detector's acceptance and rates (in the order given). */
export interface JointReconstruction {
  /** Relative intensity I (mean 1 on every ring of the union field of view), 0 outside it. RING order. */
  readonly intensity: Float64Array;
  /** Estimated relative acceptance per local pixel of each detector (Σ over its visible pixels = 1). */
  readonly acceptance: readonly Float64Array[];
  /** Estimated rate per sidereal step of each detector. */
  readonly rate: readonly Float64Array[];
  readonly iterations: number;
  readonly changes: readonly number[];
  /** Σ_d Σ_c (n ln μ − μ), as in Reconstruction. */
  readonly logLikelihood: readonly number[];
  /** The union field of view: 1 on its pixels (whole rings), and its ring indices (north first). */
  readonly fovMask: Uint8Array;
  readonly fovRings: Int32Array;
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

/** A detector's cube and counts as a Float64Array (the loops below are hot), after checking their number. */
interface Data {
  readonly cube: SiderealCube;
  readonly n: Float64Array;
}

/** The union of the detectors' fields of view (whole rings): mask and ring indices. */
export function unionFieldOfView(cubes: readonly SiderealCube[]): { readonly fovMask: Uint8Array; readonly fovRings: Int32Array } {
  if (cubes.length === 0) throw new RangeError('reconstruction: no detector');
  const nside = cubes[0].nside;
  for (const c of cubes) if (c.nside !== nside) throw new RangeError(`reconstruction: detectors on N_side ${nside} and ${c.nside}; a joint reconstruction needs one grid`);
  if (cubes.length === 1) return { fovMask: cubes[0].fovMask, fovRings: cubes[0].fovRings };
  const fovMask = new Uint8Array(cubes[0].fovMask.length);
  for (const c of cubes) for (let p = 0; p < fovMask.length; p++) fovMask[p] |= c.fovMask[p];
  const info = ringInfo(nside);
  const rings: number[] = [];
  for (let r = 0; r < info.nRings; r++) if (fovMask[info.firstPix[r]]) rings.push(r);
  return { fovMask, fovRings: Int32Array.from(rings) };
}

function checkData(detectors: readonly DetectorCounts[]): Data[] {
  return detectors.map(({ cube, counts }) => {
    if (counts.length !== cube.cellPixel.length) throw new RangeError(`reconstruction: ${counts.length} counts for ${cube.cellPixel.length} cells`);
    return { cube, n: counts instanceof Float64Array ? counts : Float64Array.from(counts) };
  });
}

/** Rate update of one detector: N_τ = Σ n / Σ A I over the cells of step τ. */
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

/** Acceptance update of one detector: A_i = Σ n / Σ N I over the cells of local pixel i. */
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

/**
 * Intensity update: I_a = Σ_d Σ n / Σ_d Σ N A over the cells of equatorial pixel a of every
 * detector, on the pixels of `mask`; returns max |ΔI|.
 */
function updateIntensity(data: readonly Data[], rate: readonly Float64Array[], acc: readonly Float64Array[], mask: Uint8Array, intensity: Float64Array): number {
  const npix = intensity.length;
  const num = new Float64Array(npix), den = new Float64Array(npix);
  data.forEach(({ cube, n }, d) => {
    const vis = cube.visibleLocal, pix = cube.cellPixel;
    const v = vis.length;
    const accVis = new Float64Array(v);
    for (let q = 0; q < v; q++) accVis[q] = acc[d][vis[q]];
    const rd = rate[d];
    for (let t = 0; t < cube.nTimes; t++) {
      const nt = rd[t];
      for (let q = 0, c = t * v; q < v; q++, c++) {
        const a = pix[c];
        num[a] += n[c];
        den[a] += nt * accVis[q];
      }
    }
  });
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
 * Eq. 13 with Eq. 10–12: every ring of the union field of view of `intensity` to mean 1, the
 * acceptance of every detector's local pixels of that ring times the same mean (every μ
 * unchanged); then each detector's Σ A = 1 with its rates rescaled to match.
 */
function normalize(data: readonly Data[], fovRings: Int32Array, intensity: Float64Array, acc: readonly Float64Array[], rate: readonly Float64Array[]): void {
  const info = ringInfo(data[0].cube.nside);
  for (const r of fovRings) {
    const f = info.firstPix[r], n = info.nPix[r];
    let s = 0;
    for (let p = f; p < f + n; p++) s += intensity[p];
    const mean = s / n;
    if (!(mean > 0)) continue;
    for (let p = f; p < f + n; p++) intensity[p] /= mean;
    for (const a of acc) for (let p = f; p < f + n; p++) a[p] *= mean;
  }
  data.forEach(({ cube }, d) => {
    const a = acc[d], rt = rate[d];
    let total = 0;
    for (const i of cube.visibleLocal) total += a[i];
    if (total > 0) {
      for (const i of cube.visibleLocal) a[i] /= total;
      for (let t = 0; t < rt.length; t++) rt[t] *= total;
    }
  });
}

/** Σ_d Σ_c (n ln μ − μ) (cells with μ = 0 and n = 0 contribute 0), one Neumaier-compensated sum over all detectors. */
function jointLogLikelihoodOf(data: readonly Data[], rate: readonly Float64Array[], acc: readonly Float64Array[], intensity: Float64Array): number {
  let s = 0, comp = 0;
  for (let d = 0; d < data.length; d++) {
    const { cube, n: counts } = data[d];
    const vis = cube.visibleLocal, pix = cube.cellPixel;
    const v = vis.length;
    const rd = rate[d], ad = acc[d];
    for (let t = 0; t < cube.nTimes; t++) {
      for (let q = 0, c = t * v; q < v; q++, c++) {
        const mu = rd[t] * ad[vis[q]] * intensity[pix[c]];
        let x: number;
        if (mu > 0) x = counts[c] * Math.log(mu) - mu;
        else if (counts[c] > 0) return -Infinity;
        else continue;
        const u = s + x;
        comp += Math.abs(s) >= Math.abs(x) ? s - u + x : x - u + s;
        s = u;
      }
    }
  }
  return s + comp;
}

/** Σ_c (n_c ln μ_c − μ_c) of one detector's model (cells with μ = 0 and n = 0 contribute 0), summed with Neumaier's compensation. */
export function logLikelihood(cube: SiderealCube, counts: ArrayLike<number>, rate: Float64Array, acc: Float64Array, intensity: Float64Array): number {
  return jointLogLikelihoodOf(checkData([{ cube, counts }]), [rate], [acc], intensity);
}

interface State {
  readonly intensity: Float64Array;
  readonly acc: Float64Array[];
  readonly rate: Float64Array[];
  readonly fovMask: Uint8Array;
  readonly fovRings: Int32Array;
}

function directStep(data: readonly Data[]): State {
  const { fovMask, fovRings } = unionFieldOfView(data.map((x) => x.cube));
  const npix = fovMask.length;
  const intensity = Float64Array.from(fovMask);
  const acc: Float64Array[] = [];
  const rate: Float64Array[] = [];
  for (const { cube, n: counts } of data) {
    const a = new Float64Array(npix);
    const rt = new Float64Array(cube.nTimes);
    const v = cube.visibleLocal.length;
    // I = 1: rate ∝ counts per step, acceptance ∝ counts per local pixel (rank-1 maximum)
    let total = 0;
    for (let t = 0; t < cube.nTimes; t++) {
      let s = 0;
      for (let q = 0, c = t * v; q < v; q++, c++) {
        s += counts[c];
        a[cube.visibleLocal[q]] += counts[c];
      }
      rt[t] = s;
      total += s;
    }
    if (!(total > 0)) throw new RangeError(`reconstruction: no events in the field of view${data.length > 1 ? ` of ${cube.observatory.name}` : ''}`);
    for (const i of cube.visibleLocal) a[i] /= total;
    acc.push(a);
    rate.push(rt);
  }
  updateIntensity(data, rate, acc, fovMask, intensity);
  normalize(data, fovRings, intensity, acc, rate);
  return { intensity, acc, rate, fovMask, fovRings };
}

/** Direct integration (time scrambling over the full sidereal day) of several detectors' data at once: the first estimate I^(1). */
export function jointDirectIntegration(detectors: readonly DetectorCounts[]): JointReconstruction {
  const data = checkData(detectors);
  const s = directStep(data);
  return { intensity: s.intensity, acceptance: s.acc, rate: s.rate, iterations: 0, changes: [], logLikelihood: [jointLogLikelihoodOf(data, s.rate, s.acc, s.intensity)], fovMask: s.fovMask, fovRings: s.fovRings };
}

/** The iterative maximum-likelihood reconstruction of Ahlers et al. 2016 over several detectors' data, started from direct integration. */
export function jointMaximumLikelihood(detectors: readonly DetectorCounts[], opts: MaximumLikelihoodOptions = {}): JointReconstruction {
  const data = checkData(detectors);
  const iterations = opts.iterations ?? 100;
  if (!(Number.isInteger(iterations) && iterations >= 0)) throw new RangeError(`maximumLikelihood: iterations must be an integer >= 0, got ${iterations}`);
  const tol = opts.relativeTolerance ?? 0;
  const { intensity, acc, rate, fovMask, fovRings } = directStep(data);
  const changes: number[] = [];
  const logL: number[] = [jointLogLikelihoodOf(data, rate, acc, intensity)];
  let done = 0;
  while (done < iterations) {
    data.forEach(({ cube, n }, d) => {
      updateRate(cube, n, acc[d], intensity, rate[d]);
      updateAcceptance(cube, n, rate[d], intensity, acc[d]);
    });
    const change = updateIntensity(data, rate, acc, fovMask, intensity);
    normalize(data, fovRings, intensity, acc, rate);
    done++;
    changes.push(change);
    if (opts.trackLikelihood) logL.push(jointLogLikelihoodOf(data, rate, acc, intensity));
    if (tol > 0) {
      let amp = 0;
      for (let a = 0; a < intensity.length; a++) if (fovMask[a]) amp = Math.max(amp, Math.abs(intensity[a] - 1));
      if (change <= tol * amp) break;
    }
  }
  if (!opts.trackLikelihood && done > 0) logL.push(jointLogLikelihoodOf(data, rate, acc, intensity));
  return { intensity, acceptance: acc, rate, iterations: done, changes, logLikelihood: logL, fovMask, fovRings };
}

/** The one-detector case of a joint reconstruction, in the single-detector shape. */
export function oneDetector(j: JointReconstruction): Reconstruction {
  return { intensity: j.intensity, acceptance: j.acceptance[0], rate: j.rate[0], iterations: j.iterations, changes: j.changes, logLikelihood: j.logLikelihood };
}

/** Direct integration (time scrambling over the full sidereal day): the first estimate I^(1). */
export function directIntegration(cube: SiderealCube, counts: ArrayLike<number>): Reconstruction {
  return oneDetector(jointDirectIntegration([{ cube, counts }]));
}

/** The iterative maximum-likelihood reconstruction of Ahlers et al. 2016, started from direct integration. */
export function maximumLikelihood(cube: SiderealCube, counts: ArrayLike<number>, opts: MaximumLikelihoodOptions = {}): Reconstruction {
  return oneDetector(jointMaximumLikelihood([{ cube, counts }], opts));
}
