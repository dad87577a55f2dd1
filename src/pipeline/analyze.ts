/**
 * Analysis of any HEALPix map (ours or anyone's): C_l, dipole, removal of low multipoles and
 * top-hat smoothing, and the cross-spectrum of two maps, in memory; `crsky analyze` reads the
 * FITS files and writes the results.
 *
 * Masked pixels (UNSEEN or not finite) are left out of every fit; with a mask the C_l are the
 * pseudo-C_l of the deviation map (masked pixels set to 0) divided by the unmasked sky fraction,
 * a first-order correction that is exact only for white noise (the summary says so).
 */
import { ConfigError } from '../config/errors.ts';
import { vecToLonLat } from '../config/frames.ts';
import type { Vec3 } from '../config/vec3.ts';
import { dipoleFromMap } from '../analysis/dipole.ts';
import { crossSpectra } from '../analysis/crossSpectra.ts';
import { anafast } from '../analysis/harmonics.ts';
import { npix2nside, reorder, UNSEEN } from '../analysis/healpix.ts';
import { removeMultipoles } from '../analysis/multipoles.ts';
import { smoothTopHat } from '../analysis/smoothing.ts';

export interface AnalyzeOptions {
  /** Pixel order of the map (default RING). */
  readonly ordering?: 'RING' | 'NESTED';
  /** Largest multipole, 1..3·N_side−1 (default 3·N_side−1). */
  readonly lmax?: number;
  /** Fit and remove all l <= this, 0..10. */
  readonly removeMultipoles?: number;
  /** Top-hat smoothing radius of the residual map, degrees, (0, 180]. */
  readonly smoothDeg?: number;
  /** Jacobi iterations of map2alm, 0..10 (healpy: iter=3). */
  readonly iterations?: number;
}

export interface MapAnalysis {
  readonly nside: number;
  readonly validPixels: number;
  readonly fsky: number;
  /** 1 for an unmasked pixel, 0 for UNSEEN / not finite; RING order. */
  readonly mask: Uint8Array;
  /** The map in RING order. */
  readonly map: Float64Array;
  readonly monopole: number;
  readonly dipole: { readonly vector: Vec3; readonly amplitude: number; readonly lonDeg: number; readonly latDeg: number; readonly relative: boolean };
  readonly lmax: number;
  /** C_l of the map minus its monopole (after multipole removal if asked), / f_sky on a cut sky. */
  readonly cl: Float64Array;
  /** With removeMultipoles or smoothDeg: the processed map (UNSEEN where masked), RING; else null. */
  readonly residual: Float64Array | null;
  /** What the residual is, e.g. "l <= 1 removed, 20° top-hat". */
  readonly residualDescription: string | null;
}

/**
 * crsky's one C_l convention: the C_l of a full-sky map minus its monopole (the least-squares
 * I_0 of healpy's fit_dipole), anafast with 3 Jacobi iterations. Without the subtraction the
 * quadrature leaks the monopole (1 for a relative intensity) into even l at low N_side; every
 * C_l crsky reports (per realization, of the mean map, of the noise skies, `analyze`) is this.
 */
export function clMinusMonopole(map: ArrayLike<number>, lmax: number, monopole: number = dipoleFromMap(map).monopole): Float64Array {
  return anafast(Float64Array.from(map, (v) => v - monopole), { lmax, iterations: 3 });
}

function isValid(v: number): boolean {
  return Number.isFinite(v) && v !== UNSEEN;
}

/** Throws ConfigError naming the option, value and range, before any work. */
export function checkAnalyzeOptions(nside: number, opts: AnalyzeOptions): void {
  const lmaxAllowed = 3 * nside - 1;
  const lmax = opts.lmax ?? lmaxAllowed;
  if (!(Number.isInteger(lmax) && lmax >= 1 && lmax <= lmaxAllowed)) throw new ConfigError(`analyze --lmax ${opts.lmax}: must be an integer in [1, ${lmaxAllowed}] (3·N_side − 1)`);
  const lcut = opts.removeMultipoles;
  if (lcut !== undefined && !(Number.isInteger(lcut) && lcut >= 0 && lcut <= 10)) throw new ConfigError(`analyze --remove-multipoles ${lcut}: must be an integer in [0, 10]`);
  const iterations = opts.iterations ?? 3;
  if (!(Number.isInteger(iterations) && iterations >= 0 && iterations <= 10)) throw new ConfigError(`analyze --iter ${iterations}: must be an integer in [0, 10]`);
  const smooth = opts.smoothDeg;
  if (smooth !== undefined && !(smooth > 0 && smooth <= 180)) throw new ConfigError(`analyze --smooth ${smooth}: radius in degrees must be in (0, 180]`);
}

