// Reading an execution's history for the dashboard, on histories the local Step Functions runtime really
// writes (embedded in-process, on a paused clock): what happened to each state, and the events in words.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlledClock } from '#local/clock.ts';
import { StepFunctionsRuntime } from '#local/stepfunctions/runtime.ts';
import { statesOf } from '#presentation/dashboard/graph.ts';
import { graphView } from '#presentation/dashboard/graph-view.ts';
import {
  type HistoryEvent,
  readableHistory,
  redactTokens,
  traceStates,
} from '#presentation/dashboard/history.ts';

const ROLE = 'arn:aws:iam::123456789012:role/local';
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:';
const T0 = Date.parse('2023-01-01T00:00:00Z');

let runtime: StepFunctionsRuntime;
let clock: ControlledClock;
const tokens: string[] = [];
let flaky = 0;

beforeEach(async () => {
  tokens.length = 0;
  flaky = 0;
  clock = new ControlledClock({ start: T0, speed: 0 });
  runtime = await StepFunctionsRuntime.open({
    clock,
    async invokeLambda(arn, payload) {
      const name = arn.slice(FN.length);
      if (name === 'open-task') {
        tokens.push((payload as { taskToken: string }).taskToken);
        return { payload: { opened: true } };
      }
      if (name === 'flaky' && flaky++ === 0) {
        return {
          functionError: 'Unhandled',
          payload: { errorType: 'TransientError', errorMessage: 'try again' },
        };
      }
      if (name === 'broken') {
        return { functionError: 'Unhandled', payload: { errorType: 'Boom', errorMessage: 'it broke' } };
      }
      return { payload: { ok: true } };
    },
  });
  clock.addSettler(() => runtime.whenIdle());
});

afterEach(async () => {
  await runtime.close();
});

async function start(definition: unknown, input: unknown = {}) {
  const { stateMachineArn } = await runtime.createStateMachine({
    name: `m${Math.random().toString(36).slice(2, 8)}`,
    definition: JSON.stringify(definition),
    roleArn: ROLE,
  });
  const { executionArn } = await runtime.startExecution({ stateMachineArn, input: JSON.stringify(input) });
  await runtime.whenIdle();
  return executionArn;
}

async function historyOf(executionArn: string): Promise<{ events: HistoryEvent[]; status: string }> {
  const { events } = await runtime.getExecutionHistory({ executionArn, maxResults: 1000 });
  const { status } = await runtime.describeExecution({ executionArn });
  return { events: events as unknown as HistoryEvent[], status };
}

const statusOf = (traces: ReturnType<typeof traceStates>) =>
  Object.fromEntries([...traces].map(([name, t]) => [name, t.status]));

const humanTask = (next: Record<string, unknown>) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: { FunctionName: `${FN}open-task`, Payload: { 'taskToken.$': '$$.Task.Token' } },
  ...next,
});

describe('what happened to each state', () => {
  it('marks states left as done, a retried failure included, and the branch not taken as not reached', async () => {
    const arn = await start({
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Next: 'Call' },
        Call: {
          Type: 'Task',
          Resource: `${FN}flaky`,
          Retry: [{ ErrorEquals: ['TransientError'], IntervalSeconds: 1, MaxAttempts: 2 }],
          Next: 'Which?',
        },
        'Which?': {
          Type: 'Choice',
          Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Done' }],
          Default: 'Other',
        },
        Other: { Type: 'Pass', End: true },
        Done: { Type: 'Succeed' },
      },
    });
    await clock.advance(5000);
    const { events, status } = await historyOf(arn);
    expect(status).toBe('SUCCEEDED');
    expect(statusOf(traceStates(events, status))).toEqual({
      Prepare: 'done',
      Call: 'done',
      'Which?': 'done',
      Done: 'done',
    });
  });

  it('marks the human task an execution waits on as current', async () => {
    const arn = await start({ StartAt: 'Review', States: { Review: humanTask({ End: true }) } });
    const { events, status } = await historyOf(arn);
    expect(status).toBe('RUNNING');
    expect(traceStates(events, status).get('Review')?.status).toBe('current');
  });

  it('marks a state whose error was caught as failed, and the Fail state the handler reached too', async () => {
    const arn = await start({
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: `${FN}broken`,
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Notify' }],
          End: true,
        },
        Notify: { Type: 'Pass', Next: 'Stopped' },
        Stopped: { Type: 'Fail', Error: 'X' },
      },
    });
    const { events, status } = await historyOf(arn);
    expect(status).toBe('FAILED');
    expect(statusOf(traceStates(events, status))).toEqual({
      Call: 'failed',
      Notify: 'done',
      Stopped: 'failed',
    });
  });

  it('keeps a countersign current while any member has not decided, and done once all have', async () => {
    const arn = await start(
      {
        StartAt: 'Countersign',
        States: {
          Countersign: {
            Type: 'Map',
            ItemsPath: '$.members',
            ItemProcessor: { StartAt: 'Sign', States: { Sign: humanTask({ End: true }) } },
            End: true,
          },
        },
      },
      { members: ['finance', 'organisation'] },
    );
    expect(tokens).toHaveLength(2);
    await runtime.sendTaskSuccess({ taskToken: tokens[0], output: '{"outcome":"approve"}' });
    await runtime.whenIdle();
    let h = await historyOf(arn);
    expect(statusOf(traceStates(h.events, h.status))).toEqual({ Countersign: 'current', Sign: 'current' });
    await runtime.sendTaskSuccess({ taskToken: tokens[1], output: '{"outcome":"approve"}' });
    await runtime.whenIdle();
    h = await historyOf(arn);
    expect(statusOf(traceStates(h.events, h.status))).toEqual({ Countersign: 'done', Sign: 'done' });
  });

  it('marks the state a stopped execution was in as failed', async () => {
    const arn = await start({ StartAt: 'Review', States: { Review: humanTask({ End: true }) } });
    await runtime.stopExecution({
      executionArn: arn,
      error: 'PilotFlow.StoppedByAdministrator',
      cause: 'test',
    });
    const { events, status } = await historyOf(arn);
    expect(status).toBe('ABORTED');
    expect(traceStates(events, status).get('Review')?.status).toBe('failed');
  });
});

