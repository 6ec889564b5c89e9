// The escalation sweep against DynamoDB Local and aws-ses-v2-local, with the clock as an argument.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SweepDeps, type SweepReport, sweepEscalations } from '#domain/escalation-sweep.ts';
import { verifyLinkSignature } from '#domain/links.ts';
import type { Email } from '#domain/mail.ts';
import { decodeTicket, recipientHash } from '#domain/supervision.ts';
import type { Plan } from '#plan/index.ts';
import { emailTexts } from '#presentation/email/texts.ts';
import { listAuditOfTask } from '#store/audit.ts';
import { raiseEscalation } from '#store/escalation.ts';
import { getLink, listLinksOfTask } from '#store/links.ts';
import type { Store } from '#store/store.ts';
import { decideTask, getTask, listOpenTasks } from '#store/tasks.ts';
import {
  API_BASE_URL,
  DAY,
  HOUR,
  type MailboxEmail,
  openTask,
  SIGNING_KEY,
  samplePlan,
  startLocalSes,
  storeProgramme,
} from '#test/support/escalation.ts';
import { freshStore } from '#test/support/store.ts';

let ses: Awaited<ReturnType<typeof startLocalSes>>;
let sendEmail: (email: Email) => Promise<string>;
let plan: Plan;
let store: Store;

beforeAll(async () => {
  ses = await startLocalSes();
  // sendEmail reads its configuration and endpoint from the environment when first used.
  vi.stubEnv('MAIL_FROM', 'PilotFlow <pilotflow@xx-county.example>');
  vi.stubEnv('AWS_ENDPOINT_URL_SESV2', ses.endpoint);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  ({ sendEmail } = await import('#adapters/mail.ts'));
  plan = await samplePlan();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await ses?.stop();
});

beforeEach(async () => {
  store = await freshStore();
  await storeProgramme(store, plan);
  await ses.clear();
});

function deps(overrides: Partial<SweepDeps> = {}): SweepDeps {
  return {
    store,
    send: sendEmail,
    texts: emailTexts,
    signingKey: async () => SIGNING_KEY,
    apiBaseUrl: API_BASE_URL,
    readAhead: 'P7D',
    ...overrides,
  };
}

const sweep = (at: number, overrides: Partial<SweepDeps> = {}): Promise<SweepReport> =>
  sweepEscalations(deps(overrides), new Date(at));

// Opened at the mobilisation meeting, 2023-01-10 09:30 in Asia/Shanghai. Sweeps every three hours from then
// land on the reminder and escalation instants exactly (the hourly schedule itself runs in escalation-cloud).
const OPENED = Date.parse('2023-01-10T01:30:00.000Z');
const DUE = OPENED + 3 * DAY;
// Thresholds in working days: the reminder from the start of Wednesday 11 January (two working days before
// Friday 13), the leading group three working days after the due time (Monday 16, Tuesday 17, Wednesday 18).
const REMIND = Date.parse('2023-01-10T16:00:00.000Z');
const LEADING = Date.parse('2023-01-18T01:30:00.000Z');
/** The first of the sweeps every three hours from OPENED at or after the reminder: 16:30. */
const REMIND_SWEEP = REMIND + 30 * 60_000;

/** Runs a sweep every three hours from `from` to `to` and returns, per sweep instant, the e-mails it sent. */
async function sweepRegularly(from: number, to: number): Promise<Map<number, MailboxEmail[]>> {
  const sent = new Map<number, MailboxEmail[]>();
  let seen = 0;
  for (let at = from; at <= to; at += 3 * HOUR) {
    await sweep(at);
    const emails = await ses.emails();
    if (emails.length > seen) sent.set(at, emails.slice(seen));
    seen = emails.length;
  }
  return sent;
}

const recipients = (emails: MailboxEmail[] = []) => emails.map((e) => e.destination.to.join(',')).sort();

