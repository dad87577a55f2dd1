/**
 * Particle-steps per second of every available backend on the same workloads: plane waves with
 * 64, 256 and 1024 modes and an FFT grid of 256³ nodes, each with 16k and 256k particles. The
 * reference workload is plane waves, 256 modes, Boris, r_g = 0.1 L_c, step r_g / 20, 16k
 * particles (docs/benchmark.md). The `crpropa` suite is exactly the workload of the CRPropa 3
 * comparison (issue 14): B0 = 0, Kolmogorov 0.5-50 pc, 2000 particles × 4001 steps.
 *
 * Each measurement is a whole track() call (launch upload, dispatch loop, read-back, conversion
 * to float64) after a warm-up that compiled the kernel and learned the rate; it is repeated and
 * the best and the spread are kept, since other work on a shared machine only ever slows a run.
 */
import { spiralDirections } from '../launch.ts';
import { toSharedMemory } from '../cpu/tracker.ts';
import os from 'node:os';
import { FieldSchema } from '../../config/schema.ts';
import { referenceFieldUG, rigidityForGyroradiusPV } from '../../config/units.ts';
import { createField } from '../../turbulence/create.ts';
import { powerLawCorrelationLengthPc } from '../../turbulence/spectrum.ts';
import { type FieldData } from '../../turbulence/field.ts';
import { createTracker, type BackendChoice } from './backends.ts';
import type { BackendName, TrackJob, Tracker } from '../types.ts';

export interface BenchWorkload {
  /** 'crsky' (default): B0 + turbulence 1-100 pc, runs of a set wall time; 'crpropa': CRPROPA_WORKLOAD. */
  readonly suite?: BenchSuite;
  readonly field: 'modes' | 'grid';
  /** Plane-wave modes (0 for a grid). */
  readonly modes: number;
  /** Grid nodes per side (0 for plane waves). */
  readonly gridN: number;
  readonly particles: number;
}

export interface BenchRecord extends BenchWorkload {
  readonly backend: BackendName;
  /** Best of the repeated runs. */
  readonly particleStepsPerSecond: number;
  readonly device: string;
  /** Every run's particle-steps per second, best first. */
  readonly runs: readonly number[];
  /** Steps per particle in each measured run. */
  readonly stepsPerRun: number;
  /**
   * Every run's particle-steps per CPU-second of the whole process (all its threads: lavapipe's,
   * the cpu tracker's workers, Dawn's polling) times the machine's cores, best first: the rate
   * the run would have had with the cores to itself, if it scaled perfectly. On a shared machine
   * it is the fairer number (CRPropa's driver reports the same).
   */
  readonly cpuNormalized: readonly number[];
  /** Every run's CPU time / (wall time · cores), in run order: well below 1 means other load. */
  readonly cpuUtil: readonly number[];
}

export type BenchSuite = 'crsky' | 'crpropa';

/**
 * The CRPropa 3 comparison workload (docs/benchmark.md, issue 14): B0 = 0, B_rms = 1 uG of
 * Kolmogorov turbulence between 0.5 and 50 pc, protons with r_g = 0.1 L_c in B_rms, Boris steps
 * of r_g/20, 2000 particles × 4001 steps from the origin; plane waves with 64, 256 and 1024
 * modes, or a 256³ FFT grid at 0.25 pc spacing (a 64 pc box). Its driver times the propagation
 * loop only; here a run is one whole track() call after a warm-up that compiled the kernel.
 */
export const CRPROPA_WORKLOAD = {
  lMinPc: 0.5,
  lMaxPc: 50,
  brmsUG: 1,
  particles: 2000,
  steps: 4001,
  modes: [64, 256, 1024],
  gridN: 256,
  gridSpacingPc: 0.25,
} as const;

