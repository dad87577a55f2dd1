/**
 * The ensemble stage of a run: from the finished realization records and maps (sorted by
 * index, so a merged set of shards gives bitwise the same result as one run) to the mean maps,
 * C_l statistics with noise, dipoles, diffusion coefficients and plots.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../io/atomic.ts';
import { clStats, noiseSubtractedCl, ratioToDipole } from '../../analysis/ensemble.ts';
import { anafast } from '../../analysis/harmonics.ts';
import { readHealpixFits } from '../../io/fits.ts';
import { removeMultipoles } from '../../analysis/multipoles.ts';
import { smoothTopHat } from '../../analysis/smoothing.ts';
import { writeCsv } from '../../io/csv.ts';
import { writeMollweide } from '../../io/mollweide.ts';
import { writeClPlot } from '../../io/clPlot.ts';
import { dipoleOf, writeIntensityMap, type MapRecord, type RealizationRecord } from './realization.ts';
import type { MapSpec, RunPlan } from './plan.ts';
import { mapPath } from './runDir.ts';

export interface MapSummary {
  readonly label: string;
  readonly timePc: number | null;
  readonly omegaT: number | null;
  readonly realizations: number;
  /** <C_l> over realizations. */
  readonly clMean: number[];
  /** Noise-subtracted Ĉ_l = <C_l> − N and its error. */
  readonly clHat: number[];
  readonly clHatError: number[];
  /** Noise level N used for Ĉ_l (shuffled-sky white level, mean over realizations). */
  readonly noise: number;
  readonly noiseEq71: number | null;
  /** Dipole of the ensemble-mean map. */
  readonly meanDipole: MapRecord['dipole'];
  /** Mean and standard error of the realizations' dipole amplitudes. */
  readonly dipoleAmplitudeMean: number;
  readonly dipoleAmplitudeErr: number;
  readonly files: { readonly clCsv: string; readonly meanMap: string; readonly mapPng: string; readonly clPng: string; readonly clSvg: string };
}

function meanErr(xs: readonly number[]): { mean: number; err: number } {
  const n = xs.length;
  const mean = xs.reduce((a, x) => a + x, 0) / n;
  if (n < 2) return { mean, err: NaN };
  const v = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, err: Math.sqrt(v / n) };
}

/** Figure title: what is shown (first, bold line), then the model and the run's parameters. */
function title(plan: RunPlan, spec: MapSpec, n: number, what: string, processing: readonly string[] = []): string {
  const c = plan.config;
  const when = !Number.isFinite(spec.timePc)
    ? `gradient on a sphere of R = ${c.tracking.sphereRadiusPc} pc`
    : Number.isFinite(spec.omegaT)
      ? `Ω·T = ${spec.omegaT.toPrecision(3)} (T = ${spec.timePc.toPrecision(3)} pc)`
      : `T = ${spec.timePc.toPrecision(3)} pc`;
  return (
    `${what}${processing.length > 0 ? ` (${processing.join(', ')})` : ''}\n` +
    `${c.liouville.model} model, ${when}, ${n} realization${n > 1 ? 's' : ''}\n` +
    `rigidity ${c.particles.rigidityPV.toPrecision(3)} PV, B0 = ${c.field.b0UG} uG, B_rms = ${c.field.turbulence.brmsUG} uG, N_side = ${plan.nside}, seed ${c.seed}`
  );
}

/** Per-map ensemble outputs; returns one summary per map of the plan. */
export function finalizeRun(plan: RunPlan, records: readonly RealizationRecord[], out: string): MapSummary[] {
  if (records.length === 0) throw new Error('finalize: no finished realization');
  const sorted = [...records].sort((a, b) => a.index - b.index);
  const summaries = plan.maps.map((spec, m) => finalizeMap(plan, spec, m, sorted, out));
  // cl.csv: the headline spectrum, that of the last map (latest snapshot or the sphere).
  writeFileAtomic(path.join(out, 'cl.csv'), fs.readFileSync(path.join(out, summaries[summaries.length - 1].files.clCsv)));
  writeDipoleCsv(plan, sorted, summaries, out);
  writeDiffusionCsv(plan, sorted, out);
  return summaries;
}

