// The idle sample end to end on the local cloud: the sample plan launched, nobody acting, the clock advanced one
// day at a time with the hourly escalation schedule firing on the way, for ten days, until the acknowledgement
// tasks have reached the supervising units and the leading group. One file for both things that idle time shows,
// so that the ten days are played once:
// - the daily digest: nobody gets more than one e-mail a day after the launch day; the acknowledgements'
//   escalations reach the supervising units and the leading group; every link in those e-mails opens its page
//   (200, HTML) without an admin sign-in when it arrives; every e-mail is in Chinese only;
// - the supervision page those digests link to: every link opens its page without an admin sign-in; 催办 e-mails
//   the assignee a link that opens.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supervisionSignature } from '#domain/links.ts';
import { decodeTicket, encodeTicket, recipientHash, supervises } from '#domain/supervision.ts';
import type { Mail } from '#local/cloud/index.ts';
import { isWorkingDay } from '#plan/calendar.ts';
import type { Plan } from '#plan/index.ts';
import { listAuditOfTask } from '#store/audit.ts';
import { getTask, listOpenTasks } from '#store/tasks.ts';
import { samplePlan } from '#test/support/escalation.ts';
import { formTokenOf, postForm, type SampleCloud, startSampleCloud } from '#test/support/sample-cloud.ts';

const DAY = 86_400_000;
/** Midnight of Monday 2 January 2023 in Asia/Shanghai: the end of the launch day (the sample starts at 08:00). */
const FIRST_MIDNIGHT = Date.parse('2023-01-01T16:00:00Z');
/**
 * Ten days, Monday 2 to Wednesday 11 January 2023: a public holiday (the 2nd), working days, a weekend (7–8) and
 * every escalation level of the acknowledgements due on Thursday 5 January (calendar.ts, deadlineAfter): the
 * reminder in Tuesday 3's digest, the supervising unit at the due time, the leading group three working days
 * after it (Tuesday 10). Idle, the sample sends nothing after that (measured over 30 days: docs/benchmarks.md,
 * "The test suite"); each simulated day costs 24 sweeps of the hourly schedule.
 */
const DAYS = 10;

let sample: SampleCloud;
let plan: Plan;
/** The e-mails of each local day after the launch day (index 0: Monday 2 January 2023). */
const days: Array<{ date: string; mails: Mail[] }> = [];
/** Each link of those e-mails with what it answered when its e-mail had just arrived. */
const answers: Array<{ url: string; status: number; type: string; mail: string }> = [];

beforeAll(async () => {
  sample = await startSampleCloud();
  plan = await samplePlan();
  const { cloud } = sample;
  await cloud.clock.advanceTo(FIRST_MIDNIGHT);
  await cloud.whenIdle();
  const seen = new Set((await cloud.mailbox.list()).map((m) => m.id));
  for (let d = 0; d < DAYS; d++) {
    await cloud.clock.advanceTo(FIRST_MIDNIGHT + (d + 1) * DAY);
    await cloud.whenIdle();
    const mails = (await cloud.mailbox.list()).filter((m) => !seen.has(m.id));
    for (const m of mails) seen.add(m.id);
    days.push({ date: new Date(FIRST_MIDNIGHT + d * DAY + DAY / 2).toISOString().slice(0, 10), mails });
    for (const mail of mails) {
      for (const url of mail.links.filter((l) => l.startsWith(cloud.endpoints.api))) {
        const res = await fetch(url, { redirect: 'manual' });
        await res.arrayBuffer();
        answers.push({
          url,
          status: res.status,
          type: res.headers.get('content-type') ?? '',
          mail: mail.subject,
        });
      }
    }
  }
}, 1_800_000);

afterAll(async () => {
  await sample?.stop();
});

const all = () => days.flatMap((d) => d.mails);
const partyOf = (url: string) => decodeTicket(new URL(url).pathname.split('/').pop() ?? '')?.partyId;

