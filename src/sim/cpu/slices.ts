/**
 * The unit of work of the CPU tracker's pool: one slice of particles, integrated by whatever
 * worker the platform runs (src/sim/node/cpuWorker.ts in Node). The field and the directions
 * arrive in SharedArrayBuffers where the platform has them (no copy per slice).
 */
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
  readonly out: IntegrationOutput | null;
  readonly steps: number;
  readonly error?: string;
}

/** The buffers of a result, to transfer rather than copy back. */
export function resultBuffers(out: IntegrationOutput): ArrayBuffer[] {
  const arrays = [...out.snapshotPositions, ...out.snapshotDirections, out.spherePositions, out.sphereDirections, out.sphereTimes];
  return arrays.filter((a): a is Float64Array => a !== null).map((a) => a.buffer as ArrayBuffer);
}

/** Integrates one slice; an error comes back in the result (a worker must not die on it). */
export function integrateSlice(req: SliceRequest): SliceResult {
  try {
    const out = allocateOutput(req.count, req.params.stop);
    const steps = integrateRange(req.params, req.directions, req.first, req.count, out);
    return { id: req.id, out, steps };
  } catch (e) {
    return { id: req.id, out: null, steps: 0, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}
