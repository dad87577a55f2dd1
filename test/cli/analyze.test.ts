/**
 * `crsky analyze` on maps written by healpy (Debian's /usr/bin/python3): a full-sky NESTED map,
 * whose C_l must equal healpy.anafast's, and a NESTED map with UNSEEN pixels (a masked band).
 * Maps written by crsky itself are analyzed in simulate.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/io/csv.ts';
import { readHealpixFits, UNSEEN } from '../../src/io/fits.ts';
import { cleanupCli, csvHeader, listFiles, makeTempDir, runCli, type CliResult } from '../helpers/cli.ts';
import { requireHealpy, runPython } from '../helpers/python.ts';

const NSIDE = 16;
const LMAX = 3 * NSIDE - 1;

let dir: string;
let full: CliResult;
let masked: CliResult;

beforeAll(async () => {
  requireHealpy();
  dir = makeTempDir('crsky-cli-analyze-');
  runPython(
    `
import numpy as np, healpy as hp
nside = ${NSIDE}
np.random.seed(7)
ell = np.arange(3 * nside)
cl = 1e-4 / (ell + 1.0) ** 2
m = 1.0 + hp.synfast(cl, nside, lmax=3 * nside - 1, new=True)
hp.write_map(${JSON.stringify(path.join(dir, 'full.fits'))}, hp.reorder(m, r2n=True), nest=True, coord='G', dtype=np.float64, overwrite=True)
theta, _ = hp.pix2ang(nside, np.arange(hp.nside2npix(nside)))
band = np.abs(np.pi / 2 - theta) < np.radians(20)
mm = m.copy()
mm[band] = hp.UNSEEN
hp.write_map(${JSON.stringify(path.join(dir, 'masked.fits'))}, hp.reorder(mm, r2n=True), nest=True, coord='G', dtype=np.float64, overwrite=True)
`,
    { timeoutMs: 60_000 },
  );
  [full, masked] = await Promise.all([
    runCli(['analyze', path.join(dir, 'full.fits'), '--out', path.join(dir, 'a-full')]),
    runCli(['analyze', path.join(dir, 'masked.fits'), '--remove-multipoles', '1', '--smooth', '20', '--out', path.join(dir, 'a-masked')]),
  ]);
  expect(full.code, full.stderr).toBe(0);
  expect(masked.code, masked.stderr).toBe(0);
});

afterAll(cleanupCli);

describe('analyze a map written by healpy', () => {
  it('full sky: C_l in cl.csv (l,cl) equals healpy.anafast (iter=3) within 1e-6 for l <= 2 N_side; the dipole equals healpy.fit_dipole', () => {
    const out = path.join(dir, 'a-full');
    expect(full.stdout).toMatch(new RegExp(`N_side ${NSIDE}, NESTED, galactic \\(l, b\\), column `));
    expect(full.stdout).toContain('f_sky = 1.0000');
    expect(listFiles(out)).toEqual(['analysis.json', 'cl.csv', 'cl.png', 'dipole.csv', 'full.png']);
    expect(csvHeader(path.join(out, 'cl.csv'))).toEqual(['l', 'cl']);
    const ours = readCsv(path.join(out, 'cl.csv')).columns;
    expect(Array.from(ours.l)).toEqual(Array.from({ length: LMAX + 1 }, (_, l) => l));
    const dip = readCsv(path.join(out, 'dipole.csv')).columns;
    // analyze takes the C_l of the map minus its fitted monopole; healpy gets the same map
    const ref = JSON.parse(
      runPython(`
import json, numpy as np, healpy as hp
m = hp.read_map(${JSON.stringify(path.join(dir, 'full.fits'))}, dtype=np.float64)
cl = hp.anafast(m - ${String(dip.monopole[0])}, lmax=${LMAX}, iter=3)
mono, d = hp.fit_dipole(m)
print(json.dumps({"cl": cl.tolist(), "mono": float(mono), "dipole": (np.asarray(d) / mono).tolist()}))
`),
    ) as { cl: number[]; mono: number; dipole: number[] };
    for (let l = 1; l <= 2 * NSIDE; l++) {
      expect(Math.abs(ours.cl[l] - ref.cl[l]) / ref.cl[l], `l = ${l}: ${ours.cl[l]} vs healpy ${ref.cl[l]}`).toBeLessThan(1e-6);
    }
    expect(dip.monopole[0]).toBeCloseTo(ref.mono, 10);
    expect(dip.dx[0]).toBeCloseTo(ref.dipole[0], 8);
    expect(dip.dy[0]).toBeCloseTo(ref.dipole[1], 8);
    expect(dip.dz[0]).toBeCloseTo(ref.dipole[2], 8);
  });

  it('UNSEEN pixels are masked: f_sky < 1, pseudo-C_l, and residual.fits/PNG after --remove-multipoles 1 --smooth 20 keep them UNSEEN', () => {
    const out = path.join(dir, 'a-masked');
    const fsky = Number(/f_sky = ([\d.]+)/.exec(masked.stdout)?.[1]);
    expect(fsky).toBeGreaterThan(0.5);
    expect(fsky).toBeLessThan(0.8);
    expect(listFiles(out)).toEqual(['analysis.json', 'cl.csv', 'cl.png', 'dipole.csv', 'masked.png', 'residual.fits', 'residual.png']);
    const cl = readCsv(path.join(out, 'cl.csv'));
    expect(cl.names).toEqual(['l', 'cl']);
    expect(cl.comments.join('\n')).toContain('masked sky: pseudo-C_l / f_sky');
    for (let l = 2; l <= LMAX; l++) expect(cl.columns.cl[l]).toBeGreaterThan(0);
    const input = readHealpixFits(path.join(dir, 'masked.fits'));
    expect(input.ordering).toBe('NESTED');
    const res = readHealpixFits(path.join(out, 'residual.fits'));
    expect(res.nside).toBe(NSIDE);
    expect(res.coordsys).toBe('G');
    expect(res.ordering).toBe('RING');
    const data = res.columns[0].data;
    let unseen = 0;
    for (const v of data) if (v === UNSEEN) unseen++;
    let inputUnseen = 0;
    for (const v of input.columns[0].data) if (v === UNSEEN) inputUnseen++;
    expect(unseen).toBe(inputUnseen);
    const png = fs.readFileSync(path.join(out, 'residual.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
