/**
 * What a GPU machine is asked in one call (scripts/gpu-bench.sh, through dist/gpu-check.js):
 *  - adapterReport(): the WebGPU adapter crsky picks, its limits, and the tracker's batch size;
 *  - precisionCheck(): the webgpu tracker against the float64 cpu tracker on the same field, the
 *    same particles and the same snapshot times: per snapshot the largest, 90th-percentile and
 *    median differences of positions (pc and r_g) and directions (rad), and the running diffusion
 *    coefficients of both with their difference in units of its error.
 *
 * The trajectories agree to f32 round-off at first and decorrelate after some gyrations (chaos
 * amplifies the round-off), so early snapshots measure the kernel's precision and late ones only
 * the agreement of the statistics (D within a few sigma). The cheap test of the same is
 * src/sim/webgpu/statistics.test.ts; the long one scripts/validate-webgpu.ts.
 */
import os from 'node:os';
import { runningDiffusion } from '../../analysis/diffusion.ts';
import { FieldSchema } from '../../config/schema.ts';
import { createField } from '../../turbulence/create.ts';
import type { FieldData } from '../../turbulence/field.ts';
import { logSpacedTimes } from '../launch.ts';
import type { EndStates, TrackJob } from '../types.ts';
import { createTracker } from './backends.ts';
import { benchJob } from './bench.ts';
import { createNodeGpu } from './webgpu.ts';
import { WebGpuTracker } from '../webgpu/tracker.ts';

/** The adapter's limits that decide what crsky can run. */
const LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxUniformBufferBindingSize',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeInvocationsPerWorkgroup',
  'maxStorageBuffersPerShaderStage',
] as const;

export interface AdapterReport {
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly env: Record<string, string>;
  /** null when Dawn found no adapter. */
  readonly adapter: {
    readonly vendor: string;
    readonly architecture: string;
    readonly device: string;
    readonly description: string;
    readonly features: string[];
    readonly limits: Record<string, number>;
  } | null;
  /** The tracker crsky's webgpu backend makes: its device line and largest batch of particles. */
  readonly tracker: { readonly device: string; readonly cpuAdapter: boolean; readonly maxBatchParticles: number } | { readonly error: string };
}

