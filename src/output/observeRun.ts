/**
 * `crsky observe` into a directory: refuses an --out that holds anything but an earlier observe
 * output of the same inputs, observes (src/pipeline/observe.ts) and writes every result.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { OBSERVATORY_PRESETS } from '../analysis/observatory/presets.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { observeSky, viewName } from '../pipeline/observe.ts';
import type { InputMap, ParsedObservatories } from './observeInputs.ts';
import {
  fileSha256,
  observationSummary,
  observeInputsKey,
  observeOutDirProblem,
  writeObservation,
  writeObserveRecord,
  writeSideBySide,
} from './observeOutputs.ts';
import { crskyVersion } from './version.ts';

export interface ObserveRunOptions {
  readonly out: string;
  readonly nside: number;
  readonly times?: number;
  readonly lmax?: number;
  readonly iterations: number;
  /** Poisson events of every detector, or per detector name (parseEvents). */
  readonly events?: number | Readonly<Record<string, number>>;
  readonly seed: number;
  readonly onObservatory?: (view: { readonly name: string }) => void;
}

/** Returns the summary text and the files written (relative to out); `views` and `observatories` as parseObservatoryViews gives them. */
export function observeToDir(input: InputMap, { views, observatories }: ParsedObservatories, args: ObserveRunOptions): { summary: string; written: string[] } {
  const names = views.map(viewName);
  const joint = views.some((v) => Array.isArray(v));
  const inputSha256 = fileSha256(input.file);
  // the joint views are part of the inputs' identity (a list without one keeps its earlier key)
  const key = observeInputsKey(inputSha256, input.label, observatories, joint ? names : undefined);
  const problem = observeOutDirProblem(args.out, key);
  if (problem) throw new ConfigError(`observe --out ${args.out}: ${problem}`);

  const nside = args.nside;
  const { map, observations: results } = observeSky(input.map, views, {
    nside,
    nTimes: args.times,
    lmax: args.lmax,
    iterations: args.iterations,
    events: args.events,
    seed: args.seed,
    onObservatory: args.onObservatory,
  });

  fs.mkdirSync(args.out, { recursive: true });
  const written: string[] = [];
  for (const r of results) written.push(...writeObservation(path.join(args.out, r.name), r, input.name).map((f) => path.join(r.name, f)));
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
    views: names,
    options: { events: args.events === undefined ? null : typeof args.events === 'number' ? args.events : JSON.stringify(args.events), seed: args.seed, nside, times: args.times ?? 4 * nside, lmax: args.lmax ?? Math.min(3 * nside - 1, 2 * nside), iterations: args.iterations },
    crsky: crskyVersion(),
    createdAt: new Date().toISOString(),
  });
  written.push('summary.txt', 'observe.json');
  return { summary, written };
}
