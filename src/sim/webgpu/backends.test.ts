import { describe, expect, it } from 'vitest';
import { createTracker } from '../node/backends.ts';
import { isCpuAdapter, type WebGpuTracker } from './tracker.ts';

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

  // With the run's workload, 'auto' on a CPU adapter compares estimates (webgpu/cost.ts and
  // CPU_COST): 2 realizations of 192 particles × 1415 steps (the quick preset at N_side 4) cost
  // less on the cpu tracker than compiling two kernels, by more than CPU_MARGIN; the quick preset
  // itself (768 particles) and 32 realizations of 49k particles × 20k steps at 256 modes do not.
  // On a GPU 'auto' is always webgpu.
  it("'auto' with a workload takes the cpu tracker on a CPU adapter only when compiling would dominate, and says why", async () => {
    const quick = await createTracker('auto', { threads: 2, workload: { particleSteps: 192 * 1415, fields: 2, modes: 64, gridN: 0 } });
    const preset = await createTracker('auto', { threads: 2, workload: { particleSteps: 768 * 1415, fields: 2, modes: 64, gridN: 0 } });
    const big = await createTracker('auto', { threads: 2, workload: { particleSteps: 49152 * 20000, fields: 32, modes: 256, gridN: 0 } });
    try {
      expect(big.tracker.backend).toBe('webgpu');
      if ((big.tracker as WebGpuTracker).cpuAdapter) {
        expect(quick.tracker.backend).toBe('cpu');
        expect(quick.reason).toMatch(/^cpu: estimated [\d.]+ s against [\d.]+ s on webgpu for 2 × 2\.72e\+5 particle-steps \(.*webgpu would run on .*64 modes/);
        expect(preset.tracker.backend).toBe('webgpu');
        expect(big.reason).toMatch(/^webgpu: estimated [\d.]+ s against [\d.]+ s on cpu for 32 × 9\.83e\+8 particle-steps/);
      } else {
        expect(quick.tracker.backend).toBe('webgpu');
      }
    } finally {
      await quick.tracker.dispose();
      await preset.tracker.dispose();
      await big.tracker.dispose();
    }
  });

  // A resumed run or a later shard keeps to the backend its finished realizations used, whatever
  // the estimate says on the cores this call gets (they differ between a 1-CPU Slurm task and a
  // workstation); without an adapter 'auto' still falls back.
  it("'auto' with the run's previous backend keeps to it and says so", async () => {
    const tiny = { particleSteps: 192 * 1415, fields: 2, modes: 64, gridN: 0 };
    const big = { particleSteps: 49152 * 20000, fields: 32, modes: 256, gridN: 0 };
    const cpu = await createTracker('auto', { threads: 2, workload: big, previous: 'cpu' });
    const gpu = await createTracker('auto', { threads: 2, workload: tiny, previous: 'webgpu' });
    const none = await createTracker('auto', { gpu: noAdapter, threads: 0, previous: 'webgpu' });
    try {
      expect([cpu.tracker.backend, cpu.reason]).toEqual(['cpu', expect.stringMatching(/^cpu: the run's finished realizations ran on cpu \(/)]);
      expect([gpu.tracker.backend, gpu.reason]).toEqual(['webgpu', expect.stringMatching(/^webgpu: the run's finished realizations ran on webgpu \(/)]);
      expect(none.tracker.backend).toBe('cpu');
      // an explicit backend wins over the previous one
      const explicit = await createTracker('webgpu', { previous: 'cpu' });
      expect(explicit.tracker.backend).toBe('webgpu');
      await explicit.tracker.dispose();
    } finally {
      await cpu.tracker.dispose();
      await gpu.tracker.dispose();
      await none.tracker.dispose();
    }
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
