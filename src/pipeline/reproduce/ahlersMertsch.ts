/**
 * `crsky reproduce ahlers-mertsch-2015`: review Fig. 14 and 15 (Ahlers & Mertsch 2015). B0 plus
 * turbulence with ⟨δB²⟩/B0² = 1, spectrum ∝ k²/(1 + (kL)^(11/3)) with bend-over L ("their L_c",
 * docs/physics.md Sec. 3.2), r_g = 0.1 L, the fixed-time model at Ω·T from 0.3 to 300, with the
 * gradient parallel (ẑ ∥ B0) and perpendicular (x̂) to B0 evaluated on the same trajectories.
 *
 * Fig. 14: ⟨C_0⟩, ⟨C_1⟩, ⟨C_2..9⟩ vs Ω·T with the standard-diffusion dipole (C_1 of the
 * ensemble-mean map, the review's magenta line, and Eq. 56 with the measured K) and the Eq. 71
 * noise. Fig. 15: Ĉ_l/Ĉ_1 at Ω·T = 100 with Eq. 77 for p = 1/3, 1/2, 2/3. The statements
 * checked are the review's: ⟨C_1⟩ exceeds the standard-diffusion dipole, by about an order of
 * magnitude for the perpendicular gradient; Ĉ_l/Ĉ_1 at Ω·T = 100 falls and is convex.
 */
import { fitLogParabola, fitPowerLaw } from '../../analysis/spectrumFit.ts';
import { relativeDiffusionClRatio } from '../../analysis/theory/relativeDiffusion.ts';
import { tensorTimesVector } from '../../analysis/theory/standardDiffusion.ts';
import { diffusionTensor } from '../../analysis/liouville.ts';
import type { Vec3 } from '../../config/vec3.ts';
import { configFrom, fmt, omegaTimes, pm, spectrumTable, stageProgress } from './common.ts';
import { runFixedTime, type GradientCase } from './fixedTime.ts';
import { mapStatistics, type MapStatistics } from './fixedTimeStats.ts';
import { whiteLevel } from '../realization.ts';
import { checkEqual, checkGreater, type Check, type FigureSpec, type PlotSeries, type ReproduceContext, type ReproduceResult, type ReproduceTarget, type Table } from './types.ts';

const GRADIENT_PER_PC = 1e-3;

export const AM15_GRADIENTS: readonly GradientCase[] = [
  { label: 'parallel', gradient: [0, 0, GRADIENT_PER_PC] },
  { label: 'perpendicular', gradient: [GRADIENT_PER_PC, 0, 0] },
];

/** The l of Fig. 14's green lines. */
const MID_L = [2, 3, 4, 5, 6, 7, 8, 9];

function settings(ctx: ReproduceContext) {
  const o = ctx.overrides ?? {};
  return ctx.quick
    ? // 32 modes and h = r_g/10 (Boris phase error ~1e-4 rad per gyration) keep it to ~1e7 particle-steps
      { nside: o.nside ?? 8, realizations: o.realizations ?? 24, timesOmega: omegaTimes(-1, 4, 2), modes: 32, stepPc: 0.1 as number | undefined, z: 2 }
    : { nside: o.nside ?? 32, realizations: o.realizations ?? 32, timesOmega: omegaTimes(-2, 10, 4), modes: 256, stepPc: undefined, z: 3 };
}

/** Index of the snapshot closest to Ω·T (log distance). */
function closestTime(stats: readonly MapStatistics[], omegaT: number): number {
  let best = 0;
  for (let i = 1; i < stats.length; i++) if (Math.abs(Math.log(stats[i].omegaT / omegaT)) < Math.abs(Math.log(stats[best].omegaT / omegaT))) best = i;
  return best;
}

