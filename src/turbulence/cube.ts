/**
 * External magnetic-field cubes (MHD snapshots, other codes' grids, crsky's own) as grid
 * turbulence, so both trackers run them unchanged.
 *
 * A cube is a vector field sampled on a regular n³ grid whose node (i, j, k) sits at
 * (i, j, k)·h, h = boxPc/n. It is treated as ONE PERIOD of a periodic field, like crsky's own
 * FFT grids: between nodes the field is the trilinear interpolation of the 8 surrounding nodes,
 * across the faces it wraps around (periodic MHD boxes are periodic; for others the seam ratio
 * in the diagnostics says how much of a jump the wrap makes). n must be a power of two (the
 * trackers wrap by masking) and the cube cubic.
 *
 * Units and parts, with v the file's values times unitUG and <v> their mean over the nodes:
 *  - meanField 'as-b0' (default): the grid holds s·(v − <v>), B0 = the configured B0 + <v>;
 *  - 'subtract': the grid holds s·(v − <v>), B0 = the configured B0 (the cube's uniform part is
 *    dropped and the configured one added);
 *  - 'keep': the grid holds <v> + s·(v − <v>) (bitwise v when s = 1 and unitUG = 1), B0 = the
 *    configured B0; for cubes without a mean field, or to reproduce a grid exactly.
 * s = brmsUG / rms(v − <v>) when a target B_rms is given (the fluctuations rescaled, the mean
 * not), else 1.
 */
import { ConfigError } from '../config/errors.ts';
import type { FieldConfig } from '../config/schema.ts';
import type { Vec3 } from '../config/vec3.ts';
import { fft3dInPlace } from './fft3d.ts';
import type { FieldData, GridTurbulence } from './field.ts';
import type { NpyArray } from './npy.ts';
import { regularField } from './regular.ts';

/** One component: the value at node (i, j, k) is data[offset + i·strides[0] + j·strides[1] + k·strides[2]]. */
export interface CubeComponent {
  readonly data: ArrayLike<number>;
  readonly offset: number;
  readonly strides: readonly [number, number, number];
}

export interface VectorCube {
  /** Nodes per side. */
  readonly n: number;
  readonly components: readonly [CubeComponent, CubeComponent, CubeComponent];
  /** Where it came from, for messages and the field description. */
  readonly source: string;
}

/**
 * Order of the three spatial indices as the array is written: for .npy and HDF5 the C index order
 * (a[i, j, k] at x_i, y_j, z_k for 'xyz'); for FITS the NAXIS order (NAXIS1 = x for 'xyz').
 * Note that numpy/astropy write an array a[i, j, k] to FITS with NAXIS1 = k, so a numpy array
 * indexed [x, y, z] saved as FITS is 'zyx' there; Athena++'s athena_read gives [z, y, x] arrays.
 */
export type IndexOrder = 'xyz' | 'zyx';

/** An n-dimensional array: dims and element strides per index (index 0 first). */
interface Layout {
  readonly data: ArrayLike<number>;
  readonly dims: readonly number[];
  readonly strides: readonly number[];
}

function npyLayout(a: NpyArray): Layout {
  const dims = a.shape;
  const strides = new Array<number>(dims.length);
  let s = 1;
  if (a.fortranOrder) {
    for (let d = 0; d < dims.length; d++) {
      strides[d] = s;
      s *= dims[d];
    }
  } else {
    for (let d = dims.length - 1; d >= 0; d--) {
      strides[d] = s;
      s *= dims[d];
    }
  }
  return { data: a.data, dims, strides };
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
}

/** The spatial indices of a layout: `axes` are the three array indices in the file's order. */
function component(layout: Layout, axes: readonly [number, number, number], order: IndexOrder, offset: number, what: string): { n: number; c: CubeComponent } {
  const dims = axes.map((a) => layout.dims[a]);
  if (dims[0] !== dims[1] || dims[1] !== dims[2]) throw new ConfigError(`${what}: the cube is ${dims.join(' × ')}; crsky needs a cubic grid (n × n × n)`);
  const n = dims[0];
  if (!isPowerOfTwo(n)) {
    throw new ConfigError(`${what}: n = ${n} nodes per side; crsky's grid trackers need a power of two (resample the cube, e.g. to ${2 ** Math.round(Math.log2(Math.max(2, n)))})`);
  }
  const s = axes.map((a) => layout.strides[a]);
  const strides: [number, number, number] = order === 'xyz' ? [s[0], s[1], s[2]] : [s[2], s[1], s[0]];
  return { n, c: { data: layout.data, offset, strides } };
}

