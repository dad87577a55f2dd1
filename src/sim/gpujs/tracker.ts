/**
 * The `gpujs` backend: the WebGPU kernel's integrator and precision scheme in GLSL (glsl.ts) on
 * WebGL2 through gpu.js, for browsers without WebGPU. Plane-wave fields (and B0 alone); grids
 * need the webgpu or cpu backend. Platform-neutral: the page hands in a gpu.js instance.
 *
 * Each draw runs S steps for every particle (one fragment per particle); the state stays in float
 * textures between draws and comes back to the host for progress (cell and step count), at
 * snapshot times (all of it) and at the end (crossings). The time line is the WebGPU backend's
 * schedule (schedule.ts), worked out in float64 exactly as the CPU integrator does. Draws are
 * sized to take about `targetDrawSeconds`, and the tracker yields to the event loop between
 * draws: in a page's main thread that keeps every task short; in a worker it lets messages in.
 */
import { rotationRatePerUGPerPc } from '../../config/units.ts';
import type { FieldData } from '../../turbulence/field.ts';
import type { EndStates, JobShape, Preflight, Snapshot, SphereCrossings, TrackJob, TrackProgress, Tracker } from '../types.ts';
import { DeviceLimitError } from '../types.ts';
import { chooseLattice, type Lattice } from '../webgpu/lattice.ts';
import { buildSchedule, stepStartPc, type Schedule } from '../webgpu/schedule.ts';
import { FIELD_MODES_TEXTURE, GLSL_LIBRARY, LAUNCH_KERNEL, LAUNCH_NATIVE, LAUNCH_SUBKERNELS, STEP_KERNEL, STEP_SUBKERNELS, fieldModesInline, stepNative, type OutputName } from './glsl.ts';
import type { GpuJsInstance, GpuJsKernelMap, GpuJsKernelSettings, GpuJsTexture } from './gpujs.ts';
import { decodeState, launchTexels, modeCountOf, packModeTexels, type StateTexels } from './pack.ts';
import type { Vec3 } from '../../config/vec3.ts';

export interface GpuJsTrackerOptions {
  /** Wall time a draw aims at, s (default 0.04: under a 50 ms task in a page's main thread). */
  readonly targetDrawSeconds?: number;
  /**
   * Where the mode table goes: 'inline' compiles it into the kernel as constants (a compile per
   * field realization; far faster on SwiftShader, where a texture fetch costs more than a mode's
   * arithmetic), 'texture' reads it from a float texture (one kernel for every field). Default
   * 'auto': inline up to MAX_INLINE_MODES modes.
   */
  readonly modeTable?: 'auto' | 'inline' | 'texture';
}

/** Most modes compiled into a kernel ('inline'). */
const MAX_INLINE_MODES = 1024;

/** FNV-1a of a float array's bits: tells inline kernels of different fields apart. */
function fingerprint(a: Float32Array): string {
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length);
  let h = 0x811c9dc5;
  for (const w of u) h = Math.imul(h ^ w, 0x01000193);
  return (h >>> 0).toString(16);
}

/** Draws are steps × particles fragments; the step count is a float in the textures, exact below 2^24. */
const MAX_STEPS = 2 ** 24;
const FIRST_DRAW_STEPS = 4;
/** Draw buffers the step kernel writes: state 0..3 and the two crossing vectors. */
const DRAW_BUFFERS = 6;

type States = Readonly<Record<'result' | OutputName, GpuJsTexture>>;

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

interface Kernels {
  readonly key: string;
  readonly launch: GpuJsKernelMap;
  readonly step: GpuJsKernelMap;
}

function settings(n: number, argumentTypes: GpuJsKernelSettings['argumentTypes'], native: GpuJsKernelSettings['nativeFunctions']): GpuJsKernelSettings {
  return { output: [n], returnType: 'Array(4)', argumentTypes, precision: 'single', tactic: 'precision', pipeline: true, immutable: true, injectedNative: GLSL_LIBRARY, nativeFunctions: native };
}

