/**
 * A sky through one or more ground observatories, in memory: the map brought to the analysis
 * N_side, then each observatory's exposure, events, reconstruction, spectra and dipoles
 * (src/analysis/observatory/). A view is one observatory, or a list of two or more observed
 * jointly (one reconstruction over the union of their fields of view, `observeJoint`); each
 * detector's Poisson draws come from its own stream (seeded by its name), so a detector's data
 * are the same alone and in a joint view. `crsky observe` writes the results; a page can show them.
 */
import seedrandom from 'seedrandom';
import { ConfigError } from '../config/errors.ts';
import { observeSeed } from '../config/seeds.ts';
import type { Observatory } from '../analysis/observatory/definition.ts';
import { observeJoint, observeMap, type Observation } from '../analysis/observatory/observe.ts';
import { udGrade } from '../analysis/observatory/udGrade.ts';

export interface ObserveSkyOptions {
  /** Analysis N_side (a power of 2, at most the map's). */
  readonly nside: number;
  /** Sidereal steps per day (default 4·N_side). */
  readonly nTimes?: number;
  readonly lmax?: number;
  /** Most maximum-likelihood updates. */
  readonly iterations?: number;
  /**
   * Poisson events of each detector (alone or in a joint view), or per detector name; without it
   * the counts are their expectation (no noise).
   */
  readonly events?: number | Readonly<Record<string, number>>;
  /** Seed of the Poisson draws (one stream per observatory). */
  readonly seed: number;
  /** Called before each view (an observatory, or a joint view named "a+b"), e.g. for a progress line. */
  readonly onObservatory?: (view: { readonly name: string }) => void;
}

export interface ObservedSky {
  /** The map at the analysis N_side (RING). */
  readonly map: Float64Array;
  readonly observations: readonly Observation[];
}

/** One observatory, or two or more observed jointly. */
export type ObservedView = Observatory | readonly Observatory[];

/** The name of a view: the observatory's, or the members' joined by "+" (its output folder). */
export function viewName(view: ObservedView): string {
  return isJoint(view) ? view.map((o) => o.name).join('+') : view.name;
}

function isJoint(view: ObservedView): view is readonly Observatory[] {
  return Array.isArray(view);
}

export function observeSky(map: Float64Array, views: readonly ObservedView[], opts: ObserveSkyOptions): ObservedSky {
  const grown = udGrade(map, opts.nside);
  const eventsOf = (obs: Observatory): number | undefined => {
    const e = opts.events;
    if (e === undefined || typeof e === 'number') return e;
    const n = e[obs.name];
    if (n === undefined) throw new ConfigError(`observe --events: no event count for ${obs.name}`);
    return n;
  };
  const member = (obs: Observatory) => {
    const events = eventsOf(obs);
    return { observatory: obs, events, random: events !== undefined ? seedrandom(observeSeed(opts.seed, obs.name)) : undefined };
  };
  const observations = views.map((view) => {
    const name = viewName(view);
    opts.onObservatory?.({ name });
    try {
      const common = { nTimes: opts.nTimes, lmax: opts.lmax, iterations: opts.iterations };
      if (isJoint(view)) return observeJoint(grown, view.map(member), common);
      const m = member(view);
      return observeMap(grown, view, { ...common, events: m.events, random: m.random });
    } catch (e) {
      // an observatory that sees nothing at this resolution is bad input, not a failure
      if (e instanceof RangeError && /sees no complete declination ring/.test(e.message)) {
        throw new ConfigError(`observe --observatory ${name}: ${e.message}; raise --nside or the zenith cut`);
      }
      throw e;
    }
  });
  return { map: grown, observations };
}
