/** `crsky analyze map.fits`: C_l, dipole, multipole removal and smoothing of any HEALPix FITS map. */
import type { CommandModule } from 'yargs';
import { analyzeCrossFiles, analyzeFile, analyzeSummary, crossSummary } from '../../output/analyzeFiles.ts';
import { numberOption } from '../args.ts';

interface AnalyzeArgs {
  map: string;
  second?: string;
  lmax?: number;
  'remove-multipoles'?: number;
  smooth?: number;
  column?: string;
  iter: number;
  out: string;
  json: boolean;
}

export function analyzeCommand(setExit: (code: number) => void, argv: readonly string[] = []): CommandModule<object, AnalyzeArgs> {
  return {
    command: 'analyze <map> [second]',
    describe: 'C_l, dipole, multipole removal and top-hat smoothing of a HEALPix FITS map (ours or anyone’s); of two maps, their cross-spectrum and r_l',
    builder: (y) =>
      y
        .positional('map', { type: 'string', demandOption: true, describe: 'HEALPix FITS map (RING or NESTED; UNSEEN pixels are masked)' })
        .positional('second', { type: 'string', describe: 'a second map of the same N_side: writes their cross-spectrum C_l^XY and r_l = C^XY/sqrt(C^XX C^YY) (cross.csv, cross.png), healpy anafast(m1, m2)' })
        .option('lmax', numberOption('analyze --lmax', 'largest multipole, 1..3·N_side−1 (default 3·N_side−1)'))
        .option('remove-multipoles', numberOption('analyze --remove-multipoles', 'fit and remove all l <= this (1: monopole+dipole, 3: up to octupole), 0..10'))
        .option('smooth', numberOption('analyze --smooth', 'top-hat smoothing radius in degrees, (0, 180], applied to the residual map'))
        .option('column', { type: 'string', describe: 'map column to analyze (default: the first)' })
        .option('iter', numberOption('analyze --iter', 'Jacobi iterations of map2alm, 0..10 (healpy: iter=3)', { default: 3 }))
        .option('out', { type: 'string', default: 'analysis', describe: 'output directory for cl.csv, dipole.csv, residual.fits and PNGs (two maps: cross.csv, cross.png): new, empty, or an earlier analyze output (its analysis.json)' })
        .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON' })
        .example('$0 analyze out/quick/maps/mean_t01.fits --remove-multipoles 1 --smooth 20 --out ana', 'dipole-subtracted, 20° smoothed')
        .example('$0 analyze out/spec/bins/b00/maps/mean_t01.fits out/spec/bins/b02/maps/mean_t01.fits --out cross', 'cross-spectrum of two rigidity bins') as never,
    handler: (args) => {
      if (args.second !== undefined) {
        const x = analyzeCrossFiles(args.map, args.second, { lmax: args.lmax, removeMultipoles: args['remove-multipoles'], smoothDeg: args.smooth, column: args.column, iterations: args.iter, out: args.out }, argv);
        if (args.json) {
          const arr = (a: Float64Array) => Array.from(a, (v) => (Number.isFinite(v) ? v : null));
          process.stdout.write(JSON.stringify({ ...x, clXY: arr(x.clXY), clXX: arr(x.clXX), clYY: arr(x.clYY), r: arr(x.r) }, null, 2) + '\n');
        } else {
          process.stdout.write(crossSummary(x) + '\n');
        }
        setExit(0);
        return;
      }
      const r = analyzeFile(args.map, {
        lmax: args.lmax,
        removeMultipoles: args['remove-multipoles'],
        smoothDeg: args.smooth,
        column: args.column,
        iterations: args.iter,
        out: args.out,
      }, argv);
      if (args.json) {
        process.stdout.write(JSON.stringify({ ...r, cl: Array.from(r.cl) }, null, 2) + '\n');
      } else {
        process.stdout.write(analyzeSummary(args.map, r) + '\n');
      }
      setExit(0);
    },
  };
}
