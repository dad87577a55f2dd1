/**
 * Equatorial dipole amplitudes and phases reported by ground-based observatories: review Table 1
 * (Ahlers & Mertsch 2017, which cites the original papers), as transcribed in the project's
 * shared data file dipole_measurements.csv and checked against the review's text. A1 in units
 * of 1e-4, α1 in degrees, median energy in TeV.
 */
interface DipoleMeasurement {
  readonly observatory: string;
  readonly energyTeV: number;
  readonly a1: number;
  readonly a1Err: number;
  readonly alpha1Deg: number;
  readonly alpha1ErrDeg: number;
}

/** Review Table 1, in its order (A1 and its error in 1e-4). */
export const DIPOLE_MEASUREMENTS: readonly DipoleMeasurement[] = [
  { observatory: 'KASCADE-Grande', energyTeV: 2700, a1: 26.0, a1Err: 10.0, alpha1Deg: 225, alpha1ErrDeg: 22 },
  { observatory: 'KASCADE-Grande', energyTeV: 6100, a1: 29.0, a1Err: 16.0, alpha1Deg: 227, alpha1ErrDeg: 30 },
  { observatory: 'KASCADE-Grande', energyTeV: 33000, a1: 120.0, a1Err: 90.0, alpha1Deg: 254, alpha1ErrDeg: 42 },
  { observatory: 'Baksan', energyTeV: 25, a1: 6.0, a1Err: 2.5, alpha1Deg: 322, alpha1ErrDeg: 22 },
  { observatory: 'Baksan', energyTeV: 75, a1: 4.3, a1Err: 2.4, alpha1Deg: 330, alpha1ErrDeg: 28 },
  { observatory: 'EAS-TOP', energyTeV: 110, a1: 2.6, a1Err: 0.8, alpha1Deg: 6, alpha1ErrDeg: 18 },
  { observatory: 'EAS-TOP', energyTeV: 370, a1: 6.4, a1Err: 2.5, alpha1Deg: 204, alpha1ErrDeg: 22 },
  { observatory: 'MACRO', energyTeV: 30, a1: 8.2, a1Err: 2.7, alpha1Deg: 348, alpha1ErrDeg: 20 },
  { observatory: 'Super-Kamiokande', energyTeV: 12, a1: 6.6, a1Err: 1.0, alpha1Deg: 33, alpha1ErrDeg: 8 },
  { observatory: 'Milagro', energyTeV: 6, a1: 20.0, a1Err: 10.0, alpha1Deg: 10, alpha1ErrDeg: 5 },
  { observatory: 'ARGO-YBJ', energyTeV: 0.98, a1: 6.1, a1Err: 0.1, alpha1Deg: 42, alpha1ErrDeg: 1 },
  { observatory: 'ARGO-YBJ', energyTeV: 1.65, a1: 7.9, a1Err: 0.1, alpha1Deg: 32, alpha1ErrDeg: 1 },
  { observatory: 'ARGO-YBJ', energyTeV: 2.65, a1: 9.8, a1Err: 0.2, alpha1Deg: 37, alpha1ErrDeg: 1 },
  { observatory: 'ARGO-YBJ', energyTeV: 4.21, a1: 10.4, a1Err: 0.3, alpha1Deg: 28, alpha1ErrDeg: 2 },
  { observatory: 'ARGO-YBJ', energyTeV: 7.8, a1: 11.6, a1Err: 0.4, alpha1Deg: 29, alpha1ErrDeg: 2 },
  { observatory: 'ARGO-YBJ', energyTeV: 13.6, a1: 8.7, a1Err: 0.5, alpha1Deg: 37, alpha1ErrDeg: 4 },
  { observatory: 'ARGO-YBJ', energyTeV: 29.1, a1: 3.8, a1Err: 0.5, alpha1Deg: 8, alpha1ErrDeg: 7 },
  { observatory: 'Tibet-ASgamma', energyTeV: 4, a1: 8.3, a1Err: 0.5, alpha1Deg: 14, alpha1ErrDeg: 3 },
  { observatory: 'Tibet-ASgamma', energyTeV: 6.2, a1: 8.8, a1Err: 0.6, alpha1Deg: 24, alpha1ErrDeg: 4 },
  { observatory: 'Tibet-ASgamma', energyTeV: 15, a1: 8.5, a1Err: 0.2, alpha1Deg: 22, alpha1ErrDeg: 2 },
  { observatory: 'Tibet-ASgamma', energyTeV: 50, a1: 5.3, a1Err: 0.4, alpha1Deg: 21, alpha1ErrDeg: 5 },
  { observatory: 'Tibet-ASgamma', energyTeV: 100, a1: 2.7, a1Err: 0.6, alpha1Deg: 327, alpha1ErrDeg: 12 },
  { observatory: 'Tibet-ASgamma', energyTeV: 300, a1: 6.0, a1Err: 1.4, alpha1Deg: 267, alpha1ErrDeg: 14 },
  { observatory: 'Tibet-ASgamma', energyTeV: 1000, a1: 13.0, a1Err: 3.0, alpha1Deg: 287, alpha1ErrDeg: 13 },
  { observatory: 'IceTop', energyTeV: 500, a1: 5.5, a1Err: 0.9, alpha1Deg: 248, alpha1ErrDeg: 10 },
  { observatory: 'IceTop', energyTeV: 1600, a1: 15.5, a1Err: 1.5, alpha1Deg: 284, alpha1ErrDeg: 6 },
  { observatory: 'IceCube', energyTeV: 13, a1: 7.9, a1Err: 0.1, alpha1Deg: 51, alpha1ErrDeg: 1 },
  { observatory: 'IceCube', energyTeV: 24, a1: 6.9, a1Err: 0.2, alpha1Deg: 49, alpha1ErrDeg: 1 },
  { observatory: 'IceCube', energyTeV: 38, a1: 4.7, a1Err: 0.2, alpha1Deg: 46, alpha1ErrDeg: 3 },
  { observatory: 'IceCube', energyTeV: 71, a1: 2.9, a1Err: 0.3, alpha1Deg: 42, alpha1ErrDeg: 6 },
  { observatory: 'IceCube', energyTeV: 130, a1: 1.6, a1Err: 0.4, alpha1Deg: 26, alpha1ErrDeg: 13 },
  { observatory: 'IceCube', energyTeV: 240, a1: 1.1, a1Err: 0.5, alpha1Deg: 286, alpha1ErrDeg: 29 },
  { observatory: 'IceCube', energyTeV: 580, a1: 2.9, a1Err: 0.5, alpha1Deg: 257, alpha1ErrDeg: 10 },
  { observatory: 'IceCube', energyTeV: 1400, a1: 6.2, a1Err: 1.2, alpha1Deg: 259, alpha1ErrDeg: 11 },
  { observatory: 'IceCube', energyTeV: 5400, a1: 4.6, a1Err: 5.2, alpha1Deg: 144, alpha1ErrDeg: 65 },
];

/**
 * HAWC + IceCube all-sky dipole at 10 TeV (ApJ 871, 96, 2019, abstract; docs/diffusion-literature.md
 * Sec. 3): the horizontal components along right ascension 0h and 6h, error 0.04e-4 on each.
 */
export const HAWC_ICECUBE_10TEV = { delta0h: 9.16e-4, delta6h: 7.25e-4, error: 0.04e-4 } as const;
