/**
 * Runs the real command line (`node bin/crsky.js ...`) for end-to-end tests: an async spawn from
 * the repository root with stdout/stderr captured, the exit code, and a timeout that kills the
 * process. Temporary directories made here live under os.tmpdir() and go away with
 * `cleanupCli()`, which also kills any child still running (call it in afterAll).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CRSKY_BIN = path.join(REPO_ROOT, 'bin', 'crsky.js');

export interface CliResult {
  /** Exit code, or null when a signal ended the process. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the timeout killed it. */
  readonly timedOut: boolean;
  readonly ms: number;
}

export interface CliOptions {
  /** Kill with SIGKILL after this many ms (default 60 s). */
  readonly timeoutMs?: number;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface RunningCli {
  readonly child: ChildProcess;
  /** Resolves when the process has exited (never rejects for a non-zero exit). */
  readonly done: Promise<CliResult>;
  /** The stdout/stderr captured so far. */
  output(): { stdout: string; stderr: string };
  kill(signal?: NodeJS.Signals): void;
}

const live = new Set<ChildProcess>();
const tempDirs: string[] = [];

/** Starts `node bin/crsky.js ...args`; the caller may kill it before it ends. */
export function startCli(args: readonly string[], opts: CliOptions = {}): RunningCli {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CRSKY_BIN, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CRSKY_DEBUG: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs ?? 60_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', (e) => {
      clearTimeout(timer);
      live.delete(child);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, signal, stdout, stderr, timedOut, ms: performance.now() - t0 });
    });
  });
  return {
    child,
    done,
    output: () => ({ stdout, stderr }),
    kill: (signal: NodeJS.Signals = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Runs `node bin/crsky.js ...args` to the end. */
export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return startCli(args, opts).done;
}

/** Runs several command lines, at most `concurrency` at a time, results in input order. */
export async function runCliAll(list: readonly (readonly string[])[], concurrency = 2, opts: CliOptions = {}): Promise<CliResult[]> {
  const results: CliResult[] = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      results[i] = await runCli(list[i], opts);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, worker));
  return results;
}

/** A new empty directory under os.tmpdir(), removed by cleanupCli(). */
export function makeTempDir(prefix = 'crsky-cli-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Kills the children still running and removes the temporary directories. */
export async function cleanupCli(): Promise<void> {
  const waits = [...live].map(
    (c) =>
      new Promise<void>((resolve) => {
        c.once('close', () => resolve());
        c.kill('SIGKILL');
      }),
  );
  await Promise.all(waits);
  for (const d of tempDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Every file under `dir`, relative, sorted ('/' separators). */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Resolves once `predicate()` holds (polled every `everyMs`), or rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, opts: { timeoutMs?: number; everyMs?: number; what?: string } = {}): Promise<void> {
  const t0 = Date.now();
  const limit = opts.timeoutMs ?? 60_000;
  while (!predicate()) {
    if (Date.now() - t0 > limit) throw new Error(`timed out after ${limit} ms waiting for ${opts.what ?? 'a condition'}`);
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 10));
  }
}

/** The header row of a CSV written by src/io/csv.ts (after its '#' comment lines). */
export function csvHeader(file: string): string[] {
  const line = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.trim() !== '' && !l.startsWith('#'));
  return (line ?? '').trim().split(',');
}
