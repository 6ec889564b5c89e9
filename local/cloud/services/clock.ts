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
  // A paused clock (a rehearsal, a test) changes only when it is advanced, and an advance reports the same
  // time more than once (before each instant's timers fire and again at its end): each time is written once.
  let saved = '';
  const save = () => {
    const key = `${clock.now()}/${clock.speed}`;
    if (key === saved) return;
    saveClock(clock, clockFile);
    saved = key;
  };
  clock.onChange(save);
  const saver = setInterval(save, 5000);
  saver.unref();
  save();
  return {
    clock,
    stop() {
      clearInterval(saver);
      save();
    },
  };
}
