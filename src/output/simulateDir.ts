/**
 * A sky-map run into a run directory: the pipeline's realizations (skipping finished ones on
 * resume, or another shard's), each stored as maps + mode table + record, then the ensemble
 * outputs, the manifest and the lock around it all.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config/schema.ts';
import type { FieldInputs } from '../turbulence/create.ts';
import type { CreatedTracker } from '../sim/node/backends.ts';
import { DeviceLimitError, type BackendName, type Preflight, type TrackProgress, type Tracker } from '../sim/types.ts';
import { writeHealpixFits } from '../io/fits.ts';
import { intensityMapFits } from '../io/intensityMap.ts';
import { saveModeTable } from '../io/modeTableFile.ts';
import { checkRunEstimate, estimateRun, trackerWorkload, type RunEstimate } from '../pipeline/estimate.ts';
import type { WorkloadEstimate } from '../sim/webgpu/cost.ts';
import { checkFieldInputs } from '../pipeline/fieldInputs.ts';
import { makePlan, planWarnings, type RunPlan } from '../pipeline/plan.ts';
import type { RunProgress } from '../pipeline/progress.ts';
import { runRealization } from '../pipeline/realization.ts';
import { writeEnsemble } from './ensembleFiles.ts';
import { ConfigError } from '../config/errors.ts';
import { validateSimulation } from '../pipeline/spectrum.ts';
import { nodeRunLimits } from './files.ts';
import {
  acquireRunLock,
  configHash,
  createRunDirs,
  binMapPath,
  fieldPath,
  finishedRealizations,
  inspectOutDir,
  MANIFEST,
  mapPath,
  readRecord,
  recordPath,
  removeStaleTempFiles,
  writeJsonAtomic,
} from './runDir.ts';
import { storedRecord, manifestBackend, type Manifest, type Shard, type StoredBinSummary, type StoredMapSummary, type StoredRealizationRecord } from './runRecords.ts';
import { readJsonFile } from './files.ts';
import { crskyVersion, gitCommit } from './version.ts';

export interface SimulateDirOptions {
  readonly out: string;
  readonly resume: boolean;
  readonly shard?: Shard;
  /** Field data the config names by file (src/io/fieldInputs.ts). */
  readonly inputs: FieldInputs;
  /**
   * Opens the tracker, after the config and inputs are checked and before anything is written.
   * `previous`: the one backend this run's finished realizations ran on (resume, shards), so that
   * 'auto' continues on it instead of choosing afresh on this machine's cores. `workload`:
   * trackerWorkload(config), from the estimate this call made already.
   */
  readonly openTracker: (previous: BackendName | undefined, workload: WorkloadEstimate) => Promise<CreatedTracker>;
  /** The command line, for the manifest. */
  readonly argv?: readonly string[];
  /** Called once tracking starts, with the tracker that runs and why that one. */
  readonly onTracking?: (backend: string, device: string, reason: string) => void;
  /** Called once the run directory is locked, before tracking: what this call will track. */
  readonly onStart?: (work: { readonly todo: readonly number[]; readonly estimate: RunEstimate; readonly backend: string }) => void;
  readonly onProgress?: (p: RunProgress) => void;
  readonly signal?: AbortSignal;
  /** Resume a run whose finished realizations ran on another backend or device (not bitwise reproducible). */
  readonly allowMixedBackends?: boolean;
  /** Take the run directory's lock even if another process seems to hold it. */
  readonly breakLock?: boolean;
}

export interface SimulateDirResult {
  readonly plan: RunPlan;
  readonly summaries: StoredMapSummary[];
  /** A spectrum run's bins (null for one rigidity). */
  readonly spectrum: { readonly bins: readonly StoredBinSummary[] } | null;
  readonly backend: string;
  readonly device: string;
  readonly backendReason: string;
  readonly particleSteps: number;
  readonly trackingSeconds: number;
  readonly realizationsRun: number;
  readonly realizationsSkipped: number;
  /** Physics the config allows but the model does not (planWarnings). */
  readonly warnings: readonly string[];
}

/** Realization indices of a shard: r with r mod count = index. */
export function shardRealizations(total: number, shard?: Shard): number[] {
  const all = Array.from({ length: total }, (_, r) => r);
  return shard ? all.filter((r) => r % shard.count === shard.index) : all;
}

