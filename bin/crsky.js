#!/usr/bin/env node
// Starts the CLI from the compiled bundle (dist/cli.js, made by `npm ci`/`npm install` through
// scripts/build.mjs) when it is at least as new as every TypeScript source, else from the sources
// through tsx's loader, so an edited checkout never runs stale code and a clean clone works even
// before a build. CRSKY_FROM_SOURCE=1 forces the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestSourceMs(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) newest = Math.max(newest, newestSourceMs(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (process.env.CRSKY_FROM_SOURCE === '1') return false;
  if (!existsSync(`${root}dist/build-stamp.json`)) return false;
  // a packed copy (scripts/pack-gpu.mjs) has dist/ and no sources: dist/ is all there is
  if (!existsSync(`${root}src`)) return true;
  return statSync(`${root}dist/build-stamp.json`).mtimeMs >= newestSourceMs(`${root}src`);
}

let main;
if (bundleIsFresh()) {
  ({ main } = await import('../dist/cli.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
