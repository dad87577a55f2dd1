/**
 * Presets: partial configs, nothing more. Each says which physical setup it mirrors and which
 * length a parameter means (docs/physics.md Sec. 3.2 and 9).
 */
import type { ConfigInput } from './schema.ts';
import { rigidityForGyroradiusPV } from './units.ts';

export interface Preset {
  readonly description: string;
  readonly config: ConfigInput;
}

export const PRESETS: Readonly<Record<string, Preset>> = {
  quick: {
    description:
      'Seconds on a laptop CPU: N_side 8, 64 modes of Kolmogorov turbulence (1-100 pc, L_c ≈ 21 pc) on B0 = 1 uG, ' +
      'r_g = 2 pc, back-tracked to Omega·T = 50, gradient along B0, 2 realizations.',
    config: {
      seed: 1,
      realizations: 2,
      field: {
        b0UG: 1,
        b0Direction: [0, 0, 1],
        turbulence: { brmsUG: 1, spectrum: { kind: 'kolmogorov', lMinPc: 1, lMaxPc: 100 }, method: 'modes', modes: 64 },
      },
      particles: { rigidityPV: rigidityForGyroradiusPV(2, 1), nside: 8 },
      tracking: { timesOmega: [10, 50] },
      liouville: { model: 'fixed-time', gradient: { direction: [0, 0, 1], magnitudePerPc: 1e-3 }, diffusion: 'measured' },
    },
  },
  'giacinti-sigl-2012': {
    description:
      'Giacinti & Sigl 2012 (review Fig. 13): isotropic Kolmogorov turbulence, outer scale 150 pc, B_rms = 4 uG, no ' +
      'regular field, 10 PV (r_g = 2.7 pc), gradient enforced on a sphere of 100 pc; maps are shown after dipole ' +
      'subtraction. Change rigidityPV to 50 and sphereRadiusPc to 50 or 25 for the other panels.',
    config: {
      seed: 2012,
      realizations: 1,
      field: {
        b0UG: 0,
        turbulence: { brmsUG: 4, spectrum: { kind: 'kolmogorov', lMinPc: 0.5, lMaxPc: 150 }, method: 'modes', modes: 256 },
      },
      particles: { rigidityPV: 10, nside: 64 },
      tracking: { sphereRadiusPc: 100, maxTimePc: 1e5 },
      liouville: {
        model: 'sphere',
        gradient: { direction: { frame: 'galactic', lonDeg: 0, latDeg: 0 }, magnitudePerPc: 1e-3 },
      },
    },
  },
  'ahlers-mertsch-2015': {
    description:
      'Ahlers & Mertsch 2015 (review Fig. 14/15): B0 = 1 uG plus turbulence with <dB^2>/B0^2 = 1 and spectrum ' +
      '∝ k^2/(1+(kL)^(11/3)) with bend-over L = 10 pc (the measured correlation length is ~1.5 L), r_g = 0.1 L, ' +
      'back-tracked to Omega·T = 10, 30, 100, 300; gradient parallel to B0, K from the measured diffusion tensor.',
    config: {
      seed: 2015,
      realizations: 8,
      field: {
        b0UG: 1,
        b0Direction: [0, 0, 1],
        turbulence: {
          brmsUG: 1,
          spectrum: { kind: 'ahlers-mertsch', lMinPc: 0.5, lMaxPc: 1000, bendoverPc: 10, gamma: 11 / 3 },
          method: 'modes',
          modes: 256,
        },
      },
      particles: { rigidityPV: rigidityForGyroradiusPV(1, 1), nside: 64 },
      tracking: { timesOmega: [10, 30, 100, 300] },
      liouville: { model: 'fixed-time', gradient: { direction: [0, 0, 1], magnitudePerPc: 1e-3 }, diffusion: 'measured' },
    },
  },
};