describe('regular sweeps over a task due in three days (sample plan)', () => {
  it('remind two working days before, escalate at due and to the leading group three working days after, and send nothing more', async () => {
    await openTask(store, plan, OPENED);

    const sent = await sweepRegularly(OPENED, LEADING + 3 * DAY);

    expect([...sent.keys()]).toEqual([REMIND_SWEEP, DUE, LEADING]);
    expect(recipients(sent.get(REMIND_SWEEP))).toEqual(['gucheng@xx-town.example']);
    expect(recipients(sent.get(DUE))).toEqual(['gucheng@xx-town.example', 'shehuishiwu@xx-town.example']);
    expect(recipients(sent.get(LEADING))).toEqual(['lingdaoxiaozu@xx-county.example']);
    expect(sent.get(LEADING)?.[0]?.destination.cc).toEqual([
      'minzheng@xx-county.example',
      'minzheng-office@xx-county.example',
    ]);
  });

  it('record each reminder and escalation as an event in the task’s history', async () => {
    const { task } = await openTask(store, plan, OPENED);

    await sweepRegularly(OPENED, LEADING + DAY);

    const history = await listAuditOfTask(store, task.taskId);
    expect(history.map((e) => [e.action, e.at])).toEqual([
      ['reminder.sent', new Date(REMIND_SWEEP).toISOString()],
      ['escalation.supervisor-notified', new Date(DUE).toISOString()],
      ['escalation.leading-group-notified', new Date(LEADING).toISOString()],
    ]);
    expect(history.map((e) => e.summary)).toEqual([
      '已催办：郑凯',
      '逾期提醒：已告知郑凯、XX镇',
      '逾期上报：已报县城乡社区治理试点工作领导小组',
    ]);
    expect(history[1]?.details).toMatchObject({
      level: 2,
      messages: [
        { audience: 'assignee', to: ['gucheng@xx-town.example'] },
        { audience: 'supervisor', to: ['shehuishiwu@xx-town.example'] },
      ],
    });
  });
});

describe('the assignee’s reminder', () => {
  it('carries the assignee’s original link, still valid, and no new link is issued', async () => {
    const { task, links } = await openTask(store, plan, OPENED);

    await sweep(DUE - 2 * DAY);

    const [email] = await ses.emails();
    const original = links[0]?.url ?? '';
    expect(email?.body.text).toContain(original);
    expect(email?.body.html).toContain(original.replaceAll('&', '&amp;'));
    const sig = new URL(original).searchParams.get('sig') ?? '';
    const link = await getLink(store, links[0]?.linkId ?? '');
    expect(link && verifyLinkSignature({ current: SIGNING_KEY }, link, sig)).toBe(true);
    expect(await listLinksOfTask(store, task.taskId)).toHaveLength(1);
  });

  it('the supervisor’s copy links to its recipient’s supervision page, not to the dashboard or the assignee’s link', async () => {
    const { links } = await openTask(store, plan, OPENED);

    await sweep(DUE);

    const supervisor = (await ses.emails()).find((e) =>
      e.destination.to.includes('shehuishiwu@xx-town.example'),
    );
    const url = supervisor?.body.text?.match(/https?:\/\/\S+\/s\/[A-Za-z0-9_-]+\?sig=[A-Za-z0-9_.-]+/)?.[0];
    expect(url?.startsWith(`${API_BASE_URL}/s/`)).toBe(true);
    const ticket = decodeTicket(new URL(url ?? 'http://x/').pathname.split('/').pop() ?? '');
    expect(ticket).toMatchObject({
      programmeId: plan.programme.id,
      partyId: 'xx-town',
      recipient: recipientHash('shehuishiwu@xx-town.example'),
      expiresAt: new Date(DUE + 14 * DAY).toISOString(),
    });
    expect(supervisor?.body.text).not.toContain('/admin/');
    expect(supervisor?.body.text).not.toContain(links[0]?.linkId);
    expect(supervisor?.body.html).not.toContain(links[0]?.linkId);
  });

  it('an assignee whose link expired gets a new link bound to them, and the old one is revoked', async () => {
    const { task, links } = await openTask(store, plan, OPENED);
    const old = await getLink(store, links[0]?.linkId ?? '');
    // The sample's links live 7 days past the due time; the sweep after that runs with the link expired.
    const AT = Date.parse(old?.expiresAt ?? '') + HOUR;

    await sweep(AT);

    const assignee = (await ses.emails()).find((e) => e.destination.to.includes('gucheng@xx-town.example'));
    expect(assignee?.body.text).not.toContain(links[0]?.linkId);
    const all = await listLinksOfTask(store, task.taskId);
    expect(all.map((l) => l.status).sort()).toEqual(['active', 'revoked']);
    const fresh = all.find((l) => l.status === 'active');
    expect(fresh?.assignee.email).toBe('gucheng@xx-town.example');
    expect(Date.parse(fresh?.expiresAt ?? '')).toBeGreaterThan(AT);
    const url = assignee?.body.text?.match(
      new RegExp(`${API_BASE_URL}/a/${fresh?.linkId}\\?sig=[A-Za-z0-9_.-]+`),
    )?.[0];
    const sig = new URL(url ?? 'http://x/').searchParams.get('sig') ?? '';
    expect(fresh && verifyLinkSignature({ current: SIGNING_KEY }, fresh, sig)).toBe(true);
  });
});