function baseManifest(config: Config, planned: number[], shard: Shard | undefined, argv: readonly string[] | undefined, createdAt: string): Manifest {
  return {
    crsky: crskyVersion(),
    gitCommit: gitCommit(),
    command: argv ?? [],
    status: 'running',
    createdAt,
    updatedAt: new Date().toISOString(),
    configHash: configHash(config),
    config,
    seed: config.seed,
    shard: shard ?? null,
    realizations: { planned, done: [] },
    backend: null,
    machine: { cpus: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? 'unknown', platform: `${os.platform()} ${os.arch()}`, node: process.version },
    timings: null,
    maps: null,
  };
}

/** The first record `tracker` must not continue (another backend, or another GPU), or null. */
function backendConflict(records: readonly StoredRealizationRecord[], tracker: Tracker): StoredRealizationRecord | null {
  // The float64 CPU tracker is bitwise the same on any thread count and CPU; a GPU's float32
  // results depend on the device as well.
  return records.find((r) => r.backend !== tracker.backend || (r.backend === 'webgpu' && r.device !== tracker.device)) ?? null;
}

export async function simulateToDir(config: Config, opts: SimulateDirOptions): Promise<SimulateDirResult> {
  const wall0 = performance.now();
  // Everything that needs only the config and the directory is checked before the tracker
  // opens and before anything is written; the estimate before the plan, which allocates the
  // launch directions the estimate may refuse.
  validateSimulation(config);
  const estimate = estimateRun(config);
  checkRunEstimate(config, estimate, nodeRunLimits());
  const plan = makePlan(config);
  checkFieldInputs(config, opts.inputs);
  const planned = shardRealizations(config.realizations, opts.shard);
  if (opts.shard && planned.length === 0) {
    const { index, count } = opts.shard;
    throw new ConfigError(
      `--shard ${index}/${count}: no realization falls in it (realizations = ${config.realizations}: r mod ${count} = ${index} needs realizations >= ${index + 1}); use at most ${config.realizations} shards`,
    );
  }
  const state = inspectOutDir(opts.out, config, opts.resume, plan.maps.length, plan.spectrum?.length ?? 0);
  // The tracker next: a missing adapter or a request over the device's limits fails before
  // anything is written.
  const before = new Set(state.records.map((r) => r.backend));
  const opened = await opts.openTracker(before.size === 1 ? ([...before][0] as BackendName) : undefined, trackerWorkload(config, estimate));
  try {
    const t = config.field.turbulence;
    const hasTurbulence = t.brmsUG > 0;
    const nested = hasTurbulence && t.cube === undefined && t.method === 'nested-grids' ? (t.nestedGrids?.grids ?? []).map((g) => g.n) : [];
    const gridN = !hasTurbulence ? 0 : t.cube !== undefined ? (opts.inputs.cube?.n ?? 0) : t.method === 'grid' && t.modeTableFile === undefined ? t.gridN : (nested[0] ?? 0);
    (opened.tracker as Tracker & Partial<Preflight>).preflight?.({
      modes: hasTurbulence && t.method === 'modes' && t.cube === undefined ? t.modes : 0,
      gridN,
      finerGridNs: nested.slice(1),
      particles: plan.directions.length / 3,
    });
    const done = new Set(state.records.map((r) => r.index));
    const mine = new Set(planned);
    const t0 = opened.tracker;
    const other = planned.some((r) => !done.has(r)) ? backendConflict(state.records.filter((r) => mine.has(r.index)), t0) : null;
    if (other && !opts.allowMixedBackends) {
      const now = other.backend === t0.backend ? `${t0.backend} (${t0.device})` : t0.backend;
      const hint = other.backend !== t0.backend ? `resume with --backend ${other.backend}, or pass` : 'pass';
      throw new ConfigError(
        `--resume ${opts.out}: realization ${other.index} ran on ${other.backend} (${other.device}), this call runs ${now}; one run on two backends is not bitwise reproducible: ${hint} --allow-mixed-backends`,
      );
    }
    createRunDirs(opts.out, plan.spectrum?.map((b) => b.label));
    const release = acquireRunLock(opts.out, { breakLock: opts.breakLock, command: 'simulate' });
    try {
      removeStaleTempFiles(opts.out);
      return await runLocked(config, plan, planned, estimate, opts, wall0, opened);
    } finally {
      release();
    }
  } finally {
    await opened.tracker.dispose();
  }
}