/** The adapter Dawn gives crsky (high-performance), and the tracker made on it. */
export async function adapterReport(): Promise<AdapterReport> {
  const env: Record<string, string> = {};
  for (const k of ['VK_DRIVER_FILES', 'VK_ICD_FILENAMES', 'LD_LIBRARY_PATH', 'LP_NATIVE_VECTOR_WIDTH', 'GALLIVM_PERF', 'NVIDIA_VISIBLE_DEVICES', 'CUDA_VISIBLE_DEVICES']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  const base = {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    env,
  };
  const gpu = await createNodeGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { ...base, adapter: null, tracker: { error: 'no WebGPU adapter' } };
  const limits: Record<string, number> = {};
  for (const k of LIMITS) limits[k] = Number(adapter.limits[k]);
  const info = adapter.info;
  const report = {
    ...base,
    adapter: { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, features: [...adapter.features].sort(), limits },
  };
  try {
    const tracker = await WebGpuTracker.create({ gpu, loadShader: () => Promise.reject(new Error('no shaders needed')) });
    const t = { device: tracker.device, cpuAdapter: tracker.cpuAdapter, maxBatchParticles: tracker.maxBatchParticles };
    await tracker.dispose();
    return { ...report, tracker: t };
  } catch (e) {
    return { ...report, tracker: { error: e instanceof Error ? e.message : String(e) } };
  }
}

export interface PrecisionOptions {
  /** Particles per field (default 4096). */
  readonly particles?: number;
  /** Last snapshot, in Ω·t = path length / r_g (default 100: 2000 steps of r_g/20). */
  readonly omegaT?: number;
  /** Snapshots, log-spaced in Ω·t from 1 (default 5). */
  readonly snapshots?: number;
  /** Plane-wave modes of the first field (default 256; 0 leaves it out). */
  readonly modes?: number;
  /** Nodes per side of the grid field (default 64; 0 leaves it out). */
  readonly gridN?: number;
  /** cpu tracker worker threads (default: all cores). */
  readonly threads?: number;
  readonly log?: (line: string) => void;
  /** Each field's result as it is done, and the report so far. */
  readonly onCase?: (c: PrecisionCase, report: PrecisionReport) => void;
}

/** Largest, 90th-percentile and median of a sample (NaN counts as the largest). */
export interface Spread {
  readonly max: number;
  readonly p90: number;
  readonly median: number;
}

export interface DiffusionAgreement {
  readonly webgpuPc: number;
  readonly webgpuErrPc: number;
  readonly cpuPc: number;
  readonly cpuErrPc: number;
  /** (webgpu − cpu) / sqrt(err_webgpu² + err_cpu²). */
  readonly sigmas: number;
}

export interface PrecisionSnapshot {
  readonly omegaT: number;
  readonly timePc: number;
  /** |x_webgpu − x_cpu|, pc. */
  readonly positionPc: Spread;
  /** The same in units of r_g. */
  readonly positionRg: Spread;
  /** Angle between the directions, rad. */
  readonly angleRad: Spread;
  /** Particles with a non-finite webgpu position or direction (must be 0). */
  readonly nonFinite: number;
  readonly dParallel: DiffusionAgreement;
  readonly dPerpendicular: DiffusionAgreement;
}

export interface PrecisionCase {
  readonly field: string;
  readonly correlationLengthPc: number;
  readonly gyroradiusPc: number;
  readonly stepPc: number;
  readonly particles: number;
  readonly steps: number;
  readonly backends: Record<'webgpu' | 'cpu', { device: string; seconds: number; particleStepsPerSecond: number }>;
  readonly snapshots: PrecisionSnapshot[];
}

export interface PrecisionReport {
  readonly workload: string;
  readonly cases: PrecisionCase[];
}

function spread(values: Float64Array): Spread {
  const s = Float64Array.from(values, (v) => (Number.isNaN(v) ? Infinity : v)).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { max: s[s.length - 1], p90: at(0.9), median: at(0.5) };
}

/**
 * The fields of the check: B0 = 1 uG along z + B_rms = 1 uG Kolmogorov 1-100 pc as plane waves,
 * and on a grid of gridN³ nodes over 100 pc (inner scale max(1, 200/gridN) pc).
 */
function precisionFields(modes: number, gridN: number): FieldData[] {
  const spectrum = { kind: 'kolmogorov', lMinPc: 1, lMaxPc: 100 };
  const out: FieldData[] = [];
  if (modes > 0) out.push(createField(FieldSchema.parse({ b0UG: 1, turbulence: { brmsUG: 1, method: 'modes', modes, spectrum } }), 'crsky-gpu-check'));
  // the grid spans the 100 pc outer scale; its inner scale is the smallest it resolves, 2 spacings
  const grid = { ...spectrum, lMinPc: Math.max(1, 200 / gridN) };
  if (gridN > 0) out.push(createField(FieldSchema.parse({ b0UG: 1, turbulence: { brmsUG: 1, method: 'grid', gridN, spectrum: grid } }), 'crsky-gpu-check'));
  return out;
}

/** Tracks the same particles on webgpu and on the float64 cpu tracker; compares the end states. */
export async function precisionCheck(options: PrecisionOptions = {}): Promise<PrecisionReport> {
  const particles = options.particles ?? 4096;
  const omegaT = options.omegaT ?? 100;
  const nSnap = options.snapshots ?? 5;
  const log = options.log ?? (() => {});
  if (!(Number.isInteger(particles) && particles >= 1)) throw new Error(`precision check: particles must be an integer >= 1, got ${particles}`);
  if (!(omegaT >= 1)) throw new Error(`precision check: omegaT must be >= 1, got ${omegaT}`);
  const fields = precisionFields(options.modes ?? 256, options.gridN ?? 64);
  const report: PrecisionReport = {
    workload: `B0 = 1 uG along z + B_rms = 1 uG Kolmogorov 1-100 pc (grid: 100 pc box, from 2 spacings); r_g = 0.1 L_c in B0, h = r_g/20; ${particles} back-tracked protons from the origin (golden-angle spiral); snapshots log-spaced in Ω·t from 1 to ${omegaT}`,
    cases: [],
  };
  const omegaTimes = logSpacedTimes(1, omegaT, nSnap);
  const gpu = await createTracker('webgpu', { webgpu: { modeTable: 'fastest' } });
  const cpu = await createTracker('cpu', { threads: options.threads });
  log(gpu.reason);
  log(cpu.reason);
  try {
    for (const field of fields) {
      // the benchmark's job (r_g = 0.1 L_c, h = r_g/20, spiral launches), stopped at the Ω·t snapshots
      const rg = 0.1 * field.summary.correlationLengthPc;
      const job: TrackJob = { ...benchJob(field, particles, 1), stop: { timesPc: omegaTimes.map((w) => w * rg) } };
      const ends = {} as Record<'webgpu' | 'cpu', EndStates>;
      const backends = {} as PrecisionCase['backends'];
      for (const [name, t] of [['webgpu', gpu.tracker], ['cpu', cpu.tracker]] as const) {
        const t0 = performance.now();
        ends[name] = await t.track(job);
        const seconds = (performance.now() - t0) / 1000;
        backends[name] = { device: t.device, seconds, particleStepsPerSecond: ends[name].particleSteps / seconds };
        log(`${field.summary.description}: ${name} ${seconds.toFixed(2)} s (${(ends[name].particleSteps / seconds).toExponential(2)} particle-steps/s${name === 'webgpu' ? ', kernel compile included' : ''})`);
      }
      const dg = runningDiffusion([{ start: [0, 0, 0], snapshots: ends.webgpu.snapshots }], [0, 0, 1]);
      const dc = runningDiffusion([{ start: [0, 0, 0], snapshots: ends.cpu.snapshots }], [0, 0, 1]);
      const agree = (a: number, ea: number, b: number, eb: number): DiffusionAgreement => ({ webgpuPc: a, webgpuErrPc: ea, cpuPc: b, cpuErrPc: eb, sigmas: (a - b) / Math.hypot(ea, eb) });
      const snapshots = omegaTimes.map((w, k): PrecisionSnapshot => {
        const g = ends.webgpu.snapshots[k];
        const c = ends.cpu.snapshots[k];
        const dx = new Float64Array(particles);
        const angle = new Float64Array(particles);
        let nonFinite = 0;
        for (let i = 0; i < particles; i++) {
          const j = 3 * i;
          dx[i] = Math.hypot(g.positions[j] - c.positions[j], g.positions[j + 1] - c.positions[j + 1], g.positions[j + 2] - c.positions[j + 2]);
          // the angle from the chord: accurate for small angles, unlike acos of the dot product
          const chord = Math.hypot(g.directions[j] - c.directions[j], g.directions[j + 1] - c.directions[j + 1], g.directions[j + 2] - c.directions[j + 2]);
          angle[i] = 2 * Math.asin(Math.min(1, chord / 2));
          if (![0, 1, 2].every((a) => Number.isFinite(g.positions[j + a]) && Number.isFinite(g.directions[j + a]))) nonFinite++;
        }
        const positionPc = spread(dx);
        const rows = [dg[k], dc[k]];
        return {
          omegaT: w,
          timePc: g.timePc,
          positionPc,
          positionRg: { max: positionPc.max / rg, p90: positionPc.p90 / rg, median: positionPc.median / rg },
          angleRad: spread(angle),
          nonFinite,
          dParallel: agree(rows[0].parallelPc, rows[0].parallelErrPc, rows[1].parallelPc, rows[1].parallelErrPc),
          dPerpendicular: agree(rows[0].perpendicularPc, rows[0].perpendicularErrPc, rows[1].perpendicularPc, rows[1].perpendicularErrPc),
        };
      });
      for (const s of snapshots) {
        log(
          `  Ω·t ${s.omegaT.toPrecision(3)}: |Δx| max ${s.positionRg.max.toExponential(2)} r_g, median ${s.positionRg.median.toExponential(2)} r_g; ` +
            `angle max ${s.angleRad.max.toExponential(2)}, median ${s.angleRad.median.toExponential(2)} rad; ` +
            `D∥ ${s.dParallel.sigmas.toFixed(2)}σ, D⊥ ${s.dPerpendicular.sigmas.toFixed(2)}σ${s.nonFinite ? `; ${s.nonFinite} non-finite` : ''}`,
        );
      }
      const c: PrecisionCase = {
        field: field.summary.description,
        correlationLengthPc: field.summary.correlationLengthPc,
        gyroradiusPc: rg,
        stepPc: job.stepPc,
        particles,
        steps: Math.ceil((omegaT * rg) / job.stepPc - 1e-9),
        backends,
        snapshots,
      };
      report.cases.push(c);
      options.onCase?.(c, report);
    }
  } finally {
    await gpu.tracker.dispose();
    await cpu.tracker.dispose();
  }
  return report;
}

/** The particle-steps/s the issue asks of a GPU at 256 modes (issue 14). */
export const GPU_TARGET_256_MODES = 1e10;

export interface GpuBenchSummary {
  readonly totalSeconds: number | null;
  readonly gpu: string[];
  readonly adapter: string | null;
  /** Whether that adapter runs on the CPU (lavapipe): the smoke check, not a GPU. */
  readonly cpuAdapter: boolean;
  readonly steps: { name: string; status: string; wallSeconds: number }[];
  readonly bench: { file: string; workload: string; backend: string; particleStepsPerSecond: number; slowestRun: number; cpuNormalized: number; device: string }[];
  /** Best webgpu rate at 256 modes (crsky workload) and whether it meets GPU_TARGET_256_MODES. */
  readonly target: { readonly particleStepsPerSecond: number | null; readonly particles: number | null; readonly met: boolean | null };
  readonly precision: {
    field: string;
    snapshots: { omegaT: number; positionRgMax: number; positionRgMedian: number; angleRadMax: number; angleRadMedian: number; dParallelSigmas: number; dPerpendicularSigmas: number; nonFinite: number }[];
  }[];
  /** Files that were missing or unreadable. */
  readonly missing: string[];
}

/**
 * Collects what scripts/gpu-bench.sh wrote into its output folder (`files` reads it: steps.json, nvidia-smi.csv, adapter.json,
 * bench-*.json, precision.json) into one summary; whatever is missing is named, not fatal.
 */
export function summarizeGpuBench(files: { read(name: string): string | null; list(): string[] }, totalSeconds: number | null = null): GpuBenchSummary {
  const missing: string[] = [];
  const json = <T>(name: string): T | null => {
    const text = files.read(name);
    if (text === null) {
      missing.push(name);
      return null;
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      missing.push(`${name} (not JSON)`);
      return null;
    }
  };
  const steps = (json<{ name: string; status: string; wallSeconds: number }[]>('steps.json') ?? []).map((s) => ({ name: s.name, status: s.status, wallSeconds: s.wallSeconds }));
  const csv = files.read('nvidia-smi.csv');
  const gpu = csv ? csv.trim().split('\n').slice(1) : [];
  const adapter = json<AdapterReport>('adapter.json');
  const bench: GpuBenchSummary['bench'] = [];
  const best = { rate: 0, particles: 0 };
  // in the order gpu-bench.sh runs them, then any others
  const order = ['bench-modes.json', 'bench-grid.json', 'bench-crpropa.json', 'bench-cpu.json'];
  const rank = (f: string) => (order.includes(f) ? order.indexOf(f) : order.length);
  for (const file of files.list().filter((f) => /^bench-.*\.json$/.test(f)).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))) {
    type Rec = { suite?: string; field: 'modes' | 'grid'; modes: number; gridN: number; particles: number; backend: string; particleStepsPerSecond: number; runs: number[]; cpuNormalized: number[]; device: string };
    for (const r of json<Rec[]>(file) ?? []) {
      const what = (r.suite === 'crpropa' ? 'CRPropa workload, ' : '') + (r.field === 'modes' ? `${r.modes} modes` : `grid ${r.gridN}³`);
      bench.push({ file, workload: `${what}, ${r.particles} particles`, backend: r.backend, particleStepsPerSecond: r.particleStepsPerSecond, slowestRun: r.runs[r.runs.length - 1], cpuNormalized: r.cpuNormalized[0], device: r.device });
      if (r.backend === 'webgpu' && r.suite !== 'crpropa' && r.field === 'modes' && r.modes === 256 && r.particleStepsPerSecond > best.rate) Object.assign(best, { rate: r.particleStepsPerSecond, particles: r.particles });
    }
  }
  const p = json<PrecisionReport>('precision.json');
  const precision = (p?.cases ?? []).map((c) => ({
    field: c.field,
    snapshots: c.snapshots.map((s) => ({
      omegaT: s.omegaT,
      positionRgMax: s.positionRg.max,
      positionRgMedian: s.positionRg.median,
      angleRadMax: s.angleRad.max,
      angleRadMedian: s.angleRad.median,
      dParallelSigmas: s.dParallel.sigmas,
      dPerpendicularSigmas: s.dPerpendicular.sigmas,
      nonFinite: s.nonFinite,
    })),
  }));
  return {
    totalSeconds,
    gpu,
    adapter: adapter ? ('device' in adapter.tracker ? adapter.tracker.device : `none: ${adapter.tracker.error}`) : null,
    cpuAdapter: !!adapter && 'cpuAdapter' in adapter.tracker && adapter.tracker.cpuAdapter,
    steps,
    bench,
    target: best.rate > 0 ? { particleStepsPerSecond: best.rate, particles: best.particles, met: best.rate >= GPU_TARGET_256_MODES } : { particleStepsPerSecond: null, particles: null, met: null },
    precision,
    missing,
  };
}

