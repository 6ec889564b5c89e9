// The workflow handlers as Lambda runs them (middy, zod, configuration from the environment) against DynamoDB
// Local and the local SES: what each stores and sends, that a retry changes nothing, and that malformed input
// is refused with a clear error before anything is written.
import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLinkSignature } from '#domain/links.ts';
import { formFor } from '#domain/task-forms.ts';
import { isWorkingDay } from '#plan/calendar.ts';
import { dateOf, toLocal } from '#plan/time.ts';
import { listAuditOfPilot, listAuditOfTask } from '#store/audit.ts';
import { keys } from '#store/keys.ts';
import { listLinksOfTask } from '#store/links.ts';
import { getPilot } from '#store/pilots.ts';
import { getProgramme } from '#store/programmes.ts';
import { decideTask, getTask, listTasksOfPilot } from '#store/tasks.ts';
import { readProjectFile, samplePlan } from '#test/fixtures/plans.ts';
import { pastTheBusyWait } from '#test/support/busy-wait.ts';
import {
  API_BASE_URL,
  type HandlerEnv,
  startHandlerEnv,
  storeLaunchedProgramme,
} from '#test/support/handlers.ts';

const plan = samplePlan();
const PROGRAMME = plan.programme.id;
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:PilotFlow-Launch:gucheng-launch';

let env: HandlerEnv;

beforeAll(async () => {
  env = await startHandlerEnv();
  // The programme as launch-programme stores it (launching itself needs Step Functions: see workflow tests).
  await storeLaunchedProgramme(env.store, plan);
});

afterAll(async () => {
  await env?.close();
});

function openTaskEvent(overrides: Record<string, unknown> = {}) {
  return {
    taskToken: `token-${randomUUID()}`,
    taskId: randomUUID(),
    programmeId: PROGRAMME,
    pilotId: 'gucheng',
    stage: 'launch',
    kind: 'planReview',
    step: 'Review the implementation plan',
    executionArn: EXECUTION,
    round: 1,
    assignee: 'stageLead',
    context: { submittedSummary: '实施方案摘要', submittedDocument: 'https://docs.xx-town.example/plan.pdf' },
    ...overrides,
  };
}

const mailTo = async (address: string, since = 0) =>
  (await env.mail()).slice(since).filter((m) => m.to.includes(address));

