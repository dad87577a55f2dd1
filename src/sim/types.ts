/**
 * The one Tracker interface every backend implements, and the job / result types it speaks.
 * A backend never decides physics: the job says what to integrate, the end states say where
 * the particles went; the Liouville models never know which backend ran.
 */
import type { FieldData } from '../turbulence/field.ts';
import type { Vec3 } from '../config/vec3.ts';

export type BackendName = 'cpu' | 'webgpu' | 'gpujs';

export interface StopConditions {
  /**
   * Snapshot times T_k in pc of path length, strictly ascending, > 0. Positions and directions
   * are recorded at each T_k exactly (the step before T_k is shortened to land on it).
   */
  readonly timesPc: readonly number[];
  /** Record the first crossing of |x - origin| = R, interpolated onto the sphere. */
  readonly sphereRadiusPc?: number;
  /**
   * Longest integration, pc. Defaults to the last snapshot time. With a sphere and no snapshot
   * times a particle stops at its crossing or at maxTimePc, whichever comes first.
   */
  readonly maxTimePc?: number;
}

export interface TrackJob {
  readonly field: FieldData;
  readonly rigidityPV: number;
  /**
   * Sign of the charge in the equation of motion du/ds = sign · u × B / (1.081 R).
   * Back-tracking a cosmic ray of charge sign s integrates its antiparticle: sign = -s.
   */
  readonly chargeSign: 1 | -1;
  /** Launch point (observer), pc. */
  readonly origin: Vec3;
  /** 3N unit vectors u(0), one per particle. */
  readonly directions: Float64Array;
  /** Fixed step in pc of path length. */
  readonly stepPc: number;
  readonly stop: StopConditions;
}

export interface Snapshot {
  readonly timePc: number;
  /** 3N positions, pc. */
  readonly positions: Float64Array;
  /** 3N unit directions u(T). */
  readonly directions: Float64Array;
}

export interface SphereCrossings {
  readonly radiusPc: number;
  /** 3N crossing points on the sphere (NaN where the particle never crossed). */
  readonly positions: Float64Array;
  /** 3N directions at the crossing (NaN where never crossed). */
  readonly directions: Float64Array;
  /** N path lengths at the crossing, pc (NaN where never crossed). */
  readonly timesPc: Float64Array;
}

export interface EndStates {
  readonly count: number;
  readonly snapshots: readonly Snapshot[];
  readonly sphere: SphereCrossings | null;
  /** Total Boris steps taken by all particles (partial steps count as one). */
  readonly particleSteps: number;
  readonly backend: BackendName;
  /** Device description: CPU model and thread count, or GPU adapter. */
  readonly device: string;
}

export interface TrackProgress {
  /** Fraction of the job done, 0..1. */
  readonly fraction: number;
  /** Particle-steps taken so far. */
  readonly particleSteps: number;
}

export interface Tracker {
  readonly backend: BackendName;
  /** What it runs on, e.g. "2 worker threads, AMD EPYC" or "llvmpipe (LLVM 19, 256 bits)". */
  readonly device: string;
  /**
   * Integrates the job. An aborted `signal` stops it between slices or dispatches: the promise
   * rejects with the signal's reason and the tracker stays usable.
   */
  track(job: TrackJob, onProgress?: (p: TrackProgress) => void, signal?: AbortSignal): Promise<EndStates>;
  /** Releases threads and GPU resources; the tracker cannot be used afterwards. */
  dispose(): Promise<void>;
}

/**
 * The device cannot hold what a job asks for (a grid over the binding limit, out of GPU memory).
 * Callers report it as bad input: the request has to change, not the code.
 */
export class DeviceLimitError extends Error {
  override readonly name = 'DeviceLimitError';
}

/** What a run will ask of a tracker, known from the config before any field is drawn. */
export interface JobShape {
  /** Plane-wave modes per realization (0 for none). */
  readonly modes: number;
  /** Grid nodes per side (0 for no grid; the first grid's for nested grids). */
  readonly gridN: number;
  /** Nested grids: nodes per side of each further grid (finer ones), in order; absent or empty for one grid. */
  readonly finerGridNs?: readonly number[];
  readonly particles: number;
}

export interface Preflight {
  /** Throws DeviceLimitError if a job of this shape cannot run on this tracker's device. */
  preflight(shape: JobShape): void;
}
