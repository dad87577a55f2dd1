/**
 * One atomic writer for every file crsky writes (issue 11, item 13): src/io/atomic.ts writes a
 * temporary file in the target's directory, fsyncs it and renames it over the target, so a crash
 * leaves the old file or the whole new one. This scans the sources (tests excluded) for any other
 * way of putting bytes into a file, or of renaming or copying one, outside that module.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';

const WRITER = 'src/io/atomic.ts';
/** fs calls that write, move or copy file contents (sync, callback and promise forms). */
const WRITE_CALLS = /\b(writeFileSync|writeFile|appendFileSync|appendFile|createWriteStream|renameSync|rename|copyFileSync|copyFile|cpSync|cp|writeSync|write|truncateSync|truncate|ftruncateSync)\s*\(/g;
/** Receivers that are the fs module (fs.x, fsp.x, promises.x) or a file handle (fh.x). */
const FS_RECEIVER = /\b(fs|fsp|promises|fh|handle)\.\s*$/;

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [rel] : [];
  });
}

/** Names a file imports from node:fs or node:fs/promises (`import { writeFileSync } from 'node:fs'`). */
function importedFsNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"](?:node:)?fs(?:\/promises)?['"]/g)) {
    for (const part of m[1].split(',')) {
      const local = part.trim().split(/\s+as\s+/).pop()?.trim();
      if (local) names.add(local);
    }
  }
  return names;
}

describe('atomic writes', () => {
  it(`no source file but ${WRITER} writes, renames or copies a file`, () => {
    const offenders: string[] = [];
    for (const file of sources('src')) {
      if (file === WRITER) continue;
      const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
      const imported = importedFsNames(text);
      text.split('\n').forEach((line, i) => {
        if (/^\s*(\/\/|\*)/.test(line)) return; // comments
        for (const m of line.matchAll(WRITE_CALLS)) {
          const before = line.slice(0, m.index);
          if (FS_RECEIVER.test(before) || (imported.has(m[1]) && !/\.\s*$/.test(before))) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
        }
      });
    }
    expect(offenders).toEqual([]);
  });
});
