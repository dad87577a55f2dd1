/**
 * `crsky bench`: particle-steps per second of every available backend on the same workloads
 * (src/sim/node/bench.ts), a table with ratios to the cpu backend measured in the same run.
 */
import type { CommandModule } from 'yargs';
import { writeFileAtomic } from '../../io/atomic.ts';
import { formatBenchTable, runBenchmark } from '../../sim/node/bench.ts';
import { UsageError } from '../errors.ts';
import { numberOption } from '../args.ts';
import path from 'node:path';
import { checkOutputFile, ensureDir } from '../../output/files.ts';

/** Whether a file's text is a list of benchmark records (what --json writes), so it may be replaced. */
function isBenchJson(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) && v.every((r) => typeof r === 'object' && r !== null && 'particleStepsPerSecond' in r && 'backend' in r);
  } catch {
    return false;
  }
}

interface BenchArgs {
  quick: boolean;
  json?: string;
  backends: string;
  repeats?: number;
  seconds?: number;
  threads?: number;
}

export function benchCommand(setExit: (code: number) => void): CommandModule<object, BenchArgs> {
  return {
    command: 'bench',
    describe: 'particle-steps per second of every backend: plane waves (64/256/1024 modes) and the 256³ grid, 16k and 256k particles',
    builder: (y) =>
      y
        .option('quick', { type: 'boolean', default: false, describe: 'about a minute: 256 modes and the 256³ grid, 16k particles' })
        .option('json', { type: 'string', describe: 'also write the records [{backend, field, modes, gridN, particles, particleStepsPerSecond, device}] to this file' })
        .option('backends', { type: 'string', default: 'cpu,webgpu', describe: 'comma-separated backends to measure: cpu, webgpu' })
        .option('repeats', numberOption('bench --repeats', 'measured runs per workload and backend, >= 1 (default 3, quick 2); the best is reported'))
        .option('seconds', numberOption('bench --seconds', 'wall time per measured run in s, >= 0.1 (default 4, quick 1.5)'))
        .option('threads', numberOption('bench --threads', 'cpu backend worker threads, >= 1 (default: all cores)')) as never,
    handler: async (args) => {
      const backends = args.backends.split(',').map((b) => b.trim());
      for (const b of backends) if (b !== 'cpu' && b !== 'webgpu') throw new UsageError(`bench --backends: unknown backend '${b}' (cpu, webgpu)`);
      if (args.repeats !== undefined && !(Number.isInteger(args.repeats) && args.repeats >= 1)) throw new UsageError(`bench --repeats ${args.repeats}: must be an integer >= 1`);
      if (args.seconds !== undefined && !(args.seconds >= 0.1)) throw new UsageError(`bench --seconds ${args.seconds}: must be >= 0.1`);
      if (args.threads !== undefined && !(Number.isInteger(args.threads) && args.threads >= 1)) throw new UsageError(`bench --threads ${args.threads}: must be an integer >= 1`);
      if (args.json !== undefined) checkOutputFile(args.json, `bench --json ${args.json}`, 'bench', isBenchJson);
      const records = await runBenchmark({
        quick: args.quick,
        backends: backends as ('cpu' | 'webgpu')[],
        repeats: args.repeats,
        secondsPerRun: args.seconds,
        threads: args.threads,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`${formatBenchTable(records)}\n`);
      if (args.json) {
        ensureDir(path.dirname(path.resolve(args.json)), `bench --json ${args.json}`);
        writeFileAtomic(args.json, `${JSON.stringify(records, null, 2)}\n`);
      }
      setExit(0);
    },
  };
}
