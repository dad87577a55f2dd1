/**
 * Opens the tracker the page runs, in this order unless one is asked for first: webgpu
 * (navigator.gpu, the WGSL from shaders/ bundled as text), gpujs (gpu.js on WebGL2), then the
 * float64 cpu tracker (a pool of Web Workers where the page is cross-origin isolated, so that
 * SharedArrayBuffer exists; else in the engine's own thread). Says which one runs and why.
 */
import { GPU } from 'gpu.js';
import {
  CpuTracker,
  GpuJsTracker,
  WebGpuTracker,
  browserGpu,
  type BackendName,
  type Config,
  type GpuJsInstance,
  type SliceWorker,
  type SliceRequest,
  type SliceResult,
  type Tracker,
} from '../../../src/core.ts';
import { loadShader } from './shaders.ts';
import type { BackendRequest } from './protocol.ts';

export interface OpenedTracker {
  readonly tracker: Tracker;
  /** One line: which backend runs, on what, and why that one. */
  readonly reason: string;
}

const IN_WORKER = typeof document === 'undefined';
const ORDER: readonly BackendName[] = ['webgpu', 'gpujs', 'cpu'];
const NO_ADAPTER = 'the browser gave no WebGPU adapter (Chromium on Linux: --enable-unsafe-webgpu)';
/** A WebGPU or WebGL start that has not answered by then is taken as failed. */
const OPEN_TIMEOUT_MS = 20_000;

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${OPEN_TIMEOUT_MS / 1000} s`)), OPEN_TIMEOUT_MS))]);
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** A Web Worker of the cpu tracker's pool (cpuWorker.ts runs integrateSlice). */
function spawnSliceWorker(): SliceWorker {
  const w = new Worker(new URL('../cpuWorker.ts', import.meta.url), { type: 'module' });
  return {
    post: (request: SliceRequest) => w.postMessage(request),
    listen(onResult, onError) {
      w.onmessage = (e: MessageEvent<SliceResult>) => onResult(e.data);
      w.onerror = (e) => onError(new Error(e.message || 'cpu worker failed'));
    },
    terminate: async () => w.terminate(),
  };
}

function openCpu(): CpuTracker {
  const cores = navigator.hardwareConcurrency || 1;
  // the pool shares the field and directions through SharedArrayBuffer: cross-origin isolation only
  const threads = globalThis.crossOriginIsolated && cores > 1 ? cores : 0;
  return new CpuTracker({ threads, spawnWorker: spawnSliceWorker, cpuModel: threads > 0 ? 'Web Workers' : 'the engine worker (no cross-origin isolation: no SharedArrayBuffer for a pool)' });
}

async function open(name: BackendName, config: Config): Promise<Tracker> {
  switch (name) {
    case 'webgpu':
      return withTimeout(WebGpuTracker.create({ gpu: browserGpu(), loadShader }, {}, NO_ADAPTER), 'webgpu');
    case 'gpujs':
      if (config.field.turbulence.brmsUG > 0 && config.field.turbulence.method !== 'modes') throw new Error('gpujs: runs plane-wave fields only, this config has a grid');
      if (typeof OffscreenCanvas === 'undefined' && typeof document === 'undefined') throw new Error('gpujs: no OffscreenCanvas in this worker');
      // gpu.js's GPU class is typed for its whole API; the tracker needs only GpuJsInstance
      // in a worker a draw may take longer (fewer per-draw costs); in the page it must stay short,
      // and WebGL compiles synchronously: there one kernel for every field (the table in a texture)
      return withTimeout(
        GpuJsTracker.create(new GPU({ mode: 'webgl2' }) as unknown as GpuJsInstance, IN_WORKER ? { targetDrawSeconds: 0.15 } : { targetDrawSeconds: 0.015, modeTable: 'texture' }),
        'gpujs',
      );
    case 'cpu':
      return openCpu();
  }
}

export async function openTracker(request: BackendRequest, config: Config): Promise<OpenedTracker> {
  const order = request === 'auto' ? ORDER : [request, ...ORDER.filter((b) => b !== request)];
  const why: string[] = [];
  for (const name of order) {
    try {
      const tracker = await open(name, config);
      const because = request === name ? 'requested' : why.length === 0 ? 'first choice' : why.join('; ');
      return { tracker, reason: `${name} (${because})` };
    } catch (e) {
      why.push(message(e).startsWith(name) ? message(e) : `${name}: ${message(e)}`);
    }
  }
  throw new Error(`no backend could start: ${why.join('; ')}`);
}
