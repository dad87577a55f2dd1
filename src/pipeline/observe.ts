/**
 * A sky through one or more ground observatories, in memory: the map brought to the analysis
 * N_side, then each observatory's exposure, events, reconstruction, spectra and dipoles
 * (src/analysis/observatory/). `crsky observe` writes the results; a page can show them.
 */
import seedrandom from 'seedrandom';
import { ConfigError } from '../config/errors.ts';
import { observeSeed } from '../config/seeds.ts';
import type { Observatory } from '../analysis/observatory/definition.ts';
import { observeMap, type Observation } from '../analysis/observatory/observe.ts';
import { udGrade } from '../analysis/observatory/udGrade.ts';

export interface ObserveSkyOptions {
  /** Analysis N_side (a power of 2, at most the map's). */
  readonly nside: number;
  /** Sidereal steps per day (default 4·N_side). */
  readonly nTimes?: number;
  readonly lmax?: number;
  /** Most maximum-likelihood updates. */
  readonly iterations?: number;
  /** Poisson events in total; without it the counts are their expectation (no noise). */
  readonly events?: number;
  /** Seed of the Poisson draws (one stream per observatory). */
  readonly seed: number;
  /** Called before each observatory, e.g. for a progress line. */
  readonly onObservatory?: (obs: Observatory) => void;
}

export interface ObservedSky {
  /** The map at the analysis N_side (RING). */
  readonly map: Float64Array;
  readonly observations: readonly Observation[];
}

export function observeSky(map: Float64Array, observatories: readonly Observatory[], opts: ObserveSkyOptions): ObservedSky {
  const grown = udGrade(map, opts.nside);
  const observations = observatories.map((obs) => {
    opts.onObservatory?.(obs);
    try {
      return observeMap(grown, obs, {
        nTimes: opts.nTimes,
        lmax: opts.lmax,
        iterations: opts.iterations,
        events: opts.events,
        random: opts.events !== undefined ? seedrandom(observeSeed(opts.seed, obs.name)) : undefined,
      });
    } catch (e) {
      // an observatory that sees nothing at this resolution is bad input, not a failure
      if (e instanceof RangeError && /sees no complete declination ring/.test(e.message)) {
        throw new ConfigError(`observe --observatory ${obs.name}: ${e.message}; raise --nside or the zenith cut`);
      }
      throw e;
    }
  });
  return { map: grown, observations };
}
