/**
 * The Slurm scripts of `crsky scan --emit slurm`, checked without a cluster: bash syntax, the
 * array range, the afterok dependency, absolute paths, and quoting of a directory whose name has
 * a space, a single quote and other characters that bash or sbatch treat specially. The scripts
 * run for real in scripts/slurm-e2e.sh.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors.ts';
import { readScan } from './scanConfig.ts';
import { emitSlurm, type SlurmFiles } from './slurm.ts';

/** Arguments of an `#SBATCH` line the way sbatch splits them (not bash): whitespace separates,
 *  ' or " group, a backslash escapes the next character (inside quotes too), an unquoted # ends the line. */
function sbatchArgs(line: string): string[] {
  const args: string[] = [];
  let cur = '';
  let started = false;
  let quote = '';
  let escaped = false;
  for (const c of line.replace(/^#SBATCH/, '')) {
    if (escaped) {
      cur += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = started = true;
    } else if (quote) {
      if (c === quote) quote = '';
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (c === '#') {
      break;
    } else if (/\s/.test(c)) {
      if (started) args.push(cur);
      cur = '';
      started = false;
    } else {
      cur += c;
      started = true;
    }
  }
  if (started) args.push(cur);
  return args;
}

/** The value of `#SBATCH --NAME=VALUE` in a script (undefined when absent). */
function directive(script: string, name: string): string | undefined {
  for (const line of script.split('\n')) {
    if (!line.startsWith('#SBATCH')) continue;
    for (const a of sbatchArgs(line)) if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

function bash(args: string[], env: Record<string, string> = {}, cwd?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, cwd });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** argv of the script's `exec` line, run by bash with exec replaced by a NUL-separated print. */
function execArgv(script: string, env: Record<string, string>, tmp: string): string[] {
  expect(script.match(/^exec /gm)).toHaveLength(1);
  const file = path.join(tmp, `argv-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, script.replace(/^exec /m, "printf '%s\\0' "));
  const r = bash([file], env);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

describe('scan --emit slurm scripts', () => {
  let tmp: string;
  let dir: string;
  let scanFile: string;
  let out: string;
  let files: SlurmFiles;
  let array: string;
  let merge: string;
  let submit: string;

  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'crsky-slurm-test-'));
    // a space and a single quote, plus what bash or sbatch would otherwise interpret: " # % $
    dir = path.join(tmp, `it's a "scan" #1 %x $HOME`);
    mkdirSync(dir);
    scanFile = path.join(dir, 'scan.json');
    writeFileSync(
      scanFile,
      JSON.stringify({
        name: 'rig',
        preset: 'quick',
        base: { realizations: 2, tracking: { timesOmega: [20] } },
        grid: { 'particles.rigidityPV': [1, 2], 'field.turbulence.brmsUG': [0.5, 1] },
        shards: 2,
        slurm: { time: '00:10:00', cpusPerTask: 2, memory: '1G' },
      }),
    );
    out = path.join(dir, 'out');
    mkdirSync(out);
    const { spec, points } = readScan(scanFile);
    expect(points).toHaveLength(4);
    files = emitSlurm(spec, points.length, scanFile, out);
    array = readFileSync(files.array, 'utf8');
    merge = readFileSync(files.merge, 'utf8');
    submit = readFileSync(files.submit, 'utf8');
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes three scripts that bash -n accepts', () => {
    expect(files.array).toBe(path.join(out, 'rig.sbatch'));
    expect(files.merge).toBe(path.join(out, 'rig-merge.sbatch'));
    expect(files.submit).toBe(path.join(out, 'submit.sh'));
    for (const f of [files.array, files.merge, files.submit]) {
      const r = bash(['-n', f]);
      expect(r.stderr, f).toBe('');
      expect(r.status, f).toBe(0);
    }
    for (const s of [array, merge, submit]) expect(s.startsWith('#!/bin/bash\n')).toBe(true);
  });

  it('has one array task per (point, shard): 4 points x 2 shards = 0-7', () => {
    expect(files.tasks).toBe(8);
    expect(directive(array, 'array')).toBe('0-7');
    expect(directive(merge, 'array')).toBeUndefined();
    expect(directive(array, 'cpus-per-task')).toBe('2');
    expect(directive(array, 'mem')).toBe('1G');
    expect(directive(array, 'time')).toBe('00:10:00');
    expect(directive(array, 'job-name')).toBe('crsky-rig');
    expect(directive(merge, 'job-name')).toBe('crsky-rig-merge');
    // a failed task makes afterok impossible: the merge job is then cancelled, not left pending
    expect(directive(merge, 'kill-on-invalid-dep')).toBe('yes');
  });

  it('sends the logs to an absolute logs/ directory, quoted for sbatch and with % doubled', () => {
    const logDir = path.join(out, 'logs');
    const pct = logDir.replaceAll('%', '%%');
    expect(directive(array, 'output')).toBe(`${pct}/%x-%A_%a.out`);
    expect(directive(merge, 'output')).toBe(`${pct}/%x-%j.out`);
    expect(path.isAbsolute(directive(array, 'output') ?? '')).toBe(true);
  });

  it('maps each task to its point and shard with absolute, correctly quoted paths', () => {
    const node = process.execPath;
    const bin = fileURLToPath(new URL('../../../bin/crsky.js', import.meta.url));
    expect(existsSync(bin)).toBe(true);
    for (const [task, point, shard] of [
      [0, 0, 0],
      [1, 0, 1],
      [6, 3, 0],
      [7, 3, 1],
    ]) {
      const argv = execArgv(array, { SLURM_ARRAY_TASK_ID: String(task), SLURM_CPUS_PER_TASK: '2' }, tmp);
      expect(argv).toEqual([node, bin, 'scan', '--config', scanFile, '--out', out, '--point', String(point), '--shard', `${shard}/2`, '--threads', '2', '--log', 'json']);
    }
    // outside Slurm's CPU binding: one thread
    expect(execArgv(array, { SLURM_ARRAY_TASK_ID: '0' }, tmp)).toContain('1');
    // without a task id the script stops (set -u) instead of running task 0
    const stub = path.join(tmp, 'no-task.sh');
    writeFileSync(stub, array.replace(/^exec /m, 'echo ran '));
    expect(bash([stub]).status).not.toBe(0);

    const margv = execArgv(merge, {}, tmp);
    expect(margv).toEqual([node, bin, 'scan', '--config', scanFile, '--out', out, '--merge', '--log', 'json']);
    for (const a of [margv[0], margv[1], margv[4], margv[6]]) expect(path.isAbsolute(a)).toBe(true);
  });

  it('submit.sh creates the log directory, submits the array, then the merge with afterok on it', () => {
    // a stand-in sbatch that records its arguments and answers like `sbatch --parsable`
    const bin = path.join(tmp, 'fake-bin');
    const calls = path.join(tmp, 'sbatch-calls');
    mkdirSync(bin);
    mkdirSync(calls);
    writeFileSync(
      path.join(bin, 'sbatch'),
      ['#!/bin/bash', 'n=$(ls "$CALLS" | wc -l)', `printf '%s\\0' "$@" > "$CALLS/$n"`, 'if [ "$n" = 0 ]; then echo "4242;cluster1"; else echo 4243; fi', ''].join('\n'),
    );
    chmodSync(path.join(bin, 'sbatch'), 0o755);
    expect(submit).toMatch(/--dependency=afterok:"\$ARRAY_ID"/);
    const r = bash([files.submit], { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, CALLS: calls }, tmp);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('submitted array job 4242 and merge job 4243\n');
    expect(existsSync(path.join(out, 'logs'))).toBe(true);
    const argv = readdirSync(calls)
      .sort()
      .map((f) => readFileSync(path.join(calls, f), 'utf8').split('\0').slice(0, -1));
    expect(argv).toEqual([
      ['--parsable', files.array],
      ['--parsable', '--dependency=afterok:4242', files.merge],
    ]);
  });

  it('refuses an output directory with a backslash (Slurm cannot write logs there)', () => {
    const { spec, points } = readScan(scanFile);
    expect(() => emitSlurm(spec, points.length, scanFile, path.join(tmp, 'a\\b'))).toThrow(ConfigError);
  });
});
