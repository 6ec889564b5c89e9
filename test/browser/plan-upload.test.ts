// Launching a programme from the dashboard in a real browser (Debian's headless Chromium) on the local cloud
// running the sample: the administrator signs in, uploads a broken plan and sees its problems in Chinese with
// their lines (nothing launched), uploads a good zh-CN plan with a programme id of its own, checks its preview
// (pilots, who is mailed what), and launches it: the programme shows on the overview and its launch mails
// arrive in the local mailbox. A viewer sees no way to launch, and their post is refused with a Chinese page.
// Screenshots of the upload, problems and preview pages at 375 and 1280 px.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlanPreviewView } from '#presentation/dashboard/plan-preview.ts';
import type { OverviewView } from '#presentation/dashboard/views.ts';
import { launchBrowser, SCREENSHOTS, screenshot } from '#test/support/browser.ts';
import { getJson } from '#test/support/dashboard.ts';
import { type SampleCloud, startSampleCloud } from '#test/support/sample-cloud.ts';

const SAMPLE = readFileSync(fileURLToPath(new URL('../../plans/sample.yaml', import.meta.url)), 'utf8');
const NEW_ID = 'yy-county-second-batch-2023';
const NEW_TITLE = '关于城乡社区治理第二批试点工作方案';
/** The sample under a programme id and title of its own: a second programme on the same cloud. */
const GOOD = SAMPLE.replace('id: xx-county-community-governance-2023', `id: ${NEW_ID}`).replace(
  'title: 关于城乡社区治理试点工作方案',
  `title: ${NEW_TITLE}`,
);
/** The same with a broken e-mail address and a pilot of an unknown type. */
const BROKEN = GOOD.replace('minzheng@xx-county.example', 'minzheng-at-xx-county').replace(
  'type: smart-technology',
  'type: no-such-type',
);
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

let env: SampleCloud;
let api: string;
let signInUrl: string;
let admin: { browser: BrowserContext; close: () => Promise<void> };
let page: Page;
let previewPath: string;

beforeAll(async () => {
  expect(GOOD).toContain(NEW_ID);
  expect(BROKEN).not.toBe(GOOD);
  env = await startSampleCloud({ concurrency: 1 });
  api = env.cloud.endpoints.api;
  signInUrl = env.cloud.endpoints.signInUrl as string;
  admin = await launchBrowser();
  page = await admin.browser.newPage();
  await page.goto(signInUrl);
  await page.waitForURL(`${api}/admin`);
}, 900_000);

afterAll(async () => {
  await admin?.close();
  await env?.stop();
});

async function screenshots(p: Page, name: string): Promise<void> {
  for (const [width, label] of [
    [1280, 'desktop'],
    [375, 'phone'],
  ] as const) {
    await p.setViewportSize({ width, height: 800 });
    await screenshot(p, { path: join(SCREENSHOTS, `plan-upload-${name}-${label}.png`), fullPage: true });
    if (width === 375) {
      // The first screen alone, at its real size: what a phone shows before scrolling.
      await screenshot(p, { path: join(SCREENSHOTS, `plan-upload-${name}-phone-top.png`) });
      // Nothing wider than the phone but what scrolls in its own box.
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    }
  }
  await p.setViewportSize({ width: 1280, height: 900 });
}

