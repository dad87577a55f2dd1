/**
 * `crsky reproduce diffusion`: the running diffusion coefficients D∥(t), D⊥(t) of isotropic
 * Kolmogorov turbulence at r_g/L_c = 0.03 … 3, for pure turbulence (B0 = 0, r_g in B_rms) and for
 * δB/B0 = 1 (r_g in |B0|), with plateau values and errors over realizations, checked against the
 * limits that need no paper (docs/physics.md Sec. 8.4): the ballistic start D = t/6 per axis
 * (exact for D_iso, the trace/3, while the paths are straight), and for r_g ≫ L_c the small-angle
 * value D = 4r_g²/(3L_c) (crsky's two-sided L_c), tested at r_g/L_c = 10 in the full run.
 *
 * No published plateau for isotropic Kolmogorov turbulence could be verified from stored
 * material (docs/diffusion-literature.md), so none is compared here.
 */
import { ballisticDiffusionPc, exponentialRunningDiffusionPc, smallAngleScatteringDiffusionPc } from '../../analysis/theory/diffusionLimits.ts';
import type { DiffusionRow } from '../../analysis/diffusion.ts';
import { planDiffusion, runDiffusion, type DiffusionResult } from '../diffusion.ts';
import { configFrom, fmt, pm } from './common.ts';
import { checkEqual, checkGreater, type Check, type FigureSpec, type PlotSeries, type ReproduceContext, type ReproduceResult, type ReproduceTarget, type Table } from './types.ts';
import type { Config } from '../../config/schema.ts';

interface Setup {
  readonly label: string;
  readonly b0UG: number;
  readonly what: string;
  /** For figure titles. */
  readonly short: string;
}

const SETUPS: readonly Setup[] = [
  { label: 'isotropic', b0UG: 0, what: 'pure turbulence, B0 = 0 (r_g in B_rms; "parallel" = z)', short: 'B0 = 0, r_g in B_rms' },
  { label: 'b0', b0UG: 1, what: 'δB/B0 = 1 (r_g in |B0|), B0 along z', short: 'δB/B0 = 1, r_g in |B0|' },
];

interface Point {
  readonly setup: Setup;
  readonly rgOverLc: number;
  /** Last time in units of L_c. */
  readonly tMaxLc: number;
}

function settings(ctx: ReproduceContext) {
  const o = ctx.overrides ?? {};
  if (ctx.quick) {
    // A narrow band (10-100 pc) allows a 2.5 pc step: the limits tested do not depend on the band.
    return {
      spectrum: { kind: 'kolmogorov', lMinPc: 10, lMaxPc: 100 },
      modes: 32,
      particles: 64,
      realizations: o.realizations ?? 4,
      nt: 16,
      points: [
        { setup: SETUPS[0], rgOverLc: 0.3, tMaxLc: 30 },
        { setup: SETUPS[1], rgOverLc: 0.3, tMaxLc: 30 },
        { setup: SETUPS[0], rgOverLc: 10, tMaxLc: 1200 },
      ] as Point[],
      z: 3,
    };
  }
  const rgs = [0.03, 0.1, 0.3, 1, 3];
  // Last times ≥ 30 mean free paths (3D/c) where the plateau is known roughly; at r_g = 3 L_c,
  // 500 L_c ≈ 14 τ of the small-angle estimate τ = 4r_g²/L_c.
  const tMax = (x: number) => (x <= 0.3 ? 100 : x <= 1 ? 300 : 500);
  return {
    spectrum: { kind: 'kolmogorov', lMinPc: 0.5, lMaxPc: 100 },
    modes: 256,
    particles: 512,
    realizations: o.realizations ?? 8,
    nt: 32,
    points: [
      ...SETUPS.flatMap((setup) => rgs.map((rgOverLc) => ({ setup, rgOverLc, tMaxLc: tMax(rgOverLc) }))),
      // the small-angle limit needs r_g beyond the largest scale: τ = 3D = 400 L_c, run to 3τ
      { setup: SETUPS[0], rgOverLc: 10, tMaxLc: 1200 },
    ] as Point[],
    z: 3,
  };
}

