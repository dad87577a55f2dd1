/**
 * Picks the tracker a run uses and says which one runs and why (Node: WebGPU from the `webgpu`
 * package, the float64 CPU tracker as the fallback; a browser build gets gpu.js later).
 *
 *   const { tracker, reason } = await createTracker('auto', { threads: 2, workload: trackerWorkload(config) });
 *   // reason: "webgpu: adapter found (NVIDIA H100 ...)"
 *   //     or "cpu: estimated 0.7 s against 2.9 s on webgpu (llvmpipe ..., 64 modes: an inline kernel per realization, ...)"
 *   //     or "webgpu: no adapter (install Mesa's Vulkan driver: ..., see README) — using cpu (...)"
 *
 * On a real GPU 'auto' always takes webgpu. On a CPU adapter (lavapipe) it compares estimates of
 * the whole run when the caller gives the workload: the webgpu kernels' compile + step time
 * (webgpu/cost.ts) against the float64 cpu tracker's step time (CPU_COST below).
 */
import os from 'node:os';
import { LANES_MIN_MODES, lavapipeSeconds, prefersQuickCompile, type WorkloadEstimate } from '../webgpu/cost.ts';
import { createCpuTracker } from './cpu.ts';
import type { BackendName, Tracker } from '../types.ts';
import { createNodeGpu, readShaderFile } from './webgpu.ts';
import { NoWebGpuAdapterError, WebGpuTracker, type WebGpuTrackerOptions } from '../webgpu/tracker.ts';

export type BackendChoice = 'auto' | 'cpu' | 'webgpu';

export interface CreateTrackerOptions {
  /** CPU tracker worker threads (default: all cores). */
  readonly threads?: number;
  /** WebGPU tracker options (batch size, dispatch length, mode-table placement). */
  readonly webgpu?: WebGpuTrackerOptions;
  /** The GPU object to ask for an adapter; default: Dawn from the `webgpu` package. For tests. */
  readonly gpu?: GPU;
  /**
   * The run ahead (pipeline/estimate.ts trackerWorkload(config)): with it, 'auto' on a CPU adapter picks the backend
   * with the smaller estimated time instead of always webgpu.
   */
  readonly workload?: WorkloadEstimate;
  /**
   * The backend a run's finished realizations ran on (resume, shards): 'auto' keeps to it (webgpu
   * when an adapter is found), so one run does not switch backends with the cores a call gets.
   */
  readonly previous?: BackendName;
  /**
   * On lavapipe, skip LLVM's optimization passes (faster compiles, ~10-15 % slower steps; node/webgpu.ts
   * lavapipeQuickCompile). Default: when the workload's estimate is mostly compiling
   * (cost.ts prefersQuickCompile); benchmarks of the steady state pass false.
   */
  readonly quickCompile?: boolean;
}

export interface CreatedTracker {
  readonly tracker: Tracker;
  /** One line: which backend runs, on what, and why that one. */
  readonly reason: string;
}

/** What to do when WebGPU finds no adapter in Node: the driver lavapipe provides one on any CPU. */
export const NO_ADAPTER_ADVICE =
  "install Mesa's Vulkan driver: apt-get install -t bookworm-backports mesa-vulkan-drivers, see README";

/**
 * The float64 cpu tracker on the development machine (docs/benchmark.md, "Small runs"), per
 * worker thread: seconds per particle-step = perStep + perMode · modes for plane waves, grid for
 * the 256³ grid (trilinear; B0 only is cheaper), and the time to start the workers. Measured on
 * the CRPropa workload, CPU-normalized: 2.75e6, 7.7e5 and 1.95e5 particle-steps/s with 2 threads
 * at 64, 256 and 1024 modes, 1.8e7 on the grid.
 */
export const CPU_COST = {
  perStepSeconds: 1.1e-7,
  perModeSeconds: 9.7e-9,
  gridStepSeconds: 1.1e-7,
  startSeconds: 0.1,
} as const;

/** 'auto' on a CPU adapter takes the cpu tracker only when its estimate is this many times below webgpu's (cold). */
export const CPU_MARGIN = 2;

/** Estimated seconds of a run on the cpu tracker with `threads` workers (0: the calling thread). */
export function cpuSeconds(w: WorkloadEstimate, threads: number): number {
  const perStep = w.modes > 0 ? CPU_COST.perStepSeconds + CPU_COST.perModeSeconds * w.modes : CPU_COST.gridStepSeconds * (w.grids ?? 1);
  return CPU_COST.startSeconds + (w.fields * w.particleSteps * perStep) / Math.max(1, threads);
}

