/**
 * The files of one observation (src/analysis/observatory/observe.ts) as data, without writing:
 * the observed map as a HEALPix FITS map and each CSV as columns and comments. `crsky observe`
 * writes them (src/output/observeOutputs.ts), and the page offers the same bytes for download
 * (through encodeHealpixFits and formatCsv), so both come from this one place.
 */
import { UNSEEN } from '../analysis/healpix.ts';
import { eastWestStep } from '../analysis/observatory/eastWest.ts';
import { kPrime1111Bands } from '../analysis/observatory/kPrimeDipole.ts';
import type { Observation } from '../analysis/observatory/observe.ts';
import { declinationAverageFactorBands } from '../analysis/observatory/raProjection.ts';
import type { CsvColumns } from './csvFormat.ts';
import type { HealpixMapToWrite } from './fitsFormat.ts';

export interface CsvTableToWrite {
  readonly columns: CsvColumns;
  readonly comments: readonly string[];
}

function outsideUnseen(obs: Observation, m: ArrayLike<number>): Float64Array {
  return Float64Array.from(m, (v, p) => (obs.mask[p] ? v : UNSEEN));
}

/** observed.fits: INTENSITY (maximum likelihood), INTENSITY_DI, EXPOSURE, COUNTS; UNSEEN outside the field of view. */
export function observedMapFits(obs: Observation, inputName: string): HealpixMapToWrite {
  const perDetector = obs.joint
    ? obs.detectors.flatMap((d, i) => [
        { key: `OBS${i + 1}`, value: d.observatory.name, comment: `member ${i + 1} of the joint view` },
        { key: `LAT${i + 1}`, value: d.observatory.latitudeDeg, comment: '[deg] its geographic latitude' },
        { key: `ZENMAX${i + 1}`, value: d.observatory.zenithMaxDeg, comment: '[deg] its zenith cut' },
        { key: `NEVENTS${i + 1}`, value: d.totalEvents, comment: obs.poisson ? 'its Poisson events' : 'its expected events (no noise)' },
      ])
    : [
        { key: 'LATITUDE', value: obs.observatory.latitudeDeg, comment: '[deg] geographic latitude' },
        { key: 'ZENMAX', value: obs.observatory.zenithMaxDeg, comment: '[deg] zenith cut' },
      ];
  return {
    ordering: 'RING',
    coordsys: 'C',
    columns: [
      { name: 'INTENSITY', data: outsideUnseen(obs, obs.maximumLikelihood.intensity) },
      { name: 'INTENSITY_DI', data: outsideUnseen(obs, obs.directIntegration.intensity) },
      { name: 'EXPOSURE', data: outsideUnseen(obs, obs.exposure) },
      { name: 'COUNTS', data: outsideUnseen(obs, obs.counts) },
    ],
    extraCards: [
      { key: 'OBSERVAT', value: obs.name, comment: obs.joint ? 'crsky observatories, joint reconstruction' : 'crsky observatory' },
      ...perDetector,
      { key: 'NEVENTS', value: obs.totalEvents, comment: obs.poisson ? 'Poisson events' : 'expected events (no noise)' },
      { key: 'NSTEPS', value: obs.nTimes, comment: 'sidereal steps per day' },
      { key: 'MLITER', value: obs.maximumLikelihood.iterations, comment: 'maximum-likelihood updates' },
      {
        key: 'HISTORY',
        value: obs.joint
          ? `crsky observe: ${inputName} through ${obs.name} jointly (one likelihood, union FOV); intensities normalized per ring (a_l0 = 0)`
          : `crsky observe: ${inputName} through ${obs.name}; intensities normalized per ring (a_l0 = 0)`,
      },
    ],
  };
}

/** "through hawc" or "through hawc+icecube (joint reconstruction on the union of their fields of view)". */
function through(obs: Observation): string {
  return obs.joint ? `${obs.name} (joint reconstruction on the union of their fields of view)` : obs.name;
}

/** cl.csv: pseudo-C_l, noise N_l, full-sky estimate (Eq. 30) and the input's C_l. */
export function observedClTable(obs: Observation, inputName: string): CsvTableToWrite {
  const s = obs.spectrum;
  const ls = Float64Array.from({ length: s.lmax + 1 }, (_, l) => l);
  const binFirst = Float64Array.from(ls, (l) => (l === 0 ? 0 : 1 + Math.floor((l - 1) / s.fullSky.binWidth) * s.fullSky.binWidth));
  return {
    columns: { l: ls, cl_pseudo: s.pseudoCl, noise: s.noise, cl_full_sky: s.fullSky.cl, bin_first: binFirst, cl_input: s.inputCl, cl_input_pseudo: s.expectedPseudoCl },
    comments: [
      `crsky observe: ${inputName} through ${through(obs)}`,
      'cl_pseudo: C_l of (I − 1) on the field of view (top-hat weight, a_l0 = 0 by the normalization), review Eq. 29',
      `noise: N_l of the Poisson counts without the m = 0 modes (Eq. 31 flat level ${s.noiseEq31}, Eq. 32 ${s.noiseEq32}); 0 without --events`,
      `cl_full_sky: <C_l> by Eq. 30 with the transfer matrix of Eq. A.2, in l-bins of ${s.fullSky.binWidth} starting at bin_first (condition number ${s.fullSky.conditionNumber.toPrecision(3)}); assumes a statistically isotropic sky`,
      'cl_input: C_l of the input map on the full sky; cl_input_pseudo: the pseudo-C_l it implies, Σ_l\' M_ll\' C_l\' + N_l',
    ],
  };
}

