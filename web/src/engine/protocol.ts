/**
 * Messages between the page (main thread) and the engine (a dedicated worker, or the page itself
 * where a worker cannot have the GPU). Plain data only: they cross postMessage.
 */
import type { BackendName, JsonObject } from '../../../src/core.ts';

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
  | { readonly type: 'export'; readonly id: number; readonly what: 'fits' | 'csv'; readonly snapshot: number };

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
}

export type FromEngine =
  | { readonly type: 'state'; readonly state: EngineState; readonly message?: string }
  | { readonly type: 'backend'; readonly backend: BackendName; readonly device: string; readonly reason: string }
  | { readonly type: 'progress'; readonly progress: Progress }
  | { readonly type: 'spectra'; readonly lmax: number; readonly stages: readonly StageSpectrum[]; readonly ensemble: readonly EnsembleSpectrum[] }
  | { readonly type: 'raster'; readonly raster: Raster }
  | { readonly type: 'export'; readonly id: number; readonly name: string; readonly mime: string; readonly data: ArrayBuffer | string }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
