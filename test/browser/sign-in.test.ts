// Signing in to the dashboard in a real browser (Debian's headless Chromium) on the local cloud, through its
// OpenID provider standing in for Cognito's managed login, with the same sign-in, callback and sign-out
// handlers and the same authorizer as on AWS: a page asked for without a session goes to sign in and comes
// back; the printed one-click link signs the local administrator in; a viewer's action is refused with a
// page in the plan's language; signing out ends the provider's session too; an API client without a token
// gets 401 JSON. Screenshots of the sign-in page, the refusal and the signed-out page at 375 and 1280 px.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TasksView } from '#presentation/dashboard/views.ts';
import { launchBrowser, SCREENSHOTS, screenshot } from '#test/support/browser.ts';
import { getJson } from '#test/support/dashboard.ts';
import { type SampleCloud, startSampleCloud } from '#test/support/sample-cloud.ts';

const PROGRAMME_TITLE = '关于城乡社区治理试点工作方案';

let env: SampleCloud;
let api: string;
let signInUrl: string;
/** Holds the file's one Chromium open between the tests, each of which signs in from a fresh context. */
let keep: (() => Promise<void>) | undefined;

beforeAll(async () => {
  env = await startSampleCloud({ concurrency: 1 });
  api = env.cloud.endpoints.api;
  signInUrl = env.cloud.endpoints.signInUrl as string;
  ({ close: keep } = await launchBrowser());
}, 900_000);

afterAll(async () => {
  await keep?.();
  await env?.stop();
});

async function screenshots(page: Page, name: string): Promise<void> {
  for (const [width, label] of [
    [1280, 'desktop'],
    [375, 'phone'],
  ] as const) {
    await page.setViewportSize({ width, height: 800 });
    await screenshot(page, { path: join(SCREENSHOTS, `sign-in-${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** A fresh browser context (no cookies), closed after `use`. */
async function withBrowser(use: (page: Page) => Promise<void>): Promise<void> {
  const { browser, close } = await launchBrowser();
  try {
    await use(await browser.newPage());
  } finally {
    await close();
  }
}

describe('signing in with a browser', () => {
  test('a page asked for without a session goes to the sign-in page, and back to that page once signed in', async () => {
    await withBrowser(async (page) => {
      await page.goto(`${api}/admin/tasks?status=open`);
      expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/interaction\//);
      expect(await page.locator('h1').textContent()).toContain('本地登录');
      await screenshots(page, 'page');
      await page.getByRole('button', { name: /本地管理员/ }).click();
      await page.waitForURL(`${api}/admin/tasks?status=open`);
      expect(await page.locator('h1').count()).toBe(1);
      const cookies = await page.context().cookies(`${api}/admin/auth/callback`);
      const session = cookies.find((c) => c.name === 'pilotflow_admin');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/admin' });
      // The PKCE verifier's cookie is spent.
      expect(cookies.find((c) => c.name === 'pilotflow_signin')).toBeUndefined();
    });
  });

  test('the printed sign-in link signs the local administrator in and shows the programme', async () => {
    expect(signInUrl).toMatch(/\/admin\/auth\/sign-in\?login_hint=admin%40pilotflow\.local$/);
    await withBrowser(async (page) => {
      await page.goto(signInUrl);
      await page.waitForURL(`${api}/admin`);
      expect(await page.locator('main').textContent()).toContain(PROGRAMME_TITLE);
    });
  });

  test('a viewer sees the tasks, but their action is refused with a page in Chinese and nothing is sent', async () => {
    const [task] = (await getJson<TasksView>(env, '/admin/tasks?pilot=caotang')).tasks;
    await withBrowser(async (page) => {
      await page.goto(signInUrl.replace('admin%40', 'viewer%40'));
      await page.waitForURL(`${api}/admin`);
      await page.goto(`${api}/admin/tasks/${encodeURIComponent(task!.taskId)}`);
      const sentBefore = (await env.links({})).length;
      await page.locator('#resend-reason').fill('查看员试图重发');
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/resend')),
        page.locator('#resend-form button[type="submit"]').click(),
      ]);
      expect(answer.status()).toBe(403);
      const text = (await page.locator('main').textContent()) ?? '';
      expect(text).toContain('无权执行此操作');
      expect(text).not.toMatch(/[A-Za-z]{4,}/);
      await screenshots(page, 'refused');
      await env.cloud.whenIdle();
      expect((await env.links({})).length).toBe(sentBefore);
    });
  });

  test('signing out ends the provider’s session too: the next page asks who signs in', async () => {
    await withBrowser(async (page) => {
      await page.goto(signInUrl);
      await page.waitForURL(`${api}/admin`);
      await page.locator(`form[action="/admin/auth/sign-out"] button`).click();
      await page.waitForURL(`${api}/admin/auth/sign-out`);
      expect(await page.locator('h1').textContent()).toBe('已退出登录');
      await screenshots(page, 'signed-out');
      await page.goto(`${api}/admin`);
      // Not signed in again silently: the provider shows its sign-in page.
      expect(page.url()).toMatch(/\/interaction\//);
    });
  });

  test('an API client without a token gets 401 JSON, and with the printed token the JSON', async () => {
    const anonymous = await fetch(`${api}/admin`, { headers: { accept: 'application/json' } });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ message: 'Unauthorized' });
    const client = await fetch(`${api}/admin`, {
      headers: { accept: 'application/json', authorization: `Bearer ${env.cloud.endpoints.adminToken}` },
    });
    expect(client.status).toBe(200);
  });
});