/**
 * The plateau D∞ that an exponentially decorrelating velocity (τ = 3D∞) would need to show D at
 * time t: D = D∞[1 − (τ/t)(1 − e^{−t/τ})], increasing in D∞ from 0 to t/6, solved by bisection.
 * NaN when D ≥ t/6 (no such plateau).
 */
function exponentialPlateauPc(dPc: number, tPc: number): number {
  if (!(dPc > 0 && dPc < tPc / 6)) return NaN;
  let lo = dPc;
  let hi = dPc;
  while (exponentialRunningDiffusionPc(tPc, hi) < dPc) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (exponentialRunningDiffusionPc(tPc, mid) < dPc) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * For L_c ≪ t ≪ τ, 1 − D_iso/(t/6) = a + t/(3τ) (the velocity correlation falls as 1 − s/τ once the
 * path exceeds L_c; a absorbs the first, coherent L_c). Weighted straight-line fit over
 * tFrom ≤ t ≤ tTo; τ and its relative error, or null with fewer than 3 times.
 */
function deflectionRate(rows: readonly DiffusionRow[], tFrom: number, tTo: number): { tau: number; relErr: number; points: number } | null {
  const pts = rows.filter((r) => r.timePc >= tFrom && r.timePc <= tTo && r.isotropicErrPc > 0);
  if (pts.length < 3) return null;
  let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const r of pts) {
    const y = 1 - (6 * r.isotropicPc) / r.timePc;
    const sigma = (6 * r.isotropicErrPc) / r.timePc;
    const w = 1 / (sigma * sigma);
    sw += w;
    sx += w * r.timePc;
    sy += w * y;
    sxx += w * r.timePc * r.timePc;
    sxy += w * r.timePc * y;
  }
  const det = sw * sxx - sx * sx;
  const slope = (sw * sxy - sx * sy) / det;
  const slopeErr = Math.sqrt(sw / det);
  return { tau: 1 / (3 * slope), relErr: slopeErr / slope, points: pts.length };
}

interface PointResult {
  readonly point: Point;
  readonly res: DiffusionResult;
}

/** L_c (realized modes of realization 0, which set the rigidity and the times), pc. */
const lcOf = (r: PointResult): number => r.res.field.correlationLengthPc;
/** L_c of the continuous spectrum, pc (NaN where the field has none). */
const lcSpectrumOf = (r: PointResult): number => r.res.field.spectrumCorrelationLengthPc ?? NaN;
/** r_g in the reference field, pc. */
const rgOf = (r: PointResult): number => r.res.gyroradiusPc;

/** r_g in the rms total field (B_rms² + B0²), which sets the curvature of the first steps. */
function rgRmsPc(rg: number, setup: Setup): number {
  return rg / (setup.b0UG > 0 ? Math.SQRT2 : 1);
}

function plateau(rows: readonly DiffusionRow[], pick: (r: DiffusionRow) => number, err: (r: DiffusionRow) => number) {
  const last = rows[rows.length - 1];
  // log-slope of D over the last quarter of the (log-spaced) times: ~0 on a plateau
  const k0 = Math.max(0, rows.length - 1 - Math.ceil(rows.length / 4));
  const slope = Math.log(pick(last) / pick(rows[k0])) / Math.log(last.timePc / rows[k0].timePc);
  const value = pick(last);
  const error = err(last);
  const extrapolated = exponentialPlateauPc(value, last.timePc);
  // dD∞/dD by a finite difference of the inverse
  const d = exponentialPlateauPc(value * (1 + 1e-6), last.timePc);
  return { value, error, slope, extrapolated, extrapolatedError: (Math.abs(d - extrapolated) / (value * 1e-6)) * error };
}

