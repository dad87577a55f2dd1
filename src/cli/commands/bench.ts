/**
 * `crsky bench`: particle-steps per second of every available backend on the same workloads
 * (src/sim/node/bench.ts), a table with ratios to the cpu backend measured in the same run.
 */
import type { CommandModule } from 'yargs';
import { writeFileAtomic } from '../../io/atomic.ts';
import { benchWorkloads, crpropaWorkloads, formatBenchTable, runBenchmark, type BenchRecord, type BenchRow, type BenchWorkload } from '../../sim/node/bench.ts';
import { UsageError } from '../errors.ts';
import { lastWins, numberOption } from '../args.ts';
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
  particles?: string;
  json?: string;
  backends: string;
  repeats?: number;
  seconds?: number;
  threads?: number;
}

const ROWS = ['64', '256', '1024', 'grid'];

/** `--modes 64,grid` → [64, 'grid']: the rows both workloads have. */
function parseRows(text: unknown): BenchRow[] {
  const wanted = String(lastWins(text)).split(',').map((m) => m.trim());
  for (const m of wanted) if (!ROWS.includes(m)) throw new UsageError(`bench --modes: unknown row '${m}' (${ROWS.join(', ')})`);
  return [...new Set(wanted)].map((m) => (m === 'grid' ? 'grid' : Number(m)));
}

/** Most particles one workload may ask for: 2^24 (the float64 launch directions alone are 400 MB). */
const MAX_BENCH_PARTICLES = 2 ** 24;

/** `--particles 16384,1048576` → [16384, 1048576]. */
function parseParticles(text: unknown): number[] {
  const raw = String(lastWins(text));
  return raw.split(',').map((s) => {
    const n = Number(s.trim());
    if (s.trim() === '' || !Number.isInteger(n) || n < 1 || n > MAX_BENCH_PARTICLES) {
      throw new UsageError(`bench --particles ${raw}: each count must be an integer in [1, ${MAX_BENCH_PARTICLES}]`);
    }
    return n;
  });
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
        .option('modes', {
          type: 'string',
          requiresArg: true,
          describe: "the rows to run, comma-separated mode counts (64, 256, 1024) and 'grid' (default 64,256,1024,grid; quick 256,grid)",
        })
        .option('particles', {
          type: 'string',
          requiresArg: true,
          describe: 'comma-separated particle counts, each row run with each, integers >= 1 (default 16384,262144; quick 16384; crpropa 2000)',
        })
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
      const particles = args.particles === undefined ? undefined : parseParticles(args.particles);
      let workloads: BenchWorkload[];
      if (args.workload === 'crpropa') {
        workloads = crpropaWorkloads(particles);
        if (args.modes !== undefined) {
          const wanted = parseRows(args.modes);
          workloads = workloads.filter((w) => wanted.includes(w.field === 'grid' ? 'grid' : w.modes));
        }
      } else {
        workloads = benchWorkloads(args.quick, { rows: args.modes === undefined ? undefined : parseRows(args.modes), particles });
      }
      // each record is written as it is measured: a run cut short keeps what it measured
      const measured: BenchRecord[] = [];
      const save = (records: readonly BenchRecord[]) => {
        if (!args.json) return;
        ensureDir(path.dirname(path.resolve(args.json)), `bench --json ${args.json}`);
        writeFileAtomic(args.json, `${JSON.stringify(records, null, 2)}\n`);
      };
      const records = await runBenchmark({
        workloads,
        quick: args.quick,
        backends: backends as ('cpu' | 'webgpu')[],
        repeats: args.repeats,
        secondsPerRun: args.seconds,
        threads: args.threads,
        log: (line) => process.stderr.write(`${line}\n`),
        onRecord: (r) => {
          measured.push(r);
          save(measured);
        },
      });
      process.stdout.write(`${formatBenchTable(records)}\n`);
      save(records);
      setExit(0);
    },
  };
}
