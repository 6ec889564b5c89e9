// Every dashboard page of the sample (a zh-CN plan) in a real browser, read as the administrator sees it:
// no English. The rule, applied to the page's title and its rendered text (`innerText`: what shows without
// opening a "details" toggle, so the ARNs, ids and raw JSON behind one are left out):
//   - "English" is any run of three or more Latin letters (a word);
//   - allowed are e-mail addresses and URLs (data, not words), and the product's name, PilotFlow.
// Two-letter runs pass (the sample's anonymised county "XX县" is one). Also here: the screenshots of the
// overview, a pilot and a task at 375 and 1280 px, and no sideways scroll of the page at 375 px.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PilotView, TasksView } from '#presentation/dashboard/views.ts';
import { launchBrowser, SCREENSHOTS, screenshot } from '#test/support/browser.ts';
import { bearer, getJson, newestLink, postJson, toPlanReview } from '#test/support/dashboard.ts';
import { decide, type SampleCloud, startSampleCloud } from '#test/support/sample-cloud.ts';
import { urls } from '../../functions/presentation/dashboard/urls.ts';

const PROGRAMME = 'xx-county-community-governance-2023';
const SAMPLE_PLAN = fileURLToPath(new URL('../../plans/sample.yaml', import.meta.url));
const DESKTOP = 1280;
const PHONE = 375;

let env: SampleCloud;
let api: string;
let browser: BrowserContext;
let close: () => Promise<void>;

/** The words of a text that break the rule above. */
function englishIn(text: string): string[] {
  const rest = text
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    // A file's name is the official's data, as an address is; its extension is the file's type.
    .replace(/\S*\.(pdf|docx?|xlsx?|pptx?|wps|jpe?g|png|heic|webp)\b/gi, ' ')
    .replace(/PilotFlow/g, ' ');
  return [...new Set(rest.match(/[A-Za-z]{3,}/g) ?? [])];
}

/**
 * The lines of the page (title included) that hold English, joined, for a useful failure. The switch to the
 * English page is marked `lang="en"` (its name is English, as a language's own name is), and is left out.
 */
async function englishOnPage(page: Page): Promise<string> {
  const shown = await page.evaluate(() => {
    const offered = Array.from(document.body.querySelectorAll<HTMLElement>('[lang="en"]'));
    for (const el of offered) el.hidden = true;
    // biome-ignore lint/performance/useDomNodeTextContent: what is rendered, without closed <details>' content
    const text = document.body.innerText;
    for (const el of offered) el.hidden = false;
    return text;
  });
  return `${await page.title()}\n${shown}`
    .split('\n')
    .filter((line) => englishIn(line).length > 0)
    .join('\n');
}

async function open(path: string, status = 200): Promise<Page> {
  const page = await browser.newPage();
  const response = await page.goto(`${api}${path}`);
  expect(response?.status(), path).toBe(status);
  return page;
}

