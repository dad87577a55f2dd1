/**
 * The output directory of a run and its bookkeeping:
 *   manifest.json                 resolved config, provenance, status, timings
 *   realizations/rNNNNN.json      one record per finished realization (written last: the marker),
 *                                 with the config hash, backend and device that made it
 *   maps/rNNNNN_<label>.fits      relative-intensity map per realization and snapshot
 *   maps/mean_<label>.fits        ensemble mean
 *   fields/rNNNNN_modes.csv       the realization's plane waves (method 'modes')
 *   cl_<label>.csv, cl.csv, dipole.csv, diffusion.csv, statistics.csv, minkowski_<label>.csv, plots
 * A spectrum run (particles.spectrum) puts its combined maps where a single-rigidity run puts its
 * maps, each bin's own run-like outputs under bins/bNN/ (maps/, cl_<label>.csv, dipole.csv, ...,
 * no manifest or records: the run's records hold every bin), and the energy dependence at the top:
 *   spectrum.csv, energy_<label>.csv, energy_cl_<label>.csv, energy_dipole.csv, cross_<label>.csv,
 *   energy_<label>.png/.svg
 * Every file is written atomically, so a run killed at any moment leaves only whole files, and
 * `--resume` trusts exactly the realizations whose record exists and carries the run's config
 * hash. A directory that is not a crsky run of the same config is never written into.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFileExclusive, writeFileAtomic } from '../io/atomic.ts';
import type { Config } from '../config/schema.ts';
import { ConfigError } from '../config/errors.ts';
import { checkDirTarget, ensureDir, readJsonFile, reason } from './files.ts';
import { onInterrupt } from './interrupt.ts';
import type { Manifest, StoredBinRecord, StoredMapRecord, StoredRealizationRecord } from './runRecords.ts';

export const MANIFEST = 'manifest.json';
export const RECORDS_DIR = 'realizations';
export const MAPS_DIR = 'maps';
export const FIELDS_DIR = 'fields';
export const LOCK = '.crsky.lock';
export const BINS_DIR = 'bins';

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

/** The directory of a spectrum run's bin, e.g. out/bins/b00. */
export function binDir(out: string, binLabel: string): string {
  return path.join(out, BINS_DIR, binLabel);
}

/** A bin's map of realization `index` (or the mean), e.g. out/bins/b00/maps/r00000_t00.fits. */
export function binMapPath(out: string, binLabel: string, index: number | 'mean', label: string): string {
  return mapPath(binDir(out, binLabel), index, label);
}

/**
 * The physics of a config: everything but the backend and thread count (and particles.rigidityPV,
 * which a spectrum does not use).
 */
function physics(config: Config): Record<string, unknown> {
  const { tracking, ...rest } = config;
  const { backend: _backend, workers: _workers, ...kept } = tracking;
  if (config.particles.spectrum !== undefined) {
    const { rigidityPV: _unused, ...particles } = config.particles;
    return { ...rest, particles, tracking: kept };
  }
  return { ...rest, tracking: kept };
}

/** Stable hash of the physics-relevant config (everything but the backend and thread count). */
export function configHash(config: Config): string {
  return createHash('sha256').update(stableStringify(physics(config))).digest('hex').slice(0, 16);
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

/** path → value of every leaf (arrays are leaves), sorted by path. */
function leaves(v: unknown, prefix = '', out: Map<string, string> = new Map()): Map<string, string> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const k of Object.keys(v).sort()) leaves((v as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, v === undefined ? '(none)' : JSON.stringify(v));
  }
  return out;
}

/** "field.turbulence.modes 64 → 32, particles.rigidityPV 1.85 → 3": the physics that differs. */
export function configDifferences(before: Config, after: Config): string[] {
  const a = leaves(physics(before));
  const b = leaves(physics(after));
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.filter((k) => a.get(k) !== b.get(k)).map((k) => `${k} ${a.get(k) ?? '(none)'} → ${b.get(k) ?? '(none)'}`);
}