describe('open-task', () => {
  it('stores the task with its assignees, due date and form, and e-mails each assignee their own link', async () => {
    const before = (await env.mail()).length;
    const event = openTaskEvent();
    const result = await env.invoke<{ taskId: string; created: boolean; emailsSent: number }>(
      'open-task',
      event,
    );
    expect(result).toMatchObject({ taskId: event.taskId, created: true, emailsSent: 2 });

    const task = await getTask(env.store, event.taskId);
    expect(task).toMatchObject({
      status: 'open',
      kind: 'planReview',
      step: 'Review the implementation plan',
      title: 'XX镇古城社区：审核实施方案',
      taskToken: event.taskToken,
      executionArn: EXECUTION,
      context: event.context,
      form: formFor(plan, 'planReview'),
    });
    expect(task!.assignees.map((a) => a.email)).toEqual([
      'minzheng@xx-county.example',
      'minzheng-office@xx-county.example',
    ]);
    // Seven working days later, at the end of the working day (17:30 in the programme's zone).
    const due = new Date(task!.dueAt);
    expect(due.getTime() - Date.parse(task!.createdAt)).toBeGreaterThanOrEqual(7 * 86_400_000);
    expect(toLocal(due, 'Asia/Shanghai')).toMatchObject({ hour: 17, minute: 30, second: 0 });
    expect(isWorkingDay(plan, dateOf(due, 'Asia/Shanghai'))).toBe(true);

    const links = await listLinksOfTask(env.store, event.taskId);
    expect(links).toHaveLength(2);
    const mail = (await env.mail()).slice(before);
    expect(mail).toHaveLength(2);
    for (const link of links) {
      const [own] = await mailTo(link.assignee.email, before);
      const url = `${API_BASE_URL}/a/${link.linkId}?sig=`;
      expect(own!.text).toContain(url);
      const sig = new URL(own!.text.match(/https:\/\/api\.xx-county\.example\/a\/\S+/)![0]).searchParams.get(
        'sig',
      )!;
      expect(verifyLinkSignature({ current: env.linkKey }, link, sig)).toBe(true);
      const other = links.find((l) => l.linkId !== link.linkId)!;
      expect(own!.text).not.toContain(other.linkId);
      expect(own!.subject).toContain('【待办】XX镇古城社区：审核实施方案');
      expect(own!.from).toContain('pilotflow@xx-county.example');
    }
    const audit = await listAuditOfTask(env.store, event.taskId);
    expect(audit.map((a) => a.action).sort()).toEqual(['email.sent', 'email.sent', 'task.opened']);
  });

  it('opens the task once when Step Functions retries it with a fresh token', async () => {
    const event = openTaskEvent({
      kind: 'implementationPlan',
      assignee: 'pilot',
      step: 'Submit the implementation plan',
    });
    await env.invoke('open-task', event);
    const before = (await env.mail()).length;
    const retried = await env.invoke<{ created: boolean; emailsSent: number }>('open-task', {
      ...event,
      taskToken: 'token-retry',
    });
    expect(retried).toMatchObject({ created: false, emailsSent: 0 });
    expect((await getTask(env.store, event.taskId))!.taskToken).toBe('token-retry');
    expect(await listLinksOfTask(env.store, event.taskId)).toHaveLength(1);
    expect((await env.mail()).length).toBe(before);
    expect(
      (await listAuditOfTask(env.store, event.taskId)).filter((a) => a.action === 'task.opened'),
    ).toHaveLength(1);
  });

  it('e-mails no one and issues no link when a retry finds the task already decided', async () => {
    // The first attempt e-mailed the first assignee and died before the second's e-mail; the first assignee
    // decided through their link; Step Functions then retried open-task with a new token.
    const event = openTaskEvent();
    await env.invoke('open-task', event);
    const [first, second] = await listLinksOfTask(env.store, event.taskId);
    await env.store.db.send(
      new DeleteCommand({
        TableName: env.store.table,
        Key: keys.once('task-email', `${event.taskId}#${second!.assignee.email}`),
      }),
    );
    await decideTask(env.store, event.taskId, {
      outcome: 'approve',
      comment: '',
      form: {},
      decidedAt: new Date().toISOString(),
      decidedBy: { name: first!.assignee.name, email: first!.assignee.email },
      linkId: first!.linkId,
    });
    const before = (await env.mail()).length;
    const retried = await env.invoke<{ created: boolean; emailsSent: number }>('open-task', {
      ...event,
      taskToken: 'token-after-decision',
    });
    expect(retried).toMatchObject({ created: false, emailsSent: 0 });
    expect((await env.mail()).length).toBe(before);
    expect(await listLinksOfTask(env.store, event.taskId)).toHaveLength(2);
    expect(await getTask(env.store, event.taskId)).toMatchObject({
      status: 'decided',
      taskToken: 'token-after-decision',
      callbackPending: true,
    });
  });

  it("e-mails the other assignees while one's e-mail is held by a dead run's lease, then asks to be retried", async () => {
    // The first attempt e-mailed the first assignee and was killed before it marked that send done and before
    // the second's e-mail: the first e-mail's lease is left to run out, the second was never taken.
    const event = openTaskEvent({ kind: 'supervisionCheck', step: 'Carry out the supervision check' });
    await env.invoke('open-task', event);
    const [first, second] = await listLinksOfTask(env.store, event.taskId);
    const onceOf = (email: string) => keys.once('task-email', `${event.taskId}#${email.toLowerCase()}`);
    await env.store.db.send(
      new PutCommand({
        TableName: env.store.table,
        Item: {
          ...onceOf(first!.assignee.email),
          lease: 'a-killed-run',
          leaseUntil: '2999-01-01T00:00:00.000Z',
        },
      }),
    );
    await env.store.db.send(
      new DeleteCommand({ TableName: env.store.table, Key: onceOf(second!.assignee.email) }),
    );
    const before = (await env.mail()).length;
    // The wait for the lease held (a few seconds of real time) passed at once.
    await expect(
      pastTheBusyWait(() => env.invoke('open-task', { ...event, taskToken: 'token-while-a-lease-is-held' })),
    ).rejects.toMatchObject({ name: 'TransientError' });
    const sent = (await env.mail()).slice(before);
    expect(sent.map((m) => m.to)).toEqual([[second!.assignee.email]]);
    expect(sent[0]!.text).toContain(`/a/${second!.linkId}?sig=`);
  });

  it('uses the deadline the inspector set for a rectification', async () => {
    const event = openTaskEvent({
      kind: 'rectification',
      assignee: 'pilot',
      step: 'Rectify the problems',
      context: { problems: '台账不全', dueBy: '2099-03-31' },
    });
    await env.invoke('open-task', event);
    // The end of that working day (a Tuesday): 17:30 in Asia/Shanghai.
    expect((await getTask(env.store, event.taskId))!.dueAt).toBe('2099-03-31T09:30:00.000Z');
  });

  it('refuses malformed input with every problem named, and writes and sends nothing', async () => {
    const before = (await env.mail()).length;
    const event = openTaskEvent({ taskToken: '', kind: 'approval', round: 0 });
    await expect(env.invoke('open-task', event)).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/taskToken.*kind.*round/s),
    });
    const unknown = openTaskEvent({ assignee: 'no-such-unit' });
    await expect(env.invoke('open-task', unknown)).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'the plan has no unit, pilot or role "no-such-unit"',
    });
    for (const id of [event.taskId, unknown.taskId]) expect(await getTask(env.store, id)).toBeUndefined();
    expect((await env.mail()).length).toBe(before);
  });

  it('refuses a task of a programme that was never launched', async () => {
    await expect(
      env.invoke('open-task', openTaskEvent({ programmeId: 'never-launched' })),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
    });
  });
});