describe('a closed task', () => {
  it('decided before its due date gets its reminder and no escalation', async () => {
    const { task, links } = await openTask(store, plan, OPENED);
    await sweepRegularly(OPENED, DUE - DAY);
    await decideTask(store, task.taskId, {
      outcome: 'approve',
      comment: '已确认',
      form: {},
      decidedBy: task.assignees[0] ?? { name: '', email: '' },
      decidedAt: new Date(DUE - DAY).toISOString(),
      linkId: links[0]?.linkId ?? '',
    });
    await ses.clear();

    const sent = await sweepRegularly(DUE - DAY + 3 * HOUR, LEADING + 3 * DAY);

    expect(sent.size).toBe(0);
    expect(await listOpenTasks(store)).toEqual([]);
    expect((await listAuditOfTask(store, task.taskId)).map((e) => e.action)).toEqual(['reminder.sent']);
  });

  it('is not read by the sweep at all', async () => {
    const { task, links } = await openTask(store, plan, OPENED);
    await decideTask(store, task.taskId, {
      outcome: 'approve',
      comment: '',
      form: {},
      decidedBy: task.assignees[0] ?? { name: '', email: '' },
      decidedAt: new Date(OPENED + HOUR).toISOString(),
      linkId: links[0]?.linkId ?? '',
    });

    const report = await sweep(LEADING + 2 * DAY);

    expect(report.tasksRead).toBe(0);
    expect(report.itemsScanned).toBe(0);
  });
});

describe('a sweep that runs late', () => {
  it('leaves out the stale reminder, tells the supervisor, then the leading group, in order', async () => {
    const { task } = await openTask(store, plan, OPENED);

    const report = await sweep(LEADING + DAY);

    expect(report.remindersSkipped).toBe(1);
    expect(report.delivered).toEqual({ reminder: 0, supervisor: 1, leadingGroup: 1 });
    expect((await ses.emails()).map((e) => e.destination.to[0])).toEqual([
      'gucheng@xx-town.example',
      'shehuishiwu@xx-town.example',
      'lingdaoxiaozu@xx-county.example',
    ]);
    expect((await listAuditOfTask(store, task.taskId)).map((e) => e.action)).toEqual([
      'reminder.skipped',
      'escalation.supervisor-notified',
      'escalation.leading-group-notified',
    ]);
    expect((await getTask(store, task.taskId))?.escalationLevel).toBe(3);
  });
});