export function writeJsonAtomic(file: string, value: unknown): void {
  ensureDir(path.dirname(file), `cannot write ${file}`);
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
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

/** How record problems are worded: by --resume (paths relative to --out) or by merge. */
export type RecordContext = { readonly kind: 'resume' } | { readonly kind: 'merge' };

/**
 * Reads realization `index`'s record from `dir` and checks it belongs there: it parses, holds
 * that index, carries `hash` and names map files that exist. Throws ConfigError naming the file.
 */
export function readRecord(dir: string, index: number, hash: string, mapCount: number, ctx: RecordContext, binCount = 0): StoredRealizationRecord {
  const file = recordPath(dir, index);
  const rel = path.relative(dir, file);
  const who = ctx.kind === 'resume' ? '--resume ' : 'merge: ';
  const where = (r: string) => (ctx.kind === 'resume' ? `--resume ${dir}: ${r}` : `merge: ${path.join(dir, r)}`);
  const rec = readJsonFile<Partial<StoredRealizationRecord>>(file, who);
  if (rec === null || typeof rec !== 'object' || rec.index !== index || !Array.isArray(rec.maps)) {
    throw new ConfigError(`${where(rel)}${ctx.kind === 'resume' ? '' : ':'} is not the record of realization ${index} (its index or maps are missing)`);
  }
  if (rec.configHash === undefined) {
    // written by crsky before records carried the hash: nothing proves it belongs to this config
    throw new ConfigError(`${where(rel)}${ctx.kind === 'resume' ? '' : ':'} has no config hash (written by an older crsky), so it cannot be checked against this run${ctx.kind === 'resume' ? '; use a new --out' : ''}`);
  }
  if (rec.configHash !== hash) {
    const theirs = rec.configHash;
    throw new ConfigError(
      ctx.kind === 'resume'
        ? `${where(rel)} was made by another config (config hash ${theirs}, this run ${hash}); use a new --out`
        : `${where(rel)} was made by another config (config hash ${theirs}, the run's ${hash})`,
    );
  }
  if (rec.maps.length !== mapCount || rec.maps.some((m) => typeof m?.file !== 'string')) {
    throw new ConfigError(`${where(rel)}${ctx.kind === 'resume' ? '' : ':'} has ${rec.maps.length} maps where the config makes ${mapCount}`);
  }
  const bins: readonly StoredBinRecord[] = Array.isArray(rec.bins) ? rec.bins : [];
  const badBin = bins.findIndex((b: Partial<StoredBinRecord> | null) => !Array.isArray(b?.maps) || b.maps.length !== mapCount || b.maps.some((m: Partial<StoredMapRecord> | null) => typeof m?.file !== 'string'));
  if (bins.length !== binCount || badBin >= 0 || (binCount > 0 && !Array.isArray(rec.cross))) {
    throw new ConfigError(
      `${where(rel)}${ctx.kind === 'resume' ? '' : ':'} has ${badBin >= 0 ? `a bin (${badBin}) without its ${mapCount} maps` : `${bins.length} rigidity bins`} where the config makes ${binCount} bins of ${mapCount} maps`,
    );
  }
  for (const m of [...rec.maps, ...bins.flatMap((b) => b.maps)]) {
    if (!fs.existsSync(path.join(dir, m.file))) {
      throw new ConfigError(
        ctx.kind === 'resume'
          ? `${where(m.file)} is missing (named by ${rel}); remove that record to run the realization again`
          : `${where(m.file)}: missing (named by ${rel})`,
      );
    }
  }
  return rec as StoredRealizationRecord;
}

/** Names of a run directory's own entries (anything else marks a directory as someone else's). */
function isRunEntry(name: string): boolean {
  return (
    [MANIFEST, RECORDS_DIR, MAPS_DIR, FIELDS_DIR, BINS_DIR, LOCK, 'cl.csv', 'dipole.csv', 'diffusion.csv', 'statistics.csv', 'spectrum.csv', 'energy_dipole.csv'].includes(name) ||
    /^cl_[\w-]+\.(csv|png|svg)$/.test(name) ||
    /^(minkowski|energy_cl|cross)_[\w-]+\.csv$/.test(name) ||
    /^energy_[\w-]+\.(csv|png|svg)$/.test(name) ||
    /^map_mean_[\w-]+\.png$/.test(name) ||
    /^\..+\.\d+\.[0-9a-f]+\.tmp$/.test(name)
  );
}

/** What `--out` holds for a run, checked without writing anything. */
export interface OutDirState {
  /** The finished realizations there (validated records); empty for a fresh directory. */
  readonly records: StoredRealizationRecord[];
  /** The manifest there, if any. */
  readonly manifest: Manifest | null;
}

/**
 * Checks `out` for a run of `config`, writing nothing. A fresh run needs an absent or empty
 * directory (nothing of an earlier run is overwritten by accident). `--resume` needs a crsky run
 * of the same physics: a manifest with the same config hash, or (what a stopped merge or a lost
 * manifest leaves) realization records that all carry that hash; every record is checked.
 */
export function inspectOutDir(out: string, config: Config, resume: boolean, mapCount: number, binCount = 0): OutDirState {
  checkDirTarget(out, `--out ${out}`);
  const entries = fs.existsSync(out) ? fs.readdirSync(out) : [];
  if (!resume) {
    if (entries.length > 0) throw new ConfigError(`--out ${out}: directory exists and is not empty; use --resume to continue that run or choose another --out`);
    return { records: [], manifest: null };
  }
  const hash = configHash(config);
  const manifestFile = path.join(out, MANIFEST);
  let manifest: Manifest | null = null;
  if (fs.existsSync(manifestFile)) {
    manifest = readJsonFile<Manifest>(manifestFile, '--resume ');
    if (manifest?.configHash !== hash) {
      const diff = manifest?.config ? configDifferences(manifest.config, config) : [];
      throw new ConfigError(
        `--resume ${out}: the config differs from the run there${diff.length > 0 ? `: ${diff.join(', ')}` : ` (config hash ${manifest?.configHash} vs ${hash})`}; use a new --out`,
      );
    }
  }
  const indices = finishedRealizations(out);
  if (manifest === null && indices.length === 0) {
    const foreign = entries.filter((e) => !isRunEntry(e));
    if (foreign.length > 0) {
      const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ', …' : '');
      throw new ConfigError(`--resume ${out}: not a crsky run (no manifest.json and no realization records, but ${shown}); use a new or empty --out`);
    }
  }
  return { records: indices.map((r) => readRecord(out, r, hash, mapCount, { kind: 'resume' }, binCount)), manifest };
}

