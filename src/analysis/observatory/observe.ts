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
 *
 * `observeJoint` does the same for two or more detectors observed jointly (ApJ 871, 96: HAWC +
 * IceCube): each detector's own cells and events (its own Poisson stream), one joint
 * reconstruction of I over the union of their fields of view (reconstruction.ts), and the
 * spectra and dipoles of that one map on the union. The East–West method works in a detector's
 * local frame on its own counts, so a joint observation reports it per detector
 * (`detectors[d].eastWest`) and `dipoles.eastWest` is null. `observeMap` is the one-detector case.
 */
import { dipoleFromMap, equatorialDipole } from '../dipole.ts';
import { eventNoiseLevel, poissonNoiseLevel } from '../ensemble.ts';
import { anafast } from '../harmonics.ts';
import { npix2nside } from '../healpix.ts';
import { ringWeightMultipoles, transferMatrix } from './coupling.ts';
import { fieldOfView, type Observatory } from './definition.ts';
import { eastWestDipole, type EastWestDipole } from './eastWest.ts';
import { expectedCounts, poissonCounts } from './events.ts';
import { cubeFieldOfView, exposureMap, ringsFieldOfView, siderealCube } from './exposure.ts';
import { kPrimeDipole, type KPrimeDipole } from './kPrimeDipole.ts';
import { expectedPseudoCl, fullSkyCl, poissonNoiseSpectrum, pseudoCl, type FullSkyEstimate } from './pseudoCl.ts';
import { raProjectionDipole, type RaProjectionDipole } from './raProjection.ts';
import { jointDirectIntegration, jointMaximumLikelihood, oneDetector as single, type JointReconstruction, type Reconstruction } from './reconstruction.ts';
import { repeatedName } from './viewNames.ts';

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

/** A field of view: the nominal declination bands (merged), their outer edges, the rings used and the sky fraction. */
export interface ObservedFieldOfView {
  /** Nominal δ1, δ2 (Φ ∓ θ_max) of one detector; for a joint view the lowest δ1 and highest δ2 of the union. */
  readonly decMinDeg: number;
  readonly decMaxDeg: number;
  /** The nominal bands, south first, overlapping ones merged (one for a single detector). */
  readonly bands: readonly { readonly decMinDeg: number; readonly decMaxDeg: number }[];
  /** Declinations of the southernmost and northernmost ring used, and the sky fraction of all rings used. */
  readonly ringDecMinDeg: number;
  readonly ringDecMaxDeg: number;
  readonly fsky: number;
}

/** What belongs to one detector of an observation (the only one, or one of a joint view). */
export interface DetectorObservation {
  readonly observatory: Observatory;
  readonly fieldOfView: ObservedFieldOfView;
  /** Its events over the day (expected values without events). */
  readonly totalEvents: number;
  /** The East–West dipole of its own counts (Eq. 20–23: the detector's local frame). */
  readonly eastWest: EastWestDipole;
}

interface ObservationCommon {
  /** The observatory's name, or the members' joined by "+" for a joint view (also the output folder). */
  readonly name: string;
  /** One detector, or the members of a joint view in the order given. */
  readonly detectors: readonly DetectorObservation[];
  readonly nside: number;
  readonly nTimes: number;
  /** The field of view of the map: the detector's, or the union of the members'. */
  readonly fieldOfView: ObservedFieldOfView;
  /**
   * One detector: its mean acceptance over the sidereal day. Joint: Σ_d E_d ε_d / Σ_p ε_d(p)
   * (each detector's exposure ε_d weighted by its expected events E_d), scaled to a maximum of 1.
   */
  readonly exposure: Float64Array;
  readonly mask: Uint8Array;
  /** Events per equatorial pixel over the day, all detectors together (expected values without `events`). */
  readonly counts: Float64Array;
  readonly totalEvents: number;
  readonly poisson: boolean;
  readonly spectrum: ObservedSpectrum;
}

interface ObservedDipoles {
  /** The input map's own dipole, projected on the equatorial plane (least squares, full sky). */
  readonly input: EquatorialDipoleComponents;
  readonly raProjection: { readonly directIntegration: RaProjectionDipole; readonly maximumLikelihood: RaProjectionDipole };
  readonly kPrime: { readonly directIntegration: KPrimeDipole; readonly maximumLikelihood: KPrimeDipole };
}

