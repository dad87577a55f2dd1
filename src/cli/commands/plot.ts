/**
 * `crsky plot DIR`: re-renders the figures of a simulate output directory from its mean maps
 * and C_l tables (e.g. wider, another centre longitude, dipole-subtracted or smoothed maps).
 */
import type { CommandModule } from 'yargs';
import { replotRun } from '../../output/plotDir.ts';
import { numberOption } from '../args.ts';

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
        .option('width', numberOption('plot --width', 'figure width in px, integer 200..8000 (maps default 1200, C_l 800)'))
        .option('lon-center', numberOption('plot --lon-center', 'longitude at the map centre, degrees, -180..180 (default 0)'))
        .option('remove-multipoles', numberOption('plot --remove-multipoles', 'show the maps with l <= this removed (1: dipole-subtracted), 0..10'))
        .option('smooth', numberOption('plot --smooth', 'top-hat smoothing radius of the map figures, degrees, (0, 180]'))
        .example('$0 plot out/gs --remove-multipoles 1 --smooth 10', 'dipole-subtracted maps as in Giacinti & Sigl') as never,
    handler: (args) => {
      const written = replotRun(args.dir, {
        width: args.width,
        lonCenterDeg: args['lon-center'],
        removeMultipoles: args['remove-multipoles'],
        smoothDeg: args.smooth,
      });
      process.stdout.write(`wrote ${written.join(', ')}\n`);
      setExit(0);
    },
  };
}