/** Creates the run directory and its subdirectories (with a spectrum, bins/<label>/maps of each bin). */
export function createRunDirs(out: string, binLabels: readonly string[] = []): void {
  for (const d of [MAPS_DIR, RECORDS_DIR, FIELDS_DIR]) ensureDir(path.join(out, d), `--out ${out}`);
  for (const b of binLabels) ensureDir(path.join(binDir(out, b), MAPS_DIR), `--out ${out}`);
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

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly command: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock's owner: JSON, or the "pid host" of crsky before 0.1; null when unreadable. */
function readLockOwner(file: string): LockOwner | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isInteger(o.pid) && typeof o.host === 'string') return { pid: o.pid!, host: o.host, startedAt: String(o.startedAt ?? 'an unknown time'), command: String(o.command ?? 'crsky') };
  } catch {
    const m = /^(\d+) (\S+)$/.exec(text.trim());
    if (m) return { pid: Number(m[1]), host: m[2], startedAt: 'an unknown time', command: 'crsky' };
  }
  return null;
}

export interface LockOptions {
  /** Take the lock even if another process seems to hold it (--break-lock). */
  readonly breakLock?: boolean;
  /** What holds it, for the lock file (e.g. "simulate"). */
  readonly command?: string;
}

/**
 * Takes the run directory for this process (a lock file with pid, host, start time and
 * command), so two processes never write, resume or clean the same run at once. A lock left by
 * a dead process on this host is taken over; any other is refused with whose it is and how to
 * take it over (--break-lock). Released by the returned function, or on SIGINT/SIGTERM through
 * src/output/interrupt.ts.
 */
export function acquireRunLock(out: string, opts: LockOptions = {}): () => void {
  const file = path.join(out, LOCK);
  const me: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command: opts.command ?? 'crsky' };
  const text = JSON.stringify(me);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      createFileExclusive(file, text);
      const release = () => {
        try {
          if (fs.readFileSync(file, 'utf8') === text) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
      const unregister = onInterrupt(() => {
        release();
        return `${out} is unlocked: continue with --resume`;
      });
      return () => {
        unregister();
        release();
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new ConfigError(`--out ${out}: cannot create the lock ${file} (${reason(e)})`);
      const owner = readLockOwner(file);
      const stale = owner !== null && owner.host === os.hostname() && !processAlive(owner.pid);
      if (!opts.breakLock && !stale) {
        throw new ConfigError(
          owner === null
            ? `--out ${out}: locked by an unknown process (unreadable lock file ${file}); if no crsky runs there, take the run over with --break-lock`
            : `--out ${out}: locked by crsky pid ${owner.pid} on ${owner.host} since ${owner.startedAt} (${file}); if that process is gone, take the run over with --break-lock`,
        );
      }
      fs.unlinkSync(file); // stale (its process is gone) or broken on request
    }
  }
  throw new ConfigError(`--out ${out}: could not take the lock ${file}; another process takes it at the same time`);
}