function fig14Table(label: string, stats: readonly MapStatistics[]): Table {
  const col = (f: (s: MapStatistics) => number) => Float64Array.from(stats, f);
  const columns: Record<string, Float64Array> = {
    omega_t: col((s) => s.omegaT),
    time_pc: col((s) => s.timePc),
    c0: col((s) => s.clMean[0]),
    c0_err: col((s) => s.clErr[0]),
    c1: col((s) => s.clMean[1]),
    c1_err: col((s) => s.clErr[1]),
  };
  for (const l of MID_L) {
    columns[`c${l}`] = col((s) => s.clMean[l] ?? NaN);
    columns[`c${l}_err`] = col((s) => s.clErr[l] ?? NaN);
  }
  Object.assign(columns, {
    noise_eq71: col((s) => s.noiseEq71.value),
    noise_shuffled: col((s) => s.noise.value),
    c1_standard: col((s) => s.clStandard[1]),
    c1_standard_err: col((s) => s.clStandardErr[1]),
    c1_eq56: col((s) => s.c1Eq56),
    c1_eq56_hall: col((s) => s.c1Eq56Hall),
    c1_over_standard: col((s) => s.c1OverStandard.value),
    c1_over_standard_err: col((s) => s.c1OverStandard.error),
    k_par_pc: col((s) => s.kParallelPc.value),
    k_par_err_pc: col((s) => s.kParallelPc.error),
    k_perp_pc: col((s) => s.kPerpendicularPc.value),
    k_perp_err_pc: col((s) => s.kPerpendicularPc.error),
    sumrule_lhs: col((s) => s.sumRuleLhs.value),
    sumrule_lhs_err: col((s) => s.sumRuleLhs.error),
    sumrule_pixels: col((s) => s.sumRulePixels.value),
    sumrule_pixels_err: col((s) => s.sumRulePixels.error),
    sumrule_rhs: col((s) => s.sumRuleRhs.value),
    sumrule_rhs_err: col((s) => s.sumRuleRhs.error),
  });
  return {
    name: `fig14_${label}`,
    columns,
    comments: [
      `review Fig. 14, gradient ${label} to B0, |g| = ${GRADIENT_PER_PC} /pc; ${stats[0].realizations} realizations; errors: standard error over realizations (jackknife for ratios and c1_standard)`,
      'c0: Eq. 67 monopole 4pi(m-1)^2 of 4pi f/phi; c1..c9: <C_l> of I - 1; noise_eq71: Eq. 71 with the measured K; noise_shuffled: shuffled-sky white level',
      'c1_standard: C_1 of the ensemble-mean map (unbiased; the review magenta line); c1_eq56: (4pi/9)|3 K g|^2 with the measured symmetric K (Eq. 56); c1_eq56_hall: with the Hall part BGK implies for the measured K_par, K_perp',
      'sumrule_lhs = (1/4pi) sum_{l>=1}^{3 N_side - 1} (2l+1) C_l; sumrule_pixels: sky variance of I over pixels (all l); sumrule_rhs = 2 T Ktilde_ij g_i g_j (Eq. 69-70, Ktilde from the end positions)',
    ],
  };
}

function fig14Figure(label: string, stats: readonly MapStatistics[]): FigureSpec {
  const x = stats.map((s) => s.omegaT);
  const series: PlotSeries[] = [
    { label: '<C_{0}>', x, y: stats.map((s) => s.clMean[0]), error: stats.map((s) => s.clErr[0]), color: '#0072B2', marker: 'circle' },
    { label: '<C_{1}>', x, y: stats.map((s) => s.clMean[1]), error: stats.map((s) => s.clErr[1]), color: '#000000', marker: 'circle' },
    ...MID_L.filter((l) => l < stats[0].clMean.length).map(
      (l, i): PlotSeries => ({ label: i === 0 ? '<C_{2..9}>' : undefined, x, y: stats.map((s) => s.clMean[l]), color: '#009E73', marker: 'none' }),
    ),
    { label: 'noise Eq. 71', x, y: stats.map((s) => s.noiseEq71.value), color: '#D55E00', marker: 'none' },
    { label: 'C_{1} of the mean map', x, y: stats.map((s) => s.clStandard[1]), error: stats.map((s) => s.clStandardErr[1]), color: '#CC79A7', marker: 'square' },
    { label: 'Eq. 56, measured K', x, y: stats.map((s) => s.c1Eq56), color: '#CC79A7', marker: 'none', dashed: true },
    { label: 'Eq. 56 with BGK Hall term', x, y: stats.map((s) => s.c1Eq56Hall), color: '#E69F00', marker: 'none', dashed: true },
  ];
  return {
    kind: 'lines',
    name: `fig14_${label}`,
    title: `Ahlers & Mertsch 2015 setup (review Fig. 14): gradient ${label} to B0\n${stats[0].realizations} realizations; errors: standard error over realizations`,
    xLabel: 'Ω·T',
    yLabel: 'C_{ℓ}',
    xLog: true,
    yLog: true,
    series,
  };
}

