/**
 * `crsky observe <run-dir | map.fits> --observatory hawc[,icecube|file.json]`: a simulated sky as
 * ground-based observatories would report it (review Sec. 2): exposure over a sidereal day,
 * events, the relative intensity of the data-driven methods, cut-sky spectra and the dipole by
 * every method. The analysis is src/analysis/observatory/observe.ts, the files io/observeOutputs.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import seedrandom from 'seedrandom';
import type { CommandModule } from 'yargs';
import { observeSeed } from '../../config/seeds.ts';
import { isNsideOk, reorder } from '../../analysis/healpix.ts';
import { ObservatoryDefinitionError, parseObservatory, type Observatory } from '../../analysis/observatory/definition.ts';
import { observeMap, type Observation } from '../../analysis/observatory/observe.ts';
import { OBSERVATORY_NAMES, OBSERVATORY_PRESETS } from '../../analysis/observatory/presets.ts';
import { udGrade } from '../../analysis/observatory/udGrade.ts';
import { readHealpixFits } from '../../io/fits.ts';
import {
  fileSha256,
  observationSummary,
  observeInputsKey,
  observeOutDirProblem,
  writeObservation,
  writeObserveRecord,
  writeSideBySide,
} from '../../io/observeOutputs.ts';
import { writeFileAtomic } from '../../io/atomic.ts';
import { UsageError } from '../errors.ts';
import { crskyVersion } from '../version.ts';

interface ObserveArgs {
  input: string;
  observatory: string;
  events?: number;
  seed: number;
  nside?: number;
  times?: number;
  lmax?: number;
  iterations: number;
  label?: string;
  out: string;
}

/** The map to observe: RING order, the file it came from and its label (run directories). */
interface InputMap {
  readonly map: Float64Array;
  readonly file: string;
  readonly label: string | null;
  readonly name: string;
}

/** The finished mean map of a run directory (`--label`, default the last snapshot). */
function runDirMap(dir: string, label: string | undefined): { file: string; label: string } {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new UsageError(`observe ${dir}: a directory must be a crsky run directory (no manifest.json there)`);
  let manifest: { maps?: { label: string; files: { meanMap: string } }[] | null; status?: string };
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch {
    throw new UsageError(`observe ${dir}: manifest.json is not readable JSON`);
  }
  const maps = manifest.maps;
  if (!Array.isArray(maps) || maps.length === 0) throw new UsageError(`observe ${dir}: the run is not finished (status ${manifest.status ?? 'unknown'}); finish it with simulate --resume`);
  const labels = maps.map((m) => m.label);
  const chosen = label === undefined ? maps[maps.length - 1] : maps.find((m) => m.label === label);
  if (!chosen) throw new UsageError(`observe --label ${label}: not a map of ${dir}; allowed: ${labels.join(', ')}`);
  return { file: path.join(dir, chosen.files.meanMap), label: chosen.label };
}

function readInput(input: string, label: string | undefined): InputMap {
  if (!fs.existsSync(input)) throw new UsageError(`observe ${input}: no such file or directory (give a run directory or a HEALPix FITS map)`);
  let file = input;
  let chosen: string | null = null;
  if (fs.statSync(input).isDirectory()) {
    const r = runDirMap(input, label);
    file = r.file;
    chosen = r.label;
  } else if (label !== undefined) {
    throw new UsageError(`observe --label ${label}: only for a run directory, not for the map file ${input}`);
  }
  let fits: ReturnType<typeof readHealpixFits>;
  try {
    fits = readHealpixFits(file);
  } catch (e) {
    throw new UsageError(`observe ${file}: ${(e as Error).message}`);
  }
  if (fits.coordsys !== null && fits.coordsys !== 'C') {
    throw new UsageError(`observe ${file}: COORDSYS ${fits.coordsys}: an observatory needs an equatorial map (C); simulate with particles.frame=equatorial`);
  }
  const col = fits.columns[0];
  const map = fits.ordering === 'NESTED' ? reorder(col.data, 'n2r') : Float64Array.from(col.data);
  let bad = 0, first = -1;
  for (let p = 0; p < map.length; p++) {
    if (!(Number.isFinite(map[p]) && map[p] > 0)) {
      bad++;
      if (first < 0) first = p;
    }
  }
  if (bad > 0) throw new UsageError(`observe ${file}: ${bad} pixels are not a positive relative intensity (pixel ${first} is ${map[first]}); the map must be a full-sky I > 0`);
  const name = chosen ? `${path.basename(path.resolve(input))} [${chosen}]` : path.basename(file);
  return { map, file, label: chosen, name };
}

