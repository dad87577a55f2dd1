/**
 * Longer validation of the turbulence generators than the unit tests can afford: spectrum slopes,
 * correlation lengths measured against the formulas, what trilinear interpolation does, and grid
 * generation time and memory. Results are recorded in docs/field-validation.md.
 *
 *   npx tsx scripts/field-stats.ts            # everything (a few minutes on 2 cores)
 *   npx tsx scripts/field-stats.ts timing 256 # one grid timing (run in a child process each)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Spectrum } from '../src/config/schema.ts';
import { createFieldEvaluator } from '../src/turbulence/evaluate.ts';
import type { FieldData, TurbulenceData } from '../src/turbulence/field.ts';
import { generateGrid, gridCorrelationLengthPc, type GridSpec } from '../src/turbulence/grid.ts';
import {
  correlationIntegral,
  estimate,
  finiteDifferenceDivergence,
  gridEnergySpectrum,
  gridPower,
  lineSpectra,
  meanOf,
  powerLawSlope,
  type Estimate,
} from '../src/turbulence/measure.ts';
import { drawPlaneWaves } from '../src/turbulence/planeWaves.ts';
import { correlationLengthPc, discreteCorrelationLengthPc, powerLawCorrelationLengthPc, spectrumBand } from '../src/turbulence/spectrum.ts';
import { trilinearCorrelationLength, trilinearVarianceRatio } from '../src/turbulence/trilinear.ts';

function turbulenceOnly(t: TurbulenceData): FieldData {
  return { b0: [0, 0, 0], turbulence: t, summary: { b0: [0, 0, 0], brmsUG: 0, lMinPc: 0, lMaxPc: 0, correlationLengthPc: 0, description: '' } };
}

const fmt = (e: Estimate, digits = 4): string => `${e.mean.toFixed(digits)} ± ${e.standardError.toFixed(digits)}`;
const kolmogorov = (lMinPc: number, lMaxPc: number): Spectrum => ({ kind: 'kolmogorov', lMinPc, lMaxPc });

/** One grid generation in this process: wall time and peak resident memory. */
function timing(n: number): void {
  const spectrum = kolmogorov((2 * 100) / n, 100);
  const spec = { n, spacingPc: 100 / n };
  const t0 = performance.now();
  generateGrid(spectrum, 1, spec, 'timing');
  const seconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  gridCorrelationLengthPc(spectrum, spec);
  const lcSeconds = (performance.now() - t1) / 1000;
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ n, seconds, lcSeconds, rssMiB }));
}