function fig15(stats: readonly MapStatistics[], lmaxPlot: number): { table: Table; figure: FigureSpec } {
  const L = Math.min(lmaxPlot, stats[0].clMean.length - 1);
  const l = Float64Array.from({ length: L }, (_, i) => i + 1);
  const theory = [1 / 3, 1 / 2, 2 / 3].map((p) => ({ p, r: relativeDiffusionClRatio(L, p) }));
  const columns: Record<string, Float64Array> = { l };
  stats.forEach((s, i) => {
    const name = AM15_GRADIENTS[i].label;
    columns[`ratio_${name}`] = Float64Array.from(l, (ll) => s.ratio[ll]);
    columns[`ratio_${name}_err`] = Float64Array.from(l, (ll) => s.ratioErr[ll]);
  });
  for (const t of theory) columns[`eq77_p${t.p.toFixed(3)}`] = Float64Array.from(l, (ll) => t.r[ll]);
  const series: PlotSeries[] = [
    ...stats.map(
      (s, i): PlotSeries => ({
        label: `Ĉ_{ℓ}/Ĉ_{1}, gradient ${AM15_GRADIENTS[i].label}`,
        x: l,
        y: Float64Array.from(l, (ll) => s.ratio[ll]),
        error: Float64Array.from(l, (ll) => s.ratioErr[ll]),
        color: i === 0 ? '#D55E00' : '#009E73',
        marker: i === 0 ? 'diamond' : 'triangle',
        line: false,
      }),
    ),
    ...theory.map((t, i): PlotSeries => ({ label: `Eq. 77, p = ${['1/3', '1/2', '2/3'][i]}`, x: l, y: Float64Array.from(l, (ll) => t.r[ll]), color: ['#999999', '#777777', '#555555'][i], marker: 'none', dashed: i !== 1 })),
  ];
  const s0 = stats[0];
  return {
    table: {
      name: 'fig15',
      columns,
      comments: [
        `review Fig. 15: noise-subtracted C_l/C_1 (shuffled-sky noise) at omega_t = ${fmt(s0.omegaT, 4)}, ${s0.realizations} realizations, jackknife errors`,
        'eq77_p*: relative-diffusion prediction, review Eq. 77 with nu_r proportional to (1-x)^p',
      ],
    },
    figure: {
      kind: 'lines',
      name: 'fig15',
      title: `Ahlers & Mertsch 2015 setup (review Fig. 15): Ĉ_{ℓ}/Ĉ_{1} at Ω·T = ${fmt(s0.omegaT, 3)}\n${s0.realizations} realizations; jackknife errors; grey: Eq. 77`,
      xLabel: 'ℓ',
      yLabel: 'Ĉ_{ℓ}/Ĉ_{1}',
      xLog: true,
      yLog: true,
      series,
    },
  };
}

/**
 * Largest l such that Ĉ_l' > 2σ and Ĉ_l' > N for all 1 ≤ l' ≤ l: the range where the spectrum is
 * measured and the noise subtraction is a minor correction. The asymptotic noise levels (shuffled
 * sky, Eq. 71) overestimate the white floor while neighbouring trajectories are still correlated
 * (at Ω·T = 100, N_side 16 the measured floor at l ≥ 2N_side is 14 % below N, docs/validation.md),
 * which biases Ĉ_l low wherever Ĉ_l is not well above N.
 */
export function significantRange(s: MapStatistics, sigmas = 2): number {
  let l = 1;
  while (l + 1 < s.clHat.length && s.clHat[l + 1] > sigmas * s.clHatErr[l + 1] && s.clHat[l + 1] > s.noise.value) l++;
  return l;
}

/** The significant range (significantRange) and Ĉ_l with its errors over l = 1..top, as the spectrum fits take them. */
export function significantData(s: MapStatistics): { top: number; data: { l: Float64Array; cl: Float64Array; sigma: Float64Array } } {
  const top = significantRange(s);
  return { top, data: { l: Float64Array.from({ length: top }, (_, i) => i + 1), cl: s.clHat.slice(1, top + 1), sigma: s.clHatErr.slice(1, top + 1) } };
}

