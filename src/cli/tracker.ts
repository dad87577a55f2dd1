/** Opens the tracker a command asked for and says which one runs and why. */
import { CpuTracker } from '../sim/cpu/tracker.ts';
import type { Tracker } from '../sim/types.ts';

export async function openTracker(backend: 'auto' | 'cpu' | 'webgpu', threads?: number): Promise<{ tracker: Tracker; reason: string }> {
  if (backend === 'webgpu') throw new Error('backend webgpu: not available in this build');
  return { tracker: new CpuTracker({ threads }), reason: backend === 'cpu' ? 'requested' : 'auto: cpu' };
}
