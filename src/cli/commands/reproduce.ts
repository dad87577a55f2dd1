/**
 * `crsky reproduce <name>`: regenerate a published figure or a hard limit with one command
 * (targets in src/pipeline/reproduce/), writing figures, CSV tables, the configs that ran, the
 * wall time and the backend into a folder (src/output/reproduce/write.ts).
 */
import type { CommandModule } from 'yargs';
import { TARGETS } from '../../pipeline/reproduce/index.ts';
import { writeReproduction, checkLine } from '../../output/reproduce/write.ts';
import { createTracker, type BackendChoice } from '../../sim/node/backends.ts';
import { UsageError } from '../errors.ts';
import { createProgress, type LogMode, type Progress } from '../progress.ts';

interface ReproduceArgs {
  name: string;
  quick: boolean;
  out?: string;
  backend: BackendChoice;
  threads?: number;
  realizations?: number;
  nside?: number;
  log: LogMode;
}

export function reproduceCommand(setExit: (code: number) => void, argv: readonly string[]): CommandModule<object, ReproduceArgs> {
  return {
    command: 'reproduce <name>',
    describe: 'regenerate a published result: figures, CSV, configs, wall time and checks in one folder',
    builder: (y) =>
      y
        .positional('name', { type: 'string', choices: Object.keys(TARGETS), describe: Object.values(TARGETS).map((t) => `${t.name}: ${t.describe}`).join('; ') })
        .option('quick', { type: 'boolean', default: false, describe: 'the small variant the tests run (tiny maps, short times, few realizations)' })
        .option('out', { type: 'string', describe: 'output folder (default out/reproduce/<name>[-quick])' })
        .option('backend', { choices: ['auto', 'cpu', 'webgpu'] as const, default: 'auto' as BackendChoice, describe: 'tracker backend' })
        .option('threads', { type: 'number', describe: 'CPU worker threads (default: all cores)' })
        .option('realizations', { type: 'number', describe: "override the target's number of field realizations (>= 3 for jackknife errors)" })
        .option('nside', { type: 'number', describe: "override the target's HEALPix N_side (sky-map targets; power of two)" })
        .option('log', { choices: ['bar', 'json', 'quiet'] as const, default: 'bar' as LogMode, describe: 'progress on stderr' })
        .example('$0 reproduce ahlers-mertsch-2015 --quick --backend cpu', 'the test-suite variant of review Fig. 14/15')
        .example('$0 reproduce diffusion --out docs/reproduce/diffusion', 'the full diffusion run') as never,
    handler: async (args) => {
      const target = TARGETS[args.name];
      if (!target) throw new UsageError(`reproduce ${args.name}: unknown target; choose ${Object.keys(TARGETS).join(', ')}`);
      if (args.realizations !== undefined && !(Number.isInteger(args.realizations) && args.realizations >= 1)) throw new UsageError(`--realizations ${args.realizations}: must be an integer >= 1`);
      if (args.nside !== undefined && !(Number.isInteger(args.nside) && args.nside >= 1 && (args.nside & (args.nside - 1)) === 0)) throw new UsageError(`--nside ${args.nside}: must be a power of two`);
      if (args.threads !== undefined && !(Number.isInteger(args.threads) && args.threads >= 1)) throw new UsageError(`--threads ${args.threads}: must be an integer >= 1`);
      const out = args.out ?? `out/reproduce/${args.name}${args.quick ? '-quick' : ''}`;
      const { tracker, reason } = await createTracker(args.backend, { threads: args.threads });
      if (args.log === 'bar') process.stderr.write(`crsky: backend ${tracker.backend} (${tracker.device}): ${reason}\n`);
      let bar: Progress | null = null;
      let stage = '';
      let res: Awaited<ReturnType<typeof target.run>>;
      try {
        res = await target.run({
          tracker,
          quick: args.quick,
          overrides: { realizations: args.realizations, nside: args.nside },
          onProgress: (p) => {
            if (p.stage !== stage) {
              bar?.stop();
              stage = p.stage;
              bar = createProgress({ mode: args.log, label: p.stage, total: p.total, format: '{rate} steps/s', payload: { rate: '-' } });
            }
            bar?.update(p.done, { rate: p.seconds > 0 ? (p.particleSteps / p.seconds).toExponential(2) : '-' });
          },
        });
      } finally {
        (bar as Progress | null)?.stop();
        await tracker.dispose();
      }
      const written = writeReproduction(res, out, argv);
      if (args.log !== 'quiet') {
        process.stdout.write(`${res.checks.map(checkLine).join('\n')}\n`);
        process.stdout.write(`wall time ${res.seconds.toFixed(1)} s on ${res.backend}; wrote ${out}/ (${written.files.length} files, summary.txt)\n`);
      }
      setExit(0);
    },
  };
}