async function runDiffusionTarget(ctx: ReproduceContext): Promise<ReproduceResult> {
  const t0 = performance.now();
  const st = settings(ctx);
  const results: PointResult[] = [];
  const configs: Record<string, Config> = {};
  let steps = 0;
  let backend: string = ctx.tracker.backend;
  let device = ctx.tracker.device;
  for (const [i, point] of st.points.entries()) {
    const name = `${point.setup.label}_rg${point.rgOverLc}`;
    const config = configFrom(undefined, {
      seed: 100 + i,
      realizations: st.realizations,
      field: { b0UG: point.setup.b0UG, b0Direction: [0, 0, 1], turbulence: { brmsUG: 1, spectrum: st.spectrum, method: 'modes', modes: st.modes } },
    });
    // L_c of the first realization sets the rigidity and the times (planDiffusion).
    const probe = planDiffusion(config, { rgOverLc: point.rgOverLc, nTimes: 2 });
    const lc = probe.first.summary.correlationLengthPc;
    const rgRms = rgRmsPc(probe.gyroradiusPc, point.setup);
    const plan = planDiffusion(config, { rgOverLc: point.rgOverLc, nTimes: st.nt, tMinPc: 0.01 * rgRms, tMaxPc: point.tMaxLc * lc });
    configs[name] = plan.config;
    const res = await runDiffusion(plan, ctx.tracker, {
      particles: st.particles,
      signal: ctx.signal,
      onProgress: (p) => ctx.onProgress?.({ stage: `diffusion ${name}`, done: p.done, total: p.total, particleSteps: steps + p.particleSteps, seconds: (performance.now() - t0) / 1000 }),
    });
    steps += res.particleSteps;
    backend = res.backend;
    device = res.device;
    results.push({ point, res });
  }

  const tables: Table[] = [];
  const figures: FigureSpec[] = [];
  const checks: Check[] = [];
  const notes: string[] = [];
  const z = st.z;

  // Running D(t) per point.
  for (const r of results) {
    const rows = r.res.rows;
    const col = (f: (x: DiffusionRow) => number) => Float64Array.from(rows, f);
    tables.push({
      name: `running_${r.point.setup.label}_rg${r.point.rgOverLc}`,
      columns: {
        t_pc: col((x) => x.timePc),
        t_over_lc: col((x) => x.timePc / lcOf(r)),
        d_par_pc: col((x) => x.parallelPc),
        d_par_err_pc: col((x) => x.parallelErrPc),
        d_perp_pc: col((x) => x.perpendicularPc),
        d_perp_err_pc: col((x) => x.perpendicularErrPc),
        d_iso_pc: col((x) => x.isotropicPc),
        d_iso_err_pc: col((x) => x.isotropicErrPc),
        ballistic_pc: col((x) => ballisticDiffusionPc(x.timePc)),
      },
      comments: [
        `${r.point.setup.what}; r_g/L_c = ${r.point.rgOverLc}, r_g = ${rgOf(r)} pc, L_c = ${lcOf(r)} pc (realized modes; continuous spectrum ${lcSpectrumOf(r)} pc)`,
        `${r.res.field.description}; step ${r.res.stepPc} pc; ${rows[0].particles} particles in ${r.res.config.realizations} realizations; errors: ${rows[0].errorFrom}`,
      ],
    });
  }

  // Ballistic start: D_iso = t/6 exactly for straight paths; the curvature of a path with radius
  // ρ shortens |Δx| by t³/(24ρ²), i.e. D_iso by (t/ρ)²/12; ρ ≥ r_g(B_rms,total)/4 unless |B| > 4 B_rms.
  for (const r of results) {
    const first = r.res.rows[0];
    const rgRms = rgRmsPc(rgOf(r), r.point.setup);
    const tol = Math.max(1e-6, (first.timePc / (rgRms / 4)) ** 2 / 12);
    checks.push(
      checkEqual(
        `ballistic_${r.point.setup.label}_rg${r.point.rgOverLc}`,
        `ballistic start (docs/physics.md Sec. 8.4): D_iso(t)/(t/6) = 1 at t = ${fmt(first.timePc)} pc = ${fmt(first.timePc / rgRms)} r_g`,
        first.isotropicPc / ballisticDiffusionPc(first.timePc),
        1,
        tol,
        'the path-curvature bound (t/ρ)²/12 with ρ = r_g/4 (exact result otherwise)',
      ),
    );
  }

  // Plateaus.
  const plateauRows: number[][] = [];
  const isoPlateaus = new Map<PointResult, ReturnType<typeof plateau>>();
  for (const r of results) {
    const rows = r.res.rows;
    const par = plateau(rows, (x) => x.parallelPc, (x) => x.parallelErrPc);
    const perp = plateau(rows, (x) => x.perpendicularPc, (x) => x.perpendicularErrPc);
    const iso = plateau(rows, (x) => x.isotropicPc, (x) => x.isotropicErrPc);
    isoPlateaus.set(r, iso);
    const lc = lcOf(r);
    const sa = r.point.setup.b0UG === 0 ? smallAngleScatteringDiffusionPc(rgOf(r), lc) : NaN;
    plateauRows.push([
      r.point.setup.b0UG,
      r.point.rgOverLc,
      rgOf(r),
      lc,
      lcSpectrumOf(r),
      rows[rows.length - 1].timePc,
      par.value / lc,
      par.error / lc,
      par.slope,
      perp.value / lc,
      perp.error / lc,
      perp.slope,
      iso.value / lc,
      iso.error / lc,
      iso.slope,
      iso.extrapolated / lc,
      iso.extrapolatedError / lc,
      sa / lc,
    ]);
    notes.push(
      `${r.point.setup.label}, r_g/L_c = ${r.point.rgOverLc}: at t = ${fmt(rows[rows.length - 1].timePc / lc)} L_c D∥ = ${pm({ value: par.value / lc, error: par.error / lc })}, D⊥ = ${pm({ value: perp.value / lc, error: perp.error / lc })}, D_iso = ${pm({ value: iso.value / lc, error: iso.error / lc })} (c L_c); late log-slopes ${fmt(par.slope, 2)}, ${fmt(perp.slope, 2)}, ${fmt(iso.slope, 2)}${Number.isFinite(sa) ? `; D_iso/(4r_g²/3L_c) = ${fmt(iso.value / sa)} (exponential-model extrapolation ${fmt(iso.extrapolated / sa)} ± ${fmt(iso.extrapolatedError / sa, 2)})` : ''}`,
    );
  }
  const names = ['b0_ug', 'rg_over_lc', 'rg_pc', 'lc_pc', 'lc_spectrum_pc', 't_last_pc', 'd_par', 'd_par_err', 'd_par_slope', 'd_perp', 'd_perp_err', 'd_perp_slope', 'd_iso', 'd_iso_err', 'd_iso_slope', 'd_iso_extrapolated', 'd_iso_extrapolated_err', 'd_small_angle'];
  tables.push({
    name: 'plateaus',
    columns: Object.fromEntries(names.map((n, i) => [n, Float64Array.from(plateauRows, (row) => row[i])])),
    comments: [
      'D at the last time in units of c L_c (L_c two-sided, realized modes of realization 0); errors: standard error over realizations',
      '*_slope: d ln D / d ln t over the last quarter of the times (0 on a plateau)',
      'd_iso_extrapolated: the plateau an exponentially decorrelating velocity (tau = 3 D) needs to give the last D_iso; d_small_angle = 4 r_g^2/(3 L_c^2), B0 = 0 only',
    ],
  });

  // Small-angle limit at the largest r_g/L_c of the isotropic setup.
  const iso = results.filter((r) => r.point.setup.b0UG === 0);
  const big = iso.reduce((a, r) => (r.point.rgOverLc > a.point.rgOverLc ? r : a));
  {
    const rows = big.res.rows;
    const lc = lcOf(big);
    const x = big.point.rgOverLc;
    const sa = smallAngleScatteringDiffusionPc(rgOf(big), lc);
    const tauTheory = 3 * sa; // 4 r_g²/L_c
    const rate = deflectionRate(rows, 2 * lc, tauTheory / 20);
    if (rate !== null) {
      checks.push(
        checkEqual(
          `small_angle_rate_rg${x}`,
          `small-angle scattering (docs/physics.md Sec. 8.4): for L_c ≪ t ≪ τ = 4r_g²/L_c, 1 − D_iso/(t/6) grows as t/(3τ); the fitted τ (t = 2 L_c … τ/20, ${rate.points} times) over the predicted 4r_g²/L_c at r_g/L_c = ${x}`,
          tauTheory / rate.tau,
          1,
          z * rate.relErr,
          `${z}σ of the fitted slope (weighted fit, errors over realizations)`,
        ),
      );
      notes.push(`small-angle rate at r_g/L_c = ${x}: τ = ${fmt(rate.tau / lc)} ± ${fmt((rate.relErr * rate.tau) / lc, 2)} L_c fitted vs 4r_g²/L_c = ${fmt(tauTheory / lc)} L_c`);
    }
    const p = isoPlateaus.get(big)!;
    notes.push(
      `small-angle limit at r_g/L_c = ${x}: D_iso(t = ${fmt(rows[rows.length - 1].timePc / lc)} L_c) = ${fmt(p.value / lc)} c L_c (late log-slope ${fmt(p.slope, 2)}) against 4r_g²/(3L_c) = ${fmt(sa / lc)} c L_c; the exponential model (τ = 3D) would need a plateau ${fmt(p.extrapolated / lc)} ± ${fmt(p.extrapolatedError / lc, 2)} c L_c`,
    );
  }
  // D_iso grows with r_g in the isotropic setup (more rigid particles scatter less).
  if (iso.length >= 2) {
    const sorted = [...iso].sort((a, b) => a.point.rgOverLc - b.point.rgOverLc);
    const d = sorted.map((r) => {
      const rows = r.res.rows;
      return { v: rows[rows.length - 1].isotropicPc / lcOf(r), e: rows[rows.length - 1].isotropicErrPc / lcOf(r) };
    });
    const diffs = d.slice(1).map((x, i) => ({ v: x.v - d[i].v, e: Math.hypot(x.e, d[i].e) }));
    const worst = diffs.reduce((a, x) => (x.v / x.e < a.v / a.e ? x : a));
    checks.push(
      checkGreater(
        'isotropic_d_grows_with_rigidity',
        'the isotropic plateau D_iso/(c L_c) increases with r_g/L_c (weakest step shown)',
        worst.v,
        0,
        z * worst.e,
        `${z}σ of the difference (errors added in quadrature)`,
      ),
    );
  }

  figures.push(...runningFigures(results), plateauFigure(results));
  const lcNote = results[0];
  notes.unshift(`L_c: realized modes ${fmt(lcOf(lcNote), 5)} pc, continuous spectrum ${fmt(lcSpectrumOf(lcNote), 5)} pc (--rg-over-lc uses the realized value of realization 0)`);
  return {
    target: 'diffusion',
    quick: ctx.quick,
    description: `running D∥, D⊥ of Kolmogorov turbulence (${st.spectrum.lMinPc}-${st.spectrum.lMaxPc} pc, ${st.modes} modes), r_g/L_c = ${[...new Set(st.points.map((p) => p.rgOverLc))].join(', ')}, B0 = 0 and δB/B0 = 1; ${st.particles} particles × ${st.realizations} realizations per point`,
    configs,
    tables,
    figures,
    checks,
    notes,
    backend,
    device,
    particleSteps: steps,
    seconds: (performance.now() - t0) / 1000,
  };
}