function assemble(parts: { n: number; c: CubeComponent }[], source: string): VectorCube {
  const n = parts[0].n;
  if (parts.some((p) => p.n !== n)) throw new ConfigError(`${source}: the three components have different sizes (${parts.map((p) => p.n).join(', ')})`);
  return { n, components: [parts[0].c, parts[1].c, parts[2].c], source };
}

/**
 * A vector cube from .npy arrays: three 3D arrays (Bx, By, Bz), or one 4D array with the
 * component index first (3, n, n, n) or last (n, n, n, 3).
 */
export function cubeFromNpy(arrays: readonly NpyArray[], order: IndexOrder, source: string): VectorCube {
  if (arrays.length === 3) {
    return assemble(
      arrays.map((a, c) => {
        if (a.shape.length !== 3) throw new ConfigError(`${source}: component ${'xyz'[c]} has shape (${a.shape.join(', ')}), expected a 3D array`);
        return component(npyLayout(a), [0, 1, 2], order, 0, source);
      }),
      source,
    );
  }
  if (arrays.length !== 1) throw new ConfigError(`${source}: expected one .npy file with all three components or three files, got ${arrays.length}`);
  const layout = npyLayout(arrays[0]);
  const shape = arrays[0].shape;
  if (shape.length === 4 && shape[0] === 3 && shape[3] !== 3) {
    return assemble([0, 1, 2].map((c) => component(layout, [1, 2, 3], order, c * layout.strides[0], source)), source);
  }
  if (shape.length === 4 && shape[3] === 3 && shape[0] !== 3) {
    return assemble([0, 1, 2].map((c) => component(layout, [0, 1, 2], order, c * layout.strides[3], source)), source);
  }
  throw new ConfigError(`${source}: shape (${shape.join(', ')}); one file must hold (3, n, n, n) or (n, n, n, 3), else give three files Bx, By, Bz`);
}

/** A FITS image's data with its NAXIS1.. sizes (NAXIS1 fastest). */
export interface FitsImageData {
  readonly naxis: readonly number[];
  readonly data: ArrayLike<number>;
}

function fitsLayout(img: FitsImageData): Layout {
  const strides: number[] = [];
  let s = 1;
  for (const d of img.naxis) {
    strides.push(s);
    s *= d;
  }
  return { data: img.data, dims: img.naxis, strides };
}

/**
 * A vector cube from FITS images: three NAXIS = 3 images (Bx, By, Bz) or one NAXIS = 4 image
 * with NAXIS4 = 3 (the component slowest).
 */
export function cubeFromFitsImages(images: readonly FitsImageData[], order: IndexOrder, source: string): VectorCube {
  if (images.length === 3) {
    return assemble(
      images.map((img, c) => {
        if (img.naxis.length !== 3) throw new ConfigError(`${source}: component ${'xyz'[c]} has NAXIS = ${img.naxis.length}, expected a 3D image`);
        return component(fitsLayout(img), [0, 1, 2], order, 0, source);
      }),
      source,
    );
  }
  if (images.length === 1 && images[0].naxis.length === 4 && images[0].naxis[3] === 3) {
    const layout = fitsLayout(images[0]);
    return assemble([0, 1, 2].map((c) => component(layout, [0, 1, 2], order, c * layout.strides[3], source)), source);
  }
  const shapes = images.map((i) => `(${i.naxis.join(', ')})`).join(', ');
  throw new ConfigError(`${source}: FITS images ${shapes}; expected one 4D image with NAXIS4 = 3 or three 3D images`);
}

export interface CubeFieldOptions {
  /** Side of the box, pc. */
  readonly boxPc: number;
  /** 1 in the file = unitUG microgauss (default 1). */
  readonly unitUG?: number;
  /** What happens to the cube's mean field (file comment); default 'as-b0'. */
  readonly meanField?: 'as-b0' | 'subtract' | 'keep';
  /** Rescale the fluctuations to this node rms, uG (default: keep the cube's). */
  readonly brmsUG?: number;
  /** The configured regular field, uG (default 0). */
  readonly b0?: Vec3;
}

