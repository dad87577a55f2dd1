/**
 * HEALPix FITS files: the format (fitsFormat.ts, bytes in and out, usable in a page) plus
 * reading and atomic writing of files in Node.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic.ts';
import { decodeHealpixFits, encodeHealpixFits, type HealpixFitsMap, type HealpixMapToWrite, type ReadHealpixOptions } from './fitsFormat.ts';

export * from './fitsFormat.ts';

/** Writes a HEALPix FITS map atomically (temp file, fsync, rename). */
export function writeHealpixFits(path: string, map: HealpixMapToWrite): void {
  writeFileAtomic(path, encodeHealpixFits(map));
}

/** Reads a HEALPix FITS map (see fitsFormat.ts for what is accepted). */
export function readHealpixFits(path: string, options: ReadHealpixOptions = {}): HealpixFitsMap {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  return decodeHealpixFits(bytes, { source: path, ...options });
}