const STEP_ARGUMENTS: GpuJsKernelSettings['argumentTypes'] = {
  s0: 'ArrayTexture(4)',
  s1: 'ArrayTexture(4)',
  s2: 'ArrayTexture(4)',
  s3: 'ArrayTexture(4)',
  c0: 'ArrayTexture(4)',
  c1: 'ArrayTexture(4)',
  modes: 'Array',
  ...Object.fromEntries(['p0x', 'p0y', 'p0z', 'p0w', 'p1x', 'p1y', 'p1z', 'p1w', 'p2x', 'p2y', 'p2z', 'p2w'].map((k) => [k, 'Float' as const])),
};

export class GpuJsTracker implements Tracker, Preflight {
  readonly backend = 'gpujs' as const;
  private deviceName = 'WebGL2';
  private gpu: GpuJsInstance | null;
  private kernels: Kernels | null = null;
  /** The kernels were just built: their first draw includes the compile and says nothing of the rate. */
  private fresh = false;
  private readonly targetSeconds: number;
  private readonly modeTable: 'auto' | 'inline' | 'texture';
  /** Particle-steps per second of the last draws, per kernel (mode count and particles). */
  private readonly rates = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Runs a one-particle job to prove the kernels compile and run on this WebGL2 (float render
   * targets, 6 draw buffers, integer arithmetic); throws what went wrong if not.
   */
  static async create(gpu: GpuJsInstance, options: GpuJsTrackerOptions = {}): Promise<GpuJsTracker> {
    const tracker = new GpuJsTracker(gpu, options);
    try {
      const field: FieldData = { b0: [0, 0, 1], turbulence: null, summary: { b0: [0, 0, 1], brmsUG: 0, lMinPc: 0, lMaxPc: 0, correlationLengthPc: 0, description: 'probe' } };
      await tracker.track({ field, rigidityPV: 1, chargeSign: 1, origin: [0, 0, 0], directions: new Float64Array([1, 0, 0]), stepPc: 0.1, stop: { timesPc: [0.2] } });
      tracker.deviceName = describeContext(tracker.kernels?.step.kernel?.context);
      return tracker;
    } catch (e) {
      await tracker.dispose();
      throw new Error(`gpujs: WebGL2 kernel failed (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    }
  }

  private constructor(gpu: GpuJsInstance, options: GpuJsTrackerOptions) {
    this.gpu = gpu;
    this.targetSeconds = options.targetDrawSeconds ?? 0.04;
    this.modeTable = options.modeTable ?? 'auto';
  }

  /** The WebGL2 renderer, e.g. "WebGL2: ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) ...))". */
  get device(): string {
    return this.deviceName;
  }

  preflight(shape: JobShape): void {
    if (shape.gridN > 0) throw new DeviceLimitError('gpujs: grid fields are not supported on gpu.js (plane waves only); use the webgpu or cpu backend');
  }

  track(job: TrackJob, onProgress?: (p: TrackProgress) => void, signal?: AbortSignal): Promise<EndStates> {
    // one job at a time: the kernels and their textures are shared
    const run = this.queue.then(() => this.trackNow(job, onProgress, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Kernels for n particles and this mode table; `rateKey` names kernels that run at the same speed. */
  private kernelsFor(n: number, modes: Float32Array, modeCount: number): { kernels: Kernels; rateKey: string } {
    if (!this.gpu) throw new Error('gpujs tracker: used after dispose()');
    const inline = modeCount > 0 && (this.modeTable === 'inline' || (this.modeTable === 'auto' && modeCount <= MAX_INLINE_MODES));
    const rateKey = `${n}|${modeCount}|${inline ? 'inline' : 'texture'}`;
    const key = inline ? `${rateKey}|${fingerprint(modes)}` : rateKey;
    if (this.kernels?.key !== key) {
      this.releaseKernels();
      const fieldModes = inline ? fieldModesInline(modes, modeCount) : FIELD_MODES_TEXTURE;
      const launch = this.gpu.createKernelMap(LAUNCH_SUBKERNELS, LAUNCH_KERNEL, settings(n, { launch: 'Array' }, LAUNCH_NATIVE));
      const step = this.gpu.createKernelMap(STEP_SUBKERNELS, STEP_KERNEL, settings(n, STEP_ARGUMENTS, stepNative(fieldModes)));
      this.kernels = { key, launch, step };
      this.fresh = true;
    }
    return { kernels: this.kernels, rateKey };
  }

  private releaseKernels(): void {
    this.kernels?.launch.destroy();
    this.kernels?.step.destroy();
    this.kernels = null;
  }

  private async trackNow(job: TrackJob, onProgress?: (p: TrackProgress) => void, signal?: AbortSignal): Promise<EndStates> {
    signal?.throwIfAborted();
    const count = job.directions.length / 3;
    if (!Number.isInteger(count)) throw new Error('gpujs tracker: directions must hold 3 numbers per particle');
    if (!(job.rigidityPV > 0)) throw new Error(`gpujs tracker: rigidity must be > 0, got ${job.rigidityPV}`);
    if (job.stop.sphereRadiusPc !== undefined && !(job.stop.sphereRadiusPc > 0)) throw new Error(`gpujs tracker: sphere radius must be > 0, got ${job.stop.sphereRadiusPc}`);
    const schedule = buildSchedule(job.stop, job.stepPc);
    if (schedule.totalSteps >= MAX_STEPS) throw new DeviceLimitError(`gpujs: ${schedule.totalSteps} steps per particle; the float textures count at most 2^24`);
    const modeCount = modeCountOf(job.field);
    const lattice = chooseLattice(job.field, job.stepPc, job.origin);
    const modes = packModeTexels(job.field, lattice, job.origin);
    const { kernels, rateKey } = this.kernelsFor(count, modes, modeCount);

    const positions = job.stop.timesPc.map(() => new Float64Array(3 * count));
    const directions = job.stop.timesPc.map(() => new Float64Array(3 * count));
    let states: States = kernels.launch(launchTexels(job.directions, 0, count)) as States;
    try {
      const steps = await this.run(job, schedule, lattice, modes, modeCount, count, kernels, rateKey, () => states, (s) => (states = s), positions, directions, onProgress, signal);
      const sphere = job.stop.sphereRadiusPc !== undefined ? readCrossings(states, count, schedule, lattice, job.origin, job.stop.sphereRadiusPc) : null;
      const snapshots: Snapshot[] = job.stop.timesPc.map((timePc, k) => ({ timePc, positions: positions[k], directions: directions[k] }));
      return { count, snapshots, sphere, particleSteps: steps, backend: 'gpujs', device: this.device };
    } finally {
      deleteStates(states);
    }
  }

  private async run(
    job: TrackJob,
    schedule: Schedule,
    lattice: Lattice,
    modes: Float32Array,
    modeCount: number,
    count: number,
    kernels: Kernels,
    rateKey: string,
    current: () => States,
    replace: (s: States) => void,
    positions: Float64Array[],
    directions: Float64Array[],
    onProgress?: (p: TrackProgress) => void,
    signal?: AbortSignal,
  ): Promise<number> {
    const h = schedule.stepPc;
    const kappa = job.chargeSign * rotationRatePerUGPerPc(job.rigidityPV);
    const b0 = job.field.b0;
    const kick = (kappa * h) / 2;
    const drift = h / (2 * lattice.spacingPc);
    const sphere = job.stop.sphereRadiusPc !== undefined ? job.stop.sphereRadiusPc / lattice.spacingPc : 0;
    let steps = 0;
    let lastSteps = 0;
    for (const iv of schedule.intervals) {
      let done = 0;
      const total = iv.fullSteps + 1;
      while (done < total) {
        const rate = this.rates.get(rateKey);
        let s = rate === undefined ? FIRST_DRAW_STEPS : Math.max(1, Math.round((this.targetSeconds * rate) / count));
        if (lastSteps > 0) s = Math.min(s, lastSteps * 4); // grow gently while the rate settles
        s = Math.min(s, total - done);
        const landing = done + s === total;
        const started = performance.now();
        const before = current();
        const after = kernels.step(
          before.result, before.state1, before.state2, before.state3, before.cross0, before.cross1, modes,
          b0[0], b0[1], b0[2], kick,
          landing ? (kappa * iv.landingStepPc) / 2 : kick, drift, landing ? iv.landingStepPc / (2 * lattice.spacingPc) : drift, sphere,
          s, iv.firstStep + done, schedule.stopStep, modeCount,
        ) as States;
        replace(after);
        deleteStates(before);
        // reading the cells and step counts waits for the draw: the wall time of both is the rate's
        const s0 = after.result.renderRawOutput();
        const c1 = sphere > 0 ? after.cross1.renderRawOutput() : null;
        if (!this.fresh) this.rates.set(rateKey, (count * s) / Math.max((performance.now() - started) / 1000, 1e-4));
        this.fresh = false;
        done += s;
        lastSteps = s;
        steps = 0;
        let running = 0;
        for (let p = 0; p < count; p++) {
          const taken = s0[4 * p + 3];
          steps += taken;
          // stopped: crossed and past the stop step (glsl.ts crskyTrack)
          if (!(c1 !== null && c1[4 * p + 3] >= 0 && taken > schedule.stopStep)) running++;
        }
        if (landing && iv.snapshot >= 0) {
          const st: StateTexels = { s0, s1: after.state1.renderRawOutput(), s2: after.state2.renderRawOutput(), s3: after.state3.renderRawOutput() };
          for (let p = 0; p < count; p++) decodeState(st, p, lattice, job.origin, positions[iv.snapshot], directions[iv.snapshot], p);
        }
        onProgress?.({ fraction: (iv.firstStep + done) / schedule.totalSteps, particleSteps: steps });
        await yieldToEventLoop();
        signal?.throwIfAborted();
        if (running === 0) return steps;
      }
    }
    return steps;
  }

  async dispose(): Promise<void> {
    this.releaseKernels();
    const gpu = this.gpu;
    this.gpu = null;
    await gpu?.destroy();
  }
}

function deleteStates(states: States): void {
  for (const t of Object.values(states)) t.delete();
}

/** Sphere crossings from the crossing textures: position and direction, time from the step. */
function readCrossings(states: States, count: number, schedule: Schedule, lattice: Lattice, origin: Vec3, radiusPc: number): SphereCrossings {
  const c0 = states.cross0.renderRawOutput();
  const c1 = states.cross1.renderRawOutput();
  const positions = new Float64Array(3 * count).fill(NaN);
  const directions = new Float64Array(3 * count).fill(NaN);
  const timesPc = new Float64Array(count).fill(NaN);
  const s = lattice.spacingPc;
  for (let p = 0; p < count; p++) {
    const step = c1[4 * p + 3];
    if (step < 0) continue;
    for (let a = 0; a < 3; a++) {
      positions[3 * p + a] = origin[a] + c0[4 * p + a] * s;
      directions[3 * p + a] = c1[4 * p + a];
    }
    timesPc[p] = stepStartPc(schedule, step) + c0[4 * p + 3] * s;
  }
  return { radiusPc, positions, directions, timesPc };
}

/** "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) ...), SwiftShader driver)" or the masked name. */
function describeContext(gl: WebGL2RenderingContext | undefined): string {
  if (!gl) return 'WebGL2';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  const drawBuffers = Number(gl.getParameter(gl.MAX_DRAW_BUFFERS));
  if (drawBuffers < DRAW_BUFFERS) throw new Error(`WebGL2 has ${drawBuffers} draw buffers; the kernel writes ${DRAW_BUFFERS}`);
  return `WebGL2: ${renderer}`;
}
