/**
 * The page side of webgpu-browser.test.ts, bundled by esbuild for the browser: WebGpuTracker on
 * navigator.gpu with shaders fetched from the page's server, exposed as window.crsky.
 */
import { browserWebGpu } from '../../src/sim/webgpu/browser.ts';
import { WebGpuTracker, type WebGpuTrackerOptions } from '../../src/sim/webgpu/tracker.ts';
import { endStatesToWire, jobFromWire, type WireEndStates, type WireJob } from './wire.ts';

type ModeTable = NonNullable<WebGpuTrackerOptions['modeTable']>;

export interface CrskyPage {
  /** Opens the default tracker; its adapter description and whether it runs on the CPU. */
  adapter(): Promise<{ device: string; cpuAdapter: boolean }>;
  /** Tracks a job on a tracker with this mode-table placement (default 'auto'). */
  track(job: WireJob, modeTable?: ModeTable): Promise<WireEndStates>;
  dispose(): Promise<void>;
}

declare global {
  interface Window {
    crsky?: CrskyPage;
  }
}

const NO_ADAPTER_ADVICE = 'the browser gave no WebGPU adapter; Chromium needs --enable-unsafe-webgpu (SwiftShader without a GPU)';
const trackers = new Map<ModeTable, Promise<WebGpuTracker>>();

function tracker(modeTable: ModeTable): Promise<WebGpuTracker> {
  let t = trackers.get(modeTable);
  if (!t) {
    t = WebGpuTracker.create(browserWebGpu(new URL('./', location.href)), { modeTable }, NO_ADAPTER_ADVICE);
    trackers.set(modeTable, t);
  }
  return t;
}

window.crsky = {
  async adapter() {
    const t = await tracker('auto');
    return { device: t.device, cpuAdapter: t.cpuAdapter };
  },
  async track(job, modeTable = 'auto') {
    return endStatesToWire(await (await tracker(modeTable)).track(jobFromWire(job)));
  },
  async dispose() {
    const all = [...trackers.values()];
    trackers.clear();
    await Promise.all(all.map(async (t) => (await t).dispose()));
  },
};
