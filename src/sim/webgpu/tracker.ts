/**
 * The `webgpu` backend: the integrator of docs/integrator.md as a compute kernel (shaders/), one
 * invocation per particle and many steps per dispatch. Platform-neutral: it gets the GPU object
 * and the shader text from a WebGpuEnvironment (node.ts in Node, navigator.gpu in a browser).
 *
 * Per batch of particles the host
 *   1. uploads the launch states (all at the observer, lattice cell + fraction, u(0)),
 *   2. walks the time line of schedule.ts: each dispatch runs S steps for every active particle;
 *      a dispatch that ends on a snapshot time T_k makes its last step the shortened landing step
 *      and copies the states out as the snapshot; S is sized so a dispatch takes about
 *      `targetDispatchSeconds`,
 *   3. compacts: survivors append themselves to the other active list (atomic counter), so
 *      particles that stopped at the sphere cost nothing in later dispatches,
 *   4. reads back crossings and step counts at the end.
 * Positions come back to float64 as x_obs + ((cell - cell_obs) + (f - f_obs)·2^-32) Λ.
 */
import { rotationRatePerUGPerPc } from '../../config/units.ts';
import { MODE_STRIDE, type FieldData } from '../../turbulence/field.ts';
import { DeviceLimitError, type EndStates, type JobShape, type Preflight, type Snapshot, type SphereCrossings, type TrackJob, type TrackProgress, type Tracker } from '../types.ts';
import { chooseLattice, latticeToPc, packModes, type Lattice } from './lattice.ts';
import {
  COUNTERS_BYTES,
  COUNTER_ACTIVE,
  COUNTER_STOPPED_STEPS,
  CROSSING_BYTES,
  CrossingView,
  MODE_BYTES,
  PARAMS_BYTES,
  PARTICLE_BYTES,
  PARTICLE_CROSSED,
  ParticleView,
  TIMESTAMP_BYTES,
  WORKGROUP_SIZE,
  b0RoundingScale,
  fieldBindGroupLayout,
  trackBindGroupLayout,
  writeLaunchStates,
  writeParams,
  type DispatchParams,
  type FieldVariant,
  type KernelConstants,
} from './layout.ts';
import { buildSchedule, stepStartPc, type Schedule } from './schedule.ts';
import { inlineModesSource, laneModesSource } from './inline.ts';
import { chooseModeTable, compiledForm } from './cost.ts';
import { finerGrids, finerGridsSource, gridBits, gridsOf, MAX_NESTED_GRIDS, packGridComponent } from './nested.ts';
import { DispatchPacer } from './pacer.ts';
import { kernelSource, type GeneratedModule, type ShaderLoader } from './shaders.ts';
import type { Vec3 } from '../../config/vec3.ts';

export interface WebGpuEnvironment {
  /** navigator.gpu, or createNodeGpu() from node.ts. */
  readonly gpu: GPU;
  readonly loadShader: ShaderLoader;
}

export interface WebGpuTrackerOptions {
  /**
   * Most particles on the GPU at once; larger jobs run in batches of this size. Default 2^20,
   * capped by the device's storage-binding and dispatch limits.
   */
  readonly maxBatchParticles?: number;
  /**
   * Wall time a dispatch aims at, s (default 0.25): long enough that per-dispatch costs vanish,
   * short enough for progress reports and for GPU watchdogs (about 2 s on some desktops).
   */
  readonly targetDispatchSeconds?: number;
  /**
   * Where the mode table goes. 'auto' (default): on a CPU adapter (lavapipe) per job, compiled
   * into the kernel ('inline', a compile per field, ~10x faster steps) or a uniform buffer (one
   * kernel per mode count), whichever the job's estimated compile + step time favours (cost.ts);
   * on a GPU a uniform buffer when it fits, else a storage buffer. 'fastest': the form with the
   * fastest steps whatever the compile costs (inline on a CPU adapter): for benchmarks, whose
   * warm-up and measured runs must use the same kernel. From cost.ts LANES_MIN_MODES modes on,
   * 'auto' on a CPU adapter with subgroups compiles the table in as 'lanes' instead of 'inline':
   * spread over the lanes of a subgroup (inline.ts laneModesSource), steps as fast within the
   * noise and a third of the compile. 'inline', 'lanes', 'uniform', 'storage': that form ('lanes'
   * falls back to 'inline' without subgroups).
   */
  readonly modeTable?: 'auto' | 'fastest' | 'inline' | 'lanes' | 'uniform' | 'storage';
  /**
   * Sleep through most of the expected dispatch time before awaiting the result (default true).
   * Dawn in Node polls in a busy loop while one of its promises is pending; on a CPU "GPU"
   * (lavapipe) that loop takes a core from the kernel.
   */
  readonly sleepBeforeAwait?: boolean;
  readonly powerPreference?: GPUPowerPreference;
  /**
   * Ask for the 'subgroups' feature where the adapter has it (default true): the 'lanes' table
   * needs it. createTracker leaves it out for workloads of fewer than LANES_MIN_MODES modes (and
   * grids), which never use it: no feature beyond what the kernels need.
   */
  readonly subgroups?: boolean;
}

/** What `createTracker` and users see when WebGPU has no adapter. */
export class NoWebGpuAdapterError extends Error {
  constructor(advice: string) {
    super(`webgpu: no adapter (${advice})`);
    this.name = 'NoWebGpuAdapterError';
  }
}

const DEFAULT_BATCH = 1 << 20;
/** Most modes compiled into a kernel ('inline'); larger tables go to a buffer. */
const MAX_INLINE_MODES = 4096;
/**
 * Fewest steps per dispatch on a CPU adapter: a lavapipe invocation pays a set-up per dispatch
 * (1024 inline modes: as much as a step), measured 2.5× slower at one step per dispatch.
 */
