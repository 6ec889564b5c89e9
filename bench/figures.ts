// What every benchmark prints beside its figures: the median of its runs and the machine's load average, which on
// a shared machine says as much about a figure as the code does.
import { loadavg } from 'node:os';

/** The median (the mean of the two middle values for an even count); NaN for no values. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The load average over 1, 5 and 15 minutes, e.g. `2.1 1.8 1.5`. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}
