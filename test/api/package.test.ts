/**
 * The public API as a user meets it: the README's "Use from TypeScript" script, copied into a
 * temporary directory whose node_modules/crsky is this package (as `npm install` of it leaves
 * it), run by plain Node (no loader) and type-checked as TypeScript against dist/types; its C_l
 * must equal those `crsky simulate` writes for the same config.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/io/csv.ts';
import { readHealpixFits } from '../../src/io/fits.ts';
import { cleanupCli, makeTempDir, REPO_ROOT, runCli } from '../helpers/cli.ts';

afterAll(cleanupCli);

function readmeScript(): string {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.split('## Use from TypeScript')[1];
  const m = /```js\n([\s\S]*?)```/.exec(section ?? '');
  if (!m) throw new Error('README: no ```js block under "Use from TypeScript"');
  return m[1];
}

describe('crsky as a package', () => {
  it("the README script runs from a plain Node ESM file importing 'crsky' and prints the C_l `crsky simulate` writes", async () => {
    const dir = makeTempDir('crsky-api-');
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(REPO_ROOT, path.join(dir, 'node_modules', 'crsky'), 'dir');
    fs.writeFileSync(path.join(dir, 'quick-sky.mjs'), readmeScript());
    const r = spawnSync(process.execPath, ['quick-sky.mjs'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const printed = /C_1\.\.C_5 = (.*)$/m.exec(r.stdout);
    expect(printed, r.stdout).not.toBeNull();

    const out = path.join(dir, 'cli-run');
    const cli = await runCli(['simulate', '--preset', 'quick', '--backend', 'cpu', '--out', out, '--quiet'], { timeoutMs: 120_000 });
    expect(cli.code, cli.stderr).toBe(0);
    const mean = readCsv(path.join(out, 'cl.csv')).columns.mean;
    expect(printed![1].trim().split(' ')).toEqual(Array.from(mean.subarray(1, 6), (c) => c.toExponential(3)));
    // the FITS map the script wrote is the run's ensemble-mean map, bit for bit
    const ours = readHealpixFits(path.join(dir, 'quick-mean.fits')).columns[0].data;
    const cliMean = readHealpixFits(path.join(out, 'maps', 'mean_t01.fits')).columns[0].data;
    expect(Array.from(ours)).toEqual(Array.from(cliMean));
  });

  it('the same script type-checks as TypeScript against the package types (strict, NodeNext)', () => {
    const dir = makeTempDir('crsky-api-ts-');
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(REPO_ROOT, path.join(dir, 'node_modules', 'crsky'), 'dir');
    fs.writeFileSync(path.join(dir, 'quick-sky.ts'), readmeScript());
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['quick-sky.ts'] }),
    );
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
