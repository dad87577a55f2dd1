/**
 * `crsky diffusion`: the running diffusion tensor of particles launched isotropically from the
 * observer, over field realizations; prints a table and writes CSV.
 */
import type { CommandModule } from 'yargs';
import { readFieldInputs } from '../../io/fieldInputs.ts';
import { createTracker } from '../../sim/node/backends.ts';
import { planDiffusion, runDiffusion } from '../../pipeline/diffusion.ts';
import { diffusionTable, isDiffusionCsv, writeDiffusionCsv } from '../../output/diffusionReport.ts';
import { checkOutputFile, ensureDir, nodeRunLimits } from '../../output/files.ts';
import os from 'node:os';
import path from 'node:path';
import { describeDiffusionWork } from '../../pipeline/estimate.ts';
import { numberOption } from '../args.ts';
import { configFromArgs, withConfigOptions, type ConfigArgs } from '../configOptions.ts';
import { UsageError } from '../errors.ts';
import type { LogMode } from '../progress.ts';
import { realizationBar } from '../runLog.ts';

interface DiffusionArgs extends ConfigArgs {
  particles: number;
  'rg-over-lc'?: number;
  tmin?: number;
  tmax?: number;
  nt: number;
  csv?: string;
  log: LogMode;
}

export function diffusionCommand(setExit: (code: number) => void): CommandModule<object, DiffusionArgs> {
  return {
    command: 'diffusion',
    describe: 'measure the running diffusion tensor D_ij(t) = <Δx_i Δx_j>/2t (parallel/perpendicular to B0)',
    builder: (y) =>
      withConfigOptions(y)
        .option('particles', numberOption('--particles', 'particles per realization, isotropic launch, >= 1', { default: 256 }))
        .option('rg-over-lc', numberOption('--rg-over-lc', 'set the rigidity so that r_g (in |B0|, or B_rms if B0 = 0) = this × L_c, > 0'))
        .option('tmin', numberOption('--tmin', 'first snapshot time, pc (default L_c/10)'))
        .option('tmax', numberOption('--tmax', 'last snapshot time, pc (default 100 L_c)'))
        .option('nt', numberOption('--nt', 'number of log-spaced snapshot times, >= 1', { default: 16 }))
        .option('csv', { type: 'string', describe: 'write the table as CSV to this file (new, or one crsky diffusion wrote)' })
        .option('log', { choices: ['bar', 'json', 'quiet'] as const, default: 'bar' as LogMode, describe: 'progress on stderr' })
        .example('$0 diffusion --b0 0 --brms 1 --lmin 0.2 --lmax 100 --rg-over-lc 0.1 --particles 512 --realizations 8 --csv d.csv', 'isotropic Kolmogorov, r_g = 0.1 L_c') as never,
    handler: async (args) => {
      if (!(Number.isInteger(args.particles) && args.particles >= 1)) throw new UsageError(`--particles ${args.particles}: must be an integer >= 1`);
      if (!(Number.isInteger(args.nt) && args.nt >= 1)) throw new UsageError(`--nt ${args.nt}: must be an integer >= 1`);
      if (args['rg-over-lc'] !== undefined && !(args['rg-over-lc'] > 0)) throw new UsageError(`--rg-over-lc ${args['rg-over-lc']}: must be > 0`);
      for (const k of ['tmin', 'tmax'] as const) {
        const v = args[k];
        if (v !== undefined && !(v > 0 && Number.isFinite(v))) throw new UsageError(`--${k} ${v}: must be a time > 0 in pc`);
      }
      if (args.tmin !== undefined && args.tmax !== undefined && args.tmin > args.tmax) throw new UsageError(`--tmin ${args.tmin}: must be <= --tmax ${args.tmax}`);
      if (args.csv !== undefined) checkOutputFile(args.csv, `diffusion --csv ${args.csv}`, 'diffusion', isDiffusionCsv);
      const { config, baseDir } = configFromArgs(args);
      const plan = planDiffusion(config, {
        rgOverLc: args['rg-over-lc'],
        tMinPc: args.tmin,
        tMaxPc: args.tmax,
        nTimes: args.nt,
        inputs: await readFieldInputs(config, baseDir),
        particles: args.particles,
        limits: nodeRunLimits(),
        names: { prefix: 'diffusion ', particles: '--particles', nTimes: '--nt', tMax: '--tmax' },
      });
      const { tracker, reason } = await createTracker(plan.config.tracking.backend, { threads: plan.config.tracking.workers });
      const stepsPerParticle = Math.ceil(plan.timesPc[plan.timesPc.length - 1] / plan.stepPc);
      const work = describeDiffusionWork(plan.config, args.particles, stepsPerParticle, tracker.backend, plan.config.tracking.workers ?? os.availableParallelism());
      if (work.seconds >= 60 && args.log === 'bar') process.stderr.write(`crsky: ${work.text}; Ctrl-C stops it\n`);
      const bar = realizationBar(args.log, 'diffusion', 0);
      let res: Awaited<ReturnType<typeof runDiffusion>>;
      try {
        res = await runDiffusion(plan, tracker, { particles: args.particles, onProgress: bar.onProgress });
      } finally {
        bar.stop();
        await tracker.dispose();
      }
      process.stdout.write(diffusionTable(res, reason) + '\n');
      if (args.csv) {
        ensureDir(path.dirname(path.resolve(args.csv)), `diffusion --csv ${args.csv}`);
        writeDiffusionCsv(args.csv, res);
        if (args.log === 'bar') process.stderr.write(`wrote ${args.csv}\n`); // JSON lines only with --log json
      }
      setExit(0);
    },
  };
}
