/**
 * A whole `simulate` run: plan, output directory, realizations (skipping finished ones on
 * resume, or another shard's), ensemble outputs, manifest, summary.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../config/schema.ts';
import { checkFieldInputs } from '../fieldInputs.ts';
import { createProgress, type LogMode } from '../progress.ts';
import { openTracker } from '../tracker.ts';
import type { CreatedTracker } from '../../sim/backends.ts';
import type { Preflight, Tracker } from '../../sim/types.ts';
import { crskyVersion, gitCommit } from '../version.ts';
import { finalizeRun, type MapSummary } from './finalize.ts';
import { makePlan, type RunPlan } from './plan.ts';
import { runRealization, type RealizationRecord } from './realization.ts';
import {
  acquireRunLock,
  configHash,
  finishedRealizations,
  MANIFEST,
  prepareOutDir,
  readJson,
  recordPath,
  removeStaleTempFiles,
  writeJsonAtomic,
} from './runDir.ts';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export interface SimulateOptions {
  readonly out: string;
  readonly resume: boolean;
  readonly shard?: Shard;
  readonly log: LogMode;
  /** The command line, for the manifest. */
  readonly argv?: readonly string[];
}

export interface SimulateResult {
  readonly plan: RunPlan;
  readonly summaries: MapSummary[];
  readonly backend: string;
  readonly device: string;
  readonly backendReason: string;
  readonly particleSteps: number;
  readonly trackingSeconds: number;
  readonly realizationsRun: number;
  readonly realizationsSkipped: number;
}

/** Realization indices of a shard: r with r mod count = index. */
export function shardRealizations(total: number, shard?: Shard): number[] {
  const all = Array.from({ length: total }, (_, r) => r);
  return shard ? all.filter((r) => r % shard.count === shard.index) : all;
}

