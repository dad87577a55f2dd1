/**
 * The one schema of crsky's options: names carry their unit (Pc, UG, PV, Deg), ranges are
 * checked here, defaults give a physically sensible small run. The CLI, the web page and the
 * manifest all derive from it; a preset is a partial config, nothing more.
 */
import { z } from 'zod';

const finite = () => z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const positive = () => finite().refine((v) => v > 0, { message: 'must be > 0' });
const nonNegative = () => finite().refine((v) => v >= 0, { message: 'must be >= 0' });
/** Snapshot labels t00, t01, ... follow the order given: an unsorted list is refused, not sorted silently. */
const increasing = (a: readonly number[]) => a.every((v, i) => i === 0 || v > a[i - 1]);
const isPowerOfTwo = (n: number) => Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;

/** A direction: a Cartesian vector in the simulation's equatorial axes, or sky angles in a frame. */
export const DirectionSchema = z.union([
  z
    .tuple([finite(), finite(), finite()])
    .refine(([x, y, z]) => Math.hypot(x, y, z) > 0, { message: 'direction vector must be non-zero' })
    .describe('Cartesian [x, y, z] in equatorial axes (normalized on use)'),
  z
    .object({
      frame: z.enum(['equatorial', 'galactic']).describe('frame of lonDeg/latDeg'),
      lonDeg: finite().describe('right ascension or galactic longitude, degrees'),
      latDeg: finite()
        .refine((v) => v >= -90 && v <= 90, { message: 'must be in [-90, 90]' })
        .describe('declination or galactic latitude, degrees, [-90, 90]'),
    })
    .strict(),
]);
export type Direction = z.infer<typeof DirectionSchema>;

export const KolmogorovSpectrumSchema = z
  .object({
    kind: z.literal('kolmogorov'),
    lMinPc: positive().describe('smallest wavelength of the band, pc, > 0'),
    lMaxPc: positive().describe('largest wavelength (outer scale) of the band, pc, > lMinPc'),
  })
  .strict()
  .refine((s) => s.lMaxPc > s.lMinPc, { message: 'lMaxPc must be > lMinPc', path: ['lMaxPc'] });

export const AhlersMertschSpectrumSchema = z
  .object({
    kind: z.literal('ahlers-mertsch'),
    lMinPc: positive().describe('smallest wavelength of the band, pc, > 0'),
    lMaxPc: positive().describe('largest wavelength of the band, pc, > lMinPc'),
    bendoverPc: positive().describe('bend-over scale L of E(k) ∝ k^2/(1+(kL)^gamma), pc, > 0 (not the correlation length)'),
    gamma: positive().default(11 / 3).describe('high-k index gamma, > 0; 11/3 gives Kolmogorov'),
  })
  .strict()
  .refine((s) => s.lMaxPc > s.lMinPc, { message: 'lMaxPc must be > lMinPc', path: ['lMaxPc'] });

export const SpectrumSchema = z.discriminatedUnion('kind', [KolmogorovSpectrumSchema, AhlersMertschSpectrumSchema]);
export type Spectrum = z.infer<typeof SpectrumSchema>;

const gridN = () =>
  z
    .number()
    .int()
    .refine((n) => isPowerOfTwo(n) && n >= 8 && n <= 512, { message: 'must be a power of two in 8..512' });

