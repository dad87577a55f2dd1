/**
 * Wall time of whole `crsky simulate --preset P` runs per backend, cold and warm (issue 14 part 1:
 * `auto` must be within 10 % of the faster of cpu and webgpu): rounds of interleaved runs, each a
 * fresh process. Cold: an empty Mesa shader cache (a new MESA_SHADER_CACHE_DIR, so the user's
 * ~/.cache/mesa_shader_cache is left alone); warm: the same run again with that cache.
 *
 *   node --import tsx scripts/bench-presets.ts [--presets quick] [--rounds 3]
 *       [--backends cpu,webgpu,auto] [--checkout NAME=DIR ...] [--json FILE]
 *
 * --checkout adds another crsky checkout (e.g. the main branch before a change) to run the same
 * way; the default is this one. Each checkout runs its bin/crsky.js (its dist/ bundle when that is
 * fresh: build it first with `node scripts/build.mjs`, as `npm install` does). Reports min /
 * median / max seconds per cell and the backend `auto` chose: wall seconds, and the CPU seconds
 * of the process and its threads (from /usr/bin/time), which other load on a shared machine
 * disturbs much less than the wall time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatMinMedianMax } from './stats.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Cell {
  seconds: number[];
  cpuSeconds: number[];
  chose: Set<string>;
}

function parse(argv: readonly string[]) {
  let presets = ['quick'];
  let rounds = 3;
  let backends = ['cpu', 'webgpu', 'auto'];
  const checkouts: [string, string][] = [];
  let json: string | undefined;
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${argv[i]} needs a value`);
    if (argv[i] === '--presets') presets = v.split(',');
    else if (argv[i] === '--rounds') rounds = Number(v);
    else if (argv[i] === '--backends') backends = v.split(',');
    else if (argv[i] === '--json') json = v;
    else if (argv[i] === '--checkout') {
      const k = v.indexOf('=');
      if (k < 1) throw new Error('--checkout NAME=DIR');
      checkouts.push([v.slice(0, k), path.resolve(v.slice(k + 1))]);
    } else throw new Error(`unknown argument '${argv[i]}'`);
  }
  if (checkouts.length === 0) checkouts.push(['this', ROOT]);
  return { presets, rounds, backends, checkouts, json };
}

/** One whole run: wall and CPU seconds, and the backend that ran. */
function run(dir: string, preset: string, backend: string, cache: string): { seconds: number; cpuSeconds: number; chose: string } {
  const out = mkdtempSync(path.join(os.tmpdir(), 'crsky-preset-'));
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'crsky-cpu-seconds %U %S', process.execPath, path.join(dir, 'bin/crsky.js'), 'simulate', '--preset', preset, '--out', out, '--backend', backend], {
    cwd: dir,
    env: { ...process.env, MESA_SHADER_CACHE_DIR: cache },
    encoding: 'utf8',
  });
  const seconds = (performance.now() - t0) / 1000;
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`${dir}: simulate --preset ${preset} --backend ${backend} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const cpu = /crsky-cpu-seconds ([\d.]+) ([\d.]+)/.exec(r.stderr);
  const line = `${r.stderr}\n${r.stdout}`.split('\n').find((l) => /^(crsky: )?backend[: ]/.test(l)) ?? '';
  const chose = /backend:? (cpu|webgpu)/.exec(line)?.[1] ?? '?';
  return { seconds, cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN, chose };
}

export async function main(argv: readonly string[]): Promise<number> {
  const o = parse(argv);
  const cells = new Map<string, Cell>();
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (let r = 0; r < o.rounds; r++) {
    for (const preset of o.presets) {
      for (const [name, dir] of o.checkouts) {
        for (const backend of o.backends) {
          const cache = mkdtempSync(path.join(os.tmpdir(), 'crsky-mesa-cache-'));
          try {
            for (const state of ['cold', 'warm']) {
              const got = run(dir, preset, backend, cache);
              const key = `${preset}|${name}|${backend}|${state}`;
              const c = cells.get(key) ?? { seconds: [], cpuSeconds: [], chose: new Set<string>() };
              c.seconds.push(got.seconds);
              c.cpuSeconds.push(got.cpuSeconds);
              c.chose.add(got.chose);
              cells.set(key, c);
              log(`round ${r} ${preset} ${name} ${backend} ${state}: ${got.seconds.toFixed(2)} s, CPU ${got.cpuSeconds.toFixed(2)} s (${got.chose}), load ${os.loadavg()[0].toFixed(1)}`);
            }
          } finally {
            rmSync(cache, { recursive: true, force: true });
          }
        }
      }
    }
  }
  const stat = (xs: number[]) => formatMinMedianMax(xs, (x) => x.toFixed(2));
  const lines = [
    `Whole \`crsky simulate --preset P\` runs, seconds min / median / max over ${o.rounds} interleaved rounds; load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}.`,
    '',
    '| preset | checkout | backend | cold: wall | warm: wall | cold: CPU | warm: CPU | ran |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const preset of o.presets) {
    for (const [name] of o.checkouts) {
      for (const backend of o.backends) {
        const cold = cells.get(`${preset}|${name}|${backend}|cold`)!;
        const warm = cells.get(`${preset}|${name}|${backend}|warm`)!;
        lines.push(
          `| ${preset} | ${name} | ${backend} | ${stat(cold.seconds)} | ${stat(warm.seconds)} | ${stat(cold.cpuSeconds)} | ${stat(warm.cpuSeconds)} | ${[...new Set([...cold.chose, ...warm.chose])].join(', ')} |`,
        );
      }
    }
  }
  const text = `${lines.join('\n')}\n`;
  process.stdout.write(text);
  if (o.json) writeFileSync(o.json, JSON.stringify(Object.fromEntries([...cells].map(([k, c]) => [k, { seconds: c.seconds, cpuSeconds: c.cpuSeconds, chose: [...c.chose] }])), null, 1));
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