export interface BenchOptions {
  /** Backends to measure (default: cpu and webgpu; webgpu is left out, with a note, without an adapter). */
  readonly backends?: readonly ('cpu' | 'webgpu')[];
  /** About a minute on a 2-core machine: the reference workload and the grid, 16k particles, short runs. */
  readonly quick?: boolean;
  /** Overrides the workload list. */
  readonly workloads?: readonly BenchWorkload[];
  /** Wall time each measured run aims at, s (default 4, quick 2). */
  readonly secondsPerRun?: number;
  /** Measured runs per workload and backend (default 3). */
  readonly repeats?: number;
  /** CPU worker threads (default: all cores). */
  readonly threads?: number;
  /** Progress and notes, one line each. */
  readonly log?: (line: string) => void;
  /** Each record as it is measured. */
  readonly onRecord?: (record: BenchRecord) => void;
}

/** Rows of a benchmark: plane-wave mode counts and 'grid'. */
export type BenchRow = number | 'grid';

/**
 * Every workload of the full run: three mode counts and the 256³ grid, 16k and 256k particles
 * (quick: 256 modes and the grid, 16k). `rows` and `particles` replace either list. Ordered by
 * field, then particles: each field is drawn once (a 256³ grid takes seconds to draw).
 */
export function benchWorkloads(quick: boolean, choice: { rows?: readonly BenchRow[]; particles?: readonly number[] } = {}): BenchWorkload[] {
  const sizes = choice.particles ?? (quick ? [16384] : [16384, 262144]);
  const rows = choice.rows ?? (quick ? [256, 'grid'] : [64, 256, 1024, 'grid']);
  return rows.flatMap((row) =>
    sizes.map((particles): BenchWorkload => (row === 'grid' ? { field: 'grid', modes: 0, gridN: 256, particles } : { field: 'modes', modes: row, gridN: 0, particles })),
  );
}

/**
 * The CRPropa comparison: 64, 256 and 1024 modes and the 256³ grid, 2000 particles each
 * (`particles` departs from it: the same field, steps and step size for more or fewer particles).
 */
export function crpropaWorkloads(particles: readonly number[] = [CRPROPA_WORKLOAD.particles]): BenchWorkload[] {
  return [
    ...CRPROPA_WORKLOAD.modes.flatMap((modes) => particles.map((n) => ({ suite: 'crpropa' as const, field: 'modes' as const, modes, gridN: 0, particles: n }))),
    ...particles.map((n) => ({ suite: 'crpropa' as const, field: 'grid' as const, modes: 0, gridN: CRPROPA_WORKLOAD.gridN, particles: n })),
  ];
}

/**
 * The benchmark field. crsky suite: B0 = 1 uG along z plus B_rms = 1 uG of Kolmogorov turbulence
 * between 1 and 100 pc (a 256³ grid spans the 100 pc box at 0.39 pc spacing); crpropa suite:
 * CRPROPA_WORKLOAD. Drawn by the project's generator. The turbulence arrays are moved into shared
 * memory once, as a long-running program would: the cpu tracker shares them with its workers
 * without copying 200 MB per track() call.
 */
export function benchField(w: BenchWorkload): FieldData {
  const crpropa = w.suite === 'crpropa';
  const spectrum = crpropa ? { kind: 'kolmogorov', lMinPc: CRPROPA_WORKLOAD.lMinPc, lMaxPc: CRPROPA_WORKLOAD.lMaxPc } : { kind: 'kolmogorov', lMinPc: 1, lMaxPc: 100 };
  const turbulence =
    w.field === 'modes'
      ? { brmsUG: 1, method: 'modes', modes: w.modes, spectrum }
      : { brmsUG: 1, method: 'grid', gridN: w.gridN, spectrum, ...(crpropa ? { gridSpacingPc: CRPROPA_WORKLOAD.gridSpacingPc } : {}) };
  const field = crpropa
    ? createField(FieldSchema.parse({ b0UG: 0, turbulence }), 'crsky-bench-crpropa')
    : createField(FieldSchema.parse({ b0UG: 1, b0Direction: [0, 0, 1], turbulence }), 'crsky-bench');
  const t = field.turbulence;
  if (t?.kind === 'modes') return { ...field, turbulence: { kind: 'modes', table: toSharedMemory(t.table) } };
  if (t?.kind === 'grid') return { ...field, turbulence: { ...t, data: toSharedMemory(t.data) } };
  return field;
}


/** Isotropic launch directions on a golden-angle spiral (deterministic). */
export const benchDirections = spiralDirections;