/** The per-method dipole files: dipole_input, dipole_ra_projection, dipole_kprime, dipole_east_west and east_west_ratio. */
export function observedDipoleTables(obs: Observation): Readonly<Record<'input' | 'raProjection' | 'kPrime' | 'eastWest' | 'eastWestRatio', CsvTableToWrite>> {
  const d = obs.dipoles;
  const bands = obs.fieldOfView.bands;
  const ra = [d.raProjection.directIntegration, d.raProjection.maximumLikelihood];
  const kp = [d.kPrime.directIntegration, d.kPrime.maximumLikelihood];
  return {
    input: {
      columns: { a1: [d.input.a1], alpha1_deg: [d.input.alpha1Deg], d0h: [d.input.d0h], d6h: [d.input.d6h] },
      comments: ['the input map\'s dipole (least squares, full sky, relative to its monopole) projected on the equatorial plane (review Eq. 19)'],
    },
    raProjection: {
      columns: {
        reconstruction: [0, 1],
        a1_reported: ra.map((r) => r.a1Projected),
        alpha1_deg: ra.map((r) => r.alpha1Deg),
        factor_pixels: ra.map((r) => r.factor),
        factor_eq25: ra.map(() => declinationAverageFactorBands(bands)),
        a1_rescaled: ra.map((r) => r.a1),
        d0h: ra.map((r) => r.d0h),
        d6h: ra.map((r) => r.d6h),
      },
      comments: [
        'right-ascension projection (review Eq. 24): a1_reported = Ã1 as experiments report it; a1_rescaled = Ã1 / factor (Eq. 25)',
        'factor_pixels: mean cos δ over the field-of-view pixels (used); factor_eq25: Eq. 25 on the nominal δ1, δ2 (on each nominal band of a joint view, area-weighted)',
        'reconstruction: 0 = direct integration, 1 = maximum likelihood',
      ],
    },
    kPrime: {
      columns: {
        reconstruction: [0, 1],
        a1: kp.map((r) => r.a1),
        alpha1_deg: kp.map((r) => r.alpha1Deg),
        d0h: kp.map((r) => r.d0h),
        d6h: kp.map((r) => r.d6h),
        a11_re: kp.map((r) => r.a11[0]),
        a11_im: kp.map((r) => r.a11[1]),
        kprime_pixels: kp.map((r) => r.kPrime),
        kprime_eq27: kp.map(() => kPrime1111Bands(bands)),
      },
      comments: ['K′-corrected dipole (review Eq. 27–28) from the pseudo-a_11 of the field of view', 'kprime_pixels: K′_1111 as the pixel sum (used); kprime_eq27: Eq. 27 on the nominal δ1, δ2 (summed over the nominal bands of a joint view)', 'reconstruction: 0 = direct integration, 1 = maximum likelihood'],
    },
    ...eastWestTables(obs),
  };
}

