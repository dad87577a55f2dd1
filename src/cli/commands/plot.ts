/**
 * `crsky plot DIR`: re-renders the figures of a simulate output directory from its mean maps
 * and C_l tables (e.g. wider, another centre longitude, dipole-subtracted or smoothed maps).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { readCsv } from '../../io/csv.ts';
import { readHealpixFits } from '../../io/fits.ts';
import { UsageError } from '../errors.ts';
import { renderPlots } from '../simulate/finalize.ts';
import { makePlan } from '../simulate/plan.ts';
import { MANIFEST, readJson } from '../simulate/runDir.ts';
import type { Manifest } from '../simulate/run.ts';

interface PlotArgs {
  dir: string;
  width?: number;
  'lon-center'?: number;
  'remove-multipoles'?: number;
  smooth?: number;
}

export function plotCommand(setExit: (code: number) => void): CommandModule<object, PlotArgs> {
  return {
    command: 'plot <dir>',
    describe: 're-render the map and C_l figures of a simulate output directory',
    builder: (y) =>
      y
        .positional('dir', { type: 'string', demandOption: true, describe: 'output directory of `crsky simulate` or `crsky merge`' })
        .option('width', { type: 'number', describe: 'figure width in px, >= 200 (maps default 1200, C_l 800)' })
        .option('lon-center', { type: 'number', describe: 'longitude at the map centre, degrees (default 0)' })
        .option('remove-multipoles', { type: 'number', describe: 'show the maps with l <= this removed (1: dipole-subtracted), 0..10' })
        .option('smooth', { type: 'number', describe: 'top-hat smoothing radius of the map figures, degrees, (0, 180]' })
        .example('$0 plot out/gs --remove-multipoles 1 --smooth 10', 'dipole-subtracted maps as in Giacinti & Sigl') as never,
    handler: (args) => {
      const manifestFile = path.join(args.dir, MANIFEST);
      if (!fs.existsSync(manifestFile)) throw new UsageError(`plot: ${args.dir} has no ${MANIFEST}; not a crsky run directory`);
      const manifest = readJson<Manifest>(manifestFile);
      if (!manifest.maps) throw new UsageError(`plot: ${args.dir} is not finished (status ${manifest.status}); finish it with simulate --resume`);
      const rm = args['remove-multipoles'];
      if (rm !== undefined && !(Number.isInteger(rm) && rm >= 0 && rm <= 10)) throw new UsageError(`plot --remove-multipoles ${rm}: must be an integer in [0, 10]`);
      if (args.smooth !== undefined && !(args.smooth > 0 && args.smooth <= 180)) throw new UsageError(`plot --smooth ${args.smooth}: must be in (0, 180] degrees`);
      if (args.width !== undefined && !(args.width >= 200)) throw new UsageError(`plot --width ${args.width}: must be >= 200 px`);
      const plan = makePlan(manifest.config, args.dir);
      const written: string[] = [];
      for (const s of manifest.maps) {
        const spec = plan.maps.find((m) => m.label === s.label);
        if (!spec) throw new UsageError(`plot: map ${s.label} of the manifest does not follow from its config`);
        const mean = readHealpixFits(path.join(args.dir, s.files.meanMap)).columns[0].data;
        const t = readCsv(path.join(args.dir, s.files.clCsv)).columns;
        const files = renderPlots(plan, spec, s.realizations, mean, { l: t.l, mean: t.mean, std: t.std, clHat: t.cl_hat, error: t.error, noise: t.noise[0] }, args.dir, {
          width: args.width,
          lonCenterDeg: args['lon-center'],
          removeMultipoles: rm,
          smoothDeg: args.smooth,
        });
        written.push(files.mapPng, files.clPng, files.clSvg);
      }
      process.stdout.write(`wrote ${written.join(', ')}\n`);
      setExit(0);
    },
  };
}
