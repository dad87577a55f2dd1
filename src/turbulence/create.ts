/**
 * One entry point from config to field: B0 plus turbulence drawn by the configured method
 * (plane waves or FFT grid) or given as a mode table, with its FieldSummary.
 */
import type { FieldConfig } from '../config/schema.ts';
import { MODE_A, MODE_K, MODE_STRIDE, type FieldData, type FieldSummary, type ModeTurbulence, type TurbulenceData } from './field.ts';
import { generateGrid, gridCorrelationLengthPc, gridSpecOf } from './grid.ts';
import { drawPlaneWaves } from './planeWaves.ts';
import { cubeFieldFromConfig, type VectorCube } from './cube.ts';
import { nestedGridField } from './nestedGrids.ts';
import { regularField } from './regular.ts';
import { correlationLengthPc, describeSpectrum, discreteCorrelationLengthPc } from './spectrum.ts';
import type { Vec3 } from '../config/vec3.ts';

/**
 * Field data a config names by file but does not hold: the table of `modeTableFile`, read by the
 * caller (src/io/modeTableFile.ts in Node; a fetch or an upload in a page).
 */
export interface FieldInputs {
  readonly modeTable?: ModeTurbulence;
  /** The cube of `cube.files` (src/io/vectorCube.ts reads it). */
  readonly cube?: VectorCube;
}

/**
 * B0 + dB for a field config. dB is fully determined by (spectrum, method, modes or grid, seed):
 *  - brmsUG = 0: no turbulence (a modeTableFile is then ignored too);
 *  - modeTableFile: inputs.modeTable as is (its own amplitudes; brmsUG, spectrum and method unused);
 *  - method 'modes': `modes` plane waves (planeWaves.ts);
 *  - method 'grid': a gridN^3 FFT grid (grid.ts); throws ConfigError if the band does not fit.
 * summary.correlationLengthPc is the L_c of docs/physics.md Sec. 3.2 (2∫<dB(0)·dB(r)> dr / <dB^2>) of the
 * realization's own modes: π Σ p/|k| / Σ p over its plane waves or lattice wave vectors;
 * summary.spectrumCorrelationLengthPc that of the continuous spectrum (for a mode table: the
 * config's spectrum kind over the table's band), so a run can report both.
 */
export function createField(cfg: FieldConfig, seed: string, inputs: FieldInputs = {}): FieldData {
  const b0 = regularField(cfg.b0UG, cfg.b0Direction);
  const t = cfg.turbulence;
  if (t.brmsUG === 0) {
    return field(b0, null, { b0, brmsUG: 0, lMinPc: 0, lMaxPc: 0, correlationLengthPc: 0, description: 'no turbulence (brmsUG = 0)' });
  }
  if (t.cube !== undefined) {
    if (inputs.cube === undefined) {
      throw new Error(`field.turbulence.cube.files = ${JSON.stringify(t.cube.files)}: the cube itself must be given (inputs.cube; src/io/vectorCube.ts reads it)`);
    }
    return cubeFieldFromConfig(cfg, inputs.cube);
  }
  if (t.method === 'nested-grids') return nestedGridField(cfg, seed);
  if (t.modeTableFile !== undefined) {
    const modes = inputs.modeTable;
    if (modes === undefined) {
      throw new Error(`field.turbulence.modeTableFile = ${JSON.stringify(t.modeTableFile)}: the table itself must be given (inputs.modeTable; src/io/modeTableFile.ts reads it)`);
    }
    const stats = modeTableStats(modes);
    return field(b0, modes, {
      b0,
      ...stats,
      spectrumCorrelationLengthPc: correlationLengthPc({ ...t.spectrum, lMinPc: stats.lMinPc, lMaxPc: stats.lMaxPc }),
      description: `mode table ${t.modeTableFile}: ${modes.table.length / MODE_STRIDE} plane waves, B_rms ${+stats.brmsUG.toPrecision(6)} uG, lambda ${+stats.lMinPc.toPrecision(6)}-${+stats.lMaxPc.toPrecision(6)} pc`,
    });
  }
  const { spectrum, brmsUG } = t;
  const common = { b0, brmsUG, lMinPc: spectrum.lMinPc, lMaxPc: spectrum.lMaxPc, spectrumCorrelationLengthPc: correlationLengthPc(spectrum) };
  if (t.method === 'modes') {
    const modes = drawPlaneWaves(spectrum, brmsUG, t.modes, seed);
    return field(b0, modes, {
      ...common,
      correlationLengthPc: modeTableStats(modes).correlationLengthPc,
      description: `${describeSpectrum(spectrum)}, B_rms ${brmsUG} uG; ${t.modes} plane-wave modes; seed ${seed}`,
    });
  }
  const spec = gridSpecOf(t);
  const grid = generateGrid(spectrum, brmsUG, spec, seed);
  return field(b0, grid, {
    ...common,
    correlationLengthPc: gridCorrelationLengthPc(spectrum, spec),
    description: `${describeSpectrum(spectrum)}, B_rms ${brmsUG} uG; grid ${spec.n}^3 × ${+spec.spacingPc.toPrecision(6)} pc (periodic box ${+(spec.n * spec.spacingPc).toPrecision(6)} pc); seed ${seed}`,
  });
}

function field(b0: Vec3, turbulence: TurbulenceData | null, summary: FieldSummary): FieldData {
  return { b0, turbulence, summary };
}

/** B_rms = sqrt(Σ|a|^2/2), the band [2π/max|k|, 2π/min|k|] and L_c of a mode table. */
export function modeTableStats(modes: ModeTurbulence): Pick<FieldSummary, 'brmsUG' | 'lMinPc' | 'lMaxPc' | 'correlationLengthPc'> {
  const m = modes.table;
  const count = m.length / MODE_STRIDE;
  const k = new Float64Array(count);
  const power = new Float64Array(count);
  let kLo = Infinity;
  let kHi = 0;
  for (let i = 0; i < count; i++) {
    const o = i * MODE_STRIDE;
    k[i] = Math.hypot(m[o + MODE_K], m[o + MODE_K + 1], m[o + MODE_K + 2]);
    power[i] = (m[o + MODE_A] ** 2 + m[o + MODE_A + 1] ** 2 + m[o + MODE_A + 2] ** 2) / 2;
    if (power[i] === 0) continue;
    if (!(k[i] > 0)) throw new Error(`mode table: mode ${i + 1} has a non-zero amplitude at k = 0 (a uniform part belongs in B0, not dB)`);
    kLo = Math.min(kLo, k[i]);
    kHi = Math.max(kHi, k[i]);
  }
  if (kHi === 0) throw new Error('mode table: every amplitude is zero');
  const brms2 = power.reduce((s, p) => s + p, 0);
  return {
    brmsUG: Math.sqrt(brms2),
    lMinPc: (2 * Math.PI) / kHi,
    lMaxPc: (2 * Math.PI) / kLo,
    correlationLengthPc: discreteCorrelationLengthPc(k, power),
  };
}
