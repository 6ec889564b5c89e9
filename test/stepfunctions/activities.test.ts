// Activities through @aws-sdk/client-sfn: Create/Describe/List/DeleteActivity, a worker's GetActivityTask long
// poll (answered as soon as a Task schedules work, empty when none comes), SendTaskSuccess/Failure/Heartbeat
// with an activity's token, the task's TimeoutSeconds and HeartbeatSeconds, the history AWS writes (Activity…
// events), and the refusals (an EXPRESS machine, an activity that does not exist).
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DeleteActivityCommand,
  DescribeActivityCommand,
  GetActivityTaskCommand,
  ListActivitiesCommand,
  ListTagsForResourceCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMachine,
  describe as describeExecution,
  eventTypes,
  type Harness,
  history,
  ROLE,
  settle,
  start,
  startHarness,
  T0,
} from './harness.ts';

const POLL_MS = 300;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ activityPollMs: POLL_MS });
});

afterAll(async () => {
  await h.close();
});

const activity = async (name: string) => (await h.sfn.send(new CreateActivityCommand({ name }))).activityArn!;

const reviewMachine = (activityArn: string, extra: Record<string, unknown> = {}) => ({
  StartAt: 'Review',
  States: {
    Review: {
      Type: 'Task',
      Resource: activityArn,
      Parameters: { 'plan.$': '$.plan', reviewer: 'county' },
      ...extra,
      End: true,
    },
  },
});

describe('activity resources', () => {
  it('creates (idempotently), describes, lists page by page, tags and deletes activities', async () => {
    const created = await h.sfn.send(
      new CreateActivityCommand({ name: 'Review', tags: [{ key: 'team', value: 'pilots' }] }),
    );
    expect(created.activityArn).toBe('arn:aws:states:us-east-1:123456789012:activity:Review');
    expect(created.creationDate).toEqual(new Date(T0));
    const again = await h.sfn.send(new CreateActivityCommand({ name: 'Review' }));
    expect(again.activityArn).toBe(created.activityArn);
    await activity('Sign');

    const described = await h.sfn.send(new DescribeActivityCommand({ activityArn: created.activityArn }));
    expect(described).toMatchObject({ activityArn: created.activityArn, name: 'Review' });
    const tags = await h.sfn.send(new ListTagsForResourceCommand({ resourceArn: created.activityArn }));
    expect(tags.tags).toEqual([{ key: 'team', value: 'pilots' }]);

    const first = await h.sfn.send(new ListActivitiesCommand({ maxResults: 1 }));
    const second = await h.sfn.send(new ListActivitiesCommand({ maxResults: 1, nextToken: first.nextToken }));
    expect([...first.activities!, ...second.activities!].map((a) => a.name)).toEqual(['Review', 'Sign']);

    await h.sfn.send(new DeleteActivityCommand({ activityArn: created.activityArn }));
    await expect(
      h.sfn.send(new DescribeActivityCommand({ activityArn: created.activityArn })),
    ).rejects.toMatchObject({ name: 'ActivityDoesNotExist' });
    await expect(
      h.sfn.send(new GetActivityTaskCommand({ activityArn: created.activityArn })),
    ).rejects.toMatchObject({ name: 'ActivityDoesNotExist' });
    await expect(
      h.sfn.send(new DescribeActivityCommand({ activityArn: 'arn:aws:states:us-east-1:123456789012:x:y' })),
    ).rejects.toMatchObject({ name: 'InvalidArn' });
  });
});

