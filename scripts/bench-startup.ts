/**
 * Start-up time of the CLI (issue 14 part 1: `crsky --help` under 0.4 s): rounds of interleaved
 * fresh processes, one per command, min / median / max wall seconds per command.
 *
 *   node --import tsx scripts/bench-startup.ts [--rounds 9] [--checkout NAME=DIR ...] [--json FILE]
 *
 * Each checkout runs `node DIR/bin/crsky.js --help` (its dist/ bundle when fresh, else the
 * TypeScript sources through tsx, as before the bundle existed) and `crsky --version`; this
 * checkout also runs `npx crsky --help` (npx's own start-up included, as a user types it).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { minMedianMax } from './stats.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parse(argv: readonly string[]) {
  let rounds = 9;
  const checkouts: [string, string][] = [['this', ROOT]];
  let json: string | undefined;
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${argv[i]} needs a value`);
    if (argv[i] === '--rounds') rounds = Number(v);
    else if (argv[i] === '--checkout') {
      const eq = v.indexOf('=');
      if (eq < 1) throw new Error(`--checkout ${v}: NAME=DIR`);
      checkouts.push([v.slice(0, eq), path.resolve(v.slice(eq + 1))]);
    } else if (argv[i] === '--json') json = v;
    else throw new Error(`unknown option ${argv[i]}`);
  }
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error(`--rounds ${rounds}: an integer >= 1`);
  return { rounds, checkouts, json };
}

interface Command {
  readonly label: string;
  readonly cwd: string;
  readonly cmd: string;
  readonly args: readonly string[];
}

function seconds(c: Command): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c.cmd, c.args, { cwd: c.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${c.label}: exit ${r.status}: ${r.stderr.toString().slice(0, 400)}`);
  return s;
}

const o = parse(process.argv.slice(2));
const commands: Command[] = [];
for (const [name, dir] of o.checkouts) {
  commands.push({ label: `${name}: node bin/crsky.js --help`, cwd: dir, cmd: process.execPath, args: ['bin/crsky.js', '--help'] });
  commands.push({ label: `${name}: node bin/crsky.js --version`, cwd: dir, cmd: process.execPath, args: ['bin/crsky.js', '--version'] });
}
commands.push({ label: 'this: npx crsky --help', cwd: ROOT, cmd: 'npx', args: ['crsky', '--help'] });

for (const c of commands) seconds(c); // one unmeasured run each: the file cache is warm for all
const times = new Map(commands.map((c) => [c.label, [] as number[]]));
for (let r = 0; r < o.rounds; r++) for (const c of commands) times.get(c.label)!.push(seconds(c));

process.stdout.write(`${o.rounds} interleaved rounds, load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n\n`);
process.stdout.write('| command | min / median / max s |\n| --- | --- |\n');
const records = commands.map((c) => ({ command: c.label, ...minMedianMax(times.get(c.label)!) }));
for (const r of records) process.stdout.write(`| \`${r.command}\` | ${r.min.toFixed(3)} / ${r.median.toFixed(3)} / ${r.max.toFixed(3)} |\n`);
if (o.json) writeFileSync(o.json, JSON.stringify({ rounds: o.rounds, load: os.loadavg(), records }, null, 2) + '\n');
