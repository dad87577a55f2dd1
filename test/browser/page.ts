/**
 * A headless Chromium page running one of crsky's browser trackers: entry.ts (WebGPU) or
 * entry-gpujs.ts (gpu.js on WebGL2) bundled with esbuild, served
 * with the repository's shaders/ from 127.0.0.1 (a secure context, as WebGPU requires), driven
 * with playwright-core. Uses Debian's Chromium (never a downloaded browser); without a GPU its
 * WebGPU runs on SwiftShader, Chromium's CPU Vulkan.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TrackJob, EndStates } from '../../src/sim/types.ts';
import type { WebGpuTrackerOptions } from '../../src/sim/webgpu/tracker.ts';
import { endStatesFromWire, jobToWire } from './wire.ts';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * --enable-unsafe-webgpu: Chromium on Linux offers WebGPU only with it (without: "No available
 * adapters"); it then falls back to SwiftShader when there is no GPU, no other flag needed.
 * --enable-webgpu-developer-features: unmasks GPUAdapterInfo.description ("SwiftShader Device
 * (Subzero)"), so the test output names the adapter (isCpuAdapter also knows the masked info by
 * its architecture, "swiftshader").
 */
export const CHROMIUM_ARGS = ['--enable-unsafe-webgpu', '--enable-webgpu-developer-features'];

export const CHROMIUM_ADVICE = `the browser WebGPU test needs Debian's Chromium at ${CHROMIUM}: apt-get install chromium (see .ci/install-system)`;

/** Which tracker the page opens, and Chromium's flags for it. */
export interface BrowserTrackerKind {
  readonly entry: URL;
  readonly args: readonly string[];
}

export const WEBGPU_PAGE: BrowserTrackerKind = { entry: new URL('./entry.ts', import.meta.url), args: CHROMIUM_ARGS };
/** No --enable-unsafe-webgpu: Chromium on Linux then has no WebGPU adapter, as in a browser without WebGPU. */
export const GPUJS_PAGE: BrowserTrackerKind = { entry: new URL('./entry-gpujs.ts', import.meta.url), args: [] };
const SHADER_DIR = new URL('../../shaders/', import.meta.url);
const PAGE = '<!doctype html><meta charset="utf-8"><title>crsky webgpu</title><script type="module" src="/entry.js"></script>\n';

export function haveChromium(): boolean {
  return existsSync(CHROMIUM);
}

export interface BrowserTracker {
  /** The adapter as the tracker describes it, and whether it runs on the CPU. */
  readonly adapter: { readonly device: string; readonly cpuAdapter: boolean };
  /** Runs a job in the page; end states come back as float64 arrays (modeTable: WebGPU only). */
  track(job: TrackJob, modeTable?: WebGpuTrackerOptions['modeTable']): Promise<EndStates>;
  close(): Promise<void>;
}

async function bundle(entry: URL): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** Serves / (the page), /entry.js (the bundle) and /shaders/<name>.wgsl on a random port of 127.0.0.1. */
async function serve(script: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const send = (status: number, type: string, body: string) => res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    const shader = /^\/shaders\/([\w-]+\.wgsl)$/.exec(path);
    if (path === '/') send(200, 'text/html; charset=utf-8', PAGE);
    else if (path === '/entry.js') send(200, 'text/javascript; charset=utf-8', script);
    else if (shader) readFile(new URL(shader[1], SHADER_DIR), 'utf8').then((text) => send(200, 'text/plain; charset=utf-8', text), () => send(404, 'text/plain', 'not found'));
    else send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** Bundles, serves, launches Chromium and opens the tracker in the page (fails without an adapter). */
export async function openBrowserTracker(kind: BrowserTrackerKind = WEBGPU_PAGE): Promise<BrowserTracker> {
  const { server, url } = await serve(await bundle(kind.entry));
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...kind.args] });
    const page: Page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url); // waits for 'load': the module script has run by then
    const inPage = <T>(what: string, run: () => Promise<T>): Promise<T> =>
      run().catch((e: unknown) => {
        throw new Error(`${what} in Chromium: ${e instanceof Error ? e.message : String(e)}${errors.length ? ` (page errors: ${errors.join('; ')})` : ''}`);
      });
    const adapter = await inPage('opening the tracker', () =>
      page.evaluate(() => {
        if (!window.crsky) throw new Error('the page script did not load');
        return window.crsky.adapter();
      }),
    );
    const launched = browser;
    return {
      adapter,
      async track(job, modeTable = 'auto') {
        const wire = await inPage('tracking', () => page.evaluate(([j, m]) => window.crsky!.track(j, m), [jobToWire(job), modeTable] as const));
        return endStatesFromWire(wire);
      },
      async close() {
        await page.evaluate(() => window.crsky?.dispose()).catch(() => undefined);
        await launched.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  } catch (e) {
    await browser?.close();
    server.close();
    throw e;
  }
}
