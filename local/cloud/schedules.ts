// The template's EventBridge Scheduler schedules (AWS::Scheduler::Schedule) on the local cloud's clock. Each
// fire time is written to `<data-dir>/schedules.json` before the target is called, so a restart neither
// repeats a fire nor skips one: fires that fell due while the cloud was stopped happen, in order, when the
// clock passes them. Targets: a Lambda function (invoked asynchronously with the schedule's Input, retried
// twice on a function error as Lambda's asynchronous invocation does), a state machine (StartExecution), or
// the universal targets `aws-sdk:lambda:invoke` and `aws-sdk:sfn:startExecution`.
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
import { randomUUID } from 'node:crypto';
import type { ControlledClock } from '../clock.ts';
import { readJsonFile, writeJsonFile } from './files.ts';
import type { Resolver } from './intrinsics.ts';
import type { InvokeResult } from './lambda.ts';
import {
  atTime,
  nextCronTime,
  parseScheduleExpression,
  type ScheduleExpression,
} from './schedule-expression.ts';

export interface LocalSchedule {
  logicalId: string;
  name: string;
  arn: string;
  expression: string;
  parsed: ScheduleExpression;
  timeZone: string;
  enabled: boolean;
  startDate?: number;
  endDate?: number;
  targetArn: string;
  input?: string;
}

export function schedulesOf(resolver: Resolver): LocalSchedule[] {
  return resolver.resourcesOfType('AWS::Scheduler::Schedule').map(([logicalId, resource]) => {
    const p = resource.Properties ?? {};
    const where = `the schedule ${logicalId}`;
    const identity = resolver.identity(logicalId);
    const expression = resolver.resolveString(p.ScheduleExpression, `ScheduleExpression of ${logicalId}`);
    const target = (resolver.resolve(p.Target, `Target of ${logicalId}`) ?? {}) as {
      Arn?: string;
      Input?: string;
    };
    if (typeof target.Arn !== 'string') throw new Error(`${where} has no target ARN`);
    const date = (value: unknown) => (typeof value === 'string' ? Date.parse(value) : undefined);
    const startDate = date(resolver.resolve(p.StartDate, where));
    const endDate = date(resolver.resolve(p.EndDate, where));
    return {
      logicalId,
      name: identity.ref,
      arn: identity.attributes.Arn as string,
      expression,
      parsed: parseScheduleExpression(expression),
      timeZone: p.ScheduleExpressionTimezone
        ? resolver.resolveString(p.ScheduleExpressionTimezone, where)
        : 'UTC',
      enabled: (p.State ?? 'ENABLED') === 'ENABLED',
      ...(startDate !== undefined ? { startDate } : {}),
      ...(endDate !== undefined ? { endDate } : {}),
      targetArn: target.Arn,
      ...(typeof target.Input === 'string' ? { input: target.Input } : {}),
    };
  });
}

interface ScheduleState {
  /** When the local cloud first saw the schedule (virtual time): a rate without StartDate starts here. */
  created: number;
  lastFire?: number;
}

/** The first fire time after `lastFire` (or the first at all), if there is one. */
export function nextFireTime(schedule: LocalSchedule, state: ScheduleState): number | undefined {
  const { parsed } = schedule;
  let next: number | undefined;
  if (parsed.kind === 'at') {
    const at = atTime(parsed.local, schedule.timeZone);
    // A one-time schedule ignores StartDate and EndDate.
    return state.lastFire === undefined ? at : undefined;
  }
  const earliest = schedule.startDate ?? state.created;
  if (parsed.kind === 'rate') {
    if (state.lastFire === undefined || state.lastFire < earliest) next = earliest;
    else next = earliest + (Math.floor((state.lastFire - earliest) / parsed.everyMs) + 1) * parsed.everyMs;
  } else {
    const after = Math.max(state.lastFire ?? Number.NEGATIVE_INFINITY, earliest - 1);
    next = nextCronTime(parsed.fields, after, schedule.timeZone);
  }
  if (next === undefined || (schedule.endDate !== undefined && next > schedule.endDate)) return undefined;
  return next;
}

function contextAttributes(text: string, schedule: LocalSchedule, at: number, attempt: number): string {
  const scheduled = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return text
    .replaceAll('<aws.scheduler.schedule-arn>', schedule.arn)
    .replaceAll('<aws.scheduler.scheduled-time>', scheduled)
    .replaceAll('<aws.scheduler.execution-id>', randomUUID())
    .replaceAll('<aws.scheduler.attempt-number>', String(attempt));
}

export interface SchedulerOptions {
  schedules: LocalSchedule[];
  clock: ControlledClock;
  stateFile: string;
  invoke: (functionArn: string, payload: unknown) => Promise<InvokeResult>;
  startExecution?: (input: { stateMachineArn: string; input?: string; name?: string }) => Promise<unknown>;
  log: (line: string) => void;
}

