/**
 * The page's connection to the engine: a dedicated worker (worker.ts) by default, or the engine
 * in the page itself (`?thread=main`, or where no worker can start): then the trackers' own
 * yielding keeps tasks short (gpujs draws of ~40 ms; WebGPU awaits the GPU).
 */
import type { FromEngine, ToEngine } from '../engine/protocol.ts';

export interface EngineClient {
  readonly where: 'worker' | 'page';
  send(message: ToEngine): void;
  terminate(): void;
}

export async function connectEngine(onMessage: (m: FromEngine) => void, where: 'worker' | 'page'): Promise<EngineClient> {
  if (where === 'worker') {
    try {
      const worker = new Worker(new URL('../worker.ts', import.meta.url), { type: 'module' });
      worker.onmessage = (e: MessageEvent<FromEngine>) => onMessage(e.data);
      worker.onerror = (e) => onMessage({ type: 'state', state: 'error', message: `engine worker: ${e.message}` });
      return { where, send: (m) => worker.postMessage(m), terminate: () => worker.terminate() };
    } catch (e) {
      console.warn(`engine worker did not start (${e instanceof Error ? e.message : String(e)}); running in the page`);
    }
  }
  const { Engine } = await import('../engine/engine.ts');
  const engine = new Engine((m) => onMessage(m));
  return { where: 'page', send: (m) => void engine.handle(m), terminate: () => void engine.handle({ type: 'reset' }) };
}
