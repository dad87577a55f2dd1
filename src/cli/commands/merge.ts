/** `crsky merge`: shard outputs → one run directory, as if it had been one run. */
import type { CommandModule } from 'yargs';
import { mergeRuns } from '../../output/merge.ts';

interface MergeArgs {
  dirs: string[];
  out: string;
  'allow-mixed-backends': boolean;
}

export function mergeCommand(setExit: (code: number) => void): CommandModule<object, MergeArgs> {
  return {
    command: 'merge <dirs..>',
    describe: 'combine shard (or partial) run directories of one config into one run',
    builder: (y) =>
      y
        .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'run directories written by `simulate --shard i/N`' })
        .option('out', { type: 'string', demandOption: true, describe: 'new (or empty) output directory' })
        .option('allow-mixed-backends', { type: 'boolean', default: false, describe: 'merge realizations made on different backends or devices (no longer bitwise reproducible)' })
        .example('$0 merge out/shard0 out/shard1 --out out/merged', 'two shards into one run') as never,
    handler: (args) => {
      const res = mergeRuns(args.dirs, args.out, { allowMixedBackends: args['allow-mixed-backends'] });
      process.stdout.write(`merged ${res.realizations.length} realizations into ${args.out}\n`);
      if (res.missing.length > 0) {
        process.stderr.write(`crsky: warning: realizations ${res.missing.join(', ')} are missing; the ensemble covers ${res.realizations.length} of ${res.realizations.length + res.missing.length}\n`);
      }
      setExit(0);
    },
  };
}