export function analyzeMap(input: ArrayLike<number>, opts: AnalyzeOptions = {}): MapAnalysis {
  let nside: number;
  try {
    nside = npix2nside(input.length);
  } catch {
    const n = Math.sqrt(input.length / 12);
    throw new ConfigError(`analyze: ${input.length} pixels (N_side ${Number.isInteger(n) ? n : n.toFixed(3)}): crsky's HEALPix functions need N_side a power of two`);
  }
  checkAnalyzeOptions(nside, opts);
  const lmax = opts.lmax ?? 3 * nside - 1;
  const lcut = opts.removeMultipoles;
  const smooth = opts.smoothDeg;
  // Everything below works in RING order.
  const map = opts.ordering === 'NESTED' ? reorder(Float64Array.from(input), 'n2r') : Float64Array.from(input);
  const mask = Uint8Array.from(map, (v) => (isValid(v) ? 1 : 0));
  const validPixels = mask.reduce((a, m) => a + m, 0);
  if (validPixels === 0) throw new ConfigError('analyze: every pixel is UNSEEN or not finite');
  const fsky = validPixels / map.length;

  const fit = dipoleFromMap(map, { mask });
  // A map of I (mean ~ 1) gets the dipole relative to its monopole; a map of I - 1 or of counts
  // minus a mean (monopole comparable to or below the fluctuations) keeps map units.
  let sq = 0;
  for (let p = 0; p < map.length; p++) if (mask[p]) sq += (map[p] - fit.monopole) ** 2;
  const rms = Math.sqrt(sq / validPixels);
  const relative = Math.abs(fit.monopole) > 10 * rms;
  const vector: Vec3 = relative
    ? [fit.vector[0] / fit.monopole, fit.vector[1] / fit.monopole, fit.vector[2] / fit.monopole]
    : [fit.vector[0], fit.vector[1], fit.vector[2]];
  const amplitude = Math.hypot(...vector);
  const dir = amplitude > 0 ? vecToLonLat(vector) : { lonDeg: 0, latDeg: 0 };

  // C_l of the deviation from the monopole (after multipole removal if asked), masked pixels 0.
  let work = map;
  if (lcut !== undefined) work = removeMultipoles(map, { lmax: lcut, mask }).residual;
  const deviation = Float64Array.from(work, (v, p) => (mask[p] ? v - (lcut !== undefined ? 0 : fit.monopole) : 0));
  const cl = anafast(deviation, { lmax, iterations: opts.iterations ?? 3 });
  if (fsky < 1) for (let l = 0; l < cl.length; l++) cl[l] /= fsky;

  let residual: Float64Array | null = null;
  let residualDescription: string | null = null;
  if (lcut !== undefined || smooth !== undefined) {
    let r = lcut !== undefined ? work : Float64Array.from(map, (v) => v - fit.monopole);
    if (smooth !== undefined) r = smoothTopHat(r, { radiusDeg: smooth, mask });
    residual = Float64Array.from(r, (v, p) => (mask[p] && Number.isFinite(v) ? v : UNSEEN));
    residualDescription = [lcut !== undefined ? `l <= ${lcut} removed` : 'monopole removed', smooth !== undefined ? `${smooth}° top-hat` : ''].filter(Boolean).join(', ');
  }
  return { nside, validPixels, fsky, mask, map, monopole: fit.monopole, dipole: { vector, amplitude, lonDeg: dir.lonDeg, latDeg: dir.latDeg, relative }, lmax, cl, residual, residualDescription };
}

export interface CrossAnalysis {
  readonly nside: number;
  readonly lmax: number;
  /** Pixels unmasked in both maps, and their share of the sky. */
  readonly validPixels: number;
  readonly fsky: number;
  /** Each map's fitted monopole (over the common unmasked pixels). */
  readonly monopoles: readonly [number, number];
  readonly clXY: Float64Array;
  readonly clXX: Float64Array;
  readonly clYY: Float64Array;
  /** r_l = C^XY/sqrt(C^XX C^YY). */
  readonly r: Float64Array;
}

/**
 * The cross-spectrum of two maps (healpy's anafast(m1, m2)) in the convention of analyzeMap:
 * each map minus its fitted monopole (or after removing l <= removeMultipoles), pixels masked in
 * either map set to 0 in both, pseudo-C_l divided by the common f_sky; and r_l.
 */
export function crossAnalyzeMaps(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: Omit<AnalyzeOptions, 'ordering' | 'smoothDeg'> & { readonly orderings?: readonly ['RING' | 'NESTED', 'RING' | 'NESTED'] } = {},
): CrossAnalysis {
  if (a.length !== b.length) {
    const ns = (n: number) => Math.sqrt(n / 12);
    throw new ConfigError(`analyze: the two maps have N_side ${ns(a.length)} and ${ns(b.length)}; a cross-spectrum needs the same N_side (ud_grade one first)`);
  }
  let nside: number;
  try {
    nside = npix2nside(a.length);
  } catch {
    throw new ConfigError(`analyze: ${a.length} pixels: crsky's HEALPix functions need N_side a power of two`);
  }
  checkAnalyzeOptions(nside, opts);
  const lmax = opts.lmax ?? 3 * nside - 1;
  const ring = (m: ArrayLike<number>, o: 'RING' | 'NESTED' | undefined) => (o === 'NESTED' ? reorder(Float64Array.from(m), 'n2r') : Float64Array.from(m));
  const maps = [ring(a, opts.orderings?.[0]), ring(b, opts.orderings?.[1])];
  const mask = Uint8Array.from(maps[0], (v, p) => (isValid(v) && isValid(maps[1][p]) ? 1 : 0));
  const validPixels = mask.reduce((s, m) => s + m, 0);
  if (validPixels === 0) throw new ConfigError('analyze: no pixel is unmasked in both maps');
  const fsky = validPixels / mask.length;
  const lcut = opts.removeMultipoles;
  const monopoles = maps.map((m) => dipoleFromMap(m, { mask }).monopole) as [number, number];
  const deviation = maps.map((m, i) => {
    const work = lcut !== undefined ? removeMultipoles(m, { lmax: lcut, mask }).residual : m;
    return Float64Array.from(work, (v, p) => (mask[p] ? v - (lcut !== undefined ? 0 : monopoles[i]) : 0));
  });
  const iterations = opts.iterations ?? 3;
  const s = crossSpectra(deviation[0], deviation[1], { lmax, iterations });
  const scale = (c: Float64Array) => (fsky < 1 ? c.map((v) => v / fsky) : c);
  return { nside, lmax, validPixels, fsky, monopoles, clXY: scale(s.clXY), clXX: scale(s.clXX), clYY: scale(s.clYY), r: s.r };
}
