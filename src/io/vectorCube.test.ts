import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPython } from '../../test/helpers/python.ts';
import { CubeSchema } from '../config/schema.ts';
import { cubeToField } from '../turbulence/cube.ts';
import type { GridTurbulence } from '../turbulence/field.ts';
import { generateGrid } from '../turbulence/grid.ts';
import { readVectorCube } from './vectorCube.ts';

const N = 16;
const GRID = generateGrid({ kind: 'kolmogorov', lMinPc: 8, lMaxPc: 64 }, 2, { n: N, spacingPc: 4 }, 'vector-cube');
const dir = mkdtempSync(join(tmpdir(), 'crsky-cube-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// crsky's node order (x fastest, components interleaved) as raw float32 for Python to reshape:
// a numpy array of shape (n, n, n, 3) read in C order is indexed [z, y, x, c]
writeFileSync(join(dir, 'grid.f4'), new Uint8Array(GRID.data.buffer));
runPython(
  `import numpy as np
from astropy.io import fits
g = np.fromfile('${dir}/grid.f4', dtype='<f4').reshape(${N}, ${N}, ${N}, 3)   # [z, y, x, c]
xyz = np.transpose(g, (2, 1, 0, 3))                                             # [x, y, z, c]
for c, name in enumerate('xyz'):
    np.save('${dir}/B%s.npy' % name, np.ascontiguousarray(xyz[..., c]))
np.save('${dir}/last.npy', np.ascontiguousarray(xyz))
# FITS: astropy writes a[d0, ..., d3] with NAXIS1 = d3, so [c, z, y, x] is NAXIS1 = x
fits.PrimaryHDU(np.ascontiguousarray(np.transpose(g, (3, 0, 1, 2)))).writeto('${dir}/cube4d.fits')
hdus = [fits.PrimaryHDU()] + [fits.ImageHDU(np.ascontiguousarray(g[..., c]), name='B' + 'XYZ'[c]) for c in range(3)]
fits.HDUList(hdus).writeto('${dir}/three.fits')
for c, name in enumerate('xyz'):
    fits.PrimaryHDU(np.ascontiguousarray(xyz[..., c])).writeto('${dir}/B%s_xyz.fits' % name)
`,
);

async function readGrid(cfg: Record<string, unknown>): Promise<GridTurbulence> {
  const parsed = CubeSchema.parse({ boxPc: 64, meanField: 'keep', ...cfg });
  return cubeToField(await readVectorCube(parsed, dir), { boxPc: parsed.boxPc, meanField: 'keep' }).field.turbulence as GridTurbulence;
}

describe('reading field cubes written by numpy and astropy', () => {
  it.each([
    ['three .npy files [x, y, z]', { files: ['Bx.npy', 'By.npy', 'Bz.npy'] }],
    ['one .npy of shape (n, n, n, 3)', { files: 'last.npy' }],
    ['FITS, one 4D image with NAXIS4 = 3', { files: 'cube4d.fits' }],
    ['FITS, three image HDUs after an empty primary', { files: 'three.fits' }],
    ['three FITS files written from numpy [x, y, z] arrays (NAXIS1 = z: indexOrder zyx)', { files: ['Bx_xyz.fits', 'By_xyz.fits', 'Bz_xyz.fits'], indexOrder: 'zyx' }],
  ])('%s: the nodes are the original grid, bit for bit', async (_name, cfg) => {
    const t = await readGrid(cfg);
    expect(t.n).toBe(N);
    expect(t.spacingPc).toBe(4);
    expect(Buffer.from(t.data.buffer).equals(Buffer.from(GRID.data.buffer))).toBe(true);
  });

  it('a wrong index order is not silently the same field', async () => {
    const t = await readGrid({ files: 'cube4d.fits', indexOrder: 'zyx' });
    expect(Buffer.from(t.data.buffer).equals(Buffer.from(GRID.data.buffer))).toBe(false);
  });

  it('names the file and the fix when the format cannot be told or the file is missing', async () => {
    await expect(readGrid({ files: 'cube.h4' })).rejects.toThrow(/cannot tell the format .* set cube.format to 'npy', 'fits' or 'hdf5'/);
    await expect(readGrid({ files: 'missing.npy' })).rejects.toThrow(/cannot read .*missing.npy/);
    await expect(readGrid({ files: 'last.npy', datasets: '/B' })).rejects.toThrow(/cube.datasets = "\/B": only for HDF5 files; last.npy read as npy/);
  });
});
