#!/usr/bin/env node
// Builds dist/: the CLI, the library (Node and browser entries), the CPU worker and the GPU
// machine's checks (scripts/gpu-check.ts, for gpu-pack/ which has no tsx) as bundled
// ES modules (esbuild; npm packages stay external), plus type declarations (tsc) unless --no-types.
// Runs on `npm ci`/`npm install` (prepare) and before the tests, so `crsky` starts from compiled
// JavaScript; bin/crsky.js falls back to the TypeScript sources while dist/ is older than src/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const types = !process.argv.includes('--no-types');

const started = Date.now();
// Old chunks have other hashes: start from an empty dist/ (types are rebuilt below, or kept).
for (const f of existsSync(dist) ? readdirSync(dist) : []) if (f !== 'types') rmSync(join(dist, f), { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts', core: 'src/core.ts', cpuWorker: 'src/sim/node/cpuWorker.ts', 'gpu-check': 'scripts/gpu-check.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Pure-JS dependencies are bundled (one file loads faster than yargs's and zod's dozens);
  // native ones stay external, and so does tsx (only the source fallback uses it). h5wasm (HDF5
  // as JavaScript with its wasm inlined) lands in its own ~6 MB chunk, imported only when an HDF5
  // cube is read (src/io/hdf5Cube.ts), so start-up does not load it and gpu-pack/ can read HDF5.
  external: ['webgpu', '@resvg/resvg-js', 'tsx', 'gpu.js', 'vite'],
  banner: { js: "import { createRequire as __crskyRequire } from 'node:module'; const require = __crskyRequire(import.meta.url);" },
  sourcemap: true,
  // every file flat in dist/: the code finds cpuWorker.js, ../shaders and ../package.json from there
  chunkNames: '[name]-[hash]',
  logLevel: 'warning',
});
if (types) {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
// bin/crsky.js compares this stamp with the sources' modification times.
writeFileSync(join(dist, 'build-stamp.json'), JSON.stringify({ builtAt: new Date().toISOString(), types }) + '\n');
process.stderr.write(`crsky: built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s${types ? '' : ' (no type declarations)'}\n`);
