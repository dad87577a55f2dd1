/**
 * The `cpu` backend: the float64 reference integrator spread over a worker_threads pool.
 * Particles are independent, so any split gives bitwise the same end states as one thread.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FieldData, TurbulenceData } from '../../turbulence/field.ts';
import type { EndStates, Snapshot, TrackJob, TrackProgress, Tracker } from '../types.ts';
import { allocateOutput, integrateRange, type IntegrationOutput, type IntegrationParams } from './integrate.ts';
import type { SliceRequest, SliceResult } from './worker.ts';

export interface CpuTrackerOptions {
  /** Worker threads; 0 integrates in the calling thread. Default: all cores. */
  readonly threads?: number;
}

/** Copies a typed array into shared memory so every worker reads the same bytes, uncopied. */
export function toSharedMemory<T extends Float64Array | Float32Array>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const Ctor = a.constructor as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const s = new Ctor(new SharedArrayBuffer(a.length * Ctor.BYTES_PER_ELEMENT));
  s.set(a);
  return s;
}

/**
 * The field with its arrays in shared memory, made once per turbulence object: a 256³ grid is
 * 200 MB, too much to copy for every realization's track() call.
 */
const sharedTurbulence = new WeakMap<TurbulenceData, TurbulenceData>();

function sharedField(field: FieldData): FieldData {
  const t = field.turbulence;
  if (t === null) return field;
  let s = sharedTurbulence.get(t);
  if (s === undefined) {
    s = t.kind === 'modes' ? { kind: 'modes', table: toSharedMemory(t.table) } : { ...t, data: toSharedMemory(t.data) };
    sharedTurbulence.set(t, s);
  }
  return { b0: field.b0, turbulence: s, summary: field.summary };
}

/**
 * Starts a worker on worker.ts. When running from TypeScript sources (tsx), a tiny bootstrap
 * registers tsx's loader inside the thread first: Node 20 does not carry --import hooks into
 * workers.
 */
function spawnWorker(): Worker {
  const isTs = import.meta.url.endsWith('.ts');
  const url = new URL(isTs ? './worker.ts' : './worker.js', import.meta.url);
  if (!isTs) return new Worker(url);
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true });
}

export function cpuDescription(threads: number): string {
  const model = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  return threads === 0 ? `main thread, ${model}` : `${threads} worker thread${threads > 1 ? 's' : ''}, ${model}`;
}

export class CpuTracker implements Tracker {
  readonly backend = 'cpu' as const;
  readonly device: string;
  private readonly threads: number;
  private workers: Worker[] = [];
  private disposed = false;

  constructor(options: CpuTrackerOptions = {}) {
    this.threads = options.threads ?? os.availableParallelism();
    if (!Number.isInteger(this.threads) || this.threads < 0) {
      throw new Error(`cpu tracker: threads must be an integer >= 0, got ${options.threads}`);
    }
    this.device = cpuDescription(this.threads);
  }

  async track(job: TrackJob, onProgress?: (p: TrackProgress) => void): Promise<EndStates> {
    if (this.disposed) throw new Error('cpu tracker: used after dispose()');
    const count = job.directions.length / 3;
    if (!Number.isInteger(count)) throw new Error('cpu tracker: directions must hold 3 numbers per particle');
    const params: IntegrationParams = {
      field: job.field,
      rigidityPV: job.rigidityPV,
      chargeSign: job.chargeSign,
      origin: job.origin,
      stepPc: job.stepPc,
      stop: job.stop,
    };
    const out = allocateOutput(count, job.stop);
    let steps = 0;
    if (this.threads === 0 || count === 0) {
      let done = 0;
      let sofar = 0;
      steps = integrateRange(params, job.directions, 0, count, out, (s) => {
        done++;
        sofar += s;
        if (onProgress && (done % 64 === 0 || done === count)) onProgress({ fraction: done / count, particleSteps: sofar });
      });
    } else {
      steps = await this.trackInWorkers(params, job.directions, count, out, onProgress);
    }
    return this.endStates(job, count, out, steps);
  }

  private async trackInWorkers(
    params: IntegrationParams,
    directions: Float64Array,
    count: number,
    out: IntegrationOutput,
    onProgress?: (p: TrackProgress) => void,
  ): Promise<number> {
    this.startWorkers();
    const sharedParams: IntegrationParams = { ...params, field: sharedField(params.field) };
    const sharedDirections = toSharedMemory(directions);
    // Several slices per worker balance particles that stop early (sphere crossings).
    const sliceSize = Math.max(1, Math.min(4096, Math.ceil(count / (this.threads * 16))));
    const slices: { first: number; count: number }[] = [];
    for (let first = 0; first < count; first += sliceSize) slices.push({ first, count: Math.min(sliceSize, count - first) });

    let next = 0;
    let done = 0;
    let steps = 0;
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const feed = (w: Worker) => {
        if (failed) return;
        if (next >= slices.length) {
          if (done === count) resolve();
          return;
        }
        const id = next++;
        const req: SliceRequest = { id, params: sharedParams, directions: sharedDirections, ...slices[id] };
        w.postMessage(req);
      };
      for (const w of this.workers) {
        w.removeAllListeners('message');
        w.removeAllListeners('error');
        w.on('message', (res: SliceResult) => {
          if (res.error !== undefined) {
            failed = true;
            reject(new Error(`cpu tracker worker failed: ${res.error}`));
            return;
          }
          copySlice(res.out, out, slices[res.id].first, slices[res.id].count);
          done += slices[res.id].count;
          steps += res.steps;
          onProgress?.({ fraction: done / count, particleSteps: steps });
          if (done === count) resolve();
          else feed(w);
        });
        w.on('error', (e) => {
          failed = true;
          reject(e);
        });
        feed(w);
      }
    });
    return steps;
  }

  private startWorkers(): void {
    if (this.workers.length > 0) return;
    for (let i = 0; i < this.threads; i++) this.workers.push(spawnWorker());
  }

  private endStates(job: TrackJob, count: number, out: IntegrationOutput, steps: number): EndStates {
    const snapshots: Snapshot[] = job.stop.timesPc.map((timePc, k) => ({
      timePc,
      positions: out.snapshotPositions[k],
      directions: out.snapshotDirections[k],
    }));
    const sphere =
      job.stop.sphereRadiusPc === undefined
        ? null
        : {
            radiusPc: job.stop.sphereRadiusPc,
            positions: out.spherePositions!,
            directions: out.sphereDirections!,
            timesPc: out.sphereTimes!,
          };
    return { count, snapshots, sphere, particleSteps: steps, backend: 'cpu', device: this.device };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const ws = this.workers;
    this.workers = [];
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

function copySlice(src: IntegrationOutput, dst: IntegrationOutput, first: number, n: number): void {
  src.snapshotPositions.forEach((a, k) => dst.snapshotPositions[k].set(a, 3 * first));
  src.snapshotDirections.forEach((a, k) => dst.snapshotDirections[k].set(a, 3 * first));
  if (src.spherePositions) dst.spherePositions!.set(src.spherePositions, 3 * first);
  if (src.sphereDirections) dst.sphereDirections!.set(src.sphereDirections, 3 * first);
  if (src.sphereTimes) dst.sphereTimes!.set(src.sphereTimes.subarray(0, n), first);
}
