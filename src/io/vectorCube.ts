/**
 * Reads a field cube's files (.npy or FITS, config field.turbulence.cube) into a VectorCube
 * (turbulence/cube.ts); the bytes are parsed by turbulence/npy.ts and io/fitsImage.ts.
 *
 * HDF5, the other format MHD codes write (Athena++, FLASH, PLUTO), needs the HDF5 C library:
 * there is no maintained pure-JavaScript reader that handles chunked and compressed datasets
 * except jsfive (read-only) and h5wasm (the C library compiled to WebAssembly); adding one is the
 * lead's call. Until then: h5py → numpy.save gives a .npy in two lines.
 */
import { readFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../config/errors.ts';
import type { CubeConfig } from '../config/schema.ts';
import { cubeFromFitsImages, cubeFromNpy, type VectorCube } from '../turbulence/cube.ts';
import { parseNpy } from '../turbulence/npy.ts';
import { decodeFitsImages } from './fitsImageFormat.ts';

function formatOf(path: string, format: CubeConfig['format']): 'npy' | 'fits' {
  if (format !== 'auto') return format;
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') return 'npy';
  if (ext === '.fits' || ext === '.fit' || ext === '.fts') return 'fits';
  throw new ConfigError(`config: field.turbulence.cube.files: cannot tell the format of ${path} from its extension; set cube.format to 'npy' or 'fits' (HDF5: convert with h5py and numpy.save)`);
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ConfigError(`config: field.turbulence.cube.files: cannot read ${path}: ${(e as Error).message}`);
  }
}

/** The cube named by a cube config, paths relative to baseDir (default the working directory). */
export function readVectorCube(cfg: CubeConfig, baseDir = '.'): VectorCube {
  const names = typeof cfg.files === 'string' ? [cfg.files] : [...cfg.files];
  const paths = names.map((f) => (isAbsolute(f) ? f : resolve(baseDir, f)));
  const formats = new Set(paths.map((p) => formatOf(p, cfg.format)));
  if (formats.size > 1) throw new ConfigError('config: field.turbulence.cube.files: mixes .npy and FITS files');
  const source = names.join(', ');
  if (formats.has('npy')) return cubeFromNpy(paths.map((p) => parseNpy(readBytes(p), p)), cfg.indexOrder, source);
  const images = paths.flatMap((p) => {
    const found = decodeFitsImages(readBytes(p), p);
    if (paths.length === 3 && found.length !== 1) throw new ConfigError(`${p}: expected one image HDU per component file, found ${found.length}`);
    return found;
  });
  return cubeFromFitsImages(images, cfg.indexOrder, source);
}
