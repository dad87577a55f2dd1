/**
 * The CPU tracker in Node: a worker_threads pool running cpuWorker.ts. When running from the
 * TypeScript sources (tsx), a tiny bootstrap registers tsx's loader inside each thread first:
 * Node 20 does not carry --import hooks into workers. From the bundle (dist/), the worker is the
 * bundled cpuWorker.js next to it.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { CpuTracker, type SliceWorker } from '../cpu/tracker.ts';
import type { SliceRequest, SliceResult } from '../cpu/slices.ts';

function startThread(): Worker {
  const isTs = import.meta.url.endsWith('.ts');
  const url = new URL(isTs ? './cpuWorker.ts' : './cpuWorker.js', import.meta.url);
  if (!isTs) return new Worker(url);
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true });
}

export function spawnNodeWorker(): SliceWorker {
  const w = startThread();
  return {
    post: (request: SliceRequest) => w.postMessage(request),
    listen(onResult, onError) {
      w.removeAllListeners('message');
      w.removeAllListeners('error');
      w.on('message', (res: SliceResult) => onResult(res));
      w.on('error', onError);
    },
    terminate: async () => {
      await w.terminate();
    },
  };
}

export interface NodeCpuOptions {
  /** Worker threads; 0 integrates in the calling thread. Default: all cores. */
  readonly threads?: number;
}

export function createCpuTracker(options: NodeCpuOptions = {}): CpuTracker {
  return new CpuTracker({ threads: options.threads ?? os.availableParallelism(), spawnWorker: spawnNodeWorker, cpuModel: os.cpus()[0]?.model });
}
