import { describe, expect, it } from 'vitest';
import { createTracker } from '../node/backends.ts';
import { isCpuAdapter } from './tracker.ts';

/** A WebGPU implementation without an adapter: what navigator.gpu / Dawn give on a machine without a driver. */
const noAdapter = { requestAdapter: async () => null } as unknown as GPU;

describe('backend choice', () => {
  it("'auto' runs webgpu on this machine (CI installs lavapipe: no adapter here must fail, not fall back)", async () => {
    const { tracker, reason } = await createTracker('auto');
    try {
      expect(tracker.backend).toBe('webgpu');
      expect(reason).toMatch(/^webgpu: adapter found \(.+\)$/);
    } finally {
      await tracker.dispose();
    }
  });

  it("'auto' without an adapter falls back to the cpu tracker and says why and what to install", async () => {
    const { tracker, reason } = await createTracker('auto', { gpu: noAdapter, threads: 0 });
    expect(tracker.backend).toBe('cpu');
    expect(reason).toMatch(/^webgpu: no adapter \(install Mesa's Vulkan driver.*see README\) — using cpu \(main thread/);
    await tracker.dispose();
  });

  it("explicit 'webgpu' without an adapter is an Error with the same advice", async () => {
    await expect(createTracker('webgpu', { gpu: noAdapter })).rejects.toThrow(/^webgpu: no adapter \(install Mesa's Vulkan driver/);
  });

  it("'cpu' gives the cpu tracker", async () => {
    const { tracker, reason } = await createTracker('cpu', { threads: 0 });
    expect(tracker.backend).toBe('cpu');
    expect(reason).toMatch(/^cpu: requested/);
    await tracker.dispose();
  });
});

describe('CPU adapters (the inline mode table pays only there)', () => {
  const info = (vendor: string, architecture: string, description: string, device = '') => ({ vendor, architecture, description, device }) as GPUAdapterInfo;
  it('recognizes lavapipe, SwiftShader (also with Chromium\'s masked info) and no real GPU', () => {
    expect(isCpuAdapter(info('mesa', '', 'llvmpipe (LLVM 15.0.6, 256 bits)'))).toBe(true);
    expect(isCpuAdapter(info('google', 'swiftshader', 'SwiftShader Device (Subzero)'))).toBe(true);
    expect(isCpuAdapter(info('google', 'swiftshader', ''))).toBe(true);
    expect(isCpuAdapter(info('nvidia', 'hopper', 'NVIDIA H100 80GB HBM3'))).toBe(false);
    expect(isCpuAdapter(info('amd', 'rdna-3', ''))).toBe(false);
  });
});
