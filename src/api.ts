/**
 * The run functions of the programmatic API in Node: a run described as the CLI describes it
 * (preset, partial config, `key=value` settings), resolved by the same code, with the tracker
 * opened (and closed) here unless one is given, and mode-table files read relative to `baseDir`.
 *
 *   import { simulate } from 'crsky';
 *   const res = await simulate({ preset: 'quick', config: { particles: { nside: 16 } } });
 *   res.ensemble.maps.at(-1)!.cl.mean   // <C_l> at the last snapshot
 */
import type { Config, ConfigInput } from './config/schema.ts';
import { resolveConfig } from './config/resolve.ts';
import type { JsonObject } from './config/resolve.ts';
import type { FieldInputs } from './turbulence/create.ts';
import type { Tracker } from './sim/types.ts';
import { createTracker, type BackendChoice, type CreatedTracker } from './sim/node/backends.ts';
import { readFieldInputs } from './io/fieldInputs.ts';
import type { RunProgress } from './pipeline/progress.ts';
import { runSimulation, type SimulationResult } from './pipeline/simulate.ts';
import { trackerWorkload } from './pipeline/estimate.ts';
import type { WorkloadEstimate } from './sim/webgpu/cost.ts';
import type { RealizationResult } from './pipeline/realization.ts';
import { planDiffusion, runDiffusion, type DiffusionResult } from './pipeline/diffusion.ts';
import { nodeRunLimits } from './output/files.ts';

/** Every field optional at every depth: a partial config, merged over the preset and defaults. */
export type PartialConfig<T = ConfigInput> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: PartialConfig<T[K]> } : T;

/** A run as the CLI takes it: --preset, a config (--config's content) and --set settings. */
export interface RunRequest {
  readonly preset?: string;
  readonly config?: PartialConfig;
  /** `key.path=value` settings, as --set. */
  readonly set?: readonly string[];
}

/** The validated config of a request (throws ConfigError naming the field, value and range). */
export function resolveRequest(request: RunRequest | Config): Config {
  if ('field' in request && 'particles' in request && 'tracking' in request) return resolveConfig({ config: request as unknown as JsonObject }).config;
  const r = request as RunRequest;
  return resolveConfig({ preset: r.preset, config: r.config as JsonObject | undefined, sets: r.set }).config;
}

/**
 * Opens a tracker: 'auto' (WebGPU if an adapter is found, else the float64 CPU tracker), 'cpu' or
 * 'webgpu'. With `workload: trackerWorkload(config)`, 'auto' on a CPU adapter (lavapipe) takes the
 * cpu tracker when it is estimated clearly faster (docs/benchmark.md, "Small runs").
 */
export function openTracker(backend: BackendChoice = 'auto', options: { threads?: number; workload?: WorkloadEstimate } = {}): Promise<CreatedTracker> {
  return createTracker(backend, options);
}

interface TrackerChoice {
  /** A tracker to use (left open); else one is opened for the call and closed after it. */
  readonly tracker?: Tracker;
  /** Backend when no tracker is given (default: the config's tracking.backend). */
  readonly backend?: BackendChoice;
  /** CPU threads when a CPU tracker is opened (default: the config's tracking.workers, else all cores). */
  readonly threads?: number;
  /** Directory relative file names in the config resolve against (default: the working directory). */
  readonly baseDir?: string;
  /** Field data instead of reading the files the config names. */
  readonly inputs?: FieldInputs;
  readonly onProgress?: (p: RunProgress) => void;
  readonly signal?: AbortSignal;
}

async function withTracker<T>(config: Config, o: TrackerChoice, run: (tracker: Tracker) => Promise<T>, workload?: WorkloadEstimate): Promise<T> {
  if (o.tracker) return run(o.tracker);
  const { tracker } = await createTracker(o.backend ?? config.tracking.backend, { threads: o.threads ?? config.tracking.workers, workload });
  try {
    return await run(tracker);
  } finally {
    await tracker.dispose();
  }
}

export interface SimulateOptions extends TrackerChoice {
  /** Realization indices to run (default all). */
  readonly realizations?: readonly number[];
  readonly onRealization?: (r: RealizationResult) => void;
}

/** Back-tracks the sky through the config's field realizations: maps, C_l, dipoles, diffusion. */
export async function simulate(request: RunRequest | Config, options: SimulateOptions = {}): Promise<SimulationResult> {
  const config = resolveRequest(request);
  const inputs = options.inputs ?? (await readFieldInputs(config, options.baseDir ?? process.cwd()));
  return withTracker(config, options, (tracker) =>
    runSimulation(config, tracker, { inputs, realizations: options.realizations, onProgress: options.onProgress, onRealization: options.onRealization, signal: options.signal, limits: nodeRunLimits() }),
    trackerWorkload(config),
  );
}

export interface DiffusionRunOptions extends TrackerChoice {
  /** Particles per realization, launched isotropically (default 256). */
  readonly particles?: number;
  readonly rgOverLc?: number;
  readonly tMinPc?: number;
  readonly tMaxPc?: number;
  /** Log-spaced snapshot times (default 16). */
  readonly nTimes?: number;
}

/** The running diffusion tensor D(t) parallel and perpendicular to B0, as `crsky diffusion`. */
export async function diffusion(request: RunRequest | Config, options: DiffusionRunOptions = {}): Promise<DiffusionResult> {
  const config = resolveRequest(request);
  const inputs = options.inputs ?? (await readFieldInputs(config, options.baseDir ?? process.cwd()));
  const plan = planDiffusion(config, { rgOverLc: options.rgOverLc, tMinPc: options.tMinPc, tMaxPc: options.tMaxPc, nTimes: options.nTimes ?? 16, inputs, particles: options.particles ?? 256, limits: nodeRunLimits() });
  return withTracker(plan.config, options, (tracker) => runDiffusion(plan, tracker, { particles: options.particles ?? 256, onProgress: options.onProgress, signal: options.signal }));
}