/** (2l+1)-weighted mean of ⟨C_l⟩ over 2N_side ≤ l ≤ 3N_side − 1: the measured white floor (plus any signal there). */
export function measuredFloor(s: MapStatistics, nside: number): number {
  return whiteLevel(s.clMean.subarray(0, Math.min(3 * nside, s.clMean.length)), 2 * nside);
}

/** The "falls" and "convex" statements of Fig. 15, fitted on Ĉ_l over its significant range. */
function shapeChecks(label: string, s: MapStatistics, z: number, zFrom: string): { checks: Check[]; notes: string[] } {
  const { top, data } = significantData(s);
  const notes: string[] = [];
  const checks: Check[] = [];
  if (top < 3) {
    notes.push(`${label}: only l ≤ ${top} measured (Ĉ_l > 2σ and > N) at Ω·T = ${fmt(s.omegaT)}; no shape fit`);
    return { checks, notes };
  }
  const single = fitPowerLaw(data);
  checks.push(
    checkGreater(
      `fig15_falls_${label}`,
      `Ĉ_l at Ω·T = ${fmt(s.omegaT)} falls with l (review Sec. 4.4 on Fig. 15): power-law index α of Ĉ_l ∝ l^(−α), l = 1..${top}, is > 0`,
      single.index.value,
      0,
      z * single.index.error,
      `${zFrom} of the fitted index (covariance of the weighted fit, jackknife errors of Ĉ_l)`,
    ),
  );
  notes.push(`${label}: Ĉ_l ∝ l^(−α), α = ${pm(single.index)} (l = 1..${top}, χ²/dof = ${fmt(single.chi2)}/${single.dof})`);
  if (top >= 4) {
    const par = fitLogParabola(data);
    checks.push(
      checkGreater(
        `fig15_convex_${label}`,
        `Ĉ_l at Ω·T = ${fmt(s.omegaT)} is convex in log–log (review: "a falling angular power spectrum with a marked convex shape"): curvature κ > 0 of ln Ĉ_l = a − α x + κ x², x = ln(l/l_p), l = 1..${top}`,
        par.curvature.value,
        0,
        z * par.curvature.error,
        `${zFrom} of κ from the fit covariance`,
      ),
    );
    notes.push(`${label}: log-parabola over l = 1..${top}: α(l_p = ${fmt(par.pivot)}) = ${pm(par.index)}, κ = ${pm(par.curvature)} (χ²/dof = ${fmt(par.chi2)}/${par.dof})`);
  } else notes.push(`${label}: only l ≤ ${top} significant; no curvature fit (convexity untested)`);
  return { checks, notes };
}

