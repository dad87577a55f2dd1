/**
 * Reads the field inputs a config names by file (a mode table, a field cube), relative to the
 * config's base directory, as data for the pipeline (src/turbulence/create.ts FieldInputs). A file
 * that cannot be read or parsed is bad input: a ConfigError naming the field and the file. Async
 * because HDF5 cubes are read by a WebAssembly library that loads asynchronously.
 */
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../config/errors.ts';
import type { Config } from '../config/schema.ts';
import type { FieldInputs } from '../turbulence/create.ts';
import { loadModeTable } from './modeTableFile.ts';
import { readVectorCube } from './vectorCube.ts';

export async function readFieldInputs(config: Config, baseDir: string): Promise<FieldInputs> {
  const t = config.field.turbulence;
  if (t.brmsUG === 0) return {};
  if (t.cube !== undefined) return { cube: await readVectorCube(t.cube, baseDir) };
  if (t.modeTableFile === undefined) return {};
  const file = isAbsolute(t.modeTableFile) ? t.modeTableFile : resolve(baseDir, t.modeTableFile);
  try {
    return { modeTable: loadModeTable(file) };
  } catch (e) {
    throw new ConfigError(`config: field.turbulence.modeTableFile = ${JSON.stringify(t.modeTableFile)}: ${(e as Error).message}`);
  }
}
