/**
 * The field sources of issue 15 through the CLI: a run whose turbulence is an external cube
 * (.npy or HDF5 files next to the config) on the cpu backend, and a run on nested grids end to end
 * on the cpu and the webgpu backend. The cube is crsky's own FFT grid written out, so the run must
 * equal the grid run bit for bit.
 */
import fs from 'node:fs';
import path from 'node:path';
import h5wasm from 'h5wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { FieldSchema } from '../../src/config/schema.ts';
import { fieldSeed } from '../../src/config/seeds.ts';
import { createField } from '../../src/turbulence/create.ts';
import { encodeNpy } from '../../src/turbulence/npy.ts';
import { readCsv } from '../../src/io/csv.ts';
import { cleanupCli, makeTempDir, runCli } from '../helpers/cli.ts';
import { gridComponentXyz } from '../helpers/fields.ts';

afterAll(cleanupCli);

const BASE = {
  seed: 3,
  realizations: 1,
  field: { b0UG: 1, b0Direction: [0, 0, 1], turbulence: { brmsUG: 1, method: 'grid', gridN: 16, spectrum: { kind: 'kolmogorov', lMinPc: 4, lMaxPc: 32 } } },
  particles: { rigidityPV: 1, nside: 4 },
  tracking: { timesPc: [20], backend: 'cpu' },
};

