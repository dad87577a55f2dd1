/**
 * `crsky observe <run-dir | map.fits> --observatory hawc[,icecube|file.json|hawc+icecube]`: a simulated sky as
 * ground-based observatories would report it (review Sec. 2): exposure over a sidereal day,
 * events, the relative intensity of the data-driven methods, cut-sky spectra and the dipole by
 * every method. The analysis is src/analysis/observatory/observe.ts, the files output/observeOutputs.ts.
 */
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { isNsideOk } from '../../analysis/healpix.ts';
import { OBSERVATORY_NAMES } from '../../analysis/observatory/presets.ts';
import { parseEvents, parseObservatoryViews, readInput } from '../../output/observeInputs.ts';
import { observeToDir } from '../../output/observeRun.ts';
import { UsageError } from '../errors.ts';

interface ObserveArgs {
  input: string;
  observatory: string;
  events?: string;
  seed: number;
  nside?: number;
  times?: number;
  lmax?: number;
  iterations: number;
  label?: string;
  out: string;
}

function checkInteger(option: string, value: number | undefined, lo: number, hi: number): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= lo && value <= hi)) throw new UsageError(`observe --${option} ${value}: must be an integer in [${lo}, ${hi}]`);
}

export function observeCommand(setExit: (code: number) => void): CommandModule<object, ObserveArgs> {
  return {
    command: 'observe <input>',
    describe: 'what ground-based observatories (IceCube, HAWC, Tibet, ...) would report of a simulated sky: maps, C_l, dipoles',
    builder: (y) =>
      y
        .positional('input', { type: 'string', demandOption: true, describe: 'run directory of `crsky simulate` (its mean map) or a full-sky equatorial HEALPix FITS map of I' })
        .option('observatory', {
          type: 'string',
          demandOption: true,
          describe: `comma-separated views side by side: ${OBSERVATORY_NAMES.join(', ')}, or a JSON definition file; join two or more with + for one joint reconstruction on the union of their fields of view (hawc+icecube)`,
        })
        .option('events', {
          type: 'string',
          describe: 'Poisson events of each detector (alone or in a joint view), in [1, 1e16] (e.g. 4.9e10); or name=N per observatory (hawc=4.9e10,icecube=3.2e11); or "reference": each preset\'s published data-set size; default: no noise',
        })
        .option('seed', { type: 'number', default: 1, describe: 'seed of the Poisson draws, integer in [0, 2^31 - 1]' })
        .option('nside', { type: 'number', describe: 'analysis N_side, a power of 2 in [4, min(map N_side, 128)] (default min(map N_side, 64))' })
        .option('times', { type: 'number', describe: 'sidereal steps per day, integer in [8, 4096] (default 4·N_side)' })
        .option('lmax', { type: 'number', describe: 'largest multipole, integer in [1, 3·N_side − 1] (default min(3·N_side − 1, 2·N_side))' })
        .option('iterations', { type: 'number', default: 100, describe: 'most maximum-likelihood updates, integer in [0, 10000]' })
        .option('label', { type: 'string', describe: 'which map of a run directory (default: the last snapshot)' })
        .option('out', { type: 'string', default: 'observe', describe: 'output directory: new, empty, or an earlier observe output of the same inputs' })
        .example('$0 observe out/quick --observatory hawc,icecube --events 1e9 --out obs', 'HAWC and IceCube side by side, with Poisson noise')
        .example('$0 observe out/quick --observatory hawc,icecube,hawc+icecube --events hawc=4.9e10,icecube=3.2e11 --out obs', 'each alone and jointly (one reconstruction on the union of their fields of view, as ApJ 871, 96)') as never,
    handler: (args) => {
      // every check before anything is written
      const parsed = parseObservatoryViews(args.observatory);
      const events = parseEvents(args.events, parsed.observatories);
      checkInteger('seed', args.seed, 0, 2 ** 31 - 1);
      checkInteger('iterations', args.iterations, 0, 10000);
      const input = readInput(args.input, args.label);
      const nsideIn = Math.round(Math.sqrt(input.map.length / 12));
      const nsideMax = Math.min(nsideIn, 128);
      if (nsideIn < 4) throw new UsageError(`observe ${input.file}: N_side ${nsideIn} is too coarse for an observatory (at least 4)`);
      const nside = args.nside ?? Math.min(nsideIn, 64);
      if (!(isNsideOk(nside) && nside >= 4 && nside <= nsideMax)) throw new UsageError(`observe --nside ${args.nside}: must be a power of 2 in [4, ${nsideMax}] (the map has N_side ${nsideIn})`);
      checkInteger('times', args.times, 8, 4096);
      checkInteger('lmax', args.lmax, 1, 3 * nside - 1);
      const { summary, written } = observeToDir(input, parsed, {
        out: args.out,
        nside,
        times: args.times,
        lmax: args.lmax,
        iterations: args.iterations,
        events,
        seed: args.seed,
        onObservatory: (obs) => process.stderr.write(`observing with ${obs.name} ...\n`),
      });
      process.stdout.write(`${summary}\nwrote ${written.map((f) => path.join(args.out, f)).join(', ')}\n`);
      setExit(0);
    },
  };
}
