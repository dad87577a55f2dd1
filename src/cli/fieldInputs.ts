/**
 * Checks of the field inputs that a config names but the schema cannot see (a mode-table file and
 * its contents, a grid that must hold the spectrum's band), done before a command writes anything,
 * so bad input fails with exit code 2 and leaves no output behind.
 */
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../config/errors.ts';
import type { Config } from '../config/schema.ts';
import { modeTableStats } from '../turbulence/create.ts';
import { gridSpecOf } from '../turbulence/grid.ts';
import { loadModeTable } from '../turbulence/modeTable.ts';

export function checkFieldInputs(config: Config, baseDir: string): void {
  const t = config.field.turbulence;
  if (t.brmsUG === 0) return; // createField ignores the turbulence settings then
  if (t.modeTableFile !== undefined) {
    // resolved as createField resolves it
    const file = isAbsolute(t.modeTableFile) ? t.modeTableFile : resolve(baseDir, t.modeTableFile);
    try {
      modeTableStats(loadModeTable(file));
    } catch (e) {
      throw new ConfigError(`config: field.turbulence.modeTableFile = ${JSON.stringify(t.modeTableFile)}: ${(e as Error).message}`);
    }
    return;
  }
  if (t.method === 'grid') gridSpecOf(t); // throws a ConfigError if the band does not fit the grid
}