const CPU_ADAPTER_MIN_STEPS = 32;
/** Compiled kernels kept per tracker (inline kernels are one per field realization). */
const MAX_PIPELINES = 8;

/** CRSKY_WEBGPU_TRACE=1 prints one line per dispatch (read where the environment has one). */
const TRACE = typeof process !== 'undefined' && !!process.env?.CRSKY_WEBGPU_TRACE;

const MiB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** True for adapters that run on the CPU (lavapipe, SwiftShader): the inline mode table pays there.
 *  Chromium masks the description unless developer features are on, but still reports
 *  architecture "swiftshader" for its CPU adapter. */
export function isCpuAdapter(info: GPUAdapterInfo): boolean {
  return info.architecture === 'software' || /llvmpipe|lavapipe|swiftshader/i.test(`${info.description} ${info.device} ${info.vendor} ${info.architecture}`);
}

/** One line naming the adapter, e.g. "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6) (mesa software)". */
export function describeAdapter(info: GPUAdapterInfo): string {
  const name = info.description || info.device || 'unknown adapter';
  const kind = [info.vendor, info.architecture].filter((s) => s && !name.includes(s)).join(' ');
  return kind ? `${name} (${kind})` : name;
}

/** Where the wall time of the last track() call went (for the benchmark and for tuning). */
export interface DispatchStats {
  dispatches: number;
  /** Steps per dispatch, last value. */
  lastStepsPerDispatch: number;
  /** Time asleep before awaiting results, ms. */
  sleepMs: number;
  /** Time awaiting results after the sleep (Dawn polls in this time), ms. */
  awaitMs: number;
  /** Time from submit to results, summed over dispatches, ms. */
  gpuMs: number;
  /** Kernel time from GPU timestamps, ms (0 without timestamp queries). */
  kernelMs: number;
  /** Everything else: launch states, buffer set-up, read-backs and conversion to float64, ms. */
  hostMs: number;
  /** Pipeline creation and field upload, ms. */
  setupMs: number;
  /** The empty first dispatch of a new pipeline, in which lavapipe compiles it, ms (0 when warm). */
  compileMs: number;
  /** Where the mode table went and why ('' without plane waves or when the field was already prepared). */
  modeTable: string;
}

const emptyStats = (): DispatchStats => ({ dispatches: 0, lastStepsPerDispatch: 0, sleepMs: 0, awaitMs: 0, gpuMs: 0, kernelMs: 0, hostMs: 0, setupMs: 0, compileMs: 0, modeTable: '' });

/** Field buffers and the kernel for one field on one lattice. */
interface PreparedField {
  readonly field: FieldData;
  readonly origin: Vec3;
  readonly lattice: Lattice;
  readonly variant: FieldVariant;
  /** The kernel records sphere crossings (KernelConstants.hasSphere). */
  readonly hasSphere: boolean;
  readonly pipeline: GPUComputePipeline;
  /** Kernels with the same key run at the same speed: variant and sizes, not the mode values. */
  readonly rateKey: string;
  readonly bindGroup: GPUBindGroup;
  readonly buffers: GPUBuffer[];
  /** Invocations per particle (KernelConstants.modeLanes). */
  readonly lanes: number;
  /** Most particles a dispatch takes: the dispatch-size limit over `lanes` invocations each. */
  readonly maxSliceParticles: number;
}

/** Buffers for up to `capacity` particles, reused by every batch and job that fits. */
interface BatchBuffers {
  readonly capacity: number;
  readonly params: GPUBuffer;
  readonly particles: GPUBuffer;
  readonly activeA: GPUBuffer;
  readonly activeB: GPUBuffer;
  readonly counters: GPUBuffer;
  readonly crossings: GPUBuffer;
  readonly countersStaging: GPUBuffer;
  readonly particlesStaging: GPUBuffer;
  readonly crossingsStaging: GPUBuffer;
  /** Pass timestamps, when the device has timestamp queries. */
  readonly timestamps: { querySet: GPUQuerySet; resolve: GPUBuffer } | null;
  /** [A → B, B → A] */
  readonly bindGroups: readonly [GPUBindGroup, GPUBindGroup];
}

interface Outputs {
  readonly snapshotPositions: Float64Array[];
  readonly snapshotDirections: Float64Array[];
  readonly sphere: { positions: Float64Array; directions: Float64Array; timesPc: Float64Array } | null;
}

export class WebGpuTracker implements Tracker, Preflight {
  readonly backend = 'webgpu' as const;
  readonly device: string;
  /** The adapter runs on the CPU (lavapipe, SwiftShader). */
  readonly cpuAdapter: boolean;

  private gpuDevice: GPUDevice | null;
  private env: WebGpuEnvironment | null;
  private readonly options: Required<Omit<WebGpuTrackerOptions, 'powerPreference' | 'subgroups'>>;
  private readonly limits: GPUSupportedLimits;
  /** The device's subgroup size when it is fixed and subgroups are enabled, else 0. */
  private readonly subgroupSize: number;
  private readonly trackLayout: GPUBindGroupLayout;
  private readonly fieldLayouts = new Map<FieldVariant, GPUBindGroupLayout>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  /** Pipelines that have run a dispatch (compiled: lavapipe compiles at the first one). */
  private readonly warm = new WeakSet<GPUComputePipeline>();
  private readonly pacer: DispatchPacer;
  private prepared: PreparedField | null = null;
  private batch: BatchBuffers | null = null;
  private lost: GPUDeviceLostInfo | null = null;
  private readonly lostPromise: Promise<GPUDeviceLostInfo>;
  private uncaptured: string | null = null;
  private disposed = false;
  /** Where the time of the last track() went. */
  stats: DispatchStats = emptyStats();
  private queue: Promise<unknown> = Promise.resolve();

