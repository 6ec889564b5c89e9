// The daily digest end to end on the local cloud: the sample plan launched, nobody acting, the clock advanced
// one day at a time with the hourly escalation schedule firing on the way. Nobody gets more than one e-mail a
// day after the launch day; the acknowledgements' escalations reach the supervising units and the leading
// group; every link in those e-mails opens its page (200, HTML) without an admin sign-in when it arrives; and
// every e-mail is in Chinese only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTicket } from '#domain/supervision.ts';
import type { Mail } from '#local/cloud/index.ts';
import { isWorkingDay } from '#plan/calendar.ts';
import type { Plan } from '#plan/index.ts';
import { samplePlan } from '#test/support/escalation.ts';
import { type SampleCloud, startSampleCloud } from '#test/support/sample-cloud.ts';

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
