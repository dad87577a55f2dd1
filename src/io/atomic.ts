/**
 * Atomic file writes for every output crsky produces (FITS maps, PNG/SVG figures, CSV tables).
 *
 * The bytes go to a temporary file in the same directory as the target (so the final rename never
 * crosses a file system), are flushed to disk with fsync, and the temporary file is then renamed
 * over the target. A reader therefore sees either the old file or the complete new one, never a
 * half-written map, and a crash leaves the old file in place. On any error the temporary file is
 * removed and the error names the target path.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Bytes or text (written as UTF-8). */
export type FileData = string | Uint8Array;

function toBytes(data: FileData): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/** `.name.<pid>.<random>.tmp` next to `path`: hidden, unique per process and call, ignored by git. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Flushes the directory entry after a rename; not every platform allows fsync on a directory. */
function fsyncDirBestEffort(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort: Windows and some file systems refuse fsync on a directory
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes `data` to `path` atomically (temp file in the same directory, fsync, rename).
 * Throws `Error("cannot write <path>: <reason>")`; the temporary file never survives an error.
 */
export function writeFileAtomic(path: string, data: FileData): void {
  const bytes = toBytes(data);
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file may never have been created
    }
    throw new Error(`cannot write ${path}: ${(e as Error).message}`);
  }
  fsyncDirBestEffort(dirname(path));
}

/** The same as {@link writeFileAtomic}, without blocking the event loop. */
export async function writeFileAtomicAsync(path: string, data: FileData): Promise<void> {
  const bytes = toBytes(data);
  const tmp = tempPathFor(path);
  let created = false;
  try {
    const fh = await open(tmp, 'wx', 0o644);
    created = true;
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    if (created) await unlink(tmp).catch(() => undefined);
    throw new Error(`cannot write ${path}: ${(e as Error).message}`);
  }
  fsyncDirBestEffort(dirname(path));
}

/**
 * Creates `path` with `data` only if it does not exist (O_EXCL), flushed to disk: for lock files,
 * where "already there" is the answer, not an error to retry. Throws the fs error (code EEXIST
 * when taken) and never leaves a partial file behind.
 */
export function createFileExclusive(path: string, data: FileData): void {
  const bytes = toBytes(data);
  const fd = openSync(path, 'wx', 0o644);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(path);
    throw e;
  }
  closeSync(fd);
  fsyncDirBestEffort(dirname(path));
}

/**
 * Puts a directory that was built aside (a temporary sibling) in place of `target`, which must
 * not exist or be an empty directory: readers see no directory or the whole one, never a half.
 * With `replaced` the old `target` is first moved there (same parent), for the caller to remove.
 */
export function publishDirectory(built: string, target: string, replaced?: string): void {
  if (replaced !== undefined) renameSync(target, replaced);
  renameSync(built, target);
  fsyncDirBestEffort(dirname(target));
}
