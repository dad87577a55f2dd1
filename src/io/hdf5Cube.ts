/**
 * Reads the component arrays of an HDF5 field cube (config field.turbulence.cube, format 'hdf5')
 * as NpyArray-shaped arrays for turbulence/cube.ts cubeFromNpy: HDF5 dims are C order, like a
 * C-order .npy, so indexOrder means the same for both.
 *
 * h5wasm is the HDF5 C library compiled to WebAssembly (chunked and deflate-compressed datasets
 * included, no native build). It is ~4 MB of JavaScript with the wasm inlined, so it is imported
 * here, and only when an HDF5 cube is read: `crsky --help` and the other commands never load it.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { ConfigError } from '../config/errors.ts';
import type { CubeConfig } from '../config/schema.ts';
import type { NpyArray } from '../turbulence/npy.ts';

type H5 = typeof import('h5wasm/node');
type H5File = InstanceType<H5['File']>;
type H5Dataset = InstanceType<H5['Dataset']>;

const FIELD = 'config: field.turbulence.cube';

/** Component names MHD codes and converters use at the root, tried in this order. */
const DEFAULT_NAMES: readonly (readonly [string, string, string])[] = [
  ['Bx', 'By', 'Bz'],
  ['bx', 'by', 'bz'],
  ['magx', 'magy', 'magz'], // FLASH
  ['Bcc1', 'Bcc2', 'Bcc3'], // Athena++'s names for cell-centred B (athena_read's keys)
];

/** Slabs of at most this many bytes: the whole of a 512³ float64 component would take half of wasm's 2 GB heap. */
const SLAB_BYTES = 64 << 20;

let loaded: Promise<H5> | undefined;

async function h5wasm(): Promise<H5> {
  loaded ??= import('h5wasm/node').then(async (m) => {
    await m.ready;
    return m;
  });
  return loaded;
}

/**
 * HDF5's signature sits at byte 0, 512, 1024, ... (after a user block). Checked before opening
 * because h5wasm returns a dead handle for a file HDF5 cannot open and HDF5 prints its error
 * stack on stderr, where the CLI's one-line error belongs.
 */
