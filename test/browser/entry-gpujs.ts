/**
 * The page side of gpujs-browser.test.ts, bundled by esbuild for the browser: GpuJsTracker on
 * gpu.js's WebGL2 backend (in the page's main thread), exposed as window.crsky like entry.ts.
 */
import { GPU } from 'gpu.js';
import { GpuJsTracker } from '../../src/sim/gpujs/tracker.ts';
import type { GpuJsInstance } from '../../src/sim/gpujs/gpujs.ts';
import { endStatesToWire, jobFromWire } from './wire.ts';
import type { CrskyPage } from './entry.ts';

let tracker: Promise<GpuJsTracker> | undefined;

function open(): Promise<GpuJsTracker> {
  // gpu.js's GPU class is typed for its whole API; the tracker needs only GpuJsInstance
  tracker ??= GpuJsTracker.create(new GPU({ mode: 'webgl2' }) as unknown as GpuJsInstance);
  return tracker;
}

const page: CrskyPage = {
  async adapter() {
    const t = await open();
    return { device: t.device, cpuAdapter: /swiftshader|llvmpipe/i.test(t.device) };
  },
  async track(job) {
    return endStatesToWire(await (await open()).track(jobFromWire(job)));
  },
  async dispose() {
    await (await tracker)?.dispose();
    tracker = undefined;
  },
};
window.crsky = page;