/** A page that answers a POST (a problem page): fetched as the browser's form would, shown in a tab. */
async function openPosted(path: string, fields: Record<string, string>, status: number): Promise<Page> {
  const res = await fetch(`${api}${path}`, {
    method: 'POST',
    headers: { ...bearer(env), accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  expect(res.status, path).toBe(status);
  const page = await browser.newPage();
  await page.setContent(await res.text());
  return page;
}

async function screenshots(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: DESKTOP, height: 900 });
  await screenshot(page, { path: join(SCREENSHOTS, `dashboard-zh-${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: PHONE, height: 800 });
  await screenshot(page, { path: join(SCREENSHOTS, `dashboard-zh-${name}-phone.png`), fullPage: true });
  // The first screen alone, at its real size: what a phone shows before scrolling.
  await screenshot(page, { path: join(SCREENSHOTS, `dashboard-zh-${name}-phone-top.png`) });
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
}

let reviewTask: string;
let stoppedArn: string;

beforeAll(async () => {
  env = await startSampleCloud({ concurrency: 1 });
  api = env.cloud.endpoints.api;
  // Pilots in different places: 古城社区's plan under review, 东河路社区's plan approved (its launch done),
  // 草堂社区 stopped by an administrator; a link resent and a review reassigned, so the trail has them all.
  await toPlanReview(env, '古城社区');
  await toPlanReview(env, '东河路社区');
  const review = await newestLink(env, /东河路社区：审核实施方案/, 'minzheng@xx-county.example');
  const approved = await decide(review, { decision: 'approve', comment: '同意，按方案实施。' });
  if (approved.status !== 200) throw new Error(`approving the plan: ${approved.status}`);
  await env.cloud.whenIdle();

  const tasks = await getJson<TasksView>(env, `/admin/tasks?programme=${PROGRAMME}`);
  const gucheng = tasks.tasks.find((t) => t.pilotId === 'gucheng');
  if (!gucheng) throw new Error('no open task of 古城社区');
  reviewTask = gucheng.taskId;
  const resent = await postJson(env, `/admin/tasks/${reviewTask}/resend`, {
    reason: '邮件未收到，重新发送。',
  });
  if (resent.status !== 200) throw new Error(`resend: ${resent.status} ${await resent.text()}`);
  const caotang = await getJson<PilotView>(env, urls.pilot(PROGRAMME, 'caotang'));
  const launch = caotang.executions.find((e) => e.stage === 'launch');
  if (!launch?.executionArn) throw new Error('no launch execution of 草堂社区');
  stoppedArn = launch.executionArn;
  const stopped = await postJson(env, `/admin/executions/${encodeURIComponent(stoppedArn)}/stop`, {
    reason: '试点调整，暂停草堂社区。',
  });
  if (stopped.status !== 200) throw new Error(`stop: ${stopped.status} ${await stopped.text()}`);
  await env.cloud.whenIdle();

  ({ browser, close } = await launchBrowser({ extraHTTPHeaders: bearer(env) }));
}, 900_000);

afterAll(async () => {
  await close?.();
  await env?.stop();
});

describe('the dashboard of a zh-CN plan', () => {
  test('the rule finds English words and lets addresses, links, the product name and “XX” pass', () => {
    expect(englishIn('吴倩 decided "approve" on 东河路社区')).toEqual(['decided', 'approve']);
    expect(englishIn('XX县 · minzheng@xx-county.example · https://a.example/x · PilotFlow')).toEqual([]);
  });

  test('shows the overview and the programme in Chinese only', async () => {
    for (const path of ['/admin', urls.overview(PROGRAMME)]) {
      const page = await open(path);
      expect(await englishOnPage(page), path).toBe('');
      if (path === '/admin') await screenshots(page, 'overview');
      await page.close();
    }
  });

  test('shows a pilot in Chinese only, one stage graph at a time, for each stage', async () => {
    for (const stage of ['launch', 'implementation', 'evaluation'] as const) {
      const path = `${urls.pilot(PROGRAMME, 'donghelu')}?stage=${stage}`;
      const page = await open(path);
      expect(await englishOnPage(page), path).toBe('');
      expect(await page.locator('section.execution').count(), path).toBe(1);
      expect(await page.locator('section.execution').getAttribute('data-stage')).toBe(stage);
      await page.close();
    }
    // Without a choice, the stage it is in: 东河路社区 is in its implementation.
    const page = await open(urls.pilot(PROGRAMME, 'donghelu'));
    expect(await page.locator('section.execution').getAttribute('data-stage')).toBe('implementation');
    expect(await englishOnPage(page)).toBe('');
    await screenshots(page, 'pilot');
    await page.close();
    const stopped = await open(urls.pilot(PROGRAMME, 'caotang'));
    expect(await englishOnPage(stopped)).toBe('');
    await stopped.close();
  });

  test('shows executions and their history in Chinese only, the ARNs behind a toggle', async () => {
    const donghelu = await getJson<PilotView>(env, urls.pilot(PROGRAMME, 'donghelu'));
    const arns = [...donghelu.executions.flatMap((e) => (e.execution ? [e.executionArn] : [])), stoppedArn];
    expect(arns.length).toBeGreaterThanOrEqual(3);
    for (const arn of arns) {
      const page = await open(urls.execution(arn));
      expect(await englishOnPage(page), arn).toBe('');
      // biome-ignore lint/performance/useDomNodeTextContent: what is rendered, without closed <details>' content
      const shown = await page.evaluate(() => document.body.innerText);
      expect(shown).not.toContain('arn:aws:');
      await page.close();
    }
  });

  test('shows the task list and a task with its trail in Chinese only', async () => {
    const list = await open(urls.tasks());
    expect(await englishOnPage(list)).toBe('');
    await screenshots(list, 'tasks');
    await list.close();
    const task = await open(urls.task(reviewTask));
    expect(await englishOnPage(task)).toBe('');
    await screenshots(task, 'task');
    await task.close();
  });

  test('offers reassignment only to whom it can go, and says why not when there is nobody', async () => {
    // The finance bureau has one contact, who holds the task: nobody to hand it to.
    const finance = (await getJson<TasksView>(env, '/admin/tasks?pilot=jiefangjie&unit=finance')).tasks[0]!;
    const alone = await open(urls.task(finance.taskId));
    expect(await alone.locator('#reassign-form button').isDisabled()).toBe(true);
    expect(await alone.locator('#reassign-none').textContent()).toContain('本单位没有其他联系人');
    expect(await alone.locator('#reassign-to').count()).toBe(0);
    await alone.close();
    // The review is held by both contacts of the civil affairs bureau: either may be left to hold it alone.
    const review = await open(urls.task(reviewTask));
    const offered = await review
      .locator('#reassign-to option')
      .evaluateAll((els) => els.map((el) => (el as HTMLOptionElement).value));
    expect(offered).toEqual(['minzheng@xx-county.example', 'minzheng-office@xx-county.example']);
    expect(await review.locator('#reassign-form button').isDisabled()).toBe(false);
    await review.close();
  });

  test('shows the pilot’s audit trail with names, not ids, in Chinese only', async () => {
    const page = await open(urls.pilot(PROGRAMME, 'gucheng'));
    const trail = await page
      .locator('#trail')
      // biome-ignore lint/performance/useDomNodeTextContent: what is rendered, without closed <details>' content
      .evaluate((el) => (el as HTMLElement).innerText);
    expect(trail).toContain('重新发送链接');
    expect(englishIn(trail).join(' ')).toBe('');
    await page.close();
  });

  test('shows the plan upload form and an uploaded plan’s preview in Chinese only', async () => {
    const form = await open(urls.newPlan());
    expect(await englishOnPage(form)).toBe('');
    await form.close();
    const body = new FormData();
    body.append('plan', new Blob([readFileSync(SAMPLE_PLAN)]), 'sample.yaml');
    const res = await fetch(`${api}${urls.plans()}`, {
      method: 'POST',
      headers: { ...bearer(env), accept: 'application/json' },
      body,
    });
    expect(res.status).toBe(200);
    const { planId } = (await res.json()) as { planId: string };
    const preview = await open(urls.plan(planId));
    expect(await englishOnPage(preview)).toBe('');
    expect(await preview.locator('#plan-prior').textContent()).toContain('已经启动过');
    await preview.close();
  });

  test('answers 404 and 409 with pages in Chinese only', async () => {
    const missing = await open('/admin/tasks/no-such-task', 404);
    expect(await englishOnPage(missing)).toBe('');
    await missing.close();
    const conflict = await openPosted(
      `/admin/executions/${encodeURIComponent(stoppedArn)}/stop`,
      { reason: '再停一次。' },
      409,
    );
    expect(await englishOnPage(conflict)).toBe('');
    await conflict.close();
  });

  test('shows the plan page with its versions and forms in Chinese only', async () => {
    const added = await postJson(env, urls.amend(PROGRAMME), {
      change: 'add-contact',
      unit: 'finance',
      name: '周敏',
      email: 'zhoumin@xx-county.example',
      reason: '增加经办人。',
    });
    expect(added.status).toBe(200);
    const page = await open(urls.programmePlan(PROGRAMME));
    expect(await page.locator('#plan-versions tbody tr').count()).toBe(2);
    expect(await englishOnPage(page)).toBe('');
    await screenshots(page, 'plan');
    await page.close();
  });
});
