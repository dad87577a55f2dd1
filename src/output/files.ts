/**
 * Paths the user names (--out, --csv, --json) and files crsky reads back, checked so that a bad
 * path or a damaged file is bad input (ConfigError: exit 2 naming the path and the reason), not
 * a raw errno: directories are created one level at a time (Node's recursive mkdir spins forever
 * under /proc), and a JSON file that does not parse is named.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../config/errors.ts';
import type { RunLimits } from '../pipeline/estimate.ts';

/** "ENOENT: no such file or directory" from an fs error. */
export function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code) return `${err.code}: ${err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')}`;
  return err instanceof Error ? err.message : String(e);
}

/** Text without a leading UTF-8 byte-order mark (editors on Windows write one). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** "--out " (an empty value) shown as --out "". */
function quoteEmpty(who: string): string {
  return who.endsWith(' ') ? `${who}""` : who;
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
}

/** The nearest existing ancestor of `p` (p itself if it exists). */
function existingAncestor(p: string): string {
  let cur = path.resolve(p);
  while (statOrNull(cur) === null) {
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  return cur;
}

/**
 * Throws unless `dir` is, or could be created as, a directory crsky may write: `who` names the
 * option (e.g. "--out out/run"). Writes nothing.
 */
export function checkDirTarget(dir: string, who: string): void {
  if (dir.trim() === '') throw new ConfigError(`${quoteEmpty(who)}: an empty path; name a directory`);
  const st = statOrNull(dir);
  if (st !== null) {
    if (!st.isDirectory()) throw new ConfigError(`${who}: exists and is not a directory`);
    return;
  }
  const base = existingAncestor(dir);
  if (!fs.statSync(base).isDirectory()) throw new ConfigError(`${who}: ${base} is a file, not a directory`);
  try {
    fs.accessSync(base, fs.constants.W_OK);
  } catch (e) {
    throw new ConfigError(`${who}: cannot create directories in ${base} (${reason(e)})`);
  }
}

/** Creates `dir` and its missing parents one at a time; a failure names the level that failed. */
export function ensureDir(dir: string, who: string): void {
  if (dir.trim() === '') throw new ConfigError(`${quoteEmpty(who)}: an empty path; name a directory`);
  const st = statOrNull(dir);
  if (st !== null) {
    if (!st.isDirectory()) throw new ConfigError(`${who}: exists and is not a directory`);
    return;
  }
  const missing: string[] = [];
  let cur = path.resolve(dir);
  while (statOrNull(cur) === null && path.dirname(cur) !== cur) {
    missing.unshift(cur);
    cur = path.dirname(cur);
  }
  if (!fs.statSync(cur).isDirectory()) throw new ConfigError(`${who}: ${cur} is a file, not a directory`);
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(d).isDirectory()) continue; // made meanwhile
      throw new ConfigError(`${who}: cannot create ${d} (${reason(e)})`);
    }
  }
}

/**
 * Checks, before any work, a file a command will write: not a directory, its directory
 * creatable, and, if it exists, written by the same command (`ours` recognizes it): no command
 * overwrites another command's output.
 */
export function checkOutputFile(file: string, who: string, command: string, ours: (text: string) => boolean): void {
  if (file.trim() === '') throw new ConfigError(`${quoteEmpty(who)}: an empty path; name a file`);
  const st = statOrNull(file);
  if (st !== null) {
    if (st.isDirectory()) throw new ConfigError(`${who}: is a directory; give a file name`);
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`${who}: cannot read the existing file (${reason(e)})`);
    }
    if (!ours(text)) throw new ConfigError(`${who}: exists and was not written by crsky ${command}; choose another file`);
    return;
  }
  checkDirTarget(path.dirname(path.resolve(file)), who);
}

/** Parses a JSON file crsky wrote; `who` prefixes the message ("merge: ", "--resume "). */
export function readJsonFile<T>(file: string, who: string): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`${who}${file}: cannot read (${reason(e)})`);
  }
  try {
    return JSON.parse(stripBom(text)) as T;
  } catch (e) {
    throw new ConfigError(`${who}${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** What a run may use on this machine: 3/4 of its memory (the rest is the OS's and Node's). */
export function nodeRunLimits(): RunLimits {
  return { memoryBytes: 0.75 * os.totalmem(), memoryLabel: "3/4 of this machine's memory" };
}
