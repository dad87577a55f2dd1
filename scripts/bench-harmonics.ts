/**
 * Time crsky's map2alm / alm2map against healpy's at N_side 64, 128, 256 with the same
 * parameters (lmax = 3·N_side − 1, iter = 3 and 0), on the same random map. Prints a table and
 * the ratios; the numbers recorded in docs/harmonics-benchmark.md come from this script.
 *
 *   npx tsx scripts/bench-harmonics.ts                 # N_side 64 128 256, 5 repeats
 *   npx tsx scripts/bench-harmonics.ts 64 256 --repeat 3
 *
 * Both sides report the median wall time of the repeats after one warm-up call. healpy runs
 * once with OMP_NUM_THREADS=1 (like-for-like with our single thread) and once with its default
 * threading. Uses Debian's healpy at /usr/bin/python3.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { alm2map, map2alm } from '../src/analysis/harmonics.ts';
import { median } from './stats.ts';

const args = process.argv.slice(2);
const repIdx = args.indexOf('--repeat');
const repeat = repIdx >= 0 ? Number(args[repIdx + 1]) : 5;
const nsides = args.filter((a, i) => /^\d+$/.test(a) && i !== repIdx + 1).map(Number);
const NSIDES = nsides.length > 0 ? nsides : [64, 128, 256];

function timeIt(fn: () => void): number {
  fn(); // warm-up (JIT, table caches)
  const ts: number[] = [];
  for (let k = 0; k < repeat; k++) {
    const t0 = performance.now();
    fn();
    ts.push((performance.now() - t0) / 1000);
  }
  return median(ts);
}

/** healpy timings in seconds for {map2alm iter 3, map2alm iter 0, alm2map}. */
function healpyTimes(map: Float64Array, nside: number, threads: string | null): [number, number, number] {
  const dir = mkdtempSync(join(tmpdir(), 'crsky-bench-'));
  try {
    writeFileSync(join(dir, 'map.bin'), new Uint8Array(map.buffer));
    const code = `
import sys, time, json
import numpy as np, healpy as hp
m = np.fromfile(sys.argv[1] + '/map.bin', dtype='<f8')
lmax = 3 * ${nside} - 1
def med(f):
    f()
    ts = []
    for _ in range(${repeat}):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return float(np.median(ts))
a = hp.map2alm(m, lmax=lmax, iter=0)
out = [med(lambda: hp.map2alm(m, lmax=lmax, iter=3)), med(lambda: hp.map2alm(m, lmax=lmax, iter=0)),
       med(lambda: hp.alm2map(a, ${nside}, lmax=lmax))]
print(json.dumps(out))
`;
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (threads === null) delete env.OMP_NUM_THREADS;
    else env.OMP_NUM_THREADS = threads;
    const p = spawnSync('/usr/bin/python3', ['-c', code, dir], { encoding: 'utf8', env });
    if (p.status !== 0) throw new Error(`healpy benchmark failed: ${p.stderr}`);
    return JSON.parse(p.stdout.trim().split('\n').pop() as string) as [number, number, number];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function healpyVersion(): string {
  const p = spawnSync('/usr/bin/python3', ['-c', 'import healpy, numpy; print(healpy.__version__, numpy.__version__)'], { encoding: 'utf8' });
  return p.status === 0 ? p.stdout.trim() : `unavailable (${p.stderr.trim()})`;
}

const rows: string[][] = [];
const header = ['N_side', 'lmax', 'transform', 'crsky [s]', 'healpy 1 thread [s]', 'ratio', 'healpy default threads [s]', 'ratio'];
for (const nside of NSIDES) {
  const lmax = 3 * nside - 1;
  let s = 12345;
  const map = Float64Array.from({ length: 12 * nside * nside }, () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647 - 0.5;
  });
  const alm = map2alm(map, { lmax, iterations: 0 });
  const ours = [
    timeIt(() => map2alm(map, { lmax, iterations: 3 })),
    timeIt(() => map2alm(map, { lmax, iterations: 0 })),
    timeIt(() => alm2map(alm, nside)),
  ];
  const hp1 = healpyTimes(map, nside, '1');
  const hpN = healpyTimes(map, nside, null);
  const names = ['map2alm iter=3', 'map2alm iter=0', 'alm2map'];
  for (let k = 0; k < 3; k++) {
    rows.push([
      String(nside),
      String(lmax),
      names[k],
      ours[k].toFixed(3),
      hp1[k].toFixed(3),
      (ours[k] / hp1[k]).toFixed(1),
      hpN[k].toFixed(3),
      (ours[k] / hpN[k]).toFixed(1),
    ]);
  }
}

console.log(`# map2alm / alm2map: crsky (Node ${process.version}, one thread) vs healpy ${healpyVersion()} (healpy, numpy)`);
console.log(`# CPU: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}; median of ${repeat} after one warm-up; ratio = crsky / healpy`);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