const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

function runningFigures(results: readonly PointResult[]): FigureSpec[] {
  return SETUPS.filter((s) => results.some((r) => r.point.setup === s)).map((setup) => {
    const rs = results.filter((r) => r.point.setup === setup);
    const series: PlotSeries[] = [];
    rs.forEach((r, i) => {
      const x = r.res.rows.map((row) => row.timePc / lcOf(r));
      const c = COLORS[i % COLORS.length];
      if (setup.b0UG === 0) {
        series.push({ label: `D_{iso}, r_{g}/L_{c} = ${r.point.rgOverLc}`, x, y: r.res.rows.map((row) => row.isotropicPc / lcOf(r)), error: r.res.rows.map((row) => row.isotropicErrPc / lcOf(r)), color: c, marker: 'circle' });
        const sa = smallAngleScatteringDiffusionPc(rgOf(r), lcOf(r)) / lcOf(r);
        if (r.point.rgOverLc >= 1) series.push({ x: [x[0], x[x.length - 1]], y: [sa, sa], color: c, marker: 'none', dashed: true });
      } else {
        series.push({ label: `D_{∥}, r_{g}/L_{c} = ${r.point.rgOverLc}`, x, y: r.res.rows.map((row) => row.parallelPc / lcOf(r)), error: r.res.rows.map((row) => row.parallelErrPc / lcOf(r)), color: c, marker: 'circle' });
        series.push({ label: i === 0 ? 'D_{⊥} (squares)' : undefined, x, y: r.res.rows.map((row) => row.perpendicularPc / lcOf(r)), error: r.res.rows.map((row) => row.perpendicularErrPc / lcOf(r)), color: c, marker: 'square', dashed: true });
      }
    });
    const all = rs.flatMap((r) => r.res.rows.map((row) => row.timePc / lcOf(r)));
    const tmin = Math.min(...all);
    const tmax = Math.max(...all);
    series.push({ label: 'ballistic t/6', x: [tmin, tmax], y: [tmin / 6, tmax / 6], color: '#999999', marker: 'none', dashed: true });
    return {
      kind: 'lines',
      name: `running_${setup.label}`,
      title: `Running diffusion coefficients, Kolmogorov turbulence, ${setup.short}\n${setup.b0UG === 0 ? 'dashed: small-angle limit 4r_{g}²/(3L_{c}) for r_{g} ≥ L_{c}; ' : ''}errors: standard error over realizations`,
      xLabel: 't / L_{c}  (c = 1)',
      yLabel: 'D / (c L_{c})',
      xLog: true,
      yLog: true,
      series,
    };
  });
}

