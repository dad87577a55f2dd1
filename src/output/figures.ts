/**
 * The figures of a run directory: the Mollweide map of an ensemble-mean map and its C_l plots
 * (PNG and SVG), as `simulate`, `merge` and `plot` draw them.
 */
import path from 'node:path';
import { removeMultipoles } from '../analysis/multipoles.ts';
import { smoothTopHat } from '../analysis/smoothing.ts';
import { writeClPlot } from '../io/clPlot.ts';
import { writeMollweide } from '../io/mollweide.ts';
import type { MapSpec, RunPlan } from '../pipeline/plan.ts';

/** "rigidity 2.5 PV", or the bins of a spectrum run's combined maps. */
export function rigidityText(plan: RunPlan): string {
  const bins = plan.spectrum;
  if (!bins) return `rigidity ${plan.config.particles.rigidityPV.toPrecision(3)} PV`;
  return `${bins.length} rigidity bin${bins.length === 1 ? '' : 's'} ${bins[0].rigidityPV.toPrecision(3)}–${bins[bins.length - 1].rigidityPV.toPrecision(3)} PV, flux-weighted`;
}

/** Figure title: what is shown (first, bold line), then the model and the run's parameters. */
function title(plan: RunPlan, spec: MapSpec, n: number, what: string, processing: readonly string[] = []): string {
  const c = plan.config;
  const when = spec.snapshot < 0
    ? `gradient on a sphere of R = ${c.tracking.sphereRadiusPc} pc`
    : !Number.isFinite(spec.timePc)
      ? `Ω·T = ${spec.omegaT.toPrecision(3)} (each bin in its own Ω)`
      : Number.isFinite(spec.omegaT)
      ? `Ω·T = ${spec.omegaT.toPrecision(3)} (T = ${spec.timePc.toPrecision(3)} pc)`
      : `T = ${spec.timePc.toPrecision(3)} pc`;
  return (
    `${what}${processing.length > 0 ? ` (${processing.join(', ')})` : ''}\n` +
    `${c.liouville.model} model, ${when}, ${n} realization${n > 1 ? 's' : ''}\n` +
    `${rigidityText(plan)}, B0 = ${c.field.b0UG} uG, B_rms = ${c.field.turbulence.brmsUG} uG, N_side = ${plan.nside}, seed ${c.seed}`
  );
}

export interface SpectrumForPlot {
  readonly l: Float64Array;
  readonly mean: Float64Array;
  readonly std: Float64Array;
  readonly clHat: Float64Array;
  readonly error: Float64Array;
  readonly noise: number;
}

export interface PlotOptions {
  readonly width?: number;
  readonly lonCenterDeg?: number;
  /** Show the map after removing l <= this (e.g. 1: dipole-subtracted, as Giacinti & Sigl). */
  readonly removeMultipoles?: number;
  /** Top-hat smoothing radius for the map figure, degrees. */
  readonly smoothDeg?: number;
}

/** The Mollweide figure of the mean map and the C_l figures (PNG and SVG) of one map label. */
export function renderPlots(plan: RunPlan, spec: MapSpec, n: number, mean: Float64Array, sp: SpectrumForPlot, out: string, o: PlotOptions = {}): { mapPng: string; clPng: string; clSvg: string } {
  let shown: Float64Array = mean.map((v) => v - 1);
  const steps: string[] = [];
  if (o.removeMultipoles !== undefined) {
    shown = removeMultipoles(shown, { lmax: o.removeMultipoles }).residual;
    steps.push(`l ≤ ${o.removeMultipoles} removed`);
  }
  if (o.smoothDeg !== undefined) {
    shown = smoothTopHat(shown, { radiusDeg: o.smoothDeg });
    steps.push(`${o.smoothDeg}° top-hat`);
  }
  const suffix = steps.length > 0 ? `_${o.removeMultipoles !== undefined ? `l${o.removeMultipoles}` : ''}${o.smoothDeg !== undefined ? `s${o.smoothDeg}` : ''}` : '';
  const mapPng = path.join(out, `map_mean_${spec.label}${suffix}.png`);
  writeMollweide(mapPng, shown, {
    ordering: 'RING',
    width: o.width,
    lonCenterDeg: o.lonCenterDeg,
    title: title(plan, spec, n, 'Relative intensity, ensemble mean', steps),
    label: 'I − 1',
    center: 0,
    frameLabel: plan.frame === 'galactic' ? 'galactic (l, b)' : 'equatorial (α, δ)',
  });
  const top = Math.min(plan.lmax, sp.l.length - 1);
  const ls = sp.l.subarray(1, top + 1);
  const series = [
    { label: `<C_ℓ> ± std (${n} realization${n > 1 ? 's' : ''})`, l: ls, cl: sp.mean.subarray(1, top + 1), error: n > 1 ? sp.std.subarray(1, top + 1) : undefined },
    { label: 'Ĉ_ℓ = <C_ℓ> − N ± error', l: ls, cl: sp.clHat.subarray(1, top + 1), error: sp.error.subarray(1, top + 1), marker: 'square' as const },
  ];
  const clTitle = title(plan, spec, n, 'Angular power spectrum');
  const clPng = path.join(out, `cl_${spec.label}.png`);
  const clSvg = path.join(out, `cl_${spec.label}.svg`);
  const plotOpts = { title: clTitle, noise: sp.noise, noiseLabel: 'noise N (shuffled sky)', width: o.width };
  writeClPlot(clPng, series, plotOpts);
  writeClPlot(clSvg, series, plotOpts);
  return { mapPng, clPng, clSvg };
}
