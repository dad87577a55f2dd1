/**
 * HEALPix FITS files: the format (fitsFormat.ts, bytes in and out, usable in a page) plus
 * reading and atomic writing of files in Node.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { writeFileAtomic } from './atomic.ts';
import { decodeHealpixFits, encodeHealpixFits, type HealpixFitsMap, type HealpixMapToWrite, type ReadHealpixOptions } from './fitsFormat.ts';

export * from './fitsFormat.ts';

/** Writes a HEALPix FITS map atomically (temp file, fsync, rename). */
export function writeHealpixFits(path: string, map: HealpixMapToWrite): void {
  writeFileAtomic(path, encodeHealpixFits(map));
}

/** Reads a HEALPix FITS map (see fitsFormat.ts for what is accepted), gzip-compressed (.fits.gz) or not. */
export function readHealpixFits(path: string, options: ReadHealpixOptions = {}): HealpixFitsMap {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`${path}: gzip-compressed but cannot be decompressed (${(e as Error).message})`);
    }
  }
  return decodeHealpixFits(bytes, { source: path, ...options });
}
