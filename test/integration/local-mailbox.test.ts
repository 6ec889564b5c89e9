// The local mailbox page on the sample cloud: the people who got mail, one person's mail newest first dated
// with the local cloud's clock (2023, not the wall clock), their open tasks from the app's table, in Chinese
// for the sample plan; and {ses}/store still answers exactly what aws-ses-v2-local stores.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decide, type SampleCloud, startSampleCloud, type TaskLink } from '#test/support/sample-cloud.ts';

let env: SampleCloud;
/** The pilot's "submit the implementation plan" link, e-mailed two simulated hours after the launch. */
let planLink: TaskLink;
const testStarted = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  // Launched here, not copied: the last test checks the real times SES received the launch's e-mails.
  env = await startSampleCloud({ fresh: true });
  await env.cloud.clock.advance(2 * 3600_000);
  for (const link of await env.links({ subject: /古城社区：确认收到试点任务/ })) {
    expect((await decide(link, { decision: 'approve', comment: '' })).status).toBe(200);
  }
  await env.cloud.whenIdle();
  const [link] = await env.links({ subject: /古城社区：提交实施方案/ });
  if (!link) throw new Error('the implementation plan task was not e-mailed');
  planLink = link;
}, 600_000);

afterAll(async () => {
  await env?.stop();
});

const address = (value: string) => (/<([^>]+)>/.exec(value)?.[1] ?? value).trim().toLowerCase();

async function page(path: string): Promise<{ status: number; html: string; headers: Headers }> {
  const response = await fetch(new URL(path, env.cloud.endpoints.mailbox));
  return { status: response.status, html: await response.text(), headers: response.headers };
}

/** The text a reader sees, without tags, the style, e-mail addresses and the plan's anonymised "XX". */
function visibleText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/g, ' ')
    .replace(/[\w.+-]+@[\w.-]+/g, ' ')
    .replaceAll('XX', ' ');
}

describe('the local mailbox page', () => {
  test('lists every recipient of the mail, with their name and how many mails they got, in Chinese', async () => {
    const { emails } = (await (await fetch(`${env.cloud.endpoints.ses}/store`)).json()) as {
      emails: Array<{ destination: { to?: string[]; cc?: string[] } }>;
    };
    const counts = new Map<string, number>();
    for (const e of emails) {
      for (const a of new Set([...(e.destination.to ?? []), ...(e.destination.cc ?? [])].map(address))) {
        counts.set(a, (counts.get(a) ?? 0) + 1);
      }
    }

    const { status, html, headers } = await page('/');

    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<h1>收件人</h1>');
    const listed = new Map(
      [...html.matchAll(/href="\/\?to=([^"]+)"><span class="count">(\d+) 封<\/span>/g)].map((m) => [
        decodeURIComponent(m[1] ?? ''),
        Number(m[2]),
      ]),
    );
    expect(listed).toEqual(counts);
    // The sample plan's people by name and unit.
    expect(html).toContain(
      '<span class="name">李华</span><span class="meta">县民政局 · 基层政权和社区建设股股长',
    );
    expect(visibleText(html)).not.toMatch(/[A-Za-z]{2,}/);
  });

  test("shows one recipient's mail newest first, dated with the simulated clock, and their open tasks", async () => {
    const { status, html } = await page(`/?to=${encodeURIComponent(planLink.to)}`);

    expect(status).toBe(200);
    const mails = [
      ...html.matchAll(/<span class="name">([^<]*)<\/span><span class="meta"><time>([^<]*)<\/time>/g),
    ].map((m) => ({ subject: m[1], when: m[2] }));
    const mine = await env.cloud.mailbox.list({ to: planLink.to });
    expect(mails).toHaveLength(mine.length);
    expect(mails.length).toBeGreaterThan(1);
    // The plan task came two simulated hours after the launch (08:00 in Asia/Shanghai): first, at 10:00.
    expect(mails[0]).toEqual({ subject: planLink.subject, when: '2023年1月1日（星期日）10:00' });
    for (const mail of mails.slice(1)) expect(mail.when).toBe('2023年1月1日（星期日）08:00');
    expect(html).not.toContain(`${new Date().getFullYear()}年`);
    // Its open task, read from the table, links to the approval page e-mailed for it.
    expect(html).toContain(`<a href="${planLink.url.replaceAll('&', '&amp;')}" rel="noreferrer">`);
    expect(html).toMatch(/<h2>待办任务（\d+）<\/h2>/);
    expect(visibleText(html)).not.toMatch(/[A-Za-z]{2,}/);
  });

  test('opens a mail with its body in a sandboxed frame, served with a CSP that runs no script', async () => {
    const [mail] = await env.cloud.mailbox.list({ to: planLink.to, subject: planLink.subject });
    if (!mail) throw new Error('no mail');

    const view = await page(`/?to=${encodeURIComponent(planLink.to)}&mail=${encodeURIComponent(mail.id)}`);
    const body = await page(`/body?id=${encodeURIComponent(mail.id)}`);

    expect(view.status).toBe(200);
    expect(view.html).toContain(`<h1>${mail.subject}</h1>`);
    expect(view.html).toContain('<dd>2023年1月1日（星期日）10:00</dd>');
    expect(view.html).toMatch(
      /<iframe class="body" title="邮件正文" src="\/body\?id=[^"]+" sandbox="allow-popups allow-popups-to-escape-sandbox"/,
    );
    expect(body.status).toBe(200);
    expect(body.headers.get('content-security-policy')).toMatch(
      /^sandbox allow-popups[^;]*; default-src 'none'/,
    );
    expect(body.html).toContain('<base target="_blank">');
    expect(body.html).toContain(planLink.url.replaceAll('&', '&amp;'));
  });

  test('answers GET only on its own routes, and {ses}/store as aws-ses-v2-local stores the mail', async () => {
    expect((await fetch(`${env.cloud.endpoints.ses}/body?id=x`, { method: 'POST' })).status).toBe(405);

    const store = (await (await fetch(`${env.cloud.endpoints.ses}/store`)).json()) as {
      templates: unknown;
      emails: Array<Record<string, unknown>>;
    };

    expect(Object.keys(store)).toEqual(['templates', 'emails']);
    expect(store.emails.length).toBeGreaterThan(0);
    for (const email of store.emails) {
      // The package's fields only: the simulated time is kept beside the store, not in it.
      expect(Object.keys(email).sort()).toEqual(
        ['at', 'attachments', 'body', 'destination', 'from', 'messageId', 'replyTo', 'subject'].sort(),
      );
      // `at` stays the real time SES received it (seconds), which `since` polls rely on.
      expect(email.at).toBeGreaterThanOrEqual(testStarted);
      expect(email.at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    }
  });
});