function gridTimings(): void {
  console.log('\n## Grid generation time and peak memory (band box..2h, one process each)');
  for (const n of [64, 128, 256]) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'timing', String(n)], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`timing ${n} failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as { seconds: number; lcSeconds: number; rssMiB: number };
    console.log(`N = ${n}: generate ${r.seconds.toFixed(2)} s, lattice L_c ${r.lcSeconds.toFixed(2)} s, peak RSS ${r.rssMiB.toFixed(0)} MiB (process total)`);
  }
}

function planeWaveSlopes(): void {
  console.log('\n## Plane waves: slope of the line spectrum (Hann, spacing lMin/2), fit 3 kMin .. kMax/10');
  for (const [lMax, modes] of [
    [300, 256],
    [1000, 256],
  ] as const) {
    const spectrum = kolmogorov(1, lMax);
    const { kMin, kMax } = spectrumBand(spectrum);
    const slopes: number[] = [];
    for (let r = 0; r < 32; r++) {
      const ev = createFieldEvaluator(turbulenceOnly(drawPlaneWaves(spectrum, 1, modes, `stats-slope${r}`)));
      const points = lMax > 500 ? 8192 : 4096;
      const { k, power } = lineSpectra(ev, { lines: 8, points, spacingPc: 0.5, regionPc: 1000, seed: `stats-lines${r}` });
      slopes.push(powerLawSlope(k, meanOf(power), 3 * kMin, kMax / 10));
    }
    console.log(`band 1-${lMax} pc, ${modes} modes, 32 realizations × 8 lines: slope ${fmt(estimate(slopes))} (expected -1.6667, cutoff bias ~ -0.01)`);
  }
}

function planeWaveCorrelation(): void {
  console.log('\n## Plane waves: L_c = 2∫R dr/R(0) measured with rays vs formula');
  for (const [lMax, modes, rMax] of [
    [100, 64, 200],
    [100, 256, 200],
    [1000, 64, 2000],
  ] as const) {
    const lc = powerLawCorrelationLengthPc(1, lMax);
    const means: number[] = [];
    const ses: number[] = [];
    let discrete = 0;
    for (let r = 0; r < 16; r++) {
      const t = drawPlaneWaves(kolmogorov(1, lMax), 1, modes, `stats-lc${r}`);
      if (r === 0) {
        const k: number[] = [];
        const p: number[] = [];
        for (let o = 0; o < t.table.length; o += 8) {
          k.push(Math.hypot(t.table[o], t.table[o + 1], t.table[o + 2]));
          p.push(t.table[o + 4] ** 2 + t.table[o + 5] ** 2 + t.table[o + 6] ** 2);
        }
        discrete = discreteCorrelationLengthPc(k, p);
      }
      const e = correlationIntegral(createFieldEvaluator(turbulenceOnly(t)), { rays: modes > 64 ? 6000 : 20000, rMaxPc: rMax, pointsPerRay: 10, regionPc: 5 * lMax, seed: `stats-rays${r}` });
      means.push(2 * e.mean);
      ses.push(2 * e.standardError);
    }
    const m = means.reduce((s, v) => s + v, 0) / means.length;
    const se = Math.sqrt(ses.reduce((s, v) => s + v * v, 0)) / ses.length;
    console.log(`band 1-${lMax} pc, ${modes} modes, rMax ${rMax} pc: measured ${m.toFixed(3)} ± ${se.toFixed(3)} pc, closed form ${lc.toFixed(3)} pc, mode sum ${discrete.toFixed(3)} pc, ratio ${(m / lc).toFixed(4)}`);
  }
}

function gridSlopes(): void {
  console.log('\n## Grid: slope of the measured k-space power, fit 2.5 .. 0.75·n/2 lattice units');
  for (const [n, reals] of [
    [64, 16],
    [128, 4],
  ] as const) {
    const spectrum = kolmogorov((2 * 100) / n, 100);
    const spec = { n, spacingPc: 100 / n };
    const dk = (2 * Math.PI) / 100;
    const slopes: number[] = [];
    for (let r = 0; r < reals; r++) {
      const g = generateGrid(spectrum, 1, spec, `stats-grid-slope${r}`);
      const { k, energy } = gridEnergySpectrum(g, gridPower(g));
      slopes.push(powerLawSlope(k, energy, 2.5 * dk, 0.75 * (n / 2) * dk));
    }
    console.log(`N = ${n}, ${reals} realizations: slope ${fmt(estimate(slopes))}`);
  }
}

function gridCorrelation(): void {
  console.log('\n## Grid: lattice L_c vs the continuous formula (band lMax..lMin on boxes of lMax·m)');
  for (const [lMin, lMax, box, n] of [
    [6.25, 100, 100, 32],
    [3.125, 100, 100, 64],
    [0.78125, 100, 100, 256],
    [6.25, 100, 200, 64],
    [6.25, 100, 400, 128],
    [6.25, 100, 800, 256],
  ] as const) {
    const lattice = gridCorrelationLengthPc(kolmogorov(lMin, lMax), { n, spacingPc: box / n });
    const closed = powerLawCorrelationLengthPc(lMin, lMax);
    console.log(`band ${lMin}-${lMax} pc, box ${box} pc, N = ${n}: lattice ${lattice.toFixed(3)} pc, closed form ${closed.toFixed(3)} pc, ratio ${(lattice / closed).toFixed(4)}`);
  }

  console.log('\n## Grid: realized L_c (node power by FFT) over 64 realizations vs the lattice formula, N = 32, box = lMax = 100 pc, lMin = 2h');
  {
    const spectrum = kolmogorov(6.25, 100);
    const spec = { n: 32, spacingPc: 100 / 32 };
    const nodal: number[] = [];
    const interp: number[] = [];
    const variance: number[] = [];
    for (let r = 0; r < 64; r++) {
      const p = gridPower(generateGrid(spectrum, 1, spec, `stats-grid-lc${r}`));
      const c = trilinearCorrelationLength(p, spec, { aliases: 1 });
      nodal.push(c.nodalPc);
      interp.push(c.interpolatedPc);
      variance.push(trilinearVarianceRatio(p, spec));
    }
    const lattice = gridCorrelationLengthPc(spectrum, spec);
    const vr = estimate(variance).mean;
    console.log(`lattice formula ${lattice.toFixed(3)} pc; realized nodal ${fmt(estimate(nodal), 3)} pc (scatter ${(100 * Math.sqrt(estimate(nodal).standardError ** 2 * 64) / lattice).toFixed(1)} % per realization)`);
    console.log(`interpolated field: 2∫R_I/<B²>_nodes ${fmt(estimate(interp), 3)} pc, <B_I²>/<B²>_nodes ${vr.toFixed(4)}, so 2∫R_I/<B_I²> ≈ ${(estimate(interp).mean / vr).toFixed(3)} pc`);
  }

  console.log('\n## Grid: measured correlation integral (rays on the interpolated field) vs trilinear.ts prediction');
  for (const [n, lMinOverH] of [
    [32, 2],
    [32, 4],
    [64, 8],
  ] as const) {
    const spec: GridSpec = { n, spacingPc: 100 / n };
    const spectrum = kolmogorov(lMinOverH * spec.spacingPc, 100);
    const diffs: number[] = [];
    const ses: number[] = [];
    let pred = 0;
    let nod = 0;
    let bound = 0;
    let vr = 0;
    const R = 8;
    for (let r = 0; r < R; r++) {
      const g = generateGrid(spectrum, 1, spec, `stats-grid-rays${r}`);
      const p = gridPower(g);
      const c = trilinearCorrelationLength(p, spec, { rMaxPc: 500, aliases: 1 });
      const e = correlationIntegral(createFieldEvaluator(turbulenceOnly(g)), { rays: 40000, rMaxPc: 500, pointsPerRay: 20, regionPc: 100, seed: `stats-grid-rays${r}` });
      diffs.push(2 * e.mean - c.interpolatedPc);
      ses.push(2 * e.standardError);
      pred += c.interpolatedPc / R;
      nod += c.nodalPc / R;
      bound = Math.max(bound, c.truncationBoundPc + c.aliasBoundPc);
      vr += trilinearVarianceRatio(p, spec) / R;
    }
    const m = diffs.reduce((s, v) => s + v, 0) / R;
    const se = Math.sqrt(ses.reduce((s, v) => s + v * v, 0)) / R;
    console.log(`N = ${n}, lMin = ${lMinOverH}h: measured - predicted ${m.toFixed(3)} ± ${se.toFixed(3)} pc (bound ${bound.toFixed(3)}); predicted ${pred.toFixed(3)} pc vs nodal ${nod.toFixed(3)} pc (${(100 * (pred / nod - 1)).toFixed(1)} %); <B_I²>/<B²> = ${vr.toFixed(4)}`);
  }

  console.log('\n## Grid: pointwise divergence of the trilinear field (central differences, h/1000), rms div / rms |grad|');
  for (const lMinOverH of [2, 4, 8]) {
    const spec = { n: 32, spacingPc: 1 };
    const g = generateGrid(kolmogorov(lMinOverH, 32), 1, spec, 'stats-div');
    const ratio = finiteDifferenceDivergence(createFieldEvaluator(turbulenceOnly(g)), 20000, 1e-3, 32, 'stats-div-points');
    console.log(`N = 32, lMin = ${lMinOverH}h: ${ratio.toFixed(4)}`);
  }
}

function ahlersMertsch(): void {
  console.log('\n## Ahlers-Mertsch spectrum (gamma = 11/3): L_c / L for several bands');
  for (const [lMin, lMax] of [
    [0.01, 10],
    [0.1, 10],
    [0.01, 100],
    [0.1, 100],
  ] as const) {
    const lc = correlationLengthPc({ kind: 'ahlers-mertsch', lMinPc: lMin, lMaxPc: lMax, bendoverPc: 1, gamma: 11 / 3 });
    console.log(`band ${lMin}-${lMax} L: L_c = ${lc.toFixed(4)} L`);
  }
}

if (process.argv[2] === 'timing') {
  timing(Number(process.argv[3]));
} else {
  const t0 = performance.now();
  ahlersMertsch();
  gridTimings();
  gridSlopes();
  gridCorrelation();
  planeWaveSlopes();
  planeWaveCorrelation();
  console.log(`\n(total ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
