import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { getLink } from '#store/links.ts';
import { getTask } from '#store/tasks.ts';
import { cspRefusals, launchBrowser, SCREENSHOTS, screenshot } from '#test/support/browser.ts';
import { decide, type SampleCloud, startSampleCloud, type TaskLink } from '#test/support/sample-cloud.ts';

let env: SampleCloud;
let browser: BrowserContext;
let closeBrowser: (() => Promise<void>) | undefined;
/** The pilot's "submit the implementation plan" link, opened once the acknowledgements are in. */
let planLink: TaskLink;

beforeAll(async () => {
  env = await startSampleCloud({ concurrency: 1 });
  // The launch stage asks every recipient to acknowledge first; then the pilot gets the plan task.
  for (const link of await env.links({ subject: /古城社区：确认收到试点任务/ })) {
    expect((await decide(link, { decision: 'approve', comment: '' })).status).toBe(200);
  }
  await env.cloud.whenIdle();
  const [link] = await env.links({ subject: /古城社区：提交实施方案/ });
  if (!link) throw new Error('the implementation plan task was not e-mailed');
  planLink = link;

  ({ browser, close: closeBrowser } = await launchBrowser());
}, 600_000);

afterAll(async () => {
  await closeBrowser?.();
  await env?.stop();
});

/** A new tab that records what the Content-Security-Policy refused (Chromium reports it on the console). */
async function open(url: string, width = 1280): Promise<{ page: Page; consoleErrors: string[] }> {
  const page = await browser.newPage();
  const consoleErrors = cspRefusals(page);
  await page.setViewportSize({ width, height: 900 });
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  return { page, consoleErrors };
}

describe('the task page in a browser', () => {
  test('is readable at desktop and phone width, with its style allowed by the CSP and nothing else loaded', async () => {
    const requests: string[] = [];
    const { page, consoleErrors } = await open(planLink.url);
    page.on('request', (request) => requests.push(request.url()));
    await page.reload();
    expect(await page.locator('h1').textContent()).toBe('提交实施方案');
    // The inline stylesheet applied (the CSP allows it by hash): the decision button is styled.
    const buttonColour = await page
      .getByRole('button', { name: '提交实施方案' })
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(buttonColour).toBe('rgb(29, 78, 216)');
    await screenshot(page, { path: join(SCREENSHOTS, 'task-desktop.png'), fullPage: true });

    await page.setViewportSize({ width: 375, height: 800 });
    await screenshot(page, { path: join(SCREENSHOTS, 'task-phone.png'), fullPage: true });
    // 320 px, the narrowest phone: nothing wider than the screen, so no sideways scrolling.
    await page.setViewportSize({ width: 320, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);

    expect(consoleErrors).toEqual([]);
    expect(requests.every((url) => url.startsWith(new URL(planLink.url).origin))).toBe(true);
    await page.close();
  });

  test('labels every control, so each can be found by its label', async () => {
    const { page } = await open(planLink.url);
    await expect(page.getByLabel('实施方案摘要').count()).resolves.toBe(1);
    await expect(page.getByLabel('选择文件').count()).resolves.toBe(1);
    await expect(page.getByLabel('意见').count()).resolves.toBe(1);
    const unlabelled = await page.evaluate(
      () =>
        Array.from(document.querySelectorAll('input:not([type=hidden]), textarea')).filter(
          (el) => (el as HTMLInputElement).labels?.length === 0,
        ).length,
    );
    expect(unlabelled).toBe(0);
    await page.close();
  });

  test('decides nothing when Enter is pressed in a text box', async () => {
    const { page } = await open(planLink.url);
    await page.getByLabel('实施方案摘要').fill('建设便民服务站');
    await page.getByLabel('意见').press('Enter');
    await page.waitForTimeout(500);
    expect(page.url()).toBe(planLink.url);
    const record = await getLink(env.store, planLink.linkId);
    expect(record?.status).toBe('active');
    await page.close();
  });

  test('keyboard users see where the focus is', async () => {
    const { page } = await open(planLink.url);
    await page.getByLabel('实施方案摘要').focus();
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return { id: el.id, outline: `${style.outlineStyle} ${style.outlineWidth}` };
    });
    expect(outline).toEqual({ id: 'comment', outline: 'solid 3px' });
    await page.close();
  });
});

describe('an official submitting the form', () => {
  test('sees the mistake explained beside the field with their input kept, corrects it, and sees the confirmation', async () => {
    const { page, consoleErrors } = await open(planLink.url, 375);
    await page
      .getByLabel('实施方案摘要')
      .fill('一、主要任务：建设便民服务站。\n二、时间安排：2023年2月至10月。');
    await page.getByRole('button', { name: '提交实施方案' }).click();
    await page.waitForLoadState();

    const summary = page.getByRole('alert').first();
    expect(await summary.textContent()).toContain('请修改以下内容后再提交');
    expect(await summary.textContent()).toContain('实施方案文件：请至少上传一个文件。');
    expect(await page.locator('#f-document-error').textContent()).toBe('请至少上传一个文件。');
    expect(await page.getByLabel('实施方案摘要').inputValue()).toContain('建设便民服务站');
    await screenshot(page, { path: join(SCREENSHOTS, 'task-error-phone.png'), fullPage: true });
    expect((await getLink(env.store, planLink.linkId))?.status).toBe('active');

    // The upload reloads the page (the form says so: upload first); the summary is typed again after it.
    await page.getByLabel('选择文件').setInputFiles({
      name: '古城社区实施方案.docx',
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      buffer: Buffer.from('PK stands in for a .docx here'),
    });
    await page.getByRole('button', { name: '上传' }).click();
    await page.waitForLoadState();
    await page
      .getByLabel('实施方案摘要')
      .fill('一、主要任务：建设便民服务站。\n二、时间安排：2023年2月至10月。');
    await page.getByRole('button', { name: '提交实施方案' }).click();
    await page.waitForLoadState();

    expect(await page.getByRole('status').textContent()).toContain('您的意见已提交，谢谢。');
    await screenshot(page, { path: join(SCREENSHOTS, 'task-confirmation-phone.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);

    await env.cloud.whenIdle();
    const record = await getLink(env.store, planLink.linkId);
    expect(record?.status).toBe('used');
    const task = await getTask(env.store, record?.taskId ?? '');
    expect(task?.decision?.form).toEqual({
      summary: '一、主要任务：建设便民服务站。\n二、时间安排：2023年2月至10月。',
      document: [expect.objectContaining({ name: '古城社区实施方案.docx', size: 29 })],
    });
    // The workflow moved on: the civil affairs bureau is asked to review the plan.
    expect((await env.links({ subject: /古城社区：审核实施方案/ })).length).toBeGreaterThan(0);

    // Reloading the link later shows calmly that it was done, not the form again.
    await page.goto(planLink.url);
    expect(await page.getByRole('status').textContent()).toContain('提交过意见');
    await page.close();
  });
});
