/**
 * Helpers the reproduce targets share: configs from presets, sky-map tables and figures of a
 * fixed-time run, progress plumbing and number formatting for notes.
 */
import { resolveConfig, type JsonObject } from '../../config/resolve.ts';
import type { Config } from '../../config/schema.ts';
import type { MapStatistics } from './fixedTimeStats.ts';
import type { ReproduceContext, Table } from './types.ts';

/** A validated config from a preset (or none) and a partial config on top. */
export function configFrom(preset: string | undefined, config: JsonObject): Config {
  return resolveConfig({ preset, config }).config;
}

/** n-digit formatting for notes. */
export function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toPrecision(digits) : 'nan';
}

/** "value ± error". */
export function pm(v: { value: number; error: number } | { mean: number; err: number }, digits = 3): string {
  const [a, b] = 'value' in v ? [v.value, v.error] : [v.mean, v.err];
  return `${fmt(a, digits)} ± ${fmt(b, 2)}`;
}

/** Forwards a stage's progress to the context. */
export function stageProgress(ctx: ReproduceContext, stage: string): (done: number, total: number, particleSteps: number, seconds: number) => void {
  return (done, total, particleSteps, seconds) => ctx.onProgress?.({ stage, done, total, particleSteps, seconds });
}

/** Ω·T values 10^(k/perDecade) for k = kFrom..kTo (exact powers of ten where k/perDecade is whole). */
export function omegaTimes(kFrom: number, kTo: number, perDecade: number): number[] {
  const out: number[] = [];
  for (let k = kFrom; k <= kTo; k++) out.push(Number(Math.pow(10, k / perDecade).toPrecision(12)));
  return out;
}

/** The full spectrum of one snapshot and gradient as a table. */
export function spectrumTable(name: string, s: MapStatistics, what: string): Table {
  const L = s.clMean.length;
  const l = Float64Array.from({ length: L }, (_, i) => i);
  const pad = (a: Float64Array) => Float64Array.from({ length: L }, (_, i) => (i < a.length ? a[i] : NaN));
  return {
    name,
    columns: {
      l,
      mean: s.clMean,
      stderr: s.clErr,
      cl_hat: s.clHat,
      cl_hat_err: s.clHatErr,
      ratio_to_c1: s.ratio,
      ratio_err: s.ratioErr,
      cl_standard: pad(s.clStandard),
      cl_standard_err: pad(s.clStandardErr),
    },
    comments: [
      what,
      `omega_t=${s.omegaT} time_pc=${s.timePc} realizations=${s.realizations}`,
      `noise (shuffled sky) = ${s.noise.value} ± ${s.noise.error}; noise_eq71 = ${s.noiseEq71.value} ± ${s.noiseEq71.error}`,
      'mean/stderr: <C_l> over realizations (l = 0: Eq. 67 monopole 4pi(m-1)^2 of 4pi f/phi); cl_hat = mean - noise with jackknife error',
      'ratio_to_c1 = cl_hat/cl_hat[1] (jackknife error); cl_standard: unbiased C_l of the ensemble-mean map (Eq. 68 first term), l <= 12, jackknife error',
      `sum rule (Eq. 69): lhs = ${s.sumRuleLhs.value} ± ${s.sumRuleLhs.error}, rhs = 2T Ktilde g g = ${s.sumRuleRhs.value} ± ${s.sumRuleRhs.error}`,
    ],
  };
}
