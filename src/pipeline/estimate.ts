/**
 * What a run will cost, known from the config alone: particles, steps, memory. Checked before any
 * work, so a run that cannot fit (or could never finish) is refused with the option to change,
 * the estimate and the limit, instead of dying in V8 or running forever; and a long run says how
 * long it will take before it starts.
 *
 * Memory is a model of the largest allocations, per particle: launch directions (3 float64),
 * the tracker's state (~64 B), the end states at every snapshot (positions and directions,
 * 6 float64) or at the sphere (7 float64), and the per-map density and noise work (3 float64);
 * plus the turbulence grid (3 float64 components and the FFT work, ~40 B per node). It is a
 * lower bound good to a factor ~2, enough to refuse what is hopeless.
 *
 * Time: particle-steps divided by a rate that is a conservative constant per backend (not a
 * measurement), about the slowest we measured (docs/benchmark.md): cpu 1e5 particle-steps/s per
 * worker thread with 256 plane waves, webgpu 2e6 (lavapipe on 2 CPU cores; a real GPU is 10-100
 * times faster), both scaled by 256/modes for plane waves; 1e6 per thread and 1e7 on the FFT grid.
 * Real runs are usually faster.
 */
import { ConfigError } from '../config/errors.ts';
import { snapshotTimesPc, stepPc } from '../config/derived.ts';
import type { Config } from '../config/schema.ts';
import { nside2npix } from '../analysis/healpix.ts';
import type { WorkloadEstimate } from '../sim/webgpu/cost.ts';
import { binConfig, configBins } from './spectrum.ts';

/** One trajectory may take at most this many steps: beyond it a run cannot finish in any sense. */
export const MAX_STEPS_PER_PARTICLE = 1e9;
/** Largest typed array (elements) V8 allocates in Node 20. */
export const MAX_ARRAY_ELEMENTS = 2 ** 32;

const TRACKER_STATE_BYTES = 64;
const SNAPSHOT_BYTES = 6 * 8;
const SPHERE_BYTES = 7 * 8;
const WORK_BYTES = 3 * 8;
const GRID_NODE_BYTES = 40;

export interface RunEstimate {
  readonly particles: number;
  readonly snapshots: number;
  readonly sphere: boolean;
  /** Longest integration, pc, and the steps it takes per particle. */
  readonly maxTimePc: number;
  readonly stepPc: number;
  /** Steps per particle of one realization (with a spectrum: summed over the bins). */
  readonly stepsPerParticle: number;
  /** Steps of the longest single trajectory (the largest bin's with a spectrum). */
  readonly stepsPerTrajectory: number;
  /** Rigidity bins tracked per realization (1 without a spectrum). */
  readonly bins: number;
  /** Particle-steps per realization. */
  readonly particleStepsPerRealization: number;
  readonly realizations: number;
  /** Peak memory of one realization, bytes (model above). */
  readonly memoryBytes: number;
  /** Largest single typed array, elements. */
  readonly largestArray: number;
}

export interface RunLimits {
  /** Memory a run may use, bytes. */
  readonly memoryBytes: number;
  /** What that limit is, e.g. "3/4 of this machine's memory". */
  readonly memoryLabel: string;
}

function gridBytes(config: Config): number {
  const t = config.field.turbulence;
  if (!(t.brmsUG > 0) || t.modeTableFile !== undefined) return 0;
  if (t.method === 'grid') return t.gridN ** 3 * GRID_NODE_BYTES;
  // each nested grid is drawn by its own FFT, one after the other, and all are kept
  if (t.method === 'nested-grids') return (t.nestedGrids?.grids ?? []).reduce((a, g) => a + g.n ** 3 * GRID_NODE_BYTES, 0);
  return 0;
}

function particleBytes(snapshots: number, sphere: boolean): number {
  return 3 * 8 + TRACKER_STATE_BYTES + snapshots * SNAPSHOT_BYTES + (sphere ? SPHERE_BYTES : 0) + WORK_BYTES;
}

/**
 * The cost of a sky-map run (simulate): pure, from the config only. A spectrum run tracks its bins
 * one after the other through each realization: steps add up, memory is the largest bin's plus
 * the densities kept per bin and map for the combined sky.
 */
export function estimateRun(config: Config): RunEstimate {
  const bins = configBins(config);
  if (bins === null) return estimateSingle(config);
  const each = bins.map((b) => estimateSingle(binConfig(config, b)));
  const longest = each.reduce((a, e) => (e.stepsPerTrajectory > a.stepsPerTrajectory ? e : a));
  const stepsPerParticle = each.reduce((a, e) => a + e.stepsPerParticle, 0);
  const maps = Math.max(1, longest.snapshots);
  return {
    ...longest,
    stepsPerParticle,
    particleStepsPerRealization: longest.particles * stepsPerParticle,
    bins: bins.length,
    memoryBytes: Math.max(...each.map((e) => e.memoryBytes)) + longest.particles * bins.length * maps * 8,
  };
}