function eastWestTables(obs: Observation): Readonly<Record<'eastWest' | 'eastWestRatio', CsvTableToWrite>> {
  const dets = obs.detectors;
  const ratio0 = dets[0].eastWest.ratio;
  const steps = { step: Float64Array.from(ratio0, (_v, t) => t), meridian_ra_deg: Float64Array.from(ratio0, (_v, t) => (360 * t) / obs.nTimes) };
  if (!obs.joint) {
    const ew = obs.dipoles.eastWest;
    return {
      eastWest: {
        columns: { a1: [ew.a1], alpha1_deg: [ew.alpha1Deg], d0h: [ew.d0h], d6h: [ew.d6h], delta_alpha: [ew.deltaAlpha], delta_alpha_eq23: [eastWestStep(obs.observatory)] },
        comments: ['East–West method (review Eq. 20–23) on the counts of every sidereal step', 'delta_alpha: Δα from the day\'s events per local pixel (used); delta_alpha_eq23: Eq. 23 for the acceptance A(θ)'],
      },
      eastWestRatio: {
        columns: { ...steps, ratio: ew.ratio },
        comments: ['(N_E − N_W)/(N_E + N_W) at every sidereal step (review Eq. 22); meridian_ra_deg: right ascension of the meridian'],
      },
    };
  }
  const ews = dets.map((d) => d.eastWest);
  const ratios: Record<string, Float64Array> = {};
  dets.forEach((d) => (ratios[`ratio_${d.observatory.name}`] = d.eastWest.ratio));
  const members = dets.map((d, i) => `${i} = ${d.observatory.name}`).join(', ');
  return {
    eastWest: {
      columns: {
        detector: dets.map((_d, i) => i),
        a1: ews.map((e) => e.a1),
        alpha1_deg: ews.map((e) => e.alpha1Deg),
        d0h: ews.map((e) => e.d0h),
        d6h: ews.map((e) => e.d6h),
        delta_alpha: ews.map((e) => e.deltaAlpha),
        delta_alpha_eq23: dets.map((d) => eastWestStep(d.observatory)),
      },
      comments: [
        'East–West method (review Eq. 20–23) on the counts of every sidereal step, PER DETECTOR: it works in a detector\'s local frame, so a joint view has no joint East–West dipole',
        `detector: ${members}`,
        'delta_alpha: Δα from the day\'s events per local pixel (used); delta_alpha_eq23: Eq. 23 for the acceptance A(θ)',
      ],
    },
    eastWestRatio: {
      columns: { ...steps, ...ratios },
      comments: ['(N_E − N_W)/(N_E + N_W) of each detector at every sidereal step (review Eq. 22); meridian_ra_deg: right ascension of the meridian'],
    },
  };
}

/** Method codes of {@link observedDipolesTable}. */
export const DIPOLE_METHODS = ['input', 'ra_projection_reported', 'ra_projection_rescaled', 'kprime', 'east_west'] as const;

/**
 * Every method's equatorial dipole in one table, one row per method and reconstruction (the
 * numbers of the dipole_*.csv files): the page's dipole download.
 */
export function observedDipolesTable(obs: Observation, inputName: string): CsvTableToWrite {
  const d = obs.dipoles;
  const rows: [number, number, number, number, number, number][] = [];
  const add = (method: (typeof DIPOLE_METHODS)[number], reconstruction: number, a1: number, alphaDeg: number, d0h: number, d6h: number) =>
    rows.push([DIPOLE_METHODS.indexOf(method), reconstruction, a1, alphaDeg, d0h, d6h]);
  add('input', -1, d.input.a1, d.input.alpha1Deg, d.input.d0h, d.input.d6h);
  [d.raProjection.directIntegration, d.raProjection.maximumLikelihood].forEach((r, k) => add('ra_projection_reported', k, r.a1Projected, r.alpha1Deg, r.d0h * r.factor, r.d6h * r.factor));
  [d.raProjection.directIntegration, d.raProjection.maximumLikelihood].forEach((r, k) => add('ra_projection_rescaled', k, r.a1, r.alpha1Deg, r.d0h, r.d6h));
  [d.kPrime.directIntegration, d.kPrime.maximumLikelihood].forEach((r, k) => add('kprime', k, r.a1, r.alpha1Deg, r.d0h, r.d6h));
  const detector: number[] = rows.map(() => -1);
  obs.detectors.forEach((det, i) => {
    add('east_west', -1, det.eastWest.a1, det.eastWest.alpha1Deg, det.eastWest.d0h, det.eastWest.d6h);
    detector.push(i);
  });
  const col = (i: number) => rows.map((r) => r[i]);
  const columns = { method: col(0), reconstruction: col(1), a1: col(2), alpha1_deg: col(3), d0h: col(4), d6h: col(5) };
  return {
    // a joint view has one East–West row per detector, told apart by the detector column (-1: the joint map or the input)
    columns: obs.joint ? { ...columns, detector } : columns,
    comments: [
      `crsky observe: ${inputName} through ${through(obs)}: equatorial dipole by each method (review Eq. 19–28)`,
      ...(obs.joint ? [`detector: ${obs.detectors.map((det, i) => `${i} = ${det.observatory.name}`).join(', ')} (East–West is per detector: it uses a detector's local frame)`] : []),
      `method: ${DIPOLE_METHODS.map((m, i) => `${i} = ${m}`).join(', ')}`,
      '  input: the input map (least squares, full sky); ra_projection_reported: Ã1 of Eq. 24 as experiments report it;',
      `  ra_projection_rescaled: Ã1 / mean cos δ over the field of view (Eq. 25, factor ${d.raProjection.maximumLikelihood.factor}); kprime: Eq. 27–28; east_west: Eq. 20–23 on the counts`,
      'reconstruction: 0 = direct integration, 1 = maximum likelihood, -1 = none (the input map; East–West works on the counts)',
    ],
  };
}
