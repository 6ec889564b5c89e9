// Reminders and escalation end to end on the local cloud: the project's own CDK app, its EventBridge Scheduler
// schedule firing the escalate function on the cloud's clock, DynamoDB Local, the local Secrets Manager and
// the local SES. Tasks are stored as the open-task function stores them; then the clock moves. Reminders and
// escalations go out in each recipient's daily digest, from 09:00 on working days.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkSignature } from '#domain/links.ts';
import type { LocalCloud, Mail } from '#local/cloud/index.ts';
import { startLocalCloud } from '#local/cloud/index.ts';
import type { Plan } from '#plan/index.ts';
import { listAuditOfTask } from '#store/audit.ts';
import { getLink } from '#store/links.ts';
import { createStore, type Store } from '#store/store.ts';
import { decideTask, getTask } from '#store/tasks.ts';
import { DAY, HOUR, openTask, samplePlan, storeProgramme } from '#test/support/escalation.ts';
import { ASSEMBLY_CACHE, basePort, runningDynamoDb, tempDataDir } from '#test/support/local-cloud.ts';

// The cloud starts an hour before the mobilisation meeting (2023-01-10 09:30 in Asia/Shanghai); the hourly
// schedule then fires on the meeting's hour and every hour after it.
const OPENED = Date.parse('2023-01-10T01:30:00.000Z');
const DUE = OPENED + 3 * DAY;
// Thresholds in working days: the reminder from the start of Wednesday 11 January (two working days before
// Friday 13), the leading group three working days after the due time (Monday 16, Tuesday 17, Wednesday 18).
const REMIND = Date.parse('2023-01-10T16:00:00.000Z');
const LEADING = Date.parse('2023-01-18T01:30:00.000Z');
/** The hourly schedule's first run at or after the reminder: 16:30 (00:30 on Wednesday in Shanghai). */
const REMIND_RUN = REMIND + 30 * 60_000;
/** The first run after the digest hour (09:00) of Wednesday 11 January: the reminder's digest. */
const REMIND_DIGEST = OPENED + DAY;

let cloud: LocalCloud;
let store: Store;
let plan: Plan;
let signingKey: string;
let escalate: string;
let apiBaseUrl: string;

beforeAll(async () => {
  cloud = await startLocalCloud({
    dataDir: tempDataDir(),
    assemblyDir: ASSEMBLY_CACHE,
    port: await basePort(),
    clock: OPENED - HOUR,
    speed: 0,
    launch: false,
    log: () => {},
    ...runningDynamoDb(),
  });
  const fn = cloud.resources.functions.find((f) => f.environment.POWERTOOLS_SERVICE_NAME === 'escalate');
  if (!fn) throw new Error('the app has no escalate function');
  escalate = fn.name;
  apiBaseUrl = fn.environment.API_BASE_URL ?? '';
  store = createStore(fn.environment.TABLE_NAME ?? '', { endpoint: cloud.endpoints.dynamodb, ...cloud.aws });
  const secrets = new SecretsManagerClient({ endpoint: cloud.endpoints.secretsmanager, ...cloud.aws });
  signingKey =
    (await secrets.send(new GetSecretValueCommand({ SecretId: fn.environment.LINK_SIGNING_SECRET_ARN })))
      .SecretString ?? '';
  secrets.destroy();
  plan = await samplePlan();
  await storeProgramme(store, plan);
}, 300_000);

afterAll(async () => {
  store?.db.destroy();
  await cloud?.stop();
});

/**
 * The digests about one task: with its assignees' links, or its title and a supervision page's link (the tasks
 * of this file have titles of their own).
 */
async function mailAbout(task: { title: string }, linkIds: string[]): Promise<Mail[]> {
  return (await cloud.mailbox.list()).filter(
    (m) =>
      m.links.some((l) => linkIds.some((id) => l.includes(`/a/${id}?`))) ||
      (m.text?.includes(task.title) && m.links.some((l) => l.startsWith(`${apiBaseUrl}/s/`))),
  );
}

const recipients = (mails: Mail[]) => mails.map((m) => m.to.join(',')).sort();

async function advanceTo(at: number): Promise<void> {
  await cloud.clock.advanceTo(at);
  await cloud.whenIdle();
}

