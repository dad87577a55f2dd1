import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // builds dist/ when a source is newer (the CLI and package tests run the built code)
    globalSetup: ['test/global-setup.ts'],
    // Statistical tests and the WebGPU kernels on lavapipe are CPU-heavy; the machine has 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
