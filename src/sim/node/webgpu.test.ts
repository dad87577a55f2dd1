import { afterEach, describe, expect, it } from 'vitest';
import { lavapipeQuickCompile } from './webgpu.ts';

describe('lavapipeQuickCompile: GALLIVM_PERF for runs that are mostly compiling', () => {
  const saved = process.env.GALLIVM_PERF;
  afterEach(() => {
    if (saved === undefined) delete process.env.GALLIVM_PERF;
    else process.env.GALLIVM_PERF = saved;
  });

  it('sets nopt for a quick run, leaves it unset otherwise, and never overrides the user', () => {
    delete process.env.GALLIVM_PERF;
    expect(lavapipeQuickCompile(false)).toBe('');
    expect(process.env.GALLIVM_PERF).toBeUndefined();
    expect(lavapipeQuickCompile(true)).toBe('nopt');
    process.env.GALLIVM_PERF = 'no_quad_lod';
    expect(lavapipeQuickCompile(true)).toBe('no_quad_lod');
  });
});