export async function createTracker(name: BackendChoice, options: CreateTrackerOptions = {}): Promise<CreatedTracker> {
  if (name === 'cpu') {
    const tracker = createCpuTracker({ threads: options.threads });
    return { tracker, reason: `cpu: requested (${tracker.device})` };
  }
  if (name === 'auto' && options.previous === 'cpu') {
    const tracker = createCpuTracker({ threads: options.threads });
    return { tracker, reason: `cpu: the run's finished realizations ran on cpu (${tracker.device})` };
  }
  if (name !== 'auto' && name !== 'webgpu') throw new Error(`unknown backend '${String(name)}' (auto, cpu or webgpu)`);
  const w = options.workload;
  let webgpu: WebGpuTracker;
  try {
    const kernels = w ? (w.modes > 0 ? 'modes' : 'grid') : undefined;
    // subgroups only for tables that may be spread over them (cost.ts compiledForm)
    const subgroups = options.webgpu?.subgroups ?? (w ? w.modes >= LANES_MIN_MODES : true);
    // before the driver starts: lavapipe reads GALLIVM_PERF once (a GPU driver ignores it)
    const quickCompile = options.quickCompile ?? (w !== undefined && prefersQuickCompile(w, subgroups));
    const env = { gpu: options.gpu ?? (await createNodeGpu({ kernels, quickCompile })), loadShader: readShaderFile };
    webgpu = await WebGpuTracker.create(env, { ...options.webgpu, subgroups }, NO_ADAPTER_ADVICE);
  } catch (e) {
    if (name === 'webgpu') throw e;
    const tracker = createCpuTracker({ threads: options.threads });
    const why = e instanceof NoWebGpuAdapterError ? e.message : `webgpu: failed to start (${e instanceof Error ? e.message : String(e)})`;
    return { tracker, reason: `${why} — using cpu (${tracker.device})` };
  }
  // the value in effect: GALLIVM_PERF is only ever set while unset and before the driver starts (node/webgpu.ts);
  // gpu.detail says 'quick compile' itself (cost.ts lavapipeSeconds)
  const quick = webgpu.cpuAdapter && /\bnopt\b/.test(process.env.GALLIVM_PERF ?? '');
  const nopt = 'GALLIVM_PERF=nopt';
  if (name === 'webgpu') return { tracker: webgpu, reason: `webgpu: requested (${webgpu.device}${quick ? `; quick compile, ${nopt}` : ''})` };
  if (options.previous === 'webgpu') return { tracker: webgpu, reason: `webgpu: the run's finished realizations ran on webgpu (${webgpu.device})` };
  if (!webgpu.cpuAdapter || !w) return { tracker: webgpu, reason: `webgpu: adapter found (${webgpu.device})` };
  const threads = options.threads ?? os.availableParallelism();
  const gpu = lavapipeSeconds(w, webgpu.subgroups, quick);
  const cpu = cpuSeconds(w, threads);
  const estimate = `${w.fields} × ${w.particleSteps.toExponential(2)} particle-steps`;
  // The webgpu estimate assumes every kernel compiles; Mesa's shader cache spares that when the
  // same realizations run again, and then webgpu is the faster one by far (quick preset here:
  // cold 2.9 s against the cpu tracker's 2.7 s, warm 1.6 s). So cpu only when it is estimated at
  // least CPU_MARGIN times faster than a cold webgpu run: tiny runs, where compiling dominates.
  if (gpu.seconds <= CPU_MARGIN * cpu) {
    return { tracker: webgpu, reason: `webgpu: estimated ${gpu.seconds.toFixed(1)} s against ${cpu.toFixed(1)} s on cpu for ${estimate} (${webgpu.device}; ${gpu.detail}${quick ? `, ${nopt}` : ''})` };
  }
  await webgpu.dispose();
  const tracker = createCpuTracker({ threads: options.threads });
  return {
    tracker,
    reason: `cpu: estimated ${cpu.toFixed(1)} s against ${gpu.seconds.toFixed(1)} s on webgpu for ${estimate} (${tracker.device}; webgpu would run on ${webgpu.device}, ${gpu.detail})`,
  };
}
