/**
 * Before any test: the CLI tests spawn bin/crsky.js, which runs dist/cli.js when it is fresh, and
 * the package test imports dist/ as a user would; so dist/ is rebuilt here when any source is
 * newer than it (the same check bin/crsky.js makes), also for a bare `npx vitest run`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestMs(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMs(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return newest;
}

export default function setup(): void {
  let built = 0;
  try {
    built = statSync(path.join(root, 'dist', 'build-stamp.json')).mtimeMs;
  } catch {
    // no build yet
  }
  if (built >= newestMs(path.join(root, 'src'))) return;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`scripts/build.mjs failed (exit ${r.status}): the CLI and package tests need dist/`);
}
