/** Progress of a run with several realizations, as the pipeline reports it to a front end. */
export interface RunProgress {
  /** Realizations done in this call, fractional while one is running. */
  readonly done: number;
  /** Realizations this call runs. */
  readonly total: number;
  /** Particle-steps taken in this call so far. */
  readonly particleSteps: number;
  /** Seconds since this call started tracking. */
  readonly seconds: number;
}