/** The summary as text: the console's last lines after a device call. */
export function formatGpuBenchSummary(s: GpuBenchSummary): string {
  const e = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : String(x));
  const lines = [
    `== summary${s.totalSeconds !== null ? ` (${s.totalSeconds.toFixed(0)} s)` : ''}`,
    ...s.gpu.map((g) => `GPU: ${g}`),
    `WebGPU adapter: ${s.adapter ?? '(adapter.json missing)'}`,
    `steps: ${s.steps.map((x) => `${x.name} ${x.status} ${x.wallSeconds.toFixed(0)} s`).join('; ')}`,
    ...s.bench.map((r) => `${r.backend} ${r.workload}: ${e(r.particleStepsPerSecond)} particle-steps/s (slowest ${e(r.slowestRun)})`),
    s.target.particleStepsPerSecond === null
      ? `target >= ${e(GPU_TARGET_256_MODES)} at 256 modes: not measured`
      : `target >= ${e(GPU_TARGET_256_MODES)} at 256 modes: ${e(s.target.particleStepsPerSecond)} (${s.target.particles} particles): ${s.target.met ? 'met' : 'NOT met'}` +
        (s.cpuAdapter ? ' (a CPU adapter: the target is a GPU’s)' : ''),
    ...s.precision.flatMap((c) => [
      `precision, ${c.field}:`,
      ...c.snapshots.map(
        (x) =>
          `  Ω·t ${x.omegaT.toPrecision(3)}: |Δx| max ${e(x.positionRgMax)} median ${e(x.positionRgMedian)} r_g; angle max ${e(x.angleRadMax)} median ${e(x.angleRadMedian)} rad; ` +
          `D∥ ${x.dParallelSigmas.toFixed(2)}σ D⊥ ${x.dPerpendicularSigmas.toFixed(2)}σ${x.nonFinite ? `; ${x.nonFinite} NON-FINITE` : ''}`,
      ),
    ]),
    ...(s.missing.length ? [`missing: ${s.missing.join(', ')}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
