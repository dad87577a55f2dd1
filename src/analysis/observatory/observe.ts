/**
 * A simulated sky through a ground-based observatory, end to end (review Sec. 2): the pieces of
 * this folder in the order an experiment applies them. Pure and browser-clean, shared by
 * `crsky observe` and any page that wants an observatory selector.
 *
 *   1. exposure over a sidereal day → cells, exposure map, field of view       exposure.ts
 *   2. expected events (Eq. 8) and, for a finite data set, Poisson draws      events.ts
 *   3. relative intensity by direct integration and by maximum likelihood,
 *      each ring normalized (a_l0 = 0, Eq. 13)                                 reconstruction.ts
 *   4. pseudo-C_l on the field of view, the noise N_l (Eq. 31), the transfer
 *      matrix (A.2) and the full-sky estimate (Eq. 30)                         pseudoCl.ts, coupling.ts
 *   5. the dipole by the right-ascension projection (Eq. 24–25), the K′
 *      correction (Eq. 27–28) and the East–West method (Eq. 20–23)           raProjection.ts, ...
 * The input is a relative-intensity map I (RING order, equatorial, full sky, I > 0).
 */
import { dipoleFromMap, equatorialDipole } from '../dipole.ts';
import { eventNoiseLevel, poissonNoiseLevel } from '../ensemble.ts';
import { anafast } from '../harmonics.ts';
import { npix2nside } from '../healpix.ts';
import { ringWeightMultipoles, transferMatrix } from './coupling.ts';
import { fieldOfView, type Observatory } from './definition.ts';
import { eastWestDipole, type EastWestDipole } from './eastWest.ts';
import { expectedCounts, poissonCounts } from './events.ts';
import { cubeFieldOfView, exposureMap, siderealCube } from './exposure.ts';
import { kPrimeDipole, type KPrimeDipole } from './kPrimeDipole.ts';
import { expectedPseudoCl, fullSkyCl, poissonNoiseSpectrum, pseudoCl, type FullSkyEstimate } from './pseudoCl.ts';
import { raProjectionDipole, type RaProjectionDipole } from './raProjection.ts';
import { directIntegration, maximumLikelihood, type Reconstruction } from './reconstruction.ts';

export interface ObserveOptions {
  /** Sidereal steps per day (default 4·N_side: one equatorial pixel width per step). */
  readonly nTimes?: number;
  /** Draw Poisson events, this many expected in total; without it the counts are their expectation (no noise). */
  readonly events?: number;
  /** Uniform [0, 1) numbers for the Poisson draws (required with `events`). */
  readonly random?: () => number;
  /** Most maximum-likelihood updates (default 100) and the relative stopping tolerance (default 1e-6, see reconstruction.ts). */
  readonly iterations?: number;
  readonly relativeTolerance?: number;
  /** Largest multipole of the spectra (default min(3·N_side − 1, 2·N_side)). */
  readonly lmax?: number;
  /** l-bin width of the full-sky estimate (default: the narrowest that inverts stably, fullSkyCl). */
  readonly binWidth?: number;
}

export interface EquatorialDipoleComponents {
  readonly a1: number;
  readonly alpha1Deg: number;
  readonly d0h: number;
  readonly d6h: number;
}

export interface ObservedSpectrum {
  readonly lmax: number;
  /** Pseudo-C_l of the maximum-likelihood map on the field of view (Eq. 29, top-hat weight). */
  readonly pseudoCl: Float64Array;
  /** N_l of the Poisson noise without the m = 0 modes (0 without events). */
  readonly noise: Float64Array;
  /** Full-sky <Ĉ_l> by Eq. 30 (entry 0 NaN), with the l-binning it needed. */
  readonly fullSky: FullSkyEstimate;
  /** C_l of the input map on the full sky (anafast), and the pseudo-C_l it implies, M·C + N. */
  readonly inputCl: Float64Array;
  readonly expectedPseudoCl: Float64Array;
  /** Flat noise levels: Eq. 31 from the pixel counts, Eq. 32 from N_events and f_sky. */
  readonly noiseEq31: number;
  readonly noiseEq32: number;
}