function estimateSingle(config: Config): RunEstimate {
  const p = config.particles;
  const particles = nside2npix(p.nside) * p.perPixelSide ** 2;
  const times = config.liouville.model === 'sphere' ? [] : snapshotTimesPc(config);
  const sphere = config.tracking.sphereRadiusPc !== undefined;
  const maxTimePc = Math.max(0, ...snapshotTimesPc(config), config.tracking.maxTimePc ?? 0);
  const h = stepPc(config);
  const stepsPerParticle = Math.ceil(maxTimePc / h);
  return {
    particles,
    snapshots: times.length,
    sphere,
    maxTimePc,
    stepPc: h,
    stepsPerParticle,
    stepsPerTrajectory: stepsPerParticle,
    bins: 1,
    particleStepsPerRealization: particles * stepsPerParticle,
    realizations: config.realizations,
    memoryBytes: particles * particleBytes(times.length, sphere) + gridBytes(config),
    largestArray: 3 * particles,
  };
}

/** Bytes as 1.5 GiB / 12 TiB: the largest binary unit that keeps the number >= 1. */
export function formatBytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) {
    b /= 1024;
    i++;
  }
  return `${b.toPrecision(3).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')} ${units[i]}`;
}

/** Counts as written: 49152, 3.22e+9, 1e+12. */
export function formatCount(n: number): string {
  return n < 1e6 ? String(n) : n.toExponential(2).replace(/\.?0+e/, 'e');
}

/**
 * Refuses a sky-map run that cannot fit or finish (ConfigError naming the field, the estimate
 * and the limit). Without `limits` only the machine-independent bounds are checked.
 */
export function checkRunEstimate(config: Config, est: RunEstimate, limits?: RunLimits): void {
  const t = config.tracking;
  if (est.stepsPerTrajectory > MAX_STEPS_PER_PARTICLE) {
    const steps = est.stepsPerTrajectory.toExponential(1);
    const T = est.maxTimePc.toPrecision(3);
    if (t.stepPc !== undefined) {
      throw new ConfigError(`config: tracking.stepPc = ${t.stepPc}: the last snapshot (T = ${T} pc) takes ${steps} steps per particle, over the limit of 1e+9; raise tracking.stepPc or lower the times`);
    }
    const field = t.maxTimePc !== undefined && t.maxTimePc >= est.maxTimePc ? `tracking.maxTimePc = ${t.maxTimePc}` : t.timesOmega.length > 0 ? `tracking.timesOmega = ${JSON.stringify(t.timesOmega)}` : `tracking.timesPc = ${JSON.stringify(t.timesPc)}`;
    throw new ConfigError(`config: ${field}: the last snapshot (T = ${T} pc) takes ${steps} steps per particle (step ${est.stepPc.toPrecision(3)} pc), over the limit of 1e+9; lower the times or raise tracking.stepPc`);
  }
  const p = config.particles;
  const what = `config: particles.nside = ${p.nside}, perPixelSide = ${p.perPixelSide}: ${formatCount(est.particles)} particles`;
  const fix = 'lower particles.nside or particles.perPixelSide';
  if (limits && est.memoryBytes > limits.memoryBytes) {
    const stored = est.sphere && est.snapshots === 0 ? 'the sphere crossings' : `${est.snapshots} snapshot${est.snapshots === 1 ? '' : 's'}${est.sphere ? ' and the sphere' : ''}`;
    throw new ConfigError(`${what} need about ${formatBytes(est.memoryBytes)} (launch directions and end states at ${stored}), over the limit of ${formatBytes(limits.memoryBytes)} (${limits.memoryLabel}); ${fix}`);
  }
  if (est.largestArray > MAX_ARRAY_ELEMENTS) {
    throw new ConfigError(`${what} need arrays of ${formatCount(est.largestArray)} numbers, over the ${formatCount(MAX_ARRAY_ELEMENTS)} a typed array can hold; ${fix}`);
  }
}

export interface DiffusionEstimate {
  readonly particles: number;
  readonly snapshots: number;
  readonly realizations: number;
  readonly stepsPerParticle: number;
  readonly memoryBytes: number;
}

/** The cost of a diffusion run: every realization's end states are kept for the ensemble. */
export function estimateDiffusion(config: Config, particles: number, nTimes: number, tMaxPc: number, step: number): DiffusionEstimate {
  return {
    particles,
    snapshots: nTimes,
    realizations: config.realizations,
    stepsPerParticle: Math.ceil(tMaxPc / step),
    memoryBytes: particles * (particleBytes(0, false) + config.realizations * nTimes * SNAPSHOT_BYTES) + nTimes * 8 + gridBytes(config),
  };
}

/** Option names as the caller spells them (the CLI: --particles, --nt, --tmax). */
export interface DiffusionOptionNames {
  readonly particles: string;
  readonly nTimes: string;
  readonly tMax: string;
  readonly prefix: string;
}

