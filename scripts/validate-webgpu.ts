/**
 * Long validation of the webgpu backend against the float64 cpu backend: the same particles in
 * the same field realization, running diffusion coefficients D(t) = <Δx²>/2t on both, compared
 * in units of their statistical errors. The cheap version of this is
 * src/sim/webgpu/statistics.test.ts; the results of this one are in docs/webgpu.md.
 *
 *   node --import tsx scripts/validate-webgpu.ts [--particles N] [--omega-t T] [--modes M]
 *                                                [--threads N] [--out FILE]
 *
 * Workload: B0 = 1 uG along z, B_rms = 1 uG Kolmogorov turbulence between 1 and 100 pc drawn by
 * createField (256 plane waves by default), r_g = 0.1 L_c, h = r_g / 20, N back-tracked protons on
 * a golden-angle spiral, snapshots log-spaced in Ω·t from 1 to T.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { runningDiffusion, type DiffusionRow } from '../src/analysis/diffusion.ts';
import { benchDirections } from '../src/sim/node/bench.ts';
import { createTracker } from '../src/sim/node/backends.ts';
import { logSpacedTimes } from '../src/sim/launch.ts';
import type { EndStates, TrackJob } from '../src/sim/types.ts';
import { FieldSchema } from '../src/config/schema.ts';
import { referenceFieldUG, rigidityForGyroradiusPV } from '../src/config/units.ts';
import { createField } from '../src/turbulence/create.ts';

interface Options {
  particles: number;
  omegaT: number;
  modes: number;
  threads?: number;
  out?: string;
}

function parse(argv: readonly string[]): Options {
  const o: Options = { particles: 1024, omegaT: 2000, modes: 256 };
  for (let i = 0; i < argv.length; i++) {
    const v = Number(argv[i + 1]);
    switch (argv[i]) {
      case '--particles':
        o.particles = v;
        break;
      case '--omega-t':
        o.omegaT = v;
        break;
      case '--modes':
        o.modes = v;
        break;
      case '--threads':
        o.threads = v;
        break;
      case '--out':
        o.out = argv[i + 1];
        break;
      default:
        throw new Error(`unknown argument '${argv[i]}'`);
    }
    i++;
  }
  for (const [k, v] of Object.entries(o)) if (k !== 'out' && v !== undefined && !(Number(v) > 0)) throw new Error(`--${k} must be > 0`);
  return o;
}

export async function main(argv: readonly string[]): Promise<number> {
  const o = parse(argv);
  const field = createField(
    FieldSchema.parse({ b0UG: 1, turbulence: { brmsUG: 1, method: 'modes', modes: o.modes, spectrum: { kind: 'kolmogorov', lMinPc: 1, lMaxPc: 100 } } }),
    'crsky-validate-webgpu',
  );
  const lc = field.summary.correlationLengthPc;
  const rg = 0.1 * lc;
  const h = rg / 20;
  const omegaTimes = logSpacedTimes(1, o.omegaT, 9);
  const job: TrackJob = {
    field,
    rigidityPV: rigidityForGyroradiusPV(rg, referenceFieldUG(Math.hypot(...field.b0), field.summary.brmsUG)),
    chargeSign: -1,
    origin: [0, 0, 0],
    directions: benchDirections(o.particles),
    stepPc: h,
    stop: { timesPc: omegaTimes.map((w) => w * rg) },
  };
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log(`field: ${field.summary.description}; L_c = ${lc.toFixed(2)} pc, r_g = ${rg.toFixed(3)} pc, h = ${h.toFixed(4)} pc`);
  log(`${o.particles} particles to Ω·t = ${o.omegaT} (${Math.round((o.omegaT * rg) / h)} steps)`);

  const results: Record<string, { end: EndStates; seconds: number; rows: DiffusionRow[] }> = {};
  for (const name of ['webgpu', 'cpu'] as const) {
    const { tracker, reason } = await createTracker(name, { threads: o.threads });
    log(reason);
    try {
      const t0 = performance.now();
      const end = await tracker.track(job);
      const seconds = (performance.now() - t0) / 1000;
      log(`${name}: ${seconds.toFixed(1)} s, ${(end.particleSteps / seconds).toExponential(2)} particle-steps/s`);
      results[name] = { end, seconds, rows: runningDiffusion([{ start: [0, 0, 0], snapshots: end.snapshots }], [0, 0, 1]) };
    } finally {
      await tracker.dispose();
    }
  }

  const g = results.webgpu;
  const c = results.cpu;
  const lines = [
    `Field: ${field.summary.description}; L_c = ${lc.toFixed(2)} pc; r_g = 0.1 L_c = ${rg.toFixed(3)} pc in B0; h = r_g/20;`,
    `${o.particles} particles from one point, one realization (errors: particle scatter, runningDiffusion).`,
    `webgpu (${g.end.device}): ${g.seconds.toFixed(1)} s; cpu (${c.end.device}): ${c.seconds.toFixed(1)} s.`,
    '',
    '| Ω·t | D∥ webgpu (pc) | D∥ cpu (pc) | Δ/σ | D⊥ webgpu (pc) | D⊥ cpu (pc) | Δ/σ |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...g.rows.map((r, k) => {
      const q = c.rows[k];
      const dp = (r.parallelPc - q.parallelPc) / Math.hypot(r.parallelErrPc, q.parallelErrPc);
      const dq = (r.perpendicularPc - q.perpendicularPc) / Math.hypot(r.perpendicularErrPc, q.perpendicularErrPc);
      const pm = (x: number, e: number) => `${x.toPrecision(4)} ± ${e.toPrecision(2)}`;
      return `| ${omegaTimes[k].toPrecision(3)} | ${pm(r.parallelPc, r.parallelErrPc)} | ${pm(q.parallelPc, q.parallelErrPc)} | ${dp.toFixed(2)} | ${pm(r.perpendicularPc, r.perpendicularErrPc)} | ${pm(q.perpendicularPc, q.perpendicularErrPc)} | ${dq.toFixed(2)} |`;
    }),
  ];
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  if (o.out) writeFileSync(o.out, text);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
