// Approval links end to end on the local cloud: the real app and sample plan, links taken from the local
// mailbox, requests through the local HTTP API to the bundled approval handler, decisions back to the
// embedded Step Functions runtime. Each test uses a different pilot's tasks, so they do not interfere.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { recordDecision } from '#domain/decision.ts';
import { listAuditOfTask } from '#store/audit.ts';
import { listPendingCallbacks } from '#store/callbacks.ts';
import { getLink } from '#store/links.ts';
import {
  decide,
  formTokenOf,
  postForm,
  SAMPLE_START,
  type SampleCloud,
  startSampleCloud,
  type TaskLink,
} from '#test/support/sample-cloud.ts';

let env: SampleCloud;

beforeAll(async () => {
  env = await startSampleCloud();
}, 600_000);

afterAll(async () => {
  await env?.stop();
});

const acknowledgements = (pilot: string) => env.links({ subject: new RegExp(`${pilot}：确认收到试点任务`) });

/** Items added since `before` (by key), as `PK-prefix` names, e.g. ['AUDIT', 'ONCE']. */
function added(before: Array<Record<string, unknown>>, after: Array<Record<string, unknown>>): string[] {
  const keys = new Set(before.map((i) => `${i.pk}\n${i.sk}`));
  return after.filter((i) => !keys.has(`${i.pk}\n${i.sk}`)).map((i) => String(i.pk).split('#')[0] ?? '');
}

/** Items present before whose content changed. */
function changed(before: Array<Record<string, unknown>>, after: Array<Record<string, unknown>>) {
  const now = new Map(after.map((i) => [`${i.pk}\n${i.sk}`, JSON.stringify(i)]));
  return before.filter((i) => now.get(`${i.pk}\n${i.sk}`) !== JSON.stringify(i));
}

