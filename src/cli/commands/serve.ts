/**
 * `crsky serve`: the in-browser demo (web/) on http://127.0.0.1:PORT/. Builds web/dist/ with Vite
 * first when it is missing or older than the page's or the library's sources, then serves the
 * static files with the cross-origin isolation headers (so the cpu backend may share memory with
 * a pool of workers); 127.0.0.1 is a secure context, as WebGPU requires.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { PACKAGE_ROOT } from '../../output/packageRoot.ts';
import { UsageError } from '../errors.ts';

interface ServeArgs {
  port: number;
  build: boolean;
}

export const WEB_ROOT = path.join(PACKAGE_ROOT, 'web');
export const WEB_DIST = path.join(WEB_ROOT, 'dist');
/** What the page is built from: its own sources, the library floors it imports, the WGSL. */
const WEB_SOURCES = ['web/index.html', 'web/src', 'web/vite.config.ts', 'src', 'shaders', 'package.json'];

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return p.endsWith('.test.ts') ? 0 : st.mtimeMs;
  return readdirSync(p).reduce((m, f) => Math.max(m, newestMtime(path.join(p, f))), st.mtimeMs);
}

/** True when web/dist/ is missing or older than a source of the page. */
export function webBuildStale(): boolean {
  const index = path.join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return WEB_SOURCES.some((s) => newestMtime(path.join(PACKAGE_ROOT, s)) > built);
}

/** Builds web/dist/ with Vite (a dev dependency: present in a clone after npm ci). */
export async function buildWeb(log: (line: string) => void = () => {}): Promise<void> {
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new UsageError('serve: building the page needs Vite (a dev dependency): run npm ci in the crsky repository, or serve a prebuilt web/dist/');
  }
  const started = Date.now();
  await vite.build({ configFile: path.join(WEB_ROOT, 'vite.config.ts'), root: WEB_ROOT, logLevel: 'warn' });
  log(`crsky serve: built web/dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Serves web/dist/ on 127.0.0.1:port (0: any free port); resolves once listening. */
export async function serveWeb(port: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-cache' };
    let rel: string;
    try {
      rel = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400, headers).end('bad request');
      return;
    }
    const file = path.join(WEB_DIST, path.normalize(rel === '/' ? '/index.html' : rel));
    if (!file.startsWith(WEB_DIST + path.sep) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

export function serveCommand(setExit: (code: number) => void): CommandModule<object, ServeArgs> {
  return {
    command: 'serve',
    describe: 'the in-browser demo: builds web/ if needed and serves it on http://127.0.0.1:PORT/ (WebGPU, else WebGL2 via gpu.js, else the cpu tracker in Web Workers)',
    builder: (y) =>
      y
        .option('port', { type: 'number', default: 5178, describe: 'TCP port on 127.0.0.1, 0..65535 (0: any free port)' })
        .option('build', { type: 'boolean', default: true, describe: 'build web/dist/ first when it is missing or stale (--no-build: serve what is there)' }) as never,
    handler: async (args) => {
      if (!(Number.isInteger(args.port) && args.port >= 0 && args.port <= 65535)) throw new UsageError(`serve --port ${args.port}: must be an integer in 0..65535`);
      const log = (line: string) => process.stderr.write(`${line}\n`);
      if (args.build && webBuildStale()) await buildWeb(log);
      if (!existsSync(path.join(WEB_DIST, 'index.html'))) throw new UsageError('serve: web/dist/ has no page; run without --no-build');
      const { url } = await serveWeb(args.port);
      process.stdout.write(`crsky serve: ${url}  (Ctrl-C stops)\n`);
      setExit(0);
      await new Promise<never>(() => {}); // serve until the process is stopped
    },
  };
}