/** An external field cube (turbulence/cube.ts, io/vectorCube.ts): periodic, n^3 nodes, n a power of two. */
export const CubeSchema = z
  .object({
    files: z
      .union([z.string(), z.tuple([z.string(), z.string(), z.string()])])
      .describe('one file with all three components (.npy of shape (3,n,n,n) or (n,n,n,3); FITS with a 4D image, NAXIS4 = 3, or three 3D image HDUs; HDF5 with three 3D datasets or one 4D one) or three files [Bx, By, Bz]; relative paths from the config file'),
    format: z.enum(['auto', 'npy', 'fits', 'hdf5']).default('auto').describe('file format; auto: from the extension (.npy; .fits, .fit, .fts; .h5, .hdf5; Athena++ .athdf is refused: it holds meshblocks, not one array)'),
    datasets: z
      .union([z.string().min(1), z.tuple([z.string().min(1), z.string().min(1), z.string().min(1)])])
      .optional()
      .describe("HDF5 only: dataset paths. One file: [Bx, By, Bz] (three 3D datasets) or one path (a 4D dataset, (3,n,n,n) or (n,n,n,3)); three files: one path read in each, or one path per file. Default: Bx/By/Bz, bx/by/bz, magx/magy/magz (FLASH) or Bcc1/Bcc2/Bcc3 (Athena++ names) at the root, or the file's only dataset; float32 or float64"),
    boxPc: positive().describe('side of the cubic box, pc, > 0; node (i,j,k) sits at (i,j,k)·boxPc/n and the field repeats with period boxPc'),
    indexOrder: z
      .enum(['xyz', 'zyx'])
      .default('xyz')
      .describe("spatial index order as written: numpy index order for .npy and HDF5 (a[i,j,k] at x_i,y_j,z_k for 'xyz'; HDF5 dims in the order h5py shows them: C-order [z,y,x] arrays, and Fortran codes' (x,y,z) arrays, which HDF5 stores reversed, are 'zyx'), NAXIS order for FITS (NAXIS1 = x for 'xyz'; a numpy [x,y,z] array saved by astropy is 'zyx')"),
    unitUG: positive().default(1).describe('field value 1 in the file is this many uG, > 0'),
    meanField: z
      .enum(['as-b0', 'subtract', 'keep'])
      .default('as-b0')
      .describe("the cube's mean field: 'as-b0' adds it to b0 and keeps the fluctuations in the grid, 'subtract' drops it (b0 from b0UG/b0Direction only), 'keep' leaves it in the grid"),
    rescaleToBrms: z.boolean().default(false).describe('scale the fluctuations so their rms over the nodes is turbulence.brmsUG (the mean is not scaled)'),
  })
  .strict();
export type CubeConfig = z.infer<typeof CubeSchema>;

/** One grid of a nested set: n^3 nodes, spacing in pc. */
export const NestedGridSchema = z
  .object({
    n: gridN().describe('nodes per side (power of two, 8..512)'),
    spacingPc: positive().describe('node spacing, pc, > 0; the grid is periodic with box n·spacingPc'),
  })
  .strict();

/** Nested periodic grids (Giacinti & Sigl 2012), each carrying one band of the spectrum (turbulence/nestedGrids.ts). */
export const NestedGridsSchema = z
  .object({
    grids: z.array(NestedGridSchema).min(2).max(8).describe('grids from the coarsest (carries the longest wavelengths) to the finest, 2..8'),
    splitWavelengthsPc: z
      .array(positive())
      .min(1)
      .describe('wavelengths where the band passes from one grid to the next, pc, strictly descending, one fewer than grids; grid i carries lambda in [split_i, split_(i-1)) (the coarsest up to lMaxPc, the finest down to lMinPc)'),
  })
  .strict()
  .refine((g) => g.splitWavelengthsPc.length === g.grids.length - 1, { message: 'splitWavelengthsPc needs one entry fewer than grids', path: ['splitWavelengthsPc'] })
  .refine((g) => g.splitWavelengthsPc.every((w, i) => i === 0 || w < g.splitWavelengthsPc[i - 1]), { message: 'splitWavelengthsPc must be strictly descending', path: ['splitWavelengthsPc'] });
export type NestedGridsConfig = z.infer<typeof NestedGridsSchema>;

export const TurbulenceSchema = z
  .object({
    brmsUG: nonNegative().default(1).describe('rms of the turbulent field, <dB^2> = brms^2, uG, >= 0'),
    spectrum: SpectrumSchema.default({ kind: 'kolmogorov', lMinPc: 1, lMaxPc: 100 }),
    method: z.enum(['modes', 'grid', 'nested-grids']).default('modes').describe('plane-wave sum, FFT grid, or nested FFT grids (nestedGrids)'),
    modes: z
      .number()
      .int()
      .min(1)
      .max(16384)
      .default(256)
      .describe('number of plane-wave modes, 1..16384'),
    modeTableFile: z
      .string()
      .optional()
      .describe('CSV mode table (kx,ky,kz,ax,ay,az,phase; pc^-1, uG, rad) used instead of drawing modes'),
    gridN: gridN().default(64).describe('grid nodes per side (power of two, 8..512)'),
    gridSpacingPc: positive()
      .optional()
      .describe('grid spacing, pc, > 0; default lMaxPc / gridN so the box holds the outer scale'),
    nestedGrids: NestedGridsSchema.optional().describe("method 'nested-grids': the grids and the wavelengths where the band passes between them"),
    cube: CubeSchema.optional().describe('external field cube used instead of drawing turbulence (spectrum, method and seed unused; brmsUG only with rescaleToBrms)'),
  })
  .strict()
  .refine((t) => t.method !== 'nested-grids' || t.nestedGrids !== undefined, { message: "method 'nested-grids' needs nestedGrids", path: ['nestedGrids'] })
  .refine((t) => t.cube === undefined || t.modeTableFile === undefined, { message: 'give either cube or modeTableFile, not both', path: ['cube'] });
