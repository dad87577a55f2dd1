/**
 * crsky against CRPropa 3 on the same machine in the same hour: rounds of interleaved runs of the
 * CRPropa comparison workload (`crsky bench --workload crpropa`, src/sim/node/bench.ts), one
 * process per run, rows 64, 256 and 1024 modes and the 256³ grid. CRPropa itself is not part of
 * crsky: build it elsewhere and point --crpropa at its benchmark driver, which must take
 * `--modes N` or `--grid` and print one JSON line per timed run with particleStepsPerSecond,
 * seconds and cpuSeconds (the driver of docs/benchmark.md, "Against CRPropa 3").
 *
 *   node --import tsx scripts/bench-crpropa.ts --crpropa /path/to/crpropa_bench [--rounds 3]
 *       [--rows 64,256,1024,grid] [--also NAME='command {row}'] [--json FILE]
 *
 * --also adds another contender (e.g. an older crsky checkout) run the same way: `{row}` becomes
 * the mode count or 'grid', and the command prints the same JSON lines (none: the row shows '—'). Environment (e.g.
 * CRPROPA_DATA_PATH, OMP_NUM_THREADS=2) passes through. Every run's wall-clock rate and its
 * CPU-normalized rate (particle-steps per CPU-second of the process × cores: the rate with the
 * cores to itself) are reported as min/median/max over rounds, with the load average.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatMinMedianMax, median } from './stats.ts';

interface Sample {
  readonly rate: number;
  readonly cpuNormalized: number;
  readonly util: number;
  readonly load: number;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parse(argv: readonly string[]): { crpropa: string; rounds: number; rows: string[]; also: [string, string][]; json?: string } {
  let crpropa = '';
  let rounds = 3;
  let rows = ['64', '256', '1024', 'grid'];
  const also: [string, string][] = [];
  let json: string | undefined;
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${argv[i]} needs a value`);
    if (argv[i] === '--crpropa') crpropa = v;
    else if (argv[i] === '--rounds') rounds = Number(v);
    else if (argv[i] === '--rows') rows = v.split(',');
    else if (argv[i] === '--json') json = v;
    else if (argv[i] === '--also') {
      const k = v.indexOf('=');
      if (k < 1) throw new Error("--also NAME='command {row}'");
      also.push([v.slice(0, k), v.slice(k + 1)]);
    } else throw new Error(`unknown argument '${argv[i]}'`);
  }
  if (!crpropa) throw new Error('--crpropa PATH (CRPropa benchmark driver) is required');
  return { crpropa, rounds, rows, also, json };
}

/** JSON lines (CRPropa driver format) → samples. */
function fromLines(out: string, cores: number): Sample[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { particleStepsPerSecond: number; seconds: number; cpuSeconds: number })
    .map((r) => ({
      rate: r.particleStepsPerSecond,
      cpuNormalized: (r.particleStepsPerSecond * r.seconds * cores) / r.cpuSeconds,
      util: r.cpuSeconds / (r.seconds * cores),
      load: os.loadavg()[0],
    }));
}

function runCrsky(row: string, tmp: string): Sample[] {
  const file = path.join(tmp, 'crsky.json');
  execFileSync(process.execPath, [path.join(ROOT, 'bin/crsky.js'), 'bench', '--workload', 'crpropa', '--modes', row, '--backends', 'webgpu', '--repeats', '1', '--json', file], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const rec = (JSON.parse(readFileSync(file, 'utf8')) as { runs: number[]; cpuNormalized: number[]; cpuUtil: number[] }[])[0];
  return rec.runs.map((rate, i) => ({ rate, cpuNormalized: rec.cpuNormalized[i], util: rec.cpuUtil[i], load: os.loadavg()[0] }));
}

// a contender that prints nothing for a row (e.g. one that has no grid form) gets '—' there
const fmt = (xs: number[]) => {
  if (xs.length === 0) return '—';
  return formatMinMedianMax(xs, (x) => x.toExponential(2));
};

export async function main(argv: readonly string[]): Promise<number> {
  const o = parse(argv);
  const cores = os.cpus().length;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'crsky-bench-crpropa-'));
  const contenders: [string, (row: string) => Sample[]][] = [
    ['crsky webgpu', (row) => runCrsky(row, tmp)],
    ['CRPropa', (row) => fromLines(execFileSync(o.crpropa, row === 'grid' ? ['--grid'] : ['--modes', row], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }), cores)],
    ...o.also.map(([name, cmd]): [string, (row: string) => Sample[]] => [name, (row) => fromLines(execFileSync('sh', ['-c', cmd.replaceAll('{row}', row)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }), cores)]),
  ];
  const samples = new Map<string, Sample[]>();
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log(`machine: ${cores} cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (let r = 0; r < o.rounds; r++) {
    for (const row of o.rows) {
      for (const [name, run] of contenders) {
        const got = run(row);
        const key = `${row}|${name}`;
        samples.set(key, [...(samples.get(key) ?? []), ...got]);
        for (const g of got) log(`round ${r} ${row} ${name}: ${g.rate.toExponential(3)} particle-steps/s, CPU-normalized ${g.cpuNormalized.toExponential(3)}, cpu use ${g.util.toFixed(2)}, load ${g.load.toFixed(1)}`);
      }
    }
  }
  const names = contenders.map(([n]) => n);
  const lines = [
    `Interleaved, ${o.rounds} rounds, 2000 particles × 4001 steps; min / median / max over rounds; load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}.`,
    '',
    `| workload | ${names.map((n) => `${n}: wall (particle-steps/s)`).join(' | ')} | ${names.map((n) => `${n}: CPU-normalized`).join(' | ')} | ${names.slice(1).map((n) => `crsky / ${n}, CPU-normalized medians`).join(' | ')} |`,
    `| --- | ${names.map(() => '---').join(' | ')} | ${names.map(() => '---').join(' | ')} | ${names.slice(1).map(() => '---').join(' | ')} |`,
  ];
  for (const row of o.rows) {
    const by = (n: string) => samples.get(`${row}|${n}`) ?? [];
    const med = (n: string) => median(by(n).map((s) => s.cpuNormalized));
    lines.push(
      `| ${row === 'grid' ? 'grid 256³' : `${row} modes`} | ${names.map((n) => fmt(by(n).map((s) => s.rate))).join(' | ')} | ${names.map((n) => fmt(by(n).map((s) => s.cpuNormalized))).join(' | ')} | ${names
        .slice(1)
        .map((n) => (by(n).length > 0 ? `${(med(names[0]) / med(n)).toFixed(2)}×` : '—'))
        .join(' | ')} |`,
    );
  }
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  if (o.json) writeFileSync(o.json, JSON.stringify(Object.fromEntries(samples), null, 1));
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
