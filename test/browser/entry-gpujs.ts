/**
 * The page side of gpujs-browser.test.ts, bundled by esbuild for the browser: GpuJsTracker on
 * gpu.js's WebGL2 backend (in the page's main thread), exposed as window.crsky like entry.ts.
 */
import { GPU } from 'gpu.js';
import { GpuJsTracker } from '../../src/sim/gpujs/tracker.ts';
import type { GpuJsInstance } from '../../src/sim/gpujs/gpujs.ts';
import { endStatesToWire, jobFromWire } from './wire.ts';
import type { CrskyPage } from './entry.ts';

type ModeTable = 'inline' | 'texture';
const trackers = new Map<ModeTable, Promise<GpuJsTracker>>();

/** The test's mode-table names are the WebGPU tracker's: 'inline' is inline, the buffers are the texture. */
function open(modeTable: string = 'inline'): Promise<GpuJsTracker> {
  const m: ModeTable = modeTable === 'inline' || modeTable === 'auto' ? 'inline' : 'texture';
  let t = trackers.get(m);
  if (!t) {
    // gpu.js's GPU class is typed for its whole API; the tracker needs only GpuJsInstance
    t = GpuJsTracker.create(new GPU({ mode: 'webgl2' }) as unknown as GpuJsInstance, { modeTable: m });
    trackers.set(m, t);
  }
  return t;
}

const page: CrskyPage = {
  async adapter() {
    const t = await open();
    return { device: t.device, cpuAdapter: /swiftshader|llvmpipe/i.test(t.device) };
  },
  async track(job, modeTable) {
    return endStatesToWire(await (await open(modeTable)).track(jobFromWire(job)));
  },
  async dispose() {
    const all = [...trackers.values()];
    trackers.clear();
    await Promise.all(all.map(async (t) => (await t).dispose()));
  },
};
window.crsky = page;
