/**
 * The scan file: a base config (preset and/or partial config) and a grid or list of points
 * over any config fields, each point a `simulate`. Validated with zod like the run config; every
 * point's full config is validated before anything runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../config/errors.ts';
import { formatIssues, mergeConfig, resolveConfig } from '../../config/resolve.ts';
import type { Config } from '../../config/schema.ts';
import { validateSimulation } from '../../pipeline/spectrum.ts';
import { checkRunEstimate, estimateRun } from '../../pipeline/estimate.ts';
import { reason, stripBom } from '../files.ts';

const QUANTITIES = ['dipoleAmplitude', 'dipoleAmplitudeMean', 'c1', 'c2', 'c3', 'c4', 'c5', 'clHat1', 'clHat2', 'noise', 'kPar', 'kPerp'] as const;
export type Quantity = (typeof QUANTITIES)[number];

const PlotSchema = z
  .object({
    x: z.string().describe('a scanned config path, e.g. particles.rigidityPV'),
    y: z.enum(QUANTITIES).describe('quantity of the last map of each point'),
    xLog: z.boolean().default(false),
    yLog: z.boolean().default(false),
  })
  .strict();

export const ScanSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').default('scan'),
    preset: z.string().optional().describe('preset the base starts from'),
    base: z.record(z.string(), z.unknown()).default({}).describe('partial config shared by all points'),
    grid: z
      .record(z.string(), z.array(z.unknown()).min(1))
      .default({})
      .describe('config path → values; the points are the Cartesian product'),
    points: z.array(z.record(z.string(), z.unknown())).default([]).describe('explicit points: config path → value'),
    shards: z.number().int().min(1).max(10000).default(1).describe('realization shards per point for clusters'),
    plots: z.array(PlotSchema).default([]),
    slurm: z
      .object({
        time: z.string().default('24:00:00'),
        cpusPerTask: z.number().int().min(1).default(2),
        memory: z.string().default('8G'),
        gpus: z.number().int().min(0).default(0),
        partition: z.string().optional(),
        account: z.string().optional(),
      })
      .strict()
      .default({ time: '24:00:00', cpusPerTask: 2, memory: '8G', gpus: 0 }),
  })
  .strict()
  .refine((s) => Object.keys(s.grid).length > 0 || s.points.length > 0, { message: 'give a grid or a list of points', path: ['grid'] });

export type ScanSpec = z.infer<typeof ScanSchema>;

export interface ScanPoint {
  readonly index: number;
  /** config path → value at this point. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly config: Config;
}

function pathObject(p: string, value: unknown): Record<string, unknown> {
  const keys = p.split('.');
  if (keys.some((k) => k === '' || k === '__proto__' || k === 'constructor' || k === 'prototype')) {
    throw new ConfigError(`scan: bad config path "${p}"`);
  }
  let obj: Record<string, unknown> = { [keys[keys.length - 1]]: value };
  for (let i = keys.length - 2; i >= 0; i--) obj = { [keys[i]]: obj };
  return obj;
}

/** Cartesian product of the grid, first key varying slowest, then the explicit points. */
export function expandPoints(spec: ScanSpec): Record<string, unknown>[] {
  const keys = Object.keys(spec.grid);
  let combos: Record<string, unknown>[] = keys.length > 0 ? [{}] : [];
  for (const k of keys) combos = combos.flatMap((c) => spec.grid[k].map((v) => ({ ...c, [k]: v })));
  return [...combos, ...spec.points];
}

export function readScan(file: string): { spec: ScanSpec; points: ScanPoint[]; baseDir: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`scan --config ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot read (${reason(e)})`}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(stripBom(text));
  } catch (e) {
    throw new ConfigError(`scan --config ${file}: not valid JSON (${(e as Error).message})`);
  }
  const r = ScanSchema.safeParse(raw);
  if (!r.success) throw new ConfigError(formatIssues(r.error.issues, raw).replaceAll('config: ', 'scan: '));
  const spec = r.data;
  const baseDir = path.dirname(path.resolve(file));
  const points = expandPoints(spec).map((params, index) => {
    let overrides = spec.base as Record<string, unknown>;
    for (const [k, v] of Object.entries(params)) overrides = mergeConfig(overrides as never, pathObject(k, v) as never);
    try {
      const { config } = resolveConfig({ preset: spec.preset, overrides: [overrides as never] });
      // what would fail when the point runs fails now, before any point runs
      validateSimulation(config);
      checkRunEstimate(config, estimateRun(config));
      return { index, params, config };
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(`scan point ${index} (${JSON.stringify(params)}):\n${e.message}`);
      throw e;
    }
  });
  checkScanPlan(spec, points);
  return { spec, points, baseDir };
}

/** Config paths scanned with numbers at every point that sets them: what a plot can have on x. */
export function numericParameters(points: readonly ScanPoint[]): string[] {
  const keys = [...new Set(points.flatMap((p) => Object.keys(p.params)))];
  return keys.filter((k) => points.every((p) => typeof p.params[k] === 'number' || p.params[k] === undefined));
}

/** What the whole scan needs, checked before any point runs or any script is written. */
function checkScanPlan(spec: ScanSpec, points: readonly ScanPoint[]): void {
  const numeric = numericParameters(points);
  spec.plots.forEach((plot, i) => {
    if (!numeric.includes(plot.x)) {
      throw new ConfigError(`scan: plots.${i}.x = ${JSON.stringify(plot.x)}: not a numeric scanned parameter (scanned: ${numeric.join(', ') || 'none'})`);
    }
  });
  // An empty shard is refused here, so an array job never has a task that cannot succeed.
  const fewest = points.reduce((a, p) => (p.config.realizations < a.config.realizations ? p : a), points[0]);
  if (fewest && spec.shards > fewest.config.realizations) {
    throw new ConfigError(
      `scan: shards = ${spec.shards} but point ${fewest.index} has ${fewest.config.realizations} realization${fewest.config.realizations === 1 ? '' : 's'}: every shard needs one; use shards <= ${fewest.config.realizations}`,
    );
  }
}

export function pointDirName(index: number): string {
  return `p${String(index).padStart(4, '0')}`;
}
