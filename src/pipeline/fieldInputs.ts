/**
 * Checks of the field inputs that a config names but the schema cannot see (a mode table's
 * contents, a grid that must hold the spectrum's band), done before any work, so bad input fails
 * as a ConfigError (exit code 2 in the CLI) and nothing is written.
 */
import { ConfigError } from '../config/errors.ts';
import type { Config } from '../config/schema.ts';
import { modeTableStats, type FieldInputs } from '../turbulence/create.ts';
import { gridSpecOf } from '../turbulence/grid.ts';

export function checkFieldInputs(config: Config, inputs: FieldInputs): void {
  const t = config.field.turbulence;
  if (t.brmsUG === 0) return; // createField ignores the turbulence settings then
  if (t.cube !== undefined) {
    const cube = inputs.cube;
    if (cube === undefined) throw new ConfigError(`config: field.turbulence.cube.files = ${JSON.stringify(t.cube.files)}: the cube was not given (read it with readVectorCube and pass it as inputs.cube)`);
    // the default step comes from lMinPc: it must not exceed the cube's smallest wavelength
    const lMin = (2 * t.cube.boxPc) / cube.n;
    if (t.spectrum.lMinPc > lMin * (1 + 1e-6)) {
      throw new ConfigError(
        `config: field.turbulence.spectrum.lMinPc = ${t.spectrum.lMinPc}: the cube (${cube.n}^3 nodes over ${t.cube.boxPc} pc) has wavelengths down to ${+lMin.toPrecision(6)} pc; set lMinPc <= that (it sets the default step)`,
      );
    }
    return;
  }
  if (t.modeTableFile !== undefined) {
    const name = JSON.stringify(t.modeTableFile);
    if (inputs.modeTable === undefined) {
      throw new ConfigError(`config: field.turbulence.modeTableFile = ${name}: the table was not given (read it with loadModeTable and pass it as inputs.modeTable)`);
    }
    let stats: ReturnType<typeof modeTableStats>;
    try {
      stats = modeTableStats(inputs.modeTable);
    } catch (e) {
      throw new ConfigError(`config: field.turbulence.modeTableFile = ${name}: ${(e as Error).message}`);
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
    // One table is one realization of δB: reusing it would make R identical fields whose scatter
    // is not an ensemble error (docs/physics.md Sec. 3.3).
    if (config.realizations > 1) {
      throw new ConfigError(
        `config: realizations = ${config.realizations}: field.turbulence.modeTableFile ${t.modeTableFile} is one realization of the turbulence; run it with realizations = 1 (one run per table)`,
      );
    }
    return;
  }
  if (t.method === 'grid') gridSpecOf(t); // throws a ConfigError if the band does not fit the grid
}