export interface CubeDiagnostics {
  /** Mean field of the cube over the nodes, uG (after unitUG). */
  readonly meanUG: Vec3;
  /** rms of the cube's fluctuations over the nodes before rescaling, uG. */
  readonly inputBrmsUG: number;
  /** The factor s applied to the fluctuations. */
  readonly scale: number;
  /**
   * Per axis, rms of the jump across the periodic face (node n−1 to node 0) over the rms of
   * the steps between neighbouring nodes inside: ~1 for a periodic cube, well above 1 when the
   * wrap joins unrelated faces.
   */
  readonly seamRatio: Vec3;
}

/**
 * The field of a cube: grid turbulence from its nodes, B0 as set by meanField (file comment),
 * and a summary whose B_rms is the rms of the grid over the nodes, band 2h .. box, L_c from the
 * grid's measured k-space power (π Σ p/|k| / Σ p over k ≠ 0; computed for n ≤ 256, else NaN:
 * the FFT needs 16·n³ bytes).
 */
export function cubeToField(cube: VectorCube, opts: CubeFieldOptions): { field: FieldData; diagnostics: CubeDiagnostics } {
  const { n, components } = cube;
  const box = opts.boxPc;
  if (!(box > 0 && Number.isFinite(box))) throw new ConfigError(`${cube.source}: boxPc = ${box} must be a finite number > 0`);
  const unit = opts.unitUG ?? 1;
  if (!(unit > 0 && Number.isFinite(unit))) throw new ConfigError(`${cube.source}: unitUG = ${unit} must be a finite number > 0`);
  const meanField = opts.meanField ?? 'as-b0';
  const nodes = n * n * n;
  const at = (c: number, i: number, j: number, k: number): number => {
    const p = components[c];
    return p.data[p.offset + i * p.strides[0] + j * p.strides[1] + k * p.strides[2]];
  };
  // mean and fluctuation rms in float64, in file units
  const mean = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    let s = 0;
    for (let k = 0; k < n; k++) {
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          const v = at(c, i, j, k);
          if (!Number.isFinite(v)) throw new ConfigError(`${cube.source}: component ${'xyz'[c]} at node (${i}, ${j}, ${k}) is ${v}`);
          s += v;
        }
      }
    }
    mean[c] = s / nodes;
  }
  let var2 = 0;
  for (let c = 0; c < 3; c++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) var2 += (at(c, i, j, k) - mean[c]) ** 2;
  const inputRms = Math.sqrt(var2 / nodes);
  if (opts.brmsUG !== undefined && !(opts.brmsUG >= 0 && Number.isFinite(opts.brmsUG))) throw new ConfigError(`${cube.source}: brmsUG = ${opts.brmsUG} must be finite and >= 0`);
  if (opts.brmsUG !== undefined && !(inputRms > 0)) throw new ConfigError(`${cube.source}: the cube is uniform, its fluctuations cannot be rescaled to B_rms ${opts.brmsUG} uG`);
  const scale = opts.brmsUG === undefined ? 1 : opts.brmsUG / (unit * inputRms);
  const data = new Float32Array(3 * nodes);
  const exact = meanField === 'keep' && scale === 1 && unit === 1;
  for (let c = 0; c < 3; c++) {
    const m = mean[c];
    for (let k = 0; k < n; k++) {
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          const v = at(c, i, j, k);
          const o = 3 * (i + n * (j + n * k)) + c;
          if (exact) data[o] = v;
          else if (meanField === 'keep') data[o] = unit * (m + scale * (v - m));
          else data[o] = unit * scale * (v - m);
        }
      }
    }
  }
  const spacingPc = box / n;
  const turbulence: GridTurbulence = { kind: 'grid', n, spacingPc, data };
  const meanUG: Vec3 = [unit * mean[0], unit * mean[1], unit * mean[2]];
  const configured = opts.b0 ?? [0, 0, 0];
  const b0: Vec3 = meanField === 'as-b0' ? [configured[0] + meanUG[0], configured[1] + meanUG[1], configured[2] + meanUG[2]] : [configured[0], configured[1], configured[2]];
  let s2 = 0;
  for (let i = 0; i < data.length; i++) s2 += data[i] * data[i];
  const brmsUG = Math.sqrt(s2 / nodes);
  const seamRatio = seamRatios(turbulence);
  const lc = n <= 256 ? latticeCorrelationLengthPc(turbulence) : NaN;
  const what = { 'as-b0': 'taken as B0', subtract: 'subtracted', keep: 'kept in the grid' }[meanField];
  const description =
    `field cube ${cube.source}: ${n}^3 × ${+spacingPc.toPrecision(6)} pc (periodic box ${+box.toPrecision(6)} pc), ` +
    `grid B_rms ${+brmsUG.toPrecision(6)} uG${scale !== 1 ? ` (fluctuations × ${+scale.toPrecision(6)})` : ''}, ` +
    `mean ${+Math.hypot(...meanUG).toPrecision(6)} uG ${what}; face-jump ratio x/y/z ${seamRatio.map((r) => r.toFixed(2)).join('/')}` +
    (Number.isNaN(lc) ? '; L_c not computed (n > 256)' : '');
  return {
    field: { b0, turbulence, summary: { b0, brmsUG, lMinPc: 2 * spacingPc, lMaxPc: box, correlationLengthPc: lc, description } },
    diagnostics: { meanUG, inputBrmsUG: unit * inputRms, scale, seamRatio },
  };
}