export type Turbulence = z.infer<typeof TurbulenceSchema>;

export const FieldSchema = z
  .object({
    b0UG: nonNegative().default(0).describe('regular field magnitude, uG, >= 0'),
    b0Direction: DirectionSchema.default([0, 0, 1]).describe('regular field direction: [x, y, z] (equatorial axes) or {frame, lonDeg, latDeg}'),
    turbulence: TurbulenceSchema.default(TurbulenceSchema.parse({})),
  })
  .strict();
export type FieldConfig = z.infer<typeof FieldSchema>;

/** A nucleus of the composition: charge number, share of the flux and (optionally) its own index. */
export const SpeciesSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9+_-]{1,16}$/, { message: 'must be 1-16 letters, digits, +, _ or -' })
      .describe('label, e.g. p, He, CNO, Fe'),
    z: z.number().int().min(1).max(118).describe('charge number Z, 1..118; the bin is back-tracked at R = E/Z'),
    fraction: nonNegative().describe('share of the flux at referenceEnergyPeV, >= 0 (normalized over the species)'),
    spectralIndex: finite().optional().describe('own gamma of dN/dE ∝ E^-gamma; default the spectrum\'s'),
  })
  .strict();

const PROTONS_ONLY = [{ name: 'p', z: 1, fraction: 1 }];
const composition = () =>
  z
    .array(SpeciesSchema)
    .min(1)
    .max(16)
    .default(PROTONS_ONLY)
    .refine((c) => c.reduce((a, s) => a + s.fraction, 0) > 0, { message: 'the fractions add up to 0' })
    .refine((c) => new Set(c.map((s) => s.name)).size === c.length, { message: 'species names must differ' })
    .describe('species [{name, z, fraction, spectralIndex?}], default protons only');

/**
 * An energy spectrum of the arriving cosmic rays, sampled into rigidity bins (src/pipeline/spectrum.ts,
 * weights as in src/analysis/spectrumWeights.ts): each bin is back-tracked through the same field
 * realizations, and the sky is the flux-weighted sum of the bins' relative intensities.
 */
export const ParticleSpectrumSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('rigidities'),
      rigiditiesPV: z
        .array(positive())
        .min(1)
        .max(32)
        .refine(increasing, { message: 'must be in increasing order' })
        .describe('rigidities to back-track, PV, each > 0, increasing, 1..32 of them'),
      weights: z
        .array(nonNegative())
        .optional()
        .describe('share of the flux of each rigidity, >= 0, one per rigidity (normalized to sum 1); default equal'),
    })
    .strict()
    .refine((s) => s.weights === undefined || s.weights.length === s.rigiditiesPV.length, { message: 'needs one weight per rigidity', path: ['weights'] })
    .refine((s) => s.weights === undefined || s.weights.reduce((a, w) => a + w, 0) > 0, { message: 'the weights add up to 0', path: ['weights'] }),
  z
    .object({
      kind: z.literal('energy-range'),
      energyMinPeV: positive().describe('lowest total energy of the range, PeV, > 0'),
      energyMaxPeV: positive().describe('highest total energy, PeV, > energyMinPeV'),
      bins: z.number().int().min(1).max(32).describe('log-spaced energy bins per species, 1..32'),
      spectralIndex: finite().describe('gamma of dN/dE ∝ E^-gamma (e.g. 2.7 below the knee)'),
      composition: composition(),
      referenceEnergyPeV: positive().optional().describe('energy at which the fractions hold, PeV; default energyMinPeV'),
    })
    .strict()
    .refine((s) => s.energyMaxPeV > s.energyMinPeV, { message: 'energyMaxPeV must be > energyMinPeV', path: ['energyMaxPeV'] }),
  z
    .object({
      kind: z.literal('rigidity-bins'),
      edgesPV: z
        .array(positive())
        .min(2)
        .max(33)
        .refine(increasing, { message: 'must be in increasing order' })
        .describe('rigidity bin edges, PV, increasing, 2..33 of them'),
      spectralIndex: finite().describe('gamma of dN/dE ∝ E^-gamma'),
      composition: composition(),
      referenceEnergyPeV: positive().optional().describe('energy at which the fractions hold, PeV; default the proton energy at the lowest edge (edgesPV[0] PeV)'),
    })
    .strict(),
]);
export type ParticleSpectrum = z.infer<typeof ParticleSpectrumSchema>;