async function upload(name: string, text: string): Promise<number | undefined> {
  await page.goto(`${api}/admin`);
  await page.getByRole('link', { name: '启动方案' }).click();
  await page.waitForURL(`${api}/admin/plans/new`);
  await page
    .locator('#plan-file')
    .setInputFiles({ name, mimeType: 'application/yaml', buffer: Buffer.from(text) });
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${api}/admin/plans` && r.request().method() === 'POST'),
    page.locator('#upload-form button[type="submit"]').click(),
  ]);
  await page.waitForLoadState();
  return answer.status();
}

async function programmeIds(): Promise<string[]> {
  const view = await getJson<OverviewView>(env, '/admin');
  return view.programmes.map((p) => p.programmeId).sort();
}

describe('launching a plan from the dashboard', () => {
  test('the upload page is a plain form, offered from the overview', async () => {
    await page.goto(`${api}/admin`);
    await page.getByRole('link', { name: '启动方案' }).click();
    await page.waitForURL(`${api}/admin/plans/new`);
    expect(await page.locator('h1').textContent()).toBe('上传试点工作方案');
    const form = page.locator('#upload-form');
    expect(await form.getAttribute('enctype')).toBe('multipart/form-data');
    expect(await form.getAttribute('method')).toBe('post');
    expect(await form.locator('input[name="csrf"]').count()).toBe(1);
    await screenshots(page, 'form');
  });

  test('a broken plan is refused with every problem in Chinese and its line, and nothing is launched', async () => {
    const before = { programmes: await programmeIds(), mails: (await env.cloud.mailbox.list({})).length };

    expect(await upload('broken.yaml', BROKEN)).toBe(400);

    const problems = page.locator('#plan-problems');
    const text = (await problems.textContent()) ?? '';
    expect(text).toContain('方案有问题，未启动');
    expect(text).toContain('broken.yaml：2 个问题');
    expect(text).toContain(`不是电子邮箱地址（第 ${lineOf(BROKEN, 'minzheng-at-xx-county')} 行）`);
    expect(text).toContain(`（第 ${lineOf(BROKEN, 'type: no-such-type')} 行）`);
    // Each a place in the plan (its field names), then the message in Chinese and the line.
    const items = await problems.locator('li').allTextContents();
    expect(items).toHaveLength(2);
    for (const item of items) expect(item).toMatch(/^[\w.[\]]+：.*[\u4e00-\u9fff].*（第 \d+ 行）$/);
    await screenshots(page, 'problems');

    await env.cloud.whenIdle();
    expect(await programmeIds()).toEqual(before.programmes);
    expect((await env.cloud.mailbox.list({})).length).toBe(before.mails);
  });

  test('a good plan is previewed: its pilots, windows and who is mailed what at launch', async () => {
    expect(await upload('second-batch.yaml', GOOD)).toBe(303);
    expect(page.url()).toMatch(new RegExp(`^${api}/admin/plans/[0-9a-f]{64}$`));
    previewPath = new URL(page.url()).pathname;
    expect(await page.locator('h1').textContent()).toBe(NEW_TITLE);
    const pilots = await page.locator('#plan-pilots tbody tr').allTextContents();
    expect(pilots).toHaveLength(6);
    expect(pilots.join('\n')).toContain('XX镇古城社区');
    const windows = await page.locator('#plan-windows tbody tr').allTextContents();
    expect(windows.map((w) => w.slice(0, 4))).toEqual(['工作启动', '组织实施', '评估验收']);
    const mail = page.locator('#plan-mail');
    const civilAffairs = mail.locator('tr[data-key="minzheng@xx-county.example"]');
    expect(await civilAffairs.textContent()).toContain('动员通知');
    expect(await mail.textContent()).toContain('确认收到试点任务');
    expect(await page.locator('#plan-programme-id').textContent()).toBe(NEW_ID);
    await screenshots(page, 'preview');
    expect(await programmeIds()).not.toContain(NEW_ID);
  });

  test('a viewer has no way to launch, and their post is refused with a Chinese page, launching nothing', async () => {
    const viewer = await launchBrowser();
    try {
      const p = await viewer.browser.newPage();
      await p.goto(signInUrl.replace('admin%40', 'viewer%40'));
      await p.waitForURL(`${api}/admin`);
      expect(await p.getByRole('link', { name: '启动方案' }).count()).toBe(0);
      // A form as the viewer's browser would post it, with the viewer's own CSRF token.
      const [answer] = await Promise.all([
        p.waitForResponse((r) => r.url().endsWith('/launch')),
        p.evaluate((action) => {
          const token = document.querySelector<HTMLInputElement>('input[name="csrf"]')?.value ?? '';
          const form = document.createElement('form');
          form.method = 'post';
          form.action = action;
          const field = document.createElement('input');
          field.name = 'csrf';
          field.value = token;
          form.append(field);
          document.body.append(form);
          form.submit();
        }, `${previewPath}/launch`),
      ]);
      expect(answer.status()).toBe(403);
      await p.waitForLoadState();
      const text = (await p.locator('main').textContent()) ?? '';
      expect(text).toContain('无权执行此操作');
      expect(text).not.toMatch(/[A-Za-z]{4,}/);
    } finally {
      await viewer.close();
    }
    expect(await programmeIds()).not.toContain(NEW_ID);
  });

  test('launch starts the previewed plan: the programme is on the overview and its launch mails arrive', async () => {
    await page.goto(`${api}${previewPath}`);
    const mailsBefore = (await env.cloud.mailbox.list({})).length;
    await page.locator('#launch-form button[type="submit"]').click();
    await page.waitForURL(`${api}/admin/programmes/${NEW_ID}?done=launched`);
    expect(await page.locator('h1').textContent()).toBe(NEW_TITLE);
    expect(await page.locator('main').textContent()).toContain('方案已启动。');
    await env.cloud.whenIdle();
    expect(await programmeIds()).toContain(NEW_ID);
    const mails = await env.cloud.mailbox.list({});
    const ofNew = mails.filter((m) => `${m.text ?? ''}${m.html ?? ''}`.includes(NEW_TITLE));
    // Exactly as many as the preview said (the sample's programme, on a stopped clock, sends nothing meanwhile).
    const preview = await getJson<PlanPreviewView>(env, previewPath);
    expect(mails.length - mailsBefore).toBe(preview.mail.emails);
    expect(ofNew.length).toBeGreaterThan(0);
    expect(ofNew.some((m) => m.to.includes('minzheng@xx-county.example'))).toBe(true);
  });

  test('launching the same plan again starts nothing new', async () => {
    await page.goto(`${api}${previewPath}`);
    expect(await page.locator('#plan-prior').textContent()).toContain('这个方案已经启动过');
    const mails = (await env.cloud.mailbox.list({})).length;
    await page.locator('#launch-form button[type="submit"]').click();
    await page.waitForURL(`${api}/admin/programmes/${NEW_ID}?done=launched-before`);
    await env.cloud.whenIdle();
    expect((await env.cloud.mailbox.list({})).length).toBe(mails);
  });
});
