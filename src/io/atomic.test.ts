import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicAsync } from './atomic.ts';

describe('atomic writes', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'crsky-atomic-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const leftovers = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

  it('writes text and bytes, replaces an existing file, leaves no temporary file', async () => {
    const p = join(dir, 'a.txt');
    writeFileSync(p, 'old contents');
    writeFileAtomic(p, 'new ✓');
    expect(readFileSync(p, 'utf8')).toBe('new ✓');
    writeFileAtomic(p, new Uint8Array([1, 2, 3]));
    expect(Array.from(readFileSync(p))).toEqual([1, 2, 3]);
    await writeFileAtomicAsync(p, 'async');
    expect(readFileSync(p, 'utf8')).toBe('async');
    expect(leftovers()).toEqual([]);
  });

  it('on failure the error names the target and the temporary file is removed', async () => {
    // a directory in the way: the temp file is written, the rename over a non-empty directory fails
    const target = join(dir, 'occupied');
    mkdirSync(target);
    writeFileSync(join(target, 'x'), 'x');
    expect(() => writeFileAtomic(target, 'data')).toThrow(new RegExp(`cannot write ${target}`));
    await expect(writeFileAtomicAsync(target, 'data')).rejects.toThrow(/cannot write/);
    expect(leftovers()).toEqual([]);
    // a missing directory: nothing can be created
    expect(() => writeFileAtomic(join(dir, 'missing', 'f.txt'), 'data')).toThrow(/cannot write .*missing/);
  });
});
