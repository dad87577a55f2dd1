import { describe, expect, it } from 'vitest';
import { LAVAPIPE_COST, lavapipeSeconds, prefersQuickCompile } from './cost.ts';

describe('lavapipe cost model: when to skip LLVM optimization passes (GALLIVM_PERF=nopt)', () => {
  // LAVAPIPE_COST.noOpt: compiles in 0.6 of the time, steps 1.15× as long (measured, cost.ts)
  it('charges compiles less and steps more with the passes off', () => {
    expect(LAVAPIPE_COST.noOpt.compileFactor).toBeLessThan(1);
    expect(LAVAPIPE_COST.noOpt.stepFactor).toBeGreaterThan(1);
    const compileOnly = { particleSteps: 0, fields: 1, modes: 256, gridN: 0 };
    const stepsOnly = { particleSteps: 1e12, fields: 1, modes: 256, gridN: 0 };
    expect(lavapipeSeconds(compileOnly, false, true).seconds).toBeLessThan(lavapipeSeconds(compileOnly, false, false).seconds);
    expect(lavapipeSeconds(stepsOnly, false, true).seconds).toBeGreaterThan(lavapipeSeconds(stepsOnly, false, false).seconds);
    expect(lavapipeSeconds(compileOnly, false, true).detail).toMatch(/quick compile/);
  });

  it('takes the quick compile for the quick preset and not for the published runs', () => {
    // crsky simulate --preset quick: 2 realizations × 1.09e6 particle-steps, 64 modes (compiling is most of it)
    expect(prefersQuickCompile({ particleSteps: 1.09e6, fields: 2, modes: 64, gridN: 0 })).toBe(true);
    // ahlers-mertsch-2015: 8 × 4.2e8 at 256 modes; giacinti-sigl-2012: 3.9e10 in one field
    expect(prefersQuickCompile({ particleSteps: 4.2e8, fields: 8, modes: 256, gridN: 0 })).toBe(false);
    expect(prefersQuickCompile({ particleSteps: 3.9e10, fields: 1, modes: 256, gridN: 0 })).toBe(false);
    // one short run is mostly compiling even at 1024 modes (the CRPropa comparison's 8e6
    // particle-steps: ~5 s to compile the lanes form, ~4.6 s of steps); longer ones are not
    expect(prefersQuickCompile({ particleSteps: 2000 * 4001, fields: 1, modes: 1024, gridN: 0 }, true)).toBe(true);
    expect(prefersQuickCompile({ particleSteps: 1e8, fields: 4, modes: 1024, gridN: 0 }, true)).toBe(false);
    expect(prefersQuickCompile({ particleSteps: 1e10, fields: 1, modes: 0, gridN: 256 })).toBe(false);
  });
});
