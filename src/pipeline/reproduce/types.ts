/**
 * What a `crsky reproduce` target is and what it returns: tables (CSV columns with comments),
 * figure descriptions (plain data; src/output/reproduce/ draws them), the configs it ran and the
 * checks of the physics statements it tests. In memory; nothing here touches files.
 */
import type { Config } from '../../config/schema.ts';
import type { Tracker } from '../../sim/types.ts';
import type { LineSeries } from '../../io/clPlot.ts';

/** Progress of a target: which stage, how far, and the tracking effort so far. */
interface ReproduceProgress {
  readonly stage: string;
  /** Units done within the stage (realizations), fractional while one runs. */
  readonly done: number;
  readonly total: number;
  readonly particleSteps: number;
  readonly seconds: number;
}

/** Statistics settings a caller may override (defaults come from the target and --quick). */
interface ReproduceOverrides {
  readonly realizations?: number;
  readonly nside?: number;
}

export interface ReproduceContext {
  readonly tracker: Tracker;
  /** The small variant that the test suite runs: tiny maps, short times, few realizations. */
  readonly quick: boolean;
  readonly overrides?: ReproduceOverrides;
  readonly onProgress?: (p: ReproduceProgress) => void;
  readonly signal?: AbortSignal;
}

/** A CSV table: equally long columns, comment lines that say what they are. */
export interface Table {
  /** File stem, e.g. "fig14_parallel". */
  readonly name: string;
  readonly columns: Readonly<Record<string, Float64Array>>;
  readonly comments: readonly string[];
}

/** A series of a lines figure: the plotter's own type (type-only import, no runtime io dependency). */
export type PlotSeries = LineSeries;

/** "y vs x" with optional log axes. */
interface LinesFigure {
  readonly kind: 'lines';
  readonly name: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xLog: boolean;
  readonly yLog: boolean;
  readonly series: readonly PlotSeries[];
  readonly yMin?: number;
  readonly yMax?: number;
}

/** A HEALPix map (RING) as a Mollweide figure, colour scale centred on 0. */
interface MapFigure {
  readonly kind: 'map';
  readonly name: string;
  readonly title: string;
  readonly map: Float64Array;
  readonly label: string;
  readonly frame: 'equatorial' | 'galactic';
}

export type FigureSpec = LinesFigure | MapFigure;

/**
 * One physics statement tested: |value − reference| ≤ tolerance (kind 'equal'), value > reference
 * (kind 'greater', tolerance = the margin required).
 */
export interface Check {
  readonly name: string;
  /** The statement in words, with where it comes from. */
  readonly statement: string;
  readonly kind: 'equal' | 'greater';
  readonly value: number;
  readonly reference: number;
  /** Allowed deviation or required margin, and how it was derived. */
  readonly tolerance: number;
  readonly toleranceFrom: string;
  readonly pass: boolean;
  /**
   * A comparison with a published number rather than a statement the physics must satisfy:
   * reported (AGREE / DISAGREE) and discussed, never a reason for a run or a test to fail.
   */
  readonly comparison?: boolean;
}

export interface ReproduceResult {
  readonly target: string;
  readonly quick: boolean;
  readonly description: string;
  /** Every config the target ran, by a short name. */
  readonly configs: Readonly<Record<string, Config>>;
  readonly tables: readonly Table[];
  readonly figures: readonly FigureSpec[];
  readonly checks: readonly Check[];
  /** Headline numbers and remarks, one line each. */
  readonly notes: readonly string[];
  readonly backend: string;
  readonly device: string;
  readonly particleSteps: number;
  /** Wall time of the whole target, s. */
  readonly seconds: number;
}

export interface ReproduceTarget {
  readonly name: string;
  readonly describe: string;
  run(ctx: ReproduceContext): Promise<ReproduceResult>;
}

/** The check constructors: each records its statement, numbers and verdict. */
export function checkEqual(name: string, statement: string, value: number, reference: number, tolerance: number, toleranceFrom: string): Check {
  return { name, statement, kind: 'equal', value, reference, tolerance, toleranceFrom, pass: Math.abs(value - reference) <= tolerance };
}

export function checkGreater(name: string, statement: string, value: number, reference: number, margin: number, toleranceFrom: string): Check {
  return { name, statement, kind: 'greater', value, reference, tolerance: margin, toleranceFrom, pass: value - reference > margin };
}

/** A comparison with a published value: agreement within `tolerance`, reported, not asserted. */
export function compareWith(name: string, statement: string, value: number, reference: number, tolerance: number, toleranceFrom: string): Check {
  return { ...checkEqual(name, statement, value, reference, tolerance, toleranceFrom), comparison: true };
}
