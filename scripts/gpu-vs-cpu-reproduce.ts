/**
 * GPU vs CPU on one reproduce case (docs/validation.md): the --quick Ahlers & Mertsch ensemble
 * (N_side 8, 24 realizations, 32 modes, Ω·T = 0.3 … 100, gradient ∥ and ⟂ B0) on the float64 CPU
 * tracker and on WebGPU with the same fields and launch directions. At early times the
 * trajectories are the same to float32 precision; later they decorrelate by chaos and the two
 * ensembles become nearly independent samples, so the differences are given in units of
 * sqrt(σ_cpu² + σ_gpu²).
 *
 *   npx tsx scripts/gpu-vs-cpu-reproduce.ts [out.csv]
 */
import { writeCsv } from '../src/io/csv.ts';
import { AM15_GRADIENTS } from '../src/pipeline/reproduce/ahlersMertsch.ts';
import { configFrom, omegaTimes } from '../src/pipeline/reproduce/common.ts';
import { runFixedTime } from '../src/pipeline/reproduce/fixedTime.ts';
import { mapStatistics } from '../src/pipeline/reproduce/fixedTimeStats.ts';
import { createTracker } from '../src/sim/node/backends.ts';

const out = process.argv[2] ?? 'docs/reproduce/gpu-vs-cpu.csv';
const config = configFrom('ahlers-mertsch-2015', {
  seed: 2015,
  realizations: 24,
  field: { turbulence: { modes: 32 } },
  particles: { nside: 8 },
  tracking: { timesOmega: omegaTimes(-1, 4, 2), stepPc: 0.1 },
});
const runs = [];
for (const backend of ['cpu', 'webgpu'] as const) {
  const { tracker } = await createTracker(backend, { threads: 2 });
  const t0 = performance.now();
  const run = await runFixedTime(config, AM15_GRADIENTS, tracker);
  console.log(`${backend} (${run.device}): ${run.particleSteps.toExponential(3)} particle-steps in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  runs.push(run);
  await tracker.dispose();
}
const rows: number[][] = [];
for (let g = 0; g < AM15_GRADIENTS.length; g++) {
  for (let k = 0; k < runs[0].plan.maps.length; k++) {
    const [c, w] = runs.map((r) => mapStatistics(r, k, g));
    const z = (a: number, ea: number, b: number, eb: number) => (b - a) / Math.hypot(ea, eb);
    rows.push([
      g,
      c.omegaT,
      c.clMean[1],
      c.clErr[1],
      w.clMean[1],
      w.clErr[1],
      z(c.clMean[1], c.clErr[1], w.clMean[1], w.clErr[1]),
      c.clMean[4],
      w.clMean[4],
      z(c.clMean[4], c.clErr[4], w.clMean[4], w.clErr[4]),
      c.kParallelPc.value,
      w.kParallelPc.value,
      z(c.kParallelPc.value, c.kParallelPc.error, w.kParallelPc.value, w.kParallelPc.error),
      c.kPerpendicularPc.value,
      w.kPerpendicularPc.value,
      z(c.kPerpendicularPc.value, c.kPerpendicularPc.error, w.kPerpendicularPc.value, w.kPerpendicularPc.error),
      c.sumRuleRatio.value,
      w.sumRuleRatio.value,
    ]);
  }
}
const names = ['gradient', 'omega_t', 'c1_cpu', 'c1_cpu_err', 'c1_gpu', 'c1_gpu_err', 'c1_z', 'c4_cpu', 'c4_gpu', 'c4_z', 'k_par_cpu', 'k_par_gpu', 'k_par_z', 'k_perp_cpu', 'k_perp_gpu', 'k_perp_z', 'sumrule_ratio_cpu', 'sumrule_ratio_gpu'];
writeCsv(out, Object.fromEntries(names.map((n, i) => [n, Float64Array.from(rows, (r) => r[i])])), [
  `GPU (${runs[1].device}) vs CPU (${runs[0].device}): reproduce ahlers-mertsch-2015 --quick settings, same fields and launch directions`,
  'gradient 0 = parallel, 1 = perpendicular to B0; *_z = (gpu - cpu)/sqrt(err_cpu^2 + err_gpu^2), errors over 24 realizations (c4: errors of C_4)',
]);
for (const r of rows) console.log(r.map((v) => (Number.isInteger(v) ? String(v) : v.toPrecision(4))).join('\t'));
