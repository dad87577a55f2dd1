/**
 * The built page (web/dist, built by `crsky serve`'s own buildWeb when stale) served by
 * `crsky serve`'s server on 127.0.0.1, in Debian's headless Chromium under playwright-core, with
 * what the tests read from it: console errors, long tasks of the main thread, the body's data
 * attributes (state, backend, Ω·T, ...) and the files the download buttons save.
 */
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWeb, serveWeb, webBuildStale } from '../../src/cli/commands/serve.ts';
import { CHROMIUM } from './page.ts';

/** Chromium's flags per backend the page should find: WebGPU on SwiftShader, WebGL2 only, neither. */
export const FLAGS = {
  webgpu: ['--enable-unsafe-webgpu', '--enable-webgpu-developer-features'],
  /** Without --enable-unsafe-webgpu Chromium on Linux has no WebGPU adapter; WebGL2 is SwiftShader's. */
  webgl: [],
  /** --disable-webgl alone leaves WebGL2 to workers' OffscreenCanvas; without the GPU process and its software fallback there is none. */
  none: ['--disable-gpu', '--disable-software-rasterizer'],
} as const;

export interface WebPage {
  readonly page: Page;
  readonly errors: string[];
  /** Main-thread tasks over 50 ms since the simulation first ran (the page's load excluded), ms each. */
  longTasks(): Promise<number[]>;
  /** Waits until the body's data attribute satisfies `ok`, failing with the page's state. */
  waitFor(attribute: string, ok: (value: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Clicks a download button (an id, or a selector) and returns the saved file: its suggested name, path and text (latin1). */
  download(button: string): Promise<{ name: string; path: string; text: string }>;
  close(): Promise<void>;
}

let served: Promise<{ server: Server; url: string }> | null = null;

/** Builds the page if needed and serves it (once per test file). */
export function servePage(): Promise<{ server: Server; url: string }> {
  served ??= (async () => {
    if (webBuildStale()) await buildWeb((l) => console.info(l));
    return serveWeb(0);
  })();
  return served;
}

export async function stopServing(): Promise<void> {
  const s = await served;
  served = null;
  if (s) await new Promise<void>((resolve) => s.server.close(() => resolve()));
}

export async function openPage(query: string, flags: readonly string[]): Promise<WebPage> {
  const { url } = await servePage();
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: [...flags] });
  const page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1200, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
  // before any page script: record every main-thread task over 50 ms
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: [number, number][] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${url}${query}`);
  return {
    page,
    errors,
    longTasks: () =>
      page.evaluate(() => {
        const since = Number(document.body.dataset.runningAt ?? Infinity);
        return (window as unknown as { __longTasks: [number, number][] }).__longTasks.filter(([start]) => start >= since).map(([, d]) => d);
      }),
    async waitFor(attribute, ok, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const data = await page.evaluate(() => ({ ...document.body.dataset, state: document.body.dataset.state ?? '', text: document.getElementById('state')?.textContent ?? '' }));
        const value = (data as Record<string, string | undefined>)[attribute];
        if (value !== undefined && ok(value)) return value;
        if (data.state === 'error') throw new Error(`page engine error: ${data.text}`);
        if (Date.now() > deadline) throw new Error(`page: ${attribute} not reached in ${timeoutMs / 1000} s (body data ${JSON.stringify(data)}; errors ${errors.join('; ')})`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async download(button) {
      const [d] = await Promise.all([page.waitForEvent('download'), page.click(/^[\w-]+$/.test(button) ? `#${button}` : button)]);
      const file = await d.path();
      return { name: d.suggestedFilename(), path: file, text: await readFile(file, 'latin1') };
    },
    async close() {
      await browser.close();
    },
  };
}
