// Shared set-up of the conformance suite: a runtime on a free port (optionally on a ControlledClock), an SFN
// client pointed at it, and helpers to run a definition and read its history.
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ControlledClock } from '#local/clock.ts';
import { freePort } from '#local/ports.ts';
import { type RuntimeOptions, StepFunctionsRuntime } from '#local/stepfunctions/runtime.ts';

export const ROLE = 'arn:aws:iam::123456789012:role/local';
export const T0 = Date.parse('2024-01-01T00:00:00Z');

export interface Harness {
  runtime: StepFunctionsRuntime;
  sfn: SFNClient;
  clock: ControlledClock;
  endpoint: string;
  close(): Promise<void>;
}

/**
 * An SFN client for a local endpoint. StartSyncExecution and TestState go to the endpoint's host prefixed with
 * `sync-` unless `disableHostPrefix` turns that off, as it must against a local endpoint.
 */
export function sfnClient(endpoint: string, options: { disableHostPrefix?: boolean } = {}): SFNClient {
  return new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    ...options,
  });
}

/** A runtime on a paused ControlledClock (time moves only when a test advances it). */
export async function startHarness(options: RuntimeOptions = {}): Promise<Harness> {
  const clock = new ControlledClock({ start: T0, speed: 0 });
  const runtime = await StepFunctionsRuntime.open({ clock, random: () => 0.5, ...options });
  clock.addSettler(() => runtime.whenIdle());
  const { url } = await runtime.listen({ port: await freePort(), host: '127.0.0.1' });
  const sfn = sfnClient(url);
  return {
    runtime,
    sfn,
    clock,
    endpoint: url,
    async close() {
      sfn.destroy();
      await runtime.close();
    },
  };
}

let counter = 0;

export async function createMachine(sfn: SFNClient, definition: object, name?: string): Promise<string> {
  const out = await sfn.send(
    new CreateStateMachineCommand({
      name: name ?? `m${++counter}-${Date.now()}`,
      definition: JSON.stringify(definition),
      roleArn: ROLE,
    }),
  );
  return out.stateMachineArn!;
}

export async function start(sfn: SFNClient, stateMachineArn: string, input: unknown = {}, name?: string) {
  const out = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), ...(name ? { name } : {}) }),
  );
  return out.executionArn!;
}

export async function describe(
  sfn: SFNClient,
  executionArn: string,
): Promise<DescribeExecutionCommandOutput> {
  return await sfn.send(new DescribeExecutionCommand({ executionArn }));
}

/** Starts an execution, lets every runnable step happen (advancing the clock through timers), and describes it. */
export async function run(h: Harness, definition: object, input: unknown = {}) {
  const arn = await createMachine(h.sfn, definition);
  const executionArn = await start(h.sfn, arn, input);
  await settle(h);
  const d = await describe(h.sfn, executionArn);
  return {
    ...d,
    executionArn,
    stateMachineArn: arn,
    out: d.output === undefined ? undefined : JSON.parse(d.output),
  };
}

/** Runs timers (advancing the paused clock) until nothing is runnable and no timer is due within `horizonMs`. */
export async function settle(h: Harness, horizonMs = 400 * 86_400_000): Promise<void> {
  const limit = h.clock.now() + horizonMs;
  await h.runtime.whenIdle();
  for (;;) {
    const next = h.clock.nextTimerAt();
    if (next === undefined || next > limit) break;
    await h.clock.advanceTo(Math.max(next, h.clock.now()));
    await h.runtime.whenIdle();
  }
}

export async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

export async function eventTypes(sfn: SFNClient, executionArn: string): Promise<string[]> {
  return (await history(sfn, executionArn)).map((e) => e.type!);
}