describe('the escalation schedule on the local cloud’s clock (sample plan)', () => {
  let ack: Awaited<ReturnType<typeof openTask>>;
  let decided: Awaited<ReturnType<typeof openTask>>;

  it('runs the escalate function every hour from the cloud’s start', () => {
    // Found by its target: the approval's callback-retry schedule runs hourly too.
    const schedule = cloud.resources.schedules.find((s) => s.targetArn.includes(escalate));
    expect(schedule?.expression).toBe('rate(1 hour)');
  });

  it('sends nothing before the reminder is due', async () => {
    ack = await openTask(store, plan, OPENED, {}, signingKey);
    decided = await openTask(
      store,
      plan,
      OPENED,
      {
        pilotId: 'caotang',
        title: 'XX镇草堂社区：确认收到试点任务',
        assignees: [{ name: '吴倩', email: 'caotang@xx-town.example', unitId: 'caotang' }],
      },
      signingKey,
    );

    await advanceTo(REMIND - 1);

    expect(await cloud.mailbox.list()).toEqual([]);
  });

  it('reminds the assignee two working days before the due day in that day’s digest, with their original link', async () => {
    await advanceTo(REMIND_DIGEST - HOUR);
    expect(await cloud.mailbox.list()).toEqual([]); // reached at 00:30, the reminder waits for 09:00
    await advanceTo(REMIND_DIGEST);

    const mails = await mailAbout(ack.task, [ack.links[0]?.linkId ?? '']);
    expect(recipients(mails)).toEqual(['gucheng@xx-town.example']);
    const link = await getLink(store, ack.links[0]?.linkId ?? '');
    const original = `${apiBaseUrl}/a/${link?.linkId}?sig=${link ? linkSignature(signingKey, link) : ''}`;
    expect(mails[0]?.links).toContain(original);
    expect(mails[0]?.subject).toMatch(/^【每日催办汇总】/);
    expect(mails[0]?.text).toContain('【催办】XX镇古城社区：确认收到试点任务');
  });

  it('sends no escalation for a task decided before its due date', async () => {
    await decideTask(store, decided.task.taskId, {
      outcome: 'approve',
      comment: '已确认',
      form: {},
      decidedBy: decided.task.assignees[0] ?? { name: '', email: '' },
      decidedAt: new Date(DUE - DAY).toISOString(),
      linkId: decided.links[0]?.linkId ?? '',
    });

    await advanceTo(LEADING + 3 * DAY);

    const mails = await mailAbout(decided.task, [decided.links[0]?.linkId ?? '']);
    expect(recipients(mails)).toEqual(['caotang@xx-town.example']);
    expect((await listAuditOfTask(store, decided.task.taskId)).map((e) => e.action)).toEqual([
      'reminder.sent',
    ]);
  });

  it('escalated the open task at its due time and to the leading group three working days later, and nothing more', async () => {
    const mails = await mailAbout(ack.task, [ack.links[0]?.linkId ?? '']);
    // The leading group's escalation also goes to the lead unit's two contacts, each in their own digest.
    expect(recipients(mails)).toEqual([
      'gucheng@xx-town.example',
      'gucheng@xx-town.example',
      'lingdaoxiaozu@xx-county.example',
      'minzheng-office@xx-county.example',
      'minzheng@xx-county.example',
      'shehuishiwu@xx-town.example',
    ]);
    const history = await listAuditOfTask(store, ack.task.taskId);
    expect(history.map((e) => [e.action, e.at])).toEqual([
      ['reminder.sent', new Date(REMIND_RUN).toISOString()],
      ['escalation.supervisor-notified', new Date(DUE).toISOString()],
      ['escalation.leading-group-notified', new Date(LEADING).toISOString()],
    ]);
  });

  it('sends one digest per person when two runs overlap', async () => {
    // Wednesday 1 February 2023 at 09:30 in Shanghai: a working day, after the digest hour.
    await advanceTo(Date.parse('2023-02-01T01:30:00.000Z'));
    const now = cloud.clock.now();
    const late = await openTask(
      store,
      plan,
      now - 7 * DAY,
      {
        pilotId: 'donghelu',
        title: 'XX镇东河路社区：确认收到试点任务',
        assignees: [{ name: '孙丽', email: 'donghelu@xx-town.example', unitId: 'donghelu' }],
      },
      signingKey,
    );

    const runs = await Promise.all([
      cloud.invoke(escalate, { trigger: 'manual' }),
      cloud.invoke(escalate, { trigger: 'manual' }),
    ]);

    expect(runs.map((r) => r.functionError)).toEqual([undefined, undefined]);
    const sent = runs.map((r) => (r.payload as { messagesSent: number }).messagesSent);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(5);
    const mails = await mailAbout(late.task, [late.links[0]?.linkId ?? '']);
    expect(recipients(mails)).toEqual([
      'donghelu@xx-town.example',
      'lingdaoxiaozu@xx-county.example',
      'minzheng-office@xx-county.example',
      'minzheng@xx-county.example',
      'shehuishiwu@xx-town.example',
    ]);
    expect((await getTask(store, late.task.taskId))?.escalationLevel).toBe(3);
  });
});
