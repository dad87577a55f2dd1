/**
 * Messages between the page (main thread) and the engine (a dedicated worker, or the page itself
 * where a worker cannot have the GPU). Plain data only: they cross postMessage.
 */
import type { BackendName, JsonObject, ObservedFieldOfView } from '../../../src/core.ts';

/** Which tracker to open: a backend first (then the rest of the chain), or the chain itself. */
export type BackendRequest = 'auto' | BackendName;
export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'webgpu', 'gpujs', 'cpu'];

/** Which map the view shows: the latest sky-forming stage, or the ensemble mean of a snapshot. */
export type MapSource = 'auto' | 'stage' | number;

export interface ViewOptions {
  readonly source: MapSource;
  readonly frame: 'equatorial' | 'galactic';
  readonly removeDipole: boolean;
  /** Top-hat radius, degrees; 0 for none. */
  readonly smoothDeg: number;
  /** Raster size, device pixels. */
  readonly width: number;
  readonly height: number;
}

export type ToEngine =
  | { readonly type: 'start'; readonly config: JsonObject; readonly backend: BackendRequest }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'reset' }
  | { readonly type: 'view'; readonly view: ViewOptions }
  | { readonly type: 'export'; readonly id: number; readonly what: 'fits' | 'csv'; readonly snapshot: number }
  | { readonly type: 'observe'; readonly request: ObserveRequest }
  | { readonly type: 'export-observed'; readonly id: number; readonly what: ObservedFile; readonly observatory: string };

/** What the observatory view asks for: the ensemble mean of a snapshot through these presets. */
export interface ObserveRequest {
  /** Views in the page's order: preset names (OBSERVATORY_NAMES) and joint views ("hawc+icecube"); empty for none. */
  readonly observatories: readonly string[];
  /** Poisson events in total, or null: the counts are their expectation (no noise), as `crsky observe` without --events. */
  readonly events: number | null;
  /** Seed of the Poisson draws (`crsky observe --seed`). */
  readonly seed: number;
  /** Which snapshot's ensemble mean: an index, or 'last' (`crsky observe` on a run directory takes the last). */
  readonly snapshot: number | 'last';
  /** Raster size of each observed map, device pixels. */
  readonly width: number;
  readonly height: number;
}

/** The page's downloads of an observation: observed.fits, cl.csv and all dipoles in one table. */
export type ObservedFile = 'fits' | 'cl' | 'dipoles';

export interface DipoleEstimate {
  readonly a1: number;
  /** Phase α1 in degrees, as the method returns it. */
  readonly alpha1Deg: number;
}

/** The dipoles `crsky observe` prints: every method on the maximum-likelihood map, and K′ on direct integration. */
export interface ObservedDipoles {
  readonly input: DipoleEstimate;
  readonly raReported: DipoleEstimate;
  readonly raRescaled: DipoleEstimate;
  /** Eq. 25's factor on the pixels (mean cos δ over the field of view). */
  readonly raFactor: number;
  readonly kPrime: DipoleEstimate;
  /**
   * The East–West dipole of each detector's own counts (its local frame): one for an observatory,
   * one per member of a joint view, which has no joint East–West dipole (docs/observatory.md).
   */
  readonly eastWest: readonly (DipoleEstimate & { readonly detector: string })[];
  readonly kPrimeDirect: DipoleEstimate;
}

/** One view of the map (an observatory, or a joint view "a+b"): what the page shows of an Observation. */
export interface ObservedSummary {
  /** The observatory's name, or the members' joined by "+" for a joint view. */
  readonly name: string;
  readonly joint: boolean;
  /** Each detector (the one, or every member in order): its name and its events over the day. */
  readonly detectors: readonly { readonly name: string; readonly totalEvents: number }[];
  /** Which state of the view it belongs to (ObservedStatus.version). */
  readonly version: number;
  readonly nside: number;
  readonly nTimes: number;
  /** The detector's, or the union of the members' (`bands`: the nominal bands, overlapping ones merged). */
  readonly fieldOfView: ObservedFieldOfView;
  readonly totalEvents: number;
  readonly poisson: boolean;
  readonly mlIterations: number;
  readonly spectrum: {
    readonly lmax: number;
    readonly pseudoCl: readonly number[];
    readonly noise: readonly number[];
    readonly fullSky: readonly number[];
    readonly binWidth: number;
    readonly inputCl: readonly number[];
    readonly noiseEq31: number;
    readonly noiseEq32: number;
  };
  readonly dipoles: ObservedDipoles;
  /** The maximum-likelihood I − 1, equatorial, grey outside the field of view. */
  readonly raster: Raster;
}

