// How many cases a generated-input (fast-check) test runs: modest by default, so `npm test` stays quick on a
// shared machine; `npm run test:soak` sets PILOTFLOW_SOAK=1 and runs the same properties many times longer.
export const SOAK = process.env.PILOTFLOW_SOAK === '1';

/** `base` cases normally, `base × factor` under soak. */
export function runs(base: number, factor = 20): number {
  return SOAK ? base * factor : base;
}

/** A test timeout that grows with the soak (vitest's third argument to `it`). */
export function fuzzTimeout(ms: number, factor = 20): number {
  return SOAK ? ms * factor : ms;
}
