/**
 * Child process for the "dispose() releases everything and the process exits" test: runs one
 * small job on the WebGPU tracker, disposes it and returns from the module. If anything (a
 * buffer map, the device, Dawn's GPU object) kept Node's event loop alive, the process would hang
 * and the parent's timeout would fail the test. Prints the particle-steps on success.
 */
import { uniformField } from './fields.ts';
import { openWebGpuTracker, spiralDirections } from './webgpu.ts';

const tracker = await openWebGpuTracker({ maxBatchParticles: 16 });
const end = await tracker.track({
  field: uniformField([0, 0, 1]),
  rigidityPV: 1,
  chargeSign: 1,
  origin: [0, 0, 0],
  directions: spiralDirections(40),
  stepPc: 0.05,
  stop: { timesPc: [1, 2], sphereRadiusPc: 0.5 },
});
await tracker.dispose();
process.stdout.write(`steps ${end.particleSteps}\n`);