/** Runs realization `index` and stores its maps, mode table and (last, the marker) its record. */
async function runAndStore(plan: RunPlan, tracker: Tracker, index: number, opts: SimulateDirOptions, onProgress: (p: TrackProgress) => void): Promise<StoredRealizationRecord> {
  const t0 = performance.now();
  const res = await runRealization(plan, tracker, index, { inputs: opts.inputs, onProgress, signal: opts.signal });
  const files = plan.maps.map((spec, m) => {
    const file = mapPath(opts.out, index, spec.label);
    writeHealpixFits(file, intensityMapFits(plan, index, spec, res.field.summary, res.maps[m]));
    return path.relative(opts.out, file);
  });
  // a spectrum run's bins: each bin's maps as its single-rigidity run would write them
  const binFiles = (plan.spectrum ?? []).map((bin, b) =>
    bin.plan.maps.map((spec, m) => {
      const file = binMapPath(opts.out, bin.label, index, spec.label);
      writeHealpixFits(file, intensityMapFits(bin.plan, index, spec, res.field.summary, res.binMaps![b][m]));
      return path.relative(opts.out, file);
    }),
  );
  if (res.field.turbulence?.kind === 'modes') {
    // The realization's exact plane waves, so other codes (or `modeTableFile`) can rerun it.
    saveModeTable(fieldPath(opts.out, index), res.field.turbulence.table);
  }
  const record = storedRecord({ ...res.record, seconds: (performance.now() - t0) / 1000 }, files, configHash(plan.config), plan.spectrum ? binFiles : undefined);
  writeJsonAtomic(recordPath(opts.out, index), record);
  return record;
}

async function runLocked(config: Config, plan: RunPlan, planned: number[], estimate: RunEstimate, opts: SimulateDirOptions, wall0: number, opened: CreatedTracker): Promise<SimulateDirResult> {
  const manifestFile = path.join(opts.out, MANIFEST);
  const previous = fs.existsSync(manifestFile) ? readRecordManifest(manifestFile) : null;
  let manifest = baseManifest(config, planned, opts.shard, opts.argv, previous?.createdAt ?? new Date().toISOString());
  const warnings = planWarnings(plan);
  // Read again under the lock: only now can no other process add records.
  const hash = configHash(config);
  const finished = new Set(finishedRealizations(opts.out));
  const todo = planned.filter((r) => !finished.has(r));
  const records: StoredRealizationRecord[] = planned
    .filter((r) => finished.has(r))
    .map((r) => readRecord(opts.out, r, hash, plan.maps.length, { kind: 'resume' }, plan.spectrum?.length ?? 0));
  manifest = { ...manifest, realizations: { planned, done: records.map((x) => x.index).sort((a, b) => a - b) }, warnings };
  writeJsonAtomic(manifestFile, manifest);
  let reason = 'all realizations were already done';
  let steps = 0;
  let trackingSeconds = 0;

  if (todo.length > 0) {
    const tracker = opened.tracker;
    reason = opened.reason;
    opts.onTracking?.(tracker.backend, tracker.device, reason);
    opts.onStart?.({ todo, estimate, backend: tracker.backend });
    for (const [i, r] of todo.entries()) {
      const t0 = performance.now();
      const rec = await runAndStore(plan, tracker, r, opts, (p) =>
        opts.onProgress?.({ done: i + p.fraction, total: todo.length, particleSteps: steps + p.particleSteps, seconds: trackingSeconds + (performance.now() - t0) / 1000 }),
      );
      steps += rec.particleSteps;
      trackingSeconds += rec.seconds;
      records.push(rec);
      manifest = { ...manifest, updatedAt: new Date().toISOString(), realizations: { planned, done: records.map((x) => x.index).sort((a, b) => a - b) } };
      writeJsonAtomic(manifestFile, manifest);
      opts.onProgress?.({ done: i + 1, total: todo.length, particleSteps: steps, seconds: trackingSeconds });
    }
  }
  const backend = manifestBackend(config, records, reason);

  const { maps: summaries, spectrum } = writeEnsemble(plan, records, opts.out);
  manifest = {
    ...manifest,
    status: 'complete',
    updatedAt: new Date().toISOString(),
    realizations: { planned, done: records.map((x) => x.index).sort((a, b) => a - b) },
    backend,
    timings: {
      particleSteps: steps,
      trackingSeconds,
      particleStepsPerSecond: trackingSeconds > 0 ? steps / trackingSeconds : 0,
      wallSeconds: (performance.now() - wall0) / 1000,
    },
    maps: summaries,
    ...(spectrum ? { spectrum } : {}),
  };
  writeJsonAtomic(manifestFile, manifest);
  return {
    plan,
    summaries,
    spectrum,
    backend: backend.used,
    device: backend.device,
    backendReason: reason,
    particleSteps: steps,
    trackingSeconds,
    realizationsRun: todo.length,
    realizationsSkipped: planned.length - todo.length,
    warnings,
  };
}

