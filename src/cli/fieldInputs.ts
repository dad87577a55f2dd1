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
    let stats: ReturnType<typeof modeTableStats>;
    try {
      stats = modeTableStats(loadModeTable(file));
    } catch (e) {
      throw new ConfigError(`config: field.turbulence.modeTableFile = ${JSON.stringify(t.modeTableFile)}: ${(e as Error).message}`);
    }
    // The table is used as is, but r_g, Omega and the default step come from the config's
    // brmsUG and lMinPc: they must describe the table, or the step could miss its shortest modes.
    if (Math.abs(stats.brmsUG - t.brmsUG) > 1e-3 * stats.brmsUG) {
      throw new ConfigError(
        `config: field.turbulence.brmsUG = ${t.brmsUG}: the mode table ${t.modeTableFile} has B_rms = ${stats.brmsUG.toPrecision(6)} uG (sqrt(Σ|a|²/2)); set brmsUG to that`,
      );
    }
    if (t.spectrum.lMinPc > stats.lMinPc * (1 + 1e-6)) {
      throw new ConfigError(
        `config: field.turbulence.spectrum.lMinPc = ${t.spectrum.lMinPc}: the mode table ${t.modeTableFile} has wavelengths down to ${stats.lMinPc.toPrecision(6)} pc; set lMinPc <= that (it sets the default step)`,
      );
    }
    return;
  }
  if (t.method === 'grid') gridSpecOf(t); // throws a ConfigError if the band does not fit the grid
}
