/**
 * A whole sky-map run in memory: plan, realizations, ensemble. What a script or a page runs; the
 * CLI runs the same pieces through the run-directory layer (src/output/simulateDir.ts), which adds
 * files, resume and shards.
 *
 *   const res = await runSimulation(config, tracker, { onProgress: (p) => console.log(p.done) });
 *   res.ensemble.maps[0].cl.mean  // <C_l> of the first snapshot
 */
import type { Config } from '../config/schema.ts';
import type { FieldInputs } from '../turbulence/create.ts';
import type { Tracker } from '../sim/types.ts';
import { combineRealizations, type EnsembleProducts } from './ensemble.ts';
import { checkRunEstimate, estimateRun, type RunLimits } from './estimate.ts';
import { checkFieldInputs } from './fieldInputs.ts';
import { makePlan, type RunPlan } from './plan.ts';
import type { RunProgress } from './progress.ts';
import { runRealization, type RealizationResult } from './realization.ts';
import { validateSimulation } from './spectrum.ts';
import { combineSpectrum, type SpectrumProducts } from './spectrumEnsemble.ts';

export interface SimulationOptions {
  /** Field data the config names by file (a mode table). */
  readonly inputs?: FieldInputs;
  /** Which realization indices to run (default all of config.realizations): a shard. */
  readonly realizations?: readonly number[];
  readonly onProgress?: (p: RunProgress) => void;
  /** Called after each realization, e.g. to show the ensemble as it grows. */
  readonly onRealization?: (r: RealizationResult) => void;
  readonly signal?: AbortSignal;
  /** Refuse a run that needs more memory than this (the step bound applies always). */
  readonly limits?: RunLimits;
}

export interface SimulationResult {
  readonly config: Config;
  readonly plan: RunPlan;
  readonly realizations: readonly RealizationResult[];
  /** With a spectrum: of the combined (flux-weighted) maps. */
  readonly ensemble: EnsembleProducts;
  /** A spectrum run's bins and energy dependence (absent for one rigidity). */
  readonly spectrum?: SpectrumProducts;
  readonly backend: string;
  readonly device: string;
  readonly particleSteps: number;
  /** Wall time of the realizations, s. */
  readonly seconds: number;
}

export async function runSimulation(config: Config, tracker: Tracker, opts: SimulationOptions = {}): Promise<SimulationResult> {
  validateSimulation(config);
  checkRunEstimate(config, estimateRun(config), opts.limits); // before the plan allocates what it may refuse
  const plan = makePlan(config);
  const inputs = opts.inputs ?? {};
  checkFieldInputs(config, inputs);
  const indices = opts.realizations ?? Array.from({ length: config.realizations }, (_, r) => r);
  for (const r of indices) {
    if (!(Number.isInteger(r) && r >= 0 && r < config.realizations)) throw new RangeError(`realizations: index ${r} is not in [0, ${config.realizations - 1}]`);
  }
  const t0 = performance.now();
  let steps = 0;
  const results: RealizationResult[] = [];
  for (const [i, r] of indices.entries()) {
    const res = await runRealization(plan, tracker, r, {
      inputs,
      signal: opts.signal,
      onProgress: (p) => opts.onProgress?.({ done: i + p.fraction, total: indices.length, particleSteps: steps + p.particleSteps, seconds: (performance.now() - t0) / 1000 }),
    });
    steps += res.record.particleSteps;
    results.push(res);
    opts.onRealization?.(res);
    opts.onProgress?.({ done: i + 1, total: indices.length, particleSteps: steps, seconds: (performance.now() - t0) / 1000 });
  }
  const byIndex = new Map(results.map((r) => [r.record.index, r]));
  const ensemble = combineRealizations(
    plan,
    results.map((r) => r.record),
    (rec, m) => byIndex.get(rec.index)!.maps[m],
  );
  const spectrum = plan.spectrum
    ? combineSpectrum(
        plan,
        results.map((r) => r.record),
        (rec, b, m) => byIndex.get(rec.index)!.binMaps![b][m],
        ensemble,
      )
    : undefined;
  return { config, plan, realizations: results, ensemble, ...(spectrum ? { spectrum } : {}), backend: tracker.backend, device: tracker.device, particleSteps: steps, seconds: (performance.now() - t0) / 1000 };
}