describe('GET, HEAD and OPTIONS', () => {
  test('a link opened ten times shows the task page with its security headers and changes nothing', async () => {
    const [link] = await acknowledgements('草堂社区');
    const before = await env.items();
    for (let i = 0; i < 10; i++) {
      const res = await fetch((link as TaskLink).url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toMatch(
        /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'; frame-ancestors 'none'/,
      );
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain('<h1>确认收到试点任务</h1>');
      expect(html).toContain('XX镇草堂社区');
    }
    await env.cloud.whenIdle();
    expect(await env.items()).toEqual(before);
  });

  test('HEAD and OPTIONS answer without a body and change nothing', async () => {
    const [link] = (await acknowledgements('草堂社区')) as [TaskLink];
    const before = await env.items();
    const head = await fetch(link.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const options = await fetch(link.url, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    expect(await env.items()).toEqual(before);
  });

  test('other methods have no route: API Gateway answers 404 before any function runs', async () => {
    const [link] = (await acknowledgements('草堂社区')) as [TaskLink];
    const before = env.cloud.lambda.invocations;
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(link.url, { method });
      expect(res.status, method).toBe(404);
      expect(await res.json()).toEqual({ message: 'Not Found' });
    }
    expect(env.cloud.lambda.invocations).toBe(before);
  });
});

describe('POST', () => {
  test('approve stores the decision and the execution continues: the last acknowledgement opens the next task', async () => {
    const links = await acknowledgements('古城社区');
    expect(links.map((l) => l.to).sort()).toEqual([
      'caizheng@xx-county.example',
      'gucheng@xx-town.example',
      'sifa@xx-county.example',
      'zhengfawei@xx-county.example',
      'zuzhibu@xx-county.example',
    ]);
    for (const link of links) {
      const res = await decide(link, { decision: 'approve', comment: '已收到。' });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('您的意见已提交，谢谢。');
    }
    await env.cloud.whenIdle();

    const task = await env.taskOf(links[0] as TaskLink);
    expect(task).toMatchObject({
      status: 'decided',
      decision: { outcome: 'approve', comment: '已收到。', decidedBy: { email: links[0]?.to } },
    });
    expect(task.callbackPending).toBeUndefined();
    const next = await env.links({ subject: /古城社区：提交实施方案/ });
    expect(next.map((l) => l.to)).toEqual(['gucheng@xx-town.example']);
  });

  test('a second POST says "already decided" and sends nothing more to Step Functions', async () => {
    const [link] = (await acknowledgements('古城社区')) as [TaskLink];
    const page = await fetch(link.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('您已于 2023年1月1日 08:00 提交过意见（确认收到），无需再次操作。');
    expect(html).not.toContain('<form');

    const again = await postForm(link.url, { token: 'x'.repeat(43), decision: 'approve', comment: '' });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('提交过意见');
    await env.cloud.whenIdle();
    const task = await env.taskOf(link);
    expect(task.callbackError).toBeUndefined();
    const audit = await listAuditOfTask(env.store, task.taskId);
    expect(audit.filter((e) => e.action === 'decision.recorded')).toHaveLength(1);
    expect(audit.filter((e) => e.action === 'callback.failed')).toHaveLength(0);
  });

  test('twenty concurrent POSTs on one link record exactly one decision', async () => {
    const [link] = (await acknowledgements('樟树社区')) as [TaskLink];
    const token = formTokenOf(await (await fetch(link.url)).text());
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postForm(link.url, { token, decision: 'approve', comment: `第 ${i + 1} 次点击` }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    await env.cloud.whenIdle();
    const task = await env.taskOf(link);
    const audit = await listAuditOfTask(env.store, task.taskId);
    expect(audit.filter((e) => e.action === 'decision.recorded')).toHaveLength(1);
    expect(task.callbackPending).toBeUndefined();
    expect(task.callbackError).toBeUndefined();
  });

  test('a POST without the form token is refused with 403 and decides nothing', async () => {
    const [link] = (await acknowledgements('东河路社区')) as [TaskLink];
    const res = await postForm(link.url, { decision: 'approve', comment: '' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('无法提交');
    expect((await env.taskOf(link)).status).toBe('open');
  });
});

describe('refusals', () => {
  test('a tampered signature, an unknown id and another member’s link get a 4xx page; only the audit trail grows', async () => {
    const [a, b] = (await acknowledgements('解放街社区')) as [TaskLink, TaskLink];
    const tampered = a.url.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    const unknown = a.url.replace(a.linkId, 'Z'.repeat(24));
    // Member B's link id carrying member A's (valid) signature: signatures bind the assignee.
    const otherMember = b.url.replace(b.sig, a.sig);
    const before = await env.items();
    // An unknown id names no programme, so its page names the sender of the e-mail as the contact.
    for (const [url, status, text, contact] of [
      [tampered, 403, '链接无效', '县民政局 李华'],
      [unknown, 404, '找不到这个链接', '给您发送这封邮件的单位'],
      [otherMember, 403, '链接无效', '县民政局 李华'],
      [a.url.replace(/\?sig=.*/, ''), 403, '链接无效', '县民政局 李华'],
    ] as const) {
      const get = await fetch(url);
      expect(get.status, url).toBe(status);
      const html = await get.text();
      expect(html).toContain(text);
      expect(html).toContain(contact);
      expect(get.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      const post = await postForm(url, { token: 'x'.repeat(43), decision: 'approve', comment: '' });
      expect(post.status, url).toBe(status);
    }
    await env.cloud.whenIdle();
    const after = await env.items();
    expect(changed(before, after)).toEqual([]);
    expect(new Set(added(before, after))).toEqual(new Set(['AUDIT', 'ONCE']));
    expect((await env.taskOf(a)).status).toBe('open');
    expect((await getLink(env.store, b.linkId))?.status).toBe('active');
  });

  test('an oversized body is refused with 413 and a page in the page’s language, changing nothing', async () => {
    const [link] = (await acknowledgements('东河路社区')) as [TaskLink];
    const token = formTokenOf(await (await fetch(link.url)).text());
    const before = await env.items();
    // Over the form's 64 KB, up to what reaches the function: a form post of 4 MB is 5.3 MB base64-encoded.
    for (const [size, lang, text] of [
      [70_000, 'zh-CN', '提交的内容太多，未作任何更改'],
      [4 * 1024 * 1024, 'zh-CN', '提交的内容太多，未作任何更改'],
      [70_000, 'en', 'The submission was too large; nothing was changed'],
    ] as const) {
      // The page's form posts to its own URL, which names its language.
      const res = await fetch(`${link.url}&lang=${lang}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `token=${token}&decision=approve&comment=${'x'.repeat(size)}`,
      });
      expect(res.status, `${size} ${lang}`).toBe(413);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await res.text()).toContain(text);
    }
    await env.cloud.whenIdle();
    expect(await env.items()).toEqual(before);
  });

  test('a non-form or malformed body is refused with 400 and changes nothing', async () => {
    const [link] = (await acknowledgements('东河路社区')) as [TaskLink];
    const token = formTokenOf(await (await fetch(link.url)).text());
    const before = await env.items();
    const bodies: Array<[string, string]> = [
      ['application/json', JSON.stringify({ token, decision: 'approve' })],
      ['application/x-www-form-urlencoded', `token=${token}&decision=approve&comment=100%`],
      ['application/x-www-form-urlencoded', `token=${token}&decision=approve&decision=reject`],
    ];
    for (const [contentType, body] of bodies) {
      const res = await fetch(link.url, { method: 'POST', headers: { 'content-type': contentType }, body });
      expect(res.status, body.slice(0, 60)).toBe(400);
      expect(await res.text()).toContain('未作任何更改');
    }
    await env.cloud.whenIdle();
    expect(await env.items()).toEqual(before);
  });
});

describe('the callback retry', () => {
  test('decisions recorded but never delivered (a crash after the write) are delivered by the hourly schedule', async () => {
    const links = await acknowledgements('XX镇');
    const town = links.filter((l) => !/社区/.test(l.subject));
    expect(town).toHaveLength(5);
    // The write of a POST without its SendTaskSuccess, as if the function had stopped right after it.
    for (const link of town) {
      const task = await env.taskOf(link);
      const assignee = (await getLink(env.store, link.linkId))?.assignee;
      if (!assignee) throw new Error('link without assignee');
      const decision = {
        outcome: 'approve' as const,
        comment: '',
        form: {},
        decidedBy: assignee,
        decidedAt: new Date(env.cloud.clock.now()).toISOString(),
        linkId: link.linkId,
      };
      expect(
        (await recordDecision({ store: env.store }, task, decision, `email:${assignee.email}`)).kind,
      ).toBe('decided');
    }
    expect(await listPendingCallbacks(env.store, '9999')).toHaveLength(5);
    expect(await env.links({ subject: /XX镇：提交实施方案/ })).toEqual([]);

    await env.cloud.clock.advanceTo(SAMPLE_START + 3_600_000);
    await env.cloud.whenIdle();

    expect(await listPendingCallbacks(env.store, '9999')).toEqual([]);
    for (const link of town) expect((await env.taskOf(link)).callbackPending).toBeUndefined();
    expect((await env.links({ subject: /XX镇：提交实施方案/ })).length).toBeGreaterThan(0);
  });

  test('an expired link is refused with 410 and says until when it worked and whom to contact', async () => {
    const [link] = (await acknowledgements('草堂社区')) as [TaskLink];
    const record = await getLink(env.store, link.linkId);
    await env.cloud.clock.advanceTo(Date.parse(record?.expiresAt ?? '') + 60_000);
    await env.cloud.whenIdle();
    const before = await env.items();
    const res = await fetch(link.url);
    expect(res.status).toBe(410);
    const html = await res.text();
    expect(html).toContain('链接已过期');
    expect(html).toContain('李华');
    expect(html).not.toContain('<form');
    const post = await postForm(link.url, { token: 'x'.repeat(43), decision: 'approve', comment: '' });
    expect(post.status).toBe(410);
    expect(changed(before, await env.items())).toEqual([]);
  });
});