/**
 * The job of a workload for `steps` steps: r_g = 0.1 L_c in B0 (B_rms when B0 = 0), h = r_g / 20,
 * back-tracked protons. L_c is the field's (from its modes), or with `correlationLengthPc` a given
 * one: the crpropa suite uses the continuous-spectrum formula, as CRPropa does (10.4819 pc; the
 * 64 drawn modes give 10.4766).
 */
export function benchJob(field: FieldData, particles: number, steps: number, correlationLengthPc = field.summary.correlationLengthPc): TrackJob {
  const rg = 0.1 * correlationLengthPc;
  const h = rg / 20;
  return {
    field,
    rigidityPV: rigidityForGyroradiusPV(rg, referenceFieldUG(Math.hypot(...field.b0), field.summary.brmsUG)),
    chargeSign: -1,
    origin: [0, 0, 0],
    directions: benchDirections(particles),
    stepPc: h,
    stop: { timesPc: [steps * h] },
  };
}

interface Run {
  readonly rate: number;
  readonly cpuNormalized: number;
  readonly cpuUtil: number;
}

async function measure(tracker: Tracker, field: FieldData, w: BenchWorkload, seconds: number, repeats: number): Promise<{ runs: Run[]; steps: number }> {
  const cores = os.cpus().length;
  const lc = w.suite === 'crpropa' ? powerLawCorrelationLengthPc(CRPROPA_WORKLOAD.lMinPc, CRPROPA_WORKLOAD.lMaxPc) : field.summary.correlationLengthPc;
  const run = async (steps: number): Promise<Run> => {
    const job = benchJob(field, w.particles, steps, lc);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const end = await tracker.track(job);
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(cpu0);
    const cpuSeconds = (c.user + c.system) / 1e6;
    return { rate: end.particleSteps / wall, cpuNormalized: (cores * end.particleSteps) / cpuSeconds, cpuUtil: cpuSeconds / (wall * cores) };
  };
  // warm-up: compiles the kernel and uploads the field
  await run(2);
  let steps: number;
  if (w.suite === 'crpropa') {
    steps = CRPROPA_WORKLOAD.steps;
    await run(64); // and learns the dispatch rate
  } else {
    // probes, 4× longer each time, until one lasts a fifth of a run: its rate sizes the measured runs
    let probe = 4;
    let guess = 0;
    for (let i = 0; i < 6; i++) {
      guess = (await run(probe)).rate;
      if ((probe * w.particles) / guess > 0.2 * seconds) break;
      probe *= 4;
    }
    steps = Math.max(4, Math.round((seconds * guess) / w.particles));
  }
  const runs: Run[] = [];
  for (let r = 0; r < repeats; r++) runs.push(await run(steps));
  return { runs, steps };
}