  /** Asks `env.gpu` for an adapter and a device; NoWebGpuAdapterError when there is none. */
  static async create(env: WebGpuEnvironment, options: WebGpuTrackerOptions = {}, noAdapterAdvice = 'no WebGPU adapter found'): Promise<WebGpuTracker> {
    const adapter = await env.gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
    if (!adapter) throw new NoWebGpuAdapterError(noAdapterAdvice);
    const a = adapter.limits;
    const device = await adapter.requestDevice({
      label: 'crsky',
      requiredFeatures: (['timestamp-query', 'subgroups'] as const).filter((f) => adapter.features.has(f) && (f !== 'subgroups' || (options.subgroups ?? true))),
      requiredLimits: {
        maxStorageBufferBindingSize: a.maxStorageBufferBindingSize,
        maxBufferSize: a.maxBufferSize,
        maxUniformBufferBindingSize: a.maxUniformBufferBindingSize,
      },
    });
    return new WebGpuTracker(env, adapter.info, device, options);
  }

  private constructor(env: WebGpuEnvironment, info: GPUAdapterInfo, device: GPUDevice, options: WebGpuTrackerOptions) {
    this.env = env;
    this.gpuDevice = device;
    this.device = describeAdapter(info);
    this.cpuAdapter = isCpuAdapter(info);
    this.limits = device.limits;
    const sg = info as GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number };
    this.subgroupSize = device.features.has('subgroups') && sg.subgroupMinSize === sg.subgroupMaxSize ? (sg.subgroupMinSize ?? 0) : 0;
    this.options = {
      maxBatchParticles: options.maxBatchParticles ?? DEFAULT_BATCH,
      targetDispatchSeconds: options.targetDispatchSeconds ?? 0.25,
      modeTable: options.modeTable ?? 'auto',
      sleepBeforeAwait: options.sleepBeforeAwait ?? true,
    };
    // slices of at least 4 workgroups: lavapipe spreads workgroups over the CPU's threads
    this.pacer = new DispatchPacer(this.options.targetDispatchSeconds, this.cpuAdapter ? CPU_ADAPTER_MIN_STEPS : 1, WORKGROUP_SIZE, this.cpuAdapter ? 4 : 1);
    if (!(Number.isInteger(this.options.maxBatchParticles) && this.options.maxBatchParticles >= 1)) {
      throw new Error(`webgpu tracker: maxBatchParticles must be an integer >= 1, got ${this.options.maxBatchParticles}`);
    }
    this.lostPromise = device.lost.then((info) => (this.lost = info));
    device.addEventListener('uncapturederror', (e) => {
      this.uncaptured ??= (e as GPUUncapturedErrorEvent).error.message;
    });
    this.trackLayout = device.createBindGroupLayout(trackBindGroupLayout());
  }

  /** The device has subgroups of a fixed size (lavapipe: the vector width), for the 'lanes' table. */
  get subgroups(): boolean {
    return this.subgroupSize >= 2;
  }

  /** Largest batch this device takes: storage-binding size and the dispatch-size limit. */
  get maxBatchParticles(): number {
    const byBinding = Math.floor(this.limits.maxStorageBufferBindingSize / PARTICLE_BYTES);
    const byDispatch = this.limits.maxComputeWorkgroupsPerDimension * WORKGROUP_SIZE;
    return Math.min(this.options.maxBatchParticles, byBinding, byDispatch);
  }

  track(job: TrackJob, onProgress?: (p: TrackProgress) => void, signal?: AbortSignal): Promise<EndStates> {
    // one job at a time: the batch buffers are shared
    const run = this.queue.then(() => this.trackNow(job, onProgress, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private get gpu(): GPUDevice {
    if (this.disposed || !this.gpuDevice) throw new Error('webgpu tracker: used after dispose()');
    this.checkHealth();
    return this.gpuDevice;
  }

  private checkHealth(): void {
    if (this.lost) {
      throw new Error(`webgpu: device lost (${this.lost.reason}): ${this.lost.message || 'no message'}; create a new tracker`);
    }
    if (this.uncaptured) throw new Error(`webgpu: ${this.uncaptured}`);
  }

  private async trackNow(job: TrackJob, onProgress?: (p: TrackProgress) => void, signal?: AbortSignal): Promise<EndStates> {
    signal?.throwIfAborted();
    const count = job.directions.length / 3;
    if (!Number.isInteger(count)) throw new Error('webgpu tracker: directions must hold 3 numbers per particle');
    if (!(job.rigidityPV > 0)) throw new Error(`webgpu tracker: rigidity must be > 0, got ${job.rigidityPV}`);
    const schedule = buildSchedule(job.stop, job.stepPc);
    this.stats = emptyStats();
    const setup = performance.now();
    const field = await this.prepareField(job.field, job.stepPc, job.origin, count * schedule.totalSteps, job.stop.sphereRadiusPc !== undefined);
    this.stats.setupMs = performance.now() - setup;
    const outputs = allocateOutputs(count, job);
    const batchSize = this.maxBatchParticles;
    const batches = Math.ceil(count / batchSize);
    let steps = 0;
    for (let b = 0; b < batches; b++) {
      const first = b * batchSize;
      const n = Math.min(batchSize, count - first);
      const buffers = await this.batchBuffers(Math.min(batchSize, count));
      // the progress callback runs after each dispatch's read-back: the place to stop early
      steps += await this.runBatch(job, schedule, field, buffers, first, n, outputs, (done, batchSteps) => {
        signal?.throwIfAborted();
        onProgress?.({ fraction: (b + done) / batches, particleSteps: steps + batchSteps });
      });
    }
    const snapshots: Snapshot[] = job.stop.timesPc.map((timePc, k) => ({
      timePc,
      positions: outputs.snapshotPositions[k],
      directions: outputs.snapshotDirections[k],
    }));
    const sphere: SphereCrossings | null = outputs.sphere && { radiusPc: job.stop.sphereRadiusPc!, ...outputs.sphere };
    this.stats.hostMs = performance.now() - setup - this.stats.setupMs - this.stats.compileMs - this.stats.gpuMs;
    return { count, snapshots, sphere, particleSteps: steps, backend: 'webgpu', device: this.device };
  }

  // ------------------------------------------------------------------------------------------
  // dispatch loop

  private async runBatch(
    job: TrackJob,
    schedule: Schedule,
    field: PreparedField,
    buffers: BatchBuffers,
    first: number,
    n: number,
    out: Outputs,
    progress: (fraction: number, steps: number) => void,
  ): Promise<number> {
    const device = this.gpu;
    const { lattice } = field;
    const h = schedule.stepPc;
    const kappa = job.chargeSign * rotationRatePerUGPerPc(job.rigidityPV) * b0RoundingScale(job.field.b0);
    const launch = new ArrayBuffer(n * PARTICLE_BYTES);
    writeLaunchStates(launch, job.directions, first, n, lattice.originCell, lattice.originFraction);
    device.queue.writeBuffer(buffers.particles, 0, launch);
    const identity = new Uint32Array(n);
    for (let i = 0; i < n; i++) identity[i] = i;
    device.queue.writeBuffer(buffers.activeA, 0, identity);

    const paramsBytes = new ArrayBuffer(PARAMS_BYTES);
    const zero = new Uint32Array(COUNTERS_BYTES / 4);
    const base = {
      b0: job.field.b0,
      kickPerUG: (kappa * h) / 2,
      originCell: lattice.originCell,
      driftCells: h / (2 * lattice.spacingPc),
      originFraction: lattice.originFraction,
      sphereRadiusCells: job.stop.sphereRadiusPc !== undefined ? job.stop.sphereRadiusPc / lattice.spacingPc : 0,
      stopStep: schedule.stopStep,
    };
    if (job.stop.sphereRadiusPc !== undefined && !(job.stop.sphereRadiusPc > 0)) {
      throw new Error(`webgpu tracker: sphere radius must be > 0, got ${job.stop.sphereRadiusPc}`);
    }

    await this.warmUp(field, buffers, paramsBytes, base);

    let active = n;
    let flip = 0;
    let steps = 0;
    let lastSteps = 0;
    for (const iv of schedule.intervals) {
      let done = 0;
      const total = iv.fullSteps + 1;
      while (done < total && active > 0) {
        // one round: every active particle moves s steps, dispatched in slices of the active list
        const s = this.pacer.steps(field.rateKey, active, total - done, lastSteps);
        const landing = done + s === total;
        const snapshot = landing && iv.snapshot >= 0;
        const round = {
          ...base,
          lastKickPerUG: landing ? (kappa * iv.landingStepPc) / 2 : base.kickPerUG,
          lastDriftCells: landing ? iv.landingStepPc / (2 * lattice.spacingPc) : base.driftCells,
          stepCount: s,
          firstStep: iv.firstStep + done,
        };
        device.queue.writeBuffer(buffers.counters, 0, zero);
        let counters = zero;
        for (let offset = 0; offset < active; ) {
          // a 'lanes' kernel takes field.lanes invocations per particle: stay within the dispatch-size limit
          const m = Math.min(this.pacer.sliceParticles(field.rateKey, s, active - offset), field.maxSliceParticles);
          const lastSlice = offset + m === active;
          writeParams({ ...round, activeOffset: offset, activeCount: m }, paramsBytes);
          device.queue.writeBuffer(buffers.params, 0, paramsBytes);
          const encoder = device.createCommandEncoder({ label: 'crsky track' });
          const pass = encoder.beginComputePass({
            label: 'crsky track',
            timestampWrites: buffers.timestamps ? { querySet: buffers.timestamps.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } : undefined,
          });
          pass.setPipeline(field.pipeline);
          pass.setBindGroup(0, buffers.bindGroups[flip]);
          pass.setBindGroup(1, field.bindGroup);
          pass.dispatchWorkgroups(Math.ceil((m * field.lanes) / WORKGROUP_SIZE));
          pass.end();
          encoder.copyBufferToBuffer(buffers.counters, 0, buffers.countersStaging, 0, COUNTERS_BYTES);
          if (buffers.timestamps) {
            encoder.resolveQuerySet(buffers.timestamps.querySet, 0, 2, buffers.timestamps.resolve, 0);
            encoder.copyBufferToBuffer(buffers.timestamps.resolve, 0, buffers.countersStaging, COUNTERS_BYTES, TIMESTAMP_BYTES);
          }
          if (snapshot && lastSlice) encoder.copyBufferToBuffer(buffers.particles, 0, buffers.particlesStaging, 0, n * PARTICLE_BYTES);
          const started = performance.now();
          device.queue.submit([encoder.finish()]);

          const work = m * s;
          const nap = this.options.sleepBeforeAwait ? this.pacer.sleepMs(field.rateKey, work) : 0;
          if (nap > 0) await sleep(nap);
          const awake = performance.now();
          const read = await this.read(buffers.countersStaging, COUNTERS_BYTES + TIMESTAMP_BYTES, (b) => {
            const t = new BigUint64Array(b, COUNTERS_BYTES, 2);
            const ns = buffers.timestamps && t[1] > t[0] ? Number(t[1] - t[0]) : 0;
            return { counters: new Uint32Array(b.slice(0, COUNTERS_BYTES)), gpuSeconds: ns > 0 ? ns * 1e-9 : null };
          });
          const finished = performance.now();
          counters = read.counters;
          this.pacer.observe(field.rateKey, work, read.gpuSeconds, finished - started, finished - awake);
          this.stats.dispatches++;
          this.stats.lastStepsPerDispatch = s;
          this.stats.sleepMs += awake - started;
          this.stats.awaitMs += finished - awake;
          this.stats.gpuMs += finished - started;
          this.stats.kernelMs += (read.gpuSeconds ?? 0) * 1000;
          if (TRACE) {
            console.error(
              `crsky webgpu: active ${active} slice ${offset}+${m} steps ${s} slept ${(awake - started).toFixed(1)} ms awaited ${(finished - awake).toFixed(1)} ms kernel ${((read.gpuSeconds ?? 0) * 1000).toFixed(1)} ms`,
            );
          }
          offset += m;
          // the counters add up over the round's slices: the steps of the particles moved so far
          progress((iv.firstStep + done + (s * offset) / active) / schedule.totalSteps, steps + counters[COUNTER_ACTIVE] * s + counters[COUNTER_STOPPED_STEPS]);
        }
        if (snapshot) {
          await this.read(buffers.particlesStaging, n * PARTICLE_BYTES, (b) =>
            writeSnapshot(new ParticleView(b), n, first, lattice, job.origin, out.snapshotPositions[iv.snapshot], out.snapshotDirections[iv.snapshot]),
          );
        }

        const survivors = counters[COUNTER_ACTIVE];
        steps += survivors * s + counters[COUNTER_STOPPED_STEPS];
        active = survivors;
        flip = 1 - flip;
        done += s;
        lastSteps = s;
      }
      if (active === 0) break;
    }
    progress(1, steps);
    return this.finishBatch(job, schedule, field, buffers, first, n, out);
  }

  /**
   * Compiles a new pipeline outside the timed dispatches: lavapipe compiles at the first dispatch
   * (inside the pass its timestamps measure), and a rate learned from that dispatch was off by
   * the compile time (a 64-mode kernel's 2.5 ms dispatches were then slept through for 20 s).
   * An empty dispatch (no active particles) does the compile; the pacer only sees later ones.
   */
  private async warmUp(field: PreparedField, buffers: BatchBuffers, paramsBytes: ArrayBuffer, base: Omit<DispatchParams, 'lastKickPerUG' | 'lastDriftCells' | 'stepCount' | 'firstStep' | 'activeCount' | 'activeOffset'>): Promise<void> {
    if (this.warm.has(field.pipeline)) return;
    const device = this.gpu;
    const t0 = performance.now();
    writeParams({ ...base, lastKickPerUG: base.kickPerUG, lastDriftCells: base.driftCells, stepCount: 0, firstStep: 0, activeCount: 0, activeOffset: 0 }, paramsBytes);
    device.queue.writeBuffer(buffers.params, 0, paramsBytes);
    const encoder = device.createCommandEncoder({ label: 'crsky compile' });
    const pass = encoder.beginComputePass({ label: 'crsky compile' });
    pass.setPipeline(field.pipeline);
    pass.setBindGroup(0, buffers.bindGroups[0]);
    pass.setBindGroup(1, field.bindGroup);
    pass.dispatchWorkgroups(1);
    pass.end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    this.checkHealth();
    this.warm.add(field.pipeline);
    this.stats.compileMs += performance.now() - t0;
    if (TRACE) console.error(`crsky webgpu: ${field.rateKey}: first (empty) dispatch, compile ${(performance.now() - t0).toFixed(1)} ms`);
  }

  /** Reads crossings and step counts back after the last dispatch of a batch. */
  private async finishBatch(
    job: TrackJob,
    schedule: Schedule,
    field: PreparedField,
    buffers: BatchBuffers,
    first: number,
    n: number,
    out: Outputs,
  ): Promise<number> {
    const device = this.gpu;
    const encoder = device.createCommandEncoder({ label: 'crsky read back' });
    encoder.copyBufferToBuffer(buffers.particles, 0, buffers.particlesStaging, 0, n * PARTICLE_BYTES);
    if (out.sphere) encoder.copyBufferToBuffer(buffers.crossings, 0, buffers.crossingsStaging, 0, n * CROSSING_BYTES);
    device.queue.submit([encoder.finish()]);
    const { lattice } = field;
    const crossed = new Uint8Array(n);
    let steps = 0;
    await this.read(buffers.particlesStaging, n * PARTICLE_BYTES, (b) => {
      const v = new ParticleView(b);
      for (let p = 0; p < n; p++) {
        steps += v.steps(p);
        crossed[p] = v.status(p) & PARTICLE_CROSSED;
      }
    });
    const sphere = out.sphere;
    if (sphere) {
      await this.read(buffers.crossingsStaging, n * CROSSING_BYTES, (b) => {
        const v = new CrossingView(b);
        const s = lattice.spacingPc;
        for (let p = 0; p < n; p++) {
          if (!crossed[p]) continue;
          const q = first + p;
          for (let a = 0; a < 3; a++) {
            sphere.positions[3 * q + a] = job.origin[a] + v.position(p, a) * s;
            sphere.directions[3 * q + a] = v.direction(p, a);
          }
          sphere.timesPc[q] = stepStartPc(schedule, v.step(p)) + v.distance(p) * s;
        }
      });
    }
    return steps;
  }

  /** Maps a staging buffer, hands its bytes to `use`, unmaps; device loss becomes a clear Error. */
  private async read<T>(staging: GPUBuffer, bytes: number, use: (b: ArrayBuffer) => T): Promise<T> {
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, bytes);
    } catch (e) {
      // a lost device fails the map first and reports why a moment later
      await Promise.race([this.lostPromise, sleep(100)]);
      this.checkHealth();
      throw new Error(`webgpu: reading results back failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      this.checkHealth();
      return use(staging.getMappedRange(0, bytes));
    } finally {
      staging.unmap();
    }
  }

  // ------------------------------------------------------------------------------------------
  // resources

  /**
   * A grid of n³ nodes takes one storage binding per field component; nested grids share those
   * three bindings, their nodes one grid after another, and at most MAX_NESTED_GRIDS of them.
   * `ns`: every grid's n, the first (the lattice's) first.
   */
  private checkGrids(ns: readonly number[]): void {
    if (ns.length > MAX_NESTED_GRIDS) {
      throw new DeviceLimitError(`webgpu: ${ns.length} nested grids; the webgpu kernel sums at most ${MAX_NESTED_GRIDS} (use fewer grids, or tracking.backend: 'cpu')`);
    }
    const need = ns.reduce((s, n) => s + n * n * n * 4, 0);
    if (need > this.limits.maxStorageBufferBindingSize) {
      const grids = ns.length === 1 ? `grid ${ns[0]}³` : `nested grids ${ns.map((n) => `${n}³`).join(' + ')}`;
      throw new DeviceLimitError(
        `webgpu: ${grids} needs ${mib(need)} per field component, over this device's maxStorageBufferBindingSize ${mib(this.limits.maxStorageBufferBindingSize)}`,
      );
    }
  }

  /** Checks a job's shape against the device limits before anything is drawn or written. */
  preflight(shape: JobShape): void {
    if (shape.gridN > 0) this.checkGrids([shape.gridN, ...(shape.finerGridNs ?? [])]);
    if (shape.modes > 0 && this.options.modeTable === 'uniform' && shape.modes * MODE_BYTES > this.limits.maxUniformBufferBindingSize) {
      throw new DeviceLimitError(
        `webgpu: ${shape.modes} modes need ${mib(shape.modes * MODE_BYTES)} of uniform buffer; this device allows ${mib(this.limits.maxUniformBufferBindingSize)} (use modeTable 'auto' or 'storage')`,
      );
    }
  }

  /** Creates a buffer inside error scopes: out of memory and over-limit become clear Errors. */
  private async createBuffer(what: string, size: number, usage: number, contents?: ArrayBufferView): Promise<GPUBuffer> {
    const device = this.gpu;
    const limits = this.limits;
    const binding = usage & GPUBufferUsage.UNIFORM ? limits.maxUniformBufferBindingSize : usage & GPUBufferUsage.STORAGE ? limits.maxStorageBufferBindingSize : Infinity;
    const bytes = Math.max(16, Math.ceil(size / 16) * 16);
    if (bytes > limits.maxBufferSize || bytes > binding) {
      throw new DeviceLimitError(
        `webgpu: ${what} needs ${mib(bytes)}, over this device's limit ` +
          `(maxBufferSize ${mib(limits.maxBufferSize)}, ${usage & GPUBufferUsage.UNIFORM ? 'maxUniformBufferBindingSize' : 'maxStorageBufferBindingSize'} ${mib(binding)})`,
      );
    }
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    const buffer = device.createBuffer({ label: `crsky ${what}`, size: bytes, usage, mappedAtCreation: contents !== undefined });
    if (contents) {
      new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(contents.buffer, contents.byteOffset, contents.byteLength));
      buffer.unmap();
    }
    const invalid = await device.popErrorScope();
    const oom = await device.popErrorScope();
    if (oom || invalid) {
      buffer.destroy();
      const kind = oom ? 'out of memory' : 'buffer rejected';
      throw new (oom ? DeviceLimitError : Error)(`webgpu: ${kind} creating ${what} (${mib(bytes)}; maxBufferSize ${mib(limits.maxBufferSize)}): ${(oom ?? invalid)!.message}`);
    }
    return buffer;
  }

  private async batchBuffers(capacity: number): Promise<BatchBuffers> {
    if (this.batch && this.batch.capacity >= capacity) return this.batch;
    this.releaseBatch();
    const device = this.gpu;
    const U = GPUBufferUsage;
    const storage = U.STORAGE | U.COPY_DST | U.COPY_SRC;
    const what = (s: string) => `${s} for ${capacity} particles`;
    const params = await this.createBuffer('dispatch parameters', PARAMS_BYTES, U.UNIFORM | U.COPY_DST);
    const particles = await this.createBuffer(what('particle states'), capacity * PARTICLE_BYTES, storage);
    const activeA = await this.createBuffer(what('active list A'), capacity * 4, storage);
    const activeB = await this.createBuffer(what('active list B'), capacity * 4, storage);
    const counters = await this.createBuffer('counters', COUNTERS_BYTES, storage);
    const crossings = await this.createBuffer(what('sphere crossings'), capacity * CROSSING_BYTES, storage);
    const read = U.MAP_READ | U.COPY_DST;
    const countersStaging = await this.createBuffer('counters read-back', COUNTERS_BYTES + TIMESTAMP_BYTES, read);
    const timestamps = device.features.has('timestamp-query')
      ? {
          querySet: device.createQuerySet({ label: 'crsky pass time', type: 'timestamp', count: 2 }),
          resolve: await this.createBuffer('pass time', TIMESTAMP_BYTES, U.QUERY_RESOLVE | U.COPY_SRC),
        }
      : null;
    const particlesStaging = await this.createBuffer(what('particle read-back'), capacity * PARTICLE_BYTES, read);
    const crossingsStaging = await this.createBuffer(what('crossing read-back'), capacity * CROSSING_BYTES, read);
    const group = (from: GPUBuffer, to: GPUBuffer) =>
      device.createBindGroup({
        layout: this.trackLayout,
        entries: [
          { binding: 0, resource: { buffer: params } },
          { binding: 1, resource: { buffer: particles } },
          { binding: 2, resource: { buffer: from } },
          { binding: 3, resource: { buffer: to } },
          { binding: 4, resource: { buffer: counters } },
          { binding: 5, resource: { buffer: crossings } },
        ],
      });
    this.batch = {
      capacity,
      params,
      particles,
      activeA,
      activeB,
      counters,
      crossings,
      countersStaging,
      particlesStaging,
      crossingsStaging,
      timestamps,
      bindGroups: [group(activeA, activeB), group(activeB, activeA)],
    };
    return this.batch;
  }

  private releaseBatch(): void {
    const b = this.batch;
    this.batch = null;
    if (!b) return;
    for (const buf of [b.params, b.particles, b.activeA, b.activeB, b.counters, b.crossings, b.countersStaging, b.particlesStaging, b.crossingsStaging]) {
      buf.destroy();
    }
    b.timestamps?.querySet.destroy();
    b.timestamps?.resolve.destroy();
  }

  private fieldLayout(variant: FieldVariant): GPUBindGroupLayout {
    let layout = this.fieldLayouts.get(variant);
    if (!layout) {
      layout = this.gpu.createBindGroupLayout(fieldBindGroupLayout(variant));
      this.fieldLayouts.set(variant, layout);
    }
    return layout;
  }

  private async pipeline(variant: FieldVariant, constants: KernelConstants, generated: GeneratedModule[] = []): Promise<GPUComputePipeline> {
    const code = await kernelSource(this.env!.loadShader, variant, constants, generated);
    let pipeline = this.pipelines.get(code);
    if (pipeline) return pipeline;
    const device = this.gpu;
    const name = `crsky ${variant} ${JSON.stringify(constants)}`;
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ label: name, code });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    const scoped = await device.popErrorScope();
    if (errors.length > 0 || scoped) {
      const text = errors.map((m) => `  line ${m.lineNum}:${m.linePos} ${m.message}`).join('\n') || scoped!.message;
      throw new Error(`webgpu: kernel ${name} does not compile:\n${text}`);
    }
    pipeline = await device.createComputePipelineAsync({
      label: name,
      layout: device.createPipelineLayout({ bindGroupLayouts: [this.trackLayout, this.fieldLayout(variant)] }),
      compute: { module, entryPoint: 'track' },
    });
    if (this.pipelines.size >= MAX_PIPELINES) this.pipelines.delete(this.pipelines.keys().next().value!);
    this.pipelines.set(code, pipeline);
    return pipeline;
  }

  /** Field buffers and kernel for `field`; reused while the field, step and observer stay. */
  /**
   * The mode-table form for a job of `particleSteps` (at most) with `count` modes: with 'auto', a
   * uniform buffer on GPUs (or storage when too large); on a CPU adapter the faster of an inline
   * kernel (compiled per field) and the uniform-buffer loop for this job's size (cost.ts).
   */
  private modeVariant(count: number, particleSteps: number): { variant: FieldVariant; why: string } {
    const fits = count * MODE_BYTES <= this.limits.maxUniformBufferBindingSize;
    const choice = this.options.modeTable;
    if (choice === 'uniform' && !fits) {
      throw new DeviceLimitError(
        `webgpu: ${count} modes need ${mib(count * MODE_BYTES)} of uniform buffer; this device allows ${mib(this.limits.maxUniformBufferBindingSize)} (use modeTable 'auto' or 'storage')`,
      );
    }
    if (choice === 'lanes' && !this.subgroups) return { variant: 'modes-inline', why: 'lanes requested, but the device has no fixed subgroup size' };
    if (choice !== 'auto' && choice !== 'fastest') return { variant: `modes-${choice}`, why: 'requested' };
    if (!this.cpuAdapter) return fits ? { variant: 'modes-uniform', why: 'GPU: uniform buffer' } : { variant: 'modes-storage', why: 'GPU: too large for a uniform buffer' };
    if (count > MAX_INLINE_MODES) return { variant: fits ? 'modes-uniform' : 'modes-storage', why: `over ${MAX_INLINE_MODES} modes` };
    // the fastest steps: inline (the lanes form is as fast at 1024 modes within the noise, not faster)
    if (choice === 'fastest') return { variant: 'modes-inline', why: 'CPU adapter, fastest steps requested' };
    // compiled in: inline, or spread over a subgroup's lanes for large tables (cost.ts compiledForm)
    const compiled: FieldVariant = `modes-${compiledForm(count, this.subgroups)}`;
    // the choice depends on the job alone (not on what this tracker compiled before), so a job
    // gives the same bits whatever ran before it: the forms round differently
    const cost = chooseModeTable(count, particleSteps, false, this.subgroups);
    const variant: FieldVariant = cost.table === 'inline' || !fits ? compiled : 'modes-uniform';
    return { variant, why: `CPU adapter, ${particleSteps.toExponential(2)} particle-steps: estimated ${cost.seconds.toFixed(2)} s ${cost.table} vs ${cost.otherSeconds.toFixed(2)} s` };
  }

  private async prepareField(field: FieldData, stepPc: number, origin: Vec3, particleSteps: number, hasSphere: boolean): Promise<PreparedField> {
    const lattice = chooseLattice(field, stepPc, origin);
    const t = field.turbulence;
    const modes = t?.kind === 'modes' ? this.modeVariant(t.table.length / MODE_STRIDE, particleSteps) : null;
    const p = this.prepared;
    if (
      p &&
      p.field === field &&
      p.lattice.spacingPc === lattice.spacingPc &&
      p.origin.every((x, a) => x === origin[a]) &&
      (!modes || modes.variant === p.variant) &&
      p.hasSphere === hasSphere
    ) {
      return p;
    }
    this.releaseField();
    const U = GPUBufferUsage;
    let variant: FieldVariant;
    let constants: KernelConstants = {};
    let buffers: GPUBuffer[] = [];
    const generated: GeneratedModule[] = [];
    let gridSizes = '';
    if (t === null) {
      variant = 'uniform-field';
    } else if (t.kind === 'modes') {
      const count = t.table.length / MODE_STRIDE;
      if (!Number.isInteger(count) || count < 1) throw new Error(`webgpu tracker: mode table must hold a multiple of ${MODE_STRIDE} numbers`);
      variant = modes!.variant;
      this.stats.modeTable = `${variant.slice('modes-'.length)} (${modes!.why})`;
      constants = { modeCount: count };
      const packed = packModes(t.table, lattice, origin);
      if (variant === 'modes-inline') {
        generated.push({ name: 'generated: modes_inline', text: inlineModesSource(packed, count) });
      } else if (variant === 'modes-lanes') {
        const lanes = this.subgroupSize;
        constants = { ...constants, modeLanes: lanes };
        generated.push({ name: 'generated: modes_lanes', text: laneModesSource(packed, count, lanes) });
      } else {
        const usage = (variant === 'modes-uniform' ? U.UNIFORM : U.STORAGE) | U.COPY_DST;
        buffers = [await this.createBuffer(`mode table (${count} modes)`, packed.byteLength, usage, new Uint8Array(packed))];
      }
    } else {
      // one grid, or nested grids: the first on the lattice, the finer ones compiled in (nested.ts)
      const grids = gridsOf(t);
      const ns = grids.map((g) => g.n);
      this.checkGrids(ns);
      variant = grids.length > 1 ? 'nested-grids' : 'grid';
      constants = { gridBits: gridBits(t.n) };
      if (grids.length > 1) {
        const finer = finerGrids(lattice.spacingPc, grids);
        generated.push({ name: `generated: finer grids ${ns.slice(1).join(', ')}`, text: finerGridsSource(finer) });
        gridSizes = ` ${ns.join(',')}`;
      }
      const what = grids.length > 1 ? `nested grids ${ns.map((n) => `${n}³`).join(' + ')}` : `grid ${t.n}³`;
      // one host array for the three components: createBuffer copies it before returning
      let component: Float32Array<ArrayBuffer> | undefined;
      for (let c = 0; c < 3; c++) {
        component = packGridComponent(grids, c, component);
        buffers.push(await this.createBuffer(`${what} component ${'xyz'[c]}`, component.byteLength, U.STORAGE | U.COPY_DST, component));
      }
    }
    try {
      constants = { ...constants, hasSphere };
      const pipeline = await this.pipeline(variant, constants, generated);
      const bindGroup = this.gpu.createBindGroup({
        layout: this.fieldLayout(variant),
        entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      // kernels of one speed: the same variant and sizes (nested grids: every grid's)
      const rateKey = `${variant} ${JSON.stringify(constants)}${gridSizes}`;
      const lanes = constants.modeLanes ?? 1;
      const maxSliceParticles = Math.floor((this.limits.maxComputeWorkgroupsPerDimension * WORKGROUP_SIZE) / lanes);
      this.prepared = { field, origin: [...origin] as unknown as Vec3, lattice, variant, hasSphere, pipeline, rateKey, bindGroup, buffers, lanes, maxSliceParticles };
      return this.prepared;
    } catch (e) {
      for (const b of buffers) b.destroy();
      throw e;
    }
  }

  private releaseField(): void {
    const p = this.prepared;
    this.prepared = null;
    for (const b of p?.buffers ?? []) b.destroy();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.queue;
    this.disposed = true;
    this.releaseField();
    this.releaseBatch();
    this.pipelines.clear();
    this.fieldLayouts.clear();
    this.gpuDevice?.destroy();
    this.gpuDevice = null;
    // Dawn keeps the process alive while its GPU object is referenced.
    this.env = null;
  }
}

function allocateOutputs(count: number, job: TrackJob): Outputs {
  const sphere = job.stop.sphereRadiusPc !== undefined;
  return {
    snapshotPositions: job.stop.timesPc.map(() => new Float64Array(3 * count)),
    snapshotDirections: job.stop.timesPc.map(() => new Float64Array(3 * count)),
    sphere: sphere
      ? {
          positions: new Float64Array(3 * count).fill(NaN),
          directions: new Float64Array(3 * count).fill(NaN),
          timesPc: new Float64Array(count).fill(NaN),
        }
      : null,
  };
}

function writeSnapshot(v: ParticleView, n: number, first: number, lattice: Lattice, origin: Vec3, positions: Float64Array, directions: Float64Array): void {
  for (let p = 0; p < n; p++) {
    const q = 3 * (first + p);
    for (let a = 0; a < 3; a++) {
      positions[q + a] = latticeToPc(lattice, origin, a, v.cell(p, a), v.fraction(p, a));
      directions[q + a] = v.direction(p, a);
    }
  }
}
