/**
 * Observatory presets. Every number has its source next to it; "review" is Ahlers & Mertsch,
 * "Origin of small-scale anisotropies in Galactic cosmic rays" (shared/reference), Sec. 2 and
 * Table 1. Latitudes are given to the degree because that is what the review states (the
 * sidereal-day exposure depends on Φ only through the field of view and the exposure profile,
 * so a fraction of a degree moves the FOV edges by the same fraction).
 *
 * The acceptance shape A(θ) is flat within the zenith cut for every preset: neither the review
 * nor a paper we could check states A(θ) as a function; flat is the "uniform coverage" the
 * review assumes for Eq. 27. Give a table in a JSON definition for anything else.
 */
import type { Observatory } from './definition.ts';

export interface ObservatoryPreset {
  readonly observatory: Observatory;
  readonly description: string;
  /** Where each number comes from. */
  readonly sources: { readonly latitude: string; readonly zenithMax: string };
  /** False when a number could not be checked against a paper; the CLI says so when it is used. */
  readonly verified: boolean;
  /** A published data set's size, for orientation (`--events`), with its source; absent when the review gives none. */
  readonly referenceEvents?: { readonly count: number; readonly source: string };
}

const flat = { kind: 'flat' } as const;

export const OBSERVATORY_PRESETS: Readonly<Record<string, ObservatoryPreset>> = {
  icecube: {
    observatory: { name: 'icecube', latitudeDeg: -90, zenithMaxDeg: 65, acceptance: flat },
    description: 'IceCube (in-ice muons), geographic South Pole; FOV δ < −25°',
    sources: {
      latitude: 'review Sec. 2 ("The IceCube observatory at the Southpole") and Table 1 ("Southpole")',
      zenithMax: 'review Sec. 2 ("uses a zenith cut of 65° and hence observed ... δ < −25°") and Table 1',
    },
    verified: true,
    referenceEvents: { count: 3.2e11, source: 'review Sec. 2: six years, median energy 14 TeV (its ref. [46])' },
  },
  icetop: {
    observatory: { name: 'icetop', latitudeDeg: -90, zenithMaxDeg: 55, acceptance: flat },
    description: 'IceTop (surface air-shower array of IceCube), geographic South Pole; FOV δ < −35°',
    sources: {
      latitude: 'review Table 1 ("Southpole")',
      zenithMax: 'review Table 1 (θ_max = 55°, its ref. [50]); Fig. 3 caption: FOV "δ ≲ 35°", i.e. −35° = −90° + 55°',
    },
    verified: true,
  },
  hawc: {
    observatory: { name: 'hawc', latitudeDeg: 19, zenithMaxDeg: 45, acceptance: flat },
    description: 'HAWC, Sierra Negra (Mexico); FOV −26° < δ < 64°',
    sources: {
      latitude: 'review Sec. 2 and Fig. 2 caption ("latitude of Φ ≃ 19°")',
      zenithMax: 'review Sec. 2 and Fig. 2 caption ("zenith cut of 45° ... −26° ≲ δ ≲ 64°")',
    },
    verified: true,
    referenceEvents: { count: 4.9e10, source: 'review Fig. 2 caption: 113 days, median energy 2 TeV (its ref. [39])' },
  },
  tibet: {
    observatory: { name: 'tibet', latitudeDeg: 30, zenithMaxDeg: 45, acceptance: flat },
    description: 'Tibet ASγ, Yangbajing (Tibet); FOV −15° < δ < 75° (the review quotes −10° ≲ δ ≲ 70°)',
    sources: {
      latitude: 'review Sec. 2 ("Tibet array at geographical latitude of 30° N") and Table 1 ("30°N 91°E")',
      zenithMax: 'review Sec. 2 ("zenith cut of θ_max = 45°") and Table 1 (45° for its ref. [30]; 60° for ref. [61])',
    },
    verified: true,
    referenceEvents: { count: 4.9e10, source: 'review Sec. 2: nine years, median energy 5 TeV' },
  },
  'argo-ybj': {
    observatory: { name: 'argo-ybj', latitudeDeg: 30, zenithMaxDeg: 45, acceptance: flat },
    description: 'ARGO-YBJ, Yangbajing (Tibet), same site as Tibet ASγ',
    sources: {
      latitude: 'review Table 1 ("30°N 91°E")',
      zenithMax: 'review Table 1 (θ_max = 45°, its ref. [56])',
    },
    verified: true,
  },
  'lhaaso-km2a': {
    observatory: { name: 'lhaaso-km2a', latitudeDeg: 29.36, zenithMaxDeg: 50, acceptance: flat },
    description: 'LHAASO-KM2A, Mt. Haizi, Daocheng (Sichuan), 4410 m a.s.l. — latitude and zenith cut NOT verified',
    sources: {
      // NOT VERIFIED: LHAASO is not in the review; the search tools gave the site (Mt. Haizi,
      // 4410 m, IHEP's site page) but no text with its latitude or the zenith cut of a KM2A
      // anisotropy analysis. 29.36° N (29°21′ N) and θ < 50° are recalled from LHAASO papers,
      // not checked: confirm them before quoting a result that depends on them.
      latitude: 'NOT VERIFIED: 29.36° N (29°21′ N) recalled from LHAASO papers; the review does not list LHAASO',
      zenithMax: 'NOT VERIFIED: θ < 50° recalled from LHAASO-KM2A analyses; no paper text could be checked',
    },
    verified: false,
  },
};

export const OBSERVATORY_NAMES: readonly string[] = Object.keys(OBSERVATORY_PRESETS);