/** Presets by name and JSON definitions by path, comma-separated. */
function parseObservatories(spec: string): Observatory[] {
  const items = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`observe --observatory ${JSON.stringify(spec)}: name at least one of ${OBSERVATORY_NAMES.join(', ')} or a JSON file`);
  const out: Observatory[] = [];
  for (const item of items) {
    let obs: Observatory;
    if (/\.json$/i.test(item)) {
      if (!fs.existsSync(item)) throw new UsageError(`observe --observatory ${item}: no such file`);
      let json: unknown;
      try {
        json = JSON.parse(fs.readFileSync(item, 'utf8'));
      } catch (e) {
        throw new UsageError(`observe --observatory ${item}: not valid JSON (${(e as Error).message})`);
      }
      try {
        obs = parseObservatory(json, `observe --observatory ${item}`);
      } catch (e) {
        if (e instanceof ObservatoryDefinitionError) throw new UsageError(e.message);
        throw e;
      }
    } else {
      const preset = OBSERVATORY_PRESETS[item.toLowerCase()];
      if (!preset) throw new UsageError(`observe --observatory ${item}: unknown observatory; allowed: ${OBSERVATORY_NAMES.join(', ')} or a .json definition`);
      obs = preset.observatory;
    }
    if (out.some((o) => o.name === obs.name)) throw new UsageError(`observe --observatory ${spec}: ${obs.name} is named twice`);
    out.push(obs);
  }
  return out;
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
        .option('observatory', { type: 'string', demandOption: true, describe: `comma-separated: ${OBSERVATORY_NAMES.join(', ')}, or a JSON definition file` })
        .option('events', { type: 'number', describe: 'Poisson events in total, in [1, 1e16] (e.g. 4.9e10); default: no noise' })
        .option('seed', { type: 'number', default: 1, describe: 'seed of the Poisson draws, integer in [0, 2^31 - 1]' })
        .option('nside', { type: 'number', describe: 'analysis N_side, a power of 2 in [4, min(map N_side, 128)] (default min(map N_side, 64))' })
        .option('times', { type: 'number', describe: 'sidereal steps per day, integer in [8, 4096] (default 4·N_side)' })
        .option('lmax', { type: 'number', describe: 'largest multipole, integer in [1, 3·N_side − 1] (default min(3·N_side − 1, 2·N_side))' })
        .option('iterations', { type: 'number', default: 100, describe: 'most maximum-likelihood updates, integer in [0, 10000]' })
        .option('label', { type: 'string', describe: 'which map of a run directory (default: the last snapshot)' })
        .option('out', { type: 'string', default: 'observe', describe: 'output directory: new, empty, or an earlier observe output of the same inputs' })
        .example('$0 observe out/quick --observatory hawc,icecube --events 1e9 --out obs', 'HAWC and IceCube side by side, with Poisson noise') as never,
    handler: (args) => {
      // every check before anything is written
      const observatories = parseObservatories(args.observatory);
      if (args.events !== undefined && !(Number.isFinite(args.events) && args.events >= 1 && args.events <= 1e16)) throw new UsageError(`observe --events ${args.events}: must be a number in [1, 1e16]`);
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
      const inputSha256 = fileSha256(input.file);
      const key = observeInputsKey(inputSha256, input.label, observatories);
      const problem = observeOutDirProblem(args.out, key);
      if (problem) throw new UsageError(`observe --out ${args.out}: ${problem}`);

      const map = udGrade(input.map, nside);
      const results: Observation[] = [];
      for (const obs of observatories) {
        process.stderr.write(`observing with ${obs.name} ...\n`);
        try {
          results.push(
            observeMap(map, obs, {
              nTimes: args.times,
              lmax: args.lmax,
              iterations: args.iterations,
              events: args.events,
              random: args.events !== undefined ? seedrandom(observeSeed(args.seed, obs.name)) : undefined,
            }),
          );
        } catch (e) {
          // an observatory that sees nothing at this resolution is bad input, not a failure
          if (e instanceof RangeError && /sees no complete declination ring/.test(e.message)) throw new UsageError(`observe --observatory ${obs.name}: ${e.message}; raise --nside or the zenith cut`);
          throw e;
        }
      }

      fs.mkdirSync(args.out, { recursive: true });
      const written: string[] = [];
      for (const r of results) written.push(...writeObservation(path.join(args.out, r.observatory.name), r, input.name).map((f) => path.join(r.observatory.name, f)));
      if (results.length >= 2) {
        let mean = 0;
        for (const v of map) mean += v;
        mean /= map.length;
        writeSideBySide(path.join(args.out, 'side-by-side.png'), Float64Array.from(map, (v) => v / mean - 1), input.name, results);
        written.push('side-by-side.png');
      }
      // presets whose numbers could not be checked against a paper say so with every result
      const notes = observatories.flatMap((o) => {
        const p = OBSERVATORY_PRESETS[o.name];
        return p && p.observatory === o && !p.verified ? [`note: ${o.name}: ${p.sources.latitude}; ${p.sources.zenithMax}`] : [];
      });
      const summary = [`crsky observe ${input.name} (${input.file})`, ...results.map(observationSummary), ...notes].join('\n');
      writeFileAtomic(path.join(args.out, 'summary.txt'), summary + '\n');
      writeObserveRecord(args.out, {
        command: 'observe',
        key,
        input: path.resolve(input.file),
        inputSha256,
        label: input.label,
        observatories,
        options: { events: args.events ?? null, seed: args.seed, nside, times: args.times ?? 4 * nside, lmax: args.lmax ?? Math.min(3 * nside - 1, 2 * nside), iterations: args.iterations },
        crsky: crskyVersion(),
        createdAt: new Date().toISOString(),
      });
      written.push('summary.txt', 'observe.json');
      process.stdout.write(`${summary}\nwrote ${written.map((f) => path.join(args.out, f)).join(', ')}\n`);
      setExit(0);
    },
  };
}
