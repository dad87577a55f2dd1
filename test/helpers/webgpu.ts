/**
 * Shared pieces of the WebGPU backend tests: opening a tracker on the machine's adapter (the
 * tests fail, never skip, without one: CI installs lavapipe and a missing driver must turn it red),
 * deterministic launch directions, and the comparisons the tests make against the CPU tracker.
 */
import { afterAll, beforeAll } from 'vitest';
import { createNodeGpu, readShaderFile } from '../../src/sim/node/webgpu.ts';
import { WebGpuTracker, type WebGpuTrackerOptions } from '../../src/sim/webgpu/tracker.ts';

export const NO_ADAPTER_ADVICE =
  "the WebGPU tests need a Vulkan driver; on Debian install Mesa's lavapipe: apt-get install -t bookworm-backports mesa-vulkan-drivers (see .ci/install-system)";

/** A tracker on this machine's adapter; throws (so the test fails) when there is none. */
export async function openWebGpuTracker(options: WebGpuTrackerOptions = {}): Promise<WebGpuTracker> {
  return WebGpuTracker.create({ gpu: await createNodeGpu(), loadShader: readShaderFile }, options, NO_ADAPTER_ADVICE);
}

/**
 * One tracker for a test file: opened before the tests, disposed after them. Without an adapter
 * every test that asks for it fails with the advice (a failing beforeAll would only mark the
 * tests as skipped).
 */
export function useWebGpuTracker(options: WebGpuTrackerOptions = {}): () => WebGpuTracker {
  let tracker: WebGpuTracker | undefined;
  let failure: unknown = new Error('webgpu tracker not opened yet');
  beforeAll(async () => {
    try {
      tracker = await openWebGpuTracker(options);
    } catch (e) {
      failure = e;
    }
  });
  afterAll(async () => {
    await tracker?.dispose();
  });
  return () => {
    if (!tracker) throw failure;
    return tracker;
  };
}

export { spiralDirections } from '../../src/sim/launch.ts';

/** Largest |a_i - b_i| over 3-vectors: max over particles of the Euclidean distance. */
export function maxDistance(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i += 3) {
    worst = Math.max(worst, Math.hypot(a[i] - b[i], a[i + 1] - b[i + 1], a[i + 2] - b[i + 2]));
  }
  return worst;
}

/**
 * Runs a one-off compute kernel (entry point `main`, workgroup size 1, one invocation per input
 * element) with `input` at binding 0 and a zeroed output of `outputWords` u32 per element at
 * binding 1, and returns the output. For unit tests of WGSL functions from shaders/. `group1`:
 * read-only storage buffers at @group(1) @binding(0, 1, ...), e.g. the grid buffers of grid.wgsl.
 */
export async function runKernel(
  code: string,
  input: Float32Array<ArrayBuffer>,
  elements: number,
  outputWords: number,
  group1: readonly Float32Array<ArrayBuffer>[] = [],
): Promise<Uint32Array> {
  const gpu = await createNodeGpu();
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error(`webgpu: no adapter (${NO_ADAPTER_ADVICE})`);
  const device = await adapter.requestDevice();
  try {
    const module = device.createShaderModule({ code });
    const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
    if (errors.length > 0) throw new Error(errors.map((m) => `line ${m.lineNum}: ${m.message}`).join('\n'));
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const bytes = elements * outputWords * 4;
    const inBuf = device.createBuffer({ size: input.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    const outBuf = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(inBuf, 0, input);
    const group = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: inBuf } },
        { binding: 1, resource: { buffer: outBuf } },
      ],
    });
    const extra = group1.map((data) => {
      const buffer = device.createBuffer({ size: Math.max(16, data.byteLength), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(buffer, 0, data);
      return buffer;
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    if (extra.length > 0) {
      pass.setBindGroup(1, device.createBindGroup({ layout: pipeline.getBindGroupLayout(1), entries: extra.map((buffer, binding) => ({ binding, resource: { buffer } })) }));
    }
    pass.dispatchWorkgroups(elements);
    pass.end();
    encoder.copyBufferToBuffer(outBuf, 0, staging, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = new Uint32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    return out;
  } finally {
    device.destroy();
  }
}
