/**
 * Why the running D at r_g = 10 L_c stays above the small-angle plateau (docs/validation.md): the
 * same quick setup as `crsky reproduce diffusion --quick` (Kolmogorov 10-100 pc, B0 = 0,
 * r_g = 10 L_c, 64 particles × 4 realizations) with 32, 128 and 512 plane waves. Prints the
 * decorrelation 1 − D/(t/6) and the τ it implies, 3·(1 − D/(t/6))/t ≈ 1/τ for t ≪ τ
 * (exponential decorrelation, τ = 4r_g²/L_c in small-angle theory).
 *
 *   npx tsx scripts/small-angle-modes.ts [backend] [modes...]
 */
import { configFrom } from '../src/pipeline/reproduce/common.ts';
import { planDiffusion, runDiffusion } from '../src/pipeline/diffusion.ts';
import { createTracker } from '../src/sim/node/backends.ts';

const backend = (process.argv[2] ?? 'cpu') as 'cpu' | 'webgpu';
const modesList = process.argv.slice(3).map(Number);
const { tracker } = await createTracker(backend, { threads: 2 });
for (const modes of modesList.length > 0 ? modesList : [32, 128, 512]) {
  const config = configFrom(undefined, {
    seed: 102,
    realizations: 4,
    field: { b0UG: 0, turbulence: { brmsUG: 1, spectrum: { kind: 'kolmogorov', lMinPc: 10, lMaxPc: 100 }, method: 'modes', modes } },
  });
  const probe = planDiffusion(config, { rgOverLc: 10, nTimes: 2 });
  const lc = probe.first.summary.correlationLengthPc;
  const plan = planDiffusion(config, { rgOverLc: 10, nTimes: 12, tMinPc: 2 * lc, tMaxPc: 1200 * lc });
  const res = await runDiffusion(plan, tracker, { particles: 64 });
  const tau = (4 * plan.gyroradiusPc ** 2) / lc;
  console.log(`modes ${modes}: L_c = ${lc.toFixed(3)} pc, small-angle τ = ${(tau / lc).toFixed(0)} L_c`);
  for (const r of res.rows) {
    const deficit = 1 - (6 * r.isotropicPc) / r.timePc;
    console.log(`  t = ${(r.timePc / lc).toPrecision(4).padStart(7)} L_c  1 − D/(t/6) = ${deficit.toPrecision(4).padStart(10)} ± ${((6 * r.isotropicErrPc) / r.timePc).toPrecision(2)}  implied τ = ${(r.timePc / (3 * deficit) / lc).toPrecision(4)} L_c  D/(4r_g²/3L_c) = ${(r.isotropicPc / (tau / 3)).toPrecision(4)}`);
  }
}
await tracker.dispose();