export function checkDiffusionEstimate(est: DiffusionEstimate, names: DiffusionOptionNames, limits?: RunLimits): void {
  const fix = `lower ${names.nTimes} or ${names.particles}`;
  const who = (which: 'particles' | 'nTimes') => `${names.prefix}${names[which]} ${which === 'particles' ? est.particles : est.snapshots}`;
  const many = est.snapshots * est.realizations > est.particles ? 'nTimes' : 'particles';
  const what = `${formatCount(est.particles)} particles × ${formatCount(est.snapshots)} snapshots${est.realizations > 1 ? ` × ${est.realizations} realizations` : ''}`;
  if (limits && est.memoryBytes > limits.memoryBytes) {
    throw new ConfigError(`${who(many)}: ${what} need about ${formatBytes(est.memoryBytes)}, over the limit of ${formatBytes(limits.memoryBytes)} (${limits.memoryLabel}); ${fix}`);
  }
  if (3 * est.particles > MAX_ARRAY_ELEMENTS || est.snapshots > MAX_ARRAY_ELEMENTS) {
    throw new ConfigError(`${who(many)}: ${what} need arrays over the ${formatCount(MAX_ARRAY_ELEMENTS)} numbers a typed array can hold; ${fix}`);
  }
  if (est.stepsPerParticle > MAX_STEPS_PER_PARTICLE) {
    throw new ConfigError(`${names.prefix}${names.tMax}: ${est.stepsPerParticle.toExponential(1)} steps per particle, over the limit of 1e+9; lower ${names.tMax} or raise tracking.stepPc`);
  }
}

/** Conservative particle-steps per second of a backend (see the module comment). */
export function conservativeRate(config: Config, backend: string, threads: number): number {
  const t = config.field.turbulence;
  const grid = t.brmsUG > 0 && t.method === 'grid' && t.modeTableFile === undefined;
  const modes = t.brmsUG > 0 && !grid ? t.modes : 0;
  const perModes = modes > 0 ? 256 / Math.max(modes, 16) : 10;
  if (backend === 'webgpu') return grid ? 1e7 : 2e6 * perModes;
  return (grid ? 1e6 : 1e5 * perModes) * Math.max(1, threads);
}

/** 45 s, 12 min, 6.8 h, 3.1 d. */
export function formatDuration(s: number): string {
  if (s < 120) return `${s.toPrecision(2)} s`;
  if (s < 7200) return `${(s / 60).toPrecision(2)} min`;
  if (s < 172800) return `${(s / 3600).toPrecision(2)} h`;
  return `${(s / 86400).toPrecision(2)} d`;
}

/** Particle-steps and time at the conservative rate, as one line. */
function describeSteps(config: Config, particles: number, stepsPerParticle: number, realizations: number, backend: string, threads: number, bins = 1): { seconds: number; text: string } {
  const steps = particles * stepsPerParticle * realizations;
  const rate = conservativeRate(config, backend, threads);
  const seconds = steps / rate;
  return {
    seconds,
    text:
      `estimated ${steps.toExponential(1)} particle-steps (${particles} particles × ${stepsPerParticle} steps${bins > 1 ? ` over ${bins} rigidity bins` : ''} × ${realizations} realization${realizations === 1 ? '' : 's'}), ` +
      `about ${formatDuration(seconds)} on ${backend} at a conservative ${rate.toExponential(1)} particle-steps/s`,
  };
}

/** Estimated work and time of `realizations` realizations of a sky-map run on a backend. */
export function describeWork(config: Config, est: RunEstimate, realizations: number, backend: string, threads: number): { seconds: number; text: string } {
  return describeSteps(config, est.particles, est.stepsPerParticle, realizations, backend, threads, est.bins);
}

/** The same for a diffusion run: every realization of `particles` particles. */
export function describeDiffusionWork(config: Config, particles: number, stepsPerParticle: number, backend: string, threads: number): { seconds: number; text: string } {
  return describeSteps(config, particles, stepsPerParticle, config.realizations, backend, threads);
}

/**
 * The tracker's view of a simulate run (what createTracker('auto') weighs on a CPU adapter):
 * particle-steps per realization (all bins of a spectrum; an upper bound with a sphere), the
 * realizations, and the plane-wave modes or grid size. `estimate`: estimateRun(config), when the
 * caller has it already.
 */
export function trackerWorkload(config: Config, estimate: RunEstimate = estimateRun(config)): WorkloadEstimate {
  const t = config.field.turbulence;
  const turbulent = t.brmsUG > 0 && t.cube === undefined;
  return {
    particleSteps: estimate.particleStepsPerRealization,
    fields: config.realizations,
    modes: turbulent && t.method === 'modes' ? t.modes : 0,
    gridN: turbulent && t.method === 'grid' ? t.gridN : turbulent && t.method === 'nested-grids' ? (t.nestedGrids?.grids[0]?.n ?? 0) : 0,
    grids: turbulent && t.method === 'nested-grids' ? (t.nestedGrids?.grids.length ?? 1) : 1,
  };
}
