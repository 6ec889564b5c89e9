import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cspRefusals, launchBrowser, SCREENSHOTS, screenshot } from '#test/support/browser.ts';
import { decide, type SampleCloud, startSampleCloud, type TaskLink } from '#test/support/sample-cloud.ts';

let env: SampleCloud;
let browser: BrowserContext;
let closeBrowser: (() => Promise<void>) | undefined;
/** The pilot's "submit the implementation plan" link, e-mailed two simulated hours after the launch. */
let planLink: TaskLink;

beforeAll(async () => {
  env = await startSampleCloud({ concurrency: 1 });
  await env.cloud.clock.advance(2 * 3600_000);
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

/** A new tab on `url` that records what the Content-Security-Policy refused. */
async function open(url: string, width = 1280): Promise<{ page: Page; consoleErrors: string[] }> {
  const page = await browser.newPage();
  const consoleErrors = cspRefusals(page);
  await page.setViewportSize({ width, height: 900 });
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  return { page, consoleErrors };
}

/** Screenshots at 1280 and 375 px; at 375 nothing is wider than the screen. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 900 });
  await screenshot(page, { path: join(SCREENSHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 375, height: 800 });
  await screenshot(page, { path: join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
}

describe('the local mailbox in a browser', () => {
  test('lists the recipients by name, and a recipient shows their mail newest first and their open task', async () => {
    const { page, consoleErrors } = await open(env.cloud.endpoints.mailbox);
    expect(await page.locator('h1').textContent()).toBe('收件人');
    await shoot(page, 'mailbox-recipients');

    await page.getByRole('link', { name: /郑凯/ }).click();
    await page.waitForLoadState();

    expect(await page.locator('h1').textContent()).toBe('郑凯');
    const first = page.locator('ul.mails li').first();
    expect(await first.textContent()).toBe(`${planLink.subject}2023年1月1日（星期日）10:00`);
    expect(await page.locator('ul.mails li').last().textContent()).toContain('2023年1月1日（星期日）08:00');
    expect(await page.locator('ul.tasks a').getAttribute('href')).toBe(planLink.url);
    await shoot(page, 'mailbox-person');
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  test('opens a mail in a sandboxed frame whose link opens the approval page in a new tab', async () => {
    const { page, consoleErrors } = await open(
      `${env.cloud.endpoints.mailbox}?${new URLSearchParams({ to: planLink.to })}`,
    );
    await page.locator('ul.mails a').first().click();
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe(planLink.subject);
    const frame = page.frameLocator('iframe.body');
    const link = frame.locator(`a[href="${planLink.url}"]`).first();
    await link.waitFor();
    await shoot(page, 'mailbox-mail');

    const [approval] = await Promise.all([browser.waitForEvent('page'), link.click()]);
    await approval.waitForLoadState();
    expect(approval.url()).toBe(planLink.url);
    expect(await approval.locator('h1').textContent()).toBe('提交实施方案');
    expect(consoleErrors).toEqual([]);
    await approval.close();
    await page.close();
  });
});