function plateauFigure(results: readonly PointResult[]): FigureSpec {
  const series: PlotSeries[] = [];
  for (const [i, setup] of SETUPS.entries()) {
    const rs = results.filter((r) => r.point.setup === setup).sort((a, b) => a.point.rgOverLc - b.point.rgOverLc);
    if (rs.length === 0) continue;
    const x = rs.map((r) => r.point.rgOverLc);
    const last = (r: PointResult) => r.res.rows[r.res.rows.length - 1];
    if (setup.b0UG === 0) {
      series.push({ label: 'D_{iso}, B0 = 0', x, y: rs.map((r) => last(r).isotropicPc / lcOf(r)), error: rs.map((r) => last(r).isotropicErrPc / lcOf(r)), color: COLORS[i], marker: 'circle' });
    } else {
      series.push({ label: 'D_{∥}, δB/B0 = 1', x, y: rs.map((r) => last(r).parallelPc / lcOf(r)), error: rs.map((r) => last(r).parallelErrPc / lcOf(r)), color: COLORS[i], marker: 'square' });
      series.push({ label: 'D_{⊥}, δB/B0 = 1', x, y: rs.map((r) => last(r).perpendicularPc / lcOf(r)), error: rs.map((r) => last(r).perpendicularErrPc / lcOf(r)), color: COLORS[i + 2], marker: 'triangle' });
    }
  }
  const xs = results.map((r) => r.point.rgOverLc);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const grid = Array.from({ length: 20 }, (_, i) => lo * Math.pow(hi / lo, i / 19));
  series.push({ label: 'small-angle 4r_{g}²/(3L_{c})', x: grid, y: grid.map((g) => (4 * g * g) / 3), color: '#999999', marker: 'none', dashed: true });
  return {
    kind: 'lines',
    name: 'plateaus',
    title: 'Diffusion coefficients at the last time vs rigidity (Kolmogorov turbulence)\nerrors: standard error over realizations',
    xLabel: 'r_{g} / L_{c}',
    yLabel: 'D / (c L_{c})',
    xLog: true,
    yLog: true,
    series,
  };
}

export const diffusionTarget: ReproduceTarget = {
  name: 'diffusion',
  describe: 'running D∥, D⊥ vs t at r_g/L_c = 0.03..3 (and 10), B0 = 0 and δB/B0 = 1; plateaus; ballistic and small-angle limits',
  run: runDiffusionTarget,
};