export interface Observation {
  readonly observatory: Observatory;
  readonly nside: number;
  readonly nTimes: number;
  /** Nominal δ1, δ2 (Φ ∓ θ_max) and the rings actually used. */
  readonly fieldOfView: { readonly decMinDeg: number; readonly decMaxDeg: number; readonly ringDecMinDeg: number; readonly ringDecMaxDeg: number; readonly fsky: number };
  readonly exposure: Float64Array;
  readonly mask: Uint8Array;
  /** Events per equatorial pixel over the day (expected values without `events`). */
  readonly counts: Float64Array;
  readonly totalEvents: number;
  readonly poisson: boolean;
  readonly directIntegration: Reconstruction;
  readonly maximumLikelihood: Reconstruction;
  readonly spectrum: ObservedSpectrum;
  readonly dipoles: {
    /** The input map's own dipole, projected on the equatorial plane (least squares, full sky). */
    readonly input: EquatorialDipoleComponents;
    readonly raProjection: { readonly directIntegration: RaProjectionDipole; readonly maximumLikelihood: RaProjectionDipole };
    readonly kPrime: { readonly directIntegration: KPrimeDipole; readonly maximumLikelihood: KPrimeDipole };
    readonly eastWest: EastWestDipole;
  };
}

/** Everything an observatory would report of the sky `map` (see the file header). */
export function observeMap(map: ArrayLike<number>, observatory: Observatory, opts: ObserveOptions = {}): Observation {
  const nside = npix2nside(map.length);
  const nTimes = opts.nTimes ?? 4 * nside;
  const lmax = opts.lmax ?? Math.min(3 * nside - 1, 2 * nside);
  for (let p = 0; p < map.length; p++) {
    if (!(map[p] > 0) || !Number.isFinite(map[p])) throw new RangeError(`observeMap: pixel ${p} is ${map[p]}; a relative intensity must be finite and > 0`);
  }
  const cube = siderealCube(observatory, nside, nTimes);
  if (cube.fovRings.length === 0) throw new RangeError(`observeMap: ${observatory.name} sees no complete declination ring at N_side ${nside}`);
  const events = opts.events;
  const mu = expectedCounts(cube, map, events ?? 1e12);
  let cells = mu;
  if (events !== undefined) {
    if (!opts.random) throw new RangeError('observeMap: Poisson events need a random source');
    cells = poissonCounts(mu, opts.random);
  }
  const counts = new Float64Array(map.length);
  let totalEvents = 0;
  for (let c = 0; c < cells.length; c++) {
    counts[cube.cellPixel[c]] += cells[c];
    totalEvents += cells[c];
  }
  const di = directIntegration(cube, cells);
  const ml = maximumLikelihood(cube, cells, { iterations: opts.iterations ?? 100, relativeTolerance: opts.relativeTolerance ?? 1e-6 });

  const mask = cube.fovMask;
  const deviation = Float64Array.from(ml.intensity, (v, p) => (mask[p] ? v - 1 : 0));
  const pseudo = pseudoCl(deviation, mask, lmax);
  const noise = events !== undefined ? poissonNoiseSpectrum(counts, mask, lmax) : new Float64Array(lmax + 1);
  const m = transferMatrix(ringWeightMultipoles(mask, 2 * lmax), lmax);
  const inputCl = anafast(map, { lmax });
  const fov = cubeFieldOfView(cube);
  const spectrum: ObservedSpectrum = {
    lmax,
    pseudoCl: pseudo,
    noise,
    fullSky: fullSkyCl(pseudo, noise, m, lmax, opts.binWidth),
    inputCl,
    expectedPseudoCl: expectedPseudoCl(inputCl, noise, m, lmax),
    noiseEq31: events !== undefined ? poissonNoiseLevel(counts, mask) : 0,
    noiseEq32: events !== undefined ? eventNoiseLevel(totalEvents, fov.fsky) : 0,
  };
  const fit = dipoleFromMap(map, { relative: true });
  const d0h = fit.vector[0], d6h = fit.vector[1];
  const input = { ...equatorialDipole(fit.vector), d0h, d6h };
  return {
    observatory,
    nside,
    nTimes,
    fieldOfView: { ...fieldOfView(observatory), ringDecMinDeg: fov.ringDecMinDeg, ringDecMaxDeg: fov.ringDecMaxDeg, fsky: fov.fsky },
    exposure: exposureMap(cube),
    mask,
    counts,
    totalEvents,
    poisson: events !== undefined,
    directIntegration: di,
    maximumLikelihood: ml,
    spectrum,
    dipoles: {
      input,
      raProjection: { directIntegration: raProjectionDipole(di.intensity, mask), maximumLikelihood: raProjectionDipole(ml.intensity, mask) },
      kPrime: { directIntegration: kPrimeDipole(di.intensity, mask), maximumLikelihood: kPrimeDipole(ml.intensity, mask) },
      eastWest: eastWestDipole(cube, cells),
    },
  };
}