function readRecordManifest(file: string): Manifest {
  return readJsonFile<Manifest>(file, '--resume ');
}


/** The short text summary printed after a run. */
export function summaryText(res: SimulateDirResult, out: string): string {
  const last = res.summaries[res.summaries.length - 1];
  const fmt = (x: number) => (Number.isFinite(x) ? x.toExponential(3) : 'nan');
  const lines = [
    `backend: ${res.backend} (${res.device})`,
    `realizations: ${res.realizationsRun} run, ${res.realizationsSkipped} already done; ` +
      (res.trackingSeconds > 0 ? `${fmt(res.particleSteps)} particle-steps in ${res.trackingSeconds.toFixed(1)} s = ${fmt(res.particleSteps / res.trackingSeconds)} particle-steps/s` : 'no tracking in this call'),
  ];
  const bins = res.spectrum?.bins;
  if (bins) {
    lines.push(
      `spectrum: ${bins.length} rigidity bin${bins.length === 1 ? '' : 's'}, ${bins.map((b) => `${b.label} ${fmt(b.rigidityPV)} PV (w = ${b.weight.toPrecision(3)})`).join(', ')}; the maps below are the flux-weighted sum (each bin's under ${path.join(out, 'bins')}/)`,
    );
  }
  for (const s of res.summaries) {
    const when =
      s.timePc === null
        ? s.omegaT !== null
          ? `Omega*T = ${s.omegaT.toPrecision(4)} (each bin in its own Omega)`
          : 'sphere'
        : s.omegaT !== null
          ? `Omega*T = ${s.omegaT.toPrecision(4)} (T = ${s.timePc.toPrecision(4)} pc)`
          : `T = ${s.timePc.toPrecision(4)} pc${bins ? '' : ' (B = 0)'}`;
    const d = s.meanDipole;
    lines.push(
      `[${s.label}] ${when}: C_1..C_5 = ${s.clMean.slice(1, 6).map(fmt).join(' ')}; noise N = ${fmt(s.noise)}`,
      `[${s.label}] dipole of the mean map: ${fmt(d.amplitude)} towards (lon, lat) = (${d.lonDeg.toFixed(1)}°, ${d.latDeg.toFixed(1)}°); ` +
        (s.realizations > 1 ? `mean |δ| over realizations ${fmt(s.dipoleAmplitudeMean)} ± ${fmt(s.dipoleAmplitudeErr)}` : `|δ| ${fmt(s.dipoleAmplitudeMean)}`),
    );
  }
  if (bins) {
    for (const s of res.summaries) {
      lines.push(
        `[${s.label}] dipole of the mean map per bin: ${bins.map((b) => { const d = b.maps.find((x) => x.label === s.label)!.meanDipole; return `${fmt(d.amplitude)} (${d.lonDeg.toFixed(1)}°, ${d.latDeg.toFixed(1)}°)`; }).join(', ')}`,
      );
    }
  }
  const extra = ['dipole.csv', 'diffusion.csv', 'statistics.csv', ...(bins ? ['spectrum.csv', 'energy_dipole.csv', `energy_${last.label}.csv`, `cross_${last.label}.csv`, `energy_${last.label}.png`] : [])].filter((f) => fs.existsSync(path.join(out, f)));
  lines.push(`outputs in ${out}: manifest.json, maps/, ${last.files.clCsv}, ${[...extra, last.files.mapPng, last.files.clPng].join(', ')}`);
  for (const w of res.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}
