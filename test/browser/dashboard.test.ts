// An administrator's path through the dashboard in a real browser (Debian's headless Chromium) during a
// rehearsal of the sample plan on the local cloud: pilots in different stages (four acknowledging, 古城社区's
// plan under review, 东河路社区's launch done), sign-in through the local identity provider, the overview, a pilot's graphs,
// an execution, the tasks, a reassignment (转办) whose old link is refused, a stop seen without reloading,
// the clock controls (with JavaScript and without). Screenshots of each page at desktop and phone width go to
// test-results/screenshots/.
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PilotView, TasksView } from '#presentation/dashboard/views.ts';
import { launchBrowser, SCREENSHOTS, screenshot } from '#test/support/browser.ts';
import { getJson, newestLink, postJson, toPlanReview } from '#test/support/dashboard.ts';
import { decide, type SampleCloud, startSampleCloud, type TaskLink } from '#test/support/sample-cloud.ts';
import { urls } from '../../functions/presentation/dashboard/urls.ts';

const PROGRAMME = 'xx-county-community-governance-2023';
const DESKTOP = 1280;
const PHONE = 375;

let env: SampleCloud;
let api: string;
let browser: BrowserContext;
let closeBrowser: (() => Promise<void>) | undefined;

beforeAll(async () => {
  env = await startSampleCloud({ concurrency: 1 });
  api = env.cloud.endpoints.api;
  // 古城社区: its plan is under review by the civil affairs bureau. 东河路社区: its plan approved, launch done.
  await toPlanReview(env, '古城社区');
  await toPlanReview(env, '东河路社区');
  const review = await newestLink(env, /东河路社区：审核实施方案/, 'minzheng@xx-county.example');
  const approved = await decide(review, { decision: 'approve', comment: '同意' });
  if (approved.status !== 200) throw new Error(`approving the plan: ${approved.status}`);
  await env.cloud.whenIdle();

  ({ browser, close: closeBrowser } = await launchBrowser());
}, 900_000);

afterAll(async () => {
  await closeBrowser?.();
  await env?.stop();
});

/** A new tab on `path` that records what the CSP refused and every request it made. */
async function open(path: string): Promise<{ page: Page; refused: string[]; requests: string[] }> {
  const page = await browser.newPage();
  const refused: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
      refused.push(message.text());
    }
  });
  page.on('request', (request) => requests.push(request.url()));
  const response = await page.goto(`${api}${path}`);
  expect(response?.status(), path).toBe(200);
  return { page, refused, requests };
}