/**
 * Where the observatory view stands. `version` changes with the map or the request; the
 * observations of that version follow as 'observation' messages.
 */
export interface ObservedStatus {
  readonly status: 'none' | 'waiting' | 'galactic' | 'observing' | 'ready' | 'error';
  readonly message: string;
  readonly version: number;
  /** The request of this version: observatories in order, events (null: none) and seed. */
  readonly observatories: readonly string[];
  readonly events: number | null;
  readonly seed: number;
  /** The observed map: its label and how many realizations its mean holds (0: none yet). */
  readonly input: { readonly label: string; readonly realizations: number; readonly title: string };
}

export type EngineState = 'idle' | 'opening' | 'running' | 'paused' | 'done' | 'error';

/** C_l of one sky-forming stage of realization 0. */
export interface StageSpectrum {
  /** Ω·T of the stage (NaN for sphere stages) and the sphere radius (NaN for times). */
  readonly omegaT: number;
  readonly radiusPc: number;
  readonly label: string;
  readonly cl: readonly number[];
  readonly noise: number;
}

/** The ensemble's C_l of one snapshot: the columns of cl_<label>.csv the plot needs. */
export interface EnsembleSpectrum {
  readonly label: string;
  readonly omegaT: number | null;
  readonly realizations: number;
  readonly mean: readonly number[];
  readonly stderr: readonly number[];
  readonly clHat: readonly number[];
  readonly error: readonly number[];
  readonly noise: number;
}

export interface Progress {
  /** Ω·T the particles have reached in the running job (NaN for sphere jobs). */
  readonly omegaT: number;
  /** What the running job is: "stage 3/6, Ω·T = 12.5" or "realization 2/4, Ω·T up to 50". */
  readonly job: string;
  readonly realizationsDone: number;
  readonly realizations: number;
  /** Fraction of the whole run done, 0..1 (stages weighed by their length). */
  readonly fraction: number;
  readonly particleSteps: number;
  /** Particle-steps per second over the running job. */
  readonly stepsPerSecond: number;
}

export interface Raster {
  readonly width: number;
  readonly height: number;
  /** One value per raster pixel (row-major, top row first), NaN outside the sky ellipse. */
  readonly values: Float32Array;
  /** The same through the colour map (view/colour.ts), RGBA: the page only puts it on the canvas. */
  readonly rgba: Uint8ClampedArray;
  /** Symmetric colour range: the colour bar spans [-range, range]. */
  readonly range: number;
  /** What the map is, e.g. "ensemble mean of 2 realizations, Ω·T = 50, dipole removed". */
  readonly title: string;
  readonly frame: 'equatorial' | 'galactic';
  /** Declinations (or latitudes) to outline, degrees: an observatory's field of view. */
  readonly outlineLatsDeg?: readonly number[];
  /** The colour bar's label, when not δI. */
  readonly barLabel?: string;
}

export type FromEngine =
  | { readonly type: 'state'; readonly state: EngineState; readonly message?: string }
  | { readonly type: 'backend'; readonly backend: BackendName; readonly device: string; readonly reason: string }
  | { readonly type: 'progress'; readonly progress: Progress }
  | { readonly type: 'spectra'; readonly lmax: number; readonly stages: readonly StageSpectrum[]; readonly ensemble: readonly EnsembleSpectrum[] }
  | { readonly type: 'raster'; readonly raster: Raster }
  | { readonly type: 'export'; readonly id: number; readonly name: string; readonly mime: string; readonly data: ArrayBuffer | string }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | { readonly type: 'observed'; readonly observed: ObservedStatus }
  | { readonly type: 'observation'; readonly observation: ObservedSummary };
