/**
 * Everything of crsky that runs in a browser as well as in Node: config, fields, the CPU, WebGPU
 * and gpujs trackers (bring your own GPU object and shader loader, or gpu.js instance), the pipeline and the analysis.
 * The package's "browser" entry; src/index.ts adds the Node parts.
 */
export { ConfigSchema, type Config, type ConfigInput, type Direction, type Spectrum, type FieldConfig, type ParticleSpectrum } from './config/schema.ts';
export { PRESETS, type Preset } from './config/presets.ts';
export { resolveConfig, mergeConfig, parseOverride, validateConfig, type JsonObject, type Json } from './config/resolve.ts';
export { ConfigError } from './config/errors.ts';
export { gyroradiusPc, rigidityForGyroradiusPV, gyrofrequencyPerPc, DEG, TV_IN_PV } from './config/units.ts';
export { EQUATORIAL_TO_GALACTIC, GALACTIC_TO_EQUATORIAL, applyMat3, lonLatToVec, vecToLonLat, toEquatorial, fromEquatorial, directionToUnitVector, type Frame } from './config/frames.ts';
export type { Vec3 } from './config/vec3.ts';
export { fieldSeed, launchSeed, noiseSeed } from './config/seeds.ts';
export { referenceGyroradiusPc, configReferenceFieldUG, snapshotTimesPc, stepPc } from './config/derived.ts';
export { correlationLengthPc } from './turbulence/spectrum.ts';

export { createField, modeTableStats, type FieldInputs } from './turbulence/create.ts';
export { parseNpy, encodeNpy } from './turbulence/npy.ts';
export { cubeToField, type VectorCube } from './turbulence/cube.ts';
export { createFieldEvaluator } from './turbulence/evaluate.ts';
export { formatModeTableCsv, parseModeTableCsv } from './turbulence/modeTable.ts';
export type { FieldData, FieldSummary, ModeTurbulence, GridTurbulence, TurbulenceData } from './turbulence/field.ts';

export { CpuTracker, type SliceWorker } from './sim/cpu/tracker.ts';
export { integrateSlice, resultBuffers, type SliceRequest, type SliceResult } from './sim/cpu/slices.ts';
export { WebGpuTracker, type WebGpuEnvironment } from './sim/webgpu/tracker.ts';
export { browserWebGpu, browserGpu, fetchShaderFile } from './sim/webgpu/browser.ts';
export type { ShaderLoader } from './sim/webgpu/shaders.ts';
export { NoWebGpuAdapterError } from './sim/webgpu/tracker.ts';
export { GpuJsTracker, type GpuJsTrackerOptions } from './sim/gpujs/tracker.ts';
export type { GpuJsInstance } from './sim/gpujs/gpujs.ts';
export { isotropicDirections, logSpacedTimes } from './sim/launch.ts';
export { DeviceLimitError, type Tracker, type TrackJob, type EndStates, type Snapshot, type SphereCrossings, type StopConditions, type TrackProgress, type BackendName } from './sim/types.ts';

export { makePlan, launchDirections, planWarnings, type RunPlan, type MapSpec, type BinPlan } from './pipeline/plan.ts';
export { estimateRun, checkRunEstimate, describeWork, trackerWorkload, type RunEstimate, type RunLimits } from './pipeline/estimate.ts';
export { runRealization, dipoleOf, binCrossSpectra, type RealizationRecord, type RealizationResult, type MapRecord, type BinRecord, type CrossPair, type Dipole } from './pipeline/realization.ts';
export { combineRealizations, type EnsembleProducts, type MapEnsemble, type MapSummary, type ClColumns } from './pipeline/ensemble.ts';
export { runSimulation, type SimulationOptions, type SimulationResult } from './pipeline/simulate.ts';
export { planDiffusion, runDiffusion, type DiffusionPlan, type DiffusionResult } from './pipeline/diffusion.ts';
export { analyzeMap, clMinusMonopole, crossAnalyzeMaps, type AnalyzeOptions, type MapAnalysis, type CrossAnalysis } from './pipeline/analyze.ts';
export { spectrumBinsOf, configBins, binConfig, validateSimulation, type SpectrumBin } from './pipeline/spectrum.ts';
export { combineSpectrum, type SpectrumProducts, type BinEnsemble } from './pipeline/spectrumEnsemble.ts';
export { mapStatistics, statisticsEnsemble, MINKOWSKI_THRESHOLDS, MINKOWSKI_BIN_WIDTH, type MapStatistics, type StatisticsEnsemble } from './pipeline/mapStatistics.ts';
export { checkFieldInputs } from './pipeline/fieldInputs.ts';
export type { RunProgress } from './pipeline/progress.ts';