describe('send-notice', () => {
  it('sends the mobilisation notice to each unit once per programme and to each pilot once', async () => {
    const before = (await env.mail()).length;
    const notice = (pilotId: string) => ({
      notice: 'mobilisation',
      programmeId: PROGRAMME,
      pilotId,
      executionArn: `${EXECUTION}-${pilotId}`,
    });
    const first = await env.invoke<{ sent: number }>('send-notice', notice('gucheng'));
    const again = await env.invoke<{ sent: number }>('send-notice', notice('gucheng'));
    const second = await env.invoke<{ sent: number }>('send-notice', notice('caotang'));
    // Lead unit (2 contacts) and 4 participant units (1 each), and the pilot's contact.
    expect([first.sent, again.sent, second.sent]).toEqual([7, 0, 1]);
    const mail = (await env.mail()).slice(before);
    expect(mail.filter((m) => m.to.includes('caizheng@xx-county.example'))).toHaveLength(1);
    expect(mail.filter((m) => m.to.includes('caotang@xx-town.example'))).toHaveLength(1);
    expect(mail[0]!.subject).toBe('【通知】城乡社区治理试点工作动员大会');
  });

  it('refuses an unknown notice and sends nothing', async () => {
    const before = (await env.mail()).length;
    await expect(
      env.invoke('send-notice', {
        notice: 'party',
        programmeId: PROGRAMME,
        pilotId: 'gucheng',
        executionArn: EXECUTION,
      }),
    ).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('notice') });
    expect((await env.mail()).length).toBe(before);
  });
});

const decision = (form: Record<string, unknown>, outcome = 'approve', comment = '') => ({
  outcome,
  comment,
  form,
  decidedBy: { name: '李华', email: 'minzheng@xx-county.example', unitId: 'civil-affairs' },
  decidedAt: '2023-03-20T02:00:00.000Z',
});

describe('record-check', () => {
  it('tells the workflow what to rectify and by when, and records the check and the study tour', async () => {
    const taskId = randomUUID();
    const result = await env.invoke('record-check', {
      programmeId: PROGRAMME,
      pilotId: 'donghelu',
      executionArn: EXECUTION,
      checkNumber: 1,
      taskId,
      decision: decision({
        progress: '按计划推进',
        fundUse: '规范',
        problemsFound: true,
        problems: '居民议事记录不全',
        rectifyBy: '2023-04-15',
        studyTour: '赴成都学习社区营造',
      }),
    });
    expect(result).toEqual({
      problemsFound: true,
      problems: '居民议事记录不全',
      rectifyBy: '2023-04-15',
      studyTour: '赴成都学习社区营造',
    });
    const audit = await listAuditOfTask(env.store, taskId);
    expect(audit.map((a) => a.action).sort()).toEqual(['check.recorded', 'study-tour.recorded']);
    expect(audit[0]!.actor).toBe('email:minzheng@xx-county.example');
  });

  it('refuses a check without a decision', async () => {
    await expect(
      env.invoke('record-check', {
        programmeId: PROGRAMME,
        pilotId: 'donghelu',
        executionArn: EXECUTION,
        checkNumber: 1,
        taskId: randomUUID(),
      }),
    ).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining('decision') });
  });
});