describe('the idle sample over its first ten days after the launch day (local cloud)', () => {
  it('sends nobody more than one e-mail on any day after the launch day', () => {
    const twice = days.flatMap(({ date, mails }) => {
      const count = new Map<string, number>();
      for (const m of mails) for (const to of [...m.to, ...m.cc]) count.set(to, (count.get(to) ?? 0) + 1);
      return [...count].filter(([, n]) => n > 1).map(([to, n]) => `${date} ${to}: ${n}`);
    });
    expect(all().length).toBeGreaterThan(0);
    expect(twice).toEqual([]);
  });

  it('sends digests on working days of the calendar only', () => {
    const offDays = days.filter((d) => d.mails.length > 0 && !isWorkingDay(plan, d.date)).map((d) => d.date);
    expect(offDays).toEqual([]);
    for (const m of all()) expect(m.subject).toMatch(/^【每日催办汇总】/);
  });

  it('escalates to the supervising units and the leading group, each with a link to their supervision page', () => {
    const supervised = new Set(answers.flatMap((a) => (a.url.includes('/s/') ? [partyOf(a.url)] : [])));
    expect([...supervised].sort()).toEqual(['civil-affairs', 'leading-group', 'xx-town']);
    const leading = all().filter((m) => m.to.includes('lingdaoxiaozu@xx-county.example'));
    expect(leading.some((m) => m.text?.includes('【逾期上报】'))).toBe(true);
    const town = all().filter((m) => m.to.includes('shehuishiwu@xx-town.example'));
    expect(town.some((m) => m.text?.includes('【逾期提醒】'))).toBe(true);
  });

  it('every link in those e-mails opens its page when it arrives: 200, HTML, no admin sign-in', () => {
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.some((a) => a.url.includes('/a/'))).toBe(true);
    expect(answers.filter((a) => a.url.includes('/admin/'))).toEqual([]);
    const bad = answers.filter((a) => a.status !== 200 || !a.type.includes('text/html'));
    expect(bad).toEqual([]);
  });

  it('writes every e-mail in Chinese only: no Latin-script word but in addresses and URLs', () => {
    // `XX` is the sample's anonymised place name, not English.
    const latin = (text: string) =>
      (text.replace(/https?:\/\/\S+|[\w.+-]+@[\w.-]+\.[a-z]{2,}/gi, ' ').match(/[A-Za-z]+/g) ?? []).filter(
        (w) => w !== 'XX',
      );
    const english = all().flatMap((m) => {
      const words = latin(`${m.subject}\n${m.text ?? ''}`);
      return words.length ? [`${m.subject}: ${[...new Set(words)].join(' ')}`] : [];
    });
    expect(english).toEqual([]);
  });
});

// The supervision page's tests, on the state the ten idle days left (the leading group's escalation was due on
// Tuesday 10 January 2023 at 17:30).
const SUPERVISION_URL = /\/s\/[A-Za-z0-9_-]+\?sig=[A-Za-z0-9_.-]+$/;
let signingKey: string;
/** Each supervision link e-mailed, with the one address it was made for (the message's to and cc in order). */
let links: Array<{ url: string; mail: Mail }>;

beforeAll(async () => {
  const fn = sample.cloud.resources.functions.find(
    (f) => f.environment.POWERTOOLS_SERVICE_NAME === 'supervision',
  );
  if (!fn) throw new Error('the app has no supervision function');
  const secrets = new SecretsManagerClient({
    endpoint: sample.cloud.endpoints.secretsmanager,
    ...sample.cloud.aws,
  });
  signingKey =
    (await secrets.send(new GetSecretValueCommand({ SecretId: fn.environment.LINK_SIGNING_SECRET_ARN })))
      .SecretString ?? '';
  secrets.destroy();
  const mails = await sample.cloud.mailbox.list({ subject: /^【每日催办汇总】/ });
  links = mails.flatMap((mail) =>
    mail.links.filter((l) => SUPERVISION_URL.test(l)).map((url) => ({ url, mail })),
  );
});

