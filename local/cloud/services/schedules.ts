// EventBridge Scheduler: the template's schedules on the local clock, last fires kept in
// <data-dir>/schedules.json. Armed by arm(), once the HTTP APIs their targets may call are listening.
import { join } from 'node:path';
import type { ControlledClock } from '../../clock.ts';
import type { StepFunctionsRuntime } from '../../stepfunctions/runtime.ts';
import type { InvokeResult } from '../lambda.ts';
import { type LocalSchedule, Scheduler } from '../schedules.ts';
import type { Service } from './compose.ts';

export interface SchedulesService extends Service {
  scheduler: Scheduler;
  /** Arms every enabled schedule; returns the progress line (the next fire of each). */
  arm(): string;
}

export function startSchedules(options: {
  schedules: LocalSchedule[];
  clock: ControlledClock;
  dataDir: string;
  invoke: (nameOrArn: string, payload: unknown) => Promise<InvokeResult>;
  runtime: StepFunctionsRuntime;
  log: (line: string) => void;
}): SchedulesService {
  const { runtime, schedules } = options;
  const scheduler = new Scheduler({
    schedules,
    clock: options.clock,
    stateFile: join(options.dataDir, 'schedules.json'),
    invoke: options.invoke,
    startExecution: (input) => runtime.startExecution(input),
    log: options.log,
  });
  return {
    scheduler,
    arm() {
      scheduler.start();
      const next = scheduler.upcoming();
      return `schedules: ${schedules.length}${next.length ? ` (${next.map((s) => `${s.name} next at ${s.at === undefined ? 'never' : new Date(s.at).toISOString()}`).join('; ')})` : ''}`;
    },
    stop: () => scheduler.stop(),
  };
}
