/**
 * Running a scan: every point is a `simulate` in its own directory (always resumable: a point
 * or realization that finished is never redone), shards of points for clusters, the summary
 * table (CSV + JSON) and plots of chosen quantities against the scanned parameter.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readCsv, writeCsv } from '../../io/csv.ts';
import { writeLinePlot } from '../../io/clPlot.ts';
import { ConfigError } from '../../config/errors.ts';
import { readFieldInputs } from '../../io/fieldInputs.ts';
import type { CreatedTracker } from '../../sim/node/backends.ts';
import type { BackendName } from '../../sim/types.ts';
import type { WorkloadEstimate } from '../../sim/webgpu/cost.ts';
import type { RunProgress } from '../../pipeline/progress.ts';
import { mergeRuns } from '../merge.ts';
import { simulateToDir } from '../simulateDir.ts';
import { checkRunEstimate, estimateRun } from '../../pipeline/estimate.ts';
import { checkDirTarget, nodeRunLimits, readJsonFile } from '../files.ts';
import { finishedRealizations, MANIFEST, writeJsonAtomic } from '../runDir.ts';
import type { Manifest, Shard } from '../runRecords.ts';
import { numericParameters, pointDirName, type Quantity, type ScanPoint, type ScanSpec } from './scanConfig.ts';

/**
 * Checks a scan's --out before any point runs: a directory (or one that can be made) that is not
 * another command's output (a simulate run, an analyze directory).
 */
export function checkScanOut(out: string): void {
  const who = `scan --out ${out}`;
  checkDirTarget(out, who);
  for (const marker of [MANIFEST, 'analysis.json']) {
    if (fs.existsSync(path.join(out, marker))) throw new ConfigError(`${who}: holds another command's outputs (${marker}); give a new directory or an earlier scan's`);
  }
}

export function pointDir(out: string, index: number): string {
  return path.join(out, 'points', pointDirName(index));
}

export function shardDir(out: string, index: number, shard: number): string {
  return path.join(out, 'shards', `${pointDirName(index)}-s${String(shard).padStart(4, '0')}`);
}

/** What a front end attaches to each point's run: progress display, tracker report. */
export interface PointHooks {
  readonly onTracking?: (backend: string, device: string, reason: string) => void;
  readonly onProgress?: (p: RunProgress) => void;
  /** Called when the point's run ends (also on failure). */
  readonly done?: () => void;
}

export interface RunPointsOptions {
  readonly out: string;
  /** The scan file's directory: relative files a point's config names resolve against it. */
  readonly baseDir: string;
  readonly openTracker: (config: ScanPoint['config'], previous: BackendName | undefined, workload: WorkloadEstimate) => Promise<CreatedTracker>;
  readonly hooks?: (p: ScanPoint) => PointHooks;
  /** Run only this point (cluster task). */
  readonly point?: number;
  /** With `point`: only this shard of its realizations, into out/shards/. */
  readonly shard?: Shard;
  readonly backend?: 'auto' | 'cpu' | 'webgpu';
  readonly allowMixedBackends?: boolean;
  readonly breakLock?: boolean;
  readonly onPoint?: (p: ScanPoint, i: number, n: number) => void;
}

export async function runPoints(points: readonly ScanPoint[], opts: RunPointsOptions): Promise<void> {
  if (opts.point !== undefined && !(Number.isInteger(opts.point) && opts.point >= 0 && opts.point < points.length)) {
    throw new ConfigError(`scan --point ${opts.point}: must be an integer in [0, ${points.length - 1}]`);
  }
  const chosen = opts.point !== undefined ? [points[opts.point]] : points;
  // Every point must fit on this machine before the first one runs.
  for (const p of chosen) {
    try {
      checkRunEstimate(p.config, estimateRun(p.config), nodeRunLimits());
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`scan point ${p.index} (${JSON.stringify(p.params)}): ${e.message}`);
      throw e;
    }
  }
  for (const [i, p] of chosen.entries()) {
    opts.onPoint?.(p, i, chosen.length);
    const config = opts.backend ? { ...p.config, tracking: { ...p.config.tracking, backend: opts.backend } } : p.config;
    const dir = opts.shard ? shardDir(opts.out, p.index, opts.shard.index) : pointDir(opts.out, p.index);
    const hooks = opts.hooks?.(p) ?? {};
    try {
      await simulateToDir(config, {
        out: dir,
        resume: true,
        shard: opts.shard,
        inputs: await readFieldInputs(config, opts.baseDir),
        openTracker: (previous, workload) => opts.openTracker(config, previous, workload),
        onTracking: hooks.onTracking,
        onProgress: hooks.onProgress,
        allowMixedBackends: opts.allowMixedBackends,
        breakLock: opts.breakLock,
      });
    } finally {
      hooks.done?.();
    }
  }
}

function isComplete(dir: string, realizations: number): boolean {
  const f = path.join(dir, MANIFEST);
  if (!fs.existsSync(f)) return false;
  const m = readJsonFile<Manifest>(f, 'scan: ');
  return m.status === 'complete' && m.realizations.done.length === realizations;
}

function hasManifest(dir: string): boolean {
  return fs.existsSync(path.join(dir, MANIFEST));
}

/**
 * Merges each point's shards (and a partial run of the point itself, if any) into out/points/.
 * Every point is checked first: if any misses a realization, nothing is merged or deleted.
 */
