/**
 * A Web Worker of the cpu tracker's pool in the page: integrates one slice of particles per
 * message (the float64 integrator of src/sim/cpu) and transfers the result's buffers back.
 */
import { integrateSlice, resultBuffers, type SliceRequest } from '../../src/core.ts';

self.onmessage = (e: MessageEvent<SliceRequest>) => {
  const result = integrateSlice(e.data);
  self.postMessage(result, { transfer: result.out ? resultBuffers(result.out) : [] });
};
