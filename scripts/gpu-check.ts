/**
 * The GPU machine's checks besides the benchmark (src/sim/node/gpuCheck.ts), as a script that
 * scripts/build.mjs bundles into dist/gpu-check.js, so it runs from gpu-pack/ without tsx:
 *
 *   node dist/gpu-check.js adapter [--json FILE]
 *   node dist/gpu-check.js precision [--particles 4096] [--omega-t 100] [--snapshots 5]
 *                                    [--modes 256] [--grid 64] [--threads N] [--json FILE]
 *   node dist/gpu-check.js summary --dir DIR [--total SECONDS] [--json FILE]
 *   (in the sources: node --import tsx scripts/gpu-check.ts ...; in the pack: bash run.sh gpu-check ...)
 *
 * adapter: the WebGPU adapter crsky picks, its limits and the tracker's batch size. precision:
 * webgpu against the float64 cpu tracker on the same particles (--modes 0 or --grid 0 leaves
 * that field out). summary: what scripts/gpu-bench.sh wrote into DIR, as text and JSON. --json
 * writes the report, the precision one after each field.
 */
import path from 'node:path';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../src/io/atomic.ts';
import { adapterReport, formatGpuBenchSummary, precisionCheck, summarizeGpuBench } from '../src/sim/node/gpuCheck.ts';

const USAGE =
  'usage: gpu-check adapter [--json FILE] | gpu-check precision [--particles N] [--omega-t T] [--snapshots N] [--modes M] [--grid N] [--threads N] [--json FILE]' +
  ' | gpu-check summary --dir DIR [--total SECONDS] [--json FILE]';

function save(file: string | undefined, value: unknown): void {
  if (!file) return;
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Runs one check with command-line arguments (without `node script`); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [what, ...rest] = argv;
  const o: Record<string, string> = {};
  const numeric: Record<string, [min: number, integer: boolean]> = {
    particles: [1, true],
    'omega-t': [1, false],
    snapshots: [1, true],
    modes: [0, true],
    grid: [0, true],
    threads: [1, true],
    total: [0, false],
  };
  const allowed =
    what === 'adapter' ? ['json'] : what === 'precision' ? ['json', ...Object.keys(numeric).filter((k) => k !== 'total')] : what === 'summary' ? ['json', 'dir', 'total'] : null;
  if (!allowed) {
    process.stderr.write(`gpu-check: name a check: adapter, precision or summary\n${USAGE}\n`);
    return 2;
  }
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i].replace(/^--/, '');
    if (!rest[i].startsWith('--') || !allowed.includes(key) || rest[i + 1] === undefined) {
      process.stderr.write(`gpu-check ${what}: bad argument '${rest[i]}'${rest[i + 1] === undefined ? ' (no value)' : ''}\n${USAGE}\n`);
      return 2;
    }
    o[key] = rest[i + 1];
  }
  const num: Record<string, number> = {};
  for (const [k, [min, integer]] of Object.entries(numeric)) {
    if (o[k] === undefined) continue;
    const v = Number(o[k]);
    if (!(v >= min) || (integer && !Number.isInteger(v))) {
      process.stderr.write(`gpu-check ${what} --${k} ${o[k]}: must be ${integer ? 'an integer ' : ''}>= ${min}\n`);
      return 2;
    }
    num[k] = v;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (what === 'summary') {
    const dir = o.dir;
    if (!dir || !existsSync(dir)) {
      process.stderr.write(`gpu-check summary: --dir ${dir ?? '(missing)'}: no such folder\n${USAGE}\n`);
      return 2;
    }
    const files = {
      read: (name: string) => (existsSync(path.join(dir, name)) ? readFileSync(path.join(dir, name), 'utf8') : null),
      list: () => readdirSync(dir),
    };
    const summary = summarizeGpuBench(files, num.total ?? null);
    process.stdout.write(formatGpuBenchSummary(summary));
    save(o.json, summary);
    return 0;
  }
  if (what === 'adapter') {
    const report = await adapterReport();
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    save(o.json, report);
    return report.adapter && !('error' in report.tracker) ? 0 : 1;
  }
  const report = await precisionCheck({
    particles: num.particles,
    omegaT: num['omega-t'],
    snapshots: num.snapshots,
    modes: num.modes,
    gridN: num.grid,
    threads: num.threads,
    log,
    onCase: (_c, so) => save(o.json, { ...so, complete: false }),
  });
  save(o.json, { ...report, complete: true });
  const bad = report.cases.flatMap((c) => c.snapshots.filter((s) => s.nonFinite > 0).map((s) => `${c.field} at Ω·t ${s.omegaT.toPrecision(3)}: ${s.nonFinite} non-finite`));
  for (const b of bad) log(`gpu-check precision: ${b}`);
  return bad.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