export function mergeShards(points: readonly ScanPoint[], out: string, shards: number, opts: { allowMixedBackends?: boolean } = {}): void {
  const jobs = points.flatMap((p) => {
    const dir = pointDir(out, p.index);
    if (isComplete(dir, p.config.realizations)) return [];
    const shardDirs = Array.from({ length: shards }, (_, s) => shardDir(out, p.index, s));
    const sources = [...(hasManifest(dir) ? [dir] : []), ...shardDirs.filter(hasManifest)];
    if (sources.length === 0) throw new ConfigError(`scan --merge: point ${p.index} has neither a run in ${dir} nor shards in ${path.join(out, 'shards')}; nothing was merged`);
    const have = new Set(sources.flatMap(finishedRealizations));
    const missing = Array.from({ length: p.config.realizations }, (_, r) => r).filter((r) => !have.has(r));
    if (missing.length > 0) {
      const why = [...new Set(missing.map((r) => shardDirs[r % shards]))].map((d) => `${d} ${hasManifest(d) ? 'is unfinished' : 'has not run'}`);
      throw new ConfigError(
        `scan --merge: point ${p.index} misses realization${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (not in ${dir} nor in a finished shard: ${why.join(', ')}); nothing was merged`,
      );
    }
    return [{ dir, sources }];
  });
  for (const j of jobs) mergeRuns(j.sources, j.dir, { replace: true, allowMixedBackends: opts.allowMixedBackends });
}
export interface PointSummary {
  readonly point: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly dir: string;
  readonly label: string;
  readonly quantities: Readonly<Record<Quantity, number>>;
}

/** The quantities of a finished point: its last map (latest snapshot or the sphere). */
function quantitiesOf(dir: string, m: Manifest): { label: string; q: Record<Quantity, number> } {
  const s = m.maps![m.maps!.length - 1];
  const d = lastDiffusion(dir);
  return {
    label: s.label,
    q: {
      dipoleAmplitude: s.meanDipole.amplitude,
      dipoleAmplitudeMean: s.dipoleAmplitudeMean,
      c1: s.clMean[1],
      c2: s.clMean[2],
      c3: s.clMean[3],
      c4: s.clMean[4],
      c5: s.clMean[5],
      clHat1: s.clHat[1],
      clHat2: s.clHat[2],
      noise: s.noise,
      kPar: d.kPar,
      kPerp: d.kPerp,
    },
  };
}

/** points.csv, summary.json and the requested plots; every point must be complete. */
export function summarize(spec: ScanSpec, points: readonly ScanPoint[], out: string): PointSummary[] {
  const rows: PointSummary[] = points.map((p) => {
    const dir = pointDir(out, p.index);
    if (!isComplete(dir, p.config.realizations)) {
      throw new ConfigError(`scan: point ${p.index} is not finished in ${dir}; run the scan (or its cluster tasks and --merge) first`);
    }
    const m = readJsonFile<Manifest>(path.join(dir, MANIFEST), 'scan: ');
    const { label, q } = quantitiesOf(dir, m);
    return { point: p.index, params: p.params, dir: path.relative(out, dir), label, quantities: q };
  });
  const paramKeys = [...new Set(points.flatMap((p) => Object.keys(p.params)))];
  const numericKeys = numericParameters(points);
  const columns: Record<string, Float64Array> = { point: Float64Array.from(rows, (r) => r.point) };
  for (const k of numericKeys) columns[k] = Float64Array.from(rows, (r) => (typeof r.params[k] === 'number' ? (r.params[k] as number) : NaN));
  for (const q of Object.keys(rows[0].quantities) as Quantity[]) columns[q] = Float64Array.from(rows, (r) => r.quantities[q]);
  const nonNumeric = paramKeys.filter((k) => !numericKeys.includes(k));
  writeCsv(path.join(out, 'points.csv'), columns, [
    `crsky scan ${spec.name}: ${rows.length} points; quantities of each point's last map (${rows[0].label})`,
    'dipoleAmplitude: of the ensemble-mean map; c1..c5: <C_l>; clHat: <C_l> - N; kPar/kPerp: diffusion coefficients at the last snapshot, pc',
    ...(nonNumeric.length > 0 ? [`non-numeric parameters (${nonNumeric.join(', ')}) are in summary.json only`] : []),
  ]);
  writeJsonAtomic(path.join(out, 'summary.json'), { name: spec.name, points: rows });
  for (const plot of spec.plots) {
    const others = numericKeys.filter((k) => k !== plot.x);
    const groups = new Map<string, PointSummary[]>();
    for (const r of rows) {
      const key = others.map((k) => `${k}=${String(r.params[k])}`).join(', ');
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const series = [...groups.entries()].map(([key, rs]) => {
      const sorted = [...rs].sort((a, b) => (a.params[plot.x] as number) - (b.params[plot.x] as number));
      return { label: key || undefined, x: sorted.map((r) => r.params[plot.x] as number), y: sorted.map((r) => r.quantities[plot.y]) };
    });
    const file = path.join(out, `${plot.y}_vs_${plot.x.replaceAll('.', '_')}.png`);
    writeLinePlot(file, series, { xLog: plot.xLog, yLog: plot.yLog, xLabel: plot.x, yLabel: plot.y, title: `${spec.name}: ${plot.y} vs ${plot.x}` });
    writeLinePlot(file.replace(/\.png$/, '.svg'), series, { xLog: plot.xLog, yLog: plot.yLog, xLabel: plot.x, yLabel: plot.y, title: `${spec.name}: ${plot.y} vs ${plot.x}` });
  }
  return rows;
}

/** K_par and K_perp at the last snapshot from the point's diffusion.csv (NaN for sphere runs). */
function lastDiffusion(dir: string): { kPar: number; kPerp: number } {
  const f = path.join(dir, 'diffusion.csv');
  if (!fs.existsSync(f)) return { kPar: NaN, kPerp: NaN };
  const t = readCsv(f);
  return { kPar: t.columns.k_par_pc[t.rows - 1], kPerp: t.columns.k_perp_pc[t.rows - 1] };
}
