// The scheduler's order, which is the durability model (docs/stepfunctions.md#durability-model): a side effect
// decided in a turn starts only once the turn's events, position and token states are in the store.
import { describe, expect, it } from 'vitest';
import { compile, type Execution } from '#local/stepfunctions/model.ts';
import { Scheduler } from '#local/stepfunctions/scheduler.ts';
import { Store } from '#local/stepfunctions/store.ts';

const DEFINITION = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });

function newExecution(): Execution {
  return {
    row: {
      seq: 1,
      arn: 'arn:aws:states:us-east-1:123456789012:execution:m:e',
      smArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m',
      name: 'e',
      status: 'RUNNING',
      input: '{}',
      output: null,
      error: null,
      cause: null,
      start: 0,
      stop: null,
      definition: DEFINITION,
      roleArn: 'arn:aws:iam::123456789012:role/r',
      smUpdated: 0,
      testCase: null,
      state: null,
      nextEvent: 2,
      redriveCount: 0,
      redriveDate: null,
    },
    compiled: compile(DEFINITION),
    st: { threads: {}, nextThread: 1 },
    parsedInput: {},
    isNew: true,
    done: false,
    cancels: new Map(),
  };
}

function setUp() {
  const store = new Store();
  const scheduler = new Scheduler({
    store,
    listeners: [],
    onError: (_exec, error) => {
      throw error;
    },
  });
  const exec = newExecution();
  /** What a side effect would find in the store when it starts. */
  const stored = () => ({
    events: store.events(exec.row.seq, false, 0, 10).map((e) => e.type),
    status: store.getExecution(exec.row.arn)?.status,
    token: store.token('token-1'),
  });
  const write = () => {
    scheduler.touch(exec);
    scheduler.event(exec, { id: 1, type: 'ExecutionStarted', ts: 0, prev: 0, details: null });
    scheduler.token(exec, 'token-1', true);
  };
  return { store, scheduler, exec, stored, write };
}

describe('the scheduler', () => {
  it("starts a turn's side effect only after the turn's events, position and token are committed", async () => {
    const { scheduler, exec, stored, write } = setUp();
    const seenByEffect: unknown[] = [];
    scheduler.enqueue(exec, () => {
      write();
      scheduler.effect(() => seenByEffect.push(stored()));
    });

    await scheduler.afterCommit();

    expect(seenByEffect).toEqual([
      { events: ['ExecutionStarted'], status: 'RUNNING', token: { exec: 1, open: true } },
    ]);
  });

  it('commits what was written outside a turn when it closes, and starts no side effect after that', async () => {
    const { scheduler, stored, write } = setUp();
    let started = false;
    write();
    scheduler.effect(() => {
      started = true;
    });

    await scheduler.close();

    expect(stored()).toEqual({
      events: ['ExecutionStarted'],
      status: 'RUNNING',
      token: { exec: 1, open: true },
    });
    expect(started).toBe(false);
  });
});
