/**
 * `crsky bench`: particle-steps per second of every available backend on the same workloads
 * (src/sim/node/bench.ts), a table with ratios to the cpu backend measured in the same run.
 */
import type { CommandModule } from 'yargs';
import { writeFileAtomic } from '../../io/atomic.ts';
import { crpropaWorkloads, formatBenchTable, runBenchmark, type BenchWorkload } from '../../sim/node/bench.ts';
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
  workload: string;
  modes?: string;
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
        .option('workload', {
          type: 'string',
          default: 'crsky',
          describe:
            "'crsky': B0 = 1 uG + Kolmogorov 1-100 pc, runs of a set wall time; 'crpropa': exactly the CRPropa 3 comparison " +
            '(B0 = 0, Kolmogorov 0.5-50 pc, r_g = 0.1 L_c, h = r_g/20, 2000 particles × 4001 steps, 64/256/1024 modes and the 256³ grid at 0.25 pc)',
        })
        .option('modes', { type: 'string', describe: "with --workload crpropa: the rows to run, comma-separated mode counts and 'grid' (default 64,256,1024,grid)" })
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
      if (args.workload !== 'crsky' && args.workload !== 'crpropa') throw new UsageError(`bench --workload ${args.workload}: must be crsky or crpropa`);
      let workloads: BenchWorkload[] | undefined;
      if (args.workload === 'crpropa') {
        workloads = crpropaWorkloads();
        if (args.modes !== undefined) {
          const wanted = args.modes.split(',').map((m) => m.trim());
          const known = workloads.map((w) => (w.field === 'grid' ? 'grid' : String(w.modes)));
          for (const m of wanted) if (!known.includes(m)) throw new UsageError(`bench --modes: unknown row '${m}' (${known.join(', ')})`);
          workloads = workloads.filter((w, i) => wanted.includes(known[i]));
        }
      } else if (args.modes !== undefined) {
        throw new UsageError('bench --modes: only with --workload crpropa');
      }
      const records = await runBenchmark({
        workloads,
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
