/**
 * The engine's dedicated worker: owns the tracker (WebGPU and WebGL2 through OffscreenCanvas
 * both exist in Chromium's dedicated workers), so the page's main thread only draws.
 */
import { Engine } from './engine/engine.ts';
import type { FromEngine, ToEngine } from './engine/protocol.ts';

const engine = new Engine((message: FromEngine, transfer: Transferable[] = []) => self.postMessage(message, { transfer }));
// one message at a time, in order: a 'view' sent while a job runs is handled between draws
self.onmessage = (e: MessageEvent<ToEngine>) => void engine.handle(e.data);