function checkSignature(path: string): void {
  const SIG = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // \x89HDF\r\n\x1a\n
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new ConfigError(`${FIELD}.files: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const buf = new Uint8Array(8);
    for (let at = 0; at <= 1 << 30; at = at === 0 ? 512 : at * 2) {
      if (readSync(fd, buf, 0, 8, at) < 8) break;
      if (SIG.every((b, i) => buf[i] === b)) return;
    }
  } finally {
    closeSync(fd);
  }
  throw new ConfigError(`${FIELD}.files: ${path} is not an HDF5 file (no HDF5 signature); set cube.format if the extension is wrong`);
}

const slash = (p: string) => (p.startsWith('/') ? p : `/${p}`);

/** Every dataset in the file: path (with the leading '/') → its description for messages. */
function listDatasets(h5: H5, file: H5File): Map<string, string> {
  const found = new Map<string, string>();
  for (const p of file.paths()) {
    const e = file.get(p);
    if (e instanceof h5.Dataset) found.set(slash(p), `${slash(p)} (${(e.shape ?? []).join('×') || 'scalar'} ${String(e.dtype)})`);
  }
  return found;
}

function describeAll(found: Map<string, string>): string {
  if (found.size === 0) return 'it holds no datasets';
  const all = [...found.values()];
  return `it holds ${all.slice(0, 20).join(', ')}${all.length > 20 ? `, ... (${all.length} in all)` : ''}`;
}

/** The dataset paths to read from each file (one path per component, or one 4D path). */
function choosePaths(cfg: CubeConfig, files: readonly string[], found: readonly Map<string, string>[]): string[][] {
  const given = cfg.datasets;
  if (files.length === 1) {
    if (given !== undefined) return [typeof given === 'string' ? [slash(given)] : given.map(slash)];
    const triple = DEFAULT_NAMES.find((t) => t.every((n) => found[0].has(`/${n}`)));
    if (triple) return [triple.map((n) => `/${n}`)];
    if (found[0].size === 1) return [[...found[0].keys()]];
    throw new ConfigError(
      `${FIELD}.datasets: not set, and ${files[0]} has none of the default names (${DEFAULT_NAMES.map((t) => t.join('/')).join(', ')}) nor a single dataset; ${describeAll(found[0])}. Set cube.datasets to ["/Bx", "/By", "/Bz"] (three 3D datasets) or to the path of one (3,n,n,n) or (n,n,n,3) dataset`,
    );
  }
  return files.map((f, c) => {
    if (given !== undefined) return [slash(typeof given === 'string' ? given : given[c])];
    if (found[c].size === 1) return [...found[c].keys()];
    const name = DEFAULT_NAMES.map((t) => `/${t[c]}`).find((n) => found[c].has(n));
    if (name) return [name];
    throw new ConfigError(
      `${FIELD}.datasets: not set, and ${f} (component ${'xyz'[c]}) has neither a single dataset nor one of ${DEFAULT_NAMES.map((t) => t[c]).join(', ')}; ${describeAll(found[c])}. Set cube.datasets to the path in each file, or one path per file`,
    );
  });
}

/**
 * A float32 or float64 dataset's values in C order, read in slabs along its first dim. Big-endian
 * data arrives in native order (HDF5 converts on read; the h5py test checks it).
 */
function readFloats(ds: H5Dataset, file: string, path: string, component: boolean, slabBytes: number): NpyArray {
  const shape = ds.shape ?? [];
  const dtype = String(ds.dtype);
  const m = /^([<>])([fd])$/.exec(dtype);
  if (!m) throw new ConfigError(`${FIELD}.datasets: ${path} in ${file} has dtype ${dtype}; crsky reads float32 ('<f', '>f') or float64 ('<d', '>d') datasets`);
  if (component && shape.length !== 3) {
    throw new ConfigError(
      `${FIELD}.datasets: ${path} in ${file} has shape (${shape.join(', ')}); a component must be 3D (n, n, n)${shape.length === 4 ? ' (a (nblocks, nz, ny, nx) dataset is block-structured output, FLASH or Athena++ meshblocks, which crsky does not assemble: write a uniform grid first, e.g. with yt covering_grid or athena_read)' : ''}`,
    );
  }
  if (!component && shape.length !== 4) throw new ConfigError(`${FIELD}.datasets: ${path} in ${file} has shape (${shape.join(', ')}); one dataset must hold all three components, (3, n, n, n) or (n, n, n, 3)`);
  const size = m[2] === 'f' ? 4 : 8;
  const total = shape.reduce((a, b) => a * b, 1);
  const data = size === 4 ? new Float32Array(total) : new Float64Array(total);
  const plane = total / shape[0];
  const rows = Math.max(1, Math.floor(slabBytes / (plane * size)));
  for (let r = 0; r < shape[0]; r += rows) {
    const end = Math.min(shape[0], r + rows);
    const slab = ds.slice([[r, end]]);
    if (!(slab instanceof Float32Array || slab instanceof Float64Array) || slab.length !== (end - r) * plane) {
      throw new ConfigError(`${FIELD}.datasets: ${path} in ${file}: h5wasm returned no float array for rows ${r}..${end}`);
    }
    data.set(slab, r * plane);
  }
  return { shape, descr: `<${m[2] === 'f' ? 'f4' : 'f8'}`, fortranOrder: false, data };
}

/**
 * The arrays of an HDF5 cube for cubeFromNpy: three 3D components (from one file or three) or
 * one 4D array. `files` are resolved paths; `slabBytes` bounds each read (tests make it small).
 */
export async function readHdf5Arrays(cfg: CubeConfig, files: readonly string[], slabBytes = SLAB_BYTES): Promise<NpyArray[]> {
  for (const f of files) checkSignature(f);
  const h5 = await h5wasm();
  const opened: H5File[] = [];
  try {
    for (const f of files) {
      const file = new h5.File(f, 'r');
      if (file.file_id < 0n) throw new ConfigError(`${FIELD}.files: HDF5 could not open ${f}`);
      opened.push(file);
    }
    const found = opened.map((file) => listDatasets(h5, file));
    const chosen = choosePaths(cfg, files, found);
    return chosen.flatMap((paths, i) =>
      paths.map((p) => {
        const ds = opened[i].get(p);
        if (!(ds instanceof h5.Dataset)) {
          throw new ConfigError(`${FIELD}.datasets = ${JSON.stringify(cfg.datasets)}: ${files[i]} has no dataset ${p}; ${describeAll(found[i])}`);
        }
        return readFloats(ds, files[i], p, chosen.length === 3 || paths.length === 3, slabBytes);
      }),
    );
  } finally {
    for (const file of opened) file.close();
  }
}