describe('score-acceptance', () => {
  const scores = (n: number) => Object.fromEntries(plan.indicators.items.map((i) => [`score.${i.id}`, n]));

  it('scores the working group and sends a low score back to rectification', async () => {
    const result = await env.invoke<{ outcome: string; score: number; passed: boolean }>('score-acceptance', {
      programmeId: PROGRAMME,
      pilotId: 'zhangshu',
      executionArn: EXECUTION,
      round: 1,
      decisions: [decision(scores(50), 'approve', '台账需完善'), decision(scores(58))],
    });
    expect(result).toMatchObject({ outcome: 'failed', score: 54, passed: false });
    const audit = await listAuditOfPilot(env.store, PROGRAMME, 'zhangshu');
    expect(audit.find((a) => a.action === 'acceptance.scored')?.summary).toBe(
      'Acceptance round 1: failed (54)',
    );
  });

  it('refuses an acceptance without decisions', async () => {
    await expect(
      env.invoke('score-acceptance', {
        programmeId: PROGRAMME,
        pilotId: 'zhangshu',
        executionArn: EXECUTION,
        round: 1,
        decisions: [],
      }),
    ).rejects.toMatchObject({ name: 'ValidationError' });
  });
});

describe('record-progress', () => {
  it("records a stage on the pilot for the dashboard, and a pilot's outcome once", async () => {
    await env.invoke('record-progress', {
      event: 'stage',
      programmeId: PROGRAMME,
      pilotId: 'jiefangjie',
      stage: 'launch',
      status: 'running',
      executionArn: EXECUTION,
    });
    await env.invoke('record-progress', {
      event: 'outcome',
      programmeId: PROGRAMME,
      pilotId: 'jiefangjie',
      outcome: 'accepted',
      acceptanceScore: 88.5,
      executionArn: EXECUTION,
    });
    await env.invoke('record-progress', {
      event: 'outcome',
      programmeId: PROGRAMME,
      pilotId: 'jiefangjie',
      outcome: 'stopped',
      executionArn: EXECUTION,
    });
    const pilot = await getPilot(env.store, PROGRAMME, 'jiefangjie');
    expect(pilot).toMatchObject({
      outcome: 'accepted',
      acceptanceScore: 88.5,
      stages: { launch: { status: 'running', executionArn: EXECUTION } },
    });
  });

  it('refuses a stage that does not exist', async () => {
    await expect(
      env.invoke('record-progress', {
        event: 'stage',
        programmeId: PROGRAMME,
        pilotId: 'jiefangjie',
        stage: 'party',
        status: 'running',
        executionArn: EXECUTION,
      }),
    ).rejects.toMatchObject({ name: 'ValidationError' });
  });
});

describe('close-task', () => {
  it("marks a stalled task timed out, cancels the execution's other open tasks and tells the lead unit", async () => {
    const execution = `${EXECUTION}-stall`;
    const stalled = openTaskEvent({ executionArn: execution, pilotId: 'xx-town' });
    const sibling = openTaskEvent({
      executionArn: execution,
      pilotId: 'xx-town',
      kind: 'acknowledgement',
      assignee: 'finance',
      step: 'Acknowledge receipt',
    });
    await env.invoke('open-task', stalled);
    await env.invoke('open-task', sibling);
    const before = (await env.mail()).length;
    await env.invoke('close-task', {
      programmeId: PROGRAMME,
      pilotId: 'xx-town',
      stage: 'launch',
      executionArn: execution,
      taskId: stalled.taskId,
      step: 'Review the implementation plan',
    });
    await env.invoke('close-task', {
      programmeId: PROGRAMME,
      pilotId: 'xx-town',
      stage: 'launch',
      executionArn: execution,
      taskId: stalled.taskId,
      step: 'Review the implementation plan',
    });
    expect((await getTask(env.store, stalled.taskId))!.status).toBe('timed-out');
    expect((await getTask(env.store, sibling.taskId))!.status).toBe('cancelled');
    expect((await getPilot(env.store, PROGRAMME, 'xx-town'))!.stages.launch).toMatchObject({
      status: 'stalled',
      step: 'Review the implementation plan',
    });
    const mail = (await env.mail()).slice(before);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.to).toEqual(['minzheng@xx-county.example', 'minzheng-office@xx-county.example']);
    expect(mail[0]!.subject).toBe('【停滞】XX镇：任务长期未办理');
    const open = (await listTasksOfPilot(env.store, PROGRAMME, 'xx-town')).filter(
      (t) => t.executionArn === execution && t.status === 'open',
    );
    expect(open).toEqual([]);
  });
});

describe('launch-programme', () => {
  it('refuses a plan with mistakes, naming each with its path and line, and stores nothing', async () => {
    const yaml = readProjectFile('test/fixtures/plan-ten-mistakes.yaml').replace(
      'id: xx-county-community-governance-2023',
      'id: ten-mistakes',
    );
    const error = await env
      .invoke('launch-programme', { planYaml: yaml, source: 'plan-ten-mistakes.yaml' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ValidationError' });
    expect((error as Error).message).toMatch(
      /^plan-ten-mistakes\.yaml is not a valid plan \(\d+ problems\):\n/,
    );
    expect((error as Error).message).toMatch(/\(line \d+\)/);
    expect(await getProgramme(env.store, 'ten-mistakes')).toBeUndefined();
  });

  it('refuses an event without a plan', async () => {
    await expect(env.invoke('launch-programme', { plan: 'x' })).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('planYaml'),
    });
  });
});