const ticketOf = (url: string) => new URL(url).pathname.split('/').pop() ?? '';
const sigOf = (url: string) => new URL(url).searchParams.get('sig') ?? '';
const recipientOf = (url: string) => {
  const hash = decodeTicket(ticketOf(url))?.recipient;
  return [...plan.units, ...plan.pilots]
    .flatMap((p) => p.contacts)
    .find((c) => recipientHash(c.email) === hash)?.email;
};
const pageOf = (party: string, email: string) =>
  links.find((l) => decodeTicket(ticketOf(l.url))?.partyId === party && recipientOf(l.url) === email)?.url ??
  '';

describe('supervision links in the daily digests of the idle sample (local cloud)', () => {
  it('reach the supervising units and the leading group, one link per recipient of each message', () => {
    const parties = new Set(links.map((l) => decodeTicket(ticketOf(l.url))?.partyId));
    expect([...parties].sort()).toEqual(['civil-affairs', 'leading-group', 'xx-town']);
    for (const { url, mail } of links) expect([...mail.to, ...mail.cc]).toContain(recipientOf(url));
    expect(links.some((l) => l.url.includes('/admin/'))).toBe(false);
  });

  it('each open their page: 200, HTML, without an admin sign-in', async () => {
    const urls = [...new Set(links.map((l) => l.url))];
    // The town, the civil affairs bureau's two contacts, the leading group, and the bureau's copies again.
    expect(urls.length).toBeGreaterThanOrEqual(4);
    const answers = await Promise.all(urls.map((u) => fetch(u, { redirect: 'manual' })));
    expect(answers.map((r) => r.status)).toEqual(urls.map(() => 200));
    for (const r of answers) expect(r.headers.get('content-type')).toContain('text/html');
    for (const r of answers) expect(await r.text()).toContain('逾期事项督办');
  });

  it('list the overdue tasks the party supervises, with their assignees’ names and contacts', async () => {
    const party = plan.pilots.find((p) => p.id === 'xx-town');
    if (!party) throw new Error('the sample has no xx-town');
    const expected = (await listOpenTasks(sample.store)).filter((t) => supervises(plan, party, t));
    expect(expected.length).toBeGreaterThan(0);

    const html = await (await fetch(pageOf('xx-town', 'shehuishiwu@xx-town.example'))).text();

    expect(html.match(/<li class="item">/g)).toHaveLength(expected.length);
    for (const task of expected) {
      expect(html).toContain(`value="${task.taskId}"`);
      for (const a of task.assignees) {
        expect(html).toContain(a.name);
        expect(html).toContain(`mailto:${a.email}`);
      }
    }
    expect(html).toMatch(/已逾期 \d+ 个工作日/);
    // Chinese only: the page's text, but for the addresses, has no Latin words.
    const text = html
      .replace(/<head>[\s\S]*<\/head>/, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/[\w.+-]+@[\w.-]+/g, '');
    expect(text).not.toMatch(/[A-Za-z]{3,}/);
  });

  it('a GET changes nothing', async () => {
    const before = await sample.items();
    await fetch(pageOf('leading-group', 'lingdaoxiaozu@xx-county.example'));
    await fetch(pageOf('xx-town', 'shehuishiwu@xx-town.example'), { method: 'HEAD' });
    expect(await sample.items()).toEqual(before);
  });
});

