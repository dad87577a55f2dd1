/**
 * Picks the tracker a run uses and says which one runs and why (Node: WebGPU from the `webgpu`
 * package, the float64 CPU tracker as the fallback; a browser build gets gpu.js later).
 *
 *   const { tracker, reason } = await createTracker('auto', { threads: 2 });
 *   // reason: "webgpu: adapter found (llvmpipe: Mesa 25.0.7 ... (mesa software))"
 *   //     or "webgpu: no adapter (install Mesa's Vulkan driver: ..., see README) — using cpu (...)"
 */
import { hasNestedGrids } from '../../turbulence/field.ts';
import { createCpuTracker } from './cpu.ts';
import { DeviceLimitError, type Tracker } from '../types.ts';
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
}

export interface CreatedTracker {
  readonly tracker: Tracker;
  /** One line: which backend runs, on what, and why that one. */
  readonly reason: string;
}

/** What to do when WebGPU finds no adapter in Node: the driver lavapipe provides one on any CPU. */
export const NO_ADAPTER_ADVICE =
  "install Mesa's Vulkan driver: apt-get install -t bookworm-backports mesa-vulkan-drivers, see README";

export async function createTracker(name: BackendChoice, options: CreateTrackerOptions = {}): Promise<CreatedTracker> {
  if (name === 'cpu') {
    const tracker = createCpuTracker({ threads: options.threads });
    return { tracker, reason: `cpu: requested (${tracker.device})` };
  }
  if (name !== 'auto' && name !== 'webgpu') throw new Error(`unknown backend '${String(name)}' (auto, cpu or webgpu)`);
  let webgpu: WebGpuTracker;
  try {
    const env = { gpu: options.gpu ?? (await createNodeGpu()), loadShader: readShaderFile };
    webgpu = await WebGpuTracker.create(env, options.webgpu, NO_ADAPTER_ADVICE);
  } catch (e) {
    if (name === 'webgpu') throw e;
    const tracker = createCpuTracker({ threads: options.threads });
    const why = e instanceof NoWebGpuAdapterError ? e.message : `webgpu: failed to start (${e instanceof Error ? e.message : String(e)})`;
    return { tracker, reason: `${why} — using cpu (${tracker.device})` };
  }
  return { tracker: refuseNestedGrids(webgpu), reason: `webgpu: ${name === 'webgpu' ? 'requested' : 'adapter found'} (${webgpu.device})` };
}

/**
 * The WebGPU kernels sample one grid; until they sum nested grids (GridTurbulence.finer), such a
 * field is refused with an error instead of running on the coarsest grid alone.
 */
function refuseNestedGrids<T extends Tracker>(tracker: T): T {
  const track = tracker.track.bind(tracker);
  tracker.track = (job, onProgress, signal) =>
    hasNestedGrids(job.field)
      ? Promise.reject(new DeviceLimitError(`${tracker.backend}: nested grids run on the cpu backend only so far (tracking.backend: 'cpu')`))
      : track(job, onProgress, signal);
  return tracker;
}