/** Measures every workload on every available backend. */
export async function runBenchmark(options: BenchOptions = {}): Promise<BenchRecord[]> {
  const quick = options.quick ?? false;
  const log = options.log ?? (() => {});
  const workloads = options.workloads ?? benchWorkloads(quick);
  const seconds = options.secondsPerRun ?? (quick ? 2 : 4);
  const repeats = options.repeats ?? 3;
  const wanted = options.backends ?? ['cpu', 'webgpu'];
  const records: BenchRecord[] = [];
  const load = os.loadavg()[0];
  log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${load.toFixed(2)}${load > 0.5 ? ' — not quiet: rates may be low' : ''}`);

  const trackers = new Map<BackendName, Tracker>();
  try {
    // lavapipe's vector width is set once per process: 512 bits suit plane waves, 256 the grid
    // (node/webgpu.ts lavapipeVectorWidth); a mixed list keeps the driver's default
    const kinds = new Set(workloads.map((w) => w.field));
    const hint = kinds.size === 1 ? { particleSteps: 0, fields: 1, modes: kinds.has('modes') ? 1 : 0, gridN: kinds.has('grid') ? 1 : 0 } : undefined;
    for (const name of wanted) {
      const choice: BackendChoice = name;
      try {
        // the steady-state kernel (on lavapipe the inline table), the same in warm-up and runs
        const { tracker, reason } = await createTracker(choice, { threads: options.threads, workload: hint, quickCompile: false, webgpu: { modeTable: 'fastest' } });
        trackers.set(tracker.backend, tracker);
        log(`backend ${reason}${tracker.backend === 'webgpu' && process.env.LP_NATIVE_VECTOR_WIDTH ? ` (LP_NATIVE_VECTOR_WIDTH=${process.env.LP_NATIVE_VECTOR_WIDTH})` : ''}`);
      } catch (e) {
        if (name === 'cpu') throw e;
        log(`backend webgpu left out: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const fields = new Map<string, FieldData>();
    for (const w of workloads) {
      const key = `${w.field} ${w.modes} ${w.gridN}`;
      let field = fields.get(key);
      if (!field) {
        fields.clear(); // a 256³ grid is 200 MB: keep one field at a time
        const t0 = performance.now();
        field = benchField(w);
        fields.set(key, field);
        log(`field: ${field.summary.description} (${((performance.now() - t0) / 1000).toFixed(1)} s to draw)`);
      }
      for (const [backend, tracker] of trackers) {
        const measured = await measure(tracker, field, w, seconds, repeats);
        const best = (xs: number[]) => xs.sort((a, b) => b - a);
        const runs = best(measured.runs.map((r) => r.rate));
        const record: BenchRecord = {
          backend,
          ...w,
          particleStepsPerSecond: runs[0],
          device: tracker.device,
          runs,
          stepsPerRun: measured.steps,
          cpuNormalized: best(measured.runs.map((r) => r.cpuNormalized)),
          cpuUtil: measured.runs.map((r) => r.cpuUtil),
        };
        records.push(record);
        options.onRecord?.(record);
        log(
          `${describeWorkload(w)} ${backend}: ${runs[0].toExponential(3)} particle-steps/s (runs ${runs.map((r) => r.toExponential(2)).join(', ')}; ${measured.steps} steps each; ` +
            `CPU-normalized ${record.cpuNormalized.map((r) => r.toExponential(2)).join(', ')}; cpu use ${record.cpuUtil.map((u) => u.toFixed(2)).join(', ')})`,
        );
      }
    }
  } finally {
    for (const t of trackers.values()) await t.dispose();
  }
  return records;
}

export function describeWorkload(w: BenchWorkload): string {
  const what = (w.suite === 'crpropa' ? 'CRPropa workload, ' : '') + (w.field === 'modes' ? `${w.modes} modes` : `grid ${w.gridN}³`);
  const p = w.particles;
  const n = p >= 2 ** 20 && p % 2 ** 20 === 0 ? `${p / 2 ** 20}M` : p >= 1024 && p % 1024 === 0 ? `${p / 1024}k` : `${p}`;
  return `${what}, ${n} particles`;
}

/** A Markdown table: one row per workload, a column per backend, ratios to the cpu of the same run. */
export function formatBenchTable(records: readonly BenchRecord[]): string {
  const backends = [...new Set(records.map((r) => r.backend))];
  const key = (r: BenchRecord) => `${r.suite ?? 'crsky'}|${r.field}|${r.modes}|${r.gridN}|${r.particles}`;
  const keys = [...new Set(records.map(key))];
  const head = ['workload', ...backends.map((b) => `${b}: particle-steps/s (slowest run)`), ...backends.filter((b) => b !== 'cpu').map((b) => `${b} / cpu`)];
  const rows = keys.map((k) => {
    const rs = records.filter((r) => key(r) === k);
    const by = (b: string) => rs.find((r) => r.backend === b);
    const cpu = by('cpu');
    const cells = backends.map((b) => {
      const r = by(b);
      if (!r) return '—';
      const slowest = r.runs[r.runs.length - 1];
      return `${r.particleStepsPerSecond.toExponential(2)} (${slowest.toExponential(2)})`;
    });
    const ratios = backends
      .filter((b) => b !== 'cpu')
      .map((b) => {
        const r = by(b);
        return r && cpu ? `${(r.particleStepsPerSecond / cpu.particleStepsPerSecond).toFixed(1)}×` : '—';
      });
    return [describeWorkload(rs[0]), ...cells, ...ratios];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