/**
 * The field of a config whose turbulence.cube is set, from the cube's data (io/vectorCube.ts
 * readVectorCube reads it): B0 from b0UG/b0Direction (plus the cube's mean for 'as-b0'), the
 * fluctuations rescaled to turbulence.brmsUG when cube.rescaleToBrms.
 */
export function cubeFieldFromConfig(cfg: FieldConfig, cube: VectorCube): FieldData {
  const c = cfg.turbulence.cube;
  if (c === undefined) throw new Error('cubeFieldFromConfig: the config has no field.turbulence.cube');
  return cubeToField(cube, {
    boxPc: c.boxPc,
    unitUG: c.unitUG,
    meanField: c.meanField,
    brmsUG: c.rescaleToBrms ? cfg.turbulence.brmsUG : undefined,
    b0: regularField(cfg.b0UG, cfg.b0Direction),
  }).field;
}

/** The face-jump ratios of CubeDiagnostics.seamRatio for a grid. */
export function seamRatios(grid: GridTurbulence): Vec3 {
  const { n, data } = grid;
  const out = [0, 0, 0];
  const idx = (i: number, j: number, k: number) => 3 * (i + n * (j + n * k));
  for (let axis = 0; axis < 3; axis++) {
    let inner = 0;
    let seam = 0;
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        for (let t = 0; t < n; t++) {
          const next = (t + 1) % n;
          const p = axis === 0 ? idx(t, a, b) : axis === 1 ? idx(a, t, b) : idx(a, b, t);
          const q = axis === 0 ? idx(next, a, b) : axis === 1 ? idx(a, next, b) : idx(a, b, next);
          let d2 = 0;
          for (let c = 0; c < 3; c++) d2 += (data[q + c] - data[p + c]) ** 2;
          if (next === 0) seam += d2;
          else inner += d2;
        }
      }
    }
    const innerMean = inner / (n * n * (n - 1));
    const seamMean = seam / (n * n);
    out[axis] = innerMean > 0 ? Math.sqrt(seamMean / innerMean) : seamMean > 0 ? Infinity : 1;
  }
  return [out[0], out[1], out[2]];
}

/**
 * L_c = π Σ_k p(k)/|k| / Σ_k p(k) over the lattice wave vectors k ≠ 0 of a grid's nodes (the
 * definition of docs/physics.md Sec. 3.2 for the lattice spectrum), by a forward FFT of each component.
 */
export function latticeCorrelationLengthPc(grid: GridTurbulence): number {
  const { n, data } = grid;
  const nodes = n * n * n;
  const dk = (2 * Math.PI) / (n * grid.spacingPc);
  const work = new Float64Array(2 * nodes);
  const signed = (i: number) => (i < n / 2 ? i : i - n);
  let overK = 0;
  let total = 0;
  for (let c = 0; c < 3; c++) {
    work.fill(0);
    for (let i = 0; i < nodes; i++) work[2 * i] = data[3 * i + c];
    fft3dInPlace(work, n, 'forward');
    for (let i = 0; i < nodes; i++) {
      if (i === 0) continue;
      const a = signed(i % n);
      const b = signed(Math.floor(i / n) % n);
      const cc = signed(Math.floor(i / (n * n)));
      const p = work[2 * i] ** 2 + work[2 * i + 1] ** 2;
      overK += p / (dk * Math.sqrt(a * a + b * b + cc * cc));
      total += p;
    }
  }
  return total > 0 ? (Math.PI * overK) / total : 0;
}