async function runAhlersMertsch(ctx: ReproduceContext): Promise<ReproduceResult> {
  const t0 = performance.now();
  const st = settings(ctx);
  const config = configFrom('ahlers-mertsch-2015', {
    seed: 2015,
    realizations: st.realizations,
    field: { turbulence: { modes: st.modes } },
    particles: { nside: st.nside },
    tracking: { timesOmega: st.timesOmega, ...(st.stepPc !== undefined ? { stepPc: st.stepPc } : {}) },
  });
  const z = st.z;
  const zFrom = `${z}σ one-sided${ctx.quick ? ' (2σ in --quick: its few realizations cannot reach 3σ for the perpendicular dipole; 3σ in the full run)' : ''}`;
  const run = await runFixedTime(config, AM15_GRADIENTS, ctx.tracker, { onProgress: stageProgress(ctx, 'ahlers-mertsch-2015'), signal: ctx.signal });
  const times = run.plan.maps.length;
  const stats = AM15_GRADIENTS.map((_, g) => Array.from({ length: times }, (_, k) => mapStatistics(run, k, g)));
  const k15 = closestTime(stats[0], 100);
  const last = times - 1;
  const tables: Table[] = [];
  const figures: FigureSpec[] = [];
  const checks: Check[] = [];
  const notes: string[] = [];
  AM15_GRADIENTS.forEach((gc, g) => {
    tables.push(fig14Table(gc.label, stats[g]));
    figures.push(fig14Figure(gc.label, stats[g]));
    tables.push(spectrumTable(`cl_${gc.label}_omegaT${Math.round(stats[g][k15].omegaT)}`, stats[g][k15], `gradient ${gc.label} to B0 at the Fig. 15 time`));
  });
  const f15 = fig15([stats[0][k15], stats[1][k15]], 30);
  tables.push(f15.table);
  figures.push(f15.figure);
  figures.push(sumRuleFigure(stats));

  // ⟨C_1⟩ above the standard-diffusion dipole, at Ω·T = 100 and at the last time.
  for (const [g, gc] of AM15_GRADIENTS.entries()) {
    for (const k of [...new Set([k15, last])]) {
      const s = stats[g][k];
      const r = s.c1OverStandard;
      checks.push(
        checkGreater(
          `c1_exceeds_standard_${gc.label}_omegaT${Math.round(s.omegaT)}`,
          `⟨C_1⟩ exceeds the standard-diffusion dipole (C_1 of the ensemble-mean map, Eq. 68 first term) at Ω·T = ${fmt(s.omegaT)}, gradient ${gc.label} (review on Fig. 14): ⟨C_1⟩ − C_1^std > 0`,
          s.c1Excess.value,
          0,
          z * s.c1Excess.error,
          `${zFrom} of the jackknife error of the difference`,
        ),
      );
      notes.push(`${gc.label}, Ω·T = ${fmt(s.omegaT)}: ⟨C_1⟩ = ${pm({ value: s.clMean[1], error: s.clErr[1] })}, mean-map C_1 = ${pm({ value: s.clStandard[1], error: s.clStandardErr[1] })}, ratio ${pm(r)}; Eq. 56 C_1 = ${fmt(s.c1Eq56)} (ratio ${fmt(s.clMean[1] / s.c1Eq56)}), with the BGK Hall term ${fmt(s.c1Eq56Hall)} (ratio ${fmt(s.clMean[1] / s.c1Eq56Hall)})`);
    }
  }
  const perpLast = stats[1][last].c1OverStandard;
  checks.push(
    checkEqual(
      'c1_perpendicular_order_of_magnitude',
      `for the perpendicular gradient ⟨C_1⟩ exceeds the standard-diffusion dipole by "about one order of magnitude" (review on Fig. 14) at the last time Ω·T = ${fmt(stats[1][last].omegaT)}: log10(ratio) ≈ 1`,
      Math.log10(perpLast.value),
      1,
      0.5 + (z * perpLast.error) / (Math.LN10 * Math.abs(perpLast.value)),
      `"about" read as within a factor √10 (0.5 in log10), plus ${z}σ of the jackknife error`,
    ),
  );
  for (const [g, gc] of AM15_GRADIENTS.entries()) {
    const sc = shapeChecks(gc.label, stats[g][k15], z, zFrom);
    checks.push(...sc.checks);
    notes.push(...sc.notes);
    // Sum rule at the last time: the pixel variance equals 2T K̃gg up to the Fick term.
    const s = stats[g][last];
    const fick = fickShare(run.plan.b0Direction, s, gc.gradient);
    checks.push(
      checkEqual(
        `sum_rule_${gc.label}`,
        `sum rule Eq. 69 at Ω·T = ${fmt(s.omegaT)}, gradient ${gc.label}: the sky variance of I (all l) equals 2T K̃_ij g_i g_j up to the Fick term the review neglects`,
        s.sumRuleRatio.value,
        1,
        2 * fick + z * s.sumRuleRatio.error,
        `twice the leading-order share of the Fick term, 9 gKKg/(2T gK̃g) = ${fmt(fick)} (finite-T and normalization corrections not estimated), plus ${z}σ (jackknife)`,
      ),
    );
    notes.push(
      `${gc.label}: sum rule at Ω·T = ${fmt(s.omegaT)}: (1/4π)Σ_{l≤${s.clMean.length - 1}}(2l+1)⟨C_l⟩ = ${pm(s.sumRuleLhs)}, pixel variance ${pm(s.sumRulePixels)}, 2T K̃gg = ${pm(s.sumRuleRhs)}; pixel/rhs = ${pm(s.sumRuleRatio, 4)}`,
    );
  }
  for (const [g, gc] of AM15_GRADIENTS.entries()) {
    const s = stats[g][k15];
    // Eq. 77 against Ĉ_l/Ĉ_1 over the measured range (jackknife errors, correlations between l ignored)
    const top = significantRange(s);
    const chi2 = [1 / 3, 1 / 2, 2 / 3].map((p) => {
      const r = relativeDiffusionClRatio(top, p);
      let c = 0;
      for (let l = 2; l <= top; l++) c += ((s.ratio[l] - r[l]) / s.ratioErr[l]) ** 2;
      return `p = ${fmt(p, 2)}: χ² = ${fmt(c)}/${top - 1}`;
    });
    notes.push(`${gc.label}, Ω·T = ${fmt(s.omegaT)}: Eq. 77 against Ĉ_l/Ĉ_1 for l = 2..${top}: ${chi2.join(', ')}`);
    const floor = measuredFloor(s, st.nside);
    notes.push(`${gc.label}, Ω·T = ${fmt(s.omegaT)}: noise N = ${fmt(s.noise.value)} (shuffled sky), ${fmt(s.noiseEq71.value)} (Eq. 71); measured ⟨C_l⟩ floor at ${2 * st.nside} ≤ l ≤ ${3 * st.nside - 1}: ${fmt(floor)} (floor/N = ${fmt(floor / s.noise.value)})`);
  }
  const s100 = stats[0][k15];
  notes.unshift(
    `K at Ω·T = ${fmt(s100.omegaT)}: K∥ = ${pm(s100.kParallelPc)} pc, K⊥ = ${pm(s100.kPerpendicularPc)} pc (r_g = ${fmt(run.plan.gyroradiusPc)} pc)`,
  );
  return {
    target: 'ahlers-mertsch-2015',
    quick: ctx.quick,
    description: `review Fig. 14/15: N_side ${st.nside}, ${st.realizations} realizations, ${st.modes} modes, Ω·T = ${st.timesOmega.map((t) => fmt(t, 3)).join(', ')}, gradient ∥ and ⟂ B0 on the same trajectories`,
    configs: { 'ahlers-mertsch-2015': config },
    tables,
    figures,
    checks,
    notes,
    backend: run.backend,
    device: run.device,
    particleSteps: run.particleSteps,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * The share of the Fick term −3p̂·K·g in the sky variance relative to 2T K̃gg: with ⟨d_i u_j⟩ → K_ij
 * at late times, 9Var(p̂·Kg) − 6Cov(d·g, p̂·Kg) ≈ 3|Kg|² + 6|Kg|² = 9 gKKg.
 */
function fickShare(b0: Vec3 | null, s: MapStatistics, g: Vec3): number {
  const k = diffusionTensor(s.kParallelPc.value, s.kPerpendicularPc.value, b0);
  const kg = tensorTimesVector(k, g);
  // 2T K̃gg is the right side itself
  return (9 * (kg[0] ** 2 + kg[1] ** 2 + kg[2] ** 2)) / s.sumRuleRhs.value;
}

function sumRuleFigure(stats: readonly (readonly MapStatistics[])[]): FigureSpec {
  const series: PlotSeries[] = [];
  stats.forEach((st, g) => {
    const x = st.map((s) => s.omegaT);
    const color = g === 0 ? '#D55E00' : '#009E73';
    series.push({ label: `Σ(2ℓ+1)<C_{ℓ}>/4π, ${AM15_GRADIENTS[g].label}`, x, y: st.map((s) => s.sumRuleLhs.value), error: st.map((s) => s.sumRuleLhs.error), color, marker: 'circle', line: false });
    series.push({ label: `pixel variance, ${AM15_GRADIENTS[g].label}`, x, y: st.map((s) => s.sumRulePixels.value), color, marker: 'square', line: false });
    series.push({ label: `RHS 2T K̃gg, ${AM15_GRADIENTS[g].label}`, x, y: st.map((s) => s.sumRuleRhs.value), color, marker: 'none', dashed: true });
  });
  return {
    kind: 'lines',
    name: 'sum_rule',
    title: `Sum rule (review Eq. 69): (1/4π)Σ_{ℓ≥1}(2ℓ+1)<C_{ℓ}> against 2T K̃_{ij}g_{i}g_{j}\n${stats[0][0].realizations} realizations`,
    xLabel: 'Ω·T',
    yLabel: 'sky variance of I',
    xLog: true,
    yLog: true,
    series,
  };
}

export const ahlersMertschTarget: ReproduceTarget = {
  name: 'ahlers-mertsch-2015',
  describe: 'review Fig. 14/15: C_0, C_1, C_2..9 vs Ω·T for a gradient ∥ and ⟂ B0, standard-diffusion dipole, Eq. 71 noise, Ĉ_l/Ĉ_1 at Ω·T = 100 with Eq. 77',
  run: runAhlersMertsch,
};
