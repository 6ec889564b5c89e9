// Amending the running sample programme in a real browser (Debian's headless Chromium) on the local cloud: the
// administrator replaces a contact of the civil affairs bureau who has an open task (古城社区's plan review); the
// old link's page says who has the task now and offers no form; the successor's e-mail has a link that decides
// it, and the execution moves on; the plan page lists the versions; a viewer sees no forms and is refused.
// Screenshots of the amend form and the old link's page at phone and desktop width go to test-results/screenshots/.
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { csrfToken } from '#presentation/dashboard/session.ts';
import type { PilotView } from '#presentation/dashboard/views.ts';
import { getTask } from '#store/tasks.ts';
import { launchBrowser, SCREENSHOTS, screenshot } from '#test/support/browser.ts';
import { getJson, newestLink, postForm, tokenWithGroups, toPlanReview } from '#test/support/dashboard.ts';
import { type SampleCloud, startSampleCloud, type TaskLink } from '#test/support/sample-cloud.ts';
import { urls } from '../../functions/presentation/dashboard/urls.ts';

const PROGRAMME = 'xx-county-community-governance-2023';
const LEAVING = 'minzheng@xx-county.example';
const SUCCESSOR = { name: '陈静', email: 'chenjing@xx-county.example' };
const REVIEW = /古城社区：审核实施方案/;

let env: SampleCloud;
let api: string;
let browser: BrowserContext;
let closeBrowser: (() => Promise<void>) | undefined;
/** The leaver's link to 古城社区's plan review, e-mailed before the replacement. */
let old: TaskLink;

beforeAll(async () => {
  env = await startSampleCloud({ concurrency: 1 });
  api = env.cloud.endpoints.api;
  await toPlanReview(env, '古城社区');
  old = await newestLink(env, REVIEW, LEAVING);
  ({ browser, close: closeBrowser } = await launchBrowser());
  const page = await browser.newPage();
  await page.goto(env.cloud.endpoints.signInUrl as string);
  await page.waitForURL(`${api}/admin`);
  await page.close();
}, 900_000);

afterAll(async () => {
  await closeBrowser?.();
  await env?.stop();
});

async function screenshots(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 900 });
  await screenshot(page, { path: join(SCREENSHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(page, { path: join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('amending the running programme in a browser', () => {
  test('refuses a successor’s address that is not one, naming the field in Chinese, and changes nothing', async () => {
    const page = await browser.newPage();
    await page.goto(`${api}${urls.overview(PROGRAMME)}`);
    await page.locator('#plan-link').click();
    await page.waitForURL(`${api}${urls.programmePlan(PROGRAMME)}`);
    await page.locator('#replace-contact').selectOption(`civil-affairs ${LEAVING}`);
    await page.locator('#replace-contact-name').fill(SUCCESSOR.name);
    await page.locator('#replace-contact-email').fill('chenjing');
    await page.locator('#replace-contact-reason').fill('李华调任');
    await page.locator('#replace-form').getByRole('button', { name: '替换并转交' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#replace-form .error').textContent()).toBe('接任者电子邮箱：不是电子邮箱地址');
    // What was typed is kept.
    expect(await page.locator('#replace-contact-name').inputValue()).toBe(SUCCESSOR.name);
    expect(await page.locator('#plan-versions tbody tr').count()).toBe(1);
    await page.close();
  });

  test('replaces a contact: the open review moves to the successor, whose link decides it; the old link says where it went', async () => {
    const task = await env.taskOf(old);
    const page = await browser.newPage();
    await page.goto(`${api}${urls.programmePlan(PROGRAMME)}`);
    await page.locator('#replace-contact').selectOption(`civil-affairs ${LEAVING}`);
    await page.locator('#replace-contact-name').fill(SUCCESSOR.name);
    await page.locator('#replace-contact-email').fill(SUCCESSOR.email);
    await page.locator('#replace-contact-reason').fill('李华调任市民政局，由陈静接任');
    await screenshots(page, 'amend-form');
    await page.locator('#replace-form').getByRole('button', { name: '替换并转交' }).click();
    await page.waitForURL(/done=contact-replaced/);
    expect(await page.locator('[role="status"]').textContent()).toContain('已替换联系人');
    const newest = page.locator('#plan-versions tbody tr').first();
    expect(await newest.getAttribute('data-version')).toBe('2');
    expect(await newest.textContent()).toContain('县民政局：李华 由 陈静（chenjing@xx-county.example）接任');
    expect(await newest.textContent()).toContain('李华调任市民政局，由陈静接任');
    await screenshots(page, 'amend-versions');
    expect((await getTask(env.store, task.taskId))?.assignees.map((a) => a.email)).toContain(SUCCESSOR.email);

    // The old link's page: where the task went, in Chinese, and no form.
    const gone = await page.goto(old.url);
    expect(gone?.status()).toBe(410);
    expect(await page.locator('h1').textContent()).toBe('此事项已转交他人办理');
    expect(await page.locator('[role="status"]').textContent()).toContain('此事项已转交给 陈静 办理');
    expect(await page.locator('form').count()).toBe(0);
    await screenshots(page, 'amend-old-link');

    // The successor's e-mail has a link that decides the review; the pilot's launch is then done.
    const fresh = await newestLink(env, REVIEW, SUCCESSOR.email);
    const opened = await page.goto(fresh.url);
    expect(opened?.status()).toBe(200);
    await page.locator('textarea[name="comment"]').fill('同意');
    await page.locator('button[name="decision"][value="approve"]').click();
    await page.waitForLoadState();
    expect(await page.locator('[role="status"]').count()).toBeGreaterThan(0);
    const decided = await getTask(env.store, task.taskId);
    expect(decided?.decision?.decidedBy.email).toBe(SUCCESSOR.email);
    await env.cloud.whenIdle();
    const pilot = await getJson<PilotView>(env, `/admin/programmes/${PROGRAMME}/pilots/gucheng`);
    expect(pilot.executions.find((e) => e.stage === 'launch')?.execution?.status).toBe('SUCCEEDED');
    await page.close();
  });

  test('shows a viewer the versions but no forms, and refuses their post with the page that says so', async () => {
    const token = await tokenWithGroups(env, ['viewer']);
    const view = await fetch(`${api}${urls.programmePlan(PROGRAMME)}`, {
      headers: { cookie: `pilotflow_admin=${token}` },
    });
    const html = await view.text();
    expect(view.status).toBe(200);
    expect(html).toContain('id="plan-versions"');
    expect(html).not.toContain('<form method="post" action="/admin/programmes');
    const versions = html.match(/data-version=/g)?.length;
    const refused = await postForm(
      env,
      urls.amend(PROGRAMME),
      {
        csrf: csrfToken(token),
        change: 'add-contact',
        unit: 'finance',
        name: '周敏',
        email: 'zhoumin@xx-county.example',
        reason: '增加经办人',
      },
      { cookie: `pilotflow_admin=${token}` },
    );
    expect(refused.status).toBe(403);
    const page = await refused.text();
    expect(page).toContain('lang="zh-CN"');
    expect(page).toContain('您的账号只有查看权限');
    const after = await fetch(`${api}${urls.programmePlan(PROGRAMME)}`, {
      headers: { cookie: `pilotflow_admin=${token}` },
    });
    expect((await after.text()).match(/data-version=/g)?.length).toBe(versions);
  });
});
