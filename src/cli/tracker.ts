/** Opens the tracker a command asked for and says which one runs and why. */
import { createTracker, type BackendChoice, type CreatedTracker } from '../sim/backends.ts';

export async function openTracker(backend: BackendChoice, threads?: number): Promise<CreatedTracker> {
  return createTracker(backend, { threads });
}
