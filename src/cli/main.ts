/**
 * The crsky command line: `crsky <command> [options]`. Each command lives in its own module;
 * this file wires them into yargs and maps errors to exit codes (2: bad input, 1: failure).
 */
import yargs from 'yargs';
import { ConfigError } from '../config/errors.ts';
import { diffusionCommand } from './commands/diffusion.ts';
import { simulateCommand } from './commands/simulate.ts';
import { mergeCommand } from './commands/merge.ts';
import { analyzeCommand } from './commands/analyze.ts';
import { plotCommand } from './commands/plot.ts';
import { scanCommand } from './commands/scan.ts';
import { benchCommand } from './commands/bench.ts';
import { configCommand } from './commands/config.ts';
import { observeCommand } from './commands/observe.ts';
import { serveCommand } from './commands/serve.ts';
import { UsageError } from './errors.ts';
import { joinNegativeValues } from './args.ts';
import { DeviceLimitError } from '../sim/types.ts';
import { runInterruptCleanups } from '../output/interrupt.ts';
import { crskyVersion } from '../output/version.ts';

/** Exit codes of a run stopped by a signal: 128 + the signal's number, as shells report it. */
const SIGNAL_EXIT: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Ctrl-C or a scheduler's SIGTERM: undo what is held (run-directory locks, half-built merges),
 * say so, and exit at once. Files need nothing: every write is atomic.
 */
function installSignalHandlers(): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      const lines = runInterruptCleanups();
      process.stderr.write(`\ncrsky: stopped by ${sig}${lines.length > 0 ? `; ${lines.join('; ')}` : ''}\n`);
      process.exit(SIGNAL_EXIT[sig]);
    });
  }
}


/** Runs the CLI on `args` (without `node script`) and returns the process exit code. */
export async function main(args: readonly string[]): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  installSignalHandlers();
  const parser = yargs(joinNegativeValues(args))
    .scriptName('crsky')
    .usage('$0 <command> [options]\n\nCosmic-ray back-tracking through turbulent magnetic fields: sky maps, C_l, diffusion.')
    .command(simulateCommand(setExit, args))
    .command(scanCommand(setExit))
    .command(diffusionCommand(setExit))
    .command(mergeCommand(setExit))
    .command(analyzeCommand(setExit, args))
    .command(plotCommand(setExit))
    .command(benchCommand(setExit))
    .command(configCommand(setExit))
    .command(observeCommand(setExit))
    .command(serveCommand(setExit))
    .demandCommand(1, 'Name a command: simulate, scan, diffusion, merge, analyze, plot, bench, config, observe, serve.')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(crskyVersion())
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      // an option's coerce check (src/cli/args.ts) reaches here wrapped in yargs' YError
      if (err?.name === 'YError') throw new UsageError(err.message);
      if (err) throw err;
      // Throw rather than return: yargs would otherwise still run the command's handler after a
      // validation failure (an unknown option, a bad choice), i.e. run with the bad arguments.
      throw new UsageError(`${msg}\nRun with --help for the options.`);
    });
  try {
    await parser.parseAsync();
  } catch (e) {
    // Bad input, including a request the device cannot hold (it has to change, not the code).
    if (e instanceof ConfigError || e instanceof UsageError || e instanceof DeviceLimitError) {
      process.stderr.write(`crsky: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`crsky: ${e instanceof Error ? (process.env.CRSKY_DEBUG ? e.stack : e.message) : String(e)}\n`);
    return 1;
  }
  return exitCode;
}
