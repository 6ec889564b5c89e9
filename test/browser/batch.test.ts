// The batch acknowledgement page in a browser: a county department's one link to its six acknowledgements at
// launch, read on a desktop and on a phone, and "全部确认" pressed without any script; then the same link with
// more tasks than one page lists, confirmed page after page.
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeBatchTicket } from '#domain/batch.ts';
import { BATCH_PAGE_SIZE } from '#domain/batch-page.ts';
import { issueLinks } from '#domain/links.ts';
import { listLinksOfAssigneeDueAt } from '#store/links.ts';
import { createTask, getTask, listOpenTasks } from '#store/tasks.ts';
import { cspRefusals, launchBrowser, SCREENSHOTS, screenshot } from '#test/support/browser.ts';
import { type SampleCloud, startSampleCloud } from '#test/support/sample-cloud.ts';

const FINANCE = 'caizheng@xx-county.example';

let env: SampleCloud;
let browser: BrowserContext;
let closeBrowser: (() => Promise<void>) | undefined;
/** The finance bureau's one link to its acknowledgements of the six pilots. */
let batchLink: string;

beforeAll(async () => {
  env = await startSampleCloud({ concurrency: 1 });
  const mails = await env.cloud.mailbox.list({ to: FINANCE, subject: /【待办】/ });
  const link = mails.flatMap((m) => m.links).find((l) => /\/b\/[A-Za-z0-9_-]+\?sig=/.test(l));
  if (!link) throw new Error('the finance bureau got no batch link');
  batchLink = link;
  ({ browser, close: closeBrowser } = await launchBrowser({ javaScriptEnabled: false }));
}, 900_000);

afterAll(async () => {
  await closeBrowser?.();
  await env?.stop();
});

async function open(url: string, width: number): Promise<{ page: Page; cspErrors: string[] }> {
  const page = await browser.newPage();
  const cspErrors = cspRefusals(page);
  await page.setViewportSize({ width, height: 900 });
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  return { page, cspErrors };
}

const financeOpen = async () =>
  (await listOpenTasks(env.store)).filter((t) => t.assignees.some((a) => a.email === FINANCE));

describe('the batch acknowledgement page in a browser', () => {
  test('reads on a desktop and on a phone: six pilots, no sideways scrolling, 44-px buttons, its style allowed', async () => {
    for (const [width, name] of [
      [1280, 'batch-desktop.png'],
      [375, 'batch-phone.png'],
    ] as const) {
      const { page, cspErrors } = await open(batchLink, width);
      await expect.poll(() => page.locator('h1').textContent()).toBe('确认收到试点任务');
      expect(await page.locator('ol.items > li').count()).toBe(6);
      const all = page.getByRole('button', { name: '全部确认' });
      expect((await all.boundingBox())?.height).toBeGreaterThanOrEqual(44);
      const one = page.getByRole('button', { name: /^确认：/ });
      expect(await one.count()).toBe(6);
      expect((await one.first().boundingBox())?.height).toBeGreaterThanOrEqual(44);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await screenshot(page, { path: join(SCREENSHOTS, name), fullPage: true });
      expect(cspErrors).toEqual([]);
      await page.close();
    }
  });

  test('"全部确认" acknowledges every pilot at once, without JavaScript, and each workflow moves on', async () => {
    expect(await financeOpen()).toHaveLength(6);
    const { page } = await open(batchLink, 375);
    await page.getByRole('button', { name: '全部确认' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('已确认 6 项');
    await screenshot(page, { path: join(SCREENSHOTS, 'batch-confirmed-phone.png'), fullPage: true });
    await page.close();
    await env.cloud.whenIdle();
    expect(await financeOpen()).toEqual([]);
  });
});

/**
 * `n` more acknowledgements for the finance bureau in the same batch as its six (same step and deadline), as
 * if the plan had that many more pilots. No workflow waits for them: their decisions are recorded and Step
 * Functions answers InvalidToken, which the decision's outbox takes for a workflow that moved on.
 */
async function moreTasksForFinance(n: number): Promise<string[]> {
  const ticket = decodeBatchTicket(new URL(batchLink).pathname.split('/').pop() ?? '');
  if (!ticket) throw new Error('not a batch link');
  const [link] = await listLinksOfAssigneeDueAt(env.store, FINANCE, ticket.dueAt);
  const model = link && (await getTask(env.store, link.taskId));
  if (!model) throw new Error('the finance bureau has no task in its batch');
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) {
    const taskId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const { task } = await createTask(env.store, {
      taskId,
      programmeId: model.programmeId,
      pilotId: `extra-pilot-${String(i).padStart(2, '0')}`,
      stage: model.stage,
      kind: model.kind,
      step: model.step,
      title: model.title,
      round: 1,
      assignees: model.assignees,
      dueAt: model.dueAt,
      createdAt: model.createdAt,
      executionArn: model.executionArn,
      taskToken: `no-workflow-waits-${i}`,
      form: model.form,
    });
    await issueLinks(env.store, 'k'.repeat(48), {
      task,
      assignees: model.assignees,
      expiresAt: ticket.expiresAt,
      now: model.createdAt,
      apiBaseUrl: 'http://unused.example',
    });
    ids.push(taskId);
  }
  return ids;
}

const taskFieldsOf = (page: Page) => page.locator('form input[type=hidden][name^="t."]').count();

describe('the batch page with more tasks than one page lists', () => {
  test('lists a page, says how many follow, and "全部确认" pressed twice decides them all', async () => {
    const extra = await moreTasksForFinance(BATCH_PAGE_SIZE + 3);
    for (const [width, name] of [
      [1280, 'batch-more-desktop.png'],
      [375, 'batch-more-phone.png'],
    ] as const) {
      const { page, cspErrors } = await open(batchLink, width);
      // The six acknowledged before are done: counted, not listed.
      expect(await page.locator('ol.items > li').count()).toBe(BATCH_PAGE_SIZE);
      expect(await taskFieldsOf(page)).toBe(BATCH_PAGE_SIZE);
      await expect
        .poll(() => page.locator('p.more').first().textContent())
        .toBe('还有 3 项待确认，确认本页后显示下一批。');
      expect(await page.getByText(`只确认本页列出的 ${BATCH_PAGE_SIZE} 项`).count()).toBe(1);
      expect(await page.getByText('已办理或已关闭的 6 项不再逐项列出').count()).toBe(1);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await screenshot(page, { path: join(SCREENSHOTS, name), fullPage: true });
      expect(cspErrors).toEqual([]);
      await page.close();
    }
    const { page } = await open(batchLink, 375);
    await page.getByRole('button', { name: '全部确认' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain(`已确认 ${BATCH_PAGE_SIZE} 项`);
    // The next ones only; nothing says more follow.
    expect(await page.locator('ol.items > li').count()).toBe(3);
    expect(await taskFieldsOf(page)).toBe(3);
    expect(await page.locator('p.more').count()).toBe(0);
    await screenshot(page, { path: join(SCREENSHOTS, 'batch-more-next-phone.png'), fullPage: true });
    await page.getByRole('button', { name: '全部确认' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('已确认 3 项');
    expect(await page.getByRole('button', { name: '全部确认' }).count()).toBe(0);
    await page.close();
    for (const taskId of extra) expect((await getTask(env.store, taskId))?.status).toBe('decided');
  });
});
