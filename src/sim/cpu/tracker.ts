/**
 * The `cpu` backend: the float64 reference integrator, in the calling thread or spread over a
 * pool of workers. Particles are independent, so any split gives bitwise the same end states as
 * one thread. The workers themselves are the platform's (src/sim/node/cpu.ts: worker_threads;
 * a page: Web Workers), so this module runs anywhere.
 */
import type { FieldData, TurbulenceData } from '../../turbulence/field.ts';
import type { EndStates, Snapshot, TrackJob, TrackProgress, Tracker } from '../types.ts';
import { allocateOutput, integrateRange, type IntegrationOutput, type IntegrationParams } from './integrate.ts';
import type { SliceRequest, SliceResult } from './slices.ts';

/** One worker of the pool, as the platform provides it: runs integrateSlice on each request. */
export interface SliceWorker {
  post(request: SliceRequest): void;
  /** Replaces the handlers of earlier calls. */
  listen(onResult: (result: SliceResult) => void, onError: (error: Error) => void): void;
  terminate(): Promise<void>;
}

export interface CpuTrackerOptions {
  /** Worker threads; 0 integrates in the calling thread (default). */
  readonly threads?: number;
  /** Starts one worker; needed when threads > 0. */
  readonly spawnWorker?: () => SliceWorker;
  /** The processor's name, for the device description. */
  readonly cpuModel?: string;
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
    s =
      t.kind === 'modes'
        ? { kind: 'modes', table: toSharedMemory(t.table) }
        : { ...t, data: toSharedMemory(t.data), ...(t.finer ? { finer: t.finer.map((g) => ({ ...g, data: toSharedMemory(g.data) })) } : {}) };
    sharedTurbulence.set(t, s);
  }
  return { b0: field.b0, turbulence: s, summary: field.summary };
}

export function cpuDescription(threads: number, cpuModel = 'unknown CPU'): string {
  const model = cpuModel.trim();
  return threads === 0 ? `main thread, ${model}` : `${threads} worker thread${threads > 1 ? 's' : ''}, ${model}`;
}

export class CpuTracker implements Tracker {
  readonly backend = 'cpu' as const;
  readonly device: string;
  private readonly threads: number;
  private readonly spawnWorker?: () => SliceWorker;
  private workers: SliceWorker[] = [];
  private disposed = false;

  constructor(options: CpuTrackerOptions = {}) {
    this.threads = options.threads ?? 0;
    if (!Number.isInteger(this.threads) || this.threads < 0) {
      throw new Error(`cpu tracker: threads must be an integer >= 0, got ${options.threads}`);
    }
    if (this.threads > 0 && options.spawnWorker === undefined) throw new Error('cpu tracker: threads > 0 needs a spawnWorker');
    this.spawnWorker = options.spawnWorker;
    this.device = cpuDescription(this.threads, options.cpuModel);
  }

  async track(job: TrackJob, onProgress?: (p: TrackProgress) => void, signal?: AbortSignal): Promise<EndStates> {
    if (this.disposed) throw new Error('cpu tracker: used after dispose()');
    signal?.throwIfAborted();
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
        if (done % 64 === 0 || done === count) {
          signal?.throwIfAborted();
          onProgress?.({ fraction: done / count, particleSteps: sofar });
        }
      });
    } else {
      steps = await this.trackInWorkers(params, job.directions, count, out, onProgress, signal);
    }
    return this.endStates(job, count, out, steps);
  }

  private async trackInWorkers(
    params: IntegrationParams,
    directions: Float64Array,
    count: number,
    out: IntegrationOutput,
    onProgress?: (p: TrackProgress) => void,
    signal?: AbortSignal,
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
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      };
      // Workers busy with this job's slices are stopped (a later job starts fresh ones), so no
      // stale result can reach the next job's handlers.
      const onAbort = () => {
        const busy = this.workers;
        this.workers = [];
        void Promise.all(busy.map((w) => w.terminate()));
        fail(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const feed = (w: SliceWorker) => {
        if (failed) return;
        if (next >= slices.length) {
          if (done === count) resolve();
          return;
        }
        const id = next++;
        const req: SliceRequest = { id, params: sharedParams, directions: sharedDirections, ...slices[id] };
        w.post(req);
      };
      for (const w of this.workers) {
        w.listen(
          (res) => {
            if (failed) return;
            if (res.error !== undefined || res.out === null) {
              fail(new Error(`cpu tracker worker failed: ${res.error}`));
              return;
            }
            copySlice(res.out, out, slices[res.id].first, slices[res.id].count);
            done += slices[res.id].count;
            steps += res.steps;
            onProgress?.({ fraction: done / count, particleSteps: steps });
            if (done === count) {
              signal?.removeEventListener('abort', onAbort);
              resolve();
            } else feed(w);
          },
          fail,
        );
        feed(w);
      }
    });
    return steps;
  }

  private startWorkers(): void {
    if (this.workers.length > 0) return;
    for (let i = 0; i < this.threads; i++) this.workers.push(this.spawnWorker!());
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
