// The escalation sweep against DynamoDB Local and aws-ses-v2-local, with the clock as an argument: the levels
// it reaches, and the daily digests that carry their messages (one e-mail per person and working day).
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SweepDeps, type SweepReport, sweepEscalations } from '#domain/escalation-sweep.ts';
import { verifyLinkSignature } from '#domain/links.ts';
import type { Email } from '#domain/mail.ts';
import { decodeTicket, recipientHash } from '#domain/supervision.ts';
import { digestDay } from '#plan/calendar.ts';
import type { Plan } from '#plan/index.ts';
import { dateOf } from '#plan/time.ts';
import { emailTexts } from '#presentation/email/texts.ts';
import { listAuditOfTask } from '#store/audit.ts';
import { digestItemsOf } from '#store/digest.ts';
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
  stubLocalSesEnv,
} from '#test/support/escalation.ts';
import { freshStore } from '#test/support/store.ts';

let ses: Awaited<ReturnType<typeof startLocalSes>>;
let sendEmail: (email: Email) => Promise<string>;
let plan: Plan;
let store: Store;

beforeAll(async () => {
  ses = await startLocalSes();
  // sendEmail reads its configuration and endpoint from the environment when first used.
  stubLocalSesEnv(ses.endpoint);
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
// land on the reminder and escalation instants exactly (the hourly schedule itself runs in escalation-cloud),
// and at 09:30 each day, just after the sample's digest hour (09:00).
const OPENED = Date.parse('2023-01-10T01:30:00.000Z');
const DUE = OPENED + 3 * DAY;
// Thresholds in working days: the reminder from the start of Wednesday 11 January (two working days before
// Friday 13), the leading group three working days after the due time (Monday 16, Tuesday 17, Wednesday 18).
const REMIND = Date.parse('2023-01-10T16:00:00.000Z');
const LEADING = Date.parse('2023-01-18T01:30:00.000Z');
/** The first of the sweeps every three hours from OPENED at or after the reminder: 00:30 on Wednesday 11. */
const REMIND_SWEEP = REMIND + 30 * 60_000;
/** The first sweep after the digest hour of Wednesday 11: the reminder's digest. */
const REMIND_DIGEST = OPENED + DAY;

/** The first whole hour at or after `at` at which the sample sends digests (a working day, from 09:00). */
function nextDigestHour(at: number): number {
  let t = Math.ceil(at / HOUR) * HOUR;
  while (!digestDay(plan, new Date(t))) t += HOUR;
  return t;
}

/** Runs a sweep every three hours from `from` to `to` and returns, per sweep instant, the e-mails it sent. */
async function sweepRegularly(
  from: number,
  to: number,
  overrides: Partial<SweepDeps> = {},
): Promise<Map<number, MailboxEmail[]>> {
  const sent = new Map<number, MailboxEmail[]>();
  let seen = 0;
  for (let at = from; at <= to; at += 3 * HOUR) {
    await sweep(at, overrides);
    const emails = await ses.emails();
    if (emails.length > seen) sent.set(at, emails.slice(seen));
    seen = emails.length;
  }
  return sent;
}

const recipients = (emails: MailboxEmail[] = []) => emails.map((e) => e.destination.to.join(',')).sort();

describe('regular sweeps over a task due in three days (sample plan)', () => {
  it('remind two working days before, escalate at due and to the leading group three working days after, each in the day’s digest, and send nothing more', async () => {
    await openTask(store, plan, OPENED);

    const sent = await sweepRegularly(OPENED, LEADING + 3 * DAY);

    // The reminder reached at 00:30 waits for 09:00; the later levels fall after 09:00 and go at once.
    expect([...sent.keys()]).toEqual([REMIND_DIGEST, DUE, LEADING]);
    expect(recipients(sent.get(REMIND_DIGEST))).toEqual(['gucheng@xx-town.example']);
    expect(recipients(sent.get(DUE))).toEqual(['gucheng@xx-town.example', 'shehuishiwu@xx-town.example']);
    // The leading group and the lead unit it copied: each their own digest.
    expect(recipients(sent.get(LEADING))).toEqual([
      'lingdaoxiaozu@xx-county.example',
      'minzheng-office@xx-county.example',
      'minzheng@xx-county.example',
    ]);
    for (const mails of sent.values()) for (const m of mails) expect(m.subject).toMatch(/^【每日催办汇总】/);
    expect(sent.get(LEADING)?.[0]?.body.text).toContain('【逾期上报】XX镇古城社区：确认收到试点任务');
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

    await sweep(REMIND_DIGEST);

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
    // The sample's links live 7 days past the due time; the digest after that is made with the link expired.
    const AT = nextDigestHour(Date.parse(old?.expiresAt ?? '') + HOUR);

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

  it('decided after its reminder was queued and before the digest: the item is dropped, nothing is sent', async () => {
    const { task, links } = await openTask(store, plan, OPENED);
    await sweep(REMIND_SWEEP);
    await decideTask(store, task.taskId, {
      outcome: 'approve',
      comment: '',
      form: {},
      decidedBy: task.assignees[0] ?? { name: '', email: '' },
      decidedAt: new Date(REMIND_SWEEP + HOUR).toISOString(),
      linkId: links[0]?.linkId ?? '',
    });

    const report = await sweep(REMIND_DIGEST);

    expect(report).toMatchObject({ messagesSent: 0, digestItemsDropped: 1 });
    expect(await ses.emails()).toEqual([]);
    expect(await digestItemsOf(store, plan.programme.id, 'gucheng@xx-town.example')).toEqual([]);
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
    expect(recipients(await ses.emails())).toEqual([
      'gucheng@xx-town.example',
      'lingdaoxiaozu@xx-county.example',
      'minzheng-office@xx-county.example',
      'minzheng@xx-county.example',
      'shehuishiwu@xx-town.example',
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
  it('two sweeps at once send one digest per person, listing every task', async () => {
    const tasks = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        openTask(store, plan, OPENED, { title: `XX镇古城社区：确认收到试点任务 ${i + 1}` }),
      ),
    );

    const reports = await Promise.all([sweep(LEADING + DAY), sweep(LEADING + DAY)]);

    const emails = await ses.emails();
    // The assignee, the supervisor, the leading group and the two lead-unit contacts it copies: one each.
    expect(recipients(emails)).toEqual([
      'gucheng@xx-town.example',
      'lingdaoxiaozu@xx-county.example',
      'minzheng-office@xx-county.example',
      'minzheng@xx-county.example',
      'shehuishiwu@xx-town.example',
    ]);
    expect(reports.reduce((n, r) => n + r.messagesSent, 0)).toBe(5);
    const supervisor = emails.find((e) => e.destination.to.includes('shehuishiwu@xx-town.example'));
    for (const { task } of tasks) expect(supervisor?.body.text).toContain(`【逾期提醒】${task.title}\n`);
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
    expect(during.messagesSent).toBe(0);
    expect(after.delivered.reminder).toBe(1);
    expect((await ses.emails()).map((e) => e.destination.to[0])).toEqual(['gucheng@xx-town.example']);
  });
});

describe('a failed digest', () => {
  it('leaves its items for the next digest, on a later working day', async () => {
    const { task } = await openTask(store, plan, OPENED);
    const failing = async () => {
      throw Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' });
    };

    const first = await sweep(DUE, { send: failing });
    // Friday's digests fail all day; the next working day is Monday 16 January.
    await sweepRegularly(DUE + 3 * HOUR, DUE + 12 * HOUR, { send: failing });
    const weekend = await sweepRegularly(DUE + 15 * HOUR, DUE + 2 * DAY + 21 * HOUR);
    const monday = await sweep(DUE + 3 * DAY, { send: sendEmail });

    expect([first.messagesSent, first.messagesFailed, first.delivered.supervisor]).toEqual([0, 2, 1]);
    expect(weekend.size).toBe(0);
    expect([monday.messagesSent, monday.digestItemsSent]).toEqual([2, 2]);
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

describe('a sweep killed while sending digests', () => {
  const AT = DUE + HOUR; // the overdue level: the assignee's and the supervisor's digests

  it('killed after SES accepted a digest and before its lease was marked done: that digest goes again, once', async () => {
    await openTask(store, plan, OPENED);
    await new Promise<void>((killed) => {
      const send = async (email: Email) => {
        await sendEmail(email);
        killed();
        return new Promise<string>(() => {}); // frozen for good, as a killed process
      };
      void sweep(AT, { send });
    });

    const next = await sweep(AT + HOUR);
    const later = await sweep(AT + 2 * HOUR);

    // The one duplicate the design allows (docs/escalation.md): SES has no way to ask "did you take this?".
    expect(next.messagesSent).toBe(2);
    expect(later.messagesSent).toBe(0);
    expect(recipients(await ses.emails())).toEqual([
      'gucheng@xx-town.example',
      'gucheng@xx-town.example',
      'shehuishiwu@xx-town.example',
    ]);
  });

  it('killed after the digest was recorded and before its items were deleted: they are not sent again', async () => {
    await openTask(store, plan, OPENED);
    // The first sweep's store freezes on the delete of the sent items.
    await new Promise<void>((killed) => {
      const db = new Proxy(store.db, {
        get(target, prop, receiver) {
          if (prop !== 'send') return Reflect.get(target, prop, receiver);
          return (command: unknown) => {
            if (!(command instanceof DeleteCommand)) return target.send(command as never);
            killed();
            return new Promise(() => {});
          };
        },
      });
      void sweep(AT, { store: { ...store, db } });
    });

    const sameDay = await sweep(AT + HOUR);
    const nextDay = await sweep(AT + 3 * DAY);

    // The killed sweep got no further than the assignee's digest: the supervisor's goes now, and nothing more.
    expect([sameDay.messagesSent, nextDay.messagesSent]).toEqual([1, 0]);
    expect(recipients(await ses.emails())).toEqual([
      'gucheng@xx-town.example',
      'shehuishiwu@xx-town.example',
    ]);
    expect(await digestItemsOf(store, plan.programme.id, 'gucheng@xx-town.example')).toEqual([]);
  });
});

describe('digests on working days only (2023’s Spring Festival)', () => {
  it('items whose digest failed on the Friday before the holiday wait for the make-up working day, Saturday 28 January', async () => {
    // Due on Friday 20 January at 17:30, the last working day before the holiday (21–27 January); that day's
    // digests fail (the mail service is down).
    const dueAt = '2023-01-20T09:30:00.000Z';
    await openTask(store, plan, Date.parse('2023-01-16T01:30:00.000Z'), { dueAt });
    const down = {
      send: async (): Promise<string> => {
        throw Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailableException' });
      },
    };
    const friday = await sweep(Date.parse(dueAt), down);
    await sweepRegularly(Date.parse(dueAt) + 3 * HOUR, Date.parse(dueAt) + 6 * HOUR, down);

    const sent = await sweepRegularly(Date.parse(dueAt) + 9 * HOUR, Date.parse('2023-01-29T15:00:00.000Z'));

    expect(friday.messagesFailed).toBe(2);
    const days = [...sent.keys()].map((at) => dateOf(new Date(at), plan.programme.timezone));
    expect(days).toEqual(['2023-01-28']);
    expect(recipients([...sent.values()].flat())).toEqual([
      'gucheng@xx-town.example',
      'shehuishiwu@xx-town.example',
    ]);
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
