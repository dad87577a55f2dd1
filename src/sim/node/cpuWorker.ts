/**
 * Worker thread of the CPU tracker in Node: integrates one slice of particles per message
 * (src/sim/cpu/slices.ts) and transfers the result's buffers back.
 */
import { parentPort } from 'node:worker_threads';
import { integrateSlice, resultBuffers, type SliceRequest } from '../cpu/slices.ts';

parentPort?.on('message', (req: SliceRequest) => {
  const result = integrateSlice(req);
  parentPort!.postMessage(result, result.out ? resultBuffers(result.out) : []);
});
