/**
 * HDF5 field cubes (io/hdf5Cube.ts through readVectorCube): crsky's own FFT grid written with
 * h5wasm in the layouts MHD codes and converters use must read back as the same grid, bit for
 * bit; bad files and names must be refused with a message that says what the file holds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridComponentXyz } from '../../test/helpers/fields.ts';
import { runPython } from '../../test/helpers/python.ts';
import { CubeSchema } from '../config/schema.ts';
import { cubeToField } from '../turbulence/cube.ts';
import type { GridTurbulence } from '../turbulence/field.ts';
import { generateGrid } from '../turbulence/grid.ts';
import { readHdf5Arrays } from './hdf5Cube.ts';
import { readVectorCube } from './vectorCube.ts';

const N = 16;
const GRID = generateGrid({ kind: 'kolmogorov', lMinPc: 8, lMaxPc: 64 }, 2, { n: N, spacingPc: 4 }, 'hdf5-cube');
const dir = mkdtempSync(join(tmpdir(), 'crsky-h5-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Writes = Record<string, { data: Float32Array | Float64Array | Int32Array; shape: number[]; chunks?: number[]; compression?: number }>;

function writeH5(name: string, datasets: Writes): void {
  const f = new h5wasm.File(join(dir, name), 'w');
  try {
    for (const [path, d] of Object.entries(datasets)) {
      const parts = path.split('/').filter(Boolean);
      for (let g = 1; g < parts.length; g++) {
        const group = parts.slice(0, g).join('/');
        if (f.get(group) === null) f.create_group(group);
      }
      f.create_dataset({ name: path, data: d.data, shape: d.shape, chunks: d.chunks, compression: d.compression });
    }
  } finally {
    f.close();
  }
}

beforeAll(async () => {
  await h5wasm.ready;
  const [bx, by, bz] = [0, 1, 2].map((c) => gridComponentXyz(GRID, c));
  const cube = [N, N, N];
  writeH5('three.h5', { Bx: { data: bx, shape: cube }, By: { data: by, shape: cube }, Bz: { data: bz, shape: cube } });
  for (const [c, b] of [bx, by, bz].entries()) writeH5(`B${'xyz'[c]}.h5`, { [`/data/b${'xyz'[c]}`]: { data: b, shape: cube } });
  // (n, n, n, 3) indexed [z, y, x, c] is crsky's own node order: the grid's buffer as it is
  writeH5('zyxc.hdf5', { '/fields/B': { data: GRID.data, shape: [N, N, N, 3] }, '/fields/rho': { data: new Float32Array(N ** 3), shape: cube } });
  const first = new Float32Array(3 * N ** 3);
  [bx, by, bz].forEach((b, c) => first.set(b, c * N ** 3));
  writeH5('cxyz.h5', { B: { data: first, shape: [3, N, N, N] } });
  writeH5('f64.h5', { Bx: { data: Float64Array.from(bx), shape: cube }, By: { data: Float64Array.from(by), shape: cube }, Bz: { data: Float64Array.from(bz), shape: cube } });
  // chunked and deflate-compressed, as MHD codes often write
  const gz = { chunks: [4, 8, N], compression: 6 };
  writeH5('flash.h5', { magx: { data: bx, shape: cube, ...gz }, magy: { data: by, shape: cube, ...gz }, magz: { data: bz, shape: cube, ...gz }, dens: { data: bx, shape: cube } });
  writeH5('other.h5', { density: { data: bx, shape: cube }, '/grid/vx': { data: bx, shape: cube } });
  writeH5('flat.h5', { Bx: { data: bx.subarray(0, N * N * (N / 2)), shape: [N, N, N / 2] }, By: { data: by.subarray(0, N * N * (N / 2)), shape: [N, N, N / 2] }, Bz: { data: bz.subarray(0, N * N * (N / 2)), shape: [N, N, N / 2] } });
  const n12 = [12, 12, 12];
  writeH5('n12.h5', { Bx: { data: new Float32Array(12 ** 3), shape: n12 }, By: { data: new Float32Array(12 ** 3), shape: n12 }, Bz: { data: new Float32Array(12 ** 3), shape: n12 } });
  writeH5('int.h5', { Bx: { data: new Int32Array(N ** 3), shape: cube }, By: { data: by, shape: cube }, Bz: { data: bz, shape: cube } });
  writeH5('blocks.h5', { magx: { data: bx, shape: [8, 8, 8, 8] }, magy: { data: by, shape: [8, 8, 8, 8] }, magz: { data: bz, shape: [8, 8, 8, 8] } });
  writeFileSync(join(dir, 'text.h5'), 'not HDF5 at all\n'.repeat(100));
  writeFileSync(join(dir, 'out.athdf'), 'a stand-in: .athdf is refused by its extension\n');
});

async function readGrid(cfg: Record<string, unknown>): Promise<GridTurbulence> {
  const parsed = CubeSchema.parse({ boxPc: 64, meanField: 'keep', ...cfg });
  return cubeToField(await readVectorCube(parsed, dir), { boxPc: parsed.boxPc, meanField: 'keep' }).field.turbulence as GridTurbulence;
}

const sameGrid = (t: GridTurbulence) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).equals(Buffer.from(GRID.data.buffer));

describe('reading HDF5 field cubes', () => {
  it.each([
    ['one file, datasets Bx/By/Bz found by their default names', { files: 'three.h5' }],
    ['three files, the only dataset of each', { files: ['Bx.h5', 'By.h5', 'Bz.h5'] }],
    ['three files, one path per file', { files: ['Bx.h5', 'By.h5', 'Bz.h5'], datasets: ['/data/bx', 'data/by', '/data/bz'] }],
    ['one (n, n, n, 3) dataset in a group, indexed [z, y, x, c] (indexOrder zyx)', { files: 'zyxc.hdf5', datasets: '/fields/B', indexOrder: 'zyx' }],
    ['one (3, n, n, n) dataset, the file\'s only one', { files: 'cxyz.h5' }],
    ['float64 datasets (the float32 values widened)', { files: 'f64.h5' }],
    ['FLASH names magx/magy/magz, chunked and deflate-compressed', { files: 'flash.h5' }],
    ['explicit datasets and format for another extension', { files: 'flash.h5', datasets: ['magx', 'magy', 'magz'], format: 'hdf5' }],
  ])('%s: the nodes are the original grid, bit for bit', async (_name, cfg) => {
    const t = await readGrid(cfg);
    expect(t.n).toBe(N);
    expect(t.spacingPc).toBe(4);
    expect(sameGrid(t)).toBe(true);
  });

  it('read in slabs of a few rows (as large cubes are), the arrays are the same', async () => {
    for (const files of [['three.h5'], ['zyxc.hdf5']]) {
      const cfg = CubeSchema.parse({ files: files[0], boxPc: 64, datasets: files[0] === 'three.h5' ? undefined : '/fields/B' });
      const paths = files.map((f) => join(dir, f));
      // rows of 16×16 (×3) floats: 3 rows a slab leaves a last slab of 1 row
      const [whole, slabs] = await Promise.all([readHdf5Arrays(cfg, paths), readHdf5Arrays(cfg, paths, 3 * 4 * N * N * (files[0] === 'three.h5' ? 1 : 3))]);
      expect(slabs.map((a) => a.shape)).toEqual(whole.map((a) => a.shape));
      slabs.forEach((a, i) => expect(Buffer.from(a.data.buffer).equals(Buffer.from(whole[i].data.buffer))).toBe(true));
    }
  });

  it('a wrong index order is not silently the same field', async () => {
    expect(sameGrid(await readGrid({ files: 'three.h5', indexOrder: 'zyx' }))).toBe(false);
  });

  it('a missing dataset is refused with the datasets the file holds', async () => {
    await expect(readGrid({ files: 'three.h5', datasets: ['/Bx', '/By', '/Bq'] })).rejects.toThrow(
      `config: field.turbulence.cube.datasets = ["/Bx","/By","/Bq"]: ${join(dir, 'three.h5')} has no dataset /Bq; it holds /Bx (16×16×16 <f), /By (16×16×16 <f), /Bz (16×16×16 <f)`,
    );
    await expect(readGrid({ files: 'other.h5' })).rejects.toThrow(
      /cube.datasets: not set, and .*other.h5 has none of the default names \(Bx\/By\/Bz, bx\/by\/bz, magx\/magy\/magz, Bcc1\/Bcc2\/Bcc3\) nor a single dataset; it holds \/density \(16×16×16 <f\), \/grid\/vx \(16×16×16 <f\)\. Set cube.datasets/,
    );
    await expect(readGrid({ files: 'zyxc.hdf5', datasets: '/fields' })).rejects.toThrow(/has no dataset \/fields; it holds \/fields\/B \(16×16×16×3 <f\), \/fields\/rho/);
  });

  it('a non-cubic or non-power-of-two grid, an integer dataset and block-structured output are refused', async () => {
    await expect(readGrid({ files: 'flat.h5' })).rejects.toThrow('flat.h5: the cube is 16 × 16 × 8; crsky needs a cubic grid (n × n × n)');
    await expect(readGrid({ files: 'n12.h5' })).rejects.toThrow(/n12.h5: n = 12 nodes per side; crsky's grid trackers need a power of two/);
    await expect(readGrid({ files: 'int.h5' })).rejects.toThrow(/\/Bx in .*int.h5 has dtype <i; crsky reads float32 .* or float64/);
    await expect(readGrid({ files: 'blocks.h5' })).rejects.toThrow(/\/magx in .*blocks.h5 has shape \(8, 8, 8, 8\); a component must be 3D \(n, n, n\) \(a \(nblocks, nz, ny, nx\) dataset is block-structured output/);
    await expect(readGrid({ files: 'three.h5', datasets: '/Bx' })).rejects.toThrow(/\/Bx in .*three.h5 has shape \(16, 16, 16\); one dataset must hold all three components/);
  });

  it('a file that is not HDF5, a missing file and Athena++ .athdf are refused by name', async () => {
    await expect(readGrid({ files: 'text.h5' })).rejects.toThrow(/text.h5 is not an HDF5 file \(no HDF5 signature\)/);
    await expect(readGrid({ files: 'missing.h5' })).rejects.toThrow(/cannot read .*missing.h5/);
    await expect(readGrid({ files: 'out.athdf', format: 'hdf5' })).rejects.toThrow(/out.athdf is Athena\+\+ .athdf output, which stores the mesh as meshblocks .* athena_read.athdf/);
    await expect(readGrid({ files: ['Bx.h5', 'By.h5', 'Bz.npy'] })).rejects.toThrow(/mixes formats \(hdf5, npy\)/);
  });
});

// An independent writer: h5py over Debian's libhdf5 (python3-h5py, .ci/install-system), with
// what h5wasm cannot write: big-endian data, and the shuffle filter before deflate.
describe('reading HDF5 cubes written by h5py', () => {
  beforeAll(() => {
    writeFileSync(join(dir, 'grid.f4'), new Uint8Array(GRID.data.buffer));
    try {
      runPython('import h5py\n', { timeoutMs: 30_000 });
    } catch (e) {
      throw new Error(`h5py is not importable by /usr/bin/python3; install Debian's python3-h5py (.ci/install-system does). ${(e as Error).message}`);
    }
    runPython(
      `import numpy as np, h5py
g = np.fromfile('${dir}/grid.f4', dtype='<f4').reshape(${N}, ${N}, ${N}, 3)   # [z, y, x, c]
xyz = np.transpose(g, (2, 1, 0, 3))                                             # [x, y, z, c]
with h5py.File('${dir}/h5py_be.h5', 'w') as f:
    for c, name in enumerate(('Bx', 'By', 'Bz')):
        f.create_dataset(name, data=xyz[..., c].astype('>f4'), chunks=(4, ${N}, ${N}), compression='gzip', shuffle=True)
    f.create_dataset('density', data=np.ones((${N}, ${N}, ${N})))
with h5py.File('${dir}/h5py_zyx.h5', 'w', userblock_size=512) as f:
    f.create_group('fields').create_dataset('B', data=g.astype('<f8'))
`,
    );
  });

  it.each([
    ['big-endian float32 Bx/By/Bz, chunked, shuffled and deflated', { files: 'h5py_be.h5' }],
    ['one float64 (n, n, n, 3) dataset [z, y, x, c] after a 512-byte user block (indexOrder zyx)', { files: 'h5py_zyx.h5', datasets: 'fields/B', indexOrder: 'zyx' }],
  ])('%s: the nodes are the original grid, bit for bit', async (_name, cfg) => {
    expect(sameGrid(await readGrid(cfg))).toBe(true);
  });
});