describe('催办 from the supervision page', () => {
  let url: string;
  let taskId: string;
  let assignee: string;
  const mailsTo = async (to: string) => (await sample.cloud.mailbox.list({ to })).length;

  beforeAll(async () => {
    url = pageOf('xx-town', 'shehuishiwu@xx-town.example');
    const html = await (await fetch(url)).text();
    taskId = html.match(/name="task" value="([^"]+)"/)?.[1] ?? '';
    assignee = (await getTask(sample.store, taskId))?.assignees[0]?.email ?? '';
  });

  it('sends the assignee one reminder with a link that opens, and the audit names who asked', async () => {
    const before = new Set((await sample.cloud.mailbox.list({ to: assignee })).map((m) => m.id));
    const html = await (await fetch(url)).text();

    const res = await postForm(url, { token: formTokenOf(html), task: taskId });

    expect(res.status).toBe(200);
    expect(await res.text()).toContain('发送催办邮件');
    const sent = (await sample.cloud.mailbox.list({ to: assignee })).filter((m) => !before.has(m.id));
    expect(sent).toHaveLength(1);
    const reminder = sent[0];
    expect(reminder?.subject).toMatch(/^【逾期催办】/);
    expect(reminder?.text).toContain('周杰（XX镇）督促您尽快办理此项任务。');
    const action = reminder?.links.find((l) => l.includes('/a/')) ?? '';
    const page = await fetch(action);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    const nudged = (await listAuditOfTask(sample.store, taskId)).filter(
      (e) => e.action === 'reminder.nudged',
    );
    expect(nudged).toHaveLength(1);
    expect(nudged[0]?.actor).toBe('email:shehuishiwu@xx-town.example');
    expect(nudged[0]?.details).toMatchObject({
      requestedBy: { email: 'shehuishiwu@xx-town.example', party: 'xx-town' },
      sent: [assignee],
    });
  });

  it('asked again the same day sends no second mail', async () => {
    const before = await mailsTo(assignee);
    const html = await (await fetch(url)).text();

    const res = await postForm(url, { token: formTokenOf(html), task: taskId });

    expect(res.status).toBe(200);
    expect(await res.text()).toContain('未重复发送');
    expect(await mailsTo(assignee)).toBe(before);
  });

  it('is refused without the page’s form token, and sends nothing', async () => {
    const before = await mailsTo(assignee);
    const res = await postForm(url, {
      token: 'AAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      task: taskId,
    });
    expect(res.status).toBe(403);
    expect(await mailsTo(assignee)).toBe(before);
  });
});

describe('a supervision link that is not good', () => {
  const base = () => new URL(links[0]?.url ?? '').origin;
  const signed = (ticket: string) => `${base()}/s/${ticket}?sig=${supervisionSignature(signingKey, ticket)}`;
  const page = async (u: string) => {
    const res = await fetch(u);
    return { status: res.status, html: await res.text() };
  };

  it('expired: refused with a Chinese page', async () => {
    const ticket = encodeTicket({
      programmeId: plan.programme.id,
      partyId: 'xx-town',
      recipient: recipientHash('shehuishiwu@xx-town.example'),
      expiresAt: new Date(sample.cloud.clock.now() - 1000).toISOString(),
    });
    const { status, html } = await page(signed(ticket));
    expect(status).toBe(410);
    expect(html).toContain('链接已过期');
  });

  it('made for someone who is not a recipient of the party: refused', async () => {
    const ticket = encodeTicket({
      programmeId: plan.programme.id,
      partyId: 'xx-town',
      recipient: recipientHash('gucheng@xx-town.example'),
      expiresAt: new Date(sample.cloud.clock.now() + 86_400_000).toISOString(),
    });
    const { status, html } = await page(signed(ticket));
    expect(status).toBe(403);
    expect(html).toContain('此链接不属于您');
  });

  it('moved to another recipient or with a changed signature: refused', async () => {
    const real = pageOf('leading-group', 'lingdaoxiaozu@xx-county.example');
    const t = decodeTicket(ticketOf(real));
    if (!t) throw new Error('no ticket');
    const moved = encodeTicket({ ...t, recipient: recipientHash('minzheng@xx-county.example') });
    const tampered = sigOf(real).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    for (const u of [
      `${base()}/s/${moved}?sig=${sigOf(real)}`,
      `${base()}/s/${ticketOf(real)}?sig=${tampered}`,
    ]) {
      const { status, html } = await page(u);
      expect(status).toBe(403);
      expect(html).toContain('链接无效');
    }
  });
});
