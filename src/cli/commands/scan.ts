/**
 * `crsky scan --config scan.json`: a grid or list of points over any config fields, each point
 * a `simulate`; summary table and plots; cluster tasks and a Slurm script.
 */
import { ensureDir } from '../../output/files.ts';
import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.ts';
import { createTracker } from '../../sim/node/backends.ts';
import { checkScanOut, mergeShards, runPoints, summarize } from '../../output/scan/runScan.ts';
import { readScan } from '../../output/scan/scanConfig.ts';
import { emitSlurm } from '../../output/scan/slurm.ts';
import { nside2npix } from '../../analysis/healpix.ts';
import type { LogMode } from '../progress.ts';
import { logTracking, realizationBar } from '../runLog.ts';
import { parseShard } from './simulate.ts';
import { numberOption } from '../args.ts';

interface ScanArgs {
  config: string;
  out?: string;
  point?: number;
  shard?: string;
  merge: boolean;
  emit?: string;
  backend?: 'auto' | 'cpu' | 'webgpu';
  threads?: number;
  log: LogMode;
  'allow-mixed-backends': boolean;
  'break-lock': boolean;
}

export function scanCommand(setExit: (code: number) => void): CommandModule<object, ScanArgs> {
  return {
    command: 'scan',
    describe: 'run a grid or list of simulate points; summary table (CSV + JSON) and plots; Slurm scripts',
    builder: (y) =>
      y
        .option('config', { type: 'string', demandOption: true, describe: 'scan file (JSON): name, preset, base, grid, points, shards, plots, slurm (README "Scans")' })
        .option('out', { type: 'string', describe: 'output directory (default scans/<name>)' })
        .option('point', numberOption('scan --point', 'run only this point index (cluster task)'))
        .option('shard', { type: 'string', describe: 'with --point: only realizations r mod N = i of that point (i/N)' })
        .option('merge', { type: 'boolean', default: false, describe: 'merge the shards of every point and write the summary (no new tracking)' })
        .option('emit', { choices: ['slurm'], describe: 'write Slurm job scripts (array + dependent merge) instead of running' })
        .option('backend', { choices: ['auto', 'cpu', 'webgpu'] as const, describe: 'tracker backend for every point' })
        .option('threads', numberOption('scan --threads', 'CPU worker threads, >= 1'))
        .option('allow-mixed-backends', { type: 'boolean', default: false, describe: 'let a point continue, or its shards merge, across backends (no longer bitwise reproducible)' })
        .option('break-lock', { type: 'boolean', default: false, describe: "take over a point's directory although its lock names another process" })
        .option('log', { choices: ['bar', 'json', 'quiet'] as const, default: 'bar' as LogMode, describe: 'progress on stderr' })
        .example('$0 scan --config scan.json', 'run all points here')
        .example('$0 scan --config scan.json --emit slurm && bash scans/myscan/submit.sh', 'on a Slurm cluster') as never,
    handler: async (args) => {
      const { spec, points, baseDir } = readScan(args.config);
      const out = args.out ?? `scans/${spec.name}`;
      checkScanOut(out);
      if (args.shard !== undefined && args.point === undefined) throw new UsageError('scan --shard needs --point (one cluster task is one point and one shard)');
      const shard = args.shard !== undefined ? parseShard(args.shard) : undefined;
      // --merge looks for exactly spec.shards shards per point
      if (shard && shard.count !== spec.shards) throw new UsageError(`scan --shard ${args.shard}: the scan file says shards = ${spec.shards}; use i/${spec.shards}`);
      if (args.threads !== undefined && !(Number.isInteger(args.threads) && args.threads >= 1)) throw new UsageError(`scan --threads ${args.threads}: must be an integer >= 1`);
      const withThreads = args.threads === undefined ? points : points.map((p) => ({ ...p, config: { ...p.config, tracking: { ...p.config.tracking, workers: args.threads } } }));
      if (args.emit === 'slurm') {
        ensureDir(out, `scan --out ${out}`);
        const f = emitSlurm(spec, points.length, args.config, out);
        process.stdout.write(`wrote ${f.array} (${f.tasks} array tasks), ${f.merge}, ${f.submit}\nsubmit with: bash ${f.submit}\n`);
        setExit(0);
        return;
      }
      if (args.merge) {
        mergeShards(withThreads, out, spec.shards, { allowMixedBackends: args['allow-mixed-backends'] });
      } else {
        await runPoints(withThreads, {
          out,
          baseDir,
          point: args.point,
          shard,
          backend: args.backend,
          allowMixedBackends: args['allow-mixed-backends'],
          breakLock: args['break-lock'],
          openTracker: (config, previous, workload) => createTracker(config.tracking.backend, { threads: config.tracking.workers, workload, previous }),
          hooks: (p) => {
            const bar = realizationBar(args.log, 'realizations', nside2npix(p.config.particles.nside) * p.config.particles.perPixelSide ** 2);
            return { onTracking: logTracking(args.log), onProgress: bar.onProgress, done: bar.stop };
          },
          onPoint: (p, i, n) => {
            if (args.log === 'json') process.stderr.write(JSON.stringify({ event: 'point', point: p.index, value: i, total: n, params: p.params }) + '\n');
            else if (args.log !== 'quiet') process.stderr.write(`crsky scan: point ${p.index} (${i + 1}/${n}) ${JSON.stringify(p.params)}\n`);
          },
        });
        if (args.point !== undefined) {
          process.stdout.write(`point ${args.point}${shard ? ` shard ${shard.index}/${shard.count}` : ''} done\n`);
          setExit(0);
          return;
        }
      }
      const rows = summarize(spec, withThreads, out);
      process.stdout.write(`scan ${spec.name}: ${rows.length} points; wrote ${out}/points.csv, ${out}/summary.json${spec.plots.length > 0 ? ' and plots' : ''}\n`);
      for (const r of rows) {
        process.stdout.write(`  p${r.point} ${JSON.stringify(r.params)}: dipole ${r.quantities.dipoleAmplitude.toExponential(3)}, C_1 ${r.quantities.c1.toExponential(3)}\n`);
      }
      setExit(0);
    },
  };
}
