/**
 * The benchmark as a script: the same as `npx crsky bench` (src/cli/commands/bench.ts, on top of
 * src/sim/node/bench.ts), for `node --import tsx scripts/bench.ts [--quick] [--json FILE] ...`.
 */
import { pathToFileURL } from 'node:url';
import { main as cli } from '../src/cli/main.ts';

/** Runs the benchmark with command-line arguments (without `node script`); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  return cli(['bench', ...argv]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
