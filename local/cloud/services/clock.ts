// The one clock that everything started later reads, kept in <data-dir>/clock.json: saved on every change,
// every 5 s while it runs, and at the stop.
import { ControlledClock } from '../../clock.ts';
import { clockFileOf, clockStart, saveClock } from '../clock-state.ts';
import type { Service } from './compose.ts';

export function startClock(options: {
  dataDir: string;
  planFile: string;
  clock?: string | number | Date;
  speed?: number;
  progress: (line: string) => void;
}): Service & { clock: ControlledClock } {
  const clockFile = clockFileOf(options.dataDir);
  const start = clockStart({
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
    stateFile: clockFile,
    planFile: options.planFile,
  });
  const clock = new ControlledClock({ start: start.at, speed: options.speed ?? 1 });
  options.progress(`clock: ${new Date(start.at).toISOString()} (${start.source}), speed ${clock.speed}`);
  clock.onChange(() => saveClock(clock, clockFile));
  const saver = setInterval(() => saveClock(clock, clockFile), 5000);
  saver.unref();
  saveClock(clock, clockFile);
  return {
    clock,
    stop() {
      clearInterval(saver);
      saveClock(clock, clockFile);
    },
  };
}
