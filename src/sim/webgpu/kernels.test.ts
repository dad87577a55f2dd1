import { describe, expect, it } from 'vitest';
import { randomModeField } from '../../../test/helpers/fields.ts';
import { spiralDirections, useWebGpuTracker } from '../../../test/helpers/webgpu.ts';
import { gyroradiusPc } from '../../config/units.ts';
import type { FieldData } from '../../turbulence/field.ts';
import type { TrackJob } from '../types.ts';
import { chooseModeTable, compiledForm, inlineCompileSeconds, LANES_MIN_MODES } from './cost.ts';

const rg = gyroradiusPc(2, Math.SQRT2);
const h = rg / 20;
const field = (seed: number): FieldData => randomModeField([0, 0, 1], 64, 1, (2 * Math.PI) / 100, (2 * Math.PI) / 1, seed);
const small = (f: FieldData): TrackJob => ({ field: f, rigidityPV: 2, chargeSign: -1, origin: [0, 0, 0], directions: spiralDirections(64), stepPc: h, stop: { timesPc: [20 * h] } });

describe('webgpu kernels per job (compile once, reuse across realizations)', () => {
  const tracker = useWebGpuTracker();

  // On a CPU adapter a small job's table goes to the uniform-buffer loop (one kernel per mode
  // count, compiled once), a large job's is compiled in (per field, ~10x faster steps); the cost
  // model decides (cost.ts). A GPU always takes the uniform buffer.
  it('a small job takes the uniform-buffer kernel, and the next realization reuses it without compiling', async () => {
    const t = tracker();
    await t.track(small(field(1)));
    expect(t.stats.modeTable).toMatch(/^uniform /);
    expect(t.stats.compileMs).toBeGreaterThan(0);
    await t.track(small(field(2)));
    expect(t.stats.modeTable).toMatch(/^uniform /);
    expect(t.stats.compileMs).toBe(0);
  });

  // From LANES_MIN_MODES modes a device with subgroups (lavapipe: the vector) compiles the table
  // in spread over the lanes of a subgroup: steps as fast as inline, a third of the compile.
  it('large tables are compiled in over the lanes of a subgroup where the device has subgroups', () => {
    expect(LANES_MIN_MODES).toBe(1024);
    expect(compiledForm(1024, true)).toBe('lanes');
    expect(compiledForm(1024, false)).toBe('inline');
    expect(compiledForm(256, true)).toBe('inline');
    expect(inlineCompileSeconds(1024, true)).toBeLessThan(inlineCompileSeconds(1024, false) / 2);
    expect(chooseModeTable(1024, 2000 * 4001, false, true).seconds).toBeLessThan(chooseModeTable(1024, 2000 * 4001, false, false).seconds);
  });

  it('a large job with 1024 modes on a CPU adapter with subgroups compiles its table in over the lanes', async () => {
    const t = tracker();
    const f = randomModeField([0, 0, 1], 1024, 1, (2 * Math.PI) / 100, (2 * Math.PI) / 1, 5);
    await t.track({ ...small(f), directions: spiralDirections(16), stop: { timesPc: [], sphereRadiusPc: 2 * h, maxTimePc: 1e7 * h } });
    expect(t.stats.modeTable).toMatch(!t.cpuAdapter ? /^uniform / : t.subgroups ? /^lanes / : /^inline /);
  }, 120_000);

  // The estimate uses particles × scheduled steps: a sphere the particles leave within a few steps
  // and a long maxTimePc make a "large" job that runs in no time.
  it('a large job on a CPU adapter compiles its table into the kernel, per field', async () => {
    const t = tracker();
    const large = (f: FieldData): TrackJob => ({ ...small(f), stop: { timesPc: [], sphereRadiusPc: 2 * h, maxTimePc: 1e7 * h } });
    expect(chooseModeTable(64, 64 * 1e7).table).toBe('inline');
    await t.track(large(field(3)));
    expect(t.stats.modeTable).toMatch(t.cpuAdapter ? /^inline / : /^uniform /);
    if (t.cpuAdapter) {
      expect(t.stats.compileMs).toBeGreaterThan(0);
      await t.track(large(field(4)));
      expect(t.stats.compileMs).toBeGreaterThan(0); // a new field is a new inline kernel
    }
  });
});
