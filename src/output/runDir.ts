/**
 * The output directory of a run and its bookkeeping:
 *   manifest.json                 resolved config, provenance, status, timings
 *   realizations/rNNNNN.json      one record per finished realization (written last: the marker)
 *   maps/rNNNNN_<label>.fits      relative-intensity map per realization and snapshot
 *   maps/mean_<label>.fits        ensemble mean
 *   fields/rNNNNN_modes.csv       the realization's plane waves (method 'modes')
 *   cl_<label>.csv, cl.csv, dipole.csv, diffusion.csv, plots
 * Every file is written atomically, so a run killed at any moment leaves only whole files, and
 * `--resume` trusts exactly the realizations whose record exists.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic.ts';
import type { Config } from '../config/schema.ts';
import { ConfigError } from '../config/errors.ts';

export const MANIFEST = 'manifest.json';
export const RECORDS_DIR = 'realizations';
export const MAPS_DIR = 'maps';
export const FIELDS_DIR = 'fields';

export function recordPath(out: string, index: number): string {
  return path.join(out, RECORDS_DIR, `r${String(index).padStart(5, '0')}.json`);
}

/** The plane-wave mode table (CSV kx,ky,kz,ax,ay,az,phase) of realization `index`. */
export function fieldPath(out: string, index: number): string {
  return path.join(out, FIELDS_DIR, `r${String(index).padStart(5, '0')}_modes.csv`);
}

export function mapPath(out: string, index: number | 'mean', label: string): string {
  const who = index === 'mean' ? 'mean' : `r${String(index).padStart(5, '0')}`;
  return path.join(out, MAPS_DIR, `${who}_${label}.fits`);
}

/** Stable hash of the physics-relevant config (everything but the backend and thread count). */
export function configHash(config: Config): string {
  const { tracking, ...rest } = config;
  const { backend: _backend, workers: _workers, ...physics } = tracking;
  return createHash('sha256').update(stableStringify({ ...rest, tracking: physics })).digest('hex').slice(0, 16);
}

function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function writeJsonAtomic(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

export function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** Indices of the realizations whose record exists in `out`. */
export function finishedRealizations(out: string): number[] {
  const dir = path.join(out, RECORDS_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((f) => /^r(\d{5})\.json$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/**
 * Prepares `out` for a run. A fresh run needs an absent or empty directory (nothing of an
 * earlier run is overwritten by accident); `resume` needs the same physics config as the
 * manifest there.
 */
export function prepareOutDir(out: string, config: Config, resume: boolean): void {
  const manifest = path.join(out, MANIFEST);
  const makeDirs = () => {
    fs.mkdirSync(path.join(out, MAPS_DIR), { recursive: true });
    fs.mkdirSync(path.join(out, RECORDS_DIR), { recursive: true });
    fs.mkdirSync(path.join(out, FIELDS_DIR), { recursive: true });
  };
  if (resume) {
    if (!fs.existsSync(manifest)) return makeDirs(); // nothing to resume: start fresh
    const prev = readJson<{ configHash?: string }>(manifest);
    if (prev.configHash !== configHash(config)) {
      throw new ConfigError(
        `--resume ${out}: the config differs from the run there (config hash ${prev.configHash} vs ${configHash(config)}); use a new --out`,
      );
    }
    return makeDirs();
  }
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) {
    throw new ConfigError(`--out ${out}: directory exists and is not empty; use --resume to continue that run or choose another --out`);
  }
  makeDirs();
}

/** Removes temp files left by a killed writer (atomic.ts names them .<name>.<pid>.<hex>.tmp). */
export function removeStaleTempFiles(out: string): number {
  let removed = 0;
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/^\..+\.\d+\.[0-9a-f]+\.tmp$/.test(e.name)) {
        fs.unlinkSync(p);
        removed++;
      }
    }
  };
  walk(out);
  return removed;
}

const LOCK = '.crsky.lock';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the run directory for this process (a lock file holding pid and host), so two processes
 * never write, resume or clean the same run at once. A lock left by a dead process on this host
 * is taken over. Returns the release function.
 */
export function acquireRunLock(out: string): () => void {
  const file = path.join(out, LOCK);
  const me = `${process.pid} ${os.hostname()}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, me, { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8') === me) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const [pidText, host] = fs.readFileSync(file, 'utf8').split(' ');
      const pid = Number(pidText);
      if (host !== os.hostname() || processAlive(pid)) {
        throw new ConfigError(`--out ${out}: another crsky process (pid ${pid} on ${host}) is writing this run; wait for it, or remove ${file} if it is gone`);
      }
      fs.unlinkSync(file); // stale: its process is gone
    }
  }
  throw new ConfigError(`--out ${out}: could not take the lock ${file}`);
}