describe('the history in words', () => {
  const definition = {
    StartAt: 'Wait for the launch window',
    QueryLanguage: 'JSONata',
    States: {
      'Wait for the launch window': {
        Type: 'Wait',
        Timestamp: '{% $states.context.Execution.Input.schedule.launchStart %}',
        Next: 'Review the implementation plan',
      },
      'Review the implementation plan': {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Arguments: {
          FunctionName: `${FN}open-task`,
          Payload: { taskToken: '{% $states.context.Task.Token %}' },
        },
        End: true,
      },
    },
  };
  const input = { schedule: { launchStart: '2023-01-01T00:00:10.000Z' } };

  it('says until when a Wait waits, read from the execution input', async () => {
    const arn = await start(definition, input);
    const { events } = await historyOf(arn);
    const entries = readableHistory(events, statesOf(definition), input);
    const wait = entries.find((e) => e.type === 'WaitStateEntered');
    expect(wait?.title.zh).toBe('进入：等待工作启动阶段开始');
    expect(wait?.detail?.en).toBe('Waits until 2023-01-01T00:00:10.000Z');
  });

  it('shows a human task’s decision with who decided and the comment, and never the task token', async () => {
    const arn = await start(definition, input);
    await clock.advance(10_000);
    expect(tokens).toHaveLength(1);
    await runtime.sendTaskSuccess({
      taskToken: tokens[0],
      output: JSON.stringify({ outcome: 'return', comment: '请补充预算', decidedBy: { name: '李华' } }),
    });
    await runtime.whenIdle();
    const { events } = await historyOf(arn);
    const entries = readableHistory(events, statesOf(definition), input);
    const scheduled = entries.find((e) => e.type === 'TaskScheduled');
    expect(scheduled?.title.en).toBe('Human task sent; waiting for the decision');
    expect(scheduled?.input).toBeDefined();
    expect(scheduled?.input).not.toContain(tokens[0]);
    const decided = entries.find((e) => e.type === 'TaskSucceeded');
    expect(decided?.detail?.zh).toBe('退回 — 李华：请补充预算');
    expect(entries.at(-1)?.title.en).toBe('Execution succeeded');
  });

  it('redacts task tokens wherever they appear in JSON', () => {
    expect(redactTokens('{"taskToken":"AAA","x":{"token":"BBB"},"TaskToken": "CCC"}')).toBe(
      '{"taskToken":"…","x":{"token":"…"},"TaskToken": "…"}',
    );
  });
});

describe('the graph of an execution', () => {
  it('colours the state the execution waits in as current and names it', async () => {
    const definition = {
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Task', Resource: `${FN}ok`, Next: 'Review' },
        Review: humanTask({ Next: 'Done' }),
        Done: { Type: 'Succeed' },
      },
    };
    const arn = await start(definition);
    const { events, status } = await historyOf(arn);
    const view = graphView({ definition, events, status, full: false, locale: 'en' });
    expect(view.statuses).toMatchObject({ Prepare: 'done', Review: 'current', Done: 'not-reached' });
    expect(view.current).toEqual(['Review']);
  });
});
