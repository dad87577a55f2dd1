/**
 * crsky's programmatic API in Node: everything of src/core.ts (which also runs in a browser),
 * plus the run functions that open trackers and read files (src/api.ts), FITS/CSV/mode-table
 * files, and figures.
 */
export * from './core.ts';
export { simulate, diffusion, openTracker, resolveRequest, type RunRequest, type PartialConfig, type SimulateOptions, type DiffusionRunOptions } from './api.ts';
export { createCpuTracker } from './sim/node/cpu.ts';
export { createTracker, type BackendChoice, type CreatedTracker } from './sim/node/backends.ts';
export { readHealpixFits, writeHealpixFits } from './io/fits.ts';
export { readCsv, writeCsv } from './io/csv.ts';
export { loadModeTable, saveModeTable } from './io/modeTableFile.ts';
export { readVectorCube } from './io/vectorCube.ts';
export { loadConfig, readConfigFile } from './io/configFile.ts';
export { writeMollweide } from './io/mollweide.ts';
export { writeClPlot } from './io/clPlot.ts';