function finalizeMap(plan: RunPlan, spec: MapSpec, m: number, records: readonly RealizationRecord[], out: string): MapSummary {
  const recs = records.map((r) => r.maps[m]);
  // Ensemble-mean map: sum in index order, so shards + merge reproduce one run exactly.
  const mean = new Float64Array(plan.npix);
  for (const r of recs) {
    const map = readHealpixFits(path.join(out, r.file)).columns[0].data;
    for (let p = 0; p < plan.npix; p++) mean[p] += map[p];
  }
  for (let p = 0; p < plan.npix; p++) mean[p] /= recs.length;
  const meanFile = mapPath(out, 'mean', spec.label);
  writeIntensityMap(meanFile, plan, -1, spec, records[0].field, mean);

  const stats = clStats(recs.map((r) => r.cl));
  const noise = recs.reduce((a, r) => a + r.noiseShuffled, 0) / recs.length;
  const eq71 = recs.every((r) => r.noiseEq71 !== null) ? recs.reduce((a, r) => a + r.noiseEq71!, 0) / recs.length : null;
  const ns = noiseSubtractedCl(stats, noise);
  const ratio = ratioToDipole(ns.chat, ns.variance);
  // C_l of the mean map: the <f1><f2> (standard-diffusion) part of Eq. 67-68.
  const standard = anafast(mean, { lmax: plan.lmax });
  const n = recs.length;
  const standardUnbiased = standard.map((v, i) => (n > 1 ? (n * v - stats.mean[i]) / (n - 1) : NaN));
  const l = Float64Array.from(stats.mean, (_v, i) => i);
  const error = Float64Array.from(ns.variance, Math.sqrt);
  const columns = {
    l,
    mean: stats.mean,
    std: stats.std,
    stderr: stats.stdErr,
    noise: new Float64Array(l.length).fill(noise),
    noise_eq71: new Float64Array(l.length).fill(eq71 ?? NaN),
    cl_hat: ns.chat,
    error,
    ratio_to_c1: ratio.ratio,
    ratio_err: ratio.sigma,
    cl_mean_map: standard,
    // Without the 1/R share of the realization scatter that the mean map still carries:
    // (R·standard − full)/(R − 1); the rest, full − that, is the <δd1 δd2> term of Eq. 68.
    cl_standard: standardUnbiased,
    cl_excess: standardUnbiased.map((v, i) => stats.mean[i] - v),
  };
  const comments = [
    `crsky simulate: ${spec.label}, ${records.length} realizations, N_side ${plan.nside}, ${plan.perPixel} particles/pixel`,
    spec.timePc !== null && Number.isFinite(spec.timePc) ? `time_pc=${spec.timePc} omega_t=${spec.omegaT}` : `sphere_pc=${plan.config.tracking.sphereRadiusPc}`,
    'mean/std/stderr: C_l over realizations; noise: white level of shuffled skies; noise_eq71: review Eq. 71',
    'cl_hat = mean - noise, error = sqrt(var); ratio_to_c1 = cl_hat / cl_hat[1]; cl_mean_map: C_l of the ensemble-mean map (<f1><f2>, Eq. 68)',
    'cl_standard: cl_mean_map without its 1/R bias from the realization scatter (NaN for one realization); cl_excess = mean - cl_standard (relative diffusion, Eq. 68)',
  ];
  const clCsv = path.join(out, `cl_${spec.label}.csv`);
  writeCsv(clCsv, columns, comments);

  const { mapPng, clPng, clSvg } = renderPlots(plan, spec, records.length, mean, { l, mean: stats.mean, std: stats.std, clHat: ns.chat, error, noise }, out);

  const amp = meanErr(recs.map((r) => r.dipole.amplitude));
  return {
    label: spec.label,
    timePc: recs[0].timePc,
    omegaT: recs[0].omegaT,
    realizations: records.length,
    clMean: Array.from(stats.mean),
    clHat: Array.from(ns.chat),
    clHatError: Array.from(error),
    noise,
    noiseEq71: eq71,
    meanDipole: dipoleOf(mean),
    dipoleAmplitudeMean: amp.mean,
    dipoleAmplitudeErr: amp.err,
    files: {
      clCsv: path.relative(out, clCsv),
      meanMap: path.relative(out, meanFile),
      mapPng: path.relative(out, mapPng),
      clPng: path.relative(out, clPng),
      clSvg: path.relative(out, clSvg),
    },
  };
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

function writeDipoleCsv(plan: RunPlan, records: readonly RealizationRecord[], summaries: readonly MapSummary[], out: string): void {
  const rows: number[][] = [];
  plan.maps.forEach((spec, m) => {
    const push = (realization: number, d: MapRecord['dipole']) =>
      rows.push([m, spec.timePc, spec.omegaT, realization, d.vector[0], d.vector[1], d.vector[2], d.amplitude, d.lonDeg, d.latDeg]);
    push(-1, summaries[m].meanDipole);
    for (const r of records) push(r.index, r.maps[m].dipole);
  });
  const names = ['map', 'time_pc', 'omega_t', 'realization', 'dx', 'dy', 'dz', 'amplitude', 'lon_deg', 'lat_deg'];
  const columns = Object.fromEntries(names.map((n, i) => [n, Float64Array.from(rows, (r) => r[i])]));
  writeCsv(path.join(out, 'dipole.csv'), columns, [
    `dipole vectors in the ${plan.frame} frame of the maps; realization -1 is the ensemble-mean map`,
    `maps: ${plan.maps.map((s, i) => `${i}=${s.label}`).join(' ')}`,
  ]);
}

function writeDiffusionCsv(plan: RunPlan, records: readonly RealizationRecord[], out: string): void {
  const rows = plan.maps
    .map((spec, m) => ({ spec, d: records.map((r) => r.maps[m].diffusion) }))
    .filter((x) => x.d.every((d) => d !== null));
  if (rows.length === 0) return;
  const par = rows.map((x) => meanErr(x.d.map((d) => d!.parallelPc)));
  const perp = rows.map((x) => meanErr(x.d.map((d) => d!.perpendicularPc)));
  writeCsv(
    path.join(out, 'diffusion.csv'),
    {
      time_pc: Float64Array.from(rows, (x) => x.spec.timePc),
      omega_t: Float64Array.from(rows, (x) => x.spec.omegaT),
      k_par_pc: Float64Array.from(par, (p) => p.mean),
      k_par_err_pc: Float64Array.from(par, (p) => p.err),
      k_perp_pc: Float64Array.from(perp, (p) => p.mean),
      k_perp_err_pc: Float64Array.from(perp, (p) => p.err),
    },
    [
      'running diffusion coefficients <dx dx>/2T of the back-tracked particles, pc (units of c*pc)',
      `parallel to B0${plan.b0Direction === null ? ' (B0 = 0: isotropic trace/3 in both columns)' : ''}; errors: scatter between ${records.length} realizations`,
    ],
  );
}