export { map2alm, alm2map, alm2cl, anafast, almIndex, almSize } from './analysis/harmonics.ts';
export { removeMultipoles } from './analysis/multipoles.ts';
export { smoothTopHat } from './analysis/smoothing.ts';
export { dipoleFromMap, dipoleFromAlm, equatorialDipole, dipoleSummary } from './analysis/dipole.ts';
export { crossSpectra, crossSpectraFromAlm, correlationCoefficient } from './analysis/crossSpectra.ts';
export { minkowskiFunctionals, gaussianMinkowski, gaussianSigmas, minkowskiEnsemble } from './analysis/minkowski.ts';
export { mapMoments } from './analysis/moments.ts';
export { smoothing, smoothalm, gaussBeam, almxfl } from './analysis/gaussianSmoothing.ts';
export { rotateMap, rotateAlm } from './analysis/rotate.ts';
export { spectrumBins, mergeByRigidity, combineMaps } from './analysis/spectrumWeights.ts';
export { fitPowerLaw, fitBrokenPowerLaw } from './analysis/spectrumFit.ts';
export { standardDiffusionDipole, bgkDiffusionCoefficients, diffusionTensorWithHall } from './analysis/theory/standardDiffusion.ts';
export { relativeDiffusionCl, relativeDiffusionClRatio, dipoleSourceTerm } from './analysis/theory/relativeDiffusion.ts';
export { sumRuleVariance, sumRulePrediction, relativeDiffusionTensor } from './analysis/theory/sumRule.ts';
export { ballisticDiffusionPc, smallAngleScatteringDiffusionPc } from './analysis/theory/diffusionLimits.ts';
export { observeMap, type Observation, type ObservedFieldOfView } from './analysis/observatory/observe.ts';
export { OBSERVATORY_PRESETS, OBSERVATORY_NAMES, type ObservatoryPreset } from './analysis/observatory/presets.ts';
export { parseObservatory, fieldOfView, type Observatory } from './analysis/observatory/definition.ts';
export { repeatedName, jointViewKey } from './analysis/observatory/viewNames.ts';
export { observeSky } from './pipeline/observe.ts';
export {
  UNSEEN,
  nside2npix,
  npix2nside,
  nside2pixarea,
  pix2vec,
  pix2ang,
  ang2pix,
  vec2pix,
  vec2ang,
  ang2vec,
  reorder,
  queryDisc,
  getAllNeighbours,
  pixelCentres,
} from './analysis/healpix.ts';
export { clStats, noiseSubtractedCl, backtrackingNoiseLevel } from './analysis/ensemble.ts';
export { runningDiffusion, type DiffusionRow } from './analysis/diffusion.ts';
export { fixedTimeDensity, sphereDensity, dipoleDensity, pixelMeans, relativeIntensity, measuredDiffusionTensor, diffusionTensor } from './analysis/liouville.ts';

export { encodeHealpixFits, decodeHealpixFits, type HealpixFitsMap, type HealpixMapToWrite } from './io/fitsFormat.ts';
export { formatCsv, parseCsv } from './io/csvFormat.ts';
export { intensityMapFits } from './io/intensityMap.ts';
export { observedMapFits, observedClTable, observedDipolesTable, DIPOLE_METHODS, type CsvTableToWrite } from './io/observationFormat.ts';