describe('overlapping sweeps', () => {
  it('two sweeps at once send each message once', async () => {
    const tasks = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        openTask(store, plan, OPENED, { title: `XX镇古城社区：确认收到试点任务 ${i + 1}` }),
      ),
    );

    const reports = await Promise.all([sweep(LEADING + DAY), sweep(LEADING + DAY)]);

    const emails = await ses.emails();
    // Per task: the assignee and the supervisor at level 2, the leading group at level 3.
    expect(emails).toHaveLength(tasks.length * 3);
    expect(reports.reduce((n, r) => n + r.messagesSent, 0)).toBe(tasks.length * 3);
    // Each e-mail names its task in its subject (the tasks' titles differ), and goes to one party.
    const keys = emails.map((e) => `${e.destination.to}|${e.subject}`);
    expect(new Set(keys).size).toBe(emails.length);
    for (const { task } of tasks) {
      expect((await listAuditOfTask(store, task.taskId)).map((e) => e.action)).toEqual([
        'reminder.skipped',
        'escalation.supervisor-notified',
        'escalation.leading-group-notified',
      ]);
    }
  });

  it('a sweep that crashed holding a level is resumed only after its lease expires', async () => {
    const { task } = await openTask(store, plan, OPENED);
    const crashedAt = DUE - 2 * DAY;
    // The crashed sweep claimed the reminder and died before sending it.
    await raiseEscalation(
      store,
      task.taskId,
      0,
      1,
      new Date(crashedAt).toISOString(),
      new Date(crashedAt + 15 * 60_000).toISOString(),
    );

    const during = await sweep(crashedAt + 10 * 60_000);
    const after = await sweep(crashedAt + HOUR);

    expect(during.tasksInFlight).toBe(1);
    expect(after.delivered.reminder).toBe(1);
    expect((await ses.emails()).map((e) => e.destination.to[0])).toEqual(['gucheng@xx-town.example']);
  });
});

describe('a failed send', () => {
  it('is resumed by the next sweep, which sends only the messages that did not go out', async () => {
    const { task } = await openTask(store, plan, OPENED);
    let calls = 0;
    const failSecond = async (email: Email) => {
      calls += 1;
      if (calls === 2)
        throw Object.assign(new Error('Maximum sending rate exceeded.'), {
          name: 'TooManyRequestsException',
        });
      return sendEmail(email);
    };

    const first = await sweep(DUE, { send: failSecond });
    const second = await sweep(DUE + HOUR);

    expect([first.messagesSent, first.messagesFailed, first.delivered.supervisor]).toEqual([1, 1, 0]);
    expect([second.messagesSent, second.messagesFailed, second.delivered.supervisor]).toEqual([1, 0, 1]);
    expect(recipients(await ses.emails())).toEqual([
      'gucheng@xx-town.example',
      'shehuishiwu@xx-town.example',
    ]);
    expect((await listAuditOfTask(store, task.taskId)).map((e) => e.action)).toEqual([
      'reminder.skipped',
      'escalation.supervisor-notified',
    ]);
  });
});

describe('a sweep killed in the middle of a level', () => {
  const AT = DUE + HOUR; // the supervisor level: the assignee's overdue notice, then the supervisor's
  /** A sweep at AT that freezes for good (as a killed process would) at its k-th send, after or before SES took it. */
  function killedSweep(k: number, when: 'before-ses' | 'after-ses'): Promise<void> {
    return new Promise((killed) => {
      let calls = 0;
      const send = async (email: Email) => {
        calls += 1;
        if (calls < k) return sendEmail(email);
        if (when === 'after-ses') await sendEmail(email);
        killed();
        return new Promise<string>(() => {});
      };
      void sweep(AT, { send, concurrency: 1 });
    });
  }

  it('killed between two messages: the next sweep sends the rest and nothing twice', async () => {
    const { task } = await openTask(store, plan, OPENED);
    await killedSweep(2, 'before-ses');

    // The next sweep after the level's lease (15 minutes) expired.
    const next = await sweep(AT + HOUR);

    expect(next.messagesSent).toBe(1);
    expect(recipients(await ses.emails())).toEqual([
      'gucheng@xx-town.example',
      'shehuishiwu@xx-town.example',
    ]);
    expect((await listAuditOfTask(store, task.taskId)).map((e) => e.action)).toEqual([
      'reminder.skipped',
      'escalation.supervisor-notified',
    ]);
  });

  it('killed after SES accepted a message and before its lease was marked done: that message goes again, and only it', async () => {
    await openTask(store, plan, OPENED);
    await killedSweep(1, 'after-ses');

    const next = await sweep(AT + HOUR);

    // The one duplicate the design allows (docs/reliability.md): SES has no way to ask "did you take this?".
    expect(next.messagesSent).toBe(2);
    expect(recipients(await ses.emails())).toEqual([
      'gucheng@xx-town.example',
      'gucheng@xx-town.example',
      'shehuishiwu@xx-town.example',
    ]);
  });
});