export const ParticlesSchema = z
  .object({
    rigidityPV: positive().default(1).describe('rigidity R = pc/(Ze), PV (1 TV = 1e-3 PV), > 0'),
    spectrum: ParticleSpectrumSchema.optional().describe(
      'energy spectrum instead of one rigidity (particles.rigidityPV is then unused): {kind: "rigidities", rigiditiesPV, weights?}, {kind: "energy-range", energyMinPeV, energyMaxPeV, bins, spectralIndex, composition} or {kind: "rigidity-bins", edgesPV, spectralIndex, composition}',
    ),
    charge: z.union([z.literal(1), z.literal(-1)]).default(1).describe('charge sign of the cosmic ray (+1 nuclei)'),
    nside: z
      .number()
      .int()
      .refine((n) => isPowerOfTwo(n) && n <= 1024, { message: 'must be a power of two in 1..1024' })
      .default(16)
      .describe('HEALPix N_side of the launch pixels and maps, power of two 1..1024'),
    perPixelSide: z
      .number()
      .int()
      .min(1)
      .max(16)
      .default(1)
      .describe('k: k^2 particles per pixel, 1..16 (k = 1: the pixel centre)'),
    frame: z.enum(['equatorial', 'galactic']).default('equatorial').describe('sky frame of the maps'),
    observerPc: z.tuple([finite(), finite(), finite()]).default([0, 0, 0]).describe('observer position, pc'),
  })
  .strict();

export const TrackingSchema = z
  .object({
    backend: z.enum(['auto', 'cpu', 'webgpu']).default('auto').describe('tracker backend'),
    stepPc: positive().optional().describe('fixed step, pc, > 0 and <= r_g; default min(r_g/20, lMin/4)'),
    timesPc: z
      .array(positive())
      .refine(increasing, { message: 'must be in increasing order' })
      .default([])
      .describe('snapshot times (path length c·t), pc, each > 0'),
    timesOmega: z
      .array(positive())
      .refine(increasing, { message: 'must be in increasing order' })
      .default([])
      .describe('snapshot times in units of 1/Omega (Omega = c/r_g in B0, or in brms if B0 = 0), each > 0'),
    sphereRadiusPc: positive().optional().describe('record the first crossing of this sphere around the observer, pc, > 0'),
    maxTimePc: positive().optional().describe('longest integration, pc, > 0 (needed with a sphere and no snapshot times)'),
    workers: z.number().int().min(1).max(256).optional().describe('CPU worker threads, 1..256; default all cores'),
  })
  .strict();

export const GradientSchema = z
  .object({
    direction: DirectionSchema.default({ frame: 'equatorial', lonDeg: 0, latDeg: 0 }).describe('direction of grad phi, up the gradient (towards the sources): [x, y, z] or {frame, lonDeg, latDeg}'),
    magnitudePerPc: nonNegative().default(1e-3).describe('|grad phi| / phi, pc^-1, >= 0'),
  })
  .strict();

export const LiouvilleSchema = z
  .object({
    model: z
      .enum(['fixed-time', 'sphere', 'dipole'])
      .default('fixed-time')
      .describe('fixed-time: gradient + Fick dipole at T; sphere: gradient on a sphere of radius R; dipole: homogeneous dipole'),
    gradient: GradientSchema.default(GradientSchema.parse({})),
    diffusion: z
      .union([
        z.literal('measured').describe('K from the running diffusion tensor of the same run'),
        z.literal('none').describe('no Fick term'),
        z
          .object({ parallelPc: nonNegative(), perpendicularPc: nonNegative() })
          .strict()
          .describe('K = K_par b b + K_perp (1 - b b) with b along B0, pc (units of c·pc)'),
      ])
      .default('measured')
      .describe('K of the Fick term: "measured" (running diffusion tensor of the same run at T), "none", or {parallelPc, perpendicularPc} along/across B0, pc'),
    dipole: DirectionSchema.optional().describe('homogeneous-dipole model: direction of delta'),
    dipoleAmplitude: nonNegative().default(1e-3).describe('homogeneous-dipole model: |delta|, >= 0'),
  })
  .strict();

export const ConfigSchema = z
  .object({
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1).describe('master seed, 0..2^32-1'),
    realizations: z.number().int().min(1).max(100000).default(1).describe('field realizations, 1..100000'),
    field: FieldSchema.default(FieldSchema.parse({})),
    particles: ParticlesSchema.default(ParticlesSchema.parse({})),
    tracking: TrackingSchema.default(TrackingSchema.parse({})),
    liouville: LiouvilleSchema.default(LiouvilleSchema.parse({})),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