describe('workers', () => {
  it('answers a waiting poll as soon as a task is scheduled, and the worker’s output is the state’s', async () => {
    const arn = await activity('Approve');
    const machine = await createMachine(h.sfn, reviewMachine(arn));
    const poll = h.sfn.send(new GetActivityTaskCommand({ activityArn: arn, workerName: 'clerk-1' }));
    const executionArn = await start(h.sfn, machine, { plan: '古城' });
    const task = await poll;
    expect(JSON.parse(task.input!)).toEqual({ plan: '古城', reviewer: 'county' });

    await h.sfn.send(
      new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify({ ok: true }) }),
    );
    await settle(h);
    const d = await describeExecution(h.sfn, executionArn);
    expect([d.status, JSON.parse(d.output!)]).toEqual(['SUCCEEDED', { ok: true }]);
    const events = await history(h.sfn, executionArn);
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityStarted',
      'ActivitySucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const scheduled = events[2]!.activityScheduledEventDetails!;
    expect([scheduled.resource, JSON.parse(scheduled.input!)]).toEqual([
      arn,
      { plan: '古城', reviewer: 'county' },
    ]);
    expect(events[3]!.activityStartedEventDetails).toEqual({ workerName: 'clerk-1' });
  });

  it('gives each task to one worker, oldest first, and an empty answer when none is left', async () => {
    const arn = await activity('Queue');
    const machine = await createMachine(h.sfn, reviewMachine(arn));
    await start(h.sfn, machine, { plan: 'a' });
    await start(h.sfn, machine, { plan: 'b' });
    await settle(h);
    const get = () => h.sfn.send(new GetActivityTaskCommand({ activityArn: arn }));
    const [one, two] = await Promise.all([get(), get()]);
    expect([JSON.parse(one.input!).plan, JSON.parse(two.input!).plan].sort()).toEqual(['a', 'b']);
    const before = Date.now();
    const empty = await get();
    expect(empty.taskToken ?? null).toBeNull();
    expect(Date.now() - before).toBeGreaterThanOrEqual(POLL_MS - 20);
  });

  it('takes a worker’s failure to the state’s Catch', async () => {
    const arn = await activity('Fails');
    const machine = await createMachine(h.sfn, {
      StartAt: 'Review',
      States: {
        Review: {
          Type: 'Task',
          Resource: arn,
          Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.error', Next: 'Rework' }],
          End: true,
        },
        Rework: { Type: 'Pass', End: true },
      },
    });
    const executionArn = await start(h.sfn, machine, {});
    const task = await h.sfn.send(new GetActivityTaskCommand({ activityArn: arn }));
    await h.sfn.send(
      new SendTaskFailureCommand({ taskToken: task.taskToken, error: 'Rejected', cause: 'no budget' }),
    );
    await settle(h);
    const d = await describeExecution(h.sfn, executionArn);
    expect([d.status, JSON.parse(d.output!)]).toEqual([
      'SUCCEEDED',
      { error: { Error: 'Rejected', Cause: 'no budget' } },
    ]);
    const failed = (await history(h.sfn, executionArn)).find((e) => e.type === 'ActivityFailed');
    expect(failed?.activityFailedEventDetails).toEqual({ error: 'Rejected', cause: 'no budget' });
  });
});

describe('timeouts', () => {
  it('times out a task no worker took within TimeoutSeconds (States.Timeout), and a poll then gets nothing', async () => {
    const arn = await activity('Nobody');
    const machine = await createMachine(h.sfn, reviewMachine(arn, { TimeoutSeconds: 30 }));
    const executionArn = await start(h.sfn, machine, { plan: 'p' });
    await h.runtime.whenIdle();
    await h.clock.advance(29_000);
    expect((await describeExecution(h.sfn, executionArn)).status).toBe('RUNNING');
    await h.clock.advance(1_000);
    await settle(h);
    const d = await describeExecution(h.sfn, executionArn);
    expect([d.status, d.error]).toEqual(['FAILED', 'States.Timeout']);
    expect(await eventTypes(h.sfn, executionArn)).toContain('ActivityTimedOut');
    const late = await h.sfn.send(new GetActivityTaskCommand({ activityArn: arn }));
    expect(late.taskToken ?? null).toBeNull();
  });

  it('counts HeartbeatSeconds from the worker taking the task; a heartbeat starts it again', async () => {
    const arn = await activity('Beats');
    const machine = await createMachine(h.sfn, reviewMachine(arn, { HeartbeatSeconds: 10 }));
    const executionArn = await start(h.sfn, machine, { plan: 'p' });
    await h.runtime.whenIdle();
    await h.clock.advance(60_000); // no heartbeat is due before a worker has the task
    const task = await h.sfn.send(new GetActivityTaskCommand({ activityArn: arn }));
    await h.clock.advance(8_000);
    await h.sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    await h.clock.advance(8_000);
    expect((await describeExecution(h.sfn, executionArn)).status).toBe('RUNNING');
    await h.clock.advance(2_000);
    await settle(h);
    const d = await describeExecution(h.sfn, executionArn);
    expect([d.status, d.error]).toEqual(['FAILED', 'States.HeartbeatTimeout']);
    await expect(
      h.sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });
});

describe('refusals', () => {
  it('refuses an activity in an EXPRESS state machine, and fails a task on an activity that does not exist', async () => {
    const missing = 'arn:aws:states:us-east-1:123456789012:activity:Missing';
    await expect(
      h.sfn.send(
        new CreateStateMachineCommand({
          name: 'ExpressActivity',
          type: 'EXPRESS',
          definition: JSON.stringify(reviewMachine(missing)),
          roleArn: ROLE,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidDefinition', message: expect.stringContaining('activit') });
    const machine = await createMachine(h.sfn, reviewMachine(missing));
    const executionArn = await start(h.sfn, machine, { plan: 'p' });
    await settle(h);
    const d = await describeExecution(h.sfn, executionArn);
    expect([d.status, d.error]).toEqual(['FAILED', 'States.Runtime']);
    expect(await eventTypes(h.sfn, executionArn)).toContain('ActivityScheduleFailed');
  });
});