export interface Manifest {
  readonly crsky: string;
  readonly gitCommit: string;
  readonly command: readonly string[];
  readonly status: 'running' | 'complete';
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly configHash: string;
  readonly config: Config;
  readonly seed: number;
  readonly shard: Shard | null;
  readonly realizations: { readonly planned: number[]; readonly done: number[] };
  readonly backend: { readonly requested: string; readonly used: string; readonly device: string; readonly reason: string } | null;
  readonly machine: { readonly cpus: number; readonly cpu: string; readonly platform: string; readonly node: string };
  readonly timings: { readonly particleSteps: number; readonly trackingSeconds: number; readonly particleStepsPerSecond: number; readonly wallSeconds: number } | null;
  readonly maps: readonly MapSummary[] | null;
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

export async function simulate(config: Config, baseDir: string, opts: SimulateOptions): Promise<SimulateResult> {
  const wall0 = performance.now();
  const plan = makePlan(config, baseDir);
  checkFieldInputs(config, baseDir);
  // The tracker first: a missing adapter or a request over the device's limits fails before
  // anything is written.
  const opened = await openTracker(config.tracking.backend, config.tracking.workers);
  try {
    const t = config.field.turbulence;
    const hasTurbulence = t.brmsUG > 0;
    (opened.tracker as Tracker & Partial<Preflight>).preflight?.({
      modes: hasTurbulence && t.method === 'modes' ? t.modes : 0,
      gridN: hasTurbulence && t.method === 'grid' && t.modeTableFile === undefined ? t.gridN : 0,
      particles: plan.directions.length / 3,
    });
    prepareOutDir(opts.out, config, opts.resume);
    const release = acquireRunLock(opts.out);
    try {
      removeStaleTempFiles(opts.out);
      return await runLocked(config, plan, opts, wall0, opened);
    } finally {
      release();
    }
  } finally {
    await opened.tracker.dispose();
  }
}

async function runLocked(config: Config, plan: RunPlan, opts: SimulateOptions, wall0: number, opened: CreatedTracker): Promise<SimulateResult> {
  const planned = shardRealizations(config.realizations, opts.shard);
  const manifestFile = path.join(opts.out, MANIFEST);
  const previous = fs.existsSync(manifestFile) ? readJson<Manifest>(manifestFile) : null;
  let manifest = baseManifest(config, planned, opts.shard, opts.argv, previous?.createdAt ?? new Date().toISOString());
  writeJsonAtomic(manifestFile, manifest);

  const finished = new Set(finishedRealizations(opts.out));
  const todo = planned.filter((r) => !finished.has(r));
  const records: RealizationRecord[] = planned.filter((r) => finished.has(r)).map((r) => readJson<RealizationRecord>(recordPath(opts.out, r)));
  let backendUsed = records[0]?.backend ?? 'none';
  let device = records[0]?.device ?? '';
  let reason = 'all realizations were already done';
  let steps = 0;
  let trackingSeconds = 0;

  if (todo.length > 0) {
    const tracker = opened.tracker;
    backendUsed = tracker.backend;
    device = tracker.device;
    reason = opened.reason;
    if (opts.log === 'json') process.stderr.write(JSON.stringify({ event: 'backend', backend: tracker.backend, device: tracker.device, reason }) + '\n');
    else if (opts.log !== 'quiet') process.stderr.write(`crsky: backend ${tracker.backend} (${tracker.device}): ${reason}\n`);
    const particles = plan.directions.length / 3;
    const progress = createProgress({
      mode: opts.log,
      label: 'realizations',
      total: todo.length,
      format: '{particles} particles | {rate} steps/s',
      payload: { particles: 0, rate: '-' },
    });
    try {
      for (const [i, r] of todo.entries()) {
        const t0 = performance.now();
        const rec = await runRealization(plan, tracker, r, opts.out, (p) => {
          const rate = (steps + p.particleSteps) / ((trackingSeconds + (performance.now() - t0) / 1000) || 1e-9);
          progress.update(i + p.fraction, { particles: Math.round(p.fraction * particles), rate: rate.toExponential(2) });
        });
        steps += rec.particleSteps;
        trackingSeconds += rec.seconds;
        records.push(rec);
        manifest = { ...manifest, updatedAt: new Date().toISOString(), realizations: { planned, done: records.map((x) => x.index).sort((a, b) => a - b) } };
        writeJsonAtomic(manifestFile, manifest);
        progress.update(i + 1, { particles, rate: (steps / trackingSeconds).toExponential(2) });
      }
    } finally {
      progress.stop();
    }
  }

  const summaries = finalizeRun(plan, records, opts.out);
  manifest = {
    ...manifest,
    status: 'complete',
    updatedAt: new Date().toISOString(),
    realizations: { planned, done: records.map((x) => x.index).sort((a, b) => a - b) },
    backend: { requested: config.tracking.backend, used: backendUsed, device, reason },
    timings: {
      particleSteps: steps,
      trackingSeconds,
      particleStepsPerSecond: trackingSeconds > 0 ? steps / trackingSeconds : 0,
      wallSeconds: (performance.now() - wall0) / 1000,
    },
    maps: summaries,
  };
  writeJsonAtomic(manifestFile, manifest);
  return {
    plan,
    summaries,
    backend: backendUsed,
    device,
    backendReason: reason,
    particleSteps: steps,
    trackingSeconds,
    realizationsRun: todo.length,
    realizationsSkipped: planned.length - todo.length,
  };
}

/** The short text summary printed after a run. */
export function summaryText(res: SimulateResult, out: string): string {
  const last = res.summaries[res.summaries.length - 1];
  const fmt = (x: number) => (Number.isFinite(x) ? x.toExponential(3) : 'nan');
  const lines = [
    `backend: ${res.backend} (${res.device})`,
    `realizations: ${res.realizationsRun} run, ${res.realizationsSkipped} already done; ` +
      (res.trackingSeconds > 0 ? `${fmt(res.particleSteps)} particle-steps in ${res.trackingSeconds.toFixed(1)} s = ${fmt(res.particleSteps / res.trackingSeconds)} particle-steps/s` : 'no tracking in this call'),
  ];
  for (const s of res.summaries) {
    const when =
      s.timePc === null ? 'sphere' : s.omegaT !== null ? `Omega*T = ${s.omegaT.toPrecision(4)} (T = ${s.timePc.toPrecision(4)} pc)` : `T = ${s.timePc.toPrecision(4)} pc (B = 0)`;
    const d = s.meanDipole;
    lines.push(
      `[${s.label}] ${when}: C_1..C_5 = ${s.clMean.slice(1, 6).map(fmt).join(' ')}; noise N = ${fmt(s.noise)}`,
      `[${s.label}] dipole of the mean map: ${fmt(d.amplitude)} towards (lon, lat) = (${d.lonDeg.toFixed(1)}°, ${d.latDeg.toFixed(1)}°); ` +
        (s.realizations > 1 ? `mean |δ| over realizations ${fmt(s.dipoleAmplitudeMean)} ± ${fmt(s.dipoleAmplitudeErr)}` : `|δ| ${fmt(s.dipoleAmplitudeMean)}`),
    );
  }
  const extra = ['dipole.csv', 'diffusion.csv'].filter((f) => fs.existsSync(path.join(out, f)));
  lines.push(`outputs in ${out}: manifest.json, maps/, ${last.files.clCsv}, ${[...extra, last.files.mapPng, last.files.clPng].join(', ')}`);
  return lines.join('\n');
}
