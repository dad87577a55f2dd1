/**
 * `crsky simulate`: R field realizations, N_pix·k² back-tracked particles each, Liouville
 * mapping, HEALPix maps, C_l over the ensemble; one output directory per run.
 */
import type { CommandModule } from 'yargs';
import { nside2npix } from '../../analysis/healpix.ts';
import { readFieldInputs } from '../../io/fieldInputs.ts';
import { createTracker } from '../../sim/node/backends.ts';
import type { Shard } from '../../output/runRecords.ts';
import { simulateToDir, summaryText } from '../../output/simulateDir.ts';
import { configFromArgs, withConfigOptions, type ConfigArgs } from '../configOptions.ts';
import { UsageError } from '../errors.ts';
import type { LogMode } from '../progress.ts';
import { logEstimate, logTracking, realizationBar } from '../runLog.ts';

interface SimulateArgs extends ConfigArgs {
  out: string;
  resume: boolean;
  'allow-mixed-backends': boolean;
  'break-lock': boolean;
  shard?: string;
  log: LogMode;
  quiet: boolean;
  json: boolean;
}

/** Parses `i/N` (0 <= i < N). */
export function parseShard(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  if (!m) throw new UsageError(`--shard ${spec}: expected i/N with 0 <= i < N, e.g. 0/4`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1 && index < count)) throw new UsageError(`--shard ${spec}: need 0 <= i < N and N >= 1`);
  return { index, count };
}

export function simulateCommand(setExit: (code: number) => void, argv: readonly string[]): CommandModule<object, SimulateArgs> {
  return {
    command: 'simulate',
    describe: 'back-track the sky through field realizations: maps, C_l, dipole, diffusion',
    builder: (y) =>
      withConfigOptions(y)
        .option('out', { type: 'string', default: 'out/run', describe: 'output directory (must be new or empty unless --resume)' })
        .option('resume', { type: 'boolean', default: false, describe: 'continue the run in --out, skipping finished realizations' })
        .option('allow-mixed-backends', { type: 'boolean', default: false, describe: 'with --resume: continue on another backend than the finished realizations used (no longer bitwise reproducible)' })
        .option('break-lock', { type: 'boolean', default: false, describe: 'take over --out although its lock names another process (one that is gone, e.g. on another host)' })
        .option('shard', { type: 'string', describe: 'run only realizations r with r mod N = i (i/N); combine with `crsky merge`' })
        .option('log', { choices: ['bar', 'json', 'quiet'] as const, default: 'bar' as LogMode, describe: 'progress on stderr: bar, JSON lines, or nothing' })
        .option('quiet', { type: 'boolean', default: false, describe: 'same as --log quiet' })
        .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON on stdout' })
        .example('$0 simulate --preset quick --out out/quick', 'the quick example')
        .example('$0 simulate --preset giacinti-sigl-2012 --rigidity 50 --set tracking.sphereRadiusPc=50 --out out/gs50', 'a Giacinti & Sigl panel')
        .example('$0 simulate --config run.json --shard 1/4 --out out/shard1', 'one of four shards') as never,
    handler: async (args) => {
      const shard = args.shard !== undefined ? parseShard(args.shard) : undefined;
      const { config, baseDir } = configFromArgs(args);
      const log: LogMode = args.quiet ? 'quiet' : args.log;
      const inputs = await readFieldInputs(config, baseDir);
      const particles = nside2npix(config.particles.nside) * config.particles.perPixelSide ** 2;
      const bar = realizationBar(log, 'realizations', particles);
      let res: Awaited<ReturnType<typeof simulateToDir>>;
      try {
        res = await simulateToDir(config, {
          out: args.out,
          resume: args.resume,
          shard,
          inputs,
          argv,
          openTracker: (previous, workload) => createTracker(config.tracking.backend, { threads: config.tracking.workers, workload, previous }),
          onTracking: logTracking(log),
          onStart: logEstimate(log, config),
          onProgress: bar.onProgress,
          allowMixedBackends: args['allow-mixed-backends'],
          breakLock: args['break-lock'],
        });
      } finally {
        bar.stop();
      }
      if (args.json) {
        process.stdout.write(
          JSON.stringify(
            {
              out: args.out,
              backend: res.backend,
              device: res.device,
              particleSteps: res.particleSteps,
              particleStepsPerSecond: res.trackingSeconds > 0 ? res.particleSteps / res.trackingSeconds : null,
              maps: res.summaries.map((s) => ({ label: s.label, timePc: s.timePc, omegaT: s.omegaT, cl1to5: s.clMean.slice(1, 6), noise: s.noise, dipole: s.meanDipole })),
              warnings: res.warnings,
              ...(res.spectrum
                ? {
                    spectrum: res.spectrum.bins.map((b) => ({
                      label: b.label,
                      rigidityPV: b.rigidityPV,
                      weight: b.weight,
                      maps: b.maps.map((s) => ({ label: s.label, cl1to5: s.clMean.slice(1, 6), dipole: s.meanDipole })),
                    })),
                  }
                : {}),
            },
            null,
            2,
          ) + '\n',
        );
      } else {
        process.stdout.write(summaryText(res, args.out) + '\n');
      }
      setExit(0);
    },
  };
}