/** One observatory's observation. */
export interface SingleObservation extends ObservationCommon {
  readonly joint: false;
  readonly observatory: Observatory;
  readonly directIntegration: Reconstruction;
  readonly maximumLikelihood: Reconstruction;
  readonly dipoles: ObservedDipoles & { readonly eastWest: EastWestDipole };
}

/** Two or more observatories' joint observation: one map on the union of their fields of view. */
export interface JointObservation extends ObservationCommon {
  readonly joint: true;
  readonly directIntegration: JointReconstruction;
  readonly maximumLikelihood: JointReconstruction;
  /** No joint East–West dipole: it is per detector, in `detectors[d].eastWest`. */
  readonly dipoles: ObservedDipoles & { readonly eastWest: null };
}

export type Observation = SingleObservation | JointObservation;

/** One detector of `observeJoint`: the observatory and, for Poisson noise, its own event count and random stream. */
export interface JointMember {
  readonly observatory: Observatory;
  /** Poisson events of this detector; without it the counts are their expectation (then for every member). */
  readonly events?: number;
  readonly random?: () => number;
}

export type JointObserveOptions = Omit<ObserveOptions, 'events' | 'random'>;

/** The nominal bands δ1 < δ < δ2 of the observatories, sorted, overlapping or touching ones merged. */
export function mergedBands(observatories: readonly Observatory[]): { decMinDeg: number; decMaxDeg: number }[] {
  const bands = observatories.map((o) => ({ ...fieldOfView(o) })).sort((a, b) => a.decMinDeg - b.decMinDeg);
  const out: { decMinDeg: number; decMaxDeg: number }[] = [];
  for (const b of bands) {
    const last = out[out.length - 1];
    if (last && b.decMinDeg <= last.decMaxDeg) last.decMaxDeg = Math.max(last.decMaxDeg, b.decMaxDeg);
    else out.push(b);
  }
  return out;
}

/** Everything an observatory would report of the sky `map` (see the file header). */
export function observeMap(map: ArrayLike<number>, observatory: Observatory, opts: ObserveOptions = {}): SingleObservation {
  return observeDetectors(map, [{ observatory, events: opts.events, random: opts.random }], opts) as SingleObservation;
}

/**
 * Everything two or more observatories observing jointly would report of the sky `map`: one
 * maximum-likelihood reconstruction of all their data over the union of their fields of view.
 */
export function observeJoint(map: ArrayLike<number>, members: readonly JointMember[], opts: JointObserveOptions = {}): JointObservation {
  if (members.length < 2) throw new RangeError(`observeJoint: a joint view needs at least two observatories, got ${members.length}`);
  const twice = repeatedName(members.map((m) => m.observatory.name));
  if (twice !== undefined) throw new RangeError(`observeJoint: ${twice} is named twice`);
  return observeDetectors(map, members, opts) as JointObservation;
}

