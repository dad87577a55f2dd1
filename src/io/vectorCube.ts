/**
 * Reads a field cube's files (.npy, FITS or HDF5, config field.turbulence.cube) into a VectorCube
 * (turbulence/cube.ts); the bytes are parsed by turbulence/npy.ts, io/fitsImage.ts and, for
 * HDF5, the HDF5 library itself (io/hdf5Cube.ts, loaded only then).
 */
import { readFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../config/errors.ts';
import type { CubeConfig } from '../config/schema.ts';
import { cubeFromFitsImages, cubeFromNpy, type VectorCube } from '../turbulence/cube.ts';
import { parseNpy } from '../turbulence/npy.ts';
import { decodeFitsImages } from './fitsImageFormat.ts';
import { readHdf5Arrays } from './hdf5Cube.ts';

type Format = Exclude<CubeConfig['format'], 'auto'>;

function formatOf(path: string, format: CubeConfig['format']): Format {
  const ext = extname(path).toLowerCase();
  // Checked before an explicit format too: an .athdf read as one HDF5 array would be wrong, not refused.
  if (ext === '.athdf') {
    throw new ConfigError(
      `config: field.turbulence.cube.files: ${path} is Athena++ .athdf output, which stores the mesh as meshblocks (B of shape (3, nblocks, nz, ny, nx)); crsky reads one uniform array: assemble it with athena_read.athdf and save Bcc1/Bcc2/Bcc3 with h5py or numpy.save (indexOrder 'zyx')`,
    );
  }
  if (format !== 'auto') return format;
  if (ext === '.npy') return 'npy';
  if (ext === '.fits' || ext === '.fit' || ext === '.fts') return 'fits';
  if (ext === '.h5' || ext === '.hdf5') return 'hdf5';
  throw new ConfigError(`config: field.turbulence.cube.files: cannot tell the format of ${path} from its extension; set cube.format to 'npy', 'fits' or 'hdf5'`);
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ConfigError(`config: field.turbulence.cube.files: cannot read ${path}: ${(e as Error).message}`);
  }
}

/** The cube named by a cube config, paths relative to baseDir (default the working directory). */
export async function readVectorCube(cfg: CubeConfig, baseDir = '.'): Promise<VectorCube> {
  const names = typeof cfg.files === 'string' ? [cfg.files] : [...cfg.files];
  const paths = names.map((f) => (isAbsolute(f) ? f : resolve(baseDir, f)));
  const formats = new Set(paths.map((p) => formatOf(p, cfg.format)));
  if (formats.size > 1) throw new ConfigError(`config: field.turbulence.cube.files: mixes formats (${[...formats].join(', ')}); give all components in one format`);
  const [format] = formats;
  if (cfg.datasets !== undefined && format !== 'hdf5') {
    throw new ConfigError(`config: field.turbulence.cube.datasets = ${JSON.stringify(cfg.datasets)}: only for HDF5 files; ${names.join(', ')} read as ${format}`);
  }
  const source = names.join(', ');
  if (format === 'hdf5') return cubeFromNpy(await readHdf5Arrays(cfg, paths), cfg.indexOrder, source);
  if (format === 'npy') return cubeFromNpy(paths.map((p) => parseNpy(readBytes(p), p)), cfg.indexOrder, source);
  const images = paths.flatMap((p) => {
    const found = decodeFitsImages(readBytes(p), p);
    if (paths.length === 3 && found.length !== 1) throw new ConfigError(`${p}: expected one image HDU per component file, found ${found.length}`);
    return found;
  });
  return cubeFromFitsImages(images, cfg.indexOrder, source);
}