/** Lambda retries a failed asynchronous invocation twice, about one and then two minutes later. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

export class Scheduler {
  private readonly options: SchedulerOptions;
  private readonly state: Record<string, ScheduleState>;
  /** Cancels of the armed timers: one per schedule, plus pending retries. */
  private readonly cancels = new Map<string | symbol, () => void>();
  private stopped = false;
  /** Fires so far (for tests and the settler). */
  fires = 0;
  private pending = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(options: SchedulerOptions) {
    this.options = options;
    this.state = readJsonFile<Record<string, ScheduleState>>(options.stateFile, {});
  }

  /** Arms every enabled schedule on the clock. */
  start(): void {
    const now = this.options.clock.now();
    for (const schedule of this.options.schedules) {
      this.state[schedule.arn] ??= { created: now };
      if (schedule.enabled) this.arm(schedule);
    }
    this.save();
  }

  /** The next fire time of each enabled schedule. */
  upcoming(): Array<{ name: string; at: number | undefined }> {
    return this.options.schedules
      .filter((s) => s.enabled)
      .map((s) => ({
        name: s.name,
        at: nextFireTime(s, this.state[s.arn] ?? { created: this.options.clock.now() }),
      }));
  }

  private save(): void {
    writeJsonFile(this.options.stateFile, this.state);
  }

  private arm(schedule: LocalSchedule): void {
    if (this.stopped) return;
    const state = this.state[schedule.arn] as ScheduleState;
    const at = nextFireTime(schedule, state);
    if (at === undefined) return;
    this.cancels.set(
      schedule.arn,
      this.options.clock.setTimer(at, () => {
        if (this.stopped) return;
        state.lastFire = at;
        this.save();
        this.fires++;
        this.deliver(schedule, at, 1);
        this.arm(schedule);
      }),
    );
  }

  private deliver(schedule: LocalSchedule, at: number, attempt: number): void {
    const { log } = this.options;
    const input = contextAttributes(schedule.input ?? '{}', schedule, at, attempt);
    this.pending++;
    this.call(schedule.targetArn, input)
      .then(
        (result) => {
          if (result?.functionError) {
            const error = result.payload as { errorType?: string; errorMessage?: string } | undefined;
            log(`schedule ${schedule.name}: the target failed (${error?.errorType}: ${error?.errorMessage})`);
            const delay = ASYNC_RETRY_DELAYS_MS[attempt - 1];
            if (delay !== undefined && !this.stopped) {
              const key = Symbol(schedule.name);
              this.cancels.set(
                key,
                this.options.clock.setTimer(this.options.clock.now() + delay, () => {
                  this.cancels.delete(key);
                  if (!this.stopped) this.deliver(schedule, at, attempt + 1);
                }),
              );
            }
          }
        },
        (error: Error) =>
          log(`schedule ${schedule.name}: could not call ${schedule.targetArn}: ${error.message}`),
      )
      .finally(() => {
        this.pending--;
        if (this.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
  }

  /** Resolves when every target call started by a fire has returned. */
  whenIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async call(targetArn: string, input: string): Promise<InvokeResult | undefined> {
    const json = () => JSON.parse(input) as Record<string, unknown>;
    if (/^arn:[^:]+:lambda:/.test(targetArn)) return this.options.invoke(targetArn, parseLoose(input));
    if (/^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:/.test(targetArn)) {
      await this.startExecution({ stateMachineArn: targetArn, input });
      return undefined;
    }
    if (/^arn:[^:]+:scheduler:::aws-sdk:lambda:invoke$/.test(targetArn)) {
      const { FunctionName, Payload } = json() as { FunctionName: string; Payload?: unknown };
      return this.options.invoke(
        FunctionName,
        typeof Payload === 'string' ? parseLoose(Payload) : (Payload ?? {}),
      );
    }
    if (/^arn:[^:]+:scheduler:::aws-sdk:sfn:startExecution$/.test(targetArn)) {
      const { StateMachineArn, Input, Name } = json() as {
        StateMachineArn: string;
        Input?: string;
        Name?: string;
      };
      await this.startExecution({
        stateMachineArn: StateMachineArn,
        ...(Input !== undefined ? { input: Input } : {}),
        ...(Name !== undefined ? { name: Name } : {}),
      });
      return undefined;
    }
    throw new Error(`the local cloud does not deliver to ${targetArn}`);
  }

  private startExecution(input: {
    stateMachineArn: string;
    input?: string;
    name?: string;
  }): Promise<unknown> {
    if (!this.options.startExecution) throw new Error('no Step Functions runtime to start an execution in');
    return this.options.startExecution(input);
  }

  stop(): void {
    this.stopped = true;
    for (const cancel of this.cancels.values()) cancel();
    this.cancels.clear();
  }
}

function parseLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