describe('a sweep whose page was read before another run sent part of a level', () => {
  it('sends only what that run did not send: each message is claimed when it is sent, not when the page was read', async () => {
    const AT = DUE + HOUR;
    // Due an hour before `task`, so a sweep taking one task at a time reaches it first.
    const { task: earlier } = await openTask(store, plan, OPENED - HOUR, {
      title: 'XX镇古城社区：另一项任务',
    });
    const { task, links } = await openTask(store, plan, OPENED);
    // A sweep claimed the overdue level of `task` at its due time and died before sending; its lease expired.
    await raiseEscalation(
      store,
      task.taskId,
      0,
      2,
      new Date(DUE).toISOString(),
      new Date(DUE + 15 * 60_000).toISOString(),
    );
    // While the first sweep sends `earlier`'s first message, a second one resumes `task`'s level, sends the
    // assignee's notice and fails on the supervisor's (releasing the level); the first then reaches `task`
    // with the page it read before any of that.
    let failing = 0;
    const failSecond = async (email: Email) => {
      failing += 1;
      if (failing === 2) throw Object.assign(new Error('Throttling'), { name: 'TooManyRequestsException' });
      return sendEmail(email);
    };
    let second: Promise<SweepReport> | undefined;
    const first = await sweep(AT, {
      concurrency: 1,
      send: async (email) => {
        second ??= sweep(AT, { concurrency: 1, send: failSecond });
        await second;
        return sendEmail(email);
      },
    });

    expect(await second).toMatchObject({ messagesSent: 1, messagesFailed: 1, tasksInFlight: 1 });
    expect(first).toMatchObject({ messagesSent: 3, messagesFailed: 0 });
    const about = (await ses.emails()).filter(
      (e) =>
        e.body.text?.includes(links[0]?.linkId ?? '-') ||
        (e.subject.includes(task.title) && e.body.text?.includes(`${API_BASE_URL}/s/`)),
    );
    expect(recipients(about)).toEqual(['gucheng@xx-town.example', 'shehuishiwu@xx-town.example']);
    expect((await getTask(store, task.taskId))?.escalationDelivered).toBe(2);
    expect((await getTask(store, earlier.taskId))?.escalationDelivered).toBe(2);
  });
});

describe('what the sweep reads', () => {
  it('reads only the open tasks due within the read-ahead, from the index', async () => {
    await openTask(store, plan, OPENED);
    await openTask(store, plan, OPENED + HOUR);
    for (let i = 0; i < 5; i++) await openTask(store, plan, OPENED + 30 * DAY);

    const report = await sweep(DUE);

    expect(report.tasksRead).toBe(2);
    expect(report.itemsScanned).toBe(2);
    expect(report.readUpTo).toBe(new Date(DUE + 7 * DAY).toISOString());
  });

  it('reports a programme whose plan reminds earlier than the sweep reads ahead', async () => {
    await openTask(store, plan, OPENED);

    const report = await sweep(DUE, { readAhead: 'P1D' });

    expect(report.plansBeyondReadAhead).toEqual([plan.programme.id]);
  });

  it('leaves the tasks of a programme without a stored plan alone and counts them', async () => {
    await openTask(store, plan, OPENED, { programmeId: 'no-such-programme' });

    const report = await sweep(DUE);

    expect(report.tasksWithoutPlan).toBe(1);
    expect(await ses.emails()).toEqual([]);
  });
});