/** Full-page screenshots at desktop and phone width; at phone width the page must not scroll sideways. */
async function screenshots(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: DESKTOP, height: 900 });
  await screenshot(page, { path: join(SCREENSHOTS, `dashboard-${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: PHONE, height: 800 });
  await screenshot(page, { path: join(SCREENSHOTS, `dashboard-${name}-phone.png`), fullPage: true });
  // What sticks out, outside the tables' own scrolling boxes (named in the failure).
  const wide = await page.evaluate(
    (width) =>
      Array.from(document.querySelectorAll('body *'))
        .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !el.closest('.scroll'))
        .slice(0, 3)
        .map((el) => el.outerHTML.slice(0, 300)),
    PHONE,
  );
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth),
    wide.join('\n'),
  ).toBeLessThanOrEqual(PHONE);
  await page.setViewportSize({ width: DESKTOP, height: 900 });
}

const stateOf = (page: Page, pilotId: string, stage: string) =>
  page.locator(`tr[data-pilot="${pilotId}"] td[data-stage="${stage}"]`).getAttribute('data-state');

describe('the dashboard in a browser', () => {
  test('sends the browser to sign in before the overview, and back to it once signed in', async () => {
    const page = await browser.newPage();
    await page.goto(`${api}/admin`);
    // The local identity provider's sign-in page (Cognito's managed login on AWS).
    expect(page.url()).toMatch(/\/interaction\//);
    expect(await page.locator('table, svg').count()).toBe(0);
    await page.getByRole('button', { name: /本地管理员/ }).click();
    await page.waitForURL(`${api}/admin`);
    expect(await page.locator('h1').count()).toBe(1);
    await screenshots(page, 'overview-signed-in');
    await page.close();
  });

  test('shows the six pilots on the overview, each in its stage, with the timeline and nothing loaded from elsewhere', async () => {
    const { page, refused, requests } = await open('/admin');
    const rows = await page
      .locator('tr[data-pilot]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-pilot')));
    expect(rows).toEqual(['xx-town', 'caotang', 'gucheng', 'donghelu', 'zhangshu', 'jiefangjie']);
    for (const pilot of ['xx-town', 'caotang', 'zhangshu', 'jiefangjie', 'gucheng']) {
      expect(await stateOf(page, pilot, 'launch'), pilot).toBe('waiting');
      expect(await stateOf(page, pilot, 'implementation'), pilot).toBe('not-started');
    }
    expect(await stateOf(page, 'donghelu', 'launch')).toBe('done');
    // 古城社区 waits on the civil affairs bureau alone (its plan review); the others on their acknowledgers.
    const gucheng = await page.locator('tr[data-pilot="gucheng"] td[data-stage="launch"] .who').textContent();
    expect(gucheng).toMatch(/^等待：县民政局 · /);
    expect(await page.locator('#timeline svg').count()).toBe(1);
    expect(refused).toEqual([]);
    expect(requests.every((url) => url.startsWith(api))).toBe(true);
    await screenshots(page, 'overview');

    await page.goto(`${api}/admin?lang=en`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('#matrix-title').textContent()).toBe('Pilots × stages');
    // The choice is kept (a cookie) until switched back.
    await page.goto(`${api}/admin/tasks`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.goto(`${api}/admin?lang=zh`);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.close();
  });

  test('draws a pilot’s launch as a graph with the state it waits in highlighted', async () => {
    const { page, refused } = await open(urls.pilot(PROGRAMME, 'gucheng'));
    const launch = page.locator('section.execution[data-stage="launch"]');
    const current = await launch
      .locator('g.node[data-status="current"]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-state')));
    expect(current).toEqual(['Review the implementation plan']);
    expect(
      await launch.locator('g.node[data-state="Acknowledge the pilot tasks"]').getAttribute('data-status'),
    ).toBe('done');
    // The highlight is what the eye sees: a thicker blue outline than the states around it.
    const stroke = await launch
      .locator('g.node[data-status="current"] rect')
      .evaluate((el) => getComputedStyle(el).stroke);
    expect(stroke).toBe('rgb(29, 78, 216)');
    expect(await page.locator('#trail').textContent()).toBeTruthy();
    expect(refused).toEqual([]);
    await screenshots(page, 'pilot');
    await page.close();
  });

  test('shows an execution’s graph and its history, each state’s input collapsible', async () => {
    const pilot = await getJson<PilotView>(env, `/admin/programmes/${PROGRAMME}/pilots/gucheng`);
    const arn = pilot.executions.find((e) => e.stage === 'launch')?.executionArn;
    const { page } = await open(urls.execution(arn!));
    expect(await page.locator('#graph g.node[data-status="current"]').count()).toBe(1);
    const input = page.locator('details#exec-input');
    expect(await input.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
    await input.locator('summary').click();
    expect(await input.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(true);
    expect(await input.locator('pre').textContent()).toContain('gucheng');
    await screenshots(page, 'execution');
    await page.close();
  });

  test('lists the open tasks filtered by pilot, each linking to its page', async () => {
    const { page } = await open(urls.tasks());
    await page.locator('#f-pilot').selectOption('gucheng');
    await page.locator('#f-pilot').evaluate((el) => (el as HTMLSelectElement).form?.requestSubmit());
    await page.waitForURL(/pilot=gucheng/);
    const rows = page.locator('#task-list tr');
    expect(await rows.count()).toBeGreaterThan(0);
    const links = await rows.locator('a[href^="/admin/tasks/"]').count();
    expect(links).toBeGreaterThan(0);
    await screenshots(page, 'tasks');
    await page.close();
  });

  test('reassigns the plan review to another contact: the new assignee gets a working link, the old ones are refused', async () => {
    const old = await Promise.all(
      ['minzheng@xx-county.example', 'minzheng-office@xx-county.example'].map((to) =>
        newestLink(env, /古城社区：审核实施方案/, to),
      ),
    );
    const task = await env.taskOf(old[0]!);
    const { page } = await open(urls.task(task.taskId));
    await screenshots(page, 'task');
    await page.locator('#reassign-to').selectOption('minzheng-office@xx-county.example');
    await page.locator('#reassign-reason').fill('李华股长出差，由王芳办理');
    await page.locator('#reassign-form').getByRole('button', { name: '转办' }).click();
    await page.waitForURL(/done=reassigned/);
    expect(await page.locator('[role="status"]').count()).toBe(1);

    const fresh: TaskLink = await newestLink(
      env,
      /古城社区：审核实施方案/,
      'minzheng-office@xx-county.example',
    );
    expect(old.map((l) => l.linkId)).not.toContain(fresh.linkId);
    for (const link of old) {
      const refused = await page.goto(link.url);
      expect(refused?.status(), link.to).toBe(410);
    }
    const works = await page.goto(fresh.url);
    expect(works?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('审核实施方案');
    await page.close();
  });

  test('shows a stopped execution on the open overview without reloading it', async () => {
    // The overview asks for itself again every few seconds of the browser's time (data-live-ms, 5 s). The
    // browser's timers are Playwright's from here on (the whole context's; they run on with real time), so
    // that the test moves them past that interval below instead of waiting for it; the request and the page's
    // update are the page's own, against the real local cloud.
    await browser.clock.install();
    const { page } = await open('/admin');
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    expect(await stateOf(page, 'jiefangjie', 'launch')).toBe('waiting');
    const pilot = await getJson<PilotView>(env, `/admin/programmes/${PROGRAMME}/pilots/jiefangjie`);
    const arn = pilot.executions.find((e) => e.stage === 'launch')?.executionArn;
    const stopped = await postJson(env, urls.stop(arn!), { reason: '试点单位调整，暂停试点' });
    expect(stopped.status).toBe(200);
    await env.cloud.whenIdle();
    const liveMs = Number(await page.locator('body').getAttribute('data-live-ms'));
    expect(liveMs).toBeGreaterThan(0);
    await page.clock.runFor(liveMs);
    await page.waitForSelector('tr[data-pilot="jiefangjie"] td[data-stage="launch"][data-state="failed"]', {
      timeout: 30_000,
    });
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    await page.close();
  });

  test('advances the local clock by a day from the clock controls, and links to the mailbox', async () => {
    const { page } = await open(urls.tasks());
    const before = env.cloud.clock.now();
    // The page reloads itself when the clock's POST answers; a navigation of ours before that reload would
    // abort one of the two (net::ERR_ABORTED, seen on a loaded machine).
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await page.getByRole('button', { name: '前进一天' }).click();
    await expect
      .poll(() => env.cloud.clock.now() - before, { timeout: 60_000 })
      .toBeGreaterThanOrEqual(86_400_000);
    await reloaded;
    await env.cloud.whenIdle();
    const tasks = await getJson<TasksView>(env, '/admin/tasks');
    expect(Date.parse(tasks.now)).toBeGreaterThanOrEqual(before + 86_400_000);
    await page.goto(`${api}${urls.tasks()}`);
    const shown = await page.locator('.localbar time').first().getAttribute('datetime');
    expect(Date.parse(shown ?? '')).toBeGreaterThanOrEqual(before + 86_400_000);
    const mailbox = await page.getByRole('link', { name: '本地邮箱' }).getAttribute('href');
    expect(mailbox).toBe(env.cloud.endpoints.mailbox);
    await page.close();
  });

  test('advances the local clock without JavaScript: the form posts to the local cloud, which sends the page back', async () => {
    const { browser: noScript, close } = await launchBrowser({ javaScriptEnabled: false });
    try {
      const page = await noScript.newPage();
      await page.goto(env.cloud.endpoints.signInUrl as string);
      await page.waitForURL(`${api}/admin`);
      await page.goto(`${api}${urls.tasks({ pilot: 'gucheng' })}`);
      const before = env.cloud.clock.now();
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${api}/admin/_local/clock`, { timeout: 90_000 }),
        page.getByRole('button', { name: '前进一天' }).click({ noWaitAfter: true }),
      ]);
      expect(answer.status()).toBe(303);
      await page.waitForURL(`${api}${urls.tasks({ pilot: 'gucheng' })}`);
      expect(env.cloud.clock.now() - before).toBeGreaterThanOrEqual(86_400_000);
      const shown = await page.locator('.localbar time').first().getAttribute('datetime');
      expect(Date.parse(shown ?? '')).toBeGreaterThanOrEqual(before + 86_400_000);
      await page.setViewportSize({ width: PHONE, height: 800 });
      await screenshot(page, { path: join(SCREENSHOTS, 'dashboard-clock-no-script-phone.png') });
      await page.setViewportSize({ width: DESKTOP, height: 900 });
      await screenshot(page, { path: join(SCREENSHOTS, 'dashboard-clock-no-script-desktop.png') });
    } finally {
      await close();
    }
  });
});