describe('field sources in a run', () => {
  it("a cube of the run's own FFT grid (three .npy files) gives the grid run's C_l bit for bit", async () => {
    const dir = makeTempDir('crsky-cube-');
    const grid = createField(FieldSchema.parse(BASE.field), fieldSeed(BASE.seed, 0));
    if (grid.turbulence?.kind !== 'grid') throw new Error('expected a grid');
    const { n, spacingPc } = grid.turbulence;
    for (const [c, name] of ['Bx', 'By', 'Bz'].entries()) {
      // .npy index order [i, j, k] = (x, y, z), numpy C order: k fastest
      const comp = gridComponentXyz(grid.turbulence, c);
      fs.writeFileSync(path.join(dir, `${name}.npy`), encodeNpy(comp, [n, n, n]));
    }
    const cubeConfig = { ...BASE, field: { ...BASE.field, turbulence: { ...BASE.field.turbulence, method: 'modes', cube: { files: ['Bx.npy', 'By.npy', 'Bz.npy'], boxPc: n * spacingPc, meanField: 'keep' } } } };
    fs.writeFileSync(path.join(dir, 'cube.json'), JSON.stringify(cubeConfig));
    fs.writeFileSync(path.join(dir, 'grid.json'), JSON.stringify(BASE));
    const [a, b] = await Promise.all([
      runCli(['simulate', '--config', path.join(dir, 'cube.json'), '--out', path.join(dir, 'cube'), '--quiet'], { timeoutMs: 120_000 }),
      runCli(['simulate', '--config', path.join(dir, 'grid.json'), '--out', path.join(dir, 'grid'), '--quiet'], { timeoutMs: 120_000 }),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const cl = (run: string) => Array.from(readCsv(path.join(dir, run, 'cl.csv')).columns.mean);
    expect(cl('cube')).toEqual(cl('grid'));
  });

  it("the same grid as one HDF5 file with datasets /Bx /By /Bz gives the .npy cube's C_l; a missing dataset exits 2 before anything is written", async () => {
    const dir = makeTempDir('crsky-cube-h5-');
    const grid = createField(FieldSchema.parse(BASE.field), fieldSeed(BASE.seed, 0));
    if (grid.turbulence?.kind !== 'grid') throw new Error('expected a grid');
    const { n, spacingPc } = grid.turbulence;
    await h5wasm.ready;
    const file = new h5wasm.File(path.join(dir, 'cube.h5'), 'w');
    for (const [c, name] of ['Bx', 'By', 'Bz'].entries()) {
      const comp = gridComponentXyz(grid.turbulence, c);
      fs.writeFileSync(path.join(dir, `${name}.npy`), encodeNpy(comp, [n, n, n]));
      file.create_dataset({ name, data: comp, shape: [n, n, n] });
    }
    file.close();
    const withCube = (cube: Record<string, unknown>) => ({ ...BASE, field: { ...BASE.field, turbulence: { ...BASE.field.turbulence, method: 'modes', cube: { boxPc: n * spacingPc, meanField: 'keep', ...cube } } } });
    fs.writeFileSync(path.join(dir, 'h5.json'), JSON.stringify(withCube({ files: 'cube.h5', datasets: ['/Bx', '/By', '/Bz'] })));
    fs.writeFileSync(path.join(dir, 'npy.json'), JSON.stringify(withCube({ files: ['Bx.npy', 'By.npy', 'Bz.npy'] })));
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(withCube({ files: 'cube.h5', datasets: ['/Bx', '/By', '/bz'] })));
    const [a, b, bad] = await Promise.all([
      runCli(['simulate', '--config', path.join(dir, 'h5.json'), '--out', path.join(dir, 'h5'), '--quiet'], { timeoutMs: 120_000 }),
      runCli(['simulate', '--config', path.join(dir, 'npy.json'), '--out', path.join(dir, 'npy'), '--quiet'], { timeoutMs: 120_000 }),
      runCli(['simulate', '--config', path.join(dir, 'bad.json'), '--out', path.join(dir, 'bad'), '--quiet']),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const cl = (run: string) => Array.from(readCsv(path.join(dir, run, 'cl.csv')).columns.mean);
    expect(cl('h5')).toEqual(cl('npy'));
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr.trim()).toBe(
      `crsky: config: field.turbulence.cube.datasets = ["/Bx","/By","/bz"]: ${path.join(dir, 'cube.h5')} has no dataset /bz; it holds /Bx (16×16×16 <f), /By (16×16×16 <f), /Bz (16×16×16 <f)`,
    );
    expect(fs.existsSync(path.join(dir, 'bad'))).toBe(false);
  });

  it('a cube whose smallest wavelength is below lMinPc is refused before anything is written (exit 2)', async () => {
    const dir = makeTempDir('crsky-cube-bad-');
    const n = 8;
    for (const name of ['Bx', 'By', 'Bz']) fs.writeFileSync(path.join(dir, `${name}.npy`), encodeNpy(new Float32Array(n ** 3).map((_v, i) => Math.sin(i)), [n, n, n]));
    const cfg = { ...BASE, field: { ...BASE.field, turbulence: { ...BASE.field.turbulence, method: 'modes', cube: { files: ['Bx.npy', 'By.npy', 'Bz.npy'], boxPc: 8 } } } };
    fs.writeFileSync(path.join(dir, 'c.json'), JSON.stringify(cfg));
    const r = await runCli(['simulate', '--config', path.join(dir, 'c.json'), '--out', path.join(dir, 'out'), '--quiet']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim()).toBe('crsky: config: field.turbulence.spectrum.lMinPc = 4: the cube (8^3 nodes over 8 pc) has wavelengths down to 2 pc; set lMinPc <= that (it sets the default step)');
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  // The same run on both trackers (issue 15): the webgpu kernel sums the nested grids too. Its
  // C_l (mean over the realizations, per l) agree with the float64 cpu run's to ~1e-6 here (5
  // gyrations, before chaos grows the f32 round-off); tolerance 1e-4 relative.
  it('method nested-grids runs on the cpu and the webgpu backend, names both grids in the realization record, and gives the same C_l within 1e-4', async () => {
    const dir = makeTempDir('crsky-nested-');
    const args = (backend: string) => [
      'simulate', '--preset', 'quick', '--backend', backend, '--nside', '4', '--out', path.join(dir, backend), '--quiet',
      '--method', 'nested-grids', '--set', 'field.turbulence.spectrum.lMinPc=2', '--set', 'field.turbulence.spectrum.lMaxPc=64',
      '--set', 'field.turbulence.nestedGrids={"grids":[{"n":16,"spacingPc":4},{"n":16,"spacingPc":1}],"splitWavelengthsPc":[8]}',
      '--set', 'tracking.timesOmega=[5]',
    ];
    const runs = await Promise.all(['cpu', 'webgpu'].map((b) => runCli(args(b), { timeoutMs: 120_000 })));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    for (const backend of ['cpu', 'webgpu']) {
      const rec = JSON.parse(fs.readFileSync(path.join(dir, backend, 'realizations', 'r00000.json'), 'utf8')) as { backend: string; field: { description: string } };
      expect(rec.backend).toBe(backend);
      expect(rec.field.description).toMatch(/nested periodic grids 16\^3 × 4 pc .* \+ 16\^3 × 1 pc/);
    }
    const cl = (backend: string) => Array.from(readCsv(path.join(dir, backend, 'cl.csv')).columns.mean);
    const [cpu, gpu] = [cl('cpu'), cl('webgpu')];
    expect(gpu.length).toBe(cpu.length);
    expect(cpu.length).toBeGreaterThan(8);
    cpu.forEach((c, l) => expect(Math.abs(gpu[l] - c), `C_${l}`).toBeLessThanOrEqual(1e-4 * Math.abs(c)));
  });
});
