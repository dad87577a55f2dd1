/**
 * Worker thread of the CPU tracker: integrates one slice of particles per message.
 * The field and the directions arrive in SharedArrayBuffers (no copy per slice).
 */
import { parentPort } from 'node:worker_threads';
import { allocateOutput, integrateRange, type IntegrationOutput, type IntegrationParams } from './integrate.ts';

export interface SliceRequest {
  readonly id: number;
  readonly params: IntegrationParams;
  readonly directions: Float64Array;
  readonly first: number;
  readonly count: number;
}

export interface SliceResult {
  readonly id: number;
  readonly out: IntegrationOutput;
  readonly steps: number;
  readonly error?: string;
}

function buffersOf(out: IntegrationOutput): ArrayBuffer[] {
  const arrays = [...out.snapshotPositions, ...out.snapshotDirections, out.spherePositions, out.sphereDirections, out.sphereTimes];
  return arrays.filter((a): a is Float64Array => a !== null).map((a) => a.buffer as ArrayBuffer);
}

parentPort?.on('message', (req: SliceRequest) => {
  try {
    const out = allocateOutput(req.count, req.params.stop);
    const steps = integrateRange(req.params, req.directions, req.first, req.count, out);
    const result: SliceResult = { id: req.id, out, steps };
    parentPort!.postMessage(result, buffersOf(out));
  } catch (e) {
    parentPort!.postMessage({ id: req.id, out: null, steps: 0, error: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
});