function observeDetectors(map: ArrayLike<number>, members: readonly JointMember[], opts: JointObserveOptions): Observation {
  const nside = npix2nside(map.length);
  const nTimes = opts.nTimes ?? 4 * nside;
  const lmax = opts.lmax ?? Math.min(3 * nside - 1, 2 * nside);
  for (let p = 0; p < map.length; p++) {
    if (!(map[p] > 0) || !Number.isFinite(map[p])) throw new RangeError(`observeMap: pixel ${p} is ${map[p]}; a relative intensity must be finite and > 0`);
  }
  const poisson = members[0].events !== undefined;
  if (members.some((m) => (m.events !== undefined) !== poisson)) throw new RangeError('observeJoint: give events for every member or for none');
  const counts = new Float64Array(map.length);
  // each detector: its cube, its cells' counts, its expected events (1e12 without Poisson noise) and its total
  const perDetector = members.map((m) => {
    const cube = siderealCube(m.observatory, nside, nTimes);
    if (cube.fovRings.length === 0) throw new RangeError(`observeMap: ${m.observatory.name} sees no complete declination ring at N_side ${nside}`);
    const expected = m.events ?? 1e12;
    const mu = expectedCounts(cube, map, expected);
    let cells = mu;
    if (m.events !== undefined) {
      if (!m.random) throw new RangeError('observeMap: Poisson events need a random source');
      cells = poissonCounts(mu, m.random);
    }
    let total = 0;
    for (let c = 0; c < cells.length; c++) {
      counts[cube.cellPixel[c]] += cells[c];
      total += cells[c];
    }
    return { cube, counts: cells, expected, total };
  });
  const totalEvents = perDetector.reduce((a, d) => a + d.total, 0);
  const joint = members.length > 1;
  const diJ = jointDirectIntegration(perDetector);
  const mlJ = jointMaximumLikelihood(perDetector, { iterations: opts.iterations ?? 100, relativeTolerance: opts.relativeTolerance ?? 1e-6 });

  // the union field of view of the reconstruction (the detector's own for one detector)
  const { fovMask: mask, fovRings } = mlJ;
  const deviation = Float64Array.from(mlJ.intensity, (v, p) => (mask[p] ? v - 1 : 0));
  const pseudo = pseudoCl(deviation, mask, lmax);
  const noise = poisson ? poissonNoiseSpectrum(counts, mask, lmax) : new Float64Array(lmax + 1);
  const m = transferMatrix(ringWeightMultipoles(mask, 2 * lmax), lmax);
  const inputCl = anafast(map, { lmax });
  const fov = ringsFieldOfView(nside, fovRings, mask);
  const spectrum: ObservedSpectrum = {
    lmax,
    pseudoCl: pseudo,
    noise,
    fullSky: fullSkyCl(pseudo, noise, m, lmax, opts.binWidth),
    inputCl,
    expectedPseudoCl: expectedPseudoCl(inputCl, noise, m, lmax),
    noiseEq31: poisson ? poissonNoiseLevel(counts, mask) : 0,
    noiseEq32: poisson ? eventNoiseLevel(totalEvents, fov.fsky) : 0,
  };
  const fit = dipoleFromMap(map, { relative: true });
  const d0h = fit.vector[0], d6h = fit.vector[1];
  const input = { ...equatorialDipole(fit.vector), d0h, d6h };
  const detectors: DetectorObservation[] = members.map((mb, d) => {
    const { cube, counts: cells, total } = perDetector[d];
    const f = cubeFieldOfView(cube);
    const nominal = fieldOfView(mb.observatory);
    return {
      observatory: mb.observatory,
      fieldOfView: { ...nominal, bands: [nominal], ringDecMinDeg: f.ringDecMinDeg, ringDecMaxDeg: f.ringDecMaxDeg, fsky: f.fsky },
      totalEvents: total,
      eastWest: eastWestDipole(cube, cells),
    };
  });
  const bands = mergedBands(members.map((mb) => mb.observatory));
  const fieldOfViewAll: ObservedFieldOfView = joint
    ? { decMinDeg: bands[0].decMinDeg, decMaxDeg: bands[bands.length - 1].decMaxDeg, bands, ringDecMinDeg: fov.ringDecMinDeg, ringDecMaxDeg: fov.ringDecMaxDeg, fsky: fov.fsky }
    : detectors[0].fieldOfView;
  let exposure: Float64Array;
  if (!joint) exposure = exposureMap(perDetector[0].cube);
  else {
    exposure = new Float64Array(map.length);
    perDetector.forEach(({ cube, expected }) => {
      const e = exposureMap(cube);
      let s = 0;
      for (let p = 0; p < e.length; p++) s += e[p];
      for (let p = 0; p < e.length; p++) exposure[p] += (expected * e[p]) / s;
    });
    let mx = 0;
    for (let p = 0; p < exposure.length; p++) mx = Math.max(mx, exposure[p]);
    for (let p = 0; p < exposure.length; p++) exposure[p] /= mx;
  }
  const common = { name: members.map((mb) => mb.observatory.name).join('+'), detectors, nside, nTimes, fieldOfView: fieldOfViewAll, exposure, mask, counts, totalEvents, poisson, spectrum };
  const dipoles = {
    input,
    raProjection: { directIntegration: raProjectionDipole(diJ.intensity, mask), maximumLikelihood: raProjectionDipole(mlJ.intensity, mask) },
    kPrime: { directIntegration: kPrimeDipole(diJ.intensity, mask), maximumLikelihood: kPrimeDipole(mlJ.intensity, mask) },
  };
  if (joint) return { ...common, joint: true, directIntegration: diJ, maximumLikelihood: mlJ, dipoles: { ...dipoles, eastWest: null } };
  return { ...common, joint: false, observatory: members[0].observatory, directIntegration: single(diJ), maximumLikelihood: single(mlJ), dipoles: { ...dipoles, eastWest: detectors[0].eastWest } };
}