describe('every workflow handler', () => {
  const count = async () => {
    const out = await env.store.db.send(new ScanCommand({ TableName: env.store.table, Select: 'COUNT' }));
    return out.Count ?? 0;
  };
  const HANDLERS: Array<[string, Record<string, unknown>, string]> = [
    ['launch-programme', { planYaml: 42 }, 'planYaml'],
    ['open-task', { ...openTaskEvent(), taskId: 'not-a-uuid' }, 'taskId'],
    [
      'close-task',
      { programmeId: PROGRAMME, pilotId: 'gucheng', stage: 'launch', executionArn: EXECUTION, step: 'x' },
      'taskId',
    ],
    [
      'notify-failure',
      { programmeId: PROGRAMME, pilotId: 'gucheng', stage: 'launch', executionArn: EXECUTION },
      'error',
    ],
    ['send-notice', { notice: 'mobilisation', programmeId: PROGRAMME, executionArn: EXECUTION }, 'pilotId'],
    [
      'record-progress',
      {
        event: 'outcome',
        programmeId: PROGRAMME,
        pilotId: 'gucheng',
        outcome: 'great',
        executionArn: EXECUTION,
      },
      'outcome',
    ],
    ['await-pilots', { programmeId: PROGRAMME, executionArn: EXECUTION }, 'taskToken'],
    [
      'record-check',
      {
        programmeId: PROGRAMME,
        pilotId: 'gucheng',
        executionArn: EXECUTION,
        checkNumber: 0,
        taskId: randomUUID(),
        decision: decision({}),
      },
      'checkNumber',
    ],
    [
      'score-acceptance',
      {
        programmeId: PROGRAMME,
        pilotId: 'gucheng',
        executionArn: EXECUTION,
        round: 1,
        decisions: [{ outcome: 'maybe' }],
      },
      'decisions',
    ],
    ['compile-summary', { scope: 'county', programmeId: PROGRAMME, executionArn: EXECUTION }, 'scope'],
    ['send-summary', { programmeId: PROGRAMME, executionArn: EXECUTION, taskId: randomUUID() }, 'decision'],
  ];

  it.each(HANDLERS)(
    '%s refuses malformed input, naming the field, and writes and sends nothing',
    async (name, event, field) => {
      const [items, mails] = [await count(), (await env.mail()).length];
      const error = await env.invoke(name, event).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'ValidationError' });
      expect((error as Error).message).toMatch(new RegExp(`^invalid input: .*${field}`));
      expect(await count()).toBe(items);
      expect((await env.mail()).length).toBe(mails);
    },
  );
});

describe('compile-summary', () => {
  it("stores the pilot's summary report and e-mails it once, however often it runs", async () => {
    const before = (await env.mail()).length;
    const event = { scope: 'pilot', programmeId: PROGRAMME, pilotId: 'caotang', executionArn: EXECUTION };
    await env.invoke('compile-summary', event);
    await env.invoke('compile-summary', event);
    expect((await getPilot(env.store, PROGRAMME, 'caotang'))!.summary).toMatchObject({
      pilotId: 'caotang',
      outcome: 'in-progress',
    });
    const mail = (await env.mail()).slice(before);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.to).toEqual([
      'caotang@xx-town.example',
      'minzheng@xx-county.example',
      'minzheng-office@xx-county.example',
    ]);
  });
});

describe('notify-failure', () => {
  it('marks the programme failed when its own machine stops, and tells the lead unit', async () => {
    const before = (await env.mail()).length;
    await env.invoke('notify-failure', {
      programmeId: PROGRAMME,
      pilotId: '-',
      stage: 'programme',
      executionArn: `${EXECUTION}-programme`,
      step: 'Were all pilots accepted?',
      error: { Error: 'PilotFlow.NotAllAccepted', Cause: '1 of 2 pilots were accepted' },
    });
    expect((await getProgramme(env.store, PROGRAMME))!.status).toBe('failed');
    const [mail] = (await env.mail()).slice(before);
    expect(mail!.subject).toBe('【故障】关于城乡社区治理试点工作方案：流程出错停止');
    expect(mail!.text).toContain('错误：部分试点未通过验收，总结材料未报送。');
    expect(mail!.text).not.toContain('NotAllAccepted');
  });
});
