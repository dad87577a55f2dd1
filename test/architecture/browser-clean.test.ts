/**
 * Everything below the output layer runs in a browser as well as in Node (docs/architecture.md):
 * config, turbulence, sim (but its Node seam src/sim/node/), analysis, pipeline, and the pure
 * formats of io (fitsFormat, csvFormat, intensityMap, observationFormat). This bundles each of those modules for
 * `platform: 'browser'` with esbuild, npm packages included, and fails on any Node built-in
 * (`node:fs`, `fs`, `worker_threads`, ...) reached from them, naming the importer (or, inside an
 * npm package without a browser mapping for it, with esbuild's own resolve error).
 */
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';

const CLEAN_DIRS = ['src/config', 'src/turbulence', 'src/sim', 'src/analysis', 'src/pipeline'];
const NODE_SEAM = 'src/sim/node';
const CLEAN_FILES = ['src/core.ts', 'src/io/fitsFormat.ts', 'src/io/fitsImageFormat.ts', 'src/io/csvFormat.ts', 'src/io/intensityMap.ts', 'src/io/observationFormat.ts'];

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return rel === NODE_SEAM ? [] : sources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [rel] : [];
  });
}

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Records every import of a Node built-in and who made it, instead of resolving it. */
function nodeImports(found: string[]): Plugin {
  return {
    name: 'node-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const spec = args.path;
        // npm packages are resolved by esbuild itself, which honours their "browser" field
        // (seedrandom maps crypto to nothing) and fails the build on a built-in they cannot drop.
        if (args.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        if (spec.startsWith('node:') || builtins.has(spec)) {
          found.push(`${path.relative(REPO_ROOT, args.importer)} imports ${spec}`);
          return { path: spec, external: true };
        }
        return undefined;
      });
    },
  };
}

describe('browser-clean floors', () => {
  it('no module of config, turbulence, sim (outside src/sim/node), analysis, pipeline or the pure io formats reaches a Node built-in', async () => {
    const entries = [...CLEAN_DIRS.flatMap(sources), ...CLEAN_FILES];
    expect(entries.length).toBeGreaterThan(40);
    const found: string[] = [];
    await build({
      absWorkingDir: REPO_ROOT,
      entryPoints: entries,
      bundle: true,
      write: false,
      outdir: 'out-browser-check',
      platform: 'browser',
      format: 'esm',
      splitting: true,
      logLevel: 'silent',
      plugins: [nodeImports(found)],
    });
    expect(found).toEqual([]);
  });

  it('nor uses Node-only globals (Buffer, require, __dirname; process only behind a typeof guard)', () => {
    const files = [...CLEAN_DIRS.flatMap(sources), ...CLEAN_FILES];
    const uses = files.flatMap((f) => {
      const text = fs.readFileSync(path.join(REPO_ROOT, f), 'utf8');
      return text.split('\n').flatMap((line, i) => {
        const code = line.replace(/\/\/.*$/, '');
        const bad = /\bBuffer\b|\brequire\(|__dirname|__filename/.test(code) || (/\bprocess\./.test(code) && !/typeof process !== 'undefined'/.test(code));
        return bad ? [`${f}:${i + 1}: ${line.trim()}`] : [];
      });
    });
    expect(uses).toEqual([]);
  });

  it('the check finds a Node import where there is one (the Node seam)', async () => {
    const found: string[] = [];
    await build({ absWorkingDir: REPO_ROOT, entryPoints: [path.join(NODE_SEAM, 'cpu.ts')], bundle: true, write: false, outdir: 'x', platform: 'browser', format: 'esm', logLevel: 'silent', plugins: [nodeImports(found)] });
    expect(found).toContain('src/sim/node/cpu.ts imports node:worker_threads');
  });
});
